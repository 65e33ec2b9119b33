//! An `Identity` object and its proposals as Rust values, decoded from the
//! BCS of the Move structs (whose layouts are mirrored here field by field).

use movid_runtime::types::{
    Address, Object, ObjectID, SequenceNumber, StructTag, TypeTag, WellKnown,
};
use serde::{Deserialize, Serialize};

use super::{identity_type, ProposalKind};
use crate::did::{self, Did, DidDocument, IdentityState};
use crate::error::{SdkError, SdkResult};

/// A controller: its `ControllerCap`'s ID and voting power.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControllerInfo {
    /// The `ControllerCap` that makes its owner this controller.
    pub cap_id: ObjectID,
    /// Its voting power.
    pub voting_power: u64,
}

/// An `Identity` object as read from the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OnChainIdentity {
    /// The object's ID (the DID's method-specific part).
    pub id: ObjectID,
    /// The identity's DID on the client's network.
    pub did: Did,
    /// The stored document: `Some(bytes)` when active, `Some([])` when
    /// deactivated, `None` once deleted.
    pub did_doc: Option<Vec<u8>>,
    /// The voting power a proposal needs.
    pub threshold: u64,
    /// The controllers, in the order the identity keeps them.
    pub controllers: Vec<ControllerInfo>,
    /// The IDs of the open proposals, oldest first.
    pub proposal_ids: Vec<ObjectID>,
    /// The creating controller (`ControllerCap` ID) of each of
    /// `proposal_ids`, at the same index: the per-controller quota counts
    /// these.
    pub proposal_creators: Vec<ObjectID>,
    /// The open proposals that decoded, oldest first, when loaded (empty
    /// otherwise).
    pub proposals: Vec<Proposal>,
    /// The open proposals that could not be read or decoded, when loaded:
    /// one bad proposal is reported here instead of failing the whole read.
    pub undecodable_proposals: Vec<UndecodableProposal>,
    /// Revoked delegation token IDs.
    pub revoked_tokens: Vec<ObjectID>,
    /// Live delegation tokens the identity minted, each with the
    /// `ControllerCap` it acts for: the only tokens that can be revoked.
    pub tokens: Vec<(ObjectID, ObjectID)>,
    /// Clock milliseconds at creation.
    pub created_ms: u64,
    /// Clock milliseconds of the last document change.
    pub updated_ms: u64,
    /// The identity package version the identity follows.
    pub package_version: u64,
    /// Whether the identity was deleted.
    pub deleted: bool,
    /// Whether its DID document was deleted.
    pub deleted_did: bool,
    /// The document's version number, kept by the identity package: 1 as
    /// created, one more with every change of the document (the DID document
    /// metadata's `versionId`).
    pub doc_version: u64,
    /// The object's version (changes with every write, document or not).
    pub object_version: SequenceNumber,
    /// The version at which the identity became shared.
    pub initial_shared_version: SequenceNumber,
    /// The object bag holding the proposals.
    pub proposals_bag: ObjectID,
}

impl OnChainIdentity {
    /// Decodes an `Identity` object. Its proposals are left empty: they are
    /// separate objects (see `IdentityClient::get_identity`).
    pub fn from_object(object: &Object, network: &str) -> SdkResult<OnChainIdentity> {
        let id = object.id();
        let m = object
            .as_move()
            .filter(|m| m.type_ == identity_type())
            .ok_or_else(|| SdkError::wrong_type(id, "0x3::identity::Identity", object.type_()))?;
        let raw: IdentityRaw = bcs::from_bytes(&m.contents)
            .map_err(|e| SdkError::decode(format!("identity {id}"), e))?;
        let initial_shared_version = match object.owner {
            movid_runtime::types::Owner::Shared {
                initial_shared_version,
            } => initial_shared_version,
            _ => 0,
        };
        let did =
            Did::new(network, id.into_inner()).map_err(|e| SdkError::decode("network name", e))?;
        Ok(OnChainIdentity {
            id,
            did,
            did_doc: raw.did_doc.controlled_value,
            threshold: raw.did_doc.threshold,
            controllers: raw
                .did_doc
                .controllers
                .into_iter()
                .map(|(cap_id, voting_power)| ControllerInfo {
                    cap_id,
                    voting_power,
                })
                .collect(),
            proposals: vec![],
            undecodable_proposals: vec![],
            revoked_tokens: raw.did_doc.revoked_tokens,
            tokens: raw.did_doc.tokens,
            proposal_creators: raw.did_doc.proposal_creators,
            created_ms: raw.created,
            updated_ms: raw.updated,
            package_version: raw.version,
            deleted: raw.deleted,
            deleted_did: raw.deleted_did,
            doc_version: raw.doc_version,
            object_version: object.version(),
            initial_shared_version,
            proposals_bag: raw.did_doc.proposals.0,
            proposal_ids: raw.did_doc.active_proposals,
        })
    }

