//! The data types shared by the runtime, its stores and its clients: plain serde/BCS values.

mod base;
mod builder;
mod effects;
mod object;
pub mod rpc;
mod transaction;

pub use base::*;
pub use builder::PtbBuilder;
pub use effects::*;
pub use object::*;
pub use transaction::*;

pub use move_core_types::language_storage::{StructTag, TypeTag};
