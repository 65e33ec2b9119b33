//! The DID Resolution HTTP(S) binding, which is also the DIF Universal
//! Resolver driver interface: `GET /1.0/identifiers/{did-or-did-url}`.
//!
//! [`answer`] turns a request (the path after [`PATH_PREFIX`], the query,
//! the `Accept` header) into status, headers and body; the node serves it
//! through the runtime's route hook (`movid start`). What it answers:
//!
//! | request | status | `Content-Type` | body |
//! |---|---|---|---|
//! | a DID, `Accept` absent, `*/*` or `application/did-resolution` (or the legacy `application/ld+json;profile=…did-resolution`) | per result | `application/did-resolution` | the resolution result |
//! | a DID, `Accept: application/did+ld+json` / `did+json` | 200 | that type | the document |
//! | a DID, `Accept: application/did-url-dereferencing` | per result | that type | the dereferencing result |
//! | a DID URL, `Accept` absent, `*/*` or `application/did-url-dereferencing` | per result | `application/did-url-dereferencing` | the dereferencing result |
//! | a DID URL, `Accept` a document type | 200 | that type | the content (document, method, service) |
//! | a DID URL with `service`, `Accept: text/uri-list` | 303, `Location` | | empty |
//! | any failure or a deactivated DID when the content alone was asked for | per result | the result type | the whole result |
//!
//! Status per result: 200; 410 deactivated; 400 `INVALID_DID`,
//! `INVALID_DID_URL`, `INVALID_OPTIONS`; 404 `NOT_FOUND`; 406
//! `REPRESENTATION_NOT_SUPPORTED`; 500 `INVALID_DID_DOCUMENT`,
//! `INTERNAL_ERROR`; 501 `METHOD_NOT_SUPPORTED`, `FEATURE_NOT_SUPPORTED`.
//!
//! The identifier may be sent as it is (`/1.0/identifiers/did:movid:…?versionId=4`:
//! the HTTP query is the DID URL's query) or URL-encoded
//! (`/1.0/identifiers/did%3Amovid%3A…?versionId=4`: the HTTP query holds
//! resolution options), as the binding says.
//! A DID URL whose only parameters are `versionId`/`versionTime` is resolved
//! with them as options.

use serde::Serialize;

use crate::client::Client;
use crate::did::{
    self, negotiate, percent_decode, DereferencingOptions, DereferencingResult, DidUrl, ErrorKind,
    Representation, ResolutionError, ResolutionOptions, ResolutionResult,
};

/// The path under which the binding serves.
pub const PATH_PREFIX: &str = "/1.0/identifiers/";

/// An HTTP answer: status, headers and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpAnswer {
    /// The status code.
    pub status: u16,
    /// The `Content-Type`, if there is a body.
    pub content_type: Option<String>,
    /// The `Location` of a 303 redirect to a service endpoint.
    pub location: Option<String>,
    /// The body.
    pub body: Vec<u8>,
}

/// What the request asks for.
enum Request {
    /// A DID (or a DID URL that only selects a version: `url`), with options.
    Resolve {
        did: String,
        url: String,
        options: ResolutionOptions,
    },
    /// Any other DID URL.
    Dereference {
        url: String,
        options: DereferencingOptions,
    },
}

/// Answers `GET {PATH_PREFIX}{identifier}?{query}` with `Accept: {accept}`
/// from `client`'s chain. `identifier` and `query` are as sent (still
/// `%`-encoded).
pub async fn answer(
    client: &dyn Client,
    identifier: &str,
    query: Option<&str>,
    accept: Option<&str>,
) -> HttpAnswer {
    if let Some(a) = crate::identity::credentials::answer(client, identifier).await {
        return a;
    }
    let request = match parse_request(identifier, query) {
        Ok(r) => r,
        Err(e) => return whole_resolution(&ResolutionResult::failed(e)),
    };
    match request {
        Request::Resolve { did, url, options } => {
            let offered = [
                Representation::ResolutionResult,
                Representation::LdJson,
                Representation::Json,
                Representation::DereferencingResult,
            ];
            let chosen = match accept {
                None => Representation::ResolutionResult,
                Some(a) => match negotiate(a, &offered) {
                    Some(r) => r,
                    None => return whole_resolution(&ResolutionResult::failed(not_acceptable(a))),
                },
            };
            if chosen == Representation::DereferencingResult {
                let options = DereferencingOptions {
                    accept: None,
                    resolution: options,
                };
                return dereferencing_answer(client, &url, options, chosen).await;
            }
            resolution_answer(client, &did, options, chosen).await
        }
        Request::Dereference { url, options } => {
            let offered = [
                Representation::DereferencingResult,
                Representation::LdJson,
                Representation::Json,
                Representation::UriList,
            ];
            let chosen = match accept {
                None => Representation::DereferencingResult,
                Some(a) => match negotiate(a, &offered) {
                    Some(r) => r,
                    None => {
                        return whole_dereferencing(&DereferencingResult::failed(not_acceptable(a)))
                    }
                },
            };
            dereferencing_answer(client, &url, options, chosen).await
        }
    }
}

