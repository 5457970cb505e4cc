//! Objects through the C ABI: `C_CreateObject` for every supported object kind and its template
//! errors, `C_DestroyObject`, `C_GetObjectSize`, `C_GetAttributeValue`, `C_SetAttributeValue`,
//! `C_FindObjects*`, `C_GenerateKeyPair`, the object limit, and signing and verifying with the
//! keys (output-buffer conventions, operation lifetime, error codes).

mod common;

use common::*;
use std::ptr::null_mut;

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

/// The self-signed P-256 certificate of the engine's tests (CN=core-pkcs11-test, O=Test).
const CERT: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../engine/tests/data/p256_cert.der"
));
/// Its subject (and issuer) Name element, as `openssl asn1parse` shows it.
const CERT_NAME: &str =
    "302a3119301706035504030c10636f72652d706b637331312d74657374310d300b060355040a0c0454657374";
/// Its serialNumber INTEGER element.
const CERT_SERIAL: &str = "021477c4ae7b221678de7d2f622f37edb1a79b35b22e";

/// DER OID of secp384r1, a curve the token does not support.
const P384_OID: [u8; 7] = [0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22];

/// A token with a logged-in read/write session.
fn setup() -> (Lib, Api, CK_SESSION_HANDLE) {
    let lib = Lib::initialized();
    let api = lib.api();
    let h = lib.user_session();
    (lib, api, h)
}

/// Objects the session can see.
fn count_objects(api: Api, h: CK_SESSION_HANDLE) -> usize {
    api.find_all(h, &[]).len()
}

/// Imports the P-256 private scalar 1 (public point G) with `extra` attributes.
fn create_ec_private(
    api: Api,
    h: CK_SESSION_HANDLE,
    extra: &[CK_ATTRIBUTE],
) -> Result<CK_OBJECT_HANDLE, CK_RV> {
    let class = CKO_PRIVATE_KEY;
    let ec = CKK_EC;
    let scalar = p256_scalar_one();
    let mut template = vec![
        attr_ulong(CKA_CLASS, &class),
        attr_ulong(CKA_KEY_TYPE, &ec),
        attr_bytes(CKA_EC_PARAMS, &P256_OID),
        attr_bytes(CKA_VALUE, &scalar),
    ];
    template.extend_from_slice(extra);
    api.create(h, &template)
}

/// Imports the public point G (`point` in DER or bare form) with `extra` attributes.
fn create_ec_public(
    api: Api,
    h: CK_SESSION_HANDLE,
    point: &[u8],
    extra: &[CK_ATTRIBUTE],
) -> Result<CK_OBJECT_HANDLE, CK_RV> {
    let class = CKO_PUBLIC_KEY;
    let ec = CKK_EC;
    let mut template = vec![
        attr_ulong(CKA_CLASS, &class),
        attr_ulong(CKA_KEY_TYPE, &ec),
        attr_bytes(CKA_EC_PARAMS, &P256_OID),
        attr_bytes(CKA_EC_POINT, point),
    ];
    template.extend_from_slice(extra);
    api.create(h, &template)
}

/// A data object with `extra` attributes.
fn create_data(
    api: Api,
    h: CK_SESSION_HANDLE,
    extra: &[CK_ATTRIBUTE],
) -> Result<CK_OBJECT_HANDLE, CK_RV> {
    let class = CKO_DATA;
    let mut template = vec![attr_ulong(CKA_CLASS, &class)];
    template.extend_from_slice(extra);
    api.create(h, &template)
}

/// An X.509 certificate object with `extra` attributes.
fn create_cert(
    api: Api,
    h: CK_SESSION_HANDLE,
    value: &[u8],
    extra: &[CK_ATTRIBUTE],
) -> Result<CK_OBJECT_HANDLE, CK_RV> {
    let class = CKO_CERTIFICATE;
    let x509 = CKC_X_509;
    let mut template = vec![
        attr_ulong(CKA_CLASS, &class),
        attr_ulong(CKA_CERTIFICATE_TYPE, &x509),
        attr_bytes(CKA_VALUE, value),
    ];
    template.extend_from_slice(extra);
    api.create(h, &template)
}

/// `C_GetAttributeValue` with a raw template; returns the code (the template is updated).
fn get_attrs(
    api: Api,
    h: CK_SESSION_HANDLE,
    o: CK_OBJECT_HANDLE,
    template: &mut [CK_ATTRIBUTE],
) -> CK_RV {
    // SAFETY: every entry's buffer is NULL or writable for its ulValueLen (the callers'
    // buffers outlive the call).
    unsafe { (api.0.C_GetAttributeValue)(h, o, template.as_mut_ptr(), template.len() as CK_ULONG) }
}

/// A template entry whose value buffer is `buf` (for `C_GetAttributeValue`).
fn out_entry(kind: CK_ULONG, buf: &mut [u8]) -> CK_ATTRIBUTE {
    CK_ATTRIBUTE {
        r#type: kind,
        pValue: buf.as_mut_ptr().cast(),
        ulValueLen: buf.len() as CK_ULONG,
    }
}

/// 51-byte DigestInfo of SHA-256(`msg`), built with `vAppendSHA256AlgorithmIdentifierSequence`.
fn digest_info(msg: &[u8]) -> [u8; 51] {
    let hash = sha256(msg);
    let mut out = [0u8; 51];
    // SAFETY: 32 readable and 51 writable bytes.
    let rv = unsafe {
        core_pkcs11_ffi::vAppendSHA256AlgorithmIdentifierSequence(hash.as_ptr(), out.as_mut_ptr())
    };
    assert_eq!(rv, CKR_OK);
    out
}

// ---------------------------------------------------------------------------------------------
// C_CreateObject: every object kind
// ---------------------------------------------------------------------------------------------

#[test]
fn create_ec_p256_private_key() {
    let (_lib, api, h) = setup();
    let label = *b"Device Priv TLS Key";
    let k = create_ec_private(
        api,
        h,
        &[
            attr_bytes(CKA_LABEL, &label),
            attr_bool(CKA_TOKEN, &TRUE),
            attr_bool(CKA_SIGN, &TRUE),
        ],
    )
    .expect("C_CreateObject(EC private)");
    assert_eq!(api.attr_ulong(h, k, CKA_CLASS), CKO_PRIVATE_KEY);
    assert_eq!(api.attr_ulong(h, k, CKA_KEY_TYPE), CKK_EC);
    assert_eq!(api.attr(h, k, CKA_EC_PARAMS).unwrap(), P256_OID);
    assert_eq!(api.attr(h, k, CKA_LABEL).unwrap(), label);
    assert!(api.attr_bool(h, k, CKA_TOKEN));
    assert!(api.attr_bool(h, k, CKA_SIGN));
    // Defaults of an imported private key.
    assert!(api.attr_bool(h, k, CKA_PRIVATE));
    assert!(api.attr_bool(h, k, CKA_SENSITIVE));
    assert!(!api.attr_bool(h, k, CKA_EXTRACTABLE));
    assert!(!api.attr_bool(h, k, CKA_LOCAL));
    assert!(!api.attr_bool(h, k, CKA_ALWAYS_SENSITIVE));
    assert!(!api.attr_bool(h, k, CKA_NEVER_EXTRACTABLE));
    assert_eq!(
        api.attr_ulong(h, k, CKA_KEY_GEN_MECHANISM),
        CKM_INVALID_MECHANISM
    );
    assert_eq!(api.attr(h, k, CKA_VALUE), Err(CKR_ATTRIBUTE_SENSITIVE));
    // A private EC key has no public point attribute.
    assert_eq!(
        api.attr(h, k, CKA_EC_POINT),
        Err(CKR_ATTRIBUTE_TYPE_INVALID)
    );

    // It signs, and the matching public key (G) verifies.
    let public = create_ec_public(api, h, &ec_point_der(&P256_G), &[]).unwrap();
    let hash = sha256(b"imported key");
    let sig = api.sign(h, CKM_ECDSA, k, &hash);
    assert_eq!(sig.len(), 64);
    assert_eq!(api.verify(h, CKM_ECDSA, public, &hash, &sig), CKR_OK);

    // A short scalar is a big-endian integer: [1] is the same key.
    let short = [1u8];
    let class = CKO_PRIVATE_KEY;
    let ec = CKK_EC;
    let k2 = api
        .create(
            h,
            &[
                attr_ulong(CKA_CLASS, &class),
                attr_ulong(CKA_KEY_TYPE, &ec),
                attr_bytes(CKA_EC_PARAMS, &P256_OID),
                attr_bytes(CKA_VALUE, &short),
            ],
        )
        .unwrap();
    let sig = api.sign(h, CKM_ECDSA, k2, &hash);
    assert_eq!(api.verify(h, CKM_ECDSA, public, &hash, &sig), CKR_OK);
}

#[test]
fn create_ec_public_key_as_der_and_as_bare_point() {
    let (_lib, api, h) = setup();
    let der = ec_point_der(&P256_G);
    let from_der = create_ec_public(api, h, &der, &[]).expect("CKA_EC_POINT as OCTET STRING");
    let from_bare = create_ec_public(api, h, &P256_G, &[]).expect("CKA_EC_POINT as bare point");
    for k in [from_der, from_bare] {
        assert_eq!(api.attr_ulong(h, k, CKA_CLASS), CKO_PUBLIC_KEY);
        assert_eq!(api.attr_ulong(h, k, CKA_KEY_TYPE), CKK_EC);
        // Read back as the standard encodes it, whichever form came in.
        let point = api.attr(h, k, CKA_EC_POINT).unwrap();
        assert_eq!(point.len(), 67);
        assert_eq!(&point[..3], &[0x04, 0x41, 0x04]);
        assert_eq!(point, der);
        assert_eq!(api.attr(h, k, CKA_EC_PARAMS).unwrap(), P256_OID);
        // Public keys are public, and verify by default.
        assert!(!api.attr_bool(h, k, CKA_PRIVATE));
        assert!(api.attr_bool(h, k, CKA_VERIFY));
        assert!(!api.attr_bool(h, k, CKA_TOKEN));
    }
    // Both verify a signature of the private scalar 1.
    let private = create_ec_private(api, h, &[]).unwrap();
    let hash = sha256(b"both forms");
    let sig = api.sign(h, CKM_ECDSA, private, &hash);
    assert_eq!(api.verify(h, CKM_ECDSA, from_der, &hash, &sig), CKR_OK);
    assert_eq!(api.verify(h, CKM_ECDSA, from_bare, &hash, &sig), CKR_OK);

    // A point that is not on the curve, and a truncated one.
    let mut off_curve = P256_G;
    off_curve[64] ^= 1;
    assert_eq!(
        create_ec_public(api, h, &off_curve, &[]),
        Err(CKR_ATTRIBUTE_VALUE_INVALID)
    );
    assert_eq!(
        create_ec_public(api, h, &der[..66], &[]),
        Err(CKR_ATTRIBUTE_VALUE_INVALID)
    );
    assert_eq!(
        create_ec_public(api, h, &[], &[]),
        Err(CKR_ATTRIBUTE_VALUE_INVALID)
    );
}

