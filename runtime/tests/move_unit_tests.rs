//! Runs the Move unit tests of the genesis packages through the unit-test runner with the
//! framework natives, so `cargo test` fails when one of them fails.

use std::path::Path;

use movid_runtime::unit_test::run_move_unit_tests;

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
