//! BCS decoding of signed transactions, then signature verification.
//! Invariants: neither step panics; a decoded transaction re-encodes to the same bytes
//! (BCS is canonical, so a second encoding of one transaction would mean two digests).
#![no_main]

use libfuzzer_sys::fuzz_target;
use movid_runtime::chain::verify_signatures;
use movid_runtime::types::SignedTransaction;

fuzz_target!(|data: &[u8]| {
    let Ok(tx) = bcs::from_bytes::<SignedTransaction>(data) else {
        return;
    };
    let again = bcs::to_bytes(&tx).expect("a decoded transaction re-encodes");
    assert_eq!(again, data, "BCS round trip changed the bytes");
    let _ = tx.digest();
    let _ = verify_signatures(&tx);
});
