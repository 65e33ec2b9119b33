/// Coins: a `Balance<T>` wrapped in an object, so it can be owned, sent and
/// passed to transactions. A currency `T` is created once, with its one-time
/// witness, yielding the `TreasuryCap<T>` that mints and burns it and the
/// `CoinMetadata<T>` that describes it.
///
/// Differs from Sui: there are no regulated currencies (`create_regulated_currency`,
/// `DenyCap` and the deny list) and no coin registry.
module sui::coin {
    use std::ascii;
    use std::option::Option;
    use std::string;
    use std::vector;
    use sui::balance::{Self, Balance, Supply};
    use sui::object::{Self, UID};
    use sui::transfer;
    use sui::tx_context::TxContext;
    use sui::types;
    use sui::url::{Self, Url};

    /// `create_currency` was given a type that is not a one-time witness.
    const EBadWitness: u64 = 0;
    /// `divide_into_n` was asked for zero coins.
    const EInvalidArg: u64 = 1;
    /// `divide_into_n` was asked for more coins than the value to divide.
    const ENotEnough: u64 = 2;

    /// An amount of currency `T` as an object.
    struct Coin<phantom T> has key, store {
        id: UID,
        balance: Balance<T>,
    }

    /// Descriptive data about currency `T`, for wallets and explorers. Usually
    /// frozen right after `create_currency`.
    struct CoinMetadata<phantom T> has key, store {
        id: UID,
        /// Number of decimal places shown: a value of 7002 with 3 decimals
        /// displays as 7.002.
        decimals: u8,
        /// Name of the currency.
        name: string::String,
        /// Ticker symbol.
        symbol: ascii::String,
        /// What the currency is for.
        description: string::String,
        /// An image for the currency, if any.
        icon_url: Option<Url>,
    }

    /// The right to mint and burn `T`; there is exactly one per currency.
    struct TreasuryCap<phantom T> has key, store {
        id: UID,
        total_supply: Supply<T>,
    }

    // === Treasury ===

    /// The total amount of `T` in circulation.
    public fun total_supply<T>(cap: &TreasuryCap<T>): u64 {
        balance::supply_value(&cap.total_supply)
    }

    /// Give up the `TreasuryCap` for the bare `Supply`. Irreversible: a
    /// supply can never become a `TreasuryCap` again.
    public fun treasury_into_supply<T>(treasury: TreasuryCap<T>): Supply<T> {
        let TreasuryCap { id, total_supply } = treasury;
        object::delete(id);
        total_supply
    }

    /// The treasury's supply.
    public fun supply_immut<T>(treasury: &TreasuryCap<T>): &Supply<T> {
        &treasury.total_supply
    }

    /// The treasury's supply, mutably.
    public fun supply_mut<T>(treasury: &mut TreasuryCap<T>): &mut Supply<T> {
        &mut treasury.total_supply
    }

    // === Coin and Balance ===

    /// The value of a coin.
    public fun value<T>(self: &Coin<T>): u64 {
        balance::value(&self.balance)
    }

    /// The balance inside a coin.
    public fun balance<T>(coin: &Coin<T>): &Balance<T> {
        &coin.balance
    }

    /// The balance inside a coin, mutably.
    public fun balance_mut<T>(coin: &mut Coin<T>): &mut Balance<T> {
        &mut coin.balance
    }

    /// Wrap a balance into a new coin.
    public fun from_balance<T>(balance: Balance<T>, ctx: &mut TxContext): Coin<T> {
        Coin { id: object::new(ctx), balance }
    }

    /// Unwrap a coin into its balance, deleting the coin object.
    public fun into_balance<T>(coin: Coin<T>): Balance<T> {
        let Coin { id, balance } = coin;
        object::delete(id);
        balance
    }

    /// A new coin of `value` taken from `balance`. Aborts with
    /// `balance::ENotEnough`.
    public fun take<T>(balance: &mut Balance<T>, value: u64, ctx: &mut TxContext): Coin<T> {
        Coin { id: object::new(ctx), balance: balance::split(balance, value) }
    }

    /// Put the whole of `coin` into `balance`.
    public fun put<T>(balance: &mut Balance<T>, coin: Coin<T>) {
        balance::join(balance, into_balance(coin));
    }

    // === Holding coins ===

    /// Merge `c` into `self`.
    public entry fun join<T>(self: &mut Coin<T>, c: Coin<T>) {
        let Coin { id, balance } = c;
        object::delete(id);
        balance::join(&mut self.balance, balance);
    }

    /// A new coin of `split_amount` taken from `self`. Aborts with
    /// `balance::ENotEnough`.
    public fun split<T>(self: &mut Coin<T>, split_amount: u64, ctx: &mut TxContext): Coin<T> {
        take(&mut self.balance, split_amount, ctx)
    }

    /// Split `self` into `n` equal parts: returns `n - 1` new coins and keeps
    /// one part plus any remainder in `self`. Aborts with `EInvalidArg` if `n`
    /// is 0, `ENotEnough` if `n` exceeds the value.
    public fun divide_into_n<T>(self: &mut Coin<T>, n: u64, ctx: &mut TxContext): vector<Coin<T>> {
        assert!(n > 0, EInvalidArg);
        assert!(n <= value(self), ENotEnough);
        let coins = vector::empty<Coin<T>>();
        let split_amount = value(self) / n;
        let i = 0;
        while (i < n - 1) {
            vector::push_back(&mut coins, split(self, split_amount, ctx));
            i = i + 1;
        };
        coins
    }

