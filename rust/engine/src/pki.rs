//! ECDSA P-256 signature format conversion between DER and the PKCS #11 raw form.
//!
//! PKCS #11 represents an ECDSA signature as `r ‖ s`, each a 32-byte big-endian integer for
//! P-256; TLS stacks such as mbedTLS use the DER `Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER,
//! s INTEGER }`. The C helpers `PKI_mbedTLSSignatureToPkcs11Signature` and
//! `PKI_pkcs11SignatureTombedTLSSignature` are thin wrappers over the two functions here.
//!
//! Parsing is strict DER: one SEQUENCE of exactly two positive, minimally encoded INTEGERs
//! that each fit in 32 bytes, with nothing trailing. Neither function panics on any input.

use crate::der::read_tlv;

/// Length in bytes of one P-256 scalar (`r` or `s`).
const SCALAR_LEN: usize = 32;

/// Largest DER encoding of a P-256 signature: SEQUENCE header (2) and two INTEGERs of at
/// most 2 + 1 + 32 bytes each.
const MAX_DER_LEN: usize = 2 + 2 * (2 + 1 + SCALAR_LEN);

/// Tag of an ASN.1 INTEGER.
const TAG_INTEGER: u8 = 0x02;
/// Tag of a constructed ASN.1 SEQUENCE.
const TAG_SEQUENCE: u8 = 0x30;

/// Why a signature could not be converted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PkiError {
    /// The input is not a well-formed P-256 ECDSA signature in the expected format.
    Malformed,
    /// The output buffer is shorter than the encoding.
    BufferTooSmall,
}

/// Checks one DER INTEGER's contents and returns its magnitude without the sign byte.
fn integer_magnitude(value: &[u8]) -> Result<&[u8], PkiError> {
    match value {
        [] => Err(PkiError::Malformed),
        [first, ..] if *first >= 0x80 => Err(PkiError::Malformed), // negative
        [0x00, second, ..] if *second < 0x80 => Err(PkiError::Malformed), // redundant 00
        [0x00, rest @ ..] if !rest.is_empty() => Ok(rest),
        _ => Ok(value),
    }
}

/// Left-pads the INTEGER contents `value` into a 32-byte big-endian scalar.
fn integer_to_scalar(value: &[u8], out: &mut [u8; SCALAR_LEN]) -> Result<(), PkiError> {
    let magnitude = integer_magnitude(value)?;
    let pad = SCALAR_LEN
        .checked_sub(magnitude.len())
        .ok_or(PkiError::Malformed)?;
    *out = [0; SCALAR_LEN];
    out.get_mut(pad..)
        .ok_or(PkiError::Malformed)?
        .copy_from_slice(magnitude);
    Ok(())
}

/// Converts a DER `SEQUENCE { r INTEGER, s INTEGER }` ECDSA P-256 signature into the PKCS #11
/// raw form `r ‖ s` (each left-padded to 32 bytes).
///
/// `der` must be exactly one SEQUENCE holding exactly two INTEGERs. Each INTEGER must be
/// non-empty, non-negative (first byte below `0x80`), minimally encoded (a leading `00` only
/// when the next byte is `0x80` or more) and at most 32 bytes once the sign byte is removed.
/// Otherwise [`PkiError::Malformed`] is returned. `out` is written only on success.
pub fn ecdsa_der_to_raw(der: &[u8], out: &mut [u8; 64]) -> Result<(), PkiError> {
    let (tag, sequence, after) = read_tlv(der).ok_or(PkiError::Malformed)?;
    if tag != TAG_SEQUENCE || !after.is_empty() {
        return Err(PkiError::Malformed);
    }
    let (tag_r, r, rest) = read_tlv(sequence).ok_or(PkiError::Malformed)?;
    let (tag_s, s, rest) = read_tlv(rest).ok_or(PkiError::Malformed)?;
    if tag_r != TAG_INTEGER || tag_s != TAG_INTEGER || !rest.is_empty() {
        return Err(PkiError::Malformed);
    }
    let mut r_scalar = [0u8; SCALAR_LEN];
    let mut s_scalar = [0u8; SCALAR_LEN];
    integer_to_scalar(r, &mut r_scalar)?;
    integer_to_scalar(s, &mut s_scalar)?;
    let (r_out, s_out) = out.split_at_mut(SCALAR_LEN);
    r_out.copy_from_slice(&r_scalar);
    s_out.copy_from_slice(&s_scalar);
    Ok(())
}

