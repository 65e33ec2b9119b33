/// A value behind a version number, for shared objects that must change
/// their inner type across package upgrades. The value is a dynamic field
/// keyed by the version; an upgrade takes the old value out (with a
/// `VersionChangeCap` that must be spent) and puts the new one in under a
/// higher version.
module sui::versioned {
    use sui::dynamic_field;
    use sui::object::{Self, ID, UID};
    use sui::tx_context::TxContext;

    /// `upgrade` was given a cap for another `Versioned`, or a version not
    /// above the current one.
    const EInvalidUpgrade: u64 = 0;

    /// The versioned value's holder.
    struct Versioned has key, store {
        id: UID,
        /// The current version: the key of the dynamic field holding the value.
        version: u64,
    }

    /// Proof that the value of `versioned_id` at `old_version` was taken out
    /// for an upgrade; it has no abilities, so the upgrade must be finished
    /// in the same transaction.
    struct VersionChangeCap {
        versioned_id: ID,
        old_version: u64,
    }

    /// Wrap `init_value` at version `init_version`.
    public fun create<T: store>(init_version: u64, init_value: T, ctx: &mut TxContext): Versioned {
        let self = Versioned { id: object::new(ctx), version: init_version };
        dynamic_field::add(&mut self.id, init_version, init_value);
        self
    }

    /// The current version.
    public fun version(self: &Versioned): u64 {
        self.version
    }

    /// The current value. Aborts (in `dynamic_field`) if it is not a `T`.
    public fun load_value<T: store>(self: &Versioned): &T {
        dynamic_field::borrow(&self.id, self.version)
    }

    /// The current value, mutably. Aborts as `load_value`.
    public fun load_value_mut<T: store>(self: &mut Versioned): &mut T {
        dynamic_field::borrow_mut(&mut self.id, self.version)
    }

    /// Take the current value out to upgrade it, with the cap `upgrade` needs.
    public fun remove_value_for_upgrade<T: store>(self: &mut Versioned): (T, VersionChangeCap) {
        (
            dynamic_field::remove(&mut self.id, self.version),
            VersionChangeCap { versioned_id: object::id(self), old_version: self.version },
        )
    }

    /// Put `new_value` in at `new_version`, spending the cap from
    /// `remove_value_for_upgrade`. Aborts with `EInvalidUpgrade` if the cap is
    /// for another `Versioned` or `new_version` is not above the old one.
    public fun upgrade<T: store>(self: &mut Versioned, new_version: u64, new_value: T, cap: VersionChangeCap) {
        let VersionChangeCap { versioned_id, old_version } = cap;
        assert!(versioned_id == object::id(self), EInvalidUpgrade);
        assert!(old_version < new_version, EInvalidUpgrade);
        dynamic_field::add(&mut self.id, new_version, new_value);
        self.version = new_version;
    }

    /// Destroy the holder and return its value.
    public fun destroy<T: store>(self: Versioned): T {
        let Versioned { id, version } = self;
        let value = dynamic_field::remove(&mut id, version);
        object::delete(id);
        value
    }
}
