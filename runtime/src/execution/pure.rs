//! Validation of pure arguments by the full rules of their type (docs/DESIGN.md §5, "Pure
//! arguments").
//!
//! A pure input is bytes from the sender. Matching the type's BCS layout is not enough: a
//! Move `Option` is a vector that its module keeps at one element at most, and the string
//! modules keep their bytes UTF-8 or ASCII. Move code relies on those invariants (an
//! `option::borrow` of a two-element Option, a `string::bytes` that is not UTF-8) and so do
//! readers of the objects the values end up in, so a value that Move code could never have
//! built must never reach it. The rules apply at any depth: inside an `Option`, a vector, a
//! vector of vectors.

use move_core_types::account_address::AccountAddress;
use move_core_types::language_storage::{StructTag, TypeTag};

use crate::types::{ObjectID, PureViolation, WellKnown};

/// BCS's longest sequence (`bcs::MAX_SEQUENCE_LENGTH`).
const MAX_SEQUENCE_LENGTH: u64 = (1 << 31) - 1;

/// The struct types a pure value may have, besides `Option<T>` of a pure type.
#[derive(Clone, Copy, PartialEq, Eq)]
enum PureStruct {
    Utf8String,
    AsciiString,
    Id,
    Option,
}

fn pure_struct(s: &StructTag) -> Option<PureStruct> {
    let at = |addr: ObjectID, module: &str, name: &str| {
        s.address == crate::seam::to_vm_address(addr)
            && s.module.as_str() == module
            && s.name.as_str() == name
    };
    let arity = s.type_params.len();
    if at(ObjectID::STD, "string", "String") && arity == 0 {
        Some(PureStruct::Utf8String)
    } else if at(ObjectID::STD, "ascii", "String") && arity == 0 {
        Some(PureStruct::AsciiString)
    } else if at(ObjectID::FRAMEWORK, "object", "ID") && arity == 0 {
        Some(PureStruct::Id)
    } else if at(ObjectID::STD, "option", "Option") && arity == 1 {
        Some(PureStruct::Option)
    } else {
        None
    }
}

/// Whether a value of `tag` may be given as a pure input: primitives, `address`, strings,
/// IDs, and vectors and Options of them.
pub(super) fn type_allowed(tag: &TypeTag) -> bool {
    match tag {
        TypeTag::Bool | TypeTag::U8 | TypeTag::U64 | TypeTag::U128 | TypeTag::Address => true,
        TypeTag::Vector(t) => type_allowed(t),
        TypeTag::Struct(s) => match pure_struct(s) {
            Some(PureStruct::Option) => type_allowed(&s.type_params[0]),
            Some(_) => true,
            None => false,
        },
        TypeTag::Signer => false,
    }
}

/// Checks that `bytes` are exactly one valid value of `tag`.
pub(super) fn validate(tag: &TypeTag, bytes: &[u8]) -> Result<(), PureViolation> {
    if !type_allowed(tag) {
        return Err(PureViolation::TypeNotAllowed);
    }
    let mut r = Reader { bytes, pos: 0 };
    value(tag, &mut r)?;
    match bytes.len() - r.pos {
        0 => Ok(()),
        n => Err(malformed(format!("{n} bytes after the value"))),
    }
}

fn malformed(reason: impl Into<String>) -> PureViolation {
    PureViolation::Malformed(reason.into())
}

