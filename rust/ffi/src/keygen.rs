//! Key pair generation: `C_GenerateKeyPair`.

use crate::args;
use crate::guard;
use crate::types::*;

/// `C_GenerateKeyPair`.
///
/// # Safety
/// `pMechanism` is NULL or a readable `CK_MECHANISM`; each template is NULL or readable for
/// its count of attributes with readable values; `phPublicKey`/`phPrivateKey` are NULL or
/// writable for a handle.
#[no_mangle]
pub unsafe extern "C" fn C_GenerateKeyPair(
    hSession: CK_SESSION_HANDLE,
    pMechanism: *mut CK_MECHANISM,
    pPublicKeyTemplate: *mut CK_ATTRIBUTE,
    ulPublicKeyAttributeCount: CK_ULONG,
    pPrivateKeyTemplate: *mut CK_ATTRIBUTE,
    ulPrivateKeyAttributeCount: CK_ULONG,
    phPublicKey: *mut CK_OBJECT_HANDLE,
    phPrivateKey: *mut CK_OBJECT_HANDLE,
) -> CK_RV {
    guard::with_token(move |token| {
        args::non_null(phPublicKey)?;
        args::non_null(phPrivateKey)?;
        // SAFETY: forwarded from the caller.
        let mechanism = unsafe { args::mechanism(pMechanism)? };
        // SAFETY: forwarded from the caller.
        let public = unsafe { args::template(pPublicKeyTemplate, ulPublicKeyAttributeCount)? };
        // SAFETY: forwarded from the caller.
        let private = unsafe { args::template(pPrivateKeyTemplate, ulPrivateKeyAttributeCount)? };
        let (public_handle, private_handle) =
            token.generate_key_pair(hSession, &mechanism, &public, &private)?;
        drop((mechanism, public, private));
        // SAFETY: non-NULL and writable (caller); no slice of caller memory is live.
        unsafe { args::write(phPublicKey, public_handle)? };
        // SAFETY: as above.
        unsafe { args::write(phPrivateKey, private_handle) }
    })
}
