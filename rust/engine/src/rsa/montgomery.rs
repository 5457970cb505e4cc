//! Montgomery arithmetic modulo an odd number: the engine's RSA exponentiation.
//!
//! With `R = 2^(LIMB_BITS * k)` for a `k`-limb modulus `m`, a value `x` is kept as `x R mod m`,
//! so a product needs no division: [`Modulus::mul`] gives `a b / R mod m`. Secret
//! exponentiation ([`Modulus::pow`]) uses a fixed window and reads the whole window table for
//! every window, so neither its time nor its memory accesses depend on the exponent.

use super::limbs::{self, mul_add, Limb, Wide, LIMB_BITS};
use alloc::vec;
use alloc::vec::Vec;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, Zeroizing};

/// Largest modulus handled, in limbs (a 4096-bit RSA modulus).
pub const MAX_LIMBS: usize = 4096 / LIMB_BITS;

/// Limbs of window table space [`Modulus::pow`] works in: 16 entries for a 1024-bit CRT
/// prime on 32-bit targets (2 KiB of stack), 32 entries for one on 64-bit hosts.
pub const TABLE_LIMBS: usize = 512;

/// Widest window [`Modulus::pow`] uses; wider ones save almost nothing for RSA sizes.
const MAX_WINDOW: usize = 5;

/// `x = 2x mod m` for `x < m` (`x` and `scratch` one limb longer than `m`), without a branch.
fn double_mod(x: &mut [Limb], scratch: &mut [Limb], m: &[Limb]) {
    let mut carry = 0;
    for l in x.iter_mut() {
        let top = *l >> (LIMB_BITS - 1);
        *l = (*l << 1) | carry;
        carry = top;
    }
    let borrow = limbs::sub(scratch, x, m);
    limbs::select(x, scratch, !limbs::is_one(borrow));
}

/// An odd modulus with its Montgomery constants. Values derived from a secret modulus (an RSA
/// prime) are zeroized when dropped.
pub struct Modulus {
    /// The modulus, `k` limbs.
    m: Zeroizing<Vec<Limb>>,
    /// `-m^-1 mod 2^LIMB_BITS`.
    m0inv: Limb,
    /// `R^2 mod m`: [`Modulus::mul`] by it converts into Montgomery form.
    rr: Zeroizing<Vec<Limb>>,
    /// `R^3 mod m`: converts a value's upper half (see [`Modulus::reduce_wide`]).
    rrr: Zeroizing<Vec<Limb>>,
    /// `R mod m`: 1 in Montgomery form.
    one: Zeroizing<Vec<Limb>>,
    /// 1 as a `k`-limb value: a product with it leaves Montgomery form.
    unit: Vec<Limb>,
}

impl Modulus {
    /// Prepares modulus `m` (`k` limbs, its top limb may be zero). `None` unless `m` is odd,
    /// greater than 1 and at most [`MAX_LIMBS`] long. Runs in time independent of the value.
    pub fn new(m: &[Limb]) -> Option<Modulus> {
        let k = m.len();
        if k == 0 || k > MAX_LIMBS || m[0] & 1 == 0 || limbs::bits_vartime(m) < 2 {
            return None;
        }
        // Newton's iteration doubles the correct low bits of m^-1 each step: 1, 2, 4, ...
        let mut inv: Limb = 1;
        for _ in 0..LIMB_BITS.trailing_zeros() {
            inv = inv.wrapping_mul((2 as Limb).wrapping_sub(m[0].wrapping_mul(inv)));
        }
        let mut modulus = Modulus {
            m: Zeroizing::new(m.to_vec()),
            m0inv: inv.wrapping_neg(),
            rr: Zeroizing::new(vec![0; k]),
            rrr: Zeroizing::new(vec![0; k]),
            one: Zeroizing::new(vec![0; k]),
            unit: vec![0; k],
        };
        modulus.unit[0] = 1;
        // R mod m (1 in Montgomery form): from 2^(bits-1), the highest power of two below m,
        // double up to 2^(k LIMB_BITS). The bit length of m is public (a prime's is half the
        // modulus's); every doubling is reduced without a branch.
        let bits = limbs::bits_vartime(m);
        let mut x = Zeroizing::new(vec![0 as Limb; k + 1]);
        let mut d = Zeroizing::new(vec![0 as Limb; k + 1]);
        x[(bits - 1) / LIMB_BITS] = 1 << ((bits - 1) % LIMB_BITS);
        let r_bits = k * LIMB_BITS;
        for _ in bits - 1..r_bits {
            double_mod(&mut x, &mut d, m);
        }
        // With r_bits = c 2^s (c odd): c more doublings give 2^c in Montgomery form, and s
        // Montgomery squarings turn 2^e R into 2^(2e) R, ending at 2^r_bits R = R^2 mod m.
        let squarings = r_bits.trailing_zeros();
        for _ in 0..r_bits >> squarings {
            double_mod(&mut x, &mut d, m);
        }
        for _ in 0..squarings {
            modulus.square_assign(&mut x[..k]);
        }
        modulus.rr.copy_from_slice(&x[..k]);
        let mut rrr = Zeroizing::new(modulus.rr.to_vec());
        modulus.mul_assign(&mut rrr, &modulus.rr);
        modulus.rrr.copy_from_slice(&rrr);
        let mut one = Zeroizing::new(modulus.rr.to_vec());
        modulus.mul_assign(&mut one, &modulus.unit);
        modulus.one.copy_from_slice(&one);
        Some(modulus)
    }

