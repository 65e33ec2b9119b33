/// Shared control of a value by controllers with voting power and a threshold.
///
/// Controllers are `ControllerCap` IDs mapped to voting power. A controller
/// proposes a change as a `Proposal<T>` holding an action `T`; other
/// controllers approve it; once the approving controllers' *current* voting
/// power reaches the threshold, any controller may execute it, receiving the
/// action as the hot potato `Action<T>` that only this package's proposal
/// modules can consume.
///
/// Invariants kept here (the IOTA Identity package breaks some of them):
/// - votes are recounted from the voters at execution, so only current
///   controllers count, each with its current voting power;
/// - every removal of a proposal goes through `take_proposal`, so
///   `active_proposals` always lists exactly the proposals in the bag;
/// - controllers (`MAX_CONTROLLERS`), open proposals (`MAX_ACTIVE_PROPOSALS`),
///   open proposals per controller (`MAX_PROPOSALS_PER_CONTROLLER`), voters
///   and rejecters (at most the controllers), live tokens (`MAX_TOKENS`) and
///   revoked tokens (`MAX_REVOKED_TOKENS`, a subset of the live tokens) are
///   bounded, so every call's gas is bounded;
/// - a proposal can always be thrown away by controllers reaching the
///   threshold (`reject_proposal`), so no minority can jam governance.
///
/// The mutating API is `public(friend)`: a `Multicontroller` lives inside an
/// `Identity`, which exposes the operations clients call.
module identity::multicontroller {
    use std::option::{Self, Option};
    use std::vector;
    use sui::object::{Self, UID, ID};
    use sui::object_bag::{Self, ObjectBag};
    use sui::tx_context::{Self, TxContext};
    use sui::vec_map::{Self, VecMap};
    use sui::vec_set::{Self, VecSet};
    use identity::controller::{Self, Auth};
    use identity::events;
    use identity::permissions;
    use identity::utils;

    friend identity::identity;
    friend identity::config_proposal;
    friend identity::did_proposal;
    friend identity::send_proposal;
    friend identity::borrow_proposal;
    friend identity::controller_proposal;
    friend identity::upgrade_proposal;
    friend identity::delete_proposal;
    friend identity::unrevoke_proposal;
    friend identity::credential_proposal;

    /// The presented credential's controller is not a controller of this identity.
    const ENotAController: u64 = 100;
    /// The presented credential belongs to a different identity.
    const EWrongIdentity: u64 = 101;
    /// The presented `DelegationToken` has been revoked.
    const ETokenRevoked: u64 = 102;
    /// The current voting power of the proposal's voters is below the threshold.
    const EThresholdNotReached: u64 = 103;
    /// This controller has already approved the proposal.
    const EAlreadyVoted: u64 = 104;
    /// This controller has not approved the proposal.
    const ENotVoted: u64 = 105;
    /// No active proposal has this ID.
    const EProposalNotFound: u64 = 106;
    /// The proposal's expiration epoch has passed.
    const EProposalExpired: u64 = 107;
    /// Only expired proposals or proposals without current votes can be deleted.
    const ECannotDeleteProposal: u64 = 108;
    /// The identity already has `MAX_ACTIVE_PROPOSALS` open proposals.
    const ETooManyProposals: u64 = 109;
    /// The threshold is zero or above the total voting power.
    const EInvalidThreshold: u64 = 110;
    /// At least one controller is required.
    const ENoControllers: u64 = 111;
    /// More than `MAX_CONTROLLERS` controllers.
    const ETooManyControllers: u64 = 112;
    /// A voting power is zero or above `MAX_VOTING_POWER`.
    const EInvalidVotingPower: u64 = 113;
    /// Parallel argument vectors have different lengths.
    const EMismatchedLengths: u64 = 114;
    /// The same controller address appears twice.
    const EDuplicateController: u64 = 115;
    /// The expiration epoch is already in the past.
    const EInvalidExpiration: u64 = 116;
    /// The revocation list already holds `MAX_REVOKED_TOKENS` tokens.
    const ETooManyRevokedTokens: u64 = 117;
    /// The token is already revoked.
    const ETokenAlreadyRevoked: u64 = 118;
    /// The token is not revoked.
    const ETokenNotRevoked: u64 = 119;
    /// The controller already has `MAX_PROPOSALS_PER_CONTROLLER` open proposals.
    const ETooManyProposalsOfController: u64 = 120;
    /// This controller has already rejected the proposal.
    const EAlreadyRejected: u64 = 121;
    /// The ID is not a live `DelegationToken` minted by this identity.
    const EUnknownToken: u64 = 122;
    /// The identity already has `MAX_TOKENS` live delegation tokens.
    const ETooManyTokens: u64 = 123;

