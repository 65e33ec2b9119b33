//! Execution of random programmable transactions over a seeded dev chain.
//!
//! One `LocalChain::new_dev()` per process. Each input is decoded with `arbitrary` into a
//! small PTB: inputs that name the sender's real objects (current or stale refs), the shared
//! Clock, shared objects earlier runs created, random IDs, packages, or pure bytes; commands
//! among MoveCall to real framework/identity functions (or made-up ones), TransferObjects,
//! SplitCoins, MergeCoins, MakeMoveVec and Publish of random bytes, with random arguments.
//! It is signed with a dev key and executed. Invariant: no panic (any Err or failed status is
//! fine), and the chain keeps executing ordinary transactions afterwards.
#![no_main]

use std::str::FromStr;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use movid_runtime::chain::LocalChain;
use movid_runtime::crypto::KeyPair;
use movid_runtime::genesis::{dev_keys, MIST_PER_SUI};
use movid_runtime::types::*;
use once_cell::sync::Lazy;
use std::sync::Mutex;

struct World {
    chain: LocalChain,
    keys: Vec<KeyPair>,
    /// Shared objects seen in effects: (id, initial shared version).
    shared: Mutex<Vec<(ObjectID, u64)>>,
}

static WORLD: Lazy<World> = Lazy::new(|| World {
    chain: LocalChain::new_dev().expect("dev chain"),
    keys: dev_keys(4),
    shared: Mutex::new(vec![(ObjectID::CLOCK, 1)]),
});

const MAX_INPUTS: usize = 8;
const MAX_COMMANDS: usize = 8;
const MAX_ARGS: usize = 6;

/// (package, module, function)
const FUNCTIONS: &[(ObjectID, &str, &str)] = &[
    (ObjectID::FRAMEWORK, "coin", "split"),
    (ObjectID::FRAMEWORK, "coin", "join"),
    (ObjectID::FRAMEWORK, "coin", "value"),
    (ObjectID::FRAMEWORK, "coin", "zero"),
    (ObjectID::FRAMEWORK, "coin", "destroy_zero"),
    (ObjectID::FRAMEWORK, "coin", "divide_into_n"),
    (ObjectID::FRAMEWORK, "coin", "into_balance"),
    (ObjectID::FRAMEWORK, "coin", "from_balance"),
    (ObjectID::FRAMEWORK, "balance", "zero"),
    (ObjectID::FRAMEWORK, "balance", "value"),
    (ObjectID::FRAMEWORK, "transfer", "public_transfer"),
    (ObjectID::FRAMEWORK, "transfer", "transfer"),
    (ObjectID::FRAMEWORK, "transfer", "public_share_object"),
    (ObjectID::FRAMEWORK, "transfer", "public_freeze_object"),
    (ObjectID::FRAMEWORK, "transfer", "public_receive"),
    (ObjectID::FRAMEWORK, "clock", "timestamp_ms"),
    (ObjectID::FRAMEWORK, "clock", "increment_for_testing"),
    (ObjectID::FRAMEWORK, "object", "id"),
    (ObjectID::FRAMEWORK, "object", "new"),
    (ObjectID::FRAMEWORK, "object", "delete"),
    (ObjectID::FRAMEWORK, "tx_context", "sender"),
    (ObjectID::FRAMEWORK, "hash", "blake2b256"),
    (ObjectID::FRAMEWORK, "vec_map", "empty"),
    (ObjectID::FRAMEWORK, "bag", "new"),
    (ObjectID::FRAMEWORK, "table", "new"),
    (ObjectID::FRAMEWORK, "dynamic_field", "add"),
    (ObjectID::FRAMEWORK, "package", "claim"),
    (ObjectID::STD, "vector", "empty"),
    (ObjectID::STD, "option", "some"),
    (ObjectID::STD, "option", "none"),
    (ObjectID::IDENTITY, "identity", "new"),
    (ObjectID::IDENTITY, "identity", "create"),
    (ObjectID::IDENTITY, "identity", "new_with_controllers"),
    (ObjectID::IDENTITY, "identity", "did_document"),
    (ObjectID::IDENTITY, "identity", "id"),
    (ObjectID::IDENTITY, "identity", "delegate"),
    (ObjectID::IDENTITY, "identity", "approve_proposal"),
    (ObjectID::IDENTITY, "identity", "destroy_controller_cap"),
    (ObjectID::IDENTITY, "identity", "init"),
    (ObjectID::IDENTITY, "nope", "nope"),
];

