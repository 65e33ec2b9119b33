//! Digests, signatures and HPKE messages; secret keys are used here only
//! through the key store.

use ed25519_dalek::{Verifier, VerifyingKey};
use hpke::aead::ChaCha20Poly1305;
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, OpModeR, OpModeS, Serializable};

use super::KeyError;

/// The signature scheme flag of Ed25519 in serialized signatures (the
/// runtime's, re-exported).
pub use movid_runtime::crypto::ED25519_FLAG;
/// The intent prefix of transaction data (docs/DESIGN.md §4).
pub const TRANSACTION_INTENT: [u8; 3] = [0, 0, 0];
/// The intent prefix of personal messages (Sui's `PersonalMessage` intent).
pub const PERSONAL_MESSAGE_INTENT: [u8; 3] = [3, 0, 0];

/// Blake2b-256 of the concatenation of `parts` (the runtime's hash, so that
/// keys and chain agree on every digest by construction).
pub(crate) fn blake2b256(parts: &[&[u8]]) -> [u8; 32] {
    movid_runtime::crypto::blake2b256(&parts.concat())
}

/// The address of an Ed25519 public key: `blake2b256(0x00 ‖ public key)`,
/// as the runtime computes it ([`movid_runtime::crypto::PublicKey::address`]).
pub fn address_of(ed25519_public_key: &[u8; 32]) -> [u8; 32] {
    movid_runtime::crypto::PublicKey(*ed25519_public_key)
        .address()
        .into_inner()
}

/// The digest a transaction's sender signs:
/// `blake2b256([0, 0, 0] ‖ bcs(TransactionData))` (docs/DESIGN.md §4).
pub fn transaction_signing_digest(transaction_data_bcs: &[u8]) -> [u8; 32] {
    blake2b256(&[&TRANSACTION_INTENT, transaction_data_bcs])
}

/// The digest signed for a personal (off-chain) message, as Sui does it:
/// `blake2b256([3, 0, 0] ‖ bcs(message as vector<u8>))`, where the BCS of a
/// byte vector is its ULEB128 length followed by the bytes. The intent keeps
/// a signed message from ever being a valid transaction signature.
pub fn personal_message_digest(message: &[u8]) -> [u8; 32] {
    let bcs = bcs::to_bytes(message).expect("a byte slice serializes");
    blake2b256(&[&PERSONAL_MESSAGE_INTENT, &bcs])
}

/// An Ed25519 signature with the public key that made it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature {
    signature: [u8; 64],
    public_key: [u8; 32],
}

impl Signature {
    /// Length of [`Signature::to_serialized`]: flag, signature, public key.
    pub const SERIALIZED_LEN: usize = 1 + 64 + 32;

    /// A signature `signature` by `public_key` (nothing is checked).
    pub fn new(signature: [u8; 64], public_key: [u8; 32]) -> Signature {
        Signature {
            signature,
            public_key,
        }
    }

    /// The 64 signature bytes (R ‖ S).
    pub fn signature_bytes(&self) -> [u8; 64] {
        self.signature
    }

    /// The signer's Ed25519 public key.
    pub fn public_key(&self) -> [u8; 32] {
        self.public_key
    }

    /// The signer's address.
    pub fn address(&self) -> [u8; 32] {
        address_of(&self.public_key)
    }

    /// The transaction signature format of docs/DESIGN.md §4:
    /// `0x00 ‖ signature ‖ public key`.
    pub fn to_serialized(&self) -> [u8; Signature::SERIALIZED_LEN] {
        self.to_runtime()
            .0
            .try_into()
            .expect("the runtime encodes 97 bytes")
    }

    /// The runtime's signature value (same bytes as
    /// [`Signature::to_serialized`]), to put in a `SignedTransaction`.
    pub fn to_runtime(&self) -> movid_runtime::crypto::Signature {
        movid_runtime::crypto::Signature::new(
            &self.signature,
            &movid_runtime::crypto::PublicKey(self.public_key),
        )
    }

