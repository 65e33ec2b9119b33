//! The identity package's rules, one behaviour per test, driven by programmable transactions
//! on a `LocalChain` (below the SDK: see `movid_tests::chain_identity`).

use movid_runtime::chain::ExecutionResult;
use movid_runtime::types::{Digest, ObjectArg, ObjectID, TypeTag, WellKnown};
use movid_tests::chain_identity::{
    clock, ChainIdentity, ConfigChange, ControllerCap, ControllerSpec, ProposalKind, Refusal,
    TestChain, UpdateDid,
};

/// Enough accounts for three controllers and two to add.
const ACCOUNTS: usize = 5;
/// `identity::permissions`: create proposals.
const CREATE: u64 = 0x1;
/// Every permission.
const ALL: u64 = 0x1f;

fn doc(payload: &str) -> Vec<u8> {
    TestChain::document(payload.as_bytes())
}

/// An identity whose controllers are accounts `0..powers.len()`, created by account 0 with the
/// document `doc("{}")`; returns it and its controllers' caps in account order.
fn identity_with<'c>(
    chain: &'c TestChain,
    powers: &[u64],
    threshold: u64,
) -> (ChainIdentity<'c>, Vec<ObjectID>) {
    let specs: Vec<ControllerSpec> = powers
        .iter()
        .enumerate()
        .map(|(i, vp)| ControllerSpec::new(i, *vp))
        .collect();
    let identity = chain
        .create_identity(0, Some(&doc("{}")), &specs, threshold)
        .expect("the identity is created");
    let caps = (0..powers.len())
        .map(|i| {
            let held = identity.caps_of(i);
            assert_eq!(held.len(), 1, "account {i} holds one cap");
            held[0]
        })
        .collect();
    (identity, caps)
}

fn open_proposal(identity: &ChainIdentity<'_>, cap: ObjectID, document: &[u8]) -> ObjectID {
    identity
        .propose_update(cap, None, document)
        .expect("the proposal is accepted")
        .proposal
        .expect("the proposal stays open")
}

fn assert_refused<T: std::fmt::Debug>(r: Result<T, Refusal>, module: &str, constant: &str) {
    match r {
        Err(refusal) => assert_eq!(refusal, Refusal::abort(module, constant)),
        Ok(v) => panic!("expected {module}::{constant}, got success: {v:?}"),
    }
}

fn votes(identity: &ChainIdentity<'_>, proposal: ObjectID) -> Vec<ObjectID> {
    identity
        .proposal::<UpdateDid>(proposal)
        .expect("the proposal is open")
        .voters
        .contents
}

#[test]
fn creating_with_one_controller_works() {
    let chain = TestChain::new(ACCOUNTS);
    let identity = chain
        .create_identity(1, Some(&doc("{}")), &[ControllerSpec::new(0, 1)], 1)
        .unwrap();
    let state = identity.state();
    let caps = identity.caps();
    assert_eq!(caps.len(), 1);
    assert_eq!(caps[0].owner, chain.address(0));
    assert_eq!(
        state.controllers().into_iter().collect::<Vec<_>>(),
        vec![(caps[0].id, 1)]
    );
    assert_eq!(state.threshold(), 1);
    assert_eq!(state.document(), &Some(doc("{}")));
    assert!(state.active_proposals().is_empty());
    assert!(!state.deleted && !state.deleted_did);
    let cap: ControllerCap = chain.decode(caps[0].id).unwrap();
    assert_eq!(cap.controller_of, identity.id);
}

#[test]
fn creating_with_three_controllers_works() {
    let chain = TestChain::new(ACCOUNTS);
    let (identity, caps) = identity_with(&chain, &[1, 2, 3], 4);
    let state = identity.state();
    let controllers = state.controllers();
    assert_eq!(controllers.len(), 3);
    for (cap, vp) in caps.iter().zip([1, 2, 3]) {
        assert_eq!(controllers[cap], vp);
    }
    assert_eq!(state.threshold(), 4);
}

