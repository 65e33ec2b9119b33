//! `movid bench`: a benchmark of the chain in this process. Run it from a release build
//! (`cargo run --release -p movid -- bench`); figures from a debug build mean little.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};
use movid_runtime::chain::LocalChain;
use movid_runtime::crypto::KeyPair;
use movid_runtime::genesis::{dev_keys, GenesisConfig, MOVID};
use movid_runtime::store::{MemoryStore, RedbStore, Store};
use movid_runtime::types::*;
use serde_json::json;

use crate::output::{CliError, CliResult, Output};

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Workload {
    /// Split a coin off the gas coin and send it.
    Transfer,
    /// Create an identity with one controller and a ~500-byte document.
    CreateIdentity,
    /// Propose a document update, approve it to the threshold, execute.
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
    /// What to measure.
    #[arg(long, value_enum, default_value = "transfer")]
    pub workload: Workload,
    /// Where the chain keeps its state.
    #[arg(long, value_enum, default_value = "memory")]
    pub store: StoreKind,
    /// Number of transactions (resolutions for `resolve`).
    #[arg(long, default_value_t = 1000)]
    pub count: usize,
    /// Controllers per identity for `proposal` (threshold K/2+1).
    #[arg(long, default_value_t = 3)]
    pub controllers: usize,
}

struct Runner {
    chain: Arc<LocalChain>,
    /// Latest reference of every owned object the benchmark uses.
    refs: HashMap<ObjectID, ObjectRef>,
    gas: HashMap<Address, ObjectRef>,
    latencies: Vec<Duration>,
}

const BUDGET: u64 = 2_000_000_000;

