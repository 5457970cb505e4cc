//! Persistent storage of the token's state and token objects.
//!
//! The token writes each token object, and its own state, as one record (see
//! [`crate::record`]) under a stable numeric id. A backend stores records; it never
//! interprets them. Backends (littlefs, a host image file, a vendor PAL) live outside the
//! engine and implement [`ObjectStore`].

use crate::vec_map::VecMap;
use alloc::vec::Vec;
use zeroize::Zeroizing;

/// Record id of the token's own state (label, PINs, counters).
pub const TOKEN_STATE_ID: u32 = 0;

/// A storage backend failed; the token reports `CKR_DEVICE_ERROR` (or `CKR_DEVICE_MEMORY`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreError {
    /// The medium is full.
    Full,
    /// Any other failure of the medium.
    Io,
}

/// Where the token keeps its records. Every write is atomic: after a power cut the record
/// is either entirely its old or entirely its new version.
pub trait ObjectStore: Send {
    /// Calls `visit(id, bytes)` for every stored record. Called once when the token opens.
    fn load(&mut self, visit: &mut dyn FnMut(u32, &[u8])) -> Result<(), StoreError>;
    /// Creates or atomically replaces record `id`.
    fn save(&mut self, id: u32, record: &[u8]) -> Result<(), StoreError>;
    /// Removes record `id` (absent is not an error).
    fn remove(&mut self, id: u32) -> Result<(), StoreError>;

    /// True when the store keys records by the object's label (a vendor PAL port): saving a
    /// token object overwrites the stored object with the same `CKA_LABEL`, so the token
    /// treats the new object as replacing the old one, as corePKCS11 does.
    fn replaces_same_label(&self) -> bool {
        false
    }
}

/// A store that keeps records in memory only: token objects last until `C_Finalize`.
#[derive(Default)]
pub struct MemoryStore {
    records: VecMap<u32, Zeroizing<Vec<u8>>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of records held (token state included).
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// True when no record is held.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}

impl ObjectStore for MemoryStore {
    fn load(&mut self, visit: &mut dyn FnMut(u32, &[u8])) -> Result<(), StoreError> {
        for (id, bytes) in self.records.iter() {
            visit(*id, bytes);
        }
        Ok(())
    }

    fn save(&mut self, id: u32, record: &[u8]) -> Result<(), StoreError> {
        self.records.insert(id, Zeroizing::new(record.to_vec()));
        Ok(())
    }

    fn remove(&mut self, id: u32) -> Result<(), StoreError> {
        self.records.remove(&id);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_store_round_trip() {
        let mut s = MemoryStore::new();
        s.save(3, b"abc").unwrap();
        s.save(3, b"xyz").unwrap();
        s.save(1, b"one").unwrap();
        let mut seen = Vec::new();
        s.load(&mut |id, b| seen.push((id, b.to_vec()))).unwrap();
        assert_eq!(seen, [(1, b"one".to_vec()), (3, b"xyz".to_vec())]);
        s.remove(3).unwrap();
        s.remove(42).unwrap();
        assert_eq!(s.len(), 1);
    }
}
