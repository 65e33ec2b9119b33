#[test_only]
module sui::address_tests {
    use std::ascii;
    use sui::address;

    #[test]
    fun from_ascii_bytes_reads_what_to_ascii_string_wrote() {
        let a = @0x00000000000000000000000000000000000000000000000000000000cafe0123;
        let s = address::to_ascii_string(a);
        assert!(address::from_ascii_bytes(ascii::as_bytes(&s)) == a, 0);
        let upper = b"ABCDEF0000000000000000000000000000000000000000000000000000000001";
        assert!(address::from_ascii_bytes(&upper) == @0xabcdef0000000000000000000000000000000000000000000000000000000001, 1);
    }

    #[test]
    #[expected_failure(abort_code = address::EAddressParseError)]
    fun a_short_string_is_refused() {
        address::from_ascii_bytes(&b"cafe");
    }

    #[test]
    #[expected_failure(abort_code = address::EAddressParseError)]
    fun a_non_hex_character_is_refused() {
        address::from_ascii_bytes(&b"zz00000000000000000000000000000000000000000000000000000000000000");
    }
}
