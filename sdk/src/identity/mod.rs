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

pub mod calls;
mod error;
mod state;

use std::sync::Arc;

use movid_runtime::types::{Address, Argument, Object, ObjectID, StructTag, TypeTag};

pub use error::IdentityError;
pub use state::{
    ConfigChange, ControllerCap, ControllerInfo, DelegationToken, NewController, OnChainIdentity,
    Proposal, ProposalAction,
};

use crate::client::Client;
use crate::did::{self, Did, DidDocument, Encoding};
use crate::error::{SdkError, SdkResult};
use crate::tx::{struct_tag, type_matches, Signer, TransactionBuilder, TransactionResponse};

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
}

impl ProposalKind {
    const ALL: [ProposalKind; 7] = [
        ProposalKind::UpdateDid,
        ProposalKind::ConfigChange,
        ProposalKind::Send,
        ProposalKind::Borrow,
        ProposalKind::ControllerExecution,
        ProposalKind::Upgrade,
        ProposalKind::DeleteIdentity,
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
        if s.address != PKG.into() {
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
        Did::new(self.client.network(), id.0).map_err(|e| SdkError::decode("network name", e))
    }

    /// Starts creating an identity.
    pub fn create_identity(&self) -> IdentityBuilder<'_> {
        IdentityBuilder {
            identities: self,
            controllers: vec![],
            threshold: None,
            doc: None,
        }
    }

    /// Reads identity `id` with its open proposals.
    pub async fn get_identity(&self, id: ObjectID) -> SdkResult<OnChainIdentity> {
        let object = self.client.object(id).await?;
        let mut identity = OnChainIdentity::from_object(&object, self.client.network())?;
        identity.proposals = self.load_proposals(&identity).await?;
        Ok(identity)
    }

