//! `movid asset ...`: authenticated assets (`identity::asset`) holding bytes.
//!
//! The CLI's assets hold a `vector<u8>`, given as `--text` (UTF-8), `--hex` or `--base64`;
//! `show` and `list` read assets of any content type and print a `vector<u8>` content as hex,
//! base64 and, when it is UTF-8, text (other types as their Move type and BCS in hex).

use base64::Engine;
use clap::{Args, Subcommand};
use movid_runtime::types::{Address, ObjectID};
use movid_sdk::identity::asset::{AssetClient, AssetFlags, OnChainAsset, TransferOffer};
use movid_sdk::tx::{Signer, TransactionResponse};
use movid_sdk::SdkError;
use serde_json::{json, Value};

use crate::context::Context;
use crate::output::{CliError, CliResult, Output};

#[derive(Subcommand, Debug)]
pub enum AssetCommand {
    /// Create an asset owned by you holding bytes; its flags are fixed for good.
    Create {
        #[command(flatten)]
        content: Content,
        /// Its content may be changed later (by its owner).
        #[arg(long)]
        mutable: bool,
        /// It may be offered to another owner.
        #[arg(long)]
        transferable: bool,
        /// It may be deleted (by its owner).
        #[arg(long)]
        deletable: bool,
    },
    /// Show an asset: origin, owner, flags, open offer, content.
    Show {
        /// The asset's ID.
        asset: ObjectID,
    },
    /// List the assets an address owns, the open offers to it and those it made.
    List {
        /// Alias or address (default: the active address).
        address: Option<String>,
    },
    /// Replace the content of a mutable asset you own.
    Mutate {
        /// The asset's ID.
        asset: ObjectID,
        #[command(flatten)]
        content: Content,
    },
    /// Delete a deletable asset you own.
    Delete {
        /// The asset's ID.
        asset: ObjectID,
    },
    /// Offer a transferable asset you own to another address; prints the offer's ID. Until
    /// it is accepted or cancelled the asset belongs to the offer.
    Offer {
        /// The asset's ID.
        asset: ObjectID,
        /// The recipient (alias or address).
        #[arg(long)]
        to: String,
        /// Last epoch in which the recipient may accept.
        #[arg(long)]
        expiration: Option<u64>,
    },
    /// Accept an offer made to you: the asset becomes yours.
    Accept {
        /// The offer's (TransferProposal's) ID.
        offer: ObjectID,
    },
    /// Cancel an offer you made: the asset comes back to you.
    Cancel {
        /// The offer's (TransferProposal's) ID.
        offer: ObjectID,
    },
}

/// The bytes an asset holds: exactly one of the three forms.
#[derive(Args, Debug)]
#[group(required = true, multiple = false)]
pub struct Content {
    /// The content as UTF-8 text.
    #[arg(long)]
    text: Option<String>,
    /// The content as hex (an optional 0x prefix).
    #[arg(long)]
    hex: Option<String>,
    /// The content as standard base64.
    #[arg(long)]
    base64: Option<String>,
}

impl Content {
    fn bytes(&self) -> CliResult<Vec<u8>> {
        if let Some(t) = &self.text {
            return Ok(t.as_bytes().to_vec());
        }
        if let Some(h) = &self.hex {
            let h = h.strip_prefix("0x").unwrap_or(h);
            return hex::decode(h).map_err(|e| {
                CliError::new(format!("--hex is not hex: {e}"), "e.g. --hex 0x6465656421")
            });
        }
        let b = self.base64.as_deref().unwrap_or_default();
        base64::engine::general_purpose::STANDARD
            .decode(b)
            .map_err(|e| {
                CliError::new(
                    format!("--base64 is not base64: {e}"),
                    "e.g. --base64 ZGVlZCE=",
                )
            })
    }
}

/// Runs one `movid asset` command on `ctx`'s chain.
pub fn run(cmd: AssetCommand, ctx: Context, out: Output) -> CliResult<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(run_asset(cmd, ctx, out))
}

