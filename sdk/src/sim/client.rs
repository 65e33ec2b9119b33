//! The [`Client`] a simulation hands to the SDK: an in-process client whose
//! chain can be swapped (restore), recording every transaction it executes.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use async_trait::async_trait;
use movid_runtime::chain::{DevInspectResult, ExecutionResult, LocalChain};
use movid_runtime::genesis::GenesisConfig;
use movid_runtime::store::{
    EventFilter, EventRecord, MemoryStore, ObjectVersion, TransactionRecord,
};
use movid_runtime::types::{
    Address, Digest, ExecutionStatus, Object, ObjectID, ObjectReference, Owner, SequenceNumber,
    SignedTransaction, StructTag, TransactionData,
};

use super::events::{Events, IdentityEvent};
use super::trace::{describe_commands, Change, ChangeKind, Label, Line, Naming, Step, Trace};
use crate::client::{Client, InProcessClient};
use crate::error::{SdkError, SdkResult};
use crate::identity::OnChainIdentity;

/// The chain a simulation currently runs, with the store it can snapshot.
#[derive(Clone)]
pub(crate) struct Current {
    pub store: Arc<MemoryStore>,
    pub client: InProcessClient,
}

impl Current {
    pub fn open(store: Arc<MemoryStore>, genesis: &GenesisConfig) -> SdkResult<Current> {
        let chain = LocalChain::open(store.clone(), genesis.clone())?;
        Ok(Current {
            store,
            client: InProcessClient::new(Arc::new(chain)),
        })
    }

    pub fn chain(&self) -> &Arc<LocalChain> {
        self.client.chain()
    }
}

/// What the simulation recorded: steps of the current branch, the trace of
/// everything, and the names it prints.
#[derive(Clone, Default)]
pub(crate) struct Record {
    pub steps: Vec<Arc<Step>>,
    pub lines: Vec<Line>,
    pub naming: Naming,
    /// Types of objects seen, to name deleted and wrapped ones.
    pub types: HashMap<ObjectID, StructTag>,
    pub digests: HashSet<Digest>,
    /// Counters for automatic labels (`identity#1`, `proposal#3`).
    pub counters: HashMap<&'static str, u64>,
}

impl Record {
    fn actor_name(&self, sender: Address) -> String {
        use super::events::Names;
        self.naming.address(sender)
    }

    fn record_step(
        &mut self,
        chain: &LocalChain,
        sender: Address,
        commands: Vec<String>,
        result: &ExecutionResult,
    ) {
        let effects = &result.effects;
        let gas = *effects.gas_object.0.object_id();
        let mut changes = vec![];
        let live = [
            (ChangeKind::Created, &effects.created),
            (ChangeKind::Mutated, &effects.mutated),
            (ChangeKind::Unwrapped, &effects.unwrapped),
        ];
        for (kind, list) in live {
            for (r, owner) in list {
                if *r.object_id() == gas {
                    continue;
                }
                let type_ = chain
                    .get_object_at(r.object_id(), r.version())
                    .ok()
                    .flatten()
                    .and_then(|o| o.type_().cloned());
                if let Some(t) = &type_ {
                    self.types.insert(*r.object_id(), t.clone());
                }
                changes.push(Change {
                    kind,
                    object: r.clone(),
                    type_,
                    owner: Some(*owner),
                });
            }
        }
        let gone = [
            (ChangeKind::Deleted, &effects.deleted),
            (ChangeKind::Deleted, &effects.unwrapped_then_deleted),
            (ChangeKind::Wrapped, &effects.wrapped),
        ];
        for (kind, list) in gone {
            for r in list {
                changes.push(Change {
                    kind,
                    object: r.clone(),
                    type_: self.types.get(r.object_id()).cloned(),
                    owner: None,
                });
            }
        }
        let events = Events::new(result.events.clone());
        self.label_from_events(chain, &events);
        self.label_slots(&changes);
        let sequence = chain
            .store()
            .meta()
            .ok()
            .flatten()
            .map_or(0, |m| m.tx_count.saturating_sub(1));
        let step = Arc::new(Step {
            index: self.steps.len(),
            sequence,
            actor: self.actor_name(sender),
            sender,
            digest: result.digest,
            commands,
            effects: result.effects.clone(),
            events,
            changes,
            epoch: chain.epoch(),
            clock_ms: chain.clock_ms(),
        });
        self.digests.insert(result.digest);
        self.steps.push(step.clone());
        self.lines.push(Line::Step(step));
    }

