//! The W3C DID Core document model.
//!
//! A complete serde model of a DID document's JSON(-LD) representation:
//! every property DID Core defines has a typed field, and every other
//! property is kept in a `properties` map so that a document read and written
//! back loses nothing. Properties that DID Core allows as "one or a set"
//! (`@context`, `controller`, a service's `type`) are read in either form and
//! written as a single value when they hold one item.
//!
//! Why not the `identity_document` crate: it brings IOTA Identity's core,
//! DID, verification and JOSE crates for what is a few hundred lines of serde
//! here, and its DID type and errors are its own, not `did:movid`'s.
//!
//! Verification method and service IDs are kept as strings: DID Core lets
//! them be absolute DID URLs (`did:movid:local:0x..#key-1`) or, in references,
//! relative ones (`#key-1`), and a method may be controlled by a DID of
//! another method. Lookups ([`DidDocument::method`]) accept either form.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Did, DidError, DidUrl};

/// The JSON-LD context of DID Core v1, which new documents carry.
pub const DID_CONTEXT_V1: &str = "https://www.w3.org/ns/did/v1";
/// The verification method type written for `publicKeyMultibase` keys.
pub const MULTIKEY_TYPE: &str = "Multikey";
/// The verification method type written for `publicKeyJwk` keys.
pub const JSON_WEB_KEY_TYPE: &str = "JsonWebKey2020";

/// Multicodec varint prefix of an Ed25519 public key (`ed25519-pub`, 0xed).
const ED25519_MULTICODEC: [u8; 2] = [0xed, 0x01];
/// Multicodec varint prefix of an X25519 public key (`x25519-pub`, 0xec).
const X25519_MULTICODEC: [u8; 2] = [0xec, 0x01];

/// A DID document (W3C DID Core §5). Documents built here carry the
/// contexts of the method types they use (see [`DidDocument::complete_contexts`]).
///
/// ```
/// use movid_sdk::did::{Did, DidDocument, KeyFormat, PublicKey, Relationship};
///
/// let did = Did::local([7; 32]);
/// let doc = DidDocument::builder(did.clone())
///     .key("key-1", PublicKey::Ed25519([1; 32]), KeyFormat::Multibase,
///          &[Relationship::Authentication, Relationship::AssertionMethod])
///     .key("enc-1", PublicKey::X25519([2; 32]), KeyFormat::Jwk, &[Relationship::KeyAgreement])
///     .build()
///     .unwrap();
/// assert_eq!(doc.ed25519_public_key("key-1").unwrap(), [1; 32]);
/// assert_eq!(doc.x25519_public_key("#enc-1").unwrap(), [2; 32]);
/// assert_eq!(doc.authentication_keys().unwrap().len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DidDocument {
    /// The JSON-LD contexts (`@context`): URLs or embedded context objects.
    #[serde(
        rename = "@context",
        default,
        skip_serializing_if = "Vec::is_empty",
        with = "one_or_many"
    )]
    pub context: Vec<Value>,
    /// The DID this document describes (a `did:movid` DID: this model is for
    /// movid documents; other DIDs may appear as controllers and references).
    pub id: Did,
    /// The DIDs allowed to change this document (`controller`), if not only
    /// the subject itself.
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "one_or_many")]
    pub controller: Vec<String>,
    /// Other URIs naming the same subject (`alsoKnownAs`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_known_as: Vec<String>,
    /// The verification methods, referenced by the relationships below.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub verification_method: Vec<VerificationMethod>,
    /// Methods that authenticate the subject.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authentication: Vec<MethodRef>,
    /// Methods that issue verifiable credentials for the subject.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assertion_method: Vec<MethodRef>,
    /// Methods that others use to encrypt messages to the subject.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub key_agreement: Vec<MethodRef>,
    /// Methods that invoke capabilities on behalf of the subject.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capability_invocation: Vec<MethodRef>,
    /// Methods that delegate capabilities of the subject.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capability_delegation: Vec<MethodRef>,
    /// Services (endpoints) of the subject.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub service: Vec<Service>,
    /// Every other property, kept as it was read.
    #[serde(flatten)]
    pub properties: BTreeMap<String, Value>,
}

/// A verification method (DID Core §5.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerificationMethod {
    /// The method's ID: a DID URL, usually `<did>#<fragment>`.
    pub id: String,
    /// The method type, e.g. [`MULTIKEY_TYPE`] or [`JSON_WEB_KEY_TYPE`].
    #[serde(rename = "type")]
    pub method_type: String,
    /// The DID controlling this method.
    pub controller: String,
    /// The public key as a JSON Web Key (RFC 8037 `OKP`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key_jwk: Option<Jwk>,
    /// The public key as a multibase (base58btc, `z...`) multicodec key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key_multibase: Option<String>,
    /// Every other property, kept as it was read.
    #[serde(flatten)]
    pub properties: BTreeMap<String, Value>,
}

