//! The function list, calls before `C_Initialize`, and `C_Initialize`/`C_Finalize` themselves
//! (argument checks, double initialisation, the application's mutex callbacks).

mod common;

use common::*;
use std::ffi::c_void;
use std::ptr::null_mut;
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering};

#[test]
fn function_list_is_complete_and_version_2_40() {
    let _serial = serial();
    let f = functions();
    assert_eq!(
        f.version,
        CK_VERSION {
            major: 2,
            minor: 40
        }
    );
    let entries = raw_entries(f);
    assert_eq!(entries.len(), 68);
    for (i, e) in entries.iter().enumerate() {
        assert_ne!(*e, 0, "entry {i} is NULL");
    }
    assert_eq!(
        std::mem::size_of::<CK_FUNCTION_LIST>(),
        69 * std::mem::size_of::<usize>()
    );
    // The list's C_GetFunctionList is the exported one.
    let mut again: *mut CK_FUNCTION_LIST = null_mut();
    // SAFETY: `again` is writable.
    assert_eq!(unsafe { (f.C_GetFunctionList)(&mut again) }, CKR_OK);
    assert_eq!(again.cast_const(), f as *const CK_FUNCTION_LIST);
    // SAFETY: NULL is rejected.
    assert_eq!(
        unsafe { core_pkcs11_ffi::C_GetFunctionList(null_mut()) },
        CKR_ARGUMENTS_BAD
    );
}

