//! Step A: enrollment. A user proves control of a DID, the enrollment
//! service checks it with the authority and returns an EdDSA-signed JWT.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, DecodingKey, Header, Validation};
use movid_runtime::types::ObjectID;
use serde::{Deserialize, Serialize};

use super::authority::{AccessAuthority, AccessClient};
use super::{unix_now, AccessError, AccessResult, Refusal};
use crate::did::{Did, DidDocument, MethodRef, PublicKey, Relationship, VerificationMethod};
use crate::identity::OnChainIdentity;
use crate::keys::{personal_message_digest, Committer};

/// The `aud` of tokens, unless configured otherwise.
pub const DEFAULT_AUDIENCE: &str = "movid-access";
/// How long a token lives, unless configured otherwise.
pub const DEFAULT_TOKEN_TTL: Duration = Duration::from_secs(600);
/// How long a challenge may be answered.
const CHALLENGE_TTL: Duration = Duration::from_secs(300);
/// The domain a challenge message starts with, so that a proof can never
/// be a signature of anything else.
const CHALLENGE_DOMAIN: &[u8] = b"movid-access/enroll/v1\n";

/// What the subject may do, copied from its policy at enrollment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Constraints {
    /// The services the subject may reach.
    pub allowed_services: Vec<String>,
    /// The most sessions it may hold.
    pub max_sessions: u64,
}

/// The claims of an enrollment token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenClaims {
    /// The hash of the subject's DID ([`subject_hash`]).
    pub sub: String,
    /// The authority's DID (its governing identity's).
    pub iss: String,
    /// The audience (the CA that will redeem it).
    pub aud: String,
    /// Issued at, Unix seconds.
    pub iat: u64,
    /// Expires at, Unix seconds: refused from this second on.
    pub exp: u64,
    /// The chain epoch at issuance.
    pub epoch: u64,
    /// The subject's policy at issuance.
    pub constraints: Constraints,
    /// 32 random bytes, base64url.
    pub nonce: String,
}

/// An enrollment token: a compact JWS (`header.claims.signature`) signed
/// with EdDSA by an assertion method of the authority's DID document.
#[derive(Clone, PartialEq, Eq)]
pub struct EnrollmentToken {
    jwt: String,
    kid: String,
    claims: TokenClaims,
}

impl EnrollmentToken {
    /// Reads a token without verifying it (see [`verify_token`]).
    pub fn parse(jwt: &str) -> Result<EnrollmentToken, Refusal> {
        let malformed = |reason: String| Refusal::MalformedToken { reason };
        let jwt = jwt.trim();
        let header = jsonwebtoken::decode_header(jwt).map_err(|e| malformed(e.to_string()))?;
        if header.alg != Algorithm::EdDSA {
            return Err(malformed(format!("alg is {:?}, not EdDSA", header.alg)));
        }
        let kid = header.kid.ok_or_else(|| malformed("no kid".into()))?;
        let payload = jwt
            .split('.')
            .nth(1)
            .ok_or_else(|| malformed("not a compact JWS".into()))?;
        let bytes = URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|e| malformed(format!("claims: {e}")))?;
        let claims =
            serde_json::from_slice(&bytes).map_err(|e| malformed(format!("claims: {e}")))?;
        Ok(EnrollmentToken {
            jwt: jwt.to_string(),
            kid,
            claims,
        })
    }

    /// The compact JWS.
    pub fn as_str(&self) -> &str {
        &self.jwt
    }

    /// The `kid`: the DID URL of the verification method that signed it.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The claims.
    pub fn claims(&self) -> &TokenClaims {
        &self.claims
    }

    /// The epoch it was issued in.
    pub fn epoch(&self) -> u64 {
        self.claims.epoch
    }

    /// Its hash, as the authority revokes it and a CSR's `tokenHash` names
    /// it: Blake2b-256 of the JWT's ASCII.
    pub fn hash(&self) -> [u8; 32] {
        token_hash(&self.jwt)
    }
}

