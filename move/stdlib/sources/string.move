/// UTF-8 strings: a `String` holds bytes that are always valid UTF-8.
///
/// movid's own `std::string`, in place of the pinned standard library's, so
/// that Sui's additions are there: `from_ascii`, `to_ascii`, `as_bytes`,
/// `into_bytes` and `substring` next to the original functions (`bytes` and
/// `sub_string` are kept as the older names). The layout of `String` and the
/// natives are the standard library's.
module std::string {
    use std::ascii;
    use std::option::{Self, Option};
    use std::vector;

    /// The bytes are not valid UTF-8.
    const EInvalidUTF8: u64 = 1;
    /// An index is out of range or not at a character boundary.
    const EInvalidIndex: u64 = 2;

    /// A sequence of bytes that is valid UTF-8.
    struct String has copy, drop, store {
        bytes: vector<u8>,
    }

    /// A string from `bytes`. Aborts with `EInvalidUTF8` unless they are UTF-8.
    public fun utf8(bytes: vector<u8>): String {
        assert!(internal_check_utf8(&bytes), EInvalidUTF8);
        String { bytes }
    }

    /// The ASCII string `s` as a UTF-8 string (every ASCII string is one).
    public fun from_ascii(s: ascii::String): String {
        String { bytes: ascii::into_bytes(s) }
    }

    /// `s` as an ASCII string. Aborts (in `std::ascii`) unless every
    /// character of `s` is ASCII.
    public fun to_ascii(s: String): ascii::String {
        let String { bytes } = s;
        ascii::string(bytes)
    }

    /// A string from `bytes`, or none unless they are UTF-8.
    public fun try_utf8(bytes: vector<u8>): Option<String> {
        if (internal_check_utf8(&bytes)) {
            option::some(String { bytes })
        } else {
            option::none()
        }
    }

    /// The bytes of `s`.
    public fun as_bytes(s: &String): &vector<u8> {
        &s.bytes
    }

    /// The bytes of `s`, consuming it.
    public fun into_bytes(s: String): vector<u8> {
        let String { bytes } = s;
        bytes
    }

    /// The bytes of `s` (the older name of `as_bytes`).
    public fun bytes(s: &String): &vector<u8> {
        &s.bytes
    }

    /// True if `s` has no bytes.
    public fun is_empty(s: &String): bool {
        vector::is_empty(&s.bytes)
    }

    /// The length of `s` in bytes.
    public fun length(s: &String): u64 {
        vector::length(&s.bytes)
    }

    /// Append `r` to `s`.
    public fun append(s: &mut String, r: String) {
        vector::append(&mut s.bytes, r.bytes)
    }

    /// Append `bytes` to `s`. Aborts with `EInvalidUTF8` unless they are UTF-8.
    public fun append_utf8(s: &mut String, bytes: vector<u8>) {
        append(s, utf8(bytes))
    }

    /// Insert `o` into `s` at byte index `at`. Aborts with `EInvalidIndex`
    /// unless `at` is at most the length and at a character boundary.
    public fun insert(s: &mut String, at: u64, o: String) {
        let bytes = &s.bytes;
        assert!(at <= vector::length(bytes) && internal_is_char_boundary(bytes, at), EInvalidIndex);
        let l = length(s);
        let front = substring(s, 0, at);
        let end = substring(s, at, l);
        append(&mut front, o);
        append(&mut front, end);
        *s = front;
    }

    /// The bytes `i .. j` of `s` as a string. Aborts with `EInvalidIndex`
    /// unless `i <= j <= length` and both are at character boundaries.
    public fun substring(s: &String, i: u64, j: u64): String {
        let bytes = &s.bytes;
        let l = vector::length(bytes);
        assert!(
            j <= l && i <= j && internal_is_char_boundary(bytes, i) && internal_is_char_boundary(bytes, j),
            EInvalidIndex,
        );
        String { bytes: internal_sub_string(bytes, i, j) }
    }

    /// The older name of `substring`.
    public fun sub_string(s: &String, i: u64, j: u64): String {
        substring(s, i, j)
    }

    /// The byte index of the first occurrence of `r` in `s`, or the length
    /// of `s` if there is none.
    public fun index_of(s: &String, r: &String): u64 {
        internal_index_of(&s.bytes, &r.bytes)
    }

    // The standard library's natives (implemented by `mv-stdlib`).
    native fun internal_check_utf8(v: &vector<u8>): bool;
    native fun internal_is_char_boundary(v: &vector<u8>, i: u64): bool;
    native fun internal_sub_string(v: &vector<u8>, i: u64, j: u64): vector<u8>;
    native fun internal_index_of(v: &vector<u8>, r: &vector<u8>): u64;
}
