//! Key management: identities whose secret keys stay in a backend, used
//! through handles that can sign and/or decrypt (docs/DESIGN.md §9).
//!
//! An [`IdentityManager`] generates identities in a [`Backend`], connects
//! to them with some [`Capability`] (never more than the identity has), and
//! deletes them. A connection is a [`Handle`]; it gives a [`Committer`]
//! (Ed25519 signatures over transaction digests and personal messages) and/or
//! a [`Decryptor`] (HPKE messages sealed to the identity's X25519 key with
//! [`encrypt_to`]) and nothing else. The one API that returns a secret key
//! is [`IdentityManager::export_sui`], on purpose and only from the key file
//! (see [Sui's key forms](#suis-key-forms)).
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! use movid_sdk::keys::{encrypt_to, Backend, Capability, IdentityManager, Scheme};
//!
//! let backend = Backend::memory();
//! let (identity, handle) = IdentityManager::new()
//!     .generate(&backend, Scheme::Ed25519, Capability::CommitAndDecrypt)
//!     .await?;
//!
//! let signature = handle.committer().unwrap().sign_transaction(b"bcs of TransactionData").await?;
//! assert_eq!(signature.address(), identity.address());
//!
//! let sealed = encrypt_to(&identity.x25519_public_key(), b"hello", b"movid/chat")?;
//! let plaintext = handle.decryptor().unwrap().decrypt(&sealed, b"movid/chat").await?;
//! assert_eq!(plaintext, b"hello");
//! # Ok::<(), movid_sdk::keys::KeyError>(())
//! # }).unwrap();
//! ```
//!
//! # Identities
//!
//! An identity ([`Scheme::Ed25519`]) is an Ed25519 signing key and an
//! independently generated X25519 key-agreement key, stored together. Its
//! ID ([`IdentityId`]) is the address of the Ed25519 key,
//! `blake2b256(0x00 ‖ public key)`, so a handle signs as the sender whose
//! address is the identity's ID. IDs are not chosen by users, so
//! [`KeyError::IdentityAlreadyExists`] arises when [`IdentityManager::import`]
//! is given keys the backend already holds.
//!
//! Errors: connecting to an identity the backend does not hold is
//! [`KeyError::ExternalIdentityNotFound`]; deleting one, or using a handle
//! after its identity was deleted, is [`KeyError::IdentityDoesNotExist`];
//! asking for more than the identity was generated with is
//! [`KeyError::CapabilitiesNotAvailable`]; asking a handle for what it was
//! not connected with is [`KeyError::NotPermitted`].
//!
//! # Backends
//!
//! - [`Backend::Memory`]: keys in this process ([`MemoryBackend`]), lost at
//!   exit unless opened on a key file ([`MemoryBackend::open_keyfile`]:
//!   Argon2id + XChaCha20-Poly1305; a wrong password is
//!   [`KeyError::WrongPassword`], an empty one [`KeyError::EmptyPassword`]).
//!   A store without a password exists only when chosen
//!   ([`MemoryBackend::open_keyfile_without_password`]) and says so
//!   ([`MemoryBackend::keyfile_encrypted`], [`keyfile_is_encrypted`]).
//!   Any number of processes may open the same key file: every change is
//!   made under an OS file lock on what the file holds then, and every use
//!   of a key re-reads it, so no acknowledged key is lost and a deleted key
//!   is never used again or brought back.
//! - [`Backend::Agent`]: a signer agent on this machine, reached over a Unix
//!   socket; the agent ([`Agent::serve_with_policy`]) keeps the keys in its
//!   own memory backend (usually on the key file), so other processes sign
//!   without ever holding a key. An agent that is not running is
//!   [`KeyError::AgentUnavailable`].
//! - [`Backend::Remote`]: the same protocol to a remote signer
//!   ([`Agent::serve_remote`]) over TLS 1.3 with both ends authenticated by
//!   certificates of a private CA ([`SignerCa`]), and a non-empty token on
//!   every request.
//! - [`Backend::Pkcs11`]: a PKCS#11 token ([`Pkcs11Backend`], e.g. a
//!   hardware security module or SoftHSM2). Keys are generated on the token
//!   and never leave it, and the token itself enforces the capabilities.
//!   Importing is refused ([`KeyError::NotSupported`]).
//!
//! # Sui's key forms
//!
//! [`SuiPrivateKey`] reads and writes Sui's `suiprivkey1…` strings (Bech32,
//! flag 0x00 ‖ 32-byte Ed25519 seed) and [`read_sui_keystore`] a Sui CLI
//! `sui.keystore` file, so a key moves between Sui's tools and movid with
//! the same address. Import is [`IdentityManager::import`] with
//! [`SuiPrivateKey::key_material`]; export is [`IdentityManager::export_sui`],
//! which only a [`Backend::Memory`] answers ([`KeyError::NotExportable`]
//! for the others). Secp256k1 and Secp256r1 keys are refused by name
//! ([`KeyError::UnsupportedKeyScheme`]). The Sui form has no room for the
//! X25519 key, so a generated identity re-imported from it decrypts with a
//! key derived from its seed instead ([`SuiExport::x25519_restored_on_import`]).
//!
//! [`DidEnvelope`] seals a message to the X25519 key a DID document lists
//! under `keyAgreement` and opens it with a [`Decryptor`] of any backend.
//!
//! # Signer protocol
//!
//! The agent and the remote signer speak the same protocol (version 2). A
//! connection carries frames both ways: a 4-byte big-endian length, then
//! that many bytes (at most 4 MiB) of UTF-8 JSON. The client sends one
//! request frame and reads one reply frame, and may repeat. The server
//! closes a connection idle for 60 s. Byte strings are lowercase hex; IDs
//! are `0x` + 64 hex digits.
//!
//! ```text
//! request:  {"version": 2, "token": null | "<token>", "request": REQUEST}
//! REQUEST:  {"op": "ping"}
//!           {"op": "connect", "id": ID, "capabilities": CAP}
//!           {"op": "sign", "id": ID, "intent": INTENT, "message": HEX}
//!           {"op": "decrypt", "id": ID, "encapped_key": HEX32, "ciphertext": HEX, "info": HEX}
//!           {"op": "generate", "scheme": "ed25519", "capabilities": CAP}
//!           {"op": "import", "scheme": "ed25519", "capabilities": CAP,
//!            "ed25519_seed": HEX32, "x25519_secret": HEX32}
//!           {"op": "delete", "id": ID}
//!           {"op": "list"}
//! CAP:      "commit" | "decrypt" | "commit_and_decrypt"
//! INTENT:   "transaction"      (message: BCS TransactionData; the signer signs
//!                               blake2b256([0,0,0] ‖ message))
//!         | "personal_message" (the signer signs the personal-message digest)
//!         | "raw"              (message signed as it is)
//!
//! reply:    {"ok": RESPONSE} | {"error": ERROR}
//! RESPONSE: {"result": "pong", "version": 2}
//!           {"result": "identity", "identity": IDENTITY}      (connect, generate, import)
//!           {"result": "identities", "identities": [IDENTITY]} (list)
//!           {"result": "deleted"}
//!           {"result": "signature", "signature": HEX64, "public_key": HEX32}
//!           {"result": "plaintext", "plaintext": HEX}
//! IDENTITY: {"id": ID, "scheme": "ed25519", "ed25519_public_key": HEX32,
//!            "x25519_public_key": HEX32, "capabilities": CAP}
//! ERROR:    {"kind": "identity_already_exists", "id": ID}
//!           {"kind": "external_identity_not_found", "id": ID}
//!           {"kind": "capabilities_not_available", "requested": CAP, "available": CAP}
//!           {"kind": "identity_does_not_exist", "id": ID}
//!           {"kind": "not_granted", "id": ID, "required": CAP}
//!           {"kind": "not_allowed", "operation": "generate" | "import" | "delete" | "list" | "raw sign"}
//!           {"kind": "unauthorized"} | {"kind": "decryption_failed"}
//!           {"kind": "unsupported_version", "supported": 2}
//!           {"kind": "bad_request", "reason": "..."} | {"kind": "internal", "message": "..."}
//! ```
//!
//! ## What a connection may do
//!
//! - **Who connects.** The agent's socket is bound in a fresh 0700
//!   directory, made mode 0600 and only then linked at its path; every
//!   connection's peer uid (`SO_PEERCRED`) must equal the agent's effective
//!   uid, or it gets `unauthorized` and is closed. A remote signer accepts
//!   only TLS 1.3 clients with a certificate from its CA, and every request
//!   must carry its token (never empty, on loopback as anywhere; compared
//!   in constant time); a missing or wrong one is `unauthorized`.
//! - **Grants.** A connection holds, per identity, exactly the capabilities
//!   of its last successful `connect` to it (which the signer checks against
//!   what the identity was generated with); a failed `connect` drops the
//!   grant. `sign` needs a `commit` grant on that connection and `decrypt` a
//!   `decrypt` grant, else `not_granted`; a new connection holds none.
//! - **Policy** ([`SignerPolicy`], set when the signer starts): `generate`,
//!   `import`, `delete` and `list` need `manage`; a `raw` signature needs
//!   `raw_sign` (a raw signature over 32 bytes could be a transaction
//!   digest). Both are off by default: the local CLI manages keys through
//!   the key file, which the agent re-reads.
//! - **Identity checks on the client.** `connect` must return the identity
//!   asked for ([`KeyError::WrongIdentity`]), an import the identity of the
//!   imported seed, and every signature must verify under the identity's
//!   key over what the intent signs ([`KeyError::BadSignature`]).
//!
//! The signer also checks each request against the identity itself (a
//! decrypt-only identity never signs), re-reading its key file first. The
//! agent and the remote signer make their process non-dumpable and set its
//! core limit to 0 ([`harden_process`]); secret bytes in frames and in
//! memory are wiped after use.
//!
//! Compared with ssh-agent: the peer-uid check, the private socket
//! directory and the anti-dump measures are the same; ssh-agent's
//! per-use confirmation (`ssh-add -c`), key lifetimes (`ssh-add -t`) and
//! locking (`ssh-add -x`) are not implemented.

