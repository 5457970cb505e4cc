//! The stored form of token objects and of the token's state (format version 1).
//!
//! A record is portable between a 64-bit host and a 32-bit device: `CK_ULONG` values are
//! written as 64-bit little-endian numbers whatever the platform's width.
//!
//! ```text
//! magic    4  "P11R"
//! version  1  1
//! kind     1  1 = object, 2 = token state, 3 = store index
//! flags    2  LE; bit 0: secret values are encrypted (reserved, 0 in version 1)
//! count    2  LE, number of entries
//! entries  count × { tag u32 LE, encoding u8 (0 bytes, 1 ulong, 2 ulong array), len u32 LE, value }
//! crc32    4  LE, CRC-32 (IEEE) of every byte before it
//! ```
//! For objects, the tag is the `CKA_*` type; for the token state, see [`crate::token`].

use crate::ck::Ulong;
use crate::object::{value_kind, Value};
use crate::template::ValueKind;
use alloc::vec::Vec;
use zeroize::Zeroizing;

const MAGIC: &[u8; 4] = b"P11R";
/// Format version written by this library.
pub const VERSION: u8 = 1;
const HEADER_LEN: usize = 10;
const ULONG_WIDTH: usize = core::mem::size_of::<Ulong>();

/// What a record holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordKind {
    /// A token object.
    Object = 1,
    /// The token's own state.
    TokenState = 2,
    /// A store's own index (the list of labels a vendor PAL store uses).
    Index = 3,
}

/// Why a stored record could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordError {
    /// Shorter than its header and checksum, or an entry runs past the end.
    Truncated,
    /// Not a record of this library.
    BadMagic,
    /// Written by a newer format version, or with flags this version does not know.
    UnsupportedVersion,
    /// The checksum does not match: the record is damaged.
    BadChecksum,
    /// An entry is malformed (bad encoding, or a number too large for this platform).
    Malformed,
}

/// CRC-32 (IEEE 802.3, reflected, as zlib computes it).
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

fn encoding_of(kind: ValueKind) -> u8 {
    match kind {
        ValueKind::Ulong => 1,
        ValueKind::UlongArray => 2,
        _ => 0,
    }
}

// `CK_ULONG` is 32 bits on the device: the conversion is not the identity everywhere.
#[allow(clippy::useless_conversion)]
fn ulong_to_u64(v: Ulong) -> u64 {
    // CK_UNAVAILABLE_INFORMATION keeps its meaning across widths.
    if v == Ulong::MAX {
        u64::MAX
    } else {
        u64::from(v)
    }
}

fn u64_to_ulong(v: u64) -> Option<Ulong> {
    if v == u64::MAX {
        Some(Ulong::MAX)
    } else {
        Ulong::try_from(v).ok()
    }
}

/// Encodes entries `(tag, encoding kind, value)`; values of `Ulong` kinds are native `CK_ULONG`s.
pub fn encode(kind: RecordKind, entries: &[(u32, ValueKind, &[u8])]) -> Zeroizing<Vec<u8>> {
    // The exact size up front: a vector that grew would leave a copy of the record (which
    // may hold a private key) unwiped in freed heap.
    let mut out = Zeroizing::new(Vec::with_capacity(encoded_len(entries)));
    // The header and each entry's head go in as one piece each (fewer calls than one per
    // field; the same bytes).
    let count = (entries.len() as u16).to_le_bytes();
    let [m0, m1, m2, m3] = *MAGIC;
    out.extend_from_slice(&[
        m0, m1, m2, m3, VERSION, kind as u8, 0, 0, count[0], count[1],
    ]);
    for (tag, vk, value) in entries {
        let enc = encoding_of(*vk);
        let len = encoded_value_len(enc, value);
        let ([t0, t1, t2, t3], [l0, l1, l2, l3]) = (tag.to_le_bytes(), (len as u32).to_le_bytes());
        out.extend_from_slice(&[t0, t1, t2, t3, enc, l0, l1, l2, l3]);
        if enc == 0 {
            out.extend_from_slice(value);
        } else {
            for chunk in value.chunks_exact(ULONG_WIDTH) {
                let v = crate::template::ulong_value(chunk).unwrap_or(0);
                out.extend_from_slice(&ulong_to_u64(v).to_le_bytes());
            }
        }
    }
    let crc = crc32(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    debug_assert_eq!(out.len(), encoded_len(entries));
    out
}

/// The length of [`encode`]'s output: a 10-byte header, a 9-byte head per entry, its value
/// (each `CK_ULONG` widened to 8 bytes) and the 4-byte CRC.
fn encoded_len(entries: &[(u32, ValueKind, &[u8])]) -> usize {
    let values: usize = entries
        .iter()
        .map(|(_, vk, value)| encoded_value_len(encoding_of(*vk), value))
        .sum();
    HEADER_LEN + 9 * entries.len() + values + 4
}

/// The length of `value` in a record with encoding `enc`: as it is, or each `CK_ULONG`
/// widened to 8 bytes.
fn encoded_value_len(enc: u8, value: &[u8]) -> usize {
    if enc == 0 {
        value.len()
    } else {
        value.len() / ULONG_WIDTH * 8
    }
}

fn take<'a>(input: &mut &'a [u8], n: usize) -> Result<&'a [u8], RecordError> {
    if input.len() < n {
        return Err(RecordError::Truncated);
    }
    let (head, rest) = input.split_at(n);
    *input = rest;
    Ok(head)
}

