//! Minimal, strict DER reading and writing.
//!
//! The token only needs a handful of ASN.1 structures: OCTET STRING wrappers (for example
//! `CKA_EC_POINT`), the P-256 curve OID (`CKA_EC_PARAMS`), the fields of an X.509 certificate
//! that PKCS #11 exposes as attributes (`CKA_SERIAL_NUMBER`, `CKA_ISSUER`, `CKA_SUBJECT`) and
//! its SubjectPublicKeyInfo. This module reads exactly that, and rejects anything that is not
//! distinguished encoding: indefinite or non-minimal lengths, high tag numbers, lengths that
//! run past the input, and trailing bytes where a single element is expected.
//!
//! Every function here takes untrusted input and returns `None` on malformed data; none of them
//! panics.

use alloc::vec::Vec;

/// Tag of an ASN.1 INTEGER.
const TAG_INTEGER: u8 = 0x02;
/// Tag of an ASN.1 BIT STRING.
const TAG_BIT_STRING: u8 = 0x03;
/// Tag of an ASN.1 OCTET STRING.
const TAG_OCTET_STRING: u8 = 0x04;
/// Tag of a constructed ASN.1 SEQUENCE.
const TAG_SEQUENCE: u8 = 0x30;
/// Tag of the `[0] EXPLICIT` version field of a tbsCertificate.
const TAG_CONTEXT_0: u8 = 0xa0;

/// Largest number of length octets accepted in long form (lengths up to 2^32 - 1).
const MAX_LENGTH_OCTETS: usize = 4;

/// DER encoding (tag, length and value) of the object identifier 1.2.840.10045.3.1.7,
/// the named curve `prime256v1` / `secp256r1` / NIST P-256, as found in `CKA_EC_PARAMS`.
pub const OID_P256: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];

/// Reads one DER element from the front of `input`.
///
/// Returns `(tag, value, rest)`, where `value` is the element's contents and `rest` the bytes
/// after it. Only single-byte tags are accepted (the high tag number form, low five bits
/// `0x1f`, is rejected) and only definite, minimally encoded lengths of at most four length
/// octets: `0x80` (indefinite), `0x81 xx` with `xx < 0x80`, length octets with a leading zero
/// and lengths that do not fit in the remaining input all give `None`.
pub fn read_tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, after_tag) = input.split_first()?;
    if tag & 0x1f == 0x1f {
        return None;
    }
    let (&first, after_first) = after_tag.split_first()?;
    let (len, after_len) = if first < 0x80 {
        (usize::from(first), after_first)
    } else {
        let count = usize::from(first & 0x7f);
        // 0x80 is the indefinite form; 0xff is reserved and caught by the upper bound.
        if count == 0 || count > MAX_LENGTH_OCTETS {
            return None;
        }
        let octets = after_first.get(..count)?;
        let after_len = after_first.get(count..)?;
        if octets.first() == Some(&0) {
            return None;
        }
        let mut len: u32 = 0;
        for &octet in octets {
            len = (len << 8) | u32::from(octet);
        }
        if len < 0x80 {
            // Would have fitted the short form.
            return None;
        }
        (usize::try_from(len).ok()?, after_len)
    };
    let value = after_len.get(..len)?;
    let rest = after_len.get(len..)?;
    Some((tag, value, rest))
}

/// Reads one element that must have tag `expected`; returns `(tlv, value, rest)`, where `tlv`
/// is the complete encoding of the element (tag, length and value).
fn expect_element(input: &[u8], expected: u8) -> Option<(&[u8], &[u8], &[u8])> {
    let (tag, value, rest) = read_tlv(input)?;
    if tag != expected {
        return None;
    }
    let tlv = input.get(..input.len().checked_sub(rest.len())?)?;
    Some((tlv, value, rest))
}

