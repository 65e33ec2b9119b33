//! The errors of DID resolution and DID URL dereferencing, as the W3C DID
//! Resolution draft writes them: RFC 9457 problem-details objects whose
//! `type` is one of the draft's error URIs (`https://www.w3.org/ns/did#...`).
//!
//! ```json
//! "didResolutionMetadata": {
//!   "error": {
//!     "type": "https://www.w3.org/ns/did#NOT_FOUND",
//!     "title": "The DID was not found.",
//!     "detail": "no identity has the object ID 0x5a5a...; check the DID and the network"
//!   }
//! }
//! ```
//!
//! Each kind maps to the HTTP status the draft's HTTP(S) binding gives it
//! ([`ErrorKind::http_status`]).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The prefix of every error type URI of the DID Resolution draft.
pub const ERROR_TYPE_PREFIX: &str = "https://www.w3.org/ns/did#";

/// The error types of the DID Resolution draft ("Errors").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// `INVALID_DID`: the input is not a DID (a DID URL included, for resolution).
    InvalidDid,
    /// `INVALID_DID_URL`: the input is not a DID URL, or its query is ambiguous.
    InvalidDidUrl,
    /// `INVALID_DID_DOCUMENT`: the stored document cannot be read.
    InvalidDidDocument,
    /// `NOT_FOUND`: no identity, no such version, or nothing at the DID URL.
    NotFound,
    /// `REPRESENTATION_NOT_SUPPORTED`: the `accept` media type cannot be produced.
    RepresentationNotSupported,
    /// `METHOD_NOT_SUPPORTED`: the DID is not a `did:movid` DID.
    MethodNotSupported,
    /// `INVALID_OPTIONS`: an option has an invalid value (or two exclude each other).
    InvalidOptions,
    /// `FEATURE_NOT_SUPPORTED`: an option this resolver does not implement, or a
    /// `did:movid` DID of a network this resolver does not read.
    FeatureNotSupported,
    /// `INTERNAL_ERROR`: the resolver failed for a reason of its own (the chain
    /// could not be read).
    InternalError,
}

/// A DID resolution or dereferencing error: an RFC 9457 problem-details object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolutionError {
    /// What kind of error; serialized as its `type` URI.
    pub kind: ErrorKind,
    /// A short human-readable summary (the same for every error of a kind).
    pub title: String,
    /// What exactly went wrong and what to try.
    pub detail: String,
}

impl ErrorKind {
    /// Every kind, in the draft's order.
    pub const ALL: [ErrorKind; 9] = [
        ErrorKind::InvalidDid,
        ErrorKind::InvalidDidDocument,
        ErrorKind::NotFound,
        ErrorKind::RepresentationNotSupported,
        ErrorKind::InvalidDidUrl,
        ErrorKind::MethodNotSupported,
        ErrorKind::InvalidOptions,
        ErrorKind::InternalError,
        ErrorKind::FeatureNotSupported,
    ];

