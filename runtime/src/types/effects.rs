//! What a transaction did: status, gas, object changes and events.

use crate::types::salted_digest;
use crate::types::WellKnown;
use std::fmt;

use move_core_types::language_storage::StructTag;
use serde::{Deserialize, Serialize};

use super::{Address, Digest, ObjectID, ObjectReference, Owner};

/// Where a Move abort happened, and what it means when the module names the code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoveAbort {
    /// The aborting module's package.
    pub package: ObjectID,
    /// The aborting module's name.
    pub module: String,
    /// The function, where known.
    pub function: Option<String>,
    /// The abort code.
    pub code: u64,
    /// The name of the module's error constant with that value, where it declares one.
    pub constant: Option<String>,
}

impl fmt::Display for MoveAbort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let module = format!("{}::{}", short_package(&self.package), self.module);
        match &self.constant {
            Some(c) => write!(f, "{module}::{c} (code {})", self.code)?,
            None => write!(f, "{module} abort code {}", self.code)?,
        }
        if let Some(func) = &self.function {
            write!(f, " in {func}")?;
        }
        Ok(())
    }
}

fn short_package(id: &ObjectID) -> String {
    match *id {
        ObjectID::STD => "std".into(),
        ObjectID::FRAMEWORK => "sui".into(),
        ObjectID::IDENTITY => "identity".into(),
        other => other.to_string(),
    }
}

/// Why a transaction failed. Failed transactions change nothing but the gas coin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ExecutionFailure {
    /// The gas budget ran out.
    #[error("out of gas: the budget of {budget} was not enough")]
    InsufficientGas {
        /// The budget, in MIST.
        budget: u64,
    },
    /// A Move function aborted.
    #[error("Move abort: {0}")]
    MoveAbort(MoveAbort),
    /// The VM stopped execution (arithmetic error, vector index out of bounds, ...).
    #[error("Move runtime error {status} in {location}")]
    MoveRuntimeError {
        /// The VM status code name.
        status: String,
        /// Module and function where it happened.
        location: String,
    },
    /// A module or function named by a command does not exist or cannot be called.
    #[error("cannot call {target}: {reason}")]
    FunctionNotCallable {
        /// `package::module::function`.
        target: String,
        /// Why.
        reason: String,
    },
    /// An argument does not fit the parameter it is passed to.
    #[error("argument {argument} is invalid: {reason}")]
    InvalidArgument {
        /// Index of the argument in the command.
        argument: usize,
        /// Why.
        reason: String,
    },
    /// A type argument is wrong (unknown type, wrong arity, missing abilities).
    #[error("type argument error: {0}")]
    TypeArgumentError(String),
    /// A value without `drop` (a hot potato) was left unused at the end of the transaction.
    #[error("result {command}.{index} of type {type_} has no `drop` and was never used")]
    UnusedValueWithoutDrop {
        /// The command that produced it.
        command: usize,
        /// Its position among that command's results.
        index: usize,
        /// Its type.
        type_: String,
    },
    /// An object without `store` was given to `TransferObjects`.
    #[error(
        "object {id} of type {type_} has no `store` and cannot be transferred by TransferObjects"
    )]
    TransferWithoutStore {
        /// The object.
        id: ObjectID,
        /// Its type.
        type_: String,
    },
    /// A shared object was wrapped, transferred or frozen; it may only be mutated or deleted.
    #[error("shared object {0} may only be mutated or deleted")]
    SharedObjectOperationNotAllowed(ObjectID),
    /// A coin lacks the balance for a split.
    #[error("coin {coin} holds {balance}, less than the {requested} requested")]
    InsufficientCoinBalance {
        /// The coin.
        coin: ObjectID,
        /// What it holds.
        balance: u64,
        /// What was asked.
        requested: u64,
    },
    /// A published package broke a publish rule or failed bytecode verification.
    #[error("publish rejected: {0}")]
    PublishError(String),
    /// A limit was exceeded (events, object size, ...).
    #[error("limit exceeded: {0}")]
    LimitExceeded(String),
    /// Anything else the adapter refused, with the reason.
    #[error("{0}")]
    Other(String),
    /// A `MoveCall` named a function that exists but that a transaction may not call
    /// directly (docs/DESIGN.md §5, "MoveCall targets").
    #[error("{target} cannot be called from a transaction: {rule}")]
    CallNotAllowed {
        /// `package::module::function`.
        target: String,
        /// The rule the call breaks.
        rule: CallRule,
    },
    /// A pure argument is not a valid value of its parameter's type (docs/DESIGN.md §5,
    /// "Pure arguments").
    #[error("argument {argument} is not a valid {type_}: {violation}")]
    InvalidPureValue {
        /// Index of the argument in the command.
        argument: usize,
        /// The parameter's type.
        type_: String,
        /// What is wrong with the bytes.
        violation: PureViolation,
    },
}

