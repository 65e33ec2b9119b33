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
        c.env("MOVID_HOME", self.home.path())
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
    keys.as_array()
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
    let list = env.json(&["keys", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert!(list[0]["active"].as_bool().unwrap() || list[1]["active"].as_bool().unwrap());
    let used = env.json(&["keys", "use", "bob"]);
    assert_eq!(used["active"], b["address"]);
    env.json(&["keys", "delete", "alice"]);
    let list = env.json(&["keys", "list"]);
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
    let created = env.json(&["identity", "create"]);
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
    env.json(&["identity", "revoke-token", &did, &token_id]);
    let shown = env.json(&["identity", "show", &did]);
    assert!(shown.to_string().contains(&token_id[2..10]) || shown["controllers"].is_array());
    env.json(&["identity", "unrevoke-token", &did, &token_id]);
    // Revoking twice in a row fails with a named error.
    env.json(&["identity", "revoke-token", &did, &token_id]);
    let err = env.fails(&["identity", "revoke-token", &did, &token_id]);
    assert!(err.to_lowercase().contains("revoked"), "{err}");
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
            match r["result"]["id"].as_str() {
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
