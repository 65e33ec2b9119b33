//! Object and transaction stores.
//!
//! A [`Store`] keeps the live objects, every version each object had, an index of objects by
//! owner, the executed transactions with their effects and events, and a little chain metadata
//! (epoch, clock). A transaction's writes reach the store as one [`CommitBatch`], applied
//! atomically. Two implementations: [`MemoryStore`] and the durable [`RedbStore`].

mod memory;
mod redb_store;

pub use memory::MemoryStore;
pub use redb_store::{RedbStats, RedbStore, TableUsage};

use serde::{Deserialize, Serialize};

use crate::types::{
    Address, Digest, Event, Object, ObjectID, ObjectReference, SequenceNumber, SignedTransaction,
    StructTag, TransactionEffects,
};

/// Errors from a store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database failed (I/O, corruption, ...).
    #[error("storage error: {0}")]
    Backend(String),
    /// Another process holds the database.
    #[error("the store at {path} is in use by another process (is a node already running on it?)")]
    Locked {
        /// The database path.
        path: String,
    },
    /// The store was written by a build with another store format (for example before digests
    /// gained Sui's length prefix). It is refused, not converted: create a new dev chain.
    #[error("{path} has store format {found}; this build reads format {expected}. Data folders made before format {expected} cannot be read: remove it, or start a new dev chain with `movid start --force-regenesis`")]
    FormatMismatch {
        /// The database path.
        path: String,
        /// The format the store says it has.
        found: u32,
        /// The format this build reads and writes.
        expected: u32,
    },
    /// Stored bytes did not decode.
    #[error("corrupt record in table {table}: {reason}")]
    Corrupt {
        /// The table.
        table: &'static str,
        /// The decode error.
        reason: String,
    },
}

/// Shorthand for store results.
pub type StoreResult<T> = Result<T, StoreError>;

/// Chain-wide values kept beside the objects.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainMeta {
    /// The current epoch.
    pub epoch: u64,
    /// Clock time (ms) at which the current epoch started.
    pub epoch_start_ms: u64,
    /// Number of transactions executed (the next transaction's sequence number).
    pub tx_count: u64,
    /// The chain's identifier: digest of the genesis writes.
    pub genesis: Digest,
}

/// One version of an object in its history: the object, or `None` where it was deleted or
/// wrapped at that version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectVersion {
    /// The object.
    pub id: ObjectID,
    /// The version.
    pub version: SequenceNumber,
    /// The object at that version, or `None` if it stopped existing on its own then.
    pub object: Option<Object>,
}

/// An executed transaction as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionRecord {
    /// Sequence number in execution order.
    pub sequence: u64,
    /// The signed transaction (absent for genesis and system writes).
    pub transaction: Option<SignedTransaction>,
    /// Its effects.
    pub effects: TransactionEffects,
    /// Its events.
    pub events: Vec<Event>,
    /// Clock time (ms) at execution.
    pub timestamp_ms: u64,
}

/// Everything one transaction writes, applied atomically.
#[derive(Clone, Debug, Default)]
pub struct CommitBatch {
    /// Objects written (new versions), replacing any earlier version as the live one.
    pub written: Vec<Object>,
    /// Objects that stopped existing on their own (deleted or wrapped), at this version.
    pub removed: Vec<(ObjectID, SequenceNumber)>,
    /// The transaction record, if this batch is a transaction.
    pub record: Option<(Digest, TransactionRecord)>,
    /// New chain metadata, if it changed.
    pub meta: Option<ChainMeta>,
}

/// Which events to list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventFilter {
    /// Emitted by this transaction.
    pub transaction: Option<Digest>,
    /// Sent by this address.
    pub sender: Option<Address>,
    /// Of this type; type parameters are compared only when given.
    pub type_: Option<StructTag>,
}

impl EventFilter {
    /// Whether an event of `record` matches.
    pub fn matches(&self, digest: &Digest, event: &Event) -> bool {
        self.transaction.is_none_or(|t| &t == digest)
            && self.sender.is_none_or(|s| s == event.sender)
            && self.type_.as_ref().is_none_or(|t| {
                t.address == event.type_.address
                    && t.module == event.type_.module
                    && t.name == event.type_.name
                    && (t.type_params.is_empty() || t.type_params == event.type_.type_params)
            })
    }
}

/// An event with where it came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRecord {
    /// The transaction.
    pub transaction: Digest,
    /// The event's index in the transaction.
    pub index: usize,
    /// Clock time (ms) at execution.
    pub timestamp_ms: u64,
    /// The event.
    pub event: Event,
}

/// Storage of objects and transactions.
pub trait Store: Send + Sync {
    /// The live version of an object.
    fn get_object(&self, id: &ObjectID) -> StoreResult<Option<Object>>;
    /// An object at a given version (live or historical); `None` if it never had that version
    /// or was deleted/wrapped at it.
    fn get_object_at(&self, id: &ObjectID, version: SequenceNumber) -> StoreResult<Option<Object>>;
    /// Every version the object had, oldest first.
    fn object_history(&self, id: &ObjectID) -> StoreResult<Vec<ObjectVersion>>;
    /// Live objects owned by an address (or, for dynamic fields, by an object's address).
    fn owned_objects(&self, owner: &Address) -> StoreResult<Vec<ObjectReference>>;
    /// A transaction record by digest.
    fn get_transaction(&self, digest: &Digest) -> StoreResult<Option<TransactionRecord>>;
    /// Transactions by sequence number, from `start`, at most `limit`.
    fn transactions(
        &self,
        start: u64,
        limit: usize,
    ) -> StoreResult<Vec<(Digest, TransactionRecord)>>;
    /// Events matching a filter, oldest first, at most `limit`.
    fn events(&self, filter: &EventFilter, limit: usize) -> StoreResult<Vec<EventRecord>>;
    /// Chain metadata.
    fn meta(&self) -> StoreResult<Option<ChainMeta>>;
    /// Applies a batch atomically. When this returns, the batch is durable (for durable stores).
    fn commit(&self, batch: CommitBatch) -> StoreResult<()>;
    /// Applies several batches atomically, in order (group commit).
    fn commit_many(&self, batches: Vec<CommitBatch>) -> StoreResult<()> {
        for b in batches {
            self.commit(b)?;
        }
        Ok(())
    }
}

pub(crate) fn owner_index_key(obj: &Object) -> Option<Address> {
    use crate::types::Owner;
    match obj.owner {
        Owner::AddressOwner(a) | Owner::ObjectOwner(a) => Some(a),
        _ => None,
    }
}
