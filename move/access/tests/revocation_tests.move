#[test_only]
/// Revoking token hashes and certificate serials, and rotating the CA key.
/// The cap is taken straight from the identity (see `test_common`).
module access::revocation_tests {
    use sui::object::ID;
    use sui::test_scenario::{Self as ts, Scenario};
    use access::authority;
    use access::test_common::{Self as common, alice};

    /// Which change `change` makes.
    const REVOKE_TOKEN: u8 = 0;
    const UNREVOKE_TOKEN: u8 = 1;
    const REVOKE_SERIAL: u8 = 2;
    const UNREVOKE_SERIAL: u8 = 3;
    const ROTATE_KEY: u8 = 4;

    /// Makes one change of kind `kind` with argument `bytes`, with the test shortcut.
    fun change(scenario: &mut Scenario, identity_id: ID, authority_id: ID, kind: u8, bytes: vector<u8>) {
        let authority = common::take_authority(scenario, authority_id);
        let cap = common::take_authority_cap(scenario, identity_id);
        if (kind == REVOKE_TOKEN) {
            authority::revoke_token(&mut authority, &cap, bytes, ts::ctx(scenario));
        } else if (kind == UNREVOKE_TOKEN) {
            authority::unrevoke_token(&mut authority, &cap, bytes);
        } else if (kind == REVOKE_SERIAL) {
            authority::revoke_certificate(&mut authority, &cap, bytes, ts::ctx(scenario));
        } else if (kind == UNREVOKE_SERIAL) {
            authority::unrevoke_certificate(&mut authority, &cap, bytes);
        } else {
            authority::rotate_ca_key(&mut authority, &cap, bytes);
        };
        common::return_authority_cap(identity_id, cap);
        ts::return_shared(authority);
    }

    /// Makes one change and asserts that its transaction emitted one event.
    fun change_and_check_event(scenario: &mut Scenario, identity_id: ID, authority_id: ID, kind: u8, bytes: vector<u8>) {
        change(scenario, identity_id, authority_id, kind, bytes);
        let effects = ts::next_tx(scenario, alice());
        assert!(ts::num_user_events(&effects) == 1, 100);
    }

    #[test]
    /// A revoked token hash reads as revoked until unrevoked; others are unaffected.
    fun revoking_and_unrevoking_a_token_hash_works() {
        let (scenario, clock, identity_id, authority_id) = common::setup();
        change_and_check_event(&mut scenario, identity_id, authority_id, REVOKE_TOKEN, common::token_hash(1));
        {
            let authority = common::take_authority(&scenario, authority_id);
            assert!(authority::is_token_revoked(&authority, common::token_hash(1)), 0);
            assert!(!authority::is_token_revoked(&authority, common::token_hash(2)), 1);
            assert!(!authority::is_serial_revoked(&authority, common::serial(1)), 2);
            assert!(authority::revoked_token_count(&authority) == 1, 3);
            ts::return_shared(authority);
        };
        ts::next_tx(&mut scenario, alice());
        change_and_check_event(&mut scenario, identity_id, authority_id, UNREVOKE_TOKEN, common::token_hash(1));
        let authority = common::take_authority(&scenario, authority_id);
        assert!(!authority::is_token_revoked(&authority, common::token_hash(1)), 4);
        assert!(authority::revoked_token_count(&authority) == 0, 5);
        ts::return_shared(authority);
        common::end(scenario, clock);
    }

    #[test]
    /// A revoked certificate serial reads as revoked until unrevoked.
    fun revoking_and_unrevoking_a_certificate_works() {
        let (scenario, clock, identity_id, authority_id) = common::setup();
        change_and_check_event(&mut scenario, identity_id, authority_id, REVOKE_SERIAL, common::serial(7));
        {
            let authority = common::take_authority(&scenario, authority_id);
            assert!(authority::is_serial_revoked(&authority, common::serial(7)), 0);
            assert!(!authority::is_serial_revoked(&authority, common::serial(8)), 1);
            assert!(authority::revoked_serial_count(&authority) == 1, 2);
            ts::return_shared(authority);
        };
        ts::next_tx(&mut scenario, alice());
        change_and_check_event(&mut scenario, identity_id, authority_id, UNREVOKE_SERIAL, common::serial(7));
        let authority = common::take_authority(&scenario, authority_id);
        assert!(!authority::is_serial_revoked(&authority, common::serial(7)), 3);
        assert!(authority::revoked_serial_count(&authority) == 0, 4);
        ts::return_shared(authority);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 2009)] // authority::ETokenAlreadyRevoked
    /// Revoking a token hash twice fails.
    fun revoking_a_token_twice_fails() {
        let (scenario, clock, identity_id, authority_id) = common::setup();
        change(&mut scenario, identity_id, authority_id, REVOKE_TOKEN, common::token_hash(1));
        ts::next_tx(&mut scenario, alice());
        change(&mut scenario, identity_id, authority_id, REVOKE_TOKEN, common::token_hash(1));
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 2010)] // authority::ETokenNotRevoked
    /// Unrevoking a token hash that is not revoked fails.
    fun unrevoking_a_token_that_is_not_revoked_fails() {
        let (scenario, clock, identity_id, authority_id) = common::setup();
        change(&mut scenario, identity_id, authority_id, UNREVOKE_TOKEN, common::token_hash(1));
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 2002)] // authority::EInvalidTokenHash
    /// A token hash that is not 32 bytes is refused.
    fun a_malformed_token_hash_is_refused() {
        let (scenario, clock, identity_id, authority_id) = common::setup();
        change(&mut scenario, identity_id, authority_id, REVOKE_TOKEN, common::bytes(33, 1));
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 2011)] // authority::ESerialAlreadyRevoked
    /// Revoking a serial twice fails.
    fun revoking_a_certificate_twice_fails() {
        let (scenario, clock, identity_id, authority_id) = common::setup();
        change(&mut scenario, identity_id, authority_id, REVOKE_SERIAL, common::serial(1));
        ts::next_tx(&mut scenario, alice());
        change(&mut scenario, identity_id, authority_id, REVOKE_SERIAL, common::serial(1));
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 2012)] // authority::ESerialNotRevoked
    /// Unrevoking a serial that is not revoked fails.
    fun unrevoking_a_certificate_that_is_not_revoked_fails() {
        let (scenario, clock, identity_id, authority_id) = common::setup();
        change(&mut scenario, identity_id, authority_id, UNREVOKE_SERIAL, common::serial(1));
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 2003)] // authority::EInvalidSerial
    /// A serial that is not 16 bytes is refused.
    fun a_malformed_serial_is_refused() {
        let (scenario, clock, identity_id, authority_id) = common::setup();
        change(&mut scenario, identity_id, authority_id, REVOKE_SERIAL, common::bytes(17, 1));
        common::end(scenario, clock);
    }

    #[test]
    /// Rotating the CA key replaces it.
    fun rotating_the_ca_key_works() {
        let (scenario, clock, identity_id, authority_id) = common::setup();
        change_and_check_event(&mut scenario, identity_id, authority_id, ROTATE_KEY, common::ca_key2());
        let authority = common::take_authority(&scenario, authority_id);
        assert!(authority::ca_public_key(&authority) == common::ca_key2(), 0);
        ts::return_shared(authority);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 2001)] // authority::EInvalidCaKey
    /// A new CA key that is not 32 bytes is refused.
    fun rotating_to_a_malformed_ca_key_fails() {
        let (scenario, clock, identity_id, authority_id) = common::setup();
        change(&mut scenario, identity_id, authority_id, ROTATE_KEY, common::bytes(33, 1));
        common::end(scenario, clock);
    }
}
