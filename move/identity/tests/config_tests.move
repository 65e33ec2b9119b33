#[test_only]
/// Config changes: adding and removing controllers, voting power, threshold.
module identity::config_tests {
    use std::option;
    use sui::object;
    use sui::test_scenario::{Self as ts};
    use identity::config_proposal::{Self, ConfigChange};
    use identity::controller::ControllerCap;
    use identity::identity;
    use identity::test_common::{Self as common, alice, bob, carol, dave};

    #[test]
    /// A sole controller adds a controller at once.
    fun a_sole_controller_adds_a_controller_at_once() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_single(&mut scenario, &clock);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());

        let pending = config_proposal::propose_add_controller(
            &mut identity, &alice_auth, option::none(), bob(), 1, false, ts::ctx(&mut scenario)
        );
        assert!(option::is_none(&pending), 0);
        ts::return_to_address(alice(), a);
        ts::return_shared(identity);

        ts::next_tx(&mut scenario, bob());
        let identity = common::take_identity(&scenario, id);
        let b = ts::take_from_address<ControllerCap>(&scenario, bob());
        assert!(identity::is_controller(&identity, object::id(&b)), 1);
        assert!(identity::voting_power(&identity, object::id(&b)) == 1, 2);
        assert!(identity::total_voting_power(&identity) == 2, 3);

        ts::return_to_address(bob(), b);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    /// Removing a controller with two of three works.
    fun removing_a_controller_with_two_of_three_works() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_abc(&mut scenario, &clock, 2);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        let c = ts::take_from_address<ControllerCap>(&scenario, carol());
        let carol_cap_id = object::id(&c);
        ts::return_to_address(carol(), c);
        let proposal = option::destroy_some(config_proposal::propose_remove_controller(
            &mut identity, &alice_auth, option::none(), carol_cap_id, option::none(), ts::ctx(&mut scenario)
        ));
        ts::return_to_address(alice(), a);
        ts::return_shared(identity);

        ts::next_tx(&mut scenario, bob());
        let identity = common::take_identity(&scenario, id);
        let (b, bob_auth) = common::take_cap(&scenario, bob());
        identity::approve_proposal<ConfigChange>(&mut identity, &bob_auth, proposal, ts::ctx(&mut scenario));
        config_proposal::execute_config_change(&mut identity, &bob_auth, proposal, ts::ctx(&mut scenario));
        assert!(!identity::is_controller(&identity, carol_cap_id), 0);
        assert!(identity::total_voting_power(&identity) == 2, 1);
        ts::return_to_address(bob(), b);
        ts::return_shared(identity);

        // Carol's cap is now useless and can be destroyed.
        ts::next_tx(&mut scenario, carol());
        let identity = common::take_identity(&scenario, id);
        let c = ts::take_from_address<ControllerCap>(&scenario, carol());
        identity::destroy_controller_cap(&identity, c);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 503)] // config_proposal::EInvalidThreshold
    /// A change making the threshold unreachable is refused at proposal time.
    fun a_change_making_the_threshold_unreachable_is_refused_at_proposal_time() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_abc(&mut scenario, &clock, 2);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        let b = ts::take_from_address<ControllerCap>(&scenario, bob());
        let c = ts::take_from_address<ControllerCap>(&scenario, carol());

        // Removing bob and carol leaves voting power 1 < threshold 2.
        config_proposal::propose_config_change(
            &mut identity, &alice_auth, option::none(), option::none(),
            vector[], vector[], vector[],
            vector[object::id(&b), object::id(&c)],
            vector[], vector[],
            ts::ctx(&mut scenario),
        );

        ts::return_to_address(alice(), a);
        ts::return_to_address(bob(), b);
        ts::return_to_address(carol(), c);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    /// Adding controllers and raising the threshold together works.
    fun adding_controllers_and_raising_the_threshold_together_works() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_single(&mut scenario, &clock);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());

        // Threshold 3 is only reachable after the additions: validated after the change.
        let pending = config_proposal::propose_config_change(
            &mut identity, &alice_auth, option::none(), option::some(3),
            vector[bob(), carol()], vector[1, 1], vector[false, true],
            vector[], vector[], vector[],
            ts::ctx(&mut scenario),
        );
        assert!(option::is_none(&pending), 0);
        assert!(identity::threshold(&identity) == 3, 1);
        assert!(identity::total_voting_power(&identity) == 3, 2);

        ts::return_to_address(alice(), a);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    /// Updating voting power and threshold works.
    fun updating_voting_power_and_threshold_works() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_abc(&mut scenario, &clock, 1);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        config_proposal::propose_config_change(
            &mut identity, &alice_auth, option::none(), option::some(5),
            vector[dave()], vector[2], vector[false],
            vector[], vector[object::id(&a)], vector[3],
            ts::ctx(&mut scenario),
        );
        assert!(identity::voting_power(&identity, object::id(&a)) == 3, 0);
        assert!(identity::threshold(&identity) == 5, 1);
        assert!(identity::total_voting_power(&identity) == 7, 2);

        ts::return_to_address(alice(), a);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 504)] // config_proposal::ENoControllers
    /// Removing every controller is refused.
    fun removing_every_controller_is_refused() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_single(&mut scenario, &clock);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        config_proposal::propose_remove_controller(
            &mut identity, &alice_auth, option::none(), object::id(&a), option::none(), ts::ctx(&mut scenario)
        );

        ts::return_to_address(alice(), a);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 501)] // config_proposal::EUnknownController
    /// Removing an unknown controller is refused.
    fun removing_an_unknown_controller_is_refused() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_abc(&mut scenario, &clock, 1);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        config_proposal::propose_remove_controller(
            &mut identity, &alice_auth, option::none(), id, option::none(), ts::ctx(&mut scenario)
        );

        ts::return_to_address(alice(), a);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 201)] // identity::EControllerStillActive
    /// An active controllers cap cannot be destroyed.
    fun an_active_controllers_cap_cannot_be_destroyed() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_single(&mut scenario, &clock);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let a = ts::take_from_address<ControllerCap>(&scenario, alice());
        identity::destroy_controller_cap(&identity, a);

        ts::return_shared(identity);
        common::end(scenario, clock);
    }
}
