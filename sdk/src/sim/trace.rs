//! What a simulation saw: the [`Step`] of each executed transaction and a
//! readable [`Trace`] of the whole scenario.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use movid_runtime::types::{
    Address, Command, Digest, ExecutionFailure, ExecutionStatus, GasCostSummary, ObjectID,
    ObjectReference, Owner, ProgrammableTransaction, StructTag, TransactionEffects, TypeTag,
    WellKnown,
};

use super::events::{short_hex, Events, IdentityEvent, Names};

/// One executed transaction of a scenario (successful or failed in Move;
/// transactions the chain refused, or whose dry run failed, leave only a
/// line in the [`Trace`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// Position among the scenario's steps (0-based; a restore rewinds it).
    pub index: usize,
    /// The chain's sequence number of the transaction.
    pub sequence: u64,
    /// The sender's actor name, or its short address if it is no actor.
    pub actor: String,
    /// The sender.
    pub sender: Address,
    /// The transaction digest.
    pub digest: Digest,
    /// The commands, shortly (`identity::approve_proposal<UpdateDid>`).
    pub commands: Vec<String>,
    /// The effects.
    pub effects: TransactionEffects,
    /// The events.
    pub events: Events,
    /// The objects created, changed and removed, with their types (the gas
    /// coin left out).
    pub changes: Vec<Change>,
    /// The epoch it ran in.
    pub epoch: u64,
    /// The clock when it ran, in ms.
    pub clock_ms: u64,
}

impl Step {
    /// Whether its commands took effect.
    pub fn is_success(&self) -> bool {
        self.effects.status.is_ok()
    }

    /// Why it failed, if it did.
    pub fn failure(&self) -> Option<&ExecutionFailure> {
        match &self.effects.status {
            ExecutionStatus::Success => None,
            ExecutionStatus::Failure { error, .. } => Some(error),
        }
    }

    /// The gas charged.
    pub fn gas_used(&self) -> GasCostSummary {
        self.effects.gas_used
    }

    /// The changes of one kind.
    pub fn changes_of(&self, kind: ChangeKind) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(move |c| c.kind == kind)
    }
}

/// What happened to an object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    /// It is new.
    Created,
    /// It was written.
    Mutated,
    /// It was taken out of another object.
    Unwrapped,
    /// It was deleted.
    Deleted,
    /// It was stored inside another object.
    Wrapped,
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ChangeKind::Created => "created",
            ChangeKind::Mutated => "mutated",
            ChangeKind::Unwrapped => "unwrapped",
            ChangeKind::Deleted => "deleted",
            ChangeKind::Wrapped => "wrapped",
        })
    }
}

/// One object a step changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// What happened.
    pub kind: ChangeKind,
    /// The object's reference after the step.
    pub object: ObjectReference,
    /// Its Move type, where known (`None` for a package).
    pub type_: Option<StructTag>,
    /// Its owner after the step (`None` once deleted or wrapped).
    pub owner: Option<Owner>,
}

/// A line of a [`Trace`].
#[derive(Clone, Debug)]
pub(crate) enum Line {
    Step(Arc<Step>),
    DryRunFailed {
        actor: String,
        commands: Vec<String>,
        failure: String,
    },
    Refused {
        actor: String,
        commands: Vec<String>,
        error: String,
    },
    Faucet {
        recipient: Address,
        amount: u64,
    },
    Clock {
        by_ms: u64,
        now_ms: u64,
    },
    Epoch {
        epoch: u64,
    },
    Note(String),
}

/// How the trace names an object. Derived labels follow the label of the
/// object they derive from, even when it is renamed later.
#[derive(Clone, Debug)]
pub(crate) enum Label {
    Text(String),
    /// The object bag holding an identity's proposals.
    ProposalsOf(ObjectID),
    /// The dynamic field holding an object.
    FieldOf(ObjectID),
}

/// The names a trace gives addresses (actors) and objects (labels).
#[derive(Clone, Debug, Default)]
pub(crate) struct Naming {
    pub actors: HashMap<Address, String>,
    labels: HashMap<ObjectID, Label>,
}

impl Naming {
    /// Labels `id`, replacing any label it had.
    pub fn set(&mut self, id: ObjectID, label: Label) {
        self.labels.insert(id, label);
    }

