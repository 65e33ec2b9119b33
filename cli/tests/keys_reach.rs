//! What the CLI reaches beyond its key file, against a real node on
//! 127.0.0.1: encrypting to a DID and decrypting, signing through a running
//! agent, and keys on a PKCS#11 token (SoftHSM2).

mod common;

use common::{alias_address, with_node, Env, Running, SoftHsm, TOKEN_PIN};
use serde_json::Value;

fn did_of(created: &Value) -> String {
    created["did"].as_str().unwrap().to_string()
}

fn method<'a>(resolved: &'a Value, fragment: &str) -> &'a Value {
    resolved["didDocument"]["verificationMethod"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"].as_str().unwrap().ends_with(fragment))
        .unwrap_or_else(|| panic!("no method {fragment} in {resolved}"))
}

fn write_json(env: &Env, name: &str, value: &Value) -> String {
    let path = env.home.path().join(name);
    std::fs::write(&path, serde_json::to_vec(value).unwrap()).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn a_message_encrypted_to_a_did_decrypts_with_the_controllers_key_and_no_other() {
    let (env, _node) = with_node();
    let dev0 = env.json(&["keys", "show", "dev0"]);
    assert_eq!(dev0["capabilities"], "commit_and_decrypt");
    let did = did_of(&env.json(&["identity", "create"]));

    // The default document lists the controller's X25519 key for key agreement.
    let resolved = env.json(&["did", "resolve", &did]);
    let key_agreement = &resolved["didDocument"]["keyAgreement"];
    assert_eq!(key_agreement.as_array().unwrap().len(), 1, "{resolved}");
    assert_eq!(
        method(&resolved, "#key-2")["publicKeyMultibase"],
        dev0["x25519_multibase"]
    );
    assert_eq!(
        method(&resolved, "#key-1")["publicKeyMultibase"],
        dev0["ed25519_multibase"]
    );

    let envelope = env.json(&["did", "encrypt", &did, "--message", "meet at noon"]);
    assert_eq!(envelope["format"], "movid-hpke-v1");
    assert_eq!(envelope["kid"], format!("{did}#key-2"));
    let file = write_json(&env, "msg.json", &envelope);

    let opened = env.json(&["keys", "decrypt", "--in", &file]);
    assert_eq!(opened["plaintext"], "meet at noon");
    assert_eq!(opened["identity"], dev0["address"]);
    // Without --json the plaintext is printed as it is, for pipes.
    let raw = env.run(&["keys", "decrypt", "--in", &file]);
    assert!(raw.status.success());
    assert_eq!(raw.stdout, b"meet at noon");

    // Another key does not open it, and says so.
    let (err, stderr) = env.json_fails(&["keys", "decrypt", "--key", "dev1", "--in", &file]);
    let message = err["error"].as_str().unwrap();
    assert!(message.contains("does not decrypt"), "{err}");
    assert!(stderr.contains("--key"), "{stderr}");

    // An envelope whose ciphertext or key ID was changed does not open.
    let mut altered = envelope.clone();
    altered["kid"] = Value::from(format!("{did}#key-1"));
    let altered_file = write_json(&env, "altered.json", &altered);
    let (err, _) = env.json_fails(&["keys", "decrypt", "--in", &altered_file]);
    assert!(
        err["error"].as_str().unwrap().contains("does not decrypt"),
        "{err}"
    );
}

#[test]
fn encrypting_to_a_did_without_a_key_agreement_key_is_a_clear_error() {
    let (env, _node) = with_node();
    let dev0 = env.json(&["keys", "show", "dev0"]);
    let doc = env.home.path().join("auth-only.json");
    std::fs::write(
        &doc,
        format!(
            r#"{{"id":"did:0:0","verificationMethod":[{{"id":"did:0:0#key-1","type":"Multikey","controller":"did:0:0","publicKeyMultibase":{}}}],"authentication":["did:0:0#key-1"]}}"#,
            dev0["ed25519_multibase"]
        ),
    )
    .unwrap();
    let did = did_of(&env.json(&["identity", "create", "--doc", doc.to_str().unwrap()]));
    let (err, stderr) = env.json_fails(&["did", "encrypt", &did, "--message", "x"]);
    let message = err["error"].as_str().unwrap();
    assert!(message.contains("has no X25519 keyAgreement key"), "{err}");
    assert!(message.contains(&did), "{err}");
    assert!(
        err["hint"].as_str().unwrap().contains("keyAgreement"),
        "{err}"
    );
    assert!(stderr.contains("error:"), "{stderr}");

    // A key that may not decrypt gets no keyAgreement entry by default.
    env.json(&[
        "keys",
        "generate",
        "--alias",
        "signer-only",
        "--capabilities",
        "commit",
    ]);
    let shown = env.json(&["keys", "show", "signer-only"]);
    assert_eq!(shown["x25519_public_key"], Value::Null);
    env.json(&["client", "faucet", "signer-only"]);
    env.json(&["keys", "use", "signer-only"]);
    let did = did_of(&env.json(&["identity", "create"]));
    let resolved = env.json(&["did", "resolve", &did]);
    assert!(
        resolved["didDocument"].get("keyAgreement").is_none(),
        "{resolved}"
    );
    let (err, _) = env.json_fails(&["did", "encrypt", &did, "--message", "x"]);
    assert!(err["error"]
        .as_str()
        .unwrap()
        .contains("has no X25519 keyAgreement key"));

    // Naming a method that is not a keyAgreement key is refused the same way.
    env.json(&["keys", "use", "dev0"]);
    let did = did_of(&env.json(&["identity", "create"]));
    let (err, _) = env.json_fails(&["did", "encrypt", &did, "--kid", "key-1", "--message", "x"]);
    assert!(err["error"].as_str().unwrap().contains("`key-1`"), "{err}");
}

#[test]
fn commands_sign_through_a_running_agent_when_asked() {
    let (env, _node) = with_node();
    let socket = env.home.path().join("agent.sock");
    let agent = Running::spawn(
        &env,
        &["keys", "agent", "--socket", socket.to_str().unwrap()],
    );
    assert!(
        agent.first_line.contains("listening"),
        "{}",
        agent.first_line
    );
    let signer = format!("agent:{}", socket.display());

    // Another home with the same aliases and active address but no keys:
    // whatever signs there signs through the agent.
    let mut other = Env::new();
    other.rpc = env.rpc.clone();
    std::fs::copy(
        env.home.path().join("client.json"),
        other.home.path().join("client.json"),
    )
    .unwrap();
    let (err, _) = other.json_fails(&["identity", "create"]);
    assert!(err["error"].as_str().unwrap().contains("not held"), "{err}");

    let created = other.json(&["--signer", &signer, "identity", "create"]);
    let did = did_of(&created);
    let resolved = other.json(&["did", "resolve", &did]);
    let dev0 = other.json(&["--signer", &signer, "keys", "show", "dev0"]);
    assert_eq!(dev0["backend"], signer);
    assert_eq!(
        method(&resolved, "#key-1")["publicKeyMultibase"],
        dev0["ed25519_multibase"]
    );
    // MOVID_SIGNER does the same as --signer.
    let delegated = other
        .cmd()
        .env("MOVID_SIGNER", &signer)
        .args(["--json", "identity", "delegate", &did, "--to"])
        .arg(alias_address(&env, "dev1"))
        .output()
        .unwrap();
    assert!(
        delegated.status.success(),
        "{}",
        String::from_utf8_lossy(&delegated.stderr)
    );
    // Decryption goes through the agent too.
    let envelope = other.json(&["did", "encrypt", &did, "--message", "via agent"]);
    let file = write_json(&other, "msg.json", &envelope);
    let opened = other.json(&["--signer", &signer, "keys", "decrypt", "--in", &file]);
    assert_eq!(opened["plaintext"], "via agent");

    // With the agent gone, signing through it fails and says what to do.
    drop(agent);
    let (err, _) = other.json_fails(&["--signer", &signer, "identity", "create"]);
    assert!(
        err["error"].as_str().unwrap().contains("no signer agent"),
        "{err}"
    );
    assert!(
        err["hint"].as_str().unwrap().contains("movid keys agent"),
        "{err}"
    );
    let (err, _) = other.json_fails(&["--signer", "agent:", "identity", "create"]);
    assert!(
        err["error"].as_str().unwrap().contains("not a signer"),
        "{err}"
    );
}

#[test]
fn a_key_generated_on_a_token_signs_and_decrypts_from_the_cli() {
    let (mut env, _node) = with_node();
    let hsm = SoftHsm::new(&["cli"], "");
    env.vars
        .push(("SOFTHSM2_CONF".into(), hsm.conf.display().to_string()));
    env.vars.push(("TEST_TOKEN_PIN".into(), TOKEN_PIN.into()));
    let module = hsm.module.to_str().unwrap();
    let made = env.json(&[
        "keys",
        "generate",
        "--backend",
        "pkcs11",
        "--module",
        module,
        "--token-label",
        "cli",
        "--pin-env",
        "TEST_TOKEN_PIN",
        "--alias",
        "hsm",
    ]);
    assert_eq!(made["backend"], "pkcs11:cli");
    let shown = env.json(&["keys", "show", "hsm"]);
    assert_eq!(shown["address"], made["address"]);
    assert_eq!(shown["backend"], "pkcs11:cli");
    assert_eq!(shown["capabilities"], "commit_and_decrypt");
    assert!(shown["x25519_public_key"].is_string());
    // client.json names the PIN's variable, never the PIN.
    let config = std::fs::read_to_string(env.home.path().join("client.json")).unwrap();
    assert!(
        config.contains("TEST_TOKEN_PIN") && !config.contains(TOKEN_PIN),
        "{config}"
    );

    env.json(&["client", "faucet", "hsm"]);
    env.json(&["keys", "use", "hsm"]);
    let did = did_of(&env.json(&["identity", "create"]));
    let resolved = env.json(&["did", "resolve", &did]);
    assert_eq!(
        method(&resolved, "#key-1")["publicKeyMultibase"],
        shown["ed25519_multibase"]
    );
    assert_eq!(
        method(&resolved, "#key-2")["publicKeyMultibase"],
        shown["x25519_multibase"]
    );

    let envelope = env.json(&["did", "encrypt", &did, "--message", "sealed to hardware"]);
    let file = write_json(&env, "msg.json", &envelope);
    let opened = env.json(&["keys", "decrypt", "--in", &file]);
    assert_eq!(opened["plaintext"], "sealed to hardware");
    assert_eq!(opened["identity"], made["address"]);

    // Without the PIN nothing signs, and the error says which variable.
    let out = env
        .cmd()
        .env_remove("TEST_TOKEN_PIN")
        .args(["--json", "identity", "create"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        err["error"].as_str().unwrap().contains("TEST_TOKEN_PIN"),
        "{err}"
    );
    let out = env
        .cmd()
        .env("TEST_TOKEN_PIN", "000000")
        .args(["--json", "identity", "create"])
        .output()
        .unwrap();
    let err: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        err["error"].as_str().unwrap().contains("PIN was refused"),
        "{err}"
    );

    env.json(&["keys", "delete", "hsm"]);
    let (err, _) = env.json_fails(&["keys", "show", made["address"].as_str().unwrap()]);
    assert!(err["error"].as_str().unwrap().contains("not held"), "{err}");
}

#[test]
fn a_token_without_x25519_derivation_makes_keys_that_only_sign() {
    let (mut env, _node) = with_node();
    // Only what signing needs: no CKM_ECDH1_DERIVE.
    let hsm = SoftHsm::new(
        &["plain"],
        "slots.mechanisms = CKM_EC_EDWARDS_KEY_PAIR_GEN,CKM_EDDSA",
    );
    env.vars
        .push(("SOFTHSM2_CONF".into(), hsm.conf.display().to_string()));
    env.vars.push(("MOVID_PKCS11_PIN".into(), TOKEN_PIN.into()));
    env.vars.push((
        "MOVID_PKCS11_MODULE".into(),
        hsm.module.display().to_string(),
    ));
    let (err, _) = env.json_fails(&[
        "keys",
        "generate",
        "--backend",
        "pkcs11",
        "--token-label",
        "plain",
    ]);
    assert!(
        err["error"].as_str().unwrap().contains("only has commit"),
        "{err}"
    );
    let made = env.json(&[
        "keys",
        "generate",
        "--backend",
        "pkcs11",
        "--token-label",
        "plain",
        "--capabilities",
        "commit",
        "--alias",
        "plain",
    ]);
    let shown = env.json(&["keys", "show", "plain"]);
    assert_eq!(shown["capabilities"], "commit");
    assert_eq!(shown["x25519_public_key"], Value::Null);
    env.json(&["client", "faucet", "plain"]);
    env.json(&["keys", "use", "plain"]);
    let did = did_of(&env.json(&["identity", "create"]));
    let resolved = env.json(&["did", "resolve", &did]);
    assert!(
        resolved["didDocument"].get("keyAgreement").is_none(),
        "{resolved}"
    );
    assert_eq!(
        method(&resolved, "#key-1")["publicKeyMultibase"],
        shown["ed25519_multibase"]
    );
    // A message to someone else's DID, tried with the token key: refused
    // for want of the capability, not attempted.
    env.json(&["keys", "use", "dev0"]);
    let other = did_of(&env.json(&["identity", "create"]));
    let envelope = env.json(&["did", "encrypt", &other, "--message", "x"]);
    let file = write_json(&env, "msg.json", &envelope);
    let plain = made["address"].as_str().unwrap();
    let (err, _) = env.json_fails(&["keys", "decrypt", "--key", plain, "--in", &file]);
    assert!(
        err["error"].as_str().unwrap().contains("only has commit"),
        "{err}"
    );
}
