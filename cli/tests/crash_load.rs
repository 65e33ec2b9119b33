//! Crash safety of a node under load: `movid start` serves several concurrent clients, each
//! submitting signed transactions as fast as the node takes them, and is killed with SIGKILL at
//! a random moment, over and over on one data directory. After every kill:
//!
//! - the store reopens, and every transaction in it is one a client submitted, numbered
//!   without gaps (read from the store directly: no RPC method lists transactions);
//! - after a restart, every transaction the node acknowledged is there with the effects and
//!   events the client was given;
//! - every object a transaction of the trial touched has an intact version chain: versions
//!   strictly increase, each was written by a stored transaction whose effects name exactly that
//!   version (and the transaction consumed the version before it), every version a stored
//!   transaction wrote is in the history, and the live object is the last version.
//!
//! The kill moments and the clients' choices come from a seed, printed at the start and named
//! in every failure; `MOVID_CRASH_SEED` replays one (as closely as thread timing allows).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, ChildStdout, Command, Stdio};
use std::sync::{Arc, Barrier};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use movid_runtime::chain::ExecutionResult;
use movid_runtime::crypto::KeyPair;
use movid_runtime::genesis::dev_keys;
use movid_runtime::store::{ObjectVersion, RedbStore, Store, TransactionRecord};
use movid_runtime::types::*;
use movid_sdk::client::{coin_balance, Client};
use movid_sdk::rpc::RpcClient;
use movid_sdk::SdkError;

/// The store file `movid start` keeps in its data directory (`node_cmd::store_path`).
const STORE_FILE: &str = "chain.redb";
/// Kill-and-restart rounds.
const TRIALS: u64 = 24;
/// Concurrent clients, each with its own development account.
const CLIENTS: usize = 4;
/// How long the clients run before the kill, in ms (drawn uniformly).
const KILL_AFTER_MS: std::ops::Range<u64> = 150..1200;
/// Gas budget of every client transaction.
const BUDGET: u64 = 100_000_000;
/// The amount split off a coin: small coins, so the large ones never run dry.
const SMALL: u64 = 1_000;
/// A coin holding at least this much pays gas or is split; smaller ones are moved or merged.
const LARGE: u64 = 1_000_000_000;

#[test]
fn acknowledged_transactions_survive_sigkill_under_concurrent_load() {
    let seed = std::env::var("MOVID_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    eprintln!("crash_load: seed {seed} (replay with MOVID_CRASH_SEED={seed})");
    let started = Instant::now();
    let home = tempfile::tempdir().unwrap();
    let data_dir = home.path().join("localnet");
    let keys = dev_keys(CLIENTS);
    let mut rng = SplitMix64(seed);
    let mut history = History::default();
    let mut node = Node::start(home.path(), &data_dir);
    let genesis = block_on(RpcClient::new(node.url.clone()).chain_identifier()).unwrap();
    for trial in 0..TRIALS {
        let at = Trial { trial, seed };
        let delay = KILL_AFTER_MS.start + rng.next() % (KILL_AFTER_MS.end - KILL_AFTER_MS.start);
        let logs = run_clients_and_kill(&mut node, &keys, rng.next(), delay, at);
        let mut outcome = history.record(logs, at);
        let t = Instant::now();
        check_store(&data_dir, &mut history, &mut outcome, at);
        let store_ms = t.elapsed().as_millis();
        let t = Instant::now();
        node = Node::start(home.path(), &data_dir);
        let start_ms = t.elapsed().as_millis();
        let t = Instant::now();
        check_through_rpc(&node.url, &outcome, &mut history, genesis, at);
        eprintln!(
            "{at}: killed after {delay} ms; {} submitted, {} acknowledged, {} stored \
             (store checked in {store_ms} ms, restart {start_ms} ms, RPC checks {} ms)",
            outcome.submitted,
            outcome.acked.len(),
            outcome.stored.len(),
            t.elapsed().as_millis()
        );
    }
    drop(node);
    check_whole_store(&data_dir, &history, seed);
    assert!(
        history.acked.len() as u64 >= 2 * TRIALS,
        "seed {seed}: the clients got only {} acknowledgements in {TRIALS} trials",
        history.acked.len()
    );
    assert!(
        started.elapsed() < Duration::from_secs(180),
        "seed {seed}: the crash trials took {:?}",
        started.elapsed()
    );
}

/// Where a failure happened.
#[derive(Clone, Copy, Debug)]
struct Trial {
    trial: u64,
    seed: u64,
}

impl std::fmt::Display for Trial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "trial {} (seed {})", self.trial, self.seed)
    }
}

