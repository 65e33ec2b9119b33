//! The checks a DID document passes before it goes on chain
//! ([`DidDocument::validate_for_chain`]) and the JSON-LD contexts its terms
//! need ([`DidDocument::complete_contexts`]).
//!
//! movid knows the terms of a few contexts (the table [`KNOWN_CONTEXTS`]).
//! A document whose contexts are all known must have every verification
//! method type, key property and extra property defined by one of them:
//! `Multikey` with only `https://www.w3.org/ns/did/v1` is refused (add the
//! Multikey context or use DID v1.1). A document that also lists a context
//! movid does not know (a URL or an inline object) may define anything
//! there, so its terms are not checked.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::Value;

use super::{
    DidDocument, DidError, Jwk, MethodRef, Service, ServiceEndpoint, ServiceEndpointEntry,
    VerificationMethod,
};
use super::{DID_CONTEXT_V1, JSON_WEB_KEY_TYPE, MULTIKEY_TYPE};

/// The JSON-LD context of DID v1.1 (defines `Multikey`, `JsonWebKey` and both key properties).
pub const DID_CONTEXT_V1_1: &str = "https://www.w3.org/ns/did/v1.1";
/// The Multikey context (`Multikey`, `publicKeyMultibase`).
pub const MULTIKEY_CONTEXT: &str = "https://w3id.org/security/multikey/v1";
/// The JSON Web Signature 2020 context (`JsonWebKey2020`, `publicKeyJwk`).
pub const JWS_2020_CONTEXT: &str = "https://w3id.org/security/suites/jws-2020/v1";
/// The Ed25519 2020 suite context.
pub const ED25519_2020_CONTEXT: &str = "https://w3id.org/security/suites/ed25519-2020/v1";
/// The X25519 2020 suite context.
pub const X25519_2020_CONTEXT: &str = "https://w3id.org/security/suites/x25519-2020/v1";

/// The contexts movid knows, with the verification-method terms each defines.
pub const KNOWN_CONTEXTS: &[(&str, &[&str])] = &[
    (DID_CONTEXT_V1, &[]),
    (
        DID_CONTEXT_V1_1,
        &[
            "Multikey",
            "JsonWebKey",
            "publicKeyMultibase",
            "publicKeyJwk",
        ],
    ),
    (
        MULTIKEY_CONTEXT,
        &["Multikey", "publicKeyMultibase", "revoked", "expires"],
    ),
    (JWS_2020_CONTEXT, &["JsonWebKey2020", "publicKeyJwk"]),
    (
        ED25519_2020_CONTEXT,
        &[
            "Ed25519VerificationKey2020",
            "publicKeyMultibase",
            "revoked",
        ],
    ),
    (
        X25519_2020_CONTEXT,
        &["X25519KeyAgreementKey2020", "publicKeyMultibase", "revoked"],
    ),
];

/// Multicodec public key types accepted in a `Multikey`: name, varint
/// prefix, key length.
const MULTICODEC_KEYS: &[(&str, &[u8], usize)] = &[
    ("ed25519-pub", &[0xed, 0x01], 32),
    ("x25519-pub", &[0xec, 0x01], 32),
    ("secp256k1-pub", &[0xe7, 0x01], 33),
    ("p256-pub", &[0x80, 0x24], 33),
    ("p384-pub", &[0x81, 0x24], 49),
    ("bls12_381-g2-pub", &[0xeb, 0x01], 96),
];

