//! The per-transaction object runtime, held in the VM's native extensions.
//!
//! Natives record here what Move code does to objects: IDs created and deleted, objects
//! transferred, shared or frozen (with their final bytes), events, child objects of dynamic
//! fields (loaded lazily from the store and cached as VM global values so Move can borrow them),
//! and objects received from an object's address. The adapter reads all of it when the
//! transaction's commands are done and turns it into writes and effects.

use std::collections::BTreeMap;

use better_any::{Tid, TidAble};
use indexmap::{IndexMap, IndexSet};
use move_binary_format::errors::{PartialVMError, PartialVMResult};
use move_core_types::language_storage::{StructTag, TypeTag};
use move_core_types::value::MoveTypeLayout;
use move_core_types::vm_status::StatusCode;
use move_vm_types::values::{GlobalValue, StructRef, Value};

use crate::types::{Address, Digest, Object, ObjectID, ObjectReference, Owner, SequenceNumber};

/// Read access to stored objects, for loading child objects and received objects.
pub trait ObjectResolver {
    /// The latest version of an object, if it exists.
    fn get_object(&self, id: &ObjectID) -> Option<Object>;

    /// Whether a struct type has exactly the `drop` ability and no others (for one-time
    /// witnesses); `None` when the type's module is unknown.
    fn is_drop_only(&self, _tag: &StructTag) -> Option<bool> {
        None
    }
}

/// A resolver with no objects (used by the Move unit-test runner).
pub struct EmptyResolver;

impl ObjectResolver for EmptyResolver {
    fn get_object(&self, _id: &ObjectID) -> Option<Object> {
        None
    }
}

/// Where a transferred object went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NewOwner {
    /// To an account or an object's address.
    Address(Address),
    /// Shared.
    Shared,
    /// Frozen.
    Immutable,
}

/// An object that left Move through a transfer, share or freeze.
#[derive(Clone, Debug)]
pub struct Transferred {
    /// The new owner.
    pub owner: NewOwner,
    /// The struct type.
    pub type_: StructTag,
    /// BCS contents.
    pub contents: Vec<u8>,
}

/// What an object was when the runtime loaded it from the store.
#[derive(Clone, Debug)]
pub struct LoadedObject {
    /// Its reference at load time.
    pub object_ref: ObjectReference,
    /// Its owner at load time.
    pub owner: Owner,
    /// Its storage rebate.
    pub storage_rebate: u64,
    /// The transaction that wrote it.
    pub previous_transaction: Digest,
}

struct ChildObject {
    parent: ObjectID,
    type_: StructTag,
    layout: MoveTypeLayout,
    value: GlobalValue,
}

/// The final state of a child object the transaction touched.
#[derive(Clone, Debug)]
pub enum ChildEffect {
    /// The child exists under `parent` with these contents (new, or possibly changed).
    Write {
        /// The object.
        id: ObjectID,
        /// Its parent (owner).
        parent: ObjectID,
        /// The struct type.
        type_: StructTag,
        /// BCS contents.
        contents: Vec<u8>,
        /// Whether Move may have changed it (fresh, mutated, or moved to another parent).
        changed: bool,
    },
    /// The child was taken out of its parent (removed): it was transferred, wrapped or deleted.
    Removed {
        /// The object.
        id: ObjectID,
    },
}

/// Limits the runtime enforces on one transaction.
#[derive(Clone, Copy, Debug)]
pub struct RuntimeLimits {
    /// Most events one transaction may emit.
    pub max_events: usize,
    /// Largest event, in bytes.
    pub max_event_size: usize,
    /// Most child objects one transaction may load; children it added count too. Loading one
    /// more stops the transaction with `ExecutionFailure::LimitExceeded`.
    pub max_loaded_children: usize,
}

impl Default for RuntimeLimits {
    fn default() -> Self {
        RuntimeLimits {
            max_events: 1024,
            max_event_size: 256 * 1024,
            max_loaded_children: 1024,
        }
    }
}

/// The object runtime. One per transaction (or per Move unit test).
#[derive(Tid)]
pub struct ObjectRuntime<'a> {
    resolver: &'a dyn ObjectResolver,
    /// IDs created in this transaction, in creation order (kept even if later deleted).
    pub new_ids: IndexSet<ObjectID>,
    /// IDs deleted that were not created in this transaction.
    pub deleted_ids: IndexSet<ObjectID>,
    /// Objects transferred, shared or frozen, by ID (the last transfer wins).
    pub transfers: IndexMap<ObjectID, Transferred>,
    /// Events: type and BCS contents, with the index of the event source (the module the
    /// adapter was running when they were emitted).
    pub events: Vec<(StructTag, Vec<u8>, usize)>,
    /// Objects loaded from the store (children and received objects) with their state then.
    pub loaded: BTreeMap<ObjectID, LoadedObject>,
    /// Receiving inputs the transaction named: object -> version.
    pub receivable: BTreeMap<ObjectID, SequenceNumber>,
    /// IDs received in this transaction.
    pub received: IndexSet<ObjectID>,
    /// The adapter's current event source, recorded with each event.
    pub event_source: usize,
    children: BTreeMap<ObjectID, ChildObject>,
    limits: RuntimeLimits,
    /// State of `test_scenario`, present only under the unit-test runner.
    pub(crate) test: Option<Box<super::inventory::Inventory>>,
}

