//! Native functions of the framework (0x2) and the Move standard library (0x1).
//!
//! Every native charges gas (a base cost plus a per-byte cost where it touches data) and works
//! against the [`ObjectRuntime`] extension. The Move side of each is declared in
//! `move/framework/sources`; the signatures there and here must agree.

pub(crate) mod inventory;
pub mod object_runtime;
pub mod test_scenario;
pub mod testing;

use std::collections::VecDeque;
use std::sync::Arc;

use move_binary_format::errors::{PartialVMError, PartialVMResult};
use move_core_types::account_address::AccountAddress;
use move_core_types::gas_algebra::InternalGas;
use move_core_types::identifier::Identifier;
use move_core_types::language_storage::TypeTag;
use move_core_types::value::MoveTypeLayout;
use move_core_types::vm_status::StatusCode;
use move_vm_runtime::native_functions::{NativeContext, NativeFunction, NativeFunctionTable};
use move_vm_types::loaded_data::runtime_types::Type;
use move_vm_types::natives::function::NativeResult;
use move_vm_types::pop_arg;
use move_vm_types::values::{StructRef, Value, VectorRef};
use smallvec::smallvec;

use object_runtime::{expect_struct, NativeOutcome, NewOwner};
pub use object_runtime::{ObjectResolver, ObjectRuntime, RuntimeLimits};

use crate::crypto::blake2b256;
use crate::types::ObjectID;

/// Gas units charged per native call, before per-byte costs.
pub(crate) const NATIVE_BASE_COST: u64 = 50;
/// Gas units charged per byte a native reads or writes.
pub(crate) const NATIVE_BYTE_COST: u64 = 1;
/// Extra gas units for loading an object from the store.
pub(crate) const LOAD_OBJECT_COST: u64 = 500;

/// Prefix of the message a native gives when it stops a transaction for exceeding a limit; the
/// adapter turns such errors into `ExecutionFailure::LimitExceeded`.
pub(crate) const LIMIT_PREFIX: &str = "limit exceeded: ";

/// Stops the transaction for exceeding a limit: not a Move abort the caller could catch or
/// misread as its own, but an error the adapter reports as `ExecutionFailure::LimitExceeded`
/// with `reason`.
pub(crate) fn limit_exceeded(reason: impl std::fmt::Display) -> PartialVMError {
    PartialVMError::new(StatusCode::VM_MAX_VALUE_DEPTH_REACHED)
        .with_message(format!("{LIMIT_PREFIX}{reason}"))
}

pub(crate) fn cost(bytes: usize) -> InternalGas {
    InternalGas::new(NATIVE_BASE_COST + NATIVE_BYTE_COST * bytes as u64)
}

pub(crate) fn invariant(msg: impl Into<String>) -> PartialVMError {
    PartialVMError::new(StatusCode::UNKNOWN_INVARIANT_VIOLATION_ERROR).with_message(msg.into())
}

pub(crate) fn runtime<'a, 'b>(ctx: &'a mut NativeContext<'_, 'b>) -> &'a mut ObjectRuntime<'b> {
    ctx.extensions_mut().get_mut::<ObjectRuntime>()
}

pub(crate) fn type_tag_and_layout(
    ctx: &NativeContext,
    ty: &Type,
) -> PartialVMResult<(TypeTag, MoveTypeLayout)> {
    let tag = ctx.type_to_type_tag(ty)?;
    let layout = ctx
        .type_to_type_layout(ty)?
        .ok_or_else(|| invariant(format!("no layout for type {tag}")))?;
    Ok((tag, layout))
}

pub(crate) fn serialize(value: &Value, layout: &MoveTypeLayout) -> PartialVMResult<Vec<u8>> {
    value
        .simple_serialize(layout)
        .ok_or_else(|| invariant("value does not serialize"))
}

/// The object ID stored in the first 32 bytes of an object's BCS.
pub(crate) fn id_of_contents(contents: &[u8]) -> PartialVMResult<ObjectID> {
    contents
        .get(..32)
        .and_then(|b| ObjectID::from_bytes(b).ok())
        .ok_or_else(|| invariant("object contents shorter than an ID"))
}

