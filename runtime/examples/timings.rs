//! Times genesis (compiling std, framework, identity and access, then publishing them) and one
//! Move call that mutates a shared object. Run with
//! `cargo run --release -p movid-runtime --example timings`.

use std::time::Instant;

use movid_runtime::build::build_package;
use movid_runtime::chain::LocalChain;
use movid_runtime::genesis::{dev_keys, genesis_packages};
use movid_runtime::types::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let t = Instant::now();
    genesis_packages()?;
    let compile = t.elapsed();
    let t = Instant::now();
    let chain = LocalChain::new_dev()?;
    let publish = t.elapsed();
    println!(
        "genesis: compile {:.1} ms, publish {:.1} ms",
        compile.as_secs_f64() * 1e3,
        publish.as_secs_f64() * 1e3
    );

    let dir = tempfile::tempdir()?;
    std::fs::create_dir_all(dir.path().join("sources"))?;
    std::fs::write(dir.path().join("Move.toml"), "[package]\nname = \"C\"\n\n[dependencies]\nMovid = { builtin = true }\n\n[addresses]\nc = \"0x0\"\n")?;
    std::fs::write(
        dir.path().join("sources/c.move"),
        "module c::c { use movid::object::{Self, UID}; use movid::transfer; use movid::tx_context::TxContext;
         struct Counter has key { id: UID, value: u64 }
         public entry fun create(ctx: &mut TxContext) { transfer::share_object(Counter { id: object::new(ctx), value: 0 }) }
         public entry fun bump(c: &mut Counter) { c.value = c.value + 1 } }",
    )?;
    let alice = &dev_keys(1)[0];
    let pkg = build_package(dir.path(), &Default::default())?;
    let mut b = PtbBuilder::new();
    let cap = b.publish(pkg.module_bytes(), pkg.dependencies.clone());
    let me = b.pure(&alice.address());
    b.transfer_objects(vec![cap], me);
    let r = chain.sign_and_execute(alice, b.finish(), 5_000_000_000)?;
    let package = r
        .effects
        .created
        .iter()
        .find(|(_, o)| *o == Owner::Immutable)
        .ok_or("no package")?
        .0
        .object_id();
    let mut b = PtbBuilder::new();
    b.move_call(*package, "c", "create", vec![], vec![]);
    let r = chain.sign_and_execute(alice, b.finish(), 50_000_000)?;
    let (counter, owner) = r.effects.created[0].clone();
    let Owner::Shared {
        initial_shared_version,
    } = owner
    else {
        return Err("not shared".into());
    };
    let mut samples = vec![];
    for _ in 0..200 {
        let mut b = PtbBuilder::new();
        let c = b.object(ObjectArg::Shared {
            id: *counter.object_id(),
            initial_shared_version,
            mutable: true,
        });
        b.move_call(*package, "c", "bump", vec![], vec![c]);
        let ptb = b.finish();
        let t = Instant::now();
        let r = chain.sign_and_execute(alice, ptb, 50_000_000)?;
        samples.push(t.elapsed());
        assert!(r.effects.status.is_ok());
    }
    samples.sort();
    println!(
        "one signed Move call mutating a shared object (in memory, incl. signing and gas selection): p50 {:.1} us, p99 {:.1} us",
        samples[100].as_secs_f64() * 1e6,
        samples[198].as_secs_f64() * 1e6
    );
    Ok(())
}
