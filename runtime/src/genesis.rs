//! Genesis: the packages every chain starts with, compiled once per process, and the initial
//! objects (the shared `Clock` at 0x6 and funded accounts).

use std::path::Path;
use std::sync::{Arc, OnceLock};

use move_binary_format::file_format::CompiledModule;
use move_core_types::identifier::Identifier;
use serde::{Deserialize, Serialize};

use crate::build::{build_package, build_stdlib, BuildOptions, Builtin};
use crate::crypto::KeyPair;
use crate::execution::gas_coin_type;
use crate::types::*;

/// The compiled genesis packages.
#[derive(Clone, Debug)]
pub struct GenesisPackages {
    /// `(package ID, modules)` in publication order: std (0x1), framework (0x2), identity (0x3),
    /// access (0x4).
    pub packages: Vec<(ObjectID, Vec<CompiledModule>)>,
}

static GENESIS: OnceLock<Result<Arc<GenesisPackages>, String>> = OnceLock::new();

/// The genesis packages, compiled on first use and cached for the life of the process.
pub fn genesis_packages() -> Result<Arc<GenesisPackages>, String> {
    GENESIS
        .get_or_init(|| {
            let std = build_stdlib().map_err(|e| e.to_string())?;
            let opts = BuildOptions::default();
            let framework =
                build_package(&Builtin::Framework.dir(), &opts).map_err(|e| e.to_string())?;
            let mut packages = vec![
                (ObjectID::STD, std),
                (ObjectID::FRAMEWORK, framework.modules),
            ];
            let identity_dir = Builtin::Identity.dir();
            if identity_dir.join("Move.toml").is_file() {
                let identity = build_package(&identity_dir, &opts).map_err(|e| e.to_string())?;
                packages.push((ObjectID::IDENTITY, identity.modules));
            }
            let access_dir = Builtin::Access.dir();
            if access_dir.join("Move.toml").is_file() {
                let access = build_package(&access_dir, &opts).map_err(|e| e.to_string())?;
                packages.push((ObjectID::ACCESS, access.modules));
            }
            Ok(Arc::new(GenesisPackages { packages }))
        })
        .clone()
}

/// Where the genesis packages' sources live (for documentation and `movid move new`).
pub fn framework_dir() -> &'static Path {
    static DIR: OnceLock<std::path::PathBuf> = OnceLock::new();
    DIR.get_or_init(|| Builtin::Framework.dir())
}

/// What a new chain starts with.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GenesisConfig {
    /// Accounts funded at genesis: each gets `coins_per_account` gas coins of `coin_value`.
    pub accounts: Vec<Address>,
    /// Gas coins per account.
    pub coins_per_account: u64,
    /// Value of each coin, in MIST (1 SUI = 10^9 MIST).
    pub coin_value: u64,
    /// The clock's time at genesis (ms since the Unix epoch).
    pub start_time_ms: u64,
}

/// One SUI in MIST.
pub const MIST_PER_SUI: u64 = 1_000_000_000;

impl GenesisConfig {
    /// `n` deterministic development accounts (see [`dev_keys`]) with 5 coins of 1,000 SUI each.
    pub fn with_dev_accounts(n: usize) -> Self {
        GenesisConfig {
            accounts: dev_keys(n).iter().map(KeyPair::address).collect(),
            coins_per_account: 5,
            coin_value: 1_000 * MIST_PER_SUI,
            start_time_ms: 1_700_000_000_000,
        }
    }
}

impl Default for GenesisConfig {
    fn default() -> Self {
        Self::with_dev_accounts(4)
    }
}

/// Deterministic development keys: seed `i` is 32 bytes of `i + 1`. Never use them on a real
/// network.
pub fn dev_keys(n: usize) -> Vec<KeyPair> {
    (0..n)
        .map(|i| KeyPair::from_seed([(i as u8).wrapping_add(1); 32]))
        .collect()
}

/// A gas coin object.
pub fn gas_coin(id: ObjectID, value: u64, owner: Address, tx: Digest, version: u64) -> Object {
    let mut contents = id.into_inner().to_vec();
    contents.extend_from_slice(&value.to_le_bytes());
    let mut o = Object::new_move(
        MoveObject {
            type_: gas_coin_type(),
            has_public_transfer: true,
            version,
            contents,
        },
        Owner::AddressOwner(owner),
        tx,
    );
    o.storage_rebate = crate::gas::storage_cost(o.storage_size());
    o
}

/// The shared clock object at 0x6.
pub fn clock_object(timestamp_ms: u64, version: u64, tx: Digest) -> Object {
    let mut contents = ObjectID::CLOCK.into_inner().to_vec();
    contents.extend_from_slice(&timestamp_ms.to_le_bytes());
    Object::new_move(
        MoveObject {
            type_: StructTag {
                address: crate::seam::to_vm_address(ObjectID::FRAMEWORK),
                module: Identifier::new("clock").expect("valid"),
                name: Identifier::new("Clock").expect("valid"),
                type_params: vec![],
            },
            has_public_transfer: false,
            version,
            contents,
        },
        Owner::Shared {
            initial_shared_version: 1,
        },
        tx,
    )
}

/// The clock's timestamp from its contents.
pub fn clock_timestamp(obj: &Object) -> u64 {
    obj.as_move()
        .and_then(|m| crate::execution::coin_value(&m.contents))
        .unwrap_or(0)
}
