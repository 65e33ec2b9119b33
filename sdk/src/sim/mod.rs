//! Simulations: multi-party identity scenarios on an in-process chain, for
//! your own tests.
//!
//! A [`Simulation`] runs a [`LocalChain`] in this process with a seed. Its
//! [actors](Simulation::actor) are named (`"alice"`), each with an Ed25519
//! key derived from the seed and the name and held by the key manager (an
//! in-memory [`Backend`]), and funded from the chain's faucet when they
//! join. An [`Actor`] is a [`Signer`]: it acts through the ordinary SDK
//! ([`IdentityClient`], [`Controller`], [`TransactionBuilder`]), so a
//! simulation exercises exactly the code your application runs. The same
//! seed and the same scenario give the same keys, objects and digests.
//!
//! Around the SDK, a simulation gives you:
//!
//! - **Time**: [`Simulation::advance_clock`] and
//!   [`Simulation::advance_epoch`]/[`Simulation::advance_epochs`], so expiring
//!   proposals and epoch-bound credentials are tested without sleeping.
//! - **Observation**: every executed transaction is a [`Step`] (who sent
//!   it, its commands, effects, events, the objects it changed and their
//!   types, the gas). [`Simulation::last_events`] and [`Simulation::events`]
//!   filter and decode events ([`events`]: the identity package's events
//!   as Rust structs, and your own). [`Simulation::trace`] is a readable
//!   account of the scenario, which the simulation prints by itself when a
//!   test panics (and [`Simulation::run`] prints when a scenario returns an
//!   error).
//! - **Snapshots**: [`Simulation::snapshot`] and [`Simulation::restore`]
//!   (or [`Simulation::fork`]): one set-up serves many branches.
//! - **Concurrency**: [`Simulation::concurrently`] runs actors at the same
//!   time on threads of their own, against shared objects.
//! - **Packages**: [`Simulation::publish`] builds a Move package from
//!   source and publishes it.
//!
//! A three-controller identity whose document two of them update:
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! use movid_sdk::did::DidDocument;
//! use movid_sdk::sim::{events::ProposalApproved, Simulation};
//!
//! Simulation::run(7, |sim| async move {
//!     let [alice, bob, carol] = sim.actors(["alice", "bob", "carol"]).await?;
//!     let identity = sim.identities().create_identity()
//!         .controller(alice.address(), 1)
//!         .controller(bob.address(), 1)
//!         .controller(carol.address(), 1)
//!         .threshold(2)
//!         .execute(&alice).await?;
//!
//!     let doc = DidDocument::new(identity.did.clone());
//!     let proposal = alice.controller(identity.id).await?.propose_document(&doc).await?;
//!     bob.controller(identity.id).await?.approve(proposal.proposal_id).await?;
//!     let approved: ProposalApproved = sim.last_events().one()?;
//!     assert_eq!((approved.votes, approved.threshold), (2, 2));
//!
//!     bob.controller(identity.id).await?.execute(proposal.proposal_id).await?;
//!     let identity = sim.identities().get_identity(identity.id).await?;
//!     assert_eq!(identity.document()?, Some(doc));
//!     println!("{}", sim.trace());
//!     Ok(())
//! }).await;
//! # });
//! ```
//!
//! The trace of that scenario reads:
//!
//! ```text
//! ── movid simulation, seed 7: 4 transactions, net gas 24,870,845 ──
//!    ·  alice 0x0244…cd14 joins with 2 × 1,000 SUI
//!    ·  bob 0x8522…1e55 joins with 2 × 1,000 SUI
//!    ·  carol 0x0389…536b joins with 2 × 1,000 SUI
//!   #0  alice      identity::new_with_controllers  [ok; gas 6,025,804; epoch 0]
//!           created   ControllerCap cap(alice) → alice
//!           created   ControllerCap cap(bob) → bob
//!           created   ControllerCap cap(carol) → carol
//!           created   Identity identity#1 (shared)
//!           event     IdentityCreated identity#1 by alice: controllers [alice ×1, bob ×1, carol ×1], threshold 2
//!   #1  alice      controller::auth_with_cap, did_proposal::propose_update  [ok; gas 6,601,623; epoch 0]
//!           created   Field<Wrapper<ID>, ID> field(proposal#1) in identity#1's proposals
//!           created   Proposal<UpdateDid> proposal#1 in field(proposal#1)
//!           mutated   Identity identity#1 (shared)
//!           mutated   ControllerCap cap(alice) → alice
//!           event     ProposalCreated proposal#1 on identity#1 by cap(alice): 1/2 votes
//!   #2  bob        controller::auth_with_cap, identity::approve_proposal<UpdateDid>  [ok; gas 5,128,063; epoch 0]
//!           ...
//!           event     ProposalApproved proposal#1 by cap(bob): 2/2 votes
//!   #3  bob        controller::auth_with_cap, did_proposal::execute_update  [ok; gas 7,115,355; epoch 0]
//!           mutated   Identity identity#1 (shared)
//!           mutated   ControllerCap cap(bob) → bob
//!           deleted   Field<Wrapper<ID>, ID> field(proposal#1)
//!           deleted   Proposal<UpdateDid> proposal#1
//!           event     ProposalExecuted proposal#1 by cap(bob)
//!           event     DidDocumentUpdated identity#1
//! ```
//!
//! Gas amounts are in MIST (10⁹ per SUI). A failed dry run (the
//! SDK stops before submitting), a refused transaction, the faucet, clock
//! and epoch changes, snapshots and restores each take a line `·` of their
//! own.