    /// Most controllers an identity can have.
    const MAX_CONTROLLERS: u64 = 64;
    /// Most proposals an identity can have open at once.
    const MAX_ACTIVE_PROPOSALS: u64 = 32;
    /// Largest voting power of one controller (u32 max): 64 of them cannot
    /// overflow a u64 sum.
    const MAX_VOTING_POWER: u64 = 4294967295;
    /// Most tokens on an identity's revocation list.
    const MAX_REVOKED_TOKENS: u64 = 128;
    /// Most proposals one controller (its cap and its tokens together) can
    /// have open at once: a quarter of `MAX_ACTIVE_PROPOSALS`, so one
    /// controller cannot take every slot (see the README's "Governance jams").
    const MAX_PROPOSALS_PER_CONTROLLER: u64 = 8;
    /// Most live delegation tokens an identity records (and so can revoke).
    const MAX_TOKENS: u64 = 128;

    /// A value `V` under the shared control of controllers.
    struct Multicontroller<V: store> has store {
        /// ID of the object (the `Identity`) holding this multicontroller;
        /// credentials name it and events report it.
        owner: ID,
        threshold: u64,
        /// `ControllerCap` ID -> voting power.
        controllers: VecMap<ID, u64>,
        controlled_value: V,
        /// IDs of the proposals in `proposals`, oldest first.
        active_proposals: vector<ID>,
        /// The creating controller of each of `active_proposals`, at the
        /// same index: the per-controller quota counts these.
        proposal_creators: vector<ID>,
        /// Proposal ID -> `Proposal<T>` for any action type `T`.
        proposals: ObjectBag,
        /// Revoked `DelegationToken` IDs (always a subset of `tokens`).
        revoked_tokens: VecSet<ID>,
        /// Live `DelegationToken`s minted by this identity -> the
        /// `ControllerCap` ID each acts for. Only these can be revoked.
        tokens: VecMap<ID, ID>,
    }

    /// A proposed action with the controllers that approved it.
    struct Proposal<T: store> has key, store {
        id: UID,
        /// Voting power behind the proposal when its votes last changed.
        /// Informational: execution recounts `voters` at current power.
        votes: u64,
        /// `ControllerCap` IDs that approved: the creator's only if its
        /// credential had APPROVE.
        voters: VecSet<ID>,
        /// `ControllerCap` IDs that rejected. Once their current voting
        /// power reaches the threshold the proposal is deleted.
        rejecters: VecSet<ID>,
        /// Last epoch in which the proposal can be approved or executed.
        expiration_epoch: Option<u64>,
        action: T,
    }

    /// An executed proposal's action: a hot potato the proposal's module consumes.
    struct Action<T> {
        inner: T,
    }

    /// Largest number of controllers.
    public fun max_controllers(): u64 { MAX_CONTROLLERS }

    /// Largest number of open proposals.
    public fun max_active_proposals(): u64 { MAX_ACTIVE_PROPOSALS }

    /// Largest voting power of a controller.
    public fun max_voting_power(): u64 { MAX_VOTING_POWER }

    /// Largest number of revoked tokens.
    public fun max_revoked_tokens(): u64 { MAX_REVOKED_TOKENS }

    /// Largest number of open proposals of one controller.
    public fun max_proposals_per_controller(): u64 { MAX_PROPOSALS_PER_CONTROLLER }

    /// Largest number of live delegation tokens.
    public fun max_tokens(): u64 { MAX_TOKENS }

    /// The ID of the object holding `multi`.
    public fun owner<V: store>(multi: &Multicontroller<V>): ID { multi.owner }

    /// The controlled value.
    public fun value<V: store>(multi: &Multicontroller<V>): &V { &multi.controlled_value }

    /// The voting power needed to execute a proposal.
    public fun threshold<V: store>(multi: &Multicontroller<V>): u64 { multi.threshold }

