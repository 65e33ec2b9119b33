//! The signer agent on a Unix socket, the backend that talks to it, and the
//! client side of a signer connection (shared with the remote signer). The
//! protocol is described in the [module docs](super).

use std::fmt;
use std::net::SocketAddr;
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rand::RngCore;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{UnixListener, UnixStream};
use tokio::task::JoinHandle;
use zeroize::Zeroizing;

use super::protocol::{
    read_frame, to_json, write_frame, Reply, Request, RequestEnvelope, Response, WireError,
    CLIENT_TIMEOUT, PROTOCOL_VERSION,
};
use super::server::{serve_connection, ServerState, SignerPolicy};
use super::store::MemoryBackend;
use super::KeyError;

/// Serves a [`MemoryBackend`] to other processes.
///
/// ```no_run
/// # async fn run() -> Result<(), movid_sdk::keys::KeyError> {
/// use movid_sdk::keys::{Agent, MemoryBackend, SignerPolicy};
///
/// let keys = MemoryBackend::open_keyfile("/home/me/.movid/keys.json", "password")?;
/// let agent = Agent::serve_with_policy("/home/me/.movid/agent.sock", keys, SignerPolicy::full()).await?;
/// agent.wait().await // runs until the process is stopped
/// # }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Agent;

impl Agent {
    /// [`Agent::serve_with_policy`] with [`SignerPolicy::signing_only`]:
    /// clients connect to identities and sign or decrypt with them, and
    /// nothing else.
    pub async fn serve(
        path: impl AsRef<Path>,
        backend: MemoryBackend,
    ) -> Result<AgentServer, KeyError> {
        Agent::serve_with_policy(path, backend, SignerPolicy::signing_only()).await
    }

