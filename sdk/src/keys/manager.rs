//! The identity manager, backends, and the handles it gives out.

use std::sync::Arc;

use tokio::sync::Mutex;

use super::agent::{AgentBackend, Connection};
use super::crypto::{
    personal_message_digest, transaction_signing_digest, SealedMessage, Signature,
};
use super::pkcs11::Pkcs11Backend;
use super::protocol::{Request, Response, SignIntent};
use super::remote::{RemoteBackend, RemoteClientConfig};
use super::store::{import_request, MemoryBackend};
use super::{
    Capability, ExternalIdentity, IdentityId, KeyError, KeyMaterial, Scheme, SuiPrivateKey,
};

/// Where an identity's secret keys live. Cloning is cheap and shares the
/// same store or endpoint.
#[derive(Debug, Clone)]
pub enum Backend {
    /// In this process (see [`MemoryBackend`]), optionally persisted to an
    /// encrypted key file.
    Memory(MemoryBackend),
    /// A signer agent on this machine, over a Unix socket.
    Agent(AgentBackend),
    /// A remote signer over mutually authenticated TLS.
    Remote(RemoteBackend),
    /// A PKCS#11 hardware token (or SoftHSM2): keys generated on it and
    /// never leaving it.
    Pkcs11(Pkcs11Backend),
}

impl Backend {
    /// A fresh, empty in-memory backend.
    pub fn memory() -> Backend {
        Backend::Memory(MemoryBackend::new())
    }

    /// An in-memory backend persisted to the key file at `path` (see
    /// [`MemoryBackend::open_keyfile`]).
    pub fn keyfile(
        path: impl AsRef<std::path::Path>,
        password: impl AsRef<[u8]>,
    ) -> Result<Backend, KeyError> {
        MemoryBackend::open_keyfile(path, password).map(Backend::Memory)
    }

    /// An in-memory backend persisted to a key file without a password,
    /// chosen explicitly (see [`MemoryBackend::open_keyfile_without_password`]).
    pub fn keyfile_without_password(
        path: impl AsRef<std::path::Path>,
    ) -> Result<Backend, KeyError> {
        MemoryBackend::open_keyfile_without_password(path).map(Backend::Memory)
    }

    /// The agent listening on the Unix socket at `path` (nothing is
    /// contacted until the first request).
    pub fn agent(path: impl Into<std::path::PathBuf>) -> Backend {
        Backend::Agent(AgentBackend::new(path))
    }

    /// The remote signer at `addr`, over TLS as `config` says (see
    /// [`RemoteBackend::new`]; nothing is contacted until the first request).
    pub fn remote(
        addr: std::net::SocketAddr,
        config: RemoteClientConfig,
    ) -> Result<Backend, KeyError> {
        RemoteBackend::new(addr, config).map(Backend::Remote)
    }

    /// Where the keys are, for errors: `memory`, the socket path, or the
    /// signer's address.
    pub fn endpoint(&self) -> String {
        match self {
            Backend::Memory(_) => "memory".to_owned(),
            Backend::Pkcs11(_) => "pkcs11".to_owned(),
            Backend::Agent(agent) => agent.path().display().to_string(),
            Backend::Remote(remote) => remote.addr().to_string(),
        }
    }

    /// A new connection to the agent or remote signer (`None` for memory).
    async fn open(&self) -> Result<Option<Connection>, KeyError> {
        match self {
            Backend::Memory(_) | Backend::Pkcs11(_) => Ok(None),
            Backend::Agent(agent) => agent.open().await.map(Some),
            Backend::Remote(remote) => remote.open().await.map(Some),
        }
    }

    /// One request on a connection of its own.
    async fn call(&self, request: Request) -> Result<Response, KeyError> {
        match self {
            Backend::Memory(memory) => memory.handle(request),
            Backend::Pkcs11(token) => token.call(request).await,
            Backend::Agent(_) | Backend::Remote(_) => {
                let mut connection = self.open().await?.expect("agent and remote connect");
                connection.request(request).await
            }
        }
    }

    fn unexpected(&self, response: Response) -> KeyError {
        KeyError::Protocol {
            reason: format!("the signer answered with an unexpected {response:?}"),
        }
    }

    async fn call_identity(&self, request: Request) -> Result<ExternalIdentity, KeyError> {
        match self.call(request).await? {
            Response::Identity { identity } => Ok(identity),
            other => Err(self.unexpected(other)),
        }
    }
}

