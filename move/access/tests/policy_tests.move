#[test_only]
/// Subject policies: granting, replacing, removing, and their bounds. The
/// cap is taken straight from the identity (see `test_common`); governance
/// is covered by `governance_tests`.
module access::policy_tests {
    use std::vector;
    use sui::object::ID;
    use sui::test_scenario::{Self as ts, Scenario};
    use access::authority;
    use access::test_common::{Self as common, alice, subject, other_subject};

    /// Sets `subject()`'s policy with the test shortcut.
    fun set(scenario: &Scenario, identity_id: ID, authority_id: ID, services: vector<vector<u8>>, max_sessions: u64) {
        let authority = common::take_authority(scenario, authority_id);
        let cap = common::take_authority_cap(scenario, identity_id);
        authority::set_policy(&mut authority, &cap, subject(), services, max_sessions);
        common::return_authority_cap(identity_id, cap);
        ts::return_shared(authority);
    }

    /// Removes `subject`'s policy with the test shortcut.
    fun remove(scenario: &Scenario, identity_id: ID, authority_id: ID, subject: address) {
        let authority = common::take_authority(scenario, authority_id);
        let cap = common::take_authority_cap(scenario, identity_id);
        authority::remove_policy(&mut authority, &cap, subject);
        common::return_authority_cap(identity_id, cap);
        ts::return_shared(authority);
    }

    /// `n` distinct service names.
    fun services(n: u64): vector<vector<u8>> {
        let names = vector[];
        let i = 0;
        while (i < n) {
            let name = b"svc-";
            vector::push_back(&mut name, 0x30 + ((i / 10) as u8));
            vector::push_back(&mut name, 0x30 + ((i % 10) as u8));
            vector::push_back(&mut names, name);
            i = i + 1;
        };
        names
    }

    #[test]
    /// A policy grants its services and session limit to its subject only.
    fun setting_a_policy_grants_its_services() {
        let (scenario, clock, identity_id, authority_id) = common::setup();
        common::grant_default(&scenario, identity_id, authority_id, subject());
        let effects = ts::next_tx(&mut scenario, alice());
        assert!(ts::num_user_events(&effects) == 1, 0);

        let authority = common::take_authority(&scenario, authority_id);
        let (services, max_sessions) = authority::policy(&authority, subject());
        assert!(services == vector[b"ssh", b"db"], 1);
        assert!(max_sessions == 2, 2);
        assert!(authority::allows_service(&authority, subject(), b"db"), 3);
        assert!(!authority::allows_service(&authority, subject(), b"web"), 4);
        assert!(!authority::has_policy(&authority, other_subject()), 5);
        assert!(!authority::allows_service(&authority, other_subject(), b"ssh"), 6);
        assert!(authority::policy_count(&authority) == 1, 7);
        ts::return_shared(authority);
        common::end(scenario, clock);
    }

    #[test]
    /// Setting a policy again replaces the previous one.
    fun setting_a_policy_again_replaces_it() {
        let (scenario, clock, identity_id, authority_id) = common::setup();
        common::grant_default(&scenario, identity_id, authority_id, subject());
        ts::next_tx(&mut scenario, alice());
        set(&scenario, identity_id, authority_id, vector[b"web"], 5);
        let effects = ts::next_tx(&mut scenario, alice());
        assert!(ts::num_user_events(&effects) == 1, 0);

        let authority = common::take_authority(&scenario, authority_id);
        let (services, max_sessions) = authority::policy(&authority, subject());
        assert!(services == vector[b"web"], 1);
        assert!(max_sessions == 5, 2);
        assert!(!authority::allows_service(&authority, subject(), b"ssh"), 3);
        assert!(authority::policy_count(&authority) == 1, 4);
        ts::return_shared(authority);
        common::end(scenario, clock);
    }

