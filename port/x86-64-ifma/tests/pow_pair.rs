//! The IFMA exponentiations against a plain-integer reference (num-bigint) and, through the
//! engine's public signing API, against the engine's portable code on OpenSSL's keys.
//!
//! On a CPU without AVX-512 IFMA there is nothing to run: the tests say so and pass (the FFI
//! test `ifma_exponentiation_is_installed_when_the_cpu_has_it` checks the installation).

use core_pkcs11_engine::rsa::{Limb, PowJob, PowPairFn, PrivateKey, PrivateParts};
use core_pkcs11_x86_64_ifma::rsa_pow_pair;
use num_bigint::BigUint;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The routine, or `None` (with a note) on a CPU without the instructions.
fn routine() -> Option<PowPairFn> {
    let f = rsa_pow_pair();
    if f.is_none() {
        eprintln!("note: no AVX-512 IFMA on this CPU: nothing to test");
    }
    f
}

/// splitmix64: a reproducible stream of test values.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }
}

fn to_limbs(x: &BigUint, k: usize) -> Vec<Limb> {
    let mut bytes = x.to_bytes_le();
    let size = std::mem::size_of::<Limb>();
    assert!(bytes.len() <= k * size, "value too long");
    bytes.resize(k * size, 0);
    bytes
        .chunks_exact(size)
        .map(|c| Limb::from_le_bytes(c.try_into().unwrap()))
        .collect()
}

/// A random odd modulus of exactly `bits` bits.
fn random_modulus(rng: &mut Rng, bits: usize) -> BigUint {
    let mut m = BigUint::from_bytes_le(&rng.bytes(bits / 8));
    m.set_bit(bits as u64 - 1, true);
    m.set_bit(0, true);
    m
}

/// One exponentiation as the hook defines it: base `x R mod m`, result `x^e R mod m`.
struct Case {
    m: BigUint,
    x: BigUint,
    e: BigUint,
}

impl Case {
    fn expected(&self, k: usize) -> Vec<Limb> {
        let r = BigUint::from(1u8) << (k * Limb::BITS as usize);
        to_limbs(&(self.x.modpow(&self.e, &self.m) * &r % &self.m), k)
    }
}

/// Runs two cases through the routine and checks both results.
fn check_pair(f: PowPairFn, cases: [&Case; 2], k: usize) {
    let r = BigUint::from(1u8) << (k * Limb::BITS as usize);
    let [a, b] = cases;
    let (ma, mb) = (to_limbs(&a.m, k), to_limbs(&b.m, k));
    let (ba, bb) = (
        to_limbs(&(&a.x * &r % &a.m), k),
        to_limbs(&(&b.x * &r % &b.m), k),
    );
    let (ea, eb) = (to_limbs(&a.e, k), to_limbs(&b.e, k));
    let (mut oa, mut ob) = (vec![0; k], vec![0; k]);
    let mut jobs = [
        PowJob {
            modulus: &ma,
            base: &ba,
            exponent: &ea,
            out: &mut oa,
        },
        PowJob {
            modulus: &mb,
            base: &bb,
            exponent: &eb,
            out: &mut ob,
        },
    ];
    assert!(f(&mut jobs), "declined a {k}-limb pair");
    assert_eq!(oa, a.expected(k), "x={:x} e={:x} m={:x}", a.x, a.e, a.m);
    assert_eq!(ob, b.expected(k), "x={:x} e={:x} m={:x}", b.x, b.e, b.m);
}

