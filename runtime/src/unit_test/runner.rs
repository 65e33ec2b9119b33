//! Runs planned unit tests on the Move VM with movid's natives, object runtime and gas meter,
//! and judges each outcome against its [`Expectation`].

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use move_binary_format::access::ModuleAccess;
use move_binary_format::errors::{Location, VMError};
use move_binary_format::file_format::{AbilitySet, CompiledModule};
use move_compiler::unit_test::TestPlan;
use move_core_types::account_address::AccountAddress;
use move_core_types::gas_algebra::{InternalGas, NumArgs, NumBytes};
use move_core_types::identifier::IdentStr;
use move_core_types::language_storage::{ModuleId, StructTag};
use move_core_types::resolver::{ModuleResolver, ResourceResolver};
use move_core_types::vm_status::StatusCode;
use move_vm_runtime::move_vm::MoveVM;
use move_vm_runtime::native_extensions::NativeContextExtensions;
use move_vm_types::gas::{GasMeter, SimpleInstruction};
use move_vm_types::views::{TypeView, ValueView};

use super::expected::{Expectation, Expectations, FailureKind};
use crate::build::error_constants;
use crate::gas::{GasStatus, MAX_GAS_UNITS};
use crate::natives::{all_natives, ObjectResolver, ObjectRuntime, RuntimeLimits};
use crate::types::{Object, ObjectID};

/// How one test ended.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum TestStatus {
    /// It did what it was meant to (finished, or failed as expected).
    Passed,
    /// It did something else.
    Failed {
        /// What happened, and what was expected.
        reason: String,
    },
    /// It used more gas than a transaction may.
    Timeout,
}

/// The result of one test.
#[derive(Clone, Debug, serde::Serialize)]
pub struct TestResult {
    /// `0x…::module`.
    pub module: String,
    /// The test function.
    pub name: String,
    /// The outcome.
    #[serde(flatten)]
    pub status: TestStatus,
    /// Gas units the test used, on movid's schedule (what the same code costs in a transaction).
    pub gas_used: u64,
    /// Wall-clock time, in microseconds.
    pub micros: u64,
}

/// Function coverage of one module: which of its non-native functions some test called.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ModuleCoverage {
    /// `0x…::module`.
    pub module: String,
    /// Non-native functions the module defines (tests excluded).
    pub functions: usize,
    /// How many of them a test called.
    pub called: usize,
    /// The ones no test called.
    pub uncalled: Vec<String>,
}

impl ModuleCoverage {
    /// `called / functions` as a percentage (100 for a module without functions).
    pub fn percent(&self) -> f64 {
        if self.functions == 0 {
            100.0
        } else {
            100.0 * self.called as f64 / self.functions as f64
        }
    }
}

/// `0x…::module` for a module ID.
pub fn module_label(id: &ModuleId) -> String {
    format!("0x{}::{}", id.address().short_str_lossless(), id.name())
}

/// The modules of a plan, serialized, for the VM to load.
struct ModuleStore {
    bytes: BTreeMap<ModuleId, Vec<u8>>,
    modules: BTreeMap<ModuleId, CompiledModule>,
    /// Each module's `E…` constants, for naming abort codes.
    errors: BTreeMap<ModuleId, Vec<(u64, String)>>,
}

impl ModuleStore {
    fn new(plan: &TestPlan) -> Self {
        let mut bytes = BTreeMap::new();
        let mut modules = BTreeMap::new();
        let mut errors = BTreeMap::new();
        for named in plan.module_info.values() {
            let id = named.module.self_id();
            let mut b = vec![];
            named
                .module
                .serialize(&mut b)
                .expect("compiled modules serialize");
            bytes.insert(id.clone(), b);
            errors.insert(id.clone(), error_constants(named));
            modules.insert(id, named.module.clone());
        }
        ModuleStore {
            bytes,
            modules,
            errors,
        }
    }
}

impl ModuleResolver for ModuleStore {
    type Error = std::convert::Infallible;
    fn get_module(&self, id: &ModuleId) -> Result<Option<Vec<u8>>, Self::Error> {
        Ok(self.bytes.get(id).cloned())
    }
}