/// JWK members that hold private key material.
const PRIVATE_JWK_MEMBERS: &[&str] = &["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

impl DidDocument {
    /// Checks everything a document must satisfy to be stored: the
    /// structure ([`DidDocument::validate`]), every verification method
    /// (a DID URL ID, a DID controller, exactly one well-formed public key:
    /// base58btc multibase of a known multicodec key, or a public JWK), every
    /// service (URI ID, a type, URL endpoints), the controllers, and contexts
    /// covering every term used.
    pub fn validate_for_chain(&self) -> Result<(), DidError> {
        self.validate()?;
        self.check_contexts()?;
        for c in &self.controller {
            if !is_did(c) {
                return Err(DidError::InvalidDocumentEntry {
                    entry: "controller".into(),
                    reason: format!("`{c}` is not a DID"),
                });
            }
        }
        for m in self.methods_everywhere() {
            check_method(m)?;
        }
        for s in &self.service {
            check_service(s)?;
        }
        Ok(())
    }

    /// Adds the context each known verification method type needs and no
    /// context of the document defines yet (Multikey, JsonWebKey2020, the
    /// 2020 suites).
    pub fn complete_contexts(&mut self) {
        let needed: Vec<&'static str> = self
            .methods_everywhere()
            .filter_map(|m| default_context(&m.method_type))
            .collect();
        for context in needed {
            let term = match context {
                MULTIKEY_CONTEXT => MULTIKEY_TYPE,
                JWS_2020_CONTEXT => JSON_WEB_KEY_TYPE,
                ED25519_2020_CONTEXT => "Ed25519VerificationKey2020",
                _ => "X25519KeyAgreementKey2020",
            };
            if !self.defines(term) {
                self.context.push(Value::String(context.to_owned()));
            }
        }
    }

    fn methods_everywhere(&self) -> impl Iterator<Item = &VerificationMethod> {
        let relationships = [
            &self.authentication,
            &self.assertion_method,
            &self.key_agreement,
            &self.capability_invocation,
            &self.capability_delegation,
        ];
        self.verification_method
            .iter()
            .chain(relationships.into_iter().flatten().filter_map(|r| match r {
                MethodRef::Embedded(m) => Some(m),
                MethodRef::Reference(_) => None,
            }))
    }

    /// Whether a context of the document may define `term`: a known one
    /// that does, or any context movid does not know.
    fn defines(&self, term: &str) -> bool {
        self.context.iter().any(|c| match c {
            Value::String(url) => match KNOWN_CONTEXTS.iter().find(|(u, _)| u == url) {
                Some((_, terms)) => terms.contains(&term),
                None => true,
            },
            _ => true,
        })
    }

    fn check_contexts(&self) -> Result<(), DidError> {
        let first = self.context.first().and_then(Value::as_str);
        if first != Some(DID_CONTEXT_V1) && first != Some(DID_CONTEXT_V1_1) {
            return Err(DidError::InvalidDocumentEntry {
                entry: "@context".into(),
                reason: format!("the first context must be {DID_CONTEXT_V1} or {DID_CONTEXT_V1_1}"),
            });
        }
        let missing = |term: &str| DidError::UndefinedTerm {
            term: term.to_owned(),
            contexts: KNOWN_CONTEXTS
                .iter()
                .filter(|(_, terms)| terms.contains(&term))
                .map(|(u, _)| (*u).to_owned())
                .collect(),
        };
        for m in self.methods_everywhere() {
            let mut terms = vec![m.method_type.as_str()];
            if m.public_key_multibase.is_some() {
                terms.push("publicKeyMultibase");
            }
            if m.public_key_jwk.is_some() {
                terms.push("publicKeyJwk");
            }
            terms.extend(m.properties.keys().map(String::as_str));
            if let Some(t) = terms.into_iter().find(|t| !self.defines(t)) {
                return Err(missing(t));
            }
        }
        let extra = self
            .properties
            .keys()
            .chain(self.service.iter().flat_map(|s| s.properties.keys()));
        for term in extra {
            if !self.defines(term) {
                return Err(missing(term));
            }
        }
        Ok(())
    }
}

/// The context movid adds for a verification method type, if it knows one.
fn default_context(method_type: &str) -> Option<&'static str> {
    match method_type {
        MULTIKEY_TYPE => Some(MULTIKEY_CONTEXT),
        JSON_WEB_KEY_TYPE => Some(JWS_2020_CONTEXT),
        "Ed25519VerificationKey2020" => Some(ED25519_2020_CONTEXT),
        "X25519KeyAgreementKey2020" => Some(X25519_2020_CONTEXT),
        _ => None,
    }
}

