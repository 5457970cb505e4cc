//! The little DER the firmware needs: reading a SEC1 EC private key (import flow) and a
//! certificate's subject common name (console lines), writing a PKCS #10 request, and the
//! ECDSA signature conversion r‖s → DER `Ecdsa-Sig-Value`.

use alloc::string::String;
use alloc::vec::Vec;

/// One TLV: its tag, its content, and what follows it.
fn tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (first as usize, rest)
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 3 || rest.len() < n {
            return None;
        }
        let len = rest[..n].iter().fold(0usize, |a, &b| (a << 8) | b as usize);
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    Some((tag, &rest[..len], &rest[len..]))
}

/// The content of a TLV that must carry `tag`, and what follows it.
fn expect(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (t, content, rest) = tlv(input)?;
    (t == tag).then_some((content, rest))
}

/// The private scalar (32 bytes) of a SEC1 `ECPrivateKey` (RFC 5915) on P-256, as
/// `openssl ec -outform DER` writes it. Curve parameters, when present, must be P-256.
pub fn sec1_p256_private_key(der: &[u8]) -> Option<Vec<u8>> {
    let (seq, _) = expect(der, 0x30)?;
    let (version, rest) = expect(seq, 0x02)?;
    if version != [1] {
        return None;
    }
    let (scalar, rest) = expect(rest, 0x04)?;
    if let Some((0xa0, params, _)) = tlv(rest) {
        if params != crate::pkcs11::EC_PARAMS_P256 {
            return None;
        }
    }
    // Left-pad to 32 bytes (a scalar with leading zero bytes may be shorter).
    if scalar.is_empty() || scalar.len() > 32 {
        return None;
    }
    let mut out = alloc::vec![0u8; 32 - scalar.len()];
    out.extend_from_slice(scalar);
    Some(out)
}

/// The subject of an X.509 certificate as "CN=..., O=..." (CN, O and OU only; enough for
/// console lines).
pub fn certificate_subject(der: &[u8]) -> Option<String> {
    let (cert, _) = expect(der, 0x30)?;
    let (tbs, _) = expect(cert, 0x30)?;
    let mut rest = tbs;
    if let Some((0xa0, _, after)) = tlv(rest) {
        rest = after; // [0] version
    }
    let (_, _, rest) = tlv(rest)?; // serialNumber
    let (_, _, rest) = tlv(rest)?; // signature
    let (_, _, rest) = tlv(rest)?; // issuer
    let (_, _, rest) = tlv(rest)?; // validity
    let (subject, _) = expect(rest, 0x30)?;
    Some(name_to_string(subject))
}

fn name_to_string(mut rdns: &[u8]) -> String {
    let mut out = String::new();
    while let Some((0x31, set, after)) = tlv(rdns) {
        rdns = after;
        let Some((atv, _)) = expect(set, 0x30) else {
            continue;
        };
        let Some((oid, value)) = expect(atv, 0x06) else {
            continue;
        };
        let key = match oid {
            [0x55, 0x04, 0x03] => "CN",
            [0x55, 0x04, 0x0a] => "O",
            [0x55, 0x04, 0x0b] => "OU",
            _ => continue,
        };
        if let Some((_, text, _)) = tlv(value) {
            if !out.is_empty() {
                out.push_str(", ");
            }
            out.push_str(key);
            out.push('=');
            out.push_str(core::str::from_utf8(text).unwrap_or("?"));
        }
    }
    out
}

/// Appends a TLV with `tag` and `content`.
pub fn put(out: &mut Vec<u8>, tag: u8, content: &[u8]) {
    out.push(tag);
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else if n < 0x100 {
        out.extend_from_slice(&[0x81, n as u8]);
    } else {
        out.extend_from_slice(&[0x82, (n >> 8) as u8, n as u8]);
    }
    out.extend_from_slice(content);
}

fn tlv_vec(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(content.len() + 4);
    put(&mut v, tag, content);
    v
}