/// Why a transaction may not call a function directly. Each rule is one Sui-style chains keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum CallRule {
    /// The function is neither `public` nor `entry`: only its own package may call it.
    #[error("it is neither public nor entry")]
    NotPublicOrEntry,
    /// `init` runs once, when its package is published.
    #[error("init runs only at publish")]
    Init,
    /// A framework function whose type argument must be defined by the calling module (the
    /// private transfer, freeze, share and receive family, `event::emit`): a transaction has
    /// no module of its own, so it may never call them. The `public_` variants take any type
    /// with `store`.
    #[error("its type argument must be defined by the calling module; use the public_ variant, which needs `store`")]
    CallerTypesOnly,
    /// A native function: natives are called by Move code, never by a transaction.
    #[error("it is a native function; call a Move function that uses it")]
    Native,
}

/// What is wrong with a pure argument's bytes for its type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum PureViolation {
    /// The type cannot be given as a pure value (objects, `signer`, other structs).
    #[error("a pure value cannot have this type")]
    TypeNotAllowed,
    /// The bytes do not follow the type's BCS layout (too short, trailing bytes, a bool other
    /// than 0 or 1, a non-canonical length).
    #[error("the bytes are not its BCS encoding: {0}")]
    Malformed(String),
    /// An `Option` holds more than one element.
    #[error("an Option holds {len} elements (at most 1)")]
    OptionTooLong {
        /// How many it holds.
        len: u64,
    },
    /// A `std::string::String` is not UTF-8.
    #[error("a std::string::String is not valid UTF-8")]
    InvalidUtf8,
    /// A `std::ascii::String` holds a byte above 0x7f.
    #[error("a std::ascii::String holds the non-ASCII byte {byte:#04x}")]
    NotAscii {
        /// The first offending byte.
        byte: u8,
    },
}

/// Whether the transaction's commands took effect.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExecutionStatus {
    /// All commands ran; their effects are committed.
    Success,
    /// A command failed; only gas was charged.
    Failure {
        /// What went wrong.
        error: ExecutionFailure,
        /// The index of the failing command, where one failed.
        command: Option<usize>,
    },
}

impl ExecutionStatus {
    /// Whether the transaction succeeded.
    pub fn is_ok(&self) -> bool {
        matches!(self, ExecutionStatus::Success)
    }
}

/// Gas charged, in MIST.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GasCostSummary {
    /// Execution: instructions, natives, and argument handling.
    pub computation_cost: u64,
    /// Bytes written, at the storage price.
    pub storage_cost: u64,
    /// Refunds for objects mutated or deleted (99% of what they were charged).
    pub storage_rebate: u64,
    /// The 1% of rebates kept back.
    pub non_refundable_storage_fee: u64,
}

impl GasCostSummary {
    /// What the gas coin actually paid (may be negative when rebates exceed costs).
    pub fn net_gas_usage(&self) -> i64 {
        self.computation_cost as i64 + self.storage_cost as i64 - self.storage_rebate as i64
    }
}

/// An event emitted by Move code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// The package of the module that was called by the transaction command.
    pub package_id: ObjectID,
    /// The module that was called.
    pub transaction_module: String,
    /// The transaction's sender.
    pub sender: Address,
    /// The event's type.
    pub type_: StructTag,
    /// BCS of the event value.
    pub contents: Vec<u8>,
}

/// The outcome of a transaction, stored and returned to the sender.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionEffects {
    /// Success or the failure.
    pub status: ExecutionStatus,
    /// The epoch it ran in.
    pub executed_epoch: u64,
    /// Gas charged.
    pub gas_used: GasCostSummary,
    /// The transaction.
    pub transaction_digest: Digest,
    /// The Lamport version every written object took.
    pub lamport_version: u64,
    /// New objects.
    pub created: Vec<(ObjectReference, Owner)>,
    /// Existing objects written (including the gas coin).
    pub mutated: Vec<(ObjectReference, Owner)>,
    /// Objects taken out of another object that now exist on their own again.
    pub unwrapped: Vec<(ObjectReference, Owner)>,
    /// Objects deleted.
    pub deleted: Vec<ObjectReference>,
    /// Objects unwrapped and deleted in this transaction.
    pub unwrapped_then_deleted: Vec<ObjectReference>,
    /// Objects stored inside another object.
    pub wrapped: Vec<ObjectReference>,
    /// The gas coin after the transaction.
    pub gas_object: (ObjectReference, Owner),
    /// Shared objects the transaction used, at the versions it read.
    pub shared_objects: Vec<ObjectReference>,
    /// Digest of the events, if any were emitted.
    pub events_digest: Option<Digest>,
    /// Transactions that wrote the inputs.
    pub dependencies: Vec<Digest>,
}

impl TransactionEffects {
    /// `blake2b("TransactionEffects::" ‖ bcs(self))`.
    pub fn digest(&self) -> Digest {
        salted_digest(
            "TransactionEffects::",
            &bcs::to_bytes(self).expect("effects serialize"),
        )
    }

    /// Every object written, with its new reference and owner.
    pub fn all_changed(&self) -> impl Iterator<Item = &(ObjectReference, Owner)> {
        self.created
            .iter()
            .chain(&self.mutated)
            .chain(&self.unwrapped)
    }
}

/// `blake2b("TransactionEvents::" ‖ bcs(events))`.
pub fn events_digest(events: &[Event]) -> Digest {
    salted_digest(
        "TransactionEvents::",
        &bcs::to_bytes(events).expect("events serialize"),
    )
}
