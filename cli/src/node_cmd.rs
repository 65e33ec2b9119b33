//! `movid start`: a local node on a redb store, serving JSON-RPC.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use movid_runtime::chain::{ClockMode, LocalChain};
use movid_runtime::genesis::{dev_keys, GenesisConfig};
use movid_runtime::node::{serve, NodeConfig};
use movid_runtime::store::{RedbStore, StoreError};
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
        Err(e) => return Err(CliError::plain(e)),
    };
    let mut config = GenesisConfig::with_dev_accounts(accounts);
    config.start_time_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0);
    LocalChain::open(Arc::new(store), config).map_err(CliError::plain)
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
            &json!({ "rpc_url": format!("http://{addr}"), "data_dir": data_dir, "epoch": chain.epoch(), "dev_accounts": accounts }),
            || {
                let mut s = format!("movid node listening on http://{addr}\ndata dir: {}\nfunded dev accounts:", data_dir.display());
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
        let config = NodeConfig { extra: crate::node_cmd::extra_methods(), ..Default::default() };
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

fn resolve_did_method(
    chain: &Arc<LocalChain>,
    method: &str,
    params: &serde_json::Value,
) -> Option<Result<serde_json::Value, movid_runtime::types::rpc::RpcError>> {
    use movid_runtime::types::rpc::{codes, RpcError};
    {
        if method != "movid_resolveDid" {
            return None;
        }
        let did = match params.get(0).and_then(|v| v.as_str()) {
            Some(d) => d.to_string(),
            None => {
                return Some(Err(RpcError::new(
                    codes::INVALID_PARAMS,
                    "param 0 (did) must be a string",
                )))
            }
        };
        let client = movid_sdk::client::InProcessClient::new(chain.clone());
        // Handlers run on the blocking pool, where blocking on the runtime is allowed.
        let result =
            tokio::runtime::Handle::current().block_on(movid_sdk::resolver::resolve(&client, &did));
        Some(match result {
            Ok(r) => serde_json::to_value(r)
                .map_err(|e| RpcError::new(codes::INTERNAL_ERROR, e.to_string())),
            Err(e) => Err(RpcError::new(codes::INTERNAL_ERROR, e.to_string())),
        })
    }
}
