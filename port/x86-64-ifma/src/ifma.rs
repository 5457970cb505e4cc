//! Montgomery exponentiation in radix 2^52 on AVX-512 IFMA, two moduli at a time.
//!
//! A number modulo an `n`-bit prime `m` (`n` = 1024, 1536 or 2048) is held as `N` digits of
//! 52 bits (`52 N >= n + 2`), eight digits to a 512-bit vector, the lanes past `N` zero.
//! `vpmadd52luq`/`vpmadd52huq` add the low and high 52 bits of eight 52x52-bit products to
//! 64-bit lanes, so a lane can take many products before its carries must move on.
//!
//! The product is the "almost Montgomery multiplication" (Gueron and Krasnov): with
//! `R' = 2^(52 N)`, [`amm`] gives `a b / R' mod m` for `a, b < 2m`, but only below `2m`,
//! not fully reduced; since `R' >= 4m`, outputs below `2m` are valid inputs again, so the
//! exponentiation needs no conditional subtraction until its very end. The engine's values are
//! in its own Montgomery form (`R = 2^n`): the base enters with one product by
//! `R'^2 / R mod m` and the result leaves with one by `R mod m`, then a single masked
//! subtraction of `m` makes it the fully reduced value the engine expects.
//!
//! Constant time: the only branches and memory indexes depend on the sizes (public); the
//! window table is read whole for every window, with masked moves; carries move with vector
//! shifts and mask arithmetic, never a branch.

// Digits, vectors and the two jobs are indexed in lockstep across several arrays.
#![allow(clippy::needless_range_loop)]

use core::arch::x86_64::*;
use core_pkcs11_engine::rsa::{Limb, PowJob};
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Bits in a digit.
const DIGIT_BITS: u32 = 52;
/// The digit mask, `2^52 - 1`.
const MASK52: u64 = (1 << DIGIT_BITS) - 1;
/// Window width of the exponentiation: 5 bits, as the portable code uses on hosts.
const WINDOW: usize = 5;
/// Entries of the window table.
const ENTRIES: usize = 1 << WINDOW;
/// Largest prime handled, in 64-bit words, and the room for a value below twice it.
const MAX_WORDS: usize = 2048 / 64;

/// A number as digits, eight to a vector (`V` vectors).
type Num<const V: usize> = [[u64; 8]; V];

/// Whether this CPU has every instruction set the routine uses.
pub(crate) fn cpu_has_features() -> bool {
    std::is_x86_feature_detected!("avx512f") && std::is_x86_feature_detected!("avx512ifma")
}

