//! Slot and token management: slot list and information, mechanisms, token and PIN
//! initialisation, slot events.

use crate::args;
use crate::guard;
use crate::types::*;
use core_pkcs11_engine::ck::*;
use core_pkcs11_engine::{CkResult, SLOT_ID};

/// `CKR_SLOT_ID_INVALID` unless `slot` is this library's one slot.
pub(crate) fn check_slot(slot: CK_SLOT_ID) -> CkResult<()> {
    if slot == SLOT_ID {
        Ok(())
    } else {
        Err(CKR_SLOT_ID_INVALID)
    }
}

/// The `(pList, pulCount)` pattern of `C_GetSlotList` and `C_GetMechanismList`: NULL list is a
/// count query; a list too short gets the count and `CKR_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `count` is NULL or a readable and writable `CK_ULONG`; `list` is NULL or writable for
/// `*count` `CK_ULONG`s.
unsafe fn write_list(
    items: &[CK_ULONG],
    list: *mut CK_ULONG,
    count: *mut CK_ULONG,
) -> CkResult<()> {
    // SAFETY: forwarded from the caller.
    let capacity = unsafe { args::read(count)? };
    let needed = args::to_ulong(items.len())?;
    if !list.is_null() {
        if capacity < needed {
            // SAFETY: forwarded from the caller.
            unsafe { args::write(count, needed)? };
            return Err(CKR_BUFFER_TOO_SMALL);
        }
        for (i, &item) in items.iter().enumerate() {
            // SAFETY: `i < items.len() <= *count`, the length of the caller's list.
            unsafe { list.add(i).write_unaligned(item) };
        }
    }
    // SAFETY: forwarded from the caller.
    unsafe { args::write(count, needed) }
}

/// `C_GetSlotList`: the one slot, whose token is always present.
///
/// # Safety
/// `pulCount` is NULL or a readable and writable `CK_ULONG`; `pSlotList` is NULL or writable
/// for `*pulCount` slot IDs.
#[no_mangle]
pub unsafe extern "C" fn C_GetSlotList(
    tokenPresent: CK_BBOOL,
    pSlotList: *mut CK_SLOT_ID,
    pulCount: *mut CK_ULONG,
) -> CK_RV {
    // The token cannot be removed, so `tokenPresent` changes nothing.
    let _ = tokenPresent;
    // SAFETY: forwarded from the caller.
    guard::with_token(move |_| unsafe { write_list(&[SLOT_ID], pSlotList, pulCount) })
}

/// `C_GetSlotInfo`.
///
/// # Safety
/// `pInfo` is NULL or writable for a `CK_SLOT_INFO`.
#[no_mangle]
pub unsafe extern "C" fn C_GetSlotInfo(slotID: CK_SLOT_ID, pInfo: *mut CK_SLOT_INFO) -> CK_RV {
    guard::with_token(move |token| {
        check_slot(slotID)?;
        args::non_null(pInfo)?;
        let i = token.slot_info();
        let info = CK_SLOT_INFO {
            slotDescription: i.description,
            manufacturerID: i.manufacturer_id,
            flags: i.flags,
            hardwareVersion: CK_VERSION {
                major: i.hardware_version.0,
                minor: i.hardware_version.1,
            },
            firmwareVersion: CK_VERSION {
                major: i.firmware_version.0,
                minor: i.firmware_version.1,
            },
        };
        // SAFETY: non-NULL and writable for a CK_SLOT_INFO (caller).
        unsafe { args::write(pInfo, info) }
    })
}

/// `C_GetTokenInfo`.
///
/// # Safety
/// `pInfo` is NULL or writable for a `CK_TOKEN_INFO`.
#[no_mangle]
pub unsafe extern "C" fn C_GetTokenInfo(slotID: CK_SLOT_ID, pInfo: *mut CK_TOKEN_INFO) -> CK_RV {
    guard::with_token(move |token| {
        check_slot(slotID)?;
        args::non_null(pInfo)?;
        let i = token.token_info();
        let info = CK_TOKEN_INFO {
            label: i.label,
            manufacturerID: i.manufacturer_id,
            model: i.model,
            serialNumber: i.serial_number,
            flags: i.flags,
            ulMaxSessionCount: i.max_session_count,
            ulSessionCount: i.session_count,
            ulMaxRwSessionCount: i.max_rw_session_count,
            ulRwSessionCount: i.rw_session_count,
            ulMaxPinLen: i.max_pin_len,
            ulMinPinLen: i.min_pin_len,
            ulTotalPublicMemory: i.total_public_memory,
            ulFreePublicMemory: i.free_public_memory,
            ulTotalPrivateMemory: i.total_private_memory,
            ulFreePrivateMemory: i.free_private_memory,
            hardwareVersion: CK_VERSION {
                major: i.hardware_version.0,
                minor: i.hardware_version.1,
            },
            firmwareVersion: CK_VERSION {
                major: i.firmware_version.0,
                minor: i.firmware_version.1,
            },
            utcTime: i.utc_time,
        };
        // SAFETY: non-NULL and writable for a CK_TOKEN_INFO (caller).
        unsafe { args::write(pInfo, info) }
    })
}

