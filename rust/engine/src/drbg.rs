//! The token's random bit generators (NIST SP 800-90A Rev. 1).
//!
//! - [`BufferedDrbg`] makes the token's random numbers: a Hash_DRBG with SHA-256
//!   ([`HashDrbg`], §10.1.1) asked for [`BUFFER_LEN`] bytes at a time, served to callers from
//!   a buffer that wipes each byte as it hands it out. [`DrbgRng`] pairs it with the platform's
//!   [`EntropySource`], reseeding it when the reseed interval runs out, and implements
//!   `rand_core`'s [`TryRng`] and [`TryCryptoRng`] so key generation and RSA blinding can draw
//!   from it.
//! - [`HmacDrbg`] is HMAC_DRBG with SHA-256 (§10.1.2), without prediction resistance: RFC 6979
//!   defines ECDSA nonces with it, so the ECDSA code runs it on the key and the hash.
//!
//! Neither mechanism reads entropy itself: the caller seeds it and reseeds it when `generate`
//! returns [`DrbgError::ReseedRequired`]. Working states are wiped when dropped.

use core::fmt;

use crate::sha256::Sha256;
use hmac::{Hmac, Mac};
use rand_core::{TryCryptoRng, TryRng};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::entropy::{EntropyError, EntropySource};
use crate::hash_drbg::HashDrbg;
use alloc::boxed::Box;
use alloc::vec;

/// Number of generate requests allowed between reseeds (SP 800-90A `reseed_interval`).
pub const RESEED_INTERVAL: u64 = 1 << 20;

/// Security strength of the DRBG in bytes (256 bits); the minimum entropy input length.
pub const SECURITY_STRENGTH_BYTES: usize = 32;

/// Largest number of bytes one `generate` call returns (2^19 bits, the SP 800-90A
/// `max_number_of_bits_per_request` for HMAC_DRBG and Hash_DRBG).
pub const MAX_BYTES_PER_REQUEST: usize = 1 << 16;

/// Number of entropy bytes [`BufferedDrbg`] draws for each reseed (security strength plus half,
/// as for instantiation with a nonce).
pub const RESEED_ENTROPY_BYTES: usize = 48;

/// Output length of HMAC-SHA-256, the size of `Key` and `V`.
const OUT_LEN: usize = 32;

/// Why a DRBG's `generate` produced no output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DrbgError {
    /// [`RESEED_INTERVAL`] requests have been served since the last (re)seed: the caller must
    /// reseed it with fresh entropy before generating again.
    ReseedRequired,
    /// The request asked for more than [`MAX_BYTES_PER_REQUEST`] bytes.
    RequestTooLarge,
}

impl fmt::Display for DrbgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DrbgError::ReseedRequired => f.write_str("DRBG reseed required"),
            DrbgError::RequestTooLarge => f.write_str("DRBG request too large"),
        }
    }
}

impl core::error::Error for DrbgError {}

// `rand_core::TryRng::Error` must implement `core::error::Error`; `EntropyError` is this
// crate's type, so the impls may live here.
impl fmt::Display for EntropyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("entropy source failed")
    }
}

impl core::error::Error for EntropyError {}

/// An HMAC-SHA-256 instance keyed with the 32-byte `key`.
fn keyed_mac(key: &[u8; OUT_LEN]) -> Hmac<Sha256> {
    crate::mac::hmac_sha256(key)
}

/// An HMAC_DRBG (SHA-256) instance: the working state `Key`, `V` and the reseed counter.
///
/// `Key` is kept as HMAC keyed with it (its inner and outer hash states), so each HMAC of
/// the state costs two SHA-256 blocks instead of four; a new `Key` is keyed once.
///
/// It has no `Clone` (a copy would repeat output), its `Debug` shows only the counter, and
/// the keyed state and `V` are wiped when it is dropped.
pub struct HmacDrbg {
    key: Hmac<Sha256>,
    v: [u8; OUT_LEN],
    reseed_counter: u64,
}

impl fmt::Debug for HmacDrbg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HmacDrbg")
            .field("reseed_counter", &self.reseed_counter)
            .finish_non_exhaustive()
    }
}

impl Drop for HmacDrbg {
    fn drop(&mut self) {
        self.wipe();
    }
}

impl ZeroizeOnDrop for HmacDrbg {}

impl HmacDrbg {
    /// Instantiates the DRBG (SP 800-90A §10.1.2.3) from `entropy ‖ nonce ‖ personalization`.
    ///
    /// The caller supplies at least [`SECURITY_STRENGTH_BYTES`] of full entropy and a nonce of
    /// at least half that (or 48 bytes of entropy and an empty nonce); the personalization
    /// string may be empty.
    pub fn new(entropy: &[u8], nonce: &[u8], personalization: &[u8]) -> HmacDrbg {
        let mut drbg = HmacDrbg {
            key: keyed_mac(&[0x00; OUT_LEN]),
            v: [0x01; OUT_LEN],
            reseed_counter: 1,
        };
        drbg.update(&[entropy, nonce, personalization]);
        drbg
    }

