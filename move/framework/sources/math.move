/// Integer helpers for `u64` (and a square root for `u128`). Sui keeps this
/// module for compatibility; new code there uses the `std::u64` macros, which
/// this compiler does not have.
module sui::math {
    /// The larger of `x` and `y`.
    public fun max(x: u64, y: u64): u64 {
        if (x > y) { x } else { y }
    }

    /// The smaller of `x` and `y`.
    public fun min(x: u64, y: u64): u64 {
        if (x < y) { x } else { y }
    }

    /// The absolute difference of `x` and `y`.
    public fun diff(x: u64, y: u64): u64 {
        if (x > y) { x - y } else { y - x }
    }

    /// `base` to the power `exponent`, by squaring. Aborts on overflow.
    public fun pow(base: u64, exponent: u8): u64 {
        let result = 1;
        let b = base;
        let e = exponent;
        while (e > 0) {
            if (e % 2 == 1) {
                result = result * b;
            };
            e = e / 2;
            // Squaring once more than needed could overflow for a result that fits.
            if (e > 0) {
                b = b * b;
            };
        };
        result
    }

    /// The integer square root of `x`: the largest `r` with `r * r <= x`.
    public fun sqrt(x: u64): u64 {
        (sqrt_u128((x as u128)) as u64)
    }

    /// The integer square root of `x`: the largest `r` with `r * r <= x`.
    public fun sqrt_u128(x: u128): u128 {
        // Digit-by-digit (base 4) method: exact, no division, 64 rounds at most.
        let bit: u128 = 1 << 126;
        while (bit > x) {
            bit = bit >> 2;
        };
        let rem = x;
        let res: u128 = 0;
        while (bit != 0) {
            if (rem >= res + bit) {
                rem = rem - (res + bit);
                res = (res >> 1) + bit;
            } else {
                res = res >> 1;
            };
            bit = bit >> 2;
        };
        res
    }

    /// `x / y` rounded up. Aborts if `y` is zero.
    public fun divide_and_round_up(x: u64, y: u64): u64 {
        if (x % y == 0) { x / y } else { x / y + 1 }
    }
}
