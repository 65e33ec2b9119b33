/// Proposals that change who controls an identity: add controllers, remove
/// controllers, change voting power, set the threshold - in any combination.
///
/// A change is validated against the controllers *after* the change (the
/// IOTA Identity package checks the new threshold before applying additions
/// and removals, so valid changes can abort at execution). The same check
/// runs at proposal time and again at execution; execution fails only if
/// another config change, executed in between, made this one invalid.
module identity::config_proposal {
    use std::option::{Self, Option};
    use std::vector;
    use sui::object::ID;
    use sui::tx_context::TxContext;
    use identity::controller::Auth;
    use identity::events;
    use identity::identity::{Self, Identity};
    use identity::multicontroller::{Self, Action, Multicontroller};

    /// The change has no effect: nothing to add, remove or update and no threshold.
    const EEmptyConfigChange: u64 = 500;
    /// A controller to remove or update is not a current controller.
    const EUnknownController: u64 = 501;
    /// A controller is both removed and updated.
    const ERemovedAndUpdated: u64 = 502;
    /// After the change the threshold would be zero or above the total voting power.
    const EInvalidThreshold: u64 = 503;
    /// After the change no controller would remain.
    const ENoControllers: u64 = 504;
    /// After the change there would be more than the maximum number of controllers.
    const ETooManyControllers: u64 = 505;

    /// A change of the controller set and threshold.
    struct ConfigChange has store, drop {
        /// The new threshold; none keeps the current one.
        threshold: Option<u64>,
        /// New controllers, each receiving a `ControllerCap` ...
        add_addresses: vector<address>,
        /// ... with this voting power ...
        add_voting_powers: vector<u64>,
        /// ... and this right to delegate.
        add_can_delegate: vector<bool>,
        /// `ControllerCap` IDs of controllers to remove.
        remove: vector<ID>,
        /// `ControllerCap` IDs whose voting power changes ...
        update_ids: vector<ID>,
        /// ... to these values.
        update_voting_powers: vector<u64>,
    }

    /// Proposes a config change; see `ConfigChange` for the arguments.
    /// Aborts if the result would be invalid. Executes at once, returning
    /// none, when the proposer alone reaches the threshold and may execute.
    public fun propose_config_change(
        self: &mut Identity,
        auth: &Auth,
        expiration: Option<u64>,
        threshold: Option<u64>,
        add_addresses: vector<address>,
        add_voting_powers: vector<u64>,
        add_can_delegate: vector<bool>,
        remove: vector<ID>,
        update_ids: vector<ID>,
        update_voting_powers: vector<u64>,
        ctx: &mut TxContext,
    ): Option<ID> {
        identity::assert_not_deleted(self);
        let change = ConfigChange {
            threshold, add_addresses, add_voting_powers, add_can_delegate, remove, update_ids, update_voting_powers,
        };
        validate(identity::did_doc(self), &change);
        let proposal_id = multicontroller::create_proposal(identity::did_doc_mut(self), auth, change, expiration, ctx);
        if (multicontroller::can_execute_now<Option<vector<u8>>, ConfigChange>(identity::did_doc(self), auth, proposal_id)) {
            execute_config_change(self, auth, proposal_id, ctx);
            option::none()
        } else {
            option::some(proposal_id)
        }
    }

    /// Proposes adding one controller.
    public fun propose_add_controller(
        self: &mut Identity,
        auth: &Auth,
        expiration: Option<u64>,
        controller: address,
        voting_power: u64,
        can_delegate: bool,
        ctx: &mut TxContext,
    ): Option<ID> {
        propose_config_change(
            self, auth, expiration, option::none(),
            vector[controller], vector[voting_power], vector[can_delegate],
            vector[], vector[], vector[], ctx,
        )
    }

    /// Proposes removing the controller `cap_id`, optionally with a new threshold.
    public fun propose_remove_controller(
        self: &mut Identity,
        auth: &Auth,
        expiration: Option<u64>,
        cap_id: ID,
        threshold: Option<u64>,
        ctx: &mut TxContext,
    ): Option<ID> {
        propose_config_change(
            self, auth, expiration, threshold, vector[], vector[], vector[], vector[cap_id], vector[], vector[], ctx,
        )
    }

    /// Proposes setting the voting power of the controller `cap_id`.
    public fun propose_update_voting_power(
        self: &mut Identity,
        auth: &Auth,
        expiration: Option<u64>,
        cap_id: ID,
        voting_power: u64,
        ctx: &mut TxContext,
    ): Option<ID> {
        propose_config_change(
            self, auth, expiration, option::none(),
            vector[], vector[], vector[], vector[], vector[cap_id], vector[voting_power], ctx,
        )
    }

    /// Proposes a new threshold.
    public fun propose_threshold(
        self: &mut Identity,
        auth: &Auth,
        expiration: Option<u64>,
        threshold: u64,
        ctx: &mut TxContext,
    ): Option<ID> {
        propose_config_change(
            self, auth, expiration, option::some(threshold),
            vector[], vector[], vector[], vector[], vector[], vector[], ctx,
        )
    }