/// A JSON Web Key (RFC 7517) of an octet key pair (RFC 8037).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwk {
    /// The key type: `OKP` for Ed25519 and X25519 keys.
    pub kty: String,
    /// The curve: `Ed25519` or `X25519`.
    #[serde(default)]
    pub crv: String,
    /// The public key, base64url without padding.
    #[serde(default)]
    pub x: String,
    /// Every other member (`kid`, `alg`, `use`, ...), kept as it was read.
    #[serde(flatten)]
    pub properties: BTreeMap<String, Value>,
}

/// An entry of a verification relationship: a method embedded in place or a
/// reference (DID URL, absolute or relative) to one in `verificationMethod`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum MethodRef {
    /// A reference to a method listed in `verificationMethod`.
    Reference(String),
    /// A method usable only for this relationship.
    Embedded(VerificationMethod),
}

/// A verification relationship (DID Core §5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Relationship {
    /// `authentication`
    Authentication,
    /// `assertionMethod`
    AssertionMethod,
    /// `keyAgreement`
    KeyAgreement,
    /// `capabilityInvocation`
    CapabilityInvocation,
    /// `capabilityDelegation`
    CapabilityDelegation,
}

/// A service (DID Core §5.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Service {
    /// The service's ID: a URI, usually `<did>#<fragment>`.
    pub id: String,
    /// The service types (one or more).
    #[serde(rename = "type", with = "one_or_many")]
    pub service_type: Vec<String>,
    /// Where the service is reached.
    pub service_endpoint: ServiceEndpoint,
    /// Every other property, kept as it was read.
    #[serde(flatten)]
    pub properties: BTreeMap<String, Value>,
}

/// A service endpoint: a URI, a map, or a set of URIs and maps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ServiceEndpoint {
    /// A single URI.
    Url(String),
    /// A map of properties.
    Map(Map<String, Value>),
    /// A set of URIs and/or maps.
    Set(Vec<ServiceEndpointEntry>),
}

/// One member of a [`ServiceEndpoint::Set`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ServiceEndpointEntry {
    /// A URI.
    Url(String),
    /// A map of properties.
    Map(Map<String, Value>),
}

/// A public key carried by a verification method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PublicKey {
    /// An Ed25519 signature verification key.
    Ed25519([u8; 32]),
    /// An X25519 key agreement key.
    X25519([u8; 32]),
}

/// How a verification method writes its public key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyFormat {
    /// `publicKeyMultibase` with type [`MULTIKEY_TYPE`].
    Multibase,
    /// `publicKeyJwk` with type [`JSON_WEB_KEY_TYPE`].
    Jwk,
}

/// Builds a [`DidDocument`]; errors (such as a duplicate ID) surface at
/// [`DidDocumentBuilder::build`].
#[derive(Debug, Clone)]
pub struct DidDocumentBuilder {
    doc: DidDocument,
    error: Option<DidError>,
}

impl DidDocument {
    /// An empty document for `id`, with the DID Core v1 context.
    pub fn new(id: Did) -> DidDocument {
        DidDocument {
            context: vec![Value::String(DID_CONTEXT_V1.to_owned())],
            id,
            controller: Vec::new(),
            also_known_as: Vec::new(),
            verification_method: Vec::new(),
            authentication: Vec::new(),
            assertion_method: Vec::new(),
            key_agreement: Vec::new(),
            capability_invocation: Vec::new(),
            capability_delegation: Vec::new(),
            service: Vec::new(),
            properties: BTreeMap::new(),
        }
    }

    /// A builder for a document describing `id`.
    pub fn builder(id: Did) -> DidDocumentBuilder {
        DidDocumentBuilder {
            doc: DidDocument::new(id),
            error: None,
        }
    }

    /// Adds `method` to `verificationMethod` and a reference to it to each of
    /// `relationships`.
    ///
    /// Fails with [`DidError::DuplicateId`] if a method or service already
    /// has its ID.
    pub fn insert_method(
        &mut self,
        method: VerificationMethod,
        relationships: &[Relationship],
    ) -> Result<(), DidError> {
        self.check_unused(&method.id)?;
        let method_type = method.method_type.clone();
        for &relationship in relationships {
            self.relationship_mut(relationship)
                .push(MethodRef::Reference(method.id.clone()));
        }
        self.verification_method.push(method);
        // A method type movid knows brings its JSON-LD context along.
        if [MULTIKEY_TYPE, JSON_WEB_KEY_TYPE].contains(&method_type.as_str()) {
            self.complete_contexts();
        }
        Ok(())
    }

