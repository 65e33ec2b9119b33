//! The rustls side: TLS 1.3 only, Ed25519 only, trust rooted in the
//! authority's on-chain CA key rather than in a certificate store.

use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::sign::{Signer, SigningKey};
use rustls::{
    CertificateError, DigitallySignedStruct, DistinguishedName, SignatureAlgorithm, SignatureScheme,
};

use super::x509::{ed25519_key_of, parse_certificate, verify_issued_by};
use super::{CertificateInfo, Refusal};
use crate::keys::Committer;

/// The crypto provider: ring.
pub(crate) fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// TLS 1.3 only.
pub(crate) const VERSIONS: &[&rustls::SupportedProtocolVersion] = &[&rustls::version::TLS13];

/// A handshake signing key held by the key manager.
///
/// rustls signs synchronously inside the handshake, while a [`Committer`]
/// signs asynchronously (its backend may be an agent process). Each
/// signature is therefore made on a short-lived thread with a runtime of its
/// own, which works from inside or outside any tokio runtime and blocks the
/// handshake only for the signature's time. A handshake signature is over
/// the TLS 1.3 `CertificateVerify` content (64 spaces, a context string and
/// a transcript hash), which can never be a 32-byte transaction digest.
#[derive(Clone, Debug)]
pub(crate) struct CommitterKey(pub Committer);

impl SigningKey for CommitterKey {
    fn choose_scheme(&self, offered: &[SignatureScheme]) -> Option<Box<dyn Signer>> {
        offered
            .contains(&SignatureScheme::ED25519)
            .then(|| Box::new(self.clone()) as Box<dyn Signer>)
    }

    fn algorithm(&self) -> SignatureAlgorithm {
        SignatureAlgorithm::ED25519
    }
}

impl Signer for CommitterKey {
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, rustls::Error> {
        let committer = self.0.clone();
        let message = message.to_vec();
        let signed = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            runtime
                .block_on(committer.sign(&message))
                .map_err(|e| e.to_string())
        })
        .join()
        .map_err(|_| "the signing thread panicked".to_string())
        .and_then(|r| r);
        signed
            .map(|s| s.signature_bytes().to_vec())
            .map_err(|e| rustls::Error::General(format!("the device key could not sign: {e}")))
    }

    fn scheme(&self) -> SignatureScheme {
        SignatureScheme::ED25519
    }
}

/// Verifies a TLS 1.3 `CertificateVerify` signature with the Ed25519 key of
/// `cert`.
fn verify_handshake_signature(
    message: &[u8],
    cert: &CertificateDer<'_>,
    dss: &DigitallySignedStruct,
) -> Result<HandshakeSignatureValid, rustls::Error> {
    if dss.scheme != SignatureScheme::ED25519 {
        return Err(rustls::Error::PeerMisbehaved(
            rustls::PeerMisbehaved::SignedHandshakeWithUnadvertisedSigScheme,
        ));
    }
    let parsed = parse_certificate(cert)
        .map_err(|_| rustls::Error::InvalidCertificate(CertificateError::BadEncoding))?;
    let key = ed25519_key_of(parsed.public_key())
        .map_err(|_| rustls::Error::InvalidCertificate(CertificateError::BadEncoding))?;
    let key = ed25519_dalek::VerifyingKey::from_bytes(&key)
        .map_err(|_| rustls::Error::InvalidCertificate(CertificateError::BadEncoding))?;
    let signature = ed25519_dalek::Signature::from_slice(dss.signature())
        .map_err(|_| rustls::Error::InvalidCertificate(CertificateError::BadSignature))?;
    key.verify_strict(message, &signature)
        .map(|_| HandshakeSignatureValid::assertion())
        .map_err(|_| rustls::Error::InvalidCertificate(CertificateError::BadSignature))
}

/// The gate's check of a client certificate during the handshake: issued
/// by the CA key read from the chain for this connection, a readable movid
/// client certificate, within its validity. What fails is kept in
/// `refusal` for the gate to report; the chain-state checks (epoch,
/// revocation, identity, policy, sessions) follow the handshake.
#[derive(Debug)]
pub(crate) struct ClientVerifier {
    pub ca_key: [u8; 32],
    pub refusal: Arc<Mutex<Option<Refusal>>>,
}

impl ClientVerifier {
    fn refuse(&self, refusal: Refusal, error: CertificateError) -> rustls::Error {
        *self.refusal.lock().expect("not poisoned") = Some(refusal);
        rustls::Error::InvalidCertificate(error)
    }
}

impl ClientCertVerifier for ClientVerifier {
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        verify_issued_by(end_entity, &self.ca_key)
            .map_err(|r| self.refuse(r, CertificateError::UnknownIssuer))?;
        let info = CertificateInfo::parse(end_entity)
            .map_err(|r| self.refuse(r, CertificateError::BadEncoding))?;
        let now = now.as_secs() as i64;
        if !info.is_valid_at(now) {
            let refusal = Refusal::CertificateNotValidNow {
                not_before: info.not_before,
                not_after: info.not_after,
                now,
            };
            return Err(self.refuse(refusal, CertificateError::Expired));
        }
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Err(rustls::Error::General("TLS 1.2 is not offered".into()))
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_handshake_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        vec![SignatureScheme::ED25519]
    }
}

/// The connector's check of a gate: a server-authentication certificate
/// issued by the authority's on-chain CA key, within its validity. (Any gate
/// the CA certified is accepted: the name the client dials is not checked.)
#[derive(Debug)]
pub(crate) struct GateVerifier {
    pub ca_key: [u8; 32],
}

impl ServerCertVerifier for GateVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        verify_issued_by(end_entity, &self.ca_key)
            .map_err(|_| rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer))?;
        let cert = parse_certificate(end_entity)
            .map_err(|_| rustls::Error::InvalidCertificate(CertificateError::BadEncoding))?;
        let server_auth = cert
            .extended_key_usage()
            .ok()
            .flatten()
            .is_some_and(|e| e.value.server_auth);
        if !server_auth {
            return Err(rustls::Error::InvalidCertificate(
                CertificateError::InvalidPurpose,
            ));
        }
        let now = now.as_secs() as i64;
        let validity = cert.validity();
        if now < validity.not_before.timestamp() {
            return Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidYet,
            ));
        }
        if now > validity.not_after.timestamp() {
            return Err(rustls::Error::InvalidCertificate(CertificateError::Expired));
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Err(rustls::Error::General("TLS 1.2 is not offered".into()))
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_handshake_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        vec![SignatureScheme::ED25519]
    }
}
