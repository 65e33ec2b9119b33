//! Publish-time checks (docs/DESIGN.md §6), run after the Move bytecode verifier.
//!
//! - a `key` struct's first field is `id: sui::object::UID`;
//! - no global storage instructions (`move_to`, `move_from`, `borrow_global`, `exists`);
//! - a `key` struct is packed only with a UID fresh from `object::new` (an abstract
//!   interpretation over each function's control-flow graph);
//! - `transfer::{transfer, share_object, freeze_object, receive}` and `event::emit` are
//!   called only with types the calling module defines;
//! - entry functions take primitives, strings, IDs, objects, `Receiving<T>` tickets and
//!   vectors of them, with the `TxContext` last, and return only droppable values;
//! - `init` is private, returns nothing, takes an optional one-time witness and the
//!   `TxContext`, and is never called by the module's own code; the witness type is never
//!   packed.

use std::collections::BTreeMap;

use move_binary_format::access::ModuleAccess;
use move_binary_format::control_flow_graph::{ControlFlowGraph, VMControlFlowGraph};
use move_binary_format::file_format::{
    Ability, AbilitySet, Bytecode, CompiledModule, FunctionDefinition, FunctionHandleIndex,
    SignatureToken, StructHandleIndex, Visibility,
};
use move_core_types::account_address::AccountAddress;

/// A publish rule a module broke.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PublishError {
    /// The module bytes do not deserialize.
    #[error("module {index} does not deserialize: {reason}")]
    Malformed {
        /// Position of the module in the package.
        index: usize,
        /// The deserializer's message.
        reason: String,
    },
    /// The Move bytecode verifier rejected the module.
    #[error("module {module} fails bytecode verification: {reason}")]
    Bytecode {
        /// The module.
        module: String,
        /// The verifier's message.
        reason: String,
    },
    /// A `key` struct whose first field is not `id: UID`.
    #[error("struct {module}::{name} has `key` but its first field is not `id: sui::object::UID`")]
    KeyWithoutUid {
        /// The module.
        module: String,
        /// The struct.
        name: String,
    },
    /// A global storage instruction.
    #[error("function {module}::{function} uses global storage ({instruction}); objects replace global storage here")]
    GlobalStorage {
        /// The module.
        module: String,
        /// The function.
        function: String,
        /// The instruction.
        instruction: String,
    },
    /// A `key` struct packed with a UID that is not fresh.
    #[error("function {module}::{function} packs the object {name} with a UID that does not come from object::new")]
    UidNotFresh {
        /// The module.
        module: String,
        /// The function.
        function: String,
        /// The struct.
        name: String,
    },
    /// A private transfer-family function or `event::emit` called with a foreign type.
    #[error("function {module}::{function} calls {callee} with a type not defined in {module}; use the public_ variant (the type needs `store`)")]
    ForeignTypeTransfer {
        /// The module.
        module: String,
        /// The function.
        function: String,
        /// The callee, e.g. `transfer::transfer`.
        callee: String,
    },
    /// An entry function with a parameter or return type entry functions may not have.
    #[error("entry function {module}::{function}: {reason}")]
    BadEntrySignature {
        /// The module.
        module: String,
        /// The function.
        function: String,
        /// What is wrong.
        reason: String,
    },
    /// A malformed `init`.
    #[error("{module}::init: {reason}")]
    BadInit {
        /// The module.
        module: String,
        /// What is wrong.
        reason: String,
    },
    /// The one-time witness type is created by code.
    #[error("{module} packs its one-time witness {name}; only the runtime creates it, for init")]
    WitnessPacked {
        /// The module.
        module: String,
        /// The witness struct.
        name: String,
    },
    /// Modules of one package with different addresses, or a dependency that does not exist.
    #[error("{0}")]
    Linkage(String),
}

const FRAMEWORK: AccountAddress = {
    let mut b = [0u8; 32];
    b[31] = 2;
    AccountAddress::new(b)
};

