//! Signed programmable transactions: every input check and its error (a refused transaction
//! changes nothing), chaining results between commands, coins, publish-then-call, hot
//! potatoes, failures that change nothing but gas, bad arguments, and replay.

mod common;

use common::*;
use movid_runtime::crypto::KeyPair;
use movid_runtime::execution::coin_value;
use movid_runtime::genesis::GenesisConfig;
use movid_runtime::types::*;
use movid_runtime::{RuntimeError, TransactionError};

/// Transaction data paying with `gas` at the reference price.
fn tx_data(
    sender: &KeyPair,
    ptb: ProgrammableTransaction,
    gas: Vec<ObjectReference>,
    budget: u64,
) -> TransactionData {
    TransactionData {
        kind: TransactionKind::ProgrammableTransaction(ptb),
        sender: sender.address(),
        gas_data: GasData {
            payment: gas,
            owner: sender.address(),
            price: 1_000,
            budget,
        },
        expiration: TransactionExpiration::None,
    }
}

fn signed(data: TransactionData, keys: &[&KeyPair]) -> SignedTransaction {
    SignedTransaction {
        signatures: keys.iter().map(|k| k.sign_transaction(&data)).collect(),
        data,
    }
}

/// The `i`-th gas coin of `key`.
fn coin(w: &World, key: &KeyPair, i: usize) -> Object {
    w.chain.gas_coins(&key.address()).unwrap()[i].clone()
}

/// A PTB calling `objects::<function>` on `args`.
fn call_ptb(w: &World, function: &str, args: &[Arg]) -> ProgrammableTransaction {
    let mut b = PtbBuilder::new();
    let args = args.iter().map(|a| a.add(&w.chain, &mut b)).collect();
    b.move_call(w.pkg, "objects", function, vec![], args);
    b.finish()
}

/// Executes `tx`, which must be refused; asserts that nothing changed and returns why.
fn refused(w: &World, tx: SignedTransaction, watch: &[ObjectID]) -> TransactionError {
    let before = w.snapshot(watch);
    let err = match w.chain.execute(tx) {
        Err(RuntimeError::Transaction(e)) => e,
        Err(other) => panic!("refused for another reason: {other}"),
        Ok(r) => panic!("executed: {:?}", r.effects.status),
    };
    assert_unchanged(w, &before, watch);
    err
}

/// Alice sets `t` to 1 with her first gas coin, as an ordinary transaction would.
fn set_value_tx(w: &World, t: ObjectID) -> TransactionData {
    let ptb = call_ptb(w, "set_value", &[Arg::Obj(t), pure(&1u64)]);
    tx_data(
        w.alice(),
        ptb,
        vec![coin(w, w.alice(), 0).object_ref()],
        BUDGET,
    )
}

// === Signatures ===

#[test]
fn a_signature_that_does_not_verify_is_refused() {
    let w = World::new();
    let t = w.thing(w.alice(), 0);
    let mut tx = signed(set_value_tx(&w, t), &[w.alice()]);
    tx.signatures[0].0[10] ^= 1;
    let err = refused(&w, tx.clone(), &[t]);
    assert!(
        matches!(
            err,
            TransactionError::InvalidSignature(movid_runtime::crypto::SignatureError::Invalid)
        ),
        "{err}"
    );
    tx.signatures[0].0.truncate(50);
    let err = refused(&w, tx, &[t]);
    assert!(
        matches!(
            err,
            TransactionError::InvalidSignature(movid_runtime::crypto::SignatureError::Malformed(_))
        ),
        "{err}"
    );
}

#[test]
fn a_transaction_signed_by_someone_else_is_refused() {
    let w = World::new();
    let t = w.thing(w.alice(), 0);
    let tx = signed(set_value_tx(&w, t), &[w.bob()]);
    let err = refused(&w, tx, &[t]);
    assert_eq!(
        err,
        TransactionError::WrongSigners {
            required: vec![w.alice().address()],
            signed: vec![w.bob().address()],
        }
    );
}

#[test]
fn a_sponsored_transaction_needs_the_sponsors_signature_too() {
    let w = World::new();
    let t = w.thing(w.alice(), 0);
    let mut data = set_value_tx(&w, t);
    data.gas_data.payment = vec![coin(&w, w.bob(), 0).object_ref()];
    data.gas_data.owner = w.bob().address();
    let err = refused(&w, signed(data.clone(), &[w.alice()]), &[t]);
    assert!(
        matches!(err, TransactionError::WrongSigners { .. }),
        "{err}"
    );
    let r = w
        .chain
        .execute(signed(data, &[w.alice(), w.bob()]))
        .unwrap();
    assert_ok(&r);
    assert_eq!(w.value(t), 1);
    assert_eq!(
        w.owner(*r.effects.gas_object.0.object_id()),
        Owner::AddressOwner(w.bob().address())
    );
}

