//! Fixed vectors for the parts of Sui's wire format movid speaks since step (a) of
//! docs/WIRE_MIGRATION.md: addresses, object IDs, digests and object references are
//! `sui-sdk-types`' own, so their bytes and text are Sui's. The values come from §5 of that
//! document, where each was computed by `@mysten/sui` 2.33.1 and by `sui-sdk-types` 0.4.0.

use base64::Engine;
use movid_runtime::crypto::blake2b256;
use movid_runtime::types::{
    parse_address, parse_digest, salted_digest, Address, Argument, CallArg, Command, Digest,
    GasData, MoveCall, ObjectArg, ObjectID, ObjectReference, ProgrammableTransaction, StructTag,
    TransactionData, TransactionExpiration, TransactionKind, TypeTag, WellKnown,
};

fn hex32(s: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    hex::decode_to_slice(s, &mut out).unwrap();
    out
}

#[test]
fn a_digest_is_a_bcs_byte_string_of_33_bytes_with_the_0x20_length_prefix() {
    let d = Digest::new([0x11; 32]);
    let bytes = bcs::to_bytes(&d).unwrap();
    assert_eq!(bytes.len(), 33);
    assert_eq!(bytes[0], 0x20);
    assert_eq!(&bytes[1..], &[0x11; 32]);
    assert_eq!(bcs::from_bytes::<Digest>(&bytes).unwrap(), d);
    // The old movid form (32 raw bytes, no prefix) no longer decodes as a digest.
    assert!(bcs::from_bytes::<Digest>(&[0x11; 32]).is_err());
    // An address stays 32 raw bytes.
    assert_eq!(bcs::to_bytes(&ObjectID::CLOCK).unwrap().len(), 32);
}

#[test]
fn an_object_reference_is_id_then_version_then_prefixed_digest() {
    let r = ObjectReference::new(Address::new([0xab; 32]), 7, Digest::new([0x11; 32]));
    let bytes = bcs::to_bytes(&r).unwrap();
    let mut expected = vec![0xab; 32];
    expected.extend_from_slice(&7u64.to_le_bytes());
    expected.push(0x20);
    expected.extend_from_slice(&[0x11; 32]);
    assert_eq!(bytes, expected);
    let (id, version, digest) = r.into_parts();
    assert_eq!(
        (id, version, digest),
        (Address::new([0xab; 32]), 7, Digest::new([0x11; 32]))
    );
}

#[test]
fn derive_id_gives_the_plans_vector_and_movids_old_rule() {
    // §5.4: derive_id([0x42; 32], 0), computed by sui-sdk-types.
    let id = ObjectID::derive_id(Digest::new([0x42; 32]), 0);
    assert_eq!(
        id.to_string(),
        "0x98ff711577e09862190ffc315aaaa65fe46dd967668995b1634ee509f988d5db"
    );
    // movid's rule before the migration, written out: blake2b(0xf1 ‖ digest ‖ index as u64 LE)
    // over the 32 raw digest bytes (the length prefix is not hashed).
    for index in [0u64, 1, 7, u64::MAX] {
        let digest = Digest::new(blake2b256(&index.to_le_bytes()));
        let mut buf = vec![0xf1];
        buf.extend_from_slice(digest.inner());
        buf.extend_from_slice(&index.to_le_bytes());
        assert_eq!(
            ObjectID::derive_id(digest, index).into_inner(),
            blake2b256(&buf)
        );
    }
}

#[test]
fn the_well_known_ids_are_the_small_addresses() {
    let expect = |id: ObjectID, n: u8| {
        let mut b = [0u8; 32];
        b[31] = n;
        assert_eq!(id, Address::new(b));
    };
    expect(ObjectID::STD, 1);
    expect(ObjectID::FRAMEWORK, 2);
    expect(ObjectID::IDENTITY, 3);
    expect(ObjectID::ACCESS, 4);
    expect(ObjectID::CLOCK, 6);
    assert_eq!(parse_address("object ID", "0x6").unwrap(), ObjectID::CLOCK);
}