/// Runs every publish rule on a module. The framework itself (0x2) is exempt from the rules
/// that restrict what may create UIDs and call transfer natives, since it implements them.
pub fn verify_module(module: &CompiledModule) -> Result<(), PublishError> {
    let name = module.self_id().name().to_string();
    move_bytecode_verifier::verify_module(module).map_err(|e| PublishError::Bytecode {
        module: name.clone(),
        reason: format!("{:?}", e.major_status()),
    })?;
    let is_framework = *module.address() == FRAMEWORK;
    check_key_structs(module)?;
    check_init(module)?;
    for fdef in &module.function_defs {
        let Some(code) = &fdef.code else { continue };
        let fname = module
            .identifier_at(module.function_handle_at(fdef.function).name)
            .to_string();
        check_no_global_storage(module, &fname, &code.code)?;
        check_init_not_called(module, &fname, &code.code)?;
        if !is_framework {
            check_transfer_calls(module, &fname, &code.code)?;
            check_fresh_uids(module, fdef, &fname)?;
        }
        if fdef.is_entry {
            check_entry_signature(module, fdef, &fname)?;
        }
    }
    Ok(())
}

fn declared_fields(
    def: &move_binary_format::file_format::StructDefinition,
) -> Option<&[move_binary_format::file_format::FieldDefinition]> {
    match &def.field_information {
        move_binary_format::file_format::StructFieldInformation::Declared(f) => Some(f),
        move_binary_format::file_format::StructFieldInformation::Native => None,
    }
}

fn struct_is(
    module: &CompiledModule,
    h: StructHandleIndex,
    addr: AccountAddress,
    m: &str,
    n: &str,
) -> bool {
    let sh = module.struct_handle_at(h);
    let mh = module.module_handle_at(sh.module);
    *module.address_identifier_at(mh.address) == addr
        && module.identifier_at(mh.name).as_str() == m
        && module.identifier_at(sh.name).as_str() == n
}

fn is_uid(module: &CompiledModule, t: &SignatureToken) -> bool {
    matches!(t, SignatureToken::Struct(h) if struct_is(module, *h, FRAMEWORK, "object", "UID"))
}

fn is_tx_context(module: &CompiledModule, t: &SignatureToken) -> bool {
    match t {
        SignatureToken::Reference(inner) | SignatureToken::MutableReference(inner) => {
            matches!(&**inner, SignatureToken::Struct(h) if struct_is(module, *h, FRAMEWORK, "tx_context", "TxContext"))
        }
        _ => false,
    }
}

fn check_key_structs(module: &CompiledModule) -> Result<(), PublishError> {
    let mname = module.self_id().name().to_string();
    for sdef in &module.struct_defs {
        let handle = module.struct_handle_at(sdef.struct_handle);
        if !handle.abilities.has_key() {
            continue;
        }
        let name = module.identifier_at(handle.name).to_string();
        let ok = declared_fields(sdef)
            .and_then(|f| f.first())
            .is_some_and(|f| {
                module.identifier_at(f.name).as_str() == "id" && is_uid(module, &f.signature.0)
            });
        if !ok {
            return Err(PublishError::KeyWithoutUid {
                module: mname,
                name,
            });
        }
    }
    Ok(())
}

fn check_no_global_storage(
    module: &CompiledModule,
    fname: &str,
    code: &[Bytecode],
) -> Result<(), PublishError> {
    for instr in code {
        use Bytecode::*;
        if matches!(
            instr,
            MoveFrom(_)
                | MoveFromGeneric(_)
                | MoveTo(_)
                | MoveToGeneric(_)
                | MutBorrowGlobal(_)
                | MutBorrowGlobalGeneric(_)
                | ImmBorrowGlobal(_)
                | ImmBorrowGlobalGeneric(_)
                | Exists(_)
                | ExistsGeneric(_)
        ) {
            return Err(PublishError::GlobalStorage {
                module: module.self_id().name().to_string(),
                function: fname.to_string(),
                instruction: format!("{instr:?}"),
            });
        }
    }
    Ok(())
}

