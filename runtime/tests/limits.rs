//! Every limit in LIMITS.md, each pushed one step past its bound: a transaction over a
//! pre-execution limit is refused and changes nothing; one that crosses an execution limit
//! fails and changes nothing but gas.
//!
//! Tested elsewhere: the transaction size (`transactions.rs`,
//! `a_transaction_larger_than_the_limit_is_refused`), the gas budget range (`transactions.rs`,
//! `a_budget_outside_the_allowed_range_is_refused`) and the JSON-RPC body size
//! (`cli/tests/cli.rs`, `malformed_json_rpc_requests_get_errors`).

mod common;

use common::*;
use movid_runtime::chain::ExecutionResult;
use movid_runtime::crypto::KeyPair;
use movid_runtime::execution::limits::{MAX_COMMANDS, MAX_INPUTS, MAX_OBJECT_SIZE, MAX_PURE_SIZE};
use movid_runtime::types::*;
use movid_runtime::{RuntimeError, TransactionError};

/// Budget for the calls that run close to a limit (10,000,000 gas units at the reference price).
const LARGE_BUDGET: u64 = 10_000_000_000;

/// Most events one transaction may emit (`RuntimeLimits::default().max_events`).
const MAX_EVENTS: u64 = 1024;

/// The Move VM's call stack limit (`CALL_STACK_SIZE_LIMIT` in mv-vm-runtime's interpreter).
const MAX_CALL_DEPTH: u64 = 1024;

/// Runs `ptb` as `key`, which must be refused; asserts that nothing changed and returns why.
fn refused(w: &World, key: &KeyPair, ptb: ProgrammableTransaction) -> TransactionError {
    let before = w.snapshot(&[]);
    let err = match w.chain.sign_and_execute(key, ptb, BUDGET) {
        Err(RuntimeError::Transaction(e)) => e,
        Err(other) => panic!("refused for another reason: {other}"),
        Ok(r) => panic!("executed: {:?}", r.effects.status),
    };
    assert_unchanged(w, &before, &[]);
    err
}

/// Calls `objects::<function>` as Alice with [`LARGE_BUDGET`].
fn call_large(w: &World, function: &str, args: &[Arg]) -> ExecutionResult {
    let mut b = PtbBuilder::new();
    let args = args.iter().map(|a| a.add(&w.chain, &mut b)).collect();
    b.move_call(w.pkg, "objects", function, vec![], args);
    w.chain
        .sign_and_execute(w.alice(), b.finish(), LARGE_BUDGET)
        .expect("transaction is accepted")
}

/// The VM status of a failed transaction's `MoveRuntimeError`.
fn runtime_status(r: &ExecutionResult) -> &str {
    match failure(r).0 {
        ExecutionFailure::MoveRuntimeError { status, .. } => status,
        other => panic!("expected a Move runtime error, got {other:?}"),
    }
}

#[test]
fn a_ptb_with_more_than_max_commands_is_refused() {
    let w = World::new();
    let mut b = PtbBuilder::new();
    let amount = b.pure(&1u64);
    for _ in 0..=MAX_COMMANDS {
        b.split_coins(Argument::GasCoin, vec![amount]);
    }
    let err = refused(&w, w.alice(), b.finish());
    assert!(
        matches!(&err, TransactionError::LimitExceeded(m) if m.contains("commands")),
        "{err}"
    );
}

#[test]
fn a_ptb_with_more_than_max_inputs_is_refused() {
    let w = World::new();
    let mut b = PtbBuilder::new();
    for i in 0..=MAX_INPUTS as u64 {
        b.pure(&i);
    }
    let err = refused(&w, w.alice(), b.finish());
    assert!(
        matches!(&err, TransactionError::LimitExceeded(m) if m.contains("inputs")),
        "{err}"
    );
}

#[test]
fn a_pure_input_larger_than_max_pure_size_is_refused() {
    let w = World::new();
    let mut b = PtbBuilder::new();
    b.pure_bytes(vec![0; MAX_PURE_SIZE + 1]);
    let err = refused(&w, w.alice(), b.finish());
    assert!(
        matches!(&err, TransactionError::LimitExceeded(m) if m.contains("pure input")),
        "{err}"
    );
}

