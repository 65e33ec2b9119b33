//! `movid bench`: a benchmark of the chain in this process, each workload measured twice over
//! the same transactions — the full cost of [`LocalChain`] (signature check, input checks, the
//! PTB adapter, gas, effects, commit) and the floor ([`movid_runtime::floor`]: Ed25519
//! verification plus the same Move calls with the same prepared BCS arguments on a bare VM) —
//! and their ratio. Run it from a release build (`cargo build --release -p movid`); figures
//! from a debug build mean little.
//!
//! Transactions go to the chain in rounds of independent transactions (each lane of the
//! benchmark has its own keys, gas coin and identity), submitted `--batch` at a time through
//! [`LocalChain::execute_batch`] (`--batch 1`: one at a time through
//! [`LocalChain::execute`]). Before a batch runs, each of its transactions is executed once
//! more, untimed and uncommitted, on a second executor to capture its Move calls for the floor;
//! the floor then replays the batch with the same parallelism. Latency percentiles are per
//! batch (per transaction with `--batch 1`). A warm-up round, not counted, loads the modules
//! into every VM first.
//!
//! `--identities N` is the scale run: it creates N identities (many per transaction), then at
//! 1k, 100k and 1M identities (those up to N, and N) runs `--count` transactions of the
//! proposal cycle on identities drawn at random from all created so far, and reports the cost
//! per transaction at each and the store bytes per identity.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};
use movid_runtime::chain::{ExecutionResult, LocalChain};
use movid_runtime::crypto::{blake2b256, KeyPair};
use movid_runtime::execution::{check_transaction, BlockEnv, Executor};
use movid_runtime::floor::{FloorRunner, TransactionTrace};
use movid_runtime::gas::MAX_GAS_BUDGET;
use movid_runtime::genesis::{GenesisConfig, MIST_PER_SUI};
use movid_runtime::store::{MemoryStore, RedbStore, Store};
use movid_runtime::types::*;
use movid_sdk::identity::OnChainIdentity;
use rayon::prelude::*;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::output::{CliError, CliResult, Output};

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Workload {
    /// Split a coin off the gas coin and send it.
    Transfer,
    /// Create an identity with one controller and a ~500-byte document.
    CreateIdentity,
    /// The proposal cycle on identities with `--controllers K` and threshold K/2+1: propose a
    /// document update, approve it to the threshold, execute (with the last approval).
    Proposal,
    /// Resolve a DID.
    Resolve,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum StoreKind {
    /// In memory.
    Memory,
    /// redb in a temporary directory.
    Redb,
}

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// What to measure [default: transfer; proposal with --identities].
    #[arg(long, value_enum)]
    pub workload: Option<Workload>,
    /// Where the chain keeps its state.
    #[arg(long, value_enum, default_value = "memory")]
    pub store: StoreKind,
    /// Transactions (resolutions for `resolve`) measured; with `--identities`, at each
    /// checkpoint.
    #[arg(long, default_value_t = 1000)]
    pub count: usize,
    /// Controllers per identity for `proposal` and `--identities` (threshold K/2+1).
    #[arg(long, default_value_t = 3)]
    pub controllers: usize,
    /// Transactions submitted to the chain together, which is also the number of independent
    /// lanes (senders, identities) in flight; 1 submits one at a time.
    #[arg(long, default_value_t = 256)]
    pub batch: usize,
    /// Scale run: create this many identities, then measure the proposal cycle at 1k, 100k
    /// and 1M identities (those up to N, and N).
    #[arg(long)]
    pub identities: Option<usize>,
    /// Measure the full cost only, without tracing and replaying the floor (for profiling the
    /// chain alone).
    #[arg(long)]
    pub no_floor: bool,
    /// redb's page cache, in MiB (`--store redb`).
    #[arg(long, default_value_t = RedbStore::DEFAULT_CACHE_BYTES >> 20)]
    pub cache_mb: usize,
}

/// Budget of one benchmark transaction.
const BUDGET: u64 = 2_000_000_000;
/// Identities one set-up transaction creates.
const IDENTITIES_PER_TX: usize = 200;
/// Size of every DID document the benchmark writes.
const DOC_SIZE: usize = 500;
/// Where the scale run measures.
const CHECKPOINTS: [usize; 3] = [1_000, 100_000, 1_000_000];

