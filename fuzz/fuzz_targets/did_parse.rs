//! DID and DID URL parsing on arbitrary UTF-8.
//! Invariants: no panic; whatever parses prints back to a string that parses to the same value.
#![no_main]

use std::str::FromStr;

use libfuzzer_sys::fuzz_target;
use movid_sdk::did::{Did, DidUrl};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(did) = Did::from_str(s) {
        let printed = did.to_string();
        assert_eq!(
            Did::from_str(&printed).ok(),
            Some(did),
            "Did round trip: {s:?}"
        );
    }
    if let Ok(url) = DidUrl::from_str(s) {
        let printed = url.to_string();
        assert_eq!(
            DidUrl::from_str(&printed).ok(),
            Some(url),
            "DidUrl round trip: {s:?}"
        );
    }
});
