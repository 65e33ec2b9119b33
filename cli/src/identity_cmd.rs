//! `movid identity ...`: creating identities, proposals and votes, delegation, credentials and
//! the flows in [`crate::identity_flows`]. `movid did ...` is [`crate::did_cmd`].

use std::path::{Path, PathBuf};
use std::str::FromStr;

use clap::Subcommand;
use movid_runtime::types::{Address, ObjectID};
use movid_sdk::did::{self, Did, DidDocument};
use movid_sdk::identity::credentials::{CredentialChange, PublicCredential};
use movid_sdk::identity::{
    permissions, ConfigChange, ControllerAction, NewController, OnChainIdentity, ProposalOutcome,
};
use movid_sdk::tx::Signer;
use movid_sdk::IdentityClient;
use serde_json::{json, Value};

use crate::context::Context;
use crate::identity_flows::{self, controller_for, Acting, FlowCall};
use crate::output::{CliError, CliResult, Output};

#[derive(Subcommand, Debug)]
pub enum IdentityCommand {
    /// Create an identity; prints its DID and object ID.
    Create {
        /// A DID document (JSON); its own DID may be written `did:0:0`. Default: a document
        /// with the active key's Ed25519 key for authentication (`key-1`) and, if the key may
        /// decrypt, its X25519 key under keyAgreement (`key-2`).
        #[arg(long)]
        doc: Option<PathBuf>,
        /// A controller as ADDRESS:VOTING_POWER (default: the sender with power 1).
        #[arg(long = "controller")]
        controllers: Vec<String>,
        /// Voting power a proposal needs (default 1).
        #[arg(long)]
        threshold: Option<u64>,
        /// Controllers allowed to mint delegation tokens (none by default; the sender
        /// itself only if listed here).
        #[arg(long = "delegator")]
        delegators: Vec<String>,
    },
    /// Show an identity: document, controllers, threshold, proposals.
    Show {
        /// The DID.
        did: String,
    },
    /// List the DIDs an address reaches through a ControllerCap or a DelegationToken it holds.
    Controlled {
        /// Alias or address (default: the active address).
        address: Option<String>,
    },
    /// List the public credentials an identity holds (name, issuer, subject, type).
    Credentials {
        /// The DID.
        did: String,
    },
    /// List an identity's open proposals.
    Proposals {
        /// The DID.
        did: String,
    },
    /// Open a proposal (it executes at once when your vote alone reaches the threshold).
    Propose {
        #[command(flatten)]
        acting: Acting,
        #[command(subcommand)]
        what: ProposeCommand,
    },
    /// Borrow objects the identity owns for one call and give them back, in one transaction:
    /// execute an approved borrow proposal (PROPOSAL), or propose and execute one at once
    /// (--object, when your vote alone reaches the threshold). In --args, @0, @1, ... are the
    /// borrowed objects in proposal order.
    Borrow {
        /// The DID.
        did: String,
        /// An approved borrow proposal.
        proposal: Option<ObjectID>,
        /// Borrow this object at once (repeat; instead of PROPOSAL).
        #[arg(long = "object")]
        objects: Vec<ObjectID>,
        #[command(flatten)]
        call: FlowCall,
        #[command(flatten)]
        acting: Acting,
    },
    /// Act on a sub-identity with a credential this identity owns: execute an approved
    /// sub-identity proposal and run --call with @identity (the sub-identity), @auth (the Auth
    /// acting on it) and @clock, e.g. `--call 0x3::identity::approve_proposal --type-args T
    /// --args @identity @auth 0xPROPOSAL`.
    SubIdentity {
        /// The DID (the parent identity).
        did: String,
        /// The approved sub-identity proposal.
        proposal: ObjectID,
        #[command(flatten)]
        call: FlowCall,
        #[command(flatten)]
        acting: Acting,
    },
    /// Delete a proposal that expired, has no current votes, or was rejected by the threshold.
    DeleteProposal {
        /// The DID.
        did: String,
        /// The proposal ID.
        proposal: ObjectID,
        #[command(flatten)]
        acting: Acting,
    },
    /// Delete a proposal left open on a deleted identity (anyone may; no credential needed).
    PurgeProposal {
        /// The DID.
        did: String,
        /// The proposal ID.
        proposal: ObjectID,
    },
    /// Approve a proposal.
    Approve {
        /// The DID.
        did: String,
        /// The proposal ID.
        #[arg(value_parser = crate::id_args::object_id)]
        proposal: ObjectID,
        #[command(flatten)]
        acting: Acting,
    },
    /// Execute an approved proposal.
    Execute {
        /// The DID.
        did: String,
        /// The proposal ID.
        #[arg(value_parser = crate::id_args::object_id)]
        proposal: ObjectID,
        #[command(flatten)]
        acting: Acting,
    },
    /// Reject a proposal; once the rejecters reach the threshold it is deleted.
    Reject {
        /// The DID.
        did: String,
        /// The proposal ID.
        #[arg(value_parser = crate::id_args::object_id)]
        proposal: ObjectID,
        #[command(flatten)]
        acting: Acting,
    },
    /// Withdraw your approval (or rejection) of a proposal.
    RemoveApproval {
        /// The DID.
        did: String,
        /// The proposal ID.
        #[arg(value_parser = crate::id_args::object_id)]
        proposal: ObjectID,
        #[command(flatten)]
        acting: Acting,
    },
    /// Mint a delegation token for another address.
    Delegate {
        /// The DID.
        did: String,
        /// The recipient.
        #[arg(long)]
        to: String,
        /// Permissions: create,approve,execute,delete,remove-approval (default: all).
        #[arg(long, value_delimiter = ',')]
        permissions: Vec<String>,
    },
    /// Revoke a delegation token of this identity at once (needs your ControllerCap).
    RevokeToken {
        /// The DID.
        did: String,
        /// The token's ID.
        #[arg(value_parser = crate::id_args::object_id)]
        token: ObjectID,
    },
    /// Propose lifting a token's revocation (executes at once only when your vote alone
    /// reaches the threshold).
    UnrevokeToken {
        /// The DID.
        did: String,
        /// The token's ID.
        #[arg(value_parser = crate::id_args::object_id)]
        token: ObjectID,
    },
}

