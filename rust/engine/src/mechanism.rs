//! The mechanisms this token implements, and what `C_GetMechanismInfo` says of each.

use crate::ck::*;
use crate::info::MechanismInfo;
use crate::CkResult;

/// A mechanism as passed to an `*Init` call: its type and parameter bytes.
#[derive(Clone, Copy, Debug)]
pub struct Mechanism<'a> {
    /// `CKM_*` type.
    pub kind: Ulong,
    /// Parameter bytes (empty for a NULL `pParameter`).
    pub parameter: &'a [u8],
}

impl<'a> Mechanism<'a> {
    /// A mechanism of type `kind` without parameter.
    pub fn new(kind: Ulong) -> Self {
        Mechanism {
            kind,
            parameter: &[],
        }
    }
}

/// RSA modulus sizes accepted for signing and verification, in bits.
pub const RSA_MIN_BITS: Ulong = 2048;
/// Largest RSA modulus accepted, in bits.
pub const RSA_MAX_BITS: Ulong = 4096;

/// Every mechanism the token implements, in the order `C_GetMechanismList` reports them.
pub const SUPPORTED: &[Ulong] = &[
    CKM_SHA256,
    #[cfg(feature = "ecdsa")]
    CKM_EC_KEY_PAIR_GEN,
    #[cfg(feature = "ecdsa")]
    CKM_ECDSA,
    #[cfg(feature = "ecdsa")]
    CKM_ECDSA_SHA256,
    #[cfg(feature = "rsa")]
    CKM_RSA_PKCS,
    #[cfg(feature = "rsa")]
    CKM_SHA256_RSA_PKCS,
    #[cfg(feature = "rsa")]
    CKM_RSA_X_509,
    CKM_SHA256_HMAC,
    #[cfg(feature = "cmac")]
    CKM_AES_CMAC,
];

/// `C_GetMechanismInfo` for `kind`, or `CKR_MECHANISM_INVALID` if the token lacks it.
pub fn info(kind: Ulong) -> CkResult<MechanismInfo> {
    let (min_key_size, max_key_size, flags) = match kind {
        CKM_SHA256 => (0, 0, CKF_DIGEST),
        #[cfg(feature = "ecdsa")]
        CKM_EC_KEY_PAIR_GEN => (
            256,
            256,
            CKF_GENERATE_KEY_PAIR | CKF_EC_F_P | CKF_EC_NAMED_CURVE | CKF_EC_UNCOMPRESS,
        ),
        #[cfg(feature = "ecdsa")]
        CKM_ECDSA | CKM_ECDSA_SHA256 => (
            256,
            256,
            CKF_SIGN | CKF_VERIFY | CKF_EC_F_P | CKF_EC_NAMED_CURVE | CKF_EC_UNCOMPRESS,
        ),
        #[cfg(feature = "rsa")]
        CKM_RSA_PKCS | CKM_SHA256_RSA_PKCS => (RSA_MIN_BITS, RSA_MAX_BITS, CKF_SIGN | CKF_VERIFY),
        // Raw RSA: verification only, as in the C reference (a raw private-key operation
        // would sign anything a caller chose, unpadded).
        #[cfg(feature = "rsa")]
        CKM_RSA_X_509 => (RSA_MIN_BITS, RSA_MAX_BITS, CKF_VERIFY),
        // Key sizes of MAC keys are in bytes.
        CKM_SHA256_HMAC => (
            crate::mac::HMAC_MIN_KEY_LEN as Ulong,
            crate::mac::HMAC_MAX_KEY_LEN as Ulong,
            CKF_SIGN | CKF_VERIFY,
        ),
        #[cfg(feature = "cmac")]
        CKM_AES_CMAC => (16, 32, CKF_SIGN | CKF_VERIFY),
        _ => return Err(CKR_MECHANISM_INVALID),
    };
    Ok(MechanismInfo {
        min_key_size,
        max_key_size,
        flags,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_mechanism_has_info() {
        for &m in SUPPORTED {
            assert!(info(m).is_ok(), "mechanism {m:#x}");
        }
    }

    #[test]
    fn unknown_mechanism_is_invalid() {
        assert_eq!(info(CKM_RSA_PKCS_KEY_PAIR_GEN), Err(CKR_MECHANISM_INVALID));
        assert_eq!(info(0xdead_beef), Err(CKR_MECHANISM_INVALID));
    }

    #[test]
    fn digest_has_no_key_size() {
        let i = info(CKM_SHA256).unwrap();
        assert_eq!(
            (i.min_key_size, i.max_key_size, i.flags),
            (0, 0, CKF_DIGEST)
        );
    }
}
