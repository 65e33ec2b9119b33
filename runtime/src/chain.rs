//! `LocalChain`: a single-node chain over a store — genesis, signed execution, dry runs, a
//! faucet, epoch and clock control, and reads.

use std::collections::HashMap;
use std::sync::{mpsc, Arc};

use parking_lot::Mutex;
use rayon::prelude::*;

use crate::error::{RuntimeError, RuntimeResult, TransactionError};
use crate::execution::{check_transaction, BlockEnv, ExecutionOutput, Executor, ReturnValue};
use crate::genesis::{clock_object, clock_timestamp, gas_coin, genesis_packages, GenesisConfig};
use crate::store::{
    ChainMeta, CommitBatch, EventFilter, EventRecord, MemoryStore, ObjectVersion, Store,
    StoreError, StoreResult, TransactionRecord,
};
use crate::types::*;

mod dry_run;
mod snapshot;

use dry_run::DryRunner;
pub use dry_run::{DryRunLimits, DRY_RUN_MAX_GAS_UNITS, DRY_RUN_MAX_WAITING};
use snapshot::SnapshotLog;

/// What `execute` returns: the effects and events of a transaction.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ExecutionResult {
    /// The transaction digest.
    pub digest: Digest,
    /// Its effects.
    pub effects: TransactionEffects,
    /// Its events.
    pub events: Vec<Event>,
}

/// What `dev_inspect` returns: the dry run's result and what each command returned.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DevInspectResult {
    /// The effects and events, as a dry run reports them.
    pub result: ExecutionResult,
    /// Each command's return values, in command order; on a failure, those of the commands
    /// that ran before it.
    pub return_values: Vec<Vec<ReturnValue>>,
}

/// How the chain's clock moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClockMode {
    /// Only `advance_clock_ms` moves it (tests).
    Manual,
    /// Follows wall-clock time before every transaction (the node).
    RealTime,
}

struct Writer {
    meta: ChainMeta,
    clock_ms: u64,
    faucet_count: u64,
}

/// At most this many waiting transactions execute as one group.
const MAX_GROUP: usize = 1024;

/// A transaction waiting to execute, and where its result goes.
struct Submission {
    tx: SignedTransaction,
    digest: Digest,
    reply: mpsc::SyncSender<Reply>,
}

/// What a waiting caller is told.
enum Reply {
    /// Its transaction's result.
    Done(Box<RuntimeResult<ExecutionResult>>),
    /// To execute the waiting transactions itself, its own among them.
    Lead,
}

/// Transactions waiting for the thread that currently executes groups (the leader).
#[derive(Default)]
struct Queue {
    pending: Vec<Submission>,
    leader: bool,
}

/// Hands leadership back if the leader unwinds: waiting callers get an error (their reply
/// senders are dropped) instead of waiting forever. Forgotten on the normal path, where the
/// leader hands over or gives up leadership in the same critical section that looks at the
/// queue.
struct LeaderGuard<'a>(&'a Mutex<Queue>);

impl Drop for LeaderGuard<'_> {
    fn drop(&mut self) {
        let mut q = self.0.lock();
        q.leader = false;
        q.pending.clear();
    }
}

/// A local chain: one executor and one store.
///
/// Every method takes `&self` and the chain is `Sync`: share it in an `Arc`. Writes are
/// serialized, reads never wait for execution, concurrent [`execute`](Self::execute)
/// calls are grouped and run in parallel where their inputs allow, and dry runs run beside
/// them on a snapshot, bounded by [`DryRunLimits`].
pub struct LocalChain {
    store: Arc<dyn Store>,
    executor: Executor,
    writer: Mutex<Writer>,
    clock_mode: Mutex<ClockMode>,
    queue: Mutex<Queue>,
    /// Every commit goes through it, so that dry runs read consistent snapshots.
    log: SnapshotLog,
    dry_runs: DryRunner,
}

impl LocalChain {
    /// A new in-memory chain with the given genesis.
    pub fn new(config: GenesisConfig) -> RuntimeResult<Self> {
        Self::open(Arc::new(MemoryStore::new()), config)
    }

    /// A new in-memory chain with four funded development accounts.
    pub fn new_dev() -> RuntimeResult<Self> {
        Self::new(GenesisConfig::default())
    }

    /// Opens a chain on `store`, writing genesis if the store is empty.
    pub fn open(store: Arc<dyn Store>, config: GenesisConfig) -> RuntimeResult<Self> {
        let executor = Executor::new();
        let meta = match store.meta()? {
            Some(m) => {
                refuse_outdated_genesis(&*store)?;
                m
            }
            None => write_genesis(&*store, &executor, &config)?,
        };
        let clock_ms = store
            .get_object(&ObjectID::CLOCK)?
            .map(|o| clock_timestamp(&o))
            .unwrap_or(config.start_time_ms);
        Ok(LocalChain {
            store,
            executor,
            writer: Mutex::new(Writer {
                meta,
                clock_ms,
                faucet_count: 0,
            }),
            clock_mode: Mutex::new(ClockMode::Manual),
            queue: Mutex::new(Queue::default()),
            log: SnapshotLog::default(),
            dry_runs: DryRunner::new(DryRunLimits::default()),
        })
    }

