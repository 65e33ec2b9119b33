//! Gas: running out, storage charges and rebates, and a property test that coin operations
//! conserve supply (less the gas burned) and keep every coin with exactly one owner.

mod common;

use std::collections::BTreeMap;

use common::*;
use movid_runtime::chain::{ExecutionResult, LocalChain};
use movid_runtime::crypto::KeyPair;
use movid_runtime::execution::{coin_value, gas_coin_type};
use movid_runtime::gas::{split_rebate, storage_cost};
use movid_runtime::genesis::{dev_keys, GenesisConfig, MIST_PER_SUI};
use movid_runtime::types::*;
use proptest::prelude::*;

#[test]
fn an_infinite_loop_runs_out_of_gas_and_is_charged_its_budget() {
    let w = World::new();
    let budget = 2_000_000;
    let gas = w.chain.gas_coins(&w.alice().address()).unwrap()[0].clone();
    let start = balance(&w.chain, gas.id());
    let before = w.snapshot(&[]);
    let mut b = PtbBuilder::new();
    b.move_call(w.pkg, "objects", "spin", vec![], vec![]);
    let r = w
        .chain
        .sign_and_execute(w.alice(), b.finish(), budget)
        .unwrap();
    assert_eq!(
        r.effects.status,
        ExecutionStatus::Failure {
            error: ExecutionFailure::InsufficientGas { budget },
            command: Some(0)
        }
    );
    let g = r.effects.gas_used;
    assert_eq!(g.computation_cost + g.storage_cost, budget, "{g:?}");
    assert_eq!(g.storage_rebate, split_rebate(gas.storage_rebate).0);
    assert_eq!(
        balance(&w.chain, gas.id()),
        start - budget + g.storage_rebate
    );
    assert_only_gas_changed(&w, &before, &r, &[]);
}

#[test]
fn storage_is_charged_for_every_byte_written() {
    let w = World::new();
    let r = w.call_ok(w.alice(), "create", &[pure(&1u64)]);
    let t = w.created(&r, "Thing")[0];
    let thing = w.object(t);
    let gas = w.object(*r.effects.gas_object.0.object_id());
    assert_eq!(
        r.effects.gas_used.storage_cost,
        storage_cost(thing.storage_size()) + storage_cost(gas.storage_size())
    );
    assert_eq!(thing.storage_rebate, storage_cost(thing.storage_size()));
}

#[test]
fn deleting_an_object_earns_a_storage_rebate() {
    let w = World::new();
    let t = w.thing(w.alice(), 1);
    let thing = w.object(t);
    let gas = w.chain.gas_coins(&w.alice().address()).unwrap()[0].clone();
    let r = w.call_ok(w.alice(), "delete", &[Arg::Obj(t)]);
    assert_eq!(*r.effects.gas_object.0.object_id(), gas.id());
    let g = r.effects.gas_used;
    let (refund, kept) = split_rebate(thing.storage_rebate + gas.storage_rebate);
    assert_eq!(
        (g.storage_rebate, g.non_refundable_storage_fee),
        (refund, kept)
    );
    // Only the gas coin is written.
    assert_eq!(
        g.storage_cost,
        storage_cost(w.object(gas.id()).storage_size())
    );
    assert_eq!(
        balance(&w.chain, gas.id()) as i64,
        coin_value(&gas.as_move().unwrap().contents).unwrap() as i64 - g.net_gas_usage()
    );
}

#[test]
fn publishing_charges_storage_for_the_package() {
    let w = World::bare();
    let pkg = build("objects");
    let r = try_publish(
        &w.chain,
        w.alice(),
        pkg.module_bytes(),
        pkg.dependencies.clone(),
    );
    let package = w.chain.get_object(&published_package(&r)).unwrap().unwrap();
    let package_cost = storage_cost(package.storage_size());
    assert_eq!(package.storage_rebate, package_cost);
    assert!(r.effects.gas_used.storage_cost > package_cost);
}