    /// Adds a reference to the method `query` (see [`DidDocument::method`])
    /// to `relationship`.
    ///
    /// Fails with [`DidError::MethodNotFound`] if no such method is listed
    /// in `verificationMethod`.
    pub fn attach_method(
        &mut self,
        query: &str,
        relationship: Relationship,
    ) -> Result<(), DidError> {
        let id = self
            .verification_method
            .iter()
            .find(|m| self.same_id(&m.id, query))
            .map(|m| m.id.clone())
            .ok_or_else(|| DidError::MethodNotFound {
                query: query.to_owned(),
            })?;
        let entries = self.relationship_mut(relationship);
        if !entries
            .iter()
            .any(|r| matches!(r, MethodRef::Reference(s) if *s == id))
        {
            entries.push(MethodRef::Reference(id));
        }
        Ok(())
    }

    /// Removes the method `query` from `verificationMethod`, every reference
    /// to it, and any embedded method with its ID; returns the removed
    /// method, if there was one.
    pub fn remove_method(&mut self, query: &str) -> Option<VerificationMethod> {
        let full = self.absolute(query);
        let same = |id: &str| absolute_id(&self.id, id) == full;
        let mut removed = None;
        if let Some(pos) = self.verification_method.iter().position(|m| same(&m.id)) {
            removed = Some(self.verification_method.remove(pos));
        }
        for relationship in Relationship::ALL {
            let entries = match relationship {
                Relationship::Authentication => &mut self.authentication,
                Relationship::AssertionMethod => &mut self.assertion_method,
                Relationship::KeyAgreement => &mut self.key_agreement,
                Relationship::CapabilityInvocation => &mut self.capability_invocation,
                Relationship::CapabilityDelegation => &mut self.capability_delegation,
            };
            entries.retain(|entry| {
                let id = match entry {
                    MethodRef::Reference(id) => id,
                    MethodRef::Embedded(m) => &m.id,
                };
                let keep = absolute_id(&self.id, id) != full;
                if let (false, MethodRef::Embedded(m), None) = (keep, entry, &removed) {
                    removed = Some(m.clone());
                }
                keep
            });
        }
        removed
    }

    /// Adds `service`.
    ///
    /// Fails with [`DidError::DuplicateId`] if a method or service already
    /// has its ID.
    pub fn insert_service(&mut self, service: Service) -> Result<(), DidError> {
        self.check_unused(&service.id)?;
        self.service.push(service);
        Ok(())
    }

    /// Removes and returns the service `query` (an ID or a fragment).
    pub fn remove_service(&mut self, query: &str) -> Option<Service> {
        let pos = self
            .service
            .iter()
            .position(|s| self.same_id(&s.id, query))?;
        Some(self.service.remove(pos))
    }

    /// The service `query`: a full ID, `#fragment` or `fragment`.
    pub fn service(&self, query: &str) -> Option<&Service> {
        self.service.iter().find(|s| self.same_id(&s.id, query))
    }

    /// The verification method `query`, listed in `verificationMethod` or
    /// embedded in a relationship. `query` is a full DID URL
    /// (`did:movid:local:0x..#key-1`), `#key-1` or `key-1`.
    pub fn method(&self, query: &str) -> Option<&VerificationMethod> {
        self.all_methods().find(|m| self.same_id(&m.id, query))
    }

    /// The entries of `relationship`.
    pub fn relationship(&self, relationship: Relationship) -> &[MethodRef] {
        match relationship {
            Relationship::Authentication => &self.authentication,
            Relationship::AssertionMethod => &self.assertion_method,
            Relationship::KeyAgreement => &self.key_agreement,
            Relationship::CapabilityInvocation => &self.capability_invocation,
            Relationship::CapabilityDelegation => &self.capability_delegation,
        }
    }

    /// The methods of `relationship`, with references resolved.
    ///
    /// Fails with [`DidError::MethodNotFound`] if a reference names no
    /// method of this document.
    pub fn relationship_methods(
        &self,
        relationship: Relationship,
    ) -> Result<Vec<&VerificationMethod>, DidError> {
        self.relationship(relationship)
            .iter()
            .map(|entry| match entry {
                MethodRef::Embedded(m) => Ok(m),
                MethodRef::Reference(id) => self
                    .verification_method
                    .iter()
                    .find(|m| self.same_id(&m.id, id))
                    .ok_or_else(|| DidError::MethodNotFound { query: id.clone() }),
            })
            .collect()
    }

    /// The authentication methods with their public keys.
    ///
    /// Fails if a reference dangles or a method's key cannot be read.
    pub fn authentication_keys(&self) -> Result<Vec<(&VerificationMethod, PublicKey)>, DidError> {
        self.relationship_methods(Relationship::Authentication)?
            .into_iter()
            .map(|m| Ok((m, m.public_key()?)))
            .collect()
    }

