//! The on-chain encoding of DID documents (docs/DESIGN.md §8).
//!
//! An `Identity` object stores its document as
//! `"DID"` ‖ format version (1) ‖ encoding (0 JSON, 1 deflate JSON) ‖ payload.
//! The document cannot know its own DID when it is created (the DID is the ID
//! of the object about to be created), so it is written with the placeholder
//! [`PLACEHOLDER_DID`] wherever its DID appears as a DID or DID URL prefix,
//! and the real DID is put back when it is read.
//!
//! Deflate means raw DEFLATE (RFC 1951, no zlib or gzip header). Empty bytes
//! mean a deactivated DID: they are not a document, and [`unpack`] refuses
//! them with [`DidError::EmptyDocument`]; resolution handles them
//! (see [`super::resolve`]).

use std::io::{Read, Write};

use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use flate2::Compression;
use serde_json::Value;

use super::{Did, DidDocument, DidError};

/// The magic bytes every packed document starts with.
pub const MAGIC: &[u8; 3] = b"DID";
/// The format version this SDK writes and reads.
pub const FORMAT_VERSION: u8 = 1;
/// The DID written in place of the document's own DID.
pub const PLACEHOLDER_DID: &str = "did:0:0";
/// The largest JSON payload (after decompression) accepted, so that a small
/// compressed document cannot expand without bound.
pub const MAX_JSON_SIZE: usize = 1 << 20;

const HEADER_LEN: usize = MAGIC.len() + 2;

/// How the payload of a packed document is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// Plain JSON (encoding byte 0).
    Json,
    /// Raw-DEFLATE-compressed JSON (encoding byte 1).
    DeflateJson,
}

impl Encoding {
    /// The encoding byte of the header.
    pub fn byte(self) -> u8 {
        match self {
            Encoding::Json => 0,
            Encoding::DeflateJson => 1,
        }
    }

    /// The encoding named by a header byte.
    pub fn from_byte(byte: u8) -> Result<Encoding, DidError> {
        match byte {
            0 => Ok(Encoding::Json),
            1 => Ok(Encoding::DeflateJson),
            encoding => Err(DidError::UnknownEncoding { encoding }),
        }
    }
}

/// Packs `doc` into the bytes an `Identity` stores, with its own DID replaced
/// by [`PLACEHOLDER_DID`].
///
/// ```
/// use movid_sdk::did::{pack, unpack, Did, DidDocument, Encoding};
///
/// let doc = DidDocument::new(Did::local([1; 32]));
/// let bytes = pack(&doc, Encoding::DeflateJson);
/// assert_eq!(&bytes[..5], b"DID\x01\x01");
/// // The same document can be stored by another identity.
/// let other = Did::local([2; 32]);
/// assert_eq!(unpack(&bytes, &other).unwrap().id, other);
/// ```
pub fn pack(doc: &DidDocument, encoding: Encoding) -> Vec<u8> {
    // A DidDocument is made of strings, maps with string keys and JSON values,
    // so converting it to JSON cannot fail.
    let mut json = serde_json::to_value(doc).expect("a DID document always converts to JSON");
    replace_did_prefix(&mut json, &doc.id.to_string(), PLACEHOLDER_DID);
    let payload = serde_json::to_vec(&json).expect("a JSON value always serializes");

    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    out.extend_from_slice(MAGIC);
    out.push(FORMAT_VERSION);
    out.push(encoding.byte());
    match encoding {
        Encoding::Json => out.extend_from_slice(&payload),
        Encoding::DeflateJson => {
            let mut encoder = DeflateEncoder::new(out, Compression::best());
            // Writing to a Vec cannot fail.
            encoder.write_all(&payload).expect("writing to memory");
            out = encoder.finish().expect("writing to memory");
        }
    }
    out
}