#[test]
fn a_budget_too_small_for_the_storage_fails_and_charges_the_budget() {
    let w = World::new();
    // Enough to run `create`, not to store what it creates as well.
    let mut b = PtbBuilder::new();
    let v = b.pure(&1u64);
    b.move_call(w.pkg, "objects", "create", vec![], vec![v]);
    let probe = w
        .chain
        .dry_run(TransactionData {
            kind: TransactionKind::ProgrammableTransaction(b.clone().finish()),
            sender: w.alice().address(),
            gas_data: GasData {
                payment: vec![w.chain.gas_coins(&w.alice().address()).unwrap()[0].object_ref()],
                owner: w.alice().address(),
                price: 1_000,
                budget: BUDGET,
            },
            expiration: TransactionExpiration::None,
        })
        .unwrap();
    assert_ok(&probe);
    let g = probe.effects.gas_used;
    let budget = g.computation_cost + g.storage_cost - 1;
    assert!(budget >= movid_runtime::gas::MIN_GAS_BUDGET, "{g:?}");
    let before = w.snapshot(&[]);
    let r = w
        .chain
        .sign_and_execute(w.alice(), b.finish(), budget)
        .unwrap();
    assert!(
        matches!(failure(&r).0, ExecutionFailure::InsufficientGas { .. }),
        "{:?}",
        r.effects.status
    );
    let g = r.effects.gas_used;
    assert_eq!(g.computation_cost + g.storage_cost, budget);
    assert_only_gas_changed(&w, &before, &r, &[]);
}

// === Property: coin operations conserve supply and ownership ===

/// One step of the property test; indices are taken modulo what exists when it runs.
#[derive(Clone, Debug)]
enum Op {
    /// Split `amount` off a coin and send the new coin to `to`.
    Split {
        who: usize,
        coin: usize,
        amount: u64,
        to: usize,
    },
    /// Merge one coin into another.
    Merge {
        who: usize,
        into: usize,
        from: usize,
    },
    /// Send a coin to `to`.
    Transfer { who: usize, coin: usize, to: usize },
    /// Split `amount` off the gas coin and send it to `to`.
    SplitGas { who: usize, amount: u64, to: usize },
    /// Send the gas coin itself to `to`.
    TransferGas { who: usize, to: usize },
}

const ACCOUNTS: usize = 3;
const COIN: u64 = 10 * MIST_PER_SUI;

fn op() -> impl Strategy<Value = Op> {
    let who = 0..ACCOUNTS;
    // Amounts up to a little more than a coin, so some splits fail.
    let amount = prop_oneof![0..1_000u64, 0..COIN + COIN / 4];
    prop_oneof![
        (who.clone(), 0..8usize, amount.clone(), 0..ACCOUNTS).prop_map(
            |(who, coin, amount, to)| Op::Split {
                who,
                coin,
                amount,
                to
            }
        ),
        (who.clone(), 0..8usize, 0..8usize).prop_map(|(who, into, from)| Op::Merge {
            who,
            into,
            from
        }),
        (who.clone(), 0..8usize, 0..ACCOUNTS).prop_map(|(who, coin, to)| Op::Transfer {
            who,
            coin,
            to
        }),
        (who.clone(), amount, 0..ACCOUNTS).prop_map(|(who, amount, to)| Op::SplitGas {
            who,
            amount,
            to
        }),
        (who, 0..ACCOUNTS).prop_map(|(who, to)| Op::TransferGas { who, to }),
    ]
}

/// The richest coin of `key`, to pay gas with, if it covers the budget; and the others.
fn gas_and_spendable(chain: &LocalChain, key: &KeyPair) -> Option<(Object, Vec<Object>)> {
    let mut coins = chain.gas_coins(&key.address()).unwrap();
    coins.sort_by_key(|c| std::cmp::Reverse(coin_value(&c.as_move().unwrap().contents)));
    let gas = coins.first()?.clone();
    if coin_value(&gas.as_move().unwrap().contents)? < BUDGET {
        return None;
    }
    Some((gas, coins.split_off(1)))
}

