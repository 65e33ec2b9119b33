/// Changing who owns an object: transfer to an address (or to another object's
/// address), share it, freeze it, or receive an object that was sent to an
/// object.
///
/// `transfer`, `share_object`, `freeze_object` and `receive` may only be called
/// by the module that defines `T` (checked when a package is published), so a
/// module controls how its own objects move. The `public_` variants work for
/// any `T` with `store`.
module sui::transfer {
    use sui::object::{Self, ID, UID};

    #[test_only]
    friend sui::test_scenario;

    /// A ticket to receive the object `id`, at `version`, that was sent to the
    /// address of another object. Passed to `receive` together with that
    /// object's `&mut UID`.
    struct Receiving<phantom T: key> has drop {
        id: ID,
        version: u64,
    }

    /// Send `obj` to `recipient`. Only `T`'s own module may call this.
    public fun transfer<T: key>(obj: T, recipient: address) {
        transfer_impl(obj, recipient)
    }

    /// Send `obj` to `recipient`; anyone may call this for a `store` object.
    public fun public_transfer<T: key + store>(obj: T, recipient: address) {
        transfer_impl(obj, recipient)
    }

    /// Make `obj` immutable forever. Only `T`'s own module may call this.
    public fun freeze_object<T: key>(obj: T) {
        freeze_object_impl(obj)
    }

    /// Make `obj` immutable forever; anyone may call this for a `store` object.
    public fun public_freeze_object<T: key + store>(obj: T) {
        freeze_object_impl(obj)
    }

    /// Make `obj` a shared object that any transaction may use. Only objects
    /// created in this transaction can be shared. Only `T`'s own module may
    /// call this.
    public fun share_object<T: key>(obj: T) {
        share_object_impl(obj)
    }

    /// Share `obj`; anyone may call this for a `store` object created in this
    /// transaction.
    public fun public_share_object<T: key + store>(obj: T) {
        share_object_impl(obj)
    }

    /// Take the object named by `to_receive` out of `parent`'s inbox. Only
    /// `T`'s own module may call this.
    public fun receive<T: key>(parent: &mut UID, to_receive: Receiving<T>): T {
        let Receiving { id, version } = to_receive;
        receive_impl(object::uid_to_address(parent), id, version)
    }

    /// Take the `store` object named by `to_receive` out of `parent`'s inbox.
    public fun public_receive<T: key + store>(parent: &mut UID, to_receive: Receiving<T>): T {
        let Receiving { id, version } = to_receive;
        receive_impl(object::uid_to_address(parent), id, version)
    }

    /// The ID of the object a ticket receives.
    public fun receiving_object_id<T: key>(receiving: &Receiving<T>): ID {
        receiving.id
    }

    // === Natives ===

    /// Record `obj` as owned by `recipient`.
    public(friend) native fun transfer_impl<T: key>(obj: T, recipient: address);

    /// Record `obj` as shared; aborts if it was not created in this transaction.
    public(friend) native fun share_object_impl<T: key>(obj: T);

    /// Record `obj` as immutable.
    public(friend) native fun freeze_object_impl<T: key>(obj: T);

    /// Load the object `to_receive` at `version`, owned by `parent`.
    native fun receive_impl<T: key>(parent: address, to_receive: ID, version: u64): T;

    // === Test-only ===

    #[test_only]
    /// A receiving ticket for any object, for tests.
    public fun make_receiver<T: key>(id: ID, version: u64): Receiving<T> {
        Receiving { id, version }
    }
}
