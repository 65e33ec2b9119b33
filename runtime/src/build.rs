//! Compiling Move packages with the real Move compiler.
//!
//! A package is a directory with a `Move.toml` and a `sources/` folder (and, for unit tests, a
//! `tests/` folder). The manifest has `[package]` (name, version), `[addresses]` (named
//! addresses; `"_"` or `"0x0"` for the package's own, unpublished address), `[dev-addresses]`
//! (used in test mode), and `[dependencies]`, each either a local path
//! (`Foo = { local = "../foo" }`, `path = ` is accepted too) or one of the packages every movid
//! chain has at genesis (`MoveStdlib`, `Sui`, `Identity`, `Access`), written
//! `Sui = { builtin = true }` (`Movid`, the framework's name before it answered to `sui`, too).
//! Sui's own git dependencies on its framework and standard library (`sui_git_package`)
//! are the built-in packages, so a manifest written for Sui builds without network access; any
//! other git dependency is refused by name. The Move standard library is always a dependency.
//!
//! Diagnostics come back as [`BuildError::Compile`] with the rendered report; nothing is
//! printed. Each compiled module carries, as module metadata, the names and values of its
//! `E...` error constants, so that aborts can be decoded by name once it is published.

use crate::types::WellKnown;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use move_binary_format::access::ModuleAccess;
use move_binary_format::file_format::CompiledModule;
use move_compiler::compiled_unit::{AnnotatedCompiledUnit, CompiledUnit, NamedCompiledModule};
use move_compiler::diagnostics::{report_diagnostics_to_buffer, FilesSourceText};
use move_compiler::shared::{Flags, NumericalAddress};
use move_compiler::unit_test::{plan_builder::construct_test_plan, TestPlan};
use move_compiler::{Compiler, PASS_CFGIR, PASS_PARSER};
use move_core_types::account_address::AccountAddress;
use move_core_types::language_storage::ModuleId;
use move_core_types::metadata::Metadata;
use move_core_types::value::MoveValue;
use serde::Deserialize;

use crate::types::ObjectID;
use crate::unit_test::expected::{take_expectations, Expectations};

/// Metadata key under which a module's error constants are stored.
pub const ERROR_MAP_METADATA_KEY: &[u8] = b"movid::errors";

/// Why a package could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// No `Move.toml` in the directory.
    #[error("no Move.toml in {0}: is this a Move package directory?")]
    ManifestNotFound(PathBuf),
    /// The manifest is not valid TOML or lacks a required entry.
    #[error("invalid manifest {path}: {reason}")]
    InvalidManifest {
        /// The manifest.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The package has no `sources/` directory.
    #[error("no sources directory at {0}")]
    SourcesNotFound(PathBuf),
    /// A dependency is neither a local path nor a genesis package.
    #[error("package {package} depends on {dependency}, which is neither a local package nor a genesis package (MoveStdlib, Sui, Identity, Access): {reason}")]
    UnknownDependency {
        /// The depending package.
        package: String,
        /// The dependency's name.
        dependency: String,
        /// Why it could not be found.
        reason: String,
    },
    /// A git dependency other than Sui's framework or standard library: movid builds without
    /// network access, so it cannot fetch it.
    #[error("package {package} depends on {dependency} from git ({git}{}), which movid cannot fetch: only Sui's framework and standard library (subdir {SUI_FRAMEWORK_SUBDIR} or {SUI_STDLIB_SUBDIR} of {SUI_REPO}) map to built-in packages", subdir.as_deref().map(|s| format!(", subdir {s}")).unwrap_or_default())]
    UnsupportedGitDependency {
        /// The depending package.
        package: String,
        /// The dependency's name.
        dependency: String,
        /// Its `git` URL.
        git: String,
        /// Its `subdir`, if any.
        subdir: Option<String>,
    },
    /// Two packages give one named address different values.
    #[error("named address `{name}` is {first} in one package and {second} in another")]
    ConflictingAddress {
        /// The name.
        name: String,
        /// One value.
        first: String,
        /// The other value.
        second: String,
    },
    /// A named address is not a valid address.
    #[error("named address `{name}` has an invalid value `{value}`")]
    InvalidAddress {
        /// The name.
        name: String,
        /// The value.
        value: String,
    },
    /// A dependency has not been published (its address is unassigned), so it cannot be linked.
    #[error("dependency {0} has no published address; publish it first and set its address in its Move.toml")]
    UnpublishedDependency(String),
    /// The dependency graph has a cycle.
    #[error("dependency cycle through package {0}")]
    DependencyCycle(String),
    /// The compiler rejected the sources; `report` is the rendered diagnostics (file, line, snippet).
    #[error("Move compilation failed:\n{report}")]
    Compile {
        /// Rendered compiler diagnostics.
        report: String,
    },
    /// Reading files failed.
    #[error("I/O error at {path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// Options for a build.
#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    /// Compile `#[test]`/`#[test_only]` code and the `tests/` folder, with `[dev-addresses]`.
    pub test_mode: bool,
}

