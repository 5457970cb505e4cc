//! Message authentication codes with secret keys: HMAC-SHA256 (`CKM_SHA256_HMAC`) and,
//! with feature `cmac`, AES-CMAC (`CKM_AES_CMAC`), as corePKCS11 offers them.

use crate::ck::*;
use crate::template::ObjectKind;
use crate::CkResult;
use alloc::boxed::Box;
use alloc::vec::Vec;
use hmac::{KeyInit, Mac};
use zeroize::Zeroizing;

/// Shortest HMAC key accepted, in bytes (128 bits).
pub const HMAC_MIN_KEY_LEN: usize = 16;
/// Longest HMAC key accepted, in bytes.
pub const HMAC_MAX_KEY_LEN: usize = 128;
/// Length of an HMAC-SHA256 value.
pub const HMAC_SHA256_LEN: usize = 32;
/// Length of an AES-CMAC value.
pub const CMAC_LEN: usize = 16;

/// True when a secret key of `kind` may have `len` bytes.
pub fn key_length_ok(kind: ObjectKind, len: usize) -> bool {
    match kind {
        ObjectKind::HmacKey => (HMAC_MIN_KEY_LEN..=HMAC_MAX_KEY_LEN).contains(&len),
        ObjectKind::AesKey => matches!(len, 16 | 24 | 32),
        _ => false,
    }
}

/// HMAC-SHA-256 keyed with `key` of any length. HMAC's key preprocessing (a key longer than
/// the 64-byte block is hashed, a shorter one zero-padded) is done here, so that the MAC
/// mechanism, the DRBG and the PIN hash share one keying routine and the infallible block
/// constructor. Not inlined, for that sharing.
#[inline(never)]
pub fn hmac_sha256(key: &[u8]) -> hmac::Hmac<crate::sha256::Sha256> {
    use digest::Digest;
    const BLOCK_LEN: usize = 64;
    let mut block = Zeroizing::new([0u8; BLOCK_LEN]);
    if key.len() > BLOCK_LEN {
        let digest = Zeroizing::new(<[u8; HMAC_SHA256_LEN]>::from(
            crate::sha256::Sha256::digest(key),
        ));
        block[..HMAC_SHA256_LEN].copy_from_slice(&digest[..]);
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    <hmac::Hmac<crate::sha256::Sha256> as KeyInit>::new((&*block).into())
}

/// A MAC computation in progress (its key schedule holds key material: dropped with it).
#[derive(Clone)]
pub enum MacState {
    /// HMAC-SHA256.
    HmacSha256(hmac::Hmac<crate::sha256::Sha256>),
    /// AES-128-CMAC.
    #[cfg(feature = "cmac")]
    Aes128Cmac(cmac::Cmac<aes::Aes128>),
    /// AES-192-CMAC.
    #[cfg(feature = "cmac")]
    Aes192Cmac(cmac::Cmac<aes::Aes192>),
    /// AES-256-CMAC.
    #[cfg(feature = "cmac")]
    Aes256Cmac(cmac::Cmac<aes::Aes256>),
}

impl core::fmt::Debug for MacState {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("MacState(..)")
    }
}

impl MacState {
    /// Starts `mechanism` with key bytes `key`, on the heap. Not inlined: the state (an AES
    /// key schedule is about 1 KB) is built in this frame only, not in `C_SignInit`'s.
    #[inline(never)]
    pub fn new(mechanism: Ulong, key: &[u8]) -> CkResult<Box<Self>> {
        Self::new_unboxed(mechanism, key).map(Box::new)
    }

    fn new_unboxed(mechanism: Ulong, key: &[u8]) -> CkResult<Self> {
        #[cfg(feature = "cmac")]
        let bad_key = |_| CKR_KEY_SIZE_RANGE;
        match mechanism {
            CKM_SHA256_HMAC => Ok(MacState::HmacSha256(hmac_sha256(key))),
            #[cfg(feature = "cmac")]
            CKM_AES_CMAC => match key.len() {
                16 => Ok(MacState::Aes128Cmac(
                    cmac::Cmac::new_from_slice(key).map_err(bad_key)?,
                )),
                24 => Ok(MacState::Aes192Cmac(
                    cmac::Cmac::new_from_slice(key).map_err(bad_key)?,
                )),
                32 => Ok(MacState::Aes256Cmac(
                    cmac::Cmac::new_from_slice(key).map_err(bad_key)?,
                )),
                _ => Err(CKR_KEY_SIZE_RANGE),
            },
            _ => Err(CKR_MECHANISM_INVALID),
        }
    }

    /// Length of the MAC value.
    pub fn len(&self) -> usize {
        match self {
            MacState::HmacSha256(_) => HMAC_SHA256_LEN,
            #[cfg(feature = "cmac")]
            _ => CMAC_LEN,
        }
    }

