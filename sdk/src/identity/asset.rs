//! Authenticated assets (`identity::asset`, docs/DESIGN.md §8): objects
//! holding a value with a recorded origin and owner and the flags mutable,
//! transferable and deletable fixed at creation, transferred by a two-party
//! offer (the owner offers, the recipient accepts, the owner may cancel).
//!
//! [`AssetClient::create`] stores any value whose Move type can be a pure
//! transaction argument ([`AssetContent`]: bytes, strings, numbers, booleans,
//! addresses, IDs, and vectors and options of those). A value of a struct
//! type of your own package is built by that package's code in the same
//! transaction; call `identity::asset::create<T>` with its result through a
//! [`TransactionBuilder`] yourself. Every other operation reads the content
//! type from the asset, so it works for any `T`.
//!
//! While an offer is open the asset is owned by the offer's
//! `TransferProposal` (a shared object): the owner can neither mutate,
//! delete nor offer it again until it cancels. Aborts come back as
//! [`SdkError::Identity`] with a named [`IdentityError`]
//! (`NotAssetOwner`, `AssetImmutable`, `NotOfferRecipient`...).
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! use std::sync::Arc;
//! use movid_runtime::genesis::dev_keys;
//! use movid_sdk::client::InProcessClient;
//! use movid_sdk::identity::asset::{AssetClient, AssetFlags};
//!
//! let assets = AssetClient::new(Arc::new(InProcessClient::new_dev()?));
//! let keys = dev_keys(2);
//! let created = assets.create(&keys[0], &b"deed".to_vec(), AssetFlags::all()).await?;
//! let offer = assets.offer(&keys[0], created.asset_id, keys[1].address(), None).await?;
//! assets.accept(&keys[1], offer.proposal_id).await?;
//! let asset = assets.get(created.asset_id).await?;
//! assert_eq!(asset.owner, keys[1].address());
//! assert_eq!(asset.origin, keys[0].address());
//! assert_eq!(asset.content::<Vec<u8>>()?, b"deed");
//! # Ok::<(), movid_sdk::SdkError>(())
//! # }).unwrap();
//! ```

pub mod events;

use std::sync::Arc;

use movid_runtime::store::EventFilter;
use movid_runtime::types::{
    Address, Object, ObjectID, Owner, SequenceNumber, StructTag, TypeTag, WellKnown,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::{event_type, IdentityError};
use crate::client::Client;
use crate::error::{SdkError, SdkResult};
use crate::paging::MAX_EVENTS_PER_QUERY;
use crate::tx::{struct_tag, Signer, TransactionBuilder, TransactionResponse};

const PKG: ObjectID = ObjectID::IDENTITY;
const MODULE: &str = "asset";

/// `0x3::asset::AuthenticatedAsset<content>`.
pub fn asset_type(content: TypeTag) -> StructTag {
    struct_tag(PKG, MODULE, "AuthenticatedAsset", vec![content])
}

/// `0x3::asset::TransferProposal`.
pub fn transfer_proposal_type() -> StructTag {
    struct_tag(PKG, MODULE, "TransferProposal", vec![])
}

/// A Rust value stored as an asset's content: its Move type, and BCS that
/// matches it (serde's derive gives Move's layout for these types).
pub trait AssetContent: Serialize + DeserializeOwned {
    /// The Move type of the content, the `T` of `AuthenticatedAsset<T>`.
    fn type_tag() -> TypeTag;
}

impl AssetContent for Vec<u8> {
    fn type_tag() -> TypeTag {
        TypeTag::Vector(Box::new(TypeTag::U8))
    }
}

impl AssetContent for String {
    /// `0x1::string::String` (UTF-8, checked by the chain).
    fn type_tag() -> TypeTag {
        TypeTag::Struct(struct_tag(ObjectID::STD, "string", "String", vec![]))
    }
}

impl AssetContent for u64 {
    fn type_tag() -> TypeTag {
        TypeTag::U64
    }
}

impl AssetContent for u8 {
    fn type_tag() -> TypeTag {
        TypeTag::U8
    }
}

impl AssetContent for u128 {
    fn type_tag() -> TypeTag {
        TypeTag::U128
    }
}

impl AssetContent for bool {
    fn type_tag() -> TypeTag {
        TypeTag::Bool
    }
}

impl AssetContent for Address {
    fn type_tag() -> TypeTag {
        TypeTag::Address
    }
}

/// Vectors of the scalar types (`Vec<u8>` has its own impl above).
macro_rules! vector_content {
    ($($t:ty),*) => {$(
        impl AssetContent for Vec<$t> {
            fn type_tag() -> TypeTag {
                TypeTag::Vector(Box::new(<$t>::type_tag()))
            }
        }
    )*};
}
vector_content!(u64, bool, Address, String, Vec<u8>);

/// What an asset allows, fixed when it is created.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetFlags {
    /// The owner may change the content.
    pub mutable: bool,
    /// The owner may offer it to another owner.
    pub transferable: bool,
    /// The owner may delete it.
    pub deletable: bool,
}

