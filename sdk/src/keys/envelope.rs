//! Messages encrypted to a DID: HPKE to the X25519 key a DID document lists
//! under `keyAgreement`, in a JSON envelope that says which key.
//!
//! The envelope (what `movid did encrypt` prints and `movid keys decrypt`
//! reads) is one JSON object; byte strings are base64url without padding:
//!
//! ```text
//! {"format": "movid-hpke-v1",
//!  "suite": "DHKEM(X25519, HKDF-SHA256)/HKDF-SHA256/ChaCha20Poly1305",
//!  "kid": "did:movid:local:0x…#key-2",
//!  "enc": "<32-byte HPKE encapsulated key>",
//!  "ciphertext": "<AEAD ciphertext and 16-byte tag>"}
//! ```
//!
//! It is HPKE base mode ([`super::encrypt_to`]) with `info` =
//! `"movid-hpke-v1\0" ‖ kid` and empty associated data: the message is bound
//! to the key it names, so an envelope relabelled to another `kid` does not
//! open.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};

use super::crypto::{encrypt_to, SealedMessage};
use super::{Decryptor, KeyError};
use crate::did::{DidDocument, Relationship};

/// The `format` of an envelope.
pub const ENVELOPE_FORMAT: &str = "movid-hpke-v1";
/// The HPKE suite an envelope is sealed with.
pub const ENVELOPE_SUITE: &str = "DHKEM(X25519, HKDF-SHA256)/HKDF-SHA256/ChaCha20Poly1305";

/// A message sealed to one of a DID's `keyAgreement` keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DidEnvelope {
    /// Always [`ENVELOPE_FORMAT`].
    pub format: String,
    /// Always [`ENVELOPE_SUITE`].
    pub suite: String,
    /// The full DID URL of the verification method sealed to.
    pub kid: String,
    /// The HPKE encapsulated key, base64url.
    pub enc: String,
    /// The ciphertext with its tag, base64url.
    pub ciphertext: String,
}

impl DidEnvelope {
    /// Seals `plaintext` to the X25519 key of `document`'s `keyAgreement`
    /// method `kid` (a full DID URL, `#fragment` or `fragment`), or to the
    /// first `keyAgreement` method holding an X25519 key when `kid` is
    /// `None`.
    ///
    /// Fails with [`KeyError::NoKeyAgreementKey`] if the document lists no
    /// such method (or `kid` names a method that is not under
    /// `keyAgreement` or holds no X25519 key).
    pub fn seal(
        document: &DidDocument,
        kid: Option<&str>,
        plaintext: &[u8],
    ) -> Result<DidEnvelope, KeyError> {
        let did = document.id.to_string();
        let not_found = || KeyError::NoKeyAgreementKey {
            did: did.clone(),
            kid: kid.map(str::to_owned),
        };
        let methods = document
            .relationship_methods(Relationship::KeyAgreement)
            .map_err(|_| not_found())?;
        let wanted = kid.map(|k| absolute(&did, k));
        let (method_id, key) = methods
            .into_iter()
            .filter(|m| wanted.as_deref().is_none_or(|w| absolute(&did, &m.id) == w))
            .find_map(|m| Some((m.id.clone(), m.x25519_public_key().ok()?)))
            .ok_or_else(not_found)?;
        let kid = absolute(&did, &method_id);
        let sealed = encrypt_to(&key, plaintext, &info(&kid))?;
        Ok(DidEnvelope {
            format: ENVELOPE_FORMAT.into(),
            suite: ENVELOPE_SUITE.into(),
            kid,
            enc: URL_SAFE_NO_PAD.encode(sealed.encapped_key),
            ciphertext: URL_SAFE_NO_PAD.encode(&sealed.ciphertext),
        })
    }

    /// Opens the envelope with `decryptor` (the recipient's key).
    ///
    /// Fails with [`KeyError::InvalidEnvelope`] if it is not a
    /// `movid-hpke-v1` envelope, [`KeyError::DecryptionFailed`] if it was
    /// sealed to another key or altered.
    pub async fn open(&self, decryptor: &Decryptor) -> Result<Vec<u8>, KeyError> {
        let sealed = self.sealed()?;
        decryptor.decrypt(&sealed, &info(&self.kid)).await
    }

    /// The HPKE message inside, after checking the format.
    pub fn sealed(&self) -> Result<SealedMessage, KeyError> {
        let invalid = |reason: String| KeyError::InvalidEnvelope { reason };
        if self.format != ENVELOPE_FORMAT {
            return Err(invalid(format!(
                "format is `{}`, expected `{ENVELOPE_FORMAT}`",
                self.format
            )));
        }
        if self.suite != ENVELOPE_SUITE {
            return Err(invalid(format!(
                "suite is `{}`, expected `{ENVELOPE_SUITE}`",
                self.suite
            )));
        }
        let enc = URL_SAFE_NO_PAD
            .decode(&self.enc)
            .map_err(|e| invalid(format!("enc is not base64url: {e}")))?;
        let encapped_key: [u8; 32] = enc
            .try_into()
            .map_err(|e: Vec<u8>| invalid(format!("enc is {} bytes, not 32", e.len())))?;
        let ciphertext = URL_SAFE_NO_PAD
            .decode(&self.ciphertext)
            .map_err(|e| invalid(format!("ciphertext is not base64url: {e}")))?;
        Ok(SealedMessage {
            encapped_key,
            ciphertext,
        })
    }
}