impl ResourceResolver for ModuleStore {
    type Error = std::convert::Infallible;
    fn get_resource(
        &self,
        _: &AccountAddress,
        _: &StructTag,
    ) -> Result<Option<Vec<u8>>, Self::Error> {
        Ok(None)
    }
}

impl ObjectResolver for ModuleStore {
    fn get_object(&self, _: &ObjectID) -> Option<Object> {
        None
    }

    /// Known for every module of the plan, so one-time witnesses are checked as on a chain.
    fn is_drop_only(&self, tag: &StructTag) -> Option<bool> {
        let module = self
            .modules
            .get(&ModuleId::new(tag.address, tag.module.clone()))?;
        let def = module.struct_defs().iter().find(|d| {
            module.identifier_at(module.struct_handle_at(d.struct_handle).name) == tag.name.as_ref()
        })?;
        let abilities = module.struct_handle_at(def.struct_handle).abilities;
        // `AbilitySet::SIGNER` is exactly {drop}.
        Some(abilities == AbilitySet::SIGNER)
    }
}

/// movid's gas meter, recording the functions called for coverage.
struct TestMeter {
    gas: GasStatus,
    calls: BTreeSet<(ModuleId, String)>,
}

impl GasMeter for TestMeter {
    fn charge_simple_instr(
        &mut self,
        instr: SimpleInstruction,
    ) -> move_binary_format::errors::PartialVMResult<()> {
        self.gas.charge_simple_instr(instr)
    }
    fn charge_call(
        &mut self,
        module_id: &ModuleId,
        func_name: &str,
        args: impl ExactSizeIterator<Item = impl ValueView>,
    ) -> move_binary_format::errors::PartialVMResult<()> {
        self.calls
            .insert((module_id.clone(), func_name.to_string()));
        self.gas.charge_call(module_id, func_name, args)
    }
    fn charge_call_generic(
        &mut self,
        module_id: &ModuleId,
        func_name: &str,
        ty_args: impl ExactSizeIterator<Item = impl TypeView>,
        args: impl ExactSizeIterator<Item = impl ValueView>,
    ) -> move_binary_format::errors::PartialVMResult<()> {
        self.calls
            .insert((module_id.clone(), func_name.to_string()));
        self.gas
            .charge_call_generic(module_id, func_name, ty_args, args)
    }
    fn charge_ld_const(
        &mut self,
        size: NumBytes,
    ) -> move_binary_format::errors::PartialVMResult<()> {
        self.gas.charge_ld_const(size)
    }
    fn charge_copy_loc(
        &mut self,
        val: impl ValueView,
    ) -> move_binary_format::errors::PartialVMResult<()> {
        self.gas.charge_copy_loc(val)
    }
    fn charge_move_loc(
        &mut self,
        val: impl ValueView,
    ) -> move_binary_format::errors::PartialVMResult<()> {
        self.gas.charge_move_loc(val)
    }
    fn charge_store_loc(
        &mut self,
        val: impl ValueView,
    ) -> move_binary_format::errors::PartialVMResult<()> {
        self.gas.charge_store_loc(val)
    }
    fn charge_pack(
        &mut self,
        is_generic: bool,
        args: impl ExactSizeIterator<Item = impl ValueView>,
    ) -> move_binary_format::errors::PartialVMResult<()> {
        self.gas.charge_pack(is_generic, args)
    }
    fn charge_unpack(
        &mut self,
        is_generic: bool,
        args: impl ExactSizeIterator<Item = impl ValueView>,
    ) -> move_binary_format::errors::PartialVMResult<()> {
        self.gas.charge_unpack(is_generic, args)
    }
    fn charge_read_ref(
        &mut self,
        val: impl ValueView,
    ) -> move_binary_format::errors::PartialVMResult<()> {
        self.gas.charge_read_ref(val)
    }
    fn charge_write_ref(
        &mut self,
        val: impl ValueView,
    ) -> move_binary_format::errors::PartialVMResult<()> {
        self.gas.charge_write_ref(val)
    }
    fn charge_eq(
        &mut self,
        lhs: impl ValueView,
        rhs: impl ValueView,
    ) -> move_binary_format::errors::PartialVMResult<()> {
        self.gas.charge_eq(lhs, rhs)
    }
    fn charge_neq(
        &mut self,
        lhs: impl ValueView,
        rhs: impl ValueView,
    ) -> move_binary_format::errors::PartialVMResult<()> {
        self.gas.charge_neq(lhs, rhs)
    }
    fn charge_borrow_global(
        &mut self,
        is_mut: bool,
        is_generic: bool,
        ty: impl TypeView,
        is_success: bool,
    ) -> move_binary_format::errors::PartialVMResult<()> {
        self.gas
            .charge_borrow_global(is_mut, is_generic, ty, is_success)
    }
    fn charge_exists(
        &mut self,
        is_generic: bool,
        ty: impl TypeView,
        exists: bool,
    ) -> move_binary_format::errors::PartialVMResult<()> {
        self.gas.charge_exists(is_generic, ty, exists)
    }
    fn charge_move_from(
        &mut self,
        is_generic: bool,
        ty: impl TypeView,
        val: Option<impl ValueView>,
    ) -> move_binary_format::errors::PartialVMResult<()> {
        self.gas.charge_move_from(is_generic, ty, val)
    }
    fn charge_move_to(
        &mut self,
        is_generic: bool,
        ty: impl TypeView,
        val: impl ValueView,
        is_success: bool,
    ) -> move_binary_format::errors::PartialVMResult<()> {
        self.gas.charge_move_to(is_generic, ty, val, is_success)
    }
    fn charge_vec_pack<'a>(
        &mut self,
        ty: impl TypeView + 'a,
        args: impl ExactSizeIterator<Item = impl ValueView>,
    ) -> move_binary_format::errors::PartialVMResult<()> {
        self.gas.charge_vec_pack(ty, args)
    }
    fn charge_vec_len(
        &mut self,
        ty: impl TypeView,
    ) -> move_binary_format::errors::PartialVMResult<()> {
        self.gas.charge_vec_len(ty)
    }
    fn charge_vec_borrow(
        &mut self,
        is_mut: bool,
        ty: impl TypeView,
        is_success: bool,
    ) -> move_binary_format::errors::PartialVMResult<()> {
        self.gas.charge_vec_borrow(is_mut, ty, is_success)
    }
    fn charge_vec_push_back(
        &mut self,
        ty: impl TypeView,
        val: impl ValueView,
    ) -> move_binary_format::errors::PartialVMResult<()> {
        self.gas.charge_vec_push_back(ty, val)
    }
    fn charge_vec_pop_back(
        &mut self,
        ty: impl TypeView,
        val: Option<impl ValueView>,
    ) -> move_binary_format::errors::PartialVMResult<()> {
        self.gas.charge_vec_pop_back(ty, val)
    }
    fn charge_vec_unpack(
        &mut self,
        ty: impl TypeView,
        expect_num_elements: NumArgs,
    ) -> move_binary_format::errors::PartialVMResult<()> {
        self.gas.charge_vec_unpack(ty, expect_num_elements)
    }
    fn charge_vec_swap(
        &mut self,
        ty: impl TypeView,
    ) -> move_binary_format::errors::PartialVMResult<()> {
        self.gas.charge_vec_swap(ty)
    }
    fn charge_load_resource(
        &mut self,
        loaded: Option<NumBytes>,
    ) -> move_binary_format::errors::PartialVMResult<()> {
        self.gas.charge_load_resource(loaded)
    }
    fn charge_native_function(
        &mut self,
        amount: InternalGas,
    ) -> move_binary_format::errors::PartialVMResult<()> {
        self.gas.charge_native_function(amount)
    }
}

