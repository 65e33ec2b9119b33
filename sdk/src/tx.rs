//! Building, signing and executing programmable transactions.
//!
//! A [`TransactionBuilder`] wraps the runtime's [`PtbBuilder`]: it fetches
//! the current reference of every object input through a [`Client`], picks
//! a gas coin of the sender that is not an input, sets the budget from a dry
//! run (`(computation + storage) × 1.2 + 0.001 SUI`, clamped to the
//! chain's limits), signs with a [`Signer`] (a runtime [`KeyPair`] or a key
//! manager [`Committer`]) and executes. A failure, in the dry run or on
//! chain, is an [`SdkError::ExecutionFailed`] naming the failing command and,
//! for a Move abort, the module, function and error constant.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! use movid_runtime::genesis::dev_keys;
//! use movid_sdk::client::{coin_balance, Client, InProcessClient};
//! use movid_sdk::tx::TransactionBuilder;
//!
//! let client = InProcessClient::new_dev()?;
//! let keys = dev_keys(2);
//! let (alice, bob) = (&keys[0], keys[1].address());
//!
//! // Send Bob 10 MIST split off Alice's gas coin.
//! let mut tx = TransactionBuilder::new(&client, alice.address());
//! let amount = tx.pure(&10u64);
//! let coin = tx.split_coins(tx.gas(), vec![amount]);
//! let to = tx.pure(&bob);
//! tx.transfer_objects(vec![coin], to);
//! let response = tx.execute(alice).await?;
//!
//! let coin = &response.created[0];
//! assert_eq!(coin_balance(coin), 10);
//! assert_eq!(coin.owner.address(), Some(bob));
//! # Ok::<(), movid_sdk::SdkError>(())
//! # }).unwrap();
//! ```

use std::collections::BTreeSet;
use std::sync::Arc;

use async_trait::async_trait;
use movid_runtime::crypto::{KeyPair, Signature};
use movid_runtime::gas::{MAX_GAS_BUDGET, MIN_GAS_BUDGET};
use movid_runtime::types::{
    Address, Argument, CallArg, Digest, Event, ExecutionStatus, GasCostSummary, GasData, Object,
    ObjectArg, ObjectID, ObjectReference, Owner, ProgrammableTransaction, PtbBuilder,
    SignedTransaction, StructTag, TransactionData, TransactionEffects, TransactionExpiration,
    TransactionKind, TypeTag, WellKnown,
};
use serde::Serialize;

use crate::client::{coin_balance, Client};
use crate::error::{SdkError, SdkResult};
use crate::keys::Committer;

/// A fixed amount added to every estimated budget, in MIST: covers
/// the difference between the dry run and the real run (other gas coins,
/// versions of shared objects that moved in between).
pub const GAS_MARGIN_FIXED: u64 = 1_000_000;
/// The estimated cost is multiplied by this many percent.
pub const GAS_MARGIN_PERCENT: u64 = 120;
/// Most gas coins one transaction merges to pay.
pub const MAX_GAS_COINS: usize = 256;

/// Signs transactions as one address.
#[async_trait]
pub trait Signer: Send + Sync {
    /// The address this signer signs as (the transaction's sender).
    fn address(&self) -> Address;

    /// Signs `data`'s signing digest (docs/DESIGN.md §4).
    async fn sign_transaction(&self, data: &TransactionData) -> SdkResult<Signature>;
}

#[async_trait]
impl Signer for KeyPair {
    fn address(&self) -> Address {
        KeyPair::address(self)
    }

    async fn sign_transaction(&self, data: &TransactionData) -> SdkResult<Signature> {
        Ok(KeyPair::sign_transaction(self, data))
    }
}

#[async_trait]
impl Signer for Committer {
    fn address(&self) -> Address {
        Address::new(Committer::address(self))
    }

