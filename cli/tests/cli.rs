//! The `movid` binary against a real node on 127.0.0.1.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_movid"))
}

/// A `movid` invocation with its own `$MOVID_HOME`.
struct Env {
    home: tempfile::TempDir,
    rpc: Option<String>,
}

impl Env {
    fn new() -> Env {
        Env {
            home: tempfile::tempdir().unwrap(),
            rpc: None,
        }
    }

    fn cmd(&self) -> Command {
        let mut c = Command::new(bin());
        // Every test keystore has a password, as a user's should.
        c.env("MOVID_HOME", self.home.path())
            .env("MOVID_KEYSTORE_PASSWORD", "cli test password")
            .env_remove("MOVID_RPC");
        if let Some(r) = &self.rpc {
            c.env("MOVID_RPC", r);
        }
        c
    }

    /// Runs `movid --json ARGS` and returns the JSON it printed; panics on failure.
    fn json(&self, args: &[&str]) -> Value {
        let out = self.cmd().arg("--json").args(args).output().unwrap();
        assert!(
            out.status.success(),
            "movid {args:?} failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("movid {args:?} printed no JSON ({e})"))
    }

    /// Runs `movid ARGS`, expecting failure; returns stderr.
    fn fails(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().unwrap();
        assert!(!out.status.success(), "movid {args:?} should fail");
        String::from_utf8_lossy(&out.stderr).into_owned()
    }

    fn data_dir(&self) -> PathBuf {
        self.home.path().join("localnet")
    }
}

struct Node {
    child: Child,
    url: String,
    /// Kept open so the node can go on writing to its stdout.
    _stdout: BufReader<std::process::ChildStdout>,
}

impl Node {
    /// Starts `movid start` on a free port and waits until it serves.
    fn start(env: &Env) -> Node {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = env
            .cmd()
            .args([
                "start",
                "--rpc-addr",
                &format!("127.0.0.1:{port}"),
                "--data-dir",
            ])
            .arg(env.data_dir())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        stdout.read_line(&mut line).unwrap();
        assert!(line.contains("listening"), "node did not start: {line}");
        let url = format!("http://127.0.0.1:{port}");
        Node {
            child,
            url,
            _stdout: stdout,
        }
    }

