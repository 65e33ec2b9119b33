//! The durable store: one redb database file, written one transaction (or one group of
//! transactions) per redb write transaction, fsynced before `commit` returns.
//!
//! Layout (every value is BCS of a `crate::types` / `crate::store` type):
//!
//! | table          | key                                  | value                      |
//! |----------------|--------------------------------------|----------------------------|
//! | `objects`      | object ID                            | live `Object`              |
//! | `history`      | object ID ‖ version (u64 big-endian) | `Option<Object>` (`None` = deleted/wrapped) |
//! | `owners`       | owner address ‖ object ID            | `()`                       |
//! | `transactions` | transaction digest                   | `TransactionRecord`        |
//! | `sequence`     | position in execution order          | transaction digest         |
//! | `events`       | (position, event index)              | `EventRecord`              |
//! | `meta`         | `"chain"` / `"format"`               | `ChainMeta` / format version (u32) |
//!
//! Big-endian versions make one object's history a contiguous, ordered key range; the owner
//! prefix does the same for an owner's objects. Events are kept in their own table, beside the
//! records that hold them, so listing events does not decode every transaction.

use std::path::{Path, PathBuf};

use redb::{Database, Durability, ReadableTable, Table, TableDefinition, WriteTransaction};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::{
    owner_index_key, ChainMeta, CommitBatch, EventFilter, EventRecord, ObjectVersion, Store,
    StoreError, StoreResult, TransactionRecord,
};
use crate::types::{Address, Digest, Object, ObjectID, ObjectReference, SequenceNumber};

/// A store in a redb database file.
///
/// Only one `RedbStore` (in this process or any other) may hold a file at a time; a second
/// [`open`](RedbStore::open) fails with [`StoreError::Locked`]. Every [`commit`](Store::commit)
/// and [`commit_many`](Store::commit_many) is one redb write transaction with
/// [`Durability::Immediate`]: when it returns the writes are on disk, and a crash at any moment
/// leaves either all or none of them.
pub struct RedbStore {
    db: Database,
    path: PathBuf,
}

impl RedbStore {
    /// The file name [`open_in`](RedbStore::open_in) uses inside its directory.
    pub const FILE_NAME: &'static str = "movid.redb";

    /// Opens the database at `path`, creating it if missing. After a crash, redb repairs the file
    /// on open, which walks the whole database.
    pub fn open(path: &Path) -> StoreResult<RedbStore> {
        Self::open_with_cache(path, Self::DEFAULT_CACHE_BYTES)
    }

    /// The page cache [`open`](Self::open) gives redb.
    pub const DEFAULT_CACHE_BYTES: usize = 1 << 30;

    /// As [`open`](Self::open), with a page cache of `cache_bytes`. A cache that holds the
    /// pages a workload touches keeps its cost flat as the store grows; past it, reads go to
    /// the operating system's file cache.
    pub fn open_with_cache(path: &Path, cache_bytes: usize) -> StoreResult<RedbStore> {
        let db = redb::Builder::new()
            .set_cache_size(cache_bytes)
            .create(path)
            .map_err(|e| match e {
                redb::DatabaseError::DatabaseAlreadyOpen => StoreError::Locked {
                    path: path.display().to_string(),
                },
                other => db_err(other),
            })?;
        let store = RedbStore {
            db,
            path: path.to_path_buf(),
        };
        store.init()?;
        Ok(store)
    }

    /// Opens (creating if needed) the directory `dir` and the database
    /// [`FILE_NAME`](Self::FILE_NAME) in it.
    pub fn open_in(dir: &Path) -> StoreResult<RedbStore> {
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::Backend(format!("cannot create {}: {e}", dir.display())))?;
        Self::open(&dir.join(Self::FILE_NAME))
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Creates every table, so readers never meet a missing one, and checks the layout version.
    fn init(&self) -> StoreResult<()> {
        let txn = self.db.begin_write().map_err(db_err)?;
        {
            let mut tables = WriteTables::open(&txn)?;
            let found = tables
                .meta
                .get(FORMAT_KEY)
                .map_err(db_err)?
                .map(|v| decode::<u32>(META_NAME, v.value()));
            match found {
                None => {
                    tables
                        .meta
                        .insert(FORMAT_KEY, encode(&FORMAT_VERSION)?.as_slice())
                        .map_err(db_err)?;
                }
                Some(Ok(FORMAT_VERSION)) => {}
                Some(Ok(other)) => {
                    return Err(StoreError::FormatMismatch {
                        path: self.path.display().to_string(),
                        found: other,
                        expected: FORMAT_VERSION,
                    })
                }
                Some(Err(e)) => return Err(e),
            }
        }
        txn.commit().map_err(db_err)
    }

    /// Runs `apply` on every batch inside one write transaction and commits it durably.
    fn write(&self, batches: Vec<CommitBatch>) -> StoreResult<()> {
        let mut txn = self.db.begin_write().map_err(db_err)?;
        // The default, stated because the contract of `commit` depends on it.
        txn.set_durability(Durability::Immediate);
        {
            let mut tables = WriteTables::open(&txn)?;
            for batch in batches {
                tables.apply(batch)?;
            }
        }
        // On an error above the transaction is dropped uncommitted, which aborts it.
        txn.commit().map_err(db_err)
    }