/// Reads the address inside a `&UID` (UID { id: ID { bytes: address } }).
fn uid_ref_address(uid: Value) -> PartialVMResult<AccountAddress> {
    let id_ref = uid.value_as::<StructRef>()?.borrow_field(0)?;
    let addr_ref = id_ref.value_as::<StructRef>()?.borrow_field(0)?;
    addr_ref
        .value_as::<move_vm_types::values::Reference>()?
        .read_ref()?
        .value_as::<AccountAddress>()
}

fn ok(bytes: usize, values: impl IntoIterator<Item = Value>) -> PartialVMResult<NativeResult> {
    Ok(NativeResult::ok(cost(bytes), values.into_iter().collect()))
}

fn abort(code: u64) -> PartialVMResult<NativeResult> {
    Ok(NativeResult::err(cost(0), code))
}

type Native = fn(&mut NativeContext, Vec<Type>, VecDeque<Value>) -> PartialVMResult<NativeResult>;

/// The framework's natives, by (module, function).
const FRAMEWORK_NATIVES: &[(&str, &str, Native)] = &[
    ("tx_context", "derive_id", derive_id),
    ("object", "borrow_uid", borrow_uid),
    ("object", "delete_impl", delete_impl),
    ("object", "record_new_uid", record_new_uid),
    ("transfer", "transfer_impl", transfer_impl),
    ("transfer", "share_object_impl", share_object_impl),
    ("transfer", "freeze_object_impl", freeze_object_impl),
    ("transfer", "receive_impl", receive_impl),
    ("event", "emit", emit),
    ("dynamic_field", "hash_type_and_key", hash_type_and_key),
    ("dynamic_field", "add_child_object", add_child_object),
    ("dynamic_field", "borrow_child_object", borrow_child_object),
    (
        "dynamic_field",
        "borrow_child_object_mut",
        borrow_child_object,
    ),
    ("dynamic_field", "remove_child_object", remove_child_object),
    ("dynamic_field", "has_child_object", has_child_object),
    (
        "dynamic_field",
        "has_child_object_with_ty",
        has_child_object_with_ty,
    ),
    ("hash", "blake2b256", hash_blake2b256),
    ("hash", "keccak256", hash_keccak256),
    ("ed25519", "ed25519_verify", ed25519_verify),
    ("types", "is_one_time_witness", is_one_time_witness),
    ("address", "from_bytes", address_from_bytes),
    (
        "package",
        "type_package_and_module",
        type_package_and_module,
    ),
];

/// All natives: the standard library at 0x1 (with movid's `debug` and `type_name`) and the
/// framework at 0x2 (with the test-only `test_scenario`, `test_utils` and event natives; the
/// `test_scenario` ones abort unless the unit-test runner set up inventories).
pub fn all_natives() -> NativeFunctionTable {
    let std_addr = AccountAddress::from_hex_literal("0x1").expect("valid");
    let fw_addr = AccountAddress::from_hex_literal("0x2").expect("valid");
    let mut table =
        move_stdlib::natives::all_natives(std_addr, move_stdlib::natives::GasParameters::zeros());
    let mut add = |module: &str, func: &str, f: NativeFunction| {
        table.push((
            fw_addr,
            Identifier::new(module).expect("valid identifier"),
            Identifier::new(func).expect("valid identifier"),
            f,
        ));
    };
    for (module, func, f) in FRAMEWORK_NATIVES
        .iter()
        .chain(test_scenario::NATIVES)
        .chain(testing::FRAMEWORK_NATIVES)
    {
        add(module, func, Arc::new(*f));
    }
    for (module, func, f) in testing::STD_NATIVES {
        table.push((
            std_addr,
            Identifier::new(*module).expect("valid identifier"),
            Identifier::new(*func).expect("valid identifier"),
            Arc::new(*f),
        ));
    }
    table
}

// ---------------------------------------------------------------- tx_context and object

fn derive_id(
    _: &mut NativeContext,
    _: Vec<Type>,
    mut args: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    let ids_created = pop_arg!(args, u64);
    let tx_hash = pop_arg!(args, Vec<u8>);
    let mut buf = Vec::with_capacity(41);
    buf.push(0xf1);
    buf.extend_from_slice(&tx_hash);
    buf.extend_from_slice(&ids_created.to_le_bytes());
    ok(
        buf.len(),
        [Value::address(AccountAddress::new(blake2b256(&buf)))],
    )
}

