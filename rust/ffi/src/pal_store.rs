//! The vendor PAL store: the token's records kept through the C functions of
//! `core_pkcs11_pal.h`, so that a storage port written for the C corePKCS11 keeps working.
//!
//! A PAL is keyed by label, so each token object is saved under its `CKA_LABEL` (the record
//! bytes are the value). The PAL has no way to list what it holds; at start-up the store
//! looks for the ten corePKCS11 labels of the configuration and, if the PAL accepts other
//! labels, for the ones listed in an index record it keeps under [`INDEX_LABEL`]. The token's
//! own state (PINs, label, counters) is kept under [`STATE_LABEL`].
//!
//! Documented limits (those of the PAL interface):
//! - one token object per label: a new token object replaces the one with the same label
//!   (the token reports this through [`ObjectStore::replaces_same_label`]);
//! - a PAL that accepts only the corePKCS11 labels stores only objects with those labels
//!   (others fail with `CKR_DEVICE_ERROR`) and cannot keep the token state: PINs and the
//!   token label then last until `C_Finalize`, and the default PIN applies after a restart;
//! - destroying needs a PAL whose `PKCS11_PAL_DestroyObject` works.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core_pkcs11_engine::ck::{Ulong, CKA_LABEL, CKR_OK};
use core_pkcs11_engine::record::{self, RecordKind};
use core_pkcs11_engine::store::{ObjectStore, StoreError, TOKEN_STATE_ID};
use core_pkcs11_engine::template::ValueKind;
use zeroize::Zeroizing;

/// PAL label of the token's state record.
pub const STATE_LABEL: &[u8] = b"core-pkcs11 token";
/// PAL label of the index of object labels.
pub const INDEX_LABEL: &[u8] = b"core-pkcs11 index";

/// The operations of a corePKCS11 PAL port, in Rust terms.
pub trait Pal: Send {
    /// `PKCS11_PAL_Initialize`.
    fn initialize(&mut self) -> Ulong;
    /// `PKCS11_PAL_SaveObject`: the handle, 0 on failure.
    fn save(&mut self, label: &[u8], data: &[u8]) -> Ulong;
    /// `PKCS11_PAL_DestroyObject`.
    fn destroy(&mut self, handle: Ulong) -> Ulong;
    /// `PKCS11_PAL_FindObject`: the handle, 0 if absent.
    fn find(&mut self, label: &[u8]) -> Ulong;
    /// `PKCS11_PAL_GetObjectValue` then `PKCS11_PAL_GetObjectValueCleanup`: a copy of the value.
    fn read(&mut self, handle: Ulong) -> Option<Zeroizing<Vec<u8>>>;
}

/// An [`ObjectStore`] on a PAL.
pub struct PalStore<P: Pal> {
    pal: P,
    /// PAL label of each record id the token uses.
    labels: BTreeMap<u32, Vec<u8>>,
    /// The configuration's corePKCS11 labels, always looked for.
    known: Vec<Vec<u8>>,
    /// False once the PAL refused the state record: the state then lives in memory only.
    state_persistent: bool,
}

/// The label of an object record (its `CKA_LABEL`).
fn record_label(bytes: &[u8]) -> Option<Vec<u8>> {
    let attributes = record::decode_object(bytes).ok()?;
    attributes
        .into_iter()
        .find(|(kind, _)| *kind == CKA_LABEL)
        .map(|(_, v)| v.to_vec())
        .filter(|l| !l.is_empty())
}

fn encode_index(labels: &[&[u8]]) -> Zeroizing<Vec<u8>> {
    let entries: Vec<(u32, ValueKind, &[u8])> = labels
        .iter()
        .enumerate()
        .map(|(i, l)| (i as u32, ValueKind::Bytes, *l))
        .collect();
    record::encode(RecordKind::Index, &entries)
}

fn decode_index(bytes: &[u8]) -> Vec<Vec<u8>> {
    match record::decode(bytes) {
        Ok((RecordKind::Index, entries)) => entries.into_iter().map(|(_, v)| v.to_vec()).collect(),
        _ => Vec::new(),
    }
}

impl<P: Pal> PalStore<P> {
    /// A store on `pal`, which also looks for the corePKCS11 labels `known` at start-up.
    pub fn new(pal: P, known: Vec<Vec<u8>>) -> Self {
        PalStore {
            pal,
            labels: BTreeMap::new(),
            known,
            state_persistent: true,
        }
    }

    fn read_label(&mut self, label: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        match self.pal.find(label) {
            0 => None,
            handle => self.pal.read(handle),
        }
    }

