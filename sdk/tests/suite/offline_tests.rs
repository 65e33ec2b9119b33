//! Sponsored transactions and offline signing: unsigned bytes, signatures
//! made elsewhere, execution with the signatures gathered.

use std::sync::Arc;

use movid_runtime::crypto::KeyPair;
use movid_runtime::types::{Object, ObjectID, TransactionData};
use movid_runtime::TransactionError;
use movid_sdk::client::coin_balance;
use movid_sdk::identity::ControllerAction;
use movid_sdk::offline::{
    decode_signature, decode_transaction, encode_signature, encode_transaction, execute_signed,
    required_signers, sign_as, AddressOnly,
};
use movid_sdk::tx::TransactionBuilder;
use movid_sdk::{Client, SdkError};

use crate::common::{World, MIST_PER_SUI};

/// A fresh account holding one coin of 5 SUI, and that coin's ID.
async fn account_with_one_coin(w: &World) -> (KeyPair, ObjectID) {
    let key = KeyPair::generate();
    let coin = w.coin_for(key.address(), 5 * MIST_PER_SUI).await;
    (key, coin)
}

/// `sender` splits 1 MIST off `coin` (an input, not gas) to Bob, with
/// `sponsor` paying the gas.
async fn sponsored_split(
    w: &World,
    sender: &KeyPair,
    coin: ObjectID,
    sponsor: &KeyPair,
) -> TransactionData {
    let mut tx = TransactionBuilder::new(&*w.client, sender.address());
    tx.sponsor(sponsor.address());
    let input = tx.object(coin).await.unwrap();
    let amount = tx.pure(&1u64);
    let part = tx.split_coins(input, vec![amount]);
    let to = tx.pure(&w.bob().address());
    tx.transfer_objects(vec![part], to);
    tx.build_unsigned().await.unwrap()
}

/// Every object of `ids` as it is now (to compare after a refusal).
async fn snapshot(client: &dyn Client, ids: &[ObjectID]) -> Vec<Option<Object>> {
    client.multi_get_objects(ids).await.unwrap()
}

pub async fn sponsored_transaction_takes_gas_from_the_sponsors_coin(client: Arc<dyn Client>) {
    let w = World::new(client.clone());
    let (sender, coin) = account_with_one_coin(&w).await;
    let sponsor = w.carol();
    let sponsor_before: u64 = client
        .gas_coins(sponsor.address())
        .await
        .unwrap()
        .iter()
        .map(coin_balance)
        .sum();
    let data = sponsored_split(&w, &sender, coin, sponsor).await;
    assert_eq!(data.gas_data.owner, sponsor.address());
    assert_eq!(
        required_signers(&data),
        vec![sender.address(), sponsor.address()]
    );
    let gas_coin = *data.gas_data.payment[0].object_id();
    assert_ne!(gas_coin, coin);

    let signatures = vec![
        sign_as(&data, &sender).await.unwrap(),
        sign_as(&data, sponsor).await.unwrap(),
    ];
    let response = execute_signed(&*client, data, signatures).await.unwrap();

    // The sender paid nothing: its coin lost exactly the 1 unit it sent.
    assert_eq!(coin_balance(&w.object(coin).await), 5 * MIST_PER_SUI - 1);
    assert!(w.has_coin_of(w.bob().address(), 1).await);
    // The gas came out of the sponsor's coin, which stays the sponsor's.
    assert_eq!(*response.effects.gas_object.0.object_id(), gas_coin);
    assert_eq!(
        response.effects.gas_object.1.address(),
        Some(sponsor.address())
    );
    let sponsor_after: u64 = client
        .gas_coins(sponsor.address())
        .await
        .unwrap()
        .iter()
        .map(coin_balance)
        .sum();
    let gas = response.gas_used();
    let net = gas.computation_cost + gas.storage_cost - gas.storage_rebate;
    assert!(net > 0);
    assert_eq!(sponsor_before - sponsor_after, net);
}

