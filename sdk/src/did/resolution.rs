//! W3C DID Resolution results built from an identity's document history.
//!
//! [`resolve`] is a pure function: the caller reads the `Identity` object's
//! versions (from a `LocalChain` or over JSON-RPC) and hands them over as a
//! [`DidHistory`]; this module applies the resolution options and builds the
//! result a DID resolver returns. Outcomes:
//!
//! | input | `didDocument` | `didResolutionMetadata.error.type` (`…/ns/did#`) | `didDocumentMetadata` |
//! |---|---|---|---|
//! | not a DID (a DID URL included) | null | `INVALID_DID` | empty |
//! | a DID of another method | null | `METHOD_NOT_SUPPORTED` | empty |
//! | a `did:movid` DID of another network | null | `FEATURE_NOT_SUPPORTED` | empty |
//! | an option this resolver lacks | null | `FEATURE_NOT_SUPPORTED` | empty |
//! | a bad option value, `versionId` with `versionTime` | null | `INVALID_OPTIONS` | empty |
//! | no identity object, no such version, no document yet | null | `NOT_FOUND` | empty |
//! | unreadable stored bytes | null | `INVALID_DID_DOCUMENT` | empty |
//! | an `accept` that cannot be produced | null | `REPRESENTATION_NOT_SUPPORTED` | empty |
//! | live | the document | none | created, updated, versionId (+ next*) |
//! | deactivated or deleted | null | none | `deactivated: true`, created, updated, versionId |
//!
//! Deletion is reported as deactivation, which the draft allows: a failed
//! resolution must carry empty document metadata, and a deleted DID is a DID
//! that existed and was ended for good, not one that was never there. Its
//! `updated`/`versionId` say when. A resolved older version carries
//! `nextUpdate`/`nextVersionId` of the version that replaced it, and is
//! reported as it was (an old live version of a DID deactivated later is
//! live, with `nextUpdate` pointing at the deactivation).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::history::{format_timestamp_ms, DidHistory, StoredDocument, FIRST_DOC_VERSION};
use super::media::{negotiate, Representation};
use super::{unpack, Did, DidDocument, DidError, ErrorKind, MethodRef, ResolutionError};

/// The JSON-LD context of DID resolution results.
pub const RESOLUTION_CONTEXT: &str = "https://w3id.org/did-resolution/v1";

/// The input options of DID resolution (DID Resolution "DID Resolution
/// Options"). Values are JSON: from an HTTP query every value is a string,
/// and `"true"`/`"false"` are read as booleans.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResolutionOptions {
    /// The preferred media type of the document (an HTTP `Accept` value):
    /// `application/did+ld+json` or `application/did+json`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accept: Option<String>,
    /// The document version to resolve (a `versionId` of its metadata).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<Value>,
    /// Resolve the version current at this XML datetime.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_time: Option<String>,
    /// Expand relative DID URLs (`#key-1`) to absolute ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expand_relative_urls: Option<Value>,
    /// Bypass caches: this resolver has none, so every resolution is fresh.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_cache: Option<Value>,
    /// Every other option: this resolver does not implement them, and
    /// reports `FEATURE_NOT_SUPPORTED`.
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

/// The result of resolving a DID (DID Resolution "DID Resolution Result").
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
    /// About the document: timestamps, versions, deactivation (empty when
    /// resolution failed).
    pub did_document_metadata: DidDocumentMetadata,
}

/// DID resolution metadata.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DidResolutionMetadata {
    /// The media type of the returned document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Why resolution failed, if it did (a problem-details object).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ResolutionError>,
}

/// DID document metadata.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DidDocumentMetadata {
    /// When the identity was created (RFC 3339, UTC, whole seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// When the resolved version was written; absent for the first version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    /// `true` when the resolved version is a deactivation or a deletion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deactivated: Option<bool>,
    /// When the next version was written, if a later one exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_update: Option<String>,
    /// The resolved version: the document's version number (`doc_version`
    /// on chain; 1 as created, one more per change), in decimal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    /// The next version's `versionId`, if a later one exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_version_id: Option<String>,
}

