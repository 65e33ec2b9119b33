//! Identities driven at the transaction level: every operation is one programmable transaction
//! built with [`PtbBuilder`] against the identity package at 0x3, and the identity's state is
//! read back by decoding the BCS of its objects.
//!
//! This is deliberately below the SDK: it shows exactly which Move calls a client makes, and it
//! lets the identity property test compare the package with a plain model without trusting the
//! SDK's own decoding.
//!
//! ```no_run
//! use movid_tests::chain_identity::{ControllerSpec, TestChain};
//!
//! let chain = TestChain::new(4);
//! let id = chain
//!     .create_identity(0, Some(&TestChain::document(b"{}")), &[ControllerSpec::new(0, 1)], 1)
//!     .unwrap();
//! let cap = id.caps()[0].id;
//! id.propose_update(cap, None, &TestChain::document(b"{\"v\":2}")).unwrap();
//! ```
//!
//! Every operation presents its controller's `ControllerCap` as the PTB's first command,
//! `controller::auth_with_cap(cap)`, and passes the resulting `Auth` by reference (`Result(0)`)
//! to the identity call, as the identity package's README describes.

use std::collections::BTreeMap;

use move_core_types::identifier::Identifier;
use movid_runtime::chain::{ExecutionResult, LocalChain};
use movid_runtime::crypto::KeyPair;
use movid_runtime::genesis::{dev_keys, GenesisConfig};
use movid_runtime::types::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

mod mirrors;

pub use mirrors::*;

/// Gas budget of every identity transaction (100,000 gas units at the reference price).
pub const BUDGET: u64 = 100_000_000;

/// Why the chain refused a transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// A Move abort, named by its module and error constant (`multicontroller`,
    /// `EThresholdNotReached`); the constant is `code N` when the module names none.
    Abort {
        /// The aborting module of the identity package.
        module: String,
        /// The error constant.
        constant: String,
    },
    /// Any other execution failure (out of gas, adapter error, ...).
    Failure(ExecutionFailure),
}

impl Refusal {
    /// A Move abort with `constant` in `module`.
    pub fn abort(module: &str, constant: &str) -> Self {
        Refusal::Abort {
            module: module.to_string(),
            constant: constant.to_string(),
        }
    }

    /// The error constant, if this is a Move abort.
    pub fn constant(&self) -> Option<&str> {
        match self {
            Refusal::Abort { constant, .. } => Some(constant),
            Refusal::Failure(_) => None,
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Abort { module, constant } => write!(f, "{module}::{constant}"),
            Refusal::Failure(e) => write!(f, "{e}"),
        }
    }
}

/// The outcome of an executed transaction: its effects, or why it failed.
pub fn outcome(r: ExecutionResult) -> Result<ExecutionResult, Refusal> {
    match &r.effects.status {
        ExecutionStatus::Success => Ok(r),
        ExecutionStatus::Failure {
            error: ExecutionFailure::MoveAbort(a),
            ..
        } => Err(Refusal::Abort {
            module: a.module.clone(),
            constant: a
                .constant
                .clone()
                .unwrap_or_else(|| format!("code {}", a.code)),
        }),
        ExecutionStatus::Failure { error, .. } => Err(Refusal::Failure(error.clone())),
    }
}

// === Mirrors of the Move layouts (field order as in the Move sources) ===
//
// A Move `Option<T>` is a struct holding a vector of zero or one element; its BCS (a ULEB128
// length 0 or 1, then the element) is byte for byte serde's BCS of a Rust `Option<T>` (tag 0 or
// 1, then the value), so the mirrors use `Option` directly. `UID` and `ID` are 32 bytes.

/// The proposal kinds these helpers drive, i.e. the action type argument `T` of the generic
/// `identity::*_proposal<T>` calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProposalKind {
    /// `did_proposal::UpdateDid`.
    UpdateDid,
    /// `config_proposal::ConfigChange`.
    ConfigChange,
    /// `send_proposal::Send`.
    Send,
    /// `unrevoke_proposal::UnrevokeToken`.
    UnrevokeToken,
}

