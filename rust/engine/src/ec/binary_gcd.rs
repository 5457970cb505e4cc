//! `a⁻¹ mod n` (the P-256 group order) by the binary extended Euclidean algorithm, for
//! devices (see [`super::inversion`]): a tenth of the flash of `p256`'s safegcd, and faster on
//! a Cortex-M3, but variable time, so [`invert_vartime`] only takes public values and secrets
//! go through [`invert_blinded`].

use super::limbs::{self, from_be_bytes, to_be_bytes, Limbs};
use super::Scalar;
use subtle::ConditionallySelectable;
use zeroize::Zeroize;

/// `n`, big-endian.
const N_BYTES: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

/// `a += b`; returns the carry.
fn add(a: &mut Limbs, b: &Limbs) -> bool {
    let mut carry = false;
    for (x, &y) in a.iter_mut().zip(b) {
        let (s, c1) = x.overflowing_add(y);
        let (s, c2) = s.overflowing_add(carry as u32);
        *x = s;
        carry = c1 | c2;
    }
    carry
}

/// `a −= b`; returns the borrow.
fn sub(a: &mut Limbs, b: &Limbs) -> bool {
    let (difference, borrow) = limbs::sub(a, b);
    *a = difference;
    borrow == 1
}

/// `a = (a + (carry · 2^256)) / 2`.
fn shr1(a: &mut Limbs, carry: bool) {
    let mut high = carry as u32;
    for x in a.iter_mut().rev() {
        let low = *x & 1;
        *x = (*x >> 1) | (high << (u32::BITS - 1));
        high = low;
    }
}

fn is_even(a: &Limbs) -> bool {
    a[0] & 1 == 0
}

fn is_one(a: &Limbs) -> bool {
    a[0] == 1 && a[1..].iter().all(|&x| x == 0)
}

/// `a ≥ b`.
fn at_least(a: &Limbs, b: &Limbs) -> bool {
    for (x, y) in a.iter().zip(b).rev() {
        if x != y {
            return x > y;
        }
    }
    true
}

/// `x / 2 mod n` for `x < n` (`n` is odd: an odd `x` becomes `(x + n) / 2`).
fn half_mod_n(x: &mut Limbs, n: &Limbs) {
    let carry = if is_even(x) { false } else { add(x, n) };
    shr1(x, carry);
}

/// `x − y mod n` for `x, y < n`.
fn sub_mod_n(x: &mut Limbs, y: &Limbs, n: &Limbs) {
    if sub(x, y) {
        add(x, n);
    }
}

/// `a⁻¹ mod n` for a non-zero `a`, in time that depends on `a`: only for public values, or
/// through [`invert_blinded`]. Returns 0 for 0.
pub(super) fn invert_vartime(a: &Scalar) -> Scalar {
    if bool::from(a.is_zero()) {
        return Scalar::ZERO;
    }
    let n = from_be_bytes(&N_BYTES);
    // Invariants: x1·a ≡ u and x2·a ≡ v (mod n); gcd(u, v) = gcd(a, n) = 1 (n is prime).
    let mut u = from_be_bytes(&a.to_bytes());
    let mut v = n;
    let mut x1: Limbs = [0; 8];
    x1[0] = 1;
    let mut x2: Limbs = [0; 8];
    while !is_one(&u) && !is_one(&v) {
        while is_even(&u) {
            shr1(&mut u, false);
            half_mod_n(&mut x1, &n);
        }
        while is_even(&v) {
            shr1(&mut v, false);
            half_mod_n(&mut x2, &n);
        }
        if at_least(&u, &v) {
            sub(&mut u, &v);
            sub_mod_n(&mut x1, &x2, &n);
        } else {
            sub(&mut v, &u);
            sub_mod_n(&mut x2, &x1, &n);
        }
    }
    let inverse = if is_one(&u) { x1 } else { x2 };
    let out = Scalar::from_bytes(&to_be_bytes(&inverse));
    u.zeroize();
    v.zeroize();
    x1.zeroize();
    x2.zeroize();
    // x1 and x2 stay below n, so the conversion cannot fail.
    out.unwrap_or(Scalar::ZERO)
}

/// `a⁻¹ mod n` for a secret non-zero `a`, blinded by `blind` (fresh random bytes, secret):
/// `a⁻¹ = b·(a·b)⁻¹` with `b = blind mod n` (1 in the 2^-256 case that it is 0). The variable
/// time inversion only sees `a·b`, which is uniform and independent of `a`.
pub(super) fn invert_blinded(a: &Scalar, blind: &[u8; 32]) -> Scalar {
    let b = Scalar::reduce_bytes(blind);
    let mut b = Scalar::conditional_select(&b, &Scalar::ONE, b.is_zero());
    let mut blinded = *a * b;
    let inverse = b * invert_vartime(&blinded);
    b.zeroize();
    blinded.zeroize();
    inverse
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::elliptic_curve::ff::PrimeField;

    /// `p256`'s inverse of `a`.
    fn reference(a: &Scalar) -> Scalar {
        let a = p256::Scalar::from_repr(a.to_bytes().into()).unwrap();
        let inverse: p256::Scalar = Option::from(a.invert()).unwrap();
        Scalar::from_bytes(&inverse.to_repr().into()).unwrap()
    }

    #[test]
    fn inverses_match_p256() {
        let mut values = alloc::vec![
            Scalar::ONE,
            Scalar::from(2u64),
            Scalar::from(3u64),
            -Scalar::ONE,
            -Scalar::from(2u64),
            Scalar::from(u64::MAX),
        ];
        let mut x = Scalar::from(0x1234_5678_9abc_def1u64);
        for _ in 0..200 {
            x = x * x + Scalar::from(7u64);
            values.push(x);
        }
        for (i, a) in values.iter().enumerate() {
            let expected = reference(a);
            assert_eq!(invert_vartime(a), expected, "value {i}");
            let mut blind = [0u8; 32];
            blind[31] = i as u8;
            blind[0] = 0xff;
            assert_eq!(invert_blinded(a, &blind), expected, "blinded {i}");
            assert_eq!(invert_blinded(a, &[0u8; 32]), expected, "zero blind {i}");
            assert_eq!(invert_blinded(a, &N_BYTES), expected, "blind n {i}");
            assert_eq!(*a * invert_vartime(a), Scalar::ONE);
        }
        assert_eq!(invert_vartime(&Scalar::ZERO), Scalar::ZERO);
    }

    #[test]
    fn byte_conversions_round_trip() {
        let bytes: [u8; 32] = core::array::from_fn(|i| (i * 37 + 1) as u8);
        assert_eq!(to_be_bytes(&from_be_bytes(&bytes)), bytes);
        assert_eq!(from_be_bytes(&N_BYTES)[0] & 1, 1);
    }
}
