//! Panic reporting for targets without `std`, where a panic cannot be caught: the library's
//! `#[panic_handler]` calls [`halt`], which logs through `LogError` and stops.

use core::panic::PanicInfo;

/// Logs "core-pkcs11: fatal internal error" through the application's `LogError` hook, then
/// loops forever (never unwinds, never returns into the interrupted call).
///
/// The message leaves out `info` (the panic's text and source location): formatting them
/// would link `core::fmt` with every panic site's message arguments and location, about 4 KB
/// of a device's flash for a path that never runs in a correct build. With a debugger, a
/// breakpoint here shows `info` and the backtrace.
pub fn halt(_info: &PanicInfo<'_>) -> ! {
    crate::log::log_pieces(
        crate::log::Level::Error,
        &[b"core-pkcs11: fatal internal error"],
    );
    loop {
        core::hint::spin_loop();
    }
}
