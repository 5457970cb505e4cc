//! Checked conversion of the pointers and lengths a C caller passes into Rust values.
//!
//! Rules applied everywhere: a NULL pointer with a nonzero length, and a NULL out-pointer, are
//! `CKR_ARGUMENTS_BAD`; lengths are converted with checks; scalars and structures are read and
//! written unaligned (no reference to caller memory is made for them); byte buffers become
//! slices only for the duration of one call, and a caller's output buffer that overlaps one of
//! its inputs is handled by copying the input first, so that no Rust reference ever aliases a
//! mutable one.

use crate::types::{CK_ATTRIBUTE, CK_MECHANISM, CK_ULONG};
use alloc::vec::Vec;
use core_pkcs11_engine::ck::{
    CKR_ARGUMENTS_BAD, CKR_BUFFER_TOO_SMALL, CKR_GENERAL_ERROR, CKR_HOST_MEMORY,
};
use core_pkcs11_engine::{Attribute, CkResult, Mechanism, Output};
use zeroize::Zeroizing;

/// `CK_ULONG` length from C to `usize` (`CKR_ARGUMENTS_BAD` if it does not fit).
pub(crate) fn to_usize(len: CK_ULONG) -> CkResult<usize> {
    usize::try_from(len).map_err(|_| CKR_ARGUMENTS_BAD)
}

/// `usize` count to the `CK_ULONG` written back to C.
pub(crate) fn to_ulong(n: usize) -> CkResult<CK_ULONG> {
    CK_ULONG::try_from(n).map_err(|_| CKR_GENERAL_ERROR)
}

/// Checks that `len` elements of `size` bytes at `ptr` form a range a slice may cover: total
/// at most `isize::MAX` bytes, not wrapping around the address space.
fn check_range(ptr: usize, len: usize, size: usize) -> CkResult<usize> {
    let bytes = len.checked_mul(size).ok_or(CKR_ARGUMENTS_BAD)?;
    if bytes > isize::MAX as usize || ptr.checked_add(bytes).is_none() {
        return Err(CKR_ARGUMENTS_BAD);
    }
    Ok(bytes)
}

/// The caller's input bytes `ptr[..len]`: empty for `len == 0` (whatever `ptr`),
/// `CKR_ARGUMENTS_BAD` for NULL with a nonzero length.
///
/// # Safety
/// If `ptr` is non-NULL and `len > 0`, it points to `len` readable bytes that are not written
/// during `'a`.
pub(crate) unsafe fn bytes<'a>(ptr: *const u8, len: CK_ULONG) -> CkResult<&'a [u8]> {
    let len = to_usize(len)?;
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(CKR_ARGUMENTS_BAD);
    }
    check_range(ptr as usize, len, 1)?;
    // SAFETY: non-NULL, in range (checked above), readable and unchanged for `'a` (caller).
    Ok(unsafe { core::slice::from_raw_parts(ptr, len) })
}

/// The caller's output buffer `ptr[..len]` (`ptr` non-NULL).
///
/// # Safety
/// `ptr` points to `len` writable bytes that nothing else reads or writes during `'a`.
pub(crate) unsafe fn bytes_mut<'a>(ptr: *mut u8, len: usize) -> CkResult<&'a mut [u8]> {
    if len == 0 {
        return Ok(&mut []);
    }
    if ptr.is_null() {
        return Err(CKR_ARGUMENTS_BAD);
    }
    check_range(ptr as usize, len, 1)?;
    // SAFETY: non-NULL, in range, writable and unaliased for `'a` (caller).
    Ok(unsafe { core::slice::from_raw_parts_mut(ptr, len) })
}

/// Reads the caller's `*ptr` (`CKR_ARGUMENTS_BAD` for NULL).
///
/// # Safety
/// If non-NULL, `ptr` points to a readable, initialised `T` (alignment not required).
pub(crate) unsafe fn read<T: Copy>(ptr: *const T) -> CkResult<T> {
    if ptr.is_null() {
        return Err(CKR_ARGUMENTS_BAD);
    }
    // SAFETY: non-NULL and readable (caller); unaligned read.
    Ok(unsafe { ptr.read_unaligned() })
}

/// Writes `value` to the caller's `*ptr` (`CKR_ARGUMENTS_BAD` for NULL).
///
/// # Safety
/// If non-NULL, `ptr` points to writable memory for a `T` (alignment not required) that no
/// live Rust reference covers.
pub(crate) unsafe fn write<T>(ptr: *mut T, value: T) -> CkResult<()> {
    if ptr.is_null() {
        return Err(CKR_ARGUMENTS_BAD);
    }
    // SAFETY: non-NULL and writable (caller); unaligned write.
    unsafe { ptr.write_unaligned(value) };
    Ok(())
}

