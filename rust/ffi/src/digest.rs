//! Message digesting: `C_DigestInit`, `C_Digest`, `C_DigestUpdate`, `C_DigestFinal`.

use crate::args;
use crate::guard;
use crate::types::*;
use core_pkcs11_engine::OperationKind;

/// `C_DigestInit`.
///
/// # Safety
/// `pMechanism` is NULL or a readable `CK_MECHANISM` with a readable parameter.
#[no_mangle]
pub unsafe extern "C" fn C_DigestInit(
    hSession: CK_SESSION_HANDLE,
    pMechanism: *mut CK_MECHANISM,
) -> CK_RV {
    guard::with_token(move |token| {
        // SAFETY: forwarded from the caller.
        let mechanism = unsafe { args::mechanism(pMechanism)? };
        token.digest_init(hSession, &mechanism)
    })
}

/// `C_Digest`: NULL `pDigest` asks for the length.
///
/// # Safety
/// `pData` is NULL or readable for `ulDataLen` bytes; `pulDigestLen` is NULL or a readable and
/// writable `CK_ULONG`; `pDigest` is NULL or writable for `*pulDigestLen` bytes.
#[no_mangle]
pub unsafe extern "C" fn C_Digest(
    hSession: CK_SESSION_HANDLE,
    pData: *mut CK_BYTE,
    ulDataLen: CK_ULONG,
    pDigest: *mut CK_BYTE,
    pulDigestLen: *mut CK_ULONG,
) -> CK_RV {
    guard::with_operation(hSession, OperationKind::Digest, move |token| {
        // SAFETY: forwarded from the caller.
        unsafe {
            args::with_output(
                pData,
                ulDataLen,
                pDigest,
                pulDigestLen,
                &mut move |data, out| token.digest(hSession, data, out),
            )
        }
    })
}

/// `C_DigestUpdate`.
///
/// # Safety
/// `pPart` is NULL or readable for `ulPartLen` bytes.
#[no_mangle]
pub unsafe extern "C" fn C_DigestUpdate(
    hSession: CK_SESSION_HANDLE,
    pPart: *mut CK_BYTE,
    ulPartLen: CK_ULONG,
) -> CK_RV {
    guard::with_operation(hSession, OperationKind::Digest, move |token| {
        // SAFETY: forwarded from the caller.
        let part = unsafe { args::bytes(pPart, ulPartLen)? };
        token.digest_update(hSession, part)
    })
}

/// `C_DigestFinal`: NULL `pDigest` asks for the length.
///
/// # Safety
/// `pulDigestLen` is NULL or a readable and writable `CK_ULONG`; `pDigest` is NULL or writable
/// for `*pulDigestLen` bytes.
#[no_mangle]
pub unsafe extern "C" fn C_DigestFinal(
    hSession: CK_SESSION_HANDLE,
    pDigest: *mut CK_BYTE,
    pulDigestLen: *mut CK_ULONG,
) -> CK_RV {
    guard::with_operation(hSession, OperationKind::Digest, move |token| {
        // SAFETY: forwarded from the caller; there is no input.
        unsafe {
            args::with_output(
                core::ptr::null(),
                0,
                pDigest,
                pulDigestLen,
                &mut move |_, out| token.digest_final(hSession, out),
            )
        }
    })
}
