//! Attacks on the adapter from a programmable transaction, each named after what it tries:
//! calling the framework's restricted functions, private functions and natives directly
//! (docs/DESIGN.md §5, "MoveCall targets"); pure arguments that fit their type's layout but
//! break its rules (§5, "Pure arguments"); winding the dev clock round; and stalling signed
//! transactions with free dry runs (LIMITS.md, "Dry runs"). Every refused attack leaves the
//! objects it aimed at as they were.

mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use movid_runtime::chain::{ClockMode, DryRunLimits, ExecutionResult, LocalChain};
use movid_runtime::crypto::KeyPair;
use movid_runtime::gas::{MAX_GAS_BUDGET, REFERENCE_GAS_PRICE};
use movid_runtime::types::*;
use movid_runtime::verifier::CALLER_TYPES_ONLY;
use movid_runtime::RuntimeError;

fn struct_tag(address: ObjectID, module: &str, name: &str) -> StructTag {
    StructTag {
        address: movid_runtime::seam::to_vm_address(address),
        module: module.parse().unwrap(),
        name: name.parse().unwrap(),
        type_params: vec![],
    }
}

fn controller_cap_type() -> TypeTag {
    TypeTag::Struct(struct_tag(
        ObjectID::IDENTITY,
        "controller",
        "ControllerCap",
    ))
}

fn clock_arg(b: &mut PtbBuilder) -> Argument {
    b.object(ObjectArg::Shared {
        id: ObjectID::CLOCK,
        initial_shared_version: 1,
        mutable: false,
    })
}

/// An identity created by Alice as its sole controller, and her `ControllerCap`.
fn identity_with_cap(w: &World) -> (ObjectID, ObjectID) {
    let r = w.run(w.alice(), |b| {
        let none = b.pure(&None::<Vec<u8>>);
        let clock = clock_arg(b);
        b.move_call(
            ObjectID::IDENTITY,
            "identity",
            "new",
            vec![],
            vec![none, clock],
        );
    });
    assert_ok(&r);
    let identity = created_of_type(&w.chain, &r, "identity", "Identity")[0];
    let cap = created_of_type(&w.chain, &r, "controller", "ControllerCap")[0];
    assert_eq!(w.owner(cap), Owner::AddressOwner(w.alice().address()));
    (identity, cap)
}

/// Calls `0x2::module::function<type_args>(args)` as `key`; returns the result and the
/// snapshot taken before it, which includes `watched`.
fn call_framework(
    w: &World,
    key: &KeyPair,
    module: &str,
    function: &str,
    type_args: Vec<TypeTag>,
    args: &[Arg],
    watched: &[ObjectID],
) -> (ExecutionResult, Snapshot) {
    let before = w.snapshot(watched);
    let r = w.run(key, |b| {
        let args = args.iter().map(|a| a.add(&w.chain, b)).collect();
        b.move_call(ObjectID::FRAMEWORK, module, function, type_args, args);
    });
    (r, before)
}

/// Asserts that a call failed with `CallNotAllowed { rule }` at command 0 and changed nothing
/// but gas.
fn assert_call_refused(
    w: &World,
    r: &ExecutionResult,
    before: &Snapshot,
    rule: CallRule,
    watched: &[ObjectID],
) {
    match failure(r) {
        (ExecutionFailure::CallNotAllowed { rule: got, .. }, Some(0)) if *got == rule => {}
        other => panic!("expected CallNotAllowed({rule:?}), got {other:?}"),
    }
    assert_only_gas_changed(w, before, r, watched);
}

// === MoveCall targets ===

#[test]
fn ptb_cannot_give_away_a_key_only_controller_cap_with_the_private_transfer() {
    let w = World::bare();
    let (identity, cap) = identity_with_cap(&w);
    let cap_before = w.object(cap);
    let (r, before) = call_framework(
        &w,
        w.alice(),
        "transfer",
        "transfer",
        vec![controller_cap_type()],
        &[Arg::Obj(cap), pure(&w.bob().address())],
        &[cap, identity],
    );
    assert_call_refused(&w, &r, &before, CallRule::CallerTypesOnly, &[cap, identity]);
    assert_eq!(
        w.object(cap),
        cap_before,
        "owner, version and contents unchanged"
    );
}

