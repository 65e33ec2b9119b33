//! Public credentials an identity holds (`0x3::credential_proposal`): named compact-JWS
//! credentials or presentations, readable by anyone, changed by proposal.
//!
//! [`IdentityClient::credentials`] reads them (one dynamic field of the identity);
//! [`super::Controller::propose_credentials`] changes them. [`CredentialChange::check`] applies
//! the package's rules before anything is sent, so a malformed change fails here with
//! [`SdkError::InvalidArgument`] instead of costing gas. A node serves each credential at
//! `GET /1.0/identifiers/{did}/credentials/{name}` (`application/jwt`), the URL that
//! [`linked_presentation_service`] puts in a DID document's `LinkedVerifiablePresentation`
//! service, so resolvers following DIF's Linked VP convention find it.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use movid_runtime::types::{Object, ObjectID, TypeTag};
use serde::Deserialize;
use serde_json::Value;

use super::{IdentityClient, PKG};
use crate::did::{Did, Service, ServiceEndpoint};
use crate::error::{SdkError, SdkResult};
use crate::tx::struct_tag;

/// Credentials one identity may hold (`credential_proposal::MAX_CREDENTIALS`).
pub const MAX_CREDENTIALS: usize = 16;
/// Bytes of one credential (`credential_proposal::MAX_CREDENTIAL_SIZE`).
pub const MAX_CREDENTIAL_SIZE: usize = 8192;
/// Bytes of one name (`credential_proposal::MAX_NAME_LENGTH`).
pub const MAX_NAME_LENGTH: usize = 64;

/// One public credential: its name on the identity and its compact JWS.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct PublicCredential {
    /// The name (`A-Z a-z 0-9 . _ -`, unique on the identity).
    #[serde(deserialize_with = "utf8")]
    pub name: String,
    /// The compact JWS (`header.payload.signature`, base64url).
    #[serde(deserialize_with = "utf8")]
    pub jwt: String,
}

fn utf8<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let bytes: Vec<u8> = Deserialize::deserialize(d)?;
    String::from_utf8(bytes).map_err(serde::de::Error::custom)
}

impl PublicCredential {
    /// The JWS header, decoded (`alg`, `kid`, `typ`, ...).
    pub fn header(&self) -> SdkResult<Value> {
        self.segment(0)
    }

    /// The JWS payload's claims, decoded (`iss`, `sub`, `vc` or `vp`, ...). Nothing here checks
    /// the signature: verify it against the issuer's key before trusting a claim.
    pub fn claims(&self) -> SdkResult<Value> {
        self.segment(1)
    }

    fn segment(&self, i: usize) -> SdkResult<Value> {
        let part = self.jwt.split('.').nth(i).unwrap_or_default();
        let bytes = URL_SAFE_NO_PAD.decode(part).map_err(|e| {
            SdkError::InvalidArgument(format!("credential `{}`: not base64url: {e}", self.name))
        })?;
        serde_json::from_slice(&bytes).map_err(|e| {
            SdkError::InvalidArgument(format!("credential `{}`: not JSON: {e}", self.name))
        })
    }
}

/// A change of an identity's credentials: set (add or replace by name) and remove.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CredentialChange {
    /// Name and compact JWS of each credential to set.
    pub set: Vec<(String, String)>,
    /// Names of credentials to remove.
    pub remove: Vec<String>,
}

impl CredentialChange {
    /// Checks the rules `credential_proposal` enforces at proposal time: something to do,
    /// valid and distinct names, compact JWS values within the size bound.
    pub fn check(&self) -> SdkResult<()> {
        let bad = |m: String| Err(SdkError::InvalidArgument(m));
        if self.set.is_empty() && self.remove.is_empty() {
            return bad("the change sets and removes nothing".into());
        }
        if self.set.len() > MAX_CREDENTIALS {
            return bad(format!(
                "an identity holds at most {MAX_CREDENTIALS} credentials"
            ));
        }
        let mut seen = std::collections::BTreeSet::new();
        let names = self.set.iter().map(|(n, _)| n).chain(self.remove.iter());
        for name in names {
            check_name(name)?;
            if !seen.insert(name.as_str()) {
                return bad(format!("`{name}` appears twice in one change"));
            }
        }
        for (name, jwt) in &self.set {
            if jwt.len() > MAX_CREDENTIAL_SIZE {
                return bad(format!(
                    "credential `{name}` has {} bytes; the bound is {MAX_CREDENTIAL_SIZE}",
                    jwt.len()
                ));
            }
            if !is_compact_jws(jwt) {
                return bad(format!(
                    "credential `{name}` is not a compact JWS (three non-empty base64url segments)"
                ));
            }
        }
        Ok(())
    }
}

