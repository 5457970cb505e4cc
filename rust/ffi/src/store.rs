//! The choice of object store the token is opened with.

use alloc::boxed::Box;
use core_pkcs11_engine::{MemoryStore, ObjectStore};

/// The store `C_Initialize` opens the token with. For now an in-memory store (token objects
/// last until `C_Finalize`); the persistent stores (host image file, littlefs, vendor PAL)
/// plug in here.
pub(crate) fn open() -> Box<dyn ObjectStore> {
    Box::new(MemoryStore::new())
}
