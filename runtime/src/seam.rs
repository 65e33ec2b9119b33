//! The seam between movid's wire types (Sui's, from `sui-sdk-types`) and the Move VM's (Diem's,
//! from `move-core-types`).
//!
//! Plain functions rather than `From` impls: neither side's types are movid's, so the orphan
//! rule forbids the impls. Everything outside the VM-facing code (`execution`, `natives`,
//! `verifier`, `genesis`, `build`) speaks Sui's types; the conversions happen here only.

use move_core_types::account_address::AccountAddress;

use crate::types::Address;

/// The VM's address for a wire address: the same 32 bytes.
pub fn to_vm_address(a: Address) -> AccountAddress {
    AccountAddress::new(a.into_inner())
}

/// The wire address for a VM address: the same 32 bytes.
pub fn from_vm_address(a: AccountAddress) -> Address {
    Address::new(a.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::random_address;

    #[test]
    fn addresses_cross_the_seam_unchanged_both_ways() {
        for _ in 0..64 {
            let a = random_address();
            let vm = to_vm_address(a);
            assert_eq!(vm.into_bytes(), a.into_inner());
            assert_eq!(from_vm_address(vm), a);
            // Both sides encode an address as 32 raw BCS bytes.
            assert_eq!(bcs::to_bytes(&vm).unwrap(), bcs::to_bytes(&a).unwrap());
        }
    }
}