    async fn sign_transaction(&self, data: &TransactionData) -> SdkResult<Signature> {
        let bytes = bcs::to_bytes(data).map_err(|e| SdkError::decode("transaction data", e))?;
        Ok(Committer::sign_transaction(self, &bytes)
            .await?
            .to_runtime())
    }
}

#[async_trait]
impl<S: Signer + ?Sized> Signer for Arc<S> {
    fn address(&self) -> Address {
        (**self).address()
    }

    async fn sign_transaction(&self, data: &TransactionData) -> SdkResult<Signature> {
        (**self).sign_transaction(data).await
    }
}

#[async_trait]
impl<S: Signer + ?Sized> Signer for &S {
    fn address(&self) -> Address {
        (**self).address()
    }

    async fn sign_transaction(&self, data: &TransactionData) -> SdkResult<Signature> {
        (**self).sign_transaction(data).await
    }
}

/// Signs `data` with `signer`, which must be its sender.
pub async fn sign(data: TransactionData, signer: &dyn Signer) -> SdkResult<SignedTransaction> {
    if signer.address() != data.sender {
        return Err(SdkError::WrongSigner {
            sender: data.sender,
            signer: signer.address(),
        });
    }
    let signature = signer.sign_transaction(&data).await?;
    Ok(SignedTransaction {
        data,
        signatures: vec![signature],
    })
}

/// A `StructTag` from its parts; panics on an invalid module or type name
/// (use literal names).
pub fn struct_tag(
    package: ObjectID,
    module: &str,
    name: &str,
    type_params: Vec<TypeTag>,
) -> StructTag {
    use move_core_types::identifier::Identifier;
    StructTag {
        address: movid_runtime::seam::to_vm_address(package),
        module: Identifier::new(module).expect("a valid module name"),
        name: Identifier::new(name).expect("a valid type name"),
        type_params,
    }
}

/// Whether `actual` is of type `pattern`: same address, module and name, and
/// the same type parameters when `pattern` gives any.
pub fn type_matches(pattern: &StructTag, actual: &StructTag) -> bool {
    pattern.address == actual.address
        && pattern.module == actual.module
        && pattern.name == actual.name
        && (pattern.type_params.is_empty() || pattern.type_params == actual.type_params)
}

/// Builds one programmable transaction for `sender`.
#[derive(Clone)]
pub struct TransactionBuilder<'c> {
    client: &'c dyn Client,
    sender: Address,
    ptb: PtbBuilder,
    budget: Option<u64>,
    price: Option<u64>,
    payment: Option<Vec<ObjectReference>>,
    sponsor: Option<Address>,
    expiration: TransactionExpiration,
}

impl<'c> TransactionBuilder<'c> {
    /// An empty transaction sent by `sender`.
    pub fn new(client: &'c dyn Client, sender: Address) -> Self {
        TransactionBuilder {
            client,
            sender,
            ptb: PtbBuilder::new(),
            budget: None,
            price: None,
            payment: None,
            sponsor: None,
            expiration: TransactionExpiration::None,
        }
    }

    /// The sender.
    pub fn sender(&self) -> Address {
        self.sender
    }

