//! Running a package's Move unit tests with the framework natives and `test_scenario`, as
//! `sui move test` does: a name filter, listing, per-test results with the gas each used,
//! `#[expected_failure]` with named abort codes and locations, and function coverage.
//!
//! The compiler plans the tests ([`crate::build::build_tests`]); movid runs them itself
//! ([`runner`]) on the Move VM with its own natives, object runtime and gas meter, so a test
//! costs what the same code costs in a transaction.

pub mod expected;
mod runner;

use std::fmt::Write as _;
use std::path::Path;

use crate::build::{build_tests, BuildError};
pub use runner::{ModuleCoverage, TestResult, TestStatus};

/// What to run and report.
#[derive(Clone, Debug, Default)]
pub struct UnitTestOptions {
    /// Only tests whose `module::name` contains this (or whose module name does).
    pub filter: Option<String>,
    /// List the tests instead of running them.
    pub list: bool,
    /// Compute function coverage of the package's own modules.
    pub coverage: bool,
    /// Add a table of each test's gas and time to the text output.
    pub statistics: bool,
    /// Worker threads (0: two).
    pub threads: usize,
}

/// The outcome of a unit-test run.
#[derive(Clone, Debug, serde::Serialize)]
pub struct UnitTestReport {
    /// Whether every test passed (true when listing).
    pub passed: bool,
    /// Each test's result (empty when listing).
    pub tests: Vec<TestResult>,
    /// The tests, as `0x…::module::name`, when listing.
    pub listed: Vec<String>,
    /// Function coverage per own module, when asked for.
    pub coverage: Option<Vec<ModuleCoverage>>,
    /// The report as text: one line per test, then failures, then the totals.
    pub output: String,
}

/// Compiles the package at `path` in test mode and runs its unit tests (those whose name
/// contains `filter`, when given).
pub fn run_move_unit_tests(
    path: &Path,
    filter: Option<&str>,
) -> Result<UnitTestReport, BuildError> {
    run_unit_tests(
        path,
        &UnitTestOptions {
            filter: filter.map(str::to_string),
            ..Default::default()
        },
    )
}

/// Compiles the package at `path` in test mode and runs (or lists) its unit tests.
pub fn run_unit_tests(path: &Path, opts: &UnitTestOptions) -> Result<UnitTestReport, BuildError> {
    let mut build = build_tests(path)?;
    if let Some(filter) = &opts.filter {
        for (module, tests) in build.plan.module_tests.iter_mut() {
            if module.name().as_str().contains(filter.as_str()) {
                continue;
            }
            tests
                .tests
                .retain(|name, _| format!("{}::{name}", module.name()).contains(filter.as_str()));
        }
    }
    if opts.list {
        let listed: Vec<String> = build
            .plan
            .module_tests
            .iter()
            .flat_map(|(m, t)| {
                t.tests
                    .keys()
                    .map(move |n| format!("{}::{n}", runner::module_label(m)))
            })
            .collect();
        let output = listed.iter().map(|t| format!("{t}: test\n")).collect();
        return Ok(UnitTestReport {
            passed: true,
            tests: vec![],
            listed,
            coverage: None,
            output,
        });
    }
    let threads = if opts.threads == 0 { 2 } else { opts.threads };
    let run = runner::run_plan(&build.plan, &build.expectations, threads);
    let coverage = opts
        .coverage
        .then(|| runner::coverage(&build.plan, &build.own_modules, &run.calls));
    let passed = run.results.iter().all(|r| r.status == TestStatus::Passed);
    let output = render(&run.results, coverage.as_deref(), opts.statistics);
    Ok(UnitTestReport {
        passed,
        tests: run.results,
        listed: vec![],
        coverage,
        output,
    })
}

fn render(results: &[TestResult], coverage: Option<&[ModuleCoverage]>, statistics: bool) -> String {
    let mut out = String::from("Running Move unit tests\n");
    for r in results {
        let tag = match r.status {
            TestStatus::Passed => "PASS   ",
            TestStatus::Failed { .. } => "FAIL   ",
            TestStatus::Timeout => "TIMEOUT",
        };
        let _ = writeln!(out, "[ {tag} ] {}::{}", r.module, r.name);
    }
    let failures: Vec<&TestResult> = results
        .iter()
        .filter(|r| r.status != TestStatus::Passed)
        .collect();
    if !failures.is_empty() {
        out.push_str("\nTest failures:\n");
        for r in &failures {
            let reason = match &r.status {
                TestStatus::Failed { reason } => reason.clone(),
                TestStatus::Timeout => format!(
                    "the test used more than {} gas units, the most a transaction may",
                    crate::gas::MAX_GAS_UNITS
                ),
                TestStatus::Passed => unreachable!("filtered"),
            };
            let _ = writeln!(out, "  {}::{}: {reason}", r.module, r.name);
        }
    }
    if statistics {
        out.push_str("\nTest Statistics:\n");
        let _ = writeln!(
            out,
            "  {:<70} {:>12} {:>12}",
            "test", "time (ms)", "gas used"
        );
        for r in results {
            let _ = writeln!(
                out,
                "  {:<70} {:>12.3} {:>12}",
                format!("{}::{}", r.module, r.name),
                r.micros as f64 / 1000.0,
                r.gas_used
            );
        }
    }
    if let Some(cov) = coverage {
        out.push_str("\nFunction coverage (functions some test called / non-native functions):\n");
        let (mut called, mut total) = (0, 0);
        for m in cov {
            called += m.called;
            total += m.functions;
            let _ = writeln!(
                out,
                "  {:<50} {:>6.2}%  ({}/{})",
                m.module,
                m.percent(),
                m.called,
                m.functions
            );
        }
        let pct = if total == 0 {
            100.0
        } else {
            100.0 * called as f64 / total as f64
        };
        let _ = writeln!(out, "  {:<50} {:>6.2}%  ({called}/{total})", "total", pct);
    }
    let _ = writeln!(
        out,
        "\nTest result: {}. Total tests: {}; passed: {}; failed: {}",
        if failures.is_empty() { "OK" } else { "FAILED" },
        results.len(),
        results.len() - failures.len(),
        failures.len()
    );
    out
}
