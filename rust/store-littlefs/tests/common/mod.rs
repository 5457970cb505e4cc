//! Helpers shared by the integration tests: a shareable device, test entropy, token helpers.

#![allow(dead_code)]

use core_pkcs11_engine::ck::*;
use core_pkcs11_engine::entropy::EntropyError;
use core_pkcs11_engine::store::{ObjectStore, StoreError};
use core_pkcs11_engine::{Attribute, AttributeQuery, Config, EntropySource, Mechanism, Token};
use core_pkcs11_littlefs::{BlockDevice, BlockDeviceError, Geometry, LittlefsStore};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// A device the test keeps a handle to while a store (inside a token) owns a clone.
pub struct Shared<D>(pub Arc<Mutex<D>>);

impl<D> Clone for Shared<D> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<D> Shared<D> {
    pub fn new(device: D) -> Self {
        Shared(Arc::new(Mutex::new(device)))
    }

    /// The device, once every store using it is gone.
    pub fn take(self) -> D {
        Arc::try_unwrap(self.0)
            .unwrap_or_else(|_| panic!("device still in use"))
            .into_inner()
            .unwrap()
    }
}

impl<D: BlockDevice> BlockDevice for Shared<D> {
    fn geometry(&self) -> Geometry {
        self.0.lock().unwrap().geometry()
    }
    fn read(&mut self, block: u32, offset: u32, buf: &mut [u8]) -> Result<(), BlockDeviceError> {
        self.0.lock().unwrap().read(block, offset, buf)
    }
    fn program(&mut self, block: u32, offset: u32, data: &[u8]) -> Result<(), BlockDeviceError> {
        self.0.lock().unwrap().program(block, offset, data)
    }
    fn erase(&mut self, block: u32) -> Result<(), BlockDeviceError> {
        self.0.lock().unwrap().erase(block)
    }
    fn sync(&mut self) -> Result<(), BlockDeviceError> {
        self.0.lock().unwrap().sync()
    }
}

/// Deterministic test entropy (xorshift): runs with the same seed write the same records.
pub struct TestEntropy(pub u64);

impl EntropySource for TestEntropy {
    fn fill(&mut self, out: &mut [u8]) -> Result<(), EntropyError> {
        for b in out {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            *b = self.0 as u8;
        }
        Ok(())
    }
}

pub fn config() -> Config {
    Config {
        max_objects: 256,
        ..Config::default()
    }
}

pub fn open_token(store: impl ObjectStore + 'static) -> Result<Token, Ulong> {
    Token::new(
        config(),
        Box::new(store),
        Box::new(TestEntropy(0x1234_5678_9abc_def1)),
    )
}

/// All records of a store, by id.
pub fn records(store: &mut dyn ObjectStore) -> BTreeMap<u32, Vec<u8>> {
    let mut all = BTreeMap::new();
    store
        .load(&mut |id, bytes| {
            assert!(all.insert(id, bytes.to_vec()).is_none(), "id {id} twice");
        })
        .unwrap();
    all
}

pub fn mount<D: BlockDevice>(device: D) -> LittlefsStore<D> {
    LittlefsStore::mount(device).unwrap()
}

pub fn ul(v: Ulong) -> Vec<u8> {
    v.to_ne_bytes().to_vec()
}

pub const TRUE: &[u8] = &[1];
pub const P256: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
pub const CERT: &[u8] = include_bytes!("../../../engine/tests/data/p256_cert.der");
pub const CERT_V1: &[u8] = include_bytes!("../../../engine/tests/data/p256_leaf_v1.der");

pub fn rw_user_session(t: &mut Token) -> Result<Ulong, Ulong> {
    let s = t.open_session(CKF_SERIAL_SESSION | CKF_RW_SESSION)?;
    t.login(s, CKU_USER, b"0000")?;
    Ok(s)
}

