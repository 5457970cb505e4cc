//! Reading private keys and certificates from PEM or DER files.
//!
//! Keys: PKCS #8 (`PRIVATE KEY`), SEC1 (`EC PRIVATE KEY`) and PKCS #1 (`RSA PRIVATE KEY`),
//! PEM or DER; P-256 and RSA 2048–4096 bits (what the token signs with). Certificates:
//! X.509, PEM (`CERTIFICATE`) or DER.

use crate::asn1::{oid, oid_name, tag, Reader};
use crate::error::{Failure, Result};
use base64::Engine as _;
use core_pkcs11_engine::key::trim_be;
use core_pkcs11_engine::mechanism::{RSA_MAX_BITS, RSA_MIN_BITS};
use std::path::Path;
use zeroize::Zeroizing;

/// One PEM block: its label and decoded bytes.
struct PemBlock {
    label: String,
    headers: bool,
    der: Zeroizing<Vec<u8>>,
}

/// The PEM blocks of `text` (empty if it has none).
fn pem_blocks(text: &str) -> Result<Vec<PemBlock>> {
    let mut blocks = Vec::new();
    let mut lines = text.lines().map(str::trim);
    while let Some(line) = lines.next() {
        let Some(label) = line
            .strip_prefix("-----BEGIN ")
            .and_then(|l| l.strip_suffix("-----"))
        else {
            continue;
        };
        let end = format!("-----END {label}-----");
        let mut body = Zeroizing::new(String::new());
        let mut headers = false;
        let mut closed = false;
        for line in lines.by_ref() {
            if line == end {
                closed = true;
                break;
            }
            if line.contains(':') {
                headers = true;
                continue;
            }
            body.push_str(line);
        }
        if !closed {
            return Err(Failure::new(format!("PEM block '{label}' has no END line")));
        }
        let der = base64::engine::general_purpose::STANDARD
            .decode(body.as_bytes())
            .map_err(|e| Failure::new(format!("PEM block '{label}': bad base64 ({e})")))?;
        blocks.push(PemBlock {
            label: label.to_string(),
            headers,
            der: Zeroizing::new(der),
        });
    }
    Ok(blocks)
}

