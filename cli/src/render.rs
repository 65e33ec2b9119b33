//! Readable text for the views people read most (`identity show`, `identity proposals`,
//! `did history`, `client object`, `client gas`): decoded facts, one per line, never Rust
//! `Debug` or JSON. `--json` keeps its own documents; these functions only shape text.

use movid_runtime::genesis::MIST_PER_SUI;
use movid_runtime::types::{Data, Object, ObjectID, Owner};
use movid_sdk::identity::{DocumentVersion, OnChainIdentity, ProposalAction};

/// `identity show`: the DID, its state, controllers, threshold, tokens and open proposals.
pub fn identity(i: &OnChainIdentity) -> String {
    let mut s = format!("{}\n", i.did);
    s.push_str(&format!(
        "  object:      {} (version {})\n",
        i.id, i.object_version
    ));
    s.push_str(&format!(
        "  document:    {}\n",
        document_state(i.did_doc.as_deref(), i.deleted)
    ));
    s.push_str(&format!("  doc version: {}\n", i.doc_version));
    s.push_str(&format!("  created:     {}\n", millis(i.created_ms)));
    s.push_str(&format!("  updated:     {}\n", millis(i.updated_ms)));
    let power: u64 = i.controllers.iter().map(|c| c.voting_power).sum();
    s.push_str(&format!(
        "  threshold:   {} of {} voting power\n",
        i.threshold, power
    ));
    s.push_str(&format!("  controllers: {}\n", i.controllers.len()));
    for c in &i.controllers {
        s.push_str(&format!("    {} power {}\n", c.cap_id, c.voting_power));
    }
    if !i.tokens.is_empty() {
        s.push_str(&format!("  delegation tokens: {}\n", i.tokens.len()));
        for (token, cap) in &i.tokens {
            let revoked = if i.revoked_tokens.contains(token) {
                " (revoked)"
            } else {
                ""
            };
            s.push_str(&format!("    {token} for {cap}{revoked}\n"));
        }
    }
    s.push_str(&proposals(i));
    s.trim_end().to_string()
}

/// `identity proposals`: each open proposal with its decoded action, votes against the
/// threshold, rejections, expiry and creator.
pub fn proposals(i: &OnChainIdentity) -> String {
    if i.proposal_ids.is_empty() {
        return "  proposals:   none open\n".to_string();
    }
    let mut s = format!("  proposals:   {} open\n", i.proposal_ids.len());
    for (n, id) in i.proposal_ids.iter().enumerate() {
        let creator = i.proposal_creators.get(n);
        s.push_str(&format!("    {id}\n"));
        if let Some(p) = i.proposals.iter().find(|p| p.id == *id) {
            s.push_str(&format!(
                "      action:  {}\n",
                action(&p.action, i.threshold)
            ));
            s.push_str(&format!(
                "      votes:   {} of {} needed ({} approved",
                i.current_votes(p),
                i.threshold,
                p.voters.len()
            ));
            if !p.rejecters.is_empty() {
                s.push_str(&format!(
                    ", {} rejected with power {}",
                    p.rejecters.len(),
                    i.current_rejections(p)
                ));
            }
            s.push_str(")\n");
            s.push_str(&format!(
                "      expires: {}\n",
                match p.expiration_epoch {
                    Some(e) => format!("after epoch {e}"),
                    None => "never".to_string(),
                }
            ));
        } else if let Some(u) = i.undecodable_proposals.iter().find(|u| u.id == *id) {
            s.push_str(&format!("      action:  undecodable ({})\n", u.error));
        }
        if let Some(c) = creator {
            s.push_str(&format!("      creator: controller {c}\n"));
        }
    }
    s
}

