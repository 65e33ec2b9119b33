//! The key file of a persisted memory backend, shared safely between
//! processes.
//!
//! The file is JSON:
//!
//! ```text
//! {"format": "movid-keyfile", "version": 1, "encrypted": true | false,
//!  "kdf": {"algorithm": "argon2id", "memory_kib": 19456, "iterations": 2,
//!          "parallelism": 1, "salt": "<16 bytes hex>"},
//!  "cipher": "xchacha20poly1305", "nonce": "<24 bytes hex>",
//!  "ciphertext": "<hex>"}
//! ```
//!
//! The password and salt give a 32-byte key through Argon2id; the plaintext
//! (JSON: each identity's scheme, capabilities, Ed25519 seed and X25519
//! secret) is sealed with XChaCha20-Poly1305 under a fresh random nonce at
//! every save, with the header fields as associated data, so that changing
//! the KDF parameters or the `encrypted` flag in the file breaks decryption
//! rather than weakening it. A store created without a password
//! (`"encrypted": false`, chosen explicitly) is sealed under the empty
//! password: anyone who can read the file has the keys, and the flag says
//! so. Files written before the flag existed have no `encrypted` field; one
//! that opens with the empty password is reported as not encrypted.
//!
//! # Several processes
//!
//! Every process that opens the file (the CLI, an agent, any SDK user)
//! takes an OS lock (`flock`) on the sibling file `<name>.lock`: shared to
//! read, exclusive to change. A change re-reads the file under the
//! exclusive lock, applies itself to what is there, and writes the result
//! through a synced temporary file (mode 0600) renamed over the old one, so
//! a crash leaves the old or the new file, never half of one; no process
//! ever writes back a stale copy of its own. Readers re-read the file before
//! every use of a key, so a key deleted by another process is no longer
//! used. The lock file is never removed (removing it would let two
//! processes lock two different files).

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::protocol::Secret32;
use super::{Capability, KeyError, Scheme};

const FORMAT: &str = "movid-keyfile";
const VERSION: u32 = 1;
const KDF: &str = "argon2id";
const CIPHER: &str = "xchacha20poly1305";
/// Argon2id parameters: the OWASP-recommended 19 MiB, 2 passes, 1 lane.
const MEMORY_KIB: u32 = 19 * 1024;
const ITERATIONS: u32 = 2;
const PARALLELISM: u32 = 1;
/// Refuse parameters that would take unbounded memory or time to open.
const MAX_MEMORY_KIB: u32 = 4 * 1024 * 1024;
const MAX_ITERATIONS: u32 = 64;

/// An open key file: where it is, how it is sealed, and the key sealing it.
pub(crate) struct Keyfile {
    path: PathBuf,
    lock_path: PathBuf,
    /// Kept (wiped on drop) to re-derive the key if another process
    /// re-creates the file with a new salt.
    password: Zeroizing<Vec<u8>>,
    encrypted: bool,
    kdf: KdfParams,
    key: Zeroizing<[u8; 32]>,
}

/// One identity's secrets as stored in the key file.
pub(crate) struct StoredSecrets {
    pub scheme: Scheme,
    pub capabilities: Capability,
    pub ed25519_seed: Zeroizing<[u8; 32]>,
    pub x25519_secret: Zeroizing<[u8; 32]>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct KdfParams {
    algorithm: String,
    memory_kib: u32,
    iterations: u32,
    parallelism: u32,
    #[serde(with = "hex::serde")]
    salt: [u8; 16],
}

fn encrypted_by_default() -> bool {
    true
}

#[derive(Serialize, Deserialize)]
struct FileContents {
    format: String,
    version: u32,
    #[serde(default = "encrypted_by_default")]
    encrypted: bool,
    kdf: KdfParams,
    cipher: String,
    #[serde(with = "hex::serde")]
    nonce: [u8; 24],
    #[serde(with = "hex::serde")]
    ciphertext: Vec<u8>,
}

#[derive(Serialize, Deserialize)]
struct Plaintext {
    identities: Vec<PlainIdentity>,
}

#[derive(Serialize, Deserialize)]
struct PlainIdentity {
    scheme: Scheme,
    capabilities: Capability,
    ed25519_seed: Secret32,
    x25519_secret: Secret32,
}

/// Whether the key file at `path` is protected by a password: `None` if
/// there is no file, `Some(false)` if it was created without one (its keys
/// are readable by anyone who can read the file). Reads only the header;
/// a file from before the `encrypted` flag reads as encrypted.
pub fn keyfile_is_encrypted(path: impl AsRef<Path>) -> Result<Option<bool>, KeyError> {
    let path = path.as_ref();
    match fs::read(path) {
        Ok(bytes) => Ok(Some(decode(path, &bytes)?.encrypted)),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_error(path, "reading", e)),
    }
}