    /// Length of the modulus in limbs (`k`).
    pub fn len(&self) -> usize {
        self.m.len()
    }

    /// The modulus.
    pub fn value(&self) -> &[Limb] {
        &self.m
    }

    /// `out = a b / R mod m`, fully reduced. Needs `a < R` (any `k`-limb value) and `b < m`.
    pub fn mul(&self, out: &mut [Limb], a: &[Limb], b: &[Limb]) {
        let k = self.len();
        let mut buf = [0 as Limb; MAX_LIMBS + 1];
        let t = &mut buf[..k + 1];
        self.product(t, a, b);
        self.subtract_once(out, &t[..k], t[k]);
        t.zeroize();
    }

    /// `a = a b / R mod m` ([`Modulus::mul`] in place).
    pub fn mul_assign(&self, a: &mut [Limb], b: &[Limb]) {
        let k = self.len();
        let mut buf = [0 as Limb; MAX_LIMBS + 1];
        let t = &mut buf[..k + 1];
        self.product(t, a, b);
        self.subtract_once(a, &t[..k], t[k]);
        t.zeroize();
    }

    /// `t = a b / R`, below `2m`, in `k + 1` limbs (the top one 0 or 1).
    fn product(&self, t: &mut [Limb], a: &[Limb], b: &[Limb]) {
        let k = self.len();
        let (m, a, b) = (&self.m[..k], &a[..k], &b[..k]);
        // One pass per limb of `a` adds a_i b and a multiple of m that clears the lowest limb,
        // then shifts down a limb. The running value stays below 2m: t[k] is 0 or 1.
        for &ai in a {
            let (lo, mut c1) = mul_add(t[0], ai, b[0], 0);
            let q = lo.wrapping_mul(self.m0inv);
            let (_, mut c2) = mul_add(lo, q, m[0], 0);
            for j in 1..k {
                let (s, c) = mul_add(t[j], ai, b[j], c1);
                c1 = c;
                let (s, c) = mul_add(s, q, m[j], c2);
                c2 = c;
                t[j - 1] = s;
            }
            let w = t[k] as Wide + c1 as Wide + c2 as Wide;
            t[k - 1] = w as Limb;
            t[k] = (w >> LIMB_BITS) as Limb;
        }
    }

    /// `a = a^2 / R mod m` for `a < m`: [`Modulus::mul_assign`] with each cross product
    /// computed once (about a quarter fewer limb multiplications), for the squarings that
    /// make up most of an exponentiation.
    pub fn square_assign(&self, a: &mut [Limb]) {
        let k = self.len();
        let mut buf = [0 as Limb; 2 * MAX_LIMBS];
        let t = &mut buf[..2 * k];
        let top = self.square_product(t, a);
        self.subtract_once(a, &t[k..], top);
        t.zeroize();
    }

