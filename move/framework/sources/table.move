/// A typed map of any size: keys `K` to values `V`, each pair stored as a
/// dynamic field of the table.
///
/// Unlike `vec_map`, lookups cost the same however large the table is; the
/// table only counts its entries and cannot be iterated.
module sui::table {
    use sui::dynamic_field as field;
    use sui::object::{Self, UID};
    use sui::tx_context::TxContext;

    /// `destroy_empty` was called on a table that still has entries.
    const ETableNotEmpty: u64 = 0;

    /// A map from `K` to `V`.
    struct Table<phantom K: copy + drop + store, phantom V: store> has key, store {
        /// The parent of the table's dynamic fields.
        id: UID,
        /// The number of entries.
        size: u64,
    }

    /// A new, empty table.
    public fun new<K: copy + drop + store, V: store>(ctx: &mut TxContext): Table<K, V> {
        Table { id: object::new(ctx), size: 0 }
    }

    /// Add `k -> v`. Aborts with `dynamic_field::EFieldAlreadyExists` if `k`
    /// is present.
    public fun add<K: copy + drop + store, V: store>(table: &mut Table<K, V>, k: K, v: V) {
        field::add(&mut table.id, k, v);
        table.size = table.size + 1;
    }

    /// The value of `k`. Aborts with `dynamic_field::EFieldDoesNotExist`.
    public fun borrow<K: copy + drop + store, V: store>(table: &Table<K, V>, k: K): &V {
        field::borrow(&table.id, k)
    }

    /// The value of `k`, mutably. Aborts as `borrow`.
    public fun borrow_mut<K: copy + drop + store, V: store>(table: &mut Table<K, V>, k: K): &mut V {
        field::borrow_mut(&mut table.id, k)
    }

    /// Remove `k` and return its value. Aborts as `borrow`.
    public fun remove<K: copy + drop + store, V: store>(table: &mut Table<K, V>, k: K): V {
        let v = field::remove(&mut table.id, k);
        table.size = table.size - 1;
        v
    }

    /// True if `k` is in the table.
    public fun contains<K: copy + drop + store, V: store>(table: &Table<K, V>, k: K): bool {
        field::exists_with_type<K, V>(&table.id, k)
    }

    /// The number of entries.
    public fun length<K: copy + drop + store, V: store>(table: &Table<K, V>): u64 {
        table.size
    }

    /// True if the table has no entries.
    public fun is_empty<K: copy + drop + store, V: store>(table: &Table<K, V>): bool {
        table.size == 0
    }

    /// Destroy an empty table. Aborts with `ETableNotEmpty` otherwise.
    public fun destroy_empty<K: copy + drop + store, V: store>(table: Table<K, V>) {
        let Table { id, size } = table;
        assert!(size == 0, ETableNotEmpty);
        object::delete(id)
    }

    /// Destroy a table whose values can be dropped, whatever it holds. Its
    /// entries are left behind as unreachable dynamic fields.
    public fun drop<K: copy + drop + store, V: drop + store>(table: Table<K, V>) {
        let Table { id, size: _ } = table;
        object::delete(id)
    }
}