    /// Reseeds the DRBG (SP 800-90A §10.1.2.4) with fresh `entropy` and optional `additional`
    /// input, and resets the reseed counter.
    pub fn reseed(&mut self, entropy: &[u8], additional: &[u8]) {
        self.update(&[entropy, additional]);
        self.reseed_counter = 1;
    }

    /// Fills `out` with pseudorandom bytes (SP 800-90A §10.1.2.5), mixing in the optional
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
        if !additional.is_empty() {
            self.update(&[additional]);
        }
        for chunk in out.chunks_mut(OUT_LEN) {
            self.next_v();
            let (block, _) = self.v.split_at(chunk.len());
            chunk.copy_from_slice(block);
        }
        self.update(&[additional]);
        self.reseed_counter += 1;
        Ok(())
    }

    /// The SP 800-90A reseed counter: 1 right after (re)seeding, one more per served request.
    pub fn reseed_counter(&self) -> u64 {
        self.reseed_counter
    }

    /// HMAC_DRBG_Update (SP 800-90A §10.1.2.2) with `provided_data` the concatenation of
    /// `parts`.
    fn update(&mut self, parts: &[&[u8]]) {
        self.update_round(0x00, parts);
        if parts.iter().any(|p| !p.is_empty()) {
            self.update_round(0x01, parts);
        }
    }

    /// One round of HMAC_DRBG_Update: `K = HMAC(K, V ‖ byte ‖ data)`, `V = HMAC(K, V)`.
    fn update_round(&mut self, byte: u8, parts: &[&[u8]]) {
        let mut mac = self.key.clone();
        mac.update(&self.v);
        mac.update(&[byte]);
        for part in parts {
            mac.update(part);
        }
        let key = Zeroizing::new(<[u8; OUT_LEN]>::from(mac.finalize().into_bytes()));
        self.key = keyed_mac(&key);
        self.next_v();
    }

    /// `V = HMAC(K, V)`.
    fn next_v(&mut self) {
        let mut mac = self.key.clone();
        mac.update(&self.v);
        self.v = mac.finalize().into_bytes().into();
    }

    /// Wipes `Key` (its keyed state, whose hash cores wipe themselves when dropped) and `V`,
    /// and marks the state as needing a reseed, so a wiped instance can never produce output
    /// derived from the all-zero state.
    fn wipe(&mut self) {
        self.key = keyed_mac(&[0x00; OUT_LEN]);
        self.v.zeroize();
        self.reseed_counter = u64::MAX;
    }
}

/// Bytes of output [`BufferedDrbg`] asks its Hash_DRBG for at a time and keeps for later calls.
///
/// Each Hash_DRBG request costs one SHA-256 compression per 32 bytes plus a fixed part (the
/// update of `V`: two compressions, and the setup): on the Cortex-M3 about 4.7 k instructions
/// per 32 bytes plus 10 k. With the 0.5 k of each call, 512 bytes make that 5.9 k per 32 bytes
/// where 256 would make about 6.6 k and a 32-byte request alone 15 k; the buffer is 512 bytes
/// of heap.
pub const BUFFER_LEN: usize = 512;

/// The token's random bit generator: a Hash_DRBG (SHA-256) and a buffer of its output.
///
/// Callers get the buffered bytes in order; each byte is overwritten with zero as it is handed
/// out, so the buffer holds only output nobody has seen yet. When the buffer is empty the DRBG
/// makes one request of [`BUFFER_LEN`] bytes into it, reseeding first from the entropy source
/// when [`RESEED_INTERVAL`] requests have been served. Long requests go through the buffer too
/// (a direct path for them cost 88 bytes of flash).
///
/// Compared with one DRBG request per call, this changes what a compromise of the state
/// reveals: the unread rest of the buffer (at most [`BUFFER_LEN`] − 1 bytes, which the state
/// `V`, `C` would reveal anyway as future output) but still nothing already handed out, since
/// those bytes are wiped and the DRBG's state moved past them when the block was made
/// (backtracking resistance at the granularity of the buffer instead of each call).
/// [`BufferedDrbg::reseed`] (`C_SeedRandom`) discards the buffer, so nothing generated before a
/// reseed is served after it. The buffer and the DRBG state are wiped when dropped.
pub struct BufferedDrbg {
    drbg: HashDrbg,
    /// [`BUFFER_LEN`] bytes: output not handed out yet, and zeros. A heap block of its own,
    /// so that the token, which `C_Initialize` builds on the stack, stays small.
    buf: Box<[u8]>,
    /// Start of the bytes not yet handed out: `buf[pos..]`; [`BUFFER_LEN`] when empty.
    pos: usize,
}

impl fmt::Debug for BufferedDrbg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BufferedDrbg")
            .field("drbg", &self.drbg)
            .finish_non_exhaustive()
    }
}

