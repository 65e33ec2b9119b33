//! Building programmable transactions: inputs are de-duplicated and commands return the
//! [`Argument`]s of their results.

use std::collections::HashMap;

use move_core_types::language_storage::TypeTag;
use serde::Serialize;

use super::{Argument, CallArg, Command, MoveCall, ObjectArg, ObjectID, ProgrammableTransaction};

/// Builds a [`ProgrammableTransaction`].
#[derive(Default, Debug, Clone)]
pub struct PtbBuilder {
    inputs: Vec<CallArg>,
    commands: Vec<Command>,
    pure_index: HashMap<Vec<u8>, u16>,
    object_index: HashMap<ObjectID, u16>,
}

impl PtbBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// A pure input holding the BCS of `value` (the same bytes are added once).
    pub fn pure<T: Serialize + ?Sized>(&mut self, value: &T) -> Argument {
        self.pure_bytes(bcs::to_bytes(value).expect("pure values serialize"))
    }

    /// A pure input from raw BCS bytes.
    pub fn pure_bytes(&mut self, bytes: Vec<u8>) -> Argument {
        if let Some(i) = self.pure_index.get(&bytes) {
            return Argument::Input(*i);
        }
        let i = self.inputs.len() as u16;
        self.pure_index.insert(bytes.clone(), i);
        self.inputs.push(CallArg::Pure(bytes));
        Argument::Input(i)
    }

    /// An object input (each object is added once; naming a shared object again mutably
    /// upgrades the earlier read-only use).
    pub fn object(&mut self, arg: ObjectArg) -> Argument {
        let id = match &arg {
            ObjectArg::ImmOrOwned(r) | ObjectArg::Receiving(r) => *r.object_id(),
            ObjectArg::Shared { id, .. } => *id,
        };
        if let Some(i) = self.object_index.get(&id) {
            if let (
                CallArg::Object(ObjectArg::Shared { mutable, .. }),
                ObjectArg::Shared { mutable: true, .. },
            ) = (&mut self.inputs[*i as usize], &arg)
            {
                *mutable = true;
            }
            return Argument::Input(*i);
        }
        let i = self.inputs.len() as u16;
        self.object_index.insert(id, i);
        self.inputs.push(CallArg::Object(arg));
        Argument::Input(i)
    }

    /// Adds a command; returns its result argument.
    pub fn command(&mut self, c: Command) -> Argument {
        self.commands.push(c);
        Argument::Result((self.commands.len() - 1) as u16)
    }

    /// Calls `package::module::function`.
    pub fn move_call(
        &mut self,
        package: ObjectID,
        module: &str,
        function: &str,
        type_arguments: Vec<TypeTag>,
        arguments: Vec<Argument>,
    ) -> Argument {
        self.command(Command::MoveCall(Box::new(MoveCall {
            package,
            module: module.to_string(),
            function: function.to_string(),
            type_arguments,
            arguments,
        })))
    }

    /// Sends objects to `recipient` (an address argument).
    pub fn transfer_objects(&mut self, objects: Vec<Argument>, recipient: Argument) {
        self.command(Command::TransferObjects(objects, recipient));
    }

    /// Splits amounts off a coin; the result holds one new coin per amount.
    pub fn split_coins(&mut self, coin: Argument, amounts: Vec<Argument>) -> Argument {
        self.command(Command::SplitCoins(coin, amounts))
    }

    /// Merges coins into `target`.
    pub fn merge_coins(&mut self, target: Argument, sources: Vec<Argument>) {
        self.command(Command::MergeCoins(target, sources));
    }

    /// Builds a vector.
    pub fn make_move_vec(&mut self, ty: Option<TypeTag>, elements: Vec<Argument>) -> Argument {
        self.command(Command::MakeMoveVec(ty, elements))
    }

    /// Publishes modules; the result is the package's `UpgradeCap`.
    pub fn publish(&mut self, modules: Vec<Vec<u8>>, dependencies: Vec<ObjectID>) -> Argument {
        self.command(Command::Publish(modules, dependencies))
    }

    /// Number of commands so far.
    pub fn len(&self) -> usize {
        self.commands.len()
    }

    /// Whether no command was added.
    pub fn is_empty(&self) -> bool {
        self.commands.is_empty()
    }

    /// The transaction.
    pub fn finish(self) -> ProgrammableTransaction {
        ProgrammableTransaction {
            inputs: self.inputs,
            commands: self.commands,
        }
    }
}
