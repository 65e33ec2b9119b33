//! Identity flows: creation, proposals of every kind, delegation, assets,
//! sub-identities, queries, and the named errors.

use std::sync::Arc;

use movid_runtime::types::{random_address, Owner};
use movid_sdk::client::coin_balance;
use movid_sdk::did::pack;
use movid_sdk::identity::{
    calls, identity_type, permissions, ConfigChange, ProposalAction, ProposalKind,
};
use movid_sdk::{Client, IdentityError, SdkError};

use crate::common::{doc_with_key, identity_error, World, MIST_PER_SUI};

pub async fn identity_with_one_controller_executes_at_once(client: Arc<dyn Client>) {
    let w = World::new(client);
    let identity = w.ids.create_identity().execute(w.alice()).await.unwrap();
    assert_eq!(identity.threshold, 1);
    assert_eq!(identity.controllers.len(), 1);
    let caps = w.ids.controller_caps(w.alice().address()).await.unwrap();
    assert_eq!(caps.len(), 1);
    assert_eq!(caps[0].controller_of, identity.id);
    // Delegation only when asked for.
    assert!(!caps[0].can_delegate);
    assert_eq!(identity.controllers[0].cap_id, caps[0].id);
    // The default document has no methods.
    assert!(identity
        .document()
        .unwrap()
        .unwrap()
        .verification_method
        .is_empty());

    let alice = w.controller(&identity, 0).await;
    let doc = w.doc(&identity, 0);
    let outcome = alice.propose_document(&doc).await.unwrap();
    assert!(outcome.executed);
    let identity = w.ids.get_identity(identity.id).await.unwrap();
    assert_eq!(identity.document().unwrap(), Some(doc));
    assert!(identity.proposals.is_empty());
}

pub async fn identity_with_three_controllers_is_read_back(client: Arc<dyn Client>) {
    let w = World::new(client.clone());
    let clock = client.clock_ms().await.unwrap();
    let identity = w.identity(&[0, 1, 2], 2).await;
    let read = w.ids.get_identity(identity.id).await.unwrap();
    assert_eq!(read, identity);
    assert_eq!(read.threshold, 2);
    assert_eq!(read.total_voting_power(), 3);
    assert!(read.controllers.iter().all(|c| c.voting_power == 1));
    assert_eq!(read.created_ms, clock);
    assert_eq!(read.updated_ms, clock);
    assert_eq!(read.package_version, 1);
    assert!(!read.deleted && !read.deleted_did && !read.is_deactivated());
    assert!(read.proposals.is_empty() && read.revoked_tokens.is_empty());
    assert_eq!(read.did.to_string(), format!("did:movid:local:{}", read.id));
    assert_eq!(w.object(read.id).await.type_(), Some(&identity_type()));
    for i in 0..3 {
        let c = w.controller(&read, i).await;
        assert!(read.is_controller(c.controller_cap()));
    }
}

pub async fn approving_proposal_works(client: Arc<dyn Client>) {
    let w = World::new(client);
    let identity = w.identity(&[0, 1, 2], 2).await;
    let (alice, bob, carol) = (
        w.controller(&identity, 0).await,
        w.controller(&identity, 1).await,
        w.controller(&identity, 2).await,
    );
    let doc = w.doc(&identity, 1);
    let outcome = alice.propose_document(&doc).await.unwrap();
    assert!(!outcome.executed);
    let pending = w.ids.get_identity(identity.id).await.unwrap();
    let proposal = pending.proposal(outcome.proposal_id).unwrap();
    assert_eq!(proposal.kind(), Some(ProposalKind::UpdateDid));
    assert_eq!(proposal.voters, vec![alice.controller_cap()]);
    assert_eq!(pending.current_votes(proposal), 1);
    assert_eq!(
        proposal.action,
        ProposalAction::UpdateDid {
            doc: Some(pack(&doc, movid_sdk::did::Encoding::DeflateJson))
        }
    );

    bob.approve(outcome.proposal_id).await.unwrap();
    let approved = w.ids.get_identity(identity.id).await.unwrap();
    let proposal = approved.proposal(outcome.proposal_id).unwrap();
    assert_eq!(approved.current_votes(proposal), 2);
    assert_eq!(proposal.votes, 2);

    // Any controller may execute an approved proposal.
    carol.execute(outcome.proposal_id).await.unwrap();
    let done = w.ids.get_identity(identity.id).await.unwrap();
    assert_eq!(done.document().unwrap(), Some(doc));
    assert!(done.proposals.is_empty() && done.proposal_ids.is_empty());
}