impl From<MemoryBackend> for Backend {
    fn from(b: MemoryBackend) -> Backend {
        Backend::Memory(b)
    }
}

impl From<AgentBackend> for Backend {
    fn from(b: AgentBackend) -> Backend {
        Backend::Agent(b)
    }
}

impl From<Pkcs11Backend> for Backend {
    fn from(b: Pkcs11Backend) -> Backend {
        Backend::Pkcs11(b)
    }
}

impl From<RemoteBackend> for Backend {
    fn from(b: RemoteBackend) -> Backend {
        Backend::Remote(b)
    }
}

/// Creates, connects to and deletes identities in a [`Backend`] (docs/DESIGN.md §9).
///
/// ```
/// # tokio_test_block(async {
/// use movid_sdk::keys::{Backend, Capability, IdentityManager, KeyError, Scheme};
///
/// let backend = Backend::memory();
/// let manager = IdentityManager::new();
/// let (identity, _) = manager.generate(&backend, Scheme::Ed25519, Capability::CommitAndDecrypt).await?;
///
/// // A connection asks for what it needs, never more than the identity has.
/// let handle = manager.connect(&identity, &backend, Capability::Decrypt).await?;
/// assert!(handle.committer().is_none());
/// assert!(handle.decryptor().is_some());
///
/// manager.delete(&identity, &backend).await?;
/// assert!(matches!(
///     manager.connect(&identity, &backend, Capability::Commit).await,
///     Err(KeyError::ExternalIdentityNotFound { .. })
/// ));
/// # Ok::<(), KeyError>(())
/// # }).unwrap();
/// # fn tokio_test_block<F: std::future::Future>(f: F) -> F::Output {
/// #     tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
/// # }
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct IdentityManager;

impl IdentityManager {
    /// A manager.
    pub fn new() -> IdentityManager {
        IdentityManager
    }

    /// Generates a new identity in `backend` with `capabilities`, and a
    /// handle with all of them.
    ///
    /// The identity's ID is the address of its fresh Ed25519 key; its X25519
    /// key is generated alongside (see [`Scheme::Ed25519`]).
    pub async fn generate(
        &self,
        backend: &Backend,
        scheme: Scheme,
        capabilities: Capability,
    ) -> Result<(ExternalIdentity, Handle), KeyError> {
        let identity = backend
            .call_identity(Request::Generate {
                scheme,
                capabilities,
            })
            .await?;
        let handle = Handle::new(backend.clone(), identity.clone(), capabilities);
        Ok((identity, handle))
    }

    /// Stores existing secret keys in `backend` as an identity with
    /// `capabilities`, and returns a handle with all of them.
    ///
    /// Fails with [`KeyError::IdentityAlreadyExists`] if the backend already
    /// holds an identity with the same Ed25519 key.
    pub async fn import(
        &self,
        backend: &Backend,
        scheme: Scheme,
        material: &KeyMaterial,
        capabilities: Capability,
    ) -> Result<(ExternalIdentity, Handle), KeyError> {
        let identity = backend
            .call_identity(import_request(scheme, material, capabilities))
            .await?;
        let expected = IdentityId::from_public_key(&material.ed25519_public_key());
        if identity.id() != expected {
            return Err(KeyError::WrongIdentity {
                endpoint: backend.endpoint(),
                requested: expected,
                returned: identity.id(),
            });
        }
        let handle = Handle::new(backend.clone(), identity.clone(), capabilities);
        Ok((identity, handle))
    }

    /// Connects to an identity held by `backend`, with `capabilities`.
    ///
    /// Fails with [`KeyError::ExternalIdentityNotFound`] if the backend does
    /// not hold it, [`KeyError::CapabilitiesNotAvailable`] if it asks for
    /// more than the identity was generated with.
    pub async fn connect(
        &self,
        identity: impl AsRef<IdentityId>,
        backend: &Backend,
        capabilities: Capability,
    ) -> Result<Handle, KeyError> {
        let requested = *identity.as_ref();
        let request = Request::Connect {
            id: requested,
            capabilities,
        };
        let Some(mut connection) = backend.open().await? else {
            let identity = backend.call_identity(request).await?;
            return Ok(Handle::new(backend.clone(), identity, capabilities));
        };
        // The connection that connected is the one the handle uses: the
        // signer holds this connect's grants with it.
        let identity = match connection.request(request).await? {
            Response::Identity { identity } => identity,
            other => return Err(backend.unexpected(other)),
        };
        if identity.id() != requested {
            return Err(KeyError::WrongIdentity {
                endpoint: backend.endpoint(),
                requested,
                returned: identity.id(),
            });
        }
        if !identity.capabilities().contains(capabilities) {
            return Err(KeyError::Protocol {
                reason: format!(
                    "the signer at {} granted {capabilities} on an identity it says has only {}",
                    backend.endpoint(),
                    identity.capabilities()
                ),
            });
        }
        let handle = Handle::new(backend.clone(), identity, capabilities);
        *handle.link.connection.lock().await = Some(connection);
        Ok(handle)
    }