    /// A coin of value zero.
    public fun zero<T>(ctx: &mut TxContext): Coin<T> {
        Coin { id: object::new(ctx), balance: balance::zero() }
    }

    /// Destroy a coin of value zero. Aborts with `balance::ENonZero` otherwise.
    public fun destroy_zero<T>(c: Coin<T>) {
        let Coin { id, balance } = c;
        object::delete(id);
        balance::destroy_zero(balance)
    }

    // === Currencies ===

    /// Create currency `T`. `witness` must be `T`'s one-time witness (aborts
    /// with `EBadWitness`), so this succeeds once per currency, in the `init`
    /// of `T`'s module.
    public fun create_currency<T: drop>(
        witness: T,
        decimals: u8,
        symbol: vector<u8>,
        name: vector<u8>,
        description: vector<u8>,
        icon_url: Option<Url>,
        ctx: &mut TxContext,
    ): (TreasuryCap<T>, CoinMetadata<T>) {
        assert!(types::is_one_time_witness(&witness), EBadWitness);
        let treasury = TreasuryCap {
            id: object::new(ctx),
            total_supply: balance::create_supply(witness),
        };
        let metadata = CoinMetadata {
            id: object::new(ctx),
            decimals,
            name: string::utf8(name),
            symbol: ascii::string(symbol),
            description: string::utf8(description),
            icon_url,
        };
        (treasury, metadata)
    }

    /// Mint a coin of `value`, increasing the supply.
    public fun mint<T>(cap: &mut TreasuryCap<T>, value: u64, ctx: &mut TxContext): Coin<T> {
        Coin { id: object::new(ctx), balance: balance::increase_supply(&mut cap.total_supply, value) }
    }

    /// Mint a balance of `value`, increasing the supply.
    public fun mint_balance<T>(cap: &mut TreasuryCap<T>, value: u64): Balance<T> {
        balance::increase_supply(&mut cap.total_supply, value)
    }

    /// Destroy coin `c`, decreasing the supply; return its value.
    public entry fun burn<T>(cap: &mut TreasuryCap<T>, c: Coin<T>): u64 {
        let Coin { id, balance } = c;
        object::delete(id);
        balance::decrease_supply(&mut cap.total_supply, balance)
    }

    /// Mint a coin of `amount` and send it to `recipient`.
    public entry fun mint_and_transfer<T>(
        c: &mut TreasuryCap<T>,
        amount: u64,
        recipient: address,
        ctx: &mut TxContext,
    ) {
        transfer::public_transfer(mint(c, amount, ctx), recipient)
    }

    // === Metadata ===

    /// Rename the currency; needs its `TreasuryCap`.
    public entry fun update_name<T>(_treasury: &TreasuryCap<T>, metadata: &mut CoinMetadata<T>, name: string::String) {
        metadata.name = name
    }

    /// Change the currency's symbol; needs its `TreasuryCap`.
    public entry fun update_symbol<T>(_treasury: &TreasuryCap<T>, metadata: &mut CoinMetadata<T>, symbol: ascii::String) {
        metadata.symbol = symbol
    }

    /// Change the currency's description; needs its `TreasuryCap`.
    public entry fun update_description<T>(
        _treasury: &TreasuryCap<T>,
        metadata: &mut CoinMetadata<T>,
        description: string::String,
    ) {
        metadata.description = description
    }

    /// Change the currency's icon; needs its `TreasuryCap`.
    public entry fun update_icon_url<T>(
        _treasury: &TreasuryCap<T>,
        metadata: &mut CoinMetadata<T>,
        url: ascii::String,
    ) {
        metadata.icon_url = std::option::some(url::new_unsafe(url))
    }

    /// The number of decimals shown.
    public fun get_decimals<T>(metadata: &CoinMetadata<T>): u8 {
        metadata.decimals
    }

    /// The currency's name.
    public fun get_name<T>(metadata: &CoinMetadata<T>): string::String {
        metadata.name
    }

    /// The currency's symbol.
    public fun get_symbol<T>(metadata: &CoinMetadata<T>): ascii::String {
        metadata.symbol
    }

    /// The currency's description.
    public fun get_description<T>(metadata: &CoinMetadata<T>): string::String {
        metadata.description
    }

    /// The currency's icon, if it has one.
    public fun get_icon_url<T>(metadata: &CoinMetadata<T>): Option<Url> {
        metadata.icon_url
    }

    // === Test-only ===

    #[test_only]
    /// Mint a coin of any currency, without its treasury.
    public fun mint_for_testing<T>(value: u64, ctx: &mut TxContext): Coin<T> {
        Coin { id: object::new(ctx), balance: balance::create_for_testing(value) }
    }

    #[test_only]
    /// Destroy a coin of any value, without its treasury; return the value.
    public fun burn_for_testing<T>(coin: Coin<T>): u64 {
        let Coin { id, balance } = coin;
        object::delete(id);
        balance::destroy_for_testing(balance)
    }

    #[test_only]
    /// A treasury for any `T`, without a one-time witness.
    public fun create_treasury_cap_for_testing<T>(ctx: &mut TxContext): TreasuryCap<T> {
        TreasuryCap { id: object::new(ctx), total_supply: balance::create_supply_for_testing() }
    }
}
