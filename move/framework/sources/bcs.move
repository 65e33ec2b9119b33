/// Reading BCS-encoded bytes in Move, value by value: wrap bytes with `new`,
/// then `peel_*` values off the front in the order they were encoded, and
/// take what is left with `into_remainder_bytes`.
///
/// BCS in brief: `bool` is one byte (0 or 1), integers are little-endian,
/// an address is its 32 bytes, a vector is its ULEB128 length followed by
/// its elements, an option is a vector of zero or one element.
///
/// Differs from Sui: no `peel_u16`, `peel_u32`, `peel_u256` (and their vector
/// and option forms) or `peel_enum_tag`, because this compiler has none of
/// those integer types; no `peel_vec!`/`peel_option!` macros.
module sui::bcs {
    use std::bcs;
    use std::option::{Self, Option};
    use std::vector;
    use sui::address;

    /// Fewer bytes are left than the value needs.
    const EOutOfRange: u64 = 0;
    /// A `bool` byte is neither 0 nor 1.
    const ENotBool: u64 = 1;
    /// A ULEB128 length is longer than 5 bytes (or runs off the end).
    const ELenOutOfRange: u64 = 2;

    /// Bytes still to read, stored reversed so that peeling pops from the back.
    struct BCS has store, copy, drop {
        bytes: vector<u8>,
    }

    /// The BCS encoding of `value` (the standard library's `bcs::to_bytes`).
    public fun to_bytes<T>(value: &T): vector<u8> {
        bcs::to_bytes(value)
    }

    /// A reader over `bytes`.
    public fun new(bytes: vector<u8>): BCS {
        vector::reverse(&mut bytes);
        BCS { bytes }
    }

    /// The bytes not yet read, in their original order.
    public fun into_remainder_bytes(bcs: BCS): vector<u8> {
        let BCS { bytes } = bcs;
        vector::reverse(&mut bytes);
        bytes
    }

    /// Read an address. Aborts with `EOutOfRange`.
    public fun peel_address(bcs: &mut BCS): address {
        let n = address::length();
        assert!(vector::length(&bcs.bytes) >= n, EOutOfRange);
        let out = vector::empty<u8>();
        let i = 0;
        while (i < n) {
            vector::push_back(&mut out, vector::pop_back(&mut bcs.bytes));
            i = i + 1;
        };
        address::from_bytes(out)
    }

    /// Read a `bool`. Aborts with `EOutOfRange` or `ENotBool`.
    public fun peel_bool(bcs: &mut BCS): bool {
        let b = peel_u8(bcs);
        assert!(b <= 1, ENotBool);
        b == 1
    }

    /// Read a `u8`. Aborts with `EOutOfRange`.
    public fun peel_u8(bcs: &mut BCS): u8 {
        assert!(!vector::is_empty(&bcs.bytes), EOutOfRange);
        vector::pop_back(&mut bcs.bytes)
    }

    /// Read a `u64`. Aborts with `EOutOfRange`.
    public fun peel_u64(bcs: &mut BCS): u64 {
        (peel_le(bcs, 8) as u64)
    }

    /// Read a `u128`. Aborts with `EOutOfRange`.
    public fun peel_u128(bcs: &mut BCS): u128 {
        peel_le(bcs, 16)
    }

    /// Read a ULEB128 vector length. Aborts with `ELenOutOfRange`.
    public fun peel_vec_length(bcs: &mut BCS): u64 {
        let total = 0u64;
        let shift = 0u8;
        let len = 0;
        loop {
            // BCS lengths fit in 32 bits: at most 5 ULEB128 bytes.
            assert!(len < 5 && !vector::is_empty(&bcs.bytes), ELenOutOfRange);
            let byte = (vector::pop_back(&mut bcs.bytes) as u64);
            len = len + 1;
            total = total | ((byte & 0x7f) << shift);
            if ((byte & 0x80) == 0) { break };
            shift = shift + 7;
        };
        total
    }

    /// Read a `vector<address>`.
    public fun peel_vec_address(bcs: &mut BCS): vector<address> {
        let n = peel_vec_length(bcs);
        let out = vector::empty<address>();
        while (n > 0) { vector::push_back(&mut out, peel_address(bcs)); n = n - 1; };
        out
    }

    /// Read a `vector<bool>`.
    public fun peel_vec_bool(bcs: &mut BCS): vector<bool> {
        let n = peel_vec_length(bcs);
        let out = vector::empty<bool>();
        while (n > 0) { vector::push_back(&mut out, peel_bool(bcs)); n = n - 1; };
        out
    }

    /// Read a `vector<u8>`.
    public fun peel_vec_u8(bcs: &mut BCS): vector<u8> {
        let n = peel_vec_length(bcs);
        assert!(vector::length(&bcs.bytes) >= n, EOutOfRange);
        let out = vector::empty<u8>();
        while (n > 0) { vector::push_back(&mut out, vector::pop_back(&mut bcs.bytes)); n = n - 1; };
        out
    }

    /// Read a `vector<vector<u8>>`.
    public fun peel_vec_vec_u8(bcs: &mut BCS): vector<vector<u8>> {
        let n = peel_vec_length(bcs);
        let out = vector::empty<vector<u8>>();
        while (n > 0) { vector::push_back(&mut out, peel_vec_u8(bcs)); n = n - 1; };
        out
    }

    /// Read a `vector<u64>`.
    public fun peel_vec_u64(bcs: &mut BCS): vector<u64> {
        let n = peel_vec_length(bcs);
        let out = vector::empty<u64>();
        while (n > 0) { vector::push_back(&mut out, peel_u64(bcs)); n = n - 1; };
        out
    }

    /// Read a `vector<u128>`.
    public fun peel_vec_u128(bcs: &mut BCS): vector<u128> {
        let n = peel_vec_length(bcs);
        let out = vector::empty<u128>();
        while (n > 0) { vector::push_back(&mut out, peel_u128(bcs)); n = n - 1; };
        out
    }

    /// Read an `Option<address>`.
    public fun peel_option_address(bcs: &mut BCS): Option<address> {
        if (peel_bool(bcs)) { option::some(peel_address(bcs)) } else { option::none() }
    }

    /// Read an `Option<bool>`.
    public fun peel_option_bool(bcs: &mut BCS): Option<bool> {
        if (peel_bool(bcs)) { option::some(peel_bool(bcs)) } else { option::none() }
    }

    /// Read an `Option<u8>`.
    public fun peel_option_u8(bcs: &mut BCS): Option<u8> {
        if (peel_bool(bcs)) { option::some(peel_u8(bcs)) } else { option::none() }
    }

    /// Read an `Option<u64>`.
    public fun peel_option_u64(bcs: &mut BCS): Option<u64> {
        if (peel_bool(bcs)) { option::some(peel_u64(bcs)) } else { option::none() }
    }

    /// Read an `Option<u128>`.
    public fun peel_option_u128(bcs: &mut BCS): Option<u128> {
        if (peel_bool(bcs)) { option::some(peel_u128(bcs)) } else { option::none() }
    }

    /// Reads a little-endian integer of `size` bytes.
    fun peel_le(bcs: &mut BCS, size: u8): u128 {
        assert!(vector::length(&bcs.bytes) >= (size as u64), EOutOfRange);
        let value = 0u128;
        let shift = 0u8;
        while (shift < size * 8) {
            let byte = (vector::pop_back(&mut bcs.bytes) as u128);
            value = value | (byte << shift);
            shift = shift + 8;
        };
        value
    }
}
