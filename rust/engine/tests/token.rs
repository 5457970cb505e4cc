//! Behaviour of the token engine through its Rust API: sessions, login, objects, mechanisms.

use core_pkcs11_engine::ck::*;
use core_pkcs11_engine::entropy::EntropyError;
use core_pkcs11_engine::store::StoreError;
use core_pkcs11_engine::{
    Attribute, AttributeQuery, Config, EntropySource, Mechanism, MemoryStore, ObjectStore, Output,
    Token,
};
use std::sync::{Arc, Mutex};

/// Deterministic test entropy (xorshift); the tests only need distinct, repeatable bytes.
struct TestEntropy(u64);

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

/// A store the test keeps a handle to, so a second token can reopen it.
#[derive(Clone, Default)]
struct SharedStore(Arc<Mutex<MemoryStore>>);

impl ObjectStore for SharedStore {
    fn load(&mut self, visit: &mut dyn FnMut(u32, &[u8])) -> Result<(), StoreError> {
        self.0.lock().unwrap().load(visit)
    }
    fn save(&mut self, id: u32, record: &[u8]) -> Result<(), StoreError> {
        self.0.lock().unwrap().save(id, record)
    }
    fn remove(&mut self, id: u32) -> Result<(), StoreError> {
        self.0.lock().unwrap().remove(id)
    }
}

fn config() -> Config {
    Config {
        max_objects: 32,
        ..Config::default()
    }
}

fn token_with(store: SharedStore) -> Token {
    Token::new(
        config(),
        Box::new(store),
        Box::new(TestEntropy(0x1234_5678_9abc_def1)),
    )
    .unwrap()
}

fn token() -> Token {
    token_with(SharedStore::default())
}

fn ul(v: Ulong) -> Vec<u8> {
    v.to_ne_bytes().to_vec()
}

const TRUE: &[u8] = &[1];
const FALSE: &[u8] = &[0];
const P256: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];

fn rw_user_session(t: &mut Token) -> Ulong {
    let s = t.open_session(CKF_SERIAL_SESSION | CKF_RW_SESSION).unwrap();
    t.login(s, CKU_USER, b"0000").unwrap();
    s
}

/// Generates a P-256 pair with the reference's minimal templates and `token` persistence.
fn generate_ec(t: &mut Token, s: Ulong, label: &[u8], token_object: bool) -> (Ulong, Ulong) {
    let ec = ul(CKK_EC);
    let tok = if token_object { TRUE } else { FALSE };
    let public = [
        Attribute::new(CKA_KEY_TYPE, &ec),
        Attribute::new(CKA_VERIFY, TRUE),
        Attribute::new(CKA_EC_PARAMS, P256),
        Attribute::new(CKA_LABEL, label),
        Attribute::new(CKA_TOKEN, tok),
    ];
    let private = [
        Attribute::new(CKA_KEY_TYPE, &ec),
        Attribute::new(CKA_TOKEN, tok),
        Attribute::new(CKA_PRIVATE, TRUE),
        Attribute::new(CKA_SIGN, TRUE),
        Attribute::new(CKA_LABEL, label),
    ];
    t.generate_key_pair(s, &Mechanism::new(CKM_EC_KEY_PAIR_GEN), &public, &private)
        .unwrap()
}

fn read(t: &Token, s: Ulong, o: Ulong, kind: Ulong) -> Result<Vec<u8>, Ulong> {
    let mut q = [AttributeQuery::new(kind, None)];
    t.get_attribute_values(s, o, &mut q)?;
    let mut buf = vec![0u8; q[0].len as usize];
    let mut q = [AttributeQuery::new(kind, Some(&mut buf))];
    t.get_attribute_values(s, o, &mut q)?;
    Ok(buf)
}

