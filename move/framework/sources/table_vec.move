/// A vector of any length whose elements live in a `Table`, so reading or
/// writing one element costs the same however long the vector is.
module sui::table_vec {
    use sui::table::{Self, Table};
    use sui::tx_context::TxContext;

    /// An index is not below the length.
    const EIndexOutOfBound: u64 = 0;
    /// `destroy_empty` was called on a vector that still has elements.
    const ETableNonEmpty: u64 = 1;

    /// Elements `0 .. length` are stored under their index.
    struct TableVec<phantom Element: store> has store {
        contents: Table<u64, Element>,
    }

    /// A new, empty vector.
    public fun empty<Element: store>(ctx: &mut TxContext): TableVec<Element> {
        TableVec { contents: table::new(ctx) }
    }

    /// A vector holding only `e`.
    public fun singleton<Element: store>(e: Element, ctx: &mut TxContext): TableVec<Element> {
        let t = empty(ctx);
        push_back(&mut t, e);
        t
    }

    /// The number of elements.
    public fun length<Element: store>(t: &TableVec<Element>): u64 {
        table::length(&t.contents)
    }

    /// True if there are no elements.
    public fun is_empty<Element: store>(t: &TableVec<Element>): bool {
        length(t) == 0
    }

    /// Element `i`. Aborts with `EIndexOutOfBound` if `i >= length`.
    public fun borrow<Element: store>(t: &TableVec<Element>, i: u64): &Element {
        assert!(i < length(t), EIndexOutOfBound);
        table::borrow(&t.contents, i)
    }

    /// Append `e`.
    public fun push_back<Element: store>(t: &mut TableVec<Element>, e: Element) {
        let n = length(t);
        table::add(&mut t.contents, n, e);
    }

    /// Element `i`, mutably. Aborts with `EIndexOutOfBound` if `i >= length`.
    public fun borrow_mut<Element: store>(t: &mut TableVec<Element>, i: u64): &mut Element {
        assert!(i < length(t), EIndexOutOfBound);
        table::borrow_mut(&mut t.contents, i)
    }

    /// Remove and return the last element. Aborts with `EIndexOutOfBound` if
    /// the vector is empty.
    public fun pop_back<Element: store>(t: &mut TableVec<Element>): Element {
        let n = length(t);
        assert!(n > 0, EIndexOutOfBound);
        table::remove(&mut t.contents, n - 1)
    }

    /// Destroy an empty vector. Aborts with `ETableNonEmpty` otherwise.
    public fun destroy_empty<Element: store>(t: TableVec<Element>) {
        assert!(length(&t) == 0, ETableNonEmpty);
        let TableVec { contents } = t;
        table::destroy_empty(contents);
    }

    /// Destroy a vector whose elements can be dropped, with its elements.
    public fun drop<Element: drop + store>(t: TableVec<Element>) {
        let TableVec { contents } = t;
        table::drop(contents)
    }

    /// Exchange elements `i` and `j`. Aborts with `EIndexOutOfBound` if either
    /// is not below the length.
    public fun swap<Element: store>(t: &mut TableVec<Element>, i: u64, j: u64) {
        let n = length(t);
        assert!(i < n && j < n, EIndexOutOfBound);
        if (i == j) { return };
        let ei = table::remove(&mut t.contents, i);
        let ej = table::remove(&mut t.contents, j);
        table::add(&mut t.contents, i, ej);
        table::add(&mut t.contents, j, ei);
    }

    /// Remove element `i`, moving the last element into its place; O(1) but
    /// does not keep the order. Aborts with `EIndexOutOfBound` if `i >= length`.
    public fun swap_remove<Element: store>(t: &mut TableVec<Element>, i: u64): Element {
        let n = length(t);
        assert!(i < n, EIndexOutOfBound);
        swap(t, i, n - 1);
        pop_back(t)
    }
}
