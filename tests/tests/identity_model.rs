//! The identity package against a plain Rust model of its rules (docs/DESIGN.md §8).
//!
//! Each case creates an identity with random controllers, voting powers and threshold on a
//! fresh `LocalChain`, then runs a random sequence of proposals (some with an expiration
//! epoch, some with an invalid document), approvals, withdrawn approvals, executions,
//! deletions, config changes (adding, removing and re-weighing controllers and setting the
//! threshold; valid and invalid ones) and epoch changes, every call one transaction, by current
//! and by removed controllers, on open and on closed proposals. After every call the chain and
//! the model must agree on the outcome (success, or the same abort constant of the same
//! module), on the events emitted, and on the whole governed state: controllers and their
//! voting power, threshold, document, and the open proposals in order with their expiration,
//! action and current voters (and the proposal bag holding exactly them).
//!
//! The model is written from the rules, not from the Move code:
//! - a proposal's creator (presenting its cap, so with APPROVE) votes for it; it executes in
//!   the same call when the creator's voting power alone reaches the threshold;
//! - a controller may reject a proposal it has not approved (and may not approve one it
//!   rejected); once the rejecters' current voting power reaches the threshold the proposal is
//!   deleted; withdrawing takes back either vote;
//! - execution recounts the votes: only voters that are still controllers count, each at its
//!   voting power at execution time;
//! - a proposal expires once the epoch passes its expiration epoch: it can then no longer be
//!   approved or executed, but it can be deleted, as can a proposal without current votes;
//! - a config change is valid when the configuration *after* it is: at least one and at most
//!   64 controllers, voting powers in 1..=2^32-1, threshold in 1..=total voting power; it is
//!   checked when proposed and again when executed;
//! - at most 32 open proposals, listed oldest first, and at most 8 created by one controller.
//!
//! Where the rules leave open which error a call with several faults reports, the model checks
//! in the package's order.
//!
//! Two composite operations (`Rally`, `Govern`) approve a proposal up to its threshold and
//! execute it, so that config changes that re-weigh or remove controllers who already voted
//! elsewhere happen in most cases, not once in a hundred. `MOVID_PROPTEST_CASES=N` runs more
//! cases (about 35 ms each); `MOVID_PROPTEST_VERBOSE=1` prints every case's calls and outcomes,
//! with executions whose recount differs from the votes as cast marked.

use std::collections::{BTreeMap, BTreeSet};

use movid_runtime::types::ObjectID;
use movid_tests::chain_identity::{
    ChainIdentity, ConfigChange, ControllerSpec, ProposalKind, Refusal, TestChain, UpdateDid,
};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{FileFailurePersistence, TestCaseError};

/// Development accounts on each chain: controllers are drawn from them, and a config change
/// may add any of them (again).
const ACCOUNTS: usize = 6;
const MAX_CONTROLLERS: usize = 64;
const MAX_ACTIVE_PROPOSALS: usize = 32;
const MAX_PROPOSALS_PER_CONTROLLER: usize = 8;
const MAX_VOTING_POWER: u64 = u32::MAX as u64;

// === The model ===

/// A controller, named by the order in which its `ControllerCap` was minted.
type CapH = usize;
/// A proposal, named by the order in which it was left open.
type PropH = usize;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Action {
    /// Set the document to these bytes.
    Update(Vec<u8>),
    /// Change the configuration.
    Config(Change),
}

impl Action {
    fn kind(&self) -> ProposalKind {
        match self {
            Action::Update(_) => ProposalKind::UpdateDid,
            Action::Config(_) => ProposalKind::ConfigChange,
        }
    }
}

/// A config change in model terms: added controllers are accounts, the others cap handles.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Change {
    threshold: Option<u64>,
    add: Vec<(usize, u64)>,
    remove: Vec<CapH>,
    update: Vec<(CapH, u64)>,
}

#[derive(Clone, Debug)]
struct ModelProposal {
    handle: PropH,
    /// Every controller that approved and did not withdraw, current controller or not, with
    /// its voting power when it approved (which the rules ignore: it only tells the test
    /// whether a recount decided an execution).
    voters: BTreeMap<CapH, u64>,
    /// Every controller that rejected and did not withdraw, current controller or not.
    rejecters: BTreeSet<CapH>,
    /// The controller that opened it (its quota counts it).
    creator: CapH,
    expiration: Option<u64>,
    action: Action,
}

#[derive(Clone, Debug)]
struct Model {
    epoch: u64,
    threshold: u64,
    /// Current controllers and their voting power.
    controllers: BTreeMap<CapH, u64>,
    /// Owner account of every cap ever minted, by handle.
    cap_owners: Vec<usize>,
    doc: Option<Vec<u8>>,
    /// Open proposals, oldest first.
    open: Vec<ModelProposal>,
    /// Proposals ever left open.
    proposals_ever: usize,
}

/// What a successful operation did, beyond the model's new state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Effect {
    /// The proposal it left open.
    opened: Option<PropH>,
    /// Caps it minted, with their owner accounts.
    minted: Vec<(CapH, usize)>,
    /// Names of the identity events it emitted, sorted.
    events: Vec<&'static str>,
}

fn mc(constant: &str) -> Refusal {
    Refusal::abort("multicontroller", constant)
}

fn cfg(constant: &str) -> Refusal {
    Refusal::abort("config_proposal", constant)
}

impl Model {
    fn new(doc: Option<Vec<u8>>, powers: &[u64], threshold: u64) -> Self {
        Model {
            epoch: 0,
            threshold,
            controllers: powers.iter().copied().enumerate().collect(),
            cap_owners: (0..powers.len()).collect(),
            doc,
            open: vec![],
            proposals_ever: 0,
        }
    }

