//! The node's gRPC surface (`sui.rpc.v2`) through Mysten's own Rust client (`sui_rpc::Client`,
//! HTTP/2): what movid answers, what it names as not implemented yet, and that bad input
//! neither crashes the node nor changes the chain.

use std::process::Command;
use std::sync::Arc;

use movid_runtime::chain::LocalChain;
use movid_runtime::node::{NodeConfig, RunningNode};
use sui_rpc::proto::sui::rpc::v2::{GetEpochRequest, GetObjectRequest, GetServiceInfoRequest};

async fn node() -> (Arc<LocalChain>, RunningNode) {
    let chain = Arc::new(LocalChain::new_dev().expect("genesis"));
    let node = RunningNode::start(
        chain.clone(),
        "127.0.0.1:0".parse().unwrap(),
        NodeConfig::default(),
    )
    .await
    .expect("binds");
    (chain, node)
}

#[tokio::test(flavor = "multi_thread")]
async fn mystens_client_reads_service_info_and_the_reference_gas_price() {
    let (chain, node) = node().await;
    let mut client = sui_rpc::Client::new(node.url()).expect("a client");
    let info = client
        .ledger_client()
        .get_service_info(GetServiceInfoRequest::default())
        .await
        .expect("answers")
        .into_inner();
    let genesis = chain.store().meta().unwrap().unwrap().genesis;
    assert_eq!(info.chain_id.as_deref(), Some(genesis.to_string().as_str()));
    assert_eq!(info.chain.as_deref(), Some("localnet"));
    assert_eq!(info.epoch, Some(0));
    assert_eq!(
        client.get_reference_gas_price().await.expect("answers"),
        chain.reference_gas_price()
    );
    // An epoch that has not started is not found; after it starts it is answered.
    let mut asked = GetEpochRequest::default();
    asked.epoch = Some(1);
    let status = client
        .ledger_client()
        .get_epoch(asked.clone())
        .await
        .unwrap_err();
    assert_eq!(status.code(), tonic::Code::NotFound, "{status}");
    chain.advance_epoch().unwrap();
    let epoch = client
        .ledger_client()
        .get_epoch(asked)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(epoch.epoch.and_then(|e| e.epoch), Some(1));
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_method_not_served_yet_is_unimplemented_and_json_rpc_still_answers() {
    let (chain, node) = node().await;
    let mut client = sui_rpc::Client::new(node.url()).expect("a client");
    let status = client
        .ledger_client()
        .get_object(GetObjectRequest::default())
        .await
        .unwrap_err();
    assert_eq!(status.code(), tonic::Code::Unimplemented, "{status}");
    // The JSON-RPC on the same port is unaffected.
    let out = Command::new("curl")
        .args(["-s", "-X", "POST", &node.url(), "-d"])
        .arg(r#"{"jsonrpc":"2.0","id":1,"method":"movid_getEpoch","params":[]}"#)
        .output()
        .expect("curl runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["result"], 0, "{v}");
    let _ = chain;
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_malformed_protobuf_is_refused_and_the_node_keeps_serving() {
    let (chain, node) = node().await;
    let tx_count = chain.store().meta().unwrap().unwrap().tx_count;
    // A gRPC frame (uncompressed, 5 bytes) whose payload is not a GetServiceInfoRequest:
    // field 1 with wire type 7 does not exist in protobuf.
    let dir = tempfile::tempdir().unwrap();
    let body = dir.path().join("frame");
    std::fs::write(&body, [0u8, 0, 0, 0, 5, 0x0f, 0xff, 0xff, 0xff, 0xff]).unwrap();
    let url = format!("{}/sui.rpc.v2.LedgerService/GetServiceInfo", node.url());
    let out = Command::new("curl")
        .args([
            "-s",
            "--http2-prior-knowledge",
            "-D",
            "-",
            "-o",
            "/dev/null",
        ])
        .args(["-H", "content-type: application/grpc", "-H", "te: trailers"])
        .arg("--data-binary")
        .arg(format!("@{}", body.display()))
        .arg(&url)
        .output()
        .expect("curl runs");
    let headers = String::from_utf8_lossy(&out.stdout).to_lowercase();
    let status = headers
        .lines()
        .find_map(|l| l.strip_prefix("grpc-status:"))
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|| panic!("no grpc-status in {headers}"));
    // gRPC's status-code table assigns a request that does not parse INTERNAL (13), generated
    // by the library before any handler runs.
    assert_eq!(
        status, "13",
        "a malformed request is refused as INTERNAL: {headers}"
    );
    // The node still answers, and nothing changed.
    let mut client = sui_rpc::Client::new(node.url()).expect("a client");
    assert!(client.get_reference_gas_price().await.is_ok());
    assert_eq!(chain.store().meta().unwrap().unwrap().tx_count, tx_count);
    node.stop().await.unwrap();
}
