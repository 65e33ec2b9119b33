//! Step D: the gate. It terminates TLS 1.3 with mutual authentication,
//! checks the chain for every connection, and forwards admitted ones to
//! their service.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use movid_runtime::types::ObjectID;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::Acceptor;
use rustls::sign::{CertifiedKey, SingleCertAndKey};
use rustls::ServerConfig;
use serde::Serialize;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{broadcast, watch};
use tokio::task::JoinHandle;
use tokio_rustls::server::TlsStream;
use tokio_rustls::LazyConfigAcceptor;

use super::authority::AccessClient;
use super::ca::IssuedCertificate;
use super::enroll::{active_document, method_with_key, subject_identity};
use super::tls::{provider, ClientVerifier, VERSIONS};
use super::x509::{self, Serial};
use super::{AccessError, AccessResult, CertificateInfo, Refusal};
use crate::did::{Did, Relationship};

/// How a gate is set up.
#[derive(Clone, Debug)]
pub struct GateConfig {
    /// The authority whose CA, policies and revocations it enforces.
    pub authority: ObjectID,
    /// Service name -> `host:port` it forwards to.
    pub services: BTreeMap<String, String>,
    /// The gate's server certificate, issued by the authority's CA
    /// ([`super::CertificateAuthority::issue_gate_certificate`]).
    pub certificate: IssuedCertificate,
    /// The gate's Ed25519 TLS key.
    pub key: GateKey,
    /// How often the chain's epoch is polled to close sessions of an
    /// ended epoch.
    pub epoch_poll_interval: Duration,
    /// How long a client has to finish its handshake.
    pub handshake_timeout: Duration,
}

impl GateConfig {
    /// A gate of `authority` with its certificate and key and no service yet.
    pub fn new(authority: ObjectID, certificate: IssuedCertificate, key: GateKey) -> GateConfig {
        GateConfig {
            authority,
            services: BTreeMap::new(),
            certificate,
            key,
            epoch_poll_interval: Duration::from_secs(1),
            handshake_timeout: Duration::from_secs(10),
        }
    }

    /// Forwards service `name` to `address` (`host:port`).
    pub fn service(mut self, name: impl Into<String>, address: impl Into<String>) -> Self {
        self.services.insert(name.into(), address.into());
        self
    }

    /// Polls the epoch every `interval`.
    pub fn epoch_poll_interval(mut self, interval: Duration) -> Self {
        self.epoch_poll_interval = interval;
        self
    }
}

/// A gate's own TLS key: an Ed25519 key in PKCS#8, kept by the gate (it is
/// a server key, not a DID key, so it lives outside the key manager).
#[derive(Clone)]
pub struct GateKey {
    pkcs8: Vec<u8>,
    public_key: [u8; 32],
}

impl std::fmt::Debug for GateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GateKey")
            .field("public_key", &hex::encode(self.public_key))
            .finish_non_exhaustive()
    }
}

impl GateKey {
    /// A fresh key.
    pub fn generate() -> AccessResult<GateKey> {
        let pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_ED25519)?;
        GateKey::from_key_pair(&pair)
    }

    /// A key from its PKCS#8 PEM (`PRIVATE KEY`).
    pub fn from_pem(pem: &str) -> AccessResult<GateKey> {
        GateKey::from_key_pair(&rcgen::KeyPair::from_pem(pem)?)
    }

    fn from_key_pair(pair: &rcgen::KeyPair) -> AccessResult<GateKey> {
        let public_key = pair
            .public_key_raw()
            .try_into()
            .map_err(|_| AccessError::encoding("the gate key is not an Ed25519 key"))?;
        Ok(GateKey {
            pkcs8: pair.serialize_der(),
            public_key,
        })
    }

    /// The PKCS#8 PEM, to store (it holds the secret key).
    pub fn pem(&self) -> String {
        x509::to_pem("PRIVATE KEY", &self.pkcs8)
    }

    /// The public key, to certify.
    pub fn public_key(&self) -> [u8; 32] {
        self.public_key
    }
}