/// `C_GetMechanismList`.
///
/// # Safety
/// `pulCount` is NULL or a readable and writable `CK_ULONG`; `pMechanismList` is NULL or
/// writable for `*pulCount` mechanism types.
#[no_mangle]
pub unsafe extern "C" fn C_GetMechanismList(
    slotID: CK_SLOT_ID,
    pMechanismList: *mut CK_MECHANISM_TYPE,
    pulCount: *mut CK_ULONG,
) -> CK_RV {
    guard::with_token(move |token| {
        check_slot(slotID)?;
        // SAFETY: forwarded from the caller.
        unsafe { write_list(token.mechanism_list(), pMechanismList, pulCount) }
    })
}

/// `C_GetMechanismInfo`.
///
/// # Safety
/// `pInfo` is NULL or writable for a `CK_MECHANISM_INFO`.
#[no_mangle]
pub unsafe extern "C" fn C_GetMechanismInfo(
    slotID: CK_SLOT_ID,
    r#type: CK_MECHANISM_TYPE,
    pInfo: *mut CK_MECHANISM_INFO,
) -> CK_RV {
    guard::with_token(move |token| {
        check_slot(slotID)?;
        args::non_null(pInfo)?;
        let i = token.mechanism_info(r#type)?;
        let info = CK_MECHANISM_INFO {
            ulMinKeySize: i.min_key_size,
            ulMaxKeySize: i.max_key_size,
            flags: i.flags,
        };
        // SAFETY: non-NULL and writable for a CK_MECHANISM_INFO (caller).
        unsafe { args::write(pInfo, info) }
    })
}

/// `C_InitToken`: `pLabel` is exactly 32 blank-padded bytes.
///
/// # Safety
/// `pPin` is NULL or readable for `ulPinLen` bytes; `pLabel` is NULL or readable for 32 bytes.
#[no_mangle]
pub unsafe extern "C" fn C_InitToken(
    slotID: CK_SLOT_ID,
    pPin: *mut CK_UTF8CHAR,
    ulPinLen: CK_ULONG,
    pLabel: *mut CK_UTF8CHAR,
) -> CK_RV {
    guard::with_token(move |token| {
        check_slot(slotID)?;
        // SAFETY: NULL is rejected; otherwise readable for 32 bytes (caller).
        let label = unsafe { args::read(pLabel.cast::<[u8; 32]>().cast_const())? };
        // SAFETY: forwarded from the caller.
        let pin = unsafe { args::bytes(pPin, ulPinLen)? };
        token.init_token(pin, &label)
    })
}

/// `C_InitPIN`: the security officer sets the user PIN.
///
/// # Safety
/// `pPin` is NULL or readable for `ulPinLen` bytes.
#[no_mangle]
pub unsafe extern "C" fn C_InitPIN(
    hSession: CK_SESSION_HANDLE,
    pPin: *mut CK_UTF8CHAR,
    ulPinLen: CK_ULONG,
) -> CK_RV {
    guard::with_token(move |token| {
        // SAFETY: forwarded from the caller.
        let pin = unsafe { args::bytes(pPin, ulPinLen)? };
        token.init_pin(hSession, pin)
    })
}

/// `C_SetPIN`: changes the PIN of the logged-in user.
///
/// # Safety
/// `pOldPin`/`pNewPin` are NULL or readable for their lengths.
#[no_mangle]
pub unsafe extern "C" fn C_SetPIN(
    hSession: CK_SESSION_HANDLE,
    pOldPin: *mut CK_UTF8CHAR,
    ulOldLen: CK_ULONG,
    pNewPin: *mut CK_UTF8CHAR,
    ulNewLen: CK_ULONG,
) -> CK_RV {
    guard::with_token(move |token| {
        // SAFETY: forwarded from the caller.
        let old_pin = unsafe { args::bytes(pOldPin, ulOldLen)? };
        // SAFETY: forwarded from the caller.
        let new_pin = unsafe { args::bytes(pNewPin, ulNewLen)? };
        token.set_pin(hSession, old_pin, new_pin)
    })
}

/// `C_WaitForSlotEvent`: not supported (the one slot never changes).
///
/// # Safety
/// None beyond the C signature: no argument is dereferenced.
#[no_mangle]
pub unsafe extern "C" fn C_WaitForSlotEvent(
    flags: CK_FLAGS,
    pSlot: *mut CK_SLOT_ID,
    pReserved: CK_VOID_PTR,
) -> CK_RV {
    let _ = (flags, pSlot, pReserved);
    crate::unsupported::refuse(CKR_FUNCTION_NOT_SUPPORTED)
}
