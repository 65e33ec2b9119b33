/// Names the framework `sui`, as a package written for Sui does: splits a tip off a gas coin.
module named_sui::tip {
    use sui::coin::{Self, Coin};
    use sui::sui::SUI;
    use sui::transfer;
    use sui::tx_context::TxContext;

    /// Sends `amount` MIST of `c` to `recipient`.
    public entry fun tip(c: &mut Coin<SUI>, amount: u64, recipient: address, ctx: &mut TxContext) {
        transfer::public_transfer(coin::split(c, amount, ctx), recipient)
    }
}
