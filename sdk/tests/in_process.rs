//! The SDK test suite against the in-process client, and what only the
//! in-process client does.

mod common;
#[macro_use]
mod suite;

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use movid_runtime::chain::ExecutionResult;
use movid_runtime::store::{EventFilter, EventRecord, ObjectVersion, TransactionRecord};
use movid_runtime::types::{
    Address, Data, Digest, Object, ObjectID, ObjectReference, Owner, SequenceNumber,
    SignedTransaction, TransactionData,
};
use movid_sdk::{Client, IdentityClient, InProcessClient, SdkError, SdkResult};

async fn in_process() -> Arc<dyn Client> {
    Arc::new(InProcessClient::new_dev().expect("a dev chain"))
}

client_suite!(in_process);

#[tokio::test]
async fn dev_methods_can_be_refused() {
    let client = InProcessClient::new_dev().unwrap().with_dev_methods(false);
    let someone = movid_runtime::types::random_address();
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

/// A client passing every object it reads by ID through `rewrite`, which
/// may hide it or alter its bytes.
struct Rewriting {
    inner: InProcessClient,
    rewrite: Box<dyn Fn(Object) -> Option<Object> + Send + Sync>,
}

impl Rewriting {
    /// Like some indexers, does not serve child objects by ID: only
    /// through `dynamic_fields`.
    fn no_children_by_id() -> Rewriting {
        Rewriting {
            inner: InProcessClient::new_dev().unwrap(),
            rewrite: Box::new(|o| (!matches!(o.owner, Owner::ObjectOwner(_))).then_some(o)),
        }
    }

    fn hide(&self, object: Option<Object>) -> Option<Object> {
        object.and_then(|o| (self.rewrite)(o))
    }
}

#[async_trait]
impl Client for Rewriting {
    fn network(&self) -> &str {
        self.inner.network()
    }
    async fn chain_identifier(&self) -> SdkResult<Digest> {
        self.inner.chain_identifier().await
    }
    async fn reference_gas_price(&self) -> SdkResult<u64> {
        self.inner.reference_gas_price().await
    }
    async fn epoch(&self) -> SdkResult<u64> {
        self.inner.epoch().await
    }
    async fn clock_ms(&self) -> SdkResult<u64> {
        self.inner.clock_ms().await
    }
    async fn get_object(&self, id: ObjectID) -> SdkResult<Option<Object>> {
        Ok(self.hide(self.inner.get_object(id).await?))
    }
    async fn get_object_at(&self, id: ObjectID, v: SequenceNumber) -> SdkResult<Option<Object>> {
        self.inner.get_object_at(id, v).await
    }
    async fn multi_get_objects(&self, ids: &[ObjectID]) -> SdkResult<Vec<Option<Object>>> {
        Ok(self
            .inner
            .multi_get_objects(ids)
            .await?
            .into_iter()
            .map(|o| self.hide(o))
            .collect())
    }
    async fn object_history(&self, id: ObjectID) -> SdkResult<Vec<ObjectVersion>> {
        self.inner.object_history(id).await
    }
    async fn owned_objects(&self, owner: Address) -> SdkResult<Vec<Object>> {
        self.inner.owned_objects(owner).await
    }
    async fn dynamic_fields(&self, parent: ObjectID) -> SdkResult<Vec<Object>> {
        self.inner.dynamic_fields(parent).await
    }
    async fn transaction(&self, digest: Digest) -> SdkResult<Option<TransactionRecord>> {
        self.inner.transaction(digest).await
    }
    async fn events(&self, filter: EventFilter, limit: usize) -> SdkResult<Vec<EventRecord>> {
        self.inner.events(filter, limit).await
    }
    async fn dry_run(&self, data: TransactionData) -> SdkResult<ExecutionResult> {
        self.inner.dry_run(data).await
    }
    async fn dev_inspect(
        &self,
        data: TransactionData,
    ) -> SdkResult<movid_runtime::chain::DevInspectResult> {
        self.inner.dev_inspect(data).await
    }
    async fn execute(&self, tx: SignedTransaction) -> SdkResult<ExecutionResult> {
        self.inner.execute(tx).await
    }
    async fn faucet(&self, recipient: Address, amount: u64) -> SdkResult<ObjectReference> {
        self.inner.faucet(recipient, amount).await
    }
    async fn advance_epoch(&self) -> SdkResult<u64> {
        self.inner.advance_epoch().await
    }
    async fn advance_clock(&self, ms: u64) -> SdkResult<u64> {
        self.inner.advance_clock(ms).await
    }
}

#[tokio::test]
async fn proposals_are_found_through_dynamic_fields_when_not_served_by_id() {
    let client: Arc<dyn Client> = Arc::new(Rewriting::no_children_by_id());
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

/// Issue 13: one proposal holding bytes that do not decode (here a
/// two-element `Option` as its expiration, which the runtime now refuses to
/// create, so the bytes are altered on the way from the chain) must not make
/// the identity unreadable, nor block approvals of its other proposals.
#[tokio::test]
async fn one_undecodable_proposal_is_reported_and_the_rest_stays_readable() {
    let corrupt: Arc<Mutex<Option<ObjectID>>> = Arc::default();
    let target = corrupt.clone();
    let client: Arc<dyn Client> = Arc::new(Rewriting {
        inner: InProcessClient::new_dev().unwrap(),
        rewrite: Box::new(move |mut o| {
            if Some(o.id()) == *target.lock().unwrap() {
                if let Data::Move(m) = &mut o.data {
                    // id 32, votes 8, voters and rejecters (a one-byte
                    // length, then 32 bytes each), then the expiration's
                    // Option tag: 0 (none) becomes 2.
                    let rejecters = 41 + 32 * usize::from(m.contents[40]);
                    let tag = rejecters + 1 + 32 * usize::from(m.contents[rejecters]);
                    assert_eq!(m.contents[tag], 0);
                    m.contents[tag] = 2;
                }
            }
            Some(o)
        }),
    });
    let w = common::World::new(client.clone());
    let identity = w.identity(&[0, 1], 2).await;
    let alice = w.controller(&identity, 0).await;
    let bad = alice.propose_deactivation().await.unwrap().proposal_id;
    let good = alice.propose_did_deletion().await.unwrap().proposal_id;
    *corrupt.lock().unwrap() = Some(bad);

    let ids = IdentityClient::new(client);
    let read = ids.get_identity(identity.id).await.unwrap();
    assert_eq!(read.proposal_ids, vec![bad, good]);
    assert_eq!(read.proposals.len(), 1);
    assert_eq!(read.proposals[0].id, good);
    assert_eq!(read.undecodable_proposals.len(), 1);
    assert_eq!(read.undecodable_proposals[0].id, bad);
    assert!(
        read.undecodable_proposals[0].error.contains("2 elements"),
        "{}",
        read.undecodable_proposals[0].error
    );
    // Reading the bad one alone names the error.
    assert!(matches!(
        ids.get_proposal(bad).await,
        Err(SdkError::Decode { .. })
    ));

    // Bob approves and executes the other proposal.
    let bob = w.controller(&identity, 1).await;
    bob.approve(good).await.unwrap();
    bob.execute(good).await.unwrap();
    let read = ids.get_identity(identity.id).await.unwrap();
    assert!(read.deleted_did);
    assert_eq!(read.proposal_ids, vec![bad]);
    assert!(read.proposals.is_empty());
    assert_eq!(read.undecodable_proposals.len(), 1);

    // The undecodable proposal itself can still be voted on (its action type is read from
    // the object's type): alice, its creator, cannot reject what she approved, but once she
    // withdraws her approval her rejection and bob's reach the threshold and delete it.
    bob.reject(bad).await.unwrap();
    assert_eq!(
        common::identity_error(alice.reject(bad).await),
        movid_sdk::IdentityError::AlreadyVoted
    );
    alice.remove_approval(bad).await.unwrap();
    alice.reject(bad).await.unwrap();
    let read = ids.get_identity(identity.id).await.unwrap();
    assert!(read.proposal_ids.is_empty());
    assert!(read.undecodable_proposals.is_empty());
}
