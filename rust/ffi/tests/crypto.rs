//! Digest, key pair generation, sign/verify, attributes, search and random through the C ABI:
//! the output-buffer conventions (length query, too small, exact) and buffer aliasing.

mod common;

use common::*;
use std::ptr::null_mut;

/// SHA-256("abc").
const SHA256_ABC: [u8; 32] = [
    0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
    0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
];

#[test]
fn digest_length_query_too_small_and_exact() {
    let lib = Lib::initialized();
    let f = lib.f;
    let h = lib.open_session();
    let mut m = mechanism(CKM_SHA256);
    let mut data = *b"abc";
    // SAFETY: valid pointers throughout.
    unsafe {
        assert_eq!((f.C_DigestInit)(h, &mut m), CKR_OK);
        let mut len: CK_ULONG = 0;
        assert_eq!(
            (f.C_Digest)(h, data.as_mut_ptr(), 3, null_mut(), &mut len),
            CKR_OK
        );
        assert_eq!(len, 32);
        let mut out = [0u8; 32];
        let mut short: CK_ULONG = 31;
        assert_eq!(
            (f.C_Digest)(h, data.as_mut_ptr(), 3, out.as_mut_ptr(), &mut short),
            CKR_BUFFER_TOO_SMALL
        );
        assert_eq!(short, 32);
        let mut len: CK_ULONG = 32;
        assert_eq!(
            (f.C_Digest)(h, data.as_mut_ptr(), 3, out.as_mut_ptr(), &mut len),
            CKR_OK
        );
        assert_eq!((len, out), (32, SHA256_ABC));
        // The operation is over.
        assert_eq!(
            (f.C_Digest)(h, data.as_mut_ptr(), 3, out.as_mut_ptr(), &mut len),
            CKR_OPERATION_NOT_INITIALIZED
        );

        // Multi-part.
        assert_eq!((f.C_DigestInit)(h, &mut m), CKR_OK);
        assert_eq!((f.C_DigestUpdate)(h, data.as_mut_ptr(), 1), CKR_OK);
        assert_eq!((f.C_DigestUpdate)(h, data.as_mut_ptr().add(1), 2), CKR_OK);
        let mut len: CK_ULONG = 0;
        assert_eq!((f.C_DigestFinal)(h, null_mut(), &mut len), CKR_OK);
        assert_eq!(len, 32);
        let mut out = [0u8; 40];
        let mut len: CK_ULONG = 40;
        assert_eq!((f.C_DigestFinal)(h, out.as_mut_ptr(), &mut len), CKR_OK);
        assert_eq!(len, 32);
        assert_eq!(out[..32], SHA256_ABC);
    }
}

#[test]
fn digest_in_place() {
    // Input and output in the same buffer: the library copies the input first.
    let lib = Lib::initialized();
    let f = lib.f;
    let h = lib.open_session();
    let mut m = mechanism(CKM_SHA256);
    let mut buf = [0u8; 32];
    buf[..3].copy_from_slice(b"abc");
    let mut len: CK_ULONG = 32;
    // SAFETY: `buf` is readable for 3 and writable for 32 bytes.
    unsafe {
        assert_eq!((f.C_DigestInit)(h, &mut m), CKR_OK);
        assert_eq!(
            (f.C_Digest)(h, buf.as_mut_ptr(), 3, buf.as_mut_ptr(), &mut len),
            CKR_OK
        );
    }
    assert_eq!(buf, SHA256_ABC);
}

fn generate_p256(
    lib: &Lib,
    h: CK_SESSION_HANDLE,
    label: &[u8],
) -> (CK_OBJECT_HANDLE, CK_OBJECT_HANDLE) {
    let key_type = CKK_EC;
    let public_class = CKO_PUBLIC_KEY;
    let private_class = CKO_PRIVATE_KEY;
    let mut public = [
        attr_ulong(CKA_CLASS, &public_class),
        attr_ulong(CKA_KEY_TYPE, &key_type),
        attr_bytes(CKA_EC_PARAMS, &P256_OID),
        attr_bool(CKA_TOKEN, &TRUE),
        attr_bool(CKA_VERIFY, &TRUE),
        attr_bytes(CKA_LABEL, label),
    ];
    let mut private = [
        attr_ulong(CKA_CLASS, &private_class),
        attr_ulong(CKA_KEY_TYPE, &key_type),
        attr_bool(CKA_TOKEN, &TRUE),
        attr_bool(CKA_PRIVATE, &TRUE),
        attr_bool(CKA_SIGN, &TRUE),
        attr_bytes(CKA_LABEL, label),
    ];
    let mut m = mechanism(CKM_EC_KEY_PAIR_GEN);
    let (mut pubh, mut privh) = (0, 0);
    // SAFETY: valid templates and handles.
    let rv = unsafe {
        (lib.f.C_GenerateKeyPair)(
            h,
            &mut m,
            public.as_mut_ptr(),
            public.len() as CK_ULONG,
            private.as_mut_ptr(),
            private.len() as CK_ULONG,
            &mut pubh,
            &mut privh,
        )
    };
    assert_eq!(rv, CKR_OK, "C_GenerateKeyPair");
    assert_ne!(pubh, 0);
    assert_ne!(privh, 0);
    (pubh, privh)
}

