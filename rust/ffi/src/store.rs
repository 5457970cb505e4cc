//! The choice of object store the token is opened with.

use alloc::boxed::Box;
use core_pkcs11_engine::ObjectStore;

/// The store `C_Initialize` opens the token with: the application's corePKCS11 PAL port when
/// built with feature `pal`; otherwise an in-memory store (token objects last until
/// `C_Finalize`) until the persistent stores are configured.
pub(crate) fn open() -> Box<dyn ObjectStore> {
    #[cfg(feature = "pal")]
    {
        let known = crate::config::object_labels()
            .into_iter()
            .map(<[u8]>::to_vec)
            .collect();
        Box::new(crate::pal_store::PalStore::new(crate::c_pal::CPal, known))
    }
    #[cfg(not(feature = "pal"))]
    {
        Box::new(core_pkcs11_engine::MemoryStore::new())
    }
}