pub fn run(args: BenchArgs, out: Output) -> CliResult<()> {
    if args.count == 0 {
        return Err(CliError::new(
            "--count must be at least 1",
            "pass --count 1000",
        ));
    }
    let workload = match (args.workload, args.identities) {
        (None, None) => Workload::Transfer,
        (None | Some(Workload::Proposal), Some(_)) => Workload::Proposal,
        (Some(w), Some(_)) => {
            return Err(CliError::new(
                format!("--identities runs the proposal cycle, not {w:?}"),
                "drop --workload, or use --workload proposal",
            ))
        }
        (Some(w), None) => w,
    };
    let batch = args.batch.max(1);
    let k = match (workload, args.identities) {
        (Workload::Proposal, _) | (_, Some(_)) => args.controllers.clamp(1, 64),
        _ => 1,
    };
    let threshold = k / 2 + 1;
    // Independent lanes: enough for one batch, no more than the transactions need.
    let lanes = match (workload, args.identities) {
        (_, Some(_)) => batch,
        (Workload::Proposal, None) => batch.min(args.count.div_ceil(threshold)),
        _ => batch.min(args.count),
    }
    .max(1);

    let dir = tempfile::tempdir()?;
    let db = dir.path().join("bench.redb");
    let redb_store = match args.store {
        StoreKind::Memory => None,
        StoreKind::Redb => Some(Arc::new(RedbStore::open_with_cache(
            &db,
            args.cache_mb << 20,
        )?)),
    };
    let store: Arc<dyn Store> = match &redb_store {
        None => Arc::new(MemoryStore::new()),
        Some(r) => r.clone(),
    };
    let keys: Vec<Vec<KeyPair>> = (0..lanes)
        .map(|l| (0..k).map(|j| bench_key(l * k + j)).collect())
        .collect();
    let config = GenesisConfig {
        accounts: keys.iter().flatten().map(KeyPair::address).collect(),
        coins_per_account: 1,
        coin_value: 1_000_000 * MIST_PER_SUI,
        start_time_ms: 1_700_000_000_000,
    };
    let chain = Arc::new(out.spin("genesis", || LocalChain::open(store.clone(), config))?);
    let mut bench = Bench::new(chain, batch, &keys)?;
    bench.floor_on = !args.no_floor;
    let redb_path = redb_store.as_deref();
    let mut pop = Population::new(keys, threshold);
    let setting = Setting {
        workload,
        store: args.store,
        count: args.count,
        controllers: k,
        threshold,
        batch,
        lanes,
    };
    let report = match args.identities {
        Some(n) => scale(&mut bench, &mut pop, &setting, n.max(1), redb_path, out)?,
        None => match workload {
            Workload::Transfer => transfers(&mut bench, &pop, &setting)?,
            Workload::CreateIdentity => creations(&mut bench, &pop, &setting, redb_path)?,
            Workload::Proposal => proposals(&mut bench, &mut pop, &setting, out)?,
            Workload::Resolve => resolutions(&mut bench, &mut pop, &setting, out)?,
        },
    };
    let mut report = report;
    if let Some(r) = &redb_store {
        // Where the bytes are, table by table, for the whole chain at the end of the run.
        report["redb_tables"] = json!(r.stats().map_err(CliError::plain)?.tables);
        report["redb_cache_mb"] = json!(args.cache_mb);
    }
    out.print(&report, || text(&report));
    Ok(())
}

/// What every report repeats.
struct Setting {
    workload: Workload,
    store: StoreKind,
    count: usize,
    controllers: usize,
    threshold: usize,
    batch: usize,
    lanes: usize,
}

impl Setting {
    fn json(&self) -> Value {
        json!({
            "workload": name(self.workload),
            "store": format!("{:?}", self.store).to_lowercase(),
            "controllers": self.controllers,
            "threshold": self.threshold,
            "batch": self.batch,
            "lanes": self.lanes,
            "release_build": !cfg!(debug_assertions),
        })
    }
}

fn name(w: Workload) -> &'static str {
    match w {
        Workload::Transfer => "transfer",
        Workload::CreateIdentity => "create-identity",
        Workload::Proposal => "proposal",
        Workload::Resolve => "resolve",
    }
}

/// Deterministic benchmark keys (distinct for any number of lanes).
fn bench_key(i: usize) -> KeyPair {
    KeyPair::from_seed(blake2b256(&(i as u64).to_le_bytes()))
}

/// The cost of a measured phase, full and floor, over the same transactions.
#[derive(Default)]
struct Measure {
    txs: usize,
    full: Duration,
    floor: Duration,
    /// CPU time of the whole process (every thread) during `full` and `floor`: what the work
    /// costs whatever else the machine is running.
    full_cpu: Duration,
    floor_cpu: Duration,
    /// Per submission: a batch, or one transaction with `--batch 1`.
    latencies: Vec<Duration>,
}

impl Measure {
    /// Counts `n` transactions (or resolutions) that took `wall` and `cpu` on the full path.
    fn add_full(&mut self, n: usize, (wall, cpu): (Duration, Duration)) {
        self.full += wall;
        self.full_cpu += cpu;
        self.txs += n;
        self.latencies.push(wall);
    }

    /// Adds the floor of the same work.
    fn add_floor(&mut self, (wall, cpu): (Duration, Duration)) {
        self.floor += wall;
        self.floor_cpu += cpu;
    }

