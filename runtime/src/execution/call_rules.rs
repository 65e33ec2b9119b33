//! Which functions a `MoveCall` may target (docs/DESIGN.md §5, "MoveCall targets").
//!
//! The adapter calls functions with the VM's visibility checks bypassed (a transaction is not
//! a module, so the VM's own rules do not apply to it); these rules stand in for them. A
//! transaction may call a function that is `public` or `entry`, is not `init`, has Move code
//! (natives are for Move code to call), and is not one of the framework functions whose type
//! argument must belong to the calling module — a transaction has no module, so for it no type
//! is its own. That last list is the publish verifier's ([`verifier::CALLER_TYPES_ONLY`]), so
//! what a package may not do with a foreign type a transaction may not do either.

use move_binary_format::file_format::{FunctionDefinition, Visibility};

use crate::types::{CallRule, ObjectID, WellKnown};
use crate::verifier;

/// Checks that `function` of `module` (at `package`), defined by `fdef`, may be the target of
/// a `MoveCall`; returns the rule it breaks otherwise.
pub(super) fn check_target(
    package: ObjectID,
    module: &str,
    function: &str,
    fdef: &FunctionDefinition,
) -> Result<(), CallRule> {
    if function == "init" {
        return Err(CallRule::Init);
    }
    if !(fdef.is_entry || fdef.visibility == Visibility::Public) {
        return Err(CallRule::NotPublicOrEntry);
    }
    if package == ObjectID::FRAMEWORK && verifier::CALLER_TYPES_ONLY.contains(&(module, function)) {
        return Err(CallRule::CallerTypesOnly);
    }
    if fdef.is_native() {
        return Err(CallRule::Native);
    }
    Ok(())
}
