//! Entry points of PKCS #11 v2.40 that this token does not implement. Each returns
//! `CKR_CRYPTOKI_NOT_INITIALIZED` before `C_Initialize` and `CKR_FUNCTION_NOT_SUPPORTED`
//! after it (the legacy parallel-function calls return `CKR_FUNCTION_NOT_PARALLEL`, as the
//! standard prescribes for them). No argument is ever dereferenced.

use crate::guard;
use crate::types::*;
use core_pkcs11_engine::ck::{CKR_FUNCTION_NOT_PARALLEL, CKR_FUNCTION_NOT_SUPPORTED};

/// The whole body of an entry point this token does not implement:
/// `CKR_CRYPTOKI_NOT_INITIALIZED` before `C_Initialize`, else `rv`. Shared (not inlined) so
/// that each such entry point is a load of its code and a jump here, not a call of the guard
/// with a closure of its own.
#[inline(never)]
pub(crate) fn refuse(rv: CK_RV) -> CK_RV {
    guard::with_token(move |_| Err(rv))
}

/// Defines entry points that only check initialisation and return `$rv`.
macro_rules! not_supported {
    ($rv:expr; $( $name:ident ( $( $arg:ident : $ty:ty ),* $(,)? ) ; )*) => {
        $(
            #[doc = concat!("`", stringify!($name), "`: not supported by this token.")]
            ///
            /// # Safety
            /// None beyond the C signature: no argument is dereferenced.
            #[no_mangle]
            pub unsafe extern "C" fn $name( $( $arg : $ty ),* ) -> CK_RV {
                let _ = ( $( $arg, )* );
                refuse($rv)
            }
        )*
    };
}