    /// Listens on the Unix socket `path` and answers requests with
    /// `backend`'s keys, as `policy` allows.
    ///
    /// The socket is bound inside a fresh directory of mode 0700, made
    /// mode 0600, and only then linked at `path`, so no other user can reach
    /// it at any moment; every connection's peer uid (`SO_PEERCRED`) must be
    /// this process's effective uid, or the connection gets `unauthorized`
    /// and is closed. The process is made non-dumpable and its core size
    /// limit 0 ([`harden_process`]), so the keys it holds stay out of core
    /// dumps and away from `ptrace` by other unprivileged processes.
    ///
    /// A stale socket (no process listening) is replaced; fails with
    /// [`KeyError::Io`] if another agent is listening there (`AddrInUse`) or
    /// the path holds something other than a socket (`AlreadyExists`).
    pub async fn serve_with_policy(
        path: impl AsRef<Path>,
        backend: MemoryBackend,
        policy: SignerPolicy,
    ) -> Result<AgentServer, KeyError> {
        let path = path.as_ref().to_owned();
        let io = |action: &str, source| KeyError::Io {
            context: format!("{action} agent socket {}", path.display()),
            source,
        };
        harden_process()?;
        if let Ok(metadata) = std::fs::symlink_metadata(&path) {
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
        let listener = bind_private(&path).map_err(|e| io("binding", e))?;
        let state = Arc::new(ServerState {
            backend,
            token: None,
            policy,
        });
        // SAFETY: geteuid has no preconditions and cannot fail.
        let uid = unsafe { libc::geteuid() };
        let task = tokio::spawn(async move {
            // Connections belong to the accept task: stopping the agent
            // drops them all, so no handle signs through a stopped agent.
            let mut connections = tokio::task::JoinSet::new();
            loop {
                while connections.try_join_next().is_some() {}
                match listener.accept().await {
                    Ok((stream, _)) => {
                        connections.spawn(serve_local(stream, uid, state.clone()));
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
}

/// Serves one local connection if its peer is this user.
async fn serve_local(mut stream: UnixStream, uid: u32, state: Arc<ServerState>) {
    let peer = stream.peer_cred().map(|c| c.uid());
    if peer.as_ref().ok() != Some(&uid) {
        tracing::warn!(
            ?peer,
            agent_uid = uid,
            "refused an agent connection from another user"
        );
        let reply = Reply::Error(WireError::Unauthorized);
        let _ = write_frame(&mut stream, &to_json(&reply)).await;
        // The peer may still be writing its request. Closing now would hand it a broken pipe
        // instead of the answer, so read and discard what it sends (a bounded amount, for a
        // moment) until it closes, then close.
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let _ = stream.shutdown().await;
        let mut sink = [0u8; 4096];
        let _ = tokio::time::timeout(std::time::Duration::from_millis(500), async {
            let mut total = 0usize;
            while total < 64 * 1024 {
                match stream.read(&mut sink).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => total += n,
                }
            }
        })
        .await;
        return;
    }
    serve_connection(stream, state).await;
}

/// Binds a listener that is never reachable by anyone but this user: bound
/// in a fresh 0700 directory beside `path`, made 0600, then hard-linked at
/// `path` (which fails rather than replaces if something appeared there).
fn bind_private(path: &Path) -> std::io::Result<UnixListener> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let mut suffix = [0u8; 8];
    rand::rngs::OsRng.fill_bytes(&mut suffix);
    let private = parent.join(format!(".movid-agent.{}", hex::encode(suffix)));
    std::fs::DirBuilder::new().mode(0o700).create(&private)?;
    let inner = private.join("s");
    let result = (|| {
        let listener = UnixListener::bind(&inner)?;
        std::fs::set_permissions(&inner, std::fs::Permissions::from_mode(0o600))?;
        std::fs::hard_link(&inner, path)?;
        Ok(listener)
    })();
    let _ = std::fs::remove_file(&inner);
    let _ = std::fs::remove_dir(&private);
    result
}

/// Keeps this process's memory out of core dumps and away from `ptrace` by
/// unprivileged processes: `prctl(PR_SET_DUMPABLE, 0)` (Linux) and a core
/// size limit of 0 (`setrlimit(RLIMIT_CORE)`), as ssh-agent does. Called by
/// [`Agent::serve_with_policy`] and [`Agent::serve_remote`]; affects the
/// whole process.
pub fn harden_process() -> Result<(), KeyError> {
    let os = |what: &str| KeyError::Io {
        context: format!("hardening the signer process ({what})"),
        source: std::io::Error::last_os_error(),
    };
    let none = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: setrlimit reads the struct passed by reference.
    if unsafe { libc::setrlimit(libc::RLIMIT_CORE, &none) } != 0 {
        return Err(os("setrlimit RLIMIT_CORE"));
    }
    #[cfg(target_os = "linux")]
    {
        // SAFETY: PR_SET_DUMPABLE takes one integer argument.
        if unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0 as libc::c_ulong) } != 0 {
            return Err(os("prctl PR_SET_DUMPABLE"));
        }
    }
    Ok(())
}

/// A running agent or remote signer. Dropping it (or [`AgentServer::shutdown`])
/// stops accepting connections and removes the socket file.
pub struct AgentServer {
    pub(crate) task: Option<JoinHandle<()>>,
    pub(crate) endpoint: Endpoint,
}

pub(crate) enum Endpoint {
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

    /// Stops serving, closes every open connection, and removes the socket
    /// file.
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

/// A backend that forwards requests to a signer agent on a Unix socket.
/// Management requests open a connection each; a [`super::Handle`] keeps
/// its own connection (which holds its grants) and re-connects after an
/// agent restart.
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

    pub(crate) async fn open(&self) -> Result<Connection, KeyError> {
        let stream =
            UnixStream::connect(&self.path)
                .await
                .map_err(|source| KeyError::AgentUnavailable {
                    path: self.path.clone(),
                    source,
                })?;
        Ok(Connection {
            stream: Box::new(stream),
            endpoint: self.path.display().to_string(),
            token: None,
        })
    }
}

/// A byte stream to a signer (Unix socket or TLS).
pub(crate) trait SignerStream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> SignerStream for T {}

/// One open connection to a signer; the grants of its `connect`s live in
/// the signer, with the connection.
pub(crate) struct Connection {
    pub(crate) stream: Box<dyn SignerStream>,
    pub(crate) endpoint: String,
    pub(crate) token: Option<Arc<Zeroizing<String>>>,
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

impl Connection {
    /// Sends one request and reads its reply, within [`CLIENT_TIMEOUT`]. A
    /// broken connection (including one the signer closed while idle) is
    /// [`KeyError::Io`].
    pub(crate) async fn request(&mut self, request: Request) -> Result<Response, KeyError> {
        let endpoint = self.endpoint.clone();
        let envelope = RequestEnvelope {
            version: PROTOCOL_VERSION,
            token: self.token.as_ref().map(|t| t.as_str().to_owned()),
            request,
        };
        let payload = to_json(&envelope);
        let io = |source| KeyError::Io {
            context: format!("talking to the signer at {endpoint}"),
            source,
        };
        let stream = &mut self.stream;
        let round_trip = async {
            write_frame(stream, &payload).await.map_err(io)?;
            read_frame(stream).await.map_err(io)
        };
        let frame = tokio::time::timeout(CLIENT_TIMEOUT, round_trip)
            .await
            .map_err(|_| KeyError::Timeout {
                endpoint: endpoint.clone(),
                after: CLIENT_TIMEOUT,
            })??
            .ok_or_else(|| {
                io(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "the signer closed the connection without answering",
                ))
            })?;
        let reply: Reply = serde_json::from_slice(&frame).map_err(|e| KeyError::Protocol {
            reason: format!("the signer at {endpoint} sent an unreadable reply: {e}"),
        })?;
        match reply {
            Reply::Ok(response) => Ok(response),
            Reply::Error(e) => Err(e.into_key_error(&endpoint)),
        }
    }
}
