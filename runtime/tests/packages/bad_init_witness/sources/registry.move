/// An init whose first parameter is not the module's one-time witness.
module bad::registry {
    use movid::tx_context::TxContext;

    struct Token has drop {}

    fun init(_token: Token, _ctx: &mut TxContext) {}
}
