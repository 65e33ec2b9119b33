//! The adapter: checks a transaction's inputs, runs its commands on the Move VM, and turns
//! what happened into object writes, effects and events (docs/DESIGN.md §5).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use move_binary_format::access::ModuleAccess;
use move_binary_format::file_format::{AbilitySet, CompiledModule};
use move_core_types::account_address::AccountAddress;
use move_core_types::identifier::{IdentStr, Identifier};
use move_core_types::language_storage::{ModuleId, StructTag, TypeTag};
use move_core_types::resolver::{ModuleResolver, ResourceResolver};
use move_vm_runtime::move_vm::MoveVM;
use move_vm_runtime::native_extensions::NativeContextExtensions;
use move_vm_runtime::session::Session;
use move_vm_types::loaded_data::runtime_types::Type;
use serde::{Deserialize, Serialize};

use crate::error::{decode_vm_error, TransactionError};
use crate::floor::{PreparedCall, RecordingResolver, TransactionTrace};
use crate::gas::{self, GasStatus};
use crate::natives::object_runtime::{
    ChildEffect, NewOwner, ObjectResolver, ObjectRuntime, RuntimeLimits,
};
use crate::store::{CommitBatch, Store};
use crate::types::*;
use crate::verifier;

mod call_rules;
mod checks;
mod effects;
mod publish;
mod pure;
mod slots;

use effects::{failed_output, smash_gas};

use checks::Mode;
pub use checks::{check_transaction, CheckedTransaction, LoadedInput};

/// Limits on a transaction's shape, checked before it runs.
pub mod limits {
    /// Most commands in one PTB.
    pub const MAX_COMMANDS: usize = 1024;
    /// Most inputs in one PTB.
    pub const MAX_INPUTS: usize = 2048;
    /// Largest serialized transaction, in bytes.
    pub const MAX_TX_SIZE: usize = 128 * 1024;
    /// Largest object, in bytes.
    pub const MAX_OBJECT_SIZE: usize = 256 * 1024;
    /// Largest pure argument, in bytes (room for a maximal 32 KiB DID document).
    pub const MAX_PURE_SIZE: usize = 64 * 1024;
    /// Most gas coins in a payment.
    pub const MAX_GAS_PAYMENT_OBJECTS: usize = 256;
    /// Largest package, in bytes of bytecode.
    pub const MAX_PACKAGE_SIZE: usize = 100 * 1024;
}

/// The `TxContext` struct as the framework lays it out.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TxContext {
    /// The sender.
    pub sender: AccountAddress,
    /// The transaction digest.
    pub tx_hash: Vec<u8>,
    /// The epoch.
    pub epoch: u64,
    /// Clock time (ms) at the start of the epoch.
    pub epoch_timestamp_ms: u64,
    /// IDs created so far.
    pub ids_created: u64,
}

impl TxContext {
    fn fresh_id(&mut self) -> ObjectID {
        let digest = Digest::new(self.tx_hash.as_slice().try_into().expect("32-byte digest"));
        let id = ObjectID::derive_id(digest, self.ids_created);
        self.ids_created += 1;
        id
    }
}

/// The type of the gas coin, `0x2::coin::Coin<0x2::sui::SUI>`.
pub fn gas_coin_type() -> StructTag {
    coin_type(TypeTag::Struct(StructTag {
        address: crate::seam::to_vm_address(ObjectID::FRAMEWORK),
        module: Identifier::new("sui").expect("valid"),
        name: Identifier::new("SUI").expect("valid"),
        type_params: vec![],
    }))
}

/// `0x2::coin::Coin<T>`.
pub fn coin_type(t: TypeTag) -> StructTag {
    StructTag {
        address: crate::seam::to_vm_address(ObjectID::FRAMEWORK),
        module: Identifier::new("coin").expect("valid"),
        name: Identifier::new("Coin").expect("valid"),
        type_params: vec![t],
    }
}

fn is_coin(tag: &StructTag) -> bool {
    tag.address == crate::seam::to_vm_address(ObjectID::FRAMEWORK)
        && tag.module.as_str() == "coin"
        && tag.name.as_str() == "Coin"
        && tag.type_params.len() == 1
}

/// A coin's balance: the u64 after its 32-byte ID.
pub fn coin_value(contents: &[u8]) -> Option<u64> {
    contents
        .get(32..40)
        .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")))
}

