/// Aborts in several ways, for the unit-test runner's tests.
module expect::guard {
    use std::vector;

    /// The value is too small.
    const ETooSmall: u64 = 7;
    /// The value is too large.
    const ETooLarge: u64 = 0x8;

    /// Aborts with `ETooSmall` below 10 and `ETooLarge` above 20.
    public fun check(v: u64) {
        assert!(v >= 10, ETooSmall);
        assert!(v <= 20, ETooLarge);
    }

    /// Overflows for any `v` > 0.
    public fun overflow(v: u64): u64 {
        18446744073709551615 + v
    }

    /// Borrows past the end of an empty vector.
    public fun out_of_bounds(): u64 {
        *vector::borrow(&vector::empty<u64>(), 0)
    }

    /// Never returns.
    public fun spin() {
        loop {}
    }

    /// Called by no test.
    public fun never_called(): u64 { 1 }
}
