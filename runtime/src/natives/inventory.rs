//! The inventories of `sui::test_scenario`: the objects a simulated transaction left with each
//! address, shared or frozen, held between transactions of one Move unit test. The object
//! runtime owns them (under the unit-test runner only); `test_scenario`'s natives and the
//! runtime's `receive` read and change them, so both depend on this module and neither on the
//! other.

use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;
use move_core_types::language_storage::StructTag;

use crate::types::{Address, ObjectID};

/// An object in an inventory: its type and BCS.
pub(crate) type Stored = (StructTag, Vec<u8>);

/// Objects held between simulated transactions.
#[derive(Default)]
pub struct Inventory {
    pub(crate) by_address: BTreeMap<Address, IndexMap<ObjectID, Stored>>,
    pub(crate) shared: IndexMap<ObjectID, Stored>,
    pub(crate) immutable: IndexMap<ObjectID, Stored>,
    pub(crate) taken_from_address: BTreeMap<ObjectID, Address>,
    pub(crate) taken_shared: BTreeSet<ObjectID>,
    pub(crate) taken_immutable: BTreeSet<ObjectID>,
    /// Every object ID seen, to tell transfers to objects from transfers to accounts.
    pub(crate) known_objects: BTreeSet<ObjectID>,
    /// Objects with a receiving ticket out in this transaction: they stay in their inventory
    /// but cannot be taken or ticketed again until received or the ticket is returned.
    pub(crate) ticketed: BTreeSet<ObjectID>,
}
