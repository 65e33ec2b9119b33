//! `did:movid` identifiers and DID URLs.
//!
//! A movid DID names the shared `Identity` object that holds its document:
//! `did:movid:<network>:0x<64 lowercase hex object id>`. The network is
//! `[a-z0-9]{1,32}`; the local chain is `local`. Parsing is strict (lowercase
//! hex only, exactly 32 bytes) so that one object has exactly one DID string:
//! DIDs are compared as strings by every other DID tool.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::DidError;

/// The DID method name of movid DIDs.
pub const METHOD: &str = "movid";
/// The network name of the local chain.
pub const LOCAL_NETWORK: &str = "local";
/// The longest network name a DID may carry.
pub const MAX_NETWORK_LEN: usize = 32;

/// A `did:movid:<network>:0x<object id>` decentralized identifier.
///
/// ```
/// use movid_sdk::did::Did;
///
/// let did: Did = "did:movid:local:0x00000000000000000000000000000000000000000000000000000000000000ab"
///     .parse()
///     .unwrap();
/// assert_eq!(did.network(), "local");
/// assert_eq!(did.object_id()[31], 0xab);
/// assert_eq!(did.to_string().parse::<Did>().unwrap(), did);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Did {
    network: String,
    object_id: [u8; 32],
}

impl Did {
    /// The DID of object `object_id` on `network`.
    ///
    /// Fails with [`DidError::InvalidNetwork`] if the network is not
    /// `[a-z0-9]{1,32}`.
    pub fn new(network: &str, object_id: [u8; 32]) -> Result<Did, DidError> {
        validate_network(network)?;
        Ok(Did {
            network: network.to_owned(),
            object_id,
        })
    }

    /// The DID of object `object_id` on the local chain (`did:movid:local:...`).
    pub fn local(object_id: [u8; 32]) -> Did {
        Did {
            network: LOCAL_NETWORK.to_owned(),
            object_id,
        }
    }

    /// Parses a DID; a DID URL (with a path, query or fragment) is refused,
    /// use [`DidUrl::parse`] for those.
    pub fn parse(input: &str) -> Result<Did, DidError> {
        match input.find(['/', '?', '#']) {
            None => parse_did(input),
            // Report what is wrong with the DID part first: `https://x` is
            // not a DID at all, rather than a DID URL.
            Some(pos) => {
                parse_did(&input[..pos])?;
                Err(DidError::UnexpectedDidUrl {
                    input: input.to_owned(),
                    position: pos,
                })
            }
        }
    }

    /// The network this DID lives on (`local` for the local chain).
    pub fn network(&self) -> &str {
        &self.network
    }

    /// The ID of the `Identity` object holding the DID document.
    pub fn object_id(&self) -> &[u8; 32] {
        &self.object_id
    }

    /// The object ID as `0x` followed by 64 lowercase hex digits.
    pub fn object_id_hex(&self) -> String {
        format!("0x{}", hex::encode(self.object_id))
    }

    /// The DID URL `<this DID>#<fragment>`, e.g. a verification method ID.
    ///
    /// Fails with [`DidError::InvalidFragment`] if the fragment holds
    /// characters RFC 3986 does not allow there.
    pub fn join(&self, fragment: &str) -> Result<DidUrl, DidError> {
        let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
        validate_component(fragment, ComponentKind::Fragment)?;
        Ok(DidUrl {
            did: self.clone(),
            path: None,
            query: None,
            fragment: Some(fragment.to_owned()),
        })
    }
}

impl fmt::Display for Did {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "did:{METHOD}:{}:0x{}",
            self.network,
            hex::encode(self.object_id)
        )
    }
}

impl FromStr for Did {
    type Err = DidError;

    fn from_str(s: &str) -> Result<Did, DidError> {
        Did::parse(s)
    }
}