#[test]
fn exponentiations_match_the_reference() {
    let Some(f) = routine() else { return };
    let mut rng = Rng(1);
    for bits in [1024, 1536, 2048] {
        let k = bits / Limb::BITS as usize;
        let ones = (BigUint::from(1u8) << bits) - 1u8;
        let count = if bits == 1024 { 8 } else { 2 };
        for _ in 0..count {
            let m1 = random_modulus(&mut rng, bits);
            let m2 = random_modulus(&mut rng, bits);
            let rand_below =
                |rng: &mut Rng, m: &BigUint| BigUint::from_bytes_le(&rng.bytes(bits / 8)) % m;
            let mut cases = Vec::new();
            for m in [&m1, &m2] {
                let x = rand_below(&mut rng, m);
                let e = BigUint::from_bytes_le(&rng.bytes(bits / 8));
                // Random; edge bases (0, 1 i.e. R mod m in Montgomery form, m - 1); edge
                // exponents (0, 1, all ones, m - 2); a short exponent.
                let edges = [
                    (x.clone(), e.clone()),
                    (BigUint::from(0u8), e.clone()),
                    (BigUint::from(1u8), e.clone()),
                    (m - 1u8, e.clone()),
                    (x.clone(), BigUint::from(0u8)),
                    (x.clone(), BigUint::from(1u8)),
                    (x.clone(), ones.clone()),
                    (m - 1u8, ones.clone()),
                    (x.clone(), m - 2u8),
                    (x.clone(), BigUint::from(65537u32)),
                ];
                cases.push(
                    edges
                        .into_iter()
                        .map(|(x, e)| Case { m: m.clone(), x, e })
                        .collect::<Vec<_>>(),
                );
            }
            // Every case of the first modulus paired with a different one of the second.
            for (i, a) in cases[0].iter().enumerate() {
                let b = &cases[1][(i + 3) % cases[1].len()];
                check_pair(f, [a, b], k);
            }
        }
    }
}

#[test]
fn extreme_moduli_match_the_reference() {
    let Some(f) = routine() else { return };
    let mut rng = Rng(2);
    for bits in [1024, 1536, 2048] {
        let k = bits / Limb::BITS as usize;
        let top = BigUint::from(1u8) << (bits - 1);
        // The smallest and largest odd moduli of the size, and one with long runs of ones
        // (the carry paths of the digit normalization).
        let moduli = [
            &top + 1u8,
            (BigUint::from(1u8) << bits) - 1u8,
            (BigUint::from(1u8) << bits) - (BigUint::from(1u8) << (bits / 2)) - 1u8,
        ];
        for m in &moduli {
            let x = BigUint::from_bytes_le(&rng.bytes(bits / 8)) % m;
            let e = BigUint::from_bytes_le(&rng.bytes(bits / 8));
            let a = Case {
                m: m.clone(),
                x: x.clone(),
                e: e.clone(),
            };
            let b = Case {
                m: m.clone(),
                x: m - 1u8,
                e: (BigUint::from(1u8) << bits) - 1u8,
            };
            check_pair(f, [&a, &b], k);
        }
    }
}

/// Runs the routine on a pair and checks it declines, leaving both outputs as they were.
fn assert_declines(f: PowPairFn, m: [&[Limb]; 2], lens: [usize; 2]) {
    let base = [vec![3 as Limb; lens[0]], vec![3 as Limb; lens[1]]];
    let exp = [vec![5 as Limb; lens[0]], vec![5 as Limb; lens[1]]];
    let (mut o0, mut o1) = (vec![0x5a as Limb; lens[0]], vec![0xa5 as Limb; lens[1]]);
    let mut jobs = [
        PowJob {
            modulus: m[0],
            base: &base[0],
            exponent: &exp[0],
            out: &mut o0,
        },
        PowJob {
            modulus: m[1],
            base: &base[1],
            exponent: &exp[1],
            out: &mut o1,
        },
    ];
    assert!(!f(&mut jobs));
    assert!(o0.iter().all(|&l| l == 0x5a) && o1.iter().all(|&l| l == 0xa5));
}

