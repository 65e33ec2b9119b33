//! The floor: the least work a transaction needs — checking its signature and running its Move
//! calls on a bare VM — against which the full cost of [`chain::LocalChain::execute`] is
//! measured (`movid bench`).
//!
//! Capture a transaction's Move calls with [`Executor::execute_traced`]: it executes exactly as
//! [`Executor::execute`] does and also returns a [`TransactionTrace`], each call as the adapter
//! handed it to the VM (module, function, type arguments and the prepared BCS arguments, the
//! `TxContext` included), with every object the object runtime read from the store (dynamic
//! field children, received objects) as it was before the transaction.
//!
//! [`FloorRunner`] replays a trace: the Ed25519 signatures are verified, then the calls run in
//! one session of a MoveVM with the same natives and an [`ObjectRuntime`] over the trace's
//! objects, with the [`UnmeteredGasMeter`]. Nothing else happens: no input checks, no argument
//! validation, no gas, no effects, no store reads or writes.
//!
//! ```no_run
//! use movid_runtime::execution::{check_transaction, BlockEnv, Executor};
//! use movid_runtime::floor::FloorRunner;
//! # fn demo(store: &dyn movid_runtime::store::Store, tx: movid_runtime::types::SignedTransaction)
//! #     -> Result<(), Box<dyn std::error::Error>> {
//! let checked = check_transaction(store, &tx.data, 0)?;
//! let env = BlockEnv { epoch: 0, epoch_start_ms: 0 };
//! let (_output, trace) = Executor::new().execute_traced(store, &checked, env);
//! let floor = FloorRunner::from_store(store, &FloorRunner::GENESIS_PACKAGES)?;
//! floor.run(&tx, &trace)?;
//! # Ok(()) }
//! ```
//!
//! [`chain::LocalChain::execute`]: crate::chain::LocalChain::execute
//! [`Executor::execute_traced`]: crate::execution::Executor::execute_traced
//! [`Executor::execute`]: crate::execution::Executor::execute

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use move_binary_format::file_format::CompiledModule;
use move_core_types::account_address::AccountAddress;
use move_core_types::identifier::Identifier;
use move_core_types::language_storage::{ModuleId, StructTag, TypeTag};
use move_core_types::resolver::{ModuleResolver, ResourceResolver};
use move_vm_runtime::move_vm::MoveVM;
use move_vm_runtime::native_extensions::NativeContextExtensions;
use move_vm_types::gas::UnmeteredGasMeter;
use parking_lot::Mutex;

use crate::crypto::SignatureError;
use crate::error::{decode_vm_error, RuntimeError, RuntimeResult};
use crate::natives::object_runtime::{ObjectResolver, ObjectRuntime, RuntimeLimits};
use crate::store::Store;
use crate::types::{
    Data, ExecutionFailure, Object, ObjectID, SequenceNumber, SignedTransaction, WellKnown,
};

/// One Move call as the adapter handed it to the VM.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreparedCall {
    /// The module.
    pub module: ModuleId,
    /// The function.
    pub function: Identifier,
    /// Its type arguments.
    pub type_arguments: Vec<TypeTag>,
    /// BCS of each argument, the `TxContext` last when the function takes one. A reference
    /// parameter gets the bytes of the value it refers to.
    pub arguments: Vec<Vec<u8>>,
}

impl PreparedCall {
    /// `package::module::function`.
    pub fn target(&self) -> String {
        format!(
            "{}::{}::{}",
            crate::seam::from_vm_address(*self.module.address()),
            self.module.name(),
            self.function
        )
    }
}

/// What a traced execution captured: the transaction's Move calls in order and the state the
/// object runtime read.
#[derive(Clone, Debug, Default)]
pub struct TransactionTrace {
    /// Every `MoveCall` command, in execution order (a publish and its `init` are not
    /// captured).
    pub calls: Vec<PreparedCall>,
    /// Objects the object runtime looked up, before the transaction (`None`: did not exist).
    pub objects: BTreeMap<ObjectID, Option<Object>>,
    /// The transaction's `Receiving` inputs: object -> version.
    pub receivable: BTreeMap<ObjectID, SequenceNumber>,
}

/// Why a floor replay failed.
#[derive(Debug, thiserror::Error)]
pub enum FloorError {
    /// A signature does not verify.
    #[error("invalid signature: {0}")]
    Signature(#[from] SignatureError),
    /// A replayed call failed on the bare VM; the trace does not match the state it was
    /// captured in, or was altered.
    #[error("call {index} ({target}) failed on the bare VM: {failure}")]
    Call {
        /// Index of the call in the trace.
        index: usize,
        /// `package::module::function`.
        target: String,
        /// What went wrong.
        failure: Box<ExecutionFailure>,
    },
}

/// Replays traces on a bare Move VM (see the module documentation).
pub struct FloorRunner {
    vm: MoveVM,
    modules: HashMap<ModuleId, Vec<u8>>,
    limits: RuntimeLimits,
}

impl FloorRunner {
    /// The packages every chain has: std, framework, identity and access.
    pub const GENESIS_PACKAGES: [ObjectID; 4] = [
        ObjectID::STD,
        ObjectID::FRAMEWORK,
        ObjectID::IDENTITY,
        ObjectID::ACCESS,
    ];

