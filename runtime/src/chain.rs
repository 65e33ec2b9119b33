//! `LocalChain`: a single-node chain over a store — genesis, signed execution, dry runs, a
//! faucet, epoch and clock control, and reads.

use std::sync::Arc;

use parking_lot::Mutex;

use crate::error::{RuntimeError, RuntimeResult, TransactionError};
use crate::execution::{check_transaction, BlockEnv, ExecutionOutput, Executor};
use crate::genesis::{clock_object, clock_timestamp, gas_coin, genesis_packages, GenesisConfig};
use crate::store::{
    ChainMeta, CommitBatch, EventFilter, EventRecord, MemoryStore, ObjectVersion, Store,
    TransactionRecord,
};
use crate::types::*;

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

/// A local chain: one executor and one store.
pub struct LocalChain {
    store: Arc<dyn Store>,
    executor: Executor,
    writer: Mutex<Writer>,
    clock_mode: Mutex<ClockMode>,
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
            Some(m) => m,
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
        })
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
    pub fn execute(&self, tx: SignedTransaction) -> RuntimeResult<ExecutionResult> {
        let digest = verify_signatures(&tx)?;
        let mut w = self.writer.lock();
        if let Some(rec) = self.store.get_transaction(&digest)? {
            return Ok(ExecutionResult {
                digest,
                effects: rec.effects,
                events: rec.events,
            });
        }
        self.tick_clock(&mut w)?;
        let checked = check_transaction(&*self.store, &tx.data, w.meta.epoch)?;
        let env = BlockEnv {
            epoch: w.meta.epoch,
            epoch_start_ms: w.meta.epoch_start_ms,
        };
        let ExecutionOutput {
            effects,
            events,
            mut writes,
        } = self.executor.execute(&*self.store, &checked, env);
        let mut meta = w.meta.clone();
        let record = TransactionRecord {
            sequence: meta.tx_count,
            transaction: Some(tx),
            effects: effects.clone(),
            events: events.clone(),
            timestamp_ms: w.clock_ms,
        };
        meta.tx_count += 1;
        writes.record = Some((digest, record));
        writes.meta = Some(meta.clone());
        self.store.commit(writes)?;
        w.meta = meta;
        Ok(ExecutionResult {
            digest,
            effects,
            events,
        })
    }

    /// Runs a transaction without committing it (no signature needed): for gas estimation and
    /// previews.
    pub fn dry_run(&self, data: TransactionData) -> RuntimeResult<ExecutionResult> {
        let w = self.writer.lock();
        let checked = check_transaction(&*self.store, &data, w.meta.epoch)?;
        let env = BlockEnv {
            epoch: w.meta.epoch,
            epoch_start_ms: w.meta.epoch_start_ms,
        };
        let out = self.executor.execute(&*self.store, &checked, env);
        if data
            .programmable()
            .commands
            .iter()
            .any(|c| matches!(c, Command::Publish(..)))
        {
            // The VM cached the modules of a publish that is not committed.
            self.executor.vm().mark_loader_cache_as_invalid();
        }
        Ok(ExecutionResult {
            digest: checked.digest,
            effects: out.effects,
            events: out.events,
        })
    }

    /// Mints a new gas coin of `amount` for `recipient` (a development faucet).
    pub fn faucet(&self, recipient: Address, amount: u64) -> RuntimeResult<ObjectRef> {
        let mut w = self.writer.lock();
        // The count is not stored: a chain reopened on its store (a restarted node, a restored
        // snapshot) counts from zero again, so skip IDs an earlier call already minted.
        let (digest, id) = loop {
            w.faucet_count += 1;
            let digest = Digest::of(
                "Faucet::",
                &bcs::to_bytes(&(recipient, amount, w.meta.tx_count, w.faucet_count))
                    .expect("serializes"),
            );
            let id = ObjectID::derive(&digest, 0);
            if self.store.object_history(&id)?.is_empty() {
                break (digest, id);
            }
        };
        let coin = gas_coin(id, amount, recipient, digest, 1);
        let r = coin.object_ref();
        self.store.commit(CommitBatch {
            written: vec![coin],
            ..Default::default()
        })?;
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
        meta.epoch += 1;
        meta.epoch_start_ms = w.clock_ms;
        self.store.commit(CommitBatch {
            meta: Some(meta.clone()),
            ..Default::default()
        })?;
        w.meta = meta;
        Ok(w.meta.epoch)
    }

    /// Moves the clock forward.
    pub fn advance_clock_ms(&self, ms: u64) -> RuntimeResult<u64> {
        let mut w = self.writer.lock();
        let t = w.clock_ms + ms;
        self.set_clock(&mut w, t)?;
        Ok(t)
    }

    fn tick_clock(&self, w: &mut Writer) -> RuntimeResult<()> {
        if *self.clock_mode.lock() == ClockMode::RealTime {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis() as u64)
                .unwrap_or(0);
            if now > w.clock_ms {
                self.set_clock(w, now)?;
            }
        }
        Ok(())
    }

    fn set_clock(&self, w: &mut Writer, t: u64) -> RuntimeResult<()> {
        let old = self
            .store
            .get_object(&ObjectID::CLOCK)?
            .ok_or(RuntimeError::ObjectNotFound(ObjectID::CLOCK))?;
        let digest = Digest::of(
            "Clock::",
            &bcs::to_bytes(&(t, old.version())).expect("serializes"),
        );
        let clock = clock_object(t, old.version() + 1, digest);
        self.store.commit(CommitBatch {
            written: vec![clock],
            ..Default::default()
        })?;
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
            if let Some(o) = self.store.get_object(&r.id)? {
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
        let refs = self.store.owned_objects(&Address::from(*parent))?;
        let mut out = vec![];
        for r in refs {
            if let Some(o) = self.store.get_object(&r.id)? {
                if o.owner == Owner::ObjectOwner((*parent).into()) {
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

fn write_genesis(
    store: &dyn Store,
    executor: &Executor,
    config: &GenesisConfig,
) -> RuntimeResult<ChainMeta> {
    let packages = genesis_packages().map_err(RuntimeError::Other)?;
    let digest = Digest::of("Genesis::", &bcs::to_bytes(config).expect("serializes"));
    let mut objects = executor
        .publish_genesis(&packages.packages, digest)
        .map_err(RuntimeError::Other)?;
    objects.push(clock_object(config.start_time_ms, 1, digest));
    let mut index = 0u64;
    for a in &config.accounts {
        for _ in 0..config.coins_per_account {
            objects.push(gas_coin(
                ObjectID::derive(&digest, index),
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
                | CallArg::Object(ObjectArg::Receiving(r)) => Some(r.id),
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
