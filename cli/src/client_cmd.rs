//! `movid client publish|call|sign|execute-signed|object|objects|tx|events|faucet|gas`.

use std::path::PathBuf;
use std::str::FromStr;

use clap::Subcommand;
use move_binary_format::access::ModuleAccess;
use move_binary_format::file_format::{CompiledModule, SignatureToken};
use movid_runtime::build::{build_package, BuildOptions};
use movid_runtime::execution::coin_value;
use movid_runtime::genesis::MIST_PER_SUI;
use movid_runtime::store::EventFilter;
use movid_runtime::types::{
    Address, Argument, Data, Digest, Object, ObjectArg, ObjectID, ObjectReference, StructTag,
    TypeTag, WellKnown,
};
use movid_sdk::tx::{Signer, TransactionBuilder};
use serde_json::{json, Value};

use crate::context::Context;
use crate::output::{CliError, CliResult, Output};

#[derive(Subcommand, Debug)]
pub enum ClientCommand {
    /// Build and publish a Move package; prints the package ID and created objects.
    Publish {
        /// Package directory.
        #[arg(long, default_value = ".")]
        path: PathBuf,
        /// Gas budget in MIST (default: estimated by a dry run).
        #[arg(long)]
        gas_budget: Option<u64>,
    },
    /// Call a Move function.
    Call {
        /// Package ID.
        #[arg(long, value_parser = crate::id_args::object_id)]
        package: ObjectID,
        /// Module name.
        #[arg(long)]
        module: String,
        /// Function name.
        #[arg(long)]
        function: String,
        /// Type arguments, e.g. 0x2::sui::SUI.
        #[arg(long, num_args = 1..)]
        type_args: Vec<String>,
        /// Arguments: numbers, true/false, addresses and object IDs as 0x..., strings,
        /// hex byte vectors as 0x..., JSON arrays for vectors, `none` for an empty Option.
        #[arg(long, num_args = 1.., allow_hyphen_values = true)]
        args: Vec<String>,
        /// Gas budget in MIST (default: estimated by a dry run).
        #[arg(long)]
        gas_budget: Option<u64>,
        /// Run the call without committing it and print what it would do (effects, created
        /// objects, events, gas); nothing changes on the chain and nothing is signed.
        #[arg(long)]
        dry_run: bool,
        /// Like --dry-run, and also print each command's return values, decoded to JSON
        /// where the type is a number, bool, address, ID, string, byte vector, Option or a
        /// vector of these (else its type and hex BCS). Nothing is committed or signed.
        #[arg(long, conflicts_with = "dry_run")]
        dev_inspect: bool,
    },
    /// Show an object.
    Object {
        /// Object ID.
        #[arg(value_parser = crate::id_args::object_id)]
        id: ObjectID,
    },
    /// List objects owned by an address (default: the active address).
    Objects {
        /// Alias or address.
        address: Option<String>,
    },
    /// Show a transaction and its effects.
    Tx {
        /// Transaction digest.
        #[arg(value_parser = crate::id_args::digest)]
        digest: Digest,
    },
    /// List events.
    Events {
        /// Sent by this address.
        #[arg(long, value_parser = crate::id_args::address)]
        sender: Option<Address>,
        /// Of this type, e.g. 0x3::events::IdentityCreated.
        #[arg(long, name = "type")]
        type_: Option<String>,
        /// Emitted by this transaction.
        #[arg(long, value_parser = crate::id_args::digest)]
        tx: Option<Digest>,
        /// At most this many.
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Sign base64 BCS TransactionData (from --serialize-unsigned) with the active key, as its
    /// sender or its sponsor; prints the base64 signature.
    Sign {
        /// The transaction bytes, base64.
        #[arg(long)]
        tx: String,
    },
    /// Execute base64 BCS TransactionData with signatures gathered elsewhere (`client sign`).
    ExecuteSigned {
        /// The transaction bytes, base64.
        #[arg(long)]
        tx: String,
        /// The signatures, base64: the sender's, and the sponsor's when there is one.
        #[arg(long, num_args = 1.., required = true)]
        signature: Vec<String>,
    },
    /// Get a gas coin from the node's faucet.
    Faucet {
        /// Alias or address (default: the active address).
        address: Option<String>,
        /// Amount in SUI (whole SUI; 1 SUI = 10^9 MIST).
        #[arg(long, default_value_t = 1000)]
        amount: u64,
    },
    /// List gas coins and the total balance.
    Gas {
        /// Alias or address (default: the active address).
        address: Option<String>,
    },
}

fn parse_struct_tag(s: &str) -> CliResult<StructTag> {
    match parse_type_tag(s)? {
        TypeTag::Struct(t) => Ok(t),
        _ => Err(CliError::new(
            format!("`{s}` is not a struct type"),
            "write ADDRESS::module::Name",
        )),
    }
}

pub(crate) fn parse_type_tag(s: &str) -> CliResult<TypeTag> {
    move_core_types::parser::parse_type_tag(s).map_err(|e| {
        CliError::new(
            format!("`{s}` is not a Move type: {e}"),
            "write e.g. u64 or 0x2::sui::SUI",
        )
    })
}

fn address_of(ctx: &Context, name: Option<&str>) -> CliResult<Address> {
    let id = match name {
        Some(n) => ctx.wallet.resolve(n)?,
        None => ctx.wallet.active()?,
    };
    Ok(Address::new(*id.as_bytes()))
}

/// A compact JSON view of an object.
pub fn object_json(o: &Object) -> Value {
    match &o.data {
        Data::Move(m) => json!({
            "id": o.id(), "version": o.version(), "digest": o.digest(), "owner": o.owner,
            "type": m.type_.to_string(), "contents": format!("0x{}", hex::encode(&m.contents)),
        }),
        Data::Package(p) => json!({
            "id": p.id, "version": p.version, "digest": o.digest(), "owner": o.owner,
            "package": p.modules.keys().collect::<Vec<_>>(),
        }),
    }
}

pub fn run(cmd: ClientCommand, ctx: Context, out: Output) -> CliResult<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(run_async(cmd, ctx, out))
}