impl AssetFlags {
    /// Mutable, transferable and deletable.
    pub fn all() -> AssetFlags {
        AssetFlags {
            mutable: true,
            transferable: true,
            deletable: true,
        }
    }

    /// None of them: a fixed record that stays with its creator for good.
    pub fn none() -> AssetFlags {
        AssetFlags::default()
    }
}

/// An `AuthenticatedAsset<T>` as read from the chain, its content still
/// BCS (decode it with [`OnChainAsset::content`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OnChainAsset {
    /// The asset's ID.
    pub id: ObjectID,
    /// Its object version.
    pub version: SequenceNumber,
    /// The content's Move type.
    pub content_type: TypeTag,
    /// The creator; never changes.
    pub origin: Address,
    /// The owner (the offering owner while an offer is open).
    pub owner: Address,
    /// The flags fixed at creation.
    pub flags: AssetFlags,
    /// The open offer holding the asset, if any.
    pub offer: Option<ObjectID>,
    /// The content's BCS.
    pub content_bcs: Vec<u8>,
}

impl OnChainAsset {
    /// Decodes an `AuthenticatedAsset<T>` object, any `T`.
    pub fn from_object(object: &Object) -> SdkResult<OnChainAsset> {
        let id = object.id();
        let wrong =
            || SdkError::wrong_type(id, "0x3::asset::AuthenticatedAsset<T>", object.type_());
        let m = object.as_move().ok_or_else(wrong)?;
        let t = &m.type_;
        if t.address != movid_runtime::seam::to_vm_address(PKG)
            || t.module.as_str() != MODULE
            || t.name.as_str() != "AuthenticatedAsset"
            || t.type_params.len() != 1
        {
            return Err(wrong());
        }
        let decode = |e: bcs::Error| SdkError::decode(format!("asset {id}"), e);
        // The fixed-size header comes first (the Move struct puts `content` last).
        const HEADER: usize = 32 + 32 + 32 + 3;
        if m.contents.len() < HEADER {
            return Err(SdkError::decode(
                format!("asset {id}"),
                "shorter than its header",
            ));
        }
        let header: HeaderRaw = bcs::from_bytes(&m.contents[..HEADER]).map_err(decode)?;
        let offer = match object.owner {
            Owner::AddressOwner(a) if a != header.owner => Some(ObjectID::from(a)),
            _ => None,
        };
        Ok(OnChainAsset {
            id,
            version: object.version(),
            content_type: t.type_params[0].clone(),
            origin: header.origin,
            owner: header.owner,
            flags: AssetFlags {
                mutable: header.mutable,
                transferable: header.transferable,
                deletable: header.deletable,
            },
            offer,
            content_bcs: m.contents[HEADER..].to_vec(),
        })
    }

    /// The content as `T`; [`SdkError::WrongObjectType`] if the asset holds
    /// another type.
    pub fn content<T: AssetContent>(&self) -> SdkResult<T> {
        if self.content_type != T::type_tag() {
            return Err(SdkError::WrongObjectType {
                id: self.id,
                expected: asset_type(T::type_tag()).to_string(),
                found: asset_type(self.content_type.clone()).to_string(),
            });
        }
        bcs::from_bytes(&self.content_bcs)
            .map_err(|e| SdkError::decode(format!("the content of asset {}", self.id), e))
    }
}