    /// The Ed25519 public key of method `query` (see [`DidDocument::method`]).
    pub fn ed25519_public_key(&self, query: &str) -> Result<[u8; 32], DidError> {
        self.find_method(query)?.ed25519_public_key()
    }

    /// The X25519 public key of method `query` (see [`DidDocument::method`]).
    pub fn x25519_public_key(&self, query: &str) -> Result<[u8; 32], DidError> {
        self.find_method(query)?.x25519_public_key()
    }

    /// Checks the document's internal consistency: method and service IDs
    /// are unique and every relationship reference names a method.
    pub fn validate(&self) -> Result<(), DidError> {
        let mut seen = BTreeSet::new();
        let ids = self
            .all_methods()
            .map(|m| &m.id)
            .chain(self.service.iter().map(|s| &s.id));
        for id in ids {
            if !seen.insert(absolute_id(&self.id, id)) {
                return Err(DidError::DuplicateId { id: id.clone() });
            }
        }
        for relationship in Relationship::ALL {
            self.relationship_methods(relationship)?;
        }
        Ok(())
    }

    fn find_method(&self, query: &str) -> Result<&VerificationMethod, DidError> {
        self.method(query).ok_or_else(|| DidError::MethodNotFound {
            query: query.to_owned(),
        })
    }

    fn all_methods(&self) -> impl Iterator<Item = &VerificationMethod> {
        let embedded = Relationship::ALL
            .into_iter()
            .flat_map(|r| self.relationship(r))
            .filter_map(|entry| match entry {
                MethodRef::Embedded(m) => Some(m),
                MethodRef::Reference(_) => None,
            });
        self.verification_method.iter().chain(embedded)
    }

    fn relationship_mut(&mut self, relationship: Relationship) -> &mut Vec<MethodRef> {
        match relationship {
            Relationship::Authentication => &mut self.authentication,
            Relationship::AssertionMethod => &mut self.assertion_method,
            Relationship::KeyAgreement => &mut self.key_agreement,
            Relationship::CapabilityInvocation => &mut self.capability_invocation,
            Relationship::CapabilityDelegation => &mut self.capability_delegation,
        }
    }

    fn check_unused(&self, id: &str) -> Result<(), DidError> {
        let taken = self.all_methods().any(|m| self.same_id(&m.id, id))
            || self.service.iter().any(|s| self.same_id(&s.id, id));
        if taken {
            Err(DidError::DuplicateId { id: id.to_owned() })
        } else {
            Ok(())
        }
    }

    fn absolute(&self, query: &str) -> String {
        absolute_id(&self.id, query)
    }

    fn same_id(&self, id: &str, query: &str) -> bool {
        absolute_id(&self.id, id) == absolute_id(&self.id, query)
    }
}

/// Writes `id` as an absolute ID: `#frag` and `frag` become `<did>#frag`;
/// anything else with a scheme (`did:...`, `https:...`) stays as it is.
fn absolute_id(did: &Did, id: &str) -> String {
    if let Some(fragment) = id.strip_prefix('#') {
        format!("{did}#{fragment}")
    } else if id.contains(':') {
        id.to_owned()
    } else {
        format!("{did}#{id}")
    }
}

impl DidDocumentBuilder {
    /// Adds a controller DID.
    pub fn controller(mut self, controller: impl Into<String>) -> Self {
        self.doc.controller.push(controller.into());
        self
    }

    /// Adds an `alsoKnownAs` URI.
    pub fn also_known_as(mut self, uri: impl Into<String>) -> Self {
        self.doc.also_known_as.push(uri.into());
        self
    }

    /// Adds the key `<did>#<fragment>`, controlled by the document's DID, to
    /// `verificationMethod` and references it from `relationships`.
    pub fn key(
        mut self,
        fragment: &str,
        key: PublicKey,
        format: KeyFormat,
        relationships: &[Relationship],
    ) -> Self {
        match self.doc.id.join(fragment) {
            Ok(id) => {
                let method = VerificationMethod::new(&id, &self.doc.id, key, format);
                self.method(method, relationships)
            }
            Err(e) => {
                self.error.get_or_insert(e);
                self
            }
        }
    }

    /// Adds `method` to `verificationMethod` and references it from
    /// `relationships`.
    pub fn method(mut self, method: VerificationMethod, relationships: &[Relationship]) -> Self {
        if let Err(e) = self.doc.insert_method(method, relationships) {
            self.error.get_or_insert(e);
        }
        self
    }