/// A P-256 token key pair; returns (public, private).
pub fn generate_ec(t: &mut Token, s: Ulong, label: &[u8]) -> Result<(Ulong, Ulong), Ulong> {
    let ec = ul(CKK_EC);
    let public = [
        Attribute::new(CKA_KEY_TYPE, &ec),
        Attribute::new(CKA_VERIFY, TRUE),
        Attribute::new(CKA_EC_PARAMS, P256),
        Attribute::new(CKA_LABEL, label),
        Attribute::new(CKA_TOKEN, TRUE),
    ];
    let private = [
        Attribute::new(CKA_KEY_TYPE, &ec),
        Attribute::new(CKA_TOKEN, TRUE),
        Attribute::new(CKA_PRIVATE, TRUE),
        Attribute::new(CKA_SIGN, TRUE),
        Attribute::new(CKA_LABEL, label),
    ];
    t.generate_key_pair(s, &Mechanism::new(CKM_EC_KEY_PAIR_GEN), &public, &private)
}

/// A token X.509 certificate object.
pub fn import_cert(t: &mut Token, s: Ulong, label: &[u8], der: &[u8]) -> Result<Ulong, Ulong> {
    let class = ul(CKO_CERTIFICATE);
    let x509 = ul(CKC_X_509);
    t.create_object(
        s,
        &[
            Attribute::new(CKA_CLASS, &class),
            Attribute::new(CKA_CERTIFICATE_TYPE, &x509),
            Attribute::new(CKA_VALUE, der),
            Attribute::new(CKA_LABEL, label),
            Attribute::new(CKA_TOKEN, TRUE),
        ],
    )
}

/// A token data object of `len` value bytes.
pub fn create_data(t: &mut Token, s: Ulong, label: &[u8], len: usize) -> Result<Ulong, Ulong> {
    let class = ul(CKO_DATA);
    let value = vec![0x5a; len];
    t.create_object(
        s,
        &[
            Attribute::new(CKA_CLASS, &class),
            Attribute::new(CKA_VALUE, &value),
            Attribute::new(CKA_LABEL, label),
            Attribute::new(CKA_TOKEN, TRUE),
        ],
    )
}

