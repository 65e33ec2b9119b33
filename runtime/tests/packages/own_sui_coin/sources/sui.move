/// An attacker's own `sui::SUI`: a module named `sui` at the package's own address, with a
/// currency called SUI, 9 decimals, and 10^6 of it minted to the publisher, more than any real
/// gas coin holds (so coin selection by size would pick it first). Its type is
/// `<package>::sui::SUI`, not `0x2::sui::SUI`, so it must never pay for gas.
module own_sui_coin::sui {
    use std::option;
    use sui::coin;
    use sui::transfer;
    use sui::tx_context::{Self, TxContext};

    /// The look-alike currency.
    struct SUI has drop {}

    fun init(witness: SUI, ctx: &mut TxContext) {
        let (treasury, metadata) = coin::create_currency(witness, 9, b"SUI", b"Sui", b"", option::none(), ctx);
        transfer::public_freeze_object(metadata);
        coin::mint_and_transfer(&mut treasury, 1000000000000000, tx_context::sender(ctx), ctx);
        transfer::public_transfer(treasury, tx_context::sender(ctx));
    }
}