    /// Deletes an identity and its secret keys from `backend`; handles to it
    /// fail with [`KeyError::IdentityDoesNotExist`] from then on.
    ///
    /// Fails with [`KeyError::IdentityDoesNotExist`] if the backend does not
    /// hold it (e.g. it was deleted already).
    pub async fn delete(
        &self,
        identity: impl AsRef<IdentityId>,
        backend: &Backend,
    ) -> Result<(), KeyError> {
        match backend
            .call(Request::Delete {
                id: *identity.as_ref(),
            })
            .await?
        {
            Response::Deleted => Ok(()),
            other => Err(backend.unexpected(other)),
        }
    }

    /// The Ed25519 key of an identity in `backend`, in Sui's form (a
    /// `suiprivkey1…` string with [`SuiPrivateKey::to_bech32`]), so Sui's
    /// tools can sign as its address.
    ///
    /// Only a [`Backend::Memory`] (the key file) hands a key out. A signer
    /// agent, a remote signer and a PKCS#11 token never do, and are refused
    /// with [`KeyError::NotExportable`] without being contacted. Fails with
    /// [`KeyError::ExternalIdentityNotFound`] if the backend does not hold
    /// the identity, and [`KeyError::CapabilitiesNotAvailable`] if it may
    /// not sign (a decrypt-only identity's seed would sign in other hands).
    ///
    /// Sui's form carries the Ed25519 key only: see
    /// [`SuiExport::x25519_restored_on_import`] for the X25519 key.
    pub fn export_sui(
        &self,
        identity: impl AsRef<IdentityId>,
        backend: &Backend,
    ) -> Result<SuiExport, KeyError> {
        let backend = match backend {
            Backend::Memory(memory) => memory,
            Backend::Agent(_) => return Err(KeyError::NotExportable { backend: "agent" }),
            Backend::Remote(_) => return Err(KeyError::NotExportable { backend: "remote" }),
            Backend::Pkcs11(_) => return Err(KeyError::NotExportable { backend: "pkcs11" }),
        };
        let (private_key, x25519_restored_on_import) = backend.export_sui(*identity.as_ref())?;
        Ok(SuiExport {
            private_key,
            x25519_restored_on_import,
        })
    }

    /// Every identity `backend` holds.
    pub async fn list(&self, backend: &Backend) -> Result<Vec<ExternalIdentity>, KeyError> {
        match backend.call(Request::List).await? {
            Response::Identities { identities } => Ok(identities),
            other => Err(backend.unexpected(other)),
        }
    }

    /// Checks that `backend` answers (for an agent or remote signer: that it
    /// is up and, for a remote one, that the token is accepted).
    pub async fn ping(&self, backend: &Backend) -> Result<(), KeyError> {
        match backend.call(Request::Ping).await? {
            Response::Pong { .. } => Ok(()),
            other => Err(backend.unexpected(other)),
        }
    }
}

/// An identity's key as [`IdentityManager::export_sui`] hands it out.
#[derive(Debug)]
pub struct SuiExport {
    /// The Ed25519 key.
    pub private_key: SuiPrivateKey,
    /// Whether importing the key restores the identity's X25519
    /// (decryption) key too. It does for an identity that was itself
    /// imported from a seed, whose X25519 key is derived from it
    /// ([`KeyMaterial::from_ed25519_seed`]); it does not for a generated
    /// identity, whose X25519 key is independent and which Sui's form has no
    /// room for: re-imported, such a key signs as the same address but
    /// decrypts with another X25519 key.
    pub x25519_restored_on_import: bool,
}

