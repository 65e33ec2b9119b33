//! The on-chain `AccessAuthority` (package 0x4, `move/access/README.md`):
//! reading it, looking policies and revocations up by dynamic field ID, and
//! changing it through the governing identity's borrow proposals.

use std::sync::Arc;

use movid_runtime::natives::dynamic_field_id;
use movid_runtime::types::{
    Address, Argument, Object, ObjectID, Owner, SequenceNumber, StructTag, TypeTag, WellKnown,
};
use serde::{Deserialize, Serialize};

use super::x509::Serial;
use super::{AccessError, AccessResult, Refusal};
use crate::client::Client;
use crate::did::Did;
use crate::error::SdkError;
use crate::identity::{calls, Controller, IdentityClient, OnChainIdentity};
use crate::tx::{struct_tag, Signer, TransactionBuilder, TransactionResponse};

const PKG: ObjectID = ObjectID::ACCESS;

/// `0x4::authority::AccessAuthority`.
pub fn authority_type() -> StructTag {
    struct_tag(PKG, "authority", "AccessAuthority", vec![])
}

/// `0x4::authority::AuthorityCap`.
pub fn authority_cap_type() -> StructTag {
    struct_tag(PKG, "authority", "AuthorityCap", vec![])
}

/// A `0x2::table::Table`: the ID its entries hang off, and their number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableRef {
    /// The table's UID: the parent of its dynamic fields.
    pub id: ObjectID,
    /// The number of entries.
    pub size: u64,
}

/// An `AccessAuthority` object as read from the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessAuthority {
    /// The authority's object ID.
    pub id: ObjectID,
    /// The identity governing it (owner of its `AuthorityCap`).
    pub authority_identity: ObjectID,
    /// The CA's Ed25519 public key.
    pub ca_public_key: [u8; 32],
    /// Subject identity (as an address) -> `Policy`.
    pub policies: TableRef,
    /// Revoked token hash -> epoch of revocation.
    pub revoked_tokens: TableRef,
    /// Revoked certificate serial -> epoch of revocation.
    pub revoked_serials: TableRef,
    /// The layout version it was created with.
    pub version: u64,
    /// Redeemed token hash -> serial of the one certificate issued for it.
    pub redeemed_tokens: TableRef,
    /// The object's version.
    pub object_version: SequenceNumber,
}

/// The BCS layout of `AccessAuthority`, field by field.
#[derive(Deserialize)]
struct AuthorityRaw {
    id: ObjectID,
    authority_identity: ObjectID,
    ca_public_key: Vec<u8>,
    policies: TableRef,
    revoked_tokens: TableRef,
    revoked_serials: TableRef,
    version: u64,
    redeemed_tokens: TableRef,
}

impl AccessAuthority {
    /// Decodes an `AccessAuthority` object.
    pub fn from_object(object: &Object) -> AccessResult<AccessAuthority> {
        let id = object.id();
        let m = object
            .as_move()
            .filter(|m| m.type_ == authority_type())
            .ok_or_else(|| {
                SdkError::wrong_type(id, "0x4::authority::AccessAuthority", object.type_())
            })?;
        let raw: AuthorityRaw = bcs::from_bytes(&m.contents)
            .map_err(|e| SdkError::decode(format!("access authority {id}"), e))?;
        let ca_public_key = raw.ca_public_key.try_into().map_err(|_| {
            SdkError::decode(
                format!("access authority {id}"),
                "the CA key is not 32 bytes",
            )
        })?;
        Ok(AccessAuthority {
            id: raw.id,
            authority_identity: raw.authority_identity,
            ca_public_key,
            policies: raw.policies,
            revoked_tokens: raw.revoked_tokens,
            revoked_serials: raw.revoked_serials,
            version: raw.version,
            redeemed_tokens: raw.redeemed_tokens,
            object_version: object.version(),
        })
    }
}

/// What one subject may do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    /// The services it may connect to.
    pub allowed_services: Vec<String>,
    /// The most sessions it may hold at once.
    pub max_sessions: u64,
}

impl Policy {
    /// Whether the policy allows `service`.
    pub fn allows(&self, service: &str) -> bool {
        self.allowed_services.iter().any(|s| s == service)
    }
}

/// `Field<address, Policy>`: the dynamic field object holding one policy.
#[derive(Deserialize)]
struct PolicyField {
    _id: ObjectID,
    _name: Address,
    allowed_services: Vec<Vec<u8>>,
    max_sessions: u64,
}