mod client;
pub mod events;
mod trace;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::future::Future;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use movid_runtime::build::{build_package, BuildOptions};
use movid_runtime::chain::LocalChain;
use movid_runtime::crypto::Signature;
use movid_runtime::genesis::{GenesisConfig, MIST_PER_SUI};
use movid_runtime::store::MemoryStore;
use movid_runtime::types::{
    salted_digest, Address, Digest, Object, ObjectID, ObjectReference, TransactionData, WellKnown,
};

pub use events::{Events, IdentityEvent, MoveEvent};
pub use trace::{Change, ChangeKind, Step, Trace};

use self::client::{Current, Record, SimClient};
use self::trace::{as_sui, Label, Line};
use crate::client::{coin_balance, Client};
use crate::error::{SdkError, SdkResult};
use crate::identity::{Controller, IdentityClient};
use crate::keys::{
    Backend, Capability, Committer, Handle, IdentityManager, KeyError, KeyMaterial, Scheme,
};
use crate::tx::{struct_tag, Signer, TransactionBuilder, TransactionResponse};

/// How a simulation starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimConfig {
    /// Derives the actors' keys: the same seed gives the same keys, and the
    /// same scenario the same objects and digests.
    pub seed: u64,
    /// Gas coins each actor receives when it joins.
    pub coins_per_actor: usize,
    /// The value of each, in MIST.
    pub coin_value: u64,
    /// The clock at genesis, in ms since the Unix epoch.
    pub start_time_ms: u64,
    /// Whether the trace is printed (to stderr) when a test panics while
    /// the simulation is alive.
    pub print_trace_on_panic: bool,
}

impl SimConfig {
    /// The defaults with `seed`: 2 coins of 1,000 SUI per actor, the
    /// development chain's genesis time, the trace printed on panic.
    pub fn new(seed: u64) -> SimConfig {
        SimConfig {
            seed,
            coins_per_actor: 2,
            coin_value: 1_000 * MIST_PER_SUI,
            start_time_ms: GenesisConfig::default().start_time_ms,
            print_trace_on_panic: true,
        }
    }
}

/// A local chain with named actors, recorded step by step.
///
/// Cloning is cheap and shares the simulation (clones may move to other
/// tasks and threads). See the [module documentation](self).
#[derive(Clone)]
pub struct Simulation {
    inner: Arc<Inner>,
}

