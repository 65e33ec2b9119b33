//! On-chain identities: creating them, reading them, and governing them
//! through proposals (docs/DESIGN.md §8, `move/identity/README.md`).
//!
//! An [`IdentityClient`] creates identities ([`IdentityClient::create_identity`]),
//! reads them ([`IdentityClient::get_identity`], decoding the `Identity`
//! object and its open proposals), finds the DIDs an address controls and an
//! identity's document history. Acting on an identity goes through a
//! [`Controller`]: a signer presenting one credential (its `ControllerCap`,
//! or a `DelegationToken`) to one identity. Each `propose_*` call opens a
//! proposal approved by its proposer and, for the kinds that allow it,
//! executes it at once when the proposer alone reaches the threshold
//! ([`ProposalOutcome::executed`]); other controllers then
//! [`Controller::approve`] and one of them [`Controller::execute`]s.
//!
//! Aborts of the identity package come back as [`SdkError::Identity`] with
//! a named [`IdentityError`], `ThresholdNotReached` with the votes and
//! threshold read from the identity.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! use std::sync::Arc;
//! use movid_runtime::genesis::dev_keys;
//! use movid_sdk::client::InProcessClient;
//! use movid_sdk::identity::IdentityClient;
//!
//! let identities = IdentityClient::new(Arc::new(InProcessClient::new_dev()?));
//! let keys = dev_keys(2);
//! let identity = identities
//!     .create_identity()
//!     .controller(keys[0].address(), 1)
//!     .controller(keys[1].address(), 1)
//!     .threshold(2)
//!     .execute(&keys[0])
//!     .await?;
//!
//! // Alice proposes deactivating the DID; Bob approves and executes.
//! let alice = identities.controller(identity.id, &keys[0]).await?;
//! let proposal = alice.propose_deactivation().await?;
//! assert!(!proposal.executed);
//! let bob = identities.controller(identity.id, &keys[1]).await?;
//! bob.approve(proposal.proposal_id).await?;
//! bob.execute(proposal.proposal_id).await?;
//! assert!(identities.get_identity(identity.id).await?.is_deactivated());
//! # Ok::<(), movid_sdk::SdkError>(())
//! # }).unwrap();
//! ```

pub mod asset;
pub mod calls;
mod controller;
pub mod credentials;
mod error;
mod state;

use std::sync::Arc;

use movid_runtime::types::{Address, Argument, Object, ObjectID, StructTag, TypeTag, WellKnown};

pub use asset::AssetClient;
pub use controller::{Controller, ControllerAction};
pub use error::IdentityError;
pub use state::{
    ConfigChange, ControllerCap, ControllerInfo, DelegationToken, NewController, OnChainIdentity,
    Proposal, ProposalAction, UndecodableProposal,
};

use crate::client::Client;
use crate::did::{self, Did, DidDocument, Encoding};
use crate::error::{SdkError, SdkResult};
use crate::tx::{struct_tag, Signer, TransactionBuilder, TransactionResponse};

/// The permission bits of a `DelegationToken` (`identity::permissions`).
pub mod permissions {
    /// Create proposals.
    pub const CREATE: u64 = 0x1;
    /// Approve proposals.
    pub const APPROVE: u64 = 0x2;
    /// Execute approved proposals.
    pub const EXECUTE: u64 = 0x4;
    /// Delete expired or unapproved proposals.
    pub const DELETE: u64 = 0x8;
    /// Withdraw one's approval.
    pub const REMOVE_APPROVAL: u64 = 0x10;
    /// Every permission.
    pub const ALL: u64 = 0x1f;
}

const PKG: ObjectID = ObjectID::IDENTITY;

/// `0x3::identity::Identity`.
pub fn identity_type() -> StructTag {
    struct_tag(PKG, "identity", "Identity", vec![])
}

/// `0x3::controller::ControllerCap`.
pub fn controller_cap_type() -> StructTag {
    struct_tag(PKG, "controller", "ControllerCap", vec![])
}

/// `0x3::controller::DelegationToken`.
pub fn delegation_token_type() -> StructTag {
    struct_tag(PKG, "controller", "DelegationToken", vec![])
}

