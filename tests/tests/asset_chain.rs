//! Authenticated assets (`identity::asset`) through signed programmable transactions on a
//! `LocalChain`, below the SDK: the flows, and attacks with the state shown unchanged (object
//! versions, owners and contents) when they are refused.

use movid_runtime::types::{
    Address, ExecutionFailure, ExecutionStatus, Object, ObjectArg, ObjectID, Owner, PtbBuilder,
    TypeTag, WellKnown,
};
use movid_tests::chain_identity::{decode_object, outcome, Refusal, TestChain, BUDGET};
use serde::Deserialize;

const ALICE: usize = 0;
const BOB: usize = 1;
const CAROL: usize = 2;

/// The content type of these tests: `vector<u8>`.
fn bytes() -> TypeTag {
    TypeTag::Vector(Box::new(TypeTag::U8))
}

/// Mirror of `AuthenticatedAsset<vector<u8>>`.
#[derive(Debug, Deserialize, PartialEq, Eq)]
struct Asset {
    id: ObjectID,
    origin: Address,
    owner: Address,
    mutable: bool,
    transferable: bool,
    deletable: bool,
    content: Vec<u8>,
}

/// Mirror of `TransferProposal`.
#[derive(Debug, Deserialize, PartialEq, Eq)]
struct TransferProposal {
    id: ObjectID,
    asset: ObjectID,
    sender: Address,
    recipient: Address,
    expiration_epoch: Option<u64>,
}

/// Account `sender` runs one call of `identity::asset` with `args` built on `b`.
fn call(
    chain: &TestChain,
    sender: usize,
    function: &str,
    build: impl FnOnce(&mut PtbBuilder) -> Vec<movid_runtime::types::Argument>,
) -> Result<movid_runtime::chain::ExecutionResult, Refusal> {
    let mut b = PtbBuilder::new();
    let args = build(&mut b);
    b.move_call(ObjectID::IDENTITY, "asset", function, vec![bytes()], args);
    outcome(chain.run(&chain.keys[sender], b.finish()))
}

fn create(chain: &TestChain, sender: usize, flags: (bool, bool, bool)) -> ObjectID {
    let r = call(chain, sender, "create", |b| {
        vec![
            b.pure(&b"deed".to_vec()),
            b.pure(&flags.0),
            b.pure(&flags.1),
            b.pure(&flags.2),
        ]
    })
    .expect("the asset is created");
    *r.effects.created[0].0.object_id()
}

fn owned(chain: &TestChain, id: ObjectID) -> ObjectArg {
    ObjectArg::ImmOrOwned(chain.object(id).expect("live").object_ref())
}

fn shared(chain: &TestChain, id: ObjectID) -> ObjectArg {
    let o = chain.object(id).expect("live");
    let Owner::Shared {
        initial_shared_version,
    } = o.owner
    else {
        panic!("{id} is not shared")
    };
    ObjectArg::Shared {
        id,
        initial_shared_version,
        mutable: true,
    }
}

fn offer(
    chain: &TestChain,
    sender: usize,
    asset: ObjectID,
    to: usize,
) -> Result<ObjectID, Refusal> {
    let recipient = chain.address(to);
    let r = call(chain, sender, "offer", |b| {
        vec![
            b.object(owned(chain, asset)),
            b.pure(&recipient),
            b.pure(&None::<u64>),
        ]
    })?;
    Ok(*r
        .effects
        .created
        .iter()
        .find(|(_, owner)| matches!(owner, Owner::Shared { .. }))
        .expect("the offer is shared")
        .0
        .object_id())
}

/// `accept` or `cancel` of `proposal` by `sender`, naming `asset` as the Receiving ticket.
fn conclude(
    chain: &TestChain,
    sender: usize,
    function: &str,
    proposal: ObjectID,
    asset: ObjectID,
) -> Result<movid_runtime::chain::ExecutionResult, Refusal> {
    call(chain, sender, function, |b| {
        vec![
            b.object(shared(chain, proposal)),
            b.object(ObjectArg::Receiving(
                chain.object(asset).expect("live").object_ref(),
            )),
        ]
    })
}

/// Everything a refused attack must leave as it was: each object's version, owner and bytes.
fn snapshot(chain: &TestChain, ids: &[ObjectID]) -> Vec<Option<Object>> {
    ids.iter().map(|id| chain.object(*id)).collect()
}

#[test]
fn asset_is_offered_accepted_and_its_offer_deleted() {
    let chain = TestChain::new(3);
    let id = create(&chain, ALICE, (true, true, true));
    let asset: Asset = chain.decode(id).unwrap();
    assert_eq!(
        (asset.origin, asset.owner),
        (chain.address(ALICE), chain.address(ALICE))
    );
    assert_eq!(asset.content, b"deed");

    let proposal = offer(&chain, ALICE, id, BOB).unwrap();
    let p: TransferProposal = chain.decode(proposal).unwrap();
    assert_eq!(
        (p.asset, p.sender, p.recipient, p.expiration_epoch),
        (id, chain.address(ALICE), chain.address(BOB), None)
    );
    // The asset now belongs to the offer's address, not to alice.
    assert_eq!(
        chain.object(id).unwrap().owner,
        Owner::AddressOwner(proposal)
    );

    let r = conclude(&chain, BOB, "accept", proposal, id).unwrap();
    assert!(r.effects.deleted.iter().any(|d| *d.object_id() == proposal));
    assert!(chain.object(proposal).is_none(), "the offer is deleted");
    let o = chain.object(id).unwrap();
    assert_eq!(o.owner, Owner::AddressOwner(chain.address(BOB)));
    let asset: Asset = decode_object(&o);
    assert_eq!(
        (asset.origin, asset.owner),
        (chain.address(ALICE), chain.address(BOB))
    );
}