    fn json(&self, batch: usize) -> Value {
        let mut lat = self.latencies.clone();
        lat.sort();
        let n = self.txs.max(1) as f64;
        let full = self.full.as_secs_f64();
        // Zero when the floor was not measured (`--no-floor`): reported as null.
        let floor = (!self.floor.is_zero()).then_some(self.floor.as_secs_f64());
        let full_cpu = self.full_cpu.as_secs_f64();
        let floor_cpu = (!self.floor.is_zero()).then_some(self.floor_cpu.as_secs_f64());
        json!({
            "count": self.txs,
            "seconds": full,
            "per_second": n / full.max(1e-9),
            "full_us_per_tx": full * 1e6 / n,
            "floor_seconds": floor,
            "floor_per_second": floor.map(|f| n / f),
            "floor_us_per_tx": floor.map(|f| f * 1e6 / n),
            "ratio": floor.map(|f| full / f),
            "full_cpu_us_per_tx": full_cpu * 1e6 / n,
            "floor_cpu_us_per_tx": floor_cpu.map(|f| f * 1e6 / n),
            "cpu_ratio": floor_cpu.map(|f| full_cpu / f.max(1e-9)),
            "latency_unit": if batch == 1 { "transaction" } else { "batch" },
            "p50_ms": percentile(&lat, 0.5),
            "p99_ms": percentile(&lat, 0.99),
        })
    }
}

/// The chain under test, the executor that captures traces, and the floor.
struct Bench {
    chain: Arc<LocalChain>,
    tracer: Executor,
    floor: FloorRunner,
    /// Whether measured transactions are traced and replayed on the floor.
    floor_on: bool,
    batch: usize,
    /// Latest reference of every owned object the benchmark uses (gas coins, caps).
    refs: HashMap<ObjectID, ObjectReference>,
    /// Each key's gas coin.
    gas: HashMap<Address, ObjectID>,
}

impl Bench {
    fn new(chain: Arc<LocalChain>, batch: usize, keys: &[Vec<KeyPair>]) -> CliResult<Bench> {
        let floor = FloorRunner::from_store(&**chain.store(), &FloorRunner::GENESIS_PACKAGES)?;
        let mut bench = Bench {
            chain,
            tracer: Executor::new(),
            floor,
            floor_on: true,
            batch,
            refs: HashMap::new(),
            gas: HashMap::new(),
        };
        for key in keys.iter().flatten() {
            let coin = bench.chain.gas_coins(&key.address())?[0].object_ref();
            bench.gas.insert(key.address(), *coin.object_id());
            bench.refs.insert(*coin.object_id(), coin);
        }
        Ok(bench)
    }

    fn sign(&self, key: &KeyPair, ptb: ProgrammableTransaction, budget: u64) -> SignedTransaction {
        let sender = key.address();
        let data = TransactionData {
            kind: TransactionKind::ProgrammableTransaction(ptb),
            sender,
            gas_data: GasData {
                payment: vec![(self.refs[&self.gas[&sender]]).clone()],
                owner: sender,
                price: 1_000,
                budget,
            },
            expiration: TransactionExpiration::None,
        };
        SignedTransaction {
            signatures: vec![key.sign_transaction(&data)],
            data,
        }
    }

    /// Executes `tx` on the tracer against the chain's current state, committing nothing.
    fn trace(&self, tx: &SignedTransaction, env: BlockEnv) -> CliResult<TransactionTrace> {
        let store = &**self.chain.store();
        let checked = check_transaction(store, &tx.data, env.epoch)?;
        let (out, trace) = self.tracer.execute_traced(store, &checked, env);
        if let ExecutionStatus::Failure { error, command } = &out.effects.status {
            return Err(CliError::plain(format!(
                "traced transaction failed in command {command:?}: {error}"
            )));
        }
        Ok(trace)
    }

    /// Submits independent transactions, `batch` at a time. With a `Measure`, each batch is
    /// traced first and replayed on the floor after, and both are timed.
    fn submit(
        &mut self,
        txs: Vec<SignedTransaction>,
        mut measure: Option<&mut Measure>,
    ) -> CliResult<Vec<ExecutionResult>> {
        let meta = self
            .chain
            .store()
            .meta()?
            .ok_or_else(|| CliError::plain("the store has no chain"))?;
        let env = BlockEnv {
            epoch: meta.epoch,
            epoch_start_ms: meta.epoch_start_ms,
        };
        let mut results = Vec::with_capacity(txs.len());
        let mut txs = txs.into_iter().peekable();
        while txs.peek().is_some() {
            let chunk: Vec<SignedTransaction> = txs.by_ref().take(self.batch).collect();
            let traced = match measure {
                Some(_) if self.floor_on => {
                    let traces = chunk
                        .par_iter()
                        .map(|tx| self.trace(tx, env))
                        .collect::<CliResult<Vec<_>>>()?;
                    Some((chunk.clone(), traces))
                }
                _ => None,
            };
            let n = chunk.len();
            let watch = Stopwatch::start();
            let done = if self.batch == 1 {
                chunk.into_iter().map(|tx| self.chain.execute(tx)).collect()
            } else {
                self.chain.execute_batch(chunk)
            };
            let (full, full_cpu) = watch.elapsed();
            for r in done {
                let r = r?;
                if let ExecutionStatus::Failure { error, command } = &r.effects.status {
                    return Err(CliError::plain(format!(
                        "benchmark transaction failed in command {command:?}: {error}"
                    )));
                }
                for (o, _) in r.effects.all_changed() {
                    if self.refs.contains_key(o.object_id()) {
                        self.refs.insert(*o.object_id(), o.clone());
                    }
                }
                results.push(r);
            }
            if let Some(m) = measure.as_deref_mut() {
                if let Some((txs, traces)) = traced {
                    let watch = Stopwatch::start();
                    if self.batch == 1 {
                        for (tx, t) in txs.iter().zip(&traces) {
                            self.floor.run(tx, t)?;
                        }
                    } else {
                        txs.par_iter()
                            .zip(&traces)
                            .try_for_each(|(tx, t)| self.floor.run(tx, t))?;
                    }
                    m.add_floor(watch.elapsed());
                }
                m.add_full(n, (full, full_cpu));
            }
        }
        Ok(results)
    }

