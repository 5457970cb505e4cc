//! ECDSA over P-256 (FIPS 186-5) on the arithmetic of [`super`]: signing with `k·G` from the
//! flash comb in constant time, verification with the per-key odd multiples in variable time.
//!
//! The results are those of the `p256` crate's `SigningKey::sign_prehash_with_rng` and
//! `VerifyingKey::verify_prehash` (the tests compare them): the same hedged RFC 6979 nonce
//! (`HMAC_DRBG(d, bits2octets(h), ad)`, `ad` = 32 bytes of DRBG output; computed with the
//! token's own HMAC_DRBG, see [`PrivateKey::sign`]), the same reduction of the hash (its
//! leftmost 256 bits, left-padded when shorter, mod `n`), no low-s normalisation (PKCS #11
//! does not ask for it).

use super::inversion::{invert_public_scalar, invert_secret_scalar};
use super::{mul_base, verify_combination, Affine, Scalar, VerifyTables};
use crate::drbg::HmacDrbg;
use alloc::boxed::Box;
use zeroize::{Zeroize, Zeroizing};

/// Length of a raw signature `r ‖ s`.
pub const SIGNATURE_LEN: usize = 64;

/// The hash as a scalar: its leftmost 256 bits (left-padded with zeros when shorter),
/// reduced mod `n` (`bits2int` then a reduction, as the `ecdsa` crate does).
fn hash_to_scalar(z: &[u8]) -> Scalar {
    let z = &z[..z.len().min(32)];
    let mut bytes = [0u8; 32];
    bytes[32 - z.len()..].copy_from_slice(z);
    Scalar::reduce_bytes(&bytes)
}

/// A scalar in `[1, n)` from 32 big-endian bytes, `None` otherwise.
fn non_zero_scalar(bytes: &[u8; 32]) -> Option<Scalar> {
    Scalar::from_bytes(bytes).filter(|s| !bool::from(s.is_zero()))
}

/// A P-256 private key `d` (`0 < d < n`), zeroized when dropped.
pub struct PrivateKey {
    d: Scalar,
}

impl Drop for PrivateKey {
    fn drop(&mut self) {
        self.d.zeroize();
    }
}

impl PrivateKey {
    /// Parses a big-endian 32-byte scalar; `None` unless `0 < d < n`.
    pub fn from_bytes(bytes: &[u8; 32]) -> Option<PrivateKey> {
        non_zero_scalar(bytes).map(|d| PrivateKey { d })
    }

    /// The big-endian 32-byte scalar.
    pub fn to_bytes(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.d.to_bytes())
    }

    /// The public key `d·G`, computed at each call (constant time in `d`, with the flash
    /// table; the private key keeps no public point).
    pub fn verifying_key(&self) -> PublicKey {
        PublicKey::from_point(&mul_base(&self.d))
    }

    /// Signs the hash `z` with the RFC 6979 nonce hedged with `ad` (empty: plain RFC 6979).
    /// `blind` (fresh random bytes) blinds the inversion of the nonce; it does not change the
    /// signature.
    ///
    /// RFC 6979 §3.2 (with §3.6's additional data) is HMAC_DRBG as SP 800-90A defines it, so
    /// the token's [`HmacDrbg`] computes it: instantiated with `int2octets(d) ‖
    /// bits2octets(h) ‖ ad` (steps b–g: `K = 0…0`, `V = 1…1`, two update rounds), each
    /// candidate `k` is the next 32 bytes of output (step h; `qlen` = 256, so `bits2int` is
    /// the bytes themselves), and the update that ends every generate call is step h.3's
    /// `K = HMAC_K(V ‖ 0x00)`, `V = HMAC_K(V)` before the next candidate.
    pub fn sign(&self, z: &[u8], ad: &[u8], blind: &[u8; 32]) -> [u8; SIGNATURE_LEN] {
        let z = hash_to_scalar(z);
        // bits2octets(h) = bits2int(h) mod n = z.
        let mut nonces = HmacDrbg::new(&self.to_bytes()[..], &z.to_bytes(), ad);
        loop {
            let mut k_bytes = Zeroizing::new([0u8; 32]);
            // Cannot fail: 32 bytes per request, and the request limit (2^20) would take as
            // many rejected candidates, each about 2^-32 likely.
            let _ = nonces.generate(&mut k_bytes[..], &[]);
            // A candidate not in [1, n − 1] is rejected (step h.3).
            let Some(mut k) = non_zero_scalar(&k_bytes) else {
                continue;
            };
            let signature = sign_with_nonce(&self.d, &k, &z, blind);
            k.zeroize();
            if let Some(signature) = signature {
                return signature;
            }
        }
    }
}

