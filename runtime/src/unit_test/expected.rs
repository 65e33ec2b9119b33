//! `#[expected_failure(...)]` as Sui developers write it, on a compiler that knows only
//! `#[expected_failure]` and `#[expected_failure(abort_code = <number>)]`.
//!
//! Before the compiler checks attributes, [`take_expectations`] walks the parsed program, reads
//! every `expected_failure` attribute of the package's own test functions into an
//! [`Expectation`], and leaves a bare `#[expected_failure]` in its place, so that the compiler
//! still plans the function as a test. The runner then judges each outcome against its
//! expectation. Understood, as on Sui:
//!
//! - `abort_code = 3`, `abort_code = ECONST` (a constant of the test's module),
//!   `abort_code = module::ECONST` (through a `use`), `abort_code = addr::module::ECONST`;
//!   a named constant also fixes the location to its module unless `location` says otherwise;
//! - `location = module`, `location = addr::module`, `location = Self`;
//! - `arithmetic_error`, `vector_error` (with `minor_status = N`), `out_of_gas`;
//! - `major_status = N` (with `minor_status = N`).

use std::collections::BTreeMap;

use move_compiler::diagnostics::FilesSourceText;
use move_compiler::parser::ast::{
    Attribute, AttributeValue_, Attribute_, Definition, Exp_, LeadingNameAccess_, ModuleDefinition,
    ModuleMember, NameAccessChain_, Program, Use, Value_,
};
use move_compiler::shared::{NamedAddressMap, NumericalAddress};
use move_core_types::account_address::AccountAddress;
use move_core_types::identifier::Identifier;
use move_core_types::language_storage::ModuleId;
use move_ir_types::location::Loc;

/// What kind of failure a test expects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FailureKind {
    /// Any failure at all (`#[expected_failure]`).
    Any,
    /// A Move abort, with this code when given.
    Abort(Option<u64>),
    /// Overflow, underflow or division by zero.
    Arithmetic,
    /// A vector operation out of bounds (or on an empty vector), with this minor status when given.
    Vector(Option<u64>),
    /// Running out of gas.
    OutOfGas,
    /// A VM status code (`major_status`), with this minor status when given.
    Status(u64, Option<u64>),
}

/// How a test is expected to fail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expectation {
    /// What must happen.
    pub kind: FailureKind,
    /// The module the failure must come from, when given (or implied by a named abort code).
    pub location: Option<ModuleId>,
}

/// Expectations of test functions, by module and function name.
pub type Expectations = BTreeMap<(ModuleId, String), Expectation>;

/// An `expected_failure` attribute that names something that does not exist or is not allowed.
#[derive(Debug)]
pub struct AttributeError {
    /// Where the attribute is, as `file:line`.
    pub location: String,
    /// What is wrong.
    pub reason: String,
}

/// Reads and removes the `expected_failure` arguments of the functions in the program's own
/// sources (see the module doc). Constants are looked up in every module of the program.
pub fn take_expectations(
    program: &mut Program,
    files: &FilesSourceText,
) -> Result<Expectations, AttributeError> {
    let constants = collect_constants(program);
    let mut out = Expectations::new();
    let maps = program.named_address_maps.clone();
    for pkg in &mut program.source_definitions {
        let map = maps.get(pkg.named_address_map);
        let modules: Vec<&mut ModuleDefinition> = match &mut pkg.def {
            Definition::Module(m) => vec![m],
            Definition::Address(a) => a.modules.iter_mut().collect(),
            Definition::Script(_) => vec![],
        };
        for module in modules {
            let Some(self_id) = module_id_of(module, map) else {
                continue;
            };
            let aliases = module_aliases(module, map);
            let scope = Scope {
                self_id: &self_id,
                aliases: &aliases,
                map,
                constants: &constants,
                files,
            };
            for member in &mut module.members {
                let ModuleMember::Function(f) = member else {
                    continue;
                };
                for attrs in &mut f.attributes {
                    for attr in &mut attrs.value {
                        if attr.value.attribute_name().value.as_str() != "expected_failure" {
                            continue;
                        }
                        let expectation = scope.read(attr)?;
                        let name = *attr.value.attribute_name();
                        attr.value = Attribute_::Name(name);
                        out.insert(
                            (self_id.clone(), f.name.0.value.as_str().to_string()),
                            expectation,
                        );
                    }
                }
            }
        }
    }
    Ok(out)
}

type Constants = BTreeMap<ModuleId, BTreeMap<String, u64>>;

struct Scope<'a> {
    self_id: &'a ModuleId,
    aliases: &'a BTreeMap<String, ModuleId>,
    map: &'a NamedAddressMap,
    constants: &'a Constants,
    files: &'a FilesSourceText,
}

