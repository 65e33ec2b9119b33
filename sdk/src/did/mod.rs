//! `did:movid` DIDs, DID documents, their on-chain encoding, resolution and
//! DID URL dereferencing (the method: docs/DID_METHOD.md).
//!
//! - [`Did`] / [`DidUrl`]: `did:movid:<network>:0x<object id>` and DID URLs
//!   such as `did:movid:local:0x..#key-1` (format: docs/DESIGN.md §8).
//! - [`DidDocument`]: a complete W3C DID Core document model that keeps
//!   unknown properties, with a builder, key lookups and the checks a
//!   document passes before it is stored ([`DidDocument::validate_for_chain`]).
//! - [`pack`] / [`unpack`]: the bytes an `Identity` object stores
//!   (`"DID"` ‖ version ‖ encoding ‖ payload, own DID as `did:0:0`).
//! - [`DidHistory`]: the document versions of an identity's object history.
//! - [`resolve`] / [`dereference`]: W3C DID Resolution results and DID URL
//!   dereferencing results from a history, without any I/O; errors are
//!   problem-details objects ([`ResolutionError`]) with the draft's type URIs.
//!
//! Everything that reads input returns a [`DidError`] instead of panicking.
//!
//! ```
//! use movid_sdk::did::{pack, resolve, Did, DidDocument, DidHistory, Encoding, IdentityState,
//!                      KeyFormat, PublicKey, Relationship, ResolutionOptions};
//!
//! // The DID of the identity object 0x01..01 on the local chain.
//! let did: Did = format!("did:movid:local:0x{}", "01".repeat(32)).parse()?;
//! let doc = DidDocument::builder(did.clone())
//!     .key("key-1", PublicKey::Ed25519([9; 32]), KeyFormat::Multibase,
//!          &[Relationship::Authentication])
//!     .build()?;
//! doc.validate_for_chain()?;
//!
//! // What the identity stores on chain, and what a resolver makes of it.
//! let bytes = pack(&doc, Encoding::DeflateJson);
//! let state = IdentityState { did_doc: Some(bytes), deleted_did: false, created_ms: 0,
//!                             updated_ms: 0, doc_version: 1, version: 1 };
//! let history = DidHistory::single(&state);
//! let result = resolve(&did.to_string(), "local", Some(&history), &ResolutionOptions::default());
//! assert_eq!(result.document().unwrap().ed25519_public_key("key-1")?, [9; 32]);
//! # Ok::<(), movid_sdk::did::DidError>(())
//! ```

mod dereference;
mod document;
mod encoding;
mod history;
mod id;
mod media;
mod problem;
mod resolution;
mod validate;

pub use dereference::{
    dereference, percent_decode, selects_version, DereferencingMetadata, DereferencingOptions,
    DereferencingResult,
};
pub use document::{
    DidDocument, DidDocumentBuilder, Jwk, KeyFormat, MethodRef, PublicKey, Relationship, Service,
    ServiceEndpoint, ServiceEndpointEntry, VerificationMethod, DID_CONTEXT_V1, JSON_WEB_KEY_TYPE,
    MULTIKEY_TYPE,
};
pub use encoding::{pack, unpack, Encoding, FORMAT_VERSION, MAGIC, MAX_JSON_SIZE, PLACEHOLDER_DID};
pub use history::{
    format_timestamp_ms, parse_datetime, DidHistory, DidVersion, IdentityState, StoredDocument,
    FIRST_DOC_VERSION,
};
pub use id::{Did, DidUrl, LOCAL_NETWORK, MAX_NETWORK_LEN, METHOD};
pub use media::{
    negotiate, Representation, CONTENT_TYPE_DID_JSON, CONTENT_TYPE_DID_LD_JSON,
    CONTENT_TYPE_DID_RESOLUTION, CONTENT_TYPE_DID_RESOLUTION_LEGACY,
    CONTENT_TYPE_DID_URL_DEREFERENCING, CONTENT_TYPE_URI_LIST,
};
pub use problem::{ErrorKind, ResolutionError, ERROR_TYPE_PREFIX};
pub use resolution::{
    resolve, resolve_did, DidDocumentMetadata, DidResolutionMetadata, ResolutionOptions,
    ResolutionResult, RESOLUTION_CONTEXT,
};
pub use validate::{
    decode_multikey, is_did, DID_CONTEXT_V1_1, ED25519_2020_CONTEXT, JWS_2020_CONTEXT,
    KNOWN_CONTEXTS, MULTIKEY_CONTEXT, X25519_2020_CONTEXT,
};

