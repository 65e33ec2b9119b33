#[test_only]
module escrow::market_tests {
    use std::string;
    use sui::clock::{Self, Clock};
    use sui::coin::{Self, Coin, CoinMetadata, TreasuryCap};
    use sui::display::{Self, Display};
    use sui::event;
    use sui::object::{Self, ID};
    use sui::package::{Self, Publisher};
    use sui::test_scenario::{Self as ts, Scenario};
    use sui::test_utils::{assert_eq, destroy};
    use sui::transfer;
    use escrow::gem::{Self, GEM};
    use escrow::market::{Self, Item, Market, Vault};

    const PUBLISHER: address = @0xA;
    const SELLER: address = @0x5E11;
    const BUYER: address = @0xB0B;

    /// Publishes the package (both `init`s) and gives the buyer 1000 GEM and
    /// the seller an item. Returns the scenario, a clock, the market's ID.
    fun setup(): (Scenario, Clock, ID) {
        let scenario = ts::begin(PUBLISHER);
        gem::init_for_testing(ts::ctx(&mut scenario));
        market::init_for_testing(ts::ctx(&mut scenario));
        let clock = clock::create_for_testing(ts::ctx(&mut scenario));
        let effects = ts::next_tx(&mut scenario, PUBLISHER);
        let shared = ts::shared(&effects);
        assert_eq(std::vector::length(&shared), 1);
        let market_id = *std::vector::borrow(&shared, 0);
        let treasury = ts::take_from_sender<TreasuryCap<GEM>>(&scenario);
        gem::mint(&mut treasury, 1000, BUYER, ts::ctx(&mut scenario));
        ts::return_to_sender(&scenario, treasury);
        ts::next_tx(&mut scenario, SELLER);
        market::mint(string::utf8(b"Sword"), 9, ts::ctx(&mut scenario));
        ts::next_tx(&mut scenario, SELLER);
        (scenario, clock, market_id)
    }

    /// The seller lists their item for `price` for 1000 ms; returns the listing ID.
    fun list(scenario: &mut Scenario, clock: &Clock, market_id: ID, price: u64): ID {
        let m = ts::take_shared_by_id<Market>(scenario, market_id);
        let item = ts::take_from_sender<Item>(scenario);
        let listing = market::list(&mut m, item, price, 1000, clock, ts::ctx(scenario));
        ts::return_shared(m);
        listing
    }

    fun finish(scenario: Scenario, clock: Clock) {
        clock::destroy_for_testing(clock);
        ts::end(scenario);
    }

    #[test]
    fun init_creates_the_currency_display_and_market() {
        let (scenario, clock, _) = setup();
        let metadata = ts::take_immutable<CoinMetadata<GEM>>(&scenario);
        assert_eq(coin::get_decimals(&metadata), 2);
        assert!(std::option::is_some(&coin::get_icon_url(&metadata)), 0);
        ts::return_immutable(metadata);
        let d = ts::take_from_address<Display<Item>>(&scenario, PUBLISHER);
        assert_eq(display::version(&d), 1);
        ts::return_to_address(PUBLISHER, d);
        let publisher = ts::take_from_address<Publisher>(&scenario, PUBLISHER);
        assert!(package::from_package<Item>(&publisher), 1);
        ts::return_to_address(PUBLISHER, publisher);
        finish(scenario, clock);
    }

    #[test]
    fun a_sale_moves_the_item_to_the_buyer_and_the_gem_to_the_seller() {
        let (scenario, clock, market_id) = setup();
        let listing = list(&mut scenario, &clock, market_id, 300);
        assert_eq(event::num_events(), 1);
        ts::next_tx(&mut scenario, BUYER);
        let m = ts::take_shared_by_id<Market>(&scenario, market_id);
        let wallet = ts::take_from_sender<Coin<GEM>>(&scenario);
        let payment = coin::split(&mut wallet, 300, ts::ctx(&mut scenario));
        clock::increment_for_testing(&mut clock, 999);
        let item = market::buy(&mut m, listing, payment, &clock, ts::ctx(&mut scenario));
        assert_eq(market::name(&item), string::utf8(b"Sword"));
        assert_eq(market::listing_count(&m), 0);
        assert_eq(market::proceeds_of(&m, SELLER), 300);
        transfer::public_transfer(item, BUYER);
        ts::return_to_sender(&scenario, wallet);
        ts::return_shared(m);

        ts::next_tx(&mut scenario, SELLER);
        let m = ts::take_shared_by_id<Market>(&scenario, market_id);
        let proceeds = market::withdraw(&mut m, ts::ctx(&mut scenario));
        assert_eq(coin::value(&proceeds), 300);
        assert_eq(market::proceeds_of(&m, SELLER), 0);
        destroy(proceeds);
        ts::return_shared(m);

        ts::next_tx(&mut scenario, BUYER);
        let item = ts::take_from_sender<Item>(&scenario);
        assert_eq(market::power(&item), 9);
        let wallet = ts::take_from_sender<Coin<GEM>>(&scenario);
        assert_eq(coin::value(&wallet), 700);
        ts::return_to_sender(&scenario, wallet);
        market::destroy_item_for_testing(item);
        finish(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = market::EListingExpired)]
    fun an_expired_listing_cannot_be_bought() {
        let (scenario, clock, market_id) = setup();
        let listing = list(&mut scenario, &clock, market_id, 300);
        ts::next_tx(&mut scenario, BUYER);
        let m = ts::take_shared_by_id<Market>(&scenario, market_id);
        let payment = ts::take_from_sender<Coin<GEM>>(&scenario);
        clock::increment_for_testing(&mut clock, 1000);
        let item = market::buy(&mut m, listing, payment, &clock, ts::ctx(&mut scenario));
        destroy(item);
        abort 42
    }

