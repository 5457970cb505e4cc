//! The platform's entropy source for the token's DRBG.
//!
//! With `std`: the operating system's generator (`getrandom`). Without `std` (devices): the C
//! function `mbedtls_hardware_poll`, which FreeRTOS ports already provide for mbedTLS.

use core_pkcs11_engine::entropy::{EntropyError, EntropySource};

/// Entropy from the platform: the OS with `std`, else `mbedtls_hardware_poll`.
#[derive(Clone, Copy, Debug, Default)]
pub struct PlatformEntropy;

#[cfg(not(target_os = "none"))]
impl EntropySource for PlatformEntropy {
    fn fill(&mut self, out: &mut [u8]) -> Result<(), EntropyError> {
        getrandom::fill(out).map_err(|_| EntropyError)
    }
}

#[cfg(target_os = "none")]
extern "C" {
    /// The port's hardware entropy poll, as mbedTLS declares it: fills up to `len` bytes of
    /// `output`, stores how many in `*olen`, returns 0 on success.
    fn mbedtls_hardware_poll(
        data: *mut core::ffi::c_void,
        output: *mut u8,
        len: usize,
        olen: *mut usize,
    ) -> core::ffi::c_int;
}

#[cfg(target_os = "none")]
impl EntropySource for PlatformEntropy {
    fn fill(&mut self, out: &mut [u8]) -> Result<(), EntropyError> {
        let mut filled = 0;
        while filled < out.len() {
            let rest = &mut out[filled..];
            let mut olen: usize = 0;
            // SAFETY: `rest` is valid for writes of `rest.len()` bytes and `olen` for one
            // `usize`; the port writes at most `len` bytes and keeps no pointer after returning.
            let rc = unsafe {
                mbedtls_hardware_poll(
                    core::ptr::null_mut(),
                    rest.as_mut_ptr(),
                    rest.len(),
                    &mut olen,
                )
            };
            if rc != 0 || olen == 0 || olen > rest.len() {
                return Err(EntropyError);
            }
            filled += olen;
        }
        Ok(())
    }
}

#[cfg(all(test, not(target_os = "none")))]
mod tests {
    use super::*;

    #[test]
    fn os_entropy_fills_buffers() {
        let mut a = [0u8; 64];
        let mut b = [0u8; 64];
        PlatformEntropy.fill(&mut a).unwrap();
        PlatformEntropy.fill(&mut b).unwrap();
        assert_ne!(a, b);
        PlatformEntropy.fill(&mut []).unwrap();
    }
}
