//! Dry runs: a transaction executed against a read snapshot and never committed, for gas
//! estimation and previews.
//!
//! A dry run needs no signature and costs its caller nothing, so it must not be a way to slow
//! the chain (LIMITS.md, "Dry runs"). It runs beside committed execution, never under the
//! chain's writer lock, on an executor of its own taken from a small pool: the pool's size
//! bounds how many run at once, a bounded queue holds the callers waiting for one (beyond it
//! a dry run is refused with [`RuntimeError::DryRunBusy`]), and every dry run stops at
//! [`DRY_RUN_MAX_GAS_UNITS`] whatever its budget. Each executor serves one dry run at a
//! time, so the Move VM cache it keeps (and flushes after a dry-run publish) is never shared
//! with committed execution or another dry run.

use parking_lot::{Condvar, Mutex};

use crate::error::{RuntimeError, RuntimeResult};
use crate::execution::Executor;

/// Most gas units a dry run may use, whatever its budget: a fifth of what a committed
/// transaction may use ([`crate::gas::MAX_GAS_UNITS`]). A transaction that needs more than
/// this cannot have its budget estimated by a dry run; give it a budget explicitly.
pub const DRY_RUN_MAX_GAS_UNITS: u64 = 10_000_000;

/// Dry-run callers that may wait for a free slot before further ones are refused.
pub const DRY_RUN_MAX_WAITING: usize = 64;

/// How much dry runs may take from the chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DryRunLimits {
    /// Dry runs executing at once.
    pub max_concurrent: usize,
    /// Dry runs waiting for a slot; beyond this, refused with [`RuntimeError::DryRunBusy`].
    pub max_waiting: usize,
    /// Gas units after which a dry run stops (at most [`crate::gas::MAX_GAS_UNITS`]).
    pub max_gas_units: u64,
}

impl Default for DryRunLimits {
    /// Half the machine's cores (at least one), so that dry runs at their worst leave the
    /// other half to committed execution and reads; [`DRY_RUN_MAX_WAITING`] waiting;
    /// [`DRY_RUN_MAX_GAS_UNITS`].
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        DryRunLimits {
            max_concurrent: (cores / 2).max(1),
            max_waiting: DRY_RUN_MAX_WAITING,
            max_gas_units: DRY_RUN_MAX_GAS_UNITS,
        }
    }
}

/// The pool of dry-run executors and the callers waiting for one.
pub(super) struct DryRunner {
    limits: DryRunLimits,
    pool: Mutex<Pool>,
    freed: Condvar,
}

#[derive(Default)]
struct Pool {
    idle: Vec<Executor>,
    /// Executors in existence, idle or not (made on demand, up to the concurrency limit).
    made: usize,
    waiting: usize,
}

/// An executor lent to one dry run; goes back to the pool when dropped.
pub(super) struct Lease<'a> {
    runner: &'a DryRunner,
    executor: Option<Executor>,
}

impl std::ops::Deref for Lease<'_> {
    type Target = Executor;
    fn deref(&self) -> &Executor {
        self.executor.as_ref().expect("leased until dropped")
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let Some(e) = self.executor.take() {
            self.runner.pool.lock().idle.push(e);
            self.runner.freed.notify_one();
        }
    }
}

impl DryRunner {
    pub(super) fn new(limits: DryRunLimits) -> Self {
        DryRunner {
            limits: DryRunLimits {
                max_concurrent: limits.max_concurrent.max(1),
                ..limits
            },
            pool: Mutex::new(Pool::default()),
            freed: Condvar::new(),
        }
    }

    pub(super) fn limits(&self) -> DryRunLimits {
        self.limits
    }

    /// An executor for one dry run: an idle one, a new one while under the concurrency
    /// limit, or the next one freed if the queue has room.
    pub(super) fn lease(&self) -> RuntimeResult<Lease<'_>> {
        let mut pool = self.pool.lock();
        loop {
            if let Some(e) = pool.idle.pop() {
                return Ok(self.lent(e));
            }
            if pool.made < self.limits.max_concurrent {
                pool.made += 1;
                drop(pool);
                return Ok(self.lent(Executor::with_max_gas_units(self.limits.max_gas_units)));
            }
            if pool.waiting >= self.limits.max_waiting {
                return Err(RuntimeError::DryRunBusy {
                    running: pool.made,
                    waiting: pool.waiting,
                });
            }
            pool.waiting += 1;
            self.freed.wait(&mut pool);
            pool.waiting -= 1;
        }
    }

    fn lent(&self, e: Executor) -> Lease<'_> {
        Lease {
            runner: self,
            executor: Some(e),
        }
    }
}
