/// Proposals that migrate an identity to the version this package implements.
///
/// Each `Identity` records the package version it follows; after a package
/// upgrade, controllers approve moving their identity to the new version.
module identity::upgrade_proposal {
    use std::option::{Self, Option};
    use sui::object::ID;
    use sui::tx_context::TxContext;
    use identity::controller::Auth;
    use identity::identity::{Self, Identity};
    use identity::multicontroller::{Self, Action};

    /// The identity already follows this package's version.
    const ENoUpgradeAvailable: u64 = 900;

    /// Migrate to `version`.
    struct Upgrade has store, drop {
        version: u64,
    }

    /// Proposes migrating to this package's version. Executes at once,
    /// returning none, when the proposer alone reaches the threshold and may execute.
    public fun propose_upgrade(self: &mut Identity, auth: &Auth, expiration: Option<u64>, ctx: &mut TxContext): Option<ID> {
        identity::assert_not_deleted(self);
        assert!(identity::version(self) < identity::package_version(), ENoUpgradeAvailable);
        let action = Upgrade { version: identity::package_version() };
        let proposal_id = multicontroller::create_proposal(identity::did_doc_mut(self), auth, action, expiration, ctx);
        if (multicontroller::can_execute_now<Option<vector<u8>>, Upgrade>(identity::did_doc(self), auth, proposal_id)) {
            execute_upgrade(self, auth, proposal_id, ctx);
            option::none()
        } else {
            option::some(proposal_id)
        }
    }

    /// Executes an approved upgrade; a no-op if another upgrade already ran.
    /// Needs EXECUTE.
    public fun execute_upgrade(self: &mut Identity, auth: &Auth, proposal_id: ID, ctx: &mut TxContext) {
        identity::assert_not_deleted(self);
        let action: Action<Upgrade> = multicontroller::execute_proposal(
            identity::did_doc_mut(self), auth, proposal_id, ctx
        );
        let Upgrade { version: _ } = multicontroller::unwrap_action(action);
        identity::migrate(self);
    }
}
