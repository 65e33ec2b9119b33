/// Constants that look alike to a careless reader: `EXECUTE` is a permission bit and
/// `ENotAllowed` an error. Only the second may name an abort (docs/DESIGN.md section 6, error names).
module objects::constants {
    /// A permission bit, not an error.
    const EXECUTE: u64 = 4;
    /// The caller may not do this.
    const ENotAllowed: u64 = 5;

    /// The permission bit, so the constant is used.
    public fun execute_bit(): u64 { EXECUTE }

    /// Aborts with `code`, whatever constant shares its value.
    public entry fun abort_with(code: u64) { abort code }

    /// Aborts with the error constant.
    public entry fun refuse() { abort ENotAllowed }
}