/// One change to an authority, made with its `AuthorityCap`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthorityChange {
    /// `set_policy`: grants `subject` these services and sessions,
    /// replacing its earlier policy.
    SetPolicy {
        /// The subject identity.
        subject: ObjectID,
        /// 1 to 32 distinct printable-ASCII names.
        allowed_services: Vec<String>,
        /// At least 1.
        max_sessions: u64,
    },
    /// `remove_policy`.
    RemovePolicy {
        /// The subject identity.
        subject: ObjectID,
    },
    /// `revoke_token`.
    RevokeToken {
        /// The token's hash ([`super::EnrollmentToken::hash`]).
        token_hash: [u8; 32],
    },
    /// `unrevoke_token`.
    UnrevokeToken {
        /// The token's hash.
        token_hash: [u8; 32],
    },
    /// `revoke_certificate`.
    RevokeCertificate {
        /// The certificate's serial.
        serial: Serial,
    },
    /// `unrevoke_certificate`.
    UnrevokeCertificate {
        /// The certificate's serial.
        serial: Serial,
    },
    /// `rotate_ca_key`.
    RotateCaKey {
        /// The new CA key.
        new_key: [u8; 32],
    },
}

impl AuthorityChange {
    /// Adds the call to `tx`, with the authority and the borrowed cap.
    fn add_to(&self, tx: &mut TransactionBuilder<'_>, authority: Argument, cap: Argument) {
        let (function, args) = match self {
            AuthorityChange::SetPolicy {
                subject,
                allowed_services,
                max_sessions,
            } => {
                let services: Vec<&[u8]> = allowed_services.iter().map(|s| s.as_bytes()).collect();
                (
                    "set_policy",
                    vec![tx.pure(subject), tx.pure(&services), tx.pure(max_sessions)],
                )
            }
            AuthorityChange::RemovePolicy { subject } => ("remove_policy", vec![tx.pure(subject)]),
            AuthorityChange::RevokeToken { token_hash } => {
                ("revoke_token", vec![tx.pure(&token_hash.to_vec())])
            }
            AuthorityChange::UnrevokeToken { token_hash } => {
                ("unrevoke_token", vec![tx.pure(&token_hash.to_vec())])
            }
            AuthorityChange::RevokeCertificate { serial } => {
                ("revoke_certificate", vec![tx.pure(&serial.0.to_vec())])
            }
            AuthorityChange::UnrevokeCertificate { serial } => {
                ("unrevoke_certificate", vec![tx.pure(&serial.0.to_vec())])
            }
            AuthorityChange::RotateCaKey { new_key } => {
                ("rotate_ca_key", vec![tx.pure(&new_key.to_vec())])
            }
        };
        let mut all = vec![authority, cap];
        all.extend(args);
        tx.move_call(PKG, "authority", function, vec![], all);
    }
}

/// Reads access authorities and changes them as their governing identity.
///
/// Lookups go straight to one dynamic field by ID
/// (`dynamic_field_id(table, key type, bcs(key))`), so their cost does not
/// grow with the number of policies or revocations. Changes are borrow
/// proposals of the authority's identity for its `AuthorityCap`: the cap
/// is taken out, the `access::authority` functions are called with it and
/// it is given back, in one transaction that only runs once the proposal
/// reached the identity's threshold.
#[derive(Clone)]
pub struct AccessClient {
    client: Arc<dyn Client>,
}

impl std::fmt::Debug for AccessClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessClient")
            .field("network", &self.client.network())
            .finish()
    }
}

impl AccessClient {
    /// An access client over `client`.
    pub fn new(client: Arc<dyn Client>) -> AccessClient {
        AccessClient { client }
    }

    /// The underlying client.
    pub fn client(&self) -> &Arc<dyn Client> {
        &self.client
    }

    /// The DID of object `id` on this chain.
    pub fn did_of(&self, id: ObjectID) -> AccessResult<Did> {
        Did::new(self.client.network(), id.into_inner())
            .map_err(|e| SdkError::decode("network name", e).into())
    }

    /// Creates and shares an authority governed by `identity`, with the CA
    /// key `ca_public_key`; its `AuthorityCap` goes to the identity. `signer`
    /// must hold a `ControllerCap` of the identity. Returns the authority's ID.
    pub async fn create_authority(
        &self,
        signer: &dyn Signer,
        identity: ObjectID,
        ca_public_key: [u8; 32],
    ) -> AccessResult<ObjectID> {
        let identities = IdentityClient::new(self.client.clone());
        let cap = identities
            .controller(identity, signer)
            .await?
            .controller_cap();
        let mut tx = TransactionBuilder::new(&*self.client, signer.address());
        let identity_arg = tx.shared_object(identity, false).await?;
        let cap = tx.object(cap).await?;
        let auth = calls::auth_with_cap(&mut tx, cap);
        let key = tx.pure(&ca_public_key.to_vec());
        tx.move_call(
            PKG,
            "authority",
            "create",
            vec![],
            vec![identity_arg, auth, key],
        );
        let response = tx.execute(signer).await.map_err(explain)?;
        Ok(response.created_id_of_type(&authority_type())?)
    }

