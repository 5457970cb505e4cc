//! NULL pointers (and NULL with a nonzero length) on every implemented entry point are
//! `CKR_ARGUMENTS_BAD`, never a crash.

mod common;

use common::*;
use std::ffi::c_void;
use std::ptr::null_mut;

#[test]
fn null_pointer_arguments_are_arguments_bad() {
    let lib = Lib::initialized();
    let f = lib.f;
    let h = lib.user_session();
    let b = null_bytes();
    let ul: *mut CK_ULONG = null_mut();
    let attrs: *mut CK_ATTRIBUTE = null_mut();
    let mech: *mut CK_MECHANISM = null_mut();

    let mut data = *b"hello";
    let mut out = [0u8; 128];
    let mut len: CK_ULONG = 128;
    let mut handle: CK_OBJECT_HANDLE = 0;
    let mut handle2: CK_OBJECT_HANDLE = 0;
    let mut count: CK_ULONG = 0;
    let mut pin = *b"0000";
    let mut label = [b' '; 32];
    let class = CKO_DATA;
    let mut template = [attr_ulong(CKA_CLASS, &class)];
    let mut bad_entry = [CK_ATTRIBUTE {
        r#type: CKA_LABEL,
        pValue: null_mut(),
        ulValueLen: 4,
    }];
    let mut sha = mechanism(CKM_SHA256);
    let mut bad_mech = CK_MECHANISM {
        mechanism: CKM_SHA256,
        pParameter: null_mut::<c_void>(),
        ulParameterLen: 8,
    };
    let mut ecgen = mechanism(CKM_EC_KEY_PAIR_GEN);
    let d = data.as_mut_ptr();
    let o = out.as_mut_ptr();
    let t = template.as_mut_ptr();

    // SAFETY: every pointer is either NULL (the point of the test) or valid.
    let results: Vec<(&str, CK_RV)> = unsafe {
        vec![
            ("C_GetInfo", (f.C_GetInfo)(null_mut())),
            (
                "C_GetSlotList count",
                (f.C_GetSlotList)(CK_TRUE, null_mut(), ul),
            ),
            ("C_GetSlotInfo", (f.C_GetSlotInfo)(SLOT_ID, null_mut())),
            ("C_GetTokenInfo", (f.C_GetTokenInfo)(SLOT_ID, null_mut())),
            (
                "C_GetMechanismList count",
                (f.C_GetMechanismList)(SLOT_ID, null_mut(), ul),
            ),
            (
                "C_GetMechanismInfo",
                (f.C_GetMechanismInfo)(SLOT_ID, CKM_SHA256, null_mut()),
            ),
            (
                "C_InitToken label",
                (f.C_InitToken)(SLOT_ID, pin.as_mut_ptr(), 4, b),
            ),
            (
                "C_InitToken pin",
                (f.C_InitToken)(SLOT_ID, b, 4, label.as_mut_ptr()),
            ),
            ("C_InitPIN", (f.C_InitPIN)(h, b, 4)),
            ("C_SetPIN old", (f.C_SetPIN)(h, b, 4, pin.as_mut_ptr(), 4)),
            ("C_SetPIN new", (f.C_SetPIN)(h, pin.as_mut_ptr(), 4, b, 4)),
            (
                "C_OpenSession",
                (f.C_OpenSession)(SLOT_ID, CKF_SERIAL_SESSION, null_mut(), None, ul),
            ),
            ("C_GetSessionInfo", (f.C_GetSessionInfo)(h, null_mut())),
            ("C_Login", (f.C_Login)(h, CKU_USER, b, 4)),
            (
                "C_CreateObject template",
                (f.C_CreateObject)(h, attrs, 1, &mut handle),
            ),
            ("C_CreateObject handle", (f.C_CreateObject)(h, t, 1, ul)),
            (
                "C_CreateObject entry",
                (f.C_CreateObject)(h, bad_entry.as_mut_ptr(), 1, &mut handle),
            ),
            ("C_GetObjectSize", (f.C_GetObjectSize)(h, 1, ul)),
            (
                "C_GetAttributeValue",
                (f.C_GetAttributeValue)(h, 1, attrs, 1),
            ),
            (
                "C_SetAttributeValue",
                (f.C_SetAttributeValue)(h, 1, attrs, 1),
            ),
            (
                "C_SetAttributeValue entry",
                (f.C_SetAttributeValue)(h, 1, bad_entry.as_mut_ptr(), 1),
            ),
            ("C_FindObjectsInit", (f.C_FindObjectsInit)(h, attrs, 1)),
            (
                "C_FindObjectsInit entry",
                (f.C_FindObjectsInit)(h, bad_entry.as_mut_ptr(), 1),
            ),
            (
                "C_FindObjects handles",
                (f.C_FindObjects)(h, ul, 1, &mut count),
            ),
            (
                "C_FindObjects count",
                (f.C_FindObjects)(h, &mut handle, 1, ul),
            ),
            ("C_DigestInit", (f.C_DigestInit)(h, mech)),
            ("C_DigestInit parameter", (f.C_DigestInit)(h, &mut bad_mech)),
            ("C_Digest len", (f.C_Digest)(h, d, 5, o, ul)),
            ("C_Digest data", (f.C_Digest)(h, b, 5, o, &mut len)),
            ("C_DigestUpdate", (f.C_DigestUpdate)(h, b, 5)),
            ("C_DigestFinal", (f.C_DigestFinal)(h, o, ul)),
            ("C_SignInit", (f.C_SignInit)(h, mech, 1)),
            ("C_Sign len", (f.C_Sign)(h, d, 5, o, ul)),
            ("C_Sign data", (f.C_Sign)(h, b, 5, o, &mut len)),
            ("C_SignUpdate", (f.C_SignUpdate)(h, b, 5)),
            ("C_SignFinal", (f.C_SignFinal)(h, o, ul)),
            ("C_VerifyInit", (f.C_VerifyInit)(h, mech, 1)),
            ("C_Verify data", (f.C_Verify)(h, b, 5, o, 64)),
            ("C_Verify signature", (f.C_Verify)(h, d, 5, b, 64)),
            ("C_VerifyUpdate", (f.C_VerifyUpdate)(h, b, 5)),
            ("C_VerifyFinal", (f.C_VerifyFinal)(h, b, 64)),
            (
                "C_GenerateKeyPair mechanism",
                (f.C_GenerateKeyPair)(h, mech, t, 1, t, 1, &mut handle, &mut handle2),
            ),
            (
                "C_GenerateKeyPair public handle",
                (f.C_GenerateKeyPair)(h, &mut ecgen, t, 1, t, 1, ul, &mut handle2),
            ),
            (
                "C_GenerateKeyPair private handle",
                (f.C_GenerateKeyPair)(h, &mut ecgen, t, 1, t, 1, &mut handle, ul),
            ),
            (
                "C_GenerateKeyPair template",
                (f.C_GenerateKeyPair)(h, &mut ecgen, attrs, 1, t, 1, &mut handle, &mut handle2),
            ),
            ("C_SeedRandom", (f.C_SeedRandom)(h, b, 5)),
            ("C_GenerateRandom", (f.C_GenerateRandom)(h, b, 5)),
        ]
    };
    for (name, rv) in results {
        assert_eq!(rv, CKR_ARGUMENTS_BAD, "{name}");
    }
    // A digest started for real is unaffected by the rejected calls around it.
    // SAFETY: valid mechanism.
    assert_eq!(unsafe { (f.C_DigestInit)(h, &mut sha) }, CKR_OK);
    // SAFETY: NULL length pointer.
    assert_eq!(unsafe { (f.C_DigestFinal)(h, o, ul) }, CKR_ARGUMENTS_BAD);
}

