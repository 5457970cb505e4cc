//! The DER the tool reads and writes: SubjectPublicKeyInfo, X.501 names, PKCS #10 requests.
//!
//! Built on the engine's DER primitives (`read_tlv`, `push_tlv`).

use crate::error::{Failure, Result};
use core_pkcs11_engine::der::{push_tlv, read_tlv};

/// DER tags used here.
pub mod tag {
    /// INTEGER.
    pub const INTEGER: u8 = 0x02;
    /// BIT STRING.
    pub const BIT_STRING: u8 = 0x03;
    /// OCTET STRING.
    pub const OCTET_STRING: u8 = 0x04;
    /// NULL.
    pub const NULL: u8 = 0x05;
    /// OBJECT IDENTIFIER.
    pub const OID: u8 = 0x06;
    /// UTF8String.
    pub const UTF8_STRING: u8 = 0x0c;
    /// PrintableString.
    pub const PRINTABLE_STRING: u8 = 0x13;
    /// IA5String.
    pub const IA5_STRING: u8 = 0x16;
    /// SEQUENCE.
    pub const SEQUENCE: u8 = 0x30;
    /// SET.
    pub const SET: u8 = 0x31;
    /// `[0]` constructed, context-specific.
    pub const CONTEXT_0: u8 = 0xa0;
}

/// Object identifiers (DER contents, without tag and length).
pub mod oid {
    /// id-ecPublicKey, 1.2.840.10045.2.1.
    pub const EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
    /// prime256v1 / secp256r1 / P-256, 1.2.840.10045.3.1.7.
    pub const P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
    /// rsaEncryption, 1.2.840.113549.1.1.1.
    pub const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    /// ecdsa-with-SHA256, 1.2.840.10045.4.3.2.
    pub const ECDSA_WITH_SHA256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
    /// sha256WithRSAEncryption, 1.2.840.113549.1.1.11.
    pub const SHA256_WITH_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b];
}

/// Names of key algorithms and curves the tool recognises (to say what it does not support).
const KNOWN_OIDS: &[(&[u8], &str)] = &[
    (oid::EC_PUBLIC_KEY, "EC"),
    (oid::RSA_ENCRYPTION, "RSA"),
    (
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a],
        "RSA-PSS",
    ),
    (&[0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01], "DSA"),
    (&[0x2b, 0x65, 0x70], "Ed25519"),
    (&[0x2b, 0x65, 0x71], "Ed448"),
    (&[0x2b, 0x65, 0x6e], "X25519"),
    (&[0x2b, 0x65, 0x6f], "X448"),
    (oid::P256, "P-256 (prime256v1)"),
    (&[0x2b, 0x81, 0x04, 0x00, 0x22], "P-384 (secp384r1)"),
    (&[0x2b, 0x81, 0x04, 0x00, 0x23], "P-521 (secp521r1)"),
    (&[0x2b, 0x81, 0x04, 0x00, 0x0a], "secp256k1"),
    (
        &[0x2b, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x07],
        "brainpoolP256r1",
    ),
    (&[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x01], "P-192"),
];

/// A readable name for an algorithm or curve OID (dotted form when unknown).
pub fn oid_name(oid: &[u8]) -> String {
    KNOWN_OIDS
        .iter()
        .find(|(o, _)| *o == oid)
        .map(|(_, n)| n.to_string())
        .unwrap_or_else(|| format!("OID {}", dotted(oid)))
}

/// The dotted-decimal text of an OID's contents.
pub fn dotted(oid: &[u8]) -> String {
    let mut parts: Vec<u64> = Vec::new();
    let mut value: u64 = 0;
    for &b in oid {
        value = (value << 7) | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            if parts.is_empty() {
                let first = (value / 40).min(2);
                parts.push(first);
                parts.push(value - first * 40);
            } else {
                parts.push(value);
            }
            value = 0;
        }
    }
    parts
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

/// One DER element: its tag and contents.
pub fn element(tag: u8, value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len() + 6);
    push_tlv(&mut out, tag, value);
    out
}

/// A SEQUENCE of the concatenated `parts`.
pub fn sequence(parts: &[&[u8]]) -> Vec<u8> {
    element(tag::SEQUENCE, &parts.concat())
}

/// A non-negative INTEGER from big-endian magnitude bytes.
pub fn unsigned_integer(magnitude: &[u8]) -> Vec<u8> {
    let trimmed = core_pkcs11_engine::key::trim_be(magnitude);
    let mut contents = Vec::with_capacity(trimmed.len() + 1);
    if trimmed.first().is_none_or(|b| b & 0x80 != 0) {
        contents.push(0);
    }
    contents.extend_from_slice(trimmed);
    element(tag::INTEGER, &contents)
}

