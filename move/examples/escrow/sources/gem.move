/// GEM, the market's own currency. `init` creates it with an icon, freezes
/// its metadata and gives the `TreasuryCap` to the publisher.
module escrow::gem {
    use std::option;
    use sui::coin::{Self, TreasuryCap};
    use sui::transfer;
    use sui::tx_context::{Self, TxContext};
    use sui::url;

    /// The one-time witness and the coin type.
    struct GEM has drop {}

    fun init(witness: GEM, ctx: &mut TxContext) {
        let (treasury, metadata) = coin::create_currency(
            witness,
            2,
            b"GEM",
            b"Gem",
            b"The escrow market's currency",
            option::some(url::new_unsafe_from_bytes(b"https://example.com/gem.png")),
            ctx,
        );
        transfer::public_freeze_object(metadata);
        transfer::public_transfer(treasury, tx_context::sender(ctx));
    }

    /// Mint `amount` GEM to `recipient`.
    public entry fun mint(treasury: &mut TreasuryCap<GEM>, amount: u64, recipient: address, ctx: &mut TxContext) {
        coin::mint_and_transfer(treasury, amount, recipient, ctx)
    }

    #[test_only]
    /// Runs `init` in a test, with a one-time witness made by `test_utils`.
    public fun init_for_testing(ctx: &mut TxContext) {
        init(sui::test_utils::create_one_time_witness<GEM>(), ctx)
    }
}