/// The little-endian `u32` in the first 4 bytes of `b` (callers pass exactly 4; a shorter
/// slice reads as 0 rather than linking a panic path for each byte).
fn le_u32(b: &[u8]) -> u32 {
    b.first_chunk::<4>().map_or(0, |a| u32::from_le_bytes(*a))
}

/// Decodes a record into its kind and `(tag, value)` entries, values of `Ulong` kinds
/// converted to native `CK_ULONG`s.
pub fn decode(bytes: &[u8]) -> Result<(RecordKind, Vec<(u32, Value)>), RecordError> {
    decode_tags(bytes)
}

/// [`decode`] with the tags as `T`: object records decode straight to `CK_ULONG` attribute
/// types, with no second pass converting the tags (where `CK_ULONG` is 32 bits, as on the
/// device, both uses are one compiled function).
fn decode_tags<T: From<u32>>(bytes: &[u8]) -> Result<(RecordKind, Vec<(T, Value)>), RecordError> {
    if bytes.len() < HEADER_LEN + 4 {
        return Err(RecordError::Truncated);
    }
    let (body, crc) = bytes.split_at(bytes.len() - 4);
    if &body[..4] != MAGIC {
        return Err(RecordError::BadMagic);
    }
    if crc32(body) != le_u32(crc) {
        return Err(RecordError::BadChecksum);
    }
    if body[4] != VERSION || u16::from_le_bytes([body[6], body[7]]) != 0 {
        return Err(RecordError::UnsupportedVersion);
    }
    let kind = match body[5] {
        1 => RecordKind::Object,
        2 => RecordKind::TokenState,
        3 => RecordKind::Index,
        _ => return Err(RecordError::Malformed),
    };
    let count = u16::from_le_bytes([body[8], body[9]]) as usize;
    let mut input = &body[HEADER_LEN..];
    let mut entries = Vec::with_capacity(count.min(64));
    for _ in 0..count {
        // The entry's head (tag, encoding, length) in one piece: too short is `Truncated`
        // wherever it ends, as it was field by field.
        let head: &[u8; 9] = take(&mut input, 9)?
            .try_into()
            .map_err(|_| RecordError::Truncated)?;
        let [t0, t1, t2, t3, enc, l0, l1, l2, l3] = *head;
        let tag = u32::from_le_bytes([t0, t1, t2, t3]);
        let len = u32::from_le_bytes([l0, l1, l2, l3]) as usize;
        let raw = take(&mut input, len)?;
        let value = match enc {
            0 => Zeroizing::new(raw.to_vec()),
            1 | 2 => {
                if !len.is_multiple_of(8) || (enc == 1 && len != 8) {
                    return Err(RecordError::Malformed);
                }
                let mut v = Vec::with_capacity(len / 8 * ULONG_WIDTH);
                for chunk in raw.chunks_exact(8) {
                    let n =
                        u64::from_le_bytes(chunk.try_into().map_err(|_| RecordError::Malformed)?);
                    v.extend_from_slice(
                        &u64_to_ulong(n).ok_or(RecordError::Malformed)?.to_ne_bytes(),
                    );
                }
                Zeroizing::new(v)
            }
            _ => return Err(RecordError::Malformed),
        };
        entries.push((T::from(tag), value));
    }
    if !input.is_empty() {
        return Err(RecordError::Malformed);
    }
    Ok((kind, entries))
}

