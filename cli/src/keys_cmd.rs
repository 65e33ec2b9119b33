//! `movid keys generate|import-dev|import|export|list|use|delete|agent|show|decrypt`
//! (`import` and `export`, in Sui's forms, are in `keys_sui.rs`).

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use movid_sdk::keys::{
    Agent, Backend, Capability, IdentityManager, KeyMaterial, Scheme, SignerPolicy,
};
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
        /// Create the key file without a password if there is none yet: anyone who can read
        /// it has the keys.
        #[arg(long)]
        insecure_no_password: bool,
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
        /// Create the key file without a password if there is none yet.
        #[arg(long)]
        insecure_no_password: bool,
    },
    /// Import Ed25519 keys in Sui's forms: a `suiprivkey1…` string, or every Ed25519 entry of a
    /// Sui keystore file. Give the string on stdin (`movid keys import -`): an argument is kept
    /// in shell history and visible to `ps`.
    Import {
        /// The `suiprivkey1…` string, or `-` to read it from stdin (recommended; not echoed on
        /// a terminal).
        #[arg(
            required_unless_present = "sui_keystore",
            conflicts_with = "sui_keystore",
            allow_hyphen_values = true
        )]
        key: Option<String>,
        /// Import every Ed25519 entry of this Sui keystore (e.g.
        /// ~/.sui/sui_config/sui.keystore); entries of other schemes are skipped and listed.
        #[arg(long)]
        sui_keystore: Option<PathBuf>,
        /// A name for the key.
        #[arg(long, conflicts_with = "sui_keystore")]
        alias: Option<String>,
        /// With --sui-keystore: name each key PREFIX followed by its entry index (sui0, sui2, ...).
        #[arg(long, requires = "sui_keystore")]
        alias_prefix: Option<String>,
        /// What the keys may do.
        #[arg(long, value_enum, default_value = "commit-and-decrypt")]
        capabilities: Caps,
        /// Create the key file without a password if there is none yet: anyone who can read
        /// it has the keys.
        #[arg(long)]
        insecure_no_password: bool,
    },
    /// Print a key's Ed25519 private key as Sui's `suiprivkey1…` string (`sui keytool import`
    /// reads it). Whoever has the string controls the address. Only keys in the key file
    /// export: an agent, a remote signer or a PKCS#11 token never hands a key out.
    Export {
        /// Alias or address.
        key: String,
        /// Write the string here (mode 0600) instead of stdout.
        #[arg(long = "out")]
        output: Option<PathBuf>,
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
    /// Run the signer agent on a Unix socket, holding the keystore's keys (re-read before
    /// every use, so keys generated or deleted by other commands take effect at once). Stops
    /// on SIGINT or SIGTERM and removes its socket.
    Agent {
        /// Socket path (default `$MOVID_HOME/agent.sock`).
        #[arg(long)]
        socket: Option<PathBuf>,
        /// Let clients generate, import, delete and list keys through the agent.
        #[arg(long)]
        allow_manage: bool,
        /// Let clients sign raw messages (needed for access certificates and TLS handshakes
        /// through the agent); a raw signature can be of anything.
        #[arg(long)]
        allow_raw_sign: bool,
        /// Create the key file without a password if there is none yet.
        #[arg(long)]
        insecure_no_password: bool,
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

impl KeysCommand {
    /// Whether the command may create the key file, and whether without a password.
    fn creates(&self) -> Option<bool> {
        match self {
            KeysCommand::Generate {
                insecure_no_password,
                ..
            }
            | KeysCommand::ImportDev {
                insecure_no_password,
                ..
            }
            | KeysCommand::Agent {
                insecure_no_password,
                ..
            } => Some(*insecure_no_password),
            _ => None,
        }
    }
}

pub fn run(cmd: KeysCommand, out: Output) -> CliResult<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(run_async(cmd, out))
}

async fn run_async(cmd: KeysCommand, out: Output) -> CliResult<()> {
    let home = crate::movid_home();
    // Import reads and checks its input before the key file is opened.
    if let KeysCommand::Import {
        key,
        sui_keystore,
        alias,
        alias_prefix,
        capabilities,
        insecure_no_password,
    } = cmd
    {
        let args = crate::keys_sui::ImportArgs {
            key,
            sui_keystore,
            alias,
            alias_prefix,
            capabilities: capabilities.into(),
            insecure_no_password,
        };
        return crate::keys_sui::import(&home, args, out).await;
    }
    let mut w = match cmd.creates() {
        Some(insecure_no_password) => Wallet::open_or_create(&home, insecure_no_password)?,
        None => Wallet::open(&home)?,
    };
    let mgr = IdentityManager::new();
    match cmd {
        KeysCommand::Generate {
            alias,
            capabilities,
            backend,
            module,
            token_label,
            pin_env,
            ..
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
        KeysCommand::ImportDev { count, .. } => {
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
            let keyfile = w.keyfile_path();
            let encrypted = w.encrypted;
            let doc = json!({ "keyfile": keyfile, "encrypted": encrypted, "keys": rows });
            out.print(&doc, || {
                let store = match encrypted {
                    Some(true) => format!("key file {} (encrypted)", keyfile.display()),
                    Some(false) => format!(
                        "key file {} (NOT encrypted: anyone who can read it has the keys)",
                        keyfile.display()
                    ),
                    None => format!("no key file yet at {}", keyfile.display()),
                };
                if rows.is_empty() {
                    return format!("{store}\nno keys; create one with `movid keys generate`");
                }
                let lines = rows
                    .iter()
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
                    .join("\n");
                format!("{store}\n{lines}")
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
        KeysCommand::Agent {
            socket,
            allow_manage,
            allow_raw_sign,
            ..
        } => {
            let path = socket.unwrap_or_else(|| home.join("agent.sock"));
            let Backend::Memory(backend) = w.backend.clone() else {
                unreachable!("the wallet's keys are a key file")
            };
            let policy = SignerPolicy {
                manage: allow_manage,
                raw_sign: allow_raw_sign,
            };
            // Install the handlers before announcing the socket, so a stop signal sent as
            // soon as the socket is announced removes it.
            let mut terminate =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
            let mut interrupt =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
            let server = Agent::serve_with_policy(&path, backend, policy)
                .await
                .map_err(Wallet::error)?;
            out.print(
                &json!({
                    "socket": path,
                    "keyfile": w.keyfile_path(),
                    "encrypted": w.encrypted,
                    "allow_manage": allow_manage,
                    "allow_raw_sign": allow_raw_sign,
                    "pid": std::process::id(),
                }),
                || format!("signer agent listening on {}", path.display()),
            );
            use std::io::Write;
            let _ = std::io::stdout().flush();
            tokio::select! {
                _ = terminate.recv() => {}
                _ = interrupt.recv() => {}
            }
            server.shutdown();
        }
        KeysCommand::Import { .. } => unreachable!("handled before the key file is opened"),
        KeysCommand::Export { key, output } => {
            crate::keys_sui::export(&w, key, output, out).await?
        }
        KeysCommand::Show { key } => crate::signer::show(&w, key, out).await?,
        KeysCommand::Decrypt { key, input, output } => {
            crate::envelope_cmd::decrypt(&w, key, input, output, out).await?
        }
    }
    Ok(())
}
