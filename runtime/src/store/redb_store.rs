//! The durable store on redb (being written).

/// A store in a redb database file.
pub struct RedbStore;
