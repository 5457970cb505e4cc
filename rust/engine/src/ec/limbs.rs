//! 256-bit integers as eight 32-bit limbs, least significant first: what the P-256 field of
//! 32-bit targets (`field_limb32`), the scalars mod `n` (`scalar`) and the binary GCD
//! (`binary_gcd`) share. Every function runs in constant time.

use subtle::{Choice, ConditionallySelectable};

/// A 256-bit integer, least significant limb first.
pub(super) type Limbs = [u32; 8];

/// Reads a big-endian 32-byte integer.
pub(super) fn from_be_bytes(bytes: &[u8; 32]) -> Limbs {
    let mut limbs = [0u32; 8];
    for (limb, chunk) in limbs.iter_mut().rev().zip(bytes.chunks_exact(4)) {
        *limb = u32::from_be_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
    }
    limbs
}

/// Writes `limbs` as a big-endian 32-byte integer.
pub(super) fn to_be_bytes(limbs: &Limbs) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (chunk, limb) in out.chunks_exact_mut(4).zip(limbs.iter().rev()) {
        chunk.copy_from_slice(&limb.to_be_bytes());
    }
    out
}

/// `a − b` and the borrow out (0 or 1).
pub(super) fn sub(a: &Limbs, b: &Limbs) -> (Limbs, u32) {
    let mut out = [0u32; 8];
    let mut borrow = 0u64;
    for ((o, &x), &y) in out.iter_mut().zip(a).zip(b) {
        let d = (x as u64).wrapping_sub(y as u64).wrapping_sub(borrow);
        *o = d as u32;
        borrow = (d >> 63) & 1;
    }
    (out, borrow as u32)
}

/// `b` when `choice` is set, else `a`.
pub(super) fn select(a: &Limbs, b: &Limbs, choice: Choice) -> Limbs {
    let mut out = *a;
    for (o, &y) in out.iter_mut().zip(b) {
        o.conditional_assign(&y, choice);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_round_trip_and_order() {
        let bytes: [u8; 32] = core::array::from_fn(|i| i as u8 + 1);
        let limbs = from_be_bytes(&bytes);
        assert_eq!(limbs[0], 0x1d1e_1f20);
        assert_eq!(limbs[7], 0x0102_0304);
        assert_eq!(to_be_bytes(&limbs), bytes);
    }

    #[test]
    fn subtraction_and_selection() {
        let one = [1, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(sub(&one, &one), ([0; 8], 0));
        assert_eq!(sub(&[0; 8], &one), ([u32::MAX; 8], 1));
        assert_eq!(
            sub(&[0, 1, 0, 0, 0, 0, 0, 0], &one),
            ([u32::MAX, 0, 0, 0, 0, 0, 0, 0], 0)
        );
        assert_eq!(select(&one, &[0; 8], Choice::from(0)), one);
        assert_eq!(select(&one, &[0; 8], Choice::from(1)), [0; 8]);
    }
}
