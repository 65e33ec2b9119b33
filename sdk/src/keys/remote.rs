//! The remote signer: the signer protocol over TLS 1.3 with both ends
//! authenticated by certificates from a private CA ([`SignerCa`]), and a
//! token on every request.

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::server::WebPkiClientVerifier;
use rustls::{ClientConfig, RootCertStore, ServerConfig};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::{TlsAcceptor, TlsConnector};
use zeroize::Zeroizing;

use super::agent::{harden_process, Agent, AgentServer, Connection, Endpoint};
use super::protocol::CLIENT_TIMEOUT;
use super::server::{serve_connection, ServerState, SignerPolicy};
use super::store::MemoryBackend;
use super::KeyError;

/// A certificate and its private key, in PEM. The key is wiped on drop and
/// redacted in `Debug`.
#[derive(Clone)]
pub struct TlsIdentity {
    /// The certificate (PEM).
    pub cert_pem: String,
    /// Its PKCS#8 private key (PEM).
    pub key_pem: Zeroizing<String>,
}

impl fmt::Debug for TlsIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsIdentity")
            .field("cert_pem", &self.cert_pem)
            .field("key_pem", &"<redacted>")
            .finish()
    }
}

/// A private certificate authority for one remote signer and its clients:
/// the signer trusts client certificates it issued, clients trust the
/// signer certificate it issued, and nothing else (no public CA is ever
/// trusted, so a certificate for the same name from anywhere else fails).
///
/// ```
/// use movid_sdk::keys::SignerCa;
///
/// let ca = SignerCa::generate("my signer CA").unwrap();
/// let server = ca.issue_server(&["signer.internal".into()]).unwrap();
/// let client = ca.issue_client("ci-runner").unwrap();
/// assert!(server.cert_pem.starts_with("-----BEGIN CERTIFICATE-----"));
/// assert_ne!(server.cert_pem, client.cert_pem);
/// ```
pub struct SignerCa {
    name: String,
    cert_pem: String,
    key_pem: Zeroizing<String>,
}

impl SignerCa {
    /// A fresh CA (ECDSA P-256) named `name`, which may sign end-entity
    /// certificates only.
    pub fn generate(name: &str) -> Result<SignerCa, KeyError> {
        let key = KeyPair::generate().map_err(ca_error)?;
        let params = ca_params(name)?;
        let cert = params.self_signed(&key).map_err(ca_error)?;
        Ok(SignerCa {
            name: name.to_owned(),
            cert_pem: cert.pem(),
            key_pem: Zeroizing::new(key.serialize_pem()),
        })
    }

    /// A CA saved earlier ([`SignerCa::cert_pem`], [`SignerCa::key_pem`]).
    pub fn from_pem(cert_pem: &str, key_pem: &str) -> Result<SignerCa, KeyError> {
        let bad = |reason: String| KeyError::Tls {
            endpoint: "(certificate authority)".into(),
            reason,
        };
        let (_, pem) = x509_parser::pem::parse_x509_pem(cert_pem.as_bytes())
            .map_err(|e| bad(format!("CA certificate PEM: {e}")))?;
        let cert = pem
            .parse_x509()
            .map_err(|e| bad(format!("CA certificate: {e}")))?;
        let name = cert
            .subject()
            .iter_common_name()
            .next()
            .and_then(|cn| cn.as_str().ok())
            .ok_or_else(|| bad("the CA certificate has no common name".into()))?
            .to_owned();
        let ca = SignerCa {
            name,
            cert_pem: cert_pem.to_owned(),
            key_pem: Zeroizing::new(key_pem.to_owned()),
        };
        ca.issuer()?;
        Ok(ca)
    }

    /// The CA certificate (PEM): what both ends trust.
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// The CA's private key (PEM); keep it offline, it issues credentials.
    pub fn key_pem(&self) -> &str {
        &self.key_pem
    }

    /// A certificate for the signer, valid for the DNS names or IP
    /// addresses in `names` (clients name one of them as `server_name`).
    pub fn issue_server(&self, names: &[String]) -> Result<TlsIdentity, KeyError> {
        let mut params = CertificateParams::new(names.to_vec()).map_err(ca_error)?;
        params.distinguished_name = DistinguishedName::new();
        params.distinguished_name.push(
            DnType::CommonName,
            names.first().cloned().unwrap_or_default(),
        );
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        self.issue(params)
    }

    /// A certificate for one client, named `name`.
    pub fn issue_client(&self, name: &str) -> Result<TlsIdentity, KeyError> {
        let mut params = CertificateParams::new(Vec::<String>::new()).map_err(ca_error)?;
        params.distinguished_name = DistinguishedName::new();
        params.distinguished_name.push(DnType::CommonName, name);
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        self.issue(params)
    }

