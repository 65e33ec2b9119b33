/// An escrow market for `Item`s priced in GEM.
///
/// A seller lists an item: the item goes into a `Listing` as a dynamic
/// object field, and the listing into the shared `Market`'s `ObjectTable`.
/// Until the listing expires (by the shared `Clock`), anyone can buy it for
/// exactly its price; the payment waits in the market's `Bag` of proceeds,
/// under the seller's address, until the seller withdraws it. The seller can
/// take an unsold item back at any time.
///
/// `init` claims the package's `Publisher` and with it creates the
/// `Display<Item>` wallets use. A `Vault` is an object others can send items
/// and coins to (transfer to its address); its owner receives them.
module escrow::market {
    use std::string::{Self, String};
    use sui::bag::{Self, Bag};
    use sui::balance::{Self, Balance};
    use sui::clock::{Self, Clock};
    use sui::coin::{Self, Coin};
    use sui::display;
    use sui::dynamic_object_field as dof;
    use sui::event;
    use sui::object::{Self, ID, UID};
    use sui::object_table::{Self, ObjectTable};
    use sui::package;
    use sui::transfer::{Self, Receiving};
    use sui::tx_context::{Self, TxContext};
    use escrow::gem::GEM;

    /// The listing's time is up.
    const EListingExpired: u64 = 1;
    /// The payment is not the listing's price.
    const EWrongPrice: u64 = 2;
    /// Only the seller may do this.
    const ENotSeller: u64 = 3;
    /// The caller has no proceeds to withdraw.
    const ENoProceeds: u64 = 4;
    /// Only the vault's owner may do this.
    const ENotVaultOwner: u64 = 5;
    /// A listing must last at least a millisecond.
    const EZeroDuration: u64 = 6;

    /// The one-time witness.
    struct MARKET has drop {}

    /// The shared market.
    struct Market has key {
        id: UID,
        /// Listing ID -> listing (each holding its item).
        listings: ObjectTable<ID, Listing>,
        /// Seller address -> `Balance<GEM>` not yet withdrawn.
        proceeds: Bag,
    }

    /// Something to trade.
    struct Item has key, store {
        id: UID,
        name: String,
        power: u64,
    }

    /// An item for sale. The item is the dynamic object field `ItemKey {}`.
    struct Listing has key, store {
        id: UID,
        seller: address,
        price: u64,
        /// Clock time (ms) from which the listing can no longer be bought.
        expires_at_ms: u64,
    }

    /// The name of a listing's item field.
    struct ItemKey has copy, drop, store {}

    /// A box others can send objects to.
    struct Vault has key {
        id: UID,
        owner: address,
    }

    /// Emitted when an item is listed.
    struct Listed has copy, drop {
        listing: ID,
        item: ID,
        seller: address,
        price: u64,
        expires_at_ms: u64,
    }

    /// Emitted when a listing is bought.
    struct Sold has copy, drop {
        listing: ID,
        item: ID,
        buyer: address,
        price: u64,
    }

    fun init(otw: MARKET, ctx: &mut TxContext) {
        let publisher = package::claim(otw, ctx);
        let d = display::new_with_fields<Item>(
            &publisher,
            vector[string::utf8(b"name"), string::utf8(b"description")],
            vector[string::utf8(b"{name}"), string::utf8(b"An item of power {power}")],
            ctx,
        );
        display::update_version(&mut d);
        transfer::public_transfer(d, tx_context::sender(ctx));
        transfer::public_transfer(publisher, tx_context::sender(ctx));
        transfer::share_object(Market {
            id: object::new(ctx),
            listings: object_table::new(ctx),
            proceeds: bag::new(ctx),
        });
    }

    // === Items ===

    /// Make an item and send it to the sender.
    public entry fun mint(name: String, power: u64, ctx: &mut TxContext) {
        transfer::public_transfer(Item { id: object::new(ctx), name, power }, tx_context::sender(ctx))
    }

    /// An item's name.
    public fun name(item: &Item): String { item.name }

    /// An item's power.
    public fun power(item: &Item): u64 { item.power }

    // === Trading ===

    /// List `item` for `price` GEM for `duration_ms` from now. Returns the
    /// listing's ID. Aborts with `EZeroDuration`.
    public fun list(
        market: &mut Market,
        item: Item,
        price: u64,
        duration_ms: u64,
        clock: &Clock,
        ctx: &mut TxContext,
    ): ID {
        assert!(duration_ms > 0, EZeroDuration);
        let listing = Listing {
            id: object::new(ctx),
            seller: tx_context::sender(ctx),
            price,
            expires_at_ms: clock::timestamp_ms(clock) + duration_ms,
        };
        let listing_id = object::id(&listing);
        event::emit(Listed {
            listing: listing_id,
            item: object::id(&item),
            seller: listing.seller,
            price,
            expires_at_ms: listing.expires_at_ms,
        });
        dof::add(&mut listing.id, ItemKey {}, item);
        object_table::add(&mut market.listings, listing_id, listing);
        listing_id
    }

    /// `list` as an entry function.
    public entry fun list_item(
        market: &mut Market,
        item: Item,
        price: u64,
        duration_ms: u64,
        clock: &Clock,
        ctx: &mut TxContext,
    ) {
        list(market, item, price, duration_ms, clock, ctx);
    }

