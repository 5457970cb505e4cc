//! Cross-checks of the P-256 arithmetic and ECDSA against the `p256` crate.

use super::ecdsa::{sign_with_fixed_nonce, PrivateKey, PublicKey, SIGNATURE_LEN};
use super::*;
// The tests compute with p256's scalars (the reference) and convert at the engine's API.
use p256::ecdsa::signature::hazmat::{PrehashVerifier, RandomizedPrehashSigner};
use p256::elliptic_curve::ff::PrimeField;
use p256::elliptic_curve::ops::Reduce;
use p256::elliptic_curve::scalar::IsHigh;
use p256::elliptic_curve::sec1::ToSec1Point;
use p256::Scalar;
use p256::{FieldBytes, ProjectivePoint};

/// Deterministic test bytes (SplitMix64).
struct TestRng(u64);

impl TestRng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn bytes<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        for chunk in out.chunks_mut(8) {
            let v = self.next().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
        out
    }

    fn scalar(&mut self) -> Scalar {
        <Scalar as Reduce<FieldBytes>>::reduce(&FieldBytes::from(self.bytes::<32>()))
    }
}

/// An RNG that hands out fixed bytes, to feed `p256` the same hedge as the engine.
struct FixedRng<'a>(&'a [u8]);

impl rand_core::TryRng for FixedRng<'_> {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        unimplemented!()
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        unimplemented!()
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        dst.copy_from_slice(&self.0[..dst.len()]);
        self.0 = &self.0[dst.len()..];
        Ok(())
    }
}

impl rand_core::TryCryptoRng for FixedRng<'_> {}

fn scalar_from_hex(hex_str: &str) -> Scalar {
    let bytes: [u8; 32] = hex::decode(hex_str).unwrap().try_into().unwrap();
    Option::from(Scalar::from_repr(FieldBytes::from(bytes))).unwrap()
}

/// The engine's scalar for a `p256` one.
fn ours(k: &Scalar) -> super::Scalar {
    super::Scalar::from_bytes(&k.to_repr().into()).unwrap()
}

fn reference_point(k: &Scalar) -> [u8; 65] {
    let p = (ProjectivePoint::GENERATOR * k).to_affine();
    p.to_sec1_point(false).as_bytes().try_into().unwrap()
}

fn pow2(e: u32) -> Scalar {
    let mut s = Scalar::ONE;
    for _ in 0..e {
        s = s.double();
    }
    s
}

/// Scalars at the edges of the comb's digits and of the `n/2` split.
fn edge_scalars() -> alloc::vec::Vec<Scalar> {
    let half = scalar_from_hex("7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a8");
    let mut v = alloc::vec![
        Scalar::ONE,
        Scalar::from(2u64),
        Scalar::from(7u64),
        Scalar::from(8u64),
        Scalar::from(9u64),
        Scalar::from(15u64),
        Scalar::from(16u64),
        Scalar::from(17u64),
        -Scalar::ONE,
        -Scalar::from(2u64),
        -Scalar::from(8u64),
        half,
        half + Scalar::ONE,
        half - Scalar::ONE,
        half + Scalar::from(2u64),
        pow2(255),
        pow2(255) + Scalar::ONE,
        pow2(255) - Scalar::ONE,
        pow2(252),
        pow2(128),
        pow2(64),
        scalar_from_hex("8888888888888888888888888888888888888888888888888888888888888888"),
        scalar_from_hex("7777777777777777777777777777777777777777777777777777777777777777"),
        scalar_from_hex("0888888888888888888888888888888888888888888888888888888888888888"),
        scalar_from_hex("7888888888888888888888888888888888888888888888888888888888888888"),
        scalar_from_hex("f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8"),
        scalar_from_hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632550"),
    ];
    for i in 0..64 {
        let p = pow2(4 * i);
        v.push(p);
        v.push(p * Scalar::from(8u64));
        v.push(-(p * Scalar::from(8u64)));
        v.push(p * Scalar::from(9u64));
    }
    v
}

