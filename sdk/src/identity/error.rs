//! The identity package's aborts as named errors.

use movid_runtime::types::{MoveAbort, ObjectID, WellKnown};

/// Why the identity package refused an operation: its Move abort, decoded.
///
/// Several modules declare the same condition (`EInvalidThreshold` in
/// `multicontroller` and `config_proposal`, `EWrongIdentity` in three
/// modules); they map to one variant. An abort this SDK does not know is
/// [`IdentityError::MoveAbort`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    /// The proposal's current votes are below the threshold.
    #[error("the proposal has {votes} of the {threshold} votes it needs; get more controllers to approve it")]
    ThresholdNotReached {
        /// The current voting power of its voters that are still controllers.
        votes: u64,
        /// The identity's threshold.
        threshold: u64,
    },
    /// The credential's controller is not (or no longer) a controller of the identity.
    #[error("the credential's controller is not a controller of this identity")]
    NotAController,
    /// The credential belongs to another identity.
    #[error("the credential belongs to another identity")]
    WrongIdentity,
    /// The delegation token was revoked.
    #[error("the delegation token was revoked; ask a controller to unrevoke it")]
    TokenRevoked,
    /// The credential lacks the permission the operation needs.
    #[error("the delegation token lacks the permission this operation needs")]
    MissingPermission,
    /// The operation needs a `ControllerCap`, not a delegation token.
    #[error("this operation needs a ControllerCap; a delegation token was presented")]
    NotAControllerCap,
    /// The controller may not delegate.
    #[error("this controller was created without the right to delegate")]
    CannotDelegate,
    /// The permission bitmask is empty or has unknown bits.
    #[error("the permissions are empty or have unknown bits (valid: 0x1..=0x1f)")]
    InvalidPermissions,
    /// This controller already approved the proposal.
    #[error("this controller already approved the proposal")]
    AlreadyVoted,
    /// This controller has not approved the proposal.
    #[error("this controller has not approved the proposal")]
    NotVoted,
    /// No open proposal has this ID.
    #[error("no open proposal has this ID (executed, deleted, or of another identity)")]
    ProposalNotFound,
    /// The proposal expired.
    #[error("the proposal expired; delete it and propose again")]
    ProposalExpired,
    /// Only expired proposals or proposals without current votes can be deleted.
    #[error("the proposal can be deleted only once expired or without votes (remove the approvals first)")]
    CannotDeleteProposal,
    /// The identity has the most open proposals it may have.
    #[error("the identity has too many open proposals; execute or delete some")]
    TooManyProposals,
    /// The controller already has its quota of open proposals.
    #[error("this controller already has the 8 open proposals one controller may have; execute, delete or withdraw some")]
    TooManyProposalsOfController,
    /// This controller already rejected the proposal.
    #[error("this controller already rejected the proposal")]
    AlreadyRejected,
    /// The ID is not a live delegation token minted by this identity.
    #[error("the ID is not a live delegation token of this identity")]
    UnknownToken,
    /// The identity already has the most live delegation tokens it may have.
    #[error("the identity has the 128 live delegation tokens it may have; destroy some first")]
    TooManyTokens,
    /// The threshold would be zero or above the total voting power.
    #[error("the threshold would be zero or above the total voting power")]
    InvalidThreshold,
    /// No controller would remain.
    #[error("no controller would remain")]
    NoControllers,
    /// There would be more controllers than allowed.
    #[error("there would be more controllers than the 64 allowed")]
    TooManyControllers,
    /// A voting power is zero or above 2^32 - 1.
    #[error("a voting power is zero or above 2^32 - 1")]
    InvalidVotingPower,
    /// Parallel argument lists have different lengths.
    #[error("parallel argument lists have different lengths")]
    MismatchedLengths,
    /// A controller address (or cap) is listed twice.
    #[error("a controller is listed twice")]
    DuplicateController,
    /// The expiration epoch is in the past.
    #[error("the expiration epoch is in the past")]
    InvalidExpiration,
    /// The revocation list is full.
    #[error("the revocation list is full; destroy revoked tokens first")]
    TooManyRevokedTokens,
    /// The token is already revoked.
    #[error("the token is already revoked")]
    TokenAlreadyRevoked,
    /// The token is not revoked.
    #[error("the token is not revoked")]
    TokenNotRevoked,
    /// The identity was deleted.
    #[error("the identity was deleted; it accepts no further operation")]
    IdentityDeleted,
    /// The identity is not deleted (purging proposals needs a deleted identity).
    #[error("the identity is not deleted")]
    IdentityNotDeleted,
    /// The `ControllerCap` still belongs to a controller.
    #[error("the ControllerCap still belongs to a controller; remove the controller with a config change first")]
    ControllerStillActive,
    /// The DID document was deleted and can no longer change.
    #[error("the DID document was deleted; it can no longer change")]
    DidDeleted,
    /// The DID document must be deleted before the identity.
    #[error("delete the DID document (propose_did_deletion) before the identity")]
    DidNotDeleted,
    /// The document bytes are not an on-chain DID document.
    #[error("the document bytes are not a valid on-chain DID document ({0})")]
    InvalidDocument(&'static str),
    /// The document is larger than 32 KiB.
    #[error("the document is larger than the 32 KiB an identity may hold")]
    DocumentTooLarge,
    /// A config change changes nothing.
    #[error("the config change changes nothing")]
    EmptyConfigChange,
    /// A controller to remove or update is not a current controller.
    #[error("a controller to remove or update is not a current controller")]
    UnknownController,
    /// A controller is both removed and updated.
    #[error("a controller is both removed and updated")]
    RemovedAndUpdated,
    /// A send or borrow proposal names no object.
    #[error("name at least one object")]
    NoObjects,
    /// A send or borrow proposal names more than 64 objects.
    #[error("at most 64 objects per proposal")]
    TooManyObjects,
    /// An object is listed twice.
    #[error("an object is listed twice")]
    DuplicateObject,
    /// The object is not one the proposal sends or lends (or was already).
    #[error("the object is not one the proposal sends or lends")]
    ObjectNotInProposal,
    /// Not every object of a send proposal was sent.
    #[error("not every object of the send proposal was sent")]
    UnsentObjects,
    /// The returned object was not borrowed through this action.
    #[error("the returned object was not borrowed through this action")]
    NotBorrowed,
    /// A borrowed object was not returned.
    #[error("a borrowed object was not returned")]
    UnreturnedObjects,
    /// The credential received is not the one the proposal names.
    #[error("the credential is not the one the proposal names")]
    CredentialMismatch,
    /// The identity already follows this package version.
    #[error("the identity already follows this package version")]
    NoUpgradeAvailable,
    /// The sender does not own the asset (`asset::ENotOwner`).
    #[error("the sender does not own this asset")]
    NotAssetOwner,
    /// The asset was created immutable.
    #[error("the asset was created immutable; its content cannot change")]
    AssetImmutable,
    /// The asset was created non-transferable.
    #[error("the asset was created non-transferable; it stays with its owner")]
    AssetNotTransferable,
    /// The asset was created non-deletable.
    #[error("the asset was created non-deletable")]
    AssetNotDeletable,
    /// Only the offer's recipient may accept it.
    #[error("only the recipient of the offer may accept it")]
    NotOfferRecipient,
    /// Only the owner who made the offer may cancel it.
    #[error("only the owner who made the offer may cancel it")]
    NotOfferer,
    /// The received object is not the asset the offer names.
    #[error("the object is not the asset the offer names")]
    WrongAsset,
    /// The offer's expiration epoch has passed; only its sender can cancel it now.
    #[error("the offer expired; only its sender can cancel it now")]
    OfferExpired,
    /// An owner cannot offer an asset to itself.
    #[error("an asset cannot be offered to its own owner")]
    SelfOffer,
    /// The asset is held by an open offer: cancel it (or let it be accepted) first.
    #[error("the asset is held by the open offer {offer}; cancel it first (`movid asset cancel`)")]
    AssetOffered {
        /// The `TransferProposal` holding the asset.
        offer: ObjectID,
    },
    /// No open offer has this ID (accepted, cancelled, or never made).
    #[error("no open offer has this ID (accepted, cancelled, or never made)")]
    OfferNotFound,
    /// The change would leave more public credentials than an identity may hold.
    #[error("an identity holds at most 16 public credentials")]
    TooManyCredentials,
    /// A public credential is larger than the bound.
    #[error("a public credential may have at most 8192 bytes")]
    CredentialTooLarge,
    /// A credential name is empty, too long or has a character outside `A-Z a-z 0-9 . _ -`.
    #[error("a credential name is 1 to 64 of A-Z a-z 0-9 . _ -")]
    InvalidCredentialName,
    /// A credential name appears twice in one change.
    #[error("a credential name appears twice in one change")]
    DuplicateCredentialName,
    /// A credential to remove is not held (any more).
    #[error("the identity holds no credential of that name")]
    CredentialNotFound,
    /// A public credential is not a compact JWS.
    #[error("a public credential must be a compact JWS (three non-empty base64url segments)")]
    MalformedCredential,
    /// An abort this SDK does not name.
    #[error("identity package abort: {0}")]
    MoveAbort(MoveAbort),
}

