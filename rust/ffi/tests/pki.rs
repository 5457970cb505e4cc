//! The `core_pki_utils.h` signature converters, bounded and v3.x forms.

use core_pkcs11_ffi::{
    PKI_mbedTLSSignatureToPkcs11Signature, PKI_pkcs11SignatureTombedTLSSignature,
    PKI_v3_mbedTLSSignatureToPkcs11Signature, PKI_v3_pkcs11SignatureTombedTLSSignature,
};
use std::ptr::{null, null_mut};

/// DER from hand-written INTEGER contents.
fn der_from_integers(r: &[u8], s: &[u8]) -> Vec<u8> {
    let mut body = vec![0x02, r.len() as u8];
    body.extend_from_slice(r);
    body.extend_from_slice(&[0x02, s.len() as u8]);
    body.extend_from_slice(s);
    let mut der = vec![0x30, body.len() as u8];
    der.extend_from_slice(&body);
    der
}

fn raw(r_fill: u8, s_fill: u8) -> [u8; 64] {
    let mut raw = [0u8; 64];
    raw[..32].fill(r_fill);
    raw[32..].fill(s_fill);
    raw
}

/// Bounded raw → DER in a buffer of `buf_len`; returns the DER or None on -1.
fn to_der(raw: &[u8; 64], buf_len: usize) -> Option<Vec<u8>> {
    let mut buf = vec![0u8; buf_len.max(64)];
    buf[..64].copy_from_slice(raw);
    let mut out_len = 0usize;
    // SAFETY: `buf` is readable and writable for its length >= buf_len.
    let rc =
        unsafe { PKI_pkcs11SignatureTombedTLSSignature(buf.as_mut_ptr(), buf_len, &mut out_len) };
    (rc == 0).then(|| buf[..out_len].to_vec())
}

/// Bounded DER → raw.
fn to_raw(der: &[u8]) -> Option<[u8; 64]> {
    let mut out = [0x55u8; 64];
    // SAFETY: `out` is 64 writable bytes, `der` readable for its length.
    let rc = unsafe {
        PKI_mbedTLSSignatureToPkcs11Signature(out.as_mut_ptr(), 64, der.as_ptr(), der.len())
    };
    if rc == 0 {
        Some(out)
    } else {
        assert_eq!(rc, -1);
        assert!(out.iter().all(|&b| b == 0x55), "output written on failure");
        None
    }
}

/// v3 DER → raw, with `der` placed at the very end of its allocation so that any read past
/// the announced length would leave the buffer (and trip a sanitizer).
fn to_raw_v3(der: &[u8]) -> Option<[u8; 64]> {
    let boxed: Box<[u8]> = der.to_vec().into_boxed_slice();
    let mut out = [0x55u8; 64];
    // SAFETY: `out` is 64 writable bytes; `boxed` holds the whole signature.
    let rc = unsafe { PKI_v3_mbedTLSSignatureToPkcs11Signature(out.as_mut_ptr(), boxed.as_ptr()) };
    if rc == 0 {
        Some(out)
    } else {
        assert_eq!(rc, -1);
        None
    }
}

#[test]
fn round_trip_bounded() {
    for (r, s) in [(0x01, 0x7f), (0x80, 0xff), (0x00, 0x42), (0x7f, 0x80)] {
        let raw = raw(r, s);
        let der = to_der(&raw, 72).unwrap();
        assert!(der.len() <= 72);
        assert_eq!(der[0], 0x30);
        assert_eq!(der[1] as usize, der.len() - 2);
        assert_eq!(to_raw(&der).unwrap(), raw);
        assert_eq!(to_raw_v3(&der).unwrap(), raw);
    }
}

#[test]
fn leading_zero_r_and_s_round_trip() {
    let mut raw = [0u8; 64];
    raw[2..32].fill(0x11); // r = 00 00 11 …
    raw[33] = 0x90; // s = 00 90 00 …: its top byte after stripping has the high bit set
    raw[40] = 0x01;
    let der = to_der(&raw, 72).unwrap();
    // r: 30 bytes, no sign byte; s: 31 bytes + 00 sign byte.
    assert_eq!(&der[2..4], &[0x02, 30]);
    assert_eq!(&der[34..37], &[0x02, 32, 0x00]);
    assert_eq!(to_raw(&der).unwrap(), raw);
    assert_eq!(to_raw_v3(&der).unwrap(), raw);

    // r = 0 entirely.
    let mut raw = [0u8; 64];
    raw[63] = 5;
    let der = to_der(&raw, 72).unwrap();
    assert_eq!(der, [0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x05]);
    assert_eq!(to_raw(&der).unwrap(), raw);
}

#[test]
fn bounded_buffer_limits() {
    let big = raw(0xff, 0xff); // 72-byte DER
    assert!(to_der(&big, 71).is_none());
    assert_eq!(to_der(&big, 72).unwrap().len(), 72);
    // The interface requires room for the longest form (72 bytes), whatever this
    // signature's DER length is.
    let small = raw(0x01, 0x01); // 70-byte DER
    assert!(to_der(&small, 70).is_none());
    assert_eq!(to_der(&small, 72).unwrap().len(), 70);
    let mut tiny = [0u8; 64];
    tiny[31] = 1;
    tiny[63] = 1;
    assert!(to_der(&tiny, 64).is_none());
    assert_eq!(to_der(&tiny, 72).unwrap().len(), 8);
    // A buffer below 64 bytes cannot even hold the input.
    let mut buf = [0u8; 64];
    let mut out_len = 0usize;
    // SAFETY: rejected before use beyond its 63 claimed bytes.
    assert_eq!(
        unsafe { PKI_pkcs11SignatureTombedTLSSignature(buf.as_mut_ptr(), 63, &mut out_len) },
        -1
    );
    // DER → raw needs 64 output bytes.
    let der = to_der(&small, 72).unwrap();
    let mut out = [0u8; 64];
    // SAFETY: rejected before use.
    assert_eq!(
        unsafe {
            PKI_mbedTLSSignatureToPkcs11Signature(out.as_mut_ptr(), 63, der.as_ptr(), der.len())
        },
        -1
    );
}