/// `0x3::events::<name>`.
pub fn event_type(name: &str) -> StructTag {
    struct_tag(PKG, "events", name, vec![])
}

/// The kinds of proposal, by their action type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProposalKind {
    /// `did_proposal::UpdateDid`: update, deactivate or delete the document.
    UpdateDid,
    /// `config_proposal::ConfigChange`.
    ConfigChange,
    /// `send_proposal::Send`.
    Send,
    /// `borrow_proposal::Borrow`.
    Borrow,
    /// `controller_proposal::ControllerExecution`.
    ControllerExecution,
    /// `upgrade_proposal::Upgrade`.
    Upgrade,
    /// `delete_proposal::DeleteIdentity`.
    DeleteIdentity,
    /// `unrevoke_proposal::UnrevokeToken`.
    UnrevokeToken,
    /// `credential_proposal::UpdateCredentials`: set and remove public credentials.
    UpdateCredentials,
}

impl ProposalKind {
    const ALL: [ProposalKind; 9] = [
        ProposalKind::UpdateDid,
        ProposalKind::ConfigChange,
        ProposalKind::Send,
        ProposalKind::Borrow,
        ProposalKind::ControllerExecution,
        ProposalKind::Upgrade,
        ProposalKind::DeleteIdentity,
        ProposalKind::UnrevokeToken,
        ProposalKind::UpdateCredentials,
    ];

    fn module_and_name(self) -> (&'static str, &'static str) {
        match self {
            ProposalKind::UpdateDid => ("did_proposal", "UpdateDid"),
            ProposalKind::ConfigChange => ("config_proposal", "ConfigChange"),
            ProposalKind::Send => ("send_proposal", "Send"),
            ProposalKind::Borrow => ("borrow_proposal", "Borrow"),
            ProposalKind::ControllerExecution => ("controller_proposal", "ControllerExecution"),
            ProposalKind::Upgrade => ("upgrade_proposal", "Upgrade"),
            ProposalKind::DeleteIdentity => ("delete_proposal", "DeleteIdentity"),
            ProposalKind::UnrevokeToken => ("unrevoke_proposal", "UnrevokeToken"),
            ProposalKind::UpdateCredentials => ("credential_proposal", "UpdateCredentials"),
        }
    }

    /// The action's Move type, the `T` of the generic proposal functions.
    pub fn type_tag(self) -> TypeTag {
        let (module, name) = self.module_and_name();
        TypeTag::Struct(struct_tag(PKG, module, name, vec![]))
    }

    /// The kind of an action type.
    pub fn from_type(ty: &TypeTag) -> Option<ProposalKind> {
        let TypeTag::Struct(s) = ty else { return None };
        if s.address != movid_runtime::seam::to_vm_address(PKG) {
            return None;
        }
        ProposalKind::ALL.into_iter().find(|k| {
            let (module, name) = k.module_and_name();
            s.module.as_str() == module && s.name.as_str() == name
        })
    }
}

/// The credential a controller presents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Credential {
    /// A `ControllerCap`: every permission.
    Cap(ObjectID),
    /// A `DelegationToken`: its permissions, unless revoked.
    Token(ObjectID),
}

impl Credential {
    /// The credential object's ID.
    pub fn id(&self) -> ObjectID {
        match self {
            Credential::Cap(id) | Credential::Token(id) => *id,
        }
    }
}

/// What a `propose_*` call did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProposalOutcome {
    /// The proposal's ID.
    pub proposal_id: ObjectID,
    /// Whether it was executed in the same transaction (the proposer alone
    /// reached the threshold); if not, it waits for approvals.
    pub executed: bool,
    /// The transaction.
    pub response: TransactionResponse,
}

/// An object taken out of an identity by a borrow, inside the transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BorrowedObject {
    /// The object's ID.
    pub id: ObjectID,
    /// Its type.
    pub type_: StructTag,
    /// The object, as a command argument (by value: pass it by reference to
    /// your calls, it is given back after them).
    pub arg: Argument,
}

