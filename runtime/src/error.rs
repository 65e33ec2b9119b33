//! The runtime's error type and the decoding of Move VM errors into named failures.

use move_binary_format::access::ModuleAccess;
use move_binary_format::errors::{Location, VMError};
use move_binary_format::file_format::CompiledModule;
use move_core_types::vm_status::StatusCode;

use crate::build::BuildError;
use crate::crypto::SignatureError;
use crate::store::StoreError;
use crate::types::{
    Address, ExecutionFailure, MoveAbort, ObjectID, ObjectReference, SequenceNumber,
};
use crate::verifier::PublishError;

/// Why a transaction was refused before it ran. A refused transaction changes nothing and
/// costs nothing.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, thiserror::Error)]
pub enum TransactionError {
    /// The transaction does not decode or is structurally invalid.
    #[error("malformed transaction: {0}")]
    Malformed(String),
    /// A signature is malformed or does not verify.
    #[error("invalid signature: {0}")]
    InvalidSignature(#[from] SignatureError),
    /// The signatures do not come from the required signers.
    #[error(
        "the transaction must be signed by {}; it was signed by {}",
        crate::types::address_list(required),
        crate::types::address_list(signed)
    )]
    WrongSigners {
        /// Who must sign: the sender, and the gas owner if different.
        required: Vec<Address>,
        /// Who signed.
        signed: Vec<Address>,
    },
    /// An input object does not exist (it never did, or was deleted or wrapped).
    #[error("object {0} does not exist (it may have been deleted or wrapped)")]
    ObjectNotFound(ObjectID),
    /// An owned input is not owned by the sender.
    #[error("object {id} is owned by {owner}, not by the sender {sender}")]
    NotOwner {
        /// The object.
        id: ObjectID,
        /// Its owner.
        owner: String,
        /// The sender.
        sender: Address,
    },
    /// An owned input was named at an old version or with the wrong digest.
    #[error("object {} was named at version {} ({}), but it is at version {} ({}); fetch it again", given.object_id(), given.version(), given.digest(), current.version(), current.digest())]
    StaleObject {
        /// The reference given.
        given: Box<ObjectReference>,
        /// The current reference.
        current: Box<ObjectReference>,
    },
    /// A dynamic field or child object was named as an input.
    #[error("object {0} is owned by another object and cannot be a transaction input")]
    ObjectOwnedByObject(ObjectID),
    /// The same object appears twice among inputs and gas.
    #[error("object {0} appears more than once among the inputs and gas payment")]
    DuplicateInput(ObjectID),
    /// A shared input named at the wrong initial shared version.
    #[error("shared object {id} was named with initial version {given}, but it became shared at version {actual}")]
    SharedVersionMismatch {
        /// The object.
        id: ObjectID,
        /// The version given.
        given: SequenceNumber,
        /// The actual initial shared version.
        actual: SequenceNumber,
    },
    /// A shared input that is not shared, or an owned input that is shared.
    #[error("object {id} is {actual}, but the transaction names it as {named}")]
    WrongOwnershipKind {
        /// The object.
        id: ObjectID,
        /// How it is owned.
        actual: String,
        /// How it was named.
        named: String,
    },
    /// An immutable object named as a mutable shared input.
    #[error("object {0} is immutable and cannot be used mutably")]
    ImmutableUsedMutably(ObjectID),
    /// The transaction expired.
    #[error("the transaction expired at epoch {expiration}; the chain is at epoch {epoch}")]
    Expired {
        /// Its last valid epoch.
        expiration: u64,
        /// The current epoch.
        epoch: u64,
    },
    /// A gas payment object is not a gas coin.
    #[error("gas payment {0} is not a Coin<0x2::sui::SUI>")]
    NotAGasCoin(ObjectID),
    /// No gas payment was given.
    #[error("the transaction names no gas coin")]
    MissingGas,
    /// A gas coin not owned by the gas owner.
    #[error("gas coin {id} is not owned by the gas owner {gas_owner}")]
    GasNotOwned {
        /// The coin.
        id: ObjectID,
        /// The gas owner.
        gas_owner: Address,
    },
    /// The gas coins hold less than the budget.
    #[error("the gas coins hold {balance}, less than the budget {budget}")]
    InsufficientGasBalance {
        /// Their total balance.
        balance: u64,
        /// The budget.
        budget: u64,
    },
    /// The budget is outside the allowed range.
    #[error("gas budget {budget} is outside [{min}, {max}]")]
    GasBudgetOutOfRange {
        /// The budget.
        budget: u64,
        /// The minimum.
        min: u64,
        /// The maximum.
        max: u64,
    },
    /// The gas price is below the minimum.
    #[error("gas price {price} is below the minimum {min}")]
    GasPriceTooLow {
        /// The price.
        price: u64,
        /// The minimum.
        min: u64,
    },
    /// A size or count limit was exceeded.
    #[error("limit exceeded: {0}")]
    LimitExceeded(String),
}

