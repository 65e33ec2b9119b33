//! The identity package's functions as transaction commands, for building
//! transactions by hand (inside the closures of
//! [`super::Controller::execute_borrow`] and
//! [`super::Controller::access_sub_identity`], for example).
//!
//! Each function adds one `MoveCall` and returns its result. `identity` is
//! the `Identity` input (shared, mutable), `auth` an `Auth` made by
//! [`auth_with_cap`] or [`auth_with_token`] (or returned by a sub-identity
//! access), `clock` the shared `Clock`.

use movid_runtime::types::{Argument, ObjectID, TypeTag, WellKnown};

use crate::tx::TransactionBuilder;

const PKG: ObjectID = ObjectID::IDENTITY;

/// `controller::auth_with_cap(&ControllerCap): Auth`.
pub fn auth_with_cap(tx: &mut TransactionBuilder<'_>, cap: Argument) -> Argument {
    tx.move_call(PKG, "controller", "auth_with_cap", vec![], vec![cap])
}

/// `controller::auth_with_token(&DelegationToken): Auth`.
pub fn auth_with_token(tx: &mut TransactionBuilder<'_>, token: Argument) -> Argument {
    tx.move_call(PKG, "controller", "auth_with_token", vec![], vec![token])
}

/// `did_proposal::propose_update(identity, auth, expiration, doc, clock): Option<ID>`.
pub fn propose_update(
    tx: &mut TransactionBuilder<'_>,
    identity: Argument,
    auth: Argument,
    expiration: Option<u64>,
    doc: &[u8],
    clock: Argument,
) -> Argument {
    let expiration = tx.pure(&expiration);
    let doc = tx.pure(doc);
    tx.move_call(
        PKG,
        "did_proposal",
        "propose_update",
        vec![],
        vec![identity, auth, expiration, doc, clock],
    )
}

/// `did_proposal::propose_deactivation(identity, auth, expiration, clock): Option<ID>`.
pub fn propose_deactivation(
    tx: &mut TransactionBuilder<'_>,
    identity: Argument,
    auth: Argument,
    expiration: Option<u64>,
    clock: Argument,
) -> Argument {
    let expiration = tx.pure(&expiration);
    tx.move_call(
        PKG,
        "did_proposal",
        "propose_deactivation",
        vec![],
        vec![identity, auth, expiration, clock],
    )
}

/// `did_proposal::propose_did_deletion(identity, auth, expiration, clock): Option<ID>`.
pub fn propose_did_deletion(
    tx: &mut TransactionBuilder<'_>,
    identity: Argument,
    auth: Argument,
    expiration: Option<u64>,
    clock: Argument,
) -> Argument {
    let expiration = tx.pure(&expiration);
    tx.move_call(
        PKG,
        "did_proposal",
        "propose_did_deletion",
        vec![],
        vec![identity, auth, expiration, clock],
    )
}

/// `identity::approve_proposal<T>(identity, auth, proposal_id)`.
pub fn approve_proposal(
    tx: &mut TransactionBuilder<'_>,
    identity: Argument,
    auth: Argument,
    action_type: TypeTag,
    proposal_id: Argument,
) -> Argument {
    tx.move_call(
        PKG,
        "identity",
        "approve_proposal",
        vec![action_type],
        vec![identity, auth, proposal_id],
    )
}

/// `did_proposal::execute_update(identity, auth, proposal_id, clock)`.
pub fn execute_update(
    tx: &mut TransactionBuilder<'_>,
    identity: Argument,
    auth: Argument,
    proposal_id: Argument,
    clock: Argument,
) -> Argument {
    tx.move_call(
        PKG,
        "did_proposal",
        "execute_update",
        vec![],
        vec![identity, auth, proposal_id, clock],
    )
}

/// `identity::delegate(identity, auth, permissions): DelegationToken`.
pub fn delegate(
    tx: &mut TransactionBuilder<'_>,
    identity: Argument,
    auth: Argument,
    permissions: u64,
) -> Argument {
    let permissions = tx.pure(&permissions);
    tx.move_call(
        PKG,
        "identity",
        "delegate",
        vec![],
        vec![identity, auth, permissions],
    )
}
