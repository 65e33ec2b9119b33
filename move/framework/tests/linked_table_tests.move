#[test_only]
module sui::linked_table_tests {
    use std::option;
    use sui::linked_table::{Self, LinkedTable};
    use sui::test_scenario as ts;

    /// The keys from front to back, following `next`.
    fun keys(t: &LinkedTable<u64, u64>): vector<u64> {
        let out = vector[];
        let k = *linked_table::front(t);
        while (option::is_some(&k)) {
            let key = option::destroy_some(k);
            std::vector::push_back(&mut out, key);
            k = *linked_table::next(t, key);
        };
        out
    }

    /// The keys from back to front, following `prev`.
    fun keys_backwards(t: &LinkedTable<u64, u64>): vector<u64> {
        let out = vector[];
        let k = *linked_table::back(t);
        while (option::is_some(&k)) {
            let key = option::destroy_some(k);
            std::vector::push_back(&mut out, key);
            k = *linked_table::prev(t, key);
        };
        out
    }

    #[test]
    fun entries_keep_their_order_through_pushes_and_removals() {
        let scenario = ts::begin(@0xA);
        let t = linked_table::new<u64, u64>(ts::ctx(&mut scenario));
        linked_table::push_back(&mut t, 2, 20);
        linked_table::push_front(&mut t, 1, 10);
        linked_table::push_back(&mut t, 3, 30);
        linked_table::push_back(&mut t, 4, 40);
        assert!(keys(&t) == vector[1, 2, 3, 4], 0);
        assert!(keys_backwards(&t) == vector[4, 3, 2, 1], 1);
        // Removing from the middle relinks the neighbours.
        assert!(linked_table::remove(&mut t, 3) == 30, 2);
        assert!(keys(&t) == vector[1, 2, 4], 3);
        assert!(keys_backwards(&t) == vector[4, 2, 1], 4);
        *linked_table::borrow_mut(&mut t, 2) = 21;
        assert!(*linked_table::borrow(&t, 2) == 21, 5);
        let (k, v) = linked_table::pop_front(&mut t);
        assert!(k == 1 && v == 10, 6);
        let (k, v) = linked_table::pop_back(&mut t);
        assert!(k == 4 && v == 40, 7);
        assert!(linked_table::contains(&t, 2) && !linked_table::contains(&t, 1), 8);
        assert!(linked_table::length(&t) == 1, 9);
        linked_table::remove(&mut t, 2);
        assert!(linked_table::is_empty(&t), 10);
        assert!(option::is_none(linked_table::front(&t)) && option::is_none(linked_table::back(&t)), 11);
        linked_table::destroy_empty(t);
        ts::end(scenario);
    }

    #[test]
    #[expected_failure(abort_code = 0)] // dynamic_field::EFieldAlreadyExists
    fun pushing_a_key_twice_fails() {
        let scenario = ts::begin(@0xA);
        let t = linked_table::new<u64, u64>(ts::ctx(&mut scenario));
        linked_table::push_back(&mut t, 1, 10);
        linked_table::push_front(&mut t, 1, 11);
        abort 42
    }

    #[test]
    #[expected_failure(abort_code = linked_table::ETableIsEmpty)]
    fun popping_an_empty_table_fails() {
        let scenario = ts::begin(@0xA);
        let t = linked_table::new<u64, u64>(ts::ctx(&mut scenario));
        let (_, _) = linked_table::pop_back(&mut t);
        abort 42
    }

    #[test]
    #[expected_failure(abort_code = linked_table::ETableNotEmpty)]
    fun destroying_a_non_empty_table_fails() {
        let scenario = ts::begin(@0xA);
        let t = linked_table::new<u64, u64>(ts::ctx(&mut scenario));
        linked_table::push_back(&mut t, 1, 10);
        linked_table::destroy_empty(t);
        abort 42
    }

    #[test]
    fun a_table_of_droppable_values_can_be_dropped() {
        let scenario = ts::begin(@0xA);
        let t = linked_table::new<u64, u64>(ts::ctx(&mut scenario));
        linked_table::push_back(&mut t, 1, 10);
        linked_table::drop(t);
        ts::end(scenario);
    }
}
