//! Publishing: every publish rule rejects a small bad package (tests/packages/bad_*) with an
//! error naming the module, function and struct at fault; aborts are decoded by name; build
//! errors name what is wrong and where; bad bytes and bad packages change nothing but gas.

mod common;

use common::*;
use movid_runtime::build::{build_package, BuildError, BuildOptions};
use movid_runtime::types::*;
use movid_runtime::verifier::{verify_module, PublishError};

/// Checks `name` with the publish verifier directly, then publishes it through a transaction:
/// the transaction must fail with the same error and change nothing but gas.
fn rejected(name: &str) -> PublishError {
    let pkg = build(name);
    let err = pkg
        .modules
        .iter()
        .find_map(|m| verify_module(m).err())
        .unwrap_or_else(|| panic!("{name} passes the publish verifier"));
    let w = World::bare();
    let before = w.snapshot(&[]);
    let r = try_publish(
        &w.chain,
        w.alice(),
        pkg.module_bytes(),
        pkg.dependencies.clone(),
    );
    let (failure, command) = failure(&r);
    assert_eq!(
        failure,
        &ExecutionFailure::PublishError(err.to_string()),
        "{name}"
    );
    assert_eq!(command, Some(0));
    assert_only_gas_changed(&w, &before, &r, &[]);
    err
}

