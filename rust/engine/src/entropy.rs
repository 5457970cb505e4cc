//! The platform's entropy source, which seeds the token's DRBG.

/// A source of full-entropy bytes from the platform (OS random on a host, a TRNG on a device).
pub trait EntropySource: Send {
    /// Fills `out` with entropy; `Err` when the source failed (the token then refuses to
    /// generate randomness or keys rather than use weak output).
    fn fill(&mut self, out: &mut [u8]) -> Result<(), EntropyError>;
}

/// The entropy source failed to deliver bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntropyError;
