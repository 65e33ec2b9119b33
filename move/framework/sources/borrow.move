/// Lending out an object held by value inside another struct, with a
/// guarantee that the very same object comes back in the same transaction.
///
/// `borrow` hands out the object together with a `Borrow` hot potato that can
/// only be consumed by `put_back` with that object into that `Referent`.
module sui::borrow {
    use std::option::{Self, Option};
    use sui::object::{Self, ID};
    use sui::tx_context::{Self, TxContext};

    /// The `Borrow` was issued by another `Referent`.
    const EWrongBorrow: u64 = 0;
    /// The object put back is not the one that was borrowed.
    const EWrongValue: u64 = 1;

    /// A slot holding an object that can be lent out.
    struct Referent<T: key + store> has store {
        /// A unique address naming this referent, so borrows cannot be
        /// returned to another one.
        id: address,
        /// The object; none while it is lent out.
        value: Option<T>,
    }

    /// The promise to return a borrowed object. It has no abilities, so the
    /// transaction cannot end until `put_back` consumes it.
    struct Borrow {
        /// The referent the object came from.
        ref: address,
        /// The borrowed object's ID.
        obj: ID,
    }

    /// Put `value` into a new referent.
    public fun new<T: key + store>(value: T, ctx: &mut TxContext): Referent<T> {
        Referent { id: tx_context::fresh_object_address(ctx), value: option::some(value) }
    }

    /// Take the object out, with the `Borrow` that must return it. Aborts
    /// (`option` error) if it is already lent out.
    public fun borrow<T: key + store>(self: &mut Referent<T>): (T, Borrow) {
        let value = option::extract(&mut self.value);
        let obj = object::id(&value);
        (value, Borrow { ref: self.id, obj })
    }

    /// Return the borrowed object. Aborts with `EWrongBorrow` or `EWrongValue`
    /// if `borrow` or `value` do not belong to this referent.
    public fun put_back<T: key + store>(self: &mut Referent<T>, value: T, borrow: Borrow) {
        let Borrow { ref, obj } = borrow;
        assert!(object::id(&value) == obj, EWrongValue);
        assert!(self.id == ref, EWrongBorrow);
        option::fill(&mut self.value, value);
    }

    /// Take the object out for good, destroying the referent.
    public fun destroy<T: key + store>(self: Referent<T>): T {
        let Referent { id: _, value } = self;
        option::destroy_some(value)
    }
}
