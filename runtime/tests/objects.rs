//! The object model through real transactions: create, share, freeze, transfer and delete;
//! wrap and unwrap; dynamic fields and dynamic object fields (children of children too);
//! sending an object to an object and receiving it; events.

mod common;

use common::*;
use movid_runtime::store::EventFilter;
use movid_runtime::types::*;

fn ids(refs: &[ObjectReference]) -> Vec<ObjectID> {
    refs.iter().map(|r| *r.object_id()).collect()
}

fn owned_ids(refs: &[(ObjectReference, Owner)]) -> Vec<ObjectID> {
    refs.iter().map(|(r, _)| *r.object_id()).collect()
}

#[test]
fn a_created_object_is_owned_by_the_sender() {
    let w = World::new();
    let r = w.call_ok(w.alice(), "create", &[pure(&7u64)]);
    let things = w.created(&r, "Thing");
    assert_eq!(things.len(), 1);
    let (oref, owner) = r.effects.created[0].clone();
    assert_eq!(*oref.object_id(), things[0]);
    assert_eq!(owner, Owner::AddressOwner(w.alice().address()));
    let obj = w.object(things[0]);
    assert_eq!(obj.object_ref(), oref);
    assert_eq!(obj.version(), r.effects.lamport_version);
    assert_eq!(obj.type_(), Some(&w.type_("Thing")));
    assert!(obj.as_move().unwrap().has_public_transfer);
    assert_eq!(obj.previous_transaction, r.digest);
    assert_eq!(w.value(things[0]), 7);
    // The new ID is derived from the transaction digest and the creation index.
    assert_eq!(things[0], ObjectID::derive_id(r.digest, 0));
}

#[test]
fn a_mutated_object_takes_the_lamport_version() {
    let w = World::new();
    let t = w.thing(w.alice(), 1);
    let before = w.object(t).version();
    let r = w.call_ok(w.alice(), "set_value", &[Arg::Obj(t), pure(&9u64)]);
    assert_eq!(w.value(t), 9);
    let gas_version = r.effects.gas_object.0.version();
    assert_eq!(w.object(t).version(), r.effects.lamport_version);
    assert_eq!(gas_version, r.effects.lamport_version);
    assert!(r.effects.lamport_version > before);
    assert!(owned_ids(&r.effects.mutated).contains(&t));
}

#[test]
fn a_shared_object_can_be_used_by_anyone_at_its_initial_shared_version() {
    let w = World::new();
    let r = w.call_ok(w.alice(), "create_shared", &[pure(&1u64)]);
    let t = w.created(&r, "Thing")[0];
    let initial = r.effects.lamport_version;
    assert_eq!(
        w.owner(t),
        Owner::Shared {
            initial_shared_version: initial
        }
    );
    let r = w.call_ok(w.bob(), "set_value", &[Arg::Obj(t), pure(&5u64)]);
    assert_eq!(w.value(t), 5);
    assert_eq!(
        w.owner(t),
        Owner::Shared {
            initial_shared_version: initial
        }
    );
    assert_eq!(r.effects.shared_objects.len(), 1);
    assert_eq!(*r.effects.shared_objects[0].object_id(), t);
    // Read-only use does not write the object.
    let v = w.object(t).version();
    let r = w.call_ok(w.bob(), "assert_value", &[Arg::ReadOnly(t), pure(&5u64)]);
    assert_eq!(w.object(t).version(), v);
    assert!(!owned_ids(&r.effects.mutated).contains(&t));
}

#[test]
fn a_frozen_object_can_be_read_by_anyone_but_not_changed() {
    let w = World::new();
    let r = w.call_ok(w.alice(), "create_frozen", &[pure(&3u64)]);
    let t = w.created(&r, "Thing")[0];
    assert_eq!(w.owner(t), Owner::Immutable);
    w.call_ok(w.bob(), "assert_value", &[Arg::Obj(t), pure(&3u64)]);
    let before = w.snapshot(&[t]);
    let r = w.call(w.bob(), "set_value", &[Arg::Obj(t), pure(&4u64)]);
    assert!(
        matches!(failure(&r).0, ExecutionFailure::InvalidArgument { argument: 0, reason } if reason.contains("read-only")),
        "{:?}",
        r.effects.status
    );
    assert_only_gas_changed(&w, &before, &r, &[t]);
}