    /// Reads [`Signature::to_serialized`]'s format.
    pub fn from_serialized(bytes: &[u8]) -> Result<Signature, KeyError> {
        if bytes.len() != Signature::SERIALIZED_LEN || bytes[0] != ED25519_FLAG {
            return Err(KeyError::Protocol {
                reason: format!(
                    "a serialized signature is {} bytes starting with 0x00; got {} bytes",
                    Signature::SERIALIZED_LEN,
                    bytes.len()
                ),
            });
        }
        let mut signature = [0u8; 64];
        signature.copy_from_slice(&bytes[1..65]);
        let mut public_key = [0u8; 32];
        public_key.copy_from_slice(&bytes[65..]);
        Ok(Signature::new(signature, public_key))
    }

    /// Whether this is a valid signature of `message` by its public key.
    pub fn verify(&self, message: &[u8]) -> bool {
        let Ok(key) = VerifyingKey::from_bytes(&self.public_key) else {
            return false;
        };
        let signature = ed25519_dalek::Signature::from_bytes(&self.signature);
        key.verify(message, &signature).is_ok()
    }
}

impl std::fmt::Debug for Signature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Signature {{ signature: {}, public_key: {} }}",
            hex::encode(self.signature),
            hex::encode(self.public_key)
        )
    }
}

/// A message sealed with HPKE (RFC 9180) base mode,
/// DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / ChaCha20Poly1305, to an
/// identity's X25519 key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedMessage {
    /// The sender's ephemeral public key (`enc`).
    pub encapped_key: [u8; 32],
    /// The AEAD ciphertext, tag included.
    pub ciphertext: Vec<u8>,
}

impl SealedMessage {
    /// `encapped_key ‖ ciphertext`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(32 + self.ciphertext.len());
        out.extend_from_slice(&self.encapped_key);
        out.extend_from_slice(&self.ciphertext);
        out
    }

    /// Reads [`SealedMessage::to_bytes`]'s format.
    pub fn from_bytes(bytes: &[u8]) -> Result<SealedMessage, KeyError> {
        if bytes.len() < 32 + 16 {
            return Err(KeyError::DecryptionFailed);
        }
        let mut encapped_key = [0u8; 32];
        encapped_key.copy_from_slice(&bytes[..32]);
        Ok(SealedMessage {
            encapped_key,
            ciphertext: bytes[32..].to_vec(),
        })
    }
}

/// Encrypts `plaintext` to the X25519 public key `recipient` (an identity's
/// key-agreement key, see [`super::ExternalIdentity::x25519_public_key`]).
/// `info` binds the message to a context (both sides must give the same);
/// the AEAD's associated data is empty.
///
/// Fails with [`KeyError::InvalidPublicKey`] if `recipient` is a low-order
/// point (no shared secret can come of it).
pub fn encrypt_to(
    recipient: &[u8; 32],
    plaintext: &[u8],
    info: &[u8],
) -> Result<SealedMessage, KeyError> {
    let invalid = |reason: String| KeyError::InvalidPublicKey { reason };
    let public = <X25519HkdfSha256 as hpke::Kem>::PublicKey::from_bytes(recipient)
        .map_err(|e| invalid(e.to_string()))?;
    let (encapped, ciphertext) =
        hpke::single_shot_seal::<ChaCha20Poly1305, HkdfSha256, X25519HkdfSha256, _>(
            &OpModeS::Base,
            &public,
            info,
            plaintext,
            &[],
            &mut rand::rngs::OsRng,
        )
        .map_err(|e| invalid(format!("cannot encrypt to this X25519 key: {e}")))?;
    let mut encapped_key = [0u8; 32];
    encapped_key.copy_from_slice(&encapped.to_bytes());
    Ok(SealedMessage {
        encapped_key,
        ciphertext,
    })
}

