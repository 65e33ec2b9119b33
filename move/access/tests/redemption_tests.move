#[test_only]
/// Single-use enrollment tokens: the CA's account records each redemption once.
module access::redemption_tests {
    use sui::test_scenario::{Self as ts};
    use access::authority;
    use access::test_common::{Self as common, alice};

    #[test]
    /// The CA redeems a token once; it then reads as redeemed, others do not.
    fun the_ca_redeems_a_token_once() {
        let (scenario, clock, _identity_id, authority_id) = common::setup();
        ts::next_tx(&mut scenario, authority::ca_address(&common::ca_key()));
        let authority = common::take_authority(&scenario, authority_id);
        authority::redeem_token(&mut authority, common::token_hash(1), common::serial(1), ts::ctx(&mut scenario));
        assert!(authority::is_token_redeemed(&authority, common::token_hash(1)), 0);
        assert!(!authority::is_token_redeemed(&authority, common::token_hash(2)), 1);
        assert!(authority::redeemed_token_count(&authority) == 1, 2);
        ts::return_shared(authority);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 2017)] // authority::ETokenAlreadyRedeemed
    /// Issue 13: a second issuance for the same token is refused, whatever the serial.
    fun a_token_cannot_be_redeemed_twice() {
        let (scenario, clock, _identity_id, authority_id) = common::setup();
        ts::next_tx(&mut scenario, authority::ca_address(&common::ca_key()));
        let authority = common::take_authority(&scenario, authority_id);
        authority::redeem_token(&mut authority, common::token_hash(1), common::serial(1), ts::ctx(&mut scenario));
        authority::redeem_token(&mut authority, common::token_hash(1), common::serial(2), ts::ctx(&mut scenario));
        ts::return_shared(authority);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 2018)] // authority::ENotTheCa
    /// Nobody but the CA's account can spend a token (a controller neither).
    fun only_the_ca_account_redeems() {
        let (scenario, clock, _identity_id, authority_id) = common::setup();
        ts::next_tx(&mut scenario, alice());
        let authority = common::take_authority(&scenario, authority_id);
        authority::redeem_token(&mut authority, common::token_hash(1), common::serial(1), ts::ctx(&mut scenario));
        ts::return_shared(authority);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 2003)] // authority::EInvalidSerial
    /// A redemption names a 16-byte serial.
    fun redeeming_with_a_malformed_serial_fails() {
        let (scenario, clock, _identity_id, authority_id) = common::setup();
        ts::next_tx(&mut scenario, authority::ca_address(&common::ca_key()));
        let authority = common::take_authority(&scenario, authority_id);
        authority::redeem_token(&mut authority, common::token_hash(1), common::bytes(15, 1), ts::ctx(&mut scenario));
        ts::return_shared(authority);
        common::end(scenario, clock);
    }
}
