//! Every limit in LIMITS.md, each pushed one step past its bound: a transaction over a
//! pre-execution limit is refused and changes nothing; one that crosses an execution limit
//! fails and changes nothing but gas.
//!
//! Tested elsewhere: the transaction size (`transactions.rs`,
//! `a_transaction_larger_than_the_limit_is_refused`), the gas budget range (`transactions.rs`,
//! `a_budget_outside_the_allowed_range_is_refused`), the JSON-RPC body size
//! (`cli/tests/cli.rs`, `malformed_json_rpc_requests_get_errors`) and the identity package's
//! bounds on revoked tokens and on objects per send or borrow proposal
//! (`tests/tests/identity_chain.rs`).

mod common;

use common::*;
use movid_runtime::build::{build_package, BuildOptions};
use movid_runtime::chain::{DryRunLimits, ExecutionResult, LocalChain, DRY_RUN_MAX_GAS_UNITS};
use movid_runtime::crypto::KeyPair;
use movid_runtime::execution::limits::{
    MAX_COMMANDS, MAX_GAS_PAYMENT_OBJECTS, MAX_INPUTS, MAX_OBJECT_SIZE, MAX_PACKAGE_SIZE,
    MAX_PURE_SIZE,
};
use movid_runtime::gas::{MAX_GAS_BUDGET, MAX_GAS_UNITS, MIN_GAS_PRICE, REFERENCE_GAS_PRICE};
use movid_runtime::natives::RuntimeLimits;
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

