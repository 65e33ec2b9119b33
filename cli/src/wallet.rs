//! The CLI's keys and active address, kept in `$MOVID_HOME`: the key file `keys.json`
//! (shared safely with the agent and other `movid` processes through its lock) and
//! `client.json` with aliases and the active address.
//!
//! The key file's password comes from `MOVID_KEYSTORE_PASSWORD`, or a prompt when stdin is a
//! terminal. A key file without a password is only ever created by an explicit choice:
//! `--insecure-no-password`, or `MOVID_KEYSTORE_PASSWORD` set to the empty string.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use movid_sdk::keys::{keyfile_is_encrypted, Backend, Capability, Committer, IdentityId, KeyError};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::output::{CliError, CliResult};

/// Aliases and the active address.
#[derive(Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientConfig {
    /// The address commands act as.
    pub active: Option<String>,
    /// Alias -> address.
    pub aliases: BTreeMap<String, String>,
    /// Address -> where its keys are, for keys outside the key file.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub signers: BTreeMap<String, crate::signer::SignerEntry>,
}

/// The keystore and client config of `$MOVID_HOME`.
pub struct Wallet {
    home: PathBuf,
    /// Where the keys are (an empty memory backend while there is no key file).
    pub backend: Backend,
    /// Whether the key file has a password; `None` while there is no key file.
    pub encrypted: Option<bool>,
    /// Aliases and the active address.
    pub config: ClientConfig,
    /// `config` as it was read, to save only this process's changes.
    loaded: ClientConfig,
}

fn key_error(e: KeyError) -> CliError {
    let hint = match &e {
        KeyError::WrongPassword { .. } => "set MOVID_KEYSTORE_PASSWORD to the key file's password",
        KeyError::EncryptionMismatch {
            encrypted: false, ..
        } => "this key file has no password: unset MOVID_KEYSTORE_PASSWORD or set it to the empty string",
        KeyError::EncryptionMismatch { encrypted: true, .. } => {
            "set MOVID_KEYSTORE_PASSWORD to the key file's password"
        }
        KeyError::OperationNotAllowed { .. } => {
            "restart the agent with the --allow-manage / --allow-raw-sign it needs"
        }
        KeyError::ExternalIdentityNotFound { .. } | KeyError::IdentityDoesNotExist { .. } => {
            "list the keys with `movid keys list`"
        }
        _ => "check $MOVID_HOME/keys.json",
    };
    CliError::new(e.to_string(), hint)
}

/// How the key file is protected, as the user chose it.
enum Protection {
    Password(Zeroizing<String>),
    None,
}

/// Reads a password (or another secret) from the terminal on stdin without echoing it.
pub(crate) fn prompt_password(prompt: &str) -> CliResult<Zeroizing<String>> {
    let mut stderr = std::io::stderr();
    let _ = write!(stderr, "{prompt}");
    let _ = stderr.flush();
    // SAFETY: termios calls on fd 0 with a struct they fill in.
    let saved = unsafe {
        let mut t: libc::termios = std::mem::zeroed();
        if libc::tcgetattr(0, &mut t) != 0 {
            return Err(std::io::Error::last_os_error().into());
        }
        let saved = t;
        t.c_lflag &= !libc::ECHO;
        t.c_lflag |= libc::ECHONL;
        libc::tcsetattr(0, libc::TCSANOW, &t);
        saved
    };
    let mut line = Zeroizing::new(String::new());
    let read = std::io::stdin().read_line(&mut line);
    // SAFETY: restores the settings read above.
    unsafe { libc::tcsetattr(0, libc::TCSANOW, &saved) };
    read?;
    while line.ends_with('\n') || line.ends_with('\r') {
        line.pop();
    }
    Ok(line)
}

/// The password the user gave for the key file at `path`: `MOVID_KEYSTORE_PASSWORD`, else a
/// prompt on a terminal. `creating` asks twice and takes `insecure_no_password` as the choice
/// of no password; an empty password is only ever taken from an explicitly empty variable.
fn protection(path: &Path, creating: bool, insecure_no_password: bool) -> CliResult<Protection> {
    let from_env = std::env::var("MOVID_KEYSTORE_PASSWORD")
        .ok()
        .map(Zeroizing::new);
    match from_env {
        Some(p) if p.is_empty() => return Ok(Protection::None),
        Some(p) if insecure_no_password && creating => {
            drop(p);
            return Err(CliError::new(
                "--insecure-no-password and a non-empty MOVID_KEYSTORE_PASSWORD contradict each other",
                "drop one of them",
            ));
        }
        Some(p) => return Ok(Protection::Password(p)),
        None => {}
    }
    if creating && insecure_no_password {
        return Ok(Protection::None);
    }
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    if !interactive {
        return Err(if creating {
            CliError::new(
                format!("creating key file {} needs a password", path.display()),
                "set MOVID_KEYSTORE_PASSWORD, or choose a key file without one with --insecure-no-password (or MOVID_KEYSTORE_PASSWORD set to the empty string)",
            )
        } else {
            CliError::new(
                format!(
                    "key file {} is encrypted and no password was given",
                    path.display()
                ),
                "set MOVID_KEYSTORE_PASSWORD to its password",
            )
        });
    }
    if !creating {
        return Ok(Protection::Password(prompt_password(&format!(
            "password for {}: ",
            path.display()
        ))?));
    }
    let first = prompt_password(&format!("new password for {}: ", path.display()))?;
    if first.is_empty() {
        return Err(CliError::new(
            "refusing an empty password",
            "type a password, or pass --insecure-no-password to keep the keys without one",
        ));
    }
    let again = prompt_password("repeat the password: ")?;
    if *first != *again {
        return Err(CliError::new(
            "the passwords differ",
            "run the command again",
        ));
    }
    Ok(Protection::Password(first))
}