    /// Rewrites the index with every object label that is not a corePKCS11 label.
    fn write_index(&mut self) -> Result<(), StoreError> {
        let extra: Vec<&[u8]> = self
            .labels
            .values()
            .filter(|l| !self.known.iter().any(|k| k == *l))
            .map(Vec::as_slice)
            .collect();
        if extra.is_empty() && self.pal.find(INDEX_LABEL) == 0 {
            return Ok(());
        }
        let bytes = encode_index(&extra);
        match self.pal.save(INDEX_LABEL, &bytes) {
            0 => Err(StoreError::Io),
            _ => Ok(()),
        }
    }
}

impl<P: Pal> ObjectStore for PalStore<P> {
    fn load(&mut self, visit: &mut dyn FnMut(u32, &[u8])) -> Result<(), StoreError> {
        if self.pal.initialize() != CKR_OK {
            return Err(StoreError::Io);
        }
        if let Some(state) = self.read_label(STATE_LABEL) {
            visit(TOKEN_STATE_ID, &state);
        }
        let mut candidates: Vec<Vec<u8>> = self.known.clone();
        if let Some(index) = self.read_label(INDEX_LABEL) {
            for label in decode_index(&index) {
                if !candidates.contains(&label) {
                    candidates.push(label);
                }
            }
        }
        let mut next_id = 1u32;
        for label in candidates {
            if let Some(bytes) = self.read_label(&label) {
                visit(next_id, &bytes);
                self.labels.insert(next_id, label);
                next_id += 1;
            }
        }
        Ok(())
    }

    fn save(&mut self, id: u32, bytes: &[u8]) -> Result<(), StoreError> {
        if id == TOKEN_STATE_ID {
            if self.state_persistent && self.pal.save(STATE_LABEL, bytes) == 0 {
                // A PAL that stores only the corePKCS11 labels: keep the state in memory.
                crate::log::log_pieces(
                    crate::log::Level::Warn,
                    &[b"the PAL does not store the token state: PINs and label last until C_Finalize"],
                );
                self.state_persistent = false;
            }
            return Ok(());
        }
        let label = record_label(bytes).ok_or(StoreError::Io)?;
        if self.pal.save(&label, bytes) == 0 {
            return Err(StoreError::Io);
        }
        let new_label = !self.labels.values().any(|l| *l == label);
        self.labels.retain(|_, l| *l != label);
        self.labels.insert(id, label.clone());
        if new_label && !self.known.contains(&label) && self.write_index().is_err() {
            // Not findable after a restart: undo rather than lose it silently.
            self.labels.remove(&id);
            let handle = self.pal.find(&label);
            if handle != 0 {
                self.pal.destroy(handle);
            }
            crate::log::log_pieces(
                crate::log::Level::Error,
                &[b"the PAL stores only the corePKCS11 labels: cannot keep this object"],
            );
            return Err(StoreError::Io);
        }
        Ok(())
    }

    fn remove(&mut self, id: u32) -> Result<(), StoreError> {
        let Some(label) = self.labels.get(&id).cloned() else {
            return Ok(());
        };
        let handle = self.pal.find(&label);
        if handle != 0 && self.pal.destroy(handle) != CKR_OK {
            return Err(StoreError::Io);
        }
        self.labels.remove(&id);
        if !self.known.contains(&label) {
            self.write_index()?;
        }
        Ok(())
    }

