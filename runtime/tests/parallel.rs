//! Grouped, parallel execution gives exactly the outcome of executing one by one.
//!
//! A random workload with conflicts (shared objects written and read by many accounts, owned
//! objects and gas coins used again and again, transfers between accounts, aborts, stale
//! inputs, replays, a publish in the middle) is generated on a chain that executes each
//! transaction alone, in order. The same signed transactions are then fed to fresh chains in
//! groups of random sizes through `execute_batch` — in memory and on redb — and to a chain
//! from several threads at once. Every result (effects, events, or the refusal), every
//! transaction record (sequence numbers included) and every object's whole version history
//! must be identical.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use common::*;
use movid_runtime::chain::{ExecutionResult, LocalChain};
use movid_runtime::crypto::KeyPair;
use movid_runtime::genesis::{dev_keys, GenesisConfig};
use movid_runtime::store::RedbStore;
use movid_runtime::types::*;
use movid_runtime::RuntimeResult;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const ACCOUNTS: usize = 6;

fn genesis() -> GenesisConfig {
    GenesisConfig::with_dev_accounts(ACCOUNTS)
}

/// What the generator knows about the chain it drives.
struct Gen {
    chain: LocalChain,
    keys: Vec<KeyPair>,
    /// Latest reference of every object seen.
    refs: BTreeMap<ObjectID, ObjectReference>,
    /// Owned `Thing`s per account.
    things: Vec<Vec<ObjectID>>,
    /// Each account's gas coin.
    gas: Vec<ObjectID>,
    /// Shared `Thing`s and their initial shared versions.
    shared: Vec<(ObjectID, SequenceNumber)>,
    pkg: ObjectID,
    /// Everything submitted, in order, and what the one-by-one chain answered.
    log: Vec<(SignedTransaction, Outcome)>,
}

/// A result reduced to what must be identical.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Executed(Box<(TransactionEffects, Vec<Event>)>),
    Refused(String),
}

fn outcome(r: &RuntimeResult<ExecutionResult>) -> Outcome {
    match r {
        Ok(r) => Outcome::Executed(Box::new((r.effects.clone(), r.events.clone()))),
        Err(e) => Outcome::Refused(e.to_string()),
    }
}

impl Gen {
    fn new() -> Gen {
        let chain = LocalChain::new(genesis()).unwrap();
        let keys = dev_keys(ACCOUNTS);
        let mut refs = BTreeMap::new();
        let mut gas = vec![];
        for k in &keys {
            let coins = chain.gas_coins(&k.address()).unwrap();
            gas.push(coins[0].id());
            for c in coins {
                refs.insert(c.id(), c.object_ref());
            }
        }
        Gen {
            chain,
            keys,
            refs,
            things: vec![vec![]; ACCOUNTS],
            gas,
            shared: vec![],
            pkg: ObjectID::ZERO,
            log: vec![],
        }
    }

    fn sign(&self, who: usize, ptb: ProgrammableTransaction, budget: u64) -> SignedTransaction {
        let key = &self.keys[who];
        let data = TransactionData {
            kind: TransactionKind::ProgrammableTransaction(ptb),
            sender: key.address(),
            gas_data: GasData {
                payment: vec![(self.refs[&self.gas[who]]).clone()],
                owner: key.address(),
                price: self.chain.reference_gas_price(),
                budget,
            },
            expiration: TransactionExpiration::None,
        };
        SignedTransaction {
            signatures: vec![key.sign_transaction(&data)],
            data,
        }
    }

    /// Executes on the one-by-one chain, logs, and learns the new references.
    fn submit(&mut self, tx: SignedTransaction) -> RuntimeResult<ExecutionResult> {
        let d = tx.data.digest();
        let replay = self.log.iter().any(|(t, _)| t.data.digest() == d);
        let r = self.chain.execute(tx.clone());
        self.log.push((tx, outcome(&r)));
        // A replay answers with the effects of its first run: nothing new to learn.
        if let (Ok(r), false) = (&r, replay) {
            let gas = r.effects.gas_object.clone();
            self.refs.insert(*gas.0.object_id(), gas.0);
            for (oref, owner) in r.effects.all_changed() {
                self.refs.insert(*oref.object_id(), oref.clone());
                if let Owner::AddressOwner(a) = owner {
                    // Things that changed hands.
                    for (i, list) in self.things.iter_mut().enumerate() {
                        let mine = self.keys[i].address() == *a;
                        if list.contains(oref.object_id()) && !mine {
                            list.retain(|t| *t != *oref.object_id());
                        }
                    }
                    if let Some(i) = self.keys.iter().position(|k| k.address() == *a) {
                        let is_thing = self.is_thing(oref.object_id());
                        if is_thing && !self.things[i].contains(oref.object_id()) {
                            self.things[i].push(*oref.object_id());
                        }
                    }
                }
            }
        }
        r
    }

