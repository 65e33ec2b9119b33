//! The framework's two names and the SUI gas coin on a `LocalChain`: packages naming the
//! framework `sui` or `movid` build, publish and are called; a manifest written for Sui, with
//! git dependencies on Sui's framework and standard library, builds against the built-in ones
//! and its unit tests run; any other git dependency is refused by name; gas is paid in
//! `Coin<0x2::sui::SUI>`. And the attacks on SUI: a package's own `sui::SUI` never pays gas, no
//! package publishes a module at 0x2, the witness cannot be packed or forged from pure bytes,
//! and the test-only minter does not exist on chain.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::*;
use movid_runtime::build::{build_package, BuildError, BuildOptions};
use movid_runtime::crypto::KeyPair;
use movid_runtime::execution::gas_coin_type;
use movid_runtime::types::*;
use movid_runtime::unit_test::{run_unit_tests, TestStatus, UnitTestOptions};
use movid_runtime::{RuntimeError, TransactionError};

/// `0x2::sui::SUI`.
fn sui_type() -> TypeTag {
    "0x2::sui::SUI".parse().unwrap()
}

/// Publishes the test package `name` as Alice; returns the package's ID (found by its kind: an
/// `init` may freeze objects too, so the first immutable object is not always the package).
fn publish_named(w: &World, name: &str) -> ObjectID {
    let pkg = build(name);
    let r = try_publish(&w.chain, w.alice(), pkg.module_bytes(), pkg.dependencies);
    assert_ok(&r);
    let packages: Vec<ObjectID> = r
        .effects
        .created
        .iter()
        .map(|(o, _)| *o.object_id())
        .filter(|id| matches!(w.object(*id).data, Data::Package(_)))
        .collect();
    assert_eq!(packages.len(), 1);
    packages[0]
}

/// Calls `package::tip::function(coin, amount, recipient)` as Alice, paying gas with another
/// of her coins.
fn tip(w: &World, package: ObjectID, function: &str, coin: ObjectID, amount: u64) -> ObjectID {
    let bob = w.bob().address();
    let mut b = PtbBuilder::new();
    let args = vec![
        Arg::Obj(coin).add(&w.chain, &mut b),
        b.pure(&amount),
        b.pure(&bob),
    ];
    b.move_call(package, "tip", function, vec![], args);
    let r = w
        .chain
        .sign_and_execute(w.alice(), b.finish(), BUDGET)
        .expect("accepted");
    assert_ok(&r);
    assert_eq!(r.effects.created.len(), 1, "one coin split off");
    let (oref, owner) = &r.effects.created[0];
    assert_eq!(*owner, Owner::AddressOwner(bob));
    *oref.object_id()
}

/// Alice's last gas coin (the one `sign_and_execute` does not pick for gas).
fn alices_last_coin(w: &World) -> ObjectID {
    w.chain
        .gas_coins(&w.alice().address())
        .unwrap()
        .last()
        .unwrap()
        .id()
}

#[test]
fn a_package_naming_the_framework_sui_builds_publishes_and_is_called() {
    let w = World::bare();
    let pkg = publish_named(&w, "named_sui");
    let coin = alices_last_coin(&w);
    let before = balance(&w.chain, coin);
    let tipped = tip(&w, pkg, "tip", coin, 1_234);
    assert_eq!(balance(&w.chain, tipped), 1_234);
    assert_eq!(balance(&w.chain, coin), before - 1_234);
    assert_eq!(
        w.object(tipped).type_(),
        Some(&gas_coin_type()),
        "the split-off coin is a Coin<0x2::sui::SUI>, so it pays gas too"
    );
}

#[test]
fn a_package_naming_the_framework_movid_builds_publishes_and_is_called_through_both_names() {
    let w = World::bare();
    let pkg = publish_named(&w, "named_movid");
    let coin = alices_last_coin(&w);
    let before = balance(&w.chain, coin);
    let a = tip(&w, pkg, "tip", coin, 10);
    let b = tip(&w, pkg, "tip_by_the_sui_name", coin, 20);
    assert_eq!((balance(&w.chain, a), balance(&w.chain, b)), (10, 20));
    assert_eq!(balance(&w.chain, coin), before - 30);
    assert_eq!(w.object(b).type_(), Some(&gas_coin_type()));
}

