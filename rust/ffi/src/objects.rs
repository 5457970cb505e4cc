//! Object management: create, destroy, size, attribute values, search.

use crate::args;
use crate::guard;
use crate::types::*;
use alloc::vec::Vec;
use core_pkcs11_engine::ck::*;
use core_pkcs11_engine::{AttributeQuery, CkResult};

/// `C_CreateObject`.
///
/// # Safety
/// `pTemplate` is NULL or readable for `ulCount` attributes whose values are readable for
/// their lengths; `phObject` is NULL or writable for a handle.
#[no_mangle]
pub unsafe extern "C" fn C_CreateObject(
    hSession: CK_SESSION_HANDLE,
    pTemplate: *mut CK_ATTRIBUTE,
    ulCount: CK_ULONG,
    phObject: *mut CK_OBJECT_HANDLE,
) -> CK_RV {
    guard::with_token(move |token| {
        args::non_null(phObject)?;
        // SAFETY: forwarded from the caller.
        let template = unsafe { args::template(pTemplate, ulCount)? };
        let handle = token.create_object(hSession, &template)?;
        drop(template);
        // SAFETY: non-NULL and writable (caller); no slice of caller memory is live.
        unsafe { args::write(phObject, handle) }
    })
}

/// `C_DestroyObject`.
///
/// # Safety
/// None beyond the C signature.
#[no_mangle]
pub unsafe extern "C" fn C_DestroyObject(
    hSession: CK_SESSION_HANDLE,
    hObject: CK_OBJECT_HANDLE,
) -> CK_RV {
    guard::with_token(move |token| token.destroy_object(hSession, hObject))
}

/// `C_GetObjectSize`.
///
/// # Safety
/// `pulSize` is NULL or writable for a `CK_ULONG`.
#[no_mangle]
pub unsafe extern "C" fn C_GetObjectSize(
    hSession: CK_SESSION_HANDLE,
    hObject: CK_OBJECT_HANDLE,
    pulSize: *mut CK_ULONG,
) -> CK_RV {
    guard::with_token(move |token| {
        args::non_null(pulSize)?;
        let size = token.object_size(hSession, hObject)?;
        // SAFETY: non-NULL and writable (caller).
        unsafe { args::write(pulSize, size) }
    })
}

/// Whether a `C_GetAttributeValue` result still carries filled-in lengths (the template is
/// then updated, as PKCS #11 requires).
fn lengths_reported(result: &CkResult<()>) -> bool {
    matches!(
        result,
        Ok(()) | Err(CKR_ATTRIBUTE_SENSITIVE | CKR_ATTRIBUTE_TYPE_INVALID | CKR_BUFFER_TOO_SMALL)
    )
}