    fn issue(&self, mut params: CertificateParams) -> Result<TlsIdentity, KeyError> {
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.use_authority_key_identifier_extension = true;
        let key = KeyPair::generate().map_err(ca_error)?;
        let cert = params.signed_by(&key, &self.issuer()?).map_err(ca_error)?;
        Ok(TlsIdentity {
            cert_pem: cert.pem(),
            key_pem: Zeroizing::new(key.serialize_pem()),
        })
    }

    /// The issuer: the CA's subject and key (its parameters are rebuilt
    /// from its name, exactly as [`SignerCa::generate`] made them).
    fn issuer(&self) -> Result<Issuer<'static, KeyPair>, KeyError> {
        let key = KeyPair::from_pem(&self.key_pem).map_err(ca_error)?;
        Ok(Issuer::new(ca_params(&self.name)?, key))
    }
}

impl fmt::Debug for SignerCa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SignerCa(<redacted>)")
    }
}

fn ca_params(name: &str) -> Result<CertificateParams, KeyError> {
    let mut params = CertificateParams::new(Vec::<String>::new()).map_err(ca_error)?;
    params.distinguished_name = DistinguishedName::new();
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    Ok(params)
}

fn ca_error(e: rcgen::Error) -> KeyError {
    KeyError::Tls {
        endpoint: "(certificate authority)".into(),
        reason: e.to_string(),
    }
}

/// How a remote signer serves.
#[derive(Clone)]
pub struct RemoteSignerConfig {
    /// The CA whose client certificates are accepted (PEM).
    pub ca_pem: String,
    /// The signer's own certificate and key, issued by that CA.
    pub identity: TlsIdentity,
    /// The token every request must carry (never empty).
    pub token: Zeroizing<String>,
    /// What clients may do beyond using identities they connect to.
    pub policy: SignerPolicy,
}

/// How a client reaches a remote signer.
#[derive(Clone)]
pub struct RemoteClientConfig {
    /// The CA that issued the signer's certificate (PEM); the only root
    /// trusted.
    pub ca_pem: String,
    /// The name (DNS name or IP address) in the signer's certificate.
    pub server_name: String,
    /// This client's certificate and key, issued by the same CA.
    pub identity: TlsIdentity,
    /// The signer's token (never empty).
    pub token: Zeroizing<String>,
}

impl fmt::Debug for RemoteSignerConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemoteSignerConfig")
            .field("identity", &self.identity)
            .field("token", &"<redacted>")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for RemoteClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemoteClientConfig")
            .field("server_name", &self.server_name)
            .field("identity", &self.identity)
            .field("token", &"<redacted>")
            .finish_non_exhaustive()
    }
}

/// The TLS errors of setting up either end.
fn config_error(endpoint: &str, reason: impl fmt::Display) -> KeyError {
    KeyError::Tls {
        endpoint: endpoint.to_owned(),
        reason: reason.to_string(),
    }
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

const TLS13: &[&rustls::SupportedProtocolVersion] = &[&rustls::version::TLS13];

fn roots(endpoint: &str, ca_pem: &str) -> Result<Arc<RootCertStore>, KeyError> {
    let ca = CertificateDer::from_pem_slice(ca_pem.as_bytes())
        .map_err(|e| config_error(endpoint, format!("CA certificate: {e}")))?;
    let mut roots = RootCertStore::empty();
    roots
        .add(ca)
        .map_err(|e| config_error(endpoint, format!("CA certificate: {e}")))?;
    Ok(Arc::new(roots))
}

fn chain_and_key(
    endpoint: &str,
    identity: &TlsIdentity,
) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), KeyError> {
    let cert = CertificateDer::from_pem_slice(identity.cert_pem.as_bytes())
        .map_err(|e| config_error(endpoint, format!("certificate: {e}")))?;
    let key = PrivateKeyDer::from_pem_slice(identity.key_pem.as_bytes())
        .map_err(|e| config_error(endpoint, format!("private key: {e}")))?;
    Ok((vec![cert], key))
}

