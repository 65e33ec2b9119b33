//! A node: serves a [`LocalChain`] over JSON-RPC 2.0 on HTTP (see [`crate::types::rpc`]), plus
//! the JSON-RPC methods ([`ExtraMethods`]) and HTTP routes ([`ExtraRoutes`]) the embedding program
//! adds, such as DID resolution, which the runtime knows nothing of.
//!
//! Bodies are bounded, malformed JSON and bad params get JSON-RPC errors, chain calls run on
//! the blocking pool, and shutdown stops accepting, lets in-flight requests finish, and
//! returns once the listener is closed. Every acknowledged transaction is already durable
//! (the store commits before `execute` returns).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::post;
use axum::Router;
use base64::Engine;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use crate::chain::LocalChain;
use crate::crypto::Signature;
use crate::error::RuntimeError;
use crate::genesis::MIST_PER_SUI;
use crate::store::EventFilter;
use crate::types::rpc::{codes, RpcError, RpcRequest, RpcResponse};
use crate::types::*;

/// A method the embedding program adds (e.g. DID resolution, which needs the SDK). Returns
/// `None` for methods it does not handle.
pub type ExtraMethods =
    Arc<dyn Fn(&Arc<LocalChain>, &str, &Value) -> Option<Result<Value, RpcError>> + Send + Sync>;

/// An HTTP request for a route the embedding program adds (other than the JSON-RPC
/// endpoint `POST /`), as plain data so that the hook needs no web framework.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRequest {
    /// The method, e.g. `GET`.
    pub method: String,
    /// The path as sent (still `%`-encoded), e.g. `/1.0/identifiers/did:movid:...`.
    pub path: String,
    /// The query as sent, without the `?`.
    pub query: Option<String>,
    /// The headers with lowercase names (values that are not visible ASCII are left out).
    pub headers: Vec<(String, String)>,
}

