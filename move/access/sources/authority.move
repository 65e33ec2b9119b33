/// An access authority for identity-first network access: the on-chain state
/// a gate consults on every connection.
///
/// An `AccessAuthority` is shared and holds the CA's Ed25519 public key, a
/// policy per subject (the services it may reach and how many sessions it may
/// hold) and the revoked token hashes and certificate serials. It is governed
/// by an identity: `create` sends the authority's `AuthorityCap` to the
/// identity's address, so the identity owns it and the cap can only be used
/// through a borrow proposal of that identity
/// (`identity::borrow_proposal`): every policy change, revocation or key
/// rotation is a threshold decision of the identity's controllers, and one
/// transaction borrows the cap, acts and returns it:
///
/// ```
/// 0: identity::controller::auth_with_cap(Input(controller cap))
/// 1: identity::borrow_proposal::execute_borrow(Input(identity), Result(0), Input(proposal id))
/// 2: identity::borrow_proposal::borrow_object<AuthorityCap>(Input(identity), Result(1), Input(Receiving cap))
/// 3: access::authority::set_policy(Input(authority), Result(2), Input(subject), Input(services), Input(max))
/// 4: identity::borrow_proposal::return_object<AuthorityCap>(Result(1), Result(2))
/// 5: identity::borrow_proposal::conclude_borrow(Result(1))
/// ```
///
/// Storage (field order of `AccessAuthority`, for BCS decoding off-chain):
/// `id: UID`, `authority_identity: ID`, `ca_public_key: vector<u8>`,
/// `policies: Table<address, Policy>`, `revoked_tokens: Table<vector<u8>, u64>`,
/// `revoked_serials: Table<vector<u8>, u64>`, `version: u64`,
/// `redeemed_tokens: Table<vector<u8>, vector<u8>>`. A `Table` is
/// `{ id: UID, size: u64 }` and keeps each entry as a dynamic field
/// `Field<K, V> { id, name: K, value: V }` owned by the table's ID, so a gate
/// looks one entry up by object ID without scanning:
/// `dynamic_field_id(table id, key type tag, bcs(key))` with key type tag
/// `address` for `policies` and `vector<u8>` for the token and serial tables.
/// Tables rather than `VecMap`/`VecSet`: the number of subjects and
/// revocations is not bounded by anything on-chain, and a table keeps every
/// lookup and change at constant gas however large it grows.
///
/// Keys and values:
/// - `policies`: the subject identity's object ID as an `address`
///   (`object::id_to_address`) -> `Policy`.
/// - `revoked_tokens`: the 32-byte token hash (Blake2b-256 of the JWT as
///   issued) -> the epoch it was revoked in.
/// - `revoked_serials`: the certificate serial as exactly 16 bytes, big-endian,
///   left-padded with zeros and without the DER sign byte -> the epoch it was
///   revoked in.
/// - `redeemed_tokens`: the 32-byte token hash -> the 16-byte serial of the
///   one certificate issued for it.
/// A revocation stays until `unrevoke_*` removes it; once the token or
/// certificate has expired the authority may remove the entry to reclaim
/// its storage.
///
/// Bounds: `MAX_SERVICES` services per policy, service names of 1 to
/// `MAX_SERVICE_NAME_LENGTH` printable ASCII bytes (0x21 to 0x7e), at least
/// one session. The CA key and token hashes are 32 bytes, serials 16.
///
/// Enrollment tokens are single-use: before handing out a certificate the CA
/// records the token's hash with `redeem_token`, sent from the CA key's own
/// account (the address of `ca_public_key`), and a second redemption of the
/// same hash aborts with `ETokenAlreadyRedeemed`. A redemption is never
/// removed, so a token whose certificate was revoked stays spent.
///
/// If the governing identity is deleted its objects cannot be borrowed any
/// more, so the authority stays frozen in its last state; gates should also
/// check that `authority_identity` is active.
module access::authority {
    use std::option;
    use std::vector;
    use sui::address;
    use sui::event;
    use sui::hash;
    use sui::object::{Self, UID, ID};
    use sui::table::{Self, Table};
    use sui::transfer;
    use sui::tx_context::{Self, TxContext};
    use identity::controller::{Self, Auth};
    use identity::identity::{Self, Identity};
    use identity::permissions;
    use identity::utils;

