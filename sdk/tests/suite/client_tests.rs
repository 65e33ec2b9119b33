//! The client's reads and writes, and the transaction builder.

use std::sync::Arc;

use movid_runtime::crypto::KeyPair;
use movid_runtime::execution::gas_coin_type;
use movid_runtime::gas::{MAX_GAS_BUDGET, MIN_GAS_BUDGET};
use movid_runtime::store::EventFilter;
use movid_runtime::types::{
    random_address, Digest, ExecutionFailure, ExecutionStatus, ObjectArg, ObjectID, Owner,
    WellKnown,
};
use movid_runtime::TransactionError;
use movid_sdk::client::coin_balance;
use movid_sdk::identity::{event_type, ProposalKind};
use movid_sdk::keys::{Backend, Capability, IdentityManager, Scheme};
use movid_sdk::tx::{struct_tag, TransactionBuilder};
use movid_sdk::{returns, Client, SdkError};
use serde_json::json;

use crate::common::{World, MIST_PER_SUI};

pub async fn client_reports_chain_metadata(client: Arc<dyn Client>) {
    let id = client.chain_identifier().await.unwrap();
    assert_eq!(client.chain_identifier().await.unwrap(), id);
    assert_ne!(id, Digest::ZERO);
    assert!(client.reference_gas_price().await.unwrap() >= 1);
    assert_eq!(client.epoch().await.unwrap(), 0);
    assert!(client.clock_ms().await.unwrap() > 0);
    assert_eq!(client.network(), "local");
}

pub async fn dev_controls_move_epoch_and_clock(client: Arc<dyn Client>) {
    assert_eq!(client.advance_epoch().await.unwrap(), 1);
    assert_eq!(client.epoch().await.unwrap(), 1);
    let before = client.clock_ms().await.unwrap();
    assert_eq!(client.advance_clock(5_000).await.unwrap(), before + 5_000);
    assert_eq!(client.clock_ms().await.unwrap(), before + 5_000);
}

pub async fn faucet_funds_a_new_address(client: Arc<dyn Client>) {
    let fresh = KeyPair::generate().address();
    assert!(client.gas_coins(fresh).await.unwrap().is_empty());
    let coin = client.faucet(fresh, 5 * MIST_PER_SUI).await.unwrap();
    let coins = client.gas_coins(fresh).await.unwrap();
    assert_eq!(coins.len(), 1);
    assert_eq!(coins[0].object_ref(), coin);
    assert_eq!(coin_balance(&coins[0]), 5 * MIST_PER_SUI);
    assert_eq!(client.owned_objects(fresh).await.unwrap().len(), 1);
}

pub async fn object_reads_follow_versions(client: Arc<dyn Client>) {
    let w = World::new(client.clone());
    let coin = client.gas_coins(w.alice().address()).await.unwrap()[1].clone();
    let mut tx = TransactionBuilder::new(&*client, w.alice().address());
    let c = tx.object(coin.id()).await.unwrap();
    let to = tx.pure(&w.bob().address());
    tx.transfer_objects(vec![c], to);
    tx.execute(w.alice()).await.unwrap();

    let now = w.object(coin.id()).await;
    assert_eq!(now.owner, Owner::AddressOwner(w.bob().address()));
    assert!(now.version() > coin.version());
    let then = client
        .get_object_at(coin.id(), coin.version())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(then, coin);
    let history = client.object_history(coin.id()).await.unwrap();
    let versions: Vec<u64> = history.iter().map(|v| v.version).collect();
    assert_eq!(versions, vec![coin.version(), now.version()]);

    let unknown = random_address();
    assert_eq!(client.get_object(unknown).await.unwrap(), None);
    assert!(
        matches!(client.object(unknown).await, Err(SdkError::ObjectNotFound(id)) if id == unknown)
    );
    let both = client
        .multi_get_objects(&[coin.id(), unknown])
        .await
        .unwrap();
    assert_eq!(both, vec![Some(now), None]);
}

