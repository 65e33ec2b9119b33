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

/// The node hands every request but `POST /` to the routes its embedder adds (this is how
/// `movid start` serves the DID resolver), and answers 404 where they decline.
#[tokio::test]
async fn the_node_serves_the_routes_its_embedder_adds() {
    use movid_runtime::node::{ExtraRoutes, HttpResponse};
    let routes: ExtraRoutes = Arc::new(|chain, request| {
        if request.path != "/hello/a%20b" {
            return None;
        }
        Some(HttpResponse {
            status: 201,
            headers: vec![("content-type".into(), "text/plain".into())],
            body: format!(
                "{} {:?} {:?} epoch {}",
                request.method,
                request.query,
                request.header("accept"),
                chain.epoch()
            )
            .into_bytes(),
        })
    });
    let chain = Arc::new(LocalChain::new_dev().unwrap());
    let config = NodeConfig {
        routes: Some(routes),
        ..NodeConfig::default()
    };
    let node = RunningNode::start(chain, "127.0.0.1:0".parse().unwrap(), config)
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let r = http
        .get(format!("{}/hello/a%20b?x=1", node.url()))
        .header("Accept", "text/plain")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    assert_eq!(r.headers()["content-type"], "text/plain");
    assert_eq!(
        r.text().await.unwrap(),
        r#"GET Some("x=1") Some("text/plain") epoch 0"#
    );
    let declined = http
        .get(format!("{}/other", node.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(declined.status().as_u16(), 404);
    // JSON-RPC is still served on `POST /`.
    let client = RpcClient::new(node.url());
    assert_eq!(client.epoch().await.unwrap(), 0);
    node.stop().await.unwrap();
}
