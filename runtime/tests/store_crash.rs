//! Crash safety of `RedbStore`: a writer process is killed (SIGKILL) at random moments and the
//! store must still hold exactly the commits it acknowledged, plus at most the one in flight,
//! applied whole.
//!
//! The writer is this test binary re-executed with `MOVID_CRASH_CHILD` set to the database path
//! and a filter selecting [`crash_child_writer`]. It commits a deterministic sequence of
//! transactions (so the parent can recompute the expected state in a `MemoryStore`) and reports
//! on stdout, flushed, `begin <start> <count>` before each commit and `ack <start> <count>` once
//! the commit returned. Every third commit is a `commit_many` of three transactions.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use move_core_types::identifier::Identifier;
use movid_runtime::store::{
    ChainMeta, CommitBatch, EventFilter, MemoryStore, RedbStore, Store, StoreError,
    TransactionRecord,
};
use movid_runtime::types::{
    address_from_u8, salted_digest, Address, Digest, Event, ExecutionStatus, GasCostSummary,
    MoveObject, Object, ObjectID, ObjectReference, Owner, StructTag, TransactionEffects, WellKnown,
};
use rand::Rng;

const CHILD_ENV: &str = "MOVID_CRASH_CHILD";
const TRIALS: usize = 24;
/// Objects every transaction cycles through, so each is mutated again and again.
const POOL: u64 = 8;
/// The most transactions one commit carries.
const MAX_GROUP: u64 = 3;

#[test]
fn acknowledged_commits_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.redb");
    let mut rng = rand::thread_rng();
    let started = Instant::now();
    // The transaction count verified after the previous trial: what the next writer resumes from.
    let mut count = 0;
    for trial in 0..TRIALS {
        let outcome = run_child_until_killed(&path, count, rng.gen_range(5..120));

        let store = RedbStore::open(&path).expect("the store reopens after a crash");
        count = store.meta().unwrap().map_or(0, |m| m.tx_count);
        let in_flight_end = outcome.pending.map(|(start, n)| start + n);
        assert!(
            count == outcome.acked_end || Some(count) == in_flight_end,
            "trial {trial}: store holds {count} transactions; acknowledged {}, in flight {:?}",
            outcome.acked_end,
            outcome.pending,
        );
        assert_matches_reference(&store, count);
    }
    assert!(
        count >= TRIALS as u64,
        "the writers acknowledged only {count} transactions in {TRIALS} runs"
    );
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "crash trials took {:?}",
        started.elapsed()
    );
}

/// What the parent learned from one writer before killing it.
struct ChildOutcome {
    /// The transaction count after the last acknowledged commit.
    acked_end: u64,
    /// A commit begun but not acknowledged: (first transaction, number of transactions).
    pending: Option<(u64, u64)>,
}

/// Starts a writer on `path`, which holds `resume_from` transactions, checks that the store is
/// locked while the writer holds it, kills the writer `delay_ms` after it opened the store, and
/// collects what it reported.
fn run_child_until_killed(path: &Path, resume_from: u64, delay_ms: u64) -> ChildOutcome {
    let mut child = Writer(
        Command::new(std::env::current_exe().unwrap())
            .args([
                "crash_child_writer",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, path)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap(),
    );
    let stdout = child.0.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });

    let mut lines = vec![];
    loop {
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the writer opens the store");
        let opened = report_of(&line) == Some("open");
        lines.push(line);
        if opened {
            break;
        }
    }
    match RedbStore::open(path) {
        Err(StoreError::Locked { .. }) => {}
        Err(other) => panic!("expected Locked while the writer holds the store, got {other}"),
        Ok(_) => panic!("the store opened while the writer holds it"),
    }
    std::thread::sleep(Duration::from_millis(delay_ms));
    child.0.kill().unwrap();
    let status = child.0.wait().unwrap();
    reader.join().unwrap();
    lines.extend(rx.try_iter());
    assert!(
        status.code().is_none(),
        "the writer exited by itself ({status}) instead of being killed"
    );

    let mut outcome = ChildOutcome {
        acked_end: resume_from,
        pending: None,
    };
    for report in lines.iter().filter_map(|line| report_of(line)) {
        let mut words = report.split_whitespace();
        let (Some(word), Some(start), Some(n)) = (words.next(), words.next(), words.next()) else {
            continue;
        };
        let (start, n): (u64, u64) = (start.parse().unwrap(), n.parse().unwrap());
        match word {
            "begin" => {
                assert_eq!(
                    start, outcome.acked_end,
                    "the writer skipped or repeated transactions"
                );
                outcome.pending = Some((start, n));
            }
            "ack" => {
                assert_eq!(outcome.pending, Some((start, n)), "ack without its begin");
                outcome.pending = None;
                outcome.acked_end = start + n;
            }
            _ => {}
        }
    }
    outcome
}

