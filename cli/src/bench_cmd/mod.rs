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

mod measure;
mod population;
mod ptb;
mod report;
mod workloads;

use measure::*;
use population::*;
use ptb::*;
use report::*;
use workloads::*;

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
