//! Log messages through the application's `LogError`/`LogWarn`/`LogInfo`/`LogDebug` hooks.

use core::fmt::{self, Write};

/// Severity of a log message, mapped to the `LogX` hook of the same name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// `LogError`.
    Error = 1,
    /// `LogWarn`.
    Warn = 2,
    /// `LogInfo`.
    Info = 3,
    /// `LogDebug`.
    Debug = 4,
}

/// Longest message passed to the hook (longer ones are cut), without the NUL.
const MAX_MESSAGE: usize = 127;

/// A fixed buffer that `fmt::Write` fills, silently truncating.
struct MessageBuffer {
    bytes: [u8; MAX_MESSAGE + 1],
    len: usize,
}

impl Write for MessageBuffer {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for &b in s.as_bytes() {
            if self.len >= MAX_MESSAGE {
                break;
            }
            // An interior NUL would end the C string early; show it as '?'.
            self.bytes[self.len] = if b == 0 { b'?' } else { b };
            self.len += 1;
        }
        Ok(())
    }
}

/// Formats `args` (cut at 127 bytes) and passes it to the application's hook for `level`.
pub fn log(level: Level, args: fmt::Arguments<'_>) {
    let mut buf = MessageBuffer {
        bytes: [0; MAX_MESSAGE + 1],
        len: 0,
    };
    // Writing into the buffer never fails; a failing Display impl just shortens the message.
    let _ = buf.write_fmt(args);
    buf.bytes[buf.len] = 0;
    // SAFETY: `buf.bytes` is NUL-terminated at `buf.len` (at most 127 < its size) and outlives
    // the call; the shim's `core_pkcs11_cfg_log` only reads the string during the call.
    unsafe {
        crate::shim::core_pkcs11_cfg_log(level as core::ffi::c_int, buf.bytes.as_ptr().cast())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_messages_are_cut_and_nul_terminated() {
        let mut buf = MessageBuffer {
            bytes: [0xff; MAX_MESSAGE + 1],
            len: 0,
        };
        let long = "x".repeat(500);
        buf.write_str(&long).unwrap();
        buf.write_str("a\0b").unwrap();
        assert_eq!(buf.len, MAX_MESSAGE);
        // The default configuration's hooks are empty: this just must not crash.
        log(Level::Error, format_args!("{long}"));
        log(Level::Debug, format_args!("a\0b"));
    }
}