/// An open offer: a `TransferProposal`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferOffer {
    /// The proposal's ID.
    pub proposal_id: ObjectID,
    /// The offered asset.
    pub asset: ObjectID,
    /// The owner who offered it.
    pub sender: Address,
    /// Who may accept it.
    pub recipient: Address,
    /// The last epoch in which it may be accepted (none: no limit).
    pub expiration_epoch: Option<u64>,
}

impl TransferOffer {
    /// Decodes a `TransferProposal` object.
    pub fn from_object(object: &Object) -> SdkResult<TransferOffer> {
        let id = object.id();
        let m = object
            .as_move()
            .filter(|m| m.type_ == transfer_proposal_type())
            .ok_or_else(|| {
                SdkError::wrong_type(id, "0x3::asset::TransferProposal", object.type_())
            })?;
        bcs::from_bytes(&m.contents)
            .map_err(|e| SdkError::decode(format!("transfer proposal {id}"), e))
    }
}

/// A created asset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreatedAsset {
    /// Its ID.
    pub asset_id: ObjectID,
    /// The transaction.
    pub response: TransactionResponse,
}

/// An opened offer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenedOffer {
    /// The shared `TransferProposal`'s ID: give it to the recipient.
    pub proposal_id: ObjectID,
    /// The transaction.
    pub response: TransactionResponse,
}

/// Creates, reads, changes and transfers authenticated assets.
#[derive(Clone)]
pub struct AssetClient {
    client: Arc<dyn Client>,
}

impl std::fmt::Debug for AssetClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AssetClient")
            .field("network", &self.client.network())
            .finish()
    }
}

impl AssetClient {
    /// An asset client over `client`.
    pub fn new(client: Arc<dyn Client>) -> Self {
        AssetClient { client }
    }

    /// Creates an asset holding `content`, owned (and originated) by the signer.
    pub async fn create<T: AssetContent>(
        &self,
        signer: &dyn Signer,
        content: &T,
        flags: AssetFlags,
    ) -> SdkResult<CreatedAsset> {
        self.create_raw(signer, T::type_tag(), bcs_of(content)?, flags)
            .await
    }

    /// Creates an asset whose content is `content_bcs`, the BCS of a value
    /// of the Move type `content_type` (a type a pure argument may have);
    /// the chain checks the bytes against the type.
    pub async fn create_raw(
        &self,
        signer: &dyn Signer,
        content_type: TypeTag,
        content_bcs: Vec<u8>,
        flags: AssetFlags,
    ) -> SdkResult<CreatedAsset> {
        let mut tx = TransactionBuilder::new(&*self.client, signer.address());
        let content = tx.pure_bytes(content_bcs);
        let mutable = tx.pure(&flags.mutable);
        let transferable = tx.pure(&flags.transferable);
        let deletable = tx.pure(&flags.deletable);
        tx.move_call(
            PKG,
            MODULE,
            "create",
            vec![content_type.clone()],
            vec![content, mutable, transferable, deletable],
        );
        let response = run(&tx, signer).await?;
        let asset_id = response.created_id_of_type(&asset_type(content_type))?;
        Ok(CreatedAsset { asset_id, response })
    }

    /// Reads asset `id`.
    pub async fn get(&self, id: ObjectID) -> SdkResult<OnChainAsset> {
        OnChainAsset::from_object(&self.client.object(id).await?)
    }

    /// The assets `owner` holds, by ID (not those it has offered: an offered
    /// asset belongs to its offer until accepted or cancelled; see
    /// [`AssetClient::offers_from`]).
    pub async fn owned_by(&self, owner: Address) -> SdkResult<Vec<OnChainAsset>> {
        let mut out = vec![];
        for object in self.client.owned_objects(owner).await? {
            if is_asset(&object) {
                out.push(OnChainAsset::from_object(&object)?);
            }
        }
        out.sort_by_key(|a| a.id);
        Ok(out)
    }

    /// Replaces the content of a mutable asset the signer owns.
    pub async fn set_content<T: AssetContent>(
        &self,
        signer: &dyn Signer,
        id: ObjectID,
        content: &T,
    ) -> SdkResult<TransactionResponse> {
        self.set_content_raw(signer, id, bcs_of(content)?).await
    }