/// What happened at a gate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum GateEvent {
    /// A connection passed every check and is being forwarded.
    Admitted {
        /// The session's number at this gate.
        session: u64,
        /// The client's address.
        peer: SocketAddr,
        /// The certificate's subject.
        subject: Did,
        /// The service.
        service: String,
        /// The certificate's serial.
        serial: Serial,
        /// The epoch it is bound to.
        epoch: u64,
    },
    /// A connection was refused; nothing was forwarded.
    Refused {
        /// The client's address.
        peer: SocketAddr,
        /// The service asked for, when known.
        service: Option<String>,
        /// The certificate's subject, when known.
        subject: Option<Did>,
        /// Why.
        #[serde(serialize_with = "display")]
        refusal: Refusal,
    },
    /// An admitted session ended.
    Closed {
        /// The session's number.
        session: u64,
        /// Its subject.
        subject: Did,
        /// Its service.
        service: String,
        /// Why it ended.
        reason: CloseReason,
    },
}

fn display<S: serde::Serializer>(r: &Refusal, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&r.to_string())
}

/// Why a session ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CloseReason {
    /// One side closed.
    Finished,
    /// The chain moved to another epoch than the certificate's.
    EpochEnded {
        /// The certificate's epoch.
        bound: u64,
        /// The chain's epoch.
        current: u64,
    },
    /// The gate shut down.
    Shutdown,
    /// Forwarding failed.
    Error {
        /// The I/O error.
        message: String,
    },
}

/// A gate, ready to listen ([`Gate::bind`]).
#[derive(Clone, Debug)]
pub struct Gate {
    access: AccessClient,
    config: GateConfig,
    certified: Arc<CertifiedKey>,
}

impl Gate {
    /// A gate over `access` set up by `config`.
    pub fn new(access: AccessClient, config: GateConfig) -> AccessResult<Gate> {
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(config.key.pkcs8.clone()));
        let signing_key = provider()
            .key_provider
            .load_private_key(key)
            .map_err(|e| AccessError::encoding(format!("the gate key: {e}")))?;
        let certified = Arc::new(CertifiedKey::new(
            vec![CertificateDer::from(config.certificate.der().to_vec())],
            signing_key,
        ));
        Ok(Gate {
            access,
            config,
            certified,
        })
    }

    /// Listens on `addr` and serves until the returned gate is shut down
    /// or dropped.
    pub async fn bind(self, addr: SocketAddr) -> AccessResult<RunningGate> {
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|e| AccessError::io(format!("cannot listen on {addr}"), e))?;
        let local_addr = listener
            .local_addr()
            .map_err(|e| AccessError::io("the listening address", e))?;
        let epoch = self.access.client().epoch().await?;
        let (epoch_tx, epoch_rx) = watch::channel(epoch);
        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let (events, _) = broadcast::channel(1024);
        let shared = Arc::new(Shared {
            gate: self,
            sessions: Mutex::new(HashMap::new()),
            next_session: AtomicU64::new(1),
            events: events.clone(),
            epoch: epoch_rx,
            shutdown: shutdown_rx,
        });
        tokio::spawn(watch_epoch(shared.clone(), epoch_tx));
        let task = tokio::spawn(accept_loop(shared.clone(), listener));
        tracing::info!(%local_addr, authority = %shared.gate.config.authority, "gate listening");
        Ok(RunningGate {
            local_addr,
            shared,
            shutdown: shutdown_tx,
            task: Some(task),
        })
    }
}

