#[test_only]
module sui::bag_tests {
    use sui::bag;
    use sui::test_scenario as ts;

    #[test]
    fun bag_holds_values_of_mixed_types() {
        let scenario = ts::begin(@0xA);
        let b = bag::new(ts::ctx(&mut scenario));
        bag::add(&mut b, 1u64, 10u64);
        bag::add(&mut b, b"flag", true);
        bag::add(&mut b, @0xB, b"bytes");
        assert!(bag::length(&b) == 3 && !bag::is_empty(&b), 0);
        assert!(*bag::borrow<u64, u64>(&b, 1) == 10, 1);
        assert!(bag::contains(&b, b"flag"), 2);
        assert!(bag::contains_with_type<vector<u8>, bool>(&b, b"flag"), 3);
        assert!(!bag::contains_with_type<vector<u8>, u64>(&b, b"flag"), 4);
        *bag::borrow_mut<u64, u64>(&mut b, 1) = 11;
        assert!(bag::remove<u64, u64>(&mut b, 1) == 11, 5);
        assert!(bag::remove<vector<u8>, bool>(&mut b, b"flag"), 6);
        assert!(bag::remove<address, vector<u8>>(&mut b, @0xB) == b"bytes", 7);
        assert!(bag::is_empty(&b), 8);
        bag::destroy_empty(b);
        ts::end(scenario);
    }

    #[test]
    #[expected_failure(abort_code = bag::EBagNotEmpty)]
    fun destroying_non_empty_bag_fails() {
        let scenario = ts::begin(@0xA);
        let b = bag::new(ts::ctx(&mut scenario));
        bag::add(&mut b, 1u64, 1u64);
        bag::destroy_empty(b);
        abort 42
    }

    #[test]
    #[expected_failure(abort_code = 0)] // dynamic_field::EFieldAlreadyExists
    fun adding_existing_key_to_bag_fails() {
        let scenario = ts::begin(@0xA);
        let b = bag::new(ts::ctx(&mut scenario));
        bag::add(&mut b, 1u64, 1u64);
        bag::add(&mut b, 1u64, true);
        abort 42
    }
}