pub async fn executing_below_threshold_names_votes_and_threshold(client: Arc<dyn Client>) {
    let w = World::new(client);
    let identity = w.identity(&[0, 1, 2], 2).await;
    let alice = w.controller(&identity, 0).await;
    let outcome = alice.propose_deactivation().await.unwrap();
    assert!(!outcome.executed);
    let err = identity_error(alice.execute(outcome.proposal_id).await);
    assert_eq!(
        err,
        IdentityError::ThresholdNotReached {
            votes: 1,
            threshold: 2
        }
    );
    assert!(err.to_string().contains("1 of the 2 votes"));
}

pub async fn approving_twice_is_refused(client: Arc<dyn Client>) {
    let w = World::new(client);
    let identity = w.identity(&[0, 1], 2).await;
    let alice = w.controller(&identity, 0).await;
    let outcome = alice.propose_deactivation().await.unwrap();
    assert_eq!(
        identity_error(alice.approve(outcome.proposal_id).await),
        IdentityError::AlreadyVoted
    );
}

pub async fn removing_approval_allows_deletion(client: Arc<dyn Client>) {
    let w = World::new(client);
    let identity = w.identity(&[0, 1], 2).await;
    let (alice, bob) = (
        w.controller(&identity, 0).await,
        w.controller(&identity, 1).await,
    );
    let outcome = alice.propose_deactivation().await.unwrap();
    assert_eq!(
        identity_error(bob.remove_approval(outcome.proposal_id).await),
        IdentityError::NotVoted
    );
    alice.remove_approval(outcome.proposal_id).await.unwrap();
    let read = w.ids.get_identity(identity.id).await.unwrap();
    let proposal = read.proposal(outcome.proposal_id).unwrap();
    assert!(proposal.voters.is_empty());
    assert_eq!(proposal.votes, 0);

    bob.delete_proposal(outcome.proposal_id).await.unwrap();
    let read = w.ids.get_identity(identity.id).await.unwrap();
    assert!(read.proposals.is_empty());
    assert_eq!(
        w.client.get_object(outcome.proposal_id).await.unwrap(),
        None
    );
}

pub async fn proposal_with_votes_cannot_be_deleted(client: Arc<dyn Client>) {
    let w = World::new(client);
    let identity = w.identity(&[0, 1], 2).await;
    let alice = w.controller(&identity, 0).await;
    let outcome = alice.propose_deactivation().await.unwrap();
    let bob = w.controller(&identity, 1).await;
    assert_eq!(
        identity_error(bob.delete_proposal(outcome.proposal_id).await),
        IdentityError::CannotDeleteProposal
    );
}

pub async fn expired_proposals_cannot_be_approved_but_can_be_deleted(client: Arc<dyn Client>) {
    let w = World::new(client.clone());
    let identity = w.identity(&[0, 1], 2).await;
    let epoch = client.epoch().await.unwrap();
    let alice = w
        .controller(&identity, 0)
        .await
        .with_expiration(Some(epoch));
    let outcome = alice.propose_deactivation().await.unwrap();
    let read = w.ids.get_identity(identity.id).await.unwrap();
    assert_eq!(
        read.proposal(outcome.proposal_id).unwrap().expiration_epoch,
        Some(epoch)
    );
    client.advance_epoch().await.unwrap();
    let bob = w.controller(&identity, 1).await;
    assert_eq!(
        identity_error(bob.approve(outcome.proposal_id).await),
        IdentityError::ProposalExpired
    );
    bob.delete_proposal(outcome.proposal_id).await.unwrap();
    assert!(w
        .ids
        .get_identity(identity.id)
        .await
        .unwrap()
        .proposals
        .is_empty());

    // An expiration already past is refused at proposal time.
    let stale = w
        .controller(&identity, 0)
        .await
        .with_expiration(Some(epoch));
    assert_eq!(
        identity_error(stale.propose_deactivation().await),
        IdentityError::InvalidExpiration
    );
}

