/// Proposals that act on another identity (a sub-identity) through a
/// `ControllerCap` or `DelegationToken` this identity owns.
///
/// Executing the proposal receives the credential, makes an `Auth` from it,
/// and sends the credential straight back to this identity; the returned
/// `Auth` works on the sub-identity for the rest of the transaction only
/// (it has no `store`) and cannot delegate: one approved proposal is one
/// transaction's access, never a lasting credential. The credential never
/// leaves the identity's ownership, so nothing needs returning. A token's
/// `Auth` stays subject to the sub-identity's revocation list.
module identity::controller_proposal {
    use std::option::Option;
    use sui::object::ID;
    use sui::transfer::{Self, Receiving};
    use sui::tx_context::TxContext;
    use identity::controller::{Self, Auth, ControllerCap, DelegationToken};
    use identity::identity::{Self, Identity};
    use identity::multicontroller::{Self, Action};

    /// The received credential is not the one the proposal names.
    const ECredentialMismatch: u64 = 800;

    /// Use the credential `credential` owned by the identity.
    struct ControllerExecution has store, drop {
        /// ID of a `ControllerCap` or `DelegationToken` the identity owns.
        credential: ID,
    }

    /// Proposes using the credential `credential` (a `ControllerCap` or
    /// `DelegationToken` the identity owns) once. Returns the proposal ID;
    /// execute it with `execute_with_cap` or `execute_with_token`.
    public fun propose_controller_execution(
        self: &mut Identity,
        auth: &Auth,
        expiration: Option<u64>,
        credential: ID,
        ctx: &mut TxContext,
    ): ID {
        identity::assert_not_deleted(self);
        multicontroller::create_proposal(
            identity::did_doc_mut(self), auth, ControllerExecution { credential }, expiration, ctx
        )
    }

    /// Executes the proposal with the identity's `ControllerCap` named by it,
    /// returning an `Auth` for the sub-identity that cap controls. Needs EXECUTE.
    public fun execute_with_cap(
        self: &mut Identity,
        auth: &Auth,
        proposal_id: ID,
        ticket: Receiving<ControllerCap>,
        ctx: &mut TxContext,
    ): Auth {
        take_credential(self, auth, proposal_id, transfer::receiving_object_id(&ticket), ctx);
        let owner = identity::to_address(self);
        let cap = controller::receive_cap(identity::uid_mut(self), ticket);
        let sub_auth = controller::auth_for_sub_identity(&cap);
        controller::transfer_cap(cap, owner);
        sub_auth
    }

    /// Executes the proposal with the identity's `DelegationToken` named by
    /// it, returning an `Auth` for that token's identity. Needs EXECUTE.
    public fun execute_with_token(
        self: &mut Identity,
        auth: &Auth,
        proposal_id: ID,
        ticket: Receiving<DelegationToken>,
        ctx: &mut TxContext,
    ): Auth {
        take_credential(self, auth, proposal_id, transfer::receiving_object_id(&ticket), ctx);
        let owner = identity::to_address(self);
        let token = transfer::public_receive(identity::uid_mut(self), ticket);
        let sub_auth = controller::auth_with_token(&token);
        transfer::public_transfer(token, owner);
        sub_auth
    }

    /// The credential a `ControllerExecution` uses.
    public fun credential(action: &ControllerExecution): ID { action.credential }

    /// Executes the proposal and checks it names `credential`.
    fun take_credential(self: &mut Identity, auth: &Auth, proposal_id: ID, credential: ID, ctx: &mut TxContext) {
        identity::assert_not_deleted(self);
        let action: Action<ControllerExecution> = multicontroller::execute_proposal(
            identity::did_doc_mut(self), auth, proposal_id, ctx
        );
        let ControllerExecution { credential: expected } = multicontroller::unwrap_action(action);
        assert!(credential == expected, ECredentialMismatch);
    }
}
