//! The host's token image through the C ABI: token objects and the token state persist
//! across C_Finalize/C_Initialize and across processes; session objects do not; a second
//! process cannot open an image in use.

mod common;

use common::*;
use std::path::PathBuf;
use std::process::Command;

fn temp_image(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("core-pkcs11-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir.join("token.img")
}

/// Runs `test` of this binary in a child process with the image at `image`.
fn child(test: &str, image: &PathBuf) -> std::process::Output {
    Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--ignored", "--nocapture"])
        .env("CORE_PKCS11_CHILD_IMAGE", image)
        .output()
        .unwrap()
}

fn initialize_with(image: &PathBuf) -> Lib {
    let lib = Lib::uninitialized();
    std::env::set_var("CORE_PKCS11_STORE", image);
    // SAFETY: NULL is a valid argument.
    assert_eq!(
        unsafe { (lib.f.C_Initialize)(std::ptr::null_mut()) },
        CKR_OK
    );
    lib
}

fn finalize(lib: &Lib) {
    // SAFETY: NULL is the valid argument.
    assert_eq!(unsafe { (lib.f.C_Finalize)(std::ptr::null_mut()) }, CKR_OK);
}

const CERT: &[u8] = include_bytes!("../../engine/tests/data/p256_cert.der");

#[test]
fn token_objects_survive_finalize_and_restart() {
    let image = temp_image("persist");
    let lib = initialize_with(&image);
    let api = lib.api();
    let h = lib.user_session();
    let ec = CKK_EC;
    let (public, _) = api
        .generate_ec(
            h,
            &[
                attr_bytes(CKA_EC_PARAMS, &P256_OID),
                attr_bytes(CKA_LABEL, b"Device Pub TLS Key"),
                attr_bool(CKA_TOKEN, &TRUE),
            ],
            &[
                attr_ulong(CKA_KEY_TYPE, &ec),
                attr_bytes(CKA_LABEL, b"Device Priv TLS Key"),
                attr_bool(CKA_TOKEN, &TRUE),
            ],
        )
        .unwrap();
    let point = api.attr(h, public, CKA_EC_POINT).unwrap();
    let class = CKO_CERTIFICATE;
    let x509 = CKC_X_509;
    let cert = api
        .create(
            h,
            &[
                attr_ulong(CKA_CLASS, &class),
                attr_ulong(CKA_CERTIFICATE_TYPE, &x509),
                attr_bytes(CKA_VALUE, CERT),
                attr_bytes(CKA_LABEL, b"Device Cert"),
                attr_bool(CKA_TOKEN, &TRUE),
            ],
        )
        .unwrap();
    let data = CKO_DATA;
    api.create(
        h,
        &[
            attr_ulong(CKA_CLASS, &data),
            attr_bytes(CKA_LABEL, b"session only"),
        ],
    )
    .unwrap();
    let subject = api.attr(h, cert, CKA_SUBJECT).unwrap();
    // A PIN change is token state: it persists too.
    let mut old = *b"0000";
    let mut new = *b"246810";
    // SAFETY: both PIN buffers are valid for their lengths.
    let rv = unsafe { (lib.f.C_SetPIN)(h, old.as_mut_ptr(), 4, new.as_mut_ptr(), 6) };
    assert_eq!(rv, CKR_OK);
    finalize(&lib);
    drop(lib);

    // Same process, after C_Finalize.
    let lib = initialize_with(&image);
    let api = lib.api();
    let h = lib.open_session();
    assert_eq!(api.login(h, CKU_USER, b"0000"), CKR_PIN_INCORRECT);
    assert_eq!(api.login(h, CKU_USER, b"246810"), CKR_OK);
    let label = attr_bytes(CKA_LABEL, b"Device Cert");
    let found = api.find_all(h, &[label]);
    assert_eq!(found.len(), 1);
    assert_eq!(api.attr(h, found[0], CKA_VALUE).unwrap(), CERT);
    assert_eq!(api.attr(h, found[0], CKA_SUBJECT).unwrap(), subject);
    assert!(api
        .find_all(h, &[attr_bytes(CKA_LABEL, b"session only")])
        .is_empty());
    let pubc = CKO_PUBLIC_KEY;
    let keys = api.find_all(h, &[attr_ulong(CKA_CLASS, &pubc)]);
    assert_eq!(api.attr(h, keys[0], CKA_EC_POINT).unwrap(), point);
    finalize(&lib);
    drop(lib);

    // Another process, while this one does not hold the image.
    let out = child("child_finds_the_objects", &image);
    assert!(
        out.status.success(),
        "child: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let _ = std::fs::remove_dir_all(image.parent().unwrap());
}

/// Run by `token_objects_survive_finalize_and_restart` in a second process.
#[test]
#[ignore = "run as a child process by token_objects_survive_finalize_and_restart"]
fn child_finds_the_objects() {
    let Some(image) = std::env::var_os("CORE_PKCS11_CHILD_IMAGE") else {
        return;
    };
    let lib = initialize_with(&PathBuf::from(image));
    let api = lib.api();
    let h = lib.open_session();
    assert_eq!(api.login(h, CKU_USER, b"246810"), CKR_OK);
    let privc = CKO_PRIVATE_KEY;
    let key = api.find_all(
        h,
        &[
            attr_ulong(CKA_CLASS, &privc),
            attr_bytes(CKA_LABEL, b"Device Priv TLS Key"),
        ],
    );
    assert_eq!(key.len(), 1);
    let pubc = CKO_PUBLIC_KEY;
    let public = api.find_all(h, &[attr_ulong(CKA_CLASS, &pubc)]);
    let hash = [9u8; 32];
    let sig = api.sign(h, CKM_ECDSA, key[0], &hash);
    assert_eq!(api.verify(h, CKM_ECDSA, public[0], &hash, &sig), CKR_OK);
    assert_eq!(
        api.find_all(h, &[attr_bytes(CKA_LABEL, b"Device Cert")])
            .len(),
        1
    );
    finalize(&lib);
}

#[test]
fn an_image_in_use_is_refused_to_a_second_process() {
    let image = temp_image("busy");
    let lib = initialize_with(&image);
    let out = child("child_cannot_initialize", &image);
    assert!(
        out.status.success(),
        "child: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    finalize(&lib);
    let _ = std::fs::remove_dir_all(image.parent().unwrap());
}

/// Run by `an_image_in_use_is_refused_to_a_second_process` in a second process.
#[test]
#[ignore = "run as a child process by an_image_in_use_is_refused_to_a_second_process"]
fn child_cannot_initialize() {
    let Some(image) = std::env::var_os("CORE_PKCS11_CHILD_IMAGE") else {
        return;
    };
    let lib = Lib::uninitialized();
    std::env::set_var("CORE_PKCS11_STORE", image);
    // SAFETY: NULL is a valid argument.
    let rv = unsafe { (lib.f.C_Initialize)(std::ptr::null_mut()) };
    assert_eq!(rv, CKR_DEVICE_ERROR);
}

#[test]
fn an_unusable_image_fails_initialize() {
    let image = temp_image("bad");
    std::fs::create_dir_all(image.parent().unwrap()).unwrap();
    std::fs::write(&image, b"not an image of this geometry").unwrap();
    let lib = Lib::uninitialized();
    std::env::set_var("CORE_PKCS11_STORE", &image);
    // SAFETY: NULL is a valid argument.
    assert_eq!(
        unsafe { (lib.f.C_Initialize)(std::ptr::null_mut()) },
        CKR_DEVICE_ERROR
    );
    let _ = std::fs::remove_dir_all(image.parent().unwrap());
}

#[test]
fn a_damaged_record_is_skipped_and_reported() {
    use core_pkcs11_littlefs::{FileBlockDevice, Geometry, LittlefsStore};
    let image = temp_image("damaged");
    let lib = initialize_with(&image);
    let api = lib.api();
    let h = lib.user_session();
    let data = CKO_DATA;
    api.create(
        h,
        &[
            attr_ulong(CKA_CLASS, &data),
            attr_bytes(CKA_LABEL, b"kept"),
            attr_bool(CKA_TOKEN, &TRUE),
        ],
    )
    .unwrap();
    finalize(&lib);
    drop(lib);
    {
        // Plant a record that is not one, as damage or a foreign writer would.
        let device = FileBlockDevice::open(&image, Geometry::DEFAULT).unwrap();
        let mut store = LittlefsStore::mount(device).unwrap();
        store.write_file("/p11/00000063", b"not a record").unwrap();
    }
    let lib = initialize_with(&image);
    let api = lib.api();
    assert_eq!(&api.token_info().model, b"1 bad records   ");
    let h = lib.open_session();
    assert_eq!(api.find_all(h, &[attr_bytes(CKA_LABEL, b"kept")]).len(), 1);
    finalize(&lib);
    let _ = std::fs::remove_dir_all(image.parent().unwrap());
}