/// The queries of a `C_GetAttributeValue` template: each entry's type and value buffer
/// (`None` for a length query). Overlapping buffers are `CKR_ARGUMENTS_BAD`. Its own routine:
/// the caller's copy of the template is then dropped at one place when an entry is refused.
///
/// # Safety
/// `entries` come from the caller's template: each `pValue` NULL or writable for its
/// `ulValueLen` bytes for `'a`.
unsafe fn attribute_queries<'a>(entries: &[CK_ATTRIBUTE]) -> CkResult<Vec<AttributeQuery<'a>>> {
    // The length of an entry's value buffer (0 for NULL: a length query).
    let buffer_len = |e: &CK_ATTRIBUTE| {
        if e.pValue.is_null() {
            Ok(0)
        } else {
            args::to_usize(e.ulValueLen)
        }
    };
    // Overlapping buffers are rejected before any slice is made. (Computed from the
    // entries themselves: no second vector of ranges.)
    for (i, a) in entries.iter().enumerate() {
        let a_len = buffer_len(a)?;
        for b in &entries[..i] {
            let (a_ptr, b_ptr) = (a.pValue.cast::<u8>(), b.pValue.cast::<u8>());
            if args::overlaps(a_ptr, a_len, b_ptr, buffer_len(b)?) {
                return Err(CKR_ARGUMENTS_BAD);
            }
        }
    }
    let mut queries: Vec<AttributeQuery<'_>> = Vec::new();
    queries
        .try_reserve_exact(entries.len())
        .map_err(|_| CKR_HOST_MEMORY)?;
    for e in entries {
        let buffer = if e.pValue.is_null() {
            None
        } else {
            // SAFETY: writable for `ulValueLen` bytes (caller), and no other buffer of the
            // template overlaps it (checked above), so this slice is its only reference.
            Some(unsafe { args::bytes_mut(e.pValue.cast::<u8>(), buffer_len(e)?)? })
        };
        queries.push(AttributeQuery::new(e.r#type, buffer));
    }
    Ok(queries)
}

/// `C_GetAttributeValue`: for each template entry, a NULL `pValue` asks for the length only;
/// otherwise the value is copied into `pValue` if `ulValueLen` is large enough. Each entry's
/// `ulValueLen` receives the length or `CK_UNAVAILABLE_INFORMATION`. Value buffers that
/// overlap one another are `CKR_ARGUMENTS_BAD`.
///
/// # Safety
/// `pTemplate` is NULL or readable and writable for `ulCount` attributes, each `pValue`
/// NULL or writable for its `ulValueLen` bytes.
#[no_mangle]
pub unsafe extern "C" fn C_GetAttributeValue(
    hSession: CK_SESSION_HANDLE,
    hObject: CK_OBJECT_HANDLE,
    pTemplate: *mut CK_ATTRIBUTE,
    ulCount: CK_ULONG,
) -> CK_RV {
    guard::with_token(move |token| {
        // SAFETY: forwarded from the caller.
        let mut entries = unsafe { args::template_entries(pTemplate, ulCount)? };
        // SAFETY: forwarded from the caller (the entries are a copy of its template).
        let mut queries = unsafe { attribute_queries(&entries)? };
        let result = token.get_attribute_values(hSession, hObject, &mut queries);
        if lengths_reported(&result) {
            // The lengths go to the local copy of the entries first, so that the value slices
            // are gone before the caller's template is written.
            for (e, q) in entries.iter_mut().zip(&queries) {
                e.ulValueLen = q.len;
            }
            drop(queries);
            for (i, e) in entries.iter().enumerate() {
                // SAFETY: `i < ulCount`, an entry of the caller's writable template; only the
                // `ulValueLen` field is written, unaligned, through a raw place (no reference),
                // and the value slices are gone.
                unsafe {
                    let entry = pTemplate.add(i);
                    core::ptr::addr_of_mut!((*entry).ulValueLen).write_unaligned(e.ulValueLen);
                }
            }
        }
        result
    })
}

/// `C_SetAttributeValue`.
///
/// # Safety
/// `pTemplate` is NULL or readable for `ulCount` attributes whose values are readable for
/// their lengths.
#[no_mangle]
pub unsafe extern "C" fn C_SetAttributeValue(
    hSession: CK_SESSION_HANDLE,
    hObject: CK_OBJECT_HANDLE,
    pTemplate: *mut CK_ATTRIBUTE,
    ulCount: CK_ULONG,
) -> CK_RV {
    guard::with_token(move |token| {
        // SAFETY: forwarded from the caller.
        let template = unsafe { args::template(pTemplate, ulCount)? };
        token.set_attribute_values(hSession, hObject, &template)
    })
}

/// `C_FindObjectsInit`: an empty template matches every object the session may see.
///
/// # Safety
/// `pTemplate` is NULL or readable for `ulCount` attributes whose values are readable for
/// their lengths.
#[no_mangle]
pub unsafe extern "C" fn C_FindObjectsInit(
    hSession: CK_SESSION_HANDLE,
    pTemplate: *mut CK_ATTRIBUTE,
    ulCount: CK_ULONG,
) -> CK_RV {
    guard::with_token(move |token| {
        // SAFETY: forwarded from the caller.
        let template = unsafe { args::template(pTemplate, ulCount)? };
        token.find_objects_init(hSession, &template)
    })
}

/// Most handles returned by one `C_FindObjects` call (callers loop until 0 come back).
const FIND_BATCH: usize = 64;

/// `C_FindObjects`: up to `ulMaxObjectCount` handles.
///
/// # Safety
/// `phObject` is NULL or writable for `ulMaxObjectCount` handles; `pulObjectCount` is NULL or
/// writable for a `CK_ULONG`.
#[no_mangle]
pub unsafe extern "C" fn C_FindObjects(
    hSession: CK_SESSION_HANDLE,
    phObject: *mut CK_OBJECT_HANDLE,
    ulMaxObjectCount: CK_ULONG,
    pulObjectCount: *mut CK_ULONG,
) -> CK_RV {
    guard::with_token(move |token| {
        args::non_null(pulObjectCount)?;
        let max = args::to_usize(ulMaxObjectCount)?;
        if max > 0 {
            args::non_null(phObject)?;
        }
        // Handles go to a local batch first and are then written out unaligned, so the
        // caller's array needs no particular alignment.
        let mut batch = [0 as CK_OBJECT_HANDLE; FIND_BATCH];
        let want = max.min(FIND_BATCH);
        let found = token.find_objects(hSession, &mut batch[..want])?;
        let found = found.min(want);
        for (i, &handle) in batch[..found].iter().enumerate() {
            // SAFETY: `i < found <= max`, inside the caller's array of `max` handles.
            unsafe { phObject.add(i).write_unaligned(handle) };
        }
        // SAFETY: non-NULL and writable (caller).
        unsafe { args::write(pulObjectCount, args::to_ulong(found)?) }
    })
}

/// `C_FindObjectsFinal`.
///
/// # Safety
/// None beyond the C signature.
#[no_mangle]
pub unsafe extern "C" fn C_FindObjectsFinal(hSession: CK_SESSION_HANDLE) -> CK_RV {
    guard::with_token(move |token| token.find_objects_final(hSession))
}