#[test]
fn gas_is_paid_in_sui_coins() {
    let w = World::bare();
    assert_eq!(
        gas_coin_type().to_string(),
        "0x2::coin::Coin<0x2::sui::SUI>"
    );
    let coins = w.chain.gas_coins(&w.alice().address()).unwrap();
    assert_eq!(coins.len(), 5, "genesis gives each dev account 5 coins");
    for c in &coins {
        let t = c.type_().expect("a Move object");
        assert_eq!(t, &gas_coin_type());
        assert_eq!(t.type_params, vec![sui_type()]);
        assert_eq!(
            balance(&w.chain, c.id()),
            1_000 * movid_runtime::genesis::MIST_PER_SUI
        );
    }
    let r = w.run(w.alice(), |b| {
        let me = b.pure(&w.alice().address());
        let amount = b.pure(&5u64);
        let split = b.split_coins(Argument::GasCoin, vec![amount]);
        b.transfer_objects(vec![split], me);
    });
    assert_ok(&r);
    let gas = w.object(*r.effects.gas_object.0.object_id());
    assert_eq!(gas.type_(), Some(&gas_coin_type()));
    assert_eq!(
        balance(&w.chain, gas.id()) as i64,
        (1_000 * movid_runtime::genesis::MIST_PER_SUI) as i64
            - 5
            - r.effects.gas_used.net_gas_usage(),
        "the SUI gas coin paid the gas and the split"
    );
}

fn package_path(name: &str) -> PathBuf {
    package_dir(name)
}

/// Every file under `dir` with its length and modification time.
fn tree(dir: &Path) -> BTreeMap<PathBuf, (u64, std::time::SystemTime)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let m = e.metadata().unwrap();
            if m.is_dir() {
                stack.push(e.path());
            }
            out.insert(e.path(), (m.len(), m.modified().unwrap()));
        }
    }
    out
}

#[test]
fn a_sui_style_manifest_with_git_dependencies_builds_publishes_and_runs_its_unit_tests() {
    let dir = package_path("sui_style");
    let before = tree(&dir);
    let pkg = build_package(&dir, &BuildOptions::default()).expect("builds without network");
    assert_eq!(
        pkg.dependencies,
        vec![ObjectID::STD, ObjectID::FRAMEWORK],
        "the git dependencies are the built-in std and framework"
    );
    let report = run_unit_tests(&dir, &UnitTestOptions::default()).expect("tests build");
    assert!(report.passed, "{}", report.output);
    let statuses: Vec<(&str, &TestStatus)> = report
        .tests
        .iter()
        .map(|t| (t.name.as_str(), &t.status))
        .collect();
    assert_eq!(statuses.len(), 2, "{statuses:?}");
    assert!(statuses.iter().all(|(_, s)| **s == TestStatus::Passed));
    assert_eq!(tree(&dir), before, "building and testing write nothing");

    let w = World::bare();
    let r = try_publish(
        &w.chain,
        w.alice(),
        pkg.module_bytes(),
        pkg.dependencies.clone(),
    );
    let id = published_package(&r);
    let r = w.run(w.alice(), |b| {
        b.move_call(id, "counter", "create", vec![], vec![]);
    });
    assert_ok(&r);
    let counter = created_of_type(&w.chain, &r, "counter", "Counter")[0];
    let r = w.run(w.bob(), |b| {
        let c = Arg::Obj(counter).add(&w.chain, b);
        b.move_call(id, "counter", "increment", vec![], vec![c]);
    });
    assert_ok(&r);
    let counter = w.object(counter);
    // { id, owner, value }: the value is the last 8 bytes.
    assert_eq!(
        counter.as_move().unwrap().contents[64..],
        1u64.to_le_bytes()
    );
}

#[test]
fn an_unknown_git_dependency_is_refused_by_name_and_nothing_is_written() {
    let dir = package_path("unknown_git");
    let before = tree(&dir);
    for test_mode in [false, true] {
        let e = build_package(&dir, &BuildOptions { test_mode }).unwrap_err();
        match &e {
            BuildError::UnsupportedGitDependency {
                package,
                dependency,
                git,
                subdir,
            } => {
                assert_eq!(package, "UnknownGit");
                assert_eq!(dependency, "DeepBook");
                assert_eq!(git, "https://github.com/MystenLabs/deepbookv3.git");
                assert_eq!(subdir.as_deref(), Some("packages/deepbook"));
            }
            other => panic!("expected UnsupportedGitDependency, got {other:?}"),
        }
        assert!(e.to_string().contains("DeepBook"), "{e}");
    }
    let e = run_unit_tests(&dir, &UnitTestOptions::default())
        .err()
        .unwrap();
    assert!(
        matches!(e, BuildError::UnsupportedGitDependency { ref dependency, .. } if dependency == "DeepBook"),
        "{e:?}"
    );
    assert_eq!(tree(&dir), before, "a refused build writes nothing");
}

