//! The identity flows the CLI reaches against a real node: acting with a delegation token
//! (`--token`), borrowing objects the identity owns for a call, acting on a sub-identity,
//! deleting and purging proposals, and the upgrade proposal. Each refusal leaves the chain as
//! it was.

mod common;

use common::*;
use serde_json::{json, Value};

fn str_of(v: &Value, field: &str) -> String {
    v[field]
        .as_str()
        .unwrap_or_else(|| panic!("no {field} in {v}"))
        .to_string()
}

/// The object as `client object` shows it (owner, version, type).
fn object(env: &Env, id: &str) -> Value {
    env.json(&["client", "object", id])
}

/// A coin sent by the faucet to `address`; returns its ID and its type's coin parameter.
fn coin_for(env: &Env, address: &str) -> (String, String) {
    let sent = env.json(&["client", "faucet", address, "--amount", "1"]);
    let id = str_of(&sent, "coin");
    let ty = str_of(&object(env, &id), "type");
    let inner = ty
        .split_once("::coin::Coin<")
        .and_then(|(_, t)| t.strip_suffix('>'))
        .unwrap_or_else(|| panic!("not a coin type: {ty}"))
        .to_string();
    (id, inner)
}

#[test]
fn a_delegate_acts_with_its_token_and_only_on_the_tokens_identity() {
    let (env, _node) = with_node();
    let me = alias_address(&env, "dev0");
    let b = alias_address(&env, "dev1");
    let created = env.json(&[
        "identity",
        "create",
        "--delegator",
        &me,
        "--controller",
        &format!("{me}:1"),
        "--threshold",
        "1",
    ]);
    let did = str_of(&created, "did");
    let other = str_of(
        &env.json(&["identity", "create", "--delegator", &me]),
        "did",
    );
    let token = env.json(&[
        "identity",
        "delegate",
        &did,
        "--to",
        &b,
        "--permissions",
        "create,approve",
    ]);
    let token = str_of(&token, "token");

    env.json(&["keys", "use", "dev1"]);
    // Without the token dev1 is nobody to this identity.
    let (v, _) = env.json_fails(&["identity", "propose", "deactivate", &did]);
    assert!(
        v["error"].as_str().unwrap().contains("not a controller"),
        "{v}"
    );
    // The token of `did` is refused on `other`, before anything is sent.
    let before = env.json(&["identity", "show", &other]);
    let (v, _) = env.json_fails(&[
        "identity",
        "propose",
        "--token",
        &token,
        "deactivate",
        &other,
    ]);
    assert!(
        v["error"].as_str().unwrap().contains("belongs to identity"),
        "{v}"
    );
    assert_eq!(env.json(&["identity", "show", &other]), before);
    // With it, dev1 proposes; without EXECUTE its vote opens the proposal but cannot run it.
    let p = env.json(&["identity", "propose", "deactivate", &did, "--token", &token]);
    assert_eq!(p["executed"], false, "{p}");
    let pid = str_of(&p, "proposal_id");
    let listed = env.json(&["identity", "proposals", &did]);
    assert_eq!(listed[0]["id"], pid.as_str());
    assert_eq!(listed[0]["votes"], 1);
    // Execution needs EXECUTE, which the token lacks: a named refusal, nothing changes.
    let (v, _) = env.json_fails(&["identity", "execute", &did, &pid, "--token", &token]);
    assert!(
        v["error"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("permission"),
        "{v}"
    );
    assert_eq!(env.json(&["identity", "proposals", &did]), listed);
    // dev0 executes with its cap.
    env.json(&["keys", "use", "dev0"]);
    env.json(&["identity", "execute", &did, &pid]);
    assert_eq!(env.json(&["identity", "show", &did])["deactivated"], true);
}

#[test]
fn borrow_lends_an_owned_object_to_a_call_and_takes_it_back() {
    let (env, _node) = with_node();
    let created = env.json(&["identity", "create"]);
    let (did, id) = (str_of(&created, "did"), str_of(&created, "id"));
    let (coin, coin_type) = coin_for(&env, &id);
    let before = object(&env, &coin);
    assert_eq!(before["owner"]["AddressOwner"], id.as_str(), "{before}");

    // At once: the sole controller's vote reaches the threshold.
    let r = env.json(&[
        "identity",
        "borrow",
        &did,
        "--object",
        &coin,
        "--call",
        "0x2::coin::value",
        "--type-args",
        &coin_type,
        "--args",
        "@0",
    ]);
    assert_eq!(r["borrowed"], 1, "{r}");
    let after = object(&env, &coin);
    assert_eq!(
        after["owner"], before["owner"],
        "given back to the identity"
    );

    // A call that would keep the object (take it by value and send it away) fails: the
    // borrow must give it back. Nothing moves but gas.
    let dev1 = alias_address(&env, "dev1");
    let (v, _) = env.json_fails(&[
        "identity",
        "borrow",
        &did,
        "--object",
        &coin,
        "--call",
        "0x2::transfer::public_transfer",
        "--type-args",
        &format!("0x2::coin::Coin<{coin_type}>"),
        "--args",
        "@0",
        &dev1,
    ]);
    assert!(v["error"].is_string(), "{v}");
    assert_eq!(object(&env, &coin)["owner"], before["owner"]);

    // Through a proposal, executed later; a name the flow does not offer is refused.
    let p = env.json(&["identity", "propose", "borrow", &did, "--object", &coin]);
    let pid = str_of(&p, "proposal_id");
    let (v, _) = env.json_fails(&[
        "identity",
        "borrow",
        &did,
        &pid,
        "--call",
        "0x2::coin::value",
        "--type-args",
        &coin_type,
        "--args",
        "@1",
    ]);
    assert!(
        v["error"].as_str().unwrap().contains("no value named `@1`"),
        "{v}"
    );
    let r = env.json(&[
        "identity",
        "borrow",
        &did,
        &pid,
        "--call",
        "0x2::coin::value",
        "--type-args",
        &coin_type,
        "--args",
        "@0",
    ]);
    assert_eq!(r["proposal_id"], pid.as_str());
    assert_eq!(object(&env, &coin)["owner"], before["owner"]);
    assert_eq!(
        env.json(&["identity", "proposals", &did]),
        json!([]),
        "executed"
    );
}

#[test]
fn a_parent_identity_acts_on_its_sub_identity_and_an_outsider_cannot() {
    let (env, _node) = with_node();
    let parent = env.json(&["identity", "create"]);
    let (parent_did, parent_id) = (str_of(&parent, "did"), str_of(&parent, "id"));
    // The sub-identity's one controller is the parent identity (its cap goes to the parent).
    let sub = env.json(&[
        "identity",
        "create",
        "--controller",
        &format!("{parent_id}:1"),
    ]);
    let sub_did = str_of(&sub, "did");
    let caps: Vec<Value> = env
        .json(&["client", "objects", &parent_id])
        .as_array()
        .unwrap()
        .clone();
    let cap = caps
        .iter()
        .find(|o| {
            o["type"]
                .as_str()
                .unwrap_or("")
                .ends_with("::controller::ControllerCap")
        })
        .unwrap_or_else(|| panic!("the parent holds the sub-identity's cap: {caps:?}"));
    let cap = str_of(cap, "id");

    let p = env.json(&[
        "identity",
        "propose",
        "sub-identity",
        &parent_did,
        "--credential",
        &cap,
    ]);
    let pid = str_of(&p, "proposal_id");
    let deactivate = [
        "--call",
        "0x3::did_proposal::propose_deactivation",
        "--args",
        "@identity",
        "@auth",
        "none",
        "@clock",
    ];
    // dev1 controls neither identity.
    env.json(&["keys", "use", "dev1"]);
    let sub_before = env.json(&["identity", "show", &sub_did]);
    let mut args = vec!["identity", "sub-identity", &parent_did, &pid];
    args.extend(deactivate);
    let (v, _) = env.json_fails(&args);
    assert!(
        v["error"].as_str().unwrap().contains("not a controller"),
        "{v}"
    );
    assert_eq!(env.json(&["identity", "show", &sub_did]), sub_before);
    // dev0, the parent's controller, deactivates the sub-identity through the parent.
    env.json(&["keys", "use", "dev0"]);
    let r = env.json(&args);
    assert_eq!(r["sub_identity"], str_of(&sub, "id").as_str(), "{r}");
    assert_eq!(
        env.json(&["identity", "show", &sub_did])["deactivated"],
        true
    );
    // The credential went back to the parent.
    assert_eq!(
        object(&env, &cap)["owner"]["AddressOwner"],
        parent_id.as_str()
    );
}

#[test]
fn proposals_are_deleted_when_voteless_and_purged_from_a_deleted_identity() {
    let (env, _node) = with_node();
    let (a, b) = (alias_address(&env, "dev0"), alias_address(&env, "dev1"));
    let created = env.json(&[
        "identity",
        "create",
        "--controller",
        &format!("{a}:2"),
        "--controller",
        &format!("{b}:1"),
        "--threshold",
        "2",
    ]);
    let did = str_of(&created, "did");
    // dev1's proposal stays open (1 of 2 votes).
    env.json(&["keys", "use", "dev1"]);
    let pid = str_of(
        &env.json(&["identity", "propose", "deactivate", &did]),
        "proposal_id",
    );
    // It has a vote: it cannot be deleted yet, and purging needs a deleted identity.
    let listed = env.json(&["identity", "proposals", &did]);
    let (v, _) = env.json_fails(&["identity", "delete-proposal", &did, &pid]);
    assert!(
        v["error"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("delete"),
        "{v}"
    );
    let (v, _) = env.json_fails(&["identity", "purge-proposal", &did, &pid]);
    assert!(
        v["error"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("not deleted"),
        "{v}"
    );
    assert_eq!(env.json(&["identity", "proposals", &did]), listed);
    // Without its vote, it can be deleted.
    env.json(&["identity", "remove-approval", &did, &pid]);
    let d = env.json(&["identity", "delete-proposal", &did, &pid]);
    assert_eq!(d["deleted"], true);
    assert_eq!(env.json(&["identity", "proposals", &did]), json!([]));

    // A proposal left open when the identity is deleted is purged by anyone.
    let pid = str_of(
        &env.json(&["identity", "propose", "deactivate", &did]),
        "proposal_id",
    );
    env.json(&["keys", "use", "dev0"]);
    assert_eq!(
        env.json(&["identity", "propose", "delete-doc", &did])["executed"],
        true
    );
    assert_eq!(
        env.json(&["identity", "propose", "delete", &did])["executed"],
        true
    );
    env.json(&["keys", "use", "dev2"]);
    let purged = env.json(&["identity", "purge-proposal", &did, &pid]);
    assert_eq!(purged["purged"], true);
    let (v, _) = env.json_fails(&["identity", "purge-proposal", &did, &pid]);
    assert!(
        v["error"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("proposal"),
        "{v}"
    );
}

#[test]
fn an_upgrade_proposal_is_refused_while_the_identity_follows_the_package() {
    let (env, _node) = with_node();
    let did = str_of(&env.json(&["identity", "create"]), "did");
    let before = env.json(&["identity", "show", &did]);
    let (v, _) = env.json_fails(&["identity", "propose", "upgrade", &did]);
    assert!(
        v["error"].as_str().unwrap().contains("already follows"),
        "{v}"
    );
    assert_eq!(env.json(&["identity", "show", &did]), before);
}