#[derive(Subcommand, Debug)]
pub enum ProposeCommand {
    /// Replace the DID document.
    UpdateDoc {
        /// The DID.
        did: String,
        /// The new document (JSON).
        #[arg(long)]
        doc: PathBuf,
        /// Last epoch in which the proposal may be approved or executed.
        #[arg(long)]
        expiration: Option<u64>,
    },
    /// Deactivate the DID.
    Deactivate {
        /// The DID.
        did: String,
        /// Last epoch in which the proposal may be approved or executed.
        #[arg(long)]
        expiration: Option<u64>,
    },
    /// Delete the DID document for good.
    DeleteDoc {
        /// The DID.
        did: String,
        /// Last epoch in which the proposal may be approved or executed.
        #[arg(long)]
        expiration: Option<u64>,
    },
    /// Change controllers and threshold.
    Config {
        /// The DID.
        did: String,
        /// Add a controller as ADDRESS:VOTING_POWER.
        #[arg(long)]
        add: Vec<String>,
        /// Remove the controller holding this ControllerCap.
        #[arg(long, value_parser = crate::id_args::object_id)]
        remove: Vec<ObjectID>,
        /// Set voting power as CAP_ID:VOTING_POWER.
        #[arg(long)]
        update: Vec<String>,
        /// The new threshold.
        #[arg(long)]
        threshold: Option<u64>,
        /// Last epoch in which the proposal may be approved or executed.
        #[arg(long)]
        expiration: Option<u64>,
    },
    /// Send objects the identity owns.
    Send {
        /// The DID.
        did: String,
        /// Object to send (repeat, paired with --to).
        #[arg(long, value_parser = crate::id_args::object_id)]
        object: Vec<ObjectID>,
        /// Recipient of the object at the same position.
        #[arg(long)]
        to: Vec<String>,
        /// Last epoch in which the proposal may be approved or executed.
        #[arg(long)]
        expiration: Option<u64>,
    },
    /// Delete the identity (after its document was deleted).
    Delete {
        /// The DID.
        did: String,
        /// Last epoch in which the proposal may be approved or executed.
        #[arg(long)]
        expiration: Option<u64>,
    },
    /// Borrow objects the identity owns (execute it with `identity borrow DID PROPOSAL`).
    Borrow {
        /// The DID.
        did: String,
        /// An object to borrow (repeat).
        #[arg(long = "object", required = true)]
        objects: Vec<ObjectID>,
        /// Last epoch in which the proposal may be approved or executed.
        #[arg(long)]
        expiration: Option<u64>,
    },
    /// Use a ControllerCap or DelegationToken the identity owns on the sub-identity it belongs
    /// to (execute it with `identity sub-identity DID PROPOSAL --call ...`).
    SubIdentity {
        /// The DID.
        did: String,
        /// The credential the identity owns.
        #[arg(long)]
        credential: ObjectID,
        /// Last epoch in which the proposal may be approved or executed.
        #[arg(long)]
        expiration: Option<u64>,
    },
    /// Set (add or replace) and remove public credentials: compact-JWS credentials or
    /// presentations anyone can read, served at `/1.0/identifiers/{did}/credentials/{name}`.
    Credentials {
        /// The DID.
        did: String,
        /// A credential as NAME=FILE, FILE holding its compact JWS (repeat).
        #[arg(long = "set", value_name = "NAME=FILE")]
        set: Vec<String>,
        /// The name of a credential to remove (repeat).
        #[arg(long = "remove", value_name = "NAME")]
        remove: Vec<String>,
        /// Last epoch in which the proposal may be approved or executed.
        #[arg(long)]
        expiration: Option<u64>,
    },
    /// Migrate the identity to the version the identity package implements (refused with
    /// NoUpgradeAvailable while it already follows it).
    Upgrade {
        /// The DID.
        did: String,
        /// Last epoch in which the proposal may be approved or executed.
        #[arg(long)]
        expiration: Option<u64>,
    },
}

