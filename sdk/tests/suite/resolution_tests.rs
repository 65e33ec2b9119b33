//! DID resolution and dereferencing through a client: live, versioned,
//! deactivated, deleted, unknown and invalid DIDs, and documents refused
//! before they reach the chain.

use std::sync::Arc;

use movid_sdk::did::{
    self, format_timestamp_ms, DereferencingOptions, Did, DidDocumentMetadata, ErrorKind,
    ResolutionOptions, ResolutionResult,
};
use movid_sdk::resolver::{dereference, history, resolve, resolve_with};
use movid_sdk::{Client, SdkError};
use serde_json::json;

use crate::common::counting::CountingClient;
use crate::common::World;

fn options(v: serde_json::Value) -> ResolutionOptions {
    serde_json::from_value(v).unwrap()
}

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
    assert_eq!(result.error(), None);
    assert_eq!(result.document(), Some(&doc));
    let meta = &result.did_document_metadata;
    assert_eq!(meta.created, Some(format_timestamp_ms(read.created_ms)));
    assert_eq!(meta.updated, Some(format_timestamp_ms(read.updated_ms)));
    assert_ne!(meta.created, meta.updated);
    // The second document version: the identity was created with an empty one.
    assert_eq!(read.doc_version, 2);
    assert_eq!(meta.version_id, Some("2".to_owned()));
    assert_eq!(meta.deactivated, None);
    assert_eq!(meta.next_version_id, None);
}

pub async fn opening_a_proposal_does_not_change_the_version_id(client: Arc<dyn Client>) {
    let w = World::new(client.clone());
    let identity = w.identity(&[0, 1], 2).await;
    let before = resolve(&*client, &identity.did.to_string()).await.unwrap();
    let alice = w.controller(&identity, 0).await;
    // Two votes are needed: the proposal stays open, the identity object moves on.
    let outcome = alice.propose_document(&w.doc(&identity, 0)).await.unwrap();
    assert!(!outcome.executed);
    let moved = w.ids.get_identity(identity.id).await.unwrap();
    assert!(moved.object_version > identity.object_version);

    let after = resolve(&*client, &identity.did.to_string()).await.unwrap();
    assert_eq!(after.document(), before.document());
    assert_eq!(after.did_document_metadata, before.did_document_metadata);
    assert_eq!(moved.doc_version, identity.doc_version);
    assert_eq!(
        after.did_document_metadata.version_id,
        Some(identity.doc_version.to_string())
    );
}

/// Resolves the latest version of `did` through `client`, asserts it read
/// no object history and that it equals the resolution from the whole
/// history (what resolving the latest version cost before it was O(1)).
async fn latest_without_history(client: &CountingClient, did: &str) -> ResolutionResult {
    let reads = client.history_reads();
    let latest = resolve(client, did).await.unwrap();
    assert_eq!(
        client.history_reads(),
        reads,
        "resolving the latest version of {did} read its object history"
    );
    let full = history(client, &Did::parse(did).unwrap()).await.unwrap();
    let from_history = did::resolve(
        did,
        client.network(),
        full.as_ref(),
        &ResolutionOptions::default(),
    );
    assert_eq!(latest, from_history);
    latest
}

