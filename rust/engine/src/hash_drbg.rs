//! Hash_DRBG with SHA-256 (NIST SP 800-90A Rev. 1, §10.1.1): the mechanism behind the token's
//! random numbers.
//!
//! [`HashDrbg`] instantiates, reseeds and generates exactly as the specification describes,
//! without prediction resistance; like [`HmacDrbg`](crate::drbg::HmacDrbg) it never reads
//! entropy itself. The token does not call it directly but through
//! [`BufferedDrbg`](crate::drbg::BufferedDrbg), which asks it for blocks of output and reseeds
//! it from the entropy source.
//!
//! Hash_DRBG rather than HMAC_DRBG because it is the cheaper of the two on the device: its
//! 55-byte `V` (plus the padding) fills exactly one SHA-256 block, so each 32 output bytes cost
//! one compression, and the state update after a request costs two more; HMAC_DRBG needs two
//! compressions per 32 bytes and six for the update. It needs no crate beyond SHA-256, which
//! every build links, where CTR_DRBG would bring AES into the ECDSA-only build.
//!
//! `V` and `C` are wiped when the DRBG is dropped.

use core::fmt;

use digest::block_api::{Buffer, CoreProxy, FixedOutputCore, UpdateCore};
use digest::{Output, Reset};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::drbg::{DrbgError, MAX_BYTES_PER_REQUEST, RESEED_INTERVAL};
use crate::sha256::Sha256;

/// `seedlen` for SHA-256 (SP 800-90A Table 2): 440 bits, the size of `V` and `C`.
pub const SEED_LEN: usize = 55;

/// `V` or `C` in 60 bytes, word-aligned: the value in bytes [`VALUE`], 4-aligned so that
/// copying it into the hash's block buffer moves whole words, after a carry byte, so that the
/// additions run on fourteen 32-bit words ([`WORDS`]).
///
/// The carry byte (bits 440 and up of a sum) is zero between operations, which also makes
/// `WORDS` of `V` the string `0x00 ‖ V` that `C` is derived from; it is set to 3 to hash
/// `0x03 ‖ V` in place.
#[derive(Clone, Copy)]
#[repr(C, align(4))]
struct Wide([u8; 60]);

/// Where the value is in a [`Wide`].
const VALUE: core::ops::Range<usize> = 4..4 + SEED_LEN;

/// The carry byte and the value: fourteen big-endian words.
const WORDS: core::ops::Range<usize> = 3..4 + SEED_LEN;

impl Zeroize for Wide {
    fn zeroize(&mut self) {
        self.0.zeroize();
    }
}

/// Output length of SHA-256 (`outlen`).
const OUT_LEN: usize = 32;

/// The block-level SHA-256 core.
type Core = <Sha256 as CoreProxy>::Core;

/// A SHA-256 core and its block buffer, reused from one hash to the next.
///
/// The DRBG hashes at the block level rather than through the [`Digest`](digest::Digest)
/// interface: most of its hashes are of `V` (eight of the ten compressions of a 256-byte
/// request), one block each, and setting up and wiping a hasher for each would cost a
/// quarter as much again as the compression. Both parts wipe themselves when dropped.
#[derive(Default)]
struct Hasher {
    core: Core,
    buffer: Buffer<Core>,
}

// After a hash the block buffer still holds its input, `V` or `V + i`, which would let whoever
// reads the stack recompute output already handed out: the buffer must wipe itself when the
// hasher is dropped. It does with block-buffer's `zeroize` feature (which the workspace's `sha2`
// turns on); this stops the build if that ever goes. The core's state is wiped by its own
// `Drop` (`sha256.rs`).
const _: fn() = || {
    fn wipes_itself<T: ZeroizeOnDrop>() {}
    wipes_itself::<Buffer<Core>>();
};