    /// The total voting power after `change`, ignoring its invalid parts (for generating
    /// thresholds near it).
    fn total_after(&self, change: &Change) -> u64 {
        let mut after = self.controllers.clone();
        for (cap, vp) in &change.update {
            if let Some(old) = after.get_mut(cap) {
                *old = *vp;
            }
        }
        for cap in &change.remove {
            after.remove(cap);
        }
        let added: u64 = change.add.iter().map(|(_, vp)| *vp).sum();
        after.values().sum::<u64>() + added
    }

    /// Current voting power of the voters that are still controllers.
    fn tally(&self, voters: &BTreeMap<CapH, u64>) -> u64 {
        voters.keys().filter_map(|v| self.controllers.get(v)).sum()
    }

    /// Current voting power of the rejecters that are still controllers.
    fn rejections(&self, rejecters: &BTreeSet<CapH>) -> u64 {
        rejecters
            .iter()
            .filter_map(|v| self.controllers.get(v))
            .sum()
    }

    fn is_expired(&self, p: &ModelProposal) -> bool {
        p.expiration.is_some_and(|e| e < self.epoch)
    }

    fn position(&self, h: PropH) -> Option<usize> {
        self.open.iter().position(|p| p.handle == h)
    }

    fn authorize(&self, actor: CapH) -> Result<(), Refusal> {
        if self.controllers.contains_key(&actor) {
            Ok(())
        } else {
            Err(mc("ENotAController"))
        }
    }

    /// Runs `op` on a copy and keeps the copy only if it succeeds: a failed transaction changes
    /// nothing.
    fn atomically(
        &mut self,
        op: impl FnOnce(&mut Model) -> Result<Effect, Refusal>,
    ) -> Result<Effect, Refusal> {
        let mut next = self.clone();
        let mut effect = op(&mut next)?;
        effect.events.sort_unstable();
        *self = next;
        Ok(effect)
    }

    fn propose(
        &mut self,
        actor: CapH,
        expiration: Option<u64>,
        action: Action,
    ) -> Result<Effect, Refusal> {
        self.atomically(|m| {
            match &action {
                Action::Update(doc) => check_document(doc)?,
                Action::Config(change) => m.validate(change)?,
            }
            m.authorize(actor)?;
            if m.open.len() >= MAX_ACTIVE_PROPOSALS {
                return Err(mc("ETooManyProposals"));
            }
            if m.open.iter().filter(|p| p.creator == actor).count() >= MAX_PROPOSALS_PER_CONTROLLER
            {
                return Err(mc("ETooManyProposalsOfController"));
            }
            if expiration.is_some_and(|e| e < m.epoch) {
                return Err(mc("EInvalidExpiration"));
            }
            let handle = m.proposals_ever;
            m.proposals_ever += 1;
            m.open.push(ModelProposal {
                handle,
                voters: BTreeMap::from([(actor, m.controllers[&actor])]),
                rejecters: BTreeSet::new(),
                creator: actor,
                expiration,
                action,
            });
            if m.controllers[&actor] >= m.threshold {
                // Executed in the same call: the proposal never stays open.
                m.proposals_ever -= 1;
                let mut effect = m.execute_open(actor, handle)?;
                effect.events.push("ProposalCreated");
                Ok(effect)
            } else {
                Ok(Effect {
                    opened: Some(handle),
                    events: vec!["ProposalCreated"],
                    ..Effect::default()
                })
            }
        })
    }

    fn approve(&mut self, actor: CapH, h: PropH) -> Result<Effect, Refusal> {
        self.atomically(|m| {
            m.authorize(actor)?;
            let i = m.position(h).ok_or_else(|| mc("EProposalNotFound"))?;
            if m.is_expired(&m.open[i]) {
                return Err(mc("EProposalExpired"));
            }
            let vp = m.controllers[&actor];
            if m.open[i].voters.insert(actor, vp).is_some() {
                return Err(mc("EAlreadyVoted"));
            }
            if m.open[i].rejecters.contains(&actor) {
                return Err(mc("EAlreadyRejected"));
            }
            Ok(Effect {
                events: vec!["ProposalApproved"],
                ..Effect::default()
            })
        })
    }

    fn remove_approval(&mut self, actor: CapH, h: PropH) -> Result<Effect, Refusal> {
        self.atomically(|m| {
            m.authorize(actor)?;
            let i = m.position(h).ok_or_else(|| mc("EProposalNotFound"))?;
            if !m.open[i].rejecters.remove(&actor) && m.open[i].voters.remove(&actor).is_none() {
                return Err(mc("ENotVoted"));
            }
            Ok(Effect {
                events: vec!["ApprovalRemoved"],
                ..Effect::default()
            })
        })
    }

    fn reject(&mut self, actor: CapH, h: PropH) -> Result<Effect, Refusal> {
        self.atomically(|m| {
            m.authorize(actor)?;
            let i = m.position(h).ok_or_else(|| mc("EProposalNotFound"))?;
            if m.open[i].voters.contains_key(&actor) {
                return Err(mc("EAlreadyVoted"));
            }
            if !m.open[i].rejecters.insert(actor) {
                return Err(mc("EAlreadyRejected"));
            }
            let mut events = vec!["ProposalRejected"];
            if m.rejections(&m.open[i].rejecters) >= m.threshold {
                m.open.remove(i);
                events.push("ProposalDeleted");
            }
            Ok(Effect {
                events,
                ..Effect::default()
            })
        })
    }

    fn execute(&mut self, actor: CapH, h: PropH) -> Result<Effect, Refusal> {
        self.atomically(|m| m.execute_open(actor, h))
    }

