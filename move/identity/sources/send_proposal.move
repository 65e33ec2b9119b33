/// Proposals that send objects the identity owns (objects transferred to the
/// identity's address) to recipients.
///
/// Execution is a sequence a programmable transaction composes:
/// `execute_send` returns the hot potato `Action<Send>`; `send_object` moves
/// one object (given as a `Receiving` ticket) to its recipient; and
/// `conclude_send` consumes the action once every object was sent, so a
/// proposal is carried out completely or not at all.
module identity::send_proposal {
    use std::option::Option;
    use std::vector;
    use sui::object::ID;
    use sui::transfer::{Self, Receiving};
    use sui::tx_context::TxContext;
    use identity::controller::Auth;
    use identity::identity::{Self, Identity};
    use identity::multicontroller::{Self, Action};
    use identity::utils;

    /// A send proposal needs at least one object.
    const ENoObjects: u64 = 600;
    /// More than `MAX_OBJECTS` objects.
    const ETooManyObjects: u64 = 601;
    /// An object is listed twice.
    const EDuplicateObject: u64 = 602;
    /// `objects` and `recipients` have different lengths.
    const EMismatchedLengths: u64 = 603;
    /// The action belongs to a different identity.
    const EWrongIdentity: u64 = 604;
    /// The received object is not one this proposal sends (or was already sent).
    const EObjectNotInProposal: u64 = 605;
    /// Not every object of the proposal was sent.
    const EUnsentObjects: u64 = 606;

    /// Most objects one proposal sends.
    const MAX_OBJECTS: u64 = 64;

    /// Send `objects[i]` to `recipients[i]`.
    struct Send has store, drop {
        /// The identity owning the objects.
        identity: ID,
        /// Objects still to send.
        objects: vector<ID>,
        recipients: vector<address>,
    }

    /// Proposes sending each of `objects` (owned by the identity) to the
    /// recipient at the same index. Returns the proposal ID; execute it with
    /// `execute_send` (in the same transaction if the proposer alone reaches
    /// the threshold).
    public fun propose_send(
        self: &mut Identity,
        auth: &Auth,
        expiration: Option<u64>,
        objects: vector<ID>,
        recipients: vector<address>,
        ctx: &mut TxContext,
    ): ID {
        identity::assert_not_deleted(self);
        let n = vector::length(&objects);
        assert!(n > 0, ENoObjects);
        assert!(n <= MAX_OBJECTS, ETooManyObjects);
        assert!(vector::length(&recipients) == n, EMismatchedLengths);
        assert!(!utils::has_duplicates(&objects), EDuplicateObject);
        let action = Send { identity: identity::id(self), objects, recipients };
        multicontroller::create_proposal(identity::did_doc_mut(self), auth, action, expiration, ctx)
    }

    /// Executes an approved send proposal. Needs EXECUTE.
    public fun execute_send(self: &mut Identity, auth: &Auth, proposal_id: ID, ctx: &mut TxContext): Action<Send> {
        identity::assert_not_deleted(self);
        multicontroller::execute_proposal(identity::did_doc_mut(self), auth, proposal_id, ctx)
    }

    /// Receives one of the action's objects from the identity and sends it to
    /// its recipient.
    public fun send_object<T: key + store>(self: &mut Identity, action: &mut Action<Send>, ticket: Receiving<T>) {
        let send = multicontroller::borrow_action_mut(action);
        assert!(send.identity == identity::id(self), EWrongIdentity);
        let (found, i) = vector::index_of(&send.objects, &transfer::receiving_object_id(&ticket));
        assert!(found, EObjectNotInProposal);
        vector::remove(&mut send.objects, i);
        let recipient = vector::remove(&mut send.recipients, i);
        let object = transfer::public_receive(identity::uid_mut(self), ticket);
        transfer::public_transfer(object, recipient);
    }

    /// Consumes the action; aborts unless every object was sent.
    public fun conclude_send(action: Action<Send>) {
        let Send { identity: _, objects, recipients: _ } = multicontroller::unwrap_action(action);
        assert!(vector::is_empty(&objects), EUnsentObjects);
    }

    /// The objects a send action still has to send.
    public fun objects(send: &Send): vector<ID> { send.objects }

    /// The recipients of those objects, in the same order.
    public fun recipients(send: &Send): vector<address> { send.recipients }

    /// Most objects one proposal sends.
    public fun max_objects(): u64 { MAX_OBJECTS }
}
