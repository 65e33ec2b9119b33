//! What a signer (the local agent or a remote signer) enforces on every
//! connection: the token, the protocol version, the grants a connection
//! holds, and the signer's policy.

use std::collections::BTreeMap;
use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncWrite};
use zeroize::Zeroizing;

use super::protocol::{
    read_frame, to_json, write_frame, Reply, Request, RequestEnvelope, SignIntent, WireError,
    IDLE_TIMEOUT, PROTOCOL_VERSION,
};
use super::store::MemoryBackend;
use super::{Capability, IdentityId};

/// What a signer lets its clients do beyond using identities they connect
/// to. Every client may `ping` and `connect` (to an identity, with at most
/// its capabilities) and then sign or decrypt with what that connection was
/// granted; the rest needs the policy's leave.
///
/// ```
/// use movid_sdk::keys::SignerPolicy;
///
/// // The default: use identities, never manage them or sign raw bytes.
/// assert_eq!(SignerPolicy::default(), SignerPolicy::signing_only());
/// assert!(SignerPolicy::full().manage && SignerPolicy::full().raw_sign);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SignerPolicy {
    /// Clients may `generate`, `import`, `delete` and `list` identities.
    pub manage: bool,
    /// Clients may sign raw messages (not a transaction or personal
    /// message whose digest the signer computes itself), as X.509, JWT and
    /// TLS handshake signatures need. A raw signature over 32 bytes could be
    /// a transaction digest, so this lets a client sign anything.
    pub raw_sign: bool,
}

impl SignerPolicy {
    /// Use connected identities for transactions and personal messages,
    /// and decryption; nothing else.
    pub const fn signing_only() -> SignerPolicy {
        SignerPolicy {
            manage: false,
            raw_sign: false,
        }
    }

    /// Everything: manage identities and sign raw messages too.
    pub const fn full() -> SignerPolicy {
        SignerPolicy {
            manage: true,
            raw_sign: true,
        }
    }
}

/// A signer's shared state.
pub(crate) struct ServerState {
    pub backend: MemoryBackend,
    /// The token every request must carry (remote signers; never empty).
    pub token: Option<Zeroizing<String>>,
    pub policy: SignerPolicy,
}

/// What one connection was granted: identity -> capabilities from its last
/// successful `connect` to that identity.
#[derive(Default)]
pub(crate) struct Session {
    grants: BTreeMap<IdentityId, Capability>,
}

/// Answers requests on one connection until the client closes it, goes idle
/// for [`IDLE_TIMEOUT`], or breaks the framing.
pub(crate) async fn serve_connection<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    state: Arc<ServerState>,
) {
    let mut session = Session::default();
    loop {
        let frame = match tokio::time::timeout(IDLE_TIMEOUT, read_frame(&mut stream)).await {
            Ok(Ok(Some(frame))) => frame,
            Ok(Ok(None)) | Ok(Err(_)) | Err(_) => return,
        };
        // Answering re-reads (and may write and sync) the key file: keep
        // that off the runtime's worker threads.
        let state_for_answer = state.clone();
        let answered = tokio::task::spawn_blocking(move || {
            let reply = answer(&frame, &state_for_answer, &mut session);
            (reply, session)
        })
        .await;
        let reply = match answered {
            Ok((reply, kept)) => {
                session = kept;
                reply
            }
            // The session went down with the panicked handler: end the
            // connection rather than go on with no grants recorded.
            Err(e) => {
                let reply = Reply::Error(WireError::Internal {
                    message: format!("the request handler failed: {e}"),
                });
                let _ = write_frame(&mut stream, &to_json(&reply)).await;
                return;
            }
        };
        if write_frame(&mut stream, &to_json(&reply)).await.is_err() {
            return;
        }
    }
}

/// Answers one request frame on a connection with `session`'s grants.
pub(crate) fn answer(frame: &[u8], state: &ServerState, session: &mut Session) -> Reply {
    let envelope: RequestEnvelope = match serde_json::from_slice(frame) {
        Ok(envelope) => envelope,
        Err(e) => {
            return Reply::Error(WireError::BadRequest {
                reason: format!("not a request: {e}"),
            })
        }
    };
    if let Some(expected) = &state.token {
        let given = envelope.token.as_deref().unwrap_or_default();
        if given.is_empty() || !constant_time_eq(given.as_bytes(), expected.as_bytes()) {
            return Reply::Error(WireError::Unauthorized);
        }
    }
    if envelope.version != PROTOCOL_VERSION {
        return Reply::Error(WireError::UnsupportedVersion {
            supported: PROTOCOL_VERSION,
        });
    }
    let request = envelope.request;
    if let Err(e) = authorize(&request, state.policy, session) {
        return Reply::Error(e);
    }
    let connecting = match &request {
        Request::Connect { id, capabilities } => Some((*id, *capabilities)),
        _ => None,
    };
    match state.backend.handle(request) {
        Ok(response) => {
            if let Some((id, capabilities)) = connecting {
                // Exactly what this connect asked for: a narrower connect
                // narrows the connection, it never adds to older grants.
                session.grants.insert(id, capabilities);
            }
            Reply::Ok(response)
        }
        Err(e) => {
            if let Some((id, _)) = connecting {
                session.grants.remove(&id);
            }
            Reply::Error(e.into())
        }
    }
}

