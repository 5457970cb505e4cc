//! Test sequences shared by the HMAC_DRBG and Hash_DRBG tests: the NIST CAVP known-answer
//! runner and the request-length checks every SP 800-90A DRBG must pass.

use crate::drbg::{DrbgError, MAX_BYTES_PER_REQUEST};
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
    fn generate(&mut self, out: &mut [u8], additional: &[u8]) -> Result<(), DrbgError>;
    fn reseed_counter(&self) -> u64;
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
    drbg.generate(&mut out, &unhex(case.additional[0])).unwrap();
    drbg.generate(&mut out, &unhex(case.additional[1])).unwrap();
    out
}

/// Output for n bytes is the first n bytes of the output stream of that request.
pub(crate) fn check_odd_lengths_are_prefixes<D: CavpDrbg>() {
    let seed = [7u8; 48];
    let mut full = [0u8; 100];
    D::instantiate(&seed, &[], &[])
        .generate(&mut full, &[])
        .unwrap();
    for n in [0usize, 1, 31, 32, 33, 64, 99] {
        let mut part = vec![0u8; n];
        D::instantiate(&seed, &[], &[])
            .generate(&mut part, &[])
            .unwrap();
        assert_eq!(part, full[..n]);
    }
}

/// A request above [`MAX_BYTES_PER_REQUEST`] is refused without output or counting; one of
/// exactly that length is served.
pub(crate) fn check_request_size_limit<D: CavpDrbg>() {
    let mut drbg = D::instantiate(&[1u8; 48], &[], &[]);
    let mut big = vec![0u8; MAX_BYTES_PER_REQUEST + 1];
    assert_eq!(
        drbg.generate(&mut big, &[]),
        Err(DrbgError::RequestTooLarge)
    );
    assert!(big.iter().all(|&b| b == 0));
    assert_eq!(drbg.reseed_counter(), 1);
    let mut max = vec![0u8; MAX_BYTES_PER_REQUEST];
    assert_eq!(drbg.generate(&mut max, &[]), Ok(()));
    assert!(max.iter().any(|&b| b != 0));
    assert_eq!(drbg.reseed_counter(), 2);
}
