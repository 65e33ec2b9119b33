#[test_only]
/// `identity::asset`: authenticated assets and their two-party transfer,
/// played straight and attacked.
module identity::authenticated_asset_tests {
    use std::option;
    use sui::object::ID;
    use sui::test_scenario::{Self as ts, Scenario};
    use identity::asset::{Self, AuthenticatedAsset, TransferProposal};
    use identity::test_common::{alice, bob, carol};

    /// The asset type of these tests.
    struct Note has store, drop {
        text: vector<u8>,
    }

    /// A content without `drop`: `delete` must hand it back.
    struct Ticket has store {
        seat: u64,
    }

    fun create(scenario: &mut Scenario, mutable: bool, transferable: bool, deletable: bool): ID {
        asset::create(Note { text: b"hello" }, mutable, transferable, deletable, ts::ctx(scenario))
    }

    fun take(scenario: &Scenario, owner: address, id: ID): AuthenticatedAsset<Note> {
        ts::take_from_address_by_id<AuthenticatedAsset<Note>>(scenario, owner, id)
    }

    fun text(a: &AuthenticatedAsset<Note>): vector<u8> {
        asset::borrow(a).text
    }

    /// Alice creates an asset with every flag set and offers it to bob.
    /// Returns (asset, proposal).
    fun offered_to_bob(scenario: &mut Scenario): (ID, ID) {
        let id = create(scenario, true, true, true);
        ts::next_tx(scenario, alice());
        let a = take(scenario, alice(), id);
        let proposal = asset::offer(a, bob(), option::none(), ts::ctx(scenario));
        (id, proposal)
    }

    /// The current sender accepts the proposal.
    fun accept(scenario: &mut Scenario, proposal: ID, id: ID) {
        let p = ts::take_shared_by_id<TransferProposal>(scenario, proposal);
        asset::accept(p, ts::receiving_ticket_by_id<AuthenticatedAsset<Note>>(id), ts::ctx(scenario));
    }

    /// The current sender cancels the proposal.
    fun cancel(scenario: &mut Scenario, proposal: ID, id: ID) {
        let p = ts::take_shared_by_id<TransferProposal>(scenario, proposal);
        asset::cancel(p, ts::receiving_ticket_by_id<AuthenticatedAsset<Note>>(id), ts::ctx(scenario));
    }

    #[test]
    /// A created asset records its origin, owner and flags, and is the sender's.
    fun create_records_origin_owner_and_flags() {
        let scenario = ts::begin(alice());
        let id = create(&mut scenario, true, false, true);
        ts::next_tx(&mut scenario, alice());
        let a = take(&scenario, alice(), id);
        assert!(asset::origin(&a) == alice(), 0);
        assert!(asset::owner(&a) == alice(), 1);
        assert!(asset::is_mutable(&a) && !asset::is_transferable(&a) && asset::is_deletable(&a), 2);
        assert!(text(&a) == b"hello", 3);
        ts::return_to_address(alice(), a);
        ts::end(scenario);
    }

    #[test]
    /// The owner changes a mutable asset, through `set_content` and `borrow_mut`.
    fun owner_mutates_a_mutable_asset() {
        let scenario = ts::begin(alice());
        let id = create(&mut scenario, true, false, false);
        ts::next_tx(&mut scenario, alice());
        let a = take(&scenario, alice(), id);
        asset::set_content(&mut a, Note { text: b"changed" }, ts::ctx(&mut scenario));
        assert!(text(&a) == b"changed", 0);
        let note = asset::borrow_mut(&mut a, ts::ctx(&mut scenario));
        note.text = b"again";
        assert!(text(&a) == b"again", 1);
        ts::return_to_address(alice(), a);
        ts::end(scenario);
    }

