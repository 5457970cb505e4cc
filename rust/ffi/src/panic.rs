//! Panic reporting for targets without `std`, where a panic cannot be caught: the library's
//! `#[panic_handler]` calls [`halt`], which logs through `LogError` and stops.

use core::panic::PanicInfo;

/// Logs `info` through the application's `LogError` hook, then loops forever (never unwinds,
/// never returns into the interrupted call).
pub fn halt(info: &PanicInfo<'_>) -> ! {
    match info.location() {
        Some(at) => crate::log::log(
            crate::log::Level::Error,
            format_args!(
                "core-pkcs11: fatal internal error at {}:{}: {}",
                at.file(),
                at.line(),
                info.message()
            ),
        ),
        None => crate::log::log(
            crate::log::Level::Error,
            format_args!("core-pkcs11: fatal internal error: {}", info.message()),
        ),
    }
    loop {
        core::hint::spin_loop();
    }
}
