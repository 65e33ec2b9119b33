//! The movid SDK: what an application needs to hold keys, talk to a movid
//! chain, and create, govern and resolve `did:movid` identities.
//!
//! - [`client`]: the [`Client`] trait (reads, dry runs, execution) and
//!   [`InProcessClient`] over a local chain.
//! - [`tx`]: a transaction builder with gas selection and dry-run budgeting,
//!   signing with a runtime key pair or a key manager handle.
//! - [`identity`]: [`IdentityClient`]: create identities, read them, and
//!   propose, approve and execute changes as a controller.
//! - [`resolver`]: DID resolution against a chain.
//! - [`did`]: `did:movid` DIDs, W3C DID documents, the bytes an `Identity`
//!   object stores, and DID resolution results (no I/O).
//! - [`keys`]: identities whose secret keys stay in a backend (memory, an
//!   encrypted key file, a signer agent, a remote signer), used through
//!   handles that sign transactions and decrypt messages.
//! - [`access`]: identity-first network access: enrollment tokens, device
//!   certificates and an mTLS gate checking the on-chain access authority.
//! - [`sim`]: simulations for your own tests: named actors on an in-process
//!   chain, time control, decoded events, traces, snapshots, concurrency.
//!
//! Errors are one enum, [`SdkError`]; aborts of the identity package arrive
//! as [`identity::IdentityError`]s.
//!
//! Creating an identity on an in-process chain, with a key held by the key
//! manager and a DID document publishing it:
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! use std::sync::Arc;
//! use movid_sdk::did::{Did, DidDocument, KeyFormat, PublicKey, Relationship};
//! use movid_sdk::keys::{Backend, Capability, IdentityManager, Scheme};
//! use movid_sdk::runtime::types::Address;
//! use movid_sdk::{Client, IdentityClient, InProcessClient};
//!
//! let client = Arc::new(InProcessClient::new_dev()?);
//! let (key, handle) = IdentityManager::new()
//!     .generate(&Backend::memory(), Scheme::Ed25519, Capability::CommitAndDecrypt)
//!     .await?;
//! let committer = handle.committer().unwrap();
//! client.faucet(Address::new(committer.address()), 10_000_000_000).await?;
//!
//! // The document names its own DID as did:movid:local:0x00..00; the
//! // chain stores the placeholder did:0:0 until the object ID is known.
//! let doc = DidDocument::builder(Did::local([0; 32]))
//!     .key("key-1", PublicKey::Ed25519(key.ed25519_public_key()), KeyFormat::Multibase,
//!          &[Relationship::Authentication, Relationship::CapabilityInvocation])
//!     .build()?;
//! let identities = IdentityClient::new(client.clone());
//! let identity = identities.create_identity().document(&doc).execute(&committer).await?;
//!
//! let resolved = movid_sdk::resolver::resolve(&*client, &identity.did.to_string()).await?;
//! let document = resolved.document().unwrap();
//! assert_eq!(document.id, identity.did);
//! assert_eq!(document.ed25519_public_key("key-1")?, key.ed25519_public_key());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! ```

#![warn(missing_docs)]

pub mod access;
pub mod client;
pub mod did;
mod error;
pub mod identity;
pub mod keys;
pub mod offline;
pub mod paging;
pub mod resolver;
pub mod returns;
pub mod rpc;
pub mod sim;
pub mod tx;

pub use client::{Client, InProcessClient};
pub use error::{SdkError, SdkResult};
pub use identity::{IdentityClient, IdentityError};
/// The runtime's types (objects, transactions, effects), re-exported.
pub use movid_runtime as runtime;
