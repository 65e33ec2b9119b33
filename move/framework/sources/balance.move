/// Fungible amounts of a currency `T`, without object identity.
///
/// A `Balance<T>` can only be created from its `Supply<T>` (by minting) or by
/// splitting another balance, and only destroyed by joining it into another
/// balance, burning it into the supply, or when it is zero; so the total of
/// all balances of `T` always equals the supply. `coin::Coin<T>` wraps a
/// balance into a transferable object.
module sui::balance {
    /// `destroy_zero` was called on a balance that is not zero.
    const ENonZero: u64 = 0;
    /// The supply would exceed `u64::MAX`, or burning would take it below zero.
    const EOverflow: u64 = 1;
    /// `split` asked for more than the balance holds.
    const ENotEnough: u64 = 2;

    /// The largest `u64`.
    const MAX_U64: u64 = 18446744073709551615;

    /// The total amount of `T` in existence. Whoever holds it can mint and burn.
    struct Supply<phantom T> has store {
        value: u64,
    }

    /// An amount of `T`.
    struct Balance<phantom T> has store {
        value: u64,
    }

    /// The amount held by a balance.
    public fun value<T>(self: &Balance<T>): u64 {
        self.value
    }

    /// The total amount of `T` in existence.
    public fun supply_value<T>(supply: &Supply<T>): u64 {
        supply.value
    }

    /// Create the supply of `T`. Taking a `T` by value limits this to the
    /// module that defines `T`; `coin::create_currency` also requires it to be
    /// a one-time witness, so there is one supply per currency.
    public fun create_supply<T: drop>(_: T): Supply<T> {
        Supply { value: 0 }
    }

    /// Mint `value` new units. Aborts with `EOverflow` if the supply would
    /// exceed `u64::MAX`.
    public fun increase_supply<T>(self: &mut Supply<T>, value: u64): Balance<T> {
        assert!(value <= MAX_U64 - self.value, EOverflow);
        self.value = self.value + value;
        Balance { value }
    }

    /// Burn `balance` and return how much was burned.
    public fun decrease_supply<T>(self: &mut Supply<T>, balance: Balance<T>): u64 {
        let Balance { value } = balance;
        assert!(self.value >= value, EOverflow);
        self.value = self.value - value;
        value
    }

    /// A balance of zero.
    public fun zero<T>(): Balance<T> {
        Balance { value: 0 }
    }

    /// Add `balance` into `self`; return the new value of `self`.
    public fun join<T>(self: &mut Balance<T>, balance: Balance<T>): u64 {
        let Balance { value } = balance;
        self.value = self.value + value;
        self.value
    }

    /// Take `value` out of `self` as a new balance. Aborts with `ENotEnough`.
    public fun split<T>(self: &mut Balance<T>, value: u64): Balance<T> {
        assert!(self.value >= value, ENotEnough);
        self.value = self.value - value;
        Balance { value }
    }

    /// Take everything out of `self`, leaving it at zero.
    public fun withdraw_all<T>(self: &mut Balance<T>): Balance<T> {
        let value = self.value;
        split(self, value)
    }

    /// Destroy a zero balance. Aborts with `ENonZero` otherwise.
    public fun destroy_zero<T>(balance: Balance<T>) {
        let Balance { value } = balance;
        assert!(value == 0, ENonZero);
    }

    // === Test-only ===

    #[test_only]
    /// Create a balance out of nothing (no supply changes).
    public fun create_for_testing<T>(value: u64): Balance<T> {
        Balance { value }
    }

    #[test_only]
    /// Destroy any balance; return its value.
    public fun destroy_for_testing<T>(self: Balance<T>): u64 {
        let Balance { value } = self;
        value
    }

    #[test_only]
    /// A supply for any `T`, without a witness.
    public fun create_supply_for_testing<T>(): Supply<T> {
        Supply { value: 0 }
    }
}
