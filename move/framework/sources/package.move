/// Proof of publishing (`Publisher`) and the right to upgrade a package
/// (`UpgradeCap`, with the `UpgradeTicket` / `UpgradeReceipt` hot potatoes
/// of the upgrade protocol).
///
/// Differs from Sui: a `Publisher`'s package is the address of the package
/// that defines the witness type, as reported by the runtime (Sui uses the
/// original, first-version package ID; they coincide until upgrades exist).
/// `original_package_id` is not provided.
module sui::package {
    use std::ascii::{Self, String};
    use sui::address;
    use sui::object::{Self, ID, UID};
    use sui::transfer;
    use sui::tx_context::{Self, TxContext};
    use sui::types;
    #[test_only]
    use sui::hash;

    /// `claim` was given a type that is not a one-time witness.
    const ENotOneTimeWitness: u64 = 0;
    /// The requested upgrade policy is more permissive than the cap allows.
    const ETooPermissive: u64 = 1;
    /// The cap already has an upgrade in progress.
    const EAlreadyAuthorized: u64 = 2;
    /// `commit_upgrade` was called on a cap with no upgrade in progress.
    const ENotAuthorized: u64 = 3;
    /// The receipt was issued for another `UpgradeCap`.
    const EWrongUpgradeCap: u64 = 4;

    /// Any change is allowed, as long as it stays layout- and
    /// signature-compatible.
    const COMPATIBLE: u8 = 0;
    /// Only new functions and types, and dependency changes, are allowed.
    const ADDITIVE: u8 = 128;
    /// Only dependency changes are allowed.
    const DEP_ONLY: u8 = 192;

    /// Proof that its holder published the module that defined a one-time
    /// witness. There can be one per module.
    struct Publisher has key, store {
        id: UID,
        /// The package's address: 64 lowercase hex digits, no `0x`.
        package: String,
        /// The module's name.
        module_name: String,
    }

    /// The right to upgrade a package.
    struct UpgradeCap has key, store {
        id: UID,
        /// The latest version of the package; `@0x0` while an upgrade
        /// authorized by this cap is in progress.
        package: ID,
        /// How many times the package has been published: 1 after publish,
        /// plus one per upgrade.
        version: u64,
        /// The most permissive kind of upgrade allowed (one of the policy
        /// constants); can only be made stricter.
        policy: u8,
    }

    /// Permission for one upgrade of `package` to the code with `digest`.
    /// A hot potato: the `Upgrade` command must consume it.
    struct UpgradeTicket {
        /// The cap that issued the ticket.
        cap: ID,
        package: ID,
        policy: u8,
        /// The digest of the new modules and dependencies.
        digest: vector<u8>,
    }

    /// Proof of a completed upgrade. A hot potato: `commit_upgrade` must
    /// apply it to the cap that issued the ticket.
    struct UpgradeReceipt {
        /// The cap that issued the ticket.
        cap: ID,
        /// The upgraded package's ID.
        package: ID,
    }

    // === Publisher ===

    /// Claim the `Publisher` for the module that defines `OTW`. Aborts with
    /// `ENotOneTimeWitness` unless `otw` is a one-time witness, so this only
    /// works in that module's `init`.
    public fun claim<OTW: drop>(otw: OTW, ctx: &mut TxContext): Publisher {
        assert!(types::is_one_time_witness(&otw), ENotOneTimeWitness);
        new_publisher<OTW>(ctx)
    }

    /// Claim the `Publisher` and send it to the transaction sender (the
    /// publisher, when called from `init`).
    public fun claim_and_keep<OTW: drop>(otw: OTW, ctx: &mut TxContext) {
        transfer::public_transfer(claim(otw, ctx), tx_context::sender(ctx))
    }

    /// Destroy a `Publisher`, giving up what it proves.
    public fun burn_publisher(self: Publisher) {
        let Publisher { id, package: _, module_name: _ } = self;
        object::delete(id)
    }

    /// True if `T` is defined in the publisher's package. `T` must be a
    /// struct type; for a generic struct its own definition counts, not its
    /// type arguments'.
    public fun from_package<T>(self: &Publisher): bool {
        let (package, _) = type_package_and_module<T>();
        address::to_ascii_string(package) == self.package
    }

    /// True if `T` is defined in the publisher's module (`T` as in
    /// `from_package`).
    public fun from_module<T>(self: &Publisher): bool {
        let (package, module_name) = type_package_and_module<T>();
        address::to_ascii_string(package) == self.package
            && ascii::string(module_name) == self.module_name
    }

    /// The name of the publisher's module.
    public fun published_module(self: &Publisher): &String {
        &self.module_name
    }

    /// The publisher's package address, as hex.
    public fun published_package(self: &Publisher): &String {
        &self.package
    }

    // === UpgradeCap ===

    /// The package this cap upgrades (`@0x0` while an upgrade is in progress).
    public fun upgrade_package(cap: &UpgradeCap): ID {
        cap.package
    }

    /// The package's current version.
    public fun version(cap: &UpgradeCap): u64 {
        cap.version
    }

