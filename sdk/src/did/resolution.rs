//! W3C DID Resolution results built from an identity's on-chain state.
//!
//! [`resolve`] is a pure function: the caller reads the `Identity` object
//! (from a `LocalChain` or over JSON-RPC) and hands over its DID fields as an
//! [`IdentityState`]; this module turns them into the result a DID resolver
//! returns. Outcomes:
//!
//! | input | `didDocument` | `didResolutionMetadata.error` | `didDocumentMetadata` |
//! |---|---|---|---|
//! | not a DID / a DID URL | null | `invalidDid` | empty |
//! | a DID of another method | null | `methodNotSupported` | empty |
//! | a `did:movid` DID of another network | null | `networkNotSupported` | empty |
//! | no identity object | null | `notFound` | empty |
//! | live (document bytes) | the document | none | created, updated, versionId |
//! | deactivated (empty bytes) | null | none | `deactivated: true`, created, updated, versionId |
//! | deleted DID (no bytes) | null | `notFound` ("deleted") | `deactivated: true`, created, updated, versionId |
//! | unreadable bytes | null | `invalidDidDocument` | created, updated, versionId |
//!
//! `networkNotSupported` is a movid extension error code (the DID Resolution
//! spec lets methods add codes): the DID is well-formed and of this method,
//! but names a chain this resolver does not read, so `notFound` would be a
//! lie and `methodNotSupported` misleading. Every error carries a one-line
//! `errorMessage` (also an extension) saying what to do.

use serde::{Deserialize, Serialize};

use super::{unpack, Did, DidDocument, DidError, DidUrl};

/// The JSON-LD context of DID resolution results.
pub const RESOLUTION_CONTEXT: &str = "https://w3id.org/did-resolution/v1";
/// The content type of a document that has an `@context`.
pub const CONTENT_TYPE_DID_LD_JSON: &str = "application/did+ld+json";
/// The content type of a document without an `@context`.
pub const CONTENT_TYPE_DID_JSON: &str = "application/did+json";

/// The result of resolving a DID (DID Resolution §4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResolutionResult {
    /// Always [`RESOLUTION_CONTEXT`].
    #[serde(rename = "@context")]
    pub context: String,
    /// About the resolution itself: content type or error.
    pub did_resolution_metadata: DidResolutionMetadata,
    /// The document, when the DID resolved to a live one.
    pub did_document: Option<DidDocument>,
    /// About the document: timestamps, version, deactivation.
    pub did_document_metadata: DidDocumentMetadata,
}

/// DID resolution metadata.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DidResolutionMetadata {
    /// The media type of the returned document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Why resolution failed, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ResolutionError>,
    /// A human-readable explanation of `error` (movid extension).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}

/// DID document metadata.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DidDocumentMetadata {
    /// When the identity was created (RFC 3339, UTC, whole seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// When the document last changed (RFC 3339, UTC, whole seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    /// `true` when the DID is deactivated or deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deactivated: Option<bool>,
    /// The identity's version counter, as a decimal string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
}

/// The DID Resolution error codes this resolver returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ResolutionError {
    /// The input is not a valid DID (or is a DID URL).
    InvalidDid,
    /// No DID document exists for the DID (no identity, or its DID was deleted).
    NotFound,
    /// The DID is not a `did:movid` DID.
    MethodNotSupported,
    /// The DID is a `did:movid` DID of another network (movid extension).
    NetworkNotSupported,
    /// The stored document could not be read (movid extension).
    InvalidDidDocument,
    /// The requested representation is not supported.
    RepresentationNotSupported,
    /// The resolver failed for a reason of its own.
    InternalError,
}

/// The DID fields of an `Identity` object, as read from the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityState {
    /// The packed document (see [`super::pack`]); empty when deactivated,
    /// `None` when the DID was deleted.
    pub did_doc: Option<Vec<u8>>,
    /// Creation time, Clock milliseconds.
    pub created_ms: u64,
    /// Last update time, Clock milliseconds.
    pub updated_ms: u64,
    /// The identity's version counter.
    pub version: u64,
}

