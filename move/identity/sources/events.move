/// Events of the identity package: one per state change, emitted once.
///
/// Event types live here so that clients decode them from one module, and
/// because `event::emit` accepts only types of the calling module. Identities,
/// proposals, controllers (their `ControllerCap` IDs) and tokens are named by ID.
module identity::events {
    use std::option::Option;
    use sui::event;
    use sui::object::ID;

    friend identity::identity;
    friend identity::multicontroller;
    friend identity::config_proposal;
    friend identity::asset;
    friend identity::credential_proposal;

    /// A new `Identity` was created and shared.
    struct IdentityCreated has copy, drop {
        identity: ID,
        creator: address,
        /// IDs of the minted `ControllerCap`s, in the order of `controllers`.
        controller_caps: vector<ID>,
        /// The addresses the caps were sent to.
        controllers: vector<address>,
        voting_powers: vector<u64>,
        threshold: u64,
        /// Whether the identity was created with a DID document.
        has_document: bool,
    }

    /// A proposal was created; its creator's vote is counted if its
    /// credential had APPROVE (`votes` is then its voting power, else 0).
    struct ProposalCreated has copy, drop {
        identity: ID,
        proposal: ID,
        /// The proposing controller's `ControllerCap` ID.
        controller: ID,
        expiration_epoch: Option<u64>,
        /// Current voting power behind the proposal.
        votes: u64,
        threshold: u64,
    }

    /// A controller approved a proposal.
    struct ProposalApproved has copy, drop {
        identity: ID,
        proposal: ID,
        controller: ID,
        /// Current voting power behind the proposal after this approval.
        votes: u64,
        threshold: u64,
    }

    /// A controller rejected a proposal.
    struct ProposalRejected has copy, drop {
        identity: ID,
        proposal: ID,
        controller: ID,
        /// Current voting power of the proposal's rejecters after this one;
        /// at the threshold the proposal is deleted.
        rejections: u64,
        threshold: u64,
    }

    /// A controller withdrew its approval (or its rejection).
    struct ApprovalRemoved has copy, drop {
        identity: ID,
        proposal: ID,
        controller: ID,
        votes: u64,
        threshold: u64,
    }

    /// A proposal reached its threshold and was executed (and removed).
    struct ProposalExecuted has copy, drop {
        identity: ID,
        proposal: ID,
        controller: ID,
    }

    /// A proposal was deleted without being executed.
    struct ProposalDeleted has copy, drop {
        identity: ID,
        proposal: ID,
        /// The deleting controller; none when a deleted identity's leftover
        /// proposal was purged.
        controller: Option<ID>,
    }

    /// A config change was applied.
    struct ControllersChanged has copy, drop {
        identity: ID,
        /// `ControllerCap` IDs minted for new controllers.
        added: vector<ID>,
        /// Their recipients, in the same order.
        added_addresses: vector<address>,
        removed: vector<ID>,
        /// Controllers whose voting power changed.
        updated: vector<ID>,
        threshold: u64,
    }

    /// The DID document was updated, deactivated or deleted.
    struct DidDocumentUpdated has copy, drop {
        identity: ID,
        /// The document is now `Some([])`.
        deactivated: bool,
        /// The document is now `None`, permanently.
        deleted: bool,
    }

    /// The identity was migrated to a newer package version.
    struct IdentityUpgraded has copy, drop {
        identity: ID,
        version: u64,
    }

    /// The identity was deleted: it has no controllers and accepts no operation.
    struct IdentityDeleted has copy, drop {
        identity: ID,
    }

    /// A controller minted a `DelegationToken`.
    struct TokenDelegated has copy, drop {
        identity: ID,
        controller: ID,
        token: ID,
        permissions: u64,
    }

    /// A token was put on the identity's revocation list.
    struct TokenRevoked has copy, drop {
        identity: ID,
        token: ID,
        /// The revoking controller.
        controller: ID,
    }

    /// A token was taken off the identity's revocation list.
    struct TokenUnrevoked has copy, drop {
        identity: ID,
        token: ID,
        controller: ID,
    }

    /// An `asset::AuthenticatedAsset` was created (origin = owner = `creator`).
    struct AssetCreated has copy, drop {
        asset: ID,
        creator: address,
        mutable: bool,
        transferable: bool,
        deletable: bool,
    }

    /// An asset's content was borrowed mutably (and so possibly changed) by its owner.
    struct AssetMutated has copy, drop {
        asset: ID,
        owner: address,
    }

    /// An asset was deleted by its owner.
    struct AssetDeleted has copy, drop {
        asset: ID,
        owner: address,
    }

    /// An asset's owner offered it to `recipient` through the shared `proposal`.
    struct AssetOffered has copy, drop {
        proposal: ID,
        asset: ID,
        sender: address,
        recipient: address,
        expiration_epoch: Option<u64>,
    }

    /// The recipient accepted an offer: the asset is now theirs, the proposal deleted.
    struct AssetTransferred has copy, drop {
        proposal: ID,
        asset: ID,
        sender: address,
        recipient: address,
    }

    /// The offering owner cancelled an offer: the asset is back, the proposal deleted.
    struct AssetOfferCancelled has copy, drop {
        proposal: ID,
        asset: ID,
        sender: address,
        recipient: address,
    }

