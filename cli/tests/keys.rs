//! The key file shared by real `movid` processes and a running agent (concurrent writers, an
//! agent that writes too, deletes seen by the agent, explicit plaintext stores, and the
//! agent's signal handling), and keys moving in and out in Sui's forms (`keys export`,
//! `keys import`).

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

// Keys in Sui's forms: `keys export`, `keys import STRING|-`, `keys import --sui-keystore`.

/// SIP-15's first two Ed25519 vectors: `suiprivkey` string, keystore entry, address.
const SUI_KEY_0: &str = "suiprivkey1qzwant3kaegmjy4qxex93s0jzvemekkjmyv3r2sjwgnv2y479pgsywhveae";
const SUI_ENTRY_0: &str = "AJ3ZrjbuUbkSoDZMWMHyEzO82tLZGRGqEnImxRK+KFEC";
const SUI_ADDRESS_0: &str = "0x90f3e6d73b5730f16974f4df1d3441394ebae62186baf83608599f226455afa7";
const SUI_KEY_1: &str = "suiprivkey1qrh2sjl88rze74hwjndw3l26dqyz63tea5u9frtwcsqhmfk9vxdlx8cpv0g";
const SUI_ADDRESS_1: &str = "0xfd233cd9a5dd7e577f16fa523427c75fbc382af1583c39fdf1c6747d2ed807a3";