/// `init` runs once, at publish; a module's own code calling it could run it again.
fn check_init_not_called(
    module: &CompiledModule,
    fname: &str,
    code: &[Bytecode],
) -> Result<(), PublishError> {
    for instr in code {
        let Bytecode::Call(h) = instr else { continue };
        let fh = module.function_handle_at(*h);
        if fh.module == module.self_handle_idx() && module.identifier_at(fh.name).as_str() == "init"
        {
            return Err(PublishError::BadInit {
                module: module.self_id().name().to_string(),
                reason: format!(
                    "init is called by {fname}; only the runtime calls it, once, at publish"
                ),
            });
        }
    }
    Ok(())
}

/// The framework (0x2) functions, by (module, function), whose type argument must be defined
/// by the calling module. The publish rules check every call a module makes to them; a
/// transaction, which has no module of its own, may never call them
/// (`execution::call_rules`), so both read this one list.
pub const CALLER_TYPES_ONLY: &[(&str, &str)] = &[
    ("transfer", "transfer"),
    ("transfer", "share_object"),
    ("transfer", "freeze_object"),
    ("transfer", "receive"),
    ("event", "emit"),
];

fn check_transfer_calls(
    module: &CompiledModule,
    fname: &str,
    code: &[Bytecode],
) -> Result<(), PublishError> {
    for instr in code {
        let Bytecode::CallGeneric(idx) = instr else {
            continue;
        };
        let inst = module.function_instantiation_at(*idx);
        let fh = module.function_handle_at(inst.handle);
        let mh = module.module_handle_at(fh.module);
        if *module.address_identifier_at(mh.address) != FRAMEWORK {
            continue;
        }
        let callee_module = module.identifier_at(mh.name).as_str();
        let callee = module.identifier_at(fh.name).as_str();
        if !CALLER_TYPES_ONLY.contains(&(callee_module, callee)) {
            continue;
        }
        let ty = module.signature_at(inst.type_parameters).0.first();
        let own = match ty {
            Some(SignatureToken::Struct(h)) | Some(SignatureToken::StructInstantiation(h, _)) => {
                module.struct_handle_at(*h).module == module.self_handle_idx()
            }
            _ => false,
        };
        if !own {
            return Err(PublishError::ForeignTypeTransfer {
                module: module.self_id().name().to_string(),
                function: fname.to_string(),
                callee: format!("{callee_module}::{callee}"),
            });
        }
    }
    Ok(())
}

/// Abstract value of a stack slot or local for the fresh-UID analysis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Abs {
    Fresh,
    Other,
}

fn join(a: &mut [Option<Abs>], b: &[Option<Abs>]) -> bool {
    let mut changed = false;
    for (x, y) in a.iter_mut().zip(b) {
        let joined = match (*x, *y) {
            (None, y) => y,
            (x, None) => x,
            (Some(Abs::Fresh), Some(Abs::Fresh)) => Some(Abs::Fresh),
            _ => Some(Abs::Other),
        };
        if joined != *x {
            *x = joined;
            changed = true;
        }
    }
    changed
}

fn is_fresh_uid_source(module: &CompiledModule, h: FunctionHandleIndex) -> bool {
    let fh = module.function_handle_at(h);
    let mh = module.module_handle_at(fh.module);
    *module.address_identifier_at(mh.address) == FRAMEWORK
        && module.identifier_at(mh.name).as_str() == "object"
        && module.identifier_at(fh.name).as_str() == "new"
}

fn check_fresh_uids(
    module: &CompiledModule,
    fdef: &FunctionDefinition,
    fname: &str,
) -> Result<(), PublishError> {
    let code = &fdef.code.as_ref().expect("has code").code;
    let handle = module.function_handle_at(fdef.function);
    let num_params = module.signature_at(handle.parameters).len();
    let num_locals = num_params
        + module
            .signature_at(fdef.code.as_ref().expect("has code").locals)
            .len();
    let cfg = VMControlFlowGraph::new(code);
    let mut entry: BTreeMap<u16, Vec<Option<Abs>>> = BTreeMap::new();
    let mut init = vec![None; num_locals];
    for l in init.iter_mut().take(num_params) {
        *l = Some(Abs::Other);
    }
    entry.insert(cfg.entry_block_id(), init);
    let mut work = vec![cfg.entry_block_id()];
    while let Some(block) = work.pop() {
        let mut locals = entry[&block].clone();
        let mut stack: Vec<Abs> = vec![];
        for off in cfg.block_start(block)..=cfg.block_end(block) {
            step(module, &code[off as usize], &mut locals, &mut stack, fname)?;
        }
        for succ in cfg.successors(block) {
            let changed = match entry.get_mut(succ) {
                Some(e) => join(e, &locals),
                None => {
                    entry.insert(*succ, locals.clone());
                    true
                }
            };
            if changed {
                work.push(*succ);
            }
        }
    }
    Ok(())
}