    /// What the database holds, table by table: bytes of keys and values, B-tree overhead, and
    /// the file's size (which also counts free and not yet reused pages).
    pub fn stats(&self) -> StoreResult<RedbStats> {
        use redb::{ReadableTableMetadata, TableHandle};
        fn table<K: redb::Key + 'static, V: redb::Value + 'static>(
            txn: &redb::ReadTransaction,
            def: TableDefinition<K, V>,
        ) -> StoreResult<TableUsage> {
            let t = txn.open_table(def).map_err(db_err)?;
            let s = t.stats().map_err(db_err)?;
            Ok(TableUsage {
                name: def.name().to_string(),
                entries: t.len().map_err(db_err)?,
                stored_bytes: s.stored_bytes(),
                metadata_bytes: s.metadata_bytes(),
                fragmented_bytes: s.fragmented_bytes(),
            })
        }
        let tables = self.read(|txn| {
            Ok(vec![
                table(txn, OBJECTS)?,
                table(txn, HISTORY)?,
                table(txn, OWNERS)?,
                table(txn, TRANSACTIONS)?,
                table(txn, SEQUENCE)?,
                table(txn, EVENTS)?,
                table(txn, META)?,
            ])
        })?;
        let file_bytes = std::fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0);
        Ok(RedbStats { tables, file_bytes })
    }

    fn read<T>(&self, f: impl FnOnce(&redb::ReadTransaction) -> StoreResult<T>) -> StoreResult<T> {
        let txn = self.db.begin_read().map_err(db_err)?;
        f(&txn)
    }
}

/// Space used by a [`RedbStore`], from [`RedbStore::stats`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedbStats {
    /// One entry per table.
    pub tables: Vec<TableUsage>,
    /// Size of the database file.
    pub file_bytes: u64,
}

impl RedbStats {
    /// Bytes of keys and values in every table.
    pub fn stored_bytes(&self) -> u64 {
        self.tables.iter().map(|t| t.stored_bytes).sum()
    }

    /// Stored bytes plus B-tree metadata and fragmentation: the pages the data occupies.
    pub fn used_bytes(&self) -> u64 {
        self.tables
            .iter()
            .map(|t| t.stored_bytes + t.metadata_bytes + t.fragmented_bytes)
            .sum()
    }
}

/// Space used by one table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableUsage {
    /// The table.
    pub name: String,
    /// Its entries.
    pub entries: u64,
    /// Bytes of keys and values.
    pub stored_bytes: u64,
    /// Bytes of B-tree structure.
    pub metadata_bytes: u64,
    /// Bytes lost inside its pages.
    pub fragmented_bytes: u64,
}

const OBJECTS_NAME: &str = "objects";
const HISTORY_NAME: &str = "history";
const OWNERS_NAME: &str = "owners";
const TRANSACTIONS_NAME: &str = "transactions";
const SEQUENCE_NAME: &str = "sequence";
const EVENTS_NAME: &str = "events";
const META_NAME: &str = "meta";

const OBJECTS: TableDefinition<&[u8; 32], &[u8]> = TableDefinition::new(OBJECTS_NAME);
const HISTORY: TableDefinition<&[u8; 40], &[u8]> = TableDefinition::new(HISTORY_NAME);
const OWNERS: TableDefinition<&[u8; 64], ()> = TableDefinition::new(OWNERS_NAME);
const TRANSACTIONS: TableDefinition<&[u8; 32], &[u8]> = TableDefinition::new(TRANSACTIONS_NAME);
const SEQUENCE: TableDefinition<u64, &[u8; 32]> = TableDefinition::new(SEQUENCE_NAME);
const EVENTS: TableDefinition<(u64, u32), &[u8]> = TableDefinition::new(EVENTS_NAME);
const META: TableDefinition<&str, &[u8]> = TableDefinition::new(META_NAME);

const CHAIN_KEY: &str = "chain";
const FORMAT_KEY: &str = "format";
/// Bumped whenever the table layout or value encoding changes. 2: digests are Sui's BCS byte
/// strings (a 0x20 length prefix), so every stored object, record and digest key changed.
pub const FORMAT_VERSION: u32 = 2;

/// Every table, opened once per write transaction.
struct WriteTables<'txn> {
    objects: Table<'txn, &'static [u8; 32], &'static [u8]>,
    history: Table<'txn, &'static [u8; 40], &'static [u8]>,
    owners: Table<'txn, &'static [u8; 64], ()>,
    transactions: Table<'txn, &'static [u8; 32], &'static [u8]>,
    sequence: Table<'txn, u64, &'static [u8; 32]>,
    events: Table<'txn, (u64, u32), &'static [u8]>,
    meta: Table<'txn, &'static str, &'static [u8]>,
}