    /// The DID document: `None` when deactivated or deleted.
    pub fn document(&self) -> SdkResult<Option<DidDocument>> {
        match self.did_doc.as_deref() {
            None | Some([]) => Ok(None),
            Some(bytes) => did::unpack(bytes, &self.did)
                .map(Some)
                .map_err(|e| SdkError::decode(format!("the document of {}", self.did), e)),
        }
    }

    /// Whether the document is deactivated (stored as empty bytes).
    pub fn is_deactivated(&self) -> bool {
        self.did_doc.as_deref() == Some(&[])
    }

    /// The address objects owned by the identity are sent to.
    pub fn address(&self) -> Address {
        self.id
    }

    /// The sum of the controllers' voting power.
    pub fn total_voting_power(&self) -> u64 {
        self.controllers.iter().map(|c| c.voting_power).sum()
    }

    /// The voting power of controller `cap_id`, if it is one.
    pub fn voting_power(&self, cap_id: ObjectID) -> Option<u64> {
        self.controllers
            .iter()
            .find(|c| c.cap_id == cap_id)
            .map(|c| c.voting_power)
    }

    /// Whether `cap_id` is a controller's cap.
    pub fn is_controller(&self, cap_id: ObjectID) -> bool {
        self.voting_power(cap_id).is_some()
    }

    /// The number of open proposals the controller `cap_id` created.
    pub fn open_proposals_of(&self, cap_id: ObjectID) -> usize {
        self.proposal_creators
            .iter()
            .filter(|c| **c == cap_id)
            .count()
    }

    /// The open proposal `id`, if loaded.
    pub fn proposal(&self, id: ObjectID) -> Option<&Proposal> {
        self.proposals.iter().find(|p| p.id == id)
    }

    /// The current voting power behind `proposal`, as execution counts it:
    /// voters that are still controllers, at their current power.
    pub fn current_votes(&self, proposal: &Proposal) -> u64 {
        proposal
            .voters
            .iter()
            .filter_map(|v| self.voting_power(*v))
            .sum()
    }

    /// The current voting power of `proposal`'s rejecters; at the threshold
    /// the proposal is deleted.
    pub fn current_rejections(&self, proposal: &Proposal) -> u64 {
        proposal
            .rejecters
            .iter()
            .filter_map(|v| self.voting_power(*v))
            .sum()
    }

    /// The DID fields a resolver needs.
    pub fn state(&self) -> IdentityState {
        IdentityState {
            did_doc: self.did_doc.clone(),
            deleted_did: self.deleted_did,
            created_ms: self.created_ms,
            updated_ms: self.updated_ms,
            doc_version: self.doc_version,
            version: self.object_version,
        }
    }
}

