//! BCS mirrors of the framework's and the identity package's structs, decoded from the
//! objects the chain stores (the layouts of `move/framework` and `move/identity`).

use super::*;

/// `sui::vec_map::VecMap<K, V>`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VecMap<K, V> {
    /// The entries, in insertion order.
    pub contents: Vec<Entry<K, V>>,
}

/// `sui::vec_map::Entry<K, V>`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry<K, V> {
    /// The key.
    pub key: K,
    /// The value.
    pub value: V,
}

/// `sui::vec_set::VecSet<K>`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VecSet<K> {
    /// The elements, in insertion order.
    pub contents: Vec<K>,
}

/// `sui::object_bag::ObjectBag`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectBag {
    /// The parent of the bag's dynamic object fields.
    pub id: ObjectID,
    /// The number of entries.
    pub size: u64,
}

/// `sui::dynamic_field::Field<Name, Value>`: the child object holding one dynamic field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field<Name, Value> {
    /// Derived from the parent and the name.
    pub id: ObjectID,
    /// The field's name.
    pub name: Name,
    /// Its value: for a dynamic object field, the ID of the child object.
    pub value: Value,
}

/// `sui::dynamic_object_field::Wrapper<Name>`: the name of a dynamic object field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wrapper<Name> {
    /// The name given to `dynamic_object_field::add`.
    pub name: Name,
}

/// `identity::multicontroller::Multicontroller<V>`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Multicontroller<V> {
    /// The identity holding it.
    pub owner: ObjectID,
    /// Voting power a proposal needs.
    pub threshold: u64,
    /// `ControllerCap` ID -> voting power.
    pub controllers: VecMap<ObjectID, u64>,
    /// The controlled value.
    pub controlled_value: V,
    /// Open proposals, oldest first.
    pub active_proposals: Vec<ObjectID>,
    /// The creating controller of each open proposal, at the same index.
    pub proposal_creators: Vec<ObjectID>,
    /// The proposals themselves.
    pub proposals: ObjectBag,
    /// Revoked delegation tokens.
    pub revoked_tokens: VecSet<ObjectID>,
    /// Live delegation tokens minted by the identity -> the cap each acts for.
    pub tokens: VecMap<ObjectID, ObjectID>,
}

/// `identity::identity::Identity`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityObject {
    /// The identity's ID.
    pub id: ObjectID,
    /// The DID document under multi-controller governance.
    pub did_doc: Multicontroller<Option<Vec<u8>>>,
    /// Clock ms at creation.
    pub created: u64,
    /// Clock ms of the last document change.
    pub updated: u64,
    /// Package version of the layout.
    pub version: u64,
    /// Whether the identity was deleted.
    pub deleted: bool,
    /// Whether the document was deleted.
    pub deleted_did: bool,
    /// The document's version number (1 as created, +1 per change).
    pub doc_version: u64,
}

impl IdentityObject {
    /// Controllers as `ControllerCap` ID -> voting power.
    pub fn controllers(&self) -> BTreeMap<ObjectID, u64> {
        self.did_doc
            .controllers
            .contents
            .iter()
            .map(|e| (e.key, e.value))
            .collect()
    }

    /// The threshold.
    pub fn threshold(&self) -> u64 {
        self.did_doc.threshold
    }

    /// The DID document: `Some(bytes)`, `Some([])` if deactivated, `None` if deleted.
    pub fn document(&self) -> &Option<Vec<u8>> {
        &self.did_doc.controlled_value
    }

    /// Open proposals, oldest first.
    pub fn active_proposals(&self) -> &[ObjectID] {
        &self.did_doc.active_proposals
    }
}

/// `identity::multicontroller::Proposal<T>`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal<T> {
    /// The proposal's ID.
    pub id: ObjectID,
    /// Voting power when its votes last changed (informational).
    pub votes: u64,
    /// The `ControllerCap` IDs that approved it.
    pub voters: VecSet<ObjectID>,
    /// The `ControllerCap` IDs that rejected it.
    pub rejecters: VecSet<ObjectID>,
    /// Last epoch in which it can be approved or executed.
    pub expiration_epoch: Option<u64>,
    /// The proposed action.
    pub action: T,
}

/// `identity::did_proposal::UpdateDid`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateDid {
    /// The document the proposal sets.
    pub doc: Option<Vec<u8>>,
}

/// `identity::config_proposal::ConfigChange`, also the arguments of `propose_config_change`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigChange {
    /// New threshold; none keeps the current one.
    pub threshold: Option<u64>,
    /// Addresses of new controllers ...
    pub add_addresses: Vec<Address>,
    /// ... their voting power ...
    pub add_voting_powers: Vec<u64>,
    /// ... and right to delegate.
    pub add_can_delegate: Vec<bool>,
    /// `ControllerCap` IDs to remove.
    pub remove: Vec<ObjectID>,
    /// `ControllerCap` IDs whose voting power changes ...
    pub update_ids: Vec<ObjectID>,
    /// ... to these values.
    pub update_voting_powers: Vec<u64>,
}

impl ConfigChange {
    /// Adds one controller.
    pub fn add(address: Address, voting_power: u64) -> Self {
        ConfigChange {
            add_addresses: vec![address],
            add_voting_powers: vec![voting_power],
            add_can_delegate: vec![false],
            ..Default::default()
        }
    }

    /// Removes one controller.
    pub fn remove(cap: ObjectID) -> Self {
        ConfigChange {
            remove: vec![cap],
            ..Default::default()
        }
    }

    /// Sets one controller's voting power.
    pub fn set_voting_power(cap: ObjectID, voting_power: u64) -> Self {
        ConfigChange {
            update_ids: vec![cap],
            update_voting_powers: vec![voting_power],
            ..Default::default()
        }
    }

    /// Sets the threshold.
    pub fn threshold(threshold: u64) -> Self {
        ConfigChange {
            threshold: Some(threshold),
            ..Default::default()
        }
    }
}

/// `identity::controller::ControllerCap`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControllerCap {
    /// The cap's ID: the controller's name in the identity.
    pub id: ObjectID,
    /// The identity it controls.
    pub controller_of: ObjectID,
    /// Whether it may mint delegation tokens.
    pub can_delegate: bool,
}
