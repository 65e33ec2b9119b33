#[test_only]
/// Approving, executing and deleting proposals; vote counting.
module identity::voting_tests {
    use std::option;
    use std::vector;
    use sui::object;
    use sui::test_scenario::{Self as ts};
    use identity::config_proposal::{Self, ConfigChange};
    use identity::did_proposal::{Self, UpdateDid};
    use identity::identity;
    use identity::test_common::{Self as common, alice, bob, carol};

    #[test]
    #[expected_failure(abort_code = 103)] // multicontroller::EThresholdNotReached
    /// Executing below threshold fails.
    fun executing_below_threshold_fails() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_abc(&mut scenario, &clock, 2);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (cap, auth) = common::take_cap(&scenario, alice());

        let proposal = option::destroy_some(did_proposal::propose_update(
            &mut identity, &auth, option::none(), common::doc2(), &clock, ts::ctx(&mut scenario)
        ));
        did_proposal::execute_update(&mut identity, &auth, proposal, &clock, ts::ctx(&mut scenario));

        ts::return_to_address(alice(), cap);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    /// Executing after another controllers approval works.
    fun executing_after_another_controllers_approval_works() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_abc(&mut scenario, &clock, 2);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        let proposal = option::destroy_some(did_proposal::propose_update(
            &mut identity, &alice_auth, option::none(), common::doc2(), &clock, ts::ctx(&mut scenario)
        ));
        assert!(identity::proposal_votes<UpdateDid>(&identity, proposal) == 1, 0);
        assert!(!identity::is_proposal_approved<UpdateDid>(&identity, proposal), 1);
        ts::return_to_address(alice(), a);
        ts::return_shared(identity);

        ts::next_tx(&mut scenario, bob());
        let identity = common::take_identity(&scenario, id);
        let (b, bob_auth) = common::take_cap(&scenario, bob());
        identity::approve_proposal<UpdateDid>(&mut identity, &bob_auth, proposal, ts::ctx(&mut scenario));
        assert!(identity::proposal_votes<UpdateDid>(&identity, proposal) == 2, 2);
        did_proposal::execute_update(&mut identity, &bob_auth, proposal, &clock, ts::ctx(&mut scenario));

