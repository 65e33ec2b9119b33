//! Running a package's Move unit tests with the framework natives and `test_scenario`.

use std::path::Path;
use std::sync::Once;

use move_unit_test::UnitTestingConfig;

use crate::build::{build_tests, BuildError};
use crate::natives::{all_natives, ObjectRuntime};

/// The outcome of a unit-test run.
#[derive(Clone, Debug)]
pub struct UnitTestReport {
    /// Whether every test passed.
    pub passed: bool,
    /// The runner's report (one line per test, failures with their abort locations).
    pub output: String,
}

fn install_extension_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        move_unit_test::extensions::set_extension_hook(Box::new(|ext| {
            let rt: ObjectRuntime<'_> = ObjectRuntime::for_unit_tests();
            ext.add(rt);
        }));
    });
}

/// Compiles the package at `path` in test mode and runs its unit tests (those whose name
/// contains `filter`, when given).
pub fn run_move_unit_tests(
    path: &Path,
    filter: Option<&str>,
) -> Result<UnitTestReport, BuildError> {
    install_extension_hook();
    let build = build_tests(path)?;
    let mut config = UnitTestingConfig::default_with_bound(Some(1_000_000));
    config.filter = filter.map(str::to_string);
    config.num_threads = 2;
    let (out, passed) = config
        .run_and_report_unit_tests(build.plan, Some(all_natives()), Vec::<u8>::new())
        .map_err(|e| BuildError::Compile {
            report: e.to_string(),
        })?;
    Ok(UnitTestReport {
        passed,
        output: String::from_utf8_lossy(&out).into_owned(),
    })
}