/// Resolves `did` on `network` from the identity's state (`None`: no
/// identity object has the DID's ID).
///
/// ```
/// use movid_sdk::did::{pack, resolve, Did, DidDocument, Encoding, IdentityState};
///
/// let did = Did::local([1; 32]);
/// let state = IdentityState {
///     did_doc: Some(pack(&DidDocument::new(did.clone()), Encoding::Json)),
///     created_ms: 1_700_000_000_000,
///     updated_ms: 1_700_000_060_000,
///     version: 3,
/// };
/// let result = resolve(&did.to_string(), "local", Some(&state));
/// assert_eq!(result.did_document.unwrap().id, did);
/// assert_eq!(result.did_document_metadata.created.as_deref(), Some("2023-11-14T22:13:20Z"));
/// ```
pub fn resolve(did: &str, network: &str, state: Option<&IdentityState>) -> ResolutionResult {
    match Did::parse(did) {
        Ok(did) => resolve_did(&did, network, state),
        Err(DidError::MethodNotSupported { method }) => {
            ResolutionResult::method_not_supported(&method)
        }
        Err(e) => ResolutionResult::invalid_did(did, &e),
    }
}

/// [`resolve`] for an already parsed DID.
pub fn resolve_did(did: &Did, network: &str, state: Option<&IdentityState>) -> ResolutionResult {
    if did.network() != network {
        return ResolutionResult::network_not_supported(did, network);
    }
    let Some(state) = state else {
        return ResolutionResult::not_found(did);
    };
    let metadata = DidDocumentMetadata {
        created: Some(format_timestamp_ms(state.created_ms)),
        updated: Some(format_timestamp_ms(state.updated_ms)),
        deactivated: None,
        version_id: Some(state.version.to_string()),
    };
    match state.did_doc.as_deref() {
        None => ResolutionResult {
            did_document_metadata: DidDocumentMetadata {
                deactivated: Some(true),
                ..metadata
            },
            ..ResolutionResult::error(
                ResolutionError::NotFound,
                format!(
                    "the DID {did} was deleted by its controllers; it cannot be resolved again"
                ),
            )
        },
        Some([]) => ResolutionResult {
            context: RESOLUTION_CONTEXT.to_owned(),
            did_resolution_metadata: DidResolutionMetadata::default(),
            did_document: None,
            did_document_metadata: DidDocumentMetadata {
                deactivated: Some(true),
                ..metadata
            },
        },
        Some(bytes) => match unpack(bytes, did) {
            Ok(doc) => ResolutionResult {
                context: RESOLUTION_CONTEXT.to_owned(),
                did_resolution_metadata: DidResolutionMetadata {
                    content_type: Some(content_type(&doc).to_owned()),
                    ..DidResolutionMetadata::default()
                },
                did_document: Some(doc),
                did_document_metadata: metadata,
            },
            Err(e) => ResolutionResult {
                did_document_metadata: metadata,
                ..ResolutionResult::error(
                    ResolutionError::InvalidDidDocument,
                    format!("the document stored for {did} cannot be read: {e}"),
                )
            },
        },
    }
}

impl ResolutionResult {
    /// A failed resolution: no document, `error` with `message`.
    pub fn error(error: ResolutionError, message: impl Into<String>) -> ResolutionResult {
        ResolutionResult {
            context: RESOLUTION_CONTEXT.to_owned(),
            did_resolution_metadata: DidResolutionMetadata {
                content_type: None,
                error: Some(error),
                error_message: Some(message.into()),
            },
            did_document: None,
            did_document_metadata: DidDocumentMetadata::default(),
        }
    }

    /// `invalidDid`: `input` is not a DID (`reason` says why).
    pub fn invalid_did(input: &str, reason: &DidError) -> ResolutionResult {
        ResolutionResult::error(
            ResolutionError::InvalidDid,
            format!("`{input}` is not a valid DID: {reason}"),
        )
    }

