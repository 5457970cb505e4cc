//! The application's mutex, made with the callbacks it passed to `C_Initialize`.

use crate::types::CK_CREATEMUTEX;
use crate::types::{CK_DESTROYMUTEX, CK_LOCKMUTEX, CK_RV, CK_UNLOCKMUTEX, CK_VOID_PTR};
use core_pkcs11_engine::ck::CKR_OK;
use core_pkcs11_engine::CkResult;

/// One mutex of the application's, created with its `CreateMutex` and used with its other
/// three callbacks.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AppMutex {
    handle: CK_VOID_PTR,
    destroy: CK_DESTROYMUTEX,
    lock: CK_LOCKMUTEX,
    unlock: CK_UNLOCKMUTEX,
}

// SAFETY: the handle is an opaque value of the application's that this library never
// dereferences; PKCS #11 requires the mutex callbacks to work from any thread that calls the
// library, which is the only use made of it.
unsafe impl Send for AppMutex {}

impl AppMutex {
    /// Creates a mutex with the application's `create` callback.
    pub(crate) fn create(
        create: CK_CREATEMUTEX,
        destroy: CK_DESTROYMUTEX,
        lock: CK_LOCKMUTEX,
        unlock: CK_UNLOCKMUTEX,
    ) -> CkResult<Self> {
        let mut handle: CK_VOID_PTR = core::ptr::null_mut();
        // SAFETY: `create` is the application's `CreateMutex` from its `CK_C_INITIALIZE_ARGS`,
        // which takes a pointer to one `CK_VOID_PTR` to store the new mutex in; `handle` is
        // valid for that write.
        let rv = unsafe { create(&mut handle) };
        if rv != CKR_OK {
            return Err(rv);
        }
        Ok(AppMutex {
            handle,
            destroy,
            lock,
            unlock,
        })
    }

    /// Locks the mutex (the application's `LockMutex`).
    pub(crate) fn lock(&self) -> CK_RV {
        // SAFETY: the application's `LockMutex`, called with the handle its `CreateMutex`
        // returned, which has not been destroyed (that happens only in `C_Finalize`, after
        // which this value is gone).
        unsafe { (self.lock)(self.handle) }
    }

    /// Unlocks the mutex (the application's `UnlockMutex`).
    pub(crate) fn unlock(&self) -> CK_RV {
        // SAFETY: as in `lock`, with the application's `UnlockMutex`.
        unsafe { (self.unlock)(self.handle) }
    }

    /// Destroys the mutex (the application's `DestroyMutex`).
    pub(crate) fn destroy(self) -> CK_RV {
        // SAFETY: as in `lock`, with the application's `DestroyMutex`; `self` is consumed so the
        // handle is not used again.
        unsafe { (self.destroy)(self.handle) }
    }
}
