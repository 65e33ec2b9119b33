#[test_only]
/// Objects and events shared by the framework's tests.
module sui::test_objects {
    use sui::event;
    use sui::object::{Self, UID};
    use sui::tx_context::TxContext;

    /// A plain object with a number in it.
    struct Thing has key, store {
        id: UID,
        value: u64,
    }

    /// An object holding any storable value, for values with no `drop`.
    struct Stash<T: store> has key, store {
        id: UID,
        value: T,
    }

    /// An event carrying a number.
    struct Ping has copy, drop {
        n: u64,
    }

    /// A new `Thing` holding `value`.
    public fun new(value: u64, ctx: &mut TxContext): Thing {
        Thing { id: object::new(ctx), value }
    }

    /// The number in a `Thing`.
    public fun value(thing: &Thing): u64 {
        thing.value
    }

    /// Replace the number in a `Thing`.
    public fun set_value(thing: &mut Thing, value: u64) {
        thing.value = value
    }

    /// A `Thing`'s UID, for attaching fields or receiving objects.
    public fun uid_mut(thing: &mut Thing): &mut UID {
        &mut thing.id
    }

    /// A `Thing`'s UID, read-only.
    public fun uid(thing: &Thing): &UID {
        &thing.id
    }

    /// Delete a `Thing`; return its number.
    public fun destroy(thing: Thing): u64 {
        let Thing { id, value } = thing;
        object::delete(id);
        value
    }

    /// Put `value` into a new `Stash`.
    public fun stash<T: store>(value: T, ctx: &mut TxContext): Stash<T> {
        Stash { id: object::new(ctx), value }
    }

    /// Emit a `Ping` event.
    public fun ping(n: u64) {
        event::emit(Ping { n })
    }

    /// The `Ping` that `ping(n)` emits.
    public fun ping_event(n: u64): Ping {
        Ping { n }
    }
}
