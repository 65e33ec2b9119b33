//! [`Controller`]: a signer acting on one identity with one credential, and
//! the transaction pieces its proposals and executions are made of.

use movid_runtime::types::{Address, Argument, ObjectID, TypeTag};

use super::credentials::CredentialChange;
use super::state::{self, ConfigChange};
use super::{
    calls, delegation_token_type, event_type, BorrowedObject, ControllerCap, Credential,
    DelegationToken, IdentityClient, IdentityError, Proposal, ProposalAction, ProposalKind,
    ProposalOutcome, SubIdentityAccess, PKG,
};
use crate::did::{self, DidDocument, Encoding};
use crate::error::{SdkError, SdkResult};
use crate::tx::{type_matches, Signer, TransactionBuilder, TransactionResponse};

/// What a [`Controller`] can do as one transaction, for
/// [`Controller::transaction`] (building it without executing it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ControllerAction {
    /// [`Controller::propose_document_bytes`].
    ProposeDocument(Vec<u8>),
    /// [`Controller::propose_deactivation`].
    ProposeDeactivation,
    /// [`Controller::propose_did_deletion`].
    ProposeDidDeletion,
    /// [`Controller::propose_config_change`].
    ProposeConfigChange(ConfigChange),
    /// [`Controller::propose_upgrade`].
    ProposeUpgrade,
    /// [`Controller::propose_identity_deletion`].
    ProposeIdentityDeletion,
    /// [`Controller::propose_send`].
    ProposeSend(Vec<(ObjectID, Address)>),
    /// [`Controller::propose_credentials`].
    ProposeCredentials(CredentialChange),
    /// [`Controller::approve`].
    Approve(ObjectID),
    /// [`Controller::remove_approval`].
    RemoveApproval(ObjectID),
    /// [`Controller::reject`].
    Reject(ObjectID),
    /// [`Controller::delete_proposal`].
    DeleteProposal(ObjectID),
    /// [`Controller::execute`] (document, config, upgrade, identity
    /// deletion, unrevoke or send proposals).
    Execute(ObjectID),
}

/// A signer acting on one identity with one credential.
#[derive(Clone)]
pub struct Controller<'a> {
    pub(super) identities: &'a IdentityClient,
    pub(super) signer: &'a dyn Signer,
    pub(super) identity: ObjectID,
    pub(super) credential: Credential,
    pub(super) controller_cap: ObjectID,
    pub(super) expiration: Option<u64>,
}

impl std::fmt::Debug for Controller<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Controller")
            .field("signer", &self.signer.address())
            .field("identity", &self.identity)
            .field("credential", &self.credential)
            .field("expiration", &self.expiration)
            .finish()
    }
}

impl<'a> Controller<'a> {
    /// Proposals made through the returned controller expire after `epoch`
    /// (`None`: never).
    pub fn with_expiration(mut self, epoch: Option<u64>) -> Self {
        self.expiration = epoch;
        self
    }

    /// The identity acted on.
    pub fn identity_id(&self) -> ObjectID {
        self.identity
    }

    /// The credential presented.
    pub fn credential(&self) -> Credential {
        self.credential
    }

    /// The `ControllerCap` ID of the controller acting (the delegating one
    /// for a token).
    pub fn controller_cap(&self) -> ObjectID {
        self.controller_cap
    }

    /// A transaction with the identity and an `Auth` from the credential.
    async fn begin(&self) -> SdkResult<(TransactionBuilder<'a>, Argument, Argument)> {
        let mut tx = TransactionBuilder::new(self.identities.client(), self.signer.address());
        let identity = tx.shared_object(self.identity, true).await?;
        let credential = tx.object(self.credential.id()).await?;
        let auth = match self.credential {
            Credential::Cap(_) => calls::auth_with_cap(&mut tx, credential),
            Credential::Token(_) => calls::auth_with_token(&mut tx, credential),
        };
        Ok((tx, identity, auth))
    }

    async fn run(
        &self,
        tx: &TransactionBuilder<'_>,
        proposal: Option<ObjectID>,
    ) -> SdkResult<TransactionResponse> {
        self.identities
            .run(
                tx,
                self.signer,
                self.identity,
                proposal,
                Some(self.controller_cap),
            )
            .await
    }