impl<'txn> WriteTables<'txn> {
    fn open(txn: &'txn WriteTransaction) -> StoreResult<Self> {
        Ok(WriteTables {
            objects: txn.open_table(OBJECTS).map_err(db_err)?,
            history: txn.open_table(HISTORY).map_err(db_err)?,
            owners: txn.open_table(OWNERS).map_err(db_err)?,
            transactions: txn.open_table(TRANSACTIONS).map_err(db_err)?,
            sequence: txn.open_table(SEQUENCE).map_err(db_err)?,
            events: txn.open_table(EVENTS).map_err(db_err)?,
            meta: txn.open_table(META).map_err(db_err)?,
        })
    }

    /// Applies one batch with the same meaning as `MemoryStore`: removals first, then writes,
    /// then the record and the metadata.
    fn apply(&mut self, batch: CommitBatch) -> StoreResult<()> {
        for (id, version) in batch.removed {
            let old = self
                .objects
                .remove(id.inner())
                .map_err(db_err)?
                .map(|v| decode::<Object>(OBJECTS_NAME, v.value()));
            if let Some(owner) = old.transpose()?.as_ref().and_then(owner_index_key) {
                self.owners
                    .remove(&owner_key(&owner, &id))
                    .map_err(db_err)?;
            }
            self.history
                .insert(
                    &history_key(&id, version),
                    encode(&None::<Object>)?.as_slice(),
                )
                .map_err(db_err)?;
        }
        for obj in batch.written {
            let id = obj.id();
            let old = self
                .objects
                .get(id.inner())
                .map_err(db_err)?
                .map(|v| decode::<Object>(OBJECTS_NAME, v.value()));
            if let Some(owner) = old.transpose()?.as_ref().and_then(owner_index_key) {
                self.owners
                    .remove(&owner_key(&owner, &id))
                    .map_err(db_err)?;
            }
            if let Some(owner) = owner_index_key(&obj) {
                self.owners
                    .insert(&owner_key(&owner, &id), ())
                    .map_err(db_err)?;
            }
            self.history
                .insert(
                    &history_key(&id, obj.version()),
                    encode(&Some(&obj))?.as_slice(),
                )
                .map_err(db_err)?;
            self.objects
                .insert(id.inner(), encode(&obj)?.as_slice())
                .map_err(db_err)?;
        }
        if let Some((digest, record)) = batch.record {
            // The position in execution order, as `MemoryStore` counts it; the record's own
            // `sequence` field is stored as given.
            let position = match self.sequence.last().map_err(db_err)? {
                Some((k, _)) => k.value() + 1,
                None => 0,
            };
            self.sequence
                .insert(position, &digest.into_inner())
                .map_err(db_err)?;
            for (index, event) in record.events.iter().enumerate() {
                let index32 = u32::try_from(index).map_err(|_| {
                    StoreError::Backend(format!("transaction {digest} has too many events"))
                })?;
                let event_record = EventRecord {
                    transaction: digest,
                    index,
                    timestamp_ms: record.timestamp_ms,
                    event: event.clone(),
                };
                self.events
                    .insert((position, index32), encode(&event_record)?.as_slice())
                    .map_err(db_err)?;
            }
            self.transactions
                .insert(&digest.into_inner(), encode(&record)?.as_slice())
                .map_err(db_err)?;
        }
        if let Some(meta) = batch.meta {
            self.meta
                .insert(CHAIN_KEY, encode(&meta)?.as_slice())
                .map_err(db_err)?;
        }
        Ok(())
    }
}

impl Store for RedbStore {
    fn get_object(&self, id: &ObjectID) -> StoreResult<Option<Object>> {
        self.read(|txn| {
            let objects = txn.open_table(OBJECTS).map_err(db_err)?;
            let found = objects.get(id.inner()).map_err(db_err)?;
            found.map(|v| decode(OBJECTS_NAME, v.value())).transpose()
        })
    }

    fn get_object_at(&self, id: &ObjectID, version: SequenceNumber) -> StoreResult<Option<Object>> {
        self.read(|txn| {
            let history = txn.open_table(HISTORY).map_err(db_err)?;
            let found = history.get(&history_key(id, version)).map_err(db_err)?;
            Ok(found
                .map(|v| decode::<Option<Object>>(HISTORY_NAME, v.value()))
                .transpose()?
                .flatten())
        })
    }

    fn object_history(&self, id: &ObjectID) -> StoreResult<Vec<ObjectVersion>> {
        self.read(|txn| {
            let history = txn.open_table(HISTORY).map_err(db_err)?;
            let range = history
                .range::<&[u8; 40]>(&history_key(id, 0)..=&history_key(id, u64::MAX))
                .map_err(db_err)?;
            range
                .map(|entry| {
                    let (k, v) = entry.map_err(db_err)?;
                    let version = u64::from_be_bytes(
                        k.value()[32..].try_into().expect("8-byte version suffix"),
                    );
                    Ok(ObjectVersion {
                        id: *id,
                        version,
                        object: decode(HISTORY_NAME, v.value())?,
                    })
                })
                .collect()
        })
    }