/// Encodes `der` as a PEM block with `label`.
pub fn pem_encode(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

fn read_file(path: &Path) -> Result<Zeroizing<Vec<u8>>> {
    std::fs::read(path)
        .map(Zeroizing::new)
        .map_err(|e| Failure::new(format!("cannot read {}: {e}", path.display())))
}

fn is_pem(bytes: &[u8]) -> bool {
    bytes.windows(11).any(|w| w == b"-----BEGIN ")
}

/// An RSA private key's components (big-endian, as PKCS #1 holds them).
pub struct RsaParts {
    /// Modulus n.
    pub modulus: Vec<u8>,
    /// Public exponent e.
    pub public_exponent: Vec<u8>,
    /// Private exponent d.
    pub private_exponent: Zeroizing<Vec<u8>>,
    /// Primes p and q.
    pub primes: [Zeroizing<Vec<u8>>; 2],
    /// d mod (p-1), d mod (q-1), q^-1 mod p.
    pub crt: [Zeroizing<Vec<u8>>; 3],
}

/// A private key the token can hold.
pub enum PrivateKey {
    /// P-256: the private scalar.
    EcP256 {
        /// Big-endian scalar.
        scalar: Zeroizing<Vec<u8>>,
    },
    /// RSA.
    Rsa(Box<RsaParts>),
}

impl PrivateKey {
    /// "EC P-256" or "RSA-2048".
    pub fn describe(&self) -> String {
        match self {
            PrivateKey::EcP256 { .. } => "EC P-256".to_string(),
            PrivateKey::Rsa(parts) => format!("RSA-{}", bit_len(&parts.modulus)),
        }
    }
}

/// Bit length of a big-endian unsigned integer.
pub fn bit_len(bytes: &[u8]) -> usize {
    let t = trim_be(bytes);
    match t.first() {
        None | Some(0) => 0,
        Some(&b) => (t.len() - 1) * 8 + (8 - b.leading_zeros() as usize),
    }
}

fn malformed(what: &str) -> Failure {
    Failure::new(format!("malformed {what}"))
}

fn unsupported_curve(name: &str) -> Failure {
    Failure::new(format!(
        "unsupported key: EC keys on {name} cannot be imported; the token supports P-256 \
         (prime256v1) and RSA {RSA_MIN_BITS}-{RSA_MAX_BITS} only"
    ))
}

/// Checks EC parameters (the element after the algorithm OID, or SEC1's `[0]`).
fn check_curve(params_tag: u8, params: &[u8]) -> Result<()> {
    match params_tag {
        tag::OID if params == oid::P256 => Ok(()),
        tag::OID => Err(unsupported_curve(&oid_name(params))),
        tag::SEQUENCE => Err(Failure::new(
            "unsupported key: explicit EC curve parameters; use a named-curve P-256 key \
             (openssl ec -param_enc named_curve)",
        )),
        _ => Err(malformed("EC parameters")),
    }
}

/// SEC1 ECPrivateKey contents; `outer_params` are the PKCS #8 algorithm parameters, if any.
fn parse_sec1(der: &[u8], outer_params: Option<(u8, &[u8])>) -> Result<PrivateKey> {
    let mut outer = Reader::new(der);
    let body = outer
        .expect(tag::SEQUENCE)
        .ok_or_else(|| malformed("EC private key (SEC1)"))?;
    let mut r = Reader::new(body);
    if r.expect(tag::INTEGER) != Some(&[1]) {
        return Err(malformed("EC private key (SEC1 version)"));
    }
    let scalar = r
        .expect(tag::OCTET_STRING)
        .ok_or_else(|| malformed("EC private key (SEC1)"))?;
    let mut params = outer_params;
    if r.peek_tag() == Some(tag::CONTEXT_0) {
        let inner = r.expect(tag::CONTEXT_0).unwrap_or_default();
        let mut p = Reader::new(inner);
        if let Some(found) = p.any() {
            params = Some(found);
        }
    }
    match params {
        Some((t, p)) => check_curve(t, p)?,
        None => {
            return Err(Failure::new(
                "EC private key without curve parameters: cannot tell its curve",
            ))
        }
    }
    if scalar.len() != 32 {
        return Err(unsupported_curve(&format!(
            "a curve with {}-byte private keys",
            scalar.len()
        )));
    }
    Ok(PrivateKey::EcP256 {
        scalar: Zeroizing::new(scalar.to_vec()),
    })
}

/// PKCS #1 RSAPrivateKey.
fn parse_pkcs1(der: &[u8]) -> Result<PrivateKey> {
    let mut outer = Reader::new(der);
    let body = outer
        .expect(tag::SEQUENCE)
        .ok_or_else(|| malformed("RSA private key (PKCS #1)"))?;
    let mut r = Reader::new(body);
    match r.expect(tag::INTEGER) {
        Some([0]) => {}
        Some([1]) => {
            return Err(Failure::new(
                "unsupported key: multi-prime RSA (more than two primes)",
            ))
        }
        _ => return Err(malformed("RSA private key (PKCS #1 version)")),
    }
    let mut ints: Vec<&[u8]> = Vec::with_capacity(8);
    for _ in 0..8 {
        ints.push(
            r.expect(tag::INTEGER)
                .ok_or_else(|| malformed("RSA private key (PKCS #1)"))?,
        );
    }
    let bits = bit_len(ints[0]);
    if !(RSA_MIN_BITS as usize..=RSA_MAX_BITS as usize).contains(&bits) {
        return Err(Failure::new(format!(
            "unsupported key: RSA-{bits}; the token supports RSA {RSA_MIN_BITS}-{RSA_MAX_BITS} \
             bits and EC P-256"
        )));
    }
    let z = |b: &[u8]| Zeroizing::new(trim_be(b).to_vec());
    Ok(PrivateKey::Rsa(Box::new(RsaParts {
        modulus: trim_be(ints[0]).to_vec(),
        public_exponent: trim_be(ints[1]).to_vec(),
        private_exponent: z(ints[2]),
        primes: [z(ints[3]), z(ints[4])],
        crt: [z(ints[5]), z(ints[6]), z(ints[7])],
    })))
}

/// PKCS #8 PrivateKeyInfo (or OneAsymmetricKey).
fn parse_pkcs8(der: &[u8]) -> Result<PrivateKey> {
    let mut outer = Reader::new(der);
    let body = outer
        .expect(tag::SEQUENCE)
        .ok_or_else(|| malformed("PKCS #8 private key"))?;
    let mut r = Reader::new(body);
    match r.expect(tag::INTEGER) {
        Some([0]) | Some([1]) => {}
        _ => return Err(malformed("PKCS #8 private key (version)")),
    }
    let algorithm = r
        .expect(tag::SEQUENCE)
        .ok_or_else(|| malformed("PKCS #8 private key (algorithm)"))?;
    let key = r
        .expect(tag::OCTET_STRING)
        .ok_or_else(|| malformed("PKCS #8 private key"))?;
    let mut a = Reader::new(algorithm);
    let alg = a
        .expect(tag::OID)
        .ok_or_else(|| malformed("PKCS #8 algorithm"))?;
    if alg == oid::EC_PUBLIC_KEY {
        let params = a.any().ok_or_else(|| malformed("PKCS #8 EC parameters"))?;
        check_curve(params.0, params.1)?;
        parse_sec1(key, Some(params))
    } else if alg == oid::RSA_ENCRYPTION {
        parse_pkcs1(key)
    } else {
        Err(Failure::new(format!(
            "unsupported key: {}; the token supports EC P-256 and RSA {RSA_MIN_BITS}-{RSA_MAX_BITS} only",
            oid_name(alg)
        )))
    }
}

/// What a DER blob that is not a private key looks like, for the error message.
fn looks_like(der: &[u8]) -> Option<&'static str> {
    let mut outer = Reader::new(der);
    let body = outer.expect(tag::SEQUENCE)?;
    let mut r = Reader::new(body);
    match r.any()? {
        // Certificate: SEQUENCE { tbs SEQUENCE, ... }; encrypted PKCS #8: SEQUENCE
        // { AlgorithmIdentifier SEQUENCE, OCTET STRING }; SPKI: SEQUENCE { SEQUENCE, BIT STRING }.
        (tag::SEQUENCE, _) => match r.any()?.0 {
            tag::OCTET_STRING => Some("an encrypted PKCS #8 key"),
            tag::BIT_STRING => Some("a public key"),
            tag::SEQUENCE => Some("a certificate"),
            _ => None,
        },
        _ => None,
    }
}