/// `CKR_ARGUMENTS_BAD` if `ptr` is NULL.
pub(crate) fn non_null<T>(ptr: *const T) -> CkResult<()> {
    if ptr.is_null() {
        Err(CKR_ARGUMENTS_BAD)
    } else {
        Ok(())
    }
}

/// Whether the byte ranges `a[..a_len]` and `b[..b_len]` share a byte.
pub(crate) fn overlaps(a: *const u8, a_len: usize, b: *const u8, b_len: usize) -> bool {
    let (a, b) = (a as usize, b as usize);
    a_len != 0 && b_len != 0 && a < b.saturating_add(b_len) && b < a.saturating_add(a_len)
}

/// The caller's mechanism `*ptr` as the engine's [`Mechanism`].
///
/// # Safety
/// If non-NULL, `ptr` points to a readable `CK_MECHANISM` whose parameter (if any) is
/// readable for `ulParameterLen` bytes and unchanged during `'a`.
pub(crate) unsafe fn mechanism<'a>(ptr: *const CK_MECHANISM) -> CkResult<Mechanism<'a>> {
    // SAFETY: forwarded from the caller.
    let m = unsafe { read(ptr)? };
    // SAFETY: forwarded from the caller.
    let parameter = unsafe { bytes(m.pParameter.cast::<u8>().cast_const(), m.ulParameterLen)? };
    Ok(Mechanism {
        kind: m.mechanism,
        parameter,
    })
}

/// The number of entries of the caller's template array `ptr[..count]` after the checks every
/// template gets: 0 for an empty one (whatever `ptr`), `CKR_ARGUMENTS_BAD` for NULL with a
/// nonzero count or a range that does not fit the address space.
fn template_len(ptr: *const CK_ATTRIBUTE, count: CK_ULONG) -> CkResult<usize> {
    let count = to_usize(count)?;
    if count == 0 {
        return Ok(0);
    }
    if ptr.is_null() {
        return Err(CKR_ARGUMENTS_BAD);
    }
    check_range(ptr as usize, count, core::mem::size_of::<CK_ATTRIBUTE>())?;
    Ok(count)
}

/// An empty vector with room for exactly `n` elements (`CKR_HOST_MEMORY` if that fails).
fn vec_for<T>(n: usize) -> CkResult<Vec<T>> {
    let mut v = Vec::new();
    v.try_reserve_exact(n).map_err(|_| CKR_HOST_MEMORY)?;
    Ok(v)
}

/// Reads the `count` entries of the caller's template array (values untouched).
///
/// # Safety
/// If `count > 0` and `ptr` is non-NULL, `ptr` points to `count` readable `CK_ATTRIBUTE`s.
pub(crate) unsafe fn template_entries(
    ptr: *const CK_ATTRIBUTE,
    count: CK_ULONG,
) -> CkResult<Vec<CK_ATTRIBUTE>> {
    let count = template_len(ptr, count)?;
    let mut entries = vec_for(count)?;
    for i in 0..count {
        // SAFETY: `i < count`, and the caller's array holds `count` readable entries (the
        // range was checked not to wrap), so `ptr + i` is in it; read unaligned.
        entries.push(unsafe { ptr.add(i).read_unaligned() });
    }
    Ok(entries)
}

/// The caller's input template (`C_CreateObject`, `C_FindObjectsInit`, …) as the engine's
/// [`Attribute`]s. An entry with a NULL `pValue` and a nonzero length is `CKR_ARGUMENTS_BAD`.
/// Each entry is read and converted in one pass (no intermediate copy of the entries).
///
/// # Safety
/// As for [`template_entries`], and each entry's value is readable for `ulValueLen` bytes and
/// unchanged during `'a`.
pub(crate) unsafe fn template<'a>(
    ptr: *const CK_ATTRIBUTE,
    count: CK_ULONG,
) -> CkResult<Vec<Attribute<'a>>> {
    let count = template_len(ptr, count)?;
    let mut out = vec_for(count)?;
    for i in 0..count {
        // SAFETY: as in `template_entries`.
        let e = unsafe { ptr.add(i).read_unaligned() };
        // SAFETY: forwarded from the caller.
        let value = unsafe { bytes(e.pValue.cast::<u8>().cast_const(), e.ulValueLen)? };
        out.push(Attribute {
            kind: e.r#type,
            value,
        });
    }
    Ok(out)
}