fn find(t: &mut Token, s: Ulong, template: &[Attribute<'_>]) -> Vec<Ulong> {
    t.find_objects_init(s, template).unwrap();
    let mut all = Vec::new();
    let mut buf = [0 as Ulong; 2];
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

fn sign(t: &mut Token, s: Ulong, mech: Ulong, key: Ulong, data: &[u8]) -> Vec<u8> {
    t.sign_init(s, &Mechanism::new(mech), key).unwrap();
    let n = match t.sign(s, data, None).unwrap() {
        Output::Needed(n) => n,
        other => panic!("length query gave {other:?}"),
    };
    let mut sig = vec![0u8; n];
    assert_eq!(t.sign(s, data, Some(&mut sig)).unwrap(), Output::Written(n));
    sig
}

fn verify(
    t: &mut Token,
    s: Ulong,
    mech: Ulong,
    key: Ulong,
    data: &[u8],
    sig: &[u8],
) -> Result<(), Ulong> {
    t.verify_init(s, &Mechanism::new(mech), key).unwrap();
    t.verify(s, data, sig)
}

#[test]
fn fresh_token_reports_default_pin_and_flags() {
    let t = token();
    let info = t.token_info();
    let want = CKF_RNG | CKF_LOGIN_REQUIRED | CKF_USER_PIN_INITIALIZED | CKF_USER_PIN_TO_BE_CHANGED;
    assert_eq!(info.flags, want);
    assert!(info.serial_number.iter().all(u8::is_ascii_hexdigit));
    assert_eq!(&info.manufacturer_id[..11], b"core-pkcs11");
    assert_eq!(info.max_session_count, 10);
    assert_eq!(info.session_count, 0);
    assert_eq!((info.min_pin_len, info.max_pin_len), (4, 32));
}

#[test]
fn sessions_need_serial_flag_and_respect_limit() {
    let mut t = token();
    assert_eq!(t.open_session(0), Err(CKR_SESSION_PARALLEL_NOT_SUPPORTED));
    let mut handles = Vec::new();
    for _ in 0..10 {
        handles.push(t.open_session(CKF_SERIAL_SESSION).unwrap());
    }
    assert_eq!(t.open_session(CKF_SERIAL_SESSION), Err(CKR_SESSION_COUNT));
    assert_eq!(t.token_info().session_count, 10);
    t.close_session(handles[0]).unwrap();
    assert_eq!(t.close_session(handles[0]), Err(CKR_SESSION_HANDLE_INVALID));
    assert_eq!(t.session_info(handles[0]), Err(CKR_SESSION_HANDLE_INVALID));
    t.close_all_sessions();
    assert_eq!(t.token_info().session_count, 0);
}

#[test]
fn login_states_and_errors() {
    let mut t = token();
    let ro = t.open_session(CKF_SERIAL_SESSION).unwrap();
    let rw = t.open_session(CKF_SERIAL_SESSION | CKF_RW_SESSION).unwrap();
    assert_eq!(t.session_info(ro).unwrap().state, CKS_RO_PUBLIC_SESSION);
    assert_eq!(t.session_info(rw).unwrap().state, CKS_RW_PUBLIC_SESSION);
    assert_eq!(t.login(rw, 7, b"0000"), Err(CKR_USER_TYPE_INVALID));
    assert_eq!(t.logout(rw), Err(CKR_USER_NOT_LOGGED_IN));
    assert_eq!(t.login(rw, CKU_USER, b"9999"), Err(CKR_PIN_INCORRECT));
    assert_ne!(t.token_info().flags & CKF_USER_PIN_COUNT_LOW, 0);
    t.login(rw, CKU_USER, b"0000").unwrap();
    assert_eq!(t.token_info().flags & CKF_USER_PIN_COUNT_LOW, 0);
    assert_eq!(t.session_info(ro).unwrap().state, CKS_RO_USER_FUNCTIONS);
    assert_eq!(t.session_info(rw).unwrap().state, CKS_RW_USER_FUNCTIONS);
    assert_eq!(
        t.login(ro, CKU_USER, b"0000"),
        Err(CKR_USER_ALREADY_LOGGED_IN)
    );
    assert_eq!(
        t.login(ro, CKU_SO, b"0000"),
        Err(CKR_USER_ANOTHER_ALREADY_LOGGED_IN)
    );
    t.logout(ro).unwrap();
    assert_eq!(t.session_info(rw).unwrap().state, CKS_RW_PUBLIC_SESSION);
    // The SO may not log in while a read-only session is open.
    assert_eq!(
        t.login(rw, CKU_SO, b"0000"),
        Err(CKR_SESSION_READ_ONLY_EXISTS)
    );
    // Closing the last session logs out.
    t.close_session(ro).unwrap();
    t.login(rw, CKU_USER, b"0000").unwrap();
    t.close_session(rw).unwrap();
    let s = t.open_session(CKF_SERIAL_SESSION).unwrap();
    assert_eq!(t.session_info(s).unwrap().state, CKS_RO_PUBLIC_SESSION);
}

#[test]
fn wrong_pins_lock_the_user() {
    let mut t = token();
    let s = t.open_session(CKF_SERIAL_SESSION | CKF_RW_SESSION).unwrap();
    for i in 0..10 {
        assert_eq!(
            t.login(s, CKU_USER, b"1111"),
            Err(CKR_PIN_INCORRECT),
            "try {i}"
        );
        if i == 8 {
            assert_ne!(t.token_info().flags & CKF_USER_PIN_FINAL_TRY, 0);
        }
    }
    assert_ne!(t.token_info().flags & CKF_USER_PIN_LOCKED, 0);
    assert_eq!(t.login(s, CKU_USER, b"0000"), Err(CKR_PIN_LOCKED));
}

#[test]
fn init_token_pin_and_set_pin() {
    let mut t = token();
    let label = core_pkcs11_engine::info::blank_padded::<32>(b"my device");
    let s = t.open_session(CKF_SERIAL_SESSION).unwrap();
    assert_eq!(t.init_token(b"so-secret", &label), Err(CKR_SESSION_EXISTS));
    t.close_session(s).unwrap();
    assert_eq!(t.init_token(b"so", &label), Err(CKR_PIN_LEN_RANGE));
    t.init_token(b"so-secret", &label).unwrap();
    let info = t.token_info();
    assert_eq!(info.label, label);
    assert_ne!(info.flags & CKF_TOKEN_INITIALIZED, 0);
    assert_ne!(info.flags & CKF_USER_PIN_TO_BE_CHANGED, 0);
    // Re-initialising needs the SO PIN.
    assert_eq!(t.init_token(b"wrong-pin", &label), Err(CKR_PIN_INCORRECT));

    let ro = t.open_session(CKF_SERIAL_SESSION).unwrap();
    assert_eq!(t.init_pin(ro, b"123456"), Err(CKR_SESSION_READ_ONLY));
    t.close_session(ro).unwrap();
    let rw = t.open_session(CKF_SERIAL_SESSION | CKF_RW_SESSION).unwrap();
    assert_eq!(t.init_pin(rw, b"123456"), Err(CKR_USER_NOT_LOGGED_IN));
    assert_eq!(t.login(rw, CKU_SO, b"nope-nope"), Err(CKR_PIN_INCORRECT));
    t.login(rw, CKU_SO, b"so-secret").unwrap();
    assert_eq!(t.session_info(rw).unwrap().state, CKS_RW_SO_FUNCTIONS);
    assert_eq!(
        t.open_session(CKF_SERIAL_SESSION),
        Err(CKR_SESSION_READ_WRITE_SO_EXISTS)
    );
    assert_eq!(t.init_pin(rw, b"12"), Err(CKR_PIN_LEN_RANGE));
    t.init_pin(rw, b"123456").unwrap();
    assert_eq!(t.token_info().flags & CKF_USER_PIN_TO_BE_CHANGED, 0);
    t.set_pin(rw, b"so-secret", b"so-secret-2").unwrap();
    t.logout(rw).unwrap();
    t.login(rw, CKU_SO, b"so-secret-2").unwrap();
    t.logout(rw).unwrap();

    assert_eq!(t.login(rw, CKU_USER, b"0000"), Err(CKR_PIN_INCORRECT));
    t.login(rw, CKU_USER, b"123456").unwrap();
    assert_eq!(t.set_pin(rw, b"bad-old", b"654321"), Err(CKR_PIN_INCORRECT));
    assert_eq!(t.set_pin(rw, b"123456", b"1"), Err(CKR_PIN_LEN_RANGE));
    t.set_pin(rw, b"123456", b"654321").unwrap();
    t.logout(rw).unwrap();
    assert_eq!(t.login(rw, CKU_USER, b"123456"), Err(CKR_PIN_INCORRECT));
    t.login(rw, CKU_USER, b"654321").unwrap();
}

#[test]
fn init_token_destroys_token_objects() {
    let mut t = token();
    let s = rw_user_session(&mut t);
    generate_ec(&mut t, s, b"k", true);
    assert_eq!(find(&mut t, s, &[]).len(), 2);
    t.close_all_sessions();
    t.init_token(b"so-secret", &[b' '; 32]).unwrap();
    let s = rw_user_session(&mut t);
    assert!(find(&mut t, s, &[]).is_empty());
}

#[test]
fn generated_keys_sign_and_verify_ecdsa() {
    let mut t = token();
    let s = rw_user_session(&mut t);
    let (public, private) = generate_ec(&mut t, s, b"Device Priv TLS Key", false);
    let hash = [0x5au8; 32];
    let sig = sign(&mut t, s, CKM_ECDSA, private, &hash);
    assert_eq!(sig.len(), 64);
    verify(&mut t, s, CKM_ECDSA, public, &hash, &sig).unwrap();
    let mut bad = sig.clone();
    bad[10] ^= 1;
    assert_eq!(
        verify(&mut t, s, CKM_ECDSA, public, &hash, &bad),
        Err(CKR_SIGNATURE_INVALID)
    );
    assert_eq!(
        verify(&mut t, s, CKM_ECDSA, public, &hash, &sig[..63]),
        Err(CKR_SIGNATURE_LEN_RANGE)
    );
    // Hash-and-sign, single and multi part, agree with each other.
    let sig = sign(&mut t, s, CKM_ECDSA_SHA256, private, b"hello world");
    t.verify_init(s, &Mechanism::new(CKM_ECDSA_SHA256), public)
        .unwrap();
    t.verify_update(s, b"hello ").unwrap();
    t.verify_update(s, b"world").unwrap();
    t.verify_final(s, &sig).unwrap();
    // The public point is the DER OCTET STRING 04 41 04 X Y.
    let point = read(&t, s, public, CKA_EC_POINT).unwrap();
    assert_eq!(point.len(), 67);
    assert_eq!(&point[..3], &[0x04, 0x41, 0x04]);
    assert_eq!(
        read(&t, s, private, CKA_VALUE),
        Err(CKR_ATTRIBUTE_SENSITIVE)
    );
    assert_eq!(read(&t, s, private, CKA_LOCAL).unwrap(), TRUE);
    assert_eq!(read(&t, s, private, CKA_ALWAYS_SENSITIVE).unwrap(), TRUE);
    assert_eq!(read(&t, s, private, CKA_NEVER_EXTRACTABLE).unwrap(), TRUE);
    assert_eq!(
        read(&t, s, public, CKA_KEY_GEN_MECHANISM).unwrap(),
        ul(CKM_EC_KEY_PAIR_GEN)
    );
}

#[test]
fn sign_output_rules() {
    let mut t = token();
    let s = rw_user_session(&mut t);
    let (public, private) = generate_ec(&mut t, s, b"k", false);
    let hash = [1u8; 32];
    assert_eq!(t.sign(s, &hash, None), Err(CKR_OPERATION_NOT_INITIALIZED));
    t.sign_init(s, &Mechanism::new(CKM_ECDSA), private).unwrap();
    assert_eq!(
        t.sign_init(s, &Mechanism::new(CKM_ECDSA), private),
        Err(CKR_OPERATION_ACTIVE)
    );
    // A buffer too small keeps the operation.
    let mut small = [0u8; 10];
    assert_eq!(t.sign(s, &hash, Some(&mut small)), Ok(Output::Needed(64)));
    let mut sig = [0u8; 80];
    assert_eq!(t.sign(s, &hash, Some(&mut sig)), Ok(Output::Written(64)));
    assert_eq!(
        t.sign(s, &hash, Some(&mut sig)),
        Err(CKR_OPERATION_NOT_INITIALIZED)
    );
    // Any other error ends it.
    t.sign_init(s, &Mechanism::new(CKM_ECDSA), private).unwrap();
    assert_eq!(t.sign(s, &[], Some(&mut sig)), Err(CKR_DATA_LEN_RANGE));
    assert_eq!(
        t.sign(s, &hash, Some(&mut sig)),
        Err(CKR_OPERATION_NOT_INITIALIZED)
    );
    // Single-part mechanisms have no update.
    t.sign_init(s, &Mechanism::new(CKM_ECDSA), private).unwrap();
    assert_eq!(t.sign_update(s, &hash), Err(CKR_MECHANISM_INVALID));
    assert_eq!(t.sign(s, &hash, None), Err(CKR_OPERATION_NOT_INITIALIZED));
    // Key and mechanism checks.
    assert_eq!(
        t.sign_init(s, &Mechanism::new(CKM_ECDSA), public),
        Err(CKR_KEY_TYPE_INCONSISTENT)
    );
    assert_eq!(
        t.sign_init(s, &Mechanism::new(CKM_SHA256), private),
        Err(CKR_MECHANISM_INVALID)
    );
    assert_eq!(
        t.sign_init(s, &Mechanism::new(CKM_ECDSA), 9999),
        Err(CKR_KEY_HANDLE_INVALID)
    );
    let m = Mechanism {
        kind: CKM_ECDSA,
        parameter: &[1, 2],
    };
    assert_eq!(
        t.sign_init(s, &m, private),
        Err(CKR_MECHANISM_PARAM_INVALID)
    );
    assert_eq!(
        t.verify_init(s, &Mechanism::new(CKM_ECDSA), private),
        Err(CKR_KEY_TYPE_INCONSISTENT)
    );
    #[cfg(feature = "rsa")]
    assert_eq!(
        t.sign_init(s, &Mechanism::new(CKM_RSA_PKCS), private),
        Err(CKR_KEY_TYPE_INCONSISTENT)
    );
    // CKA_SIGN false forbids signing.
    t.set_attribute_values(s, private, &[Attribute::new(CKA_SIGN, FALSE)])
        .unwrap();
    assert_eq!(
        t.sign_init(s, &Mechanism::new(CKM_ECDSA), private),
        Err(CKR_KEY_FUNCTION_NOT_PERMITTED)
    );
}

#[test]
fn private_objects_need_login() {
    let mut t = token();
    let s = rw_user_session(&mut t);
    let (_public, private) = generate_ec(&mut t, s, b"Device Priv TLS Key", false);
    t.logout(s).unwrap();
    // The private key is invisible: not found, not readable, not usable.
    let found = find(&mut t, s, &[]);
    assert_eq!(found.len(), 1);
    assert!(!found.contains(&private));
    assert_eq!(
        read(&t, s, private, CKA_LABEL),
        Err(CKR_OBJECT_HANDLE_INVALID)
    );
    assert_eq!(
        t.sign_init(s, &Mechanism::new(CKM_ECDSA), private),
        Err(CKR_KEY_HANDLE_INVALID)
    );
    // Creating a private object needs login too.
    let ec = ul(CKK_EC);
    let class = ul(CKO_PRIVATE_KEY);
    let mut scalar = [0u8; 32];
    scalar[31] = 9;
    let template = [
        Attribute::new(CKA_CLASS, &class),
        Attribute::new(CKA_KEY_TYPE, &ec),
        Attribute::new(CKA_EC_PARAMS, P256),
        Attribute::new(CKA_VALUE, &scalar),
    ];
    assert_eq!(t.create_object(s, &template), Err(CKR_USER_NOT_LOGGED_IN));
}

#[test]
fn logout_invalidates_private_handles_and_session_objects() {
    let mut t = token();
    let s = rw_user_session(&mut t);
    let (public, private) = generate_ec(&mut t, s, b"k", true);
    let class = ul(CKO_DATA);
    let private_session_object = t
        .create_object(
            s,
            &[
                Attribute::new(CKA_CLASS, &class),
                Attribute::new(CKA_PRIVATE, TRUE),
            ],
        )
        .unwrap();
    t.logout(s).unwrap();
    t.login(s, CKU_USER, b"0000").unwrap();
    // The old handle of the private key is gone for good; the key itself is found again.
    assert_eq!(
        read(&t, s, private, CKA_LABEL),
        Err(CKR_OBJECT_HANDLE_INVALID)
    );
    assert_eq!(
        read(&t, s, private_session_object, CKA_LABEL),
        Err(CKR_OBJECT_HANDLE_INVALID)
    );
    let priv_class = ul(CKO_PRIVATE_KEY);
    let found = find(&mut t, s, &[Attribute::new(CKA_CLASS, &priv_class)]);
    assert_eq!(found.len(), 1);
    assert_ne!(found[0], private);
    // Public objects keep their handles.
    assert_eq!(read(&t, s, public, CKA_LABEL).unwrap(), b"k");
    assert!(find(&mut t, s, &[Attribute::new(CKA_CLASS, &class)]).is_empty());
}

#[test]
fn token_objects_need_rw_session() {
    let mut t = token();
    let rw = rw_user_session(&mut t);
    let ro = t.open_session(CKF_SERIAL_SESSION).unwrap();
    let class = ul(CKO_DATA);
    let template = [
        Attribute::new(CKA_CLASS, &class),
        Attribute::new(CKA_TOKEN, TRUE),
    ];
    assert_eq!(t.create_object(ro, &template), Err(CKR_SESSION_READ_ONLY));
    let h = t.create_object(rw, &template).unwrap();
    assert_eq!(t.destroy_object(ro, h), Err(CKR_SESSION_READ_ONLY));
    let session_obj = t
        .create_object(ro, &[Attribute::new(CKA_CLASS, &class)])
        .unwrap();
    t.destroy_object(ro, session_obj).unwrap();
    t.destroy_object(rw, h).unwrap();
    assert_eq!(t.destroy_object(rw, h), Err(CKR_OBJECT_HANDLE_INVALID));
}

#[test]
fn session_objects_die_with_their_session() {
    let mut t = token();
    let a = rw_user_session(&mut t);
    let b = t.open_session(CKF_SERIAL_SESSION).unwrap();
    let class = ul(CKO_DATA);
    let obj = t
        .create_object(b, &[Attribute::new(CKA_CLASS, &class)])
        .unwrap();
    // Visible from another session of the application.
    assert!(find(&mut t, a, &[]).contains(&obj));
    t.close_session(b).unwrap();
    assert!(!find(&mut t, a, &[]).contains(&obj));
}

#[test]
fn templates_get_spec_errors() {
    let mut t = token();
    let s = rw_user_session(&mut t);
    let ec = ul(CKK_EC);
    let class = ul(CKO_PRIVATE_KEY);
    let mut scalar = [0u8; 32];
    scalar[31] = 3;
    let base = vec![
        Attribute::new(CKA_CLASS, &class),
        Attribute::new(CKA_KEY_TYPE, &ec),
        Attribute::new(CKA_EC_PARAMS, P256),
        Attribute::new(CKA_VALUE, &scalar),
    ];
    let with = |extra: Attribute<'static>| -> Vec<Attribute<'_>> {
        let mut v = base.clone();
        v.push(extra);
        v
    };
    assert_eq!(t.create_object(s, &base[..3]), Err(CKR_TEMPLATE_INCOMPLETE));
    assert_eq!(t.create_object(s, &base[1..]), Err(CKR_TEMPLATE_INCOMPLETE));
    assert_eq!(
        t.create_object(s, &with(Attribute::new(0x8000_1234, TRUE))),
        Err(CKR_ATTRIBUTE_TYPE_INVALID)
    );
    assert_eq!(
        t.create_object(s, &with(Attribute::new(CKA_MODULUS, TRUE))),
        Err(CKR_ATTRIBUTE_TYPE_INVALID)
    );
    assert_eq!(
        t.create_object(s, &with(Attribute::new(CKA_LOCAL, TRUE))),
        Err(CKR_ATTRIBUTE_READ_ONLY)
    );
    assert_eq!(
        t.create_object(s, &with(Attribute::new(CKA_SIGN, &[2]))),
        Err(CKR_ATTRIBUTE_VALUE_INVALID)
    );
    assert_eq!(
        t.create_object(s, &with(Attribute::new(CKA_LABEL, &[b'x'; 33]))),
        Err(CKR_ATTRIBUTE_VALUE_INVALID)
    );
    let cert = ul(CKO_CERTIFICATE);
    let mut twice = base.clone();
    twice.push(Attribute::new(CKA_CLASS, &cert));
    assert_eq!(t.create_object(s, &twice), Err(CKR_TEMPLATE_INCONSISTENT));
    let p384 = [0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22];
    let mut other_curve = base.clone();
    other_curve[2] = Attribute::new(CKA_EC_PARAMS, &p384);
    assert_eq!(
        t.create_object(s, &other_curve),
        Err(CKR_CURVE_NOT_SUPPORTED)
    );
    let zero = [0u8; 32];
    let mut bad_scalar = base.clone();
    bad_scalar[3] = Attribute::new(CKA_VALUE, &zero);
    assert_eq!(
        t.create_object(s, &bad_scalar),
        Err(CKR_ATTRIBUTE_VALUE_INVALID)
    );
    assert!(t.create_object(s, &base).is_ok());

    // Key generation: class and key type must fit, point and value are the token's to make.
    let mech = Mechanism::new(CKM_EC_KEY_PAIR_GEN);
    let rsa = ul(CKK_RSA);
    let public = [Attribute::new(CKA_EC_PARAMS, P256)];
    assert_eq!(
        t.generate_key_pair(s, &mech, &[], &[]).err(),
        Some(CKR_TEMPLATE_INCOMPLETE)
    );
    assert_eq!(
        t.generate_key_pair(
            s,
            &mech,
            &[
                Attribute::new(CKA_EC_PARAMS, P256),
                Attribute::new(CKA_KEY_TYPE, &rsa)
            ],
            &[]
        )
        .err(),
        Some(CKR_TEMPLATE_INCONSISTENT)
    );
    assert_eq!(
        t.generate_key_pair(
            s,
            &mech,
            &public,
            &[Attribute::new(CKA_CLASS, &ul(CKO_PUBLIC_KEY))]
        )
        .err(),
        Some(CKR_TEMPLATE_INCONSISTENT)
    );
    assert_eq!(
        t.generate_key_pair(s, &mech, &public, &[Attribute::new(CKA_VALUE, &scalar)])
            .err(),
        Some(CKR_TEMPLATE_INCONSISTENT)
    );
    assert_eq!(
        t.generate_key_pair(s, &Mechanism::new(CKM_ECDSA), &public, &[])
            .err(),
        Some(CKR_MECHANISM_INVALID)
    );
    // Full templates with every attribute a provisioning tool sets.
    let id = b"\x01\x02";
    let pubc = ul(CKO_PUBLIC_KEY);
    let privc = ul(CKO_PRIVATE_KEY);
    let full_public = [
        Attribute::new(CKA_CLASS, &pubc),
        Attribute::new(CKA_KEY_TYPE, &ec),
        Attribute::new(CKA_EC_PARAMS, P256),
        Attribute::new(CKA_ID, id),
        Attribute::new(CKA_TOKEN, TRUE),
        Attribute::new(CKA_VERIFY, TRUE),
    ];
    let full_private = [
        Attribute::new(CKA_CLASS, &privc),
        Attribute::new(CKA_KEY_TYPE, &ec),
        Attribute::new(CKA_ID, id),
        Attribute::new(CKA_TOKEN, TRUE),
        Attribute::new(CKA_SENSITIVE, FALSE),
        Attribute::new(CKA_EXTRACTABLE, TRUE),
        Attribute::new(CKA_SIGN, TRUE),
    ];
    let (_, private) = t
        .generate_key_pair(s, &mech, &full_public, &full_private)
        .unwrap();
    // Not sensitive and extractable: the scalar may be read, 32 bytes.
    assert_eq!(read(&t, s, private, CKA_VALUE).unwrap().len(), 32);
    assert_eq!(read(&t, s, private, CKA_ALWAYS_SENSITIVE).unwrap(), FALSE);
    // Sensitive may only be switched on, extractable only off.
    assert_eq!(
        t.set_attribute_values(s, private, &[Attribute::new(CKA_SENSITIVE, TRUE)]),
        Ok(())
    );
    assert_eq!(
        read(&t, s, private, CKA_VALUE),
        Err(CKR_ATTRIBUTE_SENSITIVE)
    );
    assert_eq!(
        t.set_attribute_values(s, private, &[Attribute::new(CKA_SENSITIVE, FALSE)]),
        Err(CKR_ATTRIBUTE_READ_ONLY)
    );
    assert_eq!(
        t.set_attribute_values(s, private, &[Attribute::new(CKA_KEY_TYPE, &rsa)]),
        Err(CKR_ATTRIBUTE_READ_ONLY)
    );
}

#[test]
fn get_attribute_value_per_entry_results() {
    let mut t = token();
    let s = rw_user_session(&mut t);
    let (_, private) = generate_ec(&mut t, s, b"my key", false);
    let mut small = [0u8; 2];
    let mut label = [0u8; 16];
    let mut queries = [
        AttributeQuery::new(CKA_LABEL, Some(&mut label)),
        AttributeQuery::new(CKA_VALUE, None),
        AttributeQuery::new(CKA_MODULUS, None),
        AttributeQuery::new(CKA_LABEL, Some(&mut small)),
        AttributeQuery::new(CKA_KEY_TYPE, None),
    ];
    assert_eq!(
        t.get_attribute_values(s, private, &mut queries),
        Err(CKR_ATTRIBUTE_SENSITIVE)
    );
    assert_eq!(queries[0].len, 6);
    assert_eq!(queries[1].len, UNAVAILABLE_INFORMATION);
    assert_eq!(queries[2].len, UNAVAILABLE_INFORMATION);
    assert_eq!(queries[3].len, UNAVAILABLE_INFORMATION);
    assert_eq!(queries[4].len, std::mem::size_of::<Ulong>() as Ulong);
    assert_eq!(&label[..6], b"my key");
    let mut q = [AttributeQuery::new(CKA_MODULUS, None)];
    assert_eq!(
        t.get_attribute_values(s, private, &mut q),
        Err(CKR_ATTRIBUTE_TYPE_INVALID)
    );
    let mut q = [AttributeQuery::new(CKA_LABEL, Some(&mut small))];
    assert_eq!(
        t.get_attribute_values(s, private, &mut q),
        Err(CKR_BUFFER_TOO_SMALL)
    );
}

#[test]
fn find_matches_exactly() {
    let mut t = token();
    let s = rw_user_session(&mut t);
    let (a_pub, a_priv) = generate_ec(&mut t, s, b"Device Key", false);
    let (_b_pub, b_priv) = generate_ec(&mut t, s, b"Device Key 2", false);
    let priv_class = ul(CKO_PRIVATE_KEY);
    let pub_class = ul(CKO_PUBLIC_KEY);
    // No prefix matches; class is honoured.
    assert_eq!(
        find(
            &mut t,
            s,
            &[
                Attribute::new(CKA_LABEL, b"Device Key"),
                Attribute::new(CKA_CLASS, &priv_class)
            ]
        ),
        vec![a_priv]
    );
    assert_eq!(
        find(
            &mut t,
            s,
            &[
                Attribute::new(CKA_LABEL, b"Device Key"),
                Attribute::new(CKA_CLASS, &pub_class)
            ]
        ),
        vec![a_pub]
    );
    assert!(find(&mut t, s, &[Attribute::new(CKA_LABEL, b"Device")]).is_empty());
    assert_eq!(
        find(&mut t, s, &[Attribute::new(CKA_CLASS, &priv_class)]),
        vec![a_priv, b_priv]
    );
    assert_eq!(find(&mut t, s, &[]).len(), 4);
    // Secret values never match.
    let value = [0u8; 32];
    assert!(find(&mut t, s, &[Attribute::new(CKA_VALUE, &value)]).is_empty());
    // One search at a time per session.
    t.find_objects_init(s, &[]).unwrap();
    assert_eq!(t.find_objects_init(s, &[]), Err(CKR_OPERATION_ACTIVE));
    t.find_objects_final(s).unwrap();
    assert_eq!(t.find_objects_final(s), Err(CKR_OPERATION_NOT_INITIALIZED));
    assert_eq!(
        t.find_objects(s, &mut [0; 1]),
        Err(CKR_OPERATION_NOT_INITIALIZED)
    );
}

#[test]
fn object_limit_is_enforced() {
    let mut t = Token::new(
        Config::default(),
        Box::new(MemoryStore::new()),
        Box::new(TestEntropy(99)),
    )
    .unwrap();
    let s = rw_user_session(&mut t);
    let class = ul(CKO_DATA);
    for _ in 0..6 {
        t.create_object(s, &[Attribute::new(CKA_CLASS, &class)])
            .unwrap();
    }
    assert_eq!(
        t.create_object(s, &[Attribute::new(CKA_CLASS, &class)]),
        Err(CKR_DEVICE_MEMORY)
    );
}

/// NIST FIPS 180-2 examples for SHA-256.
#[test]
fn sha256_known_answers() {
    let mut t = token();
    let s = t.open_session(CKF_SERIAL_SESSION).unwrap();
    let cases: [(&[u8], &str); 3] = [
        (
            b"abc",
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        ),
        (
            b"",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ),
        (
            b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
        ),
    ];
    for (msg, want) in cases {
        t.digest_init(s, &Mechanism::new(CKM_SHA256)).unwrap();
        assert_eq!(t.digest(s, msg, None), Ok(Output::Needed(32)));
        let mut out = [0u8; 32];
        assert_eq!(t.digest(s, msg, Some(&mut out)), Ok(Output::Written(32)));
        assert_eq!(hex::encode(out), want);
    }
    // One million 'a', in parts.
    t.digest_init(s, &Mechanism::new(CKM_SHA256)).unwrap();
    let chunk = [b'a'; 1000];
    for _ in 0..1000 {
        t.digest_update(s, &chunk).unwrap();
    }
    assert_eq!(t.digest(s, b"", None), Err(CKR_OPERATION_ACTIVE));
    let mut small = [0u8; 31];
    assert_eq!(t.digest_final(s, Some(&mut small)), Ok(Output::Needed(32)));
    let mut out = [0u8; 32];
    assert_eq!(t.digest_final(s, Some(&mut out)), Ok(Output::Written(32)));
    assert_eq!(
        hex::encode(out),
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
    );
    assert_eq!(t.digest_final(s, None), Err(CKR_OPERATION_NOT_INITIALIZED));
    assert_eq!(
        t.digest_init(s, &Mechanism::new(CKM_ECDSA)),
        Err(CKR_MECHANISM_INVALID)
    );
}

#[test]
fn random_bytes_differ() {
    let mut t = token();
    let s = t.open_session(CKF_SERIAL_SESSION).unwrap();
    let mut a = [0u8; 100];
    let mut b = [0u8; 100];
    t.generate_random(s, &mut a).unwrap();
    t.generate_random(s, &mut b).unwrap();
    assert_ne!(a, b);
    assert_ne!(a, [0u8; 100]);
    t.seed_random(s, b"extra").unwrap();
    let mut big = vec![0u8; 100_000];
    t.generate_random(s, &mut big).unwrap();
    assert_eq!(
        t.generate_random(9999, &mut a),
        Err(CKR_SESSION_HANDLE_INVALID)
    );
}

#[test]
fn failing_entropy_is_an_error_not_weak_output() {
    struct Broken;
    impl EntropySource for Broken {
        fn fill(&mut self, _: &mut [u8]) -> Result<(), EntropyError> {
            Err(EntropyError)
        }
    }
    assert_eq!(
        Token::new(
            Config::default(),
            Box::new(MemoryStore::new()),
            Box::new(Broken)
        )
        .err(),
        Some(CKR_DEVICE_ERROR)
    );
}

#[test]
fn token_objects_and_state_survive_reopen() {
    let store = SharedStore::default();
    let (public, label) = {
        let mut t = token_with(store.clone());
        let s = rw_user_session(&mut t);
        let (public, _) = generate_ec(&mut t, s, b"persisted", true);
        let class = ul(CKO_DATA);
        t.create_object(s, &[Attribute::new(CKA_CLASS, &class)])
            .unwrap(); // session object
        (
            read(&t, s, public, CKA_EC_POINT).unwrap(),
            t.token_info().serial_number,
        )
    };
    let mut t = token_with(store.clone());
    assert_eq!(t.token_info().serial_number, label);
    assert_eq!(t.damaged_records(), 0);
    let s = rw_user_session(&mut t);
    let found = find(&mut t, s, &[Attribute::new(CKA_LABEL, b"persisted")]);
    assert_eq!(found.len(), 2);
    let pub_class = ul(CKO_PUBLIC_KEY);
    let p = find(
        &mut t,
        s,
        &[
            Attribute::new(CKA_LABEL, b"persisted"),
            Attribute::new(CKA_CLASS, &pub_class),
        ],
    );
    assert_eq!(read(&t, s, p[0], CKA_EC_POINT).unwrap(), public);
    // The restored private key still signs, and the restored public key verifies it.
    let priv_class = ul(CKO_PRIVATE_KEY);
    let k = find(
        &mut t,
        s,
        &[
            Attribute::new(CKA_LABEL, b"persisted"),
            Attribute::new(CKA_CLASS, &priv_class),
        ],
    );
    let sig = sign(&mut t, s, CKM_ECDSA, k[0], &[7u8; 32]);
    verify(&mut t, s, CKM_ECDSA, p[0], &[7u8; 32], &sig).unwrap();
    // The user PIN and failure counter persist too.
    t.close_all_sessions();
    let s = t.open_session(CKF_SERIAL_SESSION | CKF_RW_SESSION).unwrap();
    assert_eq!(t.login(s, CKU_USER, b"bad!"), Err(CKR_PIN_INCORRECT));
    drop(t);
    let t = token_with(store.clone());
    assert_ne!(t.token_info().flags & CKF_USER_PIN_COUNT_LOW, 0);
}

#[test]
fn damaged_records_are_skipped() {
    let store = SharedStore::default();
    {
        let mut t = token_with(store.clone());
        let s = rw_user_session(&mut t);
        generate_ec(&mut t, s, b"k", true);
    }
    store.0.lock().unwrap().save(77, b"not a record").unwrap();
    let mut t = token_with(store.clone());
    assert_eq!(t.damaged_records(), 1);
    assert_eq!(&t.token_info().model, b"1 bad records   ");
    let s = rw_user_session(&mut t);
    assert_eq!(find(&mut t, s, &[]).len(), 2);
}

#[cfg(feature = "rsa")]
mod rsa_keys {
    use super::*;

    pub fn fixture() -> Vec<(String, Vec<u8>)> {
        include_str!("data/rsa2048.txt")
            .lines()
            .map(|l| {
                let (k, v) = l.split_once('=').unwrap();
                (k.to_string(), hex::decode(v).unwrap())
            })
            .collect()
    }

    fn part<'a>(f: &'a [(String, Vec<u8>)], name: &str) -> &'a [u8] {
        &f.iter().find(|(k, _)| k == name).unwrap().1
    }

    fn import(t: &mut Token, s: Ulong, with_crt: bool) -> (Ulong, Ulong) {
        let f = fixture();
        let rsa = ul(CKK_RSA);
        let privc = ul(CKO_PRIVATE_KEY);
        let pubc = ul(CKO_PUBLIC_KEY);
        let mut private = vec![
            Attribute::new(CKA_CLASS, &privc),
            Attribute::new(CKA_KEY_TYPE, &rsa),
            Attribute::new(CKA_MODULUS, part(&f, "modulus")),
            Attribute::new(CKA_PUBLIC_EXPONENT, part(&f, "public_exponent")),
            Attribute::new(CKA_PRIVATE_EXPONENT, part(&f, "private_exponent")),
        ];
        if with_crt {
            private.extend([
                Attribute::new(CKA_PRIME_1, part(&f, "prime1")),
                Attribute::new(CKA_PRIME_2, part(&f, "prime2")),
                Attribute::new(CKA_EXPONENT_1, part(&f, "exponent1")),
                Attribute::new(CKA_EXPONENT_2, part(&f, "exponent2")),
                Attribute::new(CKA_COEFFICIENT, part(&f, "coefficient")),
            ]);
        }
        let public = [
            Attribute::new(CKA_CLASS, &pubc),
            Attribute::new(CKA_KEY_TYPE, &rsa),
            Attribute::new(CKA_MODULUS, part(&f, "modulus")),
            Attribute::new(CKA_PUBLIC_EXPONENT, part(&f, "public_exponent")),
        ];
        let k = t.create_object(s, &private).unwrap();
        let p = t.create_object(s, &public).unwrap();
        (p, k)
    }

    /// `openssl dgst -sha256 -sign` of the same message with the same key gave these bytes.
    #[test]
    fn rsa_pkcs1_signature_matches_openssl() {
        let mut t = token();
        let s = rw_user_session(&mut t);
        let (public, private) = import(&mut t, s, true);
        let want = hex::decode(include_str!("data/rsa2048-sha256-signature.hex").trim()).unwrap();
        let msg = b"core-pkcs11 known answer";
        assert_eq!(sign(&mut t, s, CKM_SHA256_RSA_PKCS, private, msg), want);
        // CKM_RSA_PKCS over the DigestInfo the caller built gives the same bytes.
        let mut info = core_pkcs11_engine::operation::SHA256_DIGEST_INFO_PREFIX.to_vec();
        use sha2::Digest;
        info.extend_from_slice(&sha2::Sha256::digest(msg));
        assert_eq!(sign(&mut t, s, CKM_RSA_PKCS, private, &info), want);
        verify(&mut t, s, CKM_RSA_PKCS, public, &info, &want).unwrap();
        verify(&mut t, s, CKM_SHA256_RSA_PKCS, public, msg, &want).unwrap();
        let mut bad = want.clone();
        bad[100] ^= 0x80;
        assert_eq!(
            verify(&mut t, s, CKM_RSA_PKCS, public, &info, &bad),
            Err(CKR_SIGNATURE_INVALID)
        );
        assert_eq!(
            verify(&mut t, s, CKM_SHA256_RSA_PKCS, public, b"other", &want),
            Err(CKR_SIGNATURE_INVALID)
        );
        assert_eq!(
            verify(&mut t, s, CKM_RSA_PKCS, public, &info, &want[1..]),
            Err(CKR_SIGNATURE_LEN_RANGE)
        );
        // Too long for the modulus.
        t.sign_init(s, &Mechanism::new(CKM_RSA_PKCS), private)
            .unwrap();
        let mut out = vec![0u8; 256];
        assert_eq!(
            t.sign(s, &[0u8; 246], Some(&mut out)),
            Err(CKR_DATA_LEN_RANGE)
        );
        // Every secret component is sensitive.
        for a in [
            CKA_PRIVATE_EXPONENT,
            CKA_PRIME_1,
            CKA_PRIME_2,
            CKA_EXPONENT_1,
            CKA_EXPONENT_2,
            CKA_COEFFICIENT,
        ] {
            assert_eq!(
                read(&t, s, private, a),
                Err(CKR_ATTRIBUTE_SENSITIVE),
                "attribute {a:#x}"
            );
        }
        assert_eq!(read(&t, s, public, CKA_MODULUS_BITS).unwrap(), ul(2048));
        assert_eq!(
            read(&t, s, private, CKA_MODULUS).unwrap(),
            part(&fixture(), "modulus")
        );
    }

    /// `CKM_RSA_X_509` verifies (as in the C reference) but does not sign.
    #[test]
    fn raw_rsa_verifies_only() {
        let mut t = token();
        let s = rw_user_session(&mut t);
        let (public, private) = import(&mut t, s, true);
        let msg = b"core-pkcs11 known answer";
        let sig = sign(&mut t, s, CKM_SHA256_RSA_PKCS, private, msg);
        // The PKCS #1 v1.5 block the signature recovers to.
        let mut block = vec![0u8, 1];
        block.resize(256 - 52, 0xff);
        block.push(0);
        block.extend_from_slice(&core_pkcs11_engine::operation::SHA256_DIGEST_INFO_PREFIX);
        use sha2::Digest;
        block.extend_from_slice(&sha2::Sha256::digest(msg));
        assert_eq!(block.len(), 256);
        verify(&mut t, s, CKM_RSA_X_509, public, &block, &sig).unwrap();
        block[255] ^= 1;
        assert_eq!(
            verify(&mut t, s, CKM_RSA_X_509, public, &block, &sig),
            Err(CKR_SIGNATURE_INVALID)
        );
        assert_eq!(
            t.sign_init(s, &Mechanism::new(CKM_RSA_X_509), private),
            Err(CKR_MECHANISM_INVALID)
        );
        let info = t.mechanism_info(CKM_RSA_X_509).unwrap();
        assert_eq!(info.flags, CKF_VERIFY);
    }

    #[test]
    fn rsa_key_without_crt_values_is_completed() {
        let mut t = token();
        let s = rw_user_session(&mut t);
        let (public, private) = import(&mut t, s, false);
        let sig = sign(&mut t, s, CKM_SHA256_RSA_PKCS, private, b"m");
        verify(&mut t, s, CKM_SHA256_RSA_PKCS, public, b"m", &sig).unwrap();
    }

    #[test]
    fn inconsistent_rsa_components_are_refused() {
        let mut t = token();
        let s = rw_user_session(&mut t);
        let f = fixture();
        let rsa = ul(CKK_RSA);
        let privc = ul(CKO_PRIVATE_KEY);
        let mut wrong = part(&f, "exponent1").to_vec();
        wrong[5] ^= 1;
        let template = [
            Attribute::new(CKA_CLASS, &privc),
            Attribute::new(CKA_KEY_TYPE, &rsa),
            Attribute::new(CKA_MODULUS, part(&f, "modulus")),
            Attribute::new(CKA_PUBLIC_EXPONENT, part(&f, "public_exponent")),
            Attribute::new(CKA_PRIVATE_EXPONENT, part(&f, "private_exponent")),
            Attribute::new(CKA_PRIME_1, part(&f, "prime1")),
            Attribute::new(CKA_PRIME_2, part(&f, "prime2")),
            Attribute::new(CKA_EXPONENT_1, &wrong),
        ];
        assert_eq!(
            t.create_object(s, &template),
            Err(CKR_ATTRIBUTE_VALUE_INVALID)
        );
        let mut bad_d = part(&f, "private_exponent").to_vec();
        bad_d[200] ^= 1;
        let template = [
            Attribute::new(CKA_CLASS, &privc),
            Attribute::new(CKA_KEY_TYPE, &rsa),
            Attribute::new(CKA_MODULUS, part(&f, "modulus")),
            Attribute::new(CKA_PUBLIC_EXPONENT, part(&f, "public_exponent")),
            Attribute::new(CKA_PRIVATE_EXPONENT, &bad_d),
            Attribute::new(CKA_PRIME_1, part(&f, "prime1")),
            Attribute::new(CKA_PRIME_2, part(&f, "prime2")),
        ];
        assert_eq!(
            t.create_object(s, &template),
            Err(CKR_ATTRIBUTE_VALUE_INVALID)
        );
        // 1024-bit modulus: outside the supported range.
        let short = &part(&f, "modulus")[..128];
        let pubc = ul(CKO_PUBLIC_KEY);
        let template = [
            Attribute::new(CKA_CLASS, &pubc),
            Attribute::new(CKA_KEY_TYPE, &rsa),
            Attribute::new(CKA_MODULUS, short),
            Attribute::new(CKA_PUBLIC_EXPONENT, part(&f, "public_exponent")),
        ];
        assert_eq!(
            t.create_object(s, &template),
            Err(CKR_ATTRIBUTE_VALUE_INVALID)
        );
    }
}

