//! Read snapshots of the chain's store, for work that runs beside committed execution without
//! waiting for it or holding it up (dry runs).
//!
//! Every commit of the chain goes through [`SnapshotLog::commit`]. While a snapshot is open, a
//! commit first records the state its objects had before it (their pre-images); a snapshot
//! read answers from the pre-images of the first commit after the snapshot that changed the
//! object, and from the store otherwise. The log's lock is held across a commit and across
//! each snapshot read, so a read never sees half of a commit, and a snapshot shows exactly
//! the chain as it was when it was opened, whatever commits since. Committed execution pays
//! only a few extra object reads per commit, and only while a snapshot is open; a snapshot
//! read waits at most for one store commit to finish.

use std::collections::{BTreeMap, HashMap, VecDeque};

use parking_lot::Mutex;

use crate::store::{
    ChainMeta, CommitBatch, EventFilter, EventRecord, ObjectVersion, Store, StoreError,
    StoreResult, TransactionRecord,
};
use crate::types::{Address, Digest, Object, ObjectID, ObjectReference, SequenceNumber};

/// The chain's commits, numbered, with what open snapshots need to see past them.
#[derive(Default)]
pub(super) struct SnapshotLog {
    state: Mutex<LogState>,
}

#[derive(Default)]
struct LogState {
    /// Commits made through the log.
    seq: u64,
    /// Open snapshots, by the commit count they read at.
    open: BTreeMap<u64, usize>,
    /// For each commit since the oldest open snapshot, in order: its number and the objects
    /// it wrote or removed as they were before it (`None`: did not exist on its own).
    undo: VecDeque<(u64, HashMap<ObjectID, Option<Object>>)>,
}

impl SnapshotLog {
    /// Commits `batches` to `store` atomically, recording pre-images first if any snapshot is
    /// open. Every write of the chain's state goes through here.
    pub(super) fn commit(&self, store: &dyn Store, batches: Vec<CommitBatch>) -> StoreResult<()> {
        let mut st = self.state.lock();
        let logged = !st.open.is_empty();
        if logged {
            let mut before: HashMap<ObjectID, Option<Object>> = HashMap::new();
            let ids = batches.iter().flat_map(|b| {
                b.written
                    .iter()
                    .map(Object::id)
                    .chain(b.removed.iter().map(|(id, _)| *id))
            });
            for id in ids {
                if let std::collections::hash_map::Entry::Vacant(e) = before.entry(id) {
                    e.insert(store.get_object(&id)?);
                }
            }
            let next = st.seq + 1;
            st.undo.push_back((next, before));
        }
        match store.commit_many(batches) {
            Ok(()) => {
                st.seq += 1;
                Ok(())
            }
            Err(e) => {
                if logged {
                    st.undo.pop_back();
                }
                Err(e)
            }
        }
    }

    /// Opens a snapshot of `store` as it is now, with the chain metadata of that moment.
    pub(super) fn open<'a>(&'a self, store: &'a dyn Store) -> StoreResult<Snapshot<'a>> {
        let mut st = self.state.lock();
        let meta = store.meta()?;
        let seq = st.seq;
        *st.open.entry(seq).or_default() += 1;
        Ok(Snapshot {
            log: self,
            store,
            seq,
            meta,
        })
    }

    /// Pre-images kept for open snapshots (for tests of the pruning).
    #[cfg(test)]
    fn kept(&self) -> usize {
        self.state.lock().undo.len()
    }
}

impl LogState {
    /// Drops the pre-images no open snapshot needs: a snapshot at `s` reads only those of
    /// commits after `s`.
    fn prune(&mut self) {
        match self.open.keys().next().copied() {
            None => self.undo.clear(),
            Some(oldest) => {
                while self.undo.front().is_some_and(|(s, _)| *s <= oldest) {
                    self.undo.pop_front();
                }
            }
        }
    }
}

/// The store as it was when the snapshot was opened. Read-only; reads only what execution
/// reads (objects and metadata) at the snapshot, everything else as the store has it now.
pub(super) struct Snapshot<'a> {
    log: &'a SnapshotLog,
    store: &'a dyn Store,
    seq: u64,
    meta: Option<ChainMeta>,
}

