/// Entry functions taking every shape of pure argument the adapter must
/// validate (Options, UTF-8 and ASCII strings, IDs, at any depth), for the
/// runtime's attack tests. Each keeps what it was given in a `Kept` object
/// owned by the sender, so a test sees whether the value reached Move.
module attacks::pure_args {
    use std::ascii;
    use std::option::{Self, Option};
    use std::string::{Self, String};
    use std::vector;
    use movid::object::{Self, ID, UID};
    use movid::transfer;
    use movid::tx_context::{Self, TxContext};

    /// What a call was given: its length in elements or bytes.
    struct Kept has key {
        id: UID,
        len: u64,
    }

    fun keep(len: u64, ctx: &mut TxContext) {
        transfer::transfer(Kept { id: object::new(ctx), len }, tx_context::sender(ctx))
    }

    public entry fun keep_option_u64(v: Option<u64>, ctx: &mut TxContext) {
        keep(if (option::is_some(&v)) 1 else 0, ctx)
    }

    public entry fun keep_option_bytes(v: Option<vector<u8>>, ctx: &mut TxContext) {
        keep(if (option::is_some(&v)) vector::length(option::borrow(&v)) else 0, ctx)
    }

    public entry fun keep_option_string(v: Option<String>, ctx: &mut TxContext) {
        keep(if (option::is_some(&v)) string::length(option::borrow(&v)) else 0, ctx)
    }

    public entry fun keep_strings(v: vector<String>, ctx: &mut TxContext) {
        keep(vector::length(&v), ctx)
    }

    public entry fun keep_nested_strings(v: vector<vector<String>>, ctx: &mut TxContext) {
        keep(vector::length(&v), ctx)
    }

    public entry fun keep_ascii(v: ascii::String, ctx: &mut TxContext) {
        keep(ascii::length(&v), ctx)
    }

    public entry fun keep_option_ascii(v: Option<ascii::String>, ctx: &mut TxContext) {
        keep(if (option::is_some(&v)) ascii::length(option::borrow(&v)) else 0, ctx)
    }

    public entry fun keep_ids(v: vector<ID>, ctx: &mut TxContext) {
        keep(vector::length(&v), ctx)
    }
}