pub async fn transactions_and_events_are_recorded(client: Arc<dyn Client>) {
    let w = World::new(client.clone());
    let identity = w.identity(&[0], 1).await;
    let created = event_type("IdentityCreated");
    let events = client
        .events(
            EventFilter {
                type_: Some(created.clone()),
                ..Default::default()
            },
            10,
        )
        .await
        .unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].event.sender, w.alice().address());
    assert_eq!(&events[0].event.contents[..32], identity.id.as_bytes());

    let digest = events[0].transaction;
    let record = client.transaction(digest).await.unwrap().unwrap();
    assert!(record.effects.status.is_ok());
    assert_eq!(record.events[events[0].index], events[0].event);
    let by_tx = client
        .events(
            EventFilter {
                transaction: Some(digest),
                ..Default::default()
            },
            100,
        )
        .await
        .unwrap();
    assert_eq!(by_tx.len(), record.events.len());
    let by_bob = EventFilter {
        sender: Some(w.bob().address()),
        ..Default::default()
    };
    assert!(client.events(by_bob, 10).await.unwrap().is_empty());
    assert_eq!(
        client.transaction(Digest::new([7; 32])).await.unwrap(),
        None
    );
}

pub async fn dry_run_does_not_commit(client: Arc<dyn Client>) {
    let w = World::new(client.clone());
    let coin = client.gas_coins(w.alice().address()).await.unwrap()[1].clone();
    let mut tx = TransactionBuilder::new(&*client, w.alice().address());
    let c = tx.object(coin.id()).await.unwrap();
    let to = tx.pure(&w.bob().address());
    tx.transfer_objects(vec![c], to);
    let data = tx.build().await.unwrap();
    let result = client.dry_run(data.clone()).await.unwrap();
    assert!(result.effects.status.is_ok());
    assert_eq!(result.digest, data.digest());
    assert_eq!(w.object(coin.id()).await, coin);
    assert_eq!(client.transaction(result.digest).await.unwrap(), None);
}

pub async fn dev_inspect_decodes_return_values_and_commits_nothing(client: Arc<dyn Client>) {
    let w = World::new(client.clone());
    let alice = w.alice().address();
    let coin = client.gas_coins(alice).await.unwrap()[1].clone();
    let movid = gas_coin_type().type_params[0].clone();
    let mut tx = TransactionBuilder::new(&*client, alice);
    let c = tx.object(coin.id()).await.unwrap();
    let a = tx.pure(&alice);
    tx.move_call(ObjectID::FRAMEWORK, "coin", "value", vec![movid], vec![c]);
    tx.move_call(
        ObjectID::FRAMEWORK,
        "address",
        "to_ascii_string",
        vec![],
        vec![a],
    );
    tx.move_call(ObjectID::FRAMEWORK, "address", "to_string", vec![], vec![a]);
    tx.move_call(
        ObjectID::FRAMEWORK,
        "object",
        "id_from_address",
        vec![],
        vec![a],
    );
    let data = tx.build().await.unwrap();
    let r = client.dev_inspect(data.clone()).await.unwrap();
    assert!(
        r.result.effects.status.is_ok(),
        "{:?}",
        r.result.effects.status
    );
    assert_eq!(r.result.digest, data.digest());
    let decoded: Vec<Vec<serde_json::Value>> = r
        .return_values
        .iter()
        .map(|c| c.iter().map(returns::describe).collect())
        .collect();
    let hex = hex::encode(bcs::to_bytes(&alice).unwrap());
    assert_eq!(
        decoded,
        vec![
            vec![json!({ "type": "u64", "value": coin_balance(&coin).to_string() })],
            vec![json!({ "type": "0x1::ascii::String", "value": hex })],
            vec![json!({ "type": "0x1::string::String", "value": hex })],
            vec![json!({ "type": "0x2::object::ID", "value": format!("0x{hex}") })],
        ]
    );
    // Nothing committed: the coin is as it was and no transaction was recorded.
    assert_eq!(w.object(coin.id()).await, coin);
    assert_eq!(client.transaction(r.result.digest).await.unwrap(), None);
}