/// One proposal action in words; `threshold` is the identity's current one, so a config
/// change shows "threshold 2 → 3".
pub fn action(a: &ProposalAction, threshold: u64) -> String {
    match a {
        ProposalAction::UpdateDid { doc: Some(d) } if d.is_empty() => {
            "deactivate the DID document".into()
        }
        ProposalAction::UpdateDid { doc: Some(d) } => {
            format!("update the DID document ({} bytes)", d.len())
        }
        ProposalAction::UpdateDid { doc: None } => "delete the DID document for good".into(),
        ProposalAction::ConfigChange(c) => {
            let mut parts = vec![];
            if let Some(t) = c.threshold {
                parts.push(format!("threshold {threshold} → {t}"));
            }
            for n in &c.add {
                let d = if n.can_delegate {
                    " (may delegate)"
                } else {
                    ""
                };
                parts.push(format!("add {}:{}{d}", n.address, n.voting_power));
            }
            for r in &c.remove {
                parts.push(format!("remove {r}"));
            }
            for (cap, vp) in &c.update {
                parts.push(format!("set {cap} to power {vp}"));
            }
            if parts.is_empty() {
                "config: no change".into()
            } else {
                format!("config: {}", parts.join(", "))
            }
        }
        ProposalAction::Send {
            objects,
            recipients,
        } => {
            let mut to: Vec<String> = recipients.iter().map(|r| r.to_string()).collect();
            to.dedup();
            if to.len() == 1 {
                format!(
                    "send {} to {}: {}",
                    count(objects.len(), "object"),
                    to[0],
                    ids(objects)
                )
            } else {
                let pairs: Vec<String> = objects
                    .iter()
                    .zip(recipients)
                    .map(|(o, r)| format!("{o} → {r}"))
                    .collect();
                format!(
                    "send {}: {}",
                    count(objects.len(), "object"),
                    pairs.join(", ")
                )
            }
        }
        ProposalAction::Borrow { objects } => {
            format!(
                "borrow {}: {}",
                count(objects.len(), "object"),
                ids(objects)
            )
        }
        ProposalAction::ControllerExecution { credential } => {
            format!("act on another identity with credential {credential}")
        }
        ProposalAction::Upgrade { version } => {
            format!("upgrade to identity package version {version}")
        }
        ProposalAction::DeleteIdentity => "delete the identity".into(),
        ProposalAction::UnrevokeToken { token } => format!("un-revoke delegation token {token}"),
        ProposalAction::UpdateCredentials(c) => {
            let mut parts = vec![];
            if !c.set.is_empty() {
                let names: Vec<&str> = c.set.iter().map(|(n, _)| n.as_str()).collect();
                parts.push(format!("set {}", names.join(", ")));
            }
            if !c.remove.is_empty() {
                parts.push(format!("remove {}", c.remove.join(", ")));
            }
            format!("credentials: {}", parts.join("; "))
        }
        ProposalAction::Unknown { contents } => {
            format!("unknown action ({} bytes)", contents.len())
        }
    }
}