// === Owned inputs ===

#[test]
fn an_object_owned_by_another_account_is_refused() {
    let w = World::new();
    let t = w.thing(w.bob(), 0);
    let tx = signed(set_value_tx(&w, t), &[w.alice()]);
    let err = refused(&w, tx, &[t]);
    assert_eq!(
        err,
        TransactionError::NotOwner {
            id: t,
            owner: w.bob().address().to_string(),
            sender: w.alice().address(),
        }
    );
}

#[test]
fn an_object_named_at_an_old_version_or_digest_is_refused() {
    let w = World::new();
    let t = w.thing(w.alice(), 0);
    let old = w.object(t).object_ref();
    w.call_ok(w.alice(), "set_value", &[Arg::Obj(t), pure(&5u64)]);
    let current = w.object(t).object_ref();
    let mut b = PtbBuilder::new();
    let a = b.object(ObjectArg::ImmOrOwned(old.clone()));
    let v = b.pure(&1u64);
    b.move_call(w.pkg, "objects", "set_value", vec![], vec![a, v]);
    let data = tx_data(
        w.alice(),
        b.finish(),
        vec![coin(&w, w.alice(), 0).object_ref()],
        BUDGET,
    );
    let err = refused(&w, signed(data, &[w.alice()]), &[t]);
    assert_eq!(
        err,
        TransactionError::StaleObject {
            given: Box::new(old),
            current: Box::new(current.clone())
        }
    );
    // The right version with another digest is stale too.
    let forged = ObjectReference::new(
        *current.object_id(),
        current.version(),
        salted_digest("x", b"y"),
    );
    let mut b = PtbBuilder::new();
    b.object(ObjectArg::ImmOrOwned(forged.clone()));
    let data = tx_data(
        w.alice(),
        b.finish(),
        vec![coin(&w, w.alice(), 0).object_ref()],
        BUDGET,
    );
    let err = refused(&w, signed(data, &[w.alice()]), &[t]);
    assert_eq!(
        err,
        TransactionError::StaleObject {
            given: Box::new(forged),
            current: Box::new(current)
        }
    );
}

#[test]
fn a_child_object_cannot_be_an_input() {
    let w = World::new();
    let (parent, child) = (w.thing(w.alice(), 0), w.thing(w.alice(), 0));
    w.call_ok(
        w.alice(),
        "add_child",
        &[Arg::Obj(parent), pure(&1u64), Arg::Obj(child)],
    );
    let tx = signed(set_value_tx(&w, child), &[w.alice()]);
    assert_eq!(
        refused(&w, tx, &[child]),
        TransactionError::ObjectOwnedByObject(child)
    );
}

#[test]
fn a_deleted_or_unknown_object_is_refused() {
    let w = World::new();
    let t = w.thing(w.alice(), 0);
    let data = set_value_tx(&w, t);
    w.call_ok(w.alice(), "delete", &[Arg::Obj(t)]);
    let mut data = data;
    data.gas_data.payment = vec![coin(&w, w.alice(), 0).object_ref()];
    assert_eq!(
        refused(&w, signed(data, &[w.alice()]), &[t]),
        TransactionError::ObjectNotFound(t)
    );
    let unknown = ObjectReference::new(random_address(), 1, Digest::ZERO);
    let mut b = PtbBuilder::new();
    b.object(ObjectArg::ImmOrOwned(unknown.clone()));
    let data = tx_data(
        w.alice(),
        b.finish(),
        vec![coin(&w, w.alice(), 0).object_ref()],
        BUDGET,
    );
    assert_eq!(
        refused(&w, signed(data, &[w.alice()]), &[]),
        TransactionError::ObjectNotFound(*unknown.object_id())
    );
}