    fn is_thing(&self, id: &ObjectID) -> bool {
        self.chain
            .get_object(id)
            .unwrap()
            .and_then(|o| o.type_().cloned())
            .is_some_and(|t| t.name.as_str() == "Thing")
    }

    fn call(&self, who: usize, function: &str, args: Vec<CallArg>) -> SignedTransaction {
        let mut b = PtbBuilder::new();
        let args = args
            .into_iter()
            .map(|a| match a {
                CallArg::Pure(p) => b.pure_bytes(p),
                CallArg::Object(o) => b.object(o),
            })
            .collect();
        b.move_call(self.pkg, "objects", function, vec![], args);
        self.sign(who, b.finish(), BUDGET)
    }

    fn owned(&self, id: ObjectID) -> CallArg {
        CallArg::Object(ObjectArg::ImmOrOwned((self.refs[&id]).clone()))
    }

    fn shared_arg(&self, i: usize, mutable: bool) -> CallArg {
        let (id, v) = self.shared[i];
        CallArg::Object(ObjectArg::Shared {
            id,
            initial_shared_version: v,
            mutable,
        })
    }

    fn publish(&mut self, who: usize) -> ObjectID {
        let pkg = build("objects");
        let mut b = PtbBuilder::new();
        let cap = b.publish(pkg.module_bytes(), pkg.dependencies.clone());
        let me = b.pure(&self.keys[who].address());
        b.transfer_objects(vec![cap], me);
        let tx = self.sign(who, b.finish(), PUBLISH_BUDGET);
        published_package(&self.submit(tx).unwrap())
    }

    fn setup(&mut self) {
        self.pkg = self.publish(0);
        for i in 0..3 {
            let tx = self.call(
                i,
                "create_shared",
                vec![CallArg::Pure(bcs::to_bytes(&0u64).unwrap())],
            );
            let r = self.submit(tx).unwrap();
            assert_ok(&r);
            let (oref, owner) = r
                .effects
                .created
                .iter()
                .find(|(_, o)| matches!(o, Owner::Shared { .. }))
                .unwrap();
            let Owner::Shared {
                initial_shared_version,
            } = owner
            else {
                unreachable!()
            };
            self.shared
                .push((*oref.object_id(), *initial_shared_version));
        }
        for who in 0..ACCOUNTS {
            for v in 0..2u64 {
                let tx = self.call(
                    who,
                    "create",
                    vec![CallArg::Pure(bcs::to_bytes(&v).unwrap())],
                );
                assert_ok(&self.submit(tx).unwrap());
            }
        }
    }

