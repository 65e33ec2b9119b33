#[test_only]
module sui::test_scenario_tests {
    use std::option;
    use std::vector;
    use sui::object;
    use sui::test_objects::{Self, Stash, Thing};
    use sui::test_scenario as ts;
    use sui::transfer;
    use sui::tx_context;
    use sui::vec_map;

    #[test]
    fun object_sent_to_sender_can_be_taken_next_transaction() {
        let scenario = ts::begin(@0xA);
        let thing = test_objects::new(1, ts::ctx(&mut scenario));
        let id = object::id(&thing);
        transfer::public_transfer(thing, @0xA);
        // Inventories only change when a transaction ends.
        assert!(!ts::has_most_recent_for_sender<Thing>(&scenario), 0);
        ts::next_tx(&mut scenario, @0xA);
        assert!(ts::most_recent_id_for_sender<Thing>(&scenario) == option::some(id), 1);
        let thing = ts::take_from_sender<Thing>(&scenario);
        assert!(object::id(&thing) == id && test_objects::value(&thing) == 1, 2);
        assert!(ts::was_taken_from_sender(&scenario, id), 3);
        test_objects::set_value(&mut thing, 2);
        ts::return_to_sender(&scenario, thing);
        let effects = ts::next_tx(&mut scenario, @0xA);
        assert!(vector::contains(&ts::written(&effects), &id), 4);
        assert!(!vector::contains(&ts::created(&effects), &id), 5);
        let thing = ts::take_from_sender_by_id<Thing>(&scenario, id);
        assert!(test_objects::value(&thing) == 2, 6);
        ts::return_to_sender(&scenario, thing);
        ts::end(scenario);
    }

    #[test]
    fun object_sent_to_another_address_lands_in_its_inventory() {
        let scenario = ts::begin(@0xA);
        let thing = test_objects::new(1, ts::ctx(&mut scenario));
        let id = object::id(&thing);
        transfer::public_transfer(thing, @0xB);
        ts::next_tx(&mut scenario, @0xA);
        assert!(!ts::has_most_recent_for_sender<Thing>(&scenario), 0);
        assert!(ts::has_most_recent_for_address<Thing>(@0xB), 1);
        assert!(ts::ids_for_address<Thing>(@0xB) == vector[id], 2);
        let thing = ts::take_from_address<Thing>(&scenario, @0xB);
        assert!(ts::was_taken_from_address(@0xB, id), 3);
        ts::return_to_address(@0xB, thing);
        ts::next_tx(&mut scenario, @0xB);
        assert!(ts::ids_for_sender<Thing>(&scenario) == vector[id], 4);
        let thing = ts::take_from_address_by_id<Thing>(&scenario, @0xB, id);
        ts::return_to_sender(&scenario, thing);
        ts::end(scenario);
    }

    #[test]
    fun effects_report_what_the_transaction_did() {
        let scenario = ts::begin(@0xA);
        let sent = test_objects::new(1, ts::ctx(&mut scenario));
        let shared = test_objects::new(2, ts::ctx(&mut scenario));
        let frozen = test_objects::new(3, ts::ctx(&mut scenario));
        let (sent_id, shared_id, frozen_id) = (object::id(&sent), object::id(&shared), object::id(&frozen));
        transfer::public_transfer(sent, @0xB);
        transfer::public_share_object(shared);
        transfer::public_freeze_object(frozen);
        test_objects::ping(1);
        test_objects::ping(2);
        let effects = ts::next_tx(&mut scenario, @0xB);
        let created = ts::created(&effects);
        assert!(vector::length(&created) == 3, 0);
        assert!(vector::contains(&created, &sent_id), 1);
        assert!(vector::contains(&created, &shared_id), 2);
        assert!(vector::contains(&created, &frozen_id), 3);
        let to_account = ts::transferred_to_account(&effects);
        assert!(vec_map::size(&to_account) == 1, 4);
        assert!(*vec_map::get(&to_account, &sent_id) == @0xB, 5);
        assert!(vec_map::is_empty(&ts::transferred_to_object(&effects)), 6);
        assert!(ts::shared(&effects) == vector[shared_id], 7);
        assert!(ts::frozen(&effects) == vector[frozen_id], 8);
        assert!(ts::num_user_events(&effects) == 2, 9);
        assert!(vector::is_empty(&ts::deleted(&effects)), 10);

        test_objects::destroy(ts::take_from_sender<Thing>(&scenario));
        let effects = ts::next_tx(&mut scenario, @0xB);
        assert!(ts::deleted(&effects) == vector[sent_id], 11);
        assert!(ts::num_user_events(&effects) == 0, 12);
        ts::end(scenario);
    }

