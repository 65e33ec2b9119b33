//! The PKCS#11 backend: identities whose secret keys are generated on a
//! hardware token (or SoftHSM2) and never leave it.
//!
//! # What is on the token
//!
//! An identity is up to four token objects sharing one random 16-byte
//! `CKA_ID` (the pairing handle):
//!
//! - an Ed25519 key pair made with `CKM_EC_EDWARDS_KEY_PAIR_GEN` on the
//!   curve edwards25519 (`CKA_EC_PARAMS` = the DER OID 1.3.101.112). The
//!   public key's `CKA_LABEL` is `movid:0x<identity ID>`, so an identity is
//!   found by its ID; the private key is sensitive, not extractable, not
//!   modifiable, and has `CKA_SIGN` set only if the identity may commit.
//! - with [`Capability::Decrypt`], an X25519 key pair (`CKA_LABEL`
//!   `movid-x25519`; the private key derives only, is sensitive, not
//!   extractable, not modifiable).
//!
//! The token is the record of an identity's capabilities: commit is
//! `CKA_SIGN` on the Ed25519 private key, decrypt is the presence of the
//! X25519 private key. The backend checks them before every use, and the
//! token refuses a signature from a key without `CKA_SIGN` whatever any
//! client asks. Since the private keys are not modifiable, nobody holding
//! the PIN can widen an identity's capabilities later.
//!
//! # Signing and decryption
//!
//! Signatures are `CKM_EDDSA` (pure Ed25519) over the same digests the other
//! backends sign. Decryption asks the token for `X25519(sk, enc)` with
//! `CKM_ECDH1_DERIVE` (no KDF) into a short-lived session secret, reads it,
//! destroys it, and finishes HPKE on the host ([`super::hpke_split`]): the
//! DH output is in host memory for the length of one call, the X25519
//! secret never is. A token that cannot generate X25519 keys or derive with
//! them (probed once when the backend opens) makes identities without
//! Decrypt only: asking for Decrypt there is
//! [`KeyError::CapabilitiesNotAvailable`].
//!
//! An identity without Decrypt has no X25519 key; its
//! [`ExternalIdentity::x25519_public_key`] is 32 zero bytes, which
//! [`super::encrypt_to`] refuses as a low-order point, so nothing can be
//! sealed to it by mistake.
//!
//! # Sessions
//!
//! A module (the `.so`) is loaded and `C_Initialize`d once per process and
//! shared by every backend on it. Each request opens a read-write session,
//! logs in as the user with the PIN, does its work and closes the session;
//! requests on one module are serialized (tokens are serial devices, and
//! this keeps one request's session close from logging out another's).

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as P11Error, RvError};
use cryptoki::mechanism::eddsa::{EddsaParams, EddsaSignatureScheme};
use cryptoki::mechanism::elliptic_curve::{EcKdf, Ecdh1DeriveParams};
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;
use rand::RngCore;
use zeroize::Zeroizing;

use super::crypto::{personal_message_digest, transaction_signing_digest, SealedMessage};
use super::hpke_split::open_with_dh;
use super::protocol::{Request, Response, Secret, SignIntent, PROTOCOL_VERSION};
use super::{Capability, ExternalIdentity, IdentityId, KeyError, Scheme};

/// The environment variable naming the PKCS#11 module to load when none is
/// given (the CLI and the tests read it).
pub const PKCS11_MODULE_ENV: &str = "MOVID_PKCS11_MODULE";

/// Where Debian's `softhsm2` package installs its module, the default when
/// [`PKCS11_MODULE_ENV`] is not set.
pub const SOFTHSM2_MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";

/// DER of the OID id-Ed25519 (1.3.101.112), `CKA_EC_PARAMS` of edwards25519.
const ED25519_PARAMS: [u8; 5] = [0x06, 0x03, 0x2b, 0x65, 0x70];
/// DER of the OID id-X25519 (1.3.101.110), `CKA_EC_PARAMS` of curve25519.
const X25519_PARAMS: [u8; 5] = [0x06, 0x03, 0x2b, 0x65, 0x6e];
/// The label prefix of an identity's Ed25519 public key.
const ED25519_LABEL_PREFIX: &str = "movid:";
/// The label of an identity's X25519 keys.
const X25519_LABEL: &[u8] = b"movid-x25519";
/// The label of an identity's Ed25519 private key.
const ED25519_PRIVATE_LABEL: &[u8] = b"movid-ed25519";

