//! Cursor paging of owned objects, object histories and events.
//!
//! A [`Page`] holds at most `limit` items and the cursor to pass for the
//! next one (`None`: this was the last). Cursors name an item, not an
//! offset, so items added while a caller walks the pages do not shift what
//! it has already seen: owned objects are ordered by ID (cursor: the last
//! ID returned), versions by version number, events as the chain recorded
//! them (cursor: the last event's transaction and index).
//!
//! Paging is done by the SDK over the existing [`Client`] reads (the node's
//! JSON-RPC methods have no cursor parameter): each page fetches the whole
//! owned-object list or history and cuts it; events are fetched up to the
//! cursor and one page past it, in queries of at most
//! [`MAX_EVENTS_PER_QUERY`] (the node's cap), so a cursor beyond the first
//! that many matching events is refused ([`SdkError::InvalidArgument`])
//! rather than paged wrongly.

use movid_runtime::store::{EventFilter, EventRecord, ObjectVersion};
use movid_runtime::types::{Address, Digest, Object, ObjectID, SequenceNumber};
use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::error::{SdkError, SdkResult};

/// The most events one JSON-RPC `movid_queryEvents` answers with.
pub const MAX_EVENTS_PER_QUERY: usize = 1000;

/// One page of items and the cursor of the next page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T, C> {
    /// At most the limit asked for, in order.
    pub items: Vec<T>,
    /// Pass this for the next page; `None` when there is none.
    pub next_cursor: Option<C>,
}

impl<T, C> Page<T, C> {
    /// Whether another page follows.
    pub fn has_next_page(&self) -> bool {
        self.next_cursor.is_some()
    }
}

/// Where an events page stopped: the last event returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventCursor {
    /// Its transaction.
    pub transaction: Digest,
    /// Its index in that transaction.
    pub index: usize,
}

impl EventCursor {
    /// The cursor naming `record`.
    pub fn of(record: &EventRecord) -> EventCursor {
        EventCursor {
            transaction: record.transaction,
            index: record.index,
        }
    }
}

fn check_limit(limit: usize) -> SdkResult<()> {
    if limit == 0 {
        return Err(SdkError::InvalidArgument(
            "a page limit must be at least 1".into(),
        ));
    }
    Ok(())
}

/// The first `limit` of `sorted` after the cursor (`after` says whether an
/// item lies after it), and the next cursor.
fn cut<T, C>(
    sorted: Vec<T>,
    after: impl Fn(&T) -> bool,
    limit: usize,
    cursor_of: impl Fn(&T) -> C,
) -> Page<T, C> {
    let mut rest = sorted.into_iter().filter(|t| after(t)).peekable();
    let items: Vec<T> = rest.by_ref().take(limit).collect();
    let next_cursor = match (rest.peek(), items.last()) {
        (Some(_), Some(last)) => Some(cursor_of(last)),
        _ => None,
    };
    Page { items, next_cursor }
}

/// The objects `owner` owns, by ID, `limit` per page, after `cursor`.
pub async fn owned_objects_page(
    client: &(impl Client + ?Sized),
    owner: Address,
    cursor: Option<ObjectID>,
    limit: usize,
) -> SdkResult<Page<Object, ObjectID>> {
    check_limit(limit)?;
    let mut objects = client.owned_objects(owner).await?;
    objects.sort_by_key(Object::id);
    Ok(cut(
        objects,
        |o| cursor.is_none_or(|c| o.id() > c),
        limit,
        Object::id,
    ))
}

/// The versions object `id` had, oldest first, `limit` per page, after
/// version `cursor`.
pub async fn object_history_page(
    client: &(impl Client + ?Sized),
    id: ObjectID,
    cursor: Option<SequenceNumber>,
    limit: usize,
) -> SdkResult<Page<ObjectVersion, SequenceNumber>> {
    check_limit(limit)?;
    let mut history = client.object_history(id).await?;
    history.sort_by_key(|v| v.version);
    Ok(cut(
        history,
        |v| cursor.is_none_or(|c| v.version > c),
        limit,
        |v| v.version,
    ))
}

/// Events matching `filter`, oldest first, `limit` per page, after
/// `cursor`. A cursor that names no matching event is refused.
pub async fn events_page(
    client: &(impl Client + ?Sized),
    filter: EventFilter,
    cursor: Option<EventCursor>,
    limit: usize,
) -> SdkResult<Page<EventRecord, EventCursor>> {
    check_limit(limit)?;
    // Fetch one event past the page to know whether another page follows.
    let mut want = limit.saturating_add(1);
    loop {
        let asked = want.min(MAX_EVENTS_PER_QUERY);
        let events = client.events(filter.clone(), asked).await?;
        let complete = events.len() < asked;
        let start = match cursor {
            None => Some(0),
            Some(c) => events
                .iter()
                .position(|e| EventCursor::of(e) == c)
                .map(|i| i + 1),
        };
        match start {
            Some(start) if complete || events.len() > start + limit => {
                let rest: Vec<EventRecord> = events.into_iter().skip(start).collect();
                return Ok(cut(rest, |_| true, limit, EventCursor::of));
            }
            None if complete => {
                return Err(SdkError::InvalidArgument(format!(
                    "the event cursor {cursor:?} names no event matching the filter"
                )))
            }
            _ if asked == MAX_EVENTS_PER_QUERY => {
                return Err(SdkError::InvalidArgument(format!(
                    "the page ends beyond the first {MAX_EVENTS_PER_QUERY} matching events, \
                     which the node's event query cannot reach; narrow the filter"
                )))
            }
            // Not far enough yet: the cursor, or the page after it, lies further on.
            Some(start) => want = start.saturating_add(limit).saturating_add(1).max(want * 2),
            None => want = want.saturating_mul(2),
        }
    }
}