    async fn run_proposal(&self, tx: &TransactionBuilder<'_>) -> SdkResult<ProposalOutcome> {
        let response = self.run(tx, None).await?;
        proposal_outcome(response)
    }

    /// The transaction that would carry out `action`, built but neither
    /// signed nor executed: set a sponsor or a budget on it, then
    /// [`TransactionBuilder::build_unsigned`] gives the bytes to sign
    /// elsewhere (see [`crate::offline`]). Executing it does what the
    /// matching method (`approve`, `execute`, `propose_*`) does.
    pub async fn transaction(
        &self,
        action: &ControllerAction,
    ) -> SdkResult<TransactionBuilder<'a>> {
        match action {
            ControllerAction::Approve(p) => {
                return self.generic_transaction(*p, "approve_proposal").await
            }
            ControllerAction::RemoveApproval(p) => {
                return self.generic_transaction(*p, "remove_approval").await
            }
            ControllerAction::Reject(p) => {
                return self.generic_transaction(*p, "reject_proposal").await
            }
            ControllerAction::DeleteProposal(p) => {
                return self.generic_transaction(*p, "delete_proposal").await
            }
            ControllerAction::Execute(p) => return self.execute_transaction(*p).await,
            _ => {}
        }
        let (mut tx, identity, auth) = self.begin().await?;
        match action {
            ControllerAction::ProposeDocument(bytes) => {
                let clock = tx.clock().await?;
                calls::propose_update(&mut tx, identity, auth, self.expiration, bytes, clock);
            }
            ControllerAction::ProposeDeactivation => {
                let clock = tx.clock().await?;
                calls::propose_deactivation(&mut tx, identity, auth, self.expiration, clock);
            }
            ControllerAction::ProposeDidDeletion => {
                let clock = tx.clock().await?;
                calls::propose_did_deletion(&mut tx, identity, auth, self.expiration, clock);
            }
            ControllerAction::ProposeConfigChange(change) => {
                let args = vec![
                    identity,
                    auth,
                    tx.pure(&self.expiration),
                    tx.pure(&change.threshold),
                    tx.pure(&change.add.iter().map(|c| c.address).collect::<Vec<_>>()),
                    tx.pure(
                        &change
                            .add
                            .iter()
                            .map(|c| c.voting_power)
                            .collect::<Vec<_>>(),
                    ),
                    tx.pure(
                        &change
                            .add
                            .iter()
                            .map(|c| c.can_delegate)
                            .collect::<Vec<_>>(),
                    ),
                    tx.pure(&change.remove),
                    tx.pure(&change.update.iter().map(|u| u.0).collect::<Vec<_>>()),
                    tx.pure(&change.update.iter().map(|u| u.1).collect::<Vec<_>>()),
                ];
                tx.move_call(
                    PKG,
                    "config_proposal",
                    "propose_config_change",
                    vec![],
                    args,
                );
            }
            ControllerAction::ProposeUpgrade => {
                let expiration = tx.pure(&self.expiration);
                tx.move_call(
                    PKG,
                    "upgrade_proposal",
                    "propose_upgrade",
                    vec![],
                    vec![identity, auth, expiration],
                );
            }
            ControllerAction::ProposeIdentityDeletion => {
                let expiration = tx.pure(&self.expiration);
                let clock = tx.clock().await?;
                tx.move_call(
                    PKG,
                    "delete_proposal",
                    "propose_identity_deletion",
                    vec![],
                    vec![identity, auth, expiration, clock],
                );
            }
            ControllerAction::ProposeSend(transfers) => {
                add_propose_send(&mut tx, identity, auth, self.expiration, transfers);
            }
            ControllerAction::ProposeCredentials(change) => {
                change.check()?;
                let args = vec![
                    identity,
                    auth,
                    tx.pure(&self.expiration),
                    tx.pure(
                        &change
                            .set
                            .iter()
                            .map(|(n, _)| n.as_bytes())
                            .collect::<Vec<_>>(),
                    ),
                    tx.pure(
                        &change
                            .set
                            .iter()
                            .map(|(_, j)| j.as_bytes())
                            .collect::<Vec<_>>(),
                    ),
                    tx.pure(
                        &change
                            .remove
                            .iter()
                            .map(|n| n.as_bytes())
                            .collect::<Vec<_>>(),
                    ),
                ];
                tx.move_call(
                    PKG,
                    "credential_proposal",
                    "propose_credentials",
                    vec![],
                    args,
                );
            }
            ControllerAction::Approve(_)
            | ControllerAction::RemoveApproval(_)
            | ControllerAction::Reject(_)
            | ControllerAction::DeleteProposal(_)
            | ControllerAction::Execute(_) => unreachable!("handled above"),
        }
        Ok(tx)
    }

    /// Proposes replacing the DID document with `doc` (stored
    /// deflate-compressed, its own DID as the placeholder), after checking
    /// it ([`DidDocument::validate_for_chain`]; [`SdkError::InvalidDocument`]
    /// and nothing sent if it is invalid).
    pub async fn propose_document(&self, doc: &DidDocument) -> SdkResult<ProposalOutcome> {
        doc.validate_for_chain()?;
        self.propose_document_bytes(did::pack(doc, Encoding::DeflateJson))
            .await
    }

    /// Proposes replacing the DID document with packed bytes, sent unchecked
    /// (see [`Controller::propose_document`] for the checked way).
    pub async fn propose_document_bytes(&self, bytes: Vec<u8>) -> SdkResult<ProposalOutcome> {
        let tx = self
            .transaction(&ControllerAction::ProposeDocument(bytes))
            .await?;
        self.run_proposal(&tx).await
    }

    /// Proposes deactivating the DID (the document becomes empty; a later
    /// update reactivates it).
    pub async fn propose_deactivation(&self) -> SdkResult<ProposalOutcome> {
        let tx = self
            .transaction(&ControllerAction::ProposeDeactivation)
            .await?;
        self.run_proposal(&tx).await
    }

    /// Proposes deleting the DID document for good.
    pub async fn propose_did_deletion(&self) -> SdkResult<ProposalOutcome> {
        let tx = self
            .transaction(&ControllerAction::ProposeDidDeletion)
            .await?;
        self.run_proposal(&tx).await
    }

    /// Proposes a change of controllers and threshold.
    pub async fn propose_config_change(&self, change: &ConfigChange) -> SdkResult<ProposalOutcome> {
        let tx = self
            .transaction(&ControllerAction::ProposeConfigChange(change.clone()))
            .await?;
        self.run_proposal(&tx).await
    }

    /// Proposes migrating the identity to the package's current version.
    pub async fn propose_upgrade(&self) -> SdkResult<ProposalOutcome> {
        let tx = self.transaction(&ControllerAction::ProposeUpgrade).await?;
        self.run_proposal(&tx).await
    }

    /// Proposes deleting the identity (its DID document must be deleted first).
    pub async fn propose_identity_deletion(&self) -> SdkResult<ProposalOutcome> {
        let tx = self
            .transaction(&ControllerAction::ProposeIdentityDeletion)
            .await?;
        self.run_proposal(&tx).await
    }

    /// Proposes sending objects the identity owns, each to its recipient.
    /// Never executes at once: see [`Controller::send_now`].
    pub async fn propose_send(&self, transfers: &[(ObjectID, Address)]) -> SdkResult<ObjectID> {
        let tx = self
            .transaction(&ControllerAction::ProposeSend(transfers.to_vec()))
            .await?;
        let outcome = self.run_proposal(&tx).await?;
        Ok(outcome.proposal_id)
    }

    /// Proposes setting and removing public credentials (see [`super::credentials`]), after
    /// checking the change ([`CredentialChange::check`]; nothing is sent if it fails).
    /// Executes at once when this controller alone reaches the threshold.
    pub async fn propose_credentials(
        &self,
        change: &CredentialChange,
    ) -> SdkResult<ProposalOutcome> {
        let tx = self
            .transaction(&ControllerAction::ProposeCredentials(change.clone()))
            .await?;
        self.run_proposal(&tx).await
    }

    /// Proposes borrowing objects the identity owns.
    pub async fn propose_borrow(&self, objects: &[ObjectID]) -> SdkResult<ObjectID> {
        let (mut tx, identity, auth) = self.begin().await?;
        add_propose_borrow(&mut tx, identity, auth, self.expiration, objects);
        let outcome = self.run_proposal(&tx).await?;
        Ok(outcome.proposal_id)
    }

    /// Proposes using `credential`, a `ControllerCap` or `DelegationToken`
    /// the identity owns, on the sub-identity it belongs to.
    pub async fn propose_controller_execution(&self, credential: ObjectID) -> SdkResult<ObjectID> {
        let (mut tx, identity, auth) = self.begin().await?;
        let expiration = tx.pure(&self.expiration);
        let credential = tx.pure(&credential);
        tx.move_call(
            PKG,
            "controller_proposal",
            "propose_controller_execution",
            vec![],
            vec![identity, auth, expiration, credential],
        );
        let outcome = self.run_proposal(&tx).await?;
        Ok(outcome.proposal_id)
    }

    /// Approves proposal `proposal_id`.
    pub async fn approve(&self, proposal_id: ObjectID) -> SdkResult<TransactionResponse> {
        self.generic(proposal_id, "approve_proposal").await
    }

    /// Withdraws this controller's approval of `proposal_id`.
    pub async fn remove_approval(&self, proposal_id: ObjectID) -> SdkResult<TransactionResponse> {
        self.generic(proposal_id, "remove_approval").await
    }

    /// Rejects `proposal_id` (needs APPROVE). Once the rejecters' current
    /// voting power reaches the threshold the proposal is deleted in the
    /// same call.
    pub async fn reject(&self, proposal_id: ObjectID) -> SdkResult<TransactionResponse> {
        self.generic(proposal_id, "reject_proposal").await
    }

    /// Deletes `proposal_id`, which must have expired, have no current
    /// votes, or have been rejected by the threshold.
    pub async fn delete_proposal(&self, proposal_id: ObjectID) -> SdkResult<TransactionResponse> {
        self.generic(proposal_id, "delete_proposal").await
    }

    async fn generic(
        &self,
        proposal_id: ObjectID,
        function: &str,
    ) -> SdkResult<TransactionResponse> {
        let tx = self.generic_transaction(proposal_id, function).await?;
        self.run(&tx, Some(proposal_id)).await
    }

    async fn generic_transaction(
        &self,
        proposal_id: ObjectID,
        function: &str,
    ) -> SdkResult<TransactionBuilder<'a>> {
        // The action type is read from the object's type, not its contents,
        // so a proposal whose contents do not decode can still be voted on,
        // rejected and deleted.
        let action_type = self.action_type(proposal_id).await?;
        let (mut tx, identity, auth) = self.begin().await?;
        let id = tx.pure(&proposal_id);
        tx.move_call(
            PKG,
            "identity",
            function,
            vec![action_type],
            vec![identity, auth, id],
        );
        Ok(tx)
    }

    /// The `T` of the open proposal `Proposal<T>` `proposal_id`.
    async fn action_type(&self, proposal_id: ObjectID) -> SdkResult<TypeTag> {
        let object = match self.identities.client().object(proposal_id).await {
            Err(SdkError::ObjectNotFound(_)) => return Err(IdentityError::ProposalNotFound.into()),
            other => other?,
        };
        object
            .type_()
            .filter(|t| state::is_proposal_type(t))
            .map(|t| t.type_params[0].clone())
            .ok_or_else(|| {
                SdkError::wrong_type(
                    proposal_id,
                    "0x3::multicontroller::Proposal<T>",
                    object.type_(),
                )
            })
    }

    /// Reads an open proposal of this identity.
    async fn proposal(&self, proposal_id: ObjectID) -> SdkResult<Proposal> {
        match self.identities.get_proposal(proposal_id).await {
            Err(SdkError::ObjectNotFound(_)) => Err(IdentityError::ProposalNotFound.into()),
            other => other,
        }
    }

    /// Executes an approved proposal: document, config, upgrade, identity
    /// deletion or send. Borrow and sub-identity proposals add the caller's
    /// commands: use [`Controller::execute_borrow`] and
    /// [`Controller::access_sub_identity`].
    pub async fn execute(&self, proposal_id: ObjectID) -> SdkResult<TransactionResponse> {
        let tx = self.execute_transaction(proposal_id).await?;
        self.run(&tx, Some(proposal_id)).await
    }

    async fn execute_transaction(
        &self,
        proposal_id: ObjectID,
    ) -> SdkResult<TransactionBuilder<'a>> {
        let proposal = self.proposal(proposal_id).await?;
        let (mut tx, identity, auth) = self.begin().await?;
        let id = tx.pure(&proposal_id);
        match (&proposal.kind(), &proposal.action) {
            (Some(ProposalKind::UpdateDid), _) => {
                let clock = tx.clock().await?;
                calls::execute_update(&mut tx, identity, auth, id, clock);
            }
            (Some(ProposalKind::ConfigChange), _) => {
                tx.move_call(
                    PKG,
                    "config_proposal",
                    "execute_config_change",
                    vec![],
                    vec![identity, auth, id],
                );
            }
            (Some(ProposalKind::Upgrade), _) => {
                tx.move_call(
                    PKG,
                    "upgrade_proposal",
                    "execute_upgrade",
                    vec![],
                    vec![identity, auth, id],
                );
            }
            (Some(ProposalKind::DeleteIdentity), _) => {
                let clock = tx.clock().await?;
                tx.move_call(
                    PKG,
                    "delete_proposal",
                    "execute_identity_deletion",
                    vec![],
                    vec![identity, auth, id, clock],
                );
            }
            (Some(ProposalKind::UnrevokeToken), _) => {
                tx.move_call(
                    PKG,
                    "unrevoke_proposal",
                    "execute_unrevoke",
                    vec![],
                    vec![identity, auth, id],
                );
            }
            (Some(ProposalKind::UpdateCredentials), _) => {
                tx.move_call(
                    PKG,
                    "credential_proposal",
                    "execute_credentials",
                    vec![],
                    vec![identity, auth, id],
                );
            }
            (Some(ProposalKind::Send), ProposalAction::Send { objects, .. }) => {
                add_execute_send(&mut tx, identity, auth, id, objects).await?;
            }
            (kind, _) => {
                return Err(SdkError::InvalidArgument(format!(
                    "proposal {proposal_id} ({kind:?}) needs the caller's commands: use execute_borrow or access_sub_identity"
                )))
            }
        }
        Ok(tx)
    }

    /// Proposes and executes, in one transaction, sending objects the
    /// identity owns; needs this controller alone to reach the threshold.
    pub async fn send_now(
        &self,
        transfers: &[(ObjectID, Address)],
    ) -> SdkResult<TransactionResponse> {
        let (mut tx, identity, auth) = self.begin().await?;
        let id = add_propose_send(&mut tx, identity, auth, self.expiration, transfers);
        let objects: Vec<ObjectID> = transfers.iter().map(|t| t.0).collect();
        add_execute_send(&mut tx, identity, auth, id, &objects).await?;
        self.run(&tx, None).await
    }

    /// Executes an approved borrow proposal: takes its objects out of the
    /// identity, lets `f` add commands using them, and gives them back, all
    /// in one transaction.
    pub async fn execute_borrow<F>(
        &self,
        proposal_id: ObjectID,
        f: F,
    ) -> SdkResult<TransactionResponse>
    where
        F: FnOnce(&mut TransactionBuilder<'a>, &[BorrowedObject]) -> SdkResult<()> + Send,
    {
        let proposal = self.proposal(proposal_id).await?;
        let ProposalAction::Borrow { objects } = &proposal.action else {
            return Err(SdkError::InvalidArgument(format!(
                "proposal {proposal_id} is not a borrow proposal"
            )));
        };
        let (mut tx, identity, auth) = self.begin().await?;
        let id = tx.pure(&proposal_id);
        add_borrow(&mut tx, identity, auth, id, objects, f).await?;
        self.run(&tx, Some(proposal_id)).await
    }

    /// Proposes and executes, in one transaction, borrowing objects the
    /// identity owns for `f`'s commands; needs this controller alone to
    /// reach the threshold.
    pub async fn borrow_now<F>(&self, objects: &[ObjectID], f: F) -> SdkResult<TransactionResponse>
    where
        F: FnOnce(&mut TransactionBuilder<'a>, &[BorrowedObject]) -> SdkResult<()> + Send,
    {
        let (mut tx, identity, auth) = self.begin().await?;
        let id = add_propose_borrow(&mut tx, identity, auth, self.expiration, objects);
        add_borrow(&mut tx, identity, auth, id, objects, f).await?;
        self.run(&tx, None).await
    }

    /// Executes an approved sub-identity proposal: presents the credential
    /// the identity owns and lets `f` add commands acting on the
    /// sub-identity with the resulting `Auth` (see [`calls`]).
    pub async fn access_sub_identity<F>(
        &self,
        proposal_id: ObjectID,
        f: F,
    ) -> SdkResult<TransactionResponse>
    where
        F: FnOnce(&mut TransactionBuilder<'a>, &SubIdentityAccess) -> SdkResult<()> + Send,
    {
        let proposal = self.proposal(proposal_id).await?;
        let ProposalAction::ControllerExecution { credential } = proposal.action else {
            return Err(SdkError::InvalidArgument(format!(
                "proposal {proposal_id} is not a sub-identity access proposal"
            )));
        };
        let client = self.identities.client();
        let object = client.object(credential).await?;
        let (function, sub_identity) = match ControllerCap::from_object(&object) {
            Ok(cap) => ("execute_with_cap", cap.controller_of),
            Err(_) => (
                "execute_with_token",
                DelegationToken::from_object(&object)?.controller_of,
            ),
        };
        let (mut tx, identity, auth) = self.begin().await?;
        let id = tx.pure(&proposal_id);
        let ticket = tx.receiving(credential).await?;
        let sub_auth = tx.move_call(
            PKG,
            "controller_proposal",
            function,
            vec![],
            vec![identity, auth, id, ticket],
        );
        let access = SubIdentityAccess {
            identity_id: sub_identity,
            identity: tx.shared_object(sub_identity, true).await?,
            auth: sub_auth,
            clock: tx.clock().await?,
        };
        f(&mut tx, &access)?;
        self.run(&tx, Some(proposal_id)).await
    }

    /// Mints a delegation token with `permissions` ([`permissions`] bits)
    /// and sends it to `recipient`; returns its ID. Needs a `ControllerCap`
    /// allowed to delegate.
    pub async fn delegate(&self, permissions: u64, recipient: Address) -> SdkResult<ObjectID> {
        let (mut tx, identity, auth) = self.begin().await?;
        let token = calls::delegate(&mut tx, identity, auth, permissions);
        let to = tx.pure(&recipient);
        tx.transfer_objects(vec![token], to);
        let response = self.run(&tx, None).await?;
        response.created_id_of_type(&delegation_token_type())
    }

    /// Revokes delegation token `token`, a live token of this identity, at
    /// once. Needs a `ControllerCap`; any one controller may revoke.
    pub async fn revoke_token(&self, token: ObjectID) -> SdkResult<TransactionResponse> {
        let (mut tx, identity, auth) = self.begin().await?;
        let token = tx.pure(&token);
        tx.move_call(
            PKG,
            "identity",
            "revoke_token",
            vec![],
            vec![identity, auth, token],
        );
        self.run(&tx, None).await
    }

    /// Proposes lifting the revocation of delegation token `token`; executes
    /// at once only if this controller alone reaches the threshold (undoing
    /// a revocation is a change of the identity like any other).
    pub async fn propose_unrevoke(&self, token: ObjectID) -> SdkResult<ProposalOutcome> {
        let (mut tx, identity, auth) = self.begin().await?;
        let expiration = tx.pure(&self.expiration);
        let token = tx.pure(&token);
        tx.move_call(
            PKG,
            "unrevoke_proposal",
            "propose_unrevoke",
            vec![],
            vec![identity, auth, expiration, token],
        );
        self.run_proposal(&tx).await
    }
}

/// Adds `send_proposal::propose_send`; returns the proposal ID argument.
fn add_propose_send(
    tx: &mut TransactionBuilder<'_>,
    identity: Argument,
    auth: Argument,
    expiration: Option<u64>,
    transfers: &[(ObjectID, Address)],
) -> Argument {
    let args = vec![
        identity,
        auth,
        tx.pure(&expiration),
        tx.pure(&transfers.iter().map(|t| t.0).collect::<Vec<_>>()),
        tx.pure(&transfers.iter().map(|t| t.1).collect::<Vec<_>>()),
    ];
    tx.move_call(PKG, "send_proposal", "propose_send", vec![], args)
}

/// Adds `borrow_proposal::propose_borrow`; returns the proposal ID argument.
fn add_propose_borrow(
    tx: &mut TransactionBuilder<'_>,
    identity: Argument,
    auth: Argument,
    expiration: Option<u64>,
    objects: &[ObjectID],
) -> Argument {
    let args = vec![identity, auth, tx.pure(&expiration), tx.pure(objects)];
    tx.move_call(PKG, "borrow_proposal", "propose_borrow", vec![], args)
}

/// Adds `execute_send`, one `send_object<T>` per object, `conclude_send`.
async fn add_execute_send(
    tx: &mut TransactionBuilder<'_>,
    identity: Argument,
    auth: Argument,
    proposal_id: Argument,
    objects: &[ObjectID],
) -> SdkResult<()> {
    let action = tx.move_call(
        PKG,
        "send_proposal",
        "execute_send",
        vec![],
        vec![identity, auth, proposal_id],
    );
    for id in objects {
        let (ticket, ty) = receiving_with_type(tx, *id).await?;
        tx.move_call(
            PKG,
            "send_proposal",
            "send_object",
            vec![ty],
            vec![identity, action, ticket],
        );
    }
    tx.move_call(PKG, "send_proposal", "conclude_send", vec![], vec![action]);
    Ok(())
}

/// Adds `execute_borrow`, a `borrow_object<T>` per object, `f`'s commands,
/// a `return_object<T>` per object and `conclude_borrow`.
async fn add_borrow<'c, F>(
    tx: &mut TransactionBuilder<'c>,
    identity: Argument,
    auth: Argument,
    proposal_id: Argument,
    objects: &[ObjectID],
    f: F,
) -> SdkResult<()>
where
    F: FnOnce(&mut TransactionBuilder<'c>, &[BorrowedObject]) -> SdkResult<()>,
{
    let action = tx.move_call(
        PKG,
        "borrow_proposal",
        "execute_borrow",
        vec![],
        vec![identity, auth, proposal_id],
    );
    let mut borrowed = vec![];
    for id in objects {
        let (ticket, ty) = receiving_with_type(tx, *id).await?;
        let arg = tx.move_call(
            PKG,
            "borrow_proposal",
            "borrow_object",
            vec![ty.clone()],
            vec![identity, action, ticket],
        );
        let TypeTag::Struct(type_) = ty else {
            unreachable!("objects have struct types")
        };
        borrowed.push(BorrowedObject {
            id: *id,
            type_,
            arg,
        });
    }
    f(tx, &borrowed)?;
    for b in &borrowed {
        tx.move_call(
            PKG,
            "borrow_proposal",
            "return_object",
            vec![TypeTag::Struct(b.type_.clone())],
            vec![action, b.arg],
        );
    }
    tx.move_call(
        PKG,
        "borrow_proposal",
        "conclude_borrow",
        vec![],
        vec![action],
    );
    Ok(())
}

/// A `Receiving` ticket for `id` and the object's type.
async fn receiving_with_type(
    tx: &mut TransactionBuilder<'_>,
    id: ObjectID,
) -> SdkResult<(Argument, TypeTag)> {
    let object = tx.client().object(id).await?;
    let ty = object
        .type_()
        .cloned()
        .ok_or_else(|| SdkError::wrong_type(id, "Move object", None))?;
    let ticket = tx.object_arg(movid_runtime::types::ObjectArg::Receiving(
        object.object_ref(),
    ));
    Ok((ticket, TypeTag::Struct(ty)))
}

/// The proposal a transaction created, and whether it executed, from the
/// `ProposalCreated` and `ProposalExecuted` events.
fn proposal_outcome(response: TransactionResponse) -> SdkResult<ProposalOutcome> {
    let proposal_of = |contents: &[u8]| {
        contents
            .get(32..64)
            .and_then(|b| ObjectID::from_bytes(b).ok())
    };
    let created = event_type("ProposalCreated");
    let proposal_id = response
        .events
        .iter()
        .filter(|e| type_matches(&created, &e.type_))
        .find_map(|e| proposal_of(&e.contents))
        .ok_or_else(|| {
            SdkError::decode(
                format!("the events of {}", response.digest),
                "no ProposalCreated event",
            )
        })?;
    let executed_type = event_type("ProposalExecuted");
    let executed = response.events.iter().any(|e| {
        type_matches(&executed_type, &e.type_) && proposal_of(&e.contents) == Some(proposal_id)
    });
    Ok(ProposalOutcome {
        proposal_id,
        executed,
        response,
    })
}