#[test]
fn other_packages_of_the_sui_repository_are_refused_by_name() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir(dir.join("sources")).unwrap();
    std::fs::write(
        dir.join("sources/m.move"),
        "module p::m { public fun one(): u64 { 1 } }\n",
    )
    .unwrap();
    for (name, subdir) in [
        (
            "SuiSystem",
            Some("crates/sui-framework/packages/sui-system"),
        ),
        ("Bridge", Some("crates/sui-framework/packages/bridge")),
        ("Whole", None),
    ] {
        let subdir_line = subdir
            .map(|s| format!(", subdir = \"{s}\""))
            .unwrap_or_default();
        std::fs::write(
            dir.join("Move.toml"),
            format!("[package]\nname = \"P\"\n\n[dependencies]\n{name} = {{ git = \"https://github.com/MystenLabs/sui.git\"{subdir_line}, rev = \"main\" }}\n\n[addresses]\np = \"0x0\"\n"),
        )
        .unwrap();
        match build_package(dir, &BuildOptions::default()) {
            Err(BuildError::UnsupportedGitDependency { dependency, .. }) => {
                assert_eq!(dependency, name)
            }
            other => panic!("{name}: expected UnsupportedGitDependency, got {other:?}"),
        }
    }
}

#[test]
fn sui_git_urls_in_their_usual_spellings_are_the_built_in_framework() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir(dir.join("sources")).unwrap();
    std::fs::write(
        dir.join("sources/m.move"),
        "module p::m { use sui::object::UID; struct S has key { id: UID } }\n",
    )
    .unwrap();
    for url in [
        "https://github.com/MystenLabs/sui.git",
        "https://github.com/MystenLabs/sui",
        "https://github.com/mystenlabs/sui/",
        "git@github.com:MystenLabs/sui.git",
    ] {
        std::fs::write(
            dir.join("Move.toml"),
            format!("[package]\nname = \"P\"\n\n[dependencies.Sui]\ngit = \"{url}\"\nsubdir = \"crates/sui-framework/packages/sui-framework/\"\nrev = \"devnet-v1.20.0\"\n\n[addresses]\np = \"0x0\"\n"),
        )
        .unwrap();
        let pkg =
            build_package(dir, &BuildOptions::default()).unwrap_or_else(|e| panic!("{url}: {e}"));
        assert_eq!(pkg.dependencies, vec![ObjectID::STD, ObjectID::FRAMEWORK]);
    }
}

#[test]
fn a_move_2024_package_fails_with_a_note_naming_the_edition() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir(dir.join("sources")).unwrap();
    std::fs::write(
        dir.join("Move.toml"),
        "[package]\nname = \"P\"\nedition = \"2024.beta\"\n\n[dependencies]\nSui = { builtin = true }\n\n[addresses]\np = \"0x0\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("sources/m.move"),
        "module p::m { public struct S has drop { v: u64 } public fun f(): u64 { let mut x = 1; x = x + 1; x } }\n",
    )
    .unwrap();
    match build_package(dir, &BuildOptions::default()) {
        Err(BuildError::Compile { report }) => {
            assert!(report.contains("edition = \"2024.beta\""), "{report}");
            assert!(report.contains("Move 2020 syntax only"), "{report}");
        }
        other => panic!("expected a compile error, got {other:?}"),
    }
}

