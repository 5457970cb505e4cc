//! Parsed key material, kept per object so that signing never re-parses a key.

use crate::ck::*;
use crate::CkResult;
use alloc::boxed::Box;
#[cfg(feature = "ecdsa")]
use alloc::vec::Vec;
#[cfg(feature = "ecdsa")]
use zeroize::Zeroizing;

#[cfg(feature = "ecdsa")]
pub use crate::ec::ecdsa::{PrivateKey as EcPrivateKey, PublicKey as EcPublicKey};
#[cfg(feature = "rsa")]
pub use crate::rsa::{PrivateKey as RsaPrivateKey, PublicKey as RsaPublicKey};

/// Length of a raw P-256 ECDSA signature (r ‖ s).
pub const ECDSA_P256_SIGNATURE_LEN: usize = 64;
/// Longest `CKM_ECDSA` input (a SHA-512 hash); longer input is `CKR_DATA_LEN_RANGE`.
pub const MAX_ECDSA_INPUT_LEN: usize = 64;
/// Length of a P-256 private scalar.
pub const EC_P256_SCALAR_LEN: usize = 32;

/// A key in the form the crypto code uses, built once when the object is made or loaded.
pub enum KeyMaterial {
    /// P-256 private key (the scalar only: signing needs no public point).
    #[cfg(feature = "ecdsa")]
    EcPrivate(Box<EcPrivateKey>),
    /// P-256 public key, with the tables its verifications use (see [`EcPublicKey`]).
    #[cfg(feature = "ecdsa")]
    EcPublic(Box<EcPublicKey>),
    /// RSA private key with its CRT values precomputed.
    #[cfg(feature = "rsa")]
    RsaPrivate(Box<RsaPrivateKey>),
    /// RSA public key.
    #[cfg(feature = "rsa")]
    RsaPublic(Box<RsaPublicKey>),
}

impl core::fmt::Debug for KeyMaterial {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // Never print key values.
        f.write_str("KeyMaterial(..)")
    }
}

/// Encodes a P-256 public key as `CKA_EC_POINT` wants it: the DER OCTET STRING
/// `04 41 04 ‖ X ‖ Y` (67 bytes). Takes the key by reference or by value (as
/// [`EcPrivateKey::verifying_key`] returns it).
#[cfg(feature = "ecdsa")]
pub fn ec_point_attribute(key: impl core::borrow::Borrow<EcPublicKey>) -> Vec<u8> {
    crate::der::octet_string(&key.borrow().to_uncompressed())
}

/// Parses a P-256 private scalar (big-endian, at most 32 bytes, left-padded), which must be
/// in `[1, n)`.
#[cfg(feature = "ecdsa")]
pub fn ec_private_from_value(value: &[u8]) -> CkResult<EcPrivateKey> {
    if value.is_empty() || value.len() > EC_P256_SCALAR_LEN {
        return Err(CKR_ATTRIBUTE_VALUE_INVALID);
    }
    let mut scalar = Zeroizing::new([0u8; EC_P256_SCALAR_LEN]);
    scalar[EC_P256_SCALAR_LEN - value.len()..].copy_from_slice(value);
    EcPrivateKey::from_bytes(&scalar).ok_or(CKR_ATTRIBUTE_VALUE_INVALID)
}

/// Parses `CKA_EC_POINT`: the DER OCTET STRING of a SEC1 point as the standard says, or (as
/// some callers send) the bare SEC1 point; compressed or uncompressed.
#[cfg(feature = "ecdsa")]
pub fn ec_public_from_point(value: &[u8]) -> CkResult<EcPublicKey> {
    let sec1 = crate::der::parse_octet_string(value).unwrap_or(value);
    EcPublicKey::from_sec1(sec1).ok_or(CKR_ATTRIBUTE_VALUE_INVALID)
}

/// The P-256 OID as text, which templates written for older corePKCS11 releases pass as
/// `CKA_EC_PARAMS` (`pkcs11ELLIPTIC_CURVE_NISTP256`), with or without its NUL.
pub const LEGACY_P256_PARAMS: &[u8] = b"1.2.840.10045.3.1.7";