impl Runner {
    fn execute(
        &mut self,
        key: &KeyPair,
        ptb: ProgrammableTransaction,
    ) -> CliResult<movid_runtime::chain::ExecutionResult> {
        let sender = key.address();
        let data = TransactionData {
            kind: TransactionKind::ProgrammableTransaction(ptb),
            sender,
            gas_data: GasData {
                payment: vec![self.gas[&sender]],
                owner: sender,
                price: 1_000,
                budget: BUDGET,
            },
            expiration: TransactionExpiration::None,
        };
        let signed = SignedTransaction {
            signatures: vec![key.sign_transaction(&data)],
            data,
        };
        let start = Instant::now();
        let r = self.chain.execute(signed).map_err(CliError::plain)?;
        self.latencies.push(start.elapsed());
        if let ExecutionStatus::Failure { error, command } = &r.effects.status {
            return Err(CliError::plain(format!(
                "benchmark transaction failed in command {command:?}: {error}"
            )));
        }
        self.gas.insert(sender, r.effects.gas_object.0);
        for (r, _) in r.effects.all_changed() {
            self.refs.insert(r.id, *r);
        }
        Ok(r)
    }
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

fn did_doc(len: usize) -> Vec<u8> {
    let mut json = String::from(
        r#"{"@context":["https://www.w3.org/ns/did/v1"],"id":"did:0:0","service":[{"id":"did:0:0#s","type":"Note","serviceEndpoint":""#,
    );
    while json.len() < len.saturating_sub(6) {
        json.push('x');
    }
    json.push_str(r#""}]}"#);
    let mut b = b"DID".to_vec();
    b.extend([1, 0]);
    b.extend(json.into_bytes());
    b
}

fn struct_tag(addr: ObjectID, module: &str, name: &str) -> TypeTag {
    TypeTag::Struct(StructTag {
        address: addr.into(),
        module: move_core_types::identifier::Identifier::new(module).expect("valid"),
        name: move_core_types::identifier::Identifier::new(name).expect("valid"),
        type_params: vec![],
    })
}

pub fn run(args: BenchArgs, out: Output) -> CliResult<()> {
    let dir = tempfile::tempdir()?;
    let store: Arc<dyn Store> = match args.store {
        StoreKind::Memory => Arc::new(MemoryStore::new()),
        StoreKind::Redb => {
            Arc::new(RedbStore::open(&dir.path().join("bench.redb")).map_err(CliError::plain)?)
        }
    };
    let k = args.controllers.clamp(1, 64);
    let keys = dev_keys(k.max(2));
    let config = GenesisConfig {
        accounts: keys.iter().map(KeyPair::address).collect(),
        coins_per_account: 1,
        coin_value: 1_000_000 * MOVID,
        start_time_ms: 1_700_000_000_000,
    };
    let chain = Arc::new(
        out.spin("genesis", || LocalChain::open(store, config))
            .map_err(CliError::plain)?,
    );
    let mut r = Runner {
        chain: chain.clone(),
        refs: HashMap::new(),
        gas: HashMap::new(),
        latencies: vec![],
    };
    for key in &keys {
        let coin = chain.gas_coins(&key.address()).map_err(CliError::plain)?[0].object_ref();
        r.gas.insert(key.address(), coin);
    }
    let clock = ObjectArg::Shared {
        id: ObjectID::CLOCK,
        initial_shared_version: 1,
        mutable: false,
    };
    let bar = if out.interactive() {
        indicatif::ProgressBar::new(args.count as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    let started;
    let mut transactions = 0usize;
    match args.workload {
        Workload::Transfer => {
            let to = keys[1].address();
            started = Instant::now();
            for _ in 0..args.count {
                let mut b = PtbBuilder::new();
                let amt = b.pure(&1u64);
                let coin = b.split_coins(Argument::GasCoin, vec![amt]);
                let to = b.pure(&to);
                b.transfer_objects(vec![coin], to);
                r.execute(&keys[0], b.finish())?;
                transactions += 1;
                bar.inc(1);
            }
        }
        Workload::CreateIdentity => {
            let doc = did_doc(500);
            started = Instant::now();
            for _ in 0..args.count {
                let mut b = PtbBuilder::new();
                let d = b.pure(&Some(doc.clone()));
                let c = b.object(clock);
                b.move_call(ObjectID::IDENTITY, "identity", "new", vec![], vec![d, c]);
                r.execute(&keys[0], b.finish())?;
                transactions += 1;
                bar.inc(1);
            }
        }
        Workload::Proposal => {
            let threshold = (k / 2 + 1) as u64;
            let mut b = PtbBuilder::new();
            let d = b.pure(&Some(did_doc(200)));
            let addrs = b.pure(
                &keys
                    .iter()
                    .take(k)
                    .map(KeyPair::address)
                    .collect::<Vec<_>>(),
            );
            let vps = b.pure(&vec![1u64; k]);
            let del = b.pure(&vec![false; k]);
            let t = b.pure(&threshold);
            let c = b.object(clock);
            b.move_call(
                ObjectID::IDENTITY,
                "identity",
                "new_with_controllers",
                vec![],
                vec![d, addrs, vps, del, t, c],
            );
            let created = r.execute(&keys[0], b.finish())?;
            let (identity, isv) = created
                .effects
                .created
                .iter()
                .find_map(|(o, owner)| match owner {
                    Owner::Shared {
                        initial_shared_version,
                    } => Some((o.id, *initial_shared_version)),
                    _ => None,
                })
                .ok_or_else(|| CliError::plain("no identity created"))?;
            let mut caps = vec![];
            for key in keys.iter().take(k) {
                let cap = chain
                    .owned_objects(&key.address())
                    .map_err(CliError::plain)?
                    .into_iter()
                    .find(|o| {
                        o.type_()
                            .is_some_and(|t| t.name.as_str() == "ControllerCap")
                    })
                    .ok_or_else(|| CliError::plain("controller has no cap"))?;
                r.refs.insert(cap.id(), cap.object_ref());
                caps.push(cap.id());
            }
            let update_did = struct_tag(ObjectID::IDENTITY, "did_proposal", "UpdateDid");
            let ident = ObjectArg::Shared {
                id: identity,
                initial_shared_version: isv,
                mutable: true,
            };
            let doc = did_doc(300);
            r.latencies.clear();
            started = Instant::now();
            let mut cycles = 0usize;
            while transactions < args.count {
                let mut b = PtbBuilder::new();
                let cap = b.object(ObjectArg::ImmOrOwned(r.refs[&caps[0]]));
                let auth = b.move_call(
                    ObjectID::IDENTITY,
                    "controller",
                    "auth_with_cap",
                    vec![],
                    vec![cap],
                );
                let i = b.object(ident);
                let exp = b.pure(&Option::<u64>::None);
                let d = b.pure(&doc);
                let c = b.object(clock);
                b.move_call(
                    ObjectID::IDENTITY,
                    "did_proposal",
                    "propose_update",
                    vec![],
                    vec![i, auth, exp, d, c],
                );
                let res = r.execute(&keys[0], b.finish())?;
                transactions += 1;
                bar.inc(1);
                if threshold == 1 {
                    cycles += 1;
                    continue;
                }
                let proposal = res
                    .effects
                    .created
                    .iter()
                    .find_map(|(o, _)| {
                        chain
                            .get_object(&o.id)
                            .ok()
                            .flatten()
                            .filter(|x| x.type_().is_some_and(|t| t.name.as_str() == "Proposal"))
                            .map(|_| o.id)
                    })
                    .ok_or_else(|| CliError::plain("no proposal created"))?;
                for j in 1..threshold as usize {
                    let mut b = PtbBuilder::new();
                    let cap = b.object(ObjectArg::ImmOrOwned(r.refs[&caps[j]]));
                    let auth = b.move_call(
                        ObjectID::IDENTITY,
                        "controller",
                        "auth_with_cap",
                        vec![],
                        vec![cap],
                    );
                    let i = b.object(ident);
                    let p = b.pure(&proposal);
                    b.move_call(
                        ObjectID::IDENTITY,
                        "identity",
                        "approve_proposal",
                        vec![update_did.clone()],
                        vec![i, auth, p],
                    );
                    if j + 1 == threshold as usize {
                        let c = b.object(clock);
                        b.move_call(
                            ObjectID::IDENTITY,
                            "did_proposal",
                            "execute_update",
                            vec![],
                            vec![i, auth, p, c],
                        );
                    }
                    r.execute(&keys[j], b.finish())?;
                    transactions += 1;
                    bar.inc(1);
                }
                cycles += 1;
            }
            let _ = cycles;
        }
        Workload::Resolve => {
            let mut b = PtbBuilder::new();
            let d = b.pure(&Some(did_doc(500)));
            let c = b.object(clock);
            b.move_call(ObjectID::IDENTITY, "identity", "new", vec![], vec![d, c]);
            let created = r.execute(&keys[0], b.finish())?;
            let id = created
                .effects
                .created
                .iter()
                .find(|(_, o)| o.is_shared())
                .map(|(o, _)| o.id)
                .ok_or_else(|| CliError::plain("no identity"))?;
            let did = format!("did:movid:local:{id}");
            let client = movid_sdk::client::InProcessClient::new(chain.clone());
            let rt = tokio::runtime::Builder::new_current_thread().build()?;
            r.latencies.clear();
            started = Instant::now();
            for _ in 0..args.count {
                let t = Instant::now();
                let res = rt
                    .block_on(movid_sdk::resolver::resolve(&client, &did))
                    .map_err(CliError::plain)?;
                r.latencies.push(t.elapsed());
                if res.did_document.is_none() {
                    return Err(CliError::plain("resolution returned no document"));
                }
                transactions += 1;
                bar.inc(1);
            }
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let mut lat = r.latencies.clone();
    lat.sort();
    let tps = transactions as f64 / elapsed;
    let report = json!({
        "workload": format!("{:?}", args.workload).to_lowercase(), "store": format!("{:?}", args.store).to_lowercase(),
        "count": transactions, "controllers": k, "seconds": elapsed, "per_second": tps,
        "p50_ms": percentile(&lat, 0.5), "p99_ms": percentile(&lat, 0.99), "peak_memory_kib": peak_memory_kib(),
        "release_build": !cfg!(debug_assertions),
    });
    out.print(&report, || {
        format!(
            "{:?} on {:?}: {transactions} in {elapsed:.2}s = {tps:.0}/s, p50 {:.3} ms, p99 {:.3} ms, peak memory {} MiB{}",
            args.workload,
            args.store,
            percentile(&lat, 0.5),
            percentile(&lat, 0.99),
            peak_memory_kib().unwrap_or(0) / 1024,
            if cfg!(debug_assertions) { " (debug build: use --release for real figures)" } else { "" }
        )
    });
    Ok(())
}
