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
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
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