#[test]
fn an_object_named_twice_is_refused() {
    let w = World::new();
    let t = w.thing(w.alice(), 0);
    let r = w.object(t).object_ref();
    let ptb = ProgrammableTransaction {
        inputs: vec![
            CallArg::Object(ObjectArg::ImmOrOwned(r.clone())),
            CallArg::Object(ObjectArg::ImmOrOwned(r)),
        ],
        commands: vec![],
    };
    let data = tx_data(
        w.alice(),
        ptb,
        vec![coin(&w, w.alice(), 0).object_ref()],
        BUDGET,
    );
    assert_eq!(
        refused(&w, signed(data, &[w.alice()]), &[t]),
        TransactionError::DuplicateInput(t)
    );
    // The gas coin named again as an input.
    let gas = coin(&w, w.alice(), 0).object_ref();
    let ptb = ProgrammableTransaction {
        inputs: vec![CallArg::Object(ObjectArg::ImmOrOwned(gas.clone()))],
        commands: vec![],
    };
    let data = tx_data(w.alice(), ptb, vec![gas.clone()], BUDGET);
    assert_eq!(
        refused(&w, signed(data, &[w.alice()]), &[]),
        TransactionError::DuplicateInput(*gas.object_id())
    );
}

// === Shared and immutable inputs ===

fn shared_thing(w: &World) -> (ObjectID, SequenceNumber) {
    let r = w.call_ok(w.alice(), "create_shared", &[pure(&0u64)]);
    let t = w.created(&r, "Thing")[0];
    (t, r.effects.lamport_version)
}

fn shared_tx(w: &World, arg: ObjectArg) -> SignedTransaction {
    let mut b = PtbBuilder::new();
    let a = b.object(arg);
    let v = b.pure(&1u64);
    b.move_call(w.pkg, "objects", "set_value", vec![], vec![a, v]);
    let data = tx_data(
        w.alice(),
        b.finish(),
        vec![coin(w, w.alice(), 0).object_ref()],
        BUDGET,
    );
    signed(data, &[w.alice()])
}

#[test]
fn a_shared_object_named_at_the_wrong_initial_version_is_refused() {
    let w = World::new();
    let (t, initial) = shared_thing(&w);
    let tx = shared_tx(
        &w,
        ObjectArg::Shared {
            id: t,
            initial_shared_version: initial + 1,
            mutable: true,
        },
    );
    assert_eq!(
        refused(&w, tx, &[t]),
        TransactionError::SharedVersionMismatch {
            id: t,
            given: initial + 1,
            actual: initial
        }
    );
}

#[test]
fn a_shared_object_cannot_be_named_as_owned_nor_an_owned_one_as_shared() {
    let w = World::new();
    let (t, _) = shared_thing(&w);
    let tx = shared_tx(&w, ObjectArg::ImmOrOwned(w.object(t).object_ref()));
    assert!(
        matches!(refused(&w, tx, &[t]), TransactionError::WrongOwnershipKind { id, actual, .. } if id == t && actual == "shared")
    );
    let owned = w.thing(w.alice(), 0);
    let tx = shared_tx(
        &w,
        ObjectArg::Shared {
            id: owned,
            initial_shared_version: 1,
            mutable: true,
        },
    );
    let err = refused(&w, tx, &[owned]);
    assert!(
        matches!(&err, TransactionError::WrongOwnershipKind { actual, named, .. } if actual == "address-owned" && named == "shared"),
        "{err}"
    );
}

#[test]
fn an_immutable_object_cannot_be_taken_mutably() {
    let w = World::new();
    let r = w.call_ok(w.alice(), "create_frozen", &[pure(&0u64)]);
    let t = w.created(&r, "Thing")[0];
    let tx = shared_tx(
        &w,
        ObjectArg::Shared {
            id: t,
            initial_shared_version: 0,
            mutable: true,
        },
    );
    assert_eq!(
        refused(&w, tx, &[t]),
        TransactionError::ImmutableUsedMutably(t)
    );
}

// === Expiration and gas ===

#[test]
fn an_expired_transaction_is_refused() {
    let w = World::new();
    let t = w.thing(w.alice(), 0);
    w.chain.advance_epoch().unwrap();
    w.chain.advance_epoch().unwrap();
    let mut data = set_value_tx(&w, t);
    data.expiration = TransactionExpiration::Epoch(1);
    assert_eq!(
        refused(&w, signed(data.clone(), &[w.alice()]), &[t]),
        TransactionError::Expired {
            expiration: 1,
            epoch: 2
        }
    );
    data.expiration = TransactionExpiration::Epoch(2);
    assert_ok(&w.chain.execute(signed(data, &[w.alice()])).unwrap());
}

#[test]
fn a_gas_coin_not_owned_by_the_gas_owner_is_refused() {
    let w = World::new();
    let t = w.thing(w.alice(), 0);
    let mut data = set_value_tx(&w, t);
    let bobs = coin(&w, w.bob(), 0);
    data.gas_data.payment = vec![bobs.object_ref()];
    assert_eq!(
        refused(&w, signed(data, &[w.alice()]), &[t]),
        TransactionError::GasNotOwned {
            id: bobs.id(),
            gas_owner: w.alice().address()
        }
    );
}

