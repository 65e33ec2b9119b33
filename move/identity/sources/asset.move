/// Authenticated assets: an object holding any `store` value together with
/// who created it (`origin`), who owns it (`owner`), and three flags fixed at
/// creation: whether its content may be changed (`mutable`), whether it may
/// change hands (`transferable`) and whether it may be destroyed (`deletable`).
///
/// `AuthenticatedAsset<T>` has `key` only, so no other module and no
/// transaction can move, wrap, share or freeze it (`TransferObjects` needs
/// `store`, and `transfer::transfer` is callable only by this module): its
/// owner changes only through the two-party transfer below, which keeps the
/// recorded `owner` equal to the address owning the object.
///
/// Transfer is an offer and an acceptance:
/// - `offer` (owner, transferable assets only) shares a `TransferProposal`
///   naming the asset, the offering owner and the recipient, and sends the
///   asset itself to the proposal's address. While the offer is open nobody
///   owns the asset as an account: the owner can no longer mutate, delete or
///   offer it again, so a double offer is impossible by construction;
/// - `accept` (the recipient only, before the optional expiration epoch
///   passes) receives the asset from the proposal, records the recipient as
///   owner, sends it to the recipient and deletes the proposal;
/// - `cancel` (the offering owner only, at any time, expired or not) receives
///   the asset back to the offering owner and deletes the proposal.
/// A proposal is deleted by the call that concludes it, so a concluded offer
/// leaves nothing behind and cannot be accepted or cancelled twice.
///
/// Every change emits one event of `identity::events`.
module identity::asset {
    use std::option::{Self, Option};
    use sui::object::{Self, ID, UID};
    use sui::transfer::{Self, Receiving};
    use sui::tx_context::{Self, TxContext};
    use identity::events;

    /// The sender does not own the asset.
    const ENotOwner: u64 = 1200;
    /// The asset was created immutable.
    const EImmutable: u64 = 1201;
    /// The asset was created non-transferable.
    const ENotTransferable: u64 = 1202;
    /// The asset was created non-deletable.
    const ENotDeletable: u64 = 1203;
    /// The sender is not the recipient of the offer.
    const ENotRecipient: u64 = 1204;
    /// The sender is not the owner who made the offer.
    const ENotOfferer: u64 = 1205;
    /// The received object is not the asset the offer names.
    const EWrongAsset: u64 = 1206;
    /// The offer's expiration epoch has passed.
    const EOfferExpired: u64 = 1207;
    /// The expiration epoch is already in the past.
    const EInvalidExpiration: u64 = 1208;
    /// The owner offered the asset to itself.
    const ESelfOffer: u64 = 1209;

    /// A value with a recorded origin and owner. Fields are laid out with the
    /// fixed-size ones first and `content` last, so a client decodes the
    /// header without knowing `T`.
    struct AuthenticatedAsset<T: store> has key {
        id: UID,
        /// The address that created the asset; never changes.
        origin: address,
        /// The address owning the asset (the offering owner while an offer is open).
        owner: address,
        mutable: bool,
        transferable: bool,
        deletable: bool,
        content: T,
    }

    /// An open offer of an asset from `sender` to `recipient` (shared). The
    /// asset is owned by this proposal's address until the offer is
    /// accepted or cancelled; either deletes the proposal.
    struct TransferProposal has key {
        id: UID,
        asset: ID,
        sender: address,
        recipient: address,
        /// Last epoch in which the recipient may accept; none = no limit.
        expiration_epoch: Option<u64>,
    }

    /// Creates an asset holding `content`, with the sender as origin and
    /// owner, and sends it to the sender. Returns its ID.
    public fun create<T: store>(
        content: T,
        mutable: bool,
        transferable: bool,
        deletable: bool,
        ctx: &mut TxContext,
    ): ID {
        let sender = tx_context::sender(ctx);
        let asset = AuthenticatedAsset {
            id: object::new(ctx),
            origin: sender,
            owner: sender,
            mutable,
            transferable,
            deletable,
            content,
        };
        let id = object::id(&asset);
        events::asset_created(id, sender, mutable, transferable, deletable);
        transfer::transfer(asset, sender);
        id
    }

    /// The content, for anyone holding the asset.
    public fun borrow<T: store>(self: &AuthenticatedAsset<T>): &T { &self.content }

    /// The content, mutably: only the owner of a mutable asset. Emits
    /// `AssetMutated` (the borrow is taken as the change).
    public fun borrow_mut<T: store>(self: &mut AuthenticatedAsset<T>, ctx: &TxContext): &mut T {
        assert_owner(self, ctx);
        assert!(self.mutable, EImmutable);
        events::asset_mutated(object::id(self), self.owner);
        &mut self.content
    }

    /// Replaces the content (the old one is dropped, hence `drop`): only the
    /// owner of a mutable asset. The form a transaction calls, since it cannot
    /// hold a `&mut T`; Move code with a `T` without `drop` uses `borrow_mut`.
    public fun set_content<T: store + drop>(self: &mut AuthenticatedAsset<T>, content: T, ctx: &TxContext) {
        *borrow_mut(self, ctx) = content;
    }

