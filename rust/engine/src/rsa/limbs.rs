//! Multi-precision integers as little-endian slices of machine words ("limbs").
//!
//! Limbs are 64 bits on 64-bit targets and 32 bits elsewhere; `--cfg core_pkcs11_limb32`
//! forces 32-bit limbs on a 64-bit host so the tests cover the Cortex-M arithmetic too.
//!
//! Every function here runs in time that depends only on the slice lengths, never on the
//! values, unless its name ends in `_vartime`. Lengths are public (they follow from the key
//! size); values may be secret.

use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};

/// One limb: the widest word the target multiplies natively.
#[cfg(all(target_pointer_width = "64", not(core_pkcs11_limb32)))]
pub type Limb = u64;
/// Twice a limb, for products and carries.
#[cfg(all(target_pointer_width = "64", not(core_pkcs11_limb32)))]
pub type Wide = u128;
/// One limb: the widest word the target multiplies natively.
#[cfg(any(not(target_pointer_width = "64"), core_pkcs11_limb32))]
pub type Limb = u32;
/// Twice a limb, for products and carries.
#[cfg(any(not(target_pointer_width = "64"), core_pkcs11_limb32))]
pub type Wide = u64;

/// Bits in a limb.
pub const LIMB_BITS: usize = Limb::BITS as usize;
/// Bytes in a limb.
pub const LIMB_BYTES: usize = LIMB_BITS / 8;

/// Limbs needed for `bytes` bytes.
pub const fn limbs_for_bytes(bytes: usize) -> usize {
    bytes.div_ceil(LIMB_BYTES)
}

/// `a + b * c + d` as (low limb, high limb); cannot overflow.
#[inline(always)]
pub fn mul_add(a: Limb, b: Limb, c: Limb, d: Limb) -> (Limb, Limb) {
    let w = a as Wide + (b as Wide) * (c as Wide) + d as Wide;
    (w as Limb, (w >> LIMB_BITS) as Limb)
}

/// Reads the big-endian integer `bytes` into `out` (zero-extended). `None` if it does not fit.
pub fn from_be_bytes(bytes: &[u8], out: &mut [Limb]) -> Option<()> {
    out.fill(0);
    for (i, &b) in bytes.iter().rev().enumerate() {
        let limb = i / LIMB_BYTES;
        if limb >= out.len() {
            if b != 0 {
                return None;
            }
            continue;
        }
        out[limb] |= (b as Limb) << (8 * (i % LIMB_BYTES));
    }
    Some(())
}

/// Writes `a` big-endian into all of `out`, which must be long enough for its value.
pub fn to_be_bytes(a: &[Limb], out: &mut [u8]) {
    for (i, byte) in out.iter_mut().rev().enumerate() {
        let limb = i / LIMB_BYTES;
        *byte = a
            .get(limb)
            .map_or(0, |l| (l >> (8 * (i % LIMB_BYTES))) as u8);
    }
}

/// `a += b` over `a.len()` limbs (`b` zero-extended); returns the carry out (0 or 1).
pub fn add_assign(a: &mut [Limb], b: &[Limb]) -> Limb {
    let mut carry = 0;
    for (i, x) in a.iter_mut().enumerate() {
        let y = b.get(i).copied().unwrap_or(0);
        let w = *x as Wide + y as Wide + carry as Wide;
        *x = w as Limb;
        carry = (w >> LIMB_BITS) as Limb;
    }
    carry
}

/// `out = a - b` over `out.len()` limbs (`a`, `b` zero-extended); returns the borrow (0 or 1).
pub fn sub(out: &mut [Limb], a: &[Limb], b: &[Limb]) -> Limb {
    let mut borrow = 0;
    for (i, o) in out.iter_mut().enumerate() {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        let w = (x as Wide)
            .wrapping_sub(y as Wide)
            .wrapping_sub(borrow as Wide);
        *o = w as Limb;
        borrow = ((w >> LIMB_BITS) as Limb) & 1;
    }
    borrow
}

/// `a = b` where `choice` is set, unchanged otherwise.
pub fn select(a: &mut [Limb], b: &[Limb], choice: Choice) {
    for (x, y) in a.iter_mut().zip(b) {
        x.conditional_assign(y, choice);
    }
}

/// Whether a limb value is 1 (0 or 1 in, as limb arithmetic produces).
pub fn is_one(bit: Limb) -> Choice {
    bit.ct_eq(&1)
}