pub async fn dev_inspect_of_an_unknown_function_fails_by_name(client: Arc<dyn Client>) {
    let w = World::new(client.clone());
    let alice = w.alice().address();
    let coin = client.gas_coins(alice).await.unwrap()[1].clone();
    let mut tx = TransactionBuilder::new(&*client, alice);
    tx.gas_budget(MIN_GAS_BUDGET * 10);
    let c = tx.object(coin.id()).await.unwrap();
    tx.move_call(
        ObjectID::FRAMEWORK,
        "coin",
        "no_such_function",
        vec![],
        vec![c],
    );
    let data = tx.build().await.unwrap();
    let r = client.dev_inspect(data).await.unwrap();
    let ExecutionStatus::Failure {
        error: ExecutionFailure::FunctionNotCallable { target, .. },
        command: Some(0),
    } = &r.result.effects.status
    else {
        panic!("{:?}", r.result.effects.status)
    };
    assert!(target.ends_with("::coin::no_such_function"), "{target}");
    assert!(r.return_values.is_empty());
    assert_eq!(client.transaction(r.result.digest).await.unwrap(), None);
    assert_eq!(w.object(coin.id()).await, coin);
}

pub async fn builder_splits_merges_and_transfers(client: Arc<dyn Client>) {
    let w = World::new(client.clone());
    let target = w.coin_for(w.alice().address(), MIST_PER_SUI).await;
    let mut tx = TransactionBuilder::new(&*client, w.alice().address());
    let amounts = vec![tx.pure(&100u64), tx.pure(&200u64)];
    let split = tx.split_coins(tx.gas(), amounts);
    let target_arg = tx.object(target).await.unwrap();
    tx.merge_coins(target_arg, vec![movid_sdk::tx::nested(split, 0)]);
    let to = tx.pure(&w.bob().address());
    tx.transfer_objects(vec![movid_sdk::tx::nested(split, 1)], to);
    let response = tx.execute(w.alice()).await.unwrap();

    let coin_type = gas_coin_type();
    let created: Vec<_> = response.created_of_type(&coin_type).collect();
    // The merged coin was created and deleted in the same transaction.
    assert_eq!(created.len(), 1);
    assert_eq!(coin_balance(created[0]), 200);
    assert_eq!(created[0].owner, Owner::AddressOwner(w.bob().address()));
    assert_eq!(coin_balance(&w.object(target).await), MIST_PER_SUI + 100);
}

pub async fn builder_pays_gas_with_a_coin_that_is_not_an_input(client: Arc<dyn Client>) {
    let w = World::new(client.clone());
    // The largest coin would be chosen for gas, unless it is an input.
    let big = w.coin_for(w.alice().address(), 2_000 * MIST_PER_SUI).await;
    let mut tx = TransactionBuilder::new(&*client, w.alice().address());
    let c = tx.object(big).await.unwrap();
    let amount = tx.pure(&1u64);
    let split = tx.split_coins(c, vec![amount]);
    let to = tx.pure(&w.bob().address());
    tx.transfer_objects(vec![split], to);
    let data = tx.build().await.unwrap();
    assert!(data.gas_data.payment.iter().all(|r| *r.object_id() != big));
    let response = tx.execute(w.alice()).await.unwrap();
    assert_ne!(*response.effects.gas_object.0.object_id(), big);
}