/// `did history`: one line per document version, oldest first.
pub fn history(versions: &[DocumentVersion]) -> String {
    if versions.is_empty() {
        return "no document versions".into();
    }
    versions
        .iter()
        .map(|v| {
            let state = match v.document() {
                Ok(Some(d)) => format!(
                    "active ({} bytes, {} verification methods, {} services)",
                    v.did_doc.as_ref().map_or(0, Vec::len),
                    d.verification_method.len(),
                    d.service.len()
                ),
                Ok(None) => document_state(v.did_doc.as_deref(), false),
                Err(e) => format!("undecodable: {e}"),
            };
            format!(
                "doc version {} at object version {}, {}: {state}",
                v.doc_version,
                v.object_version,
                millis(v.updated_ms)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `client object`: ID, type, owner, version, digest and the contents' size.
pub fn object(o: &Object) -> String {
    let mut s = format!("{}\n", o.id());
    match &o.data {
        Data::Move(m) => {
            s.push_str(&format!("  type:     {}\n", m.type_));
            s.push_str(&format!("  owner:    {}\n", owner(&o.owner)));
            s.push_str(&format!("  version:  {}\n", o.version()));
            s.push_str(&format!("  digest:   {}\n", o.digest()));
            s.push_str(&format!(
                "  contents: {} bytes of BCS (--json shows them in hex)",
                m.contents.len()
            ));
        }
        Data::Package(p) => {
            s.push_str(&format!("  package version {}\n", p.version));
            s.push_str(&format!("  owner:    {}\n", owner(&o.owner)));
            s.push_str(&format!("  digest:   {}\n", o.digest()));
            let names: Vec<&str> = p.modules.keys().map(String::as_str).collect();
            s.push_str(&format!("  modules:  {}", names.join(", ")));
        }
    }
    s
}

/// `client gas`: the address's gas coins with their values, then the total.
pub fn gas(address: &impl std::fmt::Display, coins: &[(ObjectID, u64)]) -> String {
    let total: u64 = coins.iter().map(|c| c.1).sum();
    let mut s = format!("gas coins of {address}: {}\n", coins.len());
    for (id, v) in coins {
        s.push_str(&format!("  {id} {}\n", amount(*v)));
    }
    s.push_str(&format!("total: {}", amount(total)));
    s
}

/// An amount in MIST with its SUI value.
fn amount(units: u64) -> String {
    format!(
        "{units} MIST ({:.3} SUI)",
        units as f64 / MIST_PER_SUI as f64
    )
}

fn owner(o: &Owner) -> String {
    match o {
        Owner::AddressOwner(a) => format!("account {a}"),
        Owner::ObjectOwner(a) => format!("object {a}"),
        Owner::Shared {
            initial_shared_version,
        } => format!("shared (since version {initial_shared_version})"),
        Owner::Immutable => "immutable".into(),
    }
}

fn document_state(doc: Option<&[u8]>, identity_deleted: bool) -> String {
    match doc {
        _ if identity_deleted => "identity deleted".into(),
        None => "deleted".into(),
        Some([]) => "deactivated".into(),
        Some(d) => format!("active ({} bytes)", d.len()),
    }
}

/// Clock milliseconds as the UTC time DID Resolution metadata uses.
fn millis(ms: u64) -> String {
    movid_sdk::did::format_timestamp_ms(ms)
}

fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

fn ids(objects: &[ObjectID]) -> String {
    objects
        .iter()
        .map(|o| o.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use movid_runtime::genesis::gas_coin;
    use movid_runtime::types::{Address, Digest, TypeTag};
    use movid_sdk::did::{self, Did, DidDocument};
    use movid_sdk::identity::{
        ConfigChange, ControllerInfo, NewController, Proposal, UndecodableProposal,
    };

    fn id(b: u8) -> ObjectID {
        ObjectID::new([b; 32])
    }

    /// An identity with two controllers (power 1 and 2, threshold 2) and three open
    /// proposals: a document update voted by the first, a config change, one undecodable.
    fn identity_value() -> OnChainIdentity {
        let did = Did::new("localnet", [9; 32]).unwrap();
        let proposal = |pid: ObjectID, action, voters: Vec<ObjectID>| Proposal {
            id: pid,
            action_type: TypeTag::Bool,
            action,
            votes: 0,
            voters,
            rejecters: vec![],
            expiration_epoch: Some(12),
        };
        OnChainIdentity {
            id: ObjectID::new([9; 32]),
            did,
            did_doc: Some(vec![1; 300]),
            threshold: 2,
            controllers: vec![
                ControllerInfo {
                    cap_id: id(1),
                    voting_power: 1,
                },
                ControllerInfo {
                    cap_id: id(2),
                    voting_power: 2,
                },
            ],
            proposal_ids: vec![id(0xa1), id(0xa2), id(0xa3)],
            proposal_creators: vec![id(1), id(2), id(1)],
            proposals: vec![
                proposal(
                    id(0xa1),
                    ProposalAction::UpdateDid {
                        doc: Some(vec![0; 412]),
                    },
                    vec![id(1)],
                ),
                proposal(
                    id(0xa2),
                    ProposalAction::ConfigChange(ConfigChange {
                        threshold: Some(3),
                        add: vec![NewController {
                            address: Address::new([0xab; 32]),
                            voting_power: 1,
                            can_delegate: false,
                        }],
                        remove: vec![],
                        update: vec![],
                    }),
                    vec![],
                ),
            ],
            undecodable_proposals: vec![UndecodableProposal {
                id: id(0xa3),
                error: "bad bytes".into(),
            }],
            revoked_tokens: vec![],
            tokens: vec![],
            created_ms: 1_706_702_400_000,
            updated_ms: 1_706_702_460_000,
            package_version: 1,
            deleted: false,
            deleted_did: false,
            doc_version: 4,
            object_version: 17,
            initial_shared_version: 3,
            proposals_bag: id(0xb0),
        }
    }

    fn no_debug_artefacts(s: &str) {
        for bad in [
            "Some(",
            "None",
            "ObjectID(",
            "Address(",
            "{\"",
            "UpdateDid",
            "vec![",
        ] {
            assert!(!s.contains(bad), "`{bad}` in:\n{s}");
        }
    }

    #[test]
    fn identity_show_names_controllers_threshold_and_decoded_proposals() {
        let i = identity_value();
        let s = identity(&i);
        assert!(s.starts_with(&i.did.to_string()), "{s}");
        assert!(s.contains("threshold:   2 of 3 voting power"), "{s}");
        assert!(s.contains(&format!("{} power 2", id(2))), "{s}");
        assert!(s.contains("active (300 bytes)"), "{s}");
        assert!(s.contains("doc version: 4"), "{s}");
        assert!(s.contains("updated:     2024-01-31T12:01:00Z"), "{s}");
        assert!(s.contains("update the DID document (412 bytes)"), "{s}");
        no_debug_artefacts(&s);
    }

    #[test]
    fn proposals_show_action_votes_expiry_and_creator() {
        let i = identity_value();
        let s = proposals(&i);
        assert!(s.contains("3 open"), "{s}");
        assert!(s.contains("update the DID document (412 bytes)"), "{s}");
        assert!(s.contains("votes:   1 of 2 needed (1 approved)"), "{s}");
        assert!(
            s.contains(&format!(
                "config: threshold 2 → 3, add {}:1",
                Address::new([0xab; 32])
            )),
            "{s}"
        );
        assert!(s.contains("expires: after epoch 12"), "{s}");
        assert!(s.contains(&format!("creator: controller {}", id(2))), "{s}");
        assert!(s.contains("undecodable (bad bytes)"), "{s}");
        no_debug_artefacts(&s);
    }

    #[test]
    fn every_action_reads_as_words() {
        let to = Address::new([0xcd; 32]);
        let send = ProposalAction::Send {
            objects: vec![id(5), id(6)],
            recipients: vec![to, to],
        };
        assert!(action(&send, 1).starts_with(&format!("send 2 objects to {to}: ")));
        let split = ProposalAction::Send {
            objects: vec![id(5), id(6)],
            recipients: vec![to, Address::new([0xef; 32])],
        };
        assert!(action(&split, 1).contains(&format!("{} → {to}", id(5))));
        let deactivate = ProposalAction::UpdateDid { doc: Some(vec![]) };
        assert_eq!(action(&deactivate, 1), "deactivate the DID document");
        let delete = ProposalAction::UpdateDid { doc: None };
        assert_eq!(action(&delete, 1), "delete the DID document for good");
        let all = [
            send,
            split,
            deactivate,
            delete,
            ProposalAction::Borrow {
                objects: vec![id(7)],
            },
            ProposalAction::ControllerExecution { credential: id(8) },
            ProposalAction::Upgrade { version: 2 },
            ProposalAction::DeleteIdentity,
            ProposalAction::UnrevokeToken { token: id(9) },
            ProposalAction::Unknown { contents: vec![1] },
            ProposalAction::ConfigChange(ConfigChange::default()),
        ];
        for a in &all {
            no_debug_artefacts(&action(a, 1));
        }
    }

    #[test]
    fn history_lists_each_version_with_its_state() {
        let did = Did::new("localnet", [9; 32]).unwrap();
        let doc = DidDocument::new(did.clone());
        let packed = did::pack(&doc, did::Encoding::Json);
        let v = |doc_version, object_version, did_doc| DocumentVersion {
            object_version,
            doc_version,
            updated_ms: 100 * object_version,
            did_doc,
            did: did.clone(),
        };
        let s = history(&[
            v(1, 2, Some(packed.clone())),
            v(2, 5, Some(vec![])),
            v(3, 6, None),
        ]);
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(lines.len(), 3, "{s}");
        assert!(
            lines[0].starts_with("doc version 1 at object version 2"),
            "{s}"
        );
        assert!(
            lines[0].contains(&format!("active ({} bytes", packed.len())),
            "{s}"
        );
        assert!(lines[0].contains("0 verification methods"), "{s}");
        assert!(lines[1].ends_with("deactivated"), "{s}");
        assert!(lines[2].ends_with("deleted"), "{s}");
        no_debug_artefacts(&s);
    }

    #[test]
    fn object_and_gas_views_are_decoded() {
        let owner = Address::new([3; 32]);
        let coin = gas_coin(id(4), 2 * MIST_PER_SUI, owner, Digest::new([0; 32]), 1);
        let s = object(&coin);
        assert!(s.starts_with(&id(4).to_string()), "{s}");
        assert!(s.contains(&format!("owner:    account {owner}")), "{s}");
        assert!(
            s.contains("type:     ") && s.contains("::coin::Coin<"),
            "{s}"
        );
        no_debug_artefacts(&s);
        let g = gas(
            &owner,
            &[(id(4), 2 * MIST_PER_SUI), (id(5), MIST_PER_SUI / 2)],
        );
        assert!(g.contains("gas coins of"), "{g}");
        assert!(
            g.contains(&format!("{} {} MIST (2.000 SUI)", id(4), 2 * MIST_PER_SUI)),
            "{g}"
        );
        assert!(
            g.ends_with(&format!(
                "total: {} MIST (2.500 SUI)",
                2 * MIST_PER_SUI + MIST_PER_SUI / 2
            )),
            "{g}"
        );
        no_debug_artefacts(&g);
    }
}
