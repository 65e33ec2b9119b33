//! Step B: the device key, made and held by the key manager, and the PKCS#10
//! certificate request it signs.

use rcgen::{
    CertificateParams, CustomExtension, DistinguishedName, DnType, DnValue,
    ExtendedKeyUsagePurpose, KeyUsagePurpose, SanType,
};
use x509_parser::certification_request::X509CertificationRequest;
use x509_parser::cri_attributes::ParsedCriAttribute;
use x509_parser::prelude::FromDer;

use super::enroll::EnrollmentToken;
use super::x509::{self, der, ed25519_key_of, name_user_id, oid_is, DeferredKey};
use super::{oid, AccessError, AccessResult, Refusal};
use crate::did::{Did, KeyFormat, PublicKey, Relationship, VerificationMethod};
use crate::keys::{Backend, Capability, Committer, Handle, IdentityId, IdentityManager, Scheme};

/// What a certificate request asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsrParams {
    /// The subject's DID (subject `UID` and SAN URI).
    pub subject: Did,
    /// The Ed25519 key to certify.
    pub public_key: [u8; 32],
    /// The hash of the enrollment token it answers (`tokenHash`).
    pub token_hash: [u8; 32],
    /// The chain epoch it is bound to (`epochBound`).
    pub epoch: u64,
}

impl CsrParams {
    /// The request for `subject`'s key `public_key`, answering `token` in
    /// the token's epoch.
    pub fn new(subject: Did, public_key: [u8; 32], token: &EnrollmentToken) -> CsrParams {
        CsrParams {
            subject,
            public_key,
            token_hash: token.hash(),
            epoch: token.epoch(),
        }
    }

    /// Encodes the request and has `signer` sign it. A CA accepts it only
    /// when `signer` holds the secret of `public_key`.
    pub async fn sign(&self, signer: &Committer) -> AccessResult<CertificateRequest> {
        let mut params = CertificateParams::default();
        params.distinguished_name = subject_name(&self.subject);
        params.subject_alt_names = vec![san_uri(&self.subject)?];
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        params.custom_extensions = vec![
            CustomExtension::from_oid_content(oid::EPOCH_BOUND, der::u64(self.epoch)),
            CustomExtension::from_oid_content(oid::TOKEN_HASH, der::octet_string(&self.token_hash)),
        ];
        let key = DeferredKey::new(self.public_key);
        let csr = params.serialize_request(&key)?;
        let der = key.finish(csr.der().to_vec(), signer).await?;
        Ok(CertificateRequest { der })
    }
}

/// `UID=<did>`.
pub(crate) fn subject_name(did: &Did) -> DistinguishedName {
    let mut name = DistinguishedName::new();
    name.push(
        DnType::CustomDnType(oid::USER_ID.to_vec()),
        DnValue::Utf8String(did.to_string()),
    );
    name
}

/// The SAN URI of a DID.
pub(crate) fn san_uri(did: &Did) -> AccessResult<SanType> {
    Ok(SanType::URI(did.to_string().try_into()?))
}

/// A DER PKCS#10 certificate request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateRequest {
    der: Vec<u8>,
}

/// What a verified certificate request says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsrInfo {
    /// The subject's DID.
    pub subject: Did,
    /// The key to certify.
    pub public_key: [u8; 32],
    /// The token it answers.
    pub token_hash: [u8; 32],
    /// The epoch it is bound to.
    pub epoch: u64,
}

impl CertificateRequest {
    /// A request from its DER.
    pub fn from_der(der: Vec<u8>) -> CertificateRequest {
        CertificateRequest { der }
    }

    /// A request from PEM (`CERTIFICATE REQUEST`).
    pub fn from_pem(pem: &str) -> AccessResult<CertificateRequest> {
        Ok(CertificateRequest {
            der: x509::from_pem("CERTIFICATE REQUEST", pem)?,
        })
    }

    /// The DER.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The PEM.
    pub fn pem(&self) -> String {
        x509::to_pem("CERTIFICATE REQUEST", &self.der)
    }

