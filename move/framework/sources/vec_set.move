/// A set backed by a vector, kept in insertion order.
///
/// Every operation is linear in the set's size, so keep it small; being plain
/// data, a `VecSet` can be copied, dropped and stored.
module sui::vec_set {
    use std::option::{Self, Option};
    use std::vector;

    /// The key is already in the set.
    const EKeyAlreadyExists: u64 = 0;
    /// The key is not in the set.
    const EKeyDoesNotExist: u64 = 1;

    /// A set of distinct `K`s.
    struct VecSet<K: copy + drop> has copy, drop, store {
        contents: vector<K>,
    }

    /// An empty set.
    public fun empty<K: copy + drop>(): VecSet<K> {
        VecSet { contents: vector::empty() }
    }

    /// A set holding only `key`.
    public fun singleton<K: copy + drop>(key: K): VecSet<K> {
        VecSet { contents: vector::singleton(key) }
    }

    /// Add `key`. Aborts with `EKeyAlreadyExists` if it is present.
    public fun insert<K: copy + drop>(self: &mut VecSet<K>, key: K) {
        assert!(!contains(self, &key), EKeyAlreadyExists);
        vector::push_back(&mut self.contents, key)
    }

    /// Remove `key`. Aborts with `EKeyDoesNotExist` if it is absent.
    public fun remove<K: copy + drop>(self: &mut VecSet<K>, key: &K) {
        let idx = get_idx(self, key);
        vector::remove(&mut self.contents, idx);
    }

    /// True if `key` is in the set.
    public fun contains<K: copy + drop>(self: &VecSet<K>, key: &K): bool {
        option::is_some(&get_idx_opt(self, key))
    }

    /// The number of keys.
    public fun size<K: copy + drop>(self: &VecSet<K>): u64 {
        vector::length(&self.contents)
    }

    /// True if the set has no keys.
    public fun is_empty<K: copy + drop>(self: &VecSet<K>): bool {
        size(self) == 0
    }

    /// The keys, in insertion order.
    public fun into_keys<K: copy + drop>(self: VecSet<K>): vector<K> {
        let VecSet { contents } = self;
        contents
    }

    /// Build a set from `keys`. Aborts with `EKeyAlreadyExists` on a repeat.
    public fun from_keys<K: copy + drop>(keys: vector<K>): VecSet<K> {
        vector::reverse(&mut keys);
        let set = empty();
        while (!vector::is_empty(&keys)) {
            insert(&mut set, vector::pop_back(&mut keys));
        };
        set
    }

    /// The keys, in insertion order, by reference.
    public fun keys<K: copy + drop>(self: &VecSet<K>): &vector<K> {
        &self.contents
    }

    // === Private ===

    fun get_idx_opt<K: copy + drop>(self: &VecSet<K>, key: &K): Option<u64> {
        let (found, idx) = vector::index_of(&self.contents, key);
        if (found) option::some(idx) else option::none()
    }

    fun get_idx<K: copy + drop>(self: &VecSet<K>, key: &K): u64 {
        let idx = get_idx_opt(self, key);
        assert!(option::is_some(&idx), EKeyDoesNotExist);
        option::destroy_some(idx)
    }
}
