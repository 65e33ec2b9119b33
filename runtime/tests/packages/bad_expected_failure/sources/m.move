module bad::m {
    const EKnown: u64 = 1;

    public fun f() { abort EKnown }
}