    /// A runner over the given package objects (every package a replayed call may reach,
    /// dependencies included).
    pub fn new(packages: impl IntoIterator<Item = Object>) -> Self {
        let mut modules = HashMap::new();
        for o in packages {
            if let Data::Package(p) = o.data {
                for (name, bytes) in p.modules {
                    if let Ok(name) = Identifier::new(name) {
                        modules
                            .insert(ModuleId::new(crate::seam::to_vm_address(p.id), name), bytes);
                    }
                }
            }
        }
        FloorRunner {
            vm: MoveVM::new(crate::natives::all_natives()).expect("natives are well-formed"),
            modules,
            limits: RuntimeLimits::default(),
        }
    }

    /// A runner over packages `ids` as `store` holds them now.
    pub fn from_store(store: &dyn Store, ids: &[ObjectID]) -> RuntimeResult<Self> {
        let mut packages = vec![];
        for id in ids {
            match store.get_object(id)? {
                Some(o) => packages.push(o),
                None if *id == ObjectID::ACCESS => {}
                None => return Err(RuntimeError::ObjectNotFound(*id)),
            }
        }
        Ok(Self::new(packages))
    }

    /// The floor of one transaction: verifies its signatures over its signing digest, then
    /// replays its calls.
    pub fn run(&self, tx: &SignedTransaction, trace: &TransactionTrace) -> Result<(), FloorError> {
        let msg = tx.data.signing_digest();
        for s in &tx.signatures {
            s.verify(&msg)?;
        }
        self.replay(trace)
    }

    /// Runs a trace's calls in one VM session, as the transaction ran them.
    pub fn replay(&self, trace: &TransactionTrace) -> Result<(), FloorError> {
        let resolver = Snapshot {
            modules: &self.modules,
            objects: &trace.objects,
        };
        let mut rt = ObjectRuntime::new(&resolver, self.limits);
        rt.receivable = trace.receivable.clone();
        let mut ext = NativeContextExtensions::default();
        ext.add(rt);
        let mut session = self.vm.new_session_with_extensions(&resolver, ext);
        for (index, call) in trace.calls.iter().enumerate() {
            let args: Vec<&[u8]> = call.arguments.iter().map(Vec::as_slice).collect();
            session
                .execute_function_bypass_visibility(
                    &call.module,
                    &call.function,
                    call.type_arguments.clone(),
                    args,
                    &mut UnmeteredGasMeter,
                )
                .map_err(|e| FloorError::Call {
                    index,
                    target: call.target(),
                    failure: Box::new(decode_vm_error(&e, 0, &|id| {
                        self.load_module(id, &resolver)
                    })),
                })?;
        }
        Ok(())
    }

    fn load_module(&self, id: &ModuleId, resolver: &Snapshot) -> Option<Arc<CompiledModule>> {
        self.vm.load_module(id, resolver).ok()
    }
}

/// The floor's view of the chain: packages and the objects a trace captured, in memory.
struct Snapshot<'a> {
    modules: &'a HashMap<ModuleId, Vec<u8>>,
    objects: &'a BTreeMap<ObjectID, Option<Object>>,
}

impl ModuleResolver for Snapshot<'_> {
    type Error = std::convert::Infallible;
    fn get_module(&self, id: &ModuleId) -> Result<Option<Vec<u8>>, Self::Error> {
        Ok(self.modules.get(id).cloned())
    }
}

impl ResourceResolver for Snapshot<'_> {
    type Error = std::convert::Infallible;
    fn get_resource(
        &self,
        _: &AccountAddress,
        _: &StructTag,
    ) -> Result<Option<Vec<u8>>, Self::Error> {
        Ok(None)
    }
}

impl ObjectResolver for Snapshot<'_> {
    fn get_object(&self, id: &ObjectID) -> Option<Object> {
        self.objects.get(id).cloned().flatten()
    }
}

/// An object resolver that remembers what it answered: the object runtime of a traced
/// execution reads through it.
pub(crate) struct RecordingResolver<'a> {
    inner: &'a dyn ObjectResolver,
    seen: Mutex<BTreeMap<ObjectID, Option<Object>>>,
}

impl<'a> RecordingResolver<'a> {
    pub(crate) fn new(inner: &'a dyn ObjectResolver) -> Self {
        RecordingResolver {
            inner,
            seen: Mutex::new(BTreeMap::new()),
        }
    }

    /// Every object looked up, as first seen.
    pub(crate) fn into_objects(self) -> BTreeMap<ObjectID, Option<Object>> {
        self.seen.into_inner()
    }
}

impl ObjectResolver for RecordingResolver<'_> {
    fn get_object(&self, id: &ObjectID) -> Option<Object> {
        let o = self.inner.get_object(id);
        // The store does not change during a transaction, so the first answer is the
        // pre-transaction state.
        self.seen.lock().entry(*id).or_insert_with(|| o.clone());
        o
    }

    fn is_drop_only(&self, tag: &StructTag) -> Option<bool> {
        self.inner.is_drop_only(tag)
    }
}