/// Unpacks the stored bytes of the identity whose DID is `did`, putting `did`
/// back in place of [`PLACEHOLDER_DID`].
///
/// Fails on empty bytes ([`DidError::EmptyDocument`]: a deactivated DID), a
/// bad header, an unsupported version or encoding, a payload that does not
/// decompress or is not a DID document, or a document that names another DID
/// as its `id` ([`DidError::DocumentIdMismatch`]).
pub fn unpack(bytes: &[u8], did: &Did) -> Result<DidDocument, DidError> {
    if bytes.is_empty() {
        return Err(DidError::EmptyDocument);
    }
    if bytes.len() < HEADER_LEN || &bytes[..MAGIC.len()] != MAGIC {
        return Err(DidError::InvalidHeader {
            found: bytes[..bytes.len().min(HEADER_LEN)].to_vec(),
        });
    }
    let version = bytes[MAGIC.len()];
    if version != FORMAT_VERSION {
        return Err(DidError::UnsupportedVersion { version });
    }
    let encoding = Encoding::from_byte(bytes[MAGIC.len() + 1])?;
    let payload = &bytes[HEADER_LEN..];
    let json = match encoding {
        Encoding::Json => {
            if payload.len() > MAX_JSON_SIZE {
                return Err(DidError::DocumentTooLarge {
                    limit: MAX_JSON_SIZE,
                });
            }
            payload.to_vec()
        }
        Encoding::DeflateJson => inflate(payload)?,
    };

    let mut value: Value =
        serde_json::from_slice(&json).map_err(|e| DidError::InvalidDocument {
            reason: e.to_string(),
        })?;
    let did_string = did.to_string();
    replace_did_prefix(&mut value, PLACEHOLDER_DID, &did_string);
    let doc: DidDocument =
        serde_json::from_value(value).map_err(|e| DidError::InvalidDocument {
            reason: e.to_string(),
        })?;
    if doc.id != *did {
        return Err(DidError::DocumentIdMismatch {
            expected: did.clone(),
            found: doc.id,
        });
    }
    Ok(doc)
}

fn inflate(payload: &[u8]) -> Result<Vec<u8>, DidError> {
    let mut json = Vec::new();
    // Read one byte past the limit to tell "exactly at the limit" from "over".
    DeflateDecoder::new(payload)
        .take(MAX_JSON_SIZE as u64 + 1)
        .read_to_end(&mut json)
        .map_err(|e| DidError::Decompression {
            reason: e.to_string(),
        })?;
    if json.len() > MAX_JSON_SIZE {
        return Err(DidError::DocumentTooLarge {
            limit: MAX_JSON_SIZE,
        });
    }
    Ok(json)
}