/// Parses a DER private key of any supported format.
fn parse_der_key(der: &[u8]) -> Result<PrivateKey> {
    let mut outer = Reader::new(der);
    let body = match outer.expect(tag::SEQUENCE) {
        Some(b) if outer.is_empty() => b,
        _ => {
            return Err(Failure::new(
                "not a private key: expected PEM or DER (PKCS #8, SEC1 or PKCS #1)",
            ))
        }
    };
    let mut r = Reader::new(body);
    let version = r.expect(tag::INTEGER);
    let second = r.peek_tag();
    match (version, second) {
        (Some([0]) | Some([1]), Some(tag::SEQUENCE)) => parse_pkcs8(der),
        (Some([1]), Some(tag::OCTET_STRING)) => parse_sec1(der, None),
        (Some(_), Some(tag::INTEGER)) => parse_pkcs1(der),
        _ => match looks_like(der) {
            Some("an encrypted PKCS #8 key") => Err(encrypted()),
            Some(what) => Err(Failure::new(format!(
                "not a private key: the file holds {what}"
            ))),
            None => Err(Failure::new(
                "not a private key: expected PKCS #8, SEC1 or PKCS #1",
            )),
        },
    }
}

fn encrypted() -> Failure {
    Failure::new("the key is encrypted: decrypt it first, e.g. openssl pkey -in KEY -out plain.pem")
}

/// Reads a private key file (PEM or DER).
pub fn read_private_key(path: &Path) -> Result<PrivateKey> {
    let bytes = read_file(path)?;
    let context = |f: Failure| Failure::new(format!("{}: {}", path.display(), f.message));
    if !is_pem(&bytes) {
        return parse_der_key(&bytes).map_err(context);
    }
    let text =
        std::str::from_utf8(&bytes).map_err(|_| context(Failure::new("PEM file is not text")))?;
    let blocks = pem_blocks(text).map_err(context)?;
    for block in &blocks {
        let parsed = match block.label.as_str() {
            "PRIVATE KEY" => parse_pkcs8(&block.der),
            "EC PRIVATE KEY" | "RSA PRIVATE KEY" if block.headers => Err(encrypted()),
            "EC PRIVATE KEY" => parse_sec1(&block.der, None),
            "RSA PRIVATE KEY" => parse_pkcs1(&block.der),
            "ENCRYPTED PRIVATE KEY" => Err(encrypted()),
            _ => continue,
        };
        return parsed.map_err(context);
    }
    let labels: Vec<&str> = blocks.iter().map(|b| b.label.as_str()).collect();
    Err(context(Failure::new(if labels.is_empty() {
        "no PEM block found".to_string()
    } else {
        format!(
            "no private key in the file (it holds: {}){}",
            labels.join(", "),
            if labels.contains(&"CERTIFICATE") {
                "; certificates go in with import-cert"
            } else {
                ""
            }
        )
    })))
}

/// Reads an X.509 certificate file (PEM or DER); returns its DER.
pub fn read_certificate(path: &Path) -> Result<Vec<u8>> {
    let bytes = read_file(path)?;
    let context = |m: &str| Failure::new(format!("{}: {m}", path.display()));
    let der = if is_pem(&bytes) {
        let text = std::str::from_utf8(&bytes).map_err(|_| context("PEM file is not text"))?;
        let blocks = pem_blocks(text).map_err(|f| context(&f.message))?;
        match blocks
            .iter()
            .find(|b| b.label == "CERTIFICATE" || b.label == "X509 CERTIFICATE")
        {
            Some(b) => b.der.to_vec(),
            None => {
                let labels: Vec<&str> = blocks.iter().map(|b| b.label.as_str()).collect();
                return Err(context(&format!(
                    "no certificate in the file (it holds: {})",
                    labels.join(", ")
                )));
            }
        }
    } else {
        bytes.to_vec()
    };
    if core_pkcs11_engine::der::parse_certificate(&der).is_none() {
        return Err(context("not an X.509 certificate (PEM or DER)"));
    }
    Ok(der)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_round_trip() {
        let pem = pem_encode("TEST", &[1, 2, 3, 250]);
        let blocks = pem_blocks(&pem).unwrap();
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].label, "TEST");
        assert_eq!(&blocks[0].der[..], &[1, 2, 3, 250]);
        assert!(pem_blocks("-----BEGIN X-----\nAAAA\n").is_err());
    }

    #[test]
    fn bit_lengths() {
        assert_eq!(bit_len(&[0, 0x80, 0]), 16);
        assert_eq!(bit_len(&[1]), 1);
        assert_eq!(bit_len(&[0]), 0);
    }
}