/// A sub-identity reached through a credential its parent identity owns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubIdentityAccess {
    /// The sub-identity's object ID.
    pub identity_id: ObjectID,
    /// The sub-identity, as a (shared, mutable) command argument.
    pub identity: Argument,
    /// The `Auth` acting on the sub-identity.
    pub auth: Argument,
    /// The shared `Clock`.
    pub clock: Argument,
}

/// One version of an identity's DID document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentVersion {
    /// The identity object's version at which the document took this value.
    pub object_version: u64,
    /// The document's version number (`doc_version`): the DID document
    /// metadata's `versionId` of this version.
    pub doc_version: u64,
    /// Clock milliseconds of the change.
    pub updated_ms: u64,
    /// The stored bytes (`Some([])` deactivated, `None` deleted).
    pub did_doc: Option<Vec<u8>>,
    /// The identity's DID.
    pub did: Did,
}

impl DocumentVersion {
    /// The document, `None` when deactivated or deleted.
    pub fn document(&self) -> SdkResult<Option<DidDocument>> {
        match self.did_doc.as_deref() {
            None | Some([]) => Ok(None),
            Some(bytes) => did::unpack(bytes, &self.did)
                .map(Some)
                .map_err(|e| SdkError::decode(format!("the document of {}", self.did), e)),
        }
    }
}

/// Creates, reads and finds identities; hands out [`Controller`]s.
#[derive(Clone)]
pub struct IdentityClient {
    client: Arc<dyn Client>,
}

impl std::fmt::Debug for IdentityClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdentityClient")
            .field("network", &self.client.network())
            .finish()
    }
}

impl IdentityClient {
    /// An identity client over `client`.
    pub fn new(client: Arc<dyn Client>) -> Self {
        IdentityClient { client }
    }

    /// The underlying client.
    pub fn client(&self) -> &dyn Client {
        &*self.client
    }

    /// The DID of identity `id` on this client's network.
    pub fn did_of(&self, id: ObjectID) -> SdkResult<Did> {
        Did::new(self.client.network(), id.into_inner())
            .map_err(|e| SdkError::decode("network name", e))
    }

