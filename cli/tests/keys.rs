//! The key file shared by real `movid` processes and a running agent: concurrent writers, an
//! agent that writes too, deletes seen by the agent, explicit plaintext stores, and the
//! agent's signal handling.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use movid_sdk::keys::{Backend, Capability, IdentityId, IdentityManager, KeyError, Scheme};
use serde_json::Value;

const PASSWORD: &str = "keys test password";

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_movid"))
}

/// `movid` in a `$MOVID_HOME` of its own, with `password` as `MOVID_KEYSTORE_PASSWORD` (unset
/// when `None`).
fn movid(home: &Path, password: Option<&str>) -> Command {
    let mut c = Command::new(bin());
    c.env("MOVID_HOME", home)
        .env_remove("MOVID_KEYSTORE_PASSWORD")
        .env_remove("MOVID_RPC")
        .stdin(Stdio::null());
    if let Some(p) = password {
        c.env("MOVID_KEYSTORE_PASSWORD", p);
    }
    c
}

/// Runs `movid --json ARGS`, which must succeed, and returns its JSON.
fn json(home: &Path, password: Option<&str>, args: &[&str]) -> Value {
    let out = movid(home, password)
        .arg("--json")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "movid {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Runs `movid --json ARGS`, which must fail; returns its JSON error document.
fn fails(home: &Path, password: Option<&str>, args: &[&str]) -> Value {
    let out = movid(home, password)
        .arg("--json")
        .args(args)
        .output()
        .unwrap();
    assert!(!out.status.success(), "movid {args:?} should fail");
    serde_json::from_slice(&out.stdout).unwrap()
}

fn listed_ids(home: &Path) -> Vec<String> {
    let mut ids: Vec<String> = json(home, Some(PASSWORD), &["keys", "list"])["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["address"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

/// A running `movid keys agent`.
struct AgentProcess {
    child: Child,
    socket: PathBuf,
}

impl AgentProcess {
    fn start(home: &Path, extra: &[&str]) -> AgentProcess {
        let mut child = movid(home, Some(PASSWORD))
            .args(["--json", "keys", "agent"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // The first document is printed once the socket listens.
        let mut text = String::new();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        while serde_json::from_str::<Value>(&text).is_err() {
            let mut line = String::new();
            assert!(
                stdout.read_line(&mut line).unwrap() > 0,
                "the agent exited before listening: {text}"
            );
            text.push_str(&line);
        }
        let started: Value = serde_json::from_str(&text).unwrap();
        let socket = PathBuf::from(started["socket"].as_str().unwrap());
        assert!(socket.exists());
        AgentProcess { child, socket }
    }

    fn backend(&self) -> Backend {
        Backend::agent(&self.socket)
    }

    fn signal(mut self, signal: &str) -> std::process::ExitStatus {
        let status = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the agent did not stop on {signal}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for AgentProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn eight_concurrent_generates_keep_eight_keys_and_aliases() {
    let home = tempfile::tempdir().unwrap();
    let children: Vec<Child> = (0..8)
        .map(|i| {
            movid(home.path(), Some(PASSWORD))
                .args(["--json", "keys", "generate", "--alias", &format!("k{i}")])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut generated: Vec<String> = children
        .into_iter()
        .map(|child| {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
            doc["address"].as_str().unwrap().to_owned()
        })
        .collect();
    generated.sort();
    assert_eq!(listed_ids(home.path()), generated);
    let listed = json(home.path(), Some(PASSWORD), &["keys", "list"]);
    let aliases: Vec<&str> = listed["keys"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|k| k["alias"].as_str())
        .collect();
    assert_eq!(aliases.len(), 8, "{listed}");
}

#[test]
fn generating_while_the_agent_runs_and_writes_loses_nothing() {
    let home = tempfile::tempdir().unwrap();
    json(home.path(), Some(PASSWORD), &["keys", "generate"]);
    let agent = AgentProcess::start(home.path(), &["--allow-manage"]);
    let backend = agent.backend();
    let rt = runtime();

    // Four CLI processes and four generates through the agent, all at once.
    let cli: Vec<Child> = (0..4)
        .map(|_| {
            movid(home.path(), Some(PASSWORD))
                .args(["--json", "keys", "generate"])
                .stdout(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let through_agent: Vec<IdentityId> = rt.block_on(async {
        let tasks: Vec<_> = (0..4)
            .map(|_| {
                let backend = backend.clone();
                tokio::spawn(async move {
                    IdentityManager::new()
                        .generate(&backend, Scheme::Ed25519, Capability::CommitAndDecrypt)
                        .await
                        .unwrap()
                        .0
                        .id()
                })
            })
            .collect();
        let mut ids = vec![];
        for t in tasks {
            ids.push(t.await.unwrap());
        }
        ids
    });
    let mut expected: Vec<String> = cli
        .into_iter()
        .map(|child| {
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success());
            let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
            doc["address"].as_str().unwrap().to_owned()
        })
        .collect();
    expected.extend(through_agent.iter().map(|id| id.to_string()));

    let listed = listed_ids(home.path());
    assert_eq!(listed.len(), 9, "{listed:?}");
    for id in &expected {
        assert!(listed.contains(id), "{id} was lost");
    }
    // The agent sees what the CLI wrote.
    let mut via_agent: Vec<String> = rt
        .block_on(IdentityManager::new().list(&backend))
        .unwrap()
        .iter()
        .map(|i| i.id().to_string())
        .collect();
    via_agent.sort();
    assert_eq!(via_agent, listed);
}

#[test]
fn a_key_deleted_with_the_cli_is_no_longer_used_by_the_running_agent() {
    let home = tempfile::tempdir().unwrap();
    let key = json(home.path(), Some(PASSWORD), &["keys", "generate"]);
    let id: IdentityId = key["address"].as_str().unwrap().parse().unwrap();
    let kept = json(home.path(), Some(PASSWORD), &["keys", "generate"]);
    let agent = AgentProcess::start(home.path(), &[]);
    let backend = agent.backend();
    let rt = runtime();
    let manager = IdentityManager::new();
    let handle = rt
        .block_on(manager.connect(id, &backend, Capability::Commit))
        .unwrap();
    let committer = handle.committer().unwrap();
    rt.block_on(committer.sign_transaction(b"before")).unwrap();

    json(
        home.path(),
        Some(PASSWORD),
        &["keys", "delete", key["address"].as_str().unwrap()],
    );
    let err = rt
        .block_on(committer.sign_transaction(b"after"))
        .unwrap_err();
    assert!(
        matches!(err, KeyError::IdentityDoesNotExist { .. }),
        "{err:?}"
    );
    let err = rt
        .block_on(manager.connect(id, &backend, Capability::Commit))
        .unwrap_err();
    assert!(
        matches!(err, KeyError::ExternalIdentityNotFound { .. }),
        "{err:?}"
    );
    // The other key still signs, and the deleted one did not come back.
    let other: IdentityId = kept["address"].as_str().unwrap().parse().unwrap();
    let handle = rt
        .block_on(manager.connect(other, &backend, Capability::Commit))
        .unwrap();
    rt.block_on(handle.committer().unwrap().sign_transaction(b"still"))
        .unwrap();
    assert_eq!(listed_ids(home.path()), vec![other.to_string()]);
}

#[test]
fn agent_removes_its_socket_on_sigterm_and_sigint_and_keeps_out_of_core_dumps() {
    let home = tempfile::tempdir().unwrap();
    json(home.path(), Some(PASSWORD), &["keys", "generate"]);
    for signal in ["-TERM", "-INT"] {
        let agent = AgentProcess::start(home.path(), &[]);
        let limits = std::fs::read_to_string(format!("/proc/{}/limits", agent.child.id())).unwrap();
        let core = limits
            .lines()
            .find(|l| l.starts_with("Max core file size"))
            .unwrap();
        assert_eq!(
            core.split_whitespace().collect::<Vec<_>>()[4..6],
            ["0", "0"],
            "{core}"
        );
        let socket = agent.socket.clone();
        let status = agent.signal(signal);
        assert!(status.success(), "{signal}: {status:?}");
        assert!(!socket.exists(), "{signal} left the socket behind");
    }
}

#[test]
fn a_keystore_without_a_password_is_only_made_by_an_explicit_choice() {
    // No password and no terminal: refused, and nothing is created.
    let home = tempfile::tempdir().unwrap();
    let err = fails(home.path(), None, &["keys", "generate"]);
    assert!(
        err["error"].as_str().unwrap().contains("needs a password"),
        "{err}"
    );
    assert!(err["hint"]
        .as_str()
        .unwrap()
        .contains("--insecure-no-password"));
    assert!(!home.path().join("keys.json").exists());

    // The flag chooses it, and every listing says so.
    json(
        home.path(),
        None,
        &["keys", "generate", "--insecure-no-password"],
    );
    let listed = json(home.path(), None, &["keys", "list"]);
    assert_eq!(listed["encrypted"], false, "{listed}");
    assert_eq!(listed["keys"].as_array().unwrap().len(), 1);
    let text = movid(home.path(), None)
        .args(["keys", "list"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&text.stdout).contains("NOT encrypted"));
    // A password for a store that has none is a clear error, not a new store.
    let err = fails(home.path(), Some("pw"), &["keys", "list"]);
    assert!(
        err["error"].as_str().unwrap().contains("has no password"),
        "{err}"
    );

    // So does an explicitly empty variable.
    let home = tempfile::tempdir().unwrap();
    json(home.path(), Some(""), &["keys", "generate"]);
    assert_eq!(
        json(home.path(), None, &["keys", "list"])["encrypted"],
        false
    );

    // With a password: encrypted, and it cannot be opened without it.
    let home = tempfile::tempdir().unwrap();
    json(home.path(), Some(PASSWORD), &["keys", "generate"]);
    assert_eq!(
        json(home.path(), Some(PASSWORD), &["keys", "list"])["encrypted"],
        true
    );
    let err = fails(home.path(), None, &["keys", "list"]);
    assert!(
        err["error"].as_str().unwrap().contains("is encrypted"),
        "{err}"
    );
    let err = fails(home.path(), Some(""), &["keys", "list"]);
    assert!(
        err["error"].as_str().unwrap().contains("is encrypted"),
        "{err}"
    );
    let err = fails(home.path(), Some("wrong"), &["keys", "list"]);
    assert!(
        err["error"].as_str().unwrap().contains("wrong password"),
        "{err}"
    );
}