mod agent;
mod crypto;
mod envelope;
mod hpke_split;
mod identity;
mod keyfile;
mod manager;
mod pkcs11;
mod protocol;
mod remote;
mod server;
mod store;
mod sui_format;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

pub use agent::{harden_process, Agent, AgentBackend, AgentServer};
pub use crypto::{
    address_of, encrypt_to, personal_message_digest, transaction_signing_digest, SealedMessage,
    Signature, ED25519_FLAG, PERSONAL_MESSAGE_INTENT, TRANSACTION_INTENT,
};
pub use envelope::{DidEnvelope, ENVELOPE_FORMAT, ENVELOPE_SUITE};
pub use identity::{Capability, ExternalIdentity, IdentityId, KeyMaterial, Scheme};
pub use keyfile::keyfile_is_encrypted;
pub use manager::{Backend, Committer, Decryptor, Handle, IdentityManager, SuiExport};
pub use pkcs11::{Pkcs11Backend, PKCS11_MODULE_ENV, SOFTHSM2_MODULE};
pub use remote::{RemoteBackend, RemoteClientConfig, RemoteSignerConfig, SignerCa, TlsIdentity};
pub use server::SignerPolicy;
pub use store::MemoryBackend;
pub use sui_format::{
    parse_sui_keystore, read_sui_keystore, SuiKeyScheme, SuiKeystoreEntry, SuiPrivateKey,
    SUI_PRIVATE_KEY_HRP,
};

