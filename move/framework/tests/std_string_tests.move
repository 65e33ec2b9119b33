#[test_only]
/// movid's `std::string`: Sui's additions next to the original functions.
module sui::std_string_tests {
    use std::ascii;
    use std::string;

    #[test]
    fun ascii_and_utf8_strings_convert_both_ways() {
        let s = string::from_ascii(ascii::string(b"hello"));
        assert!(string::as_bytes(&s) == &b"hello", 0);
        let a = string::to_ascii(s);
        assert!(ascii::into_bytes(a) == b"hello", 1);
        assert!(string::into_bytes(string::utf8(b"x")) == b"x", 2);
    }

    #[test]
    fun substring_insert_and_index_of_respect_characters() {
        let s = string::utf8(b"hello world");
        assert!(string::substring(&s, 6, 11) == string::utf8(b"world"), 0);
        assert!(string::sub_string(&s, 0, 5) == string::utf8(b"hello"), 1);
        string::insert(&mut s, 5, string::utf8(b","));
        assert!(s == string::utf8(b"hello, world"), 2);
        assert!(string::index_of(&s, &string::utf8(b"world")) == 7, 3);
        assert!(string::index_of(&s, &string::utf8(b"none")) == string::length(&s), 4);
        string::append_utf8(&mut s, b"!");
        assert!(string::length(&s) == 13 && !string::is_empty(&s), 5);
    }

    #[test]
    #[expected_failure(abort_code = ascii::EInvalidASCIICharacter, location = ascii)]
    fun a_non_ascii_string_does_not_convert_to_ascii() {
        string::to_ascii(string::utf8(x"c3a9"));
    }

    #[test]
    #[expected_failure(abort_code = string::EInvalidIndex)]
    fun a_substring_inside_a_character_fails() {
        string::substring(&string::utf8(x"c3a9"), 0, 1);
    }

    #[test]
    #[expected_failure(abort_code = string::EInvalidUTF8)]
    fun invalid_utf8_is_refused() {
        string::utf8(x"ff");
    }

    #[test]
    fun ascii_strings_have_suis_helpers() {
        let s = ascii::string(b"Hello World");
        assert!(ascii::to_uppercase(&s) == ascii::string(b"HELLO WORLD"), 0);
        assert!(ascii::to_lowercase(&s) == ascii::string(b"hello world"), 1);
        assert!(ascii::index_of(&s, &ascii::string(b"World")) == 6, 2);
        assert!(ascii::index_of(&s, &ascii::string(b"x")) == 11, 3);
        assert!(ascii::substring(&s, 0, 5) == ascii::string(b"Hello"), 4);
        ascii::insert(&mut s, 5, ascii::string(b","));
        ascii::append(&mut s, ascii::string(b"!"));
        assert!(s == ascii::string(b"Hello, World!"), 5);
        assert!(!ascii::is_empty(&s) && ascii::all_characters_printable(&s), 6);
        ascii::push_char(&mut s, ascii::char(0x3F));
        assert!(ascii::byte(ascii::pop_char(&mut s)) == 0x3F, 7);
        assert!(std::option::is_none(&ascii::try_string(x"80")), 8);
    }

    #[test]
    #[expected_failure(abort_code = ascii::EInvalidIndex)]
    fun an_ascii_substring_past_the_end_fails() {
        ascii::substring(&ascii::string(b"ab"), 1, 3);
    }
}
