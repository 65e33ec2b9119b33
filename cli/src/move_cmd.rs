//! `movid move new|build|test`.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use movid_runtime::build::{build_package, BuildError, BuildOptions};
use movid_runtime::unit_test::{run_unit_tests, UnitTestOptions};
use serde_json::json;

use crate::output::{CliError, CliResult, Output};

#[derive(Subcommand, Debug)]
pub enum MoveCommand {
    /// Create a new Move package that depends on the framework (`sui`) and the identity package.
    New {
        /// Package name (also its directory and named address, lowercased).
        name: String,
    },
    /// Compile a package.
    Build {
        /// Package directory.
        #[arg(long, default_value = ".")]
        path: PathBuf,
    },
    /// Run a package's Move unit tests with the framework natives and test_scenario.
    Test {
        /// Package directory.
        #[arg(long, default_value = ".")]
        path: PathBuf,
        /// Only tests whose `module::name` contains this.
        filter: Option<String>,
        /// List the tests instead of running them.
        #[arg(long)]
        list: bool,
        /// Report which functions of the package's modules the tests called, per module.
        #[arg(long)]
        coverage: bool,
        /// Print each test's time and gas used.
        #[arg(long)]
        statistics: bool,
    },
}

fn build_error(e: BuildError) -> CliError {
    let hint = match &e {
        BuildError::ManifestNotFound(_) => "run in a package directory or pass --path; `movid move new NAME` creates one",
        BuildError::Compile { .. } => "fix the reported source locations and build again",
        BuildError::UnknownDependency { .. } => "give the dependency a `local = \"path\"` or use `{ builtin = true }` for Sui/Identity/Access",
        BuildError::UnsupportedGitDependency { .. } => "copy the package next to yours and depend on it with `local = \"path\"`",
        _ => "check the package's Move.toml",
    };
    CliError::new(e.to_string(), hint)
}

pub fn run(cmd: MoveCommand, out: Output) -> CliResult<()> {
    match cmd {
        MoveCommand::New { name } => new_package(&name, out),
        MoveCommand::Build { path } => {
            let pkg = out
                .spin("compiling Move package", || {
                    build_package(&path, &BuildOptions::default())
                })
                .map_err(build_error)?;
            let modules: Vec<String> = pkg
                .modules
                .iter()
                .map(|m| m.self_id().name().to_string())
                .collect();
            if !pkg.warnings.is_empty() && !out.json {
                crate::output::stderr_line(&pkg.warnings.to_string());
            }
            out.print(
                &json!({ "package": pkg.name, "modules": modules, "dependencies": pkg.dependencies, "warnings": pkg.warnings }),
                || format!("built {} ({} modules: {})", pkg.name, modules.len(), modules.join(", ")),
            );
            Ok(())
        }
        MoveCommand::Test {
            path,
            filter,
            list,
            coverage,
            statistics,
        } => {
            let opts = UnitTestOptions {
                filter,
                list,
                coverage,
                statistics,
                threads: 0,
            };
            let report = out
                .spin("running Move unit tests", || run_unit_tests(&path, &opts))
                .map_err(build_error)?;
            let doc = if list {
                json!({ "tests": report.listed })
            } else {
                json!({
                    "passed": report.passed,
                    "tests": report.tests,
                    "coverage": report.coverage,
                    "output": report.output,
                })
            };
            out.print(&doc, || report.output.clone());
            if report.passed {
                Ok(())
            } else {
                Err(CliError::new(
                    "some Move unit tests failed",
                    "see the failures above",
                ))
            }
        }
    }
}

fn new_package(name: &str, out: Output) -> CliResult<()> {
    let valid = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return Err(CliError::new(
            format!("`{name}` is not a valid package name"),
            "use letters, digits and _, starting with a letter",
        ));
    }
    let dir = Path::new(name);
    if dir.exists() {
        return Err(CliError::new(
            format!("{} already exists", dir.display()),
            "choose another name or remove it",
        ));
    }
    let addr = name.to_ascii_lowercase();
    std::fs::create_dir_all(dir.join("sources"))?;
    std::fs::create_dir_all(dir.join("tests"))?;
    std::fs::write(
        dir.join("Move.toml"),
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\n\n[dependencies]\nSui = {{ builtin = true }}\nIdentity = {{ builtin = true }}\n\n[addresses]\n{addr} = \"0x0\"\n"
        ),
    )?;
    std::fs::write(
        dir.join(format!("sources/{addr}.move")),
        format!(
            "/// A starting point: an object you can create and send.\nmodule {addr}::{addr} {{\n    use sui::object::{{Self, UID}};\n    use sui::transfer;\n    use sui::tx_context::{{Self, TxContext}};\n\n    /// An object with a counter.\n    struct Thing has key, store {{\n        id: UID,\n        /// How often it was bumped.\n        count: u64,\n    }}\n\n    /// Creates a Thing owned by the sender.\n    public entry fun create(ctx: &mut TxContext) {{\n        transfer::transfer(Thing {{ id: object::new(ctx), count: 0 }}, tx_context::sender(ctx));\n    }}\n\n    /// Adds one to the counter.\n    public entry fun bump(thing: &mut Thing) {{\n        thing.count = thing.count + 1;\n    }}\n\n    /// The counter.\n    public fun count(thing: &Thing): u64 {{\n        thing.count\n    }}\n\n    #[test_only]\n    /// Destroys a Thing in tests.\n    public fun destroy_for_testing(thing: Thing) {{\n        let Thing {{ id, count: _ }} = thing;\n        object::delete(id);\n    }}\n}}\n"
        ),
    )?;
    std::fs::write(
        dir.join(format!("tests/{addr}_tests.move")),
        format!(
            "#[test_only]\nmodule {addr}::{addr}_tests {{\n    use sui::test_scenario as ts;\n    use {addr}::{addr}::{{Self, Thing}};\n\n    #[test]\n    fun bumping_counts() {{\n        let scenario = ts::begin(@0xA);\n        {addr}::create(ts::ctx(&mut scenario));\n        ts::next_tx(&mut scenario, @0xA);\n        let thing = ts::take_from_sender<Thing>(&scenario);\n        {addr}::bump(&mut thing);\n        assert!({addr}::count(&thing) == 1, 0);\n        {addr}::destroy_for_testing(thing);\n        ts::end(scenario);\n    }}\n}}\n"
        ),
    )?;
    out.print(&json!({ "created": dir }), || {
        format!(
            "created package {name} in {}\nnext: cd {name} && movid move build && movid move test",
            dir.display()
        )
    });
    Ok(())
}
