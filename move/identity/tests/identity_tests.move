#[test_only]
/// Creating identities and reading them back.
module identity::identity_tests {
    use std::option;
    use std::vector;
    use sui::clock;
    use sui::object;
    use sui::test_scenario::{Self as ts};
    use identity::controller::{Self, ControllerCap};
    use identity::identity;
    use identity::test_common::{Self as common, alice, bob, carol};

    #[test]
    /// Creating with one controller works.
    fun creating_with_one_controller_works() {
        let (scenario, clock) = common::begin(alice());
        clock::increment_for_testing(&mut clock, 1000);
        let id = common::create_single(&mut scenario, &clock);

        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let cap = ts::take_from_address<ControllerCap>(&scenario, alice());
        let cap_id = object::id(&cap);
        assert!(identity::controllers(&identity) == vector[cap_id], 0);
        assert!(identity::voting_power(&identity, cap_id) == 1, 1);
        assert!(identity::threshold(&identity) == 1, 2);
        assert!(identity::did_document(&identity) == &option::some(common::doc()), 3);
        assert!(identity::created(&identity) == 1000 && identity::updated(&identity) == 1000, 4);
        assert!(identity::version(&identity) == identity::package_version(), 5);
        assert!(!identity::deleted(&identity) && !identity::deleted_did(&identity), 6);
        assert!(vector::is_empty(&identity::active_proposals(&identity)), 7);
        assert!(controller::cap_controller_of(&cap) == id && !controller::cap_can_delegate(&cap), 8);

        ts::return_to_address(alice(), cap);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    /// Creating with three controllers works.
    fun creating_with_three_controllers_works() {
        let (scenario, clock) = common::begin(alice());
        let id = identity::new_with_controllers(
            option::none(),
            vector[alice(), bob(), carol()],
            vector[3, 2, 1],
            vector[true, false, false],
            4,
            &clock,
            ts::ctx(&mut scenario),
        );

        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let a = ts::take_from_address<ControllerCap>(&scenario, alice());
        let b = ts::take_from_address<ControllerCap>(&scenario, bob());
        let c = ts::take_from_address<ControllerCap>(&scenario, carol());
        assert!(identity::controllers(&identity) == vector[object::id(&a), object::id(&b), object::id(&c)], 0);
        assert!(identity::voting_power(&identity, object::id(&a)) == 3, 1);
        assert!(identity::voting_power(&identity, object::id(&b)) == 2, 2);
        assert!(identity::voting_power(&identity, object::id(&c)) == 1, 3);
        assert!(identity::total_voting_power(&identity) == 6, 4);
        assert!(identity::threshold(&identity) == 4, 5);
        assert!(option::is_none(identity::did_document(&identity)), 6);
        assert!(controller::cap_can_delegate(&a) && !controller::cap_can_delegate(&b), 7);

        ts::return_to_address(alice(), a);
        ts::return_to_address(bob(), b);
        ts::return_to_address(carol(), c);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 400)] // document::ENotADidDocument
    /// Creating with a non did document fails.
    fun creating_with_a_non_did_document_fails() {
        let (scenario, clock) = common::begin(alice());
        identity::new(option::some(b"not a DID document"), &clock, ts::ctx(&mut scenario));
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 401)] // document::EUnsupportedFormatVersion
    /// Creating with an unknown format version fails.
    fun creating_with_an_unknown_format_version_fails() {
        let (scenario, clock) = common::begin(alice());
        identity::new(option::some(b"DID\x02\x00{}"), &clock, ts::ctx(&mut scenario));
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 110)] // multicontroller::EInvalidThreshold
    /// Creating with an unreachable threshold fails.
    fun creating_with_an_unreachable_threshold_fails() {
        let (scenario, clock) = common::begin(alice());
        common::create_abc(&mut scenario, &clock, 4);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 110)] // multicontroller::EInvalidThreshold
    /// Creating with a zero threshold fails.
    fun creating_with_a_zero_threshold_fails() {
        let (scenario, clock) = common::begin(alice());
        common::create_abc(&mut scenario, &clock, 0);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 111)] // multicontroller::ENoControllers
    /// Creating without controllers fails.
    fun creating_without_controllers_fails() {
        let (scenario, clock) = common::begin(alice());
        identity::new_with_controllers(
            option::none(), vector[], vector[], vector[], 1, &clock, ts::ctx(&mut scenario)
        );
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 115)] // multicontroller::EDuplicateController
    /// Creating with a duplicate controller fails.
    fun creating_with_a_duplicate_controller_fails() {
        let (scenario, clock) = common::begin(alice());
        identity::new_with_controllers(
            option::none(), vector[alice(), alice()], vector[1, 1], vector[false, false], 1, &clock,
            ts::ctx(&mut scenario)
        );
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 113)] // multicontroller::EInvalidVotingPower
    /// Creating with zero voting power fails.
    fun creating_with_zero_voting_power_fails() {
        let (scenario, clock) = common::begin(alice());
        identity::new_with_controllers(
            option::none(), vector[alice(), bob()], vector[1, 0], vector[false, false], 1, &clock,
            ts::ctx(&mut scenario)
        );
        common::end(scenario, clock);
    }
}
