//! # movid-runtime
//!
//! The local runtime of movid: it compiles Move packages with the real Move compiler
//! ([`build`]), publishes them after the bytecode verifier and movid's publish rules
//! ([`verifier`]), and executes Ed25519-signed programmable transactions on the real Move VM
//! with a Sui-style object model ([`execution`], [`natives`]), charging gas ([`gas`]) and
//! storing objects, transactions and events in a [`store`]. [`chain::LocalChain`] puts it all
//! together; [`floor`] measures the least work a transaction needs, for benchmarks.
//!
//! It owns the formats (docs/DESIGN.md §4): 32-byte IDs, Blake2b-256 digests, BCS objects. It knows
//! nothing of the SDK or CLI that drive it.
//!
//! ```no_run
//! use movid_runtime::chain::LocalChain;
//! use movid_runtime::genesis::dev_keys;
//! use movid_runtime::types::*;
//!
//! let chain = LocalChain::new_dev()?;
//! let alice = &dev_keys(1)[0];
//! let bob = dev_keys(2)[1].address();
//! let coins = chain.gas_coins(&alice.address())?;
//! // Send one coin to Bob, paying gas with another.
//! let data = TransactionData {
//!     kind: TransactionKind::ProgrammableTransaction(ProgrammableTransaction {
//!         inputs: vec![
//!             CallArg::Object(ObjectArg::ImmOrOwned(coins[1].object_ref())),
//!             CallArg::Pure(bcs::to_bytes(&bob)?),
//!         ],
//!         commands: vec![Command::TransferObjects(vec![Argument::Input(0)], Argument::Input(1))],
//!     }),
//!     sender: alice.address(),
//!     gas_data: GasData { payment: vec![coins[0].object_ref()], owner: alice.address(), price: 1_000, budget: 50_000_000 },
//!     expiration: TransactionExpiration::None,
//! };
//! let signed = SignedTransaction { signatures: vec![alice.sign_transaction(&data)], data };
//! let result = chain.execute(signed)?;
//! assert!(result.effects.status.is_ok());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod build;
pub mod chain;
pub mod crypto;
pub mod error;
pub mod execution;
pub mod floor;
pub mod gas;
pub mod genesis;
pub mod grpc;
pub mod natives;
pub mod node;
pub mod seam;
pub mod store;
pub mod types;
pub mod unit_test;
pub mod verifier;

pub use error::{RuntimeError, RuntimeResult, TransactionError};