fn step(
    module: &CompiledModule,
    instr: &Bytecode,
    locals: &mut [Option<Abs>],
    stack: &mut Vec<Abs>,
    fname: &str,
) -> Result<(), PublishError> {
    use Bytecode::*;
    let pop = |n: usize, stack: &mut Vec<Abs>| {
        let keep = stack.len().saturating_sub(n);
        stack.truncate(keep);
    };
    match instr {
        StLoc(i) => {
            let v = stack.pop().unwrap_or(Abs::Other);
            locals[*i as usize] = Some(v);
        }
        Ret => stack.clear(),
        Branch(_) | Nop => {}
        LdU8(_) | LdU64(_) | LdU128(_) | LdConst(_) | LdTrue | LdFalse | MutBorrowLoc(_)
        | ImmBorrowLoc(_) => stack.push(Abs::Other),
        CopyLoc(i) | MoveLoc(i) => stack.push(locals[*i as usize].unwrap_or(Abs::Other)),
        Call(h) => {
            let fh = module.function_handle_at(*h);
            pop(module.signature_at(fh.parameters).len(), stack);
            let rets = module.signature_at(fh.return_).len();
            let v = if is_fresh_uid_source(module, *h) {
                Abs::Fresh
            } else {
                Abs::Other
            };
            stack.extend(std::iter::repeat_n(v, rets));
        }
        CallGeneric(i) => {
            let fh = module.function_handle_at(module.function_instantiation_at(*i).handle);
            pop(module.signature_at(fh.parameters).len(), stack);
            stack.extend(std::iter::repeat_n(
                Abs::Other,
                module.signature_at(fh.return_).len(),
            ));
        }
        Pack(_) | PackGeneric(_) => {
            let def_idx = match instr {
                Pack(d) => *d,
                PackGeneric(i) => module.struct_instantiation_at(*i).def,
                _ => unreachable!(),
            };
            let sdef = module.struct_def_at(def_idx);
            let n = declared_fields(sdef).map(|f| f.len()).unwrap_or(0);
            let handle = module.struct_handle_at(sdef.struct_handle);
            if handle.abilities.has_key() && n > 0 {
                let first = stack
                    .get(stack.len().saturating_sub(n))
                    .copied()
                    .unwrap_or(Abs::Other);
                if first != Abs::Fresh {
                    return Err(PublishError::UidNotFresh {
                        module: module.self_id().name().to_string(),
                        function: fname.to_string(),
                        name: module.identifier_at(handle.name).to_string(),
                    });
                }
            }
            pop(n, stack);
            stack.push(Abs::Other);
        }
        Unpack(_) | UnpackGeneric(_) => {
            let def_idx = match instr {
                Unpack(d) => *d,
                UnpackGeneric(i) => module.struct_instantiation_at(*i).def,
                _ => unreachable!(),
            };
            let n = declared_fields(module.struct_def_at(def_idx))
                .map(|f| f.len())
                .unwrap_or(0);
            pop(1, stack);
            stack.extend(std::iter::repeat_n(Abs::Other, n));
        }
        ReadRef
        | FreezeRef
        | CastU8
        | CastU64
        | CastU128
        | Not
        | MutBorrowField(_)
        | ImmBorrowField(_)
        | MutBorrowFieldGeneric(_)
        | ImmBorrowFieldGeneric(_)
        | VecLen(_)
        | VecPopBack(_) => {
            pop(1, stack);
            stack.push(Abs::Other);
        }
        WriteRef | VecPushBack(_) => pop(2, stack),
        Add | Sub | Mul | Mod | Div | BitOr | BitAnd | Xor | Or | And | Eq | Neq | Lt | Gt | Le
        | Ge | Shl | Shr | VecImmBorrow(_) | VecMutBorrow(_) => {
            pop(2, stack);
            stack.push(Abs::Other);
        }
        VecPack(_, n) => {
            pop(*n as usize, stack);
            stack.push(Abs::Other);
        }
        VecUnpack(_, n) => {
            pop(1, stack);
            stack.extend(std::iter::repeat_n(Abs::Other, *n as usize));
        }
        VecSwap(_) => pop(3, stack),
        // Global storage is rejected before this analysis runs.
        MutBorrowGlobal(_)
        | MutBorrowGlobalGeneric(_)
        | ImmBorrowGlobal(_)
        | ImmBorrowGlobalGeneric(_)
        | Exists(_)
        | ExistsGeneric(_)
        | MoveFrom(_)
        | MoveFromGeneric(_) => {
            pop(1, stack);
            stack.push(Abs::Other);
        }
        MoveTo(_) | MoveToGeneric(_) => pop(2, stack),
        Pop | BrTrue(_) | BrFalse(_) | Abort => pop(1, stack),
    }
    Ok(())
}