impl Drop for BufferedDrbg {
    fn drop(&mut self) {
        self.buf.zeroize();
    }
}

impl ZeroizeOnDrop for BufferedDrbg {}

impl BufferedDrbg {
    /// Instantiates the Hash_DRBG from `entropy ‖ nonce ‖ personalization` (see
    /// [`HashDrbg::new`]); the buffer starts empty.
    pub fn new(entropy: &[u8], nonce: &[u8], personalization: &[u8]) -> BufferedDrbg {
        BufferedDrbg {
            drbg: HashDrbg::new(entropy, nonce, personalization),
            buf: vec![0; BUFFER_LEN].into_boxed_slice(),
            pos: BUFFER_LEN,
        }
    }

    /// Wipes the buffered output and reseeds the Hash_DRBG with `entropy` and `additional`
    /// input: everything served afterwards comes from the reseeded state.
    pub fn reseed(&mut self, entropy: &[u8], additional: &[u8]) {
        self.buf.zeroize();
        self.pos = BUFFER_LEN;
        self.drbg.reseed(entropy, additional);
    }

    /// The Hash_DRBG's reseed counter (requests served since the last (re)seed, plus one).
    pub fn reseed_counter(&self) -> u64 {
        self.drbg.reseed_counter()
    }

    /// Fills `out` from the buffer, refilling it as often as needed, reseeding from `entropy`
    /// when required. Fails if the entropy source fails when a reseed is due; `out` may then
    /// be partly written (the caller, [`DrbgRng::fill`], wipes it).
    fn fill(
        &mut self,
        mut out: &mut [u8],
        entropy: &mut dyn EntropySource,
    ) -> Result<(), EntropyError> {
        loop {
            let n = out.len().min(BUFFER_LEN - self.pos);
            let (head, rest) = core::mem::take(&mut out).split_at_mut(n);
            let served = &mut self.buf[self.pos..self.pos + n];
            head.copy_from_slice(served);
            served.zeroize();
            self.pos += n;
            out = rest;
            if out.is_empty() {
                return Ok(());
            }
            // The buffer is empty now.
            request(&mut self.drbg, &mut self.buf, entropy)?;
            self.pos = 0;
        }
    }
}

/// One Hash_DRBG request for all of `out` (the buffer),
/// reseeding with [`RESEED_ENTROPY_BYTES`] from `entropy` first when [`RESEED_INTERVAL`]
/// requests have been served.
fn request(
    drbg: &mut HashDrbg,
    out: &mut [u8],
    entropy: &mut dyn EntropySource,
) -> Result<(), EntropyError> {
    if drbg.reseed_counter() > RESEED_INTERVAL {
        let mut seed = Zeroizing::new([0u8; RESEED_ENTROPY_BYTES]);
        entropy.fill(&mut *seed)?;
        drbg.reseed(&*seed, &[]);
    }
    // Cannot fail now: the state is within its interval and `out` within the limit.
    drbg.generate(out, &[]).map_err(|_| EntropyError)
}

/// A random generator for crates that take one: the token's DRBG together with the entropy
/// source that reseeds it.
///
/// If the entropy source fails when a reseed is due, the request fails (and the output buffer
/// is wiped) rather than continue with stale state.
pub struct DrbgRng<'a> {
    drbg: &'a mut BufferedDrbg,
    entropy: &'a mut dyn EntropySource,
}

impl fmt::Debug for DrbgRng<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DrbgRng")
            .field("drbg", &self.drbg)
            .finish_non_exhaustive()
    }
}

impl<'a> DrbgRng<'a> {
    /// Borrows `drbg` and the `entropy` source that reseeds it.
    pub fn new(drbg: &'a mut BufferedDrbg, entropy: &'a mut dyn EntropySource) -> Self {
        DrbgRng { drbg, entropy }
    }

    /// Fills `out` with DRBG output, reseeding from the entropy source when required.
    ///
    /// On error `out` is zeroed, so no partial output is left behind.
    pub fn fill(&mut self, out: &mut [u8]) -> Result<(), EntropyError> {
        let result = self.drbg.fill(out, self.entropy);
        if result.is_err() {
            out.zeroize();
        }
        result
    }
}

impl TryRng for DrbgRng<'_> {
    type Error = EntropyError;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut bytes = [0u8; 4];
        self.fill(&mut bytes)?;
        Ok(u32::from_le_bytes(bytes))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut bytes = [0u8; 8];
        self.fill(&mut bytes)?;
        Ok(u64::from_le_bytes(bytes))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        self.fill(dst)
    }
}

