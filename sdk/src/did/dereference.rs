//! W3C DID URL dereferencing for `did:movid` DID URLs.
//!
//! [`dereference`] resolves the DID URL's DID (with the version its
//! `versionId`/`versionTime` parameters select) and returns:
//!
//! | DID URL | content | `contentType` |
//! |---|---|---|
//! | `did` (only version parameters) | the document | `application/did+ld+json` (or `+json`) |
//! | `did#key-1` | the verification method or service, with the document's `@context` | the document's |
//! | `did?service=files&relativeRef=/a.pdf` | the endpoint URL(s) with the reference resolved (RFC 3986 §5) | `text/uri-list` |
//! | `did?service=files` (or `serviceType=`) | the document with only the selected services | the document's |
//! | `did/any/path` | `NOT_FOUND`: `did:movid` defines no DID paths | |
//!
//! With `relativeRef` the endpoint URL is the default answer, as a client
//! following a service link expects; `accept: application/did+ld+json`
//! still asks for the filtered document, and `accept: text/uri-list` asks
//! for the URLs without `relativeRef`. A DID URL fragment after a service
//! selection is appended to the endpoint URL. A parameter given twice is
//! `INVALID_DID_URL`; parameters other than `service`, `serviceType` and
//! `relativeRef` are passed to resolution as options (so an unknown one is
//! `FEATURE_NOT_SUPPORTED`), and one that contradicts an explicit option is
//! `INVALID_OPTIONS`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::media::{negotiate, Representation};
use super::resolution::{represent, resolve_version, Resolved};
use super::{
    DidDocument, DidDocumentMetadata, DidError, DidHistory, DidUrl, ErrorKind, ResolutionError,
    ResolutionOptions, ServiceEndpoint, ServiceEndpointEntry,
};

/// The input options of DID URL dereferencing: `accept`, and every other
/// option passed on to resolution.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DereferencingOptions {
    /// The preferred media type of the content: a DID document type or
    /// `text/uri-list`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accept: Option<String>,
    /// The resolution options (`versionId`, `versionTime`, ...).
    #[serde(flatten)]
    pub resolution: ResolutionOptions,
}

/// The result of dereferencing a DID URL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DereferencingResult {
    /// About the dereferencing: content type or error.
    pub dereferencing_metadata: DereferencingMetadata,
    /// The content: a document, a method or service (JSON), or the
    /// `text/uri-list` text of endpoint URLs; `null` on failure or for a
    /// deactivated DID.
    pub content_stream: Option<Value>,
    /// The document metadata of the resolved version (empty on failure).
    pub content_metadata: DidDocumentMetadata,
}

/// DID URL dereferencing metadata.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DereferencingMetadata {
    /// The media type of `contentStream`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Why dereferencing failed, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ResolutionError>,
}

/// The DID parameters of a DID URL's query.
#[derive(Default)]
struct Params {
    service: Option<String>,
    service_type: Option<String>,
    relative_ref: Option<String>,
    /// Every other parameter, passed to resolution.
    options: Vec<(String, String)>,
}

/// Dereferences `url` on `network` from the identity's history (`None`: no
/// identity object has the DID's ID).
///
/// ```
/// use movid_sdk::did::{dereference, pack, Did, DidDocument, DidHistory, DereferencingOptions,
///                      Encoding, IdentityState, Service, ServiceEndpoint};
///
/// let did = Did::local([1; 32]);
/// let doc = DidDocument::builder(did.clone())
///     .service(Service::new(&did.join("files").unwrap(), "LinkedDomains",
///                           ServiceEndpoint::Url("https://example.com/base/".into())))
///     .build().unwrap();
/// let state = IdentityState { did_doc: Some(pack(&doc, Encoding::Json)), deleted_did: false,
///                             created_ms: 0, updated_ms: 0, doc_version: 1, version: 3 };
/// let url = format!("{did}?service=files&relativeRef=%2Fcv.pdf");
/// let r = dereference(&url, "local", Some(&DidHistory::single(&state)), &DereferencingOptions::default());
/// assert_eq!(r.endpoint_urls(), ["https://example.com/cv.pdf"]);
/// ```
pub fn dereference(
    url: &str,
    network: &str,
    history: Option<&DidHistory>,
    options: &DereferencingOptions,
) -> DereferencingResult {
    match dereference_inner(url, network, history, options) {
        Ok(r) => r,
        Err(e) => DereferencingResult::failed(e),
    }
}