    /// The controllers' `ControllerCap` IDs.
    public fun controllers<V: store>(multi: &Multicontroller<V>): vector<ID> {
        vec_map::keys(&multi.controllers)
    }

    /// Whether `cap_id` is a controller.
    public fun is_controller<V: store>(multi: &Multicontroller<V>, cap_id: ID): bool {
        vec_map::contains(&multi.controllers, &cap_id)
    }

    /// The voting power of the controller `cap_id`.
    public fun voting_power<V: store>(multi: &Multicontroller<V>, cap_id: ID): u64 {
        assert!(vec_map::contains(&multi.controllers, &cap_id), ENotAController);
        *vec_map::get(&multi.controllers, &cap_id)
    }

    /// The sum of all controllers' voting power.
    public fun total_voting_power<V: store>(multi: &Multicontroller<V>): u64 {
        let total = 0;
        let i = 0;
        let n = vec_map::size(&multi.controllers);
        while (i < n) {
            let (_, vp) = vec_map::get_entry_by_idx(&multi.controllers, i);
            total = total + *vp;
            i = i + 1;
        };
        total
    }

    /// IDs of the open proposals, oldest first.
    public fun active_proposals<V: store>(multi: &Multicontroller<V>): vector<ID> {
        multi.active_proposals
    }

    /// Whether `proposal_id` is an open proposal.
    public fun is_active_proposal<V: store>(multi: &Multicontroller<V>, proposal_id: ID): bool {
        vector::contains(&multi.active_proposals, &proposal_id)
    }

    /// The number of open proposals created by the controller `cap_id`.
    public fun open_proposals_of<V: store>(multi: &Multicontroller<V>, cap_id: ID): u64 {
        let n = 0;
        let i = 0;
        let len = vector::length(&multi.proposal_creators);
        while (i < len) {
            if (*vector::borrow(&multi.proposal_creators, i) == cap_id) {
                n = n + 1;
            };
            i = i + 1;
        };
        n
    }

    /// Whether `token_id` is a live delegation token minted by this identity.
    public fun is_token<V: store>(multi: &Multicontroller<V>, token_id: ID): bool {
        vec_map::contains(&multi.tokens, &token_id)
    }

    /// IDs of the revoked delegation tokens.
    public fun revoked_tokens<V: store>(multi: &Multicontroller<V>): vector<ID> {
        *vec_set::keys(&multi.revoked_tokens)
    }

    /// Whether the delegation token `token_id` is revoked.
    public fun is_token_revoked<V: store>(multi: &Multicontroller<V>, token_id: ID): bool {
        vec_set::contains(&multi.revoked_tokens, &token_id)
    }

    /// The current voting power behind a proposal: its voters that are still
    /// controllers, each at its current voting power.
    public fun proposal_votes<V: store, T: store>(multi: &Multicontroller<V>, proposal_id: ID): u64 {
        let proposal = borrow_proposal<V, T>(multi, proposal_id);
        tally(&multi.controllers, &proposal.voters)
    }

    /// The current voting power of a proposal's rejecters.
    public fun proposal_rejections<V: store, T: store>(multi: &Multicontroller<V>, proposal_id: ID): u64 {
        let proposal = borrow_proposal<V, T>(multi, proposal_id);
        tally(&multi.controllers, &proposal.rejecters)
    }

    /// The controllers that rejected a proposal.
    public fun proposal_rejecters<V: store, T: store>(multi: &Multicontroller<V>, proposal_id: ID): vector<ID> {
        *vec_set::keys(&borrow_proposal<V, T>(multi, proposal_id).rejecters)
    }

    /// The controllers that approved a proposal.
    public fun proposal_voters<V: store, T: store>(multi: &Multicontroller<V>, proposal_id: ID): vector<ID> {
        *vec_set::keys(&borrow_proposal<V, T>(multi, proposal_id).voters)
    }

    /// A proposal's expiration epoch.
    public fun proposal_expiration<V: store, T: store>(multi: &Multicontroller<V>, proposal_id: ID): Option<u64> {
        borrow_proposal<V, T>(multi, proposal_id).expiration_epoch
    }

