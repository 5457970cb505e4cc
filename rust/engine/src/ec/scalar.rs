//! Integers modulo the P-256 group order `n` (ECDSA's scalars): eight 32-bit limbs, always
//! fully reduced, plain form. Every operation is constant-time.
//!
//! Why not the `p256` crate's `Scalar`: ECDSA needs a handful of operations per signature
//! (a few products, one sum, reductions), and `p256`'s pulls in `crypto-bigint`'s generic
//! machinery: this module takes 0.7 KB less flash on a Cortex-M3. The products use
//! Montgomery multiplication twice (`a·b·R⁻¹`, then `·R²·R⁻¹`), in loops: speed does not
//! matter for four products per signature. Inversion is [`super::inversion`]'s.

use super::limbs::{from_be_bytes, select, sub, to_be_bytes, Limbs};
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};
use zeroize::Zeroize;

/// `n`, least significant limb first.
const N: Limbs = [
    0xfc63_2551,
    0xf3b9_cac2,
    0xa717_9e84,
    0xbce6_faad,
    0xffff_ffff,
    0xffff_ffff,
    0,
    0xffff_ffff,
];

/// `−n⁻¹ mod 2^32`, for Montgomery reduction.
const N0_INV: u32 = 0xee00_bc4f;

/// `R² mod n` for `R = 2^256`: a Montgomery product with it undoes the `R⁻¹` of another.
const R2: Limbs = [
    0xbe79_eea2,
    0x8324_4c95,
    0x49bd_6fa6,
    0x4699_799c,
    0x2b6b_ec59,
    0x2845_b239,
    0xf3d9_5620,
    0x66e1_2d94,
];

/// `(n − 1) / 2`: scalars above it are "high".
const HALF_N: Limbs = [
    0x7e31_92a8,
    0x79dc_e561,
    0xd38b_cf42,
    0xde73_7d56,
    0xffff_ffff,
    0x7fff_ffff,
    0x8000_0000,
    0x7fff_ffff,
];

/// An integer modulo `n`, in `[0, n)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Scalar(Limbs);

impl Scalar {
    /// 0.
    pub const ZERO: Scalar = Scalar([0; 8]);
    /// 1.
    pub const ONE: Scalar = Scalar([1, 0, 0, 0, 0, 0, 0, 0]);

    /// Parses a big-endian 32-byte value; `None` unless it is below `n`. Constant time but for
    /// the answer.
    pub fn from_bytes(bytes: &[u8; 32]) -> Option<Scalar> {
        let limbs = from_be_bytes(bytes);
        let (_, borrow) = sub(&limbs, &N);
        // Below n exactly when subtracting n borrows.
        bool::from(Choice::from(borrow as u8)).then_some(Scalar(limbs))
    }

    /// A big-endian 32-byte value reduced mod `n` (one subtraction: `2^256 < 2n`).
    pub fn reduce_bytes(bytes: &[u8; 32]) -> Scalar {
        reduce_once(&from_be_bytes(bytes), 0)
    }

    /// The big-endian 32-byte value.
    pub fn to_bytes(self) -> [u8; 32] {
        to_be_bytes(&self.0)
    }

    /// Whether the scalar is 0.
    pub fn is_zero(&self) -> Choice {
        self.0.ct_eq(&[0; 8])
    }

    /// Whether the scalar is above `(n − 1) / 2`.
    pub fn is_high(&self) -> Choice {
        let (_, borrow) = sub(&HALF_N, &self.0);
        Choice::from(borrow as u8)
    }

    /// `2·self`.
    pub fn double(&self) -> Scalar {
        *self + *self
    }
}

impl From<u64> for Scalar {
    fn from(value: u64) -> Scalar {
        Scalar([value as u32, (value >> 32) as u32, 0, 0, 0, 0, 0, 0])
    }
}

/// `value + carry·2^256` reduced once: minus `n` when that is not negative. The input must be
/// below `2n`.
fn reduce_once(value: &Limbs, carry: u32) -> Scalar {
    let (reduced, borrow) = sub(value, &N);
    // Keep `value` when it is below n: no carry, and the subtraction borrowed.
    let keep = Choice::from((borrow & !carry) as u8);
    Scalar(select(&reduced, value, keep))
}

/// `a·b·R⁻¹ mod n` (CIOS Montgomery multiplication) for `a, b < n`.
fn montgomery(a: &Limbs, b: &Limbs) -> Scalar {
    // t holds the running value in 9 limbs plus a carry bit; it stays below 2n.
    let mut t = [0u32; 9];
    let mut top = 0u32;
    for &ai in a {
        let mut carry = 0u64;
        for (tj, &bj) in t.iter_mut().zip(b) {
            let v = *tj as u64 + ai as u64 * bj as u64 + carry;
            *tj = v as u32;
            carry = v >> 32;
        }
        let v = t[8] as u64 + carry;
        t[8] = v as u32;
        top = (v >> 32) as u32;
        // Add m·n with m chosen to clear the lowest limb, then shift down one limb.
        let m = t[0].wrapping_mul(N0_INV);
        let mut carry = (t[0] as u64 + m as u64 * N[0] as u64) >> 32;
        for j in 1..8 {
            let v = t[j] as u64 + m as u64 * N[j] as u64 + carry;
            t[j - 1] = v as u32;
            carry = v >> 32;
        }
        let v = t[8] as u64 + carry;
        t[7] = v as u32;
        let v = top as u64 + (v >> 32);
        t[8] = v as u32;
        top = (v >> 32) as u32;
    }
    debug_assert_eq!(top, 0);
    let mut low = [0u32; 8];
    low.copy_from_slice(&t[..8]);
    let out = reduce_once(&low, t[8]);
    t.zeroize();
    low.zeroize();
    out
}

