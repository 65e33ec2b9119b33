#[test_only]
/// Shared set-up for the identity package's tests.
module identity::test_common {
    use std::option;
    use std::vector;
    use sui::clock::{Self, Clock};
    use sui::object::ID;
    use sui::test_scenario::{Self as ts, Scenario};
    use identity::controller::{Self, Auth, ControllerCap};
    use identity::identity::{Self, Identity};

    /// First test account.
    public fun alice(): address { @0xA11CE }

    /// Second test account.
    public fun bob(): address { @0xB0B }

    /// Third test account.
    public fun carol(): address { @0xCA401 }

    /// An account that controls nothing at first.
    public fun dave(): address { @0xDA7E }

    /// A valid on-chain DID document (JSON encoding) with `payload`.
    public fun did_doc(payload: vector<u8>): vector<u8> {
        let doc = b"DID";
        vector::push_back(&mut doc, 1);
        vector::push_back(&mut doc, 0);
        vector::append(&mut doc, payload);
        doc
    }

    /// The document identities are created with.
    public fun doc(): vector<u8> { did_doc(b"{\"id\":\"did:0:0\"}") }

    /// A different valid document, for updates.
    public fun doc2(): vector<u8> { did_doc(b"{\"id\":\"did:0:0\",\"service\":[]}") }

    /// Starts a scenario with `sender` and a test clock.
    public fun begin(sender: address): (Scenario, Clock) {
        let scenario = ts::begin(sender);
        let clock = clock::create_for_testing(ts::ctx(&mut scenario));
        (scenario, clock)
    }

    /// Ends a scenario started with `begin`.
    public fun end(scenario: Scenario, clock: Clock) {
        clock::destroy_for_testing(clock);
        ts::end(scenario);
    }

    /// Creates an identity with `doc()` and the current sender as sole controller.
    public fun create_single(scenario: &mut Scenario, clock: &Clock): ID {
        identity::new(option::some(doc()), clock, ts::ctx(scenario))
    }

    /// Creates an identity with `doc()` and the current sender as sole
    /// controller, allowed to delegate (`identity::new` is not).
    public fun create_single_delegating(scenario: &mut Scenario, clock: &Clock): ID {
        let sender = ts::sender(scenario);
        identity::new_with_controllers(
            option::some(doc()), vector[sender], vector[1], vector[true], 1, clock, ts::ctx(scenario)
        )
    }

    /// Creates an identity controlled by alice, bob and carol, voting power 1
    /// each, all allowed to delegate, with `threshold`.
    public fun create_abc(scenario: &mut Scenario, clock: &Clock, threshold: u64): ID {
        identity::new_with_controllers(
            option::some(doc()),
            vector[alice(), bob(), carol()],
            vector[1, 1, 1],
            vector[true, true, true],
            threshold,
            clock,
            ts::ctx(scenario),
        )
    }

    /// Takes the shared identity `id`.
    public fun take_identity(scenario: &Scenario, id: ID): Identity {
        ts::take_shared_by_id<Identity>(scenario, id)
    }

    /// Takes object `id` from `owner`'s inventory.
    public fun take_by_id<T: key>(scenario: &Scenario, owner: address, id: ID): T {
        ts::take_from_address_by_id<T>(scenario, owner, id)
    }

    /// Takes `owner`'s most recent `ControllerCap` and presents it.
    public fun take_cap(scenario: &Scenario, owner: address): (ControllerCap, Auth) {
        let cap = ts::take_from_address<ControllerCap>(scenario, owner);
        let auth = controller::auth_with_cap(&cap);
        (cap, auth)
    }
}
