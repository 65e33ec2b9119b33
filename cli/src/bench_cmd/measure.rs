//! What a benchmark phase measured (full and floor cost, latency, CPU, memory) and the clocks and
//! meters behind it.

use super::*;

/// The cost of a measured phase, full and floor, over the same transactions.
#[derive(Default)]
pub(super) struct Measure {
    pub(super) txs: usize,
    pub(super) full: Duration,
    pub(super) floor: Duration,
    /// CPU time of the whole process (every thread) during `full` and `floor`: what the work
    /// costs whatever else the machine is running.
    pub(super) full_cpu: Duration,
    pub(super) floor_cpu: Duration,
    /// Per submission: a batch, or one transaction with `--batch 1`.
    pub(super) latencies: Vec<Duration>,
}

impl Measure {
    /// Counts `n` transactions (or resolutions) that took `wall` and `cpu` on the full path.
    pub(super) fn add_full(&mut self, n: usize, (wall, cpu): (Duration, Duration)) {
        self.full += wall;
        self.full_cpu += cpu;
        self.txs += n;
        self.latencies.push(wall);
    }

    /// Adds the floor of the same work.
    pub(super) fn add_floor(&mut self, (wall, cpu): (Duration, Duration)) {
        self.floor += wall;
        self.floor_cpu += cpu;
    }

    pub(super) fn json(&self, batch: usize) -> Value {
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

pub(super) fn progress(out: Output, len: usize) -> indicatif::ProgressBar {
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
pub(super) fn store_size(redb: Option<&RedbStore>) -> CliResult<(u64, u64)> {
    match redb {
        None => Ok((0, 0)),
        Some(r) => {
            let s = r.stats().map_err(CliError::plain)?;
            Ok((s.file_bytes, s.used_bytes()))
        }
    }
}

/// Wall-clock and process CPU time from a starting point.
pub(super) struct Stopwatch {
    pub(super) wall: Instant,
    pub(super) cpu: Duration,
}

impl Stopwatch {
    pub(super) fn start() -> Stopwatch {
        Stopwatch {
            wall: Instant::now(),
            cpu: process_cpu_time(),
        }
    }

    /// (wall, CPU) elapsed.
    pub(super) fn elapsed(&self) -> (Duration, Duration) {
        (
            self.wall.elapsed(),
            process_cpu_time().saturating_sub(self.cpu),
        )
    }
}

/// CPU time used by all threads of this process.
pub(super) fn process_cpu_time() -> Duration {
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

pub(super) fn peak_memory_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

pub(super) fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1e3
}
