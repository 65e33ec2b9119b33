/// The on-chain identity: a shared object holding a DID document under the
/// control of controllers with voting power and a threshold.
///
/// The document is `Some(bytes)` when active (see `identity::document` for
/// the encoding), `Some([])` when deactivated and `None` once deleted, which
/// is permanent. Every change goes through a proposal (see the `*_proposal`
/// modules); this module creates identities, runs the operations common to
/// all proposal kinds, manages delegation tokens and answers clients'
/// queries. An identity's DID is `did:movid:<network>:<object id>`.
///
/// A deleted identity keeps its object (so its DID resolves as deleted) but
/// has no controllers and refuses every operation except destroying
/// credentials and purging leftover proposals.
module identity::identity {
    use std::option::{Self, Option};
    use std::vector;
    use sui::clock::{Self, Clock};
    use sui::object::{Self, UID, ID};
    use sui::transfer;
    use sui::tx_context::{Self, TxContext};
    use identity::controller::{Self, Auth, ControllerCap, DelegationToken};
    use identity::document;
    use identity::events;
    use identity::multicontroller::{Self, Multicontroller};

    friend identity::config_proposal;
    friend identity::did_proposal;
    friend identity::send_proposal;
    friend identity::borrow_proposal;
    friend identity::controller_proposal;
    friend identity::credential_proposal;
    friend identity::upgrade_proposal;
    friend identity::delete_proposal;
    friend identity::unrevoke_proposal;

    /// The identity has been deleted.
    const EIdentityDeleted: u64 = 200;
    /// The `ControllerCap` still belongs to a controller; remove the
    /// controller with a config change first.
    const EControllerStillActive: u64 = 201;
    /// The credential belongs to a different identity.
    const EWrongIdentity: u64 = 202;
    /// Proposals can be purged without authorization only from a deleted identity.
    const EIdentityNotDeleted: u64 = 203;

    /// Version of the `Identity` layout and rules this package implements;
    /// `upgrade_proposal` migrates older identities to it.
    const PACKAGE_VERSION: u64 = 1;

    /// `doc_version` of the document an identity is created with.
    const FIRST_DOC_VERSION: u64 = 1;

    /// A shared on-chain identity.
    struct Identity has key {
        id: UID,
        /// The DID document under multi-controller governance.
        did_doc: Multicontroller<Option<vector<u8>>>,
        /// Clock milliseconds at creation.
        created: u64,
        /// Clock milliseconds of the last document change.
        updated: u64,
        /// The `PACKAGE_VERSION` this identity was created or migrated with.
        version: u64,
        /// The identity was deleted; it accepts no further operation.
        deleted: bool,
        /// The DID document was deleted; it can never be set again.
        deleted_did: bool,
        /// The document's version number: `FIRST_DOC_VERSION` for the
        /// document (or its absence) the identity was created with, one more
        /// with every change of it. Transactions that leave the document as
        /// it is (proposals, votes, an update to the same bytes) keep it, so
        /// resolvers can report the document's version from the live object
        /// alone (the DID's `versionId`).
        doc_version: u64,
    }

    /// Creates and shares an identity with the sender as its sole controller
    /// (voting power 1, threshold 1, not allowed to delegate: delegation is
    /// granted only when asked for, with `new_with_controllers`). `doc` is
    /// none or a valid on-chain DID document. Returns the identity's ID.
    public fun new(doc: Option<vector<u8>>, clock: &Clock, ctx: &mut TxContext): ID {
        let sender = tx_context::sender(ctx);
        new_with_controllers(doc, vector[sender], vector[1], vector[false], 1, clock, ctx)
    }

    /// Creates and shares an identity controlled by `controllers`, the one at
    /// index `i` with voting power `voting_powers[i]` and allowed to delegate
    /// iff `can_delegate[i]`; each receives a `ControllerCap`. Requires 1 to
    /// `MAX_CONTROLLERS` distinct controllers and 1 <= `threshold` <= total
    /// voting power. Returns the identity's ID.
    public fun new_with_controllers(
        doc: Option<vector<u8>>,
        controllers: vector<address>,
        voting_powers: vector<u64>,
        can_delegate: vector<bool>,
        threshold: u64,
        clock: &Clock,
        ctx: &mut TxContext,
    ): ID {
        let has_document = option::is_some(&doc);
        if (has_document) {
            document::assert_valid(option::borrow(&doc));
        };
        let id = object::new(ctx);
        let identity_id = object::uid_to_inner(&id);
        let did_doc = multicontroller::new(
            doc, identity_id, controllers, voting_powers, can_delegate, threshold, ctx
        );
        events::identity_created(
            identity_id,
            tx_context::sender(ctx),
            multicontroller::controllers(&did_doc),
            controllers,
            voting_powers,
            threshold,
            has_document,
        );
        let now = clock::timestamp_ms(clock);
        transfer::share_object(Identity {
            id,
            did_doc,
            created: now,
            updated: now,
            version: PACKAGE_VERSION,
            deleted: false,
            deleted_did: false,
            doc_version: FIRST_DOC_VERSION,
        });
        identity_id
    }

