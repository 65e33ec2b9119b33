//! What an identity is to the outside: its ID, public keys, capabilities.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use zeroize::Zeroizing;

use super::crypto::{address_of, blake2b256};
use super::KeyError;

/// What a handle may do with an identity's keys.
///
/// `CommitAndDecrypt` contains both others; each contains itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Capability {
    /// Sign (commit to) transactions and messages with the Ed25519 key.
    Commit,
    /// Decrypt messages encrypted to the X25519 key.
    Decrypt,
    /// Both.
    CommitAndDecrypt,
}

impl Capability {
    /// Whether `self` grants everything `other` asks for.
    ///
    /// ```
    /// use movid_sdk::keys::Capability::*;
    /// assert!(CommitAndDecrypt.contains(Decrypt));
    /// assert!(Commit.contains(Commit));
    /// assert!(!Decrypt.contains(Commit));
    /// assert!(!Commit.contains(CommitAndDecrypt));
    /// ```
    pub fn contains(self, other: Capability) -> bool {
        self.bits() & other.bits() == other.bits()
    }

    /// Whether this grants signing.
    pub fn can_commit(self) -> bool {
        self.contains(Capability::Commit)
    }

    /// Whether this grants decryption.
    pub fn can_decrypt(self) -> bool {
        self.contains(Capability::Decrypt)
    }

    fn bits(self) -> u8 {
        match self {
            Capability::Commit => 0b01,
            Capability::Decrypt => 0b10,
            Capability::CommitAndDecrypt => 0b11,
        }
    }
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Capability::Commit => "commit",
            Capability::Decrypt => "decrypt",
            Capability::CommitAndDecrypt => "commit+decrypt",
        })
    }
}

/// The key scheme of an identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scheme {
    /// An Ed25519 signing key (its address is the identity's ID) stored with
    /// an independently generated X25519 key-agreement key for decryption.
    ///
    /// The X25519 key is not derived from the Ed25519 one: the two keys are
    /// used by different algorithms, and keeping them independent means a
    /// weakness in one use never touches the other. Both are always created,
    /// whatever the identity's capabilities, so that every identity has the
    /// same shape; the capabilities decide which one may be used.
    #[default]
    Ed25519,
}

/// An identity's ID: the address of its Ed25519 key,
/// `blake2b256(0x00 ‖ public key)` (docs/DESIGN.md §4), written `0x` + 64 hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdentityId([u8; 32]);

impl IdentityId {
    /// The ID of the identity whose Ed25519 public key is `public_key`.
    pub fn from_public_key(public_key: &[u8; 32]) -> IdentityId {
        IdentityId(address_of(public_key))
    }

    /// The ID with these address bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> IdentityId {
        IdentityId(bytes)
    }

    /// The address bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl From<IdentityId> for movid_runtime::types::Address {
    /// The account address the identity signs transactions as.
    fn from(id: IdentityId) -> Self {
        movid_runtime::types::Address::new(id.0)
    }
}

impl AsRef<IdentityId> for IdentityId {
    fn as_ref(&self) -> &IdentityId {
        self
    }
}

impl fmt::Display for IdentityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{}", hex::encode(self.0))
    }
}

impl fmt::Debug for IdentityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdentityId({self})")
    }
}

impl FromStr for IdentityId {
    type Err = KeyError;

    /// Reads `0x` + 64 hex digits (the `0x` may be left out; either case).
    fn from_str(s: &str) -> Result<IdentityId, KeyError> {
        let digits = s.strip_prefix("0x").unwrap_or(s);
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(digits, &mut bytes).map_err(|_| KeyError::InvalidIdentityId {
            input: s.to_owned(),
        })?;
        Ok(IdentityId(bytes))
    }
}

impl Serialize for IdentityId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for IdentityId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<IdentityId, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// An identity as others see it: its ID, public keys and capabilities.
/// Holds no secret; safe to store, print and send.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "ExternalIdentityRepr", into = "ExternalIdentityRepr")]
pub struct ExternalIdentity {
    id: IdentityId,
    scheme: Scheme,
    ed25519_public_key: [u8; 32],
    x25519_public_key: [u8; 32],
    capabilities: Capability,
}

impl ExternalIdentity {
    /// The identity with these public keys and capabilities; its ID is the
    /// Ed25519 key's address.
    pub fn new(
        scheme: Scheme,
        ed25519_public_key: [u8; 32],
        x25519_public_key: [u8; 32],
        capabilities: Capability,
    ) -> ExternalIdentity {
        ExternalIdentity {
            id: IdentityId::from_public_key(&ed25519_public_key),
            scheme,
            ed25519_public_key,
            x25519_public_key,
            capabilities,
        }
    }

    /// The identity's ID (its address).
    pub fn id(&self) -> IdentityId {
        self.id
    }

    /// The address of the Ed25519 key (the ID's bytes).
    pub fn address(&self) -> [u8; 32] {
        self.id.0
    }

    /// The key scheme.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The Ed25519 public key, which verifies the identity's signatures.
    pub fn ed25519_public_key(&self) -> [u8; 32] {
        self.ed25519_public_key
    }

    /// The X25519 public key, which messages to the identity are encrypted to
    /// (see [`super::encrypt_to`]).
    pub fn x25519_public_key(&self) -> [u8; 32] {
        self.x25519_public_key
    }

    /// What the identity was generated for; connections get at most this.
    pub fn capabilities(&self) -> Capability {
        self.capabilities
    }
}