    /// The same chain with other dry-run limits (the default is [`DryRunLimits::default`]).
    pub fn with_dry_run_limits(mut self, limits: DryRunLimits) -> Self {
        self.dry_runs = DryRunner::new(limits);
        self
    }

    /// The limits dry runs run under.
    pub fn dry_run_limits(&self) -> DryRunLimits {
        self.dry_runs.limits()
    }

    /// Commits batches to the store; every write of the chain's state goes through here.
    fn commit(&self, batches: Vec<CommitBatch>) -> StoreResult<()> {
        self.log.commit(&*self.store, batches)
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Sets how the clock moves.
    pub fn set_clock_mode(&self, mode: ClockMode) {
        *self.clock_mode.lock() = mode;
    }

    /// Verifies signatures, checks inputs, executes and commits a transaction. A transaction
    /// that already ran returns its recorded effects without running again.
    ///
    /// Safe to call from many threads at once: each caller verifies its own signatures, then
    /// the transactions waiting at that moment are executed together as one group (see
    /// [`execute_batch`](Self::execute_batch)) and committed in one store write — on a durable
    /// store, one sync for the whole group. When this returns the transaction is committed.
    pub fn execute(&self, tx: SignedTransaction) -> RuntimeResult<ExecutionResult> {
        let digest = verify_signatures(&tx)?;
        let (reply, answer) = mpsc::sync_channel(1);
        let lead = {
            let mut q = self.queue.lock();
            q.pending.push(Submission { tx, digest, reply });
            !std::mem::replace(&mut q.leader, true)
        };
        if lead {
            return self.lead(&answer);
        }
        match answer.recv() {
            Ok(Reply::Done(r)) => *r,
            // The leader got its own answer and hands over to this caller.
            Ok(Reply::Lead) => self.lead(&answer),
            Err(_) => Err(RuntimeError::Other(
                "the transaction's group failed to execute (the executing thread panicked)".into(),
            )),
        }
    }

    /// Executes the waiting transactions, a group at a time, until this caller's own answer is
    /// in; then hands leadership to the first caller still waiting (so that under a steady
    /// stream no caller leads, and waits, for ever) or, if none, gives it up.
    fn lead(&self, answer: &mpsc::Receiver<Reply>) -> RuntimeResult<ExecutionResult> {
        let guard = LeaderGuard(&self.queue);
        loop {
            let group: Vec<Submission> = {
                let mut q = self.queue.lock();
                if q.pending.is_empty() {
                    // Not reached: a leader's own transaction is in its first group.
                    q.leader = false;
                    drop(q);
                    std::mem::forget(guard);
                    return match answer.try_recv() {
                        Ok(Reply::Done(r)) => *r,
                        _ => Err(RuntimeError::Other(
                            "internal: a leader lost its answer".into(),
                        )),
                    };
                }
                let n = q.pending.len().min(MAX_GROUP);
                q.pending.drain(..n).collect()
            };
            let (items, replies): (Vec<_>, Vec<_>) = group
                .into_iter()
                .map(|s| ((s.tx, s.digest), s.reply))
                .unzip();
            let results = self.run_group(items);
            for (r, reply) in results.into_iter().zip(replies) {
                let _ = reply.send(Reply::Done(Box::new(r)));
            }
            if let Ok(Reply::Done(mine)) = answer.try_recv() {
                let mut q = self.queue.lock();
                match q.pending.first() {
                    // Still pending, so it has no answer yet and the channel has room.
                    Some(next) => {
                        let _ = next.reply.send(Reply::Lead);
                    }
                    None => q.leader = false,
                }
                drop(q);
                std::mem::forget(guard);
                return *mine;
            }
        }
    }

    /// Executes several transactions as one group and returns one result per transaction, in
    /// order. The outcome — effects, events, sequence numbers and final state — is exactly that
    /// of calling [`execute`](Self::execute) on each in turn, in the given order; the work is
    /// not:
    ///
    /// - signatures are verified on all cores;
    /// - transactions are put in waves so that a transaction comes after every earlier one that
    ///   writes an object it reads or writes, or reads an object it writes (owned and receiving
    ///   inputs and gas coins are written; shared inputs by their `mutable` flag; immutable
    ///   objects only read; a publish orders against everything, as a later call may use the
    ///   package); the transactions of one wave run concurrently on all cores;
    /// - everything is committed in one store write (one sync on a durable store).
    ///
    /// A transaction refused before execution (bad signature, stale input, ...) gets its error
    /// and changes nothing, as it would alone.
    pub fn execute_batch(
        &self,
        txs: Vec<SignedTransaction>,
    ) -> Vec<RuntimeResult<ExecutionResult>> {
        let verified: Vec<Result<Digest, TransactionError>> =
            txs.par_iter().map(verify_signatures).collect();
        let mut results: Vec<Option<RuntimeResult<ExecutionResult>>> = vec![];
        let mut items = vec![];
        let mut slots = vec![];
        for (tx, v) in txs.into_iter().zip(verified) {
            match v {
                Ok(digest) => {
                    slots.push(results.len());
                    results.push(None);
                    items.push((tx, digest));
                }
                Err(e) => results.push(Some(Err(e.into()))),
            }
        }
        for (slot, r) in slots.into_iter().zip(self.run_group(items)) {
            results[slot] = Some(r);
        }
        results
            .into_iter()
            .map(|r| r.expect("every slot filled"))
            .collect()
    }

    /// Executes signature-checked transactions as one group and commits them together.
    fn run_group(
        &self,
        items: Vec<(SignedTransaction, Digest)>,
    ) -> Vec<RuntimeResult<ExecutionResult>> {
        let mut w = self.writer.lock();
        let n = items.len();
        let mut results: Vec<Option<RuntimeResult<ExecutionResult>>> =
            (0..n).map(|_| None).collect();
        let mut view = Pending::new(&*self.store);
        let mut system = vec![];
        let mut clock_ms = w.clock_ms;
        match self.next_clock(&w) {
            Ok(None) => {}
            Ok(Some(clock)) => {
                clock_ms = clock_timestamp(&clock);
                view.put(clock.clone());
                system.push(CommitBatch {
                    written: vec![clock],
                    ..Default::default()
                });
            }
            Err(e) => {
                let msg = e.to_string();
                return (0..n)
                    .map(|_| Err(RuntimeError::Other(msg.clone())))
                    .collect();
            }
        }

        // Transactions that already ran return their record.
        for (i, (_, digest)) in items.iter().enumerate() {
            match self.store.get_transaction(digest) {
                Ok(Some(rec)) => {
                    results[i] = Some(Ok(ExecutionResult {
                        digest: *digest,
                        effects: rec.effects,
                        events: rec.events,
                    }))
                }
                Ok(None) => {}
                Err(e) => results[i] = Some(Err(e.into())),
            }
        }
        let todo: Vec<usize> = (0..n).filter(|i| results[*i].is_none()).collect();
        let waves = schedule(&*self.store, &items, &todo);

        let env = BlockEnv {
            epoch: w.meta.epoch,
            epoch_start_ms: w.meta.epoch_start_ms,
        };
        let epoch = w.meta.epoch;
        let mut outputs: Vec<Option<ExecutionOutput>> = (0..n).map(|_| None).collect();
        // Digest -> index of the transaction in this group that executed it.
        let mut executed: HashMap<Digest, usize> = HashMap::new();
        let mut published = false;
        for wave in waves {
            // A failed publish leaves modules in the VM's cache; flush it between waves, when
            // no session is open.
            self.executor.vm().flush_loader_cache_if_invalidated();
            let (repeats, run): (Vec<usize>, Vec<usize>) = wave
                .into_iter()
                .partition(|i| executed.contains_key(&items[*i].1));
            let executor = &self.executor;
            let view_ref = &view;
            let exec = |i: usize| {
                let data = &items[i].0.data;
                check_transaction(view_ref, data, epoch)
                    .map(|c| executor.execute(view_ref, &c, env))
            };
            let outs: Vec<(usize, Result<ExecutionOutput, TransactionError>)> = if run.len() == 1 {
                vec![(run[0], exec(run[0]))]
            } else {
                run.par_iter().map(|&i| (i, exec(i))).collect()
            };
            for (i, out) in outs {
                match out {
                    Ok(out) => {
                        published |= items[i]
                            .0
                            .data
                            .programmable()
                            .commands
                            .iter()
                            .any(is_publish);
                        view.apply(&out.writes);
                        executed.insert(items[i].1, i);
                        outputs[i] = Some(out);
                    }
                    Err(e) => results[i] = Some(Err(e.into())),
                }
            }
            // A repeat of a transaction executed earlier in this group gets the same result,
            // as it would from the store had they run one by one.
            for i in repeats {
                let first = executed[&items[i].1];
                let out = outputs[first].as_ref().expect("executed");
                results[i] = Some(Ok(ExecutionResult {
                    digest: items[i].1,
                    effects: out.effects.clone(),
                    events: out.events.clone(),
                }));
            }
        }

        // Records in submission order, with sequence numbers as if executed one by one.
        let mut meta = w.meta.clone();
        let mut batches = system;
        for (i, (tx, digest)) in items.into_iter().enumerate() {
            let Some(out) = outputs[i].take() else {
                continue;
            };
            let ExecutionOutput {
                effects,
                events,
                mut writes,
            } = out;
            let record = TransactionRecord {
                sequence: meta.tx_count,
                transaction: Some(tx),
                effects: effects.clone(),
                events: events.clone(),
                timestamp_ms: clock_ms,
            };
            meta.tx_count += 1;
            writes.record = Some((digest, record));
            writes.meta = Some(meta.clone());
            batches.push(writes);
            results[i] = Some(Ok(ExecutionResult {
                digest,
                effects,
                events,
            }));
        }
        if let Err(e) = self.commit(batches) {
            if published {
                // The VM cached modules that were not committed.
                self.executor.vm().mark_loader_cache_as_invalid();
            }
            let msg = e.to_string();
            return results
                .into_iter()
                .map(|r| match r {
                    Some(Ok(_)) | None => Err(RuntimeError::Other(format!(
                        "the transaction executed but its group failed to commit: {msg}"
                    ))),
                    Some(Err(e)) => Err(e),
                })
                .collect();
        }
        w.meta = meta;
        w.clock_ms = clock_ms;
        results
            .into_iter()
            .map(|r| r.expect("every transaction has a result"))
            .collect()
    }

    /// Runs a transaction without committing it, for gas estimation and previews: no signature
    /// is needed and nothing is charged. It runs on a snapshot of the chain beside committed
    /// execution, never holding it up, under [`DryRunLimits`]: at most so many at once (more
    /// wait, and past the queue's bound are refused with [`RuntimeError::DryRunBusy`]), each
    /// stopping at [`DryRunLimits::max_gas_units`] — past that, the failure is
    /// `ExecutionFailure::LimitExceeded` naming the cap, not out of gas.
    pub fn dry_run(&self, data: TransactionData) -> RuntimeResult<ExecutionResult> {
        Ok(self.dry_run_inner(data, false)?.0)
    }

    /// A dry run that also returns every command's return values (their types and BCS), in
    /// command order, as far as the commands ran: Sui's dev inspect. It is a dry run in
    /// every other way (the same checks of sender and gas, the same [`DryRunLimits`], nothing
    /// committed).
    pub fn dev_inspect(&self, data: TransactionData) -> RuntimeResult<DevInspectResult> {
        let (result, return_values) = self.dry_run_inner(data, true)?;
        Ok(DevInspectResult {
            result,
            return_values,
        })
    }

    fn dry_run_inner(
        &self,
        data: TransactionData,
        returning: bool,
    ) -> RuntimeResult<(ExecutionResult, Vec<Vec<ReturnValue>>)> {
        let executor = self.dry_runs.lease()?;
        let snapshot = self.log.open(&*self.store)?;
        let meta = snapshot
            .meta()?
            .ok_or_else(|| RuntimeError::Other("the chain has no genesis".into()))?;
        let checked = check_transaction(&snapshot, &data, meta.epoch)?;
        let env = BlockEnv {
            epoch: meta.epoch,
            epoch_start_ms: meta.epoch_start_ms,
        };
        let (mut out, returns) = if returning {
            executor.execute_returning(&snapshot, &checked, env)
        } else {
            (executor.execute(&snapshot, &checked, env), vec![])
        };
        if data.programmable().commands.iter().any(is_publish) {
            // The VM cached the modules of a publish that is not committed; this executor
            // flushes them before its next dry run.
            executor.vm().mark_loader_cache_as_invalid();
        }
        let cap = executor.max_gas_units();
        if let ExecutionStatus::Failure { error, .. } = &mut out.effects.status {
            let units = data.gas_data.budget / data.gas_data.price.max(1);
            if matches!(error, ExecutionFailure::InsufficientGas { .. }) && units > cap {
                *error = ExecutionFailure::LimitExceeded(format!(
                    "a dry run stops at {cap} gas units, and this transaction needs more; \
                     give it a budget explicitly instead of estimating it"
                ));
            }
        }
        Ok((
            ExecutionResult {
                digest: checked.digest,
                effects: out.effects,
                events: out.events,
            },
            returns,
        ))
    }

    /// Mints a new gas coin of `amount` for `recipient` (a development faucet).
    pub fn faucet(&self, recipient: Address, amount: u64) -> RuntimeResult<ObjectReference> {
        let mut w = self.writer.lock();
        // The count is not stored: a chain reopened on its store (a restarted node, a restored
        // snapshot) counts from zero again, so skip IDs an earlier call already minted.
        let (digest, id) = loop {
            w.faucet_count += 1;
            let digest = salted_digest(
                "Faucet::",
                &bcs::to_bytes(&(recipient, amount, w.meta.tx_count, w.faucet_count))
                    .expect("serializes"),
            );
            let id = ObjectID::derive_id(digest, 0);
            if self.store.object_history(&id)?.is_empty() {
                break (digest, id);
            }
        };
        let coin = gas_coin(id, amount, recipient, digest, 1);
        let r = coin.object_ref();
        self.commit(vec![CommitBatch {
            written: vec![coin],
            ..Default::default()
        }])?;
        Ok(r)
    }

    /// The current epoch.
    pub fn epoch(&self) -> u64 {
        self.writer.lock().meta.epoch
    }

    /// The clock, in ms.
    pub fn clock_ms(&self) -> u64 {
        self.writer.lock().clock_ms
    }

    /// Starts the next epoch.
    pub fn advance_epoch(&self) -> RuntimeResult<u64> {
        let mut w = self.writer.lock();
        let mut meta = w.meta.clone();
        meta.epoch = meta
            .epoch
            .checked_add(1)
            .ok_or_else(|| RuntimeError::Other("the epoch is at u64::MAX".into()))?;
        meta.epoch_start_ms = w.clock_ms;
        self.commit(vec![CommitBatch {
            meta: Some(meta.clone()),
            ..Default::default()
        }])?;
        w.meta = meta;
        Ok(w.meta.epoch)
    }

    /// Moves the clock forward by `ms` and returns the new time. An advance past the largest
    /// time a u64 holds is refused with [`RuntimeError::ClockOverflow`] and moves nothing:
    /// the clock never wraps and never goes back.
    pub fn advance_clock_ms(&self, ms: u64) -> RuntimeResult<u64> {
        let mut w = self.writer.lock();
        let t = w
            .clock_ms
            .checked_add(ms)
            .ok_or(RuntimeError::ClockOverflow {
                clock_ms: w.clock_ms,
                advance_ms: ms,
            })?;
        self.set_clock(&mut w, t)?;
        Ok(t)
    }

    /// The clock object after a real-time tick, if the clock follows wall time and moved.
    fn next_clock(&self, w: &Writer) -> RuntimeResult<Option<Object>> {
        if *self.clock_mode.lock() != ClockMode::RealTime {
            return Ok(None);
        }
        // Wall time before 1970 reads as 0 and past u64 ms as u64::MAX; either way the clock
        // only moves forward.
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        if now <= w.clock_ms {
            return Ok(None);
        }
        Ok(Some(self.clock_at(now)?))
    }

    fn clock_at(&self, t: u64) -> RuntimeResult<Object> {
        let old = self
            .store
            .get_object(&ObjectID::CLOCK)?
            .ok_or(RuntimeError::ObjectNotFound(ObjectID::CLOCK))?;
        let digest = salted_digest(
            "Clock::",
            &bcs::to_bytes(&(t, old.version())).expect("serializes"),
        );
        Ok(clock_object(t, old.version() + 1, digest))
    }

    fn set_clock(&self, w: &mut Writer, t: u64) -> RuntimeResult<()> {
        if t < w.clock_ms {
            return Err(RuntimeError::Other(format!(
                "internal: the clock would go back from {} to {t} ms",
                w.clock_ms
            )));
        }
        let clock = self.clock_at(t)?;
        self.commit(vec![CommitBatch {
            written: vec![clock],
            ..Default::default()
        }])?;
        w.clock_ms = t;
        Ok(())
    }

    /// The live version of an object.
    pub fn get_object(&self, id: &ObjectID) -> RuntimeResult<Option<Object>> {
        Ok(self.store.get_object(id)?)
    }

    /// An object at a version.
    pub fn get_object_at(
        &self,
        id: &ObjectID,
        version: SequenceNumber,
    ) -> RuntimeResult<Option<Object>> {
        Ok(self.store.get_object_at(id, version)?)
    }

    /// Every version of an object.
    pub fn object_history(&self, id: &ObjectID) -> RuntimeResult<Vec<ObjectVersion>> {
        Ok(self.store.object_history(id)?)
    }

    /// Objects owned by an address.
    pub fn owned_objects(&self, owner: &Address) -> RuntimeResult<Vec<Object>> {
        let refs = self.store.owned_objects(owner)?;
        let mut out = vec![];
        for r in refs {
            if let Some(o) = self.store.get_object(r.object_id())? {
                if matches!(o.owner, Owner::AddressOwner(_)) {
                    out.push(o);
                }
            }
        }
        Ok(out)
    }

    /// Gas coins owned by an address.
    pub fn gas_coins(&self, owner: &Address) -> RuntimeResult<Vec<Object>> {
        let t = crate::execution::gas_coin_type();
        Ok(self
            .owned_objects(owner)?
            .into_iter()
            .filter(|o| o.type_() == Some(&t))
            .collect())
    }

    /// The dynamic fields (child objects) of an object.
    pub fn dynamic_fields(&self, parent: &ObjectID) -> RuntimeResult<Vec<Object>> {
        let refs = self.store.owned_objects(parent)?;
        let mut out = vec![];
        for r in refs {
            if let Some(o) = self.store.get_object(r.object_id())? {
                if o.owner == Owner::ObjectOwner(*parent) {
                    out.push(o);
                }
            }
        }
        Ok(out)
    }

    /// A transaction and its effects.
    pub fn transaction(&self, digest: &Digest) -> RuntimeResult<Option<TransactionRecord>> {
        Ok(self.store.get_transaction(digest)?)
    }

    /// Events matching a filter.
    pub fn events(&self, filter: &EventFilter, limit: usize) -> RuntimeResult<Vec<EventRecord>> {
        Ok(self.store.events(filter, limit)?)
    }

    /// The reference gas price.
    pub fn reference_gas_price(&self) -> u64 {
        crate::gas::REFERENCE_GAS_PRICE
    }
}

fn is_publish(c: &Command) -> bool {
    matches!(c, Command::Publish(..))
}

/// A read-only view of the store with a group's writes so far on top: what the transactions of
/// the next wave see. Only objects are overlaid; execution reads nothing else.
struct Pending<'a> {
    base: &'a dyn Store,
    objects: HashMap<ObjectID, Option<Object>>,
}

