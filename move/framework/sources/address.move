/// Conversions for 32-byte addresses.
///
/// Differs from Sui: `to_u256`, `from_u256` and `max` are missing because this
/// Move compiler has no `u256`.
module movid::address {
    use std::ascii;
    use std::bcs;
    use std::string;
    use movid::hex;

    /// `from_bytes` was given a byte vector that is not `length()` bytes long
    /// (raised by the native).
    const EAddressParseFailure: u64 = 0;

    /// The number of bytes in an address.
    const LENGTH: u64 = 32;

    /// Turn 32 bytes into an address. Aborts with `EAddressParseFailure` if
    /// `bytes` is not exactly 32 bytes long.
    public native fun from_bytes(bytes: vector<u8>): address;

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
}