fn apply(chain: &LocalChain, keys: &[KeyPair], op: &Op) -> Option<ExecutionResult> {
    let who = match *op {
        Op::Split { who, .. }
        | Op::Merge { who, .. }
        | Op::Transfer { who, .. }
        | Op::SplitGas { who, .. }
        | Op::TransferGas { who, .. } => who,
    };
    let (gas, coins) = gas_and_spendable(chain, &keys[who])?;
    let mut b = PtbBuilder::new();
    match *op {
        Op::Split {
            coin, amount, to, ..
        } => {
            let c = coins.get(coin % coins.len().max(1))?;
            let c = b.object(ObjectArg::ImmOrOwned(c.object_ref()));
            let amt = b.pure(&amount);
            let s = b.split_coins(c, vec![amt]);
            let to = b.pure(&keys[to].address());
            b.transfer_objects(vec![s], to);
        }
        Op::Merge { into, from, .. } => {
            if coins.len() < 2 {
                return None;
            }
            let (i, j) = (into % coins.len(), from % coins.len());
            if i == j {
                return None;
            }
            let x = b.object(ObjectArg::ImmOrOwned(coins[i].object_ref()));
            let y = b.object(ObjectArg::ImmOrOwned(coins[j].object_ref()));
            b.merge_coins(x, vec![y]);
        }
        Op::Transfer { coin, to, .. } => {
            let c = coins.get(coin % coins.len().max(1))?;
            let c = b.object(ObjectArg::ImmOrOwned(c.object_ref()));
            let to = b.pure(&keys[to].address());
            b.transfer_objects(vec![c], to);
        }
        Op::SplitGas { amount, to, .. } => {
            let amt = b.pure(&amount);
            let s = b.split_coins(Argument::GasCoin, vec![amt]);
            let to = b.pure(&keys[to].address());
            b.transfer_objects(vec![s], to);
        }
        Op::TransferGas { to, .. } => {
            let to = b.pure(&keys[to].address());
            b.transfer_objects(vec![Argument::GasCoin], to);
        }
    };
    let data = TransactionData {
        kind: TransactionKind::ProgrammableTransaction(b.finish()),
        sender: keys[who].address(),
        gas_data: GasData {
            payment: vec![gas.object_ref()],
            owner: keys[who].address(),
            price: chain.reference_gas_price(),
            budget: BUDGET,
        },
        expiration: TransactionExpiration::None,
    };
    let tx = SignedTransaction {
        signatures: vec![keys[who].sign_transaction(&data)],
        data,
    };
    Some(
        chain
            .execute(tx)
            .expect("coin transactions are well formed"),
    )
}

/// Every coin, by ID, with its owner and value; panics if a coin is listed for two owners or
/// under an owner it does not have.
fn coins_by_owner(chain: &LocalChain, keys: &[KeyPair]) -> BTreeMap<ObjectID, (Address, u64)> {
    let mut all = BTreeMap::new();
    for k in keys {
        let a = k.address();
        for r in chain.store().owned_objects(&a).unwrap() {
            let o = chain
                .get_object(r.object_id())
                .unwrap()
                .expect("indexed objects are live");
            assert_eq!(
                o.owner,
                Owner::AddressOwner(a),
                "owner index is stale for {}",
                r.object_id()
            );
            assert_eq!(o.object_ref(), r, "owner index holds an old reference");
            assert_eq!(o.type_(), Some(&gas_coin_type()));
            let v = coin_value(&o.as_move().unwrap().contents).unwrap();
            let prev = all.insert(*r.object_id(), (a, v));
            assert!(prev.is_none(), "coin {} has two owners", r.object_id());
        }
    }
    all
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn coin_operations_conserve_supply_and_ownership(ops in prop::collection::vec(op(), 1..12)) {
        let keys = dev_keys(ACCOUNTS);
        let chain = LocalChain::new(GenesisConfig {
            accounts: keys.iter().map(KeyPair::address).collect(),
            coins_per_account: 3,
            coin_value: COIN,
            start_time_ms: 0,
        })
        .unwrap();
        let supply: i64 = (ACCOUNTS as u64 * 3 * COIN) as i64;
        let mut burned: i64 = 0;
        for op in &ops {
            let Some(r) = apply(&chain, &keys, op) else { continue };
            burned += r.effects.gas_used.net_gas_usage();
            let coins = coins_by_owner(&chain, &keys);
            let held: i64 = coins.values().map(|(_, v)| *v as i64).sum();
            prop_assert_eq!(held + burned, supply, "after {:?}: {:?}", op, r.effects.status);
            // The effects agree with the store: every changed coin is where they say.
            for (oref, owner) in r.effects.all_changed() {
                let Owner::AddressOwner(a) = owner else { panic!("coins are address-owned") };
                prop_assert_eq!(coins.get(oref.object_id()).map(|c| c.0), Some(*a));
            }
            for d in &r.effects.deleted {
                prop_assert!(!coins.contains_key(d.object_id()));
            }
        }
    }
}