impl IdentityError {
    /// Names an abort of the identity package. `ThresholdNotReached` gets
    /// `votes_and_threshold` (read from the identity by the caller).
    pub fn from_abort(abort: &MoveAbort, votes_and_threshold: (u64, u64)) -> IdentityError {
        use IdentityError::*;
        let name = abort
            .constant
            .clone()
            .or_else(|| constant_of_code(abort.code).map(str::to_string));
        match name.as_deref() {
            Some("EThresholdNotReached") => ThresholdNotReached {
                votes: votes_and_threshold.0,
                threshold: votes_and_threshold.1,
            },
            Some("ENotAController") => NotAController,
            Some("EWrongIdentity") => WrongIdentity,
            Some("ETokenRevoked") => TokenRevoked,
            Some("EMissingPermission") => MissingPermission,
            Some("ENotAControllerCap") => NotAControllerCap,
            Some("ECannotDelegate") => CannotDelegate,
            Some("EInvalidPermissions") => InvalidPermissions,
            Some("EAlreadyVoted") => AlreadyVoted,
            Some("ENotVoted") => NotVoted,
            Some("EProposalNotFound") => ProposalNotFound,
            Some("EProposalExpired") => ProposalExpired,
            Some("ECannotDeleteProposal") => CannotDeleteProposal,
            Some("ETooManyProposals") => TooManyProposals,
            Some("ETooManyProposalsOfController") => TooManyProposalsOfController,
            Some("EAlreadyRejected") => AlreadyRejected,
            Some("EUnknownToken") => UnknownToken,
            Some("ETooManyTokens") => TooManyTokens,
            Some("EInvalidThreshold") => InvalidThreshold,
            Some("ENoControllers") => NoControllers,
            Some("ETooManyControllers") => TooManyControllers,
            Some("EInvalidVotingPower") => InvalidVotingPower,
            Some("EMismatchedLengths") => MismatchedLengths,
            Some("EDuplicateController") => DuplicateController,
            Some("EInvalidExpiration") => InvalidExpiration,
            Some("ETooManyRevokedTokens") => TooManyRevokedTokens,
            Some("ETokenAlreadyRevoked") => TokenAlreadyRevoked,
            Some("ETokenNotRevoked") => TokenNotRevoked,
            Some("EIdentityDeleted") => IdentityDeleted,
            Some("EIdentityNotDeleted") => IdentityNotDeleted,
            Some("EControllerStillActive") => ControllerStillActive,
            Some("EDidDeleted") => DidDeleted,
            Some("EDidNotDeleted") => DidNotDeleted,
            Some("ENotADidDocument") => InvalidDocument("no `DID` header"),
            Some("EUnsupportedFormatVersion") => InvalidDocument("unsupported format version"),
            Some("EUnsupportedEncoding") => InvalidDocument("unsupported encoding"),
            Some("EDocumentTooLarge") => DocumentTooLarge,
            Some("EEmptyConfigChange") => EmptyConfigChange,
            Some("EUnknownController") => UnknownController,
            Some("ERemovedAndUpdated") => RemovedAndUpdated,
            Some("ENoObjects") => NoObjects,
            Some("ETooManyObjects") => TooManyObjects,
            Some("EDuplicateObject") => DuplicateObject,
            Some("EObjectNotInProposal") => ObjectNotInProposal,
            Some("EUnsentObjects") => UnsentObjects,
            Some("ENotBorrowed") => NotBorrowed,
            Some("EUnreturnedObjects") => UnreturnedObjects,
            Some("ECredentialMismatch") => CredentialMismatch,
            Some("ENoUpgradeAvailable") => NoUpgradeAvailable,
            Some("ENotOwner") => NotAssetOwner,
            Some("EImmutable") => AssetImmutable,
            Some("ENotTransferable") => AssetNotTransferable,
            Some("ENotDeletable") => AssetNotDeletable,
            Some("ENotRecipient") => NotOfferRecipient,
            Some("ENotOfferer") => NotOfferer,
            Some("EWrongAsset") => WrongAsset,
            Some("EOfferExpired") => OfferExpired,
            Some("ESelfOffer") => SelfOffer,
            Some("ETooManyCredentials") => TooManyCredentials,
            Some("ECredentialTooLarge") => CredentialTooLarge,
            Some("EInvalidCredentialName") => InvalidCredentialName,
            Some("EDuplicateCredentialName") => DuplicateCredentialName,
            Some("ECredentialNotFound") => CredentialNotFound,
            Some("EMalformedJwt") => MalformedCredential,
            _ => MoveAbort(abort.clone()),
        }
    }

