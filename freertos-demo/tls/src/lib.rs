//! core-pkcs11 TLS demo: the Rust half of the `tls_client` firmware for QEMU mps2-an385.
//!
//! The firmware's single Rust static library: it links the token (`core-pkcs11-ffi`, every
//! `C_*` symbol) as an rlib together with the TLS helper, so core, alloc, compiler_builtins,
//! the panic handler and the global allocator exist once. The C side (FreeRTOS, board,
//! `freertos-demo/app/tls_client.c`) calls [`lTlsDemoMain`].
//!
//! Pieces: a LAN9118 Ethernet driver (`lan9118`), smoltcp TCP/IP (`net`), the TLS 1.3 helper
//! on embedded-tls whose client authentication signs with `C_Sign` (`tls`), an MQTT 3.1.1
//! client (`mqtt`), provisioning (key generation + PKCS #10 request, import) (`app`).

#![no_std]

extern crate alloc;
// Linked for its exported `C_*`, wrapper and PKI symbols (the C code calls them too).
extern crate core_pkcs11_ffi;

pub mod app;
pub mod der;
pub mod lan9118;
pub mod mqtt;
pub mod net;
pub mod pkcs11;
pub mod sys;
pub mod tls;

use alloc::vec::Vec;
use core::ffi::{c_char, CStr};

/// Heap allocations go to the application's configured malloc and free (as in rust/lib).
#[global_allocator]
static ALLOCATOR: core_pkcs11_ffi::allocator::ConfigAllocator =
    core_pkcs11_ffi::allocator::ConfigAllocator;

/// A panic cannot be caught on bare metal: it is logged through `LogError` and the calling
/// task stops there (the demo's log hook ends the emulation with exit code 3).
#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    core_pkcs11_ffi::panic::halt(info)
}

/// Runs one command; `argv` are the semihosting arguments after the token image path.
///
/// # Safety
/// `argv` holds `argc` pointers to NUL-terminated strings.
#[no_mangle]
pub unsafe extern "C" fn lTlsDemoMain(argc: i32, argv: *const *const c_char) -> i32 {
    let mut args: Vec<&str> = Vec::new();
    for i in 0..argc.max(0) as usize {
        // SAFETY: the caller passes `argc` valid C strings.
        let s = unsafe { CStr::from_ptr(*argv.add(i)) };
        match s.to_str() {
            Ok(s) => args.push(s),
            Err(_) => return app::EXIT_USAGE,
        }
    }
    app::run(&args)
}