#[test]
fn a_non_did_document_is_refused_at_creation() {
    let chain = TestChain::new(ACCOUNTS);
    let r = chain.create_identity(
        0,
        Some(b"{\"id\":\"did:0:0\"}"),
        &[ControllerSpec::new(0, 1)],
        1,
    );
    assert_refused(r.map(|i| i.id), "document", "ENotADidDocument");
    assert!(chain
        .chain
        .owned_objects(&chain.address(0))
        .unwrap()
        .iter()
        .all(|o| { o.type_().map(|t| t.name.as_str()) != Some("ControllerCap") }));
}

#[test]
fn a_sole_controller_adding_a_controller_executes_at_once() {
    let chain = TestChain::new(ACCOUNTS);
    let (identity, caps) = identity_with(&chain, &[1], 1);
    let proposed = identity
        .propose_config(caps[0], None, &ConfigChange::add(chain.address(1), 1))
        .unwrap();
    assert_eq!(proposed.proposal, None, "executed in the same call");
    let added = chain.created_caps(&proposed.result);
    assert_eq!(added.len(), 1);
    assert_eq!(added[0].owner, chain.address(1));
    let state = identity.state();
    assert_eq!(state.controllers().len(), 2);
    assert_eq!(state.controllers()[&added[0].id], 1);
    assert!(state.active_proposals().is_empty());
    assert!(identity.proposal_fields().is_empty());
}

#[test]
fn execution_is_refused_below_threshold_then_allowed_after_another_approval() {
    let chain = TestChain::new(ACCOUNTS);
    let (identity, caps) = identity_with(&chain, &[1, 1, 1], 2);
    let p = open_proposal(&identity, caps[0], &doc("{\"v\":2}"));
    assert_refused(
        identity.execute(caps[0], ProposalKind::UpdateDid, p),
        "multicontroller",
        "EThresholdNotReached",
    );
    identity
        .approve(caps[1], ProposalKind::UpdateDid, p)
        .unwrap();
    // Any controller may execute, not only the voters.
    identity
        .execute(caps[2], ProposalKind::UpdateDid, p)
        .unwrap();
    let state = identity.state();
    assert_eq!(state.document(), &Some(doc("{\"v\":2}")));
    assert!(state.active_proposals().is_empty());
    assert!(chain.object(p).is_none(), "the proposal object is gone");
}

#[test]
fn a_double_vote_is_refused() {
    let chain = TestChain::new(ACCOUNTS);
    let (identity, caps) = identity_with(&chain, &[1, 1, 1], 3);
    let p = open_proposal(&identity, caps[0], &doc("{\"v\":2}"));
    assert_refused(
        identity.approve(caps[0], ProposalKind::UpdateDid, p),
        "multicontroller",
        "EAlreadyVoted",
    );
    identity
        .approve(caps[1], ProposalKind::UpdateDid, p)
        .unwrap();
    assert_refused(
        identity.approve(caps[1], ProposalKind::UpdateDid, p),
        "multicontroller",
        "EAlreadyVoted",
    );
    assert_eq!(votes(&identity, p).len(), 2);
}

#[test]
fn removing_an_approval_works() {
    let chain = TestChain::new(ACCOUNTS);
    let (identity, caps) = identity_with(&chain, &[1, 1, 1], 2);
    let p = open_proposal(&identity, caps[0], &doc("{\"v\":2}"));
    identity
        .approve(caps[1], ProposalKind::UpdateDid, p)
        .unwrap();
    identity
        .remove_approval(caps[1], ProposalKind::UpdateDid, p)
        .unwrap();
    assert_eq!(votes(&identity, p), vec![caps[0]]);
    assert_refused(
        identity.execute(caps[0], ProposalKind::UpdateDid, p),
        "multicontroller",
        "EThresholdNotReached",
    );
    assert_refused(
        identity.remove_approval(caps[1], ProposalKind::UpdateDid, p),
        "multicontroller",
        "ENotVoted",
    );
    // A proposal still approved by someone cannot be deleted; once nobody approves it, it can.
    assert_refused(
        identity.delete_proposal(caps[1], ProposalKind::UpdateDid, p),
        "multicontroller",
        "ECannotDeleteProposal",
    );
    identity
        .remove_approval(caps[0], ProposalKind::UpdateDid, p)
        .unwrap();
    identity
        .delete_proposal(caps[1], ProposalKind::UpdateDid, p)
        .unwrap();
    assert!(identity.state().active_proposals().is_empty());
}