/// `out = a * b`; `out` holds `a.len() + b.len()` limbs.
pub fn mul(out: &mut [Limb], a: &[Limb], b: &[Limb]) {
    out.fill(0);
    for (i, &ai) in a.iter().enumerate() {
        let row = &mut out[i..i + b.len() + 1];
        let mut carry = 0;
        for (o, &bj) in row.iter_mut().zip(b) {
            let (lo, hi) = mul_add(*o, ai, bj, carry);
            *o = lo;
            carry = hi;
        }
        row[b.len()] = carry;
    }
}

/// `out = a mod m` (`out.len() == m.len()`, `m` nonzero), one bit of `a` at a time with a
/// constant-time subtraction: slow but only used while a key is loaded.
pub fn rem(out: &mut [Limb], a: &[Limb], m: &[Limb], scratch: &mut [Limb]) {
    let k = m.len();
    // r < m always; r * 2 + bit < 2m needs one more limb.
    let (r, rest) = scratch.split_at_mut(k + 1);
    let d = &mut rest[..k + 1];
    r.fill(0);
    for i in (0..a.len() * LIMB_BITS).rev() {
        let bit = (a[i / LIMB_BITS] >> (i % LIMB_BITS)) & 1;
        let mut carry = bit;
        for x in r.iter_mut() {
            let top = *x >> (LIMB_BITS - 1);
            *x = (*x << 1) | carry;
            carry = top;
        }
        let borrow = sub(d, r, m);
        select(r, d, !is_one(borrow));
    }
    out.copy_from_slice(&r[..k]);
    zeroize::Zeroize::zeroize(scratch);
}

/// Whether `a == b` over the longer length (the shorter zero-extended).
pub fn equal(a: &[Limb], b: &[Limb]) -> Choice {
    let mut diff: Limb = 0;
    for i in 0..a.len().max(b.len()) {
        diff |= a.get(i).copied().unwrap_or(0) ^ b.get(i).copied().unwrap_or(0);
    }
    diff.ct_eq(&0)
}

/// Number of significant bits of a public value.
pub fn bits_vartime(a: &[Limb]) -> usize {
    match a.iter().rposition(|&l| l != 0) {
        Some(i) => i * LIMB_BITS + (LIMB_BITS - a[i].leading_zeros() as usize),
        None => 0,
    }
}

/// Whether public value `a < b` (both the same length).
pub fn less_than_vartime(a: &[Limb], b: &[Limb]) -> bool {
    for (x, y) in a.iter().rev().zip(b.iter().rev()) {
        if x != y {
            return x < y;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_round_trip() {
        let bytes: alloc::vec::Vec<u8> = (1..=37).collect();
        let mut l = [0 as Limb; 40 / LIMB_BYTES];
        from_be_bytes(&bytes, &mut l).unwrap();
        let mut back = [0u8; 37];
        to_be_bytes(&l, &mut back);
        assert_eq!(&back[..], &bytes[..]);
        let mut small = [0 as Limb; 1];
        assert!(from_be_bytes(&bytes, &mut small).is_none());
        // Leading zero bytes beyond the limbs are fine.
        assert!(from_be_bytes(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 7], &mut small).is_some());
        assert_eq!(small[0], 7);
    }

    #[test]
    fn arithmetic() {
        let max = Limb::MAX;
        let mut a = [max, max, 0];
        assert_eq!(add_assign(&mut a, &[1]), 0);
        assert_eq!(a, [0, 0, 1]);
        let mut d = [0 as Limb; 3];
        assert_eq!(sub(&mut d, &[0, 0, 1], &[1]), 0);
        assert_eq!(d, [max, max, 0]);
        assert_eq!(sub(&mut d, &[0], &[1]), 1);
        let mut p = [0 as Limb; 4];
        mul(&mut p, &[max, max], &[max, max]);
        // (B^2 - 1)^2 = B^4 - 2 B^2 + 1
        assert_eq!(p, [1, 0, max - 1, max]);
        let mut r = [0 as Limb; 1];
        let mut scratch = [0 as Limb; 4];
        rem(&mut r, &[1000, 7], &[13], &mut scratch);
        let want = ((7u128 << LIMB_BITS) + 1000) % 13;
        assert_eq!(r[0] as u128, want);
        assert!(bool::from(equal(&[5, 0], &[5])));
        assert!(!bool::from(equal(&[5, 1], &[5])));
        assert_eq!(bits_vartime(&[0, 1]), LIMB_BITS + 1);
        assert!(less_than_vartime(&[max, 0], &[0, 1]));
        assert!(!less_than_vartime(&[0, 1], &[0, 1]));
    }
}