#[test]
fn v3_raw_to_der_in_72_byte_buffer() {
    let raw = raw(0xff, 0x80);
    let mut buf = [0u8; 72];
    buf[..64].copy_from_slice(&raw);
    let mut out_len = 0usize;
    // SAFETY: a 72-byte buffer as the v3 interface documents.
    assert_eq!(
        unsafe { PKI_v3_pkcs11SignatureTombedTLSSignature(buf.as_mut_ptr(), &mut out_len) },
        0
    );
    assert_eq!(out_len, 72);
    assert_eq!(to_raw(&buf[..out_len]).unwrap(), raw);
}

#[test]
fn null_pointers() {
    let mut buf = [0u8; 72];
    let mut out_len = 0usize;
    let der = to_der(&raw(1, 1), 72).unwrap();
    // SAFETY: NULLs are rejected; other pointers are valid.
    unsafe {
        assert_eq!(
            PKI_mbedTLSSignatureToPkcs11Signature(null_mut(), 64, der.as_ptr(), der.len()),
            -1
        );
        assert_eq!(
            PKI_mbedTLSSignatureToPkcs11Signature(buf.as_mut_ptr(), 64, null(), 8),
            -1
        );
        assert_eq!(
            PKI_pkcs11SignatureTombedTLSSignature(null_mut(), 72, &mut out_len),
            -1
        );
        assert_eq!(
            PKI_pkcs11SignatureTombedTLSSignature(buf.as_mut_ptr(), 72, null_mut()),
            -1
        );
        assert_eq!(
            PKI_v3_mbedTLSSignatureToPkcs11Signature(null_mut(), der.as_ptr()),
            -1
        );
        assert_eq!(
            PKI_v3_mbedTLSSignatureToPkcs11Signature(buf.as_mut_ptr(), null()),
            -1
        );
        assert_eq!(
            PKI_v3_pkcs11SignatureTombedTLSSignature(null_mut(), &mut out_len),
            -1
        );
        assert_eq!(
            PKI_v3_pkcs11SignatureTombedTLSSignature(buf.as_mut_ptr(), null_mut()),
            -1
        );
    }
}

#[test]
fn malformed_der_is_rejected() {
    let one = [0x01u8];
    let good = der_from_integers(&one, &one);
    let mut trailing = good.clone();
    trailing.push(0x00);
    let mut past_end = good.clone();
    past_end[1] = 0x20; // SEQUENCE claims more than there is
    let mut inner_past_end = good.clone();
    inner_past_end[3] = 0x10; // r claims more than the SEQUENCE holds
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", vec![]),
        ("header only", vec![0x30]),
        ("not a sequence", {
            let mut d = good.clone();
            d[0] = 0x31;
            d
        }),
        ("trailing garbage", trailing),
        ("sequence past the end", past_end),
        ("integer past the end", inner_past_end),
        ("long-form length", {
            let mut d = vec![0x30, 0x81, 0x06];
            d.extend_from_slice(&good[2..]);
            d
        }),
        (
            "r longer than 33 bytes",
            der_from_integers(&[0x01; 34], &one),
        ),
        (
            "s 33 bytes without sign byte",
            der_from_integers(&one, &[0x01; 33]),
        ),
        ("negative r", der_from_integers(&[0x80], &one)),
        ("one integer", vec![0x30, 0x03, 0x02, 0x01, 0x01]),
        ("zero-length r", der_from_integers(&[], &one)),
    ];
    for (name, der) in &cases {
        assert!(to_raw(der).is_none(), "bounded: {name}");
    }
}

#[test]
fn v3_reads_only_the_announced_length() {
    // der[1] >= 0x80 (long form) or above 70 is rejected without reading further.
    for len_byte in [0x80u8, 0x81, 0xff, 71, 0x7f] {
        let der = [0x30, len_byte];
        assert!(to_raw_v3(&der).is_none(), "length byte {len_byte:#x}");
    }
    // Not a SEQUENCE: only der[0] is read.
    assert!(to_raw_v3(&[0x31]).is_none());
    // Trailing bytes after the announced length are simply not read: the signature converts.
    let mut der = der_from_integers(&[0x01], &[0x02]);
    der.extend_from_slice(&[0xde, 0xad]);
    let mut expected = [0u8; 64];
    expected[31] = 1;
    expected[63] = 2;
    assert_eq!(to_raw_v3(&der).unwrap(), expected);
    // A SEQUENCE whose announced content is malformed inside is rejected.
    let mut bad = der_from_integers(&[0x01], &[0x02]);
    bad[5] = 0x05; // s claims more than the SEQUENCE holds
    assert!(to_raw_v3(&bad).is_none());
    // r longer than 33 bytes within a plausible header.
    let long = der_from_integers(&[0x01; 34], &[0x01]);
    assert!(long[1] <= 70);
    assert!(to_raw_v3(&long).is_none());
}
