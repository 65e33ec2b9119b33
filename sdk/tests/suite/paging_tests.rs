//! DIDs reachable through delegation tokens, and cursor paging of owned
//! objects, object and document histories, and events.

use std::collections::BTreeSet;
use std::sync::Arc;

use movid_runtime::store::EventFilter;
use movid_runtime::types::{random_address, ObjectID};
use movid_sdk::identity::{event_type, permissions};
use movid_sdk::paging::{EventCursor, MAX_EVENTS_PER_QUERY};
use movid_sdk::tx::{struct_tag, TransactionBuilder};
use movid_sdk::{Client, SdkError};

use crate::common::{World, MIST_PER_SUI};

pub async fn dids_controlled_by_finds_identities_reached_through_a_delegation_token(
    client: Arc<dyn Client>,
) {
    let w = World::new(client);
    let delegating = w.delegating_identity(&[0], 1).await;
    let own = w.identity(&[3], 1).await;
    let dave = w.dave().address();
    assert_eq!(
        w.ids.dids_controlled_by(dave).await.unwrap(),
        vec![own.did.clone()]
    );

    let token = w
        .controller(&delegating, 0)
        .await
        .delegate(permissions::APPROVE, dave)
        .await
        .unwrap();
    let mut expected = vec![own.did.clone(), delegating.did.clone()];
    expected.sort_by_key(|d| *d.object_id());
    assert_eq!(w.ids.dids_controlled_by(dave).await.unwrap(), expected);

    // A second credential for the same identity lists it once.
    w.controller(&delegating, 0)
        .await
        .delegate(permissions::APPROVE, dave)
        .await
        .unwrap();
    assert_eq!(w.ids.dids_controlled_by(dave).await.unwrap(), expected);

    // Once the tokens are destroyed the identity is no longer reachable.
    w.ids.destroy_token(w.dave(), token).await.unwrap();
    let rest: Vec<ObjectID> = w
        .ids
        .delegation_tokens(dave)
        .await
        .unwrap()
        .iter()
        .map(|t| t.id)
        .collect();
    for t in rest {
        w.ids.destroy_token(w.dave(), t).await.unwrap();
    }
    assert_eq!(
        w.ids.dids_controlled_by(dave).await.unwrap(),
        vec![own.did.clone()]
    );
}