/// Keys on a PKCS#11 token. Cloning shares the same token.
///
/// Identities are generated on the token: an Ed25519 key pair
/// (`CKM_EC_EDWARDS_KEY_PAIR_GEN`, signing with `CKM_EDDSA`) and, with
/// [`Capability::Decrypt`] on a token that derives with X25519
/// ([`Pkcs11Backend::supports_decrypt`]), an X25519 key pair. Private keys
/// are sensitive, unextractable and unmodifiable; a key without
/// [`Capability::Commit`] is made without `CKA_SIGN`, so the token refuses
/// to sign with it whoever asks. Identities without Decrypt have no X25519
/// key, and their [`ExternalIdentity::x25519_public_key`] is all zeros
/// (which [`super::encrypt_to`] refuses).
///
/// ```no_run
/// use movid_sdk::keys::{Backend, Capability, IdentityManager, Pkcs11Backend, Scheme};
/// # async fn run() -> Result<(), movid_sdk::keys::KeyError> {
/// let pin = std::env::var("MOVID_PKCS11_PIN").unwrap();
/// let token = Pkcs11Backend::open("/usr/lib/softhsm/libsofthsm2.so", "movid", pin)?;
/// let backend = Backend::from(token);
/// let (identity, handle) = IdentityManager::new()
///     .generate(&backend, Scheme::Ed25519, Capability::Commit)
///     .await?;
/// let signature = handle.require_committer()?.sign_transaction(b"tx").await?;
/// assert_eq!(signature.address(), identity.address());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Pkcs11Backend {
    inner: Arc<Token>,
}

struct Token {
    module: Arc<Module>,
    module_path: PathBuf,
    label: String,
    slot: Slot,
    pin: Zeroizing<String>,
    x25519: Option<X25519Support>,
}

/// How this token does X25519, found by probing it.
#[derive(Debug, Clone, Copy)]
struct X25519Support {
    /// SoftHSM2 generates X25519 keys with `CKM_EC_EDWARDS_KEY_PAIR_GEN`;
    /// PKCS#11 3.0 tokens with `CKM_EC_MONTGOMERY_KEY_PAIR_GEN`.
    montgomery_generation: bool,
    /// Whether `CKM_ECDH1_DERIVE` wants the peer key DER-wrapped (as in
    /// `CKA_EC_POINT`) rather than raw.
    der_public_data: bool,
}

/// A loaded, initialized module; one per path per process.
struct Module {
    context: Pkcs11,
    lock: Mutex<()>,
}

impl Pkcs11Backend {
    /// Opens the token labelled `token_label` in the PKCS#11 module at
    /// `module` (a shared library) and logs in with the user `pin`.
    ///
    /// Blocks while the module loads and the token is probed for X25519
    /// support. Fails with [`KeyError::TokenNotFound`] if no slot holds a
    /// token with that label, [`KeyError::WrongPin`] if the PIN is refused,
    /// [`KeyError::TokenUnsupported`] if the token lacks Ed25519, and
    /// [`KeyError::Pkcs11`] if the module cannot be loaded.
    pub fn open(
        module: impl AsRef<Path>,
        token_label: &str,
        pin: impl Into<String>,
    ) -> Result<Pkcs11Backend, KeyError> {
        let module_path = module.as_ref().to_owned();
        let loaded = load_module(&module_path)?;
        let context = &loaded.context;
        let slots = context
            .get_slots_with_token()
            .map_err(p11("list the slots"))?;
        let mut available = Vec::new();
        let mut found = None;
        for slot in slots {
            let info = context
                .get_token_info(slot)
                .map_err(p11("read a token's information"))?;
            let label = info.label().trim_end().to_owned();
            if label == token_label {
                found = Some(slot);
                break;
            }
            available.push(label);
        }
        let slot = found.ok_or_else(|| KeyError::TokenNotFound {
            label: token_label.to_owned(),
            module: module_path.clone(),
            available,
        })?;
        let mechanisms = context
            .get_mechanism_list(slot)
            .map_err(p11("list the token's mechanisms"))?;
        for (mechanism, name) in [
            (
                MechanismType::ECC_EDWARDS_KEY_PAIR_GEN,
                "CKM_EC_EDWARDS_KEY_PAIR_GEN",
            ),
            (MechanismType::EDDSA, "CKM_EDDSA"),
        ] {
            if !mechanisms.contains(&mechanism) {
                return Err(KeyError::TokenUnsupported {
                    token: token_label.to_owned(),
                    missing: name,
                });
            }
        }
        let mut token = Token {
            module: loaded,
            module_path,
            label: token_label.to_owned(),
            slot,
            pin: Zeroizing::new(pin.into()),
            x25519: None,
        };
        let can_derive = mechanisms.contains(&MechanismType::ECDH1_DERIVE);
        let montgomery = mechanisms.contains(&MechanismType::ECC_MONTGOMERY_KEY_PAIR_GEN);
        // Logging in here reports a wrong PIN now rather than at first use.
        token.x25519 = token.with_session(|session| {
            Ok(if can_derive {
                probe_x25519(session, montgomery)
            } else {
                None
            })
        })?;
        Ok(Pkcs11Backend {
            inner: Arc::new(token),
        })
    }

