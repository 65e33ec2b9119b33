//! `movid keys export` and `movid keys import`: keys in Sui's forms, the `suiprivkey1…`
//! string and the Sui CLI's `sui.keystore` file (`movid_sdk::keys::SuiPrivateKey`).
//!
//! Import checks everything before it changes anything: the input is read and decoded
//! before the key file is opened, then every alias and every key is checked against the key
//! file and `client.json`. Only then are the keys imported, and if one of them still fails
//! (another process imported it meanwhile, a write failed) the ones this command imported are
//! deleted again, so a failed import leaves the key file as it was.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use movid_sdk::keys::{
    read_sui_keystore, Capability, IdentityId, IdentityManager, KeyError, Scheme, SuiKeystoreEntry,
    SuiPrivateKey,
};
use serde_json::json;
use zeroize::Zeroizing;

use crate::output::{stderr_line, CliError, CliResult, Output};
use crate::wallet::Wallet;

/// What `movid keys import` was asked to import.
pub struct ImportArgs {
    /// A `suiprivkey1…` string, or `-` for stdin.
    pub key: Option<String>,
    /// A `sui.keystore` file.
    pub sui_keystore: Option<PathBuf>,
    /// The alias of a single key.
    pub alias: Option<String>,
    /// With a keystore: each key's alias is this and its entry index.
    pub alias_prefix: Option<String>,
    /// What the imported keys may do.
    pub capabilities: Capability,
    /// Create the key file without a password if there is none yet.
    pub insecure_no_password: bool,
}

/// One key to import.
struct Incoming {
    /// Its entry in the keystore (`None` for a string).
    index: Option<usize>,
    key: SuiPrivateKey,
    alias: Option<String>,
}

impl Incoming {
    fn describe(&self) -> String {
        match self.index {
            Some(i) => format!("{} (keystore entry {i})", self.key.identity_id()),
            None => self.key.identity_id().to_string(),
        }
    }
}

/// A hint for each error of Sui's key forms; the rest as the wallet words them.
fn key_error(e: KeyError) -> CliError {
    let hint = match &e {
        KeyError::SuiKeyWrongHrp { .. } | KeyError::SuiKeyMalformed { .. } | KeyError::SuiKeyWrongLength { .. } => {
            "pass the whole `suiprivkey1…` string as `sui keytool export --key-identity ADDRESS` prints it"
        }
        KeyError::SuiKeyBadChecksum => "copy the whole string again; no character may change",
        KeyError::UnsupportedKeyScheme { .. } => {
            "movid signs with Ed25519 only: make an Ed25519 key (`sui client new-address ed25519`, or `movid keys generate`)"
        }
        KeyError::SuiKeystoreMalformed { .. } | KeyError::SuiKeystoreEntry { .. } => {
            "a Sui keystore (~/.sui/sui_config/sui.keystore) is a JSON array of Base64 strings, each a flag byte and a 32-byte key"
        }
        KeyError::NotExportable { .. } => {
            "use the key where it is (--signer); only a key in the key file exports (--signer keystore)"
        }
        _ => return Wallet::error(e),
    };
    CliError::new(e.to_string(), hint)
}

/// The alias that names `id`, if any.
fn alias_of(wallet: &Wallet, id: IdentityId) -> Option<String> {
    let address = id.to_string();
    wallet
        .config
        .aliases
        .iter()
        .find(|(_, v)| **v == address)
        .map(|(k, _)| k.clone())
}

