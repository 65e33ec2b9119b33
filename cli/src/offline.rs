//! Offline and multi-party signing from the command line: `--serialize-unsigned` prints a
//! transaction instead of executing it, `client sign` signs such bytes with the active key and
//! `client execute-signed` runs them with the signatures gathered.

use movid_sdk::offline::{
    decode_signature, decode_transaction, encode_signature, encode_transaction,
    execute_signed as execute_with, required_signers, sign_as,
};
use movid_sdk::tx::TransactionBuilder;
use serde_json::{json, Value};

use crate::client_cmd::object_json;
use crate::context::{Context, Unsigned};
use crate::output::{CliError, CliResult, Output};

/// Builds `tx` (with the sponsor, if any) and prints its unsigned bytes: base64 alone as text
/// (so it pipes into `--tx`), or a JSON document naming who must sign.
pub async fn print_unsigned(
    tx: &mut TransactionBuilder<'_>,
    unsigned: Unsigned,
    ctx: &Context,
    out: Output,
) -> CliResult<()> {
    if let Some(sponsor) = unsigned.sponsor {
        tx.sponsor(sponsor);
    }
    let data = tx.build_unsigned().await.map_err(|e| ctx.error(e))?;
    let bytes = encode_transaction(&data);
    out.print(
        &json!({
            "tx_bytes": bytes,
            "digest": data.digest(),
            "sender": data.sender,
            "gas_owner": data.gas_data.owner,
            "gas_budget": data.gas_data.budget,
            "signers": required_signers(&data),
        }),
        || bytes.clone(),
    );
    Ok(())
}

fn bad_tx(e: movid_sdk::SdkError) -> CliError {
    CliError::new(
        e.to_string(),
        "pass the base64 printed by --serialize-unsigned, unchanged",
    )
}

/// `movid client sign --tx BYTES`.
pub async fn sign(tx: &str, ctx: &Context, out: Output) -> CliResult<()> {
    let data = decode_transaction(tx).map_err(bad_tx)?;
    let signer = ctx.signer().await?;
    let signature = sign_as(&data, &signer).await.map_err(|e| {
        CliError::new(
            e.to_string(),
            "make the sender or the sponsor the active address (`movid keys use`)",
        )
    })?;
    let text = encode_signature(&signature);
    out.print(
        &json!({
            "signature": text,
            "signer": movid_sdk::tx::Signer::address(&signer),
            "digest": data.digest(),
        }),
        || text.clone(),
    );
    Ok(())
}

/// `movid client execute-signed --tx BYTES --signature SIG...`.
pub async fn execute_signed(
    tx: &str,
    signatures: &[String],
    ctx: &Context,
    out: Output,
) -> CliResult<()> {
    let data = decode_transaction(tx).map_err(bad_tx)?;
    let signatures = signatures
        .iter()
        .map(|s| decode_signature(s))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| {
            CliError::new(
                e.to_string(),
                "pass each signature printed by `movid client sign`",
            )
        })?;
    let gas_owner = data.gas_data.owner;
    let resp = execute_with(&*ctx.client, data, signatures)
        .await
        .map_err(|e| ctx.error(e))?;
    let created: Vec<Value> = resp.created.iter().map(object_json).collect();
    out.print(
        &json!({
            "digest": resp.digest,
            "status": resp.effects.status,
            "gas_owner": gas_owner,
            "gas": resp.effects.gas_used,
            "created": created,
            "events": resp.events.len(),
        }),
        || format!("transaction {} succeeded", resp.digest),
    );
    Ok(())
}
