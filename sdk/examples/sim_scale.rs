//! A simulation at scale: 1,000 identities and 5,000 proposals.
//!
//! 100 actors; identity `i` is governed by actors `i`, `i+1` and `i+2`
//! (mod 100), any two deciding. Each identity then goes through five
//! document updates: its first controller proposes, the second approves and
//! the third executes. Every transaction goes through the SDK (dry-run
//! budgeting, key manager signatures) and is recorded in the simulation's
//! trace.
//!
//! On the 2-core development machine (shared with other builds), a release
//! build runs the 16,000 transactions in 6.9 s, about 2,300 per second;
//! the last digest is the same on every run.
//!
//! Run it in release mode:
//!
//! ```sh
//! cargo run --release -p movid-sdk --example sim_scale
//! cargo run --release -p movid-sdk --example sim_scale -- 200 3   # identities, proposals each
//! ```

use std::time::Instant;

use movid_sdk::did::{DidDocument, Service, ServiceEndpoint};
use movid_sdk::sim::events::ProposalExecuted;
use movid_sdk::sim::{Actor, SimConfig, Simulation};

const ACTORS: usize = 100;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let identities: usize = args.next().map_or(Ok(1_000), |a| a.parse())?;
    let per_identity: usize = args.next().map_or(Ok(5), |a| a.parse())?;

    let started = Instant::now();
    let sim = Simulation::with_config(SimConfig {
        print_trace_on_panic: false,
        ..SimConfig::new(42)
    })?;
    let mut actors: Vec<Actor> = Vec::with_capacity(ACTORS);
    for i in 0..ACTORS {
        actors.push(sim.actor(&format!("actor{i}")).await?);
    }

    let phase = Instant::now();
    let mut ids = Vec::with_capacity(identities);
    for i in 0..identities {
        let controllers: Vec<&Actor> = (0..3).map(|k| &actors[(i + k) % ACTORS]).collect();
        let mut builder = sim.identities().create_identity().threshold(2);
        for c in &controllers {
            builder = builder.controller(c.address(), 1);
        }
        ids.push(builder.execute(controllers[0]).await?);
    }
    let created_in = phase.elapsed();

    let phase = Instant::now();
    for round in 0..per_identity {
        for (i, identity) in ids.iter().enumerate() {
            let [proposer, approver, executor] = [0, 1, 2].map(|k| &actors[(i + k) % ACTORS]);
            let mut doc = DidDocument::new(identity.did.clone());
            let url = identity.did.join(&format!("service-{round}"))?;
            doc.insert_service(Service::new(
                &url,
                "LinkedDomains",
                ServiceEndpoint::Url(format!("https://example.org/{i}/{round}")),
            ))?;
            let proposal = proposer
                .controller(identity.id)
                .await?
                .propose_document(&doc)
                .await?;
            approver
                .controller(identity.id)
                .await?
                .approve(proposal.proposal_id)
                .await?;
            executor
                .controller(identity.id)
                .await?
                .execute(proposal.proposal_id)
                .await?;
        }
    }
    let proposals_in = phase.elapsed();
    let total = started.elapsed();

    let steps = sim.steps();
    let executed = sim.events().of::<ProposalExecuted>()?.len();
    assert_eq!(executed, identities * per_identity);
    assert!(steps.iter().all(|s| s.is_success()));
    let gas: i64 = steps.iter().map(|s| s.gas_used().net_gas_usage()).sum();
    println!(
        "{identities} identities of 3 controllers (threshold 2), {} proposals proposed, approved and executed",
        identities * per_identity
    );
    println!(
        "{} transactions in {:.2} s ({:.0} tx/s): identities {:.2} s, proposals {:.2} s",
        steps.len(),
        total.as_secs_f64(),
        steps.len() as f64 / total.as_secs_f64(),
        created_in.as_secs_f64(),
        proposals_in.as_secs_f64(),
    );
    println!(
        "net gas {gas}; epoch {}; last digest {}",
        sim.epoch(),
        steps
            .last()
            .map(|s| s.digest.to_string())
            .unwrap_or_default()
    );
    Ok(())
}