/// What went wrong reading or using a DID, a DID document or its stored bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DidError {
    /// The input does not start with `did:`.
    #[error("`{input}` is not a DID: a DID starts with `did:`")]
    NotADid {
        /// The rejected input.
        input: String,
    },
    /// The DID's method is not `movid`.
    #[error("DID method `{method}` is not supported: movid reads `did:movid:<network>:0x<object id>` only")]
    MethodNotSupported {
        /// The method found.
        method: String,
    },
    /// The DID lacks its network or object ID.
    #[error("`{input}` is incomplete: expected `did:movid:<network>:0x<64 hex digits>`")]
    MissingSegments {
        /// The rejected input.
        input: String,
    },
    /// The network name is not `[a-z0-9]{1,32}`.
    #[error(
        "network `{network}` is invalid: use 1 to 32 lowercase letters or digits (e.g. `local`)"
    )]
    InvalidNetwork {
        /// The rejected network.
        network: String,
    },
    /// The object ID is not `0x` followed by 64 lowercase hex digits.
    #[error("object ID `{object_id}` is invalid: {reason}")]
    InvalidObjectId {
        /// The rejected object ID.
        object_id: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A DID was expected but a DID URL (path, query or fragment) was given.
    #[error("`{input}` is a DID URL (it has a path, query or fragment at byte {position}); give the DID alone")]
    UnexpectedDidUrl {
        /// The rejected input.
        input: String,
        /// Where the DID ends.
        position: usize,
    },
    /// A DID URL fragment holds characters RFC 3986 does not allow.
    #[error(
        "fragment `{fragment}` is invalid: use letters, digits, `-._~!$&'()*+,;=:@/?` or %-escapes"
    )]
    InvalidFragment {
        /// The rejected fragment.
        fragment: String,
    },
    /// A DID URL query holds characters RFC 3986 does not allow.
    #[error("query `{query}` is invalid: use letters, digits, `-._~!$&'()*+,;=:@/?` or %-escapes")]
    InvalidQuery {
        /// The rejected query.
        query: String,
    },
    /// A DID URL path holds characters RFC 3986 does not allow.
    #[error("path `{path}` is invalid: use letters, digits, `-._~!$&'()*+,;=:@/` or %-escapes")]
    InvalidPath {
        /// The rejected path.
        path: String,
    },
    /// A method or service ID is used twice in one document.
    #[error("ID `{id}` is already used by a method or service of this document; choose another fragment")]
    DuplicateId {
        /// The duplicated ID.
        id: String,
    },
    /// No verification method has the given ID.
    #[error("the document has no verification method `{query}`")]
    MethodNotFound {
        /// The ID or fragment looked for.
        query: String,
    },
    /// A verification method's key material cannot be read.
    #[error("verification method `{method}` has no usable key: {reason}")]
    InvalidKey {
        /// The method's ID.
        method: String,
        /// What is wrong with its key.
        reason: String,
    },
    /// A string is not a multibase Ed25519 / X25519 public key.
    #[error("`{value}` is not a multibase public key: {reason}")]
    InvalidMultibase {
        /// The rejected string.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A verification method holds another kind of key than asked for.
    #[error("verification method `{method}` holds an {found} key, not an {expected} key")]
    WrongKeyType {
        /// The method's ID.
        method: String,
        /// The curve asked for.
        expected: &'static str,
        /// The curve found.
        found: &'static str,
    },
    /// A document entry (context, controller, service) is malformed.
    #[error("{entry} is invalid: {reason}")]
    InvalidDocumentEntry {
        /// Which entry.
        entry: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A term of the document is defined by none of its JSON-LD contexts.
    #[error("`{term}` is not defined by any @context of the document; add {}", if contexts.is_empty() { "a context that defines it".to_owned() } else { contexts.join(" or ") })]
    UndefinedTerm {
        /// The undefined term.
        term: String,
        /// The known contexts that define it.
        contexts: Vec<String>,
    },
    /// The stored bytes are empty: the DID is deactivated, there is no document.
    #[error(
        "the stored document is empty: the DID is deactivated (resolve it to get its metadata)"
    )]
    EmptyDocument,
    /// The stored bytes do not start with `"DID"` and two header bytes.
    #[error("stored document header {found:02x?} is not `DID` + version + encoding")]
    InvalidHeader {
        /// The first bytes found (at most 5).
        found: Vec<u8>,
    },
    /// The stored document has a format version this SDK does not read.
    #[error("stored document format version {version} is not supported (this SDK reads version 1); upgrade the SDK")]
    UnsupportedVersion {
        /// The version byte found.
        version: u8,
    },
    /// The stored document has an unknown encoding byte.
    #[error("stored document encoding {encoding} is unknown (0 = JSON, 1 = deflate JSON)")]
    UnknownEncoding {
        /// The encoding byte found.
        encoding: u8,
    },
    /// The deflate payload does not decompress.
    #[error("stored document does not decompress: {reason}")]
    Decompression {
        /// The decompressor's error.
        reason: String,
    },
    /// The JSON payload is larger than [`MAX_JSON_SIZE`].
    #[error("stored document is larger than {limit} bytes of JSON")]
    DocumentTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The payload is not a DID document.
    #[error("stored bytes are not a DID document: {reason}")]
    InvalidDocument {
        /// The JSON error.
        reason: String,
    },
    /// The stored document describes another DID than the identity's.
    #[error("stored document describes {found}, not {expected}; write it with its own DID or the placeholder did:0:0")]
    DocumentIdMismatch {
        /// The identity's DID.
        expected: Did,
        /// The `id` in the document.
        found: Did,
    },
}