impl<'a> Pending<'a> {
    fn new(base: &'a dyn Store) -> Self {
        Pending {
            base,
            objects: HashMap::new(),
        }
    }

    fn put(&mut self, o: Object) {
        self.objects.insert(o.id(), Some(o));
    }

    fn apply(&mut self, b: &CommitBatch) {
        for o in &b.written {
            self.put(o.clone());
        }
        for (id, _) in &b.removed {
            self.objects.insert(*id, None);
        }
    }
}

impl Store for Pending<'_> {
    fn get_object(&self, id: &ObjectID) -> StoreResult<Option<Object>> {
        match self.objects.get(id) {
            Some(o) => Ok(o.clone()),
            None => self.base.get_object(id),
        }
    }
    fn get_object_at(&self, id: &ObjectID, version: SequenceNumber) -> StoreResult<Option<Object>> {
        match self.objects.get(id) {
            Some(Some(o)) if o.version() == version => Ok(Some(o.clone())),
            _ => self.base.get_object_at(id, version),
        }
    }
    fn object_history(&self, id: &ObjectID) -> StoreResult<Vec<ObjectVersion>> {
        self.base.object_history(id)
    }
    fn owned_objects(&self, owner: &Address) -> StoreResult<Vec<ObjectReference>> {
        self.base.owned_objects(owner)
    }
    fn get_transaction(&self, digest: &Digest) -> StoreResult<Option<TransactionRecord>> {
        self.base.get_transaction(digest)
    }
    fn transactions(
        &self,
        start: u64,
        limit: usize,
    ) -> StoreResult<Vec<(Digest, TransactionRecord)>> {
        self.base.transactions(start, limit)
    }
    fn events(&self, filter: &EventFilter, limit: usize) -> StoreResult<Vec<EventRecord>> {
        self.base.events(filter, limit)
    }
    fn meta(&self) -> StoreResult<Option<ChainMeta>> {
        self.base.meta()
    }
    fn commit(&self, _: CommitBatch) -> StoreResult<()> {
        Err(StoreError::Backend(
            "internal: a group's pending view is read-only".into(),
        ))
    }
}

