//! X.509 pieces shared by the CSR, the CA and the TLS verifiers: the movid
//! extensions' DER, Ed25519 keys in SPKI form, serials, signing through the
//! key manager, and reading a client certificate back.

use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use x509_parser::prelude::{FromDer, GeneralName, X509Certificate};
use x509_parser::x509::SubjectPublicKeyInfo;

use super::{oid, AccessError, AccessResult, Refusal};
use crate::did::Did;
use crate::keys::Committer;

/// A certificate serial as the authority stores it: 16 bytes, big-endian,
/// left-padded with zeros, without the DER sign byte.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Serial(pub [u8; 16]);

impl Serial {
    /// A fresh 128-bit random serial (never zero: a serial must be positive).
    pub fn random() -> Serial {
        use rand::RngCore;
        loop {
            let mut bytes = [0u8; 16];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            if bytes != [0; 16] {
                return Serial(bytes);
            }
        }
    }

    /// Reads the content octets of a DER `INTEGER` serial (as
    /// `X509Certificate::raw_serial` gives them): leading zeros dropped, at
    /// most 16 bytes left.
    pub fn from_der_integer(raw: &[u8]) -> Option<Serial> {
        let start = raw.iter().position(|b| *b != 0).unwrap_or(raw.len());
        let digits = &raw[start..];
        if digits.is_empty() || digits.len() > 16 {
            return None;
        }
        let mut out = [0u8; 16];
        out[16 - digits.len()..].copy_from_slice(digits);
        Some(Serial(out))
    }

    /// The 16 bytes.
    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }
}

impl fmt::Display for Serial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for Serial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Serial({self})")
    }
}

impl FromStr for Serial {
    type Err = String;

    fn from_str(s: &str) -> Result<Serial, String> {
        let s = s.strip_prefix("0x").unwrap_or(s);
        let bytes = hex::decode(s).map_err(|e| format!("`{s}` is not hex: {e}"))?;
        bytes
            .try_into()
            .map(Serial)
            .map_err(|_| format!("`{s}` is not 16 bytes (32 hex digits)"))
    }
}

impl Serialize for Serial {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Serial {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Serial, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// What a movid client certificate says, read (not verified) from its DER.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateInfo {
    /// The serial.
    pub serial: Serial,
    /// The subject's DID (SAN URI, which must agree with the subject `UID`).
    pub subject: Did,
    /// The subject's Ed25519 public key.
    pub public_key: [u8; 32],
    /// The chain epoch the certificate is bound to (`epochBound`).
    pub epoch: u64,
    /// The services it may reach (`serviceBindings`).
    pub services: Vec<String>,
    /// Start of validity, Unix seconds.
    pub not_before: i64,
    /// End of validity, Unix seconds.
    pub not_after: i64,
}

impl CertificateInfo {
    /// Reads a client certificate. Fails with
    /// [`Refusal::MalformedCertificate`] when a movid field is missing or
    /// unreadable, or the certificate is not for client authentication.
    pub fn parse(der: &[u8]) -> Result<CertificateInfo, Refusal> {
        let malformed = |reason: String| Refusal::MalformedCertificate { reason };
        let cert = parse_certificate(der).map_err(malformed)?;
        let serial = Serial::from_der_integer(cert.raw_serial())
            .ok_or_else(|| malformed("the serial is not a positive 128-bit integer".into()))?;
        let eku = cert
            .extended_key_usage()
            .map_err(|e| malformed(format!("extended key usage: {e}")))?;
        if !eku.is_some_and(|e| e.value.client_auth) {
            return Err(malformed("not a client authentication certificate".into()));
        }
        let subject = subject_did(&cert).map_err(malformed)?;
        let public_key = ed25519_key_of(cert.public_key()).map_err(malformed)?;
        let mut epoch = None;
        let mut services = None;
        for ext in cert.extensions() {
            if oid_is(&ext.oid, oid::EPOCH_BOUND) {
                epoch =
                    Some(der::read_u64(ext.value).ok_or_else(|| malformed("epochBound".into()))?);
            } else if oid_is(&ext.oid, oid::SERVICE_BINDINGS) {
                services = Some(
                    der::read_utf8_sequence(ext.value)
                        .ok_or_else(|| malformed("serviceBindings".into()))?,
                );
            }
        }
        Ok(CertificateInfo {
            serial,
            subject,
            public_key,
            epoch: epoch.ok_or_else(|| malformed("no epochBound extension".into()))?,
            services: services.ok_or_else(|| malformed("no serviceBindings extension".into()))?,
            not_before: cert.validity().not_before.timestamp(),
            not_after: cert.validity().not_after.timestamp(),
        })
    }

