//! How the command line reads object IDs, addresses and digests.
//!
//! Sui's `FromStr` for `Address` also takes bare hex and its digest decoder pads short Base58
//! strings; the command line keeps movid's stricter forms so a typo is an error, not another
//! object: `0x` + 1 to 64 hex digits for IDs, exactly 32 Base58-encoded bytes for digests.

use movid_runtime::types::{parse_address, parse_digest, Address, Digest, ObjectID};

/// An object ID argument.
pub fn object_id(s: &str) -> Result<ObjectID, String> {
    parse_address("object ID", s).map_err(|e| e.to_string())
}

/// An address argument.
pub fn address(s: &str) -> Result<Address, String> {
    parse_address("address", s).map_err(|e| e.to_string())
}

/// A digest argument.
pub fn digest(s: &str) -> Result<Digest, String> {
    parse_digest(s).map_err(|e| e.to_string())
}