#[test]
fn an_expired_proposal_cannot_execute_and_can_be_deleted() {
    let chain = TestChain::new(ACCOUNTS);
    let (identity, caps) = identity_with(&chain, &[1, 1], 2);
    let epoch = chain.chain.epoch();
    let p = identity
        .propose_update(caps[0], Some(epoch), &doc("{\"v\":2}"))
        .unwrap()
        .proposal
        .unwrap();
    identity
        .approve(caps[1], ProposalKind::UpdateDid, p)
        .unwrap();
    assert_refused(
        identity.delete_proposal(caps[1], ProposalKind::UpdateDid, p),
        "multicontroller",
        "ECannotDeleteProposal",
    );
    // Approvable and executable through its expiration epoch; expired after it.
    chain.chain.advance_epoch().unwrap();
    assert_refused(
        identity.execute(caps[0], ProposalKind::UpdateDid, p),
        "multicontroller",
        "EProposalExpired",
    );
    identity
        .delete_proposal(caps[1], ProposalKind::UpdateDid, p)
        .unwrap();
    let state = identity.state();
    assert!(state.active_proposals().is_empty());
    assert_eq!(state.document(), &Some(doc("{}")));
    assert!(identity.proposal_fields().is_empty());
    assert_refused(
        identity.propose_update(caps[0], Some(epoch), &doc("{}")),
        "multicontroller",
        "EInvalidExpiration",
    );
}

#[test]
fn voting_power_changed_after_a_vote_is_counted_at_its_new_value() {
    let chain = TestChain::new(ACCOUNTS);
    // Controller 0 (power 1) votes for a document; no one alone reaches the threshold of 3.
    let (identity, caps) = identity_with(&chain, &[1, 1, 2], 3);
    let p = open_proposal(&identity, caps[0], &doc("{\"v\":2}"));
    assert_refused(
        identity.execute(caps[0], ProposalKind::UpdateDid, p),
        "multicontroller",
        "EThresholdNotReached",
    );
    // Controllers 1 and 2 raise controller 0's power to 3: its vote now suffices.
    let c = identity
        .propose_config(caps[2], None, &ConfigChange::set_voting_power(caps[0], 3))
        .unwrap()
        .proposal
        .unwrap();
    identity
        .approve(caps[1], ProposalKind::ConfigChange, c)
        .unwrap();
    identity
        .execute(caps[1], ProposalKind::ConfigChange, c)
        .unwrap();
    assert_eq!(identity.state().controllers()[&caps[0]], 3);
    identity
        .execute(caps[1], ProposalKind::UpdateDid, p)
        .unwrap();
    assert_eq!(identity.state().document(), &Some(doc("{\"v\":2}")));
}

#[test]
fn voting_power_lowered_after_a_vote_is_counted_at_its_new_value() {
    let chain = TestChain::new(ACCOUNTS);
    let (identity, caps) = identity_with(&chain, &[1, 3, 1], 3);
    let p = open_proposal(&identity, caps[0], &doc("{\"v\":2}"));
    identity
        .approve(caps[1], ProposalKind::UpdateDid, p)
        .unwrap();
    // Votes as cast: 1 + 3 >= 3. Controller 1 lowers its own power to 1 (its 3 alone reach
    // the threshold, so the change executes at once); the recount is 1 + 1 < 3.
    let c = identity
        .propose_config(caps[1], None, &ConfigChange::set_voting_power(caps[1], 1))
        .unwrap();
    assert_eq!(c.proposal, None);
    assert_refused(
        identity.execute(caps[0], ProposalKind::UpdateDid, p),
        "multicontroller",
        "EThresholdNotReached",
    );
    identity
        .approve(caps[2], ProposalKind::UpdateDid, p)
        .unwrap();
    identity
        .execute(caps[0], ProposalKind::UpdateDid, p)
        .unwrap();
    assert_eq!(identity.state().document(), &Some(doc("{\"v\":2}")));
}