impl Keyfile {
    /// Opens the key file at `path`, or creates an empty one there.
    /// `password` is `None` for a store explicitly kept without one; an
    /// empty password is refused ([`KeyError::EmptyPassword`]).
    pub(crate) fn open_or_create(
        path: &Path,
        password: Option<&[u8]>,
    ) -> Result<(Keyfile, Vec<StoredSecrets>), KeyError> {
        if password.is_some_and(<[u8]>::is_empty) {
            return Err(KeyError::EmptyPassword {
                path: path.to_owned(),
            });
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir).map_err(|e| io_error(path, "creating the directory of", e))?;
        }
        let lock_path = lock_path_of(path);
        let _lock =
            FileLock::acquire(&lock_path, true).map_err(|e| io_error(path, "locking", e))?;
        match fs::read(path) {
            Ok(bytes) => Keyfile::open(path, lock_path, &bytes, password),
            Err(e) if e.kind() == ErrorKind::NotFound => {
                let mut salt = [0u8; 16];
                rand::rngs::OsRng.fill_bytes(&mut salt);
                let kdf = KdfParams {
                    algorithm: KDF.to_owned(),
                    memory_kib: MEMORY_KIB,
                    iterations: ITERATIONS,
                    parallelism: PARALLELISM,
                    salt,
                };
                let password = Zeroizing::new(password.unwrap_or_default().to_vec());
                let key = derive_key(path, &kdf, &password)?;
                let keyfile = Keyfile {
                    path: path.to_owned(),
                    lock_path,
                    encrypted: !password.is_empty(),
                    password,
                    kdf,
                    key,
                };
                keyfile.write(&[])?;
                Ok((keyfile, Vec::new()))
            }
            Err(e) => Err(io_error(path, "reading", e)),
        }
    }

    fn open(
        path: &Path,
        lock_path: PathBuf,
        bytes: &[u8],
        password: Option<&[u8]>,
    ) -> Result<(Keyfile, Vec<StoredSecrets>), KeyError> {
        let file = decode(path, bytes)?;
        let mismatch = |encrypted| KeyError::EncryptionMismatch {
            path: path.to_owned(),
            encrypted,
        };
        match (file.encrypted, password) {
            (false, Some(_)) => return Err(mismatch(false)),
            (true, None) => {
                // A file from before the flag, created under the empty
                // password, is what it is: not encrypted. Anything else
                // needs its password.
                let key = derive_key(path, &file.kdf, b"")?;
                return match unseal(path, &file, &key) {
                    Ok(secrets) => Ok((
                        Keyfile {
                            path: path.to_owned(),
                            lock_path,
                            password: Zeroizing::new(Vec::new()),
                            encrypted: false,
                            kdf: file.kdf,
                            key,
                        },
                        secrets,
                    )),
                    Err(KeyError::WrongPassword { .. }) => Err(mismatch(true)),
                    Err(e) => Err(e),
                };
            }
            _ => {}
        }
        let password = Zeroizing::new(password.unwrap_or_default().to_vec());
        let key = derive_key(path, &file.kdf, &password)?;
        let secrets = unseal(path, &file, &key)?;
        Ok((
            Keyfile {
                path: path.to_owned(),
                lock_path,
                encrypted: !password.is_empty(),
                password,
                kdf: file.kdf,
                key,
            },
            secrets,
        ))
    }

    /// The file's path.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the store has a password.
    pub(crate) fn encrypted(&self) -> bool {
        self.encrypted
    }

    /// The identities in the file now, read under a shared lock. A file
    /// removed since it was opened holds no identities.
    pub(crate) fn load(&mut self) -> Result<Vec<StoredSecrets>, KeyError> {
        let _lock = FileLock::acquire(&self.lock_path, false)
            .map_err(|e| io_error(&self.path, "locking", e))?;
        self.read_current()
    }

    /// Applies `change` to the identities in the file now and writes the
    /// result, all under the exclusive lock; returns `change`'s result and
    /// the identities written. If `change` fails, nothing is written.
    pub(crate) fn update<R>(
        &mut self,
        change: impl FnOnce(&mut Vec<StoredSecrets>) -> Result<R, KeyError>,
    ) -> Result<(R, Vec<StoredSecrets>), KeyError> {
        let _lock = FileLock::acquire(&self.lock_path, true)
            .map_err(|e| io_error(&self.path, "locking", e))?;
        let mut secrets = self.read_current()?;
        let result = change(&mut secrets)?;
        self.write(&secrets)?;
        Ok((result, secrets))
    }

    /// Reads and opens the file; the caller holds the lock.
    fn read_current(&mut self) -> Result<Vec<StoredSecrets>, KeyError> {
        let bytes = match fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io_error(&self.path, "reading", e)),
        };
        let file = decode(&self.path, &bytes)?;
        // A legacy header (no flag) on a store this process knows is not
        // encrypted is the same store; anything else must match.
        if file.encrypted != self.encrypted && self.encrypted {
            return Err(KeyError::EncryptionMismatch {
                path: self.path.clone(),
                encrypted: file.encrypted,
            });
        }
        if file.kdf != self.kdf {
            // Another process deleted the file and created a new store
            // (new salt): it opens only if it has the same password.
            self.key = derive_key(&self.path, &file.kdf, &self.password)?;
            self.kdf = file.kdf.clone();
        }
        unseal(&self.path, &file, &self.key)
    }

    /// Seals `identities` and replaces the file with them, atomically; the
    /// caller holds the exclusive lock.
    fn write(&self, identities: &[StoredSecrets]) -> Result<(), KeyError> {
        let plain = Plaintext {
            identities: identities
                .iter()
                .map(|s| PlainIdentity {
                    scheme: s.scheme,
                    capabilities: s.capabilities,
                    ed25519_seed: Secret32(s.ed25519_seed.clone()),
                    x25519_secret: Secret32(s.x25519_secret.clone()),
                })
                .collect(),
        };
        // Room for every identity up front, so the buffer holding secrets is
        // not reallocated (which would leave unwiped copies behind).
        let mut plaintext = Zeroizing::new(Vec::with_capacity(64 + 256 * identities.len()));
        serde_json::to_writer(&mut *plaintext, &plain).expect("key file contents always serialize");

        let mut nonce = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let cipher = XChaCha20Poly1305::new((&*self.key).into());
        let ciphertext = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &plaintext,
                    aad: &associated_data(&self.kdf, self.encrypted),
                },
            )
            .expect("XChaCha20-Poly1305 encrypts any message that fits in memory");
        let file = FileContents {
            format: FORMAT.to_owned(),
            version: VERSION,
            encrypted: self.encrypted,
            kdf: self.kdf.clone(),
            cipher: CIPHER.to_owned(),
            nonce,
            ciphertext,
        };
        let bytes = serde_json::to_vec_pretty(&file).expect("key file always serializes");
        write_atomically(&self.path, &bytes).map_err(|e| io_error(&self.path, "writing", e))
    }
}

