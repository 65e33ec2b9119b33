/// Public credentials an identity holds: named JWT credentials or presentations
/// (compact JWS), readable by anyone, changed only by proposal.
///
/// They live in one dynamic field of the identity (`CredentialsKey`), a
/// vector of `PublicCredential` in the order they were first set; the field
/// exists while there is at least one. A change sets (adds or replaces)
/// credentials by name and removes others, all at once when executed. The
/// bytes are checked for the compact JWS shape only (three base64url
/// segments); what they claim and who signed them is for verifiers to check.
module identity::credential_proposal {
    use std::option::{Self, Option};
    use std::vector;
    use movid::dynamic_field;
    use movid::object::ID;
    use movid::tx_context::TxContext;
    use identity::controller::Auth;
    use identity::events;
    use identity::identity::{Self, Identity};
    use identity::multicontroller::{Self, Action};

    /// The change would leave more than `MAX_CREDENTIALS` credentials.
    const ETooManyCredentials: u64 = 1400;
    /// A credential is larger than `MAX_CREDENTIAL_SIZE` bytes.
    const ECredentialTooLarge: u64 = 1401;
    /// A name is empty, longer than `MAX_NAME_LENGTH` or has a byte other
    /// than `A-Z a-z 0-9 . _ -`.
    const EInvalidCredentialName: u64 = 1402;
    /// A name appears twice in one change (set twice, or set and removed).
    const EDuplicateCredentialName: u64 = 1403;
    /// A credential to remove is not held.
    const ECredentialNotFound: u64 = 1404;
    /// `names` and `jwts` differ in length.
    const EMismatchedCredentialLengths: u64 = 1405;
    /// The change sets and removes nothing.
    const EEmptyCredentialChange: u64 = 1406;
    /// A credential is not a compact JWS (three non-empty base64url segments).
    const EMalformedJwt: u64 = 1407;

    /// Credentials one identity may hold.
    const MAX_CREDENTIALS: u64 = 16;
    /// Bytes of one credential.
    const MAX_CREDENTIAL_SIZE: u64 = 8192;
    /// Bytes of one name.
    const MAX_NAME_LENGTH: u64 = 64;

    /// The dynamic-field key of an identity's credentials.
    struct CredentialsKey has copy, drop, store {}

    /// One credential: its name (unique on the identity) and its compact JWS.
    struct PublicCredential has copy, drop, store {
        name: vector<u8>,
        jwt: vector<u8>,
    }

    /// Set `set` (add, or replace by name) and remove the credentials named
    /// in `remove`.
    struct UpdateCredentials has store, drop {
        set: vector<PublicCredential>,
        remove: vector<vector<u8>>,
    }

    /// Proposes setting `jwts[i]` under `names[i]` and removing the
    /// credentials named in `remove`. Executes at once, returning none, when
    /// the proposer alone reaches the threshold and may execute.
    public fun propose_credentials(
        self: &mut Identity,
        auth: &Auth,
        expiration: Option<u64>,
        names: vector<vector<u8>>,
        jwts: vector<vector<u8>>,
        remove: vector<vector<u8>>,
        ctx: &mut TxContext,
    ): Option<ID> {
        identity::assert_not_deleted(self);
        let action = new_change(names, jwts, remove);
        let proposal_id = multicontroller::create_proposal(
            identity::did_doc_mut(self), auth, action, expiration, ctx
        );
        if (multicontroller::can_execute_now<Option<vector<u8>>, UpdateCredentials>(identity::did_doc(self), auth, proposal_id)) {
            execute_credentials(self, auth, proposal_id, ctx);
            option::none()
        } else {
            option::some(proposal_id)
        }
    }

    /// Executes an approved credential change. Needs EXECUTE. Aborts with
    /// `ECredentialNotFound` if a credential to remove is gone by now, and
    /// with `ETooManyCredentials` if the result would exceed the bound.
    public fun execute_credentials(self: &mut Identity, auth: &Auth, proposal_id: ID, ctx: &mut TxContext) {
        identity::assert_not_deleted(self);
        let action: Action<UpdateCredentials> = multicontroller::execute_proposal(
            identity::did_doc_mut(self), auth, proposal_id, ctx
        );
        let UpdateCredentials { set, remove } = multicontroller::unwrap_action(action);
        let held = take_all(self);
        let removed_names = remove;
        let i = 0;
        while (i < vector::length(&removed_names)) {
            let (found, at) = index_of(&held, vector::borrow(&removed_names, i));
            assert!(found, ECredentialNotFound);
            vector::remove(&mut held, at);
            i = i + 1;
        };
        let set_names = vector[];
        let i = 0;
        while (i < vector::length(&set)) {
            let c = *vector::borrow(&set, i);
            vector::push_back(&mut set_names, c.name);
            let (found, at) = index_of(&held, &c.name);
            if (found) {
                *vector::borrow_mut(&mut held, at) = c;
            } else {
                vector::push_back(&mut held, c);
            };
            i = i + 1;
        };
        assert!(vector::length(&held) <= MAX_CREDENTIALS, ETooManyCredentials);
        if (!vector::is_empty(&held)) {
            dynamic_field::add(identity::uid_mut(self), CredentialsKey {}, held);
        };
        events::credentials_updated(identity::id(self), set_names, removed_names);
    }

