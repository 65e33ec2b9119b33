//! Multi-party scenarios on the simulation toolkit (`movid_sdk::sim`): actors acting through
//! the SDK as applications do, with time, snapshots, concurrency and a package of our own. A
//! failing scenario prints its trace (who did what, what changed, the gas).

use movid_runtime::types::{Object, ObjectID, ObjectReference, StructTag, WellKnown};
use movid_sdk::did::{DidDocument, KeyFormat, PublicKey, Relationship};
use movid_sdk::identity::{permissions, OnChainIdentity};
use movid_sdk::sim::events::{
    DidDocumentUpdated, IdentityEvent, MoveEvent, ProposalApproved, ProposalCreated,
    ProposalDeleted, ProposalExecuted, TokenDelegated, TokenRevoked,
};
use movid_sdk::sim::{Actor, Simulation};
use movid_sdk::tx::struct_tag;
use movid_sdk::{resolver, IdentityError, SdkError, SdkResult};

/// An identity whose controllers are `controllers` (voting power 1 each, allowed to delegate),
/// created by the first.
async fn identity_of(
    sim: &Simulation,
    controllers: &[&Actor],
    threshold: u64,
) -> SdkResult<OnChainIdentity> {
    let mut builder = sim.identities().create_identity().threshold(threshold);
    for c in controllers {
        builder = builder.controller_with_delegation(c.address(), 1, true);
    }
    builder.execute(controllers[0]).await
}

/// A document of `identity` publishing `holder`'s key as `key-1`.
fn document(identity: &OnChainIdentity, holder: &Actor) -> DidDocument {
    DidDocument::builder(identity.did.clone())
        .key(
            "key-1",
            PublicKey::Ed25519(holder.public_key()),
            KeyFormat::Multibase,
            &[Relationship::Authentication],
        )
        .build()
        .expect("a valid document")
}

fn identity_error<T: std::fmt::Debug>(result: SdkResult<T>) -> IdentityError {
    match result {
        Err(SdkError::Identity(e)) => e,
        other => panic!("expected an identity error, got {other:?}"),
    }
}