#[test]
fn gas_coins_holding_less_than_the_budget_are_refused() {
    let w = World::new();
    // Give Alice a coin of 2,000,000.
    let me = w.alice().address();
    assert_ok(&w.run(w.alice(), |b| {
        let c = b.object(object_arg(&w.chain, coin(&w, w.alice(), 1).id(), true));
        let amt = b.pure(&2_000_000u64);
        let s = b.split_coins(c, vec![amt]);
        let to = b.pure(&me);
        b.transfer_objects(vec![s], to);
    }));
    let small = w
        .chain
        .gas_coins(&me)
        .unwrap()
        .into_iter()
        .find(|c| coin_value(&c.as_move().unwrap().contents) == Some(2_000_000))
        .unwrap();
    let data = tx_data(
        w.alice(),
        PtbBuilder::new().finish(),
        vec![small.object_ref()],
        3_000_000,
    );
    assert_eq!(
        refused(&w, signed(data, &[w.alice()]), &[small.id()]),
        TransactionError::InsufficientGasBalance {
            balance: 2_000_000,
            budget: 3_000_000
        }
    );
}

#[test]
fn a_budget_outside_the_allowed_range_is_refused() {
    use movid_runtime::gas::{MAX_GAS_BUDGET, MIN_GAS_BUDGET};
    let w = World::new();
    let t = w.thing(w.alice(), 0);
    for budget in [MIN_GAS_BUDGET - 1, MAX_GAS_BUDGET + 1] {
        let mut data = set_value_tx(&w, t);
        data.gas_data.budget = budget;
        assert_eq!(
            refused(&w, signed(data, &[w.alice()]), &[t]),
            TransactionError::GasBudgetOutOfRange {
                budget,
                min: MIN_GAS_BUDGET,
                max: MAX_GAS_BUDGET
            }
        );
    }
}

#[test]
fn gas_must_be_a_gas_coin_at_a_price() {
    let w = World::new();
    let t = w.thing(w.alice(), 0);
    let mut data = set_value_tx(&w, t);
    data.gas_data.price = 0;
    assert!(matches!(
        refused(&w, signed(data, &[w.alice()]), &[t]),
        TransactionError::GasPriceTooLow { price: 0, .. }
    ));
    let mut data = set_value_tx(&w, t);
    data.gas_data.payment = vec![];
    assert_eq!(
        refused(&w, signed(data, &[w.alice()]), &[t]),
        TransactionError::MissingGas
    );
    let other = w.thing(w.alice(), 0);
    let mut data = set_value_tx(&w, t);
    data.gas_data.payment = vec![w.object(other).object_ref()];
    assert_eq!(
        refused(&w, signed(data, &[w.alice()]), &[t, other]),
        TransactionError::NotAGasCoin(other)
    );
}

// === Commands ===

#[test]
fn results_chain_through_three_move_calls() {
    let w = World::new();
    let me = w.alice().address();
    let r = w.run(w.alice(), |b| {
        let v = b.pure(&5u64);
        let t = b.move_call(w.pkg, "objects", "new", vec![], vec![v]);
        let doubled = b.move_call(w.pkg, "objects", "double", vec![], vec![t]);
        let Argument::Result(i) = doubled else {
            unreachable!()
        };
        let t = b.move_call(
            w.pkg,
            "objects",
            "absorb",
            vec![],
            vec![Argument::NestedResult(i, 0), Argument::NestedResult(i, 1)],
        );
        let to = b.pure(&me);
        b.transfer_objects(vec![t], to);
    });
    assert_ok(&r);
    let t = w.created(&r, "Thing");
    assert_eq!(t.len(), 1);
    // 5, doubled to 10, plus the old value 5.
    assert_eq!(w.value(t[0]), 15);
    assert_eq!(w.owner(t[0]), Owner::AddressOwner(me));
}

