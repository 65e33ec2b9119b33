//! DID resolution through a client: live, deactivated, deleted, unknown and
//! invalid DIDs.

use std::sync::Arc;

use movid_sdk::did::{format_timestamp_ms, Did, ResolutionError};
use movid_sdk::resolver::resolve;
use movid_sdk::Client;

use crate::common::World;

pub async fn live_did_resolves_to_its_document(client: Arc<dyn Client>) {
    let w = World::new(client.clone());
    let identity = w.identity(&[0], 1).await;
    let doc = w.doc(&identity, 0);
    client.advance_clock(2_000).await.unwrap();
    w.controller(&identity, 0)
        .await
        .propose_document(&doc)
        .await
        .unwrap();
    let read = w.ids.get_identity(identity.id).await.unwrap();

    let result = resolve(&*client, &identity.did.to_string()).await.unwrap();
    assert_eq!(result.did_resolution_metadata.error, None);
    assert_eq!(result.document(), Some(&doc));
    let meta = &result.did_document_metadata;
    assert_eq!(meta.created, Some(format_timestamp_ms(read.created_ms)));
    assert_eq!(meta.updated, Some(format_timestamp_ms(read.updated_ms)));
    assert_ne!(meta.created, meta.updated);
    assert_eq!(meta.version_id, Some(read.object_version.to_string()));
    assert_eq!(meta.deactivated, None);
}

pub async fn deactivated_did_resolves_without_document(client: Arc<dyn Client>) {
    let w = World::new(client.clone());
    let identity = w.identity(&[0], 1).await;
    w.controller(&identity, 0)
        .await
        .propose_deactivation()
        .await
        .unwrap();
    let result = resolve(&*client, &identity.did.to_string()).await.unwrap();
    assert_eq!(result.did_document, None);
    assert_eq!(result.did_resolution_metadata.error, None);
    assert!(result.is_deactivated());
}

pub async fn deleted_did_is_not_found_and_deactivated(client: Arc<dyn Client>) {
    let w = World::new(client.clone());
    let identity = w.identity(&[0], 1).await;
    let alice = w.controller(&identity, 0).await;
    alice.propose_did_deletion().await.unwrap();
    let result = resolve(&*client, &identity.did.to_string()).await.unwrap();
    assert_eq!(
        result.did_resolution_metadata.error,
        Some(ResolutionError::NotFound)
    );
    assert!(result.is_deactivated());

    // Deleting the identity itself keeps the answer.
    alice.propose_identity_deletion().await.unwrap();
    let after = resolve(&*client, &identity.did.to_string()).await.unwrap();
    assert_eq!(
        after.did_resolution_metadata.error,
        Some(ResolutionError::NotFound)
    );
    assert!(after.is_deactivated());
}

pub async fn unknown_did_is_not_found(client: Arc<dyn Client>) {
    let did = Did::local([0x5a; 32]);
    let result = resolve(&*client, &did.to_string()).await.unwrap();
    assert_eq!(
        result.did_resolution_metadata.error,
        Some(ResolutionError::NotFound)
    );
    assert!(!result.is_deactivated());
}

pub async fn object_that_is_not_an_identity_is_not_found(client: Arc<dyn Client>) {
    let w = World::new(client.clone());
    let coin = client.gas_coins(w.alice().address()).await.unwrap()[0].id();
    let did = Did::local(coin.0);
    let result = resolve(&*client, &did.to_string()).await.unwrap();
    assert_eq!(
        result.did_resolution_metadata.error,
        Some(ResolutionError::NotFound)
    );
}

pub async fn invalid_and_foreign_dids_are_reported(client: Arc<dyn Client>) {
    let error = |r: movid_sdk::did::ResolutionResult| r.did_resolution_metadata.error;
    assert_eq!(
        error(resolve(&*client, "did:movid:local:0x12").await.unwrap()),
        Some(ResolutionError::InvalidDid)
    );
    assert_eq!(
        error(resolve(&*client, "did:web:example.com").await.unwrap()),
        Some(ResolutionError::MethodNotSupported)
    );
    let foreign = Did::new("testnet", [1; 32]).unwrap();
    assert_eq!(
        error(resolve(&*client, &foreign.to_string()).await.unwrap()),
        Some(ResolutionError::NetworkNotSupported)
    );
}
