//! Programmable transaction blocks: inputs, commands, gas data, and the signed envelope.

use move_core_types::language_storage::TypeTag;
use serde::{Deserialize, Serialize};

use super::{salted_digest, Address, Digest, ObjectID, ObjectReference, SequenceNumber};
use crate::crypto::Signature;

/// A transaction input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CallArg {
    /// BCS bytes of a primitive value, string, or vector of them.
    Pure(Vec<u8>),
    /// An object.
    Object(ObjectArg),
}

/// How an object is named as an input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ObjectArg {
    /// An owned or immutable object at its current version and digest.
    ImmOrOwned(ObjectReference),
    /// A shared object by ID and the version at which it became shared.
    Shared {
        /// The object.
        id: ObjectID,
        /// The version at which it became shared.
        initial_shared_version: SequenceNumber,
        /// Whether the transaction may mutate it.
        mutable: bool,
    },
    /// An object sent to another object's address, to be taken with `transfer::receive`.
    Receiving(ObjectReference),
}

/// Where a command argument comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Argument {
    /// The gas coin (a `Coin<SUI>`); may be borrowed mutably or transferred.
    GasCoin,
    /// The i-th input.
    Input(u16),
    /// The single result of the i-th command.
    Result(u16),
    /// The j-th result of the i-th command.
    NestedResult(u16, u16),
}

/// A call to a public or entry Move function.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MoveCall {
    /// The package holding the module.
    pub package: ObjectID,
    /// Module name.
    pub module: String,
    /// Function name.
    pub function: String,
    /// Type arguments.
    pub type_arguments: Vec<TypeTag>,
    /// Arguments, in order, without the trailing `TxContext`.
    pub arguments: Vec<Argument>,
}

/// One step of a programmable transaction.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Command {
    /// Call a Move function.
    MoveCall(Box<MoveCall>),
    /// Send objects (each with `store`) to an address given as a pure argument.
    TransferObjects(Vec<Argument>, Argument),
    /// Split amounts off a coin; returns the new coins.
    SplitCoins(Argument, Vec<Argument>),
    /// Merge coins into the first one, deleting the others.
    MergeCoins(Argument, Vec<Argument>),
    /// Build a `vector<T>` from arguments; the type is needed only for an empty vector.
    MakeMoveVec(Option<TypeTag>, Vec<Argument>),
    /// Publish a package: module bytes and the IDs of the packages it depends on.
    /// Returns the package's `UpgradeCap`.
    Publish(Vec<Vec<u8>>, Vec<ObjectID>),
}

/// Inputs and commands, executed in order and atomically.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgrammableTransaction {
    /// Inputs the commands refer to by index.
    pub inputs: Vec<CallArg>,
    /// Commands, run one after another.
    pub commands: Vec<Command>,
}

/// What a transaction does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TransactionKind {
    /// A programmable transaction block.
    ProgrammableTransaction(ProgrammableTransaction),
}

/// How the transaction pays for gas.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GasData {
    /// Gas coins; the first is the gas coin, the others are merged into it.
    pub payment: Vec<ObjectReference>,
    /// Owner of the gas coins.
    pub owner: Address,
    /// Price of one gas unit, in MIST.
    pub price: u64,
    /// The most the transaction may spend, in MIST.
    pub budget: u64,
}

/// Until when a transaction may execute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TransactionExpiration {
    /// Valid in any epoch.
    None,
    /// Valid up to and including this epoch.
    Epoch(u64),
}

/// The signed content of a transaction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionData {
    /// What it does.
    pub kind: TransactionKind,
    /// Who sends it (and signs it).
    pub sender: Address,
    /// How it pays for gas.
    pub gas_data: GasData,
    /// When it stops being valid.
    pub expiration: TransactionExpiration,
}

impl TransactionData {
    /// The programmable transaction.
    pub fn programmable(&self) -> &ProgrammableTransaction {
        match &self.kind {
            TransactionKind::ProgrammableTransaction(p) => p,
        }
    }

    /// `blake2b("TransactionData::" ‖ bcs(self))`.
    pub fn digest(&self) -> Digest {
        salted_digest(
            "TransactionData::",
            &bcs::to_bytes(self).expect("transaction data serializes"),
        )
    }

    /// The 32 bytes Ed25519 signs: `blake2b([0,0,0] ‖ bcs(self))`.
    pub fn signing_digest(&self) -> [u8; 32] {
        let mut buf = vec![0u8, 0, 0];
        buf.extend(bcs::to_bytes(self).expect("transaction data serializes"));
        crate::crypto::blake2b256(&buf)
    }
}

/// A transaction with the signatures of its sender (and of the gas owner, when another account
/// sponsors it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedTransaction {
    /// The signed content.
    pub data: TransactionData,
    /// One signature per required signer.
    pub signatures: Vec<Signature>,
}

impl SignedTransaction {
    /// The transaction digest.
    pub fn digest(&self) -> Digest {
        self.data.digest()
    }
}
