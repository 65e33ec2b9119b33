//! Identifiers and digests: Sui's `Address`, `Digest` and `ObjectReference` from
//! `sui-sdk-types`, plus the few movid helpers those types cannot carry themselves.
//!
//! The wire forms are Sui's: an address is 32 raw BCS bytes and `0x` + 64 hex digits in text; a
//! digest is a BCS byte string (ULEB128 length 0x20, then 32 bytes) and Base58 in text.

use crate::crypto::blake2b256;

pub use sui_sdk_types::{Address, AddressParseError, Digest, DigestParseError, ObjectReference};

/// The ID of an object or package. Sui has one 32-byte space for accounts and objects; the
/// name stays while the migration to Sui's types is under way (docs/WIRE_MIGRATION.md).
pub type ObjectID = Address;

/// An object version (Lamport timestamp).
pub type SequenceNumber = u64;

/// The IDs every movid chain has at genesis, as associated consts on [`Address`].
///
/// A trait, because consts cannot be added to a type of another crate directly.
pub trait WellKnown {
    /// ID of the Move standard library package.
    const STD: Self;
    /// ID of the movid framework package.
    const FRAMEWORK: Self;
    /// ID of the identity package.
    const IDENTITY: Self;
    /// ID of the network-access package.
    const ACCESS: Self;
    /// ID of the shared `Clock` object.
    const CLOCK: Self;
}

impl WellKnown for Address {
    const STD: Address = address_from_u8(1);
    const FRAMEWORK: Address = address_from_u8(2);
    const IDENTITY: Address = address_from_u8(3);
    const ACCESS: Address = address_from_u8(4);
    const CLOCK: Address = address_from_u8(6);
}

/// A small constant address such as `0x2`, left-padded with zeros.
pub const fn address_from_u8(v: u8) -> Address {
    let mut b = [0u8; 32];
    b[31] = v;
    Address::new(b)
}

/// A random address (for tests and key-less fixtures).
pub fn random_address() -> Address {
    Address::new(rand::random())
}

/// A digest of `domain ‖ bytes`: the salted-hash pattern every movid digest uses (the domain
/// is the type name followed by `::`, as Sui's intent-free hashes are salted).
pub fn salted_digest(domain: &str, bytes: &[u8]) -> Digest {
    let mut buf = Vec::with_capacity(domain.len() + bytes.len());
    buf.extend_from_slice(domain.as_bytes());
    buf.extend_from_slice(bytes);
    Digest::new(blake2b256(&buf))
}

/// A list of addresses as `[0x…, 0x…]`, the form error messages print (Sui's `Debug` would
/// wrap each one as `Address("0x…")`).
pub fn address_list(addresses: &[Address]) -> String {
    let items: Vec<String> = addresses.iter().map(Address::to_string).collect();
    format!("[{}]", items.join(", "))
}

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

fn parse_error(kind: &'static str, s: &str, reason: &'static str) -> ParseIdError {
    ParseIdError {
        kind,
        input: s.chars().take(80).collect(),
        reason,
    }
}

/// Parses a `0x`-prefixed address or object ID as movid's command line takes them: short forms
/// such as `0x2` are left-padded as Move does. Unlike `Address::from_str` (which also takes
/// bare hex), the prefix is required, so an alias made of hex letters is never read as an
/// address.
pub fn parse_address(kind: &'static str, s: &str) -> Result<Address, ParseIdError> {
    let hex_part = s
        .strip_prefix("0x")
        .ok_or_else(|| parse_error(kind, s, "expected a 0x prefix"))?;
    if hex_part.is_empty() || hex_part.len() > 64 {
        return Err(parse_error(kind, s, "expected 1 to 64 hex digits"));
    }
    Address::from_hex(hex_part).map_err(|_| parse_error(kind, s, "not hexadecimal"))
}

/// Parses a digest from its Base58 text, as Sui prints it, with a reason a user can act on.
///
/// Hex is refused, also for a transition: movid has printed digests in Base58 since its first
/// release, so no hex digest text exists to carry over.
pub fn parse_digest(s: &str) -> Result<Digest, ParseIdError> {
    let err = |reason| parse_error("digest", s, reason);
    if s.starts_with("0x") {
        return Err(err("digests are Base58, not hex"));
    }
    let bytes = bs58::decode(s).into_vec().map_err(|_| err("not Base58"))?;
    Digest::from_bytes(&bytes).map_err(|_| err("not 32 bytes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_hex_forms_parse_to_the_same_id() {
        let a = parse_address("object ID", "0x2").unwrap();
        assert_eq!(a, ObjectID::FRAMEWORK);
        let long = a.to_string();
        assert_eq!(long.len(), 66);
        assert_eq!(long.parse::<ObjectID>().unwrap(), a);
        assert_eq!(parse_address("object ID", &long).unwrap(), a);
        assert!(parse_address("object ID", "2").is_err());
        assert!(parse_address("object ID", "0xzz").is_err());
        assert!(parse_address("object ID", "0x").is_err());
        assert!(parse_address("object ID", &format!("0x{}", "1".repeat(65))).is_err());
    }

    #[test]
    fn ids_serialize_as_hex_in_json_and_raw_in_bcs() {
        let a = ObjectID::CLOCK;
        assert_eq!(serde_json::to_string(&a).unwrap(), format!("\"{a}\""));
        assert_eq!(bcs::to_bytes(&a).unwrap(), a.inner().to_vec());
        let d = salted_digest("x", b"y");
        let back: Digest = serde_json::from_str(&serde_json::to_string(&d).unwrap()).unwrap();
        assert_eq!(back, d);
    }

    #[test]
    fn hex_and_short_digests_are_refused_with_a_reason() {
        let d = salted_digest("x", b"y");
        assert_eq!(parse_digest(&d.to_string()).unwrap(), d);
        let hex = format!("{d:#x}");
        assert_eq!(
            parse_digest(&hex).unwrap_err().reason,
            "digests are Base58, not hex"
        );
        assert_eq!(parse_digest("0OIl").unwrap_err().reason, "not Base58");
        assert_eq!(parse_digest("2g").unwrap_err().reason, "not 32 bytes");
    }
}
