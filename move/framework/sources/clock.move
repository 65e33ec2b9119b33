/// The network clock: a single shared `Clock` object at address 0x6 that
/// holds the current time in milliseconds. Transactions read it by taking
/// `&Clock` as an argument.
///
/// The runtime creates the Clock at genesis and advances it itself (directly,
/// or through `consensus_commit_prologue`); Move code can only read it.
module sui::clock {
    use sui::object::UID;
    use sui::tx_context::{Self, TxContext};
    #[test_only]
    use sui::object;
    #[test_only]
    use sui::transfer;

    /// `consensus_commit_prologue` was called by a sender other than the
    /// system address `@0x0`.
    const ENotSystemAddress: u64 = 0;
    /// `set_for_testing` tried to move the clock backwards.
    const ETimeWentBackwards: u64 = 1;

    /// The shared clock.
    struct Clock has key {
        id: UID,
        /// Milliseconds since the Unix epoch, as of the start of the
        /// transaction reading it.
        timestamp_ms: u64,
    }

    /// The current time, in milliseconds since the Unix epoch.
    public fun timestamp_ms(clock: &Clock): u64 {
        clock.timestamp_ms
    }

    // === Private ===

    /// Set the clock's time before running user transactions. Only the
    /// system (sender `@0x0`) may call this; the runtime calls it directly.
    fun consensus_commit_prologue(clock: &mut Clock, timestamp_ms: u64, ctx: &TxContext) {
        assert!(tx_context::sender(ctx) == @0x0, ENotSystemAddress);
        clock.timestamp_ms = timestamp_ms
    }

    // === Test-only ===

    #[test_only]
    /// A new Clock at time 0, owned by the test.
    public fun create_for_testing(ctx: &mut TxContext): Clock {
        Clock { id: object::new(ctx), timestamp_ms: 0 }
    }

    #[test_only]
    /// Share a test Clock, as the genesis Clock is.
    public fun share_for_testing(clock: Clock) {
        transfer::share_object(clock)
    }

    #[test_only]
    /// Move the clock forward by `tick` milliseconds.
    public fun increment_for_testing(clock: &mut Clock, tick: u64) {
        clock.timestamp_ms = clock.timestamp_ms + tick
    }

    #[test_only]
    /// Set the clock to `timestamp_ms`. Aborts with `ETimeWentBackwards` if
    /// that is earlier than its current time.
    public fun set_for_testing(clock: &mut Clock, timestamp_ms: u64) {
        assert!(timestamp_ms >= clock.timestamp_ms, ETimeWentBackwards);
        clock.timestamp_ms = timestamp_ms
    }

    #[test_only]
    /// Destroy a test Clock.
    public fun destroy_for_testing(clock: Clock) {
        let Clock { id, timestamp_ms: _ } = clock;
        object::delete(id)
    }

    #[test_only]
    /// Run `consensus_commit_prologue` from a test (its sender must be `@0x0`).
    public fun advance_for_testing(clock: &mut Clock, timestamp_ms: u64, ctx: &TxContext) {
        consensus_commit_prologue(clock, timestamp_ms, ctx)
    }
}
