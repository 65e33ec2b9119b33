#[test_only]
module sui::priority_queue_tests {
    use sui::priority_queue::{Self, PriorityQueue};

    fun pop(pq: &mut PriorityQueue<u64>, priority: u64, value: u64) {
        let (p, v) = priority_queue::pop_max(pq);
        assert!(p == priority && v == value, p * 1000 + v);
    }

    #[test]
    fun entries_come_out_highest_priority_first() {
        let pq = priority_queue::new(priority_queue::create_entries(
            vector[3, 1, 4, 9, 5, 2, 6], vector[30, 10, 40, 90, 50, 20, 60],
        ));
        pop(&mut pq, 9, 90);
        pop(&mut pq, 6, 60);
        priority_queue::insert(&mut pq, 7, 70);
        priority_queue::insert(&mut pq, 0, 0);
        pop(&mut pq, 7, 70);
        pop(&mut pq, 5, 50);
        pop(&mut pq, 4, 40);
        pop(&mut pq, 3, 30);
        pop(&mut pq, 2, 20);
        pop(&mut pq, 1, 10);
        pop(&mut pq, 0, 0);
        assert!(priority_queue::priorities(&pq) == vector[], 0);
    }

    #[test]
    fun a_heap_built_from_sorted_entries_pops_in_order() {
        let entries = vector[];
        let i = 0;
        while (i < 20) {
            std::vector::push_back(&mut entries, priority_queue::new_entry(i, i));
            i = i + 1;
        };
        let pq = priority_queue::new(entries);
        // The root holds the maximum.
        assert!(*std::vector::borrow(&priority_queue::priorities(&pq), 0) == 19, 0);
        while (i > 0) {
            i = i - 1;
            pop(&mut pq, i, i);
        };
    }

    #[test]
    #[expected_failure(abort_code = priority_queue::EPopFromEmptyHeap)]
    fun popping_an_empty_queue_fails() {
        let pq = priority_queue::new<u64>(vector[]);
        let (_, _) = priority_queue::pop_max(&mut pq);
    }
}
