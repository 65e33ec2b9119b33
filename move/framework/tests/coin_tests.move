#[test_only]
module sui::coin_tests {
    use std::ascii;
    use std::option;
    use std::string;
    use std::vector;
    use sui::balance;
    use sui::coin::{Self, Coin};
    use sui::sui::{Self, SUI};
    use sui::test_objects;
    use sui::test_scenario as ts;
    use sui::transfer;
    use sui::url;

    /// A one-time witness in shape: named after this module, `drop` only.
    struct COIN_TESTS has drop {}

    /// A currency type that is not a one-time witness.
    struct Token has drop {}

    #[test]
    fun create_currency_returns_treasury_and_metadata() {
        let scenario = ts::begin(@0xA);
        let (treasury, metadata) = coin::create_currency(
            COIN_TESTS {}, 6, b"TST", b"Test", b"A test coin",
            option::some(url::new_unsafe_from_bytes(b"https://example.com/tst.png")), ts::ctx(&mut scenario),
        );
        assert!(coin::get_icon_url(&metadata) == option::some(url::new_unsafe_from_bytes(b"https://example.com/tst.png")), 5);
        coin::update_icon_url(&treasury, &mut metadata, ascii::string(b"https://example.com/new.png"));
        let icon = option::destroy_some(coin::get_icon_url(&metadata));
        assert!(url::inner_url(&icon) == ascii::string(b"https://example.com/new.png"), 6);
        coin::update_name(&treasury, &mut metadata, string::utf8(b"Renamed"));
        coin::update_symbol(&treasury, &mut metadata, ascii::string(b"RNM"));
        assert!(coin::get_name(&metadata) == string::utf8(b"Renamed"), 7);
        assert!(coin::get_symbol(&metadata) == ascii::string(b"RNM"), 8);
        assert!(coin::get_decimals(&metadata) == 6, 0);
        coin::update_description(&treasury, &mut metadata, string::utf8(b"changed"));
        assert!(coin::get_description(&metadata) == string::utf8(b"changed"), 3);
        assert!(coin::total_supply(&treasury) == 0, 4);
        transfer::public_freeze_object(metadata);
        transfer::public_transfer(treasury, @0xA);
        ts::end(scenario);
    }

    #[test]
    fun mint_and_burn_track_total_supply() {
        let scenario = ts::begin(@0xA);
        let cap = coin::create_treasury_cap_for_testing<Token>(ts::ctx(&mut scenario));
        let c = coin::mint(&mut cap, 100, ts::ctx(&mut scenario));
        let b = coin::mint_balance(&mut cap, 50);
        assert!(coin::total_supply(&cap) == 150, 0);
        assert!(coin::burn(&mut cap, c) == 100, 1);
        assert!(balance::decrease_supply(coin::supply_mut(&mut cap), b) == 50, 2);
        assert!(balance::supply_value(coin::supply_immut(&cap)) == 0, 3);
        coin::mint_and_transfer(&mut cap, 7, @0xB, ts::ctx(&mut scenario));
        let supply = coin::treasury_into_supply(cap);
        assert!(balance::supply_value(&supply) == 7, 4);
        // A `Supply` cannot be dropped; keep it in an object.
        transfer::public_transfer(test_objects::stash(supply, ts::ctx(&mut scenario)), @0xA);
        ts::next_tx(&mut scenario, @0xB);
        let minted = ts::take_from_sender<Coin<Token>>(&scenario);
        assert!(coin::value(&minted) == 7, 5);
        ts::return_to_sender(&scenario, minted);
        ts::end(scenario);
    }

    #[test]
    fun split_and_join_move_value_between_coins() {
        let scenario = ts::begin(@0xA);
        let c = coin::mint_for_testing<Token>(100, ts::ctx(&mut scenario));
        let part = coin::split(&mut c, 30, ts::ctx(&mut scenario));
        assert!(coin::value(&c) == 70 && coin::value(&part) == 30, 0);
        coin::join(&mut c, part);
        assert!(coin::value(&c) == 100, 1);
        let b = coin::balance_mut(&mut c);
        let taken = coin::take(b, 40, ts::ctx(&mut scenario));
        assert!(balance::value(coin::balance(&c)) == 60, 2);
        coin::put(coin::balance_mut(&mut c), taken);
        assert!(coin::burn_for_testing(c) == 100, 3);
        ts::end(scenario);
    }