fn check_method(m: &VerificationMethod) -> Result<(), DidError> {
    let bad = |reason: String| DidError::InvalidKey {
        method: m.id.clone(),
        reason,
    };
    let id_ok = m.id.starts_with('#') && m.id.len() > 1
        || m.id
            .split_once('#')
            .is_some_and(|(did, f)| is_did(did) && !f.is_empty());
    if !id_ok {
        return Err(bad(
            "its id must be a DID URL with a fragment (`<did>#key-1` or `#key-1`)".into(),
        ));
    }
    if m.method_type.is_empty() {
        return Err(bad("it has no type".into()));
    }
    if !is_did(&m.controller) {
        return Err(bad(format!(
            "its controller `{}` is not a DID",
            m.controller
        )));
    }
    match (&m.public_key_multibase, &m.public_key_jwk) {
        (Some(_), Some(_)) => Err(bad(
            "it has both publicKeyJwk and publicKeyMultibase; keep one".into(),
        )),
        (None, None) => Err(bad(
            "it has no public key (publicKeyMultibase or publicKeyJwk)".into(),
        )),
        (Some(mb), None) => {
            if matches!(m.method_type.as_str(), "JsonWebKey" | JSON_WEB_KEY_TYPE) {
                return Err(bad(format!(
                    "a {} holds publicKeyJwk, not publicKeyMultibase",
                    m.method_type
                )));
            }
            let (codec, _) = decode_multikey(mb).map_err(bad)?;
            let expected = match m.method_type.as_str() {
                "Ed25519VerificationKey2020" => Some("ed25519-pub"),
                "X25519KeyAgreementKey2020" => Some("x25519-pub"),
                _ => None,
            };
            match expected {
                Some(e) if e != codec => Err(bad(format!(
                    "a {} holds an {e} key, not {codec}",
                    m.method_type
                ))),
                _ => Ok(()),
            }
        }
        (None, Some(jwk)) => {
            if m.method_type == MULTIKEY_TYPE {
                return Err(bad(
                    "a Multikey holds publicKeyMultibase, not publicKeyJwk".into()
                ));
            }
            check_jwk(jwk).map_err(bad)
        }
    }
}

