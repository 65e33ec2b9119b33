//! Identifiers and digests: 32-byte addresses, object IDs and Blake2b-256 digests.

use std::fmt;
use std::str::FromStr;

use move_core_types::account_address::AccountAddress;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::crypto::blake2b256;

/// Error for text that is not a valid address, object ID or digest.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {kind} `{input}`: {reason}")]
pub struct ParseIdError {
    /// What was being parsed ("address", "object ID", "digest").
    pub kind: &'static str,
    /// The offending input (truncated).
    pub input: String,
    /// Why it was rejected.
    pub reason: &'static str,
}

fn parse_hex32(kind: &'static str, s: &str) -> Result<[u8; 32], ParseIdError> {
    let err = |reason| ParseIdError {
        kind,
        input: s.chars().take(80).collect(),
        reason,
    };
    let hex_part = s
        .strip_prefix("0x")
        .ok_or_else(|| err("expected a 0x prefix"))?;
    if hex_part.is_empty() || hex_part.len() > 64 {
        return Err(err("expected 1 to 64 hex digits"));
    }
    // Short forms such as `0x2` are accepted and left-padded, as Move does.
    let padded = format!("{hex_part:0>64}");
    let mut out = [0u8; 32];
    hex::decode_to_slice(&padded, &mut out).map_err(|_| err("not hexadecimal"))?;
    Ok(out)
}

macro_rules! id32 {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name(pub [u8; 32]);

        impl $name {
            /// The all-zero value.
            pub const ZERO: Self = Self([0; 32]);
            /// Length in bytes.
            pub const LENGTH: usize = 32;

            /// Builds from a slice of exactly 32 bytes.
            pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
                <[u8; 32]>::try_from(bytes).ok().map(Self)
            }

            /// A small constant value such as `0x2`, left-padded with zeros.
            pub const fn from_u8(v: u8) -> Self {
                let mut b = [0u8; 32];
                b[31] = v;
                Self(b)
            }

            /// The raw bytes.
            pub fn as_bytes(&self) -> &[u8; 32] {
                &self.0
            }

            /// The full `0x`-prefixed 64-digit lowercase hex form.
            pub fn to_hex(&self) -> String {
                format!("0x{}", hex::encode(self.0))
            }

            /// A random value (for tests and key-less fixtures).
            pub fn random() -> Self {
                Self(rand::random())
            }
        }

        impl From<AccountAddress> for $name {
            fn from(a: AccountAddress) -> Self {
                Self(a.into_bytes())
            }
        }

        impl From<$name> for AccountAddress {
            fn from(a: $name) -> Self {
                AccountAddress::new(a.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "0x{}", hex::encode(self.0))
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(self, f)
            }
        }

        impl FromStr for $name {
            type Err = ParseIdError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                parse_hex32($kind, s).map(Self)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                if s.is_human_readable() {
                    s.serialize_str(&self.to_string())
                } else {
                    self.0.serialize(s)
                }
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                if d.is_human_readable() {
                    let s = String::deserialize(d)?;
                    s.parse().map_err(serde::de::Error::custom)
                } else {
                    <[u8; 32]>::deserialize(d).map(Self)
                }
            }
        }
    };
}

id32!(
    /// An account address: `blake2b256(0x00 ‖ ed25519 public key)` for a key, or an object's ID
    /// when an object owns another.
    Address,
    "address"
);
id32!(
    /// The 32-byte ID of an object or package.
    ObjectID,
    "object ID"
);

impl From<ObjectID> for Address {
    fn from(id: ObjectID) -> Self {
        Address(id.0)
    }
}

impl From<Address> for ObjectID {
    fn from(a: Address) -> Self {
        ObjectID(a.0)
    }
}

impl ObjectID {
    /// ID of the Move standard library package.
    pub const STD: ObjectID = ObjectID::from_u8(1);
    /// ID of the movid framework package.
    pub const FRAMEWORK: ObjectID = ObjectID::from_u8(2);
    /// ID of the identity package.
    pub const IDENTITY: ObjectID = ObjectID::from_u8(3);
    /// ID of the network-access package.
    pub const ACCESS: ObjectID = ObjectID::from_u8(4);
    /// ID of the shared `Clock` object.
    pub const CLOCK: ObjectID = ObjectID::from_u8(6);

    /// The ID of the `creation_index`-th object created by transaction `tx_digest`:
    /// `blake2b(0xf1 ‖ tx_digest ‖ creation_index as u64 LE)`.
    pub fn derive(tx_digest: &Digest, creation_index: u64) -> Self {
        let mut buf = Vec::with_capacity(41);
        buf.push(0xf1);
        buf.extend_from_slice(&tx_digest.0);
        buf.extend_from_slice(&creation_index.to_le_bytes());
        ObjectID(blake2b256(&buf))
    }
}

/// A Blake2b-256 digest (transactions, objects, effects, events). Shown in base58.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Digest(pub [u8; 32]);

impl Digest {
    /// The all-zero digest (the "previous transaction" of genesis objects).
    pub const ZERO: Digest = Digest([0; 32]);

    /// Digest of `domain ‖ bytes`, the pattern every movid digest uses.
    pub fn of(domain: &str, bytes: &[u8]) -> Self {
        let mut buf = Vec::with_capacity(domain.len() + bytes.len());
        buf.extend_from_slice(domain.as_bytes());
        buf.extend_from_slice(bytes);
        Digest(blake2b256(&buf))
    }

    /// Base58 text form.
    pub fn to_base58(&self) -> String {
        bs58::encode(self.0).into_string()
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_base58())
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({self})")
    }
}

impl FromStr for Digest {
    type Err = ParseIdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason| ParseIdError {
            kind: "digest",
            input: s.chars().take(80).collect(),
            reason,
        };
        let bytes = bs58::decode(s).into_vec().map_err(|_| err("not base58"))?;
        <[u8; 32]>::try_from(bytes.as_slice())
            .map(Digest)
            .map_err(|_| err("not 32 bytes"))
    }
}

impl Serialize for Digest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.serialize_str(&self.to_base58())
        } else {
            self.0.serialize(s)
        }
    }
}

impl<'de> Deserialize<'de> for Digest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            let s = String::deserialize(d)?;
            s.parse().map_err(serde::de::Error::custom)
        } else {
            <[u8; 32]>::deserialize(d).map(Digest)
        }
    }
}

/// An object version (Lamport timestamp).
pub type SequenceNumber = u64;

/// Names one version of one object: what an owned transaction input must quote.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ObjectRef {
    /// The object.
    pub id: ObjectID,
    /// Its version.
    pub version: SequenceNumber,
    /// The digest of the object at that version.
    pub digest: Digest,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_hex_forms_parse_to_the_same_id() {
        let a: ObjectID = "0x2".parse().unwrap();
        assert_eq!(a, ObjectID::FRAMEWORK);
        let long = a.to_string();
        assert_eq!(long.len(), 66);
        assert_eq!(long.parse::<ObjectID>().unwrap(), a);
        assert!("2".parse::<ObjectID>().is_err());
        assert!("0xzz".parse::<ObjectID>().is_err());
    }

    #[test]
    fn ids_serialize_as_hex_in_json_and_raw_in_bcs() {
        let a = ObjectID::CLOCK;
        assert_eq!(serde_json::to_string(&a).unwrap(), format!("\"{a}\""));
        assert_eq!(bcs::to_bytes(&a).unwrap(), a.0.to_vec());
        let d = Digest::of("x", b"y");
        let back: Digest = serde_json::from_str(&serde_json::to_string(&d).unwrap()).unwrap();
        assert_eq!(back, d);
    }
}