/// A movid DID from the command line, and its identity's object ID (every command taking a
/// DID reads it here, so all refuse a bad one alike).
pub(crate) fn parse_did(s: &str) -> CliResult<(Did, ObjectID)> {
    let d = Did::from_str(s).map_err(|e| {
        CliError::new(
            format!("`{s}` is not a movid DID: {e}"),
            "write did:movid:local:0x<64 hex digits>",
        )
    })?;
    let id = ObjectID::new(*d.object_id());
    Ok((d, id))
}

/// A `propose credentials` change from `--set NAME=FILE` and `--remove NAME`, checked as the
/// package checks it.
fn credential_change(set: &[String], remove: Vec<String>) -> CliResult<CredentialChange> {
    let mut change = CredentialChange {
        set: vec![],
        remove,
    };
    for s in set {
        let (name, file) = s.split_once('=').ok_or_else(|| {
            CliError::new(
                format!("`{s}` is not NAME=FILE"),
                "e.g. --set degree=degree.jwt",
            )
        })?;
        let jwt = std::fs::read_to_string(file).map_err(|e| {
            CliError::new(
                format!("cannot read {file}: {e}"),
                "FILE holds the credential's compact JWS",
            )
        })?;
        change.set.push((name.to_owned(), jwt.trim().to_owned()));
    }
    change.check().map_err(|e| {
        CliError::new(
            e.to_string(),
            "names are 1 to 64 of A-Z a-z 0-9 . _ -; each value is a compact JWS of at most 8192 bytes",
        )
    })?;
    Ok(change)
}

/// A public credential as `identity credentials` shows it: name, kind (a `vc` or `vp` claim),
/// issuer and subject where the payload says, and the JWS itself.
fn credential_json(c: &PublicCredential) -> Value {
    let claims = c.claims().unwrap_or(Value::Null);
    let kind = if claims.get("vp").is_some() {
        "presentation"
    } else if claims.get("vc").is_some() {
        "credential"
    } else {
        "jws"
    };
    json!({
        "name": c.name, "kind": kind, "issuer": claims.get("iss"), "subject": claims.get("sub"),
        "alg": c.header().ok().and_then(|h| h.get("alg").cloned()), "jwt": c.jwt,
    })
}

