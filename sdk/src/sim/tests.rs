use movid_runtime::crypto::KeyPair;
use movid_runtime::types::ObjectID;

use super::events::{IdentityCreated, ProposalCreated};
use super::*;
use crate::identity::IdentityError;

/// A 2-of-2 identity of alice and bob, and an open deactivation proposal.
async fn two_of_two(sim: &Simulation) -> (ObjectID, ObjectID) {
    let [alice, bob] = sim.actors(["alice", "bob"]).await.unwrap();
    let identity = sim
        .identities()
        .create_identity()
        .controller(alice.address(), 1)
        .controller(bob.address(), 1)
        .threshold(2)
        .execute(&alice)
        .await
        .unwrap();
    let proposal = alice
        .controller(identity.id)
        .await
        .unwrap()
        .propose_deactivation()
        .await
        .unwrap();
    (identity.id, proposal.proposal_id)
}

#[tokio::test]
async fn actors_keys_come_from_the_seed_and_the_name() {
    let one = Simulation::new(1).unwrap();
    let again = Simulation::new(1).unwrap();
    let other = Simulation::new(2).unwrap();
    let alice = one.actor("alice").await.unwrap();
    assert_eq!(
        alice.address(),
        again.actor("alice").await.unwrap().address()
    );
    assert_ne!(
        alice.address(),
        other.actor("alice").await.unwrap().address()
    );
    assert_ne!(alice.address(), one.actor("bob").await.unwrap().address());
    assert_eq!(
        alice.address(),
        KeyPair::from_seed(actor_seed(1, "alice")).address()
    );
    // Asking again gives the same actor, funded once.
    assert_eq!(one.actor("alice").await.unwrap().address(), alice.address());
    assert_eq!(alice.gas_balance().await.unwrap(), 2 * 1_000 * MIST_PER_SUI);
}

#[tokio::test]
async fn the_same_seed_and_scenario_give_the_same_digests() {
    let (a, b) = (Simulation::new(5).unwrap(), Simulation::new(5).unwrap());
    let ids_a = two_of_two(&a).await;
    let ids_b = two_of_two(&b).await;
    assert_eq!(ids_a, ids_b);
    let digests = |s: &Simulation| s.steps().iter().map(|s| s.digest).collect::<Vec<_>>();
    assert_eq!(digests(&a), digests(&b));
    assert_eq!(digests(&a).len(), 2);
}

#[tokio::test]
async fn steps_record_sender_changes_events_and_gas() {
    let sim = Simulation::new(3).unwrap();
    let (identity, proposal) = two_of_two(&sim).await;
    let steps = sim.steps();
    assert_eq!(steps.len(), 2);
    let create = &steps[0];
    assert_eq!((create.index, create.actor.as_str()), (0, "alice"));
    assert!(create.is_success());
    assert!(create.gas_used().computation_cost > 0);
    assert_eq!(create.commands, vec!["identity::new_with_controllers"]);
    let created: Vec<String> = create
        .changes_of(ChangeKind::Created)
        .map(|c| trace::short_type(c.type_.as_ref().unwrap()))
        .collect();
    assert!(created.contains(&"Identity".to_string()), "{created:?}");
    assert_eq!(created.iter().filter(|t| *t == "ControllerCap").count(), 2);
    let event: IdentityCreated = create.events.one().unwrap();
    assert_eq!(event.identity, identity);

    let event: ProposalCreated = sim.last_events().one().unwrap();
    assert_eq!(
        (event.proposal, event.votes, event.threshold),
        (proposal, 1, 2)
    );
    assert_eq!(sim.events().identity().unwrap().len(), 2);
    assert_eq!(steps[1].sequence, steps[0].sequence + 1);
}

#[tokio::test]
async fn the_trace_names_actors_objects_and_failures() {
    let sim = Simulation::new(4).unwrap();
    let (identity, proposal) = two_of_two(&sim).await;
    let alice = sim.actor("alice").await.unwrap();
    // Alice's vote alone is not enough: the dry run stops it.
    let err = alice
        .controller(identity)
        .await
        .unwrap()
        .execute(proposal)
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        SdkError::Identity(IdentityError::ThresholdNotReached { .. })
    ));
    sim.advance_clock(1_500).await.unwrap();
    sim.advance_epoch().await.unwrap();
    sim.label(identity, "the shop's DID");
    let trace = sim.trace().to_string();
    for expected in [
        "seed 4: 2 transactions",
        "alice 0x",
        "#0  alice      identity::new_with_controllers",
        "Identity the shop's DID (shared)",
        "ControllerCap cap(alice) → alice",
        "ProposalCreated proposal#1 on the shop's DID by cap(alice): 1/2 votes",
        "Proposal<UpdateDid> proposal#1 in field(proposal#1)",
        "field(proposal#1) in the shop's DID's proposals",
        "not sent, the dry run failed",
        "EThresholdNotReached",
        "clock      +1,500 ms",
        "epoch      1 begins",
    ] {
        assert!(
            trace.contains(expected),
            "{expected:?} missing from\n{trace}"
        );
    }
}