/// Whether dereferencing `url` with `options` selects a version with
/// `versionId` or `versionTime` (in the options or the DID URL's query), so
/// that the identity's older versions are needed; without, the latest
/// object alone answers ([`DidHistory::single`]). `true` when the URL or
/// its options cannot be read: reading everything then reports the error
/// exactly as before.
pub fn selects_version(url: &str, options: &DereferencingOptions) -> bool {
    let Ok(parsed) = DidUrl::parse(url) else {
        return true;
    };
    let Ok(params) = parse_query(parsed.query()) else {
        return true;
    };
    merge_options(&options.resolution, &params.options)
        .map_or(true, |merged| merged.selects_version())
}

fn dereference_inner(
    input: &str,
    network: &str,
    history: Option<&DidHistory>,
    options: &DereferencingOptions,
) -> Result<DereferencingResult, ResolutionError> {
    let url = DidUrl::parse(input).map_err(|e| match e {
        DidError::MethodNotSupported { method } => ResolutionError::new(
            ErrorKind::MethodNotSupported,
            format!("this dereferencer reads did:movid DID URLs only, not did:{method}"),
        ),
        e => ResolutionError::new(
            ErrorKind::InvalidDidUrl,
            format!("`{input}` is not a valid DID URL: {e}"),
        ),
    })?;
    let params = parse_query(url.query())?;
    let resolution = merge_options(&options.resolution, &params.options)?;
    if params.relative_ref.is_some() && params.service.is_none() && params.service_type.is_none() {
        return Err(ResolutionError::new(
            ErrorKind::InvalidDidUrl,
            "relativeRef needs a service (or serviceType) parameter to select the endpoint",
        ));
    }
    let (resolved, metadata) = resolve_version(url.did(), network, history, &resolution)?;
    let Resolved::Live(doc) = resolved else {
        return Ok(DereferencingResult {
            dereferencing_metadata: DereferencingMetadata::default(),
            content_stream: None,
            content_metadata: metadata,
        });
    };
    if let Some(path) = url.path() {
        return Err(ResolutionError::new(
            ErrorKind::NotFound,
            format!("did:movid defines no DID paths; `{path}` names nothing"),
        ));
    }
    let accept = options.accept.as_deref();
    let (content, content_type) = if params.service.is_some() || params.service_type.is_some() {
        select_services(*doc, &params, url.fragment(), accept)?
    } else if let Some(fragment) = url.fragment() {
        fragment_content(&doc, fragment, accept)?
    } else {
        let (doc, representation) = represent(*doc, accept)?;
        (to_json(&doc), representation)
    };
    Ok(DereferencingResult {
        dereferencing_metadata: DereferencingMetadata {
            content_type: Some(content_type.media_type().to_owned()),
            error: None,
        },
        content_stream: Some(content),
        content_metadata: metadata,
    })
}

/// Splits the query into DID parameters, decoding `%`-escapes; a parameter
/// given twice makes the DID URL ambiguous.
fn parse_query(query: Option<&str>) -> Result<Params, ResolutionError> {
    let mut params = Params::default();
    let Some(query) = query else {
        return Ok(params);
    };
    let mut seen = std::collections::BTreeSet::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let bad = |what: &str| {
            ResolutionError::new(
                ErrorKind::InvalidDidUrl,
                format!("DID parameter `{pair}` has a malformed %-escape in its {what}"),
            )
        };
        let name = percent_decode(name).ok_or_else(|| bad("name"))?;
        let value = percent_decode(value).ok_or_else(|| bad("value"))?;
        if !seen.insert(name.clone()) {
            return Err(ResolutionError::new(
                ErrorKind::InvalidDidUrl,
                format!("DID parameter `{name}` is given twice; a DID URL names one value per parameter"),
            ));
        }
        match name.as_str() {
            "service" => params.service = Some(value),
            "serviceType" => params.service_type = Some(value),
            "relativeRef" => params.relative_ref = Some(value),
            _ => params.options.push((name, value)),
        }
    }
    Ok(params)
}