    fn execute_open(&mut self, actor: CapH, h: PropH) -> Result<Effect, Refusal> {
        self.authorize(actor)?;
        let i = self.position(h).ok_or_else(|| mc("EProposalNotFound"))?;
        if self.is_expired(&self.open[i]) {
            return Err(mc("EProposalExpired"));
        }
        if self.tally(&self.open[i].voters) < self.threshold {
            return Err(mc("EThresholdNotReached"));
        }
        let proposal = self.open.remove(i);
        let mut effect = Effect {
            events: vec!["ProposalExecuted"],
            ..Effect::default()
        };
        match proposal.action {
            Action::Update(doc) => {
                self.doc = Some(doc);
                effect.events.push("DidDocumentUpdated");
            }
            Action::Config(change) => {
                // Valid when proposed, but a config change executed since may have made it
                // invalid: it is checked again against the configuration it now applies to.
                self.validate(&change)?;
                for (cap, vp) in &change.update {
                    self.controllers.insert(*cap, *vp);
                }
                for cap in &change.remove {
                    self.controllers.remove(cap);
                }
                for (account, vp) in &change.add {
                    let cap = self.cap_owners.len();
                    self.cap_owners.push(*account);
                    self.controllers.insert(cap, *vp);
                    effect.minted.push((cap, *account));
                }
                if let Some(t) = change.threshold {
                    self.threshold = t;
                }
                effect.events.push("ControllersChanged");
            }
        }
        Ok(effect)
    }

    fn delete(&mut self, actor: CapH, h: PropH) -> Result<Effect, Refusal> {
        self.atomically(|m| {
            m.authorize(actor)?;
            let i = m.position(h).ok_or_else(|| mc("EProposalNotFound"))?;
            let p = &m.open[i];
            if !(m.is_expired(p)
                || m.tally(&p.voters) == 0
                || m.rejections(&p.rejecters) >= m.threshold)
            {
                return Err(mc("ECannotDeleteProposal"));
            }
            m.open.remove(i);
            Ok(Effect {
                events: vec!["ProposalDeleted"],
                ..Effect::default()
            })
        })
    }

    /// The configuration after `change` must be valid.
    fn validate(&self, change: &Change) -> Result<(), Refusal> {
        if change.add.is_empty()
            && change.remove.is_empty()
            && change.update.is_empty()
            && change.threshold.is_none()
        {
            return Err(cfg("EEmptyConfigChange"));
        }
        let added: BTreeSet<usize> = change.add.iter().map(|(a, _)| *a).collect();
        let removed: BTreeSet<CapH> = change.remove.iter().copied().collect();
        let updated: BTreeSet<CapH> = change.update.iter().map(|(c, _)| *c).collect();
        if added.len() != change.add.len()
            || removed.len() != change.remove.len()
            || updated.len() != change.update.len()
        {
            return Err(mc("EDuplicateController"));
        }
        if change
            .remove
            .iter()
            .any(|c| !self.controllers.contains_key(c))
        {
            return Err(cfg("EUnknownController"));
        }
        for (cap, vp) in &change.update {
            if !self.controllers.contains_key(cap) {
                return Err(cfg("EUnknownController"));
            }
            if removed.contains(cap) {
                return Err(cfg("ERemovedAndUpdated"));
            }
            check_voting_power(*vp)?;
        }
        let mut after: BTreeMap<CapH, u64> = self.controllers.clone();
        for cap in &change.remove {
            after.remove(cap);
        }
        for (cap, vp) in &change.update {
            after.insert(*cap, *vp);
        }
        let mut total: u64 = after.values().sum();
        for (_, vp) in &change.add {
            check_voting_power(*vp)?;
            total += vp;
        }
        let count = after.len() + change.add.len();
        if count == 0 {
            return Err(cfg("ENoControllers"));
        }
        if count > MAX_CONTROLLERS {
            return Err(cfg("ETooManyControllers"));
        }
        let threshold = change.threshold.unwrap_or(self.threshold);
        if threshold == 0 || threshold > total {
            return Err(cfg("EInvalidThreshold"));
        }
        Ok(())
    }
}

fn check_voting_power(vp: u64) -> Result<(), Refusal> {
    if (1..=MAX_VOTING_POWER).contains(&vp) {
        Ok(())
    } else {
        Err(mc("EInvalidVotingPower"))
    }
}

/// The header rule of on-chain documents: `"DID"`, version 1, encoding 0 or 1.
fn check_document(doc: &[u8]) -> Result<(), Refusal> {
    let refuse = |c| Err(Refusal::abort("document", c));
    if doc.len() > 32 * 1024 {
        return refuse("EDocumentTooLarge");
    }
    if doc.len() < 5 || &doc[..3] != b"DID" {
        return refuse("ENotADidDocument");
    }
    if doc[3] != 1 {
        return refuse("EUnsupportedFormatVersion");
    }
    if doc[4] > 1 {
        return refuse("EUnsupportedEncoding");
    }
    Ok(())
}

// === Operations ===

/// Picks a cap or a proposal: usually a current controller or an open proposal, sometimes a
/// stale one (a removed controller's cap, an executed or deleted proposal) when there is one.
#[derive(Clone, Debug)]
struct Pick {
    stale: bool,
    index: Index,
}

#[derive(Clone, Debug)]
enum VotingPower {
    Valid(u64),
    Zero,
    Max,
    AboveMax,
}

impl VotingPower {
    fn value(&self) -> u64 {
        match self {
            VotingPower::Valid(v) => *v,
            VotingPower::Zero => 0,
            VotingPower::Max => MAX_VOTING_POWER,
            VotingPower::AboveMax => MAX_VOTING_POWER + 1,
        }
    }
}

