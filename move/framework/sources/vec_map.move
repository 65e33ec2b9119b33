/// A map backed by a vector of entries, kept in insertion order.
///
/// Every operation is linear in the map's size, so keep it small (a few dozen
/// entries); for large maps use `table`. Being plain data, a `VecMap` can be
/// copied, dropped and stored if its contents can.
module sui::vec_map {
    use std::option::{Self, Option};
    use std::vector;

    /// The key is already in the map.
    const EKeyAlreadyExists: u64 = 0;
    /// The key is not in the map.
    const EKeyDoesNotExist: u64 = 1;
    /// `destroy_empty` was called on a map that still has entries.
    const EMapNotEmpty: u64 = 2;
    /// An entry index is not below the map's size.
    const EIndexOutOfBounds: u64 = 3;
    /// `pop` was called on an empty map.
    const EMapEmpty: u64 = 4;
    /// `from_keys_values` was given vectors of different lengths.
    const EUnequalLengths: u64 = 5;

    /// A map from `K` to `V` with no duplicate keys.
    struct VecMap<K: copy, V> has copy, drop, store {
        contents: vector<Entry<K, V>>,
    }

    /// One key-value pair of a `VecMap`.
    struct Entry<K: copy, V> has copy, drop, store {
        key: K,
        value: V,
    }

    /// An empty map.
    public fun empty<K: copy, V>(): VecMap<K, V> {
        VecMap { contents: vector::empty() }
    }

    /// Add `key -> value`. Aborts with `EKeyAlreadyExists` if `key` is present.
    public fun insert<K: copy, V>(self: &mut VecMap<K, V>, key: K, value: V) {
        assert!(!contains(self, &key), EKeyAlreadyExists);
        vector::push_back(&mut self.contents, Entry { key, value })
    }

    /// Remove `key` and return its entry. Aborts with `EKeyDoesNotExist`.
    public fun remove<K: copy, V>(self: &mut VecMap<K, V>, key: &K): (K, V) {
        let idx = get_idx(self, key);
        let Entry { key, value } = vector::remove(&mut self.contents, idx);
        (key, value)
    }

    /// Remove and return the most recently inserted entry. Aborts with
    /// `EMapEmpty` if the map is empty.
    public fun pop<K: copy, V>(self: &mut VecMap<K, V>): (K, V) {
        assert!(!vector::is_empty(&self.contents), EMapEmpty);
        let Entry { key, value } = vector::pop_back(&mut self.contents);
        (key, value)
    }

    /// The value of `key`, mutably. Aborts with `EKeyDoesNotExist`.
    public fun get_mut<K: copy, V>(self: &mut VecMap<K, V>, key: &K): &mut V {
        let idx = get_idx(self, key);
        let entry = vector::borrow_mut(&mut self.contents, idx);
        &mut entry.value
    }

    /// The value of `key`. Aborts with `EKeyDoesNotExist`.
    public fun get<K: copy, V>(self: &VecMap<K, V>, key: &K): &V {
        let idx = get_idx(self, key);
        let entry = vector::borrow(&self.contents, idx);
        &entry.value
    }

    /// A copy of the value of `key`, or none.
    public fun try_get<K: copy, V: copy>(self: &VecMap<K, V>, key: &K): Option<V> {
        if (contains(self, key)) {
            option::some(*get(self, key))
        } else {
            option::none()
        }
    }

    /// True if `key` is in the map.
    public fun contains<K: copy, V>(self: &VecMap<K, V>, key: &K): bool {
        option::is_some(&get_idx_opt(self, key))
    }

    /// The number of entries.
    public fun size<K: copy, V>(self: &VecMap<K, V>): u64 {
        vector::length(&self.contents)
    }

    /// True if the map has no entries.
    public fun is_empty<K: copy, V>(self: &VecMap<K, V>): bool {
        size(self) == 0
    }

