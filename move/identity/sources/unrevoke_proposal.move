/// Proposals that lift a delegation token's revocation.
///
/// Revoking is fast: any one controller does it with its `ControllerCap`
/// (`identity::revoke_token`), because it only takes power away. Undoing it
/// gives the power back, so it is a change of the identity like any other:
/// a proposal whose approvals reach the threshold. Otherwise one controller
/// of a 2-of-2 identity could undo alone what the other decided.
module identity::unrevoke_proposal {
    use std::option::{Self, Option};
    use sui::object::ID;
    use sui::tx_context::TxContext;
    use identity::controller::{Self, Auth};
    use identity::identity::{Self, Identity};
    use identity::multicontroller::{Self, Action};

    /// Lift the revocation of the token `token`.
    struct UnrevokeToken has store, drop {
        token: ID,
    }

    /// Proposes lifting the revocation of `token_id`, which must be revoked
    /// (`multicontroller::ETokenNotRevoked` otherwise). Executes at once,
    /// returning none, when the proposer alone reaches the threshold and may
    /// execute.
    public fun propose_unrevoke(
        self: &mut Identity,
        auth: &Auth,
        expiration: Option<u64>,
        token_id: ID,
        ctx: &mut TxContext,
    ): Option<ID> {
        identity::assert_not_deleted(self);
        multicontroller::assert_token_revoked(identity::did_doc(self), token_id);
        let proposal_id = multicontroller::create_proposal(
            identity::did_doc_mut(self), auth, UnrevokeToken { token: token_id }, expiration, ctx
        );
        if (multicontroller::can_execute_now<Option<vector<u8>>, UnrevokeToken>(identity::did_doc(self), auth, proposal_id)) {
            execute_unrevoke(self, auth, proposal_id, ctx);
            option::none()
        } else {
            option::some(proposal_id)
        }
    }

    /// Executes an approved unrevoke proposal. Needs EXECUTE. Aborts with
    /// `multicontroller::ETokenNotRevoked` if the token is no longer revoked
    /// (another proposal lifted it, or the token was destroyed).
    public fun execute_unrevoke(self: &mut Identity, auth: &Auth, proposal_id: ID, ctx: &mut TxContext) {
        identity::assert_not_deleted(self);
        let action: Action<UnrevokeToken> = multicontroller::execute_proposal(
            identity::did_doc_mut(self), auth, proposal_id, ctx
        );
        let UnrevokeToken { token } = multicontroller::unwrap_action(action);
        multicontroller::unrevoke_token(identity::did_doc_mut(self), token, controller::auth_controller(auth));
    }

    /// The token an `UnrevokeToken` action unrevokes.
    public fun token(action: &UnrevokeToken): ID { action.token }
}