    fn owned_objects(&self, owner: &Address) -> StoreResult<Vec<ObjectReference>> {
        self.read(|txn| {
            let owners = txn.open_table(OWNERS).map_err(db_err)?;
            let objects = txn.open_table(OBJECTS).map_err(db_err)?;
            let first = owner_key(owner, &ObjectID::new([0; 32]));
            let last = owner_key(owner, &ObjectID::new([0xff; 32]));
            let mut out = vec![];
            for entry in owners.range::<&[u8; 64]>(&first..=&last).map_err(db_err)? {
                let (k, _) = entry.map_err(db_err)?;
                let id: [u8; 32] = k.value()[32..]
                    .try_into()
                    .expect("32-byte object ID suffix");
                // The index is kept exact by `apply`; a dangling entry is skipped, as in memory.
                if let Some(v) = objects.get(&id).map_err(db_err)? {
                    out.push(decode::<Object>(OBJECTS_NAME, v.value())?.object_ref());
                }
            }
            Ok(out)
        })
    }

    fn get_transaction(&self, digest: &Digest) -> StoreResult<Option<TransactionRecord>> {
        self.read(|txn| {
            let transactions = txn.open_table(TRANSACTIONS).map_err(db_err)?;
            let found = transactions.get(&digest.into_inner()).map_err(db_err)?;
            found
                .map(|v| decode(TRANSACTIONS_NAME, v.value()))
                .transpose()
        })
    }

    fn transactions(
        &self,
        start: u64,
        limit: usize,
    ) -> StoreResult<Vec<(Digest, TransactionRecord)>> {
        self.read(|txn| {
            let sequence = txn.open_table(SEQUENCE).map_err(db_err)?;
            let transactions = txn.open_table(TRANSACTIONS).map_err(db_err)?;
            let mut out = vec![];
            for entry in sequence.range(start..).map_err(db_err)?.take(limit) {
                let (position, digest) = entry.map_err(db_err)?;
                let digest = Digest::new(*digest.value());
                let record = transactions
                    .get(&digest.into_inner())
                    .map_err(db_err)?
                    .ok_or_else(|| StoreError::Corrupt {
                        table: SEQUENCE_NAME,
                        reason: format!(
                            "position {} names transaction {digest}, which is not stored",
                            position.value()
                        ),
                    })?;
                out.push((digest, decode(TRANSACTIONS_NAME, record.value())?));
            }
            Ok(out)
        })
    }

    fn events(&self, filter: &EventFilter, limit: usize) -> StoreResult<Vec<EventRecord>> {
        if let Some(digest) = filter.transaction {
            let Some(record) = self.get_transaction(&digest)? else {
                return Ok(vec![]);
            };
            return Ok(record
                .events
                .into_iter()
                .enumerate()
                .filter(|(_, event)| filter.matches(&digest, event))
                .take(limit)
                .map(|(index, event)| EventRecord {
                    transaction: digest,
                    index,
                    timestamp_ms: record.timestamp_ms,
                    event,
                })
                .collect());
        }
        self.read(|txn| {
            let events = txn.open_table(EVENTS).map_err(db_err)?;
            let mut out = vec![];
            for entry in events.iter().map_err(db_err)? {
                if out.len() >= limit {
                    break;
                }
                let (_, v) = entry.map_err(db_err)?;
                let record: EventRecord = decode(EVENTS_NAME, v.value())?;
                if filter.matches(&record.transaction, &record.event) {
                    out.push(record);
                }
            }
            Ok(out)
        })
    }

    fn meta(&self) -> StoreResult<Option<ChainMeta>> {
        self.read(|txn| {
            let meta = txn.open_table(META).map_err(db_err)?;
            let found = meta.get(CHAIN_KEY).map_err(db_err)?;
            found.map(|v| decode(META_NAME, v.value())).transpose()
        })
    }

    fn commit(&self, batch: CommitBatch) -> StoreResult<()> {
        self.write(vec![batch])
    }

    fn commit_many(&self, batches: Vec<CommitBatch>) -> StoreResult<()> {
        self.write(batches)
    }
}

fn history_key(id: &ObjectID, version: SequenceNumber) -> [u8; 40] {
    let mut key = [0u8; 40];
    key[..32].copy_from_slice(id.inner());
    key[32..].copy_from_slice(&version.to_be_bytes());
    key
}

fn owner_key(owner: &Address, id: &ObjectID) -> [u8; 64] {
    let mut key = [0u8; 64];
    key[..32].copy_from_slice(owner.inner());
    key[32..].copy_from_slice(id.inner());
    key
}

fn encode<T: Serialize + ?Sized>(value: &T) -> StoreResult<Vec<u8>> {
    bcs::to_bytes(value)
        .map_err(|e| StoreError::Backend(format!("cannot encode a value for the store: {e}")))
}

fn decode<T: DeserializeOwned>(table: &'static str, bytes: &[u8]) -> StoreResult<T> {
    bcs::from_bytes(bytes).map_err(|e| StoreError::Corrupt {
        table,
        reason: e.to_string(),
    })
}

