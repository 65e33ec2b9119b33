/// The gas coin: `Coin<SUI>` pays for transactions, as on Sui. Amounts on
/// chain are in MIST: 1 SUI is 10^9 MIST (9 decimals).
///
/// The runtime mints the gas coins at genesis itself, so this module has no
/// `init`, no treasury and no `CoinMetadata` exists: nobody can mint SUI after
/// genesis, and no package can pack a `SUI` to create one.
module sui::sui {
    use sui::coin::Coin;
    use sui::transfer;
    #[test_only]
    use sui::coin;
    #[test_only]
    use sui::tx_context::TxContext;

    /// MIST in one SUI.
    const MIST_PER_SUI: u64 = 1000000000;

    /// The gas currency.
    struct SUI has drop {}

    /// Send a gas coin to `recipient`.
    public entry fun transfer(c: Coin<SUI>, recipient: address) {
        transfer::public_transfer(c, recipient)
    }

    /// MIST in one SUI (10^9): the gas coin's 9 decimals.
    public fun mist_per_sui(): u64 {
        MIST_PER_SUI
    }

    #[test_only]
    /// A gas coin of `value` MIST, for tests.
    public fun mint_for_testing(value: u64, ctx: &mut TxContext): Coin<SUI> {
        coin::mint_for_testing<SUI>(value, ctx)
    }
}