/// A BIT STRING with no unused bits.
pub fn bit_string(bytes: &[u8]) -> Vec<u8> {
    let mut contents = Vec::with_capacity(bytes.len() + 1);
    contents.push(0);
    contents.extend_from_slice(bytes);
    element(tag::BIT_STRING, &contents)
}

/// SubjectPublicKeyInfo of a P-256 key from its SEC1 point (`04 ‖ X ‖ Y`).
pub fn ec_spki(point: &[u8]) -> Vec<u8> {
    let algorithm = sequence(&[
        &element(tag::OID, oid::EC_PUBLIC_KEY),
        &element(tag::OID, oid::P256),
    ]);
    sequence(&[&algorithm, &bit_string(point)])
}

/// SubjectPublicKeyInfo of an RSA key from its modulus and public exponent.
pub fn rsa_spki(modulus: &[u8], exponent: &[u8]) -> Vec<u8> {
    let algorithm = sequence(&[
        &element(tag::OID, oid::RSA_ENCRYPTION),
        &element(tag::NULL, &[]),
    ]);
    let key = sequence(&[&unsigned_integer(modulus), &unsigned_integer(exponent)]);
    sequence(&[&algorithm, &bit_string(&key)])
}

/// A reader over consecutive DER elements.
pub struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    /// Reads the elements of `input`.
    pub fn new(input: &'a [u8]) -> Self {
        Reader { rest: input }
    }

    /// True when every element was read.
    pub fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// The tag of the next element, if any.
    pub fn peek_tag(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    /// The next element (any tag): `(tag, contents)`.
    pub fn any(&mut self) -> Option<(u8, &'a [u8])> {
        let (t, value, rest) = read_tlv(self.rest)?;
        self.rest = rest;
        Some((t, value))
    }

    /// The next element, which must have tag `expected`: its contents.
    pub fn expect(&mut self, expected: u8) -> Option<&'a [u8]> {
        let (t, value, rest) = read_tlv(self.rest)?;
        if t != expected {
            return None;
        }
        self.rest = rest;
        Some(value)
    }
}

/// Attribute types of distinguished names: (short name, OID contents, value string tag).
const NAME_ATTRIBUTES: &[(&str, &[u8], u8)] = &[
    ("CN", &[0x55, 0x04, 0x03], tag::UTF8_STRING),
    ("SN", &[0x55, 0x04, 0x04], tag::UTF8_STRING),
    ("serialNumber", &[0x55, 0x04, 0x05], tag::PRINTABLE_STRING),
    ("C", &[0x55, 0x04, 0x06], tag::PRINTABLE_STRING),
    ("L", &[0x55, 0x04, 0x07], tag::UTF8_STRING),
    ("ST", &[0x55, 0x04, 0x08], tag::UTF8_STRING),
    ("street", &[0x55, 0x04, 0x09], tag::UTF8_STRING),
    ("O", &[0x55, 0x04, 0x0a], tag::UTF8_STRING),
    ("OU", &[0x55, 0x04, 0x0b], tag::UTF8_STRING),
    ("title", &[0x55, 0x04, 0x0c], tag::UTF8_STRING),
    ("GN", &[0x55, 0x04, 0x2a], tag::UTF8_STRING),
    (
        "emailAddress",
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01],
        tag::IA5_STRING,
    ),
    (
        "UID",
        &[0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x01],
        tag::UTF8_STRING,
    ),
    (
        "DC",
        &[0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19],
        tag::IA5_STRING,
    ),
];

fn is_printable(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || " '()+,-./:=?".contains(c))
}

/// Splits `text` at unescaped `sep` characters, removing the `\` of escapes.
fn split_escaped(text: &str, sep: char) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let (Some(next), Some(last)) = (chars.next(), parts.last_mut()) {
                    last.push(next);
                }
            }
            c if c == sep => parts.push(String::new()),
            c => {
                if let Some(last) = parts.last_mut() {
                    last.push(c);
                }
            }
        }
    }
    parts
}