pub async fn builder_budget_comes_from_the_dry_run(client: Arc<dyn Client>) {
    let w = World::new(client.clone());
    let mut tx = TransactionBuilder::new(&*client, w.alice().address());
    let amount = tx.pure(&1u64);
    let split = tx.split_coins(tx.gas(), vec![amount]);
    let to = tx.pure(&w.bob().address());
    tx.transfer_objects(vec![split], to);
    let data = tx.build().await.unwrap();
    let budget = data.gas_data.budget;
    assert!((MIN_GAS_BUDGET..=MAX_GAS_BUDGET).contains(&budget));
    assert_eq!(data.gas_data.payment.len(), 1);
    let dry = client.dry_run(data).await.unwrap().effects.gas_used;
    assert!(budget >= dry.computation_cost + dry.storage_cost);
    let response = tx.execute(w.alice()).await.unwrap();
    let gas = response.gas_used();
    assert!(gas.computation_cost + gas.storage_cost <= budget);
}

/// A call that aborts: purging a proposal of an identity that is not deleted.
async fn aborting_call(w: &World) -> TransactionBuilder<'_> {
    let identity = w.identity(&[0], 1).await;
    let mut tx = TransactionBuilder::new(&*w.client, w.alice().address());
    let i = tx.shared_object(identity.id, true).await.unwrap();
    let p = tx.pure(&random_address());
    tx.move_call(
        ObjectID::IDENTITY,
        "identity",
        "purge_proposal",
        vec![ProposalKind::UpdateDid.type_tag()],
        vec![i, p],
    );
    tx
}

pub async fn failed_dry_run_is_not_submitted(client: Arc<dyn Client>) {
    let w = World::new(client.clone());
    let tx = aborting_call(&w).await;
    let coins_before = client.gas_coins(w.alice().address()).await.unwrap();
    let err = tx.execute(w.alice()).await.unwrap_err();
    match (&err, err.move_abort()) {
        (
            SdkError::ExecutionFailed {
                command, submitted, ..
            },
            Some(abort),
        ) => {
            let (command, submitted) = (*command, *submitted);
            assert!(!submitted);
            assert_eq!(command, Some(0));
            assert_eq!(abort.constant.as_deref(), Some("EIdentityNotDeleted"));
            assert_eq!(abort.module, "identity");
            assert_eq!(abort.function.as_deref(), Some("purge_proposal"));
            assert!(abort
                .to_string()
                .contains("identity::identity::EIdentityNotDeleted"));
        }
        _ => panic!("expected an abort, got {err:?}"),
    }
    // Nothing was charged.
    assert_eq!(
        client.gas_coins(w.alice().address()).await.unwrap(),
        coins_before
    );
}

pub async fn failed_transaction_with_fixed_budget_is_recorded(client: Arc<dyn Client>) {
    let w = World::new(client.clone());
    let mut tx = aborting_call(&w).await;
    tx.gas_budget(10 * MIN_GAS_BUDGET);
    let Err(SdkError::ExecutionFailed {
        digest, submitted, ..
    }) = tx.execute(w.alice()).await
    else {
        panic!("expected a failure")
    };
    assert!(submitted);
    let record = client.transaction(digest).await.unwrap().unwrap();
    assert!(matches!(
        record.effects.status,
        ExecutionStatus::Failure {
            error: ExecutionFailure::MoveAbort(_),
            ..
        }
    ));
    assert!(record.effects.gas_used.computation_cost > 0);
}

pub async fn stale_object_is_refused(client: Arc<dyn Client>) {
    let w = World::new(client.clone());
    let coin = w.coin_for(w.alice().address(), MIST_PER_SUI).await;
    let old = w.object(coin).await.object_ref();
    let mut tx = TransactionBuilder::new(&*client, w.alice().address());
    let c = tx.object(coin).await.unwrap();
    let amount = tx.pure(&1u64);
    let split = tx.split_coins(c, vec![amount]);
    let to = tx.pure(&w.bob().address());
    tx.transfer_objects(vec![split], to);
    tx.execute(w.alice()).await.unwrap();

    let mut stale = TransactionBuilder::new(&*client, w.alice().address());
    let c = stale.object_arg(ObjectArg::ImmOrOwned(old.clone()));
    let to = stale.pure(&w.bob().address());
    stale.transfer_objects(vec![c], to);
    let err = stale.execute(w.alice()).await.unwrap_err();
    match err.transaction_error() {
        Some(TransactionError::StaleObject { given, current }) => {
            assert_eq!(**given, old);
            assert!(current.version() > old.version());
        }
        _ => panic!("expected StaleObject, got {err:?}"),
    }
}