/// Checks `CKA_EC_PARAMS` and returns its canonical form (the DER OID): only the named
/// curve P-256 is supported.
pub fn ec_params(value: &[u8]) -> CkResult<&'static [u8]> {
    let legacy = value.strip_suffix(&[0]).unwrap_or(value) == LEGACY_P256_PARAMS;
    if value == crate::der::OID_P256 || legacy {
        Ok(crate::der::OID_P256)
    } else if crate::der::read_tlv(value).is_some_and(|(_, _, rest)| rest.is_empty()) {
        Err(CKR_CURVE_NOT_SUPPORTED)
    } else {
        Err(CKR_ATTRIBUTE_VALUE_INVALID)
    }
}

/// Strips leading zero bytes of a big-endian integer (keeps one byte for zero).
pub fn trim_be(bytes: &[u8]) -> &[u8] {
    let first = bytes
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(bytes.len().saturating_sub(1));
    &bytes[first..]
}

impl KeyMaterial {
    /// Length in bytes of a signature made or checked with this key.
    pub fn signature_len(&self) -> usize {
        match self {
            #[cfg(feature = "ecdsa")]
            KeyMaterial::EcPrivate(_) | KeyMaterial::EcPublic(_) => ECDSA_P256_SIGNATURE_LEN,
            #[cfg(feature = "rsa")]
            KeyMaterial::RsaPrivate(k) => k.size(),
            #[cfg(feature = "rsa")]
            KeyMaterial::RsaPublic(k) => k.size(),
        }
    }

    /// `CKK_*` type of the key.
    pub fn key_type(&self) -> Ulong {
        match self {
            #[cfg(feature = "ecdsa")]
            KeyMaterial::EcPrivate(_) | KeyMaterial::EcPublic(_) => CKK_EC,
            #[cfg(feature = "rsa")]
            KeyMaterial::RsaPrivate(_) | KeyMaterial::RsaPublic(_) => CKK_RSA,
        }
    }

    /// Signs `input` (a hash for ECDSA, an encoded DigestInfo for RSA PKCS #1 v1.5) into `out`,
    /// which holds exactly [`Self::signature_len`] bytes. `rng` hedges the ECDSA nonce;
    /// `accelerators` may take over the RSA exponentiations.
    #[cfg_attr(not(feature = "ecdsa"), allow(unused_variables))]
    #[cfg_attr(not(feature = "rsa"), allow(unused_variables))]
    pub fn sign(
        &self,
        input: &[u8],
        out: &mut [u8],
        rng: &mut crate::drbg::DrbgRng<'_>,
        accelerators: &crate::config::Accelerators,
    ) -> CkResult<()> {
        match self {
            #[cfg(feature = "ecdsa")]
            KeyMaterial::EcPrivate(key) => {
                if input.is_empty() || input.len() > MAX_ECDSA_INPUT_LEN {
                    return Err(CKR_DATA_LEN_RANGE);
                }
                // Hedged RFC 6979 nonce: deterministic in the key and hash, plus fresh DRBG
                // output, so neither a weak RNG nor a fault on repeated input exposes the key.
                // The second half blinds the inversion of the nonce.
                let mut random = Zeroizing::new([0u8; 2 * EC_P256_SCALAR_LEN]);
                rng.fill(&mut random[..]).map_err(|_| CKR_FUNCTION_FAILED)?;
                let (hedge, blind) = random.split_at(EC_P256_SCALAR_LEN);
                let blind = blind.try_into().map_err(|_| CKR_FUNCTION_FAILED)?;
                out.copy_from_slice(&key.sign(input, hedge, blind));
                Ok(())
            }
            #[cfg(feature = "rsa")]
            KeyMaterial::RsaPrivate(key) => key.sign_with(input, out, accelerators.rsa_pow_pair),
            #[allow(unreachable_patterns)]
            _ => Err(CKR_KEY_TYPE_INCONSISTENT),
        }
    }

