//! Media types of DID documents and resolution results, and the choice among
//! them that an `accept` value (an HTTP `Accept` header value) asks for.

/// The content type of a DID document with an `@context` (JSON-LD).
pub const CONTENT_TYPE_DID_LD_JSON: &str = "application/did+ld+json";
/// The content type of a DID document as plain JSON.
pub const CONTENT_TYPE_DID_JSON: &str = "application/did+json";
/// The content type of a whole DID resolution result.
pub const CONTENT_TYPE_DID_RESOLUTION: &str = "application/did-resolution";
/// The Universal Resolver's older name of [`CONTENT_TYPE_DID_RESOLUTION`].
pub const CONTENT_TYPE_DID_RESOLUTION_LEGACY: &str =
    "application/ld+json;profile=\"https://w3id.org/did-resolution\"";
/// The content type of a whole DID URL dereferencing result.
pub const CONTENT_TYPE_DID_URL_DEREFERENCING: &str = "application/did-url-dereferencing";
/// The content type of a list of URLs (selected service endpoints).
pub const CONTENT_TYPE_URI_LIST: &str = "text/uri-list";

/// What an `accept` value selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Representation {
    /// The document as JSON-LD (`application/did+ld+json`).
    LdJson,
    /// The document as plain JSON (`application/did+json`).
    Json,
    /// The whole resolution result (`application/did-resolution`; HTTP only).
    ResolutionResult,
    /// The whole dereferencing result (`application/did-url-dereferencing`; HTTP only).
    DereferencingResult,
    /// A list of service endpoint URLs (`text/uri-list`; dereferencing only).
    UriList,
}

impl Representation {
    /// The media type written for this representation.
    pub fn media_type(self) -> &'static str {
        match self {
            Representation::LdJson => CONTENT_TYPE_DID_LD_JSON,
            Representation::Json => CONTENT_TYPE_DID_JSON,
            Representation::ResolutionResult => CONTENT_TYPE_DID_RESOLUTION,
            Representation::DereferencingResult => CONTENT_TYPE_DID_URL_DEREFERENCING,
            Representation::UriList => CONTENT_TYPE_URI_LIST,
        }
    }

    /// Whether this is a representation of a DID document.
    pub fn is_document(self) -> bool {
        matches!(self, Representation::LdJson | Representation::Json)
    }
}

/// The representation `accept` prefers among `offered` (in the server's
/// order of preference), or `None` if it accepts none of them.
///
/// `accept` is an HTTP `Accept` value: media ranges separated by commas,
/// each with optional parameters and a `q` weight. `*/*` and `application/*`
/// accept the first offered type of their range; `q=0` refuses a type. The
/// legacy `application/ld+json;profile="https://w3id.org/did-resolution"`
/// names [`Representation::ResolutionResult`]; `application/ld+json` and
/// `application/json` without it name the two document types.
pub fn negotiate(accept: &str, offered: &[Representation]) -> Option<Representation> {
    let mut best: Option<(f32, usize, Representation)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';').map(str::trim);
        let media = parts.next().unwrap_or_default().to_ascii_lowercase();
        if media.is_empty() {
            continue;
        }
        let mut q = 1.0f32;
        let mut profile = None;
        for param in parts {
            let (name, value) = param.split_once('=').unwrap_or((param, ""));
            let value = value.trim().trim_matches('"');
            match name.trim().to_ascii_lowercase().as_str() {
                "q" => q = value.parse().unwrap_or(0.0),
                "profile" => profile = Some(value.to_owned()),
                _ => {}
            }
        }
        if q <= 0.0 {
            continue;
        }
        let matches = |r: &Representation| -> bool {
            let mt = r.media_type();
            match media.as_str() {
                "*/*" => true,
                "application/*" => mt.starts_with("application/"),
                "text/*" => mt.starts_with("text/"),
                // The generic JSON(-LD) types name the DID document types
                // (a DID document is a JSON-LD document); with the
                // did-resolution profile, the legacy result type.
                "application/ld+json" => match profile.as_deref() {
                    Some("https://w3id.org/did-resolution") => {
                        *r == Representation::ResolutionResult
                    }
                    Some(_) => false,
                    None => *r == Representation::LdJson,
                },
                "application/json" => *r == Representation::Json,
                m => m == mt,
            }
        };
        // The first offered type a range matches; a specific type ranks above
        // a wildcard of the same weight.
        let specificity = if media.contains('*') { 0 } else { 1 };
        if let Some(&r) = offered.iter().find(|r| matches(r)) {
            let better = match best {
                None => true,
                Some((bq, bs, _)) => q > bq || (q == bq && specificity > bs),
            };
            if better {
                best = Some((q, specificity, r));
            }
        }
    }
    best.map(|(_, _, r)| r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Representation::*;

    const DOCS: [Representation; 2] = [LdJson, Json];

    #[test]
    fn document_types_are_negotiated() {
        assert_eq!(negotiate("application/did+json", &DOCS), Some(Json));
        assert_eq!(negotiate("application/did+ld+json", &DOCS), Some(LdJson));
        assert_eq!(negotiate("*/*", &DOCS), Some(LdJson));
        assert_eq!(negotiate("application/*", &DOCS), Some(LdJson));
        assert_eq!(
            negotiate("application/did+ld+json;q=0.5, application/did+json", &DOCS),
            Some(Json)
        );
        assert_eq!(
            negotiate("*/*;q=0.9, application/did+json;q=0.9", &DOCS),
            Some(Json)
        );
        assert_eq!(negotiate("application/xml", &DOCS), None);
        assert_eq!(negotiate("application/did+json;q=0", &DOCS), None);
        assert_eq!(negotiate("", &DOCS), None);
        assert_eq!(negotiate("text/*", &DOCS), None);
    }

    #[test]
    fn resolution_results_are_negotiated_under_both_names() {
        let offered = [ResolutionResult, LdJson, Json];
        assert_eq!(
            negotiate("application/did-resolution", &offered),
            Some(ResolutionResult)
        );
        assert_eq!(
            negotiate(
                r#"application/ld+json;profile="https://w3id.org/did-resolution""#,
                &offered
            ),
            Some(ResolutionResult)
        );
        assert_eq!(negotiate("application/ld+json", &offered), Some(LdJson));
        assert_eq!(negotiate("application/json", &offered), Some(Json));
        assert_eq!(
            negotiate(r#"application/ld+json;profile="x""#, &offered),
            None
        );
        assert_eq!(
            negotiate(
                "application/did-resolution,application/did+ld+json",
                &offered
            ),
            Some(ResolutionResult)
        );
    }
}
