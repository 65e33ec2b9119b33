/// Events: values a transaction publishes for off-chain readers. Each event
/// is recorded with the emitting package and module, the sender, its type
/// and its BCS bytes; events are not stored in any object.
///
/// Only the module that defines `T` may emit a `T` (checked at publish).
module sui::event {
    /// Emit `event` as part of the current transaction's events.
    public native fun emit<T: copy + drop>(event: T);

    #[test_only]
    /// The number of events the current transaction has emitted so far (in
    /// a `test_scenario`, since the last `next_tx`).
    ///
    /// Differs from Sui: returns a `u64` (Sui: `u32`, which this compiler
    /// does not have).
    public native fun num_events(): u64;

    #[test_only]
    /// The events of type `T` the current transaction has emitted so far,
    /// in order.
    public native fun events_by_type<T: copy + drop>(): vector<T>;
}
