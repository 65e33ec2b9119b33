/// Credentials of an identity's controllers.
///
/// A `ControllerCap` makes its owner a controller of one identity. It has
/// `key` only, so it moves only through this package: to its controller at
/// creation and back to an owning identity after a sub-identity access.
/// A `DelegationToken` (key, store) lets its holder act for a controller with
/// a subset of the permissions of `identity::permissions`.
///
/// Every operation on an identity takes an `Auth`: a droppable value made
/// from a borrowed `ControllerCap` (`auth_with_cap`) or `DelegationToken`
/// (`auth_with_token`) in the same transaction. `Auth` has neither `store` nor
/// `key`, so it cannot outlive the transaction that presented the credential,
/// and one programmable transaction can reuse it across several calls.
module identity::controller {
    use std::option::{Self, Option};
    use sui::object::{Self, UID, ID};
    use sui::transfer::{Self, Receiving};
    use sui::tx_context::TxContext;
    use identity::permissions;

    friend identity::multicontroller;
    friend identity::identity;
    friend identity::controller_proposal;

    /// The presented credential lacks the permission the operation needs.
    const EMissingPermission: u64 = 300;
    /// The operation needs a `ControllerCap`; a `DelegationToken` was presented.
    const ENotAControllerCap: u64 = 301;
    /// This `ControllerCap` is not allowed to delegate.
    const ECannotDelegate: u64 = 302;
    /// The permission bitmask is empty or has unknown bits.
    const EInvalidPermissions: u64 = 303;

    /// Makes its owner a controller of the identity `controller_of`.
    struct ControllerCap has key {
        id: UID,
        /// The identity this cap controls.
        controller_of: ID,
        /// Whether this controller may mint `DelegationToken`s.
        can_delegate: bool,
    }

    /// Lets its holder act for the controller `controller` within `permissions`.
    struct DelegationToken has key, store {
        id: UID,
        /// ID of the delegating `ControllerCap`.
        controller: ID,
        /// The identity the delegating controller controls.
        controller_of: ID,
        /// Bitmask of `identity::permissions`.
        permissions: u64,
    }

    /// Proof, valid for one transaction, that a credential was presented.
    struct Auth has drop {
        /// ID of the `ControllerCap` acting (directly or through a token).
        controller: ID,
        /// The identity that controller controls.
        controller_of: ID,
        /// The token's ID when a `DelegationToken` was presented.
        token: Option<ID>,
        permissions: u64,
        /// True only for a presented `ControllerCap` that may delegate.
        can_delegate: bool,
    }

    /// Presents a `ControllerCap`: all permissions, never revocable.
    public fun auth_with_cap(cap: &ControllerCap): Auth {
        Auth {
            controller: object::uid_to_inner(&cap.id),
            controller_of: cap.controller_of,
            token: option::none(),
            permissions: permissions::all(),
            can_delegate: cap.can_delegate,
        }
    }

    /// Presents a `DelegationToken`: its permissions; checked against the
    /// identity's revocation list by every operation.
    public fun auth_with_token(token: &DelegationToken): Auth {
        Auth {
            controller: token.controller,
            controller_of: token.controller_of,
            token: option::some(object::uid_to_inner(&token.id)),
            permissions: token.permissions,
            can_delegate: false,
        }
    }

    /// The identity a `ControllerCap` controls.
    public fun cap_controller_of(cap: &ControllerCap): ID { cap.controller_of }

    /// Whether a `ControllerCap` may delegate.
    public fun cap_can_delegate(cap: &ControllerCap): bool { cap.can_delegate }

    /// The `ControllerCap` a token acts for.
    public fun token_controller(token: &DelegationToken): ID { token.controller }

    /// The identity a token's controller controls.
    public fun token_controller_of(token: &DelegationToken): ID { token.controller_of }

    /// A token's permission bitmask.
    public fun token_permissions(token: &DelegationToken): u64 { token.permissions }

    /// The `ControllerCap` an `Auth` acts for.
    public fun auth_controller(auth: &Auth): ID { auth.controller }

    /// The identity an `Auth`'s controller controls.
    public fun auth_controller_of(auth: &Auth): ID { auth.controller_of }

    /// The presented token's ID, or none when a `ControllerCap` was presented.
    public fun auth_token(auth: &Auth): Option<ID> { auth.token }

    /// An `Auth`'s permission bitmask.
    public fun auth_permissions(auth: &Auth): u64 { auth.permissions }

    /// Whether `auth` grants `permission`.
    public fun has_permission(auth: &Auth, permission: u64): bool {
        permissions::contains(auth.permissions, permission)
    }

    /// Aborts unless `auth` grants `permission`.
    public fun assert_permission(auth: &Auth, permission: u64) {
        assert!(has_permission(auth, permission), EMissingPermission);
    }

    /// Aborts unless `auth` came from a `ControllerCap`.
    public fun assert_is_cap(auth: &Auth) {
        assert!(option::is_none(&auth.token), ENotAControllerCap);
    }

    /// Presents a `ControllerCap` an identity owns, for one sub-identity
    /// access (`controller_proposal`): every permission for the rest of the
    /// transaction, but never the right to delegate, so the access cannot be
    /// turned into a lasting token the other parent controllers never see.
    public(friend) fun auth_for_sub_identity(cap: &ControllerCap): Auth {
        Auth {
            controller: object::uid_to_inner(&cap.id),
            controller_of: cap.controller_of,
            token: option::none(),
            permissions: permissions::all(),
            can_delegate: false,
        }
    }

    /// Creates a `ControllerCap` for the identity `controller_of`.
    public(friend) fun new_cap(controller_of: ID, can_delegate: bool, ctx: &mut TxContext): ControllerCap {
        ControllerCap { id: object::new(ctx), controller_of, can_delegate }
    }

    /// Sends a `ControllerCap` to its controller (an account or an identity).
    public(friend) fun transfer_cap(cap: ControllerCap, recipient: address) {
        transfer::transfer(cap, recipient)
    }

    /// Receives a `ControllerCap` sent to the object `parent`.
    public(friend) fun receive_cap(parent: &mut UID, ticket: Receiving<ControllerCap>): ControllerCap {
        transfer::receive(parent, ticket)
    }

    /// Mints a token for the controller presenting `auth`, which must be a
    /// delegating `ControllerCap` (tokens cannot re-delegate).
    public(friend) fun new_token(auth: &Auth, permissions: u64, ctx: &mut TxContext): DelegationToken {
        assert_is_cap(auth);
        assert!(auth.can_delegate, ECannotDelegate);
        assert!(permissions::is_valid(permissions), EInvalidPermissions);
        DelegationToken {
            id: object::new(ctx),
            controller: auth.controller,
            controller_of: auth.controller_of,
            permissions,
        }
    }

    /// Destroys a `ControllerCap`.
    public(friend) fun delete_cap(cap: ControllerCap) {
        let ControllerCap { id, controller_of: _, can_delegate: _ } = cap;
        object::delete(id);
    }

    /// Destroys a `DelegationToken`.
    public(friend) fun delete_token(token: DelegationToken) {
        let DelegationToken { id, controller: _, controller_of: _, permissions: _ } = token;
        object::delete(id);
    }
}
