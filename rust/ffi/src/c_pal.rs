//! The application's vendor PAL port: the C functions of `core_pkcs11_pal.h` as a [`Pal`].

use crate::pal_store::Pal;
use crate::types::CK_ATTRIBUTE;
use alloc::vec::Vec;
use core::ffi::c_void;
use core_pkcs11_engine::ck::{Ulong, CKA_LABEL, CKR_OK};
use zeroize::Zeroizing;

extern "C" {
    fn PKCS11_PAL_Initialize() -> Ulong;
    fn PKCS11_PAL_SaveObject(label: *mut CK_ATTRIBUTE, data: *mut u8, len: Ulong) -> Ulong;
    fn PKCS11_PAL_DestroyObject(handle: Ulong) -> Ulong;
    fn PKCS11_PAL_FindObject(label: *mut u8, len: Ulong) -> Ulong;
    fn PKCS11_PAL_GetObjectValue(
        handle: Ulong,
        data: *mut *mut u8,
        len: *mut Ulong,
        is_private: *mut u8,
    ) -> Ulong;
    fn PKCS11_PAL_GetObjectValueCleanup(data: *mut u8, len: Ulong);
}

/// The PAL port linked into the application.
pub struct CPal;

/// A label as PAL ports expect it: the bytes, then a NUL that the length does not count
/// (ports compare with `strncmp` or `memcmp` on the given length).
fn c_label(label: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(label.len() + 1);
    v.extend_from_slice(label);
    v.push(0);
    v
}

impl Pal for CPal {
    fn initialize(&mut self) -> Ulong {
        // SAFETY: the PAL's initialisation takes no arguments.
        unsafe { PKCS11_PAL_Initialize() }
    }

    fn save(&mut self, label: &[u8], data: &[u8]) -> Ulong {
        let mut name = c_label(label);
        let mut attribute = CK_ATTRIBUTE {
            r#type: CKA_LABEL,
            pValue: name.as_mut_ptr().cast::<c_void>(),
            ulValueLen: label.len() as Ulong,
        };
        // The PAL takes a non-const pointer but only reads the data: give it a copy.
        let mut copy = Zeroizing::new(data.to_vec());
        // SAFETY: `attribute` points at `name` (label.len() bytes plus a NUL) and `copy` holds
        // `data.len()` bytes; both outlive the call.
        unsafe { PKCS11_PAL_SaveObject(&mut attribute, copy.as_mut_ptr(), data.len() as Ulong) }
    }

    fn destroy(&mut self, handle: Ulong) -> Ulong {
        // SAFETY: plain value argument.
        unsafe { PKCS11_PAL_DestroyObject(handle) }
    }

    fn find(&mut self, label: &[u8]) -> Ulong {
        let mut name = c_label(label);
        // SAFETY: `name` holds label.len() bytes plus a NUL and outlives the call.
        unsafe { PKCS11_PAL_FindObject(name.as_mut_ptr(), label.len() as Ulong) }
    }

    fn read(&mut self, handle: Ulong) -> Option<Zeroizing<Vec<u8>>> {
        let mut data: *mut u8 = core::ptr::null_mut();
        let mut len: Ulong = 0;
        let mut is_private: u8 = 0;
        // SAFETY: the three out-pointers are valid locals.
        let rv = unsafe { PKCS11_PAL_GetObjectValue(handle, &mut data, &mut len, &mut is_private) };
        if rv != CKR_OK || data.is_null() {
            return None;
        }
        let n = usize::try_from(len).ok()?;
        // SAFETY: on success the PAL returns a buffer of `len` readable bytes that stays valid
        // until the cleanup call below.
        let copy = Zeroizing::new(unsafe { core::slice::from_raw_parts(data, n) }.to_vec());
        // SAFETY: `data`/`len` are exactly what GetObjectValue returned, released once.
        unsafe { PKCS11_PAL_GetObjectValueCleanup(data, len) };
        Some(copy)
    }
}
