//! Authenticated assets through the SDK: create, read, mutate, delete, and
//! the offer / accept / cancel transfer, with the named errors of refusals.

use std::sync::Arc;

use movid_runtime::types::{Owner, WellKnown};
use movid_sdk::identity::asset::events::{
    AssetCreated, AssetDeleted, AssetMutated, AssetOfferCancelled, AssetOffered, AssetTransferred,
};
use movid_sdk::identity::asset::{AssetClient, AssetFlags, OnChainAsset};
use movid_sdk::sim::{Events, MoveEvent};
use movid_sdk::tx::TransactionResponse;
use movid_sdk::{Client, IdentityError, SdkError};

use crate::common::{identity_error, World};

fn assets(w: &World) -> AssetClient {
    AssetClient::new(w.client.clone())
}

/// The one event of the identity package a transaction emitted, decoded as `T`: each change
/// emits exactly one.
fn only_event<T: MoveEvent>(r: &TransactionResponse) -> T {
    let ours = r
        .events
        .iter()
        .filter(|e| {
            e.type_.address
                == movid_runtime::seam::to_vm_address(movid_runtime::types::ObjectID::IDENTITY)
        })
        .count();
    assert_eq!(ours, 1, "{:?}", r.events);
    Events::new(r.events.clone()).one::<T>().unwrap()
}

pub async fn asset_is_created_read_mutated_and_deleted(client: Arc<dyn Client>) {
    let w = World::new(client);
    let a = assets(&w);
    let created = a
        .create(w.alice(), &"first".to_string(), AssetFlags::all())
        .await
        .unwrap();
    let asset = a.get(created.asset_id).await.unwrap();
    assert_eq!(asset.origin, w.alice().address());
    assert_eq!(asset.owner, w.alice().address());
    assert_eq!(asset.flags, AssetFlags::all());
    assert_eq!(asset.offer, None);
    assert_eq!(asset.content::<String>().unwrap(), "first");
    // Reading it as another type is refused, not misread.
    assert!(matches!(
        asset.content::<Vec<u8>>(),
        Err(SdkError::WrongObjectType { .. })
    ));
    let e: AssetCreated = only_event(&created.response);
    assert_eq!(
        (e.asset, e.creator),
        (created.asset_id, w.alice().address())
    );
    assert!(e.mutable && e.transferable && e.deletable);

    let r = a
        .set_content(w.alice(), created.asset_id, &"second".to_string())
        .await
        .unwrap();
    let e: AssetMutated = only_event(&r);
    assert_eq!((e.asset, e.owner), (created.asset_id, w.alice().address()));
    let asset = a.get(created.asset_id).await.unwrap();
    assert_eq!(asset.content::<String>().unwrap(), "second");
    let owned = a.owned_by(w.alice().address()).await.unwrap();
    assert_eq!(
        owned.iter().map(|x| x.id).collect::<Vec<_>>(),
        vec![created.asset_id]
    );

    let r = a.delete(w.alice(), created.asset_id).await.unwrap();
    let e: AssetDeleted = only_event(&r);
    assert_eq!((e.asset, e.owner), (created.asset_id, w.alice().address()));
    assert!(matches!(
        a.get(created.asset_id).await,
        Err(SdkError::ObjectNotFound(_))
    ));
    assert!(a.owned_by(w.alice().address()).await.unwrap().is_empty());
}

pub async fn flags_and_ownership_refuse_with_named_errors_and_change_nothing(
    client: Arc<dyn Client>,
) {
    let w = World::new(client);
    let a = assets(&w);
    let fixed = a
        .create(w.alice(), &b"fixed".to_vec(), AssetFlags::none())
        .await
        .unwrap()
        .asset_id;
    let before = a.get(fixed).await.unwrap();
    assert_eq!(
        identity_error(a.set_content(w.alice(), fixed, &b"x".to_vec()).await),
        IdentityError::AssetImmutable
    );
    assert_eq!(
        identity_error(a.delete(w.alice(), fixed).await),
        IdentityError::AssetNotDeletable
    );
    assert_eq!(
        identity_error(a.offer(w.alice(), fixed, w.bob().address(), None).await),
        IdentityError::AssetNotTransferable
    );
    assert_eq!(
        identity_error(a.offer(w.alice(), fixed, w.alice().address(), None).await),
        IdentityError::AssetNotTransferable
    );
    // Bob is told the asset is not his before anything is sent (the node would refuse his
    // input anyway: tests/tests/asset_chain.rs).
    for err in [
        a.set_content(w.bob(), fixed, &b"x".to_vec())
            .await
            .unwrap_err(),
        a.delete(w.bob(), fixed).await.unwrap_err(),
        a.offer(w.bob(), fixed, w.bob().address(), None)
            .await
            .map(|_| ())
            .unwrap_err(),
    ] {
        assert_eq!(
            err.identity_error(),
            Some(&IdentityError::NotAssetOwner),
            "{err:?}"
        );
    }
    assert_eq!(a.get(fixed).await.unwrap(), before);

    let open = a
        .create(w.alice(), &b"open".to_vec(), AssetFlags::all())
        .await
        .unwrap()
        .asset_id;
    assert_eq!(
        identity_error(a.offer(w.alice(), open, w.alice().address(), None).await),
        IdentityError::SelfOffer
    );
    assert!(a.get(open).await.unwrap().offer.is_none());
}

