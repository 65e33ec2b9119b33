//! A [`Client`] that forwards every call to a real client and counts the
//! object-history reads, so a test can tell which resolutions read an
//! identity's whole history.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use movid_runtime::chain::ExecutionResult;
use movid_runtime::store::{EventFilter, EventRecord, ObjectVersion, TransactionRecord};
use movid_runtime::types::{
    Address, Digest, Object, ObjectID, ObjectReference, SequenceNumber, SignedTransaction,
    TransactionData,
};
use movid_sdk::{Client, SdkResult};

/// Forwards to `inner`, counting [`Client::object_history`] calls.
pub struct CountingClient {
    inner: Arc<dyn Client>,
    history_reads: AtomicUsize,
}

impl CountingClient {
    /// Wraps `inner`.
    pub fn new(inner: Arc<dyn Client>) -> CountingClient {
        CountingClient {
            inner,
            history_reads: AtomicUsize::new(0),
        }
    }

    /// How many times the object history was read so far.
    pub fn history_reads(&self) -> usize {
        self.history_reads.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl Client for CountingClient {
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
        self.inner.get_object(id).await
    }
    async fn get_object_at(
        &self,
        id: ObjectID,
        version: SequenceNumber,
    ) -> SdkResult<Option<Object>> {
        self.inner.get_object_at(id, version).await
    }
    async fn multi_get_objects(&self, ids: &[ObjectID]) -> SdkResult<Vec<Option<Object>>> {
        self.inner.multi_get_objects(ids).await
    }
    async fn object_history(&self, id: ObjectID) -> SdkResult<Vec<ObjectVersion>> {
        self.history_reads.fetch_add(1, Ordering::SeqCst);
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
