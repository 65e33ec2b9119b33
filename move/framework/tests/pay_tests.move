#[test_only]
module sui::pay_tests {
    use sui::coin::{Self, Coin};
    use sui::sui::SUI;
    use sui::pay;
    use sui::test_scenario as ts;

    #[test]
    fun split_vec_and_join_vec_move_value_between_coins() {
        let scenario = ts::begin(@0xA);
        let c = coin::mint_for_testing<SUI>(100, ts::ctx(&mut scenario));
        pay::split_vec(&mut c, vector[10, 20], ts::ctx(&mut scenario));
        pay::split_and_transfer(&mut c, 5, @0xB, ts::ctx(&mut scenario));
        assert!(coin::value(&c) == 65, 0);
        pay::keep(c, ts::ctx(&mut scenario));
        ts::next_tx(&mut scenario, @0xA);
        let ids = ts::ids_for_sender<Coin<SUI>>(&scenario);
        assert!(std::vector::length(&ids) == 3, 1);
        let main = ts::take_from_sender<Coin<SUI>>(&scenario);
        let a = ts::take_from_sender<Coin<SUI>>(&scenario);
        let b = ts::take_from_sender<Coin<SUI>>(&scenario);
        pay::join_vec(&mut main, vector[a, b]);
        assert!(coin::value(&main) == 95, 2);
        pay::divide_and_keep(&mut main, 5, ts::ctx(&mut scenario));
        assert!(coin::value(&main) == 19, 3);
        pay::join_vec_and_transfer(vector[main], @0xC);
        ts::next_tx(&mut scenario, @0xB);
        let got = ts::take_from_sender<Coin<SUI>>(&scenario);
        assert!(coin::value(&got) == 5, 4);
        coin::burn_for_testing(got);
        ts::next_tx(&mut scenario, @0xA);
        assert!(std::vector::length(&ts::ids_for_sender<Coin<SUI>>(&scenario)) == 4, 5);
        ts::end(scenario);
    }

    #[test]
    #[expected_failure(abort_code = pay::ENoCoins)]
    fun joining_no_coins_fails() {
        pay::join_vec_and_transfer(std::vector::empty<Coin<SUI>>(), @0xA);
    }
}
