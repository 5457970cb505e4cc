//! The two RSA CRT exponentiations of core-pkcs11 on AVX-512 IFMA.
//!
//! [`rsa_pow_pair`] hands the engine a [`PowPairFn`] (its `Accelerators::rsa_pow_pair`
//! hook) when the CPU has AVX-512F and AVX-512 IFMA; the FFI layer installs it on x86-64
//! hosts. It computes both half-size exponentiations of a signature at once, in radix 2^52
//! with `vpmadd52luq`/`vpmadd52huq`, for 1024-, 1536- and 2048-bit primes (RSA-2048, -3072,
//! -4096), in constant time with respect to the bases and exponents; other sizes are left to
//! the engine's portable code.
//!
//! All `unsafe` here is the calls into `#[target_feature]` code, made only after the CPU was
//! seen to have the features, and the vector loads and stores.

#![deny(
    unsafe_op_in_unsafe_fn,
    clippy::undocumented_unsafe_blocks,
    missing_docs
)]

pub use core_pkcs11_engine::rsa::{PowJob, PowPairFn};

#[cfg(target_arch = "x86_64")]
mod ifma;

/// The IFMA exponentiation routine, if this CPU runs it (AVX-512F and AVX-512 IFMA), for
/// `Config::accelerators.rsa_pow_pair`. `None` elsewhere: the engine then exponentiates
/// with its portable code.
pub fn rsa_pow_pair() -> Option<PowPairFn> {
    #[cfg(target_arch = "x86_64")]
    if ifma::cpu_has_features() {
        return Some(ifma::pow_pair);
    }
    None
}