#[test]
fn constants() {
    assert!(Affine::GENERATOR.is_on_curve());
    let g = ProjectivePoint::GENERATOR.to_affine().to_sec1_point(false);
    assert_eq!(&Affine::GENERATOR.to_uncompressed()[..], g.as_bytes());
    // p − n + n = p ≡ 0.
    let n = Fe::from_hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
    let p_minus_n =
        Fe::from_hex("000000000000000000000000000000004319055358e8617b0c46353d039cdaae");
    assert!(bool::from((p_minus_n + n).is_zero()));
}

#[test]
fn base_table_matches_p256() {
    for (j, window) in BASE_TABLE.iter().enumerate() {
        let base = pow2((4 * COMB_PASSES * j) as u32);
        for (m, entry) in window.iter().enumerate() {
            let k = base * Scalar::from(m as u64 + 1);
            assert_eq!(
                entry.to_uncompressed(),
                reference_point(&k),
                "window {j} entry {m}"
            );
        }
    }
}

#[test]
fn radix16_digits_recompose() {
    let mut rng = TestRng(1);
    let mut scalars = edge_scalars();
    scalars.extend((0..200).map(|_| rng.scalar()));
    for k in scalars {
        let k = if bool::from(k.is_high()) { -k } else { k };
        let digits = radix16_digits(&ours(&k));
        let mut sum = Scalar::ZERO;
        for &d in digits.iter().rev() {
            assert!((-8..=8).contains(&d));
            sum *= Scalar::from(16u64);
            let abs = Scalar::from(d.unsigned_abs() as u64);
            sum += if d < 0 { -abs } else { abs };
        }
        assert_eq!(sum, k);
    }
}

#[test]
fn wnaf_recomposes() {
    let mut rng = TestRng(2);
    let mut scalars = edge_scalars();
    scalars.push(Scalar::ZERO);
    scalars.extend((0..200).map(|_| rng.scalar()));
    for k in scalars {
        let naf = wnaf(&ours(&k));
        let mut sum = Scalar::ZERO;
        let mut last_nonzero: Option<usize> = None;
        for (i, &d) in naf.iter().enumerate().rev() {
            sum = sum.double();
            if d != 0 {
                assert!(d % 2 != 0 && d.unsigned_abs() < 16);
                if let Some(j) = last_nonzero {
                    assert!(j - i >= WNAF_WIDTH);
                }
                last_nonzero = Some(i);
                let abs = Scalar::from(d.unsigned_abs() as u64);
                sum += if d < 0 { -abs } else { abs };
            }
        }
        assert_eq!(sum, k);
    }
}

#[test]
fn mul_base_matches_p256() {
    let mut rng = TestRng(3);
    let mut scalars = edge_scalars();
    scalars.extend((0..300).map(|_| rng.scalar()));
    for k in scalars {
        assert_eq!(
            mul_base(&ours(&k)).to_uncompressed(),
            reference_point(&k),
            "k = {:?}",
            k.to_repr()
        );
    }
}

fn to_affine(p: Projective) -> Affine {
    let mut out = [Affine::GENERATOR];
    batch_to_affine(&[p], &mut out);
    out[0]
}

#[test]
fn projective_special_cases() {
    let p = mul_base(&ours(&Scalar::from(5u64)));
    let pp = Projective::from_affine(&p);
    let twice = to_affine(pp.add_affine(&p));
    assert_eq!(
        twice.to_uncompressed(),
        reference_point(&Scalar::from(10u64))
    );
    assert_eq!(to_affine(pp.double()), twice);
    assert!(pp.add_affine(&p.neg()).is_identity());
    assert!(Projective::IDENTITY.double().is_identity());
    let same = to_affine(Projective::IDENTITY.add_affine(&p));
    assert_eq!(same, p);
}

