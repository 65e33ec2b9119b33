#[test_only]
module sui_style::counter_tests {
    use sui::test_scenario as ts;
    use sui_style::counter::{Self, Counter};

    #[test]
    fun anyone_can_increment() {
        let scenario = ts::begin(@0xA);
        counter::create(ts::ctx(&mut scenario));
        ts::next_tx(&mut scenario, @0xB);
        let c = ts::take_shared<Counter>(&scenario);
        counter::increment(&mut c);
        assert!(counter::value(&c) == 1, 0);
        ts::return_shared(c);
        ts::end(scenario);
    }

    #[test]
    #[expected_failure(abort_code = counter::ENotOwner)]
    fun only_the_owner_can_set_the_value() {
        let scenario = ts::begin(@0xA);
        counter::create(ts::ctx(&mut scenario));
        ts::next_tx(&mut scenario, @0xB);
        let c = ts::take_shared<Counter>(&scenario);
        counter::set_value(&mut c, 7, ts::ctx(&mut scenario));
        ts::return_shared(c);
        ts::end(scenario);
    }
}
