//! The in-memory key store: the only place secret keys are used. The memory
//! backend and the signer agent both answer requests through it.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use ed25519_dalek::{Signer, SigningKey};
use rand::rngs::OsRng;
use x25519_dalek::StaticSecret;
use zeroize::Zeroizing;

use super::crypto::{self, SealedMessage};
use super::keyfile::{Keyfile, StoredSecrets};
use super::protocol::{Request, Response, Secret, PROTOCOL_VERSION};
use super::{Capability, ExternalIdentity, IdentityId, KeyError, KeyMaterial, Scheme};

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
    /// from `password` with Argon2id. Fails with [`KeyError::WrongPassword`]
    /// if the password does not open it, [`KeyError::KeyfileCorrupt`] if it
    /// is not a key file, [`KeyError::Io`] if it cannot be read or written.
    /// One process should own a key file at a time; share keys between
    /// processes through an [agent](super::Agent).
    pub fn open_keyfile(
        path: impl AsRef<Path>,
        password: impl AsRef<[u8]>,
    ) -> Result<MemoryBackend, KeyError> {
        let (keyfile, secrets) = Keyfile::open_or_create(path.as_ref(), password.as_ref())?;
        let mut store = KeyStore {
            identities: BTreeMap::new(),
            keyfile: Some(keyfile),
        };
        for stored in secrets {
            let identity = StoredIdentity::from_secrets(&stored);
            store.identities.insert(identity.external.id(), identity);
        }
        Ok(MemoryBackend {
            inner: Arc::new(Mutex::new(store)),
        })
    }

    /// The key file this store is persisted to, if any.
    pub fn keyfile_path(&self) -> Option<PathBuf> {
        self.lock().keyfile.as_ref().map(|k| k.path().to_owned())
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
            Request::Delete { id } => {
                let removed = self
                    .identities
                    .remove(&id)
                    .ok_or(KeyError::IdentityDoesNotExist { id })?;
                if let Err(e) = self.persist() {
                    self.identities.insert(id, removed);
                    return Err(e);
                }
                Ok(Response::Deleted)
            }
            Request::List => Ok(Response::Identities {
                identities: self
                    .identities
                    .values()
                    .map(|i| i.external.clone())
                    .collect(),
            }),
            Request::Sign { id, message } => {
                let identity = self.usable(id, Capability::Commit)?;
                Ok(Response::Signature {
                    signature: identity.signing.sign(&message).to_bytes(),
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
        }
    }

    fn insert(&mut self, identity: StoredIdentity) -> Result<Response, KeyError> {
        let id = identity.external.id();
        if self.identities.contains_key(&id) {
            return Err(KeyError::IdentityAlreadyExists { id });
        }
        let external = identity.external.clone();
        self.identities.insert(id, identity);
        if let Err(e) = self.persist() {
            self.identities.remove(&id);
            return Err(e);
        }
        Ok(Response::Identity { identity: external })
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

    fn persist(&self) -> Result<(), KeyError> {
        match &self.keyfile {
            Some(keyfile) => {
                let secrets: Vec<StoredSecrets> = self
                    .identities
                    .values()
                    .map(StoredIdentity::secrets)
                    .collect();
                keyfile.save(&secrets)
            }
            None => Ok(()),
        }
    }
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
