#[test_only]
/// Public credentials held by an identity: set, replace, remove, read, and
/// every check a hostile proposer might try to get past.
module identity::credential_tests {
    use std::option;
    use std::vector;
    use movid::test_scenario::{Self as ts, Scenario};
    use movid::clock::Clock;
    use movid::object::ID;
    use identity::credential_proposal::{Self, UpdateCredentials};
    use identity::controller::{Auth, ControllerCap};
    use identity::identity::{Self, Identity};
    use identity::test_common::{Self as common, alice, bob};

    fun jwt(): vector<u8> { b"eyJhbGciOiJFZERTQSJ9.eyJ2YyI6e319.c2lnbmF0dXJl" }
    fun jwt2(): vector<u8> { b"eyJhbGciOiJFZERTQSJ9.eyJ2YyI6eyJhIjoxfX0.c2ln" }

    /// Sets `names` to `jwts` and removes `remove` as the sole controller.
    fun change(identity: &mut Identity, auth: &Auth, names: vector<vector<u8>>, jwts: vector<vector<u8>>, remove: vector<vector<u8>>, scenario: &mut Scenario) {
        let pending = credential_proposal::propose_credentials(
            identity, auth, option::none(), names, jwts, remove, ts::ctx(scenario)
        );
        assert!(option::is_none(&pending), 100);
    }

    fun single(): (Scenario, Clock, Identity, ControllerCap, Auth) {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_single(&mut scenario, &clock);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (cap, auth) = common::take_cap(&scenario, alice());
        (scenario, clock, identity, cap, auth)
    }

