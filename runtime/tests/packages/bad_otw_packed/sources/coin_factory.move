/// Creates its own one-time witness, so it could mint as many as it likes.
module bad::coin_factory {
    use movid::tx_context::TxContext;

    struct COIN_FACTORY has drop {}

    fun init(_witness: COIN_FACTORY, _ctx: &mut TxContext) {}

    public fun forge(): COIN_FACTORY {
        COIN_FACTORY {}
    }
}