fn set_coin_value(contents: &mut [u8], value: u64) {
    contents[32..40].copy_from_slice(&value.to_le_bytes());
}

/// Reads packages and objects from a store for the VM and the natives.
pub struct StoreResolver<'a> {
    store: &'a dyn Store,
}

impl<'a> StoreResolver<'a> {
    /// A resolver over `store`.
    pub fn new(store: &'a dyn Store) -> Self {
        StoreResolver { store }
    }

    fn module(&self, id: &ModuleId) -> Option<CompiledModule> {
        let bytes = self.get_module(id).ok().flatten()?;
        CompiledModule::deserialize(&bytes).ok()
    }
}

impl ModuleResolver for StoreResolver<'_> {
    type Error = crate::store::StoreError;
    fn get_module(&self, id: &ModuleId) -> Result<Option<Vec<u8>>, Self::Error> {
        let obj = self
            .store
            .get_object(&crate::seam::from_vm_address(*id.address()))?;
        Ok(obj.and_then(|o| match o.data {
            Data::Package(p) => p.modules.get(id.name().as_str()).cloned(),
            Data::Move(_) => None,
        }))
    }
}

impl ResourceResolver for StoreResolver<'_> {
    type Error = crate::store::StoreError;
    fn get_resource(
        &self,
        _: &AccountAddress,
        _: &StructTag,
    ) -> Result<Option<Vec<u8>>, Self::Error> {
        // movid has no global storage: the publish verifier rejects its instructions.
        Ok(None)
    }
}

impl ObjectResolver for StoreResolver<'_> {
    fn get_object(&self, id: &ObjectID) -> Option<Object> {
        self.store.get_object(id).ok().flatten()
    }

    fn is_drop_only(&self, tag: &StructTag) -> Option<bool> {
        let m = self.module(&ModuleId::new(tag.address, tag.module.clone()))?;
        let h = m
            .struct_handles
            .iter()
            .find(|h| m.identifier_at(h.name) == tag.name.as_ident_str())?;
        Some(h.abilities == (AbilitySet::EMPTY | move_binary_format::file_format::Ability::Drop))
    }
}

/// What executing a transaction produced.
#[derive(Clone, Debug)]
pub struct ExecutionOutput {
    /// The effects.
    pub effects: TransactionEffects,
    /// The events (empty on failure).
    pub events: Vec<Event>,
    /// The writes to commit.
    pub writes: CommitBatch,
}

/// Chain values a transaction sees.
#[derive(Clone, Copy, Debug)]
pub struct BlockEnv {
    /// Current epoch.
    pub epoch: u64,
    /// Clock at the start of the epoch (ms).
    pub epoch_start_ms: u64,
}

/// Executes transactions on a Move VM. One per chain: the VM caches loaded modules.
pub struct Executor {
    vm: MoveVM,
    limits: RuntimeLimits,
    /// Most gas units a transaction may use here, whatever its budget.
    max_gas_units: u64,
}

impl Default for Executor {
    fn default() -> Self {
        Self::new()
    }
}

#[derive(Clone, Debug)]
struct Val {
    ty: TypeTag,
    bytes: Vec<u8>,
    abilities: AbilitySet,
}

impl Val {
    fn is_object(&self) -> bool {
        self.abilities.has_key()
    }
}