impl fmt::Display for EnrollmentToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.jwt)
    }
}

impl fmt::Debug for EnrollmentToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnrollmentToken")
            .field("kid", &self.kid)
            .field("claims", &self.claims)
            .finish()
    }
}

/// Blake2b-256 of a JWT's ASCII.
pub(crate) fn token_hash(jwt: &str) -> [u8; 32] {
    movid_runtime::crypto::blake2b256(jwt.trim().as_bytes())
}

/// The token's `sub` for `did`: hex of Blake2b-256 of the DID string, so a
/// token does not spell out whom it was issued to.
pub fn subject_hash(did: &Did) -> String {
    hex::encode(movid_runtime::crypto::blake2b256(
        did.to_string().as_bytes(),
    ))
}

/// A fresh challenge from an enrollment service, to be signed once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Challenge {
    /// The authority the enrollment is for.
    pub authority: ObjectID,
    /// 32 random bytes.
    #[serde(with = "hex::serde")]
    pub nonce: [u8; 32],
    /// Unix seconds after which it is refused.
    pub expires_at: u64,
}

impl Challenge {
    /// The bytes a proof signs: a fixed domain, the authority's ID and the
    /// nonce.
    pub fn message(&self) -> Vec<u8> {
        [CHALLENGE_DOMAIN, &self.authority.into_inner(), &self.nonce].concat()
    }
}

/// A signature over a challenge by a verification method of the subject's
/// document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proof {
    /// The method's DID URL (or `#fragment`).
    pub verification_method: String,
    /// The signature bytes.
    #[serde(with = "hex::serde")]
    pub signature: Vec<u8>,
}

impl Proof {
    /// Signs `challenge` with `committer` as the method `verification_method`:
    /// Ed25519 over the personal-message digest of [`Challenge::message`]
    /// (so the signature can never pass as a transaction's).
    pub async fn sign(
        challenge: &Challenge,
        verification_method: impl Into<String>,
        committer: &Committer,
    ) -> AccessResult<Proof> {
        let signature = committer
            .sign_personal_message(&challenge.message())
            .await?;
        Ok(Proof {
            verification_method: verification_method.into(),
            signature: signature.signature_bytes().to_vec(),
        })
    }
}

/// Checks an enrollment proof against the subject's DID document.
///
/// The service calls it with the document as resolved on chain; another
/// implementation can accept other proofs (a verifiable presentation, a
/// passkey assertion) without changing the service.
pub trait ProofVerifier: Send + Sync {
    /// `Ok` when `proof` shows control of `document`'s DID over `message`;
    /// otherwise why not.
    fn verify(&self, document: &DidDocument, message: &[u8], proof: &Proof) -> Result<(), String>;
}

/// The default [`ProofVerifier`]: the proof's method must be an Ed25519
/// `authentication` method of the document, and its signature must verify
/// over the personal-message digest of the challenge.
#[derive(Clone, Copy, Debug, Default)]
pub struct Ed25519ProofVerifier;

impl ProofVerifier for Ed25519ProofVerifier {
    fn verify(&self, document: &DidDocument, message: &[u8], proof: &Proof) -> Result<(), String> {
        let method = relationship_method(document, Relationship::Authentication, |m| {
            document
                .method(&proof.verification_method)
                .is_some_and(|wanted| wanted.id == m.id)
        })
        .ok_or_else(|| {
            format!(
                "{} is not an authentication method of {}",
                proof.verification_method, document.id
            )
        })?;
        let PublicKey::Ed25519(key) = method.public_key().map_err(|e| e.to_string())? else {
            return Err(format!("{} is not an Ed25519 key", method.id));
        };
        let signature: [u8; 64] = proof
            .signature
            .as_slice()
            .try_into()
            .map_err(|_| "an Ed25519 signature is 64 bytes".to_string())?;
        let signature = crate::keys::Signature::new(signature, key);
        if signature.verify(&personal_message_digest(message)) {
            Ok(())
        } else {
            Err(format!("the signature does not verify with {}", method.id))
        }
    }
}

