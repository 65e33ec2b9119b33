//! The SDK test suite against the JSON-RPC client, talking to a node served
//! from this process over loopback HTTP.

mod common;
#[macro_use]
mod suite;

use std::sync::Arc;

use movid_runtime::chain::LocalChain;
use movid_runtime::node::{NodeConfig, RunningNode};
use movid_sdk::rpc::RpcClient;
use movid_sdk::Client;

/// A fresh development chain behind a node on a free port. The node lives
/// until the test's runtime shuts down.
async fn json_rpc() -> Arc<dyn Client> {
    let chain = Arc::new(LocalChain::new_dev().expect("a dev chain"));
    let node = RunningNode::start(chain, "127.0.0.1:0".parse().unwrap(), NodeConfig::default())
        .await
        .expect("the node starts");
    let client = RpcClient::new(node.url());
    std::mem::forget(node);
    Arc::new(client)
}

client_suite!(json_rpc);
