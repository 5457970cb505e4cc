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
use p256::Scalar;

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

#[cfg(test)]
mod tests {
    use super::*;

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
