//! Turning a run into writes, effects, gas and events, on success and on failure.

use super::*;

/// References of objects that stopped existing on their own at `version` (the digest of a
/// removed object is zero, as there is no object to hash).
fn tombstones(
    ids: impl Iterator<Item = ObjectID>,
    version: SequenceNumber,
) -> Vec<ObjectReference> {
    ids.map(|id| ObjectReference::new(id, version, Digest::ZERO))
        .collect()
}

pub(super) fn failed_output(
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
        mutated: vec![gas_ref.clone()],
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
pub(super) fn smash_gas(tx: &CheckedTransaction) -> (Object, Vec<Object>, u64) {
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

fn shared_refs(tx: &CheckedTransaction) -> Vec<ObjectReference> {
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

impl<'r, 'l> Run<'r, 'l> {
    /// Turns the run into writes and effects.
    #[allow(clippy::result_large_err)]
    pub(super) fn finish(&mut self, tx: &CheckedTransaction) -> Result<ExecutionOutput, Failure> {
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
        let mut before: BTreeMap<ObjectID, (ObjectReference, Owner, u64)> = BTreeMap::new();
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
            before.insert(*id, (l.object_ref.clone(), l.owner, l.storage_rebate));
        }
        // Children and received objects loaded during execution count as inputs too.
        let lamport = before
            .values()
            .map(|(r, _, _)| r.version() + 1)
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
                        writes.push((id, type_, contents, Owner::ObjectOwner(parent)));
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
        mutated.push(gas_ref.clone());
        objects.push(gas_obj);
        // Events.
        let events: Vec<Event> = rt
            .events
            .iter()
            .map(|(type_, contents, source)| {
                let info = self.event_sources.get(*source);
                Event {
                    package_id: info.map(|i| i.package).unwrap_or(ObjectID::ZERO),
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