    fn replaces_same_label(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::boxed::Box;
    use core_pkcs11_engine::ck::*;
    use core_pkcs11_engine::entropy::EntropyError;
    use core_pkcs11_engine::{Attribute, AttributeQuery, Config, EntropySource, Mechanism, Token};
    use std::sync::{Arc, Mutex};

    /// A PAL in memory. `only_known` makes it behave like ports that store just the
    /// corePKCS11 labels; `destroy_supported` like ports without destroy.
    #[derive(Clone, Default)]
    struct FakePal {
        objects: Arc<Mutex<BTreeMap<Vec<u8>, Vec<u8>>>>,
        only_known: bool,
        no_destroy: bool,
    }

    impl FakePal {
        fn handle_of(&self, label: &[u8]) -> Ulong {
            let objects = self.objects.lock().unwrap();
            objects
                .keys()
                .position(|k| k == label)
                .map_or(0, |i| i as Ulong + 1)
        }
    }

    impl Pal for FakePal {
        fn initialize(&mut self) -> Ulong {
            CKR_OK
        }
        fn save(&mut self, label: &[u8], data: &[u8]) -> Ulong {
            if self.only_known && !crate::config::object_labels().contains(&label) {
                return 0;
            }
            self.objects
                .lock()
                .unwrap()
                .insert(label.to_vec(), data.to_vec());
            self.handle_of(label)
        }
        fn destroy(&mut self, handle: Ulong) -> Ulong {
            if self.no_destroy {
                return CKR_FUNCTION_NOT_SUPPORTED;
            }
            let mut objects = self.objects.lock().unwrap();
            let key = objects.keys().nth(handle as usize - 1).cloned();
            match key {
                Some(k) => {
                    objects.remove(&k);
                    CKR_OK
                }
                None => CKR_OBJECT_HANDLE_INVALID,
            }
        }
        fn find(&mut self, label: &[u8]) -> Ulong {
            self.handle_of(label)
        }
        fn read(&mut self, handle: Ulong) -> Option<Zeroizing<Vec<u8>>> {
            let objects = self.objects.lock().unwrap();
            objects
                .values()
                .nth(handle as usize - 1)
                .map(|v| Zeroizing::new(v.clone()))
        }
    }

    struct Entropy(u8);
    impl EntropySource for Entropy {
        fn fill(&mut self, out: &mut [u8]) -> Result<(), EntropyError> {
            for b in out {
                self.0 = self.0.wrapping_mul(13).wrapping_add(7);
                *b = self.0;
            }
            Ok(())
        }
    }

    fn open(pal: &FakePal) -> Token {
        let known = crate::config::object_labels()
            .into_iter()
            .map(<[u8]>::to_vec)
            .collect();
        let store = PalStore::new(pal.clone(), known);
        let config = Config {
            max_objects: 16,
            ..Config::default()
        };
        Token::new(config, Box::new(store), Box::new(Entropy(1))).unwrap()
    }

    fn ul(v: Ulong) -> Vec<u8> {
        v.to_ne_bytes().to_vec()
    }

    fn login(t: &mut Token) -> Ulong {
        let s = t.open_session(CKF_SERIAL_SESSION | CKF_RW_SESSION).unwrap();
        t.login(s, CKU_USER, b"0000").unwrap();
        s
    }

    fn data_object(t: &mut Token, s: Ulong, label: &[u8], value: &[u8]) -> CkResultAlias {
        let class = ul(CKO_DATA);
        t.create_object(
            s,
            &[
                Attribute::new(CKA_CLASS, &class),
                Attribute::new(CKA_TOKEN, &[1]),
                Attribute::new(CKA_LABEL, label),
                Attribute::new(CKA_VALUE, value),
            ],
        )
    }
    type CkResultAlias = core_pkcs11_engine::CkResult<Ulong>;

    fn find_label(t: &mut Token, s: Ulong, label: &[u8]) -> Vec<Ulong> {
        t.find_objects_init(s, &[Attribute::new(CKA_LABEL, label)])
            .unwrap();
        let mut out = [0; 8];
        let n = t.find_objects(s, &mut out).unwrap();
        t.find_objects_final(s).unwrap();
        out[..n].to_vec()
    }

    fn value(t: &Token, s: Ulong, h: Ulong) -> Vec<u8> {
        let mut buf = [0u8; 64];
        let mut q = [AttributeQuery::new(CKA_VALUE, Some(&mut buf))];
        t.get_attribute_values(s, h, &mut q).unwrap();
        let n = q[0].len as usize;
        buf[..n].to_vec()
    }

    #[test]
    fn objects_and_state_survive_a_restart() {
        let pal = FakePal::default();
        {
            let mut t = open(&pal);
            let s = login(&mut t);
            data_object(&mut t, s, b"Device Cert", b"cert-1").unwrap();
            data_object(&mut t, s, b"my own label", b"mine").unwrap();
            t.set_pin(s, b"0000", b"123456").unwrap();
        }
        let mut t = open(&pal);
        assert_eq!(t.damaged_records(), 0);
        let s = t.open_session(CKF_SERIAL_SESSION | CKF_RW_SESSION).unwrap();
        assert_eq!(t.login(s, CKU_USER, b"0000"), Err(CKR_PIN_INCORRECT));
        t.login(s, CKU_USER, b"123456").unwrap();
        let h = find_label(&mut t, s, b"Device Cert");
        assert_eq!(value(&t, s, h[0]), b"cert-1");
        let h = find_label(&mut t, s, b"my own label");
        assert_eq!(value(&t, s, h[0]), b"mine");
    }

    #[test]
    fn same_label_replaces_as_in_corepkcs11() {
        let pal = FakePal::default();
        let mut t = open(&pal);
        let s = login(&mut t);
        let first = data_object(&mut t, s, b"Device Cert", b"old").unwrap();
        let second = data_object(&mut t, s, b"Device Cert", b"new").unwrap();
        assert_eq!(find_label(&mut t, s, b"Device Cert"), [second]);
        assert_eq!(t.destroy_object(s, first), Err(CKR_OBJECT_HANDLE_INVALID));
        drop(t);
        let mut t = open(&pal);
        let s = login(&mut t);
        let h = find_label(&mut t, s, b"Device Cert");
        assert_eq!(h.len(), 1);
        assert_eq!(value(&t, s, h[0]), b"new");
        // Destroy removes it from the PAL.
        t.destroy_object(s, h[0]).unwrap();
        drop(t);
        let mut t = open(&pal);
        let s = login(&mut t);
        assert!(find_label(&mut t, s, b"Device Cert").is_empty());
    }

    #[test]
    fn label_keyed_rules() {
        let pal = FakePal::default();
        let mut t = open(&pal);
        let s = login(&mut t);
        // A token object needs a label.
        let class = ul(CKO_DATA);
        let unlabeled = [
            Attribute::new(CKA_CLASS, &class),
            Attribute::new(CKA_TOKEN, &[1]),
        ];
        assert_eq!(t.create_object(s, &unlabeled), Err(CKR_TEMPLATE_INCOMPLETE));
        // A key pair cannot share one label.
        let ec = ul(CKK_EC);
        let p256 = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
        let public = [
            Attribute::new(CKA_EC_PARAMS, &p256),
            Attribute::new(CKA_TOKEN, &[1]),
            Attribute::new(CKA_LABEL, b"k"),
        ];
        let private = [
            Attribute::new(CKA_KEY_TYPE, &ec),
            Attribute::new(CKA_TOKEN, &[1]),
            Attribute::new(CKA_LABEL, b"k"),
        ];
        let mech = Mechanism::new(CKM_EC_KEY_PAIR_GEN);
        assert_eq!(
            t.generate_key_pair(s, &mech, &public, &private),
            Err(CKR_TEMPLATE_INCONSISTENT)
        );
        // With the reference's labels it works and survives a restart.
        let public = [
            Attribute::new(CKA_EC_PARAMS, &p256),
            Attribute::new(CKA_TOKEN, &[1]),
            Attribute::new(CKA_LABEL, b"Device Pub TLS Key"),
        ];
        let private = [
            Attribute::new(CKA_KEY_TYPE, &ec),
            Attribute::new(CKA_TOKEN, &[1]),
            Attribute::new(CKA_LABEL, b"Device Priv TLS Key"),
        ];
        t.generate_key_pair(s, &mech, &public, &private).unwrap();
        drop(t);
        let mut t = open(&pal);
        let s = login(&mut t);
        assert_eq!(find_label(&mut t, s, b"Device Priv TLS Key").len(), 1);
        assert_eq!(find_label(&mut t, s, b"Device Pub TLS Key").len(), 1);
    }

    #[test]
    fn pal_with_only_corepkcs11_labels() {
        let pal = FakePal {
            only_known: true,
            ..FakePal::default()
        };
        {
            let mut t = open(&pal);
            let s = login(&mut t);
            data_object(&mut t, s, b"Root Cert", b"root").unwrap();
            assert_eq!(
                data_object(&mut t, s, b"other", b"x"),
                Err(CKR_DEVICE_ERROR)
            );
            // The state cannot be stored: a PIN change lasts only for this session of use.
            t.set_pin(s, b"0000", b"999999").unwrap();
        }
        let mut t = open(&pal);
        let s = login(&mut t); // default PIN again
        let h = find_label(&mut t, s, b"Root Cert");
        assert_eq!(value(&t, s, h[0]), b"root");
        assert!(find_label(&mut t, s, b"other").is_empty());
    }

    #[test]
    fn pal_without_destroy() {
        let pal = FakePal {
            no_destroy: true,
            ..FakePal::default()
        };
        let mut t = open(&pal);
        let s = login(&mut t);
        let h = data_object(&mut t, s, b"Device Cert", b"c").unwrap();
        assert_eq!(t.destroy_object(s, h), Err(CKR_DEVICE_ERROR));
        assert_eq!(find_label(&mut t, s, b"Device Cert"), [h]);
    }

    #[test]
    fn foreign_data_is_skipped() {
        let pal = FakePal::default();
        pal.objects
            .lock()
            .unwrap()
            .insert(b"Device Cert".to_vec(), b"DER from the C library".to_vec());
        let t = open(&pal);
        assert_eq!(t.damaged_records(), 1);
    }
}