/// `movid keys export KEY [--out FILE]`.
pub async fn export(
    wallet: &Wallet,
    key: String,
    output: Option<PathBuf>,
    out: Output,
) -> CliResult<()> {
    let id = wallet.resolve(&key)?;
    // Decided from the configuration, so an agent, remote signer or token is never contacted
    // (nor its PIN asked for) only to be refused.
    let backend = crate::signer::backend_kind(wallet, id);
    if backend != "keystore" {
        return Err(key_error(KeyError::NotExportable { backend }));
    }
    let manager = IdentityManager::new();
    let exported = manager.export_sui(id, &wallet.backend).map_err(key_error)?;
    let can_decrypt = manager
        .list(&wallet.backend)
        .await
        .map_err(key_error)?
        .iter()
        .any(|i| i.id() == id && i.capabilities().can_decrypt());
    let string = exported.private_key.to_bech32();
    if let Some(path) = &output {
        let line = Zeroizing::new(format!("{}\n", *string));
        crate::envelope_cmd::write_private(path, line.as_bytes())?;
    }
    let address = id.to_string();
    if can_decrypt && !exported.x25519_restored_on_import {
        stderr_line(&format!(
            "note: Sui's form holds the Ed25519 key only; {address}'s X25519 (decryption) key stays in the key file, and a copy imported from this string decrypts with another one"
        ));
    }
    if output.is_none() && !out.json && std::io::stdout().is_terminal() {
        stderr_line(&format!(
            "warning: the line below is the private key of {address}: whoever reads it controls that address"
        ));
    }
    let doc = json!({
        "address": address,
        "alias": alias_of(wallet, id),
        "scheme": "ed25519",
        "suiprivkey": output.is_none().then(|| string.as_str()),
        "out": output,
        "x25519_restored_on_import": exported.x25519_restored_on_import,
    });
    out.print(&doc, || match &output {
        Some(path) => format!(
            "wrote the private key of {address} to {} (mode 0600)",
            path.display()
        ),
        // The string alone, so it can be piped (`movid keys export A | sui keytool import ...`).
        None => string.to_string(),
    });
    Ok(())
}

/// Reads the key string: the argument itself, or stdin for `-` (without echo on a terminal).
fn read_key_string(arg: &str) -> CliResult<Zeroizing<String>> {
    if arg != "-" {
        stderr_line(
            "warning: a key given as an argument is kept in shell history and visible to `ps`; pass `-` and give it on stdin instead",
        );
        return Ok(Zeroizing::new(arg.to_owned()));
    }
    if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
        return crate::wallet::prompt_password("suiprivkey (not echoed): ");
    }
    let mut text = Zeroizing::new(String::new());
    std::io::stdin().read_to_string(&mut text)?;
    Ok(text)
}

