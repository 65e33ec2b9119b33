/// Dynamic object fields: like `dynamic_field`, but the value is an object
/// (`key + store`) that keeps its ID and stays visible to off-chain readers
/// under that ID while it is attached.
///
/// Layout: the parent has a dynamic field `Wrapper { name } -> ID`, and the
/// value object itself is a child of that field object.
module sui::dynamic_object_field {
    use std::option::{Self, Option};
    use sui::dynamic_field::{
        Self as field,
        add_child_object,
        borrow_child_object,
        borrow_child_object_mut,
        remove_child_object,
        has_child_object_with_ty,
    };
    use sui::object::{Self, ID, UID};

    /// Wraps a name so that object fields and plain fields of the same name
    /// do not collide.
    struct Wrapper<Name> has copy, drop, store {
        name: Name,
    }

    /// Attach object `value` to `object` under `name`. Aborts with
    /// `dynamic_field::EFieldAlreadyExists` if the name is taken.
    public fun add<Name: copy + drop + store, Value: key + store>(
        object: &mut UID,
        name: Name,
        value: Value,
    ) {
        let key = Wrapper { name };
        let id = object::id(&value);
        field::add(object, key, id);
        let (field, _) = field::field_info<Wrapper<Name>>(object, key);
        add_child_object(object::uid_to_address(field), value);
    }

    /// The object attached to `object` under `name`. Aborts with
    /// `dynamic_field::EFieldDoesNotExist` or `EFieldTypeMismatch`.
    public fun borrow<Name: copy + drop + store, Value: key + store>(object: &UID, name: Name): &Value {
        let (field, value_id) = field::field_info<Wrapper<Name>>(object, Wrapper { name });
        borrow_child_object<Value>(field, value_id)
    }

    /// The object attached under `name`, mutably. Aborts as `borrow`.
    public fun borrow_mut<Name: copy + drop + store, Value: key + store>(
        object: &mut UID,
        name: Name,
    ): &mut Value {
        let (field, value_id) = field::field_info_mut<Wrapper<Name>>(object, Wrapper { name });
        borrow_child_object_mut<Value>(field, value_id)
    }

    /// Detach and return the object attached under `name`. Aborts as `borrow`.
    public fun remove<Name: copy + drop + store, Value: key + store>(object: &mut UID, name: Name): Value {
        let key = Wrapper { name };
        let (field, value_id) = field::field_info<Wrapper<Name>>(object, key);
        let value = remove_child_object<Value>(object::uid_to_address(field), value_id);
        field::remove<Wrapper<Name>, ID>(object, key);
        value
    }

    /// True if an object is attached to `object` under `name`.
    public fun exists_<Name: copy + drop + store>(object: &UID, name: Name): bool {
        field::exists_with_type<Wrapper<Name>, ID>(object, Wrapper { name })
    }

    /// True if an object of type `Value` is attached under `name`.
    public fun exists_with_type<Name: copy + drop + store, Value: key + store>(
        object: &UID,
        name: Name,
    ): bool {
        let key = Wrapper { name };
        if (!field::exists_with_type<Wrapper<Name>, ID>(object, key)) return false;
        let (field, value_id) = field::field_info<Wrapper<Name>>(object, key);
        has_child_object_with_ty<Value>(object::uid_to_address(field), value_id)
    }

    /// The ID of the object attached under `name`, if any.
    public fun id<Name: copy + drop + store>(object: &UID, name: Name): Option<ID> {
        let key = Wrapper { name };
        if (!field::exists_with_type<Wrapper<Name>, ID>(object, key)) return option::none();
        let (_field, value_id) = field::field_info<Wrapper<Name>>(object, key);
        option::some(object::id_from_address(value_id))
    }
}
