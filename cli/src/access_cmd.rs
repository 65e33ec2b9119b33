//! `movid access ...`: identity-first network access. Authorities and their
//! governance, enrollment, device keys and CSRs, issuance, the mTLS gate and
//! a client connector (see `movid_sdk::access`).
//!
//! `enroll` and `issue` run the enrollment service and the CA in this
//! process, with their keys from the keystore: on one machine, the whole
//! flow runs from the command line.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use clap::Subcommand;
use movid_runtime::types::ObjectID;
use movid_sdk::access::{
    AccessClient, AccessConnector, AccessError, AuthorityChange, CertificateAuthority,
    CertificateRequest, DeviceKey, EnrollmentService, EnrollmentToken, Gate, GateConfig, GateEvent,
    GateKey, IssuedCertificate, Proof, Refusal, Serial,
};
use movid_sdk::did::{Did, PublicKey, Relationship};
use movid_sdk::keys::{Capability, Committer, IdentityManager, Scheme};
use movid_sdk::IdentityClient;
use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use crate::context::Context;
use crate::identity_cmd::parse_did;
use crate::output::{CliError, CliResult, Output};
use crate::wallet::Wallet;

mod gate_io;

use gate_io::{print_event, print_line, relay};

#[derive(Subcommand, Debug)]
pub enum AccessCommand {
    /// Create or show an access authority.
    #[command(subcommand)]
    Authority(AuthorityCommand),
    /// Set, remove or show a subject's policy (changes go through the authority identity's borrow proposals).
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Revoke, or lift the revocation of, an enrollment token or a certificate.
    #[command(subcommand)]
    Revoke(RevokeCommand),
    /// Get an enrollment token: your key proves the DID to the enrollment service, run here with its key.
    Enroll {
        /// The access authority's object ID.
        #[arg(long, value_parser = crate::id_args::object_id)]
        authority: ObjectID,
        /// Your DID.
        #[arg(long)]
        did: String,
        /// The enrollment service's key (alias or address): an assertion method of the authority's DID document.
        #[arg(long)]
        enrollment_key: String,
        /// Your key proving the DID, an authentication method of its document (default: the active key).
        #[arg(long)]
        key: Option<String>,
        /// Token lifetime in seconds.
        #[arg(long, default_value_t = 600)]
        ttl: u64,
        /// Write the token to this file (default: print it).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Generate (or reuse) a device key and write a CSR answering an enrollment token.
    Csr {
        /// The DID the certificate is for.
        #[arg(long)]
        did: String,
        /// The enrollment token file.
        #[arg(long)]
        token: PathBuf,
        /// The device key's alias in the keystore (generated with the commit capability when missing).
        #[arg(long, default_value = "device")]
        device_key: String,
        /// Also propose adding the device key to the DID's document (authentication), as the active key.
        #[arg(long)]
        publish: bool,
        /// Where to write the CSR (PEM).
        #[arg(long)]
        out: PathBuf,
    },
    /// Issue a client certificate for a CSR and its token; the CA runs here with its key.
    Issue {
        /// The access authority's object ID.
        #[arg(long, value_parser = crate::id_args::object_id)]
        authority: ObjectID,
        /// The CA key (alias or address): the authority's CA public key.
        #[arg(long)]
        ca_key: String,
        /// The CSR (PEM).
        #[arg(long)]
        csr: PathBuf,
        /// The enrollment token file.
        #[arg(long)]
        token: PathBuf,
        /// Certificate validity in hours (its epoch bound usually ends it first).
        #[arg(long, default_value_t = 24)]
        validity_hours: u64,
        /// Where to write the certificate (PEM).
        #[arg(long)]
        out: PathBuf,
    },
    /// Issue a gate's server certificate and a fresh TLS key for it.
    GateCert {
        /// The access authority's object ID.
        #[arg(long, value_parser = crate::id_args::object_id)]
        authority: ObjectID,
        /// The CA key (alias or address).
        #[arg(long)]
        ca_key: String,
        /// A DNS name or IP address of the gate (repeat).
        #[arg(long = "name", required = true)]
        names: Vec<String>,
        /// Writes OUT.crt.pem and OUT.key.pem.
        #[arg(long)]
        out: PathBuf,
    },
    /// Run a gate: mutual TLS 1.3, checks against the chain on every connection, forwarding to services.
    Gate {
        /// The access authority's object ID.
        #[arg(long, value_parser = crate::id_args::object_id)]
        authority: ObjectID,
        /// Address to listen on.
        #[arg(long)]
        listen: SocketAddr,
        /// A service as NAME=HOST:PORT (repeat).
        #[arg(long = "service", required = true)]
        services: Vec<String>,
        /// The gate's certificate (from `movid access gate-cert`).
        #[arg(long)]
        cert: PathBuf,
        /// The gate's TLS key (from `movid access gate-cert`).
        #[arg(long)]
        key: PathBuf,
        /// How often to poll the epoch, in milliseconds.
        #[arg(long, default_value_t = 1000)]
        epoch_poll_ms: u64,
    },
    /// Connect to a service through a gate: stdin goes to the service, its answer to stdout.
    Connect {
        /// The service's name.
        service: String,
        /// The gate's address.
        #[arg(long)]
        gate: SocketAddr,
        /// The access authority's object ID.
        #[arg(long, value_parser = crate::id_args::object_id)]
        authority: ObjectID,
        /// Your certificate (PEM).
        #[arg(long)]
        cert: PathBuf,
        /// The device key's alias or address.
        #[arg(long, default_value = "device")]
        device_key: String,
    },
    /// Run a TCP echo service, to try the gate with.
    Echo {
        /// Address to listen on.
        #[arg(long)]
        listen: SocketAddr,
    },
}

#[derive(Subcommand, Debug)]
pub enum AuthorityCommand {
    /// Create an authority governed by an identity you control; its AuthorityCap goes to the identity.
    Create {
        /// The governing identity's DID.
        #[arg(long)]
        identity: String,
        /// The CA key (alias or address); its public key becomes the authority's CA key.
        #[arg(long)]
        ca_key: String,
    },
    /// Show an authority.
    Show {
        /// The authority's object ID.
        #[arg(value_parser = crate::id_args::object_id)]
        authority: ObjectID,
    },
}

#[derive(Subcommand, Debug)]
pub enum PolicyCommand {
    /// Grant a subject services and sessions.
    Set {
        /// The authority's object ID.
        #[arg(value_parser = crate::id_args::object_id)]
        authority: ObjectID,
        /// The subject's DID.
        #[arg(long)]
        subject: String,
        /// A service it may reach (repeat).
        #[arg(long = "service", required = true)]
        services: Vec<String>,
        /// The most sessions it may hold at once.
        #[arg(long, default_value_t = 1)]
        max_sessions: u64,
        /// Execute this approved borrow proposal (default: act at once, or open a proposal).
        #[arg(long, value_parser = crate::id_args::object_id)]
        proposal: Option<ObjectID>,
    },
    /// Remove a subject's policy.
    Remove {
        /// The authority's object ID.
        #[arg(value_parser = crate::id_args::object_id)]
        authority: ObjectID,
        /// The subject's DID.
        #[arg(long)]
        subject: String,
        /// Execute this approved borrow proposal.
        #[arg(long, value_parser = crate::id_args::object_id)]
        proposal: Option<ObjectID>,
    },
    /// Show a subject's policy.
    Show {
        /// The authority's object ID.
        #[arg(value_parser = crate::id_args::object_id)]
        authority: ObjectID,
        /// The subject's DID.
        #[arg(long)]
        subject: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum RevokeCommand {
    /// Revoke an enrollment token.
    Token {
        /// The authority's object ID.
        #[arg(value_parser = crate::id_args::object_id)]
        authority: ObjectID,
        /// The token file.
        #[arg(long)]
        token: PathBuf,
        /// Lift the revocation instead.
        #[arg(long)]
        undo: bool,
        /// Execute this approved borrow proposal.
        #[arg(long, value_parser = crate::id_args::object_id)]
        proposal: Option<ObjectID>,
    },
    /// Revoke a certificate.
    Cert {
        /// The authority's object ID.
        #[arg(value_parser = crate::id_args::object_id)]
        authority: ObjectID,
        /// The certificate (PEM); or give --serial.
        #[arg(long, conflicts_with = "serial")]
        cert: Option<PathBuf>,
        /// The serial, 32 hex digits.
        #[arg(long)]
        serial: Option<String>,
        /// Lift the revocation instead.
        #[arg(long)]
        undo: bool,
        /// Execute this approved borrow proposal.
        #[arg(long, value_parser = crate::id_args::object_id)]
        proposal: Option<ObjectID>,
    },
}

pub fn run(cmd: AccessCommand, ctx: Context, out: Output) -> CliResult<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(run_async(cmd, ctx, out))
}

async fn run_async(cmd: AccessCommand, mut ctx: Context, out: Output) -> CliResult<()> {
    let access = AccessClient::new(ctx.client.clone());
    match cmd {
        AccessCommand::Authority(cmd) => authority(cmd, &ctx, &access, out).await,
        AccessCommand::Policy(cmd) => policy(cmd, &ctx, &access, out).await,
        AccessCommand::Revoke(cmd) => revoke(cmd, &ctx, &access, out).await,
        AccessCommand::Enroll {
            authority,
            did,
            enrollment_key,
            key,
            ttl,
            out: file,
        } => {
            let service = EnrollmentService::new(
                access.clone(),
                authority,
                key_of(&ctx, &enrollment_key).await?,
            )
            .await
            .map_err(|e| error(&ctx, e))?
            .with_ttl(Duration::from_secs(ttl));
            let user = match key {
                Some(k) => key_of(&ctx, &k).await?,
                None => ctx.signer().await?,
            };
            let (did, _) = parse_did(&did)?;
            let method = authentication_method(&ctx, &did, &user.public_key()).await?;
            let challenge = service.challenge();
            let proof = Proof::sign(&challenge, method, &user)
                .await
                .map_err(|e| error(&ctx, e))?;
            let token = service
                .enroll(&did.to_string(), &challenge, &proof)
                .await
                .map_err(|e| error(&ctx, e))?;
            if let Some(path) = &file {
                write(path, &format!("{token}\n"))?;
            }
            let claims = token.claims();
            let v = json!({ "token": token.as_str(), "hash": hex::encode(token.hash()), "kid": token.kid(), "claims": claims, "file": file });
            out.print(&v, || match &file {
                Some(p) => format!(
                    "enrollment token for epoch {} written to {} (services {}, {} sessions, expires at {})",
                    claims.epoch,
                    p.display(),
                    claims.constraints.allowed_services.join(","),
                    claims.constraints.max_sessions,
                    claims.exp
                ),
                None => token.to_string(),
            });
            Ok(())
        }
        AccessCommand::Csr {
            did,
            token,
            device_key,
            publish,
            out: file,
        } => {
            let (did, id) = parse_did(&did)?;
            let token = read_token(&token)?;
            let device = device_key_of(&mut ctx, &device_key, true).await?;
            let csr = device.csr(&did, &token).await.map_err(|e| error(&ctx, e))?;
            write(&file, &csr.pem())?;
            let published = if publish {
                Some(publish_device_key(&ctx, &did, id, &device).await?)
            } else {
                None
            };
            let key = PublicKey::Ed25519(device.public_key()).to_multibase();
            let v = json!({ "csr": file, "device_key": device.id().to_string(), "public_key_multibase": key, "epoch": token.epoch(), "published": published });
            out.print(&v, || {
                let mut s = format!("CSR for {did} (epoch {}) written to {}; device key {} ({key})", token.epoch(), file.display(), device.id());
                match &published {
                    Some(p) if p["executed"] == json!(true) => s.push_str("\nthe device key is now an authentication method of the DID document"),
                    Some(p) => s.push_str(&format!("\nproposal {} adds the device key to the DID document; it needs more approvals", p["proposal_id"].as_str().unwrap_or_default())),
                    None => s.push_str("\nadd the device key to the DID document (authentication) before issuance, or rerun with --publish"),
                }
                s
            });
            Ok(())
        }
        AccessCommand::Issue {
            authority,
            ca_key,
            csr,
            token,
            validity_hours,
            out: file,
        } => {
            let ca = CertificateAuthority::new(access, authority, key_of(&ctx, &ca_key).await?)
                .await
                .map_err(|e| error(&ctx, e))?
                .with_validity(Duration::from_secs(validity_hours * 3600));
            let request = CertificateRequest::from_pem(&read(&csr)?).map_err(|e| error(&ctx, e))?;
            let token = read(&token)?;
            let cert = ca
                .issue(&request, token.trim())
                .await
                .map_err(|e| error(&ctx, e))?;
            write(&file, &cert.pem())?;
            let info = cert.info().map_err(|e| error(&ctx, e.into()))?;
            let v = json!({ "certificate": file, "serial": info.serial, "subject": info.subject.to_string(), "epoch": info.epoch, "services": info.services, "not_after": info.not_after });
            out.print(&v, || {
                format!(
                    "certificate {} for {} (epoch {}, services {}) written to {}",
                    info.serial,
                    info.subject,
                    info.epoch,
                    info.services.join(","),
                    file.display()
                )
            });
            Ok(())
        }
        AccessCommand::GateCert {
            authority,
            ca_key,
            names,
            out: prefix,
        } => {
            let ca = CertificateAuthority::new(access, authority, key_of(&ctx, &ca_key).await?)
                .await
                .map_err(|e| error(&ctx, e))?;
            let key = GateKey::generate().map_err(|e| error(&ctx, e))?;
            let cert = ca
                .issue_gate_certificate(&names, key.public_key())
                .await
                .map_err(|e| error(&ctx, e))?;
            let (cert_path, key_path) = (
                with_suffix(&prefix, ".crt.pem"),
                with_suffix(&prefix, ".key.pem"),
            );
            write(&cert_path, &cert.pem())?;
            write_secret(&key_path, &key.pem())?;
            let v = json!({ "certificate": cert_path, "key": key_path, "serial": cert.serial() });
            out.print(&v, || {
                format!(
                    "gate certificate {} written to {} (key in {})",
                    cert.serial(),
                    cert_path.display(),
                    key_path.display()
                )
            });
            Ok(())
        }
        AccessCommand::Gate {
            authority,
            listen,
            services,
            cert,
            key,
            epoch_poll_ms,
        } => {
            let cert = IssuedCertificate::from_pem(&read(&cert)?).map_err(|e| error(&ctx, e))?;
            let key = GateKey::from_pem(&read(&key)?).map_err(|e| error(&ctx, e))?;
            let mut config = GateConfig::new(authority, cert, key)
                .epoch_poll_interval(Duration::from_millis(epoch_poll_ms));
            for s in &services {
                let (name, address) = s.split_once('=').ok_or_else(|| {
                    CliError::new(
                        format!("`{s}` is not NAME=HOST:PORT"),
                        "e.g. --service echo=127.0.0.1:7000",
                    )
                })?;
                config = config.service(name, address);
            }
            let gate = Gate::new(access, config)
                .map_err(|e| error(&ctx, e))?
                .bind(listen)
                .await
                .map_err(|e| error(&ctx, e))?;
            let mut events = gate.subscribe();
            let started = json!({ "event": "listening", "address": gate.local_addr().to_string(), "services": services });
            print_line(out, &started, || {
                format!(
                    "gate listening on {} for {}",
                    gate.local_addr(),
                    services.join(", ")
                )
            });
            loop {
                tokio::select! {
                    event = events.recv() => match event {
                        Ok(event) => print_event(out, &event),
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                            crate::output::stderr_line(&format!("({n} gate events not shown)"))
                        }
                        Err(_) => break,
                    },
                    _ = tokio::signal::ctrl_c() => break,
                }
            }
            gate.shutdown().await;
            Ok(())
        }
        AccessCommand::Connect {
            service,
            gate,
            authority,
            cert,
            device_key,
        } => {
            let cert = IssuedCertificate::from_pem(&read(&cert)?).map_err(|e| error(&ctx, e))?;
            let device = device_key_of(&mut ctx, &device_key, false).await?;
            let connector =
                AccessConnector::new(access, authority).with_certificate(&cert, &device);
            let stream = connector
                .connect(gate, &service)
                .await
                .map_err(|e| error(&ctx, e))?;
            relay(stream).await
        }
        AccessCommand::Echo { listen } => {
            let listener = tokio::net::TcpListener::bind(listen).await?;
            let v = json!({ "event": "listening", "address": listener.local_addr()?.to_string() });
            print_line(out, &v, || format!("echo service on {}", listen));
            loop {
                tokio::select! {
                    accepted = listener.accept() => {
                        let (mut stream, _) = accepted?;
                        tokio::spawn(async move {
                            let (mut r, mut w) = stream.split();
                            let _ = tokio::io::copy(&mut r, &mut w).await;
                        });
                    }
                    _ = tokio::signal::ctrl_c() => return Ok(()),
                }
            }
        }
    }
}

async fn authority(
    cmd: AuthorityCommand,
    ctx: &Context,
    access: &AccessClient,
    out: Output,
) -> CliResult<()> {
    match cmd {
        AuthorityCommand::Create { identity, ca_key } => {
            let (did, id) = parse_did(&identity)?;
            let ca = key_of(ctx, &ca_key).await?;
            let signer = ctx.signer().await?;
            let authority = access
                .create_authority(&signer, id, ca.public_key())
                .await
                .map_err(|e| error(ctx, e))?;
            let v = json!({ "authority": authority, "identity": did.to_string(), "ca_public_key": hex::encode(ca.public_key()) });
            out.print(&v, || {
                format!("created access authority {authority}, governed by {did}")
            });
        }
        AuthorityCommand::Show { authority } => {
            let a = access
                .authority(authority)
                .await
                .map_err(|e| error(ctx, e))?;
            let v = json!({
                "authority": a.id, "identity": access.did_of(a.authority_identity).map_err(|e| error(ctx, e))?.to_string(),
                "ca_public_key": hex::encode(a.ca_public_key), "policies": a.policies.size,
                "revoked_tokens": a.revoked_tokens.size, "revoked_certificates": a.revoked_serials.size, "version": a.version,
            });
            out.print(&v, || serde_json::to_string_pretty(&v).expect("json"));
        }
    }
    Ok(())
}

async fn policy(
    cmd: PolicyCommand,
    ctx: &Context,
    access: &AccessClient,
    out: Output,
) -> CliResult<()> {
    match cmd {
        PolicyCommand::Set {
            authority,
            subject,
            services,
            max_sessions,
            proposal,
        } => {
            let (_, subject) = parse_did(&subject)?;
            let change = AuthorityChange::SetPolicy {
                subject,
                allowed_services: services,
                max_sessions,
            };
            govern(ctx, access, authority, change, proposal, out).await
        }
        PolicyCommand::Remove {
            authority,
            subject,
            proposal,
        } => {
            let (_, subject) = parse_did(&subject)?;
            govern(
                ctx,
                access,
                authority,
                AuthorityChange::RemovePolicy { subject },
                proposal,
                out,
            )
            .await
        }
        PolicyCommand::Show { authority, subject } => {
            let (did, id) = parse_did(&subject)?;
            let a = access
                .authority(authority)
                .await
                .map_err(|e| error(ctx, e))?;
            let p = access.policy(&a, id).await.map_err(|e| error(ctx, e))?;
            out.print(
                &json!({ "subject": did.to_string(), "policy": p }),
                || match &p {
                    Some(p) => format!(
                        "{did}: services {}, at most {} sessions",
                        p.allowed_services.join(","),
                        p.max_sessions
                    ),
                    None => format!("{did} has no policy"),
                },
            );
            Ok(())
        }
    }
}

async fn revoke(
    cmd: RevokeCommand,
    ctx: &Context,
    access: &AccessClient,
    out: Output,
) -> CliResult<()> {
    match cmd {
        RevokeCommand::Token {
            authority,
            token,
            undo,
            proposal,
        } => {
            let token_hash = read_token(&token)?.hash();
            let change = if undo {
                AuthorityChange::UnrevokeToken { token_hash }
            } else {
                AuthorityChange::RevokeToken { token_hash }
            };
            govern(ctx, access, authority, change, proposal, out).await
        }
        RevokeCommand::Cert {
            authority,
            cert,
            serial,
            undo,
            proposal,
        } => {
            let serial = match (cert, serial) {
                (Some(path), _) => IssuedCertificate::from_pem(&read(&path)?)
                    .map_err(|e| error(ctx, e))?
                    .serial(),
                (None, Some(s)) => Serial::from_str(&s).map_err(|e| {
                    CliError::new(e, "give the 32 hex digits `movid access issue` printed")
                })?,
                (None, None) => {
                    return Err(CliError::new(
                        "which certificate?",
                        "give --cert FILE or --serial HEX",
                    ))
                }
            };
            let change = if undo {
                AuthorityChange::UnrevokeCertificate { serial }
            } else {
                AuthorityChange::RevokeCertificate { serial }
            };
            govern(ctx, access, authority, change, proposal, out).await
        }
    }
}

/// Makes `change` as the active key, a controller of the authority's
/// identity: with `proposal`, executes that approved borrow proposal; else
/// acts at once when the key alone reaches the threshold, or opens a
/// proposal for the other controllers to approve.
async fn govern(
    ctx: &Context,
    access: &AccessClient,
    authority: ObjectID,
    change: AuthorityChange,
    proposal: Option<ObjectID>,
    out: Output,
) -> CliResult<()> {
    let signer = ctx.signer().await?;
    let state = access
        .authority(authority)
        .await
        .map_err(|e| error(ctx, e))?;
    let ids = IdentityClient::new(ctx.client.clone());
    let controller = ids
        .controller(state.authority_identity, &signer)
        .await
        .map_err(|e| ctx.error(e))?;
    let changes = [change];
    let identity = ids
        .get_identity(state.authority_identity)
        .await
        .map_err(|e| ctx.error(e))?;
    let alone = identity
        .voting_power(controller.controller_cap())
        .unwrap_or(0)
        >= identity.threshold;
    let response = match proposal {
        Some(p) => access.execute_changes(&controller, authority, p, &changes).await,
        None if alone => access.change_now(&controller, authority, &changes).await,
        None => {
            let p = access.propose_changes(&controller, authority).await.map_err(|e| error(ctx, e))?;
            let v = json!({ "proposal_id": p, "executed": false, "identity": identity.did.to_string() });
            out.print(&v, || {
                format!(
                    "proposal {p} opened; other controllers approve it with `movid identity approve {} {p}`, then run this command again with --proposal {p}",
                    identity.did
                )
            });
            return Ok(());
        }
    }
    .map_err(|e| error(ctx, e))?;
    let v = json!({ "executed": true, "change": describe(&changes[0]), "digest": response.digest });
    out.print(&v, || describe(&changes[0]));
    Ok(())
}

/// A change, in words.
fn describe(change: &AuthorityChange) -> String {
    match change {
        AuthorityChange::SetPolicy {
            subject,
            allowed_services,
            max_sessions,
        } => {
            format!(
                "policy of {subject} set: services {}, at most {max_sessions} sessions",
                allowed_services.join(",")
            )
        }
        AuthorityChange::RemovePolicy { subject } => format!("policy of {subject} removed"),
        AuthorityChange::RevokeToken { token_hash } => {
            format!("token {} revoked", hex::encode(token_hash))
        }
        AuthorityChange::UnrevokeToken { token_hash } => {
            format!("token {} valid again", hex::encode(token_hash))
        }
        AuthorityChange::RevokeCertificate { serial } => format!("certificate {serial} revoked"),
        AuthorityChange::UnrevokeCertificate { serial } => {
            format!("certificate {serial} valid again")
        }
        AuthorityChange::RotateCaKey { new_key } => {
            format!("CA key rotated to {}", hex::encode(new_key))
        }
    }
}

/// Proposes adding `device`'s key to `did`'s document as an authentication
/// method, as the active key; returns the outcome as JSON.
async fn publish_device_key(
    ctx: &Context,
    did: &Did,
    id: ObjectID,
    device: &DeviceKey,
) -> CliResult<Value> {
    let ids = IdentityClient::new(ctx.client.clone());
    let identity = ids.get_identity(id).await.map_err(|e| ctx.error(e))?;
    let mut doc = identity
        .document()
        .map_err(|e| ctx.error(e))?
        .ok_or_else(|| {
            CliError::new(
                format!("{did} has no active document"),
                "reactivate it with `movid identity propose update-doc`",
            )
        })?;
    let listed = doc
        .authentication_keys()
        .unwrap_or_default()
        .iter()
        .any(|(_, k)| *k == PublicKey::Ed25519(device.public_key()));
    if listed {
        return Ok(json!({ "executed": true, "already_listed": true }));
    }
    let fragment = format!("device-{}", &hex::encode(device.public_key())[..8]);
    let method = device
        .verification_method(did, &fragment)
        .map_err(|e| error(ctx, e))?;
    doc.insert_method(method, &[Relationship::Authentication])
        .map_err(CliError::plain)?;
    let signer = ctx.signer().await?;
    let controller = ids
        .controller(id, &signer)
        .await
        .map_err(|e| ctx.error(e))?;
    let outcome = controller
        .propose_document(&doc)
        .await
        .map_err(|e| ctx.error(e))?;
    Ok(
        json!({ "executed": outcome.executed, "proposal_id": outcome.proposal_id, "method": format!("{did}#{fragment}") }),
    )
}

/// The authentication method of `did`'s document holding `key`, as a DID URL.
async fn authentication_method(ctx: &Context, did: &Did, key: &[u8; 32]) -> CliResult<String> {
    let resolved = movid_sdk::resolver::resolve_did(&*ctx.client, did)
        .await
        .map_err(|e| ctx.error(e))?;
    let doc = resolved.document().ok_or_else(|| {
        CliError::new(
            format!("{did} does not resolve to an active document"),
            "`movid did resolve DID` shows why",
        )
    })?;
    let method = doc
        .authentication_keys()
        .map_err(CliError::plain)?
        .into_iter()
        .find(|(_, k)| *k == PublicKey::Ed25519(*key))
        .map(|(m, _)| m.id.clone())
        .ok_or_else(|| {
            CliError::new(
                format!("the key is not an authentication method of {did}"),
                "pass --key with a key the DID document lists under authentication",
            )
        })?;
    Ok(match method.strip_prefix('#') {
        Some(fragment) => format!("{did}#{fragment}"),
        None => method,
    })
}

/// A keystore key by alias or address, as a signer.
async fn key_of(ctx: &Context, name: &str) -> CliResult<Committer> {
    ctx.wallet.committer(Some(ctx.wallet.resolve(name)?)).await
}

/// The device key `alias`; generated (commit only) and named when missing and `create`.
async fn device_key_of(ctx: &mut Context, alias: &str, create: bool) -> CliResult<DeviceKey> {
    let backend = ctx.wallet.backend.clone();
    if let Ok(id) = ctx.wallet.resolve(alias) {
        // Where the key lives (an agent, a token), like every signing key.
        return DeviceKey::connect(&crate::signer::backend_for(&ctx.wallet, id)?, id)
            .await
            .map_err(|e| error(ctx, e));
    }
    if !create {
        return Err(CliError::new(
            format!("no device key `{alias}`"),
            "create one with `movid access csr`, or pass --device-key",
        ));
    }
    let (identity, _) = IdentityManager::new()
        .generate(&backend, Scheme::Ed25519, Capability::Commit)
        .await
        .map_err(Wallet::error)?;
    ctx.wallet
        .config
        .aliases
        .insert(alias.to_string(), identity.id().to_string());
    ctx.wallet.save()?;
    DeviceKey::connect(&backend, identity.id())
        .await
        .map_err(|e| error(ctx, e))
}

fn read_token(path: &Path) -> CliResult<EnrollmentToken> {
    EnrollmentToken::parse(&read(path)?).map_err(|e| {
        CliError::new(
            format!("{} does not hold an enrollment token: {e}", path.display()),
            "write it with `movid access enroll --out FILE`",
        )
    })
}

fn read(path: &Path) -> CliResult<String> {
    std::fs::read_to_string(path).map_err(|e| {
        CliError::new(
            format!("cannot read {}: {e}", path.display()),
            "check the path",
        )
    })
}

fn write(path: &Path, contents: &str) -> CliResult<()> {
    std::fs::write(path, contents).map_err(|e| {
        CliError::new(
            format!("cannot write {}: {e}", path.display()),
            "check the path",
        )
    })
}

/// Writes a file only its owner may read.
fn write_secret(path: &Path, contents: &str) -> CliResult<()> {
    write(path, contents)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

fn with_suffix(prefix: &Path, suffix: &str) -> PathBuf {
    let mut s = prefix.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// One line of what failed and one of what to try.
fn error(ctx: &Context, e: AccessError) -> CliError {
    match e {
        AccessError::Sdk(e) => ctx.error(e),
        AccessError::Key(e) => Wallet::error(e),
        AccessError::Refused(r) => {
            let hint = match &r {
                Refusal::TokenExpired { .. } | Refusal::TokenEpochMismatch { .. } | Refusal::EpochMismatch { .. } => {
                    "enroll again (`movid access enroll`) and make a new CSR in the current epoch"
                }
                Refusal::KeyNotInDocument { .. } => "add the device key to the DID document first (`movid access csr --publish`)",
                Refusal::NoPolicy { .. } | Refusal::NoServices => "the authority's controllers grant one with `movid access policy set`",
                Refusal::InvalidProof { .. } => "pass --key with a key the DID document lists under authentication",
                _ => "`movid access authority show AUTHORITY` and `movid did resolve DID` show the chain's view",
            };
            CliError::new(format!("refused: {r}"), hint)
        }
        AccessError::Authority { .. } => CliError::new(
            e.to_string(),
            "see move/access/README.md for the authority's abort codes",
        ),
        AccessError::WrongKey(_) => CliError::new(
            e.to_string(),
            "`movid access authority show AUTHORITY` shows the CA key; `movid keys list` your keys",
        ),
        AccessError::Io { .. } => CliError::new(
            e.to_string(),
            "is the gate running at that address? its output says why it closed a connection",
        ),
        other => CliError::plain(other),
    }
}