/// Under `--serialize-unsigned`, prints `action`'s transaction instead of running it and
/// answers true; otherwise answers false and the caller runs it.
async fn printed_unsigned(
    c: &movid_sdk::identity::Controller<'_>,
    action: ControllerAction,
    ctx: &Context,
    out: Output,
) -> CliResult<bool> {
    let Some(u) = ctx.unsigned else {
        return Ok(false);
    };
    let mut tx = c.transaction(&action).await.map_err(|e| ctx.error(e))?;
    crate::offline::print_unsigned(&mut tx, u, ctx, out).await?;
    Ok(true)
}

fn unsigned_unsupported(what: &str) -> CliError {
    CliError::new(
        format!("--serialize-unsigned is not supported by `identity {what}`"),
        "run it signed, or serialize the proposals `identity propose update-doc|deactivate|delete-doc|config|send|delete|upgrade` make",
    )
}

fn pair(s: &str, what: &str) -> CliResult<(String, u64)> {
    let (a, b) = s.rsplit_once(':').ok_or_else(|| {
        CliError::new(
            format!("`{s}` is not {what}:VOTING_POWER"),
            "e.g. 0xabc...:2",
        )
    })?;
    let vp = b.parse().map_err(|_| {
        CliError::new(
            format!("`{b}` is not a voting power"),
            "use a positive integer",
        )
    })?;
    Ok((a.to_string(), vp))
}

const DUMMY: &str =
    "did:movid:local:0x0000000000000000000000000000000000000000000000000000000000000000";

/// Reads a document file, accepting `did:0:0` for the document's own DID.
pub(crate) fn read_doc(path: &Path, did: Option<&Did>) -> CliResult<DidDocument> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        CliError::new(
            format!("cannot read {}: {e}", path.display()),
            "pass a JSON DID document",
        )
    })?;
    let own = did
        .map(|d| d.to_string())
        .unwrap_or_else(|| DUMMY.to_string());
    let text = text.replace(did::PLACEHOLDER_DID, &own);
    let doc: DidDocument = serde_json::from_str(&text).map_err(|e| {
        CliError::new(
            format!("{} is not a DID document: {e}", path.display()),
            "see the W3C DID Core format",
        )
    })?;
    // Checked before anything is sent: what the chain stores, resolvers serve.
    doc.validate_for_chain().map_err(|e| {
        CliError::new(
            format!("{} cannot be stored: {e}", path.display()),
            "fix the document (`movid did validate FILE` checks it); docs/DID_METHOD.md lists the rules",
        )
    })?;
    Ok(doc)
}

fn identity_json(i: &OnChainIdentity) -> Value {
    let doc = i
        .document()
        .ok()
        .flatten()
        .map(|d| serde_json::to_value(d).expect("json"));
    json!({
        "did": i.did.to_string(), "id": i.id, "threshold": i.threshold,
        "controllers": i.controllers.iter().map(|c| json!({ "cap": c.cap_id, "voting_power": c.voting_power })).collect::<Vec<_>>(),
        "proposals": proposals_json(i),
        "revoked_tokens": i.revoked_tokens, "tokens": i.tokens.iter().map(|(t, c)| json!({ "token": t, "controller": c })).collect::<Vec<_>>(),
        "deactivated": i.did_doc.as_ref().is_some_and(|d| d.is_empty()), "deleted_did": i.deleted_did, "deleted": i.deleted,
        "created_ms": i.created_ms, "updated_ms": i.updated_ms, "version": i.object_version, "doc_version": i.doc_version, "document": doc,
    })
}

