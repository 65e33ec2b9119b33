//! `movid start`: a local node on a redb store, serving JSON-RPC and the DID resolver's HTTP
//! binding (`GET /1.0/identifiers/{did}`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use movid_runtime::chain::{ClockMode, LocalChain};
use movid_runtime::genesis::{dev_keys, GenesisConfig};
use movid_runtime::node::{serve, HttpRequest, HttpResponse, NodeConfig};
use movid_runtime::store::{RedbStore, StoreError};
use movid_runtime::types::rpc::{codes, RpcError};
use serde_json::json;

use crate::output::{CliError, CliResult, Output};

#[derive(Args, Debug)]
pub struct StartArgs {
    /// Address to serve JSON-RPC on. Only loopback unless you say otherwise.
    #[arg(long, default_value = "127.0.0.1:9000")]
    pub rpc_addr: SocketAddr,
    /// Start a new epoch every N milliseconds (default: epochs advance only when asked).
    #[arg(long)]
    pub epoch_duration_ms: Option<u64>,
    /// Delete the chain in the data directory and start from genesis.
    #[arg(long)]
    pub force_regenesis: bool,
    /// Number of funded development accounts at genesis.
    #[arg(long, default_value_t = 4)]
    pub accounts: usize,
}

/// The store file inside a data directory.
pub fn store_path(data_dir: &std::path::Path) -> PathBuf {
    data_dir.join("chain.redb")
}

/// Opens the chain in `data_dir` (genesis when new), refusing clearly when a node holds it.
pub fn open_chain(data_dir: &std::path::Path, accounts: usize) -> CliResult<LocalChain> {
    std::fs::create_dir_all(data_dir)?;
    let store = match RedbStore::open(&store_path(data_dir)) {
        Ok(s) => s,
        Err(StoreError::Locked { path }) => {
            return Err(CliError::new(
                format!("the chain at {path} is in use by another process"),
                "stop the node that holds it, or talk to it with --rpc URL",
            ))
        }
        Err(StoreError::FormatMismatch {
            path,
            found,
            expected,
        }) => {
            return Err(CliError::new(
                format!("the chain at {path} has store format {found}; this movid reads format {expected} (digests are Sui's since format 2)"),
                "old data folders are not converted: start a new dev chain with `movid start --force-regenesis`, or remove the folder",
            ))
        }
        Err(e) => return Err(CliError::plain(e)),
    };
    let mut config = GenesisConfig::with_dev_accounts(accounts);
    config.start_time_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0);
    LocalChain::open(Arc::new(store), config).map_err(|e| match e {
        movid_runtime::RuntimeError::OutdatedChain => CliError::new(
            e.to_string(),
            "`movid start --force-regenesis` starts this data directory's chain over (the old one is deleted), or pass another --data-dir",
        ),
        e => CliError::plain(e),
    })
}

pub fn start(args: StartArgs, data_dir: Option<PathBuf>, out: Output) -> CliResult<()> {
    let data_dir = data_dir.unwrap_or_else(|| crate::movid_home().join("localnet"));
    if args.force_regenesis {
        let p = store_path(&data_dir);
        if p.exists() {
            std::fs::remove_file(&p)?;
        }
    }
    let chain = out.spin(
        "opening the chain (genesis compiles the framework the first time)",
        || open_chain(&data_dir, args.accounts),
    )?;
    chain.set_clock_mode(ClockMode::RealTime);
    let chain = Arc::new(chain);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.rpc_addr).await.map_err(|e| {
            CliError::new(format!("cannot listen on {}: {e}", args.rpc_addr), "pick a free port with --rpc-addr")
        })?;
        let addr = listener.local_addr()?;
        let accounts: Vec<String> = dev_keys(args.accounts).iter().map(|k| k.address().to_string()).collect();
        out.print(
            &json!({ "rpc_url": format!("http://{addr}"), "grpc_url": format!("http://{addr}"), "did_resolver_url": format!("http://{addr}/1.0/identifiers/"), "data_dir": data_dir, "epoch": chain.epoch(), "dev_accounts": accounts }),
            || {
                let mut s = format!("movid node listening on http://{addr}\ngRPC (sui.rpc.v2, gRPC-web too): http://{addr}\nDID resolver: http://{addr}/1.0/identifiers/{{did}}\ndata dir: {}\nfunded dev accounts:", data_dir.display());
                for a in &accounts {
                    s.push_str(&format!("\n  {a}"));
                }
                s
            },
        );
        if let Some(ms) = args.epoch_duration_ms {
            let c = chain.clone();
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(std::time::Duration::from_millis(ms.max(1)));
                tick.tick().await;
                loop {
                    tick.tick().await;
                    let c = c.clone();
                    let _ = tokio::task::spawn_blocking(move || c.advance_epoch()).await;
                }
            });
        }
        let config = NodeConfig {
            extra: crate::node_cmd::extra_methods(),
            routes: crate::node_cmd::extra_routes(),
            ..Default::default()
        };
        serve(chain, listener, config, shutdown_signal()).await?;
        if !out.json {
            crate::output::stderr_line("movid node stopped");
        }
        Ok(())
    })
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("signal handler");
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