    /// Replaces the content with `content_bcs`, BCS of the asset's content type.
    pub async fn set_content_raw(
        &self,
        signer: &dyn Signer,
        id: ObjectID,
        content_bcs: Vec<u8>,
    ) -> SdkResult<TransactionResponse> {
        let (object, asset) = self.read_owned(signer, id).await?;
        let mut tx = TransactionBuilder::new(&*self.client, signer.address());
        let arg = tx.object_from(&object, true)?;
        let content = tx.pure_bytes(content_bcs);
        tx.move_call(
            PKG,
            MODULE,
            "set_content",
            vec![asset.content_type],
            vec![arg, content],
        );
        run(&tx, signer).await
    }

    /// Deletes a deletable asset the signer owns (its content is dropped:
    /// the pure-argument types all have `drop`; an asset holding a value
    /// without `drop` must be deleted by Move code that takes the value).
    pub async fn delete(
        &self,
        signer: &dyn Signer,
        id: ObjectID,
    ) -> SdkResult<TransactionResponse> {
        let (object, asset) = self.read_owned(signer, id).await?;
        let mut tx = TransactionBuilder::new(&*self.client, signer.address());
        let arg = tx.object_from(&object, true)?;
        tx.move_call(PKG, MODULE, "delete", vec![asset.content_type], vec![arg]);
        run(&tx, signer).await
    }

    /// Offers a transferable asset the signer owns to `recipient`, to be
    /// accepted up to epoch `expiration` (none: no limit).
    pub async fn offer(
        &self,
        signer: &dyn Signer,
        id: ObjectID,
        recipient: Address,
        expiration: Option<u64>,
    ) -> SdkResult<OpenedOffer> {
        let (object, asset) = self.read_owned(signer, id).await?;
        let mut tx = TransactionBuilder::new(&*self.client, signer.address());
        let arg = tx.object_from(&object, true)?;
        let recipient = tx.pure(&recipient);
        let expiration = tx.pure(&expiration);
        tx.move_call(
            PKG,
            MODULE,
            "offer",
            vec![asset.content_type],
            vec![arg, recipient, expiration],
        );
        let response = run(&tx, signer).await?;
        let proposal_id = response.created_id_of_type(&transfer_proposal_type())?;
        Ok(OpenedOffer {
            proposal_id,
            response,
        })
    }

    /// Accepts offer `proposal_id` (the signer must be its recipient): the
    /// asset becomes the signer's and the offer is deleted.
    pub async fn accept(
        &self,
        signer: &dyn Signer,
        proposal_id: ObjectID,
    ) -> SdkResult<TransactionResponse> {
        self.conclude(signer, proposal_id, "accept").await
    }

    /// Cancels offer `proposal_id` (the signer must have made it): the
    /// asset comes back and the offer is deleted.
    pub async fn cancel(
        &self,
        signer: &dyn Signer,
        proposal_id: ObjectID,
    ) -> SdkResult<TransactionResponse> {
        self.conclude(signer, proposal_id, "cancel").await
    }

    /// Reads offer `proposal_id`; [`IdentityError::OfferNotFound`] once it
    /// was accepted or cancelled (or never existed).
    pub async fn get_offer(&self, proposal_id: ObjectID) -> SdkResult<TransferOffer> {
        match self.client.get_object(proposal_id).await? {
            Some(object) => TransferOffer::from_object(&object),
            None => Err(IdentityError::OfferNotFound.into()),
        }
    }

    /// The open offers to `recipient`, oldest first.
    pub async fn offers_to(&self, recipient: Address) -> SdkResult<Vec<TransferOffer>> {
        self.open_offers(|o| o.recipient == recipient).await
    }

    /// The open offers `sender` made, oldest first.
    pub async fn offers_from(&self, sender: Address) -> SdkResult<Vec<TransferOffer>> {
        self.open_offers(|o| o.sender == sender).await
    }