/// Decodes a `publicKeyMultibase`: base58btc (`z...`) of a known multicodec
/// public key of the right length; returns the codec name and key bytes.
pub fn decode_multikey(value: &str) -> Result<(&'static str, Vec<u8>), String> {
    let Some(b58) = value.strip_prefix('z') else {
        return Err(format!(
            "publicKeyMultibase `{value}` is not base58btc multibase (it must start with `z`)"
        ));
    };
    let bytes = bs58::decode(b58)
        .into_vec()
        .map_err(|e| format!("publicKeyMultibase `{value}` is not base58btc: {e}"))?;
    for (name, prefix, len) in MULTICODEC_KEYS {
        if let Some(key) = bytes.strip_prefix(*prefix) {
            if key.len() != *len {
                return Err(format!(
                    "publicKeyMultibase holds a {}-byte {name} key; expected {len} bytes",
                    key.len()
                ));
            }
            return Ok((name, key.to_vec()));
        }
    }
    Err(format!(
        "publicKeyMultibase `{value}` is not a known multicodec public key ({})",
        MULTICODEC_KEYS
            .iter()
            .map(|(n, _, _)| *n)
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

fn check_jwk(jwk: &Jwk) -> Result<(), String> {
    if let Some(member) = PRIVATE_JWK_MEMBERS
        .iter()
        .find(|m| jwk.properties.contains_key(**m))
    {
        return Err(format!(
            "its JWK holds private key material (`{member}`); publish only the public key"
        ));
    }
    let b64 = |name: &str, value: Option<&str>, len: Option<usize>| -> Result<(), String> {
        let value = value.ok_or_else(|| format!("its {} JWK has no `{name}`", jwk.kty))?;
        let bytes = URL_SAFE_NO_PAD
            .decode(value)
            .map_err(|e| format!("JWK `{name}` is not base64url without padding: {e}"))?;
        match len {
            Some(len) if bytes.len() != len => Err(format!(
                "JWK `{name}` has {} bytes; a {} key has {len}",
                bytes.len(),
                jwk.crv
            )),
            _ => Ok(()),
        }
    };
    let member = |name: &str| jwk.properties.get(name).and_then(Value::as_str);
    let x = (!jwk.x.is_empty()).then_some(jwk.x.as_str());
    match jwk.kty.as_str() {
        "OKP" => {
            let len = match jwk.crv.as_str() {
                "Ed25519" | "X25519" => 32,
                "Ed448" => 57,
                "X448" => 56,
                crv => {
                    return Err(format!(
                        "OKP curve `{crv}` is not one of Ed25519, X25519, Ed448, X448"
                    ))
                }
            };
            b64("x", x, Some(len))
        }
        "EC" => {
            let len = match jwk.crv.as_str() {
                "P-256" | "secp256k1" => 32,
                "P-384" => 48,
                "P-521" => 66,
                crv => {
                    return Err(format!(
                        "EC curve `{crv}` is not one of P-256, P-384, P-521, secp256k1"
                    ))
                }
            };
            b64("x", x, Some(len))?;
            b64("y", member("y"), Some(len))
        }
        "RSA" => {
            b64("n", member("n"), None)?;
            b64("e", member("e"), None)
        }
        kty => Err(format!(
            "JWK key type `{kty}` is not a public key type (OKP, EC or RSA)"
        )),
    }
}

fn check_service(s: &Service) -> Result<(), DidError> {
    let bad = |reason: String| DidError::InvalidDocumentEntry {
        entry: format!("service {}", s.id),
        reason,
    };
    let id_ok = (s.id.starts_with('#') && s.id.len() > 1) || has_scheme(&s.id);
    if !id_ok {
        return Err(bad(
            "its id must be a URI (`<did>#files` or `#files`)".into()
        ));
    }
    if s.service_type.is_empty() || s.service_type.iter().any(String::is_empty) {
        return Err(bad("it needs a non-empty type".into()));
    }
    let url = |u: &str| -> Result<(), DidError> {
        url::Url::parse(u)
            .map(|_| ())
            .map_err(|e| bad(format!("endpoint `{u}` is not a URL: {e}")))
    };
    match &s.service_endpoint {
        ServiceEndpoint::Url(u) => url(u),
        ServiceEndpoint::Map(_) => Ok(()),
        ServiceEndpoint::Set(entries) if entries.is_empty() => {
            Err(bad("its endpoint set is empty".into()))
        }
        ServiceEndpoint::Set(entries) => entries.iter().try_for_each(|e| match e {
            ServiceEndpointEntry::Url(u) => url(u),
            ServiceEndpointEntry::Map(_) => Ok(()),
        }),
    }
}

fn has_scheme(s: &str) -> bool {
    s.split_once(':').is_some_and(|(scheme, rest)| {
        !rest.is_empty()
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    })
}

/// Whether `s` follows the generic DID syntax of DID Core §3.1:
/// `did:<method>:<method-specific-id>` (any method).
pub fn is_did(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("did:") else {
        return false;
    };
    let Some((method, id)) = rest.split_once(':') else {
        return false;
    };
    let idchar = |c: u8| c.is_ascii_alphanumeric() || b".-_:%".contains(&c);
    !method.is_empty()
        && method
            .bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && !id.is_empty()
        && !id.ends_with(':')
        && id.bytes().all(idchar)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::did::{Did, KeyFormat, PublicKey, Relationship};
    use serde_json::json;

    fn did() -> Did {
        Did::local([0x21; 32])
    }

    fn good() -> DidDocument {
        DidDocument::builder(did())
            .key(
                "key-1",
                PublicKey::Ed25519([1; 32]),
                KeyFormat::Multibase,
                &[Relationship::Authentication],
            )
            .key(
                "key-2",
                PublicKey::X25519([2; 32]),
                KeyFormat::Jwk,
                &[Relationship::KeyAgreement],
            )
            .service(Service::new(
                &did().join("web").unwrap(),
                "LinkedDomains",
                ServiceEndpoint::Url("https://example.org".into()),
            ))
            .build()
            .unwrap()
    }

    fn with_method(edit: impl FnOnce(&mut VerificationMethod)) -> DidDocument {
        let mut doc = good();
        edit(&mut doc.verification_method[0]);
        doc
    }

    #[test]
    fn built_documents_carry_the_contexts_of_their_terms_and_pass() {
        let doc = good();
        assert_eq!(
            doc.context,
            [
                json!(DID_CONTEXT_V1),
                json!(MULTIKEY_CONTEXT),
                json!(JWS_2020_CONTEXT)
            ]
        );
        doc.validate_for_chain().unwrap();
    }

    #[test]
    fn multikey_without_its_context_is_refused() {
        let mut doc = good();
        doc.context = vec![json!(DID_CONTEXT_V1), json!(JWS_2020_CONTEXT)];
        assert!(matches!(
            doc.validate_for_chain(),
            Err(DidError::UndefinedTerm { ref term, .. }) if term == "Multikey"
        ));
        doc.context = vec![json!(DID_CONTEXT_V1_1)];
        // DID v1.1 defines Multikey but not JsonWebKey2020.
        assert!(matches!(
            doc.validate_for_chain(),
            Err(DidError::UndefinedTerm { ref term, .. }) if term == "JsonWebKey2020"
        ));
        doc.context.push(json!({"@vocab": "https://example.com/#"}));
        doc.validate_for_chain().unwrap();
        doc.context = vec![json!(MULTIKEY_CONTEXT)];
        assert!(matches!(
            doc.validate_for_chain(),
            Err(DidError::InvalidDocumentEntry { .. })
        ));
    }

    #[test]
    fn undefined_extra_properties_are_refused() {
        let mut doc = good();
        doc.properties.insert("nickname".into(), json!("alice"));
        assert!(matches!(
            doc.validate_for_chain(),
            Err(DidError::UndefinedTerm { .. })
        ));
        doc.context.push(json!("https://example.com/my-context/v1"));
        doc.validate_for_chain().unwrap();
    }

    #[test]
    fn a_multibase_key_that_is_not_base58btc_is_refused() {
        for bad in ["z0OIl", "m7QEBAQE", "zQmNotAKey", "z6Mk", ""] {
            let doc = with_method(|m| m.public_key_multibase = Some(bad.into()));
            assert!(
                matches!(doc.validate_for_chain(), Err(DidError::InvalidKey { .. })),
                "{bad}"
            );
        }
        // A P-256 Multikey is a known multicodec key.
        let mut p256 = vec![0x80, 0x24, 0x02];
        p256.extend([7u8; 32]);
        let doc = with_method(|m| {
            m.public_key_multibase = Some(format!("z{}", bs58::encode(p256).into_string()))
        });
        doc.validate_for_chain().unwrap();
    }

    #[test]
    fn malformed_methods_are_refused() {
        type Edit = Box<dyn Fn(&mut VerificationMethod)>;
        let cases: Vec<Edit> = vec![
            Box::new(|m| m.public_key_jwk = Some(PublicKey::Ed25519([1; 32]).to_jwk())),
            Box::new(|m| m.public_key_multibase = None),
            Box::new(|m| m.controller = "alice".into()),
            Box::new(|m| m.id = "key-1".into()),
            Box::new(|m| m.method_type = String::new()),
            Box::new(|m| m.method_type = "Ed25519VerificationKey2020".into()),
        ];
        for (i, edit) in cases.into_iter().enumerate() {
            let mut doc = good();
            if i == 5 {
                // An X25519 key under an Ed25519 type.
                doc.verification_method[0].public_key_multibase =
                    Some(PublicKey::X25519([3; 32]).to_multibase());
                doc.context.push(json!(ED25519_2020_CONTEXT));
            }
            edit(&mut doc.verification_method[0]);
            assert!(doc.validate_for_chain().is_err(), "case {i}");
        }
    }

    #[test]
    fn private_or_malformed_jwks_are_refused() {
        let edit = |f: &dyn Fn(&mut Jwk)| {
            let mut doc = good();
            f(doc.verification_method[1].public_key_jwk.as_mut().unwrap());
            doc.validate_for_chain()
        };
        assert!(edit(&|j| {
            j.properties.insert("d".into(), json!("c2VjcmV0"));
        })
        .is_err());
        assert!(edit(&|j| j.x = "AAAA".into()).is_err());
        assert!(edit(&|j| j.x = "not base64!".into()).is_err());
        assert!(edit(&|j| j.crv = "P-256".into()).is_err());
        assert!(edit(&|j| j.kty = "oct".into()).is_err());
        assert!(edit(&|_| {}).is_ok());
    }

    #[test]
    fn malformed_services_and_controllers_are_refused() {
        let mut doc = good();
        doc.service[0].service_endpoint = ServiceEndpoint::Url("not a url".into());
        assert!(matches!(
            doc.validate_for_chain(),
            Err(DidError::InvalidDocumentEntry { .. })
        ));
        let mut doc = good();
        doc.service[0].service_type = vec![];
        assert!(doc.validate_for_chain().is_err());
        let mut doc = good();
        doc.service[0].id = "web".into();
        assert!(doc.validate_for_chain().is_err());
        let mut doc = good();
        doc.controller = vec!["bob".into()];
        assert!(doc.validate_for_chain().is_err());
        doc.controller = vec!["did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK".into()];
        doc.validate_for_chain().unwrap();
    }

    #[test]
    fn generic_did_syntax() {
        assert!(is_did("did:example:123"));
        assert!(is_did(&did().to_string()));
        assert!(is_did("did:web:example.com%3A8443:user"));
        for bad in [
            "did:Example:1",
            "did:example",
            "did:example:",
            "did::x",
            "https://x",
            "did:example:a b",
        ] {
            assert!(!is_did(bad), "{bad}");
        }
    }
}