/// Appends the minimal DER encoding of the length `len` to `out`.
///
/// Lengths below 128 take one byte; larger ones take `0x80 | n` followed by the `n`
/// big-endian length octets without leading zeros.
pub fn push_len(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        // Lossless: len < 0x80.
        out.push(len as u8);
        return;
    }
    let bytes = len.to_be_bytes();
    let skip = bytes.iter().take_while(|&&b| b == 0).count();
    let significant = bytes.get(skip..).unwrap_or(&[]);
    // At most size_of::<usize>() (≤ 16) octets, so the count fits in the low seven bits.
    out.push(0x80 | significant.len() as u8);
    out.extend_from_slice(significant);
}

/// Appends one DER element with tag `tag` and contents `value` to `out`.
pub fn push_tlv(out: &mut Vec<u8>, tag: u8, value: &[u8]) {
    out.push(tag);
    push_len(out, value.len());
    out.extend_from_slice(value);
}

/// Returns the DER encoding of an OCTET STRING holding `value`.
pub fn octet_string(value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len() + 6);
    push_tlv(&mut out, TAG_OCTET_STRING, value);
    out
}

/// Parses `der` as exactly one OCTET STRING (nothing before or after it) and returns its
/// contents.
pub fn parse_octet_string(der: &[u8]) -> Option<&[u8]> {
    let (tag, value, rest) = read_tlv(der)?;
    (tag == TAG_OCTET_STRING && rest.is_empty()).then_some(value)
}

/// The fields of an X.509 certificate that PKCS #11 exposes as certificate attributes.
///
/// Each field is the complete DER element (tag, length and contents) borrowed from the
/// certificate, which is what `CKA_SERIAL_NUMBER`, `CKA_ISSUER` and `CKA_SUBJECT` hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CertificateFields<'a> {
    /// The serialNumber INTEGER element (`02 len ...`).
    pub serial_number: &'a [u8],
    /// The issuer Name SEQUENCE element (`30 len ...`).
    pub issuer: &'a [u8],
    /// The subject Name SEQUENCE element (`30 len ...`).
    pub subject: &'a [u8],
}

/// Walks a certificate and returns its attribute fields and its SubjectPublicKeyInfo element.
///
/// Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm SEQUENCE, signatureValue
/// BIT STRING }, with nothing after it; tbsCertificate ::= SEQUENCE { [0] EXPLICIT version
/// OPTIONAL, serialNumber INTEGER, signature SEQUENCE, issuer SEQUENCE, validity SEQUENCE,
/// subject SEQUENCE, subjectPublicKeyInfo SEQUENCE, ... }. The optional fields after the
/// SubjectPublicKeyInfo (unique IDs, extensions) are not examined.
pub(crate) fn parse_certificate_parts(der: &[u8]) -> Option<(CertificateFields<'_>, &[u8])> {
    let (_, certificate, after) = expect_element(der, TAG_SEQUENCE)?;
    if !after.is_empty() {
        return None;
    }
    let (_, tbs, rest) = expect_element(certificate, TAG_SEQUENCE)?;
    let (_, _, rest) = expect_element(rest, TAG_SEQUENCE)?; // signatureAlgorithm
    let (_, _, rest) = expect_element(rest, TAG_BIT_STRING)?; // signatureValue
    if !rest.is_empty() {
        return None;
    }

    let mut fields = tbs;
    if fields.first() == Some(&TAG_CONTEXT_0) {
        let (_, version, rest) = expect_element(fields, TAG_CONTEXT_0)?;
        // The explicit tag wraps exactly one INTEGER.
        let (_, number, inner_rest) = expect_element(version, TAG_INTEGER)?;
        if number.is_empty() || !inner_rest.is_empty() {
            return None;
        }
        fields = rest;
    }
    let (serial_number, serial_value, rest) = expect_element(fields, TAG_INTEGER)?;
    if serial_value.is_empty() {
        return None;
    }
    let (_, _, rest) = expect_element(rest, TAG_SEQUENCE)?; // signature AlgorithmIdentifier
    let (issuer, _, rest) = expect_element(rest, TAG_SEQUENCE)?;
    let (_, _, rest) = expect_element(rest, TAG_SEQUENCE)?; // validity
    let (subject, _, rest) = expect_element(rest, TAG_SEQUENCE)?;
    let (public_key_info, _, _) = expect_element(rest, TAG_SEQUENCE)?;
    Some((
        CertificateFields {
            serial_number,
            issuer,
            subject,
        },
        public_key_info,
    ))
}

