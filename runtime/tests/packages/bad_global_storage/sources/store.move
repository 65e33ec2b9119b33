/// Uses global storage, which movid replaces with objects.
module bad::store {
    use movid::object::UID;

    struct Resource has key {
        id: UID,
    }

    public fun is_published(owner: address): bool {
        exists<Resource>(owner)
    }
}
