//! The SDK test suite against the in-process client, and what only the
//! in-process client does.

mod common;
#[macro_use]
mod suite;

use std::sync::Arc;

use async_trait::async_trait;
use movid_runtime::chain::ExecutionResult;
use movid_runtime::store::{EventFilter, EventRecord, ObjectVersion, TransactionRecord};
use movid_runtime::types::{
    Address, Digest, Object, ObjectID, ObjectRef, Owner, SequenceNumber, SignedTransaction,
    TransactionData,
};
use movid_sdk::{Client, IdentityClient, InProcessClient, SdkError, SdkResult};

async fn in_process() -> Arc<dyn Client> {
    Arc::new(InProcessClient::new_dev().expect("a dev chain"))
}

client_suite!(in_process);

#[tokio::test]
async fn dev_methods_can_be_refused() {
    let client = InProcessClient::new_dev().unwrap().with_dev_methods(false);
    let someone = movid_runtime::types::Address::random();
    assert!(matches!(
        client.faucet(someone, 1).await,
        Err(SdkError::DevOnly { method }) if method == "faucet"
    ));
    assert!(matches!(
        client.advance_epoch().await,
        Err(SdkError::DevOnly { .. })
    ));
    assert!(matches!(
        client.advance_clock(1).await,
        Err(SdkError::DevOnly { .. })
    ));
}

#[tokio::test]
async fn clients_share_one_chain() {
    let first = InProcessClient::new_dev().unwrap();
    let second = InProcessClient::new(first.chain().clone());
    first.advance_epoch().await.unwrap();
    assert_eq!(second.epoch().await.unwrap(), 1);
    assert_eq!(
        first.chain_identifier().await.unwrap(),
        second.chain_identifier().await.unwrap()
    );
}

/// A client that, like some indexers, does not serve child objects by ID:
/// only through `dynamic_fields`.
struct NoChildrenById(InProcessClient);

impl NoChildrenById {
    fn hide(object: Option<Object>) -> Option<Object> {
        object.filter(|o| !matches!(o.owner, Owner::ObjectOwner(_)))
    }
}

#[async_trait]
impl Client for NoChildrenById {
    fn network(&self) -> &str {
        self.0.network()
    }
    async fn chain_identifier(&self) -> SdkResult<Digest> {
        self.0.chain_identifier().await
    }
    async fn reference_gas_price(&self) -> SdkResult<u64> {
        self.0.reference_gas_price().await
    }
    async fn epoch(&self) -> SdkResult<u64> {
        self.0.epoch().await
    }
    async fn clock_ms(&self) -> SdkResult<u64> {
        self.0.clock_ms().await
    }
    async fn get_object(&self, id: ObjectID) -> SdkResult<Option<Object>> {
        Ok(Self::hide(self.0.get_object(id).await?))
    }
    async fn get_object_at(&self, id: ObjectID, v: SequenceNumber) -> SdkResult<Option<Object>> {
        self.0.get_object_at(id, v).await
    }
    async fn multi_get_objects(&self, ids: &[ObjectID]) -> SdkResult<Vec<Option<Object>>> {
        Ok(self
            .0
            .multi_get_objects(ids)
            .await?
            .into_iter()
            .map(Self::hide)
            .collect())
    }
    async fn object_history(&self, id: ObjectID) -> SdkResult<Vec<ObjectVersion>> {
        self.0.object_history(id).await
    }
    async fn owned_objects(&self, owner: Address) -> SdkResult<Vec<Object>> {
        self.0.owned_objects(owner).await
    }
    async fn dynamic_fields(&self, parent: ObjectID) -> SdkResult<Vec<Object>> {
        self.0.dynamic_fields(parent).await
    }
    async fn transaction(&self, digest: Digest) -> SdkResult<Option<TransactionRecord>> {
        self.0.transaction(digest).await
    }
    async fn events(&self, filter: EventFilter, limit: usize) -> SdkResult<Vec<EventRecord>> {
        self.0.events(filter, limit).await
    }
    async fn dry_run(&self, data: TransactionData) -> SdkResult<ExecutionResult> {
        self.0.dry_run(data).await
    }
    async fn execute(&self, tx: SignedTransaction) -> SdkResult<ExecutionResult> {
        self.0.execute(tx).await
    }
    async fn faucet(&self, recipient: Address, amount: u64) -> SdkResult<ObjectRef> {
        self.0.faucet(recipient, amount).await
    }
    async fn advance_epoch(&self) -> SdkResult<u64> {
        self.0.advance_epoch().await
    }
    async fn advance_clock(&self, ms: u64) -> SdkResult<u64> {
        self.0.advance_clock(ms).await
    }
}

#[tokio::test]
async fn proposals_are_found_through_dynamic_fields_when_not_served_by_id() {
    let client: Arc<dyn Client> = Arc::new(NoChildrenById(InProcessClient::new_dev().unwrap()));
    let w = common::World::new(client.clone());
    let identity = w.identity(&[0, 1], 2).await;
    let proposal = w
        .controller(&identity, 0)
        .await
        .propose_deactivation()
        .await
        .unwrap()
        .proposal_id;
    assert_eq!(client.get_object(proposal).await.unwrap(), None);
    let read = IdentityClient::new(client)
        .get_identity(identity.id)
        .await
        .unwrap();
    assert_eq!(read.proposals.len(), 1);
    assert_eq!(read.proposals[0].id, proposal);
}
