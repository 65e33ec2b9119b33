#[test_only]
module sui::package_tests {
    use std::ascii;
    use sui::address;
    use sui::coin::Coin;
    use sui::object;
    use sui::package;
    use sui::test_objects::Thing;
    use sui::test_scenario as ts;

    /// A one-time witness in shape for this module.
    struct PACKAGE_TESTS has drop {}

    /// A type defined in this module.
    struct Local has drop {}

    /// Not a one-time witness.
    struct Witness has drop {}

    #[test]
    fun publisher_recognises_types_of_its_module_and_package() {
        let scenario = ts::begin(@0xA);
        let publisher = package::claim(PACKAGE_TESTS {}, ts::ctx(&mut scenario));
        assert!(*package::published_module(&publisher) == ascii::string(b"package_tests"), 0);
        assert!(*package::published_package(&publisher) == address::to_ascii_string(@sui), 1);
        assert!(package::from_module<Local>(&publisher), 2);
        assert!(!package::from_module<Thing>(&publisher), 3);
        // The framework itself is at 0x2, so framework types share the package.
        assert!(package::from_package<Coin<Local>>(&publisher), 4);
        assert!(!package::from_package<ascii::String>(&publisher), 5);
        package::burn_publisher(publisher);
        ts::end(scenario);
    }

    #[test]
    fun upgrade_round_trip_bumps_version() {
        let scenario = ts::begin(@0xA);
        let pkg = object::id_from_address(@0x1234);
        let cap = package::test_publish(pkg, ts::ctx(&mut scenario));
        assert!(package::version(&cap) == 1, 0);
        package::only_additive_upgrades(&mut cap);
        assert!(package::upgrade_policy(&cap) == package::additive_policy(), 1);
        let ticket = package::authorize_upgrade(&mut cap, package::dep_only_policy(), b"digest");
        assert!(package::ticket_package(&ticket) == pkg, 2);
        let receipt = package::test_upgrade(ticket);
        let new_pkg = package::receipt_package(&receipt);
        package::commit_upgrade(&mut cap, receipt);
        assert!(package::upgrade_package(&cap) == new_pkg && new_pkg != pkg, 3);
        assert!(package::version(&cap) == 2, 4);
        package::make_immutable(cap);
        ts::end(scenario);
    }

    #[test]
    #[expected_failure(abort_code = package::ENotOneTimeWitness)]
    fun claiming_without_one_time_witness_fails() {
        let scenario = ts::begin(@0xA);
        let publisher = package::claim(Witness {}, ts::ctx(&mut scenario));
        package::burn_publisher(publisher);
        abort 42
    }

    #[test]
    #[expected_failure(abort_code = package::ETooPermissive)]
    fun loosening_the_upgrade_policy_fails() {
        let scenario = ts::begin(@0xA);
        let cap = package::test_publish(object::id_from_address(@0x1234), ts::ctx(&mut scenario));
        package::only_dep_upgrades(&mut cap);
        let ticket = package::authorize_upgrade(&mut cap, package::compatible_policy(), b"");
        package::commit_upgrade(&mut cap, package::test_upgrade(ticket));
        abort 42
    }
}
