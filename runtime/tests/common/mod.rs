//! Shared set-up for the runtime's integration tests: a chain with funded development
//! accounts, the test packages under `tests/packages`, publishing through a PTB, calling a
//! function, finding what a transaction created, and snapshots of the store to show that a
//! failed or refused transaction changed nothing it should not have.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use movid_runtime::build::{build_package, BuildOptions, CompiledPackage};
use movid_runtime::chain::{ExecutionResult, LocalChain};
use movid_runtime::crypto::KeyPair;
use movid_runtime::execution::coin_value;
use movid_runtime::genesis::{dev_keys, GenesisConfig};
use movid_runtime::types::*;
use movid_runtime::RuntimeResult;

/// Budget for ordinary calls, in MIST (100,000 gas units at the reference price).
pub const BUDGET: u64 = 100_000_000;
/// Budget for publishing a package.
pub const PUBLISH_BUDGET: u64 = 5_000_000_000;

/// The directory of a test package under `tests/packages`.
pub fn package_dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/packages")
        .join(name)
}

/// Builds a test package (each package once per test binary).
pub fn build(name: &str) -> CompiledPackage {
    static CACHE: OnceLock<parking_lot::Mutex<BTreeMap<String, CompiledPackage>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(p) = cache.lock().get(name) {
        return p.clone();
    }
    let p = build_package(&package_dir(name), &BuildOptions::default())
        .unwrap_or_else(|e| panic!("test package {name} builds: {e}"));
    cache.lock().insert(name.to_string(), p.clone());
    p
}

/// The package ID published by a successful publish transaction.
pub fn published_package(r: &ExecutionResult) -> ObjectID {
    assert_ok(r);
    *r.effects
        .created
        .iter()
        .find(|(_, o)| *o == Owner::Immutable)
        .expect("a publish creates an immutable package")
        .0
        .object_id()
}

/// Publishes `package` as `key`, sending the `UpgradeCap` back to `key`.
pub fn try_publish(
    chain: &LocalChain,
    key: &KeyPair,
    modules: Vec<Vec<u8>>,
    dependencies: Vec<ObjectID>,
) -> ExecutionResult {
    let mut b = PtbBuilder::new();
    let cap = b.publish(modules, dependencies);
    let me = b.pure(&key.address());
    b.transfer_objects(vec![cap], me);
    chain
        .sign_and_execute(key, b.finish(), PUBLISH_BUDGET)
        .expect("publish transaction is accepted")
}

/// Builds and publishes the test package `name`, asserting success.
pub fn publish(chain: &LocalChain, key: &KeyPair, name: &str) -> ObjectID {
    let pkg = build(name);
    let r = try_publish(chain, key, pkg.module_bytes(), pkg.dependencies.clone());
    published_package(&r)
}

/// Panics with the failure unless the transaction succeeded.
pub fn assert_ok(r: &ExecutionResult) {
    assert!(r.effects.status.is_ok(), "{:?}", r.effects.status);
}

/// The failure of a failed transaction and the index of the failing command.
pub fn failure(r: &ExecutionResult) -> (&ExecutionFailure, Option<usize>) {
    match &r.effects.status {
        ExecutionStatus::Failure { error, command } => (error, *command),
        ExecutionStatus::Success => panic!("expected the transaction to fail"),
    }
}

/// The Move abort of a failed transaction.
pub fn abort_of(r: &ExecutionResult) -> &MoveAbort {
    match failure(r).0 {
        ExecutionFailure::MoveAbort(a) => a,
        other => panic!("expected a Move abort, got {other:?}"),
    }
}

/// A Move call argument, resolved against the chain when the call is built.
#[derive(Clone, Debug)]
pub enum Arg {
    /// An object at its current version: owned or immutable by reference, shared mutably.
    Obj(ObjectID),
    /// A shared object, read-only.
    ReadOnly(ObjectID),
    /// A `Receiving<T>` ticket for an object sent to another object.
    Receive(ObjectID),
    /// BCS bytes.
    Pure(Vec<u8>),
}

/// A pure argument.
pub fn pure<T: serde::Serialize>(v: &T) -> Arg {
    Arg::Pure(bcs::to_bytes(v).expect("serializes"))
}

/// How `id` must be named as an input, read from the chain.
pub fn object_arg(chain: &LocalChain, id: ObjectID, mutable: bool) -> ObjectArg {
    let o = chain
        .get_object(&id)
        .unwrap()
        .unwrap_or_else(|| panic!("object {id} exists"));
    match o.owner {
        Owner::Shared {
            initial_shared_version,
        } => ObjectArg::Shared {
            id,
            initial_shared_version,
            mutable,
        },
        _ => ObjectArg::ImmOrOwned(o.object_ref()),
    }
}

