/// An entry function whose TxContext is not its last parameter.
module bad::entry {
    use movid::tx_context::TxContext;

    public entry fun set(_ctx: &mut TxContext, _value: u64) {}
}