    /// The draft's name of the error, e.g. `NOT_FOUND`.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::InvalidDid => "INVALID_DID",
            ErrorKind::InvalidDidUrl => "INVALID_DID_URL",
            ErrorKind::InvalidDidDocument => "INVALID_DID_DOCUMENT",
            ErrorKind::NotFound => "NOT_FOUND",
            ErrorKind::RepresentationNotSupported => "REPRESENTATION_NOT_SUPPORTED",
            ErrorKind::MethodNotSupported => "METHOD_NOT_SUPPORTED",
            ErrorKind::InvalidOptions => "INVALID_OPTIONS",
            ErrorKind::FeatureNotSupported => "FEATURE_NOT_SUPPORTED",
            ErrorKind::InternalError => "INTERNAL_ERROR",
        }
    }

    /// The error's `type` URI, e.g. `https://www.w3.org/ns/did#NOT_FOUND`.
    pub fn type_uri(self) -> String {
        format!("{ERROR_TYPE_PREFIX}{}", self.name())
    }

    /// The kind whose `type` URI is `uri`.
    pub fn from_type_uri(uri: &str) -> Option<ErrorKind> {
        let name = uri.strip_prefix(ERROR_TYPE_PREFIX)?;
        ErrorKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The short title written with every error of this kind.
    pub fn title(self) -> &'static str {
        match self {
            ErrorKind::InvalidDid => "The input is not a valid DID.",
            ErrorKind::InvalidDidUrl => "The input is not a valid DID URL.",
            ErrorKind::InvalidDidDocument => "The stored DID document is malformed.",
            ErrorKind::NotFound => "The DID or the resource was not found.",
            ErrorKind::RepresentationNotSupported => {
                "The requested representation is not supported."
            }
            ErrorKind::MethodNotSupported => "The DID method is not supported.",
            ErrorKind::InvalidOptions => "The resolution options are invalid.",
            ErrorKind::FeatureNotSupported => "The requested feature is not supported.",
            ErrorKind::InternalError => "The resolver failed.",
        }
    }

    /// The HTTP status of the DID Resolution HTTP(S) binding for this error.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorKind::InvalidDid | ErrorKind::InvalidDidUrl | ErrorKind::InvalidOptions => 400,
            ErrorKind::NotFound => 404,
            ErrorKind::RepresentationNotSupported => 406,
            ErrorKind::MethodNotSupported | ErrorKind::FeatureNotSupported => 501,
            ErrorKind::InvalidDidDocument | ErrorKind::InternalError => 500,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl ResolutionError {
    /// An error of `kind` saying `detail`.
    pub fn new(kind: ErrorKind, detail: impl Into<String>) -> ResolutionError {
        ResolutionError {
            kind,
            title: kind.title().to_owned(),
            detail: detail.into(),
        }
    }
}

impl fmt::Display for ResolutionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.detail)
    }
}

impl std::error::Error for ResolutionError {}

#[derive(Serialize, Deserialize)]
struct Problem {
    #[serde(rename = "type")]
    type_: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    detail: String,
}

impl Serialize for ResolutionError {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Problem {
            type_: self.kind.type_uri(),
            title: self.title.clone(),
            detail: self.detail.clone(),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for ResolutionError {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ResolutionError, D::Error> {
        let p = Problem::deserialize(d)?;
        let kind = ErrorKind::from_type_uri(&p.type_).ok_or_else(|| {
            serde::de::Error::custom(format!("unknown DID resolution error type `{}`", p.type_))
        })?;
        Ok(ResolutionError {
            kind,
            title: p.title,
            detail: p.detail,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn errors_serialize_as_problem_details_with_the_drafts_uris() {
        let e = ResolutionError::new(ErrorKind::NotFound, "no identity");
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(
            v,
            json!({"type": "https://www.w3.org/ns/did#NOT_FOUND", "title": ErrorKind::NotFound.title(), "detail": "no identity"})
        );
        assert_eq!(serde_json::from_value::<ResolutionError>(v).unwrap(), e);
        for kind in ErrorKind::ALL {
            assert_eq!(ErrorKind::from_type_uri(&kind.type_uri()), Some(kind));
        }
        assert!(serde_json::from_value::<ResolutionError>(json!({"type": "notFound"})).is_err());
    }

    #[test]
    fn http_statuses_follow_the_binding() {
        let status = |k: ErrorKind| k.http_status();
        assert_eq!(status(ErrorKind::InvalidDid), 400);
        assert_eq!(status(ErrorKind::InvalidDidUrl), 400);
        assert_eq!(status(ErrorKind::InvalidOptions), 400);
        assert_eq!(status(ErrorKind::NotFound), 404);
        assert_eq!(status(ErrorKind::RepresentationNotSupported), 406);
        assert_eq!(status(ErrorKind::InvalidDidDocument), 500);
        assert_eq!(status(ErrorKind::MethodNotSupported), 501);
        assert_eq!(status(ErrorKind::FeatureNotSupported), 501);
        assert_eq!(status(ErrorKind::InternalError), 500);
    }
}
