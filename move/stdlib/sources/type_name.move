/// The name of a Move type as a string, e.g. `u64`, `vector<u8>` or
/// `0000...0002::coin::Coin<0000...0002::sui::SUI>`: addresses are 64
/// hex digits without `0x`, type arguments follow in `<...>` separated by
/// commas.
///
/// Differs from Sui: there are no upgraded packages with a different
/// original ID here, so `get_with_original_ids` (and `with_original_ids`)
/// return what `get` returns.
module std::type_name {
    use std::ascii::{Self, String};
    use std::vector;

    /// `get_address`/`get_module` were called on a primitive type's name.
    const ENonModuleType: u64 = 0;

    /// The ASCII name of a type.
    struct TypeName has copy, drop, store {
        name: String,
    }

    /// The name of `T`.
    public native fun get<T>(): TypeName;

    /// The name of `T`, with each package at its original ID.
    public native fun get_with_original_ids<T>(): TypeName;

    /// The name of `T` (the current name of `get`).
    public fun with_defining_ids<T>(): TypeName {
        get<T>()
    }

    /// The name of `T`, with each package at its original ID.
    public fun with_original_ids<T>(): TypeName {
        get_with_original_ids<T>()
    }

    /// True for `bool`, the integer types, `address` and vectors.
    public fun is_primitive(self: &TypeName): bool {
        let b = ascii::as_bytes(&self.name);
        b == &b"bool" || b == &b"u8" || b == &b"u16" || b == &b"u32" || b == &b"u64"
            || b == &b"u128" || b == &b"u256" || b == &b"address"
            || starts_with(b, &b"vector<")
    }

    /// The name as a string.
    public fun borrow_string(self: &TypeName): &String {
        &self.name
    }

    /// The name as a string (the current name of `borrow_string`).
    public fun as_string(self: &TypeName): &String {
        &self.name
    }

    /// The defining package's address, as 64 hex digits. Aborts with
    /// `ENonModuleType` for a primitive type.
    public fun get_address(self: &TypeName): String {
        assert!(!is_primitive(self), ENonModuleType);
        ascii::string(slice(ascii::as_bytes(&self.name), 0, 64))
    }

    /// The defining package's address (the current name of `get_address`).
    public fun address_string(self: &TypeName): String {
        get_address(self)
    }

    /// The defining module's name. Aborts with `ENonModuleType` for a
    /// primitive type.
    public fun get_module(self: &TypeName): String {
        assert!(!is_primitive(self), ENonModuleType);
        let b = ascii::as_bytes(&self.name);
        // The module name starts after "<64 hex digits>::" and ends at the next ':'.
        let start = 66;
        let end = start;
        let n = vector::length(b);
        while (end < n && *vector::borrow(b, end) != 58) {
            end = end + 1;
        };
        ascii::string(slice(b, start, end))
    }

    /// The defining module's name (the current name of `get_module`).
    public fun module_string(self: &TypeName): String {
        get_module(self)
    }

    /// The name as a string, consuming the `TypeName`.
    public fun into_string(self: TypeName): String {
        self.name
    }

    fun starts_with(b: &vector<u8>, prefix: &vector<u8>): bool {
        let n = vector::length(prefix);
        if (vector::length(b) < n) { return false };
        let i = 0;
        while (i < n) {
            if (vector::borrow(b, i) != vector::borrow(prefix, i)) { return false };
            i = i + 1;
        };
        true
    }

    fun slice(b: &vector<u8>, start: u64, end: u64): vector<u8> {
        let out = vector::empty<u8>();
        while (start < end) {
            vector::push_back(&mut out, *vector::borrow(b, start));
            start = start + 1;
        };
        out
    }
}