impl Scope<'_> {
    fn error(&self, loc: Loc, reason: impl Into<String>) -> AttributeError {
        AttributeError {
            location: render_loc(self.files, loc),
            reason: reason.into(),
        }
    }

    fn read(&self, attr: &Attribute) -> Result<Expectation, AttributeError> {
        let args: Vec<&Attribute> =
            match &attr.value {
                Attribute_::Name(_) => vec![],
                Attribute_::Parameterized(_, inner) => inner.value.iter().collect(),
                Attribute_::Assigned(..) => return Err(self.error(
                    attr.loc,
                    "write #[expected_failure(abort_code = ...)], not #[expected_failure = ...]",
                )),
            };
        let mut kind = FailureKind::Any;
        let mut location = None;
        let mut implied_location = None;
        let mut minor = None;
        for arg in args {
            match &arg.value {
                Attribute_::Name(n) => {
                    kind = match n.value.as_str() {
                        "arithmetic_error" => FailureKind::Arithmetic,
                        "vector_error" => FailureKind::Vector(None),
                        "out_of_gas" => FailureKind::OutOfGas,
                        other => {
                            return Err(self.error(
                                arg.loc,
                                format!("unknown expected_failure argument `{other}`"),
                            ))
                        }
                    }
                }
                Attribute_::Assigned(n, value) => match n.value.as_str() {
                    "abort_code" => {
                        let (code, module) = self.resolve_code(arg.loc, &value.value)?;
                        kind = FailureKind::Abort(Some(code));
                        implied_location = module;
                    }
                    "location" => location = Some(self.resolve_module(arg.loc, &value.value)?),
                    "minor_status" => minor = Some(self.number(arg.loc, &value.value)?),
                    "major_status" => {
                        kind = FailureKind::Status(self.number(arg.loc, &value.value)?, None)
                    }
                    other => {
                        return Err(self.error(
                            arg.loc,
                            format!("unknown expected_failure argument `{other}`"),
                        ))
                    }
                },
                Attribute_::Parameterized(..) => {
                    return Err(self.error(arg.loc, "nested attributes are not allowed here"))
                }
            }
        }
        if let Some(m) = minor {
            kind = match kind {
                FailureKind::Vector(_) => FailureKind::Vector(Some(m)),
                FailureKind::Status(s, _) => FailureKind::Status(s, Some(m)),
                _ => {
                    return Err(self.error(
                        attr.loc,
                        "minor_status goes with vector_error or major_status",
                    ))
                }
            };
        }
        Ok(Expectation {
            kind,
            location: location.or(implied_location),
        })
    }

    fn number(&self, loc: Loc, value: &AttributeValue_) -> Result<u64, AttributeError> {
        match value {
            AttributeValue_::Value(v) => match &v.value {
                Value_::Num(s) => parse_u64(s.as_str())
                    .ok_or_else(|| self.error(loc, format!("`{}` is not a u64", s.as_str()))),
                _ => Err(self.error(loc, "expected a number")),
            },
            AttributeValue_::ModuleAccess(_) => Err(self.error(loc, "expected a number")),
        }
    }

    /// An abort code: a number, or a constant (with the module it belongs to).
    fn resolve_code(
        &self,
        loc: Loc,
        value: &AttributeValue_,
    ) -> Result<(u64, Option<ModuleId>), AttributeError> {
        let chain = match value {
            AttributeValue_::Value(_) => return Ok((self.number(loc, value)?, None)),
            AttributeValue_::ModuleAccess(chain) => &chain.value,
        };
        let (module, name) = match chain {
            NameAccessChain_::One(n) => (self.self_id.clone(), n.value.as_str().to_string()),
            NameAccessChain_::Two(lead, n) => {
                let module = match &lead.value {
                    LeadingNameAccess_::Name(alias) => self.alias(loc, alias.value.as_str())?,
                    LeadingNameAccess_::AnonymousAddress(_) => {
                        return Err(self.error(loc, "write module::CONSTANT"))
                    }
                };
                (module, n.value.as_str().to_string())
            }
            NameAccessChain_::Three(path, n) => {
                let (lead, m) = &path.value;
                (
                    self.module_at(loc, &lead.value, m.value.as_str())?,
                    n.value.as_str().to_string(),
                )
            }
        };
        let value = self
            .constants
            .get(&module)
            .and_then(|c| c.get(&name))
            .ok_or_else(|| {
                self.error(
                    loc,
                    format!(
                        "no u64 constant `{name}` in module {}",
                        module_name(&module)
                    ),
                )
            })?;
        Ok((*value, Some(module)))
    }

    /// A module: `Self`, an alias from a `use`, or `addr::module`.
    fn resolve_module(
        &self,
        loc: Loc,
        value: &AttributeValue_,
    ) -> Result<ModuleId, AttributeError> {
        let AttributeValue_::ModuleAccess(chain) = value else {
            return Err(self.error(loc, "location must name a module"));
        };
        match &chain.value {
            NameAccessChain_::One(n) if n.value.as_str() == "Self" => Ok(self.self_id.clone()),
            NameAccessChain_::One(n) => self.alias(loc, n.value.as_str()),
            NameAccessChain_::Two(lead, m) => self.module_at(loc, &lead.value, m.value.as_str()),
            NameAccessChain_::Three(..) => Err(self.error(loc, "location must name a module")),
        }
    }

    fn alias(&self, loc: Loc, alias: &str) -> Result<ModuleId, AttributeError> {
        if alias == "Self" {
            return Ok(self.self_id.clone());
        }
        self.aliases.get(alias).cloned().ok_or_else(|| {
            self.error(
                loc,
                format!("`{alias}` is not a module in scope (add a `use`)"),
            )
        })
    }

    fn module_at(
        &self,
        loc: Loc,
        lead: &LeadingNameAccess_,
        module: &str,
    ) -> Result<ModuleId, AttributeError> {
        let address =
            address_of(lead, self.map).ok_or_else(|| self.error(loc, "unknown named address"))?;
        Identifier::new(module)
            .map(|m| ModuleId::new(address, m))
            .map_err(|_| self.error(loc, format!("`{module}` is not a module name")))
    }
}