    /// A proposal's action.
    public fun proposal_action<V: store, T: store>(multi: &Multicontroller<V>, proposal_id: ID): &T {
        &borrow_proposal<V, T>(multi, proposal_id).action
    }

    /// Whether a proposal's current votes reach the threshold.
    public fun is_approved<V: store, T: store>(multi: &Multicontroller<V>, proposal_id: ID): bool {
        proposal_votes<V, T>(multi, proposal_id) >= multi.threshold
    }

    /// Whether a proposal expired before the epoch of `ctx`.
    public fun is_expired<V: store, T: store>(multi: &Multicontroller<V>, proposal_id: ID, ctx: &TxContext): bool {
        is_expired_at(&borrow_proposal<V, T>(multi, proposal_id).expiration_epoch, tx_context::epoch(ctx))
    }

    /// Reads an executed proposal's action.
    public fun borrow_action<T>(action: &Action<T>): &T { &action.inner }

    /// Wraps `value` with the controllers `addresses` (each with the voting
    /// power and delegation right at the same index) and `threshold`, and
    /// sends each controller a `ControllerCap`.
    public(friend) fun new<V: store>(
        value: V,
        owner: ID,
        addresses: vector<address>,
        voting_powers: vector<u64>,
        can_delegate: vector<bool>,
        threshold: u64,
        ctx: &mut TxContext,
    ): Multicontroller<V> {
        let n = vector::length(&addresses);
        assert!(n > 0, ENoControllers);
        assert!(n <= MAX_CONTROLLERS, ETooManyControllers);
        assert!(vector::length(&voting_powers) == n && vector::length(&can_delegate) == n, EMismatchedLengths);
        assert_distinct(&addresses);
        let total = 0;
        let i = 0;
        while (i < n) {
            let vp = *vector::borrow(&voting_powers, i);
            assert_voting_power(vp);
            total = total + vp;
            i = i + 1;
        };
        assert!(threshold >= 1 && threshold <= total, EInvalidThreshold);

        let multi = Multicontroller {
            owner,
            threshold,
            controllers: vec_map::empty(),
            controlled_value: value,
            active_proposals: vector[],
            proposal_creators: vector[],
            proposals: object_bag::new(ctx),
            revoked_tokens: vec_set::empty(),
            tokens: vec_map::empty(),
        };
        let i = 0;
        while (i < n) {
            add_controller(
                &mut multi,
                *vector::borrow(&addresses, i),
                *vector::borrow(&voting_powers, i),
                *vector::borrow(&can_delegate, i),
                ctx,
            );
            i = i + 1;
        };
        multi
    }

    /// Aborts unless `auth` is a credential of a current controller of
    /// `multi` and, if it is a token, not revoked.
    public(friend) fun assert_controller<V: store>(multi: &Multicontroller<V>, auth: &Auth) {
        assert!(controller::auth_controller_of(auth) == multi.owner, EWrongIdentity);
        assert!(vec_map::contains(&multi.controllers, &controller::auth_controller(auth)), ENotAController);
        let token = controller::auth_token(auth);
        if (option::is_some(&token)) {
            assert!(!vec_set::contains(&multi.revoked_tokens, option::borrow(&token)), ETokenRevoked);
        };
    }

    /// `assert_controller`, and `auth` grants `permission`.
    public(friend) fun assert_authorized<V: store>(multi: &Multicontroller<V>, auth: &Auth, permission: u64) {
        assert_controller(multi, auth);
        controller::assert_permission(auth, permission);
    }

