#[test_only]
/// Delegation tokens: permissions, revocation, destruction.
module identity::delegation_tests {
    use std::option;
    use sui::object;
    use sui::test_scenario::{Self as ts};
    use sui::transfer;
    use identity::config_proposal;
    use identity::controller::{Self, ControllerCap, DelegationToken};
    use identity::did_proposal::{Self, UpdateDid};
    use identity::identity;
    use identity::permissions;
    use identity::test_common::{Self as common, alice, bob};
    use identity::unrevoke_proposal;

    #[test]
    /// A full token acts like its controller.
    fun a_full_token_acts_like_its_controller() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_single_delegating(&mut scenario, &clock);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        let token = identity::delegate(&mut identity, &alice_auth, permissions::all(), ts::ctx(&mut scenario));
        assert!(controller::token_controller(&token) == object::id(&a), 0);
        transfer::public_transfer(token, bob());
        ts::return_to_address(alice(), a);
        ts::return_shared(identity);

        ts::next_tx(&mut scenario, bob());
        let identity = common::take_identity(&scenario, id);
        let token = ts::take_from_address<DelegationToken>(&scenario, bob());
        let pending = did_proposal::propose_update(
            &mut identity, &controller::auth_with_token(&token), option::none(), common::doc2(), &clock,
            ts::ctx(&mut scenario),
        );
        assert!(option::is_none(&pending), 1);
        assert!(identity::did_document(&identity) == &option::some(common::doc2()), 2);