/// §5.2: the transaction `@mysten/sui` built and signed, rebuilt with movid's own transaction
/// types (still movid's until step b). With the digest prefixes of step (a) in place, movid's
/// bytes are the TypeScript bytes without the leading version-envelope byte `0x00`.
#[test]
fn movids_transaction_bytes_equal_the_typescript_vector_after_its_envelope_byte() {
    const TS_BCS: &str = "AAAGAAhkAAAAAAAAAAAgkPPm1ztXMPFpdPTfHTRBOU665iGGuvg2CFmfImRVr6cBAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAGAQAAAAAAAAAAAQDNzc3Nzc3Nzc3Nzc3Nzc3Nzc3Nzc3Nzc3Nzc3Nzc3NzQMAAAAAAAAAICIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiAQLv7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7wQAAAAAAAAAIDMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzAAQDAQIDBAIAAQEAAAEBAwAAAAABAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIFY2xvY2sMdGltZXN0YW1wX21zAAEBAgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMIaWRlbnRpdHkFdG91Y2gBBwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACA3N1aQNTVUkAAwEDAAEEAAEFAJDz5tc7VzDxaXT03x00QTlOuuYhhrr4NghZnyJkVa+nAaurq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urBwAAAAAAAAAgERERERERERERERERERERERERERERERERERERERERERGQ8+bXO1cw8Wl09N8dNEE5TrrmIYa6+DYIWZ8iZFWvp+gDAAAAAAAAgJaYAAAAAAAA";
    let ts = base64::engine::general_purpose::STANDARD
        .decode(TS_BCS)
        .unwrap();
    assert_eq!(ts.len(), 576);
    let sender = Address::new(hex32(
        "90f3e6d73b5730f16974f4df1d3441394ebae62186baf83608599f226455afa7",
    ));
    let sui = TypeTag::Struct(StructTag {
        address: movid_runtime::seam::to_vm_address(ObjectID::FRAMEWORK),
        module: "sui".parse().unwrap(),
        name: "SUI".parse().unwrap(),
        type_params: vec![],
    });
    let data = TransactionData {
        kind: TransactionKind::ProgrammableTransaction(ProgrammableTransaction {
            inputs: vec![
                CallArg::Pure(bcs::to_bytes(&100u64).unwrap()),
                CallArg::Pure(bcs::to_bytes(&sender).unwrap()),
                CallArg::Object(ObjectArg::Shared {
                    id: ObjectID::CLOCK,
                    initial_shared_version: 1,
                    mutable: false,
                }),
                CallArg::Object(ObjectArg::ImmOrOwned(ObjectReference::new(
                    Address::new([0xcd; 32]),
                    3,
                    Digest::new([0x22; 32]),
                ))),
                CallArg::Object(ObjectArg::Receiving(ObjectReference::new(
                    Address::new([0xef; 32]),
                    4,
                    Digest::new([0x33; 32]),
                ))),
                CallArg::Pure(bcs::to_bytes(&vec![1u8, 2, 3]).unwrap()),
            ],
            commands: vec![
                Command::SplitCoins(Argument::GasCoin, vec![Argument::Input(0)]),
                Command::TransferObjects(vec![Argument::NestedResult(0, 0)], Argument::Input(1)),
                Command::MoveCall(Box::new(MoveCall {
                    package: ObjectID::FRAMEWORK,
                    module: "clock".into(),
                    function: "timestamp_ms".into(),
                    type_arguments: vec![],
                    arguments: vec![Argument::Input(2)],
                })),
                Command::MoveCall(Box::new(MoveCall {
                    package: ObjectID::IDENTITY,
                    module: "identity".into(),
                    function: "touch".into(),
                    type_arguments: vec![sui],
                    arguments: vec![Argument::Input(3), Argument::Input(4), Argument::Input(5)],
                })),
            ],
        }),
        sender,
        gas_data: GasData {
            payment: vec![ObjectReference::new(
                Address::new([0xab; 32]),
                7,
                Digest::new([0x11; 32]),
            )],
            owner: sender,
            price: 1000,
            budget: 10_000_000,
        },
        expiration: TransactionExpiration::None,
    };
    let ours = bcs::to_bytes(&data).unwrap();
    assert_eq!(ts[0], 0x00, "the V1 envelope tag that step (b) adds");
    assert_eq!(ours, ts[1..]);
    // movid's transaction digest still hashes movid's bytes (no envelope): pinned so any
    // change to the encoding shows here. Sui's digest of the enveloped bytes is
    // J2DtE11FKifk66qaUCo3yVPxpKdQ94Ahg5xgYy8DJZPc (§5.2); step (b) makes them one.
    assert_eq!(data.digest(), salted_digest("TransactionData::", &ts[1..]));
    assert_eq!(
        salted_digest("TransactionData::", &ts).to_string(),
        "J2DtE11FKifk66qaUCo3yVPxpKdQ94Ahg5xgYy8DJZPc"
    );
}