#[test]
fn an_owned_object_can_be_frozen() {
    let w = World::new();
    let t = w.thing(w.alice(), 3);
    w.call_ok(w.alice(), "freeze_thing", &[Arg::Obj(t)]);
    assert_eq!(w.owner(t), Owner::Immutable);
}

#[test]
fn transferring_an_object_changes_its_owner() {
    let w = World::new();
    let t = w.thing(w.alice(), 1);
    let bob = w.bob().address();
    let r = w.call_ok(w.alice(), "transfer_thing", &[Arg::Obj(t), pure(&bob)]);
    assert!(r
        .effects
        .mutated
        .contains(&(w.object(t).object_ref(), Owner::AddressOwner(bob))));
    assert_eq!(w.owner(t), Owner::AddressOwner(bob));
    assert!(!w
        .chain
        .owned_objects(&w.alice().address())
        .unwrap()
        .iter()
        .any(|o| o.id() == t));
    assert!(w
        .chain
        .owned_objects(&bob)
        .unwrap()
        .iter()
        .any(|o| o.id() == t));
    // Bob may now use it and Alice may not.
    w.call_ok(w.bob(), "set_value", &[Arg::Obj(t), pure(&2u64)]);
    let err = w
        .try_call(w.alice(), "set_value", &[Arg::Obj(t), pure(&3u64)])
        .unwrap_err();
    assert!(
        matches!(err, movid_runtime::RuntimeError::Transaction(movid_runtime::TransactionError::NotOwner { id, .. }) if id == t),
        "{err}"
    );
}

#[test]
fn transfer_objects_moves_store_objects_but_not_key_only_ones() {
    let w = World::new();
    let t = w.thing(w.alice(), 1);
    let bob = w.bob().address();
    let r = w.run(w.alice(), |b| {
        let t = b.object(object_arg(&w.chain, t, true));
        let to = b.pure(&bob);
        b.transfer_objects(vec![t], to);
    });
    assert_ok(&r);
    assert_eq!(w.owner(t), Owner::AddressOwner(bob));

    let r = w.call_ok(w.alice(), "create_locked", &[pure(&1u64)]);
    let locked = w.created(&r, "Locked")[0];
    let before = w.snapshot(&[locked]);
    let r = w.run(w.alice(), |b| {
        let l = b.object(object_arg(&w.chain, locked, true));
        let to = b.pure(&bob);
        b.transfer_objects(vec![l], to);
    });
    assert!(
        matches!(failure(&r).0, ExecutionFailure::TransferWithoutStore { id, .. } if *id == locked),
        "{:?}",
        r.effects.status
    );
    assert_only_gas_changed(&w, &before, &r, &[locked]);
}

#[test]
fn deleting_an_object_removes_it_from_the_store() {
    let w = World::new();
    let t = w.thing(w.alice(), 1);
    let r = w.call_ok(w.alice(), "delete", &[Arg::Obj(t)]);
    assert_eq!(ids(&r.effects.deleted), vec![t]);
    assert!(!w.exists(t));
    let history = w.chain.object_history(&t).unwrap();
    let last = history.last().unwrap();
    assert_eq!(last.version, r.effects.lamport_version);
    assert!(last.object.is_none());
    assert!(r.effects.gas_used.storage_rebate > 0);
}

#[test]
fn wrapping_an_object_removes_it_from_the_store() {
    let w = World::new();
    let t = w.thing(w.alice(), 42);
    let r = w.call_ok(w.alice(), "wrap", &[Arg::Obj(t)]);
    assert_eq!(ids(&r.effects.wrapped), vec![t]);
    assert!(r.effects.deleted.is_empty());
    let wrapper = w.created(&r, "Wrapper")[0];
    assert!(!w.exists(t));
    // The wrapper's contents hold the Thing: its ID and value after the wrapper's ID.
    let contents = w.object(wrapper).as_move().unwrap().contents.clone();
    assert_eq!(&contents[32..64], t.as_bytes());
    assert_eq!(contents[64..72], 42u64.to_le_bytes());
    // A wrapped object cannot be named as an input.
    let err = w
        .chain
        .sign_and_execute(
            w.alice(),
            {
                let mut b = PtbBuilder::new();
                let a = b.object(ObjectArg::ImmOrOwned(r.effects.wrapped[0].clone()));
                b.move_call(w.pkg, "objects", "delete", vec![], vec![a]);
                b.finish()
            },
            BUDGET,
        )
        .unwrap_err();
    assert!(
        matches!(err, movid_runtime::RuntimeError::Transaction(movid_runtime::TransactionError::ObjectNotFound(id)) if id == t),
        "{err}"
    );
}

