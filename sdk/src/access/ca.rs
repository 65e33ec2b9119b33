//! Step C: the certificate authority, whose Ed25519 key is the authority's
//! on-chain `ca_public_key` and is held by the key manager.

use std::time::Duration;

use movid_runtime::types::ObjectID;
use rcgen::{
    CertificateParams, CrlDistributionPoint, CustomExtension, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, IsCa, Issuer, KeyUsagePurpose, SanType, SerialNumber,
};
use time::OffsetDateTime;

use super::authority::{AccessAuthority, AccessClient};
use super::device::{san_uri, subject_name, CertificateRequest};
use super::enroll::{
    active_document, method_with_key, subject_hash, subject_identity, verify_token,
};
use super::x509::{self, der, DeferredKey, Ed25519PublicKey, Serial};
use super::{oid, AccessError, AccessResult, CertificateInfo, Refusal};
use crate::did::Relationship;
use crate::keys::Committer;

/// How long a client certificate is valid, unless configured otherwise (its
/// epoch bound usually ends it first).
pub const DEFAULT_CERTIFICATE_VALIDITY: Duration = Duration::from_secs(24 * 3600);
/// How long a gate certificate is valid.
const GATE_CERTIFICATE_VALIDITY: Duration = Duration::from_secs(90 * 24 * 3600);
/// Back-dating of `notBefore`, for clocks a little behind.
const CLOCK_SKEW: Duration = Duration::from_secs(60);

/// A certificate the CA issued.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuedCertificate {
    der: Vec<u8>,
    serial: Serial,
}

impl IssuedCertificate {
    /// A certificate from its DER (nothing is checked).
    pub fn from_der(der: Vec<u8>) -> AccessResult<IssuedCertificate> {
        let cert = x509::parse_certificate(&der).map_err(AccessError::Encoding)?;
        let serial = Serial::from_der_integer(cert.raw_serial())
            .ok_or_else(|| AccessError::encoding("the serial is not a 128-bit positive integer"))?;
        Ok(IssuedCertificate { der, serial })
    }

    /// A certificate from PEM (`CERTIFICATE`).
    pub fn from_pem(pem: &str) -> AccessResult<IssuedCertificate> {
        IssuedCertificate::from_der(x509::from_pem("CERTIFICATE", pem)?)
    }

    /// The DER.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The PEM.
    pub fn pem(&self) -> String {
        x509::to_pem("CERTIFICATE", &self.der)
    }

    /// The serial, as the authority revokes it.
    pub fn serial(&self) -> Serial {
        self.serial
    }

    /// What a client certificate says (fails for a gate certificate).
    pub fn info(&self) -> Result<CertificateInfo, Refusal> {
        CertificateInfo::parse(&self.der)
    }
}

/// Issues client certificates for one authority (step C), and certificates
/// for its gates.
pub struct CertificateAuthority {
    access: AccessClient,
    authority: ObjectID,
    key: Committer,
    name: String,
    audience: String,
    validity: Duration,
    crl_uri: String,
}

impl std::fmt::Debug for CertificateAuthority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertificateAuthority")
            .field("authority", &self.authority)
            .field("name", &self.name)
            .field("audience", &self.audience)
            .field("validity", &self.validity)
            .finish_non_exhaustive()
    }
}

impl CertificateAuthority {
    /// The CA of `authority`, signing with `key`, which must be the
    /// authority's `ca_public_key`.
    pub async fn new(
        access: AccessClient,
        authority: ObjectID,
        key: Committer,
    ) -> AccessResult<CertificateAuthority> {
        let state = access.authority(authority).await?;
        if state.ca_public_key != key.public_key() {
            return Err(AccessError::WrongKey(format!(
                "the key {} is not the CA key of authority {authority} ({})",
                hex::encode(key.public_key()),
                hex::encode(state.ca_public_key)
            )));
        }
        Ok(CertificateAuthority {
            name: format!("movid access CA {}", &authority.to_string()[..18]),
            crl_uri: format!(
                "movid://{}/{authority}/revoked_serials",
                access.client().network()
            ),
            access,
            authority,
            key,
            audience: super::DEFAULT_AUDIENCE.to_string(),
            validity: DEFAULT_CERTIFICATE_VALIDITY,
        })
    }