/// `movid keys import STRING|- [--alias A]` and `movid keys import --sui-keystore PATH`.
pub async fn import(home: &Path, args: ImportArgs, out: Output) -> CliResult<()> {
    // Read and decode first: bad input is refused before the key file is even opened.
    let mut skipped = vec![];
    let incoming = match (&args.key, &args.sui_keystore) {
        (Some(arg), None) => {
            let text = read_key_string(arg)?;
            let key = SuiPrivateKey::from_bech32(&text).map_err(key_error)?;
            vec![Incoming {
                index: None,
                key,
                alias: args.alias.clone(),
            }]
        }
        (None, Some(path)) => {
            let entries = read_sui_keystore(path).map_err(|e| {
                let e = key_error(e);
                CliError {
                    message: format!("{}: {}", path.display(), e.message),
                    ..e
                }
            })?;
            let mut incoming = vec![];
            for entry in entries {
                match entry {
                    SuiKeystoreEntry::Ed25519 { index, key } => incoming.push(Incoming {
                        index: Some(index),
                        alias: args.alias_prefix.as_ref().map(|p| format!("{p}{index}")),
                        key,
                    }),
                    SuiKeystoreEntry::Unsupported { index, scheme } => {
                        skipped.push((index, scheme))
                    }
                }
            }
            incoming
        }
        _ => unreachable!("clap requires exactly one of the key and --sui-keystore"),
    };
    let skipped_words = skipped
        .iter()
        .map(|(i, s)| format!("entry {i}: {s}"))
        .collect::<Vec<_>>()
        .join(", ");
    if incoming.is_empty() {
        return Err(CliError::new(
            if skipped.is_empty() {
                "the Sui keystore holds no keys".to_owned()
            } else {
                format!("the Sui keystore holds no Ed25519 key (skipped {skipped_words})")
            },
            "movid signs with Ed25519 only: make an Ed25519 key (`sui client new-address ed25519`)",
        ));
    }
    let mut seen: BTreeMap<IdentityId, usize> = BTreeMap::new();
    for (n, item) in incoming.iter().enumerate() {
        if let Some(first) = seen.insert(item.key.identity_id(), n) {
            return Err(CliError::new(
                format!(
                    "the Sui keystore holds the key of {} twice (entries {} and {})",
                    item.key.identity_id(),
                    incoming[first].index.unwrap_or_default(),
                    item.index.unwrap_or_default()
                ),
                "remove one of them",
            ));
        }
    }

    let mut wallet = Wallet::open_or_create(home, args.insecure_no_password)?;
    let manager = IdentityManager::new();
    for item in &incoming {
        if let Some(alias) = &item.alias {
            if let Some(holder) = wallet.config.aliases.get(alias) {
                return Err(CliError::new(
                    format!("alias `{alias}` is taken (by {holder}); nothing was imported"),
                    "choose another alias (--alias, or --alias-prefix for a keystore)",
                ));
            }
        }
    }
    let held = manager.list(&wallet.backend).await.map_err(key_error)?;
    for item in &incoming {
        let id = item.key.identity_id();
        if held.iter().any(|i| i.id() == id) {
            let name = alias_of(&wallet, id)
                .map(|a| format!("as `{a}`"))
                .unwrap_or_else(|| "without an alias".into());
            return Err(CliError::new(
                format!(
                    "the key of {} is already in the key file {name}; nothing was imported",
                    item.describe()
                ),
                "use the key that is there (`movid keys list`)",
            ));
        }
    }

    let mut done: Vec<IdentityId> = vec![];
    for item in &incoming {
        match manager
            .import(
                &wallet.backend,
                Scheme::Ed25519,
                &item.key.key_material(),
                args.capabilities,
            )
            .await
        {
            Ok((identity, _)) => done.push(identity.id()),
            Err(e) => {
                undo(&manager, &wallet, &done).await;
                let e = key_error(e);
                return Err(CliError {
                    message: format!(
                        "importing {}: {}; nothing was imported",
                        item.describe(),
                        e.message
                    ),
                    ..e
                });
            }
        }
    }
    for item in &incoming {
        if let Some(alias) = &item.alias {
            wallet
                .config
                .aliases
                .insert(alias.clone(), item.key.identity_id().to_string());
        }
    }
    if wallet.config.active.is_none() {
        wallet.config.active = Some(incoming[0].key.identity_id().to_string());
    }
    if let Err(e) = wallet.save() {
        undo(&manager, &wallet, &done).await;
        return Err(e);
    }

    let imported: Vec<_> = incoming
        .iter()
        .map(|i| json!({ "address": i.key.identity_id().to_string(), "alias": i.alias, "index": i.index }))
        .collect();
    let skipped_json: Vec<_> = skipped
        .iter()
        .map(|(index, scheme)| json!({ "index": index, "scheme": scheme.name(), "flag": scheme.flag() }))
        .collect();
    out.print(
        &json!({ "imported": imported, "skipped": skipped_json, "capabilities": args.capabilities }),
        || {
            let mut lines: Vec<String> = incoming
                .iter()
                .map(|i| {
                    format!(
                        "imported {}{}",
                        i.describe(),
                        i.alias
                            .as_ref()
                            .map(|a| format!(" as {a}"))
                            .unwrap_or_default()
                    )
                })
                .collect();
            lines.extend(skipped.iter().map(|(i, s)| {
                format!("skipped keystore entry {i}: a {s} key (movid identities are Ed25519 only)")
            }));
            lines.join("\n")
        },
    );
    Ok(())
}

/// Deletes the keys this command imported, after a later step failed.
async fn undo(manager: &IdentityManager, wallet: &Wallet, done: &[IdentityId]) {
    for id in done {
        if let Err(e) = manager.delete(id, &wallet.backend).await {
            stderr_line(&format!(
                "error: could not remove {id} again after the failed import: {e}"
            ));
        }
    }
}