/// The resolution options with the DID URL's other parameters added.
fn merge_options(
    explicit: &ResolutionOptions,
    params: &[(String, String)],
) -> Result<ResolutionOptions, ResolutionError> {
    if params.is_empty() {
        return Ok(explicit.clone());
    }
    let from_url =
        ResolutionOptions::from_pairs(params.iter().map(|(n, v)| (n.as_str(), v.as_str())))?;
    let mut merged = serde_json::to_value(explicit).expect("options are JSON");
    let Value::Object(map) = &mut merged else {
        unreachable!("options serialize as an object")
    };
    let Value::Object(url_map) = serde_json::to_value(&from_url).expect("options are JSON") else {
        unreachable!("options serialize as an object")
    };
    for (name, value) in url_map {
        match map.get(&name) {
            Some(existing) if *existing != value => {
                return Err(ResolutionError::new(
                    ErrorKind::InvalidOptions,
                    format!(
                        "the DID URL says {name}={value} but the options say {existing}; give one"
                    ),
                ))
            }
            _ => {
                map.insert(name, value);
            }
        }
    }
    serde_json::from_value(merged)
        .map_err(|e| ResolutionError::new(ErrorKind::InvalidOptions, format!("bad option: {e}")))
}

/// The services `service`/`serviceType` select, as endpoint URLs or as the
/// document holding only them.
fn select_services(
    mut doc: DidDocument,
    params: &Params,
    fragment: Option<&str>,
    accept: Option<&str>,
) -> Result<(Value, Representation), ResolutionError> {
    let did = doc.id.clone();
    let selected: Vec<_> = doc
        .service
        .iter()
        .filter(|s| {
            // `service=files`, `#files` and the absolute ID name `<did>#files`.
            let id_ok = match &params.service {
                Some(w) => doc.service(w).is_some_and(|found| found.id == s.id),
                None => true,
            };
            let type_ok = match &params.service_type {
                Some(t) => s.service_type.iter().any(|st| st == t),
                None => true,
            };
            id_ok && type_ok
        })
        .cloned()
        .collect();
    if selected.is_empty() {
        let what = match (&params.service, &params.service_type) {
            (Some(s), Some(t)) => format!("service `{s}` of type `{t}`"),
            (Some(s), None) => format!("service `{s}`"),
            (None, Some(t)) => format!("service of type `{t}`"),
            (None, None) => unreachable!("a selector is given"),
        };
        return Err(ResolutionError::new(
            ErrorKind::NotFound,
            format!("the document of {did} has no {what}"),
        ));
    }
    let offered: &[Representation] = if params.relative_ref.is_some() {
        &[
            Representation::UriList,
            Representation::LdJson,
            Representation::Json,
        ]
    } else {
        &[
            Representation::LdJson,
            Representation::Json,
            Representation::UriList,
        ]
    };
    let representation = match accept {
        None if params.relative_ref.is_some() => Representation::UriList,
        None => represent(doc.clone(), None)?.1,
        Some(a) => negotiate(a, offered).ok_or_else(|| {
            ResolutionError::new(
                ErrorKind::RepresentationNotSupported,
                format!("cannot produce `{a}` for a service selection; ask for text/uri-list or a DID document type"),
            )
        })?,
    };
    if representation.is_document() {
        doc.service = selected;
        let (doc, representation) = represent(doc, Some(representation.media_type()))?;
        return Ok((to_json(&doc), representation));
    }
    let mut urls = Vec::new();
    for service in &selected {
        let endpoints: Vec<&str> = match &service.service_endpoint {
            ServiceEndpoint::Url(u) => vec![u.as_str()],
            ServiceEndpoint::Map(_) => vec![],
            ServiceEndpoint::Set(entries) => entries
                .iter()
                .filter_map(|e| match e {
                    ServiceEndpointEntry::Url(u) => Some(u.as_str()),
                    ServiceEndpointEntry::Map(_) => None,
                })
                .collect(),
        };
        for endpoint in endpoints {
            urls.push(endpoint_url(
                endpoint,
                params.relative_ref.as_deref(),
                fragment,
            )?);
        }
    }
    if urls.is_empty() {
        return Err(ResolutionError::new(
            ErrorKind::NotFound,
            "the selected services have no URL endpoints (only maps)",
        ));
    }
    let text: String = urls.iter().map(|u| format!("{u}\r\n")).collect();
    Ok((Value::String(text), Representation::UriList))
}