    /// Deletes the asset and returns its content: only the owner of a
    /// deletable asset.
    public fun delete<T: store>(self: AuthenticatedAsset<T>, ctx: &TxContext): T {
        assert_owner(&self, ctx);
        assert!(self.deletable, ENotDeletable);
        let AuthenticatedAsset { id, origin: _, owner, mutable: _, transferable: _, deletable: _, content } = self;
        events::asset_deleted(object::uid_to_inner(&id), owner);
        object::delete(id);
        content
    }

    /// Offers the asset to `recipient`: only the owner of a transferable
    /// asset, and not to itself. `expiration` is the last epoch in which the
    /// recipient may accept (none = no limit). Shares a `TransferProposal`,
    /// sends the asset to its address, and returns the proposal's ID.
    public fun offer<T: store>(
        self: AuthenticatedAsset<T>,
        recipient: address,
        expiration: Option<u64>,
        ctx: &mut TxContext,
    ): ID {
        assert_owner(&self, ctx);
        assert!(self.transferable, ENotTransferable);
        assert!(recipient != self.owner, ESelfOffer);
        if (option::is_some(&expiration)) {
            assert!(*option::borrow(&expiration) >= tx_context::epoch(ctx), EInvalidExpiration);
        };
        let asset = object::id(&self);
        let proposal = TransferProposal {
            id: object::new(ctx),
            asset,
            sender: self.owner,
            recipient,
            expiration_epoch: expiration,
        };
        let proposal_id = object::id(&proposal);
        events::asset_offered(proposal_id, asset, self.owner, recipient, expiration);
        transfer::transfer(self, object::id_to_address(&proposal_id));
        transfer::share_object(proposal);
        proposal_id
    }

    /// Accepts an offer: only its recipient, before it expires. `ticket` is
    /// the offered asset, owned by the proposal. The asset's owner becomes
    /// the recipient, it is sent to the recipient, and the proposal is deleted.
    public fun accept<T: store>(
        proposal: TransferProposal,
        ticket: Receiving<AuthenticatedAsset<T>>,
        ctx: &TxContext,
    ) {
        assert!(tx_context::sender(ctx) == proposal.recipient, ENotRecipient);
        if (option::is_some(&proposal.expiration_epoch)) {
            assert!(tx_context::epoch(ctx) <= *option::borrow(&proposal.expiration_epoch), EOfferExpired);
        };
        let asset = receive_asset(&mut proposal, ticket);
        let TransferProposal { id, asset: asset_id, sender, recipient, expiration_epoch: _ } = proposal;
        asset.owner = recipient;
        events::asset_transferred(object::uid_to_inner(&id), asset_id, sender, recipient);
        object::delete(id);
        transfer::transfer(asset, recipient);
    }

    /// Cancels an offer: only the owner who made it, at any time. The asset
    /// goes back to that owner and the proposal is deleted.
    public fun cancel<T: store>(
        proposal: TransferProposal,
        ticket: Receiving<AuthenticatedAsset<T>>,
        ctx: &TxContext,
    ) {
        assert!(tx_context::sender(ctx) == proposal.sender, ENotOfferer);
        let asset = receive_asset(&mut proposal, ticket);
        let TransferProposal { id, asset: asset_id, sender, recipient, expiration_epoch: _ } = proposal;
        events::asset_offer_cancelled(object::uid_to_inner(&id), asset_id, sender, recipient);
        object::delete(id);
        transfer::transfer(asset, sender);
    }

    /// The asset's creator.
    public fun origin<T: store>(self: &AuthenticatedAsset<T>): address { self.origin }

    /// The asset's owner.
    public fun owner<T: store>(self: &AuthenticatedAsset<T>): address { self.owner }

    /// Whether the content may be changed.
    public fun is_mutable<T: store>(self: &AuthenticatedAsset<T>): bool { self.mutable }

    /// Whether the asset may be offered to another owner.
    public fun is_transferable<T: store>(self: &AuthenticatedAsset<T>): bool { self.transferable }

    /// Whether the asset may be deleted.
    public fun is_deletable<T: store>(self: &AuthenticatedAsset<T>): bool { self.deletable }

    /// The offered asset's ID.
    public fun proposal_asset(proposal: &TransferProposal): ID { proposal.asset }

    /// The owner who made the offer.
    public fun proposal_sender(proposal: &TransferProposal): address { proposal.sender }

    /// The address the asset is offered to.
    public fun proposal_recipient(proposal: &TransferProposal): address { proposal.recipient }

    /// The last epoch in which the offer may be accepted.
    public fun proposal_expiration(proposal: &TransferProposal): Option<u64> { proposal.expiration_epoch }

    fun assert_owner<T: store>(self: &AuthenticatedAsset<T>, ctx: &TxContext) {
        assert!(tx_context::sender(ctx) == self.owner, ENotOwner);
    }

    /// Receives the proposal's asset; aborts if the ticket is another object.
    fun receive_asset<T: store>(
        proposal: &mut TransferProposal,
        ticket: Receiving<AuthenticatedAsset<T>>,
    ): AuthenticatedAsset<T> {
        assert!(transfer::receiving_object_id(&ticket) == proposal.asset, EWrongAsset);
        transfer::receive(&mut proposal.id, ticket)
    }
}
