//! `movid keys generate|import-dev|list|use|delete|agent|show|decrypt`.

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use movid_sdk::keys::{Agent, Capability, IdentityManager, KeyMaterial, MemoryBackend, Scheme};
use serde_json::json;

use crate::output::{CliError, CliResult, Output};
use crate::wallet::Wallet;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Caps {
    Commit,
    Decrypt,
    CommitAndDecrypt,
}

impl From<Caps> for Capability {
    fn from(c: Caps) -> Self {
        match c {
            Caps::Commit => Capability::Commit,
            Caps::Decrypt => Capability::Decrypt,
            Caps::CommitAndDecrypt => Capability::CommitAndDecrypt,
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// Generate a key (Ed25519 for signing, X25519 for decryption).
    Generate {
        /// A name for the key.
        #[arg(long)]
        alias: Option<String>,
        /// What the key may do.
        #[arg(long, value_enum, default_value = "commit-and-decrypt")]
        capabilities: Caps,
        /// Where to generate it: the key file, or a PKCS#11 token (the key never leaves it).
        #[arg(long, value_enum, default_value = "keystore")]
        backend: KeyBackend,
        /// PKCS#11 module (default: $MOVID_PKCS11_MODULE, else /usr/lib/softhsm/libsofthsm2.so).
        #[arg(long)]
        module: Option<PathBuf>,
        /// Label of the PKCS#11 token.
        #[arg(long)]
        token_label: Option<String>,
        /// Environment variable holding the token's user PIN (its name is kept, never the PIN).
        #[arg(long, default_value = "MOVID_PKCS11_PIN")]
        pin_env: String,
    },
    /// Import the local node's funded development keys as dev0, dev1, ...
    ImportDev {
        /// How many.
        #[arg(default_value_t = 4)]
        count: usize,
    },
    /// List keys.
    List,
    /// Make a key the active address.
    Use {
        /// Alias or address.
        key: String,
    },
    /// Delete a key.
    Delete {
        /// Alias or address.
        key: String,
    },
    /// Run the signer agent on a Unix socket, holding the keystore's keys.
    Agent {
        /// Socket path (default `$MOVID_HOME/agent.sock`).
        #[arg(long)]
        socket: Option<PathBuf>,
    },
    /// Show a key: address, backend, capabilities, Ed25519 and X25519 public keys.
    Show {
        /// Alias or address (default: the active address).
        key: Option<String>,
    },
    /// Decrypt a `movid did encrypt` envelope with one of your keys.
    Decrypt {
        /// Alias or address of the key (default: the active address).
        #[arg(long)]
        key: Option<String>,
        /// The envelope file (default: stdin).
        #[arg(long = "in")]
        input: Option<PathBuf>,
        /// Write the plaintext here (mode 0600) instead of stdout.
        #[arg(long = "out")]
        output: Option<PathBuf>,
    },
}

/// Where `keys generate` creates a key.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum KeyBackend {
    /// The encrypted key file in $MOVID_HOME.
    Keystore,
    /// A PKCS#11 token (--module, --token-label, --pin-env).
    Pkcs11,
}

pub fn run(cmd: KeysCommand, out: Output) -> CliResult<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(run_async(cmd, out))
}