    /// Reads authority `id`.
    pub async fn authority(&self, id: ObjectID) -> AccessResult<AccessAuthority> {
        AccessAuthority::from_object(&self.client.object(id).await?)
    }

    /// The identity governing `authority`, as read now.
    pub async fn authority_identity(
        &self,
        authority: &AccessAuthority,
    ) -> AccessResult<OnChainIdentity> {
        let object = self.client.object(authority.authority_identity).await?;
        Ok(OnChainIdentity::from_object(
            &object,
            self.client.network(),
        )?)
    }

    /// `subject`'s policy, or `None` if it has none.
    pub async fn policy(
        &self,
        authority: &AccessAuthority,
        subject: ObjectID,
    ) -> AccessResult<Option<Policy>> {
        let key = bcs::to_bytes(&subject).expect("an address serializes");
        let Some(field) = self
            .table_entry(&authority.policies, &TypeTag::Address, &key)
            .await?
        else {
            return Ok(None);
        };
        let contents = &field.as_move().expect("a Move object").contents;
        let raw: PolicyField = bcs::from_bytes(contents)
            .map_err(|e| SdkError::decode(format!("the policy of {subject}"), e))?;
        let allowed_services = raw
            .allowed_services
            .into_iter()
            .map(|s| String::from_utf8(s).map_err(|e| SdkError::decode("a service name", e)))
            .collect::<Result<_, _>>()?;
        Ok(Some(Policy {
            allowed_services,
            max_sessions: raw.max_sessions,
        }))
    }

    /// Whether the token with hash `token_hash` is revoked.
    pub async fn is_token_revoked(
        &self,
        authority: &AccessAuthority,
        token_hash: &[u8; 32],
    ) -> AccessResult<bool> {
        let key = bcs::to_bytes(&token_hash.to_vec()).expect("bytes serialize");
        Ok(self
            .table_entry(&authority.revoked_tokens, &bytes_tag(), &key)
            .await?
            .is_some())
    }

    /// Whether the token with hash `token_hash` was already redeemed for a
    /// certificate (tokens are single-use).
    pub async fn is_token_redeemed(
        &self,
        authority: &AccessAuthority,
        token_hash: &[u8; 32],
    ) -> AccessResult<bool> {
        let key = bcs::to_bytes(&token_hash.to_vec()).expect("bytes serialize");
        Ok(self
            .table_entry(&authority.redeemed_tokens, &bytes_tag(), &key)
            .await?
            .is_some())
    }

    /// Records on chain that the token with hash `token_hash` was redeemed
    /// for the certificate `serial`. `ca` must be the CA key itself (the
    /// authority accepts redemptions only from its account, which pays the
    /// gas). A second redemption of the same token is refused with
    /// [`Refusal::TokenAlreadyRedeemed`].
    pub async fn redeem_token(
        &self,
        ca: &dyn Signer,
        authority: ObjectID,
        token_hash: &[u8; 32],
        serial: &Serial,
    ) -> AccessResult<()> {
        let mut tx = TransactionBuilder::new(&*self.client, ca.address());
        let authority_arg = tx.shared_object(authority, true).await?;
        let hash = tx.pure(&token_hash.to_vec());
        let serial = tx.pure(&serial.0.to_vec());
        tx.move_call(
            PKG,
            "authority",
            "redeem_token",
            vec![],
            vec![authority_arg, hash, serial],
        );
        match tx.execute(ca).await.map_err(explain) {
            Ok(_) => Ok(()),
            Err(AccessError::Authority { code, .. }) if code == E_TOKEN_ALREADY_REDEEMED => {
                Err(Refusal::TokenAlreadyRedeemed {
                    hash: hex::encode(token_hash),
                }
                .into())
            }
            Err(e) => Err(e),
        }
    }

    /// Whether the certificate with `serial` is revoked.
    pub async fn is_serial_revoked(
        &self,
        authority: &AccessAuthority,
        serial: &Serial,
    ) -> AccessResult<bool> {
        let key = bcs::to_bytes(&serial.0.to_vec()).expect("bytes serialize");
        Ok(self
            .table_entry(&authority.revoked_serials, &bytes_tag(), &key)
            .await?
            .is_some())
    }

    /// The table entry for a key, if present: the dynamic field object whose
    /// ID is derived from the table and the key, owned by the table.
    async fn table_entry(
        &self,
        table: &TableRef,
        key_type: &TypeTag,
        key_bcs: &[u8],
    ) -> AccessResult<Option<Object>> {
        let id = dynamic_field_id(&table.id, key_type, key_bcs);
        Ok(self
            .client
            .get_object(id)
            .await?
            .filter(|o| o.owner == Owner::ObjectOwner(table.id)))
    }