/// The options, checked and read.
pub(crate) struct CheckedOptions {
    pub(crate) version_id: Option<String>,
    pub(crate) version_time: Option<String>,
    pub(crate) expand_relative_urls: bool,
}

impl ResolutionOptions {
    /// Options from `name=value` pairs (an HTTP query, already decoded).
    /// A name given twice is an error (`INVALID_OPTIONS`).
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<ResolutionOptions, ResolutionError> {
        let mut map = serde_json::Map::new();
        for (name, value) in pairs {
            if map
                .insert(name.to_owned(), Value::String(value.to_owned()))
                .is_some()
            {
                return Err(ResolutionError::new(
                    ErrorKind::InvalidOptions,
                    format!("option `{name}` is given twice; give it once"),
                ));
            }
        }
        serde_json::from_value(Value::Object(map)).map_err(|e| {
            ResolutionError::new(ErrorKind::InvalidOptions, format!("bad option: {e}"))
        })
    }

    /// Whether the options select a version (`versionId` or
    /// `versionTime`): only then does resolution need the identity's older
    /// versions; the latest one is resolved from the live object alone.
    pub fn selects_version(&self) -> bool {
        self.version_id.is_some() || self.version_time.is_some()
    }

    /// Checks the options as the draft orders it: unsupported ones first
    /// (`FEATURE_NOT_SUPPORTED`), then invalid values (`INVALID_OPTIONS`).
    pub(crate) fn check(&self) -> Result<CheckedOptions, ResolutionError> {
        if !self.other.is_empty() {
            let names: Vec<&str> = self.other.keys().map(String::as_str).collect();
            return Err(ResolutionError::new(
                ErrorKind::FeatureNotSupported,
                format!(
                    "this resolver does not implement the option(s) {}; it reads accept, versionId, versionTime, expandRelativeUrls and noCache",
                    names.join(", ")
                ),
            ));
        }
        let flag = |name: &str, v: &Option<Value>| -> Result<bool, ResolutionError> {
            match v {
                None => Ok(false),
                Some(Value::Bool(b)) => Ok(*b),
                Some(Value::String(s)) if s == "true" || s == "false" => Ok(s == "true"),
                Some(other) => Err(ResolutionError::new(
                    ErrorKind::InvalidOptions,
                    format!("option {name} must be true or false, not {other}"),
                )),
            }
        };
        let expand_relative_urls = flag("expandRelativeUrls", &self.expand_relative_urls)?;
        flag("noCache", &self.no_cache)?;
        let version_id = match &self.version_id {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) if n.is_u64() => Some(n.to_string()),
            Some(other) => {
                return Err(ResolutionError::new(
                    ErrorKind::InvalidOptions,
                    format!("versionId must be a string such as \"5\", not {other}"),
                ))
            }
        };
        Ok(CheckedOptions {
            version_id,
            version_time: self.version_time.clone(),
            expand_relative_urls,
        })
    }
}

/// Resolves `did` (any string) on `network` from the identity's history
/// (`None`: no identity object has the DID's ID).
///
/// ```
/// use movid_sdk::did::{pack, resolve, Did, DidDocument, DidHistory, Encoding, IdentityState,
///                      ResolutionOptions};
///
/// let did = Did::local([1; 32]);
/// let state = IdentityState {
///     did_doc: Some(pack(&DidDocument::new(did.clone()), Encoding::Json)),
///     deleted_did: false,
///     created_ms: 1_700_000_000_000,
///     updated_ms: 1_700_000_000_000,
///     doc_version: 3,
///     version: 12,
/// };
/// let history = DidHistory::single(&state);
/// let result = resolve(&did.to_string(), "local", Some(&history), &ResolutionOptions::default());
/// assert_eq!(result.did_document.unwrap().id, did);
/// assert_eq!(result.did_document_metadata.created.as_deref(), Some("2023-11-14T22:13:20Z"));
/// assert_eq!(result.did_document_metadata.version_id.as_deref(), Some("3"));
/// ```
pub fn resolve(
    did: &str,
    network: &str,
    history: Option<&DidHistory>,
    options: &ResolutionOptions,
) -> ResolutionResult {
    match parse_did(did) {
        Ok(did) => resolve_did(&did, network, history, options),
        Err(e) => ResolutionResult::failed(e),
    }
}

