//! What chain-facing commands share: a client (a node over `--rpc`, or the chain embedded from
//! `--data-dir`) and the wallet's signer.

use std::path::PathBuf;
use std::sync::Arc;

use movid_sdk::client::{Client, InProcessClient};
use movid_sdk::keys::Committer;
use movid_sdk::rpc::RpcClient;
use movid_sdk::runtime::types::Address;
use movid_sdk::SdkError;

use crate::output::{CliError, CliResult};
use crate::wallet::Wallet;

/// The default node URL.
pub const DEFAULT_RPC: &str = "http://127.0.0.1:9000";

/// A connected command context.
pub struct Context {
    /// The chain.
    pub client: Arc<dyn Client>,
    /// Keys and aliases.
    pub wallet: Wallet,
    rpc: Option<String>,
    /// `--serialize-unsigned`: print transactions instead of executing them, with this sponsor.
    pub unsigned: Option<Unsigned>,
}

/// How `--serialize-unsigned` builds transactions.
#[derive(Clone, Copy, Debug)]
pub struct Unsigned {
    /// Who pays for gas (`--sponsor`), when not the sender.
    pub sponsor: Option<Address>,
}

impl Context {
    /// Connects as the global flags say.
    pub fn connect(rpc: Option<String>, data_dir: Option<PathBuf>) -> CliResult<Context> {
        let wallet = Wallet::open(&crate::movid_home())?;
        let (client, rpc): (Arc<dyn Client>, Option<String>) = match (rpc, data_dir) {
            (Some(_), Some(_)) => {
                return Err(CliError::new(
                    "--rpc and --data-dir are exclusive",
                    "use one: a node's URL, or a data directory to run the chain in-process",
                ))
            }
            (None, Some(dir)) => {
                let chain = crate::node_cmd::open_chain(&dir, 4)?;
                (Arc::new(InProcessClient::new(Arc::new(chain))), None)
            }
            (rpc, None) => {
                let url = rpc.unwrap_or_else(|| DEFAULT_RPC.to_string());
                (Arc::new(RpcClient::new(url.clone())), Some(url))
            }
        };
        Ok(Context {
            client,
            wallet,
            rpc,
            unsigned: None,
        })
    }

    /// Applies `--serialize-unsigned` and `--sponsor`.
    pub fn unsigned(mut self, serialize: bool, sponsor: Option<&str>) -> CliResult<Context> {
        if serialize {
            let sponsor = match sponsor {
                Some(s) => Some(Address(*self.wallet.resolve(s)?.as_bytes())),
                None => None,
            };
            self.unsigned = Some(Unsigned { sponsor });
        }
        Ok(self)
    }

    /// The active key's committer.
    pub async fn signer(&self) -> CliResult<Committer> {
        self.wallet.committer(None).await
    }

    /// Maps an SDK error to a one-line failure with a hint.
    pub fn error(&self, e: SdkError) -> CliError {
        let hint = match &e {
            SdkError::Transport(_) => match &self.rpc {
                Some(url) => format!(
                    "is a node running at {url}? start one with `movid start`, or use --data-dir"
                ),
                None => "check the data directory".to_string(),
            },
            SdkError::Transaction(_) => {
                "fetch fresh object versions and try again; `movid client gas` shows your coins"
                    .into()
            }
            SdkError::Identity(_) => {
                "`movid identity show DID` shows controllers, threshold and proposals".into()
            }
            SdkError::ExecutionFailed { .. } => {
                "the transaction ran and failed; only gas was charged".into()
            }
            _ => "run with --json for details".into(),
        };
        CliError::new(e.to_string(), hint)
    }
}