#[tokio::test]
async fn three_controllers_update_the_document_with_two_approvals() {
    Simulation::run(1, |sim| async move {
        let [alice, bob, carol] = sim.actors(["alice", "bob", "carol"]).await?;
        let identity = identity_of(&sim, &[&alice, &bob, &carol], 2).await?;
        let doc = document(&identity, &bob);

        let proposal = alice
            .controller(identity.id)
            .await?
            .propose_document(&doc)
            .await?;
        assert!(!proposal.executed);
        let created: ProposalCreated = sim.last_events().one()?;
        assert_eq!((created.votes, created.threshold), (1, 2));
        let early = carol
            .controller(identity.id)
            .await?
            .execute(proposal.proposal_id)
            .await;
        assert_eq!(
            identity_error(early),
            IdentityError::ThresholdNotReached {
                votes: 1,
                threshold: 2
            }
        );

        bob.controller(identity.id)
            .await?
            .approve(proposal.proposal_id)
            .await?;
        let approved: ProposalApproved = sim.last_events().one()?;
        assert_eq!((approved.votes, approved.threshold), (2, 2));
        carol
            .controller(identity.id)
            .await?
            .execute(proposal.proposal_id)
            .await?;
        let executed: ProposalExecuted = sim.last_events().one()?;
        assert_eq!(executed.proposal, proposal.proposal_id);
        let updated: DidDocumentUpdated = sim.last_events().one()?;
        assert!(!updated.deactivated && !updated.deleted);

        let resolved = resolver::resolve(sim.client(), &identity.did.to_string()).await?;
        let resolved = resolved.document().expect("the DID resolves");
        assert_eq!(resolved.ed25519_public_key("key-1")?, bob.public_key());
        let names: Vec<&str> = sim
            .events()
            .identity()?
            .iter()
            .map(IdentityEvent::name)
            .collect();
        assert_eq!(
            names,
            [
                "IdentityCreated",
                "ProposalCreated",
                "ProposalApproved",
                "ProposalExecuted",
                "DidDocumentUpdated"
            ]
        );
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn proposal_expires_after_two_epochs() {
    Simulation::run(2, |sim| async move {
        let [alice, bob, carol] = sim.actors(["alice", "bob", "carol"]).await?;
        let identity = identity_of(&sim, &[&alice, &bob, &carol], 3).await?;
        // Open through the next epoch.
        let last_epoch = sim.epoch() + 1;
        let proposal = alice
            .controller(identity.id)
            .await?
            .with_expiration(Some(last_epoch))
            .propose_deactivation()
            .await?
            .proposal_id;

        sim.advance_epoch().await?;
        bob.controller(identity.id).await?.approve(proposal).await?;

        sim.advance_epoch().await?;
        let carol_ = carol.controller(identity.id).await?;
        assert_eq!(
            identity_error(carol_.approve(proposal).await),
            IdentityError::ProposalExpired
        );
        // An expired proposal may be deleted even though it has votes.
        carol_.delete_proposal(proposal).await?;
        let deleted: ProposalDeleted = sim.last_events().one()?;
        assert_eq!(deleted.controller, Some(carol_.controller_cap()));

        let read = sim.identities().get_identity(identity.id).await?;
        assert!(read.proposals.is_empty());
        assert!(!read.is_deactivated());
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn delegated_token_revoked_in_the_middle_of_a_scenario() {
    Simulation::run(3, |sim| async move {
        let [alice, bob, dave] = sim.actors(["alice", "bob", "dave"]).await?;
        let identity = identity_of(&sim, &[&alice, &bob], 2).await?;
        let token = alice
            .controller(identity.id)
            .await?
            .delegate(permissions::CREATE | permissions::APPROVE, dave.address())
            .await?;
        let delegated: TokenDelegated = sim.last_events().one()?;
        assert_eq!(delegated.token, token);
        let alice_cap = alice.controller(identity.id).await?.controller_cap();

        // Dave approves for alice: bob's proposal passes.
        let first = bob
            .controller(identity.id)
            .await?
            .propose_document(&document(&identity, &bob))
            .await?;
        dave.with_token(token)
            .await?
            .approve(first.proposal_id)
            .await?;
        let approved: ProposalApproved = sim.last_events().one()?;
        assert_eq!((approved.controller, approved.votes), (alice_cap, 2));
        bob.controller(identity.id)
            .await?
            .execute(first.proposal_id)
            .await?;

        // Alice revokes the token; dave's next approval is refused and changes nothing.
        let second = bob
            .controller(identity.id)
            .await?
            .propose_deactivation()
            .await?;
        alice
            .controller(identity.id)
            .await?
            .revoke_token(token)
            .await?;
        let revoked: TokenRevoked = sim.last_events().one()?;
        assert_eq!(revoked.token, token);
        let before = sim.client().object(identity.id).await?;
        let refused = dave
            .with_token(token)
            .await?
            .approve(second.proposal_id)
            .await;
        assert_eq!(identity_error(refused), IdentityError::TokenRevoked);
        assert_eq!(sim.client().object(identity.id).await?, before);

        // Alice approves herself, and the identity is deactivated.
        let alice_ = alice.controller(identity.id).await?;
        alice_.approve(second.proposal_id).await?;
        alice_.execute(second.proposal_id).await?;
        let read = sim.identities().get_identity(identity.id).await?;
        assert!(read.is_deactivated());
        assert_eq!(read.revoked_tokens, vec![token]);
        Ok(())
    })
    .await;
}

/// The references (hence digests) of every object of the scenario: the identity, its open
/// proposals and their bag's fields, the clock, and whatever the actors own.
async fn state_refs(
    sim: &Simulation,
    identity: ObjectID,
    actors: &[&Actor],
) -> SdkResult<Vec<ObjectReference>> {
    let client = sim.client();
    let mut objects: Vec<Object> = vec![
        client.object(identity).await?,
        client.object(ObjectID::CLOCK).await?,
    ];
    let read = sim.identities().get_identity(identity).await?;
    for field in client.dynamic_fields(read.proposals_bag).await? {
        objects.extend(client.dynamic_fields(field.id()).await?);
        objects.push(field);
    }
    for actor in actors {
        objects.extend(client.owned_objects(actor.address()).await?);
    }
    let mut refs: Vec<ObjectReference> = objects.iter().map(Object::object_ref).collect();
    refs.sort();
    Ok(refs)
}

#[tokio::test]
async fn snapshot_restored_after_a_destructive_branch_gives_the_earlier_state_exactly() {
    Simulation::run(4, |sim| async move {
        let [alice, bob, carol] = sim.actors(["alice", "bob", "carol"]).await?;
        let actors = [&alice, &bob, &carol];
        let identity = identity_of(&sim, &actors, 2).await?;
        alice
            .controller(identity.id)
            .await?
            .delegate(permissions::ALL, carol.address())
            .await?;
        let pending = alice
            .controller(identity.id)
            .await?
            .propose_document(&document(&identity, &alice))
            .await?
            .proposal_id;
        sim.advance_clock(60_000).await?;
        sim.advance_epoch().await?;

        let earlier = state_refs(&sim, identity.id, &actors).await?;
        let snapshot = sim.snapshot();

        // Destroy it all: the pending proposal, the document, the identity itself.
        let (alice_, bob_) = (
            alice.controller(identity.id).await?,
            bob.controller(identity.id).await?,
        );
        alice_.remove_approval(pending).await?;
        alice_.delete_proposal(pending).await?;
        let deletion = alice_.propose_did_deletion().await?.proposal_id;
        bob_.approve(deletion).await?;
        bob_.execute(deletion).await?;
        let end = alice_.propose_identity_deletion().await?.proposal_id;
        bob_.approve(end).await?;
        bob_.execute(end).await?;
        sim.advance_epochs(3).await?;
        assert!(sim.identities().get_identity(identity.id).await?.deleted);

        sim.restore(&snapshot)?;
        assert_eq!(state_refs(&sim, identity.id, &actors).await?, earlier);
        assert_eq!(
            (sim.epoch(), sim.clock_ms()),
            (snapshot.epoch(), snapshot.clock_ms())
        );
        assert_eq!(sim.steps().len(), snapshot.steps());

        // The same set-up serves another branch: the pending proposal passes.
        let bob_ = bob.controller(identity.id).await?;
        bob_.approve(pending).await?;
        bob_.execute(pending).await?;
        let read = sim.identities().get_identity(identity.id).await?;
        assert_eq!(read.document()?, Some(document(&identity, &alice)));
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn concurrent_approvals_are_all_counted() {
    Simulation::run(5, |sim| async move {
        let [alice, bob, carol, dave] = sim.actors(["alice", "bob", "carol", "dave"]).await?;
        let identity = identity_of(&sim, &[&alice, &bob, &carol, &dave], 4).await?;
        let proposal = alice
            .controller(identity.id)
            .await?
            .propose_deactivation()
            .await?
            .proposal_id;
        let start = sim.snapshot();
        let approvers = [bob, carol, dave];

        for _round in 0..3 {
            sim.restore(&start)?;
            let results = sim.concurrently(&approvers, |actor| async move {
                actor.controller(identity.id).await?.approve(proposal).await
            });
            for r in results {
                r?;
            }
            // Each approval ran on the state the one before left: 2, 3, 4 votes, nothing lost.
            let steps = sim.steps();
            let approvals = &steps[steps.len() - 3..];
            let votes: Vec<u64> = approvals
                .iter()
                .map(|s| s.events.one::<ProposalApproved>().map(|e| e.votes))
                .collect::<SdkResult<_>>()?;
            assert_eq!(votes, [2, 3, 4]);
            let read = sim.identities().get_identity(identity.id).await?;
            assert_eq!(read.proposal(proposal).expect("still open").voters.len(), 4);
            let concurrent = (
                sim.client()
                    .object(identity.id)
                    .await?
                    .as_move()
                    .cloned()
                    .expect("a Move object")
                    .contents,
                sim.client()
                    .object(proposal)
                    .await?
                    .as_move()
                    .cloned()
                    .expect("a Move object")
                    .contents,
            );

            // The outcome is the one of running them one after another in the chain's order.
            let order: Vec<String> = approvals.iter().map(|s| s.actor.clone()).collect();
            sim.restore(&start)?;
            for name in &order {
                sim.actor(name)
                    .await?
                    .controller(identity.id)
                    .await?
                    .approve(proposal)
                    .await?;
            }
            let sequential = (
                sim.client()
                    .object(identity.id)
                    .await?
                    .as_move()
                    .cloned()
                    .expect("a Move object")
                    .contents,
                sim.client()
                    .object(proposal)
                    .await?
                    .as_move()
                    .cloned()
                    .expect("a Move object")
                    .contents,
            );
            assert_eq!(concurrent, sequential, "order {order:?}");
        }
        Ok(())
    })
    .await;
}

/// `counter::counter::Bumped`.
#[derive(Debug, PartialEq, Eq, serde::Deserialize)]
struct Bumped {
    counter: ObjectID,
    by: movid_runtime::types::Address,
    value: u64,
}

impl MoveEvent for Bumped {
    fn matches(ty: &StructTag) -> bool {
        ty.module.as_str() == "counter" && ty.name.as_str() == "Bumped"
    }
}

const COUNTER_MANIFEST: &str = r#"[package]
name = "Counter"

[dependencies]
Movid = { builtin = true }

[addresses]
counter = "0x0"
"#;

const COUNTER_SOURCE: &str = r#"module counter::counter {
    use movid::event;
    use movid::object::{Self, ID, UID};
    use movid::transfer;
    use movid::tx_context::{Self, TxContext};

    /// A shared counter anyone may bump.
    struct Counter has key { id: UID, value: u64 }

    /// The counter was bumped.
    struct Bumped has copy, drop { counter: ID, by: address, value: u64 }

    public entry fun create(ctx: &mut TxContext) {
        transfer::share_object(Counter { id: object::new(ctx), value: 0 })
    }

    public entry fun bump(counter: &mut Counter, ctx: &TxContext) {
        counter.value = counter.value + 1;
        event::emit(Bumped { counter: object::id(counter), by: tx_context::sender(ctx), value: counter.value })
    }
}
"#;

#[tokio::test]
async fn user_package_published_from_source_is_called_by_two_actors() {
    Simulation::run(6, |sim| async move {
        let dir = tempfile::tempdir()?;
        std::fs::create_dir(dir.path().join("sources"))?;
        std::fs::write(dir.path().join("Move.toml"), COUNTER_MANIFEST)?;
        std::fs::write(dir.path().join("sources/counter.move"), COUNTER_SOURCE)?;
        let package = sim.publish(dir.path()).await?;

        let [alice, bob] = sim.actors(["alice", "bob"]).await?;
        let mut tx = alice.tx();
        tx.move_call(package, "counter", "create", vec![], vec![]);
        let counter = tx.execute(&alice).await?.created_id_of_type(&struct_tag(
            package,
            "counter",
            "Counter",
            vec![],
        ))?;
        for actor in [&alice, &bob] {
            let mut tx = actor.tx();
            let shared = tx.shared_object(counter, true).await?;
            tx.move_call(package, "counter", "bump", vec![], vec![shared]);
            tx.execute(actor).await?;
        }

        let bumps = sim.events().of::<Bumped>()?;
        let expected = [(alice.address(), 1), (bob.address(), 2)].map(|(by, value)| Bumped {
            counter,
            by,
            value,
        });
        assert_eq!(bumps, expected);
        let contents = sim
            .client()
            .object(counter)
            .await?
            .as_move()
            .cloned()
            .expect("a Move object")
            .contents;
        assert_eq!(contents[32..40], 2u64.to_le_bytes());
        Ok(())
    })
    .await;
}

/// The example of README.md's "Testing your own flows", verbatim.
mod readme {
    use movid_sdk::did::{DidDocument, KeyFormat, PublicKey, Relationship};
    use movid_sdk::sim::events::{DidDocumentUpdated, ProposalApproved};
    use movid_sdk::sim::Simulation;
    use movid_sdk::{IdentityError, SdkError};

    #[tokio::test]
    async fn two_of_three_controllers_publish_a_key_before_the_proposal_expires() {
        Simulation::run(7, |sim| async move {
            let [alice, bob, carol] = sim.actors(["alice", "bob", "carol"]).await?;
            let identity = sim
                .identities()
                .create_identity()
                .controller(alice.address(), 1)
                .controller(bob.address(), 1)
                .controller(carol.address(), 1)
                .threshold(2)
                .execute(&alice)
                .await?;

            // Alice proposes publishing Bob's key, open through the next epoch.
            let doc = DidDocument::builder(identity.did.clone())
                .key(
                    "key-1",
                    PublicKey::Ed25519(bob.public_key()),
                    KeyFormat::Multibase,
                    &[Relationship::Authentication],
                )
                .build()?;
            let proposal = alice
                .controller(identity.id)
                .await?
                .with_expiration(Some(sim.epoch() + 1))
                .propose_document(&doc)
                .await?
                .proposal_id;
            let proposed = sim.snapshot();

            // One branch: two epochs pass and Carol comes too late.
            sim.advance_epochs(2).await?;
            let late = carol.controller(identity.id).await?.approve(proposal).await;
            assert!(matches!(
                late,
                Err(SdkError::Identity(IdentityError::ProposalExpired))
            ));

            // Another: back at the proposal, Carol approves in time and Bob executes.
            sim.restore(&proposed)?;
            carol
                .controller(identity.id)
                .await?
                .approve(proposal)
                .await?;
            let approved: ProposalApproved = sim.last_events().one()?;
            assert_eq!((approved.votes, approved.threshold), (2, 2));
            bob.controller(identity.id).await?.execute(proposal).await?;
            let updated: DidDocumentUpdated = sim.last_events().one()?;
            assert!(!updated.deactivated && !updated.deleted);
            assert_eq!(
                sim.identities()
                    .get_identity(identity.id)
                    .await?
                    .document()?,
                Some(doc)
            );
            Ok(())
        })
        .await;
    }
}