/// A gate serving connections.
#[derive(Debug)]
pub struct RunningGate {
    local_addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl RunningGate {
    /// The address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Its events from now on (admissions, refusals, closed sessions).
    pub fn subscribe(&self) -> broadcast::Receiver<GateEvent> {
        self.shared.events.subscribe()
    }

    /// The sessions `subject` holds now.
    pub fn open_sessions(&self, subject: ObjectID) -> u64 {
        self.shared.open_sessions(subject)
    }

    /// Stops accepting, closes every session and waits for the listener.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningGate {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

#[derive(Debug)]
struct Shared {
    gate: Gate,
    /// Subject -> sessions open.
    sessions: Mutex<HashMap<ObjectID, u64>>,
    next_session: AtomicU64,
    events: broadcast::Sender<GateEvent>,
    epoch: watch::Receiver<u64>,
    shutdown: watch::Receiver<bool>,
}

impl Shared {
    fn open_sessions(&self, subject: ObjectID) -> u64 {
        let sessions = self.sessions.lock().expect("not poisoned");
        sessions.get(&subject).copied().unwrap_or(0)
    }

    /// Takes one of `subject`'s `max` session slots, or says how many it holds.
    fn reserve(&self, subject: ObjectID, max: u64) -> Result<(), u64> {
        let mut sessions = self.sessions.lock().expect("not poisoned");
        let open = sessions.entry(subject).or_insert(0);
        if *open >= max {
            return Err(*open);
        }
        *open += 1;
        Ok(())
    }

    fn release(&self, subject: ObjectID) {
        let mut sessions = self.sessions.lock().expect("not poisoned");
        if let Some(open) = sessions.get_mut(&subject) {
            *open = open.saturating_sub(1);
            if *open == 0 {
                sessions.remove(&subject);
            }
        }
    }

    fn refuse(
        &self,
        peer: SocketAddr,
        service: Option<String>,
        subject: Option<Did>,
        refusal: Refusal,
    ) {
        tracing::warn!(
            %peer,
            service = service.as_deref().unwrap_or("-"),
            subject = subject.as_ref().map(ToString::to_string).as_deref().unwrap_or("-"),
            reason = %refusal,
            "connection refused"
        );
        let _ = self.events.send(GateEvent::Refused {
            peer,
            service,
            subject,
            refusal,
        });
    }
}

/// Publishes the chain's epoch whenever it changes.
async fn watch_epoch(shared: Arc<Shared>, epoch_tx: watch::Sender<u64>) {
    let mut shutdown = shared.shutdown.clone();
    let interval = shared.gate.config.epoch_poll_interval;
    loop {
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = shutdown.changed() => return,
        }
        match shared.gate.access.client().epoch().await {
            Ok(epoch) => {
                epoch_tx.send_if_modified(|current| {
                    let changed = *current != epoch;
                    *current = epoch;
                    changed
                });
            }
            Err(e) => tracing::warn!(error = %e, "cannot read the chain's epoch"),
        }
    }
}

async fn accept_loop(shared: Arc<Shared>, listener: TcpListener) {
    let mut shutdown = shared.shutdown.clone();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    tokio::spawn(serve(shared.clone(), stream, peer));
                }
                Err(e) => tracing::warn!(error = %e, "accept failed"),
            },
            _ = shutdown.changed() => return,
        }
    }
}

/// One connection: handshake, admission, forwarding.
async fn serve(shared: Arc<Shared>, stream: TcpStream, peer: SocketAddr) {
    let timeout = shared.gate.config.handshake_timeout;
    let (service, tls) = match tokio::time::timeout(timeout, handshake(&shared, stream)).await {
        Ok(Ok(done)) => done,
        Ok(Err((service, refusal))) => return shared.refuse(peer, service, None, refusal),
        Err(_) => {
            let refusal = Refusal::Handshake {
                reason: format!("not finished within {timeout:?}"),
            };
            return shared.refuse(peer, None, None, refusal);
        }
    };
    let cert = tls.get_ref().1.peer_certificates().and_then(|c| c.first());
    let info = match cert.map(|c| CertificateInfo::parse(c)) {
        Some(Ok(info)) => info,
        Some(Err(refusal)) => {
            return close_refused(&shared, tls, peer, service, None, refusal).await
        }
        None => {
            return close_refused(&shared, tls, peer, service, None, Refusal::NoCertificate).await
        }
    };
    let subject_id = ObjectID::new(*info.subject.object_id());
    if let Err(refusal) = admit(&shared, &info, &service).await {
        let subject = Some(info.subject.clone());
        return close_refused(&shared, tls, peer, service, subject, refusal).await;
    }
    let address = shared.gate.config.services[&service].clone();
    let backend = match TcpStream::connect(&address).await {
        Ok(backend) => backend,
        Err(e) => {
            shared.release(subject_id);
            let refusal = Refusal::ServiceUnavailable {
                service: service.clone(),
                address,
                reason: e.to_string(),
            };
            let subject = Some(info.subject.clone());
            return close_refused(&shared, tls, peer, service, subject, refusal).await;
        }
    };
    let session = shared.next_session.fetch_add(1, Ordering::Relaxed);
    tracing::info!(session, %peer, subject = %info.subject, %service, serial = %info.serial, "connection admitted");
    let _ = shared.events.send(GateEvent::Admitted {
        session,
        peer,
        subject: info.subject.clone(),
        service: service.clone(),
        serial: info.serial,
        epoch: info.epoch,
    });
    let reason = forward(&shared, tls, backend, info.epoch).await;
    shared.release(subject_id);
    tracing::info!(session, subject = %info.subject, %service, ?reason, "session closed");
    let _ = shared.events.send(GateEvent::Closed {
        session,
        subject: info.subject,
        service,
        reason,
    });
}

