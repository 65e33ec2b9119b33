module unknown_git::m {
    public fun one(): u64 { 1 }
}