/// An endpoint URL with `relative_ref` resolved against it and `fragment`
/// appended.
fn endpoint_url(
    endpoint: &str,
    relative_ref: Option<&str>,
    fragment: Option<&str>,
) -> Result<String, ResolutionError> {
    let base = url::Url::parse(endpoint).map_err(|e| {
        ResolutionError::new(
            ErrorKind::InvalidDidDocument,
            format!("service endpoint `{endpoint}` is not a URL: {e}"),
        )
    })?;
    let mut resolved = match relative_ref {
        Some(r) => base.join(r).map_err(|e| {
            ResolutionError::new(
                ErrorKind::InvalidDidUrl,
                format!("relativeRef `{r}` does not resolve against `{endpoint}`: {e}"),
            )
        })?,
        None => base,
    };
    if let Some(f) = fragment {
        if resolved.fragment().is_some() {
            return Err(ResolutionError::new(
                ErrorKind::InvalidDidUrl,
                format!(
                    "the endpoint URL {resolved} has a fragment already; drop the DID URL's #{f}"
                ),
            ));
        }
        resolved.set_fragment(Some(f));
    }
    Ok(resolved.to_string())
}

/// The verification method or service a fragment names, as JSON with the
/// document's `@context` (in the JSON-LD representation).
fn fragment_content(
    doc: &DidDocument,
    fragment: &str,
    accept: Option<&str>,
) -> Result<(Value, Representation), ResolutionError> {
    let (_, representation) = represent(doc.clone(), accept)?;
    let mut node = if let Some(m) = doc.method(fragment) {
        to_json(m)
    } else if let Some(s) = doc.service(fragment) {
        to_json(s)
    } else {
        return Err(ResolutionError::new(
            ErrorKind::NotFound,
            format!(
                "the document of {} has no method or service #{fragment}",
                doc.id
            ),
        ));
    };
    if representation == Representation::LdJson {
        if let Value::Object(map) = &mut node {
            let mut with_context = Map::new();
            let context = match doc.context.as_slice() {
                [one] => one.clone(),
                many => Value::Array(many.to_vec()),
            };
            with_context.insert("@context".into(), context);
            with_context.extend(std::mem::take(map));
            *map = with_context;
        }
    }
    Ok((node, representation))
}

fn to_json<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).expect("document parts are JSON")
}

/// Decodes `%XX` escapes (UTF-8); `None` on a malformed escape or bytes
/// that are not UTF-8. `+` stays `+` (a DID URL is not a form).
pub fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

impl DereferencingResult {
    /// A failed dereferencing: no content, empty content metadata, `error`.
    pub fn failed(error: ResolutionError) -> DereferencingResult {
        DereferencingResult {
            dereferencing_metadata: DereferencingMetadata {
                content_type: None,
                error: Some(error),
            },
            content_stream: None,
            content_metadata: DidDocumentMetadata::default(),
        }
    }

    /// Why dereferencing failed, if it did.
    pub fn error(&self) -> Option<&ResolutionError> {
        self.dereferencing_metadata.error.as_ref()
    }

    /// The kind of error, if dereferencing failed.
    pub fn error_kind(&self) -> Option<ErrorKind> {
        self.error().map(|e| e.kind)
    }

    /// Whether the DID is deactivated in the resolved version.
    pub fn is_deactivated(&self) -> bool {
        self.content_metadata.deactivated == Some(true)
    }

