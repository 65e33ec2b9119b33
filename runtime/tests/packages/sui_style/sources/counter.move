/// A shared counter anyone can bump, in the Move 2020 syntax a Sui package of that time used.
module sui_style::counter {
    use sui::object::{Self, UID};
    use sui::transfer;
    use sui::tx_context::{Self, TxContext};

    /// Only the owner may reset the counter.
    const ENotOwner: u64 = 0;

    /// A counter shared with everyone.
    struct Counter has key {
        id: UID,
        /// Who created it.
        owner: address,
        value: u64,
    }

    /// Shares a new counter at zero.
    public entry fun create(ctx: &mut TxContext) {
        transfer::share_object(Counter { id: object::new(ctx), owner: tx_context::sender(ctx), value: 0 })
    }

    /// Adds one.
    public entry fun increment(counter: &mut Counter) {
        counter.value = counter.value + 1;
    }

    /// Sets the counter to `value`; owner only.
    public entry fun set_value(counter: &mut Counter, value: u64, ctx: &TxContext) {
        assert!(counter.owner == tx_context::sender(ctx), ENotOwner);
        counter.value = value;
    }

    /// The current value.
    public fun value(counter: &Counter): u64 {
        counter.value
    }
}