/// `keys.json` → `keys.json.lock`.
fn lock_path_of(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    path.with_file_name(name)
}

/// An `flock` held on an open lock file; closing the file releases it.
struct FileLock(#[allow(dead_code)] File);

impl FileLock {
    fn acquire(path: &Path, exclusive: bool) -> std::io::Result<FileLock> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(path)?;
        let operation = if exclusive {
            libc::LOCK_EX
        } else {
            libc::LOCK_SH
        };
        loop {
            // SAFETY: flock on a file descriptor this function owns.
            if unsafe { libc::flock(file.as_raw_fd(), operation) } == 0 {
                return Ok(FileLock(file));
            }
            let e = std::io::Error::last_os_error();
            if e.kind() != ErrorKind::Interrupted {
                return Err(e);
            }
        }
    }
}

/// Parses and checks the header.
fn decode(path: &Path, bytes: &[u8]) -> Result<FileContents, KeyError> {
    let corrupt = |reason: String| KeyError::KeyfileCorrupt {
        path: path.to_owned(),
        reason,
    };
    let file: FileContents =
        serde_json::from_slice(bytes).map_err(|e| corrupt(format!("not a movid key file: {e}")))?;
    if file.format != FORMAT || file.version != VERSION {
        return Err(corrupt(format!(
            "format `{}` version {} is not `{FORMAT}` version {VERSION}",
            file.format, file.version
        )));
    }
    if file.cipher != CIPHER || file.kdf.algorithm != KDF {
        return Err(corrupt(format!(
            "cipher `{}` / KDF `{}` are not supported (expected {CIPHER} / {KDF})",
            file.cipher, file.kdf.algorithm
        )));
    }
    Ok(file)
}

