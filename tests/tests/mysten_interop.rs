//! movid against Mysten's own TypeScript SDK (`@mysten/sui`, pinned by
//! `tests/interop/package-lock.json`): keys and addresses derived by both agree, a transaction
//! that `@mysten/sui` signs executes on a movid chain, what movid signs verifies in
//! `@mysten/sui`, and a signature by the wrong key is refused there and here. See
//! `movid_tests::mysten` for how the package is installed and run.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use movid_runtime::chain::LocalChain;
use movid_runtime::crypto::{KeyPair, Signature};
use movid_runtime::execution::coin_value;
use movid_runtime::types::*;
use movid_runtime::{RuntimeError, TransactionError};
use movid_tests::mysten::MystenSdk;
use serde_json::{json, Value};

/// Sui's published Ed25519 vector keys (SIP-15) and the addresses Sui derives for them.
const SIP15: [(&str, &str); 3] = [
    (
        "9dd9ae36ee51b912a0364c58c1f21333bcdad2d91911aa127226c512be285102",
        "0x90f3e6d73b5730f16974f4df1d3441394ebae62186baf83608599f226455afa7",
    ),
    (
        "eea84be738c59f56ee94dae8fd5a68082d4579ed38548d6ec4017da6c5619bf3",
        "0xfd233cd9a5dd7e577f16fa523427c75fbc382af1583c39fdf1c6747d2ed807a3",
    ),
    (
        "91e8808c489ee0cc99c2edf79e63be6a144f8f600c7411bc2e806f7255710674",
        "0x81aaefa4a883e72e8b6ccd3bec307e25fe3d79b14e43b778695c55dcec42f4f0",
    ),
];

fn seed_of(hex_secret: &str) -> [u8; 32] {
    hex::decode(hex_secret)
        .expect("hex")
        .try_into()
        .expect("32 bytes")
}

fn str_of<'a>(v: &'a Value, field: &str) -> &'a str {
    v[field]
        .as_str()
        .unwrap_or_else(|| panic!("no string {field} in {v}"))
}

/// A transfer of `amount` from `sender`'s gas coin to `recipient`, paid with that coin.
fn transfer(
    chain: &LocalChain,
    sender: Address,
    recipient: Address,
    amount: u64,
) -> TransactionData {
    let gas = chain.gas_coins(&sender).expect("reads")[0].object_ref();
    let mut b = PtbBuilder::new();
    let amount = b.pure(&amount);
    let coin = b.split_coins(Argument::GasCoin, vec![amount]);
    let to = b.pure(&recipient);
    b.transfer_objects(vec![coin], to);
    TransactionData {
        kind: TransactionKind::ProgrammableTransaction(b.finish()),
        sender,
        gas_data: GasData {
            payment: vec![gas],
            owner: sender,
            price: chain.reference_gas_price(),
            budget: 50_000_000,
        },
        expiration: TransactionExpiration::None,
    }
}

fn tx_base64(data: &TransactionData) -> String {
    B64.encode(bcs::to_bytes(data).expect("serializes"))
}

fn signature_from(answer: &Value) -> Signature {
    Signature(
        B64.decode(str_of(answer, "signature_base64"))
            .expect("base64"),
    )
}

fn balances(chain: &LocalChain, owner: &Address) -> Vec<u64> {
    let mut values: Vec<u64> = chain
        .gas_coins(owner)
        .expect("reads")
        .iter()
        .map(|c| coin_value(&c.as_move().expect("a Move object").contents).expect("a coin"))
        .collect();
    values.sort_unstable();
    values
}

#[test]
fn mysten_keys_have_the_addresses_movid_derives() {
    let sdk = MystenSdk::get();
    let secrets: Vec<&str> = SIP15.iter().map(|(secret, _)| *secret).collect();
    let answer = sdk.call("keys", json!({ "generate": 8, "secrets_hex": secrets }));
    for (described, (_, sui_address)) in answer["given"].as_array().unwrap().iter().zip(SIP15) {
        assert_eq!(
            str_of(described, "address"),
            sui_address,
            "Sui's own vector"
        );
    }
    let all = answer["given"]
        .as_array()
        .unwrap()
        .iter()
        .chain(answer["generated"].as_array().unwrap());
    let mut checked = 0;
    for described in all {
        assert_eq!(str_of(described, "scheme"), "ED25519");
        let key = KeyPair::from_seed(seed_of(str_of(described, "secret_hex")));
        assert_eq!(key.address().to_string(), str_of(described, "address"));
        assert_eq!(
            B64.encode(key.public().0),
            str_of(described, "public_key_base64")
        );
        checked += 1;
    }
    assert_eq!(checked, 11);
}

