//! The NIST CAVP DRBG test sequence, shared by the HMAC_DRBG and Hash_DRBG known-answer tests.

use alloc::vec;
use alloc::vec::Vec;

/// Decodes test hex.
pub(crate) fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).expect("test hex")
}

/// The SP 800-90A operations a CAVP case exercises.
pub(crate) trait CavpDrbg: Sized {
    fn instantiate(entropy: &[u8], nonce: &[u8], personalization: &[u8]) -> Self;
    fn reseed(&mut self, entropy: &[u8], additional: &[u8]);
    fn generate(&mut self, out: &mut [u8], additional: &[u8]);
}

/// One CAVP test case (SHA-256, PredictionResistance = False, 1024 returned bits).
pub(crate) struct Cavp {
    pub entropy: &'static str,
    pub nonce: &'static str,
    pub personalization: &'static str,
    /// `None` for the "no reseed" file (drbgvectors_no_reseed), where no reseed happens.
    pub reseed: Option<(&'static str, &'static str)>,
    pub additional: [&'static str; 2],
    pub returned: &'static str,
}

/// Runs the DRBGVS sequence: instantiate, (reseed,) generate twice; the second output is
/// ReturnedBits.
pub(crate) fn run<D: CavpDrbg>(case: &Cavp) -> Vec<u8> {
    let mut drbg = D::instantiate(
        &unhex(case.entropy),
        &unhex(case.nonce),
        &unhex(case.personalization),
    );
    if let Some((entropy, additional)) = case.reseed {
        drbg.reseed(&unhex(entropy), &unhex(additional));
    }
    let mut out = vec![0u8; 128];
    drbg.generate(&mut out, &unhex(case.additional[0]));
    drbg.generate(&mut out, &unhex(case.additional[1]));
    out
}