    /// Starts creating an identity.
    pub fn create_identity(&self) -> IdentityBuilder<'_> {
        IdentityBuilder {
            identities: self,
            controllers: vec![],
            threshold: None,
            doc: None,
            doc_error: None,
        }
    }

    /// Reads identity `id` with its open proposals. A proposal that cannot
    /// be found or decoded does not fail the read: it is listed in
    /// [`OnChainIdentity::undecodable_proposals`] with its error.
    pub async fn get_identity(&self, id: ObjectID) -> SdkResult<OnChainIdentity> {
        let object = self.client.object(id).await?;
        let mut identity = OnChainIdentity::from_object(&object, self.client.network())?;
        let (proposals, undecodable) = split_decoded(
            &identity.proposal_ids,
            self.load_proposals(&identity).await?,
        );
        identity.proposals = proposals;
        identity.undecodable_proposals = undecodable;
        Ok(identity)
    }

    /// Reads the open proposals of `identity`, one result per ID. Each
    /// proposal is an object in the identity's object bag that keeps its ID,
    /// so it is read by ID; should a node not serve child objects by ID, the
    /// bag's dynamic fields are walked instead (bag -> field -> proposal).
    async fn load_proposals(
        &self,
        identity: &OnChainIdentity,
    ) -> SdkResult<Vec<SdkResult<Proposal>>> {
        if identity.proposal_ids.is_empty() {
            return Ok(vec![]);
        }
        let objects = self
            .client
            .multi_get_objects(&identity.proposal_ids)
            .await?;
        let objects: Vec<SdkResult<Object>> = if objects.iter().all(Option::is_some) {
            objects.into_iter().flatten().map(Ok).collect()
        } else {
            let mut found = vec![];
            for field in self.client.dynamic_fields(identity.proposals_bag).await? {
                found.extend(self.client.dynamic_fields(field.id()).await?);
            }
            identity
                .proposal_ids
                .iter()
                .map(|id| {
                    found
                        .iter()
                        .find(|o| o.id() == *id)
                        .cloned()
                        .ok_or(SdkError::ObjectNotFound(*id))
                })
                .collect()
        };
        Ok(objects
            .into_iter()
            .map(|o| o.and_then(|o| Proposal::from_object(&o)))
            .collect())
    }

    /// Reads open proposal `id` alone.
    pub async fn get_proposal(&self, id: ObjectID) -> SdkResult<Proposal> {
        Proposal::from_object(&self.client.object(id).await?)
    }

    /// The `ControllerCap`s `owner` holds (an account, or an identity for
    /// its sub-identities).
    pub async fn controller_caps(&self, owner: Address) -> SdkResult<Vec<ControllerCap>> {
        let ty = controller_cap_type();
        self.client
            .owned_objects(owner)
            .await?
            .iter()
            .filter(|o| o.type_() == Some(&ty))
            .map(ControllerCap::from_object)
            .collect()
    }

    /// The `DelegationToken`s `owner` holds.
    pub async fn delegation_tokens(&self, owner: Address) -> SdkResult<Vec<DelegationToken>> {
        let ty = delegation_token_type();
        self.client
            .owned_objects(owner)
            .await?
            .iter()
            .filter(|o| o.type_() == Some(&ty))
            .map(DelegationToken::from_object)
            .collect()
    }

    /// The DIDs of the identities `owner` holds a `ControllerCap` or a
    /// `DelegationToken` of, each once, ordered by identity ID. A cap whose
    /// controller was removed, or a token that was revoked or whose
    /// delegating controller was removed, still counts until destroyed:
    /// check [`OnChainIdentity::is_controller`] or the identity's revoked
    /// tokens when it matters.
    pub async fn dids_controlled_by(&self, owner: Address) -> SdkResult<Vec<Did>> {
        // One read of what `owner` holds serves both credential kinds.
        let (cap_ty, token_ty) = (controller_cap_type(), delegation_token_type());
        let mut ids = vec![];
        for object in self.client.owned_objects(owner).await? {
            if object.type_() == Some(&cap_ty) {
                ids.push(ControllerCap::from_object(&object)?.controller_of);
            } else if object.type_() == Some(&token_ty) {
                ids.push(DelegationToken::from_object(&object)?.controller_of);
            }
        }
        ids.sort();
        ids.dedup();
        ids.into_iter().map(|id| self.did_of(id)).collect()
    }

    /// The objects identity `id` owns (sent to its address).
    pub async fn owned_by(&self, id: ObjectID) -> SdkResult<Vec<Object>> {
        self.client.owned_objects(id).await
    }

    /// Every value the identity's DID document had, oldest first, with the
    /// object version at which it took it.
    pub async fn document_history(&self, id: ObjectID) -> SdkResult<Vec<DocumentVersion>> {
        let did = self.did_of(id)?;
        let mut out: Vec<DocumentVersion> = vec![];
        for version in self.client.object_history(id).await? {
            let Some(object) = version.object else {
                continue;
            };
            let identity = OnChainIdentity::from_object(&object, self.client.network())?;
            // The package numbers the document's changes (as resolution does).
            if out.last().map(|v| v.doc_version) == Some(identity.doc_version) {
                continue;
            }
            out.push(DocumentVersion {
                object_version: version.version,
                doc_version: identity.doc_version,
                updated_ms: identity.updated_ms,
                did_doc: identity.did_doc,
                did: did.clone(),
            });
        }
        if out.is_empty() {
            return Err(SdkError::ObjectNotFound(id));
        }
        Ok(out)
    }

    /// [`IdentityClient::document_history`] `limit` versions at a time,
    /// after object version `cursor` (see [`crate::paging`]).
    pub async fn document_history_page(
        &self,
        id: ObjectID,
        cursor: Option<u64>,
        limit: usize,
    ) -> SdkResult<crate::paging::Page<DocumentVersion, u64>> {
        if limit == 0 {
            return Err(SdkError::InvalidArgument(
                "a page limit must be at least 1".into(),
            ));
        }
        let mut rest = self
            .document_history(id)
            .await?
            .into_iter()
            .filter(|v| cursor.is_none_or(|c| v.object_version > c))
            .peekable();
        let items: Vec<DocumentVersion> = rest.by_ref().take(limit).collect();
        let next_cursor = match (rest.peek(), items.last()) {
            (Some(_), Some(last)) => Some(last.object_version),
            _ => None,
        };
        Ok(crate::paging::Page { items, next_cursor })
    }

    /// Acts on identity `identity` as `signer`, with the `ControllerCap` it
    /// holds for it (a current controller's, if it holds several).
    /// [`IdentityError::NotAController`] if it holds none.
    pub async fn controller<'a>(
        &'a self,
        identity: ObjectID,
        signer: &'a dyn Signer,
    ) -> SdkResult<Controller<'a>> {
        let caps: Vec<ControllerCap> = self
            .controller_caps(signer.address())
            .await?
            .into_iter()
            .filter(|c| c.controller_of == identity)
            .collect();
        let current = OnChainIdentity::from_object(
            &self.client.object(identity).await?,
            self.client.network(),
        )?;
        let cap = caps
            .iter()
            .find(|c| current.is_controller(c.id))
            .or(caps.first())
            .ok_or(IdentityError::NotAController)?;
        Ok(self.with_cap(identity, signer, cap.id))
    }

    /// Acts on identity `identity` as `signer` with the `ControllerCap` `cap`.
    pub fn with_cap<'a>(
        &'a self,
        identity: ObjectID,
        signer: &'a dyn Signer,
        cap: ObjectID,
    ) -> Controller<'a> {
        Controller {
            identities: self,
            signer,
            identity,
            credential: Credential::Cap(cap),
            controller_cap: cap,
            expiration: None,
        }
    }

    /// Acts on the identity a `DelegationToken` belongs to, as `signer`
    /// (its holder), with the token's permissions.
    pub async fn with_token<'a>(
        &'a self,
        signer: &'a dyn Signer,
        token: ObjectID,
    ) -> SdkResult<Controller<'a>> {
        let t = DelegationToken::from_object(&self.client.object(token).await?)?;
        Ok(Controller {
            identities: self,
            signer,
            identity: t.controller_of,
            credential: Credential::Token(token),
            controller_cap: t.controller,
            expiration: None,
        })
    }

    /// Destroys a delegation token `signer` holds (the holder's choice; no
    /// vote needed), clearing it from its identity's revocation list.
    pub async fn destroy_token(
        &self,
        signer: &dyn Signer,
        token: ObjectID,
    ) -> SdkResult<TransactionResponse> {
        let t = DelegationToken::from_object(&self.client.object(token).await?)?;
        let mut tx = TransactionBuilder::new(&*self.client, signer.address());
        let identity = tx.shared_object(t.controller_of, true).await?;
        let token = tx.object(token).await?;
        tx.move_call(
            PKG,
            "identity",
            "destroy_delegation_token",
            vec![],
            vec![identity, token],
        );
        self.run(&tx, signer, t.controller_of, None, None).await
    }

    /// Destroys a `ControllerCap` `signer` holds whose controller was removed.
    pub async fn destroy_controller_cap(
        &self,
        signer: &dyn Signer,
        cap: ObjectID,
    ) -> SdkResult<TransactionResponse> {
        let c = ControllerCap::from_object(&self.client.object(cap).await?)?;
        let mut tx = TransactionBuilder::new(&*self.client, signer.address());
        let identity = tx.shared_object(c.controller_of, false).await?;
        let cap = tx.object(cap).await?;
        tx.move_call(
            PKG,
            "identity",
            "destroy_controller_cap",
            vec![],
            vec![identity, cap],
        );
        self.run(&tx, signer, c.controller_of, None, None).await
    }

    /// Deletes a proposal left open when identity `identity` was deleted;
    /// anyone may, as a deleted identity has no controllers left to do it.
    pub async fn purge_proposal(
        &self,
        signer: &dyn Signer,
        identity: ObjectID,
        proposal_id: ObjectID,
    ) -> SdkResult<TransactionResponse> {
        let proposal = match self.get_proposal(proposal_id).await {
            Err(SdkError::ObjectNotFound(_)) => return Err(IdentityError::ProposalNotFound.into()),
            other => other?,
        };
        let mut tx = TransactionBuilder::new(&*self.client, signer.address());
        let identity_arg = tx.shared_object(identity, true).await?;
        let id = tx.pure(&proposal_id);
        tx.move_call(
            PKG,
            "identity",
            "purge_proposal",
            vec![proposal.action_type],
            vec![identity_arg, id],
        );
        self.run(&tx, signer, identity, Some(proposal_id), None)
            .await
    }

    /// Executes `tx`, turning identity package aborts into [`IdentityError`]s.
    pub(super) async fn run(
        &self,
        tx: &TransactionBuilder<'_>,
        signer: &dyn Signer,
        identity: ObjectID,
        proposal: Option<ObjectID>,
        acting_cap: Option<ObjectID>,
    ) -> SdkResult<TransactionResponse> {
        match tx.execute(signer).await {
            Ok(response) => Ok(response),
            Err(err) => Err(self.explain(err, identity, proposal, acting_cap).await),
        }
    }

    /// Names an identity package abort; fills `ThresholdNotReached` from
    /// the identity's current state (the proposal's voters, or the acting
    /// controller alone for a proposal created in the failing transaction).
    async fn explain(
        &self,
        err: SdkError,
        identity: ObjectID,
        proposal: Option<ObjectID>,
        acting_cap: Option<ObjectID>,
    ) -> SdkError {
        let Some(abort) = err.move_abort() else {
            return err;
        };
        if !IdentityError::is_identity_abort(abort) {
            return err;
        }
        let mut context = (0, 0);
        if let IdentityError::ThresholdNotReached { .. } = IdentityError::from_abort(abort, (0, 0))
        {
            if let Ok(current) = self.get_identity(identity).await {
                let votes = match proposal.and_then(|p| current.proposal(p)) {
                    Some(p) => current.current_votes(p),
                    None => acting_cap
                        .and_then(|c| current.voting_power(c))
                        .unwrap_or(0),
                };
                context = (votes, current.threshold);
            }
        }
        SdkError::Identity(IdentityError::from_abort(abort, context))
    }
}