    /// Redeems tokens whose `aud` is `audience`.
    pub fn with_audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = audience.into();
        self
    }

    /// Client certificates are valid for `validity`.
    pub fn with_validity(mut self, validity: Duration) -> Self {
        self.validity = validity;
        self
    }

    /// The issuer's common name.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The CRL distribution point written in certificates. The default,
    /// `movid://<network>/0x<authority>/revoked_serials`, names the on-chain
    /// table gates consult; there is no CRL file.
    pub fn with_crl_distribution_point(mut self, uri: impl Into<String>) -> Self {
        self.crl_uri = uri.into();
        self
    }

    /// The authority's ID.
    pub fn authority(&self) -> ObjectID {
        self.authority
    }

    /// Issues a client certificate for `csr`, answering `token`.
    ///
    /// Refuses (in this order) unless: the token verifies
    /// ([`verify_token`]: signature by the authority's document, issuer,
    /// audience, expiry, revocation) and was issued in the current epoch;
    /// the CSR's signature verifies with its key; it answers this token, for
    /// the token's subject, in the current epoch; the subject is active and
    /// lists the key under `authentication`; and some service of the token
    /// is still allowed by the subject's policy. The certificate binds those
    /// services. Tokens are single-use: the token must not have been
    /// redeemed, and before the certificate is returned its redemption is
    /// recorded on chain from the CA key's account (which must hold gas), so
    /// a second issuance - even a concurrent one - is refused with
    /// [`Refusal::TokenAlreadyRedeemed`].
    pub async fn issue(
        &self,
        csr: &CertificateRequest,
        token: &str,
    ) -> AccessResult<IssuedCertificate> {
        let issued = self.check_and_issue(csr, token).await;
        match &issued {
            Ok(cert) => {
                tracing::info!(authority = %self.authority, serial = %cert.serial(), "certificate issued")
            }
            Err(AccessError::Refused(r)) => {
                tracing::warn!(authority = %self.authority, reason = %r, "issuance refused")
            }
            Err(_) => {}
        }
        issued
    }

    async fn check_and_issue(
        &self,
        csr: &CertificateRequest,
        token: &str,
    ) -> AccessResult<IssuedCertificate> {
        let authority = self.current_authority().await?;
        let token = verify_token(&self.access, &authority, token, &self.audience).await?;
        let current = self.access.client().epoch().await?;
        if token.epoch() != current {
            return Err(Refusal::TokenEpochMismatch {
                token_epoch: token.epoch(),
                current,
            }
            .into());
        }
        let request = csr.verify()?;
        if request.token_hash != token.hash() {
            return Err(Refusal::TokenMismatch.into());
        }
        if subject_hash(&request.subject) != token.claims().sub {
            return Err(Refusal::SubjectMismatch {
                did: request.subject,
            }
            .into());
        }
        if request.epoch != current {
            return Err(Refusal::EpochMismatch {
                bound: request.epoch,
                current,
            }
            .into());
        }
        let identity = subject_identity(&self.access, &request.subject).await?;
        let document = active_document(&identity, |did| Refusal::SubjectInactive { did })?;
        if method_with_key(&document, Relationship::Authentication, &request.public_key).is_none() {
            return Err(Refusal::KeyNotInDocument {
                did: request.subject,
            }
            .into());
        }
        let policy = self
            .access
            .policy(&authority, identity.id)
            .await?
            .ok_or_else(|| Refusal::NoPolicy {
                did: request.subject.clone(),
            })?;
        let services: Vec<String> = token
            .claims()
            .constraints
            .allowed_services
            .iter()
            .filter(|s| policy.allows(s))
            .cloned()
            .collect();
        if services.is_empty() {
            return Err(Refusal::NoServices.into());
        }

        let mut params = self.params(self.validity)?;
        params.distinguished_name = subject_name(&request.subject);
        params.subject_alt_names = vec![san_uri(&request.subject)?];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        params.custom_extensions = vec![
            CustomExtension::from_oid_content(oid::EPOCH_BOUND, der::u64(request.epoch)),
            CustomExtension::from_oid_content(oid::SERVICE_BINDINGS, der::utf8_sequence(&services)),
        ];
        let cert = self.sign(params, request.public_key).await?;
        // Recorded before the certificate leaves the CA: if this fails (a
        // concurrent issuance won the race), the certificate is dropped.
        self.access
            .redeem_token(&self.key, self.authority, &token.hash(), &cert.serial())
            .await?;
        Ok(cert)
    }

    /// Issues a gate's server certificate for `names` (DNS names or IP
    /// addresses) and the gate's Ed25519 TLS key `public_key`. Connectors
    /// accept a gate whose certificate this CA issued.
    pub async fn issue_gate_certificate(
        &self,
        names: &[String],
        public_key: [u8; 32],
    ) -> AccessResult<IssuedCertificate> {
        self.current_authority().await?;
        let mut params = self.params(GATE_CERTIFICATE_VALIDITY)?;
        params.subject_alt_names = names
            .iter()
            .map(|n| match n.parse() {
                Ok(ip) => Ok(SanType::IpAddress(ip)),
                Err(_) => Ok(SanType::DnsName(n.clone().try_into()?)),
            })
            .collect::<AccessResult<_>>()?;
        let mut dn = DistinguishedName::new();
        dn.push(
            DnType::CommonName,
            names
                .first()
                .cloned()
                .unwrap_or_else(|| "movid gate".into()),
        );
        params.distinguished_name = dn;
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        self.sign(params, public_key).await
    }

    /// The authority, checked to still have this CA's key.
    async fn current_authority(&self) -> AccessResult<AccessAuthority> {
        let authority = self.access.authority(self.authority).await?;
        if authority.ca_public_key != self.key.public_key() {
            return Err(AccessError::WrongKey(format!(
                "authority {} rotated its CA key; this CA's key is no longer it",
                self.authority
            )));
        }
        Ok(authority)
    }

    /// What every certificate of this CA has.
    fn params(&self, validity: Duration) -> AccessResult<CertificateParams> {
        let now = OffsetDateTime::now_utc();
        let mut params = CertificateParams::default();
        params.serial_number = Some(SerialNumber::from_slice(&Serial::random().0));
        params.not_before = now - CLOCK_SKEW;
        params.not_after = now + validity;
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.use_authority_key_identifier_extension = true;
        params.crl_distribution_points = vec![CrlDistributionPoint {
            uris: vec![self.crl_uri.clone()],
        }];
        Ok(params)
    }

    /// Signs `params` for `public_key` with the CA key.
    async fn sign(
        &self,
        params: CertificateParams,
        public_key: [u8; 32],
    ) -> AccessResult<IssuedCertificate> {
        let mut issuer_params = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, self.name.clone());
        issuer_params.distinguished_name = dn;
        issuer_params.is_ca = IsCa::Ca(rcgen::BasicConstraints::Constrained(0));
        issuer_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let key = DeferredKey::new(self.key.public_key());
        let issuer = Issuer::new(issuer_params, &key);
        let cert = params.signed_by(&Ed25519PublicKey(public_key), &issuer)?;
        let der = key.finish(cert.der().to_vec(), &self.key).await?;
        IssuedCertificate::from_der(der)
    }
}