/// Methods the node adds beyond the runtime's: `movid_resolveDid` (the resolver is the SDK's).
pub fn extra_methods() -> Option<movid_runtime::node::ExtraMethods> {
    Some(Arc::new(resolve_did_method))
}

/// Routes the node adds: the DID Resolution HTTP(S) binding, `GET /1.0/identifiers/{did}`
/// (the Universal Resolver driver interface; see docs/DID_METHOD.md).
pub fn extra_routes() -> Option<movid_runtime::node::ExtraRoutes> {
    Some(Arc::new(resolver_route))
}

fn resolver_route(chain: &Arc<LocalChain>, request: &HttpRequest) -> Option<HttpResponse> {
    use movid_sdk::resolver::http::{answer, PATH_PREFIX};
    let identifier = request.path.strip_prefix(PATH_PREFIX)?;
    if request.method != "GET" {
        return Some(HttpResponse {
            status: 405,
            headers: vec![("allow".into(), "GET".into())],
            body: b"the resolver answers GET only\n".to_vec(),
        });
    }
    let client = movid_sdk::client::InProcessClient::new(chain.clone());
    // Routes run on the blocking pool, where blocking on the runtime is allowed.
    let a = tokio::runtime::Handle::current().block_on(answer(
        &client,
        identifier,
        request.query.as_deref(),
        request.header("accept"),
    ));
    let mut headers = vec![];
    if let Some(t) = a.content_type {
        headers.push(("content-type".to_owned(), t));
    }
    if let Some(l) = a.location {
        headers.push(("location".to_owned(), l));
    }
    Some(HttpResponse {
        status: a.status,
        headers,
        body: a.body,
    })
}

/// `movid_resolveDid(did, options?)`: the resolution result, options as in DID Resolution
/// (`versionId`, `versionTime`, `accept`, ...).
fn resolve_did_method(
    chain: &Arc<LocalChain>,
    method: &str,
    params: &serde_json::Value,
) -> Option<Result<serde_json::Value, RpcError>> {
    if method != "movid_resolveDid" {
        return None;
    }
    let Some(did) = params.get(0).and_then(|v| v.as_str()) else {
        return Some(Err(RpcError::new(
            codes::INVALID_PARAMS,
            "param 0 (did) must be a string",
        )));
    };
    let options: movid_sdk::did::ResolutionOptions = match params.get(1) {
        None | Some(serde_json::Value::Null) => Default::default(),
        Some(v) => match serde_json::from_value(v.clone()) {
            Ok(o) => o,
            Err(e) => {
                return Some(Err(RpcError::new(
                    codes::INVALID_PARAMS,
                    format!("param 1 (options) must be an object of resolution options: {e}"),
                )))
            }
        },
    };
    let client = movid_sdk::client::InProcessClient::new(chain.clone());
    // Handlers run on the blocking pool, where blocking on the runtime is allowed.
    let result = tokio::runtime::Handle::current()
        .block_on(movid_sdk::resolver::resolve_with(&client, did, &options));
    Some(match result {
        Ok(r) => {
            serde_json::to_value(r).map_err(|e| RpcError::new(codes::INTERNAL_ERROR, e.to_string()))
        }
        Err(e) => Err(RpcError::new(codes::INTERNAL_ERROR, e.to_string())),
    })
}
