/// Proposals that change the DID document: update it (`Some(doc)`),
/// deactivate it (`Some([])`) or delete it (`None`, permanent).
///
/// The three are one action type, `UpdateDid`, because they are one
/// operation on the document with different values: clients execute any of
/// them with `execute_update`. A deactivated document can be updated again
/// (reactivated); a deleted one cannot.
module identity::did_proposal {
    use std::option::{Self, Option};
    use sui::clock::Clock;
    use sui::object::ID;
    use sui::tx_context::TxContext;
    use identity::controller::Auth;
    use identity::document;
    use identity::identity::{Self, Identity};
    use identity::multicontroller::{Self, Action};

    /// The DID document was deleted; it can no longer change.
    const EDidDeleted: u64 = 1100;

    /// Sets the document to `doc`.
    struct UpdateDid has store, drop {
        doc: Option<vector<u8>>,
    }

    /// Proposes replacing the document with `doc`, a valid on-chain DID
    /// document. Executes at once, returning none, when the proposer alone
    /// reaches the threshold and may execute; otherwise returns the proposal ID.
    public fun propose_update(
        self: &mut Identity,
        auth: &Auth,
        expiration: Option<u64>,
        doc: vector<u8>,
        clock: &Clock,
        ctx: &mut TxContext,
    ): Option<ID> {
        document::assert_valid(&doc);
        propose(self, auth, expiration, option::some(doc), clock, ctx)
    }

    /// Proposes deactivating the document (`Some([])`); as `propose_update`.
    public fun propose_deactivation(
        self: &mut Identity,
        auth: &Auth,
        expiration: Option<u64>,
        clock: &Clock,
        ctx: &mut TxContext,
    ): Option<ID> {
        propose(self, auth, expiration, option::some(vector[]), clock, ctx)
    }

    /// Proposes deleting the document for good (`None`); as `propose_update`.
    public fun propose_did_deletion(
        self: &mut Identity,
        auth: &Auth,
        expiration: Option<u64>,
        clock: &Clock,
        ctx: &mut TxContext,
    ): Option<ID> {
        propose(self, auth, expiration, option::none(), clock, ctx)
    }

    /// Executes an approved update, deactivation or deletion. Needs EXECUTE.
    public fun execute_update(
        self: &mut Identity,
        auth: &Auth,
        proposal_id: ID,
        clock: &Clock,
        ctx: &mut TxContext,
    ) {
        identity::assert_not_deleted(self);
        assert!(!identity::deleted_did(self), EDidDeleted);
        let action: Action<UpdateDid> = multicontroller::execute_proposal(
            identity::did_doc_mut(self), auth, proposal_id, ctx
        );
        let UpdateDid { doc } = multicontroller::unwrap_action(action);
        identity::set_did_document(self, doc, clock);
    }

    /// The document an `UpdateDid` sets.
    public fun doc(action: &UpdateDid): &Option<vector<u8>> { &action.doc }

    /// Opens an `UpdateDid` proposal and executes it when possible.
    fun propose(
        self: &mut Identity,
        auth: &Auth,
        expiration: Option<u64>,
        doc: Option<vector<u8>>,
        clock: &Clock,
        ctx: &mut TxContext,
    ): Option<ID> {
        identity::assert_not_deleted(self);
        assert!(!identity::deleted_did(self), EDidDeleted);
        let proposal_id = multicontroller::create_proposal(
            identity::did_doc_mut(self), auth, UpdateDid { doc }, expiration, ctx
        );
        if (multicontroller::can_execute_now<Option<vector<u8>>, UpdateDid>(identity::did_doc(self), auth, proposal_id)) {
            execute_update(self, auth, proposal_id, clock, ctx);
            option::none()
        } else {
            option::some(proposal_id)
        }
    }
}