impl Drop for Snapshot<'_> {
    fn drop(&mut self) {
        let mut st = self.log.state.lock();
        if let Some(n) = st.open.get_mut(&self.seq) {
            *n -= 1;
            if *n == 0 {
                st.open.remove(&self.seq);
            }
        }
        st.prune();
    }
}

impl Store for Snapshot<'_> {
    fn get_object(&self, id: &ObjectID) -> StoreResult<Option<Object>> {
        let st = self.log.state.lock();
        let changed_since = st
            .undo
            .iter()
            .filter(|(s, _)| *s > self.seq)
            .find_map(|(_, before)| before.get(id));
        match changed_since {
            Some(before) => Ok(before.clone()),
            // Under the lock no commit is under way, so the store is at the log's last commit
            // and the object has not changed since the snapshot.
            None => self.store.get_object(id),
        }
    }
    fn get_object_at(&self, id: &ObjectID, version: SequenceNumber) -> StoreResult<Option<Object>> {
        self.store.get_object_at(id, version)
    }
    fn object_history(&self, id: &ObjectID) -> StoreResult<Vec<ObjectVersion>> {
        self.store.object_history(id)
    }
    fn owned_objects(&self, owner: &Address) -> StoreResult<Vec<ObjectReference>> {
        self.store.owned_objects(owner)
    }
    fn get_transaction(&self, digest: &Digest) -> StoreResult<Option<TransactionRecord>> {
        self.store.get_transaction(digest)
    }
    fn transactions(
        &self,
        start: u64,
        limit: usize,
    ) -> StoreResult<Vec<(Digest, TransactionRecord)>> {
        self.store.transactions(start, limit)
    }
    fn events(&self, filter: &EventFilter, limit: usize) -> StoreResult<Vec<EventRecord>> {
        self.store.events(filter, limit)
    }
    fn meta(&self) -> StoreResult<Option<ChainMeta>> {
        Ok(self.meta.clone())
    }
    fn commit(&self, _: CommitBatch) -> StoreResult<()> {
        Err(StoreError::Backend(
            "internal: a read snapshot cannot be written".into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::MemoryStore;
    use crate::types::address_from_u8;

    fn object(id: ObjectID, version: u64) -> Object {
        crate::genesis::gas_coin(id, version * 10, Address::ZERO, Digest::ZERO, version)
    }

    fn write(o: Object) -> Vec<CommitBatch> {
        vec![CommitBatch {
            written: vec![o],
            ..Default::default()
        }]
    }

    #[test]
    fn a_snapshot_sees_the_store_as_it_was_when_opened() {
        let store = MemoryStore::new();
        let log = SnapshotLog::default();
        let (a, b, c) = (
            address_from_u8(0xa),
            address_from_u8(0xb),
            address_from_u8(0xc),
        );
        log.commit(&store, write(object(a, 1))).unwrap();
        log.commit(&store, write(object(b, 1))).unwrap();
        let snap = log.open(&store).unwrap();
        log.commit(&store, write(object(a, 2))).unwrap();
        log.commit(&store, write(object(a, 3))).unwrap();
        log.commit(&store, write(object(c, 1))).unwrap();
        log.commit(
            &store,
            vec![CommitBatch {
                removed: vec![(b, 2)],
                ..Default::default()
            }],
        )
        .unwrap();
        let later = log.open(&store).unwrap();
        assert_eq!(snap.get_object(&a).unwrap().unwrap().version(), 1);
        assert!(snap.get_object(&b).unwrap().is_some());
        assert!(snap.get_object(&c).unwrap().is_none());
        assert_eq!(later.get_object(&a).unwrap().unwrap().version(), 3);
        assert!(later.get_object(&b).unwrap().is_none());
        drop(snap);
        // Only the later snapshot is open, and nothing committed after it.
        assert_eq!(log.kept(), 0);
        log.commit(&store, write(object(a, 4))).unwrap();
        assert_eq!(log.kept(), 1);
        assert_eq!(later.get_object(&a).unwrap().unwrap().version(), 3);
        drop(later);
        assert_eq!(log.kept(), 0);
    }

    #[test]
    fn commits_with_no_snapshot_open_keep_nothing() {
        let store = MemoryStore::new();
        let log = SnapshotLog::default();
        for v in 1..5 {
            log.commit(&store, write(object(address_from_u8(1), v)))
                .unwrap();
        }
        assert_eq!(log.kept(), 0);
    }
}