/// What a transaction may touch, for ordering.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    Object(ObjectID),
    /// Its own digest: a repeat runs after the first.
    Digest(Digest),
    /// The set of packages: every call reads it, a publish writes it.
    Packages,
}

/// Splits the transactions `todo` (indices into `items`) into waves: each transaction goes in
/// the first wave after every earlier transaction it conflicts with (both touch a key and one
/// writes it). Transactions of a wave are independent; waves run in order.
fn schedule(
    store: &dyn Store,
    items: &[(SignedTransaction, Digest)],
    todo: &[usize],
) -> Vec<Vec<usize>> {
    // Per key: the last wave that writes it and the last wave that reads it.
    let mut writes: HashMap<Key, usize> = HashMap::new();
    let mut reads: HashMap<Key, usize> = HashMap::new();
    let mut waves: Vec<Vec<usize>> = vec![];
    for &i in todo {
        let (tx, digest) = &items[i];
        let data = &tx.data;
        let mut keys: Vec<(Key, bool)> = vec![(Key::Digest(*digest), true)];
        let ptb = data.programmable();
        keys.push((Key::Packages, ptb.commands.iter().any(is_publish)));
        for r in &data.gas_data.payment {
            keys.push((Key::Object(*r.object_id()), true));
        }
        for input in &ptb.inputs {
            match input {
                CallArg::Pure(_) => {}
                CallArg::Object(ObjectArg::ImmOrOwned(r)) => {
                    // An object immutable now stays so; anything else may be written.
                    let frozen = matches!(
                        store.get_object(r.object_id()),
                        Ok(Some(Object {
                            owner: Owner::Immutable,
                            ..
                        }))
                    );
                    keys.push((Key::Object(*r.object_id()), !frozen));
                }
                CallArg::Object(ObjectArg::Receiving(r)) => {
                    keys.push((Key::Object(*r.object_id()), true))
                }
                CallArg::Object(ObjectArg::Shared { id, mutable, .. }) => {
                    keys.push((Key::Object(*id), *mutable))
                }
            }
        }
        let mut wave = 0;
        for (k, write) in &keys {
            if let Some(w) = writes.get(k) {
                wave = wave.max(w + 1);
            }
            if *write {
                if let Some(r) = reads.get(k) {
                    wave = wave.max(r + 1);
                }
            }
        }
        for (k, write) in keys {
            let m = if write { &mut writes } else { &mut reads };
            let e = m.entry(k).or_insert(wave);
            *e = (*e).max(wave);
        }
        if waves.len() <= wave {
            waves.resize_with(wave + 1, Vec::new);
        }
        waves[wave].push(i);
    }
    waves
}

