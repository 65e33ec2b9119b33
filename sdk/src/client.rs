//! Talking to a chain: the [`Client`] trait and its in-process implementation.
//!
//! [`Client`] is what the rest of the SDK needs from a node: reads of
//! objects, transactions and events, dry runs, execution, and the
//! development controls of a local chain. Every argument and result is a
//! plain serde value of the runtime's `types` and `store` modules, so the
//! same trait is implemented in process ([`InProcessClient`], over a
//! [`LocalChain`]) and over JSON-RPC (the `movid_*` methods of
//! `movid_runtime::types::rpc`), and the SDK's tests run against either.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! use std::sync::Arc;
//! use movid_runtime::genesis::dev_keys;
//! use movid_sdk::client::{Client, InProcessClient};
//!
//! let client: Arc<dyn Client> = Arc::new(InProcessClient::new_dev()?);
//! let alice = dev_keys(1)[0].address();
//! assert_eq!(client.gas_coins(alice).await?.len(), 5);
//! # Ok::<(), movid_sdk::SdkError>(())
//! # }).unwrap();
//! ```

use std::sync::Arc;

use async_trait::async_trait;
use movid_runtime::chain::{DevInspectResult, ExecutionResult, LocalChain};
use movid_runtime::store::{EventFilter, EventRecord, ObjectVersion, TransactionRecord};
use movid_runtime::types::{
    Address, Digest, Object, ObjectID, ObjectReference, Owner, SequenceNumber, SignedTransaction,
    TransactionData,
};

use crate::error::{SdkError, SdkResult};
use crate::paging::{self, EventCursor, Page};

/// The network name of a local chain, as it appears in its DIDs.
pub const LOCAL_NETWORK: &str = crate::did::LOCAL_NETWORK;

/// A connection to a movid node.
///
/// Implementations must be cheap to share (`Arc<dyn Client>`); each call is
/// one request. The development methods ([`Client::faucet`],
/// [`Client::advance_epoch`], [`Client::advance_clock`]) fail with
/// [`SdkError::DevOnly`] on a node that refuses them.
#[async_trait]
pub trait Client: Send + Sync {
    /// The network name DIDs of this chain carry (`local` for a local chain).
    fn network(&self) -> &str;

    /// The chain's identifier: the digest of its genesis.
    async fn chain_identifier(&self) -> SdkResult<Digest>;

    /// The gas price transactions should offer.
    async fn reference_gas_price(&self) -> SdkResult<u64>;

    /// The current epoch.
    async fn epoch(&self) -> SdkResult<u64>;

    /// The chain's clock, in milliseconds since the Unix epoch.
    async fn clock_ms(&self) -> SdkResult<u64>;

    /// The live version of an object, or `None`.
    async fn get_object(&self, id: ObjectID) -> SdkResult<Option<Object>>;

    /// An object at a given version, or `None` if it never had it (or was
    /// deleted or wrapped at it).
    async fn get_object_at(
        &self,
        id: ObjectID,
        version: SequenceNumber,
    ) -> SdkResult<Option<Object>>;

    /// The live versions of several objects, in the order asked.
    async fn multi_get_objects(&self, ids: &[ObjectID]) -> SdkResult<Vec<Option<Object>>>;

    /// Every version an object had, oldest first.
    async fn object_history(&self, id: ObjectID) -> SdkResult<Vec<ObjectVersion>>;

    /// The objects an address owns (an identity's address included).
    async fn owned_objects(&self, owner: Address) -> SdkResult<Vec<Object>>;

    /// The dynamic fields (child objects) of an object.
    async fn dynamic_fields(&self, parent: ObjectID) -> SdkResult<Vec<Object>>;

    /// An executed transaction with its effects and events, or `None`.
    async fn transaction(&self, digest: Digest) -> SdkResult<Option<TransactionRecord>>;

    /// Events matching `filter`, oldest first, at most `limit`.
    async fn events(&self, filter: EventFilter, limit: usize) -> SdkResult<Vec<EventRecord>>;