/// One planned test.
struct Case<'p> {
    module: &'p ModuleId,
    name: &'p str,
    args: Vec<Vec<u8>>,
}

/// What a run produced.
pub(crate) struct RunOutput {
    pub results: Vec<TestResult>,
    pub calls: BTreeSet<(ModuleId, String)>,
}

/// Runs every test of `plan` on `threads` threads.
pub(crate) fn run_plan(plan: &TestPlan, expectations: &Expectations, threads: usize) -> RunOutput {
    let store = ModuleStore::new(plan);
    let vm = MoveVM::new(all_natives()).expect("natives are well-formed");
    let cases: Vec<Case> = plan
        .module_tests
        .iter()
        .flat_map(|(module, tests)| {
            tests.tests.iter().map(move |(name, case)| Case {
                module,
                name: name.as_str(),
                args: case
                    .arguments
                    .iter()
                    .map(|v| v.simple_serialize().expect("test arguments serialize"))
                    .collect(),
            })
        })
        .collect();
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::with_capacity(cases.len()));
    let calls = Mutex::new(BTreeSet::new());
    std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(case) = cases.get(i) else {
                    break;
                };
                let expectation = expectations.get(&(case.module.clone(), case.name.to_string()));
                let (result, called) = run_case(&vm, &store, case, expectation);
                results.lock().expect("not poisoned").push((i, result));
                calls.lock().expect("not poisoned").extend(called);
            });
        }
    });
    let mut results = results.into_inner().expect("not poisoned");
    results.sort_by_key(|(i, _)| *i);
    RunOutput {
        results: results.into_iter().map(|(_, r)| r).collect(),
        calls: calls.into_inner().expect("not poisoned"),
    }
}