    /// `notFound`: no identity holds `did`.
    pub fn not_found(did: &Did) -> ResolutionResult {
        ResolutionResult::error(
            ResolutionError::NotFound,
            format!(
                "no identity has the object ID {}; check the DID and the network",
                did.object_id_hex()
            ),
        )
    }

    /// `methodNotSupported`: the DID's method is `method`, not `movid`.
    pub fn method_not_supported(method: &str) -> ResolutionResult {
        ResolutionResult::error(
            ResolutionError::MethodNotSupported,
            format!("this resolver reads did:movid DIDs only, not did:{method}"),
        )
    }

    /// `networkNotSupported`: `did` lives on another network than `network`.
    pub fn network_not_supported(did: &Did, network: &str) -> ResolutionResult {
        ResolutionResult::error(
            ResolutionError::NetworkNotSupported,
            format!(
                "{did} is on network `{}`, but this resolver reads `{network}`; resolve it against a node of `{}`",
                did.network(),
                did.network()
            ),
        )
    }

    /// The resolved document, if resolution produced one.
    pub fn document(&self) -> Option<&DidDocument> {
        self.did_document.as_ref()
    }

    /// Whether the DID is deactivated (or deleted).
    pub fn is_deactivated(&self) -> bool {
        self.did_document_metadata.deactivated == Some(true)
    }
}

/// Resolves a DID URL's DID (ignoring path, query and fragment); use
/// [`DidDocument::method`] or [`DidDocument::service`] on the result to
/// dereference the fragment.
pub fn resolve_url(url: &DidUrl, network: &str, state: Option<&IdentityState>) -> ResolutionResult {
    resolve_did(url.did(), network, state)
}

fn content_type(doc: &DidDocument) -> &'static str {
    if doc.context.is_empty() {
        CONTENT_TYPE_DID_JSON
    } else {
        CONTENT_TYPE_DID_LD_JSON
    }
}