    /// An identity's public credentials changed: those named in `set` were
    /// added or replaced, those in `removed` removed.
    struct CredentialsUpdated has copy, drop {
        identity: ID,
        set: vector<vector<u8>>,
        removed: vector<vector<u8>>,
    }

    /// Emits `IdentityCreated`.
    public(friend) fun identity_created(
        identity: ID,
        creator: address,
        controller_caps: vector<ID>,
        controllers: vector<address>,
        voting_powers: vector<u64>,
        threshold: u64,
        has_document: bool,
    ) {
        event::emit(IdentityCreated {
            identity, creator, controller_caps, controllers, voting_powers, threshold, has_document
        })
    }

    /// Emits `ProposalCreated`.
    public(friend) fun proposal_created(
        identity: ID, proposal: ID, controller: ID, expiration_epoch: Option<u64>, votes: u64, threshold: u64,
    ) {
        event::emit(ProposalCreated { identity, proposal, controller, expiration_epoch, votes, threshold })
    }

    /// Emits `ProposalApproved`.
    public(friend) fun proposal_approved(identity: ID, proposal: ID, controller: ID, votes: u64, threshold: u64) {
        event::emit(ProposalApproved { identity, proposal, controller, votes, threshold })
    }

    /// Emits `ProposalRejected`.
    public(friend) fun proposal_rejected(identity: ID, proposal: ID, controller: ID, rejections: u64, threshold: u64) {
        event::emit(ProposalRejected { identity, proposal, controller, rejections, threshold })
    }

    /// Emits `ApprovalRemoved`.
    public(friend) fun approval_removed(identity: ID, proposal: ID, controller: ID, votes: u64, threshold: u64) {
        event::emit(ApprovalRemoved { identity, proposal, controller, votes, threshold })
    }

    /// Emits `ProposalExecuted`.
    public(friend) fun proposal_executed(identity: ID, proposal: ID, controller: ID) {
        event::emit(ProposalExecuted { identity, proposal, controller })
    }

    /// Emits `ProposalDeleted`.
    public(friend) fun proposal_deleted(identity: ID, proposal: ID, controller: Option<ID>) {
        event::emit(ProposalDeleted { identity, proposal, controller })
    }

    /// Emits `ControllersChanged`.
    public(friend) fun controllers_changed(
        identity: ID,
        added: vector<ID>,
        added_addresses: vector<address>,
        removed: vector<ID>,
        updated: vector<ID>,
        threshold: u64,
    ) {
        event::emit(ControllersChanged { identity, added, added_addresses, removed, updated, threshold })
    }

    /// Emits `DidDocumentUpdated`.
    public(friend) fun did_document_updated(identity: ID, deactivated: bool, deleted: bool) {
        event::emit(DidDocumentUpdated { identity, deactivated, deleted })
    }

    /// Emits `IdentityUpgraded`.
    public(friend) fun identity_upgraded(identity: ID, version: u64) {
        event::emit(IdentityUpgraded { identity, version })
    }

    /// Emits `IdentityDeleted`.
    public(friend) fun identity_deleted(identity: ID) {
        event::emit(IdentityDeleted { identity })
    }

    /// Emits `TokenDelegated`.
    public(friend) fun token_delegated(identity: ID, controller: ID, token: ID, permissions: u64) {
        event::emit(TokenDelegated { identity, controller, token, permissions })
    }

    /// Emits `TokenRevoked`.
    public(friend) fun token_revoked(identity: ID, token: ID, controller: ID) {
        event::emit(TokenRevoked { identity, token, controller })
    }

    /// Emits `TokenUnrevoked`.
    public(friend) fun token_unrevoked(identity: ID, token: ID, controller: ID) {
        event::emit(TokenUnrevoked { identity, token, controller })
    }

    /// Emits `AssetCreated`.
    public(friend) fun asset_created(asset: ID, creator: address, mutable: bool, transferable: bool, deletable: bool) {
        event::emit(AssetCreated { asset, creator, mutable, transferable, deletable })
    }

    /// Emits `AssetMutated`.
    public(friend) fun asset_mutated(asset: ID, owner: address) {
        event::emit(AssetMutated { asset, owner })
    }

    /// Emits `AssetDeleted`.
    public(friend) fun asset_deleted(asset: ID, owner: address) {
        event::emit(AssetDeleted { asset, owner })
    }

    /// Emits `AssetOffered`.
    public(friend) fun asset_offered(
        proposal: ID,
        asset: ID,
        sender: address,
        recipient: address,
        expiration_epoch: Option<u64>,
    ) {
        event::emit(AssetOffered { proposal, asset, sender, recipient, expiration_epoch })
    }

    /// Emits `AssetTransferred`.
    public(friend) fun asset_transferred(proposal: ID, asset: ID, sender: address, recipient: address) {
        event::emit(AssetTransferred { proposal, asset, sender, recipient })
    }

    /// Emits `AssetOfferCancelled`.
    public(friend) fun asset_offer_cancelled(proposal: ID, asset: ID, sender: address, recipient: address) {
        event::emit(AssetOfferCancelled { proposal, asset, sender, recipient })
    }

    /// Emits `CredentialsUpdated`.
    public(friend) fun credentials_updated(identity: ID, set: vector<vector<u8>>, removed: vector<vector<u8>>) {
        event::emit(CredentialsUpdated { identity, set, removed })
    }
}
