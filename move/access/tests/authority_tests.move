#[test_only]
/// Creating an authority and who may change it.
module access::authority_tests {
    use std::option;
    use std::vector;
    use sui::object;
    use sui::test_scenario as ts;
    use sui::vec_map;
    use identity::controller::{Self, ControllerCap};
    use identity::identity;
    use identity::permissions;
    use access::authority;
    use access::test_common::{Self as common, alice, bob, subject};

    #[test]
    /// Creating an authority shares it with its identity, CA key and version.
    fun creating_an_authority_records_its_identity_and_key() {
        let (scenario, clock, identity_id, authority_id) = common::setup();
        let authority = common::take_authority(&scenario, authority_id);
        assert!(authority::authority_identity(&authority) == identity_id, 0);
        assert!(authority::ca_public_key(&authority) == common::ca_key(), 1);
        assert!(authority::version(&authority) == 1, 2);
        assert!(authority::policy_count(&authority) == 0, 3);
        assert!(authority::revoked_token_count(&authority) == 0, 4);
        assert!(authority::revoked_serial_count(&authority) == 0, 5);
        ts::return_shared(authority);
        common::end(scenario, clock);
    }

    #[test]
    /// The cap goes to the identity's address, and `AuthorityCreated` is emitted once.
    fun creating_an_authority_sends_its_cap_to_the_identity() {
        let (scenario, clock, identity_id, _) = common::setup();
        let authority_id = common::create_authority(&mut scenario, identity_id, common::ca_key2());
        let effects = ts::next_tx(&mut scenario, alice());
        assert!(ts::num_user_events(&effects) == 1, 0);
        assert!(vector::contains(&ts::shared(&effects), &authority_id), 1);

        let cap_id = common::authority_cap_id(identity_id);
        let to_object = ts::transferred_to_object(&effects);
        assert!(*vec_map::get(&to_object, &cap_id) == identity_id, 2);
        let cap = common::take_authority_cap(&scenario, identity_id);
        assert!(authority::cap_authority(&cap) == authority_id, 3);
        common::return_authority_cap(identity_id, cap);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 2013)] // authority::EWrongIdentity
    /// A controller of another identity cannot create an authority for this one.
    fun creating_with_another_identitys_credential_fails() {
        let (scenario, clock, identity_id, _) = common::setup();
        ts::next_tx(&mut scenario, bob());
        identity::new(option::some(common::doc()), &clock, ts::ctx(&mut scenario));
        ts::next_tx(&mut scenario, bob());
        // bob's only ControllerCap is of his own identity.
        common::create_authority(&mut scenario, identity_id, common::ca_key());
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 300)] // controller::EMissingPermission
    /// A delegation token without CREATE cannot create an authority.
    fun creating_with_a_token_without_create_fails() {
        let (scenario, clock, identity_id, _) = common::setup();
        let identity = common::take_identity(&scenario, identity_id);
        let cap = ts::take_from_address<ControllerCap>(&scenario, alice());
        let token = identity::delegate(
            &mut identity, &controller::auth_with_cap(&cap), permissions::can_approve_proposal(), ts::ctx(&mut scenario)
        );
        authority::create(&identity, &controller::auth_with_token(&token), common::ca_key(), ts::ctx(&mut scenario));

        identity::destroy_delegation_token(&mut identity, token);
        ts::return_to_address(alice(), cap);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 2001)] // authority::EInvalidCaKey
    /// A CA key that is not 32 bytes is refused at creation.
    fun creating_with_a_malformed_ca_key_fails() {
        let (scenario, clock, identity_id, _) = common::setup();
        common::create_authority(&mut scenario, identity_id, common::bytes(31, 1));
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 2000)] // authority::EWrongCap
    /// The cap of another authority is refused.
    fun a_cap_of_another_authority_is_refused() {
        let (scenario, clock, identity_id, authority_id) = common::setup();
        common::create_authority(&mut scenario, identity_id, common::ca_key2());
        ts::next_tx(&mut scenario, alice());
        // The most recent cap is the second authority's.
        let other_cap = common::take_authority_cap(&scenario, identity_id);
        let authority = common::take_authority(&scenario, authority_id);
        authority::set_policy(&mut authority, &other_cap, subject(), vector[b"ssh"], 1);

        common::return_authority_cap(identity_id, other_cap);
        ts::return_shared(authority);
        common::end(scenario, clock);
    }
}
