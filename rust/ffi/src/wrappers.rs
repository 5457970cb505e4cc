//! The helper functions `core_pkcs11.h` declares (`xInitializePKCS11`, `xGetSlotList`, …),
//! built on this library's own `C_*` functions (called directly, not through a function list).

use crate::args;
use crate::general::C_Initialize;
use crate::objects::{C_FindObjects, C_FindObjectsFinal, C_FindObjectsInit};
use crate::session::{C_Login, C_OpenSession};
use crate::shim;
use crate::slot_token::{C_GetSlotList, C_GetTokenInfo, C_InitToken};
use crate::types::*;
use alloc::vec;
use core::ffi::{c_char, c_void};
use core::mem::size_of;
use core::ptr::null_mut;
use core_pkcs11_engine::ck::*;
use core_pkcs11_engine::info::blank_padded;

/// `pkcs11STUFF_APPENDED_TO_RSA_SIG`: the DER DigestInfo prefix of a SHA-256 hash
/// (`SEQUENCE { SEQUENCE { OID sha256, NULL }, OCTET STRING (32 bytes) }`).
pub const SHA256_DIGEST_INFO_PREFIX: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

/// Label `xInitializePkcs11Token` gives a fresh token.
const DEFAULT_TOKEN_LABEL: &[u8] = b"FreeRTOS";

/// `CKR_OK` or the error carried by `result`.
fn to_rv(result: Result<(), CK_RV>) -> CK_RV {
    match result {
        Ok(()) => CKR_OK,
        Err(rv) => rv,
    }
}

/// `Err(rv)` unless `rv` is `CKR_OK`.
fn check(rv: CK_RV) -> Result<(), CK_RV> {
    if rv == CKR_OK {
        Ok(())
    } else {
        Err(rv)
    }
}

/// `xInitializePKCS11`: `C_Initialize` with `CKF_OS_LOCKING_OK` and no mutex callbacks.
#[no_mangle]
pub extern "C" fn xInitializePKCS11() -> CK_RV {
    let mut init_args = CK_C_INITIALIZE_ARGS {
        CreateMutex: None,
        DestroyMutex: None,
        LockMutex: None,
        UnlockMutex: None,
        flags: CKF_OS_LOCKING_OK,
        pReserved: null_mut(),
    };
    // SAFETY: a valid CK_C_INITIALIZE_ARGS on this stack frame, read during the call only.
    unsafe { C_Initialize(core::ptr::addr_of_mut!(init_args).cast::<c_void>()) }
}

/// Initialises the library, accepting an already initialised one.
fn initialize() -> Result<(), CK_RV> {
    match xInitializePKCS11() {
        CKR_OK | CKR_CRYPTOKI_ALREADY_INITIALIZED => Ok(()),
        rv => Err(rv),
    }
}

/// The first slot with a token.
fn first_slot() -> Result<CK_SLOT_ID, CK_RV> {
    let mut count: CK_ULONG = 0;
    // SAFETY: `count` is a valid CK_ULONG; a NULL list asks for the count only.
    check(unsafe { C_GetSlotList(CK_TRUE, null_mut(), &mut count) })?;
    let n = args::to_usize(count)?;
    if n == 0 {
        return Err(CKR_SLOT_ID_INVALID);
    }
    let mut slots = vec![0 as CK_SLOT_ID; n];
    // SAFETY: `slots` holds `count` writable slot IDs.
    check(unsafe { C_GetSlotList(CK_TRUE, slots.as_mut_ptr(), &mut count) })?;
    slots.first().copied().ok_or(CKR_SLOT_ID_INVALID)
}