pub async fn sponsored_transaction_without_the_sponsors_signature_is_refused(
    client: Arc<dyn Client>,
) {
    let w = World::new(client.clone());
    let (sender, coin) = account_with_one_coin(&w).await;
    let sponsor = w.carol();
    let data = sponsored_split(&w, &sender, coin, sponsor).await;
    let watched = [coin, *data.gas_data.payment[0].object_id()];
    let before = snapshot(&*client, &watched).await;

    // The builder will not send it with the sender's key alone...
    let mut tx = TransactionBuilder::new(&*client, sender.address());
    tx.sponsor(sponsor.address());
    assert!(matches!(
        tx.execute(&sender).await,
        Err(SdkError::MissingSignature { signer }) if signer == sponsor.address()
    ));
    // ...and the node refuses it.
    let only_sender = vec![sign_as(&data, &sender).await.unwrap()];
    let refused = execute_signed(&*client, data.clone(), only_sender).await;
    assert!(
        matches!(&refused, Err(SdkError::Transaction(t)) if matches!(**t, TransactionError::WrongSigners { .. })),
        "{refused:?}"
    );
    // Nor may the sponsor sign alone.
    let only_sponsor = vec![sign_as(&data, sponsor).await.unwrap()];
    assert!(matches!(
        execute_signed(&*client, data, only_sponsor).await,
        Err(SdkError::Transaction(_))
    ));
    assert_eq!(snapshot(&*client, &watched).await, before);
}

pub async fn sponsor_signature_over_other_bytes_is_refused(client: Arc<dyn Client>) {
    let w = World::new(client.clone());
    let (sender, coin) = account_with_one_coin(&w).await;
    let sponsor = w.carol();
    let data = sponsored_split(&w, &sender, coin, sponsor).await;
    let watched = [coin, *data.gas_data.payment[0].object_id()];
    let before = snapshot(&*client, &watched).await;

    // The sponsor agreed to a smaller budget than the transaction carries.
    let mut agreed = data.clone();
    agreed.gas_data.budget -= 1;
    let signatures = vec![
        sign_as(&data, &sender).await.unwrap(),
        sign_as(&agreed, sponsor).await.unwrap(),
    ];
    let refused = execute_signed(&*client, data.clone(), signatures).await;
    assert!(
        matches!(refused, Err(SdkError::Transaction(_))),
        "{refused:?}"
    );

    // A third party's signature does not stand in for the sponsor's.
    let signatures = vec![
        sign_as(&data, &sender).await.unwrap(),
        w.dave().sign_transaction(&data),
    ];
    assert!(matches!(
        execute_signed(&*client, data.clone(), signatures).await,
        Err(SdkError::Transaction(_))
    ));
    // And the SDK refuses to sign as someone the transaction does not name.
    assert!(matches!(
        sign_as(&data, w.dave()).await,
        Err(SdkError::NotASigner { signer, .. }) if signer == w.dave().address()
    ));
    assert_eq!(snapshot(&*client, &watched).await, before);
}

pub async fn unsigned_bytes_round_trip_through_base64(client: Arc<dyn Client>) {
    let w = World::new(client.clone());
    let mut tx = TransactionBuilder::new(&*client, w.alice().address());
    let amount = tx.pure(&7u64);
    let part = tx.split_coins(tx.gas(), vec![amount]);
    let to = tx.pure(&w.bob().address());
    tx.transfer_objects(vec![part], to);
    let data = tx.build_unsigned().await.unwrap();
    let bytes = encode_transaction(&data);

    // Elsewhere: decode, sign, hand back the signature as text.
    let there = decode_transaction(&bytes).unwrap();
    assert_eq!(there, data);
    let signature = encode_signature(&sign_as(&there, w.alice()).await.unwrap());

    let response = execute_signed(
        &*client,
        decode_transaction(&bytes).unwrap(),
        vec![decode_signature(&signature).unwrap()],
    )
    .await
    .unwrap();
    assert_eq!(response.digest, data.digest());
    assert!(w.has_coin_of(w.bob().address(), 7).await);

    // Bytes that are not one TransactionData are named, not guessed at.
    let mut raw = bcs::to_bytes(&data).unwrap();
    raw.push(0);
    use base64::Engine;
    let trailing = base64::engine::general_purpose::STANDARD.encode(raw);
    assert!(matches!(
        decode_transaction(&trailing),
        Err(SdkError::Decode { .. })
    ));
    assert!(matches!(
        decode_transaction("not base64!"),
        Err(SdkError::Decode { .. })
    ));
    assert!(matches!(
        decode_signature("AAAA"),
        Err(SdkError::Decode { .. })
    ));
}