fn check_tables<const S: usize>(q: &Scalar) {
    let tables = VerifyTables::<S>::new(&mul_base(&ours(q)));
    for (t, row) in tables.odd.iter().enumerate() {
        for (i, point) in row.iter().enumerate() {
            let k = *q * pow2((256 / S * t) as u32) * Scalar::from(2 * i as u64 + 1);
            assert_eq!(
                point.to_uncompressed(),
                reference_point(&k),
                "S = {S}, t = {t}, i = {i}"
            );
        }
    }
}

#[test]
fn verify_tables_match_p256() {
    for q in [
        Scalar::ONE,
        Scalar::from(0x1234_5678u64),
        -Scalar::ONE,
        pow2(255),
    ] {
        check_tables::<1>(&q);
        check_tables::<4>(&q);
        check_tables::<8>(&q);
    }
}

/// `u1·G + u2·Q` with `Q = q·G` against `p256`: the x-coordinate check of verification.
#[test]
fn combination_matches_p256() {
    check_combination::<1>(4);
    check_combination::<4>(5);
    check_combination::<8>(6);
}

fn check_combination<const S: usize>(seed: u64) {
    let mut rng = TestRng(seed);
    let edges = edge_scalars();
    for i in 0..120 {
        let q = rng.scalar();
        let u1 = if i < edges.len() {
            edges[i]
        } else {
            rng.scalar()
        };
        let u2 = if i % 3 == 0 {
            edges[(i * 7) % edges.len()]
        } else {
            rng.scalar()
        };
        let multiples = VerifyTables::<S>::new(&mul_base(&ours(&q)));
        let expected = reference_point(&(u1 + u2 * q));
        let x = FieldBytes::try_from(&expected[1..33]).unwrap();
        let r = <Scalar as Reduce<FieldBytes>>::reduce(&x);
        let (u1, u2) = (ours(&u1), ours(&u2));
        assert!(
            verify_combination(&u1, &u2, &multiples, &ours(&r)),
            "i = {i}"
        );
        assert!(!verify_combination(
            &u1,
            &u2,
            &multiples,
            &ours(&(r + Scalar::ONE))
        ));
    }
    // Q = G: both parts use the same point; u1 = −u2 gives infinity, u1 = u2 doubles.
    let g = VerifyTables::<S>::new(&Affine::GENERATOR);
    for k in [Scalar::ONE, Scalar::from(3u64), pow2(200), rng.scalar()] {
        assert!(combination(&ours(&k), &ours(&-k), &g).is_none());
        let expected = reference_point(&k.double());
        let x = FieldBytes::try_from(&expected[1..33]).unwrap();
        let r = <Scalar as Reduce<FieldBytes>>::reduce(&x);
        assert!(verify_combination(&ours(&k), &ours(&k), &g, &ours(&r)));
    }
    assert!(combination(&ours(&Scalar::ZERO), &ours(&Scalar::ZERO), &g).is_none());
}

/// RFC 6979 A.2.5, P-256 with SHA-256.
#[test]
fn rfc6979_vectors() {
    use sha2::Digest;
    let d: [u8; 32] =
        hex::decode("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721")
            .unwrap()
            .try_into()
            .unwrap();
    let key = PrivateKey::from_bytes(&d).unwrap();
    let public = key.verifying_key();
    assert_eq!(
        hex::encode(public.to_uncompressed()),
        "0460fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6\
         7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299"
    );
    let vectors = [
        (
            &b"sample"[..],
            "a6e3c57dd01abe90086538398355dd4c3b17aa873382b0f24d6129493d8aad60",
            "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716",
            "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8",
        ),
        (
            &b"test"[..],
            "d16b6ae827f17175e040871a1c7ec3500192c4c92677336ec2537acaee0008e0",
            "f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367",
            "019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083",
        ),
    ];
    for (message, k, r, s) in vectors {
        let z = sha2::Sha256::digest(message);
        let expected = hex::decode(alloc::format!("{r}{s}")).unwrap();
        let k: [u8; 32] = hex::decode(k).unwrap().try_into().unwrap();
        let with_k = sign_with_fixed_nonce(&d, &k, &z).unwrap();
        assert_eq!(&with_k[..], &expected[..]);
        let deterministic = key.sign(&z, &[], &[0u8; 32]);
        assert_eq!(&deterministic[..], &expected[..]);
        // The blinding of the nonce's inversion does not change the signature.
        assert_eq!(key.sign(&z, &[], &[0xa5; 32]), deterministic);
        assert!(public.verify(&z, &deterministic));
    }
}