    /// The cap IDs of an identity by controller index (the lane's key order), loading their
    /// references the first time.
    fn caps_of(&mut self, identity: ObjectID, controllers: &[KeyPair]) -> CliResult<Vec<ObjectID>> {
        let o = self
            .chain
            .get_object(&identity)?
            .ok_or_else(|| CliError::plain(format!("identity {identity} does not exist")))?;
        let ident = OnChainIdentity::from_object(&o, "local")?;
        let mut caps = vec![ObjectID::ZERO; controllers.len()];
        for c in ident.controllers {
            let cap = self
                .chain
                .get_object(&c.cap_id)?
                .ok_or_else(|| CliError::plain(format!("cap {} does not exist", c.cap_id)))?;
            let Owner::AddressOwner(owner) = cap.owner else {
                return Err(CliError::plain(format!("cap {} is not owned", c.cap_id)));
            };
            let j = controllers
                .iter()
                .position(|k| k.address() == owner)
                .ok_or_else(|| CliError::plain(format!("cap {} has a stranger", c.cap_id)))?;
            caps[j] = cap.id();
            self.refs.entry(cap.id()).or_insert(cap.object_ref());
        }
        Ok(caps)
    }

    /// Serialized size of the objects a transaction created.
    fn created_bytes(&self, r: &ExecutionResult) -> CliResult<u64> {
        let mut n = 0;
        for (o, _) in &r.effects.created {
            if let Some(obj) = self.chain.get_object(o.object_id())? {
                n += bcs::serialized_size(&obj)? as u64;
            }
        }
        Ok(n)
    }
}

/// The identities of a benchmark, in lanes: lane `l` has its own `K` controller keys (each with
/// one gas coin) and controls only its own identities, so transactions of different lanes never
/// share an input.
struct Population {
    keys: Vec<Vec<KeyPair>>,
    threshold: usize,
    /// Per lane: each identity and its initial shared version.
    identities: Vec<Vec<(ObjectID, SequenceNumber)>>,
    /// Cap IDs by controller index, for identities the cycle has used.
    caps: HashMap<ObjectID, Vec<ObjectID>>,
    total: usize,
    /// Serialized bytes of the objects created with the identities counted in `sampled`.
    object_bytes: u64,
    sampled: u64,
    /// Wall time spent creating identities.
    seconds: f64,
    /// Growth of the redb file while creating identities.
    file_bytes: u64,
    /// Growth of the bytes the redb tables occupy while identities were created.
    used_bytes: u64,
}

impl Population {
    fn new(keys: Vec<Vec<KeyPair>>, threshold: usize) -> Population {
        let lanes = keys.len();
        Population {
            keys,
            threshold,
            identities: vec![vec![]; lanes],
            caps: HashMap::new(),
            total: 0,
            object_bytes: 0,
            sampled: 0,
            seconds: 0.0,
            file_bytes: 0,
            used_bytes: 0,
        }
    }

    /// Creates identities until there are `target`, many per transaction, one transaction per
    /// lane per round.
    fn grow(
        &mut self,
        bench: &mut Bench,
        target: usize,
        redb: Option<&RedbStore>,
        bar: &indicatif::ProgressBar,
    ) -> CliResult<()> {
        let started = Instant::now();
        let size_before = store_size(redb)?;
        let doc = did_doc(DOC_SIZE);
        let k = self.keys[0].len();
        while self.total < target {
            let mut txs = vec![];
            let mut left = target - self.total;
            // Spread evenly, so that every lane has identities to cycle on.
            let per_lane = left.div_ceil(self.keys.len()).min(IDENTITIES_PER_TX);
            for lane in &self.keys {
                if left == 0 {
                    break;
                }
                let m = left.min(per_lane);
                left -= m;
                let mut b = PtbBuilder::new();
                let d = b.pure(&Some(doc.clone()));
                let addrs = b.pure(&lane.iter().map(KeyPair::address).collect::<Vec<_>>());
                let vps = b.pure(&vec![1u64; k]);
                let del = b.pure(&vec![false; k]);
                let t = b.pure(&(self.threshold as u64));
                let c = b.object(clock());
                for _ in 0..m {
                    b.move_call(
                        ObjectID::IDENTITY,
                        "identity",
                        "new_with_controllers",
                        vec![],
                        vec![d, addrs, vps, del, t, c],
                    );
                }
                txs.push(bench.sign(&lane[0], b.finish(), MAX_GAS_BUDGET));
            }
            let results = bench.submit(txs, None)?;
            for (lane, r) in results.iter().enumerate() {
                let created: Vec<_> = r
                    .effects
                    .created
                    .iter()
                    .filter_map(|(o, owner)| match owner {
                        Owner::Shared {
                            initial_shared_version,
                        } => Some((*o.object_id(), *initial_shared_version)),
                        _ => None,
                    })
                    .collect();
                self.total += created.len();
                bar.inc(created.len() as u64);
                // Every identity is alike: the first transaction of each round is a fair sample.
                if lane == 0 {
                    self.object_bytes += bench.created_bytes(r)?;
                    self.sampled += created.len() as u64;
                }
                self.identities[lane].extend(created);
            }
        }
        self.seconds += started.elapsed().as_secs_f64();
        let size_after = store_size(redb)?;
        self.file_bytes += size_after.0.saturating_sub(size_before.0);
        self.used_bytes += size_after.1.saturating_sub(size_before.1);
        Ok(())
    }