impl Hasher {
    /// SHA-256 of `head ‖ parts` into `out`; the hasher is ready for the next hash after.
    #[inline(never)]
    fn hash(&mut self, head: &[u8], parts: &[&[u8]], out: &mut Output<Core>) {
        let Hasher { core, buffer } = self;
        for part in core::iter::once(head).chain(parts.iter().copied()) {
            buffer.digest_blocks(part, |blocks| core.update_blocks(blocks));
        }
        core.finalize_fixed_core(buffer, out);
        core.reset();
        buffer.reset();
    }
}

/// Hash_df (SP 800-90A §10.3.1) of the concatenation of `parts`, returning `seedlen` bits
/// (as a [`Wide`]).
fn hash_df(parts: &[&[u8]]) -> Zeroizing<Wide> {
    let mut hasher = Hasher::default();
    let mut block = Zeroizing::new([0u8; OUT_LEN]);
    let mut out = Zeroizing::new(Wide([0; 60]));
    for (counter, chunk) in (1u8..).zip(out.0[VALUE].chunks_mut(OUT_LEN)) {
        // counter ‖ no_of_bits_to_return (440 as a 32-bit big-endian integer) ‖ input.
        hasher.hash(
            &[counter, 0x00, 0x00, 0x01, 0xb8],
            parts,
            (&mut *block).into(),
        );
        chunk.copy_from_slice(&block[..chunk.len()]);
    }
    out
}

/// `v = (v + x) mod 2^440`, `x` big-endian, a multiple of 4 bytes and at most 56.
///
/// Every word of `v` is processed whatever the carries, so the time does not depend on `V`.
#[inline(never)]
fn add(v: &mut Wide, x: &[u8]) {
    debug_assert!(x.len().is_multiple_of(4) && x.len() <= WORDS.len());
    let mut carry = 0u64;
    let mut x = x.rchunks_exact(4);
    for word in v.0[WORDS].rchunks_exact_mut(4) {
        let a = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        let b = x
            .next()
            .map_or(0, |b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
        let sum = u64::from(a) + u64::from(b) + carry;
        word.copy_from_slice(&(sum as u32).to_be_bytes());
        carry = sum >> 32;
    }
    // Bits 440 and up.
    v.0[WORDS.start] = 0;
}

/// `v = (v + 1) mod 2^440`: Hashgen's step, cheaper than [`add`] and, like it, processing every
/// word whatever the carries.
#[inline(never)]
fn increment(v: &mut Wide) {
    let mut carry = 1;
    for word in v.0[WORDS].rchunks_exact_mut(4) {
        let (sum, overflow) =
            u32::from_be_bytes([word[0], word[1], word[2], word[3]]).overflowing_add(carry);
        word.copy_from_slice(&sum.to_be_bytes());
        carry = u32::from(overflow);
    }
    v.0[WORDS.start] = 0;
}

/// A Hash_DRBG (SHA-256) instance: the working state `V`, `C` and the reseed counter.
///
/// It has no `Clone` (a copy would repeat output), its `Debug` shows only the counter, and
/// `V` and `C` are wiped when it is dropped.
pub struct HashDrbg {
    /// `V`.
    v: Wide,
    /// `C`.
    c: Wide,
    reseed_counter: u64,
}

impl fmt::Debug for HashDrbg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HashDrbg")
            .field("reseed_counter", &self.reseed_counter)
            .finish_non_exhaustive()
    }
}

impl Drop for HashDrbg {
    fn drop(&mut self) {
        self.wipe();
    }
}

impl ZeroizeOnDrop for HashDrbg {}

impl HashDrbg {
    /// Instantiates the DRBG (SP 800-90A §10.1.1.2) from `entropy ‖ nonce ‖ personalization`.
    ///
    /// The caller supplies at least 32 bytes of full entropy and a nonce of at least 16 (or
    /// 48 bytes of entropy and an empty nonce); the personalization string may be empty.
    pub fn new(entropy: &[u8], nonce: &[u8], personalization: &[u8]) -> HashDrbg {
        let mut drbg = HashDrbg {
            v: Wide([0; 60]),
            c: Wide([0; 60]),
            reseed_counter: 1,
        };
        drbg.set_seed(&hash_df(&[entropy, nonce, personalization]));
        drbg
    }