/// Appends the minimal DER INTEGER encoding of the unsigned big-endian `scalar` to
/// `buf[*len..]` and advances `*len`.
fn push_integer(buf: &mut [u8; MAX_DER_LEN], len: &mut usize, scalar: &[u8]) {
    let zeros = scalar.iter().take_while(|&&b| b == 0).count();
    // Keep at least one byte, so an all-zero scalar encodes as INTEGER 0.
    let magnitude = match scalar.get(zeros..) {
        Some(m) if !m.is_empty() => m,
        _ => &[0u8][..],
    };
    let sign_byte = magnitude.first().is_some_and(|&b| b >= 0x80);
    let content_len = magnitude.len() + usize::from(sign_byte);
    let mut bytes = [TAG_INTEGER, 0, 0];
    // content_len ≤ 33, so it fits the short form.
    bytes[1] = content_len as u8;
    let header: &[u8] = if sign_byte { &bytes } else { &bytes[..2] };
    for piece in [header, magnitude] {
        if let Some(dst) = buf.get_mut(*len..*len + piece.len()) {
            dst.copy_from_slice(piece);
            *len += piece.len();
        }
    }
}

/// Converts a PKCS #11 raw ECDSA P-256 signature `r ‖ s` into minimal DER
/// `SEQUENCE { r INTEGER, s INTEGER }` written to the front of `out`; returns its length.
///
/// Leading zero bytes of `r` and `s` are stripped (keeping at least one byte, so zero encodes
/// as `02 01 00`) and a `00` sign byte is added when the top bit is set; the encoding is at
/// most 72 bytes. When `out` is shorter than the encoding, [`PkiError::BufferTooSmall`] is
/// returned and `out` is left untouched. For in-place conversion the caller copies the raw
/// signature out of the shared buffer first.
pub fn ecdsa_raw_to_der(raw: &[u8; 64], out: &mut [u8]) -> Result<usize, PkiError> {
    let (r, s) = raw.split_at(SCALAR_LEN);
    let mut body = [0u8; MAX_DER_LEN];
    let mut body_len = 0;
    push_integer(&mut body, &mut body_len, r);
    push_integer(&mut body, &mut body_len, s);

    let total = body_len + 2;
    let dst = out.get_mut(..total).ok_or(PkiError::BufferTooSmall)?;
    let (header, contents) = dst.split_at_mut(2);
    header[0] = TAG_SEQUENCE;
    // body_len ≤ 70, so it fits the short form.
    header[1] = body_len as u8;
    contents.copy_from_slice(body.get(..body_len).ok_or(PkiError::Malformed)?);
    Ok(total)
}