/// Abort codes of `sui::dynamic_field`, raised by its natives (Sui's codes).
pub mod field_codes {
    /// A field with that name already exists.
    pub const E_FIELD_ALREADY_EXISTS: u64 = 0;
    /// No field with that name exists.
    pub const E_FIELD_DOES_NOT_EXIST: u64 = 1;
    /// The field exists with a different type.
    pub const E_FIELD_TYPE_MISMATCH: u64 = 2;
}

/// Abort codes of `sui::transfer::receive`.
pub mod receive_codes {
    /// The object is not owned by the parent, not at the named version, or not named as a
    /// `Receiving` input.
    pub const E_UNABLE_TO_RECEIVE: u64 = 1;
    /// The received object has another type.
    pub const E_RECEIVE_TYPE_MISMATCH: u64 = 2;
}

/// A native-level abort, carrying the code the Move caller sees.
pub enum NativeOutcome<T> {
    /// The operation succeeded.
    Ok(T),
    /// The native aborts with this code.
    Abort(u64),
}

fn invariant(msg: &str) -> PartialVMError {
    PartialVMError::new(StatusCode::UNKNOWN_INVARIANT_VIOLATION_ERROR).with_message(msg.to_string())
}

impl<'a> ObjectRuntime<'a> {
    /// A runtime reading objects through `resolver`.
    pub fn new(resolver: &'a dyn ObjectResolver, limits: RuntimeLimits) -> Self {
        ObjectRuntime {
            resolver,
            new_ids: IndexSet::new(),
            deleted_ids: IndexSet::new(),
            transfers: IndexMap::new(),
            events: vec![],
            loaded: BTreeMap::new(),
            receivable: BTreeMap::new(),
            received: IndexSet::new(),
            event_source: 0,
            children: BTreeMap::new(),
            limits,
            test: None,
        }
    }