        assert!(identity::did_document(&identity) == &option::some(common::doc2()), 3);
        assert!(vector::is_empty(&identity::active_proposals(&identity)), 4);
        ts::return_to_address(bob(), b);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 104)] // multicontroller::EAlreadyVoted
    /// Voting twice fails.
    fun voting_twice_fails() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_abc(&mut scenario, &clock, 2);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (cap, auth) = common::take_cap(&scenario, alice());
        let proposal = option::destroy_some(did_proposal::propose_deactivation(
            &mut identity, &auth, option::none(), &clock, ts::ctx(&mut scenario)
        ));
        identity::approve_proposal<UpdateDid>(&mut identity, &auth, proposal, ts::ctx(&mut scenario));

        ts::return_to_address(alice(), cap);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    /// Removing an approval works.
    fun removing_an_approval_works() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_abc(&mut scenario, &clock, 3);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        let (b, bob_auth) = common::take_cap(&scenario, bob());
        let proposal = option::destroy_some(did_proposal::propose_deactivation(
            &mut identity, &alice_auth, option::none(), &clock, ts::ctx(&mut scenario)
        ));
        identity::approve_proposal<UpdateDid>(&mut identity, &bob_auth, proposal, ts::ctx(&mut scenario));
        assert!(identity::proposal_votes<UpdateDid>(&identity, proposal) == 2, 0);

        identity::remove_approval<UpdateDid>(&mut identity, &bob_auth, proposal);
        assert!(identity::proposal_votes<UpdateDid>(&identity, proposal) == 1, 1);
        assert!(identity::proposal_voters<UpdateDid>(&identity, proposal) == vector[object::id(&a)], 2);

        ts::return_to_address(alice(), a);
        ts::return_to_address(bob(), b);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 105)] // multicontroller::ENotVoted
    /// Removing a missing approval fails.
    fun removing_a_missing_approval_fails() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_abc(&mut scenario, &clock, 2);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        let (b, bob_auth) = common::take_cap(&scenario, bob());
        let proposal = option::destroy_some(did_proposal::propose_deactivation(
            &mut identity, &alice_auth, option::none(), &clock, ts::ctx(&mut scenario)
        ));
        identity::remove_approval<UpdateDid>(&mut identity, &bob_auth, proposal);

        ts::return_to_address(alice(), a);
        ts::return_to_address(bob(), b);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 107)] // multicontroller::EProposalExpired
    /// Expired proposals cannot be executed.
    fun expired_proposals_cannot_be_executed() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_abc(&mut scenario, &clock, 2);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        let (b, bob_auth) = common::take_cap(&scenario, bob());
        let proposal = option::destroy_some(did_proposal::propose_update(
            &mut identity, &alice_auth, option::some(0), common::doc2(), &clock, ts::ctx(&mut scenario)
        ));
        identity::approve_proposal<UpdateDid>(&mut identity, &bob_auth, proposal, ts::ctx(&mut scenario));
        ts::return_shared(identity);

        ts::next_epoch(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        did_proposal::execute_update(&mut identity, &alice_auth, proposal, &clock, ts::ctx(&mut scenario));

        ts::return_to_address(alice(), a);
        ts::return_to_address(bob(), b);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    /// Expired proposals can be deleted.
    fun expired_proposals_can_be_deleted() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_abc(&mut scenario, &clock, 2);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        let expiring = option::destroy_some(did_proposal::propose_update(
            &mut identity, &alice_auth, option::some(0), common::doc2(), &clock, ts::ctx(&mut scenario)
        ));
        let open = option::destroy_some(did_proposal::propose_deactivation(
            &mut identity, &alice_auth, option::none(), &clock, ts::ctx(&mut scenario)
        ));
        ts::return_to_address(alice(), a);
        ts::return_shared(identity);

        ts::next_epoch(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        identity::delete_proposal<UpdateDid>(&mut identity, &alice_auth, expiring, ts::ctx(&mut scenario));
        assert!(identity::active_proposals(&identity) == vector[open], 0);

        ts::return_to_address(alice(), a);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 108)] // multicontroller::ECannotDeleteProposal
    /// Approved unexpired proposals cannot be deleted.
    fun approved_unexpired_proposals_cannot_be_deleted() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_abc(&mut scenario, &clock, 2);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        let proposal = option::destroy_some(did_proposal::propose_deactivation(
            &mut identity, &alice_auth, option::none(), &clock, ts::ctx(&mut scenario)
        ));
        identity::delete_proposal<UpdateDid>(&mut identity, &alice_auth, proposal, ts::ctx(&mut scenario));

        ts::return_to_address(alice(), a);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    /// Proposals without votes can be deleted.
    fun proposals_without_votes_can_be_deleted() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_abc(&mut scenario, &clock, 2);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        let proposal = option::destroy_some(did_proposal::propose_deactivation(
            &mut identity, &alice_auth, option::none(), &clock, ts::ctx(&mut scenario)
        ));
        identity::remove_approval<UpdateDid>(&mut identity, &alice_auth, proposal);
        identity::delete_proposal<UpdateDid>(&mut identity, &alice_auth, proposal, ts::ctx(&mut scenario));
        assert!(vector::is_empty(&identity::active_proposals(&identity)), 0);

        ts::return_to_address(alice(), a);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    /// Changed voting power counts at its new value.
    fun changed_voting_power_counts_at_its_new_value() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_abc(&mut scenario, &clock, 2);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        let (b, bob_auth) = common::take_cap(&scenario, bob());
        let (c, carol_auth) = common::take_cap(&scenario, carol());

        // Bob proposes with voting power 1 of the 2 needed.
        let update = option::destroy_some(did_proposal::propose_update(
            &mut identity, &bob_auth, option::none(), common::doc2(), &clock, ts::ctx(&mut scenario)
        ));
        // Alice and carol raise bob's voting power to 2.
        let raise = option::destroy_some(config_proposal::propose_update_voting_power(
            &mut identity, &alice_auth, option::none(), object::id(&b), 2, ts::ctx(&mut scenario)
        ));
        identity::approve_proposal<ConfigChange>(&mut identity, &carol_auth, raise, ts::ctx(&mut scenario));
        config_proposal::execute_config_change(&mut identity, &carol_auth, raise, ts::ctx(&mut scenario));

        // Bob's earlier vote now carries 2 and reaches the threshold alone.
        assert!(identity::proposal_votes<UpdateDid>(&identity, update) == 2, 0);
        did_proposal::execute_update(&mut identity, &alice_auth, update, &clock, ts::ctx(&mut scenario));
        assert!(identity::did_document(&identity) == &option::some(common::doc2()), 1);

        ts::return_to_address(alice(), a);
        ts::return_to_address(bob(), b);
        ts::return_to_address(carol(), c);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 103)] // multicontroller::EThresholdNotReached
    /// A removed controllers vote no longer counts.
    fun a_removed_controllers_vote_no_longer_counts() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_abc(&mut scenario, &clock, 2);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        let (b, bob_auth) = common::take_cap(&scenario, bob());
        let (c, carol_auth) = common::take_cap(&scenario, carol());

        // Alice and bob approve an update: 2 of 2 needed.
        let update = option::destroy_some(did_proposal::propose_update(
            &mut identity, &alice_auth, option::none(), common::doc2(), &clock, ts::ctx(&mut scenario)
        ));
        identity::approve_proposal<UpdateDid>(&mut identity, &bob_auth, update, ts::ctx(&mut scenario));
        // Then alice and carol remove bob.
        let remove_bob = option::destroy_some(config_proposal::propose_remove_controller(
            &mut identity, &alice_auth, option::none(), object::id(&b), option::none(), ts::ctx(&mut scenario)
        ));
        identity::approve_proposal<ConfigChange>(&mut identity, &carol_auth, remove_bob, ts::ctx(&mut scenario));
        config_proposal::execute_config_change(&mut identity, &carol_auth, remove_bob, ts::ctx(&mut scenario));
        assert!(identity::proposal_votes<UpdateDid>(&identity, update) == 1, 0);

        // Only alice's vote remains.
        did_proposal::execute_update(&mut identity, &alice_auth, update, &clock, ts::ctx(&mut scenario));

        ts::return_to_address(alice(), a);
        ts::return_to_address(bob(), b);
        ts::return_to_address(carol(), c);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 109)] // multicontroller::ETooManyProposals
    /// Open proposals are bounded.
    fun open_proposals_are_bounded() {
        let (scenario, clock) = common::begin(alice());
        // Five controllers: four at their quota of 8 fill the 32 slots.
        let accounts = vector[alice(), bob(), carol(), common::dave(), @0xE11E];
        let id = identity::new_with_controllers(
            option::some(common::doc()), accounts, vector[1, 1, 1, 1, 1], vector[false, false, false, false, false],
            5, &clock, ts::ctx(&mut scenario),
        );
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let i = 0;
        while (i < 5) {
            let account = *vector::borrow(&accounts, i);
            let (cap, auth) = common::take_cap(&scenario, account);
            let n = if (i < 4) { 8 } else { 1 };
            let j = 0;
            while (j < n) {
                did_proposal::propose_deactivation(&mut identity, &auth, option::none(), &clock, ts::ctx(&mut scenario));
                j = j + 1;
            };
            ts::return_to_address(account, cap);
            i = i + 1;
        };

        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 101)] // multicontroller::EWrongIdentity
    /// A cap of another identity is refused.
    fun a_cap_of_another_identity_is_refused() {
        let (scenario, clock) = common::begin(alice());
        let first = common::create_single(&mut scenario, &clock);
        ts::next_tx(&mut scenario, bob());
        let second = common::create_single(&mut scenario, &clock);
        ts::next_tx(&mut scenario, bob());
        let identity = common::take_identity(&scenario, first);
        let (b, bob_auth) = common::take_cap(&scenario, bob());
        did_proposal::propose_deactivation(&mut identity, &bob_auth, option::none(), &clock, ts::ctx(&mut scenario));

        let _ = second;
        ts::return_to_address(bob(), b);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }
}