/// The ID of the one coin of `<package>::sui::SUI` Alice holds.
fn look_alike_coin(w: &World, package: ObjectID) -> Object {
    let t = StructTag {
        address: movid_runtime::seam::to_vm_address(ObjectID::FRAMEWORK),
        module: "coin".parse().unwrap(),
        name: "Coin".parse().unwrap(),
        type_params: vec![TypeTag::Struct(StructTag {
            address: movid_runtime::seam::to_vm_address(package),
            module: "sui".parse().unwrap(),
            name: "SUI".parse().unwrap(),
            type_params: vec![],
        })],
    };
    let coins: Vec<Object> = w
        .chain
        .owned_objects(&w.alice().address())
        .unwrap()
        .into_iter()
        .filter(|o| o.type_() == Some(&t))
        .collect();
    assert_eq!(
        coins.len(),
        1,
        "init minted one look-alike coin: {:?}",
        w.chain
            .owned_objects(&w.alice().address())
            .unwrap()
            .iter()
            .map(|o| o.type_().map(ToString::to_string))
            .collect::<Vec<_>>()
    );
    coins.into_iter().next().unwrap()
}

/// Signs `ptb` as `key` paying with exactly `gas`.
fn execute_paying_with(
    w: &World,
    key: &KeyPair,
    ptb: ProgrammableTransaction,
    gas: ObjectReference,
) -> Result<movid_runtime::chain::ExecutionResult, RuntimeError> {
    let data = TransactionData {
        kind: TransactionKind::ProgrammableTransaction(ptb),
        sender: key.address(),
        gas_data: GasData {
            payment: vec![gas],
            owner: key.address(),
            price: w.chain.reference_gas_price(),
            budget: BUDGET,
        },
        expiration: TransactionExpiration::None,
    };
    let signatures = vec![key.sign_transaction(&data)];
    w.chain.execute(SignedTransaction { data, signatures })
}

#[test]
fn a_package_s_own_sui_coin_never_pays_gas() {
    let w = World::bare();
    let pkg = publish_named(&w, "own_sui_coin");
    let fake = look_alike_coin(&w, pkg);
    assert_eq!(balance(&w.chain, fake.id()), 1_000_000_000_000_000);
    assert_ne!(fake.type_(), Some(&gas_coin_type()));
    assert!(
        !w.chain
            .gas_coins(&w.alice().address())
            .unwrap()
            .iter()
            .any(|c| c.id() == fake.id()),
        "gas coin selection does not offer it"
    );
    let before = w.snapshot(&[fake.id()]);
    let mut b = PtbBuilder::new();
    let me = b.pure(&w.alice().address());
    let amount = b.pure(&1u64);
    let split = b.split_coins(Argument::GasCoin, vec![amount]);
    b.transfer_objects(vec![split], me);
    match execute_paying_with(&w, w.alice(), b.finish(), fake.object_ref()) {
        Err(RuntimeError::Transaction(TransactionError::NotAGasCoin(id))) => {
            assert_eq!(id, fake.id())
        }
        other => panic!("expected NotAGasCoin, got {other:?}"),
    }
    assert_unchanged(&w, &before, &[fake.id()]);
}

#[test]
fn a_package_cannot_publish_its_own_sui_module_at_the_framework_address() {
    let w = World::bare();
    let pkg = build_package(
        &package_path("framework_squatter"),
        &BuildOptions::default(),
    )
    .expect("the build agrees with the framework on sui = 0x2");
    assert_eq!(pkg.modules.len(), 1);
    let framework = ObjectID::FRAMEWORK;
    let before = w.snapshot(&[framework]);
    let r = try_publish(
        &w.chain,
        w.alice(),
        pkg.module_bytes(),
        pkg.dependencies.clone(),
    );
    match failure(&r).0 {
        ExecutionFailure::PublishError(m) => {
            assert!(m.contains("module sui has address"), "{m}");
            assert!(m.contains("published from address 0x0"), "{m}");
        }
        other => panic!("expected a publish error, got {other:?}"),
    }
    assert_only_gas_changed(&w, &before, &r, &[framework]);
    let modules = match &w.object(framework).data {
        Data::Package(p) => p.modules.keys().cloned().collect::<Vec<_>>(),
        _ => panic!("0x2 is a package"),
    };
    assert!(modules.contains(&"sui".to_string()));
}

#[test]
fn a_package_cannot_pack_the_sui_witness() {
    match build_package(&package_path("pack_foreign_sui"), &BuildOptions::default()) {
        Err(BuildError::Compile { report }) => {
            assert!(report.contains("SUI"), "{report}");
            assert!(report.contains("forge.move"), "{report}");
        }
        other => panic!("expected a compile error, got {other:?}"),
    }
}