    /// The `AuthorityCap` belongs to a different authority.
    const EWrongCap: u64 = 2000;
    /// The CA public key is not a 32-byte Ed25519 key.
    const EInvalidCaKey: u64 = 2001;
    /// The token hash is not 32 bytes.
    const EInvalidTokenHash: u64 = 2002;
    /// The certificate serial is not 16 bytes.
    const EInvalidSerial: u64 = 2003;
    /// A policy needs 1 to `MAX_SERVICES` services.
    const EInvalidServiceCount: u64 = 2004;
    /// A service name is empty, longer than `MAX_SERVICE_NAME_LENGTH` or has
    /// a byte outside printable ASCII (0x21 to 0x7e).
    const EInvalidServiceName: u64 = 2005;
    /// A service is listed twice.
    const EDuplicateService: u64 = 2006;
    /// A policy must allow at least one session; remove the policy instead.
    const EInvalidMaxSessions: u64 = 2007;
    /// The subject has no policy.
    const ENoPolicy: u64 = 2008;
    /// The token hash is already revoked.
    const ETokenAlreadyRevoked: u64 = 2009;
    /// The token hash is not revoked.
    const ETokenNotRevoked: u64 = 2010;
    /// The certificate serial is already revoked.
    const ESerialAlreadyRevoked: u64 = 2011;
    /// The certificate serial is not revoked.
    const ESerialNotRevoked: u64 = 2012;
    /// The credential presented to `create` belongs to a different identity.
    const EWrongIdentity: u64 = 2013;
    /// The credential presented to `create` is not a current controller's.
    const ENotAController: u64 = 2014;
    /// The delegation token presented to `create` has been revoked.
    const ETokenOfControllerRevoked: u64 = 2015;
    /// The authority was created by another package version; migrate it first.
    const EWrongVersion: u64 = 2016;
    /// The enrollment token was already redeemed for a certificate.
    const ETokenAlreadyRedeemed: u64 = 2017;
    /// Only the CA key's own account (the address of `ca_public_key`) may
    /// record a redemption.
    const ENotTheCa: u64 = 2018;

    /// Most services one policy allows.
    const MAX_SERVICES: u64 = 32;
    /// Longest service name, in bytes.
    const MAX_SERVICE_NAME_LENGTH: u64 = 64;
    /// Length of an Ed25519 public key.
    const CA_KEY_LENGTH: u64 = 32;
    /// Length of a token hash (Blake2b-256).
    const TOKEN_HASH_LENGTH: u64 = 32;
    /// Length of a certificate serial (128 bits).
    const SERIAL_LENGTH: u64 = 16;
    /// Version of the `AccessAuthority` layout this package implements.
    const PACKAGE_VERSION: u64 = 1;

    /// The shared state gates check connections against.
    struct AccessAuthority has key {
        id: UID,
        /// The `Identity` that owns this authority's `AuthorityCap`.
        authority_identity: ID,
        /// Ed25519 public key (32 bytes) of the CA issuing client certificates.
        ca_public_key: vector<u8>,
        /// Subject identity (its ID as an address) -> its policy.
        policies: Table<address, Policy>,
        /// Revoked token hash (32 bytes) -> epoch of revocation.
        revoked_tokens: Table<vector<u8>, u64>,
        /// Revoked certificate serial (16 bytes) -> epoch of revocation.
        revoked_serials: Table<vector<u8>, u64>,
        /// The `PACKAGE_VERSION` the authority was created with.
        version: u64,
        /// Redeemed token hash (32 bytes) -> serial (16 bytes) of the one
        /// certificate issued for it. Entries are never removed.
        redeemed_tokens: Table<vector<u8>, vector<u8>>,
    }

    /// What one subject may do.
    struct Policy has store, copy, drop {
        /// Service names the subject may connect to.
        allowed_services: vector<vector<u8>>,
        /// Most sessions the subject may hold at once.
        max_sessions: u64,
    }

    /// Allows changing the authority `authority`. Owned by the authority's
    /// identity; `store` so the identity can lend it through a borrow proposal.
    struct AuthorityCap has key, store {
        id: UID,
        authority: ID,
    }

    // === Events ===

    /// An authority was created and shared; its cap was sent to `authority_identity`.
    struct AuthorityCreated has copy, drop {
        authority: ID,
        authority_identity: ID,
        cap: ID,
        ca_public_key: vector<u8>,
    }

    /// A subject was granted a policy, new or replacing its previous one.
    struct PolicySet has copy, drop {
        authority: ID,
        subject: address,
        allowed_services: vector<vector<u8>>,
        max_sessions: u64,
        /// Whether an earlier policy of the subject was replaced.
        replaced: bool,
    }

    /// A subject's policy was removed: it may reach no service.
    struct PolicyRemoved has copy, drop {
        authority: ID,
        subject: address,
    }