    /// Buy listing `listing_id` with `payment`. Aborts with `EListingExpired`
    /// once the clock reaches the expiry, `EWrongPrice` unless `payment` is
    /// exactly the price, and (in `object_table`) if there is no such listing.
    public fun buy(
        market: &mut Market,
        listing_id: ID,
        payment: Coin<GEM>,
        clock: &Clock,
        ctx: &mut TxContext,
    ): Item {
        let listing = object_table::borrow(&market.listings, listing_id);
        assert!(clock::timestamp_ms(clock) < listing.expires_at_ms, EListingExpired);
        assert!(coin::value(&payment) == listing.price, EWrongPrice);
        let Listing { id, seller, price, expires_at_ms: _ } = object_table::remove(&mut market.listings, listing_id);
        let item: Item = dof::remove(&mut id, ItemKey {});
        object::delete(id);
        let paid = coin::into_balance(payment);
        if (bag::contains(&market.proceeds, seller)) {
            balance::join(bag::borrow_mut<address, Balance<GEM>>(&mut market.proceeds, seller), paid);
        } else {
            bag::add(&mut market.proceeds, seller, paid);
        };
        event::emit(Sold { listing: listing_id, item: object::id(&item), buyer: tx_context::sender(ctx), price });
        item
    }

    /// `buy`, keeping the item.
    public entry fun buy_and_keep(
        market: &mut Market,
        listing_id: ID,
        payment: Coin<GEM>,
        clock: &Clock,
        ctx: &mut TxContext,
    ) {
        let item = buy(market, listing_id, payment, clock, ctx);
        transfer::public_transfer(item, tx_context::sender(ctx))
    }

    /// Take an unsold item back. Aborts with `ENotSeller` unless the sender
    /// listed it.
    public fun cancel(market: &mut Market, listing_id: ID, ctx: &TxContext): Item {
        let seller = object_table::borrow(&market.listings, listing_id).seller;
        assert!(seller == tx_context::sender(ctx), ENotSeller);
        let Listing { id, seller: _, price: _, expires_at_ms: _ } = object_table::remove(&mut market.listings, listing_id);
        let item = dof::remove(&mut id, ItemKey {});
        object::delete(id);
        item
    }

    /// `cancel`, keeping the item.
    public entry fun cancel_and_keep(market: &mut Market, listing_id: ID, ctx: &TxContext) {
        transfer::public_transfer(cancel(market, listing_id, ctx), tx_context::sender(ctx))
    }

    /// Withdraw the sender's proceeds. Aborts with `ENoProceeds`.
    public fun withdraw(market: &mut Market, ctx: &mut TxContext): Coin<GEM> {
        let seller = tx_context::sender(ctx);
        assert!(bag::contains(&market.proceeds, seller), ENoProceeds);
        let b: Balance<GEM> = bag::remove(&mut market.proceeds, seller);
        coin::from_balance(b, ctx)
    }

    /// `withdraw`, keeping the coin.
    public entry fun withdraw_and_keep(market: &mut Market, ctx: &mut TxContext) {
        let c = withdraw(market, ctx);
        transfer::public_transfer(c, tx_context::sender(ctx))
    }

    /// The number of open listings.
    public fun listing_count(market: &Market): u64 {
        object_table::length(&market.listings)
    }

    /// A listing's price and expiry.
    public fun listing_terms(market: &Market, listing_id: ID): (u64, u64) {
        let l = object_table::borrow(&market.listings, listing_id);
        (l.price, l.expires_at_ms)
    }

    /// The proceeds waiting for `seller`.
    public fun proceeds_of(market: &Market, seller: address): u64 {
        if (bag::contains(&market.proceeds, seller)) {
            balance::value(bag::borrow<address, Balance<GEM>>(&market.proceeds, seller))
        } else {
            0
        }
    }

    // === Vaults ===

    /// Create a vault owned by the sender.
    public entry fun create_vault(ctx: &mut TxContext) {
        let owner = tx_context::sender(ctx);
        transfer::transfer(Vault { id: object::new(ctx), owner }, owner)
    }

    /// Receive an object sent to the vault. Aborts with `ENotVaultOwner`.
    public fun take_from_vault<T: key + store>(vault: &mut Vault, ticket: Receiving<T>, ctx: &TxContext): T {
        assert!(vault.owner == tx_context::sender(ctx), ENotVaultOwner);
        transfer::public_receive(&mut vault.id, ticket)
    }

    /// `take_from_vault`, keeping the object.
    public entry fun take_item_from_vault(vault: &mut Vault, ticket: Receiving<Item>, ctx: &TxContext) {
        let item = take_from_vault(vault, ticket, ctx);
        transfer::public_transfer(item, tx_context::sender(ctx))
    }

    // === Test-only ===

    #[test_only]
    /// Runs `init` in a test.
    public fun init_for_testing(ctx: &mut TxContext) {
        init(MARKET {}, ctx)
    }

    #[test_only]
    /// Destroys an item in a test.
    public fun destroy_item_for_testing(item: Item) {
        let Item { id, name: _, power: _ } = item;
        object::delete(id)
    }
}