pub async fn unknown_proposal_is_not_found(client: Arc<dyn Client>) {
    let w = World::new(client);
    let identity = w.identity(&[0], 1).await;
    let alice = w.controller(&identity, 0).await;
    assert_eq!(
        identity_error(alice.approve(random_address()).await),
        IdentityError::ProposalNotFound
    );
}

pub async fn config_change_adds_a_controller_and_raises_threshold(client: Arc<dyn Client>) {
    let w = World::new(client);
    let identity = w.identity(&[0, 1, 2], 2).await;
    let alice = w.controller(&identity, 0).await;
    let change = ConfigChange::default()
        .add_controller(w.dave().address(), 2, false)
        .with_threshold(3);
    let outcome = alice.propose_config_change(&change).await.unwrap();
    assert!(!outcome.executed);
    let bob = w.controller(&identity, 1).await;
    bob.approve(outcome.proposal_id).await.unwrap();
    let response = bob.execute(outcome.proposal_id).await.unwrap();
    let minted = response
        .created_of_type(&movid_sdk::identity::controller_cap_type())
        .next()
        .unwrap();
    assert_eq!(minted.owner, Owner::AddressOwner(w.dave().address()));

    let read = w.ids.get_identity(identity.id).await.unwrap();
    assert_eq!(read.controllers.len(), 4);
    assert_eq!(read.threshold, 3);
    assert_eq!(read.voting_power(minted.id()), Some(2));
    let dave = w.controller(&read, 3).await;
    assert_eq!(dave.controller_cap(), minted.id());
    // Dave may not delegate.
    assert_eq!(
        identity_error(dave.delegate(permissions::ALL, w.dave().address()).await),
        IdentityError::CannotDelegate
    );
    // Dave's two votes alone are below the new threshold; Alice's vote makes three.
    let outcome = dave.propose_deactivation().await.unwrap();
    assert!(!outcome.executed);
    alice.approve(outcome.proposal_id).await.unwrap();
    alice.execute(outcome.proposal_id).await.unwrap();
    assert!(w
        .ids
        .get_identity(identity.id)
        .await
        .unwrap()
        .is_deactivated());
}

pub async fn removed_controller_is_not_a_controller(client: Arc<dyn Client>) {
    let w = World::new(client);
    let identity = w.identity(&[0, 1, 2], 2).await;
    let (alice, bob, carol) = (
        w.controller(&identity, 0).await,
        w.controller(&identity, 1).await,
        w.controller(&identity, 2).await,
    );
    let change = ConfigChange::default().remove_controller(carol.controller_cap());
    let outcome = alice.propose_config_change(&change).await.unwrap();
    // Carol's cap cannot be destroyed while she is a controller.
    assert_eq!(
        identity_error(
            w.ids
                .destroy_controller_cap(w.carol(), carol.controller_cap())
                .await
        ),
        IdentityError::ControllerStillActive
    );
    bob.approve(outcome.proposal_id).await.unwrap();
    alice.execute(outcome.proposal_id).await.unwrap();
    let read = w.ids.get_identity(identity.id).await.unwrap();
    assert_eq!(read.controllers.len(), 2);
    assert!(!read.is_controller(carol.controller_cap()));

    assert_eq!(
        identity_error(carol.propose_deactivation().await),
        IdentityError::NotAController
    );
    w.ids
        .destroy_controller_cap(w.carol(), carol.controller_cap())
        .await
        .unwrap();
    assert!(w
        .ids
        .controller_caps(w.carol().address())
        .await
        .unwrap()
        .is_empty());
}

pub async fn invalid_config_change_is_refused(client: Arc<dyn Client>) {
    let w = World::new(client);
    let identity = w.identity(&[0, 1, 2], 2).await;
    let alice = w.controller(&identity, 0).await;
    assert_eq!(
        identity_error(
            alice
                .propose_config_change(&ConfigChange::threshold(4))
                .await
        ),
        IdentityError::InvalidThreshold
    );
    assert_eq!(
        identity_error(alice.propose_config_change(&ConfigChange::default()).await),
        IdentityError::EmptyConfigChange
    );
    assert_eq!(
        identity_error(
            alice
                .propose_config_change(&ConfigChange::default().remove_controller(random_address()))
                .await
        ),
        IdentityError::UnknownController
    );
}