fn borrow_uid(
    _: &mut NativeContext,
    _: Vec<Type>,
    mut args: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    let obj = pop_arg!(args, StructRef);
    ok(0, [obj.borrow_field(0)?])
}

fn delete_impl(
    ctx: &mut NativeContext,
    _: Vec<Type>,
    mut args: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    let id = pop_arg!(args, AccountAddress);
    runtime(ctx).record_deleted_id(crate::seam::from_vm_address(id));
    ok(0, [])
}

fn record_new_uid(
    ctx: &mut NativeContext,
    _: Vec<Type>,
    mut args: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    let id = pop_arg!(args, AccountAddress);
    runtime(ctx).record_new_id(crate::seam::from_vm_address(id));
    ok(0, [])
}

// ---------------------------------------------------------------- transfer

fn record_transfer(
    ctx: &mut NativeContext,
    ty: &Type,
    obj: Value,
    owner: NewOwner,
) -> PartialVMResult<NativeResult> {
    let (tag, layout) = type_tag_and_layout(ctx, ty)?;
    let contents = serialize(&obj, &layout)?;
    let id = id_of_contents(&contents)?;
    let len = contents.len();
    runtime(ctx).record_transfer(id, owner, expect_struct(tag)?, contents);
    ok(len, [])
}

fn transfer_impl(
    ctx: &mut NativeContext,
    tys: Vec<Type>,
    mut args: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    let recipient = pop_arg!(args, AccountAddress);
    let obj = args.pop_back().ok_or_else(|| invariant("missing object"))?;
    record_transfer(
        ctx,
        &tys[0],
        obj,
        NewOwner::Address(crate::seam::from_vm_address(recipient)),
    )
}

fn share_object_impl(
    ctx: &mut NativeContext,
    tys: Vec<Type>,
    mut args: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    let obj = args.pop_back().ok_or_else(|| invariant("missing object"))?;
    record_transfer(ctx, &tys[0], obj, NewOwner::Shared)
}

fn freeze_object_impl(
    ctx: &mut NativeContext,
    tys: Vec<Type>,
    mut args: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    let obj = args.pop_back().ok_or_else(|| invariant("missing object"))?;
    record_transfer(ctx, &tys[0], obj, NewOwner::Immutable)
}

fn receive_impl(
    ctx: &mut NativeContext,
    tys: Vec<Type>,
    mut args: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    let version = pop_arg!(args, u64);
    let id = id_struct_address(args.pop_back().ok_or_else(|| invariant("missing id"))?)?;
    let parent = pop_arg!(args, AccountAddress);
    let (tag, layout) = type_tag_and_layout(ctx, &tys[0])?;
    let tag = expect_struct(tag)?;
    match runtime(ctx).receive(
        crate::seam::from_vm_address(parent),
        crate::seam::from_vm_address(id),
        version,
        &tag,
        &layout,
    )? {
        NativeOutcome::Ok(v) => Ok(NativeResult::ok(
            InternalGas::new(LOAD_OBJECT_COST),
            smallvec![v],
        )),
        NativeOutcome::Abort(code) => abort(code),
    }
}

/// The address inside an `ID` value passed by value.
pub(crate) fn id_struct_address(id: Value) -> PartialVMResult<AccountAddress> {
    let s = id.value_as::<move_vm_types::values::Struct>()?;
    let mut fields = s.unpack()?;
    fields
        .next()
        .ok_or_else(|| invariant("ID has no field"))?
        .value_as::<AccountAddress>()
}

// ---------------------------------------------------------------- event

fn emit(
    ctx: &mut NativeContext,
    tys: Vec<Type>,
    mut args: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    let event = args.pop_back().ok_or_else(|| invariant("missing event"))?;
    let (tag, layout) = type_tag_and_layout(ctx, &tys[0])?;
    let tag = match tag {
        TypeTag::Struct(s) => s,
        // Only structs can be events; primitives are refused by the publish verifier too.
        _ => return abort(0),
    };
    let contents = serialize(&event, &layout)?;
    let len = contents.len();
    match runtime(ctx).record_event(tag, contents) {
        Ok(()) => ok(len, []),
        Err(_) => Err(limit_exceeded(
            "too many or too large events in one transaction",
        )),
    }
}

