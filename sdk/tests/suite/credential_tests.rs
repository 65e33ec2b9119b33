//! Public credentials: changed by proposal, decoded while open, read back by anyone; bad
//! changes refused before sending or named when the package refuses them.

use std::sync::Arc;

use movid_sdk::identity::credentials::CredentialChange;
use movid_sdk::identity::{event_type, ProposalAction, ProposalKind};
use movid_sdk::{Client, IdentityError, SdkError};

use crate::common::{identity_error, World};

/// A compact JWS whose payload is `{"vc":{},"sub":"s"}` (the signature is not checked here).
const JWS: &str = "eyJhbGciOiJFZERTQSJ9.eyJ2YyI6e30sInN1YiI6InMifQ.c2ln";

pub async fn credentials_change_by_proposal_and_are_read_back(client: Arc<dyn Client>) {
    let w = World::new(client);
    let identity = w.identity(&[0, 1], 2).await;
    let alice = w.controller(&identity, 0).await;
    let bob = w.controller(&identity, 1).await;
    let change = CredentialChange {
        set: vec![("degree".into(), JWS.into())],
        remove: vec![],
    };
    let outcome = alice.propose_credentials(&change).await.unwrap();
    assert!(!outcome.executed);
    let proposal = w.ids.get_proposal(outcome.proposal_id).await.unwrap();
    assert_eq!(proposal.kind(), Some(ProposalKind::UpdateCredentials));
    assert_eq!(proposal.action, ProposalAction::UpdateCredentials(change));
    assert!(w.ids.credentials(identity.id).await.unwrap().is_empty());

    bob.approve(outcome.proposal_id).await.unwrap();
    let executed = bob.execute(outcome.proposal_id).await.unwrap();
    let updated = executed.events_of_type(&event_type("CredentialsUpdated"));
    assert_eq!(updated.count(), 1, "one CredentialsUpdated event");
    let held = w.ids.credentials(identity.id).await.unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!(
        (held[0].name.as_str(), held[0].jwt.as_str()),
        ("degree", JWS)
    );
    assert_eq!(held[0].claims().unwrap()["sub"], "s");
    assert_eq!(held[0].header().unwrap()["alg"], "EdDSA");
}

pub async fn bad_credential_changes_are_refused_by_name(client: Arc<dyn Client>) {
    let w = World::new(client);
    let identity = w.identity(&[0], 1).await;
    let alice = w.controller(&identity, 0).await;
    let before = w.object(identity.id).await;
    // Checked before sending: nothing reaches the chain.
    let bad_name = CredentialChange {
        set: vec![("a b".into(), JWS.into())],
        remove: vec![],
    };
    assert!(matches!(
        alice.propose_credentials(&bad_name).await,
        Err(SdkError::InvalidArgument(m)) if m.contains("credential name")
    ));
    assert_eq!(w.object(identity.id).await, before);
    // Refused by the package when the change executes, with its name.
    let ghost = CredentialChange {
        set: vec![],
        remove: vec!["ghost".into()],
    };
    assert_eq!(
        identity_error(alice.propose_credentials(&ghost).await),
        IdentityError::CredentialNotFound
    );
    assert_eq!(w.object(identity.id).await.version(), before.version());
}
