//! Shared set-up of the CLI tests: a `movid` invocation with its own
//! `$MOVID_HOME`, and a real node on 127.0.0.1.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_movid"))
}

/// A `movid` invocation with its own `$MOVID_HOME` (and extra variables).
pub struct Env {
    pub home: tempfile::TempDir,
    pub rpc: Option<String>,
    pub vars: Vec<(String, String)>,
}

impl Env {
    pub fn new() -> Env {
        Env {
            home: tempfile::tempdir().unwrap(),
            rpc: None,
            vars: Vec::new(),
        }
    }

    pub fn cmd(&self) -> Command {
        let mut c = Command::new(bin());
        // Every test keystore has a password, as a user's should.
        c.env("MOVID_HOME", self.home.path())
            .env("MOVID_KEYSTORE_PASSWORD", "cli test password")
            .env_remove("MOVID_RPC")
            .env_remove("MOVID_SIGNER");
        if let Some(r) = &self.rpc {
            c.env("MOVID_RPC", r);
        }
        for (k, v) in &self.vars {
            c.env(k, v);
        }
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().unwrap()
    }

    /// Runs `movid --json ARGS` and returns the JSON it printed; panics on failure.
    pub fn json(&self, args: &[&str]) -> Value {
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

    /// Runs `movid --json ARGS`, expecting failure; returns the one JSON
    /// document printed (with `error` and `hint`) and stderr.
    pub fn json_fails(&self, args: &[&str]) -> (Value, String) {
        let out = self.cmd().arg("--json").args(args).output().unwrap();
        assert!(!out.status.success(), "movid {args:?} should fail");
        let v: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("movid {args:?} printed no JSON on failure ({e})"));
        (v, String::from_utf8_lossy(&out.stderr).into_owned())
    }

    pub fn data_dir(&self) -> PathBuf {
        self.home.path().join("localnet")
    }
}

/// A child process killed when dropped.
pub struct Running {
    pub child: Child,
    pub first_line: String,
    _stdout: BufReader<std::process::ChildStdout>,
}

impl Running {
    /// Spawns `movid ARGS` and waits for its first line on stdout.
    pub fn spawn(env: &Env, args: &[&str]) -> Running {
        let mut child = env
            .cmd()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        stdout.read_line(&mut line).unwrap();
        Running {
            child,
            first_line: line,
            _stdout: stdout,
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A node on a free port of 127.0.0.1, serving `env`'s data directory.
pub fn start_node(env: &Env) -> (Running, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let data_dir = env.data_dir();
    let node = Running::spawn(
        env,
        &[
            "start",
            "--rpc-addr",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
            data_dir.to_str().unwrap(),
        ],
    );
    assert!(
        node.first_line.contains("listening"),
        "node did not start: {}",
        node.first_line
    );
    (node, format!("http://127.0.0.1:{port}"))
}

/// An `Env` talking to a fresh node, with the dev keys imported (dev0 active).
pub fn with_node() -> (Env, Running) {
    let mut env = Env::new();
    let (node, url) = start_node(&env);
    env.rpc = Some(url);
    env.json(&["keys", "import-dev", "3"]);
    (env, node)
}

/// The address of `alias`.
pub fn alias_address(env: &Env, alias: &str) -> String {
    env.json(&["keys", "show", alias])["address"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The user PIN of the tokens [`SoftHsm`] makes.
pub const TOKEN_PIN: &str = "246810";

/// A SoftHSM2 configuration and token directory of its own (commands get
/// it through `SOFTHSM2_CONF`); panics, failing the test, if SoftHSM2 is
/// not installed (scripts/test.sh installs it).
pub struct SoftHsm {
    pub dir: tempfile::TempDir,
    pub conf: PathBuf,
    pub module: PathBuf,
}

impl SoftHsm {
    /// Tokens with `labels`, under a configuration with `extra` lines.
    pub fn new(labels: &[&str], extra: &str) -> SoftHsm {
        let module = std::env::var_os("MOVID_PKCS11_MODULE")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/usr/lib/softhsm/libsofthsm2.so"));
        assert!(
            module.exists(),
            "the PKCS#11 module {} is missing: install SoftHSM2 (`apt-get install -y softhsm2`; \
             scripts/test.sh does it) or point MOVID_PKCS11_MODULE at a module",
            module.display()
        );
        let dir = tempfile::tempdir().unwrap();
        let tokens = dir.path().join("tokens");
        std::fs::create_dir(&tokens).unwrap();
        let conf = dir.path().join("softhsm2.conf");
        std::fs::write(
            &conf,
            format!(
                "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n{extra}\n",
                tokens.display()
            ),
        )
        .unwrap();
        for label in labels {
            let out = Command::new("softhsm2-util")
                .env("SOFTHSM2_CONF", &conf)
                .args(["--init-token", "--free", "--label", label])
                .args(["--so-pin", "13579135", "--pin", TOKEN_PIN])
                .arg("--module")
                .arg(&module)
                .output()
                .unwrap_or_else(|e| panic!("softhsm2-util does not run ({e}): install softhsm2"));
            assert!(
                out.status.success(),
                "softhsm2-util --init-token: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        SoftHsm { dir, conf, module }
    }
}

/// The interop venv's Python (pydid, PyJWT), as scripts/test.sh installs it; fails the test,
/// rather than skipping it, when it is missing.
pub fn interop_python() -> PathBuf {
    let python = std::env::var_os("MOVID_INTEROP_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/interop-venv/bin/python")
        });
    let ok = Command::new(&python)
        .args(["-c", "import pydid, jwt, cryptography"])
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok,
        "{} cannot import pydid and PyJWT: run scripts/test.sh (the README's test command), which installs them",
        python.display()
    );
    python
}

/// The path of an interop script in cli/tests/interop.
pub fn interop_script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/interop")
        .join(name)
}
