//! The signer agent (server) and the backends that talk to it: over a Unix
//! socket (local agent) or TCP (remote signer). The protocol is described in
//! the [module docs](super).

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream, UnixListener, UnixStream};
use tokio::task::JoinHandle;

use super::protocol::{
    read_frame, to_json, write_frame, Reply, Request, RequestEnvelope, Response, WireError,
    CLIENT_TIMEOUT, IDLE_TIMEOUT, PROTOCOL_VERSION,
};
use super::store::MemoryBackend;
use super::KeyError;

/// Serves a [`MemoryBackend`] to other processes.
///
/// ```no_run
/// # async fn run() -> Result<(), movid_sdk::keys::KeyError> {
/// use movid_sdk::keys::{Agent, MemoryBackend};
///
/// let keys = MemoryBackend::open_keyfile("/home/me/.movid/keys.json", "password")?;
/// let agent = Agent::serve("/home/me/.movid/agent.sock", keys).await?;
/// agent.wait().await // runs until the process is stopped
/// # }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Agent;

impl Agent {
    /// Listens on the Unix socket `path` (mode 0600: only this user may
    /// connect) and answers requests with `backend`'s keys.
    ///
    /// A stale socket (no process listening) is replaced; fails with
    /// [`KeyError::Io`] if another agent is listening there (`AddrInUse`) or
    /// the path holds something other than a socket (`AlreadyExists`).
    pub async fn serve(
        path: impl AsRef<Path>,
        backend: MemoryBackend,
    ) -> Result<AgentServer, KeyError> {
        let path = path.as_ref().to_owned();
        let io = |action: &str, source| KeyError::Io {
            context: format!("{action} agent socket {}", path.display()),
            source,
        };
        if let Ok(metadata) = std::fs::symlink_metadata(&path) {
            use std::os::unix::fs::FileTypeExt;
            // Never remove anything but a socket: a mistyped path must not
            // cost the user a file.
            if !metadata.file_type().is_socket() {
                return Err(io(
                    "binding",
                    std::io::Error::new(
                        std::io::ErrorKind::AlreadyExists,
                        "a file that is not a socket is there",
                    ),
                ));
            }
            if UnixStream::connect(&path).await.is_ok() {
                return Err(io(
                    "binding",
                    std::io::Error::new(
                        std::io::ErrorKind::AddrInUse,
                        "another agent is listening there",
                    ),
                ));
            }
            std::fs::remove_file(&path).map_err(|e| io("removing the stale", e))?;
        }
        let listener = UnixListener::bind(&path).map_err(|e| io("binding", e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
                .map_err(|e| io("restricting", e))?;
        }
        let state = Arc::new(ServerState {
            backend,
            token: None,
        });
        let task = tokio::spawn(async move {
            loop {
                match listener.accept().await {
                    Ok((stream, _)) => {
                        tokio::spawn(serve_connection(stream, state.clone()));
                    }
                    // A failed accept (e.g. out of file descriptors) concerns
                    // one client; keep serving the others after a pause.
                    Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
                }
            }
        });
        Ok(AgentServer {
            task: Some(task),
            endpoint: Endpoint::Unix(path),
        })
    }

    /// Listens on TCP `addr` as a remote signer. With `token`, every request
    /// must carry it. Binding a non-loopback address without a token is
    /// refused ([`KeyError::InsecureRemote`]): anyone who can reach the port
    /// could sign. The stream itself is not encrypted; beyond one machine,
    /// put it behind an SSH tunnel or a TLS proxy.
    pub async fn serve_tcp(
        addr: SocketAddr,
        backend: MemoryBackend,
        token: Option<String>,
    ) -> Result<AgentServer, KeyError> {
        if token.is_none() && !addr.ip().is_loopback() {
            return Err(KeyError::InsecureRemote { addr });
        }
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| KeyError::Io {
                context: format!("binding remote signer on {addr}"),
                source,
            })?;
        let local = listener.local_addr().map_err(|source| KeyError::Io {
            context: format!("reading the address of remote signer on {addr}"),
            source,
        })?;
        let state = Arc::new(ServerState { backend, token });
        let task = tokio::spawn(async move {
            loop {
                match listener.accept().await {
                    Ok((stream, _)) => {
                        let _ = stream.set_nodelay(true);
                        tokio::spawn(serve_connection(stream, state.clone()));
                    }
                    Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
                }
            }
        });
        Ok(AgentServer {
            task: Some(task),
            endpoint: Endpoint::Tcp(local),
        })
    }
}

