/// A `key` struct whose first field is not `id: UID`.
module bad::keyless {
    struct Keyless has key {
        value: u64,
    }
}