#[test]
fn ecdsa_sign_verify_and_attributes() {
    let lib = Lib::initialized();
    let f = lib.f;
    let h = lib.user_session();
    let (pubh, privh) = generate_p256(&lib, h, b"Device Priv TLS Key");

    // CKA_EC_POINT: length query, too small, exact.
    let mut q = [attr_query(CKA_EC_POINT)];
    // SAFETY: a valid one-entry template.
    assert_eq!(
        unsafe { (f.C_GetAttributeValue)(h, pubh, q.as_mut_ptr(), 1) },
        CKR_OK
    );
    assert_eq!(q[0].ulValueLen, 67);
    let mut point = [0u8; 67];
    let mut q = [CK_ATTRIBUTE {
        r#type: CKA_EC_POINT,
        pValue: point.as_mut_ptr().cast(),
        ulValueLen: 10,
    }];
    // SAFETY: `point` is writable for 10 (claimed) bytes.
    assert_eq!(
        unsafe { (f.C_GetAttributeValue)(h, pubh, q.as_mut_ptr(), 1) },
        CKR_BUFFER_TOO_SMALL
    );
    assert_eq!(q[0].ulValueLen, CK_ULONG::MAX);
    q[0].ulValueLen = 67;
    // SAFETY: `point` is writable for 67 bytes.
    assert_eq!(
        unsafe { (f.C_GetAttributeValue)(h, pubh, q.as_mut_ptr(), 1) },
        CKR_OK
    );
    assert_eq!(&point[..3], &[0x04, 0x41, 0x04]);

    // The private value is sensitive; the other entries are still filled.
    let mut class: CK_ULONG = 99;
    let mut secret = [0u8; 64];
    let mut q = [
        CK_ATTRIBUTE {
            r#type: CKA_CLASS,
            pValue: (&mut class as *mut CK_ULONG).cast(),
            ulValueLen: std::mem::size_of::<CK_ULONG>() as CK_ULONG,
        },
        CK_ATTRIBUTE {
            r#type: CKA_VALUE,
            pValue: secret.as_mut_ptr().cast(),
            ulValueLen: 64,
        },
    ];
    // SAFETY: valid buffers.
    assert_eq!(
        unsafe { (f.C_GetAttributeValue)(h, privh, q.as_mut_ptr(), 2) },
        CKR_ATTRIBUTE_SENSITIVE
    );
    assert_eq!(class, CKO_PRIVATE_KEY);
    assert_eq!(q[1].ulValueLen, CK_ULONG::MAX);
    assert!(secret.iter().all(|&b| b == 0));

    // Overlapping value buffers are rejected before anything is written.
    let mut shared = [0u8; 80];
    let mut q = [
        CK_ATTRIBUTE {
            r#type: CKA_EC_POINT,
            pValue: shared.as_mut_ptr().cast(),
            ulValueLen: 67,
        },
        CK_ATTRIBUTE {
            r#type: CKA_EC_PARAMS,
            // SAFETY: inside `shared`.
            pValue: unsafe { shared.as_mut_ptr().add(60) }.cast(),
            ulValueLen: 10,
        },
    ];
    // SAFETY: valid (overlapping) buffers.
    assert_eq!(
        unsafe { (f.C_GetAttributeValue)(h, pubh, q.as_mut_ptr(), 2) },
        CKR_ARGUMENTS_BAD
    );
    assert_eq!(q[0].ulValueLen, 67);

    // Sign a hash: length query, too small, exact; then verify.
    let mut hash = SHA256_ABC;
    let mut m = mechanism(CKM_ECDSA);
    let mut sig = [0u8; 64];
    // SAFETY: valid pointers throughout.
    unsafe {
        assert_eq!((f.C_SignInit)(h, &mut m, privh), CKR_OK);
        let mut len: CK_ULONG = 0;
        assert_eq!(
            (f.C_Sign)(h, hash.as_mut_ptr(), 32, null_mut(), &mut len),
            CKR_OK
        );
        assert_eq!(len, 64);
        let mut short: CK_ULONG = 63;
        assert_eq!(
            (f.C_Sign)(h, hash.as_mut_ptr(), 32, sig.as_mut_ptr(), &mut short),
            CKR_BUFFER_TOO_SMALL
        );
        assert_eq!(short, 64);
        let mut len: CK_ULONG = 64;
        assert_eq!(
            (f.C_Sign)(h, hash.as_mut_ptr(), 32, sig.as_mut_ptr(), &mut len),
            CKR_OK
        );
        assert_eq!(len, 64);

        assert_eq!((f.C_VerifyInit)(h, &mut m, pubh), CKR_OK);
        assert_eq!(
            (f.C_Verify)(h, hash.as_mut_ptr(), 32, sig.as_mut_ptr(), 64),
            CKR_OK
        );
        sig[10] ^= 1;
        assert_eq!((f.C_VerifyInit)(h, &mut m, pubh), CKR_OK);
        assert_eq!(
            (f.C_Verify)(h, hash.as_mut_ptr(), 32, sig.as_mut_ptr(), 64),
            CKR_SIGNATURE_INVALID
        );
    }

    // In place: the hash in the signature buffer.
    let mut buf = [0u8; 64];
    buf[..32].copy_from_slice(&SHA256_ABC);
    let mut len: CK_ULONG = 64;
    // SAFETY: `buf` readable for 32 and writable for 64 bytes.
    unsafe {
        assert_eq!((f.C_SignInit)(h, &mut m, privh), CKR_OK);
        assert_eq!(
            (f.C_Sign)(h, buf.as_mut_ptr(), 32, buf.as_mut_ptr(), &mut len),
            CKR_OK
        );
        assert_eq!((f.C_VerifyInit)(h, &mut m, pubh), CKR_OK);
        assert_eq!(
            (f.C_Verify)(h, hash.as_mut_ptr(), 32, buf.as_mut_ptr(), 64),
            CKR_OK
        );
    }

    // Hash-and-sign in parts, checked by the PKI helper round trip on the way.
    let mut m2 = mechanism(CKM_ECDSA_SHA256);
    let mut msg = *b"abc";
    let mut sig2 = [0u8; 72];
    // SAFETY: valid pointers.
    unsafe {
        assert_eq!((f.C_SignInit)(h, &mut m2, privh), CKR_OK);
        assert_eq!((f.C_SignUpdate)(h, msg.as_mut_ptr(), 3), CKR_OK);
        let mut len: CK_ULONG = 0;
        assert_eq!((f.C_SignFinal)(h, null_mut(), &mut len), CKR_OK);
        assert_eq!(len, 64);
        let mut len: CK_ULONG = 72;
        assert_eq!((f.C_SignFinal)(h, sig2.as_mut_ptr(), &mut len), CKR_OK);
        assert_eq!(len, 64);
        let mut der_len = 0usize;
        assert_eq!(
            core_pkcs11_ffi::PKI_pkcs11SignatureTombedTLSSignature(
                sig2.as_mut_ptr(),
                72,
                &mut der_len
            ),
            0
        );
        let mut back = [0u8; 64];
        assert_eq!(
            core_pkcs11_ffi::PKI_mbedTLSSignatureToPkcs11Signature(
                back.as_mut_ptr(),
                64,
                sig2.as_ptr(),
                der_len
            ),
            0
        );
        assert_eq!((f.C_VerifyInit)(h, &mut m2, pubh), CKR_OK);
        assert_eq!((f.C_VerifyUpdate)(h, msg.as_mut_ptr(), 3), CKR_OK);
        assert_eq!((f.C_VerifyFinal)(h, back.as_mut_ptr(), 64), CKR_OK);
    }
}