/// The HPKE `info` binding a message to the key `kid`.
fn info(kid: &str) -> Vec<u8> {
    [ENVELOPE_FORMAT.as_bytes(), b"\0", kid.as_bytes()].concat()
}

/// `query` as a full DID URL of the document `did`.
fn absolute(did: &str, query: &str) -> String {
    if query.starts_with("did:") {
        query.to_owned()
    } else {
        format!("{did}#{}", query.trim_start_matches('#'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::did::{Did, KeyFormat, PublicKey};
    use crate::keys::{Backend, Capability, IdentityManager, Scheme};

    fn document(x25519: [u8; 32], ed25519: [u8; 32]) -> DidDocument {
        DidDocument::builder(Did::local([7; 32]))
            .key(
                "key-1",
                PublicKey::Ed25519(ed25519),
                KeyFormat::Multibase,
                &[Relationship::Authentication],
            )
            .key(
                "key-2",
                PublicKey::X25519(x25519),
                KeyFormat::Multibase,
                &[Relationship::KeyAgreement],
            )
            .build()
            .unwrap()
    }

    #[tokio::test]
    async fn an_envelope_opens_with_the_key_it_names_and_no_other() {
        let backend = Backend::memory();
        let manager = IdentityManager::new();
        let (alice, handle) = manager
            .generate(&backend, Scheme::Ed25519, Capability::CommitAndDecrypt)
            .await
            .unwrap();
        let (_, mallory) = manager
            .generate(&backend, Scheme::Ed25519, Capability::Decrypt)
            .await
            .unwrap();
        let doc = document(alice.x25519_public_key(), alice.ed25519_public_key());
        let envelope = DidEnvelope::seal(&doc, None, b"for alice").unwrap();
        assert!(envelope.kid.ends_with("#key-2"));
        let decryptor = handle.require_decryptor().unwrap();
        assert_eq!(envelope.open(&decryptor).await.unwrap(), b"for alice");
        assert!(matches!(
            envelope.open(&mallory.require_decryptor().unwrap()).await,
            Err(KeyError::DecryptionFailed)
        ));

        // Relabelled to another key ID, it no longer opens.
        let mut relabelled = envelope.clone();
        relabelled.kid = format!("{}#key-3", doc.id);
        assert!(matches!(
            relabelled.open(&decryptor).await,
            Err(KeyError::DecryptionFailed)
        ));
        let mut other_format = envelope;
        other_format.format = "movid-hpke-v0".into();
        assert!(matches!(
            other_format.open(&decryptor).await,
            Err(KeyError::InvalidEnvelope { .. })
        ));
    }

    #[tokio::test]
    async fn a_default_document_can_be_encrypted_to_exactly_when_its_key_may_decrypt() {
        let backend = Backend::memory();
        let manager = IdentityManager::new();
        let (both, handle) = manager
            .generate(&backend, Scheme::Ed25519, Capability::CommitAndDecrypt)
            .await
            .unwrap();
        let doc = crate::identity::default_document(&both);
        let envelope = DidEnvelope::seal(&doc, None, b"hi").unwrap();
        assert!(envelope.kid.ends_with("#key-2"));
        let decryptor = handle.require_decryptor().unwrap();
        assert_eq!(envelope.open(&decryptor).await.unwrap(), b"hi");

        let (commit_only, _) = manager
            .generate(&backend, Scheme::Ed25519, Capability::Commit)
            .await
            .unwrap();
        let doc = crate::identity::default_document(&commit_only);
        assert!(doc.relationship(Relationship::KeyAgreement).is_empty());
        assert_eq!(
            doc.ed25519_public_key("key-1").unwrap(),
            commit_only.ed25519_public_key()
        );
        assert!(matches!(
            DidEnvelope::seal(&doc, None, b"hi"),
            Err(KeyError::NoKeyAgreementKey { .. })
        ));
    }

    #[test]
    fn a_document_without_key_agreement_is_a_named_error() {
        let doc = DidDocument::builder(Did::local([7; 32]))
            .key(
                "key-1",
                PublicKey::Ed25519([1; 32]),
                KeyFormat::Multibase,
                &[Relationship::Authentication, Relationship::KeyAgreement],
            )
            .build()
            .unwrap();
        // An Ed25519 key listed under keyAgreement is not one to seal to.
        assert!(matches!(
            DidEnvelope::seal(&doc, None, b"x"),
            Err(KeyError::NoKeyAgreementKey { kid: None, .. })
        ));
        let doc = document([9; 32], [1; 32]);
        assert!(matches!(
            DidEnvelope::seal(&doc, Some("key-1"), b"x"),
            Err(KeyError::NoKeyAgreementKey { kid: Some(_), .. })
        ));
        assert!(DidEnvelope::seal(&doc, Some("#key-2"), b"x").is_ok());
    }
}