    /// `t[k..] + top R = a^2 / R`, below `2m`, for `t` of `2k` limbs; returns `top`.
    fn square_product(&self, t: &mut [Limb], a: &[Limb]) -> Limb {
        let k = self.len();
        let a = &a[..k];
        // The products a_i a_j with i < j, each once.
        for i in 0..k {
            let mut carry = 0;
            for j in i + 1..k {
                let (lo, hi) = mul_add(t[i + j], a[i], a[j], carry);
                t[i + j] = lo;
                carry = hi;
            }
            t[i + k] = carry;
        }
        // Doubled (their sum is below a^2 / 2, so no bit leaves the top), plus the squares.
        let mut shifted_out = 0;
        for x in t.iter_mut() {
            let top = *x >> (LIMB_BITS - 1);
            *x = (*x << 1) | shifted_out;
            shifted_out = top;
        }
        let mut carry = 0;
        for i in 0..k {
            let (lo, hi) = mul_add(t[2 * i], a[i], a[i], carry);
            t[2 * i] = lo;
            let w = t[2 * i + 1] as Wide + hi as Wide;
            t[2 * i + 1] = w as Limb;
            carry = (w >> LIMB_BITS) as Limb;
        }
        // Montgomery reduction: clear the low k limbs with multiples of m.
        let m = &self.m[..k];
        let mut top = 0;
        for i in 0..k {
            let q = t[i].wrapping_mul(self.m0inv);
            let mut carry = 0;
            for (x, &mj) in t[i..i + k].iter_mut().zip(m) {
                let (lo, hi) = mul_add(*x, q, mj, carry);
                *x = lo;
                carry = hi;
            }
            let w = t[i + k] as Wide + carry as Wide + top as Wide;
            t[i + k] = w as Limb;
            top = (w >> LIMB_BITS) as Limb;
        }
        top
    }

    /// `out = t mod m` for `t = top R + t[..k] < 2m`: subtracts m unless that borrows past
    /// the top limb.
    fn subtract_once(&self, out: &mut [Limb], t: &[Limb], top: Limb) {
        let borrow = limbs::sub(out, t, &self.m);
        let keep_t = limbs::is_one(borrow) & !limbs::is_one(top);
        limbs::select(out, t, keep_t);
    }

    /// `out = a R mod m` for any `a < R`: `a` into Montgomery form.
    pub fn to_montgomery(&self, out: &mut [Limb], a: &[Limb]) {
        self.mul(out, a, &self.rr);
    }

    /// `out = a / R mod m`: out of Montgomery form.
    pub fn out_of_montgomery(&self, out: &mut [Limb], a: &[Limb]) {
        self.mul(out, a, &self.unit);
    }

    /// `a = a / R mod m` ([`Modulus::out_of_montgomery`] in place).
    pub fn leave_montgomery(&self, a: &mut [Limb]) {
        self.mul_assign(a, &self.unit);
    }

    /// `out = x R mod m` for a value `x = hi R + lo` below `m R` (so `hi < m`), given as its
    /// `2k` limbs: reduces an RSA input modulo one of the primes.
    pub fn reduce_wide(&self, out: &mut [Limb], x: &[Limb]) {
        let k = self.len();
        let mut hi = [0 as Limb; MAX_LIMBS];
        // lo R^2 / R = lo R; hi R^3 / R = hi R^2; their sum is x R.
        self.mul(out, &x[..k], &self.rr);
        self.mul(&mut hi[..k], &x[k..2 * k], &self.rrr);
        self.add_assign(out, &hi[..k]);
        hi.zeroize();
    }

    /// `a = a + b mod m` for `a, b < m`.
    pub fn add_assign(&self, a: &mut [Limb], b: &[Limb]) {
        let k = self.len();
        let mut d = [0 as Limb; MAX_LIMBS];
        let carry = limbs::add_assign(&mut a[..k], &b[..k]);
        let borrow = limbs::sub(&mut d[..k], &a[..k], &self.m);
        // a + b < 2m: take a + b - m when the sum carried out or the subtraction did not borrow.
        limbs::select(
            &mut a[..k],
            &d[..k],
            limbs::is_one(carry) | !limbs::is_one(borrow),
        );
        d.zeroize();
    }