#[test]
fn an_object_growing_past_max_object_size_fails_the_transaction() {
    let w = World::new();
    let r = w.call_ok(w.alice(), "create_blob", &[]);
    let blob = w.created(&r, "Blob")[0];
    let chunk = vec![7u8; 32 * 1024];
    // Seven chunks stay under the limit; nine pass it.
    let r = call_large(
        &w,
        "grow_blob",
        &[Arg::Obj(blob), pure(&chunk), pure(&7u64)],
    );
    assert_ok(&r);
    let size = w.object(blob).as_move().unwrap().contents.len();
    assert!(size < MAX_OBJECT_SIZE && size + 2 * chunk.len() > MAX_OBJECT_SIZE);

    let before = w.snapshot(&[blob]);
    let r = call_large(
        &w,
        "grow_blob",
        &[Arg::Obj(blob), pure(&chunk), pure(&2u64)],
    );
    let (err, _) = failure(&r);
    assert!(
        matches!(err, ExecutionFailure::LimitExceeded(m) if m.contains(&blob.to_string())),
        "{err:?}"
    );
    assert_only_gas_changed(&w, &before, &r, &[blob]);
}

#[test]
fn emitting_more_than_max_events_fails_the_transaction() {
    let w = World::new();
    let r = call_large(&w, "emit_many", &[pure(&MAX_EVENTS)]);
    assert_ok(&r);
    assert_eq!(r.events.len() as u64, MAX_EVENTS);

    let before = w.snapshot(&[]);
    let r = call_large(&w, "emit_many", &[pure(&(MAX_EVENTS + 1))]);
    // The event native stops the VM; the adapter reports the limit by name.
    match &r.effects.status {
        ExecutionStatus::Failure {
            error: ExecutionFailure::LimitExceeded(m),
            ..
        } => {
            assert!(m.contains("events"), "{m}")
        }
        other => panic!("expected LimitExceeded, got {other:?}"),
    }
    assert_only_gas_changed(&w, &before, &r, &[]);
}

#[test]
fn recursion_deeper_than_the_call_stack_limit_fails_the_transaction() {
    let w = World::new();
    // The entry function and its callees together stay under the limit.
    assert_ok(&call_large(&w, "recurse", &[pure(&(MAX_CALL_DEPTH - 10))]));

    let before = w.snapshot(&[]);
    let r = call_large(&w, "recurse", &[pure(&MAX_CALL_DEPTH)]);
    let status = runtime_status(&r);
    assert!(status.starts_with("CALL_STACK_OVERFLOW"), "{status}");
    assert_only_gas_changed(&w, &before, &r, &[]);
}

/// Creates an identity holding `doc`, as Alice.
fn create_identity(w: &World, doc: Vec<u8>) -> ExecutionResult {
    let mut b = PtbBuilder::new();
    let d = b.pure(&Some(doc));
    let clock = b.object(object_arg(&w.chain, ObjectID::CLOCK, false));
    b.move_call(
        ObjectID::IDENTITY,
        "identity",
        "new",
        vec![],
        vec![d, clock],
    );
    w.chain
        .sign_and_execute(w.alice(), b.finish(), LARGE_BUDGET)
        .expect("transaction is accepted")
}

/// A well-formed JSON DID document of exactly `len` bytes, header included.
fn did_document(len: usize) -> Vec<u8> {
    let mut doc = b"DID\x01\x00".to_vec();
    doc.resize(len, b' ');
    doc
}

#[test]
fn a_did_document_larger_than_32_kib_is_refused_by_the_identity_package() {
    let w = World::bare();
    assert_ok(&create_identity(&w, did_document(32 * 1024)));

    let before = w.snapshot(&[]);
    let r = create_identity(&w, did_document(32 * 1024 + 1));
    let abort = abort_of(&r);
    assert_eq!(
        (abort.module.as_str(), abort.constant.as_deref()),
        ("document", Some("EDocumentTooLarge"))
    );
    assert_only_gas_changed(&w, &before, &r, &[]);
}

#[test]
fn an_identity_with_more_than_64_controllers_is_refused_by_the_identity_package() {
    let w = World::bare();
    let n = 65;
    let controllers: Vec<Address> = (0..n as u8)
        .map(|i| KeyPair::from_seed([i; 32]).address())
        .collect();
    let mut b = PtbBuilder::new();
    let args = vec![
        b.pure(&None::<Vec<u8>>),
        b.pure(&controllers),
        b.pure(&vec![1u64; n]),
        b.pure(&vec![false; n]),
        b.pure(&1u64),
        b.object(object_arg(&w.chain, ObjectID::CLOCK, false)),
    ];
    b.move_call(
        ObjectID::IDENTITY,
        "identity",
        "new_with_controllers",
        vec![],
        args,
    );
    let before = w.snapshot(&[]);
    let r = w
        .chain
        .sign_and_execute(w.alice(), b.finish(), LARGE_BUDGET)
        .expect("transaction is accepted");
    let abort = abort_of(&r);
    assert_eq!(
        (abort.module.as_str(), abort.constant.as_deref()),
        ("multicontroller", Some("ETooManyControllers"))
    );
    assert_only_gas_changed(&w, &before, &r, &[]);
}