    /// Entry convenience for `new` with a document.
    entry fun create(doc: vector<u8>, clock: &Clock, ctx: &mut TxContext) {
        new(option::some(doc), clock, ctx);
    }

    /// Entry convenience for `new_with_controllers` with a document.
    entry fun create_with_controllers(
        doc: vector<u8>,
        controllers: vector<address>,
        voting_powers: vector<u64>,
        can_delegate: vector<bool>,
        threshold: u64,
        clock: &Clock,
        ctx: &mut TxContext,
    ) {
        new_with_controllers(option::some(doc), controllers, voting_powers, can_delegate, threshold, clock, ctx);
    }

    // === Operations common to every proposal kind ===

    /// Approves the open proposal `proposal_id` whose action has type `T`.
    /// Needs APPROVE. Execution is a separate call (possibly in the same
    /// transaction) so that its executor and arguments stay explicit.
    public fun approve_proposal<T: store>(self: &mut Identity, auth: &Auth, proposal_id: ID, ctx: &TxContext) {
        assert_not_deleted(self);
        multicontroller::approve_proposal<Option<vector<u8>>, T>(&mut self.did_doc, auth, proposal_id, ctx);
    }

    /// Rejects the open proposal `proposal_id`. Needs APPROVE. Deletes it
    /// (returning true) once its rejecters' current voting power reaches the
    /// threshold, whatever votes it has.
    public fun reject_proposal<T: store + drop>(self: &mut Identity, auth: &Auth, proposal_id: ID): bool {
        assert_not_deleted(self);
        multicontroller::reject_proposal<Option<vector<u8>>, T>(&mut self.did_doc, auth, proposal_id)
    }

    /// Withdraws `auth`'s approval (or rejection) from a proposal. Needs REMOVE_APPROVAL.
    public fun remove_approval<T: store>(self: &mut Identity, auth: &Auth, proposal_id: ID) {
        assert_not_deleted(self);
        multicontroller::remove_approval<Option<vector<u8>>, T>(&mut self.did_doc, auth, proposal_id);
    }

    /// Deletes a proposal that expired, has no current votes, or was
    /// rejected by the threshold. Needs DELETE.
    public fun delete_proposal<T: store + drop>(self: &mut Identity, auth: &Auth, proposal_id: ID, ctx: &TxContext) {
        assert_not_deleted(self);
        multicontroller::delete_proposal<Option<vector<u8>>, T>(&mut self.did_doc, auth, proposal_id, ctx);
    }

    /// Deletes a proposal left open when the identity was deleted. Anyone
    /// may call it: a deleted identity has no controllers left to do so.
    public fun purge_proposal<T: store + drop>(self: &mut Identity, proposal_id: ID) {
        assert!(self.deleted, EIdentityNotDeleted);
        multicontroller::purge_proposal<Option<vector<u8>>, T>(&mut self.did_doc, proposal_id);
    }

    // === Delegation ===

    /// Mints a `DelegationToken` with `permissions` (a bitmask of
    /// `identity::permissions`) for the controller presenting `auth`, which
    /// must be a current controller's `ControllerCap` allowed to delegate.
    /// The identity records the token (at most `multicontroller::max_tokens`
    /// live ones), so that only its own tokens can be revoked.
    public fun delegate(self: &mut Identity, auth: &Auth, permissions: u64, ctx: &mut TxContext): DelegationToken {
        assert_not_deleted(self);
        multicontroller::assert_controller(&self.did_doc, auth);
        let token = controller::new_token(auth, permissions, ctx);
        multicontroller::record_token(&mut self.did_doc, object::id(&token), controller::auth_controller(auth));
        events::token_delegated(
            object::uid_to_inner(&self.id), controller::auth_controller(auth), object::id(&token), permissions
        );
        token
    }

    /// Entry convenience: delegates with `cap` and sends the token to `recipient`.
    entry fun delegate_to(
        self: &mut Identity,
        cap: &ControllerCap,
        permissions: u64,
        recipient: address,
        ctx: &mut TxContext,
    ) {
        let token = delegate(self, &controller::auth_with_cap(cap), permissions, ctx);
        transfer::public_transfer(token, recipient);
    }