/// Checks that the signatures verify and come from exactly the required signers.
pub fn verify_signatures(tx: &SignedTransaction) -> Result<Digest, TransactionError> {
    let msg = tx.data.signing_digest();
    let mut required = vec![tx.data.sender];
    if tx.data.gas_data.owner != tx.data.sender {
        required.push(tx.data.gas_data.owner);
    }
    let mut signed = vec![];
    for s in &tx.signatures {
        signed.push(s.verify(&msg)?);
    }
    let mut a = required.clone();
    let mut b = signed.clone();
    a.sort();
    b.sort();
    if a != b {
        return Err(TransactionError::WrongSigners { required, signed });
    }
    Ok(tx.data.digest())
}

/// Refuses a chain whose framework predates the `sui` module (the gas coin was
/// `0x2::movid::MOVID`): its coins could never pay gas here, so opening it would only fail
/// every transaction later.
fn refuse_outdated_genesis(store: &dyn Store) -> RuntimeResult<()> {
    match store.get_object(&ObjectID::FRAMEWORK)? {
        Some(o)
            if o.as_package()
                .is_some_and(|p| !p.modules.contains_key("sui")) =>
        {
            Err(RuntimeError::OutdatedChain)
        }
        _ => Ok(()),
    }
}

fn write_genesis(
    store: &dyn Store,
    executor: &Executor,
    config: &GenesisConfig,
) -> RuntimeResult<ChainMeta> {
    let packages = genesis_packages().map_err(RuntimeError::Other)?;
    let digest = salted_digest("Genesis::", &bcs::to_bytes(config).expect("serializes"));
    let mut objects = executor
        .publish_genesis(&packages.packages, digest)
        .map_err(RuntimeError::Other)?;
    objects.push(clock_object(config.start_time_ms, 1, digest));
    let mut index = 0u64;
    for a in &config.accounts {
        for _ in 0..config.coins_per_account {
            objects.push(gas_coin(
                ObjectID::derive_id(digest, index),
                config.coin_value,
                *a,
                digest,
                1,
            ));
            index += 1;
        }
    }
    let meta = ChainMeta {
        epoch: 0,
        epoch_start_ms: config.start_time_ms,
        tx_count: 0,
        genesis: digest,
    };
    store.commit(CommitBatch {
        written: objects,
        removed: vec![],
        record: None,
        meta: Some(meta.clone()),
    })?;
    Ok(meta)
}