#[test]
fn declines_other_shapes_and_leaves_outputs_untouched() {
    let Some(f) = routine() else { return };
    let mut rng = Rng(3);
    let ok = to_limbs(&random_modulus(&mut rng, 1024), 1024 / Limb::BITS as usize);
    let k = ok.len();
    // Sizes it does not handle: 512, 768, 1088 and 4096 bits.
    for bits in [512, 768, 1088, 4096] {
        let m = to_limbs(&random_modulus(&mut rng, bits), bits / Limb::BITS as usize);
        assert_declines(f, [&m, &m], [m.len(); 2]);
    }
    // A modulus without its top bit, an even one, two sizes in one pair.
    let mut short = ok.clone();
    short[k - 1] >>= 1;
    assert_declines(f, [&ok, &short], [k; 2]);
    let mut even = ok.clone();
    even[0] &= !1;
    assert_declines(f, [&even, &ok], [k; 2]);
    let m1536 = to_limbs(&random_modulus(&mut rng, 1536), 1536 / Limb::BITS as usize);
    assert_declines(f, [&ok, &m1536], [k, m1536.len()]);
    // Slices of the wrong length.
    let (base, exp) = (vec![3 as Limb; k], vec![5 as Limb; k - 1]);
    let (mut o0, mut o1) = (vec![7 as Limb; k], vec![7 as Limb; k]);
    let mut jobs = [
        PowJob {
            modulus: &ok,
            base: &base,
            exponent: &base,
            out: &mut o0,
        },
        PowJob {
            modulus: &ok,
            base: &base,
            exponent: &exp,
            out: &mut o1,
        },
    ];
    assert!(!f(&mut jobs));
    assert!(o0.iter().chain(o1.iter()).all(|&l| l == 7));
}

/// Times the routine handled a pair (the engine falls back silently otherwise).
static HANDLED: AtomicUsize = AtomicUsize::new(0);

fn counting(jobs: &mut [PowJob<'_>; 2]) -> bool {
    let done = rsa_pow_pair().is_some_and(|f| f(jobs));
    HANDLED.fetch_add(usize::from(done), Ordering::SeqCst);
    done
}

fn parts(text: &str) -> Vec<(String, Vec<u8>)> {
    text.lines()
        .map(|l| {
            let (k, v) = l.split_once('=').unwrap();
            (k.to_string(), hex::decode(v).unwrap())
        })
        .collect()
}

#[test]
fn signatures_equal_the_portable_ones_on_openssl_keys() {
    if routine().is_none() {
        return;
    }
    let keys = [
        include_str!("../../../rust/engine/tests/data/rsa2048.txt"),
        include_str!("../../../rust/engine/tests/data/rsa2048e3.txt"),
        include_str!("../../../rust/engine/tests/data/rsa3072.txt"),
        include_str!("../../../rust/engine/tests/data/rsa4096.txt"),
    ];
    let mut rng = Rng(4);
    for text in keys {
        let p = parts(text);
        let get = |name: &str| &p.iter().find(|(k, _)| k == name).unwrap().1[..];
        let key = PrivateKey::new(&PrivateParts {
            modulus: get("modulus"),
            public_exponent: get("public_exponent"),
            private_exponent: get("private_exponent"),
            primes: Some((get("prime1"), get("prime2"))),
            crt: [None; 3],
        })
        .unwrap();
        let size = key.size();
        for i in 0..12 {
            // Short, long (the most the padding leaves) and all-0xff data.
            let data = match i {
                0 => vec![],
                1 => vec![0xff; size - 11],
                _ => {
                    let len = 1 + (rng.next() as usize) % (size - 11);
                    rng.bytes(len)
                }
            };
            let (mut portable, mut ifma) = (vec![0; size], vec![0; size]);
            key.sign(&data, &mut portable).unwrap();
            let before = HANDLED.load(Ordering::SeqCst);
            key.sign_with(&data, &mut ifma, Some(counting)).unwrap();
            assert_eq!(HANDLED.load(Ordering::SeqCst), before + 1, "hook not used");
            assert_eq!(ifma, portable, "{size}-byte key, data {data:02x?}");
        }
    }
}
