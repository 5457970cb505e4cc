//! Inversions modulo the group order `n`.
//!
//! Hosts use the `p256` crate's constant-time inversion (safegcd, in `crypto-bigint`): the
//! fastest on 64-bit machines. Devices (`target_os = "none"`) use the binary extended Euclidean
//! algorithm ([`super::binary_gcd`], a tenth of safegcd's 2.8 KB of flash), whose running time
//! depends on its input, so it only ever sees values an attacker learns nothing from: a public
//! value (the `s` of a signature being verified), or a secret multiplied by a fresh random
//! blinding factor (`k⁻¹ = b·(k·b)⁻¹`, where `k·b` is uniform whatever `k` is). It is compiled
//! on hosts for its tests, which compare it with `p256`.

#[cfg(target_os = "none")]
use super::binary_gcd::{invert_blinded, invert_vartime};
use super::Scalar;

/// `x⁻¹ mod n` by `p256`'s constant-time inversion (hosts), 0 for 0.
#[cfg(not(target_os = "none"))]
fn invert_with_p256(x: &Scalar) -> Scalar {
    use p256::elliptic_curve::ff::PrimeField;
    use zeroize::Zeroize;
    let mut x = Option::<p256::Scalar>::from(p256::Scalar::from_repr(x.to_bytes().into()))
        .unwrap_or(p256::Scalar::ZERO);
    let mut inverse = Option::<p256::Scalar>::from(x.invert()).unwrap_or(p256::Scalar::ZERO);
    let mut bytes: [u8; 32] = inverse.to_repr().into();
    // Below n: the conversion cannot fail.
    let out = Scalar::from_bytes(&bytes).unwrap_or(Scalar::ZERO);
    x.zeroize();
    inverse.zeroize();
    bytes.zeroize();
    out
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
        invert_with_p256(k)
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
        invert_with_p256(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalar_inversions_match_p256() {
        let mut k = Scalar::from(0x0fed_cba9_8765_4321u64);
        for i in 0..50u8 {
            let inverse = invert_secret_scalar(&k, &[i; 32]);
            assert_eq!(inverse * k, Scalar::ONE);
            assert_eq!(invert_public_scalar(&k), inverse);
            k = k * k + Scalar::ONE;
        }
        assert_eq!(invert_public_scalar(&Scalar::ZERO), Scalar::ZERO);
    }
}
