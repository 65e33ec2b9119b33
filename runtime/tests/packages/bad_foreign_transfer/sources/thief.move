/// Transfers a type it does not define with the private `transfer::transfer`.
module bad::thief {
    use movid::coin::Coin;
    use movid::sui::SUI;
    use movid::transfer;

    public entry fun send(c: Coin<SUI>, recipient: address) {
        transfer::transfer(c, recipient)
    }
}