pub async fn offer_is_accepted_by_its_recipient_only(client: Arc<dyn Client>) {
    let w = World::new(client.clone());
    let a = assets(&w);
    let id = a
        .create(w.alice(), &42u64, AssetFlags::all())
        .await
        .unwrap()
        .asset_id;
    let offer = a
        .offer(w.alice(), id, w.bob().address(), None)
        .await
        .unwrap();
    let e: AssetOffered = only_event(&offer.response);
    assert_eq!(
        (
            e.proposal,
            e.asset,
            e.sender,
            e.recipient,
            e.expiration_epoch
        ),
        (
            offer.proposal_id,
            id,
            w.alice().address(),
            w.bob().address(),
            None
        )
    );
    let read = a.get_offer(offer.proposal_id).await.unwrap();
    assert_eq!(
        (
            read.asset,
            read.sender,
            read.recipient,
            read.expiration_epoch
        ),
        (id, w.alice().address(), w.bob().address(), None)
    );
    assert_eq!(a.offers_to(w.bob().address()).await.unwrap(), vec![read]);
    assert_eq!(
        a.offers_from(w.alice().address()).await.unwrap(),
        vec![read]
    );
    assert!(a.offers_to(w.carol().address()).await.unwrap().is_empty());

    // While offered, the asset belongs to the offer: alice can no longer
    // mutate, delete or offer it again (the SDK names why; the node refuses her input).
    let held = a.get(id).await.unwrap();
    assert_eq!(held.offer, Some(offer.proposal_id));
    assert_eq!(held.owner, w.alice().address());
    assert!(a.owned_by(w.alice().address()).await.unwrap().is_empty());
    for err in [
        a.set_content(w.alice(), id, &1u64).await.unwrap_err(),
        a.delete(w.alice(), id).await.unwrap_err(),
        a.offer(w.alice(), id, w.carol().address(), None)
            .await
            .map(|_| ())
            .unwrap_err(),
    ] {
        assert_eq!(
            err.identity_error(),
            Some(&IdentityError::AssetOffered {
                offer: offer.proposal_id
            }),
            "{err:?}"
        );
    }

    // Neither a third party nor alice herself can accept bob's offer.
    for thief in [w.carol(), w.alice()] {
        assert_eq!(
            identity_error(a.accept(thief, offer.proposal_id).await),
            IdentityError::NotOfferRecipient
        );
    }
    // Bob cannot cancel it.
    assert_eq!(
        identity_error(a.cancel(w.bob(), offer.proposal_id).await),
        IdentityError::NotOfferer
    );
    assert_eq!(a.get(id).await.unwrap(), held);

    let accepted = a.accept(w.bob(), offer.proposal_id).await.unwrap();
    let e: AssetTransferred = only_event(&accepted);
    assert_eq!(
        (e.proposal, e.asset, e.sender, e.recipient),
        (
            offer.proposal_id,
            id,
            w.alice().address(),
            w.bob().address()
        )
    );
    let moved = a.get(id).await.unwrap();
    assert_eq!(moved.owner, w.bob().address());
    assert_eq!(moved.origin, w.alice().address());
    assert_eq!(moved.offer, None);
    assert_eq!(
        client.object(id).await.unwrap().owner,
        Owner::AddressOwner(w.bob().address())
    );
    assert_eq!(moved.content::<u64>().unwrap(), 42);
    // The offer is gone: a second acceptance finds nothing.
    assert!(client
        .get_object(offer.proposal_id)
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        identity_error(a.accept(w.bob(), offer.proposal_id).await),
        IdentityError::OfferNotFound
    );
    assert!(a.offers_to(w.bob().address()).await.unwrap().is_empty());
    // Bob owns it now and may change it.
    a.set_content(w.bob(), id, &43u64).await.unwrap();
}

