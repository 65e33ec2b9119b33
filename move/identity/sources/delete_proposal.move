/// Proposals that delete an identity.
///
/// Rule: an identity can be deleted only after its DID document was deleted
/// (itself a threshold decision), by a second proposal reaching the
/// threshold. Deletion removes every controller - their caps can then be
/// destroyed - and makes the identity refuse all further operations; its
/// object remains so that its DID resolves as deleted. Objects the identity
/// still owns become unreachable: send them away first. Proposals still open
/// at deletion can be purged by anyone with `identity::purge_proposal`.
module identity::delete_proposal {
    use std::option::{Self, Option};
    use sui::clock::Clock;
    use sui::object::ID;
    use sui::tx_context::TxContext;
    use identity::controller::Auth;
    use identity::identity::{Self, Identity};
    use identity::multicontroller::{Self, Action};

    /// The DID document must be deleted before the identity.
    const EDidNotDeleted: u64 = 1000;

    /// Delete the identity.
    struct DeleteIdentity has store, drop {}

    /// Proposes deleting the identity, whose DID document must already be
    /// deleted. Executes at once, returning none, when the proposer alone
    /// reaches the threshold and may execute.
    public fun propose_identity_deletion(
        self: &mut Identity,
        auth: &Auth,
        expiration: Option<u64>,
        clock: &Clock,
        ctx: &mut TxContext,
    ): Option<ID> {
        identity::assert_not_deleted(self);
        assert!(identity::deleted_did(self), EDidNotDeleted);
        let proposal_id = multicontroller::create_proposal(
            identity::did_doc_mut(self), auth, DeleteIdentity {}, expiration, ctx
        );
        if (multicontroller::can_execute_now<Option<vector<u8>>, DeleteIdentity>(identity::did_doc(self), auth, proposal_id)) {
            execute_identity_deletion(self, auth, proposal_id, clock, ctx);
            option::none()
        } else {
            option::some(proposal_id)
        }
    }

    /// Executes an approved deletion. Needs EXECUTE.
    public fun execute_identity_deletion(
        self: &mut Identity,
        auth: &Auth,
        proposal_id: ID,
        clock: &Clock,
        ctx: &mut TxContext,
    ) {
        identity::assert_not_deleted(self);
        let action: Action<DeleteIdentity> = multicontroller::execute_proposal(
            identity::did_doc_mut(self), auth, proposal_id, ctx
        );
        let DeleteIdentity {} = multicontroller::unwrap_action(action);
        identity::mark_deleted(self, clock);
    }
}