    /// Reads the open proposals of `identity`. Each proposal is an object
    /// in the identity's object bag that keeps its ID, so it is read by ID;
    /// should a node not serve child objects by ID, the bag's dynamic fields
    /// are walked instead (bag -> field -> proposal).
    async fn load_proposals(&self, identity: &OnChainIdentity) -> SdkResult<Vec<Proposal>> {
        if identity.proposal_ids.is_empty() {
            return Ok(vec![]);
        }
        let objects = self
            .client
            .multi_get_objects(&identity.proposal_ids)
            .await?;
        let objects: Vec<Object> = if objects.iter().all(Option::is_some) {
            objects.into_iter().flatten().collect()
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
                .collect::<SdkResult<_>>()?
        };
        objects.iter().map(Proposal::from_object).collect()
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

    /// The DIDs of the identities `owner` holds a `ControllerCap` of (a cap
    /// whose controller was removed still counts until destroyed; check
    /// [`OnChainIdentity::is_controller`] when it matters).
    pub async fn dids_controlled_by(&self, owner: Address) -> SdkResult<Vec<Did>> {
        let mut ids: Vec<ObjectID> = self
            .controller_caps(owner)
            .await?
            .into_iter()
            .map(|c| c.controller_of)
            .collect();
        ids.sort();
        ids.dedup();
        ids.into_iter().map(|id| self.did_of(id)).collect()
    }

    /// The objects identity `id` owns (sent to its address).
    pub async fn owned_by(&self, id: ObjectID) -> SdkResult<Vec<Object>> {
        self.client.owned_objects(Address::from(id)).await
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
            if out.last().map(|v| &v.did_doc) == Some(&identity.did_doc) {
                continue;
            }
            out.push(DocumentVersion {
                object_version: version.version,
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
    async fn run(
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
}

impl IdentityBuilder<'_> {
    /// Adds a controller with `voting_power`, allowed to delegate.
    pub fn controller(self, address: Address, voting_power: u64) -> Self {
        self.controller_with_delegation(address, voting_power, true)
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
    /// methods).
    pub fn document(mut self, doc: &DidDocument) -> Self {
        self.doc = Some(Some(did::pack(doc, Encoding::DeflateJson)));
        self
    }

    /// The initial document [`default_document`] makes for `keys` (the
    /// controller's identity in the key manager).
    pub fn document_for_keys(self, keys: &crate::keys::ExternalIdentity) -> Self {
        self.document(&default_document(keys))
    }

    /// The initial document as packed bytes ([`did::pack`]).
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
    /// voting power 1, if no controller was added); returns it as read back.
    pub async fn execute(self, signer: &dyn Signer) -> SdkResult<OnChainIdentity> {
        let client = self.identities.client();
        let controllers = if self.controllers.is_empty() {
            vec![NewController {
                address: signer.address(),
                voting_power: 1,
                can_delegate: true,
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

/// A signer acting on one identity with one credential.
#[derive(Clone)]
pub struct Controller<'a> {
    identities: &'a IdentityClient,
    signer: &'a dyn Signer,
    identity: ObjectID,
    credential: Credential,
    controller_cap: ObjectID,
    expiration: Option<u64>,
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

    /// Proposes replacing the DID document with `doc` (stored
    /// deflate-compressed, its own DID as the placeholder).
    pub async fn propose_document(&self, doc: &DidDocument) -> SdkResult<ProposalOutcome> {
        self.propose_document_bytes(did::pack(doc, Encoding::DeflateJson))
            .await
    }

    /// Proposes replacing the DID document with packed bytes.
    pub async fn propose_document_bytes(&self, bytes: Vec<u8>) -> SdkResult<ProposalOutcome> {
        let (mut tx, identity, auth) = self.begin().await?;
        let clock = tx.clock().await?;
        calls::propose_update(&mut tx, identity, auth, self.expiration, &bytes, clock);
        self.run_proposal(&tx).await
    }

    /// Proposes deactivating the DID (the document becomes empty; a later
    /// update reactivates it).
    pub async fn propose_deactivation(&self) -> SdkResult<ProposalOutcome> {
        let (mut tx, identity, auth) = self.begin().await?;
        let clock = tx.clock().await?;
        calls::propose_deactivation(&mut tx, identity, auth, self.expiration, clock);
        self.run_proposal(&tx).await
    }

    /// Proposes deleting the DID document for good.
    pub async fn propose_did_deletion(&self) -> SdkResult<ProposalOutcome> {
        let (mut tx, identity, auth) = self.begin().await?;
        let clock = tx.clock().await?;
        calls::propose_did_deletion(&mut tx, identity, auth, self.expiration, clock);
        self.run_proposal(&tx).await
    }

    /// Proposes a change of controllers and threshold.
    pub async fn propose_config_change(&self, change: &ConfigChange) -> SdkResult<ProposalOutcome> {
        let (mut tx, identity, auth) = self.begin().await?;
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
        self.run_proposal(&tx).await
    }

    /// Proposes migrating the identity to the package's current version.
    pub async fn propose_upgrade(&self) -> SdkResult<ProposalOutcome> {
        let (mut tx, identity, auth) = self.begin().await?;
        let expiration = tx.pure(&self.expiration);
        tx.move_call(
            PKG,
            "upgrade_proposal",
            "propose_upgrade",
            vec![],
            vec![identity, auth, expiration],
        );
        self.run_proposal(&tx).await
    }

    /// Proposes deleting the identity (its DID document must be deleted first).
    pub async fn propose_identity_deletion(&self) -> SdkResult<ProposalOutcome> {
        let (mut tx, identity, auth) = self.begin().await?;
        let expiration = tx.pure(&self.expiration);
        let clock = tx.clock().await?;
        tx.move_call(
            PKG,
            "delete_proposal",
            "propose_identity_deletion",
            vec![],
            vec![identity, auth, expiration, clock],
        );
        self.run_proposal(&tx).await
    }

    /// Proposes sending objects the identity owns, each to its recipient.
    /// Never executes at once: see [`Controller::send_now`].
    pub async fn propose_send(&self, transfers: &[(ObjectID, Address)]) -> SdkResult<ObjectID> {
        let (mut tx, identity, auth) = self.begin().await?;
        add_propose_send(&mut tx, identity, auth, self.expiration, transfers);
        let outcome = self.run_proposal(&tx).await?;
        Ok(outcome.proposal_id)
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

    /// Deletes `proposal_id`, which must have expired or have no current votes.
    pub async fn delete_proposal(&self, proposal_id: ObjectID) -> SdkResult<TransactionResponse> {
        self.generic(proposal_id, "delete_proposal").await
    }

    async fn generic(
        &self,
        proposal_id: ObjectID,
        function: &str,
    ) -> SdkResult<TransactionResponse> {
        let proposal = self.proposal(proposal_id).await?;
        let (mut tx, identity, auth) = self.begin().await?;
        let id = tx.pure(&proposal_id);
        tx.move_call(
            PKG,
            "identity",
            function,
            vec![proposal.action_type],
            vec![identity, auth, id],
        );
        self.run(&tx, Some(proposal_id)).await
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
            (Some(ProposalKind::Send), ProposalAction::Send { objects, .. }) => {
                add_execute_send(&mut tx, identity, auth, id, objects).await?;
            }
            (kind, _) => {
                return Err(SdkError::InvalidArgument(format!(
                    "proposal {proposal_id} ({kind:?}) needs the caller's commands: use execute_borrow or access_sub_identity"
                )))
            }
        }
        self.run(&tx, Some(proposal_id)).await
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

    /// Revokes delegation token `token`.
    pub async fn revoke_token(&self, token: ObjectID) -> SdkResult<TransactionResponse> {
        self.token_call("revoke_token", token).await
    }

    /// Lifts the revocation of delegation token `token`.
    pub async fn unrevoke_token(&self, token: ObjectID) -> SdkResult<TransactionResponse> {
        self.token_call("unrevoke_token", token).await
    }

    async fn token_call(&self, function: &str, token: ObjectID) -> SdkResult<TransactionResponse> {
        let (mut tx, identity, auth) = self.begin().await?;
        let token = tx.pure(&token);
        tx.move_call(
            PKG,
            "identity",
            function,
            vec![],
            vec![identity, auth, token],
        );
        self.run(&tx, None).await
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
    let proposal_of = |contents: &[u8]| contents.get(32..64).and_then(ObjectID::from_bytes);
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
