//! The adapter: checks a transaction's inputs, runs its commands on the Move VM, and turns
//! what happened into object writes, effects and events (docs/DESIGN.md §5).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use move_binary_format::access::ModuleAccess;
use move_binary_format::file_format::{AbilitySet, CompiledModule};
use move_core_types::account_address::AccountAddress;
use move_core_types::identifier::{IdentStr, Identifier};
use move_core_types::language_storage::{ModuleId, StructTag, TypeTag};
use move_core_types::resolver::{ModuleResolver, ResourceResolver};
use move_vm_runtime::move_vm::MoveVM;
use move_vm_runtime::native_extensions::NativeContextExtensions;
use move_vm_runtime::session::Session;
use move_vm_types::loaded_data::runtime_types::Type;
use serde::{Deserialize, Serialize};

use crate::error::{decode_vm_error, TransactionError};
use crate::floor::{PreparedCall, RecordingResolver, TransactionTrace};
use crate::gas::{self, GasStatus};
use crate::natives::object_runtime::{
    ChildEffect, NewOwner, ObjectResolver, ObjectRuntime, RuntimeLimits,
};
use crate::store::{CommitBatch, Store};
use crate::types::*;
use crate::verifier;

mod call_rules;
mod pure;

/// Limits on a transaction's shape, checked before it runs.
pub mod limits {
    /// Most commands in one PTB.
    pub const MAX_COMMANDS: usize = 1024;
    /// Most inputs in one PTB.
    pub const MAX_INPUTS: usize = 2048;
    /// Largest serialized transaction, in bytes.
    pub const MAX_TX_SIZE: usize = 128 * 1024;
    /// Largest object, in bytes.
    pub const MAX_OBJECT_SIZE: usize = 256 * 1024;
    /// Largest pure argument, in bytes (room for a maximal 32 KiB DID document).
    pub const MAX_PURE_SIZE: usize = 64 * 1024;
    /// Most gas coins in a payment.
    pub const MAX_GAS_PAYMENT_OBJECTS: usize = 256;
    /// Largest package, in bytes of bytecode.
    pub const MAX_PACKAGE_SIZE: usize = 100 * 1024;
}

/// The `TxContext` struct as the framework lays it out.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TxContext {
    /// The sender.
    pub sender: AccountAddress,
    /// The transaction digest.
    pub tx_hash: Vec<u8>,
    /// The epoch.
    pub epoch: u64,
    /// Clock time (ms) at the start of the epoch.
    pub epoch_timestamp_ms: u64,
    /// IDs created so far.
    pub ids_created: u64,
}

impl TxContext {
    fn fresh_id(&mut self) -> ObjectID {
        let digest = Digest(self.tx_hash.as_slice().try_into().expect("32-byte digest"));
        let id = ObjectID::derive(&digest, self.ids_created);
        self.ids_created += 1;
        id
    }
}

/// The type of the gas coin, `0x2::coin::Coin<0x2::movid::MOVID>`.
pub fn gas_coin_type() -> StructTag {
    coin_type(TypeTag::Struct(StructTag {
        address: ObjectID::FRAMEWORK.into(),
        module: Identifier::new("movid").expect("valid"),
        name: Identifier::new("MOVID").expect("valid"),
        type_params: vec![],
    }))
}

/// `0x2::coin::Coin<T>`.
pub fn coin_type(t: TypeTag) -> StructTag {
    StructTag {
        address: ObjectID::FRAMEWORK.into(),
        module: Identifier::new("coin").expect("valid"),
        name: Identifier::new("Coin").expect("valid"),
        type_params: vec![t],
    }
}

fn is_coin(tag: &StructTag) -> bool {
    tag.address == AccountAddress::from(ObjectID::FRAMEWORK)
        && tag.module.as_str() == "coin"
        && tag.name.as_str() == "Coin"
        && tag.type_params.len() == 1
}

/// A coin's balance: the u64 after its 32-byte ID.
pub fn coin_value(contents: &[u8]) -> Option<u64> {
    contents
        .get(32..40)
        .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")))
}

fn set_coin_value(contents: &mut [u8], value: u64) {
    contents[32..40].copy_from_slice(&value.to_le_bytes());
}

/// Reads packages and objects from a store for the VM and the natives.
pub struct StoreResolver<'a> {
    store: &'a dyn Store,
}

impl<'a> StoreResolver<'a> {
    /// A resolver over `store`.
    pub fn new(store: &'a dyn Store) -> Self {
        StoreResolver { store }
    }

    fn module(&self, id: &ModuleId) -> Option<CompiledModule> {
        let bytes = self.get_module(id).ok().flatten()?;
        CompiledModule::deserialize(&bytes).ok()
    }
}

impl ModuleResolver for StoreResolver<'_> {
    type Error = crate::store::StoreError;
    fn get_module(&self, id: &ModuleId) -> Result<Option<Vec<u8>>, Self::Error> {
        let obj = self.store.get_object(&ObjectID::from(*id.address()))?;
        Ok(obj.and_then(|o| match o.data {
            Data::Package(p) => p.modules.get(id.name().as_str()).cloned(),
            Data::Move(_) => None,
        }))
    }
}

impl ResourceResolver for StoreResolver<'_> {
    type Error = crate::store::StoreError;
    fn get_resource(
        &self,
        _: &AccountAddress,
        _: &StructTag,
    ) -> Result<Option<Vec<u8>>, Self::Error> {
        // movid has no global storage: the publish verifier rejects its instructions.
        Ok(None)
    }
}

impl ObjectResolver for StoreResolver<'_> {
    fn get_object(&self, id: &ObjectID) -> Option<Object> {
        self.store.get_object(id).ok().flatten()
    }

    fn is_drop_only(&self, tag: &StructTag) -> Option<bool> {
        let m = self.module(&ModuleId::new(tag.address, tag.module.clone()))?;
        let h = m
            .struct_handles
            .iter()
            .find(|h| m.identifier_at(h.name) == tag.name.as_ident_str())?;
        Some(h.abilities == (AbilitySet::EMPTY | move_binary_format::file_format::Ability::Drop))
    }
}

/// How an input object may be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Owned,
    SharedMutable,
    SharedReadOnly,
    Immutable,
}

/// An input object as checked and loaded.
#[derive(Clone, Debug)]
pub struct LoadedInput {
    object: Object,
    mode: Mode,
}

/// A transaction whose inputs passed every check, with the objects loaded.
#[derive(Clone, Debug)]
pub struct CheckedTransaction {
    /// The transaction data.
    pub data: TransactionData,
    /// Its digest.
    pub digest: Digest,
    inputs: Vec<Option<LoadedInput>>,
    gas: Vec<Object>,
}

impl CheckedTransaction {
    /// IDs of the objects the transaction reads or writes (for scheduling).
    pub fn input_ids(&self) -> Vec<ObjectID> {
        self.inputs
            .iter()
            .flatten()
            .map(|i| i.object.id())
            .chain(self.gas.iter().map(Object::id))
            .collect()
    }
}

fn owner_kind(o: &Owner) -> &'static str {
    match o {
        Owner::AddressOwner(_) => "address-owned",
        Owner::ObjectOwner(_) => "object-owned",
        Owner::Shared { .. } => "shared",
        Owner::Immutable => "immutable",
    }
}

