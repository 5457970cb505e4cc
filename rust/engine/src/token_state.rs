//! The token's own persistent state: label, serial number, PINs (hashed) and counters.
//!
//! Stored as record [`crate::store::TOKEN_STATE_ID`] in the record format of
//! [`crate::record`], with these tags:
//!
//! | tag | value |
//! |-----|-------|
//! | 1 | label, 32 bytes blank-padded |
//! | 2 | serial, 8 random bytes (reported as 16 hex digits) |
//! | 3 | flags: 1 byte, bit 0 = initialised by `C_InitToken` |
//! | 4 | SO PIN hash ([`crate::pin::PinHash`] encoding), absent before `C_InitToken` |
//! | 5 | user PIN hash, absent while the configured default PIN is in force |
//! | 6 | consecutive wrong user PINs, u32 LE |

use crate::pin::PinHash;
use crate::record::{self, RecordKind};
use crate::template::ValueKind;
use alloc::vec::Vec;
use zeroize::Zeroizing;

const TAG_LABEL: u32 = 1;
const TAG_SERIAL: u32 = 2;
const TAG_FLAGS: u32 = 3;
const TAG_SO_PIN: u32 = 4;
const TAG_USER_PIN: u32 = 5;
const TAG_USER_FAILURES: u32 = 6;

/// The token's persistent state.
#[derive(Clone)]
pub struct TokenState {
    /// `CK_TOKEN_INFO.label`.
    pub label: [u8; 32],
    /// Random serial number chosen when the token was first opened.
    pub serial: [u8; 8],
    /// Set by `C_InitToken`.
    pub initialized: bool,
    /// SO PIN, set by `C_InitToken`.
    pub so_pin: Option<PinHash>,
    /// User PIN; `None` means the configured default PIN.
    pub user_pin: Option<PinHash>,
    /// Consecutive wrong user PINs.
    pub user_failures: u32,
}

impl TokenState {
    /// The state of a token that was never initialised.
    pub fn fresh(serial: [u8; 8]) -> Self {
        TokenState {
            label: [b' '; 32],
            serial,
            initialized: false,
            so_pin: None,
            user_pin: None,
            user_failures: 0,
        }
    }

    /// The serial number as `CK_TOKEN_INFO.serialNumber`: 16 upper-case hex digits.
    pub fn serial_number(&self) -> [u8; 16] {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        let mut out = [0u8; 16];
        for (i, b) in self.serial.iter().enumerate() {
            out[2 * i] = HEX[(b >> 4) as usize];
            out[2 * i + 1] = HEX[(b & 15) as usize];
        }
        out
    }

    /// Encodes the state as a record.
    pub fn encode(&self) -> Zeroizing<Vec<u8>> {
        let flags = [self.initialized as u8];
        let failures = self.user_failures.to_le_bytes();
        let so = self.so_pin.as_ref().map(PinHash::to_bytes);
        let user = self.user_pin.as_ref().map(PinHash::to_bytes);
        // A fixed array with the optional PIN entries last: no vector to allocate and grow.
        let mut entries: [(u32, ValueKind, &[u8]); 6] = [
            (TAG_LABEL, ValueKind::Bytes, &self.label[..]),
            (TAG_SERIAL, ValueKind::Bytes, &self.serial[..]),
            (TAG_FLAGS, ValueKind::Bytes, &flags[..]),
            (TAG_USER_FAILURES, ValueKind::Bytes, &failures[..]),
            (0, ValueKind::Bytes, &[]),
            (0, ValueKind::Bytes, &[]),
        ];
        let mut count = 4;
        for (tag, pin) in [(TAG_SO_PIN, &so), (TAG_USER_PIN, &user)] {
            if let Some(pin) = pin {
                entries[count] = (tag, ValueKind::Bytes, &pin[..]);
                count += 1;
            }
        }
        record::encode(RecordKind::TokenState, &entries[..count])
    }

    /// Decodes a stored state; `None` if the record is damaged or not a token state.
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        let (kind, entries) = record::decode(bytes).ok()?;
        if kind != RecordKind::TokenState {
            return None;
        }
        let get = |tag: u32| {
            entries
                .iter()
                .find(|(t, _)| *t == tag)
                .map(|(_, v)| v.as_slice())
        };
        let label: [u8; 32] = get(TAG_LABEL)?.try_into().ok()?;
        let serial: [u8; 8] = get(TAG_SERIAL)?.try_into().ok()?;
        let flags: [u8; 1] = get(TAG_FLAGS)?.try_into().ok()?;
        let failures: [u8; 4] = get(TAG_USER_FAILURES)?.try_into().ok()?;
        // An absent PIN hash is `None`, a malformed one fails the decode.
        let pin = |tag: u32| match get(tag) {
            Some(b) => PinHash::from_bytes(b).map(Some),
            None => Some(None),
        };
        let so_pin = pin(TAG_SO_PIN)?;
        let user_pin = pin(TAG_USER_PIN)?;
        Some(TokenState {
            label,
            serial,
            initialized: flags[0] & 1 != 0,
            so_pin,
            user_pin,
            user_failures: u32::from_le_bytes(failures),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let mut s = TokenState::fresh([0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3]);
        assert_eq!(&s.serial_number(), b"DEADBEEF00010203");
        let back = TokenState::decode(&s.encode()).unwrap();
        assert!(!back.initialized && back.so_pin.is_none() && back.user_pin.is_none());
        s.initialized = true;
        s.label = crate::info::blank_padded(b"device");
        s.so_pin = Some(PinHash::new(b"so-pin", [1; 16]));
        s.user_pin = Some(PinHash::new(b"user-pin", [2; 16]));
        s.user_failures = 3;
        let back = TokenState::decode(&s.encode()).unwrap();
        assert!(back.initialized);
        assert_eq!(back.label, s.label);
        assert!(back.so_pin.unwrap().verify(b"so-pin"));
        assert!(back.user_pin.unwrap().verify(b"user-pin"));
        assert_eq!(back.user_failures, 3);
    }

    #[test]
    fn damaged_state_is_rejected() {
        let s = TokenState::fresh([1; 8]);
        let mut bytes = s.encode().to_vec();
        bytes[12] ^= 1;
        assert!(TokenState::decode(&bytes).is_none());
        assert!(TokenState::decode(&crate::record::encode_object(&[])).is_none());
    }
}
