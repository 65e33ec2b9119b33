//! The versions of a DID document, read from an identity's object history.
//!
//! An `Identity` object takes a new object version with every transaction
//! that writes it: a document update, but also a proposal opened, a vote,
//! a controller change. A DID document version is therefore not an object
//! version: the identity package numbers the document itself (`doc_version`:
//! [`FIRST_DOC_VERSION`] as created, one more with every change of the
//! document; writing the same bytes again is no change) and moves `updated`
//! with it. That number is the document's `versionId`, so the latest version
//! and its metadata can be read from the live object alone
//! ([`DidHistory::single`]); only an older version needs the object history
//! ([`DidHistory::new`] keeps, out of the object versions oldest first, the
//! first one of every `doc_version`).

use super::ResolutionError;
use crate::did::ErrorKind;

/// The DID fields of one version of an `Identity` object, as read from the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityState {
    /// The packed document (see [`super::pack`]); empty when deactivated,
    /// `None` when deleted or never set.
    pub did_doc: Option<Vec<u8>>,
    /// Whether the document was deleted (for good).
    pub deleted_did: bool,
    /// Creation time, Clock milliseconds.
    pub created_ms: u64,
    /// Last document update time, Clock milliseconds.
    pub updated_ms: u64,
    /// The document's version number (see [`FIRST_DOC_VERSION`]).
    pub doc_version: u64,
    /// The identity object's version.
    pub version: u64,
}

/// The `doc_version` of the document (or absence of one) an identity is
/// created with; the identity package adds one with every document change.
pub const FIRST_DOC_VERSION: u64 = 1;

/// What an identity stored as its DID document in one version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredDocument {
    /// Packed document bytes.
    Live(Vec<u8>),
    /// Empty bytes: the DID was deactivated.
    Deactivated,
    /// The document was deleted for good.
    Deleted,
    /// The identity was created without a document and none was set yet.
    Absent,
}

/// One version of a DID document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DidVersion {
    /// The document's version number (`doc_version`): its `versionId`.
    pub version_id: u64,
    /// When it was written (Clock milliseconds).
    pub time_ms: u64,
    /// What was written.
    pub document: StoredDocument,
}

/// Every version of a DID document, oldest first (never empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DidHistory {
    created_ms: u64,
    versions: Vec<DidVersion>,
}

impl StoredDocument {
    fn of(state: &IdentityState) -> StoredDocument {
        match (&state.did_doc, state.deleted_did) {
            (Some(bytes), _) if bytes.is_empty() => StoredDocument::Deactivated,
            (Some(bytes), _) => StoredDocument::Live(bytes.clone()),
            (None, true) => StoredDocument::Deleted,
            (None, false) => StoredDocument::Absent,
        }
    }
}

impl DidHistory {
    /// The history of an identity from its object versions, in any order;
    /// `None` if there are none.
    pub fn new(mut states: Vec<IdentityState>) -> Option<DidHistory> {
        states.sort_by_key(|s| s.version);
        let created_ms = states.first()?.created_ms;
        let mut versions: Vec<DidVersion> = Vec::new();
        for state in &states {
            // The package counts the changes; an object version with the
            // number of the one before it wrote no document.
            if versions.last().map(|v| v.version_id) == Some(state.doc_version) {
                continue;
            }
            versions.push(DidVersion {
                version_id: state.doc_version,
                time_ms: state.updated_ms,
                document: StoredDocument::of(state),
            });
        }
        Some(DidHistory {
            created_ms,
            versions,
        })
    }

    /// A history of one version: the identity as read now, enough to
    /// resolve the latest document with its exact metadata (`doc_version`
    /// and `updated` are those of the last change). Selecting an older
    /// version needs [`DidHistory::new`].
    pub fn single(state: &IdentityState) -> DidHistory {
        DidHistory::new(vec![state.clone()]).expect("one state")
    }

    /// When the identity was created (Clock milliseconds).
    pub fn created_ms(&self) -> u64 {
        self.created_ms
    }

    /// The versions, oldest first.
    pub fn versions(&self) -> &[DidVersion] {
        &self.versions
    }