    /// Adds `method` embedded in `relationship` only.
    pub fn embedded_method(
        mut self,
        method: VerificationMethod,
        relationship: Relationship,
    ) -> Self {
        match self.doc.check_unused(&method.id) {
            Ok(()) => self
                .doc
                .relationship_mut(relationship)
                .push(MethodRef::Embedded(method)),
            Err(e) => {
                self.error.get_or_insert(e);
            }
        }
        self
    }

    /// Adds a service.
    pub fn service(mut self, service: Service) -> Self {
        if let Err(e) = self.doc.insert_service(service) {
            self.error.get_or_insert(e);
        }
        self
    }

    /// Sets another property.
    pub fn property(mut self, name: impl Into<String>, value: Value) -> Self {
        self.doc.properties.insert(name.into(), value);
        self
    }

    /// The document, or the first error met while building it.
    pub fn build(mut self) -> Result<DidDocument, DidError> {
        match self.error {
            Some(e) => Err(e),
            None => {
                self.doc.complete_contexts();
                Ok(self.doc)
            }
        }
    }
}

impl VerificationMethod {
    /// A method with ID `id`, controlled by `controller`, holding `key` in
    /// `format` (type [`MULTIKEY_TYPE`] or [`JSON_WEB_KEY_TYPE`]).
    pub fn new(id: &DidUrl, controller: &Did, key: PublicKey, format: KeyFormat) -> Self {
        let (method_type, public_key_jwk, public_key_multibase) = match format {
            KeyFormat::Multibase => (MULTIKEY_TYPE, None, Some(key.to_multibase())),
            KeyFormat::Jwk => (JSON_WEB_KEY_TYPE, Some(key.to_jwk()), None),
        };
        VerificationMethod {
            id: id.to_string(),
            method_type: method_type.to_owned(),
            controller: controller.to_string(),
            public_key_jwk,
            public_key_multibase,
            properties: BTreeMap::new(),
        }
    }

    /// The fragment of the method's ID, if it has one.
    pub fn fragment(&self) -> Option<&str> {
        self.id.split_once('#').map(|(_, f)| f)
    }

    /// The method's public key, read from `publicKeyJwk` or
    /// `publicKeyMultibase` (whichever is present; the type name is not
    /// consulted, the key material says what it is).
    pub fn public_key(&self) -> Result<PublicKey, DidError> {
        let key_error = |reason: String| DidError::InvalidKey {
            method: self.id.clone(),
            reason,
        };
        match (&self.public_key_jwk, &self.public_key_multibase) {
            (Some(_), Some(_)) => Err(key_error(
                "it has both publicKeyJwk and publicKeyMultibase; keep one".into(),
            )),
            (Some(jwk), None) => jwk.public_key().map_err(key_error),
            (None, Some(multibase)) => PublicKey::decode_multibase(multibase).map_err(key_error),
            (None, None) => Err(key_error(
                "it has neither publicKeyJwk nor publicKeyMultibase".into(),
            )),
        }
    }

    /// The method's Ed25519 public key.
    ///
    /// Fails with [`DidError::WrongKeyType`] if the method holds another key.
    pub fn ed25519_public_key(&self) -> Result<[u8; 32], DidError> {
        match self.public_key()? {
            PublicKey::Ed25519(key) => Ok(key),
            other => Err(self.wrong_type("Ed25519", other)),
        }
    }

    /// The method's X25519 public key.
    ///
    /// Fails with [`DidError::WrongKeyType`] if the method holds another key.
    pub fn x25519_public_key(&self) -> Result<[u8; 32], DidError> {
        match self.public_key()? {
            PublicKey::X25519(key) => Ok(key),
            other => Err(self.wrong_type("X25519", other)),
        }
    }

    fn wrong_type(&self, expected: &'static str, found: PublicKey) -> DidError {
        DidError::WrongKeyType {
            method: self.id.clone(),
            expected,
            found: found.curve(),
        }
    }
}

impl Jwk {
    /// Reads an RFC 8037 `OKP` public key (Ed25519 or X25519). A JWK holding
    /// private material (`d`) is refused: it has no place in a DID document.
    fn public_key(&self) -> Result<PublicKey, String> {
        if self.properties.contains_key("d") {
            return Err("its JWK holds a private key (`d`); publish only the public key".into());
        }
        if self.kty != "OKP" {
            return Err(format!(
                "JWK key type `{}` is not supported; use `OKP`",
                self.kty
            ));
        }
        let x = URL_SAFE_NO_PAD
            .decode(&self.x)
            .map_err(|e| format!("JWK `x` is not base64url without padding: {e}"))?;
        let key: [u8; 32] = x
            .try_into()
            .map_err(|x: Vec<u8>| format!("JWK `x` has {} bytes; expected 32", x.len()))?;
        match self.crv.as_str() {
            "Ed25519" => Ok(PublicKey::Ed25519(key)),
            "X25519" => Ok(PublicKey::X25519(key)),
            crv => Err(format!(
                "JWK curve `{crv}` is not supported; use Ed25519 or X25519"
            )),
        }
    }
}