    /// Runs `count` transactions of the proposal cycle on up to `max_lanes` lanes, each lane
    /// on an identity drawn at random from its own for every cycle.
    fn cycle(
        &mut self,
        bench: &mut Bench,
        count: usize,
        max_lanes: usize,
        measure: &mut Measure,
        rng: &mut u64,
    ) -> CliResult<()> {
        let doc = did_doc(DOC_SIZE);
        let t = self.threshold;
        let mut left = count;
        while left > 0 {
            // Lanes fill in order, so those with identities come first.
            let filled = self.identities.iter().take_while(|i| !i.is_empty()).count();
            let lanes = filled.min(max_lanes).min(left.div_ceil(t));
            // (lane, identity argument, caps)
            let mut work = vec![];
            for l in 0..lanes {
                let ids = &self.identities[l];
                let (id, isv) = ids[(xorshift(rng) % ids.len() as u64) as usize];
                let caps = match self.caps.get(&id) {
                    Some(c) => c.clone(),
                    None => {
                        let c = bench.caps_of(id, &self.keys[l])?;
                        self.caps.insert(id, c.clone());
                        c
                    }
                };
                let ident = ObjectArg::Shared {
                    id,
                    initial_shared_version: isv,
                    mutable: true,
                };
                work.push((l, ident, caps));
            }
            // Propose.
            let n = lanes.min(left);
            let mut txs = vec![];
            for (l, ident, caps) in &work[..n] {
                let mut b = PtbBuilder::new();
                let auth = auth_with_cap(&mut b, (bench.refs[&caps[0]]).clone());
                let i = b.object(ident.clone());
                let exp = b.pure(&Option::<u64>::None);
                let d = b.pure(&doc);
                let c = b.object(clock());
                b.move_call(
                    ObjectID::IDENTITY,
                    "did_proposal",
                    "propose_update",
                    vec![],
                    vec![i, auth, exp, d, c],
                );
                txs.push(bench.sign(&self.keys[*l][0], b.finish(), BUDGET));
            }
            let results = bench.submit(txs, Some(measure))?;
            left -= n;
            if t == 1 {
                continue;
            }
            let proposals = results
                .iter()
                .map(proposal_created)
                .collect::<CliResult<Vec<_>>>()?;
            // Approve; the approval that reaches the threshold executes too.
            for j in 1..t {
                let n = proposals.len().min(left);
                if n == 0 {
                    break;
                }
                let mut txs = vec![];
                for ((l, ident, caps), proposal) in work.iter().zip(&proposals).take(n) {
                    let mut b = PtbBuilder::new();
                    let auth = auth_with_cap(&mut b, (bench.refs[&caps[j]]).clone());
                    let i = b.object(ident.clone());
                    let p = b.pure(proposal);
                    b.move_call(
                        ObjectID::IDENTITY,
                        "identity",
                        "approve_proposal",
                        vec![update_did_type()],
                        vec![i, auth, p],
                    );
                    if j + 1 == t {
                        let c = b.object(clock());
                        b.move_call(
                            ObjectID::IDENTITY,
                            "did_proposal",
                            "execute_update",
                            vec![],
                            vec![i, auth, p, c],
                        );
                    }
                    txs.push(bench.sign(&self.keys[*l][j], b.finish(), BUDGET));
                }
                bench.submit(txs, Some(measure))?;
                left -= n;
            }
        }
        Ok(())
    }
}

fn transfers(bench: &mut Bench, pop: &Population, s: &Setting) -> CliResult<Value> {
    let round = |bench: &Bench, n: usize| -> Vec<SignedTransaction> {
        (0..n)
            .map(|l| {
                let to = pop.keys[(l + 1) % pop.keys.len()][0].address();
                let mut b = PtbBuilder::new();
                let amt = b.pure(&1u64);
                let coin = b.split_coins(Argument::GasCoin, vec![amt]);
                let to = b.pure(&to);
                b.transfer_objects(vec![coin], to);
                bench.sign(&pop.keys[l][0], b.finish(), BUDGET)
            })
            .collect()
    };
    bench.submit(round(bench, 1), Some(&mut Measure::default()))?;
    let mut m = Measure::default();
    let mut left = s.count;
    while left > 0 {
        let n = left.min(s.lanes);
        bench.submit(round(bench, n), Some(&mut m))?;
        left -= n;
    }
    Ok(report(s, &m))
}

