//! Public credentials through signed PTBs against the identity package: the governance rules
//! hold for credential changes as for every other proposal (a co-controller cannot apply one
//! below the threshold, a token without EXECUTE cannot apply one, a proposal of one identity
//! cannot be executed on another), and each refusal leaves the identity as it was.

use movid_runtime::chain::ExecutionResult;
use movid_runtime::types::*;
use movid_tests::chain_identity::{
    identity_type, ChainIdentity, ControllerSpec, Refusal, TestChain,
};

const JWS: &[u8] = b"eyJhbGciOiJFZERTQSJ9.eyJ2YyI6e319.c2ln";

/// `identity::approve_proposal<UpdateCredentials>(identity, auth, proposal)`.
fn approve(
    id: &ChainIdentity<'_>,
    cap: ObjectID,
    proposal: ObjectID,
) -> Result<ExecutionResult, Refusal> {
    id.with_auth(cap, |b, identity, auth| {
        let p = b.pure(&proposal);
        b.move_call(
            ObjectID::IDENTITY,
            "identity",
            "approve_proposal",
            vec![identity_type(
                "credential_proposal",
                "UpdateCredentials",
                vec![],
            )],
            vec![identity, auth, p],
        );
    })
}

/// `credential_proposal::propose_credentials(identity, auth, none, [name], [JWS], [])` with
/// `cap` (a `ControllerCap`) or, when `token`, a `DelegationToken`.
fn propose(
    id: &ChainIdentity<'_>,
    credential: ObjectID,
    token: bool,
    name: &str,
) -> Result<ExecutionResult, Refusal> {
    let call = |b: &mut PtbBuilder, identity: Argument, auth: Argument| {
        let args = vec![
            identity,
            auth,
            b.pure(&Option::<u64>::None),
            b.pure(&vec![name.as_bytes().to_vec()]),
            b.pure(&vec![JWS.to_vec()]),
            b.pure(&Vec::<Vec<u8>>::new()),
        ];
        b.move_call(
            ObjectID::IDENTITY,
            "credential_proposal",
            "propose_credentials",
            vec![],
            args,
        );
    };
    if token {
        id.with_token(credential, call)
    } else {
        id.with_auth(credential, call)
    }
}

/// `credential_proposal::execute_credentials(identity, auth, proposal)`.
fn execute(
    id: &ChainIdentity<'_>,
    credential: ObjectID,
    token: bool,
    proposal: ObjectID,
) -> Result<ExecutionResult, Refusal> {
    let call = |b: &mut PtbBuilder, identity: Argument, auth: Argument| {
        let p = b.pure(&proposal);
        b.move_call(
            ObjectID::IDENTITY,
            "credential_proposal",
            "execute_credentials",
            vec![],
            vec![identity, auth, p],
        );
    };
    if token {
        id.with_token(credential, call)
    } else {
        id.with_auth(credential, call)
    }
}

/// The identity object and its dynamic fields (where credentials and proposals live), to show
/// a refused transaction changed nothing.
fn state(chain: &TestChain, id: ObjectID) -> (Object, Vec<Object>) {
    (
        chain.object(id).expect("the identity exists"),
        chain.chain.dynamic_fields(&id).expect("reads"),
    )
}

fn has_credentials(chain: &TestChain, id: ObjectID) -> bool {
    chain.chain.dynamic_fields(&id).unwrap().iter().any(|o| {
        o.type_().is_some_and(|t| {
            t.type_params.first()
                == Some(&identity_type(
                    "credential_proposal",
                    "CredentialsKey",
                    vec![],
                ))
        })
    })
}

#[test]
fn a_co_controller_cannot_apply_a_credential_change_below_the_threshold() {
    let chain = TestChain::new(3);
    let specs = [0, 1, 2].map(|a| ControllerSpec::new(a, 1));
    let id = chain.create_identity(0, None, &specs, 2).unwrap();
    let (a, b) = (id.caps_of(0)[0], id.caps_of(1)[0]);
    let r = propose(&id, a, false, "degree").unwrap();
    let proposal = chain.created_proposal(&r).expect("a proposal is open");
    // Bob executes without approving: one vote of two.
    let before = state(&chain, id.id);
    assert_eq!(
        execute(&id, b, false, proposal).unwrap_err(),
        Refusal::abort("multicontroller", "EThresholdNotReached")
    );
    assert_eq!(state(&chain, id.id), before);
    assert!(!has_credentials(&chain, id.id));
    // With his approval it applies.
    approve(&id, b, proposal).unwrap();
    execute(&id, b, false, proposal).unwrap();
    assert!(has_credentials(&chain, id.id));
}

#[test]
fn a_token_without_execute_cannot_apply_a_credential_change() {
    let chain = TestChain::new(2);
    let spec = ControllerSpec::new(0, 1).delegating();
    let id = chain.create_identity(0, None, &[spec], 1).unwrap();
    let cap = id.caps_of(0)[0];
    // CREATE | APPROVE: the holder may propose and vote, not execute.
    let token = id.delegate(cap, 0x1 | 0x2, 1).unwrap();
    let r = propose(&id, token, true, "degree").unwrap();
    let proposal = chain
        .created_proposal(&r)
        .expect("without EXECUTE the change waits");
    let before = state(&chain, id.id);
    assert_eq!(
        execute(&id, token, true, proposal).unwrap_err(),
        Refusal::abort("controller", "EMissingPermission")
    );
    assert_eq!(state(&chain, id.id), before);
    // The controller's cap executes it.
    execute(&id, cap, false, proposal).unwrap();
    assert!(has_credentials(&chain, id.id));
}

#[test]
fn a_credential_change_of_one_identity_cannot_be_executed_on_another() {
    let chain = TestChain::new(2);
    let victim = chain
        .create_identity(
            0,
            None,
            &[ControllerSpec::new(0, 1), ControllerSpec::new(1, 1)],
            2,
        )
        .unwrap();
    let attacker = chain
        .create_identity(1, None, &[ControllerSpec::new(1, 1)], 1)
        .unwrap();
    let r = propose(&victim, victim.caps_of(0)[0], false, "degree").unwrap();
    let proposal = chain.created_proposal(&r).unwrap();
    let before = (state(&chain, victim.id), state(&chain, attacker.id));
    // The attacker presents its own identity's cap and names the victim's proposal.
    assert_eq!(
        execute(&attacker, attacker.caps_of(1)[0], false, proposal).unwrap_err(),
        Refusal::abort("multicontroller", "EProposalNotFound")
    );
    assert_eq!(
        (state(&chain, victim.id), state(&chain, attacker.id)),
        before
    );
}
