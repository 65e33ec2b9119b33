/// The permission bitmask carried by a `DelegationToken`.
///
/// Each bit allows one proposal operation. A `ControllerCap` always has every
/// permission; a `DelegationToken` has the subset its controller chose when
/// delegating. Permissions are `u64` because this Move dialect has no `u32`.
module identity::permissions {
    /// Allows creating proposals.
    const CREATE: u64 = 0x1;
    /// Allows approving proposals.
    const APPROVE: u64 = 0x2;
    /// Allows executing approved proposals.
    const EXECUTE: u64 = 0x4;
    /// Allows deleting expired or unapproved proposals.
    const DELETE: u64 = 0x8;
    /// Allows withdrawing one's own approval from a proposal.
    const REMOVE_APPROVAL: u64 = 0x10;
    /// Every permission above.
    const ALL: u64 = 0x1f;

    /// The permission to create proposals (0x1).
    public fun can_create_proposal(): u64 { CREATE }

    /// The permission to approve proposals (0x2).
    public fun can_approve_proposal(): u64 { APPROVE }

    /// The permission to execute approved proposals (0x4).
    public fun can_execute_proposal(): u64 { EXECUTE }

    /// The permission to delete expired or unapproved proposals (0x8).
    public fun can_delete_proposal(): u64 { DELETE }

    /// The permission to remove one's approval from a proposal (0x10).
    public fun can_remove_approval(): u64 { REMOVE_APPROVAL }

    /// Every permission (0x1f).
    public fun all(): u64 { ALL }

    /// Whether the bitmask `permissions` grants every bit of `permission`.
    public fun contains(permissions: u64, permission: u64): bool {
        permissions & permission == permission
    }

    /// Whether `permissions` is a non-empty set of known permission bits.
    public fun is_valid(permissions: u64): bool {
        permissions != 0 && (permissions | ALL) == ALL
    }

    /// `permissions` with the bits of `permission` cleared.
    public fun without(permissions: u64, permission: u64): u64 {
        permissions & (ALL ^ permission)
    }
}