    /// `a = a - b mod m` for `a, b < m`.
    pub fn sub_assign(&self, a: &mut [Limb], b: &[Limb]) {
        let k = self.len();
        let mut d = [0 as Limb; MAX_LIMBS];
        let borrow = limbs::sub(&mut d[..k], &a[..k], &b[..k]);
        a[..k].copy_from_slice(&d[..k]);
        limbs::add_assign(&mut d[..k], &self.m);
        limbs::select(&mut a[..k], &d[..k], limbs::is_one(borrow));
        d.zeroize();
    }

    /// `out = base^exp` in Montgomery form (`base` in Montgomery form, below m), for a secret
    /// exponent: every window costs the same squarings, one multiplication and a read of the
    /// whole table. `table` holds at least `2k` limbs ([`TABLE_LIMBS`] gives the widest window).
    pub fn pow(&self, out: &mut [Limb], base: &[Limb], exp: &[Limb], table: &mut [Limb]) {
        let k = self.len();
        let mut window = 1;
        while window < MAX_WINDOW && (k << (window + 1)) <= table.len() {
            window += 1;
        }
        let entries = 1usize << window;
        let table = &mut table[..entries * k];
        // table[i] = base^i.
        let (first, rest) = table.split_at_mut(k);
        first.copy_from_slice(&self.one);
        let mut prev: &[Limb] = first;
        for entry in rest.chunks_exact_mut(k) {
            self.mul(entry, prev, &base[..k]);
            prev = entry;
        }
        let table = &*table;
        let out = &mut out[..k];
        let mut selected = [0 as Limb; MAX_LIMBS];
        let bits = exp.len() * LIMB_BITS;
        let windows = bits.div_ceil(window);
        out.copy_from_slice(&table[..k]);
        for w in (0..windows).rev() {
            if w + 1 != windows {
                for _ in 0..window {
                    self.square_assign(out);
                }
            }
            let mut index = 0usize;
            for bit in (w * window..(w + 1) * window).rev() {
                let b = exp
                    .get(bit / LIMB_BITS)
                    .map_or(0, |l| (l >> (bit % LIMB_BITS)) & 1);
                index = (index << 1) | b as usize;
            }
            for (i, entry) in table.chunks_exact(k).enumerate() {
                limbs::select(&mut selected[..k], entry, (i as u64).ct_eq(&(index as u64)));
            }
            self.mul_assign(out, &selected[..k]);
        }
        selected.zeroize();
    }