    /// The media type of the content, if there is content.
    pub fn content_type(&self) -> Option<&str> {
        self.dereferencing_metadata.content_type.as_deref()
    }

    /// The selected endpoint URLs, when the content is a `text/uri-list`.
    pub fn endpoint_urls(&self) -> Vec<&str> {
        match (&self.content_stream, self.content_type()) {
            (Some(Value::String(text)), Some(super::CONTENT_TYPE_URI_LIST)) => {
                text.lines().filter(|l| !l.is_empty()).collect()
            }
            _ => vec![],
        }
    }

    /// The HTTP status of this whole result in the DID Resolution HTTP(S)
    /// binding: the error's, 410 for a deactivated DID, 200 otherwise (the
    /// binding answers 303 when it sends an endpoint URL alone).
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
    use crate::did::{
        pack, Did, Encoding, IdentityState, KeyFormat, PublicKey, Relationship, Service,
    };
    use serde_json::json;

    fn did() -> Did {
        Did::local([0x42; 32])
    }

    fn doc(files: &str) -> DidDocument {
        DidDocument::builder(did())
            .key(
                "key-1",
                PublicKey::Ed25519([1; 32]),
                KeyFormat::Multibase,
                &[Relationship::Authentication],
            )
            .service(Service::new(
                &did().join("files").unwrap(),
                "FileHosting",
                ServiceEndpoint::Url(files.into()),
            ))
            .service(Service::new(
                &did().join("hub").unwrap(),
                "Hub",
                ServiceEndpoint::Set(vec![
                    ServiceEndpointEntry::Url("https://a.example/x/".into()),
                    ServiceEndpointEntry::Map(Map::new()),
                    ServiceEndpointEntry::Url("https://b.example/".into()),
                ]),
            ))
            .build()
            .unwrap()
    }

    fn history() -> DidHistory {
        let s = |version, doc_version, updated_ms, d: &DidDocument| IdentityState {
            did_doc: Some(pack(d, Encoding::Json)),
            deleted_did: false,
            created_ms: 0,
            updated_ms,
            doc_version,
            version,
        };
        DidHistory::new(vec![
            s(2, 1, 0, &doc("https://old.example/files/")),
            s(5, 2, 10_000, &doc("https://new.example/files/")),
        ])
        .unwrap()
    }

    fn deref(url: &str, options: Value) -> DereferencingResult {
        dereference(
            url,
            "local",
            Some(&history()),
            &serde_json::from_value(options).unwrap(),
        )
    }

    #[test]
    fn a_bare_did_dereferences_to_its_document() {
        let r = deref(&did().to_string(), json!({}));
        assert_eq!(r.content_type(), Some("application/did+ld+json"));
        assert_eq!(
            r.content_stream.as_ref().unwrap()["id"],
            json!(did().to_string())
        );
        assert_eq!(r.content_metadata.version_id.as_deref(), Some("2"));
        assert_eq!(r.http_status(), 200);
    }

    #[test]
    fn a_fragment_dereferences_to_its_method_or_service() {
        let r = deref(&format!("{}#key-1", did()), json!({}));
        let m = r.content_stream.unwrap();
        assert_eq!(m["id"], json!(format!("{}#key-1", did())));
        assert_eq!(m["type"], json!("Multikey"));
        assert!(m["@context"].is_array() || m["@context"].is_string());
        let s = deref(
            &format!("{}#files", did()),
            json!({"accept": "application/did+json"}),
        );
        let s = s.content_stream.unwrap();
        assert_eq!(s["serviceEndpoint"], json!("https://new.example/files/"));
        assert!(s.get("@context").is_none());
        assert_eq!(
            deref(&format!("{}#nope", did()), json!({})).error_kind(),
            Some(ErrorKind::NotFound)
        );
    }