    /// Labels `id` unless it has a label.
    pub fn set_default(&mut self, id: ObjectID, label: Label) {
        self.labels.entry(id).or_insert(label);
    }

    /// Whether `id` has a label.
    pub fn has(&self, id: ObjectID) -> bool {
        self.labels.contains_key(&id)
    }

    fn render(&self, id: ObjectID, depth: usize) -> String {
        match self.labels.get(&id) {
            None => short_hex(&id.into_inner()),
            Some(_) if depth > 4 => short_hex(&id.into_inner()),
            Some(Label::Text(text)) => text.clone(),
            Some(Label::ProposalsOf(identity)) => {
                format!("{}'s proposals", self.render(*identity, depth + 1))
            }
            Some(Label::FieldOf(child)) => format!("field({})", self.render(*child, depth + 1)),
        }
    }
}

impl Names for Naming {
    fn object(&self, id: ObjectID) -> String {
        self.render(id, 0)
    }

    fn address(&self, address: Address) -> String {
        match self.actors.get(&address) {
            Some(name) => name.clone(),
            None => self.render(ObjectID::from(address), 0),
        }
    }
}

/// A readable account of a scenario: who did what, what changed, the gas it
/// cost, and the clock, epoch, snapshot and restore events in between.
/// Print it with `{}`; a [`super::Simulation`] prints it itself when a test
/// panics.
#[derive(Clone, Debug)]
pub struct Trace {
    pub(crate) seed: u64,
    pub(crate) lines: Vec<Line>,
    pub(crate) naming: Naming,
}

impl Trace {
    /// The steps it shows, including those of branches a restore discarded.
    pub fn steps(&self) -> impl Iterator<Item = &Step> {
        self.lines.iter().filter_map(|l| match l {
            Line::Step(s) => Some(&**s),
            _ => None,
        })
    }
}

impl fmt::Display for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let steps = self.steps().count();
        let gas: i64 = self.steps().map(|s| s.gas_used().net_gas_usage()).sum();
        writeln!(
            f,
            "── movid simulation, seed {}: {steps} transactions, net gas {} ──",
            self.seed,
            thousands(gas)
        )?;
        let n = &self.naming;
        for line in &self.lines {
            match line {
                Line::Step(step) => write_step(f, step, n)?,
                Line::DryRunFailed {
                    actor,
                    commands,
                    failure,
                } => writeln!(
                    f,
                    "   ·  {actor:<10} {}  not sent, the dry run failed: {failure}",
                    commands.join(", ")
                )?,
                Line::Refused {
                    actor,
                    commands,
                    error,
                } => writeln!(
                    f,
                    "   ·  {actor:<10} {}  REFUSED by the chain: {error}",
                    commands.join(", ")
                )?,
                Line::Faucet { recipient, amount } => writeln!(
                    f,
                    "   ·  faucet     {} SUI to {}",
                    as_sui(*amount),
                    n.address(*recipient)
                )?,
                Line::Clock { by_ms, now_ms } => writeln!(
                    f,
                    "   ·  clock      +{} ms, now {now_ms}",
                    thousands(*by_ms as i64)
                )?,
                Line::Epoch { epoch } => writeln!(f, "   ·  epoch      {epoch} begins")?,
                Line::Note(note) => writeln!(f, "   ·  {note}")?,
            }
        }
        Ok(())
    }
}

fn write_step(f: &mut fmt::Formatter<'_>, step: &Step, n: &Naming) -> fmt::Result {
    let status = match &step.effects.status {
        ExecutionStatus::Success => "ok".to_string(),
        ExecutionStatus::Failure { error, command } => format!(
            "FAILED{}: {error}",
            command
                .map(|c| format!(" in command {c}"))
                .unwrap_or_default()
        ),
    };
    writeln!(
        f,
        "{:>4}  {:<10} {}  [{status}; gas {}; epoch {}]",
        format!("#{}", step.index),
        step.actor,
        step.commands.join(", "),
        thousands(step.gas_used().net_gas_usage()),
        step.epoch,
    )?;
    for change in &step.changes {
        let ty = change
            .type_
            .as_ref()
            .map(short_type)
            .unwrap_or_else(|| "package".into());
        let owner = match &change.owner {
            Some(Owner::AddressOwner(a)) => format!(" → {}", n.address(*a)),
            Some(Owner::Shared { .. }) => " (shared)".into(),
            Some(Owner::Immutable) => " (immutable)".into(),
            Some(Owner::ObjectOwner(parent)) => format!(" in {}", n.address(*parent)),
            None => String::new(),
        };
        writeln!(
            f,
            "          {:<9} {ty} {}{owner}",
            change.kind.to_string(),
            n.object(*change.object.object_id()),
        )?;
    }
    for event in &step.events {
        let text = match IdentityEvent::from_event(event) {
            Ok(Some(e)) => e.describe(n),
            _ => format!(
                "{} ({} bytes)",
                short_type(&event.type_),
                event.contents.len()
            ),
        };
        writeln!(f, "          event     {text}")?;
    }
    Ok(())
}

