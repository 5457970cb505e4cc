//! Session management: open, close, information, login and logout, operation state.

use crate::args;
use crate::guard;
use crate::slot_token::check_slot;
use crate::types::*;
use core_pkcs11_engine::ck::*;

/// `C_OpenSession`: `flags` must include `CKF_SERIAL_SESSION` (checked by the token). The
/// notification callback is never called.
///
/// # Safety
/// `phSession` is NULL or writable for a `CK_SESSION_HANDLE`.
#[no_mangle]
pub unsafe extern "C" fn C_OpenSession(
    slotID: CK_SLOT_ID,
    flags: CK_FLAGS,
    pApplication: CK_VOID_PTR,
    Notify: CK_NOTIFY,
    phSession: *mut CK_SESSION_HANDLE,
) -> CK_RV {
    let _ = (pApplication, Notify);
    guard::with_token(move |token| {
        check_slot(slotID)?;
        args::non_null(phSession)?;
        let handle = token.open_session(flags)?;
        // SAFETY: non-NULL and writable (caller).
        unsafe { args::write(phSession, handle) }
    })
}

/// `C_CloseSession`.
///
/// # Safety
/// None beyond the C signature.
#[no_mangle]
pub unsafe extern "C" fn C_CloseSession(hSession: CK_SESSION_HANDLE) -> CK_RV {
    guard::with_token(move |token| token.close_session(hSession))
}

/// `C_CloseAllSessions`.
///
/// # Safety
/// None beyond the C signature.
#[no_mangle]
pub unsafe extern "C" fn C_CloseAllSessions(slotID: CK_SLOT_ID) -> CK_RV {
    guard::with_token(move |token| {
        check_slot(slotID)?;
        token.close_all_sessions();
        Ok(())
    })
}

/// `C_GetSessionInfo`.
///
/// # Safety
/// `pInfo` is NULL or writable for a `CK_SESSION_INFO`.
#[no_mangle]
pub unsafe extern "C" fn C_GetSessionInfo(
    hSession: CK_SESSION_HANDLE,
    pInfo: *mut CK_SESSION_INFO,
) -> CK_RV {
    guard::with_token(move |token| {
        args::non_null(pInfo)?;
        let i = token.session_info(hSession)?;
        let info = CK_SESSION_INFO {
            slotID: i.slot_id,
            state: i.state,
            flags: i.flags,
            ulDeviceError: i.device_error,
        };
        // SAFETY: non-NULL and writable (caller).
        unsafe { args::write(pInfo, info) }
    })
}

/// `C_GetOperationState`: not supported (operation state is not saved).
///
/// # Safety
/// None beyond the C signature: no argument is dereferenced.
#[no_mangle]
pub unsafe extern "C" fn C_GetOperationState(
    hSession: CK_SESSION_HANDLE,
    pOperationState: *mut CK_BYTE,
    pulOperationStateLen: *mut CK_ULONG,
) -> CK_RV {
    let _ = (hSession, pOperationState, pulOperationStateLen);
    crate::unsupported::refuse(CKR_FUNCTION_NOT_SUPPORTED)
}

/// `C_SetOperationState`: not supported.
///
/// # Safety
/// None beyond the C signature: no argument is dereferenced.
#[no_mangle]
pub unsafe extern "C" fn C_SetOperationState(
    hSession: CK_SESSION_HANDLE,
    pOperationState: *mut CK_BYTE,
    ulOperationStateLen: CK_ULONG,
    hEncryptionKey: CK_OBJECT_HANDLE,
    hAuthenticationKey: CK_OBJECT_HANDLE,
) -> CK_RV {
    let _ = (
        hSession,
        pOperationState,
        ulOperationStateLen,
        hEncryptionKey,
        hAuthenticationKey,
    );
    crate::unsupported::refuse(CKR_FUNCTION_NOT_SUPPORTED)
}

/// `C_Login` as `userType` (`CKU_SO`, `CKU_USER`, `CKU_CONTEXT_SPECIFIC`).
///
/// # Safety
/// `pPin` is NULL or readable for `ulPinLen` bytes.
#[no_mangle]
pub unsafe extern "C" fn C_Login(
    hSession: CK_SESSION_HANDLE,
    userType: CK_USER_TYPE,
    pPin: *mut CK_UTF8CHAR,
    ulPinLen: CK_ULONG,
) -> CK_RV {
    guard::with_token(move |token| {
        // SAFETY: forwarded from the caller.
        let pin = unsafe { args::bytes(pPin, ulPinLen)? };
        token.login(hSession, userType, pin)
    })
}

/// `C_Logout`.
///
/// # Safety
/// None beyond the C signature.
#[no_mangle]
pub unsafe extern "C" fn C_Logout(hSession: CK_SESSION_HANDLE) -> CK_RV {
    guard::with_token(move |token| token.logout(hSession))
}
