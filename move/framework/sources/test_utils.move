#[test_only]
/// Helpers for Move unit tests: equality assertions that print both sides,
/// dropping any value, and making a one-time witness outside `init`.
module sui::test_utils {
    use std::ascii;
    use std::debug;

    /// `assert_eq`/`assert_ref_eq` found the two values different.
    const EAssertEq: u64 = 0;

    /// Abort with `EAssertEq` (0), printing both values, unless `t1 == t2`.
    public fun assert_eq<T: drop>(t1: T, t2: T) {
        assert_ref_eq(&t1, &t2)
    }

    /// As `assert_eq`, for values behind references.
    public fun assert_ref_eq<T>(t1: &T, t2: &T) {
        if (t1 != t2) {
            print(b"Assertion failed:");
            debug::print(t1);
            print(b"!=");
            debug::print(t2);
            abort EAssertEq
        }
    }

    /// Print `str` (ASCII) to the test output.
    public fun print(str: vector<u8>) {
        debug::print(&ascii::string(str))
    }

    /// Drop any value, whatever its abilities.
    public native fun destroy<T>(x: T);

    /// A one-time witness of type `T`, for testing an `init` or
    /// `coin::create_currency` directly. Aborts with 0 unless `T` has the
    /// shape of a one-time witness (named after its module in upper case, one
    /// `bool` field, only `drop`).
    public native fun create_one_time_witness<T: drop>(): T;
}