    #[test]
    /// Deleting returns a content that has no `drop`.
    fun delete_returns_the_content() {
        let scenario = ts::begin(alice());
        let id = asset::create(Ticket { seat: 7 }, false, false, true, ts::ctx(&mut scenario));
        ts::next_tx(&mut scenario, alice());
        let a = ts::take_from_address_by_id<AuthenticatedAsset<Ticket>>(&scenario, alice(), id);
        let Ticket { seat } = asset::delete(a, ts::ctx(&mut scenario));
        assert!(seat == 7, 0);
        ts::next_tx(&mut scenario, alice());
        assert!(!ts::has_most_recent_for_address<AuthenticatedAsset<Ticket>>(alice()), 1);
        ts::end(scenario);
    }

    #[test]
    /// Offer and accept: the asset becomes the recipient's, keeps its origin,
    /// and the proposal is gone.
    fun offer_then_accept_moves_the_asset_and_deletes_the_proposal() {
        let scenario = ts::begin(alice());
        let (id, proposal) = offered_to_bob(&mut scenario);
        ts::next_tx(&mut scenario, bob());
        let p = ts::take_shared_by_id<TransferProposal>(&scenario, proposal);
        assert!(asset::proposal_asset(&p) == id, 0);
        assert!(asset::proposal_sender(&p) == alice(), 1);
        assert!(asset::proposal_recipient(&p) == bob(), 2);
        ts::return_shared(p);
        ts::next_tx(&mut scenario, bob());
        accept(&mut scenario, proposal, id);
        ts::next_tx(&mut scenario, bob());
        let a = take(&scenario, bob(), id);
        assert!(asset::owner(&a) == bob(), 3);
        assert!(asset::origin(&a) == alice(), 4);
        // The new owner may now use it as its own.
        asset::set_content(&mut a, Note { text: b"bob's" }, ts::ctx(&mut scenario));
        ts::return_to_address(bob(), a);
        assert!(!ts::has_most_recent_shared<TransferProposal>(), 5);
        ts::end(scenario);
    }

    #[test]
    /// Cancel: the asset goes back to the offering owner, the proposal is gone.
    fun owner_cancels_an_offer_and_gets_the_asset_back() {
        let scenario = ts::begin(alice());
        let (id, proposal) = offered_to_bob(&mut scenario);
        ts::next_tx(&mut scenario, alice());
        cancel(&mut scenario, proposal, id);
        ts::next_tx(&mut scenario, alice());
        let a = take(&scenario, alice(), id);
        assert!(asset::owner(&a) == alice(), 0);
        ts::return_to_address(alice(), a);
        assert!(!ts::has_most_recent_shared<TransferProposal>(), 1);
        ts::end(scenario);
    }

    #[test]
    #[expected_failure(abort_code = identity::asset::ENotOwner)]
    fun non_owner_cannot_mutate() {
        let scenario = ts::begin(alice());
        let id = create(&mut scenario, true, true, true);
        ts::next_tx(&mut scenario, bob());
        let a = take(&scenario, alice(), id);
        asset::set_content(&mut a, Note { text: b"bob was here" }, ts::ctx(&mut scenario));
        abort 99
    }

    #[test]
    #[expected_failure(abort_code = identity::asset::ENotOwner)]
    fun non_owner_cannot_borrow_mutably() {
        let scenario = ts::begin(alice());
        let id = create(&mut scenario, true, true, true);
        ts::next_tx(&mut scenario, bob());
        let a = take(&scenario, alice(), id);
        let _ = asset::borrow_mut(&mut a, ts::ctx(&mut scenario));
        abort 99
    }

    #[test]
    #[expected_failure(abort_code = identity::asset::ENotOwner)]
    fun non_owner_cannot_delete() {
        let scenario = ts::begin(alice());
        let id = create(&mut scenario, true, true, true);
        ts::next_tx(&mut scenario, bob());
        let a = take(&scenario, alice(), id);
        let _ = asset::delete(a, ts::ctx(&mut scenario));
        abort 99
    }

