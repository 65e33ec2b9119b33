//! An in-memory store: fast, lost when the process ends.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use parking_lot::RwLock;

use super::{
    owner_index_key, ChainMeta, CommitBatch, EventFilter, EventRecord, ObjectVersion, Store,
    StoreResult, TransactionRecord,
};
use crate::types::{Address, Digest, Object, ObjectID, ObjectReference, SequenceNumber};

#[derive(Default, Clone)]
struct Inner {
    live: HashMap<ObjectID, Object>,
    history: HashMap<ObjectID, BTreeMap<SequenceNumber, Option<Object>>>,
    by_owner: HashMap<Address, BTreeSet<ObjectID>>,
    transactions: HashMap<Digest, TransactionRecord>,
    order: Vec<Digest>,
    meta: Option<ChainMeta>,
}

/// A store held in memory. `Clone` takes a snapshot.
#[derive(Default)]
pub struct MemoryStore {
    inner: RwLock<Inner>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// An independent copy of the current state.
    pub fn snapshot(&self) -> MemoryStore {
        MemoryStore {
            inner: RwLock::new(self.inner.read().clone()),
        }
    }
}

impl Inner {
    fn apply(&mut self, batch: CommitBatch) {
        for (id, version) in batch.removed {
            if let Some(old) = self.live.remove(&id) {
                if let Some(owner) = owner_index_key(&old) {
                    if let Some(set) = self.by_owner.get_mut(&owner) {
                        set.remove(&id);
                    }
                }
            }
            self.history.entry(id).or_default().insert(version, None);
        }
        for obj in batch.written {
            let id = obj.id();
            if let Some(old) = self.live.get(&id) {
                if let Some(owner) = owner_index_key(old) {
                    if let Some(set) = self.by_owner.get_mut(&owner) {
                        set.remove(&id);
                    }
                }
            }
            if let Some(owner) = owner_index_key(&obj) {
                self.by_owner.entry(owner).or_default().insert(id);
            }
            self.history
                .entry(id)
                .or_default()
                .insert(obj.version(), Some(obj.clone()));
            self.live.insert(id, obj);
        }
        if let Some((digest, record)) = batch.record {
            self.order.push(digest);
            self.transactions.insert(digest, record);
        }
        if let Some(meta) = batch.meta {
            self.meta = Some(meta);
        }
    }
}

impl Store for MemoryStore {
    fn get_object(&self, id: &ObjectID) -> StoreResult<Option<Object>> {
        Ok(self.inner.read().live.get(id).cloned())
    }

    fn get_object_at(&self, id: &ObjectID, version: SequenceNumber) -> StoreResult<Option<Object>> {
        Ok(self
            .inner
            .read()
            .history
            .get(id)
            .and_then(|h| h.get(&version).cloned().flatten()))
    }

    fn object_history(&self, id: &ObjectID) -> StoreResult<Vec<ObjectVersion>> {
        Ok(self
            .inner
            .read()
            .history
            .get(id)
            .map(|h| {
                h.iter()
                    .map(|(v, o)| ObjectVersion {
                        id: *id,
                        version: *v,
                        object: o.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default())
    }

    fn owned_objects(&self, owner: &Address) -> StoreResult<Vec<ObjectReference>> {
        let inner = self.inner.read();
        Ok(inner
            .by_owner
            .get(owner)
            .map(|ids| {
                ids.iter()
                    .filter_map(|id| inner.live.get(id))
                    .map(Object::object_ref)
                    .collect()
            })
            .unwrap_or_default())
    }

    fn get_transaction(&self, digest: &Digest) -> StoreResult<Option<TransactionRecord>> {
        Ok(self.inner.read().transactions.get(digest).cloned())
    }

    fn transactions(
        &self,
        start: u64,
        limit: usize,
    ) -> StoreResult<Vec<(Digest, TransactionRecord)>> {
        let inner = self.inner.read();
        Ok(inner
            .order
            .iter()
            .skip(start as usize)
            .take(limit)
            .map(|d| (*d, inner.transactions[d].clone()))
            .collect())
    }

    fn events(&self, filter: &EventFilter, limit: usize) -> StoreResult<Vec<EventRecord>> {
        if limit == 0 {
            return Ok(vec![]);
        }
        let inner = self.inner.read();
        let digests: Vec<Digest> = match filter.transaction {
            Some(d) => vec![d],
            None => inner.order.clone(),
        };
        let mut out = vec![];
        for d in digests {
            let Some(rec) = inner.transactions.get(&d) else {
                continue;
            };
            for (index, event) in rec.events.iter().enumerate() {
                if filter.matches(&d, event) {
                    out.push(EventRecord {
                        transaction: d,
                        index,
                        timestamp_ms: rec.timestamp_ms,
                        event: event.clone(),
                    });
                    if out.len() >= limit {
                        return Ok(out);
                    }
                }
            }
        }
        Ok(out)
    }

    fn meta(&self) -> StoreResult<Option<ChainMeta>> {
        Ok(self.inner.read().meta.clone())
    }

    fn commit(&self, batch: CommitBatch) -> StoreResult<()> {
        self.inner.write().apply(batch);
        Ok(())
    }

    fn commit_many(&self, batches: Vec<CommitBatch>) -> StoreResult<()> {
        let mut inner = self.inner.write();
        for b in batches {
            inner.apply(b);
        }
        Ok(())
    }
}
