#[test_only]
/// Multi-transaction tests in one Move function. A `Scenario` plays a
/// sequence of transactions from chosen senders; objects transferred, shared
/// or frozen in one transaction land in per-address, shared and immutable
/// inventories when `next_tx` ends it, and later transactions take them out
/// with the `take_*` functions and put them back with `return_*`.
///
/// ```
/// let scenario = test_scenario::begin(@0xA);
/// thing::create(test_scenario::ctx(&mut scenario));   // transfers a Thing to @0xA
/// test_scenario::next_tx(&mut scenario, @0xA);
/// let thing = test_scenario::take_from_sender<Thing>(&scenario);
/// test_scenario::return_to_sender(&scenario, thing);
/// test_scenario::end(scenario);
/// ```
///
/// Objects sent to an object's address can be received in a later
/// transaction with a ticket from `receiving_ticket_for_child_object_by_id`
/// (or `receiving_ticket_for_most_recent_child_object`); while a ticket is
/// out, the object cannot be taken, and `return_receiving_ticket` gives it
/// back unreceived.
///
/// Differs from Sui: receiving tickets carry version 0 (the inventories keep
/// no versions). `receiving_ticket_by_id` and `most_recent_receiving_ticket`
/// are kept as Sui's earlier names of the two ticket functions.
module sui::test_scenario {
    use std::option::{Self, Option};
    use sui::object::{Self, ID, UID};
    use sui::transfer::{Self, Receiving};
    use sui::tx_context::{Self, TxContext};
    use sui::vec_map::VecMap;

    /// A transaction ended with a shared or immutable object taken but not
    /// returned (or, for a shared object, deleted). Raised by the native.
    const EInvalidSharedOrImmutableUsage: u64 = 1;
    /// `return_*` was given an object that was not taken from that inventory
    /// in this transaction.
    const ECantReturnObject: u64 = 2;
    /// No object of the requested type is in the inventory.
    const EEmptyInventory: u64 = 3;
    /// No object with that ID and type is in the inventory (it may have been
    /// taken already, or have another type). Raised by the natives.
    const EObjectNotFound: u64 = 4;
    /// A receiving ticket was asked for an object that is not in the
    /// inventory of an object's address with that type. Raised by the native.
    const EUnableToAllocateReceivingTicket: u64 = 5;
    /// A receiving ticket for that object is already out in this
    /// transaction. Raised by the native.
    const EReceivingTicketAlreadyAllocated: u64 = 6;
    /// `return_receiving_ticket` was given a ticket that is not out (the
    /// object was received, or the ticket returned). Raised by the native.
    const EUnableToDeallocateReceivingTicket: u64 = 7;

    /// A running scenario: the number of the current transaction and its
    /// context. Has no abilities: end it with `end`.
    struct Scenario {
        /// Transactions concluded so far; seeds the next transaction digest.
        txn_number: u64,
        ctx: TxContext,
    }

    /// What a concluded transaction did.
    struct TransactionEffects has drop {
        /// Objects created (and not deleted) in the transaction.
        created: vector<ID>,
        /// Objects that existed before and were modified.
        written: vector<ID>,
        /// Objects deleted.
        deleted: vector<ID>,
        /// Objects sent to an account, with the account.
        transferred_to_account: VecMap<ID, address>,
        /// Objects sent to an object, with that object's ID.
        transferred_to_object: VecMap<ID, ID>,
        /// Objects shared.
        shared: vector<ID>,
        /// Objects frozen.
        frozen: vector<ID>,
        /// Events emitted.
        num_user_events: u64,
    }

    // === Running transactions ===

    /// Start a scenario whose first transaction is sent by `sender`.
    public fun begin(sender: address): Scenario {
        Scenario { txn_number: 0, ctx: tx_context::new_from_hint(sender, 0, 0, 0, 0) }
    }