    /// A token hash was revoked.
    struct TokenRevoked has copy, drop {
        authority: ID,
        token_hash: vector<u8>,
    }

    /// A token hash revocation was lifted.
    struct TokenUnrevoked has copy, drop {
        authority: ID,
        token_hash: vector<u8>,
    }

    /// A certificate serial was revoked.
    struct CertificateRevoked has copy, drop {
        authority: ID,
        serial: vector<u8>,
    }

    /// A certificate serial revocation was lifted.
    struct CertificateUnrevoked has copy, drop {
        authority: ID,
        serial: vector<u8>,
    }

    /// The CA redeemed a token for the certificate with `serial`.
    struct TokenRedeemed has copy, drop {
        authority: ID,
        token_hash: vector<u8>,
        serial: vector<u8>,
    }

    /// The CA key was replaced.
    struct CaKeyRotated has copy, drop {
        authority: ID,
        old_key: vector<u8>,
        new_key: vector<u8>,
    }

    // === Creation ===

    /// Creates and shares an authority governed by `authority_identity`, with
    /// `ca_public_key` (32 bytes), and sends its `AuthorityCap` to the
    /// identity. `auth` must be a current controller's credential of that
    /// identity with CREATE, so nobody can set up an authority in another
    /// identity's name. Returns the authority's ID.
    public fun create(
        authority_identity: &Identity,
        auth: &Auth,
        ca_public_key: vector<u8>,
        ctx: &mut TxContext,
    ): ID {
        identity::assert_not_deleted(authority_identity);
        assert_controller_of(authority_identity, auth);
        assert_ca_key(&ca_public_key);
        let id = object::new(ctx);
        let authority_id = object::uid_to_inner(&id);
        let identity_id = identity::id(authority_identity);
        let cap = AuthorityCap { id: object::new(ctx), authority: authority_id };
        event::emit(AuthorityCreated {
            authority: authority_id,
            authority_identity: identity_id,
            cap: object::id(&cap),
            ca_public_key,
        });
        transfer::transfer(cap, identity::to_address(authority_identity));
        transfer::share_object(AccessAuthority {
            id,
            authority_identity: identity_id,
            ca_public_key,
            policies: table::new(ctx),
            revoked_tokens: table::new(ctx),
            revoked_serials: table::new(ctx),
            version: PACKAGE_VERSION,
            redeemed_tokens: table::new(ctx),
        });
        authority_id
    }

    // === Changes (need the AuthorityCap) ===

    /// Grants `subject` (an identity's ID as an address) `allowed_services`
    /// (1 to `MAX_SERVICES` distinct names) and up to `max_sessions` (>= 1)
    /// sessions, replacing any earlier policy of the subject.
    public fun set_policy(
        self: &mut AccessAuthority,
        cap: &AuthorityCap,
        subject: address,
        allowed_services: vector<vector<u8>>,
        max_sessions: u64,
    ) {
        assert_can_change(self, cap);
        assert_services(&allowed_services);
        assert!(max_sessions > 0, EInvalidMaxSessions);
        let policy = Policy { allowed_services, max_sessions };
        let replaced = table::contains(&self.policies, subject);
        if (replaced) {
            *table::borrow_mut(&mut self.policies, subject) = policy;
        } else {
            table::add(&mut self.policies, subject, policy);
        };
        event::emit(PolicySet {
            authority: object::uid_to_inner(&self.id),
            subject,
            allowed_services,
            max_sessions,
            replaced,
        });
    }

    /// Removes `subject`'s policy: it may reach no service.
    public fun remove_policy(self: &mut AccessAuthority, cap: &AuthorityCap, subject: address) {
        assert_can_change(self, cap);
        assert!(table::contains(&self.policies, subject), ENoPolicy);
        table::remove(&mut self.policies, subject);
        event::emit(PolicyRemoved { authority: object::uid_to_inner(&self.id), subject });
    }

    /// Revokes the token whose 32-byte hash is `token_hash`.
    public fun revoke_token(
        self: &mut AccessAuthority,
        cap: &AuthorityCap,
        token_hash: vector<u8>,
        ctx: &TxContext,
    ) {
        assert_can_change(self, cap);
        assert!(vector::length(&token_hash) == TOKEN_HASH_LENGTH, EInvalidTokenHash);
        assert!(!table::contains(&self.revoked_tokens, token_hash), ETokenAlreadyRevoked);
        table::add(&mut self.revoked_tokens, token_hash, tx_context::epoch(ctx));
        event::emit(TokenRevoked { authority: object::uid_to_inner(&self.id), token_hash });
    }

