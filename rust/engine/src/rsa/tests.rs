//! RSA against keys and signatures made by OpenSSL (`tests/data/rsa*.txt`, `openssl dgst
//! -sha256 -sign` of "core-pkcs11 known answer").

use super::*;
use alloc::string::String;
use sha2::Digest;

struct Fixture {
    parts: Vec<(String, Vec<u8>)>,
    signature: Vec<u8>,
}

impl Fixture {
    fn load(text: &str, signature: &str) -> Fixture {
        let parts = text
            .lines()
            .map(|l| {
                let (k, v) = l.split_once('=').unwrap();
                (k.into(), hex::decode(v).unwrap())
            })
            .collect();
        Fixture {
            parts,
            signature: hex::decode(signature.trim()).unwrap(),
        }
    }

    fn get(&self, name: &str) -> &[u8] {
        &self.parts.iter().find(|(k, _)| k == name).unwrap().1
    }

    fn private_parts(&self, primes: bool, crt: bool) -> PrivateParts<'_> {
        PrivateParts {
            modulus: self.get("modulus"),
            public_exponent: self.get("public_exponent"),
            private_exponent: self.get("private_exponent"),
            primes: primes.then(|| (self.get("prime1"), self.get("prime2"))),
            crt: if crt {
                [
                    Some(self.get("exponent1")),
                    Some(self.get("exponent2")),
                    Some(self.get("coefficient")),
                ]
            } else {
                [None; 3]
            },
        }
    }
}

fn fixtures() -> [Fixture; 4] {
    [
        Fixture::load(
            include_str!("../../tests/data/rsa2048.txt"),
            include_str!("../../tests/data/rsa2048-sha256-signature.hex"),
        ),
        Fixture::load(
            include_str!("../../tests/data/rsa2048e3.txt"),
            include_str!("../../tests/data/rsa2048e3-sha256-signature.hex"),
        ),
        Fixture::load(
            include_str!("../../tests/data/rsa3072.txt"),
            include_str!("../../tests/data/rsa3072-sha256-signature.hex"),
        ),
        Fixture::load(
            include_str!("../../tests/data/rsa4096.txt"),
            include_str!("../../tests/data/rsa4096-sha256-signature.hex"),
        ),
    ]
}

fn digest_info(msg: &[u8]) -> Vec<u8> {
    let mut info = crate::operation::SHA256_DIGEST_INFO_PREFIX.to_vec();
    info.extend_from_slice(&sha2::Sha256::digest(msg));
    info
}

const MESSAGE: &[u8] = b"core-pkcs11 known answer";

#[test]
fn signatures_match_openssl_in_every_key_form() {
    for f in fixtures() {
        let info = digest_info(MESSAGE);
        // With all CRT values, with primes only (CRT values computed), with d only.
        for (primes, crt) in [(true, true), (true, false), (false, false)] {
            let key = PrivateKey::new(&f.private_parts(primes, crt)).unwrap();
            assert_eq!(key.size(), f.signature.len());
            let mut sig = vec![0u8; key.size()];
            key.sign(&info, &mut sig).unwrap();
            assert_eq!(sig, f.signature, "primes {primes} crt {crt}");
            key.public().verify(&info, &sig).unwrap();
        }
    }
}

#[test]
fn verification_rejects_what_it_must() {
    for f in fixtures() {
        let public = PublicKey::new(f.get("modulus"), f.get("public_exponent")).unwrap();
        let info = digest_info(MESSAGE);
        public.verify(&info, &f.signature).unwrap();
        let mut bad = f.signature.clone();
        bad[7] ^= 0x10;
        assert_eq!(public.verify(&info, &bad), Err(CKR_SIGNATURE_INVALID));
        assert_eq!(
            public.verify(&digest_info(b"other"), &f.signature),
            Err(CKR_SIGNATURE_INVALID)
        );
        assert_eq!(
            public.verify(&info, &f.signature[1..]),
            Err(CKR_SIGNATURE_LEN_RANGE)
        );
        // A signature value at or above the modulus.
        assert_eq!(
            public.verify(&info, f.get("modulus")),
            Err(CKR_SIGNATURE_INVALID)
        );
        assert_eq!(
            public.verify(&info, &vec![0xff; f.signature.len()]),
            Err(CKR_SIGNATURE_INVALID)
        );
        // Data longer than the padding allows.
        let long = vec![1u8; public.size() - PKCS1_OVERHEAD + 1];
        assert_eq!(public.verify(&long, &f.signature), Err(CKR_DATA_LEN_RANGE));
    }
}

#[test]
fn raw_verification_recovers_the_whole_block() {
    for f in fixtures() {
        let public = PublicKey::new(f.get("modulus"), f.get("public_exponent")).unwrap();
        let mut block = vec![0u8; public.size()];
        encode(&digest_info(MESSAGE), &mut block).unwrap();
        public.verify_raw(&block, &f.signature).unwrap();
        // Leading zero bytes may be left out: the block is a number.
        public.verify_raw(&block[1..], &f.signature).unwrap();
        let mut other = block.clone();
        other[20] ^= 1;
        assert_eq!(
            public.verify_raw(&other, &f.signature),
            Err(CKR_SIGNATURE_INVALID)
        );
        assert_eq!(
            public.verify_raw(&block[2..], &f.signature),
            Err(CKR_SIGNATURE_INVALID)
        );
        let mut long = vec![0u8];
        long.extend_from_slice(&block);
        assert_eq!(
            public.verify_raw(&long, &f.signature),
            Err(CKR_DATA_LEN_RANGE)
        );
        assert_eq!(
            public.verify_raw(&block, &f.signature[1..]),
            Err(CKR_SIGNATURE_LEN_RANGE)
        );
        assert_eq!(
            public.verify_raw(&block, f.get("modulus")),
            Err(CKR_SIGNATURE_INVALID)
        );
    }
}