/// A connection to one identity with some capabilities. It gives out a
/// [`Committer`] and/or a [`Decryptor`], as its capabilities allow, and
/// nothing else: no secret key ever leaves the backend.
///
/// With an agent or remote signer, a handle keeps one connection (shared by
/// its clones, committers and decryptors) on which it connected with its
/// capabilities; the signer enforces them on that connection. If the
/// connection breaks (the signer restarted, or closed it while idle), the
/// handle connects again with the same capabilities, which the signer checks
/// again.
#[derive(Debug, Clone)]
pub struct Handle {
    identity: ExternalIdentity,
    capabilities: Capability,
    link: Link,
}

/// A handle's connection to its signer and what it asks for on it.
#[derive(Debug, Clone)]
struct Link {
    backend: Backend,
    identity: ExternalIdentity,
    capabilities: Capability,
    connection: Arc<Mutex<Option<Connection>>>,
}

impl Link {
    /// Sends `request` on the handle's connection, connecting (again) first
    /// if there is none or it broke while reused.
    async fn call(&self, request: Request) -> Result<Response, KeyError> {
        match &self.backend {
            Backend::Memory(memory) => return memory.handle(request),
            Backend::Pkcs11(token) => return token.call(request).await,
            Backend::Agent(_) | Backend::Remote(_) => {}
        }
        let mut guard = self.connection.lock().await;
        let reused = guard.is_some();
        let connection = match guard.as_mut() {
            Some(connection) => connection,
            None => guard.insert(self.connect().await?),
        };
        match connection.request(request.clone()).await {
            Err(KeyError::Io { .. }) if reused => {
                *guard = None;
                let connection = guard.insert(self.connect().await?);
                let answer = connection.request(request).await;
                if matches!(answer, Err(KeyError::Io { .. })) {
                    *guard = None;
                }
                answer
            }
            Err(e @ KeyError::Io { .. }) => {
                *guard = None;
                Err(e)
            }
            answer => answer,
        }
    }

    /// A new connection on which this handle's identity is connected with
    /// its capabilities; the signer must answer with the same identity.
    async fn connect(&self) -> Result<Connection, KeyError> {
        let mut connection = self
            .backend
            .open()
            .await?
            .expect("only agent and remote handles connect");
        let answer = connection
            .request(Request::Connect {
                id: self.identity.id(),
                capabilities: self.capabilities,
            })
            .await?;
        match answer {
            Response::Identity { identity } if identity == self.identity => Ok(connection),
            Response::Identity { identity } => Err(KeyError::WrongIdentity {
                endpoint: self.backend.endpoint(),
                requested: self.identity.id(),
                returned: identity.id(),
            }),
            other => Err(self.backend.unexpected(other)),
        }
    }
}

impl Handle {
    fn new(backend: Backend, identity: ExternalIdentity, capabilities: Capability) -> Handle {
        Handle {
            link: Link {
                backend,
                identity: identity.clone(),
                capabilities,
                connection: Arc::new(Mutex::new(None)),
            },
            identity,
            capabilities,
        }
    }

    /// The identity this handle is connected to.
    pub fn identity(&self) -> &ExternalIdentity {
        &self.identity
    }

    /// The identity's ID.
    pub fn id(&self) -> IdentityId {
        self.identity.id()
    }

    /// What this handle may do (a subset of the identity's capabilities).
    pub fn capabilities(&self) -> Capability {
        self.capabilities
    }

    /// A signer, if this handle has [`Capability::Commit`].
    pub fn committer(&self) -> Option<Committer> {
        self.capabilities.can_commit().then(|| Committer {
            link: self.link.clone(),
            identity: self.identity.clone(),
        })
    }

    /// A decryptor, if this handle has [`Capability::Decrypt`].
    pub fn decryptor(&self) -> Option<Decryptor> {
        self.capabilities.can_decrypt().then(|| Decryptor {
            link: self.link.clone(),
            identity: self.identity.clone(),
        })
    }

    /// The signer, or [`KeyError::NotPermitted`] if this handle may not sign.
    pub fn require_committer(&self) -> Result<Committer, KeyError> {
        self.committer().ok_or(KeyError::NotPermitted {
            required: Capability::Commit,
            granted: self.capabilities,
        })
    }