impl HttpRequest {
    /// The first value of header `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The answer of a route the embedding program adds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Headers to send (`content-type`, `location`, ...).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

/// Routes the embedding program adds (e.g. the DID resolver's `GET /1.0/identifiers/...`,
/// which needs the SDK). Returns `None` for requests it does not handle (answered 404). Runs
/// on the blocking pool, like [`ExtraMethods`].
pub type ExtraRoutes =
    Arc<dyn Fn(&Arc<LocalChain>, &HttpRequest) -> Option<HttpResponse> + Send + Sync>;

/// How a node serves.
#[derive(Clone)]
pub struct NodeConfig {
    /// Largest request body, in bytes.
    pub max_body_bytes: usize,
    /// Whether `movid_advanceEpoch`/`movid_advanceClock` are allowed.
    pub dev_methods: bool,
    /// Largest faucet grant, in MIST.
    pub max_faucet_amount: u64,
    /// Extra methods.
    pub extra: Option<ExtraMethods>,
    /// Extra HTTP routes (every path but the JSON-RPC endpoint).
    pub routes: Option<ExtraRoutes>,
}

impl Default for NodeConfig {
    fn default() -> Self {
        NodeConfig {
            max_body_bytes: 1 << 20,
            dev_methods: true,
            max_faucet_amount: 10_000 * MIST_PER_SUI,
            extra: None,
            routes: None,
        }
    }
}

struct NodeState {
    chain: Arc<LocalChain>,
    config: NodeConfig,
}

/// Serves `chain` on `listener` until `shutdown` resolves.
pub async fn serve(
    chain: Arc<LocalChain>,
    listener: tokio::net::TcpListener,
    config: NodeConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limit = config.max_body_bytes;
    let grpc = crate::grpc::router(chain.clone());
    let state = Arc::new(NodeState { chain, config });
    let mut app = Router::new()
        .route("/", post(handle))
        .fallback(route)
        .layer(axum::extract::DefaultBodyLimit::max(limit))
        .with_state(state);
    // gRPC and gRPC-web share the port: each service's paths go to the gRPC router (behind a
    // plain service, as axum mounts no router with `route_service`).
    let grpc = tower::service_fn(move |request: axum::extract::Request| {
        use tower::ServiceExt;
        grpc.clone().oneshot(request)
    });
    for service in crate::grpc::SERVICES {
        app = app.route_service(&format!("/{service}/{{*method}}"), grpc.clone());
    }
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// A node running in the background (for tests and embedding).
pub struct RunningNode {
    /// The address it listens on.
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    handle: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl RunningNode {
    /// Binds `addr` (use port 0 for a free port) and serves in a background task.
    pub async fn start(
        chain: Arc<LocalChain>,
        addr: SocketAddr,
        config: NodeConfig,
    ) -> std::io::Result<RunningNode> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let handle = tokio::spawn(serve(chain, listener, config, async move {
            let _ = rx.await;
        }));
        Ok(RunningNode {
            addr,
            stop: Some(tx),
            handle,
        })
    }

    /// The URL clients use.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, waits for in-flight requests, and returns.
    pub async fn stop(mut self) -> std::io::Result<()> {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        self.handle.await.map_err(std::io::Error::other)?
    }
}

async fn handle(
    State(state): State<Arc<NodeState>>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> impl IntoResponse {
    let body = body.unwrap_or_default();
    if body.is_empty() || body.len() > state.config.max_body_bytes {
        let err = RpcError::new(
            codes::INVALID_REQUEST,
            format!(
                "the request body is empty or larger than {} bytes",
                state.config.max_body_bytes
            ),
        );
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            axum::Json(error_response(Value::Null, err)),
        )
            .into_response();
    }
    let parsed: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            let err = RpcError::new(codes::PARSE_ERROR, format!("invalid JSON: {e}"));
            return axum::Json(error_response(Value::Null, err)).into_response();
        }
    };
    match parsed {
        Value::Array(items) if !items.is_empty() && items.len() <= 100 => {
            let mut out = vec![];
            for item in items {
                out.push(one(&state, item).await);
            }
            axum::Json(json!(out)).into_response()
        }
        Value::Array(_) => {
            let err = RpcError::new(codes::INVALID_REQUEST, "a batch holds 1 to 100 requests");
            axum::Json(error_response(Value::Null, err)).into_response()
        }
        item => axum::Json(one(&state, item).await).into_response(),
    }
}

/// Every request but `POST /`: handed to the embedding program's routes, 404 otherwise.
async fn route(
    State(state): State<Arc<NodeState>>,
    method: axum::http::Method,
    uri: axum::http::Uri,
    headers: axum::http::HeaderMap,
) -> axum::response::Response {
    let not_found = || (StatusCode::NOT_FOUND, "no such route\n").into_response();
    let Some(routes) = state.config.routes.clone() else {
        return not_found();
    };
    let request = HttpRequest {
        method: method.as_str().to_owned(),
        path: uri.path().to_owned(),
        query: uri.query().map(str::to_owned),
        headers: headers
            .iter()
            .filter_map(|(n, v)| Some((n.as_str().to_owned(), v.to_str().ok()?.to_owned())))
            .collect(),
    };
    let chain = state.chain.clone();
    let answer = tokio::task::spawn_blocking(move || routes(&chain, &request)).await;
    match answer {
        Ok(Some(r)) => {
            let mut builder = axum::http::Response::builder().status(r.status);
            for (name, value) in &r.headers {
                builder = builder.header(name.as_str(), value.as_str());
            }
            builder
                .body(axum::body::Body::from(r.body))
                .unwrap_or_else(|e| {
                    (
                        StatusCode::INTERNAL_SERVER_ERROR,
                        format!("bad response: {e}\n"),
                    )
                        .into_response()
                })
        }
        Ok(None) => not_found(),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("handler failed: {e}\n"),
        )
            .into_response(),
    }
}

