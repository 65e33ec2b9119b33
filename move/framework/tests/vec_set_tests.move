#[test_only]
module sui::vec_set_tests {
    use sui::vec_set;

    #[test]
    fun insert_contains_and_remove_work() {
        let s = vec_set::empty();
        vec_set::insert(&mut s, 5u64);
        vec_set::insert(&mut s, 2);
        vec_set::insert(&mut s, 9);
        assert!(vec_set::size(&s) == 3, 0);
        assert!(vec_set::contains(&s, &2), 1);
        vec_set::remove(&mut s, &2);
        assert!(!vec_set::contains(&s, &2), 2);
        assert!(*vec_set::keys(&s) == vector[5, 9], 3);
        assert!(vec_set::into_keys(s) == vector[5, 9], 4);
    }

    #[test]
    fun singleton_and_from_keys_build_sets() {
        let s = vec_set::singleton(@0xA);
        assert!(vec_set::size(&s) == 1 && !vec_set::is_empty(&s), 0);
        let t = vec_set::from_keys(vector[1u8, 2, 3]);
        assert!(*vec_set::keys(&t) == vector[1, 2, 3], 1);
        assert!(vec_set::is_empty(&vec_set::empty<u8>()), 2);
    }

    #[test]
    #[expected_failure(abort_code = vec_set::EKeyAlreadyExists)]
    fun inserting_duplicate_fails() {
        vec_set::from_keys(vector[1u8, 2, 1]);
    }

    #[test]
    #[expected_failure(abort_code = vec_set::EKeyDoesNotExist)]
    fun removing_missing_key_fails() {
        let s = vec_set::singleton(1u8);
        vec_set::remove(&mut s, &2);
    }
}