    #[test]
    #[expected_failure(abort_code = identity::asset::ENotOwner)]
    fun non_owner_cannot_offer() {
        let scenario = ts::begin(alice());
        let id = create(&mut scenario, true, true, true);
        ts::next_tx(&mut scenario, bob());
        let a = take(&scenario, alice(), id);
        asset::offer(a, bob(), option::none(), ts::ctx(&mut scenario));
        abort 99
    }

    #[test]
    #[expected_failure(abort_code = identity::asset::EImmutable)]
    fun owner_cannot_mutate_an_immutable_asset() {
        let scenario = ts::begin(alice());
        let id = create(&mut scenario, false, true, true);
        ts::next_tx(&mut scenario, alice());
        let a = take(&scenario, alice(), id);
        asset::set_content(&mut a, Note { text: b"changed" }, ts::ctx(&mut scenario));
        abort 99
    }

    #[test]
    #[expected_failure(abort_code = identity::asset::ENotDeletable)]
    fun owner_cannot_delete_a_non_deletable_asset() {
        let scenario = ts::begin(alice());
        let id = create(&mut scenario, true, true, false);
        ts::next_tx(&mut scenario, alice());
        let a = take(&scenario, alice(), id);
        let _ = asset::delete(a, ts::ctx(&mut scenario));
        abort 99
    }

    #[test]
    #[expected_failure(abort_code = identity::asset::ENotTransferable)]
    fun owner_cannot_offer_a_non_transferable_asset() {
        let scenario = ts::begin(alice());
        let id = create(&mut scenario, true, false, true);
        ts::next_tx(&mut scenario, alice());
        let a = take(&scenario, alice(), id);
        asset::offer(a, bob(), option::none(), ts::ctx(&mut scenario));
        abort 99
    }

    #[test]
    #[expected_failure(abort_code = identity::asset::ESelfOffer)]
    fun owner_cannot_offer_to_itself() {
        let scenario = ts::begin(alice());
        let id = create(&mut scenario, true, true, true);
        ts::next_tx(&mut scenario, alice());
        let a = take(&scenario, alice(), id);
        asset::offer(a, alice(), option::none(), ts::ctx(&mut scenario));
        abort 99
    }

    #[test]
    #[expected_failure(abort_code = identity::asset::ENotRecipient)]
    fun third_party_cannot_accept_someone_elses_offer() {
        let scenario = ts::begin(alice());
        let (id, proposal) = offered_to_bob(&mut scenario);
        ts::next_tx(&mut scenario, carol());
        accept(&mut scenario, proposal, id);
        abort 99
    }

    #[test]
    #[expected_failure(abort_code = identity::asset::ENotRecipient)]
    fun owner_cannot_accept_its_own_offer_to_take_the_asset_back() {
        let scenario = ts::begin(alice());
        let (id, proposal) = offered_to_bob(&mut scenario);
        ts::next_tx(&mut scenario, alice());
        accept(&mut scenario, proposal, id);
        abort 99
    }

    #[test]
    #[expected_failure(abort_code = identity::asset::ENotOfferer)]
    fun recipient_cannot_cancel_the_offer() {
        let scenario = ts::begin(alice());
        let (id, proposal) = offered_to_bob(&mut scenario);
        ts::next_tx(&mut scenario, bob());
        cancel(&mut scenario, proposal, id);
        abort 99
    }

    #[test]
    #[expected_failure(abort_code = identity::asset::ENotOfferer)]
    fun third_party_cannot_cancel_the_offer() {
        let scenario = ts::begin(alice());
        let (id, proposal) = offered_to_bob(&mut scenario);
        ts::next_tx(&mut scenario, carol());
        cancel(&mut scenario, proposal, id);
        abort 99
    }

    #[test]
    #[expected_failure(abort_code = sui::test_scenario::EObjectNotFound)]
    /// After a cancel the proposal no longer exists: nothing to accept.
    fun accept_after_cancel_finds_no_proposal() {
        let scenario = ts::begin(alice());
        let (id, proposal) = offered_to_bob(&mut scenario);
        ts::next_tx(&mut scenario, alice());
        cancel(&mut scenario, proposal, id);
        ts::next_tx(&mut scenario, bob());
        accept(&mut scenario, proposal, id);
        abort 99
    }