    /// Names new identities, proposals, caps and tokens after their
    /// events, unless the user labelled them.
    fn label_from_events(&mut self, chain: &LocalChain, events: &Events) {
        for event in events {
            let Ok(Some(e)) = IdentityEvent::from_event(event) else {
                continue;
            };
            match e {
                IdentityEvent::IdentityCreated(e) => {
                    self.auto_label(e.identity, "identity");
                    // Proposals live in the identity's object bag.
                    let identity = chain.get_object(&e.identity).ok().flatten().and_then(|o| {
                        OnChainIdentity::from_object(&o, crate::client::LOCAL_NETWORK).ok()
                    });
                    if let Some(identity) = identity {
                        self.naming
                            .set_default(identity.proposals_bag, Label::ProposalsOf(e.identity));
                    }
                    for (cap, owner) in e.controller_caps.iter().zip(&e.controllers) {
                        self.cap_label(*cap, *owner);
                    }
                }
                IdentityEvent::ControllersChanged(e) => {
                    for (cap, owner) in e.added.iter().zip(&e.added_addresses) {
                        self.cap_label(*cap, *owner);
                    }
                }
                IdentityEvent::ProposalCreated(e) => self.auto_label(e.proposal, "proposal"),
                IdentityEvent::TokenDelegated(e) => self.auto_label(e.token, "token"),
                _ => {}
            }
        }
    }

    /// Names the dynamic field holding a labelled object after it
    /// (`field(proposal#1)`), as an object bag keeps each entry in one.
    fn label_slots(&mut self, changes: &[Change]) {
        for change in changes {
            if let Some(Owner::ObjectOwner(parent)) = change.owner {
                if self.naming.has(*change.object.object_id()) {
                    self.naming
                        .set_default(parent, Label::FieldOf(*change.object.object_id()));
                }
            }
        }
    }

    fn auto_label(&mut self, id: ObjectID, kind: &'static str) {
        if self.naming.has(id) {
            return;
        }
        let n = self.counters.entry(kind).or_default();
        *n += 1;
        let label = Label::Text(format!("{kind}#{n}"));
        self.naming.set(id, label);
    }

    fn cap_label(&mut self, cap: ObjectID, owner: Address) {
        let label = Label::Text(format!("cap({})", self.actor_name(owner)));
        self.naming.set_default(cap, label);
    }
}

/// A [`Client`] over the simulation's current chain that records what it
/// executes. Reads and dry runs run concurrently; executions, the faucet,
/// clock and epoch changes, snapshots and restores are serialized by the
/// record's lock (the chain serializes executions anyway), so the steps
/// are in the chain's order.
pub(crate) struct SimClient {
    current: RwLock<Current>,
    record: Mutex<Record>,
}

impl SimClient {
    pub fn new(current: Current) -> SimClient {
        SimClient {
            current: RwLock::new(current),
            record: Mutex::new(Record::default()),
        }
    }

    /// The current chain.
    pub fn current(&self) -> Current {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The record, locked (a panic elsewhere does not hide it).
    pub fn record(&self) -> MutexGuard<'_, Record> {
        self.record.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Replaces the chain and the record together.
    pub fn swap(
        &self,
        record: &mut MutexGuard<'_, Record>,
        current: Current,
        steps: Vec<Arc<Step>>,
    ) {
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = current;
        record.steps = steps;
        record.digests = record.steps.iter().map(|s| s.digest).collect();
    }

    pub fn trace(&self, seed: u64) -> Trace {
        let record = self.record();
        Trace {
            seed,
            lines: record.lines.clone(),
            naming: record.naming.clone(),
        }
    }

    /// Mints gas without a trace line (the simulation writes its own).
    pub fn fund_quietly(&self, recipient: Address, amount: u64) -> SdkResult<ObjectReference> {
        let _record = self.record();
        Ok(self.current().chain().faucet(recipient, amount)?)
    }

    fn actor_of(&self, sender: Address) -> String {
        self.record().actor_name(sender)
    }
}

#[async_trait]
impl Client for SimClient {
    fn network(&self) -> &str {
        crate::client::LOCAL_NETWORK
    }

    async fn chain_identifier(&self) -> SdkResult<Digest> {
        self.current().client.chain_identifier().await
    }

    async fn reference_gas_price(&self) -> SdkResult<u64> {
        Ok(self.current().chain().reference_gas_price())
    }

