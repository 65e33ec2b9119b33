//! `movid did encrypt` and `movid keys decrypt`: messages sealed with HPKE to
//! the X25519 key a DID lists under `keyAgreement`, in the `movid-hpke-v1`
//! envelope of [`movid_sdk::keys::DidEnvelope`].

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use movid_sdk::keys::{Capability, DidEnvelope};
use serde_json::json;

use crate::context::Context;
use crate::output::{CliError, CliResult, Output};
use crate::signer::{handle, key_error};
use crate::wallet::Wallet;

/// `movid did encrypt DID`: resolves the DID on the chain and seals the
/// message to its `keyAgreement` key.
pub async fn encrypt(
    ctx: &Context,
    did: String,
    kid: Option<String>,
    message: Option<String>,
    input: Option<PathBuf>,
    output: Option<PathBuf>,
    out: Output,
) -> CliResult<()> {
    let plaintext = match (message, input) {
        (Some(m), None) => m.into_bytes(),
        (None, Some(path)) => read_input(Some(&path))?,
        (None, None) => read_input(None)?,
        (Some(_), Some(_)) => {
            return Err(CliError::new(
                "--message and --in are exclusive",
                "give the message inline or as a file, not both",
            ))
        }
    };
    let resolved = movid_sdk::resolver::resolve(&*ctx.client, &did)
        .await
        .map_err(|e| ctx.error(e))?;
    let document = resolved.did_document.ok_or_else(|| {
        let meta = &resolved.did_resolution_metadata;
        let why = meta
            .error
            .as_ref()
            .map(|e| e.detail.clone())
            .unwrap_or_else(|| "it has no live document (deactivated?)".into());
        CliError::new(
            format!("{did} does not resolve to a document: {why}"),
            "`movid did resolve DID` shows the resolution result",
        )
    })?;
    let envelope = DidEnvelope::seal(&document, kid.as_deref(), &plaintext).map_err(key_error)?;
    let json = serde_json::to_string_pretty(&envelope).expect("serializable");
    match output {
        Some(path) => {
            write_private(&path, json.as_bytes())?;
            out.print(&json!({ "kid": envelope.kid, "out": path }), || {
                format!(
                    "encrypted to {}; envelope in {}",
                    envelope.kid,
                    path.display()
                )
            });
        }
        None => out.print(&envelope, || json.clone()),
    }
    Ok(())
}

/// `movid keys decrypt`: opens an envelope with a key of the wallet.
pub async fn decrypt(
    wallet: &Wallet,
    key: Option<String>,
    input: Option<PathBuf>,
    output: Option<PathBuf>,
    out: Output,
) -> CliResult<()> {
    let bytes = read_input(input.as_deref())?;
    let envelope: DidEnvelope = serde_json::from_slice(&bytes).map_err(|e| {
        CliError::new(
            format!("not a movid-hpke-v1 envelope: {e}"),
            "pass the JSON `movid did encrypt` printed",
        )
    })?;
    let id = key.as_deref().map(|k| wallet.resolve(k)).transpose()?;
    let connected = handle(wallet, id, Capability::Decrypt).await?;
    let decryptor = connected.require_decryptor().map_err(key_error)?;
    let plaintext = envelope.open(&decryptor).await.map_err(key_error)?;
    let identity = connected.id().to_string();
    if let Some(path) = &output {
        write_private(path, &plaintext)?;
    }
    if out.json {
        let text = std::str::from_utf8(&plaintext).ok();
        out.print(
            &json!({
                "kid": envelope.kid,
                "identity": identity,
                "plaintext": if output.is_none() { text } else { None },
                "plaintext_base64": if output.is_none() { Some(STANDARD.encode(&plaintext)) } else { None },
                "out": output,
            }),
            String::new,
        );
    } else if let Some(path) = &output {
        println!(
            "decrypted {} bytes into {}",
            plaintext.len(),
            path.display()
        );
    } else {
        // The message itself, byte for byte, so it can be piped.
        std::io::stdout().write_all(&plaintext)?;
    }
    Ok(())
}

/// The bytes of `path`, or of stdin when `None`.
fn read_input(path: Option<&Path>) -> CliResult<Vec<u8>> {
    match path {
        Some(p) => std::fs::read(p).map_err(|e| {
            CliError::new(
                format!("cannot read {}: {e}", p.display()),
                "check the path",
            )
        }),
        None => {
            let mut buf = Vec::new();
            std::io::stdin().read_to_end(&mut buf)?;
            Ok(buf)
        }
    }
}

/// Writes a file only its owner can read (plaintexts are secrets; an
/// envelope says who talks to whom).
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> CliResult<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| {
            CliError::new(
                format!("cannot write {}: {e}", path.display()),
                "check the path",
            )
        })?;
    file.write_all(bytes)?;
    Ok(())
}