fn run_case(
    vm: &MoveVM,
    store: &ModuleStore,
    case: &Case,
    expectation: Option<&Expectation>,
) -> (TestResult, BTreeSet<(ModuleId, String)>) {
    let mut rt = ObjectRuntime::new(
        store,
        RuntimeLimits {
            max_events: usize::MAX,
            ..Default::default()
        },
    );
    rt.test = Some(Box::default());
    let mut ext = NativeContextExtensions::default();
    ext.add(rt);
    let mut session = vm.new_session_with_extensions(store, ext);
    let mut meter = TestMeter {
        gas: GasStatus::new(MAX_GAS_UNITS, 1),
        calls: BTreeSet::new(),
    };
    meter
        .calls
        .insert((case.module.clone(), case.name.to_string()));
    let started = Instant::now();
    let outcome = session.execute_function_bypass_visibility(
        case.module,
        IdentStr::new(case.name).expect("test names are identifiers"),
        vec![],
        case.args.iter().map(Vec::as_slice).collect::<Vec<_>>(),
        &mut meter,
    );
    let elapsed = started.elapsed();
    let status = judge(outcome.err(), expectation, store);
    let result = TestResult {
        module: module_label(case.module),
        name: case.name.to_string(),
        status,
        gas_used: meter.gas.units_used(),
        micros: u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX),
    };
    (result, meter.calls)
}

/// Whether an outcome meets the expectation (none: the test must finish).
fn judge(
    error: Option<VMError>,
    expectation: Option<&Expectation>,
    store: &ModuleStore,
) -> TestStatus {
    let Some(err) = error else {
        return match expectation {
            None => TestStatus::Passed,
            Some(e) => TestStatus::Failed {
                reason: format!(
                    "the test finished, but it was expected to fail ({})",
                    describe(e)
                ),
            },
        };
    };
    if err.major_status() == StatusCode::OUT_OF_GAS
        && !matches!(
            expectation,
            Some(Expectation {
                kind: FailureKind::OutOfGas,
                ..
            })
        )
    {
        return TestStatus::Timeout;
    }
    let happened = describe_error(&err, store);
    let Some(expected) = expectation else {
        return TestStatus::Failed {
            reason: format!("the test {happened}"),
        };
    };
    let status = err.major_status();
    let kind_ok = match &expected.kind {
        FailureKind::Any => true,
        FailureKind::Abort(code) => {
            status == StatusCode::ABORTED && code.is_none_or(|c| err.sub_status() == Some(c))
        }
        FailureKind::Arithmetic => status == StatusCode::ARITHMETIC_ERROR,
        FailureKind::Vector(minor) => {
            status == StatusCode::VECTOR_OPERATION_ERROR
                && minor.is_none_or(|m| err.sub_status() == Some(m))
        }
        FailureKind::OutOfGas => status == StatusCode::OUT_OF_GAS,
        FailureKind::Status(major, minor) => {
            status as u64 == *major && minor.is_none_or(|m| err.sub_status() == Some(m))
        }
    };
    let location_ok = match (&expected.location, err.location()) {
        (None, _) => true,
        (Some(want), Location::Module(got)) => want == got,
        (Some(_), _) => false,
    };
    if kind_ok && location_ok {
        TestStatus::Passed
    } else {
        TestStatus::Failed {
            reason: format!(
                "the test {happened}, but it was expected to fail with {}",
                describe(expected)
            ),
        }
    }
}

