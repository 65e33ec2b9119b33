//! `movid --signer remote:HOST:PORT` against a real remote signer (mutual TLS, token) and a
//! real node: commands sign through it, and a wrong token or a client certificate from
//! another CA is refused with nothing sent to the chain.

mod common;

use std::path::Path;

use common::{alias_address, with_node, Env};
use movid_sdk::keys::{
    Agent, AgentServer, MemoryBackend, RemoteSignerConfig, SignerCa, SignerPolicy, TlsIdentity,
};
use serde_json::Value;
use zeroize::Zeroizing;

const TOKEN: &str = "remote signer token for the cli test";

/// A remote signer serving the key file of `env` on 127.0.0.1, and the CA that issued its
/// certificate. The runtime is kept alive with the server.
struct RemoteSigner {
    // Fields drop in order: the server stops before its runtime goes.
    server: AgentServer,
    ca: SignerCa,
    _runtime: tokio::runtime::Runtime,
}

impl RemoteSigner {
    fn start(env: &Env) -> RemoteSigner {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let ca = SignerCa::generate("cli test signer CA").unwrap();
        let keys =
            MemoryBackend::open_keyfile(env.home.path().join("keys.json"), "cli test password")
                .unwrap();
        let server = runtime
            .block_on(Agent::serve_remote(
                "127.0.0.1:0".parse().unwrap(),
                keys,
                RemoteSignerConfig {
                    ca_pem: ca.cert_pem().to_owned(),
                    identity: ca.issue_server(&["127.0.0.1".into()]).unwrap(),
                    token: Zeroizing::new(TOKEN.into()),
                    policy: SignerPolicy::default(),
                },
            ))
            .unwrap();
        RemoteSigner {
            server,
            ca,
            _runtime: runtime,
        }
    }

    fn spec(&self) -> String {
        format!("remote:{}", self.server.local_addr().unwrap())
    }
}

/// A home with `source`'s aliases and active address but no keys, whose remote-signer
/// variables name `client` (issued by some CA), `ca_pem` and `token`.
fn keyless_home(source: &Env, ca_pem: &str, client: &TlsIdentity, token: &str) -> Env {
    let mut other = Env::new();
    other.rpc = source.rpc.clone();
    std::fs::copy(
        source.home.path().join("client.json"),
        other.home.path().join("client.json"),
    )
    .unwrap();
    let dir = other.home.path().to_path_buf();
    let file = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    };
    other.vars = vec![
        ("MOVID_SIGNER_CA".into(), file("ca.pem", ca_pem)),
        (
            "MOVID_SIGNER_CERT".into(),
            file("client.pem", &client.cert_pem),
        ),
        (
            "MOVID_SIGNER_KEY".into(),
            file("client.key", &client.key_pem),
        ),
        ("MOVID_SIGNER_TOKEN".into(), token.into()),
    ];
    other
}

fn controlled(env: &Env, address: &str) -> Vec<Value> {
    let v = env.json(&["identity", "controlled", address]);
    v["dids"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("identity controlled printed {v}"))
}

fn no_keys_in(home: &Path) -> bool {
    !home.join("keys.json").exists()
}

#[test]
fn commands_sign_through_a_remote_signer_over_mutual_tls() {
    let (env, _node) = with_node();
    let signer = RemoteSigner::start(&env);
    let other = keyless_home(
        &env,
        signer.ca.cert_pem(),
        &signer.ca.issue_client("cli").unwrap(),
        TOKEN,
    );
    let dev0 = alias_address(&env, "dev0");
    let created = other.json(&["--signer", &signer.spec(), "identity", "create"]);
    let did = created["did"].as_str().unwrap().to_string();
    let resolved = other.json(&["did", "resolve", &did]);
    let key = env.json(&["keys", "show", "dev0"]);
    let methods = resolved["didDocument"]["verificationMethod"]
        .as_array()
        .unwrap();
    assert!(
        methods
            .iter()
            .any(|m| m["publicKeyMultibase"] == key["ed25519_multibase"]),
        "the identity made through the remote signer lists dev0's key: {resolved}"
    );
    assert!(controlled(&other, &dev0)
        .iter()
        .any(|d| d.to_string().contains(&did)));
    assert!(no_keys_in(other.home.path()), "no key was written locally");
}

#[test]
fn a_wrong_token_or_a_foreign_client_certificate_is_refused_and_nothing_is_sent() {
    let (env, _node) = with_node();
    let signer = RemoteSigner::start(&env);
    let dev0 = alias_address(&env, "dev0");
    let before = controlled(&env, &dev0).len();

    let wrong_token = keyless_home(
        &env,
        signer.ca.cert_pem(),
        &signer.ca.issue_client("cli").unwrap(),
        "not the token",
    );
    let (err, _) = wrong_token.json_fails(&["--signer", &signer.spec(), "identity", "create"]);
    assert!(err["error"].is_string(), "{err}");

    let stranger = SignerCa::generate("another CA").unwrap();
    let foreign = keyless_home(
        &env,
        signer.ca.cert_pem(),
        &stranger.issue_client("intruder").unwrap(),
        TOKEN,
    );
    let (err, _) = foreign.json_fails(&["--signer", &signer.spec(), "identity", "create"]);
    assert!(err["error"].is_string(), "{err}");

    let empty_token = keyless_home(
        &env,
        signer.ca.cert_pem(),
        &signer.ca.issue_client("cli").unwrap(),
        "",
    );
    let (err, _) = empty_token.json_fails(&["--signer", &signer.spec(), "identity", "create"]);
    assert!(
        err["error"]
            .as_str()
            .unwrap()
            .contains("MOVID_SIGNER_TOKEN"),
        "an empty token is refused before connecting: {err}"
    );

    assert_eq!(
        controlled(&env, &dev0).len(),
        before,
        "no refused attempt created an identity"
    );
}