#[test]
fn a_transaction_signed_by_mysten_executes_on_movid() {
    let sdk = MystenSdk::get();
    let chain = LocalChain::new_dev().expect("genesis");
    let (secret, sui_address) = SIP15[0];
    let sender: Address = sui_address.parse().expect("an address");
    let bob = KeyPair::from_seed([0xb0; 32]).address();
    chain.faucet(sender, 1_000_000_000).expect("funds");

    let data = transfer(&chain, sender, bob, 12_345);
    let answer = sdk.call(
        "sign_transaction",
        json!({ "secret_hex": secret, "tx_bytes_base64": tx_base64(&data) }),
    );
    let signed = SignedTransaction {
        data,
        signatures: vec![signature_from(&answer)],
    };
    let result = chain.execute(signed).expect("accepted");
    assert_eq!(result.effects.status, ExecutionStatus::Success);
    assert_eq!(balances(&chain, &bob), vec![12_345]);
}

#[test]
fn mysten_verifies_what_movid_signs_and_rejects_other_bytes() {
    let sdk = MystenSdk::get();
    let chain = LocalChain::new_dev().expect("genesis");
    let alice = KeyPair::from_seed([0xa1; 32]);
    chain.faucet(alice.address(), 1_000_000_000).expect("funds");
    let data = transfer(&chain, alice.address(), alice.address(), 1);
    let signature = B64.encode(&alice.sign_transaction(&data).0);

    let answer = sdk.call(
        "verify_transaction",
        json!({ "tx_bytes_base64": tx_base64(&data), "signature_base64": signature }),
    );
    assert_eq!(answer["valid"], json!(true), "{answer}");
    assert_eq!(str_of(&answer, "address"), alice.address().to_string());

    // The same signature over other bytes (a budget one higher) must not verify there either:
    // this shows the oracle checks something.
    let mut other = data.clone();
    other.gas_data.budget += 1;
    let answer = sdk.call(
        "verify_transaction",
        json!({ "tx_bytes_base64": tx_base64(&other), "signature_base64": signature }),
    );
    assert_eq!(answer["valid"], json!(false), "{answer}");
}

#[test]
fn a_mysten_signature_by_another_key_is_refused_and_changes_nothing() {
    let sdk = MystenSdk::get();
    let chain = LocalChain::new_dev().expect("genesis");
    let sender: Address = SIP15[0].1.parse().expect("an address");
    let bob = KeyPair::from_seed([0xb0; 32]).address();
    chain.faucet(sender, 1_000_000_000).expect("funds");
    let before = (balances(&chain, &sender), balances(&chain, &bob));

    let data = transfer(&chain, sender, bob, 12_345);
    // Signed by SIP-15's second key, which is not the sender.
    let answer = sdk.call(
        "sign_transaction",
        json!({ "secret_hex": SIP15[1].0, "tx_bytes_base64": tx_base64(&data) }),
    );
    let signed = SignedTransaction {
        data,
        signatures: vec![signature_from(&answer)],
    };
    match chain.execute(signed) {
        Err(RuntimeError::Transaction(TransactionError::WrongSigners { required, signed })) => {
            assert_eq!(required, vec![sender]);
            assert_eq!(signed, vec![SIP15[1].1.parse::<Address>().unwrap()]);
        }
        other => panic!("expected a refusal naming the signers, got {other:?}"),
    }
    assert_eq!((balances(&chain, &sender), balances(&chain, &bob)), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn mystens_grpc_client_reads_the_chain_over_grpc_web() {
    use movid_runtime::node::{NodeConfig, RunningNode};
    let chain = std::sync::Arc::new(LocalChain::new_dev().expect("genesis"));
    let node = RunningNode::start(
        chain.clone(),
        "127.0.0.1:0".parse().unwrap(),
        NodeConfig::default(),
    )
    .await
    .expect("binds");
    let url = node.url();
    let answer = tokio::task::spawn_blocking(move || {
        MystenSdk::get().call("grpc_info", json!({ "url": url }))
    })
    .await
    .unwrap();
    let genesis = chain.store().meta().unwrap().unwrap().genesis;
    let chain_id = genesis.to_string();
    assert_eq!(
        answer["chain"]["chainIdentifier"],
        chain_id.as_str(),
        "{answer}"
    );
    assert_eq!(
        answer["price"]["referenceGasPrice"],
        chain.reference_gas_price().to_string().as_str(),
        "{answer}"
    );
    // A method movid does not serve yet comes back as UNIMPLEMENTED, not a hang or a garbled
    // answer.
    assert_eq!(answer["missing"]["code"], "UNIMPLEMENTED", "{answer}");
    node.stop().await.unwrap();
}