/// Runs every check that needs no execution: shape limits, gas data, expiration, and each
/// input object (existence, owner, version and digest, shared version, duplicates).
/// Signatures are checked by the caller.
pub fn check_transaction(
    store: &dyn Store,
    data: &TransactionData,
    epoch: u64,
) -> Result<CheckedTransaction, TransactionError> {
    let ptb = data.programmable();
    let size =
        bcs::serialized_size(data).map_err(|e| TransactionError::Malformed(e.to_string()))?;
    if size > limits::MAX_TX_SIZE {
        return Err(TransactionError::LimitExceeded(format!(
            "the transaction is {size} bytes (at most {})",
            limits::MAX_TX_SIZE
        )));
    }
    if ptb.commands.len() > limits::MAX_COMMANDS {
        return Err(TransactionError::LimitExceeded(format!(
            "{} commands (at most {})",
            ptb.commands.len(),
            limits::MAX_COMMANDS
        )));
    }
    if ptb.inputs.len() > limits::MAX_INPUTS {
        return Err(TransactionError::LimitExceeded(format!(
            "{} inputs (at most {})",
            ptb.inputs.len(),
            limits::MAX_INPUTS
        )));
    }
    if let TransactionExpiration::Epoch(e) = data.expiration {
        if epoch > e {
            return Err(TransactionError::Expired {
                expiration: e,
                epoch,
            });
        }
    }
    let g = &data.gas_data;
    if g.budget < gas::MIN_GAS_BUDGET || g.budget > gas::MAX_GAS_BUDGET {
        return Err(TransactionError::GasBudgetOutOfRange {
            budget: g.budget,
            min: gas::MIN_GAS_BUDGET,
            max: gas::MAX_GAS_BUDGET,
        });
    }
    if g.price < gas::MIN_GAS_PRICE {
        return Err(TransactionError::GasPriceTooLow {
            price: g.price,
            min: gas::MIN_GAS_PRICE,
        });
    }
    if g.payment.is_empty() {
        return Err(TransactionError::MissingGas);
    }
    if g.payment.len() > limits::MAX_GAS_PAYMENT_OBJECTS {
        return Err(TransactionError::LimitExceeded(format!(
            "{} gas coins",
            g.payment.len()
        )));
    }
    let mut seen = BTreeSet::new();
    let load = |id: &ObjectID| -> Result<Object, TransactionError> {
        store
            .get_object(id)
            .map_err(|e| TransactionError::Malformed(e.to_string()))?
            .ok_or(TransactionError::ObjectNotFound(*id))
    };
    let check_owned = |oref: &ObjectRef, owner_ok: Address| -> Result<Object, TransactionError> {
        let obj = load(&oref.id)?;
        let current = obj.object_ref();
        match obj.owner {
            Owner::AddressOwner(a) if a != owner_ok => {
                return Err(TransactionError::NotOwner {
                    id: oref.id,
                    owner: a.to_string(),
                    sender: owner_ok,
                })
            }
            Owner::ObjectOwner(_) => return Err(TransactionError::ObjectOwnedByObject(oref.id)),
            Owner::Shared { .. } => {
                return Err(TransactionError::WrongOwnershipKind {
                    id: oref.id,
                    actual: "shared".into(),
                    named: "owned".into(),
                })
            }
            _ => {}
        }
        if current.version != oref.version || current.digest != oref.digest {
            return Err(TransactionError::StaleObject {
                given: Box::new(*oref),
                current: Box::new(current),
            });
        }
        Ok(obj)
    };
    let mut inputs = Vec::with_capacity(ptb.inputs.len());
    for input in &ptb.inputs {
        match input {
            CallArg::Pure(b) => {
                if b.len() > limits::MAX_PURE_SIZE {
                    return Err(TransactionError::LimitExceeded(format!(
                        "pure input of {} bytes",
                        b.len()
                    )));
                }
                inputs.push(None)
            }
            CallArg::Object(arg) => {
                let id = match arg {
                    ObjectArg::ImmOrOwned(r) | ObjectArg::Receiving(r) => r.id,
                    ObjectArg::Shared { id, .. } => *id,
                };
                if !seen.insert(id) {
                    return Err(TransactionError::DuplicateInput(id));
                }
                match arg {
                    ObjectArg::ImmOrOwned(r) => {
                        let obj = check_owned(r, data.sender)?;
                        let mode = if obj.owner == Owner::Immutable {
                            Mode::Immutable
                        } else {
                            Mode::Owned
                        };
                        inputs.push(Some(LoadedInput { object: obj, mode }));
                    }
                    ObjectArg::Shared {
                        id,
                        initial_shared_version,
                        mutable,
                    } => {
                        let obj = load(id)?;
                        match obj.owner {
                            Owner::Shared {
                                initial_shared_version: actual,
                            } => {
                                if actual != *initial_shared_version {
                                    return Err(TransactionError::SharedVersionMismatch {
                                        id: *id,
                                        given: *initial_shared_version,
                                        actual,
                                    });
                                }
                            }
                            Owner::Immutable if *mutable => {
                                return Err(TransactionError::ImmutableUsedMutably(*id))
                            }
                            Owner::Immutable => {}
                            other => {
                                return Err(TransactionError::WrongOwnershipKind {
                                    id: *id,
                                    actual: owner_kind(&other).into(),
                                    named: "shared".into(),
                                })
                            }
                        }
                        let mode = match (obj.owner, mutable) {
                            (Owner::Immutable, _) => Mode::Immutable,
                            (_, true) => Mode::SharedMutable,
                            (_, false) => Mode::SharedReadOnly,
                        };
                        inputs.push(Some(LoadedInput { object: obj, mode }));
                    }
                    ObjectArg::Receiving(r) => {
                        // Checked when received: the object must then be owned by the parent.
                        let obj = load(&r.id)?;
                        let current = obj.object_ref();
                        if current.version != r.version || current.digest != r.digest {
                            return Err(TransactionError::StaleObject {
                                given: Box::new(*r),
                                current: Box::new(current),
                            });
                        }
                        if !matches!(obj.owner, Owner::AddressOwner(_)) {
                            return Err(TransactionError::WrongOwnershipKind {
                                id: r.id,
                                actual: owner_kind(&obj.owner).into(),
                                named: "receivable".into(),
                            });
                        }
                        inputs.push(None);
                    }
                }
            }
        }
    }
    let mut gas_objects = vec![];
    let mut balance: u64 = 0;
    for r in &g.payment {
        if !seen.insert(r.id) {
            return Err(TransactionError::DuplicateInput(r.id));
        }
        let obj = load(&r.id)?;
        if obj.owner != Owner::AddressOwner(g.owner) {
            return Err(TransactionError::GasNotOwned {
                id: r.id,
                gas_owner: g.owner,
            });
        }
        let obj = check_owned(r, g.owner)?;
        let m = obj
            .as_move()
            .filter(|m| m.type_ == gas_coin_type())
            .ok_or(TransactionError::NotAGasCoin(r.id))?;
        balance = balance.saturating_add(coin_value(&m.contents).unwrap_or(0));
        gas_objects.push(obj);
    }
    if balance < g.budget {
        return Err(TransactionError::InsufficientGasBalance {
            balance,
            budget: g.budget,
        });
    }
    Ok(CheckedTransaction {
        data: data.clone(),
        digest: data.digest(),
        inputs,
        gas: gas_objects,
    })
}

/// What executing a transaction produced.
#[derive(Clone, Debug)]
pub struct ExecutionOutput {
    /// The effects.
    pub effects: TransactionEffects,
    /// The events (empty on failure).
    pub events: Vec<Event>,
    /// The writes to commit.
    pub writes: CommitBatch,
}

/// Chain values a transaction sees.
#[derive(Clone, Copy, Debug)]
pub struct BlockEnv {
    /// Current epoch.
    pub epoch: u64,
    /// Clock at the start of the epoch (ms).
    pub epoch_start_ms: u64,
}

/// Executes transactions on a Move VM. One per chain: the VM caches loaded modules.
pub struct Executor {
    vm: MoveVM,
    limits: RuntimeLimits,
    /// Most gas units a transaction may use here, whatever its budget.
    max_gas_units: u64,
}

impl Default for Executor {
    fn default() -> Self {
        Self::new()
    }
}

#[derive(Clone, Debug)]
struct Val {
    ty: TypeTag,
    bytes: Vec<u8>,
    abilities: AbilitySet,
}

impl Val {
    fn is_object(&self) -> bool {
        self.abilities.has_key()
    }
}

enum Slot {
    Pure(Vec<u8>),
    Object {
        id: ObjectID,
        mode: Mode,
        val: Option<Val>,
    },
    Receiving(ObjectRef),
    Result {
        val: Option<Val>,
        used: bool,
    },
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Use {
    Value,
    Ref,
    MutRef,
}

/// A failure while running the commands (charged, rolled back).
struct Failure {
    error: ExecutionFailure,
    command: Option<usize>,
}

fn fail<T>(error: ExecutionFailure) -> Result<T, ExecutionFailure> {
    Err(error)
}

fn arg_err(i: usize, reason: impl Into<String>) -> ExecutionFailure {
    ExecutionFailure::InvalidArgument {
        argument: i,
        reason: reason.into(),
    }
}

/// The package and module that events are attributed to: the module a `MoveCall` names, or,
/// during a publish, the module whose `init` runs (as Sui does).
struct EventSource {
    package: ObjectID,
    module: String,
}

struct Run<'r, 'l> {
    session: Session<'r, 'l, StoreResolver<'r>>,
    gas: GasStatus,
    ctx: TxContext,
    inputs: Vec<Slot>,
    gas_slot: Slot,
    results: Vec<Vec<Slot>>,
    /// Transfers made by `TransferObjects`, in order.
    transfers: Vec<(ObjectID, Address, StructTag, Vec<u8>)>,
    published: Vec<MovePackage>,
    /// Event sources in the order they became current; events refer to them by index.
    event_sources: Vec<EventSource>,
    budget: u64,
    vm: &'l MoveVM,
    resolver: &'r StoreResolver<'r>,
    /// The Move calls as handed to the VM, when the execution is traced.
    trace: Option<Vec<PreparedCall>>,
    /// Every command's return values as it produced them, when they are asked for (dev
    /// inspect). Captured at once, since a later command may move a result away.
    returns: Option<Vec<Vec<ReturnValue>>>,
}

/// One value a command returned: its type and its BCS bytes (a dev inspect's output).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReturnValue {
    /// The value's Move type.
    pub type_: TypeTag,
    /// Its BCS encoding.
    pub bcs: Vec<u8>,
}