/// Whether `session` may make `request` under `policy`.
fn authorize(request: &Request, policy: SignerPolicy, session: &Session) -> Result<(), WireError> {
    let granted = |id: &IdentityId, required: Capability| match session.grants.get(id) {
        Some(capabilities) if capabilities.contains(required) => Ok(()),
        _ => Err(WireError::NotGranted { id: *id, required }),
    };
    let not_allowed = || WireError::NotAllowed {
        operation: request.op().to_owned(),
    };
    match request {
        Request::Ping | Request::Connect { .. } => Ok(()),
        Request::Generate { .. }
        | Request::Import { .. }
        | Request::Delete { .. }
        | Request::List => {
            if policy.manage {
                Ok(())
            } else {
                Err(not_allowed())
            }
        }
        Request::Sign { id, intent, .. } => {
            granted(id, Capability::Commit)?;
            if *intent == SignIntent::Raw && !policy.raw_sign {
                return Err(not_allowed());
            }
            Ok(())
        }
        Request::Decrypt { id, .. } => granted(id, Capability::Decrypt),
    }
}

/// Compares without revealing, through timing, where the first difference is.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::protocol::Response;

    fn state(policy: SignerPolicy, token: Option<&str>) -> ServerState {
        ServerState {
            backend: MemoryBackend::new(),
            token: token.map(|t| Zeroizing::new(t.to_owned())),
            policy,
        }
    }

    fn ask(state: &ServerState, session: &mut Session, json: serde_json::Value) -> Reply {
        answer(&serde_json::to_vec(&json).unwrap(), state, session)
    }

    #[test]
    fn constant_time_eq_compares() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }

    #[test]
    fn malformed_requests_get_a_bad_request_reply() {
        let state = state(SignerPolicy::full(), None);
        let mut session = Session::default();
        assert!(matches!(
            answer(b"{", &state, &mut session),
            Reply::Error(WireError::BadRequest { .. })
        ));
        let old = serde_json::json!({"version": 1, "request": {"op": "ping"}});
        assert!(matches!(
            ask(&state, &mut session, old),
            Reply::Error(WireError::UnsupportedVersion { supported: 2 })
        ));
        let ping = serde_json::json!({"version": 2, "request": {"op": "ping"}});
        assert!(matches!(
            ask(&state, &mut session, ping),
            Reply::Ok(Response::Pong { version: 2 })
        ));
    }

    #[test]
    fn token_is_required_when_set_and_never_empty() {
        let state = state(SignerPolicy::full(), Some("s3cret"));
        let mut session = Session::default();
        for token in [serde_json::Value::Null, "".into(), "wrong".into()] {
            let request =
                serde_json::json!({"version": 2, "token": token, "request": {"op": "ping"}});
            assert!(matches!(
                ask(&state, &mut session, request),
                Reply::Error(WireError::Unauthorized)
            ));
        }
        let with = serde_json::json!({"version": 2, "token": "s3cret", "request": {"op": "ping"}});
        assert!(matches!(
            ask(&state, &mut session, with),
            Reply::Ok(Response::Pong { .. })
        ));
    }

    #[test]
    fn management_needs_the_policy() {
        let state = state(SignerPolicy::signing_only(), None);
        let mut session = Session::default();
        for request in [
            serde_json::json!({"op": "generate", "scheme": "ed25519", "capabilities": "commit"}),
            serde_json::json!({"op": "list"}),
            serde_json::json!({"op": "delete", "id": IdentityId::from_bytes([1; 32])}),
        ] {
            let reply = ask(
                &state,
                &mut session,
                serde_json::json!({"version": 2, "request": request}),
            );
            assert!(
                matches!(reply, Reply::Error(WireError::NotAllowed { .. })),
                "{reply:?}"
            );
        }
    }
}
