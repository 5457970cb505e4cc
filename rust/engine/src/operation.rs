//! Cryptographic operations in progress in a session.

use crate::ck::*;
use crate::mechanism::Mechanism;
use crate::sha256::Sha256;
use crate::CkResult;
use alloc::vec::Vec;
use digest::Digest;

/// Length of a SHA-256 digest.
pub const SHA256_LEN: usize = 32;

/// DER prefix of a SHA-256 `DigestInfo` (PKCS #1 v1.5 signatures).
pub const SHA256_DIGEST_INFO_PREFIX: [u8; DIGEST_INFO_LEN - SHA256_LEN] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

/// Length of a SHA-256 `DigestInfo`: the prefix and the hash.
pub const DIGEST_INFO_LEN: usize = 19 + SHA256_LEN;

/// The input of a key operation: the caller's data as it is, or a hash (with its DigestInfo
/// for RSA) kept on the stack, so that signing allocates nothing for it.
pub enum KeyInput<'a> {
    /// The caller's data (`CKM_ECDSA`, `CKM_RSA_PKCS`).
    Data(&'a [u8]),
    /// A hash computed by the token, in the first `len` bytes.
    Hashed {
        /// The bytes.
        bytes: [u8; DIGEST_INFO_LEN],
        /// How many are used.
        len: usize,
    },
}

impl core::ops::Deref for KeyInput<'_> {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            KeyInput::Data(d) => d,
            KeyInput::Hashed { bytes, len } => &bytes[..*len],
        }
    }
}

/// What an output-producing call did with the caller's buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    /// `n` bytes were written; the operation is finished.
    Written(usize),
    /// Nothing was written (length query, or the buffer is too small): `n` bytes are needed
    /// and the operation stays active. The FFI layer returns `CKR_OK` for a NULL buffer and
    /// `CKR_BUFFER_TOO_SMALL` otherwise.
    Needed(usize),
}

/// A `C_FindObjects*` search: the handles found at `C_FindObjectsInit`, and how many were
/// returned so far.
pub struct FindOp {
    /// Matching object handles, ascending.
    pub results: Vec<Ulong>,
    /// Next result to return.
    pub next: usize,
}

/// A `C_Digest*` operation.
pub struct DigestOp {
    /// Running hash.
    pub hasher: Sha256,
    /// True once `C_DigestUpdate` was called (single-part `C_Digest` is then refused).
    pub updated: bool,
}

impl DigestOp {
    /// Starts a digest with `mechanism` (only `CKM_SHA256`, without parameter).
    pub fn new(mechanism: &Mechanism<'_>) -> CkResult<Self> {
        if mechanism.kind != CKM_SHA256 {
            return Err(CKR_MECHANISM_INVALID);
        }
        if !mechanism.parameter.is_empty() {
            return Err(CKR_MECHANISM_PARAM_INVALID);
        }
        Ok(DigestOp {
            hasher: Sha256::new(),
            updated: false,
        })
    }
}

/// How a signature mechanism turns the caller's data into the input of the key operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureScheme {
    /// `CKM_ECDSA`: the data is the hash.
    Ecdsa,
    /// `CKM_ECDSA_SHA256`: SHA-256 of the data.
    EcdsaSha256,
    /// `CKM_RSA_PKCS`: the data is the (DigestInfo) block to pad.
    RsaPkcs,
    /// `CKM_SHA256_RSA_PKCS`: DigestInfo of SHA-256 of the data.
    Sha256RsaPkcs,
    /// `CKM_RSA_X_509` (verification only): the data is the whole recovered block, without
    /// its leading zero bytes.
    RsaX509,
    /// `CKM_SHA256_HMAC`: HMAC-SHA256 with a secret key.
    HmacSha256,
    /// `CKM_AES_CMAC`: AES-CMAC with an AES key.
    AesCmac,
}

impl SignatureScheme {
    /// The scheme of mechanism `m`, checking it takes no parameter.
    pub fn from_mechanism(m: &Mechanism<'_>) -> CkResult<Self> {
        let scheme = match m.kind {
            #[cfg(feature = "ecdsa")]
            CKM_ECDSA => Some(SignatureScheme::Ecdsa),
            #[cfg(feature = "ecdsa")]
            CKM_ECDSA_SHA256 => Some(SignatureScheme::EcdsaSha256),
            #[cfg(feature = "rsa")]
            CKM_RSA_PKCS => Some(SignatureScheme::RsaPkcs),
            #[cfg(feature = "rsa")]
            CKM_SHA256_RSA_PKCS => Some(SignatureScheme::Sha256RsaPkcs),
            #[cfg(feature = "rsa")]
            CKM_RSA_X_509 => Some(SignatureScheme::RsaX509),
            CKM_SHA256_HMAC => Some(SignatureScheme::HmacSha256),
            #[cfg(feature = "cmac")]
            CKM_AES_CMAC => Some(SignatureScheme::AesCmac),
            _ => None,
        }
        .ok_or(CKR_MECHANISM_INVALID)?;
        if !m.parameter.is_empty() {
            return Err(CKR_MECHANISM_PARAM_INVALID);
        }
        Ok(scheme)
    }

    /// `CKK_*` key type the scheme works with.
    pub fn key_type(self) -> Ulong {
        match self {
            SignatureScheme::Ecdsa | SignatureScheme::EcdsaSha256 => CKK_EC,
            SignatureScheme::RsaPkcs
            | SignatureScheme::Sha256RsaPkcs
            | SignatureScheme::RsaX509 => CKK_RSA,
            SignatureScheme::HmacSha256 => CKK_GENERIC_SECRET,
            SignatureScheme::AesCmac => CKK_AES,
        }
    }