/// Reads the ClientHello, picks the service, and completes the handshake
/// with the CA key read from the chain now.
async fn handshake(
    shared: &Shared,
    stream: TcpStream,
) -> Result<(String, TlsStream<TcpStream>), (Option<String>, Refusal)> {
    let start = LazyConfigAcceptor::new(Acceptor::default(), stream)
        .await
        .map_err(|e| {
            (
                None,
                Refusal::Handshake {
                    reason: e.to_string(),
                },
            )
        })?;
    let hello = start.client_hello();
    let alpn: Option<Vec<Vec<u8>>> = hello.alpn().map(|p| p.map(<[u8]>::to_vec).collect());
    let (service, by_alpn) = requested_service(
        alpn.as_deref(),
        hello.server_name(),
        &shared.gate.config.services,
    )
    .map_err(|r| (None, r))?;
    let with_service = |refusal| (Some(service.clone()), refusal);
    let authority = shared
        .gate
        .access
        .authority(shared.gate.config.authority)
        .await
        .map_err(|e| with_service(chain_unavailable(e)))?;
    let refusal = Arc::new(Mutex::new(None));
    let verifier = ClientVerifier {
        ca_key: authority.ca_public_key,
        refusal: refusal.clone(),
    };
    let mut config = ServerConfig::builder_with_provider(provider())
        .with_protocol_versions(VERSIONS)
        .map_err(|e| {
            with_service(Refusal::Handshake {
                reason: e.to_string(),
            })
        })?
        .with_client_cert_verifier(Arc::new(verifier))
        .with_cert_resolver(Arc::new(SingleCertAndKey::from(
            shared.gate.certified.clone(),
        )));
    if by_alpn {
        config.alpn_protocols = vec![service.as_bytes().to_vec()];
    }
    match start.into_stream(Arc::new(config)).await {
        Ok(tls) => Ok((service, tls)),
        Err(e) => {
            let recorded = refusal.lock().expect("not poisoned").take();
            let no_certificate = e
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
                .is_some_and(|r| matches!(r, rustls::Error::NoCertificatesPresented));
            let refusal = match recorded {
                Some(r) => r,
                None if no_certificate => Refusal::NoCertificate,
                None => Refusal::Handshake {
                    reason: e.to_string(),
                },
            };
            Err(with_service(refusal))
        }
    }
}

/// The service a ClientHello asks for: the first ALPN protocol naming a
/// service of the gate, else the SNI. The flag says whether ALPN named it.
fn requested_service(
    alpn: Option<&[Vec<u8>]>,
    sni: Option<&str>,
    services: &BTreeMap<String, String>,
) -> Result<(String, bool), Refusal> {
    if let Some(protocols) = alpn.filter(|p| !p.is_empty()) {
        return protocols
            .iter()
            .find_map(|p| {
                std::str::from_utf8(p)
                    .ok()
                    .filter(|s| services.contains_key(*s))
            })
            .map(|s| (s.to_string(), true))
            .ok_or_else(|| Refusal::UnknownService {
                service: String::from_utf8_lossy(&protocols[0]).into_owned(),
            });
    }
    match sni {
        Some(name) if services.contains_key(name) => Ok((name.to_string(), false)),
        Some(name) => Err(Refusal::UnknownService {
            service: name.to_string(),
        }),
        None => Err(Refusal::NoServiceRequested),
    }
}

fn chain_unavailable(e: AccessError) -> Refusal {
    Refusal::ChainUnavailable {
        reason: e.to_string(),
    }
}