/// An open proposal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proposal {
    /// The proposal's object ID.
    pub id: ObjectID,
    /// Its action's Move type (the `T` of `Proposal<T>`).
    pub action_type: TypeTag,
    /// What it does.
    pub action: ProposalAction,
    /// Voting power behind it when its votes last changed (execution
    /// recounts: see [`OnChainIdentity::current_votes`]).
    pub votes: u64,
    /// The `ControllerCap` IDs that approved it.
    pub voters: Vec<ObjectID>,
    /// The `ControllerCap` IDs that rejected it.
    pub rejecters: Vec<ObjectID>,
    /// The last epoch in which it may be approved or executed.
    pub expiration_epoch: Option<u64>,
}

impl Proposal {
    /// Decodes a `Proposal<T>` object.
    pub fn from_object(object: &Object) -> SdkResult<Proposal> {
        let id = object.id();
        let m = object
            .as_move()
            .filter(|m| is_proposal_type(&m.type_))
            .ok_or_else(|| {
                SdkError::wrong_type(id, "0x3::multicontroller::Proposal<T>", object.type_())
            })?;
        let action_type = m.type_.type_params[0].clone();
        let decode_err = |e: bcs::Error| SdkError::decode(format!("proposal {id}"), e);
        let (head, rest): (ProposalHead, &[u8]) = split_head(&m.contents).map_err(decode_err)?;
        let action = match ProposalKind::from_type(&action_type) {
            Some(ProposalKind::UpdateDid) => ProposalAction::UpdateDid {
                doc: bcs::from_bytes(rest).map_err(decode_err)?,
            },
            Some(ProposalKind::ConfigChange) => {
                let raw: ConfigChangeRaw = bcs::from_bytes(rest).map_err(decode_err)?;
                ProposalAction::ConfigChange(raw.into())
            }
            Some(ProposalKind::Send) => {
                let raw: SendRaw = bcs::from_bytes(rest).map_err(decode_err)?;
                ProposalAction::Send {
                    objects: raw.objects,
                    recipients: raw.recipients,
                }
            }
            Some(ProposalKind::Borrow) => {
                let raw: BorrowRaw = bcs::from_bytes(rest).map_err(decode_err)?;
                ProposalAction::Borrow {
                    objects: raw.objects,
                }
            }
            Some(ProposalKind::ControllerExecution) => ProposalAction::ControllerExecution {
                credential: bcs::from_bytes(rest).map_err(decode_err)?,
            },
            Some(ProposalKind::Upgrade) => ProposalAction::Upgrade {
                version: bcs::from_bytes(rest).map_err(decode_err)?,
            },
            Some(ProposalKind::DeleteIdentity) => ProposalAction::DeleteIdentity,
            Some(ProposalKind::UnrevokeToken) => ProposalAction::UnrevokeToken {
                token: bcs::from_bytes(rest).map_err(decode_err)?,
            },
            Some(ProposalKind::UpdateCredentials) => {
                let raw: super::credentials::UpdateCredentialsRaw =
                    bcs::from_bytes(rest).map_err(decode_err)?;
                ProposalAction::UpdateCredentials(raw.into())
            }
            None => ProposalAction::Unknown {
                contents: rest.to_vec(),
            },
        };
        Ok(Proposal {
            id,
            action_type,
            action,
            votes: head.votes,
            voters: head.voters,
            rejecters: head.rejecters,
            expiration_epoch: head.expiration_epoch,
        })
    }

    /// The proposal's kind, if it is one of the identity package's.
    pub fn kind(&self) -> Option<ProposalKind> {
        ProposalKind::from_type(&self.action_type)
    }

    /// Whether it expired before `epoch`.
    pub fn is_expired_at(&self, epoch: u64) -> bool {
        self.expiration_epoch.is_some_and(|e| e < epoch)
    }
}

