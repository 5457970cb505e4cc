//! Inputs and reference results, computed in the benchmark and not by the module: the RSA
//! test key, the data to hash and sign, SHA-256 digests, and signature checks done with the
//! RustCrypto `p256` and `rsa` crates.

use p256::ecdsa::signature::hazmat::PrehashVerifier;
use sha2::{Digest, Sha256};

/// The RSA-2048 key both modules import (`rust/engine/tests/data/rsa2048.txt`).
const RSA2048_TXT: &str = include_str!("../../engine/tests/data/rsa2048.txt");

/// DER prefix of a SHA-256 `DigestInfo` (PKCS #1 v1.5, RFC 8017 §9.2 note 1).
const SHA256_DIGEST_INFO_PREFIX: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

/// The components of an RSA private key, big-endian.
#[derive(Debug, Clone)]
pub struct RsaComponents {
    /// `n`.
    pub modulus: Vec<u8>,
    /// `e`.
    pub public_exponent: Vec<u8>,
    /// `d`.
    pub private_exponent: Vec<u8>,
    /// `p`.
    pub prime1: Vec<u8>,
    /// `q`.
    pub prime2: Vec<u8>,
    /// `d mod (p-1)`.
    pub exponent1: Vec<u8>,
    /// `d mod (q-1)`.
    pub exponent2: Vec<u8>,
    /// `q^-1 mod p`.
    pub coefficient: Vec<u8>,
}

/// Decodes a hex string.
pub fn hex_decode(text: &str) -> Result<Vec<u8>, String> {
    let text = text.trim();
    if !text.len().is_multiple_of(2) {
        return Err(format!("odd-length hex string ({} digits)", text.len()));
    }
    (0..text.len())
        .step_by(2)
        .map(|i| {
            u8::from_str_radix(&text[i..i + 2], 16)
                .map_err(|_| format!("bad hex digits {:?}", &text[i..i + 2]))
        })
        .collect()
}

/// Encodes bytes as lower-case hex.
pub fn hex_encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses the `name=hex` lines of a key file.
pub fn parse_rsa_components(text: &str) -> Result<RsaComponents, String> {
    let get = |name: &str| -> Result<Vec<u8>, String> {
        let line = text
            .lines()
            .find_map(|l| l.trim().strip_prefix(name)?.strip_prefix('='))
            .ok_or_else(|| format!("RSA key file: no {name}"))?;
        hex_decode(line).map_err(|e| format!("RSA key file, {name}: {e}"))
    };
    Ok(RsaComponents {
        modulus: get("modulus")?,
        public_exponent: get("public_exponent")?,
        private_exponent: get("private_exponent")?,
        prime1: get("prime1")?,
        prime2: get("prime2")?,
        exponent1: get("exponent1")?,
        exponent2: get("exponent2")?,
        coefficient: get("coefficient")?,
    })
}

/// The built-in RSA-2048 test key.
pub fn rsa2048() -> Result<RsaComponents, String> {
    parse_rsa_components(RSA2048_TXT)
}

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// The 51-byte SHA-256 `DigestInfo` of `message`, what `CKM_RSA_PKCS` signs.
pub fn sha256_digest_info(message: &[u8]) -> Vec<u8> {
    let mut out = SHA256_DIGEST_INFO_PREFIX.to_vec();
    out.extend_from_slice(&sha256(message));
    out
}

/// `len` bytes of fixed, non-trivial data to hash.
pub fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i.wrapping_mul(31) % 251) as u8).collect()
}

/// Checks an ECDSA P-256 signature (raw `r ‖ s`) over a hash, with the public key as
/// `CKA_EC_POINT` gives it (DER OCTET STRING of the SEC1 point, or the bare point).
pub fn check_ecdsa_p256(ec_point: &[u8], hash: &[u8], signature: &[u8]) -> Result<(), String> {
    let key = p256_key(ec_point)?;
    let sig = p256::ecdsa::Signature::from_slice(signature)
        .map_err(|_| format!("not a P-256 signature ({} bytes)", signature.len()))?;
    key.verify_prehash(hash, &sig)
        .map_err(|_| "the ECDSA signature does not verify (checked with the p256 crate)".into())
}

/// Parses a P-256 `CKA_EC_POINT` (checks that the point is on the curve).
pub fn p256_key(ec_point: &[u8]) -> Result<p256::ecdsa::VerifyingKey, String> {
    let sec1 = match ec_point {
        // DER OCTET STRING with a short length (every P-256 point fits).
        [0x04, len, rest @ ..] if *len as usize == rest.len() => rest,
        bare => bare,
    };
    p256::ecdsa::VerifyingKey::from_sec1_bytes(sec1).map_err(|_| {
        format!(
            "CKA_EC_POINT is not a P-256 point: {}",
            hex_encode(ec_point)
        )
    })
}

/// Checks an RSA PKCS #1 v1.5 signature over a `DigestInfo` with the public key.
pub fn check_rsa_pkcs1(key: &RsaComponents, digest_info: &[u8], sig: &[u8]) -> Result<(), String> {
    let n = rsa::BoxedUint::from_be_slice_vartime(&key.modulus);
    let e = rsa::BoxedUint::from_be_slice_vartime(&key.public_exponent);
    let public = rsa::PublicKey::new(n, e).map_err(|e| format!("RSA public key: {e}"))?;
    public
        .verify(rsa::Pkcs1v15Sign::new_unprefixed(), digest_info, sig)
        .map_err(|_| "the RSA signature does not verify (checked with the rsa crate)".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_file_parses() {
        let k = rsa2048().unwrap();
        assert_eq!(k.modulus.len(), 256);
        assert_eq!(k.public_exponent, [1, 0, 1]);
        assert_eq!(k.prime1.len(), 128);
        assert_eq!(k.coefficient.len(), 128);
    }

    #[test]
    fn hex_round_trip_and_errors() {
        assert_eq!(hex_decode("00ff10").unwrap(), [0, 255, 16]);
        assert_eq!(hex_encode(&[0, 255, 16]), "00ff10");
        assert!(hex_decode("abc").is_err());
        assert!(hex_decode("zz").is_err());
    }

    #[test]
    fn digest_info_is_51_bytes() {
        let d = sha256_digest_info(b"abc");
        assert_eq!(d.len(), 51);
        assert_eq!(
            hex_encode(&d[19..]),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn ecdsa_reference_check_accepts_good_and_rejects_bad() {
        use p256::ecdsa::signature::hazmat::PrehashSigner;
        let sk = p256::ecdsa::SigningKey::from_slice(&[7u8; 32]).unwrap();
        let point = sk.verifying_key().to_sec1_point(false);
        let mut der = vec![0x04, 65];
        der.extend_from_slice(point.as_bytes());
        let hash = sha256(b"m");
        let sig: p256::ecdsa::Signature = sk.sign_prehash(&hash).unwrap();
        let mut bytes = sig.to_bytes().to_vec();
        check_ecdsa_p256(&der, &hash, &bytes).unwrap();
        check_ecdsa_p256(point.as_bytes(), &hash, &bytes).unwrap();
        bytes[10] ^= 1;
        assert!(check_ecdsa_p256(&der, &hash, &bytes).is_err());
    }

    #[test]
    fn rsa_reference_check_rejects_garbage() {
        let k = rsa2048().unwrap();
        let di = sha256_digest_info(b"m");
        assert!(check_rsa_pkcs1(&k, &di, &[1u8; 256]).is_err());
    }
}
