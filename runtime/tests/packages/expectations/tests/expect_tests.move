#[test_only]
/// Tests whose names say whether the runner must pass (`passes_`) or fail (`fails_`) them.
module expect::expect_tests {
    use expect::guard;

    /// This module's own constant, named without a module.
    const EOwn: u64 = 42;

    #[test]
    #[expected_failure(abort_code = guard::ETooSmall)]
    fun passes_named_constant_through_a_use() { guard::check(1) }

    #[test]
    #[expected_failure(abort_code = expect::guard::ETooLarge)]
    fun passes_fully_qualified_constant() { guard::check(21) }

    #[test]
    #[expected_failure(abort_code = EOwn)]
    fun passes_own_constant() { abort EOwn }

    #[test]
    #[expected_failure(abort_code = 7, location = expect::guard)]
    fun passes_numeric_code_with_location() { guard::check(1) }

    #[test]
    #[expected_failure(abort_code = EOwn, location = Self)]
    fun passes_location_self() { abort 42 }

    #[test]
    #[expected_failure(arithmetic_error, location = guard)]
    fun passes_arithmetic_error() { guard::overflow(1); }

    #[test]
    #[expected_failure(vector_error, minor_status = 1, location = guard)]
    fun passes_vector_error() { guard::out_of_bounds(); }

    #[test]
    #[expected_failure(out_of_gas)]
    fun passes_out_of_gas() { guard::spin() }

    #[test]
    #[expected_failure]
    fun passes_any_failure() { guard::check(100) }

    #[test]
    fun passes_without_failing() { guard::check(15) }

    #[test]
    #[expected_failure(abort_code = guard::ETooSmall)]
    fun fails_wrong_named_code() { guard::check(21) }

    #[test]
    #[expected_failure(abort_code = 42)]
    fun fails_right_code_but_an_arithmetic_error() { guard::overflow(1); }

    #[test]
    #[expected_failure(abort_code = guard::ETooSmall)]
    /// The code matches, but the abort is in this module, not in `guard` as
    /// the named constant implies.
    fun fails_right_code_wrong_implied_location() { abort 7 }

    #[test]
    #[expected_failure(abort_code = 7, location = Self)]
    fun fails_right_code_wrong_location() { guard::check(1) }

    #[test]
    #[expected_failure(abort_code = 7)]
    fun fails_when_nothing_aborts() { guard::check(15) }

    #[test]
    fun fails_with_an_unexpected_abort() { guard::check(1) }

    #[test]
    fun fails_by_running_out_of_gas() { guard::spin() }
}
