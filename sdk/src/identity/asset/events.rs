//! The events of `identity::asset` (`0x3::events::Asset*`), decoded: each is a
//! [`MoveEvent`], so `Events::one::<AssetOffered>()` and `sim.last_events()` find them.
//!
//! They are not [`crate::sim::IdentityEvent`] variants: those are all about one identity
//! (`IdentityEvent::identity`), and an asset belongs to an account.

use movid_runtime::types::{Address, ObjectID, StructTag, WellKnown};
use serde::{Deserialize, Serialize};

use crate::sim::MoveEvent;

fn is_event(ty: &StructTag, name: &str) -> bool {
    ty.address == movid_runtime::seam::to_vm_address(ObjectID::IDENTITY)
        && ty.module.as_str() == "events"
        && ty.name.as_str() == name
}

macro_rules! asset_events {
    ($(
        $(#[$doc:meta])*
        $name:ident { $( $(#[$fdoc:meta])* $field:ident : $ty:ty ),* $(,)? }
    )*) => {$(
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
        pub struct $name {
            $( $(#[$fdoc])* pub $field: $ty, )*
        }

        impl MoveEvent for $name {
            fn matches(ty: &StructTag) -> bool {
                is_event(ty, stringify!($name))
            }
        }
    )*};
}

asset_events! {
    /// An asset was created (origin = owner = `creator`).
    AssetCreated {
        /// The asset.
        asset: ObjectID,
        /// Its creator and first owner.
        creator: Address,
        /// Whether its content may change.
        mutable: bool,
        /// Whether it may be offered to another owner.
        transferable: bool,
        /// Whether it may be deleted.
        deletable: bool,
    }

    /// An asset's content was borrowed mutably (and so possibly changed) by its owner.
    AssetMutated {
        /// The asset.
        asset: ObjectID,
        /// Its owner.
        owner: Address,
    }

    /// An asset was deleted by its owner.
    AssetDeleted {
        /// The asset.
        asset: ObjectID,
        /// Its owner.
        owner: Address,
    }

    /// An asset's owner offered it to `recipient` through the shared `proposal`.
    AssetOffered {
        /// The `TransferProposal`.
        proposal: ObjectID,
        /// The asset.
        asset: ObjectID,
        /// The offering owner.
        sender: Address,
        /// Who may accept.
        recipient: Address,
        /// The last epoch in which it may be accepted.
        expiration_epoch: Option<u64>,
    }

    /// The recipient accepted an offer; the proposal was deleted.
    AssetTransferred {
        /// The deleted `TransferProposal`.
        proposal: ObjectID,
        /// The asset.
        asset: ObjectID,
        /// The previous owner.
        sender: Address,
        /// The new owner.
        recipient: Address,
    }

    /// The offering owner cancelled an offer; the proposal was deleted.
    AssetOfferCancelled {
        /// The deleted `TransferProposal`.
        proposal: ObjectID,
        /// The asset.
        asset: ObjectID,
        /// The owner, who has it back.
        sender: Address,
        /// The recipient that did not accept.
        recipient: Address,
    }
}