#[test]
fn a_removed_controllers_vote_no_longer_counts() {
    let chain = TestChain::new(ACCOUNTS);
    let (identity, caps) = identity_with(&chain, &[1, 1, 1], 2);
    let p = open_proposal(&identity, caps[0], &doc("{\"v\":2}"));
    // Controllers 1 and 2 remove controller 0, whose vote alone was on `p`.
    let c = identity
        .propose_config(caps[1], None, &ConfigChange::remove(caps[0]))
        .unwrap()
        .proposal
        .unwrap();
    identity
        .approve(caps[2], ProposalKind::ConfigChange, c)
        .unwrap();
    identity
        .execute(caps[2], ProposalKind::ConfigChange, c)
        .unwrap();
    assert!(!identity.state().controllers().contains_key(&caps[0]));
    // Controller 1's approval is the only current vote: 1 < 2.
    identity
        .approve(caps[1], ProposalKind::UpdateDid, p)
        .unwrap();
    assert_refused(
        identity.execute(caps[1], ProposalKind::UpdateDid, p),
        "multicontroller",
        "EThresholdNotReached",
    );
    // The removed controller can no longer act.
    assert_refused(
        identity.approve(caps[0], ProposalKind::UpdateDid, p),
        "multicontroller",
        "ENotAController",
    );
    identity
        .approve(caps[2], ProposalKind::UpdateDid, p)
        .unwrap();
    identity
        .execute(caps[1], ProposalKind::UpdateDid, p)
        .unwrap();
    assert_eq!(identity.state().document(), &Some(doc("{\"v\":2}")));
}

#[test]
fn a_config_change_is_validated_against_the_configuration_after_it() {
    let chain = TestChain::new(ACCOUNTS);
    let (identity, caps) = identity_with(&chain, &[1, 1, 1], 3);
    // Adding a controller and raising the threshold to the new total in one change: invalid
    // against the current total (3), valid after the change (4).
    let add = ConfigChange {
        threshold: Some(4),
        ..ConfigChange::add(chain.address(3), 1)
    };
    let c = identity
        .propose_config(caps[0], None, &add)
        .unwrap()
        .proposal
        .unwrap();
    identity
        .approve(caps[1], ProposalKind::ConfigChange, c)
        .unwrap();
    identity
        .approve(caps[2], ProposalKind::ConfigChange, c)
        .unwrap();
    identity
        .execute(caps[0], ProposalKind::ConfigChange, c)
        .unwrap();
    let state = identity.state();
    assert_eq!(state.threshold(), 4);
    assert_eq!(state.controllers().len(), 4);
    // Removing a controller without lowering the threshold would leave it unreachable.
    assert_refused(
        identity.propose_config(caps[0], None, &ConfigChange::remove(caps[1])),
        "config_proposal",
        "EInvalidThreshold",
    );
}

#[test]
fn a_config_change_made_invalid_by_another_is_refused_at_execution() {
    let chain = TestChain::new(ACCOUNTS);
    let (identity, caps) = identity_with(&chain, &[1, 1, 1], 2);
    // Two proposals to remove controller 2; the first executed makes the second invalid.
    let first = identity
        .propose_config(caps[0], None, &ConfigChange::remove(caps[2]))
        .unwrap()
        .proposal
        .unwrap();
    let second = identity
        .propose_config(caps[1], None, &ConfigChange::remove(caps[2]))
        .unwrap()
        .proposal
        .unwrap();
    identity
        .approve(caps[1], ProposalKind::ConfigChange, first)
        .unwrap();
    identity
        .approve(caps[0], ProposalKind::ConfigChange, second)
        .unwrap();
    identity
        .execute(caps[0], ProposalKind::ConfigChange, first)
        .unwrap();
    assert_refused(
        identity.execute(caps[0], ProposalKind::ConfigChange, second),
        "config_proposal",
        "EUnknownController",
    );
    assert_eq!(identity.state().active_proposals(), &[second]);
}

