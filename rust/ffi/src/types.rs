//! The PKCS #11 v2.40 C types of the interface, laid out as `pkcs11t.h` declares them.
//!
//! `CK_ULONG` is C's `unsigned long` (64 bits on LP64 hosts, 32 bits on Cortex-M). Structures
//! use the platform's natural C layout (the headers pack to 1 byte on Windows only, which this
//! library does not target).

#![allow(non_camel_case_types, non_snake_case)]

use core::ffi::{c_ulong, c_void};

/// `CK_ULONG`: C `unsigned long`.
pub type CK_ULONG = c_ulong;
/// `CK_LONG`: C `long`.
pub type CK_LONG = core::ffi::c_long;
/// `CK_BYTE`.
pub type CK_BYTE = u8;
/// `CK_CHAR`.
pub type CK_CHAR = u8;
/// `CK_UTF8CHAR`.
pub type CK_UTF8CHAR = u8;
/// `CK_BBOOL`.
pub type CK_BBOOL = u8;
/// `CK_FLAGS`.
pub type CK_FLAGS = CK_ULONG;
/// `CK_RV`: a function's return value.
pub type CK_RV = CK_ULONG;
/// `CK_SLOT_ID`.
pub type CK_SLOT_ID = CK_ULONG;
/// `CK_SESSION_HANDLE`.
pub type CK_SESSION_HANDLE = CK_ULONG;
/// `CK_OBJECT_HANDLE`.
pub type CK_OBJECT_HANDLE = CK_ULONG;
/// `CK_OBJECT_CLASS`.
pub type CK_OBJECT_CLASS = CK_ULONG;
/// `CK_ATTRIBUTE_TYPE`.
pub type CK_ATTRIBUTE_TYPE = CK_ULONG;
/// `CK_MECHANISM_TYPE`.
pub type CK_MECHANISM_TYPE = CK_ULONG;
/// `CK_USER_TYPE`.
pub type CK_USER_TYPE = CK_ULONG;
/// `CK_NOTIFICATION`.
pub type CK_NOTIFICATION = CK_ULONG;
/// `CK_VOID_PTR`.
pub type CK_VOID_PTR = *mut c_void;
/// `CK_OBJECT_HANDLE_PTR`.
pub type CK_OBJECT_HANDLE_PTR = *mut CK_OBJECT_HANDLE;

/// `CK_TRUE`.
pub const CK_TRUE: CK_BBOOL = 1;
/// `CK_FALSE`.
pub const CK_FALSE: CK_BBOOL = 0;

/// `CK_VERSION`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CK_VERSION {
    /// Major version.
    pub major: CK_BYTE,
    /// Minor version.
    pub minor: CK_BYTE,
}

/// `CK_INFO`: returned by `C_GetInfo`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct CK_INFO {
    /// Cryptoki interface version (2.40).
    pub cryptokiVersion: CK_VERSION,
    /// Blank-padded library manufacturer.
    pub manufacturerID: [CK_UTF8CHAR; 32],
    /// Must be zero.
    pub flags: CK_FLAGS,
    /// Blank-padded library description.
    pub libraryDescription: [CK_UTF8CHAR; 32],
    /// Library version.
    pub libraryVersion: CK_VERSION,
}

/// `CK_SLOT_INFO`: returned by `C_GetSlotInfo`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct CK_SLOT_INFO {
    /// Blank-padded slot description.
    pub slotDescription: [CK_UTF8CHAR; 64],
    /// Blank-padded manufacturer.
    pub manufacturerID: [CK_UTF8CHAR; 32],
    /// `CKF_TOKEN_PRESENT`, …
    pub flags: CK_FLAGS,
    /// Hardware version.
    pub hardwareVersion: CK_VERSION,
    /// Firmware version.
    pub firmwareVersion: CK_VERSION,
}

