//! On-chain DID document decoding (`movid_sdk::did::unpack`) on arbitrary bytes.
//! Invariant: no panic (and no unbounded allocation: the decompressed size is capped).
#![no_main]

use libfuzzer_sys::fuzz_target;
use movid_sdk::did::{unpack, Did};

fuzz_target!(|data: &[u8]| {
    let did = Did::local([0xab; 32]);
    let _ = unpack(data, &did);
});