    /// Whether identities on this token can have [`Capability::Decrypt`]
    /// (the token generates X25519 keys and derives with them).
    pub fn supports_decrypt(&self) -> bool {
        self.inner.x25519.is_some()
    }

    /// The module's path.
    pub fn module_path(&self) -> &Path {
        &self.inner.module_path
    }

    /// The token's label.
    pub fn token_label(&self) -> &str {
        &self.inner.label
    }

    /// The module named by [`PKCS11_MODULE_ENV`], else [`SOFTHSM2_MODULE`].
    pub fn default_module() -> PathBuf {
        std::env::var_os(PKCS11_MODULE_ENV)
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(SOFTHSM2_MODULE))
    }

    /// Answers one request off the async runtime (token calls block).
    pub(crate) async fn call(&self, request: Request) -> Result<Response, KeyError> {
        let backend = self.clone();
        tokio::task::spawn_blocking(move || backend.handle(request))
            .await
            .map_err(|e| KeyError::Pkcs11 {
                operation: "answer a request".into(),
                reason: e.to_string(),
            })?
    }

    /// Answers one request on the token.
    pub(crate) fn handle(&self, request: Request) -> Result<Response, KeyError> {
        let token = &self.inner;
        match request {
            Request::Ping => token.with_session(|_| {
                Ok(Response::Pong {
                    version: PROTOCOL_VERSION,
                })
            }),
            Request::Generate {
                scheme,
                capabilities,
            } => token.with_session(|s| {
                let identity = token.generate(s, scheme, capabilities)?;
                Ok(Response::Identity { identity })
            }),
            Request::Import { .. } => Err(KeyError::NotSupported {
                backend: "pkcs11",
                operation: "import",
                reason: "keys on a token are generated on it, so that no copy exists outside it",
            }),
            Request::Connect { id, capabilities } => token.with_session(|s| {
                let found = token
                    .find(s, id)?
                    .ok_or(KeyError::ExternalIdentityNotFound { id })?;
                let available = found.identity.capabilities();
                if !available.contains(capabilities) {
                    return Err(KeyError::CapabilitiesNotAvailable {
                        requested: capabilities,
                        available,
                    });
                }
                Ok(Response::Identity {
                    identity: found.identity,
                })
            }),
            Request::Delete { id } => token.with_session(|s| {
                let found = token
                    .find(s, id)?
                    .ok_or(KeyError::IdentityDoesNotExist { id })?;
                // Private keys first: a failure half-way leaves at worst a
                // public key, never a usable secret without its record.
                for object in found.objects_private_first() {
                    s.destroy_object(object)
                        .map_err(p11("destroy a key on the token"))?;
                }
                Ok(Response::Deleted)
            }),
            Request::List => token.with_session(|s| {
                Ok(Response::Identities {
                    identities: token.list(s)?,
                })
            }),
            Request::Sign {
                id,
                intent,
                message,
            } => token.with_session(|s| {
                let found = token.usable(s, id, Capability::Commit)?;
                // What the intent signs: the token signs the digest the
                // in-process backends compute for it.
                let signed = match intent {
                    SignIntent::Transaction => transaction_signing_digest(&message).to_vec(),
                    SignIntent::PersonalMessage => personal_message_digest(&message).to_vec(),
                    SignIntent::Raw => message,
                };
                let mechanism = Mechanism::Eddsa(EddsaParams::new(EddsaSignatureScheme::Pure));
                let signature = s
                    .sign(&mechanism, found.ed25519_private, &signed)
                    .map_err(p11("sign on the token"))?;
                let signature: [u8; 64] =
                    signature
                        .try_into()
                        .map_err(|s: Vec<u8>| KeyError::Pkcs11 {
                            operation: "sign on the token".into(),
                            reason: format!("the token returned {} bytes, not 64", s.len()),
                        })?;
                Ok(Response::Signature {
                    signature,
                    public_key: found.identity.ed25519_public_key(),
                })
            }),
            Request::Decrypt {
                id,
                encapped_key,
                ciphertext,
                info,
            } => token.with_session(|s| {
                let found = token.usable(s, id, Capability::Decrypt)?;
                let (Some(private), Some(support)) = (found.x25519_private, token.x25519) else {
                    return Err(KeyError::CapabilitiesNotAvailable {
                        requested: Capability::Decrypt,
                        available: found.identity.capabilities(),
                    });
                };
                let dh = derive_x25519(s, private, &encapped_key, support)?;
                let sealed = SealedMessage {
                    encapped_key,
                    ciphertext,
                };
                let plaintext =
                    open_with_dh(&dh, &found.identity.x25519_public_key(), &sealed, &info)?;
                Ok(Response::Plaintext {
                    plaintext: Secret(Zeroizing::new(plaintext)),
                })
            }),
        }
    }
}

