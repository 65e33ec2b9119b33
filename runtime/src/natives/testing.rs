//! Natives for testing and introspection: `std::debug`, `std::type_name`, the framework's
//! `test_utils` and the test-only event readers of `event`.
//!
//! `debug::print` writes only under the Move unit-test runner (where the object runtime carries
//! `test_scenario` inventories); in a transaction it charges gas and does nothing, so a node's
//! output never depends on what a package prints.

use std::collections::VecDeque;
use std::fmt::Write as _;

use move_binary_format::errors::PartialVMResult;
use move_core_types::language_storage::{StructTag, TypeTag};
use move_core_types::value::{MoveStruct, MoveTypeLayout, MoveValue};
use move_vm_runtime::native_functions::NativeContext;
use move_vm_types::loaded_data::runtime_types::Type;
use move_vm_types::natives::function::NativeResult;
use move_vm_types::values::{Reference, Struct, Value};

use super::object_runtime::expect_struct;
use super::{cost, invariant, runtime, serialize, type_tag_and_layout, Native};

/// `test_utils::create_one_time_witness` was asked for a type that is not shaped like one.
const E_NOT_ONE_TIME_WITNESS: u64 = 0;

/// Natives of the standard library (0x1) defined by movid.
pub(super) const STD_NATIVES: &[(&str, &str, Native)] = &[
    ("debug", "print", debug_print),
    ("debug", "print_stack_trace", debug_print_stack_trace),
    ("type_name", "get", type_name_get),
    ("type_name", "get_with_original_ids", type_name_get),
];

/// Test-only natives of the framework (0x2).
pub(super) const FRAMEWORK_NATIVES: &[(&str, &str, Native)] = &[
    ("test_utils", "destroy", destroy),
    (
        "test_utils",
        "create_one_time_witness",
        create_one_time_witness,
    ),
    ("event", "num_events", num_events),
    ("event", "events_by_type", events_by_type),
];

fn ok(bytes: usize, values: impl IntoIterator<Item = Value>) -> PartialVMResult<NativeResult> {
    Ok(NativeResult::ok(cost(bytes), values.into_iter().collect()))
}

// ---------------------------------------------------------------- std::debug

fn debug_print(
    ctx: &mut NativeContext,
    tys: Vec<Type>,
    mut args: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    let reference = args.pop_back().ok_or_else(|| invariant("missing value"))?;
    if runtime(ctx).test.is_none() {
        return ok(0, []);
    }
    let value = reference.value_as::<Reference>()?.read_ref()?;
    let (tag, layout) = type_tag_and_layout(ctx, &tys[0])?;
    let bytes = serialize(&value, &layout)?;
    let decoded = MoveValue::simple_deserialize(&bytes, &layout)
        .map_err(|e| invariant(format!("printed value does not decode: {e}")))?;
    println!("[debug] {}", format_value(&tag, &decoded));
    ok(bytes.len(), [])
}

fn debug_print_stack_trace(
    ctx: &mut NativeContext,
    _: Vec<Type>,
    _: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    if runtime(ctx).test.is_some() {
        let mut trace = String::new();
        ctx.print_stack_trace(&mut trace)?;
        println!("{trace}");
    }
    ok(0, [])
}

fn is_string_type(tag: &TypeTag) -> bool {
    matches!(tag, TypeTag::Struct(s)
        if s.address == move_core_types::account_address::AccountAddress::ONE
            && (s.module.as_str() == "string" || s.module.as_str() == "ascii")
            && s.name.as_str() == "String")
}

/// A readable rendering of a Move value: strings quoted, addresses as `@0x…`, vectors in
/// brackets, structs as `Name { field, … }` (by position: the runtime layout has no names).
pub(crate) fn format_value(tag: &TypeTag, value: &MoveValue) -> String {
    match (tag, value) {
        (t, MoveValue::Struct(MoveStruct::Runtime(fields))) if is_string_type(t) => {
            match fields.as_slice() {
                [MoveValue::Vector(bytes)] => {
                    let raw: Vec<u8> = bytes
                        .iter()
                        .filter_map(|b| match b {
                            MoveValue::U8(b) => Some(*b),
                            _ => None,
                        })
                        .collect();
                    format!("{:?}", String::from_utf8_lossy(&raw))
                }
                _ => format_plain(value),
            }
        }
        (TypeTag::Struct(s), MoveValue::Struct(MoveStruct::Runtime(fields))) => {
            let inner: Vec<String> = fields.iter().map(format_plain).collect();
            format!("{}::{} {{ {} }}", s.module, s.name, inner.join(", "))
        }
        (TypeTag::Vector(t), MoveValue::Vector(items)) => {
            let inner: Vec<String> = items.iter().map(|v| format_value(t, v)).collect();
            format!("[{}]", inner.join(", "))
        }
        _ => format_plain(value),
    }
}