/// `r = x(k·G) mod n`, `s = k⁻¹·(z + r·d) mod n`, in constant time with respect to `d` and
/// `k` (`k⁻¹` is blinded with `blind`); `None` when `r` or `s` is zero (the caller draws the
/// next nonce).
fn sign_with_nonce(
    d: &Scalar,
    k: &Scalar,
    z: &Scalar,
    blind: &[u8; 32],
) -> Option<[u8; SIGNATURE_LEN]> {
    let point = mul_base(k);
    let r = Scalar::reduce_bytes(&point.x.to_bytes());
    let mut k_inv = invert_secret_scalar(k, blind);
    let s = k_inv * (*z + r * *d);
    k_inv.zeroize();
    if bool::from(r.is_zero() | s.is_zero()) {
        return None;
    }
    let mut out = [0u8; SIGNATURE_LEN];
    out[..32].copy_from_slice(&r.to_bytes());
    out[32..].copy_from_slice(&s.to_bytes());
    Some(out)
}

/// How many verification tables a public key keeps (see [`VerifyTables`]). Devices
/// (`target_os = "none"`): one, built with the key (512 bytes of heap, 256 doublings per
/// verification). Hosts: eight, built at the key's first verification (4 KiB, 224 doublings
/// once, then 32 per verification), so generating or loading keys costs nothing extra.
#[cfg(target_os = "none")]
pub const TABLES: usize = 1;
/// How many verification tables a public key keeps (see [`VerifyTables`]). Devices
/// (`target_os = "none"`): one, built with the key (512 bytes of heap, 256 doublings per
/// verification). Hosts: eight, built at the key's first verification (4 KiB, 224 doublings
/// once, then 32 per verification), so generating or loading keys costs nothing extra.
#[cfg(not(target_os = "none"))]
pub const TABLES: usize = 8;

/// A P-256 public key with the tables its verifications use.
#[derive(Clone, Debug)]
pub struct PublicKey {
    point: Affine,
    // Boxed, so that the key stays small in the frames that handle it.
    #[cfg(target_os = "none")]
    tables: Box<VerifyTables<TABLES>>,
    #[cfg(not(target_os = "none"))]
    tables: core::cell::OnceCell<Box<VerifyTables<TABLES>>>,
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &PublicKey) -> bool {
        self.point == other.point
    }
}

impl Eq for PublicKey {}

impl PublicKey {
    /// Parses a SEC1 point (compressed, uncompressed or compact, see [`Affine::from_sec1`]);
    /// `None` for anything `p256` rejects (wrong length or tag, coordinates not below `p`, a
    /// point not on the curve, infinity).
    pub fn from_sec1(bytes: &[u8]) -> Option<PublicKey> {
        Affine::from_sec1(bytes).map(|point| PublicKey::from_point(&point))
    }

    fn from_point(point: &Affine) -> PublicKey {
        PublicKey {
            point: *point,
            #[cfg(target_os = "none")]
            tables: VerifyTables::new_boxed(point),
            #[cfg(not(target_os = "none"))]
            tables: core::cell::OnceCell::new(),
        }
    }

    #[cfg(target_os = "none")]
    fn tables(&self) -> &VerifyTables<TABLES> {
        &self.tables
    }

    #[cfg(not(target_os = "none"))]
    fn tables(&self) -> &VerifyTables<TABLES> {
        self.tables
            .get_or_init(|| VerifyTables::new_boxed(&self.point))
    }

    /// Uncompressed SEC1 encoding `04 ‖ x ‖ y`.
    pub fn to_uncompressed(&self) -> [u8; 65] {
        self.point.to_uncompressed()
    }

    /// Whether `signature` (`r ‖ s`) is valid for the hash `z`. Variable time (public inputs).
    pub fn verify(&self, z: &[u8], signature: &[u8; SIGNATURE_LEN]) -> bool {
        let scalar = |b: &[u8]| non_zero_scalar(b.try_into().ok()?);
        let (Some(r), Some(s)) = (scalar(&signature[..32]), scalar(&signature[32..])) else {
            return false;
        };
        // s is public: the variable-time inversion.
        let s_inv = invert_public_scalar(&s);
        let u1 = hash_to_scalar(z) * s_inv;
        let u2 = r * s_inv;
        verify_combination(&u1, &u2, self.tables(), &r)
    }
}

#[cfg(test)]
pub(super) fn sign_with_fixed_nonce(
    d: &[u8; 32],
    k: &[u8; 32],
    z: &[u8],
) -> Option<[u8; SIGNATURE_LEN]> {
    let d = PrivateKey::from_bytes(d)?;
    let k = non_zero_scalar(k)?;
    sign_with_nonce(&d.d, &k, &hash_to_scalar(z), &[0x5a; 32])
}