#[tokio::test]
async fn a_restored_snapshot_brings_back_objects_epoch_and_clock() {
    let sim = Simulation::new(6).unwrap();
    let (identity, proposal) = two_of_two(&sim).await;
    sim.advance_epoch().await.unwrap();
    sim.advance_clock(10_000).await.unwrap();
    let before = sim.client().object(identity).await.unwrap();
    let clock = sim.client().object(ObjectID::CLOCK).await.unwrap();
    let snapshot = sim.snapshot();
    assert_eq!((snapshot.epoch(), snapshot.steps()), (1, 2));

    for _ in 0..2 {
        // A branch: bob approves and executes, time passes, carol joins.
        let bob = sim.actor("bob").await.unwrap();
        let controller = bob.controller(identity).await.unwrap();
        controller.approve(proposal).await.unwrap();
        controller.execute(proposal).await.unwrap();
        sim.advance_epochs(3).await.unwrap();
        sim.advance_clock(5_000).await.unwrap();
        sim.actor("carol").await.unwrap();
        assert_eq!(sim.epoch(), 4);
        assert_ne!(sim.client().object(identity).await.unwrap(), before);

        sim.restore(&snapshot).unwrap();
        assert_eq!(sim.epoch(), 1);
        assert_eq!(sim.clock_ms(), snapshot.clock_ms());
        assert_eq!(sim.client().object(identity).await.unwrap(), before);
        assert_eq!(sim.client().object(ObjectID::CLOCK).await.unwrap(), clock);
        assert_eq!(sim.steps().len(), 2);
        assert!(sim.client().object(proposal).await.is_ok());
    }
    // Carol joins again after the restore, funded again on this chain.
    let carol = sim.actor("carol").await.unwrap();
    assert_eq!(carol.gas_balance().await.unwrap(), 2 * 1_000 * MIST_PER_SUI);
    let trace = sim.trace().to_string();
    assert!(trace.contains("restored snapshot #1"), "{trace}");
}

#[tokio::test]
async fn a_fork_goes_its_own_way() {
    let sim = Simulation::new(8).unwrap();
    let (identity, proposal) = two_of_two(&sim).await;
    let fork = sim.fork().unwrap();
    let bob = fork.actor("bob").await.unwrap();
    let controller = bob.controller(identity).await.unwrap();
    controller.approve(proposal).await.unwrap();
    controller.execute(proposal).await.unwrap();
    assert!(fork
        .identities()
        .get_identity(identity)
        .await
        .unwrap()
        .is_deactivated());
    assert!(!sim
        .identities()
        .get_identity(identity)
        .await
        .unwrap()
        .is_deactivated());
    assert_eq!((sim.steps().len(), fork.steps().len()), (2, 4));
}

#[test]
fn concurrent_approvals_all_count() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let sim = Simulation::new(9).unwrap();
    let (identity, proposal) = runtime.block_on(async {
        let names = ["alice", "bob", "carol", "dave"];
        let actors = sim.actors(names).await.unwrap();
        let mut builder = sim.identities().create_identity().threshold(4);
        for a in &actors {
            builder = builder.controller(a.address(), 1);
        }
        let identity = builder.execute(&actors[0]).await.unwrap();
        let proposal = actors[0]
            .controller(identity.id)
            .await
            .unwrap()
            .propose_deactivation()
            .await
            .unwrap();
        (identity.id, proposal.proposal_id)
    });
    let approvers: Vec<Actor> = ["bob", "carol", "dave"]
        .iter()
        .map(|n| runtime.block_on(sim.actor(n)).unwrap())
        .collect();
    let results = sim.concurrently(&approvers, |actor| async move {
        actor.controller(identity).await?.approve(proposal).await
    });
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let read = runtime
        .block_on(sim.identities().get_identity(identity))
        .unwrap();
    assert_eq!(read.proposal(proposal).unwrap().voters.len(), 4);
}

#[test]
fn a_panicking_test_prints_the_trace_once() {
    let sim = Simulation::new(10).unwrap();
    let inside = sim.clone();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        let _sim = inside;
        panic!("a failing assertion");
    }));
    assert!(outcome.is_err());
    assert!(sim.inner.trace_printed.load(Ordering::SeqCst));
}

#[tokio::test]
async fn the_faucet_after_a_restore_mints_new_coins() {
    // The chain's faucet counter is not stored, so a chain reopened on a
    // snapshot counts from zero again: it must not mint over the coins
    // alice received when she joined (same recipient, amount, sequence).
    let sim = Simulation::new(11).unwrap();
    let alice = sim.actor("alice").await.unwrap();
    let joined: Vec<ObjectID> = sim
        .client()
        .gas_coins(alice.address())
        .await
        .unwrap()
        .iter()
        .map(|c| c.id())
        .collect();
    let snapshot = sim.snapshot();
    sim.restore(&snapshot).unwrap();
    let minted = sim
        .fund(alice.address(), 1_000 * MIST_PER_SUI)
        .await
        .unwrap();
    assert!(!joined.contains(minted.object_id()));
    assert_eq!(alice.gas_balance().await.unwrap(), 3 * 1_000 * MIST_PER_SUI);
}