/// What went wrong managing or using keys.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The backend already holds an identity with these keys.
    #[error("identity {id} already exists in this backend; connect to it instead")]
    IdentityAlreadyExists {
        /// The identity's ID.
        id: IdentityId,
    },
    /// `connect` named an identity the backend does not hold.
    #[error("identity {id} is not held by this backend; check the ID and the backend (list its identities)")]
    ExternalIdentityNotFound {
        /// The ID asked for.
        id: IdentityId,
    },
    /// A connection asked for more than the identity was generated with.
    #[error("capabilities {requested} are not available: the identity only has {available}")]
    CapabilitiesNotAvailable {
        /// What was asked for.
        requested: Capability,
        /// What the identity has.
        available: Capability,
    },
    /// The identity was deleted (or never existed) in this backend.
    #[error("identity {id} does not exist in this backend (was it deleted?)")]
    IdentityDoesNotExist {
        /// The identity's ID.
        id: IdentityId,
    },
    /// A handle was asked for something it was not connected with.
    #[error("this handle may not {required}: it was connected with {granted} only; connect again with {required}")]
    NotPermitted {
        /// The capability needed.
        required: Capability,
        /// The handle's capabilities.
        granted: Capability,
    },
    /// The key file did not open with the given password (or was altered).
    #[error("wrong password for key file {path} (or the file was altered)")]
    WrongPassword {
        /// The key file.
        path: PathBuf,
    },
    /// The key file is not a readable movid key file.
    #[error("key file {path} is not usable: {reason}")]
    KeyfileCorrupt {
        /// The key file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// No agent accepts connections on the socket.
    #[error("no signer agent at {path}: {source}; start one (e.g. `movid keys agent`) or use another backend")]
    AgentUnavailable {
        /// The socket path.
        path: PathBuf,
        /// Why the connection failed.
        source: std::io::Error,
    },
    /// The remote signer does not accept connections.
    #[error("no remote signer at {addr}: {source}; check that it runs and the address")]
    RemoteUnavailable {
        /// The signer's address.
        addr: SocketAddr,
        /// Why the connection failed.
        source: std::io::Error,
    },
    /// The remote signer refused the token.
    #[error("the signer at {endpoint} refused the token; pass the token it was started with")]
    Unauthorized {
        /// The signer's address.
        endpoint: String,
    },
    /// The signer did not answer in time.
    #[error("the signer at {endpoint} did not answer within {after:?}")]
    Timeout {
        /// The signer's address or socket.
        endpoint: String,
        /// How long was waited.
        after: Duration,
    },
    /// The signer failed for a reason of its own (e.g. it could not write
    /// its key file).
    #[error("the signer at {endpoint} failed: {message}")]
    Signer {
        /// The signer's address or socket.
        endpoint: String,
        /// The signer's report.
        message: String,
    },
    /// A file or socket operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// A message broke the signer protocol.
    #[error("signer protocol error: {reason}")]
    Protocol {
        /// What was wrong.
        reason: String,
    },
    /// A sealed message did not decrypt: sealed to another key, with another
    /// `info`, or altered.
    #[error("the message does not decrypt with this identity's key (another recipient, another info, or altered)")]
    DecryptionFailed,
    /// No slot of the PKCS#11 module holds a token with this label.
    #[error("no token labelled `{label}` in PKCS#11 module {module} (tokens there: {available:?}); check the label, or create one (`softhsm2-util --init-token --free --label {label}`)")]
    TokenNotFound {
        /// The label asked for.
        label: String,
        /// The module searched.
        module: PathBuf,
        /// The labels of the tokens that are there.
        available: Vec<String>,
    },
    /// The token refused the user PIN.
    #[error(
        "the PIN was refused by token `{token}`; pass the user PIN the token was initialized with"
    )]
    WrongPin {
        /// The token's label.
        token: String,
    },
    /// The token lacks a mechanism every identity needs.
    #[error("token `{token}` does not support {missing}, which movid identities need; use a token with Ed25519 (PKCS#11 3.0)")]
    TokenUnsupported {
        /// The token's label.
        token: String,
        /// The missing mechanism.
        missing: &'static str,
    },
    /// A PKCS#11 call failed.
    #[error("the PKCS#11 token failed to {operation}: {reason}")]
    Pkcs11 {
        /// What was being done.
        operation: String,
        /// The module's report.
        reason: String,
    },
    /// This backend does not do this, by design.
    #[error("the {backend} backend does not {operation}: {reason}")]
    NotSupported {
        /// The backend.
        backend: &'static str,
        /// The refused operation.
        operation: &'static str,
        /// Why.
        reason: &'static str,
    },
    /// A DID document lists no X25519 key under `keyAgreement` (or not the
    /// one asked for), so nothing can be encrypted to it.
    #[error("{did} has no X25519 keyAgreement key{}; its controllers must add one to the DID document before anyone can encrypt to it", .kid.as_ref().map(|k| format!(" `{k}`")).unwrap_or_default())]
    NoKeyAgreementKey {
        /// The DID.
        did: String,
        /// The key ID asked for, if one was.
        kid: Option<String>,
    },
    /// An encrypted envelope is not in the `movid-hpke-v1` format.
    #[error("not a movid-hpke-v1 envelope: {reason}")]
    InvalidEnvelope {
        /// What is wrong with it.
        reason: String,
    },
    /// A public key cannot be encrypted to.
    #[error("invalid X25519 public key: {reason}")]
    InvalidPublicKey {
        /// What is wrong with it.
        reason: String,
    },
    /// A string is not an identity ID.
    #[error("`{input}` is not an identity ID: expected 0x followed by 64 hex digits")]
    InvalidIdentityId {
        /// The rejected input.
        input: String,
    },
    /// An empty password was given for a key file; a store without a
    /// password must be chosen explicitly.
    #[error("refusing an empty password for key file {path}: give a password, or choose a store without one explicitly (MemoryBackend::open_keyfile_without_password; in the CLI --insecure-no-password or MOVID_KEYSTORE_PASSWORD set to empty)")]
    EmptyPassword {
        /// The key file.
        path: PathBuf,
    },
    /// A key file was opened with a password but has none, or without one
    /// but has one.
    #[error("key file {path} {}", if *encrypted { "is encrypted: give its password" } else { "has no password (it was created without one): open it without a password" })]
    EncryptionMismatch {
        /// The key file.
        path: PathBuf,
        /// Whether the file has a password.
        encrypted: bool,
    },
    /// The signer refused a request this connection holds no grant for:
    /// connect to the identity with the capability first.
    #[error("this connection to the signer was not granted {required} on identity {id}; connect to it with {required}")]
    NotGranted {
        /// The identity.
        id: IdentityId,
        /// The capability the request needs.
        required: Capability,
    },
    /// The signer's policy does not let clients do this (managing its
    /// identities, or signing raw messages).
    #[error("the signer at {endpoint} does not allow `{operation}` to its clients; start it with a policy that does (e.g. `movid keys agent --allow-manage` / `--allow-raw-sign`)")]
    OperationNotAllowed {
        /// The signer's address or socket.
        endpoint: String,
        /// The refused operation.
        operation: String,
    },
    /// A signer answered `connect` with another identity than the one asked
    /// for (a misbehaving or impersonating signer).
    #[error("the signer at {endpoint} answered for identity {returned} when {requested} was asked for; do not trust it")]
    WrongIdentity {
        /// The signer's address or socket.
        endpoint: String,
        /// The identity asked for.
        requested: IdentityId,
        /// The identity it returned.
        returned: IdentityId,
    },
    /// A signer returned a signature that does not verify under the
    /// identity's key (a misbehaving signer, or one using another key).
    #[error("the signer at {endpoint} returned a signature that does not verify under the identity's key; do not trust it")]
    BadSignature {
        /// The signer's address or socket.
        endpoint: String,
    },
    /// A remote signer or its client was set up without a token; every
    /// request to a remote signer must carry a non-empty one.
    #[error("a remote signer needs a non-empty token on both ends")]
    MissingToken,
    /// A key was asked out of a backend that never hands one out (a signer
    /// agent, a remote signer, a PKCS#11 token): the key can only be used
    /// where it is.
    #[error("the {backend} backend never hands a key out, so no key can be exported through it; only a key in the key file can be")]
    NotExportable {
        /// The backend: `agent`, `remote` or `pkcs11`.
        backend: &'static str,
    },
    /// A string meant as a Sui private key has another Bech32 prefix than
    /// `suiprivkey` (an address, a public key, another chain's key).
    #[error("not a Sui private key: a Sui private key starts with `suiprivkey1`{}", .found.as_ref().map(|f| format!(", this one with `{f}1`")).unwrap_or_default())]
    SuiKeyWrongHrp {
        /// The prefix found (lowercase), if it looks like one: a long or
        /// non-alphabetic "prefix" (everything before the last `1`) may be
        /// part of a pasted secret, and is not repeated.
        found: Option<String>,
    },
    /// A `suiprivkey1…` string's checksum does not match: mistyped, cut
    /// short, or not Bech32 (Bech32m is not Sui's).
    #[error("the suiprivkey string's checksum does not match: it was mistyped or cut short; copy it again from `sui keytool export`")]
    SuiKeyBadChecksum,
    /// A string is not Bech32 at all (no separator, characters outside
    /// Bech32's alphabet, mixed case, non-zero padding).
    #[error("not a suiprivkey1… string: {reason}")]
    SuiKeyMalformed {
        /// What is wrong with it.
        reason: String,
    },
    /// A Sui private key of a scheme movid identities do not use (they are
    /// Ed25519 only).
    #[error("{scheme} keys are not supported: movid identities are Ed25519 (flag 0x00) only")]
    UnsupportedKeyScheme {
        /// The scheme its flag byte names.
        scheme: SuiKeyScheme,
    },
    /// A Sui Ed25519 private key that does not hold the flag and 32 bytes.
    #[error("a Sui Ed25519 private key is 33 bytes (flag 0x00 and a 32-byte secret); this one is {length}")]
    SuiKeyWrongLength {
        /// The number of bytes it holds.
        length: usize,
    },
    /// A `sui.keystore` file is not a JSON array of strings.
    #[error("not a Sui keystore: {reason}")]
    SuiKeystoreMalformed {
        /// What is wrong with it.
        reason: String,
    },
    /// An entry of a `sui.keystore` file is not the Base64 of a Sui private
    /// key.
    #[error("entry {index} of the Sui keystore is damaged: {reason}")]
    SuiKeystoreEntry {
        /// The entry's index in the array (from 0).
        index: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// TLS to or from a remote signer failed: bad certificates or keys, or
    /// a peer that did not authenticate.
    #[error("TLS with the remote signer at {endpoint}: {reason}")]
    Tls {
        /// The signer's address.
        endpoint: String,
        /// What failed.
        reason: String,
    },
}
