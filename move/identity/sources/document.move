/// The on-chain encoding of a DID document.
///
/// Bytes: `"DID"` || format version (1) || encoding (0 JSON, 1 deflate-compressed
/// JSON) || payload. Only the header is checked on chain; the payload is
/// opaque. In the payload the document's own DID is written as the
/// placeholder `did:0:0`, replaced by resolvers. An identity's document is
/// `Some(bytes)` when active, `Some([])` when deactivated, `None` when deleted.
module identity::document {
    use std::vector;

    /// The bytes do not start with the `"DID"` header.
    const ENotADidDocument: u64 = 400;
    /// The format version byte is not a supported version.
    const EUnsupportedFormatVersion: u64 = 401;
    /// The encoding byte is not a supported encoding.
    const EUnsupportedEncoding: u64 = 402;
    /// The document is larger than `MAX_DOCUMENT_SIZE`.
    const EDocumentTooLarge: u64 = 403;

    /// The only format version this package writes and accepts.
    const FORMAT_VERSION: u8 = 1;
    /// Encoding byte: the payload is JSON.
    const ENCODING_JSON: u8 = 0;
    /// Encoding byte: the payload is deflate-compressed JSON.
    const ENCODING_DEFLATE_JSON: u8 = 1;
    /// Length of `"DID"` || version || encoding.
    const HEADER_LENGTH: u64 = 5;
    /// Largest accepted document, header included: 32 KiB. Bounds the gas of
    /// every call that copies or checks a document.
    const MAX_DOCUMENT_SIZE: u64 = 32768;

    /// Aborts unless `doc` is a well-formed on-chain DID document.
    public fun assert_valid(doc: &vector<u8>) {
        let len = vector::length(doc);
        assert!(len <= MAX_DOCUMENT_SIZE, EDocumentTooLarge);
        assert!(len >= HEADER_LENGTH, ENotADidDocument);
        assert!(
            *vector::borrow(doc, 0) == 0x44 // 'D'
                && *vector::borrow(doc, 1) == 0x49 // 'I'
                && *vector::borrow(doc, 2) == 0x44, // 'D'
            ENotADidDocument
        );
        assert!(*vector::borrow(doc, 3) == FORMAT_VERSION, EUnsupportedFormatVersion);
        let encoding = *vector::borrow(doc, 4);
        assert!(encoding == ENCODING_JSON || encoding == ENCODING_DEFLATE_JSON, EUnsupportedEncoding);
    }

    /// Whether `doc` is a well-formed on-chain DID document.
    public fun is_valid(doc: &vector<u8>): bool {
        let len = vector::length(doc);
        len >= HEADER_LENGTH
            && len <= MAX_DOCUMENT_SIZE
            && *vector::borrow(doc, 0) == 0x44
            && *vector::borrow(doc, 1) == 0x49
            && *vector::borrow(doc, 2) == 0x44
            && *vector::borrow(doc, 3) == FORMAT_VERSION
            && (*vector::borrow(doc, 4) == ENCODING_JSON || *vector::borrow(doc, 4) == ENCODING_DEFLATE_JSON)
    }

    /// The supported format version (1).
    public fun format_version(): u8 { FORMAT_VERSION }

    /// The encoding byte for plain JSON (0).
    public fun encoding_json(): u8 { ENCODING_JSON }

    /// The encoding byte for deflate-compressed JSON (1).
    public fun encoding_deflate_json(): u8 { ENCODING_DEFLATE_JSON }

    /// The largest accepted document size in bytes.
    public fun max_document_size(): u64 { MAX_DOCUMENT_SIZE }
}
