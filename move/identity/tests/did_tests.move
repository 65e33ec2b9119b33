#[test_only]
/// Updating, deactivating and deleting the DID document; deleting the identity.
module identity::did_tests {
    use std::option;
    use std::vector;
    use sui::clock;
    use sui::test_scenario::{Self as ts};
    use identity::delete_proposal::{Self, DeleteIdentity};
    use identity::did_proposal::{Self, UpdateDid};
    use identity::identity;
    use identity::test_common::{Self as common, alice, bob};
    use identity::upgrade_proposal;

    #[test]
    /// Updating the document works.
    fun updating_the_document_works() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_single(&mut scenario, &clock);
        ts::next_tx(&mut scenario, alice());
        clock::increment_for_testing(&mut clock, 500);
        let identity = common::take_identity(&scenario, id);
        let (a, auth) = common::take_cap(&scenario, alice());

        let pending = did_proposal::propose_update(
            &mut identity, &auth, option::none(), common::doc2(), &clock, ts::ctx(&mut scenario)
        );
        assert!(option::is_none(&pending), 0);
        assert!(identity::did_document(&identity) == &option::some(common::doc2()), 1);
        assert!(identity::updated(&identity) == 500 && identity::created(&identity) == 0, 2);

        ts::return_to_address(alice(), a);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    /// `doc_version` and `updated` move with the document only: an open
    /// proposal, a vote, an update to the same bytes and deleting the
    /// identity leave them; every real change counts one.
    fun the_document_version_moves_only_when_the_document_changes() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_abc(&mut scenario, &clock, 2);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        let (b, bob_auth) = common::take_cap(&scenario, bob());
        let first = identity::first_doc_version();
        assert!(identity::doc_version(&identity) == first, 0);

        clock::increment_for_testing(&mut clock, 100);
        let same = option::destroy_some(did_proposal::propose_update(
            &mut identity, &alice_auth, option::none(), common::doc(), &clock, ts::ctx(&mut scenario)
        ));
        identity::approve_proposal<UpdateDid>(&mut identity, &bob_auth, same, ts::ctx(&mut scenario));
        did_proposal::execute_update(&mut identity, &bob_auth, same, &clock, ts::ctx(&mut scenario));
        assert!(identity::doc_version(&identity) == first && identity::updated(&identity) == 0, 1);

        clock::increment_for_testing(&mut clock, 100);
        let update = option::destroy_some(did_proposal::propose_update(
            &mut identity, &alice_auth, option::none(), common::doc2(), &clock, ts::ctx(&mut scenario)
        ));
        identity::approve_proposal<UpdateDid>(&mut identity, &bob_auth, update, ts::ctx(&mut scenario));
        did_proposal::execute_update(&mut identity, &bob_auth, update, &clock, ts::ctx(&mut scenario));
        assert!(identity::doc_version(&identity) == first + 1 && identity::updated(&identity) == 200, 2);

        clock::increment_for_testing(&mut clock, 100);
        let deactivation = option::destroy_some(did_proposal::propose_deactivation(
            &mut identity, &alice_auth, option::none(), &clock, ts::ctx(&mut scenario)
        ));
        identity::approve_proposal<UpdateDid>(&mut identity, &bob_auth, deactivation, ts::ctx(&mut scenario));
        did_proposal::execute_update(&mut identity, &bob_auth, deactivation, &clock, ts::ctx(&mut scenario));
        assert!(identity::doc_version(&identity) == first + 2 && identity::updated(&identity) == 300, 3);

        clock::increment_for_testing(&mut clock, 100);
        let deletion = option::destroy_some(did_proposal::propose_did_deletion(
            &mut identity, &alice_auth, option::none(), &clock, ts::ctx(&mut scenario)
        ));
        identity::approve_proposal<UpdateDid>(&mut identity, &bob_auth, deletion, ts::ctx(&mut scenario));
        did_proposal::execute_update(&mut identity, &bob_auth, deletion, &clock, ts::ctx(&mut scenario));
        assert!(identity::doc_version(&identity) == first + 3 && identity::updated(&identity) == 400, 4);

        clock::increment_for_testing(&mut clock, 100);
        let delete = option::destroy_some(delete_proposal::propose_identity_deletion(
            &mut identity, &alice_auth, option::none(), &clock, ts::ctx(&mut scenario)
        ));
        identity::approve_proposal<DeleteIdentity>(&mut identity, &bob_auth, delete, ts::ctx(&mut scenario));
        delete_proposal::execute_identity_deletion(&mut identity, &bob_auth, delete, &clock, ts::ctx(&mut scenario));
        assert!(identity::deleted(&identity), 5);
        assert!(identity::doc_version(&identity) == first + 3 && identity::updated(&identity) == 400, 6);