#[derive(Clone, Debug)]
enum Threshold {
    /// This value.
    Absolute(u64),
    /// The total voting power after the rest of the change, plus this offset (at least 0).
    FromTotal(i64),
}

#[derive(Clone, Debug)]
enum ChangeSpec {
    Add(usize, VotingPower, Option<Threshold>),
    Remove(Pick, Option<Threshold>),
    SetVotingPower(Pick, VotingPower),
    SetThreshold(Threshold),
    /// Re-weighs (or, with no voting power, removes) a current controller that approved an
    /// open proposal: the change the recount at execution exists for.
    ReweighVoter {
        proposal: Index,
        voter: Index,
        voting_power: Option<VotingPower>,
    },
    /// Removes every current controller.
    RemoveAll,
    /// Adds the same account twice.
    DuplicateAdd(usize),
    /// Removes and updates the same controller.
    RemoveAndUpdate(Pick),
    Empty,
    Mixed {
        add: Option<(usize, VotingPower)>,
        remove: Option<Pick>,
        update: Option<(Pick, VotingPower)>,
        threshold: Option<Threshold>,
    },
}

#[derive(Clone, Debug)]
enum Op {
    ProposeDid {
        actor: Pick,
        expiration: Option<i64>,
        payload: u8,
        valid: bool,
    },
    ProposeConfig {
        actor: Pick,
        expiration: Option<i64>,
        change: ChangeSpec,
    },
    Approve {
        actor: Pick,
        proposal: Pick,
    },
    RemoveApproval {
        actor: Pick,
        proposal: Pick,
    },
    Reject {
        actor: Pick,
        proposal: Pick,
    },
    Execute {
        actor: Pick,
        proposal: Pick,
    },
    Delete {
        actor: Pick,
        proposal: Pick,
    },
    /// Controllers that have not approved an open proposal approve it, one call each, until
    /// it has the votes to execute, then `executor` (if any) executes it: makes executions (and
    /// so config changes that re-weigh votes cast on other proposals) common enough to matter
    /// in a few dozen cases.
    Rally {
        proposal: Index,
        executor: Option<Pick>,
    },
    /// A controller proposes a config change, others rally to it, and `executor` executes
    /// it: the change then applies to the votes already cast on other open proposals.
    Govern {
        actor: Pick,
        change: ChangeSpec,
        executor: Pick,
    },
    AdvanceEpoch,
}

/// An operation resolved against the current state, naming caps and proposals by handle.
#[derive(Clone, Debug)]
enum Act {
    ProposeDid {
        actor: CapH,
        expiration: Option<u64>,
        doc: Vec<u8>,
    },
    ProposeConfig {
        actor: CapH,
        expiration: Option<u64>,
        change: Change,
    },
    Approve(CapH, PropH),
    RemoveApproval(CapH, PropH),
    Reject(CapH, PropH),
    Execute(CapH, PropH),
    Delete(CapH, PropH),
    AdvanceEpoch,
}

fn pick() -> impl Strategy<Value = Pick> {
    (prop::bool::weighted(0.15), any::<Index>()).prop_map(|(stale, index)| Pick { stale, index })
}

fn voting_power() -> impl Strategy<Value = VotingPower> {
    prop_oneof![
        12 => (1u64..=4).prop_map(VotingPower::Valid),
        1 => Just(VotingPower::Zero),
        1 => Just(VotingPower::Max),
        1 => Just(VotingPower::AboveMax),
    ]
}

fn threshold() -> impl Strategy<Value = Threshold> {
    prop_oneof![
        2 => (0u64..=5).prop_map(Threshold::Absolute),
        3 => (-2i64..=1).prop_map(Threshold::FromTotal),
    ]
}

fn expiration() -> impl Strategy<Value = Option<i64>> {
    prop_oneof![3 => Just(None), 2 => (-1i64..=2).prop_map(Some)]
}

fn change() -> impl Strategy<Value = ChangeSpec> {
    let account = 0..ACCOUNTS;
    prop_oneof![
        4 => (account.clone(), voting_power(), prop::option::weighted(0.4, threshold()))
            .prop_map(|(a, vp, t)| ChangeSpec::Add(a, vp, t)),
        4 => (pick(), prop::option::weighted(0.3, threshold()))
            .prop_map(|(p, t)| ChangeSpec::Remove(p, t)),
        6 => (pick(), voting_power()).prop_map(|(p, vp)| ChangeSpec::SetVotingPower(p, vp)),
        3 => threshold().prop_map(ChangeSpec::SetThreshold),
        5 => (any::<Index>(), any::<Index>(), prop::option::weighted(0.7, voting_power()))
            .prop_map(|(proposal, voter, voting_power)| ChangeSpec::ReweighVoter {
                proposal,
                voter,
                voting_power,
            }),
        1 => Just(ChangeSpec::RemoveAll),
        1 => account.clone().prop_map(ChangeSpec::DuplicateAdd),
        1 => pick().prop_map(ChangeSpec::RemoveAndUpdate),
        1 => Just(ChangeSpec::Empty),
        2 => (
            prop::option::of((account, voting_power())),
            prop::option::of(pick()),
            prop::option::of((pick(), voting_power())),
            prop::option::of(threshold()),
        )
            .prop_map(|(add, remove, update, threshold)| ChangeSpec::Mixed {
                add,
                remove,
                update,
                threshold,
            }),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (pick(), expiration(), any::<u8>(), prop::bool::weighted(0.9)).prop_map(
            |(actor, expiration, payload, valid)| Op::ProposeDid { actor, expiration, payload, valid }
        ),
        4 => (pick(), expiration(), change())
            .prop_map(|(actor, expiration, change)| Op::ProposeConfig { actor, expiration, change }),
        4 => (pick(), pick()).prop_map(|(actor, proposal)| Op::Approve { actor, proposal }),
        1 => (pick(), pick()).prop_map(|(actor, proposal)| Op::RemoveApproval { actor, proposal }),
        2 => (pick(), pick()).prop_map(|(actor, proposal)| Op::Reject { actor, proposal }),
        3 => (pick(), pick()).prop_map(|(actor, proposal)| Op::Execute { actor, proposal }),
        1 => (pick(), pick()).prop_map(|(actor, proposal)| Op::Delete { actor, proposal }),
        4 => (any::<Index>(), prop::option::of(pick()))
            .prop_map(|(proposal, executor)| Op::Rally { proposal, executor }),
        2 => (pick(), change(), pick())
            .prop_map(|(actor, change, executor)| Op::Govern { actor, change, executor }),
        1 => Just(Op::AdvanceEpoch),
    ]
}

