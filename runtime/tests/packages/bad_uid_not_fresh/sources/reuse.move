/// Packs an object with the UID of another object.
module bad::reuse {
    use movid::object::{Self, UID};
    use movid::tx_context::TxContext;

    struct Ticket has key {
        id: UID,
    }

    struct Badge has key {
        id: UID,
    }

    public fun new_ticket(ctx: &mut TxContext): Ticket {
        Ticket { id: object::new(ctx) }
    }

    /// Turns a ticket into a badge that keeps the ticket's identity.
    public fun launder(ticket: Ticket): Badge {
        let Ticket { id } = ticket;
        Badge { id }
    }
}
