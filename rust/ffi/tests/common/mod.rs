//! A small test harness that drives the library like a C caller: through the function list
//! returned by `C_GetFunctionList`, with raw pointers.
//!
//! The library's state is global, so the tests of one binary must not run concurrently: each
//! takes a [`Lib`], which holds a process-wide test lock, starts from a finalised library and
//! finalises it again when dropped (also when the test fails).

#![allow(dead_code)]

pub use core_pkcs11_engine::SLOT_ID;
pub use core_pkcs11_ffi::ck::*;
pub use core_pkcs11_ffi::types::*;
use std::ffi::c_void;
use std::ptr::{null, null_mut};
use std::sync::{Mutex, MutexGuard};

static SERIAL: Mutex<()> = Mutex::new(());

/// Takes the process-wide test lock (a failed test does not poison it for the others).
pub fn serial() -> MutexGuard<'static, ()> {
    let guard = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // These tests keep token objects in RAM and never touch the user's token image; the
    // tests of the image store set their own path. Set under the lock: no test thread is
    // reading the environment meanwhile.
    std::env::set_var("CORE_PKCS11_STORE", ":memory:");
    guard
}

/// The library's function list, as a C caller gets it.
pub fn functions() -> &'static CK_FUNCTION_LIST {
    let mut list: *mut CK_FUNCTION_LIST = null_mut();
    // SAFETY: `list` is a writable pointer.
    let rv = unsafe { core_pkcs11_ffi::C_GetFunctionList(&mut list) };
    assert_eq!(rv, CKR_OK);
    assert!(!list.is_null());
    // SAFETY: the library returns a pointer to its static function list.
    unsafe { &*list }
}

/// Exclusive use of the library for one test.
pub struct Lib {
    /// The function list.
    pub f: &'static CK_FUNCTION_LIST,
    _serial: MutexGuard<'static, ()>,
}

impl Lib {
    /// The library, not initialised.
    pub fn uninitialized() -> Lib {
        let serial = serial();
        let f = functions();
        // Whatever an earlier (failed) test left behind.
        // SAFETY: NULL is the valid argument.
        unsafe { (f.C_Finalize)(null_mut()) };
        Lib { f, _serial: serial }
    }

    /// The library after `C_Initialize(NULL)`.
    pub fn initialized() -> Lib {
        let lib = Lib::uninitialized();
        // SAFETY: NULL is a valid argument.
        let rv = unsafe { (lib.f.C_Initialize)(null_mut()) };
        assert_eq!(rv, CKR_OK, "C_Initialize(NULL)");
        lib
    }

    /// Opens a read/write session on the slot.
    pub fn open_session(&self) -> CK_SESSION_HANDLE {
        let mut h: CK_SESSION_HANDLE = 0;
        // SAFETY: `h` is writable.
        let rv = unsafe {
            (self.f.C_OpenSession)(
                SLOT_ID,
                CKF_SERIAL_SESSION | CKF_RW_SESSION,
                null_mut(),
                None,
                &mut h,
            )
        };
        assert_eq!(rv, CKR_OK, "C_OpenSession");
        assert_ne!(h, 0);
        h
    }

    /// Logs the user in with the default PIN "0000".
    pub fn login_user(&self, h: CK_SESSION_HANDLE) {
        let mut pin = *b"0000";
        // SAFETY: `pin` is readable for 4 bytes.
        let rv = unsafe { (self.f.C_Login)(h, CKU_USER, pin.as_mut_ptr(), 4) };
        assert_eq!(rv, CKR_OK, "C_Login");
    }

    /// A logged-in read/write session.
    pub fn user_session(&self) -> CK_SESSION_HANDLE {
        let h = self.open_session();
        self.login_user(h);
        h
    }
}

impl Drop for Lib {
    fn drop(&mut self) {
        // SAFETY: NULL is the valid argument.
        unsafe { (self.f.C_Finalize)(null_mut()) };
    }
}

/// A template entry pointing at `value` (which must outlive the call it is used in).
pub fn attr_bytes(kind: CK_ULONG, value: &[u8]) -> CK_ATTRIBUTE {
    CK_ATTRIBUTE {
        r#type: kind,
        pValue: value.as_ptr().cast_mut().cast::<c_void>(),
        ulValueLen: value.len() as CK_ULONG,
    }
}

