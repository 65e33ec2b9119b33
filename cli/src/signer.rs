//! Where the CLI's keys are used: the key file, a signer agent, a remote
//! signer, or a PKCS#11 token.
//!
//! Every command that signs or decrypts gets its backend here:
//!
//! 1. `--signer SPEC` (or `MOVID_SIGNER`), when given, for every key:
//!    `keystore` (the key file), `agent` (the agent at
//!    `$MOVID_HOME/agent.sock`), `agent:PATH`, or `remote:HOST:PORT` (a
//!    remote signer; its token from `MOVID_SIGNER_TOKEN`);
//! 2. else the key's entry in `client.json` (`signers`), which `movid keys
//!    generate --backend pkcs11` writes: module, token label and the name of
//!    the environment variable holding the PIN (never the PIN itself);
//! 3. else the key file.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::OnceLock;

use movid_sdk::did::{PublicKey, MULTIKEY_TYPE};
use movid_sdk::keys::{
    Backend, Capability, ExternalIdentity, Handle, IdentityId, IdentityManager, KeyError,
    Pkcs11Backend, RemoteClientConfig, Scheme, TlsIdentity,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use zeroize::Zeroizing;

use crate::output::{CliError, CliResult, Output};
use crate::wallet::Wallet;

/// The environment variable holding a remote signer's token.
pub const SIGNER_TOKEN_ENV: &str = "MOVID_SIGNER_TOKEN";

/// A `--signer` choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignerSpec {
    /// The key file in `$MOVID_HOME`.
    Keystore,
    /// A signer agent on this Unix socket.
    Agent(PathBuf),
    /// A remote signer at this address.
    Remote(SocketAddr),
}

impl SignerSpec {
    /// Reads `keystore`, `agent`, `agent:PATH` or `remote:HOST:PORT`.
    pub fn parse(s: &str) -> CliResult<SignerSpec> {
        let bad = || {
            CliError::new(
                format!("`{s}` is not a signer"),
                "use keystore, agent, agent:PATH or remote:HOST:PORT",
            )
        };
        match s.split_once(':') {
            None if s == "keystore" => Ok(SignerSpec::Keystore),
            None if s == "agent" => Ok(SignerSpec::Agent(crate::movid_home().join("agent.sock"))),
            Some(("agent", path)) if !path.is_empty() => Ok(SignerSpec::Agent(path.into())),
            Some(("remote", addr)) => addr.parse().map(SignerSpec::Remote).map_err(|_| bad()),
            _ => Err(bad()),
        }
    }

    fn describe(&self) -> String {
        match self {
            SignerSpec::Keystore => "keystore".into(),
            SignerSpec::Agent(path) => format!("agent:{}", path.display()),
            SignerSpec::Remote(addr) => format!("remote:{addr}"),
        }
    }
}

/// A key that lives somewhere other than the key file, as `client.json`
/// records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SignerEntry {
    /// On a PKCS#11 token.
    Pkcs11 {
        /// The module (shared library).
        module: PathBuf,
        /// The token's label.
        token_label: String,
        /// The environment variable holding the user PIN.
        pin_env: String,
    },
}

impl SignerEntry {
    fn describe(&self) -> String {
        match self {
            SignerEntry::Pkcs11 { token_label, .. } => format!("pkcs11:{token_label}"),
        }
    }

    fn open(&self) -> CliResult<Backend> {
        match self {
            SignerEntry::Pkcs11 {
                module,
                token_label,
                pin_env,
            } => Ok(Backend::from(
                Pkcs11Backend::open(module, token_label, token_pin(pin_env)?).map_err(key_error)?,
            )),
        }
    }
}

static SELECTED: OnceLock<Option<SignerSpec>> = OnceLock::new();

/// Records the global `--signer` choice (once, from `main`).
pub fn select(spec: Option<&str>) -> CliResult<()> {
    let spec = spec.map(SignerSpec::parse).transpose()?;
    let _ = SELECTED.set(spec);
    Ok(())
}

fn selected() -> Option<&'static SignerSpec> {
    SELECTED.get().and_then(Option::as_ref)
}

/// The backend that holds `id`'s keys (see the module docs for the order).
pub fn backend_for(wallet: &Wallet, id: IdentityId) -> CliResult<Backend> {
    Ok(match selected() {
        Some(SignerSpec::Keystore) => wallet.backend.clone(),
        Some(SignerSpec::Agent(path)) => Backend::agent(path.clone()),
        Some(SignerSpec::Remote(addr)) => remote_backend(*addr)?,
        None => match wallet.config.signers.get(&id.to_string()) {
            Some(entry) => entry.open()?,
            None => wallet.backend.clone(),
        },
    })
}