    #[test]
    #[expected_failure(abort_code = market::EWrongPrice, location = escrow::market)]
    fun paying_the_wrong_price_fails() {
        let (scenario, clock, market_id) = setup();
        let listing = list(&mut scenario, &clock, market_id, 300);
        ts::next_tx(&mut scenario, BUYER);
        let m = ts::take_shared_by_id<Market>(&scenario, market_id);
        let payment = ts::take_from_sender<Coin<GEM>>(&scenario);
        let item = market::buy(&mut m, listing, payment, &clock, ts::ctx(&mut scenario));
        destroy(item);
        abort 42
    }

    #[test]
    #[expected_failure(abort_code = market::ENotSeller)]
    fun only_the_seller_can_cancel() {
        let (scenario, clock, market_id) = setup();
        let listing = list(&mut scenario, &clock, market_id, 300);
        ts::next_tx(&mut scenario, BUYER);
        let m = ts::take_shared_by_id<Market>(&scenario, market_id);
        let item = market::cancel(&mut m, listing, ts::ctx(&mut scenario));
        destroy(item);
        abort 42
    }

    #[test]
    fun the_seller_takes_an_unsold_item_back() {
        let (scenario, clock, market_id) = setup();
        let listing = list(&mut scenario, &clock, market_id, 300);
        ts::next_tx(&mut scenario, SELLER);
        let m = ts::take_shared_by_id<Market>(&scenario, market_id);
        market::cancel_and_keep(&mut m, listing, ts::ctx(&mut scenario));
        assert_eq(market::listing_count(&m), 0);
        ts::return_shared(m);
        ts::next_tx(&mut scenario, SELLER);
        assert!(ts::has_most_recent_for_sender<Item>(&scenario), 0);
        finish(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = market::ENoProceeds)]
    fun withdrawing_without_sales_fails() {
        let (scenario, clock, market_id) = setup();
        let m = ts::take_shared_by_id<Market>(&scenario, market_id);
        destroy(market::withdraw(&mut m, ts::ctx(&mut scenario)));
        abort 42
    }

    #[test]
    fun an_item_sent_to_a_vault_is_received_by_its_owner() {
        let (scenario, clock, _) = setup();
        market::create_vault(ts::ctx(&mut scenario));
        ts::next_tx(&mut scenario, SELLER);
        let vault = ts::take_from_sender<Vault>(&scenario);
        let vault_id = object::id(&vault);
        ts::return_to_sender(&scenario, vault);
        // The buyer sends 50 GEM to the seller's vault.
        ts::next_tx(&mut scenario, BUYER);
        let wallet = ts::take_from_sender<Coin<GEM>>(&scenario);
        let gift = coin::split(&mut wallet, 50, ts::ctx(&mut scenario));
        transfer::public_transfer(gift, object::id_to_address(&vault_id));
        ts::return_to_sender(&scenario, wallet);
        let effects = ts::next_tx(&mut scenario, SELLER);
        assert_eq(std::vector::length(&sui::vec_map::keys(&ts::transferred_to_object(&effects))), 1);
        let vault = ts::take_from_sender<Vault>(&scenario);
        let ticket = ts::receiving_ticket_for_most_recent_child_object<Coin<GEM>>(&vault_id);
        let got = market::take_from_vault(&mut vault, ticket, ts::ctx(&mut scenario));
        assert_eq(coin::value(&got), 50);
        destroy(got);
        ts::return_to_sender(&scenario, vault);
        finish(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = market::ENotVaultOwner)]
    fun only_the_owner_receives_from_a_vault() {
        let (scenario, clock, _) = setup();
        market::create_vault(ts::ctx(&mut scenario));
        ts::next_tx(&mut scenario, SELLER);
        let vault = ts::take_from_sender<Vault>(&scenario);
        let vault_id = object::id(&vault);
        let item = ts::take_from_sender<Item>(&scenario);
        transfer::public_transfer(item, object::id_to_address(&vault_id));
        ts::return_to_sender(&scenario, vault);
        // The buyer gets hold of the seller's vault (as a shared reference
        // would let them) but is not its owner.
        ts::next_tx(&mut scenario, BUYER);
        let vault = ts::take_from_address<Vault>(&scenario, SELLER);
        let ticket = ts::receiving_ticket_for_most_recent_child_object<Item>(&vault_id);
        destroy(market::take_from_vault(&mut vault, ticket, ts::ctx(&mut scenario)));
        abort 42
    }

    #[test]
    #[expected_failure(abort_code = display::ENotOwner, location = display)]
    fun another_packages_publisher_cannot_make_a_display_for_its_types() {
        let (scenario, clock, _) = setup();
        let publisher = ts::take_from_address<Publisher>(&scenario, PUBLISHER);
        // `Coin` is the framework's type, not this package's.
        let d = display::new<Coin<GEM>>(&publisher, ts::ctx(&mut scenario));
        destroy(d);
        abort 42
    }
}