#[test]
fn longest_data_signs_and_verifies() {
    let f = &fixtures()[0];
    let key = PrivateKey::new(&f.private_parts(true, true)).unwrap();
    let mut sig = vec![0u8; key.size()];
    let data = vec![0xa5u8; key.size() - PKCS1_OVERHEAD];
    key.sign(&data, &mut sig).unwrap();
    key.public().verify(&data, &sig).unwrap();
    let long = vec![0xa5u8; key.size() - PKCS1_OVERHEAD + 1];
    assert_eq!(key.sign(&long, &mut sig), Err(CKR_DATA_LEN_RANGE));
    // Empty data is allowed by PKCS #1 v1.5 (CKM_RSA_PKCS with a zero-length input).
    key.sign(&[], &mut sig).unwrap();
    key.public().verify(&[], &sig).unwrap();
}

fn flipped(v: &[u8], byte: usize) -> Vec<u8> {
    let mut v = v.to_vec();
    let i = v.len() - 1 - byte;
    v[i] ^= 0x04;
    v
}

#[test]
fn inconsistent_private_keys_are_refused() {
    let invalid = Err(CKR_ATTRIBUTE_VALUE_INVALID);
    for f in fixtures() {
        let good = f.private_parts(true, true);
        let check = |parts: &PrivateParts<'_>| PrivateKey::new(parts).map(|_| ());
        assert_eq!(check(&good), Ok(()));
        let dp = flipped(f.get("exponent1"), 9);
        let dq = flipped(f.get("exponent2"), 3);
        let qinv = flipped(f.get("coefficient"), 20);
        let d = flipped(f.get("private_exponent"), 40);
        let p = flipped(f.get("prime1"), 5);
        let n = flipped(f.get("modulus"), 12);
        let e = [0x01, 0x00, 0x03];
        let mut parts = f.private_parts(true, true);
        parts.crt[0] = Some(&dp);
        assert_eq!(check(&parts), invalid, "dp");
        let mut parts = f.private_parts(true, true);
        parts.crt[1] = Some(&dq);
        assert_eq!(check(&parts), invalid, "dq");
        let mut parts = f.private_parts(true, true);
        parts.crt[2] = Some(&qinv);
        assert_eq!(check(&parts), invalid, "qinv");
        let mut parts = f.private_parts(true, false);
        parts.private_exponent = &d;
        assert_eq!(check(&parts), invalid, "d with primes");
        let mut parts = f.private_parts(false, false);
        parts.private_exponent = &d;
        assert_eq!(check(&parts), invalid, "d alone");
        let mut parts = f.private_parts(true, false);
        parts.primes = Some((&p, f.get("prime2")));
        assert_eq!(check(&parts), invalid, "p");
        let mut parts = f.private_parts(true, true);
        parts.modulus = &n;
        assert_eq!(check(&parts), invalid, "n");
        let mut parts = f.private_parts(true, false);
        parts.public_exponent = &e;
        assert_eq!(check(&parts), invalid, "e");
        // p and q swapped: still a valid key (qinv computed for the new order).
        let mut parts = f.private_parts(true, false);
        parts.primes = Some((f.get("prime2"), f.get("prime1")));
        let key = PrivateKey::new(&parts).unwrap();
        let mut sig = vec![0u8; key.size()];
        key.sign(&digest_info(MESSAGE), &mut sig).unwrap();
        assert_eq!(sig, f.signature);
        // d = 0 and d >= n.
        let mut parts = f.private_parts(false, false);
        parts.private_exponent = &[0];
        assert_eq!(check(&parts), invalid, "d = 0");
        parts.private_exponent = f.get("modulus");
        assert_eq!(check(&parts), invalid, "d = n");
    }
}

#[test]
fn public_key_checks() {
    let f = &fixtures()[0];
    let n = f.get("modulus");
    let invalid = Err(CKR_ATTRIBUTE_VALUE_INVALID);
    let new = |n: &[u8], e: &[u8]| PublicKey::new(n, e).map(|k| k.size());
    assert_eq!(new(n, &[1, 0, 1]), Ok(256));
    // Leading zeros do not count.
    let mut padded = vec![0u8; 3];
    padded.extend_from_slice(n);
    assert_eq!(new(&padded, &[0, 0, 1, 0, 1]), Ok(256));
    assert_eq!(new(&n[..128], &[1, 0, 1]), invalid, "1024 bits");
    assert_eq!(new(&[0xff; 513], &[1, 0, 1]), invalid, "4104 bits");
    let mut even = n.to_vec();
    *even.last_mut().unwrap() &= !1;
    assert_eq!(new(&even, &[1, 0, 1]), invalid, "even modulus");
    assert_eq!(new(n, &[1, 0, 0]), invalid, "even exponent");
    assert_eq!(new(n, &[1]), invalid, "e = 1");
    assert_eq!(new(n, &[]), invalid, "no exponent");
    assert_eq!(new(n, n), invalid, "e = n");
    assert_eq!(new(&[], &[1, 0, 1]), invalid, "no modulus");
    // 4096 bits is the largest.
    let big = &fixtures()[3];
    assert_eq!(new(big.get("modulus"), &[1, 0, 1]), Ok(512));
}
