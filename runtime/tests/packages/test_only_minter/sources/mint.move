/// Mints gas with the framework's test-only minter. It compiles only in test mode, where
/// `coin::mint_for_testing` exists; the framework on chain is built without it, so a package
/// compiled this way must not link.
module test_only_minter::mint {
    use sui::coin;
    use sui::sui::SUI;
    use sui::transfer;
    use sui::tx_context::{Self, TxContext};

    /// Sends the caller `value` MIST minted from nothing.
    public entry fun mint(value: u64, ctx: &mut TxContext) {
        transfer::public_transfer(coin::mint_for_testing<SUI>(value, ctx), tx_context::sender(ctx))
    }
}