    /// False for the schemes that only verify (`CKM_RSA_X_509`).
    pub fn signs(self) -> bool {
        self != SignatureScheme::RsaX509
    }

    /// True for the MAC schemes, which sign and verify with one secret key.
    pub fn is_mac(self) -> bool {
        matches!(self, SignatureScheme::HmacSha256 | SignatureScheme::AesCmac)
    }

    /// True for the schemes that take data in several parts (hash-and-sign, and MACs).
    pub fn hashes(self) -> bool {
        matches!(
            self,
            SignatureScheme::EcdsaSha256
                | SignatureScheme::Sha256RsaPkcs
                | SignatureScheme::HmacSha256
                | SignatureScheme::AesCmac
        )
    }

    /// The key operation's input for a finished hash (with its DigestInfo for RSA).
    pub fn input_from_hash(self, hash: &[u8; SHA256_LEN]) -> KeyInput<'static> {
        let mut bytes = [0u8; DIGEST_INFO_LEN];
        let prefix: &[u8] = if self == SignatureScheme::Sha256RsaPkcs {
            &SHA256_DIGEST_INFO_PREFIX
        } else {
            &[]
        };
        bytes[..prefix.len()].copy_from_slice(prefix);
        bytes[prefix.len()..prefix.len() + SHA256_LEN].copy_from_slice(hash);
        KeyInput::Hashed {
            bytes,
            len: prefix.len() + SHA256_LEN,
        }
    }
}

/// A `C_Sign*` or `C_Verify*` operation: scheme, key, and the running hash of a
/// hash-and-sign mechanism.
pub struct SignatureOp {
    /// The mechanism's scheme.
    pub scheme: SignatureScheme,
    /// `CKM_*` type (for `CKA_ALLOWED_MECHANISMS`).
    pub mechanism: Ulong,
    /// The key object's handle.
    pub key: Ulong,
    /// Running hash (hash-and-sign schemes).
    pub hasher: Sha256,
    /// Running MAC (MAC schemes), keyed at `*Init`. Boxed: an AES key schedule is about 1 KB,
    /// and every signing frame that holds or moves a `SignatureOp` would reserve room for it.
    pub mac: Option<alloc::boxed::Box<crate::mac::MacState>>,
    /// True once an `*Update` call was made (single-part calls are then refused).
    pub updated: bool,
}

impl SignatureOp {
    /// Starts an operation with `scheme` on key `key`.
    pub fn new(scheme: SignatureScheme, mechanism: Ulong, key: Ulong) -> Self {
        SignatureOp {
            scheme,
            mechanism,
            key,
            hasher: Sha256::new(),
            mac: None,
            updated: false,
        }
    }

    /// The key operation's input for single-part data.
    pub fn input_single<'a>(&self, data: &'a [u8]) -> KeyInput<'a> {
        if self.scheme.hashes() {
            self.scheme.input_from_hash(&Sha256::digest(data).into())
        } else {
            KeyInput::Data(data)
        }
    }

    /// The key operation's input: of `data` for a single-part call, else of the parts given
    /// to `*Update`. Not inlined: signing and verification share one copy (with the hashing).
    #[inline(never)]
    pub fn input<'a>(&self, data: Option<&'a [u8]>) -> KeyInput<'a> {
        match data {
            Some(data) => self.input_single(data),
            None => self.input_final(),
        }
    }

    /// The key operation's input after the parts given to `*Update`.
    pub fn input_final(&self) -> KeyInput<'static> {
        self.scheme
            .input_from_hash(&self.hasher.clone().finalize().into())
    }
}

/// A signing operation.
pub type SignOp = SignatureOp;
/// A verification operation.
pub type VerifyOp = SignatureOp;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_mechanisms() {
        assert!(DigestOp::new(&Mechanism::new(CKM_SHA256)).is_ok());
        assert_eq!(
            DigestOp::new(&Mechanism::new(CKM_ECDSA)).err(),
            Some(CKR_MECHANISM_INVALID)
        );
        let m = Mechanism {
            kind: CKM_SHA256,
            parameter: &[1],
        };
        assert_eq!(DigestOp::new(&m).err(), Some(CKR_MECHANISM_PARAM_INVALID));
    }

    #[test]
    fn rsa_input_is_digest_info() {
        let op = SignatureOp::new(SignatureScheme::Sha256RsaPkcs, CKM_SHA256_RSA_PKCS, 1);
        let input = op.input_single(b"abc");
        assert_eq!(input.len(), 51);
        assert_eq!(&input[..19], &SHA256_DIGEST_INFO_PREFIX);
        assert_eq!(&input[19..23], &[0xba, 0x78, 0x16, 0xbf]);
        let ec = SignatureOp::new(SignatureScheme::EcdsaSha256, CKM_ECDSA_SHA256, 1);
        assert_eq!(&*ec.input_single(b"abc"), &input[19..]);
        let raw = SignatureOp::new(SignatureScheme::Ecdsa, CKM_ECDSA, 1);
        assert_eq!(&*raw.input_single(b"xyz"), b"xyz");
    }

    #[test]
    fn schemes_need_no_parameter() {
        let m = Mechanism {
            kind: CKM_SHA256_HMAC,
            parameter: &[0],
        };
        assert_eq!(
            SignatureScheme::from_mechanism(&m).err(),
            Some(CKR_MECHANISM_PARAM_INVALID)
        );
        assert_eq!(
            SignatureScheme::from_mechanism(&Mechanism::new(CKM_SHA256)).err(),
            Some(CKR_MECHANISM_INVALID)
        );
    }
}
