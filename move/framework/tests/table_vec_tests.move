#[test_only]
module sui::table_vec_tests {
    use sui::table_vec;
    use sui::test_scenario as ts;

    #[test]
    fun push_pop_borrow_and_swap_remove_keep_the_elements() {
        let scenario = ts::begin(@0xA);
        let v = table_vec::singleton(10u64, ts::ctx(&mut scenario));
        table_vec::push_back(&mut v, 20);
        table_vec::push_back(&mut v, 30);
        assert!(table_vec::length(&v) == 3, 0);
        assert!(*table_vec::borrow(&v, 1) == 20, 1);
        *table_vec::borrow_mut(&mut v, 1) = 21;
        table_vec::swap(&mut v, 0, 2);
        assert!(*table_vec::borrow(&v, 0) == 30 && *table_vec::borrow(&v, 2) == 10, 2);
        // swap_remove moves the last element into the hole.
        assert!(table_vec::swap_remove(&mut v, 0) == 30, 3);
        assert!(*table_vec::borrow(&v, 0) == 10 && table_vec::length(&v) == 2, 4);
        assert!(table_vec::pop_back(&mut v) == 21, 5);
        assert!(table_vec::pop_back(&mut v) == 10, 6);
        assert!(table_vec::is_empty(&v), 7);
        table_vec::destroy_empty(v);
        ts::end(scenario);
    }

    #[test]
    #[expected_failure(abort_code = table_vec::EIndexOutOfBound)]
    fun borrowing_past_the_end_fails() {
        let scenario = ts::begin(@0xA);
        let v = table_vec::singleton(1u64, ts::ctx(&mut scenario));
        let _ = table_vec::borrow(&v, 1);
        abort 42
    }

    #[test]
    #[expected_failure(abort_code = table_vec::EIndexOutOfBound)]
    fun popping_an_empty_vector_fails() {
        let scenario = ts::begin(@0xA);
        let v = table_vec::empty<u64>(ts::ctx(&mut scenario));
        table_vec::pop_back(&mut v);
        abort 42
    }

    #[test]
    #[expected_failure(abort_code = table_vec::ETableNonEmpty)]
    fun destroying_a_non_empty_vector_fails() {
        let scenario = ts::begin(@0xA);
        table_vec::destroy_empty(table_vec::singleton(1u64, ts::ctx(&mut scenario)));
        abort 42
    }

    #[test]
    fun a_vector_of_droppable_elements_can_be_dropped() {
        let scenario = ts::begin(@0xA);
        let v = table_vec::singleton(1u64, ts::ctx(&mut scenario));
        table_vec::push_back(&mut v, 2);
        table_vec::drop(v);
        ts::end(scenario);
    }
}
