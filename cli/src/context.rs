//! What chain-facing commands share: a client (a node over `--rpc`, or the chain embedded from
//! `--data-dir`) and the wallet's signer.

use std::path::PathBuf;
use std::sync::Arc;

use movid_sdk::client::{Client, InProcessClient};
use movid_sdk::keys::Committer;
use movid_sdk::rpc::RpcClient;
use movid_sdk::runtime::error::TransactionError;
use movid_sdk::runtime::types::Address;
use movid_sdk::runtime::types::ExecutionFailure;
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
                Some(s) => Some(Address::new(*self.wallet.resolve(s)?.as_bytes())),
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
        let hint = hint(&e, self.rpc.as_deref());
        CliError::new(e.to_string(), hint)
    }
}

/// What to try after `e`, naming its real cause: a budget that ran out says so and suggests
/// one, coins too small to pay say so, a node out of reach names its URL.
pub fn hint(e: &SdkError, rpc: Option<&str>) -> String {
    match e {
        SdkError::Transport(_) => {
            match rpc {
                Some(url) => {
                    format!("is a node running at {url}? start one with `movid start`, or use --data-dir")
                }
                None => "check the data directory".to_string(),
            }
        }
        SdkError::ExecutionFailed {
            failure, submitted, ..
        } => match &**failure {
            ExecutionFailure::InsufficientGas { budget } => format!(
                "the gas budget of {budget} MIST was too low for this transaction: retry with a larger \
                 one (e.g. --gas-budget {}) or leave --gas-budget out so a dry run estimates it",
                budget.saturating_mul(2)
            ),
            _ if !submitted => "the dry run failed, so nothing was sent or charged".into(),
            _ => "the transaction ran and failed; only gas was charged".into(),
        },
        SdkError::InsufficientGas { owner, needed, .. } => format!(
            "the gas coins of {owner} cannot pay {needed} MIST: fund it (`movid client faucet` on a \
             development chain) or lower --gas-budget; `movid client gas` shows its coins"
        ),
        SdkError::Transaction(t) => match &**t {
            TransactionError::InsufficientGasBalance { budget, .. } => format!(
                "the gas coins hold less than the budget of {budget} MIST: fund the account or lower \
                 --gas-budget; `movid client gas` shows your coins"
            ),
            TransactionError::GasBudgetOutOfRange { min, max, .. } => {
                format!("choose a --gas-budget between {min} and {max} MIST")
            }
            _ => "fetch fresh object versions and try again; `movid client gas` shows your coins"
                .into(),
        },
        SdkError::Identity(_) => {
            "`movid identity show DID` shows controllers, threshold and proposals".into()
        }
        _ => "run with --json for details".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use movid_sdk::runtime::types::Digest;

    #[test]
    fn an_exhausted_gas_budget_is_named_and_a_larger_one_suggested() {
        let e = SdkError::ExecutionFailed {
            digest: Digest::new([7; 32]),
            failure: Box::new(ExecutionFailure::InsufficientGas { budget: 1_000 }),
            command: Some(0),
            submitted: true,
        };
        let h = hint(&e, None);
        assert!(h.contains("gas budget of 1000 MIST was too low"), "{h}");
        assert!(h.contains("--gas-budget 2000"), "{h}");
        assert!(!h.contains("only gas was charged"), "{h}");
    }

    #[test]
    fn a_failed_dry_run_does_not_claim_gas_was_charged() {
        let failed = |submitted| SdkError::ExecutionFailed {
            digest: Digest::new([7; 32]),
            failure: Box::new(ExecutionFailure::MoveRuntimeError {
                status: "ARITHMETIC_ERROR".into(),
                location: "m::f".into(),
            }),
            command: Some(0),
            submitted,
        };
        assert!(hint(&failed(false), None).contains("nothing was sent or charged"));
        assert!(hint(&failed(true), None).contains("only gas was charged"));
    }

    #[test]
    fn coins_too_small_for_the_budget_say_so() {
        let e = SdkError::InsufficientGas {
            owner: Address::new([1; 32]),
            balance: 5,
            needed: 10,
        };
        let h = hint(&e, None);
        assert!(
            h.contains("cannot pay 10 MIST") && h.contains("faucet"),
            "{h}"
        );
        let t = SdkError::Transaction(Box::new(TransactionError::InsufficientGasBalance {
            balance: 5,
            budget: 10,
        }));
        assert!(hint(&t, None).contains("less than the budget of 10 MIST"));
    }
}