/// The token call of [`with_output`]: the input and the output buffer (`None` for a length
/// query) to the length written or needed.
pub(crate) type OutputCall<'a> = dyn FnMut(&[u8], Option<&mut [u8]>) -> CkResult<Output> + 'a;

/// Runs an engine call that writes output into the caller's `(out, *out_len)` buffer pair,
/// following the PKCS #11 conventions: NULL `out` is a length query (`CKR_OK` with the length
/// needed), a too-small buffer is `CKR_BUFFER_TOO_SMALL` with the length needed, otherwise the
/// length written. The caller's input `in_ptr[..in_len]` is passed on as a slice; if it
/// overlaps the output buffer it is copied first, so the two slices never alias. `call`
/// is a trait object, not a generic parameter: one compiled copy serves every caller.
///
/// # Safety
/// `in_ptr` is NULL or points to `in_len` readable bytes; `out_len` is NULL or points to a
/// readable and writable `CK_ULONG`; `out` is NULL or points to `*out_len` writable bytes.
/// None of them is accessed by anything else during the call.
pub(crate) unsafe fn with_output(
    in_ptr: *const u8,
    in_len: CK_ULONG,
    out: *mut u8,
    out_len: *mut CK_ULONG,
    call: &mut OutputCall<'_>,
) -> CkResult<()> {
    // SAFETY: forwarded from the caller.
    let capacity = unsafe { read(out_len)? };
    let result = if out.is_null() {
        // SAFETY: forwarded from the caller; no mutable slice exists.
        let input = unsafe { bytes(in_ptr, in_len)? };
        call(input, None)?
    } else {
        let capacity = to_usize(capacity)?;
        let input_len = to_usize(in_len)?;
        let copy: Zeroizing<Vec<u8>>;
        let input: &[u8] = if overlaps(in_ptr, input_len, out, capacity) {
            // SAFETY: forwarded from the caller; this shared slice ends before the output
            // slice below is made.
            copy = Zeroizing::new(unsafe { bytes(in_ptr, in_len)? }.to_vec());
            &copy[..]
        } else {
            // SAFETY: forwarded from the caller; the input does not overlap the output.
            unsafe { bytes(in_ptr, in_len)? }
        };
        // SAFETY: `out` is writable for `capacity` bytes (caller) and `input` does not overlap
        // it (it was copied otherwise), so this slice is the only reference to that memory.
        let buffer = unsafe { bytes_mut(out, capacity)? };
        call(input, Some(buffer))?
    };
    let (n, fits) = match result {
        Output::Written(n) => (n, true),
        Output::Needed(n) => (n, out.is_null()),
    };
    // SAFETY: `out_len` is valid (caller); the output slice is gone by now.
    unsafe { write(out_len, to_ulong(n)?)? };
    if fits {
        Ok(())
    } else {
        Err(CKR_BUFFER_TOO_SMALL)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlap_detection() {
        let buf = [0u8; 16];
        let p = buf.as_ptr();
        assert!(overlaps(p, 4, p.wrapping_add(3), 4));
        assert!(!overlaps(p, 4, p.wrapping_add(4), 4));
        assert!(!overlaps(p, 0, p, 4));
        assert!(overlaps(p.wrapping_add(8), 8, p, 9));
    }

    #[test]
    fn null_and_lengths() {
        // SAFETY: NULL with length 0 is never dereferenced.
        assert_eq!(unsafe { bytes(core::ptr::null(), 0) }, Ok(&[][..]));
        // SAFETY: NULL with a length is rejected before use.
        let r = unsafe { bytes(core::ptr::null(), 1) };
        assert_eq!(r, Err(CKR_ARGUMENTS_BAD));
        let v = [1u8, 2, 3];
        // SAFETY: `v` is 3 readable bytes.
        assert_eq!(unsafe { bytes(v.as_ptr(), 3) }, Ok(&v[..]));
        // A range that would wrap around the address space.
        let p = usize::MAX as *const u8;
        // SAFETY: rejected before use.
        assert_eq!(unsafe { bytes(p, 2) }, Err(CKR_ARGUMENTS_BAD));
        // SAFETY: NULL is rejected before use.
        let r = unsafe { read::<CK_ULONG>(core::ptr::null()) };
        assert_eq!(r, Err(CKR_ARGUMENTS_BAD));
    }
}