#[test]
fn refused_attacks_on_an_open_offer_change_nothing() {
    let chain = TestChain::new(3);
    let id = create(&chain, ALICE, (true, true, true));
    let proposal = offer(&chain, ALICE, id, BOB).unwrap();
    let before = snapshot(&chain, &[id, proposal]);

    // Carol accepts bob's offer; alice accepts her own offer to take the asset back.
    for thief in [CAROL, ALICE] {
        assert_eq!(
            conclude(&chain, thief, "accept", proposal, id).unwrap_err(),
            Refusal::abort("asset", "ENotRecipient")
        );
    }
    // Bob and carol cancel alice's offer.
    for other in [BOB, CAROL] {
        assert_eq!(
            conclude(&chain, other, "cancel", proposal, id).unwrap_err(),
            Refusal::abort("asset", "ENotOfferer")
        );
    }
    assert_eq!(snapshot(&chain, &[id, proposal]), before);

    // Alice offers the asset a second time, or mutates or deletes it while it is offered: she no
    // longer owns it, so the node refuses the transaction before running it.
    for function in ["offer", "set_content", "delete"] {
        let mut b = PtbBuilder::new();
        let asset = b.object(owned(&chain, id));
        let args = match function {
            "offer" => vec![asset, b.pure(&chain.address(CAROL)), b.pure(&None::<u64>)],
            "set_content" => vec![asset, b.pure(&b"forged".to_vec())],
            _ => vec![asset],
        };
        b.move_call(ObjectID::IDENTITY, "asset", function, vec![bytes()], args);
        let refused = chain
            .chain
            .sign_and_execute(&chain.keys[ALICE], b.finish(), BUDGET);
        assert!(
            refused.is_err(),
            "{function} of an offered asset: {refused:?}"
        );
    }
    assert_eq!(snapshot(&chain, &[id, proposal]), before);

    // After a cancel, the offer is gone: bob's acceptance cannot name it.
    conclude(&chain, ALICE, "cancel", proposal, id).unwrap();
    assert!(chain.object(proposal).is_none());
    assert_eq!(
        chain.object(id).unwrap().owner,
        Owner::AddressOwner(chain.address(ALICE))
    );
    let mut b = PtbBuilder::new();
    let p = b.object(ObjectArg::Shared {
        id: proposal,
        initial_shared_version: before[1].as_ref().unwrap().version(),
        mutable: true,
    });
    let t = b.object(ObjectArg::Receiving(chain.object(id).unwrap().object_ref()));
    b.move_call(
        ObjectID::IDENTITY,
        "asset",
        "accept",
        vec![bytes()],
        vec![p, t],
    );
    let after_cancel = snapshot(&chain, &[id]);
    let late = chain
        .chain
        .sign_and_execute(&chain.keys[BOB], b.finish(), BUDGET);
    let failed = match late {
        Err(_) => true,
        Ok(r) => !matches!(r.effects.status, ExecutionStatus::Success),
    };
    assert!(failed, "accepting a cancelled offer must not succeed");
    assert_eq!(snapshot(&chain, &[id]), after_cancel);
}

#[test]
fn flags_refuse_with_named_aborts_and_change_nothing() {
    let chain = TestChain::new(3);
    let fixed = create(&chain, ALICE, (false, false, false));
    let before = snapshot(&chain, &[fixed]);
    assert_eq!(
        call(&chain, ALICE, "set_content", |b| vec![
            b.object(owned(&chain, fixed)),
            b.pure(&b"changed".to_vec())
        ])
        .unwrap_err(),
        Refusal::abort("asset", "EImmutable")
    );
    assert_eq!(
        call(&chain, ALICE, "delete", |b| vec![
            b.object(owned(&chain, fixed))
        ])
        .unwrap_err(),
        Refusal::abort("asset", "ENotDeletable")
    );
    assert_eq!(
        offer(&chain, ALICE, fixed, BOB).unwrap_err(),
        Refusal::abort("asset", "ENotTransferable")
    );
    // A failed transaction still charges gas, but the asset is as it was: the failure rolled
    // back the version bump of its input too.
    assert_eq!(snapshot(&chain, &[fixed]), before);
}

#[test]
fn a_key_only_asset_cannot_leave_its_owner_outside_the_offer_flow() {
    let chain = TestChain::new(3);
    let id = create(&chain, ALICE, (true, false, true));
    let before = snapshot(&chain, &[id]);

    // TransferObjects needs `store`.
    let mut b = PtbBuilder::new();
    let asset = b.object(owned(&chain, id));
    let to = b.pure(&chain.address(BOB));
    b.transfer_objects(vec![asset], to);
    let r = chain.run(&chain.keys[ALICE], b.finish());
    assert!(
        matches!(r.effects.status, ExecutionStatus::Failure { .. }),
        "{:?}",
        r.effects.status
    );

    // The framework's private transfer is for the type's own module only.
    let asset_type = TypeTag::Struct(movid_sdk::identity::asset::asset_type(bytes()));
    let mut b = PtbBuilder::new();
    let asset = b.object(owned(&chain, id));
    let to = b.pure(&chain.address(BOB));
    b.move_call(
        ObjectID::FRAMEWORK,
        "transfer",
        "transfer",
        vec![asset_type],
        vec![asset, to],
    );
    let r = chain.run(&chain.keys[ALICE], b.finish());
    assert!(
        matches!(
            r.effects.status,
            ExecutionStatus::Failure {
                error: ExecutionFailure::CallNotAllowed { .. },
                ..
            }
        ),
        "{:?}",
        r.effects.status
    );
    assert_eq!(snapshot(&chain, &[id]), before);
}