#[test]
fn every_call_before_initialize_is_not_initialized() {
    let lib = Lib::uninitialized();
    let f = lib.f;
    let n = null_mut();
    let b = null_bytes();
    let ul: *mut CK_ULONG = null_mut();
    let attrs: *mut CK_ATTRIBUTE = null_mut();
    let mech: *mut CK_MECHANISM = null_mut();
    // SAFETY: every call is rejected before any argument is used.
    let results: Vec<(&str, CK_RV)> = unsafe {
        vec![
            ("C_Finalize", (f.C_Finalize)(n)),
            ("C_GetInfo", (f.C_GetInfo)(null_mut())),
            ("C_GetSlotList", (f.C_GetSlotList)(CK_TRUE, ul, ul)),
            ("C_GetSlotInfo", (f.C_GetSlotInfo)(SLOT_ID, null_mut())),
            ("C_GetTokenInfo", (f.C_GetTokenInfo)(SLOT_ID, null_mut())),
            (
                "C_GetMechanismList",
                (f.C_GetMechanismList)(SLOT_ID, ul, ul),
            ),
            (
                "C_GetMechanismInfo",
                (f.C_GetMechanismInfo)(SLOT_ID, CKM_SHA256, null_mut()),
            ),
            ("C_InitToken", (f.C_InitToken)(SLOT_ID, b, 0, b)),
            ("C_InitPIN", (f.C_InitPIN)(1, b, 0)),
            ("C_SetPIN", (f.C_SetPIN)(1, b, 0, b, 0)),
            (
                "C_OpenSession",
                (f.C_OpenSession)(SLOT_ID, CKF_SERIAL_SESSION, n, None, ul),
            ),
            ("C_CloseSession", (f.C_CloseSession)(1)),
            ("C_CloseAllSessions", (f.C_CloseAllSessions)(SLOT_ID)),
            ("C_GetSessionInfo", (f.C_GetSessionInfo)(1, null_mut())),
            ("C_GetOperationState", (f.C_GetOperationState)(1, b, ul)),
            (
                "C_SetOperationState",
                (f.C_SetOperationState)(1, b, 0, 0, 0),
            ),
            ("C_Login", (f.C_Login)(1, CKU_USER, b, 0)),
            ("C_Logout", (f.C_Logout)(1)),
            ("C_CreateObject", (f.C_CreateObject)(1, attrs, 0, ul)),
            ("C_CopyObject", (f.C_CopyObject)(1, 1, attrs, 0, ul)),
            ("C_DestroyObject", (f.C_DestroyObject)(1, 1)),
            ("C_GetObjectSize", (f.C_GetObjectSize)(1, 1, ul)),
            (
                "C_GetAttributeValue",
                (f.C_GetAttributeValue)(1, 1, attrs, 0),
            ),
            (
                "C_SetAttributeValue",
                (f.C_SetAttributeValue)(1, 1, attrs, 0),
            ),
            ("C_FindObjectsInit", (f.C_FindObjectsInit)(1, attrs, 0)),
            ("C_FindObjects", (f.C_FindObjects)(1, ul, 0, ul)),
            ("C_FindObjectsFinal", (f.C_FindObjectsFinal)(1)),
            ("C_EncryptInit", (f.C_EncryptInit)(1, mech, 0)),
            ("C_Encrypt", (f.C_Encrypt)(1, b, 0, b, ul)),
            ("C_EncryptUpdate", (f.C_EncryptUpdate)(1, b, 0, b, ul)),
            ("C_EncryptFinal", (f.C_EncryptFinal)(1, b, ul)),
            ("C_DecryptInit", (f.C_DecryptInit)(1, mech, 0)),
            ("C_Decrypt", (f.C_Decrypt)(1, b, 0, b, ul)),
            ("C_DecryptUpdate", (f.C_DecryptUpdate)(1, b, 0, b, ul)),
            ("C_DecryptFinal", (f.C_DecryptFinal)(1, b, ul)),
            ("C_DigestInit", (f.C_DigestInit)(1, mech)),
            ("C_Digest", (f.C_Digest)(1, b, 0, b, ul)),
            ("C_DigestUpdate", (f.C_DigestUpdate)(1, b, 0)),
            ("C_DigestKey", (f.C_DigestKey)(1, 1)),
            ("C_DigestFinal", (f.C_DigestFinal)(1, b, ul)),
            ("C_SignInit", (f.C_SignInit)(1, mech, 0)),
            ("C_Sign", (f.C_Sign)(1, b, 0, b, ul)),
            ("C_SignUpdate", (f.C_SignUpdate)(1, b, 0)),
            ("C_SignFinal", (f.C_SignFinal)(1, b, ul)),
            ("C_SignRecoverInit", (f.C_SignRecoverInit)(1, mech, 0)),
            ("C_SignRecover", (f.C_SignRecover)(1, b, 0, b, ul)),
            ("C_VerifyInit", (f.C_VerifyInit)(1, mech, 0)),
            ("C_Verify", (f.C_Verify)(1, b, 0, b, 0)),
            ("C_VerifyUpdate", (f.C_VerifyUpdate)(1, b, 0)),
            ("C_VerifyFinal", (f.C_VerifyFinal)(1, b, 0)),
            ("C_VerifyRecoverInit", (f.C_VerifyRecoverInit)(1, mech, 0)),
            ("C_VerifyRecover", (f.C_VerifyRecover)(1, b, 0, b, ul)),
            (
                "C_DigestEncryptUpdate",
                (f.C_DigestEncryptUpdate)(1, b, 0, b, ul),
            ),
            (
                "C_DecryptDigestUpdate",
                (f.C_DecryptDigestUpdate)(1, b, 0, b, ul),
            ),
            (
                "C_SignEncryptUpdate",
                (f.C_SignEncryptUpdate)(1, b, 0, b, ul),
            ),
            (
                "C_DecryptVerifyUpdate",
                (f.C_DecryptVerifyUpdate)(1, b, 0, b, ul),
            ),
            ("C_GenerateKey", (f.C_GenerateKey)(1, mech, attrs, 0, ul)),
            (
                "C_GenerateKeyPair",
                (f.C_GenerateKeyPair)(1, mech, attrs, 0, attrs, 0, ul, ul),
            ),
            ("C_WrapKey", (f.C_WrapKey)(1, mech, 1, 1, b, ul)),
            (
                "C_UnwrapKey",
                (f.C_UnwrapKey)(1, mech, 1, b, 0, attrs, 0, ul),
            ),
            ("C_DeriveKey", (f.C_DeriveKey)(1, mech, 1, attrs, 0, ul)),
            ("C_SeedRandom", (f.C_SeedRandom)(1, b, 0)),
            ("C_GenerateRandom", (f.C_GenerateRandom)(1, b, 0)),
            ("C_GetFunctionStatus", (f.C_GetFunctionStatus)(1)),
            ("C_CancelFunction", (f.C_CancelFunction)(1)),
            ("C_WaitForSlotEvent", (f.C_WaitForSlotEvent)(0, ul, n)),
        ]
    };
    // All 68 entries but C_GetFunctionList and C_Initialize.
    assert_eq!(results.len(), 66);
    for (name, rv) in results {
        assert_eq!(rv, CKR_CRYPTOKI_NOT_INITIALIZED, "{name}");
    }
    // The same for the core_pkcs11.h helpers that need a session.
    let mut handle: CK_OBJECT_HANDLE = 7;
    let mut label = *b"x";
    // SAFETY: valid pointers.
    let rv = unsafe {
        core_pkcs11_ffi::xFindObjectWithLabelAndClass(
            1,
            label.as_mut_ptr().cast(),
            1,
            CKO_CERTIFICATE,
            &mut handle,
        )
    };
    assert_eq!(rv, CKR_CRYPTOKI_NOT_INITIALIZED);
}