pub fn find(t: &mut Token, s: Ulong, template: &[Attribute<'_>]) -> Vec<Ulong> {
    t.find_objects_init(s, template).unwrap();
    let mut all = Vec::new();
    let mut buf = [0 as Ulong; 8];
    loop {
        let n = t.find_objects(s, &mut buf).unwrap();
        if n == 0 {
            break;
        }
        all.extend_from_slice(&buf[..n]);
    }
    t.find_objects_final(s).unwrap();
    all
}

/// Every attribute type the engine knows.
pub const ALL_ATTRIBUTES: &[Ulong] = &[
    CKA_CLASS,
    CKA_TOKEN,
    CKA_PRIVATE,
    CKA_LABEL,
    CKA_APPLICATION,
    CKA_VALUE,
    CKA_OBJECT_ID,
    CKA_CERTIFICATE_TYPE,
    CKA_ISSUER,
    CKA_SERIAL_NUMBER,
    CKA_AC_ISSUER,
    CKA_OWNER,
    CKA_ATTR_TYPES,
    CKA_TRUSTED,
    CKA_CERTIFICATE_CATEGORY,
    CKA_JAVA_MIDP_SECURITY_DOMAIN,
    CKA_URL,
    CKA_HASH_OF_SUBJECT_PUBLIC_KEY,
    CKA_HASH_OF_ISSUER_PUBLIC_KEY,
    CKA_NAME_HASH_ALGORITHM,
    CKA_CHECK_VALUE,
    CKA_KEY_TYPE,
    CKA_SUBJECT,
    CKA_ID,
    CKA_SENSITIVE,
    CKA_ENCRYPT,
    CKA_DECRYPT,
    CKA_WRAP,
    CKA_UNWRAP,
    CKA_SIGN,
    CKA_SIGN_RECOVER,
    CKA_VERIFY,
    CKA_VERIFY_RECOVER,
    CKA_DERIVE,
    CKA_START_DATE,
    CKA_END_DATE,
    CKA_MODULUS,
    CKA_MODULUS_BITS,
    CKA_PUBLIC_EXPONENT,
    CKA_PRIVATE_EXPONENT,
    CKA_PRIME_1,
    CKA_PRIME_2,
    CKA_EXPONENT_1,
    CKA_EXPONENT_2,
    CKA_COEFFICIENT,
    CKA_PUBLIC_KEY_INFO,
    CKA_VALUE_LEN,
    CKA_EXTRACTABLE,
    CKA_LOCAL,
    CKA_NEVER_EXTRACTABLE,
    CKA_ALWAYS_SENSITIVE,
    CKA_KEY_GEN_MECHANISM,
    CKA_MODIFIABLE,
    CKA_COPYABLE,
    CKA_DESTROYABLE,
    CKA_EC_PARAMS,
    CKA_EC_POINT,
    CKA_ALWAYS_AUTHENTICATE,
    CKA_WRAP_WITH_TRUSTED,
    CKA_WRAP_TEMPLATE,
    CKA_UNWRAP_TEMPLATE,
    CKA_DERIVE_TEMPLATE,
    CKA_ALLOWED_MECHANISMS,
];

/// What the token shows of one object: each attribute's value, or the error reading it.
pub type ObjectView = Vec<(Ulong, Result<Vec<u8>, Ulong>)>;

pub fn object_view(t: &Token, s: Ulong, o: Ulong) -> ObjectView {
    ALL_ATTRIBUTES
        .iter()
        .map(|&kind| {
            let mut q = [AttributeQuery::new(kind, None)];
            let value = match t.get_attribute_values(s, o, &mut q) {
                Err(rv) => Err(rv),
                Ok(()) => {
                    let mut buf = vec![0u8; q[0].len as usize];
                    let mut q = [AttributeQuery::new(kind, Some(&mut buf))];
                    t.get_attribute_values(s, o, &mut q).map(|()| buf)
                }
            };
            (kind, value)
        })
        .collect()
}

/// Every object the logged-in user sees, each as its attribute view, sorted.
pub fn token_view(t: &mut Token, s: Ulong) -> Vec<ObjectView> {
    let mut all: Vec<ObjectView> = find(t, s, &[])
        .into_iter()
        .map(|o| object_view(t, s, o))
        .collect();
    all.sort();
    all
}

/// A store's records, by id.
pub type Records = BTreeMap<u32, Vec<u8>>;

/// The states a [`Recording`] went through, shared with the test.
pub type Log = Arc<Mutex<Vec<Records>>>;

/// Records only after successful store operations, for power-loss tests: the state after
/// each successful save or remove.
pub struct Recording<S> {
    pub inner: S,
    pub log: Log,
}

impl<S: ObjectStore> Recording<S> {
    pub fn new(inner: S) -> (Self, Log) {
        let log = Arc::new(Mutex::new(vec![BTreeMap::new()]));
        (
            Recording {
                inner,
                log: log.clone(),
            },
            log,
        )
    }

    fn push(&self, change: impl FnOnce(&mut Records)) {
        let mut log = self.log.lock().unwrap();
        let mut next = log.last().unwrap().clone();
        change(&mut next);
        log.push(next);
    }
}

impl<S: ObjectStore> ObjectStore for Recording<S> {
    fn load(&mut self, visit: &mut dyn FnMut(u32, &[u8])) -> Result<(), StoreError> {
        self.inner.load(visit)
    }
    fn save(&mut self, id: u32, record: &[u8]) -> Result<(), StoreError> {
        self.inner.save(id, record)?;
        self.push(|m| {
            m.insert(id, record.to_vec());
        });
        Ok(())
    }
    fn remove(&mut self, id: u32) -> Result<(), StoreError> {
        self.inner.remove(id)?;
        self.push(|m| {
            m.remove(&id);
        });
        Ok(())
    }
}