async fn run_async(cmd: KeysCommand, out: Output) -> CliResult<()> {
    let home = crate::movid_home();
    let mut w = Wallet::open(&home)?;
    let mgr = IdentityManager::new();
    match cmd {
        KeysCommand::Generate {
            alias,
            capabilities,
            backend,
            module,
            token_label,
            pin_env,
        } => {
            if let Some(a) = &alias {
                if w.config.aliases.contains_key(a) {
                    return Err(CliError::new(
                        format!("alias `{a}` is taken"),
                        "choose another alias",
                    ));
                }
            }
            if let KeyBackend::Pkcs11 = backend {
                return crate::signer::generate_on_token(
                    &mut w,
                    alias,
                    capabilities.into(),
                    module,
                    token_label,
                    pin_env,
                    out,
                )
                .await;
            }
            let (ident, _) = mgr
                .generate(&w.backend, Scheme::Ed25519, capabilities.into())
                .await
                .map_err(Wallet::error)?;
            let address = ident.id().to_string();
            if let Some(a) = &alias {
                w.config.aliases.insert(a.clone(), address.clone());
            }
            if w.config.active.is_none() {
                w.config.active = Some(address.clone());
            }
            w.save()?;
            out.print(&json!({ "address": address, "alias": alias, "capabilities": ident.capabilities() }), || {
                format!("generated {address}{}", alias.map(|a| format!(" ({a})")).unwrap_or_default())
            });
        }
        KeysCommand::ImportDev { count } => {
            let mut imported = vec![];
            for (i, kp) in movid_runtime::genesis::dev_keys(count).iter().enumerate() {
                let material = KeyMaterial::from_ed25519_seed(kp.seed());
                let address = kp.address().to_string();
                match mgr
                    .import(
                        &w.backend,
                        Scheme::Ed25519,
                        &material,
                        Capability::CommitAndDecrypt,
                    )
                    .await
                {
                    Ok(_) | Err(movid_sdk::keys::KeyError::IdentityAlreadyExists { .. }) => {}
                    Err(e) => return Err(Wallet::error(e)),
                }
                w.config.aliases.insert(format!("dev{i}"), address.clone());
                imported.push(address);
            }
            if w.config.active.is_none() {
                w.config.active = imported.first().cloned();
            }
            w.save()?;
            out.print(&json!({ "imported": imported }), || {
                format!(
                    "imported {} dev keys as dev0..dev{}",
                    imported.len(),
                    imported.len().saturating_sub(1)
                )
            });
        }
        KeysCommand::List => {
            let list = mgr.list(&w.backend).await.map_err(Wallet::error)?;
            let rows: Vec<_> = list
                .iter()
                .map(|i| {
                    let address = i.id().to_string();
                    let alias = w.config.aliases.iter().find(|(_, v)| **v == address).map(|(k, _)| k.clone());
                    let active = w.config.active.as_deref() == Some(address.as_str())
                        || alias.as_deref().is_some_and(|a| w.config.active.as_deref() == Some(a));
                    json!({ "address": address, "alias": alias, "capabilities": i.capabilities(), "active": active })
                })
                .collect();
            out.print(&json!(rows), || {
                if rows.is_empty() {
                    return "no keys; create one with `movid keys generate`".into();
                }
                rows.iter()
                    .map(|r| {
                        format!(
                            "{} {} {:<10} {}",
                            if r["active"].as_bool() == Some(true) {
                                "*"
                            } else {
                                " "
                            },
                            r["address"].as_str().unwrap_or_default(),
                            r["alias"].as_str().unwrap_or("-"),
                            r["capabilities"].as_str().unwrap_or_default()
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        KeysCommand::Use { key } => {
            let id = w.resolve(&key)?;
            mgr.connect(id, &crate::signer::backend_for(&w, id)?, Capability::Commit)
                .await
                .map_err(Wallet::error)?;
            w.config.active = Some(id.to_string());
            w.save()?;
            out.print(&json!({ "active": id.to_string() }), || {
                format!("active address: {id}")
            });
        }
        KeysCommand::Delete { key } => {
            let id = w.resolve(&key)?;
            let backend = crate::signer::backend_for(&w, id)?;
            mgr.delete(id, &backend).await.map_err(Wallet::error)?;
            let s = id.to_string();
            w.config.aliases.retain(|_, v| *v != s);
            w.config.signers.remove(&s);
            if w.config.active.as_deref() == Some(s.as_str())
                || w.config.active.as_deref() == Some(key.as_str())
            {
                w.config.active = None;
            }
            w.save()?;
            out.print(&json!({ "deleted": s }), || format!("deleted {s}"));
        }
        KeysCommand::Agent { socket } => {
            let path = socket.unwrap_or_else(|| home.join("agent.sock"));
            let password = std::env::var("MOVID_KEYSTORE_PASSWORD").unwrap_or_default();
            let backend = MemoryBackend::open_keyfile(home.join("keys.json"), password)
                .map_err(Wallet::error)?;
            let server = Agent::serve(&path, backend).await.map_err(Wallet::error)?;
            out.print(&json!({ "socket": path }), || {
                format!("signer agent listening on {}", path.display())
            });
            tokio::signal::ctrl_c().await?;
            server.shutdown();
        }
        KeysCommand::Show { key } => crate::signer::show(&w, key, out).await?,
        KeysCommand::Decrypt { key, input, output } => {
            crate::envelope_cmd::decrypt(&w, key, input, output, out).await?
        }
    }
    Ok(())
}
