//! core-pkcs11 as a C library: `libcore_pkcs11.a` for FreeRTOS applications and hosts, and
//! `libcore_pkcs11.so`, a PKCS #11 module for host tools.
//!
//! The C ABI itself is in `core-pkcs11-ffi`; this crate only links it into the C artefacts
//! and, on bare-metal targets (`target_os = "none"`), supplies the panic handler and the global
//! allocator (on the application's `pkcs11configPKCS11_MALLOC`/`_FREE`).

#![no_std]
#![forbid(unsafe_code)]

#[cfg(not(target_os = "none"))]
extern crate std;

// Linked for its exported `C_*`, wrapper and PKI symbols.
extern crate core_pkcs11_ffi;

/// Heap allocations go to the application's configured malloc and free.
#[cfg(target_os = "none")]
#[global_allocator]
static ALLOCATOR: core_pkcs11_ffi::allocator::ConfigAllocator =
    core_pkcs11_ffi::allocator::ConfigAllocator;

/// A panic cannot be caught on bare metal: it is logged through `LogError` and the calling
/// task stops there (it never unwinds into C).
#[cfg(target_os = "none")]
#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    core_pkcs11_ffi::panic::halt(info)
}
