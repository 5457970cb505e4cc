//! The library's internal lock around its global state.
//!
//! With `std` it is a [`std::sync::Mutex`] (a poisoned lock is recovered: a panic in a call is
//! already reported as `CKR_GENERAL_ERROR` and the engine holds no broken invariant that
//! memory safety depends on). Without `std` it is the [`SpinLock`](crate::spin_lock::SpinLock);
//! a FreeRTOS port can swap in a scheduler-aware lock here without touching any caller, as
//! long as it offers `const fn new` and `lock` returning a guard that derefs to `T`.

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
    pub(crate) use crate::spin_lock::{SpinGuard as LockGuard, SpinLock as Lock};
}

pub(crate) use imp::Lock;
#[allow(unused_imports)]
pub(crate) use imp::LockGuard;
