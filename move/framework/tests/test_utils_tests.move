#[test_only]
module sui::test_utils_tests {
    use std::ascii;
    use std::debug;
    use std::string;
    use std::type_name;
    use sui::coin::{Self, Coin};
    use sui::event;
    use sui::sui::SUI;
    use sui::test_objects;
    use sui::test_scenario as ts;
    use sui::test_utils;
    use sui::types;

    /// A one-time witness shape for `create_one_time_witness`.
    struct TEST_UTILS_TESTS has drop {}

    /// Not a one-time witness: its name is not the module's.
    struct Witness has drop {}

    #[test]
    fun assert_eq_passes_for_equal_values() {
        test_utils::assert_eq(vector[1u64, 2], vector[1, 2]);
        test_utils::assert_ref_eq(&string::utf8(b"a"), &string::utf8(b"a"));
    }

    #[test]
    #[expected_failure(abort_code = test_utils::EAssertEq)]
    fun assert_eq_aborts_for_different_values() {
        test_utils::assert_eq(1u64, 2);
    }

    #[test]
    fun destroy_drops_a_value_without_drop() {
        let scenario = ts::begin(@0xA);
        test_utils::destroy(test_objects::new(1, ts::ctx(&mut scenario)));
        test_utils::destroy(coin::mint_for_testing<SUI>(5, ts::ctx(&mut scenario)));
        test_utils::destroy(scenario);
    }

    #[test]
    fun create_one_time_witness_makes_a_witness_the_framework_accepts() {
        let otw = test_utils::create_one_time_witness<TEST_UTILS_TESTS>();
        assert!(types::is_one_time_witness(&otw), 0);
    }

    #[test]
    #[expected_failure(abort_code = 0)]
    fun create_one_time_witness_refuses_other_types() {
        let _ = test_utils::create_one_time_witness<Witness>();
    }

    #[test]
    fun printing_does_not_change_anything() {
        test_utils::print(b"hello from a test");
        debug::print(&42u64);
        debug::print(&string::utf8(b"utf8 text"));
        debug::print(&vector[@0x1, @0x2]);
        debug::print(&test_objects::ping_event(7));
        debug::print_stack_trace();
    }

    #[test]
    fun events_by_type_returns_this_transactions_events_in_order() {
        let scenario = ts::begin(@0xA);
        test_objects::ping(1);
        test_objects::ping(2);
        assert!(event::num_events() == 2, 0);
        let pings = event::events_by_type<test_objects::Ping>();
        assert!(pings == vector[test_objects::ping_event(1), test_objects::ping_event(2)], 1);
        let effects = ts::next_tx(&mut scenario, @0xA);
        assert!(ts::num_user_events(&effects) == 2, 2);
        // A new transaction starts with no events.
        assert!(event::num_events() == 0, 3);
        assert!(std::vector::is_empty(&event::events_by_type<test_objects::Ping>()), 4);
        ts::end(scenario);
    }

    #[test]
    fun type_names_are_spelled_as_on_sui() {
        let coin = type_name::get<Coin<SUI>>();
        let expected = b"0000000000000000000000000000000000000000000000000000000000000002::coin::Coin<0000000000000000000000000000000000000000000000000000000000000002::sui::SUI>";
        assert!(ascii::into_bytes(type_name::into_string(coin)) == expected, 0);
        assert!(type_name::get_module(&coin) == ascii::string(b"coin"), 1);
        assert!(type_name::get_address(&coin) == ascii::string(b"0000000000000000000000000000000000000000000000000000000000000002"), 2);
        assert!(!type_name::is_primitive(&coin), 3);
        let v = type_name::get<vector<u64>>();
        assert!(type_name::borrow_string(&v) == &ascii::string(b"vector<u64>"), 4);
        assert!(type_name::is_primitive(&v), 5);
        assert!(type_name::get_with_original_ids<u8>() == type_name::get<u8>(), 6);
    }

    #[test]
    #[expected_failure(abort_code = 0)] // type_name::ENonModuleType
    fun the_module_of_a_primitive_type_is_refused() {
        type_name::get_module(&type_name::get<bool>());
    }
}
