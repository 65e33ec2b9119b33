#[test_only]
/// The attacks of issue 13 on the identity package, each refused, and the
/// ways out that keep the honest threshold in control.
module identity::attack_tests {
    use std::option;
    use std::vector;
    use sui::object::{Self, ID};
    use sui::test_scenario::{Self as ts, Scenario};
    use sui::transfer;
    use identity::config_proposal::{Self, ConfigChange};
    use identity::controller::{Self, ControllerCap, DelegationToken};
    use identity::controller_proposal;
    use identity::did_proposal::{Self, UpdateDid};
    use identity::identity::{Self, Identity};
    use identity::multicontroller;
    use identity::permissions;
    use identity::send_proposal::{Self, Send};
    use identity::test_common::{Self as common, alice, bob, carol};
    use identity::unrevoke_proposal::{Self, UnrevokeToken};

    /// A made-up object ID: nothing with it exists.
    fun ghost(i: u8): ID {
        let bytes = vector[];
        let n = 0;
        while (n < 31) { vector::push_back(&mut bytes, 0xEE); n = n + 1; };
        vector::push_back(&mut bytes, i);
        object::id_from_bytes(bytes)
    }

    /// Carol opens `n` never-expiring send proposals for objects that do
    /// not exist, returning their IDs.
    fun grief(scenario: &mut Scenario, identity: &mut Identity, n: u64): vector<ID> {
        let (c, carol_auth) = common::take_cap(scenario, carol());
        let ids = vector[];
        let i = 0;
        while (i < n) {
            vector::push_back(&mut ids, send_proposal::propose_send(
                identity, &carol_auth, option::none(), vector[ghost((i as u8))], vector[carol()], ts::ctx(scenario)
            ));
            i = i + 1;
        };
        ts::return_to_address(carol(), c);
        ids
    }

    #[test]
    #[expected_failure(abort_code = 120)] // multicontroller::ETooManyProposalsOfController
    /// The jam of issue 13: one controller of a 2-of-3 identity opening
    /// never-expiring proposals is stopped at its quota.
    fun a_griefer_cannot_open_more_than_its_quota_of_proposals() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_abc(&mut scenario, &clock, 2);
        ts::next_tx(&mut scenario, carol());
        let identity = common::take_identity(&scenario, id);
        let quota = multicontroller::max_proposals_per_controller();
        assert!(quota < multicontroller::max_active_proposals(), 0);
        grief(&mut scenario, &mut identity, quota + 1);

        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    /// With the griefer at its quota, the honest controllers still propose,
    /// reject every griefing proposal away (two rejections of 2-of-3 reach
    /// the threshold though the griefer's vote stays) and remove the griefer.
    fun the_honest_threshold_rejects_a_griefers_proposals_and_removes_it() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_abc(&mut scenario, &clock, 2);
        ts::next_tx(&mut scenario, carol());
        let identity = common::take_identity(&scenario, id);
        let quota = multicontroller::max_proposals_per_controller();
        let griefing = grief(&mut scenario, &mut identity, quota);
        assert!(vector::length(&identity::active_proposals(&identity)) == quota, 0);
        ts::return_shared(identity);

        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        let b = ts::take_from_address<ControllerCap>(&scenario, bob());
        let bob_auth = controller::auth_with_cap(&b);
        let carol_cap = *vector::borrow(&identity::controllers(&identity), 2);

        // One rejection (1 of 2) deletes nothing: the proposal stays, unchanged.
        let first = *vector::borrow(&griefing, 0);
        assert!(!identity::reject_proposal<Send>(&mut identity, &alice_auth, first), 1);
        assert!(identity::is_active_proposal(&identity, first), 2);
        assert!(identity::proposal_votes<Send>(&identity, first) == 1, 3);
        // The second reaches the threshold and deletes it.
        assert!(identity::reject_proposal<Send>(&mut identity, &bob_auth, first), 4);
        assert!(!identity::is_active_proposal(&identity, first), 5);

