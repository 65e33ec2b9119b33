/// Conversions for 32-byte addresses.
///
/// Differs from Sui: `to_u256`, `from_u256` and `max` are missing because this
/// Move compiler has no `u256`.
module sui::address {
    use std::ascii;
    use std::bcs;
    use std::string;
    use std::vector;
    use sui::hex;

    /// `from_bytes` was given a byte vector that is not `length()` bytes long
    /// (raised by the native), or `from_ascii_bytes` something that is not
    /// `2 * length()` hex digits.
    const EAddressParseError: u64 = 0;

    /// The number of bytes in an address.
    const LENGTH: u64 = 32;

    /// Turn 32 bytes into an address. Aborts with `EAddressParseError` if
    /// `bytes` is not exactly 32 bytes long.
    public native fun from_bytes(bytes: vector<u8>): address;

    /// The address written as 64 hex digits (either case, no `0x` prefix) in
    /// `bytes`. Aborts with `EAddressParseError` if `bytes` is not 64 hex
    /// digits.
    public fun from_ascii_bytes(bytes: &vector<u8>): address {
        assert!(vector::length(bytes) == 2 * LENGTH, EAddressParseError);
        let out = vector::empty<u8>();
        let i = 0;
        while (i < 2 * LENGTH) {
            let hi = hex_value(*vector::borrow(bytes, i));
            let lo = hex_value(*vector::borrow(bytes, i + 1));
            vector::push_back(&mut out, (hi << 4) | lo);
            i = i + 2;
        };
        from_bytes(out)
    }

    /// The 32 bytes of `a`, most significant first.
    public fun to_bytes(a: address): vector<u8> {
        bcs::to_bytes(&a)
    }

    /// `a` as 64 lowercase hex digits, without a `0x` prefix.
    public fun to_ascii_string(a: address): ascii::String {
        ascii::string(hex::encode(to_bytes(a)))
    }

    /// `a` as 64 lowercase hex digits, without a `0x` prefix.
    public fun to_string(a: address): string::String {
        string::utf8(hex::encode(to_bytes(a)))
    }

    /// The number of bytes in an address.
    public fun length(): u64 {
        LENGTH
    }

    /// The value of one ASCII hex digit; aborts with `EAddressParseError`.
    fun hex_value(c: u8): u8 {
        if (c >= 48 && c <= 57) { c - 48 }
        else if (c >= 97 && c <= 102) { c - 87 }
        else if (c >= 65 && c <= 70) { c - 55 }
        else { abort EAddressParseError }
    }
}