pub async fn proposals_are_read_with_their_actions(client: Arc<dyn Client>) {
    let w = World::new(client);
    let identity = w.identity(&[0, 1], 2).await;
    let alice = w.controller(&identity, 0).await;
    let coin = w.coin_for(identity.address(), MIST_PER_SUI).await;
    let change = ConfigChange::default()
        .add_controller(w.dave().address(), 3, true)
        .update_voting_power(alice.controller_cap(), 2)
        .with_threshold(3);
    let config = alice
        .propose_config_change(&change)
        .await
        .unwrap()
        .proposal_id;
    let send = alice
        .propose_send(&[(coin, w.bob().address())])
        .await
        .unwrap();
    let borrow = alice.propose_borrow(&[coin]).await.unwrap();

    let read = w.ids.get_identity(identity.id).await.unwrap();
    assert_eq!(read.proposal_ids, vec![config, send, borrow]);
    assert_eq!(
        read.proposal(config).unwrap().action,
        ProposalAction::ConfigChange(change)
    );
    assert_eq!(
        read.proposal(send).unwrap().action,
        ProposalAction::Send {
            objects: vec![coin],
            recipients: vec![w.bob().address()]
        }
    );
    assert_eq!(
        read.proposal(borrow).unwrap().action,
        ProposalAction::Borrow {
            objects: vec![coin]
        }
    );
    // Execution needs the caller's commands for a borrow.
    assert!(matches!(
        alice.execute(borrow).await,
        Err(SdkError::InvalidArgument(_))
    ));
}

pub async fn delegate_acts_within_its_permissions(client: Arc<dyn Client>) {
    let w = World::new(client);
    let identity = w.delegating_identity(&[0], 1).await;
    let alice = w.controller(&identity, 0).await;
    let token = alice
        .delegate(
            permissions::CREATE | permissions::APPROVE,
            w.dave().address(),
        )
        .await
        .unwrap();
    let tokens = w.ids.delegation_tokens(w.dave().address()).await.unwrap();
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0].id, token);
    assert_eq!(tokens[0].controller, alice.controller_cap());
    assert_eq!(tokens[0].permissions, 0x3);

    let dave = w.ids.with_token(w.dave(), token).await.unwrap();
    assert_eq!(dave.identity_id(), identity.id);
    // The token's controller reaches the threshold, but the token may not
    // execute: the proposal waits.
    let outcome = dave.propose_document(&w.doc(&identity, 3)).await.unwrap();
    assert!(!outcome.executed);
    assert_eq!(
        identity_error(dave.execute(outcome.proposal_id).await),
        IdentityError::MissingPermission
    );
    assert_eq!(
        identity_error(dave.delegate(permissions::ALL, w.dave().address()).await),
        IdentityError::NotAControllerCap
    );
    alice.execute(outcome.proposal_id).await.unwrap();
    assert_eq!(
        identity_error(dave.revoke_token(token).await),
        IdentityError::NotAControllerCap
    );
    assert_eq!(
        identity_error(alice.delegate(0x40, w.dave().address()).await),
        IdentityError::InvalidPermissions
    );
}

pub async fn revoked_token_is_refused_until_unrevoked(client: Arc<dyn Client>) {
    let w = World::new(client);
    let identity = w.delegating_identity(&[0], 1).await;
    let alice = w.controller(&identity, 0).await;
    let token = alice
        .delegate(permissions::ALL, w.dave().address())
        .await
        .unwrap();
    alice.revoke_token(token).await.unwrap();
    let read = w.ids.get_identity(identity.id).await.unwrap();
    assert_eq!(read.revoked_tokens, vec![token]);
    assert_eq!(
        identity_error(alice.revoke_token(token).await),
        IdentityError::TokenAlreadyRevoked
    );

    let dave = w.ids.with_token(w.dave(), token).await.unwrap();
    assert_eq!(
        identity_error(dave.propose_deactivation().await),
        IdentityError::TokenRevoked
    );
    // Threshold 1: alice's unrevoke proposal executes at once.
    assert!(alice.propose_unrevoke(token).await.unwrap().executed);
    assert_eq!(
        identity_error(alice.propose_unrevoke(token).await),
        IdentityError::TokenNotRevoked
    );
    // Only tokens of this identity can be revoked.
    assert_eq!(
        identity_error(alice.revoke_token(random_address()).await),
        IdentityError::UnknownToken
    );
    // With every permission, the token executes at once.
    assert!(dave.propose_deactivation().await.unwrap().executed);
}