#[test]
fn certificates_take_subject_from_the_der() {
    let mut t = token();
    let s = rw_user_session(&mut t);
    let der = include_bytes!("data/p256_cert.der");
    let class = ul(CKO_CERTIFICATE);
    let x509 = ul(CKC_X_509);
    let template = [
        Attribute::new(CKA_CLASS, &class),
        Attribute::new(CKA_CERTIFICATE_TYPE, &x509),
        Attribute::new(CKA_VALUE, der),
        Attribute::new(CKA_LABEL, b"Device Cert"),
        Attribute::new(CKA_TOKEN, TRUE),
    ];
    let h = t.create_object(s, &template).unwrap();
    let subject = read(&t, s, h, CKA_SUBJECT).unwrap();
    assert_eq!(subject[0], 0x30);
    assert!(subject.windows(16).any(|w| w == b"core-pkcs11-test"));
    assert_eq!(read(&t, s, h, CKA_VALUE).unwrap(), der.to_vec());
    assert_eq!(read(&t, s, h, CKA_PRIVATE).unwrap(), FALSE);
    // Given subject wins over the derived one.
    let mut with_subject = template.to_vec();
    with_subject.push(Attribute::new(CKA_SUBJECT, b"TestSubject"));
    let h2 = t.create_object(s, &with_subject).unwrap();
    assert_eq!(read(&t, s, h2, CKA_SUBJECT).unwrap(), b"TestSubject");
    // Not a certificate.
    let mut bad = template.to_vec();
    bad[2] = Attribute::new(CKA_VALUE, &der[..der.len() - 1]);
    assert_eq!(t.create_object(s, &bad), Err(CKR_ATTRIBUTE_VALUE_INVALID));
    // Only the SO marks a certificate trusted.
    let mut trusted = template.to_vec();
    trusted.push(Attribute::new(CKA_TRUSTED, TRUE));
    assert_eq!(t.create_object(s, &trusted), Err(CKR_ATTRIBUTE_READ_ONLY));
}