fn describe(e: &Expectation) -> String {
    let what = match &e.kind {
        FailureKind::Any => "any failure".to_string(),
        FailureKind::Abort(Some(c)) => format!("abort code {c}"),
        FailureKind::Abort(None) => "an abort".to_string(),
        FailureKind::Arithmetic => "an arithmetic error".to_string(),
        FailureKind::Vector(Some(m)) => format!("a vector error (minor status {m})"),
        FailureKind::Vector(None) => "a vector error".to_string(),
        FailureKind::OutOfGas => "out of gas".to_string(),
        FailureKind::Status(s, Some(m)) => format!("status {s} (minor status {m})"),
        FailureKind::Status(s, None) => format!("status {s}"),
    };
    match &e.location {
        Some(m) => format!("{what} in {}", module_label(m)),
        None => what,
    }
}

/// "aborted with code 3 (m::EFoo) in 0x…::m::f" and the like.
fn describe_error(err: &VMError, store: &ModuleStore) -> String {
    let (module, function) = match err.location() {
        Location::Module(id) => {
            let function = err.offsets().first().and_then(|(f, _)| {
                let m = store.modules.get(id)?;
                let def = m.function_defs().get(f.0 as usize)?;
                Some(
                    m.identifier_at(m.function_handle_at(def.function).name)
                        .to_string(),
                )
            });
            (Some(id), function)
        }
        _ => (None, None),
    };
    let place = match (module, &function) {
        (Some(m), Some(f)) => format!(" in {}::{f}", module_label(m)),
        (Some(m), None) => format!(" in {}", module_label(m)),
        _ => String::new(),
    };
    match (err.major_status(), err.sub_status()) {
        (StatusCode::ABORTED, Some(code)) => {
            let name = module.and_then(|m| constant_name(store, m, code));
            match name {
                Some(n) => format!("aborted with code {code} ({n}){place}"),
                None => format!("aborted with code {code}{place}"),
            }
        }
        (status, Some(sub)) => format!("failed with {status:?} (minor status {sub}){place}"),
        (status, None) => format!("failed with {status:?}{place}"),
    }
}

/// The name of the `E…` constant of `module` with value `code`, if exactly one has it.
fn constant_name(store: &ModuleStore, module: &ModuleId, code: u64) -> Option<String> {
    let mut names = store
        .errors
        .get(module)?
        .iter()
        .filter(|(v, _)| *v == code)
        .map(|(_, n)| n);
    let name = names.next()?;
    names
        .next()
        .is_none()
        .then(|| format!("{}::{name}", module.name()))
}

/// Per-module function coverage of `modules` given the functions called.
pub(crate) fn coverage(
    plan: &TestPlan,
    modules: &BTreeSet<ModuleId>,
    calls: &BTreeSet<(ModuleId, String)>,
) -> Vec<ModuleCoverage> {
    let mut out = vec![];
    for named in plan.module_info.values() {
        let id = named.module.self_id();
        if !modules.contains(&id) {
            continue;
        }
        let tests: BTreeSet<&str> = plan
            .module_tests
            .get(&id)
            .map(|t| t.tests.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let m = &named.module;
        let mut functions = 0;
        let mut uncalled = vec![];
        for def in m.function_defs() {
            if def.is_native() {
                continue;
            }
            let name = m
                .identifier_at(m.function_handle_at(def.function).name)
                .to_string();
            // The compiler adds `unit_test_poison` to every module in test mode.
            if tests.contains(name.as_str()) || name == "unit_test_poison" {
                continue;
            }
            functions += 1;
            if !calls.contains(&(id.clone(), name.clone())) {
                uncalled.push(name);
            }
        }
        out.push(ModuleCoverage {
            module: module_label(&id),
            functions,
            called: functions - uncalled.len(),
            uncalled,
        });
    }
    out
}