#[test]
fn a_ptb_cannot_forge_the_sui_witness_from_pure_bytes() {
    let w = World::bare();
    let framework = ObjectID::FRAMEWORK;
    let before = w.snapshot(&[framework]);
    let supply_type: TypeTag = "0x2::balance::Supply<0x2::sui::SUI>".parse().unwrap();
    // Were the witness accepted, this would mint a coin of 10^6 SUI and keep the supply in a bag.
    let r = w.run(w.alice(), |b| {
        // `SUI` has one (dummy) bool field, so these are its BCS bytes.
        let witness = b.pure_bytes(vec![1]);
        let supply = b.move_call(
            framework,
            "balance",
            "create_supply",
            vec![sui_type()],
            vec![witness],
        );
        let amount = b.pure(&(1_000_000 * movid_runtime::genesis::MIST_PER_SUI));
        let minted = b.move_call(
            framework,
            "balance",
            "increase_supply",
            vec![sui_type()],
            vec![supply, amount],
        );
        let coin = b.move_call(
            framework,
            "coin",
            "from_balance",
            vec![sui_type()],
            vec![minted],
        );
        let bag = b.move_call(framework, "bag", "new", vec![], vec![]);
        let key = b.pure(&0u64);
        b.move_call(
            framework,
            "bag",
            "add",
            vec![TypeTag::U64, supply_type.clone()],
            vec![bag, key, supply],
        );
        let me = b.pure(&w.alice().address());
        b.transfer_objects(vec![coin, bag], me);
    });
    match failure(&r) {
        (
            ExecutionFailure::InvalidPureValue {
                argument: 0, type_, ..
            },
            Some(0),
        ) => {
            assert_eq!(type_, "0x2::sui::SUI")
        }
        other => panic!("expected the pure witness to be refused in command 0, got {other:?}"),
    }
    assert_only_gas_changed(&w, &before, &r, &[framework]);
}

#[test]
fn a_package_calling_the_test_only_minter_does_not_link() {
    assert!(
        matches!(
            build_package(&package_path("test_only_minter"), &BuildOptions::default()),
            Err(BuildError::Compile { .. })
        ),
        "outside test mode the minter does not exist"
    );
    let pkg = build_package(
        &package_path("test_only_minter"),
        &BuildOptions { test_mode: true },
    )
    .expect("in test mode it compiles");
    let w = World::bare();
    let before = w.snapshot(&[]);
    let r = try_publish(
        &w.chain,
        w.alice(),
        pkg.module_bytes(),
        pkg.dependencies.clone(),
    );
    match failure(&r).0 {
        ExecutionFailure::PublishError(m) => {
            assert!(m.contains("LINKER_ERROR"), "{m}")
        }
        other => panic!("expected a publish error, got {other:?}"),
    }
    assert_only_gas_changed(&w, &before, &r, &[]);
}

#[test]
fn a_chain_created_before_the_sui_gas_coin_is_refused_when_opened_and_left_as_it_was() {
    use movid_runtime::chain::LocalChain;
    use movid_runtime::genesis::GenesisConfig;
    use movid_runtime::store::{CommitBatch, MemoryStore, Store};
    use std::sync::Arc;

    let store = Arc::new(MemoryStore::new());
    LocalChain::open(store.clone(), GenesisConfig::default()).expect("a new chain");
    LocalChain::open(store.clone(), GenesisConfig::default()).expect("reopens as it is");
    // The framework as an older movid wrote it: the gas module was `movid`, not `sui`.
    let mut old = store.get_object(&ObjectID::FRAMEWORK).unwrap().unwrap();
    match &mut old.data {
        Data::Package(p) => {
            let bytes = p
                .modules
                .remove("sui")
                .expect("the framework has a sui module");
            p.modules.insert("movid".into(), bytes);
        }
        _ => panic!("0x2 is a package"),
    }
    store
        .commit(CommitBatch {
            written: vec![old.clone()],
            removed: vec![],
            record: None,
            meta: None,
        })
        .unwrap();
    let meta = store.meta().unwrap();
    match LocalChain::open(store.clone(), GenesisConfig::default()) {
        Err(RuntimeError::OutdatedChain) => {}
        Err(other) => panic!("expected OutdatedChain, got {other:?}"),
        Ok(_) => panic!("expected OutdatedChain, the chain opened"),
    }
    assert_eq!(store.get_object(&ObjectID::FRAMEWORK).unwrap(), Some(old));
    assert_eq!(store.meta().unwrap(), meta, "nothing was written");
}