const TYPES: &[&str] = &[
    "0x2::sui::SUI",
    "u64",
    "u8",
    "bool",
    "address",
    "vector<u8>",
    "0x2::coin::Coin<0x2::sui::SUI>",
    "0x2::balance::Balance<0x2::sui::SUI>",
    "0x2::object::ID",
    "0x2::clock::Clock",
    "0x3::identity::Identity",
    "0x9::nope::Nope",
    "vector<0x2::coin::Coin<0x2::sui::SUI>>",
];

#[derive(Arbitrary, Debug)]
enum FArg {
    Gas,
    Input(u8),
    Result(u8),
    Nested(u8, u8),
}

#[derive(Arbitrary, Debug)]
enum FInput {
    U64(u64),
    SmallU64(u8),
    Bool(bool),
    Address(u8),
    IdOf(u8),
    Bytes(Vec<u8>),
    /// Option<vector<u8>> / vector<vector<u8>> and other nested pure values.
    OptBytes(Option<Vec<u8>>),
    /// One of the sender's objects at its current ref.
    Owned(u8),
    /// One of the sender's objects with a tampered version or digest.
    Stale(u8, u8),
    /// Another account's object (not owned by the sender).
    Foreign(u8, u8),
    Shared(u8, bool),
    SharedWrongVersion(u8, u64, bool),
    Receiving(u8, u8),
    Random([u8; 32], u64),
    Package(u8),
}

#[derive(Arbitrary, Debug)]
enum FCmd {
    Call {
        f: u8,
        types: Vec<u8>,
        args: Vec<FArg>,
    },
    Transfer(Vec<FArg>, FArg),
    Split(FArg, Vec<FArg>),
    Merge(FArg, Vec<FArg>),
    MakeVec(Option<u8>, Vec<FArg>),
    Publish(Vec<Vec<u8>>, Vec<u8>),
}

#[derive(Arbitrary, Debug)]
struct FTx {
    sender: u8,
    budget: u32,
    /// Pay with an extra coin (merged into the gas coin).
    extra_payment: bool,
    inputs: Vec<FInput>,
    commands: Vec<FCmd>,
}

fn arg(a: &FArg) -> Argument {
    match *a {
        FArg::Gas => Argument::GasCoin,
        FArg::Input(i) => Argument::Input((i % 10) as u16),
        FArg::Result(i) => Argument::Result((i % 10) as u16),
        FArg::Nested(i, j) => Argument::NestedResult((i % 10) as u16, (j % 4) as u16),
    }
}

fn args(v: &[FArg]) -> Vec<Argument> {
    v.iter().take(MAX_ARGS).map(arg).collect()
}

fn type_tag(i: u8) -> TypeTag {
    TypeTag::from_str(TYPES[i as usize % TYPES.len()]).expect("type parses")
}

fn pick<T: Clone>(v: &[T], i: u8) -> Option<T> {
    if v.is_empty() {
        None
    } else {
        Some(v[i as usize % v.len()].clone())
    }
}

