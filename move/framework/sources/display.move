/// How wallets and explorers should show objects of type `T`: a
/// `Display<T>` holds named templates (`name`, `image_url`, `description`,
/// `link`...) whose `{field}` parts are filled from each object's fields
/// off-chain. Only the publisher of `T`'s package can create one (proved with
/// its `Publisher`); whoever holds the `Display<T>` can change it, and
/// `update_version` announces a new version of it with an event.
///
/// Differs from Sui: `version` is a `u64` (this compiler has no `u16`), in
/// the struct, the accessor and the `VersionUpdated` event.
module sui::display {
    use std::string::String;
    use std::vector;
    use sui::event;
    use sui::object::{Self, ID, UID};
    use sui::package::{Self, Publisher};
    use sui::transfer;
    use sui::tx_context::{Self, TxContext};
    use sui::vec_map::{Self, VecMap};

    /// The `Publisher` is not from the package that defines `T`.
    const ENotOwner: u64 = 0;
    /// The field names and values given have different lengths.
    const EVecLengthMismatch: u64 = 1;

    /// The display templates of `T`.
    struct Display<phantom T: key> has key, store {
        id: UID,
        /// Template name -> template.
        fields: VecMap<String, String>,
        /// Bumped only by `update_version`, which readers watch for.
        version: u64,
    }

    /// Emitted when a `Display<T>` is created; its type names `T`.
    struct DisplayCreated<phantom T: key> has copy, drop {
        id: ID,
    }

    /// Emitted by `update_version` with the templates of the new version.
    struct VersionUpdated<phantom T: key> has copy, drop {
        id: ID,
        version: u64,
        fields: VecMap<String, String>,
    }

    // === Creating ===

    /// An empty `Display<T>`. Aborts with `ENotOwner` unless `pub` is the
    /// publisher of `T`'s package.
    public fun new<T: key>(pub: &Publisher, ctx: &mut TxContext): Display<T> {
        assert!(is_authorized<T>(pub), ENotOwner);
        let id = object::new(ctx);
        event::emit(DisplayCreated<T> { id: object::uid_to_inner(&id) });
        Display { id, fields: vec_map::empty(), version: 0 }
    }

    /// A `Display<T>` with `fields[i] -> values[i]`. Aborts as `new`, and with
    /// `EVecLengthMismatch` if the lengths differ.
    public fun new_with_fields<T: key>(
        pub: &Publisher,
        fields: vector<String>,
        values: vector<String>,
        ctx: &mut TxContext,
    ): Display<T> {
        assert!(vector::length(&fields) == vector::length(&values), EVecLengthMismatch);
        let display = new<T>(pub, ctx);
        add_multiple(&mut display, fields, values);
        display
    }

    /// Create an empty `Display<T>` and send it to the sender.
    public entry fun create_and_keep<T: key>(pub: &Publisher, ctx: &mut TxContext) {
        transfer::public_transfer(new<T>(pub, ctx), tx_context::sender(ctx))
    }

    /// Bump the version and emit `VersionUpdated` with the current templates.
    public entry fun update_version<T: key>(display: &mut Display<T>) {
        display.version = display.version + 1;
        event::emit(VersionUpdated<T> {
            id: object::uid_to_inner(&display.id),
            version: display.version,
            fields: display.fields,
        })
    }

    // === Changing templates ===

    /// Add template `name`. Aborts with `vec_map::EKeyAlreadyExists` if it is
    /// already there.
    public entry fun add<T: key>(self: &mut Display<T>, name: String, value: String) {
        vec_map::insert(&mut self.fields, name, value)
    }

    /// Add `fields[i] -> values[i]` for each `i`. Aborts with
    /// `EVecLengthMismatch` if the lengths differ.
    public entry fun add_multiple<T: key>(self: &mut Display<T>, fields: vector<String>, values: vector<String>) {
        let n = vector::length(&fields);
        assert!(n == vector::length(&values), EVecLengthMismatch);
        let i = 0;
        while (i < n) {
            add(self, *vector::borrow(&fields, i), *vector::borrow(&values, i));
            i = i + 1;
        };
    }

    /// Replace template `name`. Aborts with `vec_map::EKeyDoesNotExist` if it
    /// is not there.
    public entry fun edit<T: key>(self: &mut Display<T>, name: String, value: String) {
        vec_map::remove(&mut self.fields, &name);
        add(self, name, value)
    }

    /// Remove template `name`. Aborts with `vec_map::EKeyDoesNotExist` if it
    /// is not there.
    public entry fun remove<T: key>(self: &mut Display<T>, name: String) {
        vec_map::remove(&mut self.fields, &name);
    }

    // === Reading ===

    /// True if `pub` may create a `Display<T>`: it is the publisher of the
    /// package that defines `T`.
    public fun is_authorized<T: key>(pub: &Publisher): bool {
        package::from_package<T>(pub)
    }

    /// The version, as last set by `update_version`.
    public fun version<T: key>(d: &Display<T>): u64 {
        d.version
    }

    /// The templates.
    public fun fields<T: key>(d: &Display<T>): &VecMap<String, String> {
        &d.fields
    }
}