#[test]
fn digest_text_is_base58_and_round_trips_through_text_and_json() {
    for seed in 0u8..32 {
        let d = salted_digest("Vector::", &[seed]);
        let text = d.to_string();
        assert!(bs58::decode(&text).into_vec().is_ok(), "{text}");
        assert_eq!(parse_digest(&text).unwrap(), d);
        assert_eq!(text.parse::<Digest>().unwrap(), d);
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(json, format!("\"{text}\""));
        assert_eq!(serde_json::from_str::<Digest>(&json).unwrap(), d);
    }
    // A digest Sui printed (§5.2) parses to the bytes it names and prints back the same.
    let sui = "J2DtE11FKifk66qaUCo3yVPxpKdQ94Ahg5xgYy8DJZPc";
    assert_eq!(parse_digest(sui).unwrap().to_string(), sui);
}

#[test]
fn a_malformed_digest_string_is_refused_with_a_reason() {
    let d = salted_digest("Vector::", b"x");
    let short = d.to_string()[..20].to_string();
    let cases = [
        (format!("{d:#x}"), "digests are Base58, not hex", true),
        ("0OIl".to_string(), "not Base58", true),
        (format!("{d}{d}"), "not 32 bytes", true),
        (short.clone(), "not 32 bytes", false),
        (String::new(), "not 32 bytes", false),
    ];
    for (input, reason, json_refuses) in cases {
        let e = parse_digest(&input)
            .map(|d| (input.clone(), d))
            .unwrap_err();
        assert_eq!(e.reason, reason, "{input}");
        assert_eq!(e.kind, "digest");
        assert!(e.to_string().starts_with("invalid digest"), "{e}");
        // Sui's own decoder (JSON, `FromStr`) refuses bad characters and too many bytes with
        // its message, but accepts a Base58 string of fewer than 32 bytes (its fixed-size
        // decoder fills the array), as Sui does; only movid's own parser refuses those.
        let json = serde_json::to_string(&input).unwrap();
        let decoded = serde_json::from_str::<Digest>(&json);
        if json_refuses {
            let err = decoded.unwrap_err().to_string();
            assert!(err.contains("Base58"), "{err}");
        } else {
            assert!(decoded.is_ok(), "Sui's decoder changed: {decoded:?}");
        }
    }
}

/// The fuzz seeds are hand-encoded (fuzz/seeds/make_seeds.py); they must follow the format,
/// or the fuzzer starts from inputs that fail at the first digest.
#[test]
fn the_signed_transaction_fuzz_seeds_decode_in_the_current_format() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/seeds/signed_tx_bcs");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let tx: movid_runtime::types::SignedTransaction = bcs::from_bytes(&bytes)
            .unwrap_or_else(|e| panic!("{} does not decode: {e}", path.display()));
        assert_eq!(bcs::to_bytes(&tx).unwrap(), bytes, "{}", path.display());
        seen += 1;
    }
    assert!(seen >= 4, "expected the four seeds in {}", dir.display());
}