fn init_args(flags: CK_FLAGS) -> CK_C_INITIALIZE_ARGS {
    CK_C_INITIALIZE_ARGS {
        CreateMutex: None,
        DestroyMutex: None,
        LockMutex: None,
        UnlockMutex: None,
        flags,
        pReserved: null_mut(),
    }
}

fn initialize(lib: &Lib, args: &mut CK_C_INITIALIZE_ARGS) -> CK_RV {
    // SAFETY: `args` is a valid CK_C_INITIALIZE_ARGS.
    unsafe { (lib.f.C_Initialize)((args as *mut CK_C_INITIALIZE_ARGS).cast()) }
}

static CREATED: AtomicUsize = AtomicUsize::new(0);
static DESTROYED: AtomicUsize = AtomicUsize::new(0);
static LOCKS: AtomicUsize = AtomicUsize::new(0);
static DEPTH: AtomicIsize = AtomicIsize::new(0);
static FAIL_CREATE: AtomicUsize = AtomicUsize::new(0);
static FAIL_LOCK: AtomicUsize = AtomicUsize::new(0);
static MUTEX_TOKEN: u8 = 0;

fn reset_counters() {
    for c in [&CREATED, &DESTROYED, &LOCKS, &FAIL_CREATE, &FAIL_LOCK] {
        c.store(0, Ordering::SeqCst);
    }
    DEPTH.store(0, Ordering::SeqCst);
}

fn mutex_handle() -> *mut c_void {
    (&MUTEX_TOKEN as *const u8).cast_mut().cast()
}

unsafe extern "C" fn create_mutex(pp: *mut *mut c_void) -> CK_RV {
    if FAIL_CREATE.load(Ordering::SeqCst) != 0 {
        return CKR_HOST_MEMORY;
    }
    CREATED.fetch_add(1, Ordering::SeqCst);
    // SAFETY: the library passes a writable pointer.
    unsafe { pp.write(mutex_handle()) };
    CKR_OK
}

unsafe extern "C" fn destroy_mutex(p: *mut c_void) -> CK_RV {
    assert_eq!(p, mutex_handle());
    DESTROYED.fetch_add(1, Ordering::SeqCst);
    CKR_OK
}

unsafe extern "C" fn lock_mutex(p: *mut c_void) -> CK_RV {
    assert_eq!(p, mutex_handle());
    if FAIL_LOCK.load(Ordering::SeqCst) != 0 {
        return CKR_CANT_LOCK;
    }
    LOCKS.fetch_add(1, Ordering::SeqCst);
    assert_eq!(
        DEPTH.fetch_add(1, Ordering::SeqCst),
        0,
        "mutex locked twice"
    );
    CKR_OK
}

unsafe extern "C" fn unlock_mutex(p: *mut c_void) -> CK_RV {
    assert_eq!(p, mutex_handle());
    assert_eq!(DEPTH.fetch_sub(1, Ordering::SeqCst), 1, "mutex not locked");
    CKR_OK
}

fn callback_args(flags: CK_FLAGS) -> CK_C_INITIALIZE_ARGS {
    CK_C_INITIALIZE_ARGS {
        CreateMutex: Some(create_mutex),
        DestroyMutex: Some(destroy_mutex),
        LockMutex: Some(lock_mutex),
        UnlockMutex: Some(unlock_mutex),
        flags,
        pReserved: null_mut(),
    }
}