#[test]
fn open_proposals_are_bounded() {
    let chain = TestChain::new(ACCOUNTS);
    let (identity, caps) = identity_with(&chain, &[1, 1, 1, 1, 1], 3);
    // Four controllers at their quota of 8 fill the 32 slots.
    for i in 0..32 {
        open_proposal(&identity, caps[i % 4], &doc(&format!("{{\"v\":{i}}}")));
    }
    let before = identity.state();
    assert_refused(
        identity.propose_update(caps[4], None, &doc("{}")),
        "multicontroller",
        "ETooManyProposals",
    );
    assert_eq!(identity.state(), before);
    let state = identity.state();
    assert_eq!(state.active_proposals().len(), 32);
    assert_eq!(state.did_doc.proposal_creators.len(), 32);
    assert_eq!(state.did_doc.proposals.size, 32);
    assert_eq!(identity.proposals_in_bag().len(), 32);
}

/// Issue 13's jam: in a 2-of-3 identity one controller opens never-expiring send proposals
/// for objects that do not exist. Its quota stops it at 8, the others keep proposing, and the
/// two honest controllers reject the griefing proposals away (the griefer's own vote does not
/// keep them) and then remove the griefer.
#[test]
fn a_griefer_cannot_jam_governance_and_the_honest_threshold_clears_its_proposals() {
    let chain = TestChain::new(ACCOUNTS);
    let (identity, caps) = identity_with(&chain, &[1, 1, 1], 2);
    let (alice, bob, carol) = (caps[0], caps[1], caps[2]);
    let ghosts = ids(9);
    let to = [chain.address(2)];
    let griefing: Vec<ObjectID> = ghosts[..8]
        .iter()
        .map(|g| {
            identity
                .propose_send(carol, &[*g], &to)
                .expect("within the quota")
                .proposal
                .expect("open")
        })
        .collect();
    let before = identity.state();
    assert_refused(
        identity.propose_send(carol, &ghosts[8..], &to),
        "multicontroller",
        "ETooManyProposalsOfController",
    );
    assert_eq!(identity.state(), before);

    // The honest controllers still propose.
    let update = open_proposal(&identity, alice, &doc("{\"honest\":1}"));
    identity
        .approve(bob, ProposalKind::UpdateDid, update)
        .unwrap();
    identity
        .execute(bob, ProposalKind::UpdateDid, update)
        .unwrap();
    assert_eq!(identity.state().document(), &Some(doc("{\"honest\":1}")));

    // One rejection is below the threshold: nothing is deleted, and deletion is refused.
    identity
        .reject(alice, ProposalKind::Send, griefing[0])
        .unwrap();
    assert_refused(
        identity.delete_proposal(alice, ProposalKind::Send, griefing[0]),
        "multicontroller",
        "ECannotDeleteProposal",
    );
    assert!(identity.state().active_proposals().contains(&griefing[0]));
    // The griefer cannot reject what it approved.
    assert_refused(
        identity.reject(carol, ProposalKind::Send, griefing[1]),
        "multicontroller",
        "EAlreadyVoted",
    );
    for (i, p) in griefing.iter().enumerate() {
        if i > 0 {
            identity.reject(alice, ProposalKind::Send, *p).unwrap();
        }
        identity.reject(bob, ProposalKind::Send, *p).unwrap();
        assert!(
            chain.object(*p).is_none(),
            "rejected proposal {p} is deleted"
        );
    }
    let state = identity.state();
    assert!(state.active_proposals().is_empty());
    assert!(state.did_doc.proposal_creators.is_empty());
    assert!(identity.proposals_in_bag().is_empty());

    // And remove the griefer.
    let removal = identity
        .propose_config(alice, None, &ConfigChange::remove(carol))
        .unwrap()
        .proposal
        .unwrap();
    identity
        .approve(bob, ProposalKind::ConfigChange, removal)
        .unwrap();
    identity
        .execute(bob, ProposalKind::ConfigChange, removal)
        .unwrap();
    assert!(!identity.state().controllers().contains_key(&carol));
}