enum Slot {
    Pure(Vec<u8>),
    Object {
        id: ObjectID,
        mode: Mode,
        val: Option<Val>,
    },
    Receiving(ObjectReference),
    Result {
        val: Option<Val>,
        used: bool,
    },
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Use {
    Value,
    Ref,
    MutRef,
}

/// A failure while running the commands (charged, rolled back).
struct Failure {
    error: ExecutionFailure,
    command: Option<usize>,
}

fn fail<T>(error: ExecutionFailure) -> Result<T, ExecutionFailure> {
    Err(error)
}

fn arg_err(i: usize, reason: impl Into<String>) -> ExecutionFailure {
    ExecutionFailure::InvalidArgument {
        argument: i,
        reason: reason.into(),
    }
}

/// The package and module that events are attributed to: the module a `MoveCall` names, or,
/// during a publish, the module whose `init` runs (as Sui does).
struct EventSource {
    package: ObjectID,
    module: String,
}

struct Run<'r, 'l> {
    session: Session<'r, 'l, StoreResolver<'r>>,
    gas: GasStatus,
    ctx: TxContext,
    inputs: Vec<Slot>,
    gas_slot: Slot,
    results: Vec<Vec<Slot>>,
    /// Transfers made by `TransferObjects`, in order.
    transfers: Vec<(ObjectID, Address, StructTag, Vec<u8>)>,
    published: Vec<MovePackage>,
    /// Event sources in the order they became current; events refer to them by index.
    event_sources: Vec<EventSource>,
    budget: u64,
    vm: &'l MoveVM,
    resolver: &'r StoreResolver<'r>,
    /// The Move calls as handed to the VM, when the execution is traced.
    trace: Option<Vec<PreparedCall>>,
    /// Every command's return values as it produced them, when they are asked for (dev
    /// inspect). Captured at once, since a later command may move a result away.
    returns: Option<Vec<Vec<ReturnValue>>>,
}

/// One value a command returned: its type and its BCS bytes (a dev inspect's output).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReturnValue {
    /// The value's Move type.
    pub type_: TypeTag,
    /// Its BCS encoding.
    pub bcs: Vec<u8>,
}

impl Executor {
    /// An executor with the framework natives.
    pub fn new() -> Self {
        let vm = MoveVM::new(crate::natives::all_natives()).expect("natives are well-formed");
        Executor {
            vm,
            limits: RuntimeLimits::default(),
            max_gas_units: gas::MAX_GAS_UNITS,
        }
    }

    /// An executor that stops every transaction at `max_gas_units` (at most
    /// [`gas::MAX_GAS_UNITS`]) whatever its budget: the dry-run executors.
    pub fn with_max_gas_units(max_gas_units: u64) -> Self {
        Executor {
            max_gas_units: max_gas_units.min(gas::MAX_GAS_UNITS),
            ..Self::new()
        }
    }

    /// The most gas units a transaction may use on this executor.
    pub fn max_gas_units(&self) -> u64 {
        self.max_gas_units
    }

    /// The underlying VM.
    pub fn vm(&self) -> &MoveVM {
        &self.vm
    }

    /// Executes a checked transaction against `store` (which it reads but does not write).
    pub fn execute(
        &self,
        store: &dyn Store,
        tx: &CheckedTransaction,
        env: BlockEnv,
    ) -> ExecutionOutput {
        self.execute_inner(store, tx, env, None, None).0
    }

    /// Executes like [`execute`](Self::execute) and also returns every command's return
    /// values, in command order, as far as the commands ran (a dev inspect).
    pub fn execute_returning(
        &self,
        store: &dyn Store,
        tx: &CheckedTransaction,
        env: BlockEnv,
    ) -> (ExecutionOutput, Vec<Vec<ReturnValue>>) {
        let (out, returns) = self.execute_inner(store, tx, env, None, Some(vec![]));
        (out, returns.unwrap_or_default())
    }

    /// Executes like [`execute`](Self::execute) and also captures the transaction's Move
    /// calls with their prepared arguments and the objects the object runtime read, for a
    /// [`FloorRunner`](crate::floor::FloorRunner) to replay. `Publish` commands are not
    /// captured.
    pub fn execute_traced(
        &self,
        store: &dyn Store,
        tx: &CheckedTransaction,
        env: BlockEnv,
    ) -> (ExecutionOutput, TransactionTrace) {
        let mut trace = TransactionTrace::default();
        let (out, _) = self.execute_inner(store, tx, env, Some(&mut trace), None);
        (out, trace)
    }

