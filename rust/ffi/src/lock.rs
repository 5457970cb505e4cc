//! The library's internal lock around its global state.
//!
//! With `std` it is a [`std::sync::Mutex`] (a poisoned lock is recovered: a panic in a call is
//! already reported as `CKR_GENERAL_ERROR` and the engine holds no broken invariant that
//! memory safety depends on). On bare-metal targets it is the port's mutex
//! (`include/core_pkcs11_port.h`, FreeRTOS mutexes in `port/freertos`) with a
//! [`SpinLock`](crate::spin_lock::SpinLock) under it.

#[cfg(not(target_os = "none"))]
mod imp {
    /// Mutual exclusion around a `T`.
    pub(crate) struct Lock<T>(std::sync::Mutex<T>);

    /// Access to the locked `T`; unlocks when dropped.
    pub(crate) type LockGuard<'a, T> = std::sync::MutexGuard<'a, T>;

    impl<T> Lock<T> {
        /// A new, unlocked lock around `value`.
        pub(crate) const fn new(value: T) -> Self {
            Lock(std::sync::Mutex::new(value))
        }

        /// Blocks until the lock is held.
        pub(crate) fn lock(&self) -> LockGuard<'_, T> {
            self.0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        }
    }
}

#[cfg(target_os = "none")]
mod imp {
    use crate::spin_lock::{SpinGuard, SpinLock};
    use core::ffi::c_void;
    use core::ops::{Deref, DerefMut};
    use core::ptr;
    use core::sync::atomic::{AtomicPtr, Ordering};

    extern "C" {
        // The port's mutex hooks (include/core_pkcs11_port.h); the library has weak
        // single-caller defaults, an RTOS port overrides them.
        fn pvCorePkcs11MutexCreate() -> *mut c_void;
        fn vCorePkcs11MutexLock(mutex: *mut c_void);
        fn vCorePkcs11MutexUnlock(mutex: *mut c_void);
        fn vCorePkcs11MutexDestroy(mutex: *mut c_void);
    }

    /// Mutual exclusion around a `T`: the port's mutex (which sleeps, so a high-priority task
    /// never spins on a lock a lower-priority one holds), and under it a spin lock that keeps
    /// the value safe even if a port's mutex does not exclude.
    pub(crate) struct Lock<T> {
        mutex: AtomicPtr<c_void>,
        inner: SpinLock<T>,
    }

    /// Access to the locked `T`; releases the spin lock, then the port's mutex, when dropped.
    pub(crate) struct LockGuard<'a, T> {
        inner: Option<SpinGuard<'a, T>>,
        mutex: *mut c_void,
    }

    impl<T> Lock<T> {
        /// A new, unlocked lock around `value`; the port's mutex is made at first use.
        pub(crate) const fn new(value: T) -> Self {
            Lock {
                mutex: AtomicPtr::new(ptr::null_mut()),
                inner: SpinLock::new(value),
            }
        }

        fn port_mutex(&self) -> *mut c_void {
            let existing = self.mutex.load(Ordering::Acquire);
            if !existing.is_null() {
                return existing;
            }
            // SAFETY: the port hook takes no arguments and returns a handle or NULL.
            let created = unsafe { pvCorePkcs11MutexCreate() };
            if created.is_null() {
                return created;
            }
            match self.mutex.compare_exchange(
                ptr::null_mut(),
                created,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => created,
                Err(winner) => {
                    // SAFETY: `created` came from the port's create hook and was never shared.
                    unsafe { vCorePkcs11MutexDestroy(created) };
                    winner
                }
            }
        }

        /// Blocks until the lock is held (without a port mutex, spins).
        pub(crate) fn lock(&self) -> LockGuard<'_, T> {
            let mutex = self.port_mutex();
            if !mutex.is_null() {
                // SAFETY: `mutex` is a live handle from the port's create hook.
                unsafe { vCorePkcs11MutexLock(mutex) };
            }
            LockGuard {
                inner: Some(self.inner.lock()),
                mutex,
            }
        }
    }

    impl<T> Deref for LockGuard<'_, T> {
        type Target = T;

        fn deref(&self) -> &T {
            // The guard is `Some` from creation until `drop`.
            self.inner.as_deref().unwrap_or_else(|| unreachable!())
        }
    }

    impl<T> DerefMut for LockGuard<'_, T> {
        fn deref_mut(&mut self) -> &mut T {
            self.inner.as_deref_mut().unwrap_or_else(|| unreachable!())
        }
    }

    impl<T> Drop for LockGuard<'_, T> {
        fn drop(&mut self) {
            drop(self.inner.take());
            if !self.mutex.is_null() {
                // SAFETY: this guard locked `mutex` in `Lock::lock` and still holds it.
                unsafe { vCorePkcs11MutexUnlock(self.mutex) };
            }
        }
    }
}

pub(crate) use imp::Lock;
#[allow(unused_imports)]
pub(crate) use imp::LockGuard;
