#[test_only]
module sui::display_tests {
    use std::string::{utf8, String};
    use sui::display::{Self, Display};
    use sui::event;
    use sui::object::UID;
    use sui::package;
    use sui::test_scenario as ts;
    use sui::transfer;
    use sui::vec_map;

    /// A one-time witness for this module's `Publisher`.
    struct DISPLAY_TESTS has drop {}

    /// An object type of this package with a display.
    struct Card has key {
        id: UID,
    }

    fun s(b: vector<u8>): String { utf8(b) }

    #[test]
    fun the_publisher_creates_and_edits_a_display() {
        let scenario = ts::begin(@0xA);
        let publisher = package::test_claim(DISPLAY_TESTS {}, ts::ctx(&mut scenario));
        let d = display::new_with_fields<Card>(
            &publisher, vector[s(b"name"), s(b"image_url")], vector[s(b"Card {id}"), s(b"https://x/{id}")],
            ts::ctx(&mut scenario),
        );
        assert!(event::num_events() == 1, 0);
        assert!(vec_map::size(display::fields(&d)) == 2, 1);
        display::add(&mut d, s(b"description"), s(b"A card"));
        display::edit(&mut d, s(b"name"), s(b"The card {id}"));
        display::remove(&mut d, s(b"image_url"));
        assert!(*vec_map::get(display::fields(&d), &s(b"name")) == s(b"The card {id}"), 2);
        assert!(!vec_map::contains(display::fields(&d), &s(b"image_url")), 3);
        assert!(display::version(&d) == 0, 4);
        display::update_version(&mut d);
        assert!(display::version(&d) == 1, 5);
        assert!(event::num_events() == 2, 6);
        transfer::public_transfer(d, @0xA);
        package::burn_publisher(publisher);
        ts::end(scenario);
    }

    #[test]
    fun create_and_keep_sends_the_display_to_the_sender() {
        let scenario = ts::begin(@0xA);
        let publisher = package::test_claim(DISPLAY_TESTS {}, ts::ctx(&mut scenario));
        display::create_and_keep<Card>(&publisher, ts::ctx(&mut scenario));
        ts::next_tx(&mut scenario, @0xA);
        let d = ts::take_from_sender<Display<Card>>(&scenario);
        assert!(vec_map::is_empty(display::fields(&d)), 0);
        ts::return_to_sender(&scenario, d);
        package::burn_publisher(publisher);
        ts::end(scenario);
    }

    #[test]
    #[expected_failure(abort_code = display::EVecLengthMismatch)]
    fun fields_and_values_of_different_lengths_fail() {
        let scenario = ts::begin(@0xA);
        let publisher = package::test_claim(DISPLAY_TESTS {}, ts::ctx(&mut scenario));
        let d = display::new_with_fields<Card>(&publisher, vector[s(b"name")], vector[], ts::ctx(&mut scenario));
        transfer::public_transfer(d, @0xA);
        abort 42
    }

    // A publisher of another package is refused (`ENotOwner`): see the
    // escrow example's tests, which need a second package.

    #[test]
    fun is_authorized_holds_for_a_type_of_the_package() {
        let scenario = ts::begin(@0xA);
        let publisher = package::test_claim(DISPLAY_TESTS {}, ts::ctx(&mut scenario));
        assert!(display::is_authorized<Card>(&publisher), 0);
        package::burn_publisher(publisher);
        ts::end(scenario);
    }
}