/// Whether a parameter type is one an entry function may take.
fn entry_param_ok(module: &CompiledModule, t: &SignatureToken, type_params: &[AbilitySet]) -> bool {
    use SignatureToken::*;
    match t {
        Bool | U8 | U64 | U128 | Address => true,
        Signer => false,
        Vector(inner) => entry_param_ok(module, inner, type_params),
        Reference(inner) | MutableReference(inner) => is_object(module, inner, type_params),
        Struct(h) => {
            is_object(module, t, type_params)
                || struct_is(module, *h, AccountAddress::ONE, "string", "String")
                || struct_is(module, *h, AccountAddress::ONE, "ascii", "String")
                || struct_is(module, *h, FRAMEWORK, "object", "ID")
        }
        StructInstantiation(h, args) => {
            is_object(module, t, type_params)
                || (struct_is(module, *h, AccountAddress::ONE, "option", "Option")
                    && args.iter().all(|a| entry_param_ok(module, a, type_params)))
                // A ticket for an object sent to another object, supplied by a `Receiving`
                // input; `Receiving<T>` itself requires `T: key`.
                || struct_is(module, *h, FRAMEWORK, "transfer", "Receiving")
        }
        TypeParameter(i) => type_params.get(*i as usize).is_some_and(|a| a.has_key()),
    }
}

fn is_object(module: &CompiledModule, t: &SignatureToken, type_params: &[AbilitySet]) -> bool {
    match t {
        SignatureToken::Struct(h) | SignatureToken::StructInstantiation(h, _) => {
            module.struct_handle_at(*h).abilities.has_key()
        }
        SignatureToken::TypeParameter(i) => {
            type_params.get(*i as usize).is_some_and(|a| a.has_key())
        }
        _ => false,
    }
}

fn has_drop(module: &CompiledModule, t: &SignatureToken, type_params: &[AbilitySet]) -> bool {
    use SignatureToken::*;
    match t {
        Bool | U8 | U64 | U128 | Address => true,
        Vector(inner) => has_drop(module, inner, type_params),
        Struct(h) => module.struct_handle_at(*h).abilities.has_drop(),
        StructInstantiation(h, args) => {
            module.struct_handle_at(*h).abilities.has_drop()
                && args.iter().all(|a| has_drop(module, a, type_params))
        }
        TypeParameter(i) => type_params
            .get(*i as usize)
            .is_some_and(|a| a.has_ability(Ability::Drop)),
        Signer | Reference(_) | MutableReference(_) => false,
    }
}

