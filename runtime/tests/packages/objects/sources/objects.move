/// Objects for the runtime's integration tests: one function per object
/// behaviour the adapter must get right (create, share, freeze, transfer,
/// delete, wrap and unwrap, dynamic fields and dynamic object fields, send
/// to an object and receive, events), plus a few that fail on purpose
/// (abort, infinite loop, hot potato), and a few that push a limit (object
/// size, events per transaction and event size, call depth, operand stack,
/// child objects loaded, gas units).
module objects::objects {
    use std::option::{Self, Option};
    use std::vector;
    use movid::coin::{Self, Coin};
    use movid::dynamic_field as field;
    use movid::dynamic_object_field as ofield;
    use movid::event;
    use movid::sui::SUI;
    use movid::object::{Self, ID, UID};
    use movid::transfer::{Self, Receiving};
    use movid::tx_context::{Self, TxContext};
    use movid::types;

    /// A value was not what the caller asserted.
    const EWrongValue: u64 = 1;
    /// Raised by `fail`, always.
    const EAlwaysFails: u64 = 2;
    /// A field's presence was not what the caller asserted.
    const EWrongPresence: u64 = 3;
    /// `init` was given something that is not the one-time witness.
    const ENotOneTimeWitness: u64 = 4;
    /// `take_from_holder` found the holder empty.
    const EHolderEmpty: u64 = 5;

    /// The one-time witness.
    struct OBJECTS has drop {}

    /// Shared by `init`, so a test can see that `init` ran exactly once.
    struct Registry has key {
        id: UID,
        publisher: address,
    }

    /// A plain object with a value.
    struct Thing has key, store {
        id: UID,
        value: u64,
    }

    /// An object without `store`: only this module may move it.
    struct Locked has key {
        id: UID,
        value: u64,
    }

    /// An object wrapping a `Thing`.
    struct Wrapper has key {
        id: UID,
        inner: Thing,
    }

    /// An object that may hold a `Thing`.
    struct Holder has key, store {
        id: UID,
        inner: Option<Thing>,
    }

    /// A hot potato: no abilities, so it must be consumed where it is made.
    struct Potato {
        value: u64,
    }

    /// An object that grows on demand, to reach the object size limit.
    struct Blob has key {
        id: UID,
        chunks: vector<vector<u8>>,
    }

    /// Emitted by `emit_many`, once per call.
    struct Ping has copy, drop {
        n: u64,
    }

    /// Emitted by `emit_sized`: as large as the caller makes it.
    struct Payload has copy, drop {
        chunks: vector<vector<u8>>,
    }

    /// Emitted by `init`.
    struct Published has copy, drop {
        registry: ID,
    }

    /// Emitted by `bump_and_emit`.
    struct Bumped has copy, drop {
        id: ID,
        value: u64,
        by: address,
    }

    fun init(witness: OBJECTS, ctx: &mut TxContext) {
        assert!(types::is_one_time_witness(&witness), ENotOneTimeWitness);
        let registry = Registry { id: object::new(ctx), publisher: tx_context::sender(ctx) };
        event::emit(Published { registry: object::id(&registry) });
        transfer::share_object(registry);
    }

    // === Create, mutate, transfer, share, freeze, delete ===

    public fun new(value: u64, ctx: &mut TxContext): Thing {
        Thing { id: object::new(ctx), value }
    }

    public entry fun create(value: u64, ctx: &mut TxContext) {
        transfer::transfer(new(value, ctx), tx_context::sender(ctx))
    }

    public entry fun create_shared(value: u64, ctx: &mut TxContext) {
        transfer::share_object(new(value, ctx))
    }

    public entry fun create_frozen(value: u64, ctx: &mut TxContext) {
        transfer::freeze_object(new(value, ctx))
    }

    public entry fun create_locked(value: u64, ctx: &mut TxContext) {
        transfer::transfer(Locked { id: object::new(ctx), value }, tx_context::sender(ctx))
    }

    public fun value(t: &Thing): u64 {
        t.value
    }

    public entry fun set_value(t: &mut Thing, value: u64) {
        t.value = value
    }

    public entry fun assert_value(t: &Thing, value: u64) {
        assert!(t.value == value, EWrongValue)
    }

    public entry fun transfer_thing(t: Thing, recipient: address) {
        transfer::transfer(t, recipient)
    }

    public entry fun share(t: Thing) {
        transfer::share_object(t)
    }

    public entry fun freeze_thing(t: Thing) {
        transfer::freeze_object(t)
    }

    public entry fun delete(t: Thing) {
        let Thing { id, value: _ } = t;
        object::delete(id)
    }

    // === Wrap and unwrap ===

    public entry fun wrap(t: Thing, ctx: &mut TxContext) {
        transfer::transfer(Wrapper { id: object::new(ctx), inner: t }, tx_context::sender(ctx))
    }