    /// End the current transaction, moving what it transferred, shared and
    /// froze into the inventories, and start the next one from `sender` in
    /// the same epoch. Returns the ended transaction's effects.
    public fun next_tx(scenario: &mut Scenario, sender: address): TransactionEffects {
        // A new hint gives the next transaction its own digest, hence new object IDs.
        scenario.txn_number = scenario.txn_number + 1;
        let epoch = tx_context::epoch(&scenario.ctx);
        let epoch_timestamp_ms = tx_context::epoch_timestamp_ms(&scenario.ctx);
        scenario.ctx = tx_context::new_from_hint(sender, scenario.txn_number, epoch, epoch_timestamp_ms, 0);
        end_transaction()
    }

    /// As `next_tx`, and the next transaction runs in the next epoch.
    public fun next_epoch(scenario: &mut Scenario, sender: address): TransactionEffects {
        tx_context::increment_epoch_number(&mut scenario.ctx);
        next_tx(scenario, sender)
    }

    /// As `next_epoch`, with the epoch starting `delta_ms` milliseconds later.
    public fun later_epoch(scenario: &mut Scenario, delta_ms: u64, sender: address): TransactionEffects {
        tx_context::increment_epoch_timestamp(&mut scenario.ctx, delta_ms);
        next_epoch(scenario, sender)
    }

    /// End the scenario, concluding its last transaction.
    public fun end(scenario: Scenario): TransactionEffects {
        let Scenario { txn_number: _, ctx: _ } = scenario;
        end_transaction()
    }

    // === Accessors ===

    /// The current transaction's context.
    public fun ctx(scenario: &mut Scenario): &mut TxContext {
        &mut scenario.ctx
    }

    /// A new UID created by the current transaction.
    public fun new_object(scenario: &mut Scenario): UID {
        object::new(&mut scenario.ctx)
    }

    /// The current transaction's sender.
    public fun sender(scenario: &Scenario): address {
        tx_context::sender(&scenario.ctx)
    }

    /// The number of transactions concluded so far (0 before the first `next_tx`).
    public fun num_concluded_txes(scenario: &Scenario): u64 {
        scenario.txn_number
    }

    /// Objects created by the transaction.
    public fun created(effects: &TransactionEffects): vector<ID> {
        effects.created
    }

    /// Pre-existing objects modified by the transaction.
    public fun written(effects: &TransactionEffects): vector<ID> {
        effects.written
    }

    /// Objects deleted by the transaction.
    public fun deleted(effects: &TransactionEffects): vector<ID> {
        effects.deleted
    }

    /// Objects sent to accounts, with their recipients.
    public fun transferred_to_account(effects: &TransactionEffects): VecMap<ID, address> {
        effects.transferred_to_account
    }

    /// Objects sent to objects, with the owning objects' IDs.
    public fun transferred_to_object(effects: &TransactionEffects): VecMap<ID, ID> {
        effects.transferred_to_object
    }

    /// Objects shared by the transaction.
    public fun shared(effects: &TransactionEffects): vector<ID> {
        effects.shared
    }

    /// Objects frozen by the transaction.
    public fun frozen(effects: &TransactionEffects): vector<ID> {
        effects.frozen
    }

    /// The number of events the transaction emitted.
    public fun num_user_events(effects: &TransactionEffects): u64 {
        effects.num_user_events
    }

    // === Address inventories ===

    /// Take object `id` of type `T` from `account`'s inventory. Aborts with
    /// `EObjectNotFound` unless a `T` with that ID is there.
    public native fun take_from_address_by_id<T: key>(scenario: &Scenario, account: address, id: ID): T;

    /// The most recently received object of type `T` in `account`'s inventory.
    public native fun most_recent_id_for_address<T: key>(account: address): Option<ID>;

    /// All objects of type `T` in `account`'s inventory.
    public native fun ids_for_address<T: key>(account: address): vector<ID>;

    /// True if object `id` was taken from `account`'s inventory in this transaction.
    public native fun was_taken_from_address(account: address, id: ID): bool;