/// Replaces `from` by `to` in every string of `value` that is `from` itself
/// or a DID URL built on it (`from` followed by `#`, `/` or `?`). Object keys
/// are property names, never DIDs, and are left alone.
fn replace_did_prefix(value: &mut Value, from: &str, to: &str) {
    match value {
        Value::String(s) => {
            if let Some(rest) = s.strip_prefix(from) {
                if rest.is_empty() || rest.starts_with(['#', '/', '?']) {
                    *s = format!("{to}{rest}");
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| replace_did_prefix(v, from, to)),
        Value::Object(map) => map
            .values_mut()
            .for_each(|v| replace_did_prefix(v, from, to)),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::did::{KeyFormat, PublicKey, Relationship, Service, ServiceEndpoint};
    use proptest::prelude::*;
    use serde_json::json;

    fn did() -> Did {
        Did::local([0x11; 32])
    }

    fn sample() -> DidDocument {
        DidDocument::builder(did())
            .controller(did().to_string())
            .controller("did:movid:local:0x1100000000000000000000000000000000000000000000000000000000000000")
            .also_known_as(format!("{}-old", did()))
            .key(
                "key-1",
                PublicKey::Ed25519([1; 32]),
                KeyFormat::Jwk,
                &[Relationship::Authentication],
            )
            .service(Service::new(
                &did().join("svc").unwrap(),
                "LinkedDomains",
                ServiceEndpoint::Url(format!("https://example.com/{}", did())),
            ))
            .build()
            .unwrap()
    }

    #[test]
    fn json_encoding_round_trips() {
        let doc = sample();
        let bytes = pack(&doc, Encoding::Json);
        assert_eq!(&bytes[..5], b"DID\x01\x00");
        assert_eq!(unpack(&bytes, &did()).unwrap(), doc);
    }

    #[test]
    fn deflate_encoding_round_trips_and_is_smaller() {
        let doc = sample();
        let bytes = pack(&doc, Encoding::DeflateJson);
        assert_eq!(&bytes[..5], b"DID\x01\x01");
        assert!(bytes.len() < pack(&doc, Encoding::Json).len());
        assert_eq!(unpack(&bytes, &did()).unwrap(), doc);
    }

    #[test]
    fn own_did_is_written_as_the_placeholder() {
        let bytes = pack(&sample(), Encoding::Json);
        let json: Value = serde_json::from_slice(&bytes[5..]).unwrap();
        assert_eq!(json["id"], json!("did:0:0"));
        assert_eq!(json["controller"][0], json!("did:0:0"));
        assert_eq!(
            json["controller"][1],
            json!("did:movid:local:0x1100000000000000000000000000000000000000000000000000000000000000")
        );
        // A URI that merely starts with the DID is not a DID URL: kept.
        assert_eq!(json["alsoKnownAs"][0], json!(format!("{}-old", did())));
        assert_eq!(json["verificationMethod"][0]["id"], json!("did:0:0#key-1"));
        assert_eq!(
            json["verificationMethod"][0]["controller"],
            json!("did:0:0")
        );
        assert_eq!(json["authentication"][0], json!("did:0:0#key-1"));
        assert_eq!(json["service"][0]["id"], json!("did:0:0#svc"));
        // Only prefixes are replaced: the DID inside a URL stays.
        assert_eq!(
            json["service"][0]["serviceEndpoint"],
            json!(format!("https://example.com/{}", did()))
        );
        let text = String::from_utf8(bytes[5..].to_vec()).unwrap();
        assert!(!text.contains(&format!("\"{}\"", did())));
        assert!(!text.contains(&format!("\"{}#", did())));
    }

    #[test]
    fn placeholder_is_replaced_by_the_resolved_did() {
        let payload = json!({
            "id": "did:0:0",
            "controller": "did:0:0",
            "verificationMethod": [{
                "id": "did:0:0#key-1",
                "type": "Multikey",
                "controller": "did:0:0",
                "publicKeyMultibase": PublicKey::Ed25519([1; 32]).to_multibase()
            }],
            "authentication": ["did:0:0#key-1"],
            "service": [{"id": "did:0:0/path?q=1", "type": "X", "serviceEndpoint": "did:0:0x"}]
        });
        let mut bytes = b"DID\x01\x00".to_vec();
        bytes.extend(serde_json::to_vec(&payload).unwrap());
        let doc = unpack(&bytes, &did()).unwrap();
        assert_eq!(doc.id, did());
        assert_eq!(doc.controller, [did().to_string()]);
        assert_eq!(doc.verification_method[0].id, format!("{}#key-1", did()));
        assert_eq!(doc.service[0].id, format!("{}/path?q=1", did()));
        // `did:0:0x` is not the placeholder followed by a DID URL delimiter.
        assert_eq!(
            doc.service[0].service_endpoint,
            ServiceEndpoint::Url("did:0:0x".into())
        );
        assert_eq!(doc.ed25519_public_key("key-1").unwrap(), [1; 32]);
    }

    #[test]
    fn bad_headers_are_refused() {
        let good = pack(&sample(), Encoding::Json);
        assert_eq!(unpack(&[], &did()), Err(DidError::EmptyDocument));
        assert!(matches!(
            unpack(b"DI", &did()),
            Err(DidError::InvalidHeader { .. })
        ));
        assert!(matches!(
            unpack(b"{\"id\":1}", &did()),
            Err(DidError::InvalidHeader { .. })
        ));
        let mut v2 = good.clone();
        v2[3] = 2;
        assert_eq!(
            unpack(&v2, &did()),
            Err(DidError::UnsupportedVersion { version: 2 })
        );
        let mut enc = good.clone();
        enc[4] = 7;
        assert_eq!(
            unpack(&enc, &did()),
            Err(DidError::UnknownEncoding { encoding: 7 })
        );
    }

    #[test]
    fn bad_payloads_are_refused() {
        let mut not_json = b"DID\x01\x00".to_vec();
        not_json.extend(b"{not json");
        assert!(matches!(
            unpack(&not_json, &did()),
            Err(DidError::InvalidDocument { .. })
        ));

        let mut not_a_document = b"DID\x01\x00".to_vec();
        not_a_document.extend(b"{\"id\": 5}");
        assert!(matches!(
            unpack(&not_a_document, &did()),
            Err(DidError::InvalidDocument { .. })
        ));

        let mut not_deflate = b"DID\x01\x01".to_vec();
        not_deflate.extend([0xff; 16]);
        assert!(matches!(
            unpack(&not_deflate, &did()),
            Err(DidError::Decompression { .. })
        ));

        let other = Did::local([0x22; 32]);
        let doc = DidDocument::new(other.clone());
        let mut foreign = b"DID\x01\x00".to_vec();
        foreign.extend(serde_json::to_vec(&doc).unwrap());
        assert_eq!(
            unpack(&foreign, &did()),
            Err(DidError::DocumentIdMismatch {
                expected: did(),
                found: other
            })
        );
    }

    fn arb_document() -> impl Strategy<Value = DidDocument> {
        let key = (
            any::<[u8; 32]>(),
            any::<bool>(),
            any::<bool>(),
            proptest::sample::subsequence(Relationship::ALL.to_vec(), 0..=5),
        );
        (
            "[a-z0-9]{1,8}",
            any::<[u8; 32]>(),
            proptest::collection::vec(key, 0..4),
            proptest::collection::vec("[a-z]{1,10}", 0..3),
            proptest::option::of("\\PC{0,40}"),
        )
            .prop_map(|(network, id, keys, services, note)| {
                let did = Did::new(&network, id).unwrap();
                let mut builder = DidDocument::builder(did.clone()).controller(did.to_string());
                for (i, (bytes, ed25519, jwk, relationships)) in keys.into_iter().enumerate() {
                    let key = if ed25519 {
                        PublicKey::Ed25519(bytes)
                    } else {
                        PublicKey::X25519(bytes)
                    };
                    let format = if jwk {
                        KeyFormat::Jwk
                    } else {
                        KeyFormat::Multibase
                    };
                    builder = builder.key(&format!("key-{i}"), key, format, &relationships);
                }
                for (i, name) in services.into_iter().enumerate() {
                    builder = builder.service(Service::new(
                        &did.join(&format!("svc-{i}")).unwrap(),
                        name.clone(),
                        ServiceEndpoint::Url(format!("https://{name}.example")),
                    ));
                }
                if let Some(note) = note {
                    builder = builder.property("note", Value::String(note));
                }
                builder.build().unwrap()
            })
    }

    proptest! {
        #[test]
        fn any_document_round_trips_in_both_encodings(doc in arb_document()) {
            for encoding in [Encoding::Json, Encoding::DeflateJson] {
                let bytes = pack(&doc, encoding);
                prop_assert_eq!(unpack(&bytes, &doc.id).unwrap(), doc.clone());
            }
        }

        #[test]
        fn unpacking_arbitrary_bytes_never_panics(
            encoding in 0u8..3,
            payload in proptest::collection::vec(any::<u8>(), 0..200),
        ) {
            let mut bytes = vec![b'D', b'I', b'D', 1, encoding];
            bytes.extend(payload);
            let _ = unpack(&bytes, &did());
        }
    }

    #[test]
    fn decompression_bombs_are_refused() {
        let mut encoder = DeflateEncoder::new(b"DID\x01\x01".to_vec(), Compression::best());
        encoder.write_all(&vec![b' '; MAX_JSON_SIZE + 10]).unwrap();
        let bytes = encoder.finish().unwrap();
        assert!(bytes.len() < 10_000);
        assert_eq!(
            unpack(&bytes, &did()),
            Err(DidError::DocumentTooLarge {
                limit: MAX_JSON_SIZE
            })
        );
    }
}
