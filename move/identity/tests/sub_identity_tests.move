#[test_only]
/// An identity acting on another identity through a credential it owns.
module identity::sub_identity_tests {
    use std::option;
    use std::vector;
    use sui::object;
    use sui::test_scenario::{Self as ts};
    use sui::transfer;
    use identity::controller::{Self, ControllerCap, DelegationToken};
    use identity::controller_proposal;
    use identity::did_proposal;
    use identity::identity;
    use identity::permissions;
    use identity::test_common::{Self as common, alice};

    #[test]
    /// An identity controls a sub identity through its cap.
    fun an_identity_controls_a_sub_identity_through_its_cap() {
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

        // Alice alone reaches the parent's threshold: propose and execute at once.
        let proposal = controller_proposal::propose_controller_execution(
            &mut parent_identity, &alice_auth, option::none(), sub_cap_id, ts::ctx(&mut scenario)
        );
        let sub_auth = controller_proposal::execute_with_cap(
            &mut parent_identity, &alice_auth, proposal, ts::receiving_ticket_by_id<ControllerCap>(sub_cap_id),
            ts::ctx(&mut scenario),
        );
        did_proposal::propose_update(
            &mut sub_identity, &sub_auth, option::none(), common::doc2(), &clock, ts::ctx(&mut scenario)
        );
        assert!(identity::did_document(&sub_identity) == &option::some(common::doc2()), 0);

        ts::return_to_address(alice(), a);
        ts::return_shared(parent_identity);
        ts::return_shared(sub_identity);

        // The cap went straight back to the parent identity.
        ts::next_tx(&mut scenario, alice());
        let cap = common::take_by_id<ControllerCap>(&scenario, parent_address, sub_cap_id);
        ts::return_to_address(parent_address, cap);
        common::end(scenario, clock);
    }

    #[test]
    /// An identity acts on another through a delegation token.
    fun an_identity_acts_on_another_through_a_delegation_token() {
        let (scenario, clock) = common::begin(alice());
        let parent = common::create_single(&mut scenario, &clock);
        let sub = common::create_single_delegating(&mut scenario, &clock);
        let parent_address = object::id_to_address(&parent);

        // Alice, sole controller of `sub`, delegates to the parent identity.
        ts::next_tx(&mut scenario, alice());
        let sub_identity = common::take_identity(&scenario, sub);
        let sub_cap_id = *vector::borrow(&identity::controllers(&sub_identity), 0);
        let sub_cap = common::take_by_id<ControllerCap>(&scenario, alice(), sub_cap_id);
        let token = identity::delegate(
            &mut sub_identity, &controller::auth_with_cap(&sub_cap), permissions::all(), ts::ctx(&mut scenario)
        );
        let token_id = object::id(&token);
        transfer::public_transfer(token, parent_address);
        ts::return_to_address(alice(), sub_cap);
        ts::return_shared(sub_identity);

        ts::next_tx(&mut scenario, alice());
        let parent_identity = common::take_identity(&scenario, parent);
        let sub_identity = common::take_identity(&scenario, sub);
        let parent_cap_id = *vector::borrow(&identity::controllers(&parent_identity), 0);
        let parent_cap = common::take_by_id<ControllerCap>(&scenario, alice(), parent_cap_id);
        let alice_auth = controller::auth_with_cap(&parent_cap);
        let proposal = controller_proposal::propose_controller_execution(
            &mut parent_identity, &alice_auth, option::none(), token_id, ts::ctx(&mut scenario)
        );
        let sub_auth = controller_proposal::execute_with_token(
            &mut parent_identity, &alice_auth, proposal, ts::receiving_ticket_by_id<DelegationToken>(token_id),
            ts::ctx(&mut scenario),
        );
        did_proposal::propose_deactivation(&mut sub_identity, &sub_auth, option::none(), &clock, ts::ctx(&mut scenario));
        assert!(identity::is_deactivated(&sub_identity), 0);

        ts::return_to_address(alice(), parent_cap);
        ts::return_shared(parent_identity);
        ts::return_shared(sub_identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 800)] // controller_proposal::ECredentialMismatch
    /// Executing with another credential fails.
    fun executing_with_another_credential_fails() {
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
            &mut parent_identity, &alice_auth, option::none(), parent, ts::ctx(&mut scenario)
        );
        controller_proposal::execute_with_cap(
            &mut parent_identity, &alice_auth, proposal, ts::receiving_ticket_by_id<ControllerCap>(sub_cap_id),
            ts::ctx(&mut scenario),
        );

        ts::return_to_address(alice(), a);
        ts::return_shared(parent_identity);
        ts::return_shared(sub_identity);
        common::end(scenario, clock);
    }
}