    /// Whether an abort came from the identity package.
    pub fn is_identity_abort(abort: &MoveAbort) -> bool {
        abort.package == ObjectID::IDENTITY
    }
}

/// The constant behind a code, for aborts whose module did not name it
/// (codes are unique across the package: see its README).
fn constant_of_code(code: u64) -> Option<&'static str> {
    Some(match code {
        100 => "ENotAController",
        101 => "EWrongIdentity",
        102 => "ETokenRevoked",
        103 => "EThresholdNotReached",
        104 => "EAlreadyVoted",
        105 => "ENotVoted",
        106 => "EProposalNotFound",
        107 => "EProposalExpired",
        108 => "ECannotDeleteProposal",
        109 => "ETooManyProposals",
        110 | 503 => "EInvalidThreshold",
        111 | 504 => "ENoControllers",
        112 | 505 => "ETooManyControllers",
        113 => "EInvalidVotingPower",
        114 | 603 => "EMismatchedLengths",
        115 => "EDuplicateController",
        116 => "EInvalidExpiration",
        117 => "ETooManyRevokedTokens",
        118 => "ETokenAlreadyRevoked",
        119 => "ETokenNotRevoked",
        120 => "ETooManyProposalsOfController",
        121 => "EAlreadyRejected",
        122 => "EUnknownToken",
        123 => "ETooManyTokens",
        200 => "EIdentityDeleted",
        201 => "EControllerStillActive",
        202 => "EWrongIdentity",
        203 => "EIdentityNotDeleted",
        300 => "EMissingPermission",
        301 => "ENotAControllerCap",
        302 => "ECannotDelegate",
        303 => "EInvalidPermissions",
        400 => "ENotADidDocument",
        401 => "EUnsupportedFormatVersion",
        402 => "EUnsupportedEncoding",
        403 => "EDocumentTooLarge",
        500 => "EEmptyConfigChange",
        501 => "EUnknownController",
        502 => "ERemovedAndUpdated",
        600 | 700 => "ENoObjects",
        601 | 701 => "ETooManyObjects",
        602 | 702 => "EDuplicateObject",
        604 | 703 => "EWrongIdentity",
        605 | 704 => "EObjectNotInProposal",
        606 => "EUnsentObjects",
        705 => "ENotBorrowed",
        706 => "EUnreturnedObjects",
        800 => "ECredentialMismatch",
        900 => "ENoUpgradeAvailable",
        1000 => "EDidNotDeleted",
        1100 => "EDidDeleted",
        1200 => "ENotOwner",
        1201 => "EImmutable",
        1202 => "ENotTransferable",
        1203 => "ENotDeletable",
        1204 => "ENotRecipient",
        1205 => "ENotOfferer",
        1206 => "EWrongAsset",
        1207 => "EOfferExpired",
        1208 => "EInvalidExpiration",
        1209 => "ESelfOffer",
        1400 => "ETooManyCredentials",
        1401 => "ECredentialTooLarge",
        1402 => "EInvalidCredentialName",
        1403 => "EDuplicateCredentialName",
        1404 => "ECredentialNotFound",
        1405 => "EMismatchedCredentialLengths",
        1406 => "EEmptyCredentialChange",
        1407 => "EMalformedJwt",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn abort(code: u64, constant: Option<&str>) -> MoveAbort {
        MoveAbort {
            package: ObjectID::IDENTITY,
            module: "multicontroller".into(),
            function: Some("execute_proposal".into()),
            code,
            constant: constant.map(str::to_string),
        }
    }

    #[test]
    fn named_and_unnamed_aborts_map_to_the_same_variant() {
        assert_eq!(
            IdentityError::from_abort(&abort(103, Some("EThresholdNotReached")), (1, 2)),
            IdentityError::ThresholdNotReached {
                votes: 1,
                threshold: 2
            }
        );
        assert_eq!(
            IdentityError::from_abort(&abort(100, None), (0, 0)),
            IdentityError::NotAController
        );
        assert!(matches!(
            IdentityError::from_abort(&abort(9999, None), (0, 0)),
            IdentityError::MoveAbort(_)
        ));
        for (code, variant) in [
            (120, IdentityError::TooManyProposalsOfController),
            (121, IdentityError::AlreadyRejected),
            (122, IdentityError::UnknownToken),
            (123, IdentityError::TooManyTokens),
            (1200, IdentityError::NotAssetOwner),
            (1204, IdentityError::NotOfferRecipient),
            (1208, IdentityError::InvalidExpiration),
            (1209, IdentityError::SelfOffer),
        ] {
            assert_eq!(
                IdentityError::from_abort(&abort(code, None), (0, 0)),
                variant
            );
        }
    }
}