    /// The `AuthorityCap` of `authority`, which its identity owns.
    pub async fn authority_cap(&self, authority: &AccessAuthority) -> AccessResult<ObjectID> {
        let ty = authority_cap_type();
        self.client
            .owned_objects(authority.authority_identity)
            .await?
            .iter()
            .filter(|o| o.type_() == Some(&ty))
            .find(|o| {
                let contents = &o.as_move().expect("a Move object").contents;
                contents.get(32..64) == Some(&authority.id.into_inner()[..])
            })
            .map(Object::id)
            .ok_or_else(|| {
                AccessError::InvalidArgument(format!(
                    "identity {} does not hold the AuthorityCap of {}",
                    authority.authority_identity, authority.id
                ))
            })
    }

    /// Opens a borrow proposal of the authority's `AuthorityCap` in its
    /// identity, as `controller` (a controller of that identity). Once other
    /// controllers approved it (`Controller::approve`), a controller runs
    /// the changes with [`AccessClient::execute_changes`].
    pub async fn propose_changes(
        &self,
        controller: &Controller<'_>,
        authority: ObjectID,
    ) -> AccessResult<ObjectID> {
        let authority = self.authority(authority).await?;
        self.check_controller(controller, &authority)?;
        let cap = self.authority_cap(&authority).await?;
        Ok(controller.propose_borrow(&[cap]).await?)
    }

    /// Executes the approved borrow proposal `proposal_id` with `changes`,
    /// in order, in one transaction. Fails with the identity package's
    /// `ThresholdNotReached` (and changes nothing) when the proposal lacks
    /// votes.
    pub async fn execute_changes(
        &self,
        controller: &Controller<'_>,
        authority: ObjectID,
        proposal_id: ObjectID,
        changes: &[AuthorityChange],
    ) -> AccessResult<TransactionResponse> {
        let object = self.client.object(authority).await?;
        self.check_controller(controller, &AccessAuthority::from_object(&object)?)?;
        let changes = changes.to_vec();
        controller
            .execute_borrow(proposal_id, move |tx, borrowed| {
                add_changes(tx, &object, borrowed[0].arg, &changes)
            })
            .await
            .map_err(explain)
    }

    /// Proposes and executes `changes` in one transaction; needs
    /// `controller` alone to reach the identity's threshold.
    pub async fn change_now(
        &self,
        controller: &Controller<'_>,
        authority: ObjectID,
        changes: &[AuthorityChange],
    ) -> AccessResult<TransactionResponse> {
        let object = self.client.object(authority).await?;
        let decoded = AccessAuthority::from_object(&object)?;
        self.check_controller(controller, &decoded)?;
        let cap = self.authority_cap(&decoded).await?;
        let changes = changes.to_vec();
        controller
            .borrow_now(&[cap], move |tx, borrowed| {
                add_changes(tx, &object, borrowed[0].arg, &changes)
            })
            .await
            .map_err(explain)
    }

    fn check_controller(
        &self,
        controller: &Controller<'_>,
        authority: &AccessAuthority,
    ) -> AccessResult<()> {
        if controller.identity_id() != authority.authority_identity {
            return Err(AccessError::InvalidArgument(format!(
                "authority {} is governed by identity {}, not {}",
                authority.id,
                authority.authority_identity,
                controller.identity_id()
            )));
        }
        Ok(())
    }
}

/// The type tag of `vector<u8>`, the key type of both revocation tables.
fn bytes_tag() -> TypeTag {
    TypeTag::Vector(Box::new(TypeTag::U8))
}

/// Adds the authority (shared, mutable) and one call per change.
fn add_changes(
    tx: &mut TransactionBuilder<'_>,
    authority: &Object,
    cap: Argument,
    changes: &[AuthorityChange],
) -> Result<(), SdkError> {
    if changes.is_empty() {
        return Err(SdkError::InvalidArgument("no change to make".into()));
    }
    let authority = tx.object_from(authority, true)?;
    for change in changes {
        change.add_to(tx, authority, cap);
    }
    Ok(())
}

/// `access::authority::ETokenAlreadyRedeemed`.
const E_TOKEN_ALREADY_REDEEMED: u64 = 2017;

/// Names an abort of `access::authority`; other errors pass through.
fn explain(e: SdkError) -> AccessError {
    match e.move_abort() {
        Some(abort) if abort.package == PKG => AccessError::Authority {
            constant: abort
                .constant
                .clone()
                .unwrap_or_else(|| format!("abort {}", abort.code)),
            code: abort.code,
        },
        _ => AccessError::Sdk(e),
    }
}
