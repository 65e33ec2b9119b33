/// The context of the transaction being executed: who sent it, its digest,
/// the epoch it runs in, and a counter from which fresh object addresses are
/// derived.
///
/// The adapter builds the `TxContext` and passes it as the trailing
/// `&TxContext` / `&mut TxContext` parameter of the function it calls; Move
/// code outside tests can never create one.
module sui::tx_context {
    friend sui::object;

    /// A transaction digest must be exactly 32 bytes.
    const EBadTxHashLength: u64 = 0;
    /// `last_created_object_id` was called before any object was created.
    const ENoIDsCreated: u64 = 1;

    /// Length in bytes of a transaction digest.
    const TX_HASH_LENGTH: u64 = 32;

    /// Information about the transaction currently being executed.
    struct TxContext has drop {
        /// The address that signed the transaction.
        sender: address,
        /// The transaction digest (Blake2b-256 of the transaction data).
        tx_hash: vector<u8>,
        /// The epoch the transaction executes in.
        epoch: u64,
        /// Start of the current epoch, in milliseconds since the Unix epoch.
        epoch_timestamp_ms: u64,
        /// How many object addresses this transaction has derived so far;
        /// the next address is derived from this counter.
        ids_created: u64,
    }

    /// The address of the transaction's signer.
    public fun sender(self: &TxContext): address {
        self.sender
    }

    /// The digest of the transaction being executed.
    public fun digest(self: &TxContext): &vector<u8> {
        &self.tx_hash
    }

    /// The current epoch number.
    public fun epoch(self: &TxContext): u64 {
        self.epoch
    }

    /// The start of the current epoch, in milliseconds since the Unix epoch.
    public fun epoch_timestamp_ms(self: &TxContext): u64 {
        self.epoch_timestamp_ms
    }

    /// Derive an address no other transaction or call can produce, from the
    /// transaction digest and the number of addresses derived so far.
    /// The address is not registered as an object: use `object::new` for that.
    public fun fresh_object_address(ctx: &mut TxContext): address {
        let ids_created = ctx.ids_created;
        let addr = derive_id(*&ctx.tx_hash, ids_created);
        ctx.ids_created = ids_created + 1;
        addr
    }

    /// The number of addresses derived in this transaction so far.
    public(friend) fun ids_created(self: &TxContext): u64 {
        self.ids_created
    }

    /// blake2b(0xf1 || tx_hash || ids_created as u64 LE), the address of the
    /// `ids_created`-th object created by the transaction `tx_hash`.
    native fun derive_id(tx_hash: vector<u8>, ids_created: u64): address;

    // === Test-only ===

    #[test_only]
    /// Create a `TxContext` for testing.
    public fun new(
        sender: address,
        tx_hash: vector<u8>,
        epoch: u64,
        epoch_timestamp_ms: u64,
        ids_created: u64,
    ): TxContext {
        assert!(std::vector::length(&tx_hash) == TX_HASH_LENGTH, EBadTxHashLength);
        TxContext { sender, tx_hash, epoch, epoch_timestamp_ms, ids_created }
    }

    #[test_only]
    /// Create a `TxContext` for testing whose digest is derived from `hint`,
    /// so that different hints give different object IDs.
    public fun new_from_hint(
        sender: address,
        hint: u64,
        epoch: u64,
        epoch_timestamp_ms: u64,
        ids_created: u64,
    ): TxContext {
        new(sender, dummy_tx_hash_with_hint(hint), epoch, epoch_timestamp_ms, ids_created)
    }

    #[test_only]
    /// A `TxContext` with sender `@0x0`, epoch 0 and a zero-hint digest.
    public fun dummy(): TxContext {
        new_from_hint(@0x0, 0, 0, 0, 0)
    }

    #[test_only]
    /// A 32-byte digest: the little-endian bytes of `hint` padded with zeros.
    public fun dummy_tx_hash_with_hint(hint: u64): vector<u8> {
        let tx_hash = std::bcs::to_bytes(&hint);
        while (std::vector::length(&tx_hash) < TX_HASH_LENGTH) {
            std::vector::push_back(&mut tx_hash, 0);
        };
        tx_hash
    }

    #[test_only]
    /// The number of addresses derived in this transaction so far.
    public fun get_ids_created(self: &TxContext): u64 {
        ids_created(self)
    }

    #[test_only]
    /// The address of the most recently created object.
    public fun last_created_object_id(self: &TxContext): address {
        let ids_created = self.ids_created;
        assert!(ids_created > 0, ENoIDsCreated);
        derive_id(*&self.tx_hash, ids_created - 1)
    }

    #[test_only]
    /// Move the context on to the next epoch.
    public fun increment_epoch_number(self: &mut TxContext) {
        self.epoch = self.epoch + 1
    }

    #[test_only]
    /// Move the epoch start time forward by `delta_ms` milliseconds.
    public fun increment_epoch_timestamp(self: &mut TxContext, delta_ms: u64) {
        self.epoch_timestamp_ms = self.epoch_timestamp_ms + delta_ms
    }
}