fn error_response(id: Value, err: RpcError) -> RpcResponse {
    RpcResponse {
        jsonrpc: "2.0".into(),
        id,
        result: None,
        error: Some(err),
    }
}

async fn one(state: &Arc<NodeState>, item: Value) -> RpcResponse {
    let req: RpcRequest = match serde_json::from_value(item) {
        Ok(r) => r,
        Err(e) => {
            return error_response(
                Value::Null,
                RpcError::new(
                    codes::INVALID_REQUEST,
                    format!("not a JSON-RPC request: {e}"),
                ),
            )
        }
    };
    if req.jsonrpc != "2.0" {
        return error_response(
            req.id,
            RpcError::new(codes::INVALID_REQUEST, "jsonrpc must be \"2.0\""),
        );
    }
    let st = state.clone();
    let (method, params) = (req.method.clone(), req.params.clone());
    let result = tokio::task::spawn_blocking(move || dispatch(&st, &method, &params))
        .await
        .unwrap_or_else(|e| {
            Err(RpcError::new(
                codes::INTERNAL_ERROR,
                format!("handler failed: {e}"),
            ))
        });
    match result {
        Ok(v) => RpcResponse {
            jsonrpc: "2.0".into(),
            id: req.id,
            result: Some(v),
            error: None,
        },
        Err(e) => error_response(req.id, e),
    }
}

fn param<T: DeserializeOwned>(params: &Value, i: usize, name: &str) -> Result<T, RpcError> {
    let v = match params {
        Value::Array(a) => a.get(i).cloned().unwrap_or(Value::Null),
        Value::Null => Value::Null,
        _ => {
            return Err(RpcError::new(
                codes::INVALID_PARAMS,
                "params must be an array",
            ))
        }
    };
    serde_json::from_value(v)
        .map_err(|e| RpcError::new(codes::INVALID_PARAMS, format!("param {i} ({name}): {e}")))
}

fn to_value<T: serde::Serialize>(v: T) -> Result<Value, RpcError> {
    serde_json::to_value(v).map_err(|e| RpcError::new(codes::INTERNAL_ERROR, e.to_string()))
}

/// Maps a runtime error to a JSON-RPC error, keeping a refused transaction's exact reason in
/// `data`.
pub fn runtime_error(e: RuntimeError) -> RpcError {
    match e {
        RuntimeError::Transaction(t) => RpcError {
            code: codes::TRANSACTION_REJECTED,
            message: t.to_string(),
            data: serde_json::to_value(&t).ok(),
        },
        e @ RuntimeError::ClockOverflow { .. } => {
            RpcError::new(codes::INVALID_PARAMS, e.to_string())
        }
        e @ RuntimeError::DryRunBusy { .. } => RpcError::new(codes::BUSY, e.to_string()),
        other => RpcError::new(codes::INTERNAL_ERROR, other.to_string()),
    }
}

fn b64(s: &str, what: &str) -> Result<Vec<u8>, RpcError> {
    base64::engine::general_purpose::STANDARD
        .decode(s)
        .map_err(|e| RpcError::new(codes::INVALID_PARAMS, format!("{what} is not base64: {e}")))
}

fn decode_tx(params: &Value) -> Result<TransactionData, RpcError> {
    let bytes = b64(&param::<String>(params, 0, "tx_bytes")?, "tx_bytes")?;
    bcs::from_bytes(&bytes).map_err(|e| {
        RpcError::new(
            codes::INVALID_PARAMS,
            format!("tx_bytes is not a BCS TransactionData: {e}"),
        )
    })
}

