#[test_only]
module sui::bcs_tests {
    use std::option;
    use sui::bcs;

    struct Info has drop {
        a: bool,
        b: u8,
        c: u64,
        d: u128,
        owner: address,
        items: vector<u64>,
        names: vector<vector<u8>>,
        maybe: option::Option<u64>,
    }

    #[test]
    fun peeling_reads_back_what_to_bytes_wrote() {
        let info = Info {
            a: true, b: 7, c: 123456789012, d: 1 << 100, owner: @0xCAFE,
            items: vector[1, 2, 300], names: vector[b"ab", b""], maybe: option::some(5),
        };
        let bytes = bcs::to_bytes(&info);
        std::vector::append(&mut bytes, b"rest");
        let r = bcs::new(bytes);
        assert!(bcs::peel_bool(&mut r), 0);
        assert!(bcs::peel_u8(&mut r) == 7, 1);
        assert!(bcs::peel_u64(&mut r) == 123456789012, 2);
        assert!(bcs::peel_u128(&mut r) == 1 << 100, 3);
        assert!(bcs::peel_address(&mut r) == @0xCAFE, 4);
        assert!(bcs::peel_vec_u64(&mut r) == vector[1, 2, 300], 5);
        assert!(bcs::peel_vec_vec_u8(&mut r) == vector[b"ab", b""], 6);
        assert!(bcs::peel_option_u64(&mut r) == option::some(5), 7);
        assert!(bcs::into_remainder_bytes(r) == b"rest", 8);
    }

    #[test]
    fun vectors_and_options_of_every_kind_round_trip() {
        let r = bcs::new(bcs::to_bytes(&vector[@0x1, @0x2]));
        assert!(bcs::peel_vec_address(&mut r) == vector[@0x1, @0x2], 0);
        let r = bcs::new(bcs::to_bytes(&vector[true, false]));
        assert!(bcs::peel_vec_bool(&mut r) == vector[true, false], 1);
        let r = bcs::new(bcs::to_bytes(&vector[1u128, 2u128]));
        assert!(bcs::peel_vec_u128(&mut r) == vector[1, 2], 2);
        let r = bcs::new(bcs::to_bytes(&b"hello"));
        assert!(bcs::peel_vec_u8(&mut r) == b"hello", 3);
        let r = bcs::new(bcs::to_bytes(&option::none<address>()));
        assert!(option::is_none(&bcs::peel_option_address(&mut r)), 4);
        let r = bcs::new(bcs::to_bytes(&option::some(false)));
        assert!(bcs::peel_option_bool(&mut r) == option::some(false), 5);
        let r = bcs::new(bcs::to_bytes(&option::some(9u8)));
        assert!(bcs::peel_option_u8(&mut r) == option::some(9), 6);
        let r = bcs::new(bcs::to_bytes(&option::some(9u128)));
        assert!(bcs::peel_option_u128(&mut r) == option::some(9), 7);
    }

    #[test]
    fun a_multi_byte_length_is_read() {
        let v = vector[];
        let i = 0;
        while (i < 300) { std::vector::push_back(&mut v, 1u8); i = i + 1; };
        let r = bcs::new(bcs::to_bytes(&v));
        assert!(bcs::peel_vec_length(&mut r) == 300, 0);
    }

    #[test]
    #[expected_failure(abort_code = bcs::EOutOfRange)]
    fun peeling_past_the_end_fails() {
        let r = bcs::new(vector[1, 2, 3]);
        bcs::peel_u64(&mut r);
    }

    #[test]
    #[expected_failure(abort_code = bcs::ENotBool)]
    fun a_bool_byte_other_than_0_or_1_fails() {
        let r = bcs::new(vector[2]);
        bcs::peel_bool(&mut r);
    }

    #[test]
    #[expected_failure(abort_code = bcs::ELenOutOfRange)]
    fun a_length_longer_than_five_bytes_fails() {
        let r = bcs::new(vector[0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
        bcs::peel_vec_length(&mut r);
    }
}