#[test]
fn null_with_zero_length_is_fine() {
    let lib = Lib::initialized();
    let f = lib.f;
    let h = lib.user_session();
    let mut count: CK_ULONG = 9;
    // SAFETY: NULL arrays with zero counts are valid.
    unsafe {
        assert_eq!((f.C_FindObjectsInit)(h, null_mut(), 0), CKR_OK);
        assert_eq!((f.C_FindObjects)(h, null_mut(), 0, &mut count), CKR_OK);
        assert_eq!(count, 0);
        assert_eq!((f.C_FindObjectsFinal)(h), CKR_OK);
        assert_eq!((f.C_GenerateRandom)(h, null_mut(), 0), CKR_OK);
        assert_eq!(
            (f.C_GetAttributeValue)(h, 12345, null_mut(), 0),
            CKR_OBJECT_HANDLE_INVALID
        );
    }
}

#[test]
fn get_function_list_and_finalize_reject_bad_pointers() {
    let lib = Lib::initialized();
    // SAFETY: NULL is rejected.
    assert_eq!(
        unsafe { core_pkcs11_ffi::C_GetFunctionList(null_mut()) },
        CKR_ARGUMENTS_BAD
    );
    let mut x = 0u8;
    // SAFETY: the pointer is rejected, never used.
    assert_eq!(
        unsafe { (lib.f.C_Finalize)((&mut x as *mut u8).cast()) },
        CKR_ARGUMENTS_BAD
    );
}