/// `xGetSlotList`: the slots with a token, in a buffer allocated with
/// `pkcs11configPKCS11_MALLOC` that the caller frees with `pkcs11configPKCS11_FREE`. On
/// failure nothing stays allocated and `*ppxSlotId` is NULL.
///
/// # Safety
/// `ppxSlotId` is NULL or writable for a pointer; `pxSlotCount` is NULL or writable for a
/// `CK_ULONG`.
#[no_mangle]
pub unsafe extern "C" fn xGetSlotList(
    ppxSlotId: *mut *mut CK_SLOT_ID,
    pxSlotCount: *mut CK_ULONG,
) -> CK_RV {
    if ppxSlotId.is_null() || pxSlotCount.is_null() {
        return CKR_ARGUMENTS_BAD;
    }
    let mut count: CK_ULONG = 0;
    // SAFETY: `count` is a valid CK_ULONG; a NULL list asks for the count only.
    let rv = unsafe { C_GetSlotList(CK_TRUE, null_mut(), &mut count) };
    if rv != CKR_OK {
        // SAFETY: non-NULL and writable (caller).
        unsafe { ppxSlotId.write_unaligned(null_mut()) };
        return rv;
    }
    let Some(bytes) = usize::try_from(count)
        .ok()
        .and_then(|n| n.max(1).checked_mul(size_of::<CK_SLOT_ID>()))
    else {
        return CKR_HOST_MEMORY;
    };
    // SAFETY: the configured malloc, callable with any size.
    let list = unsafe { shim::core_pkcs11_cfg_malloc(bytes) }.cast::<CK_SLOT_ID>();
    if list.is_null() {
        // SAFETY: non-NULL and writable (caller).
        unsafe { ppxSlotId.write_unaligned(null_mut()) };
        return CKR_HOST_MEMORY;
    }
    // SAFETY: `list` holds room for `count` slot IDs (at least one), `count` is a valid
    // CK_ULONG. C_GetSlotList writes its entries unaligned, so malloc's alignment suffices.
    let rv = unsafe { C_GetSlotList(CK_TRUE, list, &mut count) };
    if rv != CKR_OK {
        // SAFETY: `list` came from the configured malloc and is freed once.
        unsafe { shim::core_pkcs11_cfg_free(list.cast()) };
        // SAFETY: non-NULL and writable (caller).
        unsafe { ppxSlotId.write_unaligned(null_mut()) };
        return rv;
    }
    // SAFETY: both non-NULL and writable (caller).
    unsafe {
        ppxSlotId.write_unaligned(list);
        pxSlotCount.write_unaligned(count);
    }
    CKR_OK
}

/// `xInitializePkcs11Session`: initialises the library (an initialised one is fine), opens a
/// read/write session on the first slot into `*pxSession` and logs the user in with
/// `pkcs11configPKCS11_DEFAULT_USER_PIN` (already logged in is fine).
///
/// # Safety
/// `pxSession` is NULL or writable for a `CK_SESSION_HANDLE`.
#[no_mangle]
pub unsafe extern "C" fn xInitializePkcs11Session(pxSession: *mut CK_SESSION_HANDLE) -> CK_RV {
    if pxSession.is_null() {
        return CKR_ARGUMENTS_BAD;
    }
    to_rv((|| {
        initialize()?;
        let slot = first_slot()?;
        let mut session: CK_SESSION_HANDLE = CK_INVALID_HANDLE;
        // SAFETY: `session` is writable; no application pointer or callback is passed.
        check(unsafe {
            C_OpenSession(
                slot,
                CKF_SERIAL_SESSION | CKF_RW_SESSION,
                null_mut(),
                None,
                &mut session,
            )
        })?;
        // SAFETY: non-NULL and writable (caller).
        unsafe { pxSession.write_unaligned(session) };
        let pin = crate::config::default_user_pin();
        let pin_len = args::to_ulong(pin.len())?;
        // SAFETY: `pin` is readable for `pin_len` bytes; C_Login only reads it.
        match unsafe { C_Login(session, CKU_USER, pin.as_ptr().cast_mut(), pin_len) } {
            CKR_OK | CKR_USER_ALREADY_LOGGED_IN => Ok(()),
            rv => Err(rv),
        }
    })())
}

/// `CK_INVALID_HANDLE`.
const CK_INVALID_HANDLE: CK_ULONG = core_pkcs11_engine::ck::INVALID_HANDLE;

/// `xInitializePkcs11Token`: initialises the library and, unless the first slot's token is
/// already initialised, initialises it with the default PIN and the label "FreeRTOS".
#[no_mangle]
pub extern "C" fn xInitializePkcs11Token() -> CK_RV {
    to_rv((|| {
        initialize()?;
        let slot = first_slot()?;
        let mut info = core::mem::MaybeUninit::<CK_TOKEN_INFO>::uninit();
        // SAFETY: `info` is writable for a CK_TOKEN_INFO.
        check(unsafe { C_GetTokenInfo(slot, info.as_mut_ptr()) })?;
        // SAFETY: C_GetTokenInfo returned CKR_OK, so it wrote the whole structure.
        let info = unsafe { info.assume_init() };
        if info.flags & CKF_TOKEN_INITIALIZED != 0 {
            return Ok(());
        }
        let pin = crate::config::default_user_pin();
        let pin_len = args::to_ulong(pin.len())?;
        let mut label: [u8; 32] = blank_padded(DEFAULT_TOKEN_LABEL);
        // SAFETY: `pin` is readable for `pin_len` bytes and `label` for 32; C_InitToken only
        // reads them.
        check(unsafe { C_InitToken(slot, pin.as_ptr().cast_mut(), pin_len, label.as_mut_ptr()) })
    })())
}