    /// Revokes the delegation token `token_id`, which must be a live token
    /// this identity minted: it is refused until unrevoked. Any current
    /// controller may revoke at once, with its `ControllerCap` (revoking
    /// only takes power away); lifting a revocation needs an approved
    /// `unrevoke_proposal`, like any other change of the identity.
    public fun revoke_token(self: &mut Identity, auth: &Auth, token_id: ID) {
        assert_not_deleted(self);
        multicontroller::revoke_token(&mut self.did_doc, auth, token_id);
    }

    /// Destroys a delegation token of this identity (its holder's choice),
    /// clearing it from the revocation list.
    public fun destroy_delegation_token(self: &mut Identity, token: DelegationToken) {
        assert!(controller::token_controller_of(&token) == object::uid_to_inner(&self.id), EWrongIdentity);
        multicontroller::forget_token(&mut self.did_doc, object::id(&token));
        controller::delete_token(token);
    }

    /// Destroys the `ControllerCap` of a controller that a config change (or
    /// the identity's deletion) removed.
    public fun destroy_controller_cap(self: &Identity, cap: ControllerCap) {
        assert!(controller::cap_controller_of(&cap) == object::uid_to_inner(&self.id), EWrongIdentity);
        assert!(!multicontroller::is_controller(&self.did_doc, object::id(&cap)), EControllerStillActive);
        controller::delete_cap(cap);
    }

    // === Queries ===

    /// The identity's object ID (the DID's method-specific part).
    public fun id(self: &Identity): ID { object::uid_to_inner(&self.id) }

    /// The identity's address: objects sent here are owned by the identity.
    public fun to_address(self: &Identity): address { object::uid_to_address(&self.id) }

    /// The DID document: `Some(doc)`, `Some([])` if deactivated, `None` if deleted.
    public fun did_document(self: &Identity): &Option<vector<u8>> {
        multicontroller::value(&self.did_doc)
    }

    /// Whether the document is deactivated (`Some([])`).
    public fun is_deactivated(self: &Identity): bool {
        let doc = multicontroller::value(&self.did_doc);
        option::is_some(doc) && vector::is_empty(option::borrow(doc))
    }

    /// The multicontroller governing the document, for read-only queries.
    public fun did_doc(self: &Identity): &Multicontroller<Option<vector<u8>>> { &self.did_doc }

    /// Clock milliseconds at creation.
    public fun created(self: &Identity): u64 { self.created }

    /// Clock milliseconds of the last document change.
    public fun updated(self: &Identity): u64 { self.updated }

    /// The package version this identity follows.
    public fun version(self: &Identity): u64 { self.version }

    /// The version this package implements.
    public fun package_version(): u64 { PACKAGE_VERSION }

    /// Whether the identity was deleted.
    public fun deleted(self: &Identity): bool { self.deleted }

    /// Whether the DID document was deleted.
    public fun deleted_did(self: &Identity): bool { self.deleted_did }

    /// The document's version number (`first_doc_version()` as created, one
    /// more with every change).
    public fun doc_version(self: &Identity): u64 { self.doc_version }

    /// The `doc_version` of an identity's first document.
    public fun first_doc_version(): u64 { FIRST_DOC_VERSION }

    /// The voting power a proposal needs.
    public fun threshold(self: &Identity): u64 { multicontroller::threshold(&self.did_doc) }

    /// The controllers' `ControllerCap` IDs.
    public fun controllers(self: &Identity): vector<ID> { multicontroller::controllers(&self.did_doc) }

    /// Whether `cap_id` is a controller's `ControllerCap`.
    public fun is_controller(self: &Identity, cap_id: ID): bool {
        multicontroller::is_controller(&self.did_doc, cap_id)
    }

    /// The voting power of the controller `cap_id`.
    public fun voting_power(self: &Identity, cap_id: ID): u64 {
        multicontroller::voting_power(&self.did_doc, cap_id)
    }

    /// The controllers' total voting power.
    public fun total_voting_power(self: &Identity): u64 { multicontroller::total_voting_power(&self.did_doc) }

    /// IDs of the open proposals, oldest first.
    public fun active_proposals(self: &Identity): vector<ID> { multicontroller::active_proposals(&self.did_doc) }

    /// Whether `proposal_id` is an open proposal.
    public fun is_active_proposal(self: &Identity, proposal_id: ID): bool {
        multicontroller::is_active_proposal(&self.did_doc, proposal_id)
    }

    /// IDs of the revoked delegation tokens.
    public fun revoked_tokens(self: &Identity): vector<ID> { multicontroller::revoked_tokens(&self.did_doc) }