/// A compiled package, ready to publish.
#[derive(Clone, Debug)]
pub struct CompiledPackage {
    /// The package name from the manifest.
    pub name: String,
    /// The package's own address (zero when unpublished; publishing assigns a fresh ID).
    pub address: AccountAddress,
    /// The package's modules in dependency order.
    pub modules: Vec<CompiledModule>,
    /// Package IDs it links against (genesis packages and published local dependencies).
    pub dependencies: Vec<ObjectID>,
    /// Compiler warnings, rendered; empty when there are none.
    pub warnings: String,
}

impl CompiledPackage {
    /// Serialized module bytes in dependency order, as `Publish` takes them.
    pub fn module_bytes(&self) -> Vec<Vec<u8>> {
        self.modules
            .iter()
            .map(|m| {
                let mut b = vec![];
                m.serialize(&mut b).expect("compiled modules serialize");
                b
            })
            .collect()
    }
}

#[derive(Deserialize)]
struct RawManifest {
    package: Option<RawPackage>,
    #[serde(default)]
    addresses: BTreeMap<String, String>,
    #[serde(default, rename = "dev-addresses")]
    dev_addresses: BTreeMap<String, String>,
    #[serde(default)]
    dependencies: BTreeMap<String, RawDependency>,
    #[serde(default, rename = "dev-dependencies")]
    dev_dependencies: BTreeMap<String, RawDependency>,
}

#[derive(Deserialize)]
struct RawPackage {
    name: String,
    #[allow(dead_code)]
    version: Option<String>,
    /// Sui's `edition` (`legacy`, `2024.beta`, `2024`): read only to explain a failed build.
    edition: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDependency {
    local: Option<String>,
    path: Option<String>,
    /// Written for clarity only: a dependency without a path or git URL is looked up by name.
    #[serde(default)]
    #[allow(dead_code)]
    builtin: bool,
    #[serde(default)]
    addr_subst: BTreeMap<String, String>,
    git: Option<String>,
    subdir: Option<String>,
    /// The git revision: any revision of Sui's framework maps to the built-in one.
    #[allow(dead_code)]
    rev: Option<String>,
    /// Sui's `override = true` (which version wins in a diamond); one version exists here.
    #[serde(default, rename = "override")]
    #[allow(dead_code)]
    override_: bool,
}

/// The repository Sui's framework packages come from, as manifests name it.
pub const SUI_REPO: &str = "https://github.com/MystenLabs/sui.git";
/// The framework's folder in [`SUI_REPO`].
pub const SUI_FRAMEWORK_SUBDIR: &str = "crates/sui-framework/packages/sui-framework";
/// The standard library's folder in [`SUI_REPO`].
pub const SUI_STDLIB_SUBDIR: &str = "crates/sui-framework/packages/move-stdlib";

/// What a git dependency of Sui's own is here: `Some(Some(Framework))` for the framework,
/// `Some(None)` for the standard library (always a dependency anyway), `None` for any other
/// repository or folder. The URL is compared without scheme, `.git`, trailing `/` or case, so
/// `git@github.com:MystenLabs/sui.git` and `https://github.com/mystenlabs/sui` match too; the
/// revision is not compared, since one framework version exists on a movid chain.
pub(crate) fn sui_git_package(git: &str, subdir: Option<&str>) -> Option<Option<Builtin>> {
    let url = git.trim().to_ascii_lowercase();
    let url = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .or_else(|| url.strip_prefix("ssh://git@"))
        .or_else(|| url.strip_prefix("git@"))
        .unwrap_or(&url)
        .replacen("github.com:", "github.com/", 1);
    let url = url.trim_end_matches('/');
    let url = url.strip_suffix(".git").unwrap_or(url);
    if url != "github.com/mystenlabs/sui" {
        return None;
    }
    let subdir = subdir?.trim().trim_start_matches("./").trim_matches('/');
    match subdir {
        SUI_FRAMEWORK_SUBDIR => Some(Some(Builtin::Framework)),
        SUI_STDLIB_SUBDIR => Some(None),
        _ => None,
    }
}

/// A genesis package known to every movid chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Builtin {
    Framework,
    Identity,
    Access,
}