fn creations(
    bench: &mut Bench,
    pop: &Population,
    s: &Setting,
    redb: Option<&RedbStore>,
) -> CliResult<Value> {
    let doc = did_doc(DOC_SIZE);
    let round = |bench: &Bench, n: usize| -> Vec<SignedTransaction> {
        (0..n)
            .map(|l| {
                let mut b = PtbBuilder::new();
                let d = b.pure(&Some(doc.clone()));
                let c = b.object(clock());
                b.move_call(ObjectID::IDENTITY, "identity", "new", vec![], vec![d, c]);
                bench.sign(&pop.keys[l][0], b.finish(), BUDGET)
            })
            .collect()
    };
    bench.submit(round(bench, 1), Some(&mut Measure::default()))?;
    let before = store_size(redb)?;
    let mut m = Measure::default();
    let mut object_bytes = 0;
    let mut left = s.count;
    while left > 0 {
        let n = left.min(s.lanes);
        for r in bench.submit(round(bench, n), Some(&mut m))? {
            object_bytes += bench.created_bytes(&r)?;
        }
        left -= n;
    }
    let mut v = report(s, &m);
    let per_identity = object_bytes as f64 / s.count as f64;
    v["object_bytes_per_identity"] = json!(per_identity);
    store_bytes(
        &mut v,
        per_identity,
        redb.map(|_| -> CliResult<(f64, f64)> {
            let after = store_size(redb)?;
            Ok((
                after.0.saturating_sub(before.0) as f64 / s.count as f64,
                after.1.saturating_sub(before.1) as f64 / s.count as f64,
            ))
        })
        .transpose()?,
    );
    Ok(v)
}

fn proposals(
    bench: &mut Bench,
    pop: &mut Population,
    s: &Setting,
    out: Output,
) -> CliResult<Value> {
    let bar = progress(out, s.lanes);
    pop.grow(bench, s.lanes, None, &bar)?;
    bar.finish_and_clear();
    let mut rng = 0x9E37_79B9_7F4A_7C15;
    pop.cycle(bench, pop.threshold, 1, &mut Measure::default(), &mut rng)?;
    let mut m = Measure::default();
    pop.cycle(bench, s.count, usize::MAX, &mut m, &mut rng)?;
    Ok(report(s, &m))
}

fn resolutions(
    bench: &mut Bench,
    pop: &mut Population,
    s: &Setting,
    out: Output,
) -> CliResult<Value> {
    let bar = progress(out, s.lanes);
    pop.grow(bench, s.lanes, None, &bar)?;
    bar.finish_and_clear();
    let ids: Vec<ObjectID> = pop.identities.iter().flatten().map(|(id, _)| *id).collect();
    let dids: Vec<String> = ids
        .iter()
        .map(|id| format!("did:movid:local:{id}"))
        .collect();
    let client = movid_sdk::client::InProcessClient::new(bench.chain.clone());
    let store = bench.chain.store().clone();
    // Full: the SDK resolver (DID parsing, client read, identity decoding, W3C document model
    // and metadata). Floor: the store read and the BCS decoding of the identity.
    let full = |rt: &tokio::runtime::Runtime, did: &String| -> CliResult<()> {
        let res = rt.block_on(movid_sdk::resolver::resolve(&client, did))?;
        if res.did_document.is_none() {
            return Err(CliError::plain(format!("{did} resolved to no document")));
        }
        Ok(())
    };
    let floor = |id: &ObjectID| -> CliResult<()> {
        let o = store
            .get_object(id)?
            .ok_or_else(|| CliError::plain(format!("identity {id} does not exist")))?;
        let ident = OnChainIdentity::from_object(&o, "local")?;
        if ident.did_doc.is_none_or(|d| d.is_empty()) {
            return Err(CliError::plain(format!("identity {id} has no document")));
        }
        Ok(())
    };
    let runtime = || {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a tokio runtime")
    };
    let rt = runtime();
    full(&rt, &dids[0])?;
    floor(&ids[0])?;
    let mut m = Measure::default();
    let mut next = 0;
    while m.txs < s.count {
        let n = (s.count - m.txs).min(s.batch);
        let chunk: Vec<usize> = (next..next + n).map(|i| i % ids.len()).collect();
        next += n;
        let watch = Stopwatch::start();
        if s.batch == 1 {
            full(&rt, &dids[chunk[0]])?;
        } else {
            chunk
                .par_iter()
                .map_init(runtime, |rt, &i| full(rt, &dids[i]))
                .collect::<CliResult<()>>()?;
        }
        let (elapsed, elapsed_cpu) = watch.elapsed();
        let watch = Stopwatch::start();
        if bench.floor_on && s.batch == 1 {
            floor(&ids[chunk[0]])?;
        } else if bench.floor_on {
            chunk
                .par_iter()
                .map(|&i| floor(&ids[i]))
                .collect::<CliResult<()>>()?;
        }
        m.add_floor(watch.elapsed());
        m.add_full(n, (elapsed, elapsed_cpu));
    }
    Ok(report(s, &m))
}