    #[test]
    fun shared_object_can_be_taken_changed_and_returned() {
        let scenario = ts::begin(@0xA);
        transfer::public_share_object(test_objects::new(1, ts::ctx(&mut scenario)));
        ts::next_tx(&mut scenario, @0xB);
        assert!(ts::has_most_recent_shared<Thing>(), 0);
        let thing = ts::take_shared<Thing>(&scenario);
        let id = object::id(&thing);
        assert!(ts::was_taken_shared(id), 1);
        test_objects::set_value(&mut thing, 5);
        ts::return_shared(thing);
        ts::next_tx(&mut scenario, @0xC);
        let thing = ts::take_shared_by_id<Thing>(&scenario, id);
        assert!(test_objects::value(&thing) == 5, 2);
        ts::return_shared(thing);
        ts::end(scenario);
    }

    #[test]
    fun shared_object_can_be_deleted() {
        let scenario = ts::begin(@0xA);
        transfer::public_share_object(test_objects::new(1, ts::ctx(&mut scenario)));
        ts::next_tx(&mut scenario, @0xA);
        let thing = ts::take_shared<Thing>(&scenario);
        let id = object::id(&thing);
        test_objects::destroy(thing);
        let effects = ts::next_tx(&mut scenario, @0xA);
        assert!(ts::deleted(&effects) == vector[id], 0);
        assert!(!ts::has_most_recent_shared<Thing>(), 1);
        ts::end(scenario);
    }

    #[test]
    fun immutable_object_can_be_taken_and_returned() {
        let scenario = ts::begin(@0xA);
        transfer::public_freeze_object(test_objects::new(9, ts::ctx(&mut scenario)));
        ts::next_tx(&mut scenario, @0xB);
        assert!(ts::has_most_recent_immutable<Thing>(), 0);
        let thing = ts::take_immutable<Thing>(&scenario);
        let id = object::id(&thing);
        assert!(test_objects::value(&thing) == 9, 1);
        assert!(ts::was_taken_immutable(id), 2);
        ts::return_immutable(thing);
        ts::next_tx(&mut scenario, @0xC);
        let thing = ts::take_immutable_by_id<Thing>(&scenario, id);
        ts::return_immutable(thing);
        ts::end(scenario);
    }

    #[test]
    fun each_transaction_derives_new_object_ids() {
        let scenario = ts::begin(@0xA);
        let first = ts::new_object(&mut scenario);
        assert!(object::uid_to_inner(&first) == object::last_created(ts::ctx(&mut scenario)), 0);
        ts::next_tx(&mut scenario, @0xA);
        let second = ts::new_object(&mut scenario);
        assert!(object::uid_to_inner(&first) != object::uid_to_inner(&second), 1);
        assert!(tx_context::get_ids_created(ts::ctx(&mut scenario)) == 1, 2);
        object::delete(first);
        object::delete(second);
        ts::end(scenario);
    }

    #[test]
    fun next_epoch_and_later_epoch_advance_the_context() {
        let scenario = ts::begin(@0xA);
        assert!(tx_context::epoch(ts::ctx(&mut scenario)) == 0, 0);
        ts::next_epoch(&mut scenario, @0xB);
        assert!(tx_context::epoch(ts::ctx(&mut scenario)) == 1, 1);
        assert!(ts::sender(&scenario) == @0xB, 2);
        ts::later_epoch(&mut scenario, 1000, @0xC);
        assert!(tx_context::epoch(ts::ctx(&mut scenario)) == 2, 3);
        assert!(tx_context::epoch_timestamp_ms(ts::ctx(&mut scenario)) == 1000, 4);
        ts::next_tx(&mut scenario, @0xC);
        assert!(tx_context::epoch(ts::ctx(&mut scenario)) == 2, 5);
        assert!(ts::num_concluded_txes(&scenario) == 3, 6);
        ts::end(scenario);
    }