struct Inner {
    config: SimConfig,
    genesis: GenesisConfig,
    client: Arc<SimClient>,
    identities: IdentityClient,
    backend: Backend,
    actors: Mutex<BTreeMap<String, Actor>>,
    snapshots: AtomicU64,
    trace_printed: AtomicBool,
}

impl std::fmt::Debug for Simulation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulation")
            .field("seed", &self.inner.config.seed)
            .field("epoch", &self.epoch())
            .field("clock_ms", &self.clock_ms())
            .field("steps", &self.inner.client.record().steps.len())
            .finish_non_exhaustive()
    }
}

impl Simulation {
    /// A simulation with seed `seed` and the default [`SimConfig`].
    pub fn new(seed: u64) -> SdkResult<Simulation> {
        Simulation::with_config(SimConfig::new(seed))
    }

    /// A simulation on a fresh in-memory chain. Genesis funds no one:
    /// actors get their gas when they join.
    pub fn with_config(config: SimConfig) -> SdkResult<Simulation> {
        let genesis = GenesisConfig {
            accounts: vec![],
            coins_per_account: 0,
            coin_value: 0,
            start_time_ms: config.start_time_ms,
        };
        let current = Current::open(Arc::new(MemoryStore::new()), &genesis)?;
        Ok(Simulation::assemble(
            config,
            genesis,
            current,
            Record::default(),
            Backend::memory(),
        ))
    }

    fn assemble(
        config: SimConfig,
        genesis: GenesisConfig,
        current: Current,
        record: Record,
        backend: Backend,
    ) -> Simulation {
        let client = Arc::new(SimClient::new(current));
        *client.record() = record;
        let identities = IdentityClient::new(client.clone());
        Simulation {
            inner: Arc::new(Inner {
                config,
                genesis,
                client,
                identities,
                backend,
                actors: Mutex::new(BTreeMap::new()),
                snapshots: AtomicU64::new(0),
                trace_printed: AtomicBool::new(false),
            }),
        }
    }

    /// Runs `scenario` on a new simulation with seed `seed`; if it returns an
    /// error, prints the trace and panics with the error (a panic inside it
    /// prints the trace too). For `#[tokio::test]`s written with `?`.
    pub async fn run<F, Fut>(seed: u64, scenario: F)
    where
        F: FnOnce(Simulation) -> Fut,
        Fut: Future<Output = Result<(), Box<dyn std::error::Error>>>,
    {
        let sim = match Simulation::new(seed) {
            Ok(sim) => sim,
            Err(e) => panic!("cannot start the simulated chain: {e}"),
        };
        if let Err(e) = scenario(sim.clone()).await {
            sim.inner.trace_printed.store(true, Ordering::SeqCst);
            eprintln!("{}", sim.trace());
            panic!("the scenario failed: {e}");
        }
    }

    /// The configuration.
    pub fn config(&self) -> &SimConfig {
        &self.inner.config
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.inner.config.seed
    }

    /// The client every actor uses (records what it executes).
    pub fn client(&self) -> &dyn Client {
        &*self.inner.client
    }

    /// The same client, shared.
    pub fn shared_client(&self) -> Arc<dyn Client> {
        self.inner.client.clone()
    }

    /// An identity client over the simulation's client.
    pub fn identities(&self) -> &IdentityClient {
        &self.inner.identities
    }

    /// The chain now running (a restore replaces it).
    pub fn chain(&self) -> Arc<LocalChain> {
        self.inner.client.current().chain().clone()
    }

    // ---- actors ----