    /// Runs a transaction without committing it (no signature needed).
    async fn dry_run(&self, data: TransactionData) -> SdkResult<ExecutionResult>;

    /// Runs a transaction like [`dry_run`](Self::dry_run) and also returns every command's
    /// return values (type and BCS; [`crate::returns`] decodes them). Nothing is committed.
    async fn dev_inspect(&self, data: TransactionData) -> SdkResult<DevInspectResult>;

    /// Executes a signed transaction. A transaction that fails in Move still
    /// returns `Ok` with a failure status (it was charged gas); a refused one
    /// is [`SdkError::Transaction`].
    async fn execute(&self, tx: SignedTransaction) -> SdkResult<ExecutionResult>;

    /// Mints a gas coin of `amount` for `recipient` (development chains).
    async fn faucet(&self, recipient: Address, amount: u64) -> SdkResult<ObjectReference>;

    /// Starts the next epoch; returns it (development chains).
    async fn advance_epoch(&self) -> SdkResult<u64>;

    /// Moves the clock forward by `ms`; returns the new time (development chains).
    async fn advance_clock(&self, ms: u64) -> SdkResult<u64>;

    /// [`Client::owned_objects`] by object ID, `limit` per page, after
    /// `cursor` (paged by the SDK: see [`crate::paging`]).
    async fn owned_objects_page(
        &self,
        owner: Address,
        cursor: Option<ObjectID>,
        limit: usize,
    ) -> SdkResult<Page<Object, ObjectID>> {
        paging::owned_objects_page(self, owner, cursor, limit).await
    }

    /// [`Client::object_history`] oldest first, `limit` versions per page,
    /// after version `cursor`.
    async fn object_history_page(
        &self,
        id: ObjectID,
        cursor: Option<SequenceNumber>,
        limit: usize,
    ) -> SdkResult<Page<ObjectVersion, SequenceNumber>> {
        paging::object_history_page(self, id, cursor, limit).await
    }

    /// [`Client::events`] oldest first, `limit` per page, after `cursor`.
    async fn events_page(
        &self,
        filter: EventFilter,
        cursor: Option<EventCursor>,
        limit: usize,
    ) -> SdkResult<Page<EventRecord, EventCursor>> {
        paging::events_page(self, filter, cursor, limit).await
    }

    /// The live object `id`, or [`SdkError::ObjectNotFound`].
    async fn object(&self, id: ObjectID) -> SdkResult<Object> {
        self.get_object(id)
            .await?
            .ok_or(SdkError::ObjectNotFound(id))
    }

    /// The gas coins (`Coin<0x2::sui::SUI>`) an address owns, largest first.
    async fn gas_coins(&self, owner: Address) -> SdkResult<Vec<Object>> {
        let gas = movid_runtime::execution::gas_coin_type();
        let mut coins: Vec<Object> = self
            .owned_objects(owner)
            .await?
            .into_iter()
            .filter(|o| o.type_() == Some(&gas) && o.owner == Owner::AddressOwner(owner))
            .collect();
        coins.sort_by_key(|c| std::cmp::Reverse(coin_balance(c)));
        Ok(coins)
    }
}

/// The balance of a `Coin<T>` object (0 for anything else).
pub fn coin_balance(object: &Object) -> u64 {
    object
        .as_move()
        .and_then(|m| movid_runtime::execution::coin_value(&m.contents))
        .unwrap_or(0)
}

/// A [`Client`] over a [`LocalChain`] in this process.
///
/// Chain calls run directly on the calling task: they are short (the chain
/// serializes writers under a lock and executes one transaction at a time).
#[derive(Clone)]
pub struct InProcessClient {
    chain: Arc<LocalChain>,
    dev: bool,
}

impl std::fmt::Debug for InProcessClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InProcessClient")
            .field("dev", &self.dev)
            .finish_non_exhaustive()
    }
}

impl InProcessClient {
    /// A client of `chain` allowing the development methods.
    pub fn new(chain: Arc<LocalChain>) -> Self {
        InProcessClient { chain, dev: true }
    }