/// The open proposals, oldest first; one that could not be decoded is an
/// entry marked `"undecodable": true` with its error, so the rest still shows.
fn proposals_json(i: &OnChainIdentity) -> Vec<Value> {
    i.proposal_ids
        .iter()
        .zip(i.proposal_creators.iter().map(Some).chain(std::iter::repeat(None)))
        .filter_map(|(id, creator)| {
            if let Some(p) = i.proposal(*id) {
                return Some(json!({
                    "id": p.id, "action": format!("{:?}", p.action), "creator": creator,
                    "votes": i.current_votes(p), "voters": p.voters,
                    "rejections": i.current_rejections(p), "rejecters": p.rejecters,
                    "expiration_epoch": p.expiration_epoch,
                }));
            }
            i.undecodable_proposals
                .iter()
                .find(|u| u.id == *id)
                .map(|u| json!({ "id": u.id, "creator": creator, "undecodable": true, "error": u.error }))
        })
        .collect()
}

async fn outcome(ids: &IdentityClient, identity: ObjectID, o: ProposalOutcome) -> Value {
    let (votes, threshold) = match ids.get_identity(identity).await {
        Ok(i) => (
            i.proposals
                .iter()
                .find(|p| p.id == o.proposal_id)
                .map(|p| i.current_votes(p))
                .unwrap_or(0),
            i.threshold,
        ),
        Err(_) => (0, 0),
    };
    json!({ "proposal_id": o.proposal_id, "executed": o.executed, "votes": votes, "threshold": threshold, "digest": o.response.digest })
}

fn print_outcome(out: Output, v: &Value) {
    out.print(v, || {
        if v["executed"].as_bool() == Some(true) {
            format!(
                "proposal {} executed",
                v["proposal_id"].as_str().unwrap_or_default()
            )
        } else {
            format!(
                "proposal {} open: {} of {} votes",
                v["proposal_id"].as_str().unwrap_or_default(),
                v["votes"],
                v["threshold"]
            )
        }
    });
}

pub fn run(cmd: IdentityCommand, ctx: Context, out: Output) -> CliResult<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(run_identity(cmd, ctx, out))
}