    fn execute_inner(
        &self,
        store: &dyn Store,
        tx: &CheckedTransaction,
        env: BlockEnv,
        mut trace: Option<&mut TransactionTrace>,
        returns: Option<Vec<Vec<ReturnValue>>>,
    ) -> (ExecutionOutput, Option<Vec<Vec<ReturnValue>>>) {
        self.vm.flush_loader_cache_if_invalidated();
        let resolver = StoreResolver::new(store);
        let recorder = trace.as_ref().map(|_| RecordingResolver::new(&resolver));
        let objects: &dyn ObjectResolver = match &recorder {
            Some(r) => r,
            None => &resolver,
        };
        let data = &tx.data;
        let budget = data.gas_data.budget;
        let mut ext = NativeContextExtensions::default();
        let mut rt = ObjectRuntime::new(objects, self.limits);
        for input in &data.programmable().inputs {
            if let CallArg::Object(ObjectArg::Receiving(r)) = input {
                rt.receivable.insert(*r.object_id(), r.version());
            }
        }
        ext.add(rt);
        let session = self.vm.new_session_with_extensions(&resolver, ext);
        let mut run = Run {
            session,
            gas: GasStatus::with_max_units(budget, data.gas_data.price, self.max_gas_units),
            ctx: TxContext {
                sender: crate::seam::to_vm_address(data.sender),
                tx_hash: tx.digest.into_inner().to_vec(),
                epoch: env.epoch,
                epoch_timestamp_ms: env.epoch_start_ms,
                ids_created: 0,
            },
            inputs: vec![],
            gas_slot: Slot::Pure(vec![]),
            results: vec![],
            transfers: vec![],
            published: vec![],
            event_sources: vec![],
            budget,
            vm: &self.vm,
            resolver: &resolver,
            trace: trace.as_ref().map(|_| vec![]),
            returns,
        };
        let outcome = run.run_all(tx);
        let result = match outcome {
            Ok(()) => run.finish(tx),
            Err(f) => Err(f),
        };
        if let Some(t) = trace.as_deref_mut() {
            t.calls = run.trace.take().unwrap_or_default();
            t.receivable = data
                .programmable()
                .inputs
                .iter()
                .filter_map(|i| match i {
                    CallArg::Object(ObjectArg::Receiving(r)) => Some((*r.object_id(), r.version())),
                    _ => None,
                })
                .collect();
        }
        let returns = run.returns.take();
        let out = match result {
            Ok(out) => {
                drop(run);
                out
            }
            Err(failure) => {
                if !run.published.is_empty() {
                    // The VM cached the modules of a publish that will not be committed.
                    self.vm.mark_loader_cache_as_invalid();
                }
                // Out of gas, whether while running or when storage is added at the end,
                // charges the whole budget (docs/DESIGN.md §7).
                let computation = match failure.error {
                    ExecutionFailure::InsufficientGas { .. } => budget,
                    _ => run.gas.computation_cost(),
                };
                drop(run);
                failed_output(tx, env, failure, computation)
            }
        };
        if let (Some(t), Some(r)) = (trace, recorder) {
            t.objects = r.into_objects();
        }
        (out, returns)
    }

    /// The package objects of the genesis packages (no transaction, no gas). Every module
    /// passes the publish rules; a genesis module may not have an `init`, since genesis
    /// writes its objects directly rather than running Move code.
    pub fn publish_genesis(
        &self,
        packages: &[(ObjectID, Vec<CompiledModule>)],
        digest: Digest,
    ) -> Result<Vec<Object>, String> {
        let mut package_objects = vec![];
        for (id, modules) in packages {
            let mut map = BTreeMap::new();
            for m in modules {
                verifier::verify_module(m).map_err(|e| e.to_string())?;
                if verifier::init_takes_witness(m).is_some() {
                    return Err(format!(
                        "genesis module {} has an init, which genesis does not run; create its objects in genesis.rs instead",
                        m.self_id()
                    ));
                }
                let mut b = vec![];
                m.serialize(&mut b).map_err(|e| e.to_string())?;
                map.insert(m.self_id().name().to_string(), b);
            }
            package_objects.push(Object {
                data: Data::Package(MovePackage {
                    id: *id,
                    version: 1,
                    modules: map,
                }),
                owner: Owner::Immutable,
                previous_transaction: digest,
                storage_rebate: 0,
            });
        }
        Ok(package_objects)
    }
}

