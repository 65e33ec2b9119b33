/// ASCII strings: a `String` holds bytes that are all below 128.
///
/// movid's own `std::ascii`, in place of the pinned standard library's, with
/// Sui's additions (`append`, `insert`, `substring`, `index_of`,
/// `to_uppercase`, `to_lowercase`, `is_empty`) and Sui's constant names. The
/// layouts of `String` and `Char` are the standard library's.
module std::ascii {
    use std::option::{Self, Option};
    use std::vector;

    /// A byte is not an ASCII character.
    const EInvalidASCIICharacter: u64 = 0x10000;
    /// An index is out of range.
    const EInvalidIndex: u64 = 0x10001;

    /// A sequence of ASCII characters.
    struct String has copy, drop, store {
        bytes: vector<u8>,
    }

    /// One ASCII character.
    struct Char has copy, drop, store {
        byte: u8,
    }

    /// The character `byte`. Aborts with `EInvalidASCIICharacter` unless it is ASCII.
    public fun char(byte: u8): Char {
        assert!(is_valid_char(byte), EInvalidASCIICharacter);
        Char { byte }
    }

    /// A string from `bytes`. Aborts with `EInvalidASCIICharacter` unless all are ASCII.
    public fun string(bytes: vector<u8>): String {
        let s = try_string(bytes);
        assert!(option::is_some(&s), EInvalidASCIICharacter);
        option::destroy_some(s)
    }

    /// A string from `bytes`, or none unless all are ASCII.
    public fun try_string(bytes: vector<u8>): Option<String> {
        let i = 0;
        let n = vector::length(&bytes);
        while (i < n) {
            if (!is_valid_char(*vector::borrow(&bytes, i))) { return option::none() };
            i = i + 1;
        };
        option::some(String { bytes })
    }

    /// True if every character of `string` is printable (32 to 126).
    public fun all_characters_printable(string: &String): bool {
        let i = 0;
        let n = vector::length(&string.bytes);
        while (i < n) {
            if (!is_printable_char(*vector::borrow(&string.bytes, i))) { return false };
            i = i + 1;
        };
        true
    }

    /// Append `char`.
    public fun push_char(string: &mut String, char: Char) {
        vector::push_back(&mut string.bytes, char.byte)
    }

    /// Remove and return the last character. Aborts if `string` is empty.
    public fun pop_char(string: &mut String): Char {
        Char { byte: vector::pop_back(&mut string.bytes) }
    }

    /// The number of characters.
    public fun length(string: &String): u64 {
        vector::length(&string.bytes)
    }

    /// Append `other`.
    public fun append(string: &mut String, other: String) {
        vector::append(&mut string.bytes, other.bytes)
    }

    /// Insert `o` at index `at`. Aborts with `EInvalidIndex` if `at` is past the end.
    public fun insert(s: &mut String, at: u64, o: String) {
        let n = length(s);
        assert!(at <= n, EInvalidIndex);
        let tail = substring(s, at, n);
        while (length(s) > at) { vector::pop_back(&mut s.bytes); };
        append(s, o);
        append(s, tail);
    }

    /// Characters `i .. j`. Aborts with `EInvalidIndex` unless `i <= j <= length`.
    public fun substring(string: &String, i: u64, j: u64): String {
        assert!(i <= j && j <= length(string), EInvalidIndex);
        let bytes = vector::empty<u8>();
        while (i < j) {
            vector::push_back(&mut bytes, *vector::borrow(&string.bytes, i));
            i = i + 1;
        };
        String { bytes }
    }

    /// The bytes of `string`.
    public fun as_bytes(string: &String): &vector<u8> {
        &string.bytes
    }

    /// The bytes of `string`, consuming it.
    public fun into_bytes(string: String): vector<u8> {
        let String { bytes } = string;
        bytes
    }

    /// The byte of `char`.
    public fun byte(char: Char): u8 {
        char.byte
    }

    /// True if `b` is an ASCII character (below 128).
    public fun is_valid_char(b: u8): bool {
        b <= 0x7F
    }

    /// True if `byte` is a printable ASCII character (32 to 126).
    public fun is_printable_char(byte: u8): bool {
        byte >= 0x20 && byte <= 0x7E
    }

    /// True if `string` has no characters.
    public fun is_empty(string: &String): bool {
        vector::is_empty(&string.bytes)
    }

    /// `string` with `a`-`z` made upper case.
    public fun to_uppercase(string: &String): String {
        map_case(string, 0x61, 0x7A, 0x20, true)
    }

    /// `string` with `A`-`Z` made lower case.
    public fun to_lowercase(string: &String): String {
        map_case(string, 0x41, 0x5A, 0x20, false)
    }

    /// The index of the first occurrence of `substr` in `string`, or the
    /// length of `string` if there is none.
    public fun index_of(string: &String, substr: &String): u64 {
        let n = length(string);
        let m = length(substr);
        if (m > n) { return n };
        let i = 0;
        while (i <= n - m) {
            let j = 0;
            while (j < m && *vector::borrow(&string.bytes, i + j) == *vector::borrow(&substr.bytes, j)) {
                j = j + 1;
            };
            if (j == m) { return i };
            i = i + 1;
        };
        n
    }

    /// Shifts the bytes in `lo..=hi` by `delta`, down when `down`.
    fun map_case(string: &String, lo: u8, hi: u8, delta: u8, down: bool): String {
        let bytes = vector::empty<u8>();
        let i = 0;
        let n = vector::length(&string.bytes);
        while (i < n) {
            let b = *vector::borrow(&string.bytes, i);
            if (b >= lo && b <= hi) {
                b = if (down) { b - delta } else { b + delta };
            };
            vector::push_back(&mut bytes, b);
            i = i + 1;
        };
        String { bytes }
    }
}