/// [`resolve`] for an already parsed DID.
pub fn resolve_did(
    did: &Did,
    network: &str,
    history: Option<&DidHistory>,
    options: &ResolutionOptions,
) -> ResolutionResult {
    match resolve_version(did, network, history, options) {
        Ok((resolved, metadata)) => {
            let (document, content_type) = match resolved {
                Resolved::Live(doc) => {
                    let accept = options.accept.as_deref();
                    match represent(*doc, accept) {
                        Ok((doc, representation)) => {
                            (Some(doc), Some(representation.media_type().to_owned()))
                        }
                        Err(e) => return ResolutionResult::failed(e),
                    }
                }
                Resolved::Deactivated => (None, None),
            };
            ResolutionResult {
                context: RESOLUTION_CONTEXT.to_owned(),
                did_resolution_metadata: DidResolutionMetadata {
                    content_type,
                    error: None,
                },
                did_document: document,
                did_document_metadata: metadata,
            }
        }
        Err(e) => ResolutionResult::failed(e),
    }
}

/// What a DID resolved to, before a representation is chosen.
pub(crate) enum Resolved {
    Live(Box<DidDocument>),
    Deactivated,
}

/// Parses a DID for resolution: another method is `METHOD_NOT_SUPPORTED`,
/// anything else unreadable `INVALID_DID`.
fn parse_did(input: &str) -> Result<Did, ResolutionError> {
    Did::parse(input).map_err(|e| match e {
        DidError::MethodNotSupported { method } => ResolutionError::new(
            ErrorKind::MethodNotSupported,
            format!("this resolver reads did:movid DIDs only, not did:{method}"),
        ),
        e => ResolutionError::new(
            ErrorKind::InvalidDid,
            format!("`{input}` is not a valid DID: {e}"),
        ),
    })
}

