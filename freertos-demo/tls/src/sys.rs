//! The C side of the firmware this crate is linked into: the board's console and
//! semihosting (port/qemu-mps2) and the FreeRTOS kernel calls the network loop needs.

use core::ffi::{c_char, c_void};
use core::fmt;

extern "C" {
    fn vMps2UartWrite(data: *const c_char, len: usize);
    fn lSemihostingOpen(path: *const c_char, mode: u32) -> i32;
    fn lSemihostingClose(handle: i32) -> i32;
    fn lSemihostingRead(handle: i32, buf: *mut c_void, len: u32) -> i32;
    fn lSemihostingWrite(handle: i32, buf: *const c_void, len: u32) -> i32;
    fn lSemihostingFileLength(handle: i32) -> i32;
    fn xTaskGetTickCount() -> u32;
    fn vTaskDelay(ticks: u32);
}

/// SYS_OPEN modes (semihosting.h).
const SH_MODE_RB: u32 = 1;
const SH_MODE_WB: u32 = 5;

/// The UART console as a `fmt::Write`.
pub struct Console;

impl fmt::Write for Console {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        // SAFETY: the pointer and length describe `s`, which the call only reads.
        unsafe { vMps2UartWrite(s.as_ptr().cast(), s.len()) };
        Ok(())
    }
}

/// `println!` to the UART console.
#[macro_export]
macro_rules! println {
    ($($arg:tt)*) => {{
        use core::fmt::Write as _;
        let _ = writeln!($crate::sys::Console, $($arg)*);
    }};
}

/// Milliseconds since the scheduler started (FreeRTOS tick, 1 kHz).
pub fn now_ms() -> u64 {
    // SAFETY: a plain kernel call without arguments, from a task.
    u64::from(unsafe { xTaskGetTickCount() })
}

/// Blocks the calling task for `ms` milliseconds (at least one tick).
pub fn sleep_ms(ms: u32) {
    // SAFETY: a plain kernel call from a task.
    unsafe { vTaskDelay(ms.max(1)) };
}

/// A host path as a NUL-terminated string.
fn c_path(path: &str) -> alloc::vec::Vec<u8> {
    let mut p = alloc::vec::Vec::with_capacity(path.len() + 1);
    p.extend_from_slice(path.as_bytes());
    p.push(0);
    p
}

/// Reads a whole host file (semihosting, relative to QEMU's working directory).
pub fn read_host_file(path: &str) -> Result<alloc::vec::Vec<u8>, &'static str> {
    let p = c_path(path);
    // SAFETY: `p` is NUL-terminated.
    let h = unsafe { lSemihostingOpen(p.as_ptr().cast(), SH_MODE_RB) };
    if h < 0 {
        return Err("cannot open the host file");
    }
    // SAFETY: `h` is an open handle.
    let len = unsafe { lSemihostingFileLength(h) };
    let result = if !(0..=65536).contains(&len) {
        Err("bad host file length")
    } else {
        let mut buf = alloc::vec![0u8; len as usize];
        // SAFETY: `buf` has `len` writable bytes.
        let n = unsafe { lSemihostingRead(h, buf.as_mut_ptr().cast(), len as u32) };
        if n == len {
            Ok(buf)
        } else {
            Err("short read from the host file")
        }
    };
    // SAFETY: `h` is open.
    unsafe { lSemihostingClose(h) };
    result
}

/// Writes (creates or truncates) a host file.
pub fn write_host_file(path: &str, data: &[u8]) -> Result<(), &'static str> {
    let p = c_path(path);
    // SAFETY: `p` is NUL-terminated.
    let h = unsafe { lSemihostingOpen(p.as_ptr().cast(), SH_MODE_WB) };
    if h < 0 {
        return Err("cannot create the host file");
    }
    // SAFETY: `data` is readable for its length; `h` is open.
    let n = unsafe { lSemihostingWrite(h, data.as_ptr().cast(), data.len() as u32) };
    // SAFETY: `h` is open.
    unsafe { lSemihostingClose(h) };
    if n == data.len() as i32 {
        Ok(())
    } else {
        Err("short write to the host file")
    }
}