/// A type with its struct names only: `Proposal<UpdateDid>`.
pub(crate) fn short_type(ty: &StructTag) -> String {
    let mut s = ty.name.to_string();
    if !ty.type_params.is_empty() {
        let params: Vec<String> = ty.type_params.iter().map(short_type_tag).collect();
        s.push('<');
        s.push_str(&params.join(", "));
        s.push('>');
    }
    s
}

fn short_type_tag(ty: &TypeTag) -> String {
    match ty {
        TypeTag::Struct(s) => short_type(s),
        TypeTag::Vector(inner) => format!("vector<{}>", short_type_tag(inner)),
        other => other.to_string(),
    }
}

/// The commands of a transaction, shortly: Move calls as
/// `module::function<T>`, the built-in commands by name.
pub(crate) fn describe_commands(ptb: &ProgrammableTransaction) -> Vec<String> {
    ptb.commands
        .iter()
        .map(|c| match c {
            Command::MoveCall(call) => {
                let package = match call.package {
                    ObjectID::STD | ObjectID::FRAMEWORK | ObjectID::IDENTITY => String::new(),
                    ObjectID::ACCESS => "access::".into(),
                    other => format!("{}::", short_hex(&other.into_inner())),
                };
                let types = if call.type_arguments.is_empty() {
                    String::new()
                } else {
                    let t: Vec<String> = call.type_arguments.iter().map(short_type_tag).collect();
                    format!("<{}>", t.join(", "))
                };
                format!("{package}{}::{}{types}", call.module, call.function)
            }
            Command::TransferObjects(objects, _) => format!("TransferObjects({})", objects.len()),
            Command::SplitCoins(_, amounts) => format!("SplitCoins({})", amounts.len()),
            Command::MergeCoins(_, coins) => format!("MergeCoins({})", coins.len()),
            Command::MakeMoveVec(_, elements) => format!("MakeMoveVec({})", elements.len()),
            Command::Publish(modules, _) => format!("Publish({} modules)", modules.len()),
        })
        .collect()
}

/// `1234567` as `1,234,567`.
pub(crate) fn thousands(v: i64) -> String {
    let digits = v.unsigned_abs().to_string();
    let groups: Vec<&str> = digits
        .as_bytes()
        .rchunks(3)
        .rev()
        .map(|g| std::str::from_utf8(g).expect("ASCII digits"))
        .collect();
    let sign = if v < 0 { "-" } else { "" };
    format!("{sign}{}", groups.join(","))
}

/// MIST as SUI (`1.5`).
pub(crate) fn as_sui(base: u64) -> String {
    let whole = base / movid_runtime::genesis::MIST_PER_SUI;
    let frac = base % movid_runtime::genesis::MIST_PER_SUI;
    if frac == 0 {
        thousands(whole as i64)
    } else {
        let f = format!("{frac:09}");
        format!("{}.{}", thousands(whole as i64), f.trim_end_matches('0'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_with_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(-1_234_567), "-1,234,567");
        assert_eq!(as_sui(1_500_000_000), "1.5");
        assert_eq!(
            as_sui(2_000 * movid_runtime::genesis::MIST_PER_SUI),
            "2,000"
        );
    }

    #[test]
    fn types_are_shortened_to_struct_names() {
        let ty: StructTag = "0x3::multicontroller::Proposal<0x3::did_proposal::UpdateDid>"
            .parse()
            .unwrap();
        assert_eq!(short_type(&ty), "Proposal<UpdateDid>");
    }
}
