//! Runs the Move unit tests of the genesis packages through the unit-test runner with the
//! framework natives, so `cargo test` fails when one of them fails.

use std::path::Path;

use movid_runtime::unit_test::{run_move_unit_tests, run_unit_tests, TestStatus, UnitTestOptions};

fn run(package: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../move")
        .join(package);
    let report = run_move_unit_tests(&dir, None).expect("package builds in test mode");
    println!("{}", report.output);
    assert!(
        report.passed,
        "Move unit tests of {package} failed:\n{}",
        report.output
    );
}

#[test]
fn framework_move_unit_tests_pass() {
    run("framework");
}

#[test]
fn identity_move_unit_tests_pass() {
    run("identity");
}

#[test]
fn access_move_unit_tests_pass() {
    run("access");
}

#[test]
fn escrow_example_move_unit_tests_pass() {
    run("examples/escrow");
}

fn test_package(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/packages")
        .join(name)
}

/// Each test of the `expectations` package is named for what the runner must do with it: pass
/// (`passes_…`) or fail (`fails_…`). A runner that ignored codes, locations or failure kinds
/// would pass a `fails_…` test.
#[test]
fn expected_failure_attributes_are_judged_by_code_kind_and_location() {
    let report = run_unit_tests(&test_package("expectations"), &UnitTestOptions::default())
        .expect("the package builds");
    assert!(!report.passed);
    assert_eq!(report.tests.len(), 17, "{}", report.output);
    for t in &report.tests {
        let passed = t.status == TestStatus::Passed;
        if t.name.starts_with("passes_") {
            assert!(passed, "{} should pass:\n{}", t.name, report.output);
        } else {
            assert!(!passed, "{} should fail:\n{}", t.name, report.output);
        }
    }
    let status = |name: &str| {
        report
            .tests
            .iter()
            .find(|t| t.name == name)
            .unwrap()
            .status
            .clone()
    };
    assert_eq!(status("fails_by_running_out_of_gas"), TestStatus::Timeout);
    let TestStatus::Failed { reason } = status("fails_wrong_named_code") else {
        panic!("a failure")
    };
    assert!(
        reason.contains("aborted with code 8 (guard::ETooLarge)")
            && reason.contains("abort code 7"),
        "{reason}"
    );
}

#[test]
fn an_expected_failure_naming_a_missing_constant_is_a_build_error() {
    let err = run_unit_tests(
        &test_package("bad_expected_failure"),
        &UnitTestOptions::default(),
    )
    .expect_err("the attribute is refused");
    let text = err.to_string();
    assert!(text.contains("no u64 constant `EUnknown`"), "{text}");
    assert!(text.contains("m_tests.move:6"), "{text}");
}

#[test]
fn a_filter_selects_tests_and_list_runs_none() {
    let dir = test_package("expectations");
    let opts = UnitTestOptions {
        filter: Some("passes_named".into()),
        ..Default::default()
    };
    let report = run_unit_tests(&dir, &opts).unwrap();
    assert!(report.passed);
    assert_eq!(report.tests.len(), 1);
    assert!(report.tests[0].gas_used > 0);
    let opts = UnitTestOptions {
        list: true,
        ..Default::default()
    };
    let report = run_unit_tests(&dir, &opts).unwrap();
    assert!(report.tests.is_empty());
    assert_eq!(report.listed.len(), 17);
    assert!(report
        .output
        .contains("::expect_tests::passes_own_constant: test"));
}

#[test]
fn coverage_counts_the_functions_tests_called_per_module() {
    let opts = UnitTestOptions {
        filter: Some("passes_named".into()),
        coverage: true,
        ..Default::default()
    };
    let report = run_unit_tests(&test_package("expectations"), &opts).unwrap();
    let cov = report.coverage.expect("asked for");
    let guard = cov.iter().find(|m| m.module.ends_with("::guard")).unwrap();
    // Only `check` ran.
    assert_eq!(guard.functions, 5, "{:?}", guard.uncalled);
    assert_eq!(guard.called, 1);
    assert!(guard.uncalled.contains(&"never_called".to_string()));
    assert!(report.output.contains("Function coverage"));
}
