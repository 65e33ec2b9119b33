//! Natives of `sui::test_scenario`, which simulates a sequence of transactions inside one
//! Move unit test. Objects that a transaction transfers, shares or freezes go to per-address,
//! shared and immutable inventories when the transaction ends; later transactions take them
//! out by ID or type and return them.

use std::collections::{BTreeSet, VecDeque};

use indexmap::IndexMap;
use move_binary_format::errors::PartialVMResult;
use move_core_types::account_address::AccountAddress;
use move_core_types::language_storage::StructTag;
use move_vm_runtime::native_functions::NativeContext;
use move_vm_types::loaded_data::runtime_types::Type;
use move_vm_types::natives::function::NativeResult;
use move_vm_types::pop_arg;
use move_vm_types::values::{Struct, Value};

use super::object_runtime::{expect_struct, NewOwner};
use super::{id_struct_address, invariant, runtime, type_tag_and_layout, Native};
use crate::types::{Address, ObjectID};

// The abort codes are Sui's (`test_scenario`'s constants of the same names).
/// A shared or immutable object taken in a transaction was neither returned nor deleted.
const E_INVALID_SHARED_OR_IMMUTABLE_USAGE: u64 = 1;
/// No object with that ID and type in the inventory.
const E_OBJECT_NOT_FOUND: u64 = 4;
/// No object with that ID and type in an object's inventory to ticket.
const E_UNABLE_TO_ALLOCATE_RECEIVING_TICKET: u64 = 5;
/// A ticket for the object is already out.
const E_RECEIVING_TICKET_ALREADY_ALLOCATED: u64 = 6;
/// No ticket for the object is out.
const E_UNABLE_TO_DEALLOCATE_RECEIVING_TICKET: u64 = 7;
/// The natives were called outside the unit-test runner (movid's own code; no Sui equivalent).
const E_NOT_IN_TEST: u64 = 100;

use super::inventory::{Inventory, Stored};

pub(super) const NATIVES: &[(&str, &str, Native)] = &[
    ("test_scenario", "end_transaction", end_transaction),
    (
        "test_scenario",
        "take_from_address_by_id",
        take_from_address_by_id,
    ),
    (
        "test_scenario",
        "most_recent_id_for_address",
        most_recent_id_for_address,
    ),
    (
        "test_scenario",
        "was_taken_from_address",
        was_taken_from_address,
    ),
    (
        "test_scenario",
        "take_immutable_by_id",
        take_immutable_by_id,
    ),
    (
        "test_scenario",
        "most_recent_immutable_id",
        most_recent_immutable_id,
    ),
    ("test_scenario", "was_taken_immutable", was_taken_immutable),
    ("test_scenario", "take_shared_by_id", take_shared_by_id),
    (
        "test_scenario",
        "most_recent_id_shared",
        most_recent_id_shared,
    ),
    ("test_scenario", "was_taken_shared", was_taken_shared),
    ("test_scenario", "ids_for_address", ids_for_address),
    (
        "test_scenario",
        "allocate_receiving_ticket_for_object",
        allocate_receiving_ticket_for_object,
    ),
    (
        "test_scenario",
        "deallocate_receiving_ticket_for_object",
        deallocate_receiving_ticket_for_object,
    ),
];

fn id_value(id: ObjectID) -> Value {
    Value::struct_(Struct::pack(vec![Value::address(AccountAddress::new(
        id.into_inner(),
    ))]))
}

fn ids_value(ids: impl IntoIterator<Item = ObjectID>) -> Value {
    Value::vector_for_testing_only(ids.into_iter().map(id_value))
}

fn option_id(id: Option<ObjectID>) -> Value {
    Value::struct_(Struct::pack(vec![ids_value(id)]))
}

/// A `VecMap<ID, V>` value from its entries.
fn vec_map(entries: impl IntoIterator<Item = (ObjectID, Value)>) -> Value {
    let entries = entries
        .into_iter()
        .map(|(k, v)| Value::struct_(Struct::pack(vec![id_value(k), v])));
    Value::struct_(Struct::pack(vec![Value::vector_for_testing_only(entries)]))
}