/// The writer process, killed on drop so that a failing parent leaves no writer behind.
struct Writer(std::process::Child);

impl Drop for Writer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Replays transactions `0..count` into a `MemoryStore` and compares every table-visible fact.
fn assert_matches_reference(store: &RedbStore, count: u64) {
    let reference = MemoryStore::new();
    for n in 0..count {
        reference.commit(batch(n)).unwrap();
    }
    for n in 0..count + MAX_GROUP {
        assert_eq!(
            store.get_transaction(&tx_digest(n)).unwrap().is_some(),
            n < count,
            "transaction {n}"
        );
    }
    assert_eq!(
        store.transactions(0, usize::MAX).unwrap(),
        reference.transactions(0, usize::MAX).unwrap()
    );
    assert_eq!(store.meta().unwrap(), reference.meta().unwrap());
    let ids = (0..POOL).map(pool_id).chain((0..count).map(created_id));
    for id in ids {
        assert_eq!(
            store.get_object(&id).unwrap(),
            reference.get_object(&id).unwrap(),
            "object {id}"
        );
        assert_eq!(
            store.object_history(&id).unwrap(),
            reference.object_history(&id).unwrap(),
            "history of {id}"
        );
    }
    for owner in [owner(0), owner(1)] {
        let mut got = store.owned_objects(&owner).unwrap();
        let mut want = reference.owned_objects(&owner).unwrap();
        got.sort();
        want.sort();
        assert_eq!(got, want, "objects of {owner}");
        for r in &got {
            // The index matches the live objects, and every version is the writing transaction's.
            let live = store
                .get_object(r.object_id())
                .unwrap()
                .expect("indexed objects are live");
            assert_eq!(live.owner, Owner::AddressOwner(owner));
            assert!(live.version() <= count);
        }
    }
    let all_events = EventFilter::default();
    assert_eq!(
        store.events(&all_events, usize::MAX).unwrap(),
        reference.events(&all_events, usize::MAX).unwrap()
    );
}

/// The writer: runs only when re-executed by [`run_child_until_killed`].
#[test]
fn crash_child_writer() {
    let Some(path) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let store = RedbStore::open(Path::new(&path)).unwrap();
    let mut next = store.meta().unwrap().map_or(0, |m| m.tx_count);
    let mut out = std::io::stdout();
    report(&mut out, "open");
    // A bound so an orphaned writer does not run forever.
    let deadline = Instant::now() + Duration::from_secs(60);
    for commit in 0.. {
        if Instant::now() > deadline {
            break;
        }
        let n = if commit % 3 == 2 { MAX_GROUP } else { 1 };
        report(&mut out, &format!("begin {next} {n}"));
        if n == 1 {
            store.commit(batch(next)).unwrap();
        } else {
            store
                .commit_many((next..next + n).map(batch).collect())
                .unwrap();
        }
        report(&mut out, &format!("ack {next} {n}"));
        next += n;
    }
}