pub async fn resolving_the_latest_version_of_a_busy_identity_reads_no_history(
    client: Arc<dyn Client>,
) {
    let w = World::new(client.clone());
    let identity = w.identity(&[0, 1], 2).await;
    let did = identity.did.to_string();
    let counting = CountingClient::new(client.clone());
    let (alice, bob) = (
        w.controller(&identity, 0).await,
        w.controller(&identity, 1).await,
    );
    let doc = w.doc(&identity, 0);

    // Many transactions touch the identity without changing its document.
    let update = alice.propose_document(&doc).await.unwrap().proposal_id;
    for _ in 0..10 {
        bob.approve(update).await.unwrap();
        bob.remove_approval(update).await.unwrap();
    }
    let busy = w.ids.get_identity(identity.id).await.unwrap();
    assert!(busy.object_version >= identity.object_version + 20);
    let created = latest_without_history(&counting, &did).await;
    assert_eq!(
        created.did_document_metadata.version_id.as_deref(),
        Some("1")
    );
    assert_eq!(created.did_document_metadata.updated, None);

    client.advance_clock(3_000).await.unwrap();
    bob.approve(update).await.unwrap();
    bob.execute(update).await.unwrap();
    let updated = latest_without_history(&counting, &did).await;
    assert_eq!(updated.document(), Some(&doc));
    assert_eq!(
        updated.did_document_metadata.version_id.as_deref(),
        Some("2")
    );
    assert!(updated.did_document_metadata.updated.is_some());

    // Writing the same document again is no new version, even later.
    client.advance_clock(3_000).await.unwrap();
    let same = alice.propose_document(&doc).await.unwrap().proposal_id;
    bob.approve(same).await.unwrap();
    bob.execute(same).await.unwrap();
    let again = latest_without_history(&counting, &did).await;
    assert_eq!(again.did_document_metadata, updated.did_document_metadata);

    // Dereferencing without a version reads no history either.
    let reads = counting.history_reads();
    let key = dereference(
        &counting,
        &format!("{did}#key-1"),
        &DereferencingOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(key.error(), None);
    assert_eq!(counting.history_reads(), reads);

    // An older version needs the history, by option or in the DID URL.
    let old = resolve_with(&counting, &did, &options(json!({"versionId": "1"})))
        .await
        .unwrap();
    assert_eq!(
        old.did_document_metadata.next_version_id.as_deref(),
        Some("2")
    );
    assert_eq!(counting.history_reads(), reads + 1);
    let old = dereference(
        &counting,
        &format!("{did}?versionId=1"),
        &DereferencingOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(old.content_metadata.next_version_id.as_deref(), Some("2"));
    assert_eq!(counting.history_reads(), reads + 2);

    // Deactivation, deletion of the document, then of the identity.
    for step in 0..3 {
        client.advance_clock(3_000).await.unwrap();
        let proposal = match step {
            0 => alice.propose_deactivation().await,
            1 => alice.propose_did_deletion().await,
            _ => alice.propose_identity_deletion().await,
        }
        .unwrap()
        .proposal_id;
        bob.approve(proposal).await.unwrap();
        bob.execute(proposal).await.unwrap();
        let result = latest_without_history(&counting, &did).await;
        assert!(result.is_deactivated());
        let expected = if step == 0 { "3" } else { "4" };
        assert_eq!(
            result.did_document_metadata.version_id.as_deref(),
            Some(expected)
        );
    }
}

pub async fn older_versions_resolve_by_version_id_and_time(client: Arc<dyn Client>) {
    let w = World::new(client.clone());
    let identity = w.identity(&[0], 1).await;
    let did = identity.did.to_string();
    let alice = w.controller(&identity, 0).await;
    client.advance_clock(5_000).await.unwrap();
    let first = w.doc(&identity, 0);
    alice.propose_document(&first).await.unwrap();
    let v1 = resolve(&*client, &did).await.unwrap().did_document_metadata;
    client.advance_clock(60_000).await.unwrap();
    let second = w.doc(&identity, 1);
    alice.propose_document(&second).await.unwrap();
    let v2 = resolve(&*client, &did).await.unwrap().did_document_metadata;
    assert_ne!(v1.version_id, v2.version_id);

    let old = resolve_with(
        &*client,
        &did,
        &options(json!({"versionId": v1.version_id})),
    )
    .await
    .unwrap();
    assert_eq!(old.document(), Some(&first));
    let m = &old.did_document_metadata;
    assert_eq!(m.next_version_id, v2.version_id);
    assert_eq!(m.next_update, v2.updated);
    assert_eq!(m.updated, v1.updated);

    let at = resolve_with(&*client, &did, &options(json!({"versionTime": v1.updated})))
        .await
        .unwrap();
    assert_eq!(at.document(), Some(&first));
    let at = resolve_with(&*client, &did, &options(json!({"versionTime": v2.updated})))
        .await
        .unwrap();
    assert_eq!(at.document(), Some(&second));
    // The creation version: an empty document, never updated.
    let created = resolve_with(&*client, &did, &options(json!({"versionTime": v1.created})))
        .await
        .unwrap();
    assert!(created.document().unwrap().verification_method.is_empty());
    assert_eq!(created.did_document_metadata.updated, None);
    let before = resolve_with(
        &*client,
        &did,
        &options(json!({"versionTime": "2000-01-01T00:00:00Z"})),
    )
    .await
    .unwrap();
    assert_eq!(before.error_kind(), Some(ErrorKind::NotFound));

    // The same through a DID URL.
    let url = format!("{did}?versionId={}#key-1", v1.version_id.unwrap());
    let method = dereference(&*client, &url, &DereferencingOptions::default())
        .await
        .unwrap();
    assert_eq!(method.error(), None);
    assert_eq!(
        method.content_stream.unwrap()["publicKeyMultibase"],
        json!(first.verification_method[0].public_key_multibase)
    );
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
    assert_eq!(result.error(), None);
    assert!(result.is_deactivated());
    assert_eq!(result.http_status(), 410);
}

pub async fn deleted_did_resolves_as_deactivated(client: Arc<dyn Client>) {
    let w = World::new(client.clone());
    let identity = w.identity(&[0], 1).await;
    let alice = w.controller(&identity, 0).await;
    alice.propose_did_deletion().await.unwrap();
    let result = resolve(&*client, &identity.did.to_string()).await.unwrap();
    assert_eq!(result.error(), None);
    assert!(result.is_deactivated());
    assert!(result.did_document_metadata.version_id.is_some());

    // Deleting the identity itself keeps the answer (the document is the same).
    alice.propose_identity_deletion().await.unwrap();
    let after = resolve(&*client, &identity.did.to_string()).await.unwrap();
    assert_eq!(after.did_document_metadata, result.did_document_metadata);
    assert!(after.is_deactivated());
}

pub async fn unknown_did_is_not_found(client: Arc<dyn Client>) {
    let did = Did::local([0x5a; 32]);
    let result = resolve(&*client, &did.to_string()).await.unwrap();
    assert_eq!(result.error_kind(), Some(ErrorKind::NotFound));
    assert_eq!(result.did_document_metadata, DidDocumentMetadata::default());
}

pub async fn object_that_is_not_an_identity_is_not_found(client: Arc<dyn Client>) {
    let w = World::new(client.clone());
    let coin = client.gas_coins(w.alice().address()).await.unwrap()[0].id();
    let did = Did::local(coin.into_inner());
    let result = resolve(&*client, &did.to_string()).await.unwrap();
    assert_eq!(result.error_kind(), Some(ErrorKind::NotFound));
}

pub async fn invalid_and_foreign_dids_are_reported(client: Arc<dyn Client>) {
    let kind = |r: movid_sdk::did::ResolutionResult| r.error_kind();
    assert_eq!(
        kind(resolve(&*client, "did:movid:local:0x12").await.unwrap()),
        Some(ErrorKind::InvalidDid)
    );
    assert_eq!(
        kind(resolve(&*client, "did:web:example.com").await.unwrap()),
        Some(ErrorKind::MethodNotSupported)
    );
    let foreign = Did::new("testnet", [1; 32]).unwrap();
    assert_eq!(
        kind(resolve(&*client, &foreign.to_string()).await.unwrap()),
        Some(ErrorKind::FeatureNotSupported)
    );
}

pub async fn a_document_with_a_key_that_is_not_base58_is_refused_before_sending(
    client: Arc<dyn Client>,
) {
    let w = World::new(client.clone());
    let identity = w.identity(&[0], 1).await;
    let mut bad = w.doc(&identity, 0);
    bad.verification_method[0].public_key_multibase = Some("z0OIl".into());
    let before = w.ids.get_identity(identity.id).await.unwrap();

    let err = w
        .controller(&identity, 0)
        .await
        .propose_document(&bad)
        .await
        .unwrap_err();
    assert!(matches!(err, SdkError::InvalidDocument(_)), "{err:?}");
    let created = w
        .ids
        .create_identity()
        .document(&bad)
        .execute(w.alice())
        .await
        .unwrap_err();
    assert!(
        matches!(created, SdkError::InvalidDocument(_)),
        "{created:?}"
    );

    // Nothing was sent: the identity is unchanged.
    let after = w.ids.get_identity(identity.id).await.unwrap();
    assert_eq!(after.object_version, before.object_version);
    assert_eq!(after.did_doc, before.did_doc);
    assert!(after.proposals.is_empty());
}

pub async fn a_multikey_without_its_context_is_refused_before_sending(client: Arc<dyn Client>) {
    let w = World::new(client.clone());
    let identity = w.identity(&[0], 1).await;
    let mut bad = w.doc(&identity, 0);
    bad.context = vec![json!(movid_sdk::did::DID_CONTEXT_V1)];
    let err = w
        .controller(&identity, 0)
        .await
        .propose_document(&bad)
        .await
        .unwrap_err();
    assert!(
        matches!(err, SdkError::InvalidDocument(movid_sdk::did::DidError::UndefinedTerm { ref term, .. }) if term == "Multikey"),
        "{err:?}"
    );
    let after = w.ids.get_identity(identity.id).await.unwrap();
    assert_eq!(after.object_version, identity.object_version);
}