/// Signs and executes `ptb` as `key`, paying with `payment` at `price`.
fn execute_paying(
    w: &World,
    key: &KeyPair,
    ptb: ProgrammableTransaction,
    payment: Vec<ObjectReference>,
    budget: u64,
    price: u64,
) -> Result<ExecutionResult, RuntimeError> {
    let data = TransactionData {
        kind: TransactionKind::ProgrammableTransaction(ptb),
        sender: key.address(),
        gas_data: GasData {
            payment,
            owner: key.address(),
            price,
            budget,
        },
        expiration: TransactionExpiration::None,
    };
    let signatures = vec![key.sign_transaction(&data)];
    w.chain.execute(SignedTransaction { data, signatures })
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

#[test]
fn operands_past_the_operand_stack_limit_fail_the_transaction() {
    let w = World::new();
    // Each nested call leaves two operands waiting: 800 values fit, 1200 do not, and the call
    // depth stays far below its own limit.
    assert_ok(&call_large(&w, "pile", &[pure(&400u64)]));

    let before = w.snapshot(&[]);
    let r = call_large(&w, "pile", &[pure(&600u64)]);
    let status = runtime_status(&r);
    assert!(status.starts_with("EXECUTION_STACK_OVERFLOW"), "{status}");
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

#[test]
fn a_gas_price_below_the_minimum_is_refused() {
    let w = World::bare();
    let ptb = || {
        let mut b = PtbBuilder::new();
        let amount = b.pure(&1u64);
        let split = b.split_coins(Argument::GasCoin, vec![amount]);
        let me = b.pure(&w.alice().address());
        b.transfer_objects(vec![split], me);
        b.finish()
    };
    let gas = || w.chain.gas_coins(&w.alice().address()).unwrap()[0].object_ref();
    let before = w.snapshot(&[]);
    let r = execute_paying(&w, w.alice(), ptb(), vec![gas()], BUDGET, MIN_GAS_PRICE - 1);
    assert!(
        matches!(
            r,
            Err(RuntimeError::Transaction(
                TransactionError::GasPriceTooLow {
                    price: 0,
                    min: MIN_GAS_PRICE
                }
            ))
        ),
        "{r:?}"
    );
    assert_unchanged(&w, &before, &[]);
    assert_ok(&execute_paying(&w, w.alice(), ptb(), vec![gas()], BUDGET, MIN_GAS_PRICE).unwrap());
}

#[test]
fn a_payment_with_more_than_max_gas_payment_objects_coins_is_refused() {
    let w = World::bare();
    // Alice's genesis coins and 256 split off one of them: more than enough for one payment.
    let splits = MAX_GAS_PAYMENT_OBJECTS as u16;
    let r = w.run(w.alice(), |b| {
        let amount = b.pure(&1_000_000_000u64);
        let split = b.split_coins(Argument::GasCoin, vec![amount; splits as usize]);
        let coins = (0..splits)
            .map(|j| match split {
                Argument::Result(c) => Argument::NestedResult(c, j),
                other => panic!("split_coins returned {other:?}"),
            })
            .collect();
        let me = b.pure(&w.alice().address());
        b.transfer_objects(coins, me);
    });
    assert_ok(&r);
    let coins: Vec<ObjectReference> = w
        .chain
        .gas_coins(&w.alice().address())
        .unwrap()
        .iter()
        .map(Object::object_ref)
        .collect();
    assert!(coins.len() > MAX_GAS_PAYMENT_OBJECTS);
    let noop = || {
        let mut b = PtbBuilder::new();
        let amount = b.pure(&1u64);
        let split = b.split_coins(Argument::GasCoin, vec![amount]);
        let me = b.pure(&w.alice().address());
        b.transfer_objects(vec![split], me);
        b.finish()
    };

    let before = w.snapshot(&[]);
    let over = coins[..=MAX_GAS_PAYMENT_OBJECTS].to_vec();
    let err = match execute_paying(&w, w.alice(), noop(), over, BUDGET, REFERENCE_GAS_PRICE) {
        Err(RuntimeError::Transaction(e)) => e,
        other => panic!("expected a refusal, got {other:?}"),
    };
    assert_eq!(
        err,
        TransactionError::LimitExceeded(format!("{} gas coins", MAX_GAS_PAYMENT_OBJECTS + 1))
    );
    assert_unchanged(&w, &before, &[]);

    // At the limit, the payment is accepted and its coins are merged into the first.
    let at = coins[..MAX_GAS_PAYMENT_OBJECTS].to_vec();
    let r = execute_paying(
        &w,
        w.alice(),
        noop(),
        at.clone(),
        BUDGET,
        REFERENCE_GAS_PRICE,
    )
    .expect("a payment of the largest size is accepted");
    assert_ok(&r);
    assert_eq!(*r.effects.gas_object.0.object_id(), *at[0].object_id());
    assert!(at[1..].iter().all(|c| !w.exists(*c.object_id())));
}

/// A package of generated modules `big::m<i>`, module `i` holding a constant of `sizes[i]`
/// bytes; returns each module's bytecode.
fn big_modules(sizes: &[usize]) -> (tempfile::TempDir, Vec<Vec<u8>>) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Move.toml"),
        "[package]\nname = \"Big\"\nversion = \"0.0.1\"\n\n[addresses]\nbig = \"0x0\"\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("sources")).unwrap();
    for (i, size) in sizes.iter().enumerate() {
        let data = "ab".repeat(*size);
        std::fs::write(
            dir.path().join(format!("sources/m{i}.move")),
            format!(
                "module big::m{i} {{\n    const DATA: vector<u8> = x\"{data}\";\n    \
                 public fun data(): vector<u8> {{ DATA }}\n}}\n"
            ),
        )
        .unwrap();
    }
    let package = build_package(dir.path(), &BuildOptions::default()).expect("the package builds");
    let modules = (0..sizes.len())
        .map(|i| {
            let m = package
                .modules
                .iter()
                .find(|m| m.self_id().name().as_str() == format!("m{i}"))
                .unwrap_or_else(|| panic!("module m{i} was compiled"));
            let mut bytes = vec![];
            m.serialize(&mut bytes).unwrap();
            bytes
        })
        .collect();
    (dir, modules)
}

#[test]
fn a_package_larger_than_max_package_size_fails_to_publish() {
    let w = World::bare();
    // Two modules just under the limit together; a third, small one takes them past it.
    let half = MAX_PACKAGE_SIZE / 2 - 512;
    let (_dir, modules) = big_modules(&[half, half, 2048]);
    let size = |m: &[Vec<u8>]| m.iter().map(Vec::len).sum::<usize>();
    assert!(size(&modules[..2]) <= MAX_PACKAGE_SIZE);
    assert!(size(&modules) > MAX_PACKAGE_SIZE);

    let before = w.snapshot(&[]);
    let r = try_publish(&w.chain, w.alice(), modules.clone(), vec![]);
    assert_eq!(
        failure(&r).0,
        &ExecutionFailure::PublishError(format!(
            "package of {} bytes exceeds {MAX_PACKAGE_SIZE}",
            size(&modules)
        ))
    );
    assert_only_gas_changed(&w, &before, &r, &[]);

    published_package(&try_publish(
        &w.chain,
        w.alice(),
        modules[..2].to_vec(),
        vec![],
    ));
}

/// Length of the ULEB128 encoding of `n`, as BCS writes vector lengths.
fn uleb_len(mut n: usize) -> usize {
    let mut len = 1;
    while n >= 0x80 {
        n >>= 7;
        len += 1;
    }
    len
}

#[test]
fn an_event_larger_than_max_event_size_fails_the_transaction() {
    let w = World::new();
    let max = RuntimeLimits::default().max_event_size;
    // A `Payload` of seven 32 KiB chunks and a tail: BCS is the chunk count, then each chunk
    // with its length.
    let chunk = vec![7u8; 32 * 1024];
    let times = 7;
    let head = uleb_len(times + 1) + times * (uleb_len(chunk.len()) + chunk.len());
    let tail_len = |event_size: usize| {
        let rest = event_size - head;
        rest - uleb_len(rest)
    };
    let emit = |tail: usize| {
        call_large(
            &w,
            "emit_sized",
            &[pure(&chunk), pure(&(times as u64)), pure(&vec![9u8; tail])],
        )
    };
    let r = emit(tail_len(max));
    assert_ok(&r);
    assert_eq!(r.events[0].contents.len(), max);

    let before = w.snapshot(&[]);
    let r = emit(tail_len(max + 1));
    let (err, _) = failure(&r);
    assert!(
        matches!(err, ExecutionFailure::LimitExceeded(m) if m.contains("events")),
        "{err:?}"
    );
    assert_only_gas_changed(&w, &before, &r, &[]);
}

#[test]
fn loading_more_than_max_loaded_children_fails_the_transaction() {
    let w = World::new();
    let max = RuntimeLimits::default().max_loaded_children as u64;
    let thing = w.thing(w.alice(), 0);
    assert_ok(&call_large(
        &w,
        "add_fields",
        &[Arg::Obj(thing), pure(&0u64), pure(&(max + 1))],
    ));
    assert_ok(&call_large(
        &w,
        "read_fields",
        &[Arg::Obj(thing), pure(&max)],
    ));

    let before = w.snapshot(&[thing]);
    let r = call_large(&w, "read_fields", &[Arg::Obj(thing), pure(&(max + 1))]);
    let (err, _) = failure(&r);
    assert_eq!(
        err,
        &ExecutionFailure::LimitExceeded(format!(
            "more than {max} child objects loaded in one transaction"
        ))
    );
    assert_only_gas_changed(&w, &before, &r, &[thing]);
}

#[test]
fn a_transaction_stops_at_max_gas_units_whatever_its_budget() {
    let w = World::new();
    let chunk = vec![1u8; 32 * 1024];
    let burn = |times: u64| {
        let mut b = PtbBuilder::new();
        let args = vec![b.pure(&chunk), b.pure(&times)];
        b.move_call(w.pkg, "objects", "burn", vec![], args);
        b.finish()
    };
    let gas_coin = || w.chain.gas_coins(&w.alice().address()).unwrap()[0].object_ref();
    let units = |times: u64| {
        let r = execute_paying(
            &w,
            w.alice(),
            burn(times),
            vec![gas_coin()],
            LARGE_BUDGET,
            REFERENCE_GAS_PRICE,
        )
        .unwrap();
        assert_ok(&r);
        r.effects.gas_used.computation_cost / REFERENCE_GAS_PRICE
    };
    let (base, per_copy) = (units(0), (units(100) - units(0)) / 100);
    let copies_for = |units: u64| (units - base) / per_copy;

    // At the lowest price a budget of 1 SUI would buy twenty times the cap.
    let budget = 1_000_000_000;
    assert!(budget / MIN_GAS_PRICE >= 20 * MAX_GAS_UNITS);
    let r = execute_paying(
        &w,
        w.alice(),
        burn(copies_for(MAX_GAS_UNITS / 10 * 9)),
        vec![gas_coin()],
        budget,
        MIN_GAS_PRICE,
    )
    .unwrap();
    assert_ok(&r);
    let used = r.effects.gas_used.computation_cost / MIN_GAS_PRICE;
    assert!(
        used > MAX_GAS_UNITS / 10 * 8 && used < MAX_GAS_UNITS,
        "{used} units"
    );

    let before = w.snapshot(&[]);
    let r = execute_paying(
        &w,
        w.alice(),
        burn(copies_for(MAX_GAS_UNITS / 10 * 11)),
        vec![gas_coin()],
        budget,
        MIN_GAS_PRICE,
    )
    .unwrap();
    assert_eq!(failure(&r).0, &ExecutionFailure::InsufficientGas { budget });
    assert_only_gas_changed(&w, &before, &r, &[]);
}

/// A transaction running `objects::spin` (an infinite loop) at the largest budget, paid by
/// `key`'s first gas coin: for dry runs, which need no signature.
fn spin_data(w: &World, key: &KeyPair) -> TransactionData {
    let mut b = PtbBuilder::new();
    b.move_call(w.pkg, "objects", "spin", vec![], vec![]);
    TransactionData {
        kind: TransactionKind::ProgrammableTransaction(b.finish()),
        sender: key.address(),
        gas_data: GasData {
            payment: vec![w.chain.gas_coins(&key.address()).unwrap()[0].object_ref()],
            owner: key.address(),
            price: REFERENCE_GAS_PRICE,
            budget: MAX_GAS_BUDGET,
        },
        expiration: TransactionExpiration::None,
    }
}

#[test]
fn a_dry_run_stops_at_the_dry_run_gas_cap_whatever_its_budget() {
    let w = World::new();
    const { assert!(MAX_GAS_BUDGET / REFERENCE_GAS_PRICE > DRY_RUN_MAX_GAS_UNITS) };
    assert_eq!(
        w.chain.dry_run_limits().max_gas_units,
        DRY_RUN_MAX_GAS_UNITS
    );
    let before = w.snapshot(&[]);
    let r = w.chain.dry_run(spin_data(&w, w.alice())).unwrap();
    let ExecutionStatus::Failure {
        error: ExecutionFailure::LimitExceeded(reason),
        command: Some(0),
    } = &r.effects.status
    else {
        panic!("{:?}", r.effects.status)
    };
    assert!(
        reason.contains(&DRY_RUN_MAX_GAS_UNITS.to_string()),
        "{reason}"
    );
    assert_unchanged(&w, &before, &[]);
}

/// A dev inspect is a dry run: the same cap holds, so it is no way around the dry-run limits.
#[test]
fn a_dev_inspect_stops_at_the_dry_run_gas_cap_too() {
    let w = World::new();
    let before = w.snapshot(&[]);
    let r = w.chain.dev_inspect(spin_data(&w, w.alice())).unwrap();
    let ExecutionStatus::Failure {
        error: ExecutionFailure::LimitExceeded(reason),
        command: Some(0),
    } = &r.result.effects.status
    else {
        panic!("{:?}", r.result.effects.status)
    };
    assert!(
        reason.contains(&DRY_RUN_MAX_GAS_UNITS.to_string()),
        "{reason}"
    );
    assert!(r.return_values.is_empty(), "the one command never returned");
    assert_unchanged(&w, &before, &[]);
}

#[test]
fn a_dry_run_past_the_concurrency_and_queue_bounds_is_refused_as_busy() {
    let mut w = World::bare();
    w.chain = LocalChain::new_dev()
        .unwrap()
        .with_dry_run_limits(DryRunLimits {
            max_concurrent: 1,
            max_waiting: 0,
            max_gas_units: DRY_RUN_MAX_GAS_UNITS,
        });
    w.pkg = publish(&w.chain, w.alice(), "objects");
    let w = std::sync::Arc::new(w);
    let spinning = {
        let w = w.clone();
        // It may find the slot taken by one of the quick dry runs below: then it tries again.
        std::thread::spawn(move || loop {
            match w.chain.dry_run(spin_data(&w, w.bob())) {
                Err(RuntimeError::DryRunBusy { .. }) => std::thread::yield_now(),
                r => return r.unwrap(),
            }
        })
    };
    // A quick dry run goes through until the loop holds the one slot, then is refused.
    let quick = || {
        let mut b = PtbBuilder::new();
        let v = b.pure(&1u64);
        b.move_call(w.pkg, "objects", "create", vec![], vec![v]);
        let mut data = spin_data(&w, w.alice());
        data.kind = TransactionKind::ProgrammableTransaction(b.finish());
        w.chain.dry_run(data)
    };
    loop {
        match quick() {
            Ok(_) => assert!(!spinning.is_finished(), "the loop ended before it was seen"),
            Err(RuntimeError::DryRunBusy { running, waiting }) => {
                assert_eq!((running, waiting), (1, 0));
                break;
            }
            Err(e) => panic!("{e}"),
        }
    }
    spinning.join().unwrap();
    assert!(quick().is_ok(), "the slot is free again");
}