/// Runs `movid --json ARGS` with `stdin` as its input; returns the exit status, stdout parsed
/// as exactly one JSON document (it fails otherwise), and stderr.
fn run_json(home: &Path, args: &[&str], stdin: &str) -> (bool, Value, String) {
    use std::io::Write;
    let mut child = movid(home, Some(PASSWORD))
        .arg("--json")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let doc: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!("movid {args:?}: stdout is not one JSON document ({e}):\n{stdout}")
    });
    (
        out.status.success(),
        doc,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Writes a Sui keystore file in `dir` with these entries.
fn sui_keystore(dir: &Path, entries: &[String]) -> PathBuf {
    let path = dir.join("sui.keystore");
    std::fs::write(&path, serde_json::to_vec_pretty(entries).unwrap()).unwrap();
    path
}

/// The Base64 keystore entry `flag ‖ [byte; 32]`.
fn entry(flag: u8, byte: u8) -> String {
    use base64::Engine;
    let mut bytes = vec![flag];
    bytes.extend_from_slice(&[byte; 32]);
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[test]
fn a_generated_key_exported_and_imported_into_another_home_keeps_its_address_and_public_key() {
    let home = tempfile::tempdir().unwrap();
    let generated = json(
        home.path(),
        Some(PASSWORD),
        &["keys", "generate", "--alias", "orig"],
    );
    let address = generated["address"].as_str().unwrap();
    let exported = json(home.path(), Some(PASSWORD), &["keys", "export", "orig"]);
    assert_eq!(exported["address"], address);
    // A generated key's X25519 key is independent of its seed: the Sui form cannot carry it.
    assert_eq!(exported["x25519_restored_on_import"], false);
    let string = exported["suiprivkey"].as_str().unwrap().to_owned();
    assert!(string.starts_with("suiprivkey1"), "{string}");

    // The text form is the string alone, to be piped; --out writes it to a 0600 file instead.
    let text = movid(home.path(), Some(PASSWORD))
        .args(["keys", "export", "orig"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(text.stdout).unwrap().trim(), string);
    let file = home.path().join("orig.suiprivkey");
    let written = json(
        home.path(),
        Some(PASSWORD),
        &["keys", "export", "orig", "--out", file.to_str().unwrap()],
    );
    assert_eq!(written["suiprivkey"], Value::Null, "{written}");
    assert_eq!(std::fs::read_to_string(&file).unwrap().trim(), string);
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );

    // Into a fresh home under another alias, from stdin: the same address, signing.
    let other = tempfile::tempdir().unwrap();
    let (ok, imported, stderr) = run_json(
        other.path(),
        &["keys", "import", "-", "--alias", "copy"],
        &format!("{string}\n"),
    );
    assert!(ok, "{imported}\n{stderr}");
    assert!(!stderr.contains("shell history"), "{stderr}");
    assert_eq!(imported["imported"][0]["address"], address);
    let shown = json(other.path(), Some(PASSWORD), &["keys", "show", "copy"]);
    assert_eq!(shown["address"], address);
    assert_eq!(
        shown["ed25519_public_key"],
        json(home.path(), Some(PASSWORD), &["keys", "show", "orig"])["ed25519_public_key"]
    );
    // Imported keys are stored encrypted, as generated ones are.
    assert_eq!(
        json(other.path(), Some(PASSWORD), &["keys", "list"])["encrypted"],
        true
    );

    // The known key has the address Sui derives for it; an argument works too, with a warning.
    let (ok, imported, stderr) = run_json(
        other.path(),
        &["keys", "import", SUI_KEY_0, "--alias", "sip15"],
        "",
    );
    assert!(ok, "{imported}");
    assert_eq!(imported["imported"][0]["address"], SUI_ADDRESS_0);
    assert!(stderr.contains("shell history"), "{stderr}");
    let back = json(other.path(), Some(PASSWORD), &["keys", "export", "sip15"]);
    assert_eq!(back["suiprivkey"], SUI_KEY_0);
    assert_eq!(back["x25519_restored_on_import"], true);
}

#[test]
fn import_takes_every_ed25519_entry_of_a_sui_keystore_and_names_the_skipped_ones() {
    let home = tempfile::tempdir().unwrap();
    let path = sui_keystore(
        home.path(),
        &[
            SUI_ENTRY_0.to_owned(),
            entry(0x01, 7),
            entry(0x00, 0x11),
            entry(0x02, 9),
        ],
    );
    let (ok, doc, stderr) = run_json(
        home.path(),
        &[
            "keys",
            "import",
            "--sui-keystore",
            path.to_str().unwrap(),
            "--alias-prefix",
            "sui",
        ],
        "",
    );
    assert!(ok, "{doc}\n{stderr}");
    let imported = doc["imported"].as_array().unwrap();
    assert_eq!(imported.len(), 2, "{doc}");
    assert_eq!(imported[0]["address"], SUI_ADDRESS_0);
    assert_eq!(imported[0]["alias"], "sui0");
    assert_eq!(imported[0]["index"], 0);
    assert_eq!(imported[1]["alias"], "sui2");
    assert_eq!(imported[1]["index"], 2);
    assert_eq!(
        doc["skipped"],
        serde_json::json!([
            {"index": 1, "scheme": "secp256k1", "flag": 1},
            {"index": 3, "scheme": "secp256r1", "flag": 2},
        ])
    );
    assert_eq!(listed_ids(home.path()).len(), 2);
    assert_eq!(
        json(home.path(), Some(PASSWORD), &["keys", "show", "sui0"])["address"],
        SUI_ADDRESS_0
    );

    // The text report lists the skipped entries by index and scheme.
    let other = tempfile::tempdir().unwrap();
    let text = movid(other.path(), Some(PASSWORD))
        .args(["keys", "import", "--sui-keystore", path.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("skipped keystore entry 1: a Secp256k1 (flag 0x01) key"),
        "{text}"
    );
    assert!(
        text.contains("skipped keystore entry 3: a Secp256r1"),
        "{text}"
    );
}

#[test]
fn a_refused_import_is_one_json_document_and_leaves_the_key_file_byte_identical() {
    let home = tempfile::tempdir().unwrap();
    let (ok, doc, _) = run_json(
        home.path(),
        &["keys", "import", "-", "--alias", "a"],
        SUI_KEY_0,
    );
    assert!(ok, "{doc}");
    let keys_before = std::fs::read(home.path().join("keys.json")).unwrap();
    let client_before = std::fs::read(home.path().join("client.json")).unwrap();

    // Valid Bech32 strings (checksums computed with an independent encoder) carrying the first
    // vector's secret: under the Secp256k1 flag, under another prefix, and cut to 31 bytes.
    let secp = "suiprivkey1qxwant3kaegmjy4qxex93s0jzvemekkjmyv3r2sjwgnv2y479pgsy5gex7w";
    let pubkey_prefix = "suipubkey1qzwant3kaegmjy4qxex93s0jzvemekkjmyv3r2sjwgnv2y479pgsy5m74wn";
    let short_payload = "suiprivkey1qzwant3kaegmjy4qxex93s0jzvemekkjmyv3r2sjwgnv2y479pgst36l9r";
    let typo = SUI_KEY_0.replacen("qzwant", "qzwanl", 1);
    let cut = &SUI_KEY_0[..40];
    let mixed = sui_keystore(
        home.path(),
        &[entry(0x00, 0x22), entry(0x01, 1), SUI_ENTRY_0.to_owned()],
    );
    let damaged_dir = tempfile::tempdir().unwrap();
    let damaged = sui_keystore(
        damaged_dir.path(),
        &[entry(0x00, 0x23), entry(0x00, 0x24), "AAAA".to_owned()],
    );
    let missing = damaged_dir.path().join("none");
    let only_secp_dir = tempfile::tempdir().unwrap();
    let only_secp = sui_keystore(only_secp_dir.path(), &[entry(0x01, 1), entry(0x02, 2)]);

    let cases: Vec<(Vec<&str>, &str, &str)> = vec![
        // The key is there already: say under which alias.
        (vec!["keys", "import", "-", "--alias", "b"], SUI_KEY_0, "already in the key file as `a`"),
        // The alias is taken.
        (vec!["keys", "import", "-", "--alias", "a"], SUI_KEY_1, "alias `a` is taken"),
        (vec!["keys", "import", "-"], pubkey_prefix, "this one with `suipubkey1`"),
        (vec!["keys", "import", "-"], &typo, "checksum does not match"),
        (vec!["keys", "import", "-"], cut, "checksum does not match"),
        (vec!["keys", "import", "-"], secp, "Secp256k1 (flag 0x01) keys are not supported"),
        (vec!["keys", "import", "-"], short_payload, "this one is 32"),
        (vec!["keys", "import", "-"], "", "not a suiprivkey1"),
        // A keystore whose entry 2 is the key already held: nothing of it is imported, not
        // even entry 0.
        (
            vec!["keys", "import", "--sui-keystore", mixed.to_str().unwrap(), "--alias-prefix", "s"],
            "",
            "(keystore entry 2) is already in the key file as `a`",
        ),
        (
            vec!["keys", "import", "--sui-keystore", damaged.to_str().unwrap()],
            "",
            "entry 2 of the Sui keystore is damaged",
        ),
        (
            vec!["keys", "import", "--sui-keystore", only_secp.to_str().unwrap()],
            "",
            "no Ed25519 key (skipped entry 0: Secp256k1 (flag 0x01), entry 1: Secp256r1 (flag 0x02))",
        ),
        // A keystore that is not there.
        (
            vec!["keys", "import", "--sui-keystore", missing.to_str().unwrap()],
            "",
            "reading Sui keystore",
        ),
    ];
    for (args, stdin, expected) in cases {
        let (ok, doc, stderr) = run_json(home.path(), &args, stdin);
        assert!(!ok, "movid {args:?} should fail: {doc}");
        let error = doc["error"].as_str().unwrap_or_else(|| panic!("{doc}"));
        assert!(
            error.contains(expected),
            "movid {args:?}: {error}\n{stderr}"
        );
        assert!(doc["hint"].is_string(), "{doc}");
        assert_eq!(
            std::fs::read(home.path().join("keys.json")).unwrap(),
            keys_before,
            "movid {args:?} changed keys.json"
        );
        assert_eq!(
            std::fs::read(home.path().join("client.json")).unwrap(),
            client_before,
            "movid {args:?} changed client.json"
        );
    }

    // A keystore alias that is taken refuses the whole keystore.
    let fresh = sui_keystore(damaged_dir.path(), &[entry(0x00, 0x31), entry(0x00, 0x32)]);
    let (ok, doc, _) = run_json(
        home.path(),
        &[
            "keys",
            "import",
            "--sui-keystore",
            fresh.to_str().unwrap(),
            "--alias-prefix",
            "a",
        ],
        "",
    );
    assert!(ok, "{doc}");
    let keys_before = std::fs::read(home.path().join("keys.json")).unwrap();
    let again = sui_keystore(damaged_dir.path(), &[entry(0x00, 0x41), entry(0x00, 0x42)]);
    let (ok, doc, _) = run_json(
        home.path(),
        &[
            "keys",
            "import",
            "--sui-keystore",
            again.to_str().unwrap(),
            "--alias-prefix",
            "a",
        ],
        "",
    );
    assert!(!ok);
    assert!(
        doc["error"]
            .as_str()
            .unwrap()
            .contains("alias `a0` is taken"),
        "{doc}"
    );
    assert_eq!(
        std::fs::read(home.path().join("keys.json")).unwrap(),
        keys_before
    );
    assert_eq!(listed_ids(home.path()).len(), 3);
}

#[test]
fn export_refuses_keys_of_an_agent_a_remote_signer_or_a_token_and_decrypt_only_keys() {
    let home = tempfile::tempdir().unwrap();
    let (ok, doc, _) = run_json(
        home.path(),
        &["keys", "import", "-", "--alias", "a"],
        SUI_KEY_0,
    );
    assert!(ok, "{doc}");
    // Nothing listens at either signer: the refusal comes before any contact.
    for (signer, backend) in [
        ("agent:/nonexistent/agent.sock", "agent"),
        ("remote:127.0.0.1:9", "remote"),
    ] {
        let (ok, doc, _) = run_json(
            home.path(),
            &["--signer", signer, "keys", "export", "a"],
            "",
        );
        assert!(!ok, "{doc}");
        let error = doc["error"].as_str().unwrap();
        assert!(
            error.contains(&format!("the {backend} backend never hands a key out")),
            "{error}"
        );
        assert!(doc.get("suiprivkey").is_none(), "{doc}");
    }
    // A key recorded as being on a PKCS#11 token: its PIN is not even asked for.
    let client: Value =
        serde_json::from_slice(&std::fs::read(home.path().join("client.json")).unwrap()).unwrap();
    let mut client = client;
    client["aliases"]["hsm"] = SUI_ADDRESS_1.into();
    client["signers"] = serde_json::json!({
        SUI_ADDRESS_1: {"kind": "pkcs11", "module": "/nonexistent.so", "token_label": "t", "pin_env": "NO_SUCH_PIN"}
    });
    std::fs::write(
        home.path().join("client.json"),
        serde_json::to_vec(&client).unwrap(),
    )
    .unwrap();
    let (ok, doc, _) = run_json(home.path(), &["keys", "export", "hsm"], "");
    assert!(!ok);
    assert!(
        doc["error"]
            .as_str()
            .unwrap()
            .contains("the pkcs11 backend never hands a key out"),
        "{doc}"
    );
    // A decrypt-only key never signs here, and its seed would sign elsewhere.
    json(
        home.path(),
        Some(PASSWORD),
        &[
            "keys",
            "generate",
            "--alias",
            "dec",
            "--capabilities",
            "decrypt",
        ],
    );
    let (ok, doc, _) = run_json(home.path(), &["keys", "export", "dec"], "");
    assert!(!ok);
    assert!(
        doc["error"]
            .as_str()
            .unwrap()
            .contains("capabilities commit are not available"),
        "{doc}"
    );
}