fn scale(
    bench: &mut Bench,
    pop: &mut Population,
    s: &Setting,
    n: usize,
    redb: Option<&RedbStore>,
    out: Output,
) -> CliResult<Value> {
    let mut checkpoints: Vec<usize> = CHECKPOINTS.into_iter().filter(|c| *c <= n).collect();
    if checkpoints.last() != Some(&n) {
        checkpoints.push(n);
    }
    let bar = progress(out, n);
    let mut rng = 0x9E37_79B9_7F4A_7C15;
    let mut rows = vec![];
    let mut total = Measure::default();
    for (i, c) in checkpoints.iter().enumerate() {
        pop.grow(bench, *c, redb, &bar)?;
        if i == 0 {
            pop.cycle(bench, pop.threshold, 1, &mut Measure::default(), &mut rng)?;
        }
        let mut m = Measure::default();
        pop.cycle(bench, s.count, usize::MAX, &mut m, &mut rng)?;
        let mut row = m.json(s.batch);
        row["identities"] = json!(c);
        rows.push(row);
        total.txs += m.txs;
    }
    bar.finish_and_clear();
    let per_identity = pop.object_bytes as f64 / pop.sampled.max(1) as f64;
    let mut v = s.json();
    v["workload"] = json!("scale");
    v["identities"] = json!(n);
    v["count"] = json!(total.txs);
    v["count_per_checkpoint"] = json!(s.count);
    v["create_seconds"] = json!(pop.seconds);
    v["created_per_second"] = json!(pop.total as f64 / pop.seconds.max(1e-9));
    v["object_bytes_per_identity"] = json!(per_identity);
    store_bytes(
        &mut v,
        per_identity,
        redb.map(|_| {
            (
                pop.file_bytes as f64 / pop.total as f64,
                pop.used_bytes as f64 / pop.total as f64,
            )
        }),
    );
    let first = rows[0]["full_us_per_tx"].as_f64().unwrap_or(0.0);
    let last = rows[rows.len() - 1]["full_us_per_tx"]
        .as_f64()
        .unwrap_or(0.0);
    v["cost_growth"] = json!(last / first.max(1e-9));
    let cpu = |r: &Value| r["full_cpu_us_per_tx"].as_f64().unwrap_or(0.0);
    v["cpu_cost_growth"] = json!(cpu(&rows[rows.len() - 1]) / cpu(&rows[0]).max(1e-9));
    v["checkpoints"] = json!(rows);
    v["peak_memory_kib"] = json!(peak_memory_kib());
    Ok(v)
}

/// `store_bytes_per_identity` and what it counts: on redb, the growth of the pages its tables
/// occupy (the file growth goes to `file_bytes_per_identity`);
/// in memory, the serialized objects.
fn store_bytes(v: &mut Value, object_bytes: f64, redb_bytes: Option<(f64, f64)>) {
    match redb_bytes {
        Some((file, used)) => {
            v["store_bytes_per_identity"] = json!(used);
            v["store_bytes_basis"] =
                json!("growth of the pages redb's tables occupy (data, B-tree, fragmentation) / identities");
            // redb grows its file in steps and keeps freed pages: meaningful for many identities only.
            v["file_bytes_per_identity"] = json!(file);
        }
        None => {
            v["store_bytes_per_identity"] = json!(object_bytes);
            v["store_bytes_basis"] =
                json!("serialized objects created (identity, caps) / identities");
        }
    }
}

fn report(s: &Setting, m: &Measure) -> Value {
    let mut v = s.json();
    if let (Value::Object(a), Value::Object(b)) = (&mut v, m.json(s.batch)) {
        a.extend(b);
    }
    v["peak_memory_kib"] = json!(peak_memory_kib());
    v
}

/// The report for people.
fn text(v: &Value) -> String {
    let f = |k: &str| v[k].as_f64().unwrap_or(0.0);
    let workload = match v["workload"].as_str().unwrap_or("") {
        "scale" => "scale run of the proposal cycle",
        w => w,
    };
    let mut s = format!(
        "{workload} on {} ({} controller(s), threshold {}), batches of {}:\n",
        v["store"].as_str().unwrap_or(""),
        v["controllers"],
        v["threshold"],
        v["batch"],
    );
    let row = |r: &Value| {
        let g = |k: &str| r[k].as_f64().unwrap_or(0.0);
        let full = format!(
            "  full  {:>9.0}/s {:>9.1} µs/tx  (p50 {:.3} ms, p99 {:.3} ms per {})\n",
            g("per_second"),
            g("full_us_per_tx"),
            g("p50_ms"),
            g("p99_ms"),
            r["latency_unit"].as_str().unwrap_or(""),
        );
        let floor = match r["ratio"].as_f64() {
            Some(ratio) => format!(
                "  floor {:>9.0}/s {:>9.1} µs/tx  ratio {ratio:.2}x\n  CPU time: full {:.1} µs/tx, floor {:.1} µs/tx, ratio {:.2}x\n",
                g("floor_per_second"),
                g("floor_us_per_tx"),
                g("full_cpu_us_per_tx"),
                g("floor_cpu_us_per_tx"),
                g("cpu_ratio"),
            ),
            None => format!(
                "  floor not measured; CPU time {:.1} µs/tx\n",
                g("full_cpu_us_per_tx")
            ),
        };
        full + &floor
    };
    match v["checkpoints"].as_array() {
        Some(rows) => {
            s += &format!(
                "  created {} identities in {:.1} s ({:.0}/s)\n",
                v["identities"],
                f("create_seconds"),
                f("created_per_second")
            );
            for r in rows {
                s += &format!(
                    " at {} identities, {} transactions:\n",
                    r["identities"], r["count"]
                );
                s += &row(r);
            }
            s += &format!(
                "  cost at the last checkpoint / the first: {:.2}x (CPU time {:.2}x)\n",
                f("cost_growth"),
                f("cpu_cost_growth")
            );
        }
        None => {
            s += &format!(" {} transactions:\n", v["count"]);
            s += &row(v);
        }
    }
    if v.get("store_bytes_per_identity").is_some() {
        s += &format!(
            "  store: {:.0} bytes per identity ({}); objects alone {:.0}\n",
            f("store_bytes_per_identity"),
            v["store_bytes_basis"].as_str().unwrap_or(""),
            f("object_bytes_per_identity"),
        );
        if v.get("file_bytes_per_identity").is_some() {
            s += &format!(
                "  redb file growth: {:.0} bytes per identity\n",
                f("file_bytes_per_identity")
            );
        }
    }
    s += &format!(
        "  peak memory {} MiB{}",
        v["peak_memory_kib"].as_u64().unwrap_or(0) / 1024,
        if cfg!(debug_assertions) {
            " (debug build: use --release for real figures)"
        } else {
            ""
        }
    );
    s
}