    #[test]
    fun object_sent_to_an_object_can_be_received() {
        let scenario = ts::begin(@0xA);
        let parent = test_objects::new(1, ts::ctx(&mut scenario));
        let parent_id = object::id(&parent);
        let child = test_objects::new(2, ts::ctx(&mut scenario));
        let child_id = object::id(&child);
        transfer::public_transfer(child, object::id_to_address(&parent_id));
        transfer::public_transfer(parent, @0xA);
        let effects = ts::next_tx(&mut scenario, @0xA);
        let to_object = ts::transferred_to_object(&effects);
        assert!(*vec_map::get(&to_object, &child_id) == parent_id, 0);

        let parent = ts::take_from_sender<Thing>(&scenario);
        let ticket = ts::most_recent_receiving_ticket<Thing>(&parent_id);
        assert!(transfer::receiving_object_id(&ticket) == child_id, 1);
        let child = transfer::public_receive(test_objects::uid_mut(&mut parent), ticket);
        assert!(test_objects::value(&child) == 2, 2);
        transfer::public_transfer(child, @0xA);
        ts::return_to_sender(&scenario, parent);
        ts::next_tx(&mut scenario, @0xA);
        assert!(vector::length(&ts::ids_for_sender<Thing>(&scenario)) == 2, 3);
        ts::end(scenario);
    }

    #[test]
    #[expected_failure(abort_code = ts::EEmptyInventory)]
    fun taking_from_empty_inventory_fails() {
        let scenario = ts::begin(@0xA);
        let thing = ts::take_from_sender<Thing>(&scenario);
        test_objects::destroy(thing);
        abort 42
    }

    #[test]
    #[expected_failure(abort_code = ts::EObjectNotFound)]
    fun taking_object_as_wrong_type_fails() {
        let scenario = ts::begin(@0xA);
        let thing = test_objects::new(1, ts::ctx(&mut scenario));
        let id = object::id(&thing);
        transfer::public_transfer(thing, @0xA);
        ts::next_tx(&mut scenario, @0xA);
        let stash = ts::take_from_sender_by_id<Stash<u64>>(&scenario, id);
        ts::return_to_sender(&scenario, stash);
        abort 42
    }

    #[test]
    #[expected_failure(abort_code = ts::ECantReturnObject)]
    fun returning_object_never_taken_fails() {
        let scenario = ts::begin(@0xA);
        let thing = test_objects::new(1, ts::ctx(&mut scenario));
        ts::return_to_sender(&scenario, thing);
        abort 42
    }

    #[test]
    #[expected_failure(abort_code = ts::EInvalidSharedOrImmutableUsage)]
    fun keeping_a_shared_object_fails_at_end_of_transaction() {
        let scenario = ts::begin(@0xA);
        transfer::public_share_object(test_objects::new(1, ts::ctx(&mut scenario)));
        ts::next_tx(&mut scenario, @0xA);
        let thing = ts::take_shared<Thing>(&scenario);
        transfer::public_transfer(thing, @0xA);
        ts::next_tx(&mut scenario, @0xA);
        abort 42
    }

