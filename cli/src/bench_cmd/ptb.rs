//! The PTB pieces the workloads are built from: identity calls, the clock, generated DID
//! documents, a deterministic random source.

use super::*;

/// The ID in the `ProposalCreated` event of a propose transaction.
pub(super) fn proposal_created(r: &ExecutionResult) -> CliResult<ObjectID> {
    /// `identity::events::ProposalCreated`.
    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct ProposalCreated {
        identity: ObjectID,
        proposal: ObjectID,
        controller: ObjectID,
        expiration_epoch: Option<u64>,
        votes: u64,
        threshold: u64,
    }
    let e = r
        .events
        .iter()
        .find(|e| e.type_.name.as_str() == "ProposalCreated")
        .ok_or_else(|| CliError::plain("the proposal transaction created no proposal"))?;
    Ok(bcs::from_bytes::<ProposalCreated>(&e.contents)?.proposal)
}

pub(super) fn auth_with_cap(b: &mut PtbBuilder, cap: ObjectReference) -> Argument {
    let cap = b.object(ObjectArg::ImmOrOwned(cap));
    b.move_call(
        ObjectID::IDENTITY,
        "controller",
        "auth_with_cap",
        vec![],
        vec![cap],
    )
}

pub(super) fn update_did_type() -> TypeTag {
    TypeTag::Struct(StructTag {
        address: movid_runtime::seam::to_vm_address(ObjectID::IDENTITY),
        module: move_core_types::identifier::Identifier::new("did_proposal").expect("valid"),
        name: move_core_types::identifier::Identifier::new("UpdateDid").expect("valid"),
        type_params: vec![],
    })
}

pub(super) fn clock() -> ObjectArg {
    ObjectArg::Shared {
        id: ObjectID::CLOCK,
        initial_shared_version: 1,
        mutable: false,
    }
}

/// An on-chain DID document of about `len` bytes.
pub(super) fn did_doc(len: usize) -> Vec<u8> {
    let mut json = String::from(
        r#"{"@context":["https://www.w3.org/ns/did/v1"],"id":"did:0:0","service":[{"id":"did:0:0#s","type":"Note","serviceEndpoint":""#,
    );
    while json.len() < len.saturating_sub(9) {
        json.push('x');
    }
    json.push_str(r#""}]}"#);
    let mut b = b"DID".to_vec();
    b.extend([1, 0]);
    b.extend(json.into_bytes());
    b
}

pub(super) fn xorshift(state: &mut u64) -> u64 {
    let mut x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    x
}