impl PublicKey {
    /// The curve name, as in a JWK's `crv`.
    pub fn curve(&self) -> &'static str {
        match self {
            PublicKey::Ed25519(_) => "Ed25519",
            PublicKey::X25519(_) => "X25519",
        }
    }

    /// The raw 32 key bytes.
    pub fn bytes(&self) -> &[u8; 32] {
        match self {
            PublicKey::Ed25519(key) | PublicKey::X25519(key) => key,
        }
    }

    /// The key as multibase base58btc (`z...`) of its multicodec
    /// (`ed25519-pub` 0xed or `x25519-pub` 0xec) and bytes.
    pub fn to_multibase(&self) -> String {
        let prefix = match self {
            PublicKey::Ed25519(_) => ED25519_MULTICODEC,
            PublicKey::X25519(_) => X25519_MULTICODEC,
        };
        let mut bytes = prefix.to_vec();
        bytes.extend_from_slice(self.bytes());
        format!("z{}", bs58::encode(bytes).into_string())
    }

    /// Reads a key written by [`PublicKey::to_multibase`].
    ///
    /// Fails with [`DidError::InvalidMultibase`] if `s` is not base58btc
    /// of an `ed25519-pub` or `x25519-pub` multicodec key.
    pub fn from_multibase(s: &str) -> Result<PublicKey, DidError> {
        PublicKey::decode_multibase(s).map_err(|reason| DidError::InvalidMultibase {
            value: s.to_owned(),
            reason,
        })
    }

    fn decode_multibase(s: &str) -> Result<PublicKey, String> {
        let Some(b58) = s.strip_prefix('z') else {
            return Err("publicKeyMultibase must be base58btc (start with `z`)".into());
        };
        let bytes = bs58::decode(b58)
            .into_vec()
            .map_err(|e| format!("publicKeyMultibase is not base58btc: {e}"))?;
        if bytes.len() != 34 {
            return Err(format!(
                "publicKeyMultibase holds {} bytes; expected a 2-byte multicodec and a 32-byte key",
                bytes.len()
            ));
        }
        let mut key = [0u8; 32];
        key.copy_from_slice(&bytes[2..]);
        match [bytes[0], bytes[1]] {
            ED25519_MULTICODEC => Ok(PublicKey::Ed25519(key)),
            X25519_MULTICODEC => Ok(PublicKey::X25519(key)),
            prefix => Err(format!(
                "multicodec prefix {} is not supported; use ed25519-pub (0xed) or x25519-pub (0xec)",
                hex::encode(prefix)
            )),
        }
    }

    /// The key as an RFC 8037 `OKP` JWK.
    pub fn to_jwk(&self) -> Jwk {
        Jwk {
            kty: "OKP".to_owned(),
            crv: self.curve().to_owned(),
            x: URL_SAFE_NO_PAD.encode(self.bytes()),
            properties: BTreeMap::new(),
        }
    }
}

impl Relationship {
    /// Every relationship, in DID Core order.
    pub const ALL: [Relationship; 5] = [
        Relationship::Authentication,
        Relationship::AssertionMethod,
        Relationship::KeyAgreement,
        Relationship::CapabilityInvocation,
        Relationship::CapabilityDelegation,
    ];

    /// The property name in a DID document, e.g. `assertionMethod`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Relationship::Authentication => "authentication",
            Relationship::AssertionMethod => "assertionMethod",
            Relationship::KeyAgreement => "keyAgreement",
            Relationship::CapabilityInvocation => "capabilityInvocation",
            Relationship::CapabilityDelegation => "capabilityDelegation",
        }
    }
}

impl fmt::Display for Relationship {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Service {
    /// A service `id` of one `service_type` at `endpoint`.
    pub fn new(id: &DidUrl, service_type: impl Into<String>, endpoint: ServiceEndpoint) -> Self {
        Service {
            id: id.to_string(),
            service_type: vec![service_type.into()],
            service_endpoint: endpoint,
            properties: BTreeMap::new(),
        }
    }
}

/// Serde for DID Core's "one value or a set of values": reads either, writes
/// a lone value unwrapped.
mod one_or_many {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany<T> {
        Many(Vec<T>),
        One(T),
    }

    pub fn serialize<T: Serialize, S: Serializer>(v: &[T], s: S) -> Result<S::Ok, S::Error> {
        match v {
            [one] => one.serialize(s),
            many => many.serialize(s),
        }
    }