/// A small deterministic generator (SplitMix64): the kill moments and the clients' choices.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

// ---------------------------------------------------------------- the node

/// A `movid start` process.
struct Node {
    child: Child,
    url: String,
    /// Kept open so the node can go on writing.
    _stdout: BufReader<ChildStdout>,
    stderr: Option<ChildStderr>,
}

impl Node {
    /// Starts a node on `data_dir` on a free loopback port and waits until it answers.
    fn start(home: &Path, data_dir: &Path) -> Node {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = Command::new(PathBuf::from(env!("CARGO_BIN_EXE_movid")))
            .env("MOVID_HOME", home)
            .env_remove("MOVID_RPC")
            .args(["start", "--rpc-addr", &format!("127.0.0.1:{port}")])
            .arg("--data-dir")
            .arg(data_dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let mut node = Node {
            stderr: child.stderr.take(),
            child,
            url: format!("http://127.0.0.1:{port}"),
            _stdout: stdout,
        };
        if !line.contains("listening") {
            let _ = node.child.kill();
            let _ = node.child.wait();
            let mut err = String::new();
            if let Some(mut s) = node.stderr.take() {
                let _ = s.read_to_string(&mut err);
            }
            panic!("the node did not start: {line}{err}");
        }
        let client = RpcClient::new(node.url.clone());
        block_on(client.epoch()).expect("the node answers");
        node
    }

    /// SIGKILL, and wait until the process is gone.
    fn kill(&mut self) {
        self.child.kill().expect("the node can be killed");
        self.child.wait().unwrap();
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------- the clients

/// What one client saw during a trial.
#[derive(Default)]
struct ClientLog {
    /// Digests of every transaction sent, acknowledged or not.
    submitted: Vec<Digest>,
    /// The answers the node gave.
    acked: Vec<ExecutionResult>,
    /// An answer that was neither an acknowledgement nor the node going away.
    error: Option<String>,
}

/// Starts the clients, kills the node `delay_ms` after they all began, and collects their logs.
fn run_clients_and_kill(
    node: &mut Node,
    keys: &[KeyPair],
    seed: u64,
    delay_ms: u64,
    at: Trial,
) -> Vec<ClientLog> {
    let ready = Arc::new(Barrier::new(keys.len() + 1));
    let clients: Vec<JoinHandle<ClientLog>> = keys
        .iter()
        .enumerate()
        .map(|(i, key)| {
            let key = key.clone();
            let peer = keys[(i + 1) % keys.len()].address();
            let url = node.url.clone();
            let ready = ready.clone();
            let seed = seed ^ (i as u64).wrapping_mul(0x1000_0000_01b3);
            std::thread::spawn(move || run_client(&url, &key, peer, seed, &ready))
        })
        .collect();
    ready.wait();
    std::thread::sleep(Duration::from_millis(delay_ms));
    node.kill();
    clients
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let log = c
                .join()
                .unwrap_or_else(|_| panic!("{at}: client {i} panicked"));
            if let Some(e) = &log.error {
                panic!("{at}: client {i} got an error other than the node going away: {e}");
            }
            log
        })
        .collect()
}

/// A coin the client owns, as far as it knows.
#[derive(Clone)]
struct Coin {
    oref: ObjectReference,
    large: bool,
}

/// Submits transactions one after another until the node stops answering. Every transaction
/// changes owned objects only (the client's own coins), so the clients never contend for an
/// input and every acknowledged transaction succeeds.
fn run_client(url: &str, key: &KeyPair, peer: Address, seed: u64, ready: &Barrier) -> ClientLog {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = RpcClient::new(url);
    let me = key.address();
    let mut log = ClientLog::default();
    // The node restarted since the last trial: learn the coins again (an unacknowledged
    // transaction may or may not have run, and peers sent coins).
    let mut coins: BTreeMap<ObjectID, Coin> = match rt.block_on(client.gas_coins(me)) {
        Ok(list) => list
            .iter()
            .map(|o| {
                let coin = Coin {
                    oref: o.object_ref(),
                    large: coin_balance(o) >= LARGE,
                };
                (o.id(), coin)
            })
            .collect(),
        Err(e) => {
            log.error = Some(format!("reading coins: {e}"));
            ready.wait();
            return log;
        }
    };
    let mut rng = SplitMix64(seed);
    ready.wait();
    loop {
        let data = next_transaction(&mut rng, me, peer, &coins);
        let tx = SignedTransaction {
            signatures: vec![key.sign_transaction(&data)],
            data,
        };
        log.submitted.push(tx.digest());
        match rt.block_on(client.execute(tx)) {
            Ok(r) => {
                if !r.effects.status.is_ok() {
                    log.error = Some(format!("transaction failed: {:?}", r.effects.status));
                    return log;
                }
                for (oref, owner) in r.effects.all_changed() {
                    if *owner == Owner::AddressOwner(me) {
                        let large = coins.get(oref.object_id()).is_some_and(|c| c.large);
                        coins.insert(
                            *oref.object_id(),
                            Coin {
                                oref: oref.clone(),
                                large,
                            },
                        );
                    } else {
                        coins.remove(oref.object_id());
                    }
                }
                for oref in r.effects.deleted.iter().chain(&r.effects.wrapped) {
                    coins.remove(oref.object_id());
                }
                log.acked.push(r);
            }
            // The node was killed: the request failed to send or its answer never came.
            Err(SdkError::Transport(_)) => return log,
            Err(e) => {
                log.error = Some(e.to_string());
                return log;
            }
        }
    }
}

/// The client's next transaction: split off its gas coin to itself, split off another large
/// coin to the peer, merge small coins into the gas coin, or hand a small coin to the peer.
fn next_transaction(
    rng: &mut SplitMix64,
    me: Address,
    peer: Address,
    coins: &BTreeMap<ObjectID, Coin>,
) -> TransactionData {
    let large: Vec<ObjectReference> = coins
        .values()
        .filter(|c| c.large)
        .map(|c| c.oref.clone())
        .collect();
    let small: Vec<ObjectReference> = coins
        .values()
        .filter(|c| !c.large)
        .map(|c| c.oref.clone())
        .collect();
    let gas = large[0].clone();
    let mut b = PtbBuilder::new();
    let choice = if small.len() > 6 { 2 } else { rng.next() % 4 };
    match choice {
        1 if large.len() > 1 => {
            let coin = b.object(ObjectArg::ImmOrOwned(
                (large[1 + rng.next() as usize % (large.len() - 1)]).clone(),
            ));
            let amount = b.pure(&SMALL);
            let split = b.split_coins(coin, vec![amount]);
            let to = b.pure(&peer);
            b.transfer_objects(vec![split], to);
        }
        2 if !small.is_empty() => {
            let n = 1 + rng.next() as usize % small.len().min(3);
            let sources = small[..n]
                .iter()
                .map(|r| b.object(ObjectArg::ImmOrOwned(r.clone())))
                .collect();
            b.merge_coins(Argument::GasCoin, sources);
        }
        3 if !small.is_empty() => {
            let coin = b.object(ObjectArg::ImmOrOwned(
                (small[rng.next() as usize % small.len()]).clone(),
            ));
            let to = b.pure(&peer);
            b.transfer_objects(vec![coin], to);
        }
        _ => {
            let amount = b.pure(&SMALL);
            let split = b.split_coins(Argument::GasCoin, vec![amount]);
            let to = b.pure(&me);
            b.transfer_objects(vec![split], to);
        }
    }
    TransactionData {
        kind: TransactionKind::ProgrammableTransaction(b.finish()),
        sender: me,
        gas_data: GasData {
            payment: vec![gas],
            owner: me,
            price: movid_runtime::gas::REFERENCE_GAS_PRICE,
            budget: BUDGET,
        },
        expiration: TransactionExpiration::None,
    }
}

// ---------------------------------------------------------------- checks

/// Everything learned over the trials so far.
#[derive(Default)]
struct History {
    /// Every transaction a client sent.
    submitted: HashSet<Digest>,
    /// Every transaction the node acknowledged.
    acked: HashSet<Digest>,
    /// The store's transactions in execution order, as verified after the kills.
    sequence: Vec<Digest>,
    /// Which stored transaction wrote (or removed) each object version, and the object's
    /// digest then (`None` where the version is a deletion or wrapping).
    writers: BTreeMap<(ObjectID, SequenceNumber), (Digest, Option<Digest>)>,
    /// The version history of each object checked so far, as verified.
    chains: HashMap<ObjectID, Vec<ObjectVersion>>,
}

/// What one trial did.
struct TrialOutcome {
    submitted: usize,
    acked: Vec<ExecutionResult>,
    /// The transactions the store gained in the trial: the acknowledged ones and any that
    /// committed while their answer was lost to the kill.
    stored: Vec<(Digest, TransactionRecord)>,
}

impl History {
    fn record(&mut self, logs: Vec<ClientLog>, at: Trial) -> TrialOutcome {
        let mut outcome = TrialOutcome {
            submitted: 0,
            acked: vec![],
            stored: vec![],
        };
        for log in logs {
            outcome.submitted += log.submitted.len();
            // A transaction in flight at a kill that did not commit may be built again, byte
            // for byte, after the restart: the same digest submitted twice is no error.
            self.submitted.extend(log.submitted);
            for r in log.acked {
                assert!(
                    self.acked.insert(r.digest),
                    "{at}: {} acknowledged twice",
                    r.digest
                );
                outcome.acked.push(r);
            }
        }
        outcome
    }
}

/// Opens the store of the killed node and checks that it holds the transactions verified
/// before, followed without a gap by transactions the clients submitted, including every one
/// acknowledged in the trial. Records what the new transactions wrote.
fn check_store(data_dir: &Path, history: &mut History, outcome: &mut TrialOutcome, at: Trial) {
    let store = RedbStore::open(&data_dir.join(STORE_FILE))
        .unwrap_or_else(|e| panic!("{at}: the store does not reopen after SIGKILL: {e}"));
    let count = store.meta().unwrap().expect("a genesis").tx_count;
    let known = history.sequence.len() as u64;
    assert!(
        count >= known,
        "{at}: the store counts {count} transactions, {known} were there before"
    );
    if let Some(last) = history.sequence.last() {
        let listed = store.transactions(known - 1, 1).unwrap();
        assert_eq!(
            listed.first().map(|(d, _)| d),
            Some(last),
            "{at}: transaction {} changed",
            known - 1
        );
    }
    let new = store.transactions(known, usize::MAX).unwrap();
    assert_eq!(
        known + new.len() as u64,
        count,
        "{at}: the store counts {count} transactions and lists {}",
        known + new.len() as u64
    );
    for (digest, record) in &new {
        assert_eq!(
            record.sequence,
            history.sequence.len() as u64,
            "{at}: gap in the sequence at {digest}"
        );
        let tx = record
            .transaction
            .as_ref()
            .unwrap_or_else(|| panic!("{at}: stored transaction {digest} has no signed body"));
        assert_eq!(tx.digest(), *digest, "{at}: a record under another digest");
        assert!(
            history.submitted.contains(digest),
            "{at}: the store holds {digest}, which no client submitted"
        );
        let e = &record.effects;
        assert_eq!(e.transaction_digest, *digest);
        for (oref, _) in e.all_changed() {
            let previous = history.writers.insert(
                (*oref.object_id(), oref.version()),
                (*digest, Some(*oref.digest())),
            );
            assert!(previous.is_none(), "{at}: two transactions wrote {oref:?}");
        }
        for oref in e.deleted.iter().chain(&e.wrapped) {
            let previous = history
                .writers
                .insert((*oref.object_id(), oref.version()), (*digest, None));
            assert!(
                previous.is_none(),
                "{at}: two transactions removed {oref:?}"
            );
        }
        history.sequence.push(*digest);
    }
    let new_digests: HashSet<Digest> = new.iter().map(|(d, _)| *d).collect();
    for r in &outcome.acked {
        assert!(
            new_digests.contains(&r.digest),
            "{at}: acknowledged transaction {} is not in the store",
            r.digest
        );
    }
    outcome.stored = new;
}

/// Through the restarted node: every transaction acknowledged in the trial is there as
/// acknowledged, and every object the trial's stored transactions wrote or removed has an
/// intact version chain.
fn check_through_rpc(
    url: &str,
    outcome: &TrialOutcome,
    history: &mut History,
    genesis: Digest,
    at: Trial,
) {
    let client = RpcClient::new(url);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut fetched: HashMap<Digest, TransactionRecord> = HashMap::new();
    let mut fetch = |d: Digest| -> TransactionRecord {
        if let Some(r) = fetched.get(&d) {
            return r.clone();
        }
        let r = rt
            .block_on(client.transaction(d))
            .unwrap()
            .unwrap_or_else(|| panic!("{at}: the node does not know transaction {d}"));
        fetched.insert(d, r.clone());
        r
    };
    for acked in &outcome.acked {
        let r = fetch(acked.digest);
        assert_eq!(
            r.effects, acked.effects,
            "{at}: {} has other effects than acknowledged",
            acked.digest
        );
        assert_eq!(
            r.events, acked.events,
            "{at}: {} has other events than acknowledged",
            acked.digest
        );
    }
    let mut touched = BTreeSet::new();
    for (_, r) in &outcome.stored {
        touched.extend(r.effects.all_changed().map(|(o, _)| *o.object_id()));
        touched.extend(r.effects.deleted.iter().map(|o| *o.object_id()));
    }
    for id in touched {
        let chain = rt.block_on(client.object_history(id)).unwrap();
        // Versions verified after an earlier kill must be as they were; only the rest is new.
        let before = history.chains.get(&id).map_or(&[][..], Vec::as_slice);
        let verified = before.len();
        assert!(
            chain.starts_with(before),
            "{at}: {id}: versions verified before have changed"
        );
        let mut previous: Option<&ObjectVersion> = verified.checked_sub(1).map(|i| &chain[i]);
        for v in &chain[verified..] {
            assert_eq!(v.id, id);
            if let Some(p) = previous {
                assert!(
                    v.version > p.version,
                    "{at}: {id}: version {} follows {}",
                    v.version,
                    p.version
                );
                assert!(
                    p.object.is_some(),
                    "{at}: {id}: version {} follows its deletion at {}",
                    v.version,
                    p.version
                );
            }
            let writer = history.writers.get(&(id, v.version));
            match &v.object {
                Some(o) if o.previous_transaction == genesis => {
                    assert!(
                        previous.is_none() && writer.is_none() && v.version == 1,
                        "{at}: {id}: version {} claims genesis",
                        v.version
                    );
                }
                Some(o) => {
                    assert_eq!(o.version(), v.version, "{at}: {id}: version mismatch");
                    assert_eq!(
                        writer,
                        Some(&(o.previous_transaction, Some(o.digest()))),
                        "{at}: {id} version {}: the store names another writer",
                        v.version
                    );
                    let r = fetch(o.previous_transaction);
                    assert!(
                        r.effects
                            .all_changed()
                            .any(|(oref, _)| *oref == o.object_ref()),
                        "{at}: {id} version {}: its transaction's effects do not list it",
                        v.version
                    );
                    assert_consumes(&r, previous, at);
                }
                None => {
                    let (d, digest) = writer.unwrap_or_else(|| {
                        panic!("{at}: {id} removed at {} by no transaction", v.version)
                    });
                    assert!(digest.is_none(), "{at}: {id} version {}", v.version);
                    let r = fetch(*d);
                    assert!(
                        r.effects
                            .deleted
                            .iter()
                            .chain(&r.effects.wrapped)
                            .any(|o| *o.object_id() == id && o.version() == v.version),
                        "{at}: {id} version {}: its transaction's effects do not remove it",
                        v.version
                    );
                    assert_consumes(&r, previous, at);
                }
            }
            previous = Some(v);
        }
        let versions: BTreeSet<SequenceNumber> = chain.iter().map(|v| v.version).collect();
        for ((_, version), (d, _)) in history.writers.range((id, 0)..=(id, u64::MAX)) {
            assert!(
                versions.contains(version),
                "{at}: {d} wrote {id} at version {version}, missing from its history"
            );
        }
        let live = rt.block_on(client.get_object(id)).unwrap();
        assert_eq!(
            live.as_ref(),
            chain.last().unwrap().object.as_ref(),
            "{at}: {id}: the live object is not the last version"
        );
        history.chains.insert(id, chain);
    }
}

/// After the last trial: the whole store is the verified sequence, holding every acknowledged
/// transaction.
fn check_whole_store(data_dir: &Path, history: &History, seed: u64) {
    let store = RedbStore::open(&data_dir.join(STORE_FILE)).unwrap();
    let listed: Vec<Digest> = store
        .transactions(0, usize::MAX)
        .unwrap()
        .into_iter()
        .map(|(d, _)| d)
        .collect();
    assert!(
        listed == history.sequence,
        "seed {seed}: the store's transactions are not those verified after each kill"
    );
    let listed: HashSet<Digest> = listed.into_iter().collect();
    assert!(
        history.acked.is_subset(&listed),
        "seed {seed}: acknowledged transactions are missing"
    );
}

/// The transaction that wrote a version took the version before it as an input.
fn assert_consumes(r: &TransactionRecord, previous: Option<&ObjectVersion>, at: Trial) {
    let Some(Some(p)) = previous.map(|p| p.object.as_ref()) else {
        return;
    };
    let data = &r.transaction.as_ref().expect("a signed transaction").data;
    let mut inputs: Vec<ObjectReference> = data.gas_data.payment.clone();
    inputs.extend(data.programmable().inputs.iter().filter_map(|i| match i {
        CallArg::Object(ObjectArg::ImmOrOwned(r)) => Some(r.clone()),
        _ => None,
    }));
    assert!(
        inputs.contains(&p.object_ref()),
        "{at}: {} version {} was written by {}, which did not take version {} as input",
        p.id(),
        r.effects.lamport_version,
        r.effects.transaction_digest,
        p.version()
    );
}