pub async fn cancelled_offer_returns_the_asset_and_cannot_be_accepted(client: Arc<dyn Client>) {
    let w = World::new(client.clone());
    let a = assets(&w);
    let id = a
        .create(w.alice(), &vec![w.carol().address()], AssetFlags::all())
        .await
        .unwrap()
        .asset_id;
    let offer = a
        .offer(w.alice(), id, w.bob().address(), None)
        .await
        .unwrap();
    let cancelled = a.cancel(w.alice(), offer.proposal_id).await.unwrap();
    let e: AssetOfferCancelled = only_event(&cancelled);
    assert_eq!(
        (e.proposal, e.asset, e.sender, e.recipient),
        (
            offer.proposal_id,
            id,
            w.alice().address(),
            w.bob().address()
        )
    );
    let back: OnChainAsset = a.get(id).await.unwrap();
    assert_eq!(back.owner, w.alice().address());
    assert_eq!(back.offer, None);
    assert_eq!(
        identity_error(a.accept(w.bob(), offer.proposal_id).await),
        IdentityError::OfferNotFound
    );
    assert_eq!(a.get(id).await.unwrap(), back);
    // She can offer it again.
    a.offer(w.alice(), id, w.carol().address(), None)
        .await
        .unwrap();
}

pub async fn expired_offer_cannot_be_accepted_but_can_be_cancelled(client: Arc<dyn Client>) {
    let w = World::new(client.clone());
    let a = assets(&w);
    let id = a
        .create(w.alice(), &true, AssetFlags::all())
        .await
        .unwrap()
        .asset_id;
    let epoch = client.epoch().await.unwrap();
    let offer = a
        .offer(w.alice(), id, w.bob().address(), Some(epoch))
        .await
        .unwrap();
    client.advance_epoch().await.unwrap();
    assert_eq!(
        identity_error(a.accept(w.bob(), offer.proposal_id).await),
        IdentityError::OfferExpired
    );
    a.cancel(w.alice(), offer.proposal_id).await.unwrap();
    assert_eq!(
        identity_error(
            a.offer(w.alice(), id, w.bob().address(), Some(epoch))
                .await
                .map(|_| ())
        ),
        IdentityError::InvalidExpiration
    );
    assert_eq!(a.get(id).await.unwrap().owner, w.alice().address());
}

/// `offers_to` reads the `AssetOffered` events; past the node's event query cap it refuses
/// rather than answer from a truncated list (LIMITS.md, "Paging").
pub async fn open_offers_past_the_event_query_cap_are_refused_not_truncated(
    client: Arc<dyn Client>,
) {
    use movid_runtime::types::{ObjectID, TypeTag};
    use movid_sdk::paging::MAX_EVENTS_PER_QUERY;
    use movid_sdk::tx::TransactionBuilder;

    let w = World::new(client.clone());
    let a = assets(&w);
    let bytes = TypeTag::Vector(Box::new(TypeTag::U8));
    let per_tx = 250;
    let mut made = 0;
    while made < MAX_EVENTS_PER_QUERY {
        // One transaction creates `per_tx` assets, the next offers them all to bob.
        let mut tx = TransactionBuilder::new(&*client, w.alice().address());
        for _ in 0..per_tx {
            let args = vec![
                tx.pure(&b"x".to_vec()),
                tx.pure(&false),
                tx.pure(&true),
                tx.pure(&false),
            ];
            tx.move_call(
                ObjectID::IDENTITY,
                "asset",
                "create",
                vec![bytes.clone()],
                args,
            );
        }
        let created = tx.execute(w.alice()).await.unwrap();
        let ids: Vec<ObjectID> = created.created.iter().map(|o| o.id()).collect();
        assert_eq!(ids.len(), per_tx);
        let mut tx = TransactionBuilder::new(&*client, w.alice().address());
        for id in ids {
            let args = vec![
                tx.object(id).await.unwrap(),
                tx.pure(&w.bob().address()),
                tx.pure(&None::<u64>),
            ];
            tx.move_call(
                ObjectID::IDENTITY,
                "asset",
                "offer",
                vec![bytes.clone()],
                args,
            );
        }
        tx.execute(w.alice()).await.unwrap();
        made += per_tx;
    }
    let err = a.offers_to(w.bob().address()).await.unwrap_err();
    assert!(
        matches!(&err, SdkError::InvalidArgument(m) if m.contains("get_offer")),
        "{err:?}"
    );
}