impl ProposalKind {
    /// The action's Move type.
    pub fn type_tag(self) -> TypeTag {
        match self {
            ProposalKind::UpdateDid => identity_type("did_proposal", "UpdateDid", vec![]),
            ProposalKind::ConfigChange => identity_type("config_proposal", "ConfigChange", vec![]),
            ProposalKind::Send => identity_type("send_proposal", "Send", vec![]),
            ProposalKind::UnrevokeToken => {
                identity_type("unrevoke_proposal", "UnrevokeToken", vec![])
            }
        }
    }
}

/// `0x3::module::name<type_params>`.
pub fn identity_type(module: &str, name: &str, type_params: Vec<TypeTag>) -> TypeTag {
    TypeTag::Struct(identity_struct(module, name, type_params))
}

fn identity_struct(module: &str, name: &str, type_params: Vec<TypeTag>) -> StructTag {
    StructTag {
        address: movid_runtime::seam::to_vm_address(ObjectID::IDENTITY),
        module: Identifier::new(module).expect("valid module name"),
        name: Identifier::new(name).expect("valid struct name"),
        type_params,
    }
}

fn is_identity_type(o: &Object, module: &str, name: &str) -> bool {
    o.type_().is_some_and(|t| {
        t.address == movid_runtime::seam::to_vm_address(ObjectID::IDENTITY)
            && t.module.as_str() == module
            && t.name.as_str() == name
    })
}

/// A controller to create an identity with: a test account, its voting power, and whether it
/// may delegate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ControllerSpec {
    /// Index of the development account (see [`dev_keys`]).
    pub account: usize,
    /// Its voting power.
    pub voting_power: u64,
    /// Whether it may delegate.
    pub can_delegate: bool,
}

impl ControllerSpec {
    /// Account `account` with `voting_power`, not delegating.
    pub fn new(account: usize, voting_power: u64) -> Self {
        ControllerSpec {
            account,
            voting_power,
            can_delegate: false,
        }
    }

    /// The same controller, allowed to delegate.
    pub fn delegating(mut self) -> Self {
        self.can_delegate = true;
        self
    }
}

/// A controller's cap as held by a test account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cap {
    /// The `ControllerCap`'s ID.
    pub id: ObjectID,
    /// Its owner.
    pub owner: Address,
}

/// A local chain with funded development accounts.
pub struct TestChain {
    /// The chain.
    pub chain: LocalChain,
    /// The development accounts' keys, funded at genesis.
    pub keys: Vec<KeyPair>,
}

impl TestChain {
    /// A fresh in-memory chain with `accounts` funded development accounts.
    pub fn new(accounts: usize) -> Self {
        let chain =
            LocalChain::new(GenesisConfig::with_dev_accounts(accounts)).expect("genesis succeeds");
        TestChain {
            chain,
            keys: dev_keys(accounts),
        }
    }

    /// The address of account `i`.
    pub fn address(&self, i: usize) -> Address {
        self.keys[i].address()
    }

    /// A valid on-chain DID document (`"DID"`, version 1, JSON) around `payload`.
    pub fn document(payload: &[u8]) -> Vec<u8> {
        let mut doc = b"DID\x01\x00".to_vec();
        doc.extend_from_slice(payload);
        doc
    }

    /// Signs and executes `ptb` as account `sender` with the gas budget [`BUDGET`].
    pub fn run(&self, sender: &KeyPair, ptb: ProgrammableTransaction) -> ExecutionResult {
        self.run_with_budget(sender, ptb, BUDGET)
    }

    /// Signs and executes `ptb` as account `sender` with the gas budget `budget`.
    pub fn run_with_budget(
        &self,
        sender: &KeyPair,
        ptb: ProgrammableTransaction,
        budget: u64,
    ) -> ExecutionResult {
        self.chain
            .sign_and_execute(sender, ptb, budget)
            .expect("the transaction is well-formed and accepted")
    }