/// Parses a DER X.509 certificate and returns its serial number, issuer and subject elements.
///
/// `der` must be exactly one Certificate SEQUENCE whose tbsCertificate holds, in order, an
/// optional `[0]` version, the serialNumber INTEGER, the signature AlgorithmIdentifier, the
/// issuer Name, the validity, the subject Name and the SubjectPublicKeyInfo; the certificate
/// must end with its signatureAlgorithm SEQUENCE and signatureValue BIT STRING. Anything else
/// gives `None`.
pub fn parse_certificate(der: &[u8]) -> Option<CertificateFields<'_>> {
    parse_certificate_parts(der).map(|(fields, _)| fields)
}

/// Returns the complete SubjectPublicKeyInfo SEQUENCE element of a DER X.509 certificate (the
/// element after the subject), with the same structural checks as [`parse_certificate`].
pub fn certificate_public_key_info(der: &[u8]) -> Option<&[u8]> {
    parse_certificate_parts(der).map(|(_, spki)| spki)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    /// Self-signed P-256 certificate made with
    /// `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes
    ///  -subj /CN=core-pkcs11-test/O=Test -days 3650 -outform DER` (OpenSSL 3.0.19).
    /// `openssl x509 -noout -subject -issuer -serial` says:
    /// subject=CN = core-pkcs11-test, O = Test; issuer=CN = core-pkcs11-test, O = Test;
    /// serial=77C4AE7B221678DE7D2F622F37EDB1A79B35B22E.
    const SELF_SIGNED: &[u8] = include_bytes!("../tests/data/p256_cert.der");

    /// `openssl asn1parse` offset 13, hl=2 l=20: the serialNumber INTEGER.
    const SELF_SIGNED_SERIAL: &str = "021477c4ae7b221678de7d2f622f37edb1a79b35b22e";
    /// Offsets 47 (issuer) and 123 (subject), hl=2 l=42: SEQUENCE { SET { CN }, SET { O } }.
    const SELF_SIGNED_NAME: &str = "302a3119301706035504030c10636f72652d706b637331312d7465737431\
                                    0d300b060355040a0c0454657374";
    /// Offset 167, hl=2 l=89: SubjectPublicKeyInfo (id-ecPublicKey, prime256v1, point).
    const SELF_SIGNED_SPKI: &str = "3059301306072a8648ce3d020106082a8648ce3d03010703420004e99d\
                                    dcc804cffc415482de63c19796d86929914bba11ec67269419c8bfc7b5\
                                    9ec0d3b39132cb67696f14dfb5b9352ad3f639455843445d2ac3ab6091\
                                    070a4ac2";

    /// Version 1 certificate (no `[0]` version field) for CN=core-pkcs11-leaf,O=Test signed by
    /// a throw-away CA CN=core-pkcs11-test-ca, made with `openssl x509 -req -set_serial 0x00ff01`.
    /// `openssl x509 -noout -subject -issuer -serial` says: subject=CN = core-pkcs11-leaf,
    /// O = Test; issuer=CN = core-pkcs11-test-ca; serial=FF01. Its tbsCertificate length uses
    /// the long form (`30 81 d8`).
    const LEAF_V1: &[u8] = include_bytes!("../tests/data/p256_leaf_v1.der");
    /// Offset 7, hl=2 l=3: INTEGER 0xff01 with its sign byte.
    const LEAF_SERIAL: &str = "020300ff01";
    /// Offset 24, hl=2 l=30.
    const LEAF_ISSUER: &str = "301e311c301a06035504030c13636f72652d706b637331312d746573742d6361";
    /// Offset 88, hl=2 l=42.
    const LEAF_SUBJECT: &str = "302a3119301706035504030c10636f72652d706b637331312d6c656166310d\
                                300b060355040a0c0454657374";
    /// Offset 132, hl=2 l=89.
    const LEAF_SPKI: &str = "3059301306072a8648ce3d020106082a8648ce3d03010703420004285ec3a2ec\
                             17825154f228b3c25e445a7575b631b1132666dfe5523f461ad36c45947f53ae\
                             9e17f0df97b6da638593c9037cefeb6655651b68ea35fd16c0ecf8";

    fn unhex(s: &str) -> Vec<u8> {
        hex::decode(s.replace(' ', "")).expect("test hex")
    }

    #[test]
    fn read_tlv_short_form() {
        let input = [0x04, 0x02, 0xaa, 0xbb, 0x05, 0x00];
        let (tag, value, rest) = read_tlv(&input).unwrap();
        assert_eq!(tag, 0x04);
        assert_eq!(value, &[0xaa, 0xbb]);
        assert_eq!(rest, &[0x05, 0x00]);
        let (tag, value, rest) = read_tlv(rest).unwrap();
        assert_eq!((tag, value, rest), (0x05, &[][..], &[][..]));
    }

    #[test]
    fn read_tlv_long_forms() {
        let mut input = vec![0x04, 0x81, 0x80];
        input.extend_from_slice(&[0x11; 0x80]);
        let (_, value, rest) = read_tlv(&input).unwrap();
        assert_eq!(value.len(), 0x80);
        assert!(rest.is_empty());

        let mut input = vec![0x04, 0x82, 0x01, 0x00];
        input.extend_from_slice(&[0x22; 0x101]);
        let (_, value, rest) = read_tlv(&input).unwrap();
        assert_eq!(value.len(), 0x100);
        assert_eq!(rest, &[0x22]);
    }

    #[test]
    fn read_tlv_rejects_bad_lengths() {
        // Empty input, tag only.
        assert_eq!(read_tlv(&[]), None);
        assert_eq!(read_tlv(&[0x04]), None);
        // Indefinite length.
        assert_eq!(read_tlv(&[0x30, 0x80, 0x00, 0x00]), None);
        // Long form for a length that fits the short form.
        assert_eq!(read_tlv(&[0x04, 0x81, 0x7f]), None);
        assert_eq!(read_tlv(&[0x04, 0x81, 0x01, 0x00]), None);
        // Leading zero length octet.
        let mut padded = vec![0x04, 0x82, 0x00, 0x80];
        padded.extend_from_slice(&[0; 0x80]);
        assert_eq!(read_tlv(&padded), None);
        // More than four length octets, and the reserved 0xff.
        assert_eq!(read_tlv(&[0x04, 0x85, 0x01, 0x00, 0x00, 0x00, 0x00]), None);
        assert_eq!(read_tlv(&[0x04, 0xff, 0x01]), None);
        // Length octets missing.
        assert_eq!(read_tlv(&[0x04, 0x82, 0x01]), None);
        // Length past the input.
        assert_eq!(read_tlv(&[0x04, 0x03, 0x00, 0x00]), None);
        assert_eq!(read_tlv(&[0x04, 0x84, 0xff, 0xff, 0xff, 0xff, 0x00]), None);
        assert_eq!(read_tlv(&[0x04, 0x81, 0x80, 0x00]), None);
    }

    #[test]
    fn read_tlv_rejects_high_tag_number_form() {
        assert_eq!(read_tlv(&[0x1f, 0x01, 0x00]), None);
        assert_eq!(read_tlv(&[0xbf, 0x22, 0x00]), None);
        assert_eq!(read_tlv(&[0x7f, 0x00]), None);
        // 0x1e is still the low tag number form.
        assert!(read_tlv(&[0x1e, 0x00]).is_some());
    }

    #[test]
    fn push_len_is_minimal_and_round_trips() {
        let cases: &[(usize, &[u8])] = &[
            (0, &[0x00]),
            (0x7f, &[0x7f]),
            (0x80, &[0x81, 0x80]),
            (0xff, &[0x81, 0xff]),
            (0x100, &[0x82, 0x01, 0x00]),
            (0xffff, &[0x82, 0xff, 0xff]),
            (0x1_0000, &[0x83, 0x01, 0x00, 0x00]),
        ];
        for &(len, expected) in cases {
            let mut out = Vec::new();
            push_len(&mut out, len);
            assert_eq!(out, expected, "length {len}");
        }
        for len in [0usize, 1, 0x7f, 0x80, 0x81, 0xff, 0x100, 0x1234, 0x1_0001] {
            let value = vec![0x5a; len];
            let mut der = Vec::new();
            push_tlv(&mut der, 0x04, &value);
            let (tag, parsed, rest) = read_tlv(&der).unwrap();
            assert_eq!(tag, 0x04);
            assert_eq!(parsed, &value[..]);
            assert!(rest.is_empty());
        }
    }

    #[test]
    fn octet_string_round_trip() {
        assert_eq!(octet_string(&[]), [0x04, 0x00]);
        let point = [0x04; 65];
        let der = octet_string(&point);
        assert_eq!(&der[..2], &[0x04, 0x41]);
        assert_eq!(parse_octet_string(&der), Some(&point[..]));
        let big = [0x33; 200];
        let der = octet_string(&big);
        assert_eq!(&der[..3], &[0x04, 0x81, 0xc8]);
        assert_eq!(parse_octet_string(&der), Some(&big[..]));
    }

    #[test]
    fn parse_octet_string_rejects_other_input() {
        assert_eq!(parse_octet_string(&[]), None);
        // Wrong tag.
        assert_eq!(parse_octet_string(&[0x03, 0x01, 0x00]), None);
        // Trailing garbage.
        assert_eq!(parse_octet_string(&[0x04, 0x01, 0x00, 0x00]), None);
        // Two strings.
        assert_eq!(parse_octet_string(&[0x04, 0x00, 0x04, 0x00]), None);
        // Truncated.
        assert_eq!(parse_octet_string(&[0x04, 0x02, 0x00]), None);
    }

    #[test]
    fn oid_p256_matches_the_certificate() {
        assert_eq!(OID_P256, unhex("06082a8648ce3d030107"));
        // openssl asn1parse offset 180: OBJECT :prime256v1.
        assert_eq!(&SELF_SIGNED[180..190], OID_P256);
    }

    #[test]
    fn parses_self_signed_certificate() {
        let fields = parse_certificate(SELF_SIGNED).unwrap();
        assert_eq!(fields.serial_number, unhex(SELF_SIGNED_SERIAL));
        assert_eq!(fields.issuer, unhex(SELF_SIGNED_NAME));
        assert_eq!(fields.subject, unhex(SELF_SIGNED_NAME));
        // The slices are the elements at openssl asn1parse's offsets.
        assert_eq!(fields.serial_number, &SELF_SIGNED[13..35]);
        assert_eq!(fields.issuer, &SELF_SIGNED[47..91]);
        assert_eq!(fields.subject, &SELF_SIGNED[123..167]);
        assert_eq!(
            certificate_public_key_info(SELF_SIGNED).unwrap(),
            unhex(SELF_SIGNED_SPKI)
        );
    }

    #[test]
    fn parses_version_1_certificate_with_distinct_issuer() {
        let fields = parse_certificate(LEAF_V1).unwrap();
        assert_eq!(fields.serial_number, unhex(LEAF_SERIAL));
        assert_eq!(fields.issuer, unhex(LEAF_ISSUER));
        assert_eq!(fields.subject, unhex(LEAF_SUBJECT));
        assert_ne!(fields.issuer, fields.subject);
        assert_eq!(
            certificate_public_key_info(LEAF_V1).unwrap(),
            unhex(LEAF_SPKI)
        );
    }

    #[test]
    fn every_truncation_is_rejected() {
        for cert in [SELF_SIGNED, LEAF_V1] {
            for len in 0..cert.len() {
                assert_eq!(parse_certificate(&cert[..len]), None, "length {len}");
                assert_eq!(certificate_public_key_info(&cert[..len]), None);
                // Reading the prefix never panics, whatever it returns.
                let _ = read_tlv(&cert[..len]);
                let _ = parse_octet_string(&cert[..len]);
            }
        }
    }

    #[test]
    fn trailing_garbage_is_rejected() {
        for extra in [&[0x00][..], &[0x30, 0x00], &[0xff, 0xff, 0xff]] {
            let mut der = SELF_SIGNED.to_vec();
            der.extend_from_slice(extra);
            assert_eq!(parse_certificate(&der), None);
            assert_eq!(certificate_public_key_info(&der), None);
        }
    }

    #[test]
    fn long_form_length_abuse_is_rejected() {
        // Re-encode the outer length with a redundant leading zero: 30 83 00 01 a9.
        let mut der = vec![0x30, 0x83, 0x00, 0x01, 0xa9];
        der.extend_from_slice(&SELF_SIGNED[4..]);
        assert_eq!(parse_certificate(&der), None);
        // Indefinite outer length.
        let mut der = vec![0x30, 0x80];
        der.extend_from_slice(&SELF_SIGNED[4..]);
        der.extend_from_slice(&[0x00, 0x00]);
        assert_eq!(parse_certificate(&der), None);
        // Outer length larger than the input.
        let mut der = SELF_SIGNED.to_vec();
        der[3] = der[3].wrapping_add(1);
        assert_eq!(parse_certificate(&der), None);
        // Outer length one short, leaving a trailing byte inside nothing.
        let mut der = SELF_SIGNED.to_vec();
        der[3] = der[3].wrapping_sub(1);
        assert_eq!(parse_certificate(&der), None);
        // Length claiming 4 GiB.
        let mut der = vec![0x30, 0x84, 0xff, 0xff, 0xff, 0xff];
        der.extend_from_slice(&SELF_SIGNED[4..]);
        assert_eq!(parse_certificate(&der), None);
    }

    #[test]
    fn structural_changes_are_rejected() {
        // Serial number tag changed from INTEGER to OCTET STRING.
        let mut der = SELF_SIGNED.to_vec();
        assert_eq!(der[13], 0x02);
        der[13] = 0x04;
        assert_eq!(parse_certificate(&der), None);
        // Version field tag changed from [0] to [1].
        let mut der = SELF_SIGNED.to_vec();
        assert_eq!(der[8], 0xa0);
        der[8] = 0xa1;
        assert_eq!(parse_certificate(&der), None);
        // Outer tag not a SEQUENCE.
        let mut der = SELF_SIGNED.to_vec();
        der[0] = 0x31;
        assert_eq!(parse_certificate(&der), None);
        // The bare tbsCertificate is not a certificate.
        assert_eq!(parse_certificate(&SELF_SIGNED[4..343]), None);
        // Empty SEQUENCE.
        assert_eq!(parse_certificate(&[0x30, 0x00]), None);
    }

    #[test]
    fn random_bytes_never_panic() {
        // xorshift64*: deterministic, good enough to vary inputs.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            state.wrapping_mul(0x2545_f491_4f6c_dd1d)
        };
        for _ in 0..2000 {
            let len = (next() % 64) as usize;
            let input: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            let _ = read_tlv(&input);
            let _ = parse_octet_string(&input);
            let _ = parse_certificate(&input);
            // Also flip bytes of a real certificate.
            let mut cert = SELF_SIGNED.to_vec();
            let pos = (next() as usize) % cert.len();
            cert[pos] ^= (next() as u8) | 1;
            let _ = parse_certificate(&cert);
            let _ = certificate_public_key_info(&cert);
        }
    }
}
