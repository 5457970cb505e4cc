//! SHA-256 (FIPS 180-4), the hash behind digests, hash-and-sign, HMAC, PIN hashing, the DRBG
//! and ECDSA nonces.
//!
//! Hosts use the `sha2` crate, which takes the CPU's SHA instructions when it has them.
//! Bare-metal targets use [`Compact`], defined here: its block function runs eight rounds
//! per loop pass with the working variables renamed from round to round instead of moved,
//! about 1 KB of code, where `sha2`'s software choices are 7 KB fully unrolled or a rolled
//! loop that needs 70 % more instructions per block on a Cortex-M3.

#[cfg(not(target_os = "none"))]
pub use sha2::Sha256;

#[cfg(target_os = "none")]
pub use Compact as Sha256;

use digest::block_api::{
    AlgorithmName, Block, BlockSizeUser, Buffer, BufferKindUser, Eager, FixedOutputCore,
    OutputSizeUser, Reset, UpdateCore,
};
use digest::typenum::{U32, U64};
use digest::{HashMarker, Output};

/// Initial hash value (FIPS 180-4 section 5.3.3).
const H0: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/// Round constants (FIPS 180-4 section 4.2.2).
const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/// One round: `t1` goes into `d` (the next `e`) and `t1 + t2` into `h` (the next `a`); the
/// caller renames the variables for the next round.
macro_rules! round {
    ($a:ident, $b:ident, $c:ident, $d:ident, $e:ident, $f:ident, $g:ident, $h:ident, $i:expr, $w:expr) => {
        let t1 = $h
            .wrapping_add($e.rotate_right(6) ^ $e.rotate_right(11) ^ $e.rotate_right(25))
            .wrapping_add(($e & $f) ^ (!$e & $g))
            .wrapping_add(K[$i])
            .wrapping_add($w);
        let t2 = ($a.rotate_right(2) ^ $a.rotate_right(13) ^ $a.rotate_right(22))
            .wrapping_add(($a & $b) ^ ($a & $c) ^ ($b & $c));
        $d = $d.wrapping_add(t1);
        $h = t1.wrapping_add(t2);
    };
}

/// The SHA-256 compression function on one 64-byte block.
fn compress(state: &mut [u32; 8], block: &[u8]) {
    let mut w = [0u32; 16];
    for (word, bytes) in w.iter_mut().zip(block.chunks_exact(4)) {
        *word = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    }
    let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = *state;
    for i in (0..64).step_by(8) {
        // The schedule in a 16-word ring: w[t mod 16] becomes W_t.
        let base = i % 16;
        if i >= 16 {
            for t in base..base + 8 {
                let w15 = w[(t + 1) % 16];
                let w2 = w[(t + 14) % 16];
                let s0 = w15.rotate_right(7) ^ w15.rotate_right(18) ^ (w15 >> 3);
                let s1 = w2.rotate_right(17) ^ w2.rotate_right(19) ^ (w2 >> 10);
                w[t] = w[t]
                    .wrapping_add(s0)
                    .wrapping_add(w[(t + 9) % 16])
                    .wrapping_add(s1);
            }
        }
        round!(a, b, c, d, e, f, g, h, i, w[base]);
        round!(h, a, b, c, d, e, f, g, i + 1, w[base + 1]);
        round!(g, h, a, b, c, d, e, f, i + 2, w[base + 2]);
        round!(f, g, h, a, b, c, d, e, i + 3, w[base + 3]);
        round!(e, f, g, h, a, b, c, d, i + 4, w[base + 4]);
        round!(d, e, f, g, h, a, b, c, i + 5, w[base + 5]);
        round!(c, d, e, f, g, h, a, b, i + 6, w[base + 6]);
        round!(b, c, d, e, f, g, h, a, i + 7, w[base + 7]);
    }
    for (s, v) in state.iter_mut().zip([a, b, c, d, e, f, g, h]) {
        *s = s.wrapping_add(v);
    }
}

/// Block-level state of [`Compact`].
#[derive(Clone)]
pub struct CompactCore {
    state: [u32; 8],
    blocks: u64,
}

impl Default for CompactCore {
    fn default() -> Self {
        CompactCore {
            state: H0,
            blocks: 0,
        }
    }
}

impl HashMarker for CompactCore {}

impl BlockSizeUser for CompactCore {
    type BlockSize = U64;
}

impl BufferKindUser for CompactCore {
    type BufferKind = Eager;
}

impl OutputSizeUser for CompactCore {
    type OutputSize = U32;
}

impl UpdateCore for CompactCore {
    fn update_blocks(&mut self, blocks: &[Block<Self>]) {
        self.blocks += blocks.len() as u64;
        for block in blocks {
            compress(&mut self.state, block);
        }
    }
}

impl FixedOutputCore for CompactCore {
    fn finalize_fixed_core(&mut self, buffer: &mut Buffer<Self>, out: &mut Output<Self>) {
        let bits = 8 * (buffer.get_pos() as u64 + 64 * self.blocks);
        buffer.len64_padding_be(bits, |block| compress(&mut self.state, block));
        for (bytes, word) in out.chunks_exact_mut(4).zip(self.state) {
            bytes.copy_from_slice(&word.to_be_bytes());
        }
    }
}

impl Reset for CompactCore {
    fn reset(&mut self) {
        *self = CompactCore::default();
    }
}

impl AlgorithmName for CompactCore {
    fn write_alg_name(f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Sha256")
    }
}

impl Drop for CompactCore {
    fn drop(&mut self) {
        // The state of an HMAC or PIN hash is key material.
        zeroize::Zeroize::zeroize(&mut self.state);
    }
}

digest::buffer_fixed!(
    /// SHA-256 with the compact block function (the one bare-metal builds use).
    pub struct Compact(CompactCore);
    impl: BaseFixedTraits AlgorithmName Default Clone HashMarker Reset FixedOutputReset;
);

#[cfg(test)]
mod tests {
    use super::*;
    use digest::Digest;

    #[test]
    fn matches_sha2_for_every_length_around_the_block_boundaries() {
        let data: alloc::vec::Vec<u8> = (0..300u32).map(|i| (i * 7 + 3) as u8).collect();
        for len in 0..data.len() {
            assert_eq!(
                Compact::digest(&data[..len])[..],
                sha2::Sha256::digest(&data[..len])[..],
                "length {len}"
            );
        }
        // In pieces, and after a reset.
        let mut h = Compact::new();
        for piece in data.chunks(37) {
            h.update(piece);
        }
        assert_eq!(h.finalize_reset()[..], sha2::Sha256::digest(&data)[..]);
        h.update(b"abc");
        assert_eq!(
            hex::encode(h.finalize()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn works_under_hmac() {
        use hmac::{KeyInit, Mac};
        let mut a = hmac::Hmac::<Compact>::new_from_slice(b"key").unwrap();
        let mut b = hmac::Hmac::<sha2::Sha256>::new_from_slice(b"key").unwrap();
        a.update(b"The quick brown fox jumps over the lazy dog");
        b.update(b"The quick brown fox jumps over the lazy dog");
        assert_eq!(a.finalize().into_bytes()[..], b.finalize().into_bytes()[..]);
    }
}
