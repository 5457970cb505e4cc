//! The `core_pkcs11.h` helper functions.

mod common;

use common::*;
use core_pkcs11_ffi::{
    vAppendSHA256AlgorithmIdentifierSequence, xFindObjectWithLabelAndClass, xGetSlotList,
    xInitializePKCS11, xInitializePkcs11Session, xInitializePkcs11Token,
};
use std::ffi::c_void;
use std::mem::MaybeUninit;
use std::ptr::null_mut;

extern "C" {
    /// `pkcs11configPKCS11_FREE`, as the configuration shim exposes it.
    fn core_pkcs11_cfg_free(ptr: *mut c_void);
}

const PREFIX: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

#[test]
fn initialize_pkcs11_then_already_initialized() {
    let lib = Lib::uninitialized();
    assert_eq!(xInitializePKCS11(), CKR_OK);
    assert_eq!(xInitializePKCS11(), CKR_CRYPTOKI_ALREADY_INITIALIZED);
    drop(lib);
}

#[test]
fn initialize_session_twice() {
    let lib = Lib::uninitialized();
    let mut first: CK_SESSION_HANDLE = 0;
    let mut second: CK_SESSION_HANDLE = 0;
    // SAFETY: writable handles.
    unsafe {
        assert_eq!(xInitializePkcs11Session(&mut first), CKR_OK);
        // Already initialised and already logged in are both fine.
        assert_eq!(xInitializePkcs11Session(&mut second), CKR_OK);
    }
    assert_ne!(first, 0);
    assert_ne!(second, 0);
    assert_ne!(first, second);
    for h in [first, second] {
        let mut info = MaybeUninit::<CK_SESSION_INFO>::uninit();
        // SAFETY: writable.
        assert_eq!(
            unsafe { (lib.f.C_GetSessionInfo)(h, info.as_mut_ptr()) },
            CKR_OK
        );
        // SAFETY: written on CKR_OK.
        let info = unsafe { info.assume_init() };
        assert_eq!(info.state, CKS_RW_USER_FUNCTIONS);
        assert_eq!(info.flags, CKF_SERIAL_SESSION | CKF_RW_SESSION);
    }
    // SAFETY: NULL is rejected.
    assert_eq!(
        unsafe { xInitializePkcs11Session(null_mut()) },
        CKR_ARGUMENTS_BAD
    );
}

#[test]
fn initialize_token_sets_label_once() {
    let lib = Lib::uninitialized();
    assert_eq!(xInitializePkcs11Token(), CKR_OK);
    let mut token = MaybeUninit::<CK_TOKEN_INFO>::uninit();
    // SAFETY: writable.
    assert_eq!(
        unsafe { (lib.f.C_GetTokenInfo)(SLOT_ID, token.as_mut_ptr()) },
        CKR_OK
    );
    // SAFETY: written on CKR_OK.
    let token = unsafe { token.assume_init() };
    let mut expected = [b' '; 32];
    expected[..8].copy_from_slice(b"FreeRTOS");
    assert_eq!(token.label, expected);
    assert_ne!(token.flags & CKF_TOKEN_INITIALIZED, 0);
    // Initialised now: the second call changes nothing.
    assert_eq!(xInitializePkcs11Token(), CKR_OK);
}

#[test]
fn get_slot_list_allocates_with_configured_malloc() {
    let _lib = Lib::initialized();
    let mut slots: *mut CK_SLOT_ID = null_mut();
    let mut count: CK_ULONG = 0;
    // SAFETY: writable out-pointers.
    assert_eq!(unsafe { xGetSlotList(&mut slots, &mut count) }, CKR_OK);
    assert_eq!(count, 1);
    assert!(!slots.is_null());
    // SAFETY: the list holds `count` slot IDs.
    assert_eq!(unsafe { slots.read() }, SLOT_ID);
    // SAFETY: allocated with pkcs11configPKCS11_MALLOC; freed once.
    unsafe { core_pkcs11_cfg_free(slots.cast()) };
    // SAFETY: NULL arguments are rejected.
    unsafe {
        assert_eq!(xGetSlotList(null_mut(), &mut count), CKR_ARGUMENTS_BAD);
        assert_eq!(xGetSlotList(&mut slots, null_mut()), CKR_ARGUMENTS_BAD);
    }
}

#[test]
fn get_slot_list_before_initialize_fails_cleanly() {
    let _lib = Lib::uninitialized();
    let mut slots: *mut CK_SLOT_ID = std::ptr::dangling_mut();
    let mut count: CK_ULONG = 0;
    // SAFETY: writable out-pointers.
    assert_eq!(
        unsafe { xGetSlotList(&mut slots, &mut count) },
        CKR_CRYPTOKI_NOT_INITIALIZED
    );
    assert!(slots.is_null());
}