pub async fn owned_objects_are_paged_by_id_without_gaps_or_repeats(client: Arc<dyn Client>) {
    let w = World::new(client.clone());
    let owner = random_address();
    for i in 1..=7 {
        w.coin_for(owner, i * MIST_PER_SUI).await;
    }
    let all: Vec<ObjectID> = {
        let mut ids: Vec<ObjectID> = client
            .owned_objects(owner)
            .await
            .unwrap()
            .iter()
            .map(|o| o.id())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(all.len(), 7);
    let mut seen = vec![];
    let mut cursor = None;
    let mut pages = 0;
    loop {
        let page = client.owned_objects_page(owner, cursor, 3).await.unwrap();
        assert!(page.items.len() <= 3);
        seen.extend(page.items.iter().map(|o| o.id()));
        pages += 1;
        match page.next_cursor {
            Some(c) => {
                assert_eq!(Some(&c), seen.last());
                cursor = Some(c);
            }
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, all);
    // An exact fit ends with no next cursor, not with an empty page to come.
    let page = client.owned_objects_page(owner, None, 7).await.unwrap();
    assert_eq!(page.items.len(), 7);
    assert!(!page.has_next_page());
    assert!(matches!(
        client.owned_objects_page(owner, None, 0).await,
        Err(SdkError::InvalidArgument(_))
    ));
}

pub async fn object_and_document_histories_are_paged(client: Arc<dyn Client>) {
    let w = World::new(client.clone());
    let identity = w.identity(&[0], 1).await;
    let alice = w.controller(&identity, 0).await;
    for key in [1, 2, 3] {
        let doc = w.doc(&identity, key);
        alice.propose_document(&doc).await.unwrap();
    }
    let full = client.object_history(identity.id).await.unwrap();
    let mut versions = vec![];
    let mut cursor = None;
    loop {
        let page = client
            .object_history_page(identity.id, cursor, 2)
            .await
            .unwrap();
        versions.extend(page.items.iter().map(|v| v.version));
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(versions, full.iter().map(|v| v.version).collect::<Vec<_>>());

    let documents = w.ids.document_history(identity.id).await.unwrap();
    assert_eq!(documents.len(), 4);
    let first = w
        .ids
        .document_history_page(identity.id, None, 3)
        .await
        .unwrap();
    assert_eq!(first.items, documents[..3]);
    let second = w
        .ids
        .document_history_page(identity.id, first.next_cursor, 3)
        .await
        .unwrap();
    assert_eq!(second.items, documents[3..]);
    assert_eq!(second.next_cursor, None);
}

pub async fn events_are_paged_by_cursor_and_a_foreign_cursor_is_refused(client: Arc<dyn Client>) {
    let w = World::new(client.clone());
    for _ in 0..5 {
        w.identity(&[2], 1).await;
    }
    let filter = EventFilter {
        sender: Some(w.carol().address()),
        type_: Some(event_type("IdentityCreated")),
        ..Default::default()
    };
    let all = client.events(filter.clone(), 100).await.unwrap();
    assert_eq!(all.len(), 5);
    let mut seen = vec![];
    let mut cursor = None;
    loop {
        let page = client.events_page(filter.clone(), cursor, 2).await.unwrap();
        seen.extend(page.items.iter().map(EventCursor::of));
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(seen, all.iter().map(EventCursor::of).collect::<Vec<_>>());
    let distinct: BTreeSet<_> = seen.iter().map(|c| (c.transaction, c.index)).collect();
    assert_eq!(distinct.len(), 5);

    // A cursor from another filter's events names nothing here.
    let foreign = client
        .events(
            EventFilter {
                sender: Some(w.alice().address()),
                ..Default::default()
            },
            1,
        )
        .await
        .unwrap();
    let foreign = foreign.first().map(EventCursor::of).unwrap_or(EventCursor {
        transaction: movid_runtime::types::Digest::ZERO,
        index: 0,
    });
    assert!(matches!(
        client.events_page(filter, Some(foreign), 2).await,
        Err(SdkError::InvalidArgument(_))
    ));
}

/// Publishes a package whose `burst(n)` emits `n` `Ping { i }` events, and
/// calls it until `total` events exist; returns the filter for them.
async fn ping_events(w: &World, total: u64) -> EventFilter {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("sources")).unwrap();
    std::fs::write(
        dir.path().join("Move.toml"),
        "[package]\nname = \"Burst\"\n\n[dependencies]\nMovid = { builtin = true }\n\n[addresses]\nburst = \"0x0\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("sources/burst.move"),
        r#"module burst::burst {
    use movid::event;
    struct Ping has copy, drop { i: u64 }
    public entry fun burst(n: u64) {
        let i = 0;
        while (i < n) { event::emit(Ping { i }); i = i + 1 }
    }
}"#,
    )
    .unwrap();
    let package = movid_runtime::build::build_package(dir.path(), &Default::default()).unwrap();
    let mut tx = TransactionBuilder::new(&*w.client, w.alice().address());
    let cap = tx.publish(package.module_bytes(), package.dependencies.clone());
    let me = tx.pure(&w.alice().address());
    tx.transfer_objects(vec![cap], me);
    let response = tx.execute(w.alice()).await.unwrap();
    let package_id = response
        .created
        .iter()
        .find(|o| o.as_package().is_some())
        .unwrap()
        .id();
    let mut left = total;
    while left > 0 {
        let n = left.min(600);
        let mut tx = TransactionBuilder::new(&*w.client, w.alice().address());
        let arg = tx.pure(&n);
        tx.move_call(package_id, "burst", "burst", vec![], vec![arg]);
        tx.execute(w.alice()).await.unwrap();
        left -= n;
    }
    EventFilter {
        type_: Some(struct_tag(package_id, "burst", "Ping", vec![])),
        ..Default::default()
    }
}

pub async fn events_past_the_node_query_cap_are_refused_not_truncated(client: Arc<dyn Client>) {
    let w = World::new(client.clone());
    let filter = ping_events(&w, 1200).await;
    // Pages within the first 1000 events come back whole.
    let mut cursor = None;
    let mut seen = 0;
    while seen < 900 {
        let page = client
            .events_page(filter.clone(), cursor, 300)
            .await
            .unwrap();
        assert_eq!(page.items.len(), 300);
        seen += page.items.len();
        cursor = page.next_cursor;
    }
    // The next page would end past the 1000th: named, not cut short.
    let refused = client.events_page(filter.clone(), cursor, 300).await;
    assert!(
        matches!(&refused, Err(SdkError::InvalidArgument(m)) if m.contains(&MAX_EVENTS_PER_QUERY.to_string())),
        "{:?}",
        refused.map(|p| (p.items.len(), p.next_cursor))
    );
    // One that ends at the 1000th still works, and says more may follow.
    let page = client.events_page(filter, cursor, 99).await.unwrap();
    assert_eq!(page.items.len(), 99);
    assert!(page.has_next_page());
}
