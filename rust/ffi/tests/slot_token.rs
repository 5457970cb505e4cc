//! `C_GetInfo`, slot and token information, mechanism lists: length queries and slot IDs.

mod common;

use common::*;
use std::mem::MaybeUninit;
use std::ptr::null_mut;

fn padded<const N: usize>(text: &str) -> [u8; N] {
    let mut out = [b' '; N];
    out[..text.len()].copy_from_slice(text.as_bytes());
    out
}

#[test]
fn get_info() {
    let lib = Lib::initialized();
    let mut info = MaybeUninit::<CK_INFO>::uninit();
    // SAFETY: `info` is writable.
    assert_eq!(unsafe { (lib.f.C_GetInfo)(info.as_mut_ptr()) }, CKR_OK);
    // SAFETY: written on CKR_OK.
    let info = unsafe { info.assume_init() };
    assert_eq!(
        info.cryptokiVersion,
        CK_VERSION {
            major: 2,
            minor: 40
        }
    );
    assert_eq!(info.manufacturerID, padded::<32>("core-pkcs11"));
    assert_eq!(
        info.libraryDescription,
        padded::<32>("core-pkcs11 software token")
    );
    assert_eq!(info.flags, 0);
    let major: u8 = env!("CARGO_PKG_VERSION_MAJOR").parse().unwrap();
    let minor: u8 = env!("CARGO_PKG_VERSION_MINOR").parse().unwrap();
    assert_eq!(info.libraryVersion, CK_VERSION { major, minor });
}

#[test]
fn slot_list_length_queries() {
    let lib = Lib::initialized();
    for token_present in [CK_TRUE, CK_FALSE] {
        let mut count: CK_ULONG = 99;
        // SAFETY: `count` is writable; NULL list is a count query.
        let rv = unsafe { (lib.f.C_GetSlotList)(token_present, null_mut(), &mut count) };
        assert_eq!((rv, count), (CKR_OK, 1));

        let mut slots = [0 as CK_SLOT_ID; 4];
        let mut count: CK_ULONG = 0;
        // SAFETY: `slots` has room for 4 >= count entries.
        let rv = unsafe { (lib.f.C_GetSlotList)(token_present, slots.as_mut_ptr(), &mut count) };
        assert_eq!((rv, count), (CKR_BUFFER_TOO_SMALL, 1));

        let mut count: CK_ULONG = 4;
        // SAFETY: `slots` has room for 4 entries.
        let rv = unsafe { (lib.f.C_GetSlotList)(token_present, slots.as_mut_ptr(), &mut count) };
        assert_eq!((rv, count), (CKR_OK, 1));
        assert_eq!(slots[0], SLOT_ID);
    }
}

#[test]
fn slot_and_token_info() {
    let lib = Lib::initialized();
    let mut slot = MaybeUninit::<CK_SLOT_INFO>::uninit();
    // SAFETY: writable.
    assert_eq!(
        unsafe { (lib.f.C_GetSlotInfo)(SLOT_ID, slot.as_mut_ptr()) },
        CKR_OK
    );
    // SAFETY: written on CKR_OK.
    let slot = unsafe { slot.assume_init() };
    assert_ne!(slot.flags & CKF_TOKEN_PRESENT, 0);
    assert_eq!(slot.manufacturerID, padded::<32>("core-pkcs11"));

    let mut token = MaybeUninit::<CK_TOKEN_INFO>::uninit();
    // SAFETY: writable.
    assert_eq!(
        unsafe { (lib.f.C_GetTokenInfo)(SLOT_ID, token.as_mut_ptr()) },
        CKR_OK
    );
    // SAFETY: written on CKR_OK.
    let token = unsafe { token.assume_init() };
    assert_ne!(token.flags & CKF_RNG, 0);
    assert_eq!(token.ulMaxSessionCount, 10);
    assert_eq!(token.ulSessionCount, 0);
    assert_eq!(token.ulMinPinLen, 4);
    assert_eq!(token.ulMaxPinLen, 32);

    let h = lib.open_session();
    let mut token = MaybeUninit::<CK_TOKEN_INFO>::uninit();
    // SAFETY: writable.
    assert_eq!(
        unsafe { (lib.f.C_GetTokenInfo)(SLOT_ID, token.as_mut_ptr()) },
        CKR_OK
    );
    // SAFETY: written on CKR_OK.
    let token = unsafe { token.assume_init() };
    assert_eq!((token.ulSessionCount, token.ulRwSessionCount), (1, 1));

    let mut info = MaybeUninit::<CK_SESSION_INFO>::uninit();
    // SAFETY: writable.
    assert_eq!(
        unsafe { (lib.f.C_GetSessionInfo)(h, info.as_mut_ptr()) },
        CKR_OK
    );
    // SAFETY: written on CKR_OK.
    let info = unsafe { info.assume_init() };
    assert_eq!(info.slotID, SLOT_ID);
    assert_eq!(info.flags, CKF_SERIAL_SESSION | CKF_RW_SESSION);
    assert_eq!(info.state, CKS_RW_PUBLIC_SESSION);
}