/// Opens a [`SealedMessage`] with an X25519 secret (inside a key store).
pub(crate) fn open(
    secret: &x25519_dalek::StaticSecret,
    sealed: &SealedMessage,
    info: &[u8],
) -> Result<Vec<u8>, KeyError> {
    let secret = <X25519HkdfSha256 as hpke::Kem>::PrivateKey::from_bytes(secret.as_bytes())
        .map_err(|_| KeyError::DecryptionFailed)?;
    let encapped = <X25519HkdfSha256 as hpke::Kem>::EncappedKey::from_bytes(&sealed.encapped_key)
        .map_err(|_| KeyError::DecryptionFailed)?;
    hpke::single_shot_open::<ChaCha20Poly1305, HkdfSha256, X25519HkdfSha256>(
        &OpModeR::Base,
        &secret,
        &encapped,
        info,
        &sealed.ciphertext,
        &[],
    )
    .map_err(|_| KeyError::DecryptionFailed)
}

/// The X25519 public key of `secret`, as HPKE computes it.
pub(crate) fn x25519_public(secret: &x25519_dalek::StaticSecret) -> [u8; 32] {
    x25519_dalek::PublicKey::from(secret).to_bytes()
}

/// Keeps `X25519HkdfSha256::sk_to_pk` and x25519-dalek in agreement (a test
/// hook: HPKE clamps, dalek clamps, both must give the same key).
#[cfg(test)]
fn hpke_public(secret: &[u8; 32]) -> [u8; 32] {
    use hpke::Kem as _;
    let sk = <X25519HkdfSha256 as hpke::Kem>::PrivateKey::from_bytes(secret).unwrap();
    let mut out = [0u8; 32];
    out.copy_from_slice(&X25519HkdfSha256::sk_to_pk(&sk).to_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};

    #[test]
    fn personal_message_digest_uses_bcs_length_prefix() {
        let short = personal_message_digest(b"hello");
        assert_eq!(short, blake2b256(&[&[3, 0, 0, 5], b"hello"]));
        let long = vec![7u8; 300];
        // 300 = 0b10_0101100 -> ULEB128 [0xac, 0x02]
        assert_eq!(
            personal_message_digest(&long),
            blake2b256(&[&[3, 0, 0, 0xac, 0x02], &long])
        );
    }

    #[test]
    fn transaction_digest_uses_the_zero_intent() {
        assert_eq!(
            transaction_signing_digest(b"tx"),
            blake2b256(&[&[0, 0, 0], b"tx"])
        );
    }

    #[test]
    fn signature_serialization_round_trips_and_verifies() {
        let key = SigningKey::from_bytes(&[5; 32]);
        let sig = Signature::new(key.sign(b"msg").to_bytes(), key.verifying_key().to_bytes());
        assert!(sig.verify(b"msg"));
        assert!(!sig.verify(b"other"));
        let bytes = sig.to_serialized();
        assert_eq!(bytes[0], 0);
        assert_eq!(Signature::from_serialized(&bytes).unwrap(), sig);
        assert!(Signature::from_serialized(&bytes[1..]).is_err());
        assert_eq!(sig.address(), address_of(&key.verifying_key().to_bytes()));
        let runtime = sig.to_runtime();
        assert_eq!(runtime.0, bytes.to_vec());
        assert_eq!(runtime.verify(b"msg").unwrap().into_inner(), sig.address());
    }

    #[test]
    fn hpke_round_trips_and_binds_info() {
        let secret = x25519_dalek::StaticSecret::from([9; 32]);
        let public = x25519_public(&secret);
        assert_eq!(public, hpke_public(&[9; 32]));
        let sealed = encrypt_to(&public, b"secret", b"ctx").unwrap();
        assert_eq!(open(&secret, &sealed, b"ctx").unwrap(), b"secret");
        assert!(matches!(
            open(&secret, &sealed, b"other ctx"),
            Err(KeyError::DecryptionFailed)
        ));
        let bytes = sealed.to_bytes();
        assert_eq!(SealedMessage::from_bytes(&bytes).unwrap(), sealed);
        assert!(SealedMessage::from_bytes(&bytes[..40]).is_err());
    }

    #[test]
    fn low_order_recipient_is_refused() {
        assert!(matches!(
            encrypt_to(&[0; 32], b"x", b""),
            Err(KeyError::InvalidPublicKey { .. })
        ));
    }
}
