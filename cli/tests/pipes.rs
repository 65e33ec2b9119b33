//! Every printing command survives a reader that goes away (`movid did history DID | head -1`):
//! no panic, the command's own exit status, and with `--json` exactly one document otherwise.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_movid"))
}

/// A `$MOVID_HOME` with one funded dev key and an embedded chain holding one identity.
struct World {
    home: tempfile::TempDir,
    data_dir: String,
    did: String,
}

impl World {
    fn new() -> World {
        let home = tempfile::tempdir().unwrap();
        let data_dir = home.path().join("chain").to_str().unwrap().to_string();
        let mut w = World {
            home,
            data_dir,
            did: String::new(),
        };
        w.json(&["keys", "import-dev", "1"]);
        let created = w.json(&["--data-dir", &w.data_dir.clone(), "identity", "create"]);
        w.did = created["did"].as_str().unwrap().to_string();
        w
    }

    fn cmd(&self) -> Command {
        let mut c = Command::new(bin());
        c.env("MOVID_HOME", self.home.path())
            .env("MOVID_KEYSTORE_PASSWORD", "pipes test password")
            .env_remove("MOVID_RPC")
            .env("MOVID_KEYSTORE_PASSWORD", "pipes-test");
        c
    }

    fn json(&self, args: &[&str]) -> Value {
        let out = self.cmd().arg("--json").args(args).output().unwrap();
        assert!(
            out.status.success(),
            "movid {args:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// Runs `movid ARGS` with stdout a pipe whose reading end is already closed.
    fn with_closed_stdout(&self, args: &[&str]) -> (Option<i32>, String) {
        let mut child = self
            .cmd()
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// The printing commands, each as text and as `--json`.
    fn printing_commands(&self) -> Vec<Vec<String>> {
        let d = self.data_dir.as_str();
        let base: Vec<Vec<&str>> = vec![
            vec!["keys", "list"],
            vec!["--data-dir", d, "client", "gas"],
            vec!["--data-dir", d, "client", "objects"],
            vec!["--data-dir", d, "identity", "show", &self.did],
            vec!["--data-dir", d, "identity", "proposals", &self.did],
            vec!["--data-dir", d, "did", "resolve", &self.did],
            vec!["--data-dir", d, "did", "history", &self.did],
            vec!["--help"],
        ];
        let mut all = Vec::new();
        for args in base {
            all.push(args.iter().map(|s| s.to_string()).collect::<Vec<_>>());
            let mut json = vec!["--json".to_string()];
            json.extend(args.iter().map(|s| s.to_string()));
            all.push(json);
        }
        all
    }
}

#[test]
fn no_command_panics_when_its_reader_goes_away() {
    let w = World::new();
    for args in w.printing_commands() {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, stderr) = w.with_closed_stdout(&refs);
        assert!(
            !stderr.contains("panicked"),
            "movid {args:?} panicked on a closed stdout:\n{stderr}"
        );
        assert_eq!(code, Some(0), "movid {args:?} on a closed stdout: {stderr}");
    }
}

#[test]
fn a_failure_keeps_its_exit_status_when_its_reader_goes_away() {
    let w = World::new();
    let (code, stderr) = w.with_closed_stdout(&[
        "--json",
        "--data-dir",
        &w.data_dir,
        "identity",
        "show",
        "did:movid:local:0x00",
    ]);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_ne!(code, Some(0), "a failed command must not report success");
    assert!(stderr.contains("error:"), "{stderr}");
}

#[test]
fn json_output_is_exactly_one_document_for_successes_and_failures() {
    let w = World::new();
    let mut cases = w.printing_commands();
    cases.retain(|a| a[0] == "--json" && a[1] != "--help");
    cases.push(
        [
            "--json",
            "--data-dir",
            &w.data_dir,
            "identity",
            "show",
            "did:movid:local:0x00",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
    );
    for args in cases {
        let out = w.cmd().args(&args).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let mut docs = serde_json::Deserializer::from_str(&text).into_iter::<Value>();
        assert!(
            matches!(docs.next(), Some(Ok(_))),
            "movid {args:?} printed no JSON document: {text}"
        );
        assert!(
            docs.next().is_none(),
            "movid {args:?} printed more than one JSON document: {text}"
        );
    }
}

#[test]
fn a_command_line_clap_refuses_is_one_json_document_with_json() {
    let w = World::new();
    for args in [
        vec!["--json", "identity", "approve"],
        vec!["--json", "no-such-command"],
        vec!["--json", "identity"],
        vec!["identity", "show", "--json", "--no-such-flag"],
        vec!["--json", "client", "faucet", "--amount", "not-a-number"],
    ] {
        let out = w.cmd().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "movid {args:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        let mut docs = serde_json::Deserializer::from_str(&text).into_iter::<Value>();
        let first = match docs.next() {
            Some(Ok(v)) => v,
            other => panic!("movid {args:?} printed no JSON document ({other:?}): {text}"),
        };
        assert!(
            first["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{first}"
        );
        assert!(
            docs.next().is_none(),
            "movid {args:?}: more than one document"
        );
    }
    // Help stays help.
    let out = w.cmd().args(["--json", "--help"]).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("Usage"));
}