impl Builtin {
    fn from_name(name: &str) -> Option<Self> {
        match name {
            "Sui" | "SuiFramework" | "Movid" | "MovidFramework" => Some(Builtin::Framework),
            "Identity" => Some(Builtin::Identity),
            "Access" => Some(Builtin::Access),
            _ => None,
        }
    }

    pub(crate) fn dir(self) -> PathBuf {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join("move");
        match self {
            Builtin::Framework => root.join("framework"),
            Builtin::Identity => root.join("identity"),
            Builtin::Access => root.join("access"),
        }
    }
}

/// A package resolved with its dependencies.
struct Resolved {
    name: String,
    /// Own source files (plus tests in test mode).
    targets: Vec<String>,
    /// Dependency source files (never their tests).
    deps: Vec<String>,
    /// All named addresses.
    addresses: BTreeMap<String, NumericalAddress>,
    /// The package's own named address(es) (those assigned in its own manifest).
    own_address: AccountAddress,
    dependencies: Vec<ObjectID>,
    /// The manifest's `edition`, if any.
    edition: Option<String>,
}

/// Turns rendered diagnostics into [`BuildError::Compile`], with a note when the manifest asks
/// for Move 2024, which the pinned compiler does not parse: a Sui package in the 2024 syntax
/// fails with parse errors that do not say why by themselves.
fn compile_error(name: &str, edition: Option<&str>, report: String) -> BuildError {
    let report = match edition {
        Some(e) if e.starts_with("2024") => format!(
            "{report}\nnote: {name} declares edition = \"{e}\"; movid's compiler accepts the Move 2020 syntax only (no method calls, `public struct`, `let mut`, u16/u32/u256; see LIMITS.md)\n"
        ),
        _ => report,
    };
    BuildError::Compile { report }
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> BuildError + '_ {
    move |source| BuildError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn read_manifest(dir: &Path) -> Result<RawManifest, BuildError> {
    let path = dir.join("Move.toml");
    if !path.is_file() {
        return Err(BuildError::ManifestNotFound(dir.to_path_buf()));
    }
    let text = std::fs::read_to_string(&path).map_err(io_err(&path))?;
    let m: RawManifest = toml::from_str(&text).map_err(|e| BuildError::InvalidManifest {
        path: path.clone(),
        reason: e.to_string(),
    })?;
    if m.package.is_none() {
        return Err(BuildError::InvalidManifest {
            path,
            reason: "missing [package] section".into(),
        });
    }
    Ok(m)
}

fn move_files(dir: &Path) -> Result<Vec<String>, BuildError> {
    let mut out = vec![];
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).map_err(io_err(&d))? {
            let p = entry.map_err(io_err(&d))?.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "move") {
                out.push(p.to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    Ok(out)
}

fn parse_address(name: &str, value: &str) -> Result<Option<NumericalAddress>, BuildError> {
    if value == "_" {
        return Ok(None);
    }
    NumericalAddress::parse_str(value)
        .map(Some)
        .map_err(|_| BuildError::InvalidAddress {
            name: name.into(),
            value: value.into(),
        })
}

/// The standard library's sources, all at `std = 0x1`: the `mv-stdlib` crate's modules, with
/// movid's own modules in `move/stdlib/sources` added (`debug`, `type_name`) or put in place of
/// the crate's module of the same file name (`string`, `ascii`, which gain Sui's functions).
fn stdlib_files() -> Vec<String> {
    let own_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../move/stdlib/sources");
    let own = move_files(&own_dir).expect("movid's std sources are part of the repository");
    let own_names: BTreeSet<_> = own
        .iter()
        .filter_map(|p| Path::new(p).file_name().map(|n| n.to_os_string()))
        .collect();
    let mut files: Vec<String> = move_stdlib::move_stdlib_files()
        .into_iter()
        .filter(|p| {
            Path::new(p)
                .file_name()
                .is_none_or(|n| !own_names.contains(n))
        })
        .collect();
    files.extend(own);
    files
}

fn add_address(
    into: &mut BTreeMap<String, NumericalAddress>,
    name: &str,
    value: NumericalAddress,
) -> Result<(), BuildError> {
    if let Some(prev) = into.get(name) {
        if prev.into_inner() != value.into_inner() {
            return Err(BuildError::ConflictingAddress {
                name: name.into(),
                first: prev.to_string(),
                second: value.to_string(),
            });
        }
    }
    into.insert(name.to_string(), value);
    Ok(())
}

/// Walks the dependency graph depth-first, collecting sources and addresses.
fn resolve(root: &Path, opts: &BuildOptions) -> Result<Resolved, BuildError> {
    let root = root
        .canonicalize()
        .map_err(|_| BuildError::ManifestNotFound(root.to_path_buf()))?;
    let manifest = read_manifest(&root)?;
    let name = manifest.package.as_ref().expect("checked").name.clone();
    let edition = manifest.package.as_ref().and_then(|p| p.edition.clone());
    let sources = root.join("sources");
    if !sources.is_dir() {
        return Err(BuildError::SourcesNotFound(sources));
    }
    let mut targets = move_files(&sources)?;
    if opts.test_mode && root.join("tests").is_dir() {
        targets.extend(move_files(&root.join("tests"))?);
    }
    let mut addresses = BTreeMap::new();
    add_address(
        &mut addresses,
        "std",
        NumericalAddress::parse_str("0x1").expect("valid"),
    )?;
    let mut own_address = AccountAddress::ZERO;
    for (n, v) in &manifest.addresses {
        let value = match parse_address(n, v)? {
            Some(a) => a,
            None => match opts
                .test_mode
                .then(|| manifest.dev_addresses.get(n))
                .flatten()
            {
                Some(dev) => parse_address(n, dev)?.unwrap_or_else(zero_address),
                None => zero_address(),
            },
        };
        own_address = AccountAddress::new(value.into_inner().into_bytes());
        add_address(&mut addresses, n, value)?;
    }
    if opts.test_mode {
        for (n, v) in &manifest.dev_addresses {
            if !manifest.addresses.contains_key(n) {
                if let Some(a) = parse_address(n, v)? {
                    add_address(&mut addresses, n, a)?;
                }
            }
        }
    }
    let mut deps = stdlib_files();
    let mut dependencies = vec![ObjectID::STD];
    let mut visited = BTreeSet::new();
    visited.insert(root.clone());
    let mut all_deps: Vec<(String, RawDependency)> = manifest.dependencies.into_iter().collect();
    if opts.test_mode {
        all_deps.extend(manifest.dev_dependencies);
    }
    let mut stack: Vec<(String, String, PathBuf, RawDependency)> = all_deps
        .into_iter()
        .map(|(d, raw)| (name.clone(), d, root.clone(), raw))
        .collect();
    let mut seen_dirs = BTreeSet::new();
    while let Some((parent, dep_name, parent_dir, raw)) = stack.pop() {
        let dir = match (raw.local.as_ref().or(raw.path.as_ref()), raw.git.as_ref()) {
            (Some(p), _) => parent_dir.join(p),
            (None, Some(git)) => match sui_git_package(git, raw.subdir.as_deref()) {
                Some(Some(b)) => b.dir(),
                Some(None) => continue,
                None => {
                    return Err(BuildError::UnsupportedGitDependency {
                        package: parent,
                        dependency: dep_name,
                        git: git.clone(),
                        subdir: raw.subdir.clone(),
                    })
                }
            },
            (None, None) => match Builtin::from_name(&dep_name) {
                Some(b) => b.dir(),
                None if dep_name == "MoveStdlib" => continue,
                None => {
                    return Err(BuildError::UnknownDependency {
                        package: parent,
                        dependency: dep_name,
                        reason: "give it a `local = \"path\"`".into(),
                    })
                }
            },
        };
        let dir = dir
            .canonicalize()
            .map_err(|_| BuildError::UnknownDependency {
                package: parent.clone(),
                dependency: dep_name.clone(),
                reason: format!("{} does not exist", dir.display()),
            })?;
        if dir == root {
            return Err(BuildError::DependencyCycle(name));
        }
        if !seen_dirs.insert(dir.clone()) {
            continue;
        }
        let m = read_manifest(&dir).map_err(|e| BuildError::UnknownDependency {
            package: parent.clone(),
            dependency: dep_name.clone(),
            reason: e.to_string(),
        })?;
        let dep_pkg_name = m.package.as_ref().expect("checked").name.clone();
        for (n, v) in &m.addresses {
            let subst = raw.addr_subst.get(n).map(String::as_str).unwrap_or(v);
            match parse_address(n, subst)? {
                Some(a) if a.into_inner() != AccountAddress::ZERO => {
                    add_address(&mut addresses, n, a)?;
                    let id = ObjectID::new(a.into_inner().into_bytes());
                    if !dependencies.contains(&id) {
                        dependencies.push(id);
                    }
                }
                _ => return Err(BuildError::UnpublishedDependency(dep_pkg_name.clone())),
            }
        }
        deps.extend(move_files(&dir.join("sources"))?);
        visited.insert(dir.clone());
        for (d, r) in m.dependencies {
            stack.push((dep_pkg_name.clone(), d, dir.clone(), r));
        }
    }
    Ok(Resolved {
        name,
        targets,
        deps,
        addresses,
        own_address,
        dependencies,
        edition,
    })
}

fn zero_address() -> NumericalAddress {
    NumericalAddress::parse_str("0x0").expect("valid")
}

fn render(files: &FilesSourceText, diags: move_compiler::diagnostics::Diagnostics) -> String {
    String::from_utf8_lossy(&report_diagnostics_to_buffer(files, diags)).into_owned()
}

/// Whether a constant's name marks an error: `E`, an upper-case letter, and a lower-case letter
/// somewhere (`ENotAController`). Upper-case names (`EXECUTE`, `ENCODING_JSON`) are other
/// constants that happen to start with E (docs/DESIGN.md §6, error names).
pub fn is_error_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next() == Some('E')
        && chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && name.chars().any(|c| c.is_ascii_lowercase())
}

/// The error constants of a compiled module (named by [`is_error_name`]), by value.
pub(crate) fn error_constants(named: &NamedCompiledModule) -> Vec<(u64, String)> {
    let mut out = vec![];
    for (name, idx) in &named.source_map.constant_map {
        let name = name.0.as_str();
        if !is_error_name(name) {
            continue;
        }
        let Some(c) = named.module.constant_pool.get(*idx as usize) else {
            continue;
        };
        if let Some(MoveValue::U64(v)) = c.deserialize_constant() {
            out.push((v, name.to_string()));
        }
    }
    out.sort();
    out
}

fn with_error_metadata(named: &NamedCompiledModule) -> CompiledModule {
    let mut module = named.module.clone();
    let errors = error_constants(named);
    if !errors.is_empty() {
        module.metadata.retain(|m| m.key != ERROR_MAP_METADATA_KEY);
        module.metadata.push(Metadata {
            key: ERROR_MAP_METADATA_KEY.to_vec(),
            value: bcs::to_bytes(&errors).expect("serializes"),
        });
    }
    module
}

/// Reads the error constant names a module carries in its metadata.
pub fn error_map(module: &CompiledModule) -> Vec<(u64, String)> {
    module
        .metadata
        .iter()
        .find(|m| m.key == ERROR_MAP_METADATA_KEY)
        .and_then(|m| bcs::from_bytes(&m.value).ok())
        .unwrap_or_default()
}

fn own_modules(units: Vec<AnnotatedCompiledUnit>) -> Vec<CompiledModule> {
    let modules: Vec<CompiledModule> = units
        .into_iter()
        .filter_map(|u| match u.into_compiled_unit() {
            CompiledUnit::Module(named) => Some(with_error_metadata(&named)),
            CompiledUnit::Script(_) => None,
        })
        .collect();
    dependency_order(modules)
}

/// Orders modules so that each comes after the modules of the same package it uses.
pub fn dependency_order(modules: Vec<CompiledModule>) -> Vec<CompiledModule> {
    let ids: BTreeSet<_> = modules.iter().map(|m| m.self_id()).collect();
    let mut done = BTreeSet::new();
    let mut out = Vec::with_capacity(modules.len());
    let mut pending = modules;
    while !pending.is_empty() {
        let before = pending.len();
        let mut rest = vec![];
        for m in pending {
            let ready = m
                .immediate_dependencies()
                .iter()
                .all(|d| !ids.contains(d) || done.contains(d) || *d == m.self_id());
            if ready {
                done.insert(m.self_id());
                out.push(m);
            } else {
                rest.push(m);
            }
        }
        if rest.len() == before {
            // A cycle cannot pass the compiler; keep the remaining order rather than loop.
            out.extend(rest);
            break;
        }
        pending = rest;
    }
    out
}

/// Compiles the package at `path`.
pub fn build_package(path: &Path, opts: &BuildOptions) -> Result<CompiledPackage, BuildError> {
    let r = resolve(path, opts)?;
    let flags = if opts.test_mode {
        Flags::testing()
    } else {
        Flags::empty()
    };
    let (files, result) = Compiler::from_files(r.targets, r.deps, r.addresses)
        .set_flags(flags)
        .build()
        .map_err(|e| BuildError::Compile {
            report: e.to_string(),
        })?;
    let (units, warnings) =
        result.map_err(|d| compile_error(&r.name, r.edition.as_deref(), render(&files, d)))?;
    let warnings = if warnings.is_empty() {
        String::new()
    } else {
        render(&files, warnings)
    };
    Ok(CompiledPackage {
        name: r.name,
        address: r.own_address,
        modules: own_modules(units),
        dependencies: r.dependencies,
        warnings,
    })
}

/// A package compiled for its unit tests: every module (its own and its dependencies') and the
/// tests of its own modules.
pub struct TestBuild {
    /// The test plan the unit-test runner executes.
    pub plan: TestPlan,
    /// The package name.
    pub name: String,
    /// How each `#[expected_failure]` test must fail (the plan itself only says that it must).
    pub expectations: Expectations,
    /// The modules declared in the package's own files (sources and tests).
    pub own_modules: BTreeSet<ModuleId>,
}

/// Compiles the package at `path` in test mode and plans its unit tests.
///
/// `#[expected_failure(...)]` attributes are read before the compiler sees them (the pinned
/// compiler accepts only a numeric `abort_code`); see [`crate::unit_test::expected`].
pub fn build_tests(path: &Path) -> Result<TestBuild, BuildError> {
    let opts = BuildOptions { test_mode: true };
    let r = resolve(path, &opts)?;
    let own: BTreeSet<String> = r.targets.iter().cloned().collect();
    // Dependencies are compiled as targets too, so the runner can load their modules.
    let mut all = r.targets.clone();
    all.extend(r.deps.iter().cloned());
    let (files, comments_and_compiler) = Compiler::from_files(all, vec![], r.addresses)
        .set_flags(Flags::testing())
        .run::<PASS_PARSER>()
        .map_err(|e| BuildError::Compile {
            report: e.to_string(),
        })?;
    let (_comments, stepped) = comments_and_compiler
        .map_err(|d| compile_error(&r.name, r.edition.as_deref(), render(&files, d)))?;
    let (compiler, mut parsed) = stepped.into_ast();
    let expectations = take_expectations(&mut parsed, &files).map_err(|e| BuildError::Compile {
        report: format!(
            "error: invalid #[expected_failure]: {}\n  at {}\n",
            e.reason, e.location
        ),
    })?;
    let stepped = compiler
        .at_parser(parsed)
        .run::<PASS_CFGIR>()
        .map_err(|d| compile_error(&r.name, r.edition.as_deref(), render(&files, d)))?;
    let (mut compiler, cfgir) = stepped.into_ast();
    let env = compiler.compilation_env();
    let tests = construct_test_plan(env, None, &cfgir);
    if let Err(diags) = env.check_diags_at_or_above_severity(
        move_compiler::diagnostics::codes::Severity::NonblockingError,
    ) {
        return Err(BuildError::Compile {
            report: render(&files, diags),
        });
    }
    let (units, _warnings) = compiler
        .at_cfgir(cfgir)
        .build()
        .map_err(|d| BuildError::Compile {
            report: render(&files, d),
        })?;
    // Keep only the tests declared in the package's own files.
    let own_modules: BTreeSet<_> = units
        .iter()
        .filter(|u| own_file(&files, u, &own))
        .filter_map(|u| match u {
            AnnotatedCompiledUnit::Module(m) => Some(m.named_module.module.self_id()),
            _ => None,
        })
        .collect();
    let tests = tests
        .unwrap_or_default()
        .into_iter()
        .filter(|t| own_modules.contains(&t.module_id))
        .collect();
    Ok(TestBuild {
        plan: TestPlan::new(tests, files, units),
        name: r.name,
        expectations,
        own_modules,
    })
}

fn own_file(files: &FilesSourceText, unit: &AnnotatedCompiledUnit, own: &BTreeSet<String>) -> bool {
    files
        .get(&unit.loc().file_hash())
        .is_some_and(|(name, _)| own.contains(name.as_str()))
}

/// Compiles the Move standard library (at 0x1) from the `mv-stdlib` crate's sources.
pub fn build_stdlib() -> Result<Vec<CompiledModule>, BuildError> {
    let mut addresses = BTreeMap::new();
    addresses.insert(
        "std".to_string(),
        NumericalAddress::parse_str("0x1").expect("valid"),
    );
    let (files, result) = Compiler::from_files(stdlib_files(), vec![], addresses)
        .build()
        .map_err(|e| BuildError::Compile {
            report: e.to_string(),
        })?;
    let (units, _) = result.map_err(|d| BuildError::Compile {
        report: render(&files, d),
    })?;
    Ok(own_modules(units))
}

#[cfg(test)]
mod tests {
    use super::is_error_name;

    #[test]
    fn error_names_are_e_pascal_case_and_upper_case_names_are_not() {
        for name in [
            "ENotAController",
            "EWrongIdentity",
            "EEmptyConfigChange",
            "EA1b",
        ] {
            assert!(is_error_name(name), "{name}");
        }
        for name in [
            "EXECUTE",
            "ENCODING_JSON",
            "E_NOT_FOUND",
            "E",
            "Ea",
            "MAX_E",
            "e",
        ] {
            assert!(!is_error_name(name), "{name}");
        }
    }
}