#[test]
fn unwrapping_an_object_restores_it_under_its_own_id() {
    let w = World::new();
    let t = w.thing(w.alice(), 42);
    let r = w.call_ok(w.alice(), "wrap", &[Arg::Obj(t)]);
    let wrapper = w.created(&r, "Wrapper")[0];
    let r = w.call_ok(w.alice(), "unwrap", &[Arg::Obj(wrapper)]);
    assert_eq!(owned_ids(&r.effects.unwrapped), vec![t]);
    assert_eq!(ids(&r.effects.deleted), vec![wrapper]);
    assert!(r.effects.created.is_empty());
    assert_eq!(
        r.effects.unwrapped[0].1,
        Owner::AddressOwner(w.alice().address())
    );
    assert_eq!(w.value(t), 42);
    assert_eq!(w.object(t).version(), r.effects.lamport_version);
    assert!(!w.exists(wrapper));
}

#[test]
fn unwrapping_and_deleting_is_reported_as_unwrapped_then_deleted() {
    let w = World::new();
    let t = w.thing(w.alice(), 1);
    let r = w.call_ok(w.alice(), "wrap", &[Arg::Obj(t)]);
    let wrapper = w.created(&r, "Wrapper")[0];
    let r = w.call_ok(w.alice(), "unwrap_and_delete", &[Arg::Obj(wrapper)]);
    assert_eq!(ids(&r.effects.unwrapped_then_deleted), vec![t]);
    assert_eq!(ids(&r.effects.deleted), vec![wrapper]);
    assert!(r.effects.unwrapped.is_empty());
    assert!(!w.exists(t) && !w.exists(wrapper));
}

#[test]
fn an_object_put_into_an_option_field_is_wrapped_and_unwrapped_when_taken_out() {
    let w = World::new();
    let r = w.call_ok(w.alice(), "create_holder", &[]);
    let holder = w.created(&r, "Holder")[0];
    let t = w.thing(w.alice(), 5);
    let r = w.call_ok(w.alice(), "put_in_holder", &[Arg::Obj(holder), Arg::Obj(t)]);
    assert_eq!(ids(&r.effects.wrapped), vec![t]);
    assert!(owned_ids(&r.effects.mutated).contains(&holder));
    let r = w.call_ok(w.alice(), "take_from_holder", &[Arg::Obj(holder)]);
    assert_eq!(owned_ids(&r.effects.unwrapped), vec![t]);
    assert_eq!(w.value(t), 5);
}

#[test]
fn an_object_created_and_wrapped_in_one_transaction_never_appears() {
    let w = World::new();
    let r = w.run(w.alice(), |b| {
        let v = b.pure(&1u64);
        let t = b.move_call(w.pkg, "objects", "new", vec![], vec![v]);
        b.move_call(w.pkg, "objects", "wrap", vec![], vec![t]);
    });
    assert_ok(&r);
    assert_eq!(r.effects.created.len(), 1, "only the wrapper");
    assert!(r.effects.wrapped.is_empty());
    assert_eq!(w.created(&r, "Wrapper").len(), 1);
}

#[test]
fn dynamic_fields_can_be_added_borrowed_mutated_and_removed() {
    let w = World::new();
    let t = w.thing(w.alice(), 0);
    let a = w.alice();
    w.call_ok(
        a,
        "assert_field_exists",
        &[Arg::Obj(t), pure(&1u64), pure(&false)],
    );
    let r = w.call_ok(a, "add_field", &[Arg::Obj(t), pure(&1u64), pure(&100u64)]);
    // The field is a new child object owned by the parent's address.
    assert_eq!(r.effects.created.len(), 1);
    let (field, owner) = r.effects.created[0].clone();
    assert_eq!(owner, Owner::ObjectOwner(t));
    let expected_id =
        movid_runtime::natives::dynamic_field_id(&t, &TypeTag::U64, &bcs::to_bytes(&1u64).unwrap());
    assert_eq!(*field.object_id(), expected_id);
    assert_eq!(
        w.chain
            .dynamic_fields(&t)
            .unwrap()
            .iter()
            .map(Object::id)
            .collect::<Vec<_>>(),
        vec![*field.object_id()]
    );
    w.call_ok(
        a,
        "assert_field_exists",
        &[Arg::Obj(t), pure(&1u64), pure(&true)],
    );
    w.call_ok(
        a,
        "assert_field",
        &[Arg::Obj(t), pure(&1u64), pure(&100u64)],
    );
    let r = w.call_ok(a, "bump_field", &[Arg::Obj(t), pure(&1u64)]);
    assert!(owned_ids(&r.effects.mutated).contains(field.object_id()));
    assert_eq!(
        w.object(*field.object_id()).version(),
        r.effects.lamport_version
    );
    w.call_ok(
        a,
        "assert_field",
        &[Arg::Obj(t), pure(&1u64), pure(&101u64)],
    );
    let r = w.call_ok(a, "remove_field", &[Arg::Obj(t), pure(&1u64)]);
    assert_eq!(ids(&r.effects.deleted), vec![*field.object_id()]);
    assert!(!w.exists(*field.object_id()));
    assert!(w.chain.dynamic_fields(&t).unwrap().is_empty());
    w.call_ok(
        a,
        "assert_field_exists",
        &[Arg::Obj(t), pure(&1u64), pure(&false)],
    );
}

