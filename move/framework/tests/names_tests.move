/// The framework's two names: `sui`, as on Sui, and `movid`, kept for packages written before.
#[test_only]
module sui::names_tests {
    use sui::coin::{Self, Coin};
    use sui::sui::SUI;
    use sui::test_scenario as ts;

    #[test]
    fun sui_and_movid_name_one_address() {
        assert!(@sui == @movid, 0);
        assert!(@sui == @0x2, 1);
    }

    #[test]
    fun a_coin_named_either_way_is_one_type() {
        let scenario = ts::begin(@0xA);
        let c: movid::coin::Coin<movid::sui::SUI> = coin::mint_for_testing<SUI>(7, ts::ctx(&mut scenario));
        assert!(value_of(&c) == 7, 2);
        assert!(movid::coin::value(&c) == 7, 3);
        coin::burn_for_testing(c);
        ts::end(scenario);
    }

    #[test]
    fun one_sui_is_ten_to_the_nine_mist() {
        assert!(sui::sui::mist_per_sui() == 1000000000, 4);
    }

    fun value_of(c: &Coin<SUI>): u64 {
        coin::value(c)
    }
}
