//! The choice of object store the token is opened with at `C_Initialize`.
//!
//! - Built with feature `pal`: the application's corePKCS11 PAL port.
//! - Devices (`target_os = "none"`): littlefs on the block device the application set with
//!   `xCorePkcs11SetBlockDevice`; without one, RAM only (and a warning in the log).
//! - Hosts: littlefs on an image file (see [`crate::host_store`]).

use alloc::boxed::Box;
use core_pkcs11_engine::{CkResult, ObjectStore};

/// Opens the store for `C_Initialize`; `CKR_DEVICE_ERROR` when the configured storage cannot
/// be used (never a silent fallback that would lose what the application stores).
pub(crate) fn open() -> CkResult<Box<dyn ObjectStore>> {
    #[cfg(feature = "pal")]
    {
        let known = crate::config::object_labels()
            .into_iter()
            .map(<[u8]>::to_vec)
            .collect();
        Ok(Box::new(crate::pal_store::PalStore::new(
            crate::c_pal::CPal,
            known,
        )))
    }
    #[cfg(all(not(feature = "pal"), target_os = "none"))]
    {
        device_store()
    }
    #[cfg(all(not(feature = "pal"), not(target_os = "none")))]
    {
        crate::host_store::open()
    }
}

/// littlefs on the application's block device.
#[cfg(all(not(feature = "pal"), target_os = "none"))]
fn device_store() -> CkResult<Box<dyn ObjectStore>> {
    use crate::log::{log_pieces, Level};
    use core_pkcs11_engine::ck::CKR_DEVICE_ERROR;
    match crate::block_device::configured_device() {
        None => {
            log_pieces(
                Level::Warn,
                &[b"no block device set: token objects last until C_Finalize"],
            );
            Ok(Box::new(core_pkcs11_engine::MemoryStore::new()))
        }
        Some(device) => match core_pkcs11_littlefs::LittlefsStore::mount(device) {
            Ok(store) => Ok(Box::new(store)),
            Err(failure) => {
                let [what, detail] = failure.error.message();
                log_pieces(
                    Level::Error,
                    &[
                        b"cannot mount the object store: ",
                        what.as_bytes(),
                        detail.as_bytes(),
                    ],
                );
                Err(CKR_DEVICE_ERROR)
            }
        },
    }
}