/// The checks against the chain's state now. On success the subject holds
/// one more session slot (released when the session ends).
async fn admit(shared: &Shared, info: &CertificateInfo, service: &str) -> Result<(), Refusal> {
    let access = &shared.gate.access;
    let current = access
        .client()
        .epoch()
        .await
        .map_err(|e| chain_unavailable(e.into()))?;
    if info.epoch != current {
        return Err(Refusal::EpochMismatch {
            bound: info.epoch,
            current,
        });
    }
    let authority = access
        .authority(shared.gate.config.authority)
        .await
        .map_err(chain_unavailable)?;
    let revoked = access
        .is_serial_revoked(&authority, &info.serial)
        .await
        .map_err(chain_unavailable)?;
    if revoked {
        return Err(Refusal::CertificateRevoked {
            serial: info.serial,
        });
    }
    let authority_identity = access
        .authority_identity(&authority)
        .await
        .map_err(chain_unavailable)?;
    active_document(&authority_identity, |did| Refusal::AuthorityInactive {
        did,
    })
    .map_err(as_refusal)?;
    let identity = subject_identity(access, &info.subject)
        .await
        .map_err(as_refusal)?;
    let document =
        active_document(&identity, |did| Refusal::SubjectInactive { did }).map_err(as_refusal)?;
    if method_with_key(&document, Relationship::Authentication, &info.public_key).is_none() {
        return Err(Refusal::KeyNotInDocument {
            did: info.subject.clone(),
        });
    }
    if !info.services.iter().any(|s| s == service) {
        return Err(Refusal::ServiceNotBound {
            service: service.to_string(),
        });
    }
    let policy = access
        .policy(&authority, identity.id)
        .await
        .map_err(chain_unavailable)?
        .ok_or_else(|| Refusal::NoPolicy {
            did: info.subject.clone(),
        })?;
    if !policy.allows(service) {
        return Err(Refusal::ServiceNotAllowed {
            did: info.subject.clone(),
            service: service.to_string(),
        });
    }
    shared
        .reserve(identity.id, policy.max_sessions)
        .map_err(|open| Refusal::TooManySessions {
            did: info.subject.clone(),
            open,
            max: policy.max_sessions,
        })
}

fn as_refusal(e: AccessError) -> Refusal {
    match e {
        AccessError::Refused(r) => r,
        other => chain_unavailable(other),
    }
}

/// Reports a refusal after the handshake and drops the connection without
/// a TLS `close_notify`, so the client reads an unexpected end of stream
/// rather than a clean close.
async fn close_refused(
    shared: &Shared,
    tls: TlsStream<TcpStream>,
    peer: SocketAddr,
    service: String,
    subject: Option<Did>,
    refusal: Refusal,
) {
    shared.refuse(peer, Some(service), subject, refusal);
    let (mut tcp, _) = tls.into_inner();
    let _ = tcp.shutdown().await;
}

/// Copies bytes both ways until a side closes, the epoch changes away from
/// `bound`, or the gate shuts down.
async fn forward(
    shared: &Shared,
    mut tls: TlsStream<TcpStream>,
    mut backend: TcpStream,
    bound: u64,
) -> CloseReason {
    let mut epoch = shared.epoch.clone();
    let mut shutdown = shared.shutdown.clone();
    let reason = tokio::select! {
        copied = tokio::io::copy_bidirectional(&mut tls, &mut backend) => match copied {
            Ok(_) => CloseReason::Finished,
            Err(e) => CloseReason::Error { message: e.to_string() },
        },
        current = epoch_change(&mut epoch, bound) => CloseReason::EpochEnded { bound, current },
        _ = shutdown.changed() => CloseReason::Shutdown,
    };
    let _ = backend.shutdown().await;
    let _ = tls.shutdown().await;
    reason
}

/// Resolves with the new epoch once the chain is past `bound`. (Epochs
/// only grow; a watched value below `bound` is one the watcher has not
/// caught up on since the session was admitted in a newer epoch.)
async fn epoch_change(epoch: &mut watch::Receiver<u64>, bound: u64) -> u64 {
    loop {
        let current = *epoch.borrow_and_update();
        if current > bound {
            return current;
        }
        if epoch.changed().await.is_err() {
            // The watcher stopped (the gate is shutting down): wait for the
            // shutdown branch.
            std::future::pending::<()>().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn services() -> BTreeMap<String, String> {
        [("echo".to_string(), "127.0.0.1:1".to_string())].into()
    }

    #[test]
    fn alpn_names_the_service_before_sni() {
        let alpn = vec![b"h2".to_vec(), b"echo".to_vec()];
        assert_eq!(
            requested_service(Some(&alpn), Some("other"), &services()),
            Ok(("echo".to_string(), true))
        );
        assert_eq!(
            requested_service(None, Some("echo"), &services()),
            Ok(("echo".to_string(), false))
        );
        assert_eq!(
            requested_service(None, None, &services()),
            Err(Refusal::NoServiceRequested)
        );
        assert!(matches!(
            requested_service(Some(&[b"ssh".to_vec()]), None, &services()),
            Err(Refusal::UnknownService { service }) if service == "ssh"
        ));
    }
}
