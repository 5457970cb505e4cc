//! RSA PKCS #1 v1.5 signatures (RFC 8017 section 8.2) on the engine's own arithmetic.
//!
//! Keys are parsed and checked once, when their object is made or loaded, and keep their
//! Montgomery constants, so a signature only exponentiates. Signing uses the CRT (two
//! half-size exponentiations) when the key has its primes, in constant time with respect to
//! every secret value ([`montgomery::Modulus::pow`]), on the stack only: no heap allocation.
//! Every signature is checked with the public exponent before it leaves, so a fault during
//! the CRT cannot reveal a prime.

mod limbs;
mod montgomery;
#[cfg(test)]
mod tests;

use crate::ck::*;
use crate::key::trim_be;
use crate::CkResult;
use alloc::vec;
use alloc::vec::Vec;
pub use limbs::Limb;
use montgomery::{Modulus, MAX_LIMBS, TABLE_LIMBS};
use zeroize::Zeroizing;

/// Bytes of PKCS #1 v1.5 type 1 padding around the data at least (`00 01`, 8 x `FF`, `00`).
pub const PKCS1_OVERHEAD: usize = 11;

/// Smallest and largest supported modulus, in bits.
pub const MIN_BITS: usize = crate::mechanism::RSA_MIN_BITS as usize;
/// Largest supported modulus, in bits.
pub const MAX_BITS: usize = crate::mechanism::RSA_MAX_BITS as usize;

/// An RSA public key: modulus with its Montgomery constants, and the public exponent.
pub struct PublicKey {
    n: Modulus,
    e: Vec<Limb>,
    /// Length of the modulus in bytes: the length of every signature.
    size: usize,
}

/// An RSA private key with what signing needs, precomputed.
pub struct PrivateKey {
    public: PublicKey,
    secret: Secret,
}

/// The private half of a key: CRT values, or the private exponent alone when the primes are
/// not known.
enum Secret {
    Crt(alloc::boxed::Box<Crt>),
    Exponent(Zeroizing<Vec<Limb>>),
}

/// CRT form of the private key: `m1 = c^dp mod p`, `m2 = c^dq mod q`,
/// `s = m2 + q (qinv (m1 - m2) mod p)`. All values have the same length, `k` limbs.
struct Crt {
    p: Modulus,
    q: Modulus,
    dp: Zeroizing<Vec<Limb>>,
    dq: Zeroizing<Vec<Limb>>,
    qinv: Zeroizing<Vec<Limb>>,
}

/// One modular exponentiation in Montgomery form: `out = base^exponent R mod modulus`, where
/// `base` holds `x R mod modulus`, `R = 2^(LIMB_BITS * modulus.len())`, and every slice has
/// `modulus.len()` limbs (least significant first). The modulus is an odd prime of a CRT key;
/// `base` and `exponent` are secret.
pub struct PowJob<'a> {
    /// The odd modulus (public).
    pub modulus: &'a [Limb],
    /// The base in Montgomery form, below `modulus` (secret).
    pub base: &'a [Limb],
    /// The exponent (secret).
    pub exponent: &'a [Limb],
    /// Where the result goes, in Montgomery form and below `modulus`.
    pub out: &'a mut [Limb],
}

