//! Random numbers: `C_SeedRandom`, `C_GenerateRandom`.

use crate::args;
use crate::guard;
use crate::types::*;

/// `C_SeedRandom`: mixes the seed into the token's generator.
///
/// # Safety
/// `pSeed` is NULL or readable for `ulSeedLen` bytes.
#[no_mangle]
pub unsafe extern "C" fn C_SeedRandom(
    hSession: CK_SESSION_HANDLE,
    pSeed: *mut CK_BYTE,
    ulSeedLen: CK_ULONG,
) -> CK_RV {
    guard::with_token(move |token| {
        // SAFETY: forwarded from the caller.
        let seed = unsafe { args::bytes(pSeed, ulSeedLen)? };
        token.seed_random(hSession, seed)
    })
}

/// `C_GenerateRandom`.
///
/// # Safety
/// `RandomData` is NULL or writable for `ulRandomLen` bytes.
#[no_mangle]
pub unsafe extern "C" fn C_GenerateRandom(
    hSession: CK_SESSION_HANDLE,
    RandomData: *mut CK_BYTE,
    ulRandomLen: CK_ULONG,
) -> CK_RV {
    guard::with_token(move |token| {
        let len = args::to_usize(ulRandomLen)?;
        // SAFETY: NULL with a nonzero length is rejected; otherwise writable for `len` bytes
        // (caller) and referenced by nothing else.
        let out = unsafe { args::bytes_mut(RandomData, len)? };
        token.generate_random(hSession, out)
    })
}