#[test]
fn bad_slot_ids() {
    let lib = Lib::initialized();
    let f = lib.f;
    for bad in [0, SLOT_ID + 1, CK_ULONG::MAX] {
        if bad == SLOT_ID {
            continue;
        }
        let mut slot = MaybeUninit::<CK_SLOT_INFO>::uninit();
        let mut token = MaybeUninit::<CK_TOKEN_INFO>::uninit();
        let mut mech = MaybeUninit::<CK_MECHANISM_INFO>::uninit();
        let mut count: CK_ULONG = 0;
        let mut h: CK_SESSION_HANDLE = 0;
        let mut pin = *b"0000";
        let mut label = [b' '; 32];
        // SAFETY: all pointers are valid.
        let results = unsafe {
            [
                (f.C_GetSlotInfo)(bad, slot.as_mut_ptr()),
                (f.C_GetTokenInfo)(bad, token.as_mut_ptr()),
                (f.C_GetMechanismList)(bad, null_mut(), &mut count),
                (f.C_GetMechanismInfo)(bad, CKM_SHA256, mech.as_mut_ptr()),
                (f.C_InitToken)(bad, pin.as_mut_ptr(), 4, label.as_mut_ptr()),
                (f.C_OpenSession)(bad, CKF_SERIAL_SESSION, null_mut(), None, &mut h),
                (f.C_CloseAllSessions)(bad),
            ]
        };
        for (i, rv) in results.into_iter().enumerate() {
            assert_eq!(rv, CKR_SLOT_ID_INVALID, "slot {bad:#x}, call {i}");
        }
    }
}

#[test]
fn mechanism_list_and_info() {
    let lib = Lib::initialized();
    let mut count: CK_ULONG = 0;
    // SAFETY: writable; NULL list is a count query.
    let rv = unsafe { (lib.f.C_GetMechanismList)(SLOT_ID, null_mut(), &mut count) };
    assert_eq!(rv, CKR_OK);
    assert!(count >= 1);

    let mut list = vec![0 as CK_MECHANISM_TYPE; count as usize];
    let mut short = count - 1;
    // SAFETY: `list` has room for `count` > `short` entries.
    let rv = unsafe { (lib.f.C_GetMechanismList)(SLOT_ID, list.as_mut_ptr(), &mut short) };
    assert_eq!((rv, short), (CKR_BUFFER_TOO_SMALL, count));

    let mut n = count;
    // SAFETY: `list` has room for `count` entries.
    let rv = unsafe { (lib.f.C_GetMechanismList)(SLOT_ID, list.as_mut_ptr(), &mut n) };
    assert_eq!((rv, n), (CKR_OK, count));
    assert!(list.contains(&CKM_SHA256));
    assert!(list.contains(&CKM_ECDSA));
    assert!(list.contains(&CKM_EC_KEY_PAIR_GEN));
    assert!(list.contains(&CKM_RSA_PKCS));

    for &m in &list {
        let mut info = MaybeUninit::<CK_MECHANISM_INFO>::uninit();
        // SAFETY: writable.
        let rv = unsafe { (lib.f.C_GetMechanismInfo)(SLOT_ID, m, info.as_mut_ptr()) };
        assert_eq!(rv, CKR_OK, "mechanism {m:#x}");
    }
    let mut info = MaybeUninit::<CK_MECHANISM_INFO>::uninit();
    // SAFETY: writable.
    assert_eq!(
        unsafe { (lib.f.C_GetMechanismInfo)(SLOT_ID, CKM_SHA256, info.as_mut_ptr()) },
        CKR_OK
    );
    // SAFETY: written on CKR_OK.
    assert_eq!(unsafe { info.assume_init() }.flags, CKF_DIGEST);
    // SAFETY: writable.
    assert_eq!(
        unsafe { (lib.f.C_GetMechanismInfo)(SLOT_ID, 0xdead_beef, info.as_mut_ptr()) },
        CKR_MECHANISM_INVALID
    );
}

#[test]
fn wait_for_slot_event_is_not_supported() {
    let lib = Lib::initialized();
    let mut slot: CK_SLOT_ID = 0;
    // SAFETY: valid pointers.
    let rv = unsafe { (lib.f.C_WaitForSlotEvent)(0, &mut slot, null_mut()) };
    assert_eq!(rv, CKR_FUNCTION_NOT_SUPPORTED);
}

#[test]
fn init_token_reads_exactly_32_label_bytes() {
    let lib = Lib::initialized();
    // The label is a heap block of exactly 32 bytes: reading a 33rd byte would be a heap
    // overflow (reported by ASan or valgrind when the tests run under them).
    let mut label: Box<[u8; 32]> = Box::new(padded::<32>("my token"));
    let mut so_pin = *b"123456";
    // SAFETY: the label is 32 readable bytes, the PIN 6.
    let rv = unsafe { (lib.f.C_InitToken)(SLOT_ID, so_pin.as_mut_ptr(), 6, label.as_mut_ptr()) };
    assert_eq!(rv, CKR_OK);
    let mut token = MaybeUninit::<CK_TOKEN_INFO>::uninit();
    // SAFETY: writable.
    assert_eq!(
        unsafe { (lib.f.C_GetTokenInfo)(SLOT_ID, token.as_mut_ptr()) },
        CKR_OK
    );
    // SAFETY: written on CKR_OK.
    let token = unsafe { token.assume_init() };
    assert_eq!(token.label, padded::<32>("my token"));
    assert_ne!(token.flags & CKF_TOKEN_INITIALIZED, 0);
}
