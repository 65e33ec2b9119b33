//! The in-memory key store: the only place secret keys are used. The memory
//! backend and the signer agent both answer requests through it.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use ed25519_dalek::{Signer, SigningKey};
use rand::rngs::OsRng;
use x25519_dalek::StaticSecret;
use zeroize::Zeroizing;

use super::crypto::{self, SealedMessage};
use super::keyfile::{Keyfile, StoredSecrets};
use super::protocol::{Request, Response, Secret, SignIntent, PROTOCOL_VERSION};
use super::{
    Capability, ExternalIdentity, IdentityId, KeyError, KeyMaterial, Scheme, SuiPrivateKey,
};

/// Keys held in this process's memory, optionally persisted to an encrypted
/// key file. Cloning shares the same store.
///
/// ```
/// use movid_sdk::keys::MemoryBackend;
///
/// let ephemeral = MemoryBackend::new();
/// assert!(ephemeral.keyfile_path().is_none());
/// ```
#[derive(Clone, Default)]
pub struct MemoryBackend {
    inner: Arc<Mutex<KeyStore>>,
}

impl MemoryBackend {
    /// An empty store that lives as long as the process.
    pub fn new() -> MemoryBackend {
        MemoryBackend::default()
    }

    /// A store persisted to the encrypted key file at `path`: opened and
    /// decrypted if it exists, created (with no identities) if not. Every
    /// change is written back atomically before it is reported done.
    ///
    /// The key file is sealed with XChaCha20-Poly1305 under a key derived
    /// from `password` with Argon2id. An empty password is refused
    /// ([`KeyError::EmptyPassword`]): a store without a password is chosen
    /// with [`MemoryBackend::open_keyfile_without_password`]. Fails with
    /// [`KeyError::WrongPassword`] if the password does not open the file,
    /// [`KeyError::EncryptionMismatch`] if the file was created without a
    /// password, [`KeyError::KeyfileCorrupt`] if it is not a key file,
    /// [`KeyError::Io`] if it cannot be read or written.
    ///
    /// Several processes may open the same file: each change is made under
    /// an OS lock on what the file holds at that moment, and every use of a
    /// key re-reads the file first, so no process loses another's keys or
    /// keeps using a key another deleted (see the key file's format notes in
    /// the module docs).
    pub fn open_keyfile(
        path: impl AsRef<Path>,
        password: impl AsRef<[u8]>,
    ) -> Result<MemoryBackend, KeyError> {
        MemoryBackend::open(path.as_ref(), Some(password.as_ref()))
    }

    /// A store persisted to a key file that has no password, explicitly:
    /// its secret keys are readable by anyone who can read the file (which
    /// is created with mode 0600). Opening a file that has a password this
    /// way fails with [`KeyError::EncryptionMismatch`].
    pub fn open_keyfile_without_password(
        path: impl AsRef<Path>,
    ) -> Result<MemoryBackend, KeyError> {
        MemoryBackend::open(path.as_ref(), None)
    }

    fn open(path: &Path, password: Option<&[u8]>) -> Result<MemoryBackend, KeyError> {
        let (keyfile, secrets) = Keyfile::open_or_create(path, password)?;
        let mut store = KeyStore {
            identities: BTreeMap::new(),
            keyfile: Some(keyfile),
        };
        store.replace(secrets);
        Ok(MemoryBackend {
            inner: Arc::new(Mutex::new(store)),
        })
    }

    /// Whether the key file has a password: `None` for a store in memory
    /// only.
    pub fn keyfile_encrypted(&self) -> Option<bool> {
        self.lock().keyfile.as_ref().map(Keyfile::encrypted)
    }

    /// The key file this store is persisted to, if any.
    pub fn keyfile_path(&self) -> Option<PathBuf> {
        self.lock().keyfile.as_ref().map(|k| k.path().to_owned())
    }

