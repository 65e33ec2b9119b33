#[test_only]
module sui::dynamic_field_tests {
    use std::option;
    use sui::dynamic_field as field;
    use sui::object;
    use sui::test_scenario as ts;

    #[test]
    fun added_field_can_be_read_changed_and_removed() {
        let scenario = ts::begin(@0xA);
        let uid = ts::new_object(&mut scenario);
        field::add(&mut uid, 1u64, 10u64);
        field::add(&mut uid, b"name", true);
        assert!(*field::borrow<u64, u64>(&uid, 1) == 10, 0);
        *field::borrow_mut<u64, u64>(&mut uid, 1) = 11;
        assert!(field::remove<u64, u64>(&mut uid, 1) == 11, 1);
        assert!(!field::exists_(&uid, 1u64), 2);
        assert!(field::remove<vector<u8>, bool>(&mut uid, b"name"), 3);
        object::delete(uid);
        ts::end(scenario);
    }

    #[test]
    fun same_value_under_different_key_types_are_distinct_fields() {
        let scenario = ts::begin(@0xA);
        let uid = ts::new_object(&mut scenario);
        field::add(&mut uid, 1u64, 1u64);
        field::add(&mut uid, 1u8, 2u64);
        assert!(*field::borrow<u64, u64>(&uid, 1) == 1, 0);
        assert!(*field::borrow<u8, u64>(&uid, 1) == 2, 1);
        field::remove<u64, u64>(&mut uid, 1);
        field::remove<u8, u64>(&mut uid, 1);
        object::delete(uid);
        ts::end(scenario);
    }

    #[test]
    fun exists_with_type_checks_the_value_type() {
        let scenario = ts::begin(@0xA);
        let uid = ts::new_object(&mut scenario);
        field::add(&mut uid, 7u64, b"seven");
        assert!(field::exists_(&uid, 7u64), 0);
        assert!(field::exists_with_type<u64, vector<u8>>(&uid, 7), 1);
        assert!(!field::exists_with_type<u64, u64>(&uid, 7), 2);
        assert!(!field::exists_with_type<u64, vector<u8>>(&uid, 8), 3);
        field::remove<u64, vector<u8>>(&mut uid, 7);
        object::delete(uid);
        ts::end(scenario);
    }

    #[test]
    fun remove_if_exists_returns_none_for_missing_field() {
        let scenario = ts::begin(@0xA);
        let uid = ts::new_object(&mut scenario);
        assert!(option::is_none(&field::remove_if_exists<u64, u64>(&mut uid, 1)), 0);
        field::add(&mut uid, 1u64, 5u64);
        assert!(field::remove_if_exists<u64, u64>(&mut uid, 1) == option::some(5), 1);
        object::delete(uid);
        ts::end(scenario);
    }

    #[test]
    #[expected_failure(abort_code = 0)] // dynamic_field::EFieldAlreadyExists
    fun adding_existing_field_fails() {
        let scenario = ts::begin(@0xA);
        let uid = ts::new_object(&mut scenario);
        field::add(&mut uid, 1u64, 1u64);
        field::add(&mut uid, 1u64, 2u64);
        abort 42
    }

    #[test]
    #[expected_failure(abort_code = 1)] // dynamic_field::EFieldDoesNotExist
    fun borrowing_missing_field_fails() {
        let scenario = ts::begin(@0xA);
        let uid = ts::new_object(&mut scenario);
        field::borrow<u64, u64>(&uid, 1);
        abort 42
    }

    #[test]
    #[expected_failure(abort_code = 2)] // dynamic_field::EFieldTypeMismatch
    fun borrowing_field_as_wrong_type_fails() {
        let scenario = ts::begin(@0xA);
        let uid = ts::new_object(&mut scenario);
        field::add(&mut uid, 1u64, 1u64);
        field::borrow<u64, bool>(&uid, 1);
        abort 42
    }
}