impl Serialize for Did {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Did {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Did, D::Error> {
        let s = String::deserialize(deserializer)?;
        Did::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A DID URL: a movid DID with an optional path, query and fragment, such as
/// the verification method ID `did:movid:local:0x..#key-1`.
///
/// ```
/// use movid_sdk::did::DidUrl;
///
/// let url: DidUrl = "did:movid:local:0x00000000000000000000000000000000000000000000000000000000000000ab#key-1"
///     .parse()
///     .unwrap();
/// assert_eq!(url.fragment(), Some("key-1"));
/// assert_eq!(url.did().network(), "local");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DidUrl {
    did: Did,
    path: Option<String>,
    query: Option<String>,
    fragment: Option<String>,
}

impl DidUrl {
    /// Parses `did [/path] [?query] [#fragment]` (RFC 3986 characters only;
    /// a bare DID parses too).
    pub fn parse(input: &str) -> Result<DidUrl, DidError> {
        let did_end = input.find(['/', '?', '#']).unwrap_or(input.len());
        let did = parse_did(&input[..did_end])?;
        let mut rest = &input[did_end..];

        let mut fragment = None;
        if let Some(pos) = rest.find('#') {
            let f = &rest[pos + 1..];
            validate_component(f, ComponentKind::Fragment)?;
            fragment = Some(f.to_owned());
            rest = &rest[..pos];
        }
        let mut query = None;
        if let Some(pos) = rest.find('?') {
            let q = &rest[pos + 1..];
            validate_component(q, ComponentKind::Query)?;
            query = Some(q.to_owned());
            rest = &rest[..pos];
        }
        let path = if rest.is_empty() {
            None
        } else {
            validate_component(rest, ComponentKind::Path)?;
            Some(rest.to_owned())
        };
        Ok(DidUrl {
            did,
            path,
            query,
            fragment,
        })
    }

    /// The DID this URL is relative to.
    pub fn did(&self) -> &Did {
        &self.did
    }

    /// The path, starting with `/`, if any.
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    /// The query, without the leading `?`, if any.
    pub fn query(&self) -> Option<&str> {
        self.query.as_deref()
    }

    /// The fragment, without the leading `#`, if any.
    pub fn fragment(&self) -> Option<&str> {
        self.fragment.as_deref()
    }
}

impl From<Did> for DidUrl {
    fn from(did: Did) -> DidUrl {
        DidUrl {
            did,
            path: None,
            query: None,
            fragment: None,
        }
    }
}

impl fmt::Display for DidUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.did)?;
        if let Some(path) = &self.path {
            f.write_str(path)?;
        }
        if let Some(query) = &self.query {
            write!(f, "?{query}")?;
        }
        if let Some(fragment) = &self.fragment {
            write!(f, "#{fragment}")?;
        }
        Ok(())
    }
}

impl FromStr for DidUrl {
    type Err = DidError;

    fn from_str(s: &str) -> Result<DidUrl, DidError> {
        DidUrl::parse(s)
    }
}