#[test]
fn ptb_cannot_freeze_a_key_only_controller_cap_to_let_anyone_act_with_it() {
    let w = World::bare();
    let (identity, cap) = identity_with_cap(&w);
    let cap_before = w.object(cap);
    let (r, before) = call_framework(
        &w,
        w.alice(),
        "transfer",
        "freeze_object",
        vec![controller_cap_type()],
        &[Arg::Obj(cap)],
        &[cap, identity],
    );
    assert_call_refused(&w, &r, &before, CallRule::CallerTypesOnly, &[cap, identity]);
    assert_eq!(w.object(cap), cap_before);
    assert_eq!(w.owner(cap), Owner::AddressOwner(w.alice().address()));
}

#[test]
fn ptb_cannot_share_a_foreign_object_with_either_share() {
    let w = World::bare();
    let (identity, cap) = identity_with_cap(&w);
    let cap_before = w.object(cap);
    let (r, before) = call_framework(
        &w,
        w.alice(),
        "transfer",
        "share_object",
        vec![controller_cap_type()],
        &[Arg::Obj(cap)],
        &[cap, identity],
    );
    assert_call_refused(&w, &r, &before, CallRule::CallerTypesOnly, &[cap, identity]);
    // The public variant needs `store`, which the cap lacks: the VM refuses the type argument.
    let (r, before) = call_framework(
        &w,
        w.alice(),
        "transfer",
        "public_share_object",
        vec![controller_cap_type()],
        &[Arg::Obj(cap)],
        &[cap, identity],
    );
    assert!(
        matches!(
            failure(&r),
            (ExecutionFailure::TypeArgumentError(_), Some(0))
        ),
        "{:?}",
        r.effects.status
    );
    assert_only_gas_changed(&w, &before, &r, &[cap, identity]);
    assert_eq!(w.object(cap), cap_before);
}

#[test]
fn ptb_cannot_re_share_a_shared_identity_or_freeze_it() {
    let w = World::bare();
    let (identity, cap) = identity_with_cap(&w);
    let identity_before = w.object(identity);
    let identity_type = TypeTag::Struct(struct_tag(ObjectID::IDENTITY, "identity", "Identity"));
    for function in ["share_object", "freeze_object", "public_share_object"] {
        let (r, before) = call_framework(
            &w,
            w.alice(),
            "transfer",
            function,
            vec![identity_type.clone()],
            &[Arg::Obj(identity)],
            &[cap, identity],
        );
        assert!(!r.effects.status.is_ok(), "{function} succeeded");
        assert_only_gas_changed(&w, &before, &r, &[cap, identity]);
        assert_eq!(w.object(identity), identity_before, "{function}");
    }
}

#[test]
fn ptb_cannot_emit_an_event_of_a_type_it_does_not_define() {
    let w = World::bare();
    for (ty, value) in [
        (TypeTag::U64, pure(&7u64)),
        (
            TypeTag::Struct(struct_tag(ObjectID::FRAMEWORK, "object", "ID")),
            pure(&ObjectID::IDENTITY),
        ),
    ] {
        let (r, before) = call_framework(&w, w.alice(), "event", "emit", vec![ty], &[value], &[]);
        assert_call_refused(&w, &r, &before, CallRule::CallerTypesOnly, &[]);
        assert!(r.events.is_empty());
    }
}

#[test]
fn every_function_the_publish_verifier_restricts_is_refused_from_a_ptb() {
    // The verifier's list is the adapter's: whatever it restricts to the caller's own types, a
    // transaction (which owns no types) may not call at all, whatever the arguments.
    let w = World::new();
    let thing = TypeTag::Struct(w.type_("Thing"));
    for (module, function) in CALLER_TYPES_ONLY {
        let (r, before) = call_framework(
            &w,
            w.alice(),
            module,
            function,
            vec![thing.clone()],
            &[],
            &[],
        );
        assert_call_refused(&w, &r, &before, CallRule::CallerTypesOnly, &[]);
    }
}

