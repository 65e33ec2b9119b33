//! The SDK's behaviour against any [`Client`]: each test is an async
//! function of a fresh client (a new chain with the four funded development
//! accounts). [`client_suite!`] turns them into `#[tokio::test]`s for one
//! client factory, so the in-process client and the JSON-RPC client run the
//! same tests:
//!
//! ```ignore
//! #[macro_use]
//! mod suite;
//! async fn client() -> Arc<dyn Client> { ... }
//! client_suite!(client);
//! ```

#![allow(dead_code)]

pub mod asset_tests;
pub mod client_tests;
pub mod credential_tests;
pub mod identity_tests;
pub mod offline_tests;
pub mod paging_tests;
pub mod resolution_tests;

/// Generates one `#[tokio::test]` per suite function for `$factory`, an
/// `async fn() -> Arc<dyn Client>` giving a fresh development chain.
#[macro_export]
macro_rules! client_suite {
    ($factory:path) => {
        $crate::client_suite!(@tests $factory;
            client_tests::client_reports_chain_metadata,
            client_tests::dev_controls_move_epoch_and_clock,
            client_tests::faucet_funds_a_new_address,
            client_tests::object_reads_follow_versions,
            client_tests::transactions_and_events_are_recorded,
            client_tests::dry_run_does_not_commit,
            client_tests::dev_inspect_decodes_return_values_and_commits_nothing,
            client_tests::dev_inspect_of_an_unknown_function_fails_by_name,
            client_tests::builder_splits_merges_and_transfers,
            client_tests::builder_pays_gas_with_a_coin_that_is_not_an_input,
            client_tests::builder_budget_comes_from_the_dry_run,
            client_tests::failed_dry_run_is_not_submitted,
            client_tests::failed_transaction_with_fixed_budget_is_recorded,
            client_tests::stale_object_is_refused,
            client_tests::wrong_signer_is_refused,
            client_tests::sender_without_gas_is_told_so,
            client_tests::key_manager_committer_signs_transactions,
            client_tests::publish_and_call_through_the_builder,
            client_tests::gas_is_never_paid_with_a_look_alike_sui_coin,
            client_tests::dynamic_fields_hold_an_identitys_proposals,
            credential_tests::credentials_change_by_proposal_and_are_read_back,
            credential_tests::bad_credential_changes_are_refused_by_name,
            identity_tests::identity_with_one_controller_executes_at_once,
            identity_tests::identity_with_three_controllers_is_read_back,
            identity_tests::approving_proposal_works,
            identity_tests::executing_below_threshold_names_votes_and_threshold,
            identity_tests::approving_twice_is_refused,
            identity_tests::removing_approval_allows_deletion,
            identity_tests::proposal_with_votes_cannot_be_deleted,
            identity_tests::expired_proposals_cannot_be_approved_but_can_be_deleted,
            identity_tests::unknown_proposal_is_not_found,
            identity_tests::config_change_adds_a_controller_and_raises_threshold,
            identity_tests::removed_controller_is_not_a_controller,
            identity_tests::invalid_config_change_is_refused,
            identity_tests::proposals_are_read_with_their_actions,
            identity_tests::delegate_acts_within_its_permissions,
            identity_tests::revoked_token_is_refused_until_unrevoked,
            identity_tests::token_holder_destroys_its_token,
            identity_tests::identity_sends_a_coin_it_owns,
            identity_tests::sole_controller_sends_at_once,
            identity_tests::borrowed_objects_are_returned,
            identity_tests::approved_borrow_proposal_executes_with_user_commands,
            identity_tests::sub_identity_is_governed_through_its_parent,
            identity_tests::dids_controlled_by_lists_every_controlled_identity,
            identity_tests::document_history_lists_every_version,
            identity_tests::upgrade_without_new_version_is_refused,
            identity_tests::deleted_identity_refuses_operations,
            identity_tests::identity_deletion_needs_the_threshold,
            identity_tests::non_controller_has_no_controller_handle,
            offline_tests::sponsored_transaction_takes_gas_from_the_sponsors_coin,
            offline_tests::sponsored_transaction_without_the_sponsors_signature_is_refused,
            offline_tests::sponsor_signature_over_other_bytes_is_refused,
            offline_tests::unsigned_bytes_round_trip_through_base64,
            offline_tests::controller_approval_is_built_sponsored_and_signed_elsewhere,
            offline_tests::builder_executes_a_sponsored_transaction_with_both_keys,
            paging_tests::dids_controlled_by_finds_identities_reached_through_a_delegation_token,
            paging_tests::owned_objects_are_paged_by_id_without_gaps_or_repeats,
            paging_tests::object_and_document_histories_are_paged,
            paging_tests::events_are_paged_by_cursor_and_a_foreign_cursor_is_refused,
            paging_tests::events_past_the_node_query_cap_are_refused_not_truncated,
            resolution_tests::live_did_resolves_to_its_document,
            resolution_tests::opening_a_proposal_does_not_change_the_version_id,
            resolution_tests::older_versions_resolve_by_version_id_and_time,
            resolution_tests::resolving_the_latest_version_of_a_busy_identity_reads_no_history,
            resolution_tests::deactivated_did_resolves_without_document,
            resolution_tests::deleted_did_resolves_as_deactivated,
            resolution_tests::unknown_did_is_not_found,
            resolution_tests::object_that_is_not_an_identity_is_not_found,
            resolution_tests::invalid_and_foreign_dids_are_reported,
            resolution_tests::a_document_with_a_key_that_is_not_base58_is_refused_before_sending,
            resolution_tests::a_multikey_without_its_context_is_refused_before_sending,
            asset_tests::asset_is_created_read_mutated_and_deleted,
            asset_tests::flags_and_ownership_refuse_with_named_errors_and_change_nothing,
            asset_tests::offer_is_accepted_by_its_recipient_only,
            asset_tests::cancelled_offer_returns_the_asset_and_cannot_be_accepted,
            asset_tests::expired_offer_cannot_be_accepted_but_can_be_cancelled,
            asset_tests::open_offers_past_the_event_query_cap_are_refused_not_truncated,
        );
    };
    (@tests $factory:path; $($module:ident :: $name:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $name() {
                suite::$module::$name($factory().await).await;
            }
        )*
    };
}