fn run(tx: FTx) {
    let w = &*WORLD;
    let key = &w.keys[tx.sender as usize % w.keys.len()];
    let sender = key.address();
    let owned = w.chain.owned_objects(&sender).unwrap_or_default();
    let gas_coins = w.chain.gas_coins(&sender).unwrap_or_default();
    let total: u64 = gas_coins
        .iter()
        .map(|c| {
            let b = c.as_move().map(|m| m.contents.clone()).unwrap_or_default();
            b.get(32..40)
                .map(|x| u64::from_le_bytes(x.try_into().unwrap()))
                .unwrap_or(0)
        })
        .sum();
    // Keep the sender funded so that long runs still reach execution.
    if gas_coins.len() < 2 || total < 100 * MIST_PER_SUI {
        let _ = w.chain.faucet(sender, 1_000 * MIST_PER_SUI);
        let _ = w.chain.faucet(sender, 1_000 * MIST_PER_SUI);
    }
    let gas_coins = w.chain.gas_coins(&sender).unwrap_or_default();
    let shared = w.shared.lock().unwrap().clone();

    let mut inputs = vec![];
    for i in tx.inputs.iter().take(MAX_INPUTS) {
        let input = match i {
            FInput::U64(v) => CallArg::Pure(bcs::to_bytes(v).unwrap()),
            FInput::SmallU64(v) => CallArg::Pure(bcs::to_bytes(&(*v as u64)).unwrap()),
            FInput::Bool(b) => CallArg::Pure(bcs::to_bytes(b).unwrap()),
            FInput::Address(a) => {
                let addr = w.keys[*a as usize % w.keys.len()].address();
                CallArg::Pure(bcs::to_bytes(&addr).unwrap())
            }
            FInput::IdOf(i) => match pick(&owned, *i) {
                Some(o) => CallArg::Pure(bcs::to_bytes(&o.id()).unwrap()),
                None => CallArg::Pure(vec![0; 32]),
            },
            FInput::Bytes(b) => CallArg::Pure(b.clone()),
            FInput::OptBytes(b) => CallArg::Pure(bcs::to_bytes(b).unwrap()),
            FInput::Owned(i) => match pick(&owned, *i) {
                Some(o) => CallArg::Object(ObjectArg::ImmOrOwned(o.object_ref())),
                None => CallArg::Pure(vec![]),
            },
            FInput::Stale(i, how) => match pick(&owned, *i) {
                Some(o) => {
                    let (id, version, digest) = o.object_ref().into_parts();
                    let r = match how % 3 {
                        0 => ObjectReference::new(id, version.wrapping_sub(1), digest),
                        1 => {
                            ObjectReference::new(id, version.wrapping_add(1 + *how as u64), digest)
                        }
                        _ => ObjectReference::new(id, version, Digest::ZERO),
                    };
                    CallArg::Object(ObjectArg::ImmOrOwned(r))
                }
                None => CallArg::Pure(vec![]),
            },
            FInput::Foreign(k, i) => {
                let other = w.keys[*k as usize % w.keys.len()].address();
                let objs = w.chain.owned_objects(&other).unwrap_or_default();
                match pick(&objs, *i) {
                    Some(o) => CallArg::Object(ObjectArg::ImmOrOwned(o.object_ref())),
                    None => CallArg::Pure(vec![1]),
                }
            }
            FInput::Shared(i, mutable) => {
                let (id, v) = pick(&shared, *i).unwrap();
                CallArg::Object(ObjectArg::Shared {
                    id,
                    initial_shared_version: v,
                    mutable: *mutable,
                })
            }
            FInput::SharedWrongVersion(i, v, mutable) => {
                let (id, _) = pick(&shared, *i).unwrap();
                CallArg::Object(ObjectArg::Shared {
                    id,
                    initial_shared_version: *v,
                    mutable: *mutable,
                })
            }
            FInput::Receiving(k, i) => {
                let other = w.keys[*k as usize % w.keys.len()].address();
                let objs = w.chain.owned_objects(&other).unwrap_or_default();
                match pick(&objs, *i) {
                    Some(o) => CallArg::Object(ObjectArg::Receiving(o.object_ref())),
                    None => CallArg::Pure(vec![2]),
                }
            }
            FInput::Random(id, v) => CallArg::Object(ObjectArg::ImmOrOwned(ObjectReference::new(
                ObjectID::new(*id),
                *v,
                Digest::ZERO,
            ))),
            FInput::Package(i) => {
                let id = [
                    ObjectID::STD,
                    ObjectID::FRAMEWORK,
                    ObjectID::IDENTITY,
                    ObjectID::ACCESS,
                ][*i as usize % 4];
                match w.chain.get_object(&id) {
                    Ok(Some(o)) => CallArg::Object(ObjectArg::ImmOrOwned(o.object_ref())),
                    _ => CallArg::Pure(vec![3]),
                }
            }
        };
        inputs.push(input);
    }

    let mut commands = vec![];
    for c in tx.commands.iter().take(MAX_COMMANDS) {
        let cmd = match c {
            FCmd::Call { f, types, args: a } => {
                let (package, module, function) = FUNCTIONS[*f as usize % FUNCTIONS.len()];
                Command::MoveCall(Box::new(MoveCall {
                    package,
                    module: module.to_owned(),
                    function: function.to_owned(),
                    type_arguments: types.iter().take(3).map(|t| type_tag(*t)).collect(),
                    arguments: args(a),
                }))
            }
            FCmd::Transfer(objs, to) => Command::TransferObjects(args(objs), arg(to)),
            FCmd::Split(coin, amounts) => Command::SplitCoins(arg(coin), args(amounts)),
            FCmd::Merge(coin, others) => Command::MergeCoins(arg(coin), args(others)),
            FCmd::MakeVec(t, elems) => Command::MakeMoveVec(t.map(type_tag), args(elems)),
            FCmd::Publish(modules, deps) => Command::Publish(
                modules.iter().take(2).cloned().collect(),
                deps.iter()
                    .take(3)
                    .map(|d| {
                        [ObjectID::STD, ObjectID::FRAMEWORK, ObjectID::IDENTITY][*d as usize % 3]
                    })
                    .collect(),
            ),
        };
        commands.push(cmd);
    }

    let used: std::collections::BTreeSet<ObjectID> = inputs
        .iter()
        .filter_map(|i| match i {
            CallArg::Object(ObjectArg::ImmOrOwned(r))
            | CallArg::Object(ObjectArg::Receiving(r)) => Some(*r.object_id()),
            _ => None,
        })
        .collect();
    let mut payment: Vec<ObjectReference> = gas_coins
        .iter()
        .filter(|c| !used.contains(&c.id()))
        .take(if tx.extra_payment { 2 } else { 1 })
        .map(|c| c.object_ref())
        .collect();
    if payment.is_empty() {
        payment = gas_coins.iter().take(1).map(|c| c.object_ref()).collect();
    }
    let data = TransactionData {
        kind: TransactionKind::ProgrammableTransaction(ProgrammableTransaction {
            inputs,
            commands,
        }),
        sender,
        gas_data: GasData {
            payment,
            owner: sender,
            price: w.chain.reference_gas_price(),
            // Up to ~4.3 SUI; 0 and tiny budgets are allowed (they must fail cleanly).
            budget: tx.budget as u64,
        },
        expiration: TransactionExpiration::None,
    };
    let signatures = vec![key.sign_transaction(&data)];
    if let Ok(res) = w.chain.execute(SignedTransaction { data, signatures }) {
        let mut s = w.shared.lock().unwrap();
        for (r, owner) in res.effects.created.iter().chain(&res.effects.unwrapped) {
            if let Owner::Shared {
                initial_shared_version,
            } = owner
            {
                if s.len() < 64 {
                    s.push((*r.object_id(), *initial_shared_version));
                }
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut u = arbitrary::Unstructured::new(data);
    if let Ok(tx) = FTx::arbitrary(&mut u) {
        run(tx);
    }
});