#[test]
fn ptb_cannot_call_a_function_that_is_neither_public_nor_entry() {
    let w = World::new();
    let before = w.snapshot(&[]);
    // `objects::descend` is a private helper of `recurse`.
    let r = w.call(w.alice(), "descend", &[pure(&1u64)]);
    assert_call_refused(&w, &r, &before, CallRule::NotPublicOrEntry, &[]);
}

#[test]
fn ptb_cannot_call_a_native_function_directly() {
    let w = World::bare();
    let before = w.snapshot(&[]);
    let r = w.run(w.alice(), |b| {
        b.move_call(ObjectID::STD, "vector", "empty", vec![TypeTag::U64], vec![]);
    });
    assert_call_refused(&w, &r, &before, CallRule::Native, &[]);
    let (r, before) = call_framework(
        &w,
        w.alice(),
        "hash",
        "blake2b256",
        vec![],
        &[pure(&vec![1u8, 2, 3])],
        &[],
    );
    assert_call_refused(&w, &r, &before, CallRule::Native, &[]);
}

#[test]
fn the_public_transfer_of_a_store_object_still_works_from_a_ptb() {
    let w = World::new();
    let t = w.thing(w.alice(), 5);
    let r = w.run(w.alice(), |b| {
        let obj = b.object(object_arg(&w.chain, t, true));
        let to = b.pure(&w.bob().address());
        b.move_call(
            ObjectID::FRAMEWORK,
            "transfer",
            "public_transfer",
            vec![TypeTag::Struct(w.type_("Thing"))],
            vec![obj, to],
        );
    });
    assert_ok(&r);
    assert_eq!(w.owner(t), Owner::AddressOwner(w.bob().address()));
}

// === Pure arguments ===

/// The `attacks` package published by Alice.
fn attacks(w: &World) -> ObjectID {
    publish(&w.chain, w.alice(), "attacks")
}

/// Calls `attacks::pure_args::function(bytes)` as Alice.
fn keep(w: &World, pkg: ObjectID, function: &str, bytes: Vec<u8>) -> (ExecutionResult, Snapshot) {
    let before = w.snapshot(&[]);
    let r = w.run(w.alice(), |b| {
        let v = b.pure_bytes(bytes);
        b.move_call(pkg, "pure_args", function, vec![], vec![v]);
    });
    (r, before)
}

/// Asserts that the pure argument 0 was refused for `violation`, changing nothing but gas.
fn assert_pure_refused(
    w: &World,
    r: &ExecutionResult,
    before: &Snapshot,
    violation: &PureViolation,
) {
    match failure(r) {
        (
            ExecutionFailure::InvalidPureValue {
                argument: 0,
                violation: got,
                ..
            },
            Some(0),
        ) if got == violation => {}
        other => panic!("expected InvalidPureValue({violation:?}), got {other:?}"),
    }
    assert_only_gas_changed(w, before, r, &[]);
}

fn bcs<T: serde::Serialize>(v: &T) -> Vec<u8> {
    bcs::to_bytes(v).unwrap()
}

#[test]
fn a_two_element_option_is_refused_whatever_its_element_type() {
    let w = World::bare();
    let pkg = attacks(&w);
    // An Option is a vector on the wire; two elements fit the layout but not the type.
    let (r, before) = keep(&w, pkg, "keep_option_u64", bcs(&vec![1u64, 2]));
    assert_pure_refused(&w, &r, &before, &PureViolation::OptionTooLong { len: 2 });
    let (r, before) = keep(&w, pkg, "keep_option_bytes", bcs(&vec![vec![1u8], vec![2]]));
    assert_pure_refused(&w, &r, &before, &PureViolation::OptionTooLong { len: 2 });
}

#[test]
fn an_identity_cannot_be_created_with_a_two_element_document_option() {
    // Such an identity could never be resolved: every reader decodes its document as an Option.
    let w = World::bare();
    let doc = b"DID\x01\x00{}".to_vec();
    let before = w.snapshot(&[]);
    let r = w.run(w.alice(), |b| {
        let two = b.pure(&vec![doc.clone(), doc.clone()]);
        let clock = clock_arg(b);
        b.move_call(
            ObjectID::IDENTITY,
            "identity",
            "new",
            vec![],
            vec![two, clock],
        );
    });
    assert_pure_refused(&w, &r, &before, &PureViolation::OptionTooLong { len: 2 });
}