    public entry fun unwrap(w: Wrapper, ctx: &mut TxContext) {
        let Wrapper { id, inner } = w;
        object::delete(id);
        transfer::transfer(inner, tx_context::sender(ctx))
    }

    public entry fun unwrap_and_delete(w: Wrapper) {
        let Wrapper { id, inner } = w;
        object::delete(id);
        delete(inner)
    }

    public entry fun create_holder(ctx: &mut TxContext) {
        transfer::transfer(Holder { id: object::new(ctx), inner: option::none() }, tx_context::sender(ctx))
    }

    public entry fun put_in_holder(h: &mut Holder, t: Thing) {
        option::fill(&mut h.inner, t)
    }

    public entry fun take_from_holder(h: &mut Holder, ctx: &mut TxContext) {
        assert!(option::is_some(&h.inner), EHolderEmpty);
        transfer::transfer(option::extract(&mut h.inner), tx_context::sender(ctx))
    }

    // === Dynamic fields (u64 name -> u64 value) ===

    public entry fun add_field(t: &mut Thing, name: u64, value: u64) {
        field::add(&mut t.id, name, value)
    }

    public entry fun assert_field(t: &Thing, name: u64, value: u64) {
        assert!(*field::borrow<u64, u64>(&t.id, name) == value, EWrongValue)
    }

    public entry fun bump_field(t: &mut Thing, name: u64) {
        let v = field::borrow_mut<u64, u64>(&mut t.id, name);
        *v = *v + 1
    }

    public entry fun remove_field(t: &mut Thing, name: u64) {
        let _: u64 = field::remove<u64, u64>(&mut t.id, name);
    }

    /// Adds and removes a field in one transaction: the field never reaches the store.
    public entry fun add_and_remove_field(t: &mut Thing, name: u64) {
        field::add(&mut t.id, name, 0u64);
        let _: u64 = field::remove<u64, u64>(&mut t.id, name);
    }

    public entry fun assert_field_exists(t: &Thing, name: u64, expected: bool) {
        assert!(field::exists_<u64>(&t.id, name) == expected, EWrongPresence)
    }

    /// Stores `inner` as the value of a plain dynamic field named by a `vector<u8>`:
    /// `inner` is then wrapped inside the field object.
    public entry fun stash(t: &mut Thing, name: vector<u8>, inner: Thing) {
        field::add(&mut t.id, name, inner)
    }

    public entry fun unstash(t: &mut Thing, name: vector<u8>, ctx: &mut TxContext) {
        let inner: Thing = field::remove(&mut t.id, name);
        transfer::transfer(inner, tx_context::sender(ctx))
    }

    // === Dynamic object fields (u64 name -> Thing) ===

    public entry fun add_child(parent: &mut Thing, name: u64, child: Thing) {
        ofield::add(&mut parent.id, name, child)
    }

    public entry fun bump_child(parent: &mut Thing, name: u64) {
        let c = ofield::borrow_mut<u64, Thing>(&mut parent.id, name);
        c.value = c.value + 1
    }

    public entry fun assert_child(parent: &Thing, name: u64, value: u64) {
        assert!(ofield::borrow<u64, Thing>(&parent.id, name).value == value, EWrongValue)
    }

    public entry fun assert_child_exists(parent: &Thing, name: u64, expected: bool) {
        assert!(ofield::exists_with_type<u64, Thing>(&parent.id, name) == expected, EWrongPresence)
    }

    public entry fun remove_child(parent: &mut Thing, name: u64, ctx: &mut TxContext) {
        let c: Thing = ofield::remove(&mut parent.id, name);
        transfer::transfer(c, tx_context::sender(ctx))
    }

    public entry fun delete_child(parent: &mut Thing, name: u64) {
        delete(ofield::remove(&mut parent.id, name))
    }

    /// Takes the child `name` out and attaches it again under the same name.
    public entry fun reattach_child(parent: &mut Thing, name: u64) {
        let c: Thing = ofield::remove(&mut parent.id, name);
        c.value = c.value + 1;
        ofield::add(&mut parent.id, name, c)
    }

    /// Moves the child `name` of `from` to `to`, in one transaction.
    public entry fun move_child(from: &mut Thing, to: &mut Thing, name: u64) {
        let c: Thing = ofield::remove(&mut from.id, name);
        ofield::add(&mut to.id, name, c)
    }

    /// Attaches `grandchild` to the child `name` of `parent`.
    public entry fun add_grandchild(parent: &mut Thing, name: u64, grandname: u64, grandchild: Thing) {
        let c = ofield::borrow_mut<u64, Thing>(&mut parent.id, name);
        ofield::add(&mut c.id, grandname, grandchild)
    }

    public entry fun bump_grandchild(parent: &mut Thing, name: u64, grandname: u64) {
        let c = ofield::borrow_mut<u64, Thing>(&mut parent.id, name);
        let g = ofield::borrow_mut<u64, Thing>(&mut c.id, grandname);
        g.value = g.value + 1
    }