    /// Destroy an empty map. Aborts with `EMapNotEmpty` otherwise.
    public fun destroy_empty<K: copy, V>(self: VecMap<K, V>) {
        let VecMap { contents } = self;
        assert!(vector::is_empty(&contents), EMapNotEmpty);
        vector::destroy_empty(contents)
    }

    /// Split the map into its keys and values, in insertion order.
    public fun into_keys_values<K: copy, V>(self: VecMap<K, V>): (vector<K>, vector<V>) {
        let VecMap { contents } = self;
        // Popping yields the entries last-first; reversing first restores the order.
        vector::reverse(&mut contents);
        let keys = vector::empty();
        let values = vector::empty();
        while (!vector::is_empty(&contents)) {
            let Entry { key, value } = vector::pop_back(&mut contents);
            vector::push_back(&mut keys, key);
            vector::push_back(&mut values, value);
        };
        vector::destroy_empty(contents);
        (keys, values)
    }

    /// Build a map from matching vectors of keys and values. Aborts with
    /// `EUnequalLengths`, or `EKeyAlreadyExists` on a repeated key.
    public fun from_keys_values<K: copy, V>(keys: vector<K>, values: vector<V>): VecMap<K, V> {
        assert!(vector::length(&keys) == vector::length(&values), EUnequalLengths);
        vector::reverse(&mut keys);
        vector::reverse(&mut values);
        let map = empty();
        while (!vector::is_empty(&keys)) {
            insert(&mut map, vector::pop_back(&mut keys), vector::pop_back(&mut values));
        };
        vector::destroy_empty(keys);
        vector::destroy_empty(values);
        map
    }

    /// A copy of the keys, in insertion order.
    public fun keys<K: copy, V>(self: &VecMap<K, V>): vector<K> {
        let keys = vector::empty();
        let i = 0;
        let n = vector::length(&self.contents);
        while (i < n) {
            vector::push_back(&mut keys, vector::borrow(&self.contents, i).key);
            i = i + 1;
        };
        keys
    }

    /// The index of `key`'s entry, or none.
    public fun get_idx_opt<K: copy, V>(self: &VecMap<K, V>, key: &K): Option<u64> {
        let i = 0;
        let n = vector::length(&self.contents);
        while (i < n) {
            if (&vector::borrow(&self.contents, i).key == key) {
                return option::some(i)
            };
            i = i + 1;
        };
        option::none()
    }

    /// The index of `key`'s entry. Aborts with `EKeyDoesNotExist`.
    public fun get_idx<K: copy, V>(self: &VecMap<K, V>, key: &K): u64 {
        let idx = get_idx_opt(self, key);
        assert!(option::is_some(&idx), EKeyDoesNotExist);
        option::destroy_some(idx)
    }

    /// The entry at `idx` (0 is the oldest). Aborts with `EIndexOutOfBounds`.
    public fun get_entry_by_idx<K: copy, V>(self: &VecMap<K, V>, idx: u64): (&K, &V) {
        assert!(idx < size(self), EIndexOutOfBounds);
        let entry = vector::borrow(&self.contents, idx);
        (&entry.key, &entry.value)
    }

    /// The entry at `idx`, with its value mutable. Aborts with
    /// `EIndexOutOfBounds`.
    public fun get_entry_by_idx_mut<K: copy, V>(self: &mut VecMap<K, V>, idx: u64): (&K, &mut V) {
        assert!(idx < size(self), EIndexOutOfBounds);
        let entry = vector::borrow_mut(&mut self.contents, idx);
        (&entry.key, &mut entry.value)
    }

    /// Remove and return the entry at `idx`. Aborts with `EIndexOutOfBounds`.
    public fun remove_entry_by_idx<K: copy, V>(self: &mut VecMap<K, V>, idx: u64): (K, V) {
        assert!(idx < size(self), EIndexOutOfBounds);
        let Entry { key, value } = vector::remove(&mut self.contents, idx);
        (key, value)
    }
}
