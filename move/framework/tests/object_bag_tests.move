#[test_only]
module sui::object_bag_tests {
    use std::option;
    use sui::object;
    use sui::object_bag;
    use sui::test_objects::{Self, Thing};
    use sui::test_scenario as ts;

    #[test]
    fun object_bag_stores_objects_by_key() {
        let scenario = ts::begin(@0xA);
        let b = object_bag::new(ts::ctx(&mut scenario));
        let thing = test_objects::new(7, ts::ctx(&mut scenario));
        let thing_id = object::id(&thing);
        object_bag::add(&mut b, 1u64, thing);
        assert!(object_bag::length(&b) == 1, 0);
        assert!(object_bag::contains(&b, 1u64), 1);
        assert!(object_bag::contains_with_type<u64, Thing>(&b, 1), 2);
        assert!(object_bag::value_id(&b, 1u64) == option::some(thing_id), 3);
        test_objects::set_value(object_bag::borrow_mut<u64, Thing>(&mut b, 1), 8);
        assert!(test_objects::value(object_bag::borrow<u64, Thing>(&b, 1)) == 8, 4);
        let thing = object_bag::remove<u64, Thing>(&mut b, 1);
        assert!(object::id(&thing) == thing_id, 5);
        assert!(object_bag::is_empty(&b), 6);
        test_objects::destroy(thing);
        object_bag::destroy_empty(b);
        ts::end(scenario);
    }

    #[test]
    #[expected_failure(abort_code = object_bag::EBagNotEmpty)]
    fun destroying_non_empty_object_bag_fails() {
        let scenario = ts::begin(@0xA);
        let b = object_bag::new(ts::ctx(&mut scenario));
        object_bag::add(&mut b, 1u64, test_objects::new(1, ts::ctx(&mut scenario)));
        object_bag::destroy_empty(b);
        abort 42
    }
}