/// What a proposal does when executed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProposalAction {
    /// Set the DID document: `Some(bytes)` updates, `Some([])` deactivates,
    /// `None` deletes it for good.
    UpdateDid {
        /// The new document bytes.
        doc: Option<Vec<u8>>,
    },
    /// Change controllers and threshold.
    ConfigChange(ConfigChange),
    /// Send objects the identity owns.
    Send {
        /// Objects still to send.
        objects: Vec<ObjectID>,
        /// Their recipients, in the same order.
        recipients: Vec<Address>,
    },
    /// Borrow objects the identity owns for one transaction.
    Borrow {
        /// The objects that may be borrowed.
        objects: Vec<ObjectID>,
    },
    /// Use a credential the identity owns on a sub-identity.
    ControllerExecution {
        /// The `ControllerCap` or `DelegationToken` ID.
        credential: ObjectID,
    },
    /// Migrate to a newer package version.
    Upgrade {
        /// The version migrated to.
        version: u64,
    },
    /// Delete the identity.
    DeleteIdentity,
    /// Lift the revocation of a delegation token.
    UnrevokeToken {
        /// The token's ID.
        token: ObjectID,
    },
    /// Set and remove public credentials.
    UpdateCredentials(super::credentials::CredentialChange),
    /// An action type this SDK does not know, as BCS.
    Unknown {
        /// The action's BCS.
        contents: Vec<u8>,
    },
}

/// An open proposal whose object could not be read or decoded (for example
/// one holding a value the runtime should have refused): reported with its
/// ID so that the identity's other proposals stay readable.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UndecodableProposal {
    /// The proposal's object ID.
    pub id: ObjectID,
    /// Why it could not be decoded.
    pub error: String,
}

/// A new controller in a [`ConfigChange`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewController {
    /// The account (or identity) receiving the `ControllerCap`.
    pub address: Address,
    /// Its voting power.
    pub voting_power: u64,
    /// Whether it may mint delegation tokens.
    pub can_delegate: bool,
}

/// A change of controllers and threshold, applied as: voting power
/// updates, removals, additions, then the threshold.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigChange {
    /// The new threshold (`None` keeps it).
    pub threshold: Option<u64>,
    /// Controllers to add.
    pub add: Vec<NewController>,
    /// `ControllerCap` IDs of controllers to remove.
    pub remove: Vec<ObjectID>,
    /// `ControllerCap` IDs with their new voting power.
    pub update: Vec<(ObjectID, u64)>,
}

impl ConfigChange {
    /// A change that only sets the threshold.
    pub fn threshold(threshold: u64) -> Self {
        ConfigChange {
            threshold: Some(threshold),
            ..Default::default()
        }
    }

    /// Adds a controller.
    pub fn add_controller(
        mut self,
        address: Address,
        voting_power: u64,
        can_delegate: bool,
    ) -> Self {
        self.add.push(NewController {
            address,
            voting_power,
            can_delegate,
        });
        self
    }

    /// Removes the controller `cap_id`.
    pub fn remove_controller(mut self, cap_id: ObjectID) -> Self {
        self.remove.push(cap_id);
        self
    }

    /// Sets the voting power of controller `cap_id`.
    pub fn update_voting_power(mut self, cap_id: ObjectID, voting_power: u64) -> Self {
        self.update.push((cap_id, voting_power));
        self
    }

    /// Sets the threshold.
    pub fn with_threshold(mut self, threshold: u64) -> Self {
        self.threshold = Some(threshold);
        self
    }
}

/// A `ControllerCap` object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControllerCap {
    /// The cap's ID.
    pub id: ObjectID,
    /// The identity it controls.
    pub controller_of: ObjectID,
    /// Whether it may delegate.
    pub can_delegate: bool,
}

/// A `DelegationToken` object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DelegationToken {
    /// The token's ID.
    pub id: ObjectID,
    /// The `ControllerCap` it acts for.
    pub controller: ObjectID,
    /// The identity that controller controls.
    pub controller_of: ObjectID,
    /// Its permission bitmask (see [`super::permissions`]).
    pub permissions: u64,
}

impl ControllerCap {
    /// Decodes a `ControllerCap` object.
    pub fn from_object(object: &Object) -> SdkResult<ControllerCap> {
        decode_typed(
            object,
            &super::controller_cap_type(),
            "0x3::controller::ControllerCap",
        )
    }
}