    /// The client the builder reads objects with.
    pub fn client(&self) -> &'c dyn Client {
        self.client
    }

    /// Sets the gas budget, skipping the estimating dry run.
    pub fn gas_budget(&mut self, budget: u64) -> &mut Self {
        self.budget = Some(budget);
        self
    }

    /// Sets the gas price (default: the reference gas price).
    pub fn gas_price(&mut self, price: u64) -> &mut Self {
        self.price = Some(price);
        self
    }

    /// Has `sponsor` pay for gas: the gas coins are the sponsor's, the
    /// transaction data names it as gas owner, and it must sign too (see
    /// [`TransactionBuilder::execute_sponsored`] and [`crate::offline`]).
    /// The sender's own coins are left alone. A sponsor equal to the sender
    /// is no sponsor.
    pub fn sponsor(&mut self, sponsor: Address) -> &mut Self {
        self.sponsor = (sponsor != self.sender).then_some(sponsor);
        self
    }

    /// Who pays for gas: the sponsor if there is one, else the sender.
    pub fn gas_owner(&self) -> Address {
        self.sponsor.unwrap_or(self.sender)
    }

    /// Pays with these coins (default: the gas owner's coins that are not inputs).
    pub fn gas_payment(&mut self, coins: Vec<ObjectReference>) -> &mut Self {
        self.payment = Some(coins);
        self
    }

    /// Makes the transaction invalid after `epoch`.
    pub fn expiration(&mut self, epoch: u64) -> &mut Self {
        self.expiration = TransactionExpiration::Epoch(epoch);
        self
    }

    /// The gas coin, as a command argument.
    pub fn gas(&self) -> Argument {
        Argument::GasCoin
    }

    /// A pure input holding the BCS of `value`.
    pub fn pure<T: Serialize + ?Sized>(&mut self, value: &T) -> Argument {
        self.ptb.pure(value)
    }

    /// A pure input from BCS bytes.
    pub fn pure_bytes(&mut self, bytes: Vec<u8>) -> Argument {
        self.ptb.pure_bytes(bytes)
    }

    /// An object input named as given (no read).
    pub fn object_arg(&mut self, arg: ObjectArg) -> Argument {
        self.ptb.object(arg)
    }

    /// An object input at its current state: owned and immutable objects by
    /// their current reference, shared ones mutably.
    pub async fn object(&mut self, id: ObjectID) -> SdkResult<Argument> {
        let object = self.client.object(id).await?;
        self.object_from(&object, true)
    }

    /// An object input from an object already read: owned and immutable ones
    /// by reference, shared ones mutably if `mutable`.
    pub fn object_from(&mut self, object: &Object, mutable: bool) -> SdkResult<Argument> {
        let arg = match object.owner {
            Owner::AddressOwner(_) | Owner::Immutable => ObjectArg::ImmOrOwned(object.object_ref()),
            Owner::Shared {
                initial_shared_version,
            } => ObjectArg::Shared {
                id: object.id(),
                initial_shared_version,
                mutable,
            },
            Owner::ObjectOwner(parent) => {
                return Err(SdkError::UnusableObject {
                    id: object.id(),
                    reason: format!(
                        "it is a child of {parent}; only its parent's module can reach it"
                    ),
                })
            }
        };
        Ok(self.ptb.object(arg))
    }

    /// A shared object input, read-only or mutable.
    pub async fn shared_object(&mut self, id: ObjectID, mutable: bool) -> SdkResult<Argument> {
        let object = self.client.object(id).await?;
        match object.owner {
            Owner::Shared { .. } | Owner::Immutable => self.object_from(&object, mutable),
            _ => Err(SdkError::UnusableObject {
                id,
                reason: "it is not shared".into(),
            }),
        }
    }

    /// The shared `Clock` (0x6), read-only.
    pub async fn clock(&mut self) -> SdkResult<Argument> {
        self.shared_object(ObjectID::CLOCK, false).await
    }

    /// A `Receiving<T>` ticket for an object sent to another object's address
    /// (an identity's, for example).
    pub async fn receiving(&mut self, id: ObjectID) -> SdkResult<Argument> {
        let object = self.client.object(id).await?;
        Ok(self.ptb.object(ObjectArg::Receiving(object.object_ref())))
    }

    /// Calls `package::module::function`; returns its result.
    pub fn move_call(
        &mut self,
        package: ObjectID,
        module: &str,
        function: &str,
        type_arguments: Vec<TypeTag>,
        arguments: Vec<Argument>,
    ) -> Argument {
        self.ptb
            .move_call(package, module, function, type_arguments, arguments)
    }

    /// Sends objects to `recipient` (an address argument).
    pub fn transfer_objects(&mut self, objects: Vec<Argument>, recipient: Argument) {
        self.ptb.transfer_objects(objects, recipient)
    }

    /// Splits amounts off a coin; the result holds one new coin per amount
    /// (the i-th is `nested(result, i)`, a single one is `result` itself).
    pub fn split_coins(&mut self, coin: Argument, amounts: Vec<Argument>) -> Argument {
        self.ptb.split_coins(coin, amounts)
    }

    /// Merges coins into `target`.
    pub fn merge_coins(&mut self, target: Argument, sources: Vec<Argument>) {
        self.ptb.merge_coins(target, sources)
    }

    /// Builds a `vector<T>` (the type is needed only for an empty vector).
    pub fn make_move_vec(&mut self, ty: Option<TypeTag>, elements: Vec<Argument>) -> Argument {
        self.ptb.make_move_vec(ty, elements)
    }

    /// Publishes modules; the result is the package's `UpgradeCap`.
    pub fn publish(&mut self, modules: Vec<Vec<u8>>, dependencies: Vec<ObjectID>) -> Argument {
        self.ptb.publish(modules, dependencies)
    }

    /// The number of commands so far.
    pub fn len(&self) -> usize {
        self.ptb.len()
    }

    /// Whether no command was added.
    pub fn is_empty(&self) -> bool {
        self.ptb.is_empty()
    }

    /// The programmable transaction so far.
    pub fn programmable(&self) -> ProgrammableTransaction {
        self.ptb.clone().finish()
    }

    /// The transaction data: gas coins chosen and the budget estimated (by a
    /// dry run) unless they were set. Fails with the decoded failure when
    /// the dry run fails.
    pub async fn build(&self) -> SdkResult<TransactionData> {
        let ptb = self.programmable();
        let price = match self.price {
            Some(p) => p,
            None => self.client.reference_gas_price().await?,
        };
        let data = |payment: Vec<ObjectReference>, budget: u64| TransactionData {
            kind: TransactionKind::ProgrammableTransaction(ptb.clone()),
            sender: self.sender,
            gas_data: GasData {
                payment,
                owner: self.gas_owner(),
                price,
                budget,
            },
            expiration: self.expiration,
        };
        let coins = match &self.payment {
            Some(refs) => {
                if let Some(budget) = self.budget {
                    return Ok(data(refs.clone(), budget));
                }
                let ids: Vec<ObjectID> = refs.iter().map(|r| *r.object_id()).collect();
                let objects = self.client.multi_get_objects(&ids).await?;
                objects
                    .into_iter()
                    .zip(&ids)
                    .map(|(o, id)| o.ok_or(SdkError::ObjectNotFound(*id)))
                    .collect::<SdkResult<Vec<_>>>()?
            }
            None => self.usable_gas_coins(&ptb).await?,
        };
        let budget = match self.budget {
            Some(b) => b,
            None => {
                let available: u64 = coins.iter().map(coin_balance).sum();
                let dry_budget = available.min(MAX_GAS_BUDGET);
                if dry_budget < MIN_GAS_BUDGET {
                    return Err(SdkError::InsufficientGas {
                        owner: self.gas_owner(),
                        balance: available,
                        needed: MIN_GAS_BUDGET,
                    });
                }
                let dry = data(coins.iter().map(Object::object_ref).collect(), dry_budget);
                let result = self.client.dry_run(dry).await?;
                check_status(result.digest, &result.effects, false)?;
                estimate_budget(&result.effects.gas_used)
            }
        };
        let payment = match &self.payment {
            Some(refs) => refs.clone(),
            None => select_coins(&coins, budget).ok_or_else(|| SdkError::InsufficientGas {
                owner: self.gas_owner(),
                balance: coins.iter().map(coin_balance).sum(),
                needed: budget,
            })?,
        };
        Ok(data(payment, budget))
    }

    /// The unsigned transaction data, for signing elsewhere (offline, or by
    /// several parties): the same as [`TransactionBuilder::build`]; encode
    /// it with [`crate::offline::encode_transaction`].
    pub async fn build_unsigned(&self) -> SdkResult<TransactionData> {
        self.build().await
    }

    /// Builds, signs with `signer` (the sender) and executes; the response
    /// holds the created objects. A failed transaction is an error. A
    /// sponsored transaction needs [`TransactionBuilder::execute_sponsored`].
    pub async fn execute(&self, signer: &dyn Signer) -> SdkResult<TransactionResponse> {
        if signer.address() != self.sender {
            return Err(SdkError::WrongSigner {
                sender: self.sender,
                signer: signer.address(),
            });
        }
        if let Some(sponsor) = self.sponsor {
            return Err(SdkError::MissingSignature { signer: sponsor });
        }
        let data = self.build().await?;
        execute_data(self.client, data, signer).await
    }

    /// Builds a sponsored transaction, signs it as the sender and as the
    /// sponsor (the gas owner) and executes it.
    pub async fn execute_sponsored(
        &self,
        sender: &dyn Signer,
        sponsor: &dyn Signer,
    ) -> SdkResult<TransactionResponse> {
        if sender.address() != self.sender {
            return Err(SdkError::WrongSigner {
                sender: self.sender,
                signer: sender.address(),
            });
        }
        if sponsor.address() != self.gas_owner() || self.sponsor.is_none() {
            return Err(SdkError::NotASigner {
                signer: sponsor.address(),
                required: vec![self.sender, self.gas_owner()],
            });
        }
        let data = self.build().await?;
        let signatures = vec![
            sender.sign_transaction(&data).await?,
            sponsor.sign_transaction(&data).await?,
        ];
        crate::offline::execute_signed(self.client, data, signatures).await
    }

    /// The sender's gas coins that are not inputs, largest first, at most
    /// [`MAX_GAS_COINS`] and no more than needed to reach the largest budget.
    async fn usable_gas_coins(&self, ptb: &ProgrammableTransaction) -> SdkResult<Vec<Object>> {
        let inputs: BTreeSet<ObjectID> = ptb
            .inputs
            .iter()
            .filter_map(|i| match i {
                CallArg::Object(ObjectArg::ImmOrOwned(r) | ObjectArg::Receiving(r)) => {
                    Some(*r.object_id())
                }
                CallArg::Object(ObjectArg::Shared { id, .. }) => Some(*id),
                CallArg::Pure(_) => None,
            })
            .collect();
        let mut coins = vec![];
        let mut total = 0u64;
        for coin in self.client.gas_coins(self.gas_owner()).await? {
            if inputs.contains(&coin.id()) {
                continue;
            }
            total = total.saturating_add(coin_balance(&coin));
            coins.push(coin);
            if total >= MAX_GAS_BUDGET || coins.len() == MAX_GAS_COINS {
                break;
            }
        }
        if coins.is_empty() {
            return Err(SdkError::InsufficientGas {
                owner: self.gas_owner(),
                balance: 0,
                needed: MIN_GAS_BUDGET,
            });
        }
        Ok(coins)
    }
}