    /// The Ed25519 key of `id` in Sui's form, for
    /// [`super::IdentityManager::export_sui`], and whether the identity's
    /// X25519 secret is the one derived from that seed (so importing the
    /// seed gives back the whole identity).
    ///
    /// The key file is re-read first, so a key deleted by another process is
    /// not exported. A key that may not sign is not exported either: in
    /// other hands its seed would sign.
    pub(crate) fn export_sui(&self, id: IdentityId) -> Result<(SuiPrivateKey, bool), KeyError> {
        let mut store = self.lock();
        store.refresh()?;
        let identity = store
            .identities
            .get(&id)
            .ok_or(KeyError::ExternalIdentityNotFound { id })?;
        let available = identity.external.capabilities();
        if !available.can_commit() {
            return Err(KeyError::CapabilitiesNotAvailable {
                requested: Capability::Commit,
                available,
            });
        }
        let seed = Zeroizing::new(identity.signing.to_bytes());
        let derived = KeyMaterial::from_ed25519_seed(*seed);
        let x25519_follows_seed = *derived.x25519_secret == identity.agreement.to_bytes();
        Ok((SuiPrivateKey::from_ed25519_seed(*seed), x25519_follows_seed))
    }

    /// Answers one request (the agent server and the memory backend both
    /// come here).
    pub(crate) fn handle(&self, request: Request) -> Result<Response, KeyError> {
        self.lock().handle(request)
    }

    fn lock(&self) -> MutexGuard<'_, KeyStore> {
        // A panic while holding the lock cannot leave the map half-updated
        // (every change is one insert or remove), so a poisoned lock is safe.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl fmt::Debug for MemoryBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let store = self.lock();
        f.debug_struct("MemoryBackend")
            .field("identities", &store.identities.len())
            .field(
                "keyfile",
                &store.keyfile.as_ref().map(|k| k.path().to_owned()),
            )
            .finish()
    }
}

#[derive(Default)]
struct KeyStore {
    identities: BTreeMap<IdentityId, StoredIdentity>,
    keyfile: Option<Keyfile>,
}

struct StoredIdentity {
    external: ExternalIdentity,
    signing: SigningKey,
    agreement: StaticSecret,
}

impl StoredIdentity {
    fn new(
        scheme: Scheme,
        signing: SigningKey,
        agreement: StaticSecret,
        capabilities: Capability,
    ) -> Self {
        let external = ExternalIdentity::new(
            scheme,
            signing.verifying_key().to_bytes(),
            crypto::x25519_public(&agreement),
            capabilities,
        );
        StoredIdentity {
            external,
            signing,
            agreement,
        }
    }

    fn from_secrets(s: &StoredSecrets) -> Self {
        StoredIdentity::new(
            s.scheme,
            SigningKey::from_bytes(&s.ed25519_seed),
            StaticSecret::from(*s.x25519_secret),
            s.capabilities,
        )
    }

    /// Whether `s` holds exactly this identity's keys and capabilities.
    fn same_secrets(&self, s: &StoredSecrets) -> bool {
        self.signing.as_bytes() == &*s.ed25519_seed
            && self.agreement.as_bytes() == &*s.x25519_secret
            && self.external.capabilities() == s.capabilities
            && self.external.scheme() == s.scheme
    }

    fn secrets(&self) -> StoredSecrets {
        StoredSecrets {
            scheme: self.external.scheme(),
            capabilities: self.external.capabilities(),
            ed25519_seed: Zeroizing::new(self.signing.to_bytes()),
            x25519_secret: Zeroizing::new(self.agreement.to_bytes()),
        }
    }
}