/// A running agent or remote signer. Dropping it (or [`AgentServer::shutdown`])
/// stops accepting connections and removes the socket file.
pub struct AgentServer {
    task: Option<JoinHandle<()>>,
    endpoint: Endpoint,
}

enum Endpoint {
    Unix(PathBuf),
    Tcp(SocketAddr),
}

impl AgentServer {
    /// The Unix socket path, for an agent.
    pub fn socket_path(&self) -> Option<&Path> {
        match &self.endpoint {
            Endpoint::Unix(path) => Some(path),
            Endpoint::Tcp(_) => None,
        }
    }

    /// The bound TCP address (with the actual port if 0 was asked), for a
    /// remote signer.
    pub fn local_addr(&self) -> Option<SocketAddr> {
        match &self.endpoint {
            Endpoint::Tcp(addr) => Some(*addr),
            Endpoint::Unix(_) => None,
        }
    }

    /// Stops serving (connections already open finish their current
    /// request) and removes the socket file.
    pub fn shutdown(mut self) {
        self.stop();
    }

    /// Serves until the task ends, which happens only if it panics or the
    /// runtime shuts down.
    pub async fn wait(mut self) -> Result<(), KeyError> {
        if let Some(task) = self.task.take() {
            task.await.map_err(|e| KeyError::Signer {
                endpoint: self.endpoint.to_string(),
                message: format!("the agent task stopped: {e}"),
            })?;
        }
        Ok(())
    }

    fn stop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
        if let Endpoint::Unix(path) = &self.endpoint {
            let _ = std::fs::remove_file(path);
        }
    }
}

impl Drop for AgentServer {
    fn drop(&mut self) {
        self.stop();
    }
}

impl fmt::Debug for AgentServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AgentServer")
            .field("endpoint", &self.endpoint.to_string())
            .finish()
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Endpoint::Unix(path) => write!(f, "{}", path.display()),
            Endpoint::Tcp(addr) => write!(f, "{addr}"),
        }
    }
}

struct ServerState {
    backend: MemoryBackend,
    token: Option<String>,
}

/// Answers requests on one connection until the client closes it, goes idle
/// for [`IDLE_TIMEOUT`], or breaks the framing.
async fn serve_connection<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    state: Arc<ServerState>,
) {
    loop {
        let frame = match tokio::time::timeout(IDLE_TIMEOUT, read_frame(&mut stream)).await {
            Ok(Ok(Some(frame))) => frame,
            Ok(Ok(None)) | Ok(Err(_)) | Err(_) => return,
        };
        // Answering may write the key file (and sync it): keep that off the
        // runtime's worker threads.
        let state_for_answer = state.clone();
        let reply =
            match tokio::task::spawn_blocking(move || answer(&frame, &state_for_answer)).await {
                Ok(reply) => reply,
                Err(e) => Reply::Error(WireError::Internal {
                    message: format!("the request handler failed: {e}"),
                }),
            };
        if write_frame(&mut stream, &to_json(&reply)).await.is_err() {
            return;
        }
    }
}

fn answer(frame: &[u8], state: &ServerState) -> Reply {
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
        if !constant_time_eq(given.as_bytes(), expected.as_bytes()) {
            return Reply::Error(WireError::Unauthorized);
        }
    }
    if envelope.version != PROTOCOL_VERSION {
        return Reply::Error(WireError::UnsupportedVersion {
            supported: PROTOCOL_VERSION,
        });
    }
    match state.backend.handle(envelope.request) {
        Ok(response) => Reply::Ok(response),
        Err(e) => Reply::Error(e.into()),
    }
}

/// Compares without revealing, through timing, where the first difference is.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A backend that forwards requests to a signer agent on a Unix socket.
/// Each request opens its own connection, so an agent restart is invisible
/// to clients (except for requests made while it is down).
#[derive(Debug, Clone)]
pub struct AgentBackend {
    path: PathBuf,
}

impl AgentBackend {
    /// The agent at socket `path`.
    pub fn new(path: impl Into<PathBuf>) -> AgentBackend {
        AgentBackend { path: path.into() }
    }

    /// The socket path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) async fn call(&self, request: Request) -> Result<Response, KeyError> {
        let endpoint = self.path.display().to_string();
        let stream =
            UnixStream::connect(&self.path)
                .await
                .map_err(|source| KeyError::AgentUnavailable {
                    path: self.path.clone(),
                    source,
                })?;
        exchange(stream, &endpoint, None, request).await
    }
}