    /// Parses the request and verifies its signature with the key it
    /// carries (x509-parser: rcgen does not read custom extensions).
    pub fn verify(&self) -> Result<CsrInfo, Refusal> {
        let malformed = |reason: String| Refusal::MalformedCsr { reason };
        let csr = match X509CertificationRequest::from_der(&self.der) {
            Ok(([], csr)) => csr,
            Ok(_) => return Err(malformed("trailing bytes after the request".into())),
            Err(e) => return Err(malformed(format!("not a PKCS#10 request: {e}"))),
        };
        let info = &csr.certification_request_info;
        let public_key = ed25519_key_of(&info.subject_pki).map_err(malformed)?;
        csr.verify_signature()
            .map_err(|_| Refusal::InvalidCsrSignature)?;
        let uid = name_user_id(&info.subject).ok_or_else(|| malformed("no subject UID".into()))?;
        let subject = Did::parse(&uid).map_err(|e| malformed(format!("subject UID: {e}")))?;
        let mut epoch = None;
        let mut token_hash = None;
        let extensions = info
            .iter_attributes()
            .find_map(|a| match a.parsed_attribute() {
                ParsedCriAttribute::ExtensionRequest(r) => Some(&r.extensions),
                _ => None,
            });
        for ext in extensions.into_iter().flatten() {
            if oid_is(&ext.oid, oid::EPOCH_BOUND) {
                epoch = der::read_u64(ext.value);
            } else if oid_is(&ext.oid, oid::TOKEN_HASH) {
                token_hash = der::read_octet_string(ext.value).and_then(|b| b.try_into().ok());
            }
        }
        Ok(CsrInfo {
            subject,
            public_key,
            token_hash: token_hash
                .ok_or_else(|| malformed("no readable tokenHash extension".into()))?,
            epoch: epoch.ok_or_else(|| malformed("no readable epochBound extension".into()))?,
        })
    }
}

/// A device's Ed25519 key, held by the key manager with the `Commit`
/// capability only: it signs the device's CSR and its TLS handshakes, and
/// its secret never leaves the backend.
#[derive(Clone, Debug)]
pub struct DeviceKey {
    handle: Handle,
    committer: Committer,
}

impl DeviceKey {
    /// Generates a device key in `backend`.
    pub async fn generate(backend: &Backend) -> AccessResult<DeviceKey> {
        let (_, handle) = IdentityManager::new()
            .generate(backend, Scheme::Ed25519, Capability::Commit)
            .await?;
        DeviceKey::from_handle(handle)
    }

    /// Connects to device key `id` held by `backend`.
    pub async fn connect(backend: &Backend, id: IdentityId) -> AccessResult<DeviceKey> {
        let handle = IdentityManager::new()
            .connect(id, backend, Capability::Commit)
            .await?;
        DeviceKey::from_handle(handle)
    }

    /// A device key from a handle that may sign.
    pub fn from_handle(handle: Handle) -> AccessResult<DeviceKey> {
        let committer = handle.require_committer()?;
        Ok(DeviceKey { handle, committer })
    }

    /// The key's ID in its backend.
    pub fn id(&self) -> IdentityId {
        self.handle.id()
    }

    /// The Ed25519 public key.
    pub fn public_key(&self) -> [u8; 32] {
        self.committer.public_key()
    }

    /// The signer.
    pub fn committer(&self) -> &Committer {
        &self.committer
    }

    /// The verification method publishing this key in `did`'s document
    /// under `fragment`, to be listed under `authentication` (the CA and
    /// the gate require it there).
    pub fn verification_method(
        &self,
        did: &Did,
        fragment: &str,
    ) -> AccessResult<VerificationMethod> {
        let url = did
            .join(fragment)
            .map_err(|e| AccessError::InvalidArgument(e.to_string()))?;
        Ok(VerificationMethod::new(
            &url,
            did,
            PublicKey::Ed25519(self.public_key()),
            KeyFormat::Multibase,
        ))
    }

    /// The relationships a device key needs in its subject's document.
    pub fn relationships() -> &'static [Relationship] {
        &[Relationship::Authentication]
    }

    /// A request for `subject` answering `token`, bound to the token's epoch.
    pub async fn csr(
        &self,
        subject: &Did,
        token: &EnrollmentToken,
    ) -> AccessResult<CertificateRequest> {
        CsrParams::new(subject.clone(), self.public_key(), token)
            .sign(&self.committer)
            .await
    }
}
