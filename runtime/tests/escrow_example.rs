//! The Sui-style example package `move/examples/escrow` end to end on a `LocalChain`: publish
//! (two `init`s: a coin with frozen metadata, a `Publisher` with a `Display`, a shared market),
//! mint an item with a `String` argument, list it with the `Clock`, buy it from another account
//! with GEM split off in the same PTB, withdraw the proceeds, and refuse a sale after expiry and
//! a cancel by someone who is not the seller, changing nothing.

mod common;

use std::path::PathBuf;

use common::*;
use movid_runtime::build::{build_package, BuildOptions};
use movid_runtime::chain::{ExecutionResult, LocalChain};
use movid_runtime::crypto::KeyPair;
use movid_runtime::types::*;

const CLOCK: ObjectID = ObjectID::CLOCK;

struct Escrow {
    w: World,
    pkg: ObjectID,
    market: ObjectID,
    treasury: ObjectID,
}

fn example_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../move/examples/escrow")
}

/// The created objects of a transaction whose type is `module::name` of the package.
fn created(chain: &LocalChain, r: &ExecutionResult, module: &str, name: &str) -> Vec<ObjectID> {
    created_of_type(chain, r, module, name)
}

fn call(
    e: &Escrow,
    key: &KeyPair,
    module: &str,
    function: &str,
    type_args: Vec<TypeTag>,
    args: &[Arg],
) -> ExecutionResult {
    let mut b = PtbBuilder::new();
    let args = args.iter().map(|a| a.add(&e.w.chain, &mut b)).collect();
    b.move_call(e.pkg, module, function, type_args, args);
    e.w.chain
        .sign_and_execute(key, b.finish(), BUDGET)
        .expect("transaction is accepted")
}

fn string_arg(s: &str) -> Arg {
    pure(&s.as_bytes().to_vec())
}

fn publish_escrow() -> Escrow {
    let w = World::bare();
    let pkg = build_package(&example_dir(), &BuildOptions::default()).expect("example builds");
    let r = try_publish(
        &w.chain,
        w.alice(),
        pkg.module_bytes(),
        pkg.dependencies.clone(),
    );
    assert_ok(&r);
    // The package is the created object that is a package, not merely the first immutable one:
    // `gem::init` freezes the coin's metadata in the same transaction.
    let packages: Vec<ObjectID> = r
        .effects
        .created
        .iter()
        .map(|(o, _)| *o.object_id())
        .filter(|id| w.chain.get_object(id).unwrap().unwrap().as_move().is_none())
        .collect();
    assert_eq!(packages.len(), 1);
    let pkg = packages[0];
    let market = created(&w.chain, &r, "market", "Market")[0];
    let treasury = created(&w.chain, &r, "coin", "TreasuryCap")[0];
    assert_eq!(created(&w.chain, &r, "coin", "CoinMetadata").len(), 1);
    assert_eq!(created(&w.chain, &r, "package", "Publisher").len(), 1);
    assert_eq!(created(&w.chain, &r, "display", "Display").len(), 1);
    assert_eq!(created(&w.chain, &r, "package", "UpgradeCap").len(), 1);
    assert!(matches!(w.owner(market), Owner::Shared { .. }));
    Escrow {
        w,
        pkg,
        market,
        treasury,
    }
}

fn gem_type(e: &Escrow) -> TypeTag {
    TypeTag::Struct(StructTag {
        address: movid_runtime::seam::to_vm_address(e.pkg),
        module: "gem".parse().unwrap(),
        name: "GEM".parse().unwrap(),
        type_params: vec![],
    })
}

/// Mints an item for `seller` and lists it for `price` for `duration_ms`; returns the item and
/// the listing.
fn list(e: &Escrow, seller: &KeyPair, price: u64, duration_ms: u64) -> (ObjectID, ObjectID) {
    let r = call(
        e,
        seller,
        "market",
        "mint",
        vec![],
        &[string_arg("Sword"), pure(&9u64)],
    );
    assert_ok(&r);
    let item = created(&e.w.chain, &r, "market", "Item")[0];
    let r = call(
        e,
        seller,
        "market",
        "list_item",
        vec![],
        &[
            Arg::Obj(e.market),
            Arg::Obj(item),
            pure(&price),
            pure(&duration_ms),
            Arg::ReadOnly(CLOCK),
        ],
    );
    assert_ok(&r);
    let listing = created(&e.w.chain, &r, "market", "Listing")[0];
    (item, listing)
}