fn secret_key(t: &mut Token, s: Ulong, key_type: Ulong, value: &[u8]) -> Result<Ulong, Ulong> {
    let class = ul(CKO_SECRET_KEY);
    let kt = ul(key_type);
    t.create_object(
        s,
        &[
            Attribute::new(CKA_CLASS, &class),
            Attribute::new(CKA_KEY_TYPE, &kt),
            Attribute::new(CKA_VALUE, value),
            Attribute::new(CKA_LABEL, b"HMAC Key"),
        ],
    )
}

/// RFC 4231 test case 1 through the token, single and multi-part.
#[test]
fn hmac_sha256_with_a_secret_key() {
    let mut t = token();
    let s = rw_user_session(&mut t);
    let key = secret_key(&mut t, s, CKK_SHA256_HMAC, &[0x0b; 20]).unwrap();
    let want =
        hex::decode("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7").unwrap();
    assert_eq!(sign(&mut t, s, CKM_SHA256_HMAC, key, b"Hi There"), want);
    t.sign_init(s, &Mechanism::new(CKM_SHA256_HMAC), key)
        .unwrap();
    t.sign_update(s, b"Hi ").unwrap();
    t.sign_update(s, b"There").unwrap();
    let mut out = [0u8; 32];
    assert_eq!(t.sign_final(s, Some(&mut out)), Ok(Output::Written(32)));
    assert_eq!(out.to_vec(), want);
    verify(&mut t, s, CKM_SHA256_HMAC, key, b"Hi There", &want).unwrap();
    let mut bad = want.clone();
    bad[31] ^= 1;
    assert_eq!(
        verify(&mut t, s, CKM_SHA256_HMAC, key, b"Hi There", &bad),
        Err(CKR_SIGNATURE_INVALID)
    );
    assert_eq!(
        verify(&mut t, s, CKM_SHA256_HMAC, key, b"Hi There", &want[..16]),
        Err(CKR_SIGNATURE_LEN_RANGE)
    );
    // The key is a secret: never readable, its length is.
    assert_eq!(read(&t, s, key, CKA_VALUE), Err(CKR_ATTRIBUTE_SENSITIVE));
    assert_eq!(read(&t, s, key, CKA_VALUE_LEN).unwrap(), ul(20));
    assert_eq!(read(&t, s, key, CKA_PRIVATE).unwrap(), TRUE);
    // Wrong sizes and wrong pairings.
    assert_eq!(
        secret_key(&mut t, s, CKK_SHA256_HMAC, &[1; 8]),
        Err(CKR_ATTRIBUTE_VALUE_INVALID)
    );
    let (_, ec_private) = generate_ec(&mut t, s, b"ec", false);
    assert_eq!(
        t.sign_init(s, &Mechanism::new(CKM_SHA256_HMAC), ec_private),
        Err(CKR_KEY_TYPE_INCONSISTENT)
    );
    assert_eq!(
        t.sign_init(s, &Mechanism::new(CKM_ECDSA), key),
        Err(CKR_KEY_TYPE_INCONSISTENT)
    );
}

