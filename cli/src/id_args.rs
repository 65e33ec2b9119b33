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

#[cfg(test)]
mod tests {
    use super::*;
    use movid_runtime::types::{salted_digest, WellKnown};

    #[test]
    fn a_truncated_digest_is_refused_though_suis_decoder_pads_it() {
        let d = salted_digest("x", b"y").to_string();
        let short = &d[..20];
        // Sui's `FromStr` fills a 32-byte array from the short string: another digest.
        assert!(short.parse::<Digest>().is_ok());
        let e = digest(short).unwrap_err();
        assert!(e.contains("not 32 bytes"), "{e}");
        assert!(digest(&format!("0x{}", "ab".repeat(32)))
            .unwrap_err()
            .contains("Base58, not hex"));
        assert_eq!(digest(&d).unwrap().to_string(), d);
    }

    #[test]
    fn an_id_without_the_0x_prefix_is_refused_though_sui_takes_bare_hex() {
        // An alias such as `cafe` must never be read as the address 0x…cafe.
        assert!("cafe".parse::<Address>().is_ok());
        let e = address("cafe").unwrap_err();
        assert!(e.contains("expected a 0x prefix"), "{e}");
        assert_eq!(object_id("0x2").unwrap(), ObjectID::FRAMEWORK);
        assert!(object_id(&format!("0x{}", "1".repeat(65))).is_err());
    }
}
