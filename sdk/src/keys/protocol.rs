//! The signer protocol: requests a key store answers, and their framing on
//! a stream. The in-memory backend answers the same requests directly, so
//! every backend behaves alike; see the module docs of [`super`] for the
//! wire format.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use zeroize::Zeroizing;

use super::identity::hex32;
use super::{Capability, ExternalIdentity, IdentityId, KeyError, Scheme};

/// The protocol version spoken by this SDK (2: capabilities are held by
/// connections, signing says what it signs).
pub(crate) const PROTOCOL_VERSION: u32 = 2;
/// The largest frame accepted either way.
pub(crate) const MAX_FRAME: usize = 4 << 20;

/// A request to a key store.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub(crate) enum Request {
    Ping,
    Generate {
        scheme: Scheme,
        capabilities: Capability,
    },
    Import {
        scheme: Scheme,
        capabilities: Capability,
        ed25519_seed: Secret32,
        x25519_secret: Secret32,
    },
    Connect {
        id: IdentityId,
        capabilities: Capability,
    },
    Delete {
        id: IdentityId,
    },
    List,
    Sign {
        id: IdentityId,
        intent: SignIntent,
        #[serde(with = "hex_bytes")]
        message: Vec<u8>,
    },
    Decrypt {
        id: IdentityId,
        #[serde(with = "hex32")]
        encapped_key: [u8; 32],
        #[serde(with = "hex_bytes")]
        ciphertext: Vec<u8>,
        #[serde(with = "hex_bytes")]
        info: Vec<u8>,
    },
}

/// What a `sign` request signs: the signer computes the digest of a
/// transaction or personal message itself, so it knows what it signs; a
/// raw message is signed as it is, which a signer allows only by policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum SignIntent {
    /// `message` is BCS `TransactionData`; the signature is over its
    /// signing digest.
    Transaction,
    /// `message` is a personal message; the signature is over its digest.
    PersonalMessage,
    /// `message` is signed as it is.
    Raw,
}

impl Request {
    /// The operation's name on the wire (for errors).
    pub(crate) fn op(&self) -> &'static str {
        match self {
            Request::Ping => "ping",
            Request::Generate { .. } => "generate",
            Request::Import { .. } => "import",
            Request::Connect { .. } => "connect",
            Request::Delete { .. } => "delete",
            Request::List => "list",
            Request::Sign {
                intent: SignIntent::Raw,
                ..
            } => "raw sign",
            Request::Sign { .. } => "sign",
            Request::Decrypt { .. } => "decrypt",
        }
    }
}

/// A key store's answer to a [`Request`].
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub(crate) enum Response {
    Pong {
        version: u32,
    },
    Identity {
        identity: ExternalIdentity,
    },
    Identities {
        identities: Vec<ExternalIdentity>,
    },
    Deleted,
    Signature {
        #[serde(with = "hex64")]
        signature: [u8; 64],
        #[serde(with = "hex32")]
        public_key: [u8; 32],
    },
    Plaintext {
        plaintext: Secret,
    },
}

/// A request frame: the request with the protocol version and the shared
/// token (for remote signers that require one).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct RequestEnvelope {
    pub version: u32,
    #[serde(default)]
    pub token: Option<String>,
    pub request: Request,
}

/// A response frame.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Reply {
    Ok(Response),
    Error(WireError),
}

/// The errors a key store reports over the wire.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum WireError {
    IdentityAlreadyExists {
        id: IdentityId,
    },
    ExternalIdentityNotFound {
        id: IdentityId,
    },
    CapabilitiesNotAvailable {
        requested: Capability,
        available: Capability,
    },
    IdentityDoesNotExist {
        id: IdentityId,
    },
    Unauthorized,
    NotGranted {
        id: IdentityId,
        required: Capability,
    },
    NotAllowed {
        operation: String,
    },
    DecryptionFailed,
    UnsupportedVersion {
        supported: u32,
    },
    BadRequest {
        reason: String,
    },
    Internal {
        message: String,
    },
}