    /// The index of the version with `version_id`, the version current at
    /// `version_time` (an XML datetime), or the latest one.
    ///
    /// A version written at 12:00:00.400 is current at `12:00:00Z`: times
    /// are compared in whole seconds, as `updated` is written, so that
    /// resolving at a version's `updated` time returns that version.
    pub fn select(
        &self,
        version_id: Option<&str>,
        version_time: Option<&str>,
    ) -> Result<usize, ResolutionError> {
        match (version_id, version_time) {
            (Some(_), Some(_)) => Err(ResolutionError::new(
                ErrorKind::InvalidOptions,
                "versionId and versionTime exclude each other; give one",
            )),
            (Some(id), None) => {
                let wanted: Option<u64> = id.parse().ok().filter(|_| !id.starts_with('+'));
                self.versions
                    .iter()
                    .position(|v| Some(v.version_id) == wanted)
                    .ok_or_else(|| {
                        ResolutionError::new(
                            ErrorKind::NotFound,
                            format!(
                                "the document has no version `{id}`; its versions are {}",
                                self.version_list()
                            ),
                        )
                    })
            }
            (None, Some(time)) => {
                let secs = parse_datetime(time).ok_or_else(|| {
                    ResolutionError::new(
                        ErrorKind::InvalidOptions,
                        format!("versionTime `{time}` is not an XML datetime such as 2024-01-31T12:00:00Z"),
                    )
                })?;
                self.versions
                    .iter()
                    .rposition(|v| i128::from(v.time_ms / 1000) <= secs)
                    .ok_or_else(|| {
                        ResolutionError::new(
                            ErrorKind::NotFound,
                            format!(
                                "the DID did not exist at {time}; it was created at {}",
                                format_timestamp_ms(self.created_ms)
                            ),
                        )
                    })
            }
            (None, None) => Ok(self.versions.len() - 1),
        }
    }