fn reference_keys(d: &[u8; 32]) -> (p256::ecdsa::SigningKey, p256::ecdsa::VerifyingKey) {
    let sk = p256::ecdsa::SigningKey::from_slice(d).unwrap();
    let vk = *sk.verifying_key();
    (sk, vk)
}

fn reference_verify(vk: &p256::ecdsa::VerifyingKey, z: &[u8], sig: &[u8]) -> bool {
    match p256::ecdsa::Signature::from_slice(sig) {
        Ok(sig) => vk.verify_prehash(z, &sig).is_ok(),
        Err(_) => false,
    }
}

/// Hedged signatures are byte for byte those of `p256` with the same hedge, and verify there.
#[test]
fn sign_matches_p256() {
    let mut rng = TestRng(5);
    for i in 0..60 {
        let d: [u8; 32] = rng.bytes();
        let Some(key) = PrivateKey::from_bytes(&d) else {
            continue;
        };
        let (sk, vk) = reference_keys(&d);
        assert_eq!(
            &key.verifying_key().to_uncompressed()[..],
            vk.to_sec1_point(false).as_bytes()
        );
        // Hash lengths: short (left-padded), SHA-256, SHA-384/512 (truncated).
        let len = [32, 20, 48, 64, 1, 33][i % 6];
        let z: [u8; 64] = rng.bytes();
        let z = &z[..len];
        let ad: [u8; 32] = rng.bytes();
        let ours = key.sign(z, &ad, &rng.bytes());
        let theirs: p256::ecdsa::Signature =
            sk.sign_prehash_with_rng(&mut FixedRng(&ad), z).unwrap();
        assert_eq!(&ours[..], &theirs.to_bytes()[..], "i = {i}");
        assert!(reference_verify(&vk, z, &ours));
    }
}

/// Verification accepts exactly what `p256` accepts: valid signatures, and the same
/// signatures with a bit flipped in `r`, `s` or the hash, or `r`, `s` replaced by edge values.
#[test]
fn verify_matches_p256() {
    let mut rng = TestRng(6);
    let n =
        hex::decode("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551").unwrap();
    let mut n_plus_1 = n.clone();
    n_plus_1[31] += 1;
    let mut n_minus_1 = n.clone();
    n_minus_1[31] -= 1;
    let edges: [alloc::vec::Vec<u8>; 6] = [
        alloc::vec![0; 32],
        n.clone(),
        n_plus_1,
        n_minus_1,
        alloc::vec![0xff; 32],
        {
            let mut one = alloc::vec![0; 32];
            one[31] = 1;
            one
        },
    ];
    for i in 0..40 {
        let d: [u8; 32] = rng.bytes();
        let Some(key) = PrivateKey::from_bytes(&d) else {
            continue;
        };
        let (_, vk) = reference_keys(&d);
        let public = PublicKey::from_sec1(vk.to_sec1_point(i % 2 == 0).as_bytes()).unwrap();
        let len = [32, 48, 64, 16, 1][i % 5];
        let z: [u8; 64] = rng.bytes();
        let z = &z[..len];
        let sig = key.sign(z, &rng.bytes::<32>(), &rng.bytes());
        let mut cases: alloc::vec::Vec<(alloc::vec::Vec<u8>, [u8; SIGNATURE_LEN])> =
            alloc::vec![(z.to_vec(), sig)];
        let bit = (rng.next() % 512) as usize;
        let mut flipped = sig;
        flipped[bit / 8] ^= 1 << (bit % 8);
        cases.push((z.to_vec(), flipped));
        let mut z2 = z.to_vec();
        z2[0] ^= 0x80;
        cases.push((z2, sig));
        for e in &edges {
            let mut r_edge = sig;
            r_edge[..32].copy_from_slice(e);
            let mut s_edge = sig;
            s_edge[32..].copy_from_slice(e);
            cases.push((z.to_vec(), r_edge));
            cases.push((z.to_vec(), s_edge));
        }
        for (z, sig) in cases {
            assert_eq!(public.verify(&z, &sig), reference_verify(&vk, &z, &sig));
        }
        assert!(public.verify(z, &sig));
    }
}

