//! PIN verification without keeping PINs in clear.
//!
//! The token stores, for each of the SO and user PINs, only a [`PinHash`]: a random 16-byte
//! salt, an iteration count and PBKDF2-HMAC-SHA-256 (RFC 8018 §5.2) of the PIN, one 32-byte
//! block. A candidate PIN is checked by recomputing the hash and comparing in constant time.
//! [`PinHash::to_bytes`] / [`PinHash::from_bytes`] give the fixed 52-byte form kept in the
//! object store.
//!
//! Intermediate values derived from the PIN (the HMAC key block, the PBKDF2 blocks) are wiped
//! after use, and a `PinHash` is wiped when dropped.

use core::fmt;

use hmac::Mac;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// PBKDF2 iteration count used for new PIN hashes.
pub const PIN_HASH_ITERATIONS: u32 = 1000;

/// Largest iteration count accepted by [`PinHash::from_bytes`].
pub const MAX_PIN_HASH_ITERATIONS: u32 = 1_000_000;

/// Length of the stored form of a [`PinHash`] (same as [`PinHash::ENCODED_LEN`]).
pub const ENCODED_LEN: usize = PinHash::ENCODED_LEN;

/// Length of the salt in bytes.
pub const SALT_LEN: usize = 16;

/// Length of the stored hash in bytes (one HMAC-SHA-256 block).
const HASH_LEN: usize = 32;

/// PBKDF2-HMAC-SHA-256 of `password` and `salt` with `iterations` rounds, first output block
/// (`T_1` of RFC 8018 §5.2, i.e. a 32-byte derived key). An iteration count of 0 is treated
/// as 1.
fn pbkdf2_hmac_sha256(password: &[u8], salt: &[u8], iterations: u32) -> Zeroizing<[u8; HASH_LEN]> {
    let prf = crate::mac::hmac_sha256(password);

    // U_1 = PRF(P, S ‖ INT(1)).
    let mut mac = prf.clone();
    mac.update(salt);
    mac.update(&1u32.to_be_bytes());
    let mut u = Zeroizing::new(<[u8; HASH_LEN]>::from(mac.finalize().into_bytes()));
    let mut t = Zeroizing::new(*u);
    // U_j = PRF(P, U_{j-1}); T_1 = U_1 ⊕ … ⊕ U_c.
    for _ in 1..iterations {
        let mut mac = prf.clone();
        mac.update(&*u);
        *u = mac.finalize().into_bytes().into();
        for (acc, x) in t.iter_mut().zip(u.iter()) {
            *acc ^= x;
        }
    }
    t
}

/// A salted, iterated hash of a PIN: what the token keeps instead of the PIN.
///
/// `Debug` does not print the salt or hash; the value is wiped when dropped.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct PinHash {
    salt: [u8; SALT_LEN],
    iterations: u32,
    hash: [u8; HASH_LEN],
}

impl fmt::Debug for PinHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PinHash")
            .field("iterations", &self.iterations)
            .finish_non_exhaustive()
    }
}

impl PinHash {
    /// Length of [`PinHash::to_bytes`]: salt (16) ‖ iterations (4, little-endian) ‖ hash (32).
    pub const ENCODED_LEN: usize = 52;

    /// Hashes `pin` with `salt` (which the caller draws from the token's DRBG) and
    /// [`PIN_HASH_ITERATIONS`] iterations.
    pub fn new(pin: &[u8], salt: [u8; 16]) -> PinHash {
        let hash = pbkdf2_hmac_sha256(pin, &salt, PIN_HASH_ITERATIONS);
        PinHash {
            salt,
            iterations: PIN_HASH_ITERATIONS,
            hash: *hash,
        }
    }

    /// Whether `pin` is the PIN this hash was made from; the hashes are compared in constant
    /// time.
    pub fn verify(&self, pin: &[u8]) -> bool {
        let candidate = pbkdf2_hmac_sha256(pin, &self.salt, self.iterations);
        candidate.ct_eq(&self.hash).into()
    }

    /// The PBKDF2 iteration count of this hash.
    pub fn iterations(&self) -> u32 {
        self.iterations
    }

    /// The 52-byte stored form: salt ‖ iterations (little-endian `u32`) ‖ hash.
    pub fn to_bytes(&self) -> [u8; 52] {
        let mut out = [0u8; Self::ENCODED_LEN];
        let (salt, rest) = out.split_at_mut(SALT_LEN);
        let (iterations, hash) = rest.split_at_mut(4);
        salt.copy_from_slice(&self.salt);
        iterations.copy_from_slice(&self.iterations.to_le_bytes());
        hash.copy_from_slice(&self.hash);
        out
    }

