/// A heterogeneous map: keys and values of any types (with the right
/// abilities), each pair stored as a dynamic field of the bag.
///
/// The bag only counts its entries; it cannot be iterated. Destroying it
/// requires it to be empty, so values are never lost by accident.
module sui::bag {
    use sui::dynamic_field as field;
    use sui::object::{Self, UID};
    use sui::tx_context::TxContext;

    /// `destroy_empty` was called on a bag that still has entries.
    const EBagNotEmpty: u64 = 0;

    /// A collection of key-value pairs of mixed types.
    struct Bag has key, store {
        /// The parent of the bag's dynamic fields.
        id: UID,
        /// The number of entries.
        size: u64,
    }

    /// A new, empty bag.
    public fun new(ctx: &mut TxContext): Bag {
        Bag { id: object::new(ctx), size: 0 }
    }

    /// Add `k -> v`. Aborts with `dynamic_field::EFieldAlreadyExists` if `k`
    /// is present.
    public fun add<K: copy + drop + store, V: store>(bag: &mut Bag, k: K, v: V) {
        field::add(&mut bag.id, k, v);
        bag.size = bag.size + 1;
    }

    /// The value of `k`. Aborts with `dynamic_field::EFieldDoesNotExist` or
    /// `EFieldTypeMismatch`.
    public fun borrow<K: copy + drop + store, V: store>(bag: &Bag, k: K): &V {
        field::borrow(&bag.id, k)
    }

    /// The value of `k`, mutably. Aborts as `borrow`.
    public fun borrow_mut<K: copy + drop + store, V: store>(bag: &mut Bag, k: K): &mut V {
        field::borrow_mut(&mut bag.id, k)
    }

    /// Remove `k` and return its value. Aborts as `borrow`.
    public fun remove<K: copy + drop + store, V: store>(bag: &mut Bag, k: K): V {
        let v = field::remove(&mut bag.id, k);
        bag.size = bag.size - 1;
        v
    }

    /// True if `k` is in the bag, whatever its value's type.
    public fun contains<K: copy + drop + store>(bag: &Bag, k: K): bool {
        field::exists_<K>(&bag.id, k)
    }

    /// True if `k` is in the bag with a value of type `V`.
    public fun contains_with_type<K: copy + drop + store, V: store>(bag: &Bag, k: K): bool {
        field::exists_with_type<K, V>(&bag.id, k)
    }

    /// The number of entries.
    public fun length(bag: &Bag): u64 {
        bag.size
    }

    /// True if the bag has no entries.
    public fun is_empty(bag: &Bag): bool {
        bag.size == 0
    }

    /// Destroy an empty bag. Aborts with `EBagNotEmpty` otherwise.
    public fun destroy_empty(bag: Bag) {
        let Bag { id, size } = bag;
        assert!(size == 0, EBagNotEmpty);
        object::delete(id)
    }
}