    /// Open offers matching `keep`, found from the `AssetOffered` events
    /// (shared objects have no owner to list them by) and read back, so an
    /// accepted or cancelled offer is left out.
    async fn open_offers(
        &self,
        keep: impl Fn(&events::AssetOffered) -> bool,
    ) -> SdkResult<Vec<TransferOffer>> {
        let filter = EventFilter {
            type_: Some(event_type("AssetOffered")),
            ..EventFilter::default()
        };
        let records = self.client.events(filter, MAX_EVENTS_PER_QUERY).await?;
        if records.len() >= MAX_EVENTS_PER_QUERY {
            // Refuse rather than answer from a truncated list (LIMITS.md).
            return Err(SdkError::InvalidArgument(format!(
                "the chain has {MAX_EVENTS_PER_QUERY} or more asset offers, more than one event \
                 query reaches; read offers by ID with get_offer"
            )));
        }
        let mut ids = vec![];
        for record in &records {
            let offered: events::AssetOffered = bcs::from_bytes(&record.event.contents)
                .map_err(|e| SdkError::decode("an AssetOffered event", e))?;
            if keep(&offered) {
                ids.push(offered.proposal);
            }
        }
        let mut out = vec![];
        for object in self
            .client
            .multi_get_objects(&ids)
            .await?
            .into_iter()
            .flatten()
        {
            out.push(TransferOffer::from_object(&object)?);
        }
        Ok(out)
    }

    async fn conclude(
        &self,
        signer: &dyn Signer,
        proposal_id: ObjectID,
        function: &str,
    ) -> SdkResult<TransactionResponse> {
        let offer = self.get_offer(proposal_id).await?;
        let (object, asset) = self.read(offer.asset).await?;
        let mut tx = TransactionBuilder::new(&*self.client, signer.address());
        let proposal = tx.shared_object(proposal_id, true).await?;
        let ticket = tx.object_arg(movid_runtime::types::ObjectArg::Receiving(
            object.object_ref(),
        ));
        tx.move_call(
            PKG,
            MODULE,
            function,
            vec![asset.content_type],
            vec![proposal, ticket],
        );
        run(&tx, signer).await
    }

    async fn read(&self, id: ObjectID) -> SdkResult<(Object, OnChainAsset)> {
        let object = self.client.object(id).await?;
        let asset = OnChainAsset::from_object(&object)?;
        Ok((object, asset))
    }

    /// Reads an asset `signer` is about to use as its owner, refusing before anything is sent
    /// when it is another's or held by an offer. The chain enforces both anyway (the node
    /// refuses the input); this names the reason.
    async fn read_owned(
        &self,
        signer: &dyn Signer,
        id: ObjectID,
    ) -> SdkResult<(Object, OnChainAsset)> {
        let (object, asset) = self.read(id).await?;
        if asset.owner != signer.address() {
            return Err(IdentityError::NotAssetOwner.into());
        }
        if let Some(offer) = asset.offer {
            return Err(IdentityError::AssetOffered { offer }.into());
        }
        Ok((object, asset))
    }
}

/// Whether `object` is an `AuthenticatedAsset<_>`.
pub fn is_asset(object: &Object) -> bool {
    object.type_().is_some_and(|t| {
        t.address == movid_runtime::seam::to_vm_address(PKG)
            && t.module.as_str() == MODULE
            && t.name.as_str() == "AuthenticatedAsset"
    })
}

fn bcs_of<T: Serialize>(value: &T) -> SdkResult<Vec<u8>> {
    bcs::to_bytes(value)
        .map_err(|e| SdkError::InvalidArgument(format!("cannot encode the content: {e}")))
}

/// Executes `tx`, naming identity package aborts.
async fn run(tx: &TransactionBuilder<'_>, signer: &dyn Signer) -> SdkResult<TransactionResponse> {
    tx.execute(signer).await.map_err(|e| match e.move_abort() {
        Some(abort) if IdentityError::is_identity_abort(abort) => {
            IdentityError::from_abort(abort, (0, 0)).into()
        }
        _ => e,
    })
}

// === BCS mirrors of the Move structs ===

#[derive(Deserialize)]
struct HeaderRaw {
    #[allow(dead_code)]
    id: ObjectID,
    origin: Address,
    owner: Address,
    mutable: bool,
    transferable: bool,
    deletable: bool,
}
