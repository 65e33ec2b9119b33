/// Packs the framework's `SUI` witness outside `sui::sui` to create a supply of gas. The
/// compiler refuses it: only a struct's own module may pack it.
module pack_foreign_sui::forge {
    use sui::balance::{Self, Supply};
    use sui::sui::SUI;

    /// Would return an unlimited supply of the gas currency.
    public fun supply(): Supply<SUI> {
        balance::create_supply(SUI {})
    }
}