/// A template entry holding a `CK_ULONG` (class, key type, …).
pub fn attr_ulong(kind: CK_ULONG, value: &CK_ULONG) -> CK_ATTRIBUTE {
    CK_ATTRIBUTE {
        r#type: kind,
        pValue: (value as *const CK_ULONG).cast_mut().cast::<c_void>(),
        ulValueLen: std::mem::size_of::<CK_ULONG>() as CK_ULONG,
    }
}

/// A template entry holding a `CK_BBOOL`.
pub fn attr_bool(kind: CK_ULONG, value: &CK_BBOOL) -> CK_ATTRIBUTE {
    CK_ATTRIBUTE {
        r#type: kind,
        pValue: (value as *const CK_BBOOL).cast_mut().cast::<c_void>(),
        ulValueLen: 1,
    }
}

/// A length query entry (NULL `pValue`).
pub fn attr_query(kind: CK_ULONG) -> CK_ATTRIBUTE {
    CK_ATTRIBUTE {
        r#type: kind,
        pValue: null_mut(),
        ulValueLen: 0,
    }
}

/// A mechanism without parameter.
pub fn mechanism(kind: CK_ULONG) -> CK_MECHANISM {
    CK_MECHANISM {
        mechanism: kind,
        pParameter: null_mut(),
        ulParameterLen: 0,
    }
}

/// `CK_TRUE` as a value to point at.
pub static TRUE: CK_BBOOL = CK_TRUE;
/// `CK_FALSE` as a value to point at.
pub static FALSE: CK_BBOOL = CK_FALSE;

/// DER of the P-256 curve OID, the `CKA_EC_PARAMS` of P-256 keys.
pub const P256_OID: [u8; 10] = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];

/// A NULL byte pointer of the type the C signatures take.
pub fn null_bytes() -> *mut CK_BYTE {
    null::<CK_BYTE>().cast_mut()
}

