/// A table whose entries keep their insertion order as a doubly linked
/// list: entries can be pushed and popped at both ends and walked from
/// either end with `next`/`prev`. Each entry is a dynamic field of the table
/// holding its value and its neighbours' keys.
module sui::linked_table {
    use std::option::{Self, Option};
    use sui::dynamic_field as field;
    use sui::object::{Self, UID};
    use sui::tx_context::TxContext;

    /// `destroy_empty` was called on a table that still has entries.
    const ETableNotEmpty: u64 = 0;
    /// `pop_front`/`pop_back` was called on an empty table.
    const ETableIsEmpty: u64 = 1;

    /// An ordered map from `K` to `V`.
    struct LinkedTable<K: copy + drop + store, phantom V: store> has key, store {
        /// The parent of the entries' dynamic fields.
        id: UID,
        /// The number of entries.
        size: u64,
        /// The first key, if any.
        head: Option<K>,
        /// The last key, if any.
        tail: Option<K>,
    }

    /// One entry: its value and its neighbours.
    struct Node<K: copy + drop + store, V: store> has store {
        prev: Option<K>,
        next: Option<K>,
        value: V,
    }

    /// A new, empty table.
    public fun new<K: copy + drop + store, V: store>(ctx: &mut TxContext): LinkedTable<K, V> {
        LinkedTable { id: object::new(ctx), size: 0, head: option::none(), tail: option::none() }
    }

    /// The first key, or none if the table is empty.
    public fun front<K: copy + drop + store, V: store>(table: &LinkedTable<K, V>): &Option<K> {
        &table.head
    }

    /// The last key, or none if the table is empty.
    public fun back<K: copy + drop + store, V: store>(table: &LinkedTable<K, V>): &Option<K> {
        &table.tail
    }

    /// Insert `k -> value` before the first entry. Aborts with
    /// `dynamic_field::EFieldAlreadyExists` if `k` is present.
    public fun push_front<K: copy + drop + store, V: store>(table: &mut LinkedTable<K, V>, k: K, value: V) {
        let old_head = table.head;
        if (option::is_some(&old_head)) {
            let h = *option::borrow(&old_head);
            let node = field::borrow_mut<K, Node<K, V>>(&mut table.id, h);
            node.prev = option::some(k);
        } else {
            table.tail = option::some(k);
        };
        table.head = option::some(k);
        field::add(&mut table.id, k, Node { prev: option::none(), next: old_head, value });
        table.size = table.size + 1;
    }

    /// Insert `k -> value` after the last entry. Aborts with
    /// `dynamic_field::EFieldAlreadyExists` if `k` is present.
    public fun push_back<K: copy + drop + store, V: store>(table: &mut LinkedTable<K, V>, k: K, value: V) {
        let old_tail = table.tail;
        if (option::is_some(&old_tail)) {
            let t = *option::borrow(&old_tail);
            let node = field::borrow_mut<K, Node<K, V>>(&mut table.id, t);
            node.next = option::some(k);
        } else {
            table.head = option::some(k);
        };
        table.tail = option::some(k);
        field::add(&mut table.id, k, Node { prev: old_tail, next: option::none(), value });
        table.size = table.size + 1;
    }

    /// The value of `k`. Aborts with `dynamic_field::EFieldDoesNotExist`.
    public fun borrow<K: copy + drop + store, V: store>(table: &LinkedTable<K, V>, k: K): &V {
        &field::borrow<K, Node<K, V>>(&table.id, k).value
    }

    /// The value of `k`, mutably. Aborts as `borrow`.
    public fun borrow_mut<K: copy + drop + store, V: store>(table: &mut LinkedTable<K, V>, k: K): &mut V {
        &mut field::borrow_mut<K, Node<K, V>>(&mut table.id, k).value
    }

    /// The key before `k`, or none if `k` is first. Aborts as `borrow`.
    public fun prev<K: copy + drop + store, V: store>(table: &LinkedTable<K, V>, k: K): &Option<K> {
        &field::borrow<K, Node<K, V>>(&table.id, k).prev
    }

    /// The key after `k`, or none if `k` is last. Aborts as `borrow`.
    public fun next<K: copy + drop + store, V: store>(table: &LinkedTable<K, V>, k: K): &Option<K> {
        &field::borrow<K, Node<K, V>>(&table.id, k).next
    }

    /// Remove `k` and return its value, linking its neighbours to each other.
    /// Aborts as `borrow`.
    public fun remove<K: copy + drop + store, V: store>(table: &mut LinkedTable<K, V>, k: K): V {
        let Node { prev, next, value } = field::remove<K, Node<K, V>>(&mut table.id, k);
        table.size = table.size - 1;
        if (option::is_some(&prev)) {
            let p = *option::borrow(&prev);
            field::borrow_mut<K, Node<K, V>>(&mut table.id, p).next = next;
        };
        if (option::is_some(&next)) {
            let n = *option::borrow(&next);
            field::borrow_mut<K, Node<K, V>>(&mut table.id, n).prev = prev;
        };
        if (option::borrow(&table.head) == &k) { table.head = next };
        if (option::borrow(&table.tail) == &k) { table.tail = prev };
        value
    }

    /// Remove the first entry. Aborts with `ETableIsEmpty` if there is none.
    public fun pop_front<K: copy + drop + store, V: store>(table: &mut LinkedTable<K, V>): (K, V) {
        assert!(option::is_some(&table.head), ETableIsEmpty);
        let k = *option::borrow(&table.head);
        (k, remove(table, k))
    }

    /// Remove the last entry. Aborts with `ETableIsEmpty` if there is none.
    public fun pop_back<K: copy + drop + store, V: store>(table: &mut LinkedTable<K, V>): (K, V) {
        assert!(option::is_some(&table.tail), ETableIsEmpty);
        let k = *option::borrow(&table.tail);
        (k, remove(table, k))
    }

    /// True if `k` is in the table.
    public fun contains<K: copy + drop + store, V: store>(table: &LinkedTable<K, V>, k: K): bool {
        field::exists_with_type<K, Node<K, V>>(&table.id, k)
    }

    /// The number of entries.
    public fun length<K: copy + drop + store, V: store>(table: &LinkedTable<K, V>): u64 {
        table.size
    }

    /// True if the table has no entries.
    public fun is_empty<K: copy + drop + store, V: store>(table: &LinkedTable<K, V>): bool {
        table.size == 0
    }

    /// Destroy an empty table. Aborts with `ETableNotEmpty` otherwise.
    public fun destroy_empty<K: copy + drop + store, V: store>(table: LinkedTable<K, V>) {
        let LinkedTable { id, size, head: _, tail: _ } = table;
        assert!(size == 0, ETableNotEmpty);
        object::delete(id)
    }

    /// Destroy a table whose values can be dropped, entries and all.
    public fun drop<K: copy + drop + store, V: drop + store>(table: LinkedTable<K, V>) {
        let LinkedTable { id, size: _, head: _, tail: _ } = table;
        object::delete(id)
    }
}