    async fn epoch(&self) -> SdkResult<u64> {
        Ok(self.current().chain().epoch())
    }

    async fn clock_ms(&self) -> SdkResult<u64> {
        Ok(self.current().chain().clock_ms())
    }

    async fn get_object(&self, id: ObjectID) -> SdkResult<Option<Object>> {
        Ok(self.current().chain().get_object(&id)?)
    }

    async fn get_object_at(
        &self,
        id: ObjectID,
        version: SequenceNumber,
    ) -> SdkResult<Option<Object>> {
        Ok(self.current().chain().get_object_at(&id, version)?)
    }

    async fn multi_get_objects(&self, ids: &[ObjectID]) -> SdkResult<Vec<Option<Object>>> {
        let current = self.current();
        ids.iter()
            .map(|id| Ok(current.chain().get_object(id)?))
            .collect()
    }

    async fn object_history(&self, id: ObjectID) -> SdkResult<Vec<ObjectVersion>> {
        Ok(self.current().chain().object_history(&id)?)
    }

    async fn owned_objects(&self, owner: Address) -> SdkResult<Vec<Object>> {
        Ok(self.current().chain().owned_objects(&owner)?)
    }

    async fn dynamic_fields(&self, parent: ObjectID) -> SdkResult<Vec<Object>> {
        Ok(self.current().chain().dynamic_fields(&parent)?)
    }

    async fn transaction(&self, digest: Digest) -> SdkResult<Option<TransactionRecord>> {
        Ok(self.current().chain().transaction(&digest)?)
    }

    async fn events(&self, filter: EventFilter, limit: usize) -> SdkResult<Vec<EventRecord>> {
        Ok(self.current().chain().events(&filter, limit)?)
    }

    async fn dry_run(&self, data: TransactionData) -> SdkResult<ExecutionResult> {
        let sender = data.sender;
        let commands = describe_commands(data.programmable());
        let result = self.current().chain().dry_run(data);
        // A failed dry run stops the SDK before submitting: keep it in the
        // trace, as it is often the step a failing test is about.
        let failure = match &result {
            Ok(r) => match &r.effects.status {
                ExecutionStatus::Success => None,
                ExecutionStatus::Failure { error, .. } => Some(error.to_string()),
            },
            Err(e) => Some(e.to_string()),
        };
        if let Some(failure) = failure {
            let actor = self.actor_of(sender);
            self.record().lines.push(Line::DryRunFailed {
                actor,
                commands,
                failure,
            });
        }
        Ok(result?)
    }

    async fn dev_inspect(&self, data: TransactionData) -> SdkResult<DevInspectResult> {
        // A read, like the other reads: not a step of the trace.
        Ok(self.current().chain().dev_inspect(data)?)
    }

    async fn execute(&self, tx: SignedTransaction) -> SdkResult<ExecutionResult> {
        let mut record = self.record();
        let current = self.current();
        let chain = current.chain();
        let sender = tx.data.sender;
        let commands = describe_commands(tx.data.programmable());
        match chain.execute(tx) {
            Ok(result) => {
                if record.digests.contains(&result.digest) {
                    let actor = record.actor_name(sender);
                    record.lines.push(Line::Note(format!(
                        "{actor:<10} resubmitted {}: the chain answered with its recorded effects",
                        result.digest
                    )));
                } else {
                    record.record_step(chain, sender, commands, &result);
                }
                Ok(result)
            }
            Err(e) => {
                let actor = record.actor_name(sender);
                let error = SdkError::from(e);
                record.lines.push(Line::Refused {
                    actor,
                    commands,
                    error: error.to_string(),
                });
                Err(error)
            }
        }
    }

    async fn faucet(&self, recipient: Address, amount: u64) -> SdkResult<ObjectReference> {
        let mut record = self.record();
        let r = self.current().chain().faucet(recipient, amount)?;
        record.lines.push(Line::Faucet { recipient, amount });
        Ok(r)
    }

    async fn advance_epoch(&self) -> SdkResult<u64> {
        let mut record = self.record();
        let epoch = self.current().chain().advance_epoch()?;
        record.lines.push(Line::Epoch { epoch });
        Ok(epoch)
    }

    async fn advance_clock(&self, ms: u64) -> SdkResult<u64> {
        let mut record = self.record();
        let now_ms = self.current().chain().advance_clock_ms(ms)?;
        record.lines.push(Line::Clock { by_ms: ms, now_ms });
        Ok(now_ms)
    }
}