fn check_entry_signature(
    module: &CompiledModule,
    fdef: &FunctionDefinition,
    fname: &str,
) -> Result<(), PublishError> {
    let handle = module.function_handle_at(fdef.function);
    let params = &module.signature_at(handle.parameters).0;
    let tps = &handle.type_parameters;
    let err = |reason: String| PublishError::BadEntrySignature {
        module: module.self_id().name().to_string(),
        function: fname.to_string(),
        reason,
    };
    for (i, p) in params.iter().enumerate() {
        if is_tx_context(module, p) {
            if i + 1 != params.len() {
                return Err(err("the TxContext parameter must come last".into()));
            }
            continue;
        }
        if !entry_param_ok(module, p, tps) {
            return Err(err(format!(
                "parameter {i} has a type entry functions cannot take (only primitives, strings, IDs, objects and vectors of them)"
            )));
        }
    }
    for r in &module.signature_at(handle.return_).0 {
        if !has_drop(module, r, tps) {
            return Err(err(
                "entry functions may only return values with `drop`".into()
            ));
        }
    }
    Ok(())
}

fn check_init(module: &CompiledModule) -> Result<(), PublishError> {
    let mname = module.self_id().name().to_string();
    let otw_name = mname.to_ascii_uppercase();
    let err = |reason: &str| PublishError::BadInit {
        module: mname.clone(),
        reason: reason.to_string(),
    };
    // The witness struct, if the module declares one. A struct with any ability besides `drop`
    // can never pass as a one-time witness (`types::is_one_time_witness` requires exactly
    // `drop`), so it may be packed freely: `bcs::BCS` is such a struct.
    let witness = module.struct_defs.iter().enumerate().find(|(_, s)| {
        let handle = module.struct_handle_at(s.struct_handle);
        module.identifier_at(handle.name).as_str() == otw_name
            && handle.abilities == (AbilitySet::EMPTY | Ability::Drop)
    });
    if let Some((idx, _)) = witness {
        for fdef in &module.function_defs {
            let Some(code) = &fdef.code else { continue };
            if code
                .code
                .iter()
                .any(|i| matches!(i, Bytecode::Pack(d) if d.0 as usize == idx))
            {
                return Err(PublishError::WitnessPacked {
                    module: mname.clone(),
                    name: otw_name.clone(),
                });
            }
        }
    }
    let Some(fdef) = module.function_defs.iter().find(|f| {
        module
            .identifier_at(module.function_handle_at(f.function).name)
            .as_str()
            == "init"
    }) else {
        return Ok(());
    };
    let handle = module.function_handle_at(fdef.function);
    if fdef.visibility != Visibility::Private || fdef.is_entry {
        return Err(err("init must be private and not entry"));
    }
    if !handle.type_parameters.is_empty() {
        return Err(err("init must not be generic"));
    }
    if !module.signature_at(handle.return_).0.is_empty() {
        return Err(err("init must not return values"));
    }
    let params = &module.signature_at(handle.parameters).0;
    match params.as_slice() {
        [ctx] if is_tx_context(module, ctx) => Ok(()),
        [otw, ctx] if is_tx_context(module, ctx) => {
            let SignatureToken::Struct(h) = otw else {
                return Err(err(
                    "the first parameter must be the module's one-time witness",
                ));
            };
            let sh = module.struct_handle_at(*h);
            let is_own = sh.module == module.self_handle_idx()
                && module.identifier_at(sh.name).as_str() == otw_name;
            let drop_only = sh.abilities == (AbilitySet::EMPTY | Ability::Drop);
            let def = module.struct_defs.iter().find(|d| d.struct_handle == *h);
            let single_bool = def
                .and_then(declared_fields)
                .is_some_and(|f| f.len() == 1 && f[0].signature.0 == SignatureToken::Bool);
            if is_own && drop_only && single_bool && sh.type_parameters.is_empty() {
                Ok(())
            } else {
                Err(err(&format!(
                    "the one-time witness must be `struct {otw_name} has drop {{}}` declared in this module"
                )))
            }
        }
        _ => Err(err(
            "init takes an optional one-time witness and then &TxContext or &mut TxContext",
        )),
    }
}

/// Whether the module's `init` takes a one-time witness.
pub fn init_takes_witness(module: &CompiledModule) -> Option<bool> {
    let fdef = module.function_defs.iter().find(|f| {
        module
            .identifier_at(module.function_handle_at(f.function).name)
            .as_str()
            == "init"
    })?;
    Some(
        module
            .signature_at(module.function_handle_at(fdef.function).parameters)
            .len()
            == 2,
    )
}