/// The record tag of attribute type `kind` (every type the token stores fits in 32 bits).
#[allow(clippy::unnecessary_cast)] // `CK_ULONG` is 64 bits on hosts, 32 on the device.
fn attribute_tag(kind: Ulong) -> u32 {
    kind as u32
}

/// Encodes an object's attributes as an object record.
pub fn encode_object(attributes: &[(Ulong, Value)]) -> Zeroizing<Vec<u8>> {
    // A loop rather than collecting a mapped iterator (less code on a device).
    let mut entries: Vec<(u32, ValueKind, &[u8])> = Vec::with_capacity(attributes.len());
    for (k, v) in attributes {
        entries.push((attribute_tag(*k), value_kind(*k), v.as_slice()));
    }
    encode(RecordKind::Object, &entries)
}

/// Decodes an object record into attributes (for [`crate::object::Object::restore`]).
pub fn decode_object(bytes: &[u8]) -> Result<Vec<(Ulong, Value)>, RecordError> {
    match decode_tags::<Ulong>(bytes)? {
        (RecordKind::Object, attributes) => Ok(attributes),
        _ => Err(RecordError::Malformed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ck::*;

    fn sample() -> Vec<(Ulong, Value)> {
        alloc::vec![
            (CKA_CLASS, Zeroizing::new(CKO_DATA.to_ne_bytes().to_vec())),
            (CKA_LABEL, Zeroizing::new(b"label".to_vec())),
            (
                CKA_KEY_GEN_MECHANISM,
                Zeroizing::new(Ulong::MAX.to_ne_bytes().to_vec())
            ),
            (CKA_VALUE, Zeroizing::new(Vec::new())),
        ]
    }

    #[test]
    fn encoding_is_sized_exactly_up_front() {
        // Many CK_ULONG values (8 bytes each in a record, 4 in memory on 32-bit targets): the
        // buffer is allocated once at its final size, so no partial copy is left in the heap.
        let mut attrs = sample();
        let mechanisms: Vec<u8> = (0..64 as Ulong).flat_map(|m| m.to_ne_bytes()).collect();
        attrs.push((CKA_ALLOWED_MECHANISMS, Zeroizing::new(mechanisms)));
        let bytes = encode_object(&attrs);
        assert_eq!(bytes.len(), bytes.capacity());
        assert_eq!(decode_object(&bytes).unwrap(), attrs);
    }

    #[test]
    fn crc_known_answer() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn object_round_trip() {
        let attrs = sample();
        let bytes = encode_object(&attrs);
        let back = decode_object(&bytes).unwrap();
        assert_eq!(back, attrs);
    }

    #[test]
    fn ulongs_are_stored_as_u64_le() {
        let bytes = encode_object(&sample()[..1]);
        // header, tag, encoding 1, len 8, value 0 (CKO_DATA) as u64
        assert_eq!(&bytes[HEADER_LEN..HEADER_LEN + 4], &0u32.to_le_bytes());
        assert_eq!(bytes[HEADER_LEN + 4], 1);
        assert_eq!(&bytes[HEADER_LEN + 5..HEADER_LEN + 9], &8u32.to_le_bytes());
        assert_eq!(&bytes[HEADER_LEN + 9..HEADER_LEN + 17], &[0u8; 8]);
    }

    #[test]
    fn damage_is_detected() {
        let bytes = encode_object(&sample());
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut]).is_err(), "truncated at {cut}");
        }
        for i in 0..bytes.len() {
            let mut b = bytes.to_vec();
            b[i] ^= 0x40;
            assert!(decode(&b).is_err(), "flipped byte {i}");
        }
        let mut newer = bytes.to_vec();
        newer[4] = 2;
        let n = newer.len();
        let crc = crc32(&newer[..n - 4]);
        newer[n - 4..].copy_from_slice(&crc.to_le_bytes());
        assert_eq!(decode(&newer).err(), Some(RecordError::UnsupportedVersion));
    }
}