#[test]
fn coins_can_be_split_merged_and_transferred() {
    let w = World::new();
    let (alice, bob) = (w.alice(), w.bob().address());
    let source = coin(&w, alice, 1);
    let start = balance(&w.chain, source.id());
    let r = w.run(alice, |b| {
        let c = b.object(ObjectArg::ImmOrOwned(source.object_ref()));
        let amounts = vec![b.pure(&100u64), b.pure(&200u64), b.pure(&300u64)];
        let Argument::Result(s) = b.split_coins(c, amounts) else {
            unreachable!()
        };
        b.merge_coins(
            Argument::NestedResult(s, 0),
            vec![Argument::NestedResult(s, 1)],
        );
        let to = b.pure(&bob);
        b.transfer_objects(
            vec![Argument::NestedResult(s, 0), Argument::NestedResult(s, 2)],
            to,
        );
    });
    assert_ok(&r);
    assert_eq!(balance(&w.chain, source.id()), start - 600);
    let mut received: Vec<u64> = r
        .effects
        .created
        .iter()
        .map(|(o, owner)| {
            assert_eq!(*owner, Owner::AddressOwner(bob));
            balance(&w.chain, *o.object_id())
        })
        .collect();
    received.sort();
    assert_eq!(received, vec![300, 300]);
    // Merging an existing coin deletes it.
    let (a, b) = (coin(&w, alice, 1), coin(&w, alice, 2));
    let total = balance(&w.chain, a.id()) + balance(&w.chain, b.id());
    let r = w.run(alice, |p| {
        let x = p.object(ObjectArg::ImmOrOwned(a.object_ref()));
        let y = p.object(ObjectArg::ImmOrOwned(b.object_ref()));
        p.merge_coins(x, vec![y]);
    });
    assert_ok(&r);
    assert_eq!(
        r.effects
            .deleted
            .iter()
            .map(|o| *o.object_id())
            .collect::<Vec<_>>(),
        vec![b.id()]
    );
    assert_eq!(balance(&w.chain, a.id()), total);
    assert!(!w.exists(b.id()));
}

#[test]
fn splitting_more_than_a_coin_holds_fails() {
    let w = World::new();
    let c = coin(&w, w.alice(), 1);
    let before = w.snapshot(&[]);
    let r = w.run(w.alice(), |b| {
        let x = b.object(ObjectArg::ImmOrOwned(c.object_ref()));
        let amt = b.pure(&u64::MAX);
        let s = b.split_coins(x, vec![amt]);
        let to = b.pure(&w.bob().address());
        b.transfer_objects(vec![s], to);
    });
    assert!(
        matches!(failure(&r), (ExecutionFailure::InsufficientCoinBalance { coin, .. }, Some(0)) if *coin == c.id()),
        "{:?}",
        r.effects.status
    );
    assert_only_gas_changed(&w, &before, &r, &[]);
}

#[test]
fn the_gas_coin_can_be_transferred() {
    let w = World::new();
    let bob = w.bob().address();
    let gas = coin(&w, w.alice(), 0);
    let start = balance(&w.chain, gas.id());
    let r = w.run(w.alice(), |b| {
        let to = b.pure(&bob);
        b.transfer_objects(vec![Argument::GasCoin], to);
    });
    assert_ok(&r);
    assert_eq!(*r.effects.gas_object.0.object_id(), gas.id());
    assert_eq!(r.effects.gas_object.1, Owner::AddressOwner(bob));
    assert_eq!(w.owner(gas.id()), Owner::AddressOwner(bob));
    assert_eq!(
        balance(&w.chain, gas.id()) as i64,
        start as i64 - r.effects.gas_used.net_gas_usage()
    );
}

#[test]
fn the_gas_coin_can_be_split_and_merged_into() {
    let w = World::new();
    let bob = w.bob().address();
    let gas = coin(&w, w.alice(), 0);
    let other = coin(&w, w.alice(), 1);
    let start = balance(&w.chain, gas.id()) + balance(&w.chain, other.id());
    let r = w.run(w.alice(), |b| {
        let amt = b.pure(&1_000u64);
        let s = b.split_coins(Argument::GasCoin, vec![amt]);
        let to = b.pure(&bob);
        b.transfer_objects(vec![s], to);
        let o = b.object(ObjectArg::ImmOrOwned(other.object_ref()));
        b.merge_coins(Argument::GasCoin, vec![o]);
    });
    assert_ok(&r);
    assert_eq!(
        balance(&w.chain, gas.id()) as i64,
        start as i64 - 1_000 - r.effects.gas_used.net_gas_usage()
    );
}

#[test]
fn several_gas_coins_are_merged_into_the_first() {
    let w = World::new();
    let (a, b) = (coin(&w, w.alice(), 0), coin(&w, w.alice(), 1));
    let start = balance(&w.chain, a.id()) + balance(&w.chain, b.id());
    let data = tx_data(
        w.alice(),
        PtbBuilder::new().finish(),
        vec![a.object_ref(), b.object_ref()],
        BUDGET,
    );
    let r = w.chain.execute(signed(data, &[w.alice()])).unwrap();
    assert_ok(&r);
    assert_eq!(*r.effects.gas_object.0.object_id(), a.id());
    assert_eq!(
        r.effects
            .deleted
            .iter()
            .map(|o| *o.object_id())
            .collect::<Vec<_>>(),
        vec![b.id()]
    );
    assert!(!w.exists(b.id()));
    assert_eq!(
        balance(&w.chain, a.id()) as i64,
        start as i64 - r.effects.gas_used.net_gas_usage()
    );
    // Every written object takes max(input versions) + 1.
    assert_eq!(r.effects.lamport_version, a.version().max(b.version()) + 1);
}

