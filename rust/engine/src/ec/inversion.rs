//! Inversions in the P-256 base field and modulo the group order `n`.
//!
//! Hosts use the `p256` crate's constant-time inversions (safegcd, in `crypto-bigint`): the
//! fastest on 64-bit machines. Devices (`target_os = "none"`) use routines that take a tenth of
//! their 2.8 KB of flash:
//!
//! - in the field, Fermat's `x^(p−2)` with an addition chain (constant time: the sequence of
//!   products depends only on the public exponent);
//! - modulo `n`, the binary extended Euclidean algorithm, whose running time depends on its
//!   input, so it only ever sees values an attacker learns nothing from: a public value (the
//!   `s` of a signature being verified), or a secret multiplied by a fresh random blinding
//!   factor (`k⁻¹ = b·(k·b)⁻¹`, where `k·b` is uniform whatever `k` is).
//!
//! The device routines are compiled on hosts for their tests, which compare them with `p256`
//! (the binary GCD is [`super::binary_gcd`]).

#[cfg(target_os = "none")]
use super::binary_gcd::{invert_blinded, invert_vartime};
use super::Fe;
use p256::Scalar;

/// `x⁻¹` in the base field, 0 for 0; constant time.
pub(super) fn invert_field(x: &Fe) -> Fe {
    #[cfg(target_os = "none")]
    {
        invert_field_by_chain(x)
    }
    #[cfg(not(target_os = "none"))]
    {
        Option::from(x.invert()).unwrap_or(Fe::ZERO)
    }
}

/// `k⁻¹ mod n` for a secret non-zero `k`, constant time with respect to `k`; `blind` (fresh
/// random bytes) blinds the device routine.
#[cfg_attr(not(target_os = "none"), allow(unused_variables))]
pub(super) fn invert_secret_scalar(k: &Scalar, blind: &[u8; 32]) -> Scalar {
    #[cfg(target_os = "none")]
    {
        invert_blinded(k, blind)
    }
    #[cfg(not(target_os = "none"))]
    {
        Option::from(k.invert()).unwrap_or(Scalar::ZERO)
    }
}

/// `s⁻¹ mod n` for a public `s`, 0 for 0.
pub(super) fn invert_public_scalar(s: &Scalar) -> Scalar {
    #[cfg(target_os = "none")]
    {
        invert_vartime(s)
    }
    #[cfg(not(target_os = "none"))]
    {
        Option::from(s.invert()).unwrap_or(Scalar::ZERO)
    }
}

/// `x⁻¹` (0 for 0) by Fermat's little theorem, `x^(p−2)`, with an addition chain of 255
/// squarings and 12 products: constant time in `x`.
#[cfg(any(test, target_os = "none"))]
fn invert_field_by_chain(x: &Fe) -> Fe {
    /// `y^(2^n)`.
    fn sqn(y: Fe, n: usize) -> Fe {
        (0..n).fold(y, |acc, _| acc.square())
    }
    // xk = x^(2^k − 1): k one bits.
    let x2 = x.square() * x;
    let x3 = x2.square() * x;
    let x6 = sqn(x3, 3) * x3;
    let x12 = sqn(x6, 6) * x6;
    let x15 = sqn(x12, 3) * x3;
    let x30 = sqn(x15, 15) * x15;
    let x32 = sqn(x30, 2) * x2;
    // p − 2 = 1{32} 0{31} 1 0{96} 1{94} 0 1, most significant bit first.
    let t = sqn(x32, 32) * x;
    let t = sqn(t, 96 + 32) * x32;
    let t = sqn(t, 32) * x32;
    let t = sqn(t, 30) * x30;
    sqn(t, 2) * x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_chain_matches_p256() {
        assert_eq!(invert_field_by_chain(&Fe::ZERO), Fe::ZERO);
        assert_eq!(invert_field_by_chain(&Fe::ONE), Fe::ONE);
        assert_eq!(invert_field_by_chain(&-Fe::ONE), -Fe::ONE);
        let mut x = Fe::from_u64(0x1234_5678_9abc_def1);
        for _ in 0..50 {
            let expected = Option::<Fe>::from(x.invert()).unwrap();
            assert_eq!(invert_field_by_chain(&x), expected);
            assert_eq!(invert_field(&x), expected);
            x = x.square() + Fe::ONE;
        }
    }

    #[test]
    fn scalar_inversions_match_p256() {
        let mut k = Scalar::from(0x0fed_cba9_8765_4321u64);
        for i in 0..50u8 {
            let expected = Option::<Scalar>::from(k.invert()).unwrap();
            assert_eq!(invert_secret_scalar(&k, &[i; 32]), expected);
            assert_eq!(invert_public_scalar(&k), expected);
            k = k.square() + Scalar::ONE;
        }
        assert_eq!(invert_public_scalar(&Scalar::ZERO), Scalar::ZERO);
    }
}