/// The first method of `relationship` in `document` satisfying `pred`
/// (dangling references are skipped).
pub(crate) fn relationship_method(
    document: &DidDocument,
    relationship: Relationship,
    pred: impl Fn(&VerificationMethod) -> bool,
) -> Option<&VerificationMethod> {
    document
        .relationship(relationship)
        .iter()
        .filter_map(|r| match r {
            MethodRef::Embedded(m) => Some(m),
            MethodRef::Reference(id) => document.method(id),
        })
        .find(|m| pred(m))
}

/// The method of `relationship` in `document` holding the Ed25519 key `key`.
pub(crate) fn method_with_key<'d>(
    document: &'d DidDocument,
    relationship: Relationship,
    key: &[u8; 32],
) -> Option<&'d VerificationMethod> {
    relationship_method(
        document,
        relationship,
        |m| matches!(m.public_key(), Ok(PublicKey::Ed25519(k)) if k == *key),
    )
}

/// A method's ID as an absolute DID URL.
pub(crate) fn absolute_method_id(document: &DidDocument, method: &VerificationMethod) -> String {
    match method.id.strip_prefix('#') {
        Some(fragment) => format!("{}#{fragment}", document.id),
        None if !method.id.contains(':') => format!("{}#{}", document.id, method.id),
        None => method.id.clone(),
    }
}

/// An active identity's document, or the refusal saying why there is none.
pub(crate) fn active_document(
    identity: &OnChainIdentity,
    inactive: impl FnOnce(Did) -> Refusal,
) -> AccessResult<DidDocument> {
    if identity.deleted || identity.deleted_did {
        return Err(inactive(identity.did.clone()).into());
    }
    match identity.document()? {
        Some(doc) => Ok(doc),
        None => Err(inactive(identity.did.clone()).into()),
    }
}

/// Reads the identity a DID names, as a subject.
pub(crate) async fn subject_identity(
    access: &AccessClient,
    did: &Did,
) -> AccessResult<OnChainIdentity> {
    let not_found = || Refusal::SubjectNotFound {
        did: did.to_string(),
    };
    if did.network() != access.client().network() {
        return Err(not_found().into());
    }
    let object = access
        .client()
        .get_object(ObjectID::new(*did.object_id()))
        .await?
        .ok_or_else(not_found)?;
    OnChainIdentity::from_object(&object, access.client().network()).map_err(|_| not_found().into())
}

/// Issues enrollment tokens for one authority (step A).
///
/// ```text
/// user                          enrollment service                chain
///  | -- challenge() ----------------> |                               |
///  | <- Challenge{nonce} ------------ |                               |
///  | -- enroll(did, challenge, proof) |-- resolve did, read policy -->|
///  | <- JWT (kid = authority method)  |                               |
/// ```
pub struct EnrollmentService {
    access: AccessClient,
    authority: ObjectID,
    signer: Committer,
    kid: String,
    issuer: Did,
    audience: String,
    ttl: Duration,
    verifier: Arc<dyn ProofVerifier>,
    challenges: Mutex<HashMap<[u8; 32], u64>>,
}

impl fmt::Debug for EnrollmentService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnrollmentService")
            .field("authority", &self.authority)
            .field("kid", &self.kid)
            .field("audience", &self.audience)
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