impl core::ops::Mul for Scalar {
    type Output = Scalar;

    fn mul(self, rhs: Scalar) -> Scalar {
        let mut partial = montgomery(&self.0, &rhs.0);
        let out = montgomery(&partial.0, &R2);
        partial.zeroize();
        out
    }
}

impl core::ops::Add for Scalar {
    type Output = Scalar;

    fn add(self, rhs: Scalar) -> Scalar {
        let mut sum = [0u32; 8];
        let mut carry = 0u64;
        for ((s, &x), &y) in sum.iter_mut().zip(&self.0).zip(&rhs.0) {
            let v = x as u64 + y as u64 + carry;
            *s = v as u32;
            carry = v >> 32;
        }
        reduce_once(&sum, carry as u32)
    }
}

impl core::ops::Neg for Scalar {
    type Output = Scalar;

    fn neg(self) -> Scalar {
        // n − self, and 0 for 0.
        let (difference, _) = sub(&N, &self.0);
        Scalar::conditional_select(&Scalar(difference), &Scalar::ZERO, self.is_zero())
    }
}

impl core::ops::Sub for Scalar {
    type Output = Scalar;

    fn sub(self, rhs: Scalar) -> Scalar {
        self + -rhs
    }
}

impl ConditionallySelectable for Scalar {
    fn conditional_select(a: &Scalar, b: &Scalar, choice: Choice) -> Scalar {
        Scalar(select(&a.0, &b.0, choice))
    }
}

impl Zeroize for Scalar {
    fn zeroize(&mut self) {
        self.0.zeroize();
    }
}

#[cfg(test)]
mod tests {
    //! Differential tests against the `p256` crate's `Scalar`.
    use super::*;
    use p256::elliptic_curve::ff::{Field, PrimeField};
    use p256::elliptic_curve::ops::Reduce;
    use p256::elliptic_curve::scalar::IsHigh;
    use p256::FieldBytes;

    type Reference = p256::Scalar;

    fn reference(x: &Scalar) -> Reference {
        Option::from(Reference::from_repr(FieldBytes::from(x.to_bytes()))).unwrap()
    }

    fn back(x: &Reference) -> Scalar {
        Scalar::from_bytes(&x.to_repr().into()).unwrap()
    }

    fn values() -> alloc::vec::Vec<Scalar> {
        let mut v = alloc::vec![
            Scalar::ZERO,
            Scalar::ONE,
            -Scalar::ONE,
            Scalar(HALF_N),
            Scalar(HALF_N) + Scalar::ONE,
            Scalar::from(u64::MAX),
        ];
        let mut x = Reference::from(0x1234_5678_9abc_def1u64);
        for _ in 0..150 {
            x = x.square() + Reference::from(3u64);
            v.push(back(&x));
        }
        v
    }

    #[test]
    fn constants() {
        assert_eq!(N[0].wrapping_mul(N0_INV), u32::MAX);
        assert_eq!(Scalar::ONE * Scalar::ONE, Scalar::ONE);
        assert_eq!(back(&-Reference::ONE), -Scalar::ONE);
    }

    #[test]
    fn arithmetic_matches_p256() {
        let values = values();
        for (i, x) in values.iter().enumerate() {
            let rx = reference(x);
            assert_eq!(-*x, back(&-rx), "neg {i}");
            assert_eq!(x.double(), back(&rx.double()), "double {i}");
            assert_eq!(
                bool::from(x.is_zero()),
                bool::from(rx.is_zero()),
                "zero {i}"
            );
            assert_eq!(
                bool::from(x.is_high()),
                bool::from(rx.is_high()),
                "high {i}"
            );
            for (j, y) in values.iter().enumerate().step_by(5) {
                let ry = reference(y);
                assert_eq!(*x * *y, back(&(rx * ry)), "mul {i} {j}");
                assert_eq!(*x + *y, back(&(rx + ry)), "add {i} {j}");
                assert_eq!(*x - *y, back(&(rx - ry)), "sub {i} {j}");
            }
        }
    }

    #[test]
    fn byte_parsing_and_reduction_match_p256() {
        let n_bytes = (-Scalar::ONE).to_bytes();
        let mut n_plus = n_bytes;
        n_plus[31] += 1; // n itself (n − 1 ends in 0x50)
        assert_eq!(Scalar::from_bytes(&n_plus), None);
        assert_eq!(Scalar::from_bytes(&[0xff; 32]), None);
        assert_eq!(Scalar::from_bytes(&n_bytes), Some(-Scalar::ONE));
        for bytes in [n_plus, [0xff; 32], [0; 32], n_bytes, [0x80; 32]] {
            let expected = <Reference as Reduce<FieldBytes>>::reduce(&FieldBytes::from(bytes));
            assert_eq!(Scalar::reduce_bytes(&bytes), back(&expected));
        }
        for x in values() {
            assert_eq!(Scalar::from_bytes(&x.to_bytes()), Some(x));
        }
    }
}
