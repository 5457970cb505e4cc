//! General-purpose functions: `C_Initialize`, `C_Finalize`, `C_GetInfo`.

use crate::app_mutex::AppMutex;
use crate::args;
use crate::guard;
use crate::types::{CK_C_INITIALIZE_ARGS, CK_INFO, CK_RV, CK_VERSION, CK_VOID_PTR};
use alloc::boxed::Box;
use core_pkcs11_engine::ck::*;
use core_pkcs11_engine::info::blank_padded;
use core_pkcs11_engine::Token;

/// This library's version (`CK_INFO.libraryVersion`): the workspace version's major.minor.
pub const LIBRARY_VERSION: CK_VERSION = CK_VERSION {
    major: core_pkcs11_engine::token::version().0,
    minor: core_pkcs11_engine::token::version().1,
};

/// The Cryptoki version implemented: 2.40.
pub const CRYPTOKI_VERSION: CK_VERSION = CK_VERSION {
    major: 2,
    minor: 40,
};

/// What the application asked for in `C_Initialize`.
struct InitRequest {
    /// The mutex callbacks to use: `Some` when all four were given and
    /// `CKF_OS_LOCKING_OK` was not set.
    app_mutex: Option<(
        crate::types::CK_CREATEMUTEX,
        crate::types::CK_DESTROYMUTEX,
        crate::types::CK_LOCKMUTEX,
        crate::types::CK_UNLOCKMUTEX,
    )>,
}

/// Validates `C_Initialize`'s argument.
///
/// # Safety
/// `p_init_args` is NULL or points to a readable `CK_C_INITIALIZE_ARGS`.
unsafe fn parse_init_args(p_init_args: CK_VOID_PTR) -> Result<InitRequest, CK_RV> {
    if p_init_args.is_null() {
        return Ok(InitRequest { app_mutex: None });
    }
    // SAFETY: non-NULL, and the caller passes a readable CK_C_INITIALIZE_ARGS.
    let a = unsafe { args::read(p_init_args.cast::<CK_C_INITIALIZE_ARGS>().cast_const())? };
    if !a.pReserved.is_null() {
        return Err(CKR_ARGUMENTS_BAD);
    }
    let app_mutex = match (a.CreateMutex, a.DestroyMutex, a.LockMutex, a.UnlockMutex) {
        (None, None, None, None) => None,
        (Some(create), Some(destroy), Some(lock), Some(unlock)) => {
            if a.flags & CKF_OS_LOCKING_OK != 0 {
                // The library may use either; its own locking is the OS's.
                None
            } else {
                Some((create, destroy, lock, unlock))
            }
        }
        _ => return Err(CKR_ARGUMENTS_BAD),
    };
    Ok(InitRequest { app_mutex })
}

/// Opens the token with the application's configuration, the chosen store and the
/// platform's entropy.
fn open_token() -> Result<Token, CK_RV> {
    // The store first: the configuration (read from the shim's constants, no call out) is
    // then never built just to be dropped when the store cannot be opened.
    let store = crate::store::open()?;
    let token = Token::new(
        crate::config::from_shim(),
        store,
        Box::new(crate::entropy::PlatformEntropy),
    )
    .map_err(|rv| guard::rv(Err(rv)))?;
    if token.damaged_records() > 0 {
        let mut digits = [0u8; 20];
        crate::log::log_pieces(
            crate::log::Level::Warn,
            &[
                core_pkcs11_engine::info::decimal(token.damaged_records(), &mut digits),
                b" stored record(s) could not be read and were skipped",
            ],
        );
    }
    Ok(token)
}

/// `C_Initialize`: opens the token. `pInitArgs` is NULL or a `CK_C_INITIALIZE_ARGS` whose
/// `pReserved` is NULL and whose four mutex callbacks are all NULL or all set.
///
/// # Safety
/// `pInitArgs` is NULL or points to a readable `CK_C_INITIALIZE_ARGS`; the callbacks in it
/// stay callable until `C_Finalize`.
#[no_mangle]
pub unsafe extern "C" fn C_Initialize(pInitArgs: CK_VOID_PTR) -> CK_RV {
    guard::with_state(move |state| {
        // SAFETY: forwarded from the caller.
        let request = match unsafe { parse_init_args(pInitArgs) } {
            Ok(r) => r,
            Err(rv) => return rv,
        };
        if state.token.is_some() {
            return CKR_CRYPTOKI_ALREADY_INITIALIZED;
        }
        // The token first: if opening it fails (or panics) no application mutex is leaked.
        let token = match open_token() {
            Ok(t) => t,
            Err(rv) => return rv,
        };
        let app_mutex = match request.app_mutex {
            None => None,
            Some((create, destroy, lock, unlock)) => {
                match AppMutex::create(create, destroy, lock, unlock) {
                    Ok(m) => Some(m),
                    Err(rv) => return rv,
                }
            }
        };
        state.token = Some(Box::new(token));
        state.app_mutex = app_mutex;
        CKR_OK
    })
}

/// `C_Finalize`: closes every session and the token. `pReserved` must be NULL.
///
/// # Safety
/// No other thread is inside the library (PKCS #11 requires this of the application).
#[no_mangle]
pub unsafe extern "C" fn C_Finalize(pReserved: CK_VOID_PTR) -> CK_RV {
    let mut released = None;
    let rv = guard::with_state(|state| {
        if state.token.is_none() {
            return CKR_CRYPTOKI_NOT_INITIALIZED;
        }
        if !pReserved.is_null() {
            return CKR_ARGUMENTS_BAD;
        }
        state.token = None;
        released = state.app_mutex.take();
        CKR_OK
    });
    // The application's mutex was unlocked on the way out of `with_state`; now it can go.
    match released {
        Some(m) => {
            let destroyed = m.destroy();
            if rv == CKR_OK {
                destroyed
            } else {
                rv
            }
        }
        None => rv,
    }
}

/// `C_GetInfo`: Cryptoki 2.40, manufacturer "core-pkcs11", this library's version.
///
/// # Safety
/// `pInfo` is NULL or points to writable memory for a `CK_INFO`.
#[no_mangle]
pub unsafe extern "C" fn C_GetInfo(pInfo: *mut CK_INFO) -> CK_RV {
    guard::with_token(move |_| {
        let info = CK_INFO {
            cryptokiVersion: CRYPTOKI_VERSION,
            manufacturerID: blank_padded(b"core-pkcs11"),
            flags: 0,
            libraryDescription: blank_padded(b"core-pkcs11 software token"),
            libraryVersion: LIBRARY_VERSION,
        };
        // SAFETY: `pInfo` is NULL (rejected) or writable for a CK_INFO (caller).
        unsafe { args::write(pInfo, info) }
    })
}
