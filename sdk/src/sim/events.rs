//! Events as a simulation observes them: filtered by type and decoded into
//! Rust structs.
//!
//! [`Events`] is a list of the runtime's [`Event`]s (BCS contents and a Move
//! type). Filter it by type ([`Events::of_type`], [`Events::named`]) and
//! decode it into any serde struct laid out like the Move struct
//! ([`Events::decode`]); for types that know their Move type
//! ([`MoveEvent`]) do both at once ([`Events::of`], [`Events::one`]).
//!
//! The identity package's events (`0x3::events`, see
//! `move/identity/sources/events.move`) are mirrored here field for field,
//! and [`IdentityEvent`] decodes any of them. Your own package's events
//! decode the same way: write a serde struct with the Move struct's fields in
//! order (`ID` and `address` as [`ObjectID`] and [`Address`], `Option<T>` as
//! `Option<T>`, `vector<T>` as `Vec<T>`) and either implement [`MoveEvent`]
//! or filter with [`Events::named`] first.

use std::fmt;

use movid_runtime::types::{Address, Event, ObjectID, StructTag, WellKnown};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{SdkError, SdkResult};
use crate::tx::type_matches;

/// A Rust struct mirroring a Move event type.
///
/// ```
/// use movid_runtime::types::{ObjectID, StructTag};
/// use movid_sdk::sim::events::MoveEvent;
///
/// /// `counter::counter::Bumped`, from a package whose ID is known only
/// /// once published: matched by module and name.
/// #[derive(serde::Deserialize)]
/// struct Bumped {
///     counter: ObjectID,
///     value: u64,
/// }
///
/// impl MoveEvent for Bumped {
///     fn matches(ty: &StructTag) -> bool {
///         ty.module.as_str() == "counter" && ty.name.as_str() == "Bumped"
///     }
/// }
/// ```
pub trait MoveEvent: DeserializeOwned {
    /// Whether an event of Move type `ty` is one of these.
    fn matches(ty: &StructTag) -> bool;
}

/// A list of events, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Events(Vec<Event>);

impl Events {
    /// The events of `events`.
    pub fn new(events: Vec<Event>) -> Events {
        Events(events)
    }

    /// The events, in order.
    pub fn as_slice(&self) -> &[Event] {
        &self.0
    }