/// The environment variables naming a remote signer's TLS files (PEM): the CA both ends trust,
/// this client's certificate and its key; and the name in the signer's certificate.
pub const SIGNER_CA_ENV: &str = "MOVID_SIGNER_CA";
/// See [`SIGNER_CA_ENV`].
pub const SIGNER_CERT_ENV: &str = "MOVID_SIGNER_CERT";
/// See [`SIGNER_CA_ENV`].
pub const SIGNER_KEY_ENV: &str = "MOVID_SIGNER_KEY";
/// See [`SIGNER_CA_ENV`]; defaults to the address's IP.
pub const SIGNER_NAME_ENV: &str = "MOVID_SIGNER_NAME";

/// The remote signer at `addr`, over mutual TLS with the files the environment names.
fn remote_backend(addr: SocketAddr) -> CliResult<Backend> {
    let var = |name: &str| {
        std::env::var(name).ok().filter(|v| !v.is_empty()).ok_or_else(|| {
            CliError::new(
                format!("a remote signer needs {name}"),
                format!("set {SIGNER_TOKEN_ENV} (the token) and {SIGNER_CA_ENV}, {SIGNER_CERT_ENV}, {SIGNER_KEY_ENV} (PEM files from the signer's CA)"),
            )
        })
    };
    let read = |name: &str| -> CliResult<String> {
        let path = var(name)?;
        std::fs::read_to_string(&path).map_err(|e| {
            CliError::new(
                format!("reading {name}={path}: {e}"),
                "point it at a PEM file",
            )
        })
    };
    let config = RemoteClientConfig {
        ca_pem: read(SIGNER_CA_ENV)?,
        server_name: std::env::var(SIGNER_NAME_ENV).unwrap_or_else(|_| addr.ip().to_string()),
        identity: TlsIdentity {
            cert_pem: read(SIGNER_CERT_ENV)?,
            key_pem: Zeroizing::new(read(SIGNER_KEY_ENV)?),
        },
        token: Zeroizing::new(var(SIGNER_TOKEN_ENV)?),
    };
    Backend::remote(addr, config).map_err(key_error)
}

/// What kind of backend holds `id`'s keys (`keystore`, `agent`, `remote` or `pkcs11`), decided
/// from the configuration alone: nothing is opened or contacted.
pub fn backend_kind(wallet: &Wallet, id: IdentityId) -> &'static str {
    match selected() {
        Some(SignerSpec::Keystore) => "keystore",
        Some(SignerSpec::Agent(_)) => "agent",
        Some(SignerSpec::Remote(_)) => "remote",
        None => match wallet.config.signers.get(&id.to_string()) {
            Some(SignerEntry::Pkcs11 { .. }) => "pkcs11",
            None => "keystore",
        },
    }
}

/// Where `id`'s keys are, in words (`keystore`, `agent:PATH`, `pkcs11:LABEL`).
pub fn describe_backend(wallet: &Wallet, id: IdentityId) -> String {
    match selected() {
        Some(spec) => spec.describe(),
        None => match wallet.config.signers.get(&id.to_string()) {
            Some(entry) => entry.describe(),
            None => "keystore".into(),
        },
    }
}

/// A handle on `id` (the active address when `None`) with `capabilities`,
/// from the backend that holds it.
pub async fn handle(
    wallet: &Wallet,
    id: Option<IdentityId>,
    capabilities: Capability,
) -> CliResult<Handle> {
    let id = match id {
        Some(id) => id,
        None => wallet.active()?,
    };
    IdentityManager::new()
        .connect(id, &backend_for(wallet, id)?, capabilities)
        .await
        .map_err(key_error)
}

/// The identity `id` as its backend reports it (public keys and
/// capabilities), without asking for any capability.
pub async fn identity(wallet: &Wallet, id: IdentityId) -> CliResult<ExternalIdentity> {
    // `connect` rather than `list`: a signer lets any client connect, but lists only by policy.
    let backend = backend_for(wallet, id)?;
    let manager = IdentityManager::new();
    let handle = match manager.connect(id, &backend, Capability::Commit).await {
        Err(KeyError::CapabilitiesNotAvailable { available, .. }) => {
            manager.connect(id, &backend, available).await
        }
        other => other,
    };
    handle.map(|h| h.identity().clone()).map_err(key_error)
}