    /// Parses the stored form written by [`PinHash::to_bytes`]. `None` unless `b` is exactly
    /// [`PinHash::ENCODED_LEN`] bytes with an iteration count in
    /// `1..=`[`MAX_PIN_HASH_ITERATIONS`].
    pub fn from_bytes(b: &[u8]) -> Option<PinHash> {
        let b: &[u8; Self::ENCODED_LEN] = b.try_into().ok()?;
        let (salt, rest) = b.split_at(SALT_LEN);
        let (iterations, hash) = rest.split_at(4);
        let iterations = u32::from_le_bytes(iterations.try_into().ok()?);
        if !(1..=MAX_PIN_HASH_ITERATIONS).contains(&iterations) {
            return None;
        }
        Some(PinHash {
            salt: salt.try_into().ok()?,
            iterations,
            hash: hash.try_into().ok()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sha256::Sha256;
    use alloc::vec::Vec;
    use digest::Digest;

    fn unhex(s: &str) -> Vec<u8> {
        hex::decode(s).expect("test hex")
    }

    // RFC 7914 §11 "Test Vectors for PBKDF2 with HMAC-SHA-256" (dkLen = 64; the first 32
    // bytes are T_1, the block computed here).
    #[test]
    fn pbkdf2_rfc7914_one_iteration() {
        let dk = pbkdf2_hmac_sha256(b"passwd", b"salt", 1);
        assert_eq!(
            dk.to_vec(),
            unhex("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc")
        );
    }

    #[test]
    fn pbkdf2_rfc7914_80000_iterations() {
        let dk = pbkdf2_hmac_sha256(b"Password", b"NaCl", 80000);
        assert_eq!(
            dk.to_vec(),
            unhex("4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56")
        );
    }

    // Further PBKDF2-HMAC-SHA-256 vectors (P = "password", S = "salt", dkLen = 32) as
    // widely published alongside RFC 6070's SHA-1 ones; cross-checked with Python's
    // hashlib.pbkdf2_hmac.
    #[test]
    fn pbkdf2_password_salt_vectors() {
        let cases = [
            (
                1,
                "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b",
            ),
            (
                2,
                "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43",
            ),
            (
                4096,
                "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a",
            ),
        ];
        for (c, expected) in cases {
            assert_eq!(
                pbkdf2_hmac_sha256(b"password", b"salt", c).to_vec(),
                unhex(expected),
                "c = {c}"
            );
        }
    }

    #[test]
    fn pbkdf2_long_password_is_hashed_first() {
        // HMAC hashes keys longer than its 64-byte block; the result must equal using the
        // digest as the password directly.
        let long = [0x61u8; 100];
        let digest: [u8; 32] = Sha256::digest(long).into();
        assert_eq!(
            *pbkdf2_hmac_sha256(&long, b"salt", 3),
            *pbkdf2_hmac_sha256(&digest, b"salt", 3)
        );
        // A 64-byte password is used as is (not hashed).
        let exact = [0x62u8; 64];
        let exact_digest: [u8; 32] = Sha256::digest(exact).into();
        assert_ne!(
            *pbkdf2_hmac_sha256(&exact, b"salt", 1),
            *pbkdf2_hmac_sha256(&exact_digest, b"salt", 1)
        );
    }

    #[test]
    fn verify_accepts_right_pin_only() {
        let salt = [0x11; 16];
        let hash = PinHash::new(b"123456", salt);
        assert!(hash.verify(b"123456"));
        assert!(!hash.verify(b"123457"));
        assert!(!hash.verify(b"12345"));
        assert!(!hash.verify(b"1234567"));
        assert!(!hash.verify(b""));
        let empty = PinHash::new(b"", salt);
        assert!(empty.verify(b""));
        assert!(!empty.verify(b" "));
    }

    #[test]
    fn trailing_zero_bytes_are_not_significant() {
        // A property of HMAC (keys are zero-padded to the block size) and hence of standard
        // PBKDF2-HMAC: "1234" and "1234\0" give the same hash. It does not help guessing.
        let hash = PinHash::new(b"1234", [0x33; 16]);
        assert!(hash.verify(b"1234\0"));
        assert!(!hash.verify(b"\x001234"));
    }

    #[test]
    fn hash_is_pbkdf2_of_the_pin() {
        let salt = *b"0123456789abcdef";
        let hash = PinHash::new(b"0000", salt);
        assert_eq!(hash.iterations(), PIN_HASH_ITERATIONS);
        assert_eq!(hash.hash, *pbkdf2_hmac_sha256(b"0000", &salt, 1000));
        assert_ne!(hash.hash, *pbkdf2_hmac_sha256(b"0000", &salt, 999));
    }

    #[test]
    fn different_salts_give_different_hashes() {
        let a = PinHash::new(b"userpin", [0; 16]);
        let mut other = [0; 16];
        other[15] = 1;
        let b = PinHash::new(b"userpin", other);
        assert_ne!(a.hash, b.hash);
        assert!(a.verify(b"userpin") && b.verify(b"userpin"));
        // Same PIN and salt: same hash.
        assert_eq!(a.hash, PinHash::new(b"userpin", [0; 16]).hash);
    }

    #[test]
    fn encoding_round_trip() {
        let salt: [u8; 16] = core::array::from_fn(|i| i as u8);
        let hash = PinHash::new(b"so-pin", salt);
        let bytes = hash.to_bytes();
        assert_eq!(bytes.len(), PinHash::ENCODED_LEN);
        assert_eq!(&bytes[..16], &salt);
        assert_eq!(&bytes[16..20], &1000u32.to_le_bytes());
        assert_eq!(&bytes[20..], &hash.hash);
        let decoded = PinHash::from_bytes(&bytes).unwrap();
        assert_eq!(decoded.to_bytes(), bytes);
        assert!(decoded.verify(b"so-pin"));
        assert!(!decoded.verify(b"so-pim"));
    }

    #[test]
    fn stored_iteration_count_is_used() {
        let salt = [0x22; 16];
        let mut bytes = [0u8; 52];
        bytes[..16].copy_from_slice(&salt);
        bytes[16..20].copy_from_slice(&3u32.to_le_bytes());
        bytes[20..].copy_from_slice(&*pbkdf2_hmac_sha256(b"pin", &salt, 3));
        let hash = PinHash::from_bytes(&bytes).unwrap();
        assert_eq!(hash.iterations(), 3);
        assert!(hash.verify(b"pin"));
        assert!(!hash.verify(b"pim"));
    }

    #[test]
    fn rejects_bad_encodings() {
        let good = PinHash::new(b"1234", [7; 16]).to_bytes();
        assert!(PinHash::from_bytes(&good).is_some());
        assert!(PinHash::from_bytes(&[]).is_none());
        assert!(PinHash::from_bytes(&good[..51]).is_none());
        let mut long = good.to_vec();
        long.push(0);
        assert!(PinHash::from_bytes(&long).is_none());
        for (iterations, ok) in [
            (0u32, false),
            (1, true),
            (MAX_PIN_HASH_ITERATIONS, true),
            (MAX_PIN_HASH_ITERATIONS + 1, false),
            (u32::MAX, false),
        ] {
            let mut bytes = good;
            bytes[16..20].copy_from_slice(&iterations.to_le_bytes());
            assert_eq!(PinHash::from_bytes(&bytes).is_some(), ok, "{iterations}");
        }
        // Every length other than 52 is rejected.
        let mut padded = good.to_vec();
        padded.resize(100, 0);
        for len in 0..padded.len() {
            assert_eq!(PinHash::from_bytes(&padded[..len]).is_some(), len == 52);
        }
    }

    #[test]
    fn tampered_hash_fails_verification() {
        let mut bytes = PinHash::new(b"4321", [9; 16]).to_bytes();
        bytes[51] ^= 1;
        assert!(!PinHash::from_bytes(&bytes).unwrap().verify(b"4321"));
        let mut bytes = PinHash::new(b"4321", [9; 16]).to_bytes();
        bytes[0] ^= 1;
        assert!(!PinHash::from_bytes(&bytes).unwrap().verify(b"4321"));
    }

    #[test]
    fn debug_hides_salt_and_hash() {
        let hash = PinHash::new(b"1234", [0xab; 16]);
        let text = alloc::format!("{hash:?}");
        assert!(text.contains("iterations: 1000"));
        assert!(!text.contains("171")); // 0xab
        assert!(!text.contains("salt") && !text.contains("hash:"));
    }

    #[test]
    fn zeroize_clears_everything() {
        let mut hash = PinHash::new(b"1234", [0xab; 16]);
        hash.zeroize();
        assert_eq!(hash.to_bytes(), [0u8; 52]);
    }
}