fn done(values: impl IntoIterator<Item = Value>) -> PartialVMResult<NativeResult> {
    Ok(NativeResult::ok(0.into(), values.into_iter().collect()))
}

fn fail(code: u64) -> PartialVMResult<NativeResult> {
    Ok(NativeResult::err(0.into(), code))
}

macro_rules! inventory {
    ($ctx:expr) => {
        match runtime($ctx).test.as_deref_mut() {
            Some(inv) => inv,
            None => return fail(E_NOT_IN_TEST),
        }
    };
}

fn end_transaction(
    ctx: &mut NativeContext,
    _: Vec<Type>,
    _: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    let rt = runtime(ctx);
    if rt.test.is_none() {
        return fail(E_NOT_IN_TEST);
    }
    let records = rt.take_transaction_records();
    let inv = rt.test.as_deref_mut().expect("checked");
    let mut created = vec![];
    let mut written = vec![];
    let mut deleted = vec![];
    let mut to_account = vec![];
    let mut to_object = vec![];
    let mut shared = vec![];
    let mut frozen = vec![];
    for id in &records.new_ids {
        inv.known_objects.insert(*id);
        if !records.deleted_ids.contains(id) {
            created.push(*id);
        }
    }
    for id in &records.deleted_ids {
        if !records.new_ids.contains(id) {
            deleted.push(*id);
        }
    }
    // Shared and immutable objects must come back (or, if shared, be deleted).
    for id in &inv.taken_shared {
        let returned = matches!(records.transfers.get(id), Some(t) if t.owner == NewOwner::Shared);
        if !returned && !records.deleted_ids.contains(id) {
            return fail(E_INVALID_SHARED_OR_IMMUTABLE_USAGE);
        }
    }
    for id in &inv.taken_immutable {
        let returned =
            matches!(records.transfers.get(id), Some(t) if t.owner == NewOwner::Immutable);
        if !returned {
            return fail(E_INVALID_SHARED_OR_IMMUTABLE_USAGE);
        }
    }
    for (id, t) in records.transfers {
        if !records.new_ids.contains(&id) {
            written.push(id);
        }
        let stored = (t.type_, t.contents);
        match t.owner {
            NewOwner::Address(a) => {
                if inv.known_objects.contains(&ObjectID::from(a)) {
                    to_object.push((id, a));
                } else {
                    to_account.push((id, a));
                }
                inv.by_address.entry(a).or_default().insert(id, stored);
            }
            NewOwner::Shared => {
                shared.push(id);
                inv.shared.insert(id, stored);
            }
            NewOwner::Immutable => {
                frozen.push(id);
                inv.immutable.insert(id, stored);
            }
        }
    }
    inv.taken_from_address.clear();
    inv.taken_shared.clear();
    inv.taken_immutable.clear();
    // Tickets not used end with their transaction; the objects stay where they were.
    inv.ticketed.clear();
    let effects = Value::struct_(Struct::pack(vec![
        ids_value(created),
        ids_value(written),
        ids_value(deleted),
        vec_map(
            to_account
                .into_iter()
                .map(|(id, a)| (id, Value::address(AccountAddress::new(a.into_inner())))),
        ),
        vec_map(
            to_object
                .into_iter()
                .map(|(id, a)| (id, id_value(ObjectID::from(a)))),
        ),
        ids_value(shared),
        ids_value(frozen),
        Value::u64(records.events.len() as u64),
    ]));
    done([effects])
}

fn take(
    ctx: &mut NativeContext,
    ty: &Type,
    pick: impl FnOnce(&mut Inventory) -> Option<Stored>,
    note: impl FnOnce(&mut Inventory),
) -> PartialVMResult<NativeResult> {
    let (tag, layout) = type_tag_and_layout(ctx, ty)?;
    let tag = expect_struct(tag)?;
    let inv = inventory!(ctx);
    let Some((stored_tag, bytes)) = pick(inv) else {
        return fail(E_OBJECT_NOT_FOUND);
    };
    if stored_tag != tag {
        return fail(E_OBJECT_NOT_FOUND);
    }
    note(inv);
    let value = Value::simple_deserialize(&bytes, &layout)
        .ok_or_else(|| invariant("bad inventory object"))?;
    done([value])
}