#[test]
fn draining_the_gas_coin_cannot_leave_gas_unpaid() {
    let w = World::new();
    let gas = coin(&w, w.alice(), 0);
    let before = w.snapshot(&[]);
    let r = w.run(w.alice(), |b| {
        let to = b.pure(&w.bob().address());
        b.move_call(
            w.pkg,
            "objects",
            "drain",
            vec![],
            vec![Argument::GasCoin, to],
        );
    });
    assert!(
        matches!(failure(&r), (ExecutionFailure::InsufficientCoinBalance { coin, .. }, None) if *coin == gas.id()),
        "{:?}",
        r.effects.status
    );
    assert_only_gas_changed(&w, &before, &r, &[]);
}

#[test]
fn a_package_can_be_called_in_the_transaction_after_its_publish() {
    let w = World::bare();
    let pkg = publish(&w.chain, w.alice(), "objects");
    let r = w.chain.sign_and_execute(
        w.alice(),
        {
            let mut b = PtbBuilder::new();
            let v = b.pure(&3u64);
            b.move_call(pkg, "objects", "create", vec![], vec![v]);
            b.finish()
        },
        BUDGET,
    );
    let r = r.unwrap();
    assert_ok(&r);
    assert_eq!(created_of_type(&w.chain, &r, "objects", "Thing").len(), 1);
    let package = w.chain.get_object(&pkg).unwrap().unwrap();
    assert_eq!(package.owner, Owner::Immutable);
    assert!(package
        .as_package()
        .unwrap()
        .modules
        .contains_key("objects"));
}

#[test]
fn an_unconsumed_hot_potato_fails_the_transaction() {
    let w = World::new();
    let before = w.snapshot(&[]);
    let r = w.run(w.alice(), |b| {
        let v = b.pure(&1u64);
        b.move_call(w.pkg, "objects", "make_potato", vec![], vec![v]);
    });
    let ExecutionFailure::UnusedValueWithoutDrop {
        command,
        index,
        type_,
    } = failure(&r).0
    else {
        panic!("{:?}", r.effects.status)
    };
    assert_eq!((*command, *index), (0, 0));
    assert!(type_.ends_with("::objects::Potato"), "{type_}");
    assert_only_gas_changed(&w, &before, &r, &[]);
    // Eaten in the same transaction, it is fine.
    let r = w.run(w.alice(), |b| {
        let v = b.pure(&1u64);
        let p = b.move_call(w.pkg, "objects", "make_potato", vec![], vec![v]);
        b.move_call(w.pkg, "objects", "eat_potato", vec![], vec![p]);
    });
    assert_ok(&r);
}

#[test]
fn an_abort_in_the_second_of_three_commands_changes_only_gas() {
    let w = World::new();
    let t = w.thing(w.alice(), 1);
    let before = w.snapshot(&[t]);
    let r = w.run(w.alice(), |b| {
        let a = b.object(object_arg(&w.chain, t, true));
        let v = b.pure(&2u64);
        b.move_call(w.pkg, "objects", "set_value", vec![], vec![a, v]);
        b.move_call(w.pkg, "objects", "fail", vec![], vec![]);
        b.move_call(w.pkg, "objects", "create", vec![], vec![v]);
    });
    assert!(matches!(
        &r.effects.status,
        ExecutionStatus::Failure { error: ExecutionFailure::MoveAbort(a), command: Some(1) }
            if a.constant.as_deref() == Some("EAlwaysFails")
    ));
    assert_only_gas_changed(&w, &before, &r, &[t]);
    assert_eq!(w.value(t), 1);
}

#[test]
fn an_argument_whose_bytes_do_not_match_the_parameter_is_rejected() {
    let w = World::new();
    let t = w.thing(w.alice(), 1);
    for bytes in [vec![1u8], vec![0u8; 9], vec![]] {
        let before = w.snapshot(&[t]);
        let r = w.call(w.alice(), "set_value", &[Arg::Obj(t), Arg::Pure(bytes)]);
        assert!(
            matches!(failure(&r), (ExecutionFailure::InvalidPureValue { argument: 1, type_, violation: PureViolation::Malformed(_) }, Some(0)) if type_ == "u64"),
            "{:?}",
            r.effects.status
        );
        assert_only_gas_changed(&w, &before, &r, &[t]);
    }
}