pub async fn token_holder_destroys_its_token(client: Arc<dyn Client>) {
    let w = World::new(client);
    let identity = w.delegating_identity(&[0], 1).await;
    let alice = w.controller(&identity, 0).await;
    let token = alice
        .delegate(permissions::CREATE, w.dave().address())
        .await
        .unwrap();
    alice.revoke_token(token).await.unwrap();
    w.ids.destroy_token(w.dave(), token).await.unwrap();
    assert_eq!(w.client.get_object(token).await.unwrap(), None);
    // Destroying clears the revocation list.
    let read = w.ids.get_identity(identity.id).await.unwrap();
    assert!(read.revoked_tokens.is_empty());
}

pub async fn identity_sends_a_coin_it_owns(client: Arc<dyn Client>) {
    let w = World::new(client);
    let identity = w.identity(&[0, 1], 2).await;
    let coin = w.coin_for(identity.address(), 7 * MIST_PER_SUI).await;
    let owned = w.ids.owned_by(identity.id).await.unwrap();
    assert_eq!(owned.iter().map(|o| o.id()).collect::<Vec<_>>(), vec![coin]);

    let alice = w.controller(&identity, 0).await;
    let proposal = alice
        .propose_send(&[(coin, w.dave().address())])
        .await
        .unwrap();
    assert_eq!(
        identity_error(alice.execute(proposal).await),
        IdentityError::ThresholdNotReached {
            votes: 1,
            threshold: 2
        }
    );
    let bob = w.controller(&identity, 1).await;
    bob.approve(proposal).await.unwrap();
    bob.execute(proposal).await.unwrap();
    assert_eq!(
        w.object(coin).await.owner,
        Owner::AddressOwner(w.dave().address())
    );
    assert!(w.ids.owned_by(identity.id).await.unwrap().is_empty());
}

pub async fn sole_controller_sends_at_once(client: Arc<dyn Client>) {
    let w = World::new(client);
    let identity = w.identity(&[0], 1).await;
    let a = w.coin_for(identity.address(), MIST_PER_SUI).await;
    let b = w.coin_for(identity.address(), 2 * MIST_PER_SUI).await;
    let alice = w.controller(&identity, 0).await;
    alice
        .send_now(&[(a, w.bob().address()), (b, w.carol().address())])
        .await
        .unwrap();
    assert_eq!(
        w.object(a).await.owner,
        Owner::AddressOwner(w.bob().address())
    );
    assert_eq!(
        w.object(b).await.owner,
        Owner::AddressOwner(w.carol().address())
    );

    // With two controllers, one vote cannot send at once.
    let shared = w.identity(&[0, 1], 2).await;
    let c = w.coin_for(shared.address(), MIST_PER_SUI).await;
    let alice = w.controller(&shared, 0).await;
    assert_eq!(
        identity_error(alice.send_now(&[(c, w.bob().address())]).await),
        IdentityError::ThresholdNotReached {
            votes: 1,
            threshold: 2
        }
    );
}

pub async fn borrowed_objects_are_returned(client: Arc<dyn Client>) {
    let w = World::new(client);
    let identity = w.identity(&[0], 1).await;
    let coin = w.coin_for(identity.address(), MIST_PER_SUI).await;
    let alice = w.controller(&identity, 0).await;
    let dave = w.dave().address();
    alice
        .borrow_now(&[coin], |tx, borrowed| {
            assert_eq!(borrowed[0].id, coin);
            let amount = tx.pure(&100u64);
            let split = tx.split_coins(borrowed[0].arg, vec![amount]);
            let to = tx.pure(&dave);
            tx.transfer_objects(vec![split], to);
            Ok(())
        })
        .await
        .unwrap();
    let back = w.object(coin).await;
    assert_eq!(back.owner, Owner::AddressOwner(identity.address()));
    assert_eq!(coin_balance(&back), MIST_PER_SUI - 100);
    assert!(w.has_coin_of(dave, 100).await);
}