#[test]
fn find_objects_into_unaligned_buffer() {
    let lib = Lib::initialized();
    let f = lib.f;
    let h = lib.user_session();
    let (pubh, privh) = generate_p256(&lib, h, b"key");
    let label = *b"key";
    let mut template = [attr_bytes(CKA_LABEL, &label)];
    // Room for 2 handles at an odd address.
    let mut raw = vec![0u8; 2 * std::mem::size_of::<CK_ULONG>() + 1];
    // SAFETY: inside `raw`.
    let handles = unsafe { raw.as_mut_ptr().add(1) }.cast::<CK_OBJECT_HANDLE>();
    let mut count: CK_ULONG = 0;
    // SAFETY: `handles` is writable for 2 handles (unaligned); others are valid.
    unsafe {
        assert_eq!((f.C_FindObjectsInit)(h, template.as_mut_ptr(), 1), CKR_OK);
        assert_eq!((f.C_FindObjects)(h, handles, 2, &mut count), CKR_OK);
        assert_eq!(count, 2);
        let mut found = [handles.read_unaligned(), handles.add(1).read_unaligned()];
        found.sort();
        let mut expected = [pubh, privh];
        expected.sort();
        assert_eq!(found, expected);
        assert_eq!((f.C_FindObjects)(h, handles, 2, &mut count), CKR_OK);
        assert_eq!(count, 0);
        assert_eq!((f.C_FindObjectsFinal)(h), CKR_OK);
    }
}