#[test]
fn a_field_added_and_removed_in_one_transaction_never_reaches_the_store() {
    let w = World::new();
    let t = w.thing(w.alice(), 0);
    let r = w.call_ok(
        w.alice(),
        "add_and_remove_field",
        &[Arg::Obj(t), pure(&4u64)],
    );
    assert!(r.effects.created.is_empty() && r.effects.deleted.is_empty());
    assert!(r.effects.unwrapped_then_deleted.is_empty());
    assert_eq!(
        owned_ids(&r.effects.mutated).len(),
        2,
        "the parent and the gas coin"
    );
    assert!(w.chain.dynamic_fields(&t).unwrap().is_empty());
}

#[test]
fn an_abort_code_equal_to_a_permission_constant_is_not_named_after_it() {
    // `constants::EXECUTE` is 4, a permission bit: an abort with code 4 has no error name.
    let w = World::new();
    let r = w.run(w.alice(), |b| {
        let code = b.pure(&4u64);
        b.move_call(w.pkg, "constants", "abort_with", vec![], vec![code]);
    });
    let a = abort_of(&r);
    assert_eq!((a.module.as_str(), a.code), ("constants", 4));
    assert_eq!(a.constant, None, "EXECUTE is not an error constant");
    let r = w.run(w.alice(), |b| {
        b.move_call(w.pkg, "constants", "refuse", vec![], vec![]);
    });
    assert_eq!(abort_of(&r).constant.as_deref(), Some("ENotAllowed"));
}

#[test]
fn borrowing_a_missing_dynamic_field_aborts_with_the_constant_name() {
    let w = World::new();
    let t = w.thing(w.alice(), 0);
    let r = w.call(
        w.alice(),
        "assert_field",
        &[Arg::Obj(t), pure(&9u64), pure(&0u64)],
    );
    let a = abort_of(&r);
    assert_eq!(a.package, ObjectID::FRAMEWORK);
    assert_eq!(a.module, "dynamic_field");
    assert_eq!(a.constant.as_deref(), Some("EFieldDoesNotExist"));
    w.call_ok(
        w.alice(),
        "add_field",
        &[Arg::Obj(t), pure(&9u64), pure(&0u64)],
    );
    let r = w.call(
        w.alice(),
        "add_field",
        &[Arg::Obj(t), pure(&9u64), pure(&0u64)],
    );
    assert_eq!(
        abort_of(&r).constant.as_deref(),
        Some("EFieldAlreadyExists")
    );
}

#[test]
fn an_object_stored_as_a_dynamic_field_value_is_wrapped() {
    let w = World::new();
    let parent = w.thing(w.alice(), 0);
    let t = w.thing(w.alice(), 8);
    let name = b"box".to_vec();
    let r = w.call_ok(
        w.alice(),
        "stash",
        &[Arg::Obj(parent), pure(&name), Arg::Obj(t)],
    );
    assert_eq!(ids(&r.effects.wrapped), vec![t]);
    assert!(!w.exists(t));
    let r = w.call_ok(w.alice(), "unstash", &[Arg::Obj(parent), pure(&name)]);
    assert_eq!(owned_ids(&r.effects.unwrapped), vec![t]);
    assert_eq!(r.effects.deleted.len(), 1, "the field object");
    assert_eq!(w.value(t), 8);
    assert_eq!(w.owner(t), Owner::AddressOwner(w.alice().address()));
}