/// The checks and the version choice shared by resolution and
/// dereferencing: the resolved version and its metadata.
pub(crate) fn resolve_version(
    did: &Did,
    network: &str,
    history: Option<&DidHistory>,
    options: &ResolutionOptions,
) -> Result<(Resolved, DidDocumentMetadata), ResolutionError> {
    if did.network() != network {
        return Err(ResolutionError::new(
            ErrorKind::FeatureNotSupported,
            format!(
                "{did} is on network `{}`, but this resolver reads `{network}`; resolve it against a node of `{}`",
                did.network(),
                did.network()
            ),
        ));
    }
    let checked = options.check()?;
    // An unparsable versionTime is an invalid option even for an unknown DID.
    if let Some(time) = &checked.version_time {
        if super::history::parse_datetime(time).is_none() {
            return Err(ResolutionError::new(
                ErrorKind::InvalidOptions,
                format!("versionTime `{time}` is not an XML datetime such as 2024-01-31T12:00:00Z"),
            ));
        }
    }
    if let Some(accept) = &options.accept {
        if negotiate(accept, &[Representation::LdJson, Representation::Json]).is_none() {
            return Err(not_representable(accept));
        }
    }
    let Some(history) = history else {
        return Err(ResolutionError::new(
            ErrorKind::NotFound,
            format!(
                "no identity has the object ID {}; check the DID and the network",
                did.object_id_hex()
            ),
        ));
    };
    let index = history.select(
        checked.version_id.as_deref(),
        checked.version_time.as_deref(),
    )?;
    let versions = history.versions();
    let version = &versions[index];
    let next = versions.get(index + 1);
    let metadata = DidDocumentMetadata {
        created: Some(format_timestamp_ms(history.created_ms())),
        // The first version was written at creation: it has no `updated`.
        // Read from the number, not the index, so that a history of the
        // latest version alone (`DidHistory::single`) gives the same answer.
        updated: (version.version_id > FIRST_DOC_VERSION)
            .then(|| format_timestamp_ms(version.time_ms)),
        deactivated: None,
        next_update: next.map(|n| format_timestamp_ms(n.time_ms)),
        version_id: Some(version.version_id.to_string()),
        next_version_id: next.map(|n| n.version_id.to_string()),
    };
    match &version.document {
        StoredDocument::Live(bytes) => {
            let mut doc = unpack(bytes, did).map_err(|e| {
                ResolutionError::new(
                    ErrorKind::InvalidDidDocument,
                    format!(
                        "the document stored for {did} in version {} cannot be read: {e}",
                        version.version_id
                    ),
                )
            })?;
            if checked.expand_relative_urls {
                expand_relative_urls(&mut doc);
            }
            Ok((Resolved::Live(Box::new(doc)), metadata))
        }
        StoredDocument::Deactivated | StoredDocument::Deleted => Ok((
            Resolved::Deactivated,
            DidDocumentMetadata {
                deactivated: Some(true),
                ..metadata
            },
        )),
        StoredDocument::Absent => Err(ResolutionError::new(
            ErrorKind::NotFound,
            format!(
                "the identity {} has no DID document in this version; its controllers have not set one",
                did.object_id_hex()
            ),
        )),
    }
}

fn not_representable(accept: &str) -> ResolutionError {
    ResolutionError::new(
        ErrorKind::RepresentationNotSupported,
        format!(
            "cannot produce `{accept}`; ask for application/did+ld+json or application/did+json"
        ),
    )
}

/// `doc` in the representation `accept` asks for (default: JSON-LD when it
/// has an `@context`, JSON otherwise). Plain JSON drops `@context`, a
/// JSON-LD-only entry; a document without `@context` has no JSON-LD
/// representation.
pub(crate) fn represent(
    mut doc: DidDocument,
    accept: Option<&str>,
) -> Result<(DidDocument, Representation), ResolutionError> {
    let has_context = !doc.context.is_empty();
    let representation = match accept {
        None if has_context => Representation::LdJson,
        None => Representation::Json,
        Some(accept) => {
            let offered: &[Representation] = if has_context {
                &[Representation::LdJson, Representation::Json]
            } else {
                &[Representation::Json]
            };
            negotiate(accept, offered).ok_or_else(|| {
                if has_context {
                    not_representable(accept)
                } else {
                    ResolutionError::new(
                        ErrorKind::RepresentationNotSupported,
                        format!("the document has no @context, so no JSON-LD representation; ask for application/did+json, not `{accept}`"),
                    )
                }
            })?
        }
    };
    if representation == Representation::Json {
        doc.context.clear();
    }
    Ok((doc, representation))
}

/// Rewrites relative DID URLs (`#key-1`) of method and service IDs and of
/// relationship references to absolute ones on the document's DID.
fn expand_relative_urls(doc: &mut DidDocument) {
    let did = doc.id.to_string();
    let absolute = |id: &mut String| {
        if id.starts_with('#') || id.starts_with('?') || id.starts_with('/') {
            *id = format!("{did}{id}");
        }
    };
    for m in &mut doc.verification_method {
        absolute(&mut m.id);
    }
    for s in &mut doc.service {
        absolute(&mut s.id);
    }
    for list in [
        &mut doc.authentication,
        &mut doc.assertion_method,
        &mut doc.key_agreement,
        &mut doc.capability_invocation,
        &mut doc.capability_delegation,
    ] {
        for entry in list.iter_mut() {
            match entry {
                MethodRef::Reference(id) => absolute(id),
                MethodRef::Embedded(m) => absolute(&mut m.id),
            }
        }
    }
}

