/// Entry functions for everyday coin handling: split, join and send coins
/// in one call.
module sui::pay {
    use std::vector;
    use sui::coin::{Self, Coin};
    use sui::transfer;
    use sui::tx_context::{Self, TxContext};

    /// `join_vec_and_transfer` was given no coins.
    const ENoCoins: u64 = 0;

    /// Send `c` to the transaction's sender.
    public fun keep<T>(c: Coin<T>, ctx: &TxContext) {
        transfer::public_transfer(c, tx_context::sender(ctx))
    }

    /// Split `split_amount` off `coin` and keep it. Aborts with
    /// `balance::ENotEnough`.
    public entry fun split<T>(coin: &mut Coin<T>, split_amount: u64, ctx: &mut TxContext) {
        keep(coin::split(coin, split_amount, ctx), ctx)
    }

    /// Split one coin off `self` per amount in `split_amounts` and keep them.
    public entry fun split_vec<T>(self: &mut Coin<T>, split_amounts: vector<u64>, ctx: &mut TxContext) {
        let i = 0;
        let n = vector::length(&split_amounts);
        while (i < n) {
            split(self, *vector::borrow(&split_amounts, i), ctx);
            i = i + 1;
        };
    }

    /// Split `amount` off `c` and send it to `recipient`.
    public entry fun split_and_transfer<T>(c: &mut Coin<T>, amount: u64, recipient: address, ctx: &mut TxContext) {
        transfer::public_transfer(coin::split(c, amount, ctx), recipient)
    }

    /// Divide `self` into `n` equal coins (see `coin::divide_into_n`) and keep
    /// the `n - 1` new ones.
    public entry fun divide_and_keep<T>(self: &mut Coin<T>, n: u64, ctx: &mut TxContext) {
        let coins = coin::divide_into_n(self, n, ctx);
        while (!vector::is_empty(&coins)) {
            keep(vector::pop_back(&mut coins), ctx);
        };
        vector::destroy_empty(coins);
    }

    /// Merge `coin` into `self`.
    public entry fun join<T>(self: &mut Coin<T>, coin: Coin<T>) {
        coin::join(self, coin)
    }

    /// Merge every coin of `coins` into `self`.
    public entry fun join_vec<T>(self: &mut Coin<T>, coins: vector<Coin<T>>) {
        while (!vector::is_empty(&coins)) {
            coin::join(self, vector::pop_back(&mut coins));
        };
        vector::destroy_empty(coins);
    }

    /// Merge `coins` into one and send it to `receiver`. Aborts with
    /// `ENoCoins` if `coins` is empty.
    public entry fun join_vec_and_transfer<T>(coins: vector<Coin<T>>, receiver: address) {
        assert!(!vector::is_empty(&coins), ENoCoins);
        let first = vector::pop_back(&mut coins);
        join_vec(&mut first, coins);
        transfer::public_transfer(first, receiver)
    }
}