impl std::fmt::Debug for TransactionBuilder<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransactionBuilder")
            .field("sender", &self.sender)
            .field("sponsor", &self.sponsor)
            .field("ptb", &self.ptb)
            .field("budget", &self.budget)
            .finish_non_exhaustive()
    }
}

/// The budget for a transaction whose dry run cost `gas`:
/// `(computation + storage) × 1.2 + GAS_MARGIN_FIXED`, within the chain's
/// limits. Rebates are not subtracted: they are paid back only after the
/// budget has been checked.
pub fn estimate_budget(gas: &GasCostSummary) -> u64 {
    let cost = gas.computation_cost.saturating_add(gas.storage_cost);
    (cost.saturating_mul(GAS_MARGIN_PERCENT) / 100)
        .saturating_add(GAS_MARGIN_FIXED)
        .clamp(MIN_GAS_BUDGET, MAX_GAS_BUDGET)
}

/// The fewest of `coins` (largest first) whose balance covers `budget`.
fn select_coins(coins: &[Object], budget: u64) -> Option<Vec<ObjectReference>> {
    let mut sorted: Vec<&Object> = coins.iter().collect();
    sorted.sort_by_key(|c| std::cmp::Reverse(coin_balance(c)));
    let mut total = 0u64;
    let mut out = vec![];
    for coin in sorted {
        total = total.saturating_add(coin_balance(coin));
        out.push(coin.object_ref());
        if total >= budget {
            return Some(out);
        }
    }
    None
}

