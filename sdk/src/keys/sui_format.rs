//! Sui's two forms of a private key, so a key made by Sui's tools works here
//! and a movid key works in them:
//!
//! - the Bech32 string `suiprivkey1…` (SIP-15): human-readable part
//!   `suiprivkey`, the Bech32 (not Bech32m) checksum, and as data the flag
//!   byte of the key's scheme followed by its 32-byte secret;
//! - the keystore file `sui.keystore` that the Sui CLI keeps: a JSON array of
//!   strings, each the standard Base64 (with padding) of the same
//!   `flag ‖ secret` bytes.
//!
//! The flags are 0x00 Ed25519, 0x01 Secp256k1 and 0x02 Secp256r1. movid
//! identities are Ed25519 only, so only flag 0x00 is read; the others are
//! refused (a string) or reported and left out (a keystore entry) by name.
//! An Ed25519 secret is the RFC 8032 seed, and its address is
//! `blake2b256(0x00 ‖ public key)` in both systems, so the imported key signs
//! as the same address it has in Sui.
//!
//! ```
//! use movid_sdk::keys::SuiPrivateKey;
//!
//! let key = SuiPrivateKey::from_bech32(
//!     "suiprivkey1qzwant3kaegmjy4qxex93s0jzvemekkjmyv3r2sjwgnv2y479pgsywhveae",
//! )?;
//! assert_eq!(
//!     key.identity_id().to_string(),
//!     "0x90f3e6d73b5730f16974f4df1d3441394ebae62186baf83608599f226455afa7"
//! );
//! # Ok::<(), movid_sdk::keys::KeyError>(())
//! ```

use std::fmt;
use std::path::Path;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use bech32::primitives::decode::{CharError, UncheckedHrpstring, UncheckedHrpstringError};
use bech32::primitives::hrp;
use bech32::{Bech32, Hrp};
use zeroize::Zeroizing;

use super::{IdentityId, KeyError, KeyMaterial};

/// The human-readable part of a Sui private key string.
pub const SUI_PRIVATE_KEY_HRP: &str = "suiprivkey";

/// The length of `flag ‖ secret` for every scheme Sui's keystore holds.
const FLAGGED_LEN: usize = 33;

/// The signature scheme a Sui private key's flag byte names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SuiKeyScheme {
    /// Flag 0x00: the only scheme movid identities use.
    Ed25519,
    /// Flag 0x01.
    Secp256k1,
    /// Flag 0x02.
    Secp256r1,
    /// A flag no Sui private key uses.
    Unknown(u8),
}

impl SuiKeyScheme {
    /// The scheme a flag byte names.
    pub fn from_flag(flag: u8) -> SuiKeyScheme {
        match flag {
            0x00 => SuiKeyScheme::Ed25519,
            0x01 => SuiKeyScheme::Secp256k1,
            0x02 => SuiKeyScheme::Secp256r1,
            other => SuiKeyScheme::Unknown(other),
        }
    }

    /// The flag byte.
    pub fn flag(self) -> u8 {
        match self {
            SuiKeyScheme::Ed25519 => 0x00,
            SuiKeyScheme::Secp256k1 => 0x01,
            SuiKeyScheme::Secp256r1 => 0x02,
            SuiKeyScheme::Unknown(flag) => flag,
        }
    }

    /// A short name for machine-readable output: `ed25519`, `secp256k1`,
    /// `secp256r1`, or `unknown`.
    pub fn name(self) -> &'static str {
        match self {
            SuiKeyScheme::Ed25519 => "ed25519",
            SuiKeyScheme::Secp256k1 => "secp256k1",
            SuiKeyScheme::Secp256r1 => "secp256r1",
            SuiKeyScheme::Unknown(_) => "unknown",
        }
    }
}

impl fmt::Display for SuiKeyScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SuiKeyScheme::Ed25519 => f.write_str("Ed25519 (flag 0x00)"),
            SuiKeyScheme::Secp256k1 => f.write_str("Secp256k1 (flag 0x01)"),
            SuiKeyScheme::Secp256r1 => f.write_str("Secp256r1 (flag 0x02)"),
            SuiKeyScheme::Unknown(flag) => write!(f, "an unknown scheme (flag {flag:#04x})"),
        }
    }
}