impl fmt::Debug for Pkcs11Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pkcs11Backend")
            .field("module", &self.inner.module_path)
            .field("token", &self.inner.label)
            .field("decrypt", &self.supports_decrypt())
            .finish()
    }
}

/// An identity's objects on the token.
struct Found {
    identity: ExternalIdentity,
    ed25519_public: ObjectHandle,
    ed25519_private: ObjectHandle,
    x25519_public: Option<ObjectHandle>,
    x25519_private: Option<ObjectHandle>,
}

impl Found {
    fn objects_private_first(&self) -> Vec<ObjectHandle> {
        [
            self.x25519_private,
            Some(self.ed25519_private),
            self.x25519_public,
            Some(self.ed25519_public),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

impl Token {
    /// Runs `f` in a fresh, logged-in read-write session.
    fn with_session<T>(
        &self,
        f: impl FnOnce(&Session) -> Result<T, KeyError>,
    ) -> Result<T, KeyError> {
        let _serialized = self.module.lock();
        let session = self
            .module
            .context
            .open_rw_session(self.slot)
            .map_err(p11("open a session"))?;
        let pin = AuthPin::from(self.pin.as_str());
        match session.login(UserType::User, Some(&pin)) {
            Ok(()) | Err(P11Error::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => {}
            Err(P11Error::Pkcs11(RvError::PinIncorrect | RvError::PinLenRange, _)) => {
                return Err(KeyError::WrongPin {
                    token: self.label.clone(),
                })
            }
            Err(e) => return Err(p11("log in to the token")(e)),
        }
        f(&session)
    }

    fn generate(
        &self,
        session: &Session,
        scheme: Scheme,
        capabilities: Capability,
    ) -> Result<ExternalIdentity, KeyError> {
        let x25519 = match (capabilities.can_decrypt(), self.x25519) {
            (false, _) => None,
            (true, Some(support)) => Some(support),
            (true, None) => {
                return Err(KeyError::CapabilitiesNotAvailable {
                    requested: capabilities,
                    available: Capability::Commit,
                })
            }
        };
        let mut pairing = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut pairing);
        let (public, private) = session
            .generate_key_pair(
                &Mechanism::EccEdwardsKeyPairGen,
                &[
                    Attribute::Token(true),
                    Attribute::Private(false),
                    Attribute::Verify(true),
                    Attribute::EcParams(ED25519_PARAMS.to_vec()),
                    Attribute::Id(pairing.to_vec()),
                    Attribute::Label(ED25519_LABEL_PREFIX.as_bytes().to_vec()),
                ],
                &[
                    Attribute::Token(true),
                    Attribute::Private(true),
                    Attribute::Sensitive(true),
                    Attribute::Extractable(false),
                    Attribute::Modifiable(false),
                    Attribute::Sign(capabilities.can_commit()),
                    Attribute::Derive(false),
                    Attribute::Id(pairing.to_vec()),
                    Attribute::Label(ED25519_PRIVATE_LABEL.to_vec()),
                ],
            )
            .map_err(p11("generate an Ed25519 key on the token"))?;
        let mut created = vec![private, public];
        let result = finish_generation(session, public, pairing, x25519, &mut created);
        if result.is_err() {
            // Leave no half-made identity behind.
            for object in created {
                let _ = session.destroy_object(object);
            }
        }
        let (ed25519, x25519_public) = result?;
        Ok(ExternalIdentity::new(
            scheme,
            ed25519,
            x25519_public,
            capabilities,
        ))
    }

    /// The identity `id`, if the token holds it.
    fn find(&self, session: &Session, id: IdentityId) -> Result<Option<Found>, KeyError> {
        let publics = session
            .find_objects(&[
                Attribute::Class(ObjectClass::PUBLIC_KEY),
                Attribute::KeyType(KeyType::EC_EDWARDS),
                Attribute::Label(ed25519_label(id)),
            ])
            .map_err(p11("find keys on the token"))?;
        for public in publics {
            // A label is only a hint (public objects can be relabelled): the
            // key itself must have this address.
            let ed25519 = ec_point(session, public)?;
            if IdentityId::from_public_key(&ed25519) != id {
                continue;
            }
            if let Some(found) = self.complete(session, public, ed25519)? {
                return Ok(Some(found));
            }
        }
        Ok(None)
    }

    /// The rest of an identity whose Ed25519 public key is `public`, or
    /// `None` if its private key is gone.
    fn complete(
        &self,
        session: &Session,
        public: ObjectHandle,
        ed25519: [u8; 32],
    ) -> Result<Option<Found>, KeyError> {
        let Some(pairing) = attribute_bytes(session, public, AttributeType::Id)? else {
            return Ok(None);
        };
        let one = |template: &[Attribute]| -> Result<Option<ObjectHandle>, KeyError> {
            Ok(session
                .find_objects(template)
                .map_err(p11("find keys on the token"))?
                .into_iter()
                .next())
        };
        let Some(ed25519_private) = one(&[
            Attribute::Class(ObjectClass::PRIVATE_KEY),
            Attribute::KeyType(KeyType::EC_EDWARDS),
            Attribute::Id(pairing.clone()),
            Attribute::Label(ED25519_PRIVATE_LABEL.to_vec()),
        ])?
        else {
            return Ok(None);
        };
        let x25519_private = one(&[
            Attribute::Class(ObjectClass::PRIVATE_KEY),
            Attribute::Id(pairing.clone()),
            Attribute::Label(X25519_LABEL.to_vec()),
        ])?;
        let x25519_public = one(&[
            Attribute::Class(ObjectClass::PUBLIC_KEY),
            Attribute::Id(pairing),
            Attribute::Label(X25519_LABEL.to_vec()),
        ])?;
        let can_sign = session
            .get_attributes(ed25519_private, &[AttributeType::Sign])
            .map_err(p11("read a key's attributes"))?
            .iter()
            .any(|a| matches!(a, Attribute::Sign(true)));
        let (x25519_key, can_decrypt) = match (x25519_public, x25519_private) {
            (Some(public), Some(_)) if self.x25519.is_some() => (ec_point(session, public)?, true),
            _ => ([0; 32], false),
        };
        let capabilities = match (can_sign, can_decrypt) {
            (true, true) => Capability::CommitAndDecrypt,
            (true, false) => Capability::Commit,
            (false, true) => Capability::Decrypt,
            // An Ed25519 key that may not sign with no X25519 key is of no
            // use; it is not one of ours.
            (false, false) => return Ok(None),
        };
        Ok(Some(Found {
            identity: ExternalIdentity::new(Scheme::Ed25519, ed25519, x25519_key, capabilities),
            ed25519_public: public,
            ed25519_private,
            x25519_public,
            x25519_private,
        }))
    }

    fn list(&self, session: &Session) -> Result<Vec<ExternalIdentity>, KeyError> {
        let publics = session
            .find_objects(&[
                Attribute::Class(ObjectClass::PUBLIC_KEY),
                Attribute::KeyType(KeyType::EC_EDWARDS),
            ])
            .map_err(p11("find keys on the token"))?;
        let mut identities = Vec::new();
        for public in publics {
            let label = attribute_bytes(session, public, AttributeType::Label)?.unwrap_or_default();
            if !label.starts_with(ED25519_LABEL_PREFIX.as_bytes()) {
                continue;
            }
            let ed25519 = ec_point(session, public)?;
            if ed25519_label(IdentityId::from_public_key(&ed25519)) != label {
                continue;
            }
            if let Some(found) = self.complete(session, public, ed25519)? {
                identities.push(found.identity);
            }
        }
        identities.sort_by_key(|i| i.id());
        identities.dedup_by_key(|i| i.id());
        Ok(identities)
    }

    /// The identity `id`, if it exists and has `needed`.
    fn usable(
        &self,
        session: &Session,
        id: IdentityId,
        needed: Capability,
    ) -> Result<Found, KeyError> {
        let found = self
            .find(session, id)?
            .ok_or(KeyError::IdentityDoesNotExist { id })?;
        let available = found.identity.capabilities();
        if !available.contains(needed) {
            return Err(KeyError::CapabilitiesNotAvailable {
                requested: needed,
                available,
            });
        }
        Ok(found)
    }
}

impl Module {
    fn lock(&self) -> MutexGuard<'_, ()> {
        // The guard protects no data, only the order of token calls.
        self.lock.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The module at `path`, loaded and initialized once per process:
/// `C_Initialize` may be called only once, and every backend on the module
/// shares it.
fn load_module(path: &Path) -> Result<Arc<Module>, KeyError> {
    static MODULES: OnceLock<Mutex<HashMap<PathBuf, Arc<Module>>>> = OnceLock::new();
    let key = std::fs::canonicalize(path).map_err(|source| KeyError::Io {
        context: format!("finding the PKCS#11 module {}", path.display()),
        source,
    })?;
    let mut modules = MODULES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    if let Some(module) = modules.get(&key) {
        return Ok(module.clone());
    }
    let context = Pkcs11::new(&key).map_err(|e| KeyError::Pkcs11 {
        operation: format!("load the module {}", key.display()),
        reason: e.to_string(),
    })?;
    match context.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
        // Another library in this process initialized it: it is usable.
        Ok(()) | Err(P11Error::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
        Err(e) => return Err(p11("initialize the module")(e)),
    }
    let module = Arc::new(Module {
        context,
        lock: Mutex::new(()),
    });
    modules.insert(key, module.clone());
    Ok(module)
}

/// Labels a new Ed25519 public key with its identity ID and makes the
/// X25519 pair if asked; returns both public keys. Every object made is
/// pushed to `created`, for the caller to destroy on failure.
fn finish_generation(
    session: &Session,
    public: ObjectHandle,
    pairing: [u8; 16],
    x25519: Option<X25519Support>,
    created: &mut Vec<ObjectHandle>,
) -> Result<([u8; 32], [u8; 32]), KeyError> {
    let ed25519 = ec_point(session, public)?;
    let id = IdentityId::from_public_key(&ed25519);
    session
        .update_attributes(public, &[Attribute::Label(ed25519_label(id))])
        .map_err(p11("label the Ed25519 key"))?;
    let Some(support) = x25519 else {
        return Ok((ed25519, [0; 32]));
    };
    let (x_public, x_private) = generate_x25519(session, pairing, support, true)
        .map_err(p11("generate an X25519 key on the token"))?;
    created.push(x_private);
    created.push(x_public);
    Ok((ed25519, ec_point(session, x_public)?))
}

/// Finds out whether the token makes X25519 keys and derives with them, by
/// doing it once with a throwaway session key pair.
fn probe_x25519(session: &Session, montgomery: bool) -> Option<X25519Support> {
    for montgomery_generation in [montgomery, false] {
        for der_public_data in [false, true] {
            let support = X25519Support {
                montgomery_generation,
                der_public_data,
            };
            let Ok((public, private)) = generate_x25519(session, [0; 16], support, false) else {
                continue;
            };
            let works = ec_point(session, public)
                .and_then(|point| derive_x25519(session, private, &point, support))
                .is_ok();
            let _ = session.destroy_object(private);
            let _ = session.destroy_object(public);
            if works {
                return Some(support);
            }
        }
    }
    None
}

fn generate_x25519(
    session: &Session,
    pairing: [u8; 16],
    support: X25519Support,
    on_token: bool,
) -> Result<(ObjectHandle, ObjectHandle), P11Error> {
    let mechanism = if support.montgomery_generation {
        Mechanism::EccMontgomeryKeyPairGen
    } else {
        Mechanism::EccEdwardsKeyPairGen
    };
    session.generate_key_pair(
        &mechanism,
        &[
            Attribute::Token(on_token),
            Attribute::Private(false),
            Attribute::EcParams(X25519_PARAMS.to_vec()),
            Attribute::Id(pairing.to_vec()),
            Attribute::Label(X25519_LABEL.to_vec()),
        ],
        &[
            Attribute::Token(on_token),
            Attribute::Private(true),
            Attribute::Sensitive(true),
            Attribute::Extractable(false),
            Attribute::Modifiable(false),
            Attribute::Derive(true),
            Attribute::Sign(false),
            Attribute::Id(pairing.to_vec()),
            Attribute::Label(X25519_LABEL.to_vec()),
        ],
    )
}

/// `X25519(private, peer)` computed on the token.
fn derive_x25519(
    session: &Session,
    private: ObjectHandle,
    peer: &[u8; 32],
    support: X25519Support,
) -> Result<Zeroizing<[u8; 32]>, KeyError> {
    let public_data: Vec<u8> = if support.der_public_data {
        [&[0x04, 0x20][..], peer].concat()
    } else {
        peer.to_vec()
    };
    let mechanism = Mechanism::Ecdh1Derive(Ecdh1DeriveParams::new(EcKdf::null(), &public_data));
    // A session object (gone when the session closes) that the host may
    // read: the DH output is an input to HPKE's key schedule, not a key.
    let secret = session
        .derive_key(
            &mechanism,
            private,
            &[
                Attribute::Class(ObjectClass::SECRET_KEY),
                Attribute::KeyType(KeyType::GENERIC_SECRET),
                Attribute::ValueLen(32.into()),
                Attribute::Token(false),
                Attribute::Sensitive(false),
                Attribute::Extractable(true),
            ],
        )
        // The token refuses a low-order or malformed `enc`; to the caller
        // that is a message that does not decrypt.
        .map_err(|_| KeyError::DecryptionFailed)?;
    let value = session.get_attributes(secret, &[AttributeType::Value]);
    let _ = session.destroy_object(secret);
    let value = value.map_err(p11("read the derived secret"))?;
    let mut out = Zeroizing::new([0u8; 32]);
    for attribute in value {
        if let Attribute::Value(bytes) = attribute {
            let bytes = Zeroizing::new(bytes);
            if bytes.len() != 32 {
                return Err(KeyError::Pkcs11 {
                    operation: "derive an X25519 secret".into(),
                    reason: format!("the token derived {} bytes, not 32", bytes.len()),
                });
            }
            out.copy_from_slice(&bytes);
            return Ok(out);
        }
    }
    Err(KeyError::Pkcs11 {
        operation: "derive an X25519 secret".into(),
        reason: "the token did not reveal the derived value".into(),
    })
}

/// A 32-byte public key from `CKA_EC_POINT`, which tokens write either raw
/// or as a DER OCTET STRING (`04 20 ‖ key`).
fn ec_point(session: &Session, object: ObjectHandle) -> Result<[u8; 32], KeyError> {
    let bytes = attribute_bytes(session, object, AttributeType::EcPoint)?.unwrap_or_default();
    let raw = match bytes.as_slice() {
        [0x04, 0x20, rest @ ..] if rest.len() == 32 => rest,
        raw if raw.len() == 32 => raw,
        other => {
            return Err(KeyError::Pkcs11 {
                operation: "read a public key".into(),
                reason: format!("CKA_EC_POINT is {} bytes, not a 32-byte key", other.len()),
            })
        }
    };
    Ok(raw.try_into().expect("checked to be 32 bytes"))
}

/// A byte-string attribute, if the object has it.
fn attribute_bytes(
    session: &Session,
    object: ObjectHandle,
    kind: AttributeType,
) -> Result<Option<Vec<u8>>, KeyError> {
    let attributes = session
        .get_attributes(object, &[kind])
        .map_err(p11("read a key's attributes"))?;
    Ok(attributes.into_iter().find_map(|a| match a {
        Attribute::EcPoint(b) | Attribute::Id(b) | Attribute::Label(b) => Some(b),
        _ => None,
    }))
}

fn ed25519_label(id: IdentityId) -> Vec<u8> {
    format!("{ED25519_LABEL_PREFIX}{id}").into_bytes()
}

fn p11(operation: &'static str) -> impl Fn(P11Error) -> KeyError {
    move |e| KeyError::Pkcs11 {
        operation: operation.into(),
        reason: e.to_string(),
    }
}