    /// Executes an approved config change: voting power updates, removals,
    /// additions (minting and sending `ControllerCap`s), then the threshold.
    /// Needs EXECUTE.
    public fun execute_config_change(self: &mut Identity, auth: &Auth, proposal_id: ID, ctx: &mut TxContext) {
        identity::assert_not_deleted(self);
        let action: Action<ConfigChange> = multicontroller::execute_proposal(
            identity::did_doc_mut(self), auth, proposal_id, ctx
        );
        let change = multicontroller::unwrap_action(action);
        validate(identity::did_doc(self), &change);
        let identity_id = identity::id(self);
        let multi = identity::did_doc_mut(self);
        let ConfigChange {
            threshold, add_addresses, add_voting_powers, add_can_delegate, remove, update_ids, update_voting_powers,
        } = change;

        let i = 0;
        while (i < vector::length(&update_ids)) {
            multicontroller::set_voting_power(multi, *vector::borrow(&update_ids, i), *vector::borrow(&update_voting_powers, i));
            i = i + 1;
        };
        let i = 0;
        while (i < vector::length(&remove)) {
            multicontroller::remove_controller(multi, *vector::borrow(&remove, i));
            i = i + 1;
        };
        let added = vector[];
        let i = 0;
        while (i < vector::length(&add_addresses)) {
            let cap_id = multicontroller::add_controller(
                multi,
                *vector::borrow(&add_addresses, i),
                *vector::borrow(&add_voting_powers, i),
                *vector::borrow(&add_can_delegate, i),
                ctx,
            );
            vector::push_back(&mut added, cap_id);
            i = i + 1;
        };
        if (option::is_some(&threshold)) {
            multicontroller::set_threshold(multi, option::destroy_some(threshold));
        };
        events::controllers_changed(
            identity_id, added, add_addresses, remove, update_ids, multicontroller::threshold(multi)
        );
    }

    /// The threshold a change sets, if any.
    public fun threshold(change: &ConfigChange): Option<u64> { change.threshold }

    /// The controllers a change adds: addresses, voting powers, delegation rights.
    public fun additions(change: &ConfigChange): (vector<address>, vector<u64>, vector<bool>) {
        (change.add_addresses, change.add_voting_powers, change.add_can_delegate)
    }

    /// The `ControllerCap` IDs a change removes.
    public fun removals(change: &ConfigChange): vector<ID> { change.remove }

    /// The voting power updates of a change: `ControllerCap` IDs and new powers.
    public fun updates(change: &ConfigChange): (vector<ID>, vector<u64>) {
        (change.update_ids, change.update_voting_powers)
    }

    /// Aborts unless applying `change` to `multi` leaves a valid configuration.
    fun validate(multi: &Multicontroller<Option<vector<u8>>>, change: &ConfigChange) {
        let n_add = vector::length(&change.add_addresses);
        let n_remove = vector::length(&change.remove);
        let n_update = vector::length(&change.update_ids);
        multicontroller::assert_same_length(n_add, vector::length(&change.add_voting_powers));
        multicontroller::assert_same_length(n_add, vector::length(&change.add_can_delegate));
        multicontroller::assert_same_length(n_update, vector::length(&change.update_voting_powers));
        assert!(n_add + n_remove + n_update > 0 || option::is_some(&change.threshold), EEmptyConfigChange);
        multicontroller::assert_distinct(&change.add_addresses);
        multicontroller::assert_distinct(&change.remove);
        multicontroller::assert_distinct(&change.update_ids);

        let i = 0;
        while (i < n_remove) {
            assert!(multicontroller::is_controller(multi, *vector::borrow(&change.remove, i)), EUnknownController);
            i = i + 1;
        };
        let i = 0;
        while (i < n_update) {
            let cap_id = vector::borrow(&change.update_ids, i);
            assert!(multicontroller::is_controller(multi, *cap_id), EUnknownController);
            assert!(!vector::contains(&change.remove, cap_id), ERemovedAndUpdated);
            multicontroller::assert_voting_power(*vector::borrow(&change.update_voting_powers, i));
            i = i + 1;
        };

        // The total voting power after the change: kept controllers at their
        // new power, plus the added ones.
        let total = 0;
        let controllers = multicontroller::controllers(multi);
        let i = 0;
        while (i < vector::length(&controllers)) {
            let cap_id = vector::borrow(&controllers, i);
            if (!vector::contains(&change.remove, cap_id)) {
                let (updated, j) = vector::index_of(&change.update_ids, cap_id);
                let vp = if (updated) {
                    *vector::borrow(&change.update_voting_powers, j)
                } else {
                    multicontroller::voting_power(multi, *cap_id)
                };
                total = total + vp;
            };
            i = i + 1;
        };
        let i = 0;
        while (i < n_add) {
            let vp = *vector::borrow(&change.add_voting_powers, i);
            multicontroller::assert_voting_power(vp);
            total = total + vp;
            i = i + 1;
        };

        let count = vector::length(&controllers) - n_remove + n_add;
        assert!(count >= 1, ENoControllers);
        assert!(count <= multicontroller::max_controllers(), ETooManyControllers);
        let threshold = if (option::is_some(&change.threshold)) {
            *option::borrow(&change.threshold)
        } else {
            multicontroller::threshold(multi)
        };
        assert!(threshold >= 1 && threshold <= total, EInvalidThreshold);
    }
}