/// Removes `id` from `map` only when its type is `tag` (so a wrong-type take leaves it there).
fn take_typed(
    map: &mut IndexMap<ObjectID, Stored>,
    id: ObjectID,
    tag: &StructTag,
) -> Option<Stored> {
    match map.get(&id) {
        Some((t, _)) if t == tag => map.shift_remove(&id),
        Some((t, b)) => Some((t.clone(), b.clone())),
        None => None,
    }
}

fn take_from_address_by_id(
    ctx: &mut NativeContext,
    tys: Vec<Type>,
    mut args: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    // Arguments: the scenario (unused: the inventories live in the object runtime), the
    // account, the ID.
    let id: ObjectID = crate::seam::from_vm_address(id_struct_address(
        args.pop_back().ok_or_else(|| invariant("missing id"))?,
    )?);
    let account: Address = crate::seam::from_vm_address(pop_arg!(args, AccountAddress));
    let tag = expect_struct(ctx.type_to_type_tag(&tys[0])?)?;
    take(
        ctx,
        &tys[0],
        |inv| {
            if inv.ticketed.contains(&id) {
                return None;
            }
            inv.by_address
                .get_mut(&account)
                .and_then(|m| take_typed(m, id, &tag))
        },
        |inv| {
            inv.taken_from_address.insert(id, account);
        },
    )
}

fn most_recent(
    map: Option<&IndexMap<ObjectID, Stored>>,
    tag: &StructTag,
    ticketed: &BTreeSet<ObjectID>,
) -> Option<ObjectID> {
    map?.iter()
        .rev()
        .find(|(id, (t, _))| t == tag && !ticketed.contains(id))
        .map(|(id, _)| *id)
}

fn most_recent_id_for_address(
    ctx: &mut NativeContext,
    tys: Vec<Type>,
    mut args: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    let account: Address = crate::seam::from_vm_address(pop_arg!(args, AccountAddress));
    let tag = expect_struct(ctx.type_to_type_tag(&tys[0])?)?;
    let inv = inventory!(ctx);
    done([option_id(most_recent(
        inv.by_address.get(&account),
        &tag,
        &inv.ticketed,
    ))])
}

fn was_taken_from_address(
    ctx: &mut NativeContext,
    _: Vec<Type>,
    mut args: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    let id: ObjectID = crate::seam::from_vm_address(id_struct_address(
        args.pop_back().ok_or_else(|| invariant("missing id"))?,
    )?);
    let account: Address = crate::seam::from_vm_address(pop_arg!(args, AccountAddress));
    let inv = inventory!(ctx);
    done([Value::bool(
        inv.taken_from_address.get(&id) == Some(&account),
    )])
}

/// The shared or the immutable inventory, with the set of IDs taken from it in this transaction.
#[derive(Clone, Copy)]
enum Pool {
    Shared,
    Immutable,
}

impl Pool {
    fn parts(
        self,
        inv: &mut Inventory,
    ) -> (&mut IndexMap<ObjectID, Stored>, &mut BTreeSet<ObjectID>) {
        match self {
            Pool::Shared => (&mut inv.shared, &mut inv.taken_shared),
            Pool::Immutable => (&mut inv.immutable, &mut inv.taken_immutable),
        }
    }
}

fn take_from_pool(
    pool: Pool,
    ctx: &mut NativeContext,
    tys: Vec<Type>,
    mut args: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    let id: ObjectID = crate::seam::from_vm_address(id_struct_address(
        args.pop_back().ok_or_else(|| invariant("missing id"))?,
    )?);
    let tag = expect_struct(ctx.type_to_type_tag(&tys[0])?)?;
    take(
        ctx,
        &tys[0],
        |inv| take_typed(pool.parts(inv).0, id, &tag),
        |inv| {
            pool.parts(inv).1.insert(id);
        },
    )
}

