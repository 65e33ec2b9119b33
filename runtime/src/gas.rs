//! Gas: a meter the VM charges for every instruction and native call, and the storage price.
//!
//! Budgets are in MIST; the meter works in gas units (`budget / price`).
//! Computation costs `units * price`; storage costs [`STORAGE_PRICE_PER_BYTE`] per byte
//! written, and an object's storage charge is refunded at 99% when it is mutated or deleted.

use move_binary_format::errors::{PartialVMError, PartialVMResult};
use move_core_types::gas_algebra::{InternalGas, NumArgs, NumBytes};
use move_core_types::language_storage::ModuleId;
use move_core_types::vm_status::StatusCode;
use move_vm_types::gas::{GasMeter, SimpleInstruction};
use move_vm_types::views::{TypeView, ValueView};

/// Smallest budget a transaction may set, in MIST.
pub const MIN_GAS_BUDGET: u64 = 1_000_000;
/// Largest budget a transaction may set, in MIST (50 SUI).
pub const MAX_GAS_BUDGET: u64 = 50_000_000_000;
/// Smallest gas price.
pub const MIN_GAS_PRICE: u64 = 1;
/// The price the SDK and CLI use by default.
pub const REFERENCE_GAS_PRICE: u64 = 1_000;
/// Base units charged per byte of object written.
pub const STORAGE_PRICE_PER_BYTE: u64 = 100;
/// Percentage of an object's storage charge refunded when it is mutated or deleted.
pub const STORAGE_REBATE_PERCENT: u64 = 99;
/// Most gas units one transaction may use, whatever its budget.
pub const MAX_GAS_UNITS: u64 = 50_000_000;
/// Gas units charged for every transaction, before any command runs.
pub const BASE_TX_UNITS: u64 = 1_000;

/// Counts gas units against a limit; fails with `OUT_OF_GAS` when the limit is passed.
#[derive(Debug, Clone)]
pub struct GasStatus {
    limit: u64,
    used: u64,
    price: u64,
}

impl GasStatus {
    /// A meter allowing `budget / price` units (capped at [`MAX_GAS_UNITS`]).
    pub fn new(budget: u64, price: u64) -> Self {
        Self::with_max_units(budget, price, MAX_GAS_UNITS)
    }

    /// A meter allowing `budget / price` units, but no more than `max_units` nor
    /// [`MAX_GAS_UNITS`] (dry runs stop at a lower cap).
    pub fn with_max_units(budget: u64, price: u64, max_units: u64) -> Self {
        let price = price.max(1);
        GasStatus {
            limit: (budget / price).min(max_units).min(MAX_GAS_UNITS),
            used: 0,
            price,
        }
    }

    /// A meter with no practical limit (genesis).
    pub fn unmetered() -> Self {
        GasStatus {
            limit: u64::MAX,
            used: 0,
            price: 0,
        }
    }

    /// Units used so far.
    pub fn units_used(&self) -> u64 {
        self.used
    }

    /// The computation cost in MIST.
    pub fn computation_cost(&self) -> u64 {
        self.used.saturating_mul(self.price)
    }

    /// Charges `units`, failing when the limit is passed (the units are still counted up to it).
    pub fn charge(&mut self, units: u64) -> PartialVMResult<()> {
        let next = self.used.saturating_add(units);
        if next > self.limit {
            self.used = self.limit;
            return Err(PartialVMError::new(StatusCode::OUT_OF_GAS));
        }
        self.used = next;
        Ok(())
    }

    fn size(v: impl ValueView) -> u64 {
        u64::from(v.legacy_abstract_memory_size()) / 8 + 1
    }
}

impl GasMeter for GasStatus {
    fn charge_simple_instr(&mut self, instr: SimpleInstruction) -> PartialVMResult<()> {
        use SimpleInstruction::*;
        self.charge(match instr {
            Mul | Div | Mod => 3,
            Shl | Shr => 2,
            _ => 1,
        })
    }

    fn charge_call(
        &mut self,
        _module_id: &ModuleId,
        _func_name: &str,
        args: impl ExactSizeIterator<Item = impl ValueView>,
    ) -> PartialVMResult<()> {
        self.charge(10 + args.len() as u64)
    }

    fn charge_call_generic(
        &mut self,
        _module_id: &ModuleId,
        _func_name: &str,
        ty_args: impl ExactSizeIterator<Item = impl TypeView>,
        args: impl ExactSizeIterator<Item = impl ValueView>,
    ) -> PartialVMResult<()> {
        self.charge(15 + ty_args.len() as u64 + args.len() as u64)
    }