/// The ID in the `ProposalCreated` event of a propose transaction.
fn proposal_created(r: &ExecutionResult) -> CliResult<ObjectID> {
    /// `identity::events::ProposalCreated`.
    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct ProposalCreated {
        identity: ObjectID,
        proposal: ObjectID,
        controller: ObjectID,
        expiration_epoch: Option<u64>,
        votes: u64,
        threshold: u64,
    }
    let e = r
        .events
        .iter()
        .find(|e| e.type_.name.as_str() == "ProposalCreated")
        .ok_or_else(|| CliError::plain("the proposal transaction created no proposal"))?;
    Ok(bcs::from_bytes::<ProposalCreated>(&e.contents)?.proposal)
}

fn auth_with_cap(b: &mut PtbBuilder, cap: ObjectReference) -> Argument {
    let cap = b.object(ObjectArg::ImmOrOwned(cap));
    b.move_call(
        ObjectID::IDENTITY,
        "controller",
        "auth_with_cap",
        vec![],
        vec![cap],
    )
}

fn update_did_type() -> TypeTag {
    TypeTag::Struct(StructTag {
        address: movid_runtime::seam::to_vm_address(ObjectID::IDENTITY),
        module: move_core_types::identifier::Identifier::new("did_proposal").expect("valid"),
        name: move_core_types::identifier::Identifier::new("UpdateDid").expect("valid"),
        type_params: vec![],
    })
}

fn clock() -> ObjectArg {
    ObjectArg::Shared {
        id: ObjectID::CLOCK,
        initial_shared_version: 1,
        mutable: false,
    }
}

/// An on-chain DID document of about `len` bytes.
fn did_doc(len: usize) -> Vec<u8> {
    let mut json = String::from(
        r#"{"@context":["https://www.w3.org/ns/did/v1"],"id":"did:0:0","service":[{"id":"did:0:0#s","type":"Note","serviceEndpoint":""#,
    );
    while json.len() < len.saturating_sub(9) {
        json.push('x');
    }
    json.push_str(r#""}]}"#);
    let mut b = b"DID".to_vec();
    b.extend([1, 0]);
    b.extend(json.into_bytes());
    b
}

fn xorshift(state: &mut u64) -> u64 {
    let mut x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    x
}

fn progress(out: Output, len: usize) -> indicatif::ProgressBar {
    if out.interactive() {
        let bar = indicatif::ProgressBar::new(len as u64);
        bar.set_message("creating identities");
        bar
    } else {
        indicatif::ProgressBar::hidden()
    }
}

/// The redb file's size and the bytes its tables occupy (data, B-tree structure and
/// fragmentation, without free pages).
fn store_size(redb: Option<&RedbStore>) -> CliResult<(u64, u64)> {
    match redb {
        None => Ok((0, 0)),
        Some(r) => {
            let s = r.stats().map_err(CliError::plain)?;
            Ok((s.file_bytes, s.used_bytes()))
        }
    }
}

/// Wall-clock and process CPU time from a starting point.
struct Stopwatch {
    wall: Instant,
    cpu: Duration,
}

impl Stopwatch {
    fn start() -> Stopwatch {
        Stopwatch {
            wall: Instant::now(),
            cpu: process_cpu_time(),
        }
    }

    /// (wall, CPU) elapsed.
    fn elapsed(&self) -> (Duration, Duration) {
        (
            self.wall.elapsed(),
            process_cpu_time().saturating_sub(self.cpu),
        )
    }
}

/// CPU time used by all threads of this process.
fn process_cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec through a valid, exclusive pointer.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

fn peak_memory_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1e3
}
