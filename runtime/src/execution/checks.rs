//! Input checks: everything about a transaction that can be refused before it runs (shape
//! limits, gas data, expiration, and each input object's existence, owner, version, digest and
//! shared version). A refusal here is a `TransactionError`: free and unrecorded.

use super::*;

/// How an input object may be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Mode {
    Owned,
    SharedMutable,
    SharedReadOnly,
    Immutable,
}

/// An input object as checked and loaded.
#[derive(Clone, Debug)]
pub struct LoadedInput {
    pub(super) object: Object,
    pub(super) mode: Mode,
}

/// A transaction whose inputs passed every check, with the objects loaded.
#[derive(Clone, Debug)]
pub struct CheckedTransaction {
    /// The transaction data.
    pub data: TransactionData,
    /// Its digest.
    pub digest: Digest,
    pub(super) inputs: Vec<Option<LoadedInput>>,
    pub(super) gas: Vec<Object>,
}

impl CheckedTransaction {
    /// IDs of the objects the transaction reads or writes (for scheduling).
    pub fn input_ids(&self) -> Vec<ObjectID> {
        self.inputs
            .iter()
            .flatten()
            .map(|i| i.object.id())
            .chain(self.gas.iter().map(Object::id))
            .collect()
    }
}

fn owner_kind(o: &Owner) -> &'static str {
    match o {
        Owner::AddressOwner(_) => "address-owned",
        Owner::ObjectOwner(_) => "object-owned",
        Owner::Shared { .. } => "shared",
        Owner::Immutable => "immutable",
    }
}

