//! DID resolution against a chain: reads the `Identity` a `did:movid` DID
//! names and builds the W3C results with [`did::resolve`] and
//! [`did::dereference`]; [`http`] is the DID Resolution HTTP(S) binding (the
//! Universal Resolver driver interface) on top.
//!
//! The document metadata's `versionId` is the document's version number,
//! which the identity package keeps on chain (`doc_version`: 1 as created,
//! one more with every document change, see [`did::DidHistory`]); `created`
//! and `updated` are the identity's Clock timestamps, `updated` moving only
//! with the document. So resolving the latest document reads one object,
//! whatever the number of transactions (proposals, votes) that touched the
//! identity; only `versionId`/`versionTime` read its object history.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! use movid_sdk::client::InProcessClient;
//! use movid_sdk::did::ErrorKind;
//! use movid_sdk::resolver::resolve;
//!
//! let client = InProcessClient::new_dev()?;
//! let unknown = format!("did:movid:local:0x{}", "ab".repeat(32));
//! let result = resolve(&client, &unknown).await?;
//! assert_eq!(result.error_kind(), Some(ErrorKind::NotFound));
//! # Ok::<(), movid_sdk::SdkError>(())
//! # }).unwrap();
//! ```

pub mod http;

use movid_runtime::types::ObjectID;

use crate::client::Client;
use crate::did::{
    self, DereferencingOptions, DereferencingResult, Did, DidHistory, DidUrl, ResolutionOptions,
    ResolutionResult,
};
use crate::error::SdkResult;
use crate::identity::{identity_type, OnChainIdentity};

/// Resolves `did` (any string) on `client`'s chain with default options.
/// Errors only when the chain cannot be read; every resolution outcome,
/// `NOT_FOUND` and `INVALID_DID` included, is a [`ResolutionResult`].
pub async fn resolve(client: &dyn Client, did: &str) -> SdkResult<ResolutionResult> {
    resolve_with(client, did, &ResolutionOptions::default()).await
}

/// Resolves `did` (any string) on `client`'s chain with `options`
/// (`versionId`, `versionTime`, `accept`, ...).
pub async fn resolve_with(
    client: &dyn Client,
    did: &str,
    options: &ResolutionOptions,
) -> SdkResult<ResolutionResult> {
    let history = match Did::parse(did) {
        Ok(parsed) => read(client, &parsed, options.selects_version()).await?,
        // `did::resolve` reports the parse error (INVALID_DID, METHOD_NOT_SUPPORTED).
        Err(_) => None,
    };
    Ok(did::resolve(
        did,
        client.network(),
        history.as_ref(),
        options,
    ))
}

/// Resolves a parsed DID on `client`'s chain with default options (the
/// latest document: one object read).
pub async fn resolve_did(client: &dyn Client, did: &Did) -> SdkResult<ResolutionResult> {
    let history = latest(client, did).await?;
    Ok(did::resolve_did(
        did,
        client.network(),
        history.as_ref(),
        &ResolutionOptions::default(),
    ))
}

/// Dereferences the DID URL `url` (any string) on `client`'s chain.
pub async fn dereference(
    client: &dyn Client,
    url: &str,
    options: &DereferencingOptions,
) -> SdkResult<DereferencingResult> {
    let history = match DidUrl::parse(url) {
        Ok(parsed) => read(client, parsed.did(), did::selects_version(url, options)).await?,
        Err(_) => None,
    };
    Ok(did::dereference(
        url,
        client.network(),
        history.as_ref(),
        options,
    ))
}

/// The full history when a version is selected, else the latest version.
async fn read(
    client: &dyn Client,
    did: &Did,
    selects_version: bool,
) -> SdkResult<Option<DidHistory>> {
    if selects_version {
        history(client, did).await
    } else {
        latest(client, did).await
    }
}

/// The latest document version of the identity `did` names, from its live
/// object alone (one read, whatever its history), or `None` when no identity
/// of `client`'s network has its object ID.
pub async fn latest(client: &dyn Client, did: &Did) -> SdkResult<Option<DidHistory>> {
    let network = client.network();
    if did.network() != network {
        return Ok(None);
    }
    match client.get_object(ObjectID::new(*did.object_id())).await? {
        Some(o) if o.type_() == Some(&identity_type()) => Ok(Some(DidHistory::single(
            &OnChainIdentity::from_object(&o, network)?.state(),
        ))),
        // An object that is not an identity has no DID document.
        _ => Ok(None),
    }
}

/// The document history of the identity `did` names (every object version:
/// its cost grows with the identity's transactions; needed only to select an
/// older version), or `None` when no identity of `client`'s network has its
/// object ID.
pub async fn history(client: &dyn Client, did: &Did) -> SdkResult<Option<DidHistory>> {
    let network = client.network();
    if did.network() != network {
        return Ok(None);
    }
    let identity = identity_type();
    let mut states = Vec::new();
    for version in client
        .object_history(ObjectID::new(*did.object_id()))
        .await?
    {
        match version.object {
            // An object that is not an identity has no DID document.
            Some(o) if o.type_() == Some(&identity) => {
                states.push(OnChainIdentity::from_object(&o, network)?.state());
            }
            Some(_) => return Ok(None),
            None => {}
        }
    }
    Ok(DidHistory::new(states))
}