    /// The actor named `name`, joining the simulation on first use: its key
    /// is derived from the seed and the name, imported into the key
    /// manager, and its address funded with
    /// [`SimConfig::coins_per_actor`] gas coins. (Two tasks creating the same
    /// new actor at once may both fund it.)
    pub async fn actor(&self, name: &str) -> SdkResult<Actor> {
        if let Some(actor) = self.actors_lock().get(name) {
            return Ok(actor.clone());
        }
        let material = KeyMaterial::from_ed25519_seed(actor_seed(self.seed(), name));
        let manager = IdentityManager::new();
        let backend = &self.inner.backend;
        let handle = match manager
            .import(
                backend,
                Scheme::Ed25519,
                &material,
                Capability::CommitAndDecrypt,
            )
            .await
        {
            Ok((_, handle)) => handle,
            // Known from before a restore: the key is the same.
            Err(KeyError::IdentityAlreadyExists { id }) => {
                manager
                    .connect(id, backend, Capability::CommitAndDecrypt)
                    .await?
            }
            Err(e) => return Err(e.into()),
        };
        let committer = handle.require_committer()?;
        let address = Address::new(committer.address());
        let actor = Actor {
            name: name.into(),
            address,
            handle,
            committer,
            identities: self.inner.identities.clone(),
        };
        let client = &self.inner.client;
        client
            .record()
            .naming
            .actors
            .insert(address, name.to_string());
        for _ in 0..self.inner.config.coins_per_actor {
            client.fund_quietly(address, self.inner.config.coin_value)?;
        }
        client.record().lines.push(Line::Note(format!(
            "{name} {} joins with {} × {} SUI",
            events::short_hex(&address.into_inner()),
            self.inner.config.coins_per_actor,
            as_sui(self.inner.config.coin_value)
        )));
        let mut actors = self.actors_lock();
        Ok(actors.entry(name.to_string()).or_insert(actor).clone())
    }

    /// Several actors at once: `let [alice, bob] = sim.actors(["alice", "bob"]).await?;`.
    pub async fn actors<const N: usize>(&self, names: [&str; N]) -> SdkResult<[Actor; N]> {
        let mut out = Vec::with_capacity(N);
        for name in names {
            out.push(self.actor(name).await?);
        }
        Ok(out
            .try_into()
            .unwrap_or_else(|_| unreachable!("one actor per name")))
    }

    /// Mints a gas coin of `amount` for `recipient` (an actor's or an
    /// identity's address).
    pub async fn fund(&self, recipient: Address, amount: u64) -> SdkResult<ObjectReference> {
        self.inner.client.faucet(recipient, amount).await
    }

    fn actors_lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Actor>> {
        self.inner.actors.lock().unwrap_or_else(|e| e.into_inner())
    }

    // ---- packages ----

    /// Builds the Move package at `path` from source and publishes it as
    /// the actor `"publisher"`; returns the package ID.
    pub async fn publish(&self, path: impl AsRef<Path>) -> SdkResult<ObjectID> {
        let publisher = self.actor("publisher").await?;
        Ok(self.publish_as(&publisher, path).await?.package_id)
    }

    /// Builds the Move package at `path` and publishes it as `actor`, who
    /// receives its `UpgradeCap`. A compile error is an
    /// [`SdkError::InvalidArgument`] carrying the compiler's report.
    pub async fn publish_as(&self, actor: &Actor, path: impl AsRef<Path>) -> SdkResult<Published> {
        let path = path.as_ref();
        let package = build_package(path, &BuildOptions::default()).map_err(|e| {
            SdkError::InvalidArgument(format!(
                "cannot build the Move package at {}: {e}",
                path.display()
            ))
        })?;
        let mut tx = actor.tx();
        let cap = tx.publish(package.module_bytes(), package.dependencies.clone());
        let to = tx.pure(&actor.address());
        tx.transfer_objects(vec![cap], to);
        let response = tx.execute(actor).await?;
        let package_id = response
            .created
            .iter()
            .find(|o| o.as_package().is_some())
            .map(Object::id)
            .ok_or_else(|| {
                SdkError::decode(
                    format!("the effects of {}", response.digest),
                    "no package was created",
                )
            })?;
        let upgrade_cap = response.created_id_of_type(&struct_tag(
            ObjectID::FRAMEWORK,
            "package",
            "UpgradeCap",
            vec![],
        ))?;
        self.label(package_id, format!("package {}", package.name));
        self.label(upgrade_cap, format!("UpgradeCap of {}", package.name));
        Ok(Published {
            name: package.name,
            package_id,
            upgrade_cap,
            response,
        })
    }

    // ---- time ----

