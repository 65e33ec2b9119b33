//! The encrypted key file of a persisted memory backend.
//!
//! The file is JSON:
//!
//! ```text
//! {"format": "movid-keyfile", "version": 1,
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
//! the KDF parameters in the file breaks decryption rather than weakening it.
//! The key is derived once when the file is opened and kept (wiped on drop);
//! saves write a temporary file in the same directory (mode 0600), sync it,
//! and rename it over the old file, so a crash leaves the old or the new
//! file, never half of one.

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write};
#[cfg(unix)]
use std::os::unix::fs::OpenOptionsExt;
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

/// An open key file: where it is and the key sealing it.
pub(crate) struct Keyfile {
    path: PathBuf,
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

#[derive(Serialize, Deserialize)]
struct FileContents {
    format: String,
    version: u32,
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

impl Keyfile {
    /// Opens the key file at `path`, or creates an empty one there.
    pub(crate) fn open_or_create(
        path: &Path,
        password: &[u8],
    ) -> Result<(Keyfile, Vec<StoredSecrets>), KeyError> {
        match fs::read(path) {
            Ok(bytes) => Keyfile::open(path, &bytes, password),
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
                let key = derive_key(path, &kdf, password)?;
                let keyfile = Keyfile {
                    path: path.to_owned(),
                    kdf,
                    key,
                };
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    fs::create_dir_all(dir)
                        .map_err(|e| io_error(path, "creating the directory of", e))?;
                }
                keyfile.save(&[])?;
                Ok((keyfile, Vec::new()))
            }
            Err(e) => Err(io_error(path, "reading", e)),
        }
    }

    fn open(
        path: &Path,
        bytes: &[u8],
        password: &[u8],
    ) -> Result<(Keyfile, Vec<StoredSecrets>), KeyError> {
        let corrupt = |reason: String| KeyError::KeyfileCorrupt {
            path: path.to_owned(),
            reason,
        };
        let file: FileContents = serde_json::from_slice(bytes)
            .map_err(|e| corrupt(format!("not a movid key file: {e}")))?;
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
        let key = derive_key(path, &file.kdf, password)?;
        let cipher = XChaCha20Poly1305::new((&*key).into());
        let plaintext = Zeroizing::new(
            cipher
                .decrypt(
                    XNonce::from_slice(&file.nonce),
                    Payload {
                        msg: &file.ciphertext,
                        aad: &associated_data(&file.kdf),
                    },
                )
                .map_err(|_| KeyError::WrongPassword {
                    path: path.to_owned(),
                })?,
        );
        let plain: Plaintext = serde_json::from_slice(&plaintext)
            .map_err(|e| corrupt(format!("the decrypted contents are not readable: {e}")))?;
        let secrets = plain
            .identities
            .into_iter()
            .map(|p| StoredSecrets {
                scheme: p.scheme,
                capabilities: p.capabilities,
                ed25519_seed: p.ed25519_seed.0,
                x25519_secret: p.x25519_secret.0,
            })
            .collect();
        Ok((
            Keyfile {
                path: path.to_owned(),
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

    /// Seals `identities` and replaces the file with them, atomically.
    pub(crate) fn save(&self, identities: &[StoredSecrets]) -> Result<(), KeyError> {
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
                    aad: &associated_data(&self.kdf),
                },
            )
            .expect("XChaCha20-Poly1305 encrypts any message that fits in memory");
        let file = FileContents {
            format: FORMAT.to_owned(),
            version: VERSION,
            kdf: self.kdf.clone(),
            cipher: CIPHER.to_owned(),
            nonce,
            ciphertext,
        };
        let bytes = serde_json::to_vec_pretty(&file).expect("key file always serializes");
        write_atomically(&self.path, &bytes).map_err(|e| io_error(&self.path, "writing", e))
    }
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

/// The header fields bound to the ciphertext.
fn associated_data(kdf: &KdfParams) -> Vec<u8> {
    format!(
        "{FORMAT}/{VERSION}/{CIPHER}/{}/{}/{}/{}/{}",
        kdf.algorithm,
        kdf.memory_kib,
        kdf.iterations,
        kdf.parallelism,
        hex::encode(kdf.salt)
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
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
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

    #[test]
    fn saved_secrets_reopen_with_the_password() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/keys.json");
        let (keyfile, empty) = Keyfile::open_or_create(&path, b"pw").unwrap();
        assert!(empty.is_empty());
        keyfile.save(&[secrets(1), secrets(5)]).unwrap();

        let (_, loaded) = Keyfile::open_or_create(&path, b"pw").unwrap();
        assert_eq!(loaded.len(), 2);
        assert_eq!(*loaded[1].ed25519_seed, [5; 32]);
        assert_eq!(*loaded[1].x25519_secret, [6; 32]);

        let text = fs::read_to_string(&path).unwrap();
        assert!(
            !text.contains(&hex::encode([5u8; 32])),
            "secrets must not be in clear"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // No temporary files are left behind.
        assert_eq!(fs::read_dir(path.parent().unwrap()).unwrap().count(), 1);
    }

    #[test]
    fn wrong_password_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys.json");
        Keyfile::open_or_create(&path, b"right").unwrap();
        assert!(matches!(
            Keyfile::open_or_create(&path, b"wrong"),
            Err(KeyError::WrongPassword { .. })
        ));
    }

    #[test]
    fn tampered_or_foreign_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys.json");
        Keyfile::open_or_create(&path, b"pw").unwrap();

        // Weakening the KDF parameters breaks the associated data.
        let mut json: serde_json::Value =
            serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
        json["kdf"]["iterations"] = 1.into();
        fs::write(&path, serde_json::to_vec(&json).unwrap()).unwrap();
        assert!(matches!(
            Keyfile::open_or_create(&path, b"pw"),
            Err(KeyError::WrongPassword { .. })
        ));

        fs::write(&path, b"not json").unwrap();
        assert!(matches!(
            Keyfile::open_or_create(&path, b"pw"),
            Err(KeyError::KeyfileCorrupt { .. })
        ));

        json["kdf"]["memory_kib"] = (MAX_MEMORY_KIB + 1).into();
        fs::write(&path, serde_json::to_vec(&json).unwrap()).unwrap();
        assert!(matches!(
            Keyfile::open_or_create(&path, b"pw"),
            Err(KeyError::KeyfileCorrupt { .. })
        ));
    }

    #[test]
    fn unreadable_location_is_an_io_error() {
        let dir = tempfile::tempdir().unwrap();
        // A directory where the file should be.
        assert!(matches!(
            Keyfile::open_or_create(dir.path(), b"pw"),
            Err(KeyError::Io { .. })
        ));
    }
}
