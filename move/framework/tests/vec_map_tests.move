#[test_only]
module sui::vec_map_tests {
    use std::option;
    use std::vector;
    use sui::vec_map::{Self, VecMap};

    fun map_of_three(): VecMap<u64, vector<u8>> {
        let m = vec_map::empty();
        vec_map::insert(&mut m, 3, b"three");
        vec_map::insert(&mut m, 1, b"one");
        vec_map::insert(&mut m, 2, b"two");
        m
    }

    #[test]
    fun insert_then_get_returns_value() {
        let m = map_of_three();
        assert!(vec_map::size(&m) == 3, 0);
        assert!(*vec_map::get(&m, &1) == b"one", 1);
        assert!(vec_map::contains(&m, &2), 2);
        assert!(!vec_map::contains(&m, &4), 3);
        assert!(vec_map::try_get(&m, &4) == option::none(), 4);
        assert!(vec_map::try_get(&m, &3) == option::some(b"three"), 5);
    }

    #[test]
    fun get_mut_changes_value_in_place() {
        let m = map_of_three();
        *vec_map::get_mut(&mut m, &2) = b"deux";
        assert!(*vec_map::get(&m, &2) == b"deux", 0);
        let (_, v) = vec_map::get_entry_by_idx_mut(&mut m, 0);
        *v = b"trois";
        assert!(*vec_map::get(&m, &3) == b"trois", 1);
    }

    #[test]
    fun remove_keeps_insertion_order_of_the_rest() {
        let m = map_of_three();
        let (k, v) = vec_map::remove(&mut m, &1);
        assert!(k == 1 && v == b"one", 0);
        assert!(vec_map::keys(&m) == vector[3, 2], 1);
        assert!(vec_map::get_idx(&m, &2) == 1, 2);
        let (k, v) = vec_map::get_entry_by_idx(&m, 0);
        assert!(*k == 3 && *v == b"three", 3);
    }

    #[test]
    fun pop_removes_newest_entry() {
        let m = map_of_three();
        let (k, _) = vec_map::pop(&mut m);
        assert!(k == 2, 0);
        let (k, _) = vec_map::remove_entry_by_idx(&mut m, 0);
        assert!(k == 3, 1);
        let (k, _) = vec_map::pop(&mut m);
        assert!(k == 1, 2);
        assert!(vec_map::is_empty(&m), 3);
        vec_map::destroy_empty(m);
    }

    #[test]
    fun into_keys_values_and_back_round_trips() {
        let m = map_of_three();
        let (keys, values) = vec_map::into_keys_values(copy m);
        assert!(keys == vector[3, 1, 2], 0);
        assert!(values == vector[b"three", b"one", b"two"], 1);
        let rebuilt = vec_map::from_keys_values(keys, values);
        assert!(rebuilt == m, 2);
        assert!(vector::length(&vec_map::keys(&rebuilt)) == 3, 3);
    }

    #[test]
    #[expected_failure(abort_code = vec_map::EKeyAlreadyExists)]
    fun inserting_existing_key_fails() {
        let m = map_of_three();
        vec_map::insert(&mut m, 1, b"uno");
    }

    #[test]
    #[expected_failure(abort_code = vec_map::EKeyDoesNotExist)]
    fun getting_missing_key_fails() {
        let m = map_of_three();
        vec_map::get(&m, &7);
    }

    #[test]
    #[expected_failure(abort_code = vec_map::EMapNotEmpty)]
    fun destroying_non_empty_map_fails() {
        vec_map::destroy_empty(map_of_three());
    }

    #[test]
    #[expected_failure(abort_code = vec_map::EIndexOutOfBounds)]
    fun entry_index_past_end_fails() {
        let m = map_of_three();
        vec_map::get_entry_by_idx(&m, 3);
    }

    #[test]
    #[expected_failure(abort_code = vec_map::EMapEmpty)]
    fun popping_empty_map_fails() {
        let m = vec_map::empty<u64, u64>();
        vec_map::pop(&mut m);
    }

    #[test]
    #[expected_failure(abort_code = vec_map::EUnequalLengths)]
    fun from_keys_values_with_unequal_lengths_fails() {
        vec_map::from_keys_values(vector[1, 2], vector[true]);
    }
}
