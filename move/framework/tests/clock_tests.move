#[test_only]
module sui::clock_tests {
    use sui::clock::{Self, Clock};
    use sui::test_scenario as ts;

    #[test]
    fun test_clock_moves_forward() {
        let scenario = ts::begin(@0xA);
        let c = clock::create_for_testing(ts::ctx(&mut scenario));
        assert!(clock::timestamp_ms(&c) == 0, 0);
        clock::increment_for_testing(&mut c, 5);
        clock::set_for_testing(&mut c, 20);
        assert!(clock::timestamp_ms(&c) == 20, 1);
        clock::destroy_for_testing(c);
        ts::end(scenario);
    }

    #[test]
    fun shared_test_clock_can_be_read_by_later_transactions() {
        let scenario = ts::begin(@0x0);
        clock::share_for_testing(clock::create_for_testing(ts::ctx(&mut scenario)));
        ts::next_tx(&mut scenario, @0x0);
        let c = ts::take_shared<Clock>(&scenario);
        clock::advance_for_testing(&mut c, 1000, ts::ctx(&mut scenario));
        ts::return_shared(c);
        ts::next_tx(&mut scenario, @0xA);
        let c = ts::take_shared<Clock>(&scenario);
        assert!(clock::timestamp_ms(&c) == 1000, 0);
        ts::return_shared(c);
        ts::end(scenario);
    }

    #[test]
    #[expected_failure(abort_code = clock::ENotSystemAddress)]
    fun only_the_system_can_advance_the_clock() {
        let scenario = ts::begin(@0xA);
        let c = clock::create_for_testing(ts::ctx(&mut scenario));
        clock::advance_for_testing(&mut c, 1000, ts::ctx(&mut scenario));
        abort 42
    }

    #[test]
    #[expected_failure(abort_code = clock::ETimeWentBackwards)]
    fun test_clock_cannot_go_backwards() {
        let scenario = ts::begin(@0xA);
        let c = clock::create_for_testing(ts::ctx(&mut scenario));
        clock::set_for_testing(&mut c, 10);
        clock::set_for_testing(&mut c, 9);
        abort 42
    }
}
