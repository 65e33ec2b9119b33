/// Printing from Move, for unit tests. Under `movid move test` the values
/// are printed to standard output as `[debug] <value>`; in a transaction on a
/// chain both functions do nothing but charge gas.
module std::debug {
    /// Print `x`: strings as quoted text, numbers, addresses, vectors and
    /// structs (by position; field names are not known to the VM).
    native public fun print<T>(x: &T);

    /// Print the Move call stack.
    native public fun print_stack_trace();
}