impl Executor {
    /// An executor with the framework natives.
    pub fn new() -> Self {
        let vm = MoveVM::new(crate::natives::all_natives()).expect("natives are well-formed");
        Executor {
            vm,
            limits: RuntimeLimits::default(),
            max_gas_units: gas::MAX_GAS_UNITS,
        }
    }

    /// An executor that stops every transaction at `max_gas_units` (at most
    /// [`gas::MAX_GAS_UNITS`]) whatever its budget: the dry-run executors.
    pub fn with_max_gas_units(max_gas_units: u64) -> Self {
        Executor {
            max_gas_units: max_gas_units.min(gas::MAX_GAS_UNITS),
            ..Self::new()
        }
    }

    /// The most gas units a transaction may use on this executor.
    pub fn max_gas_units(&self) -> u64 {
        self.max_gas_units
    }

    /// The underlying VM.
    pub fn vm(&self) -> &MoveVM {
        &self.vm
    }

    /// Executes a checked transaction against `store` (which it reads but does not write).
    pub fn execute(
        &self,
        store: &dyn Store,
        tx: &CheckedTransaction,
        env: BlockEnv,
    ) -> ExecutionOutput {
        self.execute_inner(store, tx, env, None, None).0
    }

    /// Executes like [`execute`](Self::execute) and also returns every command's return
    /// values, in command order, as far as the commands ran (a dev inspect).
    pub fn execute_returning(
        &self,
        store: &dyn Store,
        tx: &CheckedTransaction,
        env: BlockEnv,
    ) -> (ExecutionOutput, Vec<Vec<ReturnValue>>) {
        let (out, returns) = self.execute_inner(store, tx, env, None, Some(vec![]));
        (out, returns.unwrap_or_default())
    }

    /// Executes like [`execute`](Self::execute) and also captures the transaction's Move
    /// calls with their prepared arguments and the objects the object runtime read, for a
    /// [`FloorRunner`](crate::floor::FloorRunner) to replay. `Publish` commands are not
    /// captured.
    pub fn execute_traced(
        &self,
        store: &dyn Store,
        tx: &CheckedTransaction,
        env: BlockEnv,
    ) -> (ExecutionOutput, TransactionTrace) {
        let mut trace = TransactionTrace::default();
        let (out, _) = self.execute_inner(store, tx, env, Some(&mut trace), None);
        (out, trace)
    }

    fn execute_inner(
        &self,
        store: &dyn Store,
        tx: &CheckedTransaction,
        env: BlockEnv,
        mut trace: Option<&mut TransactionTrace>,
        returns: Option<Vec<Vec<ReturnValue>>>,
    ) -> (ExecutionOutput, Option<Vec<Vec<ReturnValue>>>) {
        self.vm.flush_loader_cache_if_invalidated();
        let resolver = StoreResolver::new(store);
        let recorder = trace.as_ref().map(|_| RecordingResolver::new(&resolver));
        let objects: &dyn ObjectResolver = match &recorder {
            Some(r) => r,
            None => &resolver,
        };
        let data = &tx.data;
        let budget = data.gas_data.budget;
        let mut ext = NativeContextExtensions::default();
        let mut rt = ObjectRuntime::new(objects, self.limits);
        for input in &data.programmable().inputs {
            if let CallArg::Object(ObjectArg::Receiving(r)) = input {
                rt.receivable.insert(r.id, r.version);
            }
        }
        ext.add(rt);
        let session = self.vm.new_session_with_extensions(&resolver, ext);
        let mut run = Run {
            session,
            gas: GasStatus::with_max_units(budget, data.gas_data.price, self.max_gas_units),
            ctx: TxContext {
                sender: data.sender.into(),
                tx_hash: tx.digest.0.to_vec(),
                epoch: env.epoch,
                epoch_timestamp_ms: env.epoch_start_ms,
                ids_created: 0,
            },
            inputs: vec![],
            gas_slot: Slot::Pure(vec![]),
            results: vec![],
            transfers: vec![],
            published: vec![],
            event_sources: vec![],
            budget,
            vm: &self.vm,
            resolver: &resolver,
            trace: trace.as_ref().map(|_| vec![]),
            returns,
        };
        let outcome = run.run_all(tx);
        let result = match outcome {
            Ok(()) => run.finish(tx),
            Err(f) => Err(f),
        };
        if let Some(t) = trace.as_deref_mut() {
            t.calls = run.trace.take().unwrap_or_default();
            t.receivable = data
                .programmable()
                .inputs
                .iter()
                .filter_map(|i| match i {
                    CallArg::Object(ObjectArg::Receiving(r)) => Some((r.id, r.version)),
                    _ => None,
                })
                .collect();
        }
        let returns = run.returns.take();
        let out = match result {
            Ok(out) => {
                drop(run);
                out
            }
            Err(failure) => {
                if !run.published.is_empty() {
                    // The VM cached the modules of a publish that will not be committed.
                    self.vm.mark_loader_cache_as_invalid();
                }
                // Out of gas, whether while running or when storage is added at the end,
                // charges the whole budget (docs/DESIGN.md §7).
                let computation = match failure.error {
                    ExecutionFailure::InsufficientGas { .. } => budget,
                    _ => run.gas.computation_cost(),
                };
                drop(run);
                failed_output(tx, env, failure, computation)
            }
        };
        if let (Some(t), Some(r)) = (trace, recorder) {
            t.objects = r.into_objects();
        }
        (out, returns)
    }

    /// The package objects of the genesis packages (no transaction, no gas). Every module
    /// passes the publish rules; a genesis module may not have an `init`, since genesis
    /// writes its objects directly rather than running Move code.
    pub fn publish_genesis(
        &self,
        packages: &[(ObjectID, Vec<CompiledModule>)],
        digest: Digest,
    ) -> Result<Vec<Object>, String> {
        let mut package_objects = vec![];
        for (id, modules) in packages {
            let mut map = BTreeMap::new();
            for m in modules {
                verifier::verify_module(m).map_err(|e| e.to_string())?;
                if verifier::init_takes_witness(m).is_some() {
                    return Err(format!(
                        "genesis module {} has an init, which genesis does not run; create its objects in genesis.rs instead",
                        m.self_id()
                    ));
                }
                let mut b = vec![];
                m.serialize(&mut b).map_err(|e| e.to_string())?;
                map.insert(m.self_id().name().to_string(), b);
            }
            package_objects.push(Object {
                data: Data::Package(MovePackage {
                    id: *id,
                    version: 1,
                    modules: map,
                }),
                owner: Owner::Immutable,
                previous_transaction: digest,
                storage_rebate: 0,
            });
        }
        Ok(package_objects)
    }
}

/// References of objects that stopped existing on their own at `version` (the digest of a
/// removed object is zero, as there is no object to hash).
fn tombstones(ids: impl Iterator<Item = ObjectID>, version: SequenceNumber) -> Vec<ObjectRef> {
    ids.map(|id| ObjectRef {
        id,
        version,
        digest: Digest::ZERO,
    })
    .collect()
}

fn failed_output(
    tx: &CheckedTransaction,
    env: BlockEnv,
    failure: Failure,
    computation: u64,
) -> ExecutionOutput {
    let data = &tx.data;
    let lamport = input_lamport(tx);
    let (mut gas_coin, removed, rebate_total) = smash_gas(tx);
    let size = gas_coin.storage_size();
    let storage = gas::storage_cost(size);
    // Computation and the gas coin's own storage together never exceed the budget, so an
    // out-of-gas transaction is charged exactly its budget (less the rebates it earns).
    let computation = computation.min(data.gas_data.budget.saturating_sub(storage));
    let (refund, kept) = gas::split_rebate(rebate_total);
    finalize_gas(&mut gas_coin, computation, storage, refund);
    gas_coin.set_version(lamport);
    gas_coin.previous_transaction = tx.digest;
    gas_coin.storage_rebate = storage;
    let gas_ref = (gas_coin.object_ref(), gas_coin.owner);
    let effects = TransactionEffects {
        status: ExecutionStatus::Failure {
            error: failure.error,
            command: failure.command,
        },
        executed_epoch: env.epoch,
        gas_used: GasCostSummary {
            computation_cost: computation,
            storage_cost: storage,
            storage_rebate: refund,
            non_refundable_storage_fee: kept,
        },
        transaction_digest: tx.digest,
        lamport_version: lamport,
        created: vec![],
        mutated: vec![gas_ref],
        unwrapped: vec![],
        deleted: tombstones(removed.iter().map(Object::id), lamport),
        unwrapped_then_deleted: vec![],
        wrapped: vec![],
        gas_object: gas_ref,
        shared_objects: shared_refs(tx),
        events_digest: None,
        dependencies: dependencies(tx),
    };
    let writes = CommitBatch {
        written: vec![gas_coin],
        removed: removed.iter().map(|o| (o.id(), lamport)).collect(),
        record: None,
        meta: None,
    };
    ExecutionOutput {
        effects,
        events: vec![],
        writes,
    }
}

