//! The identity flows whose execution carries the caller's own commands or needs no
//! credential: `identity borrow`, `identity sub-identity`, `identity delete-proposal`,
//! `identity purge-proposal`; and [`controller_for`], which picks the credential
//! (`--token` or the signer's `ControllerCap`) every acting command presents.

use clap::Args;
use movid_runtime::types::{Argument, ObjectID};
use movid_sdk::identity::{BorrowedObject, Controller, ProposalAction, SubIdentityAccess};
use movid_sdk::tx::{Signer, TransactionBuilder};
use movid_sdk::{IdentityClient, IdentityError, SdkError};
use serde_json::json;

use crate::client_cmd::{parse_type_tag, PreparedCall};
use crate::context::Context;
use crate::output::{CliError, CliResult, Output};

/// The credential an acting command presents.
#[derive(Args, Debug, Clone, Copy, Default)]
pub struct Acting {
    /// Act with this DelegationToken you hold (with its permissions) instead of your
    /// ControllerCap.
    #[arg(long, global = true)]
    pub token: Option<ObjectID>,
}

/// A Move call given on the command line, run inside a flow with the values it offers.
#[derive(Args, Debug, Clone, Default)]
pub struct FlowCall {
    /// The function to call while the flow holds its values, as PACKAGE::MODULE::FUNCTION.
    #[arg(long = "call", value_name = "PACKAGE::MODULE::FUNCTION")]
    pub call: Option<String>,
    /// Type arguments of the call.
    #[arg(long, num_args = 1..)]
    pub type_args: Vec<String>,
    /// Arguments of the call, as for `client call`; `@NAME` is a value the flow supplies
    /// (see the command's help).
    #[arg(long, num_args = 1.., allow_hyphen_values = true)]
    pub args: Vec<String>,
}

/// The controller `signer` acts as on identity `id`: through `acting.token`, which must belong
/// to `id`, or else through the `ControllerCap` it holds for it.
pub async fn controller_for<'a>(
    ctx: &Context,
    ids: &'a IdentityClient,
    signer: &'a dyn Signer,
    id: ObjectID,
    acting: Acting,
) -> CliResult<Controller<'a>> {
    let Some(token) = acting.token else {
        return ids.controller(id, signer).await.map_err(|e| ctx.error(e));
    };
    let c = ids
        .with_token(signer, token)
        .await
        .map_err(|e| ctx.error(e))?;
    if c.identity_id() != id {
        return Err(CliError::new(
            format!(
                "token {token} belongs to identity {}, not {id}",
                c.identity_id()
            ),
            "pass a token of this identity (`movid identity controlled` lists what you hold)",
        ));
    }
    Ok(c)
}

fn target(call: &str) -> CliResult<(ObjectID, String, String)> {
    let parts: Vec<&str> = call.split("::").collect();
    let [package, module, function] = parts.as_slice() else {
        return Err(CliError::new(
            format!("`{call}` is not PACKAGE::MODULE::FUNCTION"),
            "e.g. --call 0x3::identity::approve_proposal",
        ));
    };
    let package = package.parse().map_err(|_| {
        CliError::new(
            format!("`{package}` is not a package ID"),
            "write it as 0x followed by hex digits",
        )
    })?;
    Ok((package, module.to_string(), function.to_string()))
}

/// Reads the flow's `--call` (none is allowed: the flow then only takes and gives back),
/// checking each `@NAME` against `names`.
async fn prepare(
    ctx: &Context,
    call: &FlowCall,
    names: &[String],
) -> CliResult<Option<PreparedCall>> {
    let Some(text) = &call.call else {
        if !call.args.is_empty() || !call.type_args.is_empty() {
            return Err(CliError::new(
                "--args and --type-args need a --call",
                "name the function with --call PACKAGE::MODULE::FUNCTION",
            ));
        }
        return Ok(None);
    };
    let (package, module, function) = target(text)?;
    let type_args = call
        .type_args
        .iter()
        .map(|t| parse_type_tag(t))
        .collect::<CliResult<Vec<_>>>()?;
    PreparedCall::resolve(
        ctx,
        package,
        (&module, &function),
        type_args,
        &call.args,
        names,
    )
    .await
    .map(Some)
}