    /// `out = base^exp` in Montgomery form for a public exponent (square and multiply).
    pub fn pow_vartime(&self, out: &mut [Limb], base: &[Limb], exp: &[Limb]) {
        let k = self.len();
        let out = &mut out[..k];
        let bits = limbs::bits_vartime(exp);
        out.copy_from_slice(&base[..k]);
        for bit in (0..bits.saturating_sub(1)).rev() {
            self.square_assign(out);
            if (exp[bit / LIMB_BITS] >> (bit % LIMB_BITS)) & 1 == 1 {
                self.mul_assign(out, &base[..k]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn modulus_of(v: u128) -> Modulus {
        let mut l = [0 as Limb; 128 / LIMB_BITS];
        limbs::from_be_bytes(&v.to_be_bytes(), &mut l).unwrap();
        Modulus::new(&l).unwrap()
    }

    fn limbs_of(v: u128) -> Vec<Limb> {
        let mut l = vec![0 as Limb; 128 / LIMB_BITS];
        limbs::from_be_bytes(&v.to_be_bytes(), &mut l).unwrap();
        l
    }

    fn value_of(l: &[Limb]) -> u128 {
        let mut b = [0u8; 16];
        limbs::to_be_bytes(l, &mut b);
        u128::from_be_bytes(b)
    }

    fn mulmod(a: u128, b: u128, m: u128) -> u128 {
        // Double and add: exact for any 128-bit modulus below 2^127.
        let (mut r, mut a, mut b) = (0u128, a % m, b);
        while b > 0 {
            if b & 1 == 1 {
                r = (r + a) % m;
            }
            a = (a + a) % m;
            b >>= 1;
        }
        r
    }

    fn powmod(b: u128, mut e: u128, m: u128) -> u128 {
        let (mut r, mut b) = (1u128, b % m);
        while e > 0 {
            if e & 1 == 1 {
                r = mulmod(r, b, m);
            }
            b = mulmod(b, b, m);
            e >>= 1;
        }
        r
    }

    #[test]
    fn rejects_bad_moduli() {
        assert!(Modulus::new(&[]).is_none());
        assert!(Modulus::new(&[4]).is_none());
        assert!(Modulus::new(&[1]).is_none());
        assert!(Modulus::new(&[3]).is_some());
    }

    #[test]
    fn exponentiation_matches_reference() {
        // A 127-bit prime and an odd composite with a zero top limb on 32-bit targets.
        for m in [
            (1u128 << 127) - 1,
            0x0000_0000_ffff_fffb_0000_0001_0000_0007u128,
        ] {
            let md = modulus_of(m);
            let k = md.len();
            let mut table = vec![0 as Limb; TABLE_LIMBS];
            for (b, e) in [
                (2u128, 65537u128),
                (0x1234_5678_9abc_def0_1122_3344_5566_7788 % m, m - 2),
                (m - 1, 3),
                (0, 5),
                (7, 0),
            ] {
                let mut bm = vec![0 as Limb; k];
                md.to_montgomery(&mut bm, &limbs_of(b));
                let mut r = vec![0 as Limb; k];
                md.pow(&mut r, &bm, &limbs_of(e), &mut table);
                let mut plain = vec![0 as Limb; k];
                md.out_of_montgomery(&mut plain, &r);
                assert_eq!(value_of(&plain), powmod(b, e, m), "{b}^{e} mod {m}");
                md.pow_vartime(&mut r, &bm, &limbs_of(e));
                md.out_of_montgomery(&mut plain, &r);
                if e != 0 {
                    assert_eq!(value_of(&plain), powmod(b, e, m), "vartime {b}^{e}");
                }
            }
            // Every window width the table sizes allow gives the same answer.
            for len in [2 * k, 4 * k, 8 * k, 16 * k] {
                let mut bm = vec![0 as Limb; k];
                md.to_montgomery(&mut bm, &limbs_of(3));
                let mut r = vec![0 as Limb; k];
                md.pow(&mut r, &bm, &limbs_of(m - 2), &mut table[..len]);
                let mut plain = vec![0 as Limb; k];
                md.out_of_montgomery(&mut plain, &r);
                assert_eq!(value_of(&plain), powmod(3, m - 2, m));
            }
        }
    }

    #[test]
    fn square_equals_multiplying_by_itself() {
        for m in [
            (1u128 << 127) - 1,
            0x0000_0000_ffff_fffb_0000_0001_0000_0007u128,
        ] {
            let md = modulus_of(m);
            let k = md.len();
            let mut x = 0x0123_4567_89ab_cdef_fedc_ba98_7654_3210u128 % m;
            for _ in 0..50 {
                let a = limbs_of(x);
                let (mut sq, mut prod) = (a.clone(), vec![0 as Limb; k]);
                md.square_assign(&mut sq);
                md.mul(&mut prod, &a, &a);
                assert_eq!(sq, prod, "{x:#x}");
                x = (value_of(&sq) ^ (x >> 3)) % m;
            }
            let top = limbs_of(m - 1);
            let (mut sq, mut prod) = (top.clone(), vec![0 as Limb; k]);
            md.square_assign(&mut sq);
            md.mul(&mut prod, &top, &top);
            assert_eq!(sq, prod);
        }
    }

    #[test]
    fn modular_add_sub_and_wide_reduction() {
        let m = (1u128 << 127) - 1;
        let md = modulus_of(m);
        let mut a = limbs_of(m - 5);
        md.add_assign(&mut a, &limbs_of(9));
        assert_eq!(value_of(&a), 4);
        md.sub_assign(&mut a, &limbs_of(10));
        assert_eq!(value_of(&a), m - 6);
        // x = hi R + lo with hi < m.
        let k = md.len();
        let mut x = vec![0 as Limb; 2 * k];
        x[..k].copy_from_slice(&limbs_of(u128::MAX));
        x[k..].copy_from_slice(&limbs_of(12345));
        let mut r = vec![0 as Limb; k];
        md.reduce_wide(&mut r, &x);
        let mut plain = vec![0 as Limb; k];
        md.out_of_montgomery(&mut plain, &r);
        // R = 2^128 = 2 mod (2^127 - 1).
        let want = (mulmod(12345, 2, m) + u128::MAX % m) % m;
        assert_eq!(value_of(&plain), want);
    }
}