/// Maps any redb error: file corruption to [`StoreError::Corrupt`], the rest to
/// [`StoreError::Backend`]. (`DatabaseAlreadyOpen` is mapped to `Locked` in `open`, which knows
/// the path.)
fn db_err(e: impl Into<redb::Error>) -> StoreError {
    match e.into() {
        redb::Error::Corrupted(reason) => StoreError::Corrupt {
            table: "(database file)",
            reason,
        },
        other => StoreError::Backend(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    //! Every behaviour is checked against both `MemoryStore` (the reference) and `RedbStore`.

    use crate::types::address_from_u8;
    use crate::types::salted_digest;
    use crate::types::WellKnown;
    use move_core_types::identifier::Identifier;
    use move_core_types::language_storage::StructTag;

    use super::*;
    use crate::store::MemoryStore;
    use crate::types::{
        Event, ExecutionStatus, GasCostSummary, MoveObject, MovePackage, Owner, TransactionEffects,
    };

    fn tag(module: &str, name: &str) -> StructTag {
        StructTag {
            address: crate::seam::to_vm_address(ObjectID::FRAMEWORK),
            module: Identifier::new(module).unwrap(),
            name: Identifier::new(name).unwrap(),
            type_params: vec![],
        }
    }

    fn object(id: ObjectID, version: SequenceNumber, owner: Owner) -> Object {
        let mut contents = id.into_inner().to_vec();
        contents.extend_from_slice(&version.to_le_bytes());
        let move_object = MoveObject {
            type_: tag("thing", "Thing"),
            has_public_transfer: true,
            version,
            contents,
        };
        Object::new_move(
            move_object,
            owner,
            salted_digest("tx", &version.to_le_bytes()),
        )
    }

    fn event(sender: Address, name: &str) -> Event {
        Event {
            package_id: ObjectID::IDENTITY,
            transaction_module: "identity".into(),
            sender,
            type_: tag("identity", name),
            contents: name.as_bytes().to_vec(),
        }
    }

    fn record(digest: Digest, sequence: u64, events: Vec<Event>) -> TransactionRecord {
        let gas = ObjectReference::new(address_from_u8(9), sequence + 1, Digest::ZERO);
        let effects = TransactionEffects {
            status: ExecutionStatus::Success,
            executed_epoch: 0,
            gas_used: GasCostSummary::default(),
            transaction_digest: digest,
            lamport_version: sequence + 1,
            created: vec![],
            mutated: vec![],
            unwrapped: vec![],
            deleted: vec![],
            unwrapped_then_deleted: vec![],
            wrapped: vec![],
            gas_object: (gas, Owner::AddressOwner(Address::ZERO)),
            shared_objects: vec![],
            events_digest: None,
            dependencies: vec![],
        };
        TransactionRecord {
            sequence,
            transaction: None,
            effects,
            events,
            timestamp_ms: 1000 + sequence,
        }
    }

    fn tx_batch(
        n: u64,
        written: Vec<Object>,
        removed: Vec<(ObjectID, u64)>,
        events: Vec<Event>,
    ) -> CommitBatch {
        let digest = salted_digest("tx", &n.to_le_bytes());
        CommitBatch {
            written,
            removed,
            record: Some((digest, record(digest, n, events))),
            meta: None,
        }
    }

    fn digest(n: u64) -> Digest {
        salted_digest("tx", &n.to_le_bytes())
    }

    fn sorted(mut refs: Vec<ObjectReference>) -> Vec<ObjectReference> {
        refs.sort();
        refs
    }

    /// Runs `check` on a fresh memory store and a fresh redb store.
    fn on_both(check: impl Fn(&dyn Store)) {
        check(&MemoryStore::new());
        let dir = tempfile::tempdir().unwrap();
        check(&RedbStore::open_in(dir.path()).unwrap());
    }

    const ALICE: Address = address_from_u8(0xa1);
    const BOB: Address = address_from_u8(0xb0);

    #[test]
    fn written_object_is_live_and_in_history() {
        on_both(|store| {
            let id = address_from_u8(1);
            let obj = object(id, 1, Owner::AddressOwner(ALICE));
            store
                .commit(tx_batch(0, vec![obj.clone()], vec![], vec![]))
                .unwrap();
            assert_eq!(store.get_object(&id).unwrap(), Some(obj.clone()));
            assert_eq!(store.get_object_at(&id, 1).unwrap(), Some(obj.clone()));
            assert_eq!(store.get_object_at(&id, 2).unwrap(), None);
            assert_eq!(store.get_object(&address_from_u8(2)).unwrap(), None);
            assert_eq!(
                store.object_history(&id).unwrap(),
                vec![ObjectVersion {
                    id,
                    version: 1,
                    object: Some(obj)
                }]
            );
        });
    }

    #[test]
    fn new_version_replaces_live_and_keeps_old_in_history() {
        on_both(|store| {
            let id = address_from_u8(1);
            let v1 = object(id, 1, Owner::AddressOwner(ALICE));
            let v5 = object(id, 5, Owner::AddressOwner(ALICE));
            store
                .commit(tx_batch(0, vec![v1.clone()], vec![], vec![]))
                .unwrap();
            store
                .commit(tx_batch(1, vec![v5.clone()], vec![], vec![]))
                .unwrap();
            assert_eq!(store.get_object(&id).unwrap(), Some(v5.clone()));
            assert_eq!(store.get_object_at(&id, 1).unwrap(), Some(v1.clone()));
            let versions: Vec<_> = store
                .object_history(&id)
                .unwrap()
                .into_iter()
                .map(|v| v.version)
                .collect();
            assert_eq!(versions, vec![1, 5]);
            assert_eq!(store.owned_objects(&ALICE).unwrap(), vec![v5.object_ref()]);
        });
    }

    #[test]
    fn history_is_ordered_by_version_beyond_one_byte() {
        on_both(|store| {
            let id = address_from_u8(1);
            for v in [1u64, 255, 256, 70_000] {
                store
                    .commit(tx_batch(
                        v,
                        vec![object(id, v, Owner::Immutable)],
                        vec![],
                        vec![],
                    ))
                    .unwrap();
            }
            let versions: Vec<_> = store
                .object_history(&id)
                .unwrap()
                .into_iter()
                .map(|v| v.version)
                .collect();
            assert_eq!(versions, vec![1, 255, 256, 70_000]);
        });
    }

    #[test]
    fn removed_object_leaves_a_tombstone_and_the_owner_index() {
        on_both(|store| {
            let id = address_from_u8(1);
            let v1 = object(id, 1, Owner::AddressOwner(ALICE));
            store
                .commit(tx_batch(0, vec![v1.clone()], vec![], vec![]))
                .unwrap();
            store
                .commit(tx_batch(1, vec![], vec![(id, 2)], vec![]))
                .unwrap();
            assert_eq!(store.get_object(&id).unwrap(), None);
            assert_eq!(store.get_object_at(&id, 2).unwrap(), None);
            assert_eq!(store.get_object_at(&id, 1).unwrap(), Some(v1.clone()));
            assert_eq!(
                store.object_history(&id).unwrap(),
                vec![
                    ObjectVersion {
                        id,
                        version: 1,
                        object: Some(v1)
                    },
                    ObjectVersion {
                        id,
                        version: 2,
                        object: None
                    }
                ]
            );
            assert_eq!(store.owned_objects(&ALICE).unwrap(), vec![]);
        });
    }

    #[test]
    fn unwrapped_object_comes_back_after_its_tombstone() {
        on_both(|store| {
            let id = address_from_u8(1);
            store
                .commit(tx_batch(
                    0,
                    vec![object(id, 1, Owner::AddressOwner(ALICE))],
                    vec![],
                    vec![],
                ))
                .unwrap();
            store
                .commit(tx_batch(1, vec![], vec![(id, 2)], vec![]))
                .unwrap();
            let v3 = object(id, 3, Owner::AddressOwner(BOB));
            store
                .commit(tx_batch(2, vec![v3.clone()], vec![], vec![]))
                .unwrap();
            assert_eq!(store.get_object(&id).unwrap(), Some(v3.clone()));
            assert_eq!(store.owned_objects(&BOB).unwrap(), vec![v3.object_ref()]);
            assert_eq!(store.object_history(&id).unwrap().len(), 3);
        });
    }

    #[test]
    fn owner_index_follows_transfers_between_address_and_object_owners() {
        on_both(|store| {
            let (a, b, c) = (address_from_u8(1), address_from_u8(2), address_from_u8(3));
            let parent = c;
            let written = vec![
                object(a, 1, Owner::AddressOwner(ALICE)),
                object(b, 1, Owner::AddressOwner(ALICE)),
                object(
                    c,
                    1,
                    Owner::Shared {
                        initial_shared_version: 1,
                    },
                ),
            ];
            store.commit(tx_batch(0, written, vec![], vec![])).unwrap();
            assert_eq!(store.owned_objects(&ALICE).unwrap().len(), 2);

            let a2 = object(a, 2, Owner::AddressOwner(BOB));
            let b2 = object(b, 2, Owner::ObjectOwner(parent));
            store
                .commit(tx_batch(1, vec![a2.clone(), b2.clone()], vec![], vec![]))
                .unwrap();
            assert_eq!(store.owned_objects(&ALICE).unwrap(), vec![]);
            assert_eq!(store.owned_objects(&BOB).unwrap(), vec![a2.object_ref()]);
            assert_eq!(store.owned_objects(&parent).unwrap(), vec![b2.object_ref()]);

            // Shared and immutable objects are not indexed by owner.
            let a3 = object(a, 3, Owner::Immutable);
            store.commit(tx_batch(2, vec![a3], vec![], vec![])).unwrap();
            assert_eq!(store.owned_objects(&BOB).unwrap(), vec![]);
        });
    }

    #[test]
    fn owned_objects_lists_every_object_of_the_owner_only() {
        on_both(|store| {
            let mine: Vec<_> = (1..=5)
                .map(|i| object(address_from_u8(i), 1, Owner::AddressOwner(ALICE)))
                .collect();
            let theirs = object(address_from_u8(6), 1, Owner::AddressOwner(BOB));
            let mut written = mine.clone();
            written.push(theirs);
            store.commit(tx_batch(0, written, vec![], vec![])).unwrap();
            let expected = sorted(mine.iter().map(Object::object_ref).collect());
            assert_eq!(sorted(store.owned_objects(&ALICE).unwrap()), expected);
        });
    }

    #[test]
    fn packages_are_stored_like_objects() {
        on_both(|store| {
            let id = address_from_u8(0x42);
            let package = MovePackage {
                id,
                version: 1,
                modules: [("m".to_string(), vec![1, 2, 3])].into(),
            };
            let obj = Object {
                data: crate::types::Data::Package(package),
                owner: Owner::Immutable,
                previous_transaction: Digest::ZERO,
                storage_rebate: 7,
            };
            store
                .commit(CommitBatch {
                    written: vec![obj.clone()],
                    ..Default::default()
                })
                .unwrap();
            assert_eq!(store.get_object(&id).unwrap(), Some(obj));
            assert_eq!(store.transactions(0, 10).unwrap(), vec![]);
        });
    }

    #[test]
    fn transactions_are_listed_in_execution_order() {
        on_both(|store| {
            for n in 0..5 {
                store.commit(tx_batch(n, vec![], vec![], vec![])).unwrap();
            }
            let all = store.transactions(0, 100).unwrap();
            assert_eq!(
                all.iter().map(|(d, _)| *d).collect::<Vec<_>>(),
                (0..5).map(digest).collect::<Vec<_>>()
            );
            assert_eq!(all[3].1, record(digest(3), 3, vec![]));
            let page = store.transactions(2, 2).unwrap();
            assert_eq!(
                page.iter().map(|(_, r)| r.sequence).collect::<Vec<_>>(),
                vec![2, 3]
            );
            assert_eq!(store.transactions(5, 10).unwrap(), vec![]);
            assert_eq!(
                store.get_transaction(&digest(4)).unwrap(),
                Some(record(digest(4), 4, vec![]))
            );
            assert_eq!(store.get_transaction(&digest(5)).unwrap(), None);
        });
    }

    #[test]
    fn events_are_filtered_by_transaction_sender_and_type() {
        on_both(|store| {
            let created = event(ALICE, "IdentityCreated");
            let approved = event(BOB, "ProposalApproved");
            store
                .commit(tx_batch(
                    0,
                    vec![],
                    vec![],
                    vec![created.clone(), approved.clone()],
                ))
                .unwrap();
            store
                .commit(tx_batch(
                    1,
                    vec![],
                    vec![],
                    vec![event(ALICE, "ProposalApproved")],
                ))
                .unwrap();
            store.commit(tx_batch(2, vec![], vec![], vec![])).unwrap();

            let all = store.events(&EventFilter::default(), 100).unwrap();
            assert_eq!(all.len(), 3);
            assert_eq!(
                all[0],
                EventRecord {
                    transaction: digest(0),
                    index: 0,
                    timestamp_ms: 1000,
                    event: created
                }
            );
            assert_eq!(
                all[1],
                EventRecord {
                    transaction: digest(0),
                    index: 1,
                    timestamp_ms: 1000,
                    event: approved
                }
            );
            assert_eq!(
                (all[2].transaction, all[2].index, all[2].timestamp_ms),
                (digest(1), 0, 1001)
            );

            let of_tx1 = EventFilter {
                transaction: Some(digest(1)),
                ..Default::default()
            };
            assert_eq!(store.events(&of_tx1, 100).unwrap(), vec![all[2].clone()]);
            let by_alice = EventFilter {
                sender: Some(ALICE),
                ..Default::default()
            };
            assert_eq!(
                store.events(&by_alice, 100).unwrap(),
                vec![all[0].clone(), all[2].clone()]
            );
            let approvals = EventFilter {
                type_: Some(tag("identity", "ProposalApproved")),
                ..Default::default()
            };
            assert_eq!(
                store.events(&approvals, 100).unwrap(),
                vec![all[1].clone(), all[2].clone()]
            );
            assert_eq!(store.events(&approvals, 1).unwrap(), vec![all[1].clone()]);
            let unknown_tx = EventFilter {
                transaction: Some(digest(9)),
                ..Default::default()
            };
            assert_eq!(store.events(&unknown_tx, 100).unwrap(), vec![]);
        });
    }

    #[test]
    fn meta_is_absent_until_written_then_replaced() {
        on_both(|store| {
            assert_eq!(store.meta().unwrap(), None);
            let first = ChainMeta {
                epoch: 0,
                epoch_start_ms: 5,
                tx_count: 1,
                genesis: digest(0),
            };
            store
                .commit(CommitBatch {
                    meta: Some(first.clone()),
                    ..Default::default()
                })
                .unwrap();
            assert_eq!(store.meta().unwrap(), Some(first.clone()));
            // A batch without meta leaves it alone.
            store.commit(tx_batch(1, vec![], vec![], vec![])).unwrap();
            assert_eq!(store.meta().unwrap(), Some(first.clone()));
            let second = ChainMeta {
                epoch: 1,
                tx_count: 2,
                ..first
            };
            store
                .commit(CommitBatch {
                    meta: Some(second.clone()),
                    ..Default::default()
                })
                .unwrap();
            assert_eq!(store.meta().unwrap(), Some(second));
        });
    }

    #[test]
    fn commit_many_applies_batches_in_order() {
        on_both(|store| {
            let id = address_from_u8(1);
            let batches = vec![
                tx_batch(
                    0,
                    vec![object(id, 1, Owner::AddressOwner(ALICE))],
                    vec![],
                    vec![],
                ),
                tx_batch(
                    1,
                    vec![object(id, 2, Owner::AddressOwner(BOB))],
                    vec![],
                    vec![event(BOB, "E")],
                ),
                tx_batch(2, vec![], vec![(id, 3)], vec![]),
            ];
            store.commit_many(batches).unwrap();
            assert_eq!(store.get_object(&id).unwrap(), None);
            assert_eq!(store.object_history(&id).unwrap().len(), 3);
            assert_eq!(store.owned_objects(&BOB).unwrap(), vec![]);
            assert_eq!(store.transactions(0, 10).unwrap().len(), 3);
            assert_eq!(
                store.events(&EventFilter::default(), 10).unwrap()[0].transaction,
                digest(1)
            );
        });
    }

    #[test]
    fn reopened_store_keeps_everything() {
        let dir = tempfile::tempdir().unwrap();
        let id = address_from_u8(1);
        let v2 = object(id, 2, Owner::AddressOwner(BOB));
        let meta = ChainMeta {
            epoch: 3,
            epoch_start_ms: 9,
            tx_count: 2,
            genesis: digest(0),
        };
        {
            let store = RedbStore::open_in(dir.path()).unwrap();
            store
                .commit(tx_batch(
                    0,
                    vec![object(id, 1, Owner::AddressOwner(ALICE))],
                    vec![],
                    vec![],
                ))
                .unwrap();
            let mut batch = tx_batch(1, vec![v2.clone()], vec![], vec![event(BOB, "E")]);
            batch.meta = Some(meta.clone());
            store.commit(batch).unwrap();
        }
        let store = RedbStore::open_in(dir.path()).unwrap();
        assert_eq!(store.get_object(&id).unwrap(), Some(v2.clone()));
        assert_eq!(store.object_history(&id).unwrap().len(), 2);
        assert_eq!(store.owned_objects(&BOB).unwrap(), vec![v2.object_ref()]);
        assert_eq!(store.owned_objects(&ALICE).unwrap(), vec![]);
        assert_eq!(store.transactions(0, 10).unwrap().len(), 2);
        assert_eq!(store.events(&EventFilter::default(), 10).unwrap().len(), 1);
        assert_eq!(store.meta().unwrap(), Some(meta));

        // Appending after a reopen continues the execution order.
        store
            .commit(tx_batch(2, vec![], vec![], vec![event(ALICE, "F")]))
            .unwrap();
        let order: Vec<_> = store
            .transactions(0, 10)
            .unwrap()
            .into_iter()
            .map(|(d, _)| d)
            .collect();
        assert_eq!(order, vec![digest(0), digest(1), digest(2)]);
        assert_eq!(
            store.events(&EventFilter::default(), 10).unwrap()[1].transaction,
            digest(2)
        );
    }

    #[test]
    fn second_open_of_a_held_store_is_refused_with_locked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chain.redb");
        let held = RedbStore::open(&path).unwrap();
        match RedbStore::open(&path) {
            Err(StoreError::Locked { path: p }) => assert_eq!(p, path.display().to_string()),
            Err(other) => panic!("expected Locked, got {other}"),
            Ok(_) => panic!("expected Locked, the store opened twice"),
        }
        drop(held);
        RedbStore::open(&path).expect("the store opens again once released");
    }

    fn stored_format(path: &Path) -> u32 {
        let db = redb::Database::open(path).unwrap();
        let txn = db.begin_read().unwrap();
        let meta = txn.open_table(META).unwrap();
        let v = meta.get(FORMAT_KEY).unwrap().unwrap();
        decode::<u32>(META_NAME, v.value()).unwrap()
    }

    #[test]
    fn a_store_of_the_format_before_sui_digests_is_refused_and_left_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chain.redb");
        drop(RedbStore::open(&path).unwrap());
        assert_eq!(stored_format(&path), FORMAT_VERSION);
        // Rewrite the format key as a build from before the digest length prefix left it.
        {
            let db = redb::Database::open(&path).unwrap();
            let txn = db.begin_write().unwrap();
            txn.open_table(META)
                .unwrap()
                .insert(FORMAT_KEY, encode(&1u32).unwrap().as_slice())
                .unwrap();
            txn.commit().unwrap();
        }
        match RedbStore::open(&path) {
            Err(StoreError::FormatMismatch {
                path: p,
                found,
                expected,
            }) => {
                assert_eq!((p, found, expected), (path.display().to_string(), 1, 2));
            }
            Err(other) => panic!("expected FormatMismatch, got {other}"),
            Ok(_) => panic!("a format-1 store opened"),
        }
        let shown = RedbStore::open(&path).err().unwrap().to_string();
        assert!(shown.contains("--force-regenesis"), "{shown}");
        // Refused, not converted: the file still says format 1.
        assert_eq!(stored_format(&path), 1);
    }

    #[test]
    fn a_file_that_is_not_a_database_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("junk.redb");
        std::fs::write(&path, vec![0x5a; 4096]).unwrap();
        assert!(matches!(
            RedbStore::open(&path),
            Err(StoreError::Backend(_) | StoreError::Corrupt { .. })
        ));
    }
}