#[test]
fn invalid_utf8_is_refused_inside_options_and_vectors_of_strings() {
    let w = World::bare();
    let pkg = attacks(&w);
    let bad = vec![b'o', b'k', 0xff];
    for (function, bytes) in [
        ("keep_option_string", bcs(&Some(bad.clone()))),
        ("keep_strings", bcs(&vec![b"fine".to_vec(), bad.clone()])),
        ("keep_nested_strings", bcs(&vec![vec![], vec![bad.clone()]])),
    ] {
        let (r, before) = keep(&w, pkg, function, bytes);
        assert_pure_refused(&w, &r, &before, &PureViolation::InvalidUtf8);
    }
}

#[test]
fn non_ascii_bytes_are_refused_in_ascii_strings_at_any_depth() {
    let w = World::bare();
    let pkg = attacks(&w);
    let bad = "é".as_bytes().to_vec();
    for (function, bytes) in [
        ("keep_ascii", bcs(&bad)),
        ("keep_option_ascii", bcs(&Some(bad.clone()))),
    ] {
        let (r, before) = keep(&w, pkg, function, bytes);
        assert_pure_refused(&w, &r, &before, &PureViolation::NotAscii { byte: 0xc3 });
    }
}

#[test]
fn ids_and_addresses_must_be_32_bytes() {
    let w = World::bare();
    let pkg = attacks(&w);
    // One ID of 31 bytes: the vector's length, then too few bytes for its element.
    let mut short = vec![1u8];
    short.extend([7u8; 31]);
    let (r, before) = keep(&w, pkg, "keep_ids", short);
    assert!(
        matches!(
            failure(&r).0,
            ExecutionFailure::InvalidPureValue {
                violation: PureViolation::Malformed(_),
                ..
            }
        ),
        "{:?}",
        r.effects.status
    );
    assert_only_gas_changed(&w, &before, &r, &[]);
}

#[test]
fn valid_pure_values_of_every_shape_are_accepted() {
    let w = World::bare();
    let pkg = attacks(&w);
    let id = ObjectID::IDENTITY;
    for (function, bytes, len) in [
        ("keep_option_u64", bcs(&Some(9u64)), 1),
        ("keep_option_u64", bcs(&None::<u64>), 0),
        ("keep_option_bytes", bcs(&Some(vec![1u8, 2, 3])), 3),
        ("keep_option_string", bcs(&Some("héllo")), 6),
        ("keep_strings", bcs(&vec!["a", "ü"]), 2),
        ("keep_nested_strings", bcs(&vec![vec!["a"], vec![]]), 2),
        ("keep_ascii", bcs(&"plain"), 5),
        ("keep_option_ascii", bcs(&None::<String>), 0),
        ("keep_ids", bcs(&vec![id, id]), 2),
    ] {
        let (r, _) = keep(&w, pkg, function, bytes);
        assert_ok(&r);
        let kept = created_of_type(&w.chain, &r, "pure_args", "Kept");
        let contents = w.object(kept[0]).as_move().unwrap().contents.clone();
        assert_eq!(
            movid_runtime::execution::coin_value(&contents),
            Some(len),
            "{function}"
        );
    }
}

// === The dev clock ===

fn clock_version(w: &World) -> SequenceNumber {
    w.object(ObjectID::CLOCK).version()
}

#[test]
fn advancing_the_clock_past_the_largest_time_is_refused_and_moves_nothing() {
    let w = World::bare();
    w.chain.advance_clock_ms(1_000).unwrap();
    let (now, version) = (w.chain.clock_ms(), clock_version(&w));
    for step in [u64::MAX, u64::MAX - now + 1] {
        match w.chain.advance_clock_ms(step) {
            Err(RuntimeError::ClockOverflow {
                clock_ms,
                advance_ms,
            }) => assert_eq!((clock_ms, advance_ms), (now, step)),
            other => panic!("expected ClockOverflow, got {other:?}"),
        }
        assert_eq!(w.chain.clock_ms(), now);
        assert_eq!(
            clock_version(&w),
            version,
            "the clock object was not written"
        );
    }
    // Up to the largest time is fine, and the clock then stays there.
    assert_eq!(w.chain.advance_clock_ms(u64::MAX - now).unwrap(), u64::MAX);
    assert!(matches!(
        w.chain.advance_clock_ms(1),
        Err(RuntimeError::ClockOverflow { .. })
    ));
    assert_eq!(w.chain.clock_ms(), u64::MAX);
}