/// Applies to `current` what changed from `loaded` to `mine`: entries added or changed, and
/// entries removed.
fn merge_changes<V: Clone + PartialEq>(
    current: &mut BTreeMap<String, V>,
    mine: &BTreeMap<String, V>,
    loaded: &BTreeMap<String, V>,
) {
    for (key, value) in mine {
        if loaded.get(key) != Some(value) {
            current.insert(key.clone(), value.clone());
        }
    }
    for key in loaded.keys() {
        if !mine.contains_key(key) {
            current.remove(key);
        }
    }
}

impl Wallet {
    /// Opens the wallet in `home` without creating a key file: while there is none, the
    /// backend is an empty memory backend.
    pub fn open(home: &Path) -> CliResult<Wallet> {
        Wallet::open_keys(home, false, false)
    }

    /// Opens the wallet in `home`, creating the key file if there is none (with a password,
    /// or without one if `insecure_no_password` or `MOVID_KEYSTORE_PASSWORD` is empty).
    pub fn open_or_create(home: &Path, insecure_no_password: bool) -> CliResult<Wallet> {
        Wallet::open_keys(home, true, insecure_no_password)
    }

    fn open_keys(home: &Path, create: bool, insecure_no_password: bool) -> CliResult<Wallet> {
        std::fs::create_dir_all(home)?;
        let path = home.join("keys.json");
        let existing = keyfile_is_encrypted(&path).map_err(key_error)?;
        let backend = match existing {
            None if !create => None,
            // A key file made without a password opens without one.
            Some(false) if std::env::var_os("MOVID_KEYSTORE_PASSWORD").is_none() => {
                Some(Backend::keyfile_without_password(&path))
            }
            _ => Some(
                match protection(&path, existing.is_none(), insecure_no_password)? {
                    Protection::Password(p) => Backend::keyfile(&path, p.as_bytes()),
                    Protection::None => Backend::keyfile_without_password(&path),
                },
            ),
        };
        let (backend, encrypted) = match backend {
            Some(b) => {
                let b = b.map_err(key_error)?;
                let encrypted = match &b {
                    Backend::Memory(m) => m.keyfile_encrypted(),
                    _ => None,
                };
                (b, encrypted)
            }
            None => (Backend::memory(), None),
        };
        let cfg_path = home.join("client.json");
        let config = match std::fs::read(&cfg_path) {
            Ok(b) => serde_json::from_slice(&b).map_err(|e| {
                CliError::new(
                    format!("{} is not valid: {e}", cfg_path.display()),
                    "fix or delete the file",
                )
            })?,
            Err(_) => ClientConfig::default(),
        };
        Ok(Wallet {
            home: home.to_path_buf(),
            backend,
            encrypted,
            loaded: config.clone(),
            config,
        })
    }

    /// The key file's path.
    pub fn keyfile_path(&self) -> PathBuf {
        self.home.join("keys.json")
    }

    /// Saves this process's changes to `client.json`: under a lock on `client.json.lock`, the
    /// file is re-read and only the aliases and active address this process changed are
    /// applied to it, so concurrent `movid` processes never undo each other's changes.
    pub fn save(&self) -> CliResult<()> {
        use std::os::unix::fs::OpenOptionsExt;
        use std::os::unix::io::AsRawFd;
        let path = self.home.join("client.json");
        let lock = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(self.home.join("client.json.lock"))?;
        // SAFETY: flock on a descriptor owned here; closing it releases the lock.
        while unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX) } != 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() != std::io::ErrorKind::Interrupted {
                return Err(e.into());
            }
        }
        let mut current: ClientConfig = match std::fs::read(&path) {
            Ok(b) => serde_json::from_slice(&b).unwrap_or_default(),
            Err(_) => ClientConfig::default(),
        };
        merge_changes(
            &mut current.aliases,
            &self.config.aliases,
            &self.loaded.aliases,
        );
        merge_changes(
            &mut current.signers,
            &self.config.signers,
            &self.loaded.signers,
        );
        if self.config.active != self.loaded.active {
            current.active = self.config.active.clone();
        }
        let tmp = self
            .home
            .join(format!(".client.json.{}.tmp", std::process::id()));
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)?;
        file.write_all(&serde_json::to_vec_pretty(&current).expect("serializable"))?;
        file.sync_all()?;
        std::fs::rename(tmp, &path)?;
        drop(lock);
        Ok(())
    }

    /// An alias or a `0x` address to an identity ID.
    pub fn resolve(&self, name: &str) -> CliResult<IdentityId> {
        let addr = self
            .config
            .aliases
            .get(name)
            .map(String::as_str)
            .unwrap_or(name);
        addr.parse().map_err(|_| {
            CliError::new(
                format!("`{name}` is neither an alias nor an address"),
                "see `movid keys list`",
            )
        })
    }

    /// The active address.
    pub fn active(&self) -> CliResult<IdentityId> {
        let a = self.config.active.as_deref().ok_or_else(|| {
            CliError::new("no active address", "create one with `movid keys generate` or import the dev accounts with `movid keys import-dev`")
        })?;
        self.resolve(a)
    }

    /// A committer for `id` (the active address when `None`).
    pub async fn committer(&self, id: Option<IdentityId>) -> CliResult<Committer> {
        let handle = crate::signer::handle(self, id, Capability::Commit).await?;
        handle.require_committer().map_err(key_error)
    }

    /// Maps a key error for display.
    pub fn error(e: KeyError) -> CliError {
        key_error(e)
    }
}
