//! The JSON-RPC 2.0 interface of a movid node: method names and parameter shapes, shared by
//! the server (`crate::node`) and its clients.
//!
//! Requests are `POST /` with `{"jsonrpc":"2.0","id":..,"method":..,"params":[..]}`; params are
//! positional. Transactions travel as base64 BCS, everything else as the serde JSON of
//! [`crate::types`] and [`crate::store`] values.
//!
//! | method | params | result |
//! |---|---|---|
//! | `movid_getObject` | `[id]` | `Object` or null |
//! | `movid_multiGetObjects` | `[[id, ..]]` | `[Object or null]` |
//! | `movid_getObjectAt` | `[id, version]` | `Object` or null |
//! | `movid_getObjectHistory` | `[id]` | `[ObjectVersion]` |
//! | `movid_getOwnedObjects` | `[address]` | `[Object]` |
//! | `movid_getDynamicFields` | `[parent id]` | `[Object]` |
//! | `movid_executeTransaction` | `[tx_bytes, [signature, ..]]` (base64) | `ExecutionResult` |
//! | `movid_dryRunTransaction` | `[tx_bytes]` | `ExecutionResult` |
//! | `movid_devInspectTransaction` | `[tx_bytes]` | `DevInspectResult` (a dry run plus every command's return values: type and BCS) |
//! | `movid_getTransaction` | `[digest]` | `TransactionRecord` or null |
//! | `movid_queryEvents` | `[EventFilter, limit]` | `[EventRecord]` |
//! | `movid_getEpoch` / `movid_getClock` | `[]` | number |
//! | `movid_getReferenceGasPrice` | `[]` | number |
//! | `movid_getChainIdentifier` | `[]` | digest |
//! | `movid_faucet` | `[address, amount?]` | `ObjectReference` (`{object_id, version, digest}`) |
//! | `movid_advanceEpoch` / `movid_advanceClock` | `[]` / `[ms]` | number (dev nodes only) |
//! | `movid_resolveDid` | `[did, options?]` | W3C DID Resolution result (added by the CLI's node; options as in DID Resolution: `versionId`, `versionTime`, `accept`) |

use serde::{Deserialize, Serialize};

/// Error codes of the JSON-RPC 2.0 specification and movid's own.
pub mod codes {
    /// The body is not valid JSON.
    pub const PARSE_ERROR: i64 = -32700;
    /// The JSON is not a valid request (or the body is too large).
    pub const INVALID_REQUEST: i64 = -32600;
    /// No such method.
    pub const METHOD_NOT_FOUND: i64 = -32601;
    /// The params do not fit the method.
    pub const INVALID_PARAMS: i64 = -32602;
    /// The server failed.
    pub const INTERNAL_ERROR: i64 = -32603;
    /// The transaction was refused before execution (`TransactionError`).
    pub const TRANSACTION_REJECTED: i64 = -32001;
    /// The method exists but is disabled on this node.
    pub const METHOD_DISABLED: i64 = -32002;
    /// The node is at a limit for this kind of request (every dry-run slot busy); retry.
    pub const BUSY: i64 = -32003;
}

/// A JSON-RPC request.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RpcRequest {
    /// Always "2.0".
    pub jsonrpc: String,
    /// The caller's request ID.
    #[serde(default)]
    pub id: serde_json::Value,
    /// The method name.
    pub method: String,
    /// Positional parameters.
    #[serde(default)]
    pub params: serde_json::Value,
}

/// A JSON-RPC error object.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[error("JSON-RPC error {code}: {message}")]
pub struct RpcError {
    /// The error code (see [`codes`]).
    pub code: i64,
    /// What went wrong.
    pub message: String,
    /// Structured detail, e.g. the serialized `TransactionError`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<serde_json::Value>,
}

impl RpcError {
    /// An error with a code and message.
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        RpcError {
            code,
            message: message.into(),
            data: None,
        }
    }
}

/// A JSON-RPC response.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RpcResponse {
    /// Always "2.0".
    pub jsonrpc: String,
    /// The request's ID.
    pub id: serde_json::Value,
    /// The result, on success.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<serde_json::Value>,
    /// The error, on failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<RpcError>,
}
