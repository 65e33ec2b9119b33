//! Decoding the return values of a dev inspect ([`crate::Client::dev_inspect`]) into JSON.
//!
//! A return value arrives as its Move type and BCS bytes. The types a caller usually wants to
//! read decode to plain JSON: `u8` as a number, `u64`/`u128` as decimal strings
//! (JSON numbers lose precision past 2^53), `bool`, `address` and `0x2::object::ID` as
//! `0x`-prefixed hex, `vector<u8>` as `0x` hex, `0x1::string::String` and
//! `0x1::ascii::String` as strings, `0x1::option::Option<T>` as `null` or the value, and
//! vectors of these as arrays. Anything else (structs, `signer`, bytes that do not parse as
//! their type) is left as its type and hex BCS for the caller to decode.

use move_core_types::account_address::AccountAddress;
use movid_runtime::execution::ReturnValue;
use movid_runtime::types::TypeTag;
use serde_json::{json, Value};

/// `{"type": T, "value": JSON}` when the value's type decodes, else `{"type": T, "bcs": "0x.."}`.
pub fn describe(v: &ReturnValue) -> Value {
    match decode(&v.type_, &v.bcs) {
        Some(value) => json!({ "type": v.type_.to_string(), "value": value }),
        None => json!({
            "type": v.type_.to_string(),
            "bcs": format!("0x{}", hex::encode(&v.bcs)),
        }),
    }
}

/// The JSON form of `bytes` as a `ty`, or `None` if the type is not one this module decodes
/// or the bytes are not exactly one value of it.
pub fn decode(ty: &TypeTag, bytes: &[u8]) -> Option<Value> {
    if !decodable(ty) {
        return None;
    }
    let mut rest = bytes;
    let v = parse(ty, &mut rest)?;
    rest.is_empty().then_some(v)
}

fn is_struct(ty: &TypeTag, address: AccountAddress, module: &str, name: &str) -> bool {
    matches!(ty, TypeTag::Struct(s) if s.address == address
        && s.module.as_str() == module && s.name.as_str() == name)
}

fn is_string(ty: &TypeTag) -> bool {
    is_struct(ty, AccountAddress::ONE, "string", "String")
        || is_struct(ty, AccountAddress::ONE, "ascii", "String")
}

fn is_id(ty: &TypeTag) -> bool {
    is_struct(
        ty,
        AccountAddress::from_hex_literal("0x2").expect("a valid address"),
        "object",
        "ID",
    )
}

fn option_inner(ty: &TypeTag) -> Option<&TypeTag> {
    match ty {
        TypeTag::Struct(s) if is_struct(ty, AccountAddress::ONE, "option", "Option") => {
            s.type_params.first()
        }
        _ => None,
    }
}

fn decodable(ty: &TypeTag) -> bool {
    match ty {
        TypeTag::U8 | TypeTag::U64 | TypeTag::U128 | TypeTag::Bool | TypeTag::Address => true,
        TypeTag::Vector(inner) => decodable(inner),
        _ if is_string(ty) || is_id(ty) => true,
        _ => option_inner(ty).is_some_and(decodable),
    }
}

fn take<'a>(rest: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
    if rest.len() < n {
        return None;
    }
    let (head, tail) = rest.split_at(n);
    *rest = tail;
    Some(head)
}

/// A BCS length: ULEB128, at most a `u32`.
fn length(rest: &mut &[u8]) -> Option<usize> {
    let mut value: u64 = 0;
    for shift in (0..35).step_by(7) {
        let byte = take(rest, 1)?[0];
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return u32::try_from(value).ok().map(|v| v as usize);
        }
    }
    None
}

fn fixed<const N: usize>(rest: &mut &[u8]) -> Option<[u8; N]> {
    take(rest, N)?.try_into().ok()
}

fn parse(ty: &TypeTag, rest: &mut &[u8]) -> Option<Value> {
    Some(match ty {
        TypeTag::U8 => json!(fixed::<1>(rest)?[0]),
        TypeTag::U64 => json!(u64::from_le_bytes(fixed(rest)?).to_string()),
        TypeTag::U128 => json!(u128::from_le_bytes(fixed(rest)?).to_string()),
        TypeTag::Bool => match fixed::<1>(rest)?[0] {
            0 => json!(false),
            1 => json!(true),
            _ => return None,
        },
        TypeTag::Address => json!(format!("0x{}", hex::encode(fixed::<32>(rest)?))),
        TypeTag::Vector(inner) if **inner == TypeTag::U8 => {
            let n = length(rest)?;
            json!(format!("0x{}", hex::encode(take(rest, n)?)))
        }
        TypeTag::Vector(inner) => {
            let n = length(rest)?;
            // Every element takes at least one byte: a length past the bytes left is a lie,
            // and must not size an allocation.
            if n > rest.len() {
                return None;
            }
            let mut items = Vec::with_capacity(n);
            for _ in 0..n {
                items.push(parse(inner, rest)?);
            }
            Value::Array(items)
        }
        _ if is_id(ty) => json!(format!("0x{}", hex::encode(fixed::<32>(rest)?))),
        _ if is_string(ty) => {
            let n = length(rest)?;
            let s = std::str::from_utf8(take(rest, n)?).ok()?;
            json!(s)
        }
        _ => {
            let inner = option_inner(ty)?;
            match length(rest)? {
                0 => Value::Null,
                1 => parse(inner, rest)?,
                _ => return None,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn b<T: serde::Serialize>(v: &T) -> Vec<u8> {
        bcs::to_bytes(v).unwrap()
    }

    fn ty(s: &str) -> TypeTag {
        TypeTag::from_str(s).unwrap()
    }

    #[test]
    fn values_decode_to_json() {
        assert_eq!(decode(&ty("u64"), &b(&7u64)), Some(json!("7")));
        assert_eq!(
            decode(&ty("u128"), &b(&u128::MAX)),
            Some(json!(u128::MAX.to_string()))
        );
        assert_eq!(decode(&ty("bool"), &b(&true)), Some(json!(true)));
        assert_eq!(
            decode(&ty("0x1::string::String"), &b(&"héllo".to_string())),
            Some(json!("héllo"))
        );
        assert_eq!(
            decode(&ty("0x1::option::Option<u8>"), &b(&Some(3u8))),
            Some(json!(3))
        );
        assert_eq!(
            decode(&ty("0x1::option::Option<u8>"), &b(&None::<u8>)),
            Some(Value::Null)
        );
        assert_eq!(
            decode(&ty("vector<vector<u8>>"), &b(&vec![vec![1u8, 2], vec![]])),
            Some(json!(["0x0102", "0x"]))
        );
        assert_eq!(
            decode(&ty("vector<bool>"), &b(&vec![true, false])),
            Some(json!([true, false]))
        );
    }

    #[test]
    fn malformed_or_unknown_values_stay_bcs() {
        // A bool that is neither 0 nor 1, trailing bytes, a vector longer than its bytes.
        assert_eq!(decode(&ty("bool"), &[2]), None);
        assert_eq!(decode(&ty("u8"), &[1, 2]), None);
        assert_eq!(decode(&ty("vector<u64>"), &[0xff, 0xff, 0xff, 0x0f]), None);
        let v = ReturnValue {
            type_: ty("0x2::coin::Coin<0x2::sui::SUI>"),
            bcs: vec![1, 2],
        };
        assert_eq!(describe(&v)["bcs"], json!("0x0102"));
    }
}