impl DelegationToken {
    /// Decodes a `DelegationToken` object.
    pub fn from_object(object: &Object) -> SdkResult<DelegationToken> {
        decode_typed(
            object,
            &super::delegation_token_type(),
            "0x3::controller::DelegationToken",
        )
    }
}

fn decode_typed<T: for<'de> Deserialize<'de>>(
    object: &Object,
    ty: &StructTag,
    name: &str,
) -> SdkResult<T> {
    let id = object.id();
    let m = object
        .as_move()
        .filter(|m| &m.type_ == ty)
        .ok_or_else(|| SdkError::wrong_type(id, name, object.type_()))?;
    bcs::from_bytes(&m.contents).map_err(|e| SdkError::decode(format!("{name} {id}"), e))
}

pub(crate) fn is_proposal_type(t: &StructTag) -> bool {
    t.address == movid_runtime::seam::to_vm_address(ObjectID::IDENTITY)
        && t.module.as_str() == "multicontroller"
        && t.name.as_str() == "Proposal"
        && t.type_params.len() == 1
}

// === BCS mirrors of the Move structs ===

#[derive(Deserialize)]
struct IdentityRaw {
    #[allow(dead_code)]
    id: ObjectID,
    did_doc: MulticontrollerRaw,
    created: u64,
    updated: u64,
    version: u64,
    deleted: bool,
    deleted_did: bool,
    doc_version: u64,
}

#[derive(Deserialize)]
struct MulticontrollerRaw {
    #[allow(dead_code)]
    owner: ObjectID,
    threshold: u64,
    /// `VecMap<ID, u64>`: a vector of entries.
    controllers: Vec<(ObjectID, u64)>,
    controlled_value: Option<Vec<u8>>,
    active_proposals: Vec<ObjectID>,
    /// The creator of each active proposal, at the same index.
    proposal_creators: Vec<ObjectID>,
    /// `ObjectBag { id, size }`.
    proposals: (ObjectID, u64),
    /// `VecSet<ID>`: a vector.
    revoked_tokens: Vec<ObjectID>,
    /// `VecMap<ID, ID>`: token -> its controller's cap.
    tokens: Vec<(ObjectID, ObjectID)>,
}

#[derive(Deserialize)]
struct ProposalHead {
    #[allow(dead_code)]
    id: ObjectID,
    votes: u64,
    voters: Vec<ObjectID>,
    rejecters: Vec<ObjectID>,
    expiration_epoch: Option<u64>,
}

/// Decodes the fields of `Proposal<T>` before the action and returns the
/// action's bytes. BCS has no framing, so the head's length is computed from
/// its layout: id (32), votes (8), voters and rejecters (ULEB128 length + 32
/// each), expiration (tag 0, or tag 1 + 8). Any other expiration tag is
/// refused: an `Option` has at most one element.
fn split_head(contents: &[u8]) -> Result<(ProposalHead, &[u8]), bcs::Error> {
    let eof = || bcs::Error::Eof;
    let mut at = 40;
    for _ in 0..2 {
        let n = read_uleb128(contents, &mut at)?;
        let len = usize::try_from(n)
            .ok()
            .and_then(|n| n.checked_mul(32))
            .ok_or_else(eof)?;
        at = at.checked_add(len).ok_or_else(eof)?;
    }
    at += match contents.get(at).ok_or_else(eof)? {
        0 => 1,
        1 => 9,
        tag => {
            return Err(bcs::Error::Custom(format!(
                "expiration_epoch: an Option with {tag} elements"
            )))
        }
    };
    let head_bytes = contents.get(..at).ok_or_else(eof)?;
    Ok((bcs::from_bytes(head_bytes)?, &contents[at..]))
}

/// Reads a ULEB128 length at `*at`, advancing it.
fn read_uleb128(contents: &[u8], at: &mut usize) -> Result<u64, bcs::Error> {
    let mut n: u64 = 0;
    let mut shift = 0;
    loop {
        let byte = *contents.get(*at).ok_or(bcs::Error::Eof)?;
        *at += 1;
        n |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(n);
        }
        shift += 7;
        if shift > 63 {
            return Err(bcs::Error::NonCanonicalUleb128Encoding);
        }
    }
}