/// Resolves `did` and answers with the whole result or, when a document
/// type was chosen and resolution succeeded, the document alone.
async fn resolution_answer(
    client: &dyn Client,
    did: &str,
    mut options: ResolutionOptions,
    chosen: Representation,
) -> HttpAnswer {
    if chosen.is_document() {
        options.accept = Some(chosen.media_type().to_owned());
    }
    let result = match crate::resolver::resolve_with(client, did, &options).await {
        Ok(r) => r,
        Err(e) => ResolutionResult::failed(internal(e)),
    };
    match (&result.did_document, chosen.is_document()) {
        (Some(doc), true) => HttpAnswer {
            status: 200,
            content_type: result.did_resolution_metadata.content_type.clone(),
            location: None,
            body: json_body(doc),
        },
        _ => whole_resolution(&result),
    }
}

/// Dereferences `url` and answers with the whole result, the content alone,
/// or a redirect to the selected endpoint URL.
async fn dereferencing_answer(
    client: &dyn Client,
    url: &str,
    mut options: DereferencingOptions,
    chosen: Representation,
) -> HttpAnswer {
    if chosen != Representation::DereferencingResult {
        options.accept = Some(chosen.media_type().to_owned());
    }
    let result = match crate::resolver::dereference(client, url, &options).await {
        Ok(r) => r,
        Err(e) => DereferencingResult::failed(internal(e)),
    };
    let content_only = chosen != Representation::DereferencingResult
        && result.error().is_none()
        && !result.is_deactivated();
    if !content_only {
        return whole_dereferencing(&result);
    }
    if let Some(first) = result.endpoint_urls().first() {
        return HttpAnswer {
            status: 303,
            content_type: None,
            location: Some((*first).to_owned()),
            body: vec![],
        };
    }
    HttpAnswer {
        status: 200,
        content_type: result.content_type().map(str::to_owned),
        location: None,
        body: result
            .content_stream
            .as_ref()
            .map(json_body)
            .unwrap_or_default(),
    }
}

