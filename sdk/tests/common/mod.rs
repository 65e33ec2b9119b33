//! Shared set-up of the SDK tests: a world of funded development keys on a
//! client, and helpers that create identities and documents.

#![allow(dead_code)]

pub mod counting;

use std::sync::Arc;

use movid_runtime::crypto::KeyPair;
use movid_runtime::execution::gas_coin_type;
use movid_runtime::genesis::dev_keys;
use movid_runtime::types::{Address, Object, ObjectID};
use movid_sdk::client::coin_balance;
use movid_sdk::did::{Did, DidDocument, KeyFormat, PublicKey, Relationship};
use movid_sdk::identity::{Controller, OnChainIdentity};
use movid_sdk::{Client, IdentityClient, SdkError};

/// One SUI in MIST.
pub const MIST_PER_SUI: u64 = 1_000_000_000;

/// A client, an identity client on it, and the four funded development keys
/// (`alice`, `bob`, `carol`, `dave` = keys 0..4).
pub struct World {
    pub client: Arc<dyn Client>,
    pub ids: IdentityClient,
    pub keys: Vec<KeyPair>,
}

impl World {
    pub fn new(client: Arc<dyn Client>) -> World {
        World {
            ids: IdentityClient::new(client.clone()),
            client,
            keys: dev_keys(4),
        }
    }

    pub fn alice(&self) -> &KeyPair {
        &self.keys[0]
    }

    pub fn bob(&self) -> &KeyPair {
        &self.keys[1]
    }

    pub fn carol(&self) -> &KeyPair {
        &self.keys[2]
    }

    pub fn dave(&self) -> &KeyPair {
        &self.keys[3]
    }

    /// An identity controlled by `controllers` (key indices, voting power 1
    /// each) with `threshold`, created by the first of them.
    pub async fn identity(&self, controllers: &[usize], threshold: u64) -> OnChainIdentity {
        let mut builder = self.ids.create_identity().threshold(threshold);
        for &i in controllers {
            builder = builder.controller(self.keys[i].address(), 1);
        }
        builder
            .execute(&self.keys[controllers[0]])
            .await
            .expect("identity created")
    }

    /// Key `i` acting on `identity` with its ControllerCap.
    /// As [`World::identity`], every controller allowed to delegate.
    pub async fn delegating_identity(
        &self,
        controllers: &[usize],
        threshold: u64,
    ) -> OnChainIdentity {
        let mut builder = self.ids.create_identity().threshold(threshold);
        for &i in controllers {
            builder = builder.controller_with_delegation(self.keys[i].address(), 1, true);
        }
        builder
            .execute(&self.keys[controllers[0]])
            .await
            .expect("identity created")
    }

    pub async fn controller(&self, identity: &OnChainIdentity, i: usize) -> Controller<'_> {
        self.ids
            .controller(identity.id, &self.keys[i])
            .await
            .expect("a controller")
    }

    /// A document of `identity` publishing key `i` as `key-1`.
    pub fn doc(&self, identity: &OnChainIdentity, i: usize) -> DidDocument {
        doc_with_key(&identity.did, &self.keys[i], "key-1")
    }

    /// A gas coin of `amount` minted for `owner` (an account or an identity).
    pub async fn coin_for(&self, owner: Address, amount: u64) -> ObjectID {
        *self
            .client
            .faucet(owner, amount)
            .await
            .expect("faucet")
            .object_id()
    }

    /// The live object `id`.
    pub async fn object(&self, id: ObjectID) -> Object {
        self.client.object(id).await.expect("object exists")
    }

    /// The balance of the gas coins `owner` holds with exactly `amount`.
    pub async fn has_coin_of(&self, owner: Address, amount: u64) -> bool {
        self.client
            .owned_objects(owner)
            .await
            .unwrap()
            .iter()
            .any(|o| o.type_() == Some(&gas_coin_type()) && coin_balance(o) == amount)
    }
}

/// A DID document of `did` with `key`'s public key under `fragment`.
pub fn doc_with_key(did: &Did, key: &KeyPair, fragment: &str) -> DidDocument {
    DidDocument::builder(did.clone())
        .key(
            fragment,
            PublicKey::Ed25519(key.public().0),
            KeyFormat::Multibase,
            &[Relationship::Authentication],
        )
        .build()
        .expect("a valid document")
}

/// The identity error inside `result`, or a panic naming what came instead.
pub fn identity_error<T: std::fmt::Debug>(result: Result<T, SdkError>) -> movid_sdk::IdentityError {
    match result {
        Err(SdkError::Identity(e)) => e,
        other => panic!("expected an identity error, got {other:?}"),
    }
}
