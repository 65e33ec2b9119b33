//! Offline and multi-party signing: unsigned transaction bytes, signatures
//! made elsewhere, and executing a transaction with the signatures gathered.
//!
//! A transaction is carried between parties as base64 of its BCS
//! `TransactionData` (what [`encode_transaction`] prints and the CLI's
//! `--serialize-unsigned` outputs). Every party decodes the same bytes, so
//! what each signs is exactly what executes: a signature over other bytes
//! does not verify. The signers are the sender and, when another account
//! sponsors the gas, the gas owner ([`required_signers`]); the node refuses
//! a transaction whose signatures are not exactly those.
//!
//! A sponsor's signature covers the whole transaction, gas coin included:
//! commands may use `GasCoin`, which is then the sponsor's coin. A sponsor
//! decodes and reads the bytes before signing them.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! use movid_runtime::genesis::dev_keys;
//! use movid_sdk::client::InProcessClient;
//! use movid_sdk::offline::{decode_transaction, encode_transaction, execute_signed, sign_as};
//! use movid_sdk::tx::TransactionBuilder;
//!
//! let client = InProcessClient::new_dev()?;
//! let keys = dev_keys(2);
//! let (alice, sponsor) = (&keys[0], &keys[1]);
//!
//! // Alice sends herself 10 MIST; the sponsor pays the gas.
//! let mut tx = TransactionBuilder::new(&client, alice.address());
//! tx.sponsor(sponsor.address());
//! let amount = tx.pure(&10u64);
//! let coin = tx.split_coins(tx.gas(), vec![amount]);
//! let me = tx.pure(&alice.address());
//! tx.transfer_objects(vec![coin], me);
//! let bytes = encode_transaction(&tx.build_unsigned().await?);
//!
//! // Each party decodes the bytes and signs them with its own key.
//! let data = decode_transaction(&bytes)?;
//! let signatures = vec![sign_as(&data, alice).await?, sign_as(&data, sponsor).await?];
//! let response = execute_signed(&client, data, signatures).await?;
//! assert_eq!(response.effects.gas_object.1.address(), Some(sponsor.address()));
//! # Ok::<(), movid_sdk::SdkError>(())
//! # }).unwrap();
//! ```

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use movid_runtime::crypto::Signature;
use movid_runtime::types::{Address, SignedTransaction, TransactionData};

use crate::client::Client;
use crate::error::{SdkError, SdkResult};
use crate::tx::{submit, Signer, TransactionResponse};

/// A party known by address only, its key kept elsewhere: builders and
/// identity controllers prepare transactions for it
/// (`IdentityClient::controller(id, &AddressOnly(addr))`, then
/// `Controller::transaction`), and any attempt to sign with it fails with
/// [`SdkError::MissingSignature`] before anything is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AddressOnly(pub Address);

#[async_trait::async_trait]
impl Signer for AddressOnly {
    fn address(&self) -> Address {
        self.0
    }

    async fn sign_transaction(&self, _data: &TransactionData) -> SdkResult<Signature> {
        Err(SdkError::MissingSignature { signer: self.0 })
    }
}

/// Base64 (standard alphabet, padded) of the BCS of `data`.
pub fn encode_transaction(data: &TransactionData) -> String {
    STANDARD.encode(bcs::to_bytes(data).expect("transaction data serializes"))
}

/// The transaction data in base64 BCS, as [`encode_transaction`] writes it.
/// Trailing bytes or anything else that is not exactly one `TransactionData`
/// is [`SdkError::Decode`].
pub fn decode_transaction(text: &str) -> SdkResult<TransactionData> {
    let bytes = STANDARD
        .decode(text.trim())
        .map_err(|e| SdkError::decode("transaction bytes (base64)", e))?;
    bcs::from_bytes(&bytes).map_err(|e| SdkError::decode("transaction bytes (BCS)", e))
}

/// Base64 of a signature's 97 bytes (flag ‖ Ed25519 signature ‖ public key).
pub fn encode_signature(signature: &Signature) -> String {
    STANDARD.encode(&signature.0)
}

/// A signature in base64, as [`encode_signature`] writes it; its shape is
/// checked (flag, length, public key) but not what it signs.
pub fn decode_signature(text: &str) -> SdkResult<Signature> {
    let bytes = STANDARD
        .decode(text.trim())
        .map_err(|e| SdkError::decode("signature (base64)", e))?;
    let signature = Signature(bytes);
    signature
        .public_key()
        .map_err(|e| SdkError::decode("signature", e))?;
    Ok(signature)
}

/// Who must sign `data`: its sender, then its gas owner when that is
/// another account (a sponsor).
pub fn required_signers(data: &TransactionData) -> Vec<Address> {
    let mut required = vec![data.sender];
    if data.gas_data.owner != data.sender {
        required.push(data.gas_data.owner);
    }
    required
}

/// Signs `data` as `signer`, which must be its sender or its gas owner
/// ([`SdkError::NotASigner`] otherwise, and nothing is signed).
pub async fn sign_as(data: &TransactionData, signer: &dyn Signer) -> SdkResult<Signature> {
    let required = required_signers(data);
    if !required.contains(&signer.address()) {
        return Err(SdkError::NotASigner {
            signer: signer.address(),
            required,
        });
    }
    signer.sign_transaction(data).await
}

/// Executes `data` with signatures gathered elsewhere. The node checks
/// them: a missing or extra signer, or a signature over other bytes, is
/// refused ([`SdkError::Transaction`]) and changes nothing.
pub async fn execute_signed(
    client: &dyn Client,
    data: TransactionData,
    signatures: Vec<Signature>,
) -> SdkResult<TransactionResponse> {
    submit(client, SignedTransaction { data, signatures }).await
}
