//! Objects: Move values and packages stored by ID, with an owner and a version.

use crate::types::salted_digest;
use std::collections::BTreeMap;

use move_core_types::language_storage::StructTag;
use serde::{Deserialize, Serialize};

use super::{Address, Digest, ObjectID, ObjectReference, SequenceNumber};

/// Who may use an object as a transaction input, and how.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Owner {
    /// Owned by an account: only that account may name it as an input.
    AddressOwner(Address),
    /// A dynamic field or child object of another object; never a transaction input.
    ObjectOwner(Address),
    /// Shared: anyone may use it, by ID and initial shared version.
    Shared {
        /// The version at which the object became shared.
        initial_shared_version: SequenceNumber,
    },
    /// Frozen: anyone may read it, nobody may change it.
    Immutable,
}

impl Owner {
    /// The owning address for address- or object-owned objects.
    pub fn address(&self) -> Option<Address> {
        match self {
            Owner::AddressOwner(a) | Owner::ObjectOwner(a) => Some(*a),
            _ => None,
        }
    }

    /// Whether this is a shared object.
    pub fn is_shared(&self) -> bool {
        matches!(self, Owner::Shared { .. })
    }
}

/// A Move struct value stored as an object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoveObject {
    /// The struct type.
    pub type_: StructTag,
    /// Whether the type has `store`, so `public_transfer` and `TransferObjects` may move it.
    pub has_public_transfer: bool,
    /// The object's version.
    pub version: SequenceNumber,
    /// BCS of the Move struct; begins with the 32-byte object ID.
    pub contents: Vec<u8>,
}

impl MoveObject {
    /// The ID held in the first 32 bytes of the contents.
    pub fn id(&self) -> ObjectID {
        ObjectID::from_bytes(&self.contents[..32]).expect("object contents start with a 32-byte ID")
    }
}

/// A published Move package: its modules by name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MovePackage {
    /// The package ID, which is also the address of its modules.
    pub id: ObjectID,
    /// The package version (1 when first published).
    pub version: SequenceNumber,
    /// Module name to serialized bytecode.
    pub modules: BTreeMap<String, Vec<u8>>,
}

/// The data of an object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Data {
    /// A Move struct value.
    Move(MoveObject),
    /// A package of Move modules.
    Package(MovePackage),
}

/// An object: data, owner, the transaction that last wrote it and the storage rebate it carries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Object {
    /// The Move value or package.
    pub data: Data,
    /// Who owns it.
    pub owner: Owner,
    /// Digest of the transaction that last wrote it.
    pub previous_transaction: Digest,
    /// Refunded (99%) when the object is mutated or deleted.
    pub storage_rebate: u64,
}

impl Object {
    /// A new Move object.
    pub fn new_move(move_object: MoveObject, owner: Owner, previous_transaction: Digest) -> Self {
        Object {
            data: Data::Move(move_object),
            owner,
            previous_transaction,
            storage_rebate: 0,
        }
    }

    /// The object's ID.
    pub fn id(&self) -> ObjectID {
        match &self.data {
            Data::Move(m) => m.id(),
            Data::Package(p) => p.id,
        }
    }

    /// The object's version.
    pub fn version(&self) -> SequenceNumber {
        match &self.data {
            Data::Move(m) => m.version,
            Data::Package(p) => p.version,
        }
    }

    /// Sets the version of the object.
    pub fn set_version(&mut self, v: SequenceNumber) {
        match &mut self.data {
            Data::Move(m) => m.version = v,
            Data::Package(p) => p.version = v,
        }
    }

    /// `blake2b("Object::" ‖ bcs(object))`.
    pub fn digest(&self) -> Digest {
        salted_digest("Object::", &bcs::to_bytes(self).expect("objects serialize"))
    }

    /// The reference an owned input must quote.
    pub fn object_ref(&self) -> ObjectReference {
        ObjectReference::new(self.id(), self.version(), self.digest())
    }

    /// The Move value, if this is not a package.
    pub fn as_move(&self) -> Option<&MoveObject> {
        match &self.data {
            Data::Move(m) => Some(m),
            Data::Package(_) => None,
        }
    }

    /// The package, if this is one.
    pub fn as_package(&self) -> Option<&MovePackage> {
        match &self.data {
            Data::Package(p) => Some(p),
            Data::Move(_) => None,
        }
    }

    /// The Move type, if this is a Move value.
    pub fn type_(&self) -> Option<&StructTag> {
        self.as_move().map(|m| &m.type_)
    }

    /// Size in bytes that storage is charged for.
    pub fn storage_size(&self) -> usize {
        match &self.data {
            Data::Move(m) => m.contents.len() + 64,
            Data::Package(p) => p.modules.values().map(Vec::len).sum::<usize>() + 64,
        }
    }
}
