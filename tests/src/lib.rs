//! # movid-tests
//!
//! movid's end-to-end tests and the helpers they share. `tests/` holds the suites:
//! `identity_chain` (identity rules through signed PTBs), `asset_chain` (authenticated assets
//! through signed PTBs), `identity_model` (a property test of
//! the identity package against a plain Rust model) and `scenarios` (multi-party flows on the
//! simulation toolkit, `movid_sdk::sim`). [`chain_identity`] drives identities at the
//! transaction level, below the SDK; [`mysten`] runs Mysten's TypeScript SDK (`@mysten/sui`)
//! as an independent oracle for the `mysten_interop` suite.

pub mod chain_identity;
pub mod mysten;