fn type_to_tag(
    session: &Session<'_, '_, StoreResolver<'_>>,
    ty: &Type,
) -> Result<TypeTag, ExecutionFailure> {
    Ok(match ty {
        Type::Bool => TypeTag::Bool,
        Type::U8 => TypeTag::U8,
        Type::U64 => TypeTag::U64,
        Type::U128 => TypeTag::U128,
        Type::Address => TypeTag::Address,
        Type::Signer => TypeTag::Signer,
        Type::Vector(t) => TypeTag::Vector(Box::new(type_to_tag(session, t)?)),
        Type::Struct(idx) | Type::StructInstantiation(idx, _) => {
            let st = session
                .get_struct_type(*idx)
                .ok_or_else(|| ExecutionFailure::Other("unknown struct type".into()))?;
            let type_params = match ty {
                Type::StructInstantiation(_, args) => args
                    .iter()
                    .map(|a| type_to_tag(session, a))
                    .collect::<Result<_, _>>()?,
                _ => vec![],
            };
            TypeTag::Struct(StructTag {
                address: *st.module.address(),
                module: st.module.name().to_owned(),
                name: st.name.clone(),
                type_params,
            })
        }
        Type::Reference(_) | Type::MutableReference(_) | Type::TyParam(_) => {
            return fail(ExecutionFailure::Other(
                "reference or type parameter where a value type was expected".into(),
            ))
        }
    })
}

fn is_tx_context(tag: &TypeTag) -> bool {
    matches!(tag, TypeTag::Struct(s) if s.address == crate::seam::to_vm_address(ObjectID::FRAMEWORK)
        && s.module.as_str() == "tx_context" && s.name.as_str() == "TxContext")
}

fn is_struct(tag: &TypeTag, addr: ObjectID, module: &str, name: &str) -> bool {
    matches!(tag, TypeTag::Struct(s) if s.address == crate::seam::to_vm_address(addr)
        && s.module.as_str() == module && s.name.as_str() == name)
}

/// Where an argument's value lives: `Result(c)` and `NestedResult(c, 0)` are the same place.
fn location(arg: Argument) -> (u8, u16, u16) {
    match arg {
        Argument::GasCoin => (0, 0, 0),
        Argument::Input(i) => (1, i, 0),
        Argument::Result(c) => (2, c, 0),
        Argument::NestedResult(c, j) => (2, c, j),
    }
}

fn uleb128(mut n: usize, out: &mut Vec<u8>) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            break;
        }
        out.push(byte | 0x80);
    }
}