/// Runs every check that needs no execution: shape limits, gas data, expiration, and each
/// input object (existence, owner, version and digest, shared version, duplicates).
/// Signatures are checked by the caller.
pub fn check_transaction(
    store: &dyn Store,
    data: &TransactionData,
    epoch: u64,
) -> Result<CheckedTransaction, TransactionError> {
    let ptb = data.programmable();
    let size =
        bcs::serialized_size(data).map_err(|e| TransactionError::Malformed(e.to_string()))?;
    if size > limits::MAX_TX_SIZE {
        return Err(TransactionError::LimitExceeded(format!(
            "the transaction is {size} bytes (at most {})",
            limits::MAX_TX_SIZE
        )));
    }
    if ptb.commands.len() > limits::MAX_COMMANDS {
        return Err(TransactionError::LimitExceeded(format!(
            "{} commands (at most {})",
            ptb.commands.len(),
            limits::MAX_COMMANDS
        )));
    }
    if ptb.inputs.len() > limits::MAX_INPUTS {
        return Err(TransactionError::LimitExceeded(format!(
            "{} inputs (at most {})",
            ptb.inputs.len(),
            limits::MAX_INPUTS
        )));
    }
    if let TransactionExpiration::Epoch(e) = data.expiration {
        if epoch > e {
            return Err(TransactionError::Expired {
                expiration: e,
                epoch,
            });
        }
    }
    let g = &data.gas_data;
    if g.budget < gas::MIN_GAS_BUDGET || g.budget > gas::MAX_GAS_BUDGET {
        return Err(TransactionError::GasBudgetOutOfRange {
            budget: g.budget,
            min: gas::MIN_GAS_BUDGET,
            max: gas::MAX_GAS_BUDGET,
        });
    }
    if g.price < gas::MIN_GAS_PRICE {
        return Err(TransactionError::GasPriceTooLow {
            price: g.price,
            min: gas::MIN_GAS_PRICE,
        });
    }
    if g.payment.is_empty() {
        return Err(TransactionError::MissingGas);
    }
    if g.payment.len() > limits::MAX_GAS_PAYMENT_OBJECTS {
        return Err(TransactionError::LimitExceeded(format!(
            "{} gas coins",
            g.payment.len()
        )));
    }
    let mut seen = BTreeSet::new();
    let load = |id: &ObjectID| -> Result<Object, TransactionError> {
        store
            .get_object(id)
            .map_err(|e| TransactionError::Malformed(e.to_string()))?
            .ok_or(TransactionError::ObjectNotFound(*id))
    };
    let check_owned =
        |oref: &ObjectReference, owner_ok: Address| -> Result<Object, TransactionError> {
            let obj = load(oref.object_id())?;
            let current = obj.object_ref();
            match obj.owner {
                Owner::AddressOwner(a) if a != owner_ok => {
                    return Err(TransactionError::NotOwner {
                        id: *oref.object_id(),
                        owner: a.to_string(),
                        sender: owner_ok,
                    })
                }
                Owner::ObjectOwner(_) => {
                    return Err(TransactionError::ObjectOwnedByObject(*oref.object_id()))
                }
                Owner::Shared { .. } => {
                    return Err(TransactionError::WrongOwnershipKind {
                        id: *oref.object_id(),
                        actual: "shared".into(),
                        named: "owned".into(),
                    })
                }
                _ => {}
            }
            if current.version() != oref.version() || current.digest() != oref.digest() {
                return Err(TransactionError::StaleObject {
                    given: Box::new(oref.clone()),
                    current: Box::new(current),
                });
            }
            Ok(obj)
        };
    let mut inputs = Vec::with_capacity(ptb.inputs.len());
    for input in &ptb.inputs {
        match input {
            CallArg::Pure(b) => {
                if b.len() > limits::MAX_PURE_SIZE {
                    return Err(TransactionError::LimitExceeded(format!(
                        "pure input of {} bytes",
                        b.len()
                    )));
                }
                inputs.push(None)
            }
            CallArg::Object(arg) => {
                let id = match arg {
                    ObjectArg::ImmOrOwned(r) | ObjectArg::Receiving(r) => *r.object_id(),
                    ObjectArg::Shared { id, .. } => *id,
                };
                if !seen.insert(id) {
                    return Err(TransactionError::DuplicateInput(id));
                }
                match arg {
                    ObjectArg::ImmOrOwned(r) => {
                        let obj = check_owned(r, data.sender)?;
                        let mode = if obj.owner == Owner::Immutable {
                            Mode::Immutable
                        } else {
                            Mode::Owned
                        };
                        inputs.push(Some(LoadedInput { object: obj, mode }));
                    }
                    ObjectArg::Shared {
                        id,
                        initial_shared_version,
                        mutable,
                    } => {
                        let obj = load(id)?;
                        match obj.owner {
                            Owner::Shared {
                                initial_shared_version: actual,
                            } => {
                                if actual != *initial_shared_version {
                                    return Err(TransactionError::SharedVersionMismatch {
                                        id: *id,
                                        given: *initial_shared_version,
                                        actual,
                                    });
                                }
                            }
                            Owner::Immutable if *mutable => {
                                return Err(TransactionError::ImmutableUsedMutably(*id))
                            }
                            Owner::Immutable => {}
                            other => {
                                return Err(TransactionError::WrongOwnershipKind {
                                    id: *id,
                                    actual: owner_kind(&other).into(),
                                    named: "shared".into(),
                                })
                            }
                        }
                        let mode = match (obj.owner, mutable) {
                            (Owner::Immutable, _) => Mode::Immutable,
                            (_, true) => Mode::SharedMutable,
                            (_, false) => Mode::SharedReadOnly,
                        };
                        inputs.push(Some(LoadedInput { object: obj, mode }));
                    }
                    ObjectArg::Receiving(r) => {
                        // Checked when received: the object must then be owned by the parent.
                        let obj = load(r.object_id())?;
                        let current = obj.object_ref();
                        if current.version() != r.version() || current.digest() != r.digest() {
                            return Err(TransactionError::StaleObject {
                                given: Box::new(r.clone()),
                                current: Box::new(current),
                            });
                        }
                        if !matches!(obj.owner, Owner::AddressOwner(_)) {
                            return Err(TransactionError::WrongOwnershipKind {
                                id: *r.object_id(),
                                actual: owner_kind(&obj.owner).into(),
                                named: "receivable".into(),
                            });
                        }
                        inputs.push(None);
                    }
                }
            }
        }
    }
    let mut gas_objects = vec![];
    let mut balance: u64 = 0;
    for r in &g.payment {
        if !seen.insert(*r.object_id()) {
            return Err(TransactionError::DuplicateInput(*r.object_id()));
        }
        let obj = load(r.object_id())?;
        if obj.owner != Owner::AddressOwner(g.owner) {
            return Err(TransactionError::GasNotOwned {
                id: *r.object_id(),
                gas_owner: g.owner,
            });
        }
        let obj = check_owned(r, g.owner)?;
        let m = obj
            .as_move()
            .filter(|m| m.type_ == gas_coin_type())
            .ok_or(TransactionError::NotAGasCoin(*r.object_id()))?;
        balance = balance.saturating_add(coin_value(&m.contents).unwrap_or(0));
        gas_objects.push(obj);
    }
    if balance < g.budget {
        return Err(TransactionError::InsufficientGasBalance {
            balance,
            budget: g.budget,
        });
    }
    Ok(CheckedTransaction {
        data: data.clone(),
        digest: data.digest(),
        inputs,
        gas: gas_objects,
    })
}
