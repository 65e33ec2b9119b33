//! The CLI's keys and active address, kept in `$MOVID_HOME`: an encrypted key file
//! (`keys.json`, password from `MOVID_KEYSTORE_PASSWORD`, empty by default) and `client.json`
//! with aliases and the active address.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use movid_sdk::keys::{Backend, Capability, Committer, IdentityId, KeyError};
use serde::{Deserialize, Serialize};

use crate::output::{CliError, CliResult};

/// Aliases and the active address.
#[derive(Default, Serialize, Deserialize)]
pub struct ClientConfig {
    /// The address commands act as.
    pub active: Option<String>,
    /// Alias -> address.
    pub aliases: BTreeMap<String, String>,
    /// Address -> where its keys are, for keys outside the key file.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub signers: BTreeMap<String, crate::signer::SignerEntry>,
}

/// The keystore and client config of `$MOVID_HOME`.
pub struct Wallet {
    home: PathBuf,
    /// Where the keys are.
    pub backend: Backend,
    /// Aliases and the active address.
    pub config: ClientConfig,
}

fn key_error(e: KeyError) -> CliError {
    let hint = match &e {
        KeyError::WrongPassword { .. } => "set MOVID_KEYSTORE_PASSWORD to the key file's password",
        KeyError::ExternalIdentityNotFound { .. } | KeyError::IdentityDoesNotExist { .. } => {
            "list the keys with `movid keys list`"
        }
        _ => "check $MOVID_HOME/keys.json",
    };
    CliError::new(e.to_string(), hint)
}

impl Wallet {
    /// Opens (creating when missing) the wallet in `home`.
    pub fn open(home: &Path) -> CliResult<Wallet> {
        std::fs::create_dir_all(home)?;
        let password = std::env::var("MOVID_KEYSTORE_PASSWORD").unwrap_or_default();
        let backend = Backend::keyfile(home.join("keys.json"), password).map_err(key_error)?;
        let cfg_path = home.join("client.json");
        let config = match std::fs::read(&cfg_path) {
            Ok(b) => serde_json::from_slice(&b).map_err(|e| {
                CliError::new(
                    format!("{} is not valid: {e}", cfg_path.display()),
                    "fix or delete the file",
                )
            })?,
            Err(_) => ClientConfig::default(),
        };
        Ok(Wallet {
            home: home.to_path_buf(),
            backend,
            config,
        })
    }

    /// Saves `client.json`.
    pub fn save(&self) -> CliResult<()> {
        let tmp = self.home.join("client.json.tmp");
        std::fs::write(
            &tmp,
            serde_json::to_vec_pretty(&self.config).expect("serializable"),
        )?;
        std::fs::rename(tmp, self.home.join("client.json"))?;
        Ok(())
    }

    /// An alias or a `0x` address to an identity ID.
    pub fn resolve(&self, name: &str) -> CliResult<IdentityId> {
        let addr = self
            .config
            .aliases
            .get(name)
            .map(String::as_str)
            .unwrap_or(name);
        addr.parse().map_err(|_| {
            CliError::new(
                format!("`{name}` is neither an alias nor an address"),
                "see `movid keys list`",
            )
        })
    }

    /// The active address.
    pub fn active(&self) -> CliResult<IdentityId> {
        let a = self.config.active.as_deref().ok_or_else(|| {
            CliError::new("no active address", "create one with `movid keys generate` or import the dev accounts with `movid keys import-dev`")
        })?;
        self.resolve(a)
    }

    /// A committer for `id` (the active address when `None`).
    pub async fn committer(&self, id: Option<IdentityId>) -> CliResult<Committer> {
        let handle = crate::signer::handle(self, id, Capability::Commit).await?;
        handle.require_committer().map_err(key_error)
    }

    /// Maps a key error for display.
    pub fn error(e: KeyError) -> CliError {
        key_error(e)
    }
}