    /// True if `account` holds an object of type `T`.
    public fun has_most_recent_for_address<T: key>(account: address): bool {
        option::is_some(&most_recent_id_for_address<T>(account))
    }

    /// Take the most recent `T` from `account`'s inventory. Aborts with
    /// `EEmptyInventory` if there is none.
    public fun take_from_address<T: key>(scenario: &Scenario, account: address): T {
        let id = most_recent_id_for_address<T>(account);
        assert!(option::is_some(&id), EEmptyInventory);
        take_from_address_by_id(scenario, account, option::destroy_some(id))
    }

    /// Give `t` back to `account`. Aborts with `ECantReturnObject` unless it
    /// was taken from there in this transaction.
    public fun return_to_address<T: key>(account: address, t: T) {
        assert!(was_taken_from_address(account, object::id(&t)), ECantReturnObject);
        transfer::transfer_impl(t, account)
    }

    // === Sender inventory ===

    /// Take object `id` of type `T` from the sender's inventory.
    public fun take_from_sender_by_id<T: key>(scenario: &Scenario, id: ID): T {
        take_from_address_by_id(scenario, sender(scenario), id)
    }

    /// The most recently received object of type `T` in the sender's inventory.
    public fun most_recent_id_for_sender<T: key>(scenario: &Scenario): Option<ID> {
        most_recent_id_for_address<T>(sender(scenario))
    }

    /// True if the sender holds an object of type `T`.
    public fun has_most_recent_for_sender<T: key>(scenario: &Scenario): bool {
        has_most_recent_for_address<T>(sender(scenario))
    }

    /// Take the most recent `T` from the sender's inventory. Aborts with
    /// `EEmptyInventory` if there is none.
    public fun take_from_sender<T: key>(scenario: &Scenario): T {
        take_from_address(scenario, sender(scenario))
    }

    /// Give `t` back to the sender. Aborts with `ECantReturnObject` unless it
    /// was taken from there in this transaction.
    public fun return_to_sender<T: key>(scenario: &Scenario, t: T) {
        return_to_address(sender(scenario), t)
    }

    /// True if object `id` was taken from the sender's inventory in this transaction.
    public fun was_taken_from_sender(scenario: &Scenario, id: ID): bool {
        was_taken_from_address(sender(scenario), id)
    }

    /// All objects of type `T` in the sender's inventory.
    public fun ids_for_sender<T: key>(scenario: &Scenario): vector<ID> {
        ids_for_address<T>(sender(scenario))
    }

    // === Immutable inventory ===

    /// Take immutable object `id` of type `T` (by value; it must be returned
    /// with `return_immutable` before the transaction ends).
    /// Aborts with `EObjectNotFound` unless a `T` with that ID is there.
    public native fun take_immutable_by_id<T: key>(scenario: &Scenario, id: ID): T;

    /// The most recently frozen object of type `T`.
    public native fun most_recent_immutable_id<T: key>(): Option<ID>;

    /// True if immutable object `id` was taken in this transaction.
    public native fun was_taken_immutable(id: ID): bool;

    /// True if an immutable object of type `T` exists.
    public fun has_most_recent_immutable<T: key>(): bool {
        option::is_some(&most_recent_immutable_id<T>())
    }

    /// Take the most recent immutable `T`. Aborts with `EEmptyInventory` if
    /// there is none.
    public fun take_immutable<T: key>(scenario: &Scenario): T {
        let id = most_recent_immutable_id<T>();
        assert!(option::is_some(&id), EEmptyInventory);
        take_immutable_by_id(scenario, option::destroy_some(id))
    }

    /// Put back an immutable object. Aborts with `ECantReturnObject` unless
    /// it was taken in this transaction.
    public fun return_immutable<T: key>(t: T) {
        assert!(was_taken_immutable(object::id(&t)), ECantReturnObject);
        transfer::freeze_object_impl(t)
    }

    // === Shared inventory ===