    /// A client of a fresh in-memory chain with the four funded development
    /// accounts of [`movid_runtime::genesis::dev_keys`].
    pub fn new_dev() -> SdkResult<Self> {
        Ok(Self::new(Arc::new(LocalChain::new_dev()?)))
    }

    /// Refuses (or allows) the faucet, epoch and clock controls, as a
    /// production node would.
    pub fn with_dev_methods(mut self, allowed: bool) -> Self {
        self.dev = allowed;
        self
    }

    /// The chain.
    pub fn chain(&self) -> &Arc<LocalChain> {
        &self.chain
    }

    fn require_dev(&self, method: &str) -> SdkResult<()> {
        if self.dev {
            Ok(())
        } else {
            Err(SdkError::DevOnly {
                method: method.to_string(),
            })
        }
    }
}

#[async_trait]
impl Client for InProcessClient {
    fn network(&self) -> &str {
        LOCAL_NETWORK
    }

    async fn chain_identifier(&self) -> SdkResult<Digest> {
        let meta = self
            .chain
            .store()
            .meta()
            .map_err(|e| SdkError::Node(e.to_string()))?
            .ok_or_else(|| SdkError::Node("the chain has no genesis".into()))?;
        Ok(meta.genesis)
    }

    async fn reference_gas_price(&self) -> SdkResult<u64> {
        Ok(self.chain.reference_gas_price())
    }

    async fn epoch(&self) -> SdkResult<u64> {
        Ok(self.chain.epoch())
    }

    async fn clock_ms(&self) -> SdkResult<u64> {
        Ok(self.chain.clock_ms())
    }

    async fn get_object(&self, id: ObjectID) -> SdkResult<Option<Object>> {
        Ok(self.chain.get_object(&id)?)
    }

    async fn get_object_at(
        &self,
        id: ObjectID,
        version: SequenceNumber,
    ) -> SdkResult<Option<Object>> {
        Ok(self.chain.get_object_at(&id, version)?)
    }

    async fn multi_get_objects(&self, ids: &[ObjectID]) -> SdkResult<Vec<Option<Object>>> {
        ids.iter()
            .map(|id| Ok(self.chain.get_object(id)?))
            .collect()
    }

    async fn object_history(&self, id: ObjectID) -> SdkResult<Vec<ObjectVersion>> {
        Ok(self.chain.object_history(&id)?)
    }

    async fn owned_objects(&self, owner: Address) -> SdkResult<Vec<Object>> {
        Ok(self.chain.owned_objects(&owner)?)
    }

    async fn dynamic_fields(&self, parent: ObjectID) -> SdkResult<Vec<Object>> {
        Ok(self.chain.dynamic_fields(&parent)?)
    }

    async fn transaction(&self, digest: Digest) -> SdkResult<Option<TransactionRecord>> {
        Ok(self.chain.transaction(&digest)?)
    }

    async fn events(&self, filter: EventFilter, limit: usize) -> SdkResult<Vec<EventRecord>> {
        Ok(self.chain.events(&filter, limit)?)
    }

    async fn dry_run(&self, data: TransactionData) -> SdkResult<ExecutionResult> {
        Ok(self.chain.dry_run(data)?)
    }

    async fn dev_inspect(&self, data: TransactionData) -> SdkResult<DevInspectResult> {
        Ok(self.chain.dev_inspect(data)?)
    }

    async fn execute(&self, tx: SignedTransaction) -> SdkResult<ExecutionResult> {
        Ok(self.chain.execute(tx)?)
    }

    async fn faucet(&self, recipient: Address, amount: u64) -> SdkResult<ObjectReference> {
        self.require_dev("faucet")?;
        Ok(self.chain.faucet(recipient, amount)?)
    }

    async fn advance_epoch(&self) -> SdkResult<u64> {
        self.require_dev("advance_epoch")?;
        Ok(self.chain.advance_epoch()?)
    }

    async fn advance_clock(&self, ms: u64) -> SdkResult<u64> {
        self.require_dev("advance_clock")?;
        Ok(self.chain.advance_clock_ms(ms)?)
    }
}