#[test]
fn an_object_of_the_wrong_type_is_rejected() {
    let w = World::new();
    let c = coin(&w, w.alice(), 1).id();
    let before = w.snapshot(&[c]);
    let r = w.call(w.alice(), "set_value", &[Arg::Obj(c), pure(&1u64)]);
    let (ExecutionFailure::InvalidArgument { argument, reason }, Some(0)) = failure(&r) else {
        panic!("{:?}", r.effects.status)
    };
    assert_eq!(*argument, 0);
    assert!(
        reason.contains("expected") && reason.contains("Coin"),
        "{reason}"
    );
    assert_only_gas_changed(&w, &before, &r, &[c]);
}

#[test]
fn a_missing_object_is_refused_before_execution() {
    let w = World::new();
    let missing = ObjectReference::new(random_address(), 3, Digest::ZERO);
    let mut b = PtbBuilder::new();
    let a = b.object(ObjectArg::ImmOrOwned(missing.clone()));
    let v = b.pure(&1u64);
    b.move_call(w.pkg, "objects", "set_value", vec![], vec![a, v]);
    let data = tx_data(
        w.alice(),
        b.finish(),
        vec![coin(&w, w.alice(), 0).object_ref()],
        BUDGET,
    );
    assert_eq!(
        refused(&w, signed(data, &[w.alice()]), &[]),
        TransactionError::ObjectNotFound(*missing.object_id())
    );
}

#[test]
fn one_coin_cannot_be_passed_mutably_twice_to_one_call() {
    let w = World::new();
    let c = coin(&w, w.alice(), 1).id();
    let before = w.snapshot(&[c]);
    let r = w.call(
        w.alice(),
        "shift",
        &[Arg::Obj(c), Arg::Obj(c), pure(&1_000u64)],
    );
    assert!(
        matches!(
            failure(&r),
            (
                ExecutionFailure::InvalidArgument { argument: 1, .. },
                Some(0)
            )
        ),
        "{:?}",
        r.effects.status
    );
    assert_only_gas_changed(&w, &before, &r, &[c]);
    // A pure input may feed several parameters.
    let t = w.thing(w.alice(), 0);
    w.call_ok(
        w.alice(),
        "add_field",
        &[Arg::Obj(t), pure(&5u64), pure(&5u64)],
    );
    w.call_ok(
        w.alice(),
        "assert_field",
        &[Arg::Obj(t), pure(&5u64), pure(&5u64)],
    );
}

#[test]
fn a_coin_cannot_be_merged_into_itself_or_moved_twice() {
    let w = World::new();
    let c = coin(&w, w.alice(), 1);
    let bob = w.bob().address();
    let r = w.run(w.alice(), |b| {
        let x = b.object(ObjectArg::ImmOrOwned(c.object_ref()));
        let amt = b.pure(&10u64);
        let Argument::Result(s) = b.split_coins(x, vec![amt]) else {
            unreachable!()
        };
        b.merge_coins(Argument::Result(s), vec![Argument::NestedResult(s, 0)]);
    });
    assert!(
        matches!(
            failure(&r),
            (ExecutionFailure::InvalidArgument { .. }, Some(1))
        ),
        "{:?}",
        r.effects.status
    );
    let r = w.run(w.alice(), |b| {
        let x = b.object(ObjectArg::ImmOrOwned(w.object(c.id()).object_ref()));
        let to = b.pure(&bob);
        b.transfer_objects(vec![x, x], to);
    });
    assert!(
        matches!(failure(&r), (ExecutionFailure::InvalidArgument { argument: 1, reason }, Some(0)) if reason.contains("moved")),
        "{:?}",
        r.effects.status
    );
}

#[test]
fn replaying_a_transaction_returns_its_recorded_effects() {
    let w = World::new();
    let t = w.thing(w.alice(), 0);
    let tx = signed(set_value_tx(&w, t), &[w.alice()]);
    let first = w.chain.execute(tx.clone()).unwrap();
    assert_ok(&first);
    let after_first = w.snapshot(&[t]);
    let again = w.chain.execute(tx).unwrap();
    assert_eq!(again, first);
    assert_unchanged(&w, &after_first, &[t]);
    let record = w.chain.transaction(&first.digest).unwrap().unwrap();
    assert_eq!(record.effects, first.effects);

    // A failed transaction is recorded and replayed the same way.
    let ptb = call_ptb(&w, "fail", &[]);
    let data = tx_data(
        w.alice(),
        ptb,
        vec![coin(&w, w.alice(), 0).object_ref()],
        BUDGET,
    );
    let tx = signed(data, &[w.alice()]);
    let first = w.chain.execute(tx.clone()).unwrap();
    assert!(!first.effects.status.is_ok());
    let after_first = w.snapshot(&[t]);
    assert_eq!(w.chain.execute(tx).unwrap(), first);
    assert_unchanged(&w, &after_first, &[t]);
}