/// Sorts per-proposal results into the decoded proposals and the
/// undecodable ones (with the ID at the same index of `ids`).
pub fn split_decoded(
    ids: &[ObjectID],
    results: Vec<SdkResult<Proposal>>,
) -> (Vec<Proposal>, Vec<UndecodableProposal>) {
    let mut proposals = vec![];
    let mut undecodable = vec![];
    for (id, result) in ids.iter().zip(results) {
        match result {
            Ok(p) => proposals.push(p),
            Err(e) => undecodable.push(UndecodableProposal {
                id: *id,
                error: e.to_string(),
            }),
        }
    }
    (proposals, undecodable)
}

/// The default document of an identity controlled by a key of the key
/// manager: its Ed25519 key as `key-1` (authentication, assertionMethod)
/// and, if the key may decrypt, its X25519 key as `key-2` under
/// `keyAgreement`, so that others can encrypt to the DID from the start
/// ([`crate::keys::DidEnvelope`]). The document's DID is the placeholder
/// [`IdentityBuilder::document`] replaces with the new identity's.
pub fn default_document(keys: &crate::keys::ExternalIdentity) -> DidDocument {
    use crate::did::{KeyFormat, PublicKey, Relationship};
    let mut builder = DidDocument::builder(Did::local([0; 32])).key(
        "key-1",
        PublicKey::Ed25519(keys.ed25519_public_key()),
        KeyFormat::Multibase,
        &[Relationship::Authentication, Relationship::AssertionMethod],
    );
    if keys.capabilities().can_decrypt() {
        builder = builder.key(
            "key-2",
            PublicKey::X25519(keys.x25519_public_key()),
            KeyFormat::Multibase,
            &[Relationship::KeyAgreement],
        );
    }
    builder.build().expect("two methods with distinct IDs")
}

