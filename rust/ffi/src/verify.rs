//! Verification: `C_VerifyInit`, `C_Verify`, `C_VerifyUpdate`, `C_VerifyFinal`.

use crate::args;
use crate::guard;
use crate::types::*;
use core_pkcs11_engine::OperationKind;

/// `C_VerifyInit`.
///
/// # Safety
/// `pMechanism` is NULL or a readable `CK_MECHANISM` with a readable parameter.
#[no_mangle]
pub unsafe extern "C" fn C_VerifyInit(
    hSession: CK_SESSION_HANDLE,
    pMechanism: *mut CK_MECHANISM,
    hKey: CK_OBJECT_HANDLE,
) -> CK_RV {
    guard::with_token(move |token| {
        // SAFETY: forwarded from the caller.
        let mechanism = unsafe { args::mechanism(pMechanism)? };
        token.verify_init(hSession, &mechanism, hKey)
    })
}

/// `C_Verify`: `CKR_SIGNATURE_INVALID` for a wrong signature.
///
/// # Safety
/// `pData`/`pSignature` are NULL or readable for their lengths.
#[no_mangle]
pub unsafe extern "C" fn C_Verify(
    hSession: CK_SESSION_HANDLE,
    pData: *mut CK_BYTE,
    ulDataLen: CK_ULONG,
    pSignature: *mut CK_BYTE,
    ulSignatureLen: CK_ULONG,
) -> CK_RV {
    guard::with_operation(hSession, OperationKind::Verify, move |token| {
        // SAFETY: forwarded from the caller.
        let data = unsafe { args::bytes(pData, ulDataLen)? };
        // SAFETY: forwarded from the caller.
        let signature = unsafe { args::bytes(pSignature, ulSignatureLen)? };
        token.verify(hSession, data, signature)
    })
}

/// `C_VerifyUpdate`.
///
/// # Safety
/// `pPart` is NULL or readable for `ulPartLen` bytes.
#[no_mangle]
pub unsafe extern "C" fn C_VerifyUpdate(
    hSession: CK_SESSION_HANDLE,
    pPart: *mut CK_BYTE,
    ulPartLen: CK_ULONG,
) -> CK_RV {
    guard::with_operation(hSession, OperationKind::Verify, move |token| {
        // SAFETY: forwarded from the caller.
        let part = unsafe { args::bytes(pPart, ulPartLen)? };
        token.verify_update(hSession, part)
    })
}

/// `C_VerifyFinal`.
///
/// # Safety
/// `pSignature` is NULL or readable for `ulSignatureLen` bytes.
#[no_mangle]
pub unsafe extern "C" fn C_VerifyFinal(
    hSession: CK_SESSION_HANDLE,
    pSignature: *mut CK_BYTE,
    ulSignatureLen: CK_ULONG,
) -> CK_RV {
    guard::with_operation(hSession, OperationKind::Verify, move |token| {
        // SAFETY: forwarded from the caller.
        let signature = unsafe { args::bytes(pSignature, ulSignatureLen)? };
        token.verify_final(hSession, signature)
    })
}