/// `C_GetFunctionList`'s list as its 68 raw entries (as a C caller would see the memory).
pub fn raw_entries(f: &CK_FUNCTION_LIST) -> Vec<usize> {
    let base = (f as *const CK_FUNCTION_LIST).cast::<u8>();
    let first = std::mem::size_of::<*const c_void>(); // CK_VERSION padded to pointer alignment
    (0..FUNCTION_COUNT)
        .map(|i| {
            // SAFETY: the list is the version followed by 68 pointer-sized entries.
            unsafe {
                base.add(first + i * std::mem::size_of::<usize>())
                    .cast::<usize>()
                    .read_unaligned()
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Call helpers: thin, checked wrappers over the function list that return the `CK_RV` (and the
// outputs) instead of asserting, so a test states the code it expects. They take the function
// list by value (`Api` is `Copy` and `Send`), so threads can use them too.
// ---------------------------------------------------------------------------------------------

/// The function list with helpers for the calls the tests make most.
#[derive(Clone, Copy)]
pub struct Api(pub &'static CK_FUNCTION_LIST);

impl Lib {
    /// The call helpers over this library's function list.
    pub fn api(&self) -> Api {
        Api(self.f)
    }
}

/// `sizeof(CK_ULONG)` as a `CK_ULONG`.
pub const ULONG_SIZE: CK_ULONG = std::mem::size_of::<CK_ULONG>() as CK_ULONG;

/// A `CK_ULONG` attribute value as the token stores it (native width and byte order).
pub fn ulong_bytes(v: CK_ULONG) -> Vec<u8> {
    v.to_ne_bytes().to_vec()
}

impl Api {
    /// `C_OpenSession(SLOT_ID, flags)`.
    pub fn open(self, flags: CK_FLAGS) -> Result<CK_SESSION_HANDLE, CK_RV> {
        let mut h: CK_SESSION_HANDLE = 0;
        // SAFETY: `h` is writable; no application pointer or callback.
        let rv = unsafe { (self.0.C_OpenSession)(SLOT_ID, flags, null_mut(), None, &mut h) };
        if rv == CKR_OK {
            Ok(h)
        } else {
            Err(rv)
        }
    }

    /// A read/write session (asserts success).
    pub fn open_rw(self) -> CK_SESSION_HANDLE {
        self.open(CKF_SERIAL_SESSION | CKF_RW_SESSION)
            .expect("C_OpenSession(RW)")
    }

    /// A read-only session (asserts success).
    pub fn open_ro(self) -> CK_SESSION_HANDLE {
        self.open(CKF_SERIAL_SESSION).expect("C_OpenSession(RO)")
    }

    /// `C_CloseSession`.
    pub fn close(self, h: CK_SESSION_HANDLE) -> CK_RV {
        // SAFETY: no pointer arguments.
        unsafe { (self.0.C_CloseSession)(h) }
    }

    /// `C_Login(h, user, pin)`.
    pub fn login(self, h: CK_SESSION_HANDLE, user: CK_USER_TYPE, pin: &[u8]) -> CK_RV {
        let mut pin = pin.to_vec();
        // SAFETY: `pin` is readable for its length.
        unsafe { (self.0.C_Login)(h, user, pin.as_mut_ptr(), pin.len() as CK_ULONG) }
    }

    /// `C_Logout`.
    pub fn logout(self, h: CK_SESSION_HANDLE) -> CK_RV {
        // SAFETY: no pointer arguments.
        unsafe { (self.0.C_Logout)(h) }
    }

    /// `C_GetTokenInfo` (asserts success).
    pub fn token_info(self) -> CK_TOKEN_INFO {
        let mut info = std::mem::MaybeUninit::<CK_TOKEN_INFO>::uninit();
        // SAFETY: `info` is writable.
        let rv = unsafe { (self.0.C_GetTokenInfo)(SLOT_ID, info.as_mut_ptr()) };
        assert_eq!(rv, CKR_OK, "C_GetTokenInfo");
        // SAFETY: written on CKR_OK.
        unsafe { info.assume_init() }
    }

    /// `C_GetSessionInfo`.
    pub fn session_info(self, h: CK_SESSION_HANDLE) -> Result<CK_SESSION_INFO, CK_RV> {
        let mut info = std::mem::MaybeUninit::<CK_SESSION_INFO>::uninit();
        // SAFETY: `info` is writable.
        let rv = unsafe { (self.0.C_GetSessionInfo)(h, info.as_mut_ptr()) };
        if rv == CKR_OK {
            // SAFETY: written on CKR_OK.
            Ok(unsafe { info.assume_init() })
        } else {
            Err(rv)
        }
    }

    /// `C_GetSessionInfo(h).state` (asserts success).
    pub fn state(self, h: CK_SESSION_HANDLE) -> CK_ULONG {
        self.session_info(h).expect("C_GetSessionInfo").state
    }

    /// `C_CreateObject`.
    pub fn create(
        self,
        h: CK_SESSION_HANDLE,
        template: &[CK_ATTRIBUTE],
    ) -> Result<CK_OBJECT_HANDLE, CK_RV> {
        let mut template = template.to_vec();
        let mut o: CK_OBJECT_HANDLE = 0;
        // SAFETY: the template's values outlive the call (caller); `o` is writable.
        let rv = unsafe {
            (self.0.C_CreateObject)(h, template.as_mut_ptr(), template.len() as CK_ULONG, &mut o)
        };
        if rv == CKR_OK {
            assert_ne!(o, INVALID_HANDLE, "C_CreateObject returned handle 0");
            Ok(o)
        } else {
            Err(rv)
        }
    }

    /// `C_DestroyObject`.
    pub fn destroy(self, h: CK_SESSION_HANDLE, o: CK_OBJECT_HANDLE) -> CK_RV {
        // SAFETY: no pointer arguments.
        unsafe { (self.0.C_DestroyObject)(h, o) }
    }

    /// `C_GetAttributeValue` for one attribute: a length query, then the value.
    pub fn attr(
        self,
        h: CK_SESSION_HANDLE,
        o: CK_OBJECT_HANDLE,
        kind: CK_ATTRIBUTE_TYPE,
    ) -> Result<Vec<u8>, CK_RV> {
        let mut q = [attr_query(kind)];
        // SAFETY: a one-entry template with a NULL value (length query).
        let rv = unsafe { (self.0.C_GetAttributeValue)(h, o, q.as_mut_ptr(), 1) };
        if rv != CKR_OK {
            return Err(rv);
        }
        let mut buf = vec![0u8; q[0].ulValueLen as usize];
        let mut q = [CK_ATTRIBUTE {
            r#type: kind,
            pValue: buf.as_mut_ptr().cast(),
            ulValueLen: buf.len() as CK_ULONG,
        }];
        // SAFETY: `buf` is writable for its length.
        let rv = unsafe { (self.0.C_GetAttributeValue)(h, o, q.as_mut_ptr(), 1) };
        if rv != CKR_OK {
            return Err(rv);
        }
        assert_eq!(q[0].ulValueLen as usize, buf.len(), "length changed");
        Ok(buf)
    }

    /// A `CK_ULONG` attribute (asserts success and size).
    pub fn attr_ulong(self, h: CK_SESSION_HANDLE, o: CK_OBJECT_HANDLE, kind: CK_ULONG) -> CK_ULONG {
        let v = self.attr(h, o, kind).expect("C_GetAttributeValue");
        CK_ULONG::from_ne_bytes(v.try_into().expect("CK_ULONG-sized attribute"))
    }

    /// A `CK_BBOOL` attribute (asserts success and size).
    pub fn attr_bool(self, h: CK_SESSION_HANDLE, o: CK_OBJECT_HANDLE, kind: CK_ULONG) -> bool {
        let v = self.attr(h, o, kind).expect("C_GetAttributeValue");
        assert_eq!(v.len(), 1, "CK_BBOOL attribute {kind:#x}");
        assert!(v[0] <= 1, "CK_BBOOL value {}", v[0]);
        v[0] == CK_TRUE
    }

    /// `C_SetAttributeValue`.
    pub fn set_attrs(
        self,
        h: CK_SESSION_HANDLE,
        o: CK_OBJECT_HANDLE,
        template: &[CK_ATTRIBUTE],
    ) -> CK_RV {
        let mut template = template.to_vec();
        // SAFETY: the template's values outlive the call (caller).
        unsafe {
            (self.0.C_SetAttributeValue)(h, o, template.as_mut_ptr(), template.len() as CK_ULONG)
        }
    }

    /// `C_FindObjectsInit`.
    pub fn find_init(self, h: CK_SESSION_HANDLE, template: &[CK_ATTRIBUTE]) -> CK_RV {
        let mut template = template.to_vec();
        // SAFETY: the template's values outlive the call (caller).
        unsafe { (self.0.C_FindObjectsInit)(h, template.as_mut_ptr(), template.len() as CK_ULONG) }
    }

    /// One `C_FindObjects` call with room for `max` handles.
    pub fn find_next(
        self,
        h: CK_SESSION_HANDLE,
        max: usize,
    ) -> Result<Vec<CK_OBJECT_HANDLE>, CK_RV> {
        let mut out = vec![0 as CK_OBJECT_HANDLE; max];
        let mut count: CK_ULONG = CK_ULONG::MAX;
        // SAFETY: `out` is writable for `max` handles, `count` writable.
        let rv =
            unsafe { (self.0.C_FindObjects)(h, out.as_mut_ptr(), max as CK_ULONG, &mut count) };
        if rv != CKR_OK {
            return Err(rv);
        }
        assert!(
            count as usize <= max,
            "C_FindObjects returned {count} > {max}"
        );
        out.truncate(count as usize);
        Ok(out)
    }

    /// `C_FindObjectsFinal`.
    pub fn find_final(self, h: CK_SESSION_HANDLE) -> CK_RV {
        // SAFETY: no pointer arguments.
        unsafe { (self.0.C_FindObjectsFinal)(h) }
    }

    /// A whole search (init, batches of `batch` until none come back, final), sorted.
    pub fn find_all_by(
        self,
        h: CK_SESSION_HANDLE,
        template: &[CK_ATTRIBUTE],
        batch: usize,
    ) -> Vec<CK_OBJECT_HANDLE> {
        assert_eq!(self.find_init(h, template), CKR_OK, "C_FindObjectsInit");
        let mut all = Vec::new();
        loop {
            let got = self.find_next(h, batch).expect("C_FindObjects");
            if got.is_empty() {
                break;
            }
            all.extend(got);
            assert!(all.len() <= 10_000, "C_FindObjects never ends");
        }
        assert_eq!(self.find_final(h), CKR_OK, "C_FindObjectsFinal");
        let n = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), n, "a handle was returned twice");
        all
    }

    /// [`Api::find_all_by`] in batches of 16.
    pub fn find_all(
        self,
        h: CK_SESSION_HANDLE,
        template: &[CK_ATTRIBUTE],
    ) -> Vec<CK_OBJECT_HANDLE> {
        self.find_all_by(h, template, 16)
    }

    /// `C_SignInit`.
    pub fn sign_init(
        self,
        h: CK_SESSION_HANDLE,
        mech: CK_MECHANISM_TYPE,
        key: CK_OBJECT_HANDLE,
    ) -> CK_RV {
        let mut m = mechanism(mech);
        // SAFETY: `m` is a valid mechanism without parameter.
        unsafe { (self.0.C_SignInit)(h, &mut m, key) }
    }

    /// `C_Sign` into a buffer of `cap` bytes (`None`: NULL, a length query). Returns the code,
    /// the length the library wrote to `*pulSignatureLen` and the buffer's first bytes.
    pub fn sign_raw(
        self,
        h: CK_SESSION_HANDLE,
        data: &[u8],
        cap: Option<usize>,
    ) -> (CK_RV, CK_ULONG, Vec<u8>) {
        let mut data = data.to_vec();
        let mut buf = vec![0u8; cap.unwrap_or(0)];
        let mut len: CK_ULONG = cap.unwrap_or(0) as CK_ULONG;
        let out = if cap.is_some() {
            buf.as_mut_ptr()
        } else {
            null_bytes()
        };
        // SAFETY: `data` readable for its length; `out` NULL or writable for `len` bytes.
        let rv =
            unsafe { (self.0.C_Sign)(h, data.as_mut_ptr(), data.len() as CK_ULONG, out, &mut len) };
        (rv, len, buf)
    }

    /// `C_SignUpdate`.
    pub fn sign_update(self, h: CK_SESSION_HANDLE, part: &[u8]) -> CK_RV {
        let mut part = part.to_vec();
        // SAFETY: `part` readable for its length.
        unsafe { (self.0.C_SignUpdate)(h, part.as_mut_ptr(), part.len() as CK_ULONG) }
    }

    /// `C_SignFinal` into a buffer of `cap` bytes (`None`: a length query).
    pub fn sign_final_raw(
        self,
        h: CK_SESSION_HANDLE,
        cap: Option<usize>,
    ) -> (CK_RV, CK_ULONG, Vec<u8>) {
        let mut buf = vec![0u8; cap.unwrap_or(0)];
        let mut len: CK_ULONG = cap.unwrap_or(0) as CK_ULONG;
        let out = if cap.is_some() {
            buf.as_mut_ptr()
        } else {
            null_bytes()
        };
        // SAFETY: `out` NULL or writable for `len` bytes.
        let rv = unsafe { (self.0.C_SignFinal)(h, out, &mut len) };
        (rv, len, buf)
    }

    /// A whole single-part signature (asserts every step): init, length query, sign.
    pub fn sign(
        self,
        h: CK_SESSION_HANDLE,
        mech: CK_MECHANISM_TYPE,
        key: CK_OBJECT_HANDLE,
        data: &[u8],
    ) -> Vec<u8> {
        assert_eq!(self.sign_init(h, mech, key), CKR_OK, "C_SignInit");
        let (rv, len, _) = self.sign_raw(h, data, None);
        assert_eq!(rv, CKR_OK, "C_Sign length query");
        let (rv, written, mut sig) = self.sign_raw(h, data, Some(len as usize));
        assert_eq!(rv, CKR_OK, "C_Sign");
        assert_eq!(written, len);
        sig.truncate(written as usize);
        sig
    }

    /// A whole multi-part signature over `parts` (asserts every step).
    pub fn sign_parts(
        self,
        h: CK_SESSION_HANDLE,
        mech: CK_MECHANISM_TYPE,
        key: CK_OBJECT_HANDLE,
        parts: &[&[u8]],
    ) -> Vec<u8> {
        assert_eq!(self.sign_init(h, mech, key), CKR_OK, "C_SignInit");
        for p in parts {
            assert_eq!(self.sign_update(h, p), CKR_OK, "C_SignUpdate");
        }
        let (rv, len, _) = self.sign_final_raw(h, None);
        assert_eq!(rv, CKR_OK, "C_SignFinal length query");
        let (rv, written, mut sig) = self.sign_final_raw(h, Some(len as usize));
        assert_eq!(rv, CKR_OK, "C_SignFinal");
        assert_eq!(written, len);
        sig.truncate(written as usize);
        sig
    }

    /// `C_VerifyInit`.
    pub fn verify_init(
        self,
        h: CK_SESSION_HANDLE,
        mech: CK_MECHANISM_TYPE,
        key: CK_OBJECT_HANDLE,
    ) -> CK_RV {
        let mut m = mechanism(mech);
        // SAFETY: `m` is a valid mechanism without parameter.
        unsafe { (self.0.C_VerifyInit)(h, &mut m, key) }
    }

    /// `C_Verify` (the operation must be initialised).
    pub fn verify_only(self, h: CK_SESSION_HANDLE, data: &[u8], sig: &[u8]) -> CK_RV {
        let mut data = data.to_vec();
        let mut sig = sig.to_vec();
        // SAFETY: both buffers readable for their lengths.
        unsafe {
            (self.0.C_Verify)(
                h,
                data.as_mut_ptr(),
                data.len() as CK_ULONG,
                sig.as_mut_ptr(),
                sig.len() as CK_ULONG,
            )
        }
    }

    /// `C_VerifyInit` (asserted) then `C_Verify`: the verification's result.
    pub fn verify(
        self,
        h: CK_SESSION_HANDLE,
        mech: CK_MECHANISM_TYPE,
        key: CK_OBJECT_HANDLE,
        data: &[u8],
        sig: &[u8],
    ) -> CK_RV {
        assert_eq!(self.verify_init(h, mech, key), CKR_OK, "C_VerifyInit");
        self.verify_only(h, data, sig)
    }

    /// `C_VerifyUpdate`.
    pub fn verify_update(self, h: CK_SESSION_HANDLE, part: &[u8]) -> CK_RV {
        let mut part = part.to_vec();
        // SAFETY: `part` readable for its length.
        unsafe { (self.0.C_VerifyUpdate)(h, part.as_mut_ptr(), part.len() as CK_ULONG) }
    }

    /// `C_VerifyFinal`.
    pub fn verify_final(self, h: CK_SESSION_HANDLE, sig: &[u8]) -> CK_RV {
        let mut sig = sig.to_vec();
        // SAFETY: `sig` readable for its length.
        unsafe { (self.0.C_VerifyFinal)(h, sig.as_mut_ptr(), sig.len() as CK_ULONG) }
    }

    /// A whole multi-part verification (init and updates asserted): the final result.
    pub fn verify_parts(
        self,
        h: CK_SESSION_HANDLE,
        mech: CK_MECHANISM_TYPE,
        key: CK_OBJECT_HANDLE,
        parts: &[&[u8]],
        sig: &[u8],
    ) -> CK_RV {
        assert_eq!(self.verify_init(h, mech, key), CKR_OK, "C_VerifyInit");
        for p in parts {
            assert_eq!(self.verify_update(h, p), CKR_OK, "C_VerifyUpdate");
        }
        self.verify_final(h, sig)
    }

    /// SHA-256 of `data` with `C_DigestInit`/`C_Digest` (asserted).
    pub fn sha256(self, h: CK_SESSION_HANDLE, data: &[u8]) -> [u8; 32] {
        let mut m = mechanism(CKM_SHA256);
        let mut data = data.to_vec();
        let mut out = [0u8; 32];
        let mut len: CK_ULONG = 32;
        // SAFETY: valid mechanism, input readable, output writable for 32 bytes.
        unsafe {
            assert_eq!((self.0.C_DigestInit)(h, &mut m), CKR_OK, "C_DigestInit");
            assert_eq!(
                (self.0.C_Digest)(
                    h,
                    data.as_mut_ptr(),
                    data.len() as CK_ULONG,
                    out.as_mut_ptr(),
                    &mut len
                ),
                CKR_OK,
                "C_Digest"
            );
        }
        assert_eq!(len, 32);
        out
    }

    /// `C_GenerateRandom` into `out`.
    pub fn random(self, h: CK_SESSION_HANDLE, out: &mut [u8]) -> CK_RV {
        // SAFETY: `out` writable for its length.
        unsafe { (self.0.C_GenerateRandom)(h, out.as_mut_ptr(), out.len() as CK_ULONG) }
    }

    /// `C_GenerateKeyPair(CKM_EC_KEY_PAIR_GEN)` with the given templates.
    pub fn generate_ec(
        self,
        h: CK_SESSION_HANDLE,
        public: &[CK_ATTRIBUTE],
        private: &[CK_ATTRIBUTE],
    ) -> Result<(CK_OBJECT_HANDLE, CK_OBJECT_HANDLE), CK_RV> {
        self.generate_pair(h, CKM_EC_KEY_PAIR_GEN, public, private)
    }

    /// `C_GenerateKeyPair` with mechanism `mech` (no parameter).
    pub fn generate_pair(
        self,
        h: CK_SESSION_HANDLE,
        mech: CK_MECHANISM_TYPE,
        public: &[CK_ATTRIBUTE],
        private: &[CK_ATTRIBUTE],
    ) -> Result<(CK_OBJECT_HANDLE, CK_OBJECT_HANDLE), CK_RV> {
        let mut m = mechanism(mech);
        let mut public = public.to_vec();
        let mut private = private.to_vec();
        let (mut pubh, mut privh) = (0, 0);
        // SAFETY: valid templates (values outlive the call) and writable handles.
        let rv = unsafe {
            (self.0.C_GenerateKeyPair)(
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
        if rv == CKR_OK {
            assert_ne!(pubh, INVALID_HANDLE);
            assert_ne!(privh, INVALID_HANDLE);
            assert_ne!(pubh, privh);
            Ok((pubh, privh))
        } else {
            Err(rv)
        }
    }

    /// A P-256 pair with the reference's minimal templates (public: key type, verify, curve,
    /// label; private: key type, token, private, sign, label).
    pub fn generate_ec_minimal(
        self,
        h: CK_SESSION_HANDLE,
        label: &[u8],
        token: bool,
    ) -> (CK_OBJECT_HANDLE, CK_OBJECT_HANDLE) {
        let ec = CKK_EC;
        let tok = if token { &TRUE } else { &FALSE };
        let public = [
            attr_ulong(CKA_KEY_TYPE, &ec),
            attr_bool(CKA_VERIFY, &TRUE),
            attr_bytes(CKA_EC_PARAMS, &P256_OID),
            attr_bytes(CKA_LABEL, label),
        ];
        let private = [
            attr_ulong(CKA_KEY_TYPE, &ec),
            attr_bool(CKA_TOKEN, tok),
            attr_bool(CKA_PRIVATE, &TRUE),
            attr_bool(CKA_SIGN, &TRUE),
            attr_bytes(CKA_LABEL, label),
        ];
        self.generate_ec(h, &public, &private)
            .expect("C_GenerateKeyPair(CKM_EC_KEY_PAIR_GEN)")
    }
}

/// Decodes a hex string (panics on malformed input: test data only).
pub fn hex(s: &str) -> Vec<u8> {
    let s = s.trim();
    assert!(s.len().is_multiple_of(2), "odd hex length");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex digit"))
        .collect()
}

/// SHA-256 by an implementation independent of the library.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(data).into()
}

/// The 2048-bit RSA test key of `rust/engine/tests/data/rsa2048.txt`: its components by name
/// (`modulus`, `public_exponent`, `private_exponent`, `prime1`, `prime2`, `exponent1`,
/// `exponent2`, `coefficient`).
pub struct RsaFixture(Vec<(String, Vec<u8>)>);

impl RsaFixture {
    /// Loads the fixture.
    pub fn load() -> RsaFixture {
        let text = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../engine/tests/data/rsa2048.txt"
        ));
        RsaFixture(
            text.lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| {
                    let (k, v) = l.split_once('=').expect("name=hex");
                    (k.trim().to_string(), hex(v))
                })
                .collect(),
        )
    }

    /// One component.
    pub fn part(&self, name: &str) -> &[u8] {
        &self
            .0
            .iter()
            .find(|(k, _)| k == name)
            .unwrap_or_else(|| panic!("no {name} in rsa2048.txt"))
            .1
    }

    /// `openssl dgst -sha256 -sign` of [`RSA_KNOWN_MESSAGE`] with this key.
    pub fn known_signature() -> Vec<u8> {
        hex(include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../engine/tests/data/rsa2048-sha256-signature.hex"
        )))
    }
}