    #[test]
    fun a_returned_receiving_ticket_frees_the_object_to_be_ticketed_again() {
        let scenario = ts::begin(@0xA);
        let parent = test_objects::new(1, ts::ctx(&mut scenario));
        let parent_id = object::id(&parent);
        let child = test_objects::new(2, ts::ctx(&mut scenario));
        let child_id = object::id(&child);
        transfer::public_transfer(child, object::id_to_address(&parent_id));
        transfer::public_transfer(parent, @0xA);
        ts::next_tx(&mut scenario, @0xA);
        assert!(ts::child_object_ids_for_parent_object_id<Thing>(parent_id) == vector[child_id], 0);
        let ticket = ts::receiving_ticket_for_child_object_by_id<Thing>(child_id);
        // While the ticket is out the object cannot be taken.
        assert!(!ts::has_most_recent_for_address<Thing>(object::id_to_address(&parent_id)), 1);
        ts::return_receiving_ticket(ticket);
        assert!(ts::has_most_recent_for_address<Thing>(object::id_to_address(&parent_id)), 2);
        let again = ts::receiving_ticket_for_most_recent_child_object<Thing>(&parent_id);
        let parent = ts::take_from_sender<Thing>(&scenario);
        let child = transfer::public_receive(test_objects::uid_mut(&mut parent), again);
        assert!(test_objects::value(&child) == 2, 3);
        test_objects::destroy(child);
        ts::return_to_sender(&scenario, parent);
        ts::end(scenario);
    }

    #[test]
    #[expected_failure(abort_code = ts::EReceivingTicketAlreadyAllocated)]
    fun a_second_ticket_for_the_same_object_fails() {
        let scenario = ts::begin(@0xA);
        let parent = test_objects::new(1, ts::ctx(&mut scenario));
        let parent_id = object::id(&parent);
        let child = test_objects::new(2, ts::ctx(&mut scenario));
        let child_id = object::id(&child);
        transfer::public_transfer(child, object::id_to_address(&parent_id));
        transfer::public_transfer(parent, @0xA);
        ts::next_tx(&mut scenario, @0xA);
        let first = ts::receiving_ticket_for_child_object_by_id<Thing>(child_id);
        let second = ts::receiving_ticket_for_child_object_by_id<Thing>(child_id);
        ts::return_receiving_ticket(first);
        ts::return_receiving_ticket(second);
        abort 42
    }

    #[test]
    #[expected_failure(abort_code = ts::EUnableToDeallocateReceivingTicket)]
    fun returning_a_ticket_whose_object_was_received_fails() {
        let scenario = ts::begin(@0xA);
        let parent = test_objects::new(1, ts::ctx(&mut scenario));
        let parent_id = object::id(&parent);
        let child = test_objects::new(2, ts::ctx(&mut scenario));
        let child_id = object::id(&child);
        transfer::public_transfer(child, object::id_to_address(&parent_id));
        transfer::public_transfer(parent, @0xA);
        ts::next_tx(&mut scenario, @0xA);
        let parent = ts::take_from_sender<Thing>(&scenario);
        let ticket = ts::receiving_ticket_for_child_object_by_id<Thing>(child_id);
        let child = transfer::public_receive(test_objects::uid_mut(&mut parent), ticket);
        test_objects::destroy(child);
        ts::return_receiving_ticket(transfer::make_receiver<Thing>(child_id, 0));
        abort 42
    }

    #[test]
    #[expected_failure(abort_code = ts::EUnableToAllocateReceivingTicket)]
    fun a_ticket_for_an_object_owned_by_an_account_fails() {
        let scenario = ts::begin(@0xA);
        let thing = test_objects::new(1, ts::ctx(&mut scenario));
        let id = object::id(&thing);
        transfer::public_transfer(thing, @0xA);
        ts::next_tx(&mut scenario, @0xA);
        ts::return_receiving_ticket(ts::receiving_ticket_for_child_object_by_id<Thing>(id));
        abort 42
    }

    #[test]
    fun shared_and_immutable_objects_can_be_taken_by_id_with_the_scenario() {
        let scenario = ts::begin(@0xA);
        let shared = test_objects::new(1, ts::ctx(&mut scenario));
        let shared_id = object::id(&shared);
        transfer::public_share_object(shared);
        let frozen = test_objects::new(2, ts::ctx(&mut scenario));
        let frozen_id = object::id(&frozen);
        transfer::public_freeze_object(frozen);
        ts::next_tx(&mut scenario, @0xB);
        let s = ts::take_shared_by_id<Thing>(&scenario, shared_id);
        let f = ts::take_immutable_by_id<Thing>(&scenario, frozen_id);
        assert!(test_objects::value(&s) + test_objects::value(&f) == 3, 0);
        ts::return_shared(s);
        ts::return_immutable(f);
        ts::end(scenario);
    }
}