async fn run_asset(cmd: AssetCommand, ctx: Context, out: Output) -> CliResult<()> {
    let assets = AssetClient::new(ctx.client.clone());
    let e = |err: SdkError| error(&ctx, err);
    let addr =
        |s: &str| -> CliResult<Address> { Ok(Address::new(*ctx.wallet.resolve(s)?.as_bytes())) };
    match cmd {
        AssetCommand::Create {
            content,
            mutable,
            transferable,
            deletable,
        } => {
            let bytes = content.bytes()?;
            let flags = AssetFlags {
                mutable,
                transferable,
                deletable,
            };
            let signer = ctx.signer().await?;
            let created = assets.create(&signer, &bytes, flags).await.map_err(e)?;
            let asset = assets.get(created.asset_id).await.map_err(e)?;
            let mut v = asset_json(&asset);
            v["digest"] = json!(created.response.digest.to_string());
            out.print(&v, || format!("created asset {}", asset.id));
        }
        AssetCommand::Show { asset } => {
            let a = assets.get(asset).await.map_err(e)?;
            out.print(&asset_json(&a), || asset_text(&a));
        }
        AssetCommand::List { address } => {
            let who = match address {
                Some(a) => addr(&a)?,
                None => Address::new(*ctx.wallet.active()?.as_bytes()),
            };
            let owned = assets.owned_by(who).await.map_err(e)?;
            let to = assets.offers_to(who).await.map_err(e)?;
            let from = assets.offers_from(who).await.map_err(e)?;
            let v = json!({
                "address": who.to_string(),
                "assets": owned.iter().map(asset_json).collect::<Vec<_>>(),
                "offers_to": to.iter().map(offer_json).collect::<Vec<_>>(),
                "offers_from": from.iter().map(offer_json).collect::<Vec<_>>(),
            });
            out.print(&v, || list_text(&owned, &to, &from));
        }
        AssetCommand::Mutate { asset, content } => {
            let bytes = content.bytes()?;
            let signer = ctx.signer().await?;
            let r = assets
                .set_content(&signer, asset, &bytes)
                .await
                .map_err(e)?;
            done(
                out,
                &r,
                json!({ "asset": asset.to_string() }),
                format!("changed asset {asset}"),
            );
        }
        AssetCommand::Delete { asset } => {
            let signer = ctx.signer().await?;
            let r = assets.delete(&signer, asset).await.map_err(e)?;
            done(
                out,
                &r,
                json!({ "asset": asset.to_string() }),
                format!("deleted asset {asset}"),
            );
        }
        AssetCommand::Offer {
            asset,
            to,
            expiration,
        } => {
            let to = addr(&to)?;
            let signer = ctx.signer().await?;
            let offer = assets
                .offer(&signer, asset, to, expiration)
                .await
                .map_err(e)?;
            done(
                out,
                &offer.response,
                json!({ "asset": asset.to_string(), "offer": offer.proposal_id.to_string(), "recipient": to.to_string(), "expiration_epoch": expiration }),
                format!("offered asset {asset} to {to}: offer {}", offer.proposal_id),
            );
        }
        AssetCommand::Accept { offer } => {
            let o = assets.get_offer(offer).await.map_err(e)?;
            let signer = ctx.signer().await?;
            let r = assets.accept(&signer, offer).await.map_err(e)?;
            done(
                out,
                &r,
                json!({ "offer": offer.to_string(), "asset": o.asset.to_string(), "owner": Signer::address(&signer).to_string() }),
                format!("accepted offer {offer}: asset {} is yours", o.asset),
            );
        }
        AssetCommand::Cancel { offer } => {
            let o = assets.get_offer(offer).await.map_err(e)?;
            let signer = ctx.signer().await?;
            let r = assets.cancel(&signer, offer).await.map_err(e)?;
            done(
                out,
                &r,
                json!({ "offer": offer.to_string(), "asset": o.asset.to_string(), "owner": Signer::address(&signer).to_string() }),
                format!("cancelled offer {offer}: asset {} is back", o.asset),
            );
        }
    }
    Ok(())
}