    #[test]
    /// Removing a policy leaves the subject no service.
    fun removing_a_policy_revokes_access() {
        let (scenario, clock, identity_id, authority_id) = common::setup();
        common::grant_default(&scenario, identity_id, authority_id, subject());
        ts::next_tx(&mut scenario, alice());
        common::grant_default(&scenario, identity_id, authority_id, other_subject());
        ts::next_tx(&mut scenario, alice());
        remove(&scenario, identity_id, authority_id, subject());
        let effects = ts::next_tx(&mut scenario, alice());
        assert!(ts::num_user_events(&effects) == 1, 0);

        let authority = common::take_authority(&scenario, authority_id);
        assert!(!authority::has_policy(&authority, subject()), 1);
        assert!(!authority::allows_service(&authority, subject(), b"ssh"), 2);
        assert!(authority::has_policy(&authority, other_subject()), 3);
        assert!(authority::policy_count(&authority) == 1, 4);
        ts::return_shared(authority);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 2008)] // authority::ENoPolicy
    /// Removing a policy that does not exist fails.
    fun removing_a_missing_policy_fails() {
        let (scenario, clock, identity_id, authority_id) = common::setup();
        remove(&scenario, identity_id, authority_id, subject());
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 2008)] // authority::ENoPolicy
    /// Reading the policy of a subject without one fails.
    fun reading_a_missing_policy_fails() {
        let (scenario, clock, _, authority_id) = common::setup();
        let authority = common::take_authority(&scenario, authority_id);
        authority::policy(&authority, subject());
        ts::return_shared(authority);
        common::end(scenario, clock);
    }

    #[test]
    /// The bounds themselves are accepted: `MAX_SERVICES` names of
    /// `MAX_SERVICE_NAME_LENGTH` bytes.
    fun a_policy_at_the_bounds_is_accepted() {
        let (scenario, clock, identity_id, authority_id) = common::setup();
        let names = services(authority::max_services() - 1);
        vector::push_back(&mut names, common::bytes(authority::max_service_name_length(), 0x7e));
        set(&scenario, identity_id, authority_id, names, 1);
        ts::next_tx(&mut scenario, alice());

        let authority = common::take_authority(&scenario, authority_id);
        let (stored, _) = authority::policy(&authority, subject());
        assert!(vector::length(&stored) == authority::max_services(), 0);
        ts::return_shared(authority);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 2004)] // authority::EInvalidServiceCount
    /// More than `MAX_SERVICES` services are refused.
    fun too_many_services_are_refused() {
        let (scenario, clock, identity_id, authority_id) = common::setup();
        set(&scenario, identity_id, authority_id, services(authority::max_services() + 1), 1);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 2004)] // authority::EInvalidServiceCount
    /// A policy without services is refused (remove the policy instead).
    fun a_policy_without_services_is_refused() {
        let (scenario, clock, identity_id, authority_id) = common::setup();
        set(&scenario, identity_id, authority_id, vector[], 1);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 2005)] // authority::EInvalidServiceName
    /// A service name longer than `MAX_SERVICE_NAME_LENGTH` is refused.
    fun a_too_long_service_name_is_refused() {
        let (scenario, clock, identity_id, authority_id) = common::setup();
        let name = common::bytes(authority::max_service_name_length() + 1, 0x61);
        set(&scenario, identity_id, authority_id, vector[name], 1);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 2005)] // authority::EInvalidServiceName
    /// An empty service name is refused.
    fun an_empty_service_name_is_refused() {
        let (scenario, clock, identity_id, authority_id) = common::setup();
        set(&scenario, identity_id, authority_id, vector[b"ssh", b""], 1);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 2005)] // authority::EInvalidServiceName
    /// A service name with a space (not printable ASCII without space) is refused.
    fun a_service_name_with_a_space_is_refused() {
        let (scenario, clock, identity_id, authority_id) = common::setup();
        set(&scenario, identity_id, authority_id, vector[b"my service"], 1);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 2006)] // authority::EDuplicateService
    /// A service listed twice is refused.
    fun a_duplicate_service_is_refused() {
        let (scenario, clock, identity_id, authority_id) = common::setup();
        set(&scenario, identity_id, authority_id, vector[b"ssh", b"db", b"ssh"], 1);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 2007)] // authority::EInvalidMaxSessions
    /// A policy allowing zero sessions is refused.
    fun zero_sessions_are_refused() {
        let (scenario, clock, identity_id, authority_id) = common::setup();
        set(&scenario, identity_id, authority_id, vector[b"ssh"], 0);
        common::end(scenario, clock);
    }
}