    fn terminate(mut self) -> std::process::ExitStatus {
        Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s;
            }
            assert!(Instant::now() < deadline, "node did not stop on SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn rpc(url: &str, body: &str) -> Value {
    let out = Command::new("curl")
        .args(["-s", "-X", "POST", url, "-d", body])
        .output()
        .expect("curl runs");
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

fn with_node() -> (Env, Node) {
    let mut env = Env::new();
    let node = Node::start(&env);
    env.rpc = Some(node.url.clone());
    env.json(&["keys", "import-dev", "3"]);
    (env, node)
}

fn alias_address(env: &Env, alias: &str) -> String {
    let keys = env.json(&["keys", "list"]);
    keys["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["alias"] == alias)
        .unwrap()["address"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn a_package_is_created_built_tested_published_and_called() {
    let (env, _node) = with_node();
    let work = tempfile::tempdir().unwrap();
    let out = env
        .cmd()
        .current_dir(work.path())
        .args(["move", "new", "demo"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let pkg = work.path().join("demo");
    let build = env.json(&["move", "build", "--path", pkg.to_str().unwrap()]);
    assert_eq!(build["modules"], serde_json::json!(["demo"]));
    let test = env.json(&["move", "test", "--path", pkg.to_str().unwrap()]);
    assert_eq!(test["passed"], true);
    // Per-test results with gas, as `sui move test --statistics` reports them.
    assert_eq!(test["tests"][0]["name"], "bumping_counts");
    assert_eq!(test["tests"][0]["status"], "passed");
    assert!(test["tests"][0]["gas_used"].as_u64().unwrap() > 0);
    let listed = env.json(&["move", "test", "--list", "--path", pkg.to_str().unwrap()]);
    assert_eq!(listed["tests"].as_array().unwrap().len(), 1);
    let cov = env.json(&[
        "move",
        "test",
        "--coverage",
        "--path",
        pkg.to_str().unwrap(),
        "bumping",
    ]);
    let demo = cov["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["module"].as_str().unwrap().ends_with("::demo"))
        .unwrap()
        .clone();
    // create, bump, count and destroy_for_testing: all called by the one test.
    assert_eq!(demo["functions"], 4);
    assert_eq!(demo["called"], 4);
    let publish = env.json(&["client", "publish", "--path", pkg.to_str().unwrap()]);
    let package = publish["package"].as_str().unwrap();
    let call = env.json(&[
        "client",
        "call",
        "--package",
        package,
        "--module",
        "demo",
        "--function",
        "create",
    ]);
    let thing = call["created"][0]["id"].as_str().unwrap().to_string();
    env.json(&[
        "client",
        "call",
        "--package",
        package,
        "--module",
        "demo",
        "--function",
        "bump",
        "--args",
        &thing,
    ]);
    let obj = env.json(&["client", "object", &thing]);
    assert!(obj["version"].as_u64().unwrap() > 1);
    // A build error names the file and line.
    std::fs::write(
        pkg.join("sources/demo.move"),
        "module demo::demo { fun f() { let x = ; } }",
    )
    .unwrap();
    let err = env.fails(&["move", "build", "--path", pkg.to_str().unwrap()]);
    assert!(err.contains("demo.move") && err.contains(":1:"), "{err}");
}

#[test]
fn keys_are_generated_listed_switched_and_deleted() {
    let env = Env::new();
    let a = env.json(&["keys", "generate", "--alias", "alice"]);
    let b = env.json(&[
        "keys",
        "generate",
        "--alias",
        "bob",
        "--capabilities",
        "commit",
    ]);
    let listed = env.json(&["keys", "list"]);
    assert_eq!(listed["encrypted"], true);
    let list = &listed["keys"];
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert!(list[0]["active"].as_bool().unwrap() || list[1]["active"].as_bool().unwrap());
    let used = env.json(&["keys", "use", "bob"]);
    assert_eq!(used["active"], b["address"]);
    env.json(&["keys", "delete", "alice"]);
    let listed = env.json(&["keys", "list"]);
    let list = &listed["keys"];
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_ne!(list[0]["address"], a["address"]);
    let err = env.fails(&["keys", "use", "alice"]);
    assert!(err.contains("alias"), "{err}");
    assert!(env
        .fails(&["keys", "generate", "--alias", "bob"])
        .contains("taken"));
}

#[test]
fn an_identity_with_three_controllers_updates_its_document_after_two_approvals() {
    let (env, _node) = with_node();
    let (a, b, c) = (
        alias_address(&env, "dev0"),
        alias_address(&env, "dev1"),
        alias_address(&env, "dev2"),
    );
    let created = env.json(&[
        "identity",
        "create",
        "--controller",
        &format!("{a}:1"),
        "--controller",
        &format!("{b}:1"),
        "--controller",
        &format!("{c}:1"),
        "--threshold",
        "2",
    ]);
    let did = created["did"].as_str().unwrap().to_string();
    let doc = env.home.path().join("doc.json");
    std::fs::write(
        &doc,
        r#"{"@context":["https://www.w3.org/ns/did/v1"],"id":"did:0:0","service":[{"id":"did:0:0#web","type":"LinkedDomains","serviceEndpoint":"https://example.org"}]}"#,
    )
    .unwrap();
    let p = env.json(&[
        "identity",
        "propose",
        "update-doc",
        &did,
        "--doc",
        doc.to_str().unwrap(),
    ]);
    assert_eq!(p["executed"], false);
    assert_eq!(p["votes"], 1);
    assert_eq!(p["threshold"], 2);
    let pid = p["proposal_id"].as_str().unwrap().to_string();
    let err = env.fails(&["identity", "execute", &did, &pid]);
    assert!(err.contains("votes"), "{err}");
    env.json(&["keys", "use", "dev1"]);
    let approved = env.json(&["identity", "approve", &did, &pid]);
    assert_eq!(approved["votes"], 2);
    env.json(&["identity", "execute", &did, &pid]);
    let resolved = env.json(&["did", "resolve", &did]);
    assert_eq!(
        resolved["didDocument"]["service"][0]["serviceEndpoint"],
        "https://example.org"
    );
    assert_eq!(resolved["didDocument"]["id"], did.as_str());
    let shown = env.json(&["identity", "show", &did]);
    assert_eq!(shown["threshold"], 2);
    assert_eq!(shown["controllers"].as_array().unwrap().len(), 3);
    let history = env.json(&["did", "history", &did]);
    assert!(history.as_array().unwrap().len() >= 2);
    // The node resolves DIDs itself too.
    let r = rpc(
        &env.rpc.clone().unwrap(),
        &format!(r#"{{"jsonrpc":"2.0","id":1,"method":"movid_resolveDid","params":["{did}"]}}"#),
    );
    assert_eq!(r["result"]["didDocument"]["id"], did.as_str());
}

#[test]
fn a_delegation_token_is_revoked_and_unrevoked() {
    let (env, _node) = with_node();
    let me = alias_address(&env, "dev0");
    let created = env.json(&["identity", "create", "--delegator", &me]);
    let did = created["did"].as_str().unwrap().to_string();
    let b = alias_address(&env, "dev1");
    let token = env.json(&[
        "identity",
        "delegate",
        &did,
        "--to",
        &b,
        "--permissions",
        "create,approve",
    ]);
    let token_id = token["token"].as_str().unwrap().to_string();
    assert_eq!(token["permissions"], 3);
    // dev1 reaches the identity through the token alone.
    let controlled = env.json(&["identity", "controlled", &b]);
    assert_eq!(controlled["dids"], serde_json::json!([did]));
    let nobody = env.json(&["identity", "controlled", &alias_address(&env, "dev2")]);
    assert_eq!(nobody["dids"], serde_json::json!([]));
    env.json(&["identity", "revoke-token", &did, &token_id]);
    let shown = env.json(&["identity", "show", &did]);
    assert!(shown.to_string().contains(&token_id[2..10]) || shown["controllers"].is_array());
    let shown = env.json(&["identity", "show", &did]);
    assert_eq!(shown["revoked_tokens"][0], token_id.as_str());
    // Sole controller, threshold 1: the unrevoke proposal executes at once.
    let unrevoked = env.json(&["identity", "unrevoke-token", &did, &token_id]);
    assert_eq!(unrevoked["executed"], true);
    let shown = env.json(&["identity", "show", &did]);
    assert_eq!(shown["revoked_tokens"], serde_json::json!([]));
    // An ID that is not a token of this identity cannot be revoked.
    let err = env.fails(&[
        "identity",
        "revoke-token",
        &did,
        created["id"].as_str().unwrap(),
    ]);
    assert!(err.contains("not a live delegation token"), "{err}");
    // Revoking twice in a row fails with a named error.
    env.json(&["identity", "revoke-token", &did, &token_id]);
    let err = env.fails(&["identity", "revoke-token", &did, &token_id]);
    assert!(err.to_lowercase().contains("revoked"), "{err}");
}

#[test]
fn the_threshold_rejects_a_proposal_away_and_proposals_lists_rejections() {
    let (env, _node) = with_node();
    let (a, b, c) = (
        alias_address(&env, "dev0"),
        alias_address(&env, "dev1"),
        alias_address(&env, "dev2"),
    );
    let created = env.json(&[
        "identity",
        "create",
        "--controller",
        &format!("{a}:1"),
        "--controller",
        &format!("{b}:1"),
        "--controller",
        &format!("{c}:1"),
        "--threshold",
        "2",
    ]);
    let did = created["did"].as_str().unwrap().to_string();
    env.json(&["keys", "use", "dev2"]);
    let p = env.json(&["identity", "propose", "deactivate", &did]);
    let pid = p["proposal_id"].as_str().unwrap().to_string();
    env.json(&["keys", "use", "dev0"]);
    let rejected = env.json(&["identity", "reject", &did, &pid]);
    assert_eq!(rejected["deleted"], false);
    let listed = env.json(&["identity", "proposals", &did]);
    assert_eq!(listed[0]["rejections"], 1);
    assert_eq!(listed[0]["votes"], 1);
    env.json(&["keys", "use", "dev1"]);
    let rejected = env.json(&["identity", "reject", &did, &pid]);
    assert_eq!(rejected["deleted"], true);
    assert_eq!(
        env.json(&["identity", "proposals", &did]),
        serde_json::json!([])
    );
}

#[test]
fn identity_create_gives_no_right_to_delegate_unless_asked() {
    let (env, _node) = with_node();
    let created = env.json(&["identity", "create"]);
    let did = created["did"].as_str().unwrap().to_string();
    let b = alias_address(&env, "dev1");
    let err = env.fails(&["identity", "delegate", &did, "--to", &b]);
    assert!(err.contains("without the right to delegate"), "{err}");
}

#[test]
fn the_embedded_mode_runs_the_chain_in_process_and_is_refused_while_a_node_holds_the_dir() {
    let env = Env::new();
    env.json(&["keys", "import-dev", "1"]);
    let dir = env.home.path().join("embedded");
    let d = dir.to_str().unwrap();
    let created = env.json(&["--data-dir", d, "identity", "create"]);
    let did = created["did"].as_str().unwrap().to_string();
    let resolved = env.json(&["--data-dir", d, "did", "resolve", &did]);
    assert!(resolved["didDocument"]["verificationMethod"].is_array());
    // A node on the same directory holds it; embedded use is then refused.
    let node_env = Env {
        home: tempfile::tempdir().unwrap(),
        rpc: None,
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = node_env
        .cmd()
        .args([
            "start",
            "--rpc-addr",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
            d,
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    stdout.read_line(&mut line).unwrap();
    let err = env.fails(&["--data-dir", d, "did", "resolve", &did]);
    assert!(err.contains("in use"), "{err}");
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn a_restarted_node_keeps_its_state_and_a_second_node_is_refused() {
    let mut env = Env::new();
    let node = Node::start(&env);
    env.rpc = Some(node.url.clone());
    env.json(&["keys", "import-dev", "1"]);
    let created = env.json(&["identity", "create"]);
    let did = created["did"].as_str().unwrap().to_string();
    // A second node on the same data dir is refused.
    let out = env
        .cmd()
        .args(["start", "--rpc-addr", "127.0.0.1:0", "--data-dir"])
        .arg(env.data_dir())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("in use"));
    let status = node.terminate();
    assert!(status.success(), "node exited with {status}");
    let node = Node::start(&env);
    env.rpc = Some(node.url.clone());
    let resolved = env.json(&["did", "resolve", &did]);
    assert_eq!(resolved["didDocument"]["id"], did.as_str());
}

#[test]
fn malformed_json_rpc_requests_get_errors() {
    let env = Env::new();
    let node = Node::start(&env);
    let u = &node.url;
    assert_eq!(rpc(u, "{not json")["error"]["code"], -32700);
    assert_eq!(
        rpc(
            u,
            r#"{"jsonrpc":"2.0","id":1,"method":"movid_nope","params":[]}"#
        )["error"]["code"],
        -32601
    );
    assert_eq!(
        rpc(
            u,
            r#"{"jsonrpc":"2.0","id":1,"method":"movid_getObject","params":["zz"]}"#
        )["error"]["code"],
        -32602
    );
    assert_eq!(
        rpc(u, r#"{"jsonrpc":"1.0","id":1,"method":"movid_getEpoch"}"#)["error"]["code"],
        -32600
    );
    assert_eq!(
        rpc(
            u,
            r#"{"jsonrpc":"2.0","id":1,"method":"movid_executeTransaction","params":["!!", []]}"#
        )["error"]["code"],
        -32602
    );
    let big = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"movid_getEpoch","params":["{}"]}}"#,
        "a".repeat(2 << 20)
    );
    let tmp = env.home.path().join("big.json");
    std::fs::write(&tmp, big).unwrap();
    let out = Command::new("curl")
        .args(["-s", "-X", "POST", u, "--data-binary"])
        .arg(format!("@{}", tmp.display()))
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["code"], -32600);
    // Still serving.
    assert_eq!(
        rpc(
            u,
            r#"{"jsonrpc":"2.0","id":7,"method":"movid_getEpoch","params":[]}"#
        )["result"],
        0
    );
}

#[test]
fn sigterm_during_a_stream_of_transactions_loses_no_acknowledged_one() {
    let mut env = Env::new();
    let node = Node::start(&env);
    env.rpc = Some(node.url.clone());
    env.json(&["keys", "import-dev", "1"]);
    let me = alias_address(&env, "dev0");
    // Faucet grants are acknowledged writes; stream them from a thread until the node stops.
    let url = node.url.clone();
    let me2 = me.clone();
    let writer = std::thread::spawn(move || {
        let mut acked = vec![];
        for _ in 0..200 {
            let r = rpc(
                &url,
                &format!(
                    r#"{{"jsonrpc":"2.0","id":1,"method":"movid_faucet","params":["{me2}", 1000]}}"#
                ),
            );
            match r["result"]["object_id"].as_str() {
                Some(id) => acked.push(id.to_string()),
                None => break,
            }
        }
        acked
    });
    std::thread::sleep(Duration::from_millis(400));
    let status = node.terminate();
    assert!(status.success());
    let acked = writer.join().unwrap();
    assert!(!acked.is_empty());
    let node = Node::start(&env);
    env.rpc = Some(node.url.clone());
    for id in &acked {
        let o = env.json(&["client", "object", id]);
        assert_eq!(o["id"], id.as_str());
    }
    drop(node);
}

#[test]
fn bench_reports_throughput_latency_and_memory_as_json() {
    let env = Env::new();
    for w in ["transfer", "proposal"] {
        let r = env.json(&[
            "bench",
            "--workload",
            w,
            "--store",
            "redb",
            "--count",
            "20",
            "--controllers",
            "3",
        ]);
        assert_eq!(r["count"].as_u64().unwrap(), 20);
        assert!(r["per_second"].as_f64().unwrap() > 0.0);
        assert!(r["p99_ms"].as_f64().unwrap() >= r["p50_ms"].as_f64().unwrap());
        assert!(r["peak_memory_kib"].as_u64().unwrap() > 0);
    }
}

#[test]
fn bench_reports_full_cost_floor_and_ratio_for_every_workload() {
    let env = Env::new();
    let positive = |r: &Value, k: &str| {
        let v = r[k]
            .as_f64()
            .unwrap_or_else(|| panic!("{k} missing in {r}"));
        assert!(v > 0.0, "{k} = {v} in {r}");
    };
    for (w, store) in [
        ("transfer", "memory"),
        ("create-identity", "redb"),
        ("proposal", "memory"),
        ("resolve", "redb"),
    ] {
        let r = env.json(&[
            "bench",
            "--workload",
            w,
            "--store",
            store,
            "--count",
            "12",
            "--batch",
            "4",
        ]);
        assert_eq!(r["workload"], w);
        assert_eq!(r["count"].as_u64().unwrap(), 12);
        for k in ["full_us_per_tx", "floor_us_per_tx", "ratio", "per_second"] {
            positive(&r, k);
        }
    }
    // One at a time, through `execute`.
    let r = env.json(&[
        "bench",
        "--workload",
        "proposal",
        "--count",
        "4",
        "--batch",
        "1",
    ]);
    assert_eq!(r["latency_unit"], "transaction");
    positive(&r, "ratio");

    let r = env.json(&[
        "bench",
        "--identities",
        "30",
        "--count",
        "6",
        "--batch",
        "4",
    ]);
    assert_eq!(r["identities"].as_u64().unwrap(), 30);
    let rows = r["checkpoints"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["identities"].as_u64().unwrap(), 30);
    for k in ["full_us_per_tx", "floor_us_per_tx", "ratio"] {
        positive(&rows[0], k);
    }
    positive(&r, "store_bytes_per_identity");
    positive(&r, "object_bytes_per_identity");
}

/// Runs `movid --json ARGS`, expecting failure; returns the one JSON document it printed.
fn json_failure(env: &Env, args: &[&str]) -> Value {
    let out = env.cmd().arg("--json").args(args).output().unwrap();
    assert!(!out.status.success(), "movid {args:?} should fail");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "movid {args:?} printed no single JSON document ({e}):\n{}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// The Python of the venv scripts/test.sh installs pydid into. Missing is a failure, not a skip.
fn interop_python() -> PathBuf {
    let python = std::env::var_os("MOVID_INTEROP_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/interop-venv/bin/python")
        });
    let ok = Command::new(&python)
        .args(["-c", "import pydid, base58"])
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok,
        "{} cannot import pydid: run scripts/test.sh (the README's test command), which installs it",
        python.display()
    );
    python
}

/// Checks every document in `docs` with pydid (cli/tests/interop/check_did_documents.py);
/// returns whether all passed and what the checker printed.
fn pydid_check(docs: &[Value]) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut paths = vec![];
    for (i, doc) in docs.iter().enumerate() {
        let p = dir.path().join(format!("doc-{i}.json"));
        std::fs::write(&p, serde_json::to_vec_pretty(doc).unwrap()).unwrap();
        paths.push(p);
    }
    let script =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/interop/check_did_documents.py");
    let out = Command::new(interop_python())
        .arg(script)
        .args(&paths)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// A rich document: Multikey and JWK keys (Ed25519, X25519), an embedded method, relative
/// references, several controllers, alsoKnownAs and services with URL, map and set endpoints.
const RICH_DOC: &str = r##"{
  "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1",
               "https://w3id.org/security/suites/jws-2020/v1"],
  "id": "did:0:0",
  "controller": ["did:0:0", "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"],
  "alsoKnownAs": ["https://alice.example"],
  "verificationMethod": [
    {"id": "did:0:0#key-1", "type": "Multikey", "controller": "did:0:0",
     "publicKeyMultibase": "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"},
    {"id": "did:0:0#jwk-1", "type": "JsonWebKey2020", "controller": "did:0:0",
     "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519", "x": "CQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk"}},
    {"id": "did:0:0#enc-1", "type": "JsonWebKey2020", "controller": "did:0:0",
     "publicKeyJwk": {"kty": "OKP", "crv": "X25519", "x": "BQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQU"}}
  ],
  "authentication": ["did:0:0#key-1", "#jwk-1",
    {"id": "did:0:0#emb-1", "type": "Multikey", "controller": "did:0:0",
     "publicKeyMultibase": "z6LSbysY2xFMRpGMhb7tFTLMpeuPRaqaWM1yECx2AtzE3KCc"}],
  "assertionMethod": ["did:0:0#jwk-1"],
  "keyAgreement": ["did:0:0#enc-1"],
  "capabilityInvocation": ["did:0:0#key-1"],
  "service": [
    {"id": "did:0:0#files", "type": "FileHosting", "serviceEndpoint": "https://files.example/alice/"},
    {"id": "#hub", "type": ["DIDCommMessaging", "Hub"],
     "serviceEndpoint": ["https://hub.example", {"uri": "https://hub2.example", "accept": ["didcomm/v2"]}]},
    {"id": "did:0:0#origins", "type": "LinkedDomains", "serviceEndpoint": {"origins": ["https://alice.example"]}}
  ]
}"##;

#[test]
fn resolved_documents_parse_with_an_independent_did_library() {
    let (env, _node) = with_node();
    let mut docs = vec![];
    // The default document of `identity create`.
    let plain = env.json(&["identity", "create"])["did"]
        .as_str()
        .unwrap()
        .to_string();
    docs.push(env.json(&["did", "resolve", &plain])["didDocument"].clone());
    // A rich document, its older version, and its plain-JSON representation.
    let file = env.home.path().join("rich.json");
    std::fs::write(&file, RICH_DOC).unwrap();
    let rich = env.json(&["identity", "create", "--doc", file.to_str().unwrap()])["did"]
        .as_str()
        .unwrap()
        .to_string();
    let first = env.json(&["did", "resolve", &rich]);
    let first_version = first["didDocumentMetadata"]["versionId"]
        .as_str()
        .unwrap()
        .to_string();
    std::fs::write(
        &file,
        RICH_DOC.replace("https://files.example/alice/", "https://files.example/v2/"),
    )
    .unwrap();
    env.json(&[
        "identity",
        "propose",
        "update-doc",
        &rich,
        "--doc",
        file.to_str().unwrap(),
    ]);
    let latest = env.json(&["did", "resolve", &rich]);
    assert_ne!(
        latest["didDocumentMetadata"]["versionId"],
        first["didDocumentMetadata"]["versionId"]
    );
    let old = env.json(&["did", "resolve", &rich, "--version-id", &first_version]);
    assert_eq!(old["didDocument"], first["didDocument"]);
    assert_eq!(
        old["didDocumentMetadata"]["nextVersionId"],
        latest["didDocumentMetadata"]["versionId"]
    );
    let as_json = env.json(&["did", "resolve", &rich, "--accept", "application/did+json"]);
    assert_eq!(
        as_json["didResolutionMetadata"]["contentType"],
        "application/did+json"
    );
    assert!(as_json["didDocument"].get("@context").is_none());
    docs.extend([
        first["didDocument"].clone(),
        latest["didDocument"].clone(),
        as_json["didDocument"].clone(),
    ]);
    // What the HTTP resolver serves.
    let url = format!("{}/1.0/identifiers/{rich}", env.rpc.as_ref().unwrap());
    let out = Command::new("curl")
        .args(["-s", "-H", "Accept: application/did+ld+json", &url])
        .output()
        .expect("curl runs");
    docs.push(serde_json::from_slice(&out.stdout).unwrap());

    for doc in &docs {
        assert!(doc["id"].is_string(), "not a document: {doc}");
    }
    let (ok, report) = pydid_check(&docs);
    assert!(ok, "pydid refused a resolved document:\n{report}");
    assert!(
        report.contains(&format!("checked {} documents, 0 failed", docs.len())),
        "{report}"
    );

    // The checker is not a rubber stamp: a key that is not base58 fails it.
    let mut bad = docs[1].clone();
    bad["verificationMethod"][0]["publicKeyMultibase"] = Value::String("z0OIl".into());
    let (ok, report) = pydid_check(&[bad]);
    assert!(!ok, "the checker accepted a non-base58 key:\n{report}");
}

#[test]
fn invalid_documents_are_refused_before_they_go_on_chain() {
    let (env, _node) = with_node();
    let file = env.home.path().join("bad.json");
    let not_base58 = RICH_DOC.replace("z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp", "z0OIl");
    let no_context = RICH_DOC.replace(r#""https://w3id.org/security/multikey/v1","#, "");
    let private_jwk = RICH_DOC.replace(
        r#""crv": "Ed25519","#,
        r#""crv": "Ed25519", "d": "c2VjcmV0","#,
    );
    let owned_before = env.json(&["client", "objects"]);
    for (bad, what) in [
        (not_base58, "base58"),
        (no_context, "Multikey"),
        (private_jwk, "private"),
    ] {
        std::fs::write(&file, &bad).unwrap();
        let err = env.fails(&["identity", "create", "--doc", file.to_str().unwrap()]);
        assert!(err.contains(what), "{what}: {err}");
        let err = env.fails(&["did", "validate", file.to_str().unwrap()]);
        assert!(err.contains(what), "{what}: {err}");
    }
    // Nothing was sent: the sender's objects (gas coins, caps) are unchanged.
    assert_eq!(env.json(&["client", "objects"]), owned_before);
    std::fs::write(&file, RICH_DOC).unwrap();
    assert_eq!(
        env.json(&["did", "validate", file.to_str().unwrap()])["valid"],
        true
    );
}

#[test]
fn failed_resolution_exits_non_zero_with_one_json_document() {
    let (env, _node) = with_node();
    let unknown = format!("did:movid:local:0x{}", "5a".repeat(32));
    let r = json_failure(&env, &["did", "resolve", &unknown]);
    assert_eq!(
        r["didResolutionMetadata"]["error"]["type"],
        "https://www.w3.org/ns/did#NOT_FOUND"
    );
    assert_eq!(r["didDocumentMetadata"], serde_json::json!({}));
    let r = json_failure(&env, &["did", "resolve", "did:movid:local:0x12"]);
    assert_eq!(
        r["didResolutionMetadata"]["error"]["type"],
        "https://www.w3.org/ns/did#INVALID_DID"
    );
    let did = env.json(&["identity", "create"])["did"]
        .as_str()
        .unwrap()
        .to_string();
    let r = json_failure(
        &env,
        &["did", "resolve", &did, "--accept", "application/xml"],
    );
    assert_eq!(
        r["didResolutionMetadata"]["error"]["type"],
        "https://www.w3.org/ns/did#REPRESENTATION_NOT_SUPPORTED"
    );
    let r = json_failure(&env, &["did", "resolve", &did, "--option", "transform=x"]);
    assert_eq!(
        r["didResolutionMetadata"]["error"]["type"],
        "https://www.w3.org/ns/did#FEATURE_NOT_SUPPORTED"
    );
    let err = env.fails(&["did", "resolve", &unknown]);
    assert!(err.contains("NOT_FOUND"), "{err}");
    // Dereferencing: a method by fragment, a missing one fails.
    let m = env.json(&["did", "dereference", &format!("{did}#key-1")]);
    assert_eq!(m["contentStream"]["type"], "Multikey");
    let r = json_failure(&env, &["did", "dereference", &format!("{did}#nope")]);
    assert_eq!(
        r["dereferencingMetadata"]["error"]["type"],
        "https://www.w3.org/ns/did#NOT_FOUND"
    );
}

/// `GET URL` with `Accept: accept` through curl: (status, content type, location, body).
fn http_get(url: &str, accept: Option<&str>) -> (u16, String, String, String) {
    let mut c = Command::new("curl");
    c.args([
        "-s",
        "-o",
        "-",
        "-w",
        "\n%{http_code}\n%{content_type}\n%{redirect_url}",
    ]);
    if let Some(a) = accept {
        c.args(["-H", &format!("Accept: {a}")]);
    }
    let out = c.arg(url).output().expect("curl runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut lines: Vec<&str> = text.rsplitn(4, '\n').collect();
    lines.reverse();
    let (body, status, content_type, location) = (lines[0], lines[1], lines[2], lines[3]);
    (
        status.parse().unwrap_or(0),
        content_type.to_owned(),
        location.to_owned(),
        body.to_owned(),
    )
}

#[test]
fn the_resolver_endpoint_answers_with_the_drafts_status_codes() {
    let (env, _node) = with_node();
    let base = format!("{}/1.0/identifiers/", env.rpc.as_ref().unwrap());
    let file = env.home.path().join("rich.json");
    std::fs::write(&file, RICH_DOC).unwrap();
    let did = env.json(&["identity", "create", "--doc", file.to_str().unwrap()])["did"]
        .as_str()
        .unwrap()
        .to_string();
    let gone = env.json(&["identity", "create"])["did"]
        .as_str()
        .unwrap()
        .to_string();
    env.json(&["identity", "propose", "deactivate", &gone]);
    let encoded = did.replace(':', "%3A");

    let (status, ct, _, body) = http_get(&format!("{base}{did}"), None);
    assert_eq!((status, ct.as_str()), (200, "application/did-resolution"));
    let result: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(result["didDocument"]["id"], did.as_str());
    let (status, ct, _, body) = http_get(&format!("{base}{did}"), Some("application/did+ld+json"));
    assert_eq!((status, ct.as_str()), (200, "application/did+ld+json"));
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["id"],
        did.as_str()
    );
    let (status, ct, _, _) = http_get(&format!("{base}{did}"), Some("application/did+json"));
    assert_eq!((status, ct.as_str()), (200, "application/did+json"));

    let cases: Vec<(String, Option<&str>, u16, &str)> = vec![
        (
            format!("{base}did:movid:local:0x12"),
            None,
            400,
            "INVALID_DID",
        ),
        (
            format!("{base}{encoded}?versionTime=never"),
            None,
            400,
            "INVALID_OPTIONS",
        ),
        (
            format!("{base}did:movid:local:0x{}", "5a".repeat(32)),
            None,
            404,
            "NOT_FOUND",
        ),
        (format!("{base}{did}?versionId=99"), None, 404, "NOT_FOUND"),
        (
            format!("{base}{did}"),
            Some("application/xml"),
            406,
            "REPRESENTATION_NOT_SUPPORTED",
        ),
        (
            format!("{base}did:web:example.com"),
            None,
            501,
            "METHOD_NOT_SUPPORTED",
        ),
        (
            format!("{base}{encoded}?transform=x"),
            None,
            501,
            "FEATURE_NOT_SUPPORTED",
        ),
    ];
    for (url, accept, expected, error) in cases {
        let (status, ct, _, body) = http_get(&url, accept);
        assert_eq!(status, expected, "{url}: {body}");
        assert!(ct.starts_with("application/did"), "{url}: {ct}");
        let v: Value = serde_json::from_str(&body).unwrap();
        let t = v["didResolutionMetadata"]["error"]["type"]
            .as_str()
            .unwrap_or_default();
        assert_eq!(t, format!("https://www.w3.org/ns/did#{error}"), "{url}");
    }
    let (status, _, _, body) = http_get(&format!("{base}{gone}"), None);
    assert_eq!(status, 410, "{body}");
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["didDocumentMetadata"]["deactivated"],
        true
    );

    // DID URLs: a method by fragment, a service endpoint by redirect.
    let (status, ct, _, body) = http_get(
        &format!("{base}{encoded}%23key-1"),
        Some("application/did+ld+json"),
    );
    assert_eq!((status, ct.as_str()), (200, "application/did+ld+json"));
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["type"],
        "Multikey"
    );
    let (status, _, location, _) = http_get(
        &format!("{base}{did}?service=files&relativeRef=%2Fcv.pdf"),
        Some("text/uri-list"),
    );
    assert_eq!(
        (status, location.as_str()),
        (303, "https://files.example/cv.pdf")
    );
    let (status, ct, _, _) = http_get(
        &format!("{base}{did}?service=files&relativeRef=cv.pdf"),
        None,
    );
    assert_eq!(
        (status, ct.as_str()),
        (200, "application/did-url-dereferencing")
    );
    let (status, _, _, _) = http_get(&format!("{base}{encoded}%23nope"), None);
    assert_eq!(status, 404);
    // Other paths are not the resolver's.
    let (status, _, _, _) = http_get(&format!("{}/1.0/other", env.rpc.as_ref().unwrap()), None);
    assert_eq!(status, 404);
}

/// A package whose `init` freezes an object (the escrow example's coin metadata) is reported
/// with its real package ID, its `UpgradeCap` and its objects by type; a call with a `String`
/// argument works, and `--dry-run` shows what a call would do without doing it.
#[test]
fn publishing_the_escrow_example_reports_the_package_and_a_dry_run_changes_nothing() {
    let (env, _node) = with_node();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../move/examples/escrow");
    let publish = env.json(&["client", "publish", "--path", dir.to_str().unwrap()]);
    let package = publish["package"].as_str().unwrap().to_string();
    let obj = env.json(&["client", "object", &package]);
    assert!(obj.to_string().contains("\"market\""), "{obj}");
    assert!(publish["upgrade_cap"].is_string());
    let by_type = publish["objects_by_type"].as_object().unwrap();
    let keys: Vec<&String> = by_type.keys().collect();
    assert!(
        keys.iter().any(|k| k.contains("::coin::CoinMetadata<")),
        "{keys:?}"
    );
    assert!(
        keys.iter().any(|k| k.ends_with("::market::Market")),
        "{keys:?}"
    );
    assert!(
        keys.iter().any(|k| k.contains("::display::Display<")),
        "{keys:?}"
    );
    let mint = [
        "client",
        "call",
        "--package",
        &package,
        "--module",
        "market",
        "--function",
        "mint",
        "--args",
        "Sword",
        "9",
    ];
    // `--args` takes every value after it, so `--dry-run` goes before it.
    let mut dry = mint.to_vec();
    dry.insert(2, "--dry-run");
    let before = env.json(&["client", "objects"]);
    let preview = env.json(&dry);
    assert_eq!(preview["dry_run"], true);
    assert_eq!(preview["created"].as_array().unwrap().len(), 1);
    assert_eq!(
        before,
        env.json(&["client", "objects"]),
        "a dry run changes nothing"
    );
    let call = env.json(&mint);
    let item = call["created"][0]["id"].as_str().unwrap().to_string();
    let item = env.json(&["client", "object", &item]);
    assert!(item.to_string().contains("Item"), "{item}");
}

/// `movid --json ARGS` as the active key `alias`.
fn json_as(env: &Env, alias: &str, args: &[&str]) -> Value {
    env.json(&["keys", "use", alias]);
    env.json(args)
}

#[test]
fn sponsored_and_offline_transactions_round_trip_and_a_missing_or_foreign_sponsor_signature_is_refused(
) {
    let (env, _node) = with_node();
    let (a, b, sponsor) = (
        alias_address(&env, "dev0"),
        alias_address(&env, "dev1"),
        alias_address(&env, "dev2"),
    );
    let created = json_as(
        &env,
        "dev0",
        &[
            "identity",
            "create",
            "--controller",
            &format!("{a}:1"),
            "--controller",
            &format!("{b}:1"),
            "--threshold",
            "2",
        ],
    );
    let did = created["did"].as_str().unwrap().to_string();
    let doc = env.home.path().join("doc.json");
    std::fs::write(
        &doc,
        r#"{"@context":["https://www.w3.org/ns/did/v1"],"id":"did:0:0","service":[{"id":"did:0:0#web","type":"LinkedDomains","serviceEndpoint":"https://example.org/offline"}]}"#,
    )
    .unwrap();
    let p = env.json(&[
        "identity",
        "propose",
        "update-doc",
        &did,
        "--doc",
        doc.to_str().unwrap(),
    ]);
    let pid = p["proposal_id"].as_str().unwrap().to_string();
    let votes = |env: &Env| {
        env.json(&["identity", "proposals", &did])[0]["votes"]
            .as_u64()
            .unwrap()
    };

    // dev1's approval, paid for by dev2: serialized, then signed by each.
    let unsigned = json_as(
        &env,
        "dev1",
        &[
            "--serialize-unsigned",
            "--sponsor",
            "dev2",
            "identity",
            "approve",
            &did,
            &pid,
        ],
    );
    assert_eq!(unsigned["sender"], b.as_str());
    assert_eq!(unsigned["gas_owner"], sponsor.as_str());
    assert_eq!(unsigned["signers"], serde_json::json!([b, sponsor]));
    let bytes = unsigned["tx_bytes"].as_str().unwrap().to_string();
    let sig_sender = env.json(&["client", "sign", "--tx", &bytes]);
    assert_eq!(sig_sender["signer"], b.as_str());
    let sig_sender = sig_sender["signature"].as_str().unwrap().to_string();
    // Nothing ran yet.
    assert_eq!(votes(&env), 1);

    // dev0 is named by neither role: it may not sign.
    env.json(&["keys", "use", "dev0"]);
    let refused = json_failure(&env, &["client", "sign", "--tx", &bytes]);
    assert!(
        refused["error"].as_str().unwrap().contains("not a signer"),
        "{refused}"
    );

    // The sponsor signs other bytes (a rejection), then the sender's signature alone: refused.
    let other = json_as(
        &env,
        "dev1",
        &[
            "--serialize-unsigned",
            "--sponsor",
            "dev2",
            "identity",
            "reject",
            &did,
            &pid,
        ],
    )["tx_bytes"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(other, bytes);
    let sig_other = json_as(&env, "dev2", &["client", "sign", "--tx", &other])["signature"]
        .as_str()
        .unwrap()
        .to_string();
    let sponsor_gas = env.json(&["client", "gas", "dev2"]);
    let refused = json_failure(
        &env,
        &[
            "client",
            "execute-signed",
            "--tx",
            &bytes,
            "--signature",
            &sig_sender,
            &sig_other,
        ],
    );
    assert!(refused["error"].as_str().is_some(), "{refused}");
    let refused = json_failure(
        &env,
        &[
            "client",
            "execute-signed",
            "--tx",
            &bytes,
            "--signature",
            &sig_sender,
        ],
    );
    assert!(refused["error"].as_str().is_some(), "{refused}");
    assert_eq!(votes(&env), 1);
    assert_eq!(env.json(&["client", "gas", "dev2"]), sponsor_gas);

    // With the sponsor's signature over these bytes it runs, on the sponsor's gas.
    let sig_sponsor = env.json(&["client", "sign", "--tx", &bytes])["signature"]
        .as_str()
        .unwrap()
        .to_string();
    let done = env.json(&[
        "client",
        "execute-signed",
        "--tx",
        &bytes,
        "--signature",
        &sig_sponsor,
        &sig_sender,
    ]);
    assert_eq!(done["gas_owner"], sponsor.as_str());
    assert_eq!(votes(&env), 2);
    let after = env.json(&["client", "gas", "dev2"]);
    assert!(after["total"].as_u64().unwrap() < sponsor_gas["total"].as_u64().unwrap());

    // Unsponsored, in text mode: the output is the bytes alone, ready for --tx.
    env.json(&["keys", "use", "dev1"]);
    let out = env
        .cmd()
        .args(["--serialize-unsigned", "identity", "execute", &did, &pid])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let sig = env.json(&["client", "sign", "--tx", &bytes])["signature"]
        .as_str()
        .unwrap()
        .to_string();
    env.json(&[
        "client",
        "execute-signed",
        "--tx",
        &bytes,
        "--signature",
        &sig,
    ]);
    let resolved = env.json(&["did", "resolve", &did]);
    assert_eq!(
        resolved["didDocument"]["service"][0]["serviceEndpoint"],
        "https://example.org/offline"
    );

    // `client call`, sponsored: dev0 sends one of its coins to dev1; dev2 pays the gas.
    let coins = json_as(&env, "dev0", &["client", "gas"]);
    let coin = coins["coins"][0]["id"].as_str().unwrap().to_string();
    let coin_value = coins["coins"][0]["value"].as_u64().unwrap();
    let call = env.json(&[
        "--serialize-unsigned",
        "--sponsor",
        "dev2",
        "client",
        "call",
        "--package",
        "0x2",
        "--module",
        "sui",
        "--function",
        "transfer",
        "--args",
        &coin,
        &b,
    ]);
    let bytes = call["tx_bytes"].as_str().unwrap().to_string();
    let s0 = env.json(&["client", "sign", "--tx", &bytes])["signature"]
        .as_str()
        .unwrap()
        .to_string();
    let s2 = json_as(&env, "dev2", &["client", "sign", "--tx", &bytes])["signature"]
        .as_str()
        .unwrap()
        .to_string();
    env.json(&[
        "client",
        "execute-signed",
        "--tx",
        &bytes,
        "--signature",
        &s0,
        &s2,
    ]);
    let moved = env.json(&["client", "object", &coin]);
    assert_eq!(moved["owner"]["AddressOwner"], b.as_str());
    // The coin arrived whole: the gas was not taken from it.
    let bobs = env.json(&["client", "gas", "dev1"]);
    assert!(bobs["coins"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["id"] == coin.as_str() && c["value"] == coin_value));

    // Commands that cannot serialize refuse the flag instead of executing.
    let refused = json_failure(&env, &["--serialize-unsigned", "client", "faucet"]);
    assert!(refused["error"]
        .as_str()
        .unwrap()
        .contains("--serialize-unsigned"));
    // Garbage bytes are named.
    let refused = json_failure(&env, &["client", "sign", "--tx", "not base64!"]);
    assert!(
        refused["error"].as_str().unwrap().contains("base64"),
        "{refused}"
    );
}

/// `client call --dev-inspect` runs a call that returns values without committing it and
/// prints them decoded; an unknown function is refused by name, as one JSON document.
#[test]
fn dev_inspect_prints_decoded_return_values_and_changes_nothing() {
    let (env, _node) = with_node();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../move/examples/escrow");
    let publish = env.json(&["client", "publish", "--path", dir.to_str().unwrap()]);
    let package = publish["package"].as_str().unwrap().to_string();
    let call = |function: &'static str, args: Vec<String>| {
        let mut v: Vec<String> = [
            "client",
            "call",
            "--dev-inspect",
            "--package",
            &package,
            "--module",
            "market",
            "--function",
            function,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        if !args.is_empty() {
            v.push("--args".into());
            v.extend(args);
        }
        v
    };
    let mint = env.json(&[
        "client",
        "call",
        "--package",
        &package,
        "--module",
        "market",
        "--function",
        "mint",
        "--args",
        "Sword",
        "9",
    ]);
    let item = mint["created"][0]["id"].as_str().unwrap().to_string();
    let before = env.json(&["client", "objects"]);
    let item_before = env.json(&["client", "object", &item]);

    let name = call("name", vec![item.clone()]);
    let name: Vec<&str> = name.iter().map(String::as_str).collect();
    let r = env.json(&name);
    assert_eq!(r["dev_inspect"], true);
    assert!(r["status"].to_string().contains("Success"), "{r}");
    assert_eq!(
        r["return_values"],
        serde_json::json!([[{ "type": "0x1::string::String", "value": "Sword" }]])
    );
    let power = call("power", vec![item.clone()]);
    let power: Vec<&str> = power.iter().map(String::as_str).collect();
    assert_eq!(
        env.json(&power)["return_values"],
        serde_json::json!([[{ "type": "u64", "value": "9" }]])
    );
    // The human form names what the call returned.
    let out = env.cmd().args(&name).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("returned 0x1::string::String: \"Sword\""),
        "{text}"
    );
    assert_eq!(
        before,
        env.json(&["client", "objects"]),
        "nothing committed"
    );
    assert_eq!(item_before, env.json(&["client", "object", &item]));

    let unknown = call("no_such_function", vec![]);
    let unknown: Vec<&str> = unknown.iter().map(String::as_str).collect();
    let err = json_failure(&env, &unknown);
    assert!(
        err.to_string().contains("no function `no_such_function`"),
        "{err}"
    );
    assert_eq!(before, env.json(&["client", "objects"]));
}