    /// The events, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Event> {
        self.0.iter()
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The events of Move type `ty` (type parameters compared only when
    /// `ty` has some).
    pub fn of_type(&self, ty: &StructTag) -> Events {
        self.filter(|e| type_matches(ty, &e.type_))
    }

    /// The events whose type is `module::name` in any package (for a
    /// package whose ID you have not kept).
    pub fn named(&self, module: &str, name: &str) -> Events {
        self.filter(|e| e.type_.module.as_str() == module && e.type_.name.as_str() == name)
    }

    /// The events for which `keep` holds.
    pub fn filter(&self, mut keep: impl FnMut(&Event) -> bool) -> Events {
        Events(self.0.iter().filter(|e| keep(e)).cloned().collect())
    }

    /// Decodes every event as a `T` (filter first: all must be `T`s).
    pub fn decode<T: DeserializeOwned>(&self) -> SdkResult<Vec<T>> {
        self.0.iter().map(decode_event).collect()
    }

    /// The events that are `T`s, decoded.
    pub fn of<T: MoveEvent>(&self) -> SdkResult<Vec<T>> {
        self.0
            .iter()
            .filter(|e| T::matches(&e.type_))
            .map(decode_event)
            .collect()
    }

    /// The one event that is a `T`; an error naming how many there were
    /// when that is not exactly one.
    pub fn one<T: MoveEvent>(&self) -> SdkResult<T> {
        let mut found = self.of::<T>()?;
        if found.len() != 1 {
            return Err(SdkError::InvalidArgument(format!(
                "expected exactly one {} event, found {} among {} events",
                std::any::type_name::<T>()
                    .rsplit("::")
                    .next()
                    .unwrap_or_default(),
                found.len(),
                self.len()
            )));
        }
        Ok(found.remove(0))
    }

    /// The identity package's events among these, decoded.
    pub fn identity(&self) -> SdkResult<Vec<IdentityEvent>> {
        let mut out = vec![];
        for e in &self.0 {
            if let Some(decoded) = IdentityEvent::from_event(e)? {
                out.push(decoded);
            }
        }
        Ok(out)
    }
}

impl IntoIterator for Events {
    type Item = Event;
    type IntoIter = std::vec::IntoIter<Event>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Events {
    type Item = &'a Event;
    type IntoIter = std::slice::Iter<'a, Event>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl FromIterator<Event> for Events {
    fn from_iter<I: IntoIterator<Item = Event>>(iter: I) -> Self {
        Events(iter.into_iter().collect())
    }
}

impl From<Vec<Event>> for Events {
    fn from(events: Vec<Event>) -> Self {
        Events(events)
    }
}

fn decode_event<T: DeserializeOwned>(event: &Event) -> SdkResult<T> {
    bcs::from_bytes(&event.contents).map_err(|e| {
        SdkError::decode(
            format!("event {} as {}", event.type_, std::any::type_name::<T>()),
            e,
        )
    })
}

/// Declares the identity package's event structs, their [`MoveEvent`]
/// impls and the [`IdentityEvent`] enum from one list.
macro_rules! identity_events {
    ($(
        $(#[$doc:meta])*
        $name:ident { $( $(#[$fdoc:meta])* $field:ident : $ty:ty ),* $(,)? }
    )*) => {
        $(
            $(#[$doc])*
            #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
            pub struct $name {
                $( $(#[$fdoc])* pub $field: $ty, )*
            }

            impl MoveEvent for $name {
                fn matches(ty: &StructTag) -> bool {
                    is_identity_event(ty, stringify!($name))
                }
            }
        )*

        /// Any event of the identity package, decoded.
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub enum IdentityEvent {
            $(
                #[doc = concat!("`0x3::events::", stringify!($name), "`.")]
                $name($name),
            )*
        }

        impl IdentityEvent {
            /// Decodes `event` if it is one of the identity package's:
            /// `Ok(None)` for another package's event, an error if its
            /// contents do not decode.
            pub fn from_event(event: &Event) -> SdkResult<Option<IdentityEvent>> {
                $(
                    if $name::matches(&event.type_) {
                        return decode_event(event).map(|e| Some(IdentityEvent::$name(e)));
                    }
                )*
                Ok(None)
            }

            /// The event's Move type name (`ProposalApproved`, ...).
            pub fn name(&self) -> &'static str {
                match self {
                    $( IdentityEvent::$name(_) => stringify!($name), )*
                }
            }
        }
    };
}

fn is_identity_event(ty: &StructTag, name: &str) -> bool {
    ty.address == movid_runtime::seam::to_vm_address(ObjectID::IDENTITY)
        && ty.module.as_str() == "events"
        && ty.name.as_str() == name
}

identity_events! {
    /// A new `Identity` was created and shared.
    IdentityCreated {
        /// The identity.
        identity: ObjectID,
        /// The sender of the creating transaction.
        creator: Address,
        /// IDs of the minted `ControllerCap`s, in the order of `controllers`.
        controller_caps: Vec<ObjectID>,
        /// The addresses the caps were sent to.
        controllers: Vec<Address>,
        /// Their voting powers, in the same order.
        voting_powers: Vec<u64>,
        /// The threshold.
        threshold: u64,
        /// Whether the identity was created with a DID document.
        has_document: bool,
    }

    /// A proposal was created; its creator's vote is counted.
    ProposalCreated {
        /// The identity.
        identity: ObjectID,
        /// The proposal.
        proposal: ObjectID,
        /// The proposing controller's `ControllerCap` ID.
        controller: ObjectID,
        /// The last epoch in which it may be approved and executed.
        expiration_epoch: Option<u64>,
        /// Current voting power behind the proposal.
        votes: u64,
        /// The threshold.
        threshold: u64,
    }

    /// A controller approved a proposal.
    ProposalApproved {
        /// The identity.
        identity: ObjectID,
        /// The proposal.
        proposal: ObjectID,
        /// The approving controller's `ControllerCap` ID.
        controller: ObjectID,
        /// Current voting power behind the proposal after this approval.
        votes: u64,
        /// The threshold.
        threshold: u64,
    }

    /// A controller rejected a proposal; at the threshold it is deleted.
    ProposalRejected {
        /// The identity.
        identity: ObjectID,
        /// The proposal.
        proposal: ObjectID,
        /// The rejecting controller's `ControllerCap` ID.
        controller: ObjectID,
        /// Current voting power of the proposal's rejecters after this one.
        rejections: u64,
        /// The threshold.
        threshold: u64,
    }

    /// A controller withdrew its approval (or rejection).
    ApprovalRemoved {
        /// The identity.
        identity: ObjectID,
        /// The proposal.
        proposal: ObjectID,
        /// The withdrawing controller's `ControllerCap` ID.
        controller: ObjectID,
        /// Current voting power behind the proposal after the withdrawal.
        votes: u64,
        /// The threshold.
        threshold: u64,
    }

    /// A proposal reached its threshold and was executed (and removed).
    ProposalExecuted {
        /// The identity.
        identity: ObjectID,
        /// The proposal.
        proposal: ObjectID,
        /// The executing controller's `ControllerCap` ID.
        controller: ObjectID,
    }

    /// A proposal was deleted without being executed.
    ProposalDeleted {
        /// The identity.
        identity: ObjectID,
        /// The proposal.
        proposal: ObjectID,
        /// The deleting controller; none when a deleted identity's leftover
        /// proposal was purged.
        controller: Option<ObjectID>,
    }

    /// A config change was applied.
    ControllersChanged {
        /// The identity.
        identity: ObjectID,
        /// `ControllerCap` IDs minted for new controllers.
        added: Vec<ObjectID>,
        /// Their recipients, in the same order.
        added_addresses: Vec<Address>,
        /// Removed controllers' `ControllerCap` IDs.
        removed: Vec<ObjectID>,
        /// Controllers whose voting power changed.
        updated: Vec<ObjectID>,
        /// The threshold after the change.
        threshold: u64,
    }

    /// The DID document was updated, deactivated or deleted.
    DidDocumentUpdated {
        /// The identity.
        identity: ObjectID,
        /// The document is now `Some([])`.
        deactivated: bool,
        /// The document is now `None`, permanently.
        deleted: bool,
    }

    /// The identity was migrated to a newer package version.
    IdentityUpgraded {
        /// The identity.
        identity: ObjectID,
        /// The version migrated to.
        version: u64,
    }

    /// The identity was deleted: it has no controllers and accepts no
    /// operation.
    IdentityDeleted {
        /// The identity.
        identity: ObjectID,
    }

    /// A controller minted a `DelegationToken`.
    TokenDelegated {
        /// The identity.
        identity: ObjectID,
        /// The delegating controller's `ControllerCap` ID.
        controller: ObjectID,
        /// The token.
        token: ObjectID,
        /// Its permission bits (`identity::permissions`).
        permissions: u64,
    }

    /// A token was put on the identity's revocation list.
    TokenRevoked {
        /// The identity.
        identity: ObjectID,
        /// The token.
        token: ObjectID,
        /// The revoking controller's `ControllerCap` ID.
        controller: ObjectID,
    }

    /// A token was taken off the identity's revocation list.
    TokenUnrevoked {
        /// The identity.
        identity: ObjectID,
        /// The token.
        token: ObjectID,
        /// The controller lifting the revocation.
        controller: ObjectID,
    }

    /// Public credentials were set (added or replaced) and removed.
    CredentialsUpdated {
        /// The identity.
        identity: ObjectID,
        /// Names of the credentials set.
        set: Vec<Vec<u8>>,
        /// Names of the credentials removed.
        removed: Vec<Vec<u8>>,
    }
}

impl IdentityEvent {
    /// The identity the event is about.
    pub fn identity(&self) -> ObjectID {
        match self {
            IdentityEvent::IdentityCreated(e) => e.identity,
            IdentityEvent::ProposalCreated(e) => e.identity,
            IdentityEvent::ProposalApproved(e) => e.identity,
            IdentityEvent::ProposalRejected(e) => e.identity,
            IdentityEvent::ApprovalRemoved(e) => e.identity,
            IdentityEvent::ProposalExecuted(e) => e.identity,
            IdentityEvent::ProposalDeleted(e) => e.identity,
            IdentityEvent::ControllersChanged(e) => e.identity,
            IdentityEvent::DidDocumentUpdated(e) => e.identity,
            IdentityEvent::IdentityUpgraded(e) => e.identity,
            IdentityEvent::IdentityDeleted(e) => e.identity,
            IdentityEvent::TokenDelegated(e) => e.identity,
            IdentityEvent::TokenRevoked(e) => e.identity,
            IdentityEvent::TokenUnrevoked(e) => e.identity,
            IdentityEvent::CredentialsUpdated(e) => e.identity,
        }
    }

    /// One line for a trace, naming objects and addresses with `names`.
    pub(crate) fn describe(&self, names: &dyn Names) -> String {
        let id = |i: &ObjectID| names.object(*i);
        let ids = |v: &[ObjectID]| v.iter().map(id).collect::<Vec<_>>().join(", ");
        match self {
            IdentityEvent::IdentityCreated(e) => format!(
                "IdentityCreated {} by {}: controllers [{}], threshold {}",
                id(&e.identity),
                names.address(e.creator),
                e.controllers
                    .iter()
                    .zip(&e.voting_powers)
                    .map(|(a, p)| format!("{} ×{p}", names.address(*a)))
                    .collect::<Vec<_>>()
                    .join(", "),
                e.threshold
            ),
            IdentityEvent::ProposalCreated(e) => format!(
                "ProposalCreated {} on {} by {}: {}/{} votes{}",
                id(&e.proposal),
                id(&e.identity),
                id(&e.controller),
                e.votes,
                e.threshold,
                e.expiration_epoch
                    .map(|x| format!(", expires after epoch {x}"))
                    .unwrap_or_default()
            ),
            IdentityEvent::ProposalApproved(e) => format!(
                "ProposalApproved {} by {}: {}/{} votes",
                id(&e.proposal),
                id(&e.controller),
                e.votes,
                e.threshold
            ),
            IdentityEvent::ProposalRejected(e) => format!(
                "ProposalRejected {} by {}: {}/{} rejections",
                id(&e.proposal),
                id(&e.controller),
                e.rejections,
                e.threshold
            ),
            IdentityEvent::ApprovalRemoved(e) => format!(
                "ApprovalRemoved {} by {}: {}/{} votes",
                id(&e.proposal),
                id(&e.controller),
                e.votes,
                e.threshold
            ),
            IdentityEvent::ProposalExecuted(e) => format!(
                "ProposalExecuted {} by {}",
                id(&e.proposal),
                id(&e.controller)
            ),
            IdentityEvent::ProposalDeleted(e) => format!(
                "ProposalDeleted {}{}",
                id(&e.proposal),
                e.controller
                    .map(|c| format!(" by {}", id(&c)))
                    .unwrap_or_else(|| " (purged)".into())
            ),
            IdentityEvent::ControllersChanged(e) => format!(
                "ControllersChanged {}: added [{}], removed [{}], updated [{}], threshold {}",
                id(&e.identity),
                ids(&e.added),
                ids(&e.removed),
                ids(&e.updated),
                e.threshold
            ),
            IdentityEvent::DidDocumentUpdated(e) => format!(
                "DidDocumentUpdated {}{}",
                id(&e.identity),
                if e.deleted {
                    ": deleted"
                } else if e.deactivated {
                    ": deactivated"
                } else {
                    ""
                }
            ),
            IdentityEvent::IdentityUpgraded(e) => {
                format!(
                    "IdentityUpgraded {} to version {}",
                    id(&e.identity),
                    e.version
                )
            }
            IdentityEvent::IdentityDeleted(e) => format!("IdentityDeleted {}", id(&e.identity)),
            IdentityEvent::TokenDelegated(e) => format!(
                "TokenDelegated {} by {}, permissions {:#x}",
                id(&e.token),
                id(&e.controller),
                e.permissions
            ),
            IdentityEvent::TokenRevoked(e) => {
                format!("TokenRevoked {} by {}", id(&e.token), id(&e.controller))
            }
            IdentityEvent::TokenUnrevoked(e) => {
                format!("TokenUnrevoked {} by {}", id(&e.token), id(&e.controller))
            }
            IdentityEvent::CredentialsUpdated(e) => {
                let names = |v: &[Vec<u8>]| {
                    v.iter()
                        .map(|n| String::from_utf8_lossy(n).into_owned())
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                format!(
                    "CredentialsUpdated set [{}] removed [{}]",
                    names(&e.set),
                    names(&e.removed)
                )
            }
        }
    }
}

impl fmt::Display for IdentityEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(&NoNames))
    }
}

/// How a trace names objects and addresses.
pub(crate) trait Names {
    fn object(&self, id: ObjectID) -> String;
    fn address(&self, address: Address) -> String;
}

struct NoNames;

impl Names for NoNames {
    fn object(&self, id: ObjectID) -> String {
        short_hex(&id.into_inner())
    }

    fn address(&self, address: Address) -> String {
        short_hex(&address.into_inner())
    }
}

/// `0x1234…abcd`.
pub(crate) fn short_hex(bytes: &[u8; 32]) -> String {
    let h = hex::encode(bytes);
    format!("0x{}…{}", &h[..4], &h[60..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::event_type;
    use movid_runtime::types::address_from_u8;

    fn event(name: &str, contents: Vec<u8>) -> Event {
        Event {
            package_id: ObjectID::IDENTITY,
            transaction_module: "identity".into(),
            sender: Address::ZERO,
            type_: event_type(name),
            contents,
        }
    }

    #[test]
    fn identity_events_decode_from_bcs_in_move_field_order() {
        let approved = ProposalApproved {
            identity: address_from_u8(9),
            proposal: address_from_u8(10),
            controller: address_from_u8(11),
            votes: 2,
            threshold: 3,
        };
        let created = ProposalCreated {
            identity: address_from_u8(9),
            proposal: address_from_u8(10),
            controller: address_from_u8(11),
            expiration_epoch: Some(4),
            votes: 1,
            threshold: 3,
        };
        let events = Events::new(vec![
            event("ProposalCreated", bcs::to_bytes(&created).unwrap()),
            event("ProposalApproved", bcs::to_bytes(&approved).unwrap()),
        ]);
        assert_eq!(
            events.of::<ProposalApproved>().unwrap(),
            vec![approved.clone()]
        );
        assert_eq!(events.one::<ProposalCreated>().unwrap(), created);
        assert!(events.one::<ProposalExecuted>().is_err());
        assert_eq!(
            events.identity().unwrap(),
            vec![
                IdentityEvent::ProposalCreated(created),
                IdentityEvent::ProposalApproved(approved)
            ]
        );
        assert_eq!(events.named("events", "ProposalApproved").len(), 1);
        assert_eq!(events.of_type(&event_type("ProposalCreated")).len(), 1);
    }

    #[test]
    fn malformed_identity_event_is_a_decode_error() {
        let bad = event("ProposalApproved", vec![1, 2, 3]);
        assert!(matches!(
            IdentityEvent::from_event(&bad),
            Err(SdkError::Decode { .. })
        ));
        let mut other = bad.clone();
        other.type_.address = movid_runtime::seam::to_vm_address(address_from_u8(0x42));
        assert_eq!(IdentityEvent::from_event(&other).unwrap(), None);
    }
}
