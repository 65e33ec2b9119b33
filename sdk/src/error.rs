//! The SDK's error at its boundary: every way a read, a transaction or an
//! identity operation fails, each with the data to act on it.

use movid_runtime::types::{Address, Digest, ExecutionFailure, ObjectID, StructTag};
use movid_runtime::{RuntimeError, TransactionError};

use crate::identity::IdentityError;
use crate::keys::KeyError;

/// What went wrong talking to a chain, building or running a transaction, or
/// operating an identity.
#[derive(Debug, thiserror::Error)]
pub enum SdkError {
    /// The node refused the transaction before running it (stale or foreign
    /// object, bad signature, gas out of range...). Nothing was charged.
    /// (Boxed, as is `ExecutionFailed::failure`, to keep `SdkResult` small.)
    #[error("transaction refused: {0}")]
    Transaction(Box<TransactionError>),
    /// The transaction ran (or was dry-run) and failed; only gas was charged,
    /// and nothing if this came from the dry run before submission.
    #[error("transaction {digest} failed{}: {failure}", command.map(|c| format!(" in command {c}")).unwrap_or_default())]
    ExecutionFailed {
        /// The transaction's digest.
        digest: Digest,
        /// What went wrong; for a Move abort, its module, function and error
        /// constant.
        failure: Box<ExecutionFailure>,
        /// The failing command, where one failed.
        command: Option<usize>,
        /// Whether the transaction was submitted (`false`: the dry run failed
        /// and nothing was sent or charged).
        submitted: bool,
    },
    /// The identity package refused the operation (a decoded Move abort).
    #[error(transparent)]
    Identity(#[from] IdentityError),
    /// An object does not exist (never did, or was deleted or wrapped).
    #[error("object {0} does not exist (it may have been deleted or wrapped)")]
    ObjectNotFound(ObjectID),
    /// An object exists but is not what the operation needs.
    #[error("object {id} is a {found}, not a {expected}")]
    WrongObjectType {
        /// The object.
        id: ObjectID,
        /// What was expected.
        expected: String,
        /// What it is.
        found: String,
    },
    /// An object cannot be named as a transaction input by this sender.
    #[error("object {id} cannot be used as an input: {reason}")]
    UnusableObject {
        /// The object.
        id: ObjectID,
        /// Why.
        reason: String,
    },
    /// The sender has no gas coin (outside the transaction's inputs) able to
    /// pay the budget.
    #[error("{owner} has {balance} in gas coins usable for this transaction, less than the {needed} needed; fund it (faucet) or merge coins")]
    InsufficientGas {
        /// The gas owner.
        owner: Address,
        /// The usable balance.
        balance: u64,
        /// What is needed.
        needed: u64,
    },
    /// The signer is not the transaction's sender.
    #[error("the transaction's sender is {sender}, but the signer is {signer}")]
    WrongSigner {
        /// The sender.
        sender: Address,
        /// The signer's address.
        signer: Address,
    },
    /// A transaction needs this signer's signature and it was not given
    /// (a sponsored transaction executed with the sender's key alone).
    #[error("the transaction also needs the signature of {signer}")]
    MissingSignature {
        /// Who must still sign.
        signer: Address,
    },
    /// The signer is neither the transaction's sender nor its gas owner, so
    /// its signature would be refused.
    #[error(
        "{signer} is not a signer of this transaction; it needs {}",
        movid_runtime::types::address_list(required)
    )]
    NotASigner {
        /// Who tried to sign.
        signer: Address,
        /// The sender, then the gas owner when another account sponsors it.
        required: Vec<Address>,
    },
    /// Stored bytes did not decode as the expected Move value.
    #[error("cannot decode {what}: {reason}")]
    Decode {
        /// What was decoded.
        what: String,
        /// The decoder's error.
        reason: String,
    },
    /// A DID document is not fit to be stored (checked before anything was
    /// sent; see `DidDocument::validate_for_chain`).
    #[error("the DID document is invalid: {0}")]
    InvalidDocument(#[from] crate::did::DidError),
    /// An argument is invalid before anything was sent.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// The node refuses a development-only method (faucet, clock, epoch).
    #[error("the node refuses `{method}`: it is available on development chains only")]
    DevOnly {
        /// The refused method.
        method: String,
    },
    /// A key operation failed while signing.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The node answered with a JSON-RPC error.
    #[error("node error {code}: {message}")]
    Rpc {
        /// The JSON-RPC error code.
        code: i64,
        /// The node's message.
        message: String,
    },
    /// The node could not be reached or answered something unreadable.
    #[error("cannot reach the node: {0}")]
    Transport(String),
    /// The node failed for a reason of its own (storage, VM).
    #[error("node failure: {0}")]
    Node(String),
}

/// Result alias for the SDK.
pub type SdkResult<T> = Result<T, SdkError>;

impl SdkError {
    /// The Move abort that failed the transaction, if it failed with one.
    pub fn move_abort(&self) -> Option<&movid_runtime::types::MoveAbort> {
        match self {
            SdkError::ExecutionFailed { failure, .. } => match &**failure {
                ExecutionFailure::MoveAbort(abort) => Some(abort),
                _ => None,
            },
            _ => None,
        }
    }

    /// The refusal, if the node refused the transaction before running it.
    pub fn transaction_error(&self) -> Option<&TransactionError> {
        match self {
            SdkError::Transaction(e) => Some(e),
            _ => None,
        }
    }

    /// The decoded identity error, if this is one.
    pub fn identity_error(&self) -> Option<&IdentityError> {
        match self {
            SdkError::Identity(e) => Some(e),
            _ => None,
        }
    }

    pub(crate) fn decode(what: impl Into<String>, reason: impl ToString) -> SdkError {
        SdkError::Decode {
            what: what.into(),
            reason: reason.to_string(),
        }
    }

    pub(crate) fn wrong_type(id: ObjectID, expected: &str, found: Option<&StructTag>) -> SdkError {
        SdkError::WrongObjectType {
            id,
            expected: expected.to_string(),
            found: found.map_or_else(|| "package".to_string(), |t| t.to_string()),
        }
    }
}

impl From<TransactionError> for SdkError {
    fn from(e: TransactionError) -> Self {
        SdkError::Transaction(Box::new(e))
    }
}

impl From<RuntimeError> for SdkError {
    fn from(e: RuntimeError) -> Self {
        match e {
            RuntimeError::Transaction(t) => t.into(),
            RuntimeError::ObjectNotFound(id) => SdkError::ObjectNotFound(id),
            other => SdkError::Node(other.to_string()),
        }
    }
}