/// Why a string is not Bech32, in words that quote none of it (the
/// library's own messages name the offending character).
fn not_bech32_reason(e: &UncheckedHrpstringError) -> &'static str {
    match e {
        UncheckedHrpstringError::Char(CharError::MissingSeparator) => {
            "there is no `1` after the prefix"
        }
        UncheckedHrpstringError::Char(CharError::NothingAfterSeparator) => {
            "nothing follows the `1` after the prefix"
        }
        UncheckedHrpstringError::Char(CharError::InvalidChar(_)) => {
            "it holds a character outside Bech32's alphabet (which has no b, i, o or 1 after the prefix)"
        }
        UncheckedHrpstringError::Char(CharError::MixedCase) | UncheckedHrpstringError::Hrp(hrp::Error::MixedCase) => {
            "it mixes upper and lower case"
        }
        UncheckedHrpstringError::Hrp(_) => "its prefix is not a Bech32 prefix",
        _ => "it is not Bech32",
    }
}

/// An Ed25519 private key in Sui's terms: the 32-byte seed that
/// `suiprivkey1…` strings and `sui.keystore` entries carry after flag 0x00.
///
/// It holds a secret: its `Debug` is redacted and its bytes are wiped when
/// dropped. It goes into a backend with [`SuiPrivateKey::key_material`] and
/// out of the key file only through [`super::IdentityManager::export_sui`].
#[derive(Clone)]
pub struct SuiPrivateKey {
    seed: Zeroizing<[u8; 32]>,
}

impl SuiPrivateKey {
    /// The key with this Ed25519 seed.
    pub fn from_ed25519_seed(seed: [u8; 32]) -> SuiPrivateKey {
        SuiPrivateKey {
            seed: Zeroizing::new(seed),
        }
    }

    /// Reads a `suiprivkey1…` string (either case, surrounding whitespace
    /// ignored).
    ///
    /// Fails with [`KeyError::SuiKeyWrongHrp`] if it has another prefix,
    /// [`KeyError::SuiKeyBadChecksum`] if its checksum does not match,
    /// [`KeyError::SuiKeyMalformed`] if it is not Bech32 at all,
    /// [`KeyError::UnsupportedKeyScheme`] if its flag is not Ed25519's, and
    /// [`KeyError::SuiKeyWrongLength`] if it does not hold 33 bytes.
    pub fn from_bech32(s: &str) -> Result<SuiPrivateKey, KeyError> {
        let s = s.trim();
        let unchecked = UncheckedHrpstring::new(s).map_err(|e| KeyError::SuiKeyMalformed {
            reason: not_bech32_reason(&e).into(),
        })?;
        // The prefix first: a string meant for something else (an address,
        // another chain's key) is named as such rather than as a bad checksum.
        let hrp = unchecked.hrp().to_lowercase();
        if hrp != SUI_PRIVATE_KEY_HRP {
            // Errors end up in terminals, logs and JSON: only a prefix that
            // looks like one (Sui's are short words) is repeated.
            let shown = hrp.len() <= 16 && hrp.bytes().all(|b| b.is_ascii_lowercase());
            return Err(KeyError::SuiKeyWrongHrp {
                found: shown.then_some(hrp),
            });
        }
        let checked = unchecked
            .validate_and_remove_checksum::<Bech32>()
            .map_err(|_| KeyError::SuiKeyBadChecksum)?;
        let data = Zeroizing::new(checked.byte_iter().collect::<Vec<u8>>());
        let key = SuiPrivateKey::from_flagged_bytes(&data)?;
        // Bech32 lets the last character carry padding bits that decoding
        // drops; only the one canonical string of a key is accepted, so that
        // a key has exactly one written form.
        if !key.to_bech32().eq_ignore_ascii_case(s) {
            return Err(KeyError::SuiKeyMalformed {
                reason: "the padding bits of the last character are not zero".into(),
            });
        }
        Ok(key)
    }