impl Agent {
    /// Listens on TCP `addr` as a remote signer: TLS 1.3, the client must
    /// present a certificate issued by `config.ca_pem`, and every request
    /// must carry `config.token`. An empty token is refused
    /// ([`KeyError::MissingToken`]), on loopback as anywhere. Like the agent,
    /// the process is hardened ([`harden_process`]).
    pub async fn serve_remote(
        addr: SocketAddr,
        backend: MemoryBackend,
        config: RemoteSignerConfig,
    ) -> Result<AgentServer, KeyError> {
        if config.token.is_empty() {
            return Err(KeyError::MissingToken);
        }
        let endpoint = addr.to_string();
        let verifier = WebPkiClientVerifier::builder_with_provider(
            roots(&endpoint, &config.ca_pem)?,
            provider(),
        )
        .build()
        .map_err(|e| config_error(&endpoint, e))?;
        let (chain, key) = chain_and_key(&endpoint, &config.identity)?;
        let tls = ServerConfig::builder_with_provider(provider())
            .with_protocol_versions(TLS13)
            .map_err(|e| config_error(&endpoint, e))?
            .with_client_cert_verifier(verifier)
            .with_single_cert(chain, key)
            .map_err(|e| config_error(&endpoint, e))?;
        let acceptor = TlsAcceptor::from(Arc::new(tls));
        harden_process()?;
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
        let state = Arc::new(ServerState {
            backend,
            token: Some(config.token),
            policy: config.policy,
        });
        let task = tokio::spawn(async move {
            // As for the agent: connections end with the accept task.
            let mut connections = tokio::task::JoinSet::new();
            loop {
                while connections.try_join_next().is_some() {}
                match listener.accept().await {
                    Ok((stream, peer)) => {
                        let _ = stream.set_nodelay(true);
                        let acceptor = acceptor.clone();
                        let state = state.clone();
                        connections.spawn(async move {
                            let handshake =
                                tokio::time::timeout(CLIENT_TIMEOUT, acceptor.accept(stream));
                            match handshake.await {
                                Ok(Ok(tls)) => serve_connection(tls, state).await,
                                Ok(Err(e)) => {
                                    tracing::warn!(%peer, error = %e, "remote signer: TLS handshake refused")
                                }
                                Err(_) => tracing::warn!(%peer, "remote signer: TLS handshake timed out"),
                            }
                        });
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

/// A backend that forwards requests to a remote signer over mutually
/// authenticated TLS, with its token. Management requests open a
/// connection each; a [`super::Handle`] keeps its own.
#[derive(Clone)]
pub struct RemoteBackend {
    addr: SocketAddr,
    server_name: ServerName<'static>,
    connector: TlsConnector,
    token: Arc<Zeroizing<String>>,
}

impl RemoteBackend {
    /// The remote signer at `addr`. Fails with [`KeyError::MissingToken`]
    /// for an empty token, [`KeyError::Tls`] for unusable certificates,
    /// keys or server name.
    pub fn new(addr: SocketAddr, config: RemoteClientConfig) -> Result<RemoteBackend, KeyError> {
        if config.token.is_empty() {
            return Err(KeyError::MissingToken);
        }
        let endpoint = addr.to_string();
        let server_name = ServerName::try_from(config.server_name.clone())
            .map_err(|e| config_error(&endpoint, format!("server name: {e}")))?;
        let (chain, key) = chain_and_key(&endpoint, &config.identity)?;
        let tls = ClientConfig::builder_with_provider(provider())
            .with_protocol_versions(TLS13)
            .map_err(|e| config_error(&endpoint, e))?
            .with_root_certificates(roots(&endpoint, &config.ca_pem)?)
            .with_client_auth_cert(chain, key)
            .map_err(|e| config_error(&endpoint, e))?;
        Ok(RemoteBackend {
            addr,
            server_name,
            connector: TlsConnector::from(Arc::new(tls)),
            token: Arc::new(config.token),
        })
    }

    /// The signer's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub(crate) async fn open(&self) -> Result<Connection, KeyError> {
        let endpoint = self.addr.to_string();
        let timeout = || KeyError::Timeout {
            endpoint: endpoint.clone(),
            after: CLIENT_TIMEOUT,
        };
        let tcp = match tokio::time::timeout(CLIENT_TIMEOUT, TcpStream::connect(self.addr)).await {
            Ok(Ok(stream)) => stream,
            Ok(Err(source)) => {
                return Err(KeyError::RemoteUnavailable {
                    addr: self.addr,
                    source,
                })
            }
            Err(_) => return Err(timeout()),
        };
        let _ = tcp.set_nodelay(true);
        let handshake = self.connector.connect(self.server_name.clone(), tcp);
        let tls = tokio::time::timeout(CLIENT_TIMEOUT, handshake)
            .await
            .map_err(|_| timeout())?
            .map_err(|e| config_error(&endpoint, format!("handshake failed: {e}")))?;
        Ok(Connection {
            stream: Box::new(tls),
            endpoint,
            token: Some(self.token.clone()),
        })
    }
}

impl fmt::Debug for RemoteBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemoteBackend")
            .field("addr", &self.addr)
            .field("server_name", &self.server_name)
            .field("token", &"<redacted>")
            .finish()
    }
}