/// Walks one value of `tag`, checking its invariants on the way.
fn value(tag: &TypeTag, r: &mut Reader<'_>) -> Result<(), PureViolation> {
    match tag {
        TypeTag::Bool => match r.take(1)?[0] {
            0 | 1 => Ok(()),
            b => Err(malformed(format!("a bool is 0 or 1, not {b}"))),
        },
        TypeTag::U8 => r.take(1).map(drop),
        TypeTag::U64 => r.take(8).map(drop),
        TypeTag::U128 => r.take(16).map(drop),
        TypeTag::Address => r.take(AccountAddress::LENGTH).map(drop),
        TypeTag::Vector(inner) if **inner == TypeTag::U8 => {
            let n = r.length()?;
            r.take(n).map(drop)
        }
        TypeTag::Vector(inner) => {
            // Every element takes at least one byte, so a length beyond what is left fails
            // at the first missing element rather than looping.
            for _ in 0..r.length()? {
                value(inner, r)?;
            }
            Ok(())
        }
        TypeTag::Struct(s) => match pure_struct(s) {
            Some(PureStruct::Utf8String) => {
                let n = r.length()?;
                std::str::from_utf8(r.take(n)?)
                    .map(drop)
                    .map_err(|_| PureViolation::InvalidUtf8)
            }
            Some(PureStruct::AsciiString) => {
                let n = r.length()?;
                match r.take(n)?.iter().find(|b| !b.is_ascii()) {
                    Some(&byte) => Err(PureViolation::NotAscii { byte }),
                    None => Ok(()),
                }
            }
            Some(PureStruct::Id) => r.take(ObjectID::LENGTH).map(drop),
            Some(PureStruct::Option) => match r.length()? {
                0 => Ok(()),
                1 => value(&s.type_params[0], r),
                len => Err(PureViolation::OptionTooLong { len: len as u64 }),
            },
            None => Err(PureViolation::TypeNotAllowed),
        },
        TypeTag::Signer => Err(PureViolation::TypeNotAllowed),
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], PureViolation> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|end| *end <= self.bytes.len())
            .ok_or_else(|| {
                malformed(format!(
                    "{n} bytes needed at offset {}, {} left",
                    self.pos,
                    self.bytes.len() - self.pos
                ))
            })?;
        let out = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    /// A sequence length: canonical ULEB128, at most BCS's maximum.
    fn length(&mut self) -> Result<usize, PureViolation> {
        let mut value: u64 = 0;
        for shift in (0..).step_by(7).take(5) {
            let byte = self.take(1)?[0];
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                if byte == 0 && shift > 0 {
                    return Err(malformed("a length is not in canonical ULEB128"));
                }
                if value > MAX_SEQUENCE_LENGTH {
                    return Err(malformed(format!(
                        "a length of {value} is beyond BCS's limit"
                    )));
                }
                return Ok(value as usize);
            }
        }
        Err(malformed("a length runs past five ULEB128 bytes"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn option(t: TypeTag) -> TypeTag {
        TypeTag::Struct(StructTag {
            address: AccountAddress::ONE,
            module: "option".parse().unwrap(),
            name: "Option".parse().unwrap(),
            type_params: vec![t],
        })
    }

    fn string(module: &str) -> TypeTag {
        TypeTag::Struct(StructTag {
            address: AccountAddress::ONE,
            module: module.parse().unwrap(),
            name: "String".parse().unwrap(),
            type_params: vec![],
        })
    }

    fn vector(t: TypeTag) -> TypeTag {
        TypeTag::Vector(Box::new(t))
    }

    #[test]
    fn valid_values_pass() {
        let ok = |t: &TypeTag, b: Vec<u8>| assert_eq!(validate(t, &b), Ok(()), "{t} {b:?}");
        ok(&TypeTag::U64, bcs::to_bytes(&7u64).unwrap());
        ok(&option(TypeTag::U64), bcs::to_bytes(&Some(7u64)).unwrap());
        ok(&option(TypeTag::U64), bcs::to_bytes(&None::<u64>).unwrap());
        ok(
            &option(string("string")),
            bcs::to_bytes(&Some("é")).unwrap(),
        );
        ok(
            &vector(vector(string("ascii"))),
            bcs::to_bytes(&vec![vec!["a", "b"], vec![]]).unwrap(),
        );
        ok(
            &vector(TypeTag::U8),
            bcs::to_bytes(&vec![0u8; 300]).unwrap(),
        );
    }

    #[test]
    fn every_rule_is_kept_at_depth() {
        let bad = |t: &TypeTag, b: Vec<u8>| validate(t, &b).unwrap_err();
        assert_eq!(
            bad(
                &option(TypeTag::U64),
                bcs::to_bytes(&vec![1u64, 2]).unwrap()
            ),
            PureViolation::OptionTooLong { len: 2 }
        );
        assert_eq!(
            bad(
                &vector(option(TypeTag::U8)),
                bcs::to_bytes(&vec![vec![1u8], vec![1, 2]]).unwrap()
            ),
            PureViolation::OptionTooLong { len: 2 }
        );
        assert_eq!(
            bad(
                &vector(vector(string("string"))),
                bcs::to_bytes(&vec![vec![vec![0xffu8]]]).unwrap()
            ),
            PureViolation::InvalidUtf8
        );
        assert_eq!(
            bad(
                &option(string("ascii")),
                bcs::to_bytes(&Some(vec![b'a', 0x80u8])).unwrap()
            ),
            PureViolation::NotAscii { byte: 0x80 }
        );
        assert!(matches!(
            bad(&TypeTag::Bool, vec![2]),
            PureViolation::Malformed(_)
        ));
        // A zero-length vector written as 0x80 0x00 is not canonical.
        assert!(matches!(
            bad(&vector(TypeTag::U8), vec![0x80, 0x00]),
            PureViolation::Malformed(_)
        ));
        assert!(matches!(
            bad(&TypeTag::U64, vec![0; 9]),
            PureViolation::Malformed(_)
        ));
        assert!(matches!(
            bad(&vector(TypeTag::U64), vec![0xff, 0xff, 0xff, 0xff, 0x07, 1]),
            PureViolation::Malformed(_)
        ));
        assert_eq!(bad(&TypeTag::Signer, vec![]), PureViolation::TypeNotAllowed);
    }
}
