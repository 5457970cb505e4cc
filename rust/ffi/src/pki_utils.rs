//! The `core_pki_utils.h` helpers: ECDSA P-256 signatures between mbedTLS's DER form and the
//! PKCS #11 raw `r ‖ s` form, in the current bounded form and the released v3.x form.
//!
//! All return 0 on success and -1 on failure, and never read or write outside the buffers
//! the caller describes. The conversions themselves are the engine's
//! [`core_pkcs11_engine::pki`] functions.

use crate::args;
use core_pkcs11_engine::pki::{ecdsa_der_to_raw, ecdsa_raw_to_der};

/// Length of a raw P-256 signature `r ‖ s`.
const RAW_LEN: usize = 64;
/// Largest DER encoding of a P-256 signature.
const MAX_DER_LEN: usize = 72;
/// Largest SEQUENCE content length of a P-256 signature (`MAX_DER_LEN - 2`).
const MAX_DER_CONTENT: u8 = 70;

/// Success.
const OK: i8 = 0;
/// Failure.
const FAILED: i8 = -1;

/// Converts DER `der` and writes the raw form to `out` (writable for 64 bytes).
///
/// # Safety
/// `out` is non-NULL and writable for 64 bytes; `der` is not referenced after this returns.
unsafe fn der_to_raw_into(der: &[u8], out: *mut u8) -> i8 {
    let mut raw = [0u8; RAW_LEN];
    if ecdsa_der_to_raw(der, &mut raw).is_err() {
        return FAILED;
    }
    // SAFETY: writable for 64 bytes (caller); written unaligned from a local copy, so an
    // output overlapping the input is fine (the input was fully read).
    unsafe { out.cast::<[u8; RAW_LEN]>().write_unaligned(raw) };
    OK
}

/// Replaces the raw signature at `sig` by its DER form if that fits in `buf_len` bytes.
///
/// # Safety
/// `sig` is non-NULL, readable for 64 bytes and writable for `buf_len >= 64` bytes;
/// `out_len` is non-NULL and writable.
unsafe fn raw_to_der_in_place(sig: *mut u8, buf_len: usize, out_len: *mut usize) -> i8 {
    // SAFETY: readable for 64 bytes (caller); copied out before anything is written.
    let raw = unsafe { sig.cast::<[u8; RAW_LEN]>().read_unaligned() };
    let mut der = [0u8; MAX_DER_LEN];
    let n = match ecdsa_raw_to_der(&raw, &mut der) {
        Ok(n) => n,
        Err(_) => return FAILED,
    };
    if n > buf_len || n > MAX_DER_LEN {
        return FAILED;
    }
    // SAFETY: `n <= buf_len`, the caller's writable length; the source is a local array.
    unsafe { core::ptr::copy_nonoverlapping(der.as_ptr(), sig, n) };
    // SAFETY: non-NULL and writable (caller).
    unsafe { out_len.write_unaligned(n) };
    OK
}

/// `PKI_mbedTLSSignatureToPkcs11Signature` (bounded form): converts the `derLen`-byte DER
/// signature `der` into the 64-byte raw form in `out` (`outLen >= 64`). The DER must be exactly
/// one SEQUENCE of two INTEGERs, nothing trailing.
///
/// # Safety
/// `out` is NULL or writable for `outLen` bytes; `der` is NULL or readable for `derLen` bytes.
#[no_mangle]
pub unsafe extern "C" fn PKI_mbedTLSSignatureToPkcs11Signature(
    out: *mut u8,
    outLen: usize,
    der: *const u8,
    derLen: usize,
) -> i8 {
    if out.is_null() || der.is_null() || outLen < RAW_LEN {
        return FAILED;
    }
    let Ok(der_len) = core::ffi::c_ulong::try_from(derLen) else {
        return FAILED;
    };
    // SAFETY: non-NULL and readable for `derLen` bytes (caller).
    let Ok(der) = (unsafe { args::bytes(der, der_len) }) else {
        return FAILED;
    };
    // SAFETY: `out` is non-NULL and writable for `outLen >= 64` bytes (caller).
    unsafe { der_to_raw_into(der, out) }
}

/// `PKI_pkcs11SignatureTombedTLSSignature` (bounded form): replaces the 64-byte raw signature
/// at `sig` (a buffer of `bufLen` bytes) by its DER form and stores the DER length in
/// `*outLen`. Fails if `bufLen < 72` (the longest DER form), as the interface requires,
/// whatever length this signature's DER form would have.
///
/// # Safety
/// `sig` is NULL or readable and writable for `bufLen` bytes; `outLen` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn PKI_pkcs11SignatureTombedTLSSignature(
    sig: *mut u8,
    bufLen: usize,
    outLen: *mut usize,
) -> i8 {
    if sig.is_null() || outLen.is_null() || bufLen < MAX_DER_LEN {
        return FAILED;
    }
    // SAFETY: non-NULL, `bufLen >= 72` bytes readable and writable (caller).
    unsafe { raw_to_der_in_place(sig, bufLen, outLen) }
}

/// `PKI_mbedTLSSignatureToPkcs11Signature` as released in corePKCS11 v3.x (the header maps
/// that name here when configured for the v3 interface): the DER length is not passed, so it
/// is taken from the SEQUENCE header: `der[0]` must be `0x30` and `der[1]` a short-form length
/// of at most 70; exactly `2 + der[1]` bytes are read, never more.
///
/// # Safety
/// `out64` is NULL or writable for 64 bytes; `der` is NULL or readable for its first byte, for
/// its second if the first is `0x30`, and for `2 + der[1]` bytes if that is at most 72.
#[no_mangle]
pub unsafe extern "C" fn PKI_v3_mbedTLSSignatureToPkcs11Signature(
    out64: *mut u8,
    der: *const u8,
) -> i8 {
    if out64.is_null() || der.is_null() {
        return FAILED;
    }
    // SAFETY: non-NULL; the first byte of a signature is readable (caller).
    if unsafe { der.read() } != 0x30 {
        return FAILED;
    }
    // SAFETY: the first byte was 0x30, so a length byte follows (caller).
    let content_len = unsafe { der.add(1).read() };
    if content_len > MAX_DER_CONTENT {
        // Also rejects long-form lengths (>= 0x80).
        return FAILED;
    }
    let total = 2 + core::ffi::c_ulong::from(content_len);
    // SAFETY: the SEQUENCE header announces `total` bytes, which the caller's signature holds.
    let Ok(der) = (unsafe { args::bytes(der, total) }) else {
        return FAILED;
    };
    // SAFETY: non-NULL and writable for 64 bytes (caller).
    unsafe { der_to_raw_into(der, out64) }
}

/// `PKI_pkcs11SignatureTombedTLSSignature` as released in corePKCS11 v3.x: `sig` holds the
/// 64-byte raw signature in a buffer of at least 72 bytes (as that interface documents), and
/// is replaced by the DER form, whose length goes to `*outLen`.
///
/// # Safety
/// `sig` is NULL or readable and writable for 72 bytes; `outLen` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn PKI_v3_pkcs11SignatureTombedTLSSignature(
    sig: *mut u8,
    outLen: *mut usize,
) -> i8 {
    if sig.is_null() || outLen.is_null() {
        return FAILED;
    }
    // SAFETY: non-NULL, readable and writable for 72 bytes (caller).
    unsafe { raw_to_der_in_place(sig, MAX_DER_LEN, outLen) }
}