impl From<KeyError> for WireError {
    fn from(e: KeyError) -> WireError {
        match e {
            KeyError::IdentityAlreadyExists { id } => WireError::IdentityAlreadyExists { id },
            KeyError::ExternalIdentityNotFound { id } => WireError::ExternalIdentityNotFound { id },
            KeyError::CapabilitiesNotAvailable {
                requested,
                available,
            } => WireError::CapabilitiesNotAvailable {
                requested,
                available,
            },
            KeyError::IdentityDoesNotExist { id } => WireError::IdentityDoesNotExist { id },
            KeyError::Unauthorized { .. } => WireError::Unauthorized,
            KeyError::NotGranted { id, required } => WireError::NotGranted { id, required },
            KeyError::OperationNotAllowed { operation, .. } => WireError::NotAllowed { operation },
            KeyError::DecryptionFailed => WireError::DecryptionFailed,
            KeyError::Protocol { reason } => WireError::BadRequest { reason },
            other => WireError::Internal {
                message: other.to_string(),
            },
        }
    }
}

impl WireError {
    /// The error a client reports for this answer of the signer at `endpoint`.
    pub(crate) fn into_key_error(self, endpoint: &str) -> KeyError {
        match self {
            WireError::IdentityAlreadyExists { id } => KeyError::IdentityAlreadyExists { id },
            WireError::ExternalIdentityNotFound { id } => KeyError::ExternalIdentityNotFound { id },
            WireError::CapabilitiesNotAvailable {
                requested,
                available,
            } => KeyError::CapabilitiesNotAvailable {
                requested,
                available,
            },
            WireError::IdentityDoesNotExist { id } => KeyError::IdentityDoesNotExist { id },
            WireError::Unauthorized => KeyError::Unauthorized {
                endpoint: endpoint.to_owned(),
            },
            WireError::NotGranted { id, required } => KeyError::NotGranted { id, required },
            WireError::NotAllowed { operation } => KeyError::OperationNotAllowed {
                endpoint: endpoint.to_owned(),
                operation,
            },
            WireError::DecryptionFailed => KeyError::DecryptionFailed,
            WireError::UnsupportedVersion { supported } => KeyError::Protocol {
                reason: format!(
                    "the signer at {endpoint} speaks protocol version {supported}, this SDK {PROTOCOL_VERSION}"
                ),
            },
            WireError::BadRequest { reason } => KeyError::Protocol {
                reason: format!("the signer at {endpoint} refused the request: {reason}"),
            },
            WireError::Internal { message } => KeyError::Signer {
                endpoint: endpoint.to_owned(),
                message,
            },
        }
    }
}

/// Writes one frame: 4-byte big-endian length, then `payload`.
pub(crate) async fn write_frame<W: AsyncWrite + Unpin>(
    w: &mut W,
    payload: &[u8],
) -> std::io::Result<()> {
    let len = u32::try_from(payload.len())
        .ok()
        .filter(|&len| len as usize <= MAX_FRAME)
        .ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "frame larger than 4 MiB")
        })?;
    w.write_all(&len.to_be_bytes()).await?;
    w.write_all(payload).await?;
    w.flush().await
}

/// Reads one frame; `Ok(None)` at a clean end of stream before a frame.
pub(crate) async fn read_frame<R: AsyncRead + Unpin>(
    r: &mut R,
) -> std::io::Result<Option<Zeroizing<Vec<u8>>>> {
    let mut len = [0u8; 4];
    match r.read_exact(&mut len).await {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let len = u32::from_be_bytes(len) as usize;
    if len > MAX_FRAME {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("frame of {len} bytes is larger than 4 MiB"),
        ));
    }
    // Frames may carry secrets (imports, plaintexts): wipe them after use.
    let mut buf = Zeroizing::new(vec![0u8; len]);
    r.read_exact(&mut buf).await?;
    Ok(Some(buf))
}

/// Serializes a frame payload into a buffer that is wiped when dropped.
pub(crate) fn to_json<T: Serialize>(value: &T) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(1024));
    // Serializing these plain data types into memory cannot fail.
    serde_json::to_writer(&mut *out, value).expect("protocol messages always serialize");
    out
}

/// How long a client waits for a signer's answer.
pub(crate) const CLIENT_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a server waits for the next request on an idle connection.
pub(crate) const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// 32 secret bytes: hex on the wire, redacted in `Debug`, wiped on drop.
#[derive(Clone)]
pub(crate) struct Secret32(pub Zeroizing<[u8; 32]>);