/// The message [`RsaFixture::known_signature`] signs.
pub const RSA_KNOWN_MESSAGE: &[u8] = b"core-pkcs11 known answer";

/// Imports `RsaFixture` as a private key (with every CRT component) and a public key, both
/// session objects labelled `label`; returns (public, private).
pub fn import_rsa(
    api: Api,
    h: CK_SESSION_HANDLE,
    label: &[u8],
) -> (CK_OBJECT_HANDLE, CK_OBJECT_HANDLE) {
    let f = RsaFixture::load();
    let rsa = CKK_RSA;
    let private_class = CKO_PRIVATE_KEY;
    let public_class = CKO_PUBLIC_KEY;
    let private = [
        attr_ulong(CKA_CLASS, &private_class),
        attr_ulong(CKA_KEY_TYPE, &rsa),
        attr_bytes(CKA_LABEL, label),
        attr_bool(CKA_SIGN, &TRUE),
        attr_bytes(CKA_MODULUS, f.part("modulus")),
        attr_bytes(CKA_PUBLIC_EXPONENT, f.part("public_exponent")),
        attr_bytes(CKA_PRIVATE_EXPONENT, f.part("private_exponent")),
        attr_bytes(CKA_PRIME_1, f.part("prime1")),
        attr_bytes(CKA_PRIME_2, f.part("prime2")),
        attr_bytes(CKA_EXPONENT_1, f.part("exponent1")),
        attr_bytes(CKA_EXPONENT_2, f.part("exponent2")),
        attr_bytes(CKA_COEFFICIENT, f.part("coefficient")),
    ];
    let public = [
        attr_ulong(CKA_CLASS, &public_class),
        attr_ulong(CKA_KEY_TYPE, &rsa),
        attr_bytes(CKA_LABEL, label),
        attr_bool(CKA_VERIFY, &TRUE),
        attr_bytes(CKA_MODULUS, f.part("modulus")),
        attr_bytes(CKA_PUBLIC_EXPONENT, f.part("public_exponent")),
    ];
    let k = api
        .create(h, &private)
        .expect("C_CreateObject(RSA private)");
    let p = api.create(h, &public).expect("C_CreateObject(RSA public)");
    (p, k)
}

