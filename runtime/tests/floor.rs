//! The floor: a traced execution captures a transaction's Move calls and the objects they read,
//! and `FloorRunner` replays them on a bare VM.

use move_core_types::identifier::Identifier;
use movid_runtime::chain::LocalChain;
use movid_runtime::crypto::KeyPair;
use movid_runtime::execution::{check_transaction, BlockEnv, Executor};
use movid_runtime::floor::{FloorError, FloorRunner, TransactionTrace};
use movid_runtime::genesis::{dev_keys, GenesisConfig};
use movid_runtime::types::*;

const BUDGET: u64 = 1_000_000_000;

fn doc() -> Vec<u8> {
    let mut b = b"DID".to_vec();
    b.extend([1, 0]);
    b.extend(br#"{"@context":["https://www.w3.org/ns/did/v1"],"id":"did:0:0"}"#);
    b
}

fn clock() -> ObjectArg {
    ObjectArg::Shared {
        id: ObjectID::CLOCK,
        initial_shared_version: 1,
        mutable: false,
    }
}

fn signed(chain: &LocalChain, key: &KeyPair, ptb: ProgrammableTransaction) -> SignedTransaction {
    let gas = chain.gas_coins(&key.address()).unwrap()[0].object_ref();
    let data = TransactionData {
        kind: TransactionKind::ProgrammableTransaction(ptb),
        sender: key.address(),
        gas_data: GasData {
            payment: vec![gas],
            owner: key.address(),
            price: 1_000,
            budget: BUDGET,
        },
        expiration: TransactionExpiration::None,
    };
    SignedTransaction {
        signatures: vec![key.sign_transaction(&data)],
        data,
    }
}

fn cap_of(chain: &LocalChain, key: &KeyPair) -> ObjectReference {
    chain
        .owned_objects(&key.address())
        .unwrap()
        .into_iter()
        .find(|o| {
            o.type_()
                .is_some_and(|t| t.name.as_str() == "ControllerCap")
        })
        .expect("a controller cap")
        .object_ref()
}

fn auth(b: &mut PtbBuilder, cap: ObjectReference) -> Argument {
    let cap = b.object(ObjectArg::ImmOrOwned(cap));
    b.move_call(
        ObjectID::IDENTITY,
        "controller",
        "auth_with_cap",
        vec![],
        vec![cap],
    )
}

/// An identity with two controllers (threshold 2) and an open document-update proposal by the
/// first; returns the chain, the keys, and the transaction by which the second approves and
/// executes it, not yet submitted.
fn world() -> (LocalChain, Vec<KeyPair>, SignedTransaction) {
    let keys = dev_keys(2);
    let chain = LocalChain::new(GenesisConfig::with_dev_accounts(2)).unwrap();
    let mut b = PtbBuilder::new();
    let d = b.pure(&Some(doc()));
    let addrs = b.pure(&keys.iter().map(KeyPair::address).collect::<Vec<_>>());
    let vps = b.pure(&vec![1u64, 1]);
    let del = b.pure(&vec![false, false]);
    let t = b.pure(&2u64);
    let c = b.object(clock());
    b.move_call(
        ObjectID::IDENTITY,
        "identity",
        "new_with_controllers",
        vec![],
        vec![d, addrs, vps, del, t, c],
    );
    let r = chain.execute(signed(&chain, &keys[0], b.finish())).unwrap();
    assert!(r.effects.status.is_ok());
    let (identity, isv) = r
        .effects
        .created
        .iter()
        .find_map(|(o, owner)| match owner {
            Owner::Shared {
                initial_shared_version,
            } => Some((o.object_id(), *initial_shared_version)),
            _ => None,
        })
        .unwrap();
    let ident = ObjectArg::Shared {
        id: *identity,
        initial_shared_version: isv,
        mutable: true,
    };

    let mut b = PtbBuilder::new();
    let a = auth(&mut b, cap_of(&chain, &keys[0]));
    let i = b.object(ident.clone());
    let exp = b.pure(&Option::<u64>::None);
    let d = b.pure(&doc());
    let c = b.object(clock());
    b.move_call(
        ObjectID::IDENTITY,
        "did_proposal",
        "propose_update",
        vec![],
        vec![i, a, exp, d, c],
    );
    let r = chain.execute(signed(&chain, &keys[0], b.finish())).unwrap();
    assert!(r.effects.status.is_ok());
    let proposal = r
        .effects
        .created
        .iter()
        .map(|(o, _)| chain.get_object(o.object_id()).unwrap().unwrap())
        .find(|o| o.type_().is_some_and(|t| t.name.as_str() == "Proposal"))
        .unwrap()
        .id();

    let update_did = TypeTag::Struct(StructTag {
        address: movid_runtime::seam::to_vm_address(ObjectID::IDENTITY),
        module: Identifier::new("did_proposal").unwrap(),
        name: Identifier::new("UpdateDid").unwrap(),
        type_params: vec![],
    });
    let mut b = PtbBuilder::new();
    let a = auth(&mut b, cap_of(&chain, &keys[1]));
    let i = b.object(ident);
    let p = b.pure(&proposal);
    b.move_call(
        ObjectID::IDENTITY,
        "identity",
        "approve_proposal",
        vec![update_did],
        vec![i, a, p],
    );
    let c = b.object(clock());
    b.move_call(
        ObjectID::IDENTITY,
        "did_proposal",
        "execute_update",
        vec![],
        vec![i, a, p, c],
    );
    let tx = signed(&chain, &keys[1], b.finish());
    (chain, keys, tx)
}

fn trace(chain: &LocalChain, tx: &SignedTransaction) -> TransactionTrace {
    let store = &**chain.store();
    let meta = store.meta().unwrap().unwrap();
    let checked = check_transaction(store, &tx.data, meta.epoch).unwrap();
    let env = BlockEnv {
        epoch: meta.epoch,
        epoch_start_ms: meta.epoch_start_ms,
    };
    let (out, trace) = Executor::new().execute_traced(store, &checked, env);
    assert!(out.effects.status.is_ok(), "{:?}", out.effects.status);
    trace
}

#[test]
fn traced_execution_has_the_same_output_as_execution() {
    let (chain, _, tx) = world();
    let store = &**chain.store();
    let checked = check_transaction(store, &tx.data, 0).unwrap();
    let env = BlockEnv {
        epoch: 0,
        epoch_start_ms: 0,
    };
    let executor = Executor::new();
    let plain = executor.execute(store, &checked, env);
    let (traced, _) = executor.execute_traced(store, &checked, env);
    assert_eq!(plain.effects, traced.effects);
    assert_eq!(plain.events, traced.events);
    assert_eq!(plain.writes.written, traced.writes.written);
}

#[test]
fn trace_holds_each_call_and_the_proposal_it_read() {
    let (chain, _, tx) = world();
    let t = trace(&chain, &tx);
    let functions: Vec<&str> = t.calls.iter().map(|c| c.function.as_str()).collect();
    assert_eq!(
        functions,
        ["auth_with_cap", "approve_proposal", "execute_update"]
    );
    // approve_proposal(&mut Identity, &Auth, ID, &TxContext): the context comes last.
    assert_eq!(t.calls[1].arguments.len(), 4);
    let read: Vec<&Object> = t.objects.values().flatten().collect();
    assert!(read
        .iter()
        .any(|o| o.type_().is_some_and(|t| t.name.as_str() == "Proposal")));
}

#[test]
fn replaying_a_captured_approval_succeeds() {
    let (chain, _, tx) = world();
    let t = trace(&chain, &tx);
    let floor = FloorRunner::from_store(&**chain.store(), &FloorRunner::GENESIS_PACKAGES).unwrap();
    floor.run(&tx, &t).unwrap();
    // A replay changes nothing, so it can run again.
    floor.run(&tx, &t).unwrap();
    // And the chain still accepts the transaction the trace came from.
    let r = chain.execute(tx).unwrap();
    assert!(r.effects.status.is_ok());
}

#[test]
fn a_corrupted_argument_fails_the_replay() {
    let (chain, _, tx) = world();
    let mut t = trace(&chain, &tx);
    let floor = FloorRunner::from_store(&**chain.store(), &FloorRunner::GENESIS_PACKAGES).unwrap();
    // approve_proposal's proposal ID names no proposal.
    t.calls[1].arguments[2] = random_address().into_inner().to_vec();
    let err = floor.run(&tx, &t).unwrap_err();
    assert!(
        matches!(err, FloorError::Call { index: 1, .. }),
        "unexpected {err}"
    );
    // Bytes that are no ID at all do not deserialize.
    t.calls[1].arguments[2] = vec![1, 2, 3];
    assert!(matches!(
        floor.replay(&t),
        Err(FloorError::Call { index: 1, .. })
    ));
}

#[test]
fn a_signature_over_other_data_fails_the_floor() {
    let (chain, keys, tx) = world();
    let t = trace(&chain, &tx);
    let floor = FloorRunner::from_store(&**chain.store(), &FloorRunner::GENESIS_PACKAGES).unwrap();
    let mut forged = tx.clone();
    forged.signatures = vec![keys[1].sign(b"something else")];
    assert!(matches!(
        floor.run(&forged, &t),
        Err(FloorError::Signature(_))
    ));
}