/// Bob buys `listing` paying `price` split off his GEM coin in the same PTB.
fn buy(
    e: &Escrow,
    buyer: &KeyPair,
    gem_coin: ObjectID,
    listing: ObjectID,
    price: u64,
) -> ExecutionResult {
    let chain = &e.w.chain;
    let mut b = PtbBuilder::new();
    let coin = Arg::Obj(gem_coin).add(chain, &mut b);
    let amount = b.pure(&price);
    let payment = b.split_coins(coin, vec![amount]);
    let market = Arg::Obj(e.market).add(chain, &mut b);
    let id = b.pure(&listing);
    let clock = Arg::ReadOnly(CLOCK).add(chain, &mut b);
    b.move_call(
        e.pkg,
        "market",
        "buy_and_keep",
        vec![],
        vec![market, id, payment, clock],
    );
    chain
        .sign_and_execute(buyer, b.finish(), BUDGET)
        .expect("transaction is accepted")
}

/// Mints `amount` GEM to `to`; returns the coin.
fn mint_gem(e: &Escrow, to: Address, amount: u64) -> ObjectID {
    let r = call(
        e,
        e.w.alice(),
        "gem",
        "mint",
        vec![],
        &[Arg::Obj(e.treasury), pure(&amount), pure(&to)],
    );
    assert_ok(&r);
    created(&e.w.chain, &r, "coin", "Coin")[0]
}

#[test]
fn the_escrow_example_trades_an_item_for_its_own_coin_on_a_chain() {
    let e = publish_escrow();
    let seller = &e.w.keys[2];
    let buyer = e.w.bob();
    let wallet = mint_gem(&e, buyer.address(), 1_000);
    let (item, listing) = list(&e, seller, 300, 60_000);
    // The item now lives under the listing (a dynamic object field), not with the seller.
    assert!(matches!(e.w.owner(item), Owner::ObjectOwner(_)));

    let r = buy(&e, buyer, wallet, listing, 300);
    assert_ok(&r);
    assert_eq!(e.w.owner(item), Owner::AddressOwner(buyer.address()));
    assert_eq!(balance(&e.w.chain, wallet), 700);
    assert!(!e.w.exists(listing));

    let r = call(
        &e,
        seller,
        "market",
        "withdraw_and_keep",
        vec![],
        &[Arg::Obj(e.market)],
    );
    assert_ok(&r);
    let proceeds = created(&e.w.chain, &r, "coin", "Coin")[0];
    assert_eq!(balance(&e.w.chain, proceeds), 300);
    assert_eq!(e.w.owner(proceeds), Owner::AddressOwner(seller.address()));
    let coin_type = e.w.object(proceeds).type_().cloned().unwrap();
    assert_eq!(coin_type.type_params, vec![gem_type(&e)]);
}

#[test]
fn buying_an_expired_listing_fails_and_changes_nothing() {
    let e = publish_escrow();
    let seller = &e.w.keys[2];
    let buyer = e.w.bob();
    let wallet = mint_gem(&e, buyer.address(), 1_000);
    let (item, listing) = list(&e, seller, 300, 60_000);
    e.w.chain.advance_clock_ms(60_000).unwrap();
    let before = e.w.snapshot(&[e.market, listing, item, wallet]);
    let r = buy(&e, buyer, wallet, listing, 300);
    let abort = abort_of(&r);
    assert_eq!(abort.module, "market");
    assert_eq!(abort.constant.as_deref(), Some("EListingExpired"));
    assert_only_gas_changed(&e.w, &before, &r, &[e.market, listing, item, wallet]);
    assert_eq!(balance(&e.w.chain, wallet), 1_000);
    assert!(matches!(e.w.owner(item), Owner::ObjectOwner(_)));
}

#[test]
fn only_the_seller_can_cancel_a_listing_on_a_chain() {
    let e = publish_escrow();
    let seller = &e.w.keys[2];
    let (item, listing) = list(&e, seller, 300, 60_000);
    let before = e.w.snapshot(&[e.market, listing, item]);
    let r = call(
        &e,
        e.w.bob(),
        "market",
        "cancel_and_keep",
        vec![],
        &[Arg::Obj(e.market), pure(&listing)],
    );
    assert_eq!(abort_of(&r).constant.as_deref(), Some("ENotSeller"));
    assert_only_gas_changed(&e.w, &before, &r, &[e.market, listing, item]);
    assert!(matches!(e.w.owner(item), Owner::ObjectOwner(_)));
    assert!(e.w.exists(listing));
    let r = call(
        &e,
        seller,
        "market",
        "cancel_and_keep",
        vec![],
        &[Arg::Obj(e.market), pure(&listing)],
    );
    assert_ok(&r);
    assert_eq!(e.w.owner(item), Owner::AddressOwner(seller.address()));
}
