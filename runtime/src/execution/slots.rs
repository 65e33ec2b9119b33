//! Argument slots: inputs and command results as values the commands take, borrow, copy and
//! write back, with pure arguments typed against their parameter.

use super::*;

impl<'r, 'l> Run<'r, 'l> {
    pub(super) fn slot_mut(
        &mut self,
        arg: Argument,
        i: usize,
    ) -> Result<&mut Slot, ExecutionFailure> {
        match arg {
            Argument::GasCoin => Ok(&mut self.gas_slot),
            Argument::Input(n) => self
                .inputs
                .get_mut(n as usize)
                .ok_or_else(|| arg_err(i, format!("input {n} does not exist"))),
            Argument::Result(c) => {
                let r = self
                    .results
                    .get_mut(c as usize)
                    .ok_or_else(|| arg_err(i, format!("command {c} has not run yet")))?;
                if r.len() != 1 {
                    return fail(arg_err(
                        i,
                        format!("command {c} returned {} values; use NestedResult", r.len()),
                    ));
                }
                Ok(&mut r[0])
            }
            Argument::NestedResult(c, j) => self
                .results
                .get_mut(c as usize)
                .and_then(|r| r.get_mut(j as usize))
                .ok_or_else(|| arg_err(i, format!("result {c}.{j} does not exist"))),
        }
    }

    /// Fetches an argument's bytes for a parameter of type `expected` used as `usage`.
    pub(super) fn take(
        &mut self,
        arg: Argument,
        i: usize,
        usage: Use,
        expected: Option<&TypeTag>,
    ) -> Result<Val, ExecutionFailure> {
        let is_gas = arg == Argument::GasCoin;
        let slot = self.slot_mut(arg, i)?;
        let v = match slot {
            Slot::Pure(bytes) => {
                let Some(ty) = expected else {
                    return fail(arg_err(i, "a pure input needs a typed parameter"));
                };
                let bytes = bytes.clone();
                return self.typed_pure(i, ty, bytes);
            }
            Slot::Receiving(r) => {
                let Some(ty) = expected else {
                    return fail(arg_err(i, "a receiving input needs a typed parameter"));
                };
                if !is_struct(ty, ObjectID::FRAMEWORK, "transfer", "Receiving")
                    || usage != Use::Value
                {
                    return fail(arg_err(
                        i,
                        "a receiving input can only be passed as transfer::Receiving<T> by value",
                    ));
                }
                let mut bytes = r.object_id().inner().to_vec();
                bytes.extend_from_slice(&r.version().to_le_bytes());
                return Ok(Val {
                    ty: ty.clone(),
                    bytes,
                    abilities: (AbilitySet::EMPTY | move_binary_format::file_format::Ability::Drop),
                });
            }
            Slot::Object { id, mode, val } => {
                let Some(v) = val.as_ref() else {
                    return fail(arg_err(
                        i,
                        format!("object {id} was moved by an earlier command"),
                    ));
                };
                match (usage, *mode) {
                    (Use::Value, Mode::Immutable | Mode::SharedReadOnly)
                    | (Use::MutRef, Mode::Immutable | Mode::SharedReadOnly) => {
                        return fail(arg_err(
                            i,
                            format!("object {id} is read-only in this transaction"),
                        ));
                    }
                    (Use::Value, _) if is_gas => {
                        return fail(arg_err(
                            i,
                            "the gas coin can only be borrowed, split or transferred",
                        ))
                    }
                    _ => {}
                }
                let v = v.clone();
                if usage == Use::Value {
                    *val = None;
                }
                v
            }
            Slot::Result { val, used } => {
                *used = true;
                let Some(v) = val.as_ref() else {
                    return fail(arg_err(i, "the value was moved by an earlier command"));
                };
                let v = v.clone();
                if usage == Use::Value && !v.abilities.has_copy() {
                    *val = None;
                }
                v
            }
        };
        if let Some(t) = expected {
            if &v.ty != t {
                return fail(arg_err(i, format!("expected {t}, found {}", v.ty)));
            }
        }
        Ok(v)
    }

    /// Moves the gas coin out of its slot, for `TransferObjects`.
    pub(super) fn take_gas_coin(&mut self, i: usize) -> Result<Val, ExecutionFailure> {
        match &mut self.gas_slot {
            Slot::Object { val, .. } => val
                .take()
                .ok_or_else(|| arg_err(i, "the gas coin was already transferred")),
            _ => fail(ExecutionFailure::Other("the gas coin is not loaded".into())),
        }
    }

    /// Whether using the value in `arg` twice gives two independent copies: pure inputs and
    /// results with `copy`. Everything else (objects above all) must not be aliased.
    pub(super) fn is_copyable(&mut self, arg: Argument) -> bool {
        match self.slot_mut(arg, 0) {
            Ok(Slot::Pure(_)) => true,
            Ok(Slot::Result { val: Some(v), .. }) => v.abilities.has_copy(),
            _ => false,
        }
    }

    pub(super) fn typed_pure(
        &mut self,
        i: usize,
        ty: &TypeTag,
        bytes: Vec<u8>,
    ) -> Result<Val, ExecutionFailure> {
        let invalid = |violation| ExecutionFailure::InvalidPureValue {
            argument: i,
            type_: ty.to_string(),
            violation,
        };
        pure::validate(ty, &bytes).map_err(invalid)?;
        // The VM's own decoding agrees with the rules above; checked as well so that a gap in
        // them can never hand Move a value its layout does not allow.
        let layout = self
            .session
            .get_type_layout(ty)
            .map_err(|_| arg_err(i, format!("no layout for {ty}")))?;
        if move_vm_types::values::Value::simple_deserialize(&bytes, &layout).is_none() {
            return fail(invalid(PureViolation::Malformed(
                "the Move VM does not decode it".into(),
            )));
        }
        let abilities = self.abilities(ty)?;
        Ok(Val {
            ty: ty.clone(),
            bytes,
            abilities,
        })
    }

    /// Writes a `&mut` argument back after a call.
    pub(super) fn write_back(&mut self, arg: Argument, bytes: Vec<u8>) {
        if let Ok(slot) = self.slot_mut(arg, 0) {
            match slot {
                Slot::Object { val: Some(v), .. } | Slot::Result { val: Some(v), .. } => {
                    v.bytes = bytes
                }
                // A pure input passed by `&mut` keeps its new bytes for later commands.
                Slot::Pure(b) => *b = bytes,
                _ => {}
            }
        }
    }
}
