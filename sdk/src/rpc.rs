//! [`RpcClient`]: the [`Client`] of a movid node over JSON-RPC 2.0 (the `movid_*` methods of
//! [`movid_runtime::types::rpc`]).
//!
//! ```no_run
//! # async fn demo() -> movid_sdk::SdkResult<()> {
//! use movid_sdk::client::Client;
//! use movid_sdk::rpc::RpcClient;
//!
//! let client = RpcClient::new("http://127.0.0.1:9000");
//! println!("epoch {}", client.epoch().await?);
//! # Ok(()) }
//! ```

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use base64::Engine;
use movid_runtime::chain::{DevInspectResult, ExecutionResult};
use movid_runtime::store::{EventFilter, EventRecord, ObjectVersion, TransactionRecord};
use movid_runtime::types::rpc::{codes, RpcRequest, RpcResponse};
use movid_runtime::types::{
    Address, Digest, Object, ObjectID, ObjectReference, SequenceNumber, SignedTransaction,
    TransactionData,
};
use movid_runtime::TransactionError;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use crate::client::{Client, LOCAL_NETWORK};
use crate::error::{SdkError, SdkResult};

/// A client of a node at an HTTP URL.
#[derive(Debug)]
pub struct RpcClient {
    url: String,
    http: reqwest::Client,
    network: String,
    next_id: AtomicU64,
}

impl RpcClient {
    /// A client of the node at `url` (e.g. `http://127.0.0.1:9000`), on the `local` network.
    pub fn new(url: impl Into<String>) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .expect("an HTTP client without TLS builds");
        RpcClient {
            url: url.into(),
            http,
            network: LOCAL_NETWORK.to_string(),
            next_id: AtomicU64::new(1),
        }
    }

    /// Sets the network name the node's DIDs carry.
    pub fn with_network(mut self, network: impl Into<String>) -> Self {
        self.network = network.into();
        self
    }

    /// The node's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Calls `method` with positional `params` and decodes the result.
    pub async fn call<T: DeserializeOwned>(&self, method: &str, params: Value) -> SdkResult<T> {
        let req = RpcRequest {
            jsonrpc: "2.0".into(),
            id: json!(self.next_id.fetch_add(1, Ordering::Relaxed)),
            method: method.into(),
            params,
        };
        let resp = self
            .http
            .post(&self.url)
            .json(&req)
            .send()
            .await
            .map_err(|e| SdkError::Transport(format!("{}: {e}", self.url)))?;
        let body: RpcResponse = resp.json().await.map_err(|e| {
            SdkError::Transport(format!("unreadable answer from {}: {e}", self.url))
        })?;
        if let Some(err) = body.error {
            if err.code == codes::TRANSACTION_REJECTED {
                if let Some(t) = err
                    .data
                    .and_then(|d| serde_json::from_value::<TransactionError>(d).ok())
                {
                    return Err(SdkError::Transaction(Box::new(t)));
                }
            }
            if err.code == codes::METHOD_DISABLED {
                return Err(SdkError::DevOnly {
                    method: method.to_string(),
                });
            }
            return Err(SdkError::Rpc {
                code: err.code,
                message: err.message,
            });
        }
        serde_json::from_value(body.result.unwrap_or(Value::Null))
            .map_err(|e| SdkError::Transport(format!("{method} returned an unexpected shape: {e}")))
    }
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn tx_bytes(data: &TransactionData) -> String {
    b64(&bcs::to_bytes(data).expect("transactions serialize"))
}

#[async_trait]
impl Client for RpcClient {
    fn network(&self) -> &str {
        &self.network
    }

    async fn chain_identifier(&self) -> SdkResult<Digest> {
        let d: Option<Digest> = self.call("movid_getChainIdentifier", json!([])).await?;
        d.ok_or_else(|| SdkError::Node("the node has no genesis".into()))
    }

    async fn reference_gas_price(&self) -> SdkResult<u64> {
        self.call("movid_getReferenceGasPrice", json!([])).await
    }

    async fn epoch(&self) -> SdkResult<u64> {
        self.call("movid_getEpoch", json!([])).await
    }

    async fn clock_ms(&self) -> SdkResult<u64> {
        self.call("movid_getClock", json!([])).await
    }

    async fn get_object(&self, id: ObjectID) -> SdkResult<Option<Object>> {
        self.call("movid_getObject", json!([id])).await
    }

    async fn get_object_at(
        &self,
        id: ObjectID,
        version: SequenceNumber,
    ) -> SdkResult<Option<Object>> {
        self.call("movid_getObjectAt", json!([id, version])).await
    }

    async fn multi_get_objects(&self, ids: &[ObjectID]) -> SdkResult<Vec<Option<Object>>> {
        self.call("movid_multiGetObjects", json!([ids])).await
    }

    async fn object_history(&self, id: ObjectID) -> SdkResult<Vec<ObjectVersion>> {
        self.call("movid_getObjectHistory", json!([id])).await
    }

    async fn owned_objects(&self, owner: Address) -> SdkResult<Vec<Object>> {
        self.call("movid_getOwnedObjects", json!([owner])).await
    }

    async fn dynamic_fields(&self, parent: ObjectID) -> SdkResult<Vec<Object>> {
        self.call("movid_getDynamicFields", json!([parent])).await
    }

    async fn transaction(&self, digest: Digest) -> SdkResult<Option<TransactionRecord>> {
        self.call("movid_getTransaction", json!([digest])).await
    }

    async fn events(&self, filter: EventFilter, limit: usize) -> SdkResult<Vec<EventRecord>> {
        self.call("movid_queryEvents", json!([filter, limit])).await
    }

    async fn dry_run(&self, data: TransactionData) -> SdkResult<ExecutionResult> {
        self.call("movid_dryRunTransaction", json!([tx_bytes(&data)]))
            .await
    }

    async fn dev_inspect(&self, data: TransactionData) -> SdkResult<DevInspectResult> {
        self.call("movid_devInspectTransaction", json!([tx_bytes(&data)]))
            .await
    }

    async fn execute(&self, tx: SignedTransaction) -> SdkResult<ExecutionResult> {
        let sigs: Vec<String> = tx.signatures.iter().map(|s| b64(&s.0)).collect();
        self.call(
            "movid_executeTransaction",
            json!([tx_bytes(&tx.data), sigs]),
        )
        .await
    }

    async fn faucet(&self, recipient: Address, amount: u64) -> SdkResult<ObjectReference> {
        self.call("movid_faucet", json!([recipient, amount])).await
    }

    async fn advance_epoch(&self) -> SdkResult<u64> {
        self.call("movid_advanceEpoch", json!([])).await
    }

    async fn advance_clock(&self, ms: u64) -> SdkResult<u64> {
        self.call("movid_advanceClock", json!([ms])).await
    }
}
