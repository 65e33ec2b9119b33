/// Small vector helpers shared by the identity modules.
module identity::utils {
    use std::vector;

    /// Whether some value occurs twice in `items` (quadratic: callers bound `items`).
    public fun has_duplicates<K>(items: &vector<K>): bool {
        let n = vector::length(items);
        let i = 0;
        while (i < n) {
            let j = i + 1;
            while (j < n) {
                if (vector::borrow(items, i) == vector::borrow(items, j)) {
                    return true
                };
                j = j + 1;
            };
            i = i + 1;
        };
        false
    }
}