impl TryCryptoRng for DrbgRng<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    /// HMAC of a fixed message under a keyed HMAC: identifies its key.
    fn fingerprint(keyed: &Hmac<Sha256>) -> [u8; OUT_LEN] {
        let mut mac = keyed.clone();
        mac.update(b"core-pkcs11 DRBG key check");
        mac.finalize().into_bytes().into()
    }

    /// The DRBG's `Key`, which it keeps only as a keyed HMAC, as a fingerprint.
    fn key_fingerprint(drbg: &HmacDrbg) -> [u8; OUT_LEN] {
        fingerprint(&drbg.key)
    }

    /// Checks that the DRBG's `Key` is `hex_key`.
    fn assert_key(drbg: &HmacDrbg, hex_key: &str) {
        let key: [u8; OUT_LEN] = unhex(hex_key).try_into().unwrap();
        assert_eq!(
            key_fingerprint(drbg),
            fingerprint(&keyed_mac(&key)),
            "Key should be {hex_key}"
        );
    }
    use alloc::vec;
    use alloc::vec::Vec;

    use crate::drbg_test_sequences::{
        check_odd_lengths_are_prefixes, check_request_size_limit, run, unhex, Cavp, CavpDrbg,
    };

    impl CavpDrbg for HmacDrbg {
        fn instantiate(entropy: &[u8], nonce: &[u8], personalization: &[u8]) -> Self {
            HmacDrbg::new(entropy, nonce, personalization)
        }
        fn reseed(&mut self, entropy: &[u8], additional: &[u8]) {
            HmacDrbg::reseed(self, entropy, additional)
        }
        fn generate(&mut self, out: &mut [u8], additional: &[u8]) -> Result<(), DrbgError> {
            HmacDrbg::generate(self, out, additional)
        }
        fn reseed_counter(&self) -> u64 {
            HmacDrbg::reseed_counter(self)
        }
    }

    // Vectors from the NIST CAVP DRBG test vectors (drbgtestvectors.zip, CAVS 14.3,
    // https://csrc.nist.gov/projects/cryptographic-algorithm-validation-program/random-number-generators),
    // section [SHA-256] [PredictionResistance = False] [EntropyInputLen = 256]
    // [NonceLen = 128] [ReturnedBitsLen = 1024]. Copied as quoted by BoringSSL
    // (util/fipstools/acvp/modulewrapper HMAC-DRBG test, which also lists the intermediate
    // states), HACL* (specs/tests/Spec.HMAC_DRBG.Vectors.fst) and other projects' test suites.

    /// drbgvectors_pr_false/HMAC_DRBG.rsp, PersonalizationStringLen = 0, AdditionalInputLen = 0,
    /// COUNT = 0.
    const PR_FALSE_COUNT_0: Cavp = Cavp {
        entropy: "06032cd5eed33f39265f49ecb142c511da9aff2af71203bffaf34a9ca5bd9c0d",
        nonce: "0e66f71edc43e42a45ad3c6fc6cdc4df",
        personalization: "",
        reseed: Some((
            "01920a4e669ed3a85ae8a33b35a74ad7fb2a6bb4cf395ce00334a9c9a5a5d552",
            "",
        )),
        additional: ["", ""],
        returned: "76fc79fe9b50beccc991a11b5635783a83536add03c157fb30645e611c2898bb\
                   2b1bc215000209208cd506cb28da2a51bdb03826aaf2bd2335d576d519160842\
                   e7158ad0949d1a9ec3e66ea1b1a064b005de914eac2e9d4f2d72a8616a802254\
                   22918250ff66a41bd2f864a6a38cc5b6499dc43f7f2bd09e1e0f8f5885935124",
    };

    /// drbgvectors_pr_false/HMAC_DRBG.rsp, PersonalizationStringLen = 256,
    /// AdditionalInputLen = 256 (as quoted by HACL*).
    const PR_FALSE_PERS_ADDITIONAL: Cavp = Cavp {
        entropy: "93161b2dc08cb0fd50171141c865a841ca935cfdd2b5907d6ff8ab0348c4ceb0",
        nonce: "5cb9f6e5912b90c3349a50ab881b35a1",
        personalization: "0dceb4a36326c4df1685df43fddeecb5d0c76f00eb44826694f27e610290f6e1",
        reseed: Some((
            "d8e9be44b5f293482548d4787762ebfb03c73c40e45385e8b98907cd66f493dd",
            "105a8f85d6959f3e043ef508cfea21d52123f03b7aea8034c4eec761eaba1fee",
        )),
        additional: [
            "bf781f7e489d9b4b5aa5ee6d1796468af672a8d25f311edf3c4b4dbf433d703f",
            "c81d6bcf1e5bf37e39dda1735c6f193df115b1a854a12e7cafe060afe4589335",
        ],
        returned: "4306628124d0100fade7eaaf5edf227d50771f9e5f2e1e983800eef9a39fde0b\
                   0c280e63c8728d836b5b93ea794a32c1c04cfc54bd5300e3febb5fe2e1023ede\
                   d8d7cd180279a598f76823e8d5a7dffcc93a09deec5d1f80838e938fba4de9f4\
                   7e94b99382ae55f116df9c3b3ddf7e50516e203645852a415796f03a86418107",
    };

    /// drbgvectors_no_reseed/HMAC_DRBG.rsp, PersonalizationStringLen = 0,
    /// AdditionalInputLen = 0, COUNT = 0.
    const NO_RESEED_COUNT_0: Cavp = Cavp {
        entropy: "ca851911349384bffe89de1cbdc46e6831e44d34a4fb935ee285dd14b71a7488",
        nonce: "659ba96c601dc69fc902940805ec0ca8",
        personalization: "",
        reseed: None,
        additional: ["", ""],
        returned: "e528e9abf2dece54d47c7e75e5fe302149f817ea9fb4bee6f4199697d04d5b89\
                   d54fbb978a15b5c443c9ec21036d2460b6f73ebad0dc2aba6e624abf07745bc1\
                   07694bb7547bb0995f70de25d6b29e2d3011bb19d27676c07162c8b5ccde0668\
                   961df86803482cb37ed6d5c0bb8d50cf1f50d476aa0458bdaba806f48be9dcb8",
    };

    /// drbgvectors_no_reseed/HMAC_DRBG.rsp, PersonalizationStringLen = 256,
    /// AdditionalInputLen = 256.
    const NO_RESEED_PERS_ADDITIONAL: Cavp = Cavp {
        entropy: "5d3286bc53a258a53ba781e2c4dcd79a790e43bbe0e89fb3eed39086be34174b",
        nonce: "c5422294b7318952ace7055ab7570abf",
        personalization: "2dba094d008e150d51c4135bb2f03dcde9cbf3468a12908a1b025c120c985b9d",
        reseed: None,
        additional: [
            "793a7ef8f6f0482beac542bb785c10f8b7b406a4de92667ab168ecc2cf7573c6",
            "2238cdb4e23d629fe0c2a83dd8d5144ce1a6229ef41dabe2a99ff722e510b530",
        ],
        returned: "d04678198ae7e1aeb435b45291458ffde0891560748b43330eaf866b5a6385e7\
                   4c6fa5a5a44bdb284d436e98d244018d6acedcdfa2e9f499d8089e4db86ae89a\
                   6ab2d19cb705e2f048f97fb597f04106a1fa6a1416ad3d859118e079a0c319eb\
                   95686f4cbcce3b5101c7a0b010ef029c4ef6d06cdfac97efb9773891688c37cf",
    };

    #[test]
    fn cavp_pr_false_no_additional_input() {
        assert_eq!(
            hex::encode(run::<HmacDrbg>(&PR_FALSE_COUNT_0)),
            PR_FALSE_COUNT_0.returned
        );
    }

    #[test]
    fn cavp_pr_false_intermediate_states() {
        // The same COUNT = 0 lists Key and V after each step.
        let c = &PR_FALSE_COUNT_0;
        let mut drbg = HmacDrbg::new(&unhex(c.entropy), &unhex(c.nonce), &[]);
        assert_eq!(
            hex::encode(drbg.v),
            "81e0d8830ed2d16f9b288a1cb289c5fab3f3c5c28131be7cafedcc7734604d34"
        );
        assert_key(
            &drbg,
            "17dc11c2389f5eeb9d0f6a5148a1ea83ee8a828f4f140ac78272a0da435fa121",
        );
        drbg.reseed(&unhex(c.reseed.unwrap().0), &[]);
        assert_eq!(
            hex::encode(drbg.v),
            "c246fa97570ba2b9d9e5b453fe4632366f146fbd8491146563eb463c9eafe50c"
        );
        assert_key(
            &drbg,
            "ca43e73325de43c41d7e0a7a3163fb04061b09fcee4c7b8884e969e3bdfdff9a",
        );
        let mut out = [0u8; 128];
        drbg.generate(&mut out, &[]).unwrap();
        assert_eq!(
            hex::encode(drbg.v),
            "df67d0816d6a8f3b73ba7638ea113bef0e33a1da451272ef1472211fb31c1cd6"
        );
        assert_key(
            &drbg,
            "8be4c7f9f249d5af2c6345a8f07af14be1d7adc2b9892286ffe37760d8aa5a1b",
        );
    }

    #[test]
    fn cavp_pr_false_personalization_and_additional_input() {
        assert_eq!(
            hex::encode(run::<HmacDrbg>(&PR_FALSE_PERS_ADDITIONAL)),
            PR_FALSE_PERS_ADDITIONAL.returned
        );
    }

    #[test]
    fn cavp_no_reseed() {
        assert_eq!(
            hex::encode(run::<HmacDrbg>(&NO_RESEED_COUNT_0)),
            NO_RESEED_COUNT_0.returned
        );
        assert_eq!(
            hex::encode(run::<HmacDrbg>(&NO_RESEED_PERS_ADDITIONAL)),
            NO_RESEED_PERS_ADDITIONAL.returned
        );
    }

    #[test]
    fn inputs_change_the_output() {
        let mut base = PR_FALSE_COUNT_0;
        let expected = run::<HmacDrbg>(&base);
        base.personalization = "00";
        assert_ne!(run::<HmacDrbg>(&base), expected);
        base.personalization = "";
        base.additional = ["", "00"];
        assert_ne!(run::<HmacDrbg>(&base), expected);
    }

    #[test]
    fn odd_lengths_are_prefixes_of_the_block_stream() {
        check_odd_lengths_are_prefixes::<HmacDrbg>();
    }

    #[test]
    fn request_size_limit() {
        check_request_size_limit::<HmacDrbg>();
    }

    #[test]
    fn reseed_counter_enforces_interval() {
        let mut drbg = HmacDrbg::new(&[2u8; 48], &[], &[]);
        assert_eq!(drbg.reseed_counter(), 1);
        let mut out = [0u8; 16];
        drbg.generate(&mut out, &[]).unwrap();
        drbg.generate(&mut out, &[]).unwrap();
        assert_eq!(drbg.reseed_counter(), 3);

        // Skip ahead: the last request of the interval is still served...
        drbg.reseed_counter = RESEED_INTERVAL;
        assert_eq!(drbg.generate(&mut out, &[]), Ok(()));
        assert_eq!(drbg.reseed_counter(), RESEED_INTERVAL + 1);
        // ...the next one is refused without output or state change.
        let before = (key_fingerprint(&drbg), drbg.v);
        let mut refused = [0u8; 16];
        assert_eq!(
            drbg.generate(&mut refused, &[]),
            Err(DrbgError::ReseedRequired)
        );
        assert_eq!(refused, [0u8; 16]);
        assert_eq!((key_fingerprint(&drbg), drbg.v), before);
        assert_eq!(drbg.reseed_counter(), RESEED_INTERVAL + 1);

        drbg.reseed(&[3u8; 48], &[]);
        assert_eq!(drbg.reseed_counter(), 1);
        assert_ne!((key_fingerprint(&drbg), drbg.v), before);
        assert_eq!(drbg.generate(&mut out, &[]), Ok(()));
    }

    #[test]
    fn debug_does_not_show_state() {
        let drbg = HmacDrbg::new(&[4u8; 48], &[], &[]);
        let text = alloc::format!("{drbg:?}");
        assert!(text.contains("reseed_counter: 1"));
        assert!(!text.contains(&alloc::format!("{:?}", drbg.v[0..4].to_vec())));
        assert!(!text.contains("key:") && !text.contains("v:"));
    }

    /// Entropy source that hands out counting bytes and records how often it was asked.
    struct CountingEntropy {
        calls: usize,
        bytes: usize,
    }

    impl EntropySource for CountingEntropy {
        fn fill(&mut self, out: &mut [u8]) -> Result<(), EntropyError> {
            self.calls += 1;
            self.bytes += out.len();
            for (i, b) in out.iter_mut().enumerate() {
                *b = (self.calls * 31 + i) as u8;
            }
            Ok(())
        }
    }

    /// Entropy source that always fails.
    struct FailingEntropy {
        calls: usize,
    }

    impl EntropySource for FailingEntropy {
        fn fill(&mut self, _out: &mut [u8]) -> Result<(), EntropyError> {
            self.calls += 1;
            Err(EntropyError)
        }
    }

    /// A [`BufferedDrbg`] instantiated with 48 bytes of `seed`.
    fn buffered(seed: u8) -> BufferedDrbg {
        BufferedDrbg::new(&[seed; 48], &[], &[])
    }

    /// What the Hash_DRBG of [`buffered`]`(seed)` returns for `requests` of these sizes,
    /// concatenated.
    fn reference(seed: u8, requests: &[usize]) -> Vec<u8> {
        let mut drbg = HashDrbg::new(&[seed; 48], &[], &[]);
        let mut out = Vec::new();
        for &n in requests {
            let mut block = vec![0u8; n];
            drbg.generate(&mut block, &[]).unwrap();
            out.extend_from_slice(&block);
        }
        out
    }

    #[test]
    fn buffered_drbg_serves_whole_requests_in_order() {
        // 32-byte calls hand out one 256-byte Hash_DRBG request after the other.
        let mut entropy = CountingEntropy { calls: 0, bytes: 0 };
        let mut drbg = buffered(5);
        let expected = reference(5, &[BUFFER_LEN, BUFFER_LEN]);
        let mut got = Vec::new();
        for _ in 0..BUFFER_LEN / 32 + 1 {
            let mut out = [0u8; 32];
            DrbgRng::new(&mut drbg, &mut entropy)
                .fill(&mut out)
                .unwrap();
            got.extend_from_slice(&out);
        }
        assert_eq!(got, expected[..got.len()]);
        // Two requests served, no reseed needed.
        assert_eq!(drbg.reseed_counter(), 3);
        assert_eq!(entropy.calls, 0);
    }

    #[test]
    fn handed_out_bytes_are_wiped_from_the_buffer() {
        let mut entropy = CountingEntropy { calls: 0, bytes: 0 };
        let mut drbg = buffered(12);
        let expected = reference(12, &[BUFFER_LEN]);
        let mut got = Vec::new();
        let mut served = 0;
        for n in [1usize, 31, 100, BUFFER_LEN - 132] {
            let mut out = vec![0u8; n];
            DrbgRng::new(&mut drbg, &mut entropy)
                .fill(&mut out)
                .unwrap();
            got.extend_from_slice(&out);
            served += n;
            // What was handed out is gone; what was not is still the DRBG's output.
            assert!(drbg.buf[..served].iter().all(|&b| b == 0));
            assert_eq!(drbg.buf[served..], expected[served..]);
            assert_eq!(drbg.pos, served);
        }
        assert_eq!(served, BUFFER_LEN);
        assert_eq!(got, expected);
        assert!(drbg.buf.iter().all(|&b| b == 0));
    }

    #[test]
    fn large_requests_go_through_the_buffer() {
        // 10 bytes from a new block, then 2 blocks + 98: the rest of the block, a whole block
        // and the start of a third; then 5 more bytes of it.
        let mut entropy = CountingEntropy { calls: 0, bytes: 0 };
        let mut drbg = buffered(13);
        let expected = reference(13, &[BUFFER_LEN; 3]);
        let mut got = Vec::new();
        for n in [10usize, 2 * BUFFER_LEN + 98, 5] {
            let mut out = vec![0u8; n];
            DrbgRng::new(&mut drbg, &mut entropy)
                .fill(&mut out)
                .unwrap();
            got.extend_from_slice(&out);
        }
        let served = 2 * BUFFER_LEN + 113;
        assert_eq!(got, expected[..served]);
        assert_eq!(drbg.reseed_counter(), 4);
        assert_eq!(drbg.pos, 113);
        assert!(drbg.buf[..113].iter().all(|&b| b == 0));
        assert_eq!(drbg.buf[113..], expected[served..]);
    }

    #[test]
    fn drbg_rng_serves_requests_beyond_the_request_limit() {
        let mut entropy = CountingEntropy { calls: 0, bytes: 0 };
        let mut drbg = buffered(6);
        let mut out = vec![0u8; 2 * MAX_BYTES_PER_REQUEST + 10];
        DrbgRng::new(&mut drbg, &mut entropy)
            .fill(&mut out)
            .unwrap();
        let requests = out.len().div_ceil(BUFFER_LEN);
        assert_eq!(drbg.reseed_counter(), requests as u64 + 1);
        assert_eq!(entropy.calls, 0);
        let expected = reference(6, &vec![BUFFER_LEN; requests]);
        assert_eq!(out, expected[..out.len()]);
    }

    #[test]
    fn reseed_discards_buffered_bytes() {
        // What `C_SeedRandom` does: the buffered output is wiped and not served.
        let mut entropy = CountingEntropy { calls: 0, bytes: 0 };
        let mut plain = buffered(7);
        let mut seeded = buffered(7);
        let mut a = [0u8; 32];
        let mut b = [0u8; 32];
        DrbgRng::new(&mut plain, &mut entropy).fill(&mut a).unwrap();
        DrbgRng::new(&mut seeded, &mut entropy)
            .fill(&mut b)
            .unwrap();
        assert_eq!(a, b);

        seeded.reseed(&[9u8; 32], b"caller seed");
        assert!(seeded.buf.iter().all(|&byte| byte == 0));
        assert_eq!(seeded.pos, BUFFER_LEN);
        assert_eq!(seeded.reseed_counter(), 1);
        DrbgRng::new(&mut plain, &mut entropy).fill(&mut a).unwrap();
        DrbgRng::new(&mut seeded, &mut entropy)
            .fill(&mut b)
            .unwrap();
        assert_ne!(a, b);

        // The output is the reseeded DRBG's next request.
        let mut reference = HashDrbg::new(&[7u8; 48], &[], &[]);
        let mut block = [0u8; BUFFER_LEN];
        reference.generate(&mut block, &[]).unwrap();
        reference.reseed(&[9u8; 32], b"caller seed");
        reference.generate(&mut block, &[]).unwrap();
        assert_eq!(b, block[..32]);
        assert_eq!(entropy.calls, 0);
    }

    #[test]
    fn drbg_rng_reseeds_when_required() {
        let mut entropy = CountingEntropy { calls: 0, bytes: 0 };
        let mut drbg = buffered(8);
        drbg.drbg.set_reseed_counter(RESEED_INTERVAL + 1);
        let mut out = [0u8; 32];
        DrbgRng::new(&mut drbg, &mut entropy)
            .fill(&mut out)
            .unwrap();
        assert_eq!(entropy.calls, 1);
        assert_eq!(entropy.bytes, RESEED_ENTROPY_BYTES);
        assert_eq!(drbg.reseed_counter(), 2);

        // The output is what a DRBG reseeded with those 48 bytes gives.
        let mut reference = HashDrbg::new(&[8u8; 48], &[], &[]);
        let seed: Vec<u8> = (0..RESEED_ENTROPY_BYTES).map(|i| (31 + i) as u8).collect();
        reference.reseed(&seed, &[]);
        let mut expected = [0u8; BUFFER_LEN];
        reference.generate(&mut expected, &[]).unwrap();
        assert_eq!(out, expected[..32]);

        // No further reseed until the interval runs out again.
        let mut rest = [0u8; 2 * BUFFER_LEN];
        DrbgRng::new(&mut drbg, &mut entropy)
            .fill(&mut rest)
            .unwrap();
        assert_eq!(entropy.calls, 1);
    }

    #[test]
    fn drbg_rng_fails_when_entropy_fails() {
        let mut entropy = FailingEntropy { calls: 0 };
        let mut drbg = buffered(10);
        // Fine while no reseed is needed: the source is not consulted.
        let mut out = [0u8; 16];
        DrbgRng::new(&mut drbg, &mut entropy)
            .fill(&mut out)
            .unwrap();
        assert_eq!(entropy.calls, 0);

        // The interval runs out. The 240 bytes already generated are served, but the request
        // needs more: it fails, and the output is wiped.
        drbg.drbg.set_reseed_counter(RESEED_INTERVAL + 1);
        let mut big = [0u8; BUFFER_LEN];
        let mut rng = DrbgRng::new(&mut drbg, &mut entropy);
        assert_eq!(rng.fill(&mut big), Err(EntropyError));
        assert!(big.iter().all(|&b| b == 0));
        assert_eq!(rng.try_next_u32(), Err(EntropyError));
        assert_eq!(rng.try_next_u64(), Err(EntropyError));
        assert_eq!(rng.try_fill_bytes(&mut out), Err(EntropyError));
        assert_eq!(out, [0u8; 16]);
        assert_eq!(entropy.calls, 4);
        // Still waiting for a reseed, and nothing buffered.
        assert_eq!(drbg.reseed_counter(), RESEED_INTERVAL + 1);
        assert_eq!(drbg.pos, BUFFER_LEN);
        assert!(drbg.buf.iter().all(|&b| b == 0));
    }

    #[test]
    fn try_rng_methods_use_the_drbg_stream() {
        let mut entropy = CountingEntropy { calls: 0, bytes: 0 };
        let mut drbg = buffered(9);
        let expected = reference(9, &[BUFFER_LEN]);
        let mut rng = DrbgRng::new(&mut drbg, &mut entropy);
        let a = rng.try_next_u32().unwrap();
        let b = rng.try_next_u64().unwrap();
        let mut c = [0u8; 5];
        rng.try_fill_bytes(&mut c).unwrap();
        assert_eq!(a, u32::from_le_bytes(expected[0..4].try_into().unwrap()));
        assert_eq!(b, u64::from_le_bytes(expected[4..12].try_into().unwrap()));
        assert_eq!(c, expected[12..17]);
    }

    #[test]
    fn usable_as_try_crypto_rng() {
        fn draw<R: TryCryptoRng + ?Sized>(rng: &mut R) -> Result<u64, R::Error> {
            rng.try_next_u64()
        }
        let mut entropy = CountingEntropy { calls: 0, bytes: 0 };
        let mut drbg = buffered(10);
        let mut rng = DrbgRng::new(&mut drbg, &mut entropy);
        let x = draw(&mut rng).unwrap();
        let y = draw(&mut rng).unwrap();
        assert_ne!(x, y);
        // Error type is displayable, as core::error::Error requires.
        assert_eq!(alloc::format!("{}", EntropyError), "entropy source failed");
    }

    #[test]
    fn buffered_debug_does_not_show_output() {
        let mut entropy = CountingEntropy { calls: 0, bytes: 0 };
        let mut drbg = buffered(14);
        let mut out = [0u8; 1];
        DrbgRng::new(&mut drbg, &mut entropy)
            .fill(&mut out)
            .unwrap();
        let text = alloc::format!("{drbg:?}");
        assert!(text.contains("reseed_counter: 2"));
        assert!(!text.contains("buf") && !text.contains("pos"));
    }

    #[test]
    fn wipe_clears_state_and_blocks_output() {
        // `wipe` is what `Drop` runs.
        let mut drbg = HmacDrbg::new(&[11u8; 48], &[], &[]);
        let zero_key = fingerprint(&keyed_mac(&[0u8; 32]));
        assert_ne!(key_fingerprint(&drbg), zero_key);
        assert_ne!(drbg.v, [0u8; 32]);
        drbg.wipe();
        assert_eq!(key_fingerprint(&drbg), zero_key);
        assert_eq!(drbg.v, [0u8; 32]);
        let mut out = [0u8; 8];
        assert_eq!(drbg.generate(&mut out, &[]), Err(DrbgError::ReseedRequired));
    }
}
