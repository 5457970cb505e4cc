//! Signing: `C_SignInit`, `C_Sign`, `C_SignUpdate`, `C_SignFinal`.

use crate::args;
use crate::guard;
use crate::types::*;
use core_pkcs11_engine::OperationKind;

/// `C_SignInit`.
///
/// # Safety
/// `pMechanism` is NULL or a readable `CK_MECHANISM` with a readable parameter.
#[no_mangle]
pub unsafe extern "C" fn C_SignInit(
    hSession: CK_SESSION_HANDLE,
    pMechanism: *mut CK_MECHANISM,
    hKey: CK_OBJECT_HANDLE,
) -> CK_RV {
    guard::with_token(move |token| {
        // SAFETY: forwarded from the caller.
        let mechanism = unsafe { args::mechanism(pMechanism)? };
        token.sign_init(hSession, &mechanism, hKey)
    })
}

/// `C_Sign`: NULL `pSignature` asks for the length.
///
/// # Safety
/// `pData` is NULL or readable for `ulDataLen` bytes; `pulSignatureLen` is NULL or a readable
/// and writable `CK_ULONG`; `pSignature` is NULL or writable for `*pulSignatureLen` bytes.
#[no_mangle]
pub unsafe extern "C" fn C_Sign(
    hSession: CK_SESSION_HANDLE,
    pData: *mut CK_BYTE,
    ulDataLen: CK_ULONG,
    pSignature: *mut CK_BYTE,
    pulSignatureLen: *mut CK_ULONG,
) -> CK_RV {
    guard::with_operation(hSession, OperationKind::Sign, move |token| {
        // SAFETY: forwarded from the caller.
        unsafe {
            args::with_output(
                pData,
                ulDataLen,
                pSignature,
                pulSignatureLen,
                &mut move |data, out| token.sign(hSession, data, out),
            )
        }
    })
}

/// `C_SignUpdate`.
///
/// # Safety
/// `pPart` is NULL or readable for `ulPartLen` bytes.
#[no_mangle]
pub unsafe extern "C" fn C_SignUpdate(
    hSession: CK_SESSION_HANDLE,
    pPart: *mut CK_BYTE,
    ulPartLen: CK_ULONG,
) -> CK_RV {
    guard::with_operation(hSession, OperationKind::Sign, move |token| {
        // SAFETY: forwarded from the caller.
        let part = unsafe { args::bytes(pPart, ulPartLen)? };
        token.sign_update(hSession, part)
    })
}

/// `C_SignFinal`: NULL `pSignature` asks for the length.
///
/// # Safety
/// `pulSignatureLen` is NULL or a readable and writable `CK_ULONG`; `pSignature` is NULL or
/// writable for `*pulSignatureLen` bytes.
#[no_mangle]
pub unsafe extern "C" fn C_SignFinal(
    hSession: CK_SESSION_HANDLE,
    pSignature: *mut CK_BYTE,
    pulSignatureLen: *mut CK_ULONG,
) -> CK_RV {
    guard::with_operation(hSession, OperationKind::Sign, move |token| {
        // SAFETY: forwarded from the caller; there is no input.
        unsafe {
            args::with_output(
                core::ptr::null(),
                0,
                pSignature,
                pulSignatureLen,
                &mut move |_, out| token.sign_final(hSession, out),
            )
        }
    })
}