    /// Whether `now` (Unix seconds) is within the validity period.
    pub fn is_valid_at(&self, now: i64) -> bool {
        self.not_before <= now && now <= self.not_after
    }
}

/// Parses a DER certificate with nothing left over.
pub(crate) fn parse_certificate(der: &[u8]) -> Result<X509Certificate<'_>, String> {
    match x509_parser::parse_x509_certificate(der) {
        Ok(([], cert)) => Ok(cert),
        Ok(_) => Err("trailing bytes after the certificate".into()),
        Err(e) => Err(format!("not an X.509 certificate: {e}")),
    }
}

/// Checks that `der` was signed by the Ed25519 key `ca_key`.
pub(crate) fn verify_issued_by(der: &[u8], ca_key: &[u8; 32]) -> Result<(), Refusal> {
    let cert = parse_certificate(der).map_err(|reason| Refusal::MalformedCertificate { reason })?;
    let spki_der = ed25519_spki(ca_key);
    let (_, spki) =
        SubjectPublicKeyInfo::from_der(&spki_der).map_err(|e| Refusal::UntrustedCertificate {
            reason: format!("the CA key does not encode: {e}"),
        })?;
    cert.verify_signature(Some(&spki))
        .map_err(|e| Refusal::UntrustedCertificate {
            reason: format!("the signature does not verify with the on-chain CA key ({e})"),
        })
}

/// The subject DID of a certificate: its SAN URI, which must agree with the
/// subject's `UID`.
fn subject_did(cert: &X509Certificate<'_>) -> Result<Did, String> {
    let san = cert
        .subject_alternative_name()
        .map_err(|e| format!("subject alternative name: {e}"))?
        .ok_or("no subject alternative name")?;
    let uri = san
        .value
        .general_names
        .iter()
        .find_map(|n| match n {
            GeneralName::URI(u) => Some(*u),
            _ => None,
        })
        .ok_or("no URI in the subject alternative name")?;
    let did = Did::parse(uri).map_err(|e| format!("SAN URI: {e}"))?;
    match name_user_id(cert.subject()) {
        Some(uid) if uid == uri => Ok(did),
        _ => Err("the subject UID is not the SAN URI's DID".into()),
    }
}

/// The `userId` attribute of a name.
pub(crate) fn name_user_id(name: &x509_parser::x509::X509Name<'_>) -> Option<String> {
    name.iter_attributes()
        .find(|a| oid_is(a.attr_type(), oid::USER_ID))
        .and_then(|a| a.as_str().ok())
        .map(str::to_string)
}

/// Whether `oid` is the OID written as `arcs`.
pub(crate) fn oid_is(oid: &x509_parser::der_parser::Oid<'_>, arcs: &[u64]) -> bool {
    oid.iter().is_some_and(|it| it.eq(arcs.iter().copied()))
}

/// The Ed25519 key of an SPKI.
pub(crate) fn ed25519_key_of(spki: &SubjectPublicKeyInfo<'_>) -> Result<[u8; 32], String> {
    if !oid_is(&spki.algorithm.algorithm, oid::ED25519) {
        return Err("the public key is not an Ed25519 key".into());
    }
    spki.subject_public_key
        .data
        .as_ref()
        .try_into()
        .map_err(|_| "the Ed25519 public key is not 32 bytes".to_string())
}

/// The DER `SubjectPublicKeyInfo` of an Ed25519 key (RFC 8410).
pub(crate) fn ed25519_spki(key: &[u8; 32]) -> Vec<u8> {
    let mut out = vec![
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
    ];
    out.extend_from_slice(key);
    out
}

/// An Ed25519 public key as rcgen's subject key of a certificate.
pub(crate) struct Ed25519PublicKey(pub [u8; 32]);

impl rcgen::PublicKeyData for Ed25519PublicKey {
    fn der_bytes(&self) -> &[u8] {
        &self.0
    }