    #[test]
    fn service_and_relative_ref_give_the_endpoint_url() {
        let r = deref(
            &format!(
                "{}?service=files&relativeRef=%2Fcv%2Fme.pdf%3Fv%3D2#intro",
                did()
            ),
            json!({}),
        );
        assert_eq!(
            r.endpoint_urls(),
            ["https://new.example/cv/me.pdf?v=2#intro"]
        );
        assert_eq!(r.content_type(), Some("text/uri-list"));
        assert_eq!(r.http_status(), 200);
        let relative = deref(
            &format!("{}?service=files&relativeRef=a%2Fb.txt", did()),
            json!({}),
        );
        assert_eq!(
            relative.endpoint_urls(),
            ["https://new.example/files/a/b.txt"]
        );
        let set = deref(
            &format!("{}?serviceType=Hub&relativeRef=y", did()),
            json!({}),
        );
        assert_eq!(
            set.endpoint_urls(),
            ["https://a.example/x/y", "https://b.example/y"]
        );
        // The version parameters select the document the service is read from.
        let old = deref(
            &format!("{}?service=files&relativeRef=cv.pdf&versionId=1", did()),
            json!({}),
        );
        assert_eq!(old.endpoint_urls(), ["https://old.example/files/cv.pdf"]);
        assert_eq!(old.content_metadata.next_version_id.as_deref(), Some("2"));
        let as_doc = deref(
            &format!("{}?service=files&relativeRef=x", did()),
            json!({"accept": "application/did+ld+json"}),
        );
        let services = as_doc.content_stream.unwrap()["service"].clone();
        assert_eq!(services.as_array().unwrap().len(), 1);
        let no_ref = deref(&format!("{}?service=hub", did()), json!({}));
        assert_eq!(no_ref.content_type(), Some("application/did+ld+json"));
        let listed = deref(
            &format!("{}?service=hub", did()),
            json!({"accept": "text/uri-list"}),
        );
        assert_eq!(listed.endpoint_urls().len(), 2);
    }

    #[test]
    fn bad_dereferencing_requests_are_named() {
        let d = did();
        let cases = [
            (
                format!("{d}?service=nope&relativeRef=x"),
                json!({}),
                ErrorKind::NotFound,
            ),
            (
                format!("{d}?service=files&service=hub"),
                json!({}),
                ErrorKind::InvalidDidUrl,
            ),
            (
                format!("{d}?relativeRef=x"),
                json!({}),
                ErrorKind::InvalidDidUrl,
            ),
            (
                format!("{d}?service=files&relativeRef=%zz"),
                json!({}),
                ErrorKind::InvalidDidUrl,
            ),
            (format!("{d}?versionId=3"), json!({}), ErrorKind::NotFound),
            (
                format!("{d}?versionId=1"),
                json!({"versionId": "2"}),
                ErrorKind::InvalidOptions,
            ),
            (
                format!("{d}?transformKey=jwk"),
                json!({}),
                ErrorKind::FeatureNotSupported,
            ),
            (format!("{d}/whois"), json!({}), ErrorKind::NotFound),
            (
                format!("{d}?service=files"),
                json!({"accept": "application/xml"}),
                ErrorKind::RepresentationNotSupported,
            ),
            (
                "did:movid:local:0x12#x".to_string(),
                json!({}),
                ErrorKind::InvalidDidUrl,
            ),
            (
                "did:web:example.com#x".to_string(),
                json!({}),
                ErrorKind::MethodNotSupported,
            ),
        ];
        for (url, o, kind) in cases {
            let r = deref(&url, o.clone());
            assert_eq!(r.error_kind(), Some(kind), "{url} {o}");
            assert_eq!(r.content_stream, None);
            assert_eq!(r.content_metadata, DidDocumentMetadata::default());
            assert_eq!(r.http_status(), kind.http_status());
        }
        // The same versionId in the URL and the options agrees.
        let same = deref(&format!("{d}?versionId=1"), json!({"versionId": "1"}));
        assert_eq!(same.error(), None);
    }

    #[test]
    fn percent_escapes_decode_strictly() {
        assert_eq!(percent_decode("%2Fa%20b+c").as_deref(), Some("/a b+c"));
        assert_eq!(percent_decode("%e2%82%ac").as_deref(), Some("€"));
        assert_eq!(percent_decode("%2"), None);
        assert_eq!(percent_decode("%ff"), None);
        assert_eq!(percent_decode("%€x"), None);
    }
}