async fn run_async(cmd: ClientCommand, ctx: Context, out: Output) -> CliResult<()> {
    let client = ctx.client.clone();
    let e = |err| ctx.error(err);
    match cmd {
        ClientCommand::Publish { path, gas_budget } => {
            let pkg = out
                .spin("compiling Move package", || {
                    build_package(&path, &BuildOptions::default())
                })
                .map_err(|e| CliError::new(e.to_string(), "fix the package, then publish again"))?;
            let signer = ctx.signer().await?;
            let mut tx = TransactionBuilder::new(&*client, Signer::address(&signer));
            if let Some(b) = gas_budget {
                tx.gas_budget(b);
            }
            let cap = tx.publish(pkg.module_bytes(), pkg.dependencies.clone());
            let me = tx.pure(&Signer::address(&signer));
            tx.transfer_objects(vec![cap], me);
            if let Some(u) = ctx.unsigned {
                return crate::offline::print_unsigned(&mut tx, u, &ctx, out).await;
            }
            let resp = tx.execute(&signer).await.map_err(e)?;
            // The package is the created object holding modules: an `init` may freeze objects
            // of its own (every coin's metadata), so "the first immutable object" is not it.
            let package = resp
                .created
                .iter()
                .find(|o| matches!(o.data, Data::Package(_)))
                .map(|o| o.id())
                .ok_or_else(|| CliError::plain("the publish created no package"))?;
            let is_upgrade_cap = |o: &&movid_runtime::types::Object| {
                o.type_().is_some_and(|t| {
                    t.address
                        == movid_runtime::seam::to_vm_address(
                            movid_runtime::types::ObjectID::FRAMEWORK,
                        )
                        && t.module.as_str() == "package"
                        && t.name.as_str() == "UpgradeCap"
                })
            };
            let upgrade_cap = resp.created.iter().find(is_upgrade_cap).map(|o| o.id());
            let mut by_kind: std::collections::BTreeMap<String, Vec<String>> = Default::default();
            for o in resp.created.iter().filter(|o| o.id() != package) {
                let kind = o.type_().map(|t| t.to_string()).unwrap_or_default();
                by_kind.entry(kind).or_default().push(o.id().to_string());
            }
            let created: Vec<Value> = resp.created.iter().map(object_json).collect();
            out.print(
                &json!({
                    "package": package,
                    "upgrade_cap": upgrade_cap,
                    "objects_by_type": by_kind,
                    "digest": resp.digest,
                    "created": created,
                }),
                || {
                    let mut s = format!(
                        "published {} as {package}\ntransaction {}",
                        pkg.name, resp.digest
                    );
                    for (kind, ids) in &by_kind {
                        for id in ids {
                            s.push_str(&format!("\ncreated {id} {kind}"));
                        }
                    }
                    s
                },
            );
        }
        ClientCommand::Call {
            package,
            module,
            function,
            type_args,
            args,
            gas_budget,
            dry_run,
            dev_inspect,
        } => {
            let type_args = type_args
                .iter()
                .map(|t| parse_type_tag(t))
                .collect::<CliResult<Vec<_>>>()?;
            let signer = ctx.signer().await?;
            let mut tx = TransactionBuilder::new(&*client, Signer::address(&signer));
            if let Some(b) = gas_budget {
                tx.gas_budget(b);
            }
            PreparedCall::resolve(&ctx, package, (&module, &function), type_args, &args, &[])
                .await?
                .add(&mut tx, &[])
                .map_err(e)?;
            if let Some(u) = ctx.unsigned {
                return crate::offline::print_unsigned(&mut tx, u, &ctx, out).await;
            }
            if dry_run || dev_inspect {
                let data = tx.build().await.map_err(e)?;
                let (r, returns) = if dev_inspect {
                    let d = client.dev_inspect(data).await.map_err(e)?;
                    (d.result, Some(d.return_values))
                } else {
                    (client.dry_run(data).await.map_err(e)?, None)
                };
                let created: Vec<Value> = r
                    .effects
                    .created
                    .iter()
                    .map(|(o, owner)| json!({ "id": o.object_id(), "version": o.version(), "owner": owner }))
                    .collect();
                let mut report = json!({
                    "dry_run": true,
                    "status": r.effects.status,
                    "created": created,
                    "mutated": r.effects.mutated.len(),
                    "deleted": r.effects.deleted.len(),
                    "events": r.events.len(),
                    "gas": r.effects.gas_used,
                });
                let decoded: Option<Vec<Vec<Value>>> = returns.map(|rs| {
                    rs.iter()
                        .map(|c| c.iter().map(movid_sdk::returns::describe).collect())
                        .collect()
                });
                if let Some(d) = &decoded {
                    report["dev_inspect"] = json!(true);
                    report["return_values"] = json!(d);
                }
                out.print(&report, || {
                    let mut s = format!(
                        "{} of {module}::{function}: {:?}; would create {} objects, emit {} events, use {} in gas (nothing was committed)",
                        if decoded.is_some() { "dev inspect" } else { "dry run" },
                        r.effects.status,
                        r.effects.created.len(),
                        r.events.len(),
                        r.effects.gas_used.net_gas_usage()
                    );
                    // The call is the last command; what it returned is what the user asked for.
                    if let Some(values) = decoded.as_ref().and_then(|d| d.last()) {
                        if values.is_empty() {
                            s.push_str("
returned nothing");
                        }
                        for v in values {
                            let shown = v.get("value").unwrap_or(&v["bcs"]);
                            s.push_str(&format!("
returned {}: {shown}", v["type"].as_str().unwrap_or("?")));
                        }
                    }
                    s
                });
                return Ok(());
            }
            let resp = tx.execute(&signer).await.map_err(e)?;
            let created: Vec<Value> = resp.created.iter().map(object_json).collect();
            out.print(&json!({ "digest": resp.digest, "status": resp.effects.status, "created": created, "events": resp.events.len(), "gas": resp.effects.gas_used }), || {
                let mut s = format!("transaction {} succeeded", resp.digest);
                for o in &resp.created {
                    s.push_str(&format!("\ncreated {} {}", o.id(), o.type_().map(|t| t.to_string()).unwrap_or_else(|| "package".into())));
                }
                s
            });
        }
        ClientCommand::Sign { tx } => crate::offline::sign(&tx, &ctx, out).await?,
        ClientCommand::ExecuteSigned { tx, signature } => {
            crate::offline::execute_signed(&tx, &signature, &ctx, out).await?
        }
        ClientCommand::Object { id } => {
            let o = client.get_object(id).await.map_err(e)?.ok_or_else(|| {
                CliError::new(
                    format!("object {id} does not exist"),
                    "it may have been deleted or wrapped",
                )
            })?;
            let v = object_json(&o);
            out.print(&v, || crate::render::object(&o));
        }
        ClientCommand::Objects { address } => {
            let a = address_of(&ctx, address.as_deref())?;
            let objs = client.owned_objects(a).await.map_err(e)?;
            let v: Vec<Value> = objs.iter().map(object_json).collect();
            out.print(&v, || {
                objs.iter()
                    .map(|o| {
                        format!(
                            "{} v{} {}",
                            o.id(),
                            o.version(),
                            o.type_().map(|t| t.to_string()).unwrap_or_default()
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        ClientCommand::Tx { digest } => {
            let rec = client
                .transaction(digest)
                .await
                .map_err(e)?
                .ok_or_else(|| {
                    CliError::new(format!("no transaction {digest}"), "check the digest")
                })?;
            let v = serde_json::to_value(&rec).expect("json");
            out.print(&v, || serde_json::to_string_pretty(&json!({ "status": rec.effects.status, "gas": rec.effects.gas_used, "created": rec.effects.created, "mutated": rec.effects.mutated, "deleted": rec.effects.deleted, "events": rec.events.len() })).expect("json"));
        }
        ClientCommand::Events {
            sender,
            type_,
            tx,
            limit,
        } => {
            let filter = EventFilter {
                transaction: tx,
                sender,
                type_: type_.as_deref().map(parse_struct_tag).transpose()?,
            };
            let events = client.events(filter, limit).await.map_err(e)?;
            let v = serde_json::to_value(&events).expect("json");
            out.print(&v, || {
                events
                    .iter()
                    .map(|r| {
                        format!(
                            "{} #{} {} from {}",
                            r.transaction, r.index, r.event.type_, r.event.sender
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        ClientCommand::Faucet { address, amount } => {
            let a = address_of(&ctx, address.as_deref())?;
            let r = client
                .faucet(a, amount.saturating_mul(MIST_PER_SUI))
                .await
                .map_err(e)?;
            out.print(
                &json!({ "coin": r.object_id(), "amount": amount * MIST_PER_SUI, "recipient": a }),
                || format!("sent a coin of {amount} SUI to {a}: {}", r.object_id()),
            );
        }
        ClientCommand::Gas { address } => {
            let a = address_of(&ctx, address.as_deref())?;
            let coins = client.gas_coins(a).await.map_err(e)?;
            let rows: Vec<(ObjectID, u64)> = coins
                .iter()
                .map(|c| {
                    (
                        c.id(),
                        c.as_move()
                            .and_then(|m| coin_value(&m.contents))
                            .unwrap_or(0),
                    )
                })
                .collect();
            let total: u64 = rows.iter().map(|r| r.1).sum();
            out.print(&json!({ "address": a, "total": total, "coins": rows.iter().map(|(id, v)| json!({ "id": id, "value": v })).collect::<Vec<_>>() }), || crate::render::gas(&a, &rows));
        }
    }
    Ok(())
}

fn is_tx_context(m: &CompiledModule, t: &SignatureToken) -> bool {
    let inner = match t {
        SignatureToken::Reference(i) | SignatureToken::MutableReference(i) => &**i,
        _ => return false,
    };
    matches!(struct_name(m, inner), Some((a, md, n)) if a == ObjectID::FRAMEWORK && md == "tx_context" && n == "TxContext")
}

fn struct_name(m: &CompiledModule, t: &SignatureToken) -> Option<(ObjectID, String, String)> {
    let h = match t {
        SignatureToken::Struct(h) | SignatureToken::StructInstantiation(h, _) => *h,
        _ => return None,
    };
    let sh = m.struct_handle_at(h);
    let mh = m.module_handle_at(sh.module);
    Some((
        movid_runtime::seam::from_vm_address(*m.address_identifier_at(mh.address)),
        m.identifier_at(mh.name).to_string(),
        m.identifier_at(sh.name).to_string(),
    ))
}

fn token_to_tag(m: &CompiledModule, t: &SignatureToken, targs: &[TypeTag]) -> Option<TypeTag> {
    Some(match t {
        SignatureToken::Bool => TypeTag::Bool,
        SignatureToken::U8 => TypeTag::U8,
        SignatureToken::U64 => TypeTag::U64,
        SignatureToken::U128 => TypeTag::U128,
        SignatureToken::Address => TypeTag::Address,
        SignatureToken::Vector(i) => TypeTag::Vector(Box::new(token_to_tag(m, i, targs)?)),
        SignatureToken::TypeParameter(i) => targs.get(*i as usize)?.clone(),
        SignatureToken::Struct(_) | SignatureToken::StructInstantiation(..) => {
            let (a, md, n) = struct_name(m, t)?;
            let type_params = match t {
                SignatureToken::StructInstantiation(_, ps) => ps
                    .iter()
                    .map(|p| token_to_tag(m, p, targs))
                    .collect::<Option<Vec<_>>>()?,
                _ => vec![],
            };
            TypeTag::Struct(StructTag {
                address: movid_runtime::seam::to_vm_address(a),
                module: move_core_types::identifier::Identifier::new(md).ok()?,
                name: move_core_types::identifier::Identifier::new(n).ok()?,
                type_params,
            })
        }
        _ => return None,
    })
}

fn is_struct(tag: &TypeTag, addr: ObjectID, module: &str, name: &str) -> bool {
    matches!(tag, TypeTag::Struct(s) if movid_runtime::seam::from_vm_address(s.address) == addr && s.module.as_str() == module && s.name.as_str() == name)
}

/// BCS of a pure value of type `tag` written as `text` (or as JSON for vectors).
fn pure_bcs(tag: &TypeTag, v: &Value) -> Result<Vec<u8>, String> {
    let text = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let num = |t: &str| {
        t.parse::<u128>()
            .map_err(|_| format!("`{t}` is not a number"))
    };
    Ok(match tag {
        TypeTag::Bool => {
            bcs::to_bytes(&bool::from_str(&text).map_err(|_| "expected true or false")?)
                .expect("bcs")
        }
        TypeTag::U8 => {
            bcs::to_bytes(&u8::try_from(num(&text)?).map_err(|_| "too large for u8")?).expect("bcs")
        }
        TypeTag::U64 => {
            bcs::to_bytes(&u64::try_from(num(&text)?).map_err(|_| "too large for u64")?)
                .expect("bcs")
        }
        TypeTag::U128 => bcs::to_bytes(&num(&text)?).expect("bcs"),
        TypeTag::Address => bcs::to_bytes(&crate::id_args::address(&text)?).expect("bcs"),
        TypeTag::Vector(inner) if **inner == TypeTag::U8 && !text.starts_with('[') => {
            let bytes = match text.strip_prefix("0x") {
                Some(h) => hex::decode(h).map_err(|_| "not hex after 0x")?,
                None => text.into_bytes(),
            };
            bcs::to_bytes(&bytes).expect("bcs")
        }
        TypeTag::Vector(inner) => {
            let items: Vec<Value> =
                serde_json::from_str(&text).map_err(|_| "expected a JSON array")?;
            let mut out = vec![];
            let mut n = items.len();
            loop {
                let b = (n & 0x7f) as u8;
                n >>= 7;
                if n == 0 {
                    out.push(b);
                    break;
                }
                out.push(b | 0x80);
            }
            for it in &items {
                out.extend(pure_bcs(inner, it)?);
            }
            out
        }
        t if is_struct(t, ObjectID::STD, "string", "String")
            || is_struct(t, ObjectID::STD, "ascii", "String") =>
        {
            bcs::to_bytes(text.as_bytes()).expect("bcs")
        }
        t if is_struct(t, ObjectID::FRAMEWORK, "object", "ID") => {
            bcs::to_bytes(&crate::id_args::object_id(&text)?).expect("bcs")
        }
        TypeTag::Struct(s)
            if movid_runtime::seam::from_vm_address(s.address) == ObjectID::STD
                && s.module.as_str() == "option"
                && s.type_params.len() == 1 =>
        {
            if text == "none" {
                vec![0]
            } else {
                let mut out = vec![1];
                out.extend(pure_bcs(&s.type_params[0], &Value::String(text))?);
                out
            }
        }
        other => {
            return Err(format!(
                "values of type {other} cannot be given on the command line"
            ))
        }
    })
}

/// A Move call given on the command line, its arguments read by the function's parameter
/// types and its objects fetched, ready to add to a transaction without further reads (so a
/// flow can add it inside the SDK's synchronous callbacks).
#[derive(Debug, Clone)]
pub(crate) struct PreparedCall {
    package: ObjectID,
    module: String,
    function: String,
    type_args: Vec<TypeTag>,
    args: Vec<PreparedArg>,
}

#[derive(Debug, Clone)]
enum PreparedArg {
    Pure(Vec<u8>),
    Object(Box<Object>, bool),
    Receiving(ObjectReference),
    /// `@NAME`: a value the flow supplies.
    Named(String),
}

impl PreparedCall {
    /// Reads `package::module::function`'s signature and the arguments `args`, written as on
    /// the command line (the `TxContext` is supplied). When `names` is not empty, `@NAME` with
    /// NAME among `names` is a value the flow supplies when the call is added.
    pub(crate) async fn resolve(
        ctx: &Context,
        package: ObjectID,
        (module, function): (&str, &str),
        type_args: Vec<TypeTag>,
        args: &[String],
        names: &[String],
    ) -> CliResult<PreparedCall> {
        let client = &*ctx.client;
        let pkg = client.object(package).await.map_err(|e| ctx.error(e))?;
        let Data::Package(p) = &pkg.data else {
            return Err(CliError::new(
                format!("{package} is not a package"),
                "pass a package ID with --package",
            ));
        };
        let bytes = p.modules.get(module).ok_or_else(|| {
            CliError::new(
                format!("package {package} has no module `{module}`"),
                format!(
                    "its modules: {}",
                    p.modules.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            )
        })?;
        let m =
            CompiledModule::deserialize(bytes).map_err(|e| CliError::plain(format!("{e:?}")))?;
        let fdef = m
            .function_defs
            .iter()
            .find(|f| {
                m.identifier_at(m.function_handle_at(f.function).name)
                    .as_str()
                    == function
            })
            .ok_or_else(|| {
                CliError::new(
                    format!("{module} has no function `{function}`"),
                    "check the name",
                )
            })?;
        let params: Vec<SignatureToken> = m
            .signature_at(m.function_handle_at(fdef.function).parameters)
            .0
            .iter()
            .filter(|p| !is_tx_context(&m, p))
            .cloned()
            .collect();
        if params.len() != args.len() {
            return Err(CliError::new(
                format!(
                    "{module}::{function} takes {} arguments, {} given",
                    params.len(),
                    args.len()
                ),
                "pass one --args value per parameter (the TxContext is supplied for you)",
            ));
        }
        let mut prepared = vec![];
        for (i, (p, a)) in params.iter().zip(args).enumerate() {
            let arg = match a.strip_prefix('@').filter(|_| !names.is_empty()) {
                Some(name) if names.iter().any(|n| n == name) => {
                    Ok(PreparedArg::Named(name.into()))
                }
                Some(name) => {
                    let offered: Vec<String> = names.iter().map(|n| format!("@{n}")).collect();
                    Err(format!(
                        "no value named `@{name}`; this command offers {}",
                        offered.join(", ")
                    ))
                }
                None => prepare_arg(client, &m, p, a, &type_args).await,
            };
            prepared.push(arg.map_err(|msg| {
                CliError::new(
                    format!("argument {i} (`{a}`): {msg}"),
                    "see `movid client call --help` for argument syntax",
                )
            })?);
        }
        Ok(PreparedCall {
            package,
            module: module.to_string(),
            function: function.to_string(),
            type_args,
            args: prepared,
        })
    }

    /// Adds the call to `tx` and returns its result; `named` holds the values for `@NAME`.
    pub(crate) fn add(
        &self,
        tx: &mut TransactionBuilder<'_>,
        named: &[(String, Argument)],
    ) -> Result<Argument, movid_sdk::SdkError> {
        let mut args = vec![];
        for a in &self.args {
            args.push(match a {
                PreparedArg::Pure(bytes) => tx.pure_bytes(bytes.clone()),
                PreparedArg::Object(object, mutable) => tx.object_from(object, *mutable)?,
                PreparedArg::Receiving(r) => tx.object_arg(ObjectArg::Receiving(r.clone())),
                PreparedArg::Named(name) => named
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, arg)| *arg)
                    .ok_or_else(|| {
                        movid_sdk::SdkError::InvalidArgument(format!(
                            "no value named `@{name}` in this flow"
                        ))
                    })?,
            });
        }
        Ok(tx.move_call(
            self.package,
            &self.module,
            &self.function,
            self.type_args.clone(),
            args,
        ))
    }
}

async fn prepare_arg(
    client: &dyn movid_sdk::Client,
    m: &CompiledModule,
    p: &SignatureToken,
    a: &str,
    targs: &[TypeTag],
) -> Result<PreparedArg, String> {
    let (inner, mutable) = match p {
        SignatureToken::Reference(i) => (&**i, false),
        SignatureToken::MutableReference(i) => (&**i, true),
        t => (t, true),
    };
    let is_object = match inner {
        SignatureToken::Struct(h) | SignatureToken::StructInstantiation(h, _) => {
            m.struct_handle_at(*h).abilities.has_key()
        }
        SignatureToken::TypeParameter(i) => {
            matches!(targs.get(*i as usize), Some(TypeTag::Struct(_)))
                && !targs
                    .get(*i as usize)
                    .is_some_and(|t| is_struct(t, ObjectID::STD, "string", "String"))
        }
        _ => false,
    };
    let tag = token_to_tag(m, inner, targs);
    if let Some(t) = &tag {
        if is_struct(t, ObjectID::FRAMEWORK, "transfer", "Receiving") {
            let id = crate::id_args::object_id(a)?;
            let object = client.object(id).await.map_err(|e| e.to_string())?;
            return Ok(PreparedArg::Receiving(object.object_ref()));
        }
    }
    if is_object {
        let id = crate::id_args::object_id(a)?;
        let object = client.object(id).await.map_err(|e| e.to_string())?;
        return Ok(PreparedArg::Object(Box::new(object), mutable));
    }
    let tag = tag.ok_or("unsupported parameter type")?;
    let value = match serde_json::from_str::<Value>(a) {
        Ok(v @ Value::Array(_)) => v,
        _ => Value::String(a.to_string()),
    };
    Ok(PreparedArg::Pure(pure_bcs(&tag, &value)?))
}
