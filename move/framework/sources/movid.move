/// The gas coin: `Coin<MOVID>` pays for transactions. 1 MOVID is 10^9 base
/// units; all amounts on chain are in base units.
///
/// The runtime mints the gas coins at genesis itself, so this module has no
/// `init` and no treasury exists.
module movid::movid {
    use movid::coin::Coin;
    use movid::transfer;
    #[test_only]
    use movid::coin;
    #[test_only]
    use movid::tx_context::TxContext;

    /// Base units in one MOVID.
    const BASE_UNITS_PER_MOVID: u64 = 1000000000;

    /// The gas currency, and its one-time witness.
    struct MOVID has drop {}

    /// Send a gas coin to `recipient`.
    public entry fun transfer(c: Coin<MOVID>, recipient: address) {
        transfer::public_transfer(c, recipient)
    }

    /// Base units in one MOVID (10^9).
    public fun base_units_per_movid(): u64 {
        BASE_UNITS_PER_MOVID
    }

    #[test_only]
    /// A gas coin of `value` base units, for tests.
    public fun mint_for_testing(value: u64, ctx: &mut TxContext): Coin<MOVID> {
        coin::mint_for_testing<MOVID>(value, ctx)
    }
}