/// Decrypts the identities of `file` with `key`.
fn unseal(
    path: &Path,
    file: &FileContents,
    key: &[u8; 32],
) -> Result<Vec<StoredSecrets>, KeyError> {
    let cipher = XChaCha20Poly1305::new(key.into());
    let plaintext = Zeroizing::new(
        cipher
            .decrypt(
                XNonce::from_slice(&file.nonce),
                Payload {
                    msg: &file.ciphertext,
                    aad: &associated_data(&file.kdf, file.encrypted),
                },
            )
            .map_err(|_| KeyError::WrongPassword {
                path: path.to_owned(),
            })?,
    );
    let plain: Plaintext =
        serde_json::from_slice(&plaintext).map_err(|e| KeyError::KeyfileCorrupt {
            path: path.to_owned(),
            reason: format!("the decrypted contents are not readable: {e}"),
        })?;
    Ok(plain
        .identities
        .into_iter()
        .map(|p| StoredSecrets {
            scheme: p.scheme,
            capabilities: p.capabilities,
            ed25519_seed: p.ed25519_seed.0,
            x25519_secret: p.x25519_secret.0,
        })
        .collect())
}

fn derive_key(
    path: &Path,
    kdf: &KdfParams,
    password: &[u8],
) -> Result<Zeroizing<[u8; 32]>, KeyError> {
    if kdf.memory_kib > MAX_MEMORY_KIB || kdf.iterations > MAX_ITERATIONS {
        return Err(KeyError::KeyfileCorrupt {
            path: path.to_owned(),
            reason: format!(
                "Argon2 parameters ({} KiB, {} passes) exceed this SDK's limits",
                kdf.memory_kib, kdf.iterations
            ),
        });
    }
    let params =
        Params::new(kdf.memory_kib, kdf.iterations, kdf.parallelism, Some(32)).map_err(|e| {
            KeyError::KeyfileCorrupt {
                path: path.to_owned(),
                reason: format!("invalid Argon2 parameters: {e}"),
            }
        })?;
    let mut key = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(password, &kdf.salt, &mut key[..])
        .map_err(|e| KeyError::KeyfileCorrupt {
            path: path.to_owned(),
            reason: format!("key derivation failed: {e}"),
        })?;
    Ok(key)
}