fn most_recent_in_pool(
    pool: Pool,
    ctx: &mut NativeContext,
    tys: Vec<Type>,
) -> PartialVMResult<NativeResult> {
    let tag = expect_struct(ctx.type_to_type_tag(&tys[0])?)?;
    let inv = inventory!(ctx);
    done([option_id(most_recent(
        Some(pool.parts(inv).0),
        &tag,
        &BTreeSet::new(),
    ))])
}

fn was_taken_from_pool(
    pool: Pool,
    ctx: &mut NativeContext,
    mut args: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    let id: ObjectID = crate::seam::from_vm_address(id_struct_address(
        args.pop_back().ok_or_else(|| invariant("missing id"))?,
    )?);
    let inv = inventory!(ctx);
    done([Value::bool(pool.parts(inv).1.contains(&id))])
}

fn take_immutable_by_id(
    ctx: &mut NativeContext,
    tys: Vec<Type>,
    args: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    take_from_pool(Pool::Immutable, ctx, tys, args)
}

fn most_recent_immutable_id(
    ctx: &mut NativeContext,
    tys: Vec<Type>,
    _: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    most_recent_in_pool(Pool::Immutable, ctx, tys)
}

fn was_taken_immutable(
    ctx: &mut NativeContext,
    _: Vec<Type>,
    args: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    was_taken_from_pool(Pool::Immutable, ctx, args)
}

fn take_shared_by_id(
    ctx: &mut NativeContext,
    tys: Vec<Type>,
    args: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    take_from_pool(Pool::Shared, ctx, tys, args)
}

fn most_recent_id_shared(
    ctx: &mut NativeContext,
    tys: Vec<Type>,
    _: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    most_recent_in_pool(Pool::Shared, ctx, tys)
}

fn was_taken_shared(
    ctx: &mut NativeContext,
    _: Vec<Type>,
    args: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    was_taken_from_pool(Pool::Shared, ctx, args)
}

fn ids_for_address(
    ctx: &mut NativeContext,
    tys: Vec<Type>,
    mut args: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    let account: Address = crate::seam::from_vm_address(pop_arg!(args, AccountAddress));
    let tag = expect_struct(ctx.type_to_type_tag(&tys[0])?)?;
    let inv = inventory!(ctx);
    let ids: Vec<ObjectID> = inv
        .by_address
        .get(&account)
        .map(|m| {
            m.iter()
                .filter(|(id, (t, _))| *t == tag && !inv.ticketed.contains(id))
                .map(|(id, _)| *id)
                .collect()
        })
        .unwrap_or_default();
    done([ids_value(ids)])
}

fn allocate_receiving_ticket_for_object(
    ctx: &mut NativeContext,
    tys: Vec<Type>,
    mut args: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    let id: ObjectID = crate::seam::from_vm_address(id_struct_address(
        args.pop_back().ok_or_else(|| invariant("missing id"))?,
    )?);
    let tag = expect_struct(ctx.type_to_type_tag(&tys[0])?)?;
    let inv = inventory!(ctx);
    // Only objects sent to an object's address can be received.
    let held = inv.by_address.iter().any(|(owner, m)| {
        inv.known_objects.contains(&ObjectID::from(*owner))
            && matches!(m.get(&id), Some((t, _)) if *t == tag)
    });
    if !held {
        return fail(E_UNABLE_TO_ALLOCATE_RECEIVING_TICKET);
    }
    if !inv.ticketed.insert(id) {
        return fail(E_RECEIVING_TICKET_ALREADY_ALLOCATED);
    }
    done([Value::u64(0)])
}

fn deallocate_receiving_ticket_for_object(
    ctx: &mut NativeContext,
    _: Vec<Type>,
    mut args: VecDeque<Value>,
) -> PartialVMResult<NativeResult> {
    let id: ObjectID = crate::seam::from_vm_address(id_struct_address(
        args.pop_back().ok_or_else(|| invariant("missing id"))?,
    )?);
    let inv = inventory!(ctx);
    if !inv.ticketed.remove(&id) {
        return fail(E_UNABLE_TO_DEALLOCATE_RECEIVING_TICKET);
    }
    done([])
}
