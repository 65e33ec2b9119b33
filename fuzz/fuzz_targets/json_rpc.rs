//! JSON-RPC request handling: arbitrary bytes POSTed as the body of a request to a real node
//! (`RunningNode` on 127.0.0.1:0 over a dev `LocalChain`), started once per process.
//! Invariants: every request gets an HTTP response, and the server stays up.
#![no_main]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use movid_runtime::chain::LocalChain;
use movid_runtime::node::{NodeConfig, RunningNode};
use once_cell::sync::Lazy;

struct Server {
    addr: SocketAddr,
    _rt: tokio::runtime::Runtime,
    _node: RunningNode,
}

static SERVER: Lazy<Server> = Lazy::new(|| {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let chain = Arc::new(LocalChain::new_dev().expect("dev chain"));
    let node = rt
        .block_on(RunningNode::start(
            chain,
            "127.0.0.1:0".parse().unwrap(),
            NodeConfig::default(),
        ))
        .expect("node starts");
    Server {
        addr: node.addr,
        _rt: rt,
        _node: node,
    }
});

/// A few well-formed method names so that the fuzzer reaches the dispatch of each method,
/// not only the JSON parser: the first byte picks a prefix, the rest is appended.
const PREFIXES: &[&str] = &[
    "",
    r#"{"jsonrpc":"2.0","id":1,"method":"movid_getObject","params":"#,
    r#"{"jsonrpc":"2.0","id":1,"method":"movid_executeTransaction","params":"#,
    r#"{"jsonrpc":"2.0","id":1,"method":"movid_dryRunTransaction","params":"#,
    r#"{"jsonrpc":"2.0","id":1,"method":"movid_getOwnedObjects","params":"#,
    r#"{"jsonrpc":"2.0","id":1,"method":"movid_getObjectHistory","params":"#,
    r#"{"jsonrpc":"2.0","id":1,"method":"movid_queryEvents","params":"#,
    r#"{"jsonrpc":"2.0","id":1,"method":"movid_faucet","params":"#,
    r#"{"jsonrpc":"2.0","id":1,"method":"movid_getDynamicFields","params":"#,
    r#"{"jsonrpc":"2.0","id":1,"method":"movid_advanceClock","params":"#,
    r#"{"jsonrpc":"2.0","id":1,"method":"movid_multiGetObjects","params":"#,
    r#"{"jsonrpc":"2.0","id":1,"method":"movid_getObjectAt","params":"#,
    r#"[{"jsonrpc":"2.0","id":1,"method":"#,
];

fuzz_target!(|data: &[u8]| {
    let server = &*SERVER;
    let (prefix, rest) = match data.split_first() {
        Some((b, rest)) if (*b as usize) < PREFIXES.len() => (PREFIXES[*b as usize], rest),
        _ => ("", data),
    };
    let mut body = prefix.as_bytes().to_vec();
    body.extend_from_slice(rest);

    let mut s = TcpStream::connect(server.addr).expect("server accepts connections");
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let head = format!(
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(&body).unwrap();
    let mut resp = Vec::new();
    s.read_to_end(&mut resp).expect("server answers");
    assert!(
        resp.starts_with(b"HTTP/1.1 "),
        "no HTTP response for body {:?}",
        String::from_utf8_lossy(&body)
    );
    let status = &resp[9..12];
    assert_ne!(
        status,
        b"500",
        "HTTP 500 for body {:?}",
        String::from_utf8_lossy(&body)
    );
});