        identity::destroy_delegation_token(&mut identity, token);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 300)] // controller::EMissingPermission
    /// A delegate cannot create without permission.
    fun a_delegate_cannot_create_without_permission() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_abc(&mut scenario, &clock, 2);
        ts::next_tx(&mut scenario, bob());
        let identity = common::take_identity(&scenario, id);
        let (b, bob_auth) = common::take_cap(&scenario, bob());
        let token = identity::delegate(
            &mut identity, &bob_auth, permissions::without(permissions::all(), permissions::can_create_proposal()),
            ts::ctx(&mut scenario),
        );
        did_proposal::propose_deactivation(
            &mut identity, &controller::auth_with_token(&token), option::none(), &clock, ts::ctx(&mut scenario)
        );

        transfer::public_transfer(token, bob());
        ts::return_to_address(bob(), b);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 300)] // controller::EMissingPermission
    /// A delegate cannot approve without permission.
    fun a_delegate_cannot_approve_without_permission() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_abc(&mut scenario, &clock, 2);
        ts::next_tx(&mut scenario, bob());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        let (b, bob_auth) = common::take_cap(&scenario, bob());
        let token = identity::delegate(
            &mut identity, &bob_auth, permissions::without(permissions::all(), permissions::can_approve_proposal()),
            ts::ctx(&mut scenario),
        );
        let proposal = option::destroy_some(did_proposal::propose_deactivation(
            &mut identity, &alice_auth, option::none(), &clock, ts::ctx(&mut scenario)
        ));
        identity::approve_proposal<UpdateDid>(
            &mut identity, &controller::auth_with_token(&token), proposal, ts::ctx(&mut scenario)
        );

        transfer::public_transfer(token, bob());
        ts::return_to_address(alice(), a);
        ts::return_to_address(bob(), b);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 300)] // controller::EMissingPermission
    /// A delegate cannot execute without permission.
    fun a_delegate_cannot_execute_without_permission() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_abc(&mut scenario, &clock, 2);
        ts::next_tx(&mut scenario, bob());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        let (b, bob_auth) = common::take_cap(&scenario, bob());
        let token = identity::delegate(
            &mut identity, &bob_auth, permissions::without(permissions::all(), permissions::can_execute_proposal()),
            ts::ctx(&mut scenario),
        );
        let proposal = option::destroy_some(did_proposal::propose_deactivation(
            &mut identity, &alice_auth, option::none(), &clock, ts::ctx(&mut scenario)
        ));
        identity::approve_proposal<UpdateDid>(&mut identity, &bob_auth, proposal, ts::ctx(&mut scenario));
        did_proposal::execute_update(
            &mut identity, &controller::auth_with_token(&token), proposal, &clock, ts::ctx(&mut scenario)
        );

        transfer::public_transfer(token, bob());
        ts::return_to_address(alice(), a);
        ts::return_to_address(bob(), b);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 300)] // controller::EMissingPermission
    /// A delegate cannot delete without permission.
    fun a_delegate_cannot_delete_without_permission() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_abc(&mut scenario, &clock, 2);
        ts::next_tx(&mut scenario, bob());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        let (b, bob_auth) = common::take_cap(&scenario, bob());
        let token = identity::delegate(
            &mut identity, &bob_auth, permissions::without(permissions::all(), permissions::can_delete_proposal()),
            ts::ctx(&mut scenario),
        );
        let proposal = option::destroy_some(did_proposal::propose_deactivation(
            &mut identity, &alice_auth, option::some(0), &clock, ts::ctx(&mut scenario)
        ));
        ts::return_shared(identity);

        ts::next_epoch(&mut scenario, bob());
        let identity = common::take_identity(&scenario, id);
        identity::delete_proposal<UpdateDid>(
            &mut identity, &controller::auth_with_token(&token), proposal, ts::ctx(&mut scenario)
        );

        transfer::public_transfer(token, bob());
        ts::return_to_address(alice(), a);
        ts::return_to_address(bob(), b);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 300)] // controller::EMissingPermission
    /// A delegate cannot remove an approval without permission.
    fun a_delegate_cannot_remove_an_approval_without_permission() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_abc(&mut scenario, &clock, 2);
        ts::next_tx(&mut scenario, bob());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        let (b, bob_auth) = common::take_cap(&scenario, bob());
        let token = identity::delegate(
            &mut identity, &bob_auth, permissions::without(permissions::all(), permissions::can_remove_approval()),
            ts::ctx(&mut scenario),
        );
        let proposal = option::destroy_some(did_proposal::propose_deactivation(
            &mut identity, &alice_auth, option::none(), &clock, ts::ctx(&mut scenario)
        ));
        identity::approve_proposal<UpdateDid>(&mut identity, &bob_auth, proposal, ts::ctx(&mut scenario));
        identity::remove_approval<UpdateDid>(&mut identity, &controller::auth_with_token(&token), proposal);

        transfer::public_transfer(token, bob());
        ts::return_to_address(alice(), a);
        ts::return_to_address(bob(), b);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 102)] // multicontroller::ETokenRevoked
    /// A revoked token is refused.
    fun a_revoked_token_is_refused() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_single_delegating(&mut scenario, &clock);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        let token = identity::delegate(&mut identity, &alice_auth, permissions::all(), ts::ctx(&mut scenario));
        identity::revoke_token(&mut identity, &alice_auth, object::id(&token));
        assert!(identity::is_token_revoked(&identity, object::id(&token)), 0);
        did_proposal::propose_deactivation(
            &mut identity, &controller::auth_with_token(&token), option::none(), &clock, ts::ctx(&mut scenario)
        );

        transfer::public_transfer(token, bob());
        ts::return_to_address(alice(), a);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    /// A token unrevoked by an approved proposal works again.
    fun an_unrevoked_token_works_again() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_single_delegating(&mut scenario, &clock);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        let token = identity::delegate(&mut identity, &alice_auth, permissions::all(), ts::ctx(&mut scenario));
        identity::revoke_token(&mut identity, &alice_auth, object::id(&token));
        // Threshold 1: alice's proposal executes at once.
        let pending = unrevoke_proposal::propose_unrevoke(
            &mut identity, &alice_auth, option::none(), object::id(&token), ts::ctx(&mut scenario)
        );
        assert!(option::is_none(&pending), 3);
        assert!(!identity::is_token_revoked(&identity, object::id(&token)), 0);
        did_proposal::propose_deactivation(
            &mut identity, &controller::auth_with_token(&token), option::none(), &clock, ts::ctx(&mut scenario)
        );
        assert!(identity::is_deactivated(&identity), 1);

        // Destroying a revoked token also clears it from the revocation list
        // and from the identity's tokens.
        identity::revoke_token(&mut identity, &alice_auth, object::id(&token));
        let token_id = object::id(&token);
        identity::destroy_delegation_token(&mut identity, token);
        assert!(identity::revoked_tokens(&identity) == vector[], 2);
        assert!(!identity::is_token(&identity, token_id), 4);

        ts::return_to_address(alice(), a);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 301)] // controller::ENotAControllerCap
    /// A delegate cannot revoke tokens.
    fun a_delegate_cannot_revoke_tokens() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_single_delegating(&mut scenario, &clock);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        let token = identity::delegate(&mut identity, &alice_auth, permissions::all(), ts::ctx(&mut scenario));
        let token_auth = controller::auth_with_token(&token);
        identity::revoke_token(&mut identity, &token_auth, object::id(&token));

        transfer::public_transfer(token, bob());
        ts::return_to_address(alice(), a);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 302)] // controller::ECannotDelegate
    /// A cap without the right cannot delegate.
    fun a_cap_without_the_right_cannot_delegate() {
        let (scenario, clock) = common::begin(alice());
        let id = identity::new_with_controllers(
            option::none(), vector[alice()], vector[1], vector[false], 1, &clock, ts::ctx(&mut scenario)
        );
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        let token = identity::delegate(&mut identity, &alice_auth, permissions::all(), ts::ctx(&mut scenario));

        transfer::public_transfer(token, bob());
        ts::return_to_address(alice(), a);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 303)] // controller::EInvalidPermissions
    /// Delegating unknown permissions fails.
    fun delegating_unknown_permissions_fails() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_single_delegating(&mut scenario, &clock);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        let token = identity::delegate(&mut identity, &alice_auth, 0x20, ts::ctx(&mut scenario));

        transfer::public_transfer(token, bob());
        ts::return_to_address(alice(), a);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 100)] // multicontroller::ENotAController
    /// A removed controllers token is refused.
    fun a_removed_controllers_token_is_refused() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_abc(&mut scenario, &clock, 1);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        let b = ts::take_from_address<ControllerCap>(&scenario, bob());
        let token = identity::delegate(
            &mut identity, &controller::auth_with_cap(&b), permissions::all(), ts::ctx(&mut scenario)
        );
        // Threshold 1: alice removes bob at once.
        config_proposal::propose_remove_controller(
            &mut identity, &alice_auth, option::none(), object::id(&b), option::none(), ts::ctx(&mut scenario)
        );
        did_proposal::propose_deactivation(
            &mut identity, &controller::auth_with_token(&token), option::none(), &clock, ts::ctx(&mut scenario)
        );

        transfer::public_transfer(token, bob());
        ts::return_to_address(alice(), a);
        ts::return_to_address(bob(), b);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }
}