    /// The current epoch.
    pub fn epoch(&self) -> u64 {
        self.inner.client.current().chain().epoch()
    }

    /// The chain's clock, in ms.
    pub fn clock_ms(&self) -> u64 {
        self.inner.client.current().chain().clock_ms()
    }

    /// Moves the clock forward by `ms` (the `Clock` object at 0x6 follows);
    /// returns the new time. The epoch does not change.
    pub async fn advance_clock(&self, ms: u64) -> SdkResult<u64> {
        self.inner.client.advance_clock(ms).await
    }

    /// Starts the next epoch; returns it. The clock does not move.
    pub async fn advance_epoch(&self) -> SdkResult<u64> {
        self.inner.client.advance_epoch().await
    }

    /// Starts the next `n` epochs; returns the last.
    pub async fn advance_epochs(&self, n: u64) -> SdkResult<u64> {
        let mut epoch = self.epoch();
        for _ in 0..n {
            epoch = self.advance_epoch().await?;
        }
        Ok(epoch)
    }

    // ---- observation ----

    /// Names an object in the trace (`"acme's DID"`) instead of its short
    /// ID or automatic label (`identity#1`, `proposal#2`, `cap(alice)`).
    pub fn label(&self, id: ObjectID, label: impl Into<String>) {
        self.inner
            .client
            .record()
            .naming
            .set(id, Label::Text(label.into()));
    }

    /// Writes a line of your own into the trace.
    pub fn note(&self, text: impl Into<String>) {
        self.inner
            .client
            .record()
            .lines
            .push(Line::Note(text.into()));
    }

    /// The transactions executed so far in this branch, in the chain's
    /// order (a restore rewinds them to the snapshot's).
    pub fn steps(&self) -> Vec<Arc<Step>> {
        self.inner.client.record().steps.clone()
    }

    /// The last executed transaction.
    pub fn last_step(&self) -> Option<Arc<Step>> {
        self.inner.client.record().steps.last().cloned()
    }

    /// The events of the last executed transaction (none if it emitted
    /// none; a transaction stopped by its dry run was not executed).
    pub fn last_events(&self) -> Events {
        self.last_step()
            .map(|s| s.events.clone())
            .unwrap_or_default()
    }

    /// Every event of this branch of the scenario, oldest first.
    pub fn events(&self) -> Events {
        self.inner
            .client
            .record()
            .steps
            .iter()
            .flat_map(|s| s.events.iter().cloned())
            .collect()
    }

    /// The trace of the scenario so far, every branch included.
    pub fn trace(&self) -> Trace {
        self.inner.client.trace(self.seed())
    }

    /// Prints the trace to stderr.
    pub fn print_trace(&self) {
        eprintln!("{}", self.trace());
    }

    // ---- snapshots ----

    /// The chain's state now (objects, transactions, epoch, clock), the
    /// steps so far and the actors. Copies the in-memory store; cheap next
    /// to replaying a set-up.
    pub fn snapshot(&self) -> Snapshot {
        let client = &self.inner.client;
        let mut record = client.record();
        let current = client.current();
        let id = self.inner.snapshots.fetch_add(1, Ordering::SeqCst) + 1;
        let (epoch, clock_ms) = (current.chain().epoch(), current.chain().clock_ms());
        let steps = record.steps.len();
        record.lines.push(Line::Note(format!(
            "── snapshot #{id}: epoch {epoch}, clock {clock_ms}, {steps} steps ──"
        )));
        Snapshot {
            id,
            seed: self.seed(),
            genesis: current
                .chain()
                .store()
                .meta()
                .ok()
                .flatten()
                .map(|m| m.genesis),
            store: Arc::new(current.store.snapshot()),
            record: record.clone(),
            actors: self.actors_lock().clone(),
            epoch,
            clock_ms,
        }
    }

