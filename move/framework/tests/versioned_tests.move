#[test_only]
module sui::versioned_tests {
    use sui::test_scenario as ts;
    use sui::versioned;

    struct V1 has store, drop { a: u64 }
    struct V2 has store, drop { a: u64, b: bool }

    #[test]
    fun a_value_is_upgraded_to_a_new_type_and_version() {
        let scenario = ts::begin(@0xA);
        let v = versioned::create(1, V1 { a: 7 }, ts::ctx(&mut scenario));
        assert!(versioned::version(&v) == 1, 0);
        versioned::load_value_mut<V1>(&mut v).a = 8;
        assert!(versioned::load_value<V1>(&v).a == 8, 1);
        let (old, cap) = versioned::remove_value_for_upgrade<V1>(&mut v);
        versioned::upgrade(&mut v, 2, V2 { a: old.a, b: true }, cap);
        assert!(versioned::version(&v) == 2, 2);
        let V2 { a, b } = versioned::destroy<V2>(v);
        assert!(a == 8 && b, 3);
        ts::end(scenario);
    }

    #[test]
    #[expected_failure(abort_code = versioned::EInvalidUpgrade)]
    fun upgrading_to_a_version_not_above_the_old_fails() {
        let scenario = ts::begin(@0xA);
        let v = versioned::create(3, V1 { a: 7 }, ts::ctx(&mut scenario));
        let (old, cap) = versioned::remove_value_for_upgrade<V1>(&mut v);
        versioned::upgrade(&mut v, 3, old, cap);
        abort 42
    }

    #[test]
    #[expected_failure(abort_code = versioned::EInvalidUpgrade)]
    fun a_cap_of_another_versioned_is_refused() {
        let scenario = ts::begin(@0xA);
        let v = versioned::create(1, V1 { a: 1 }, ts::ctx(&mut scenario));
        let w = versioned::create(1, V1 { a: 2 }, ts::ctx(&mut scenario));
        let (old, cap) = versioned::remove_value_for_upgrade<V1>(&mut v);
        versioned::upgrade(&mut w, 2, old, cap);
        abort 42
    }

    #[test]
    #[expected_failure(abort_code = 2)] // dynamic_field::EFieldTypeMismatch
    fun loading_the_value_as_another_type_fails() {
        let scenario = ts::begin(@0xA);
        let v = versioned::create(1, V1 { a: 1 }, ts::ctx(&mut scenario));
        let _ = versioned::load_value<V2>(&v);
        abort 42
    }
}
