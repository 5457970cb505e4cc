//! The one path every entry point (except `C_GetFunctionList` and the pure helpers) takes into
//! the library state: the internal lock, the application's mutex if any, the
//! not-initialised check, and (with `std`) a panic barrier so that no panic crosses the C ABI.

use crate::global::{State, STATE};
use crate::types::{CK_RV, CK_SESSION_HANDLE};
use core::marker::PhantomData;
use core::ptr::NonNull;
use core_pkcs11_engine::ck::{CKR_CRYPTOKI_NOT_INITIALIZED, CKR_GENERAL_ERROR, CKR_OK};
use core_pkcs11_engine::{CkResult, Token};

/// Turns a token result into the `CK_RV` to return.
pub(crate) fn rv(result: CkResult<()>) -> CK_RV {
    match result {
        Ok(()) => CKR_OK,
        // An engine that reported "OK" as an error would make the caller read outputs that were
        // never written.
        Err(CKR_OK) => CKR_GENERAL_ERROR,
        Err(rv) => rv,
    }
}

/// Runs `body`, turning a panic into `CKR_GENERAL_ERROR` (with `std`; without it a panic
/// never returns, see the library's panic handler).
pub(crate) fn catch(body: impl FnOnce() -> CK_RV) -> CK_RV {
    #[cfg(not(target_os = "none"))]
    {
        match std::panic::catch_unwind(core::panic::AssertUnwindSafe(body)) {
            Ok(rv) => rv,
            Err(_) => {
                crate::log::log(
                    crate::log::Level::Error,
                    format_args!("core-pkcs11: internal error (panic) in a PKCS #11 call"),
                );
                CKR_GENERAL_ERROR
            }
        }
    }
    #[cfg(target_os = "none")]
    {
        body()
    }
}

// The entry points pass their bodies as closures, one type each. The guards below take them
// as a [`Callback`] so that the locking, the not-initialised check and the operation
// bookkeeping are compiled once, not once per entry point: the generic functions only erase
// the closure's type. (`#[inline(never)]` keeps the optimiser from copying the shared part
// back into every caller.) The entry points' closures are `move` closures: the C arguments
// (integers and raw pointers, all `Copy`) are then copied into the closure, where a closure
// that borrowed them would make each entry point store its arguments on the stack and then
// a second table of their addresses, and each body load through both (about 0.8 KB on a
// Cortex-M3 over all the entry points). A closure that must write to a variable of its
// caller (`C_Finalize`'s) cannot be `move`.

/// A closure called through a pointer to it and a plain function pointer. Not `&mut dyn
/// FnMut` (nor an own trait object): each closure type would get a 16-byte vtable in flash
/// (drop glue, size, alignment, the call; about 70 of them on a device), where this keeps
/// only the function's address.
struct Callback<'a, A: ?Sized, R> {
    closure: NonNull<()>,
    call: unsafe fn(NonNull<()>, &mut A) -> R,
    _closure: PhantomData<&'a mut ()>,
}

impl<'a, A: ?Sized, R> Callback<'a, A, R> {
    fn new<F: FnMut(&mut A) -> R>(closure: &'a mut F) -> Self {
        Callback {
            closure: NonNull::from(closure).cast(),
            call: call_closure::<A, R, F>,
            _closure: PhantomData,
        }
    }

    fn call(&mut self, arg: &mut A) -> R {
        // SAFETY: `closure` was made in `new` from a `&'a mut F` for this very `call`
        // function, and that exclusive borrow lasts as long as `self`.
        unsafe { (self.call)(self.closure, arg) }
    }
}

/// Calls the `F` that `closure` points to.
///
/// # Safety
/// `closure` points to a live `F` that nothing else accesses during the call.
unsafe fn call_closure<A: ?Sized, R, F: FnMut(&mut A) -> R>(
    closure: NonNull<()>,
    arg: &mut A,
) -> R {
    // SAFETY: the caller's guarantee.
    let f = unsafe { closure.cast::<F>().as_mut() };
    f(arg)
}

/// Runs `body` on the library state under the internal lock and, if the application set one
/// up, its mutex. Used directly only by `C_Initialize`, `C_Finalize`; everything else goes
/// through [`with_token`].
pub(crate) fn with_state(mut body: impl FnMut(&mut State) -> CK_RV) -> CK_RV {
    with_state_dyn(Callback::new(&mut body))
}

#[inline(never)]
fn with_state_dyn(mut body: Callback<'_, State, CK_RV>) -> CK_RV {
    catch(|| {
        let mut state = STATE.lock();
        let app_mutex = state.app_mutex;
        if let Some(m) = app_mutex {
            let locked = m.lock();
            if locked != CKR_OK {
                return locked;
            }
        }
        let result = catch(|| body.call(&mut state));
        if let Some(m) = app_mutex {
            let unlocked = m.unlock();
            if result == CKR_OK && unlocked != CKR_OK {
                return unlocked;
            }
        }
        result
    })
}

/// Runs `body` on the token: `CKR_CRYPTOKI_NOT_INITIALIZED` before `C_Initialize`, else the
/// body's result as a `CK_RV`.
pub(crate) fn with_token(mut body: impl FnMut(&mut Token) -> CkResult<()>) -> CK_RV {
    with_token_dyn(Callback::new(&mut body))
}

#[inline(never)]
fn with_token_dyn(mut body: Callback<'_, Token, CkResult<()>>) -> CK_RV {
    with_state(move |state| match state.token.as_mut() {
        None => CKR_CRYPTOKI_NOT_INITIALIZED,
        Some(token) => rv(body.call(token)),
    })
}

/// Runs `body` with the token for a call that continues `kind` in `session`; any error but
/// `CKR_BUFFER_TOO_SMALL` ends that operation (as PKCS #11 says for `C_Sign`, `C_Digest`,
/// `C_Verify` and their update and final calls), including errors found in the arguments
/// before the token was reached.
pub(crate) fn with_operation(
    session: CK_SESSION_HANDLE,
    kind: core_pkcs11_engine::OperationKind,
    mut body: impl FnMut(&mut Token) -> CkResult<()>,
) -> CK_RV {
    with_operation_dyn(session, kind, Callback::new(&mut body))
}

#[inline(never)]
fn with_operation_dyn(
    session: CK_SESSION_HANDLE,
    kind: core_pkcs11_engine::OperationKind,
    mut body: Callback<'_, Token, CkResult<()>>,
) -> CK_RV {
    with_token(move |token| {
        let result = body.call(token);
        if matches!(result, Err(rv) if rv != core_pkcs11_engine::ck::CKR_BUFFER_TOO_SMALL) {
            token.end_operation(session, kind);
        }
        result
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(not(target_os = "none"))]
    fn a_panic_becomes_general_error() {
        assert_eq!(catch(|| panic!("boom")), CKR_GENERAL_ERROR);
        assert_eq!(catch(|| todo!()), CKR_GENERAL_ERROR);
        assert_eq!(catch(|| 0x42), 0x42);
    }

    #[test]
    #[cfg(not(target_os = "none"))]
    fn a_panic_under_the_lock_leaves_the_lock_usable() {
        assert_eq!(with_state(|_| panic!("boom")), CKR_GENERAL_ERROR);
        assert_eq!(with_state(|s| if s.token.is_none() { 7 } else { 8 }), 7);
    }

    #[test]
    fn error_ok_is_not_passed_through() {
        assert_eq!(rv(Err(CKR_OK)), CKR_GENERAL_ERROR);
        assert_eq!(rv(Ok(())), CKR_OK);
        assert_eq!(rv(Err(0x54)), 0x54);
    }
}
