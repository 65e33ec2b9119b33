#[test_only]
/// Shared set-up for the access package's tests: an identity governing an
/// authority, and byte strings of the lengths the authority expects.
module access::test_common {
    use std::option;
    use std::vector;
    use sui::clock::{Self, Clock};
    use sui::object::{Self, ID};
    use sui::test_scenario::{Self as ts, Scenario};
    use identity::controller::{Self, ControllerCap};
    use identity::identity::{Self, Identity};
    use access::authority::{Self, AccessAuthority, AuthorityCap};

    /// First controller.
    public fun alice(): address { @0xA11CE }

    /// Second controller.
    public fun bob(): address { @0xB0B }

    /// A subject identity's ID as an address.
    public fun subject(): address { @0x5AB1EC7 }

    /// Another subject.
    public fun other_subject(): address { @0x07E5 }

    /// `len` bytes of value `fill`.
    public fun bytes(len: u64, fill: u8): vector<u8> {
        let v = vector[];
        let i = 0;
        while (i < len) {
            vector::push_back(&mut v, fill);
            i = i + 1;
        };
        v
    }

    /// A 32-byte CA key.
    public fun ca_key(): vector<u8> { bytes(32, 0xCA) }

    /// Another 32-byte CA key.
    public fun ca_key2(): vector<u8> { bytes(32, 0xCB) }

    /// A 32-byte token hash.
    public fun token_hash(fill: u8): vector<u8> { bytes(32, fill) }

    /// A 16-byte certificate serial.
    public fun serial(fill: u8): vector<u8> { bytes(16, fill) }

    /// A valid on-chain DID document.
    public fun doc(): vector<u8> {
        let doc = b"DID";
        vector::push_back(&mut doc, 1);
        vector::push_back(&mut doc, 0);
        vector::append(&mut doc, b"{\"id\":\"did:0:0\"}");
        doc
    }

    /// An identity controlled by alice alone, governing an authority that
    /// alice created; the next transaction is alice's. Returns the scenario,
    /// a clock, the identity's ID and the authority's ID.
    public fun setup(): (Scenario, Clock, ID, ID) {
        setup_with(vector[alice()], vector[1], 1)
    }

    /// As `setup`, with alice and bob as controllers of voting power 1 and threshold 2.
    public fun setup_two_of_two(): (Scenario, Clock, ID, ID) {
        setup_with(vector[alice(), bob()], vector[1, 1], 2)
    }

    /// As `setup`, with the given controllers and threshold.
    fun setup_with(controllers: vector<address>, voting_powers: vector<u64>, threshold: u64): (Scenario, Clock, ID, ID) {
        let scenario = ts::begin(alice());
        let clock = clock::create_for_testing(ts::ctx(&mut scenario));
        let can_delegate = vector[];
        let i = 0;
        while (i < vector::length(&controllers)) {
            vector::push_back(&mut can_delegate, true);
            i = i + 1;
        };
        let identity_id = identity::new_with_controllers(
            option::some(doc()), controllers, voting_powers, can_delegate, threshold, &clock, ts::ctx(&mut scenario)
        );
        ts::next_tx(&mut scenario, alice());
        let authority_id = create_authority(&mut scenario, identity_id, ca_key());
        ts::next_tx(&mut scenario, alice());
        (scenario, clock, identity_id, authority_id)
    }

    /// Creates an authority for `identity_id` with `key`, presenting the
    /// sender's most recent `ControllerCap`. Returns the authority's ID.
    public fun create_authority(scenario: &mut Scenario, identity_id: ID, key: vector<u8>): ID {
        let sender = ts::sender(scenario);
        let identity = ts::take_shared_by_id<Identity>(scenario, identity_id);
        let cap = ts::take_from_address<ControllerCap>(scenario, sender);
        let authority_id = authority::create(&identity, &controller::auth_with_cap(&cap), key, ts::ctx(scenario));
        ts::return_to_address(sender, cap);
        ts::return_shared(identity);
        authority_id
    }

    /// Ends a scenario started with `setup`.
    public fun end(scenario: Scenario, clock: Clock) {
        clock::destroy_for_testing(clock);
        ts::end(scenario);
    }

    /// Takes the shared identity `id`.
    public fun take_identity(scenario: &Scenario, id: ID): Identity { ts::take_shared_by_id<Identity>(scenario, id) }

    /// Takes the shared authority `id`.
    public fun take_authority(scenario: &Scenario, id: ID): AccessAuthority { ts::take_shared_by_id<AccessAuthority>(scenario, id) }

    /// The ID of the most recent `AuthorityCap` the identity `identity_id` owns.
    public fun authority_cap_id(identity_id: ID): ID {
        option::destroy_some(ts::most_recent_id_for_address<AuthorityCap>(object::id_to_address(&identity_id)))
    }

    /// Takes the identity's most recent `AuthorityCap` straight from its
    /// inventory: a test shortcut for what a borrow proposal does, so tests
    /// of the authority's rules need not repeat the governance steps.
    public fun take_authority_cap(scenario: &Scenario, identity_id: ID): AuthorityCap {
        ts::take_from_address<AuthorityCap>(scenario, object::id_to_address(&identity_id))
    }

    /// Gives a cap taken with `take_authority_cap` back to the identity.
    public fun return_authority_cap(identity_id: ID, cap: AuthorityCap) {
        ts::return_to_address(object::id_to_address(&identity_id), cap)
    }

    /// `set_policy` for `subject` with the services `ssh` and `db` and two
    /// sessions, through the test shortcut.
    public fun grant_default(scenario: &Scenario, identity_id: ID, authority_id: ID, subject: address) {
        let authority = take_authority(scenario, authority_id);
        let cap = take_authority_cap(scenario, identity_id);
        authority::set_policy(&mut authority, &cap, subject, vector[b"ssh", b"db"], 2);
        return_authority_cap(identity_id, cap);
        ts::return_shared(authority);
    }
}