/// A DER INTEGER holding the unsigned big-endian `bytes`.
fn put_unsigned_integer(out: &mut Vec<u8>, bytes: &[u8]) {
    let mut b = bytes;
    while b.len() > 1 && b[0] == 0 {
        b = &b[1..];
    }
    let mut content = Vec::with_capacity(b.len() + 1);
    if b.first().is_some_and(|&x| x & 0x80 != 0) {
        content.push(0);
    }
    content.extend_from_slice(b);
    put(out, 0x02, &content);
}

/// r‖s (2 × 32 bytes, what the token's CKM_ECDSA returns) → DER `SEQUENCE { r, s }`,
/// what TLS 1.3's CertificateVerify and X.509/PKCS #10 carry. `None` if not 64 bytes.
pub fn ecdsa_raw_to_der(raw: &[u8]) -> Option<Vec<u8>> {
    if raw.len() != 64 {
        return None;
    }
    let mut ints = Vec::with_capacity(72);
    put_unsigned_integer(&mut ints, &raw[..32]);
    put_unsigned_integer(&mut ints, &raw[32..]);
    Some(tlv_vec(0x30, &ints))
}

/// OIDs.
const OID_EC_PUBLIC_KEY: [u8; 7] = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const OID_ECDSA_WITH_SHA256: [u8; 8] = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
const OID_CN: [u8; 3] = [0x55, 0x04, 0x03];
const OID_O: [u8; 3] = [0x55, 0x04, 0x0a];

/// The `CertificationRequestInfo` (PKCS #10) for a P-256 public key (`point`: 65 bytes,
/// 04‖X‖Y) and the subject O=`organisation`, CN=`common_name`, without attributes.
pub fn csr_info(point: &[u8], organisation: &str, common_name: &str) -> Vec<u8> {
    let mut rdns = Vec::new();
    for (oid, value) in [(&OID_O[..], organisation), (&OID_CN[..], common_name)] {
        let mut atv = Vec::new();
        put(&mut atv, 0x06, oid);
        put(&mut atv, 0x0c, value.as_bytes()); // UTF8String
        let set = tlv_vec(0x30, &atv);
        put(&mut rdns, 0x31, &set);
    }
    let mut alg = Vec::new();
    put(&mut alg, 0x06, &OID_EC_PUBLIC_KEY);
    alg.extend_from_slice(&crate::pkcs11::EC_PARAMS_P256);
    let mut spki = Vec::new();
    put(&mut spki, 0x30, &alg);
    let mut bits = Vec::with_capacity(point.len() + 1);
    bits.push(0); // no unused bits
    bits.extend_from_slice(point);
    put(&mut spki, 0x03, &bits);

    let mut info = Vec::new();
    put(&mut info, 0x02, &[0]); // version 0 (v1)
    put(&mut info, 0x30, &rdns);
    put(&mut info, 0x30, &spki);
    put(&mut info, 0xa0, &[]); // attributes: none
    tlv_vec(0x30, &info)
}

/// The whole `CertificationRequest` from its signed info and the DER ECDSA signature.
pub fn csr(info: &[u8], der_signature: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(info);
    let mut alg = Vec::new();
    put(&mut alg, 0x06, &OID_ECDSA_WITH_SHA256);
    put(&mut body, 0x30, &alg);
    let mut bits = Vec::with_capacity(der_signature.len() + 1);
    bits.push(0);
    bits.extend_from_slice(der_signature);
    put(&mut body, 0x03, &bits);
    tlv_vec(0x30, &body)
}

/// The SEC1 point inside CKA_EC_POINT (a DER OCTET STRING, or the bare point).
pub fn ec_point_from_attribute(value: &[u8]) -> Option<&[u8]> {
    match expect(value, 0x04) {
        Some((point, [])) if point.len() == 65 && point[0] == 4 => Some(point),
        _ if value.len() == 65 && value[0] == 4 => Some(value),
        _ => None,
    }
}