impl AsRef<IdentityId> for ExternalIdentity {
    fn as_ref(&self) -> &IdentityId {
        &self.id
    }
}

/// The serialized form of [`ExternalIdentity`]; reading it checks that the
/// ID is the Ed25519 key's address.
#[derive(Serialize, Deserialize)]
struct ExternalIdentityRepr {
    id: IdentityId,
    scheme: Scheme,
    #[serde(with = "hex32")]
    ed25519_public_key: [u8; 32],
    #[serde(with = "hex32")]
    x25519_public_key: [u8; 32],
    capabilities: Capability,
}

impl TryFrom<ExternalIdentityRepr> for ExternalIdentity {
    type Error = String;

    fn try_from(r: ExternalIdentityRepr) -> Result<Self, String> {
        let identity = ExternalIdentity::new(
            r.scheme,
            r.ed25519_public_key,
            r.x25519_public_key,
            r.capabilities,
        );
        if identity.id != r.id {
            return Err(format!(
                "identity id {} is not the address of its Ed25519 key ({})",
                r.id, identity.id
            ));
        }
        Ok(identity)
    }
}

impl From<ExternalIdentity> for ExternalIdentityRepr {
    fn from(i: ExternalIdentity) -> Self {
        ExternalIdentityRepr {
            id: i.id,
            scheme: i.scheme,
            ed25519_public_key: i.ed25519_public_key,
            x25519_public_key: i.x25519_public_key,
            capabilities: i.capabilities,
        }
    }
}

/// Secret keys handed to a backend by [`super::IdentityManager::import`].
///
/// Secrets go into a backend, never out: this type has no accessor, its
/// `Debug` is redacted, and its bytes are wiped when dropped.
#[derive(Clone)]
pub struct KeyMaterial {
    pub(crate) ed25519_seed: Zeroizing<[u8; 32]>,
    pub(crate) x25519_secret: Zeroizing<[u8; 32]>,
}

impl KeyMaterial {
    /// An Ed25519 seed (the 32-byte private key of RFC 8032) and an X25519
    /// secret scalar.
    pub fn new(ed25519_seed: [u8; 32], x25519_secret: [u8; 32]) -> KeyMaterial {
        KeyMaterial {
            ed25519_seed: Zeroizing::new(ed25519_seed),
            x25519_secret: Zeroizing::new(x25519_secret),
        }
    }

    /// The Ed25519 public key of the seed (what an import must yield).
    pub(crate) fn ed25519_public_key(&self) -> [u8; 32] {
        ed25519_dalek::SigningKey::from_bytes(&self.ed25519_seed)
            .verifying_key()
            .to_bytes()
    }

    /// An existing Ed25519 seed (e.g. a Sui private key); the X25519 secret
    /// is derived from it as `blake2b256("movid-x25519-v1" ‖ seed)`, so one
    /// seed always makes the same identity.
    pub fn from_ed25519_seed(seed: [u8; 32]) -> KeyMaterial {
        let seed = Zeroizing::new(seed);
        let x25519 = Zeroizing::new(blake2b256(&[b"movid-x25519-v1", &seed[..]]));
        KeyMaterial {
            ed25519_seed: seed,
            x25519_secret: x25519,
        }
    }
}

impl fmt::Debug for KeyMaterial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyMaterial(<redacted>)")
    }
}

/// Serde for 32 bytes as 64 hex digits.
pub(crate) mod hex32 {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        let mut out = [0u8; 32];
        hex::decode_to_slice(s.as_bytes(), &mut out).map_err(serde::de::Error::custom)?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Capability::*;

    #[test]
    fn capability_subset_rule() {
        let all = [Commit, Decrypt, CommitAndDecrypt];
        for a in all {
            assert!(a.contains(a));
            assert!(CommitAndDecrypt.contains(a));
        }
        assert!(!Commit.contains(Decrypt));
        assert!(!Decrypt.contains(Commit));
        assert!(!Decrypt.contains(CommitAndDecrypt));
        assert!(Commit.can_commit() && !Commit.can_decrypt());
        assert!(Decrypt.can_decrypt() && !Decrypt.can_commit());
    }

    #[test]
    fn identity_id_round_trips() {
        let id = IdentityId::from_bytes([0xab; 32]);
        let s = id.to_string();
        assert_eq!(s, format!("0x{}", "ab".repeat(32)));
        assert_eq!(s.parse::<IdentityId>().unwrap(), id);
        assert_eq!(s[2..].to_uppercase().parse::<IdentityId>().unwrap(), id);
        assert!(matches!(
            "0x1234".parse::<IdentityId>(),
            Err(KeyError::InvalidIdentityId { .. })
        ));
    }

    #[test]
    fn external_identity_id_is_the_address() {
        let identity = ExternalIdentity::new(Scheme::Ed25519, [1; 32], [2; 32], Commit);
        assert_eq!(identity.address(), address_of(&[1; 32]));
        let json = serde_json::to_value(&identity).unwrap();
        assert_eq!(json["capabilities"], "commit");
        assert_eq!(
            serde_json::from_value::<ExternalIdentity>(json.clone()).unwrap(),
            identity
        );

        let mut forged = json;
        forged["id"] = serde_json::json!(IdentityId::from_bytes([0; 32]).to_string());
        assert!(serde_json::from_value::<ExternalIdentity>(forged).is_err());
    }

    #[test]
    fn key_material_debug_is_redacted() {
        let material = KeyMaterial::new([7; 32], [8; 32]);
        assert_eq!(format!("{material:?}"), "KeyMaterial(<redacted>)");
    }
}