    /// Whether `token_id` is a live delegation token minted by this identity.
    public fun is_token(self: &Identity, token_id: ID): bool {
        multicontroller::is_token(&self.did_doc, token_id)
    }

    /// Whether the delegation token `token_id` is revoked.
    public fun is_token_revoked(self: &Identity, token_id: ID): bool {
        multicontroller::is_token_revoked(&self.did_doc, token_id)
    }

    /// Current voting power behind a proposal with action type `T`.
    public fun proposal_votes<T: store>(self: &Identity, proposal_id: ID): u64 {
        multicontroller::proposal_votes<Option<vector<u8>>, T>(&self.did_doc, proposal_id)
    }

    /// Current voting power of a proposal's rejecters.
    public fun proposal_rejections<T: store>(self: &Identity, proposal_id: ID): u64 {
        multicontroller::proposal_rejections<Option<vector<u8>>, T>(&self.did_doc, proposal_id)
    }

    /// The controllers that rejected a proposal.
    public fun proposal_rejecters<T: store>(self: &Identity, proposal_id: ID): vector<ID> {
        multicontroller::proposal_rejecters<Option<vector<u8>>, T>(&self.did_doc, proposal_id)
    }

    /// The controllers that approved a proposal.
    public fun proposal_voters<T: store>(self: &Identity, proposal_id: ID): vector<ID> {
        multicontroller::proposal_voters<Option<vector<u8>>, T>(&self.did_doc, proposal_id)
    }

    /// A proposal's expiration epoch.
    public fun proposal_expiration<T: store>(self: &Identity, proposal_id: ID): Option<u64> {
        multicontroller::proposal_expiration<Option<vector<u8>>, T>(&self.did_doc, proposal_id)
    }

    /// Whether a proposal's current votes reach the threshold.
    public fun is_proposal_approved<T: store>(self: &Identity, proposal_id: ID): bool {
        multicontroller::is_approved<Option<vector<u8>>, T>(&self.did_doc, proposal_id)
    }

    /// Aborts if the identity was deleted.
    public fun assert_not_deleted(self: &Identity) {
        assert!(!self.deleted, EIdentityDeleted);
    }

    // === Package-internal access for the proposal modules ===

    /// The multicontroller, mutably.
    public(friend) fun did_doc_mut(self: &mut Identity): &mut Multicontroller<Option<vector<u8>>> {
        &mut self.did_doc
    }

    /// The identity's UID, to receive objects it owns.
    public(friend) fun uid_mut(self: &mut Identity): &mut UID { &mut self.id }

    /// The identity's UID, to read its dynamic fields (credentials).
    public(friend) fun uid(self: &Identity): &UID { &self.id }

    /// Sets the DID document (`None` deletes it for good), stamps `updated`
    /// and emits `DidDocumentUpdated`.
    public(friend) fun set_did_document(self: &mut Identity, doc: Option<vector<u8>>, clock: &Clock) {
        let deleted = option::is_none(&doc);
        let deactivated = !deleted && vector::is_empty(option::borrow(&doc));
        // Writing the bytes already stored is no change: `updated` and
        // `doc_version` stay. Deleting always is one (the document can be
        // deleted only once; `None` before it means never set).
        let changed = deleted || &doc != multicontroller::value(&self.did_doc);
        if (deleted) {
            self.deleted_did = true;
        };
        multicontroller::set_value(&mut self.did_doc, doc);
        if (changed) {
            self.updated = clock::timestamp_ms(clock);
            self.doc_version = self.doc_version + 1;
        };
        events::did_document_updated(object::uid_to_inner(&self.id), deactivated, deleted);
    }

    /// Migrates the identity to `PACKAGE_VERSION`; no-op if already there.
    public(friend) fun migrate(self: &mut Identity) {
        if (self.version < PACKAGE_VERSION) {
            // Layout migrations of future versions go here.
            self.version = PACKAGE_VERSION;
            events::identity_upgraded(object::uid_to_inner(&self.id), PACKAGE_VERSION);
        };
    }

    /// Marks the identity deleted and removes its controllers.
    public(friend) fun mark_deleted(self: &mut Identity, clock: &Clock) {
        self.deleted = true;
        multicontroller::clear_controllers(&mut self.did_doc);
        // The document is not touched (it was deleted before): `updated`
        // stays the time of its last change.
        let _ = clock;
        events::identity_deleted(object::uid_to_inner(&self.id));
    }

    // === Test-only ===

    #[test_only]
    /// Pretends the identity was created by an older package version.
    public fun set_version_for_testing(self: &mut Identity, version: u64) {
        self.version = version;
    }
}