    /// Reads `flag ‖ secret` bytes (a keystore entry or a string's data).
    fn from_flagged_bytes(bytes: &[u8]) -> Result<SuiPrivateKey, KeyError> {
        let Some(&flag) = bytes.first() else {
            return Err(KeyError::SuiKeyWrongLength { length: 0 });
        };
        let scheme = SuiKeyScheme::from_flag(flag);
        if scheme != SuiKeyScheme::Ed25519 {
            return Err(KeyError::UnsupportedKeyScheme { scheme });
        }
        let seed: [u8; 32] = bytes[1..]
            .try_into()
            .map_err(|_| KeyError::SuiKeyWrongLength {
                length: bytes.len(),
            })?;
        Ok(SuiPrivateKey::from_ed25519_seed(seed))
    }

    /// `0x00 ‖ seed`, the bytes both of Sui's forms carry.
    fn flagged_bytes(&self) -> Zeroizing<[u8; FLAGGED_LEN]> {
        let mut bytes = Zeroizing::new([0u8; FLAGGED_LEN]);
        bytes[0] = SuiKeyScheme::Ed25519.flag();
        bytes[1..].copy_from_slice(&self.seed[..]);
        bytes
    }

    /// The `suiprivkey1…` string (lowercase), which `sui keytool import`
    /// reads.
    pub fn to_bech32(&self) -> Zeroizing<String> {
        let hrp = Hrp::parse_unchecked(SUI_PRIVATE_KEY_HRP);
        Zeroizing::new(
            bech32::encode::<Bech32>(hrp, &self.flagged_bytes()[..])
                .expect("70 characters are within Bech32's 90"),
        )
    }

    /// The Base64 form of a `sui.keystore` entry.
    pub fn to_keystore_entry(&self) -> Zeroizing<String> {
        Zeroizing::new(STANDARD.encode(&self.flagged_bytes()[..]))
    }

    /// The Ed25519 public key.
    pub fn public_key(&self) -> [u8; 32] {
        ed25519_dalek::SigningKey::from_bytes(&self.seed)
            .verifying_key()
            .to_bytes()
    }

    /// The ID (address) of the identity this key makes, the same address
    /// Sui derives for it.
    pub fn identity_id(&self) -> IdentityId {
        IdentityId::from_public_key(&self.public_key())
    }

    /// The secrets to import: this seed and an X25519 secret derived from it
    /// (see [`KeyMaterial::from_ed25519_seed`]), so one Sui key always makes
    /// the same identity.
    pub fn key_material(&self) -> KeyMaterial {
        KeyMaterial::from_ed25519_seed(*self.seed)
    }
}

impl fmt::Debug for SuiPrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SuiPrivateKey({}, <redacted>)", self.identity_id())
    }
}

/// One entry of a `sui.keystore` file, by its position in the array.
#[derive(Debug, Clone)]
pub enum SuiKeystoreEntry {
    /// An Ed25519 key, which can be imported.
    Ed25519 {
        /// Its index in the array.
        index: usize,
        /// The key.
        key: SuiPrivateKey,
    },
    /// A key of another scheme, which movid cannot use.
    Unsupported {
        /// Its index in the array.
        index: usize,
        /// Its scheme.
        scheme: SuiKeyScheme,
    },
}

impl SuiKeystoreEntry {
    /// The entry's index in the keystore's array.
    pub fn index(&self) -> usize {
        match self {
            SuiKeystoreEntry::Ed25519 { index, .. }
            | SuiKeystoreEntry::Unsupported { index, .. } => *index,
        }
    }
}