    public entry fun assert_grandchild(parent: &Thing, name: u64, grandname: u64, value: u64) {
        let c = ofield::borrow<u64, Thing>(&parent.id, name);
        assert!(ofield::borrow<u64, Thing>(&c.id, grandname).value == value, EWrongValue)
    }

    // === Send to an object, receive ===

    public entry fun receive_thing(parent: &mut Thing, ticket: Receiving<Thing>, ctx: &mut TxContext) {
        let t = transfer::receive(&mut parent.id, ticket);
        transfer::transfer(t, tx_context::sender(ctx))
    }

    public entry fun receive_as_child(parent: &mut Thing, ticket: Receiving<Thing>, name: u64) {
        let t = transfer::receive(&mut parent.id, ticket);
        ofield::add(&mut parent.id, name, t)
    }

    // === Events ===

    public entry fun bump_and_emit(t: &mut Thing, ctx: &mut TxContext) {
        t.value = t.value + 1;
        event::emit(Bumped { id: object::id(t), value: t.value, by: tx_context::sender(ctx) })
    }

    // === Chaining results ===

    /// Doubles the value and also returns the old one.
    public fun double(t: Thing): (Thing, u64) {
        let old = t.value;
        t.value = old * 2;
        (t, old)
    }

    public fun absorb(t: Thing, extra: u64): Thing {
        t.value = t.value + extra;
        t
    }

    // === Coins ===

    /// Moves `amount` from one coin to another.
    public entry fun shift(from: &mut Coin<SUI>, to: &mut Coin<SUI>, amount: u64, ctx: &mut TxContext) {
        coin::join(to, coin::split(from, amount, ctx))
    }

    /// Splits the whole balance off `c` and sends it to `recipient`, leaving `c` empty.
    public entry fun drain(c: &mut Coin<SUI>, recipient: address, ctx: &mut TxContext) {
        let all = coin::value(c);
        transfer::public_transfer(coin::split(c, all, ctx), recipient)
    }

    // === Limits ===

    /// Creates an empty `Blob` owned by the sender.
    public entry fun create_blob(ctx: &mut TxContext) {
        transfer::transfer(Blob { id: object::new(ctx), chunks: vector[] }, tx_context::sender(ctx))
    }

    /// Appends `times` copies of `chunk` to `b`: a large object from a small transaction.
    public entry fun grow_blob(b: &mut Blob, chunk: vector<u8>, times: u64) {
        let i = 0;
        while (i < times) {
            vector::push_back(&mut b.chunks, copy chunk);
            i = i + 1;
        }
    }

    /// Emits `n` `Ping` events.
    public entry fun emit_many(n: u64) {
        let i = 0;
        while (i < n) {
            event::emit(Ping { n: i });
            i = i + 1;
        }
    }

    /// Emits one `Payload` of `times` copies of `chunk` followed by `tail`.
    public entry fun emit_sized(chunk: vector<u8>, times: u64, tail: vector<u8>) {
        let chunks = vector[];
        let i = 0;
        while (i < times) {
            vector::push_back(&mut chunks, copy chunk);
            i = i + 1;
        };
        vector::push_back(&mut chunks, tail);
        event::emit(Payload { chunks })
    }

    /// Adds the dynamic fields `from..to` (name and value `i`) to `t`.
    public entry fun add_fields(t: &mut Thing, from: u64, to: u64) {
        let i = from;
        while (i < to) {
            field::add(&mut t.id, i, i);
            i = i + 1;
        }
    }

    /// Reads the dynamic fields `0..n` of `t`: `n` child objects loaded.
    public entry fun read_fields(t: &Thing, n: u64) {
        let i = 0;
        while (i < n) {
            assert!(*field::borrow<u64, u64>(&t.id, i) == i, EWrongValue);
            i = i + 1;
        }
    }

    /// Copies `chunk` `times` times: gas in proportion to `times * length(chunk)`.
    public entry fun burn(chunk: vector<u8>, times: u64) {
        let i = 0;
        while (i < times) {
            let copied = copy chunk;
            vector::pop_back(&mut copied);
            i = i + 1;
        }
    }

    /// Nests `depth` calls of a private function below this one.
    public entry fun recurse(depth: u64) {
        descend(depth)
    }

    fun descend(depth: u64) {
        if (depth > 0) descend(depth - 1)
    }

    /// Nests `depth` calls, each leaving two operands on the operand stack until its callee
    /// returns.
    public entry fun pile(depth: u64) {
        pile_up(depth);
    }

    fun pile_up(depth: u64): u64 {
        if (depth == 0) 0 else 1 + (2 + pile_up(depth - 1))
    }

    // === Failing on purpose ===

    public entry fun fail() {
        abort EAlwaysFails
    }

    public entry fun spin() {
        loop {}
    }

    public fun make_potato(value: u64): Potato {
        Potato { value }
    }

    public fun eat_potato(p: Potato): u64 {
        let Potato { value } = p;
        value
    }
}