impl Arg {
    /// Adds the argument to a builder.
    pub fn add(&self, chain: &LocalChain, b: &mut PtbBuilder) -> Argument {
        match self {
            Arg::Obj(id) => b.object(object_arg(chain, *id, true)),
            Arg::ReadOnly(id) => b.object(object_arg(chain, *id, false)),
            Arg::Receive(id) => b.object(ObjectArg::Receiving(
                chain.get_object(id).unwrap().unwrap().object_ref(),
            )),
            Arg::Pure(bytes) => b.pure_bytes(bytes.clone()),
        }
    }
}

/// A chain with four funded development accounts and, optionally, the `objects` test package.
pub struct World {
    /// The chain.
    pub chain: LocalChain,
    /// The development keys; `keys[0]` published the package.
    pub keys: Vec<KeyPair>,
    /// The `objects` package (zero when not published).
    pub pkg: ObjectID,
}

impl World {
    /// A fresh chain with nothing published.
    pub fn bare() -> World {
        World {
            chain: LocalChain::new(GenesisConfig::default()).unwrap(),
            keys: dev_keys(4),
            pkg: ObjectID::ZERO,
        }
    }

    /// A fresh chain with the `objects` package published by Alice.
    pub fn new() -> World {
        let mut w = World::bare();
        w.pkg = publish(&w.chain, &w.keys[0], "objects");
        w
    }

    /// Alice, the first development account.
    pub fn alice(&self) -> &KeyPair {
        &self.keys[0]
    }

    /// Bob, the second development account.
    pub fn bob(&self) -> &KeyPair {
        &self.keys[1]
    }

    /// Calls `objects::objects::function` as `key`, paying with the budget [`BUDGET`].
    pub fn call(&self, key: &KeyPair, function: &str, args: &[Arg]) -> ExecutionResult {
        self.try_call(key, function, args)
            .expect("transaction is accepted")
    }

    /// As [`call`](Self::call), returning a refusal instead of panicking on it.
    pub fn try_call(
        &self,
        key: &KeyPair,
        function: &str,
        args: &[Arg],
    ) -> RuntimeResult<ExecutionResult> {
        let mut b = PtbBuilder::new();
        let args = args.iter().map(|a| a.add(&self.chain, &mut b)).collect();
        b.move_call(self.pkg, "objects", function, vec![], args);
        self.chain.sign_and_execute(key, b.finish(), BUDGET)
    }

    /// Calls `function`, asserting success.
    pub fn call_ok(&self, key: &KeyPair, function: &str, args: &[Arg]) -> ExecutionResult {
        let r = self.call(key, function, args);
        assert_ok(&r);
        r
    }

    /// Runs a PTB as `key` with the budget [`BUDGET`].
    pub fn run(&self, key: &KeyPair, build: impl FnOnce(&mut PtbBuilder)) -> ExecutionResult {
        let mut b = PtbBuilder::new();
        build(&mut b);
        self.chain
            .sign_and_execute(key, b.finish(), BUDGET)
            .expect("transaction is accepted")
    }

    /// Creates a `Thing` of `value` owned by `key`; returns its ID.
    pub fn thing(&self, key: &KeyPair, value: u64) -> ObjectID {
        let r = self.call_ok(key, "create", &[pure(&value)]);
        self.created(&r, "Thing")[0]
    }

    /// Objects of `objects::objects::<name>` the transaction created.
    pub fn created(&self, r: &ExecutionResult, name: &str) -> Vec<ObjectID> {
        created_of_type(&self.chain, r, "objects", name)
    }

    /// The type `objects::objects::<name>`.
    pub fn type_(&self, name: &str) -> StructTag {
        StructTag {
            address: movid_runtime::seam::to_vm_address(self.pkg),
            module: "objects".parse().unwrap(),
            name: name.parse().unwrap(),
            type_params: vec![],
        }
    }

    /// The live object.
    pub fn object(&self, id: ObjectID) -> Object {
        self.chain
            .get_object(&id)
            .unwrap()
            .unwrap_or_else(|| panic!("object {id} exists"))
    }

    /// Whether the object exists on its own (not deleted or wrapped).
    pub fn exists(&self, id: ObjectID) -> bool {
        self.chain.get_object(&id).unwrap().is_some()
    }