/// Splits the request into a resolution or a dereferencing, with options.
fn parse_request(identifier: &str, query: Option<&str>) -> Result<Request, ResolutionError> {
    let decoded = percent_decode(identifier).ok_or_else(|| {
        ResolutionError::new(
            ErrorKind::InvalidDid,
            format!("`{identifier}` has a malformed %-escape"),
        )
    })?;
    // An encoded identifier (`did%3Amovid...`) leaves the HTTP query to the
    // options; one sent as it is carries its DID URL query in it.
    let encoded = identifier.contains('%');
    let (target, option_pairs) = match query.filter(|q| !q.is_empty()) {
        Some(q) if encoded => (decoded, Some(q)),
        Some(q) => (format!("{decoded}?{q}"), None),
        None => (decoded, None),
    };
    let mut pairs = Vec::new();
    if let Some(q) = option_pairs {
        for pair in q.split('&').filter(|p| !p.is_empty()) {
            let (n, v) = pair.split_once('=').unwrap_or((pair, ""));
            let bad = || {
                ResolutionError::new(
                    ErrorKind::InvalidOptions,
                    format!("option `{pair}` has a malformed %-escape"),
                )
            };
            pairs.push((
                percent_decode(n).ok_or_else(bad)?,
                percent_decode(v).ok_or_else(bad)?,
            ));
        }
    }
    let options =
        ResolutionOptions::from_pairs(pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())))?;
    let plain_did = !target.contains(['/', '?', '#']);
    if plain_did {
        return Ok(Request::Resolve {
            url: target.clone(),
            did: target,
            options,
        });
    }
    // A DID URL that only selects a version is a resolution with options.
    if let Ok(url) = DidUrl::parse(&target) {
        let version_only = url.path().is_none()
            && url.fragment().is_none()
            && url.query().is_some_and(|q| {
                q.split('&')
                    .all(|p| p.starts_with("versionId=") || p.starts_with("versionTime="))
            });
        if version_only {
            let query = url.query().unwrap_or_default();
            let mut names = std::collections::BTreeSet::new();
            let mut merged = serde_json::to_value(&options).expect("options are JSON");
            for p in query.split('&') {
                let (n, v) = p.split_once('=').expect("checked above");
                let v = percent_decode(v).ok_or_else(|| {
                    ResolutionError::new(
                        ErrorKind::InvalidDidUrl,
                        format!("`{p}` has a malformed %-escape"),
                    )
                })?;
                let existing = merged.get(n).cloned();
                if !names.insert(n)
                    || existing.is_some_and(|e| e != serde_json::Value::String(v.clone()))
                {
                    return Err(ResolutionError::new(
                        ErrorKind::InvalidDidUrl,
                        format!("`{n}` is given twice (in the DID URL or its options)"),
                    ));
                }
                merged[n] = serde_json::Value::String(v);
            }
            let options = serde_json::from_value(merged).map_err(|e| {
                ResolutionError::new(ErrorKind::InvalidOptions, format!("bad option: {e}"))
            })?;
            return Ok(Request::Resolve {
                did: url.did().to_string(),
                url: target,
                options,
            });
        }
    }
    Ok(Request::Dereference {
        url: target,
        options: DereferencingOptions {
            accept: None,
            resolution: options,
        },
    })
}

fn not_acceptable(accept: &str) -> ResolutionError {
    ResolutionError::new(
        ErrorKind::RepresentationNotSupported,
        format!(
            "cannot answer `Accept: {accept}`; ask for {}, {}, {} or {}",
            did::CONTENT_TYPE_DID_RESOLUTION,
            did::CONTENT_TYPE_DID_URL_DEREFERENCING,
            did::CONTENT_TYPE_DID_LD_JSON,
            did::CONTENT_TYPE_DID_JSON
        ),
    )
}

pub(crate) fn internal(e: crate::SdkError) -> ResolutionError {
    ResolutionError::new(
        ErrorKind::InternalError,
        format!("the chain could not be read: {e}"),
    )
}

fn json_body<T: Serialize + ?Sized>(v: &T) -> Vec<u8> {
    serde_json::to_vec_pretty(v).expect("results are JSON")
}

pub(crate) fn whole_resolution(result: &ResolutionResult) -> HttpAnswer {
    HttpAnswer {
        status: result.http_status(),
        content_type: Some(did::CONTENT_TYPE_DID_RESOLUTION.to_owned()),
        location: None,
        body: json_body(result),
    }
}