/// The rare branch of the x-coordinate check: `x(R) ≥ n`, so `r = x(R) − n`. A key is built
/// around such an `R` (`Q = (s/r)·(R − (z/s)·G)`), and around the point at infinity.
#[test]
fn verify_when_x_exceeds_n() {
    use p256::elliptic_curve::sec1::FromSec1Point;
    let mut found = 0;
    let mut x =
        hex::decode("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551").unwrap();
    while found < 3 {
        x[31] = x[31].wrapping_add(1);
        let mut compressed = alloc::vec![2u8];
        compressed.extend_from_slice(&x);
        let Ok(point) = p256::Sec1Point::from_bytes(&compressed) else {
            continue;
        };
        let Some(r_point) =
            Option::<p256::AffinePoint>::from(p256::AffinePoint::from_sec1_point(&point))
        else {
            continue;
        };
        found += 1;
        let x_scalar =
            <Scalar as Reduce<FieldBytes>>::reduce(&FieldBytes::try_from(&x[..]).unwrap());
        let z = [0x5au8; 32];
        let zs = <Scalar as Reduce<FieldBytes>>::reduce(&FieldBytes::from(z));
        let s = Scalar::from(12345u64 + found);
        let r = x_scalar;
        let s_over_r = s * r.invert().unwrap();
        let q = (ProjectivePoint::from(r_point)
            - ProjectivePoint::GENERATOR * (zs * s.invert().unwrap()))
            * s_over_r;
        let vk = p256::ecdsa::VerifyingKey::from_affine(q.to_affine()).unwrap();
        let public = PublicKey::from_sec1(vk.to_sec1_point(false).as_bytes()).unwrap();
        let mut sig = [0u8; SIGNATURE_LEN];
        sig[..32].copy_from_slice(&r.to_repr());
        sig[32..].copy_from_slice(&s.to_repr());
        assert!(reference_verify(&vk, &z, &sig));
        assert!(public.verify(&z, &sig));
        // The same R through r' = x(R) exactly is not a valid scalar (≥ n): rejected by both.
        let mut big_r = sig;
        big_r[..32].copy_from_slice(&x);
        assert!(!reference_verify(&vk, &z, &big_r));
        assert!(!public.verify(&z, &big_r));
        // A key for which u1·G + u2·Q is the point at infinity.
        let q_inf = ProjectivePoint::GENERATOR * (-(zs * r.invert().unwrap()));
        let vk_inf = p256::ecdsa::VerifyingKey::from_affine(q_inf.to_affine()).unwrap();
        let public_inf = PublicKey::from_sec1(vk_inf.to_sec1_point(false).as_bytes()).unwrap();
        assert!(!reference_verify(&vk_inf, &z, &sig));
        assert!(!public_inf.verify(&z, &sig));
    }
}

