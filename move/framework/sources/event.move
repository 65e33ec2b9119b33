/// Events: values a transaction publishes for off-chain readers. Each event
/// is recorded with the emitting package and module, the sender, its type
/// and its BCS bytes; events are not stored in any object.
///
/// Only the module that defines `T` may emit a `T` (checked at publish).
module movid::event {
    /// Emit `event` as part of the current transaction's events.
    public native fun emit<T: copy + drop>(event: T);
}