pub async fn wrong_signer_is_refused(client: Arc<dyn Client>) {
    let w = World::new(client.clone());
    let mut tx = TransactionBuilder::new(&*client, w.alice().address());
    let amount = tx.pure(&1u64);
    let split = tx.split_coins(tx.gas(), vec![amount]);
    let to = tx.pure(&w.bob().address());
    tx.transfer_objects(vec![split], to);
    assert!(matches!(
        tx.execute(w.bob()).await,
        Err(SdkError::WrongSigner { sender, signer })
            if sender == w.alice().address() && signer == w.bob().address()
    ));
}

pub async fn sender_without_gas_is_told_so(client: Arc<dyn Client>) {
    let broke = KeyPair::generate();
    let mut tx = TransactionBuilder::new(&*client, broke.address());
    let amount = tx.pure(&1u64);
    let split = tx.split_coins(tx.gas(), vec![amount]);
    let to = tx.pure(&broke.address());
    tx.transfer_objects(vec![split], to);
    assert!(matches!(
        tx.execute(&broke).await,
        Err(SdkError::InsufficientGas { owner, balance: 0, .. }) if owner == broke.address()
    ));
}

pub async fn key_manager_committer_signs_transactions(client: Arc<dyn Client>) {
    let w = World::new(client.clone());
    let (_, handle) = IdentityManager::new()
        .generate(&Backend::memory(), Scheme::Ed25519, Capability::Commit)
        .await
        .unwrap();
    let committer = handle.committer().unwrap();
    let me = movid_sdk::tx::Signer::address(&committer);
    w.coin_for(me, 10 * MIST_PER_SUI).await;
    let mut tx = TransactionBuilder::new(&*client, me);
    let amount = tx.pure(&42u64);
    let split = tx.split_coins(tx.gas(), vec![amount]);
    let to = tx.pure(&w.bob().address());
    tx.transfer_objects(vec![split], to);
    tx.execute(&committer).await.unwrap();
    assert!(w.has_coin_of(w.bob().address(), 42).await);
}

pub async fn publish_and_call_through_the_builder(client: Arc<dyn Client>) {
    let w = World::new(client.clone());
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("sources")).unwrap();
    std::fs::write(
        dir.path().join("Move.toml"),
        "[package]\nname = \"Counter\"\n\n[dependencies]\nMovid = { builtin = true }\n\n[addresses]\ncounter = \"0x0\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("sources/counter.move"),
        r#"module counter::counter {
    use movid::object::{Self, UID};
    use movid::transfer;
    use movid::tx_context::TxContext;
    struct Counter has key, store { id: UID, value: u64 }
    public fun new(ctx: &mut TxContext): Counter { Counter { id: object::new(ctx), value: 0 } }
    public entry fun create(ctx: &mut TxContext) { transfer::share_object(new(ctx)) }
    public fun bump(c: &mut Counter) { c.value = c.value + 1 }
}"#,
    )
    .unwrap();
    let package = movid_runtime::build::build_package(dir.path(), &Default::default()).unwrap();

    let mut tx = TransactionBuilder::new(&*client, w.alice().address());
    let cap = tx.publish(package.module_bytes(), package.dependencies.clone());
    let me = tx.pure(&w.alice().address());
    tx.transfer_objects(vec![cap], me);
    let response = tx.execute(w.alice()).await.unwrap();
    let package_id = response
        .created
        .iter()
        .find(|o| o.as_package().is_some())
        .expect("the package is created")
        .id();

    let mut tx = TransactionBuilder::new(&*client, w.alice().address());
    let counter = tx.move_call(package_id, "counter", "new", vec![], vec![]);
    tx.move_call(package_id, "counter", "bump", vec![], vec![counter]);
    let me = tx.pure(&w.alice().address());
    tx.transfer_objects(vec![counter], me);
    let response = tx.execute(w.alice()).await.unwrap();
    let counter_type = struct_tag(package_id, "counter", "Counter", vec![]);
    let counter = response.created_of_type(&counter_type).next().unwrap();
    assert_eq!(
        counter.as_move().unwrap().contents[32..40],
        1u64.to_le_bytes()
    );
}

