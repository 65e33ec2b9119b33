/// Like `table`, but every value is an object, attached as a dynamic object
/// field so it keeps its ID and stays visible to off-chain readers.
module sui::object_table {
    use std::option::Option;
    use sui::dynamic_object_field as ofield;
    use sui::object::{Self, ID, UID};
    use sui::tx_context::TxContext;

    /// `destroy_empty` was called on a table that still has entries.
    const ETableNotEmpty: u64 = 0;

    /// A map from `K` to objects of type `V`.
    struct ObjectTable<phantom K: copy + drop + store, phantom V: key + store> has key, store {
        /// The parent of the table's dynamic object fields.
        id: UID,
        /// The number of entries.
        size: u64,
    }

    /// A new, empty object table.
    public fun new<K: copy + drop + store, V: key + store>(ctx: &mut TxContext): ObjectTable<K, V> {
        ObjectTable { id: object::new(ctx), size: 0 }
    }

    /// Add object `v` under `k`. Aborts with
    /// `dynamic_field::EFieldAlreadyExists` if `k` is present.
    public fun add<K: copy + drop + store, V: key + store>(table: &mut ObjectTable<K, V>, k: K, v: V) {
        ofield::add(&mut table.id, k, v);
        table.size = table.size + 1;
    }

    /// The object under `k`. Aborts with `dynamic_field::EFieldDoesNotExist`.
    public fun borrow<K: copy + drop + store, V: key + store>(table: &ObjectTable<K, V>, k: K): &V {
        ofield::borrow(&table.id, k)
    }

    /// The object under `k`, mutably. Aborts as `borrow`.
    public fun borrow_mut<K: copy + drop + store, V: key + store>(
        table: &mut ObjectTable<K, V>,
        k: K,
    ): &mut V {
        ofield::borrow_mut(&mut table.id, k)
    }

    /// Remove and return the object under `k`. Aborts as `borrow`.
    public fun remove<K: copy + drop + store, V: key + store>(table: &mut ObjectTable<K, V>, k: K): V {
        let v = ofield::remove(&mut table.id, k);
        table.size = table.size - 1;
        v
    }

    /// True if an object is stored under `k`.
    public fun contains<K: copy + drop + store, V: key + store>(table: &ObjectTable<K, V>, k: K): bool {
        ofield::exists_<K>(&table.id, k)
    }

    /// The number of entries.
    public fun length<K: copy + drop + store, V: key + store>(table: &ObjectTable<K, V>): u64 {
        table.size
    }

    /// True if the table has no entries.
    public fun is_empty<K: copy + drop + store, V: key + store>(table: &ObjectTable<K, V>): bool {
        table.size == 0
    }

    /// Destroy an empty table. Aborts with `ETableNotEmpty` otherwise.
    public fun destroy_empty<K: copy + drop + store, V: key + store>(table: ObjectTable<K, V>) {
        let ObjectTable { id, size } = table;
        assert!(size == 0, ETableNotEmpty);
        object::delete(id)
    }

    /// The ID of the object under `k`, if any.
    public fun value_id<K: copy + drop + store, V: key + store>(table: &ObjectTable<K, V>, k: K): Option<ID> {
        ofield::id(&table.id, k)
    }
}
