//! end-to-end tests

pub mod chain_identity;