/// Marks the writer's reports among libtest's own output (which may share their line).
const REPORT_MARK: &str = "crash-writer:";

fn report(out: &mut std::io::Stdout, line: &str) {
    // Written to stdout directly (not `println!`) so libtest's output capture cannot hold it back.
    let mut lock = out.lock();
    writeln!(lock, "{REPORT_MARK}{line}").unwrap();
    lock.flush().unwrap();
}

fn report_of(line: &str) -> Option<&str> {
    line.split_once(REPORT_MARK).map(|(_, report)| report)
}

/// Transaction `n`: mutates two pool objects and moves one to the other owner, creates one new
/// object, deletes the one created two transactions earlier, emits one event and counts itself
/// in the chain metadata. Everything written takes version `n + 1`.
fn batch(n: u64) -> CommitBatch {
    let digest = tx_digest(n);
    let version = n + 1;
    let written = vec![
        object(pool_id(n % POOL), version, owner(n / POOL), digest),
        object(
            pool_id((n + 3) % POOL),
            version,
            owner(n / POOL + 1),
            digest,
        ),
        object(created_id(n), version, owner(n), digest),
    ];
    let removed = if n >= 2 {
        vec![(created_id(n - 2), version)]
    } else {
        vec![]
    };
    let event = Event {
        package_id: ObjectID::IDENTITY,
        transaction_module: "crash".into(),
        sender: owner(n),
        type_: struct_tag("Written"),
        contents: n.to_le_bytes().to_vec(),
    };
    let record = TransactionRecord {
        sequence: n,
        transaction: None,
        effects: effects(digest, version),
        events: vec![event],
        timestamp_ms: 1_000 + n,
    };
    let meta = ChainMeta {
        epoch: 0,
        epoch_start_ms: 0,
        tx_count: n + 1,
        genesis: Digest::ZERO,
    };
    CommitBatch {
        written,
        removed,
        record: Some((digest, record)),
        meta: Some(meta),
    }
}

fn tx_digest(n: u64) -> Digest {
    salted_digest("crash-test::", &n.to_le_bytes())
}

fn pool_id(i: u64) -> ObjectID {
    address_from_u8(0x10 + i as u8)
}

fn created_id(n: u64) -> ObjectID {
    ObjectID::derive_id(tx_digest(n), 0)
}

fn owner(i: u64) -> Address {
    address_from_u8(0xa0 + (i % 2) as u8)
}

fn struct_tag(name: &str) -> StructTag {
    StructTag {
        address: movid_runtime::seam::to_vm_address(ObjectID::FRAMEWORK),
        module: Identifier::new("crash").unwrap(),
        name: Identifier::new(name).unwrap(),
        type_params: vec![],
    }
}

fn object(id: ObjectID, version: u64, owner: Address, digest: Digest) -> Object {
    // Some bulk, so that a kill often lands in the middle of writing pages.
    let mut contents = id.into_inner().to_vec();
    contents.extend(std::iter::repeat_n(version as u8, 512));
    let move_object = MoveObject {
        type_: struct_tag("Thing"),
        has_public_transfer: true,
        version,
        contents,
    };
    Object::new_move(move_object, Owner::AddressOwner(owner), digest)
}

fn effects(digest: Digest, version: u64) -> TransactionEffects {
    let gas = ObjectReference::new(pool_id(0), version, Digest::ZERO);
    TransactionEffects {
        status: ExecutionStatus::Success,
        executed_epoch: 0,
        gas_used: GasCostSummary::default(),
        transaction_digest: digest,
        lamport_version: version,
        created: vec![],
        mutated: vec![],
        unwrapped: vec![],
        deleted: vec![],
        unwrapped_then_deleted: vec![],
        wrapped: vec![],
        gas_object: (gas, Owner::AddressOwner(owner(0))),
        shared_objects: vec![],
        events_digest: None,
        dependencies: vec![],
    }
}
