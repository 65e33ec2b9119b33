//! The readable (non `--json`) output of the views people read: decoded facts, no Rust
//! `Debug` and no JSON; and failure hints that name the real cause.

mod common;

use common::{alias_address, Env};

/// Runs `movid --data-dir DIR ARGS` and returns its stdout; panics on failure.
fn text(env: &Env, args: &[&str]) -> String {
    let dir = env.data_dir();
    let out = env
        .cmd()
        .arg("--data-dir")
        .arg(&dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "movid {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn json(env: &Env, args: &[&str]) -> serde_json::Value {
    let dir = env.data_dir();
    let mut all = vec!["--data-dir", dir.to_str().unwrap()];
    all.extend_from_slice(args);
    env.json(&all)
}

fn no_debug_or_json(s: &str) {
    for bad in [
        "Some(",
        "None",
        "ObjectID(",
        "Address(",
        "UpdateDid",
        "ConfigChange",
        "{\"",
    ] {
        assert!(!s.contains(bad), "`{bad}` in:\n{s}");
    }
}

#[test]
fn identity_proposals_history_object_and_gas_read_as_decoded_text() {
    let env = Env::new();
    env.json(&["keys", "import-dev", "3"]);
    let (a, b, c) = (
        alias_address(&env, "dev0"),
        alias_address(&env, "dev1"),
        alias_address(&env, "dev2"),
    );
    let created = json(
        &env,
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
        r#"{"@context":["https://www.w3.org/ns/did/v1"],"id":"did:0:0","service":[{"id":"did:0:0#web","type":"LinkedDomains","serviceEndpoint":"https://example.org"}]}"#,
    )
    .unwrap();
    json(
        &env,
        &[
            "identity",
            "propose",
            "update-doc",
            &did,
            "--doc",
            doc.to_str().unwrap(),
        ],
    );
    json(
        &env,
        &[
            "identity",
            "propose",
            "config",
            &did,
            "--threshold",
            "3",
            "--add",
            &format!("{c}:1"),
            "--expiration",
            "40",
        ],
    );
    let shown_json = json(&env, &["identity", "show", &did]);
    let my_cap = shown_json["proposals"][0]["creator"]
        .as_str()
        .unwrap()
        .to_string();

    let proposals = text(&env, &["identity", "proposals", &did]);
    assert!(proposals.contains("2 open"), "{proposals}");
    assert!(
        proposals.contains("update the DID document ("),
        "{proposals}"
    );
    assert!(
        proposals.contains(&format!("config: threshold 2 → 3, add {c}:1")),
        "{proposals}"
    );
    assert!(proposals.contains("votes:   1 of 2 needed"), "{proposals}");
    assert!(proposals.contains("expires: after epoch 40"), "{proposals}");
    assert!(
        proposals.contains(&format!("creator: controller {my_cap}")),
        "{proposals}"
    );
    no_debug_or_json(&proposals);

    let shown = text(&env, &["identity", "show", &did]);
    assert!(shown.starts_with(&did), "{shown}");
    assert!(
        shown.contains("threshold:   2 of 2 voting power"),
        "{shown}"
    );
    assert!(shown.contains("controllers: 2"), "{shown}");
    assert!(shown.contains("config: threshold 2 → 3"), "{shown}");
    no_debug_or_json(&shown);

    let history = text(&env, &["did", "history", &did]);
    assert!(
        history.starts_with("doc version 1 at object version"),
        "{history}"
    );
    assert!(history.contains("active ("), "{history}");
    no_debug_or_json(&history);

    let gas = text(&env, &["client", "gas"]);
    assert!(gas.contains(&format!("gas coins of {a}")), "{gas}");
    assert!(gas.contains("SUI)") && gas.contains("total: "), "{gas}");
    no_debug_or_json(&gas);

    let coin = json(&env, &["client", "gas"])["coins"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let object = text(&env, &["client", "object", &coin]);
    assert!(object.starts_with(&coin), "{object}");
    assert!(
        object.contains(&format!("owner:    account {a}")),
        "{object}"
    );
    assert!(object.contains("::coin::Coin<"), "{object}");
    no_debug_or_json(&object);
    let identity_object = text(
        &env,
        &["client", "object", shown_json["id"].as_str().unwrap()],
    );
    assert!(
        identity_object.contains("owner:    shared (since version"),
        "{identity_object}"
    );
}

#[test]
fn a_gas_budget_too_low_to_publish_is_named_with_a_larger_one_suggested() {
    let env = Env::new();
    env.json(&["keys", "import-dev", "1"]);
    let pkg = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../move/examples/escrow");
    let dir = env.data_dir();
    let (v, _) = env.json_fails(&[
        "--data-dir",
        dir.to_str().unwrap(),
        "client",
        "publish",
        "--path",
        pkg.to_str().unwrap(),
        "--gas-budget",
        "1000000",
    ]);
    let hint = v["hint"].as_str().unwrap();
    assert!(
        hint.contains("gas budget of 1000000 MIST was too low"),
        "{v}"
    );
    assert!(hint.contains("--gas-budget 2000000"), "{v}");
    assert!(!hint.contains("only gas was charged"), "{v}");
}
