/// Does not compile: a u64 is returned where a bool is expected.
module bad::broken {
    public fun is_even(n: u64): bool {
        n % 2
    }
}