    #[test]
    #[expected_failure(abort_code = sui::test_scenario::EObjectNotFound)]
    /// After an acceptance the proposal no longer exists: it cannot be accepted twice.
    fun accept_twice_finds_no_proposal() {
        let scenario = ts::begin(alice());
        let (id, proposal) = offered_to_bob(&mut scenario);
        ts::next_tx(&mut scenario, bob());
        accept(&mut scenario, proposal, id);
        ts::next_tx(&mut scenario, bob());
        accept(&mut scenario, proposal, id);
        abort 99
    }

    #[test]
    #[expected_failure(abort_code = sui::test_scenario::EObjectNotFound)]
    /// While an offer is open the owner no longer holds the asset, so it can
    /// neither offer it a second time nor mutate or delete it.
    fun owner_cannot_offer_an_offered_asset_again() {
        let scenario = ts::begin(alice());
        let (id, _proposal) = offered_to_bob(&mut scenario);
        ts::next_tx(&mut scenario, alice());
        let a = take(&scenario, alice(), id);
        asset::offer(a, carol(), option::none(), ts::ctx(&mut scenario));
        abort 99
    }

    #[test]
    #[expected_failure(abort_code = identity::asset::EWrongAsset)]
    /// A proposal only releases the asset it names: another asset sent to
    /// the proposal's address cannot be accepted through it.
    fun accept_with_another_asset_is_refused() {
        let scenario = ts::begin(alice());
        let (_id, proposal) = offered_to_bob(&mut scenario);
        ts::next_tx(&mut scenario, bob());
        // Bob offers his own asset to alice, then tries to pass that asset's
        // ticket to alice's proposal.
        let other = create(&mut scenario, true, true, true);
        ts::next_tx(&mut scenario, bob());
        let b = take(&scenario, bob(), other);
        asset::offer(b, alice(), option::none(), ts::ctx(&mut scenario));
        ts::next_tx(&mut scenario, bob());
        accept(&mut scenario, proposal, other);
        abort 99
    }

    #[test]
    #[expected_failure(abort_code = identity::asset::EOfferExpired)]
    fun accept_after_expiration_is_refused() {
        let scenario = ts::begin(alice());
        let id = create(&mut scenario, true, true, true);
        ts::next_tx(&mut scenario, alice());
        let a = take(&scenario, alice(), id);
        let proposal = asset::offer(a, bob(), option::some(0), ts::ctx(&mut scenario));
        ts::next_epoch(&mut scenario, bob());
        accept(&mut scenario, proposal, id);
        abort 99
    }

    #[test]
    /// An expired offer can still be cancelled, so an asset is never stranded.
    fun owner_cancels_an_expired_offer() {
        let scenario = ts::begin(alice());
        let id = create(&mut scenario, true, true, true);
        ts::next_tx(&mut scenario, alice());
        let a = take(&scenario, alice(), id);
        let proposal = asset::offer(a, bob(), option::some(0), ts::ctx(&mut scenario));
        ts::next_epoch(&mut scenario, alice());
        cancel(&mut scenario, proposal, id);
        ts::next_tx(&mut scenario, alice());
        let a = take(&scenario, alice(), id);
        ts::return_to_address(alice(), a);
        ts::end(scenario);
    }

    #[test]
    #[expected_failure(abort_code = identity::asset::EInvalidExpiration)]
    fun offer_with_a_past_expiration_is_refused() {
        let scenario = ts::begin(alice());
        let id = create(&mut scenario, true, true, true);
        ts::next_epoch(&mut scenario, alice());
        ts::next_epoch(&mut scenario, alice());
        let a = take(&scenario, alice(), id);
        asset::offer(a, bob(), option::some(0), ts::ctx(&mut scenario));
        abort 99
    }
}
