//! Plain data returned by the informational calls.

use crate::ck::Ulong;

/// `CK_SLOT_INFO` contents.
#[derive(Clone, Debug)]
pub struct SlotInfo {
    /// Blank-padded slot description.
    pub description: [u8; 64],
    /// Blank-padded manufacturer ID.
    pub manufacturer_id: [u8; 32],
    /// `CKF_TOKEN_PRESENT`, …
    pub flags: Ulong,
    /// Hardware version (major, minor).
    pub hardware_version: (u8, u8),
    /// Firmware version (major, minor).
    pub firmware_version: (u8, u8),
}

/// `CK_TOKEN_INFO` contents.
#[derive(Clone, Debug)]
pub struct TokenInfo {
    /// Blank-padded token label.
    pub label: [u8; 32],
    /// Blank-padded manufacturer ID.
    pub manufacturer_id: [u8; 32],
    /// Blank-padded model.
    pub model: [u8; 16],
    /// Blank-padded serial number.
    pub serial_number: [u8; 16],
    /// `CKF_*` token flags.
    pub flags: Ulong,
    /// Most sessions open at once.
    pub max_session_count: Ulong,
    /// Sessions open now.
    pub session_count: Ulong,
    /// Most read/write sessions open at once.
    pub max_rw_session_count: Ulong,
    /// Read/write sessions open now.
    pub rw_session_count: Ulong,
    /// Longest PIN.
    pub max_pin_len: Ulong,
    /// Shortest PIN.
    pub min_pin_len: Ulong,
    /// Total memory for public objects (`CK_UNAVAILABLE_INFORMATION` when unknown).
    pub total_public_memory: Ulong,
    /// Free memory for public objects.
    pub free_public_memory: Ulong,
    /// Total memory for private objects.
    pub total_private_memory: Ulong,
    /// Free memory for private objects.
    pub free_private_memory: Ulong,
    /// Hardware version (major, minor).
    pub hardware_version: (u8, u8),
    /// Firmware version (major, minor).
    pub firmware_version: (u8, u8),
    /// `utcTime` (blank: the token has no clock).
    pub utc_time: [u8; 16],
}

/// `CK_SESSION_INFO` contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionInfo {
    /// Slot the session is on.
    pub slot_id: Ulong,
    /// `CKS_*` state.
    pub state: Ulong,
    /// `CKF_SERIAL_SESSION` and maybe `CKF_RW_SESSION`.
    pub flags: Ulong,
    /// Device error code (always 0).
    pub device_error: Ulong,
}

/// `CK_MECHANISM_INFO` contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MechanismInfo {
    /// Smallest key size (bits for RSA and EC).
    pub min_key_size: Ulong,
    /// Largest key size.
    pub max_key_size: Ulong,
    /// `CKF_*` mechanism flags.
    pub flags: Ulong,
}

/// `n` in decimal ASCII digits, written to the end of `buf`; returns them. (Device builds
/// format their few numbers with this instead of `core::fmt`, whose code takes flash.)
pub fn decimal(mut n: usize, buf: &mut [u8; 20]) -> &[u8] {
    let mut start = buf.len();
    loop {
        start -= 1;
        buf[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[start..];
        }
    }
}

/// Pads `text` with blanks to a fixed-size `CK_UTF8CHAR` array (truncating if longer).
pub fn blank_padded<const N: usize>(text: &[u8]) -> [u8; N] {
    let mut out = [b' '; N];
    let n = text.len().min(N);
    out[..n].copy_from_slice(&text[..n]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_digits() {
        let mut buf = [0xffu8; 20];
        assert_eq!(decimal(0, &mut buf), b"0");
        assert_eq!(decimal(7, &mut buf), b"7");
        assert_eq!(decimal(10, &mut buf), b"10");
        assert_eq!(decimal(9999, &mut buf), b"9999");
        assert_eq!(decimal(1_234_567_890, &mut buf), b"1234567890");
        let max = alloc::format!("{}", usize::MAX);
        assert_eq!(decimal(usize::MAX, &mut buf), max.as_bytes());
    }

    #[test]
    fn blank_padding() {
        assert_eq!(blank_padded::<4>(b"ab"), *b"ab  ");
        assert_eq!(blank_padded::<2>(b"abc"), *b"ab");
    }
}
