//! A first end-to-end pass: genesis, a signed coin split and transfer, and a publish.

use movid_runtime::chain::LocalChain;
use movid_runtime::genesis::dev_keys;
use movid_runtime::types::*;

#[test]
fn split_and_transfer_a_coin() {
    let chain = LocalChain::new_dev().unwrap();
    let keys = dev_keys(2);
    let (alice, bob) = (&keys[0], keys[1].address());
    let coins = chain.gas_coins(&alice.address()).unwrap();
    let mut b = PtbBuilder::new();
    let coin = b.object(ObjectArg::ImmOrOwned(coins[1].object_ref()));
    let amt = b.pure(&10u64);
    let split = b.split_coins(coin, vec![amt]);
    let to = b.pure(&bob);
    b.transfer_objects(vec![split], to);
    let r = chain
        .sign_and_execute(alice, b.finish(), 50_000_000)
        .unwrap();
    assert!(r.effects.status.is_ok(), "{:?}", r.effects.status);
    assert_eq!(r.effects.created.len(), 1);
    let bob_coins = chain.gas_coins(&bob).unwrap();
    assert!(bob_coins
        .iter()
        .any(|c| movid_runtime::execution::coin_value(&c.as_move().unwrap().contents) == Some(10)));
}

#[test]
fn publish_and_call_a_package() {
    let chain = LocalChain::new_dev().unwrap();
    let alice = &dev_keys(1)[0];
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("sources")).unwrap();
    std::fs::write(
        dir.path().join("Move.toml"),
        "[package]\nname = \"Counter\"\n\n[dependencies]\nMovid = { builtin = true }\n\n[addresses]\ncounter = \"0x0\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("sources/counter.move"),
        r#"module counter::counter {
    use movid::object::{Self, UID};
    use movid::transfer;
    use movid::tx_context::{Self, TxContext};
    struct Counter has key { id: UID, value: u64 }
    const ETooBig: u64 = 7;
    public entry fun create(ctx: &mut TxContext) {
        transfer::share_object(Counter { id: object::new(ctx), value: 0 });
        let _ = tx_context::sender(ctx);
    }
    public entry fun bump(c: &mut Counter) { assert!(c.value < 2, ETooBig); c.value = c.value + 1; }
}"#,
    )
    .unwrap();
    let pkg = movid_runtime::build::build_package(dir.path(), &Default::default()).unwrap();
    let mut b = PtbBuilder::new();
    let cap = b.publish(pkg.module_bytes(), pkg.dependencies.clone());
    let me = b.pure(&alice.address());
    b.transfer_objects(vec![cap], me);
    let r = chain
        .sign_and_execute(alice, b.finish(), 5_000_000_000)
        .unwrap();
    assert!(r.effects.status.is_ok(), "{:?}", r.effects.status);
    let package = r
        .effects
        .created
        .iter()
        .find(|(_, o)| *o == Owner::Immutable)
        .unwrap()
        .0
        .object_id();
    let mut b = PtbBuilder::new();
    b.move_call(*package, "counter", "create", vec![], vec![]);
    let r = chain
        .sign_and_execute(alice, b.finish(), 50_000_000)
        .unwrap();
    assert!(r.effects.status.is_ok(), "{:?}", r.effects.status);
    let (counter, owner) = r.effects.created[0].clone();
    let Owner::Shared {
        initial_shared_version,
    } = owner
    else {
        panic!("not shared")
    };
    for i in 0..3 {
        let mut b = PtbBuilder::new();
        let c = b.object(ObjectArg::Shared {
            id: *counter.object_id(),
            initial_shared_version,
            mutable: true,
        });
        b.move_call(*package, "counter", "bump", vec![], vec![c]);
        let r = chain
            .sign_and_execute(alice, b.finish(), 50_000_000)
            .unwrap();
        if i < 2 {
            assert!(r.effects.status.is_ok(), "{:?}", r.effects.status);
        } else {
            let ExecutionStatus::Failure {
                error: ExecutionFailure::MoveAbort(a),
                ..
            } = &r.effects.status
            else {
                panic!("expected abort, got {:?}", r.effects.status)
            };
            assert_eq!(a.constant.as_deref(), Some("ETooBig"));
            assert_eq!(a.function.as_deref(), Some("bump"));
        }
    }
    let obj = chain.get_object(counter.object_id()).unwrap().unwrap();
    assert_eq!(obj.as_move().unwrap().contents[32..40], 2u64.to_le_bytes());
}
