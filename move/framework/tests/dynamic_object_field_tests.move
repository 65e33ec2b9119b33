#[test_only]
module sui::dynamic_object_field_tests {
    use std::option;
    use sui::dynamic_field as field;
    use sui::dynamic_object_field as ofield;
    use sui::object;
    use sui::test_objects::{Self, Thing};
    use sui::test_scenario as ts;

    #[test]
    fun attached_object_keeps_its_id() {
        let scenario = ts::begin(@0xA);
        let parent = ts::new_object(&mut scenario);
        let thing = test_objects::new(1, ts::ctx(&mut scenario));
        let thing_id = object::id(&thing);
        ofield::add(&mut parent, b"thing", thing);
        assert!(ofield::id(&parent, b"thing") == option::some(thing_id), 0);
        assert!(object::id(ofield::borrow<vector<u8>, Thing>(&parent, b"thing")) == thing_id, 1);
        let thing = ofield::remove<vector<u8>, Thing>(&mut parent, b"thing");
        assert!(object::id(&thing) == thing_id, 2);
        assert!(option::is_none(&ofield::id(&parent, b"thing")), 3);
        test_objects::destroy(thing);
        object::delete(parent);
        ts::end(scenario);
    }

    #[test]
    fun borrow_mut_changes_the_attached_object() {
        let scenario = ts::begin(@0xA);
        let parent = ts::new_object(&mut scenario);
        ofield::add(&mut parent, 0u64, test_objects::new(1, ts::ctx(&mut scenario)));
        test_objects::set_value(ofield::borrow_mut<u64, Thing>(&mut parent, 0), 2);
        assert!(test_objects::value(ofield::borrow<u64, Thing>(&parent, 0)) == 2, 0);
        assert!(test_objects::destroy(ofield::remove<u64, Thing>(&mut parent, 0)) == 2, 1);
        object::delete(parent);
        ts::end(scenario);
    }

    #[test]
    fun object_field_and_plain_field_of_same_name_coexist() {
        let scenario = ts::begin(@0xA);
        let parent = ts::new_object(&mut scenario);
        field::add(&mut parent, 1u64, 100u64);
        ofield::add(&mut parent, 1u64, test_objects::new(1, ts::ctx(&mut scenario)));
        assert!(ofield::exists_(&parent, 1u64), 0);
        assert!(ofield::exists_with_type<u64, Thing>(&parent, 1), 1);
        assert!(field::exists_with_type<u64, u64>(&parent, 1), 2);
        assert!(!ofield::exists_(&parent, 2u64), 3);
        test_objects::destroy(ofield::remove<u64, Thing>(&mut parent, 1));
        assert!(field::remove<u64, u64>(&mut parent, 1) == 100, 4);
        object::delete(parent);
        ts::end(scenario);
    }

    #[test]
    fun nested_object_fields_work() {
        let scenario = ts::begin(@0xA);
        let outer = test_objects::new(1, ts::ctx(&mut scenario));
        let inner = test_objects::new(2, ts::ctx(&mut scenario));
        ofield::add(test_objects::uid_mut(&mut inner), 0u8, test_objects::new(3, ts::ctx(&mut scenario)));
        ofield::add(test_objects::uid_mut(&mut outer), 0u8, inner);
        let inner_ref = ofield::borrow<u8, Thing>(test_objects::uid(&outer), 0);
        let leaf = ofield::borrow<u8, Thing>(test_objects::uid(inner_ref), 0);
        assert!(test_objects::value(leaf) == 3, 0);
        let inner = ofield::remove<u8, Thing>(test_objects::uid_mut(&mut outer), 0);
        test_objects::destroy(ofield::remove<u8, Thing>(test_objects::uid_mut(&mut inner), 0));
        test_objects::destroy(inner);
        test_objects::destroy(outer);
        ts::end(scenario);
    }

    #[test]
    #[expected_failure(abort_code = 0)] // dynamic_field::EFieldAlreadyExists
    fun adding_object_under_taken_name_fails() {
        let scenario = ts::begin(@0xA);
        let parent = ts::new_object(&mut scenario);
        ofield::add(&mut parent, 0u64, test_objects::new(1, ts::ctx(&mut scenario)));
        ofield::add(&mut parent, 0u64, test_objects::new(2, ts::ctx(&mut scenario)));
        abort 42
    }

    #[test]
    #[expected_failure(abort_code = 1)] // dynamic_field::EFieldDoesNotExist
    fun removing_missing_object_field_fails() {
        let scenario = ts::begin(@0xA);
        let parent = ts::new_object(&mut scenario);
        let thing = ofield::remove<u64, Thing>(&mut parent, 0);
        test_objects::destroy(thing);
        abort 42
    }
}