    /// Puts the chain back as it was at `snapshot` (objects, digests,
    /// transactions, epoch and clock), rewinds the steps and forgets actors
    /// that joined since; the trace keeps the discarded branch. The same
    /// snapshot can be restored any number of times.
    pub fn restore(&self, snapshot: &Snapshot) -> SdkResult<()> {
        if snapshot.seed != self.seed() {
            return Err(SdkError::InvalidArgument(format!(
                "snapshot #{} was taken of a simulation with seed {}, not {}",
                snapshot.id,
                snapshot.seed,
                self.seed()
            )));
        }
        let client = &self.inner.client;
        let mut record = client.record();
        let current = Current::open(Arc::new(snapshot.store.snapshot()), &self.inner.genesis)?;
        let discarded = record
            .steps
            .len()
            .saturating_sub(snapshot.record.steps.len());
        client.swap(&mut record, current, snapshot.record.steps.clone());
        record.lines.push(Line::Note(format!(
            "── restored snapshot #{}: epoch {}, clock {}; {discarded} later steps discarded ──",
            snapshot.id, snapshot.epoch, snapshot.clock_ms
        )));
        drop(record);
        let identities = &self.inner.identities;
        *self.actors_lock() = snapshot
            .actors
            .iter()
            .map(|(name, a)| (name.clone(), a.rebound(identities)))
            .collect();
        Ok(())
    }

    /// An independent simulation starting from this one's current state
    /// (same seed, actors, steps and trace); what either does later does
    /// not touch the other.
    pub fn fork(&self) -> SdkResult<Simulation> {
        let snapshot = self.snapshot();
        let current = Current::open(Arc::new(snapshot.store.snapshot()), &self.inner.genesis)?;
        let mut record = snapshot.record.clone();
        record.lines.push(Line::Note(format!(
            "── forked at snapshot #{} ──",
            snapshot.id
        )));
        let fork = Simulation::assemble(
            self.inner.config.clone(),
            self.inner.genesis.clone(),
            current,
            record,
            self.inner.backend.clone(),
        );
        let identities = &fork.inner.identities;
        *fork.actors_lock() = snapshot
            .actors
            .iter()
            .map(|(name, a)| (name.clone(), a.rebound(identities)))
            .collect();
        Ok(fork)
    }

    // ---- concurrency ----

    /// Runs `f` for every actor at the same time, each on a thread of its
    /// own with its own runtime, released together; returns the results in
    /// the actors' order once all are done. Blocks the calling thread.
    ///
    /// The chain executes one transaction at a time, in whatever order the
    /// submissions arrive; transactions naming shared objects by ID all
    /// run, each on the state the previous one left. (Joining futures on
    /// one thread would not interleave them: in-process calls never wait.)
    pub fn concurrently<T, F, Fut>(&self, actors: &[Actor], f: F) -> Vec<T>
    where
        F: Fn(Actor) -> Fut + Sync,
        Fut: Future<Output = T>,
        T: Send,
    {
        let names: Vec<&str> = actors.iter().map(Actor::name).collect();
        self.note(format!("── concurrently: {} ──", names.join(", ")));
        let barrier = std::sync::Barrier::new(actors.len());
        let results = std::thread::scope(|scope| {
            let threads: Vec<_> = actors
                .iter()
                .map(|actor| {
                    let (actor, f, barrier) = (actor.clone(), &f, &barrier);
                    scope.spawn(move || {
                        let runtime = tokio::runtime::Builder::new_current_thread()
                            .enable_all()
                            .build()
                            .expect("a runtime for a concurrent actor");
                        barrier.wait();
                        runtime.block_on(f(actor))
                    })
                })
                .collect();
            threads
                .into_iter()
                .map(|t| t.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect()
        });
        self.note("── concurrently: all done ──");
        results
    }
}

impl Drop for Simulation {
    fn drop(&mut self) {
        if std::thread::panicking()
            && self.inner.config.print_trace_on_panic
            && !self.inner.trace_printed.swap(true, Ordering::SeqCst)
        {
            eprintln!("{}", self.trace());
        }
    }
}

/// The Ed25519 seed of actor `name` in a simulation with seed `seed`:
/// `blake2b256("SimActor::" ‖ bcs((seed, name)))`.
pub fn actor_seed(seed: u64, name: &str) -> [u8; 32] {
    salted_digest(
        "SimActor::",
        &bcs::to_bytes(&(seed, name)).expect("serializes"),
    )
    .into_inner()
}

/// A named participant of a simulation: a key held by the key manager, a
/// funded address, and the simulation's identity client. It is a
/// [`Signer`]; pass it wherever the SDK takes one.
#[derive(Clone)]
pub struct Actor {
    name: Arc<str>,
    address: Address,
    handle: Handle,
    committer: Committer,
    identities: IdentityClient,
}

impl std::fmt::Debug for Actor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Actor")
            .field("name", &self.name)
            .field("address", &self.address)
            .finish()
    }
}