impl LocalChain {
    /// Builds, signs and executes a transaction from `ptb`, paying gas with the sender's first
    /// gas coin that is not an input of the transaction. A convenience for tests and tools; the
    /// SDK's builder does the same with dry-run budgeting.
    pub fn sign_and_execute(
        &self,
        key: &crate::crypto::KeyPair,
        ptb: ProgrammableTransaction,
        budget: u64,
    ) -> RuntimeResult<ExecutionResult> {
        let sender = key.address();
        let used: std::collections::BTreeSet<ObjectID> = ptb
            .inputs
            .iter()
            .filter_map(|i| match i {
                CallArg::Object(ObjectArg::ImmOrOwned(r))
                | CallArg::Object(ObjectArg::Receiving(r)) => Some(*r.object_id()),
                _ => None,
            })
            .collect();
        let gas = self
            .gas_coins(&sender)?
            .into_iter()
            .find(|c| !used.contains(&c.id()))
            .ok_or(RuntimeError::Transaction(TransactionError::MissingGas))?;
        let data = TransactionData {
            kind: TransactionKind::ProgrammableTransaction(ptb),
            sender,
            gas_data: GasData {
                payment: vec![gas.object_ref()],
                owner: sender,
                price: self.reference_gas_price(),
                budget,
            },
            expiration: TransactionExpiration::None,
        };
        let signatures = vec![key.sign_transaction(&data)];
        self.execute(SignedTransaction { data, signatures })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::genesis::dev_keys;
    use std::thread::ThreadId;

    /// A memory store whose first group commit waits for a signal, and which records the
    /// thread of every group commit.
    struct GatedStore {
        inner: MemoryStore,
        gate: Mutex<Option<mpsc::Receiver<()>>>,
        commits: Mutex<Vec<ThreadId>>,
    }

    impl Store for GatedStore {
        fn get_object(&self, id: &ObjectID) -> StoreResult<Option<Object>> {
            self.inner.get_object(id)
        }
        fn get_object_at(&self, id: &ObjectID, v: SequenceNumber) -> StoreResult<Option<Object>> {
            self.inner.get_object_at(id, v)
        }
        fn object_history(&self, id: &ObjectID) -> StoreResult<Vec<ObjectVersion>> {
            self.inner.object_history(id)
        }
        fn owned_objects(&self, owner: &Address) -> StoreResult<Vec<ObjectReference>> {
            self.inner.owned_objects(owner)
        }
        fn get_transaction(&self, d: &Digest) -> StoreResult<Option<TransactionRecord>> {
            self.inner.get_transaction(d)
        }
        fn transactions(&self, s: u64, l: usize) -> StoreResult<Vec<(Digest, TransactionRecord)>> {
            self.inner.transactions(s, l)
        }
        fn events(&self, f: &EventFilter, l: usize) -> StoreResult<Vec<EventRecord>> {
            self.inner.events(f, l)
        }
        fn meta(&self) -> StoreResult<Option<ChainMeta>> {
            self.inner.meta()
        }
        fn commit(&self, b: CommitBatch) -> StoreResult<()> {
            self.inner.commit(b)
        }
        fn commit_many(&self, b: Vec<CommitBatch>) -> StoreResult<()> {
            let gate = self.gate.lock().take();
            if let Some(rx) = gate {
                let _ = rx.recv();
            }
            self.commits.lock().push(std::thread::current().id());
            self.inner.commit_many(b)
        }
    }

    fn payment(chain: &LocalChain, key: &crate::crypto::KeyPair) -> SignedTransaction {
        let gas = chain.gas_coins(&key.address()).unwrap()[0].object_ref();
        let mut b = PtbBuilder::new();
        let amount = b.pure(&1u64);
        let coin = b.split_coins(Argument::GasCoin, vec![amount]);
        let me = b.pure(&key.address());
        b.transfer_objects(vec![coin], me);
        let data = TransactionData {
            kind: TransactionKind::ProgrammableTransaction(b.finish()),
            sender: key.address(),
            gas_data: GasData {
                payment: vec![gas],
                owner: key.address(),
                price: chain.reference_gas_price(),
                budget: 100_000_000,
            },
            expiration: TransactionExpiration::None,
        };
        SignedTransaction {
            signatures: vec![key.sign_transaction(&data)],
            data,
        }
    }

    #[test]
    fn a_leader_hands_over_once_its_own_answer_is_in() {
        // A leads a group of its own transaction; B submits while that group commits. A must
        // return with its answer and leave B's group to B — a leader that went on executing
        // whatever arrived would keep its caller waiting for as long as others submit.
        let store = Arc::new(GatedStore {
            inner: MemoryStore::new(),
            gate: Mutex::new(None),
            commits: Mutex::new(vec![]),
        });
        let chain = Arc::new(LocalChain::open(store.clone(), GenesisConfig::default()).unwrap());
        let keys = dev_keys(2);
        let (tx_a, tx_b) = (payment(&chain, &keys[0]), payment(&chain, &keys[1]));
        let (open, gate) = mpsc::channel();
        *store.gate.lock() = Some(gate);

        let a = {
            let chain = chain.clone();
            std::thread::spawn(move || chain.execute(tx_a).unwrap())
        };
        // Wait until A's group is executing (A's transaction left the queue), then submit B.
        while !(chain.queue.lock().leader && chain.queue.lock().pending.is_empty()) {
            std::thread::yield_now();
        }
        let b = {
            let chain = chain.clone();
            std::thread::spawn(move || chain.execute(tx_b).unwrap())
        };
        while chain.queue.lock().pending.is_empty() {
            std::thread::yield_now();
        }
        open.send(()).unwrap();
        let (a_id, b_id) = (a.thread().id(), b.thread().id());
        assert!(a.join().unwrap().effects.status.is_ok());
        assert!(b.join().unwrap().effects.status.is_ok());
        assert_eq!(*store.commits.lock(), vec![a_id, b_id]);
        let q = chain.queue.lock();
        assert!(!q.leader && q.pending.is_empty());
    }
}