/// The Lamport version of a transaction's writes: one more than the highest version among its
/// input objects and gas coins.
fn input_lamport(tx: &CheckedTransaction) -> SequenceNumber {
    tx.inputs
        .iter()
        .flatten()
        .map(|i| i.object.version())
        .chain(tx.gas.iter().map(Object::version))
        .max()
        .unwrap_or(0)
        + 1
}

/// Merges the payment coins into the first; returns it, the merged-away coins, and the total
/// storage rebate they carried.
fn smash_gas(tx: &CheckedTransaction) -> (Object, Vec<Object>, u64) {
    let mut first = tx.gas[0].clone();
    let mut total = 0u64;
    let mut rebate = first.storage_rebate;
    for o in &tx.gas[1..] {
        total = total.saturating_add(coin_value(&o.as_move().expect("coin").contents).unwrap_or(0));
        rebate += o.storage_rebate;
    }
    if let Data::Move(m) = &mut first.data {
        let v = coin_value(&m.contents).unwrap_or(0).saturating_add(total);
        set_coin_value(&mut m.contents, v);
    }
    (first, tx.gas[1..].to_vec(), rebate)
}

/// Deducts net gas from the coin. The caller has checked that the coin covers it; the
/// saturation only guards against a broken invariant, never silently in normal operation.
fn finalize_gas(coin: &mut Object, computation: u64, storage: u64, refund: u64) {
    if let Data::Move(m) = &mut coin.data {
        let v = coin_value(&m.contents).unwrap_or(0);
        let charged = computation.saturating_add(storage);
        let nv = v.saturating_add(refund).saturating_sub(charged);
        set_coin_value(&mut m.contents, nv);
    }
}

fn shared_refs(tx: &CheckedTransaction) -> Vec<ObjectRef> {
    tx.inputs
        .iter()
        .flatten()
        .filter(|i| matches!(i.mode, Mode::SharedMutable | Mode::SharedReadOnly))
        .map(|i| i.object.object_ref())
        .collect()
}

fn dependencies(tx: &CheckedTransaction) -> Vec<Digest> {
    let mut d: BTreeSet<Digest> = tx
        .inputs
        .iter()
        .flatten()
        .map(|i| i.object.previous_transaction)
        .collect();
    d.extend(tx.gas.iter().map(|o| o.previous_transaction));
    d.remove(&Digest::ZERO);
    d.into_iter().collect()
}

fn type_to_tag(
    session: &Session<'_, '_, StoreResolver<'_>>,
    ty: &Type,
) -> Result<TypeTag, ExecutionFailure> {
    Ok(match ty {
        Type::Bool => TypeTag::Bool,
        Type::U8 => TypeTag::U8,
        Type::U64 => TypeTag::U64,
        Type::U128 => TypeTag::U128,
        Type::Address => TypeTag::Address,
        Type::Signer => TypeTag::Signer,
        Type::Vector(t) => TypeTag::Vector(Box::new(type_to_tag(session, t)?)),
        Type::Struct(idx) | Type::StructInstantiation(idx, _) => {
            let st = session
                .get_struct_type(*idx)
                .ok_or_else(|| ExecutionFailure::Other("unknown struct type".into()))?;
            let type_params = match ty {
                Type::StructInstantiation(_, args) => args
                    .iter()
                    .map(|a| type_to_tag(session, a))
                    .collect::<Result<_, _>>()?,
                _ => vec![],
            };
            TypeTag::Struct(StructTag {
                address: *st.module.address(),
                module: st.module.name().to_owned(),
                name: st.name.clone(),
                type_params,
            })
        }
        Type::Reference(_) | Type::MutableReference(_) | Type::TyParam(_) => {
            return fail(ExecutionFailure::Other(
                "reference or type parameter where a value type was expected".into(),
            ))
        }
    })
}

fn is_tx_context(tag: &TypeTag) -> bool {
    matches!(tag, TypeTag::Struct(s) if s.address == AccountAddress::from(ObjectID::FRAMEWORK)
        && s.module.as_str() == "tx_context" && s.name.as_str() == "TxContext")
}

fn is_struct(tag: &TypeTag, addr: ObjectID, module: &str, name: &str) -> bool {
    matches!(tag, TypeTag::Struct(s) if s.address == AccountAddress::from(addr)
        && s.module.as_str() == module && s.name.as_str() == name)
}

/// Where an argument's value lives: `Result(c)` and `NestedResult(c, 0)` are the same place.
fn location(arg: Argument) -> (u8, u16, u16) {
    match arg {
        Argument::GasCoin => (0, 0, 0),
        Argument::Input(i) => (1, i, 0),
        Argument::Result(c) => (2, c, 0),
        Argument::NestedResult(c, j) => (2, c, j),
    }
}

fn uleb128(mut n: usize, out: &mut Vec<u8>) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            break;
        }
        out.push(byte | 0x80);
    }
}

