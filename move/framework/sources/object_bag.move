/// Like `bag`, but every value is an object, attached as a dynamic object
/// field so it keeps its ID and stays visible to off-chain readers.
module sui::object_bag {
    use std::option::Option;
    use sui::dynamic_object_field as ofield;
    use sui::object::{Self, ID, UID};
    use sui::tx_context::TxContext;

    /// `destroy_empty` was called on a bag that still has entries.
    const EBagNotEmpty: u64 = 0;

    /// A collection of objects of mixed types, keyed by values of mixed types.
    struct ObjectBag has key, store {
        /// The parent of the bag's dynamic object fields.
        id: UID,
        /// The number of entries.
        size: u64,
    }

    /// A new, empty object bag.
    public fun new(ctx: &mut TxContext): ObjectBag {
        ObjectBag { id: object::new(ctx), size: 0 }
    }

    /// Add object `v` under `k`. Aborts with
    /// `dynamic_field::EFieldAlreadyExists` if `k` is present.
    public fun add<K: copy + drop + store, V: key + store>(bag: &mut ObjectBag, k: K, v: V) {
        ofield::add(&mut bag.id, k, v);
        bag.size = bag.size + 1;
    }

    /// The object under `k`. Aborts with `dynamic_field::EFieldDoesNotExist`
    /// or `EFieldTypeMismatch`.
    public fun borrow<K: copy + drop + store, V: key + store>(bag: &ObjectBag, k: K): &V {
        ofield::borrow(&bag.id, k)
    }

    /// The object under `k`, mutably. Aborts as `borrow`.
    public fun borrow_mut<K: copy + drop + store, V: key + store>(bag: &mut ObjectBag, k: K): &mut V {
        ofield::borrow_mut(&mut bag.id, k)
    }

    /// Remove and return the object under `k`. Aborts as `borrow`.
    public fun remove<K: copy + drop + store, V: key + store>(bag: &mut ObjectBag, k: K): V {
        let v = ofield::remove(&mut bag.id, k);
        bag.size = bag.size - 1;
        v
    }

    /// True if an object is stored under `k`.
    public fun contains<K: copy + drop + store>(bag: &ObjectBag, k: K): bool {
        ofield::exists_<K>(&bag.id, k)
    }

    /// True if an object of type `V` is stored under `k`.
    public fun contains_with_type<K: copy + drop + store, V: key + store>(bag: &ObjectBag, k: K): bool {
        ofield::exists_with_type<K, V>(&bag.id, k)
    }

    /// The number of entries.
    public fun length(bag: &ObjectBag): u64 {
        bag.size
    }

    /// True if the bag has no entries.
    public fun is_empty(bag: &ObjectBag): bool {
        bag.size == 0
    }

    /// The ID of the object under `k`, if any.
    public fun value_id<K: copy + drop + store>(bag: &ObjectBag, k: K): Option<ID> {
        ofield::id(&bag.id, k)
    }

    /// Destroy an empty bag. Aborts with `EBagNotEmpty` otherwise.
    public fun destroy_empty(bag: ObjectBag) {
        let ObjectBag { id, size } = bag;
        assert!(size == 0, EBagNotEmpty);
        object::delete(id)
    }
}
