#[test_only]
module sui::math_tests {
    use sui::math;

    #[test]
    fun min_max_diff_and_rounding_up() {
        assert!(math::max(3, 9) == 9 && math::min(3, 9) == 3, 0);
        assert!(math::diff(3, 9) == 6 && math::diff(9, 3) == 6, 1);
        assert!(math::divide_and_round_up(10, 3) == 4 && math::divide_and_round_up(9, 3) == 3, 2);
    }

    #[test]
    fun pow_and_sqrt_are_exact_at_the_edges() {
        assert!(math::pow(2, 0) == 1 && math::pow(0, 0) == 1, 0);
        assert!(math::pow(2, 63) == 9223372036854775808, 1);
        assert!(math::pow(10, 19) == 10000000000000000000, 2);
        assert!(math::sqrt(0) == 0 && math::sqrt(1) == 1 && math::sqrt(15) == 3 && math::sqrt(16) == 4, 3);
        assert!(math::sqrt(18446744073709551615) == 4294967295, 4);
        assert!(math::sqrt_u128(340282366920938463463374607431768211455) == 18446744073709551615, 5);
    }

    #[test]
    #[expected_failure(arithmetic_error, location = math)]
    fun pow_overflow_aborts() {
        math::pow(2, 64);
    }
}