impl EnrollmentService {
    /// A service of `authority` signing with `signer`, whose key must be an
    /// `assertionMethod` of the authority identity's DID document (the
    /// method becomes the tokens' `kid`).
    pub async fn new(
        access: AccessClient,
        authority: ObjectID,
        signer: Committer,
    ) -> AccessResult<EnrollmentService> {
        let state = access.authority(authority).await?;
        let identity = access.authority_identity(&state).await?;
        let document = active_document(&identity, |did| Refusal::AuthorityInactive { did })?;
        let method = method_with_key(
            &document,
            Relationship::AssertionMethod,
            &signer.public_key(),
        )
        .ok_or_else(|| {
            AccessError::WrongKey(format!(
                "the key {} is not an assertion method of {}'s DID document; add it there first",
                hex::encode(signer.public_key()),
                identity.did
            ))
        })?;
        Ok(EnrollmentService {
            kid: absolute_method_id(&document, method),
            issuer: identity.did.clone(),
            access,
            authority,
            signer,
            audience: DEFAULT_AUDIENCE.to_string(),
            ttl: DEFAULT_TOKEN_TTL,
            verifier: Arc::new(Ed25519ProofVerifier),
            challenges: Mutex::new(HashMap::new()),
        })
    }

    /// Tokens name `audience` as their `aud`.
    pub fn with_audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = audience.into();
        self
    }

    /// Tokens live `ttl` (rounded down to seconds).
    pub fn with_ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// Proofs are checked by `verifier`.
    pub fn with_verifier(mut self, verifier: Arc<dyn ProofVerifier>) -> Self {
        self.verifier = verifier;
        self
    }

    /// The tokens' `kid`.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The tokens' `iss`: the authority's DID.
    pub fn issuer(&self) -> &Did {
        &self.issuer
    }

    /// A fresh challenge, answerable once within five minutes.
    pub fn challenge(&self) -> Challenge {
        use rand::RngCore;
        let mut nonce = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let now = unix_now();
        let expires_at = now + CHALLENGE_TTL.as_secs();
        let mut open = self.challenges.lock().expect("not poisoned");
        open.retain(|_, exp| *exp > now);
        open.insert(nonce, expires_at);
        Challenge {
            authority: self.authority,
            nonce,
            expires_at,
        }
    }

    /// Enrolls `did`: checks the answer to `challenge`, that the identity is
    /// active and that it has a policy, and returns a token carrying the
    /// policy as its constraints.
    pub async fn enroll(
        &self,
        did: &str,
        challenge: &Challenge,
        proof: &Proof,
    ) -> AccessResult<EnrollmentToken> {
        let enrolled = self.check_and_enroll(did, challenge, proof).await;
        match &enrolled {
            Ok(t) => {
                tracing::info!(authority = %self.authority, %did, epoch = t.epoch(), "token issued")
            }
            Err(AccessError::Refused(r)) => {
                tracing::warn!(authority = %self.authority, %did, reason = %r, "enrollment refused")
            }
            Err(_) => {}
        }
        enrolled
    }

    async fn check_and_enroll(
        &self,
        did: &str,
        challenge: &Challenge,
        proof: &Proof,
    ) -> AccessResult<EnrollmentToken> {
        self.consume(challenge)?;
        let did = Did::parse(did).map_err(|_| Refusal::SubjectNotFound {
            did: did.to_string(),
        })?;
        let identity = subject_identity(&self.access, &did).await?;
        let document = active_document(&identity, |did| Refusal::SubjectInactive { did })?;
        self.verifier
            .verify(&document, &challenge.message(), proof)
            .map_err(|reason| Refusal::InvalidProof { reason })?;
        let authority = self.access.authority(self.authority).await?;
        let policy = self
            .access
            .policy(&authority, identity.id)
            .await?
            .ok_or_else(|| Refusal::NoPolicy { did: did.clone() })?;
        let epoch = self.access.client().epoch().await?;
        let now = unix_now();
        let claims = TokenClaims {
            sub: subject_hash(&did),
            iss: self.issuer.to_string(),
            aud: self.audience.clone(),
            iat: now,
            exp: now + self.ttl.as_secs(),
            epoch,
            constraints: Constraints {
                allowed_services: policy.allowed_services,
                max_sessions: policy.max_sessions,
            },
            nonce: URL_SAFE_NO_PAD.encode(random_32()),
        };
        let jwt = sign_jwt(&self.signer, &self.kid, &claims).await?;
        Ok(EnrollmentToken {
            jwt,
            kid: self.kid.clone(),
            claims,
        })
    }

    fn consume(&self, challenge: &Challenge) -> Result<(), Refusal> {
        let mut open = self.challenges.lock().expect("not poisoned");
        match open.remove(&challenge.nonce) {
            Some(exp)
                if exp == challenge.expires_at
                    && challenge.authority == self.authority
                    && unix_now() < exp =>
            {
                Ok(())
            }
            _ => Err(Refusal::UnknownChallenge),
        }
    }
}