    /// A runtime for Move unit tests: no store, with `test_scenario` inventories.
    pub fn for_unit_tests() -> ObjectRuntime<'static> {
        static EMPTY: EmptyResolver = EmptyResolver;
        let mut rt = ObjectRuntime::new(
            &EMPTY,
            RuntimeLimits {
                max_events: usize::MAX,
                ..Default::default()
            },
        );
        rt.test = Some(Box::default());
        rt
    }

    /// Records an ID created by `object::new`.
    pub fn record_new_id(&mut self, id: ObjectID) {
        self.new_ids.insert(id);
    }

    /// Records a deleted UID.
    pub fn record_deleted_id(&mut self, id: ObjectID) {
        // Kept even for IDs created in this transaction, so the adapter can tell a deletion
        // from a wrap.
        self.deleted_ids.insert(id);
    }

    /// Records a transfer, share or freeze.
    pub fn record_transfer(
        &mut self,
        id: ObjectID,
        owner: NewOwner,
        type_: StructTag,
        contents: Vec<u8>,
    ) {
        self.transfers.insert(
            id,
            Transferred {
                owner,
                type_,
                contents,
            },
        );
    }

    /// Records an event, enforcing the per-transaction limits.
    pub fn record_event(&mut self, type_: StructTag, contents: Vec<u8>) -> Result<(), u64> {
        if self.events.len() >= self.limits.max_events
            || contents.len() > self.limits.max_event_size
        {
            return Err(0);
        }
        self.events.push((type_, contents, self.event_source));
        Ok(())
    }

    fn load_child(
        &mut self,
        parent: ObjectID,
        id: ObjectID,
        type_: &StructTag,
        layout: &MoveTypeLayout,
    ) -> PartialVMResult<NativeOutcome<()>> {
        if let Some(child) = self.children.get(&id) {
            if child.parent != parent || !child.value.exists()? {
                return Ok(NativeOutcome::Abort(field_codes::E_FIELD_DOES_NOT_EXIST));
            }
            if &child.type_ != type_ {
                return Ok(NativeOutcome::Abort(field_codes::E_FIELD_TYPE_MISMATCH));
            }
            return Ok(NativeOutcome::Ok(()));
        }
        if self.test.is_some() {
            return Ok(NativeOutcome::Abort(field_codes::E_FIELD_DOES_NOT_EXIST));
        }
        if self.children.len() >= self.limits.max_loaded_children {
            return Err(super::limit_exceeded(format!(
                "more than {} child objects loaded in one transaction",
                self.limits.max_loaded_children
            )));
        }
        let Some(obj) = self.resolver.get_object(&id) else {
            return Ok(NativeOutcome::Abort(field_codes::E_FIELD_DOES_NOT_EXIST));
        };
        if obj.owner != Owner::ObjectOwner(parent) {
            return Ok(NativeOutcome::Abort(field_codes::E_FIELD_DOES_NOT_EXIST));
        }
        let Some(m) = obj.as_move() else {
            return Ok(NativeOutcome::Abort(field_codes::E_FIELD_DOES_NOT_EXIST));
        };
        if &m.type_ != type_ {
            return Ok(NativeOutcome::Abort(field_codes::E_FIELD_TYPE_MISMATCH));
        }
        let value = Value::simple_deserialize(&m.contents, layout)
            .ok_or_else(|| invariant("stored child object does not match its type layout"))?;
        self.loaded.insert(
            id,
            LoadedObject {
                object_ref: obj.object_ref(),
                owner: obj.owner,
                storage_rebate: obj.storage_rebate,
                previous_transaction: obj.previous_transaction,
            },
        );
        self.children.insert(
            id,
            ChildObject {
                parent,
                type_: type_.clone(),
                layout: layout.clone(),
                value: GlobalValue::cached(value)?,
            },
        );
        Ok(NativeOutcome::Ok(()))
    }

    /// Adds `child` under `parent`; aborts if a child with that ID exists.
    pub fn add_child(
        &mut self,
        parent: ObjectID,
        id: ObjectID,
        type_: StructTag,
        layout: MoveTypeLayout,
        child: Value,
    ) -> PartialVMResult<NativeOutcome<()>> {
        if self.child_exists(parent, id, None)? {
            return Ok(NativeOutcome::Abort(field_codes::E_FIELD_ALREADY_EXISTS));
        }
        let mut value = match self.children.remove(&id) {
            // A removed child (or one under another parent) is replaced in place.
            Some(c) if !c.value.exists()? => c.value,
            _ => GlobalValue::none(),
        };
        value.move_to(child).map_err(|(e, _)| e)?;
        self.children.insert(
            id,
            ChildObject {
                parent,
                type_,
                layout,
                value,
            },
        );
        Ok(NativeOutcome::Ok(()))
    }

    /// Whether `parent` has a child `id` (of type `type_`, when given).
    pub fn child_exists(
        &mut self,
        parent: ObjectID,
        id: ObjectID,
        type_: Option<&StructTag>,
    ) -> PartialVMResult<bool> {
        if let Some(c) = self.children.get(&id) {
            return Ok(c.parent == parent
                && c.value.exists()?
                && type_.is_none_or(|t| &c.type_ == t));
        }
        if self.test.is_some() {
            return Ok(false);
        }
        Ok(match self.resolver.get_object(&id) {
            Some(o) if o.owner == Owner::ObjectOwner(parent) => {
                type_.is_none_or(|t| o.type_() == Some(t))
            }
            _ => false,
        })
    }

    /// A reference to child `id` of `parent`, loading it if needed.
    pub fn borrow_child(
        &mut self,
        parent: ObjectID,
        id: ObjectID,
        type_: &StructTag,
        layout: &MoveTypeLayout,
    ) -> PartialVMResult<NativeOutcome<Value>> {
        match self.load_child(parent, id, type_, layout)? {
            NativeOutcome::Abort(c) => Ok(NativeOutcome::Abort(c)),
            NativeOutcome::Ok(()) => {
                let child = self.children.get(&id).expect("just loaded");
                Ok(NativeOutcome::Ok(child.value.borrow_global()?))
            }
        }
    }

    /// Takes child `id` out of `parent`.
    pub fn remove_child(
        &mut self,
        parent: ObjectID,
        id: ObjectID,
        type_: &StructTag,
        layout: &MoveTypeLayout,
    ) -> PartialVMResult<NativeOutcome<Value>> {
        match self.load_child(parent, id, type_, layout)? {
            NativeOutcome::Abort(c) => Ok(NativeOutcome::Abort(c)),
            NativeOutcome::Ok(()) => {
                let child = self.children.get_mut(&id).expect("just loaded");
                Ok(NativeOutcome::Ok(child.value.move_from()?))
            }
        }
    }

    /// Loads an object sent to `parent`'s address, for `transfer::receive`.
    pub fn receive(
        &mut self,
        parent: ObjectID,
        id: ObjectID,
        version: SequenceNumber,
        type_: &StructTag,
        layout: &MoveTypeLayout,
    ) -> PartialVMResult<NativeOutcome<Value>> {
        if self.test.is_some() {
            return self.receive_from_inventory(parent, id, type_, layout);
        }
        if self.receivable.get(&id) != Some(&version) || self.received.contains(&id) {
            return Ok(NativeOutcome::Abort(receive_codes::E_UNABLE_TO_RECEIVE));
        }
        let Some(obj) = self.resolver.get_object(&id) else {
            return Ok(NativeOutcome::Abort(receive_codes::E_UNABLE_TO_RECEIVE));
        };
        if obj.owner != Owner::AddressOwner(parent) || obj.version() != version {
            return Ok(NativeOutcome::Abort(receive_codes::E_UNABLE_TO_RECEIVE));
        }
        let Some(m) = obj.as_move() else {
            return Ok(NativeOutcome::Abort(receive_codes::E_UNABLE_TO_RECEIVE));
        };
        if &m.type_ != type_ {
            return Ok(NativeOutcome::Abort(receive_codes::E_RECEIVE_TYPE_MISMATCH));
        }
        let value = Value::simple_deserialize(&m.contents, layout)
            .ok_or_else(|| invariant("stored object does not match its type layout"))?;
        self.loaded.insert(
            id,
            LoadedObject {
                object_ref: obj.object_ref(),
                owner: obj.owner,
                storage_rebate: obj.storage_rebate,
                previous_transaction: obj.previous_transaction,
            },
        );
        self.received.insert(id);
        Ok(NativeOutcome::Ok(value))
    }

    /// The final state of every child object touched, consuming the cache.
    pub fn finish_children(&mut self) -> PartialVMResult<Vec<ChildEffect>> {
        let children = std::mem::take(&mut self.children);
        let mut out = Vec::with_capacity(children.len());
        for (id, child) in children {
            let was_loaded = self.loaded.get(&id).map(|l| l.owner);
            if child.value.exists()? {
                let moved = was_loaded != Some(Owner::ObjectOwner(child.parent));
                let changed = moved || child.value.is_mutated();
                let reference = child.value.borrow_global()?;
                let value = reference.value_as::<StructRef>()?.read_ref()?;
                let contents = value
                    .simple_serialize(&child.layout)
                    .ok_or_else(|| invariant("child object does not serialize"))?;
                out.push(ChildEffect::Write {
                    id,
                    parent: child.parent,
                    type_: child.type_,
                    contents,
                    changed,
                });
            } else if was_loaded.is_some() {
                out.push(ChildEffect::Removed { id });
            }
        }
        Ok(out)
    }

    /// `transfer::receive` under the unit-test runner: takes the object from the inventory of the
    /// parent's address.
    fn receive_from_inventory(
        &mut self,
        parent: ObjectID,
        id: ObjectID,
        tag: &StructTag,
        layout: &MoveTypeLayout,
    ) -> PartialVMResult<NativeOutcome<Value>> {
        let inv = self.test.as_deref_mut().expect("test mode");
        let Some(map) = inv.by_address.get_mut(&parent) else {
            return Ok(NativeOutcome::Abort(receive_codes::E_UNABLE_TO_RECEIVE));
        };
        match map.get(&id) {
            None => Ok(NativeOutcome::Abort(receive_codes::E_UNABLE_TO_RECEIVE)),
            Some((t, _)) if t != tag => {
                Ok(NativeOutcome::Abort(receive_codes::E_RECEIVE_TYPE_MISMATCH))
            }
            Some(_) => {
                let (_, bytes) = map.shift_remove(&id).expect("present");
                inv.ticketed.remove(&id);
                let v = Value::simple_deserialize(&bytes, layout)
                    .ok_or_else(|| invariant("bad inventory object"))?;
                Ok(NativeOutcome::Ok(v))
            }
        }
    }

    /// Resets per-transaction records (used between `test_scenario` transactions).
    pub(crate) fn take_transaction_records(&mut self) -> TransactionRecords {
        TransactionRecords {
            new_ids: std::mem::take(&mut self.new_ids),
            deleted_ids: std::mem::take(&mut self.deleted_ids),
            transfers: std::mem::take(&mut self.transfers),
            events: std::mem::take(&mut self.events),
        }
    }

    pub(crate) fn is_drop_only(&self, tag: &StructTag) -> Option<bool> {
        self.resolver.is_drop_only(tag)
    }
}

/// What one `test_scenario` transaction recorded.
pub(crate) struct TransactionRecords {
    pub new_ids: IndexSet<ObjectID>,
    pub deleted_ids: IndexSet<ObjectID>,
    pub transfers: IndexMap<ObjectID, Transferred>,
    pub events: Vec<(StructTag, Vec<u8>, usize)>,
}

/// A struct type tag from a type tag, or an invariant error.
pub(crate) fn expect_struct(tag: TypeTag) -> PartialVMResult<StructTag> {
    match tag {
        TypeTag::Struct(s) => Ok(s),
        other => Err(invariant(&format!("expected a struct type, got {other}"))),
    }
}
