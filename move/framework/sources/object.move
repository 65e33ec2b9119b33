/// Object identity: the `UID` every object stores as its first field, and the
/// copyable `ID` that names an object.
///
/// A `UID` is created once, from the transaction context, and must be
/// explicitly deleted; this is how the runtime learns which objects a
/// transaction created and destroyed.
module sui::object {
    use sui::address;
    use sui::tx_context::{Self, TxContext};

    friend sui::dynamic_field;

    /// The name of an object. Copyable, so it can be kept anywhere as a
    /// reference to an object; it proves nothing about the object's existence.
    struct ID has copy, drop, store {
        bytes: address,
    }

    /// The unique, non-copyable identity of an object. Every `key` struct
    /// begins with `id: UID`.
    struct UID has store {
        id: ID,
    }

    // === ID ===

    /// The raw bytes of an ID.
    public fun id_to_bytes(id: &ID): vector<u8> {
        address::to_bytes(id.bytes)
    }

    /// The address underlying an ID.
    public fun id_to_address(id: &ID): address {
        id.bytes
    }

    /// Make an ID from 32 raw bytes; aborts if `bytes` has another length.
    public fun id_from_bytes(bytes: vector<u8>): ID {
        id_from_address(address::from_bytes(bytes))
    }

    /// Make an ID from an address.
    public fun id_from_address(bytes: address): ID {
        ID { bytes }
    }

    // === UID ===

    /// The ID inside a UID, by reference.
    public fun uid_as_inner(uid: &UID): &ID {
        &uid.id
    }

    /// A copy of the ID inside a UID.
    public fun uid_to_inner(uid: &UID): ID {
        uid.id
    }

    /// The raw bytes of a UID.
    public fun uid_to_bytes(uid: &UID): vector<u8> {
        address::to_bytes(uid.id.bytes)
    }

    /// The address of a UID.
    public fun uid_to_address(uid: &UID): address {
        uid.id.bytes
    }

    /// Create a new object identity. It is recorded as created by this
    /// transaction; the object holding it must be transferred, shared, frozen,
    /// wrapped or deleted before the transaction ends.
    public fun new(ctx: &mut TxContext): UID {
        let bytes = tx_context::fresh_object_address(ctx);
        record_new_uid(bytes);
        UID { id: ID { bytes } }
    }

    /// Delete an object identity, recording the object as deleted. This is the
    /// only way to get rid of a `UID`.
    public fun delete(id: UID) {
        let UID { id: ID { bytes } } = id;
        delete_impl(bytes)
    }

    // === Any object ===

    /// The ID of an object.
    public fun id<T: key>(obj: &T): ID {
        borrow_uid(obj).id
    }

    /// The ID of an object, by reference.
    public fun borrow_id<T: key>(obj: &T): &ID {
        &borrow_uid(obj).id
    }

    /// The raw bytes of an object's ID.
    public fun id_bytes<T: key>(obj: &T): vector<u8> {
        address::to_bytes(borrow_uid(obj).id.bytes)
    }

    /// The address of an object's ID.
    public fun id_address<T: key>(obj: &T): address {
        borrow_uid(obj).id.bytes
    }

    // === Friend and private ===

    /// A UID at an address computed by hashing (a dynamic field's ID),
    /// recorded as created.
    public(friend) fun new_uid_from_hash(bytes: address): UID {
        record_new_uid(bytes);
        UID { id: ID { bytes } }
    }

    /// The `UID` of an object: the first field of every `key` struct.
    native fun borrow_uid<T: key>(obj: &T): &UID;

    /// Tell the object runtime that the object with this ID is gone.
    native fun delete_impl(id: address);

    /// Tell the object runtime that an object with this ID was created.
    native fun record_new_uid(id: address);

    // === Test-only ===

    #[test_only]
    /// The ID of the object most recently created with `ctx`.
    public fun last_created(ctx: &TxContext): ID {
        ID { bytes: tx_context::last_created_object_id(ctx) }
    }
}