/// A package's own `sui::SUI` (`runtime/tests/packages/own_sui_coin`: a coin called SUI, larger
/// than any real gas coin) is never offered or used for gas: the builder pays with a
/// `Coin<0x2::sui::SUI>` and leaves the look-alike as it was.
pub async fn gas_is_never_paid_with_a_look_alike_sui_coin(client: Arc<dyn Client>) {
    let w = World::new(client.clone());
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../runtime/tests/packages/own_sui_coin");
    let package = movid_runtime::build::build_package(&dir, &Default::default()).unwrap();
    let mut tx = TransactionBuilder::new(&*client, w.alice().address());
    let cap = tx.publish(package.module_bytes(), package.dependencies.clone());
    let me = tx.pure(&w.alice().address());
    tx.transfer_objects(vec![cap], me);
    let response = tx.execute(w.alice()).await.unwrap();
    let package_id = response
        .created
        .iter()
        .find(|o| o.as_package().is_some())
        .expect("the package is created")
        .id();
    let fake_type = struct_tag(
        ObjectID::FRAMEWORK,
        "coin",
        "Coin",
        vec![movid_runtime::types::TypeTag::Struct(struct_tag(
            package_id,
            "sui",
            "SUI",
            vec![],
        ))],
    );
    let fake = response
        .created_of_type(&fake_type)
        .next()
        .expect("init minted the look-alike")
        .clone();
    assert_eq!(coin_balance(&fake), 1_000_000 * MIST_PER_SUI);

    let coins = client.gas_coins(w.alice().address()).await.unwrap();
    assert!(!coins.is_empty());
    assert!(coins.iter().all(|c| c.type_() == Some(&gas_coin_type())));
    assert!(coins.iter().all(|c| c.id() != fake.id()));

    let mut tx = TransactionBuilder::new(&*client, w.alice().address());
    let amount = tx.pure(&7u64);
    let split = tx.split_coins(tx.gas(), vec![amount]);
    let to = tx.pure(&w.bob().address());
    tx.transfer_objects(vec![split], to);
    let response = tx.execute(w.alice()).await.unwrap();
    let gas = w.object(*response.effects.gas_object.0.object_id()).await;
    assert_eq!(gas.type_(), Some(&gas_coin_type()));
    assert_eq!(
        w.object(fake.id()).await,
        fake,
        "the look-alike is untouched"
    );
}

pub async fn dynamic_fields_hold_an_identitys_proposals(client: Arc<dyn Client>) {
    let w = World::new(client.clone());
    let identity = w.identity(&[0, 1], 2).await;
    let proposal = w
        .controller(&identity, 0)
        .await
        .propose_deactivation()
        .await
        .unwrap()
        .proposal_id;
    // Proposals live in an object bag: bag -> field object -> proposal.
    let fields = client.dynamic_fields(identity.proposals_bag).await.unwrap();
    assert_eq!(fields.len(), 1);
    assert_eq!(fields[0].owner, Owner::ObjectOwner(identity.proposals_bag));
    let values = client.dynamic_fields(fields[0].id()).await.unwrap();
    assert_eq!(values.len(), 1);
    assert_eq!(values[0].id(), proposal);
    assert!(client.dynamic_fields(identity.id).await.unwrap().is_empty());
}