/// `xFindObjectWithLabelAndClass`: the first object whose `CKA_LABEL` is the given label and
/// whose `CKA_CLASS` is `xClass`; `*pxHandle` is `CK_INVALID_HANDLE` (and the result
/// `CKR_OK`) when there is none.
///
/// # Safety
/// `pcLabelName` is NULL or readable for `ulLabelNameLen` bytes; `pxHandle` is NULL or
/// writable for a `CK_OBJECT_HANDLE`.
#[no_mangle]
pub unsafe extern "C" fn xFindObjectWithLabelAndClass(
    xSession: CK_SESSION_HANDLE,
    pcLabelName: *mut c_char,
    ulLabelNameLen: CK_ULONG,
    xClass: CK_OBJECT_CLASS,
    pxHandle: CK_OBJECT_HANDLE_PTR,
) -> CK_RV {
    if pcLabelName.is_null() || pxHandle.is_null() {
        return CKR_ARGUMENTS_BAD;
    }
    let mut class = xClass;
    let mut template = [
        CK_ATTRIBUTE {
            r#type: CKA_LABEL,
            pValue: pcLabelName.cast(),
            ulValueLen: ulLabelNameLen,
        },
        CK_ATTRIBUTE {
            r#type: CKA_CLASS,
            pValue: core::ptr::addr_of_mut!(class).cast(),
            ulValueLen: size_of::<CK_OBJECT_CLASS>() as CK_ULONG,
        },
    ];
    // SAFETY: the template's two entries point to the caller's label (readable for its length,
    // caller) and to `class`; C_FindObjectsInit only reads them.
    let rv = unsafe { C_FindObjectsInit(xSession, template.as_mut_ptr(), 2) };
    if rv != CKR_OK {
        return rv;
    }
    let mut count: CK_ULONG = 0;
    // SAFETY: `pxHandle` is writable for one handle (caller); `count` is writable.
    let found = unsafe { C_FindObjects(xSession, pxHandle, 1, &mut count) };
    if found == CKR_OK && count == 0 {
        // SAFETY: non-NULL and writable (caller).
        unsafe { pxHandle.write_unaligned(CK_INVALID_HANDLE) };
    }
    // SAFETY: no pointer argument.
    let finished = unsafe { C_FindObjectsFinal(xSession) };
    if found != CKR_OK {
        found
    } else {
        finished
    }
}

/// `vAppendSHA256AlgorithmIdentifierSequence`: writes the 19-byte SHA-256 DigestInfo prefix
/// followed by the 32-byte hash into the 51-byte output (the `CKM_RSA_PKCS` input).
///
/// # Safety
/// `x32ByteHashedMessage` is NULL or readable for 32 bytes; `x51ByteHashOidBuffer` is NULL or
/// writable for 51 bytes. They may overlap.
#[no_mangle]
pub unsafe extern "C" fn vAppendSHA256AlgorithmIdentifierSequence(
    x32ByteHashedMessage: *const u8,
    x51ByteHashOidBuffer: *mut u8,
) -> CK_RV {
    // SAFETY: NULL is rejected; otherwise readable for 32 bytes (caller). Copied out first, so
    // an overlapping output is fine.
    let hash = match unsafe { args::read(x32ByteHashedMessage.cast::<[u8; 32]>()) } {
        Ok(h) => h,
        Err(rv) => return rv,
    };
    if x51ByteHashOidBuffer.is_null() {
        return CKR_ARGUMENTS_BAD;
    }
    let mut out = [0u8; 51];
    out[..19].copy_from_slice(&SHA256_DIGEST_INFO_PREFIX);
    out[19..].copy_from_slice(&hash);
    // SAFETY: non-NULL and writable for 51 bytes (caller).
    unsafe { x51ByteHashOidBuffer.cast::<[u8; 51]>().write_unaligned(out) };
    CKR_OK
}