// ---------------------------------------------------------------- dynamic fields

fn hash_type_and_key(
    ctx: &mut NativeContext,
    tys: Vec<Type>,
    mut args: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    let key = args.pop_back().ok_or_else(|| invariant("missing key"))?;
    let parent = pop_arg!(args, AccountAddress);
    let (tag, layout) = type_tag_and_layout(ctx, &tys[0])?;
    let key_bytes = serialize(&key, &layout)?;
    let id = dynamic_field_id(&crate::seam::from_vm_address(parent), &tag, &key_bytes);
    ok(
        key_bytes.len(),
        [Value::address(crate::seam::to_vm_address(id))],
    )
}

/// `blake2b(0xf0 ‖ parent ‖ len(bcs(key)) as u64 LE ‖ bcs(key) ‖ bcs(key type tag))`.
pub fn dynamic_field_id(parent: &ObjectID, key_type: &TypeTag, key_bcs: &[u8]) -> ObjectID {
    let tag_bytes = bcs::to_bytes(key_type).expect("type tags serialize");
    let mut buf = Vec::with_capacity(41 + key_bcs.len() + tag_bytes.len());
    buf.push(0xf0);
    buf.extend_from_slice(&parent.into_inner());
    buf.extend_from_slice(&(key_bcs.len() as u64).to_le_bytes());
    buf.extend_from_slice(key_bcs);
    buf.extend_from_slice(&tag_bytes);
    ObjectID::new(blake2b256(&buf))
}

fn add_child_object(
    ctx: &mut NativeContext,
    tys: Vec<Type>,
    mut args: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    let child = args.pop_back().ok_or_else(|| invariant("missing child"))?;
    let parent = pop_arg!(args, AccountAddress);
    let (tag, layout) = type_tag_and_layout(ctx, &tys[0])?;
    let contents = serialize(&child, &layout)?;
    let id = id_of_contents(&contents)?;
    match runtime(ctx).add_child(
        crate::seam::from_vm_address(parent),
        id,
        expect_struct(tag)?,
        layout,
        child,
    )? {
        NativeOutcome::Ok(()) => ok(contents.len(), []),
        NativeOutcome::Abort(code) => abort(code),
    }
}

fn borrow_child_object(
    ctx: &mut NativeContext,
    tys: Vec<Type>,
    mut args: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    let id = pop_arg!(args, AccountAddress);
    let parent = uid_ref_address(args.pop_back().ok_or_else(|| invariant("missing parent"))?)?;
    let (tag, layout) = type_tag_and_layout(ctx, &tys[0])?;
    match runtime(ctx).borrow_child(
        crate::seam::from_vm_address(parent),
        crate::seam::from_vm_address(id),
        &expect_struct(tag)?,
        &layout,
    )? {
        NativeOutcome::Ok(v) => Ok(NativeResult::ok(
            InternalGas::new(LOAD_OBJECT_COST),
            smallvec![v],
        )),
        NativeOutcome::Abort(code) => abort(code),
    }
}

fn remove_child_object(
    ctx: &mut NativeContext,
    tys: Vec<Type>,
    mut args: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    let id = pop_arg!(args, AccountAddress);
    let parent = pop_arg!(args, AccountAddress);
    let (tag, layout) = type_tag_and_layout(ctx, &tys[0])?;
    match runtime(ctx).remove_child(
        crate::seam::from_vm_address(parent),
        crate::seam::from_vm_address(id),
        &expect_struct(tag)?,
        &layout,
    )? {
        NativeOutcome::Ok(v) => Ok(NativeResult::ok(
            InternalGas::new(LOAD_OBJECT_COST),
            smallvec![v],
        )),
        NativeOutcome::Abort(code) => abort(code),
    }
}

fn has_child_object(
    ctx: &mut NativeContext,
    _: Vec<Type>,
    mut args: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    let id = pop_arg!(args, AccountAddress);
    let parent = pop_arg!(args, AccountAddress);
    let exists = runtime(ctx).child_exists(
        crate::seam::from_vm_address(parent),
        crate::seam::from_vm_address(id),
        None,
    )?;
    ok(0, [Value::bool(exists)])
}