pub async fn approved_borrow_proposal_executes_with_user_commands(client: Arc<dyn Client>) {
    let w = World::new(client);
    let identity = w.identity(&[0, 1], 2).await;
    let coin = w.coin_for(identity.address(), MIST_PER_SUI).await;
    let alice = w.controller(&identity, 0).await;
    let proposal = alice.propose_borrow(&[coin]).await.unwrap();
    let bob = w.controller(&identity, 1).await;
    bob.approve(proposal).await.unwrap();
    let recipient = w.carol().address();
    bob.execute_borrow(proposal, |tx, borrowed| {
        let amount = tx.pure(&5u64);
        let split = tx.split_coins(borrowed[0].arg, vec![amount]);
        let to = tx.pure(&recipient);
        tx.transfer_objects(vec![split], to);
        Ok(())
    })
    .await
    .unwrap();
    assert_eq!(coin_balance(&w.object(coin).await), MIST_PER_SUI - 5);
    assert!(w.has_coin_of(recipient, 5).await);
}

pub async fn sub_identity_is_governed_through_its_parent(client: Arc<dyn Client>) {
    let w = World::new(client);
    let parent = w.identity(&[0], 1).await;
    // The child's only controller is the parent identity.
    let child = w
        .ids
        .create_identity()
        .controller(parent.address(), 1)
        .execute(w.alice())
        .await
        .unwrap();
    let caps = w.ids.controller_caps(parent.address()).await.unwrap();
    assert_eq!(caps.len(), 1);
    assert_eq!(caps[0].controller_of, child.id);
    assert_eq!(
        w.ids.dids_controlled_by(parent.address()).await.unwrap(),
        vec![child.did.clone()]
    );

    let alice = w.controller(&parent, 0).await;
    let proposal = alice
        .propose_controller_execution(caps[0].id)
        .await
        .unwrap();
    let doc = doc_with_key(&child.did, w.alice(), "parent-key");
    let bytes = pack(&doc, movid_sdk::did::Encoding::Json);
    alice
        .access_sub_identity(proposal, |tx, sub| {
            assert_eq!(sub.identity_id, child.id);
            calls::propose_update(tx, sub.identity, sub.auth, None, &bytes, sub.clock);
            Ok(())
        })
        .await
        .unwrap();
    let child = w.ids.get_identity(child.id).await.unwrap();
    assert_eq!(child.document().unwrap(), Some(doc));
    // The cap went back to the parent.
    assert_eq!(
        w.object(caps[0].id).await.owner,
        Owner::AddressOwner(parent.address())
    );
}

pub async fn dids_controlled_by_lists_every_controlled_identity(client: Arc<dyn Client>) {
    let w = World::new(client);
    let a = w.identity(&[0], 1).await;
    let b = w.identity(&[1, 0], 1).await;
    w.identity(&[1], 1).await;
    let mut expected = vec![a.did.clone(), b.did.clone()];
    expected.sort_by_key(|d| *d.object_id());
    assert_eq!(
        w.ids.dids_controlled_by(w.alice().address()).await.unwrap(),
        expected
    );
    assert_eq!(
        w.ids
            .dids_controlled_by(w.bob().address())
            .await
            .unwrap()
            .len(),
        2
    );
    assert!(w
        .ids
        .dids_controlled_by(random_address())
        .await
        .unwrap()
        .is_empty());
}

pub async fn document_history_lists_every_version(client: Arc<dyn Client>) {
    let w = World::new(client.clone());
    let identity = w.delegating_identity(&[0, 1], 1).await;
    let alice = w.controller(&identity, 0).await;
    let first = w.doc(&identity, 0);
    let second = w.doc(&identity, 1);
    alice.propose_document(&first).await.unwrap();
    client.advance_clock(60_000).await.unwrap();
    // Revoking a token writes the identity without changing the document.
    let token = alice
        .delegate(permissions::CREATE, w.bob().address())
        .await
        .unwrap();
    alice.revoke_token(token).await.unwrap();
    alice.propose_document(&second).await.unwrap();
    alice.propose_deactivation().await.unwrap();

    let history = w.ids.document_history(identity.id).await.unwrap();
    let docs: Vec<_> = history.iter().map(|v| v.document().unwrap()).collect();
    assert_eq!(docs.len(), 4, "{history:#?}");
    assert!(docs[0].as_ref().unwrap().verification_method.is_empty());
    assert_eq!(docs[1].as_ref(), Some(&first));
    assert_eq!(docs[2].as_ref(), Some(&second));
    assert_eq!(docs[3], None);
    assert!(history
        .windows(2)
        .all(|v| v[0].object_version < v[1].object_version));
    let numbers: Vec<u64> = history.iter().map(|v| v.doc_version).collect();
    assert_eq!(numbers, [1, 2, 3, 4]);
    assert_eq!(history[2].updated_ms, history[1].updated_ms + 60_000);
    // Each version can be read back at its object version.
    let at = client
        .get_object_at(identity.id, history[1].object_version)
        .await
        .unwrap()
        .unwrap();
    let old = movid_sdk::identity::OnChainIdentity::from_object(&at, "local").unwrap();
    assert_eq!(old.document().unwrap(), Some(first));
}

