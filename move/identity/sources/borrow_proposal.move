/// Proposals that borrow objects the identity owns for the rest of one
/// transaction, which must give them back.
///
/// `execute_borrow` returns the hot potato `Action<Borrow>`; `borrow_object`
/// takes an object (given as a `Receiving` ticket) out of the identity;
/// `return_object` sends it back; `conclude_borrow` consumes the action and
/// aborts - failing the whole transaction - if a borrowed object was not
/// returned.
module identity::borrow_proposal {
    use std::option::Option;
    use std::vector;
    use sui::object::{Self, ID};
    use sui::transfer::{Self, Receiving};
    use sui::tx_context::TxContext;
    use identity::controller::Auth;
    use identity::identity::{Self, Identity};
    use identity::multicontroller::{Self, Action};
    use identity::utils;

    /// A borrow proposal needs at least one object.
    const ENoObjects: u64 = 700;
    /// More than `MAX_OBJECTS` objects.
    const ETooManyObjects: u64 = 701;
    /// An object is listed twice.
    const EDuplicateObject: u64 = 702;
    /// The action belongs to a different identity.
    const EWrongIdentity: u64 = 703;
    /// The received object is not one this proposal lends (or was already borrowed).
    const EObjectNotInProposal: u64 = 704;
    /// The returned object was not borrowed through this action.
    const ENotBorrowed: u64 = 705;
    /// A borrowed object was not returned.
    const EUnreturnedObjects: u64 = 706;

    /// Most objects one proposal borrows.
    const MAX_OBJECTS: u64 = 64;

    /// Borrow some of `objects` for one transaction.
    struct Borrow has store, drop {
        /// The identity owning the objects.
        identity: ID,
        /// Objects that may still be borrowed.
        objects: vector<ID>,
        /// Objects borrowed and not yet returned.
        borrowed: vector<ID>,
    }

    /// Proposes borrowing `objects` (owned by the identity). Returns the
    /// proposal ID; execute it with `execute_borrow`.
    public fun propose_borrow(
        self: &mut Identity,
        auth: &Auth,
        expiration: Option<u64>,
        objects: vector<ID>,
        ctx: &mut TxContext,
    ): ID {
        identity::assert_not_deleted(self);
        let n = vector::length(&objects);
        assert!(n > 0, ENoObjects);
        assert!(n <= MAX_OBJECTS, ETooManyObjects);
        assert!(!utils::has_duplicates(&objects), EDuplicateObject);
        let action = Borrow { identity: identity::id(self), objects, borrowed: vector[] };
        multicontroller::create_proposal(identity::did_doc_mut(self), auth, action, expiration, ctx)
    }

    /// Executes an approved borrow proposal. Needs EXECUTE.
    public fun execute_borrow(self: &mut Identity, auth: &Auth, proposal_id: ID, ctx: &mut TxContext): Action<Borrow> {
        identity::assert_not_deleted(self);
        multicontroller::execute_proposal(identity::did_doc_mut(self), auth, proposal_id, ctx)
    }

    /// Takes one of the action's objects out of the identity.
    public fun borrow_object<T: key + store>(
        self: &mut Identity,
        action: &mut Action<Borrow>,
        ticket: Receiving<T>,
    ): T {
        let borrow = multicontroller::borrow_action_mut(action);
        assert!(borrow.identity == identity::id(self), EWrongIdentity);
        let object_id = transfer::receiving_object_id(&ticket);
        let (found, i) = vector::index_of(&borrow.objects, &object_id);
        assert!(found, EObjectNotInProposal);
        vector::remove(&mut borrow.objects, i);
        vector::push_back(&mut borrow.borrowed, object_id);
        transfer::public_receive(identity::uid_mut(self), ticket)
    }

    /// Gives a borrowed object back to the identity.
    public fun return_object<T: key + store>(action: &mut Action<Borrow>, object: T) {
        let borrow = multicontroller::borrow_action_mut(action);
        let (found, i) = vector::index_of(&borrow.borrowed, &object::id(&object));
        assert!(found, ENotBorrowed);
        vector::remove(&mut borrow.borrowed, i);
        transfer::public_transfer(object, object::id_to_address(&borrow.identity));
    }

    /// Consumes the action; aborts if a borrowed object was not returned.
    public fun conclude_borrow(action: Action<Borrow>) {
        let Borrow { identity: _, objects: _, borrowed } = multicontroller::unwrap_action(action);
        assert!(vector::is_empty(&borrowed), EUnreturnedObjects);
    }

    /// The objects a borrow action may still take.
    public fun objects(borrow: &Borrow): vector<ID> { borrow.objects }

    /// The objects borrowed and not yet returned.
    public fun borrowed(borrow: &Borrow): vector<ID> { borrow.borrowed }

    /// Most objects one proposal borrows.
    public fun max_objects(): u64 { MAX_OBJECTS }
}