/// Formats Clock milliseconds as an RFC 3339 / XML Schema datetime in UTC
/// without sub-second precision, as DID Core asks for `created`/`updated`:
/// `2024-01-31T12:00:00Z`.
pub fn format_timestamp_ms(ms: u64) -> String {
    let secs = ms / 1000;
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's
/// `civil_from_days`, for non-negative days).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::did::{pack, Encoding, KeyFormat, PublicKey, Relationship};
    use serde_json::{json, Value};

    fn did() -> Did {
        Did::local([0x42; 32])
    }

    fn doc() -> DidDocument {
        DidDocument::builder(did())
            .key(
                "key-1",
                PublicKey::Ed25519([1; 32]),
                KeyFormat::Multibase,
                &[Relationship::Authentication],
            )
            .build()
            .unwrap()
    }

    fn state(did_doc: Option<Vec<u8>>) -> IdentityState {
        IdentityState {
            did_doc,
            created_ms: 1_704_067_200_000,
            updated_ms: 1_709_210_096_789,
            version: 7,
        }
    }

    #[test]
    fn live_did_resolves_to_its_document() {
        let state = state(Some(pack(&doc(), Encoding::DeflateJson)));
        let result = resolve(&did().to_string(), "local", Some(&state));
        assert_eq!(result.document(), Some(&doc()));
        assert!(!result.is_deactivated());
        let json = serde_json::to_value(&result).unwrap();
        assert_eq!(
            json["didResolutionMetadata"],
            json!({"contentType": "application/did+ld+json"})
        );
        assert_eq!(
            json["didDocumentMetadata"],
            json!({
                "created": "2024-01-01T00:00:00Z",
                "updated": "2024-02-29T12:34:56Z",
                "versionId": "7"
            })
        );
        assert_eq!(json["@context"], json!(RESOLUTION_CONTEXT));
        let back: ResolutionResult = serde_json::from_value(json).unwrap();
        assert_eq!(back, result);
    }

    #[test]
    fn deactivated_did_has_no_document() {
        let result = resolve(&did().to_string(), "local", Some(&state(Some(vec![]))));
        assert_eq!(result.did_document, None);
        assert_eq!(result.did_resolution_metadata.error, None);
        assert!(result.is_deactivated());
        assert_eq!(
            result.did_document_metadata.version_id.as_deref(),
            Some("7")
        );
        let json = serde_json::to_value(&result).unwrap();
        assert_eq!(json["didDocument"], Value::Null);
        assert_eq!(json["didDocumentMetadata"]["deactivated"], json!(true));
    }

    #[test]
    fn deleted_did_is_not_found_and_deactivated() {
        let result = resolve(&did().to_string(), "local", Some(&state(None)));
        assert_eq!(result.did_document, None);
        assert_eq!(
            result.did_resolution_metadata.error,
            Some(ResolutionError::NotFound)
        );
        assert!(result.is_deactivated());
        assert!(result
            .did_resolution_metadata
            .error_message
            .unwrap()
            .contains("deleted"));
    }

    #[test]
    fn unknown_did_is_not_found() {
        let result = resolve(&did().to_string(), "local", None);
        let json = serde_json::to_value(&result).unwrap();
        assert_eq!(json["didResolutionMetadata"]["error"], json!("notFound"));
        assert_eq!(json["didDocumentMetadata"], json!({}));
        assert_eq!(json["didDocument"], Value::Null);
    }

    #[test]
    fn invalid_did_is_reported() {
        for input in ["did:movid:local:0x12", "hello", "did:movid:local"] {
            let result = resolve(input, "local", None);
            assert_eq!(
                result.did_resolution_metadata.error,
                Some(ResolutionError::InvalidDid),
                "{input}"
            );
        }
        let url = format!("{}#key-1", did());
        assert_eq!(
            resolve(&url, "local", None).did_resolution_metadata.error,
            Some(ResolutionError::InvalidDid)
        );
    }

    #[test]
    fn other_method_is_not_supported() {
        let result = resolve("did:web:example.com", "local", None);
        let json = serde_json::to_value(&result).unwrap();
        assert_eq!(
            json["didResolutionMetadata"]["error"],
            json!("methodNotSupported")
        );
    }

    #[test]
    fn other_network_is_refused_with_its_own_error() {
        let other = Did::new("testnet", [0x42; 32]).unwrap();
        let state = state(Some(pack(&doc(), Encoding::Json)));
        let result = resolve(&other.to_string(), "local", Some(&state));
        assert_eq!(result.did_document, None);
        let json = serde_json::to_value(&result).unwrap();
        assert_eq!(
            json["didResolutionMetadata"]["error"],
            json!("networkNotSupported")
        );
    }

    #[test]
    fn unreadable_document_is_reported() {
        let result = resolve(
            &did().to_string(),
            "local",
            Some(&state(Some(b"junk".to_vec()))),
        );
        assert_eq!(
            result.did_resolution_metadata.error,
            Some(ResolutionError::InvalidDidDocument)
        );
        assert_eq!(
            result.did_document_metadata.version_id.as_deref(),
            Some("7")
        );
    }

    #[test]
    fn did_url_resolves_its_did() {
        let state = state(Some(pack(&doc(), Encoding::Json)));
        let url = did().join("key-1").unwrap();
        let result = resolve_url(&url, "local", Some(&state));
        let doc = result.document().unwrap();
        assert_eq!(
            doc.ed25519_public_key(url.fragment().unwrap()).unwrap(),
            [1; 32]
        );
    }

    #[test]
    fn timestamps_are_rfc3339_utc() {
        assert_eq!(format_timestamp_ms(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_timestamp_ms(999), "1970-01-01T00:00:00Z");
        assert_eq!(format_timestamp_ms(951_782_400_000), "2000-02-29T00:00:00Z");
        assert_eq!(
            format_timestamp_ms(4_102_444_799_000),
            "2099-12-31T23:59:59Z"
        );
        assert_eq!(
            format_timestamp_ms(253_402_300_799_000),
            "9999-12-31T23:59:59Z"
        );
    }
}
