/// Calls its own init again, so what init creates could be created twice.
module bad::setup {
    use movid::object::{Self, UID};
    use movid::transfer;
    use movid::tx_context::{Self, TxContext};

    struct AdminCap has key {
        id: UID,
    }

    fun init(ctx: &mut TxContext) {
        transfer::transfer(AdminCap { id: object::new(ctx) }, tx_context::sender(ctx))
    }

    public entry fun mint_another_admin(ctx: &mut TxContext) {
        init(ctx)
    }
}