    fn algorithm(&self) -> &'static rcgen::SignatureAlgorithm {
        &rcgen::PKCS_ED25519
    }
}

/// A signing key for rcgen whose signature is made afterwards.
///
/// rcgen signs synchronously and wants the secret key; the key manager signs
/// asynchronously and never hands a secret key out. So rcgen is given this
/// key, which records the bytes to be signed and returns 64 zero bytes;
/// [`DeferredKey::finish`] then has the committer sign the recorded bytes
/// and writes the signature over the zeros. An Ed25519 signature is always
/// 64 bytes, the last field of both a certificate and a CSR (a `BIT STRING`
/// closing the outer `SEQUENCE`), so the encoding around it does not change.
pub(crate) struct DeferredKey {
    public_key: [u8; 32],
    message: Mutex<Option<Vec<u8>>>,
}

impl DeferredKey {
    /// A deferred key for the Ed25519 key `public_key`.
    pub(crate) fn new(public_key: [u8; 32]) -> DeferredKey {
        DeferredKey {
            public_key,
            message: Mutex::new(None),
        }
    }

    /// Signs what rcgen asked to sign with `signer` and puts the signature
    /// in `der`.
    pub(crate) async fn finish(
        &self,
        mut der: Vec<u8>,
        signer: &Committer,
    ) -> AccessResult<Vec<u8>> {
        let message = self
            .message
            .lock()
            .expect("not poisoned")
            .take()
            .ok_or_else(|| AccessError::encoding("nothing was signed"))?;
        let n = der.len();
        if n < 64 || der[n - 64..] != [0u8; 64] {
            return Err(AccessError::encoding(
                "the placeholder signature is not where it belongs",
            ));
        }
        let signature = signer.sign(&message).await?;
        der[n - 64..].copy_from_slice(&signature.signature_bytes());
        Ok(der)
    }
}

impl rcgen::PublicKeyData for DeferredKey {
    fn der_bytes(&self) -> &[u8] {
        &self.public_key
    }

    fn algorithm(&self) -> &'static rcgen::SignatureAlgorithm {
        &rcgen::PKCS_ED25519
    }
}

impl rcgen::SigningKey for DeferredKey {
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, rcgen::Error> {
        *self.message.lock().expect("not poisoned") = Some(msg.to_vec());
        Ok(vec![0; 64])
    }
}

/// PEM armour of DER bytes.
pub(crate) fn to_pem(label: &str, der: &[u8]) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// The DER inside the first PEM block labelled `label`.
pub(crate) fn from_pem(label: &str, pem: &str) -> AccessResult<Vec<u8>> {
    use base64::Engine;
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = pem
        .find(&begin)
        .ok_or_else(|| AccessError::encoding(format!("no `{begin}` block")))?
        + begin.len();
    let stop = pem[start..]
        .find(&end)
        .ok_or_else(|| AccessError::encoding(format!("no `{end}` line")))?
        + start;
    let b64: String = pem[start..stop].split_whitespace().collect();
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|e| AccessError::encoding(format!("the {label} PEM block is not base64: {e}")))
}

/// The few DER values the movid extensions hold.
pub(crate) mod der {
    const INTEGER: u8 = 0x02;
    const OCTET_STRING: u8 = 0x04;
    const UTF8_STRING: u8 = 0x0c;
    const SEQUENCE: u8 = 0x30;

