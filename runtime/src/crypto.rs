//! Hashing, Ed25519 keys, addresses and transaction signatures (docs/DESIGN.md §4).

use blake2::digest::consts::U32;
use blake2::{Blake2b, Digest as _};
use ed25519_dalek::{Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::types::{Address, TransactionData};

/// Blake2b with a 32-byte output.
pub fn blake2b256(data: &[u8]) -> [u8; 32] {
    let mut h = Blake2b::<U32>::new();
    h.update(data);
    h.finalize().into()
}

/// The flag byte that starts an Ed25519 signature and an address preimage.
pub const ED25519_FLAG: u8 = 0x00;

/// An Ed25519 public key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PublicKey(pub [u8; 32]);

impl PublicKey {
    /// The address of this key: `blake2b256(0x00 ‖ pubkey)`.
    pub fn address(&self) -> Address {
        let mut buf = [0u8; 33];
        buf[0] = ED25519_FLAG;
        buf[1..].copy_from_slice(&self.0);
        Address::new(blake2b256(&buf))
    }
}

/// An Ed25519 key pair held in memory.
#[derive(Clone)]
pub struct KeyPair {
    secret: SigningKey,
}

impl std::fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyPair({})", self.address())
    }
}

impl KeyPair {
    /// A fresh random key.
    pub fn generate() -> Self {
        KeyPair {
            secret: SigningKey::generate(&mut rand::rngs::OsRng),
        }
    }

    /// A key from a 32-byte seed (deterministic; for tests and genesis accounts).
    pub fn from_seed(seed: [u8; 32]) -> Self {
        KeyPair {
            secret: SigningKey::from_bytes(&seed),
        }
    }

    /// The 32-byte seed. Callers that persist keys are responsible for protecting it.
    pub fn seed(&self) -> [u8; 32] {
        self.secret.to_bytes()
    }

    /// The public key.
    pub fn public(&self) -> PublicKey {
        PublicKey(self.secret.verifying_key().to_bytes())
    }

    /// The account address of the key.
    pub fn address(&self) -> Address {
        self.public().address()
    }

    /// Signs arbitrary bytes (normally a 32-byte signing digest).
    pub fn sign(&self, msg: &[u8]) -> Signature {
        Signature::new(&self.secret.sign(msg).to_bytes(), &self.public())
    }

    /// Signs a transaction's signing digest.
    pub fn sign_transaction(&self, data: &TransactionData) -> Signature {
        self.sign(&data.signing_digest())
    }
}

/// Why a signature was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum SignatureError {
    /// Not 97 bytes, or the flag is not Ed25519.
    #[error("malformed signature: {0}")]
    Malformed(String),
    /// The public key is not a valid Ed25519 point.
    #[error("invalid public key")]
    InvalidPublicKey,
    /// The signature does not verify for this message and key.
    #[error("signature does not verify")]
    Invalid,
}

/// `flag(0x00) ‖ 64-byte Ed25519 signature ‖ 32-byte public key`.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Signature(pub Vec<u8>);

impl std::fmt::Debug for Signature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Signature({})", hex::encode(&self.0))
    }
}

impl Signature {
    /// Length of the encoding.
    pub const LENGTH: usize = 97;

    /// Encodes a raw signature and its key.
    pub fn new(sig: &[u8; 64], pk: &PublicKey) -> Self {
        let mut v = Vec::with_capacity(Self::LENGTH);
        v.push(ED25519_FLAG);
        v.extend_from_slice(sig);
        v.extend_from_slice(&pk.0);
        Signature(v)
    }

    /// The signer's public key.
    pub fn public_key(&self) -> Result<PublicKey, SignatureError> {
        self.check_shape()?;
        Ok(PublicKey(
            self.0[65..97].try_into().expect("length checked"),
        ))
    }

    fn check_shape(&self) -> Result<(), SignatureError> {
        if self.0.len() != Self::LENGTH {
            return Err(SignatureError::Malformed("expected 97 bytes".into()));
        }
        if self.0[0] != ED25519_FLAG {
            return Err(SignatureError::Malformed(
                "unknown signature scheme flag".into(),
            ));
        }
        Ok(())
    }

    /// Verifies the signature over `msg`; returns the signer's address.
    pub fn verify(&self, msg: &[u8]) -> Result<Address, SignatureError> {
        let pk = self.public_key()?;
        let vk = VerifyingKey::from_bytes(&pk.0).map_err(|_| SignatureError::InvalidPublicKey)?;
        let sig =
            ed25519_dalek::Signature::from_bytes(self.0[1..65].try_into().expect("length checked"));
        vk.verify(msg, &sig).map_err(|_| SignatureError::Invalid)?;
        Ok(pk.address())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_and_name_their_signer() {
        let kp = KeyPair::from_seed([7; 32]);
        let sig = kp.sign(b"hello");
        assert_eq!(sig.0.len(), 97);
        assert_eq!(sig.verify(b"hello").unwrap(), kp.address());
        assert_eq!(sig.verify(b"other"), Err(SignatureError::Invalid));
        let mut bad = sig.clone();
        bad.0[0] = 5;
        assert!(matches!(
            bad.verify(b"hello"),
            Err(SignatureError::Malformed(_))
        ));
    }

    #[test]
    fn address_is_blake2b_of_flag_and_key() {
        let kp = KeyPair::from_seed([1; 32]);
        let mut pre = vec![0u8];
        pre.extend_from_slice(&kp.public().0);
        assert_eq!(kp.address().into_inner(), blake2b256(&pre));
    }
}