pub async fn upgrade_without_new_version_is_refused(client: Arc<dyn Client>) {
    let w = World::new(client);
    let identity = w.identity(&[0], 1).await;
    let alice = w.controller(&identity, 0).await;
    assert_eq!(
        identity_error(alice.propose_upgrade().await),
        IdentityError::NoUpgradeAvailable
    );
}

pub async fn deleted_identity_refuses_operations(client: Arc<dyn Client>) {
    let w = World::new(client);
    let identity = w.identity(&[0], 1).await;
    let alice = w.controller(&identity, 0).await;
    assert_eq!(
        identity_error(alice.propose_identity_deletion().await),
        IdentityError::DidNotDeleted
    );
    assert!(alice.propose_did_deletion().await.unwrap().executed);
    assert_eq!(
        identity_error(alice.propose_document(&w.doc(&identity, 0)).await),
        IdentityError::DidDeleted
    );
    assert!(alice.propose_identity_deletion().await.unwrap().executed);
    let read = w.ids.get_identity(identity.id).await.unwrap();
    assert!(read.deleted && read.deleted_did);
    assert!(read.controllers.is_empty());
    assert_eq!(read.did_doc, None);
    assert_eq!(
        identity_error(alice.propose_deactivation().await),
        IdentityError::IdentityDeleted
    );
    // Its former controller's cap can now be destroyed.
    w.ids
        .destroy_controller_cap(w.alice(), alice.controller_cap())
        .await
        .unwrap();
}

pub async fn non_controller_has_no_controller_handle(client: Arc<dyn Client>) {
    let w = World::new(client);
    let identity = w.identity(&[0], 1).await;
    assert_eq!(
        identity_error(w.ids.controller(identity.id, w.bob()).await),
        IdentityError::NotAController
    );
    // Alice's cap of another identity is a credential of the wrong identity.
    let other = w.identity(&[0], 1).await;
    let alice_other = w.controller(&other, 0).await;
    let wrong = w
        .ids
        .with_cap(identity.id, w.alice(), alice_other.controller_cap());
    assert_eq!(
        identity_error(wrong.propose_deactivation().await),
        IdentityError::WrongIdentity
    );
}

pub async fn identity_deletion_needs_the_threshold(client: Arc<dyn Client>) {
    let w = World::new(client);
    let identity = w.identity(&[0, 1], 2).await;
    let (alice, bob) = (
        w.controller(&identity, 0).await,
        w.controller(&identity, 1).await,
    );
    let did_deletion = alice.propose_did_deletion().await.unwrap();
    assert!(!did_deletion.executed);
    bob.approve(did_deletion.proposal_id).await.unwrap();
    bob.execute(did_deletion.proposal_id).await.unwrap();
    assert!(w.ids.get_identity(identity.id).await.unwrap().deleted_did);

    // A proposal left open when the identity is deleted.
    let leftover = bob
        .propose_config_change(&ConfigChange::threshold(1))
        .await
        .unwrap()
        .proposal_id;
    let deletion = alice.propose_identity_deletion().await.unwrap();
    bob.approve(deletion.proposal_id).await.unwrap();
    assert_eq!(
        identity_error(w.ids.purge_proposal(w.carol(), identity.id, leftover).await),
        IdentityError::IdentityNotDeleted
    );
    alice.execute(deletion.proposal_id).await.unwrap();
    let read = w.ids.get_identity(identity.id).await.unwrap();
    assert!(read.deleted);
    assert_eq!(read.proposal_ids, vec![leftover]);

    // Anyone may purge it now.
    w.ids
        .purge_proposal(w.carol(), identity.id, leftover)
        .await
        .unwrap();
    assert!(w
        .ids
        .get_identity(identity.id)
        .await
        .unwrap()
        .proposals
        .is_empty());
}
