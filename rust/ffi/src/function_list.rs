//! The library's `CK_FUNCTION_LIST` and `C_GetFunctionList`.

use crate::args;
use crate::digest::*;
use crate::general::*;
use crate::keygen::*;
use crate::objects::*;
use crate::random::*;
use crate::session::*;
use crate::sign::*;
use crate::slot_token::*;
use crate::types::{CK_FUNCTION_LIST, CK_RV};
use crate::unsupported::*;
use crate::verify::*;
use core_pkcs11_engine::ck::CKR_OK;

/// The function list `C_GetFunctionList` hands out: version 2.40, every entry set.
pub static FUNCTION_LIST: CK_FUNCTION_LIST = CK_FUNCTION_LIST {
    version: CRYPTOKI_VERSION,
    C_Initialize,
    C_Finalize,
    C_GetInfo,
    C_GetFunctionList,
    C_GetSlotList,
    C_GetSlotInfo,
    C_GetTokenInfo,
    C_GetMechanismList,
    C_GetMechanismInfo,
    C_InitToken,
    C_InitPIN,
    C_SetPIN,
    C_OpenSession,
    C_CloseSession,
    C_CloseAllSessions,
    C_GetSessionInfo,
    C_GetOperationState,
    C_SetOperationState,
    C_Login,
    C_Logout,
    C_CreateObject,
    C_CopyObject,
    C_DestroyObject,
    C_GetObjectSize,
    C_GetAttributeValue,
    C_SetAttributeValue,
    C_FindObjectsInit,
    C_FindObjects,
    C_FindObjectsFinal,
    C_EncryptInit,
    C_Encrypt,
    C_EncryptUpdate,
    C_EncryptFinal,
    C_DecryptInit,
    C_Decrypt,
    C_DecryptUpdate,
    C_DecryptFinal,
    C_DigestInit,
    C_Digest,
    C_DigestUpdate,
    C_DigestKey,
    C_DigestFinal,
    C_SignInit,
    C_Sign,
    C_SignUpdate,
    C_SignFinal,
    C_SignRecoverInit,
    C_SignRecover,
    C_VerifyInit,
    C_Verify,
    C_VerifyUpdate,
    C_VerifyFinal,
    C_VerifyRecoverInit,
    C_VerifyRecover,
    C_DigestEncryptUpdate,
    C_DecryptDigestUpdate,
    C_SignEncryptUpdate,
    C_DecryptVerifyUpdate,
    C_GenerateKey,
    C_GenerateKeyPair,
    C_WrapKey,
    C_UnwrapKey,
    C_DeriveKey,
    C_SeedRandom,
    C_GenerateRandom,
    C_GetFunctionStatus,
    C_CancelFunction,
    C_WaitForSlotEvent,
};

/// `C_GetFunctionList`: stores the address of [`FUNCTION_LIST`] in `*ppFunctionList`. Works
/// before `C_Initialize`. The list is read-only: callers must not write through the pointer.
///
/// # Safety
/// `ppFunctionList` is NULL or writable for one pointer.
#[no_mangle]
pub unsafe extern "C" fn C_GetFunctionList(ppFunctionList: *mut *mut CK_FUNCTION_LIST) -> CK_RV {
    let list = core::ptr::addr_of!(FUNCTION_LIST).cast_mut();
    // SAFETY: NULL is rejected; otherwise writable for one pointer (caller).
    match unsafe { args::write(ppFunctionList, list) } {
        Ok(()) => CKR_OK,
        Err(rv) => rv,
    }
}