    /// Take shared object `id` of type `T` (by value; it must be returned with
    /// `return_shared`, or deleted, before the transaction ends).
    /// Aborts with `EObjectNotFound` unless a `T` with that ID is there.
    public native fun take_shared_by_id<T: key>(scenario: &Scenario, id: ID): T;

    /// The most recently shared object of type `T`.
    public native fun most_recent_id_shared<T: key>(): Option<ID>;

    /// True if shared object `id` was taken in this transaction.
    public native fun was_taken_shared(id: ID): bool;

    /// True if a shared object of type `T` exists.
    public fun has_most_recent_shared<T: key>(): bool {
        option::is_some(&most_recent_id_shared<T>())
    }

    /// Take the most recent shared `T`. Aborts with `EEmptyInventory` if
    /// there is none.
    public fun take_shared<T: key>(scenario: &Scenario): T {
        let id = most_recent_id_shared<T>();
        assert!(option::is_some(&id), EEmptyInventory);
        take_shared_by_id(scenario, option::destroy_some(id))
    }

    /// Put back a shared object. Aborts with `ECantReturnObject` unless it
    /// was taken in this transaction.
    public fun return_shared<T: key>(t: T) {
        assert!(was_taken_shared(object::id(&t)), ECantReturnObject);
        transfer::share_object_impl(t)
    }

    // === Receiving ===

    /// The IDs of the objects of type `T` sent to the object `parent`.
    public fun child_object_ids_for_parent_object_id<T: key>(parent: ID): vector<ID> {
        ids_for_address<T>(object::id_to_address(&parent))
    }

    /// A ticket to receive object `object_id` (of type `T`), which must be in
    /// the inventory of an object's address. Until the object is received or
    /// the ticket returned, the object cannot be taken. Aborts with
    /// `EUnableToAllocateReceivingTicket` or `EReceivingTicketAlreadyAllocated`.
    public fun receiving_ticket_for_child_object_by_id<T: key>(object_id: ID): Receiving<T> {
        let version = allocate_receiving_ticket_for_object<T>(object_id);
        transfer::make_receiver(object_id, version)
    }

    /// A ticket for the most recent `T` sent to the object `parent`. Aborts
    /// with `EEmptyInventory` if there is none.
    public fun receiving_ticket_for_most_recent_child_object<T: key>(parent: &ID): Receiving<T> {
        let id = most_recent_id_for_address<T>(object::id_to_address(parent));
        assert!(option::is_some(&id), EEmptyInventory);
        receiving_ticket_for_child_object_by_id(option::destroy_some(id))
    }

    /// Give back a ticket that was not used, so its object can be taken or
    /// ticketed again. Aborts with `EUnableToDeallocateReceivingTicket` if the
    /// object was received or the ticket already returned.
    public fun return_receiving_ticket<T: key>(ticket: Receiving<T>) {
        deallocate_receiving_ticket_for_object(transfer::receiving_object_id(&ticket));
    }

    /// Sui's earlier name of `receiving_ticket_for_child_object_by_id`.
    public fun receiving_ticket_by_id<T: key>(object_id: ID): Receiving<T> {
        receiving_ticket_for_child_object_by_id(object_id)
    }

    /// Sui's earlier name of `receiving_ticket_for_most_recent_child_object`.
    public fun most_recent_receiving_ticket<T: key>(parent: &ID): Receiving<T> {
        receiving_ticket_for_most_recent_child_object(parent)
    }

    // === Private ===

    /// Conclude the current transaction: move its transferred, shared and
    /// frozen objects into the inventories and return its effects. Aborts
    /// with `EInvalidSharedOrImmutableUsage` if a shared or immutable object
    /// taken in it was not returned.
    native fun end_transaction(): TransactionEffects;

    /// Marks `object_id` as ticketed; returns its version (always 0 here).
    native fun allocate_receiving_ticket_for_object<T: key>(object_id: ID): u64;

    /// Clears the ticket mark of `id`.
    native fun deallocate_receiving_ticket_for_object(id: ID);
}