// The documented bound on the DER encoding.
const _: () = assert!(MAX_DER_LEN == 72);

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use alloc::vec::Vec;

    fn unhex(s: &str) -> Vec<u8> {
        hex::decode(s.replace(' ', "")).expect("test hex")
    }

    fn raw_from(r: &str, s: &str) -> [u8; 64] {
        let mut raw = [0u8; 64];
        raw[..32].copy_from_slice(&unhex(r));
        raw[32..].copy_from_slice(&unhex(s));
        raw
    }

    fn to_der(raw: &[u8; 64]) -> Vec<u8> {
        let mut out = [0u8; 80];
        let n = ecdsa_raw_to_der(raw, &mut out).unwrap();
        out[..n].to_vec()
    }

    fn from_der(der: &[u8]) -> Result<[u8; 64], PkiError> {
        let mut out = [0u8; 64];
        ecdsa_der_to_raw(der, &mut out).map(|()| out)
    }

    /// Builds DER from hand-written INTEGER contents (already including any sign byte).
    fn der_from_integers(r: &[u8], s: &[u8]) -> Vec<u8> {
        let mut body = vec![0x02, r.len() as u8];
        body.extend_from_slice(r);
        body.extend_from_slice(&[0x02, s.len() as u8]);
        body.extend_from_slice(s);
        let mut der = vec![0x30, body.len() as u8];
        der.extend_from_slice(&body);
        der
    }

    #[test]
    fn small_values_known_encoding() {
        // r = 1, s = 0x80 (needs a sign byte).
        let mut raw = [0u8; 64];
        raw[31] = 0x01;
        raw[63] = 0x80;
        let der = to_der(&raw);
        assert_eq!(der, [0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x02, 0x00, 0x80]);
        assert_eq!(from_der(&der).unwrap(), raw);
    }

    #[test]
    fn zero_r_encodes_as_integer_zero() {
        let mut raw = [0u8; 64];
        raw[63] = 0x05;
        let der = to_der(&raw);
        assert_eq!(der, [0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x05]);
        assert_eq!(from_der(&der).unwrap(), raw);
        // Both zero.
        let der = to_der(&[0u8; 64]);
        assert_eq!(der, [0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00]);
        assert_eq!(from_der(&der).unwrap(), [0u8; 64]);
    }

    #[test]
    fn leading_zero_r_and_high_bit_s() {
        // r = 00 00 7f ..., s with its top bit set.
        let r = "00007f0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d";
        let s = "ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
        let raw = raw_from(r, s);
        let expected = unhex(
            "3043\
             021e 7f0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d\
             0221 00 ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
        );
        assert_eq!(to_der(&raw), expected);
        assert_eq!(from_der(&expected).unwrap(), raw);
    }

    #[test]
    fn maximum_length_encoding_is_72_bytes() {
        let raw = [0xffu8; 64];
        let der = to_der(&raw);
        assert_eq!(der.len(), 72);
        assert_eq!(&der[..5], &[0x30, 0x46, 0x02, 0x21, 0x00]);
        assert_eq!(&der[37..40], &[0x02, 0x21, 0x00]);
        assert_eq!(from_der(&der).unwrap(), raw);
    }

    #[test]
    fn full_width_without_sign_byte() {
        let r = "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
        let s = "0100000000000000000000000000000000000000000000000000000000000000";
        let raw = raw_from(r, s);
        let expected = unhex(&alloc::format!("3044 0220 {r} 0220 {s}"));
        assert_eq!(to_der(&raw), expected);
        assert_eq!(from_der(&expected).unwrap(), raw);
    }

    #[test]
    fn buffer_too_small_writes_nothing() {
        let raw = [0xffu8; 64];
        let mut out = [0xaau8; 71];
        assert_eq!(
            ecdsa_raw_to_der(&raw, &mut out),
            Err(PkiError::BufferTooSmall)
        );
        assert!(out.iter().all(|&b| b == 0xaa));
        let mut exact = [0u8; 72];
        assert_eq!(ecdsa_raw_to_der(&raw, &mut exact), Ok(72));
        // Small encodings fit small buffers.
        let mut small = [0u8; 8];
        assert_eq!(ecdsa_raw_to_der(&[0u8; 64], &mut small), Ok(8));
        let mut empty: [u8; 0] = [];
        assert_eq!(
            ecdsa_raw_to_der(&[0u8; 64], &mut empty),
            Err(PkiError::BufferTooSmall)
        );
    }

    #[test]
    fn in_place_conversion_via_copy() {
        // How the FFI does it: copy raw out of the shared buffer, then write DER over it.
        let mut shared = [0u8; 72];
        for (i, b) in shared[..64].iter_mut().enumerate() {
            *b = 0x80 + i as u8;
        }
        let mut raw = [0u8; 64];
        raw.copy_from_slice(&shared[..64]);
        let n = ecdsa_raw_to_der(&raw, &mut shared).unwrap();
        assert_eq!(n, 72);
        assert_eq!(from_der(&shared[..n]).unwrap(), raw);
    }

    #[test]
    fn malformed_der_is_rejected() {
        let one = [0x01];
        let cases: Vec<(&str, Vec<u8>)> = vec![
            ("empty", vec![]),
            (
                "not a sequence",
                vec![0x31, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01],
            ),
            ("one integer", vec![0x30, 0x03, 0x02, 0x01, 0x01]),
            (
                "three integers",
                vec![
                    0x30, 0x09, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01,
                ],
            ),
            (
                "trailing inside",
                vec![0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x00],
            ),
            (
                "trailing after",
                vec![0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x00],
            ),
            ("negative r", der_from_integers(&[0x80], &one)),
            ("negative s", der_from_integers(&one, &[0xff, 0x01])),
            ("redundant zero r", der_from_integers(&[0x00, 0x01], &one)),
            ("redundant zero s", der_from_integers(&one, &[0x00, 0x7f])),
            ("double zero", der_from_integers(&[0x00, 0x00, 0x80], &one)),
            ("empty r", der_from_integers(&[], &one)),
            ("empty s", der_from_integers(&one, &[])),
            ("r too long", der_from_integers(&[0x01; 33], &one)),
            ("s too long with sign", {
                let mut s = vec![0x00];
                s.extend_from_slice(&[0x80; 33]);
                der_from_integers(&one, &s)
            }),
            ("wrong inner tag", {
                let mut d = der_from_integers(&one, &one);
                d[2] = 0x04;
                d
            }),
            (
                "indefinite length",
                vec![0x30, 0x80, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x00, 0x00],
            ),
            ("non-minimal length", {
                let mut d = vec![0x30, 0x81, 0x06];
                d.extend_from_slice(&[0x02, 0x01, 0x01, 0x02, 0x01, 0x01]);
                d
            }),
        ];
        for (name, der) in cases {
            let mut out = [0x55u8; 64];
            assert_eq!(
                ecdsa_der_to_raw(&der, &mut out),
                Err(PkiError::Malformed),
                "{name}"
            );
            assert!(out.iter().all(|&b| b == 0x55), "{name}: out written");
        }
        // The boundary cases that are fine: 32 bytes, and 33 with a needed sign byte.
        let mut s = vec![0x00];
        s.extend_from_slice(&[0x80; 32]);
        assert!(from_der(&der_from_integers(&[0x7f; 32], &s)).is_ok());
    }

    /// xorshift64* for reproducible pseudo-random test inputs.
    struct TestRng(u64);

    impl TestRng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
    }

    #[test]
    fn random_round_trips_and_truncations() {
        let mut rng = TestRng(0x0123_4567_89ab_cdef);
        for _ in 0..500 {
            let mut raw = [0u8; 64];
            for b in raw.iter_mut() {
                *b = rng.next() as u8;
            }
            // Force a variety of leading zeros.
            let zeros_r = (rng.next() % 34) as usize;
            let zeros_s = (rng.next() % 34) as usize;
            raw[..zeros_r.min(32)].fill(0);
            raw[32..32 + zeros_s.min(32)].fill(0);
            let der = to_der(&raw);
            assert!(der.len() <= 72);
            assert_eq!(from_der(&der).unwrap(), raw);
            for len in 0..der.len() {
                assert_eq!(from_der(&der[..len]), Err(PkiError::Malformed));
            }
        }
    }

    #[test]
    fn random_bytes_never_panic() {
        let mut rng = TestRng(0xfeed_f00d_dead_beef);
        let mut accepted = 0;
        for i in 0..20_000 {
            let len = (rng.next() % 80) as usize;
            let mut input: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            // Give half the inputs a plausible header so the inner parsing gets exercised.
            if i % 2 == 0 && len >= 4 {
                input[0] = 0x30;
                input[1] = (len - 2) as u8;
                input[2] = 0x02;
            }
            let mut out = [0u8; 64];
            if ecdsa_der_to_raw(&input, &mut out).is_ok() {
                accepted += 1;
                // Anything accepted is canonical: re-encoding reproduces it.
                assert_eq!(to_der(&out), input);
            }
        }
        // Random bytes are almost never a valid signature.
        assert!(accepted < 100);
    }
}