impl ResolutionResult {
    /// A failed resolution: no document, empty document metadata, `error`.
    pub fn failed(error: ResolutionError) -> ResolutionResult {
        ResolutionResult {
            context: RESOLUTION_CONTEXT.to_owned(),
            did_resolution_metadata: DidResolutionMetadata {
                content_type: None,
                error: Some(error),
            },
            did_document: None,
            did_document_metadata: DidDocumentMetadata::default(),
        }
    }

    /// The resolved document, if resolution produced one.
    pub fn document(&self) -> Option<&DidDocument> {
        self.did_document.as_ref()
    }

    /// Why resolution failed, if it did.
    pub fn error(&self) -> Option<&ResolutionError> {
        self.did_resolution_metadata.error.as_ref()
    }

    /// The kind of error, if resolution failed.
    pub fn error_kind(&self) -> Option<ErrorKind> {
        self.error().map(|e| e.kind)
    }

    /// Whether the DID is deactivated (or deleted) in the resolved version.
    pub fn is_deactivated(&self) -> bool {
        self.did_document_metadata.deactivated == Some(true)
    }

    /// The HTTP status of this result in the DID Resolution HTTP(S) binding:
    /// the error's, 410 for a deactivated DID, 200 otherwise.
    pub fn http_status(&self) -> u16 {
        match self.error() {
            Some(e) => e.kind.http_status(),
            None if self.is_deactivated() => 410,
            None => 200,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::did::{pack, Encoding, IdentityState, KeyFormat, PublicKey, Relationship};
    use serde_json::json;

    fn did() -> Did {
        Did::local([0x42; 32])
    }

    fn doc(key: u8) -> DidDocument {
        DidDocument::builder(did())
            .key(
                "key-1",
                PublicKey::Ed25519([key; 32]),
                KeyFormat::Multibase,
                &[Relationship::Authentication],
            )
            .build()
            .unwrap()
    }

    fn state(
        version: u64,
        doc_version: u64,
        updated_ms: u64,
        did_doc: Option<Vec<u8>>,
    ) -> IdentityState {
        IdentityState {
            deleted_did: did_doc.is_none(),
            did_doc,
            created_ms: 1_704_067_200_000,
            updated_ms,
            doc_version,
            version,
        }
    }

    /// Created with doc(1) at object version 2 (document version 1), a
    /// proposal opened at 3 (document unchanged), doc(2) written at 4
    /// (document version 2), deactivated at 6 (document version 3).
    fn history() -> DidHistory {
        let packed = |k| Some(pack(&doc(k), Encoding::DeflateJson));
        DidHistory::new(vec![
            state(2, 1, 1_704_067_200_000, packed(1)),
            state(3, 1, 1_704_067_200_000, packed(1)),
            state(4, 2, 1_709_210_096_789, packed(2)),
            state(6, 3, 1_709_300_000_000, Some(vec![])),
        ])
        .unwrap()
    }

    fn live() -> DidHistory {
        DidHistory::new(
            history().versions()[..2]
                .iter()
                .map(|v| match &v.document {
                    StoredDocument::Live(b) => {
                        state(v.version_id + 10, v.version_id, v.time_ms, Some(b.clone()))
                    }
                    _ => unreachable!(),
                })
                .collect(),
        )
        .unwrap()
    }

    fn opts(json: Value) -> ResolutionOptions {
        serde_json::from_value(json).unwrap()
    }

    fn kind(r: &ResolutionResult) -> Option<ErrorKind> {
        r.error_kind()
    }

    #[test]
    fn live_did_resolves_to_its_latest_document_with_version_metadata() {
        let result = resolve(&did().to_string(), "local", Some(&live()), &opts(json!({})));
        assert_eq!(result.document(), Some(&doc(2)));
        let json = serde_json::to_value(&result).unwrap();
        assert_eq!(
            json["didResolutionMetadata"],
            json!({"contentType": "application/did+ld+json"})
        );
        // versionId is the document's version number (2), not an object
        // version.
        assert_eq!(
            json["didDocumentMetadata"],
            json!({"created": "2024-01-01T00:00:00Z", "updated": "2024-02-29T12:34:56Z", "versionId": "2"})
        );
        assert_eq!(json["@context"], json!(RESOLUTION_CONTEXT));
        let back: ResolutionResult = serde_json::from_value(json).unwrap();
        assert_eq!(back, result);
        assert_eq!(result.http_status(), 200);
    }

    #[test]
    fn the_latest_object_alone_resolves_as_the_whole_history_does() {
        let packed = |k| Some(pack(&doc(k), Encoding::DeflateJson));
        let states = [
            state(2, 1, 1_704_067_200_000, packed(1)),
            // A vote: the object moved, the document did not.
            state(3, 1, 1_704_067_200_000, packed(1)),
            state(4, 2, 1_709_210_096_789, packed(2)),
            state(5, 2, 1_709_210_096_789, packed(2)),
            state(6, 3, 1_709_300_000_000, Some(vec![])),
            state(8, 4, 1_709_400_000_000, None),
            // The identity deleted after its document.
            state(9, 4, 1_709_400_000_000, None),
        ];
        for n in 1..=states.len() {
            let full = DidHistory::new(states[..n].to_vec()).unwrap();
            let latest = DidHistory::single(&states[n - 1]);
            assert_eq!(
                resolve(&did().to_string(), "local", Some(&latest), &opts(json!({}))),
                resolve(&did().to_string(), "local", Some(&full), &opts(json!({}))),
                "after {n} object versions"
            );
        }
    }

    #[test]
    fn older_versions_resolve_by_id_and_time_with_next_version_metadata() {
        let h = history();
        let first = resolve(
            &did().to_string(),
            "local",
            Some(&h),
            &opts(json!({"versionId": "1"})),
        );
        assert_eq!(first.document(), Some(&doc(1)));
        let m = &first.did_document_metadata;
        assert_eq!(m.version_id.as_deref(), Some("1"));
        assert_eq!(m.updated, None, "the first version was never updated");
        assert_eq!(m.next_version_id.as_deref(), Some("2"));
        assert_eq!(m.next_update.as_deref(), Some("2024-02-29T12:34:56Z"));
        assert_eq!(m.deactivated, None);

        let numeric = resolve(
            &did().to_string(),
            "local",
            Some(&h),
            &opts(json!({"versionId": 2})),
        );
        assert_eq!(numeric.document(), Some(&doc(2)));
        assert_eq!(
            numeric.did_document_metadata.next_version_id.as_deref(),
            Some("3")
        );

        let at = resolve(
            &did().to_string(),
            "local",
            Some(&h),
            &opts(json!({"versionTime": "2024-02-29T12:34:55Z"})),
        );
        assert_eq!(at.document(), Some(&doc(1)));
        let at = resolve(
            &did().to_string(),
            "local",
            Some(&h),
            &opts(json!({"versionTime": "2024-02-29T12:34:56Z"})),
        );
        assert_eq!(at.document(), Some(&doc(2)));

        // Object version 4 wrote doc(2), but versionId numbers documents:
        // there is no fourth.
        let not_a_version = resolve(
            &did().to_string(),
            "local",
            Some(&h),
            &opts(json!({"versionId": "4"})),
        );
        assert_eq!(kind(&not_a_version), Some(ErrorKind::NotFound));
        assert_eq!(
            not_a_version.did_document_metadata,
            DidDocumentMetadata::default()
        );
        let before = resolve(
            &did().to_string(),
            "local",
            Some(&h),
            &opts(json!({"versionTime": "2023-12-31T23:59:59Z"})),
        );
        assert_eq!(kind(&before), Some(ErrorKind::NotFound));
    }

    #[test]
    fn deactivated_did_has_no_document_and_status_410() {
        let result = resolve(
            &did().to_string(),
            "local",
            Some(&history()),
            &opts(json!({})),
        );
        assert_eq!(result.did_document, None);
        assert_eq!(result.error(), None);
        assert!(result.is_deactivated());
        assert_eq!(
            result.did_document_metadata.version_id.as_deref(),
            Some("3")
        );
        assert_eq!(result.http_status(), 410);
        let json = serde_json::to_value(&result).unwrap();
        assert_eq!(json["didDocument"], Value::Null);
        assert_eq!(json["didResolutionMetadata"], json!({}));
    }

    #[test]
    fn deleted_did_is_deactivated_not_a_failure() {
        let mut states = vec![state(
            2,
            1,
            1_704_067_200_000,
            Some(pack(&doc(1), Encoding::Json)),
        )];
        states.push(state(5, 2, 1_704_067_300_000, None));
        let h = DidHistory::new(states).unwrap();
        let result = resolve(&did().to_string(), "local", Some(&h), &opts(json!({})));
        assert_eq!(result.error(), None);
        assert!(result.is_deactivated());
        assert_eq!(
            result.did_document_metadata.version_id.as_deref(),
            Some("2")
        );
    }

    #[test]
    fn identity_without_a_document_is_not_found_with_empty_metadata() {
        let mut s = state(2, 1, 1_704_067_200_000, None);
        s.deleted_did = false;
        let result = resolve(
            &did().to_string(),
            "local",
            Some(&DidHistory::single(&s)),
            &opts(json!({})),
        );
        assert_eq!(kind(&result), Some(ErrorKind::NotFound));
        assert_eq!(result.did_document_metadata, DidDocumentMetadata::default());
    }

    #[test]
    fn failures_carry_problem_details_and_empty_metadata() {
        let cases: Vec<(String, Option<DidHistory>, Value, ErrorKind)> = vec![
            (
                "did:movid:local:0x12".into(),
                None,
                json!({}),
                ErrorKind::InvalidDid,
            ),
            ("hello".into(), None, json!({}), ErrorKind::InvalidDid),
            (
                format!("{}#key-1", did()),
                None,
                json!({}),
                ErrorKind::InvalidDid,
            ),
            (
                "did:web:example.com".into(),
                None,
                json!({}),
                ErrorKind::MethodNotSupported,
            ),
            (
                Did::new("testnet", [0x42; 32]).unwrap().to_string(),
                Some(live()),
                json!({}),
                ErrorKind::FeatureNotSupported,
            ),
            (
                did().to_string(),
                Some(live()),
                json!({"transform": "x"}),
                ErrorKind::FeatureNotSupported,
            ),
            (
                did().to_string(),
                Some(live()),
                json!({"noCache": "maybe"}),
                ErrorKind::InvalidOptions,
            ),
            (
                did().to_string(),
                Some(live()),
                json!({"versionTime": "soon"}),
                ErrorKind::InvalidOptions,
            ),
            (
                did().to_string(),
                Some(live()),
                json!({"versionId": "2", "versionTime": "2024-01-01T00:00:00Z"}),
                ErrorKind::InvalidOptions,
            ),
            (
                did().to_string(),
                Some(live()),
                json!({"versionId": true}),
                ErrorKind::InvalidOptions,
            ),
            (
                did().to_string(),
                Some(live()),
                json!({"accept": "application/xml"}),
                ErrorKind::RepresentationNotSupported,
            ),
            (did().to_string(), None, json!({}), ErrorKind::NotFound),
        ];
        for (input, h, o, expected) in cases {
            let result = resolve(&input, "local", h.as_ref(), &opts(o.clone()));
            assert_eq!(kind(&result), Some(expected), "{input} {o}");
            assert_eq!(result.did_document, None);
            assert_eq!(result.did_document_metadata, DidDocumentMetadata::default());
            let json = serde_json::to_value(&result).unwrap();
            let error = &json["didResolutionMetadata"]["error"];
            assert_eq!(error["type"], json!(expected.type_uri()));
            assert!(!error["detail"].as_str().unwrap().is_empty());
            assert_eq!(result.http_status(), expected.http_status());
        }
    }

    #[test]
    fn unreadable_document_is_invalid_did_document() {
        let h = DidHistory::single(&state(2, 1, 0, Some(b"junk".to_vec())));
        let result = resolve(&did().to_string(), "local", Some(&h), &opts(json!({})));
        assert_eq!(kind(&result), Some(ErrorKind::InvalidDidDocument));
        assert_eq!(result.did_document_metadata, DidDocumentMetadata::default());
        assert_eq!(result.http_status(), 500);
    }

    #[test]
    fn accept_selects_the_representation() {
        let json_doc = resolve(
            &did().to_string(),
            "local",
            Some(&live()),
            &opts(json!({"accept": "application/did+json"})),
        );
        assert_eq!(
            json_doc.did_resolution_metadata.content_type.as_deref(),
            Some("application/did+json")
        );
        let v = serde_json::to_value(json_doc.document().unwrap()).unwrap();
        assert!(v.get("@context").is_none(), "plain JSON has no @context");
        let ld = resolve(
            &did().to_string(),
            "local",
            Some(&live()),
            &opts(json!({"accept": "application/did+ld+json"})),
        );
        assert_eq!(ld.document(), Some(&doc(2)));

        let mut bare = doc(1);
        bare.context.clear();
        let h = DidHistory::single(&state(2, 1, 0, Some(pack(&bare, Encoding::Json))));
        let ld = resolve(
            &did().to_string(),
            "local",
            Some(&h),
            &opts(json!({"accept": "application/did+ld+json"})),
        );
        assert_eq!(kind(&ld), Some(ErrorKind::RepresentationNotSupported));
        let default = resolve(&did().to_string(), "local", Some(&h), &opts(json!({})));
        assert_eq!(
            default.did_resolution_metadata.content_type.as_deref(),
            Some("application/did+json")
        );
    }

    #[test]
    fn relative_urls_are_expanded_on_request() {
        let mut d = doc(1);
        d.authentication = vec![MethodRef::Reference("#key-1".into())];
        let h = DidHistory::single(&state(2, 1, 0, Some(pack(&d, Encoding::Json))));
        let plain = resolve(&did().to_string(), "local", Some(&h), &opts(json!({})));
        assert_eq!(
            plain.document().unwrap().authentication[0],
            MethodRef::Reference("#key-1".into())
        );
        let expanded = resolve(
            &did().to_string(),
            "local",
            Some(&h),
            &opts(json!({"expandRelativeUrls": "true", "noCache": true})),
        );
        assert_eq!(
            expanded.document().unwrap().authentication[0],
            MethodRef::Reference(format!("{}#key-1", did()))
        );
    }

    #[test]
    fn options_come_from_query_pairs() {
        let o =
            ResolutionOptions::from_pairs([("versionId", "4"), ("accept", "application/did+json")])
                .unwrap();
        assert_eq!(o.version_id, Some(json!("4")));
        assert_eq!(o.accept.as_deref(), Some("application/did+json"));
        let twice =
            ResolutionOptions::from_pairs([("versionId", "4"), ("versionId", "5")]).unwrap_err();
        assert_eq!(twice.kind, ErrorKind::InvalidOptions);
        let other = ResolutionOptions::from_pairs([("foo", "1")]).unwrap();
        assert!(other.other.contains_key("foo"));
    }
}
