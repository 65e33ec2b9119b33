#[test_only]
/// Sending and borrowing objects an identity owns.
module identity::asset_tests {
    use std::option;
    use sui::coin::{Self, Coin};
    use sui::object::{Self, ID, UID};
    use sui::test_scenario::{Self as ts, Scenario};
    use sui::transfer;
    use identity::borrow_proposal;
    use identity::send_proposal;
    use identity::test_common::{Self as common, alice, bob};

    /// A coin type for the tests.
    struct TEST_COIN has drop {}

    /// An object the identity can own and lend.
    struct Asset has key, store {
        id: UID,
        value: u64,
    }

    /// Mints a 100-unit coin owned by the identity `owner`.
    fun give_coin(scenario: &mut Scenario, owner: ID): ID {
        let coin = coin::mint_for_testing<TEST_COIN>(100, ts::ctx(scenario));
        let coin_id = object::id(&coin);
        transfer::public_transfer(coin, object::id_to_address(&owner));
        coin_id
    }

    /// Creates an `Asset` with value 1 owned by the identity `owner`.
    fun give_asset(scenario: &mut Scenario, owner: ID): ID {
        let asset = Asset { id: object::new(ts::ctx(scenario)), value: 1 };
        let asset_id = object::id(&asset);
        transfer::public_transfer(asset, object::id_to_address(&owner));
        asset_id
    }

    #[test]
    /// Sending a coin the identity owns works.
    fun sending_a_coin_the_identity_owns_works() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_single(&mut scenario, &clock);
        ts::next_tx(&mut scenario, alice());
        let coin_id = give_coin(&mut scenario, id);

        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, auth) = common::take_cap(&scenario, alice());
        let proposal = send_proposal::propose_send(
            &mut identity, &auth, option::none(), vector[coin_id], vector[bob()], ts::ctx(&mut scenario)
        );
        let action = send_proposal::execute_send(&mut identity, &auth, proposal, ts::ctx(&mut scenario));
        send_proposal::send_object(&mut identity, &mut action, ts::receiving_ticket_by_id<Coin<TEST_COIN>>(coin_id));
        send_proposal::conclude_send(action);
        ts::return_to_address(alice(), a);
        ts::return_shared(identity);

        ts::next_tx(&mut scenario, bob());
        let coin = common::take_by_id<Coin<TEST_COIN>>(&scenario, bob(), coin_id);
        assert!(coin::value(&coin) == 100, 0);
        ts::return_to_address(bob(), coin);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 606)] // send_proposal::EUnsentObjects
    /// A send must send every object.
    fun a_send_must_send_every_object() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_single(&mut scenario, &clock);
        ts::next_tx(&mut scenario, alice());
        let first = give_coin(&mut scenario, id);
        let second = give_coin(&mut scenario, id);

        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, auth) = common::take_cap(&scenario, alice());
        let proposal = send_proposal::propose_send(
            &mut identity, &auth, option::none(), vector[first, second], vector[bob(), bob()], ts::ctx(&mut scenario)
        );
        let action = send_proposal::execute_send(&mut identity, &auth, proposal, ts::ctx(&mut scenario));
        send_proposal::send_object(&mut identity, &mut action, ts::receiving_ticket_by_id<Coin<TEST_COIN>>(first));
        send_proposal::conclude_send(action);

        ts::return_to_address(alice(), a);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    /// Borrowing and returning an object works.
    fun borrowing_and_returning_an_object_works() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_single(&mut scenario, &clock);
        ts::next_tx(&mut scenario, alice());
        let asset_id = give_asset(&mut scenario, id);

        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, auth) = common::take_cap(&scenario, alice());
        let proposal = borrow_proposal::propose_borrow(
            &mut identity, &auth, option::none(), vector[asset_id], ts::ctx(&mut scenario)
        );
        let action = borrow_proposal::execute_borrow(&mut identity, &auth, proposal, ts::ctx(&mut scenario));
        let asset = borrow_proposal::borrow_object(
            &mut identity, &mut action, ts::receiving_ticket_by_id<Asset>(asset_id)
        );
        asset.value = 2;
        borrow_proposal::return_object(&mut action, asset);
        borrow_proposal::conclude_borrow(action);
        ts::return_to_address(alice(), a);
        ts::return_shared(identity);

        ts::next_tx(&mut scenario, alice());
        let owner = object::id_to_address(&id);
        let asset = common::take_by_id<Asset>(&scenario, owner, asset_id);
        assert!(asset.value == 2, 0);
        ts::return_to_address(owner, asset);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 706)] // borrow_proposal::EUnreturnedObjects
    /// A borrow that does not return fails.
    fun a_borrow_that_does_not_return_fails() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_single(&mut scenario, &clock);
        ts::next_tx(&mut scenario, alice());
        let asset_id = give_asset(&mut scenario, id);

        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, auth) = common::take_cap(&scenario, alice());
        let proposal = borrow_proposal::propose_borrow(
            &mut identity, &auth, option::none(), vector[asset_id], ts::ctx(&mut scenario)
        );
        let action = borrow_proposal::execute_borrow(&mut identity, &auth, proposal, ts::ctx(&mut scenario));
        let asset = borrow_proposal::borrow_object(
            &mut identity, &mut action, ts::receiving_ticket_by_id<Asset>(asset_id)
        );
        borrow_proposal::conclude_borrow(action);

        transfer::public_transfer(asset, alice());
        ts::return_to_address(alice(), a);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 704)] // borrow_proposal::EObjectNotInProposal
    /// Borrowing an object outside the proposal fails.
    fun borrowing_an_object_outside_the_proposal_fails() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_single(&mut scenario, &clock);
        ts::next_tx(&mut scenario, alice());
        let listed = give_asset(&mut scenario, id);
        let unlisted = give_asset(&mut scenario, id);

        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, auth) = common::take_cap(&scenario, alice());
        let proposal = borrow_proposal::propose_borrow(
            &mut identity, &auth, option::none(), vector[listed], ts::ctx(&mut scenario)
        );
        let action = borrow_proposal::execute_borrow(&mut identity, &auth, proposal, ts::ctx(&mut scenario));
        let asset = borrow_proposal::borrow_object(
            &mut identity, &mut action, ts::receiving_ticket_by_id<Asset>(unlisted)
        );
        borrow_proposal::return_object(&mut action, asset);
        borrow_proposal::conclude_borrow(action);

        ts::return_to_address(alice(), a);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }
}