#[test]
fn public_key_parsing_matches_p256() {
    let key = PrivateKey::from_bytes(&[7u8; 32]).unwrap();
    let uncompressed = key.verifying_key().to_uncompressed();
    let (_, vk) = reference_keys(&[7u8; 32]);
    let compressed = vk.to_sec1_point(true);
    assert_eq!(
        PublicKey::from_sec1(compressed.as_bytes()).unwrap(),
        key.verifying_key()
    );
    let mut cases: alloc::vec::Vec<alloc::vec::Vec<u8>> = alloc::vec![
        uncompressed.to_vec(),
        compressed.as_bytes().to_vec(),
        alloc::vec![0],
        alloc::vec![],
        uncompressed[..64].to_vec(),
        alloc::vec![4; 65],
        alloc::vec![0xff; 65],
    ];
    let mut off_curve = uncompressed;
    off_curve[64] ^= 1;
    cases.push(off_curve.to_vec());
    let mut hybrid = uncompressed;
    hybrid[0] = 6;
    cases.push(hybrid.to_vec());
    let mut x_too_big = uncompressed;
    x_too_big[1..33].fill(0xff);
    cases.push(x_too_big.to_vec());
    for case in cases {
        assert_eq!(
            PublicKey::from_sec1(&case).is_some(),
            p256::PublicKey::from_sec1_bytes(&case).is_ok(),
            "{case:02x?}"
        );
    }
}

/// What `p256` makes of `bytes`: `Some(04 ‖ x ‖ y)` when it accepts them as a public key.
fn reference_parse(bytes: &[u8]) -> Option<alloc::vec::Vec<u8>> {
    let key = p256::PublicKey::from_sec1_bytes(bytes).ok()?;
    Some(key.to_sec1_point(false).as_bytes().to_vec())
}

/// Our parse of `bytes` against `p256`'s: the same points accepted, decoded the same way.
fn assert_parses_like_p256(bytes: &[u8]) -> bool {
    let ours = Affine::from_sec1(bytes).map(|p| p.to_uncompressed().to_vec());
    assert_eq!(ours, reference_parse(bytes), "{bytes:02x?}");
    assert_eq!(PublicKey::from_sec1(bytes).is_some(), ours.is_some());
    ours.is_some()
}

/// The field prime `p`, big-endian.
const P_BYTES: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
];

#[test]
fn sec1_points_decode_like_p256() {
    let mut rng = TestRng(0x5ec1);
    for i in 0..64 {
        let d: [u8; 32] = rng.bytes();
        let Some(key) = PrivateKey::from_bytes(&d) else {
            continue;
        };
        let (_, vk) = reference_keys(&d);
        let uncompressed = key.verifying_key().to_uncompressed();
        let compressed = vk.to_sec1_point(true);
        // Both parities of y come up over the keys; each decodes to the same point.
        assert!(assert_parses_like_p256(&uncompressed));
        assert!(assert_parses_like_p256(compressed.as_bytes()));
        assert_eq!(
            Affine::from_sec1(compressed.as_bytes())
                .unwrap()
                .to_uncompressed(),
            uncompressed
        );
        // The other parity tag gives −Q.
        let mut flipped = compressed.as_bytes().to_vec();
        flipped[0] ^= 1;
        assert!(assert_parses_like_p256(&flipped));
        assert_eq!(
            Affine::from_sec1(&flipped).unwrap(),
            Affine::from_sec1(&uncompressed).unwrap().neg()
        );
        // Compact form (tag 05): the y below p/2.
        let mut compact = compressed.as_bytes().to_vec();
        compact[0] = 5;
        assert!(assert_parses_like_p256(&compact));
        // A random x: on the curve for about half of them (02, 03, 05 agree on which).
        let x: [u8; 32] = rng.bytes();
        for tag in [2u8, 3, 5] {
            let mut random = alloc::vec![tag];
            random.extend_from_slice(&x);
            assert_parses_like_p256(&random);
        }
        // A y flipped in one bit is off the curve.
        let mut off_curve = uncompressed;
        off_curve[33 + i % 32] ^= 1 << (i % 8);
        assert!(!assert_parses_like_p256(&off_curve));
    }
}