    /// Creates an identity with `identity::new_with_controllers`, sent by account `sender`.
    pub fn create_identity(
        &self,
        sender: usize,
        doc: Option<&[u8]>,
        controllers: &[ControllerSpec],
        threshold: u64,
    ) -> Result<ChainIdentity<'_>, Refusal> {
        let addresses: Vec<Address> = controllers
            .iter()
            .map(|c| self.address(c.account))
            .collect();
        self.create_identity_raw(
            sender,
            doc,
            &addresses,
            &controllers
                .iter()
                .map(|c| c.voting_power)
                .collect::<Vec<_>>(),
            &controllers
                .iter()
                .map(|c| c.can_delegate)
                .collect::<Vec<_>>(),
            threshold,
        )
    }

    /// `identity::new_with_controllers` with its arguments as given (lengths unchecked).
    pub fn create_identity_raw(
        &self,
        sender: usize,
        doc: Option<&[u8]>,
        controllers: &[Address],
        voting_powers: &[u64],
        can_delegate: &[bool],
        threshold: u64,
    ) -> Result<ChainIdentity<'_>, Refusal> {
        let mut b = PtbBuilder::new();
        let args = vec![
            b.pure(&doc.map(<[u8]>::to_vec)),
            b.pure(&controllers.to_vec()),
            b.pure(&voting_powers.to_vec()),
            b.pure(&can_delegate.to_vec()),
            b.pure(&threshold),
            clock(&mut b),
        ];
        b.move_call(
            ObjectID::IDENTITY,
            "identity",
            "new_with_controllers",
            vec![],
            args,
        );
        let r = outcome(self.run(&self.keys[sender], b.finish()))?;
        let (identity, initial_shared_version) = r
            .effects
            .created
            .iter()
            .find_map(|(r, owner)| match owner {
                Owner::Shared {
                    initial_shared_version,
                } => Some((r.object_id(), *initial_shared_version)),
                _ => None,
            })
            .expect("creation shares the identity");
        Ok(ChainIdentity {
            chain: self,
            id: *identity,
            initial_shared_version,
        })
    }

    /// An existing identity.
    pub fn identity(&self, id: ObjectID) -> ChainIdentity<'_> {
        let o = self.object(id).expect("the identity exists");
        let Owner::Shared {
            initial_shared_version,
        } = o.owner
        else {
            panic!("identity {id} is not shared")
        };
        ChainIdentity {
            chain: self,
            id,
            initial_shared_version,
        }
    }

    /// The live version of an object.
    pub fn object(&self, id: ObjectID) -> Option<Object> {
        self.chain.get_object(&id).expect("the store reads")
    }

    /// The BCS-decoded contents of a live Move object.
    pub fn decode<T: DeserializeOwned>(&self, id: ObjectID) -> Option<T> {
        self.object(id).map(|o| decode_object(&o))
    }

    /// The key of the account owning `object`.
    fn owner_key(&self, object: &Object) -> &KeyPair {
        let Owner::AddressOwner(owner) = object.owner else {
            panic!("{} is not owned by an account", object.id())
        };
        self.keys
            .iter()
            .find(|k| k.address() == owner)
            .unwrap_or_else(|| panic!("{owner} is not a test account"))
    }

    /// `ControllerCap`s among the objects a transaction created, with their owners.
    pub fn created_caps(&self, r: &ExecutionResult) -> Vec<Cap> {
        r.effects
            .created
            .iter()
            .filter_map(|(oref, owner)| {
                let o = self.object(*oref.object_id())?;
                let Owner::AddressOwner(owner) = *owner else {
                    return None;
                };
                is_identity_type(&o, "controller", "ControllerCap").then_some(Cap {
                    id: *oref.object_id(),
                    owner,
                })
            })
            .collect()
    }

    /// The proposal a transaction created and left open, if any.
    pub fn created_proposal(&self, r: &ExecutionResult) -> Option<ObjectID> {
        r.effects.created.iter().find_map(|(oref, _)| {
            let o = self.object(*oref.object_id())?;
            is_identity_type(&o, "multicontroller", "Proposal").then_some(*oref.object_id())
        })
    }
}

/// The BCS of a Move object's contents, decoded.
pub fn decode_object<T: DeserializeOwned>(o: &Object) -> T {
    let contents = &o.as_move().expect("a Move object").contents;
    bcs::from_bytes(contents).unwrap_or_else(|e| {
        panic!(
            "{} of type {:?} does not decode: {e}",
            o.id(),
            o.type_().map(|t| t.to_string())
        )
    })
}

/// The shared `Clock` (0x6), read-only.
pub fn clock(b: &mut PtbBuilder) -> Argument {
    b.object(ObjectArg::Shared {
        id: ObjectID::CLOCK,
        initial_shared_version: 1,
        mutable: false,
    })
}

/// What a `propose_*` call did.
#[derive(Clone, Debug)]
pub struct Proposed {
    /// The transaction.
    pub result: ExecutionResult,
    /// The open proposal, or none when the proposer alone reached the threshold and the
    /// proposal executed in the same call.
    pub proposal: Option<ObjectID>,
}

