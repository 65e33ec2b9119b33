//! Throughput of signed coin transfers on a `LocalChain`, in memory and on redb.
//!
//! ```text
//! cargo run --release -p movid-runtime --example bench_transfer -- [N] [ACCOUNTS]
//! ```
//!
//! Genesis funds `ACCOUNTS` accounts (default 64) with one coin each. Transaction `i` is sent
//! by account `i % ACCOUNTS`: it splits 1,000 MIST off its gas coin and sends them to the
//! next account, so every transaction creates one coin and mutates one. Each account's gas coin
//! reference is taken from the effects of its previous transaction, as a wallet would.
//!
//! For each store it prints transactions per second (wall clock, signing included), the p50
//! and p99 latency of `LocalChain::execute` (signature check, input checks, execution,
//! commit), and the peak resident memory (`VmHWM`, reset before each run where the kernel
//! allows).

use std::sync::Arc;
use std::time::{Duration, Instant};

use movid_runtime::chain::LocalChain;
use movid_runtime::crypto::{blake2b256, KeyPair};
use movid_runtime::genesis::{GenesisConfig, MIST_PER_SUI};
use movid_runtime::store::{MemoryStore, RedbStore, Store};
use movid_runtime::types::*;

struct Report {
    tps: f64,
    p50: Duration,
    p99: Duration,
    peak_kib: Option<u64>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(2_000);
    let accounts: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(64);
    let keys: Vec<KeyPair> = (0..accounts)
        .map(|i| KeyPair::from_seed(blake2b256(&(i as u64).to_le_bytes())))
        .collect();
    let config = GenesisConfig {
        accounts: keys.iter().map(KeyPair::address).collect(),
        coins_per_account: 1,
        coin_value: 1_000_000 * MIST_PER_SUI,
        start_time_ms: 1_700_000_000_000,
    };
    println!("{n} signed coin transfers from {accounts} accounts");

    // Compile the genesis packages before timing anything.
    LocalChain::new(config.clone())?;

    let memory = run(Arc::new(MemoryStore::new()), &config, &keys, n)?;
    print("memory", &memory);

    let dir = tempfile_dir()?;
    let redb = RedbStore::open(&dir.join("bench.redb"))?;
    let redb = run(Arc::new(redb), &config, &keys, n)?;
    print("redb", &redb);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

fn run(
    store: Arc<dyn Store>,
    config: &GenesisConfig,
    keys: &[KeyPair],
    n: usize,
) -> Result<Report, Box<dyn std::error::Error>> {
    reset_peak_memory();
    let chain = LocalChain::open(store, config.clone())?;
    let mut gas: Vec<ObjectReference> = Vec::with_capacity(keys.len());
    for k in keys {
        gas.push(chain.gas_coins(&k.address())?[0].object_ref());
    }
    let price = chain.reference_gas_price();
    let mut latencies = Vec::with_capacity(n);
    let start = Instant::now();
    for i in 0..n {
        let who = i % keys.len();
        let to = keys[(who + 1) % keys.len()].address();
        let mut b = PtbBuilder::new();
        let amount = b.pure(&1_000u64);
        let coin = b.split_coins(Argument::GasCoin, vec![amount]);
        let recipient = b.pure(&to);
        b.transfer_objects(vec![coin], recipient);
        let data = TransactionData {
            kind: TransactionKind::ProgrammableTransaction(b.finish()),
            sender: keys[who].address(),
            gas_data: GasData {
                payment: vec![gas[who].clone()],
                owner: keys[who].address(),
                price,
                budget: 10_000_000,
            },
            expiration: TransactionExpiration::None,
        };
        let tx = SignedTransaction {
            signatures: vec![keys[who].sign_transaction(&data)],
            data,
        };
        let t = Instant::now();
        let r = chain.execute(tx)?;
        latencies.push(t.elapsed());
        if !r.effects.status.is_ok() {
            return Err(format!("transaction {i} failed: {:?}", r.effects.status).into());
        }
        gas[who] = r.effects.gas_object.0;
    }
    let elapsed = start.elapsed();
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    Ok(Report {
        tps: n as f64 / elapsed.as_secs_f64(),
        p50: pct(0.50),
        p99: pct(0.99),
        peak_kib: peak_memory_kib(),
    })
}

fn print(name: &str, r: &Report) {
    let peak = r
        .peak_kib
        .map(|k| format!("{:.1} MiB", k as f64 / 1024.0))
        .unwrap_or_else(|| "unknown".into());
    println!(
        "{name:>6}: {:>8.0} tx/s   p50 {:>8.1} µs   p99 {:>8.1} µs   peak RSS {peak}",
        r.tps,
        r.p50.as_secs_f64() * 1e6,
        r.p99.as_secs_f64() * 1e6,
    );
}

/// A fresh directory under the system temp dir for the redb file.
fn tempfile_dir() -> std::io::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("movid-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// Resets `VmHWM` to the current RSS (Linux: writing 5 to `/proc/self/clear_refs`).
fn reset_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Peak resident memory, from `VmHWM` in `/proc/self/status`.
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
