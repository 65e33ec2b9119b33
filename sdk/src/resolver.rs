//! DID resolution against a chain: reads the `Identity` object a
//! `did:movid` DID names and builds the W3C result with [`did::resolve`].
//!
//! The document metadata's `versionId` is the identity object's version,
//! which changes with every write and can be read back with
//! [`Client::get_object_at`]; `created` and `updated` are the identity's
//! Clock timestamps.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! use movid_sdk::client::InProcessClient;
//! use movid_sdk::did::ResolutionError;
//! use movid_sdk::resolver::resolve;
//!
//! let client = InProcessClient::new_dev()?;
//! let unknown = format!("did:movid:local:0x{}", "ab".repeat(32));
//! let result = resolve(&client, &unknown).await?;
//! assert_eq!(result.did_resolution_metadata.error, Some(ResolutionError::NotFound));
//! # Ok::<(), movid_sdk::SdkError>(())
//! # }).unwrap();
//! ```

use movid_runtime::types::ObjectID;

use crate::client::Client;
use crate::did::{self, Did, ResolutionResult};
use crate::error::SdkResult;
use crate::identity::{identity_type, OnChainIdentity};

/// Resolves `did` (any string) on `client`'s chain. Errors only when the
/// chain cannot be read; every resolution outcome, `notFound` and
/// `invalidDid` included, is a [`ResolutionResult`].
pub async fn resolve(client: &dyn Client, did: &str) -> SdkResult<ResolutionResult> {
    match Did::parse(did) {
        Ok(did) => resolve_did(client, &did).await,
        // `did::resolve` reports the parse error (invalidDid, methodNotSupported).
        Err(_) => Ok(did::resolve(did, client.network(), None)),
    }
}

/// Resolves a parsed DID on `client`'s chain.
pub async fn resolve_did(client: &dyn Client, did: &Did) -> SdkResult<ResolutionResult> {
    let network = client.network();
    if did.network() != network {
        return Ok(did::resolve_did(did, network, None));
    }
    let object = client.get_object(ObjectID(*did.object_id())).await?;
    let state = match object {
        // An object that is not an identity has no DID document.
        Some(o) if o.type_() == Some(&identity_type()) => {
            Some(OnChainIdentity::from_object(&o, network)?.state())
        }
        _ => None,
    };
    Ok(did::resolve_did(did, network, state.as_ref()))
}