        ts::return_to_address(alice(), a);
        ts::return_to_address(bob(), b);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 400)] // document::ENotADidDocument
    /// Proposing a non did document fails.
    fun proposing_a_non_did_document_fails() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_single(&mut scenario, &clock);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, auth) = common::take_cap(&scenario, alice());
        did_proposal::propose_update(&mut identity, &auth, option::none(), b"{}", &clock, ts::ctx(&mut scenario));

        ts::return_to_address(alice(), a);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 403)] // document::EDocumentTooLarge
    /// Proposing an oversized document fails.
    fun proposing_an_oversized_document_fails() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_single(&mut scenario, &clock);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, auth) = common::take_cap(&scenario, alice());
        let doc = common::doc();
        while (vector::length(&doc) <= 32768) {
            vector::push_back(&mut doc, 0x20);
        };
        did_proposal::propose_update(&mut identity, &auth, option::none(), doc, &clock, ts::ctx(&mut scenario));

        ts::return_to_address(alice(), a);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    /// Deactivating and reactivating the document works.
    fun deactivating_and_reactivating_the_document_works() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_single(&mut scenario, &clock);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, auth) = common::take_cap(&scenario, alice());

        did_proposal::propose_deactivation(&mut identity, &auth, option::none(), &clock, ts::ctx(&mut scenario));
        assert!(identity::is_deactivated(&identity), 0);
        assert!(identity::did_document(&identity) == &option::some(vector[]), 1);
        assert!(!identity::deleted_did(&identity), 2);

        did_proposal::propose_update(&mut identity, &auth, option::none(), common::doc2(), &clock, ts::ctx(&mut scenario));
        assert!(!identity::is_deactivated(&identity), 3);

        ts::return_to_address(alice(), a);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 1100)] // did_proposal::EDidDeleted
    /// Updates fail after the document is deleted.
    fun updates_fail_after_the_document_is_deleted() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_single(&mut scenario, &clock);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, auth) = common::take_cap(&scenario, alice());

        did_proposal::propose_did_deletion(&mut identity, &auth, option::none(), &clock, ts::ctx(&mut scenario));
        assert!(identity::deleted_did(&identity), 0);
        assert!(option::is_none(identity::did_document(&identity)), 1);
        did_proposal::propose_update(&mut identity, &auth, option::none(), common::doc2(), &clock, ts::ctx(&mut scenario));

        ts::return_to_address(alice(), a);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 1100)] // did_proposal::EDidDeleted
    /// A pending update cannot execute after the document is deleted.
    fun a_pending_update_cannot_execute_after_the_document_is_deleted() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_abc(&mut scenario, &clock, 2);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        let (b, bob_auth) = common::take_cap(&scenario, bob());
        let update = option::destroy_some(did_proposal::propose_update(
            &mut identity, &alice_auth, option::none(), common::doc2(), &clock, ts::ctx(&mut scenario)
        ));
        identity::approve_proposal<UpdateDid>(&mut identity, &bob_auth, update, ts::ctx(&mut scenario));
        let deletion = option::destroy_some(did_proposal::propose_did_deletion(
            &mut identity, &alice_auth, option::none(), &clock, ts::ctx(&mut scenario)
        ));
        identity::approve_proposal<UpdateDid>(&mut identity, &bob_auth, deletion, ts::ctx(&mut scenario));
        did_proposal::execute_update(&mut identity, &bob_auth, deletion, &clock, ts::ctx(&mut scenario));
        did_proposal::execute_update(&mut identity, &bob_auth, update, &clock, ts::ctx(&mut scenario));

        ts::return_to_address(alice(), a);
        ts::return_to_address(bob(), b);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    /// Deleting the identity works.
    fun deleting_the_identity_works() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_single(&mut scenario, &clock);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, auth) = common::take_cap(&scenario, alice());

        did_proposal::propose_did_deletion(&mut identity, &auth, option::none(), &clock, ts::ctx(&mut scenario));
        let pending = delete_proposal::propose_identity_deletion(
            &mut identity, &auth, option::none(), &clock, ts::ctx(&mut scenario)
        );
        assert!(option::is_none(&pending), 0);
        assert!(identity::deleted(&identity), 1);
        assert!(vector::is_empty(&identity::controllers(&identity)), 2);

        // With no controllers left, the former controller's cap can be destroyed.
        identity::destroy_controller_cap(&identity, a);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    /// Leftover proposals of a deleted identity can be purged.
    fun leftover_proposals_of_a_deleted_identity_can_be_purged() {
        let (scenario, clock) = common::begin(alice());
        let id = identity::new_with_controllers(
            option::some(common::doc()), vector[alice(), bob()], vector[2, 1], vector[false, false], 2, &clock,
            ts::ctx(&mut scenario),
        );
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        let (b, bob_auth) = common::take_cap(&scenario, bob());
        let leftover = option::destroy_some(did_proposal::propose_deactivation(
            &mut identity, &bob_auth, option::none(), &clock, ts::ctx(&mut scenario)
        ));
        did_proposal::propose_did_deletion(&mut identity, &alice_auth, option::none(), &clock, ts::ctx(&mut scenario));
        delete_proposal::propose_identity_deletion(&mut identity, &alice_auth, option::none(), &clock, ts::ctx(&mut scenario));
        assert!(identity::active_proposals(&identity) == vector[leftover], 0);

        identity::purge_proposal<UpdateDid>(&mut identity, leftover);
        assert!(vector::is_empty(&identity::active_proposals(&identity)), 1);

        identity::destroy_controller_cap(&identity, a);
        identity::destroy_controller_cap(&identity, b);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 1000)] // delete_proposal::EDidNotDeleted
    /// Deleting an identity with a document fails.
    fun deleting_an_identity_with_a_document_fails() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_single(&mut scenario, &clock);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, auth) = common::take_cap(&scenario, alice());
        delete_proposal::propose_identity_deletion(&mut identity, &auth, option::none(), &clock, ts::ctx(&mut scenario));

        ts::return_to_address(alice(), a);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 200)] // identity::EIdentityDeleted
    /// A deleted identity refuses proposals.
    fun a_deleted_identity_refuses_proposals() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_single(&mut scenario, &clock);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, auth) = common::take_cap(&scenario, alice());
        did_proposal::propose_did_deletion(&mut identity, &auth, option::none(), &clock, ts::ctx(&mut scenario));
        delete_proposal::propose_identity_deletion(&mut identity, &auth, option::none(), &clock, ts::ctx(&mut scenario));
        delete_proposal::propose_identity_deletion(&mut identity, &auth, option::none(), &clock, ts::ctx(&mut scenario));

        ts::return_to_address(alice(), a);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    /// Upgrading an older identity works.
    fun upgrading_an_older_identity_works() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_single(&mut scenario, &clock);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, auth) = common::take_cap(&scenario, alice());
        identity::set_version_for_testing(&mut identity, 0);

        let pending = upgrade_proposal::propose_upgrade(&mut identity, &auth, option::none(), ts::ctx(&mut scenario));
        assert!(option::is_none(&pending), 0);
        assert!(identity::version(&identity) == identity::package_version(), 1);

        ts::return_to_address(alice(), a);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    #[expected_failure(abort_code = 900)] // upgrade_proposal::ENoUpgradeAvailable
    /// Upgrading a current identity fails.
    fun upgrading_a_current_identity_fails() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_single(&mut scenario, &clock);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, auth) = common::take_cap(&scenario, alice());
        upgrade_proposal::propose_upgrade(&mut identity, &auth, option::none(), ts::ctx(&mut scenario));

        ts::return_to_address(alice(), a);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }

    #[test]
    /// A deletion proposal waits for the threshold.
    fun a_deletion_proposal_waits_for_the_threshold() {
        let (scenario, clock) = common::begin(alice());
        let id = common::create_abc(&mut scenario, &clock, 2);
        ts::next_tx(&mut scenario, alice());
        let identity = common::take_identity(&scenario, id);
        let (a, alice_auth) = common::take_cap(&scenario, alice());
        let (b, bob_auth) = common::take_cap(&scenario, bob());
        let did_deletion = option::destroy_some(did_proposal::propose_did_deletion(
            &mut identity, &alice_auth, option::none(), &clock, ts::ctx(&mut scenario)
        ));
        identity::approve_proposal<UpdateDid>(&mut identity, &bob_auth, did_deletion, ts::ctx(&mut scenario));
        did_proposal::execute_update(&mut identity, &bob_auth, did_deletion, &clock, ts::ctx(&mut scenario));

        let deletion = option::destroy_some(delete_proposal::propose_identity_deletion(
            &mut identity, &alice_auth, option::none(), &clock, ts::ctx(&mut scenario)
        ));
        assert!(!identity::deleted(&identity), 0);
        identity::approve_proposal<DeleteIdentity>(&mut identity, &bob_auth, deletion, ts::ctx(&mut scenario));
        delete_proposal::execute_identity_deletion(&mut identity, &alice_auth, deletion, &clock, ts::ctx(&mut scenario));
        assert!(identity::deleted(&identity), 1);

        identity::destroy_controller_cap(&identity, a);
        identity::destroy_controller_cap(&identity, b);
        ts::return_shared(identity);
        common::end(scenario, clock);
    }
}