#[test]
fn the_real_time_clock_never_goes_back_behind_a_manual_advance() {
    let w = World::new();
    // Ahead of the wall clock (to 2096), then follow wall time: the clock must not jump back.
    let ahead = 4_000_000_000_000;
    w.chain
        .advance_clock_ms(ahead - w.chain.clock_ms())
        .unwrap();
    w.chain.set_clock_mode(ClockMode::RealTime);
    w.thing(w.alice(), 1);
    assert_eq!(w.chain.clock_ms(), ahead);
}

// === Dry runs ===

fn spin_data(w: &World, key: &KeyPair, gas: ObjectReference) -> TransactionData {
    let mut b = PtbBuilder::new();
    b.move_call(w.pkg, "objects", "spin", vec![], vec![]);
    TransactionData {
        kind: TransactionKind::ProgrammableTransaction(b.finish()),
        sender: key.address(),
        gas_data: GasData {
            payment: vec![gas],
            owner: key.address(),
            price: REFERENCE_GAS_PRICE,
            budget: MAX_GAS_BUDGET,
        },
        expiration: TransactionExpiration::None,
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// How long one signed transaction takes, median of `n`.
fn signed_latency(w: &World, t: ObjectID, n: usize) -> Duration {
    median(
        (0..n)
            .map(|i| {
                let start = Instant::now();
                w.call_ok(w.alice(), "set_value", &[Arg::Obj(t), pure(&(i as u64))]);
                start.elapsed()
            })
            .collect(),
    )
}

#[test]
fn dry_runs_of_an_infinite_loop_at_the_largest_budget_do_not_stall_signed_transactions() {
    // Give dry runs every core, more than the default allows, and room to queue.
    let limits = DryRunLimits {
        max_concurrent: std::thread::available_parallelism().map_or(2, usize::from),
        ..DryRunLimits::default()
    };
    let mut w = World::bare();
    w.chain = LocalChain::new_dev().unwrap().with_dry_run_limits(limits);
    w.pkg = publish(&w.chain, w.alice(), "objects");
    let t = w.thing(w.alice(), 0);
    let idle = signed_latency(&w, t, 7);

    // Bob's dry runs need no signature; one gas coin serves every one of them.
    let gas = w.chain.gas_coins(&w.bob().address()).unwrap()[0].object_ref();
    let data = spin_data(&w, w.bob(), gas);
    let w = Arc::new(w);
    let stop = Arc::new(AtomicBool::new(false));
    let started = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..limits.max_concurrent + 2)
        .map(|_| {
            let (w, stop, started, data) = (w.clone(), stop.clone(), started.clone(), data.clone());
            std::thread::spawn(move || {
                let mut runs = 0;
                while !stop.load(Ordering::Relaxed) {
                    started.fetch_add(1, Ordering::SeqCst);
                    let r = w.chain.dry_run(data.clone()).unwrap();
                    assert!(!r.effects.status.is_ok(), "the loop never ends");
                    runs += 1;
                }
                runs
            })
        })
        .collect();
    while started.load(Ordering::SeqCst) < limits.max_concurrent + 2 {
        std::thread::sleep(Duration::from_millis(5));
    }
    // Let the first dry runs get into their loops.
    std::thread::sleep(Duration::from_millis(300));
    let loaded = signed_latency(&w, t, 7);
    stop.store(true, Ordering::Relaxed);
    let runs: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
    assert!(runs > 0);
    eprintln!("signed transaction: {idle:?} alone, {loaded:?} beside {runs} dry runs");
    assert!(
        loaded <= idle * 10,
        "a signed transaction took {loaded:?} beside dry runs, {idle:?} alone"
    );
}