    fn push_len(out: &mut Vec<u8>, len: usize) {
        if len < 0x80 {
            out.push(len as u8);
        } else {
            let bytes = len.to_be_bytes();
            let skip = bytes
                .iter()
                .position(|b| *b != 0)
                .unwrap_or(bytes.len() - 1);
            out.push(0x80 | (bytes.len() - skip) as u8);
            out.extend_from_slice(&bytes[skip..]);
        }
    }

    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        push_len(&mut out, content.len());
        out.extend_from_slice(content);
        out
    }

    /// One TLV of tag `tag` at the start of `input`: its content and the rest.
    fn read_tlv(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
        let (&t, rest) = input.split_first()?;
        if t != tag {
            return None;
        }
        let (&first, rest) = rest.split_first()?;
        let (len, rest) = if first < 0x80 {
            (first as usize, rest)
        } else {
            let n = (first & 0x7f) as usize;
            if n == 0 || n > 4 || rest.len() < n || rest[0] == 0 {
                return None;
            }
            let len = rest[..n]
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | *b as usize);
            if len < 0x80 {
                return None; // not the shortest form: not DER
            }
            (len, &rest[n..])
        };
        (rest.len() >= len).then(|| rest.split_at(len))
    }

    /// A non-negative `INTEGER`.
    pub(crate) fn u64(value: u64) -> Vec<u8> {
        let bytes = value.to_be_bytes();
        let skip = bytes
            .iter()
            .position(|b| *b != 0)
            .unwrap_or(bytes.len() - 1);
        let mut content = vec![];
        if bytes[skip] & 0x80 != 0 {
            content.push(0);
        }
        content.extend_from_slice(&bytes[skip..]);
        tlv(INTEGER, &content)
    }

    /// Reads exactly one non-negative `INTEGER` that fits a `u64`.
    pub(crate) fn read_u64(input: &[u8]) -> Option<u64> {
        let (content, rest) = read_tlv(input, INTEGER)?;
        if !rest.is_empty() || content.is_empty() || content[0] & 0x80 != 0 {
            return None;
        }
        if content.len() > 1 && content[0] == 0 && content[1] & 0x80 == 0 {
            return None; // not minimal
        }
        let digits = if content[0] == 0 {
            &content[1..]
        } else {
            content
        };
        if digits.len() > 8 {
            return None;
        }
        Some(digits.iter().fold(0u64, |acc, b| (acc << 8) | *b as u64))
    }

    /// An `OCTET STRING`.
    pub(crate) fn octet_string(bytes: &[u8]) -> Vec<u8> {
        tlv(OCTET_STRING, bytes)
    }

    /// Reads exactly one `OCTET STRING`.
    pub(crate) fn read_octet_string(input: &[u8]) -> Option<&[u8]> {
        let (content, rest) = read_tlv(input, OCTET_STRING)?;
        rest.is_empty().then_some(content)
    }

    /// A `SEQUENCE OF UTF8String`.
    pub(crate) fn utf8_sequence(items: &[String]) -> Vec<u8> {
        let content: Vec<u8> = items
            .iter()
            .flat_map(|s| tlv(UTF8_STRING, s.as_bytes()))
            .collect();
        tlv(SEQUENCE, &content)
    }

    /// Reads exactly one `SEQUENCE OF UTF8String`.
    pub(crate) fn read_utf8_sequence(input: &[u8]) -> Option<Vec<String>> {
        let (mut content, rest) = read_tlv(input, SEQUENCE)?;
        if !rest.is_empty() {
            return None;
        }
        let mut out = vec![];
        while !content.is_empty() {
            let (s, next) = read_tlv(content, UTF8_STRING)?;
            out.push(String::from_utf8(s.to_vec()).ok()?);
            content = next;
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_values_round_trip() {
        for v in [0, 1, 127, 128, 255, 256, u64::MAX] {
            assert_eq!(der::read_u64(&der::u64(v)), Some(v), "{v}");
        }
        let names = vec!["echo".to_string(), "ssh".to_string()];
        assert_eq!(
            der::read_utf8_sequence(&der::utf8_sequence(&names)),
            Some(names)
        );
        let long = vec!["x".repeat(300)];
        assert_eq!(
            der::read_utf8_sequence(&der::utf8_sequence(&long)),
            Some(long)
        );
        assert_eq!(
            der::read_octet_string(&der::octet_string(&[7; 32])),
            Some(&[7u8; 32][..])
        );
        assert_eq!(der::read_u64(&[0x02, 0x01, 0x80]), None, "negative");
    }

    #[test]
    fn serials_drop_the_sign_byte_and_pad() {
        let mut raw = vec![0u8];
        raw.extend_from_slice(&[0xff; 16]);
        assert_eq!(Serial::from_der_integer(&raw), Some(Serial([0xff; 16])));
        let mut short = [0u8; 16];
        short[15] = 5;
        assert_eq!(Serial::from_der_integer(&[5]), Some(Serial(short)));
        assert_eq!(Serial::from_der_integer(&[1; 17]), None);
        assert_eq!(Serial::from_der_integer(&[0]), None);
        let s = Serial::random();
        assert_eq!(s.to_string().parse::<Serial>(), Ok(s));
    }
}