    fun finish(scenario: Scenario, clock: Clock, identity: Identity, cap: ControllerCap) {
        ts::return_to_address(alice(), cap);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    /// Credentials are added, replaced by name, removed, and read by anyone;
    /// the field goes away with the last one.
    fun credentials_are_set_replaced_and_removed() {
        let (scenario, clock, identity, cap, auth) = single();
        assert!(vector::is_empty(&credential_proposal::credentials(&identity)), 0);
        change(&mut identity, &auth, vector[b"degree", b"employer"], vector[jwt(), jwt()], vector[], &mut scenario);
        let held = credential_proposal::credentials(&identity);
        assert!(vector::length(&held) == 2, 1);
        assert!(credential_proposal::name(vector::borrow(&held, 0)) == &b"degree", 2);
        change(&mut identity, &auth, vector[b"degree"], vector[jwt2()], vector[b"employer"], &mut scenario);
        assert!(credential_proposal::credential(&identity, b"degree") == option::some(jwt2()), 3);
        assert!(option::is_none(&credential_proposal::credential(&identity, b"employer")), 4);
        change(&mut identity, &auth, vector[], vector[], vector[b"degree"], &mut scenario);
        assert!(vector::is_empty(&credential_proposal::credentials(&identity)), 5);
        finish(scenario, clock, identity, cap);
    }

    #[test]
    /// With a threshold of 2 a change waits for a second vote.
    fun a_change_waits_for_the_threshold() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_abc(&mut scenario, &clock, 2);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        let (b, bob_auth) = common::take_cap(&scenario, bob());
        let pending = credential_proposal::propose_credentials(
            &mut identity, &alice_auth, option::none(), vector[b"degree"], vector[jwt()], vector[], ts::ctx(&mut scenario)
        );
        let proposal: ID = option::destroy_some(pending);
        assert!(vector::is_empty(&credential_proposal::credentials(&identity)), 0);
        identity::approve_proposal<UpdateCredentials>(&mut identity, &bob_auth, proposal, ts::ctx(&mut scenario));
        credential_proposal::execute_credentials(&mut identity, &bob_auth, proposal, ts::ctx(&mut scenario));
        assert!(credential_proposal::credential(&identity, b"degree") == option::some(jwt()), 1);
        ts::return_to_address(alice(), a);
        ts::return_to_address(bob(), b);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 1404)] // ECredentialNotFound
    /// A removal approved while another change removed the credential fails
    /// at execution instead of passing silently.
    fun removing_a_credential_removed_meanwhile_fails() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_abc(&mut scenario, &clock, 2);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        let (b, bob_auth) = common::take_cap(&scenario, bob());
        let add = option::destroy_some(credential_proposal::propose_credentials(
            &mut identity, &alice_auth, option::none(), vector[b"degree"], vector[jwt()], vector[], ts::ctx(&mut scenario)
        ));
        identity::approve_proposal<UpdateCredentials>(&mut identity, &bob_auth, add, ts::ctx(&mut scenario));
        credential_proposal::execute_credentials(&mut identity, &bob_auth, add, ts::ctx(&mut scenario));
        let first = option::destroy_some(credential_proposal::propose_credentials(
            &mut identity, &alice_auth, option::none(), vector[], vector[], vector[b"degree"], ts::ctx(&mut scenario)
        ));
        let second = option::destroy_some(credential_proposal::propose_credentials(
            &mut identity, &bob_auth, option::none(), vector[], vector[], vector[b"degree"], ts::ctx(&mut scenario)
        ));
        identity::approve_proposal<UpdateCredentials>(&mut identity, &bob_auth, first, ts::ctx(&mut scenario));
        identity::approve_proposal<UpdateCredentials>(&mut identity, &alice_auth, second, ts::ctx(&mut scenario));
        credential_proposal::execute_credentials(&mut identity, &bob_auth, first, ts::ctx(&mut scenario));
        credential_proposal::execute_credentials(&mut identity, &bob_auth, second, ts::ctx(&mut scenario));
        ts::return_to_address(alice(), a);
        ts::return_to_address(bob(), b);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 1400)] // ETooManyCredentials
    /// Changes that each stay under the bound cannot add up past it.
    fun credentials_cannot_grow_past_the_bound_in_steps() {
        let (scenario, clock, identity, cap, auth) = single();
        let names = vector[b"c0", b"c1", b"c2", b"c3", b"c4", b"c5", b"c6", b"c7", b"c8", b"c9"];
        let jwts = vector[jwt(), jwt(), jwt(), jwt(), jwt(), jwt(), jwt(), jwt(), jwt(), jwt()];
        change(&mut identity, &auth, names, jwts, vector[], &mut scenario);
        let names = vector[b"d0", b"d1", b"d2", b"d3", b"d4", b"d5", b"d6"];
        let jwts = vector[jwt(), jwt(), jwt(), jwt(), jwt(), jwt(), jwt()];
        change(&mut identity, &auth, names, jwts, vector[], &mut scenario);
        finish(scenario, clock, identity, cap);
    }

    #[test]
    #[expected_failure(abort_code = 1401)] // ECredentialTooLarge
    fun an_oversized_credential_is_refused() {
        let (scenario, clock, identity, cap, auth) = single();
        let big = b"a.b.";
        let i = 0;
        while (i < credential_proposal::max_credential_size()) { vector::push_back(&mut big, 0x41); i = i + 1; };
        change(&mut identity, &auth, vector[b"big"], vector[big], vector[], &mut scenario);
        finish(scenario, clock, identity, cap);
    }

    #[test]
    #[expected_failure(abort_code = 1402)] // EInvalidCredentialName
    /// A name with a character that would break a DID URL fragment.
    fun a_name_with_a_slash_is_refused() {
        let (scenario, clock, identity, cap, auth) = single();
        change(&mut identity, &auth, vector[b"a/b"], vector[jwt()], vector[], &mut scenario);
        finish(scenario, clock, identity, cap);
    }

    #[test]
    #[expected_failure(abort_code = 1402)] // EInvalidCredentialName
    fun an_empty_name_is_refused() {
        let (scenario, clock, identity, cap, auth) = single();
        change(&mut identity, &auth, vector[b""], vector[jwt()], vector[], &mut scenario);
        finish(scenario, clock, identity, cap);
    }

    #[test]
    #[expected_failure(abort_code = 1403)] // EDuplicateCredentialName
    fun setting_one_name_twice_in_a_change_is_refused() {
        let (scenario, clock, identity, cap, auth) = single();
        change(&mut identity, &auth, vector[b"x", b"x"], vector[jwt(), jwt2()], vector[], &mut scenario);
        finish(scenario, clock, identity, cap);
    }

    #[test]
    #[expected_failure(abort_code = 1403)] // EDuplicateCredentialName
    fun setting_and_removing_one_name_is_refused() {
        let (scenario, clock, identity, cap, auth) = single();
        change(&mut identity, &auth, vector[b"x"], vector[jwt()], vector[b"x"], &mut scenario);
        finish(scenario, clock, identity, cap);
    }

    #[test]
    #[expected_failure(abort_code = 1405)] // EMismatchedCredentialLengths
    fun names_and_credentials_must_pair_up() {
        let (scenario, clock, identity, cap, auth) = single();
        change(&mut identity, &auth, vector[b"x", b"y"], vector[jwt()], vector[], &mut scenario);
        finish(scenario, clock, identity, cap);
    }

    #[test]
    #[expected_failure(abort_code = 1406)] // EEmptyCredentialChange
    fun an_empty_change_is_refused() {
        let (scenario, clock, identity, cap, auth) = single();
        change(&mut identity, &auth, vector[], vector[], vector[], &mut scenario);
        finish(scenario, clock, identity, cap);
    }

    #[test]
    #[expected_failure(abort_code = 1407)] // EMalformedJwt
    fun two_segments_are_not_a_jws() {
        let (scenario, clock, identity, cap, auth) = single();
        change(&mut identity, &auth, vector[b"x"], vector[b"eyJhIjoxfQ.eyJ2YyI6e319"], vector[], &mut scenario);
        finish(scenario, clock, identity, cap);
    }

    #[test]
    #[expected_failure(abort_code = 1407)] // EMalformedJwt
    /// An unsecured JWT (`alg: none`, empty signature) is not a credential.
    fun an_unsigned_jwt_is_refused() {
        let (scenario, clock, identity, cap, auth) = single();
        change(&mut identity, &auth, vector[b"x"], vector[b"eyJhbGciOiJub25lIn0.eyJ2YyI6e319."], vector[], &mut scenario);
        finish(scenario, clock, identity, cap);
    }

    #[test]
    #[expected_failure(abort_code = 1407)] // EMalformedJwt
    /// JSON smuggled in place of a JWS.
    fun json_is_not_a_jws() {
        let (scenario, clock, identity, cap, auth) = single();
        change(&mut identity, &auth, vector[b"x"], vector[b"{\"a\":1}.b.c"], vector[], &mut scenario);
        finish(scenario, clock, identity, cap);
    }

    #[test]
    #[expected_failure(abort_code = 1404)] // ECredentialNotFound
    fun removing_an_unknown_credential_fails() {
        let (scenario, clock, identity, cap, auth) = single();
        change(&mut identity, &auth, vector[], vector[], vector[b"ghost"], &mut scenario);
        finish(scenario, clock, identity, cap);
    }
}
