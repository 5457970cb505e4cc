//! The entry points this token does not implement return `CKR_FUNCTION_NOT_SUPPORTED` (and the
//! legacy parallel ones `CKR_FUNCTION_NOT_PARALLEL`), whatever their arguments.

mod common;

use common::*;
use std::ptr::null_mut;

#[test]
fn unsupported_functions() {
    let lib = Lib::initialized();
    let f = lib.f;
    let h = lib.open_session();
    let b = null_bytes();
    let ul: *mut CK_ULONG = null_mut();
    let attrs: *mut CK_ATTRIBUTE = null_mut();
    let mech: *mut CK_MECHANISM = null_mut();
    let mut m = mechanism(CKM_SHA256);
    let mut buf = [0u8; 16];
    let mut len: CK_ULONG = 16;
    let p = buf.as_mut_ptr();
    // SAFETY: no argument is used by these functions; the non-NULL ones are valid anyway.
    let results: Vec<(&str, CK_RV)> = unsafe {
        vec![
            (
                "C_GetOperationState",
                (f.C_GetOperationState)(h, p, &mut len),
            ),
            (
                "C_SetOperationState",
                (f.C_SetOperationState)(h, p, 16, 0, 0),
            ),
            ("C_CopyObject", (f.C_CopyObject)(h, 1, attrs, 0, ul)),
            ("C_EncryptInit", (f.C_EncryptInit)(h, &mut m, 1)),
            ("C_Encrypt", (f.C_Encrypt)(h, p, 16, p, &mut len)),
            ("C_EncryptUpdate", (f.C_EncryptUpdate)(h, b, 0, b, ul)),
            ("C_EncryptFinal", (f.C_EncryptFinal)(h, b, ul)),
            ("C_DecryptInit", (f.C_DecryptInit)(h, mech, 1)),
            ("C_Decrypt", (f.C_Decrypt)(h, b, 0, b, ul)),
            ("C_DecryptUpdate", (f.C_DecryptUpdate)(h, b, 0, b, ul)),
            ("C_DecryptFinal", (f.C_DecryptFinal)(h, b, ul)),
            ("C_DigestKey", (f.C_DigestKey)(h, 1)),
            ("C_SignRecoverInit", (f.C_SignRecoverInit)(h, mech, 1)),
            ("C_SignRecover", (f.C_SignRecover)(h, b, 0, b, ul)),
            ("C_VerifyRecoverInit", (f.C_VerifyRecoverInit)(h, mech, 1)),
            ("C_VerifyRecover", (f.C_VerifyRecover)(h, b, 0, b, ul)),
            (
                "C_DigestEncryptUpdate",
                (f.C_DigestEncryptUpdate)(h, b, 0, b, ul),
            ),
            (
                "C_DecryptDigestUpdate",
                (f.C_DecryptDigestUpdate)(h, b, 0, b, ul),
            ),
            (
                "C_SignEncryptUpdate",
                (f.C_SignEncryptUpdate)(h, b, 0, b, ul),
            ),
            (
                "C_DecryptVerifyUpdate",
                (f.C_DecryptVerifyUpdate)(h, b, 0, b, ul),
            ),
            ("C_GenerateKey", (f.C_GenerateKey)(h, mech, attrs, 0, ul)),
            ("C_WrapKey", (f.C_WrapKey)(h, mech, 1, 2, b, ul)),
            (
                "C_UnwrapKey",
                (f.C_UnwrapKey)(h, mech, 1, b, 0, attrs, 0, ul),
            ),
            ("C_DeriveKey", (f.C_DeriveKey)(h, mech, 1, attrs, 0, ul)),
            (
                "C_WaitForSlotEvent",
                (f.C_WaitForSlotEvent)(0, ul, null_mut()),
            ),
        ]
    };
    for (name, rv) in results {
        assert_eq!(rv, CKR_FUNCTION_NOT_SUPPORTED, "{name}");
    }
    // SAFETY: no pointer argument.
    unsafe {
        assert_eq!((f.C_GetFunctionStatus)(h), CKR_FUNCTION_NOT_PARALLEL);
        assert_eq!((f.C_CancelFunction)(h), CKR_FUNCTION_NOT_PARALLEL);
    }
}