    /// The most permissive upgrade this cap allows.
    public fun upgrade_policy(cap: &UpgradeCap): u8 {
        cap.policy
    }

    /// The package a ticket upgrades.
    public fun ticket_package(ticket: &UpgradeTicket): ID {
        ticket.package
    }

    /// The kind of upgrade a ticket allows.
    public fun ticket_policy(ticket: &UpgradeTicket): u8 {
        ticket.policy
    }

    /// The cap a receipt must be committed to.
    public fun receipt_cap(receipt: &UpgradeReceipt): ID {
        receipt.cap
    }

    /// The package produced by the upgrade.
    public fun receipt_package(receipt: &UpgradeReceipt): ID {
        receipt.package
    }

    /// The digest of the code the ticket allows.
    public fun ticket_digest(ticket: &UpgradeTicket): &vector<u8> {
        &ticket.digest
    }

    /// The policy allowing any compatible upgrade.
    public fun compatible_policy(): u8 {
        COMPATIBLE
    }

    /// The policy allowing only additions and dependency changes.
    public fun additive_policy(): u8 {
        ADDITIVE
    }

    /// The policy allowing only dependency changes.
    public fun dep_only_policy(): u8 {
        DEP_ONLY
    }

    /// Restrict the cap to additive upgrades.
    public entry fun only_additive_upgrades(cap: &mut UpgradeCap) {
        restrict(cap, ADDITIVE)
    }

    /// Restrict the cap to dependency-only upgrades.
    public entry fun only_dep_upgrades(cap: &mut UpgradeCap) {
        restrict(cap, DEP_ONLY)
    }

    /// Destroy the cap, making the package immutable forever.
    public entry fun make_immutable(cap: UpgradeCap) {
        let UpgradeCap { id, package: _, version: _, policy: _ } = cap;
        object::delete(id)
    }

    /// Start an upgrade to the code with `digest` under `policy`. Aborts with
    /// `EAlreadyAuthorized` if one is in progress, `ETooPermissive` if
    /// `policy` is looser than the cap's.
    public fun authorize_upgrade(cap: &mut UpgradeCap, policy: u8, digest: vector<u8>): UpgradeTicket {
        let id_zero = object::id_from_address(@0x0);
        assert!(cap.package != id_zero, EAlreadyAuthorized);
        assert!(policy >= cap.policy, ETooPermissive);
        let package = cap.package;
        cap.package = id_zero;
        UpgradeTicket { cap: object::id(cap), package, policy, digest }
    }

    /// Finish an upgrade: point the cap at the new package and bump its
    /// version. Aborts with `EWrongUpgradeCap` or `ENotAuthorized`.
    public fun commit_upgrade(cap: &mut UpgradeCap, receipt: UpgradeReceipt) {
        let UpgradeReceipt { cap: cap_id, package } = receipt;
        assert!(object::id(cap) == cap_id, EWrongUpgradeCap);
        assert!(object::id_to_address(&cap.package) == @0x0, ENotAuthorized);
        cap.package = package;
        cap.version = cap.version + 1;
    }

    // === Friend and private ===

    /// The `UpgradeCap` for a newly published `package` (version 1, any
    /// compatible upgrade). The runtime calls this when it publishes a package.
    public(friend) fun new_upgrade_cap(package: ID, ctx: &mut TxContext): UpgradeCap {
        UpgradeCap { id: object::new(ctx), package, version: 1, policy: COMPATIBLE }
    }

    fun new_publisher<OTW>(ctx: &mut TxContext): Publisher {
        let (package, module_name) = type_package_and_module<OTW>();
        Publisher {
            id: object::new(ctx),
            package: address::to_ascii_string(package),
            module_name: ascii::string(module_name),
        }
    }

    fun restrict(cap: &mut UpgradeCap, policy: u8) {
        assert!(cap.policy <= policy, ETooPermissive);
        cap.policy = policy;
    }

    /// The address of the package defining struct type `T`, and the name of
    /// its module. `T` must be a struct type.
    native fun type_package_and_module<T>(): (address, vector<u8>);

    // === Test-only ===

    #[test_only]
    /// Claim a `Publisher` for `OTW`'s module without the one-time witness check.
    public fun test_claim<OTW: drop>(_: OTW, ctx: &mut TxContext): Publisher {
        new_publisher<OTW>(ctx)
    }

    #[test_only]
    /// The `UpgradeCap` that publishing `package` would create.
    public fun test_publish(package: ID, ctx: &mut TxContext): UpgradeCap {
        new_upgrade_cap(package, ctx)
    }

    #[test_only]
    /// Play the `Upgrade` command: turn a ticket into a receipt for a made-up
    /// package ID.
    public fun test_upgrade(ticket: UpgradeTicket): UpgradeReceipt {
        let UpgradeTicket { cap, package, policy: _, digest: _ } = ticket;
        let data = object::id_to_bytes(&cap);
        std::vector::append(&mut data, object::id_to_bytes(&package));
        let package = object::id_from_bytes(hash::blake2b256(&data));
        UpgradeReceipt { cap, package }
    }
}