/// Reads the contents of a `sui.keystore` file: every entry, Ed25519 keys
/// and the others (by scheme) alike, in order.
///
/// Fails with [`KeyError::SuiKeystoreMalformed`] if the contents are not a
/// JSON array of strings, and [`KeyError::SuiKeystoreEntry`] (naming the
/// index) if an entry is not Base64 or does not hold `flag ‖ 32 bytes`. A
/// key of another scheme is not a failure: it is returned as
/// [`SuiKeystoreEntry::Unsupported`] for the caller to report.
pub fn parse_sui_keystore(contents: &[u8]) -> Result<Vec<SuiKeystoreEntry>, KeyError> {
    let strings: Vec<Zeroizing<String>> = serde_json::from_slice::<Vec<String>>(contents)
        .map(|v| v.into_iter().map(Zeroizing::new).collect())
        .map_err(|e| KeyError::SuiKeystoreMalformed {
            // Not serde's message, which can quote the file's strings (its
            // keys); only where, and what kind of error.
            reason: format!(
                "expected a JSON array of Base64 strings ({} error at line {}, column {})",
                match e.classify() {
                    serde_json::error::Category::Io => "read",
                    serde_json::error::Category::Syntax => "syntax",
                    serde_json::error::Category::Data => "type",
                    serde_json::error::Category::Eof => "unexpected end",
                },
                e.line(),
                e.column()
            ),
        })?;
    strings
        .iter()
        .enumerate()
        .map(|(index, entry)| {
            let bytes = Zeroizing::new(STANDARD.decode(entry.trim().as_bytes()).map_err(|e| {
                KeyError::SuiKeystoreEntry {
                    index,
                    reason: format!("not Base64: {e}"),
                }
            })?);
            match SuiPrivateKey::from_flagged_bytes(&bytes) {
                Ok(key) => Ok(SuiKeystoreEntry::Ed25519 { index, key }),
                Err(KeyError::UnsupportedKeyScheme { scheme }) => {
                    // Sui's own schemes are 33 bytes too; anything else is not
                    // a key of that scheme but a damaged entry.
                    if bytes.len() != FLAGGED_LEN || matches!(scheme, SuiKeyScheme::Unknown(_)) {
                        return Err(KeyError::SuiKeystoreEntry {
                            index,
                            reason: format!(
                                "{} bytes with flag {:#04x}: not a Sui private key",
                                bytes.len(),
                                scheme.flag()
                            ),
                        });
                    }
                    Ok(SuiKeystoreEntry::Unsupported { index, scheme })
                }
                Err(KeyError::SuiKeyWrongLength { length }) => Err(KeyError::SuiKeystoreEntry {
                    index,
                    reason: format!("{length} bytes where an Ed25519 key has {FLAGGED_LEN} (flag and 32-byte secret)"),
                }),
                Err(other) => Err(other),
            }
        })
        .collect()
}