/// A backend that forwards requests to a remote signer over TCP, with an
/// optional shared token. Each request opens its own connection.
#[derive(Clone)]
pub struct RemoteBackend {
    addr: SocketAddr,
    token: Option<Arc<str>>,
}

impl RemoteBackend {
    /// The remote signer at `addr`, authenticating with `token` if given.
    pub fn new(addr: SocketAddr, token: Option<String>) -> RemoteBackend {
        RemoteBackend {
            addr,
            token: token.map(Arc::from),
        }
    }

    /// The signer's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub(crate) async fn call(&self, request: Request) -> Result<Response, KeyError> {
        let endpoint = self.addr.to_string();
        let connect = tokio::time::timeout(CLIENT_TIMEOUT, TcpStream::connect(self.addr));
        let stream = match connect.await {
            Ok(Ok(stream)) => stream,
            Ok(Err(source)) => {
                return Err(KeyError::RemoteUnavailable {
                    addr: self.addr,
                    source,
                })
            }
            Err(_) => {
                return Err(KeyError::Timeout {
                    endpoint,
                    after: CLIENT_TIMEOUT,
                })
            }
        };
        let _ = stream.set_nodelay(true);
        exchange(stream, &endpoint, self.token.as_deref(), request).await
    }
}

impl fmt::Debug for RemoteBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemoteBackend")
            .field("addr", &self.addr)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// Sends one request and reads its reply, within [`CLIENT_TIMEOUT`].
async fn exchange<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    endpoint: &str,
    token: Option<&str>,
    request: Request,
) -> Result<Response, KeyError> {
    let envelope = RequestEnvelope {
        version: PROTOCOL_VERSION,
        token: token.map(str::to_owned),
        request,
    };
    let payload = to_json(&envelope);
    let io = |source| KeyError::Io {
        context: format!("talking to the signer at {endpoint}"),
        source,
    };
    let round_trip = async {
        write_frame(&mut stream, &payload).await.map_err(io)?;
        read_frame(&mut stream).await.map_err(io)
    };
    let frame = tokio::time::timeout(CLIENT_TIMEOUT, round_trip)
        .await
        .map_err(|_| KeyError::Timeout {
            endpoint: endpoint.to_owned(),
            after: CLIENT_TIMEOUT,
        })??
        .ok_or_else(|| KeyError::Protocol {
            reason: format!("the signer at {endpoint} closed the connection without answering"),
        })?;
    let reply: Reply = serde_json::from_slice(&frame).map_err(|e| KeyError::Protocol {
        reason: format!("the signer at {endpoint} sent an unreadable reply: {e}"),
    })?;
    match reply {
        Reply::Ok(response) => Ok(response),
        Reply::Error(e) => Err(e.into_key_error(endpoint)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_time_eq_compares() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }

    #[tokio::test]
    async fn malformed_requests_get_a_bad_request_reply() {
        let state = ServerState {
            backend: MemoryBackend::new(),
            token: None,
        };
        assert!(matches!(
            answer(b"{", &state),
            Reply::Error(WireError::BadRequest { .. })
        ));
        let future_version = br#"{"version": 99, "request": {"op": "ping"}}"#;
        assert!(matches!(
            answer(future_version, &state),
            Reply::Error(WireError::UnsupportedVersion { supported: 1 })
        ));
        let ping = br#"{"version": 1, "request": {"op": "ping"}}"#;
        assert!(matches!(
            answer(ping, &state),
            Reply::Ok(Response::Pong { version: 1 })
        ));
    }

    #[tokio::test]
    async fn token_is_required_when_set() {
        let state = ServerState {
            backend: MemoryBackend::new(),
            token: Some("s3cret".into()),
        };
        let without = br#"{"version": 1, "request": {"op": "ping"}}"#;
        assert!(matches!(
            answer(without, &state),
            Reply::Error(WireError::Unauthorized)
        ));
        let with = br#"{"version": 1, "token": "s3cret", "request": {"op": "ping"}}"#;
        assert!(matches!(
            answer(with, &state),
            Reply::Ok(Response::Pong { .. })
        ));
    }

    #[tokio::test]
    async fn non_loopback_without_token_is_refused() {
        let addr: SocketAddr = "0.0.0.0:0".parse().unwrap();
        assert!(matches!(
            Agent::serve_tcp(addr, MemoryBackend::new(), None).await,
            Err(KeyError::InsecureRemote { .. })
        ));
    }
}
