#[test_only]
module sui::borrow_tests {
    use sui::borrow;
    use sui::test_objects;
    use sui::test_scenario as ts;

    #[test]
    fun borrowed_object_can_be_put_back() {
        let scenario = ts::begin(@0xA);
        let referent = borrow::new(test_objects::new(1, ts::ctx(&mut scenario)), ts::ctx(&mut scenario));
        let (thing, promise) = borrow::borrow(&mut referent);
        test_objects::set_value(&mut thing, 2);
        borrow::put_back(&mut referent, thing, promise);
        assert!(test_objects::destroy(borrow::destroy(referent)) == 2, 0);
        ts::end(scenario);
    }

    #[test]
    #[expected_failure(abort_code = borrow::EWrongValue)]
    fun putting_back_another_object_fails() {
        let scenario = ts::begin(@0xA);
        let referent = borrow::new(test_objects::new(1, ts::ctx(&mut scenario)), ts::ctx(&mut scenario));
        let (thing, promise) = borrow::borrow(&mut referent);
        borrow::put_back(&mut referent, test_objects::new(1, ts::ctx(&mut scenario)), promise);
        test_objects::destroy(thing);
        abort 42
    }

    #[test]
    #[expected_failure(abort_code = borrow::EWrongBorrow)]
    fun putting_back_into_another_referent_fails() {
        let scenario = ts::begin(@0xA);
        let a = borrow::new(test_objects::new(1, ts::ctx(&mut scenario)), ts::ctx(&mut scenario));
        let b = borrow::new(test_objects::new(2, ts::ctx(&mut scenario)), ts::ctx(&mut scenario));
        let (thing_a, promise_a) = borrow::borrow(&mut a);
        let (thing_b, promise_b) = borrow::borrow(&mut b);
        borrow::put_back(&mut b, thing_a, promise_a);
        borrow::put_back(&mut a, thing_b, promise_b);
        abort 42
    }
}