impl<'r, 'l> Run<'r, 'l> {
    fn runtime(&mut self) -> &mut ObjectRuntime<'r> {
        self.session
            .get_native_extensions()
            .get_mut::<ObjectRuntime>()
    }

    fn abilities(&self, tag: &TypeTag) -> Result<AbilitySet, ExecutionFailure> {
        let ty = self.session.load_type(tag).map_err(|e| {
            ExecutionFailure::TypeArgumentError(format!("{tag}: {:?}", e.major_status()))
        })?;
        self.session
            .get_type_abilities(&ty)
            .map_err(|e| ExecutionFailure::Other(format!("{:?}", e.major_status())))
    }

    fn load_module(&self, id: &ModuleId) -> Option<Arc<CompiledModule>> {
        self.vm.load_module(id, self.resolver).ok()
    }

    fn vm_failure(&self, e: &move_binary_format::errors::VMError) -> ExecutionFailure {
        decode_vm_error(e, self.budget, &|id| self.load_module(id))
    }

    // A `Failure` ends the transaction, so its size on the error path costs nothing.
    #[allow(clippy::result_large_err)]
    fn run_all(&mut self, tx: &CheckedTransaction) -> Result<(), Failure> {
        let ptb = tx.data.programmable().clone();
        let setup = |run: &mut Self| -> Result<(), ExecutionFailure> {
            run.gas
                .charge(gas::BASE_TX_UNITS)
                .map_err(|_| ExecutionFailure::InsufficientGas { budget: run.budget })?;
            for (i, input) in ptb.inputs.iter().enumerate() {
                let slot = match (input, &tx.inputs[i]) {
                    (CallArg::Pure(b), _) => Slot::Pure(b.clone()),
                    (CallArg::Object(ObjectArg::Receiving(r)), _) => Slot::Receiving(r.clone()),
                    (CallArg::Object(_), Some(loaded)) => {
                        let m = loaded
                            .object
                            .as_move()
                            .ok_or_else(|| arg_err(i, "packages cannot be arguments"))?;
                        let ty = TypeTag::Struct(m.type_.clone());
                        let abilities = run.abilities(&ty)?;
                        run.charge_bytes(m.contents.len())?;
                        Slot::Object {
                            id: loaded.object.id(),
                            mode: loaded.mode,
                            val: Some(Val {
                                ty,
                                bytes: m.contents.clone(),
                                abilities,
                            }),
                        }
                    }
                    (CallArg::Object(_), None) => {
                        return fail(ExecutionFailure::Other("input not loaded".into()))
                    }
                };
                run.inputs.push(slot);
            }
            let (coin, _, _) = smash_gas(tx);
            let m = coin.as_move().expect("coin");
            let ty = TypeTag::Struct(m.type_.clone());
            let abilities = run.abilities(&ty)?;
            run.gas_slot = Slot::Object {
                id: coin.id(),
                mode: Mode::Owned,
                val: Some(Val {
                    ty,
                    bytes: m.contents.clone(),
                    abilities,
                }),
            };
            Ok(())
        };
        setup(self).map_err(|error| Failure {
            error,
            command: None,
        })?;
        for (i, cmd) in ptb.commands.iter().enumerate() {
            let results = self.command(cmd).map_err(|error| Failure {
                error,
                command: Some(i),
            })?;
            if let Some(returns) = &mut self.returns {
                returns.push(
                    results
                        .iter()
                        .map(|v| ReturnValue {
                            type_: v.ty.clone(),
                            bcs: v.bytes.clone(),
                        })
                        .collect(),
                );
            }
            self.results.push(
                results
                    .into_iter()
                    .map(|v| Slot::Result {
                        val: Some(v),
                        used: false,
                    })
                    .collect(),
            );
        }
        Ok(())
    }

    /// Attributes the events Move emits from now on to `package::module`.
    fn set_event_source(&mut self, package: ObjectID, module: String) {
        self.event_sources.push(EventSource { package, module });
        let index = self.event_sources.len() - 1;
        self.runtime().event_source = index;
    }

    fn charge_bytes(&mut self, n: usize) -> Result<(), ExecutionFailure> {
        self.gas
            .charge(1 + n as u64 / 64)
            .map_err(|_| ExecutionFailure::InsufficientGas {
                budget: self.budget,
            })
    }

    fn command(&mut self, cmd: &Command) -> Result<Vec<Val>, ExecutionFailure> {
        match cmd {
            Command::MoveCall(call) => {
                self.set_event_source(call.package, call.module.clone());
                self.move_call(call)
            }
            Command::TransferObjects(objs, to) => {
                let recipient = self.take(*to, objs.len(), Use::Value, Some(&TypeTag::Address))?;
                let recipient = Address::from_bytes(&recipient.bytes)
                    .map_err(|_| arg_err(objs.len(), "not an address"))?;
                for (i, a) in objs.iter().enumerate() {
                    let v = if *a == Argument::GasCoin {
                        // The one command that may move the gas coin: it keeps paying for gas
                        // from its new owner's hands.
                        self.take_gas_coin(i)?
                    } else {
                        self.take(*a, i, Use::Value, None)?
                    };
                    let TypeTag::Struct(tag) = &v.ty else {
                        return fail(arg_err(i, "not an object"));
                    };
                    let id = ObjectID::from_bytes(&v.bytes[..32.min(v.bytes.len())])
                        .unwrap_or(ObjectID::ZERO);
                    if !v.is_object() {
                        return fail(arg_err(i, format!("{} is not an object", v.ty)));
                    }
                    if !v.abilities.has_store() {
                        return fail(ExecutionFailure::TransferWithoutStore {
                            id,
                            type_: v.ty.to_string(),
                        });
                    }
                    self.transfers.push((id, recipient, tag.clone(), v.bytes));
                }
                Ok(vec![])
            }
            Command::SplitCoins(coin, amounts) => {
                let c = self.take(*coin, 0, Use::MutRef, None)?;
                let TypeTag::Struct(tag) = &c.ty else {
                    return fail(arg_err(0, "not a coin"));
                };
                if !is_coin(tag) {
                    return fail(arg_err(0, format!("{} is not a coin", c.ty)));
                }
                let mut balance =
                    coin_value(&c.bytes).ok_or_else(|| arg_err(0, "malformed coin"))?;
                let coin_id = ObjectID::from_bytes(&c.bytes[..32]).unwrap_or(ObjectID::ZERO);
                let mut out = vec![];
                for (i, a) in amounts.iter().enumerate() {
                    let amount = self.take(*a, i + 1, Use::Value, Some(&TypeTag::U64))?;
                    let amount = u64::from_le_bytes(
                        amount
                            .bytes
                            .as_slice()
                            .try_into()
                            .map_err(|_| arg_err(i + 1, "not a u64"))?,
                    );
                    if amount > balance {
                        return fail(ExecutionFailure::InsufficientCoinBalance {
                            coin: coin_id,
                            balance,
                            requested: amount,
                        });
                    }
                    balance -= amount;
                    let id = self.ctx.fresh_id();
                    self.runtime().record_new_id(id);
                    let mut bytes = id.into_inner().to_vec();
                    bytes.extend_from_slice(&amount.to_le_bytes());
                    out.push(Val {
                        ty: c.ty.clone(),
                        bytes,
                        abilities: c.abilities,
                    });
                }
                let mut bytes = c.bytes;
                set_coin_value(&mut bytes, balance);
                self.write_back(*coin, bytes);
                Ok(out)
            }
            Command::MergeCoins(target, sources) => {
                let t = self.take(*target, 0, Use::MutRef, None)?;
                let TypeTag::Struct(tag) = &t.ty else {
                    return fail(arg_err(0, "not a coin"));
                };
                if !is_coin(tag) {
                    return fail(arg_err(0, format!("{} is not a coin", t.ty)));
                }
                let mut total = coin_value(&t.bytes).ok_or_else(|| arg_err(0, "malformed coin"))?;
                for (i, s) in sources.iter().enumerate() {
                    if location(*s) == location(*target) {
                        return fail(arg_err(i + 1, "a coin cannot be merged into itself"));
                    }
                    let v = self.take(*s, i + 1, Use::Value, Some(&t.ty))?;
                    total = total
                        .checked_add(coin_value(&v.bytes).unwrap_or(0))
                        .ok_or_else(|| arg_err(i + 1, "balance overflow"))?;
                    let id = ObjectID::from_bytes(&v.bytes[..32]).unwrap_or(ObjectID::ZERO);
                    self.runtime().record_deleted_id(id);
                }
                let mut bytes = t.bytes;
                set_coin_value(&mut bytes, total);
                self.write_back(*target, bytes);
                Ok(vec![])
            }
            Command::MakeMoveVec(ty, elems) => {
                let mut elem_ty = ty.clone();
                let mut vals = vec![];
                for (i, a) in elems.iter().enumerate() {
                    let v = self.take(*a, i, Use::Value, elem_ty.as_ref())?;
                    if elem_ty.is_none() {
                        elem_ty = Some(v.ty.clone());
                    }
                    vals.push(v);
                }
                let Some(elem_ty) = elem_ty else {
                    return fail(ExecutionFailure::TypeArgumentError(
                        "an empty MakeMoveVec needs a type".into(),
                    ));
                };
                let abilities = self.abilities(&TypeTag::Vector(Box::new(elem_ty.clone())))?;
                let mut bytes = vec![];
                uleb128(vals.len(), &mut bytes);
                for v in vals {
                    bytes.extend(v.bytes);
                }
                self.charge_bytes(bytes.len())?;
                Ok(vec![Val {
                    ty: TypeTag::Vector(Box::new(elem_ty)),
                    bytes,
                    abilities,
                }])
            }
            Command::Publish(modules, deps) => self.publish(modules, deps),
        }
    }

    fn move_call(&mut self, call: &MoveCall) -> Result<Vec<Val>, ExecutionFailure> {
        let target = format!("{}::{}::{}", call.package, call.module, call.function);
        let not_callable = |reason: &str| ExecutionFailure::FunctionNotCallable {
            target: target.clone(),
            reason: reason.into(),
        };
        let module_name = Identifier::new(call.module.as_str())
            .map_err(|_| not_callable("invalid module name"))?;
        let function = Identifier::new(call.function.as_str())
            .map_err(|_| not_callable("invalid function name"))?;
        let module_id = ModuleId::new(crate::seam::to_vm_address(call.package), module_name);
        let module = self
            .load_module(&module_id)
            .ok_or_else(|| not_callable("no such module"))?;
        let fdef = module
            .function_defs
            .iter()
            .find(|f| {
                module.identifier_at(module.function_handle_at(f.function).name)
                    == function.as_ident_str()
            })
            .ok_or_else(|| not_callable("no such function"))?;
        call_rules::check_target(call.package, &call.module, &call.function, fdef).map_err(
            |rule| ExecutionFailure::CallNotAllowed {
                target: target.clone(),
                rule,
            },
        )?;
        let inst = self
            .session
            .load_function(&module_id, &function, &call.type_arguments)
            .map_err(|e| {
                ExecutionFailure::TypeArgumentError(format!("{target}: {:?}", e.major_status()))
            })?;
        let mut params = vec![];
        for p in &inst.parameters {
            let p = p
                .subst(&inst.type_arguments)
                .map_err(|e| ExecutionFailure::Other(format!("{:?}", e.major_status())))?;
            let (usage, inner) = match &p {
                Type::Reference(t) => (Use::Ref, (**t).clone()),
                Type::MutableReference(t) => (Use::MutRef, (**t).clone()),
                t => (Use::Value, t.clone()),
            };
            params.push((usage, type_to_tag(&self.session, &inner)?));
        }
        let mut returns = vec![];
        for r in &inst.return_ {
            let r = r
                .subst(&inst.type_arguments)
                .map_err(|e| ExecutionFailure::Other(format!("{:?}", e.major_status())))?;
            if matches!(r, Type::Reference(_) | Type::MutableReference(_)) {
                return fail(not_callable(
                    "functions returning references cannot be called from a transaction",
                ));
            }
            let tag = type_to_tag(&self.session, &r)?;
            let abilities = self
                .session
                .get_type_abilities(&r)
                .map_err(|e| ExecutionFailure::Other(format!("{:?}", e.major_status())))?;
            returns.push((tag, abilities));
        }
        let takes_ctx = params
            .last()
            .is_some_and(|(u, t)| *u != Use::Value && is_tx_context(t));
        let n_args = params.len() - usize::from(takes_ctx);
        if call.arguments.len() != n_args {
            return fail(arg_err(
                call.arguments.len(),
                format!(
                    "{target} takes {n_args} arguments, {} given",
                    call.arguments.len()
                ),
            ));
        }
        let mut args = Vec::with_capacity(params.len());
        let mut mut_args = vec![];
        let mut uses: BTreeMap<(u8, u16, u16), Use> = BTreeMap::new();
        for (i, (a, (usage, tag))) in call.arguments.iter().zip(&params).enumerate() {
            // The VM gets a copy of each argument, so one object passed twice would reach Move
            // as two values, and the write-back of the last `&mut` would win: an object may
            // appear twice in a call only if every use is an immutable borrow.
            if let Some(prev) = uses.insert(location(*a), *usage) {
                if (prev != Use::Ref || *usage != Use::Ref) && !self.is_copyable(*a) {
                    return fail(arg_err(
                        i,
                        "this value is already an argument of the call; an object may be passed \
                         twice only by immutable reference",
                    ));
                }
            }
            let v = self.take(*a, i, *usage, Some(tag))?;
            if *usage == Use::MutRef {
                mut_args.push((i, *a));
            }
            args.push(v.bytes);
        }
        if takes_ctx {
            args.push(bcs::to_bytes(&self.ctx).expect("serializes"));
        }
        if let Some(trace) = &mut self.trace {
            trace.push(PreparedCall {
                module: module_id.clone(),
                function: function.clone(),
                type_arguments: call.type_arguments.clone(),
                arguments: args.clone(),
            });
        }
        let result = self.session.execute_function_bypass_visibility(
            &module_id,
            &function,
            call.type_arguments.clone(),
            args,
            &mut self.gas,
        );
        let values = result.map_err(|e| self.vm_failure(&e))?;
        for (local, bytes, _layout) in values.mutable_reference_outputs {
            let local = local as usize;
            if takes_ctx && local == n_args {
                if let Ok(ctx) = bcs::from_bytes::<TxContext>(&bytes) {
                    self.ctx = ctx;
                }
                continue;
            }
            if let Some((_, a)) = mut_args.iter().find(|(i, _)| *i == local) {
                self.write_back(*a, bytes);
            }
        }
        Ok(values
            .return_values
            .into_iter()
            .zip(returns)
            .map(|((bytes, _), (ty, abilities))| Val {
                ty,
                bytes,
                abilities,
            })
            .collect())
    }
}