#[test]
fn random_and_seed() {
    let lib = Lib::initialized();
    let f = lib.f;
    let h = lib.open_session();
    let mut a = [0u8; 48];
    let mut b = [0u8; 48];
    let mut seed = *b"some extra seed";
    // SAFETY: valid buffers.
    unsafe {
        assert_eq!(
            (f.C_SeedRandom)(h, seed.as_mut_ptr(), seed.len() as CK_ULONG),
            CKR_OK
        );
        assert_eq!((f.C_GenerateRandom)(h, a.as_mut_ptr(), 48), CKR_OK);
        assert_eq!((f.C_GenerateRandom)(h, b.as_mut_ptr(), 48), CKR_OK);
        assert_eq!(
            (f.C_GenerateRandom)(0xdead, b.as_mut_ptr(), 48),
            CKR_SESSION_HANDLE_INVALID
        );
    }
    assert_ne!(a, b);
    assert_ne!(a, [0u8; 48]);
}

#[test]
fn sessions_and_login() {
    let lib = Lib::initialized();
    let f = lib.f;
    let mut h: CK_SESSION_HANDLE = 0;
    // SAFETY: valid pointers.
    unsafe {
        assert_eq!(
            (f.C_OpenSession)(SLOT_ID, CKF_RW_SESSION, null_mut(), None, &mut h),
            CKR_SESSION_PARALLEL_NOT_SUPPORTED
        );
    }
    let h = lib.open_session();
    let mut wrong = *b"9999";
    // SAFETY: valid pointers.
    unsafe {
        assert_eq!(
            (f.C_Login)(h, CKU_USER, wrong.as_mut_ptr(), 4),
            CKR_PIN_INCORRECT
        );
    }
    lib.login_user(h);
    let mut pin = *b"0000";
    // SAFETY: valid pointers.
    unsafe {
        assert_eq!(
            (f.C_Login)(h, CKU_USER, pin.as_mut_ptr(), 4),
            CKR_USER_ALREADY_LOGGED_IN
        );
        assert_eq!((f.C_Logout)(h), CKR_OK);
        assert_eq!((f.C_Logout)(h), CKR_USER_NOT_LOGGED_IN);
        assert_eq!((f.C_CloseSession)(h), CKR_OK);
        assert_eq!((f.C_CloseSession)(h), CKR_SESSION_HANDLE_INVALID);
        let h2 = lib.open_session();
        assert_eq!((f.C_CloseAllSessions)(SLOT_ID), CKR_OK);
        assert_eq!((f.C_CloseSession)(h2), CKR_SESSION_HANDLE_INVALID);
    }
}

#[test]
fn concurrent_callers_are_serialised() {
    let lib = Lib::initialized();
    let f = lib.f;
    let threads: Vec<_> = (0..4)
        .map(|_| {
            std::thread::spawn(move || {
                let mut h: CK_SESSION_HANDLE = 0;
                let mut m = mechanism(CKM_SHA256);
                let mut data = *b"abc";
                // SAFETY: valid pointers throughout.
                unsafe {
                    assert_eq!(
                        (f.C_OpenSession)(SLOT_ID, CKF_SERIAL_SESSION, null_mut(), None, &mut h),
                        CKR_OK
                    );
                    for _ in 0..200 {
                        let mut out = [0u8; 32];
                        let mut len: CK_ULONG = 32;
                        assert_eq!((f.C_DigestInit)(h, &mut m), CKR_OK);
                        assert_eq!(
                            (f.C_Digest)(h, data.as_mut_ptr(), 3, out.as_mut_ptr(), &mut len),
                            CKR_OK
                        );
                        assert_eq!(out, SHA256_ABC);
                        assert_eq!((f.C_GenerateRandom)(h, out.as_mut_ptr(), 32), CKR_OK);
                    }
                    assert_eq!((f.C_CloseSession)(h), CKR_OK);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}