/// Initial controllers (accounts 0..n with these voting powers) and a threshold in 1..=total,
/// usually one no single controller reaches (so proposals stay open for others to approve).
fn genesis() -> impl Strategy<Value = (Vec<u64>, u64)> {
    let count = prop_oneof![1 => Just(1usize), 5 => 2usize..=4];
    count
        .prop_flat_map(|n| prop::collection::vec(1u64..=3, n))
        .prop_flat_map(|powers| {
            let total: u64 = powers.iter().sum();
            let max = *powers.iter().max().expect("at least one controller");
            let shared = if max < total { max + 1 } else { 1 };
            (
                Just(powers),
                prop_oneof![1 => 1..=total, 3 => shared..=total],
            )
        })
}

// === The driver: one operation on the model and on the chain ===

struct Driver<'c> {
    identity: ChainIdentity<'c>,
    model: Model,
    /// Cap handle -> cap ID.
    caps: Vec<ObjectID>,
    /// Proposal handle -> proposal ID and kind.
    proposals: Vec<(ObjectID, ProposalKind)>,
}

impl Driver<'_> {
    fn pick_cap(&self, p: &Pick) -> CapH {
        let (current, removed): (Vec<CapH>, Vec<CapH>) =
            (0..self.caps.len()).partition(|c| self.model.controllers.contains_key(c));
        if p.stale && !removed.is_empty() {
            *p.index.get(&removed)
        } else {
            *p.index.get(&current)
        }
    }

    fn pick_proposal(&self, p: &Pick) -> Option<PropH> {
        let (open, closed): (Vec<PropH>, Vec<PropH>) =
            (0..self.proposals.len()).partition(|h| self.model.position(*h).is_some());
        if p.stale && !closed.is_empty() || open.is_empty() {
            (!closed.is_empty()).then(|| *p.index.get(&closed))
        } else {
            Some(*p.index.get(&open))
        }
    }

    /// How the recount at execution differs from counting the votes as cast, for the log (and
    /// so for judging what the generated cases exercise).
    fn recount_notes(&self, h: PropH) -> String {
        let m = &self.model;
        let Some(i) = m.position(h) else {
            return String::new();
        };
        let voters = &m.open[i].voters;
        let mut notes = vec![];
        if voters.keys().any(|v| !m.controllers.contains_key(v)) {
            notes.push("a voter was removed");
        }
        if voters
            .iter()
            .any(|(v, vp)| m.controllers.get(v).is_some_and(|now| now != vp))
        {
            notes.push("a voter's power changed");
        }
        let as_cast: u64 = voters.values().sum();
        if (as_cast >= m.threshold) != (m.tally(voters) >= m.threshold) {
            notes.push("the recount decides");
        }
        if notes.is_empty() {
            String::new()
        } else {
            format!(" [{}]", notes.join(", "))
        }
    }

    fn expiration(&self, offset: Option<i64>) -> Option<u64> {
        offset.map(|o| (self.model.epoch as i64 + o).max(0) as u64)
    }

    /// `change` with the threshold `t` (none keeps the current one).
    fn with_threshold(&self, mut change: Change, t: Option<&Threshold>) -> Change {
        change.threshold = t.map(|t| match t {
            Threshold::Absolute(v) => *v,
            Threshold::FromTotal(o) => (self.model.total_after(&change) as i64 + o).max(0) as u64,
        });
        change
    }

    fn change(&self, spec: &ChangeSpec) -> Change {
        match spec {
            ChangeSpec::Add(account, vp, t) => self.with_threshold(
                Change {
                    add: vec![(*account, vp.value())],
                    ..Change::default()
                },
                t.as_ref(),
            ),
            ChangeSpec::Remove(p, t) => self.with_threshold(
                Change {
                    remove: vec![self.pick_cap(p)],
                    ..Change::default()
                },
                t.as_ref(),
            ),
            ChangeSpec::SetVotingPower(p, vp) => Change {
                update: vec![(self.pick_cap(p), vp.value())],
                ..Change::default()
            },
            ChangeSpec::SetThreshold(t) => self.with_threshold(Change::default(), Some(t)),
            ChangeSpec::ReweighVoter {
                proposal,
                voter,
                voting_power,
            } => {
                let m = &self.model;
                let voters: Vec<CapH> = if m.open.is_empty() {
                    vec![]
                } else {
                    let p = proposal.get(&m.open);
                    p.voters
                        .keys()
                        .filter(|v| m.controllers.contains_key(v))
                        .copied()
                        .collect()
                };
                let target = if voters.is_empty() {
                    *voter.get(&m.controllers.keys().copied().collect::<Vec<_>>())
                } else {
                    *voter.get(&voters)
                };
                match voting_power {
                    Some(vp) => Change {
                        update: vec![(target, vp.value())],
                        ..Change::default()
                    },
                    None => Change {
                        remove: vec![target],
                        ..Change::default()
                    },
                }
            }
            ChangeSpec::RemoveAll => Change {
                remove: self.model.controllers.keys().copied().collect(),
                ..Change::default()
            },
            ChangeSpec::DuplicateAdd(account) => Change {
                add: vec![(*account, 1), (*account, 1)],
                ..Change::default()
            },
            ChangeSpec::RemoveAndUpdate(p) => {
                let cap = self.pick_cap(p);
                Change {
                    remove: vec![cap],
                    update: vec![(cap, 1)],
                    ..Change::default()
                }
            }
            ChangeSpec::Empty => Change::default(),
            ChangeSpec::Mixed {
                add,
                remove,
                update,
                threshold,
            } => self.with_threshold(
                Change {
                    add: add.iter().map(|(a, vp)| (*a, vp.value())).collect(),
                    remove: remove.iter().map(|p| self.pick_cap(p)).collect(),
                    update: update
                        .iter()
                        .map(|(p, vp)| (self.pick_cap(p), vp.value()))
                        .collect(),
                    threshold: None,
                },
                threshold.as_ref(),
            ),
        }
    }

    fn chain_change(&self, change: &Change) -> ConfigChange {
        ConfigChange {
            threshold: change.threshold,
            add_addresses: change
                .add
                .iter()
                .map(|(a, _)| self.identity.chain().address(*a))
                .collect(),
            add_voting_powers: change.add.iter().map(|(_, vp)| *vp).collect(),
            add_can_delegate: change.add.iter().map(|_| false).collect(),
            remove: change.remove.iter().map(|c| self.caps[*c]).collect(),
            update_ids: change.update.iter().map(|(c, _)| self.caps[*c]).collect(),
            update_voting_powers: change.update.iter().map(|(_, vp)| *vp).collect(),
        }
    }

    /// Resolves a generated operation against the current state: the concrete calls to make.
    fn resolve(&self, op: &Op) -> Vec<Act> {
        match op {
            Op::AdvanceEpoch => vec![Act::AdvanceEpoch],
            Op::ProposeDid {
                actor,
                expiration,
                payload,
                valid,
            } => vec![Act::ProposeDid {
                actor: self.pick_cap(actor),
                expiration: self.expiration(*expiration),
                doc: if *valid {
                    TestChain::document(&[*payload])
                } else {
                    vec![b'X', b'Y', b'Z', 1, 0, *payload]
                },
            }],
            Op::ProposeConfig {
                actor,
                expiration,
                change,
            } => vec![Act::ProposeConfig {
                actor: self.pick_cap(actor),
                expiration: self.expiration(*expiration),
                change: self.change(change),
            }],
            Op::Approve { actor, proposal } => self.on_proposal(proposal, actor, Act::Approve),
            Op::RemoveApproval { actor, proposal } => {
                self.on_proposal(proposal, actor, Act::RemoveApproval)
            }
            Op::Reject { actor, proposal } => self.on_proposal(proposal, actor, Act::Reject),
            Op::Execute { actor, proposal } => self.on_proposal(proposal, actor, Act::Execute),
            Op::Delete { actor, proposal } => self.on_proposal(proposal, actor, Act::Delete),
            Op::Rally {
                proposal: index,
                executor,
            } => {
                if self.model.open.is_empty() {
                    return vec![];
                }
                let p = index.get(&self.model.open);
                let mut acts = self.rally(p, index);
                if let Some(executor) = executor {
                    // Picked now: the approvals do not change the controllers.
                    acts.push(Act::Execute(self.pick_cap(executor), p.handle));
                }
                acts
            }
            // Resolved call by call in `run_case`: the proposal exists only once proposed.
            Op::Govern { .. } => unreachable!("Govern is resolved step by step"),
        }
    }

    /// Approvals, by controllers that have not approved `p`, that bring it to the threshold.
    fn rally(&self, p: &ModelProposal, order: &Index) -> Vec<Act> {
        let m = &self.model;
        let mut missing: Vec<CapH> = m
            .controllers
            .keys()
            .filter(|c| !p.voters.contains_key(c) && !p.rejecters.contains(c))
            .copied()
            .collect();
        let start = order.index(missing.len().max(1));
        missing.rotate_left(start);
        let mut votes = m.tally(&p.voters);
        let mut acts = vec![];
        for c in missing {
            if votes >= m.threshold {
                break;
            }
            votes += m.controllers[&c];
            acts.push(Act::Approve(c, p.handle));
        }
        acts
    }

    /// Runs `op`, logging each call.
    fn run(&mut self, op: &Op, log: &mut Vec<String>) -> Result<(), TestCaseError> {
        let Op::Govern {
            actor,
            change,
            executor,
        } = op
        else {
            for act in self.resolve(op) {
                log.push(self.step(&act)?);
            }
            return Ok(());
        };
        // The proposal whose voter a `ReweighVoter` change targets: executing it after the
        // change is what checks the recount.
        let reweighed = match change {
            ChangeSpec::ReweighVoter { proposal, .. } if !self.model.open.is_empty() => {
                Some(proposal.get(&self.model.open).handle)
            }
            _ => None,
        };
        let before = self.proposals.len();
        let propose = Act::ProposeConfig {
            actor: self.pick_cap(actor),
            expiration: None,
            change: self.change(change),
        };
        log.push(self.step(&propose)?);
        if self.proposals.len() > before {
            let h = before;
            let p = self.model.open[self.model.position(h).expect("just opened")].clone();
            for act in self.rally(&p, &executor.index) {
                log.push(self.step(&act)?);
            }
            let execute = Act::Execute(self.pick_cap(executor), h);
            log.push(self.step(&execute)?);
        }
        if let Some(h) = reweighed {
            log.push(self.step(&Act::Execute(self.pick_cap(executor), h))?);
        }
        Ok(())
    }

    fn on_proposal(&self, proposal: &Pick, actor: &Pick, act: fn(CapH, PropH) -> Act) -> Vec<Act> {
        self.pick_proposal(proposal)
            .map(|h| act(self.pick_cap(actor), h))
            .into_iter()
            .collect()
    }

    /// Runs one call on both sides and compares the outcomes and the resulting state. Returns
    /// a description of the call and its outcome, for the failure report.
    fn step(&mut self, act: &Act) -> Result<String, TestCaseError> {
        let chain = self.identity.chain();
        let (what, expected, actual) = match act {
            Act::AdvanceEpoch => {
                let epoch = chain.chain.advance_epoch().expect("epoch advances");
                self.model.epoch += 1;
                prop_assert_eq!(epoch, self.model.epoch);
                return Ok(format!("advance to epoch {epoch}"));
            }
            Act::ProposeDid {
                actor,
                expiration,
                doc,
            } => (
                format!("cap {actor} proposes document {doc:?}, expiring {expiration:?}"),
                self.model
                    .propose(*actor, *expiration, Action::Update(doc.clone())),
                self.identity
                    .propose_update(self.caps[*actor], *expiration, doc)
                    .map(|p| p.result),
            ),
            Act::ProposeConfig {
                actor,
                expiration,
                change,
            } => {
                let chain_change = self.chain_change(change);
                (
                    format!("cap {actor} proposes {change:?}, expiring {expiration:?}"),
                    self.model
                        .propose(*actor, *expiration, Action::Config(change.clone())),
                    self.identity
                        .propose_config(self.caps[*actor], *expiration, &chain_change)
                        .map(|p| p.result),
                )
            }
            Act::Approve(actor, h)
            | Act::RemoveApproval(actor, h)
            | Act::Reject(actor, h)
            | Act::Execute(actor, h)
            | Act::Delete(actor, h) => {
                let (actor, h) = (*actor, *h);
                let (id, kind) = self.proposals[h];
                let cap = self.caps[actor];
                let (verb, expected, actual) = match act {
                    Act::Approve(..) => (
                        "approves".to_string(),
                        self.model.approve(actor, h),
                        self.identity.approve(cap, kind, id),
                    ),
                    Act::RemoveApproval(..) => (
                        "withdraws approval of".to_string(),
                        self.model.remove_approval(actor, h),
                        self.identity.remove_approval(cap, kind, id),
                    ),
                    Act::Reject(..) => (
                        "rejects".to_string(),
                        self.model.reject(actor, h),
                        self.identity.reject(cap, kind, id),
                    ),
                    Act::Execute(..) => (
                        format!("executes{}", self.recount_notes(h)),
                        self.model.execute(actor, h),
                        self.identity.execute(cap, kind, id),
                    ),
                    _ => (
                        "deletes".to_string(),
                        self.model.delete(actor, h),
                        self.identity.delete_proposal(cap, kind, id),
                    ),
                };
                (format!("cap {actor} {verb} proposal {h}"), expected, actual)
            }
        };
        match (&expected, &actual) {
            (Ok(effect), Ok(result)) => {
                let mut events: Vec<&str> = result
                    .events
                    .iter()
                    .map(|e| e.type_.name.as_str())
                    .collect();
                events.sort_unstable();
                prop_assert_eq!(&events, &effect.events, "events of: {}", what);
                if let Some(h) = effect.opened {
                    let id = chain
                        .created_proposal(result)
                        .ok_or_else(|| TestCaseError::fail(format!("{what}: no proposal")))?;
                    prop_assert_eq!(h, self.proposals.len());
                    let kind = self.model.open[self.model.open.len() - 1].action.kind();
                    self.proposals.push((id, kind));
                }
                let mut minted = chain.created_caps(result);
                for (h, account) in &effect.minted {
                    prop_assert_eq!(*h, self.caps.len());
                    let owner = chain.address(*account);
                    let i = minted
                        .iter()
                        .position(|c| c.owner == owner)
                        .ok_or_else(|| {
                            TestCaseError::fail(format!(
                                "{what}: no cap minted for account {account}"
                            ))
                        })?;
                    self.caps.push(minted.remove(i).id);
                }
                prop_assert!(minted.is_empty(), "{}: unexpected caps {:?}", what, minted);
            }
            (Err(e), Err(a)) => prop_assert_eq!(e, a, "refusal of: {}", what),
            _ => {
                return Err(TestCaseError::fail(format!(
                    "{what}: the model says {:?}, the chain says {:?}",
                    expected.as_ref().map(|_| "success"),
                    actual.as_ref().map(|r| r.digest),
                )))
            }
        }
        self.check_state()
            .map_err(|e| TestCaseError::fail(format!("after {what}: {e}")))?;
        Ok(match &expected {
            Ok(effect) => format!("{what}: ok {:?}", effect.events),
            Err(refusal) => format!("{what}: {refusal}"),
        })
    }

    /// The chain's identity and open proposals equal the model's.
    fn check_state(&self) -> Result<(), TestCaseError> {
        let m = &self.model;
        let state = self.identity.state();
        let controllers: BTreeMap<ObjectID, u64> = m
            .controllers
            .iter()
            .map(|(c, vp)| (self.caps[*c], *vp))
            .collect();
        prop_assert_eq!(&state.controllers(), &controllers, "controllers");
        prop_assert_eq!(state.threshold(), m.threshold, "threshold");
        prop_assert_eq!(state.document(), &m.doc, "document");
        let open: Vec<ObjectID> = m.open.iter().map(|p| self.proposals[p.handle].0).collect();
        prop_assert_eq!(state.active_proposals(), &open[..], "open proposals");
        prop_assert_eq!(state.did_doc.proposals.size, open.len() as u64, "bag size");
        let creators: Vec<ObjectID> = m.open.iter().map(|p| self.caps[p.creator]).collect();
        prop_assert_eq!(
            &state.did_doc.proposal_creators,
            &creators,
            "proposal creators"
        );
        let mut in_bag = self.identity.proposals_in_bag();
        in_bag.sort();
        let mut expected = open.clone();
        expected.sort();
        prop_assert_eq!(in_bag, expected, "proposals in the bag");
        for (h, (id, _)) in self.proposals.iter().enumerate() {
            if m.position(h).is_none() {
                prop_assert!(
                    self.identity.chain().object(*id).is_none(),
                    "closed proposal {} still exists",
                    h
                );
            }
        }
        for p in &m.open {
            let (id, _) = self.proposals[p.handle];
            let (voters, rejecters, expiration) = match &p.action {
                Action::Update(doc) => {
                    let chain = self
                        .identity
                        .proposal::<UpdateDid>(id)
                        .ok_or_else(|| TestCaseError::fail(format!("proposal {id} is gone")))?;
                    prop_assert_eq!(&chain.action.doc, &Some(doc.clone()));
                    (
                        chain.voters.contents,
                        chain.rejecters.contents,
                        chain.expiration_epoch,
                    )
                }
                Action::Config(change) => {
                    let chain = self
                        .identity
                        .proposal::<ConfigChange>(id)
                        .ok_or_else(|| TestCaseError::fail(format!("proposal {id} is gone")))?;
                    prop_assert_eq!(&chain.action, &self.chain_change(change));
                    (
                        chain.voters.contents,
                        chain.rejecters.contents,
                        chain.expiration_epoch,
                    )
                }
            };
            prop_assert_eq!(
                expiration,
                p.expiration,
                "expiration of proposal {}",
                p.handle
            );
            // Voters that are no longer controllers count for nothing; the package may drop
            // them lazily, so only current controllers' votes must match exactly.
            let voters: BTreeSet<ObjectID> = voters.into_iter().collect();
            let all: BTreeSet<ObjectID> = p.voters.keys().map(|c| self.caps[*c]).collect();
            prop_assert!(
                voters.is_subset(&all),
                "proposal {}: voters {:?} not all approved it",
                p.handle,
                voters
            );
            let current = |c: &ObjectID| controllers.contains_key(c);
            prop_assert_eq!(
                voters.iter().filter(|c| current(c)).collect::<Vec<_>>(),
                all.iter().filter(|c| current(c)).collect::<Vec<_>>(),
                "current voters of proposal {}",
                p.handle
            );
            let rejecters: BTreeSet<ObjectID> = rejecters.into_iter().collect();
            let all: BTreeSet<ObjectID> = p.rejecters.iter().map(|c| self.caps[*c]).collect();
            prop_assert!(
                rejecters.is_subset(&all),
                "proposal {}: rejecters",
                p.handle
            );
            prop_assert_eq!(
                rejecters.iter().filter(|c| current(c)).collect::<Vec<_>>(),
                all.iter().filter(|c| current(c)).collect::<Vec<_>>(),
                "current rejecters of proposal {}",
                p.handle
            );
        }
        Ok(())
    }
}