impl Serialize for DidUrl {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DidUrl {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<DidUrl, D::Error> {
        let s = String::deserialize(deserializer)?;
        DidUrl::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Parses a bare DID (no path, query or fragment).
fn parse_did(input: &str) -> Result<Did, DidError> {
    let Some(rest) = input.strip_prefix("did:") else {
        return Err(DidError::NotADid {
            input: input.to_owned(),
        });
    };
    let mut parts = rest.splitn(3, ':');
    let method = parts.next().unwrap_or_default();
    if method != METHOD {
        return Err(DidError::MethodNotSupported {
            method: method.to_owned(),
        });
    }
    let (Some(network), Some(object_id)) = (parts.next(), parts.next()) else {
        return Err(DidError::MissingSegments {
            input: input.to_owned(),
        });
    };
    validate_network(network)?;
    let object_id = parse_object_id(object_id)?;
    Ok(Did {
        network: network.to_owned(),
        object_id,
    })
}

fn validate_network(network: &str) -> Result<(), DidError> {
    let valid = !network.is_empty()
        && network.len() <= MAX_NETWORK_LEN
        && network
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if valid {
        Ok(())
    } else {
        Err(DidError::InvalidNetwork {
            network: network.to_owned(),
        })
    }
}

fn parse_object_id(s: &str) -> Result<[u8; 32], DidError> {
    let invalid = |reason: &'static str| DidError::InvalidObjectId {
        object_id: s.to_owned(),
        reason,
    };
    let Some(digits) = s.strip_prefix("0x") else {
        return Err(invalid("it must start with `0x`"));
    };
    if digits.len() != 64 {
        return Err(invalid("it must have exactly 64 hex digits"));
    }
    if !digits
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(invalid("it must use lowercase hex digits (0-9, a-f) only"));
    }
    let mut id = [0u8; 32];
    hex::decode_to_slice(digits, &mut id).map_err(|_| invalid("it is not valid hex"))?;
    Ok(id)
}

#[derive(Clone, Copy)]
enum ComponentKind {
    Path,
    Query,
    Fragment,
}

/// Checks a DID URL component against RFC 3986: `pchar` (unreserved,
/// percent-encoded, sub-delims, `:` and `@`), plus `/` everywhere and `?` in
/// queries and fragments.
fn validate_component(s: &str, kind: ComponentKind) -> Result<(), DidError> {
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut ok = match kind {
        ComponentKind::Path => s.starts_with('/'),
        ComponentKind::Query | ComponentKind::Fragment => true,
    };
    while ok && i < bytes.len() {
        let b = bytes[i];
        ok = match b {
            b'%' => {
                let valid = bytes.len() > i + 2
                    && bytes[i + 1].is_ascii_hexdigit()
                    && bytes[i + 2].is_ascii_hexdigit();
                i += 2;
                valid
            }
            b'?' => !matches!(kind, ComponentKind::Path),
            _ => b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&b),
        };
        i += 1;
    }
    if ok {
        return Ok(());
    }
    let value = s.to_owned();
    Err(match kind {
        ComponentKind::Fragment => DidError::InvalidFragment { fragment: value },
        ComponentKind::Query => DidError::InvalidQuery { query: value },
        ComponentKind::Path => DidError::InvalidPath { path: value },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const HEX: &str = "00000000000000000000000000000000000000000000000000000000000000ab";

    fn did_str(network: &str) -> String {
        format!("did:movid:{network}:0x{HEX}")
    }

    #[test]
    fn local_did_parses_and_formats() {
        let did = Did::parse(&did_str("local")).unwrap();
        assert_eq!(did.network(), LOCAL_NETWORK);
        assert_eq!(did.object_id_hex(), format!("0x{HEX}"));
        assert_eq!(did.to_string(), did_str("local"));
        assert_eq!(Did::local(*did.object_id()), did);
    }

    #[test]
    fn did_serializes_as_a_string() {
        let did = Did::parse(&did_str("testnet1")).unwrap();
        let json = serde_json::to_string(&did).unwrap();
        assert_eq!(json, format!("\"{}\"", did_str("testnet1")));
        assert_eq!(serde_json::from_str::<Did>(&json).unwrap(), did);
        assert!(serde_json::from_str::<Did>("\"did:web:example.com\"").is_err());
    }

    #[test]
    fn non_did_is_refused() {
        assert!(matches!(
            Did::parse("movid:local:0x00"),
            Err(DidError::NotADid { .. })
        ));
        assert!(matches!(Did::parse(""), Err(DidError::NotADid { .. })));
    }

    #[test]
    fn other_method_is_refused() {
        assert_eq!(
            Did::parse("did:iota:0x1234").unwrap_err(),
            DidError::MethodNotSupported {
                method: "iota".into()
            }
        );
    }

    #[test]
    fn missing_segments_are_refused() {
        assert!(matches!(
            Did::parse("did:movid:local"),
            Err(DidError::MissingSegments { .. })
        ));
        assert!(matches!(
            Did::parse("did:movid"),
            Err(DidError::MissingSegments { .. })
        ));
    }

    #[test]
    fn bad_networks_are_refused() {
        for network in ["", "Local", "loc-al", "a".repeat(33).as_str(), "lo cal"] {
            let err = Did::parse(&did_str(network)).unwrap_err();
            assert!(
                matches!(err, DidError::InvalidNetwork { .. }),
                "{network}: {err:?}"
            );
        }
        assert!(Did::parse(&did_str(&"a".repeat(32))).is_ok());
        assert!(Did::new("UPPER", [0; 32]).is_err());
    }

    #[test]
    fn bad_object_ids_are_refused() {
        let cases = [
            format!("did:movid:local:{HEX}"),
            format!("did:movid:local:0x{}", &HEX[2..]),
            format!("did:movid:local:0x{HEX}00"),
            format!("did:movid:local:0x{}zz", &HEX[2..]),
            format!("did:movid:local:0x{}", HEX.replace("ab", "Ab")),
            format!("did:movid:local:0x{HEX}:extra"),
        ];
        for input in cases {
            let err = Did::parse(&input).unwrap_err();
            assert!(
                matches!(err, DidError::InvalidObjectId { .. }),
                "{input}: {err:?}"
            );
        }
    }

    #[test]
    fn url_of_another_scheme_is_not_a_did() {
        assert!(matches!(
            Did::parse("https://example.com/x"),
            Err(DidError::NotADid { .. })
        ));
    }

    #[test]
    fn did_url_is_not_a_did() {
        let input = format!("{}#key-1", did_str("local"));
        assert!(matches!(
            Did::parse(&input),
            Err(DidError::UnexpectedDidUrl { .. })
        ));
    }

    #[test]
    fn did_url_with_fragment_parses() {
        let input = format!("{}#key-1", did_str("local"));
        let url = DidUrl::parse(&input).unwrap();
        assert_eq!(url.fragment(), Some("key-1"));
        assert_eq!(url.path(), None);
        assert_eq!(url.query(), None);
        assert_eq!(url.to_string(), input);
        assert_eq!(url.did().join("key-1").unwrap(), url);
        assert_eq!(url.did().join("#key-1").unwrap(), url);
    }

    #[test]
    fn did_url_with_path_query_and_fragment_round_trips() {
        let input = format!(
            "{}/services/a%20b?service=files&relativeRef=/x#frag/ment?",
            did_str("local")
        );
        let url = DidUrl::parse(&input).unwrap();
        assert_eq!(url.path(), Some("/services/a%20b"));
        assert_eq!(url.query(), Some("service=files&relativeRef=/x"));
        assert_eq!(url.fragment(), Some("frag/ment?"));
        assert_eq!(url.to_string(), input);
        let json = serde_json::to_string(&url).unwrap();
        assert_eq!(serde_json::from_str::<DidUrl>(&json).unwrap(), url);
    }

    #[test]
    fn bad_did_url_components_are_refused() {
        let did = did_str("local");
        assert!(matches!(
            DidUrl::parse(&format!("{did}#key 1")),
            Err(DidError::InvalidFragment { .. })
        ));
        assert!(matches!(
            DidUrl::parse(&format!("{did}#a#b")),
            Err(DidError::InvalidFragment { .. })
        ));
        assert!(matches!(
            DidUrl::parse(&format!("{did}?a=%zz")),
            Err(DidError::InvalidQuery { .. })
        ));
        assert!(matches!(
            DidUrl::parse(&format!("{did}/a\"b")),
            Err(DidError::InvalidPath { .. })
        ));
        assert!(matches!(
            Did::parse(&did).unwrap().join("ké"),
            Err(DidError::InvalidFragment { .. })
        ));
    }

    proptest! {
        #[test]
        fn did_round_trips(network in "[a-z0-9]{1,32}", id in any::<[u8; 32]>()) {
            let did = Did::new(&network, id).unwrap();
            let parsed: Did = did.to_string().parse().unwrap();
            prop_assert_eq!(&parsed, &did);
            prop_assert_eq!(parsed.object_id(), &id);
        }

        #[test]
        fn did_url_round_trips(
            network in "[a-z0-9]{1,32}",
            id in any::<[u8; 32]>(),
            fragment in "[A-Za-z0-9._~:@!$&'()*+,;=/?-]{0,24}",
        ) {
            let url = Did::new(&network, id).unwrap().join(&fragment).unwrap();
            let parsed: DidUrl = url.to_string().parse().unwrap();
            prop_assert_eq!(parsed.fragment(), Some(fragment.as_str()));
            prop_assert_eq!(parsed, url);
        }

        #[test]
        fn parsing_never_panics(input in "\\PC{0,120}") {
            let _ = Did::parse(&input);
            let _ = DidUrl::parse(&input);
        }

        #[test]
        fn parsing_never_panics_near_valid_dids(
            network in "[a-zA-Z0-9-]{0,34}",
            digits in "[0-9a-fA-FxX]{0,70}",
            tail in "[#/?%a-z0-9 ]{0,8}",
        ) {
            let input = format!("did:movid:{network}:0x{digits}{tail}");
            let _ = Did::parse(&input);
            let _ = DidUrl::parse(&input);
        }
    }
}