#[test]
fn create_rsa_2048_keys_with_all_crt_components() {
    let (_lib, api, h) = setup();
    let f = RsaFixture::load();
    let (public, private) = import_rsa(api, h, b"rsa");
    for k in [public, private] {
        assert_eq!(api.attr_ulong(h, k, CKA_KEY_TYPE), CKK_RSA);
        assert_eq!(api.attr(h, k, CKA_MODULUS).unwrap(), f.part("modulus"));
        assert_eq!(
            api.attr(h, k, CKA_PUBLIC_EXPONENT).unwrap(),
            f.part("public_exponent")
        );
        assert_eq!(api.attr(h, k, CKA_LABEL).unwrap(), b"rsa");
    }
    assert_eq!(api.attr_ulong(h, public, CKA_CLASS), CKO_PUBLIC_KEY);
    assert_eq!(api.attr_ulong(h, private, CKA_CLASS), CKO_PRIVATE_KEY);
    assert_eq!(api.attr_ulong(h, public, CKA_MODULUS_BITS), 2048);

    // Every secret component is sensitive: CKR_ATTRIBUTE_SENSITIVE, alone and together, and
    // CK_UNAVAILABLE_INFORMATION in each of their entries; nothing is written.
    let secrets = [
        CKA_PRIVATE_EXPONENT,
        CKA_PRIME_1,
        CKA_PRIME_2,
        CKA_EXPONENT_1,
        CKA_EXPONENT_2,
        CKA_COEFFICIENT,
    ];
    for a in secrets {
        assert_eq!(
            api.attr(h, private, a),
            Err(CKR_ATTRIBUTE_SENSITIVE),
            "attribute {a:#x}"
        );
        let mut buf = vec![0xa5u8; 512];
        let mut q = [out_entry(a, &mut buf)];
        assert_eq!(
            get_attrs(api, h, private, &mut q),
            CKR_ATTRIBUTE_SENSITIVE,
            "attribute {a:#x}"
        );
        assert_eq!(q[0].ulValueLen, UNAVAILABLE_INFORMATION);
        assert!(buf.iter().all(|&b| b == 0xa5), "attribute {a:#x} leaked");
    }
    let mut bufs: Vec<Vec<u8>> = (0..secrets.len()).map(|_| vec![0x5au8; 512]).collect();
    let mut modulus = vec![0u8; 256];
    let mut q: Vec<CK_ATTRIBUTE> = secrets
        .iter()
        .zip(bufs.iter_mut())
        .map(|(&a, b)| out_entry(a, b))
        .collect();
    q.push(out_entry(CKA_MODULUS, &mut modulus));
    assert_eq!(get_attrs(api, h, private, &mut q), CKR_ATTRIBUTE_SENSITIVE);
    for e in &q[..secrets.len()] {
        assert_eq!(e.ulValueLen, UNAVAILABLE_INFORMATION, "{:#x}", e.r#type);
    }
    assert_eq!(q[secrets.len()].ulValueLen, 256);
    assert_eq!(modulus, f.part("modulus"));
    assert!(bufs.iter().flatten().all(|&b| b == 0x5a));

    // The key works: the known answer of the engine's tests (made with openssl).
    let sig = api.sign(h, CKM_SHA256_RSA_PKCS, private, RSA_KNOWN_MESSAGE);
    assert_eq!(sig, RsaFixture::known_signature());
    assert_eq!(
        api.verify(h, CKM_SHA256_RSA_PKCS, public, RSA_KNOWN_MESSAGE, &sig),
        CKR_OK
    );
}

#[test]
fn create_rsa_keys_with_bad_components() {
    let (_lib, api, h) = setup();
    let f = RsaFixture::load();
    let rsa = CKK_RSA;
    let private_class = CKO_PRIVATE_KEY;
    let public_class = CKO_PUBLIC_KEY;
    let base = [
        attr_ulong(CKA_CLASS, &private_class),
        attr_ulong(CKA_KEY_TYPE, &rsa),
        attr_bytes(CKA_MODULUS, f.part("modulus")),
        attr_bytes(CKA_PUBLIC_EXPONENT, f.part("public_exponent")),
        attr_bytes(CKA_PRIVATE_EXPONENT, f.part("private_exponent")),
    ];
    // One prime without the other.
    let mut t = base.to_vec();
    t.push(attr_bytes(CKA_PRIME_1, f.part("prime1")));
    assert_eq!(api.create(h, &t), Err(CKR_TEMPLATE_INCOMPLETE));
    // A CRT exponent that does not belong to the key.
    let mut wrong = f.part("exponent1").to_vec();
    wrong[7] ^= 1;
    let mut t = base.to_vec();
    t.extend([
        attr_bytes(CKA_PRIME_1, f.part("prime1")),
        attr_bytes(CKA_PRIME_2, f.part("prime2")),
        attr_bytes(CKA_EXPONENT_1, &wrong),
    ]);
    assert_eq!(api.create(h, &t), Err(CKR_ATTRIBUTE_VALUE_INVALID));
    // Missing private exponent, missing modulus.
    assert_eq!(
        api.create(h, &[base[0], base[1], base[2], base[3]]),
        Err(CKR_TEMPLATE_INCOMPLETE)
    );
    assert_eq!(
        api.create(h, &[base[0], base[1], base[3], base[4]]),
        Err(CKR_TEMPLATE_INCOMPLETE)
    );
    // Public key: modulus and exponent both required; 1024 bits is below the supported range.
    assert_eq!(
        api.create(
            h,
            &[
                attr_ulong(CKA_CLASS, &public_class),
                attr_ulong(CKA_KEY_TYPE, &rsa),
                attr_bytes(CKA_MODULUS, f.part("modulus")),
            ]
        ),
        Err(CKR_TEMPLATE_INCOMPLETE)
    );
    assert_eq!(
        api.create(
            h,
            &[
                attr_ulong(CKA_CLASS, &public_class),
                attr_ulong(CKA_KEY_TYPE, &rsa),
                attr_bytes(CKA_MODULUS, &f.part("modulus")[..128]),
                attr_bytes(CKA_PUBLIC_EXPONENT, f.part("public_exponent")),
            ]
        ),
        Err(CKR_ATTRIBUTE_VALUE_INVALID)
    );
    // CKA_MODULUS_BITS is computed for an imported public key.
    let bits: CK_ULONG = 2048;
    assert_eq!(
        api.create(
            h,
            &[
                attr_ulong(CKA_CLASS, &public_class),
                attr_ulong(CKA_KEY_TYPE, &rsa),
                attr_bytes(CKA_MODULUS, f.part("modulus")),
                attr_bytes(CKA_PUBLIC_EXPONENT, f.part("public_exponent")),
                attr_ulong(CKA_MODULUS_BITS, &bits),
            ]
        ),
        Err(CKR_ATTRIBUTE_READ_ONLY)
    );
    assert_eq!(count_objects(api, h), 0, "a failed create left an object");
}

#[test]
fn create_x509_certificate_with_and_without_subject() {
    let (_lib, api, h) = setup();
    let label = *b"Device Cert";
    let without = create_cert(
        api,
        h,
        CERT,
        &[attr_bytes(CKA_LABEL, &label), attr_bool(CKA_TOKEN, &TRUE)],
    )
    .expect("certificate without CKA_SUBJECT");
    assert_eq!(api.attr_ulong(h, without, CKA_CLASS), CKO_CERTIFICATE);
    assert_eq!(api.attr_ulong(h, without, CKA_CERTIFICATE_TYPE), CKC_X_509);
    assert_eq!(api.attr(h, without, CKA_VALUE).unwrap(), CERT);
    assert_eq!(api.attr(h, without, CKA_LABEL).unwrap(), label);
    // The subject, issuer and serial number come from the certificate.
    assert_eq!(api.attr(h, without, CKA_SUBJECT).unwrap(), hex(CERT_NAME));
    assert_eq!(api.attr(h, without, CKA_ISSUER).unwrap(), hex(CERT_NAME));
    assert_eq!(
        api.attr(h, without, CKA_SERIAL_NUMBER).unwrap(),
        hex(CERT_SERIAL)
    );
    // Certificates are public and untrusted by default.
    assert!(!api.attr_bool(h, without, CKA_PRIVATE));
    assert!(!api.attr_bool(h, without, CKA_TRUSTED));
    assert!(api.attr_bool(h, without, CKA_TOKEN));

    let subject = *b"TestSubject";
    let with = create_cert(
        api,
        h,
        CERT,
        &[
            attr_bytes(CKA_LABEL, &label),
            attr_bytes(CKA_SUBJECT, &subject),
        ],
    )
    .expect("certificate with CKA_SUBJECT");
    assert_eq!(api.attr(h, with, CKA_SUBJECT).unwrap(), subject);
    assert_ne!(with, without);

    // The PKCS11_CertificateTemplate_t order (class, subject, type, value, label, token).
    let class = CKO_CERTIFICATE;
    let x509 = CKC_X_509;
    let root_label = *b"Root Cert";
    let reference = api
        .create(
            h,
            &[
                attr_ulong(CKA_CLASS, &class),
                attr_bytes(CKA_SUBJECT, &subject),
                attr_ulong(CKA_CERTIFICATE_TYPE, &x509),
                attr_bytes(CKA_VALUE, CERT),
                attr_bytes(CKA_LABEL, &root_label),
                attr_bool(CKA_TOKEN, &TRUE),
            ],
        )
        .expect("certificate from PKCS11_CertificateTemplate_t");
    assert_eq!(api.attr(h, reference, CKA_LABEL).unwrap(), root_label);

    // Errors: not DER, truncated, trailing data, no value, no or unknown certificate type,
    // CKA_TRUSTED set by the user.
    let mut trailing = CERT.to_vec();
    trailing.push(0);
    for bad in [
        &b"not a certificate"[..],
        &CERT[..CERT.len() - 1],
        &trailing,
    ] {
        assert_eq!(
            create_cert(api, h, bad, &[]),
            Err(CKR_ATTRIBUTE_VALUE_INVALID)
        );
    }
    assert_eq!(
        api.create(
            h,
            &[
                attr_ulong(CKA_CLASS, &class),
                attr_ulong(CKA_CERTIFICATE_TYPE, &x509)
            ]
        ),
        Err(CKR_TEMPLATE_INCOMPLETE)
    );
    assert_eq!(
        api.create(
            h,
            &[attr_ulong(CKA_CLASS, &class), attr_bytes(CKA_VALUE, CERT)]
        ),
        Err(CKR_TEMPLATE_INCOMPLETE)
    );
    let other_type: CK_ULONG = 2; // CKC_X_509_ATTR_CERT
    assert_eq!(
        api.create(
            h,
            &[
                attr_ulong(CKA_CLASS, &class),
                attr_ulong(CKA_CERTIFICATE_TYPE, &other_type),
                attr_bytes(CKA_VALUE, CERT)
            ]
        ),
        Err(CKR_ATTRIBUTE_VALUE_INVALID)
    );
    assert_eq!(
        create_cert(api, h, CERT, &[attr_bool(CKA_TRUSTED, &TRUE)]),
        Err(CKR_ATTRIBUTE_READ_ONLY)
    );
    // CKA_PUBLIC_KEY_INFO is the token's to fill in.
    assert_eq!(
        create_cert(api, h, CERT, &[attr_bytes(CKA_PUBLIC_KEY_INFO, b"x")]),
        Err(CKR_ATTRIBUTE_READ_ONLY)
    );
    assert_eq!(count_objects(api, h), 3);
}

#[test]
fn create_data_objects() {
    let (_lib, api, h) = setup();
    let minimal = create_data(api, h, &[]).expect("CKO_DATA with only CKA_CLASS");
    assert_eq!(api.attr_ulong(h, minimal, CKA_CLASS), CKO_DATA);
    assert_eq!(api.attr(h, minimal, CKA_LABEL).unwrap(), b"");
    assert_eq!(api.attr(h, minimal, CKA_VALUE).unwrap(), b"");
    assert!(!api.attr_bool(h, minimal, CKA_TOKEN));
    assert!(!api.attr_bool(h, minimal, CKA_PRIVATE));
    assert!(api.attr_bool(h, minimal, CKA_MODIFIABLE));

    let label = *b"config";
    let app = *b"my application";
    let value: Vec<u8> = (0..=255u8).collect();
    let full = create_data(
        api,
        h,
        &[
            attr_bytes(CKA_LABEL, &label),
            attr_bytes(CKA_APPLICATION, &app),
            attr_bytes(CKA_VALUE, &value),
            attr_bool(CKA_TOKEN, &TRUE),
            attr_bool(CKA_PRIVATE, &TRUE),
        ],
    )
    .expect("CKO_DATA with value");
    assert_eq!(api.attr(h, full, CKA_LABEL).unwrap(), label);
    assert_eq!(api.attr(h, full, CKA_APPLICATION).unwrap(), app);
    assert_eq!(api.attr(h, full, CKA_VALUE).unwrap(), value);
    assert!(api.attr_bool(h, full, CKA_TOKEN));
    assert!(api.attr_bool(h, full, CKA_PRIVATE));
    // A data object is not a key.
    assert_eq!(
        api.attr(h, full, CKA_KEY_TYPE),
        Err(CKR_ATTRIBUTE_TYPE_INVALID)
    );
    // A label of exactly the maximum length (32) is fine.
    let long_label = [b'L'; 32];
    let o = create_data(api, h, &[attr_bytes(CKA_LABEL, &long_label)]).unwrap();
    assert_eq!(api.attr(h, o, CKA_LABEL).unwrap(), long_label);
}

// ---------------------------------------------------------------------------------------------
// C_CreateObject: template errors
// ---------------------------------------------------------------------------------------------

#[test]
fn create_object_template_errors() {
    let (_lib, api, h) = setup();
    let private_class = CKO_PRIVATE_KEY;
    let data_class = CKO_DATA;
    let cert_class = CKO_CERTIFICATE;
    let ec = CKK_EC;
    let scalar = p256_scalar_one();
    let full = [
        attr_ulong(CKA_CLASS, &private_class),
        attr_ulong(CKA_KEY_TYPE, &ec),
        attr_bytes(CKA_EC_PARAMS, &P256_OID),
        attr_bytes(CKA_VALUE, &scalar),
    ];
    let with = |extra: CK_ATTRIBUTE| {
        let mut t = full.to_vec();
        t.push(extra);
        t
    };
    let without = |kind: CK_ULONG| -> Vec<CK_ATTRIBUTE> {
        full.iter().copied().filter(|a| a.r#type != kind).collect()
    };

    // CKR_TEMPLATE_INCOMPLETE: each required attribute missing; an empty template.
    for missing in [CKA_CLASS, CKA_KEY_TYPE, CKA_EC_PARAMS, CKA_VALUE] {
        assert_eq!(
            api.create(h, &without(missing)),
            Err(CKR_TEMPLATE_INCOMPLETE),
            "without {missing:#x}"
        );
    }
    assert_eq!(api.create(h, &[]), Err(CKR_TEMPLATE_INCOMPLETE));
    assert_eq!(
        create_ec_public(api, h, &[], &[]).and(Ok(())),
        Err(CKR_ATTRIBUTE_VALUE_INVALID)
    );
    let public_class = CKO_PUBLIC_KEY;
    assert_eq!(
        api.create(
            h,
            &[
                attr_ulong(CKA_CLASS, &public_class),
                attr_ulong(CKA_KEY_TYPE, &ec),
                attr_bytes(CKA_EC_PARAMS, &P256_OID),
            ]
        ),
        Err(CKR_TEMPLATE_INCOMPLETE)
    );

    // CKR_ATTRIBUTE_TYPE_INVALID: an unknown (vendor) type; a type of another object kind.
    let one = [1u8];
    for kind in [0x8000_1234, CKA_MODULUS, CKA_EC_POINT, CKA_CERTIFICATE_TYPE] {
        assert_eq!(
            api.create(h, &with(attr_bytes(kind, &one))),
            Err(CKR_ATTRIBUTE_TYPE_INVALID),
            "attribute {kind:#x}"
        );
    }
    assert_eq!(
        create_data(api, h, &[attr_ulong(CKA_KEY_TYPE, &ec)]),
        Err(CKR_ATTRIBUTE_TYPE_INVALID)
    );

    // CKR_ATTRIBUTE_READ_ONLY: attributes only the token sets.
    for kind in [
        CKA_LOCAL,
        CKA_ALWAYS_SENSITIVE,
        CKA_NEVER_EXTRACTABLE,
        CKA_KEY_GEN_MECHANISM,
    ] {
        let value: Vec<u8> = if kind == CKA_KEY_GEN_MECHANISM {
            ulong_bytes(CKM_EC_KEY_PAIR_GEN)
        } else {
            vec![CK_TRUE]
        };
        assert_eq!(
            api.create(h, &with(attr_bytes(kind, &value))),
            Err(CKR_ATTRIBUTE_READ_ONLY),
            "attribute {kind:#x}"
        );
    }

    // CKR_ATTRIBUTE_VALUE_INVALID: malformed values of valid attributes.
    let two = [2u8];
    let empty: [u8; 0] = [];
    let short_ulong = [1u8, 0, 0];
    let zero = [0u8; 32];
    let too_big = [0xffu8; 32];
    let scalar_33 = [1u8; 33];
    let long_label = [b'x'; 33];
    let bad_date = *b"2026-1-1";
    let unknown_key_type: CK_ULONG = 0x1234;
    let unknown_class: CK_ULONG = 0x4444;
    let value_invalid: Vec<(&str, Vec<CK_ATTRIBUTE>)> = vec![
        ("CK_BBOOL 2", with(attr_bytes(CKA_SIGN, &two))),
        ("empty CK_BBOOL", with(attr_bytes(CKA_TOKEN, &empty))),
        ("3-byte CK_ULONG", {
            let mut t = without(CKA_CLASS);
            t.push(attr_bytes(CKA_CLASS, &short_ulong));
            t
        }),
        (
            "label of 33 bytes",
            with(attr_bytes(CKA_LABEL, &long_label)),
        ),
        ("bad CK_DATE", with(attr_bytes(CKA_START_DATE, &bad_date))),
        ("zero scalar", {
            let mut t = without(CKA_VALUE);
            t.push(attr_bytes(CKA_VALUE, &zero));
            t
        }),
        ("scalar >= n", {
            let mut t = without(CKA_VALUE);
            t.push(attr_bytes(CKA_VALUE, &too_big));
            t
        }),
        ("33-byte scalar", {
            let mut t = without(CKA_VALUE);
            t.push(attr_bytes(CKA_VALUE, &scalar_33));
            t
        }),
        ("EC params not DER", {
            let mut t = without(CKA_EC_PARAMS);
            t.push(attr_bytes(CKA_EC_PARAMS, b"\x06\x08\x2a"));
            t
        }),
        ("unknown key type", {
            let mut t = without(CKA_KEY_TYPE);
            t.push(attr_ulong(CKA_KEY_TYPE, &unknown_key_type));
            t
        }),
        ("unknown class", vec![attr_ulong(CKA_CLASS, &unknown_class)]),
        (
            "CKA_ALWAYS_AUTHENTICATE",
            with(attr_bool(CKA_ALWAYS_AUTHENTICATE, &TRUE)),
        ),
    ];
    for (name, t) in &value_invalid {
        assert_eq!(api.create(h, t), Err(CKR_ATTRIBUTE_VALUE_INVALID), "{name}");
    }

    // CKR_TEMPLATE_INCONSISTENT: the same attribute twice with different values.
    assert_eq!(
        api.create(h, &with(attr_ulong(CKA_CLASS, &cert_class))),
        Err(CKR_TEMPLATE_INCONSISTENT)
    );
    assert_eq!(
        create_data(
            api,
            h,
            &[attr_bytes(CKA_LABEL, b"a"), attr_bytes(CKA_LABEL, b"b")]
        ),
        Err(CKR_TEMPLATE_INCONSISTENT)
    );
    // The same value twice is not inconsistent.
    let twice = create_data(
        api,
        h,
        &[
            attr_ulong(CKA_CLASS, &data_class),
            attr_bytes(CKA_LABEL, b"a"),
            attr_bytes(CKA_LABEL, b"a"),
        ],
    )
    .expect("a repeated attribute with equal values");
    assert_eq!(api.destroy(h, twice), CKR_OK);

    // CKR_CURVE_NOT_SUPPORTED: a well-formed OID of another curve, private and public.
    let mut p384 = without(CKA_EC_PARAMS);
    p384.push(attr_bytes(CKA_EC_PARAMS, &P384_OID));
    assert_eq!(api.create(h, &p384), Err(CKR_CURVE_NOT_SUPPORTED));
    assert_eq!(
        api.create(
            h,
            &[
                attr_ulong(CKA_CLASS, &public_class),
                attr_ulong(CKA_KEY_TYPE, &ec),
                attr_bytes(CKA_EC_PARAMS, &P384_OID),
                attr_bytes(CKA_EC_POINT, &ec_point_der(&P256_G)),
            ]
        ),
        Err(CKR_CURVE_NOT_SUPPORTED)
    );

    // Nothing of the above was created; the complete template works.
    assert_eq!(count_objects(api, h), 0);
    api.create(h, &full).expect("the complete template");
    assert_eq!(count_objects(api, h), 1);
}

#[test]
fn create_object_session_and_argument_errors() {
    let (lib, api, h) = setup();
    let ro = api.open_ro();
    let class = CKO_DATA;
    let token_object = [attr_ulong(CKA_CLASS, &class), attr_bool(CKA_TOKEN, &TRUE)];
    // A token object needs a read/write session; a session object does not.
    assert_eq!(api.create(ro, &token_object), Err(CKR_SESSION_READ_ONLY));
    let session_object = api
        .create(ro, &[attr_ulong(CKA_CLASS, &class)])
        .expect("session object in a read-only session");
    assert!(!api.attr_bool(ro, session_object, CKA_TOKEN));
    assert_eq!(
        api.create(0xdead, &token_object),
        Err(CKR_SESSION_HANDLE_INVALID)
    );
    let mut template = token_object;
    let mut o: CK_OBJECT_HANDLE = 0;
    // SAFETY: NULL pointers are rejected before use; the rest is valid.
    unsafe {
        assert_eq!(
            (lib.f.C_CreateObject)(h, template.as_mut_ptr(), 2, null_mut()),
            CKR_ARGUMENTS_BAD
        );
        assert_eq!(
            (lib.f.C_CreateObject)(h, null_mut(), 2, &mut o),
            CKR_ARGUMENTS_BAD
        );
    }
    // NULL value with a nonzero length.
    let bad = [
        attr_ulong(CKA_CLASS, &class),
        CK_ATTRIBUTE {
            r#type: CKA_LABEL,
            pValue: null_mut(),
            ulValueLen: 3,
        },
    ];
    assert_eq!(api.create(h, &bad), Err(CKR_ARGUMENTS_BAD));
    // A NULL value of length 0 is an empty value.
    let empty_label = [
        attr_ulong(CKA_CLASS, &class),
        CK_ATTRIBUTE {
            r#type: CKA_LABEL,
            pValue: null_mut(),
            ulValueLen: 0,
        },
    ];
    let o = api.create(h, &empty_label).unwrap();
    assert_eq!(api.attr(h, o, CKA_LABEL).unwrap(), b"");
}

// ---------------------------------------------------------------------------------------------
// C_DestroyObject, C_GetObjectSize
// ---------------------------------------------------------------------------------------------

#[test]
fn destroy_object() {
    let (_lib, api, h) = setup();
    let token_data = create_data(api, h, &[attr_bool(CKA_TOKEN, &TRUE)]).unwrap();
    let session_data = create_data(api, h, &[]).unwrap();
    let ro = api.open_ro();

    // A token object cannot be destroyed from a read-only session; a session object can.
    assert_eq!(api.destroy(ro, token_data), CKR_SESSION_READ_ONLY);
    assert_eq!(api.destroy(ro, session_data), CKR_OK);
    assert_eq!(api.destroy(h, token_data), CKR_OK);
    for o in [token_data, session_data] {
        assert_eq!(api.destroy(h, o), CKR_OBJECT_HANDLE_INVALID);
        assert_eq!(api.attr(h, o, CKA_CLASS), Err(CKR_OBJECT_HANDLE_INVALID));
    }
    assert_eq!(count_objects(api, h), 0);
    assert_eq!(api.destroy(h, INVALID_HANDLE), CKR_OBJECT_HANDLE_INVALID);
    assert_eq!(api.destroy(h, 0xdead_beef), CKR_OBJECT_HANDLE_INVALID);
    let o = create_data(api, h, &[]).unwrap();
    assert_eq!(api.destroy(0xdead, o), CKR_SESSION_HANDLE_INVALID);

    // CKA_DESTROYABLE false.
    let kept = create_data(api, h, &[attr_bool(CKA_DESTROYABLE, &FALSE)]).unwrap();
    assert_eq!(api.destroy(h, kept), CKR_ACTION_PROHIBITED);
    assert_eq!(api.attr_ulong(h, kept, CKA_CLASS), CKO_DATA);

    // A destroyed key cannot be used.
    let (public, private) = api.generate_ec_minimal(h, b"k", false);
    assert_eq!(api.destroy(h, private), CKR_OK);
    assert_eq!(api.sign_init(h, CKM_ECDSA, private), CKR_KEY_HANDLE_INVALID);
    assert_eq!(api.destroy(h, public), CKR_OK);
    assert_eq!(
        api.verify_init(h, CKM_ECDSA, public),
        CKR_KEY_HANDLE_INVALID
    );
}

#[test]
fn get_object_size() {
    let (lib, api, h) = setup();
    let small = create_data(api, h, &[attr_bytes(CKA_VALUE, b"x")]).unwrap();
    let big_value = vec![7u8; 1000];
    let big = create_data(api, h, &[attr_bytes(CKA_VALUE, &big_value)]).unwrap();
    let size = |o| {
        let mut n: CK_ULONG = 0;
        // SAFETY: `n` is writable.
        let rv = unsafe { (lib.f.C_GetObjectSize)(h, o, &mut n) };
        (rv, n)
    };
    let (rv, small_size) = size(small);
    assert_eq!(rv, CKR_OK);
    assert!(small_size > 0 && small_size != UNAVAILABLE_INFORMATION);
    let (rv, big_size) = size(big);
    assert_eq!(rv, CKR_OK);
    assert!(
        big_size >= small_size + 999,
        "sizes {small_size} and {big_size}"
    );
    assert_eq!(size(0xdead_beef).0, CKR_OBJECT_HANDLE_INVALID);
    let mut n: CK_ULONG = 0;
    // SAFETY: invalid session, then NULL out-pointer: both rejected before use.
    unsafe {
        assert_eq!(
            (lib.f.C_GetObjectSize)(0xdead, small, &mut n),
            CKR_SESSION_HANDLE_INVALID
        );
        assert_eq!(
            (lib.f.C_GetObjectSize)(h, small, null_mut()),
            CKR_ARGUMENTS_BAD
        );
    }
    assert_eq!(api.destroy(h, small), CKR_OK);
    assert_eq!(size(small).0, CKR_OBJECT_HANDLE_INVALID);
}

// ---------------------------------------------------------------------------------------------
// C_GetAttributeValue
// ---------------------------------------------------------------------------------------------

#[test]
fn get_attribute_value_reports_each_entry() {
    let (_lib, api, h) = setup();
    let (_, private) = api.generate_ec_minimal(h, b"my key", false);
    let mut label = [0u8; 16];
    let mut small = [0u8; 2];
    let mut secret = [0x33u8; 32];
    let mut class = [0u8; 8];
    let mut q = [
        out_entry(CKA_LABEL, &mut label),
        out_entry(CKA_VALUE, &mut secret),
        attr_query(CKA_MODULUS),
        out_entry(CKA_LABEL, &mut small),
        attr_query(CKA_KEY_TYPE),
        out_entry(CKA_CLASS, &mut class[..std::mem::size_of::<CK_ULONG>()]),
    ];
    let rv = get_attrs(api, h, private, &mut q);
    // Several cases apply; the standard lets the token return any one of their codes.
    assert!(
        [
            CKR_ATTRIBUTE_SENSITIVE,
            CKR_ATTRIBUTE_TYPE_INVALID,
            CKR_BUFFER_TOO_SMALL
        ]
        .contains(&rv),
        "rv {rv:#x}"
    );
    assert_eq!(q[0].ulValueLen, 6);
    assert_eq!(&label[..6], b"my key");
    assert_eq!(q[1].ulValueLen, UNAVAILABLE_INFORMATION);
    assert!(secret.iter().all(|&b| b == 0x33), "secret written");
    assert_eq!(q[2].ulValueLen, UNAVAILABLE_INFORMATION);
    assert_eq!(q[3].ulValueLen, UNAVAILABLE_INFORMATION);
    assert_eq!(small, [0, 0], "too-small buffer written");
    assert_eq!(q[4].ulValueLen, ULONG_SIZE);
    assert_eq!(q[5].ulValueLen, ULONG_SIZE);
    assert_eq!(
        CK_ULONG::from_ne_bytes(class[..std::mem::size_of::<CK_ULONG>()].try_into().unwrap()),
        CKO_PRIVATE_KEY
    );

    // One cause at a time gives its own code.
    let mut q = [attr_query(CKA_MODULUS), attr_query(CKA_LABEL)];
    assert_eq!(
        get_attrs(api, h, private, &mut q),
        CKR_ATTRIBUTE_TYPE_INVALID
    );
    assert_eq!(
        (q[0].ulValueLen, q[1].ulValueLen),
        (UNAVAILABLE_INFORMATION, 6)
    );
    let mut q = [attr_query(CKA_VALUE), attr_query(CKA_LABEL)];
    assert_eq!(get_attrs(api, h, private, &mut q), CKR_ATTRIBUTE_SENSITIVE);
    assert_eq!(
        (q[0].ulValueLen, q[1].ulValueLen),
        (UNAVAILABLE_INFORMATION, 6)
    );
    let mut small = [0u8; 5];
    let mut q = [out_entry(CKA_LABEL, &mut small), attr_query(CKA_SIGN)];
    assert_eq!(get_attrs(api, h, private, &mut q), CKR_BUFFER_TOO_SMALL);
    assert_eq!(
        (q[0].ulValueLen, q[1].ulValueLen),
        (UNAVAILABLE_INFORMATION, 1)
    );
    assert_eq!(small, [0; 5]);

    // Handles and sessions; an empty template.
    let mut q = [attr_query(CKA_LABEL)];
    assert_eq!(
        get_attrs(api, h, 0xdead_beef, &mut q),
        CKR_OBJECT_HANDLE_INVALID
    );
    assert_eq!(
        get_attrs(api, 0xdead, private, &mut q),
        CKR_SESSION_HANDLE_INVALID
    );
    assert_eq!(get_attrs(api, h, private, &mut []), CKR_OK);
}

#[test]
fn get_attribute_value_lengths_buffers_and_ec_point() {
    let (_lib, api, h) = setup();
    let (public, private) = api.generate_ec_minimal(h, b"Device Pub TLS Key", true);
    // NULL pValue: every entry's length, nothing else.
    let mut q = [
        attr_query(CKA_CLASS),
        attr_query(CKA_KEY_TYPE),
        attr_query(CKA_TOKEN),
        attr_query(CKA_LABEL),
        attr_query(CKA_EC_PARAMS),
        attr_query(CKA_EC_POINT),
        attr_query(CKA_ID),
    ];
    assert_eq!(get_attrs(api, h, public, &mut q), CKR_OK);
    let lens: Vec<CK_ULONG> = q.iter().map(|e| e.ulValueLen).collect();
    assert_eq!(lens, [ULONG_SIZE, ULONG_SIZE, 1, 18, 10, 67, 0]);
    assert!(q.iter().all(|e| e.pValue.is_null()));

    // CKA_EC_POINT: too small by one, exact, larger.
    let mut point = [0u8; 80];
    let mut q = [out_entry(CKA_EC_POINT, &mut point[..66])];
    assert_eq!(get_attrs(api, h, public, &mut q), CKR_BUFFER_TOO_SMALL);
    assert_eq!(q[0].ulValueLen, UNAVAILABLE_INFORMATION);
    assert!(point.iter().all(|&b| b == 0));
    let mut q = [out_entry(CKA_EC_POINT, &mut point[..67])];
    assert_eq!(get_attrs(api, h, public, &mut q), CKR_OK);
    assert_eq!(q[0].ulValueLen, 67);
    assert_eq!(&point[..3], &[0x04, 0x41, 0x04]);
    let exact = point;
    let mut point = [0u8; 80];
    let mut q = [out_entry(CKA_EC_POINT, &mut point)];
    assert_eq!(get_attrs(api, h, public, &mut q), CKR_OK);
    assert_eq!(q[0].ulValueLen, 67);
    assert_eq!(point[..67], exact[..67]);
    assert!(
        point[67..].iter().all(|&b| b == 0),
        "written past the value"
    );

    // A zero-length buffer (non-NULL) for a non-empty value is too small.
    let mut none = [0u8; 1];
    let mut q = [CK_ATTRIBUTE {
        r#type: CKA_LABEL,
        pValue: none.as_mut_ptr().cast(),
        ulValueLen: 0,
    }];
    assert_eq!(get_attrs(api, h, public, &mut q), CKR_BUFFER_TOO_SMALL);
    assert_eq!(q[0].ulValueLen, UNAVAILABLE_INFORMATION);

    // The private key's secret is sensitive; its public attributes are not.
    assert_eq!(
        api.attr(h, private, CKA_VALUE),
        Err(CKR_ATTRIBUTE_SENSITIVE)
    );
    assert_eq!(api.attr(h, private, CKA_EC_PARAMS).unwrap(), P256_OID);
    assert_eq!(
        api.attr(h, private, CKA_LABEL).unwrap(),
        b"Device Pub TLS Key"
    );
}

#[test]
fn get_attribute_value_secret_needs_not_sensitive_and_extractable() {
    let (_lib, api, h) = setup();
    let scalar = p256_scalar_one();
    // Sensitive false and extractable true: the value can be read.
    let open = create_ec_private(
        api,
        h,
        &[
            attr_bool(CKA_SENSITIVE, &FALSE),
            attr_bool(CKA_EXTRACTABLE, &TRUE),
        ],
    )
    .unwrap();
    assert_eq!(api.attr(h, open, CKA_VALUE).unwrap(), scalar);
    // Sensitive false but not extractable (the default): still sensitive.
    let unextractable = create_ec_private(api, h, &[attr_bool(CKA_SENSITIVE, &FALSE)]).unwrap();
    assert_eq!(
        api.attr(h, unextractable, CKA_VALUE),
        Err(CKR_ATTRIBUTE_SENSITIVE)
    );
    // Sensitive and extractable: sensitive.
    let sensitive = create_ec_private(api, h, &[attr_bool(CKA_EXTRACTABLE, &TRUE)]).unwrap();
    assert_eq!(
        api.attr(h, sensitive, CKA_VALUE),
        Err(CKR_ATTRIBUTE_SENSITIVE)
    );
    // Search never matches on a secret value, even a readable one.
    assert!(api
        .find_all(h, &[attr_bytes(CKA_VALUE, &scalar)])
        .is_empty());
}

// ---------------------------------------------------------------------------------------------
// C_SetAttributeValue
// ---------------------------------------------------------------------------------------------

#[test]
fn set_attribute_value_label_and_read_only_attributes() {
    let (_lib, api, h) = setup();
    let (public, private) = api.generate_ec_minimal(h, b"old label", true);
    let new = *b"new label";
    assert_eq!(
        api.set_attrs(h, private, &[attr_bytes(CKA_LABEL, &new)]),
        CKR_OK
    );
    assert_eq!(api.attr(h, private, CKA_LABEL).unwrap(), new);
    assert_eq!(
        api.find_all(h, &[attr_bytes(CKA_LABEL, &new)]),
        vec![private]
    );
    assert_eq!(
        api.find_all(h, &[attr_bytes(CKA_LABEL, b"old label")]),
        vec![public]
    );
    // An empty label and a 32-byte label are fine; 33 bytes is not.
    assert_eq!(
        api.set_attrs(h, public, &[attr_bytes(CKA_LABEL, b"")]),
        CKR_OK
    );
    assert_eq!(api.attr(h, public, CKA_LABEL).unwrap(), b"");
    assert_eq!(
        api.set_attrs(h, public, &[attr_bytes(CKA_LABEL, &[b'a'; 32])]),
        CKR_OK
    );
    assert_eq!(
        api.set_attrs(h, public, &[attr_bytes(CKA_LABEL, &[b'a'; 33])]),
        CKR_ATTRIBUTE_VALUE_INVALID
    );
    // Other modifiable attributes.
    assert_eq!(
        api.set_attrs(
            h,
            private,
            &[attr_bytes(CKA_ID, b"\x01\x02"), attr_bool(CKA_SIGN, &FALSE)]
        ),
        CKR_OK
    );
    assert_eq!(api.attr(h, private, CKA_ID).unwrap(), b"\x01\x02");
    assert!(!api.attr_bool(h, private, CKA_SIGN));

    // Read-only after creation.
    let rsa = CKK_RSA;
    let data_class = CKO_DATA;
    let other_params = P384_OID;
    let point = ec_point_der(&P256_G);
    let mech = ulong_bytes(CKM_ECDSA);
    let read_only: [(&str, CK_OBJECT_HANDLE, CK_ATTRIBUTE); 9] = [
        ("CKA_CLASS", private, attr_ulong(CKA_CLASS, &data_class)),
        ("CKA_KEY_TYPE", private, attr_ulong(CKA_KEY_TYPE, &rsa)),
        ("CKA_TOKEN", private, attr_bool(CKA_TOKEN, &FALSE)),
        ("CKA_PRIVATE", private, attr_bool(CKA_PRIVATE, &FALSE)),
        ("CKA_LOCAL", private, attr_bool(CKA_LOCAL, &FALSE)),
        (
            "CKA_EC_PARAMS",
            public,
            attr_bytes(CKA_EC_PARAMS, &other_params),
        ),
        ("CKA_EC_POINT", public, attr_bytes(CKA_EC_POINT, &point)),
        (
            "CKA_KEY_GEN_MECHANISM",
            public,
            attr_bytes(CKA_KEY_GEN_MECHANISM, &mech),
        ),
        (
            "CKA_ALWAYS_SENSITIVE",
            private,
            attr_bool(CKA_ALWAYS_SENSITIVE, &FALSE),
        ),
    ];
    for (name, o, a) in read_only {
        assert_eq!(api.set_attrs(h, o, &[a]), CKR_ATTRIBUTE_READ_ONLY, "{name}");
    }
    // An attribute the object does not have; a malformed value.
    assert_eq!(
        api.set_attrs(h, private, &[attr_bytes(CKA_MODULUS, b"\x01")]),
        CKR_ATTRIBUTE_TYPE_INVALID
    );
    assert_eq!(
        api.set_attrs(h, private, &[attr_bytes(CKA_SIGN, b"\x01\x00")]),
        CKR_ATTRIBUTE_VALUE_INVALID
    );
    // All or nothing: a failing entry leaves the label unchanged.
    assert_eq!(
        api.set_attrs(
            h,
            private,
            &[
                attr_bytes(CKA_LABEL, b"never"),
                attr_ulong(CKA_KEY_TYPE, &rsa)
            ]
        ),
        CKR_ATTRIBUTE_READ_ONLY
    );
    assert_eq!(api.attr(h, private, CKA_LABEL).unwrap(), new);

    // A token object cannot change from a read-only session.
    let ro = api.open_ro();
    assert_eq!(
        api.set_attrs(ro, private, &[attr_bytes(CKA_LABEL, b"ro")]),
        CKR_SESSION_READ_ONLY
    );
    // CKA_MODIFIABLE false forbids every change.
    let fixed = create_data(api, h, &[attr_bool(CKA_MODIFIABLE, &FALSE)]).unwrap();
    assert_eq!(
        api.set_attrs(h, fixed, &[attr_bytes(CKA_LABEL, b"x")]),
        CKR_ACTION_PROHIBITED
    );
    assert_eq!(
        api.set_attrs(h, 0xdead_beef, &[attr_bytes(CKA_LABEL, b"x")]),
        CKR_OBJECT_HANDLE_INVALID
    );
    assert_eq!(
        api.set_attrs(0xdead, fixed, &[attr_bytes(CKA_LABEL, b"x")]),
        CKR_SESSION_HANDLE_INVALID
    );
}

#[test]
fn set_attribute_value_sensitive_only_to_true_extractable_only_to_false() {
    let (_lib, api, h) = setup();
    let k = create_ec_private(
        api,
        h,
        &[
            attr_bool(CKA_SENSITIVE, &FALSE),
            attr_bool(CKA_EXTRACTABLE, &TRUE),
        ],
    )
    .unwrap();
    assert_eq!(api.attr(h, k, CKA_VALUE).unwrap(), p256_scalar_one());
    // Setting the current value is allowed.
    assert_eq!(
        api.set_attrs(h, k, &[attr_bool(CKA_SENSITIVE, &FALSE)]),
        CKR_OK
    );
    // false → true.
    assert_eq!(
        api.set_attrs(h, k, &[attr_bool(CKA_SENSITIVE, &TRUE)]),
        CKR_OK
    );
    assert!(api.attr_bool(h, k, CKA_SENSITIVE));
    assert_eq!(api.attr(h, k, CKA_VALUE), Err(CKR_ATTRIBUTE_SENSITIVE));
    // true → false is refused.
    assert_eq!(
        api.set_attrs(h, k, &[attr_bool(CKA_SENSITIVE, &FALSE)]),
        CKR_ATTRIBUTE_READ_ONLY
    );
    assert!(api.attr_bool(h, k, CKA_SENSITIVE));
    assert_eq!(api.attr(h, k, CKA_VALUE), Err(CKR_ATTRIBUTE_SENSITIVE));

    // Extractable: true → false, never back.
    assert_eq!(
        api.set_attrs(h, k, &[attr_bool(CKA_EXTRACTABLE, &FALSE)]),
        CKR_OK
    );
    assert!(!api.attr_bool(h, k, CKA_EXTRACTABLE));
    assert_eq!(
        api.set_attrs(h, k, &[attr_bool(CKA_EXTRACTABLE, &TRUE)]),
        CKR_ATTRIBUTE_READ_ONLY
    );
    assert!(!api.attr_bool(h, k, CKA_EXTRACTABLE));
}

// ---------------------------------------------------------------------------------------------
// C_FindObjects
// ---------------------------------------------------------------------------------------------

/// Six objects (the default object limit), several sharing the label "Device Key".
struct Population {
    data_a: CK_OBJECT_HANDLE,
    data_b: CK_OBJECT_HANDLE,
    data_c: CK_OBJECT_HANDLE,
    cert: CK_OBJECT_HANDLE,
    public: CK_OBJECT_HANDLE,
    private: CK_OBJECT_HANDLE,
}

fn populate(api: Api, h: CK_SESSION_HANDLE) -> Population {
    let id = [1u8];
    let p = Population {
        data_a: create_data(
            api,
            h,
            &[
                attr_bytes(CKA_LABEL, b"Device Key"),
                attr_bytes(CKA_APPLICATION, b"app1"),
                attr_bytes(CKA_VALUE, b"value-a"),
                attr_bool(CKA_TOKEN, &TRUE),
            ],
        )
        .unwrap(),
        data_b: create_data(
            api,
            h,
            &[
                attr_bytes(CKA_LABEL, b"Device Key 2"),
                attr_bytes(CKA_APPLICATION, b"app1"),
            ],
        )
        .unwrap(),
        data_c: create_data(
            api,
            h,
            &[
                attr_bytes(CKA_LABEL, b"Device"),
                attr_bytes(CKA_APPLICATION, b"app2"),
            ],
        )
        .unwrap(),
        cert: create_cert(
            api,
            h,
            CERT,
            &[
                attr_bytes(CKA_LABEL, b"Device Key"),
                attr_bool(CKA_TOKEN, &TRUE),
            ],
        )
        .unwrap(),
        public: create_ec_public(
            api,
            h,
            &ec_point_der(&P256_G),
            &[
                attr_bytes(CKA_LABEL, b"Device Key"),
                attr_bytes(CKA_ID, &id),
            ],
        )
        .unwrap(),
        private: create_ec_private(
            api,
            h,
            &[
                attr_bytes(CKA_LABEL, b"Device Key"),
                attr_bytes(CKA_ID, &id),
                attr_bool(CKA_TOKEN, &TRUE),
            ],
        )
        .unwrap(),
    };
    assert_eq!(count_objects(api, h), 6);
    p
}

fn sorted(mut v: Vec<CK_OBJECT_HANDLE>) -> Vec<CK_OBJECT_HANDLE> {
    v.sort_unstable();
    v
}

#[test]
fn find_objects_matches_exactly() {
    let (_lib, api, h) = setup();
    let p = populate(api, h);
    let data = CKO_DATA;
    let cert = CKO_CERTIFICATE;
    let public = CKO_PUBLIC_KEY;
    let private = CKO_PRIVATE_KEY;
    let ec = CKK_EC;
    let rsa = CKK_RSA;
    let id = [1u8];
    let point = ec_point_der(&P256_G);
    let subject = hex(CERT_NAME);
    let cases: Vec<(&str, Vec<CK_ATTRIBUTE>, Vec<CK_OBJECT_HANDLE>)> = vec![
        (
            "label",
            vec![attr_bytes(CKA_LABEL, b"Device Key")],
            vec![p.data_a, p.cert, p.public, p.private],
        ),
        // No prefix match either way.
        (
            "shorter label",
            vec![attr_bytes(CKA_LABEL, b"Device")],
            vec![p.data_c],
        ),
        (
            "longer label",
            vec![attr_bytes(CKA_LABEL, b"Device Key 2")],
            vec![p.data_b],
        ),
        ("prefix", vec![attr_bytes(CKA_LABEL, b"Dev")], vec![]),
        (
            "trailing space",
            vec![attr_bytes(CKA_LABEL, b"Device Key ")],
            vec![],
        ),
        ("case", vec![attr_bytes(CKA_LABEL, b"device key")], vec![]),
        ("empty label", vec![attr_bytes(CKA_LABEL, b"")], vec![]),
        // CKA_CLASS is honoured.
        (
            "label + data",
            vec![
                attr_bytes(CKA_LABEL, b"Device Key"),
                attr_ulong(CKA_CLASS, &data),
            ],
            vec![p.data_a],
        ),
        (
            "label + certificate",
            vec![
                attr_bytes(CKA_LABEL, b"Device Key"),
                attr_ulong(CKA_CLASS, &cert),
            ],
            vec![p.cert],
        ),
        (
            "class + label (order)",
            vec![
                attr_ulong(CKA_CLASS, &private),
                attr_bytes(CKA_LABEL, b"Device Key"),
            ],
            vec![p.private],
        ),
        (
            "data",
            vec![attr_ulong(CKA_CLASS, &data)],
            vec![p.data_a, p.data_b, p.data_c],
        ),
        (
            "public key",
            vec![attr_ulong(CKA_CLASS, &public)],
            vec![p.public],
        ),
        (
            "application",
            vec![attr_bytes(CKA_APPLICATION, b"app1")],
            vec![p.data_a, p.data_b],
        ),
        (
            "token",
            vec![attr_bool(CKA_TOKEN, &TRUE)],
            vec![p.data_a, p.cert, p.private],
        ),
        (
            "session",
            vec![attr_bool(CKA_TOKEN, &FALSE)],
            vec![p.data_b, p.data_c, p.public],
        ),
        (
            "id",
            vec![attr_bytes(CKA_ID, &id)],
            vec![p.public, p.private],
        ),
        (
            "id + public",
            vec![attr_bytes(CKA_ID, &id), attr_ulong(CKA_CLASS, &public)],
            vec![p.public],
        ),
        (
            "key type",
            vec![attr_ulong(CKA_KEY_TYPE, &ec)],
            vec![p.public, p.private],
        ),
        ("rsa", vec![attr_ulong(CKA_KEY_TYPE, &rsa)], vec![]),
        (
            "point",
            vec![attr_bytes(CKA_EC_POINT, &point)],
            vec![p.public],
        ),
        (
            "subject",
            vec![attr_bytes(CKA_SUBJECT, &subject)],
            vec![p.cert],
        ),
        (
            "attribute nobody has",
            vec![attr_bytes(CKA_MODULUS, b"\x01")],
            vec![],
        ),
        (
            "private",
            vec![attr_bool(CKA_PRIVATE, &TRUE)],
            vec![p.private],
        ),
    ];
    for (name, template, want) in &cases {
        assert_eq!(
            api.find_all(h, template),
            sorted(want.clone()),
            "search {name}"
        );
    }

    // Every attribute of data object A matches exactly: the full template finds it, and any
    // one value changed (a byte flipped, cut short, made longer) finds nothing.
    let a_template = [
        attr_ulong(CKA_CLASS, &data),
        attr_bool(CKA_TOKEN, &TRUE),
        attr_bool(CKA_PRIVATE, &FALSE),
        attr_bool(CKA_MODIFIABLE, &TRUE),
        attr_bytes(CKA_LABEL, b"Device Key"),
        attr_bytes(CKA_APPLICATION, b"app1"),
        attr_bytes(CKA_VALUE, b"value-a"),
    ];
    assert_eq!(api.find_all(h, &a_template), vec![p.data_a]);
    for i in 0..a_template.len() {
        let original = api.attr(h, p.data_a, a_template[i].r#type).unwrap();
        let mut flipped = original.clone();
        flipped[0] ^= 1;
        let mut longer = original.clone();
        longer.push(0);
        let shorter = &original[..original.len() - 1];
        for variant in [&flipped[..], &longer[..], shorter] {
            let mut t = a_template.to_vec();
            t[i] = attr_bytes(a_template[i].r#type, variant);
            assert!(
                api.find_all(h, &t).is_empty(),
                "attribute {:#x} = {variant:?} matched",
                a_template[i].r#type
            );
        }
    }

    // Every object, and a search that follows a change of label.
    assert_eq!(
        api.find_all(h, &[]),
        sorted(vec![
            p.data_a, p.data_b, p.data_c, p.cert, p.public, p.private
        ])
    );
    assert_eq!(
        api.set_attrs(h, p.data_c, &[attr_bytes(CKA_LABEL, b"Device Key")]),
        CKR_OK
    );
    assert_eq!(
        api.find_all(h, &[attr_bytes(CKA_LABEL, b"Device Key")]),
        sorted(vec![p.data_a, p.data_c, p.cert, p.public, p.private])
    );
    assert!(api
        .find_all(h, &[attr_bytes(CKA_LABEL, b"Device")])
        .is_empty());
}

#[test]
fn find_objects_returns_any_number_across_calls() {
    let (_lib, api, h) = setup();
    let p = populate(api, h);
    let all = sorted(vec![
        p.data_a, p.data_b, p.data_c, p.cert, p.public, p.private,
    ]);
    // Batches of 1: six calls with one handle each, then none (and none again).
    assert_eq!(api.find_init(h, &[]), CKR_OK);
    let mut got = Vec::new();
    for i in 0..6 {
        let batch = api.find_next(h, 1).unwrap();
        assert_eq!(batch.len(), 1, "call {i}");
        got.extend(batch);
    }
    assert_eq!(api.find_next(h, 1).unwrap(), vec![]);
    assert_eq!(api.find_next(h, 1).unwrap(), vec![]);
    assert_eq!(api.find_final(h), CKR_OK);
    assert_eq!(sorted(got), all);

    // Batches of 3: 3, 3, 0.
    assert_eq!(api.find_init(h, &[]), CKR_OK);
    let first = api.find_next(h, 3).unwrap();
    let second = api.find_next(h, 3).unwrap();
    assert_eq!((first.len(), second.len()), (3, 3));
    assert_eq!(api.find_next(h, 3).unwrap(), vec![]);
    assert_eq!(api.find_final(h), CKR_OK);
    assert_eq!(sorted([first, second].concat()), all);

    // Mixed sizes, a zero-sized request in between (returns nothing, consumes nothing).
    assert_eq!(
        api.find_init(h, &[attr_bytes(CKA_LABEL, b"Device Key")]),
        CKR_OK
    );
    let a = api.find_next(h, 3).unwrap();
    assert_eq!(api.find_next(h, 0).unwrap(), vec![]);
    let b = api.find_next(h, 3).unwrap();
    assert_eq!((a.len(), b.len()), (3, 1));
    assert_eq!(api.find_next(h, 3).unwrap(), vec![]);
    assert_eq!(api.find_final(h), CKR_OK);
    assert_eq!(
        sorted([a, b].concat()),
        sorted(vec![p.data_a, p.cert, p.public, p.private])
    );
    // The helper with batch sizes 1 and 3 agrees.
    assert_eq!(api.find_all_by(h, &[], 1), all);
    assert_eq!(api.find_all_by(h, &[], 3), all);
    assert_eq!(api.find_all_by(h, &[], 100), all);
}

#[test]
fn find_objects_operation_state() {
    let (lib, api, h) = setup();
    let o = create_data(api, h, &[attr_bytes(CKA_LABEL, b"x")]).unwrap();
    // Not initialised.
    assert_eq!(api.find_next(h, 1), Err(CKR_OPERATION_NOT_INITIALIZED));
    assert_eq!(api.find_final(h), CKR_OPERATION_NOT_INITIALIZED);
    // One search at a time per session; other sessions search on their own.
    assert_eq!(api.find_init(h, &[]), CKR_OK);
    assert_eq!(api.find_init(h, &[]), CKR_OPERATION_ACTIVE);
    let other = api.open_rw();
    assert_eq!(api.find_all(other, &[]), vec![o]);
    assert_eq!(api.find_next(h, 4).unwrap(), vec![o]);
    // Final ends it: C_FindObjects and C_FindObjectsFinal are then not initialised.
    assert_eq!(api.find_final(h), CKR_OK);
    assert_eq!(api.find_next(h, 4), Err(CKR_OPERATION_NOT_INITIALIZED));
    assert_eq!(api.find_final(h), CKR_OPERATION_NOT_INITIALIZED);
    // A final before every result was read also ends it.
    assert_eq!(api.find_init(h, &[]), CKR_OK);
    assert_eq!(api.find_final(h), CKR_OK);
    assert_eq!(api.find_next(h, 4), Err(CKR_OPERATION_NOT_INITIALIZED));
    // And a new search can start.
    assert_eq!(api.find_all(h, &[attr_bytes(CKA_LABEL, b"x")]), vec![o]);

    // Argument and session errors.
    assert_eq!(api.find_init(0xdead, &[]), CKR_SESSION_HANDLE_INVALID);
    assert_eq!(api.find_next(0xdead, 1), Err(CKR_SESSION_HANDLE_INVALID));
    assert_eq!(api.find_final(0xdead), CKR_SESSION_HANDLE_INVALID);
    assert_eq!(api.find_init(h, &[]), CKR_OK);
    let mut count: CK_ULONG = 0;
    let mut handles = [0 as CK_OBJECT_HANDLE; 2];
    // SAFETY: NULL pointers are rejected before use.
    unsafe {
        assert_eq!(
            (lib.f.C_FindObjects)(h, handles.as_mut_ptr(), 2, null_mut()),
            CKR_ARGUMENTS_BAD
        );
        assert_eq!(
            (lib.f.C_FindObjects)(h, null_mut(), 2, &mut count),
            CKR_ARGUMENTS_BAD
        );
        assert_eq!(
            (lib.f.C_FindObjectsInit)(other, null_mut(), 1),
            CKR_ARGUMENTS_BAD
        );
    }
    assert_eq!(api.find_final(h), CKR_OK);
}

#[test]
fn session_objects_are_visible_to_every_session_and_die_with_theirs() {
    let (_lib, api, h) = setup();
    let other = api.open_rw();
    let o = create_data(api, other, &[attr_bytes(CKA_LABEL, b"mine")]).unwrap();
    let t = create_data(
        api,
        other,
        &[attr_bytes(CKA_LABEL, b"mine"), attr_bool(CKA_TOKEN, &TRUE)],
    )
    .unwrap();
    assert_eq!(
        api.find_all(h, &[attr_bytes(CKA_LABEL, b"mine")]),
        sorted(vec![o, t])
    );
    assert_eq!(api.attr(h, o, CKA_LABEL).unwrap(), b"mine");
    assert_eq!(api.close(other), CKR_OK);
    // The session object is gone with its session, the token object stays.
    assert_eq!(api.find_all(h, &[attr_bytes(CKA_LABEL, b"mine")]), vec![t]);
    assert_eq!(api.attr(h, o, CKA_LABEL), Err(CKR_OBJECT_HANDLE_INVALID));
}

// ---------------------------------------------------------------------------------------------
// C_GenerateKeyPair
// ---------------------------------------------------------------------------------------------

/// Checks a generated P-256 pair: attributes the token sets, and a signature round trip.
fn check_generated_pair(
    api: Api,
    h: CK_SESSION_HANDLE,
    public: CK_OBJECT_HANDLE,
    private: CK_OBJECT_HANDLE,
) {
    assert_eq!(api.attr_ulong(h, public, CKA_CLASS), CKO_PUBLIC_KEY);
    assert_eq!(api.attr_ulong(h, private, CKA_CLASS), CKO_PRIVATE_KEY);
    for k in [public, private] {
        assert_eq!(api.attr_ulong(h, k, CKA_KEY_TYPE), CKK_EC);
        assert_eq!(api.attr(h, k, CKA_EC_PARAMS).unwrap(), P256_OID);
        assert!(api.attr_bool(h, k, CKA_LOCAL));
        assert_eq!(
            api.attr_ulong(h, k, CKA_KEY_GEN_MECHANISM),
            CKM_EC_KEY_PAIR_GEN
        );
    }
    let point = api.attr(h, public, CKA_EC_POINT).unwrap();
    assert_eq!(point.len(), 67);
    assert_eq!(&point[..3], &[0x04, 0x41, 0x04]);
    let hash = sha256(b"generated");
    let sig = api.sign(h, CKM_ECDSA, private, &hash);
    assert_eq!(api.verify(h, CKM_ECDSA, public, &hash, &sig), CKR_OK);
}

#[test]
fn generate_key_pair_with_reference_minimal_templates() {
    let (_lib, api, h) = setup();
    let label = *b"Device Priv TLS Key";
    let (public, private) = api.generate_ec_minimal(h, &label, true);
    check_generated_pair(api, h, public, private);
    assert_eq!(api.attr(h, public, CKA_LABEL).unwrap(), label);
    assert_eq!(api.attr(h, private, CKA_LABEL).unwrap(), label);
    // What the templates asked for, and the defaults.
    assert!(api.attr_bool(h, private, CKA_TOKEN));
    assert!(api.attr_bool(h, private, CKA_PRIVATE));
    assert!(api.attr_bool(h, private, CKA_SIGN));
    assert!(api.attr_bool(h, public, CKA_VERIFY));
    assert!(!api.attr_bool(h, public, CKA_PRIVATE));
    assert!(!api.attr_bool(h, public, CKA_TOKEN));
    assert!(api.attr_bool(h, private, CKA_SENSITIVE));
    assert!(!api.attr_bool(h, private, CKA_EXTRACTABLE));
    assert!(api.attr_bool(h, private, CKA_ALWAYS_SENSITIVE));
    assert!(api.attr_bool(h, private, CKA_NEVER_EXTRACTABLE));
    assert_eq!(
        api.attr(h, private, CKA_VALUE),
        Err(CKR_ATTRIBUTE_SENSITIVE)
    );
    // Found by label and class the way the corePKCS11 helpers look them up.
    let private_class = CKO_PRIVATE_KEY;
    assert_eq!(
        api.find_all(
            h,
            &[
                attr_bytes(CKA_LABEL, &label),
                attr_ulong(CKA_CLASS, &private_class)
            ]
        ),
        vec![private]
    );
    // Two pairs differ.
    let (public2, _) = api.generate_ec_minimal(h, b"second", false);
    assert_ne!(
        api.attr(h, public, CKA_EC_POINT).unwrap(),
        api.attr(h, public2, CKA_EC_POINT).unwrap()
    );
}

#[test]
fn generate_key_pair_with_full_templates() {
    let (_lib, api, h) = setup();
    let public_class = CKO_PUBLIC_KEY;
    let private_class = CKO_PRIVATE_KEY;
    let ec = CKK_EC;
    let id = *b"\x0a\x0b\x0c";
    for (token, sensitive, extractable) in [(false, false, true), (true, true, false)] {
        let tok = if token { &TRUE } else { &FALSE };
        let sens = if sensitive { &TRUE } else { &FALSE };
        let extr = if extractable { &TRUE } else { &FALSE };
        let public = [
            attr_ulong(CKA_CLASS, &public_class),
            attr_ulong(CKA_KEY_TYPE, &ec),
            attr_bytes(CKA_EC_PARAMS, &P256_OID),
            attr_bytes(CKA_ID, &id),
            attr_bool(CKA_TOKEN, tok),
            attr_bool(CKA_VERIFY, &TRUE),
            attr_bool(CKA_PRIVATE, &FALSE),
            attr_bytes(CKA_LABEL, b"full"),
        ];
        let private = [
            attr_ulong(CKA_CLASS, &private_class),
            attr_ulong(CKA_KEY_TYPE, &ec),
            attr_bytes(CKA_ID, &id),
            attr_bool(CKA_TOKEN, tok),
            attr_bool(CKA_PRIVATE, &TRUE),
            attr_bool(CKA_SENSITIVE, sens),
            attr_bool(CKA_EXTRACTABLE, extr),
            attr_bool(CKA_SIGN, &TRUE),
            attr_bytes(CKA_LABEL, b"full"),
        ];
        let (pubh, privh) = api
            .generate_ec(h, &public, &private)
            .unwrap_or_else(|rv| panic!("token {token}: rv {rv:#x}"));
        check_generated_pair(api, h, pubh, privh);
        for k in [pubh, privh] {
            assert_eq!(api.attr(h, k, CKA_ID).unwrap(), id);
            assert_eq!(api.attr_bool(h, k, CKA_TOKEN), token);
        }
        assert_eq!(api.attr_bool(h, privh, CKA_SENSITIVE), sensitive);
        assert_eq!(api.attr_bool(h, privh, CKA_EXTRACTABLE), extractable);
        assert_eq!(api.attr_bool(h, privh, CKA_ALWAYS_SENSITIVE), sensitive);
        assert_eq!(api.attr_bool(h, privh, CKA_NEVER_EXTRACTABLE), !extractable);
        match api.attr(h, privh, CKA_VALUE) {
            Ok(v) if !sensitive && extractable => assert_eq!(v.len(), 32),
            Err(CKR_ATTRIBUTE_SENSITIVE) if sensitive || !extractable => {}
            other => panic!("CKA_VALUE with sensitive {sensitive}: {other:?}"),
        }
        assert_eq!(api.destroy(h, pubh), CKR_OK);
        assert_eq!(api.destroy(h, privh), CKR_OK);
    }
}

#[test]
fn generate_key_pair_accepts_legacy_ec_params_string() {
    let (_lib, api, h) = setup();
    let ec = CKK_EC;
    // pkcs11ELLIPTIC_CURVE_NISTP256 of older corePKCS11 releases, with and without its NUL.
    for legacy in [&b"1.2.840.10045.3.1.7"[..], &b"1.2.840.10045.3.1.7\0"[..]] {
        let public = [
            attr_ulong(CKA_KEY_TYPE, &ec),
            attr_bool(CKA_VERIFY, &TRUE),
            attr_bytes(CKA_EC_PARAMS, legacy),
            attr_bytes(CKA_LABEL, b"legacy"),
        ];
        let private = [
            attr_ulong(CKA_KEY_TYPE, &ec),
            attr_bool(CKA_TOKEN, &TRUE),
            attr_bool(CKA_PRIVATE, &TRUE),
            attr_bool(CKA_SIGN, &TRUE),
            attr_bytes(CKA_LABEL, b"legacy"),
        ];
        let (pubh, privh) = api
            .generate_ec(h, &public, &private)
            .expect("legacy CKA_EC_PARAMS");
        // Stored in the standard form.
        check_generated_pair(api, h, pubh, privh);
        assert_eq!(api.destroy(h, pubh), CKR_OK);
        assert_eq!(api.destroy(h, privh), CKR_OK);
    }
    // Other text is not a curve.
    let public = [
        attr_ulong(CKA_KEY_TYPE, &ec),
        attr_bytes(CKA_EC_PARAMS, b"1.2.840.10045.3.1.8"),
    ];
    assert_eq!(
        api.generate_ec(h, &public, &[]),
        Err(CKR_ATTRIBUTE_VALUE_INVALID)
    );
}

#[test]
fn generate_key_pair_errors() {
    let (lib, api, h) = setup();
    let ec = CKK_EC;
    let rsa = CKK_RSA;
    let public_class = CKO_PUBLIC_KEY;
    let private_class = CKO_PRIVATE_KEY;
    let p256 = [attr_bytes(CKA_EC_PARAMS, &P256_OID)];
    let scalar = p256_scalar_one();
    let point = ec_point_der(&P256_G);
    let cases: Vec<(&str, Vec<CK_ATTRIBUTE>, Vec<CK_ATTRIBUTE>, CK_RV)> = vec![
        ("no curve", vec![], vec![], CKR_TEMPLATE_INCOMPLETE),
        (
            "P-384",
            vec![
                attr_ulong(CKA_KEY_TYPE, &ec),
                attr_bytes(CKA_EC_PARAMS, &P384_OID),
            ],
            vec![attr_ulong(CKA_KEY_TYPE, &ec)],
            CKR_CURVE_NOT_SUPPORTED,
        ),
        (
            "public key type RSA",
            vec![p256[0], attr_ulong(CKA_KEY_TYPE, &rsa)],
            vec![],
            CKR_TEMPLATE_INCONSISTENT,
        ),
        (
            "private key type RSA",
            p256.to_vec(),
            vec![attr_ulong(CKA_KEY_TYPE, &rsa)],
            CKR_TEMPLATE_INCONSISTENT,
        ),
        (
            "public class private",
            vec![p256[0], attr_ulong(CKA_CLASS, &private_class)],
            vec![],
            CKR_TEMPLATE_INCONSISTENT,
        ),
        (
            "private class public",
            p256.to_vec(),
            vec![attr_ulong(CKA_CLASS, &public_class)],
            CKR_TEMPLATE_INCONSISTENT,
        ),
        (
            "private value given",
            p256.to_vec(),
            vec![attr_bytes(CKA_VALUE, &scalar)],
            CKR_TEMPLATE_INCONSISTENT,
        ),
        (
            "public point given",
            vec![p256[0], attr_bytes(CKA_EC_POINT, &point)],
            vec![],
            CKR_TEMPLATE_INCONSISTENT,
        ),
        (
            "another curve for the private key",
            p256.to_vec(),
            vec![attr_bytes(CKA_EC_PARAMS, &P384_OID)],
            CKR_TEMPLATE_INCONSISTENT,
        ),
        (
            "unknown attribute",
            vec![p256[0], attr_bytes(0x8000_0001, b"x")],
            vec![],
            CKR_ATTRIBUTE_TYPE_INVALID,
        ),
        (
            "computed attribute",
            p256.to_vec(),
            vec![attr_bool(CKA_LOCAL, &TRUE)],
            CKR_ATTRIBUTE_READ_ONLY,
        ),
        (
            "bad boolean",
            p256.to_vec(),
            vec![attr_bytes(CKA_SIGN, b"\x07")],
            CKR_ATTRIBUTE_VALUE_INVALID,
        ),
        (
            "label too long",
            vec![p256[0], attr_bytes(CKA_LABEL, &[b'x'; 33])],
            vec![],
            CKR_ATTRIBUTE_VALUE_INVALID,
        ),
    ];
    for (name, public, private, want) in &cases {
        assert_eq!(api.generate_ec(h, public, private), Err(*want), "{name}");
    }
    // Mechanisms.
    assert_eq!(
        api.generate_pair(h, CKM_ECDSA, &p256, &[]),
        Err(CKR_MECHANISM_INVALID)
    );
    assert_eq!(
        api.generate_pair(h, CKM_RSA_PKCS_KEY_PAIR_GEN, &p256, &[]),
        Err(CKR_MECHANISM_INVALID)
    );
    let mut param = [0u8; 4];
    let mut m = CK_MECHANISM {
        mechanism: CKM_EC_KEY_PAIR_GEN,
        pParameter: param.as_mut_ptr().cast(),
        ulParameterLen: 4,
    };
    let mut public = p256;
    let (mut pubh, mut privh) = (0, 0);
    // SAFETY: valid pointers; then NULL handles (rejected before use).
    unsafe {
        assert_eq!(
            (lib.f.C_GenerateKeyPair)(
                h,
                &mut m,
                public.as_mut_ptr(),
                1,
                null_mut(),
                0,
                &mut pubh,
                &mut privh
            ),
            CKR_MECHANISM_PARAM_INVALID
        );
        let mut m = mechanism(CKM_EC_KEY_PAIR_GEN);
        assert_eq!(
            (lib.f.C_GenerateKeyPair)(
                h,
                &mut m,
                public.as_mut_ptr(),
                1,
                null_mut(),
                0,
                null_mut(),
                &mut privh
            ),
            CKR_ARGUMENTS_BAD
        );
        assert_eq!(
            (lib.f.C_GenerateKeyPair)(
                h,
                &mut m,
                public.as_mut_ptr(),
                1,
                null_mut(),
                0,
                &mut pubh,
                null_mut()
            ),
            CKR_ARGUMENTS_BAD
        );
        assert_eq!(
            (lib.f.C_GenerateKeyPair)(
                h,
                null_mut(),
                public.as_mut_ptr(),
                1,
                null_mut(),
                0,
                &mut pubh,
                &mut privh
            ),
            CKR_ARGUMENTS_BAD
        );
    }
    // Sessions: a token key from a read-only session; an invalid session.
    let ro = api.open_ro();
    assert_eq!(
        api.generate_ec(ro, &p256, &[attr_bool(CKA_TOKEN, &TRUE)]),
        Err(CKR_SESSION_READ_ONLY)
    );
    assert_eq!(
        api.generate_ec(0xdead, &p256, &[]),
        Err(CKR_SESSION_HANDLE_INVALID)
    );
    // Nothing was made by any of the failures.
    assert_eq!(count_objects(api, h), 0);
    // The minimal template that works: just the curve.
    let (pubh, privh) = api.generate_ec(h, &p256, &[]).expect("curve only");
    check_generated_pair(api, h, pubh, privh);
    // Session keys from a read-only session are fine.
    api.generate_ec(ro, &p256, &[])
        .expect("session pair, RO session");
}

#[test]
fn object_limit_is_six_by_default() {
    let (_lib, api, h) = setup();
    let mut objects = Vec::new();
    for i in 0..6u8 {
        let token = if i % 2 == 0 { &TRUE } else { &FALSE };
        let label = [b'0' + i];
        objects.push(
            create_data(
                api,
                h,
                &[attr_bytes(CKA_LABEL, &label), attr_bool(CKA_TOKEN, token)],
            )
            .unwrap_or_else(|rv| panic!("object {i}: rv {rv:#x}")),
        );
    }
    // The seventh object, session or token, and a key pair do not fit.
    assert_eq!(create_data(api, h, &[]), Err(CKR_DEVICE_MEMORY));
    assert_eq!(
        create_data(api, h, &[attr_bool(CKA_TOKEN, &TRUE)]),
        Err(CKR_DEVICE_MEMORY)
    );
    assert_eq!(create_cert(api, h, CERT, &[]), Err(CKR_DEVICE_MEMORY));
    let p256 = [attr_bytes(CKA_EC_PARAMS, &P256_OID)];
    assert_eq!(api.generate_ec(h, &p256, &[]), Err(CKR_DEVICE_MEMORY));
    assert_eq!(count_objects(api, h), 6);
    // With room for one object, a pair still does not fit, and none of it is kept.
    assert_eq!(api.destroy(h, objects.pop().unwrap()), CKR_OK);
    assert_eq!(api.generate_ec(h, &p256, &[]), Err(CKR_DEVICE_MEMORY));
    assert_eq!(count_objects(api, h), 5);
    // With room for two it does.
    assert_eq!(api.destroy(h, objects.pop().unwrap()), CKR_OK);
    let (pubh, privh) = api
        .generate_ec(h, &p256, &[])
        .expect("pair in 2 free slots");
    assert_eq!(count_objects(api, h), 6);
    assert_eq!(create_data(api, h, &[]), Err(CKR_DEVICE_MEMORY));
    // Freeing any object makes room again.
    assert_eq!(api.destroy(h, pubh), CKR_OK);
    assert_eq!(api.destroy(h, privh), CKR_OK);
    create_data(api, h, &[]).expect("room after destroy");
}

// ---------------------------------------------------------------------------------------------
// Signing and verifying
// ---------------------------------------------------------------------------------------------

#[test]
fn ecdsa_sign_and_verify() {
    let (_lib, api, h) = setup();
    let (public, private) = api.generate_ec_minimal(h, b"ecdsa", false);
    let msg = b"The quick brown fox jumps over the lazy dog";
    let hash = sha256(msg);

    let sig = api.sign(h, CKM_ECDSA, private, &hash);
    assert_eq!(sig.len(), 64);
    assert_eq!(api.verify(h, CKM_ECDSA, public, &hash, &sig), CKR_OK);
    // Randomised signatures: two differ, both verify.
    let sig2 = api.sign(h, CKM_ECDSA, private, &hash);
    assert_ne!(sig, sig2);
    assert_eq!(api.verify(h, CKM_ECDSA, public, &hash, &sig2), CKR_OK);
    // CKM_ECDSA over SHA-256(msg) and CKM_ECDSA_SHA256 over msg are the same scheme.
    let hashed = api.sign(h, CKM_ECDSA_SHA256, private, msg);
    assert_eq!(hashed.len(), 64);
    assert_eq!(api.verify(h, CKM_ECDSA, public, &hash, &hashed), CKR_OK);
    assert_eq!(api.verify(h, CKM_ECDSA_SHA256, public, msg, &sig), CKR_OK);
    // Hashes of other lengths (up to 64 bytes) are signed as given.
    for len in [20usize, 48, 64] {
        let data: Vec<u8> = (0..len as u8).collect();
        let s = api.sign(h, CKM_ECDSA, private, &data);
        assert_eq!(api.verify(h, CKM_ECDSA, public, &data, &s), CKR_OK, "{len}");
    }

    // Wrong signature, wrong data, wrong key.
    for i in [0usize, 31, 32, 63] {
        let mut bad = sig.clone();
        bad[i] ^= 0x01;
        assert_eq!(
            api.verify(h, CKM_ECDSA, public, &hash, &bad),
            CKR_SIGNATURE_INVALID,
            "byte {i}"
        );
    }
    assert_eq!(
        api.verify(h, CKM_ECDSA, public, &[0u8; 64], &[0u8; 64]),
        CKR_SIGNATURE_INVALID
    );
    assert_eq!(
        api.verify(h, CKM_ECDSA_SHA256, public, b"another message", &hashed),
        CKR_SIGNATURE_INVALID
    );
    let (other_public, _) = api.generate_ec_minimal(h, b"other", false);
    assert_eq!(
        api.verify(h, CKM_ECDSA, other_public, &hash, &sig),
        CKR_SIGNATURE_INVALID
    );
    // Wrong lengths.
    for len in [0usize, 63, 65, 72] {
        let mut s = sig.clone();
        s.resize(len, 0);
        assert_eq!(
            api.verify(h, CKM_ECDSA, public, &hash, &s),
            CKR_SIGNATURE_LEN_RANGE,
            "length {len}"
        );
    }
    // A DER signature is not the PKCS #11 form.
    let mut der = [0u8; 72];
    der[..64].copy_from_slice(&sig);
    let mut der_len = 0usize;
    // SAFETY: a 72-byte buffer holding the 64-byte raw signature.
    let rc = unsafe {
        core_pkcs11_ffi::PKI_pkcs11SignatureTombedTLSSignature(der.as_mut_ptr(), 72, &mut der_len)
    };
    assert_eq!(rc, 0);
    if der_len != 64 {
        assert_eq!(
            api.verify(h, CKM_ECDSA, public, &hash, &der[..der_len]),
            CKR_SIGNATURE_LEN_RANGE
        );
    }
}

#[test]
fn ecdsa_sha256_multi_part() {
    let (_lib, api, h) = setup();
    let (public, private) = api.generate_ec_minimal(h, b"ecdsa", false);
    let msg: Vec<u8> = (0..1000u32).map(|i| (i * 7) as u8).collect();
    let parts: Vec<&[u8]> = vec![
        &msg[..1],
        &msg[1..1],
        &msg[1..500],
        &msg[500..999],
        &msg[999..],
    ];
    let sig = api.sign_parts(h, CKM_ECDSA_SHA256, private, &parts);
    assert_eq!(sig.len(), 64);
    // Any split verifies, single or multi-part, and so does CKM_ECDSA over the hash.
    assert_eq!(api.verify(h, CKM_ECDSA_SHA256, public, &msg, &sig), CKR_OK);
    assert_eq!(
        api.verify_parts(h, CKM_ECDSA_SHA256, public, &[&msg[..10], &msg[10..]], &sig),
        CKR_OK
    );
    assert_eq!(
        api.verify_parts(h, CKM_ECDSA_SHA256, public, &[&msg], &sig),
        CKR_OK
    );
    assert_eq!(
        api.verify(h, CKM_ECDSA, public, &sha256(&msg), &sig),
        CKR_OK
    );
    // A single-part signature verifies in parts.
    let single = api.sign(h, CKM_ECDSA_SHA256, private, &msg);
    assert_eq!(
        api.verify_parts(h, CKM_ECDSA_SHA256, public, &parts, &single),
        CKR_OK
    );
    // Parts that do not add up to the message, a flipped signature, a wrong length.
    assert_eq!(
        api.verify_parts(h, CKM_ECDSA_SHA256, public, &[&msg[..999]], &sig),
        CKR_SIGNATURE_INVALID
    );
    let mut bad = sig.clone();
    bad[40] ^= 0x80;
    assert_eq!(
        api.verify_parts(h, CKM_ECDSA_SHA256, public, &parts, &bad),
        CKR_SIGNATURE_INVALID
    );
    assert_eq!(
        api.verify_parts(h, CKM_ECDSA_SHA256, public, &parts, &sig[..63]),
        CKR_SIGNATURE_LEN_RANGE
    );
    // The empty message, in zero parts.
    let empty = api.sign_parts(h, CKM_ECDSA_SHA256, private, &[]);
    assert_eq!(api.verify(h, CKM_ECDSA_SHA256, public, b"", &empty), CKR_OK);
    assert_eq!(
        api.verify(h, CKM_ECDSA, public, &sha256(b""), &empty),
        CKR_OK
    );
}

#[test]
fn rsa_pkcs_over_digest_info_and_sha256_rsa_pkcs() {
    let (_lib, api, h) = setup();
    let (public, private) = import_rsa(api, h, b"rsa");
    let want = RsaFixture::known_signature();
    assert_eq!(want.len(), 256);
    let info = digest_info(RSA_KNOWN_MESSAGE);
    assert_eq!(info.len(), 51);

    // CKM_RSA_PKCS over the DigestInfo the caller built (deterministic: the known answer).
    let sig = api.sign(h, CKM_RSA_PKCS, private, &info);
    assert_eq!(sig, want);
    assert_eq!(api.verify(h, CKM_RSA_PKCS, public, &info, &sig), CKR_OK);
    // CKM_SHA256_RSA_PKCS over the message, single and multi-part: the same bytes.
    assert_eq!(
        api.sign(h, CKM_SHA256_RSA_PKCS, private, RSA_KNOWN_MESSAGE),
        want
    );
    let (a, b) = RSA_KNOWN_MESSAGE.split_at(5);
    assert_eq!(
        api.sign_parts(h, CKM_SHA256_RSA_PKCS, private, &[a, b"", b]),
        want
    );
    assert_eq!(
        api.verify(h, CKM_SHA256_RSA_PKCS, public, RSA_KNOWN_MESSAGE, &want),
        CKR_OK
    );
    assert_eq!(
        api.verify_parts(h, CKM_SHA256_RSA_PKCS, public, &[a, b], &want),
        CKR_OK
    );

    // Wrong signatures, data and lengths.
    for i in [0usize, 100, 255] {
        let mut bad = want.clone();
        bad[i] ^= 0x04;
        assert_eq!(
            api.verify(h, CKM_RSA_PKCS, public, &info, &bad),
            CKR_SIGNATURE_INVALID,
            "byte {i}"
        );
    }
    let mut other_info = info;
    other_info[50] ^= 1;
    assert_eq!(
        api.verify(h, CKM_RSA_PKCS, public, &other_info, &want),
        CKR_SIGNATURE_INVALID
    );
    assert_eq!(
        api.verify(h, CKM_SHA256_RSA_PKCS, public, b"other", &want),
        CKR_SIGNATURE_INVALID
    );
    assert_eq!(
        api.verify_parts(h, CKM_SHA256_RSA_PKCS, public, &[a], &want),
        CKR_SIGNATURE_INVALID
    );
    // The raw hash without the DigestInfo is a different input.
    assert_eq!(
        api.verify(h, CKM_RSA_PKCS, public, &info[19..], &want),
        CKR_SIGNATURE_INVALID
    );
    for len in [0usize, 255, 257, 512] {
        let mut s = want.clone();
        s.resize(len, 0);
        assert_eq!(
            api.verify(h, CKM_RSA_PKCS, public, &info, &s),
            CKR_SIGNATURE_LEN_RANGE,
            "length {len}"
        );
    }
    // Input too long for the modulus (more than k - 11 = 245 bytes).
    assert_eq!(api.sign_init(h, CKM_RSA_PKCS, private), CKR_OK);
    let (rv, _, _) = api.sign_raw(h, &[0u8; 246], Some(256));
    assert_eq!(rv, CKR_DATA_LEN_RANGE);
    // 245 bytes is the most that fits.
    let s = api.sign(h, CKM_RSA_PKCS, private, &[0x11u8; 245]);
    assert_eq!(
        api.verify(h, CKM_RSA_PKCS, public, &[0x11u8; 245], &s),
        CKR_OK
    );
}

#[test]
fn length_query_and_buffer_too_small_keep_the_operation() {
    let (_lib, api, h) = setup();
    let (ec_public, ec_private) = api.generate_ec_minimal(h, b"ec", false);
    let (rsa_public, rsa_private) = import_rsa(api, h, b"rsa");
    let cases = [
        (CKM_ECDSA, ec_private, ec_public, 64usize),
        (CKM_RSA_PKCS, rsa_private, rsa_public, 256),
    ];
    for (mech, private, public, n) in cases {
        let data: Vec<u8> = if mech == CKM_ECDSA {
            sha256(b"x").to_vec()
        } else {
            digest_info(b"x").to_vec()
        };
        assert_eq!(api.sign_init(h, mech, private), CKR_OK);
        // NULL output: CKR_OK and the length, twice; the operation stays.
        for _ in 0..2 {
            let (rv, len, _) = api.sign_raw(h, &data, None);
            assert_eq!((rv, len as usize), (CKR_OK, n), "{mech:#x} length query");
        }
        // Too small (by one, and zero): CKR_BUFFER_TOO_SMALL and the length; it stays.
        for cap in [n - 1, 0] {
            let (rv, len, buf) = api.sign_raw(h, &data, Some(cap));
            assert_eq!(
                (rv, len as usize),
                (CKR_BUFFER_TOO_SMALL, n),
                "{mech:#x} cap {cap}"
            );
            assert!(buf.iter().all(|&b| b == 0), "written on too small");
        }
        // A larger buffer: the signature, its length, and the operation ends.
        let (rv, len, buf) = api.sign_raw(h, &data, Some(n + 10));
        assert_eq!((rv, len as usize), (CKR_OK, n));
        assert!(buf[n..].iter().all(|&b| b == 0));
        assert_eq!(api.verify(h, mech, public, &data, &buf[..n]), CKR_OK);
        let (rv, _, _) = api.sign_raw(h, &data, Some(n));
        assert_eq!(rv, CKR_OPERATION_NOT_INITIALIZED, "{mech:#x} after success");
    }

    // The same for C_SignFinal.
    let hashing = [
        (CKM_ECDSA_SHA256, ec_private, ec_public, 64usize),
        (CKM_SHA256_RSA_PKCS, rsa_private, rsa_public, 256),
    ];
    for (mech, private, public, n) in hashing {
        assert_eq!(api.sign_init(h, mech, private), CKR_OK);
        assert_eq!(api.sign_update(h, b"multi"), CKR_OK);
        let (rv, len, _) = api.sign_final_raw(h, None);
        assert_eq!((rv, len as usize), (CKR_OK, n));
        let (rv, len, _) = api.sign_final_raw(h, Some(n - 1));
        assert_eq!((rv, len as usize), (CKR_BUFFER_TOO_SMALL, n));
        // More data may still come after a length query.
        assert_eq!(api.sign_update(h, b"-part"), CKR_OK);
        let (rv, len, sig) = api.sign_final_raw(h, Some(n));
        assert_eq!((rv, len as usize), (CKR_OK, n));
        assert_eq!(api.verify(h, mech, public, b"multi-part", &sig), CKR_OK);
        let (rv, _, _) = api.sign_final_raw(h, Some(n));
        assert_eq!(rv, CKR_OPERATION_NOT_INITIALIZED);
    }
}

#[test]
fn other_errors_end_the_operation() {
    let (_lib, api, h) = setup();
    let (public, private) = api.generate_ec_minimal(h, b"ec", false);
    let hash = sha256(b"x");

    // CKR_DATA_LEN_RANGE from C_Sign (empty input, more than 64 bytes) ends the operation.
    for bad in [&[][..], &[0u8; 65][..]] {
        assert_eq!(api.sign_init(h, CKM_ECDSA, private), CKR_OK);
        let (rv, _, _) = api.sign_raw(h, bad, Some(64));
        assert_eq!(rv, CKR_DATA_LEN_RANGE, "input of {}", bad.len());
        let (rv, _, _) = api.sign_raw(h, &hash, Some(64));
        assert_eq!(rv, CKR_OPERATION_NOT_INITIALIZED);
    }
    // C_SignUpdate on a single-part mechanism fails and ends it.
    assert_eq!(api.sign_init(h, CKM_ECDSA, private), CKR_OK);
    assert_ne!(api.sign_update(h, &hash), CKR_OK);
    let (rv, _, _) = api.sign_raw(h, &hash, Some(64));
    assert_eq!(rv, CKR_OPERATION_NOT_INITIALIZED);
    // C_SignFinal on a single-part mechanism likewise.
    assert_eq!(api.sign_init(h, CKM_ECDSA, private), CKR_OK);
    let (rv, _, _) = api.sign_final_raw(h, Some(64));
    assert_ne!(rv, CKR_OK);
    let (rv, _, _) = api.sign_raw(h, &hash, Some(64));
    assert_eq!(rv, CKR_OPERATION_NOT_INITIALIZED);
    // The key destroyed under a running operation.
    let (_, doomed) = api.generate_ec_minimal(h, b"doomed", false);
    assert_eq!(api.sign_init(h, CKM_ECDSA, doomed), CKR_OK);
    assert_eq!(api.destroy(h, doomed), CKR_OK);
    let (rv, _, _) = api.sign_raw(h, &hash, Some(64));
    assert_eq!(rv, CKR_KEY_HANDLE_INVALID);
    let (rv, _, _) = api.sign_raw(h, &hash, Some(64));
    assert_eq!(rv, CKR_OPERATION_NOT_INITIALIZED);

    // Every C_Verify result ends its operation: success, invalid, length range, data length.
    let sig = api.sign(h, CKM_ECDSA, private, &hash);
    let mut bad = sig.clone();
    bad[5] ^= 1;
    for (data, s, want) in [
        (&hash[..], &sig[..], CKR_OK),
        (&hash[..], &bad[..], CKR_SIGNATURE_INVALID),
        (&hash[..], &sig[..60], CKR_SIGNATURE_LEN_RANGE),
        (&[][..], &sig[..], CKR_DATA_LEN_RANGE),
    ] {
        assert_eq!(api.verify(h, CKM_ECDSA, public, data, s), want);
        assert_eq!(
            api.verify_only(h, &hash, &sig),
            CKR_OPERATION_NOT_INITIALIZED,
            "after {want:#x}"
        );
    }
    // C_VerifyFinal too.
    let hashed = api.sign(h, CKM_ECDSA_SHA256, private, b"m");
    for (s, want) in [
        (&hashed[..], CKR_OK),
        (&bad[..], CKR_SIGNATURE_INVALID),
        (&hashed[..10], CKR_SIGNATURE_LEN_RANGE),
    ] {
        assert_eq!(
            api.verify_parts(h, CKM_ECDSA_SHA256, public, &[b"m"], s),
            want
        );
        assert_eq!(api.verify_final(h, &hashed), CKR_OPERATION_NOT_INITIALIZED);
    }
    // C_VerifyUpdate on a single-part mechanism fails and ends it.
    assert_eq!(api.verify_init(h, CKM_ECDSA, public), CKR_OK);
    assert_ne!(api.verify_update(h, &hash), CKR_OK);
    assert_eq!(
        api.verify_only(h, &hash, &sig),
        CKR_OPERATION_NOT_INITIALIZED
    );
}

// PKCS #11 v2.40, C_Sign: "A call to C_Sign always terminates the active signing operation
// unless it returns CKR_BUFFER_TOO_SMALL or is a successful call (i.e., one which returns
// CKR_OK) to determine the length of the buffer needed to hold the signature." The same holds
// for C_SignFinal, and C_Verify/C_VerifyFinal "always terminate" theirs: CKR_ARGUMENTS_BAD too.

#[test]
fn arguments_bad_in_c_sign_ends_the_operation() {
    let (lib, api, h) = setup();
    let (_, private) = api.generate_ec_minimal(h, b"ec", false);
    let mut hash = sha256(b"x");
    let mut sig = [0u8; 64];
    assert_eq!(api.sign_init(h, CKM_ECDSA, private), CKR_OK);
    // SAFETY: NULL pulSignatureLen is rejected before use.
    let rv = unsafe { (lib.f.C_Sign)(h, hash.as_mut_ptr(), 32, sig.as_mut_ptr(), null_mut()) };
    assert_eq!(rv, CKR_ARGUMENTS_BAD);
    let (rv, _, _) = api.sign_raw(h, &hash, Some(64));
    assert_eq!(
        rv, CKR_OPERATION_NOT_INITIALIZED,
        "C_Sign returning CKR_ARGUMENTS_BAD left the signing operation active"
    );
}

#[test]
fn arguments_bad_in_c_verify_ends_the_operation() {
    let (lib, api, h) = setup();
    let (public, private) = api.generate_ec_minimal(h, b"ec", false);
    let mut hash = sha256(b"x");
    let good = api.sign(h, CKM_ECDSA, private, &hash);
    assert_eq!(api.verify_init(h, CKM_ECDSA, public), CKR_OK);
    // SAFETY: NULL pSignature with a nonzero length is rejected before use.
    let rv = unsafe { (lib.f.C_Verify)(h, hash.as_mut_ptr(), 32, null_bytes(), 64) };
    assert_eq!(rv, CKR_ARGUMENTS_BAD);
    assert_eq!(
        api.verify_only(h, &hash, &good),
        CKR_OPERATION_NOT_INITIALIZED,
        "C_Verify returning CKR_ARGUMENTS_BAD left the verification operation active"
    );
}

#[test]
fn sign_and_verify_init_errors() {
    let (lib, api, h) = setup();
    let (ec_public, ec_private) = api.generate_ec_minimal(h, b"ec", false);
    let (rsa_public, rsa_private) = import_rsa(api, h, b"rsa");
    let data = create_data(api, h, &[]).unwrap();

    // Key of the wrong type for the mechanism, or the wrong class for the operation.
    for (mech, key) in [
        (CKM_ECDSA, rsa_private),
        (CKM_ECDSA_SHA256, rsa_private),
        (CKM_RSA_PKCS, ec_private),
        (CKM_SHA256_RSA_PKCS, ec_private),
        (CKM_ECDSA, ec_public),
        (CKM_RSA_PKCS, rsa_public),
        (CKM_ECDSA, data),
    ] {
        assert_eq!(
            api.sign_init(h, mech, key),
            CKR_KEY_TYPE_INCONSISTENT,
            "C_SignInit {mech:#x} key {key}"
        );
    }
    for (mech, key) in [
        (CKM_ECDSA, rsa_public),
        (CKM_RSA_PKCS, ec_public),
        (CKM_ECDSA, ec_private),
        (CKM_SHA256_RSA_PKCS, rsa_private),
    ] {
        assert_eq!(
            api.verify_init(h, mech, key),
            CKR_KEY_TYPE_INCONSISTENT,
            "C_VerifyInit {mech:#x} key {key}"
        );
    }
    // Unknown handles; a mechanism that does not sign; a parameter where none is taken.
    assert_eq!(
        api.sign_init(h, CKM_ECDSA, 0xdead_beef),
        CKR_KEY_HANDLE_INVALID
    );
    assert_eq!(
        api.verify_init(h, CKM_ECDSA, 0xdead_beef),
        CKR_KEY_HANDLE_INVALID
    );
    assert_eq!(
        api.sign_init(h, CKM_SHA256, ec_private),
        CKR_MECHANISM_INVALID
    );
    assert_eq!(
        api.sign_init(h, CKM_EC_KEY_PAIR_GEN, ec_private),
        CKR_MECHANISM_INVALID
    );
    assert_eq!(
        api.verify_init(h, 0x8000_0000, ec_public),
        CKR_MECHANISM_INVALID
    );
    let mut param = [1u8, 2];
    let mut m = CK_MECHANISM {
        mechanism: CKM_ECDSA,
        pParameter: param.as_mut_ptr().cast(),
        ulParameterLen: 2,
    };
    // SAFETY: a valid mechanism with a 2-byte parameter; then NULL (rejected).
    unsafe {
        assert_eq!(
            (lib.f.C_SignInit)(h, &mut m, ec_private),
            CKR_MECHANISM_PARAM_INVALID
        );
        assert_eq!(
            (lib.f.C_VerifyInit)(h, &mut m, ec_public),
            CKR_MECHANISM_PARAM_INVALID
        );
        assert_eq!(
            (lib.f.C_SignInit)(h, null_mut(), ec_private),
            CKR_ARGUMENTS_BAD
        );
    }
    assert_eq!(
        api.sign_init(0xdead, CKM_ECDSA, ec_private),
        CKR_SESSION_HANDLE_INVALID
    );

    // CKA_SIGN / CKA_VERIFY false.
    assert_eq!(
        api.set_attrs(h, ec_private, &[attr_bool(CKA_SIGN, &FALSE)]),
        CKR_OK
    );
    assert_eq!(
        api.sign_init(h, CKM_ECDSA, ec_private),
        CKR_KEY_FUNCTION_NOT_PERMITTED
    );
    assert_eq!(
        api.set_attrs(h, rsa_public, &[attr_bool(CKA_VERIFY, &FALSE)]),
        CKR_OK
    );
    assert_eq!(
        api.verify_init(h, CKM_SHA256_RSA_PKCS, rsa_public),
        CKR_KEY_FUNCTION_NOT_PERMITTED
    );
    assert_eq!(
        api.set_attrs(h, ec_private, &[attr_bool(CKA_SIGN, &TRUE)]),
        CKR_OK
    );
    assert_eq!(api.sign_init(h, CKM_ECDSA, ec_private), CKR_OK);

    // A second C_SignInit while one is active: CKR_OPERATION_ACTIVE, and the first goes on.
    assert_eq!(
        api.sign_init(h, CKM_ECDSA, ec_private),
        CKR_OPERATION_ACTIVE
    );
    assert_eq!(
        api.sign_init(h, CKM_SHA256_RSA_PKCS, rsa_private),
        CKR_OPERATION_ACTIVE
    );
    let hash = sha256(b"still ecdsa");
    let (rv, len, sig) = api.sign_raw(h, &hash, Some(64));
    assert_eq!((rv, len), (CKR_OK, 64));
    assert_eq!(api.verify_init(h, CKM_ECDSA, ec_public), CKR_OK);
    assert_eq!(
        api.verify_init(h, CKM_ECDSA, ec_public),
        CKR_OPERATION_ACTIVE
    );
    assert_eq!(api.verify_only(h, &hash, &sig), CKR_OK);
    // Operations are per session: sign in one while another verifies.
    let other = api.open_rw();
    assert_eq!(api.sign_init(h, CKM_ECDSA, ec_private), CKR_OK);
    assert_eq!(api.sign_init(other, CKM_ECDSA, ec_private), CKR_OK);
    let (rv, _, _) = api.sign_raw(other, &hash, Some(64));
    assert_eq!(rv, CKR_OK);
    let (rv, _, _) = api.sign_raw(h, &hash, Some(64));
    assert_eq!(rv, CKR_OK);

    // Nothing to continue: not initialised.
    let (rv, _, _) = api.sign_raw(h, &hash, Some(64));
    assert_eq!(rv, CKR_OPERATION_NOT_INITIALIZED);
    assert_eq!(api.sign_update(h, b"x"), CKR_OPERATION_NOT_INITIALIZED);
    let (rv, _, _) = api.sign_final_raw(h, Some(64));
    assert_eq!(rv, CKR_OPERATION_NOT_INITIALIZED);
    assert_eq!(
        api.verify_only(h, &hash, &sig),
        CKR_OPERATION_NOT_INITIALIZED
    );
    assert_eq!(api.verify_update(h, b"x"), CKR_OPERATION_NOT_INITIALIZED);
    assert_eq!(api.verify_final(h, &sig), CKR_OPERATION_NOT_INITIALIZED);
}

#[test]
fn allowed_mechanisms_restrict_a_key() {
    let (_lib, api, h) = setup();
    let allowed: Vec<u8> = ulong_bytes(CKM_ECDSA);
    let k = create_ec_private(api, h, &[attr_bytes(CKA_ALLOWED_MECHANISMS, &allowed)]).unwrap();
    assert_eq!(api.attr(h, k, CKA_ALLOWED_MECHANISMS).unwrap(), allowed);
    assert_eq!(api.sign_init(h, CKM_ECDSA_SHA256, k), CKR_MECHANISM_INVALID);
    let public = create_ec_public(api, h, &P256_G, &[]).unwrap();
    let hash = sha256(b"allowed");
    let sig = api.sign(h, CKM_ECDSA, k, &hash);
    assert_eq!(api.verify(h, CKM_ECDSA, public, &hash, &sig), CKR_OK);
}
