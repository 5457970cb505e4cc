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

/// A fixed buffer for one message, silently truncating.
struct MessageBuffer {
    bytes: [u8; MAX_MESSAGE + 1],
    len: usize,
}

impl MessageBuffer {
    fn new() -> Self {
        MessageBuffer {
            bytes: [0; MAX_MESSAGE + 1],
            len: 0,
        }
    }

    /// Appends `bytes`, cut at [`MAX_MESSAGE`].
    fn push(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if self.len >= MAX_MESSAGE {
                break;
            }
            // An interior NUL would end the C string early; show it as '?'.
            self.bytes[self.len] = if b == 0 { b'?' } else { b };
            self.len += 1;
        }
    }

    /// NUL-terminates the message and passes it to the hook for `level`.
    fn emit(mut self, level: Level) {
        self.bytes[self.len] = 0;
        // SAFETY: `self.bytes` is NUL-terminated at `self.len` (at most 127 < its size) and
        // outlives the call; the shim's `core_pkcs11_cfg_log` only reads the string during the
        // call.
        unsafe {
            crate::shim::core_pkcs11_cfg_log(level as core::ffi::c_int, self.bytes.as_ptr().cast())
        }
    }
}

impl Write for MessageBuffer {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.push(s.as_bytes());
        Ok(())
    }
}

/// Formats `args` (cut at 127 bytes) and passes it to the application's hook for `level`.
/// The library's own messages on devices go through [`log_pieces`] instead: `core::fmt`'s
/// formatting code would otherwise be linked for them.
pub fn log(level: Level, args: fmt::Arguments<'_>) {
    let mut buf = MessageBuffer::new();
    // Writing into the buffer never fails; a failing Display impl just shortens the message.
    let _ = buf.write_fmt(args);
    buf.emit(level);
}

/// Passes the concatenation of `pieces` (cut at 127 bytes) to the application's hook for
/// `level`, without `core::fmt` (numbers: [`core_pkcs11_engine::info::decimal`]).
pub fn log_pieces(level: Level, pieces: &[&[u8]]) {
    let mut buf = MessageBuffer::new();
    for piece in pieces {
        buf.push(piece);
    }
    buf.emit(level);
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
        log_pieces(Level::Warn, &[long.as_bytes(), b"a\0b", b""]);
        log_pieces(Level::Info, &[]);
    }
}