/// The [`core_pkcs11_engine::rsa::PowPairFn`]: both exponentiations, or `false` (outputs
/// untouched) for shapes it does not handle. It checks the CPU itself too, so it is sound
/// to call from anywhere (the check is a cached load).
pub(crate) fn pow_pair(jobs: &mut [PowJob<'_>; 2]) -> bool {
    let Some(bits) = supported_bits(jobs) else {
        return false;
    };
    if !cpu_has_features() {
        return false;
    }
    // SAFETY: the CPU has AVX-512F and AVX-512 IFMA (checked just above), every feature the
    // called code is compiled for; supported_bits checked the slice lengths it relies on.
    unsafe {
        match bits {
            1024 => pow_pair_sized::<3, 20>(jobs, bits / 64),
            1536 => pow_pair_sized::<4, 30>(jobs, bits / 64),
            _ => pow_pair_sized::<5, 40>(jobs, bits / 64),
        }
    }
    true
}

/// The modulus length in bits if both jobs are handled: every slice of both `k` limbs, `k`
/// limbs being 1024, 1536 or 2048 bits, both moduli odd with their top bit set (so that
/// `R mod m = R - m`; the bit length of an RSA prime is public).
fn supported_bits(jobs: &[PowJob<'_>; 2]) -> Option<usize> {
    let k = jobs[0].modulus.len();
    let bits = k * Limb::BITS as usize;
    if !matches!(bits, 1024 | 1536 | 2048) {
        return None;
    }
    for job in jobs.iter() {
        let m = job.modulus;
        if m.len() != k || job.base.len() != k || job.exponent.len() != k || job.out.len() != k {
            return None;
        }
        if m[0] & 1 == 0 || m[k - 1] >> (Limb::BITS - 1) == 0 {
            return None;
        }
    }
    Some(bits)
}

/// `words = limbs` as 64-bit words (`Limb` is `u32` under `--cfg core_pkcs11_limb32`).
#[allow(clippy::useless_conversion)]
fn to_words(limbs: &[Limb], words: &mut [u64]) {
    words.fill(0);
    for (i, &l) in limbs.iter().enumerate() {
        let bit = i * Limb::BITS as usize;
        words[bit / 64] |= u64::from(l) << (bit % 64);
    }
}

/// `limbs = words` (the inverse of [`to_words`]).
#[allow(clippy::unnecessary_cast)]
fn from_words(words: &[u64], limbs: &mut [Limb]) {
    for (i, l) in limbs.iter_mut().enumerate() {
        let bit = i * Limb::BITS as usize;
        *l = (words[bit / 64] >> (bit % 64)) as Limb;
    }
}

/// `out` = the digits of `words` (every digit, zero past the value).
fn to_digits<const V: usize>(words: &[u64], out: &mut Num<V>) {
    for j in 0..8 * V {
        let bit = j * DIGIT_BITS as usize;
        let (i, shift) = (bit / 64, bit % 64);
        let mut d = words.get(i).map_or(0, |w| w >> shift);
        // A digit that starts past bit 12 of a word ends in the next one.
        if shift > 12 {
            d |= words.get(i + 1).map_or(0, |w| w << (64 - shift));
        }
        out[j / 8][j % 8] = d & MASK52;
    }
}

/// `words` = the value of normalized digits `d`, truncated to `words.len()` words.
fn from_digits<const V: usize>(d: &Num<V>, words: &mut [u64]) {
    words.fill(0);
    for j in 0..8 * V {
        let bit = j * DIGIT_BITS as usize;
        let (i, shift) = (bit / 64, bit % 64);
        let digit = d[j / 8][j % 8];
        if let Some(w) = words.get_mut(i) {
            *w |= digit << shift;
        }
        if shift > 12 {
            if let Some(w) = words.get_mut(i + 1) {
                *w |= digit >> (64 - shift);
            }
        }
    }
}

/// `d = a - b` over equal lengths; returns the borrow (0 or 1).
fn sub(d: &mut [u64], a: &[u64], b: &[u64]) -> u64 {
    let mut borrow = 0;
    for ((d, &a), &b) in d.iter_mut().zip(a).zip(b) {
        let (s, b1) = a.overflowing_sub(b);
        let (s, b2) = s.overflowing_sub(borrow);
        *d = s;
        borrow = u64::from(b1 | b2);
    }
    borrow
}

/// `x = mask ? y : x` word by word, for `mask` all ones or zero.
fn select(x: &mut [u64], y: &[u64], mask: u64) {
    for (x, &y) in x.iter_mut().zip(y) {
        *x = (y & mask) | (*x & !mask);
    }
}

/// `x = 2x mod m` for `x < m`, without a branch on either.
fn double_mod(x: &mut [u64], m: &[u64]) {
    let mut carry = 0;
    for w in x.iter_mut() {
        let top = *w >> 63;
        *w = (*w << 1) | carry;
        carry = top;
    }
    let mut d = [0u64; MAX_WORDS];
    let d = &mut d[..x.len()];
    let borrow = sub(d, x, m);
    // 2x < 2m: subtract m once if 2x carried out of the words or did not borrow.
    let take = (carry | (borrow ^ 1)).wrapping_neg();
    select(x, d, take);
    d.zeroize();
}

/// `-m^-1 mod 2^52` for odd `m0` (the low word of the modulus).
fn neg_inverse(m0: u64) -> u64 {
    // Newton's iteration doubles the correct low bits of m0^-1 each step: 1, 2, 4, ... 64.
    let mut inv: u64 = 1;
    for _ in 0..6 {
        inv = inv.wrapping_mul(2u64.wrapping_sub(m0.wrapping_mul(inv)));
    }
    inv.wrapping_neg() & MASK52
}

/// Each job's modulus and Montgomery constant (zeroized when dropped: RSA primes).
#[derive(Zeroize, ZeroizeOnDrop)]
struct Moduli<const V: usize> {
    /// The moduli as 64-bit words, and a zero word above (room for values below 2m).
    words: [[u64; MAX_WORDS + 1]; 2],
    /// The moduli as digits.
    m: [Num<V>; 2],
    /// Their lowest digits.
    m0: [u64; 2],
    /// `-m^-1 mod 2^52`.
    k0: [u64; 2],
}

/// Everything secret the exponentiation holds, zeroized when dropped.
#[derive(Zeroize, ZeroizeOnDrop)]
struct State<const V: usize> {
    /// `table[i][j] = base_j^i`, in the 2^52 Montgomery form.
    table: [[Num<V>; 2]; ENTRIES],
    /// The running powers.
    acc: [Num<V>; 2],
    /// The table entries selected for the current window.
    selected: [Num<V>; 2],
    /// A product's output before it is copied where it belongs.
    tmp: [Num<V>; 2],
    /// `R mod m`: the last product by it brings the result back to the engine's form.
    r_mod_m: [Num<V>; 2],
    /// `R'^2 / R mod m`: the first product by it takes the base into the 2^52 form.
    to_radix52: [Num<V>; 2],
    /// The exponents, as 64-bit words.
    exponent: [[u64; MAX_WORDS]; 2],
    /// Word scratch.
    words: [u64; MAX_WORDS],
    /// The results as words (a value below `2m` needs one word more than `m`).
    result: [[u64; MAX_WORDS + 1]; 2],
}

impl<const V: usize> Moduli<V> {
    /// The constants of two moduli of `words` 64-bit words each (odd).
    fn new(moduli: [&[u64]; 2]) -> Self {
        let mut new = Moduli {
            words: [[0; MAX_WORDS + 1]; 2],
            m: [[[0; 8]; V]; 2],
            m0: [0; 2],
            k0: [0; 2],
        };
        for (j, m) in moduli.iter().enumerate() {
            new.words[j][..m.len()].copy_from_slice(m);
            to_digits(m, &mut new.m[j]);
            new.m0[j] = new.m[j][0][0];
            new.k0[j] = neg_inverse(m[0]);
        }
        new
    }
}

/// Loads eight digits.
#[target_feature(enable = "avx512f")]
fn load(x: &[u64; 8]) -> __m512i {
    // SAFETY: `x` is 64 readable bytes; vmovdqu64 needs no alignment.
    unsafe { _mm512_loadu_si512(x.as_ptr().cast()) }
}

/// Stores eight digits.
#[target_feature(enable = "avx512f")]
fn store(x: &mut [u64; 8], v: __m512i) {
    // SAFETY: `x` is 64 writable bytes, borrowed exclusively; vmovdqu64 needs no alignment.
    unsafe { _mm512_storeu_si512(x.as_mut_ptr().cast(), v) }
}

/// Turns lanes of up to 60 bits (the sum they stand for below `2^(52 N)`) into 52-bit digits
/// of the same value, without a branch.
#[target_feature(enable = "avx512f")]
fn normalize<const V: usize>(x: &mut [__m512i; V]) {
    let mask = _mm512_set1_epi64(MASK52 as i64);
    let zero = _mm512_setzero_si512();
    // First pass: every lane's bits above 52 (at most 8 of them) go to the next lane up,
    // leaving lanes of at most 2^52 - 1 + 2^8.
    let mut carries = [zero; V];
    for v in 0..V {
        carries[v] = _mm512_srli_epi64::<DIGIT_BITS>(x[v]);
        x[v] = _mm512_and_si512(x[v], mask);
    }
    for v in 0..V {
        let below = if v == 0 { zero } else { carries[v - 1] };
        x[v] = _mm512_add_epi64(x[v], _mm512_alignr_epi64::<7>(carries[v], below));
    }
    // Second pass: a lane above 2^52 - 1 carries 1 into the next; a lane equal to 2^52 - 1
    // passes an incoming carry on. With one bit per lane, the lanes that receive a carry are
    // ((generate << 1) + propagate) ^ propagate: the integer addition ripples the carries
    // (a lane cannot both generate and propagate, see the bound above).
    let (mut generate, mut propagate) = (0u64, 0u64);
    for v in 0..V {
        generate |= u64::from(_mm512_cmpgt_epu64_mask(x[v], mask)) << (8 * v);
        propagate |= u64::from(_mm512_cmpeq_epu64_mask(x[v], mask)) << (8 * v);
    }
    let receive = (generate << 1).wrapping_add(propagate) ^ propagate;
    let one = _mm512_set1_epi64(1);
    for v in 0..V {
        let k = (receive >> (8 * v)) as u8;
        x[v] = _mm512_and_si512(_mm512_mask_add_epi64(x[v], k, x[v], one), mask);
    }
}

/// `out[j] = a[j] b[j] / R' mod m[j]`, below `2 m[j]`, normalized, for both jobs at once
/// (their independent dependency chains fill each other's latencies). Needs `a, b < 2m`
/// normalized, and `out` distinct from both.
#[target_feature(enable = "avx512f,avx512ifma")]
fn amm<const V: usize, const N: usize>(
    moduli: &Moduli<V>,
    a: &[Num<V>; 2],
    b: &[Num<V>; 2],
    out: &mut [Num<V>; 2],
) {
    let zero = _mm512_setzero_si512();
    let mut acc = [[zero; V]; 2];
    let mut av = [[zero; V]; 2];
    let mut mv = [[zero; V]; 2];
    for j in 0..2 {
        for v in 0..V {
            av[j][v] = load(&a[j][v]);
            mv[j][v] = load(&moduli.m[j][v]);
        }
    }
    let a0 = [a[0][0][0], a[1][0][0]];
    // Operand scanning, one digit of b per step: add a b_i, then the multiple y m that clears
    // the lowest digit, and shift down a digit. Low halves of the products are added at their
    // digits; high halves (one digit up) are collected apart and join after the shift, so the
    // next step waits only on the low halves. y comes from the lowest lane computed on the
    // scalar side, without waiting for the vector product. A lane collects at most 4 N
    // half-products of 52 bits: below 2^60 for N <= 40, so no lane overflows.
    for i in 0..N {
        for j in 0..2 {
            let b_i = b[j][i / 8][i % 8];
            let bi = _mm512_set1_epi64(b_i as i64);
            let lowest = _mm_cvtsi128_si64(_mm512_castsi512_si128(acc[j][0])) as u64;
            let t = lowest + (a0[j].wrapping_mul(b_i) & MASK52);
            let y = t.wrapping_mul(moduli.k0[j]) & MASK52;
            let yv = _mm512_set1_epi64(y as i64);
            // The lowest lane becomes a multiple of 2^52; its carry joins the next digit,
            // which the shift makes the lowest.
            let carry = (t + (moduli.m0[j].wrapping_mul(y) & MASK52)) >> DIGIT_BITS;
            let mut high = [zero; V];
            for v in 0..V {
                acc[j][v] = _mm512_madd52lo_epu64(acc[j][v], av[j][v], bi);
                high[v] = _mm512_madd52hi_epu64(zero, av[j][v], bi);
            }
            for v in 0..V {
                acc[j][v] = _mm512_madd52lo_epu64(acc[j][v], mv[j][v], yv);
                high[v] = _mm512_madd52hi_epu64(high[v], mv[j][v], yv);
            }
            high[0] = _mm512_mask_add_epi64(high[0], 1, high[0], _mm512_set1_epi64(carry as i64));
            for v in 0..V {
                let next = if v + 1 < V { acc[j][v + 1] } else { zero };
                acc[j][v] = _mm512_add_epi64(_mm512_alignr_epi64::<1>(next, acc[j][v]), high[v]);
            }
        }
    }
    for j in 0..2 {
        normalize(&mut acc[j]);
        for v in 0..V {
            store(&mut out[j][v], acc[j][v]);
        }
    }
}

/// `selected[j] = table[index[j]][j]`, reading every entry (masked moves).
#[target_feature(enable = "avx512f")]
fn select_entry<const V: usize>(
    table: &[[Num<V>; 2]; ENTRIES],
    index: [u64; 2],
    selected: &mut [Num<V>; 2],
) {
    for j in 0..2 {
        let wanted = _mm512_set1_epi64(index[j] as i64);
        let mut sel = [_mm512_setzero_si512(); V];
        for (i, entry) in table.iter().enumerate() {
            let hit = _mm512_cmpeq_epi64_mask(_mm512_set1_epi64(i as i64), wanted);
            for v in 0..V {
                sel[v] = _mm512_mask_mov_epi64(sel[v], hit, load(&entry[j][v]));
            }
        }
        for v in 0..V {
            store(&mut selected[j][v], sel[v]);
        }
    }
}

/// Both exponentiations for `words`-word moduli, `N` digits in `V` vectors (`52 N >= 64
/// words + 2`, `N <= 8 V`, `N <= 40`). The jobs' shapes were checked by [`supported_bits`].
#[target_feature(enable = "avx512f,avx512ifma")]
fn pow_pair_sized<const V: usize, const N: usize>(jobs: &mut [PowJob<'_>; 2], words: usize) {
    let mut st = State::<V> {
        table: [[[[0; 8]; V]; 2]; ENTRIES],
        acc: [[[0; 8]; V]; 2],
        selected: [[[0; 8]; V]; 2],
        tmp: [[[0; 8]; V]; 2],
        r_mod_m: [[[0; 8]; V]; 2],
        to_radix52: [[[0; 8]; V]; 2],
        exponent: [[0; MAX_WORDS]; 2],
        words: [0; MAX_WORDS],
        result: [[0; MAX_WORDS + 1]; 2],
    };
    let mut m_words = [[0u64; MAX_WORDS]; 2];
    for (m, job) in m_words.iter_mut().zip(jobs.iter()) {
        to_words(job.modulus, &mut m[..words]);
    }
    let moduli = Moduli::<V>::new([&m_words[0][..words], &m_words[1][..words]]);
    m_words.zeroize();
    // R' = 2^(52 N) = R 2^s.
    let s = N * DIGIT_BITS as usize - 64 * words;
    for (j, job) in jobs.iter().enumerate() {
        let m = &moduli.words[j][..words];
        // R mod m = R - m (m > R / 2): the two's complement of m.
        let x = &mut st.words[..words];
        let mut carry = 1;
        for (x, &w) in x.iter_mut().zip(m.iter()) {
            let (v, c) = (!w).overflowing_add(carry);
            *x = v;
            carry = u64::from(c);
        }
        to_digits(x, &mut st.r_mod_m[j]);
        // R' mod m = R 2^s, 1 in the 2^52 form; R'^2 / R = R 2^(2s).
        for _ in 0..s {
            double_mod(x, m);
        }
        to_digits(x, &mut st.table[0][j]);
        for _ in 0..s {
            double_mod(x, m);
        }
        to_digits(x, &mut st.to_radix52[j]);
        to_words(job.base, x);
        to_digits(x, &mut st.tmp[j]);
        to_words(job.exponent, &mut st.exponent[j][..words]);
    }
    // The base (x R, below R < 2m) times R'^2 / R over R': x R'.
    amm::<V, N>(&moduli, &st.tmp, &st.to_radix52, &mut st.table[1]);
    for i in 2..ENTRIES {
        amm::<V, N>(&moduli, &st.table[i - 1], &st.table[1], &mut st.tmp);
        st.table[i] = st.tmp;
    }
    // Fixed windows from the top, the same squarings for every window, as the portable code.
    let bits = 64 * words;
    let windows = bits.div_ceil(WINDOW);
    st.acc = st.table[0];
    for w in (0..windows).rev() {
        if w + 1 != windows {
            for _ in 0..WINDOW {
                amm::<V, N>(&moduli, &st.acc, &st.acc, &mut st.tmp);
                st.acc = st.tmp;
            }
        }
        let mut index = [0u64; 2];
        for (j, idx) in index.iter_mut().enumerate() {
            for bit in (w * WINDOW..(w + 1) * WINDOW).rev() {
                let b = st.exponent[j]
                    .get(bit / 64)
                    .filter(|_| bit < bits)
                    .map_or(0, |e| (e >> (bit % 64)) & 1);
                *idx = (*idx << 1) | b;
            }
        }
        select_entry(&st.table, index, &mut st.selected);
        amm::<V, N>(&moduli, &st.acc, &st.selected, &mut st.tmp);
        st.acc = st.tmp;
    }
    finish::<V, N>(&moduli, &st.acc, &st.r_mod_m, words, &mut st.result);
    for (j, job) in jobs.iter_mut().enumerate() {
        from_words(&st.result[j][..words], job.out);
    }
}

/// `result[j] = acc[j] R / R' mod m[j]`, fully reduced, in `words` words: from the 2^52
/// Montgomery form back to the engine's. `acc[j] < 2 m[j]`, `r_mod_m[j] = R mod m[j]`.
#[target_feature(enable = "avx512f,avx512ifma")]
fn finish<const V: usize, const N: usize>(
    moduli: &Moduli<V>,
    acc: &[Num<V>; 2],
    r_mod_m: &[Num<V>; 2],
    words: usize,
    result: &mut [[u64; MAX_WORDS + 1]; 2],
) {
    // A product by R mod m over R': below 2m, so one word longer than m.
    let mut product = [[[0u64; 8]; V]; 2];
    amm::<V, N>(moduli, acc, r_mod_m, &mut product);
    let n = words + 1;
    let mut diff = [0u64; MAX_WORDS + 1];
    for j in 0..2 {
        let r = &mut result[j][..n];
        from_digits(&product[j], r);
        // Keep r - m unless it borrowed.
        let borrow = sub(&mut diff[..n], r, &moduli.words[j][..n]);
        select(r, &diff[..n], borrow.wrapping_sub(1));
    }
    product.zeroize();
    diff.zeroize();
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`finish`] on an almost-Montgomery value whose product by `R mod m` comes out as
    /// `m + 1`: only the final subtraction makes it the reduced 1. (Exponentiations reach such
    /// values too rarely for random tests to catch a missing subtraction.)
    #[test]
    fn leaving_the_radix_52_form_reduces_fully() {
        if !cpu_has_features() {
            eprintln!("note: no AVX-512 IFMA on this CPU: nothing to test");
            return;
        }
        // SAFETY: the CPU has AVX-512F and AVX-512 IFMA (checked above).
        unsafe {
            check_finish::<3, 20>(16);
            check_finish::<4, 30>(24);
            check_finish::<5, 40>(32);
        }
    }

    #[target_feature(enable = "avx512f,avx512ifma")]
    fn check_finish<const V: usize, const N: usize>(words: usize) {
        let s = N * DIGIT_BITS as usize - 64 * words;
        // m = R - (1 + 2^s), so R mod m = 1 + 2^s; with acc = R - 1 (below 2m),
        // acc (R mod m) = R' (m + 1) - (R' - 1) m: the quotient is R' - 1 and the almost
        // Montgomery product is m + 1.
        let r_mod_m_word = 1 + (1u64 << s);
        let mut m = [u64::MAX; MAX_WORDS + 1];
        m[0] = r_mod_m_word.wrapping_neg();
        m[words] = 0;
        let moduli = Moduli::<V>::new([&m[..words], &m[..words]]);
        let mut acc = [[[0u64; 8]; V]; 2];
        let mut r_mod_m = [[[0u64; 8]; V]; 2];
        for j in 0..2 {
            to_digits(&[u64::MAX; MAX_WORDS][..words], &mut acc[j]);
            to_digits(&[r_mod_m_word], &mut r_mod_m[j]);
        }
        let mut product = [[[0u64; 8]; V]; 2];
        amm::<V, N>(&moduli, &acc, &r_mod_m, &mut product);
        let mut m_plus_1 = m;
        m_plus_1[0] += 1;
        let mut words_out = [0u64; MAX_WORDS + 1];
        from_digits(&product[0], &mut words_out[..words + 1]);
        assert_eq!(
            words_out[..words + 1],
            m_plus_1[..words + 1],
            "{words} words"
        );
        let mut result = [[7u64; MAX_WORDS + 1]; 2];
        finish::<V, N>(&moduli, &acc, &r_mod_m, words, &mut result);
        let mut one = [0u64; MAX_WORDS + 1];
        one[0] = 1;
        for r in &result {
            assert_eq!(r[..words + 1], one[..words + 1], "{words} words");
        }
    }
}