/// Signs and executes `data`, returning the response or the decoded failure.
pub async fn execute_data(
    client: &dyn Client,
    data: TransactionData,
    signer: &dyn Signer,
) -> SdkResult<TransactionResponse> {
    let signed = sign(data, signer).await?;
    submit(client, signed).await
}

/// Executes an already signed transaction, returning the response or the
/// decoded failure.
pub(crate) async fn submit(
    client: &dyn Client,
    signed: SignedTransaction,
) -> SdkResult<TransactionResponse> {
    let result = client.execute(signed).await?;
    check_status(result.digest, &result.effects, true)?;
    let ids: Vec<ObjectID> = result
        .effects
        .created
        .iter()
        .map(|(r, _)| *r.object_id())
        .collect();
    let created = client
        .multi_get_objects(&ids)
        .await?
        .into_iter()
        .flatten()
        .collect();
    Ok(TransactionResponse {
        digest: result.digest,
        effects: result.effects,
        events: result.events,
        created,
    })
}

fn check_status(digest: Digest, effects: &TransactionEffects, submitted: bool) -> SdkResult<()> {
    match &effects.status {
        ExecutionStatus::Success => Ok(()),
        ExecutionStatus::Failure { error, command } => Err(SdkError::ExecutionFailed {
            digest,
            failure: Box::new(error.clone()),
            command: *command,
            submitted,
        }),
    }
}

