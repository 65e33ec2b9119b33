//! `movid`: run a local node, build, test and publish Move packages, and drive identities.

mod access_cmd;
mod asset_cmd;
mod bench_cmd;
mod client_cmd;
mod context;
mod did_cmd;
mod envelope_cmd;
mod id_args;
mod identity_cmd;
mod identity_flows;
mod keys_cmd;
mod keys_sui;
mod move_cmd;
mod node_cmd;
mod offline;
mod output;
mod render;
mod signer;
mod wallet;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use output::{report, CliResult, Output};

/// movid: on-chain identities on a local Move chain.
#[derive(Parser, Debug)]
#[command(name = "movid", version, about, propagate_version = true)]
struct Cli {
    /// Print one JSON document on stdout instead of text.
    #[arg(long, global = true)]
    json: bool,
    /// JSON-RPC URL of a node to talk to.
    #[arg(long, global = true, env = "MOVID_RPC")]
    rpc: Option<String>,
    /// Run the chain embedded in-process on this data directory instead of talking to a node.
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// Sign and decrypt through this backend instead of each key's own: `keystore`, `agent`,
    /// `agent:PATH` or `remote:HOST:PORT` (mutual TLS: MOVID_SIGNER_TOKEN, and PEM files in
    /// MOVID_SIGNER_CA, MOVID_SIGNER_CERT, MOVID_SIGNER_KEY; MOVID_SIGNER_NAME for the server name).
    #[arg(long, global = true, env = "MOVID_SIGNER")]
    signer: Option<String>,
    /// Do not sign or execute: print the transaction as base64 BCS TransactionData, to be
    /// signed with `movid client sign` and run with `movid client execute-signed` (accepted by
    /// `client call|publish` and `identity propose|approve|execute|reject|remove-approval|delete-proposal`).
    #[arg(long, global = true)]
    serialize_unsigned: bool,
    /// With --serialize-unsigned: this alias or address pays for gas from its own coins and
    /// signs too.
    #[arg(long, global = true, requires = "serialize_unsigned")]
    sponsor: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run a local node serving JSON-RPC on 127.0.0.1, on a durable store.
    Start(node_cmd::StartArgs),
    /// Create, build and test Move packages.
    #[command(subcommand)]
    Move(move_cmd::MoveCommand),
    /// Manage keys and the active address (kept in $MOVID_HOME).
    #[command(subcommand)]
    Keys(keys_cmd::KeysCommand),
    /// Read the chain and send transactions.
    #[command(subcommand)]
    Client(client_cmd::ClientCommand),
    /// Create and govern identities.
    #[command(subcommand)]
    Identity(identity_cmd::IdentityCommand),
    /// Resolve DIDs, dereference DID URLs, check documents.
    #[command(subcommand)]
    Did(did_cmd::DidCommand),
    /// Benchmark the chain in this process (build with --release).
    Bench(bench_cmd::BenchArgs),
    /// Authenticated assets: objects with a recorded origin and owner, moved by offer and
    /// acceptance.
    #[command(subcommand)]
    Asset(asset_cmd::AssetCommand),
    /// Identity-first network access: enrollment, device certificates, the mTLS gate.
    #[command(subcommand)]
    Access(access_cmd::AccessCommand),
}

/// `$MOVID_HOME`, defaulting to `~/.movid`.
pub fn movid_home() -> PathBuf {
    if let Some(h) = std::env::var_os("MOVID_HOME") {
        return PathBuf::from(h);
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    home.join(".movid")
}

/// Whether `command` can print its transaction unsigned instead of executing it.
fn builds_a_transaction(command: &Command) -> bool {
    use client_cmd::ClientCommand as C;
    use identity_cmd::IdentityCommand as I;
    matches!(
        command,
        Command::Client(C::Call { .. } | C::Publish { .. })
            | Command::Identity(
                I::Propose { .. }
                    | I::Approve { .. }
                    | I::Execute { .. }
                    | I::Reject { .. }
                    | I::RemoveApproval { .. }
                    | I::DeleteProposal { .. }
            )
    )
}

fn run(cli: Cli, out: Output) -> CliResult<()> {
    signer::select(cli.signer.as_deref())?;
    if cli.serialize_unsigned && !builds_a_transaction(&cli.command) {
        // Ignoring the flag would sign and execute what the caller wanted only serialized.
        return Err(output::CliError::new(
            "--serialize-unsigned is not supported by this command",
            "use it with `client call|publish` or `identity propose|approve|execute|reject|remove-approval|delete-proposal`",
        ));
    }
    let connect = |rpc, data_dir| {
        context::Context::connect(rpc, data_dir)?
            .unsigned(cli.serialize_unsigned, cli.sponsor.as_deref())
    };
    match cli.command {
        Command::Start(args) => node_cmd::start(args, cli.data_dir, out),
        Command::Move(cmd) => move_cmd::run(cmd, out),
        Command::Keys(cmd) => keys_cmd::run(cmd, out),
        Command::Bench(args) => bench_cmd::run(args, out),
        Command::Client(cmd) => client_cmd::run(cmd, connect(cli.rpc, cli.data_dir)?, out),
        Command::Identity(cmd) => identity_cmd::run(cmd, connect(cli.rpc, cli.data_dir)?, out),
        Command::Did(did_cmd::DidCommand::Validate { doc }) => did_cmd::validate_doc(&doc, out),
        Command::Did(cmd) => did_cmd::run_did(cmd, connect(cli.rpc, cli.data_dir)?, out),
        Command::Asset(cmd) => asset_cmd::run(cmd, connect(cli.rpc, cli.data_dir)?, out),
        Command::Access(cmd) => access_cmd::run(cmd, connect(cli.rpc, cli.data_dir)?, out),
    }
}

fn main() {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => std::process::exit(usage_error(e)),
    };
    let out = Output { json: cli.json };
    if let Err(e) = run(cli, out) {
        std::process::exit(report(&e, out));
    }
}

/// A command line clap refused. With `--json` anywhere on it, the failure is one JSON document
/// on stdout like every other failure (`{"error", "hint"}`, exit 2); help and `--version` print
/// as they always do.
fn usage_error(e: clap::Error) -> i32 {
    use clap::error::ErrorKind;
    let wants_json = std::env::args_os().skip(1).any(|a| a == "--json");
    let informational = matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion);
    if !wants_json || informational {
        e.exit();
    }
    let rendered = e.render().to_string();
    // The message is what clap prints before its usage line, on one line.
    let message = rendered
        .lines()
        .take_while(|l| !l.starts_with("Usage:") && !l.trim_start().starts_with("tip:"))
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .trim_start_matches("error: ")
        .to_string();
    let mut err = output::CliError::new(message, "run the command with --help for its usage");
    err.code = 2;
    output::report(&err, Output { json: true })
}