    /// Opens a proposal for `action`. Needs CREATE. The creator's vote is
    /// cast only if `auth` also grants APPROVE: a token's permissions decide
    /// everything it does. Each controller may have at most
    /// `MAX_PROPOSALS_PER_CONTROLLER` open proposals, so one controller
    /// cannot fill the `MAX_ACTIVE_PROPOSALS` slots.
    public(friend) fun create_proposal<V: store, T: store>(
        multi: &mut Multicontroller<V>,
        auth: &Auth,
        action: T,
        expiration_epoch: Option<u64>,
        ctx: &mut TxContext,
    ): ID {
        assert_authorized(multi, auth, permissions::can_create_proposal());
        assert!(vector::length(&multi.active_proposals) < MAX_ACTIVE_PROPOSALS, ETooManyProposals);
        let creator = controller::auth_controller(auth);
        assert!(open_proposals_of(multi, creator) < MAX_PROPOSALS_PER_CONTROLLER, ETooManyProposalsOfController);
        if (option::is_some(&expiration_epoch)) {
            assert!(*option::borrow(&expiration_epoch) >= tx_context::epoch(ctx), EInvalidExpiration);
        };
        let (voters, votes) = if (controller::has_permission(auth, permissions::can_approve_proposal())) {
            (vec_set::singleton(creator), *vec_map::get(&multi.controllers, &creator))
        } else {
            (vec_set::empty(), 0)
        };
        let proposal = Proposal {
            id: object::new(ctx),
            votes,
            voters,
            rejecters: vec_set::empty(),
            expiration_epoch,
            action,
        };
        let proposal_id = object::id(&proposal);
        object_bag::add(&mut multi.proposals, proposal_id, proposal);
        vector::push_back(&mut multi.active_proposals, proposal_id);
        vector::push_back(&mut multi.proposal_creators, creator);
        events::proposal_created(multi.owner, proposal_id, creator, expiration_epoch, votes, multi.threshold);
        proposal_id
    }

    /// Adds the approval of `auth`'s controller. Needs APPROVE.
    public(friend) fun approve_proposal<V: store, T: store>(
        multi: &mut Multicontroller<V>,
        auth: &Auth,
        proposal_id: ID,
        ctx: &TxContext,
    ) {
        assert_authorized(multi, auth, permissions::can_approve_proposal());
        assert_active(multi, &proposal_id);
        let voter = controller::auth_controller(auth);
        let controllers = &multi.controllers;
        let proposal = object_bag::borrow_mut<ID, Proposal<T>>(&mut multi.proposals, proposal_id);
        assert!(!is_expired_at(&proposal.expiration_epoch, tx_context::epoch(ctx)), EProposalExpired);
        assert!(!vec_set::contains(&proposal.voters, &voter), EAlreadyVoted);
        assert!(!vec_set::contains(&proposal.rejecters, &voter), EAlreadyRejected);
        // Dropping voters that are no longer controllers keeps the voter set
        // no larger than the controller set, which bounds every tally.
        prune_voters(&mut proposal.voters, controllers);
        vec_set::insert(&mut proposal.voters, voter);
        let votes = tally(controllers, &proposal.voters);
        proposal.votes = votes;
        events::proposal_approved(multi.owner, proposal_id, voter, votes, multi.threshold);
    }

    /// Withdraws the vote of `auth`'s controller, an approval or a
    /// rejection. Needs REMOVE_APPROVAL.
    public(friend) fun remove_approval<V: store, T: store>(
        multi: &mut Multicontroller<V>,
        auth: &Auth,
        proposal_id: ID,
    ) {
        assert_authorized(multi, auth, permissions::can_remove_approval());
        assert_active(multi, &proposal_id);
        let voter = controller::auth_controller(auth);
        let controllers = &multi.controllers;
        let proposal = object_bag::borrow_mut<ID, Proposal<T>>(&mut multi.proposals, proposal_id);
        if (vec_set::contains(&proposal.rejecters, &voter)) {
            vec_set::remove(&mut proposal.rejecters, &voter);
        } else {
            assert!(vec_set::contains(&proposal.voters, &voter), ENotVoted);
            vec_set::remove(&mut proposal.voters, &voter);
        };
        let votes = tally(controllers, &proposal.voters);
        proposal.votes = votes;
        events::approval_removed(multi.owner, proposal_id, voter, votes, multi.threshold);
    }

    /// Removes an approved, unexpired proposal and returns its action. Needs
    /// EXECUTE. Votes are recounted here because voting power and the
    /// controller set may have changed since each vote.
    public(friend) fun execute_proposal<V: store, T: store>(
        multi: &mut Multicontroller<V>,
        auth: &Auth,
        proposal_id: ID,
        ctx: &TxContext,
    ): Action<T> {
        assert_authorized(multi, auth, permissions::can_execute_proposal());
        assert_active(multi, &proposal_id);
        {
            let proposal = object_bag::borrow<ID, Proposal<T>>(&multi.proposals, proposal_id);
            assert!(!is_expired_at(&proposal.expiration_epoch, tx_context::epoch(ctx)), EProposalExpired);
            assert!(tally(&multi.controllers, &proposal.voters) >= multi.threshold, EThresholdNotReached);
        };
        let Proposal { id, votes: _, voters: _, rejecters: _, expiration_epoch: _, action } =
            take_proposal<V, T>(multi, proposal_id);
        object::delete(id);
        events::proposal_executed(multi.owner, proposal_id, controller::auth_controller(auth));
        Action { inner: action }
    }