/// The header fields bound to the ciphertext. Encrypted stores keep the
/// associated data of files written before the `encrypted` flag existed.
fn associated_data(kdf: &KdfParams, encrypted: bool) -> Vec<u8> {
    format!(
        "{FORMAT}/{VERSION}/{CIPHER}/{}/{}/{}/{}/{}{}",
        kdf.algorithm,
        kdf.memory_kib,
        kdf.iterations,
        kdf.parallelism,
        hex::encode(kdf.salt),
        if encrypted { "" } else { "/unencrypted" }
    )
    .into_bytes()
}

fn io_error(path: &Path, action: &str, source: std::io::Error) -> KeyError {
    KeyError::Io {
        context: format!("{action} key file {}", path.display()),
        source,
    }
}

/// Replaces `path` with `bytes` through a synced temporary file and a rename.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut suffix = [0u8; 8];
    rand::rngs::OsRng.fill_bytes(&mut suffix);
    let tmp = dir.join(format!(".{name}.{}.tmp", hex::encode(suffix)));

    let mut options = OpenOptions::new();
    options.write(true).create_new(true).mode(0o600);
    let result = (|| {
        let mut file = options.open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result?;
    // Make the rename itself durable; not every platform can sync a directory.
    if let Ok(d) = File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets(n: u8) -> StoredSecrets {
        StoredSecrets {
            scheme: Scheme::Ed25519,
            capabilities: Capability::CommitAndDecrypt,
            ed25519_seed: Zeroizing::new([n; 32]),
            x25519_secret: Zeroizing::new([n + 1; 32]),
        }
    }

    fn add(keyfile: &mut Keyfile, n: u8) {
        keyfile
            .update(|list| {
                list.push(secrets(n));
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn saved_secrets_reopen_with_the_password() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/keys.json");
        let (mut keyfile, empty) = Keyfile::open_or_create(&path, Some(b"pw")).unwrap();
        assert!(empty.is_empty());
        assert!(keyfile.encrypted());
        add(&mut keyfile, 1);
        add(&mut keyfile, 5);

        let (_, loaded) = Keyfile::open_or_create(&path, Some(b"pw")).unwrap();
        assert_eq!(loaded.len(), 2);
        assert_eq!(*loaded[1].ed25519_seed, [5; 32]);
        assert_eq!(*loaded[1].x25519_secret, [6; 32]);

        let text = fs::read_to_string(&path).unwrap();
        assert!(
            !text.contains(&hex::encode([5u8; 32])),
            "secrets must not be in clear"
        );
        use std::os::unix::fs::PermissionsExt;
        for file in [&path, &lock_path_of(&path)] {
            let mode = fs::metadata(file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{}", file.display());
        }
        // No temporary files are left behind: the file and its lock only.
        assert_eq!(fs::read_dir(path.parent().unwrap()).unwrap().count(), 2);
        assert_eq!(keyfile_is_encrypted(&path).unwrap(), Some(true));
    }

    #[test]
    fn two_openers_never_overwrite_each_others_changes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys.json");
        let (mut a, _) = Keyfile::open_or_create(&path, Some(b"pw")).unwrap();
        let (mut b, _) = Keyfile::open_or_create(&path, Some(b"pw")).unwrap();
        add(&mut a, 1);
        add(&mut b, 3);
        assert_eq!(a.load().unwrap().len(), 2);
        // A deletion by one is seen by the other, and never undone by its
        // next write.
        b.update(|list| {
            list.retain(|s| *s.ed25519_seed != [1; 32]);
            Ok(())
        })
        .unwrap();
        add(&mut a, 7);
        let seeds: Vec<u8> = b
            .load()
            .unwrap()
            .iter()
            .map(|s| s.ed25519_seed[0])
            .collect();
        assert_eq!(seeds, vec![3, 7]);
    }

    #[test]
    fn empty_password_is_refused_and_no_password_is_explicit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys.json");
        assert!(matches!(
            Keyfile::open_or_create(&path, Some(b"")),
            Err(KeyError::EmptyPassword { .. })
        ));
        assert!(!path.exists(), "a refused open creates nothing");

        let (mut plain, _) = Keyfile::open_or_create(&path, None).unwrap();
        assert!(!plain.encrypted());
        add(&mut plain, 2);
        assert_eq!(keyfile_is_encrypted(&path).unwrap(), Some(false));
        assert!(matches!(
            Keyfile::open_or_create(&path, Some(b"pw")),
            Err(KeyError::EncryptionMismatch {
                encrypted: false,
                ..
            })
        ));
        // Flipping the flag to hide the truth breaks the associated data.
        let mut json: serde_json::Value =
            serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
        json["encrypted"] = true.into();
        fs::write(&path, serde_json::to_vec(&json).unwrap()).unwrap();
        assert!(Keyfile::open_or_create(&path, None).is_err());

        let other = dir.path().join("other.json");
        Keyfile::open_or_create(&other, Some(b"pw")).unwrap();
        assert!(matches!(
            Keyfile::open_or_create(&other, None),
            Err(KeyError::EncryptionMismatch {
                encrypted: true,
                ..
            })
        ));
    }

    #[test]
    fn a_legacy_file_under_the_empty_password_opens_as_not_encrypted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys.json");
        // What versions before the `encrypted` flag wrote by default: the
        // empty password, and a header claiming nothing.
        let kdf = KdfParams {
            algorithm: KDF.to_owned(),
            memory_kib: MEMORY_KIB,
            iterations: ITERATIONS,
            parallelism: PARALLELISM,
            salt: [9; 16],
        };
        let legacy = Keyfile {
            path: path.clone(),
            lock_path: lock_path_of(&path),
            password: Zeroizing::new(Vec::new()),
            encrypted: true,
            key: derive_key(&path, &kdf, b"").unwrap(),
            kdf,
        };
        legacy.write(&[secrets(4)]).unwrap();
        let mut json: serde_json::Value =
            serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
        json.as_object_mut().unwrap().remove("encrypted");
        fs::write(&path, serde_json::to_vec(&json).unwrap()).unwrap();

        let (mut opened, loaded) = Keyfile::open_or_create(&path, None).unwrap();
        assert!(!opened.encrypted());
        assert_eq!(loaded.len(), 1);
        add(&mut opened, 6);
        assert_eq!(keyfile_is_encrypted(&path).unwrap(), Some(false));
        assert_eq!(opened.load().unwrap().len(), 2);
    }

    #[test]
    fn wrong_password_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys.json");
        Keyfile::open_or_create(&path, Some(b"right")).unwrap();
        assert!(matches!(
            Keyfile::open_or_create(&path, Some(b"wrong")),
            Err(KeyError::WrongPassword { .. })
        ));
    }

    #[test]
    fn tampered_or_foreign_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys.json");
        Keyfile::open_or_create(&path, Some(b"pw")).unwrap();

        // Weakening the KDF parameters breaks the associated data.
        let mut json: serde_json::Value =
            serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
        json["kdf"]["iterations"] = 1.into();
        fs::write(&path, serde_json::to_vec(&json).unwrap()).unwrap();
        assert!(matches!(
            Keyfile::open_or_create(&path, Some(b"pw")),
            Err(KeyError::WrongPassword { .. })
        ));

        fs::write(&path, b"not json").unwrap();
        assert!(matches!(
            Keyfile::open_or_create(&path, Some(b"pw")),
            Err(KeyError::KeyfileCorrupt { .. })
        ));

        json["kdf"]["memory_kib"] = (MAX_MEMORY_KIB + 1).into();
        fs::write(&path, serde_json::to_vec(&json).unwrap()).unwrap();
        assert!(matches!(
            Keyfile::open_or_create(&path, Some(b"pw")),
            Err(KeyError::KeyfileCorrupt { .. })
        ));
    }

    #[test]
    fn unreadable_location_is_an_io_error() {
        let dir = tempfile::tempdir().unwrap();
        // A directory where the file should be.
        assert!(matches!(
            Keyfile::open_or_create(dir.path(), Some(b"pw")),
            Err(KeyError::Io { .. })
        ));
    }
}