#[test]
fn find_object_with_label_and_class() {
    let lib = Lib::initialized();
    let h = lib.user_session();
    let mut label = *b"Device Cert";
    let mut handle: CK_OBJECT_HANDLE = 1234;
    // Not found: CKR_OK with CK_INVALID_HANDLE.
    // SAFETY: valid pointers.
    let rv = unsafe {
        xFindObjectWithLabelAndClass(
            h,
            label.as_mut_ptr().cast(),
            label.len() as CK_ULONG,
            CKO_CERTIFICATE,
            &mut handle,
        )
    };
    assert_eq!((rv, handle), (CKR_OK, 0));

    // Create a data object with that label; it is found by label and class only.
    let class = CKO_DATA;
    let value = *b"payload";
    let mut template = [
        attr_ulong(CKA_CLASS, &class),
        attr_bool(CKA_TOKEN, &TRUE),
        attr_bytes(CKA_LABEL, &label),
        attr_bytes(CKA_VALUE, &value),
    ];
    let mut created: CK_OBJECT_HANDLE = 0;
    // SAFETY: valid template and handle.
    let rv = unsafe { (lib.f.C_CreateObject)(h, template.as_mut_ptr(), 4, &mut created) };
    assert_eq!(rv, CKR_OK);
    // SAFETY: valid pointers.
    let rv = unsafe {
        xFindObjectWithLabelAndClass(
            h,
            label.as_mut_ptr().cast(),
            label.len() as CK_ULONG,
            CKO_DATA,
            &mut handle,
        )
    };
    assert_eq!((rv, handle), (CKR_OK, created));
    // Same label, other class: not found.
    // SAFETY: valid pointers.
    let rv = unsafe {
        xFindObjectWithLabelAndClass(
            h,
            label.as_mut_ptr().cast(),
            label.len() as CK_ULONG,
            CKO_CERTIFICATE,
            &mut handle,
        )
    };
    assert_eq!((rv, handle), (CKR_OK, 0));
    // A prefix of the label is a different label.
    // SAFETY: valid pointers.
    let rv = unsafe {
        xFindObjectWithLabelAndClass(h, label.as_mut_ptr().cast(), 6, CKO_DATA, &mut handle)
    };
    assert_eq!((rv, handle), (CKR_OK, 0));

    // SAFETY: NULL arguments are rejected.
    unsafe {
        assert_eq!(
            xFindObjectWithLabelAndClass(h, null_mut(), 4, CKO_DATA, &mut handle),
            CKR_ARGUMENTS_BAD
        );
        assert_eq!(
            xFindObjectWithLabelAndClass(h, label.as_mut_ptr().cast(), 4, CKO_DATA, null_mut()),
            CKR_ARGUMENTS_BAD
        );
        // An invalid session is reported.
        assert_eq!(
            xFindObjectWithLabelAndClass(
                0xdead,
                label.as_mut_ptr().cast(),
                4,
                CKO_DATA,
                &mut handle
            ),
            CKR_SESSION_HANDLE_INVALID
        );
    }
}

#[test]
fn append_sha256_algorithm_identifier() {
    // Needs no initialised library.
    let hash: [u8; 32] = std::array::from_fn(|i| i as u8 + 1);
    let mut out = [0xaau8; 51];
    // SAFETY: 32 readable and 51 writable bytes.
    let rv = unsafe { vAppendSHA256AlgorithmIdentifierSequence(hash.as_ptr(), out.as_mut_ptr()) };
    assert_eq!(rv, CKR_OK);
    assert_eq!(&out[..19], &PREFIX);
    assert_eq!(&out[19..], &hash);

    // In place: the hash at the start of the output buffer.
    let mut shared = [0u8; 51];
    shared[..32].copy_from_slice(&hash);
    let p = shared.as_mut_ptr();
    // SAFETY: the same 51-byte buffer, readable for 32 and writable for 51.
    let rv = unsafe { vAppendSHA256AlgorithmIdentifierSequence(p, p) };
    assert_eq!(rv, CKR_OK);
    assert_eq!(&shared[..19], &PREFIX);
    assert_eq!(&shared[19..], &hash);

    // SAFETY: NULL arguments are rejected.
    unsafe {
        assert_eq!(
            vAppendSHA256AlgorithmIdentifierSequence(std::ptr::null(), out.as_mut_ptr()),
            CKR_ARGUMENTS_BAD
        );
        assert_eq!(
            vAppendSHA256AlgorithmIdentifierSequence(hash.as_ptr(), null_mut()),
            CKR_ARGUMENTS_BAD
        );
    }
}
