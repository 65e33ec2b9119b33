//! The client side of step D: a TLS 1.3 connection to a gate, presenting
//! the device certificate and naming the service by ALPN (and SNI when the
//! name is a DNS name).

use std::net::SocketAddr;
use std::sync::Arc;

use movid_runtime::types::ObjectID;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::sign::{CertifiedKey, SingleCertAndKey};
use rustls::ClientConfig;
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

use super::authority::AccessClient;
use super::ca::IssuedCertificate;
use super::device::DeviceKey;
use super::tls::{provider, CommitterKey, GateVerifier, VERSIONS};
use super::{AccessError, AccessResult};

/// Connects to services through gates of one authority.
///
/// The gate must present a server certificate issued by the authority's
/// CA key as read from the chain at connection time.
///
/// ```no_run
/// # async fn run(access: movid_sdk::access::AccessClient,
/// #              authority: movid_sdk::runtime::types::ObjectID,
/// #              cert: movid_sdk::access::IssuedCertificate,
/// #              key: movid_sdk::access::DeviceKey) -> Result<(), Box<dyn std::error::Error>> {
/// use tokio::io::{AsyncReadExt, AsyncWriteExt};
/// use movid_sdk::access::AccessConnector;
///
/// let connector = AccessConnector::new(access, authority).with_certificate(&cert, &key);
/// let mut stream = connector.connect("127.0.0.1:8443".parse()?, "echo").await?;
/// stream.write_all(b"ping").await?;
/// let mut reply = [0u8; 4];
/// stream.read_exact(&mut reply).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct AccessConnector {
    access: AccessClient,
    authority: ObjectID,
    client: Option<(CertificateDer<'static>, DeviceKey)>,
}

impl std::fmt::Debug for AccessConnector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessConnector")
            .field("authority", &self.authority)
            .field("with_certificate", &self.client.is_some())
            .finish()
    }
}

impl AccessConnector {
    /// A connector for `authority`'s gates, with no client certificate yet
    /// (a gate refuses it; see [`AccessConnector::with_certificate`]).
    pub fn new(access: AccessClient, authority: ObjectID) -> AccessConnector {
        AccessConnector {
            access,
            authority,
            client: None,
        }
    }

    /// Presents `certificate`, proving possession of its key with `key`.
    pub fn with_certificate(mut self, certificate: &IssuedCertificate, key: &DeviceKey) -> Self {
        self.client = Some((
            CertificateDer::from(certificate.der().to_vec()),
            key.clone(),
        ));
        self
    }

    /// Opens a TLS 1.3 connection to the gate at `gate`, asking for
    /// `service`. The handshake finishing does not mean admission: a gate
    /// that refuses closes the connection without forwarding anything, and
    /// the first read fails (a TLS alert, or an end of stream without
    /// `close_notify`: `io::ErrorKind::UnexpectedEof`).
    pub async fn connect(
        &self,
        gate: SocketAddr,
        service: &str,
    ) -> AccessResult<TlsStream<TcpStream>> {
        let authority = self.access.authority(self.authority).await?;
        let builder = ClientConfig::builder_with_provider(provider())
            .with_protocol_versions(VERSIONS)
            .map_err(|e| AccessError::encoding(format!("TLS configuration: {e}")))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(GateVerifier {
                ca_key: authority.ca_public_key,
            }));
        let mut config = match &self.client {
            Some((cert, key)) => {
                let certified = CertifiedKey::new(
                    vec![cert.clone()],
                    Arc::new(CommitterKey(key.committer().clone())),
                );
                builder.with_client_cert_resolver(Arc::new(SingleCertAndKey::from(certified)))
            }
            None => builder.with_no_client_auth(),
        };
        config.alpn_protocols = vec![service.as_bytes().to_vec()];
        let name = match ServerName::try_from(service.to_string()) {
            Ok(name @ ServerName::DnsName(_)) => name,
            _ => ServerName::IpAddress(gate.ip().into()),
        };
        let tcp = TcpStream::connect(gate)
            .await
            .map_err(|e| AccessError::io(format!("cannot reach the gate at {gate}"), e))?;
        TlsConnector::from(Arc::new(config))
            .connect(name, tcp)
            .await
            .map_err(|e| AccessError::io(format!("TLS handshake with the gate at {gate}"), e))
    }
}