    /// Rejects a proposal as `auth`'s controller. Needs APPROVE (rejecting
    /// is a vote). Once the current voting power of the rejecters reaches the
    /// threshold the proposal is deleted here: the controllers that could
    /// have executed anything can also throw a proposal away, whatever its
    /// creator's votes (see the README's "Governance jams"). Returns whether
    /// the proposal was deleted.
    public(friend) fun reject_proposal<V: store, T: store + drop>(
        multi: &mut Multicontroller<V>,
        auth: &Auth,
        proposal_id: ID,
    ): bool {
        assert_authorized(multi, auth, permissions::can_approve_proposal());
        assert_active(multi, &proposal_id);
        let voter = controller::auth_controller(auth);
        let threshold = multi.threshold;
        let rejections = {
            let controllers = &multi.controllers;
            let proposal = object_bag::borrow_mut<ID, Proposal<T>>(&mut multi.proposals, proposal_id);
            assert!(!vec_set::contains(&proposal.voters, &voter), EAlreadyVoted);
            assert!(!vec_set::contains(&proposal.rejecters, &voter), EAlreadyRejected);
            // As for voters: the set stays no larger than the controller set.
            prune_voters(&mut proposal.rejecters, controllers);
            vec_set::insert(&mut proposal.rejecters, voter);
            tally(controllers, &proposal.rejecters)
        };
        events::proposal_rejected(multi.owner, proposal_id, voter, rejections, threshold);
        if (rejections >= threshold) {
            destroy_proposal(take_proposal<V, T>(multi, proposal_id));
            events::proposal_deleted(multi.owner, proposal_id, option::some(voter));
            true
        } else {
            false
        }
    }

    /// Deletes a proposal that expired, has no current votes, or whose
    /// rejecters' current voting power reaches the threshold. Needs DELETE.
    public(friend) fun delete_proposal<V: store, T: store + drop>(
        multi: &mut Multicontroller<V>,
        auth: &Auth,
        proposal_id: ID,
        ctx: &TxContext,
    ) {
        assert_authorized(multi, auth, permissions::can_delete_proposal());
        assert_active(multi, &proposal_id);
        {
            let proposal = object_bag::borrow<ID, Proposal<T>>(&multi.proposals, proposal_id);
            assert!(
                is_expired_at(&proposal.expiration_epoch, tx_context::epoch(ctx))
                    || tally(&multi.controllers, &proposal.voters) == 0
                    || tally(&multi.controllers, &proposal.rejecters) >= multi.threshold,
                ECannotDeleteProposal
            );
        };
        destroy_proposal(take_proposal<V, T>(multi, proposal_id));
        events::proposal_deleted(multi.owner, proposal_id, option::some(controller::auth_controller(auth)));
    }

    /// Deletes any proposal without authorization; the caller guarantees
    /// that nobody can act on `multi` any more (a deleted identity).
    public(friend) fun purge_proposal<V: store, T: store + drop>(multi: &mut Multicontroller<V>, proposal_id: ID) {
        destroy_proposal(take_proposal<V, T>(multi, proposal_id));
        events::proposal_deleted(multi.owner, proposal_id, option::none());
    }

    /// Whether a just-created proposal should execute in the same call: its
    /// votes reach the threshold and `auth` may execute.
    public(friend) fun can_execute_now<V: store, T: store>(
        multi: &Multicontroller<V>,
        auth: &Auth,
        proposal_id: ID,
    ): bool {
        controller::has_permission(auth, permissions::can_execute_proposal())
            && is_approved<V, T>(multi, proposal_id)
    }

    /// Consumes an executed action, returning its content.
    public(friend) fun unwrap_action<T>(action: Action<T>): T {
        let Action { inner } = action;
        inner
    }

    /// Mutably borrows an executed action's content.
    public(friend) fun borrow_action_mut<T>(action: &mut Action<T>): &mut T { &mut action.inner }