/// Encodes a distinguished name written `CN=device-1,O=Example` (or OpenSSL's
/// `/CN=device-1/O=Example`); `\` escapes a separator. Attributes are kept in the order
/// given, one per RDN.
pub fn encode_name(text: &str) -> Result<Vec<u8>> {
    let trimmed = text.trim();
    let parts = match trimmed.strip_prefix('/') {
        Some(rest) => split_escaped(rest, '/'),
        None => split_escaped(trimmed, ','),
    };
    let mut rdns = Vec::new();
    for part in parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        let (key, value) = part.split_once('=').ok_or_else(|| {
            Failure::new(format!(
                "bad subject part '{part}': expected KEY=VALUE, e.g. --subject \"CN=device-1,O=Example\""
            ))
        })?;
        let (key, value) = (key.trim(), value.trim());
        let (_, oid, mut string_tag) = NAME_ATTRIBUTES
            .iter()
            .find(|(name, _, _)| name.eq_ignore_ascii_case(key))
            .copied()
            .ok_or_else(|| {
                let known: Vec<&str> = NAME_ATTRIBUTES.iter().map(|(n, _, _)| *n).collect();
                Failure::new(format!(
                    "unknown subject attribute '{key}' (known: {})",
                    known.join(", ")
                ))
            })?;
        if value.is_empty() {
            return Err(Failure::new(format!(
                "subject attribute {key} has no value"
            )));
        }
        if string_tag == tag::PRINTABLE_STRING && !is_printable(value) {
            if key.eq_ignore_ascii_case("C") {
                return Err(Failure::new(format!(
                    "country C={value}: expected a two-letter code such as US"
                )));
            }
            string_tag = tag::UTF8_STRING;
        }
        if key.eq_ignore_ascii_case("C") && value.len() != 2 {
            return Err(Failure::new(format!(
                "country C={value}: expected a two-letter code such as US"
            )));
        }
        if string_tag == tag::IA5_STRING && !value.is_ascii() {
            return Err(Failure::new(format!("{key}={value}: must be ASCII")));
        }
        let atv = sequence(&[
            &element(tag::OID, oid),
            &element(string_tag, value.as_bytes()),
        ]);
        rdns.push(element(tag::SET, &atv));
    }
    if rdns.is_empty() {
        return Err(Failure::new(
            "empty subject: give at least one attribute, e.g. --subject \"CN=device-1\"",
        ));
    }
    let refs: Vec<&[u8]> = rdns.iter().map(Vec::as_slice).collect();
    Ok(sequence(&refs))
}

/// Renders a DER Name (the contents of the SEQUENCE or the whole element) as
/// `CN=…, O=…`; `None` when it is not a Name.
pub fn name_text(name: &[u8]) -> Option<String> {
    let mut outer = Reader::new(name);
    let contents = outer.expect(tag::SEQUENCE)?;
    if !outer.is_empty() {
        return None;
    }
    let mut rdns = Reader::new(contents);
    let mut parts = Vec::new();
    while !rdns.is_empty() {
        let mut set = Reader::new(rdns.expect(tag::SET)?);
        while !set.is_empty() {
            let mut atv = Reader::new(set.expect(tag::SEQUENCE)?);
            let oid = atv.expect(tag::OID)?;
            let (_, value) = atv.any()?;
            let key = NAME_ATTRIBUTES
                .iter()
                .find(|(_, o, _)| *o == oid)
                .map(|(n, _, _)| n.to_string())
                .unwrap_or_else(|| dotted(oid));
            parts.push(format!("{key}={}", String::from_utf8_lossy(value)));
        }
    }
    Some(parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        let der = encode_name("CN=device-1,O=Example\\, Inc.,C=US").unwrap();
        assert_eq!(
            name_text(&der).unwrap(),
            "CN=device-1, O=Example, Inc., C=US"
        );
        let der = encode_name("/CN=a/OU=b").unwrap();
        assert_eq!(name_text(&der).unwrap(), "CN=a, OU=b");
        assert!(encode_name("XX=1").is_err());
        assert!(encode_name("CN").is_err());
        assert!(encode_name("C=USA").is_err());
        assert!(encode_name("").is_err());
    }

    #[test]
    fn name_matches_openssl_encoding() {
        // `openssl req -subj /CN=core-pkcs11-test/O=Test` encodes both as UTF8String, one
        // attribute per RDN: the subject of rust/engine/tests/data/p256_cert.der.
        let der = encode_name("CN=core-pkcs11-test,O=Test").unwrap();
        let cert = include_bytes!("../../engine/tests/data/p256_cert.der");
        let fields = core_pkcs11_engine::der::parse_certificate(cert).unwrap();
        assert_eq!(der, fields.subject);
    }

    #[test]
    fn integers_are_positive_and_minimal() {
        assert_eq!(unsigned_integer(&[0, 0, 1]), [2, 1, 1]);
        assert_eq!(unsigned_integer(&[0x80]), [2, 2, 0, 0x80]);
        assert_eq!(unsigned_integer(&[]), [2, 1, 0]);
    }

    #[test]
    fn oid_text() {
        assert_eq!(dotted(oid::P256), "1.2.840.10045.3.1.7");
        assert_eq!(oid_name(&[0x2b, 0x65, 0x70]), "Ed25519");
    }

    #[test]
    fn certificate_spki_matches_builder() {
        let cert = include_bytes!("../../engine/tests/data/p256_cert.der");
        let spki = core_pkcs11_engine::der::certificate_public_key_info(cert).unwrap();
        // The point is the BIT STRING's last 65 bytes.
        let point = &spki[spki.len() - 65..];
        assert_eq!(ec_spki(point), spki);
    }
}