#[test]
fn a_dynamic_object_field_keeps_the_child_under_its_own_id() {
    let w = World::new();
    let a = w.alice();
    let parent = w.thing(a, 0);
    let child = w.thing(a, 10);
    let r = w.call_ok(
        a,
        "add_child",
        &[Arg::Obj(parent), pure(&1u64), Arg::Obj(child)],
    );
    // The child keeps existing: owned by the field object, which the parent owns.
    let field = *r.effects.created[0].0.object_id();
    assert_eq!(r.effects.created[0].1, Owner::ObjectOwner(parent));
    assert_eq!(w.owner(child), Owner::ObjectOwner(field));
    assert!(r
        .effects
        .mutated
        .contains(&(w.object(child).object_ref(), Owner::ObjectOwner(field))));
    assert!(r.effects.wrapped.is_empty());
    w.call_ok(
        a,
        "assert_child_exists",
        &[Arg::Obj(parent), pure(&1u64), pure(&true)],
    );
    let r = w.call_ok(a, "bump_child", &[Arg::Obj(parent), pure(&1u64)]);
    assert!(owned_ids(&r.effects.mutated).contains(&child));
    assert_eq!(w.value(child), 11);
    w.call_ok(
        a,
        "assert_child",
        &[Arg::Obj(parent), pure(&1u64), pure(&11u64)],
    );
    let r = w.call_ok(a, "remove_child", &[Arg::Obj(parent), pure(&1u64)]);
    assert_eq!(ids(&r.effects.deleted), vec![field]);
    assert_eq!(w.owner(child), Owner::AddressOwner(a.address()));
    assert_eq!(w.value(child), 11);
    w.call_ok(
        a,
        "assert_child_exists",
        &[Arg::Obj(parent), pure(&1u64), pure(&false)],
    );
}

#[test]
fn a_child_of_a_child_can_be_added_mutated_and_read() {
    let w = World::new();
    let a = w.alice();
    let parent = w.thing(a, 0);
    let child = w.thing(a, 10);
    let grandchild = w.thing(a, 20);
    w.call_ok(
        a,
        "add_child",
        &[Arg::Obj(parent), pure(&1u64), Arg::Obj(child)],
    );
    let r = w.call_ok(
        a,
        "add_grandchild",
        &[
            Arg::Obj(parent),
            pure(&1u64),
            pure(&2u64),
            Arg::Obj(grandchild),
        ],
    );
    let field = *r.effects.created[0].0.object_id();
    assert_eq!(r.effects.created[0].1, Owner::ObjectOwner(child));
    assert_eq!(w.owner(grandchild), Owner::ObjectOwner(field));
    let r = w.call_ok(
        a,
        "bump_grandchild",
        &[Arg::Obj(parent), pure(&1u64), pure(&2u64)],
    );
    assert!(owned_ids(&r.effects.mutated).contains(&grandchild));
    assert_eq!(w.value(grandchild), 21);
    assert_eq!(w.value(child), 10);
    w.call_ok(
        a,
        "assert_grandchild",
        &[Arg::Obj(parent), pure(&1u64), pure(&2u64), pure(&21u64)],
    );
}

#[test]
fn a_child_object_taken_out_and_attached_again_stays_consistent() {
    let w = World::new();
    let a = w.alice();
    let (parent, child) = (w.thing(a, 0), w.thing(a, 7));
    let r = w.call_ok(
        a,
        "add_child",
        &[Arg::Obj(parent), pure(&1u64), Arg::Obj(child)],
    );
    let field = *r.effects.created[0].0.object_id();
    let r = w.call_ok(a, "reattach_child", &[Arg::Obj(parent), pure(&1u64)]);
    // The field keeps its ID (it is derived from the name); it and the child are rewritten.
    let mutated = owned_ids(&r.effects.mutated);
    assert!(
        mutated.contains(&field) && mutated.contains(&child),
        "{r:#?}"
    );
    assert!(r.effects.deleted.is_empty() && r.effects.created.is_empty());
    assert_eq!(w.owner(field), Owner::ObjectOwner(parent));
    assert_eq!(w.owner(child), Owner::ObjectOwner(field));
    assert_eq!(w.object(field).version(), r.effects.lamport_version);
    assert_eq!(w.value(child), 8);
    w.call_ok(
        a,
        "assert_child",
        &[Arg::Obj(parent), pure(&1u64), pure(&8u64)],
    );
}

