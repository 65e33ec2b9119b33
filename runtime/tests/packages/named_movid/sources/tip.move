/// Names the framework `movid`, as packages written before the rename do, and mixes in the
/// `sui` name: both are 0x2, so the types are the same.
module named_movid::tip {
    use movid::coin::{Self, Coin};
    use movid::sui::SUI;
    use movid::transfer;
    use movid::tx_context::TxContext;

    /// Sends `amount` MIST of `c` to `recipient`.
    public entry fun tip(c: &mut Coin<SUI>, amount: u64, recipient: address, ctx: &mut TxContext) {
        transfer::public_transfer(coin::split(c, amount, ctx), recipient)
    }

    /// The same through the other name: a `movid::coin::Coin<movid::sui::SUI>` is a
    /// `sui::coin::Coin<sui::sui::SUI>`.
    public entry fun tip_by_the_sui_name(c: &mut sui::coin::Coin<sui::sui::SUI>, amount: u64, recipient: address, ctx: &mut TxContext) {
        tip(c, amount, recipient, ctx)
    }
}