    /// The credentials `self` holds, in the order they were first set.
    public fun credentials(self: &Identity): vector<PublicCredential> {
        if (dynamic_field::exists_(identity::uid(self), CredentialsKey {})) {
            *dynamic_field::borrow(identity::uid(self), CredentialsKey {})
        } else {
            vector[]
        }
    }

    /// The credential named `name`, if `self` holds one.
    public fun credential(self: &Identity, name: vector<u8>): Option<vector<u8>> {
        let held = credentials(self);
        let (found, at) = index_of(&held, &name);
        if (found) option::some(vector::borrow(&held, at).jwt) else option::none()
    }

    /// A credential's name.
    public fun name(c: &PublicCredential): &vector<u8> { &c.name }

    /// A credential's compact JWS.
    public fun jwt(c: &PublicCredential): &vector<u8> { &c.jwt }

    /// The bound on credentials per identity.
    public fun max_credentials(): u64 { MAX_CREDENTIALS }

    /// The bound on one credential's size.
    public fun max_credential_size(): u64 { MAX_CREDENTIAL_SIZE }

    /// Checks a change before it becomes a proposal.
    fun new_change(
        names: vector<vector<u8>>,
        jwts: vector<vector<u8>>,
        remove: vector<vector<u8>>,
    ): UpdateCredentials {
        let n = vector::length(&names);
        assert!(n == vector::length(&jwts), EMismatchedCredentialLengths);
        assert!(n + vector::length(&remove) > 0, EEmptyCredentialChange);
        assert!(n <= MAX_CREDENTIALS, ETooManyCredentials);
        let seen = vector[];
        let set = vector[];
        let i = 0;
        while (i < n) {
            let name = *vector::borrow(&names, i);
            let jwt = *vector::borrow(&jwts, i);
            assert_valid_name(&name);
            assert!(!vector::contains(&seen, &name), EDuplicateCredentialName);
            assert!(vector::length(&jwt) <= MAX_CREDENTIAL_SIZE, ECredentialTooLarge);
            assert_compact_jws(&jwt);
            vector::push_back(&mut seen, name);
            vector::push_back(&mut set, PublicCredential { name, jwt });
            i = i + 1;
        };
        let i = 0;
        while (i < vector::length(&remove)) {
            let name = *vector::borrow(&remove, i);
            assert_valid_name(&name);
            assert!(!vector::contains(&seen, &name), EDuplicateCredentialName);
            vector::push_back(&mut seen, name);
            i = i + 1;
        };
        UpdateCredentials { set, remove }
    }

    fun assert_valid_name(name: &vector<u8>) {
        let len = vector::length(name);
        assert!(len > 0 && len <= MAX_NAME_LENGTH, EInvalidCredentialName);
        let i = 0;
        while (i < len) {
            let b = *vector::borrow(name, i);
            let ok = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)
                || b == 0x2e || b == 0x5f || b == 0x2d;
            assert!(ok, EInvalidCredentialName);
            i = i + 1;
        };
    }

    /// Three non-empty segments of base64url characters separated by dots.
    fun assert_compact_jws(jwt: &vector<u8>) {
        let len = vector::length(jwt);
        let dots = 0;
        let segment = 0;
        let i = 0;
        while (i < len) {
            let b = *vector::borrow(jwt, i);
            if (b == 0x2e) {
                assert!(segment > 0, EMalformedJwt);
                dots = dots + 1;
                segment = 0;
            } else {
                let ok = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)
                    || b == 0x2d || b == 0x5f;
                assert!(ok, EMalformedJwt);
                segment = segment + 1;
            };
            i = i + 1;
        };
        assert!(dots == 2 && segment > 0, EMalformedJwt);
    }

    /// Removes and returns the stored credentials (empty if none).
    fun take_all(self: &mut Identity): vector<PublicCredential> {
        let uid = identity::uid_mut(self);
        if (dynamic_field::exists_(uid, CredentialsKey {})) {
            dynamic_field::remove(uid, CredentialsKey {})
        } else {
            vector[]
        }
    }

    fun index_of(held: &vector<PublicCredential>, name: &vector<u8>): (bool, u64) {
        let i = 0;
        while (i < vector::length(held)) {
            if (&vector::borrow(held, i).name == name) return (true, i);
            i = i + 1;
        };
        (false, 0)
    }
}