async fn run_identity(cmd: IdentityCommand, ctx: Context, out: Output) -> CliResult<()> {
    let ids = IdentityClient::new(ctx.client.clone());
    // The key is fetched when a command first signs: reads (`show`, `proposals`, `controlled`)
    // work in a home with no key of its own.
    let signer_cell = tokio::sync::OnceCell::new();
    let signer = || signer_cell.get_or_try_init(|| ctx.signer());
    let e = |err| ctx.error(err);
    let addr =
        |s: &str| -> CliResult<Address> { Ok(Address::new(*ctx.wallet.resolve(s)?.as_bytes())) };
    match cmd {
        IdentityCommand::Create {
            doc,
            controllers,
            threshold,
            delegators,
        } => {
            let doc = match doc {
                Some(p) => read_doc(&p, None)?,
                None => {
                    let active = ctx.wallet.active()?;
                    let identity = crate::signer::identity(&ctx.wallet, active).await?;
                    movid_sdk::identity::default_document(&identity)
                }
            };
            let delegators = delegators
                .iter()
                .map(|d| addr(d))
                .collect::<CliResult<Vec<_>>>()?;
            let mut b = ids.create_identity().document(&doc);
            if controllers.is_empty() {
                let me = Signer::address(signer().await?);
                b = b.controller_with_delegation(me, 1, delegators.contains(&me));
            }
            for c in &controllers {
                let (a, vp) = pair(c, "ADDRESS")?;
                let a = addr(&a)?;
                b = b.controller_with_delegation(a, vp, delegators.contains(&a));
            }
            if let Some(t) = threshold {
                b = b.threshold(t);
            }
            let identity = b.execute(signer().await?).await.map_err(e)?;
            out.print(
                &json!({ "did": identity.did.to_string(), "id": identity.id }),
                || format!("created {}", identity.did),
            );
        }
        IdentityCommand::Show { did } => {
            let (_, id) = parse_did(&did)?;
            let i = ids.get_identity(id).await.map_err(e)?;
            let v = identity_json(&i);
            out.print(&v, || crate::render::identity(&i));
        }
        IdentityCommand::Controlled { address } => {
            let who = match address {
                Some(a) => addr(&a)?,
                None => Address::new(*ctx.wallet.active()?.as_bytes()),
            };
            let dids = ids.dids_controlled_by(who).await.map_err(e)?;
            let list: Vec<String> = dids.iter().map(|d| d.to_string()).collect();
            out.print(&json!({ "address": who, "dids": list }), || list.join("\n"));
        }
        IdentityCommand::Credentials { did } => {
            let (did, id) = parse_did(&did)?;
            let held = ids.credentials(id).await.map_err(e)?;
            let rows: Vec<Value> = held.iter().map(credential_json).collect();
            out.print(
                &json!({ "did": did.to_string(), "credentials": rows }),
                || {
                    if rows.is_empty() {
                        return format!("{did} holds no public credentials");
                    }
                    let mut s = format!("{did}: {} public credentials", rows.len());
                    for r in &rows {
                        s.push_str(&format!(
                            "\n  {}  {}  issuer {}  subject {}",
                            r["name"].as_str().unwrap_or_default(),
                            r["kind"].as_str().unwrap_or("?"),
                            r["issuer"].as_str().unwrap_or("?"),
                            r["subject"].as_str().unwrap_or("?")
                        ));
                    }
                    s
                },
            );
        }
        IdentityCommand::Proposals { did } => {
            let (_, id) = parse_did(&did)?;
            let i = ids.get_identity(id).await.map_err(e)?;
            let v = identity_json(&i)["proposals"].clone();
            out.print(&v, || {
                format!("{}\n{}", i.did, crate::render::proposals(&i).trim_end())
            });
        }
        IdentityCommand::Propose { acting, what: p } => {
            let (did, expiration) = match &p {
                ProposeCommand::UpdateDoc {
                    did, expiration, ..
                }
                | ProposeCommand::Deactivate { did, expiration }
                | ProposeCommand::DeleteDoc { did, expiration }
                | ProposeCommand::Config {
                    did, expiration, ..
                }
                | ProposeCommand::Send {
                    did, expiration, ..
                }
                | ProposeCommand::Delete { did, expiration }
                | ProposeCommand::Borrow {
                    did, expiration, ..
                }
                | ProposeCommand::SubIdentity {
                    did, expiration, ..
                }
                | ProposeCommand::Upgrade { did, expiration }
                | ProposeCommand::Credentials {
                    did, expiration, ..
                } => (did.clone(), *expiration),
            };
            let (did, id) = parse_did(&did)?;
            let c = controller_for(&ctx, &ids, signer().await?, id, acting)
                .await?
                .with_expiration(expiration);
            let action = match p {
                ProposeCommand::UpdateDoc { doc, .. } => {
                    let doc = read_doc(&doc, Some(&did))?;
                    doc.validate_for_chain().map_err(|err| e(err.into()))?;
                    ControllerAction::ProposeDocument(did::pack(&doc, did::Encoding::DeflateJson))
                }
                ProposeCommand::Deactivate { .. } => ControllerAction::ProposeDeactivation,
                ProposeCommand::DeleteDoc { .. } => ControllerAction::ProposeDidDeletion,
                ProposeCommand::Delete { .. } => ControllerAction::ProposeIdentityDeletion,
                ProposeCommand::Upgrade { .. } => ControllerAction::ProposeUpgrade,
                ProposeCommand::Credentials { set, remove, .. } => {
                    ControllerAction::ProposeCredentials(credential_change(&set, remove)?)
                }
                ProposeCommand::Borrow { objects, .. } => {
                    if ctx.unsigned.is_some() {
                        return Err(unsigned_unsupported("propose borrow"));
                    }
                    let pid = c.propose_borrow(&objects).await.map_err(e)?;
                    print_outcome(out, &json!({ "proposal_id": pid, "executed": false }));
                    return Ok(());
                }
                ProposeCommand::SubIdentity { credential, .. } => {
                    if ctx.unsigned.is_some() {
                        return Err(unsigned_unsupported("propose sub-identity"));
                    }
                    let pid = c
                        .propose_controller_execution(credential)
                        .await
                        .map_err(e)?;
                    print_outcome(out, &json!({ "proposal_id": pid, "executed": false }));
                    return Ok(());
                }
                ProposeCommand::Config {
                    add,
                    remove,
                    update,
                    threshold,
                    ..
                } => {
                    let mut change = ConfigChange {
                        threshold,
                        remove,
                        ..Default::default()
                    };
                    for a in &add {
                        let (a, vp) = pair(a, "ADDRESS")?;
                        change.add.push(NewController {
                            address: addr(&a)?,
                            voting_power: vp,
                            can_delegate: false,
                        });
                    }
                    for u in &update {
                        let (cap, vp) = pair(u, "CAP_ID")?;
                        change.update.push((
                            crate::id_args::object_id(&cap).map_err(CliError::plain)?,
                            vp,
                        ));
                    }
                    ControllerAction::ProposeConfigChange(change)
                }
                ProposeCommand::Send { object, to, .. } => {
                    if object.len() != to.len() || object.is_empty() {
                        return Err(CliError::new(
                            "give one --to per --object",
                            "e.g. --object 0xabc --to 0xdef",
                        ));
                    }
                    let transfers = object
                        .iter()
                        .zip(&to)
                        .map(|(o, t)| Ok((*o, addr(t)?)))
                        .collect::<CliResult<Vec<_>>>()?;
                    ControllerAction::ProposeSend(transfers)
                }
            };
            if let Some(u) = ctx.unsigned {
                let mut tx = c.transaction(&action).await.map_err(e)?;
                return crate::offline::print_unsigned(&mut tx, u, &ctx, out).await;
            }
            let o = match action {
                ControllerAction::ProposeDocument(bytes) => c.propose_document_bytes(bytes).await,
                ControllerAction::ProposeDeactivation => c.propose_deactivation().await,
                ControllerAction::ProposeDidDeletion => c.propose_did_deletion().await,
                ControllerAction::ProposeIdentityDeletion => c.propose_identity_deletion().await,
                ControllerAction::ProposeUpgrade => c.propose_upgrade().await,
                ControllerAction::ProposeCredentials(change) => {
                    c.propose_credentials(&change).await
                }
                ControllerAction::ProposeConfigChange(change) => {
                    c.propose_config_change(&change).await
                }
                ControllerAction::ProposeSend(transfers) => {
                    let pid = c.propose_send(&transfers).await.map_err(e)?;
                    let v = json!({ "proposal_id": pid, "executed": false });
                    print_outcome(out, &v);
                    return Ok(());
                }
                other => unreachable!("not a proposal: {other:?}"),
            }
            .map_err(e)?;
            let v = outcome(&ids, id, o).await;
            print_outcome(out, &v);
        }
        IdentityCommand::Approve {
            did,
            proposal,
            acting,
        } => {
            let (_, id) = parse_did(&did)?;
            let c = controller_for(&ctx, &ids, signer().await?, id, acting).await?;
            if printed_unsigned(&c, ControllerAction::Approve(proposal), &ctx, out).await? {
                return Ok(());
            }
            let r = c.approve(proposal).await.map_err(e)?;
            let i = ids.get_identity(id).await.map_err(e)?;
            let votes = i
                .proposals
                .iter()
                .find(|p| p.id == proposal)
                .map(|p| i.current_votes(p))
                .unwrap_or(0);
            out.print(&json!({ "proposal_id": proposal, "votes": votes, "threshold": i.threshold, "digest": r.digest }), || format!("approved {proposal}: {votes} of {} votes", i.threshold));
        }
        IdentityCommand::Execute {
            did,
            proposal,
            acting,
        } => {
            let (_, id) = parse_did(&did)?;
            let c = controller_for(&ctx, &ids, signer().await?, id, acting).await?;
            if printed_unsigned(&c, ControllerAction::Execute(proposal), &ctx, out).await? {
                return Ok(());
            }
            let r = c.execute(proposal).await.map_err(e)?;
            out.print(
                &json!({ "proposal_id": proposal, "executed": true, "digest": r.digest }),
                || format!("executed {proposal}"),
            );
        }
        IdentityCommand::Reject {
            did,
            proposal,
            acting,
        } => {
            let (_, id) = parse_did(&did)?;
            let c = controller_for(&ctx, &ids, signer().await?, id, acting).await?;
            if printed_unsigned(&c, ControllerAction::Reject(proposal), &ctx, out).await? {
                return Ok(());
            }
            let r = c.reject(proposal).await.map_err(e)?;
            let i = ids.get_identity(id).await.map_err(e)?;
            let deleted = !i.proposal_ids.contains(&proposal);
            out.print(
                &json!({ "proposal_id": proposal, "deleted": deleted, "digest": r.digest }),
                || {
                    if deleted {
                        format!("rejected {proposal}: the threshold rejected it, deleted")
                    } else {
                        format!("rejected {proposal}")
                    }
                },
            );
        }
        IdentityCommand::RemoveApproval {
            did,
            proposal,
            acting,
        } => {
            let (_, id) = parse_did(&did)?;
            let c = controller_for(&ctx, &ids, signer().await?, id, acting).await?;
            if printed_unsigned(&c, ControllerAction::RemoveApproval(proposal), &ctx, out).await? {
                return Ok(());
            }
            let r = c.remove_approval(proposal).await.map_err(e)?;
            out.print(
                &json!({ "proposal_id": proposal, "digest": r.digest }),
                || format!("removed approval of {proposal}"),
            );
        }
        IdentityCommand::Delegate {
            did,
            to,
            permissions: perms,
        } => {
            let (_, id) = parse_did(&did)?;
            let mut bits = 0u64;
            for p in &perms {
                bits |= match p.as_str() {
                    "create" => permissions::CREATE,
                    "approve" => permissions::APPROVE,
                    "execute" => permissions::EXECUTE,
                    "delete" => permissions::DELETE,
                    "remove-approval" => permissions::REMOVE_APPROVAL,
                    "all" => permissions::ALL,
                    other => {
                        return Err(CliError::new(
                            format!("unknown permission `{other}`"),
                            "use create, approve, execute, delete, remove-approval",
                        ))
                    }
                };
            }
            if perms.is_empty() {
                bits = permissions::ALL;
            }
            let c = ids.controller(id, signer().await?).await.map_err(e)?;
            let token = c.delegate(bits, addr(&to)?).await.map_err(e)?;
            out.print(&json!({ "token": token, "permissions": bits }), || {
                format!("delegation token {token} sent")
            });
        }
        IdentityCommand::RevokeToken { did, token } => {
            let (_, id) = parse_did(&did)?;
            let c = ids.controller(id, signer().await?).await.map_err(e)?;
            c.revoke_token(token).await.map_err(e)?;
            out.print(&json!({ "revoked": token }), || format!("revoked {token}"));
        }
        IdentityCommand::Borrow {
            did,
            proposal,
            objects,
            call,
            acting,
        } => {
            let (_, id) = parse_did(&did)?;
            let c = controller_for(&ctx, &ids, signer().await?, id, acting).await?;
            identity_flows::borrow(&ctx, &ids, &c, proposal, objects, call, out).await?;
        }
        IdentityCommand::SubIdentity {
            did,
            proposal,
            call,
            acting,
        } => {
            let (_, id) = parse_did(&did)?;
            let c = controller_for(&ctx, &ids, signer().await?, id, acting).await?;
            identity_flows::sub_identity(&ctx, &c, proposal, call, out).await?;
        }
        IdentityCommand::DeleteProposal {
            did,
            proposal,
            acting,
        } => {
            let (_, id) = parse_did(&did)?;
            let c = controller_for(&ctx, &ids, signer().await?, id, acting).await?;
            if printed_unsigned(&c, ControllerAction::DeleteProposal(proposal), &ctx, out).await? {
                return Ok(());
            }
            identity_flows::delete_proposal(&ctx, &c, proposal, out).await?;
        }
        IdentityCommand::PurgeProposal { did, proposal } => {
            let (_, id) = parse_did(&did)?;
            identity_flows::purge_proposal(&ctx, &ids, signer().await?, id, proposal, out).await?;
        }
        IdentityCommand::UnrevokeToken { did, token } => {
            let (_, id) = parse_did(&did)?;
            let c = ids.controller(id, signer().await?).await.map_err(e)?;
            let o = c.propose_unrevoke(token).await.map_err(e)?;
            let v = outcome(&ids, id, o).await;
            print_outcome(out, &v);
        }
    }
    Ok(())
}