#[test]
fn a_child_object_can_move_between_parents() {
    let w = World::new();
    let a = w.alice();
    let (p1, p2, child) = (w.thing(a, 0), w.thing(a, 0), w.thing(a, 7));
    w.call_ok(
        a,
        "add_child",
        &[Arg::Obj(p1), pure(&1u64), Arg::Obj(child)],
    );
    let r = w.call_ok(a, "move_child", &[Arg::Obj(p1), Arg::Obj(p2), pure(&1u64)]);
    assert_eq!(r.effects.deleted.len(), 1, "the field under p1");
    assert_eq!(r.effects.created.len(), 1, "the field under p2");
    let field = *r.effects.created[0].0.object_id();
    assert_eq!(r.effects.created[0].1, Owner::ObjectOwner(p2));
    assert_eq!(w.owner(child), Owner::ObjectOwner(field));
    w.call_ok(a, "assert_child", &[Arg::Obj(p2), pure(&1u64), pure(&7u64)]);
    w.call_ok(
        a,
        "assert_child_exists",
        &[Arg::Obj(p1), pure(&1u64), pure(&false)],
    );
}

#[test]
fn deleting_a_child_object_removes_it_and_its_field() {
    let w = World::new();
    let a = w.alice();
    let (parent, child) = (w.thing(a, 0), w.thing(a, 1));
    let r = w.call_ok(
        a,
        "add_child",
        &[Arg::Obj(parent), pure(&1u64), Arg::Obj(child)],
    );
    let field = *r.effects.created[0].0.object_id();
    let r = w.call_ok(a, "delete_child", &[Arg::Obj(parent), pure(&1u64)]);
    let mut deleted = ids(&r.effects.deleted);
    deleted.sort();
    let mut expected = vec![field, child];
    expected.sort();
    assert_eq!(deleted, expected);
    assert!(!w.exists(child) && !w.exists(field));
    assert!(r.effects.gas_used.storage_rebate > 0);
}

#[test]
fn an_object_sent_to_an_object_can_be_received() {
    let w = World::new();
    let a = w.alice();
    let (parent, t) = (w.thing(a, 0), w.thing(a, 5));
    w.call_ok(a, "transfer_thing", &[Arg::Obj(t), pure(&parent)]);
    assert_eq!(w.owner(t), Owner::AddressOwner(parent));
    let r = w.call_ok(a, "receive_thing", &[Arg::Obj(parent), Arg::Receive(t)]);
    assert!(r
        .effects
        .mutated
        .contains(&(w.object(t).object_ref(), Owner::AddressOwner(a.address()))));
    assert_eq!(w.object(t).version(), r.effects.lamport_version);
    assert_eq!(w.value(t), 5);
}

#[test]
fn a_received_object_can_become_a_child() {
    let w = World::new();
    let a = w.alice();
    let (parent, t) = (w.thing(a, 0), w.thing(a, 5));
    w.call_ok(a, "transfer_thing", &[Arg::Obj(t), pure(&parent)]);
    w.call_ok(
        a,
        "receive_as_child",
        &[Arg::Obj(parent), Arg::Receive(t), pure(&3u64)],
    );
    assert!(matches!(w.owner(t), Owner::ObjectOwner(_)));
    w.call_ok(
        a,
        "assert_child",
        &[Arg::Obj(parent), pure(&3u64), pure(&5u64)],
    );
}

#[test]
fn receiving_through_the_wrong_parent_aborts_and_changes_nothing() {
    let w = World::new();
    let a = w.alice();
    let (parent, other, t) = (w.thing(a, 0), w.thing(a, 0), w.thing(a, 5));
    w.call_ok(a, "transfer_thing", &[Arg::Obj(t), pure(&parent)]);
    let before = w.snapshot(&[t, parent, other]);
    let r = w.call(a, "receive_thing", &[Arg::Obj(other), Arg::Receive(t)]);
    let abort = abort_of(&r);
    assert_eq!((abort.module.as_str(), abort.code), ("transfer", 1));
    assert_only_gas_changed(&w, &before, &r, &[t, parent, other]);
}

