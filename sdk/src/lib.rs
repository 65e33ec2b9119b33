//! The movid SDK: what an application needs to hold keys, and to read and
//! write `did:movid` identities.
//!
//! - [`keys`]: identities whose secret keys stay in a backend (memory, an
//!   encrypted key file, a signer agent, a remote signer), used through
//!   handles that sign transactions and decrypt messages.
//! - [`did`]: `did:movid` DIDs, W3C DID documents, the bytes an `Identity`
//!   object stores, and DID resolution results.
//!
//! The SDK does not depend on the runtime: object IDs and addresses are plain
//! `[u8; 32]` here.
//!
//! Creating an identity: a key held by the SDK, and the DID document that
//! publishes it.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! use movid_sdk::did::{pack, Did, DidDocument, Encoding, KeyFormat, PublicKey, Relationship};
//! use movid_sdk::keys::{Backend, Capability, IdentityManager, Scheme};
//!
//! let backend = Backend::memory();
//! let (identity, handle) = IdentityManager::new()
//!     .generate(&backend, Scheme::Ed25519, Capability::CommitAndDecrypt)
//!     .await?;
//!
//! // The document of a new on-chain identity; its ID is unknown until the
//! // object exists, and `pack` writes it as the placeholder anyway.
//! let doc = DidDocument::builder(Did::local([0; 32]))
//!     .key("key-1", PublicKey::Ed25519(identity.ed25519_public_key()), KeyFormat::Multibase,
//!          &[Relationship::Authentication, Relationship::CapabilityInvocation])
//!     .key("enc-1", PublicKey::X25519(identity.x25519_public_key()), KeyFormat::Multibase,
//!          &[Relationship::KeyAgreement])
//!     .build()?;
//! let did_doc_bytes = pack(&doc, Encoding::DeflateJson);
//!
//! // The transaction creating the identity (sender: the committer's address)
//! // comes from the transaction builder; the handle signs its BCS bytes.
//! let committer = handle.committer().unwrap();
//! # let transaction_data_bcs = did_doc_bytes.clone();
//! let signature = committer.sign_transaction(&transaction_data_bcs).await?;
//! let wire_signature = signature.to_serialized(); // 0x00 ‖ signature ‖ public key
//! assert_eq!(&wire_signature[65..], &committer.public_key());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! ```

#![warn(missing_docs)]

pub mod did;
pub mod keys;