#[derive(Deserialize)]
struct ConfigChangeRaw {
    threshold: Option<u64>,
    add_addresses: Vec<Address>,
    add_voting_powers: Vec<u64>,
    add_can_delegate: Vec<bool>,
    remove: Vec<ObjectID>,
    update_ids: Vec<ObjectID>,
    update_voting_powers: Vec<u64>,
}

impl From<ConfigChangeRaw> for ConfigChange {
    fn from(raw: ConfigChangeRaw) -> Self {
        ConfigChange {
            threshold: raw.threshold,
            add: raw
                .add_addresses
                .into_iter()
                .zip(raw.add_voting_powers)
                .zip(raw.add_can_delegate)
                .map(|((address, voting_power), can_delegate)| NewController {
                    address,
                    voting_power,
                    can_delegate,
                })
                .collect(),
            remove: raw.remove,
            update: raw
                .update_ids
                .into_iter()
                .zip(raw.update_voting_powers)
                .collect(),
        }
    }
}

#[derive(Deserialize)]
struct SendRaw {
    #[allow(dead_code)]
    identity: ObjectID,
    objects: Vec<ObjectID>,
    recipients: Vec<Address>,
}

#[derive(Deserialize)]
struct BorrowRaw {
    #[allow(dead_code)]
    identity: ObjectID,
    objects: Vec<ObjectID>,
    #[allow(dead_code)]
    borrowed: Vec<ObjectID>,
}

#[cfg(test)]
mod tests {
    use movid_runtime::types::{Digest, MoveObject, Owner};

    use super::*;
    use crate::tx::struct_tag;
    use movid_runtime::types::random_address;

    /// A `Proposal<UpdateDid>` object with one voter, no rejecter, the
    /// expiration given as raw BCS and a deactivation as its action.
    fn proposal_object(expiration: &[u8]) -> Object {
        let mut contents = vec![7u8; 32];
        contents.extend(1u64.to_le_bytes());
        contents.push(1);
        contents.extend([9u8; 32]);
        contents.push(0);
        contents.extend(expiration);
        contents.extend([1, 0]);
        let type_ = struct_tag(
            ObjectID::IDENTITY,
            "multicontroller",
            "Proposal",
            vec![ProposalKind::UpdateDid.type_tag()],
        );
        Object::new_move(
            MoveObject {
                type_,
                has_public_transfer: true,
                version: 1,
                contents,
            },
            Owner::ObjectOwner(random_address()),
            Digest::ZERO,
        )
    }

    #[test]
    fn a_proposal_head_decodes_field_by_field() {
        let p = Proposal::from_object(&proposal_object(&[1, 5, 0, 0, 0, 0, 0, 0, 0])).unwrap();
        assert_eq!(p.voters, vec![ObjectID::new([9; 32])]);
        assert!(p.rejecters.is_empty());
        assert_eq!(p.expiration_epoch, Some(5));
        assert_eq!(p.action, ProposalAction::UpdateDid { doc: Some(vec![]) });
    }

    #[test]
    fn a_two_element_option_expiration_is_an_error_not_a_misread() {
        let two = [2, 5, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0];
        let err = Proposal::from_object(&proposal_object(&two)).unwrap_err();
        assert!(err.to_string().contains("2 elements"), "{err}");
        // Split into the decoded and the undecodable, the other proposal survives.
        let good = proposal_object(&[0]);
        let ids = [ObjectID::new([1; 32]), good.id()];
        let (decoded, undecodable) =
            super::super::split_decoded(&ids, vec![Err(err), Proposal::from_object(&good)]);
        assert_eq!(decoded.len(), 1);
        assert_eq!(undecodable.len(), 1);
        assert_eq!(undecodable[0].id, ids[0]);
    }
}