fn dispatch(state: &NodeState, method: &str, params: &Value) -> Result<Value, RpcError> {
    let chain = &*state.chain;
    let rt = runtime_error;
    match method {
        "movid_getObject" => to_value(chain.get_object(&param(params, 0, "id")?).map_err(rt)?),
        "movid_multiGetObjects" => {
            let ids: Vec<ObjectID> = param(params, 0, "ids")?;
            if ids.len() > 1000 {
                return Err(RpcError::new(codes::INVALID_PARAMS, "at most 1000 IDs"));
            }
            let objs = ids
                .iter()
                .map(|id| chain.get_object(id))
                .collect::<Result<Vec<_>, _>>()
                .map_err(rt)?;
            to_value(objs)
        }
        "movid_getObjectAt" => to_value(
            chain
                .get_object_at(&param(params, 0, "id")?, param(params, 1, "version")?)
                .map_err(rt)?,
        ),
        "movid_getObjectHistory" => {
            to_value(chain.object_history(&param(params, 0, "id")?).map_err(rt)?)
        }
        "movid_getOwnedObjects" => to_value(
            chain
                .owned_objects(&param(params, 0, "address")?)
                .map_err(rt)?,
        ),
        "movid_getDynamicFields" => to_value(
            chain
                .dynamic_fields(&param(params, 0, "parent")?)
                .map_err(rt)?,
        ),
        "movid_executeTransaction" => {
            let data = decode_tx(params)?;
            let sigs: Vec<String> = param(params, 1, "signatures")?;
            let signatures = sigs
                .iter()
                .map(|s| b64(s, "signature").map(Signature))
                .collect::<Result<Vec<_>, _>>()?;
            to_value(
                chain
                    .execute(SignedTransaction { data, signatures })
                    .map_err(rt)?,
            )
        }
        "movid_dryRunTransaction" => to_value(chain.dry_run(decode_tx(params)?).map_err(rt)?),
        "movid_devInspectTransaction" => {
            to_value(chain.dev_inspect(decode_tx(params)?).map_err(rt)?)
        }
        "movid_getTransaction" => to_value(
            chain
                .transaction(&param(params, 0, "digest")?)
                .map_err(rt)?,
        ),
        "movid_queryEvents" => {
            let filter: Option<EventFilter> = param(params, 0, "filter")?;
            let limit: Option<usize> = param(params, 1, "limit")?;
            to_value(
                chain
                    .events(&filter.unwrap_or_default(), limit.unwrap_or(100).min(1000))
                    .map_err(rt)?,
            )
        }
        "movid_getEpoch" => to_value(chain.epoch()),
        "movid_getClock" => to_value(chain.clock_ms()),
        "movid_getReferenceGasPrice" => to_value(chain.reference_gas_price()),
        "movid_getChainIdentifier" => to_value(
            chain
                .store()
                .meta()
                .map_err(|e| rt(e.into()))?
                .map(|m| m.genesis),
        ),
        "movid_faucet" => {
            let to: Address = param(params, 0, "address")?;
            let amount: Option<u64> = param(params, 1, "amount")?;
            let amount = amount.unwrap_or(1_000 * MIST_PER_SUI);
            if amount == 0 || amount > state.config.max_faucet_amount {
                return Err(RpcError::new(
                    codes::INVALID_PARAMS,
                    format!("amount must be in 1..={}", state.config.max_faucet_amount),
                ));
            }
            to_value(chain.faucet(to, amount).map_err(rt)?)
        }
        "movid_advanceEpoch" | "movid_advanceClock" if !state.config.dev_methods => {
            Err(RpcError::new(
                codes::METHOD_DISABLED,
                format!("{method} is disabled on this node"),
            ))
        }
        "movid_advanceEpoch" => to_value(chain.advance_epoch().map_err(rt)?),
        "movid_advanceClock" => to_value(
            chain
                .advance_clock_ms(param(params, 0, "ms")?)
                .map_err(rt)?,
        ),
        _ => match state
            .config
            .extra
            .as_ref()
            .and_then(|f| f(&state.chain, method, params))
        {
            Some(r) => r,
            None => Err(RpcError::new(
                codes::METHOD_NOT_FOUND,
                format!("unknown method `{method}`"),
            )),
        },
    }
}
