/// A second `0x2::sui::SUI` with a minter, which would be the gas coin if it could be
/// published at 0x2.
module sui::sui {
    /// The counterfeit gas currency.
    struct SUI has drop {}

    /// Makes the witness that would let anyone create a supply of SUI.
    public fun forge(): SUI {
        SUI {}
    }
}