    /// Lifts the revocation of `token_hash` (or forgets an expired token's).
    public fun unrevoke_token(self: &mut AccessAuthority, cap: &AuthorityCap, token_hash: vector<u8>) {
        assert_can_change(self, cap);
        assert!(table::contains(&self.revoked_tokens, token_hash), ETokenNotRevoked);
        table::remove(&mut self.revoked_tokens, token_hash);
        event::emit(TokenUnrevoked { authority: object::uid_to_inner(&self.id), token_hash });
    }

    /// Revokes the certificate with the 16-byte serial `serial`.
    public fun revoke_certificate(
        self: &mut AccessAuthority,
        cap: &AuthorityCap,
        serial: vector<u8>,
        ctx: &TxContext,
    ) {
        assert_can_change(self, cap);
        assert!(vector::length(&serial) == SERIAL_LENGTH, EInvalidSerial);
        assert!(!table::contains(&self.revoked_serials, serial), ESerialAlreadyRevoked);
        table::add(&mut self.revoked_serials, serial, tx_context::epoch(ctx));
        event::emit(CertificateRevoked { authority: object::uid_to_inner(&self.id), serial });
    }

    /// Lifts the revocation of `serial` (or forgets an expired certificate's).
    public fun unrevoke_certificate(self: &mut AccessAuthority, cap: &AuthorityCap, serial: vector<u8>) {
        assert_can_change(self, cap);
        assert!(table::contains(&self.revoked_serials, serial), ESerialNotRevoked);
        table::remove(&mut self.revoked_serials, serial);
        event::emit(CertificateUnrevoked { authority: object::uid_to_inner(&self.id), serial });
    }

    /// Replaces the CA key with `new_key` (32 bytes). Certificates signed by
    /// the old key stop verifying at gates that read the new one.
    public fun rotate_ca_key(self: &mut AccessAuthority, cap: &AuthorityCap, new_key: vector<u8>) {
        assert_can_change(self, cap);
        assert_ca_key(&new_key);
        let old_key = self.ca_public_key;
        self.ca_public_key = new_key;
        event::emit(CaKeyRotated { authority: object::uid_to_inner(&self.id), old_key, new_key });
    }

    // === Redemption (the CA's own account) ===

    /// Records that the enrollment token with hash `token_hash` was
    /// redeemed for the certificate with serial `serial`. The sender must be
    /// the CA key's account, `blake2b256(0x00 || ca_public_key)` (the chain's
    /// Ed25519 address), so only the CA spends tokens. Aborts with
    /// `ETokenAlreadyRedeemed` on a second redemption of the same token: a
    /// token yields one certificate, ever.
    public fun redeem_token(
        self: &mut AccessAuthority,
        token_hash: vector<u8>,
        serial: vector<u8>,
        ctx: &TxContext,
    ) {
        assert!(self.version == PACKAGE_VERSION, EWrongVersion);
        assert!(tx_context::sender(ctx) == ca_address(&self.ca_public_key), ENotTheCa);
        assert!(vector::length(&token_hash) == TOKEN_HASH_LENGTH, EInvalidTokenHash);
        assert!(vector::length(&serial) == SERIAL_LENGTH, EInvalidSerial);
        assert!(!table::contains(&self.redeemed_tokens, token_hash), ETokenAlreadyRedeemed);
        table::add(&mut self.redeemed_tokens, token_hash, serial);
        event::emit(TokenRedeemed { authority: object::uid_to_inner(&self.id), token_hash, serial });
    }

    /// The account of the Ed25519 key `key`: `blake2b256(0x00 || key)`.
    public fun ca_address(key: &vector<u8>): address {
        let bytes = vector[0u8];
        vector::append(&mut bytes, *key);
        address::from_bytes(hash::blake2b256(&bytes))
    }

    // === Queries ===

    /// Whether the token with hash `token_hash` was redeemed.
    public fun is_token_redeemed(self: &AccessAuthority, token_hash: vector<u8>): bool {
        table::contains(&self.redeemed_tokens, token_hash)
    }

    /// Number of redeemed token hashes.
    public fun redeemed_token_count(self: &AccessAuthority): u64 { table::length(&self.redeemed_tokens) }

    /// Whether the token with hash `token_hash` is revoked.
    public fun is_token_revoked(self: &AccessAuthority, token_hash: vector<u8>): bool {
        table::contains(&self.revoked_tokens, token_hash)
    }