impl<'r, 'l> Run<'r, 'l> {
    fn runtime(&mut self) -> &mut ObjectRuntime<'r> {
        self.session
            .get_native_extensions()
            .get_mut::<ObjectRuntime>()
    }

    fn abilities(&self, tag: &TypeTag) -> Result<AbilitySet, ExecutionFailure> {
        let ty = self.session.load_type(tag).map_err(|e| {
            ExecutionFailure::TypeArgumentError(format!("{tag}: {:?}", e.major_status()))
        })?;
        self.session
            .get_type_abilities(&ty)
            .map_err(|e| ExecutionFailure::Other(format!("{:?}", e.major_status())))
    }

    fn load_module(&self, id: &ModuleId) -> Option<Arc<CompiledModule>> {
        self.vm.load_module(id, self.resolver).ok()
    }

    fn vm_failure(&self, e: &move_binary_format::errors::VMError) -> ExecutionFailure {
        decode_vm_error(e, self.budget, &|id| self.load_module(id))
    }

    // A `Failure` ends the transaction, so its size on the error path costs nothing.
    #[allow(clippy::result_large_err)]
    fn run_all(&mut self, tx: &CheckedTransaction) -> Result<(), Failure> {
        let ptb = tx.data.programmable().clone();
        let setup = |run: &mut Self| -> Result<(), ExecutionFailure> {
            run.gas
                .charge(gas::BASE_TX_UNITS)
                .map_err(|_| ExecutionFailure::InsufficientGas { budget: run.budget })?;
            for (i, input) in ptb.inputs.iter().enumerate() {
                let slot = match (input, &tx.inputs[i]) {
                    (CallArg::Pure(b), _) => Slot::Pure(b.clone()),
                    (CallArg::Object(ObjectArg::Receiving(r)), _) => Slot::Receiving(*r),
                    (CallArg::Object(_), Some(loaded)) => {
                        let m = loaded
                            .object
                            .as_move()
                            .ok_or_else(|| arg_err(i, "packages cannot be arguments"))?;
                        let ty = TypeTag::Struct(m.type_.clone());
                        let abilities = run.abilities(&ty)?;
                        run.charge_bytes(m.contents.len())?;
                        Slot::Object {
                            id: loaded.object.id(),
                            mode: loaded.mode,
                            val: Some(Val {
                                ty,
                                bytes: m.contents.clone(),
                                abilities,
                            }),
                        }
                    }
                    (CallArg::Object(_), None) => {
                        return fail(ExecutionFailure::Other("input not loaded".into()))
                    }
                };
                run.inputs.push(slot);
            }
            let (coin, _, _) = smash_gas(tx);
            let m = coin.as_move().expect("coin");
            let ty = TypeTag::Struct(m.type_.clone());
            let abilities = run.abilities(&ty)?;
            run.gas_slot = Slot::Object {
                id: coin.id(),
                mode: Mode::Owned,
                val: Some(Val {
                    ty,
                    bytes: m.contents.clone(),
                    abilities,
                }),
            };
            Ok(())
        };
        setup(self).map_err(|error| Failure {
            error,
            command: None,
        })?;
        for (i, cmd) in ptb.commands.iter().enumerate() {
            let results = self.command(cmd).map_err(|error| Failure {
                error,
                command: Some(i),
            })?;
            if let Some(returns) = &mut self.returns {
                returns.push(
                    results
                        .iter()
                        .map(|v| ReturnValue {
                            type_: v.ty.clone(),
                            bcs: v.bytes.clone(),
                        })
                        .collect(),
                );
            }
            self.results.push(
                results
                    .into_iter()
                    .map(|v| Slot::Result {
                        val: Some(v),
                        used: false,
                    })
                    .collect(),
            );
        }
        Ok(())
    }

    /// Attributes the events Move emits from now on to `package::module`.
    fn set_event_source(&mut self, package: ObjectID, module: String) {
        self.event_sources.push(EventSource { package, module });
        let index = self.event_sources.len() - 1;
        self.runtime().event_source = index;
    }

    fn charge_bytes(&mut self, n: usize) -> Result<(), ExecutionFailure> {
        self.gas
            .charge(1 + n as u64 / 64)
            .map_err(|_| ExecutionFailure::InsufficientGas {
                budget: self.budget,
            })
    }

    fn slot_mut(&mut self, arg: Argument, i: usize) -> Result<&mut Slot, ExecutionFailure> {
        match arg {
            Argument::GasCoin => Ok(&mut self.gas_slot),
            Argument::Input(n) => self
                .inputs
                .get_mut(n as usize)
                .ok_or_else(|| arg_err(i, format!("input {n} does not exist"))),
            Argument::Result(c) => {
                let r = self
                    .results
                    .get_mut(c as usize)
                    .ok_or_else(|| arg_err(i, format!("command {c} has not run yet")))?;
                if r.len() != 1 {
                    return fail(arg_err(
                        i,
                        format!("command {c} returned {} values; use NestedResult", r.len()),
                    ));
                }
                Ok(&mut r[0])
            }
            Argument::NestedResult(c, j) => self
                .results
                .get_mut(c as usize)
                .and_then(|r| r.get_mut(j as usize))
                .ok_or_else(|| arg_err(i, format!("result {c}.{j} does not exist"))),
        }
    }

    /// Fetches an argument's bytes for a parameter of type `expected` used as `usage`.
    fn take(
        &mut self,
        arg: Argument,
        i: usize,
        usage: Use,
        expected: Option<&TypeTag>,
    ) -> Result<Val, ExecutionFailure> {
        let is_gas = arg == Argument::GasCoin;
        let slot = self.slot_mut(arg, i)?;
        let v = match slot {
            Slot::Pure(bytes) => {
                let Some(ty) = expected else {
                    return fail(arg_err(i, "a pure input needs a typed parameter"));
                };
                let bytes = bytes.clone();
                return self.typed_pure(i, ty, bytes);
            }
            Slot::Receiving(r) => {
                let Some(ty) = expected else {
                    return fail(arg_err(i, "a receiving input needs a typed parameter"));
                };
                if !is_struct(ty, ObjectID::FRAMEWORK, "transfer", "Receiving")
                    || usage != Use::Value
                {
                    return fail(arg_err(
                        i,
                        "a receiving input can only be passed as transfer::Receiving<T> by value",
                    ));
                }
                let mut bytes = r.id.0.to_vec();
                bytes.extend_from_slice(&r.version.to_le_bytes());
                return Ok(Val {
                    ty: ty.clone(),
                    bytes,
                    abilities: (AbilitySet::EMPTY | move_binary_format::file_format::Ability::Drop),
                });
            }
            Slot::Object { id, mode, val } => {
                let Some(v) = val.as_ref() else {
                    return fail(arg_err(
                        i,
                        format!("object {id} was moved by an earlier command"),
                    ));
                };
                match (usage, *mode) {
                    (Use::Value, Mode::Immutable | Mode::SharedReadOnly)
                    | (Use::MutRef, Mode::Immutable | Mode::SharedReadOnly) => {
                        return fail(arg_err(
                            i,
                            format!("object {id} is read-only in this transaction"),
                        ));
                    }
                    (Use::Value, _) if is_gas => {
                        return fail(arg_err(
                            i,
                            "the gas coin can only be borrowed, split or transferred",
                        ))
                    }
                    _ => {}
                }
                let v = v.clone();
                if usage == Use::Value {
                    *val = None;
                }
                v
            }
            Slot::Result { val, used } => {
                *used = true;
                let Some(v) = val.as_ref() else {
                    return fail(arg_err(i, "the value was moved by an earlier command"));
                };
                let v = v.clone();
                if usage == Use::Value && !v.abilities.has_copy() {
                    *val = None;
                }
                v
            }
        };
        if let Some(t) = expected {
            if &v.ty != t {
                return fail(arg_err(i, format!("expected {t}, found {}", v.ty)));
            }
        }
        Ok(v)
    }

    /// Moves the gas coin out of its slot, for `TransferObjects`.
    fn take_gas_coin(&mut self, i: usize) -> Result<Val, ExecutionFailure> {
        match &mut self.gas_slot {
            Slot::Object { val, .. } => val
                .take()
                .ok_or_else(|| arg_err(i, "the gas coin was already transferred")),
            _ => fail(ExecutionFailure::Other("the gas coin is not loaded".into())),
        }
    }

    /// Whether using the value in `arg` twice gives two independent copies: pure inputs and
    /// results with `copy`. Everything else (objects above all) must not be aliased.
    fn is_copyable(&mut self, arg: Argument) -> bool {
        match self.slot_mut(arg, 0) {
            Ok(Slot::Pure(_)) => true,
            Ok(Slot::Result { val: Some(v), .. }) => v.abilities.has_copy(),
            _ => false,
        }
    }

    fn typed_pure(
        &mut self,
        i: usize,
        ty: &TypeTag,
        bytes: Vec<u8>,
    ) -> Result<Val, ExecutionFailure> {
        let invalid = |violation| ExecutionFailure::InvalidPureValue {
            argument: i,
            type_: ty.to_string(),
            violation,
        };
        pure::validate(ty, &bytes).map_err(invalid)?;
        // The VM's own decoding agrees with the rules above; checked as well so that a gap in
        // them can never hand Move a value its layout does not allow.
        let layout = self
            .session
            .get_type_layout(ty)
            .map_err(|_| arg_err(i, format!("no layout for {ty}")))?;
        if move_vm_types::values::Value::simple_deserialize(&bytes, &layout).is_none() {
            return fail(invalid(PureViolation::Malformed(
                "the Move VM does not decode it".into(),
            )));
        }
        let abilities = self.abilities(ty)?;
        Ok(Val {
            ty: ty.clone(),
            bytes,
            abilities,
        })
    }

    /// Writes a `&mut` argument back after a call.
    fn write_back(&mut self, arg: Argument, bytes: Vec<u8>) {
        if let Ok(slot) = self.slot_mut(arg, 0) {
            match slot {
                Slot::Object { val: Some(v), .. } | Slot::Result { val: Some(v), .. } => {
                    v.bytes = bytes
                }
                // A pure input passed by `&mut` keeps its new bytes for later commands.
                Slot::Pure(b) => *b = bytes,
                _ => {}
            }
        }
    }

    fn command(&mut self, cmd: &Command) -> Result<Vec<Val>, ExecutionFailure> {
        match cmd {
            Command::MoveCall(call) => {
                self.set_event_source(call.package, call.module.clone());
                self.move_call(call)
            }
            Command::TransferObjects(objs, to) => {
                let recipient = self.take(*to, objs.len(), Use::Value, Some(&TypeTag::Address))?;
                let recipient = Address::from_bytes(&recipient.bytes)
                    .ok_or_else(|| arg_err(objs.len(), "not an address"))?;
                for (i, a) in objs.iter().enumerate() {
                    let v = if *a == Argument::GasCoin {
                        // The one command that may move the gas coin: it keeps paying for gas
                        // from its new owner's hands.
                        self.take_gas_coin(i)?
                    } else {
                        self.take(*a, i, Use::Value, None)?
                    };
                    let TypeTag::Struct(tag) = &v.ty else {
                        return fail(arg_err(i, "not an object"));
                    };
                    let id =
                        ObjectID::from_bytes(&v.bytes[..32.min(v.bytes.len())]).unwrap_or_default();
                    if !v.is_object() {
                        return fail(arg_err(i, format!("{} is not an object", v.ty)));
                    }
                    if !v.abilities.has_store() {
                        return fail(ExecutionFailure::TransferWithoutStore {
                            id,
                            type_: v.ty.to_string(),
                        });
                    }
                    self.transfers.push((id, recipient, tag.clone(), v.bytes));
                }
                Ok(vec![])
            }
            Command::SplitCoins(coin, amounts) => {
                let c = self.take(*coin, 0, Use::MutRef, None)?;
                let TypeTag::Struct(tag) = &c.ty else {
                    return fail(arg_err(0, "not a coin"));
                };
                if !is_coin(tag) {
                    return fail(arg_err(0, format!("{} is not a coin", c.ty)));
                }
                let mut balance =
                    coin_value(&c.bytes).ok_or_else(|| arg_err(0, "malformed coin"))?;
                let coin_id = ObjectID::from_bytes(&c.bytes[..32]).unwrap_or_default();
                let mut out = vec![];
                for (i, a) in amounts.iter().enumerate() {
                    let amount = self.take(*a, i + 1, Use::Value, Some(&TypeTag::U64))?;
                    let amount = u64::from_le_bytes(
                        amount
                            .bytes
                            .as_slice()
                            .try_into()
                            .map_err(|_| arg_err(i + 1, "not a u64"))?,
                    );
                    if amount > balance {
                        return fail(ExecutionFailure::InsufficientCoinBalance {
                            coin: coin_id,
                            balance,
                            requested: amount,
                        });
                    }
                    balance -= amount;
                    let id = self.ctx.fresh_id();
                    self.runtime().record_new_id(id);
                    let mut bytes = id.0.to_vec();
                    bytes.extend_from_slice(&amount.to_le_bytes());
                    out.push(Val {
                        ty: c.ty.clone(),
                        bytes,
                        abilities: c.abilities,
                    });
                }
                let mut bytes = c.bytes;
                set_coin_value(&mut bytes, balance);
                self.write_back(*coin, bytes);
                Ok(out)
            }
            Command::MergeCoins(target, sources) => {
                let t = self.take(*target, 0, Use::MutRef, None)?;
                let TypeTag::Struct(tag) = &t.ty else {
                    return fail(arg_err(0, "not a coin"));
                };
                if !is_coin(tag) {
                    return fail(arg_err(0, format!("{} is not a coin", t.ty)));
                }
                let mut total = coin_value(&t.bytes).ok_or_else(|| arg_err(0, "malformed coin"))?;
                for (i, s) in sources.iter().enumerate() {
                    if location(*s) == location(*target) {
                        return fail(arg_err(i + 1, "a coin cannot be merged into itself"));
                    }
                    let v = self.take(*s, i + 1, Use::Value, Some(&t.ty))?;
                    total = total
                        .checked_add(coin_value(&v.bytes).unwrap_or(0))
                        .ok_or_else(|| arg_err(i + 1, "balance overflow"))?;
                    let id = ObjectID::from_bytes(&v.bytes[..32]).unwrap_or_default();
                    self.runtime().record_deleted_id(id);
                }
                let mut bytes = t.bytes;
                set_coin_value(&mut bytes, total);
                self.write_back(*target, bytes);
                Ok(vec![])
            }
            Command::MakeMoveVec(ty, elems) => {
                let mut elem_ty = ty.clone();
                let mut vals = vec![];
                for (i, a) in elems.iter().enumerate() {
                    let v = self.take(*a, i, Use::Value, elem_ty.as_ref())?;
                    if elem_ty.is_none() {
                        elem_ty = Some(v.ty.clone());
                    }
                    vals.push(v);
                }
                let Some(elem_ty) = elem_ty else {
                    return fail(ExecutionFailure::TypeArgumentError(
                        "an empty MakeMoveVec needs a type".into(),
                    ));
                };
                let abilities = self.abilities(&TypeTag::Vector(Box::new(elem_ty.clone())))?;
                let mut bytes = vec![];
                uleb128(vals.len(), &mut bytes);
                for v in vals {
                    bytes.extend(v.bytes);
                }
                self.charge_bytes(bytes.len())?;
                Ok(vec![Val {
                    ty: TypeTag::Vector(Box::new(elem_ty)),
                    bytes,
                    abilities,
                }])
            }
            Command::Publish(modules, deps) => self.publish(modules, deps),
        }
    }

    fn move_call(&mut self, call: &MoveCall) -> Result<Vec<Val>, ExecutionFailure> {
        let target = format!("{}::{}::{}", call.package, call.module, call.function);
        let not_callable = |reason: &str| ExecutionFailure::FunctionNotCallable {
            target: target.clone(),
            reason: reason.into(),
        };
        let module_name = Identifier::new(call.module.as_str())
            .map_err(|_| not_callable("invalid module name"))?;
        let function = Identifier::new(call.function.as_str())
            .map_err(|_| not_callable("invalid function name"))?;
        let module_id = ModuleId::new(call.package.into(), module_name);
        let module = self
            .load_module(&module_id)
            .ok_or_else(|| not_callable("no such module"))?;
        let fdef = module
            .function_defs
            .iter()
            .find(|f| {
                module.identifier_at(module.function_handle_at(f.function).name)
                    == function.as_ident_str()
            })
            .ok_or_else(|| not_callable("no such function"))?;
        call_rules::check_target(call.package, &call.module, &call.function, fdef).map_err(
            |rule| ExecutionFailure::CallNotAllowed {
                target: target.clone(),
                rule,
            },
        )?;
        let inst = self
            .session
            .load_function(&module_id, &function, &call.type_arguments)
            .map_err(|e| {
                ExecutionFailure::TypeArgumentError(format!("{target}: {:?}", e.major_status()))
            })?;
        let mut params = vec![];
        for p in &inst.parameters {
            let p = p
                .subst(&inst.type_arguments)
                .map_err(|e| ExecutionFailure::Other(format!("{:?}", e.major_status())))?;
            let (usage, inner) = match &p {
                Type::Reference(t) => (Use::Ref, (**t).clone()),
                Type::MutableReference(t) => (Use::MutRef, (**t).clone()),
                t => (Use::Value, t.clone()),
            };
            params.push((usage, type_to_tag(&self.session, &inner)?));
        }
        let mut returns = vec![];
        for r in &inst.return_ {
            let r = r
                .subst(&inst.type_arguments)
                .map_err(|e| ExecutionFailure::Other(format!("{:?}", e.major_status())))?;
            if matches!(r, Type::Reference(_) | Type::MutableReference(_)) {
                return fail(not_callable(
                    "functions returning references cannot be called from a transaction",
                ));
            }
            let tag = type_to_tag(&self.session, &r)?;
            let abilities = self
                .session
                .get_type_abilities(&r)
                .map_err(|e| ExecutionFailure::Other(format!("{:?}", e.major_status())))?;
            returns.push((tag, abilities));
        }
        let takes_ctx = params
            .last()
            .is_some_and(|(u, t)| *u != Use::Value && is_tx_context(t));
        let n_args = params.len() - usize::from(takes_ctx);
        if call.arguments.len() != n_args {
            return fail(arg_err(
                call.arguments.len(),
                format!(
                    "{target} takes {n_args} arguments, {} given",
                    call.arguments.len()
                ),
            ));
        }
        let mut args = Vec::with_capacity(params.len());
        let mut mut_args = vec![];
        let mut uses: BTreeMap<(u8, u16, u16), Use> = BTreeMap::new();
        for (i, (a, (usage, tag))) in call.arguments.iter().zip(&params).enumerate() {
            // The VM gets a copy of each argument, so one object passed twice would reach Move
            // as two values, and the write-back of the last `&mut` would win: an object may
            // appear twice in a call only if every use is an immutable borrow.
            if let Some(prev) = uses.insert(location(*a), *usage) {
                if (prev != Use::Ref || *usage != Use::Ref) && !self.is_copyable(*a) {
                    return fail(arg_err(
                        i,
                        "this value is already an argument of the call; an object may be passed \
                         twice only by immutable reference",
                    ));
                }
            }
            let v = self.take(*a, i, *usage, Some(tag))?;
            if *usage == Use::MutRef {
                mut_args.push((i, *a));
            }
            args.push(v.bytes);
        }
        if takes_ctx {
            args.push(bcs::to_bytes(&self.ctx).expect("serializes"));
        }
        if let Some(trace) = &mut self.trace {
            trace.push(PreparedCall {
                module: module_id.clone(),
                function: function.clone(),
                type_arguments: call.type_arguments.clone(),
                arguments: args.clone(),
            });
        }
        let result = self.session.execute_function_bypass_visibility(
            &module_id,
            &function,
            call.type_arguments.clone(),
            args,
            &mut self.gas,
        );
        let values = result.map_err(|e| self.vm_failure(&e))?;
        for (local, bytes, _layout) in values.mutable_reference_outputs {
            let local = local as usize;
            if takes_ctx && local == n_args {
                if let Ok(ctx) = bcs::from_bytes::<TxContext>(&bytes) {
                    self.ctx = ctx;
                }
                continue;
            }
            if let Some((_, a)) = mut_args.iter().find(|(i, _)| *i == local) {
                self.write_back(*a, bytes);
            }
        }
        Ok(values
            .return_values
            .into_iter()
            .zip(returns)
            .map(|((bytes, _), (ty, abilities))| Val {
                ty,
                bytes,
                abilities,
            })
            .collect())
    }

    fn publish(
        &mut self,
        modules: &[Vec<u8>],
        deps: &[ObjectID],
    ) -> Result<Vec<Val>, ExecutionFailure> {
        let perr = |e: verifier::PublishError| ExecutionFailure::PublishError(e.to_string());
        let size: usize = modules.iter().map(Vec::len).sum();
        if modules.is_empty() {
            return fail(ExecutionFailure::PublishError(
                "a package needs at least one module".into(),
            ));
        }
        if size > limits::MAX_PACKAGE_SIZE {
            return fail(ExecutionFailure::PublishError(format!(
                "package of {size} bytes exceeds {}",
                limits::MAX_PACKAGE_SIZE
            )));
        }
        self.charge_bytes(size * 4)?;
        let package_id = self.ctx.fresh_id();
        let mut compiled = vec![];
        for (index, bytes) in modules.iter().enumerate() {
            let mut m = CompiledModule::deserialize(bytes).map_err(|e| {
                perr(verifier::PublishError::Malformed {
                    index,
                    reason: format!("{:?}", e.major_status()),
                })
            })?;
            let self_addr = *m.address();
            if self_addr != AccountAddress::ZERO {
                return fail(perr(verifier::PublishError::Linkage(format!(
                    "module {} has address {self_addr}; packages are published from address 0x0",
                    m.self_id().name()
                ))));
            }
            for a in m.address_identifiers.iter_mut() {
                if *a == AccountAddress::ZERO {
                    *a = package_id.into();
                }
            }
            compiled.push(m);
        }
        for m in &compiled {
            for dep in m.immediate_dependencies() {
                let dep_pkg = ObjectID::from(*dep.address());
                if dep_pkg != package_id
                    && !deps.contains(&dep_pkg)
                    && dep_pkg != ObjectID::STD
                    && dep_pkg != ObjectID::FRAMEWORK
                {
                    return fail(perr(verifier::PublishError::Linkage(format!(
                        "module {} uses {dep}, whose package {dep_pkg} is not among the dependencies",
                        m.self_id().name()
                    ))));
                }
            }
            verifier::verify_module(m).map_err(perr)?;
        }
        for d in deps {
            match self.resolver.get_object(d) {
                Some(o) if o.as_package().is_some() => {}
                _ => {
                    return fail(perr(verifier::PublishError::Linkage(format!(
                        "dependency {d} is not a published package"
                    ))))
                }
            }
        }
        let compiled = crate::build::dependency_order(compiled);
        let mut bundle = vec![];
        let mut map = BTreeMap::new();
        for m in &compiled {
            let mut b = vec![];
            m.serialize(&mut b)
                .map_err(|e| ExecutionFailure::PublishError(e.to_string()))?;
            map.insert(m.self_id().name().to_string(), b.clone());
            bundle.push(b);
        }
        self.published.push(MovePackage {
            id: package_id,
            version: 1,
            modules: map,
        });
        self.session
            .publish_module_bundle(bundle, package_id.into(), &mut self.gas)
            .map_err(|e| {
                ExecutionFailure::PublishError(format!(
                    "{:?}: {}",
                    e.major_status(),
                    e.message().cloned().unwrap_or_default()
                ))
            })?;
        for m in &compiled {
            let Some(with_witness) = verifier::init_takes_witness(m) else {
                continue;
            };
            self.set_event_source(package_id, m.self_id().name().to_string());
            let mut args = vec![];
            if with_witness {
                args.push(vec![1u8]);
            }
            args.push(bcs::to_bytes(&self.ctx).expect("serializes"));
            let id = m.self_id();
            let r = self
                .session
                .execute_function_bypass_visibility(
                    &id,
                    IdentStr::new("init").expect("valid"),
                    vec![],
                    args,
                    &mut self.gas,
                )
                .map_err(|e| self.vm_failure(&e))?;
            for (_, bytes, _) in r.mutable_reference_outputs {
                if let Ok(ctx) = bcs::from_bytes::<TxContext>(&bytes) {
                    self.ctx = ctx;
                }
            }
        }
        // The UpgradeCap: { id: UID, package: ID, version: u64, policy: u8 }.
        let cap_id = self.ctx.fresh_id();
        self.runtime().record_new_id(cap_id);
        let mut bytes = cap_id.0.to_vec();
        bytes.extend_from_slice(&package_id.0);
        bytes.extend_from_slice(&1u64.to_le_bytes());
        bytes.push(0);
        let ty = TypeTag::Struct(StructTag {
            address: ObjectID::FRAMEWORK.into(),
            module: Identifier::new("package").expect("valid"),
            name: Identifier::new("UpgradeCap").expect("valid"),
            type_params: vec![],
        });
        let abilities = self.abilities(&ty)?;
        Ok(vec![Val {
            ty,
            bytes,
            abilities,
        }])
    }

    /// Turns the run into writes and effects.
    #[allow(clippy::result_large_err)]
    fn finish(&mut self, tx: &CheckedTransaction) -> Result<ExecutionOutput, Failure> {
        let failure = |error| Failure {
            error,
            command: None,
        };
        // Hot potatoes: every result without `drop` must have been used by value.
        for (c, results) in self.results.iter().enumerate() {
            for (j, slot) in results.iter().enumerate() {
                if let Slot::Result { val: Some(v), .. } = slot {
                    if !v.abilities.has_drop() {
                        return Err(failure(ExecutionFailure::UnusedValueWithoutDrop {
                            command: c,
                            index: j,
                            type_: v.ty.to_string(),
                        }));
                    }
                }
            }
        }
        let data = &tx.data;
        let rt: ObjectRuntime = self
            .session
            .get_native_extensions()
            .remove::<ObjectRuntime>();
        let mut rt = rt;
        let children = rt
            .finish_children()
            .map_err(|e| failure(ExecutionFailure::Other(format!("{:?}", e.major_status()))))?;

        // Objects that existed before, by ID: inputs, gas, loaded children and received objects.
        let mut before: BTreeMap<ObjectID, (ObjectRef, Owner, u64)> = BTreeMap::new();
        for i in tx.inputs.iter().flatten() {
            before.insert(
                i.object.id(),
                (
                    i.object.object_ref(),
                    i.object.owner,
                    i.object.storage_rebate,
                ),
            );
        }
        let (gas_coin, smashed, _) = smash_gas(tx);
        before.insert(
            gas_coin.id(),
            (
                tx.gas[0].object_ref(),
                gas_coin.owner,
                tx.gas[0].storage_rebate,
            ),
        );
        for (id, l) in &rt.loaded {
            before.insert(*id, (l.object_ref, l.owner, l.storage_rebate));
        }
        // Children and received objects loaded during execution count as inputs too.
        let lamport = before
            .values()
            .map(|(r, _, _)| r.version + 1)
            .chain([input_lamport(tx)])
            .max()
            .unwrap_or(1);

        // Final contents and owner of every object written.
        let mut writes: Vec<(ObjectID, StructTag, Vec<u8>, Owner)> = vec![];
        let mut taken: BTreeSet<ObjectID> = BTreeSet::new();
        let mut gas_final: Option<(Vec<u8>, Owner)> = None;
        for (slot, loaded) in self.inputs.iter().zip(&tx.inputs) {
            let (Slot::Object { id, mode, val }, Some(l)) = (slot, loaded) else {
                continue;
            };
            match (val, mode) {
                (None, _) => {
                    taken.insert(*id);
                }
                (Some(v), Mode::Owned | Mode::SharedMutable) => {
                    let TypeTag::Struct(tag) = &v.ty else {
                        continue;
                    };
                    writes.push((*id, tag.clone(), v.bytes.clone(), l.object.owner));
                }
                _ => {}
            }
        }
        if let Slot::Object { val, .. } = &self.gas_slot {
            match val {
                Some(v) => gas_final = Some((v.bytes.clone(), gas_coin.owner)),
                None => {
                    taken.insert(gas_coin.id());
                }
            }
        }
        taken.extend(rt.received.iter().copied());
        let mut transfers: Vec<(ObjectID, NewOwner, StructTag, Vec<u8>)> = rt
            .transfers
            .iter()
            .map(|(id, t)| (*id, t.owner, t.type_.clone(), t.contents.clone()))
            .collect();
        transfers.extend(
            self.transfers
                .iter()
                .map(|(id, a, t, b)| (*id, NewOwner::Address(*a), t.clone(), b.clone())),
        );
        let mut placed: BTreeSet<ObjectID> = BTreeSet::new();
        for (id, owner, tag, bytes) in transfers {
            let prev = before.get(&id).map(|(_, o, _)| *o);
            let owner = match owner {
                NewOwner::Address(a) => Owner::AddressOwner(a),
                NewOwner::Immutable => Owner::Immutable,
                NewOwner::Shared => match prev {
                    Some(Owner::Shared {
                        initial_shared_version,
                    }) => Owner::Shared {
                        initial_shared_version,
                    },
                    Some(_) => {
                        return Err(failure(ExecutionFailure::SharedObjectOperationNotAllowed(
                            id,
                        )))
                    }
                    None => Owner::Shared {
                        initial_shared_version: lamport,
                    },
                },
            };
            if matches!(prev, Some(Owner::Shared { .. })) && !owner.is_shared() {
                return Err(failure(ExecutionFailure::SharedObjectOperationNotAllowed(
                    id,
                )));
            }
            placed.insert(id);
            if id == gas_coin.id() {
                gas_final = Some((bytes, owner));
                continue;
            }
            writes.retain(|w| w.0 != id);
            writes.push((id, tag, bytes, owner));
        }
        let mut removed_children = BTreeSet::new();
        for c in children {
            match c {
                ChildEffect::Write {
                    id,
                    parent,
                    type_,
                    contents,
                    changed,
                } => {
                    placed.insert(id);
                    if changed || !before.contains_key(&id) {
                        if matches!(before.get(&id), Some((_, Owner::Shared { .. }, _))) {
                            return Err(failure(
                                ExecutionFailure::SharedObjectOperationNotAllowed(id),
                            ));
                        }
                        writes.retain(|w| w.0 != id);
                        writes.push((id, type_, contents, Owner::ObjectOwner(parent.into())));
                    }
                }
                ChildEffect::Removed { id } => {
                    removed_children.insert(id);
                }
            }
        }
        // Deleted and wrapped objects.
        let mut deleted = vec![];
        let mut unwrapped_then_deleted = vec![];
        for id in &rt.deleted_ids {
            if rt.new_ids.contains(id) {
                continue;
            }
            if before.contains_key(id) {
                deleted.push(*id);
            } else {
                unwrapped_then_deleted.push(*id);
            }
        }
        let deleted_set: BTreeSet<ObjectID> = rt.deleted_ids.iter().copied().collect();
        let mut wrapped = vec![];
        for id in taken.iter().chain(&removed_children) {
            if !placed.contains(id) && !deleted_set.contains(id) && *id != gas_coin.id() {
                if matches!(before.get(id), Some((_, Owner::Shared { .. }, _))) {
                    return Err(failure(ExecutionFailure::SharedObjectOperationNotAllowed(
                        *id,
                    )));
                }
                if !wrapped.contains(id) {
                    wrapped.push(*id);
                }
            }
        }
        // Build objects, charge storage.
        let mut objects = vec![];
        let mut storage_cost = 0u64;
        let mut rebate_total = 0u64;
        let mut created = vec![];
        let mut mutated = vec![];
        let mut unwrapped = vec![];
        for (id, tag, contents, owner) in writes {
            if contents.len() > limits::MAX_OBJECT_SIZE {
                return Err(failure(ExecutionFailure::LimitExceeded(format!(
                    "object {id} is {} bytes",
                    contents.len()
                ))));
            }
            let abilities = self
                .abilities(&TypeTag::Struct(tag.clone()))
                .map_err(failure)?;
            let mut obj = Object::new_move(
                MoveObject {
                    type_: tag,
                    has_public_transfer: abilities.has_store(),
                    version: lamport,
                    contents,
                },
                owner,
                tx.digest,
            );
            let cost = gas::storage_cost(obj.storage_size());
            obj.storage_rebate = cost;
            storage_cost += cost;
            let entry = (obj.object_ref(), owner);
            match before.get(&id) {
                Some((_, _, rebate)) => {
                    rebate_total += rebate;
                    mutated.push(entry);
                }
                None if rt.new_ids.contains(&id) => created.push(entry),
                None => unwrapped.push(entry),
            }
            objects.push(obj);
        }
        let mut removed = vec![];
        for id in deleted.iter().chain(&wrapped) {
            if let Some((_, _, rebate)) = before.get(id) {
                rebate_total += rebate;
            }
            removed.push((*id, lamport));
        }
        for id in &unwrapped_then_deleted {
            removed.push((*id, lamport));
        }
        for o in &smashed {
            // Gas coins merged into the first are deleted like any other merged coin.
            rebate_total += o.storage_rebate;
            removed.push((o.id(), lamport));
            deleted.push(o.id());
        }
        // Published packages are charged for their bytes like any other object written.
        for p in &self.published {
            let mut obj = Object {
                data: Data::Package(p.clone()),
                owner: Owner::Immutable,
                previous_transaction: tx.digest,
                storage_rebate: 0,
            };
            let cost = gas::storage_cost(obj.storage_size());
            obj.storage_rebate = cost;
            storage_cost += cost;
            created.push((obj.object_ref(), Owner::Immutable));
            objects.push(obj);
        }
        // Gas coin.
        let (gas_bytes, gas_owner) = gas_final.unwrap_or_else(|| {
            (
                gas_coin.as_move().expect("coin").contents.clone(),
                gas_coin.owner,
            )
        });
        let mut gas_obj = gas_coin.clone();
        if let Data::Move(m) = &mut gas_obj.data {
            m.contents = gas_bytes;
            m.version = lamport;
        }
        gas_obj.owner = gas_owner;
        gas_obj.previous_transaction = tx.digest;
        let gas_storage = gas::storage_cost(gas_obj.storage_size());
        storage_cost += gas_storage;
        rebate_total += tx.gas[0].storage_rebate;
        let computation = self.gas.computation_cost();
        let charged = computation.saturating_add(storage_cost);
        if charged > data.gas_data.budget {
            return Err(failure(ExecutionFailure::InsufficientGas {
                budget: data.gas_data.budget,
            }));
        }
        let (refund, kept) = gas::split_rebate(rebate_total);
        // The commands may have split or drained the gas coin; what is left in it (with the
        // rebates) must still pay for gas, or the transaction fails and the untouched coin pays.
        let left = gas_obj
            .as_move()
            .and_then(|m| coin_value(&m.contents))
            .unwrap_or(0);
        if left.saturating_add(refund) < charged {
            return Err(failure(ExecutionFailure::InsufficientCoinBalance {
                coin: gas_obj.id(),
                balance: left.saturating_add(refund),
                requested: charged,
            }));
        }
        finalize_gas(&mut gas_obj, computation, storage_cost, refund);
        gas_obj.storage_rebate = gas_storage;
        let gas_ref = (gas_obj.object_ref(), gas_obj.owner);
        mutated.push(gas_ref);
        objects.push(gas_obj);
        // Events.
        let events: Vec<Event> = rt
            .events
            .iter()
            .map(|(type_, contents, source)| {
                let info = self.event_sources.get(*source);
                Event {
                    package_id: info.map(|i| i.package).unwrap_or_default(),
                    transaction_module: info.map(|i| i.module.clone()).unwrap_or_default(),
                    sender: data.sender,
                    type_: type_.clone(),
                    contents: contents.clone(),
                }
            })
            .collect();
        let effects = TransactionEffects {
            status: ExecutionStatus::Success,
            executed_epoch: self.ctx.epoch,
            gas_used: GasCostSummary {
                computation_cost: computation,
                storage_cost,
                storage_rebate: refund,
                non_refundable_storage_fee: kept,
            },
            transaction_digest: tx.digest,
            lamport_version: lamport,
            created,
            mutated,
            unwrapped,
            deleted: tombstones(deleted.iter().copied(), lamport),
            unwrapped_then_deleted: tombstones(unwrapped_then_deleted.iter().copied(), lamport),
            wrapped: tombstones(wrapped.iter().copied(), lamport),
            gas_object: gas_ref,
            shared_objects: shared_refs(tx),
            events_digest: (!events.is_empty()).then(|| events_digest(&events)),
            dependencies: dependencies(tx),
        };
        Ok(ExecutionOutput {
            effects,
            events,
            writes: CommitBatch {
                written: objects,
                removed,
                record: None,
                meta: None,
            },
        })
    }
}