#[test]
fn global_storage_instructions_are_rejected() {
    let err = rejected("bad_global_storage");
    let PublishError::GlobalStorage {
        module,
        function,
        instruction,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(
        (module.as_str(), function.as_str()),
        ("store", "is_published")
    );
    assert!(instruction.starts_with("Exists"), "{instruction}");
    assert!(err.to_string().contains("store::is_published"), "{err}");
}

#[test]
fn a_key_struct_must_start_with_its_uid() {
    let err = rejected("bad_key_without_uid");
    assert_eq!(
        err,
        PublishError::KeyWithoutUid {
            module: "keyless".into(),
            name: "Keyless".into()
        }
    );
    assert!(err.to_string().contains("keyless::Keyless"), "{err}");
}

#[test]
fn an_object_cannot_be_packed_with_the_uid_of_another() {
    let err = rejected("bad_uid_not_fresh");
    assert_eq!(
        err,
        PublishError::UidNotFresh {
            module: "reuse".into(),
            function: "launder".into(),
            name: "Badge".into()
        }
    );
    assert!(err.to_string().contains("reuse::launder"), "{err}");
}

#[test]
fn a_foreign_type_cannot_be_moved_with_private_transfer() {
    let err = rejected("bad_foreign_transfer");
    assert_eq!(
        err,
        PublishError::ForeignTypeTransfer {
            module: "thief".into(),
            function: "send".into(),
            callee: "transfer::transfer".into()
        }
    );
    assert!(
        err.to_string().contains("public_"),
        "the message says what to use: {err}"
    );
}

#[test]
fn an_entry_function_takes_its_tx_context_last() {
    let err = rejected("bad_entry_signature");
    let PublishError::BadEntrySignature {
        module,
        function,
        reason,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!((module.as_str(), function.as_str()), ("entry", "set"));
    assert!(reason.contains("TxContext"), "{reason}");
}

#[test]
fn a_one_time_witness_cannot_be_packed_by_code() {
    let err = rejected("bad_otw_packed");
    assert_eq!(
        err,
        PublishError::WitnessPacked {
            module: "coin_factory".into(),
            name: "COIN_FACTORY".into()
        }
    );
}

#[test]
fn init_takes_only_its_modules_one_time_witness() {
    let err = rejected("bad_init_witness");
    let PublishError::BadInit { module, reason } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(module, "registry");
    assert!(reason.contains("REGISTRY"), "{reason}");
}

#[test]
fn init_cannot_be_called_by_the_modules_own_code() {
    let err = rejected("bad_init_called");
    let PublishError::BadInit { module, reason } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(module, "setup");
    assert!(reason.contains("mint_another_admin"), "{reason}");
}

#[test]
fn init_cannot_be_called_from_a_transaction() {
    let w = World::new();
    let before = w.snapshot(&[]);
    let r = w.call(w.alice(), "init", &[]);
    let ExecutionFailure::CallNotAllowed { target, rule } = failure(&r).0 else {
        panic!("{:?}", r.effects.status)
    };
    assert!(target.ends_with("::objects::init"), "{target}");
    assert_eq!(*rule, CallRule::Init);
    assert_only_gas_changed(&w, &before, &r, &[]);
}

#[test]
fn a_private_function_cannot_be_called_from_a_transaction() {
    let w = World::bare();
    let r = w.run(w.alice(), |b| {
        let v = b.pure(&vec![0u8; 32]);
        b.move_call(
            ObjectID::FRAMEWORK,
            "object",
            "new_uid_from_hash",
            vec![],
            vec![v],
        );
    });
    assert!(
        matches!(
            failure(&r).0,
            ExecutionFailure::CallNotAllowed {
                rule: CallRule::NotPublicOrEntry,
                ..
            }
        ),
        "{:?}",
        r.effects.status
    );
}

#[test]
fn an_abort_is_decoded_with_its_constant_name() {
    let w = World::new();
    let r = w.call(w.alice(), "fail", &[]);
    let a = abort_of(&r);
    assert_eq!(
        a,
        &MoveAbort {
            package: w.pkg,
            module: "objects".into(),
            function: Some("fail".into()),
            code: 2,
            constant: Some("EAlwaysFails".into()),
        }
    );
    assert_eq!(
        a.to_string(),
        format!("{}::objects::EAlwaysFails (code 2) in fail", w.pkg)
    );
    assert_eq!(failure(&r).1, Some(0));
}

#[test]
fn a_compile_error_names_the_file_and_line() {
    let err = build_package(&package_dir("bad_compile"), &BuildOptions::default()).unwrap_err();
    let BuildError::Compile { report } = &err else {
        panic!("{err:?}")
    };
    assert!(report.contains("sources/broken.move:4"), "{report}");
    assert!(
        err.to_string().starts_with("Move compilation failed"),
        "{err}"
    );
}

fn temp_package(manifest: Option<&str>, source: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    if let Some(m) = manifest {
        std::fs::write(dir.path().join("Move.toml"), m).unwrap();
    }
    if let Some(s) = source {
        std::fs::create_dir_all(dir.path().join("sources")).unwrap();
        std::fs::write(dir.path().join("sources/m.move"), s).unwrap();
    }
    dir
}

#[test]
fn a_malformed_manifest_is_reported_with_its_path() {
    let dir = temp_package(
        Some("[package\nname = \"Broken\"\n"),
        Some("module a::m {}"),
    );
    let err = build_package(dir.path(), &BuildOptions::default()).unwrap_err();
    let BuildError::InvalidManifest { path, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(path.ends_with("Move.toml"));
    // A manifest without [package] is refused too.
    let dir = temp_package(Some("[addresses]\na = \"0x0\"\n"), Some("module a::m {}"));
    let err = build_package(dir.path(), &BuildOptions::default()).unwrap_err();
    assert!(
        matches!(&err, BuildError::InvalidManifest { reason, .. } if reason.contains("[package]")),
        "{err:?}"
    );
    // And a directory without a manifest.
    let dir = temp_package(None, Some("module a::m {}"));
    let err = build_package(dir.path(), &BuildOptions::default()).unwrap_err();
    assert!(matches!(err, BuildError::ManifestNotFound(_)), "{err:?}");
}

#[test]
fn a_package_without_sources_is_reported() {
    let dir = temp_package(
        Some("[package]\nname = \"Empty\"\n\n[addresses]\na = \"0x0\"\n"),
        None,
    );
    let err = build_package(dir.path(), &BuildOptions::default()).unwrap_err();
    let BuildError::SourcesNotFound(path) = &err else {
        panic!("{err:?}")
    };
    assert!(path.ends_with("sources"));
    assert!(err.to_string().contains("no sources directory"), "{err}");
}

#[test]
fn module_bytes_that_do_not_deserialize_are_rejected() {
    let w = World::bare();
    let before = w.snapshot(&[]);
    let r = try_publish(
        &w.chain,
        w.alice(),
        vec![vec![0xa1, 0x1c, 0xeb, 0x0b, 1, 2, 3]],
        vec![],
    );
    let ExecutionFailure::PublishError(msg) = failure(&r).0 else {
        panic!("{:?}", r.effects.status)
    };
    assert!(msg.starts_with("module 0 does not deserialize"), "{msg}");
    assert_only_gas_changed(&w, &before, &r, &[]);
}

#[test]
fn a_dependency_must_be_a_published_package() {
    let w = World::bare();
    let pkg = build("objects");
    let r = try_publish(
        &w.chain,
        w.alice(),
        pkg.module_bytes(),
        vec![random_address()],
    );
    let ExecutionFailure::PublishError(msg) = failure(&r).0 else {
        panic!("{:?}", r.effects.status)
    };
    assert!(msg.contains("is not a published package"), "{msg}");
}