/// An SDK failure with a hint that fits assets (the generic one points at identities).
fn error(ctx: &Context, err: SdkError) -> CliError {
    let hint = match &err {
        SdkError::Identity(_) => {
            "`movid asset show ID` shows the asset's owner, flags and open offer".to_string()
        }
        SdkError::Transaction(_) => {
            "only the owner can use an asset, and an offered asset belongs to its offer until \
             accepted or cancelled; `movid asset show ID` shows who holds it"
                .to_string()
        }
        _ => return ctx.error(err),
    };
    CliError::new(err.to_string(), hint)
}

fn done(out: Output, r: &TransactionResponse, mut v: Value, text: String) {
    v["digest"] = json!(r.digest.to_string());
    out.print(&v, || text);
}

fn asset_json(a: &OnChainAsset) -> Value {
    let mut v = json!({
        "id": a.id.to_string(),
        "version": a.version,
        "origin": a.origin.to_string(),
        "owner": a.owner.to_string(),
        "mutable": a.flags.mutable,
        "transferable": a.flags.transferable,
        "deletable": a.flags.deletable,
        "offer": a.offer.map(|o| o.to_string()),
        "content_type": a.content_type.to_string(),
    });
    match a.content::<Vec<u8>>() {
        Ok(bytes) => {
            v["content"] = json!({
                "hex": format!("0x{}", hex::encode(&bytes)),
                "base64": base64::engine::general_purpose::STANDARD.encode(&bytes),
                "text": String::from_utf8(bytes).ok(),
            });
        }
        _ => v["content_bcs"] = json!(format!("0x{}", hex::encode(&a.content_bcs))),
    }
    v
}

fn offer_json(o: &TransferOffer) -> Value {
    json!({
        "offer": o.proposal_id.to_string(),
        "asset": o.asset.to_string(),
        "sender": o.sender.to_string(),
        "recipient": o.recipient.to_string(),
        "expiration_epoch": o.expiration_epoch,
    })
}

fn flags_text(f: &AssetFlags) -> String {
    let mut v = vec![];
    for (on, name) in [
        (f.mutable, "mutable"),
        (f.transferable, "transferable"),
        (f.deletable, "deletable"),
    ] {
        if on {
            v.push(name);
        }
    }
    if v.is_empty() {
        "fixed (not mutable, transferable or deletable)".into()
    } else {
        v.join(", ")
    }
}

fn content_text(a: &OnChainAsset) -> String {
    match a.content::<Vec<u8>>() {
        Ok(bytes) => match std::str::from_utf8(&bytes) {
            Ok(t) => format!("{t:?}"),
            Err(_) => format!("0x{}", hex::encode(&bytes)),
        },
        Err(_) => format!("{} 0x{}", a.content_type, hex::encode(&a.content_bcs)),
    }
}

fn asset_text(a: &OnChainAsset) -> String {
    let mut s = format!(
        "asset    {}\norigin   {}\nowner    {}\nflags    {}\ncontent  {}",
        a.id,
        a.origin,
        a.owner,
        flags_text(&a.flags),
        content_text(a)
    );
    if let Some(o) = a.offer {
        s.push_str(&format!(
            "\noffered  through offer {o} (accept or cancel it)"
        ));
    }
    s
}

fn list_text(owned: &[OnChainAsset], to: &[TransferOffer], from: &[TransferOffer]) -> String {
    let mut s = String::new();
    if owned.is_empty() {
        s.push_str("no assets\n");
    }
    for a in owned {
        s.push_str(&format!(
            "asset {}  {}  {}\n",
            a.id,
            flags_text(&a.flags),
            content_text(a)
        ));
    }
    for o in to {
        s.push_str(&format!(
            "offer {} to you: asset {} from {}\n",
            o.proposal_id, o.asset, o.sender
        ));
    }
    for o in from {
        s.push_str(&format!(
            "offer {} by you: asset {} to {}\n",
            o.proposal_id, o.asset, o.recipient
        ));
    }
    s.trim_end().to_string()
}
