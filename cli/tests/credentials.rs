//! Public credentials held by an identity, against a real node and an independent JWT library
//! (PyJWT, from the interop venv scripts/test.sh installs): a credential PyJWT signs is stored
//! by proposal, listed, served by the node's resolver binding as `application/jwt`, and still
//! verifies in PyJWT after the round trip; hostile or malformed changes are refused and leave
//! the identity as it was.

mod common;

use std::process::Command;

use common::*;
use serde_json::Value;

fn str_of(v: &Value, field: &str) -> String {
    v[field]
        .as_str()
        .unwrap_or_else(|| panic!("no {field} in {v}"))
        .to_string()
}

/// Runs `jwt_credentials.py ARGS` and returns its JSON and whether it succeeded.
fn pyjwt(args: &[&str]) -> (bool, Value) {
    let out = Command::new(interop_python())
        .arg(interop_script("jwt_credentials.py"))
        .args(args)
        .output()
        .expect("python runs");
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "jwt_credentials.py {args:?} printed no JSON ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.success(), v)
}

/// GET `url`: body, status, content type.
fn get(url: &str) -> (String, u16, String) {
    let out = Command::new("curl")
        .args(["-s", "-w", "\n%{http_code}\n%{content_type}", url])
        .output()
        .expect("curl runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut lines: Vec<&str> = text.rsplitn(3, '\n').collect();
    lines.reverse();
    (
        lines[0].to_string(),
        lines[1].parse().unwrap(),
        lines[2].to_string(),
    )
}

#[test]
fn a_credential_signed_with_pyjwt_is_held_served_and_still_verifies() {
    let (env, _node) = with_node();
    let did = str_of(&env.json(&["identity", "create"]), "did");
    let dir = tempfile::tempdir().unwrap();
    let (ok, issued) = pyjwt(&["issue", &did]);
    assert!(ok, "{issued}");
    let jwt = str_of(&issued, "jwt");
    let jwt_file = dir.path().join("degree.jwt");
    std::fs::write(&jwt_file, &jwt).unwrap();
    let pem_file = dir.path().join("issuer.pem");
    std::fs::write(&pem_file, str_of(&issued, "public_key_pem")).unwrap();

    let set = format!("degree={}", jwt_file.display());
    let p = env.json(&["identity", "propose", "credentials", &did, "--set", &set]);
    assert_eq!(p["executed"], true, "{p}");
    let listed = env.json(&["identity", "credentials", &did]);
    let c = &listed["credentials"][0];
    assert_eq!(c["name"], "degree");
    assert_eq!(c["kind"], "credential");
    assert_eq!(c["issuer"], "did:example:university");
    assert_eq!(c["subject"], did.as_str());
    assert_eq!(c["jwt"], jwt.as_str());

    // The node serves it where a LinkedVerifiablePresentation service would point.
    let url = format!(
        "{}/1.0/identifiers/{did}/credentials/degree",
        env.rpc.clone().unwrap()
    );
    let (body, status, content_type) = get(&url);
    assert_eq!((status, content_type.as_str()), (200, "application/jwt"));
    assert_eq!(body, jwt);
    let served = dir.path().join("served.jwt");
    std::fs::write(&served, &body).unwrap();
    let (ok, verified) = pyjwt(&[
        "verify",
        pem_file.to_str().unwrap(),
        served.to_str().unwrap(),
    ]);
    assert!(ok, "{verified}");
    assert_eq!(verified["claims"]["sub"], did.as_str());
    // PyJWT rejects a credential with one payload byte changed: the oracle checks something.
    let mut parts: Vec<String> = jwt.split('.').map(str::to_string).collect();
    parts[1] = format!("{}A", &parts[1][..parts[1].len() - 1]);
    std::fs::write(&served, parts.join(".")).unwrap();
    let (ok, _) = pyjwt(&[
        "verify",
        pem_file.to_str().unwrap(),
        served.to_str().unwrap(),
    ]);
    assert!(!ok, "a tampered credential must not verify");

    // Removed, it is gone from the list and from the node.
    env.json(&[
        "identity",
        "propose",
        "credentials",
        &did,
        "--remove",
        "degree",
    ]);
    let listed = env.json(&["identity", "credentials", &did]);
    assert_eq!(listed["credentials"], serde_json::json!([]));
    let (body, status, _) = get(&url);
    assert_eq!(status, 404, "{body}");
}

#[test]
fn malformed_and_hostile_credential_changes_are_refused_and_change_nothing() {
    let (env, _node) = with_node();
    let did = str_of(&env.json(&["identity", "create"]), "did");
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.jwt");
    std::fs::write(&good, "eyJhbGciOiJFZERTQSJ9.eyJ2YyI6e319.c2ln").unwrap();
    let not_jws = dir.path().join("not.jwt");
    std::fs::write(&not_jws, "{\"vc\": {}}").unwrap();
    let big = dir.path().join("big.jwt");
    std::fs::write(&big, format!("a.b.{}", "A".repeat(9000))).unwrap();
    let before = env.json(&["identity", "show", &did]);

    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec!["--set".into(), format!("a/b={}", good.display())],
            "credential name",
        ),
        (
            vec!["--set".into(), format!("x={}", not_jws.display())],
            "compact JWS",
        ),
        (vec!["--set".into(), format!("x={}", big.display())], "8192"),
        (
            vec![
                "--set".into(),
                format!("x={}", good.display()),
                "--remove".into(),
                "x".into(),
            ],
            "twice",
        ),
        (vec![], "nothing"),
        // Passes the SDK's checks; the package refuses it when the change executes.
        (
            vec!["--remove".into(), "ghost".into()],
            "no credential of that name",
        ),
    ];
    for (extra, expected) in cases {
        let mut args = vec!["identity", "propose", "credentials", &did];
        args.extend(extra.iter().map(String::as_str));
        let (v, _) = env.json_fails(&args);
        let error = v["error"].as_str().unwrap_or_default();
        assert!(error.contains(expected), "{args:?}: {v}");
        assert_eq!(
            env.json(&["identity", "show", &did]),
            before,
            "{args:?} changed the identity"
        );
    }
    assert_eq!(
        env.json(&["identity", "credentials", &did])["credentials"],
        serde_json::json!([])
    );
}