/// `movid identity borrow DID (PROPOSAL | --object ID...) [--call ...]`: executes an approved
/// borrow proposal, or proposes and executes one at once (`--object`), running the call with
/// `@0`, `@1`, ... standing for the borrowed objects in proposal order. They go back to the
/// identity after the call, in the same transaction.
pub async fn borrow(
    ctx: &Context,
    ids: &IdentityClient,
    c: &Controller<'_>,
    proposal: Option<ObjectID>,
    objects: Vec<ObjectID>,
    call: FlowCall,
    out: Output,
) -> CliResult<()> {
    let count = match (proposal, objects.len()) {
        (Some(p), 0) => match ids.get_proposal(p).await {
            Ok(found) => match found.action {
                ProposalAction::Borrow { objects } => objects.len(),
                _ => {
                    return Err(CliError::new(
                        format!("proposal {p} is not a borrow proposal"),
                        "`movid identity proposals DID` shows what each proposal does",
                    ))
                }
            },
            Err(SdkError::ObjectNotFound(_)) => {
                return Err(ctx.error(IdentityError::ProposalNotFound.into()))
            }
            Err(e) => return Err(ctx.error(e)),
        },
        (None, n) if n > 0 => n,
        _ => {
            return Err(CliError::new(
                "give either a PROPOSAL or --object IDs",
                "`identity borrow DID PROPOSAL` executes an approved borrow proposal; `identity borrow DID --object ID` proposes and executes one at once",
            ))
        }
    };
    let names: Vec<String> = (0..count).map(|i| i.to_string()).collect();
    let prepared = prepare(ctx, &call, &names).await?;
    let with_call = move |tx: &mut TransactionBuilder<'_>, borrowed: &[BorrowedObject]| {
        let named: Vec<(String, Argument)> = borrowed
            .iter()
            .enumerate()
            .map(|(i, b)| (i.to_string(), b.arg))
            .collect();
        if let Some(p) = &prepared {
            p.add(tx, &named)?;
        }
        Ok(())
    };
    let response = match proposal {
        Some(p) => c.execute_borrow(p, with_call).await,
        None => c.borrow_now(&objects, with_call).await,
    }
    .map_err(|e| ctx.error(e))?;
    out.print(
        &json!({ "proposal_id": proposal, "borrowed": count, "digest": response.digest, "status": response.effects.status }),
        || format!("borrowed {count} objects and gave them back in {}", response.digest),
    );
    Ok(())
}

/// The names `identity sub-identity` offers to its call.
const SUB_IDENTITY_NAMES: [&str; 3] = ["identity", "auth", "clock"];

/// `movid identity sub-identity DID PROPOSAL --call ...`: executes an approved sub-identity
/// proposal: presents the credential the identity owns to its sub-identity and runs the call
/// with `@identity` (the sub-identity), `@auth` (the `Auth` acting on it) and `@clock`.
pub async fn sub_identity(
    ctx: &Context,
    c: &Controller<'_>,
    proposal: ObjectID,
    call: FlowCall,
    out: Output,
) -> CliResult<()> {
    if call.call.is_none() {
        return Err(CliError::new(
            "say what to do on the sub-identity with --call",
            "e.g. --call 0x3::identity::approve_proposal --type-args T --args @identity @auth 0xPROPOSAL",
        ));
    }
    let names: Vec<String> = SUB_IDENTITY_NAMES.iter().map(|n| n.to_string()).collect();
    let prepared = prepare(ctx, &call, &names).await?;
    let mut sub = None;
    let response = c
        .access_sub_identity(proposal, |tx, access: &SubIdentityAccess| {
            sub = Some(access.identity_id);
            let named = vec![
                ("identity".to_string(), access.identity),
                ("auth".to_string(), access.auth),
                ("clock".to_string(), access.clock),
            ];
            if let Some(p) = &prepared {
                p.add(tx, &named)?;
            }
            Ok(())
        })
        .await
        .map_err(|e| ctx.error(e))?;
    out.print(
        &json!({ "proposal_id": proposal, "sub_identity": sub, "digest": response.digest, "status": response.effects.status }),
        || match sub {
            Some(s) => format!("acted on sub-identity {s} in {}", response.digest),
            None => format!("executed {proposal} in {}", response.digest),
        },
    );
    Ok(())
}

/// `movid identity delete-proposal DID PROPOSAL`: deletes a proposal that expired, has no
/// current votes, or was rejected by the threshold.
pub async fn delete_proposal(
    ctx: &Context,
    c: &Controller<'_>,
    proposal: ObjectID,
    out: Output,
) -> CliResult<()> {
    let r = c
        .delete_proposal(proposal)
        .await
        .map_err(|e| ctx.error(e))?;
    out.print(
        &json!({ "proposal_id": proposal, "deleted": true, "digest": r.digest }),
        || format!("deleted proposal {proposal}"),
    );
    Ok(())
}

/// `movid identity purge-proposal DID PROPOSAL`: deletes a proposal left open on a deleted
/// identity; anyone may, and no credential is presented.
pub async fn purge_proposal(
    ctx: &Context,
    ids: &IdentityClient,
    signer: &dyn Signer,
    identity: ObjectID,
    proposal: ObjectID,
    out: Output,
) -> CliResult<()> {
    let r = ids
        .purge_proposal(signer, identity, proposal)
        .await
        .map_err(|e| ctx.error(e))?;
    out.print(
        &json!({ "proposal_id": proposal, "purged": true, "digest": r.digest }),
        || format!("purged proposal {proposal}"),
    );
    Ok(())
}
