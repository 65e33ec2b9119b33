/// Hex encoding and decoding of byte vectors (lowercase on output, either
/// case on input, no `0x` prefix).
module sui::hex {
    use std::vector;

    /// The input to `decode` has an odd number of characters.
    const EInvalidHexLength: u64 = 0;
    /// The input to `decode` contains a byte that is not a hex digit.
    const ENotValidHexCharacter: u64 = 1;

    /// Encode `bytes` as lowercase hex, two characters per byte.
    public fun encode(bytes: vector<u8>): vector<u8> {
        let out = vector::empty<u8>();
        let i = 0;
        let n = vector::length(&bytes);
        while (i < n) {
            let b = *vector::borrow(&bytes, i);
            vector::push_back(&mut out, digit(b / 16));
            vector::push_back(&mut out, digit(b % 16));
            i = i + 1;
        };
        out
    }

    /// Decode hex (upper or lower case) into bytes. Aborts if the length is
    /// odd or a character is not a hex digit.
    public fun decode(hex: vector<u8>): vector<u8> {
        let n = vector::length(&hex);
        assert!(n % 2 == 0, EInvalidHexLength);
        let out = vector::empty<u8>();
        let i = 0;
        while (i < n) {
            let hi = value(*vector::borrow(&hex, i));
            let lo = value(*vector::borrow(&hex, i + 1));
            vector::push_back(&mut out, hi * 16 + lo);
            i = i + 2;
        };
        out
    }

    /// The ASCII hex digit for a value below 16.
    fun digit(v: u8): u8 {
        if (v < 10) { 48 + v } else { 87 + v }
    }

    /// The value of an ASCII hex digit.
    fun value(c: u8): u8 {
        if (c >= 48 && c <= 57) { c - 48 }
        else if (c >= 97 && c <= 102) { c - 87 }
        else if (c >= 65 && c <= 70) { c - 55 }
        else { abort ENotValidHexCharacter }
    }
}
