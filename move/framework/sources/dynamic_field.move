/// Dynamic fields: values attached to an object under a name chosen at run
/// time, rather than declared as struct fields.
///
/// Each field is stored as a separate child object, `Field<Name, Value>`, owned
/// by the parent's address. Its ID is `hash_type_and_key(parent, name)`, so
/// the same name (of the same type) always maps to the same field and lookups
/// never scan. Fields cost nothing to their parent until they are accessed.
module sui::dynamic_field {
    use std::option::{Self, Option};
    use sui::object::{Self, ID, UID};

    friend sui::dynamic_object_field;

    /// A field with this name already exists on the object.
    const EFieldAlreadyExists: u64 = 0;
    /// No field with this name exists on the object.
    const EFieldDoesNotExist: u64 = 1;
    /// A field with this name exists, but its value has another type.
    const EFieldTypeMismatch: u64 = 2;

    /// The child object holding one dynamic field.
    struct Field<Name: copy + drop + store, Value: store> has key {
        /// Derived from the parent's address and `name`; see module doc.
        id: UID,
        name: Name,
        value: Value,
    }

    /// Attach `value` to `object` under `name`. Aborts with
    /// `EFieldAlreadyExists` if the name is taken.
    public fun add<Name: copy + drop + store, Value: store>(
        object: &mut UID,
        name: Name,
        value: Value,
    ) {
        let object_addr = object::uid_to_address(object);
        let hash = hash_type_and_key(object_addr, name);
        assert!(!has_child_object(object_addr, hash), EFieldAlreadyExists);
        let field = Field { id: object::new_uid_from_hash(hash), name, value };
        add_child_object(object_addr, field)
    }

    /// The value of field `name` on `object`. Aborts with `EFieldDoesNotExist`
    /// if there is none, `EFieldTypeMismatch` if its value is not a `Value`.
    public fun borrow<Name: copy + drop + store, Value: store>(object: &UID, name: Name): &Value {
        let hash = hash_type_and_key(object::uid_to_address(object), name);
        let field = borrow_child_object<Field<Name, Value>>(object, hash);
        &field.value
    }

    /// The value of field `name` on `object`, mutably. Aborts as `borrow`.
    public fun borrow_mut<Name: copy + drop + store, Value: store>(
        object: &mut UID,
        name: Name,
    ): &mut Value {
        let hash = hash_type_and_key(object::uid_to_address(object), name);
        let field = borrow_child_object_mut<Field<Name, Value>>(object, hash);
        &mut field.value
    }

    /// Detach field `name` from `object` and return its value. Aborts as
    /// `borrow`.
    public fun remove<Name: copy + drop + store, Value: store>(object: &mut UID, name: Name): Value {
        let object_addr = object::uid_to_address(object);
        let hash = hash_type_and_key(object_addr, name);
        let Field { id, name: _, value } = remove_child_object<Field<Name, Value>>(object_addr, hash);
        object::delete(id);
        value
    }

    /// True if `object` has a field `name`, whatever its value's type.
    public fun exists_<Name: copy + drop + store>(object: &UID, name: Name): bool {
        let object_addr = object::uid_to_address(object);
        let hash = hash_type_and_key(object_addr, name);
        has_child_object(object_addr, hash)
    }

    /// Remove field `name` if it exists. Aborts with `EFieldTypeMismatch` if it
    /// exists with a value of another type.
    public fun remove_if_exists<Name: copy + drop + store, Value: store>(
        object: &mut UID,
        name: Name,
    ): Option<Value> {
        if (exists_<Name>(object, name)) {
            option::some(remove(object, name))
        } else {
            option::none()
        }
    }

    /// True if `object` has a field `name` whose value is a `Value`.
    public fun exists_with_type<Name: copy + drop + store, Value: store>(
        object: &UID,
        name: Name,
    ): bool {
        let object_addr = object::uid_to_address(object);
        let hash = hash_type_and_key(object_addr, name);
        has_child_object_with_ty<Field<Name, Value>>(object_addr, hash)
    }

    // === Friend: dynamic_object_field ===

    /// For a field whose value is an object ID: the field's UID (the parent of
    /// that object) and the object's address.
    public(friend) fun field_info<Name: copy + drop + store>(
        object: &UID,
        name: Name,
    ): (&UID, address) {
        let hash = hash_type_and_key(object::uid_to_address(object), name);
        let Field { id, name: _, value } = borrow_child_object<Field<Name, ID>>(object, hash);
        (id, object::id_to_address(value))
    }

    /// As `field_info`, with the field's UID borrowed mutably.
    public(friend) fun field_info_mut<Name: copy + drop + store>(
        object: &mut UID,
        name: Name,
    ): (&mut UID, address) {
        let hash = hash_type_and_key(object::uid_to_address(object), name);
        let Field { id, name: _, value } = borrow_child_object_mut<Field<Name, ID>>(object, hash);
        (id, object::id_to_address(value))
    }

    /// blake2b(0xf0 || parent || len(bcs(k)) as u64 LE || bcs(k) || bcs(type tag of K)):
    /// the ID of the field `k` of `parent`.
    public(friend) native fun hash_type_and_key<K: copy + drop + store>(parent: address, k: K): address;

    /// Make `child` a child object of `parent`. Aborts with
    /// `EFieldAlreadyExists` if the child's ID is already a child of `parent`.
    public(friend) native fun add_child_object<Child: key>(parent: address, child: Child);

    /// The child `id` of `object`. Aborts with `EFieldDoesNotExist` or
    /// `EFieldTypeMismatch`.
    public(friend) native fun borrow_child_object<Child: key>(object: &UID, id: address): &Child;

    /// The child `id` of `object`, mutably. Aborts as `borrow_child_object`.
    public(friend) native fun borrow_child_object_mut<Child: key>(object: &mut UID, id: address): &mut Child;

    /// Detach and return the child `id` of `parent`. Aborts as
    /// `borrow_child_object`.
    public(friend) native fun remove_child_object<Child: key>(parent: address, id: address): Child;

    /// True if `parent` has a child `id` of any type.
    public(friend) native fun has_child_object(parent: address, id: address): bool;

    /// True if `parent` has a child `id` of type `Child`.
    public(friend) native fun has_child_object_with_ty<Child: key>(parent: address, id: address): bool;
}