/// `CK_TOKEN_INFO`: returned by `C_GetTokenInfo`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct CK_TOKEN_INFO {
    /// Blank-padded token label.
    pub label: [CK_UTF8CHAR; 32],
    /// Blank-padded manufacturer.
    pub manufacturerID: [CK_UTF8CHAR; 32],
    /// Blank-padded model.
    pub model: [CK_UTF8CHAR; 16],
    /// Blank-padded serial number.
    pub serialNumber: [CK_CHAR; 16],
    /// `CKF_*` token flags.
    pub flags: CK_FLAGS,
    /// Most sessions open at once.
    pub ulMaxSessionCount: CK_ULONG,
    /// Sessions open now.
    pub ulSessionCount: CK_ULONG,
    /// Most read/write sessions open at once.
    pub ulMaxRwSessionCount: CK_ULONG,
    /// Read/write sessions open now.
    pub ulRwSessionCount: CK_ULONG,
    /// Longest PIN.
    pub ulMaxPinLen: CK_ULONG,
    /// Shortest PIN.
    pub ulMinPinLen: CK_ULONG,
    /// Total public memory.
    pub ulTotalPublicMemory: CK_ULONG,
    /// Free public memory.
    pub ulFreePublicMemory: CK_ULONG,
    /// Total private memory.
    pub ulTotalPrivateMemory: CK_ULONG,
    /// Free private memory.
    pub ulFreePrivateMemory: CK_ULONG,
    /// Hardware version.
    pub hardwareVersion: CK_VERSION,
    /// Firmware version.
    pub firmwareVersion: CK_VERSION,
    /// Current time as `YYYYMMDDhhmmssxx` (blank: no clock).
    pub utcTime: [CK_CHAR; 16],
}

/// `CK_SESSION_INFO`: returned by `C_GetSessionInfo`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CK_SESSION_INFO {
    /// Slot of the session.
    pub slotID: CK_SLOT_ID,
    /// `CKS_*` state.
    pub state: CK_ULONG,
    /// `CKF_SERIAL_SESSION`, `CKF_RW_SESSION`.
    pub flags: CK_FLAGS,
    /// Device-specific error code.
    pub ulDeviceError: CK_ULONG,
}

/// `CK_MECHANISM_INFO`: returned by `C_GetMechanismInfo`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CK_MECHANISM_INFO {
    /// Smallest key size.
    pub ulMinKeySize: CK_ULONG,
    /// Largest key size.
    pub ulMaxKeySize: CK_ULONG,
    /// `CKF_*` mechanism flags.
    pub flags: CK_FLAGS,
}

/// `CK_MECHANISM`: a mechanism and its parameter.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct CK_MECHANISM {
    /// `CKM_*` type.
    pub mechanism: CK_MECHANISM_TYPE,
    /// Parameter bytes, or NULL.
    pub pParameter: CK_VOID_PTR,
    /// Length of the parameter in bytes.
    pub ulParameterLen: CK_ULONG,
}

/// `CK_ATTRIBUTE`: one entry of a template.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct CK_ATTRIBUTE {
    /// `CKA_*` type.
    pub r#type: CK_ATTRIBUTE_TYPE,
    /// Value bytes, or NULL.
    pub pValue: CK_VOID_PTR,
    /// Length of the value in bytes.
    pub ulValueLen: CK_ULONG,
}

/// `CK_CREATEMUTEX`: creates a mutex and stores its handle in `*ppMutex`.
pub type CK_CREATEMUTEX = unsafe extern "C" fn(ppMutex: *mut CK_VOID_PTR) -> CK_RV;
/// `CK_DESTROYMUTEX`.
pub type CK_DESTROYMUTEX = unsafe extern "C" fn(pMutex: CK_VOID_PTR) -> CK_RV;
/// `CK_LOCKMUTEX`.
pub type CK_LOCKMUTEX = unsafe extern "C" fn(pMutex: CK_VOID_PTR) -> CK_RV;
/// `CK_UNLOCKMUTEX`.
pub type CK_UNLOCKMUTEX = unsafe extern "C" fn(pMutex: CK_VOID_PTR) -> CK_RV;
/// `CK_NOTIFY`: the session notification callback of `C_OpenSession` (never called here).
pub type CK_NOTIFY = Option<
    unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        event: CK_NOTIFICATION,
        pApplication: CK_VOID_PTR,
    ) -> CK_RV,
>;

/// `CK_C_INITIALIZE_ARGS`: the optional argument of `C_Initialize`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct CK_C_INITIALIZE_ARGS {
    /// Application's mutex creation callback, or NULL.
    pub CreateMutex: Option<CK_CREATEMUTEX>,
    /// Application's mutex destruction callback, or NULL.
    pub DestroyMutex: Option<CK_DESTROYMUTEX>,
    /// Application's mutex lock callback, or NULL.
    pub LockMutex: Option<CK_LOCKMUTEX>,
    /// Application's mutex unlock callback, or NULL.
    pub UnlockMutex: Option<CK_UNLOCKMUTEX>,
    /// `CKF_LIBRARY_CANT_CREATE_OS_THREADS`, `CKF_OS_LOCKING_OK`.
    pub flags: CK_FLAGS,
    /// Must be NULL.
    pub pReserved: CK_VOID_PTR,
}

