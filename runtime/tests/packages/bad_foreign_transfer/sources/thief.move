/// Transfers a type it does not define with the private `transfer::transfer`.
module bad::thief {
    use movid::coin::Coin;
    use movid::movid::MOVID;
    use movid::transfer;

    public entry fun send(c: Coin<MOVID>, recipient: address) {
        transfer::transfer(c, recipient)
    }
}