/// An identity on a [`TestChain`].
#[derive(Clone, Copy)]
pub struct ChainIdentity<'c> {
    chain: &'c TestChain,
    /// The identity's object ID.
    pub id: ObjectID,
    /// Its initial shared version.
    pub initial_shared_version: SequenceNumber,
}

impl<'c> ChainIdentity<'c> {
    /// The chain the identity lives on.
    pub fn chain(&self) -> &'c TestChain {
        self.chain
    }

    /// The identity object, decoded.
    pub fn state(&self) -> IdentityObject {
        self.chain.decode(self.id).expect("the identity exists")
    }

    /// The `ControllerCap`s of this identity held by test accounts, current controllers or not.
    pub fn caps(&self) -> Vec<Cap> {
        let mut caps = vec![];
        for k in &self.chain.keys {
            for o in self.chain.chain.owned_objects(&k.address()).expect("reads") {
                if is_identity_type(&o, "controller", "ControllerCap") {
                    let cap: ControllerCap = decode_object(&o);
                    if cap.controller_of == self.id {
                        caps.push(Cap {
                            id: cap.id,
                            owner: k.address(),
                        });
                    }
                }
            }
        }
        caps
    }

    /// The caps held by account `i`.
    pub fn caps_of(&self, account: usize) -> Vec<ObjectID> {
        let a = self.chain.address(account);
        self.caps()
            .into_iter()
            .filter(|c| c.owner == a)
            .map(|c| c.id)
            .collect()
    }

    /// An open proposal with action `T`, decoded; none if it no longer exists.
    pub fn proposal<T: DeserializeOwned>(&self, id: ObjectID) -> Option<Proposal<T>> {
        self.chain.decode(id)
    }

    /// The objects under the identity's proposal bag: one dynamic object field per proposal.
    pub fn proposal_fields(&self) -> Vec<Object> {
        let bag = self.state().did_doc.proposals.id;
        self.chain.chain.dynamic_fields(&bag).expect("reads")
    }

    /// The proposals the bag holds, found through its dynamic object fields: each field
    /// (`Field<Wrapper<ID>, ID>`, a child of the bag) names a proposal and owns it. Panics if a
    /// field's name and value disagree or the proposal is not the field's child.
    pub fn proposals_in_bag(&self) -> Vec<ObjectID> {
        self.proposal_fields()
            .iter()
            .map(|o| {
                let field: Field<Wrapper<ObjectID>, ObjectID> = decode_object(o);
                assert_eq!(
                    field.name.name, field.value,
                    "field {} names its value",
                    field.id
                );
                let proposal = self.chain.object(field.value).unwrap_or_else(|| {
                    panic!("proposal {} of field {} exists", field.value, field.id)
                });
                assert_eq!(
                    proposal.owner,
                    Owner::ObjectOwner(field.id),
                    "proposal {} is the child of its field",
                    field.value
                );
                field.value
            })
            .collect()
    }

    /// Runs `call(builder, identity, auth)` after presenting `cap`, signed by the cap's owner.
    pub fn with_auth(
        &self,
        cap: ObjectID,
        call: impl FnOnce(&mut PtbBuilder, Argument, Argument),
    ) -> Result<ExecutionResult, Refusal> {
        self.with_auth_budget(cap, BUDGET, call)
    }

    /// [`Self::with_auth`] with the gas budget `budget`.
    pub fn with_auth_budget(
        &self,
        cap: ObjectID,
        budget: u64,
        call: impl FnOnce(&mut PtbBuilder, Argument, Argument),
    ) -> Result<ExecutionResult, Refusal> {
        self.with_credential(cap, "auth_with_cap", budget, call)
    }

    /// [`Self::with_auth`] presenting the `DelegationToken` `token`, signed by its holder.
    pub fn with_token(
        &self,
        token: ObjectID,
        call: impl FnOnce(&mut PtbBuilder, Argument, Argument),
    ) -> Result<ExecutionResult, Refusal> {
        self.with_credential(token, "auth_with_token", BUDGET, call)
    }

    fn with_credential(
        &self,
        credential: ObjectID,
        present: &str,
        budget: u64,
        call: impl FnOnce(&mut PtbBuilder, Argument, Argument),
    ) -> Result<ExecutionResult, Refusal> {
        let cap_obj = self
            .chain
            .object(credential)
            .unwrap_or_else(|| panic!("credential {credential} exists"));
        let key = self.chain.owner_key(&cap_obj);
        let mut b = PtbBuilder::new();
        let cap_arg = b.object(ObjectArg::ImmOrOwned(cap_obj.object_ref()));
        let auth = b.move_call(
            ObjectID::IDENTITY,
            "controller",
            present,
            vec![],
            vec![cap_arg],
        );
        let identity = b.object(ObjectArg::Shared {
            id: self.id,
            initial_shared_version: self.initial_shared_version,
            mutable: true,
        });
        call(&mut b, identity, auth);
        outcome(self.chain.run_with_budget(key, b.finish(), budget))
    }

    /// `did_proposal::propose_update(identity, auth, expiration, doc, clock)`.
    pub fn propose_update(
        &self,
        cap: ObjectID,
        expiration: Option<u64>,
        doc: &[u8],
    ) -> Result<Proposed, Refusal> {
        let r = self.with_auth(cap, |b, identity, auth| {
            let args = vec![identity, auth, b.pure(&expiration), b.pure(doc), clock(b)];
            b.move_call(
                ObjectID::IDENTITY,
                "did_proposal",
                "propose_update",
                vec![],
                args,
            );
        })?;
        Ok(self.proposed(r))
    }

    /// `config_proposal::propose_config_change(identity, auth, expiration, ...change)`.
    pub fn propose_config(
        &self,
        cap: ObjectID,
        expiration: Option<u64>,
        change: &ConfigChange,
    ) -> Result<Proposed, Refusal> {
        let r = self.with_auth(cap, |b, identity, auth| {
            let args = vec![
                identity,
                auth,
                b.pure(&expiration),
                b.pure(&change.threshold),
                b.pure(&change.add_addresses),
                b.pure(&change.add_voting_powers),
                b.pure(&change.add_can_delegate),
                b.pure(&change.remove),
                b.pure(&change.update_ids),
                b.pure(&change.update_voting_powers),
            ];
            b.move_call(
                ObjectID::IDENTITY,
                "config_proposal",
                "propose_config_change",
                vec![],
                args,
            );
        })?;
        Ok(self.proposed(r))
    }

    fn proposed(&self, result: ExecutionResult) -> Proposed {
        let proposal = self.chain.created_proposal(&result);
        Proposed { result, proposal }
    }

    /// `identity::approve_proposal<kind>(identity, auth, proposal)`.
    pub fn approve(
        &self,
        cap: ObjectID,
        kind: ProposalKind,
        proposal: ObjectID,
    ) -> Result<ExecutionResult, Refusal> {
        self.generic_call(cap, "approve_proposal", kind, proposal)
    }

    /// `identity::reject_proposal<kind>(identity, auth, proposal)`.
    pub fn reject(
        &self,
        cap: ObjectID,
        kind: ProposalKind,
        proposal: ObjectID,
    ) -> Result<ExecutionResult, Refusal> {
        self.generic_call(cap, "reject_proposal", kind, proposal)
    }

    /// `identity::delegate_to(identity, cap, permissions, account)`: returns the token's ID.
    pub fn delegate(
        &self,
        cap: ObjectID,
        permissions: u64,
        account: usize,
    ) -> Result<ObjectID, Refusal> {
        let cap_obj = self.chain.object(cap).expect("the cap exists");
        let key = self.chain.owner_key(&cap_obj);
        let mut b = PtbBuilder::new();
        let identity = b.object(ObjectArg::Shared {
            id: self.id,
            initial_shared_version: self.initial_shared_version,
            mutable: true,
        });
        let cap_arg = b.object(ObjectArg::ImmOrOwned(cap_obj.object_ref()));
        let args = vec![
            identity,
            cap_arg,
            b.pure(&permissions),
            b.pure(&self.chain.address(account)),
        ];
        b.move_call(ObjectID::IDENTITY, "identity", "delegate_to", vec![], args);
        let r = outcome(self.chain.run(key, b.finish()))?;
        Ok(*r
            .effects
            .created
            .iter()
            .map(|c| c.0.object_id())
            .find(|id| {
                self.chain
                    .object(**id)
                    .is_some_and(|o| is_identity_type(&o, "controller", "DelegationToken"))
            })
            .expect("a token was created"))
    }

    /// `identity::revoke_token(identity, auth, token)`.
    pub fn revoke_token(&self, cap: ObjectID, token: ObjectID) -> Result<ExecutionResult, Refusal> {
        self.with_auth(cap, |b, identity, auth| {
            let t = b.pure(&token);
            b.move_call(
                ObjectID::IDENTITY,
                "identity",
                "revoke_token",
                vec![],
                vec![identity, auth, t],
            );
        })
    }

    /// `unrevoke_proposal::propose_unrevoke(identity, auth, none, token)`.
    pub fn propose_unrevoke(&self, cap: ObjectID, token: ObjectID) -> Result<Proposed, Refusal> {
        let r = self.with_auth(cap, |b, identity, auth| {
            let args = vec![identity, auth, b.pure(&None::<u64>), b.pure(&token)];
            b.move_call(
                ObjectID::IDENTITY,
                "unrevoke_proposal",
                "propose_unrevoke",
                vec![],
                args,
            );
        })?;
        Ok(self.proposed(r))
    }

    /// `send_proposal::propose_send(identity, auth, none, objects, recipients)`.
    pub fn propose_send(
        &self,
        cap: ObjectID,
        objects: &[ObjectID],
        recipients: &[Address],
    ) -> Result<Proposed, Refusal> {
        let r = self.with_auth(cap, |b, identity, auth| {
            let args = vec![
                identity,
                auth,
                b.pure(&None::<u64>),
                b.pure(&objects.to_vec()),
                b.pure(&recipients.to_vec()),
            ];
            b.move_call(
                ObjectID::IDENTITY,
                "send_proposal",
                "propose_send",
                vec![],
                args,
            );
        })?;
        Ok(self.proposed(r))
    }

    /// `identity::remove_approval<kind>(identity, auth, proposal)`.
    pub fn remove_approval(
        &self,
        cap: ObjectID,
        kind: ProposalKind,
        proposal: ObjectID,
    ) -> Result<ExecutionResult, Refusal> {
        self.generic_call(cap, "remove_approval", kind, proposal)
    }

    /// `identity::delete_proposal<kind>(identity, auth, proposal)`.
    pub fn delete_proposal(
        &self,
        cap: ObjectID,
        kind: ProposalKind,
        proposal: ObjectID,
    ) -> Result<ExecutionResult, Refusal> {
        self.generic_call(cap, "delete_proposal", kind, proposal)
    }

    fn generic_call(
        &self,
        cap: ObjectID,
        function: &str,
        kind: ProposalKind,
        proposal: ObjectID,
    ) -> Result<ExecutionResult, Refusal> {
        self.with_auth(cap, |b, identity, auth| {
            let args = vec![identity, auth, b.pure(&proposal)];
            b.move_call(
                ObjectID::IDENTITY,
                "identity",
                function,
                vec![kind.type_tag()],
                args,
            );
        })
    }

    /// Executes a proposal of `kind`: `did_proposal::execute_update(identity, auth, id, clock)`
    /// or `config_proposal::execute_config_change(identity, auth, id)`.
    pub fn execute(
        &self,
        cap: ObjectID,
        kind: ProposalKind,
        proposal: ObjectID,
    ) -> Result<ExecutionResult, Refusal> {
        self.with_auth(cap, |b, identity, auth| {
            let id = b.pure(&proposal);
            match kind {
                ProposalKind::UpdateDid => {
                    let args = vec![identity, auth, id, clock(b)];
                    b.move_call(
                        ObjectID::IDENTITY,
                        "did_proposal",
                        "execute_update",
                        vec![],
                        args,
                    );
                }
                ProposalKind::ConfigChange => {
                    b.move_call(
                        ObjectID::IDENTITY,
                        "config_proposal",
                        "execute_config_change",
                        vec![],
                        vec![identity, auth, id],
                    );
                }
                ProposalKind::UnrevokeToken => {
                    b.move_call(
                        ObjectID::IDENTITY,
                        "unrevoke_proposal",
                        "execute_unrevoke",
                        vec![],
                        vec![identity, auth, id],
                    );
                }
                ProposalKind::Send => panic!("send proposals need receiving tickets"),
            }
        })
    }
}