fn run_case(powers: Vec<u64>, threshold: u64, ops: Vec<Op>) -> Result<(), TestCaseError> {
    let chain = TestChain::new(ACCOUNTS);
    let doc = TestChain::document(b"{}");
    let specs: Vec<ControllerSpec> = powers
        .iter()
        .enumerate()
        .map(|(i, vp)| ControllerSpec::new(i, *vp))
        .collect();
    let identity = chain
        .create_identity(0, Some(&doc), &specs, threshold)
        .map_err(|e| TestCaseError::fail(format!("creation refused: {e}")))?;
    let mut caps = vec![];
    for i in 0..powers.len() {
        let held = identity.caps_of(i);
        prop_assert_eq!(held.len(), 1, "account {} holds one cap", i);
        caps.push(held[0]);
    }
    let mut driver = Driver {
        identity,
        model: Model::new(Some(doc), &powers, threshold),
        caps,
        proposals: vec![],
    };
    driver.check_state()?;
    let mut log = vec![];
    for op in &ops {
        if let Err(e) = driver.run(op, &mut log) {
            return Err(TestCaseError::fail(format!(
                "{e}\nafter:\n  {}\nmodel: {:?}",
                log.join("\n  "),
                driver.model
            )));
        }
    }
    if std::env::var_os("MOVID_PROPTEST_VERBOSE").is_some() {
        eprintln!(
            "case {powers:?} threshold {threshold}:\n  {}",
            log.join("\n  ")
        );
    }
    Ok(())
}

fn cases() -> u32 {
    std::env::var("MOVID_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        max_shrink_iters: 300,
        // Next to this file, as identity_model.proptest-regressions.
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn identity_follows_the_model(
        (powers, threshold) in genesis(),
        ops in prop::collection::vec(op(), 10..=25),
    ) {
        run_case(powers, threshold, ops)?;
    }
}