fn format_plain(value: &MoveValue) -> String {
    match value {
        MoveValue::U8(v) => v.to_string(),
        MoveValue::U64(v) => v.to_string(),
        MoveValue::U128(v) => v.to_string(),
        MoveValue::Bool(v) => v.to_string(),
        MoveValue::Address(a) | MoveValue::Signer(a) => format!("@0x{}", a.short_str_lossless()),
        MoveValue::Vector(items) => {
            let inner: Vec<String> = items.iter().map(format_plain).collect();
            format!("[{}]", inner.join(", "))
        }
        MoveValue::Struct(s) => {
            let fields: Vec<String> = match s {
                MoveStruct::Runtime(f) => f.iter().map(format_plain).collect(),
                MoveStruct::WithFields(f) | MoveStruct::WithTypes { fields: f, .. } => f
                    .iter()
                    .map(|(n, v)| format!("{n}: {}", format_plain(v)))
                    .collect(),
            };
            format!("{{ {} }}", fields.join(", "))
        }
    }
}

// ---------------------------------------------------------------- std::type_name

/// The canonical name of a type as Sui's `type_name` spells it: addresses as 64 hex digits
/// without a prefix, type arguments comma-separated without spaces.
pub fn canonical_type_name(tag: &TypeTag) -> String {
    let mut out = String::new();
    write_type_name(&mut out, tag);
    out
}

fn write_type_name(out: &mut String, tag: &TypeTag) {
    match tag {
        TypeTag::Bool => out.push_str("bool"),
        TypeTag::U8 => out.push_str("u8"),
        TypeTag::U64 => out.push_str("u64"),
        TypeTag::U128 => out.push_str("u128"),
        TypeTag::Address => out.push_str("address"),
        TypeTag::Signer => out.push_str("signer"),
        TypeTag::Vector(t) => {
            out.push_str("vector<");
            write_type_name(out, t);
            out.push('>');
        }
        TypeTag::Struct(s) => write_struct_name(out, s),
    }
}

fn write_struct_name(out: &mut String, s: &StructTag) {
    let _ = write!(
        out,
        "{}::{}::{}",
        hex::encode(s.address.into_bytes()),
        s.module,
        s.name
    );
    if !s.type_params.is_empty() {
        out.push('<');
        for (i, t) in s.type_params.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_type_name(out, t);
        }
        out.push('>');
    }
}

fn type_name_get(
    ctx: &mut NativeContext,
    tys: Vec<Type>,
    _: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    let tag = ctx.type_to_type_tag(&tys[0])?;
    let name = canonical_type_name(&tag);
    let len = name.len();
    // TypeName { name: ascii::String { bytes } }
    let ascii = Value::struct_(Struct::pack(vec![Value::vector_u8(name.into_bytes())]));
    ok(len, [Value::struct_(Struct::pack(vec![ascii]))])
}

// ---------------------------------------------------------------- test_utils

fn destroy(
    _: &mut NativeContext,
    _: Vec<Type>,
    _: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    // The argument is dropped with the arguments' deque: a native may drop what Move cannot.
    ok(0, [])
}

fn create_one_time_witness(
    ctx: &mut NativeContext,
    tys: Vec<Type>,
    _: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    let (tag, layout) = type_tag_and_layout(ctx, &tys[0])?;
    let shaped = match (&tag, &layout) {
        (TypeTag::Struct(s), MoveTypeLayout::Struct(st)) => {
            s.type_params.is_empty()
                && s.name.as_str() == s.module.as_str().to_ascii_uppercase()
                && matches!(st.fields(), [MoveTypeLayout::Bool])
        }
        _ => false,
    };
    let abilities_ok = match &tag {
        TypeTag::Struct(s) => runtime(ctx).is_drop_only(s).unwrap_or(true),
        _ => false,
    };
    if !(shaped && abilities_ok) {
        return Ok(NativeResult::err(cost(0), E_NOT_ONE_TIME_WITNESS));
    }
    ok(0, [Value::struct_(Struct::pack(vec![Value::bool(true)]))])
}

// ---------------------------------------------------------------- event (test-only)

fn num_events(
    ctx: &mut NativeContext,
    _: Vec<Type>,
    _: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    let n = runtime(ctx).events.len() as u64;
    ok(0, [Value::u64(n)])
}

fn events_by_type(
    ctx: &mut NativeContext,
    tys: Vec<Type>,
    _: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    let (tag, layout) = type_tag_and_layout(ctx, &tys[0])?;
    let tag = expect_struct(tag)?;
    let mut values = vec![];
    let mut bytes = 0;
    for (t, contents, _) in &runtime(ctx).events {
        if *t == tag {
            bytes += contents.len();
            values.push(
                Value::simple_deserialize(contents, &layout)
                    .ok_or_else(|| invariant("recorded event does not match its type"))?,
            );
        }
    }
    let vector = move_vm_types::values::Vector::pack(&tys[0], values)?;
    ok(bytes, [vector])
}