/// A platform routine that computes both exponentiations of an RSA CRT signature, in constant
/// time with respect to the bases and exponents. Returns `false`, with the outputs untouched,
/// for sizes it does not handle; the engine then computes them itself.
pub type PowPairFn = fn(&mut [PowJob<'_>; 2]) -> bool;

/// The components of an RSA private key as a template gives them.
pub struct PrivateParts<'a> {
    /// `CKA_MODULUS`.
    pub modulus: &'a [u8],
    /// `CKA_PUBLIC_EXPONENT`.
    pub public_exponent: &'a [u8],
    /// `CKA_PRIVATE_EXPONENT`.
    pub private_exponent: &'a [u8],
    /// `CKA_PRIME_1` and `CKA_PRIME_2`, if given.
    pub primes: Option<(&'a [u8], &'a [u8])>,
    /// `CKA_EXPONENT_1`, `CKA_EXPONENT_2`, `CKA_COEFFICIENT`, if given (checked against the key).
    pub crt: [Option<&'a [u8]>; 3],
}

/// Reads a big-endian integer into `len` limbs; `CKR_ATTRIBUTE_VALUE_INVALID` if it is longer.
fn read(bytes: &[u8], len: usize) -> CkResult<Zeroizing<Vec<Limb>>> {
    let mut out = Zeroizing::new(vec![0; len]);
    limbs::from_be_bytes(bytes, &mut out).ok_or(CKR_ATTRIBUTE_VALUE_INVALID)?;
    Ok(out)
}

/// Encodes `data` as a PKCS #1 v1.5 type 1 block filling `em`.
fn encode(data: &[u8], em: &mut [u8]) -> CkResult<()> {
    if data.len() + PKCS1_OVERHEAD > em.len() {
        return Err(CKR_DATA_LEN_RANGE);
    }
    let pad_end = em.len() - data.len() - 1;
    em[0] = 0;
    em[1] = 1;
    em[2..pad_end].fill(0xff);
    em[pad_end] = 0;
    em[pad_end + 1..].copy_from_slice(data);
    Ok(())
}

impl PublicKey {
    /// Builds a public key from `CKA_MODULUS` and `CKA_PUBLIC_EXPONENT`: the modulus must be
    /// odd and [`MIN_BITS`]..=[`MAX_BITS`] long, the exponent odd, at least 3 and below it.
    pub fn new(modulus: &[u8], exponent: &[u8]) -> CkResult<PublicKey> {
        let modulus = trim_be(modulus);
        let bits = match modulus.first() {
            Some(top) => modulus.len() * 8 - top.leading_zeros() as usize,
            None => 0,
        };
        if !(MIN_BITS..=MAX_BITS).contains(&bits) {
            return Err(CKR_ATTRIBUTE_VALUE_INVALID);
        }
        let len = limbs::limbs_for_bytes(modulus.len());
        let n = Modulus::new(&read(modulus, len)?).ok_or(CKR_ATTRIBUTE_VALUE_INVALID)?;
        let e = read(trim_be(exponent), len)?;
        if e[0] & 1 == 0 || limbs::bits_vartime(&e) < 2 || !limbs::less_than_vartime(&e, n.value())
        {
            return Err(CKR_ATTRIBUTE_VALUE_INVALID);
        }
        let e_len = limbs::bits_vartime(&e).div_ceil(limbs::LIMB_BITS);
        Ok(PublicKey {
            n,
            e: e[..e_len].to_vec(),
            size: modulus.len(),
        })
    }

    /// Length of the modulus, and of every signature, in bytes.
    pub fn size(&self) -> usize {
        self.size
    }

    /// `x = x^e mod n` for `x < n` (`n`'s limb length); `base` holds as many limbs.
    fn public_op(&self, x: &mut [Limb], base: &mut [Limb]) {
        self.n.to_montgomery(base, x);
        self.n.pow_vartime(x, base, &self.e);
        self.n.leave_montgomery(x);
    }

    /// Verifies a PKCS #1 v1.5 `signature` over `data` (for `CKM_RSA_PKCS` the DigestInfo the
    /// caller built). `CKR_SIGNATURE_LEN_RANGE` for a signature of the wrong length,
    /// `CKR_DATA_LEN_RANGE` for data too long for the key, `CKR_SIGNATURE_INVALID` otherwise.
    pub fn verify(&self, data: &[u8], signature: &[u8]) -> CkResult<()> {
        if signature.len() != self.size {
            return Err(CKR_SIGNATURE_LEN_RANGE);
        }
        let mut expected = [0u8; MAX_BITS / 8];
        let expected = &mut expected[..self.size];
        encode(data, expected)?;
        self.recover_and_compare(signature, expected)
    }
}

impl PublicKey {
    /// Verifies a raw RSA signature (`CKM_RSA_X_509`): `signature^e mod n`, as a number,
    /// must equal `data` (big-endian, at most the modulus length). `CKR_SIGNATURE_LEN_RANGE`
    /// unless the signature has the modulus length, `CKR_DATA_LEN_RANGE` for longer data,
    /// `CKR_SIGNATURE_INVALID` otherwise (also for a signature not below the modulus).
    pub fn verify_raw(&self, data: &[u8], signature: &[u8]) -> CkResult<()> {
        if signature.len() != self.size {
            return Err(CKR_SIGNATURE_LEN_RANGE);
        }
        if data.len() > self.size {
            return Err(CKR_DATA_LEN_RANGE);
        }
        let mut expected = [0u8; MAX_BITS / 8];
        let expected = &mut expected[..self.size];
        expected[self.size - data.len()..].copy_from_slice(data);
        self.recover_and_compare(signature, expected)
    }

    /// Checks that `signature^e mod n`, written in the modulus length, equals `expected`.
    fn recover_and_compare(&self, signature: &[u8], expected: &[u8]) -> CkResult<()> {
        let k = self.n.len();
        let mut s = [0 as Limb; MAX_LIMBS];
        limbs::from_be_bytes(signature, &mut s[..k]).ok_or(CKR_SIGNATURE_INVALID)?;
        if !limbs::less_than_vartime(&s[..k], self.n.value()) {
            return Err(CKR_SIGNATURE_INVALID);
        }
        let mut base = [0 as Limb; MAX_LIMBS];
        self.public_op(&mut s[..k], &mut base[..k]);
        let m = &mut base[..k];
        limbs::from_be_bytes(expected, m).ok_or(CKR_GENERAL_ERROR)?;
        if bool::from(limbs::equal(&s[..k], m)) {
            Ok(())
        } else {
            Err(CKR_SIGNATURE_INVALID)
        }
    }
}

impl PrivateKey {
    /// Builds and checks a private key. With the primes, the key must satisfy `n = p q`,
    /// `e dp = 1 mod p-1`, `e dq = 1 mod q-1` and `qinv q = 1 mod p`, where `dp` and `dq`
    /// come from the private exponent and must equal `CKA_EXPONENT_1/2` if those are given;
    /// without them, one signature with the private exponent must verify. Any failure is
    /// `CKR_ATTRIBUTE_VALUE_INVALID`.
    pub fn new(parts: &PrivateParts<'_>) -> CkResult<PrivateKey> {
        let public = PublicKey::new(parts.modulus, parts.public_exponent)?;
        let k = public.n.len();
        let d = read(trim_be(parts.private_exponent), k)?;
        let mut d_minus_n = Zeroizing::new(vec![0; k]);
        let d_below_n = limbs::sub(&mut d_minus_n, &d, public.n.value());
        if bool::from(limbs::equal(&d, &[0]) | !limbs::is_one(d_below_n)) {
            return Err(CKR_ATTRIBUTE_VALUE_INVALID);
        }
        let secret = match parts.primes {
            Some((p, q)) => match Crt::new(&public, &d, trim_be(p), trim_be(q), parts.crt)? {
                Some(crt) => Secret::Crt(alloc::boxed::Box::new(crt)),
                None => Secret::Exponent(d),
            },
            None => Secret::Exponent(d),
        };
        let key = PrivateKey { public, secret };
        if let Secret::Exponent(_) = key.secret {
            // Nothing else ties d to (n, e): sign 2 and check it.
            let mut em = [0u8; MAX_BITS / 8];
            let em = &mut em[..key.public.size];
            em[em.len() - 1] = 2;
            key.raw_sign(em, None)
                .map_err(|_| CKR_ATTRIBUTE_VALUE_INVALID)?;
        }
        Ok(key)
    }

    /// The public half.
    pub fn public(&self) -> &PublicKey {
        &self.public
    }

    /// Length of the modulus, and of every signature, in bytes.
    pub fn size(&self) -> usize {
        self.public.size
    }

    /// Signs `data` (for `CKM_RSA_PKCS` the DigestInfo the caller built) with PKCS #1 v1.5
    /// padding into `out`, which holds exactly [`Self::size`] bytes.
    pub fn sign(&self, data: &[u8], out: &mut [u8]) -> CkResult<()> {
        self.sign_with(data, out, None)
    }

    /// [`Self::sign`], with the CRT exponentiations done by `pow_pair` if it handles them.
    pub fn sign_with(
        &self,
        data: &[u8],
        out: &mut [u8],
        pow_pair: Option<PowPairFn>,
    ) -> CkResult<()> {
        if out.len() != self.public.size {
            return Err(CKR_GENERAL_ERROR);
        }
        encode(data, out)?;
        self.raw_sign(out, pow_pair)
    }

    /// Replaces the encoded message `em` (the modulus length) by its RSA signature, checked
    /// with the public exponent; `CKR_FUNCTION_FAILED` (and `em` cleared) if the check fails.
    fn raw_sign(&self, em: &mut [u8], pow_pair: Option<PowPairFn>) -> CkResult<()> {
        let n = &self.public.n;
        let kn = n.len();
        let mut c = Zeroizing::new([0 as Limb; MAX_LIMBS]);
        limbs::from_be_bytes(em, &mut c[..kn]).ok_or(CKR_GENERAL_ERROR)?;
        let mut s = Zeroizing::new([0 as Limb; MAX_LIMBS]);
        let mut table = Zeroizing::new([0 as Limb; TABLE_LIMBS]);
        match &self.secret {
            Secret::Crt(crt) => crt.sign(&c[..], &mut s[..], &mut table[..], pow_pair),
            Secret::Exponent(d) => {
                let (base, rest) = table.split_at_mut(kn);
                let (acc, rest) = rest.split_at_mut(kn);
                n.to_montgomery(base, &c[..kn]);
                // The window table takes what is left: at least 2 kn limbs.
                n.pow(acc, base, d, rest);
                n.out_of_montgomery(&mut s[..kn], acc);
            }
        }
        let (check, base) = table.split_at_mut(kn);
        check.copy_from_slice(&s[..kn]);
        self.public.public_op(check, &mut base[..kn]);
        if !bool::from(limbs::equal(check, &c[..kn])) {
            em.fill(0);
            return Err(CKR_FUNCTION_FAILED);
        }
        limbs::to_be_bytes(&s[..kn], em);
        Ok(())
    }
}

impl Crt {
    /// Checks the primes and CRT values against `public` and `d`. `Ok(None)` when the primes
    /// are too unbalanced for the CRT buffers (the key then signs with `d`).
    fn new(
        public: &PublicKey,
        d: &[Limb],
        p: &[u8],
        q: &[u8],
        given: [Option<&[u8]>; 3],
    ) -> CkResult<Option<Crt>> {
        let invalid = CKR_ATTRIBUTE_VALUE_INVALID;
        let k = limbs::limbs_for_bytes(p.len().max(q.len()));
        if 2 * k > MAX_LIMBS {
            return Ok(None);
        }
        let n = public.n.value();
        let p = Modulus::new(&read(p, k)?).ok_or(invalid)?;
        let q = Modulus::new(&read(q, k)?).ok_or(invalid)?;
        let mut product = Zeroizing::new(vec![0; 2 * k]);
        limbs::mul(&mut product, p.value(), q.value());
        if !bool::from(limbs::equal(&product, n)) {
            return Err(invalid);
        }
        let mut scratch = Zeroizing::new(vec![0; 2 * (k + 1) + public.e.len()]);
        let [given_dp, given_dq, given_qinv] = given;
        let dp = Self::exponent(public, d, &p, given_dp, &mut scratch)?;
        let dq = Self::exponent(public, d, &q, given_dq, &mut scratch)?;
        // qinv = q^(p-2) mod p (p is prime), unless given; either way qinv q = 1 mod p.
        let mut t = Zeroizing::new(vec![0; k]);
        let qinv = match given_qinv {
            Some(v) => {
                let qinv = read(trim_be(v), k)?;
                // qinv < p, compared without a branch on either value.
                if !bool::from(limbs::is_one(limbs::sub(&mut t, &qinv, p.value()))) {
                    return Err(invalid);
                }
                qinv
            }
            None => {
                let mut exp = Zeroizing::new(p.value().to_vec());
                limbs::sub(&mut exp, p.value(), &[2]);
                let mut base = Zeroizing::new(vec![0; k]);
                p.to_montgomery(&mut base, q.value());
                let mut table = Zeroizing::new(vec![0; TABLE_LIMBS]);
                p.pow(&mut t, &base, &exp, &mut table);
                p.leave_montgomery(&mut t);
                Zeroizing::new(t.to_vec())
            }
        };
        // q qinv / R, then times R^2 / R: q qinv mod p.
        p.mul(&mut t, q.value(), &qinv);
        let mut check = Zeroizing::new(vec![0; k]);
        p.to_montgomery(&mut check, &t);
        if !bool::from(limbs::equal(&check, &[1])) {
            return Err(invalid);
        }
        Ok(Some(Crt { p, q, dp, dq, qinv }))
    }

    /// `d mod (prime - 1)`, which must equal `given` if there is one, and must satisfy
    /// `e d_prime = 1 mod (prime - 1)`.
    fn exponent(
        public: &PublicKey,
        d: &[Limb],
        prime: &Modulus,
        given: Option<&[u8]>,
        scratch: &mut [Limb],
    ) -> CkResult<Zeroizing<Vec<Limb>>> {
        let invalid = CKR_ATTRIBUTE_VALUE_INVALID;
        let k = prime.len();
        let mut order = Zeroizing::new(prime.value().to_vec());
        order[0] &= !1; // prime - 1 (the prime is odd)
        let mut exponent = Zeroizing::new(vec![0; k]);
        limbs::rem(&mut exponent, d, &order, scratch);
        if let Some(v) = given {
            let v = read(trim_be(v), k)?;
            if !bool::from(limbs::equal(&v, &exponent)) {
                return Err(invalid);
            }
        }
        let mut ed = Zeroizing::new(vec![0; k + public.e.len()]);
        limbs::mul(&mut ed, &exponent, &public.e);
        let mut one = Zeroizing::new(vec![0; k]);
        limbs::rem(&mut one, &ed, &order, scratch);
        if !bool::from(limbs::equal(&one, &[1])) {
            return Err(invalid);
        }
        Ok(exponent)
    }

    /// `s = c^d mod n` by the CRT: `c` and `s` have room for `2k` limbs.
    /// `pow_pair`, if given, may do both exponentiations.
    fn sign(&self, c: &[Limb], s: &mut [Limb], table: &mut [Limb], pow_pair: Option<PowPairFn>) {
        let k = self.p.len();
        let mut a = Zeroizing::new([0 as Limb; MAX_LIMBS / 2]);
        let mut b = Zeroizing::new([0 as Limb; MAX_LIMBS / 2]);
        let mut t = Zeroizing::new([0 as Limb; MAX_LIMBS / 2]);
        let mut u = Zeroizing::new([0 as Limb; MAX_LIMBS / 2]);
        let (a, b, t, u) = (&mut a[..k], &mut b[..k], &mut t[..k], &mut u[..k]);
        let c = &c[..2 * k];
        // t = c R mod p, u = c R mod q.
        self.p.reduce_wide(t, c);
        self.q.reduce_wide(u, c);
        // a = m1 R mod p, b = m2 R mod q.
        let mut jobs = [
            PowJob {
                modulus: self.p.value(),
                base: t,
                exponent: &self.dp,
                out: a,
            },
            PowJob {
                modulus: self.q.value(),
                base: u,
                exponent: &self.dq,
                out: b,
            },
        ];
        if !pow_pair.is_some_and(|f| f(&mut jobs)) {
            self.p.pow(a, t, &self.dp, table);
            self.q.pow(b, u, &self.dq, table);
        }
        // t = m2 = c^dq mod q.
        self.q.out_of_montgomery(t, b);
        // b = m2 R mod p (m2 < q may exceed p); a = (m1 - m2) R; b = h = (m1 - m2) qinv.
        self.p.to_montgomery(b, t);
        self.p.sub_assign(a, b);
        self.p.mul(b, a, &self.qinv);
        // s = m2 + h q < n.
        let s = &mut s[..2 * k];
        limbs::mul(s, b, self.q.value());
        limbs::add_assign(s, t);
    }
}