        let i = 1;
        while (i < quota) {
            let p = *vector::borrow(&griefing, i);
            identity::reject_proposal<Send>(&mut identity, &alice_auth, p);
            identity::reject_proposal<Send>(&mut identity, &bob_auth, p);
            i = i + 1;
        };
        assert!(vector::is_empty(&identity::active_proposals(&identity)), 6);

        // The honest pair removes the griefer.
        let removal = option::destroy_some(config_proposal::propose_remove_controller(
            &mut identity, &alice_auth, option::none(), carol_cap, option::none(), ts::ctx(&mut scenario)
        ));
        identity::approve_proposal<ConfigChange>(&mut identity, &bob_auth, removal, ts::ctx(&mut scenario));
        config_proposal::execute_config_change(&mut identity, &bob_auth, removal, ts::ctx(&mut scenario));
        assert!(!identity::is_controller(&identity, carol_cap), 7);

        ts::return_to_address(alice(), a);
        ts::return_to_address(bob(), b);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    /// Other controllers keep their own quota while the griefer is at its.
    fun honest_controllers_propose_next_to_a_griefer_at_its_quota() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_abc(&mut scenario, &clock, 2);
        ts::next_tx(&mut scenario, carol());
        let identity = common::take_identity(&scenario, id);
        grief(&mut scenario, &mut identity, multicontroller::max_proposals_per_controller());
        ts::return_shared(identity);

        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        let proposal = option::destroy_some(did_proposal::propose_update(
            &mut identity, &alice_auth, option::none(), common::doc2(), &clock, ts::ctx(&mut scenario)
        ));
        assert!(multicontroller::open_proposals_of(identity::did_doc(&identity), object::id(&a)) == 1, 0);
        ts::return_to_address(alice(), a);
        ts::return_shared(identity);