    /// One random step.
    fn step(&mut self, rng: &mut StdRng) {
        let who = rng.gen_range(0..ACCOUNTS);
        let pure = |v: u64| CallArg::Pure(bcs::to_bytes(&v).unwrap());
        let tx = match rng.gen_range(0..100) {
            // Write a shared object.
            0..=19 => {
                let s = rng.gen_range(0..self.shared.len());
                self.call(
                    who,
                    "set_value",
                    vec![self.shared_arg(s, true), pure(rng.gen())],
                )
            }
            // Read a shared object; aborts when the value is not the one asked.
            20..=34 => {
                let s = rng.gen_range(0..self.shared.len());
                let v = if rng.gen_bool(0.5) {
                    0
                } else {
                    rng.gen_range(0..3)
                };
                self.call(
                    who,
                    "assert_value",
                    vec![self.shared_arg(s, false), pure(v)],
                )
            }
            // Write an owned object.
            35..=49 if !self.things[who].is_empty() => {
                let t = self.things[who][rng.gen_range(0..self.things[who].len())];
                self.call(who, "set_value", vec![self.owned(t), pure(rng.gen())])
            }
            // Give an owned object away.
            50..=57 if !self.things[who].is_empty() => {
                let t = self.things[who][rng.gen_range(0..self.things[who].len())];
                let to = self.keys[rng.gen_range(0..ACCOUNTS)].address();
                self.call(
                    who,
                    "transfer_thing",
                    vec![self.owned(t), CallArg::Pure(bcs::to_bytes(&to).unwrap())],
                )
            }
            // Dynamic fields and events.
            58..=65 if !self.things[who].is_empty() => {
                let t = self.things[who][rng.gen_range(0..self.things[who].len())];
                if rng.gen_bool(0.5) {
                    self.call(who, "bump_and_emit", vec![self.owned(t)])
                } else {
                    self.call(
                        who,
                        "add_field",
                        vec![self.owned(t), pure(rng.gen_range(0..4)), pure(1)],
                    )
                }
            }
            // Pay another account out of the gas coin.
            66..=75 => {
                let mut b = PtbBuilder::new();
                let amt = b.pure(&rng.gen_range(1..1000u64));
                let c = b.split_coins(Argument::GasCoin, vec![amt]);
                let to = b.pure(&self.keys[rng.gen_range(0..ACCOUNTS)].address());
                b.transfer_objects(vec![c], to);
                self.sign(who, b.finish(), BUDGET)
            }
            // A replay of an earlier transaction.
            76..=83 if !self.log.is_empty() => {
                let i = rng.gen_range(0..self.log.len());
                self.log[i].0.clone()
            }
            // A stale input: the gas coin at an old version.
            84..=89 => {
                let mut tx = self.call(who, "create", vec![pure(7)]);
                let (id, version, digest) = tx.data.gas_data.payment[0].clone().into_parts();
                tx.data.gas_data.payment[0] = ObjectReference::new(id, version - 1, digest);
                tx.signatures = vec![self.keys[who].sign_transaction(&tx.data)];
                tx
            }
            // A second publish, later called in the same workload.
            90 if self.shared.len() < 6 => {
                self.pkg = self.publish(who);
                return;
            }
            _ => self.call(who, "create", vec![pure(rng.gen_range(0..5))]),
        };
        let _ = self.submit(tx);
    }
}

fn workload(seed: u64, steps: usize) -> Gen {
    let mut g = Gen::new();
    g.setup();
    let mut rng = StdRng::seed_from_u64(seed);
    for _ in 0..steps {
        g.step(&mut rng);
    }
    g
}

/// Every object any transaction touched, with the gas coins.
fn touched(g: &Gen) -> BTreeSet<ObjectID> {
    let mut ids: BTreeSet<ObjectID> = g.refs.keys().copied().collect();
    for (_, o) in &g.log {
        if let Outcome::Executed(e) = o {
            let fx = &e.0;
            ids.extend(fx.deleted.iter().map(|r| *r.object_id()));
            ids.extend(fx.wrapped.iter().map(|r| *r.object_id()));
            ids.extend(fx.unwrapped_then_deleted.iter().map(|r| *r.object_id()));
        }
    }
    ids.insert(ObjectID::CLOCK);
    ids
}

fn assert_same_chain(g: &Gen, other: &LocalChain, what: &str) {
    for (tx, _) in &g.log {
        let d = tx.data.digest();
        assert_eq!(
            g.chain.transaction(&d).unwrap(),
            other.transaction(&d).unwrap(),
            "{what}: record of {d}"
        );
    }
    for id in touched(g) {
        assert_eq!(
            g.chain.object_history(&id).unwrap(),
            other.object_history(&id).unwrap(),
            "{what}: history of {id}"
        );
    }
    assert_eq!(
        g.chain.store().meta().unwrap(),
        other.store().meta().unwrap(),
        "{what}: chain metadata"
    );
}

/// Feeds the log to `chain` in groups of random sizes; checks every result.
fn replay_in_groups(g: &Gen, chain: &LocalChain, seed: u64, what: &str) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut i = 0;
    let mut groups = 0;
    while i < g.log.len() {
        let n = rng.gen_range(1..=48).min(g.log.len() - i);
        let txs: Vec<SignedTransaction> = g.log[i..i + n].iter().map(|(t, _)| t.clone()).collect();
        let results = chain.execute_batch(txs);
        assert_eq!(results.len(), n);
        for (k, r) in results.iter().enumerate() {
            assert_eq!(
                outcome(r),
                g.log[i + k].1,
                "{what}: transaction {} (group {groups} of size {n})",
                i + k
            );
        }
        i += n;
        groups += 1;
    }
}