#[test]
fn invalid_sec1_points_are_rejected() {
    let key = PrivateKey::from_bytes(&[9u8; 32]).unwrap();
    let uncompressed = key.verifying_key().to_uncompressed();
    let x = &uncompressed[1..33];
    let mut bad: alloc::vec::Vec<alloc::vec::Vec<u8>> = alloc::vec![
        // Empty, the point at infinity, tags without a point.
        alloc::vec![],
        alloc::vec![0],
        alloc::vec![2],
        alloc::vec![3],
        alloc::vec![4],
        alloc::vec![5],
        // Unknown tags with a valid body (hybrid 06/07, 01, ff).
        [&[6u8][..], &uncompressed[1..]].concat(),
        [&[7u8][..], &uncompressed[1..]].concat(),
        [&[1u8][..], x].concat(),
        [&[0xffu8][..], x].concat(),
        // Lengths that do not match the tag.
        [&[4u8][..], x].concat(),
        [&[2u8][..], &uncompressed[1..]].concat(),
        [&[5u8][..], &uncompressed[1..]].concat(),
        uncompressed[..64].to_vec(),
        [&uncompressed[..], &[0u8][..]].concat(),
        [&[2u8][..], &x[..31]].concat(),
        [&[0u8][..], x].concat(),
        // Coordinates equal to p or above it.
        [&[4u8][..], &P_BYTES[..], &uncompressed[33..]].concat(),
        [&[4u8][..], x, &P_BYTES[..]].concat(),
        [&[2u8][..], &P_BYTES[..]].concat(),
        [&[3u8][..], &[0xffu8; 32][..]].concat(),
        [&[5u8][..], &[0xffu8; 32][..]].concat(),
        [&[4u8][..], &[0xffu8; 64][..]].concat(),
        // (0, 0) is not on the curve.
        [&[4u8][..], &[0u8; 64][..]].concat(),
    ];
    // A small x with a point and one without (x³ − 3x + b not a square).
    let small_x = |on_curve: bool| -> [u8; 32] {
        let mut x = [0u8; 32];
        loop {
            x[31] += 1;
            if reference_parse(&[&[2u8][..], &x[..]].concat()).is_some() == on_curve {
                return x;
            }
        }
    };
    let no_point = small_x(false);
    bad.push([&[2u8][..], &no_point[..]].concat());
    bad.push([&[3u8][..], &no_point[..]].concat());
    bad.push([&[5u8][..], &no_point[..]].concat());
    // x + p: the same residue as a valid x, but not below p (non-canonical).
    let x = small_x(true);
    let point = Affine::from_sec1(&[&[2u8][..], &x[..]].concat()).unwrap();
    let mut x_plus_p = P_BYTES;
    let mut carry = 0u16;
    for i in (0..32).rev() {
        let sum = u16::from(x_plus_p[i]) + u16::from(x[i]) + carry;
        x_plus_p[i] = sum as u8;
        carry = sum >> 8;
    }
    assert_eq!(carry, 0);
    assert!(assert_parses_like_p256(&point.to_uncompressed()));
    bad.push([&[2u8][..], &x_plus_p[..]].concat());
    bad.push([&[5u8][..], &x_plus_p[..]].concat());
    bad.push([&[4u8][..], &x_plus_p[..], &point.to_uncompressed()[33..]].concat());
    for case in bad {
        assert!(!assert_parses_like_p256(&case), "{case:02x?}");
    }
}

#[test]
fn private_key_bounds() {
    assert!(PrivateKey::from_bytes(&[0; 32]).is_none());
    assert!(PrivateKey::from_bytes(&[0xff; 32]).is_none());
    let n: [u8; 32] =
        hex::decode("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551")
            .unwrap()
            .try_into()
            .unwrap();
    assert!(PrivateKey::from_bytes(&n).is_none());
    let mut n_minus_1 = n;
    n_minus_1[31] -= 1;
    let key = PrivateKey::from_bytes(&n_minus_1).unwrap();
    assert_eq!(*key.to_bytes(), n_minus_1);
    assert_eq!(
        key.verifying_key().to_uncompressed(),
        Affine::GENERATOR.neg().to_uncompressed()
    );
}