    /// Whether the certificate with serial `serial` is revoked.
    public fun is_serial_revoked(self: &AccessAuthority, serial: vector<u8>): bool {
        table::contains(&self.revoked_serials, serial)
    }

    /// Whether `subject` has a policy.
    public fun has_policy(self: &AccessAuthority, subject: address): bool {
        table::contains(&self.policies, subject)
    }

    /// `subject`'s allowed services and session limit. Aborts with `ENoPolicy`.
    public fun policy(self: &AccessAuthority, subject: address): (vector<vector<u8>>, u64) {
        assert!(table::contains(&self.policies, subject), ENoPolicy);
        let policy = table::borrow(&self.policies, subject);
        (policy.allowed_services, policy.max_sessions)
    }

    /// Whether `subject`'s policy allows `service` (false without a policy).
    public fun allows_service(self: &AccessAuthority, subject: address, service: vector<u8>): bool {
        if (!table::contains(&self.policies, subject)) {
            return false
        };
        vector::contains(&table::borrow(&self.policies, subject).allowed_services, &service)
    }

    /// Number of subjects with a policy.
    public fun policy_count(self: &AccessAuthority): u64 { table::length(&self.policies) }

    /// Number of revoked token hashes.
    public fun revoked_token_count(self: &AccessAuthority): u64 { table::length(&self.revoked_tokens) }

    /// Number of revoked certificate serials.
    public fun revoked_serial_count(self: &AccessAuthority): u64 { table::length(&self.revoked_serials) }

    /// The CA's Ed25519 public key.
    public fun ca_public_key(self: &AccessAuthority): vector<u8> { self.ca_public_key }

    /// The identity governing the authority (owner of its `AuthorityCap`).
    public fun authority_identity(self: &AccessAuthority): ID { self.authority_identity }

    /// The `PACKAGE_VERSION` the authority follows.
    public fun version(self: &AccessAuthority): u64 { self.version }

    /// The authority a cap changes.
    public fun cap_authority(cap: &AuthorityCap): ID { cap.authority }

    /// Most services one policy allows.
    public fun max_services(): u64 { MAX_SERVICES }

    /// Longest service name, in bytes.
    public fun max_service_name_length(): u64 { MAX_SERVICE_NAME_LENGTH }

    // === Private ===

    /// Aborts unless `cap` is this authority's and the authority is current.
    fun assert_can_change(self: &AccessAuthority, cap: &AuthorityCap) {
        assert!(cap.authority == object::uid_to_inner(&self.id), EWrongCap);
        assert!(self.version == PACKAGE_VERSION, EWrongVersion);
    }

    /// Aborts unless `auth` is a current, unrevoked credential of
    /// `authority_identity` with CREATE (the checks the identity package
    /// makes before a proposal, which it keeps package-internal).
    fun assert_controller_of(authority_identity: &Identity, auth: &Auth) {
        assert!(controller::auth_controller_of(auth) == identity::id(authority_identity), EWrongIdentity);
        assert!(identity::is_controller(authority_identity, controller::auth_controller(auth)), ENotAController);
        let token = controller::auth_token(auth);
        if (option::is_some(&token)) {
            assert!(
                !identity::is_token_revoked(authority_identity, *option::borrow(&token)),
                ETokenOfControllerRevoked,
            );
        };
        controller::assert_permission(auth, permissions::can_create_proposal());
    }

    /// Aborts unless `key` has the length of an Ed25519 public key.
    fun assert_ca_key(key: &vector<u8>) {
        assert!(vector::length(key) == CA_KEY_LENGTH, EInvalidCaKey);
    }

    /// Aborts unless `services` is 1 to `MAX_SERVICES` distinct valid names.
    fun assert_services(services: &vector<vector<u8>>) {
        let n = vector::length(services);
        assert!(n > 0 && n <= MAX_SERVICES, EInvalidServiceCount);
        let i = 0;
        while (i < n) {
            assert_service_name(vector::borrow(services, i));
            i = i + 1;
        };
        // Quadratic, but over at most MAX_SERVICES names.
        assert!(!utils::has_duplicates(services), EDuplicateService);
    }

    /// Aborts unless `name` is 1 to `MAX_SERVICE_NAME_LENGTH` printable ASCII bytes.
    fun assert_service_name(name: &vector<u8>) {
        let len = vector::length(name);
        assert!(len > 0 && len <= MAX_SERVICE_NAME_LENGTH, EInvalidServiceName);
        let i = 0;
        while (i < len) {
            let b = *vector::borrow(name, i);
            assert!(b >= 0x21 && b <= 0x7e, EInvalidServiceName);
            i = i + 1;
        };
    }
}