    fn version_list(&self) -> String {
        self.versions
            .iter()
            .map(|v| v.version_id.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Formats Clock milliseconds as an RFC 3339 / XML Schema datetime in UTC
/// without sub-second precision, as DID Resolution asks for `created` and
/// `updated`: `2024-01-31T12:00:00Z`.
pub fn format_timestamp_ms(ms: u64) -> String {
    let secs = ms / 1000;
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Reads an XML Schema datetime (`YYYY-MM-DDThh:mm:ss[.fff](Z|±hh:mm)`) as
/// seconds since 1970-01-01T00:00:00Z (sub-seconds dropped). A datetime
/// without a zone is read as UTC.
pub fn parse_datetime(s: &str) -> Option<i128> {
    let b = s.as_bytes();
    let digits = |from: usize, len: usize| -> Option<i128> {
        let part = s.get(from..from + len)?;
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    if b.len() < 19
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let (year, month, day) = (digits(0, 4)?, digits(5, 2)?, digits(8, 2)?);
    let (hour, minute, second) = (digits(11, 2)?, digits(14, 2)?, digits(17, 2)?);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => return None,
    };
    if day < 1 || day > days_in_month || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        rest = &frac[n..];
    }
    let offset = match rest {
        "" | "Z" => 0,
        zone if zone.len() == 6
            && zone.is_ascii()
            && (zone.starts_with('+') || zone.starts_with('-')) =>
        {
            let (h, m) = (&zone[1..3], &zone[4..6]);
            if zone.as_bytes()[3] != b':'
                || !(h.bytes().chain(m.bytes())).all(|c| c.is_ascii_digit())
            {
                return None;
            }
            let (h, m): (i128, i128) = (h.parse().ok()?, m.parse().ok()?);
            if h > 14 || m > 59 {
                return None;
            }
            let minutes = h * 60 + m;
            if zone.starts_with('-') {
                -minutes * 60
            } else {
                minutes * 60
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    Some(days * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

/// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's
/// `civil_from_days`, for non-negative days).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i128, month: i128, day: i128) -> i128 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(
        version: u64,
        doc_version: u64,
        updated_ms: u64,
        did_doc: Option<&[u8]>,
        deleted: bool,
    ) -> IdentityState {
        IdentityState {
            did_doc: did_doc.map(<[u8]>::to_vec),
            deleted_did: deleted,
            created_ms: 1_000,
            updated_ms,
            doc_version,
            version,
        }
    }

    #[test]
    fn object_versions_that_keep_the_document_are_not_document_versions() {
        let history = DidHistory::new(vec![
            state(7, 2, 5_000, Some(b"b"), false),
            state(3, 1, 1_000, Some(b"a"), false),
            // A proposal opened: the object moved, the document did not.
            state(4, 1, 1_000, Some(b"a"), false),
            state(5, 2, 5_000, Some(b"b"), false),
            state(9, 3, 9_000, Some(b""), false),
            state(11, 4, 12_000, None, true),
        ])
        .unwrap();
        let ids: Vec<u64> = history.versions().iter().map(|v| v.version_id).collect();
        assert_eq!(ids, [1, 2, 3, 4]);
        let times: Vec<u64> = history.versions().iter().map(|v| v.time_ms).collect();
        assert_eq!(times, [1_000, 5_000, 9_000, 12_000]);
        assert_eq!(history.versions()[2].document, StoredDocument::Deactivated);
        assert_eq!(history.versions()[3].document, StoredDocument::Deleted);
        assert_eq!(history.created_ms(), 1_000);
        assert!(DidHistory::new(vec![]).is_none());
    }

    #[test]
    fn versions_are_selected_by_id_or_time() {
        let history = DidHistory::new(vec![
            state(3, 1, 1_000, Some(b"a"), false),
            state(5, 2, 60_400, Some(b"b"), false),
        ])
        .unwrap();
        assert_eq!(history.select(None, None), Ok(1));
        assert_eq!(history.select(Some("1"), None), Ok(0));
        assert_eq!(history.select(Some("2"), None), Ok(1));
        // Object versions are not document versions.
        assert_eq!(
            history.select(Some("3"), None).unwrap_err().kind,
            ErrorKind::NotFound
        );
        assert_eq!(
            history.select(Some("+1"), None).unwrap_err().kind,
            ErrorKind::NotFound
        );
        assert_eq!(history.select(None, Some("1970-01-01T00:00:59Z")), Ok(0));
        // The second version's `updated` is 00:01:00Z although it was written at .400.
        assert_eq!(
            history.select(None, Some(&format_timestamp_ms(60_400))),
            Ok(1)
        );
        assert_eq!(
            history.select(None, Some("1970-01-01T00:01:00.999Z")),
            Ok(1)
        );
        assert_eq!(
            history.select(None, Some("1970-01-01T01:00:59+01:00")),
            Ok(0)
        );
        assert_eq!(
            history.select(None, Some("1970-01-01T01:01:00.5+01:00")),
            Ok(1)
        );
        assert_eq!(
            history
                .select(None, Some("1969-12-31T23:59:59Z"))
                .unwrap_err()
                .kind,
            ErrorKind::NotFound
        );
        assert_eq!(
            history.select(None, Some("yesterday")).unwrap_err().kind,
            ErrorKind::InvalidOptions
        );
        assert_eq!(
            history
                .select(Some("1"), Some("1970-01-01T00:00:59Z"))
                .unwrap_err()
                .kind,
            ErrorKind::InvalidOptions
        );
    }

    #[test]
    fn datetimes_round_trip_and_bad_ones_are_refused() {
        for ms in [0, 951_782_400_000, 1_709_210_096_000, 253_402_300_799_000] {
            let s = format_timestamp_ms(ms);
            assert_eq!(parse_datetime(&s), Some(i128::from(ms / 1000)), "{s}");
        }
        assert_eq!(format_timestamp_ms(999), "1970-01-01T00:00:00Z");
        assert_eq!(
            format_timestamp_ms(4_102_444_799_000),
            "2099-12-31T23:59:59Z"
        );
        assert_eq!(parse_datetime("1970-01-01T00:00:00"), Some(0));
        for bad in [
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-01-01T24:00:00Z",
            "2024-01-01 00:00:00Z",
            "2024-01-01T00:00:00.Z",
            "2024-01-01T00:00:00+0100",
            "2024-01-01T00:00:00Zjunk",
            "+024-01-01T00:00:00Z",
        ] {
            assert_eq!(parse_datetime(bad), None, "{bad}");
        }
    }
}