/// Issue 13: in a 2-of-2 identity a CREATE-only delegate of alice opens a proposal; it must
/// carry no vote, so bob alone cannot execute what alice never approved.
#[test]
fn a_create_only_token_opening_a_proposal_casts_no_vote_for_its_controller() {
    let chain = TestChain::new(ACCOUNTS);
    let specs = [
        ControllerSpec::new(0, 1).delegating(),
        ControllerSpec::new(1, 1),
    ];
    let identity = chain
        .create_identity(0, Some(&doc("{}")), &specs, 2)
        .unwrap();
    let (alice, bob) = (identity.caps_of(0)[0], identity.caps_of(1)[0]);
    let token = identity.delegate(alice, CREATE, 3).unwrap();
    let r = identity
        .with_token(token, |b, identity, auth| {
            let args = vec![
                identity,
                auth,
                b.pure(&None::<u64>),
                b.pure(&doc("{\"never\":1}")),
                clock(b),
            ];
            b.move_call(
                ObjectID::IDENTITY,
                "did_proposal",
                "propose_update",
                vec![],
                args,
            );
        })
        .unwrap();
    let proposal = chain.created_proposal(&r).expect("the proposal stays open");
    assert!(votes(&identity, proposal).is_empty());
    identity
        .approve(bob, ProposalKind::UpdateDid, proposal)
        .unwrap();
    let before = identity.state();
    assert_refused(
        identity.execute(bob, ProposalKind::UpdateDid, proposal),
        "multicontroller",
        "EThresholdNotReached",
    );
    assert_eq!(identity.state(), before);
    assert_eq!(identity.state().document(), &Some(doc("{}")));
}

/// Issue 13: in a 2-of-2 identity alice revokes bob's token at once; bob cannot lift the
/// revocation alone, only with alice's approval.
#[test]
fn one_controller_cannot_undo_a_revocation_alone() {
    let chain = TestChain::new(ACCOUNTS);
    let specs = [
        ControllerSpec::new(0, 1),
        ControllerSpec::new(1, 1).delegating(),
    ];
    let identity = chain
        .create_identity(0, Some(&doc("{}")), &specs, 2)
        .unwrap();
    let (alice, bob) = (identity.caps_of(0)[0], identity.caps_of(1)[0]);
    let token = identity.delegate(bob, ALL, 3).unwrap();
    identity.revoke_token(alice, token).unwrap();
    assert_eq!(
        identity.state().did_doc.revoked_tokens.contents,
        vec![token]
    );

    let proposal = identity
        .propose_unrevoke(bob, token)
        .unwrap()
        .proposal
        .expect("bob alone does not reach the threshold");
    let before = identity.state();
    assert_eq!(before.did_doc.revoked_tokens.contents, vec![token]);
    assert_refused(
        identity.execute(bob, ProposalKind::UnrevokeToken, proposal),
        "multicontroller",
        "EThresholdNotReached",
    );
    assert_eq!(identity.state(), before);

    identity
        .approve(alice, ProposalKind::UnrevokeToken, proposal)
        .unwrap();
    identity
        .execute(alice, ProposalKind::UnrevokeToken, proposal)
        .unwrap();
    assert!(identity.state().did_doc.revoked_tokens.contents.is_empty());
}

/// Proposes `document` built in the transaction from pure chunks (a pure argument holds at
/// most 16 KiB, a document up to 32 KiB) appended with `std::vector::append`.
fn propose_large_update(
    identity: &ChainIdentity<'_>,
    cap: ObjectID,
    document: &[u8],
) -> Result<ExecutionResult, Refusal> {
    // Appending in Move copies byte by byte: far above the usual budget.
    identity.with_auth_budget(cap, 5_000_000_000, |b, identity, auth| {
        let chunks: Vec<&[u8]> = document.chunks(16 * 1024 - 16).collect();
        let whole = b.pure(chunks[0]);
        for chunk in &chunks[1..] {
            let part = b.pure(*chunk);
            assert_ne!(
                part, whole,
                "chunks differ, so the builder keeps them apart"
            );
            b.move_call(
                ObjectID::STD,
                "vector",
                "append",
                vec![TypeTag::U8],
                vec![whole, part],
            );
        }
        let none = b.pure(&None::<u64>);
        let clock = b.object(ObjectArg::Shared {
            id: ObjectID::CLOCK,
            initial_shared_version: 1,
            mutable: false,
        });
        b.move_call(
            ObjectID::IDENTITY,
            "did_proposal",
            "propose_update",
            vec![],
            vec![identity, auth, none, whole, clock],
        );
    })
}