fn check_name(name: &str) -> SdkResult<()> {
    let ok = !name.is_empty()
        && name.len() <= MAX_NAME_LENGTH
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(SdkError::InvalidArgument(format!(
            "`{name}` is not a credential name (1 to {MAX_NAME_LENGTH} of A-Z a-z 0-9 . _ -)"
        )))
    }
}

fn is_compact_jws(jwt: &str) -> bool {
    let parts: Vec<&str> = jwt.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
        })
}

/// `0x3::credential_proposal::UpdateCredentials`'s BCS.
#[derive(Deserialize)]
pub(super) struct UpdateCredentialsRaw {
    pub set: Vec<PublicCredential>,
    pub remove: Vec<Vec<u8>>,
}

impl From<UpdateCredentialsRaw> for CredentialChange {
    fn from(raw: UpdateCredentialsRaw) -> Self {
        CredentialChange {
            set: raw.set.into_iter().map(|c| (c.name, c.jwt)).collect(),
            remove: raw
                .remove
                .into_iter()
                .map(|n| String::from_utf8_lossy(&n).into_owned())
                .collect(),
        }
    }
}

/// The value type of the credentials field: `vector<0x3::credential_proposal::PublicCredential>`.
fn is_credentials_field(object: &Object) -> bool {
    let Some(m) = object.as_move() else {
        return false;
    };
    let t = &m.type_;
    let key = TypeTag::Struct(struct_tag(
        PKG,
        "credential_proposal",
        "CredentialsKey",
        vec![],
    ));
    t.module.as_str() == "dynamic_field"
        && t.name.as_str() == "Field"
        && t.type_params.first() == Some(&key)
}

/// `dynamic_field::Field<CredentialsKey, vector<PublicCredential>>`: the UID, the key (an empty
/// struct, one byte) and the value.
#[derive(Deserialize)]
struct CredentialsField {
    _id: ObjectID,
    _key: bool,
    value: Vec<PublicCredential>,
}

impl IdentityClient {
    /// The public credentials identity `identity` holds, in the order they were first set.
    pub async fn credentials(&self, identity: ObjectID) -> SdkResult<Vec<PublicCredential>> {
        read_credentials(self.client(), identity).await
    }
}

/// The public credentials `identity` holds ([`SdkError::ObjectNotFound`] if it does not exist).
async fn read_credentials(
    client: &dyn crate::client::Client,
    identity: ObjectID,
) -> SdkResult<Vec<PublicCredential>> {
    client.object(identity).await?;
    let fields = client.dynamic_fields(identity).await?;
    let Some(field) = fields.iter().find(|o| is_credentials_field(o)) else {
        return Ok(vec![]);
    };
    let m = field.as_move().expect("checked");
    let decoded: CredentialsField = bcs::from_bytes(&m.contents)
        .map_err(|e| SdkError::decode(format!("credentials of {identity}"), e))?;
    Ok(decoded.value)
}

/// The URL at which a node at `node_url` (e.g. `http://127.0.0.1:9000`) serves credential
/// `name` of `did`.
pub fn credential_url(node_url: &str, did: &Did, name: &str) -> String {
    format!(
        "{}/1.0/identifiers/{did}/credentials/{name}",
        node_url.trim_end_matches('/')
    )
}