    /// Reseeds the DRBG (SP 800-90A §10.1.1.3) with fresh `entropy` and optional `additional`
    /// input, and resets the reseed counter.
    pub fn reseed(&mut self, entropy: &[u8], additional: &[u8]) {
        let seed = hash_df(&[&[0x01], &self.v.0[VALUE], entropy, additional]);
        self.set_seed(&seed);
    }

    /// `V = seed`, `C = Hash_df(0x00 ‖ V)`, `reseed_counter = 1`.
    fn set_seed(&mut self, seed: &Wide) {
        self.v = *seed;
        // `0x00 ‖ V`: the carry byte is zero.
        self.c = *hash_df(&[&self.v.0[WORDS]]);
        self.reseed_counter = 1;
    }

    /// Fills `out` with pseudorandom bytes (SP 800-90A §10.1.1.4), mixing in the optional
    /// `additional` input.
    ///
    /// Fails without touching the state or `out` when `out` is longer than
    /// [`MAX_BYTES_PER_REQUEST`] or when [`RESEED_INTERVAL`] requests have been served since
    /// the last (re)seed.
    pub fn generate(&mut self, out: &mut [u8], additional: &[u8]) -> Result<(), DrbgError> {
        if out.len() > MAX_BYTES_PER_REQUEST {
            return Err(DrbgError::RequestTooLarge);
        }
        if self.reseed_counter > RESEED_INTERVAL {
            return Err(DrbgError::ReseedRequired);
        }
        let mut hasher = Hasher::default();
        let mut block = Zeroizing::new([0u8; OUT_LEN]);
        if !additional.is_empty() {
            // w = Hash(0x02 ‖ V ‖ additional_input); V = V + w.
            hasher.hash(
                &[0x02],
                &[&self.v.0[VALUE], additional],
                (&mut *block).into(),
            );
            add(&mut self.v, &*block);
        }
        // Hashgen (§10.1.1.4): the hashes of V, V + 1, V + 2, ...; 55 bytes and the padding
        // make one SHA-256 block each.
        let mut data = Zeroizing::new(self.v);
        for (i, chunk) in out.chunks_mut(OUT_LEN).enumerate() {
            if i > 0 {
                increment(&mut data);
            }
            hasher.hash(&data.0[VALUE], &[], (&mut *block).into());
            chunk.copy_from_slice(&block[..chunk.len()]);
        }
        // H = Hash(0x03 ‖ V), hashed in place; V = V + H + C + reseed_counter.
        self.v.0[WORDS.start] = 0x03;
        hasher.hash(&self.v.0[WORDS], &[], (&mut *block).into());
        add(&mut self.v, &*block);
        add(&mut self.v, &self.c.0[WORDS]);
        add(&mut self.v, &self.reseed_counter.to_be_bytes());
        self.reseed_counter += 1;
        Ok(())
    }

    /// The SP 800-90A reseed counter: 1 right after (re)seeding, one more per served request.
    pub fn reseed_counter(&self) -> u64 {
        self.reseed_counter
    }

    /// Wipes `V` and `C` and marks the state as needing a reseed, so a wiped instance can
    /// never produce output derived from the all-zero state.
    fn wipe(&mut self) {
        self.v.zeroize();
        self.c.zeroize();
        self.reseed_counter = u64::MAX;
    }