    pub fn deserialize<'de, T, D>(d: D) -> Result<Vec<T>, D::Error>
    where
        T: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Ok(match OneOrMany::deserialize(d)? {
            OneOrMany::Many(v) => v,
            OneOrMany::One(v) => vec![v],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn did() -> Did {
        Did::local([0xab; 32])
    }

    fn sample() -> DidDocument {
        DidDocument::builder(did())
            .controller("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")
            .also_known_as("https://example.com/alice")
            .key(
                "key-1",
                PublicKey::Ed25519([1; 32]),
                KeyFormat::Multibase,
                &[
                    Relationship::Authentication,
                    Relationship::CapabilityInvocation,
                ],
            )
            .key(
                "key-2",
                PublicKey::Ed25519([3; 32]),
                KeyFormat::Jwk,
                &[Relationship::AssertionMethod],
            )
            .key(
                "enc-1",
                PublicKey::X25519([2; 32]),
                KeyFormat::Multibase,
                &[Relationship::KeyAgreement],
            )
            .service(Service::new(
                &did().join("files").unwrap(),
                "LinkedDomains",
                ServiceEndpoint::Url("https://example.com".into()),
            ))
            .build()
            .unwrap()
    }

    #[test]
    fn document_round_trips_through_json() {
        let doc = sample();
        let json = serde_json::to_value(&doc).unwrap();
        assert_eq!(json["@context"][0], json!(DID_CONTEXT_V1));
        assert_eq!(json["authentication"][0], json!(format!("{}#key-1", did())));
        assert_eq!(json["verificationMethod"][0]["type"], json!(MULTIKEY_TYPE));
        let back: DidDocument = serde_json::from_value(json).unwrap();
        assert_eq!(back, doc);
        back.validate().unwrap();
    }

    #[test]
    fn w3c_example_document_keeps_every_property() {
        let id = did().to_string();
        let json = json!({
            "@context": [DID_CONTEXT_V1, {"@vocab": "https://example.com/#"}],
            "id": id,
            "controller": [id, "did:example:bob"],
            "alsoKnownAs": ["https://alice.example"],
            "verificationMethod": [{
                "id": format!("{id}#key-1"),
                "type": "JsonWebKey2020",
                "controller": id,
                "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519", "x": URL_SAFE_NO_PAD.encode([9u8; 32]), "kid": "key-1"},
                "revoked": "2024-01-01T00:00:00Z"
            }],
            "authentication": ["#key-1", {
                "id": format!("{id}#emb"),
                "type": "Ed25519VerificationKey2020",
                "controller": id,
                "publicKeyMultibase": PublicKey::Ed25519([4; 32]).to_multibase()
            }],
            "service": [{
                "id": "#hub",
                "type": ["Hub", "Other"],
                "serviceEndpoint": ["https://hub.example", {"uri": "https://x.example", "accept": ["didcomm/v2"]}],
                "priority": 1
            }, {
                "id": format!("{id}#map"),
                "type": "Map",
                "serviceEndpoint": {"origins": ["https://a.example"]}
            }],
            "customProperty": {"nested": [1, 2, 3]}
        });
        let doc: DidDocument = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(serde_json::to_value(&doc).unwrap(), json);
        assert_eq!(doc.controller.len(), 2);
        assert!(
            matches!(doc.service[0].service_endpoint, ServiceEndpoint::Set(ref s) if s.len() == 2)
        );
        assert!(matches!(
            doc.service[1].service_endpoint,
            ServiceEndpoint::Map(_)
        ));
        assert_eq!(
            doc.properties["customProperty"],
            json!({"nested": [1, 2, 3]})
        );
        assert_eq!(
            doc.verification_method[0].properties["revoked"],
            json!("2024-01-01T00:00:00Z")
        );
        assert_eq!(doc.ed25519_public_key("key-1").unwrap(), [9; 32]);
        assert_eq!(doc.ed25519_public_key("emb").unwrap(), [4; 32]);
        let auth = doc.authentication_keys().unwrap();
        assert_eq!(auth.len(), 2);
        assert_eq!(auth[1].1, PublicKey::Ed25519([4; 32]));
        assert!(doc.service("hub").is_some());
        doc.validate().unwrap();
    }

    #[test]
    fn methods_are_found_by_fragment_or_full_id() {
        let doc = sample();
        let full = format!("{}#key-1", did());
        for query in ["key-1", "#key-1", full.as_str()] {
            assert_eq!(doc.method(query).unwrap().id, full, "{query}");
        }
        assert!(doc.method("key-9").is_none());
        assert_eq!(doc.method("key-1").unwrap().fragment(), Some("key-1"));
    }

    #[test]
    fn keys_are_read_in_both_formats() {
        let doc = sample();
        assert_eq!(doc.ed25519_public_key("key-1").unwrap(), [1; 32]);
        assert_eq!(doc.ed25519_public_key("key-2").unwrap(), [3; 32]);
        assert_eq!(doc.x25519_public_key("enc-1").unwrap(), [2; 32]);
        assert_eq!(
            doc.x25519_public_key("key-1").unwrap_err(),
            DidError::WrongKeyType {
                method: format!("{}#key-1", did()),
                expected: "X25519",
                found: "Ed25519"
            }
        );
        assert!(matches!(
            doc.ed25519_public_key("nope"),
            Err(DidError::MethodNotFound { .. })
        ));
    }

    #[test]
    fn multibase_matches_the_multicodec_spec() {
        // The did:key test vector of the W3C CCG did:key spec.
        let key =
            PublicKey::from_multibase("z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp").unwrap();
        assert!(matches!(key, PublicKey::Ed25519(_)));
        assert_eq!(
            key.to_multibase(),
            "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
        );
        let x = PublicKey::X25519([5; 32]);
        assert!(x.to_multibase().starts_with("z6LS"));
        assert_eq!(PublicKey::from_multibase(&x.to_multibase()).unwrap(), x);
        assert!(PublicKey::from_multibase("m6Mk").is_err());
        assert!(PublicKey::from_multibase("z0OIl").is_err());
        assert!(PublicKey::from_multibase("z6Mk").is_err());
    }

    #[test]
    fn bad_key_material_is_reported() {
        let mut method = sample().method("key-2").unwrap().clone();
        method
            .public_key_jwk
            .as_mut()
            .unwrap()
            .properties
            .insert("d".into(), json!("secret"));
        assert!(matches!(
            method.public_key(),
            Err(DidError::InvalidKey { .. })
        ));

        let mut method = sample().method("key-2").unwrap().clone();
        method.public_key_jwk.as_mut().unwrap().crv = "P-256".into();
        assert!(matches!(
            method.public_key(),
            Err(DidError::InvalidKey { .. })
        ));

        let mut method = sample().method("key-2").unwrap().clone();
        method.public_key_jwk = None;
        assert!(matches!(
            method.public_key(),
            Err(DidError::InvalidKey { .. })
        ));

        let mut method = sample().method("key-1").unwrap().clone();
        method.public_key_jwk = Some(PublicKey::Ed25519([1; 32]).to_jwk());
        assert!(matches!(
            method.public_key(),
            Err(DidError::InvalidKey { .. })
        ));
    }

    #[test]
    fn duplicate_ids_are_refused() {
        let err = DidDocument::builder(did())
            .key("key-1", PublicKey::Ed25519([1; 32]), KeyFormat::Jwk, &[])
            .key("key-1", PublicKey::Ed25519([2; 32]), KeyFormat::Jwk, &[])
            .build()
            .unwrap_err();
        assert!(matches!(err, DidError::DuplicateId { .. }));

        let mut doc = sample();
        let dup = Service::new(
            &did().join("key-1").unwrap(),
            "X",
            ServiceEndpoint::Url("https://x".into()),
        );
        assert!(matches!(
            doc.insert_service(dup),
            Err(DidError::DuplicateId { .. })
        ));
    }

    #[test]
    fn removing_a_method_removes_its_references() {
        let mut doc = sample();
        let removed = doc.remove_method("#key-1").unwrap();
        assert_eq!(removed.fragment(), Some("key-1"));
        assert!(doc.authentication.is_empty());
        assert!(doc.capability_invocation.is_empty());
        assert!(doc.method("key-1").is_none());
        doc.validate().unwrap();
        assert!(doc.remove_method("key-1").is_none());
    }

    #[test]
    fn attaching_and_dangling_references() {
        let mut doc = sample();
        doc.attach_method("enc-1", Relationship::Authentication)
            .unwrap();
        doc.attach_method("enc-1", Relationship::Authentication)
            .unwrap();
        assert_eq!(doc.authentication.len(), 2);
        assert!(matches!(
            doc.attach_method("nope", Relationship::Authentication),
            Err(DidError::MethodNotFound { .. })
        ));
        doc.authentication
            .push(MethodRef::Reference("#gone".into()));
        assert!(matches!(
            doc.validate(),
            Err(DidError::MethodNotFound { .. })
        ));
        assert!(doc.authentication_keys().is_err());
    }

    #[test]
    fn services_are_found_and_removed() {
        let mut doc = sample();
        assert!(doc.service("files").is_some());
        assert_eq!(
            doc.remove_service("#files").unwrap().service_type,
            ["LinkedDomains"]
        );
        assert!(doc.service("files").is_none());
    }
}