    /// Replaces the controlled value.
    public(friend) fun set_value<V: store + drop>(multi: &mut Multicontroller<V>, value: V) {
        multi.controlled_value = value;
    }

    /// Mints a `ControllerCap` for `recipient` with voting power `vp` and
    /// returns its ID. The caller keeps the threshold valid.
    public(friend) fun add_controller<V: store>(
        multi: &mut Multicontroller<V>,
        recipient: address,
        vp: u64,
        can_delegate: bool,
        ctx: &mut TxContext,
    ): ID {
        assert_voting_power(vp);
        assert!(vec_map::size(&multi.controllers) < MAX_CONTROLLERS, ETooManyControllers);
        let cap = controller::new_cap(multi.owner, can_delegate, ctx);
        let cap_id = object::id(&cap);
        vec_map::insert(&mut multi.controllers, cap_id, vp);
        controller::transfer_cap(cap, recipient);
        cap_id
    }

    /// Removes the controller `cap_id` and forgets the tokens it minted
    /// (they are refused from now on anyway), so that a removed controller's
    /// tokens cannot keep `MAX_TOKENS` filled. The caller keeps the
    /// threshold valid.
    public(friend) fun remove_controller<V: store>(multi: &mut Multicontroller<V>, cap_id: ID) {
        assert!(vec_map::contains(&multi.controllers, &cap_id), ENotAController);
        vec_map::remove(&mut multi.controllers, &cap_id);
        let i = 0;
        while (i < vec_map::size(&multi.tokens)) {
            let (token, owner) = vec_map::get_entry_by_idx(&multi.tokens, i);
            let (token, owner) = (*token, *owner);
            if (owner == cap_id) {
                forget_token(multi, token);
            } else {
                i = i + 1;
            };
        };
    }

    /// Sets the voting power of the controller `cap_id`.
    public(friend) fun set_voting_power<V: store>(multi: &mut Multicontroller<V>, cap_id: ID, vp: u64) {
        assert_voting_power(vp);
        assert!(vec_map::contains(&multi.controllers, &cap_id), ENotAController);
        *vec_map::get_mut(&mut multi.controllers, &cap_id) = vp;
    }

    /// Sets the threshold, which must be reachable by the current controllers.
    public(friend) fun set_threshold<V: store>(multi: &mut Multicontroller<V>, threshold: u64) {
        assert!(threshold >= 1 && threshold <= total_voting_power(multi), EInvalidThreshold);
        multi.threshold = threshold;
    }

    /// Removes every controller, leaving `multi` inert (identity deletion).
    public(friend) fun clear_controllers<V: store>(multi: &mut Multicontroller<V>) {
        multi.controllers = vec_map::empty();
    }

    /// Records a token just minted for the controller `controller_id`.
    public(friend) fun record_token<V: store>(multi: &mut Multicontroller<V>, token_id: ID, controller_id: ID) {
        assert!(vec_map::size(&multi.tokens) < MAX_TOKENS, ETooManyTokens);
        vec_map::insert(&mut multi.tokens, token_id, controller_id);
    }

    /// Puts `token_id`, a live token of this identity, on the revocation
    /// list. Needs a current controller's `ControllerCap`: revoking only
    /// takes power away, so one controller may do it at once.
    public(friend) fun revoke_token<V: store>(multi: &mut Multicontroller<V>, auth: &Auth, token_id: ID) {
        assert_controller(multi, auth);
        controller::assert_is_cap(auth);
        assert!(vec_map::contains(&multi.tokens, &token_id), EUnknownToken);
        assert!(!vec_set::contains(&multi.revoked_tokens, &token_id), ETokenAlreadyRevoked);
        assert!(vec_set::size(&multi.revoked_tokens) < MAX_REVOKED_TOKENS, ETooManyRevokedTokens);
        vec_set::insert(&mut multi.revoked_tokens, token_id);
        events::token_revoked(multi.owner, token_id, controller::auth_controller(auth));
    }

    /// Aborts unless `token_id` is on the revocation list.
    public(friend) fun assert_token_revoked<V: store>(multi: &Multicontroller<V>, token_id: ID) {
        assert!(vec_set::contains(&multi.revoked_tokens, &token_id), ETokenNotRevoked);
    }