impl KeyStore {
    fn handle(&mut self, request: Request) -> Result<Response, KeyError> {
        match request {
            Request::Ping => Ok(Response::Pong {
                version: PROTOCOL_VERSION,
            }),
            Request::Generate {
                scheme,
                capabilities,
            } => {
                let identity = StoredIdentity::new(
                    scheme,
                    SigningKey::generate(&mut OsRng),
                    StaticSecret::random_from_rng(OsRng),
                    capabilities,
                );
                self.insert(identity)
            }
            Request::Import {
                scheme,
                capabilities,
                ed25519_seed,
                x25519_secret,
            } => {
                let identity = StoredIdentity::new(
                    scheme,
                    SigningKey::from_bytes(&ed25519_seed.0),
                    StaticSecret::from(*x25519_secret.0),
                    capabilities,
                );
                self.insert(identity)
            }
            Request::Delete { id } => {
                match self.keyfile.as_mut() {
                    Some(keyfile) => {
                        let (_, now) = keyfile.update(|stored| {
                            let before = stored.len();
                            stored.retain(|s| id_of_secrets(s) != id);
                            if stored.len() == before {
                                return Err(KeyError::IdentityDoesNotExist { id });
                            }
                            Ok(())
                        })?;
                        self.replace(now);
                    }
                    None => {
                        self.identities
                            .remove(&id)
                            .ok_or(KeyError::IdentityDoesNotExist { id })?;
                    }
                }
                Ok(Response::Deleted)
            }
            request => {
                // Whatever another process changed in the file since, holds
                // now: a key deleted there is not used here.
                self.refresh()?;
                self.read(request)
            }
        }
    }

    /// Answers the requests that change nothing.
    fn read(&self, request: Request) -> Result<Response, KeyError> {
        match request {
            Request::Connect { id, capabilities } => {
                let identity = self
                    .identities
                    .get(&id)
                    .ok_or(KeyError::ExternalIdentityNotFound { id })?;
                let available = identity.external.capabilities();
                if !available.contains(capabilities) {
                    return Err(KeyError::CapabilitiesNotAvailable {
                        requested: capabilities,
                        available,
                    });
                }
                Ok(Response::Identity {
                    identity: identity.external.clone(),
                })
            }
            Request::List => Ok(Response::Identities {
                identities: self
                    .identities
                    .values()
                    .map(|i| i.external.clone())
                    .collect(),
            }),
            Request::Sign {
                id,
                intent,
                message,
            } => {
                let identity = self.usable(id, Capability::Commit)?;
                let signature = match intent {
                    SignIntent::Transaction => identity
                        .signing
                        .sign(&crypto::transaction_signing_digest(&message)),
                    SignIntent::PersonalMessage => identity
                        .signing
                        .sign(&crypto::personal_message_digest(&message)),
                    SignIntent::Raw => identity.signing.sign(&message),
                };
                Ok(Response::Signature {
                    signature: signature.to_bytes(),
                    public_key: identity.external.ed25519_public_key(),
                })
            }
            Request::Decrypt {
                id,
                encapped_key,
                ciphertext,
                info,
            } => {
                let identity = self.usable(id, Capability::Decrypt)?;
                let sealed = SealedMessage {
                    encapped_key,
                    ciphertext,
                };
                let plaintext = crypto::open(&identity.agreement, &sealed, &info)?;
                Ok(Response::Plaintext {
                    plaintext: Secret(Zeroizing::new(plaintext)),
                })
            }
            Request::Ping
            | Request::Generate { .. }
            | Request::Import { .. }
            | Request::Delete { .. } => unreachable!("changes are answered by `handle`"),
        }
    }

    fn insert(&mut self, identity: StoredIdentity) -> Result<Response, KeyError> {
        let id = identity.external.id();
        let external = identity.external.clone();
        match self.keyfile.as_mut() {
            Some(keyfile) => {
                let (_, now) = keyfile.update(|stored| {
                    if stored.iter().any(|s| id_of_secrets(s) == id) {
                        return Err(KeyError::IdentityAlreadyExists { id });
                    }
                    stored.push(identity.secrets());
                    Ok(())
                })?;
                self.replace(now);
            }
            None => {
                if self.identities.contains_key(&id) {
                    return Err(KeyError::IdentityAlreadyExists { id });
                }
                self.identities.insert(id, identity);
            }
        }
        Ok(Response::Identity { identity: external })
    }

    /// Re-reads the key file, if there is one.
    fn refresh(&mut self) -> Result<(), KeyError> {
        if let Some(keyfile) = self.keyfile.as_mut() {
            let now = keyfile.load()?;
            self.replace(now);
        }
        Ok(())
    }