/// Reads the `sui.keystore` file at `path` (see [`parse_sui_keystore`]);
/// a file that cannot be read is [`KeyError::Io`].
pub fn read_sui_keystore(path: impl AsRef<Path>) -> Result<Vec<SuiKeystoreEntry>, KeyError> {
    let path = path.as_ref();
    let contents = Zeroizing::new(std::fs::read(path).map_err(|source| KeyError::Io {
        context: format!("reading Sui keystore {}", path.display()),
        source,
    })?);
    parse_sui_keystore(&contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SIP-15's three Ed25519 vectors: secret, `suiprivkey`, address.
    const VECTORS: [(&str, &str, &str); 3] = [
        (
            "9dd9ae36ee51b912a0364c58c1f21333bcdad2d91911aa127226c512be285102",
            "suiprivkey1qzwant3kaegmjy4qxex93s0jzvemekkjmyv3r2sjwgnv2y479pgsywhveae",
            "0x90f3e6d73b5730f16974f4df1d3441394ebae62186baf83608599f226455afa7",
        ),
        (
            "",
            "suiprivkey1qrh2sjl88rze74hwjndw3l26dqyz63tea5u9frtwcsqhmfk9vxdlx8cpv0g",
            "0xfd233cd9a5dd7e577f16fa523427c75fbc382af1583c39fdf1c6747d2ed807a3",
        ),
        (
            "",
            "suiprivkey1qzg73qyvfz0wpnyectkl08nrhe4pgnu0vqx8gydu96qx7uj4wyr8gcrjlh3",
            "0x81aaefa4a883e72e8b6ccd3bec307e25fe3d79b14e43b778695c55dcec42f4f0",
        ),
    ];

    /// The first vector's keystore entry and public key (Base64).
    const KEYSTORE_ENTRY: &str = "AJ3ZrjbuUbkSoDZMWMHyEzO82tLZGRGqEnImxRK+KFEC";
    const PUBLIC_KEY: &str = "lUyIA7yptZZx3bGRLvNg735xdoK5moRGONDSRFr/baU=";

    fn seed(hex: &str) -> [u8; 32] {
        let mut out = [0u8; 32];
        hex::decode_to_slice(hex, &mut out).unwrap();
        out
    }

    /// A Bech32 string with HRP `hrp` and data `data`, with a valid checksum.
    fn bech32_of(hrp: &str, data: &[u8]) -> String {
        bech32::encode::<Bech32>(Hrp::parse(hrp).unwrap(), data).unwrap()
    }

    #[test]
    fn sip15_vectors_decode_to_sui_addresses_and_encode_back() {
        for (secret, string, address) in VECTORS {
            let key = SuiPrivateKey::from_bech32(string).unwrap();
            assert_eq!(key.identity_id().to_string(), address, "{string}");
            assert_eq!(*key.to_bech32(), string);
            // Either case reads, and the uppercase form is the same key.
            assert_eq!(
                SuiPrivateKey::from_bech32(&string.to_uppercase())
                    .unwrap()
                    .identity_id(),
                key.identity_id()
            );
            if !secret.is_empty() {
                let from_seed = SuiPrivateKey::from_ed25519_seed(seed(secret));
                assert_eq!(*from_seed.to_bech32(), string);
                assert_eq!(from_seed.identity_id().to_string(), address);
            }
        }
        let key = SuiPrivateKey::from_bech32(VECTORS[0].1).unwrap();
        assert_eq!(*key.to_keystore_entry(), KEYSTORE_ENTRY);
        assert_eq!(STANDARD.encode(key.public_key()), PUBLIC_KEY);
    }

    #[test]
    fn the_imported_identity_signs_as_the_sui_address() {
        let key = SuiPrivateKey::from_bech32(VECTORS[0].1).unwrap();
        let material = key.key_material();
        assert_eq!(material.ed25519_public_key(), key.public_key());
        assert_eq!(
            IdentityId::from_public_key(&material.ed25519_public_key()).to_string(),
            VECTORS[0].2
        );
    }

    #[test]
    fn a_string_with_another_prefix_is_refused_by_its_prefix() {
        // A valid Bech32 string carrying the very same bytes, under another prefix.
        let data = SuiPrivateKey::from_bech32(VECTORS[0].1)
            .unwrap()
            .flagged_bytes();
        for hrp in ["suipubkey", "bc", "suiprivkeyx"] {
            let s = bech32_of(hrp, &data[..]);
            match SuiPrivateKey::from_bech32(&s) {
                Err(KeyError::SuiKeyWrongHrp { found }) => assert_eq!(found.as_deref(), Some(hrp)),
                other => panic!("{s}: {other:?}"),
            }
        }
    }

    #[test]
    fn errors_do_not_repeat_a_pasted_secret() {
        // A raw hex secret "parses" with everything before its last `1` as the prefix.
        let hex_secret = VECTORS[0].0;
        let err = SuiPrivateKey::from_bech32(hex_secret).unwrap_err();
        assert!(
            matches!(
                err,
                KeyError::SuiKeyWrongHrp { found: None } | KeyError::SuiKeyMalformed { .. }
            ),
            "{err:?}"
        );
        assert!(!err.to_string().contains(&hex_secret[..12]), "{err}");
        assert!(!format!("{err:?}").contains(&hex_secret[..12]), "{err:?}");
        // A keystore that is a JSON string, not an array: serde would quote it.
        let contents = serde_json::to_vec(VECTORS[0].1).unwrap();
        let err = parse_sui_keystore(&contents).unwrap_err();
        assert!(
            matches!(err, KeyError::SuiKeystoreMalformed { .. }),
            "{err:?}"
        );
        assert!(!err.to_string().contains(&VECTORS[0].1[12..30]), "{err}");
        // An entry that is not Base64 is named by index, not repeated.
        let contents = serde_json::to_vec(&[VECTORS[0].1]).unwrap();
        let err = parse_sui_keystore(&contents).unwrap_err();
        assert!(
            matches!(err, KeyError::SuiKeystoreEntry { index: 0, .. }),
            "{err:?}"
        );
        assert!(!err.to_string().contains(&VECTORS[0].1[12..30]), "{err}");
    }

    #[test]
    fn a_mistyped_or_bech32m_string_fails_its_checksum() {
        let good = VECTORS[0].1;
        // One character changed in the data part.
        let mut typo = good.to_owned().into_bytes();
        let i = SUI_PRIVATE_KEY_HRP.len() + 5;
        typo[i] = if typo[i] == b'q' { b'p' } else { b'q' };
        let typo = String::from_utf8(typo).unwrap();
        // Two neighbours swapped.
        let mut swapped = good.to_owned().into_bytes();
        swapped.swap(20, 21);
        let swapped = String::from_utf8(swapped).unwrap();
        assert_ne!(swapped, good);
        // The same bytes under Bech32m's checksum, which Sui does not use.
        let data = SuiPrivateKey::from_bech32(good).unwrap().flagged_bytes();
        let bech32m =
            bech32::encode::<bech32::Bech32m>(Hrp::parse(SUI_PRIVATE_KEY_HRP).unwrap(), &data[..])
                .unwrap();
        // Cut short: the checksum no longer matches either.
        let cut = &good[..good.len() - 1];
        for s in [&typo, &swapped, &bech32m, &cut.to_owned()] {
            assert!(
                matches!(
                    SuiPrivateKey::from_bech32(s),
                    Err(KeyError::SuiKeyBadChecksum)
                ),
                "{s}: {:?}",
                SuiPrivateKey::from_bech32(s)
            );
        }
    }

    #[test]
    fn secp256k1_and_secp256r1_keys_are_refused_by_scheme() {
        let secret = seed(VECTORS[0].0);
        for (flag, scheme) in [
            (0x01, SuiKeyScheme::Secp256k1),
            (0x02, SuiKeyScheme::Secp256r1),
            (0x07, SuiKeyScheme::Unknown(0x07)),
        ] {
            let mut data = vec![flag];
            data.extend_from_slice(&secret);
            let s = bech32_of(SUI_PRIVATE_KEY_HRP, &data);
            match SuiPrivateKey::from_bech32(&s) {
                Err(e @ KeyError::UnsupportedKeyScheme { .. }) => {
                    assert!(
                        matches!(e, KeyError::UnsupportedKeyScheme { scheme: s } if s == scheme)
                    );
                    if flag == 0x01 {
                        assert!(e.to_string().contains("Secp256k1"), "{e}");
                    }
                }
                other => panic!("flag {flag}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_truncated_or_overlong_payload_is_refused_by_length() {
        let full = SuiPrivateKey::from_bech32(VECTORS[0].1)
            .unwrap()
            .flagged_bytes();
        for len in [0usize, 1, 32, 34] {
            let mut data = full.to_vec();
            data.resize(len, 0xaa);
            let s = bech32_of(SUI_PRIVATE_KEY_HRP, &data);
            match SuiPrivateKey::from_bech32(&s) {
                Err(KeyError::SuiKeyWrongLength { length }) => assert_eq!(length, len),
                other => panic!("{len} bytes: {other:?}"),
            }
        }
    }

    #[test]
    fn non_bech32_input_and_nonzero_padding_are_malformed() {
        for s in ["", "suiprivkey", "hello world", "SuiPrivKey1qzwant3kaeg"] {
            assert!(
                matches!(
                    SuiPrivateKey::from_bech32(s),
                    Err(KeyError::SuiKeyMalformed { .. })
                ),
                "{s:?}: {:?}",
                SuiPrivateKey::from_bech32(s)
            );
        }
        // 33 bytes are 264 bits in 53 five-bit characters: one padding bit,
        // which must be zero. Set it and recompute a valid checksum.
        let good = VECTORS[0].1;
        let data_part = &good[SUI_PRIVATE_KEY_HRP.len() + 1..good.len() - 6];
        let mut fes: Vec<bech32::Fe32> = data_part
            .chars()
            .map(|c| bech32::Fe32::from_char(c).unwrap())
            .collect();
        let last = fes.pop().unwrap();
        fes.push(bech32::Fe32::try_from(last.to_u8() | 1).unwrap());
        let padded: String = bech32::primitives::iter::Fe32IterExt::with_checksum::<Bech32>(
            fes.into_iter(),
            &Hrp::parse(SUI_PRIVATE_KEY_HRP).unwrap(),
        )
        .chars()
        .collect();
        assert_ne!(padded, good);
        assert!(
            matches!(
                SuiPrivateKey::from_bech32(&padded),
                Err(KeyError::SuiKeyMalformed { ref reason }) if reason.contains("padding")
            ),
            "{padded}: {:?}",
            SuiPrivateKey::from_bech32(&padded)
        );
    }

    #[test]
    fn a_keystore_with_mixed_entries_yields_the_ed25519_keys_and_names_the_rest() {
        let k1 = SuiPrivateKey::from_bech32(VECTORS[1].1).unwrap();
        let mut secp = vec![0x01];
        secp.extend_from_slice(&[7; 32]);
        let mut r1 = vec![0x02];
        r1.extend_from_slice(&[9; 32]);
        let file = serde_json::json!([
            KEYSTORE_ENTRY,
            STANDARD.encode(&secp),
            *k1.to_keystore_entry(),
            STANDARD.encode(&r1),
        ]);
        let entries = parse_sui_keystore(file.to_string().as_bytes()).unwrap();
        assert_eq!(entries.len(), 4);
        let summary: Vec<(usize, String)> = entries
            .iter()
            .map(|e| match e {
                SuiKeystoreEntry::Ed25519 { index, key } => (*index, key.identity_id().to_string()),
                SuiKeystoreEntry::Unsupported { index, scheme } => {
                    (*index, scheme.name().to_owned())
                }
            })
            .collect();
        assert_eq!(
            summary,
            [
                (0, VECTORS[0].2.to_owned()),
                (1, "secp256k1".to_owned()),
                (2, VECTORS[1].2.to_owned()),
                (3, "secp256r1".to_owned()),
            ]
        );
    }

    #[test]
    fn a_damaged_keystore_is_refused_naming_the_entry() {
        let cases: [(&str, Option<usize>); 7] = [
            ("{\"keys\": []}", None),
            ("[1, 2]", None),
            ("not json", None),
            (
                r#"["AJ3ZrjbuUbkSoDZMWMHyEzO82tLZGRGqEnImxRK+KFEC", "!!!"]"#,
                Some(1),
            ),
            // Ed25519 flag, 31 bytes of secret.
            (
                r#"["AJ3ZrjbuUbkSoDZMWMHyEzO82tLZGRGqEnImxRK+KA=="]"#,
                Some(0),
            ),
            // An empty entry.
            (
                r#"["AJ3ZrjbuUbkSoDZMWMHyEzO82tLZGRGqEnImxRK+KFEC", ""]"#,
                Some(1),
            ),
            // A flag no Sui key has.
            (
                r#"["BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcH"]"#,
                Some(0),
            ),
        ];
        for (contents, index) in cases {
            match (parse_sui_keystore(contents.as_bytes()), index) {
                (Err(KeyError::SuiKeystoreMalformed { .. }), None) => {}
                (Err(KeyError::SuiKeystoreEntry { index: got, .. }), Some(want)) => {
                    assert_eq!(got, want, "{contents}")
                }
                (other, _) => panic!("{contents}: {other:?}"),
            }
        }
        assert!(parse_sui_keystore(b"[]").unwrap().is_empty());
    }

    #[test]
    fn debug_names_the_address_but_not_the_secret() {
        let key = SuiPrivateKey::from_bech32(VECTORS[0].1).unwrap();
        let debug = format!("{key:?}");
        assert!(debug.contains(VECTORS[0].2), "{debug}");
        assert!(!debug.contains(&VECTORS[0].0[..16]), "{debug}");
        assert!(!debug.contains(&VECTORS[0].1[12..30]), "{debug}");
    }

    /// Export through the identity manager: what leaves, from where, and
    /// what comes back on import.
    mod export {
        use super::*;
        use crate::keys::{
            Backend, Capability, IdentityManager, MemoryBackend, RemoteClientConfig, Scheme,
            SignerCa,
        };

        fn block_on<F: std::future::Future>(f: F) -> F::Output {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(f)
        }

        #[test]
        fn a_generated_key_exported_and_imported_elsewhere_signs_as_the_same_address() {
            block_on(async {
                let manager = IdentityManager::new();
                let here = Backend::memory();
                let (identity, _) = manager
                    .generate(&here, Scheme::Ed25519, Capability::CommitAndDecrypt)
                    .await
                    .unwrap();
                let exported = manager.export_sui(&identity, &here).unwrap();
                let string = exported.private_key.to_bech32();
                assert!(string.starts_with("suiprivkey1"), "{}", *string);
                // A generated identity's X25519 key is independent of its seed.
                assert!(!exported.x25519_restored_on_import);

                let there = Backend::memory();
                let key = SuiPrivateKey::from_bech32(&string).unwrap();
                let (imported, handle) = manager
                    .import(
                        &there,
                        Scheme::Ed25519,
                        &key.key_material(),
                        Capability::CommitAndDecrypt,
                    )
                    .await
                    .unwrap();
                assert_eq!(imported.id(), identity.id());
                assert_eq!(imported.ed25519_public_key(), identity.ed25519_public_key());
                assert_ne!(imported.x25519_public_key(), identity.x25519_public_key());
                let signature = handle
                    .committer()
                    .unwrap()
                    .sign_transaction(b"tx")
                    .await
                    .unwrap();
                assert_eq!(signature.address(), identity.address());

                // An identity imported from a seed exports the same seed, and
                // this time its X25519 key comes back too.
                let again = manager.export_sui(&imported, &there).unwrap();
                assert_eq!(*again.private_key.to_bech32(), *string);
                assert!(again.x25519_restored_on_import);
            });
        }

        #[test]
        fn export_refuses_an_agent_and_a_remote_signer_without_contacting_them() {
            let manager = IdentityManager::new();
            let id = IdentityId::from_bytes([5; 32]);
            // Nothing listens at either: a refusal that contacted them would be
            // AgentUnavailable / RemoteUnavailable instead.
            let agent = Backend::agent("/nonexistent/movid-agent.sock");
            assert!(matches!(
                manager.export_sui(id, &agent),
                Err(KeyError::NotExportable { backend: "agent" })
            ));
            let ca = SignerCa::generate("test ca").unwrap();
            let remote = Backend::remote(
                "127.0.0.1:9".parse().unwrap(),
                RemoteClientConfig {
                    ca_pem: ca.cert_pem().to_owned(),
                    server_name: "127.0.0.1".into(),
                    identity: ca.issue_client("client").unwrap(),
                    token: Zeroizing::new("token".into()),
                },
            )
            .unwrap();
            let err = manager.export_sui(id, &remote).unwrap_err();
            assert!(
                matches!(err, KeyError::NotExportable { backend: "remote" }),
                "{err:?}"
            );
            assert!(err.to_string().contains("never hands a key out"), "{err}");
        }

        #[test]
        fn export_refuses_a_decrypt_only_identity() {
            block_on(async {
                let manager = IdentityManager::new();
                let backend = Backend::memory();
                let (identity, _) = manager
                    .generate(&backend, Scheme::Ed25519, Capability::Decrypt)
                    .await
                    .unwrap();
                assert!(matches!(
                    manager.export_sui(&identity, &backend),
                    Err(KeyError::CapabilitiesNotAvailable {
                        requested: Capability::Commit,
                        available: Capability::Decrypt
                    })
                ));
                assert!(matches!(
                    manager.export_sui(IdentityId::from_bytes([1; 32]), &backend),
                    Err(KeyError::ExternalIdentityNotFound { .. })
                ));
            });
        }

        #[test]
        fn export_does_not_bring_back_a_key_another_process_deleted() {
            block_on(async {
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("keys.json");
                let mine = Backend::from(MemoryBackend::open_keyfile(&path, "pw").unwrap());
                let theirs = Backend::from(MemoryBackend::open_keyfile(&path, "pw").unwrap());
                let manager = IdentityManager::new();
                let (identity, _) = manager
                    .generate(&mine, Scheme::Ed25519, Capability::Commit)
                    .await
                    .unwrap();
                manager.export_sui(&identity, &mine).unwrap();
                manager.delete(&identity, &theirs).await.unwrap();
                assert!(matches!(
                    manager.export_sui(&identity, &mine),
                    Err(KeyError::ExternalIdentityNotFound { .. })
                ));
            });
        }
    }
}