    /// Takes `token_id` off the revocation list; `executor` is the controller
    /// that executed the approved unrevoke proposal (see `unrevoke_proposal`).
    public(friend) fun unrevoke_token<V: store>(multi: &mut Multicontroller<V>, token_id: ID, executor: ID) {
        assert_token_revoked(multi, token_id);
        vec_set::remove(&mut multi.revoked_tokens, &token_id);
        events::token_unrevoked(multi.owner, token_id, executor);
    }

    /// Forgets `token_id` (the token is gone): drops it from the minted
    /// tokens and the revocation list.
    public(friend) fun forget_token<V: store>(multi: &mut Multicontroller<V>, token_id: ID) {
        if (vec_map::contains(&multi.tokens, &token_id)) {
            vec_map::remove(&mut multi.tokens, &token_id);
        };
        if (vec_set::contains(&multi.revoked_tokens, &token_id)) {
            vec_set::remove(&mut multi.revoked_tokens, &token_id);
        };
    }

    /// Aborts unless `vp` is a valid voting power.
    public(friend) fun assert_voting_power(vp: u64) {
        assert!(vp >= 1 && vp <= MAX_VOTING_POWER, EInvalidVotingPower);
    }

    /// Aborts if `items` holds a value twice.
    public(friend) fun assert_distinct<K>(items: &vector<K>) {
        assert!(!utils::has_duplicates(items), EDuplicateController);
    }

    /// Aborts unless parallel vectors have the same length.
    public(friend) fun assert_same_length(a: u64, b: u64) {
        assert!(a == b, EMismatchedLengths);
    }

    /// Borrows an open proposal.
    fun borrow_proposal<V: store, T: store>(multi: &Multicontroller<V>, proposal_id: ID): &Proposal<T> {
        assert_active(multi, &proposal_id);
        object_bag::borrow<ID, Proposal<T>>(&multi.proposals, proposal_id)
    }

    /// Aborts unless `proposal_id` is open.
    fun assert_active<V: store>(multi: &Multicontroller<V>, proposal_id: &ID) {
        assert!(vector::contains(&multi.active_proposals, proposal_id), EProposalNotFound);
    }

    /// Removes an open proposal from both the bag and `active_proposals`:
    /// the only way a proposal leaves a multicontroller.
    fun take_proposal<V: store, T: store>(multi: &mut Multicontroller<V>, proposal_id: ID): Proposal<T> {
        let (found, i) = vector::index_of(&multi.active_proposals, &proposal_id);
        assert!(found, EProposalNotFound);
        vector::remove(&mut multi.active_proposals, i);
        vector::remove(&mut multi.proposal_creators, i);
        object_bag::remove<ID, Proposal<T>>(&mut multi.proposals, proposal_id)
    }

    /// Destroys a proposal and its action.
    fun destroy_proposal<T: store + drop>(proposal: Proposal<T>) {
        let Proposal { id, votes: _, voters: _, rejecters: _, expiration_epoch: _, action: _ } = proposal;
        object::delete(id);
    }

    /// Sum of the current voting power of the `voters` that are controllers.
    fun tally(controllers: &VecMap<ID, u64>, voters: &VecSet<ID>): u64 {
        let keys = vec_set::keys(voters);
        let n = vector::length(keys);
        let sum = 0;
        let i = 0;
        while (i < n) {
            let voter = vector::borrow(keys, i);
            if (vec_map::contains(controllers, voter)) {
                sum = sum + *vec_map::get(controllers, voter);
            };
            i = i + 1;
        };
        sum
    }

    /// Removes from `voters` every ID that is not a controller.
    fun prune_voters(voters: &mut VecSet<ID>, controllers: &VecMap<ID, u64>) {
        let keys = *vec_set::keys(voters);
        let n = vector::length(&keys);
        let i = 0;
        while (i < n) {
            let voter = vector::borrow(&keys, i);
            if (!vec_map::contains(controllers, voter)) {
                vec_set::remove(voters, voter);
            };
            i = i + 1;
        };
    }

    /// Whether `expiration_epoch` lies before `epoch`.
    fun is_expired_at(expiration_epoch: &Option<u64>, epoch: u64): bool {
        option::is_some(expiration_epoch) && *option::borrow(expiration_epoch) < epoch
    }
}