#[test]
fn initialize_rejects_reserved_pointer() {
    let lib = Lib::uninitialized();
    let mut reserved = 0u8;
    let mut a = init_args(CKF_OS_LOCKING_OK);
    a.pReserved = (&mut reserved as *mut u8).cast();
    assert_eq!(initialize(&lib, &mut a), CKR_ARGUMENTS_BAD);
    // Still not initialised.
    // SAFETY: NULL is valid.
    assert_eq!(
        unsafe { (lib.f.C_Finalize)(null_mut()) },
        CKR_CRYPTOKI_NOT_INITIALIZED
    );
}

#[test]
fn initialize_rejects_partial_mutex_callbacks() {
    let lib = Lib::uninitialized();
    let full = callback_args(0);
    let partial = [
        CK_C_INITIALIZE_ARGS {
            CreateMutex: None,
            LockMutex: None,
            ..full
        },
        CK_C_INITIALIZE_ARGS {
            DestroyMutex: None,
            UnlockMutex: None,
            ..full
        },
        CK_C_INITIALIZE_ARGS {
            CreateMutex: None,
            ..full
        },
        CK_C_INITIALIZE_ARGS {
            UnlockMutex: None,
            flags: CKF_OS_LOCKING_OK,
            ..full
        },
        CK_C_INITIALIZE_ARGS {
            CreateMutex: None,
            DestroyMutex: None,
            LockMutex: None,
            ..full
        },
    ];
    for (i, mut a) in partial.into_iter().enumerate() {
        assert_eq!(initialize(&lib, &mut a), CKR_ARGUMENTS_BAD, "case {i}");
    }
    // SAFETY: NULL is valid.
    assert_eq!(
        unsafe { (lib.f.C_Finalize)(null_mut()) },
        CKR_CRYPTOKI_NOT_INITIALIZED
    );
}

#[test]
fn initialize_never_lets_a_failure_cross_the_abi() {
    // Whatever the token does while opening (including an internal panic), C_Initialize
    // returns a CK_RV: CKR_OK once the engine is complete, CKR_GENERAL_ERROR while it panics.
    let lib = Lib::uninitialized();
    // SAFETY: NULL is valid.
    let rv = unsafe { (lib.f.C_Initialize)(null_mut()) };
    assert!(rv == CKR_OK || rv == CKR_GENERAL_ERROR, "rv {rv:#x}");
    if rv != CKR_OK {
        // A failed C_Initialize leaves the library uninitialised.
        // SAFETY: NULL is valid.
        assert_eq!(
            unsafe { (lib.f.C_Finalize)(null_mut()) },
            CKR_CRYPTOKI_NOT_INITIALIZED
        );
    }
}

#[test]
fn initialize_twice_is_already_initialized() {
    let lib = Lib::initialized();
    // SAFETY: NULL is valid.
    assert_eq!(
        unsafe { (lib.f.C_Initialize)(null_mut()) },
        CKR_CRYPTOKI_ALREADY_INITIALIZED
    );
    let mut a = init_args(CKF_OS_LOCKING_OK);
    assert_eq!(initialize(&lib, &mut a), CKR_CRYPTOKI_ALREADY_INITIALIZED);
}

#[test]
fn finalize_checks_its_argument_and_state() {
    let lib = Lib::initialized();
    let mut reserved = 0u8;
    // SAFETY: the pointer is rejected, never used.
    assert_eq!(
        unsafe { (lib.f.C_Finalize)((&mut reserved as *mut u8).cast()) },
        CKR_ARGUMENTS_BAD
    );
    // SAFETY: NULL is valid.
    assert_eq!(unsafe { (lib.f.C_Finalize)(null_mut()) }, CKR_OK);
    // SAFETY: NULL is valid.
    assert_eq!(
        unsafe { (lib.f.C_Finalize)(null_mut()) },
        CKR_CRYPTOKI_NOT_INITIALIZED
    );
    // And it can be initialised again.
    // SAFETY: NULL is valid.
    assert_eq!(unsafe { (lib.f.C_Initialize)(null_mut()) }, CKR_OK);
}