#[test]
fn events_carry_package_module_sender_type_and_contents() {
    let w = World::new();
    let t = w.thing(w.alice(), 1);
    let r = w.call_ok(w.alice(), "bump_and_emit", &[Arg::Obj(t)]);
    assert_eq!(r.events.len(), 1);
    let e = &r.events[0];
    assert_eq!(e.package_id, w.pkg);
    assert_eq!(e.transaction_module, "objects");
    assert_eq!(e.sender, w.alice().address());
    assert_eq!(e.type_, w.type_("Bumped"));
    assert_eq!(
        e.contents,
        bcs::to_bytes(&(t, 2u64, w.alice().address())).unwrap()
    );
    assert_eq!(r.effects.events_digest, Some(events_digest(&r.events)));
    let stored = w
        .chain
        .events(
            &EventFilter {
                transaction: Some(r.digest),
                ..Default::default()
            },
            10,
        )
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(&stored[0].event, e);
    // No events, no digest.
    let r = w.call_ok(w.alice(), "set_value", &[Arg::Obj(t), pure(&0u64)]);
    assert!(r.events.is_empty() && r.effects.events_digest.is_none());
}

#[test]
fn init_runs_once_at_publish_and_its_events_name_its_module() {
    let w = World::bare();
    let pkg = build("objects");
    let r = try_publish(
        &w.chain,
        w.alice(),
        pkg.module_bytes(),
        pkg.dependencies.clone(),
    );
    let package = published_package(&r);
    let registry = created_of_type(&w.chain, &r, "objects", "Registry");
    assert_eq!(registry.len(), 1);
    let obj = w.chain.get_object(&registry[0]).unwrap().unwrap();
    assert!(obj.owner.is_shared());
    assert_eq!(
        &obj.as_move().unwrap().contents[32..],
        w.alice().address().as_bytes()
    );
    assert_eq!(r.events.len(), 1);
    assert_eq!(r.events[0].package_id, package);
    assert_eq!(r.events[0].transaction_module, "objects");
    assert_eq!(r.events[0].type_.name.as_str(), "Published");
    // The UpgradeCap went to the publisher.
    let caps = created_of_type(&w.chain, &r, "package", "UpgradeCap");
    assert_eq!(caps.len(), 1);
    assert_eq!(
        w.chain.get_object(&caps[0]).unwrap().unwrap().owner,
        Owner::AddressOwner(w.alice().address())
    );
}

#[test]
fn sharing_an_existing_owned_object_fails() {
    let w = World::new();
    let t = w.thing(w.alice(), 1);
    let before = w.snapshot(&[t]);
    let r = w.call(w.alice(), "share", &[Arg::Obj(t)]);
    assert_eq!(
        failure(&r).0,
        &ExecutionFailure::SharedObjectOperationNotAllowed(t)
    );
    assert_only_gas_changed(&w, &before, &r, &[t]);
}

#[test]
fn a_shared_object_taken_by_value_can_be_deleted_or_reshared() {
    let w = World::new();
    let r = w.call_ok(w.alice(), "create_shared", &[pure(&1u64)]);
    let t = w.created(&r, "Thing")[0];
    let initial = w.owner(t);
    w.call_ok(w.bob(), "share", &[Arg::Obj(t)]);
    assert_eq!(w.owner(t), initial);
    let r = w.call_ok(w.bob(), "delete", &[Arg::Obj(t)]);
    assert_eq!(ids(&r.effects.deleted), vec![t]);
    assert!(!w.exists(t));
}

#[test]
fn a_shared_object_cannot_be_wrapped_transferred_or_frozen() {
    let w = World::new();
    let r = w.call_ok(w.alice(), "create_shared", &[pure(&1u64)]);
    let t = w.created(&r, "Thing")[0];
    let bob = w.bob().address();
    let p = w.thing(w.alice(), 0);
    let attempts: Vec<(&str, Vec<Arg>)> = vec![
        ("wrap", vec![Arg::Obj(t)]),
        ("transfer_thing", vec![Arg::Obj(t), pure(&bob)]),
        ("freeze_thing", vec![Arg::Obj(t)]),
        ("add_child", vec![Arg::Obj(p), pure(&1u64), Arg::Obj(t)]),
    ];
    for (function, args) in attempts {
        let before = w.snapshot(&[t, p]);
        let r = w.call(w.alice(), function, &args);
        assert_eq!(
            failure(&r).0,
            &ExecutionFailure::SharedObjectOperationNotAllowed(t),
            "{function}"
        );
        assert_only_gas_changed(&w, &before, &r, &[t, p]);
    }
}