    /// The `value` field of a `Thing` (the u64 after its ID).
    pub fn value(&self, id: ObjectID) -> u64 {
        coin_value(&self.object(id).as_move().unwrap().contents).unwrap()
    }

    /// The owner of a live object.
    pub fn owner(&self, id: ObjectID) -> Owner {
        self.object(id).owner
    }

    /// A snapshot of every object the development accounts own, plus `extra`.
    pub fn snapshot(&self, extra: &[ObjectID]) -> Snapshot {
        let addresses: Vec<Address> = self.keys.iter().map(KeyPair::address).collect();
        Snapshot::take(&self.chain, &addresses, extra)
    }
}

/// IDs of objects of type `<module>::<name>` created by a transaction.
pub fn created_of_type(
    chain: &LocalChain,
    r: &ExecutionResult,
    module: &str,
    name: &str,
) -> Vec<ObjectID> {
    r.effects
        .created
        .iter()
        .filter(|(oref, _)| {
            chain
                .get_object(oref.object_id())
                .unwrap()
                .and_then(|o| o.type_().cloned())
                .is_some_and(|t| t.module.as_str() == module && t.name.as_str() == name)
        })
        .map(|(oref, _)| *oref.object_id())
        .collect()
}

/// The balance of a coin object.
pub fn balance(chain: &LocalChain, id: ObjectID) -> u64 {
    coin_value(
        &chain
            .get_object(&id)
            .unwrap()
            .expect("coin exists")
            .as_move()
            .unwrap()
            .contents,
    )
    .unwrap()
}

/// A set of objects at one moment, with the chain's transaction count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    /// Object ID to the object (`None` when it does not exist on its own).
    pub objects: BTreeMap<ObjectID, Option<Object>>,
    /// Transactions executed so far.
    pub tx_count: u64,
}

impl Snapshot {
    /// Every object owned by `addresses`, plus `extra` objects.
    pub fn take(chain: &LocalChain, addresses: &[Address], extra: &[ObjectID]) -> Snapshot {
        let mut objects = BTreeMap::new();
        for a in addresses {
            for o in chain.owned_objects(a).unwrap() {
                objects.insert(o.id(), Some(o));
            }
        }
        for id in extra {
            let o = chain.get_object(id).unwrap();
            objects.insert(*id, o);
        }
        let tx_count = chain
            .store()
            .meta()
            .unwrap()
            .map(|m| m.tx_count)
            .unwrap_or(0);
        Snapshot { objects, tx_count }
    }

    /// The same snapshot without one object (the gas coin of a failed transaction).
    pub fn without(mut self, id: ObjectID) -> Snapshot {
        self.objects.remove(&id);
        self
    }
}

/// Asserts that a failed transaction changed nothing but its gas coin: every object in
/// `before` is as it was, except the gas coin, whose balance fell by exactly the net gas.
pub fn assert_only_gas_changed(
    w: &World,
    before: &Snapshot,
    r: &ExecutionResult,
    extra: &[ObjectID],
) {
    assert!(!r.effects.status.is_ok(), "expected a failure");
    let gas = *r.effects.gas_object.0.object_id();
    let after = w.snapshot(extra);
    assert_eq!(after.tx_count, before.tx_count + 1);
    assert_eq!(
        after.objects.keys().collect::<Vec<_>>(),
        before.objects.keys().collect::<Vec<_>>(),
        "the set of objects changed"
    );
    for (id, b) in &before.objects {
        if *id == gas {
            continue;
        }
        assert_eq!(after.objects.get(id), Some(b), "object {id} changed");
    }
    let coin =
        |o: &Option<Object>| coin_value(&o.as_ref().unwrap().as_move().unwrap().contents).unwrap();
    let paid = coin(&before.objects[&gas]) as i64 - coin(&after.objects[&gas]) as i64;
    assert_eq!(
        paid,
        r.effects.gas_used.net_gas_usage(),
        "the gas coin paid the net gas"
    );
    assert!(r.effects.created.is_empty() && r.effects.wrapped.is_empty());
    assert!(r.effects.unwrapped.is_empty() && r.effects.unwrapped_then_deleted.is_empty());
    assert_eq!(
        r.effects
            .mutated
            .iter()
            .map(|(o, _)| *o.object_id())
            .collect::<Vec<_>>(),
        vec![gas]
    );
    assert!(r.events.is_empty() && r.effects.events_digest.is_none());
}

/// Asserts that a refused transaction changed nothing at all, not even gas.
pub fn assert_unchanged(w: &World, before: &Snapshot, extra: &[ObjectID]) {
    assert_eq!(&w.snapshot(extra), before);
}