        ts::next_tx(&mut scenario, bob());
        let identity = common::take_identity(&scenario, id);
        let (b, bob_auth) = common::take_cap(&scenario, bob());
        identity::approve_proposal<UpdateDid>(&mut identity, &bob_auth, proposal, ts::ctx(&mut scenario));
        did_proposal::execute_update(&mut identity, &bob_auth, proposal, &clock, ts::ctx(&mut scenario));
        assert!(identity::did_document(&identity) == &option::some(common::doc2()), 1);
        ts::return_to_address(bob(), b);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 104)] // multicontroller::EAlreadyVoted
    /// A controller cannot both approve and reject.
    fun a_controller_cannot_reject_what_it_approved() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_abc(&mut scenario, &clock, 2);
        ts::next_tx(&mut scenario, carol());
        let identity = common::take_identity(&scenario, id);
        let griefing = grief(&mut scenario, &mut identity, 1);
        ts::return_shared(identity);
        ts::next_tx(&mut scenario, carol());
        let identity = common::take_identity(&scenario, id);
        let (c, carol_auth) = common::take_cap(&scenario, carol());
        identity::reject_proposal<Send>(&mut identity, &carol_auth, *vector::borrow(&griefing, 0));

        ts::return_to_address(carol(), c);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 108)] // multicontroller::ECannotDeleteProposal
    /// One rejection below the threshold does not make a proposal deletable.
    fun one_rejection_below_the_threshold_does_not_allow_deletion() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_abc(&mut scenario, &clock, 2);
        ts::next_tx(&mut scenario, carol());
        let identity = common::take_identity(&scenario, id);
        let griefing = grief(&mut scenario, &mut identity, 1);
        let p = *vector::borrow(&griefing, 0);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        identity::reject_proposal<Send>(&mut identity, &alice_auth, p);
        identity::delete_proposal<Send>(&mut identity, &alice_auth, p, ts::ctx(&mut scenario));

        ts::return_to_address(alice(), a);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 103)] // multicontroller::EThresholdNotReached
    /// Issue 13's 2-of-2 attack: alice's CREATE-only delegate opens a
    /// proposal; bob alone must not be able to execute it.
    fun a_create_only_token_does_not_cast_its_controllers_vote() {
        let (scenario, clock) = common::begin(alice());
        let id = identity::new_with_controllers(
            option::some(common::doc()), vector[alice(), bob()], vector[1, 1], vector[true, true], 2, &clock,
            ts::ctx(&mut scenario),
        );
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        let token = identity::delegate(
            &mut identity, &alice_auth, permissions::can_create_proposal(), ts::ctx(&mut scenario)
        );
        let proposal = option::destroy_some(did_proposal::propose_update(
            &mut identity, &controller::auth_with_token(&token), option::none(), common::doc2(), &clock,
            ts::ctx(&mut scenario),
        ));
        assert!(identity::proposal_votes<UpdateDid>(&identity, proposal) == 0, 0);
        assert!(identity::proposal_voters<UpdateDid>(&identity, proposal) == vector[], 1);
        transfer::public_transfer(token, alice());
        ts::return_to_address(alice(), a);
        ts::return_shared(identity);

        ts::next_tx(&mut scenario, bob());
        let identity = common::take_identity(&scenario, id);
        let (b, bob_auth) = common::take_cap(&scenario, bob());
        identity::approve_proposal<UpdateDid>(&mut identity, &bob_auth, proposal, ts::ctx(&mut scenario));
        did_proposal::execute_update(&mut identity, &bob_auth, proposal, &clock, ts::ctx(&mut scenario));

        ts::return_to_address(bob(), b);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    /// A token with CREATE and APPROVE does cast its controller's vote.
    fun a_create_and_approve_token_casts_its_controllers_vote() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_single_delegating(&mut scenario, &clock);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        let token = identity::delegate(
            &mut identity, &alice_auth,
            permissions::can_create_proposal() | permissions::can_approve_proposal(), ts::ctx(&mut scenario)
        );
        let proposal = option::destroy_some(did_proposal::propose_update(
            &mut identity, &controller::auth_with_token(&token), option::none(), common::doc2(), &clock,
            ts::ctx(&mut scenario),
        ));
        // Approved (1 of 1) but not executed: the token lacks EXECUTE.
        assert!(identity::is_proposal_approved<UpdateDid>(&identity, proposal), 0);
        identity::destroy_delegation_token(&mut identity, token);
        ts::return_to_address(alice(), a);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 302)] // controller::ECannotDelegate
    /// Issue 13: the Auth from a sub-identity access cannot mint a lasting
    /// delegation token for the sub-identity, even through a delegating cap.
    fun sub_identity_access_cannot_mint_a_delegation_token() {
        let (scenario, clock) = common::begin(alice());
        let parent = common::create_single(&mut scenario, &clock);
        let parent_address = object::id_to_address(&parent);
        let sub = identity::new_with_controllers(
            option::some(common::doc()), vector[parent_address], vector[1], vector[true], 1, &clock,
            ts::ctx(&mut scenario),
        );
        ts::next_tx(&mut scenario, alice());
        let parent_identity = common::take_identity(&scenario, parent);
        let sub_identity = common::take_identity(&scenario, sub);
        let sub_cap_id = *vector::borrow(&identity::controllers(&sub_identity), 0);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        let proposal = controller_proposal::propose_controller_execution(
            &mut parent_identity, &alice_auth, option::none(), sub_cap_id, ts::ctx(&mut scenario)
        );
        let sub_auth = controller_proposal::execute_with_cap(
            &mut parent_identity, &alice_auth, proposal, ts::receiving_ticket_by_id<ControllerCap>(sub_cap_id),
            ts::ctx(&mut scenario),
        );
        let token = identity::delegate(&mut sub_identity, &sub_auth, permissions::all(), ts::ctx(&mut scenario));

        transfer::public_transfer(token, alice());
        ts::return_to_address(alice(), a);
        ts::return_shared(parent_identity);
        ts::return_shared(sub_identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 302)] // controller::ECannotDelegate
    /// `identity::new` gives a cap that cannot delegate.
    fun identity_new_gives_a_non_delegating_cap() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_single(&mut scenario, &clock);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        assert!(!controller::cap_can_delegate(&a), 0);
        let token = identity::delegate(&mut identity, &alice_auth, permissions::all(), ts::ctx(&mut scenario));

        transfer::public_transfer(token, alice());
        ts::return_to_address(alice(), a);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    /// Issue 13's 2-of-2 attack on revocation: alice revokes bob's token at
    /// once, bob cannot lift it alone; with alice's approval it is lifted.
    fun one_controller_cannot_undo_a_revocation_alone() {
        let (scenario, clock) = common::begin(alice());
        let id = identity::new_with_controllers(
            option::some(common::doc()), vector[alice(), bob()], vector[1, 1], vector[true, true], 2, &clock,
            ts::ctx(&mut scenario),
        );
        ts::next_tx(&mut scenario, bob());
        let identity = common::take_identity(&scenario, id);
        let (b, bob_auth) = common::take_cap(&scenario, bob());
        let token = identity::delegate(&mut identity, &bob_auth, permissions::all(), ts::ctx(&mut scenario));
        let token_id = object::id(&token);
        transfer::public_transfer(token, bob());
        ts::return_to_address(bob(), b);
        ts::return_shared(identity);

        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        identity::revoke_token(&mut identity, &alice_auth, token_id);
        ts::return_to_address(alice(), a);
        ts::return_shared(identity);

        ts::next_tx(&mut scenario, bob());
        let identity = common::take_identity(&scenario, id);
        let (b, bob_auth) = common::take_cap(&scenario, bob());
        let proposal = option::destroy_some(unrevoke_proposal::propose_unrevoke(
            &mut identity, &bob_auth, option::none(), token_id, ts::ctx(&mut scenario)
        ));
        // Bob's own vote is not enough: the token stays revoked.
        assert!(identity::is_token_revoked(&identity, token_id), 0);
        ts::return_to_address(bob(), b);
        ts::return_shared(identity);

        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        identity::approve_proposal<UnrevokeToken>(&mut identity, &alice_auth, proposal, ts::ctx(&mut scenario));
        unrevoke_proposal::execute_unrevoke(&mut identity, &alice_auth, proposal, ts::ctx(&mut scenario));
        assert!(!identity::is_token_revoked(&identity, token_id), 1);
        ts::return_to_address(alice(), a);
        ts::return_shared(identity);

        ts::next_tx(&mut scenario, bob());
        let identity = common::take_identity(&scenario, id);
        let token = ts::take_from_address<DelegationToken>(&scenario, bob());
        identity::destroy_delegation_token(&mut identity, token);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 103)] // multicontroller::EThresholdNotReached
    /// Executing an unrevoke proposal below the threshold fails.
    fun executing_an_unrevoke_below_the_threshold_fails() {
        let (scenario, clock) = common::begin(alice());
        let id = identity::new_with_controllers(
            option::some(common::doc()), vector[alice(), bob()], vector[1, 1], vector[true, true], 2, &clock,
            ts::ctx(&mut scenario),
        );
        ts::next_tx(&mut scenario, bob());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        let (b, bob_auth) = common::take_cap(&scenario, bob());
        let token = identity::delegate(&mut identity, &bob_auth, permissions::all(), ts::ctx(&mut scenario));
        identity::revoke_token(&mut identity, &alice_auth, object::id(&token));
        let proposal = option::destroy_some(unrevoke_proposal::propose_unrevoke(
            &mut identity, &bob_auth, option::none(), object::id(&token), ts::ctx(&mut scenario)
        ));
        unrevoke_proposal::execute_unrevoke(&mut identity, &bob_auth, proposal, ts::ctx(&mut scenario));

        transfer::public_transfer(token, bob());
        ts::return_to_address(alice(), a);
        ts::return_to_address(bob(), b);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 122)] // multicontroller::EUnknownToken
    /// Issue 13: revoking a made-up ID (to fill the revocation list) is refused.
    fun revoking_an_id_that_is_not_a_token_of_this_identity_fails() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_abc(&mut scenario, &clock, 2);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        identity::revoke_token(&mut identity, &alice_auth, ghost(1));

        ts::return_to_address(alice(), a);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 122)] // multicontroller::EUnknownToken
    /// A token of another identity cannot be put on this one's list.
    fun revoking_a_token_of_another_identity_fails() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_single_delegating(&mut scenario, &clock);
        let other = common::create_single_delegating(&mut scenario, &clock);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let other_identity = common::take_identity(&scenario, other);
        let other_cap_id = *vector::borrow(&identity::controllers(&other_identity), 0);
        let other_cap = common::take_by_id<ControllerCap>(&scenario, alice(), other_cap_id);
        let token = identity::delegate(
            &mut other_identity, &controller::auth_with_cap(&other_cap), permissions::all(), ts::ctx(&mut scenario)
        );
        let cap_id = *vector::borrow(&identity::controllers(&identity), 0);
        let cap = common::take_by_id<ControllerCap>(&scenario, alice(), cap_id);
        identity::revoke_token(&mut identity, &controller::auth_with_cap(&cap), object::id(&token));

        transfer::public_transfer(token, alice());
        ts::return_to_address(alice(), cap);
        ts::return_to_address(alice(), other_cap);
        ts::return_shared(identity);
        ts::return_shared(other_identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 123)] // multicontroller::ETooManyTokens
    /// An identity records at most `max_tokens` live tokens.
    fun delegating_past_the_token_bound_fails() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_single_delegating(&mut scenario, &clock);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        let i = 0;
        while (i <= multicontroller::max_tokens()) {
            let token = identity::delegate(&mut identity, &alice_auth, permissions::all(), ts::ctx(&mut scenario));
            transfer::public_transfer(token, alice());
            i = i + 1;
        };

        ts::return_to_address(alice(), a);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    /// Removing a controller forgets its tokens (revoked ones included), so a
    /// griefer's tokens cannot keep the token bound filled after its removal.
    fun removing_a_controller_forgets_its_tokens() {
        let (scenario, clock) = common::begin(alice());
        let id = identity::new_with_controllers(
            option::some(common::doc()), vector[alice(), bob()], vector[1, 1], vector[true, true], 1, &clock,
            ts::ctx(&mut scenario),
        );
        ts::next_tx(&mut scenario, bob());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        let (b, bob_auth) = common::take_cap(&scenario, bob());
        let kept = identity::delegate(&mut identity, &alice_auth, permissions::all(), ts::ctx(&mut scenario));
        let first = identity::delegate(&mut identity, &bob_auth, permissions::all(), ts::ctx(&mut scenario));
        let second = identity::delegate(&mut identity, &bob_auth, permissions::all(), ts::ctx(&mut scenario));
        identity::revoke_token(&mut identity, &alice_auth, object::id(&first));
        identity::revoke_token(&mut identity, &alice_auth, object::id(&kept));
        // Threshold 1: alice removes bob at once.
        config_proposal::propose_remove_controller(
            &mut identity, &alice_auth, option::none(), object::id(&b), option::none(), ts::ctx(&mut scenario)
        );
        assert!(!identity::is_token(&identity, object::id(&first)), 0);
        assert!(!identity::is_token(&identity, object::id(&second)), 1);
        assert!(identity::is_token(&identity, object::id(&kept)), 2);
        assert!(identity::revoked_tokens(&identity) == vector[object::id(&kept)], 3);

        identity::destroy_delegation_token(&mut identity, first);
        identity::destroy_delegation_token(&mut identity, second);
        identity::destroy_delegation_token(&mut identity, kept);
        ts::return_to_address(alice(), a);
        ts::return_to_address(bob(), b);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }
}
