/// URLs as opaque ASCII strings, for metadata such as a coin's icon. Nothing
/// here checks that a URL is well formed: `new_unsafe` says so in its name.
module sui::url {
    use std::ascii::{Self, String};

    /// A URL, held as given.
    struct Url has store, copy, drop {
        url: String,
    }

    /// A URL from an ASCII string, unchecked.
    public fun new_unsafe(url: String): Url {
        Url { url }
    }

    /// A URL from bytes, unchecked beyond being ASCII. Aborts (in
    /// `std::ascii`) if a byte is not ASCII.
    public fun new_unsafe_from_bytes(bytes: vector<u8>): Url {
        Url { url: ascii::string(bytes) }
    }

    /// The URL as a string.
    public fun inner_url(self: &Url): String {
        self.url
    }

    /// Replace the URL.
    public fun update(self: &mut Url, url: String) {
        self.url = url
    }
}