#[test]
fn groups_in_memory_and_on_redb_equal_one_by_one_execution() {
    let g = workload(7, 400);
    let executed = g
        .log
        .iter()
        .filter(|(_, o)| matches!(o, Outcome::Executed(_)))
        .count();
    let refused = g.log.len() - executed;
    assert!(
        executed > 300 && refused > 20,
        "the workload has both ({executed}, {refused})"
    );

    let mem = LocalChain::new(genesis()).unwrap();
    replay_in_groups(&g, &mem, 1, "memory");
    assert_same_chain(&g, &mem, "memory");

    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(RedbStore::open_in(dir.path()).unwrap());
    let redb = LocalChain::open(store, genesis()).unwrap();
    replay_in_groups(&g, &redb, 2, "redb");
    assert_same_chain(&g, &redb, "redb");
}

#[test]
fn one_group_of_the_whole_workload_equals_one_by_one_execution() {
    let g = workload(11, 250);
    let chain = LocalChain::new(genesis()).unwrap();
    let results = chain.execute_batch(g.log.iter().map(|(t, _)| t.clone()).collect());
    for (i, r) in results.iter().enumerate() {
        assert_eq!(outcome(r), g.log[i].1, "transaction {i}");
    }
    assert_same_chain(&g, &chain, "one group");
}

#[test]
fn a_bad_signature_in_a_group_refuses_only_that_transaction() {
    let g = workload(3, 20);
    let chain = LocalChain::new(genesis()).unwrap();
    let mut txs: Vec<SignedTransaction> = g.log.iter().map(|(t, _)| t.clone()).collect();
    let bad = txs.len() - 1;
    let mut forged = txs[bad].clone();
    forged.signatures = vec![g.keys[(ACCOUNTS + 1) % ACCOUNTS].sign_transaction(&forged.data)];
    txs[bad] = forged;
    let results = chain.execute_batch(txs);
    for (i, r) in results.iter().enumerate().take(bad) {
        assert_eq!(outcome(r), g.log[i].1, "transaction {i}");
    }
    let err = results[bad].as_ref().unwrap_err().to_string();
    assert!(err.contains("sign"), "{err}");
}

#[test]
fn concurrent_callers_are_grouped_and_each_gets_its_own_result() {
    // Each thread pays from its own account: independent chains of owned-object writes that
    // the chain may group however the threads happen to meet.
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(RedbStore::open_in(dir.path()).unwrap());
    let chain = Arc::new(LocalChain::open(store, genesis()).unwrap());
    let keys = dev_keys(ACCOUNTS);
    let per_thread = 25;
    let handles: Vec<_> = keys
        .into_iter()
        .map(|key| {
            let chain = chain.clone();
            std::thread::spawn(move || {
                let mut gas = chain.gas_coins(&key.address()).unwrap()[0].object_ref();
                let mut digests = vec![];
                for i in 0..per_thread {
                    let tx = self_payment(&chain, &key, gas, i as u64 + 1);
                    let r = chain.execute(tx).unwrap();
                    assert_ok(&r);
                    gas = r.effects.gas_object.0;
                    digests.push(r.digest);
                }
                (key.address(), digests)
            })
        })
        .collect();
    let mut all = BTreeSet::new();
    for h in handles {
        let (addr, digests) = h.join().unwrap();
        for d in &digests {
            let rec = chain
                .transaction(d)
                .unwrap()
                .expect("acknowledged is stored");
            assert_eq!(rec.transaction.unwrap().data.sender, addr);
            assert!(all.insert(rec.sequence), "sequence numbers are unique");
        }
    }
    assert_eq!(all.len(), ACCOUNTS * per_thread);
    assert_eq!(
        all.iter().copied().collect::<Vec<_>>(),
        (0..(ACCOUNTS * per_thread) as u64).collect::<Vec<_>>(),
        "sequence numbers have no gaps"
    );
    assert_eq!(
        chain.store().meta().unwrap().unwrap().tx_count,
        (ACCOUNTS * per_thread) as u64
    );
}

/// A split of `amount` off the gas coin, sent back to the sender.
fn self_payment(
    chain: &LocalChain,
    key: &KeyPair,
    gas: ObjectReference,
    amount: u64,
) -> SignedTransaction {
    let mut b = PtbBuilder::new();
    let amt = b.pure(&amount);
    let c = b.split_coins(Argument::GasCoin, vec![amt]);
    let me = b.pure(&key.address());
    b.transfer_objects(vec![c], me);
    let data = TransactionData {
        kind: TransactionKind::ProgrammableTransaction(b.finish()),
        sender: key.address(),
        gas_data: GasData {
            payment: vec![gas],
            owner: key.address(),
            price: chain.reference_gas_price(),
            budget: BUDGET,
        },
        expiration: TransactionExpiration::None,
    };
    SignedTransaction {
        signatures: vec![key.sign_transaction(&data)],
        data,
    }
}