fn random_32() -> [u8; 32] {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes
}

/// A compact JWS of `claims`, EdDSA-signed by `signer` (the key manager
/// signs the signing input as it is, which is what EdDSA JWS wants).
async fn sign_jwt(signer: &Committer, kid: &str, claims: &TokenClaims) -> AccessResult<String> {
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some(kid.to_string());
    let header = serde_json::to_vec(&header).map_err(AccessError::encoding)?;
    let claims = serde_json::to_vec(claims).map_err(AccessError::encoding)?;
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(claims)
    );
    let signature = signer.sign(input.as_bytes()).await?;
    Ok(format!(
        "{input}.{}",
        URL_SAFE_NO_PAD.encode(signature.signature_bytes())
    ))
}

/// Verifies an enrollment token for `authority` as a CA redeeming it
/// must: its `kid` is an Ed25519 `assertionMethod` of the authority
/// identity's DID document as resolved on chain now, the EdDSA signature
/// verifies with it, `iss` is the authority's DID and `aud` is `audience`,
/// it has not expired, and its hash is neither revoked nor redeemed on chain.
pub async fn verify_token(
    access: &AccessClient,
    authority: &AccessAuthority,
    jwt: &str,
    audience: &str,
) -> AccessResult<EnrollmentToken> {
    let token = EnrollmentToken::parse(jwt)?;
    let identity = access.authority_identity(authority).await?;
    let document = active_document(&identity, |did| Refusal::AuthorityInactive { did })?;
    let key_not_listed = || Refusal::TokenKeyNotInAuthorityDocument {
        kid: token.kid.clone(),
    };
    let method = relationship_method(&document, Relationship::AssertionMethod, |m| {
        document
            .method(&token.kid)
            .is_some_and(|wanted| wanted.id == m.id)
    })
    .ok_or_else(key_not_listed)?;
    if !token.kid.starts_with(&format!("{}#", identity.did)) {
        return Err(key_not_listed().into());
    }
    let Ok(PublicKey::Ed25519(key)) = method.public_key() else {
        return Err(key_not_listed().into());
    };
    let mut validation = Validation::new(Algorithm::EdDSA);
    validation.set_audience(&[audience]);
    validation.set_issuer(&[identity.did.to_string()]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    validation.leeway = 0;
    // Expiry is checked below, with RFC 7519's "on or after" semantics.
    validation.validate_exp = false;
    let decoding_key = DecodingKey::from_ed_components(&URL_SAFE_NO_PAD.encode(key))
        .map_err(|e| AccessError::encoding(format!("the authority key: {e}")))?;
    let claims = jsonwebtoken::decode::<TokenClaims>(token.as_str(), &decoding_key, &validation)
        .map_err(|e| Refusal::InvalidToken {
            reason: e.to_string(),
        })?
        .claims;
    if claims != token.claims {
        return Err(Refusal::MalformedToken {
            reason: "the claims read twice differ".into(),
        }
        .into());
    }
    let now = unix_now();
    if now >= claims.exp {
        return Err(Refusal::TokenExpired {
            exp: claims.exp,
            now,
        }
        .into());
    }
    if access.is_token_revoked(authority, &token.hash()).await? {
        return Err(Refusal::TokenRevoked {
            hash: hex::encode(token.hash()),
        }
        .into());
    }
    if access.is_token_redeemed(authority, &token.hash()).await? {
        return Err(Refusal::TokenAlreadyRedeemed {
            hash: hex::encode(token.hash()),
        }
        .into());
    }
    Ok(token)
}
