//! `movid did ...`: resolve and dereference DIDs and DID URLs, document history, offline
//! document checks, and encryption to a DID's keyAgreement key.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use movid_sdk::did;
use movid_sdk::IdentityClient;
use serde_json::{json, Value};

use crate::context::Context;
use crate::identity_cmd::{parse_did, read_doc};
use crate::output::{CliError, CliResult, Output};

#[derive(Subcommand, Debug)]
pub enum DidCommand {
    /// Resolve a DID to its W3C DID Resolution result (exits non-zero if resolution fails).
    Resolve {
        /// The DID.
        did: String,
        /// Resolve this document version (a `versionId` of its metadata).
        #[arg(long)]
        version_id: Option<String>,
        /// Resolve the version current at this time (e.g. 2024-01-31T12:00:00Z).
        #[arg(long)]
        version_time: Option<String>,
        /// The document representation: application/did+ld+json or application/did+json.
        #[arg(long)]
        accept: Option<String>,
        /// Another resolution option as NAME=VALUE (repeatable).
        #[arg(long = "option", value_name = "NAME=VALUE")]
        options: Vec<String>,
    },
    /// Dereference a DID URL: `#fragment` to a method or service, `?service=..&relativeRef=..`
    /// to an endpoint URL, `?versionId=..`/`?versionTime=..` to a version (exits non-zero on
    /// failure).
    Dereference {
        /// The DID URL.
        url: String,
        /// The content type: a DID document type or text/uri-list.
        #[arg(long)]
        accept: Option<String>,
        /// A resolution option as NAME=VALUE (repeatable).
        #[arg(long = "option", value_name = "NAME=VALUE")]
        options: Vec<String>,
    },
    /// The versions of a DID's document over time.
    History {
        /// The DID.
        did: String,
    },
    /// Check a DID document file as `identity create`/`propose update-doc` would, without
    /// sending anything.
    Validate {
        /// The document (JSON); its own DID may be written `did:0:0`.
        doc: PathBuf,
    },
    /// Encrypt a message to a DID's keyAgreement key (HPKE); prints a movid-hpke-v1 envelope.
    Encrypt {
        /// The DID.
        did: String,
        /// The keyAgreement method to encrypt to (default: the first X25519 one).
        #[arg(long)]
        kid: Option<String>,
        /// The message (default: read from --in, else stdin).
        #[arg(long)]
        message: Option<String>,
        /// Read the message from this file.
        #[arg(long = "in")]
        input: Option<PathBuf>,
        /// Write the envelope here instead of stdout.
        #[arg(long = "out")]
        output: Option<PathBuf>,
    },
}

/// `movid did validate FILE`: the checks of `identity create`, offline.
pub fn validate_doc(path: &Path, out: Output) -> CliResult<()> {
    let d = read_doc(path, None)?;
    let v = json!({ "valid": true, "contexts": d.context, "methods": d.verification_method.len(), "services": d.service.len() });
    out.print(&v, || format!("{} is a valid DID document", path.display()));
    Ok(())
}

/// Resolution options from `--version-id`, `--version-time`, `--accept` and `--option`s.
fn resolution_options(
    version_id: Option<String>,
    version_time: Option<String>,
    accept: Option<String>,
    options: &[String],
) -> CliResult<did::ResolutionOptions> {
    let mut pairs: Vec<(String, String)> = vec![];
    for o in options {
        let (n, v) = o.split_once('=').ok_or_else(|| {
            CliError::new(
                format!("`{o}` is not NAME=VALUE"),
                "e.g. --option noCache=true",
            )
        })?;
        pairs.push((n.to_owned(), v.to_owned()));
    }
    for (name, value) in [
        ("versionId", version_id),
        ("versionTime", version_time),
        ("accept", accept),
    ] {
        if let Some(v) = value {
            pairs.push((name.to_owned(), v));
        }
    }
    did::ResolutionOptions::from_pairs(pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())))
        .map_err(|e| CliError::new(e.detail, "give each option once"))
}

/// The failure of a resolution or dereferencing whose result was printed.
fn resolution_failure(error: &did::ResolutionError) -> CliError {
    let hint = match error.kind {
        did::ErrorKind::InvalidDid | did::ErrorKind::InvalidDidUrl => {
            "write did:movid:<network>:0x<64 hex digits>; for a DID URL (#key-1, ?service=..) use `movid did dereference`"
        }
        did::ErrorKind::NotFound => "check the DID and the network; `movid did history DID` lists the versions",
        did::ErrorKind::RepresentationNotSupported => {
            "use --accept application/did+ld+json or application/did+json"
        }
        did::ErrorKind::MethodNotSupported => "movid resolves did:movid DIDs only",
        did::ErrorKind::InvalidOptions | did::ErrorKind::FeatureNotSupported => {
            "see docs/DID_METHOD.md for the options movid reads"
        }
        did::ErrorKind::InvalidDidDocument | did::ErrorKind::InternalError => {
            "the stored document or the node is at fault; `movid did history DID` shows the raw versions"
        }
    };
    CliError::printed(format!("resolution failed: {error}"), hint)
}

pub fn run_did(cmd: DidCommand, ctx: Context, out: Output) -> CliResult<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let e = |err| ctx.error(err);
        match cmd {
            DidCommand::Resolve { did, version_id, version_time, accept, options } => {
                let options = resolution_options(version_id, version_time, accept, &options)?;
                let r = movid_sdk::resolver::resolve_with(&*ctx.client, &did, &options).await.map_err(e)?;
                let v = serde_json::to_value(&r).expect("json");
                out.print(&v, || serde_json::to_string_pretty(&v).expect("json"));
                if let Some(error) = r.error() {
                    return Err(resolution_failure(error));
                }
            }
            DidCommand::Dereference { url, accept, options } => {
                let options = did::DereferencingOptions {
                    accept,
                    resolution: resolution_options(None, None, None, &options)?,
                };
                let r = movid_sdk::resolver::dereference(&*ctx.client, &url, &options).await.map_err(e)?;
                let v = serde_json::to_value(&r).expect("json");
                out.print(&v, || match (r.endpoint_urls().as_slice(), &r.content_stream) {
                    ([], Some(content)) => serde_json::to_string_pretty(content).expect("json"),
                    ([], None) => serde_json::to_string_pretty(&v).expect("json"),
                    (urls, _) => urls.join("\n"),
                });
                if let Some(error) = r.error() {
                    return Err(resolution_failure(error));
                }
            }
            DidCommand::Validate { doc } => validate_doc(&doc, out)?,
            DidCommand::History { did } => {
                let (_, id) = parse_did(&did)?;
                let ids = IdentityClient::new(ctx.client.clone());
                let h = ids.document_history(id).await.map_err(e)?;
                let rows: Vec<Value> = h
                    .iter()
                    .map(|v| json!({ "version": v.object_version, "doc_version": v.doc_version, "updated_ms": v.updated_ms, "document": v.document().ok().flatten().map(|d| serde_json::to_value(d).expect("json")), "raw_len": v.did_doc.as_ref().map(Vec::len) }))
                    .collect();
                out.print(&rows, || crate::render::history(&h));
            }
            DidCommand::Encrypt {
                did,
                kid,
                message,
                input,
                output,
            } => {
                crate::envelope_cmd::encrypt(&ctx, did, kid, message, input, output, out).await?;
            }
        }
        Ok(())
    })
}
