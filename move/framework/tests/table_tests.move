#[test_only]
module sui::table_tests {
    use sui::object_table;
    use sui::table;
    use sui::test_objects::{Self, Thing};
    use sui::test_scenario as ts;

    #[test]
    fun table_add_borrow_remove_work() {
        let scenario = ts::begin(@0xA);
        let t = table::new<address, u64>(ts::ctx(&mut scenario));
        table::add(&mut t, @0x1, 1);
        table::add(&mut t, @0x2, 2);
        assert!(table::length(&t) == 2, 0);
        assert!(table::contains(&t, @0x1), 1);
        assert!(!table::contains(&t, @0x3), 2);
        *table::borrow_mut(&mut t, @0x2) = 20;
        assert!(*table::borrow(&t, @0x2) == 20, 3);
        assert!(table::remove(&mut t, @0x1) == 1, 4);
        assert!(table::remove(&mut t, @0x2) == 20, 5);
        assert!(table::is_empty(&t), 6);
        table::destroy_empty(t);
        ts::end(scenario);
    }

    #[test]
    fun table_with_droppable_values_can_be_dropped_full() {
        let scenario = ts::begin(@0xA);
        let t = table::new<u64, bool>(ts::ctx(&mut scenario));
        table::add(&mut t, 1, true);
        table::drop(t);
        ts::end(scenario);
    }

    #[test]
    fun object_table_stores_objects() {
        let scenario = ts::begin(@0xA);
        let t = object_table::new<u64, Thing>(ts::ctx(&mut scenario));
        object_table::add(&mut t, 1, test_objects::new(5, ts::ctx(&mut scenario)));
        assert!(object_table::contains(&t, 1), 0);
        assert!(test_objects::value(object_table::borrow(&t, 1)) == 5, 1);
        test_objects::destroy(object_table::remove(&mut t, 1));
        object_table::destroy_empty(t);
        ts::end(scenario);
    }

    #[test]
    #[expected_failure(abort_code = 1)] // dynamic_field::EFieldDoesNotExist
    fun borrowing_missing_key_fails() {
        let scenario = ts::begin(@0xA);
        let t = table::new<u64, u64>(ts::ctx(&mut scenario));
        table::borrow(&t, 1);
        abort 42
    }

    #[test]
    #[expected_failure(abort_code = table::ETableNotEmpty)]
    fun destroying_non_empty_table_fails() {
        let scenario = ts::begin(@0xA);
        let t = table::new<u64, u64>(ts::ctx(&mut scenario));
        table::add(&mut t, 1, 1);
        table::destroy_empty(t);
        abort 42
    }
}