impl fmt::Debug for Secret32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl Serialize for Secret32 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&HexDisplay(&self.0[..]))
    }
}

impl<'de> Deserialize<'de> for Secret32 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Secret32, D::Error> {
        let s = Zeroizing::new(String::deserialize(d)?);
        let mut out = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(s.as_bytes(), &mut out[..]).map_err(serde::de::Error::custom)?;
        Ok(Secret32(out))
    }
}

/// Secret bytes of any length (decrypted plaintexts): as [`Secret32`].
pub(crate) struct Secret(pub Zeroizing<Vec<u8>>);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} secret bytes>", self.0.len())
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&HexDisplay(&self.0))
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Secret, D::Error> {
        let s = Zeroizing::new(String::deserialize(d)?);
        hex::decode(s.as_bytes())
            .map(|v| Secret(Zeroizing::new(v)))
            .map_err(serde::de::Error::custom)
    }
}

/// Writes bytes as lowercase hex without an intermediate string.
pub(crate) struct HexDisplay<'a>(pub &'a [u8]);

impl fmt::Display for HexDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

mod hex_bytes {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&super::HexDisplay(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        hex::decode(s.as_bytes()).map_err(serde::de::Error::custom)
    }
}

mod hex64 {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8; 64], s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&super::HexDisplay(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 64], D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        let mut out = [0u8; 64];
        hex::decode_to_slice(s.as_bytes(), &mut out).map_err(serde::de::Error::custom)?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn requests_have_the_documented_shape() {
        let id = IdentityId::from_bytes([1; 32]);
        let envelope = RequestEnvelope {
            version: PROTOCOL_VERSION,
            token: None,
            request: Request::Sign {
                id,
                intent: SignIntent::Transaction,
                message: vec![0xab, 0xcd],
            },
        };
        assert_eq!(
            serde_json::to_value(&envelope).unwrap(),
            json!({"version": 2, "token": null, "request": {"op": "sign", "id": id.to_string(), "intent": "transaction", "message": "abcd"}})
        );
        let reply = Reply::Error(WireError::CapabilitiesNotAvailable {
            requested: Capability::CommitAndDecrypt,
            available: Capability::Commit,
        });
        assert_eq!(
            serde_json::to_value(&reply).unwrap(),
            json!({"error": {"kind": "capabilities_not_available", "requested": "commit_and_decrypt", "available": "commit"}})
        );
        assert_eq!(
            serde_json::to_value(Reply::Ok(Response::Deleted)).unwrap(),
            json!({"ok": {"result": "deleted"}})
        );
    }

    #[test]
    fn secrets_are_redacted_in_debug() {
        let request = Request::Import {
            scheme: Scheme::Ed25519,
            capabilities: Capability::Commit,
            ed25519_seed: Secret32(Zeroizing::new([0x5a; 32])),
            x25519_secret: Secret32(Zeroizing::new([0x5b; 32])),
        };
        let debug = format!("{request:?}");
        assert!(
            !debug.contains("5a5a") && !debug.contains("90, 90"),
            "{debug}"
        );
        let json = serde_json::to_string(&request).unwrap();
        let back: Request = serde_json::from_str(&json).unwrap();
        assert!(
            matches!(back, Request::Import { ed25519_seed, .. } if *ed25519_seed.0 == [0x5a; 32])
        );
    }

    #[tokio::test]
    async fn frames_round_trip_and_oversized_frames_are_refused() {
        let (mut a, mut b) = tokio::io::duplex(64);
        let writer = tokio::spawn(async move {
            write_frame(&mut a, b"hello").await.unwrap();
            a.write_all(&(MAX_FRAME as u32 + 1).to_be_bytes())
                .await
                .unwrap();
        });
        assert_eq!(&read_frame(&mut b).await.unwrap().unwrap()[..], b"hello");
        assert!(read_frame(&mut b).await.is_err());
        writer.await.unwrap();
        let (_, mut c) = tokio::io::duplex(64);
        assert!(read_frame(&mut c).await.unwrap().is_none());
    }
}