/// NIST SP 800-38B D.1 example 2 (AES-128) through the token.
#[cfg(feature = "cmac")]
#[test]
fn aes_cmac_with_an_aes_key() {
    let mut t = token();
    let s = rw_user_session(&mut t);
    let key_bytes = hex::decode("2b7e151628aed2a6abf7158809cf4f3c").unwrap();
    let key = secret_key(&mut t, s, CKK_AES, &key_bytes).unwrap();
    let msg = hex::decode("6bc1bee22e409f96e93d7e117393172a").unwrap();
    let want = hex::decode("070a16b46b4d4144f79bdd9dd04a287c").unwrap();
    assert_eq!(sign(&mut t, s, CKM_AES_CMAC, key, &msg), want);
    verify(&mut t, s, CKM_AES_CMAC, key, &msg, &want).unwrap();
    assert_eq!(
        secret_key(&mut t, s, CKK_AES, &[1; 20]),
        Err(CKR_ATTRIBUTE_VALUE_INVALID)
    );
    let hmac_key = secret_key(&mut t, s, CKK_GENERIC_SECRET, &[7; 32]).unwrap();
    assert_eq!(
        t.sign_init(s, &Mechanism::new(CKM_AES_CMAC), hmac_key),
        Err(CKR_KEY_TYPE_INCONSISTENT)
    );
}

#[test]
fn secret_keys_persist() {
    let store = SharedStore::default();
    {
        let mut t = token_with(store.clone());
        let s = rw_user_session(&mut t);
        let class = ul(CKO_SECRET_KEY);
        let kt = ul(CKK_SHA256_HMAC);
        t.create_object(
            s,
            &[
                Attribute::new(CKA_CLASS, &class),
                Attribute::new(CKA_KEY_TYPE, &kt),
                Attribute::new(CKA_VALUE, &[0x0b; 20]),
                Attribute::new(CKA_LABEL, b"HMAC Key"),
                Attribute::new(CKA_TOKEN, TRUE),
            ],
        )
        .unwrap();
    }
    let mut t = token_with(store);
    let s = rw_user_session(&mut t);
    let key = find(&mut t, s, &[Attribute::new(CKA_LABEL, b"HMAC Key")]);
    let want =
        hex::decode("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7").unwrap();
    assert_eq!(sign(&mut t, s, CKM_SHA256_HMAC, key[0], b"Hi There"), want);
}