    #[test]
    fun divide_into_n_leaves_remainder_in_original() {
        let scenario = ts::begin(@0xA);
        let c = coin::mint_for_testing<Token>(10, ts::ctx(&mut scenario));
        let parts = coin::divide_into_n(&mut c, 3, ts::ctx(&mut scenario));
        assert!(vector::length(&parts) == 2, 0);
        assert!(coin::value(vector::borrow(&parts, 0)) == 3, 1);
        assert!(coin::value(&c) == 4, 2);
        while (!vector::is_empty(&parts)) {
            coin::join(&mut c, vector::pop_back(&mut parts));
        };
        vector::destroy_empty(parts);
        assert!(coin::value(&c) == 10, 3);
        coin::burn_for_testing(c);
        ts::end(scenario);
    }

    #[test]
    fun zero_coin_can_be_destroyed() {
        let scenario = ts::begin(@0xA);
        let c = coin::zero<Token>(ts::ctx(&mut scenario));
        assert!(coin::value(&c) == 0, 0);
        coin::destroy_zero(c);
        ts::end(scenario);
    }

    #[test]
    fun balance_split_join_and_withdraw_all() {
        let b = balance::create_for_testing<Token>(10);
        let part = balance::split(&mut b, 4);
        assert!(balance::join(&mut b, part) == 10, 0);
        let all = balance::withdraw_all(&mut b);
        assert!(balance::value(&b) == 0 && balance::value(&all) == 10, 1);
        balance::destroy_zero(b);
        assert!(balance::destroy_for_testing(all) == 10, 2);
        balance::destroy_zero(balance::zero<Token>());
    }

    #[test]
    fun gas_coin_mints_for_tests() {
        let scenario = ts::begin(@0xA);
        let c = sui::mint_for_testing(2 * sui::mist_per_sui(), ts::ctx(&mut scenario));
        assert!(coin::value(&c) == 2000000000, 0);
        sui::transfer(c, @0xB);
        ts::next_tx(&mut scenario, @0xB);
        let c = ts::take_from_sender<Coin<SUI>>(&scenario);
        assert!(coin::value(&c) == 2000000000, 1);
        ts::return_to_sender(&scenario, c);
        ts::end(scenario);
    }

    #[test]
    #[expected_failure(abort_code = coin::EBadWitness)]
    fun create_currency_without_one_time_witness_fails() {
        let scenario = ts::begin(@0xA);
        let (treasury, metadata) = coin::create_currency(
            Token {}, 6, b"TST", b"Test", b"", option::none(), ts::ctx(&mut scenario),
        );
        transfer::public_transfer(treasury, @0xA);
        transfer::public_transfer(metadata, @0xA);
        abort 42
    }

    #[test]
    #[expected_failure(abort_code = balance::ENotEnough)]
    fun splitting_more_than_value_fails() {
        let scenario = ts::begin(@0xA);
        let c = coin::mint_for_testing<Token>(5, ts::ctx(&mut scenario));
        let part = coin::split(&mut c, 6, ts::ctx(&mut scenario));
        coin::burn_for_testing(part);
        abort 42
    }

    #[test]
    #[expected_failure(abort_code = balance::ENonZero)]
    fun destroying_non_zero_coin_fails() {
        let scenario = ts::begin(@0xA);
        coin::destroy_zero(coin::mint_for_testing<Token>(1, ts::ctx(&mut scenario)));
        abort 42
    }

    #[test]
    #[expected_failure(abort_code = coin::EInvalidArg)]
    fun dividing_into_zero_parts_fails() {
        let scenario = ts::begin(@0xA);
        let c = coin::mint_for_testing<Token>(5, ts::ctx(&mut scenario));
        let parts = coin::divide_into_n(&mut c, 0, ts::ctx(&mut scenario));
        vector::destroy_empty(parts);
        abort 42
    }

    #[test]
    #[expected_failure(abort_code = balance::EOverflow)]
    fun minting_past_u64_max_fails() {
        let supply = balance::create_supply_for_testing<Token>();
        let a = balance::increase_supply(&mut supply, 18446744073709551615);
        let b = balance::increase_supply(&mut supply, 1);
        balance::destroy_for_testing(a);
        balance::destroy_for_testing(b);
        abort 42
    }
}