    /// Makes `secrets` the store's identities, reusing the keys already
    /// expanded for those that did not change.
    fn replace(&mut self, secrets: Vec<StoredSecrets>) {
        // Expanding a seed costs a scalar multiplication; finding the
        // identities that are still there by a hash of their seed keeps a
        // re-read of an unchanged file cheap.
        let mut old: HashMap<[u8; 32], StoredIdentity> = std::mem::take(&mut self.identities)
            .into_values()
            .map(|i| (seed_index(i.signing.as_bytes()), i))
            .collect();
        for stored in secrets {
            let identity = match old.remove(&seed_index(&stored.ed25519_seed)) {
                Some(kept) if kept.same_secrets(&stored) => kept,
                _ => StoredIdentity::from_secrets(&stored),
            };
            self.identities.insert(identity.external.id(), identity);
        }
    }

    /// The identity `id`, if it exists and was generated with `needed`.
    fn usable(&self, id: IdentityId, needed: Capability) -> Result<&StoredIdentity, KeyError> {
        let identity = self
            .identities
            .get(&id)
            .ok_or(KeyError::IdentityDoesNotExist { id })?;
        let available = identity.external.capabilities();
        if !available.contains(needed) {
            return Err(KeyError::CapabilitiesNotAvailable {
                requested: needed,
                available,
            });
        }
        Ok(identity)
    }
}

/// A one-way index of a seed (never the seed itself in a map key).
fn seed_index(seed: &[u8; 32]) -> [u8; 32] {
    crypto::blake2b256(&[b"movid-seed-index", seed])
}

/// The ID of stored secrets (the address of the Ed25519 public key).
fn id_of_secrets(s: &StoredSecrets) -> IdentityId {
    IdentityId::from_public_key(
        &SigningKey::from_bytes(&s.ed25519_seed)
            .verifying_key()
            .to_bytes(),
    )
}

/// Builds the import request for `material` (kept here so the secret bytes
/// move straight from one wiped container to the next).
pub(crate) fn import_request(
    scheme: Scheme,
    material: &KeyMaterial,
    capabilities: Capability,
) -> Request {
    use super::protocol::Secret32;
    Request::Import {
        scheme,
        capabilities,
        ed25519_seed: Secret32(material.ed25519_seed.clone()),
        x25519_secret: Secret32(material.x25519_secret.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generate(store: &MemoryBackend, capabilities: Capability) -> ExternalIdentity {
        match store
            .handle(Request::Generate {
                scheme: Scheme::Ed25519,
                capabilities,
            })
            .unwrap()
        {
            Response::Identity { identity } => identity,
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn decrypt_only_identity_cannot_sign() {
        let store = MemoryBackend::new();
        let identity = generate(&store, Capability::Decrypt);
        let err = store
            .handle(Request::Sign {
                id: identity.id(),
                intent: SignIntent::Raw,
                message: b"m".to_vec(),
            })
            .unwrap_err();
        assert!(matches!(
            err,
            KeyError::CapabilitiesNotAvailable {
                requested: Capability::Commit,
                available: Capability::Decrypt
            }
        ));
    }

    #[test]
    fn commit_only_identity_cannot_decrypt() {
        let store = MemoryBackend::new();
        let identity = generate(&store, Capability::Commit);
        let sealed = crypto::encrypt_to(&identity.x25519_public_key(), b"secret", b"info").unwrap();
        let err = store
            .handle(Request::Decrypt {
                id: identity.id(),
                encapped_key: sealed.encapped_key,
                ciphertext: sealed.ciphertext,
                info: b"info".to_vec(),
            })
            .unwrap_err();
        assert!(
            matches!(
                err,
                KeyError::CapabilitiesNotAvailable {
                    requested: Capability::Decrypt,
                    available: Capability::Commit
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn generated_identities_are_listed() {
        let store = MemoryBackend::new();
        let a = generate(&store, Capability::Commit);
        let b = generate(&store, Capability::CommitAndDecrypt);
        assert_ne!(a.id(), b.id());
        match store.handle(Request::List).unwrap() {
            Response::Identities { identities } => assert_eq!(identities.len(), 2),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn debug_shows_no_secrets() {
        let store = MemoryBackend::new();
        generate(&store, Capability::Commit);
        assert_eq!(
            format!("{store:?}"),
            "MemoryBackend { identities: 1, keyfile: None }"
        );
    }
}
