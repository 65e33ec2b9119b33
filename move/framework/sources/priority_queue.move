/// A priority queue as a binary max-heap in a vector: `pop_max` returns an
/// entry of the highest priority. Entries of equal priority come out in no
/// particular order.
module sui::priority_queue {
    use std::vector;

    /// `pop_max` was called on an empty queue.
    const EPopFromEmptyHeap: u64 = 0;
    /// `create_entries` was given vectors of different lengths.
    const ELengthMismatch: u64 = 0;

    /// The heap: the children of `entries[i]` are at `2i + 1` and `2i + 2`,
    /// and no child has a higher priority than its parent.
    struct PriorityQueue<T: drop> has store, drop {
        entries: vector<Entry<T>>,
    }

    /// A value with its priority; a higher number is popped first.
    struct Entry<T: drop> has store, drop {
        priority: u64,
        value: T,
    }

    /// A queue holding `entries`, in any order.
    public fun new<T: drop>(entries: vector<Entry<T>>): PriorityQueue<T> {
        let n = vector::length(&entries);
        // Sift down every parent, last first: O(n) heap construction.
        let i = n / 2;
        while (i > 0) {
            i = i - 1;
            sift_down(&mut entries, n, i);
        };
        PriorityQueue { entries }
    }

    /// Remove an entry of the highest priority; returns its priority and
    /// value. Aborts with `EPopFromEmptyHeap` if the queue is empty.
    public fun pop_max<T: drop>(pq: &mut PriorityQueue<T>): (u64, T) {
        let n = vector::length(&pq.entries);
        assert!(n > 0, EPopFromEmptyHeap);
        let Entry { priority, value } = vector::swap_remove(&mut pq.entries, 0);
        sift_down(&mut pq.entries, n - 1, 0);
        (priority, value)
    }

    /// Add `value` with `priority`.
    public fun insert<T: drop>(pq: &mut PriorityQueue<T>, priority: u64, value: T) {
        vector::push_back(&mut pq.entries, Entry { priority, value });
        let i = vector::length(&pq.entries) - 1;
        // Sift up: swap with the parent while the parent has a lower priority.
        while (i > 0) {
            let parent = (i - 1) / 2;
            if (priority_at(&pq.entries, i) <= priority_at(&pq.entries, parent)) { break };
            vector::swap(&mut pq.entries, i, parent);
            i = parent;
        };
    }

    /// An entry, for `new`.
    public fun new_entry<T: drop>(priority: u64, value: T): Entry<T> {
        Entry { priority, value }
    }

    /// Entries pairing `p[i]` with `v[i]`. Aborts if the lengths differ.
    public fun create_entries<T: drop>(p: vector<u64>, v: vector<T>): vector<Entry<T>> {
        let n = vector::length(&p);
        assert!(vector::length(&v) == n, ELengthMismatch);
        vector::reverse(&mut p);
        vector::reverse(&mut v);
        let out = vector::empty<Entry<T>>();
        while (!vector::is_empty(&p)) {
            let priority = vector::pop_back(&mut p);
            let value = vector::pop_back(&mut v);
            vector::push_back(&mut out, Entry { priority, value });
        };
        out
    }

    /// The priorities of the entries, in heap order.
    public fun priorities<T: drop>(pq: &PriorityQueue<T>): vector<u64> {
        let out = vector::empty<u64>();
        let i = 0;
        let n = vector::length(&pq.entries);
        while (i < n) {
            vector::push_back(&mut out, priority_at(&pq.entries, i));
            i = i + 1;
        };
        out
    }

    fun priority_at<T: drop>(entries: &vector<Entry<T>>, i: u64): u64 {
        vector::borrow(entries, i).priority
    }

    /// Restores the heap below `i` within the first `n` entries, assuming
    /// only `entries[i]` may be out of place.
    fun sift_down<T: drop>(entries: &mut vector<Entry<T>>, n: u64, i: u64) {
        loop {
            let largest = i;
            let left = 2 * i + 1;
            let right = left + 1;
            if (left < n && priority_at(entries, left) > priority_at(entries, largest)) { largest = left };
            if (right < n && priority_at(entries, right) > priority_at(entries, largest)) { largest = right };
            if (largest == i) { break };
            vector::swap(entries, i, largest);
            i = largest;
        }
    }
}