/// The runtime's error at its boundary.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    /// The transaction was refused before execution.
    #[error(transparent)]
    Transaction(#[from] TransactionError),
    /// A Move package did not build.
    #[error(transparent)]
    Build(#[from] BuildError),
    /// A package broke a publish rule.
    #[error(transparent)]
    Publish(#[from] PublishError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// An object asked for does not exist.
    #[error("object {0} not found")]
    ObjectNotFound(ObjectID),
    /// A transaction asked for does not exist.
    #[error("transaction {0} not found")]
    TransactionNotFound(String),
    /// Advancing the clock by this much would pass the largest time it can hold; the clock
    /// did not move.
    #[error("the clock is at {clock_ms} ms; advancing it by {advance_ms} ms would overflow a u64")]
    ClockOverflow {
        /// The clock now, in ms since the Unix epoch.
        clock_ms: u64,
        /// The advance asked for.
        advance_ms: u64,
    },
    /// Every dry-run slot is busy and the queue for them is full; try again shortly
    /// (LIMITS.md, "Dry runs").
    #[error(
        "the chain is running {running} dry runs with {waiting} more waiting; try again shortly"
    )]
    DryRunBusy {
        /// Dry runs executing.
        running: usize,
        /// Dry runs waiting for a slot.
        waiting: usize,
    },
    /// The store holds a chain an older movid created, whose framework has no `sui` module:
    /// its gas coins are `Coin<0x2::movid::MOVID>`, which no transaction here accepts. Nothing
    /// in the store was changed; start a new chain.
    #[error("the store holds a chain created before the gas coin became 0x2::sui::SUI (its framework at 0x2 has no module `sui`); start a new chain: `movid start --force-regenesis`, or another data directory")]
    OutdatedChain,
    /// The Move VM failed in a way that is not the transaction's fault.
    #[error("Move VM error: {0}")]
    Vm(String),
    /// Anything else, with the reason.
    #[error("{0}")]
    Other(String),
}

/// Result alias for the runtime.
pub type RuntimeResult<T> = Result<T, RuntimeError>;

/// Turns a VM error into an execution failure, naming the abort's module, function and error
/// constant. `load_module` fetches a module to read names from.
pub(crate) fn decode_vm_error(
    err: &VMError,
    budget: u64,
    load_module: &dyn Fn(
        &move_core_types::language_storage::ModuleId,
    ) -> Option<std::sync::Arc<CompiledModule>>,
) -> ExecutionFailure {
    let module_id = match err.location() {
        Location::Module(m) => Some(m.clone()),
        _ => None,
    };
    let module = module_id.as_ref().and_then(load_module);
    let function = err.offsets().first().and_then(|(fidx, _)| {
        let m = module.as_ref()?;
        let fdef = m.function_defs.get(fidx.0 as usize)?;
        Some(
            m.identifier_at(m.function_handle_at(fdef.function).name)
                .to_string(),
        )
    });
    if let Some(reason) = err
        .message()
        .and_then(|m| m.strip_prefix(crate::natives::LIMIT_PREFIX))
    {
        return ExecutionFailure::LimitExceeded(reason.to_string());
    }
    match err.major_status() {
        StatusCode::ABORTED => {
            let code = err.sub_status().unwrap_or(0);
            let constant = module.as_ref().and_then(|m| {
                crate::build::error_map(m)
                    .into_iter()
                    .find(|(v, _)| *v == code)
                    .map(|(_, n)| n)
            });
            match module_id {
                Some(m) => ExecutionFailure::MoveAbort(MoveAbort {
                    package: crate::seam::from_vm_address(*m.address()),
                    module: m.name().to_string(),
                    function,
                    code,
                    constant,
                }),
                None => ExecutionFailure::MoveRuntimeError {
                    status: format!("ABORTED({code})"),
                    location: "script".into(),
                },
            }
        }
        StatusCode::OUT_OF_GAS => ExecutionFailure::InsufficientGas { budget },
        status => {
            let location = match (&module_id, &function) {
                (Some(m), Some(f)) => {
                    format!(
                        "{}::{}::{f}",
                        crate::seam::from_vm_address(*m.address()),
                        m.name()
                    )
                }
                (Some(m), None) => format!(
                    "{}::{}",
                    crate::seam::from_vm_address(*m.address()),
                    m.name()
                ),
                _ => "the adapter".into(),
            };
            let mut status = format!("{status:?}");
            if let Some(msg) = err.message() {
                status = format!("{status}: {msg}");
            }
            ExecutionFailure::MoveRuntimeError { status, location }
        }
    }
}
