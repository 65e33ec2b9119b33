//! `movid asset ...` against a real node on 127.0.0.1: create, show, mutate, offer, the refused
//! moves (with one JSON document each and nothing changed), accept, cancel, list and delete.

mod common;

use common::{alias_address, with_node};

#[test]
fn an_asset_is_created_offered_refused_to_others_accepted_and_deleted() {
    let (env, _node) = with_node();
    let (a, b) = (alias_address(&env, "dev0"), alias_address(&env, "dev1"));

    let created = env.json(&[
        "asset",
        "create",
        "--text",
        "deed",
        "--mutable",
        "--transferable",
        "--deletable",
    ]);
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(created["origin"], a.as_str());
    assert_eq!(created["owner"], a.as_str());
    assert_eq!(created["content"]["text"], "deed");
    assert_eq!(created["content_type"], "vector<u8>");

    let changed = env.json(&["asset", "mutate", &id, "--hex", "0x6e6577"]);
    assert_eq!(changed["asset"], id.as_str());
    let shown = env.json(&["asset", "show", &id]);
    assert_eq!(shown["content"]["text"], "new");
    assert_eq!(shown["content"]["base64"], "bmV3");
    let text = env.run(&["asset", "show", &id]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("mutable, transferable, deletable"));

    let offered = env.json(&["asset", "offer", &id, "--to", "dev1"]);
    let offer = offered["offer"].as_str().unwrap().to_string();
    let listed = env.json(&["asset", "list", "dev1"]);
    assert_eq!(listed["offers_to"][0]["offer"], offer.as_str());
    assert_eq!(listed["offers_to"][0]["sender"], a.as_str());
    assert!(listed["assets"].as_array().unwrap().is_empty());
    let shown = env.json(&["asset", "show", &id]);
    assert_eq!(shown["offer"], offer.as_str());
    let text = String::from_utf8(env.run(&["asset", "list", "dev1"]).stdout).unwrap();
    assert!(
        text.contains(&format!("offer {offer} to you: asset {id} from {a}")),
        "{text}"
    );
    assert!(!text.contains("Some(") && !text.contains("{\""), "{text}");

    // Refused: dev0 accepts its own offer, dev0 mutates the offered asset, dev2 cancels.
    let before = env.json(&["asset", "show", &id]);
    let (err, stderr) = env.json_fails(&["asset", "accept", &offer]);
    assert!(
        err["error"].as_str().unwrap().contains("recipient"),
        "{err}"
    );
    assert!(stderr.contains("error:"), "{stderr}");
    let (err, _) = env.json_fails(&["asset", "mutate", &id, "--text", "forged"]);
    assert!(
        err["error"]
            .as_str()
            .unwrap()
            .contains(&format!("held by the open offer {offer}")),
        "{err}"
    );
    env.json(&["keys", "use", "dev2"]);
    let (err, _) = env.json_fails(&["asset", "cancel", &offer]);
    assert!(
        err["error"].as_str().unwrap().contains("made the offer"),
        "{err}"
    );
    assert_eq!(env.json(&["asset", "show", &id]), before);

    env.json(&["keys", "use", "dev1"]);
    let accepted = env.json(&["asset", "accept", &offer]);
    assert_eq!(accepted["owner"], b.as_str());
    let shown = env.json(&["asset", "show", &id]);
    assert_eq!(shown["owner"], b.as_str());
    assert_eq!(shown["origin"], a.as_str());
    assert!(shown["offer"].is_null());
    let (err, _) = env.json_fails(&["asset", "accept", &offer]);
    assert!(
        err["error"].as_str().unwrap().contains("no open offer"),
        "{err}"
    );
    let listed = env.json(&["asset", "list"]);
    assert_eq!(listed["assets"][0]["id"], id.as_str());
    assert!(listed["offers_to"].as_array().unwrap().is_empty());

    // Bob offers it back and cancels; then deletes it.
    let offer = env.json(&["asset", "offer", &id, "--to", "dev0"])["offer"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        env.json(&["asset", "list"])["offers_from"][0]["offer"],
        offer.as_str()
    );
    env.json(&["asset", "cancel", &offer]);
    env.json(&["asset", "delete", &id]);
    let (err, _) = env.json_fails(&["asset", "show", &id]);
    assert!(
        err["error"].as_str().unwrap().contains("does not exist"),
        "{err}"
    );
}

#[test]
fn a_fixed_asset_refuses_every_change_by_name() {
    let (env, _node) = with_node();
    let id = env.json(&["asset", "create", "--base64", "ZGVlZA=="])["id"]
        .as_str()
        .unwrap()
        .to_string();
    let before = env.json(&["asset", "show", &id]);
    assert_eq!(before["content"]["text"], "deed");
    for (args, expected) in [
        (vec!["asset", "mutate", &id, "--text", "x"], "immutable"),
        (vec!["asset", "delete", &id], "non-deletable"),
        (
            vec!["asset", "offer", &id, "--to", "dev1"],
            "non-transferable",
        ),
    ] {
        let (err, _) = env.json_fails(&args);
        assert!(
            err["error"].as_str().unwrap().contains(expected),
            "{args:?}: {err}"
        );
    }
    assert_eq!(env.json(&["asset", "show", &id]), before);
    // Bad content is refused before anything is sent.
    let (err, _) = env.json_fails(&["asset", "create", "--hex", "zz"]);
    assert!(err["error"].as_str().unwrap().contains("not hex"), "{err}");
}
