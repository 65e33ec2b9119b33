//! Quickstart: an identity governed by three controllers.
//!
//! Starts a chain in this process, creates an identity controlled by three
//! development accounts with a threshold of 2, has the first propose a new
//! DID document, the second approve and execute it, and resolves the DID.
//!
//! Run it with `cargo run -p movid-sdk --example quickstart`; `cargo test`
//! runs it too.

use std::sync::Arc;

use movid_runtime::genesis::dev_keys;
use movid_sdk::did::{DidDocument, KeyFormat, PublicKey, Relationship, ResolutionResult};
use movid_sdk::{IdentityClient, InProcessClient, SdkError};

/// Runs the walkthrough and returns the final resolution result.
pub async fn quickstart() -> Result<ResolutionResult, Box<dyn std::error::Error>> {
    let client = Arc::new(InProcessClient::new_dev()?);
    let identities = IdentityClient::new(client.clone());
    let keys = dev_keys(3);

    // Three controllers with one vote each; any two decide.
    let identity = identities
        .create_identity()
        .controller(keys[0].address(), 1)
        .controller(keys[1].address(), 1)
        .controller(keys[2].address(), 1)
        .threshold(2)
        .execute(&keys[0])
        .await?;
    println!("created {}", identity.did);

    // The first controller proposes a document with its key; one vote is
    // not enough, so the proposal waits.
    let doc = DidDocument::builder(identity.did.clone())
        .key(
            "key-1",
            PublicKey::Ed25519(keys[0].public().0),
            KeyFormat::Multibase,
            &[Relationship::Authentication, Relationship::AssertionMethod],
        )
        .build()?;
    let alice = identities.controller(identity.id, &keys[0]).await?;
    let proposal = alice.propose_document(&doc).await?;
    assert!(!proposal.executed);
    println!("proposed {}", proposal.proposal_id);

    // Executing now fails with a named error.
    match alice.execute(proposal.proposal_id).await {
        Err(SdkError::Identity(e)) => println!("execute with one vote: {e}"),
        other => panic!("expected ThresholdNotReached, got {other:?}"),
    }

    // The second controller approves and executes.
    let bob = identities.controller(identity.id, &keys[1]).await?;
    bob.approve(proposal.proposal_id).await?;
    bob.execute(proposal.proposal_id).await?;

    let result = movid_sdk::resolver::resolve(&*client, &identity.did.to_string()).await?;
    println!("{}", serde_json::to_string_pretty(&result)?);
    Ok(result)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    quickstart().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn quickstart_resolves_the_approved_document() {
        let result = super::quickstart().await.expect("quickstart runs");
        let doc = result.document().expect("the DID resolves to a document");
        assert!(doc.method("key-1").is_some());
    }
}