    fn charge_ld_const(&mut self, size: NumBytes) -> PartialVMResult<()> {
        self.charge(1 + u64::from(size) / 8)
    }

    fn charge_copy_loc(&mut self, val: impl ValueView) -> PartialVMResult<()> {
        self.charge(Self::size(val))
    }

    fn charge_move_loc(&mut self, _val: impl ValueView) -> PartialVMResult<()> {
        self.charge(1)
    }

    fn charge_store_loc(&mut self, _val: impl ValueView) -> PartialVMResult<()> {
        self.charge(1)
    }

    fn charge_pack(
        &mut self,
        _is_generic: bool,
        args: impl ExactSizeIterator<Item = impl ValueView>,
    ) -> PartialVMResult<()> {
        self.charge(2 + args.len() as u64)
    }

    fn charge_unpack(
        &mut self,
        _is_generic: bool,
        args: impl ExactSizeIterator<Item = impl ValueView>,
    ) -> PartialVMResult<()> {
        self.charge(2 + args.len() as u64)
    }

    fn charge_read_ref(&mut self, val: impl ValueView) -> PartialVMResult<()> {
        self.charge(Self::size(val))
    }

    fn charge_write_ref(&mut self, val: impl ValueView) -> PartialVMResult<()> {
        self.charge(Self::size(val))
    }

    fn charge_eq(&mut self, lhs: impl ValueView, rhs: impl ValueView) -> PartialVMResult<()> {
        self.charge(Self::size(lhs) + Self::size(rhs))
    }

    fn charge_neq(&mut self, lhs: impl ValueView, rhs: impl ValueView) -> PartialVMResult<()> {
        self.charge(Self::size(lhs) + Self::size(rhs))
    }

    fn charge_borrow_global(
        &mut self,
        _: bool,
        _: bool,
        _: impl TypeView,
        _: bool,
    ) -> PartialVMResult<()> {
        self.charge(10)
    }

    fn charge_exists(&mut self, _: bool, _: impl TypeView, _: bool) -> PartialVMResult<()> {
        self.charge(10)
    }

    fn charge_move_from(
        &mut self,
        _: bool,
        _: impl TypeView,
        _: Option<impl ValueView>,
    ) -> PartialVMResult<()> {
        self.charge(10)
    }

    fn charge_move_to(
        &mut self,
        _: bool,
        _: impl TypeView,
        _: impl ValueView,
        _: bool,
    ) -> PartialVMResult<()> {
        self.charge(10)
    }

    fn charge_vec_pack<'a>(
        &mut self,
        _ty: impl TypeView + 'a,
        args: impl ExactSizeIterator<Item = impl ValueView>,
    ) -> PartialVMResult<()> {
        self.charge(2 + args.len() as u64)
    }

    fn charge_vec_len(&mut self, _ty: impl TypeView) -> PartialVMResult<()> {
        self.charge(1)
    }

    fn charge_vec_borrow(&mut self, _: bool, _: impl TypeView, _: bool) -> PartialVMResult<()> {
        self.charge(2)
    }

    fn charge_vec_push_back(
        &mut self,
        _ty: impl TypeView,
        val: impl ValueView,
    ) -> PartialVMResult<()> {
        self.charge(1 + Self::size(val))
    }

    fn charge_vec_pop_back(
        &mut self,
        _ty: impl TypeView,
        _val: Option<impl ValueView>,
    ) -> PartialVMResult<()> {
        self.charge(2)
    }

    fn charge_vec_unpack(
        &mut self,
        _ty: impl TypeView,
        expect_num_elements: NumArgs,
    ) -> PartialVMResult<()> {
        self.charge(2 + u64::from(expect_num_elements))
    }

    fn charge_vec_swap(&mut self, _ty: impl TypeView) -> PartialVMResult<()> {
        self.charge(2)
    }

    fn charge_load_resource(&mut self, loaded: Option<NumBytes>) -> PartialVMResult<()> {
        self.charge(10 + loaded.map(u64::from).unwrap_or(0) / 8)
    }

    fn charge_native_function(&mut self, amount: InternalGas) -> PartialVMResult<()> {
        self.charge(u64::from(amount))
    }
}

/// The storage charge for `bytes` bytes.
pub fn storage_cost(bytes: usize) -> u64 {
    bytes as u64 * STORAGE_PRICE_PER_BYTE
}

/// Splits an object's storage rebate into (refunded, kept back).
pub fn split_rebate(rebate: u64) -> (u64, u64) {
    let refunded = rebate * STORAGE_REBATE_PERCENT / 100;
    (refunded, rebate - refunded)
}