/// `movid keys show [KEY]`.
pub async fn show(wallet: &Wallet, key: Option<String>, out: Output) -> CliResult<()> {
    let id = match &key {
        Some(k) => wallet.resolve(k)?,
        None => wallet.active()?,
    };
    let identity = identity(wallet, id).await?;
    let address = id.to_string();
    let alias = wallet
        .config
        .aliases
        .iter()
        .find(|(_, v)| **v == address)
        .map(|(k, _)| k.clone());
    let can_decrypt = identity.capabilities().can_decrypt();
    let ed25519 = identity.ed25519_public_key();
    let x25519 = can_decrypt.then(|| identity.x25519_public_key());
    let v = json!({
        "address": address,
        "alias": alias,
        "active": wallet.config.active.as_deref().is_some_and(|a| a == address || Some(a) == alias.as_deref()),
        "backend": describe_backend(wallet, id),
        "scheme": identity.scheme(),
        "capabilities": identity.capabilities(),
        "ed25519_public_key": hex::encode(ed25519),
        "ed25519_multibase": PublicKey::Ed25519(ed25519).to_multibase(),
        "x25519_public_key": x25519.map(hex::encode),
        "x25519_multibase": x25519.map(|k| PublicKey::X25519(k).to_multibase()),
        "method_type": MULTIKEY_TYPE,
    });
    out.print(&v, || {
        let mut text =
            format!(
            "address:      {address}{}\nbackend:      {}\ncapabilities: {}\ned25519:      {} ({})",
            alias.as_ref().map(|a| format!(" ({a})")).unwrap_or_default(),
            v["backend"].as_str().unwrap_or_default(),
            identity.capabilities(),
            hex::encode(ed25519),
            v["ed25519_multibase"].as_str().unwrap_or_default(),
        );
        match x25519 {
            Some(k) => text.push_str(&format!(
                "\nx25519:       {} ({})",
                hex::encode(k),
                v["x25519_multibase"].as_str().unwrap_or_default()
            )),
            None => text.push_str("\nx25519:       none (this key may not decrypt)"),
        }
        text
    });
    Ok(())
}

/// `movid keys generate --backend pkcs11`: an identity generated on a token,
/// recorded in `client.json` so that later commands find it there.
pub async fn generate_on_token(
    wallet: &mut Wallet,
    alias: Option<String>,
    capabilities: Capability,
    module: Option<PathBuf>,
    token_label: Option<String>,
    pin_env: String,
    out: Output,
) -> CliResult<()> {
    let token_label = token_label.ok_or_else(|| {
        CliError::new(
            "--backend pkcs11 needs --token-label",
            "name the token, e.g. --token-label movid (list tokens with `softhsm2-util --show-slots`)",
        )
    })?;
    let module = module.unwrap_or_else(Pkcs11Backend::default_module);
    // Recorded absolute, so that the entry works from any directory.
    let module = std::fs::canonicalize(&module).map_err(|e| {
        CliError::new(
            format!("PKCS#11 module {}: {e}", module.display()),
            "pass --module PATH or set MOVID_PKCS11_MODULE (SoftHSM2: /usr/lib/softhsm/libsofthsm2.so)",
        )
    })?;
    let entry = SignerEntry::Pkcs11 {
        module,
        token_label,
        pin_env,
    };
    let backend = entry.open()?;
    let (identity, _) = IdentityManager::new()
        .generate(&backend, Scheme::Ed25519, capabilities)
        .await
        .map_err(key_error)?;
    let address = identity.id().to_string();
    if let Some(a) = &alias {
        wallet.config.aliases.insert(a.clone(), address.clone());
    }
    if wallet.config.active.is_none() {
        wallet.config.active = Some(address.clone());
    }
    let backend = entry.describe();
    wallet.config.signers.insert(address.clone(), entry);
    wallet.save()?;
    out.print(
        &json!({ "address": address, "alias": alias, "capabilities": identity.capabilities(), "backend": backend }),
        || {
            format!(
                "generated {address}{} on {backend}",
                alias.map(|a| format!(" ({a})")).unwrap_or_default()
            )
        },
    );
    Ok(())
}

fn token_pin(pin_env: &str) -> CliResult<String> {
    std::env::var(pin_env).map_err(|_| {
        CliError::new(
            format!("the token's PIN is not set: ${pin_env} is empty"),
            format!("export {pin_env}=<the token's user PIN>"),
        )
    })
}

/// A key error with a hint fitting the backends of this file.
pub fn key_error(e: KeyError) -> CliError {
    let hint = match &e {
        KeyError::WrongPin { .. } => "check the PIN in the variable named by --pin-env (client.json `signers`)",
        KeyError::TokenNotFound { .. } => "check --token-label, or initialize a token (`softhsm2-util --init-token --free --label L`)",
        KeyError::AgentUnavailable { .. } => "start the agent with `movid keys agent`, or drop --signer",
        KeyError::CapabilitiesNotAvailable { .. } => "`movid keys show` lists what the key may do",
        KeyError::NoKeyAgreementKey { .. } => "ask the DID's controllers to add an X25519 key under keyAgreement",
        KeyError::DecryptionFailed => "decrypt with the key the message was encrypted to (--key), unaltered",
        _ => return Wallet::error(e),
    };
    CliError::new(e.to_string(), hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signer_specs_parse() {
        assert_eq!(SignerSpec::parse("keystore").unwrap(), SignerSpec::Keystore);
        assert_eq!(
            SignerSpec::parse("agent:/tmp/a.sock").unwrap(),
            SignerSpec::Agent("/tmp/a.sock".into())
        );
        assert_eq!(
            SignerSpec::parse("remote:127.0.0.1:7000").unwrap(),
            SignerSpec::Remote("127.0.0.1:7000".parse().unwrap())
        );
        for bad in ["", "agent:", "remote:nowhere", "pkcs11", "keystore:x"] {
            assert!(SignerSpec::parse(bad).is_err(), "{bad}");
        }
    }
}