    /// Sets the reseed counter (tests that run to the end of the reseed interval).
    #[cfg(test)]
    pub(crate) fn set_reseed_counter(&mut self, counter: u64) {
        self.reseed_counter = counter;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::drbg_test_sequences::{
        check_odd_lengths_are_prefixes, check_request_size_limit, run, Cavp, CavpDrbg,
    };

    impl CavpDrbg for HashDrbg {
        fn instantiate(entropy: &[u8], nonce: &[u8], personalization: &[u8]) -> Self {
            HashDrbg::new(entropy, nonce, personalization)
        }
        fn reseed(&mut self, entropy: &[u8], additional: &[u8]) {
            HashDrbg::reseed(self, entropy, additional)
        }
        fn generate(&mut self, out: &mut [u8], additional: &[u8]) -> Result<(), DrbgError> {
            HashDrbg::generate(self, out, additional)
        }
        fn reseed_counter(&self) -> u64 {
            HashDrbg::reseed_counter(self)
        }
    }

    // Vectors from the NIST CAVP DRBG test vectors (drbgtestvectors.zip, CAVS 14.3, generated
    // 2013-04-02, https://csrc.nist.gov/projects/cryptographic-algorithm-validation-program/random-number-generators),
    // Hash_DRBG.rsp sections [SHA-256] [PredictionResistance = False]
    // [EntropyInputLen = 256] [NonceLen = 128] [ReturnedBitsLen = 1024], copied from the
    // CAVS files as Boost.Crypt (test/nist_cavs/vectors/drbg/sha256_hash_*.fax) and cifra
    // (src/testdrbg.c: the first three below) keep them.

    /// drbgvectors_pr_false/Hash_DRBG.rsp, PersonalizationStringLen = 0,
    /// AdditionalInputLen = 0, COUNT = 0.
    const PR_FALSE_COUNT_0: Cavp = Cavp {
        entropy: "63363377e41e86468deb0ab4a8ed683f6a134e47e014c700454e81e95358a569",
        nonce: "808aa38f2a72a62359915a9f8a04ca68",
        personalization: "",
        reseed: Some((
            "e62b8a8ee8f141b6980566e3bfe3c04903dad4ac2cdf9f2280010a6739bc83d3",
            "",
        )),
        additional: ["", ""],
        returned: "04eec63bb231df2c630a1afbe724949d005a587851e1aa795e477347c8b05662\
                   1c18bddcdd8d99fc5fc2b92053d8cfacfb0bb8831205fad1ddd6c071318a6018\
                   f03b73f5ede4d4d071f9de03fd7aea105d9299b8af99aa075bdb4db9aa28c18d\
                   174b56ee2a014d098896ff2282c955a81969e069fa8ce007a180183a07dfae17",
    };

    /// drbgvectors_pr_false/Hash_DRBG.rsp, PersonalizationStringLen = 256,
    /// AdditionalInputLen = 0, COUNT = 0.
    const PR_FALSE_PERSONALIZATION: Cavp = Cavp {
        entropy: "b87bb4de5c148d964fc0cb612d69295671780b4270fe32bf389b6f49488efe13",
        nonce: "27eb37a0c695c4ee3c9b70b7f6b33492",
        personalization: "52321406ac8a9c266b1f8d811bb871269e5824b59a0234f01d358193523bbb7c",
        reseed: Some((
            "7638267f534c4e6ee22cc6ca6ed824fd5d3d387c00b89dd791eb5ac9766385b8",
            "",
        )),
        additional: ["", ""],
        returned: "de01c061651bab3cef2fc4ea89a56b6e86e74b2e9fd11ed671c97c813778a06a\
                   2c1f41b41e754a5257750c6bde9601da9d67d8d9564f4a8538b92516a2dacc49\
                   6dee257b85393f2a01ad59aa3257f1b6da9566e3706d2d6d4a26e511b0c64d7d\
                   c223acb24827178afa43ca8d5a66f983d6929dc61564c4c14fc32d85765a23f7",
    };

    /// drbgvectors_pr_false/Hash_DRBG.rsp, PersonalizationStringLen = 0,
    /// AdditionalInputLen = 256, COUNT = 0.
    const PR_FALSE_ADDITIONAL: Cavp = Cavp {
        entropy: "9cfb7ad03be487a3b42be06e9ae44f283c2b1458cec801da2ae6532fcb56cc4c",
        nonce: "a20765538e8db31295747ec922c13a69",
        personalization: "",
        reseed: Some((
            "96bc8014f90ebdf690db0e171b59cc46c75e2e9b8e1dc699c65c03ceb2f4d7dc",
            "6fea0894052dab3c44d503950c7c72bd7b87de87cb81d3bb51c32a62f742286d",
        )),
        additional: [
            "d3467c78563b74c13db7af36c2a964820f2a9b1b167474906508fdac9b2049a6",
            "5840a11cc9ebf77b963854726a826370ffdb2fc2b3d8479e1df5dcfa3dddd10b",
        ],
        returned: "71c1154a2a7a3552413970bf698aa02f14f8ea95e861f801f463be27868b1b14\
                   b1b4babd9eba5915a6414ab1104c8979b1918f3094925aeab0d07d2037e613b6\
                   3cbd4f79d9f95c84b47ed9b77230a57515c211f48f4af6f5edb2c308b33905db\
                   308cf88f552c8912c49b34e66c026e67b302ca65b187928a1aba9a49edbfe190",
    };

    /// drbgvectors_pr_false/Hash_DRBG.rsp, PersonalizationStringLen = 256,
    /// AdditionalInputLen = 256, COUNT = 14.
    const PR_FALSE_PERSONALIZATION_ADDITIONAL: Cavp = Cavp {
        entropy: "85483423600e93df98ef818614a6df509c813738874795c44e4ff803969e29c4",
        nonce: "4202283f153e44d32dabcad1df174d85",
        personalization: "0a68b945e49c0ec9d35563669fa3b92b3eac0e15292d274eb5d2510af0756a7a",
        reseed: Some((
            "c6344253e190c45a41937406dab4dede45e90f57e0fe5b727c1ec60b3236ae44",
            "bc836b536e71bfddb67fe77473194236f9920d555b3d174e293cd9ebf15197e5",
        )),
        additional: [
            "b11f7c1b60a1223e5c514690edd2d33227df3326a99ed3a3aeca94b5e7c7338c",
            "32cdcf759e0d7e1a728e1cd2bf4de8dd225c7dd576da2a565662a3d28d8d3a6d",
        ],
        returned: "1e344c946cb6f54fd2bc17753929ee881e5c6da0eaca9b24c071cfba6919cf6d\
                   9a17c42963ffa93797f72369811e9f3c0cbe7aa6f62cacd9a8698e969caa0b8c\
                   37db7ef9cddccb37f5205bee6190696a45a7c527baa49524439e67ae25989789\
                   2394bb2ecd4bc7e112f3eb5212e9b9bbba544aa195f06f2a24c2929243482291",
    };

    /// drbgvectors_no_reseed/Hash_DRBG.rsp, PersonalizationStringLen = 0,
    /// AdditionalInputLen = 0, COUNT = 0.
    const NO_RESEED_COUNT_0: Cavp = Cavp {
        entropy: "a65ad0f345db4e0effe875c3a2e71f42c7129d620ff5c119a9ef55f05185e0fb",
        nonce: "8581f9317517276e06e9607ddbcbcc2e",
        personalization: "",
        reseed: None,
        additional: ["", ""],
        returned: "d3e160c35b99f340b2628264d1751060e0045da383ff57a57d73a673d2b8d80d\
                   aaf6a6c35a91bb4579d73fd0c8fed111b0391306828adfed528f018121b3febd\
                   c343e797b87dbb63db1333ded9d1ece177cfa6b71fe8ab1da46624ed6415e51c\
                   cde2c7ca86e283990eeaeb91120415528b2295910281b02dd431f4c9f70427df",
    };

    /// drbgvectors_no_reseed/Hash_DRBG.rsp, PersonalizationStringLen = 0,
    /// AdditionalInputLen = 256, COUNT = 0.
    const NO_RESEED_ADDITIONAL: Cavp = Cavp {
        entropy: "9b6d88373841458da926cc51f83922d363f0f80f90a2f5505c04033824ef7385",
        nonce: "82b21ff47bb5e1b33288b22f3856886b",
        personalization: "",
        reseed: None,
        additional: [
            "45d21d94ae1ea460857b50b5b240d943d42160e4c12377e0f817b79e92530bc1",
            "ea432e31cc94c20d66fb13d1ef42a5f62b024134fc635aa1279a6179204731ca",
        ],
        returned: "3d23d0fc03936766a1e1330393e8ff6211149f3d0758db038da1c833ca8e5265\
                   c2a9ff6c8e0836904c5fcd3e61b1c77d613dc6bdaf6437573a618e3e75e45533\
                   8a7f9a41300da8fd2da408cf095ff7eae1686d60ce9c2f547d0515da91600201\
                   c8374b7af8a5f49a6381aaca394c65d451341a0ae1546cd57e0d9167a6b5397d",
    };

    #[test]
    fn cavp_pr_false_no_optional_input() {
        assert_eq!(
            hex::encode(run::<HashDrbg>(&PR_FALSE_COUNT_0)),
            PR_FALSE_COUNT_0.returned
        );
    }

    #[test]
    fn cavp_pr_false_personalization() {
        assert_eq!(
            hex::encode(run::<HashDrbg>(&PR_FALSE_PERSONALIZATION)),
            PR_FALSE_PERSONALIZATION.returned
        );
    }

    #[test]
    fn cavp_pr_false_additional_input() {
        assert_eq!(
            hex::encode(run::<HashDrbg>(&PR_FALSE_ADDITIONAL)),
            PR_FALSE_ADDITIONAL.returned
        );
        assert_eq!(
            hex::encode(run::<HashDrbg>(&PR_FALSE_PERSONALIZATION_ADDITIONAL)),
            PR_FALSE_PERSONALIZATION_ADDITIONAL.returned
        );
    }

    #[test]
    fn cavp_no_reseed() {
        assert_eq!(
            hex::encode(run::<HashDrbg>(&NO_RESEED_COUNT_0)),
            NO_RESEED_COUNT_0.returned
        );
        assert_eq!(
            hex::encode(run::<HashDrbg>(&NO_RESEED_ADDITIONAL)),
            NO_RESEED_ADDITIONAL.returned
        );
    }

    #[test]
    fn inputs_change_the_output() {
        let mut base = PR_FALSE_COUNT_0;
        let expected = run::<HashDrbg>(&base);
        base.personalization = "00";
        assert_ne!(run::<HashDrbg>(&base), expected);
        base.personalization = "";
        base.additional = ["", "00"];
        assert_ne!(run::<HashDrbg>(&base), expected);
    }

    /// A [`Wide`] holding the 55-byte `value`.
    fn wide(value: [u8; SEED_LEN]) -> Wide {
        let mut w = Wide([0; 60]);
        w.0[VALUE].copy_from_slice(&value);
        w
    }

    /// `a + b mod 2^440` byte by byte, the plain way.
    fn reference_sum(a: &[u8; SEED_LEN], b: &[u8]) -> [u8; SEED_LEN] {
        let mut out = *a;
        let mut carry = 0u16;
        let mut b = b.iter().rev();
        for byte in out.iter_mut().rev() {
            let sum = u16::from(*byte) + u16::from(b.next().copied().unwrap_or(0)) + carry;
            *byte = sum as u8;
            carry = sum >> 8;
        }
        out
    }

    #[test]
    fn add_and_increment_carry_and_wrap() {
        let mut v = wide([0xff; SEED_LEN]);
        increment(&mut v);
        assert_eq!(v.0, [0u8; 60], "2^440 - 1 + 1 wraps to 0");
        let mut v = wide([0xff; SEED_LEN]);
        add(&mut v, &[0, 0, 0, 2]);
        assert_eq!(v.0[VALUE], reference_sum(&[0xff; SEED_LEN], &[2]));
        assert_eq!(v.0[..4], [0; 4]);
        assert_eq!(v.0[VALUE.end..], [0]);

        let values: [[u8; SEED_LEN]; 3] = [
            core::array::from_fn(|i| (i * 37 + 11) as u8),
            core::array::from_fn(|i| if i > 40 { 0xff } else { i as u8 }),
            [0x80; SEED_LEN],
        ];
        for a in &values {
            for b in &values {
                // All 56 bytes of the other (its carry byte is zero), and shorter addends.
                let mut v = wide(*a);
                add(&mut v, &wide(*b).0[WORDS]);
                assert_eq!(v.0[VALUE], reference_sum(a, b));
                let mut v = wide(*a);
                add(&mut v, &b[SEED_LEN - 32..]);
                assert_eq!(v.0[VALUE], reference_sum(a, &b[SEED_LEN - 32..]));
                assert_eq!(v.0[WORDS.start], 0);
            }
            let mut v = wide(*a);
            increment(&mut v);
            assert_eq!(v.0[VALUE], reference_sum(a, &[1]));
        }
    }

    #[test]
    fn odd_lengths_are_prefixes_of_the_block_stream() {
        check_odd_lengths_are_prefixes::<HashDrbg>();
    }

    #[test]
    fn request_size_limit() {
        check_request_size_limit::<HashDrbg>();
    }

    #[test]
    fn reseed_counter_enforces_interval() {
        let mut drbg = HashDrbg::new(&[2u8; 48], &[], &[]);
        assert_eq!(drbg.reseed_counter(), 1);
        let mut out = [0u8; 16];
        drbg.generate(&mut out, &[]).unwrap();
        drbg.generate(&mut out, &[]).unwrap();
        assert_eq!(drbg.reseed_counter(), 3);

        // Skip ahead: the last request of the interval is still served...
        drbg.set_reseed_counter(RESEED_INTERVAL);
        assert_eq!(drbg.generate(&mut out, &[]), Ok(()));
        assert_eq!(drbg.reseed_counter(), RESEED_INTERVAL + 1);
        // ...the next one is refused without output or state change.
        let before = (drbg.v.0, drbg.c.0);
        let mut refused = [0u8; 16];
        assert_eq!(
            drbg.generate(&mut refused, &[]),
            Err(DrbgError::ReseedRequired)
        );
        assert_eq!(refused, [0u8; 16]);
        assert_eq!((drbg.v.0, drbg.c.0), before);
        assert_eq!(drbg.reseed_counter(), RESEED_INTERVAL + 1);

        drbg.reseed(&[3u8; 48], &[]);
        assert_eq!(drbg.reseed_counter(), 1);
        assert_ne!((drbg.v.0, drbg.c.0), before);
        assert_eq!(drbg.generate(&mut out, &[]), Ok(()));
    }

    #[test]
    fn debug_does_not_show_state() {
        let drbg = HashDrbg::new(&[4u8; 48], &[], &[]);
        let text = alloc::format!("{drbg:?}");
        assert!(text.contains("reseed_counter: 1"));
        assert!(!text.contains(&alloc::format!("{:?}", drbg.v.0[4..8].to_vec())));
        assert!(!text.contains("v:") && !text.contains("c:"));
    }

    #[test]
    fn wipe_clears_state_and_blocks_output() {
        // `wipe` is what `Drop` runs.
        let mut drbg = HashDrbg::new(&[11u8; 48], &[], &[]);
        assert_ne!(drbg.v.0, [0u8; 60]);
        assert_ne!(drbg.c.0, [0u8; 60]);
        drbg.wipe();
        assert_eq!((drbg.v.0, drbg.c.0), ([0u8; 60], [0u8; 60]));
        let mut out = [0u8; 8];
        assert_eq!(drbg.generate(&mut out, &[]), Err(DrbgError::ReseedRequired));
    }
}