    /// Always false: a MAC has a value (for clippy's `len` rule).
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Adds `data` to the message.
    pub fn update(&mut self, data: &[u8]) {
        match self {
            MacState::HmacSha256(m) => m.update(data),
            #[cfg(feature = "cmac")]
            MacState::Aes128Cmac(m) => m.update(data),
            #[cfg(feature = "cmac")]
            MacState::Aes192Cmac(m) => m.update(data),
            #[cfg(feature = "cmac")]
            MacState::Aes256Cmac(m) => m.update(data),
        }
    }

    /// The MAC of the message.
    pub fn finalize(self) -> Zeroizing<Vec<u8>> {
        let v = match self {
            MacState::HmacSha256(m) => m.finalize().into_bytes().to_vec(),
            #[cfg(feature = "cmac")]
            MacState::Aes128Cmac(m) => m.finalize().into_bytes().to_vec(),
            #[cfg(feature = "cmac")]
            MacState::Aes192Cmac(m) => m.finalize().into_bytes().to_vec(),
            #[cfg(feature = "cmac")]
            MacState::Aes256Cmac(m) => m.finalize().into_bytes().to_vec(),
        };
        Zeroizing::new(v)
    }

    /// Checks `mac` against the message's MAC in constant time: `CKR_SIGNATURE_LEN_RANGE` for
    /// a wrong length, `CKR_SIGNATURE_INVALID` for a wrong value.
    pub fn verify(self, mac: &[u8]) -> CkResult<()> {
        use subtle::ConstantTimeEq;
        if mac.len() != self.len() {
            return Err(CKR_SIGNATURE_LEN_RANGE);
        }
        let expected = self.finalize();
        if bool::from(expected.as_slice().ct_eq(mac)) {
            Ok(())
        } else {
            Err(CKR_SIGNATURE_INVALID)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_keying_matches_the_hmac_crate() {
        // Shorter than, equal to and longer than the 64-byte block (hashed first).
        for len in [0usize, 1, 32, 63, 64, 65, 128, 131] {
            let key: Vec<u8> = (0..len).map(|i| i as u8 ^ 0x5c).collect();
            let mut ours = hmac_sha256(&key);
            let mut reference =
                <hmac::Hmac<crate::sha256::Sha256> as KeyInit>::new_from_slice(&key).unwrap();
            ours.update(b"message");
            reference.update(b"message");
            assert_eq!(
                ours.finalize().into_bytes(),
                reference.finalize().into_bytes(),
                "key length {len}"
            );
        }
    }

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// RFC 4231 test case 2 ("Jefe") and a 20-byte-key case from test case 1 padded to 16+.
    #[test]
    fn hmac_sha256_rfc4231() {
        let mut m = MacState::new(CKM_SHA256_HMAC, b"Jefe").unwrap();
        m.update(b"what do ya want ");
        m.update(b"for nothing?");
        assert_eq!(
            m.finalize().as_slice(),
            hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        );
        // Test case 1: key 0x0b x 20, "Hi There".
        let m = MacState::new(CKM_SHA256_HMAC, &[0x0b; 20]).unwrap();
        let mut m2 = m.clone();
        m2.update(b"Hi There");
        let want = hex("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
        assert!(m2.clone().verify(&want).is_ok());
        let mut bad = want.clone();
        bad[0] ^= 1;
        assert_eq!(m2.clone().verify(&bad), Err(CKR_SIGNATURE_INVALID));
        assert_eq!(m2.verify(&want[..31]), Err(CKR_SIGNATURE_LEN_RANGE));
    }

    /// NIST SP 800-38B, D.1: AES-128 CMAC examples 1 and 2.
    #[cfg(feature = "cmac")]
    #[test]
    fn aes_cmac_sp800_38b() {
        let key = hex("2b7e151628aed2a6abf7158809cf4f3c");
        let m = MacState::new(CKM_AES_CMAC, &key).unwrap();
        assert_eq!(
            m.clone().finalize().as_slice(),
            hex("bb1d6929e95937287fa37d129b756746")
        );
        let mut m2 = m;
        m2.update(&hex("6bc1bee22e409f96e93d7e117393172a"));
        assert_eq!(
            m2.finalize().as_slice(),
            hex("070a16b46b4d4144f79bdd9dd04a287c")
        );
        assert_eq!(
            MacState::new(CKM_AES_CMAC, &key[..15]).err(),
            Some(CKR_KEY_SIZE_RANGE)
        );
    }

    #[test]
    fn key_lengths() {
        assert!(key_length_ok(ObjectKind::HmacKey, 32));
        assert!(!key_length_ok(ObjectKind::HmacKey, 15));
        assert!(!key_length_ok(ObjectKind::HmacKey, 129));
        assert!(key_length_ok(ObjectKind::AesKey, 24));
        assert!(!key_length_ok(ObjectKind::AesKey, 20));
        assert!(!key_length_ok(ObjectKind::Data, 16));
    }
}