#[test]
fn initialize_with_os_locking_ok_and_flags_only() {
    let lib = Lib::uninitialized();
    let mut a = init_args(CKF_OS_LOCKING_OK);
    assert_eq!(initialize(&lib, &mut a), CKR_OK);
    // SAFETY: NULL is valid.
    assert_eq!(unsafe { (lib.f.C_Finalize)(null_mut()) }, CKR_OK);
    let mut a = init_args(CKF_LIBRARY_CANT_CREATE_OS_THREADS);
    assert_eq!(initialize(&lib, &mut a), CKR_OK);
}

#[test]
fn application_mutex_callbacks_are_used() {
    let lib = Lib::uninitialized();
    reset_counters();
    let mut a = callback_args(0);
    assert_eq!(initialize(&lib, &mut a), CKR_OK);
    assert_eq!(CREATED.load(Ordering::SeqCst), 1);
    let before = LOCKS.load(Ordering::SeqCst);
    let mut info = std::mem::MaybeUninit::<CK_INFO>::uninit();
    // SAFETY: `info` is writable.
    assert_eq!(unsafe { (lib.f.C_GetInfo)(info.as_mut_ptr()) }, CKR_OK);
    let mut count: CK_ULONG = 0;
    // SAFETY: `count` is writable.
    assert_eq!(
        unsafe { (lib.f.C_GetSlotList)(CK_TRUE, null_mut(), &mut count) },
        CKR_OK
    );
    assert_eq!(LOCKS.load(Ordering::SeqCst), before + 2);
    assert_eq!(DEPTH.load(Ordering::SeqCst), 0);

    // A failing LockMutex is returned and the call does not run.
    FAIL_LOCK.store(1, Ordering::SeqCst);
    // SAFETY: `count` is writable.
    assert_eq!(
        unsafe { (lib.f.C_GetSlotList)(CK_TRUE, null_mut(), &mut count) },
        CKR_CANT_LOCK
    );
    FAIL_LOCK.store(0, Ordering::SeqCst);

    // SAFETY: NULL is valid.
    assert_eq!(unsafe { (lib.f.C_Finalize)(null_mut()) }, CKR_OK);
    assert_eq!(DESTROYED.load(Ordering::SeqCst), 1);
    assert_eq!(DEPTH.load(Ordering::SeqCst), 0);
    // After C_Finalize the callbacks are no longer used.
    let locks = LOCKS.load(Ordering::SeqCst);
    // SAFETY: `count` is writable.
    assert_eq!(
        unsafe { (lib.f.C_GetSlotList)(CK_TRUE, null_mut(), &mut count) },
        CKR_CRYPTOKI_NOT_INITIALIZED
    );
    assert_eq!(LOCKS.load(Ordering::SeqCst), locks);
}

#[test]
fn application_mutex_not_used_with_os_locking_ok() {
    let lib = Lib::uninitialized();
    reset_counters();
    let mut a = callback_args(CKF_OS_LOCKING_OK);
    assert_eq!(initialize(&lib, &mut a), CKR_OK);
    let mut count: CK_ULONG = 0;
    // SAFETY: `count` is writable.
    assert_eq!(
        unsafe { (lib.f.C_GetSlotList)(CK_TRUE, null_mut(), &mut count) },
        CKR_OK
    );
    // SAFETY: NULL is valid.
    assert_eq!(unsafe { (lib.f.C_Finalize)(null_mut()) }, CKR_OK);
    assert_eq!(CREATED.load(Ordering::SeqCst), 0);
    assert_eq!(LOCKS.load(Ordering::SeqCst), 0);
    assert_eq!(DESTROYED.load(Ordering::SeqCst), 0);
}

#[test]
fn failing_create_mutex_fails_initialize() {
    let lib = Lib::uninitialized();
    reset_counters();
    FAIL_CREATE.store(1, Ordering::SeqCst);
    let mut a = callback_args(0);
    let rv = initialize(&lib, &mut a);
    FAIL_CREATE.store(0, Ordering::SeqCst);
    assert_eq!(rv, CKR_HOST_MEMORY);
    // SAFETY: NULL is valid.
    assert_eq!(
        unsafe { (lib.f.C_Finalize)(null_mut()) },
        CKR_CRYPTOKI_NOT_INITIALIZED
    );
}