fn render_loc(files: &FilesSourceText, loc: Loc) -> String {
    match files.get(&loc.file_hash()) {
        Some((name, text)) => {
            let line = text[..(loc.start() as usize).min(text.len())]
                .matches('\n')
                .count()
                + 1;
            format!("{}:{line}", name.as_str())
        }
        None => "<unknown file>".to_string(),
    }
}

fn module_name(id: &ModuleId) -> String {
    format!("0x{}::{}", id.address().short_str_lossless(), id.name())
}

fn parse_u64(s: &str) -> Option<u64> {
    let s = s.replace('_', "");
    let s = s
        .strip_suffix("u64")
        .or_else(|| s.strip_suffix("u128"))
        .or_else(|| s.strip_suffix("u8"))
        .unwrap_or(&s);
    match s.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => s.parse().ok(),
    }
}

fn address_of(lead: &LeadingNameAccess_, map: &NamedAddressMap) -> Option<AccountAddress> {
    let n: NumericalAddress = match lead {
        LeadingNameAccess_::AnonymousAddress(a) => *a,
        LeadingNameAccess_::Name(n) => *map.get(&n.value)?,
    };
    Some(AccountAddress::new(n.into_inner().into_bytes()))
}

fn module_id_of(module: &ModuleDefinition, map: &NamedAddressMap) -> Option<ModuleId> {
    let address = address_of(&module.address.as_ref()?.value, map)?;
    let name = Identifier::new(module.name.0.value.as_str()).ok()?;
    Some(ModuleId::new(address, name))
}

/// Module aliases a module's `use` declarations bring into scope.
fn module_aliases(module: &ModuleDefinition, map: &NamedAddressMap) -> BTreeMap<String, ModuleId> {
    let mut out = BTreeMap::new();
    for member in &module.members {
        let ModuleMember::Use(decl) = member else {
            continue;
        };
        let (ident, alias) = match &decl.use_ {
            Use::Module(ident, alias) => (
                ident,
                alias
                    .map(|a| a.0.value.as_str().to_string())
                    .unwrap_or_else(|| ident.value.module.0.value.as_str().to_string()),
            ),
            Use::Members(ident, members) => {
                let Some((_, alias)) = members.iter().find(|(n, _)| n.value.as_str() == "Self")
                else {
                    continue;
                };
                (
                    ident,
                    alias
                        .map(|a| a.value.as_str().to_string())
                        .unwrap_or_else(|| ident.value.module.0.value.as_str().to_string()),
                )
            }
        };
        let Some(address) = address_of(&ident.value.address.value, map) else {
            continue;
        };
        let Ok(name) = Identifier::new(ident.value.module.0.value.as_str()) else {
            continue;
        };
        out.insert(alias, ModuleId::new(address, name));
    }
    out
}

/// The `u64` constants with literal values of every module in the program.
fn collect_constants(program: &Program) -> Constants {
    let mut out = Constants::new();
    for pkg in program
        .source_definitions
        .iter()
        .chain(&program.lib_definitions)
    {
        let map = program.named_address_maps.get(pkg.named_address_map);
        let modules: Vec<&ModuleDefinition> = match &pkg.def {
            Definition::Module(m) => vec![m],
            Definition::Address(a) => a.modules.iter().collect(),
            Definition::Script(_) => vec![],
        };
        for module in modules {
            let Some(id) = module_id_of(module, map) else {
                continue;
            };
            let entry = out.entry(id).or_default();
            for member in &module.members {
                if let ModuleMember::Constant(c) = member {
                    if let Exp_::Value(v) = &c.value.value {
                        if let Value_::Num(s) = &v.value {
                            if let Some(n) = parse_u64(s.as_str()) {
                                entry.insert(c.name.0.value.as_str().to_string(), n);
                            }
                        }
                    }
                }
            }
        }
    }
    out
}