    /// The decryptor, or [`KeyError::NotPermitted`] if this handle may not
    /// decrypt.
    pub fn require_decryptor(&self) -> Result<Decryptor, KeyError> {
        self.decryptor().ok_or(KeyError::NotPermitted {
            required: Capability::Decrypt,
            granted: self.capabilities,
        })
    }
}

/// Signs with an identity's Ed25519 key.
#[derive(Debug, Clone)]
pub struct Committer {
    link: Link,
    identity: ExternalIdentity,
}

impl Committer {
    /// The Ed25519 public key that verifies this committer's signatures.
    pub fn public_key(&self) -> [u8; 32] {
        self.identity.ed25519_public_key()
    }

    /// The address of the key (the sender of transactions it signs).
    pub fn address(&self) -> [u8; 32] {
        self.identity.address()
    }

    /// Signs `message` as it is (a raw signature). An agent or remote
    /// signer allows this only if its policy does
    /// ([`super::SignerPolicy::raw_sign`]); prefer
    /// [`Committer::sign_transaction`] and [`Committer::sign_personal_message`],
    /// whose digests the signer computes itself.
    pub async fn sign(&self, message: &[u8]) -> Result<Signature, KeyError> {
        self.sign_as(SignIntent::Raw, message, message).await
    }

    /// Signs a transaction: Ed25519 over its signing digest
    /// `blake2b256([0, 0, 0] ‖ transaction_data_bcs)` (docs/DESIGN.md §4). Send
    /// [`Signature::to_serialized`] with the transaction.
    pub async fn sign_transaction(
        &self,
        transaction_data_bcs: &[u8],
    ) -> Result<Signature, KeyError> {
        let digest = transaction_signing_digest(transaction_data_bcs);
        self.sign_as(SignIntent::Transaction, transaction_data_bcs, &digest)
            .await
    }

    /// Signs an off-chain message: Ed25519 over
    /// `blake2b256([3, 0, 0] ‖ bcs(message as vector<u8>))` (Sui's personal
    /// message intent), so it can never pass as a transaction signature.
    /// Verify with [`Signature::verify`] on
    /// [`super::personal_message_digest`]`(message)`.
    pub async fn sign_personal_message(&self, message: &[u8]) -> Result<Signature, KeyError> {
        let digest = personal_message_digest(message);
        self.sign_as(SignIntent::PersonalMessage, message, &digest)
            .await
    }

    /// Asks the signer to sign `message` as `intent`, and checks the answer
    /// is a signature of `signed` (what the intent signs) by this identity.
    async fn sign_as(
        &self,
        intent: SignIntent,
        message: &[u8],
        signed: &[u8],
    ) -> Result<Signature, KeyError> {
        let request = Request::Sign {
            id: self.identity.id(),
            intent,
            message: message.to_vec(),
        };
        match self.link.call(request).await? {
            Response::Signature {
                signature,
                public_key,
            } => {
                let signature = Signature::new(signature, public_key);
                // A signer that signs with another key, or not at all, must
                // not get a transaction through under this identity's name.
                if public_key != self.public_key() || !signature.verify(signed) {
                    return Err(KeyError::BadSignature {
                        endpoint: self.link.backend.endpoint(),
                    });
                }
                Ok(signature)
            }
            other => Err(self.link.backend.unexpected(other)),
        }
    }
}

/// Decrypts messages sealed to an identity's X25519 key
/// (see [`super::encrypt_to`]).
#[derive(Debug, Clone)]
pub struct Decryptor {
    link: Link,
    identity: ExternalIdentity,
}

impl Decryptor {
    /// The X25519 public key messages are sealed to.
    pub fn public_key(&self) -> [u8; 32] {
        self.identity.x25519_public_key()
    }

    /// Opens `sealed` with the same `info` it was sealed with.
    ///
    /// Fails with [`KeyError::DecryptionFailed`] if it was sealed to another
    /// key, with another `info`, or altered.
    pub async fn decrypt(&self, sealed: &SealedMessage, info: &[u8]) -> Result<Vec<u8>, KeyError> {
        let request = Request::Decrypt {
            id: self.identity.id(),
            encapped_key: sealed.encapped_key,
            ciphertext: sealed.ciphertext.clone(),
            info: info.to_vec(),
        };
        match self.link.call(request).await? {
            Response::Plaintext { plaintext } => Ok(plaintext.0.to_vec()),
            other => Err(self.link.backend.unexpected(other)),
        }
    }
}