fn whole_dereferencing(result: &DereferencingResult) -> HttpAnswer {
    HttpAnswer {
        status: result.http_status(),
        content_type: Some(did::CONTENT_TYPE_DID_URL_DEREFERENCING.to_owned()),
        location: None,
        body: json_body(result),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::InProcessClient;
    use crate::did::{Did, KeyFormat, PublicKey, Relationship, Service, ServiceEndpoint};
    use crate::IdentityClient;
    use serde_json::Value;
    use std::sync::Arc;

    async fn fixture() -> (Arc<dyn Client>, Did) {
        let client: Arc<dyn Client> = Arc::new(InProcessClient::new_dev().unwrap());
        let key = movid_runtime::genesis::dev_keys(1).remove(0);
        let did0 = Did::local([0; 32]);
        let doc = crate::did::DidDocument::builder(did0.clone())
            .key(
                "key-1",
                PublicKey::Ed25519([1; 32]),
                KeyFormat::Multibase,
                &[Relationship::Authentication],
            )
            .service(Service::new(
                &did0.join("files").unwrap(),
                "FileHosting",
                ServiceEndpoint::Url("https://files.example/".into()),
            ))
            .build()
            .unwrap();
        let ids = IdentityClient::new(client.clone());
        let identity = ids
            .create_identity()
            .document(&doc)
            .execute(&key)
            .await
            .unwrap();
        (client, identity.did)
    }

    fn body(a: &HttpAnswer) -> Value {
        serde_json::from_slice(&a.body).unwrap()
    }

    #[tokio::test]
    async fn the_binding_answers_with_the_drafts_statuses_and_types() {
        let (client, did) = fixture().await;
        let c = &*client;
        let d = did.to_string();
        let full = answer(c, &d, None, None).await;
        assert_eq!(
            (full.status, full.content_type.as_deref()),
            (200, Some("application/did-resolution"))
        );
        assert_eq!(body(&full)["didDocument"]["id"], Value::String(d.clone()));
        let doc = answer(c, &d, None, Some("application/did+ld+json")).await;
        assert_eq!(
            (doc.status, doc.content_type.as_deref()),
            (200, Some("application/did+ld+json"))
        );
        assert_eq!(body(&doc)["id"], Value::String(d.clone()));
        let legacy = answer(
            c,
            &d,
            None,
            Some(r#"application/ld+json;profile="https://w3id.org/did-resolution""#),
        )
        .await;
        assert_eq!(
            legacy.content_type.as_deref(),
            Some("application/did-resolution")
        );

        assert_eq!(
            answer(c, &d, None, Some("application/xml")).await.status,
            406
        );
        assert_eq!(
            answer(c, "did:movid:local:0x12", None, None).await.status,
            400
        );
        assert_eq!(
            answer(c, "did:web:example.com", None, None).await.status,
            501
        );
        assert_eq!(
            answer(c, &Did::local([9; 32]).to_string(), None, None)
                .await
                .status,
            404
        );
        assert_eq!(answer(c, &d, Some("versionId=99"), None).await.status, 404);
        assert_eq!(
            answer(c, &d, Some("versionId=1&versionId=2"), None)
                .await
                .status,
            400
        );
        let encoded = d.replace(':', "%3A");
        assert_eq!(
            answer(c, &encoded, Some("transform=x"), None).await.status,
            501
        );
        assert_eq!(
            answer(c, &encoded, Some("versionTime=never"), None)
                .await
                .status,
            400
        );
        let v = body(&full)["didDocumentMetadata"]["versionId"]
            .as_str()
            .unwrap()
            .to_owned();
        let deref = answer(
            c,
            &d,
            Some(&format!("versionId={v}")),
            Some("application/did-url-dereferencing"),
        )
        .await;
        assert_eq!(
            (deref.status, deref.content_type.as_deref()),
            (200, Some("application/did-url-dereferencing"))
        );
        assert_eq!(
            body(&deref)["contentMetadata"]["versionId"],
            Value::String(v.clone())
        );
        let by_version = answer(
            c,
            &encoded,
            Some(&format!("versionId={v}")),
            Some("application/did+json"),
        )
        .await;
        assert_eq!(
            (by_version.status, by_version.content_type.as_deref()),
            (200, Some("application/did+json"))
        );

        let method = answer(
            c,
            &format!("{}%23key-1", encoded),
            None,
            Some("application/did+ld+json"),
        )
        .await;
        assert_eq!(method.status, 200);
        assert_eq!(body(&method)["type"], "Multikey");
        let redirect = answer(
            c,
            &d,
            Some("service=files&relativeRef=%2Fcv.pdf"),
            Some("text/uri-list"),
        )
        .await;
        assert_eq!(
            (redirect.status, redirect.location.as_deref()),
            (303, Some("https://files.example/cv.pdf"))
        );
        let full_deref = answer(c, &d, Some("service=files&relativeRef=%2Fcv.pdf"), None).await;
        assert_eq!(
            full_deref.content_type.as_deref(),
            Some("application/did-url-dereferencing")
        );
        assert_eq!(
            body(&full_deref)["contentStream"],
            "https://files.example/cv.pdf\r\n"
        );
        assert_eq!(
            answer(c, &format!("{d}%23nope"), None, None).await.status,
            404
        );
    }
}