/// Builds the transaction creating an identity.
#[derive(Debug)]
pub struct IdentityBuilder<'a> {
    identities: &'a IdentityClient,
    controllers: Vec<NewController>,
    threshold: Option<u64>,
    doc: Option<Option<Vec<u8>>>,
    /// Why the document given to [`IdentityBuilder::document`] cannot be stored.
    doc_error: Option<did::DidError>,
}

impl IdentityBuilder<'_> {
    /// Adds a controller with `voting_power`, not allowed to delegate (the
    /// safe default; see [`IdentityBuilder::controller_with_delegation`]).
    pub fn controller(self, address: Address, voting_power: u64) -> Self {
        self.controller_with_delegation(address, voting_power, false)
    }

    /// Adds a controller, allowed to delegate iff `can_delegate`.
    pub fn controller_with_delegation(
        mut self,
        address: Address,
        voting_power: u64,
        can_delegate: bool,
    ) -> Self {
        self.controllers.push(NewController {
            address,
            voting_power,
            can_delegate,
        });
        self
    }

    /// The voting power a proposal needs (default 1).
    pub fn threshold(mut self, threshold: u64) -> Self {
        self.threshold = Some(threshold);
        self
    }

    /// The initial DID document, stored deflate-compressed with its own DID
    /// written as the placeholder `did:0:0` (default: a document with no
    /// methods). It is checked first ([`DidDocument::validate_for_chain`]):
    /// [`IdentityBuilder::execute`] fails with [`SdkError::InvalidDocument`]
    /// and sends nothing if it is invalid.
    pub fn document(mut self, doc: &DidDocument) -> Self {
        self.doc_error = doc.validate_for_chain().err();
        self.doc = Some(Some(did::pack(doc, Encoding::DeflateJson)));
        self
    }

    /// The initial document [`default_document`] makes for `keys` (the
    /// controller's identity in the key manager).
    pub fn document_for_keys(self, keys: &crate::keys::ExternalIdentity) -> Self {
        self.document(&default_document(keys))
    }

    /// The initial document as packed bytes ([`did::pack`]), sent unchecked:
    /// for bytes checked already, or to exercise the chain's own checks.
    pub fn document_bytes(mut self, bytes: Vec<u8>) -> Self {
        self.doc = Some(Some(bytes));
        self
    }

    /// Creates the identity without a document (it resolves as deleted
    /// until a document is set).
    pub fn without_document(mut self) -> Self {
        self.doc = Some(None);
        self
    }

    /// Creates the identity, sent by `signer` (the sole controller, with
    /// voting power 1 and no right to delegate, if no controller was added);
    /// returns it as read back.
    pub async fn execute(self, signer: &dyn Signer) -> SdkResult<OnChainIdentity> {
        if let Some(e) = self.doc_error {
            return Err(SdkError::InvalidDocument(e));
        }
        let client = self.identities.client();
        let controllers = if self.controllers.is_empty() {
            vec![NewController {
                address: signer.address(),
                voting_power: 1,
                can_delegate: false,
            }]
        } else {
            self.controllers
        };
        let doc = self.doc.unwrap_or_else(|| {
            Some(did::pack(
                &DidDocument::new(Did::local([0; 32])),
                Encoding::Json,
            ))
        });
        let mut tx = TransactionBuilder::new(client, signer.address());
        let doc = tx.pure(&doc);
        let addresses = tx.pure(&controllers.iter().map(|c| c.address).collect::<Vec<_>>());
        let powers = tx.pure(
            &controllers
                .iter()
                .map(|c| c.voting_power)
                .collect::<Vec<_>>(),
        );
        let delegate = tx.pure(
            &controllers
                .iter()
                .map(|c| c.can_delegate)
                .collect::<Vec<_>>(),
        );
        let threshold = tx.pure(&self.threshold.unwrap_or(1));
        let clock = tx.clock().await?;
        tx.move_call(
            PKG,
            "identity",
            "new_with_controllers",
            vec![],
            vec![doc, addresses, powers, delegate, threshold, clock],
        );
        let response = match tx.execute(signer).await {
            Ok(r) => r,
            Err(e) => match e.move_abort() {
                Some(abort) if IdentityError::is_identity_abort(abort) => {
                    return Err(IdentityError::from_abort(abort, (0, 0)).into())
                }
                _ => return Err(e),
            },
        };
        let id = response.created_id_of_type(&identity_type())?;
        self.identities.get_identity(id).await
    }
}