/// `CK_FUNCTION_LIST`: the version and the 68 entry points of PKCS #11 v2.40, in the order of
/// `pkcs11f.h`. Every entry of this library's list is non-NULL.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct CK_FUNCTION_LIST {
    /// Cryptoki version of the list (2.40).
    pub version: CK_VERSION,
    /// `C_Initialize`.
    pub C_Initialize: unsafe extern "C" fn(pInitArgs: CK_VOID_PTR) -> CK_RV,
    /// `C_Finalize`.
    pub C_Finalize: unsafe extern "C" fn(pReserved: CK_VOID_PTR) -> CK_RV,
    /// `C_GetInfo`.
    pub C_GetInfo: unsafe extern "C" fn(pInfo: *mut CK_INFO) -> CK_RV,
    /// `C_GetFunctionList`.
    pub C_GetFunctionList:
        unsafe extern "C" fn(ppFunctionList: *mut *mut CK_FUNCTION_LIST) -> CK_RV,
    /// `C_GetSlotList`.
    pub C_GetSlotList: unsafe extern "C" fn(
        tokenPresent: CK_BBOOL,
        pSlotList: *mut CK_SLOT_ID,
        pulCount: *mut CK_ULONG,
    ) -> CK_RV,
    /// `C_GetSlotInfo`.
    pub C_GetSlotInfo: unsafe extern "C" fn(slotID: CK_SLOT_ID, pInfo: *mut CK_SLOT_INFO) -> CK_RV,
    /// `C_GetTokenInfo`.
    pub C_GetTokenInfo:
        unsafe extern "C" fn(slotID: CK_SLOT_ID, pInfo: *mut CK_TOKEN_INFO) -> CK_RV,
    /// `C_GetMechanismList`.
    pub C_GetMechanismList: unsafe extern "C" fn(
        slotID: CK_SLOT_ID,
        pMechanismList: *mut CK_MECHANISM_TYPE,
        pulCount: *mut CK_ULONG,
    ) -> CK_RV,
    /// `C_GetMechanismInfo`.
    pub C_GetMechanismInfo: unsafe extern "C" fn(
        slotID: CK_SLOT_ID,
        r#type: CK_MECHANISM_TYPE,
        pInfo: *mut CK_MECHANISM_INFO,
    ) -> CK_RV,
    /// `C_InitToken`.
    pub C_InitToken: unsafe extern "C" fn(
        slotID: CK_SLOT_ID,
        pPin: *mut CK_UTF8CHAR,
        ulPinLen: CK_ULONG,
        pLabel: *mut CK_UTF8CHAR,
    ) -> CK_RV,
    /// `C_InitPIN`.
    pub C_InitPIN: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        pPin: *mut CK_UTF8CHAR,
        ulPinLen: CK_ULONG,
    ) -> CK_RV,
    /// `C_SetPIN`.
    pub C_SetPIN: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        pOldPin: *mut CK_UTF8CHAR,
        ulOldLen: CK_ULONG,
        pNewPin: *mut CK_UTF8CHAR,
        ulNewLen: CK_ULONG,
    ) -> CK_RV,
    /// `C_OpenSession`.
    pub C_OpenSession: unsafe extern "C" fn(
        slotID: CK_SLOT_ID,
        flags: CK_FLAGS,
        pApplication: CK_VOID_PTR,
        Notify: CK_NOTIFY,
        phSession: *mut CK_SESSION_HANDLE,
    ) -> CK_RV,
    /// `C_CloseSession`.
    pub C_CloseSession: unsafe extern "C" fn(hSession: CK_SESSION_HANDLE) -> CK_RV,
    /// `C_CloseAllSessions`.
    pub C_CloseAllSessions: unsafe extern "C" fn(slotID: CK_SLOT_ID) -> CK_RV,
    /// `C_GetSessionInfo`.
    pub C_GetSessionInfo:
        unsafe extern "C" fn(hSession: CK_SESSION_HANDLE, pInfo: *mut CK_SESSION_INFO) -> CK_RV,
    /// `C_GetOperationState`.
    pub C_GetOperationState: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        pOperationState: *mut CK_BYTE,
        pulOperationStateLen: *mut CK_ULONG,
    ) -> CK_RV,
    /// `C_SetOperationState`.
    pub C_SetOperationState: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        pOperationState: *mut CK_BYTE,
        ulOperationStateLen: CK_ULONG,
        hEncryptionKey: CK_OBJECT_HANDLE,
        hAuthenticationKey: CK_OBJECT_HANDLE,
    ) -> CK_RV,
    /// `C_Login`.
    pub C_Login: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        userType: CK_USER_TYPE,
        pPin: *mut CK_UTF8CHAR,
        ulPinLen: CK_ULONG,
    ) -> CK_RV,
    /// `C_Logout`.
    pub C_Logout: unsafe extern "C" fn(hSession: CK_SESSION_HANDLE) -> CK_RV,
    /// `C_CreateObject`.
    pub C_CreateObject: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        pTemplate: *mut CK_ATTRIBUTE,
        ulCount: CK_ULONG,
        phObject: *mut CK_OBJECT_HANDLE,
    ) -> CK_RV,
    /// `C_CopyObject`.
    pub C_CopyObject: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        hObject: CK_OBJECT_HANDLE,
        pTemplate: *mut CK_ATTRIBUTE,
        ulCount: CK_ULONG,
        phNewObject: *mut CK_OBJECT_HANDLE,
    ) -> CK_RV,
    /// `C_DestroyObject`.
    pub C_DestroyObject:
        unsafe extern "C" fn(hSession: CK_SESSION_HANDLE, hObject: CK_OBJECT_HANDLE) -> CK_RV,
    /// `C_GetObjectSize`.
    pub C_GetObjectSize: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        hObject: CK_OBJECT_HANDLE,
        pulSize: *mut CK_ULONG,
    ) -> CK_RV,
    /// `C_GetAttributeValue`.
    pub C_GetAttributeValue: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        hObject: CK_OBJECT_HANDLE,
        pTemplate: *mut CK_ATTRIBUTE,
        ulCount: CK_ULONG,
    ) -> CK_RV,
    /// `C_SetAttributeValue`.
    pub C_SetAttributeValue: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        hObject: CK_OBJECT_HANDLE,
        pTemplate: *mut CK_ATTRIBUTE,
        ulCount: CK_ULONG,
    ) -> CK_RV,
    /// `C_FindObjectsInit`.
    pub C_FindObjectsInit: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        pTemplate: *mut CK_ATTRIBUTE,
        ulCount: CK_ULONG,
    ) -> CK_RV,
    /// `C_FindObjects`.
    pub C_FindObjects: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        phObject: *mut CK_OBJECT_HANDLE,
        ulMaxObjectCount: CK_ULONG,
        pulObjectCount: *mut CK_ULONG,
    ) -> CK_RV,
    /// `C_FindObjectsFinal`.
    pub C_FindObjectsFinal: unsafe extern "C" fn(hSession: CK_SESSION_HANDLE) -> CK_RV,
    /// `C_EncryptInit`.
    pub C_EncryptInit: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        pMechanism: *mut CK_MECHANISM,
        hKey: CK_OBJECT_HANDLE,
    ) -> CK_RV,
    /// `C_Encrypt`.
    pub C_Encrypt: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        pData: *mut CK_BYTE,
        ulDataLen: CK_ULONG,
        pEncryptedData: *mut CK_BYTE,
        pulEncryptedDataLen: *mut CK_ULONG,
    ) -> CK_RV,
    /// `C_EncryptUpdate`.
    pub C_EncryptUpdate: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        pPart: *mut CK_BYTE,
        ulPartLen: CK_ULONG,
        pEncryptedPart: *mut CK_BYTE,
        pulEncryptedPartLen: *mut CK_ULONG,
    ) -> CK_RV,
    /// `C_EncryptFinal`.
    pub C_EncryptFinal: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        pLastEncryptedPart: *mut CK_BYTE,
        pulLastEncryptedPartLen: *mut CK_ULONG,
    ) -> CK_RV,
    /// `C_DecryptInit`.
    pub C_DecryptInit: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        pMechanism: *mut CK_MECHANISM,
        hKey: CK_OBJECT_HANDLE,
    ) -> CK_RV,
    /// `C_Decrypt`.
    pub C_Decrypt: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        pEncryptedData: *mut CK_BYTE,
        ulEncryptedDataLen: CK_ULONG,
        pData: *mut CK_BYTE,
        pulDataLen: *mut CK_ULONG,
    ) -> CK_RV,
    /// `C_DecryptUpdate`.
    pub C_DecryptUpdate: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        pEncryptedPart: *mut CK_BYTE,
        ulEncryptedPartLen: CK_ULONG,
        pPart: *mut CK_BYTE,
        pulPartLen: *mut CK_ULONG,
    ) -> CK_RV,
    /// `C_DecryptFinal`.
    pub C_DecryptFinal: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        pLastPart: *mut CK_BYTE,
        pulLastPartLen: *mut CK_ULONG,
    ) -> CK_RV,
    /// `C_DigestInit`.
    pub C_DigestInit:
        unsafe extern "C" fn(hSession: CK_SESSION_HANDLE, pMechanism: *mut CK_MECHANISM) -> CK_RV,
    /// `C_Digest`.
    pub C_Digest: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        pData: *mut CK_BYTE,
        ulDataLen: CK_ULONG,
        pDigest: *mut CK_BYTE,
        pulDigestLen: *mut CK_ULONG,
    ) -> CK_RV,
    /// `C_DigestUpdate`.
    pub C_DigestUpdate: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        pPart: *mut CK_BYTE,
        ulPartLen: CK_ULONG,
    ) -> CK_RV,
    /// `C_DigestKey`.
    pub C_DigestKey:
        unsafe extern "C" fn(hSession: CK_SESSION_HANDLE, hKey: CK_OBJECT_HANDLE) -> CK_RV,
    /// `C_DigestFinal`.
    pub C_DigestFinal: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        pDigest: *mut CK_BYTE,
        pulDigestLen: *mut CK_ULONG,
    ) -> CK_RV,
    /// `C_SignInit`.
    pub C_SignInit: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        pMechanism: *mut CK_MECHANISM,
        hKey: CK_OBJECT_HANDLE,
    ) -> CK_RV,
    /// `C_Sign`.
    pub C_Sign: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        pData: *mut CK_BYTE,
        ulDataLen: CK_ULONG,
        pSignature: *mut CK_BYTE,
        pulSignatureLen: *mut CK_ULONG,
    ) -> CK_RV,
    /// `C_SignUpdate`.
    pub C_SignUpdate: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        pPart: *mut CK_BYTE,
        ulPartLen: CK_ULONG,
    ) -> CK_RV,
    /// `C_SignFinal`.
    pub C_SignFinal: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        pSignature: *mut CK_BYTE,
        pulSignatureLen: *mut CK_ULONG,
    ) -> CK_RV,
    /// `C_SignRecoverInit`.
    pub C_SignRecoverInit: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        pMechanism: *mut CK_MECHANISM,
        hKey: CK_OBJECT_HANDLE,
    ) -> CK_RV,
    /// `C_SignRecover`.
    pub C_SignRecover: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        pData: *mut CK_BYTE,
        ulDataLen: CK_ULONG,
        pSignature: *mut CK_BYTE,
        pulSignatureLen: *mut CK_ULONG,
    ) -> CK_RV,
    /// `C_VerifyInit`.
    pub C_VerifyInit: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        pMechanism: *mut CK_MECHANISM,
        hKey: CK_OBJECT_HANDLE,
    ) -> CK_RV,
    /// `C_Verify`.
    pub C_Verify: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        pData: *mut CK_BYTE,
        ulDataLen: CK_ULONG,
        pSignature: *mut CK_BYTE,
        ulSignatureLen: CK_ULONG,
    ) -> CK_RV,
    /// `C_VerifyUpdate`.
    pub C_VerifyUpdate: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        pPart: *mut CK_BYTE,
        ulPartLen: CK_ULONG,
    ) -> CK_RV,
    /// `C_VerifyFinal`.
    pub C_VerifyFinal: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        pSignature: *mut CK_BYTE,
        ulSignatureLen: CK_ULONG,
    ) -> CK_RV,
    /// `C_VerifyRecoverInit`.
    pub C_VerifyRecoverInit: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        pMechanism: *mut CK_MECHANISM,
        hKey: CK_OBJECT_HANDLE,
    ) -> CK_RV,
    /// `C_VerifyRecover`.
    pub C_VerifyRecover: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        pSignature: *mut CK_BYTE,
        ulSignatureLen: CK_ULONG,
        pData: *mut CK_BYTE,
        pulDataLen: *mut CK_ULONG,
    ) -> CK_RV,
    /// `C_DigestEncryptUpdate`.
    pub C_DigestEncryptUpdate: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        pPart: *mut CK_BYTE,
        ulPartLen: CK_ULONG,
        pEncryptedPart: *mut CK_BYTE,
        pulEncryptedPartLen: *mut CK_ULONG,
    ) -> CK_RV,
    /// `C_DecryptDigestUpdate`.
    pub C_DecryptDigestUpdate: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        pEncryptedPart: *mut CK_BYTE,
        ulEncryptedPartLen: CK_ULONG,
        pPart: *mut CK_BYTE,
        pulPartLen: *mut CK_ULONG,
    ) -> CK_RV,
    /// `C_SignEncryptUpdate`.
    pub C_SignEncryptUpdate: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        pPart: *mut CK_BYTE,
        ulPartLen: CK_ULONG,
        pEncryptedPart: *mut CK_BYTE,
        pulEncryptedPartLen: *mut CK_ULONG,
    ) -> CK_RV,
    /// `C_DecryptVerifyUpdate`.
    pub C_DecryptVerifyUpdate: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        pEncryptedPart: *mut CK_BYTE,
        ulEncryptedPartLen: CK_ULONG,
        pPart: *mut CK_BYTE,
        pulPartLen: *mut CK_ULONG,
    ) -> CK_RV,
    /// `C_GenerateKey`.
    pub C_GenerateKey: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        pMechanism: *mut CK_MECHANISM,
        pTemplate: *mut CK_ATTRIBUTE,
        ulCount: CK_ULONG,
        phKey: *mut CK_OBJECT_HANDLE,
    ) -> CK_RV,
    /// `C_GenerateKeyPair`.
    pub C_GenerateKeyPair: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        pMechanism: *mut CK_MECHANISM,
        pPublicKeyTemplate: *mut CK_ATTRIBUTE,
        ulPublicKeyAttributeCount: CK_ULONG,
        pPrivateKeyTemplate: *mut CK_ATTRIBUTE,
        ulPrivateKeyAttributeCount: CK_ULONG,
        phPublicKey: *mut CK_OBJECT_HANDLE,
        phPrivateKey: *mut CK_OBJECT_HANDLE,
    ) -> CK_RV,
    /// `C_WrapKey`.
    pub C_WrapKey: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        pMechanism: *mut CK_MECHANISM,
        hWrappingKey: CK_OBJECT_HANDLE,
        hKey: CK_OBJECT_HANDLE,
        pWrappedKey: *mut CK_BYTE,
        pulWrappedKeyLen: *mut CK_ULONG,
    ) -> CK_RV,
    /// `C_UnwrapKey`.
    pub C_UnwrapKey: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        pMechanism: *mut CK_MECHANISM,
        hUnwrappingKey: CK_OBJECT_HANDLE,
        pWrappedKey: *mut CK_BYTE,
        ulWrappedKeyLen: CK_ULONG,
        pTemplate: *mut CK_ATTRIBUTE,
        ulAttributeCount: CK_ULONG,
        phKey: *mut CK_OBJECT_HANDLE,
    ) -> CK_RV,
    /// `C_DeriveKey`.
    pub C_DeriveKey: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        pMechanism: *mut CK_MECHANISM,
        hBaseKey: CK_OBJECT_HANDLE,
        pTemplate: *mut CK_ATTRIBUTE,
        ulAttributeCount: CK_ULONG,
        phKey: *mut CK_OBJECT_HANDLE,
    ) -> CK_RV,
    /// `C_SeedRandom`.
    pub C_SeedRandom: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        pSeed: *mut CK_BYTE,
        ulSeedLen: CK_ULONG,
    ) -> CK_RV,
    /// `C_GenerateRandom`.
    pub C_GenerateRandom: unsafe extern "C" fn(
        hSession: CK_SESSION_HANDLE,
        RandomData: *mut CK_BYTE,
        ulRandomLen: CK_ULONG,
    ) -> CK_RV,
    /// `C_GetFunctionStatus` (legacy).
    pub C_GetFunctionStatus: unsafe extern "C" fn(hSession: CK_SESSION_HANDLE) -> CK_RV,
    /// `C_CancelFunction` (legacy).
    pub C_CancelFunction: unsafe extern "C" fn(hSession: CK_SESSION_HANDLE) -> CK_RV,
    /// `C_WaitForSlotEvent`.
    pub C_WaitForSlotEvent: unsafe extern "C" fn(
        flags: CK_FLAGS,
        pSlot: *mut CK_SLOT_ID,
        pReserved: CK_VOID_PTR,
    ) -> CK_RV,
}

/// Number of function pointers in [`CK_FUNCTION_LIST`].
pub const FUNCTION_COUNT: usize = 68;

// The list is the version followed by exactly 68 pointer-sized entries.
const _: () = assert!(
    core::mem::size_of::<CK_FUNCTION_LIST>()
        == (FUNCTION_COUNT + 1) * core::mem::size_of::<*const c_void>()
);