not_supported! { CKR_FUNCTION_NOT_SUPPORTED;
    C_CopyObject(
        hSession: CK_SESSION_HANDLE,
        hObject: CK_OBJECT_HANDLE,
        pTemplate: *mut CK_ATTRIBUTE,
        ulCount: CK_ULONG,
        phNewObject: *mut CK_OBJECT_HANDLE,
    );
    C_EncryptInit(
        hSession: CK_SESSION_HANDLE,
        pMechanism: *mut CK_MECHANISM,
        hKey: CK_OBJECT_HANDLE,
    );
    C_Encrypt(
        hSession: CK_SESSION_HANDLE,
        pData: *mut CK_BYTE,
        ulDataLen: CK_ULONG,
        pEncryptedData: *mut CK_BYTE,
        pulEncryptedDataLen: *mut CK_ULONG,
    );
    C_EncryptUpdate(
        hSession: CK_SESSION_HANDLE,
        pPart: *mut CK_BYTE,
        ulPartLen: CK_ULONG,
        pEncryptedPart: *mut CK_BYTE,
        pulEncryptedPartLen: *mut CK_ULONG,
    );
    C_EncryptFinal(
        hSession: CK_SESSION_HANDLE,
        pLastEncryptedPart: *mut CK_BYTE,
        pulLastEncryptedPartLen: *mut CK_ULONG,
    );
    C_DecryptInit(
        hSession: CK_SESSION_HANDLE,
        pMechanism: *mut CK_MECHANISM,
        hKey: CK_OBJECT_HANDLE,
    );
    C_Decrypt(
        hSession: CK_SESSION_HANDLE,
        pEncryptedData: *mut CK_BYTE,
        ulEncryptedDataLen: CK_ULONG,
        pData: *mut CK_BYTE,
        pulDataLen: *mut CK_ULONG,
    );
    C_DecryptUpdate(
        hSession: CK_SESSION_HANDLE,
        pEncryptedPart: *mut CK_BYTE,
        ulEncryptedPartLen: CK_ULONG,
        pPart: *mut CK_BYTE,
        pulPartLen: *mut CK_ULONG,
    );
    C_DecryptFinal(
        hSession: CK_SESSION_HANDLE,
        pLastPart: *mut CK_BYTE,
        pulLastPartLen: *mut CK_ULONG,
    );
    C_DigestKey(hSession: CK_SESSION_HANDLE, hKey: CK_OBJECT_HANDLE);
    C_SignRecoverInit(
        hSession: CK_SESSION_HANDLE,
        pMechanism: *mut CK_MECHANISM,
        hKey: CK_OBJECT_HANDLE,
    );
    C_SignRecover(
        hSession: CK_SESSION_HANDLE,
        pData: *mut CK_BYTE,
        ulDataLen: CK_ULONG,
        pSignature: *mut CK_BYTE,
        pulSignatureLen: *mut CK_ULONG,
    );
    C_VerifyRecoverInit(
        hSession: CK_SESSION_HANDLE,
        pMechanism: *mut CK_MECHANISM,
        hKey: CK_OBJECT_HANDLE,
    );
    C_VerifyRecover(
        hSession: CK_SESSION_HANDLE,
        pSignature: *mut CK_BYTE,
        ulSignatureLen: CK_ULONG,
        pData: *mut CK_BYTE,
        pulDataLen: *mut CK_ULONG,
    );
    C_DigestEncryptUpdate(
        hSession: CK_SESSION_HANDLE,
        pPart: *mut CK_BYTE,
        ulPartLen: CK_ULONG,
        pEncryptedPart: *mut CK_BYTE,
        pulEncryptedPartLen: *mut CK_ULONG,
    );
    C_DecryptDigestUpdate(
        hSession: CK_SESSION_HANDLE,
        pEncryptedPart: *mut CK_BYTE,
        ulEncryptedPartLen: CK_ULONG,
        pPart: *mut CK_BYTE,
        pulPartLen: *mut CK_ULONG,
    );
    C_SignEncryptUpdate(
        hSession: CK_SESSION_HANDLE,
        pPart: *mut CK_BYTE,
        ulPartLen: CK_ULONG,
        pEncryptedPart: *mut CK_BYTE,
        pulEncryptedPartLen: *mut CK_ULONG,
    );
    C_DecryptVerifyUpdate(
        hSession: CK_SESSION_HANDLE,
        pEncryptedPart: *mut CK_BYTE,
        ulEncryptedPartLen: CK_ULONG,
        pPart: *mut CK_BYTE,
        pulPartLen: *mut CK_ULONG,
    );
    C_GenerateKey(
        hSession: CK_SESSION_HANDLE,
        pMechanism: *mut CK_MECHANISM,
        pTemplate: *mut CK_ATTRIBUTE,
        ulCount: CK_ULONG,
        phKey: *mut CK_OBJECT_HANDLE,
    );
    C_WrapKey(
        hSession: CK_SESSION_HANDLE,
        pMechanism: *mut CK_MECHANISM,
        hWrappingKey: CK_OBJECT_HANDLE,
        hKey: CK_OBJECT_HANDLE,
        pWrappedKey: *mut CK_BYTE,
        pulWrappedKeyLen: *mut CK_ULONG,
    );
    C_UnwrapKey(
        hSession: CK_SESSION_HANDLE,
        pMechanism: *mut CK_MECHANISM,
        hUnwrappingKey: CK_OBJECT_HANDLE,
        pWrappedKey: *mut CK_BYTE,
        ulWrappedKeyLen: CK_ULONG,
        pTemplate: *mut CK_ATTRIBUTE,
        ulAttributeCount: CK_ULONG,
        phKey: *mut CK_OBJECT_HANDLE,
    );
    C_DeriveKey(
        hSession: CK_SESSION_HANDLE,
        pMechanism: *mut CK_MECHANISM,
        hBaseKey: CK_OBJECT_HANDLE,
        pTemplate: *mut CK_ATTRIBUTE,
        ulAttributeCount: CK_ULONG,
        phKey: *mut CK_OBJECT_HANDLE,
    );
}

not_supported! { CKR_FUNCTION_NOT_PARALLEL;
    C_GetFunctionStatus(hSession: CK_SESSION_HANDLE);
    C_CancelFunction(hSession: CK_SESSION_HANDLE);
}
