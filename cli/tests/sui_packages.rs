//! `movid move` and `movid client` on packages that name the framework as Sui does: a
//! manifest with Sui's git dependencies builds and its unit tests run; packages importing
//! `sui::` or `movid::` publish and are called on a node, paying gas in `Coin<0x2::sui::SUI>`;
//! an unknown git dependency fails with one JSON document naming it and writes nothing.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

/// A test package of the runtime's, copied into a fresh folder so the test sees every file
/// a command writes there.
fn package_copy(name: &str) -> (tempfile::TempDir, PathBuf) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../runtime/tests/packages")
        .join(name);
    let tmp = tempfile::tempdir().unwrap();
    let to = tmp.path().join(name);
    copy_dir(&from, &to);
    (tmp, to)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// Every path under `dir` with its contents.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p.clone());
                out.insert(p, vec![]);
            } else {
                out.insert(p.clone(), std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

const GAS_COIN: &str = "0x2::coin::Coin<0x2::sui::SUI>";

/// Publishes the package at `dir` and calls its `tip::tip`-like `function` on the active
/// account's last gas coin, sending `amount` MIST to `to`; returns the new coin's ID.
fn publish_and_tip(env: &Env, dir: &Path, function: &str, amount: &str, to: &str) -> String {
    let publish = env.json(&["client", "publish", "--path", dir.to_str().unwrap()]);
    let package = publish["package"].as_str().unwrap().to_string();
    let gas = env.json(&["client", "gas"]);
    let coins = gas["coins"].as_array().unwrap();
    let coin = coins.last().unwrap()["id"].as_str().unwrap().to_string();
    let call = env.json(&[
        "client",
        "call",
        "--package",
        &package,
        "--module",
        "tip",
        "--function",
        function,
        "--args",
        &coin,
        amount,
        to,
    ]);
    let created = call["created"].as_array().unwrap();
    assert_eq!(created.len(), 1, "{call}");
    // The transaction paid its gas with a SUI coin.
    let tx = env.json(&["client", "tx", call["digest"].as_str().unwrap()]);
    let gas_object = tx["effects"]["gas_object"][0]["object_id"]
        .as_str()
        .unwrap();
    assert_eq!(
        env.json(&["client", "object", gas_object])["type"],
        GAS_COIN
    );
    created[0]["id"].as_str().unwrap().to_string()
}

#[test]
fn packages_naming_the_framework_sui_or_movid_build_publish_and_are_called_paying_gas_in_sui() {
    let (env, _node) = with_node();
    let bob = alias_address(&env, "dev1");
    let gas = env.json(&["client", "gas"]);
    for c in gas["coins"].as_array().unwrap() {
        let o = env.json(&["client", "object", c["id"].as_str().unwrap()]);
        assert_eq!(o["type"], GAS_COIN);
    }
    let (_a, named_sui) = package_copy("named_sui");
    let (_b, named_movid) = package_copy("named_movid");
    for (dir, function, amount) in [
        (&named_sui, "tip", "1234"),
        (&named_movid, "tip", "55"),
        (&named_movid, "tip_by_the_sui_name", "66"),
    ] {
        let built = env.json(&["move", "build", "--path", dir.to_str().unwrap()]);
        assert_eq!(built["modules"], serde_json::json!(["tip"]));
        let tipped = publish_and_tip(&env, dir, function, amount, &bob);
        let o = env.json(&["client", "object", &tipped]);
        assert_eq!(o["type"], GAS_COIN, "{o}");
        let got = env.json(&["client", "gas", "dev1"]);
        assert!(
            got["coins"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["id"] == tipped.as_str()
                    && c["value"].as_u64() == amount.parse::<u64>().ok()),
            "{got}"
        );
    }
    // Text output names SUI and MIST.
    let text = env.run(&["client", "gas"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains(" MIST (") && text.contains(" SUI)"), "{text}");
}

#[test]
fn a_sui_style_manifest_builds_and_its_unit_tests_run_with_movid_move() {
    let env = Env::new();
    let (_tmp, dir) = package_copy("sui_style");
    let before = tree(&dir);
    let path = dir.to_str().unwrap();
    let built = env.json(&["move", "build", "--path", path]);
    assert_eq!(built["package"], "sui_style");
    assert_eq!(built["modules"], serde_json::json!(["counter"]));
    assert_eq!(
        built["dependencies"].as_array().unwrap().len(),
        2,
        "{built}"
    );
    let tested = env.json(&["move", "test", "--path", path]);
    assert_eq!(tested["passed"], true, "{tested}");
    let names: Vec<&str> = tested["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["anyone_can_increment", "only_the_owner_can_set_the_value"]
    );
    assert_eq!(tree(&dir), before, "build and test write nothing");
}

#[test]
fn an_unknown_git_dependency_fails_with_one_json_document_naming_it_and_writes_nothing() {
    let (env, _node) = with_node();
    let (_tmp, dir) = package_copy("unknown_git");
    let before = tree(&dir);
    let objects_before = env.json(&["client", "objects"]);
    let path = dir.to_str().unwrap();
    for args in [
        vec!["move", "build", "--path", path],
        vec!["move", "test", "--path", path],
        vec!["client", "publish", "--path", path],
    ] {
        let (v, _stderr): (Value, String) = env.json_fails(&args);
        let error = v["error"].as_str().unwrap();
        assert!(error.contains("DeepBook"), "{args:?}: {v}");
        assert!(
            error.contains("https://github.com/MystenLabs/deepbookv3.git"),
            "{v}"
        );
        assert!(!v["hint"].as_str().unwrap().is_empty(), "{v}");
    }
    let (v, _) = env.json_fails(&["move", "build", "--path", path]);
    assert!(v["hint"].as_str().unwrap().contains("local"), "{v}");
    assert_eq!(tree(&dir), before, "nothing was written");
    assert_eq!(
        env.json(&["client", "objects"]),
        objects_before,
        "nothing was sent"
    );
}

#[test]
fn a_data_directory_from_before_the_sui_gas_coin_is_refused_with_a_hint_to_start_over() {
    use movid_runtime::chain::LocalChain;
    use movid_runtime::genesis::GenesisConfig;
    use movid_runtime::store::{CommitBatch, RedbStore, Store};
    use movid_runtime::types::{Data, ObjectID, WellKnown};
    use std::sync::Arc;

    let env = Env::new();
    let dir = env.data_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let store_file = dir.join("chain.redb");
    // The chain as an older movid left it: the framework's gas module was `movid`.
    let framework_modules = |store: &RedbStore| match store
        .get_object(&ObjectID::FRAMEWORK)
        .unwrap()
        .unwrap()
        .data
    {
        Data::Package(p) => p.modules.keys().cloned().collect::<Vec<_>>(),
        _ => panic!("0x2 is a package"),
    };
    {
        let store = Arc::new(RedbStore::open(&store_file).unwrap());
        LocalChain::open(store.clone(), GenesisConfig::default()).unwrap();
        let mut old = store.get_object(&ObjectID::FRAMEWORK).unwrap().unwrap();
        if let Data::Package(p) = &mut old.data {
            let bytes = p.modules.remove("sui").unwrap();
            p.modules.insert("movid".into(), bytes);
        }
        store
            .commit(CommitBatch {
                written: vec![old],
                removed: vec![],
                record: None,
                meta: None,
            })
            .unwrap();
    }
    let data_dir = dir.to_str().unwrap();
    for args in [
        vec!["start", "--rpc-addr", "127.0.0.1:0", "--data-dir", data_dir],
        vec!["--data-dir", data_dir, "client", "gas"],
    ] {
        let (v, _) = env.json_fails(&args);
        assert!(
            v["error"].as_str().unwrap().contains("0x2::sui::SUI"),
            "{args:?}: {v}"
        );
        assert!(
            v["hint"].as_str().unwrap().contains("--force-regenesis"),
            "{v}"
        );
    }
    let store = RedbStore::open(&store_file).unwrap();
    let modules = framework_modules(&store);
    assert!(
        modules.contains(&"movid".to_string()) && !modules.contains(&"sui".to_string()),
        "the old chain was left as it was: {modules:?}"
    );
}