#[test]
fn documents_are_bounded_at_32_kib() {
    let chain = TestChain::new(ACCOUNTS);
    let (identity, caps) = identity_with(&chain, &[1], 1);
    let payload = |len: usize| -> Vec<u8> {
        let mut d = doc("");
        d.extend((0..len).map(|i| b'a' + (i % 23) as u8));
        d
    };
    let largest = payload(32 * 1024 - 5);
    propose_large_update(&identity, caps[0], &largest).unwrap();
    assert_eq!(identity.state().document(), &Some(largest));
    assert_refused(
        propose_large_update(&identity, caps[0], &payload(32 * 1024 - 4)),
        "document",
        "EDocumentTooLarge",
    );
}

/// `n` distinct IDs, naming no object: the bounds below count IDs, whatever they name.
fn ids(n: usize) -> Vec<ObjectID> {
    (0..n as u64)
        .map(|i| ObjectID::derive_id(Digest::ZERO, i))
        .collect()
}

/// Issue 13: the revocation list cannot be filled with made-up IDs: only live tokens the
/// identity minted can be revoked, so the list holds at most as many as the identity has.
#[test]
fn revoking_ids_that_are_not_tokens_of_the_identity_is_refused() {
    let chain = TestChain::new(ACCOUNTS);
    let (identity, caps) = identity_with(&chain, &[1], 1);
    let tokens = ids(1);
    let revoke = |tokens: &[ObjectID]| {
        identity.with_auth_budget(caps[0], 2_000_000_000, |b, identity, auth| {
            for t in tokens {
                let t = b.pure(t);
                b.move_call(
                    ObjectID::IDENTITY,
                    "identity",
                    "revoke_token",
                    vec![],
                    vec![identity, auth, t],
                );
            }
        })
    };
    let before = identity.state();
    assert_refused(revoke(&tokens), "multicontroller", "EUnknownToken");
    assert_eq!(identity.state(), before);
    // Neither can a token of another identity.
    let other = chain
        .create_identity(0, None, &[ControllerSpec::new(0, 1).delegating()], 1)
        .unwrap();
    let foreign = other.delegate(other.caps_of(0)[0], ALL, 1).unwrap();
    assert_refused(revoke(&[foreign]), "multicontroller", "EUnknownToken");
    assert_eq!(identity.state(), before);
}

#[test]
fn send_and_borrow_proposals_are_bounded_at_64_objects() {
    let chain = TestChain::new(ACCOUNTS);
    let (identity, caps) = identity_with(&chain, &[1], 1);
    let objects = ids(65);
    let recipient = chain.address(1);
    let propose_send = |objects: &[ObjectID]| {
        identity.with_auth(caps[0], |b, identity, auth| {
            let args = vec![
                identity,
                auth,
                b.pure(&None::<u64>),
                b.pure(objects),
                b.pure(&vec![recipient; objects.len()]),
            ];
            b.move_call(
                ObjectID::IDENTITY,
                "send_proposal",
                "propose_send",
                vec![],
                args,
            );
        })
    };
    let propose_borrow = |objects: &[ObjectID]| {
        identity.with_auth(caps[0], |b, identity, auth| {
            let args = vec![identity, auth, b.pure(&None::<u64>), b.pure(objects)];
            b.move_call(
                ObjectID::IDENTITY,
                "borrow_proposal",
                "propose_borrow",
                vec![],
                args,
            );
        })
    };
    propose_send(&objects[..64]).expect("a send of 64 objects is proposed");
    propose_borrow(&objects[..64]).expect("a borrow of 64 objects is proposed");
    let before = identity.state();
    assert_eq!(before.active_proposals().len(), 2);
    assert_refused(propose_send(&objects), "send_proposal", "ETooManyObjects");
    assert_refused(
        propose_borrow(&objects),
        "borrow_proposal",
        "ETooManyObjects",
    );
    assert_eq!(identity.state(), before);
}