fn has_child_object_with_ty(
    ctx: &mut NativeContext,
    tys: Vec<Type>,
    mut args: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    let id = pop_arg!(args, AccountAddress);
    let parent = pop_arg!(args, AccountAddress);
    let tag = expect_struct(ctx.type_to_type_tag(&tys[0])?)?;
    let exists = runtime(ctx).child_exists(
        crate::seam::from_vm_address(parent),
        crate::seam::from_vm_address(id),
        Some(&tag),
    )?;
    ok(0, [Value::bool(exists)])
}

// ---------------------------------------------------------------- crypto and misc

fn bytes_arg(v: Value) -> PartialVMResult<Vec<u8>> {
    let r = v.value_as::<VectorRef>()?;
    let b = r.as_bytes_ref().clone();
    Ok(b)
}

fn hash_blake2b256(
    _: &mut NativeContext,
    _: Vec<Type>,
    mut args: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    let data = bytes_arg(args.pop_back().ok_or_else(|| invariant("missing data"))?)?;
    ok(data.len(), [Value::vector_u8(blake2b256(&data))])
}

fn hash_keccak256(
    _: &mut NativeContext,
    _: Vec<Type>,
    mut args: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    use sha3::Digest;
    let data = bytes_arg(args.pop_back().ok_or_else(|| invariant("missing data"))?)?;
    let out: [u8; 32] = sha3::Keccak256::digest(&data).into();
    ok(data.len(), [Value::vector_u8(out)])
}

fn ed25519_verify(
    _: &mut NativeContext,
    _: Vec<Type>,
    mut args: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    let msg = bytes_arg(args.pop_back().ok_or_else(|| invariant("missing msg"))?)?;
    let pk = bytes_arg(args.pop_back().ok_or_else(|| invariant("missing key"))?)?;
    let sig = bytes_arg(
        args.pop_back()
            .ok_or_else(|| invariant("missing signature"))?,
    )?;
    let valid = (|| {
        let pk: [u8; 32] = pk.as_slice().try_into().ok()?;
        let sig: [u8; 64] = sig.as_slice().try_into().ok()?;
        let vk = ed25519_dalek::VerifyingKey::from_bytes(&pk).ok()?;
        vk.verify_strict(&msg, &ed25519_dalek::Signature::from_bytes(&sig))
            .ok()
    })()
    .is_some();
    Ok(NativeResult::ok(
        InternalGas::new(2000 + msg.len() as u64),
        smallvec![Value::bool(valid)],
    ))
}

fn is_one_time_witness(
    ctx: &mut NativeContext,
    tys: Vec<Type>,
    _args: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    let tag = ctx.type_to_type_tag(&tys[0])?;
    let layout = ctx.type_to_type_layout(&tys[0])?;
    let TypeTag::Struct(s) = tag else {
        return ok(0, [Value::bool(false)]);
    };
    let shape_ok = s.type_params.is_empty()
        && s.name.as_str() == s.module.as_str().to_ascii_uppercase()
        && matches!(&layout, Some(MoveTypeLayout::Struct(st)) if matches!(st.fields(), [MoveTypeLayout::Bool]));
    // Where the type's module is known, also require exactly the `drop` ability. Under the
    // unit-test runner there is no store to ask, and the name and shape checks apply alone.
    let abilities_ok = runtime(ctx).is_drop_only(&s).unwrap_or(true);
    ok(0, [Value::bool(shape_ok && abilities_ok)])
}

fn address_from_bytes(
    _: &mut NativeContext,
    _: Vec<Type>,
    mut args: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    let bytes = pop_arg!(args, Vec<u8>);
    match <[u8; 32]>::try_from(bytes.as_slice()) {
        Ok(b) => ok(32, [Value::address(AccountAddress::new(b))]),
        Err(_) => abort(0),
    }
}

fn type_package_and_module(
    ctx: &mut NativeContext,
    tys: Vec<Type>,
    _args: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    match ctx.type_to_type_tag(&tys[0])? {
        TypeTag::Struct(s) => ok(
            0,
            [
                Value::address(s.address),
                Value::vector_u8(s.module.as_bytes().to_vec()),
            ],
        ),
        _ => abort(0),
    }
}