    /// Verifies `signature` over `input`; `CKR_SIGNATURE_INVALID` when it does not match.
    pub fn verify(&self, input: &[u8], signature: &[u8]) -> CkResult<()> {
        if signature.len() != self.signature_len() {
            return Err(CKR_SIGNATURE_LEN_RANGE);
        }
        match self {
            #[cfg(feature = "ecdsa")]
            KeyMaterial::EcPublic(key) => {
                if input.is_empty() || input.len() > MAX_ECDSA_INPUT_LEN {
                    return Err(CKR_DATA_LEN_RANGE);
                }
                let signature = signature.try_into().map_err(|_| CKR_SIGNATURE_LEN_RANGE)?;
                if key.verify(input, signature) {
                    Ok(())
                } else {
                    Err(CKR_SIGNATURE_INVALID)
                }
            }
            #[cfg(feature = "rsa")]
            KeyMaterial::RsaPublic(key) => key.verify(input, signature),
            #[allow(unreachable_patterns)]
            _ => Err(CKR_KEY_TYPE_INCONSISTENT),
        }
    }
}

impl KeyMaterial {
    /// Verifies a raw RSA signature (`CKM_RSA_X_509`): `signature^e mod n` must equal
    /// `input` read as a big-endian number.
    pub fn verify_raw(&self, input: &[u8], signature: &[u8]) -> CkResult<()> {
        match self {
            #[cfg(feature = "rsa")]
            KeyMaterial::RsaPublic(key) => key.verify_raw(input, signature),
            #[allow(unreachable_patterns)]
            _ => {
                // Only RSA keys verify raw signatures (and without `rsa`, no key does).
                let _ = (input, signature);
                Err(CKR_KEY_TYPE_INCONSISTENT)
            }
        }
    }
}

#[cfg(all(test, feature = "ecdsa"))]
mod tests {
    use super::*;

    #[test]
    fn ec_params_checks() {
        assert!(ec_params(crate::der::OID_P256) == Ok(crate::der::OID_P256));
        // secp384r1
        let p384 = [0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22];
        assert_eq!(ec_params(&p384), Err(CKR_CURVE_NOT_SUPPORTED));
        assert_eq!(
            ec_params(b"1.2.840.10045.3.1.7\0"),
            Ok(crate::der::OID_P256)
        );
        assert_eq!(ec_params(b"1.2.840.10045.3.1.7"), Ok(crate::der::OID_P256));
        assert_eq!(
            ec_params(b"1.2.840.10045.3.1.34"),
            Err(CKR_ATTRIBUTE_VALUE_INVALID)
        );
        assert_eq!(
            ec_params(&[0x06, 0x09, 0x2a]),
            Err(CKR_ATTRIBUTE_VALUE_INVALID)
        );
    }

    #[test]
    fn ec_scalar_bounds() {
        assert_eq!(
            ec_private_from_value(&[]).err(),
            Some(CKR_ATTRIBUTE_VALUE_INVALID)
        );
        assert_eq!(
            ec_private_from_value(&[0; 32]).err(),
            Some(CKR_ATTRIBUTE_VALUE_INVALID)
        );
        assert_eq!(
            ec_private_from_value(&[0xff; 32]).err(),
            Some(CKR_ATTRIBUTE_VALUE_INVALID)
        );
        assert_eq!(
            ec_private_from_value(&[1; 33]).err(),
            Some(CKR_ATTRIBUTE_VALUE_INVALID)
        );
        // A short scalar is left-padded: 1 is the generator's private key.
        let k = ec_private_from_value(&[1]).unwrap();
        let point = ec_point_attribute(k.verifying_key());
        assert_eq!(point.len(), 67);
        assert_eq!(&point[..3], &[0x04, 0x41, 0x04]);
        // x of the P-256 generator.
        assert_eq!(&point[3..7], &[0x6b, 0x17, 0xd1, 0xf2]);
    }

    #[test]
    fn ec_point_forms() {
        let k = ec_private_from_value(&[7]).unwrap();
        let der = ec_point_attribute(k.verifying_key());
        let a = ec_public_from_point(&der).unwrap();
        let b = ec_public_from_point(&der[2..]).unwrap();
        assert_eq!(a, b);
        assert_eq!(
            ec_public_from_point(&der[..66]).err(),
            Some(CKR_ATTRIBUTE_VALUE_INVALID)
        );
    }

    #[test]
    fn trim() {
        assert_eq!(trim_be(&[0, 0, 1, 0]), &[1, 0]);
        assert_eq!(trim_be(&[0, 0]), &[0]);
        assert_eq!(trim_be(&[]), &[] as &[u8]);
    }
}
