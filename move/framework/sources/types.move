/// Type checks the runtime can answer and Move cannot.
module sui::types {
    /// True if `T` is a one-time witness: a struct with only `drop`, no fields
    /// (the compiler's dummy `bool` aside), named after its module in upper
    /// case, and whose only value is the one passed to that module's `init`.
    public native fun is_one_time_witness<T: drop>(_: &T): bool;
}
