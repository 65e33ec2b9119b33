#[test_only]
module bad::m_tests {
    use bad::m;

    #[test]
    #[expected_failure(abort_code = m::EUnknown)]
    fun names_a_constant_that_does_not_exist() { m::f() }
}