pub async fn controller_approval_is_built_sponsored_and_signed_elsewhere(client: Arc<dyn Client>) {
    let w = World::new(client.clone());
    let identity = w.identity(&[0, 1], 2).await;
    let alice = w.controller(&identity, 0).await;
    let doc = w.doc(&identity, 0);
    let proposal = alice.propose_document(&doc).await.unwrap().proposal_id;

    // Bob's approval, sponsored by Carol, built without executing and
    // without Bob's key: only his address is known here.
    let bob_elsewhere = AddressOnly(w.bob().address());
    let bob = w.ids.controller(identity.id, &bob_elsewhere).await.unwrap();
    let refused = bob.approve(proposal).await;
    assert!(
        matches!(refused, Err(SdkError::MissingSignature { signer }) if signer == w.bob().address()),
        "{refused:?}"
    );
    let mut tx = bob
        .transaction(&ControllerAction::Approve(proposal))
        .await
        .unwrap();
    tx.sponsor(w.carol().address());
    let data = tx.build_unsigned().await.unwrap();
    let before = w.ids.get_identity(identity.id).await.unwrap();
    assert_eq!(before.current_votes(before.proposal(proposal).unwrap()), 1);

    let signatures = vec![
        sign_as(&data, w.bob()).await.unwrap(),
        sign_as(&data, w.carol()).await.unwrap(),
    ];
    let response = execute_signed(&*client, data, signatures).await.unwrap();
    assert_eq!(
        response.effects.gas_object.1.address(),
        Some(w.carol().address())
    );
    let after = w.ids.get_identity(identity.id).await.unwrap();
    assert_eq!(after.current_votes(after.proposal(proposal).unwrap()), 2);

    // The execution, built the same way (unsponsored), signed by Bob alone.
    let data = bob
        .transaction(&ControllerAction::Execute(proposal))
        .await
        .unwrap()
        .build_unsigned()
        .await
        .unwrap();
    let signature = sign_as(&data, w.bob()).await.unwrap();
    execute_signed(&*client, data, vec![signature])
        .await
        .unwrap();
    let resolved = w.ids.get_identity(identity.id).await.unwrap();
    assert!(resolved.proposal(proposal).is_none());
    assert_eq!(resolved.document().unwrap().unwrap(), doc);
}

pub async fn builder_executes_a_sponsored_transaction_with_both_keys(client: Arc<dyn Client>) {
    let w = World::new(client.clone());
    let (sender, coin) = account_with_one_coin(&w).await;
    let mut tx = TransactionBuilder::new(&*client, sender.address());
    tx.sponsor(w.carol().address());
    let input = tx.object(coin).await.unwrap();
    let to = tx.pure(&w.bob().address());
    tx.transfer_objects(vec![input], to);
    // Dave is not the sponsor named: refused before anything is signed.
    assert!(matches!(
        tx.execute_sponsored(&sender, w.dave()).await,
        Err(SdkError::NotASigner { signer, .. }) if signer == w.dave().address()
    ));
    assert_eq!(w.object(coin).await.owner.address(), Some(sender.address()));
    let response = tx.execute_sponsored(&sender, w.carol()).await.unwrap();
    assert_eq!(
        response.effects.gas_object.1.address(),
        Some(w.carol().address())
    );
    let moved = w.object(coin).await;
    assert_eq!(moved.owner.address(), Some(w.bob().address()));
    assert_eq!(coin_balance(&moved), 5 * MIST_PER_SUI);
}