/// A `LinkedVerifiablePresentation` service (DIF Linked VP) for credential `name` of `did`,
/// served by the node at `node_url`: add it to the DID document so resolvers find the
/// presentation. The convention expects a presentation signed by the DID's own key.
pub fn linked_presentation_service(node_url: &str, did: &Did, name: &str) -> Service {
    Service {
        id: format!("{did}#{name}"),
        service_type: vec!["LinkedVerifiablePresentation".into()],
        service_endpoint: ServiceEndpoint::Url(credential_url(node_url, did, name)),
        properties: Default::default(),
    }
}

/// The media type of a served credential: a compact JWS.
pub const CONTENT_TYPE_JWT: &str = "application/jwt";

/// Answers the resolver binding's `{did}/credentials/{name}` (`identifier` as sent, still
/// `%`-encoded): the credential's bytes as `application/jwt`, or a DID Resolution error result
/// (invalid DID 400, no such identity or credential 404). `None` for any other identifier.
pub(crate) async fn answer(
    client: &dyn crate::client::Client,
    identifier: &str,
) -> Option<crate::resolver::http::HttpAnswer> {
    use crate::did::{percent_decode, ErrorKind, ResolutionError, ResolutionResult};
    use crate::resolver::http::{internal, whole_resolution, HttpAnswer};
    let decoded = percent_decode(identifier)?;
    let (did, name) = decoded.split_once("/credentials/")?;
    let fail = |kind, detail: String| {
        Some(whole_resolution(&ResolutionResult::failed(
            ResolutionError::new(kind, detail),
        )))
    };
    let did: Did = match did.parse() {
        Ok(d) => d,
        Err(e) => return fail(ErrorKind::InvalidDidUrl, format!("`{did}`: {e}")),
    };
    let held = match read_credentials(client, ObjectID::new(*did.object_id())).await {
        Ok(h) => h,
        Err(SdkError::ObjectNotFound(_)) => {
            return fail(ErrorKind::NotFound, format!("{did} does not exist"))
        }
        Err(e) => return Some(whole_resolution(&ResolutionResult::failed(internal(e)))),
    };
    match held.into_iter().find(|c| c.name == name) {
        Some(c) => Some(HttpAnswer {
            status: 200,
            content_type: Some(CONTENT_TYPE_JWT.to_owned()),
            location: None,
            body: c.jwt.into_bytes(),
        }),
        None => fail(
            ErrorKind::NotFound,
            format!("{did} holds no public credential `{name}`"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JWS: &str = "eyJhbGciOiJFZERTQSJ9.eyJ2YyI6e319.c2ln";

    fn set(name: &str, jwt: &str) -> CredentialChange {
        CredentialChange {
            set: vec![(name.into(), jwt.into())],
            remove: vec![],
        }
    }

    #[test]
    fn the_sdk_applies_the_packages_rules_before_sending() {
        assert!(set("degree-2024.v1_x", JWS).check().is_ok());
        for bad in [
            set("", JWS),
            set("a b", JWS),
            set(&"n".repeat(65), JWS),
            set("x", "a.b"),
            set("x", "a.b."),
            set("x", "a.b.c.d"),
            set("x", "{\"a\":1}.b.c"),
            set("x", &format!("a.b.{}", "c".repeat(MAX_CREDENTIAL_SIZE))),
            CredentialChange::default(),
            CredentialChange {
                set: vec![("x".into(), JWS.into())],
                remove: vec!["x".into()],
            },
        ] {
            assert!(
                matches!(bad.check(), Err(SdkError::InvalidArgument(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_linked_presentation_service_points_at_the_node() {
        let did: Did =
            "did:movid:local:0x00000000000000000000000000000000000000000000000000000000000000ab"
                .parse()
                .unwrap();
        let s = linked_presentation_service("http://127.0.0.1:9000/", &did, "degree");
        let v = serde_json::to_value(&s).unwrap();
        assert_eq!(v["type"], "LinkedVerifiablePresentation");
        assert_eq!(v["id"], format!("{did}#degree"));
        assert_eq!(
            v["serviceEndpoint"],
            format!("http://127.0.0.1:9000/1.0/identifiers/{did}/credentials/degree")
        );
    }
}
