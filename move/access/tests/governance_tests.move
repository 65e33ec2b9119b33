#[test_only]
/// Changing an authority through a borrow proposal of its identity: the
/// only way a deployed authority's cap can be used.
module access::governance_tests {
    use std::option;
    use sui::object::{Self, ID};
    use sui::test_scenario::{Self as ts, Scenario};
    use identity::borrow_proposal;
    use identity::controller::{Self, ControllerCap};
    use identity::identity;
    use access::authority::{Self, AuthorityCap};
    use access::test_common::{Self as common, alice, bob, subject};

    /// As the current sender, proposes borrowing the identity's `AuthorityCap`.
    fun propose_borrowing_the_cap(scenario: &mut Scenario, identity_id: ID): ID {
        let sender = ts::sender(scenario);
        let identity = common::take_identity(scenario, identity_id);
        let cap = ts::take_from_address<ControllerCap>(scenario, sender);
        let cap_id = common::authority_cap_id(identity_id);
        let proposal = borrow_proposal::propose_borrow(
            &mut identity, &controller::auth_with_cap(&cap), option::none(), vector[cap_id], ts::ctx(scenario)
        );
        ts::return_to_address(sender, cap);
        ts::return_shared(identity);
        proposal
    }

    /// As the current sender, executes the borrow proposal and, with the
    /// borrowed cap, grants `subject` the service `ssh` for 3 sessions: the
    /// commands of one programmable transaction.
    fun execute_policy_change(scenario: &mut Scenario, identity_id: ID, authority_id: ID, proposal: ID) {
        let sender = ts::sender(scenario);
        let identity = common::take_identity(scenario, identity_id);
        let authority = common::take_authority(scenario, authority_id);
        let controller_cap = ts::take_from_address<ControllerCap>(scenario, sender);
        let auth = controller::auth_with_cap(&controller_cap);

        let action = borrow_proposal::execute_borrow(&mut identity, &auth, proposal, ts::ctx(scenario));
        let cap = borrow_proposal::borrow_object<AuthorityCap>(
            &mut identity, &mut action, ts::most_recent_receiving_ticket<AuthorityCap>(&identity_id)
        );
        authority::set_policy(&mut authority, &cap, subject(), vector[b"ssh"], 3);
        borrow_proposal::return_object(&mut action, cap);
        borrow_proposal::conclude_borrow(action);

        ts::return_to_address(sender, controller_cap);
        ts::return_shared(authority);
        ts::return_shared(identity);
    }

    #[test]
    /// With threshold 1, a controller changes a policy by borrowing the cap
    /// in one transaction, and the cap goes back to the identity.
    fun a_policy_change_through_a_borrow_proposal_works() {
        let (scenario, clock, identity_id, authority_id) = common::setup();
        let cap_id = common::authority_cap_id(identity_id);
        let proposal = propose_borrowing_the_cap(&mut scenario, identity_id);
        ts::next_tx(&mut scenario, alice());
        execute_policy_change(&mut scenario, identity_id, authority_id, proposal);
        ts::next_tx(&mut scenario, alice());

        let authority = common::take_authority(&scenario, authority_id);
        let (services, max_sessions) = authority::policy(&authority, subject());
        assert!(services == vector[b"ssh"], 0);
        assert!(max_sessions == 3, 1);
        ts::return_shared(authority);
        let owner = object::id_to_address(&identity_id);
        assert!(option::destroy_some(ts::most_recent_id_for_address<AuthorityCap>(owner)) == cap_id, 2);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 103)] // identity::multicontroller::EThresholdNotReached
    /// With threshold 2 of 2, one controller alone cannot execute the change.
    fun a_policy_change_without_the_second_approval_cannot_execute() {
        let (scenario, clock, identity_id, authority_id) = common::setup_two_of_two();
        let proposal = propose_borrowing_the_cap(&mut scenario, identity_id);
        ts::next_tx(&mut scenario, alice());
        execute_policy_change(&mut scenario, identity_id, authority_id, proposal);
        common::end(scenario, clock);
    }

    #[test]
    /// With threshold 2 of 2, the proposed change has no effect until the
    /// second controller approves and it is executed.
    fun a_policy_change_takes_effect_after_the_second_approval() {
        let (scenario, clock, identity_id, authority_id) = common::setup_two_of_two();
        let proposal = propose_borrowing_the_cap(&mut scenario, identity_id);
        ts::next_tx(&mut scenario, bob());
        {
            let authority = common::take_authority(&scenario, authority_id);
            assert!(!authority::has_policy(&authority, subject()), 0);
            ts::return_shared(authority);
            let identity = common::take_identity(&scenario, identity_id);
            let cap = ts::take_from_address<ControllerCap>(&scenario, bob());
            identity::approve_proposal<borrow_proposal::Borrow>(
                &mut identity, &controller::auth_with_cap(&cap), proposal, ts::ctx(&mut scenario)
            );
            ts::return_to_address(bob(), cap);
            ts::return_shared(identity);
        };
        ts::next_tx(&mut scenario, bob());
        execute_policy_change(&mut scenario, identity_id, authority_id, proposal);
        ts::next_tx(&mut scenario, alice());

        let authority = common::take_authority(&scenario, authority_id);
        assert!(authority::allows_service(&authority, subject(), b"ssh"), 1);
        ts::return_shared(authority);
        common::end(scenario, clock);
    }
}