impl Actor {
    /// Its name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its address (the sender of what it signs).
    pub fn address(&self) -> Address {
        self.address
    }

    /// Its Ed25519 public key (for DID documents).
    pub fn public_key(&self) -> [u8; 32] {
        self.committer.public_key()
    }

    /// Its key manager handle (sign and decrypt).
    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    /// Its signer.
    pub fn committer(&self) -> &Committer {
        &self.committer
    }

    /// The simulation's identity client.
    pub fn identities(&self) -> &IdentityClient {
        &self.identities
    }

    /// The simulation's client.
    pub fn client(&self) -> &dyn Client {
        self.identities.client()
    }

    /// A new transaction sent by this actor.
    pub fn tx(&self) -> TransactionBuilder<'_> {
        TransactionBuilder::new(self.client(), self.address)
    }

    /// Acts on identity `identity` with the `ControllerCap` this actor holds.
    pub async fn controller(&self, identity: ObjectID) -> SdkResult<Controller<'_>> {
        self.identities.controller(identity, self).await
    }

    /// Acts with delegation token `token`, which this actor holds.
    pub async fn with_token(&self, token: ObjectID) -> SdkResult<Controller<'_>> {
        self.identities.with_token(self, token).await
    }

    /// The total of its gas coins.
    pub async fn gas_balance(&self) -> SdkResult<u64> {
        Ok(self
            .client()
            .gas_coins(self.address)
            .await?
            .iter()
            .map(coin_balance)
            .sum())
    }

    fn rebound(&self, identities: &IdentityClient) -> Actor {
        Actor {
            identities: identities.clone(),
            ..self.clone()
        }
    }
}

#[async_trait]
impl Signer for Actor {
    fn address(&self) -> Address {
        self.address
    }

    async fn sign_transaction(&self, data: &TransactionData) -> SdkResult<Signature> {
        Signer::sign_transaction(&self.committer, data).await
    }
}

/// A package [`Simulation::publish_as`] published.
#[derive(Clone, Debug)]
pub struct Published {
    /// The package name from its `Move.toml`.
    pub name: String,
    /// The package ID.
    pub package_id: ObjectID,
    /// The `UpgradeCap` the publisher received.
    pub upgrade_cap: ObjectID,
    /// The publishing transaction.
    pub response: TransactionResponse,
}

/// A simulation's state at one moment; see [`Simulation::snapshot`].
#[derive(Clone)]
pub struct Snapshot {
    id: u64,
    seed: u64,
    genesis: Option<Digest>,
    store: Arc<MemoryStore>,
    record: Record,
    actors: BTreeMap<String, Actor>,
    epoch: u64,
    clock_ms: u64,
}

impl Snapshot {
    /// Its number in the simulation (1, 2, ...), as the trace shows it.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The epoch when it was taken.
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// The clock when it was taken, in ms.
    pub fn clock_ms(&self) -> u64 {
        self.clock_ms
    }

    /// How many steps the scenario had taken.
    pub fn steps(&self) -> usize {
        self.record.steps.len()
    }
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshot")
            .field("id", &self.id)
            .field("seed", &self.seed)
            .field("genesis", &self.genesis)
            .field("epoch", &self.epoch)
            .field("clock_ms", &self.clock_ms)
            .field("steps", &self.record.steps.len())
            .finish_non_exhaustive()
    }
}