#[test]
fn a_chain_with_many_accounts_funds_each_of_them() {
    let keys = movid_runtime::genesis::dev_keys(6);
    let chain = movid_runtime::chain::LocalChain::new(GenesisConfig {
        accounts: keys.iter().map(KeyPair::address).collect(),
        coins_per_account: 2,
        coin_value: 7,
        start_time_ms: 0,
    })
    .unwrap();
    for k in &keys {
        let coins = chain.gas_coins(&k.address()).unwrap();
        assert_eq!(coins.len(), 2);
        assert!(coins
            .iter()
            .all(|c| coin_value(&c.as_move().unwrap().contents) == Some(7)));
    }
}

#[test]
fn a_transaction_larger_than_the_limit_is_refused() {
    let w = World::new();
    let mut b = PtbBuilder::new();
    for i in 0..9u8 {
        b.pure_bytes(vec![i; 16 * 1024]);
    }
    let data = tx_data(
        w.alice(),
        b.finish(),
        vec![coin(&w, w.alice(), 0).object_ref()],
        BUDGET,
    );
    let err = refused(&w, signed(data, &[w.alice()]), &[]);
    assert!(
        matches!(&err, TransactionError::LimitExceeded(m) if m.contains("bytes")),
        "{err}"
    );
}

#[test]
fn a_dry_run_reports_effects_but_changes_nothing() {
    let w = World::new();
    let t = w.thing(w.alice(), 1);
    let before = w.snapshot(&[t]);
    let r = w.chain.dry_run(set_value_tx(&w, t)).unwrap();
    assert_ok(&r);
    assert!(r.effects.mutated.iter().any(|(o, _)| *o.object_id() == t));
    assert_unchanged(&w, &before, &[t]);
    assert!(w.chain.transaction(&r.digest).unwrap().is_none());
}

#[test]
fn the_memory_and_redb_stores_give_the_same_effects() {
    use movid_runtime::chain::LocalChain;
    use movid_runtime::store::RedbStore;
    use std::sync::Arc;

    let dir = tempfile::tempdir().unwrap();
    let redb = RedbStore::open(&dir.path().join("chain.redb")).unwrap();
    let memory = World::bare();
    let durable = World {
        chain: LocalChain::open(Arc::new(redb), GenesisConfig::default()).unwrap(),
        keys: memory.keys.clone(),
        pkg: ObjectID::ZERO,
    };
    // The same signed transactions, in the same order, on both chains.
    let mut worlds = [memory, durable];
    let mut effects: Vec<Vec<TransactionEffects>> = vec![vec![], vec![]];
    for (w, out) in worlds.iter_mut().zip(&mut effects) {
        w.pkg = publish(&w.chain, &w.keys[0], "objects");
        let a = w.alice();
        let (parent, child, inner) = (w.thing(a, 1), w.thing(a, 2), w.thing(a, 3));
        let steps: Vec<(&str, Vec<Arg>)> = vec![
            (
                "add_child",
                vec![Arg::Obj(parent), pure(&1u64), Arg::Obj(child)],
            ),
            ("bump_child", vec![Arg::Obj(parent), pure(&1u64)]),
            (
                "add_field",
                vec![Arg::Obj(parent), pure(&2u64), pure(&9u64)],
            ),
            ("wrap", vec![Arg::Obj(inner)]),
            ("remove_child", vec![Arg::Obj(parent), pure(&1u64)]),
            ("fail", vec![]),
            ("delete", vec![Arg::Obj(child)]),
        ];
        for (f, args) in steps {
            out.push(w.call(a, f, &args).effects);
        }
        // Reads agree too.
        assert_eq!(w.chain.dynamic_fields(&parent).unwrap().len(), 1);
        assert!(w.chain.object_history(&child).unwrap().len() >= 4);
    }
    assert_eq!(effects[0], effects[1]);
    let [memory, durable] = &worlds;
    for k in &memory.keys {
        let a = k.address();
        assert_eq!(
            memory.chain.owned_objects(&a).unwrap(),
            durable.chain.owned_objects(&a).unwrap()
        );
    }
}