/// The P-256 generator G = 1·G as an uncompressed SEC1 point (04 ‖ X ‖ Y): the public key of
/// the private scalar 1, so tests can import a matching key pair without a crypto library.
pub const P256_G: [u8; 65] = [
    0x04, 0x6b, 0x17, 0xd1, 0xf2, 0xe1, 0x2c, 0x42, 0x47, 0xf8, 0xbc, 0xe6, 0xe5, 0x63, 0xa4, 0x40,
    0xf2, 0x77, 0x03, 0x7d, 0x81, 0x2d, 0xeb, 0x33, 0xa0, 0xf4, 0xa1, 0x39, 0x45, 0xd8, 0x98, 0xc2,
    0x96, 0x4f, 0xe3, 0x42, 0xe2, 0xfe, 0x1a, 0x7f, 0x9b, 0x8e, 0xe7, 0xeb, 0x4a, 0x7c, 0x0f, 0x9e,
    0x16, 0x2b, 0xce, 0x33, 0x57, 0x6b, 0x31, 0x5e, 0xce, 0xcb, 0xb6, 0x40, 0x68, 0x37, 0xbf, 0x51,
    0xf5,
];

/// The private scalar 1 (big-endian, 32 bytes), whose public point is [`P256_G`].
pub fn p256_scalar_one() -> [u8; 32] {
    let mut s = [0u8; 32];
    s[31] = 1;
    s
}

/// `CKA_EC_POINT` as the standard encodes it: DER OCTET STRING of the SEC1 point.
pub fn ec_point_der(point: &[u8; 65]) -> Vec<u8> {
    let mut v = vec![0x04, 0x41];
    v.extend_from_slice(point);
    v
}