/// What an executed transaction did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransactionResponse {
    /// The transaction digest.
    pub digest: Digest,
    /// Its effects.
    pub effects: TransactionEffects,
    /// Its events.
    pub events: Vec<Event>,
    /// The objects it created, as they were read right after it ran (an
    /// object deleted since is missing).
    pub created: Vec<Object>,
}

impl TransactionResponse {
    /// Created objects of type `ty` (type parameters compared only when
    /// `ty` has some).
    pub fn created_of_type(&self, ty: &StructTag) -> impl Iterator<Item = &Object> {
        let ty = ty.clone();
        self.created
            .iter()
            .filter(move |o| o.type_().is_some_and(|t| type_matches(&ty, t)))
    }

    /// The ID of the one created object of type `ty`, or an error naming the
    /// type when there is none.
    pub fn created_id_of_type(&self, ty: &StructTag) -> SdkResult<ObjectID> {
        self.created_of_type(ty)
            .next()
            .map(Object::id)
            .ok_or_else(|| {
                SdkError::decode(
                    format!("the effects of {}", self.digest),
                    format!("no object of type {ty} was created"),
                )
            })
    }

    /// Events of type `ty` (type parameters compared only when given).
    pub fn events_of_type(&self, ty: &StructTag) -> impl Iterator<Item = &Event> {
        let ty = ty.clone();
        self.events
            .iter()
            .filter(move |e| type_matches(&ty, &e.type_))
    }

    /// The gas charged.
    pub fn gas_used(&self) -> GasCostSummary {
        self.effects.gas_used
    }
}

/// The `j`-th result of the command whose result is `result`.
pub fn nested(result: Argument, j: u16) -> Argument {
    match result {
        Argument::Result(i) | Argument::NestedResult(i, _) => Argument::NestedResult(i, j),
        other => other,
    }
}
