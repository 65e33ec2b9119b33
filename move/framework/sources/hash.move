/// Hash functions over byte vectors. (SHA2-256 and SHA3-256 are in `std::hash`.)
module sui::hash {
    /// The Blake2b-256 digest of `data`.
    public native fun blake2b256(data: &vector<u8>): vector<u8>;

    /// The Keccak-256 digest of `data`.
    public native fun keccak256(data: &vector<u8>): vector<u8>;
}
