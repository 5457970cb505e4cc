//! Interoperability with the `openssl` command-line tool: keys made by OpenSSL sign on the
//! token with byte-identical RSA signatures, OpenSSL's ECDSA signatures (DER) verify on the
//! token after the PKI helper converts them, and the token's signatures verify in OpenSSL.
//!
//! `openssl` must be installed (`scripts/install-deps.sh` installs it): without it these tests
//! fail, they are never skipped.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

// ---------------------------------------------------------------------------------------------
// Temporary directories and the openssl tool
// ---------------------------------------------------------------------------------------------

/// A directory of its own for one test, removed when dropped (also when the test fails).
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let path =
            std::env::temp_dir().join(format!("core-pkcs11-{}-{}", std::process::id(), name));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }

    fn path(&self, file: &str) -> PathBuf {
        self.0.join(file)
    }

    fn write(&self, file: &str, bytes: &[u8]) {
        std::fs::write(self.path(file), bytes).expect("write temp file");
    }

    fn read(&self, file: &str) -> Vec<u8> {
        std::fs::read(self.path(file)).expect("read temp file")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `openssl args…` in `dir`; panics if the tool is missing.
fn openssl_output(dir: &Path, args: &[&str]) -> Output {
    Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run the `openssl` command-line tool ({e}); \
                 install it (scripts/install-deps.sh) — these tests need it"
            )
        })
}

/// Runs `openssl args…` in `dir` and asserts it succeeded; returns its standard output.
fn openssl(dir: &TempDir, args: &[&str]) -> String {
    let out = openssl_output(&dir.0, args);
    assert!(
        out.status.success(),
        "openssl {} failed ({}):\n{}{}",
        args.join(" "),
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `openssl dgst -sha256 -verify pub -signature sig msg`: true when OpenSSL accepts it.
fn openssl_verifies(dir: &TempDir, public_pem: &str, signature: &str, message: &str) -> bool {
    let out = openssl_output(
        &dir.0,
        &[
            "dgst",
            "-sha256",
            "-verify",
            public_pem,
            "-signature",
            signature,
            message,
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    if out.status.success() {
        assert!(stdout.contains("Verified OK"), "openssl said {stdout}");
        true
    } else {
        // A verification failure, not some other problem (a key it could not read, …).
        assert!(
            stdout.contains("Verification failure")
                || String::from_utf8_lossy(&out.stderr).contains("Verification failure"),
            "openssl dgst -verify failed for another reason:\n{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        false
    }
}

#[test]
fn openssl_is_installed() {
    let dir = TempDir::new("version");
    let version = openssl(&dir, &["version"]);
    assert!(
        version.contains("OpenSSL"),
        "openssl version said {version}"
    );
}

// ---------------------------------------------------------------------------------------------
// DER and PEM, as much as the tests need
// ---------------------------------------------------------------------------------------------

/// One DER element: (tag, contents, rest). Definite lengths, short or long form.
fn der_read(input: &[u8]) -> (u8, &[u8], &[u8]) {
    assert!(input.len() >= 2, "DER: truncated header");
    let tag = input[0];
    let (len, header) = match input[1] {
        n if n < 0x80 => (n as usize, 2),
        n => {
            let count = (n & 0x7f) as usize;
            assert!((1..=4).contains(&count), "DER: length of {count} bytes");
            let len = input[2..2 + count]
                .iter()
                .fold(0usize, |acc, &b| (acc << 8) | b as usize);
            (len, 2 + count)
        }
    };
    assert!(input.len() >= header + len, "DER: element past the end");
    (tag, &input[header..header + len], &input[header + len..])
}

/// The elements of a SEQUENCE's contents.
fn der_elements(mut contents: &[u8]) -> Vec<(u8, &[u8])> {
    let mut out = Vec::new();
    while !contents.is_empty() {
        let (tag, value, rest) = der_read(contents);
        out.push((tag, value));
        contents = rest;
    }
    out
}

/// An INTEGER's contents as an unsigned big-endian number (sign byte removed).
fn unsigned(integer: &[u8]) -> Vec<u8> {
    let first = integer
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(integer.len() - 1);
    integer[first..].to_vec()
}

/// The components of an RSA private key from PKCS #1 `RSAPrivateKey` DER (or PKCS #8
/// `PrivateKeyInfo` wrapping one): n, e, d, p, q, dp, dq, qinv.
fn rsa_components(der: &[u8]) -> Vec<Vec<u8>> {
    let (tag, contents, rest) = der_read(der);
    assert_eq!((tag, rest.len()), (0x30, 0), "not one SEQUENCE");
    let elements = der_elements(contents);
    if elements.len() == 3 && elements[1].0 == 0x30 && elements[2].0 == 0x04 {
        // PrivateKeyInfo { version, AlgorithmIdentifier, OCTET STRING { RSAPrivateKey } }.
        return rsa_components(elements[2].1);
    }
    assert_eq!(elements.len(), 9, "RSAPrivateKey has 9 INTEGERs");
    assert!(elements.iter().all(|(t, _)| *t == 0x02));
    assert_eq!(elements[0].1, [0], "two-prime version");
    elements[1..].iter().map(|(_, v)| unsigned(v)).collect()
}

/// The private scalar of a SEC1 `ECPrivateKey` (DER).
fn ec_private_scalar(der: &[u8]) -> Vec<u8> {
    let (tag, contents, _) = der_read(der);
    assert_eq!(tag, 0x30);
    let elements = der_elements(contents);
    assert_eq!(elements[0], (0x02, &[1u8][..]), "ECPrivateKey version 1");
    assert_eq!(elements[1].0, 0x04);
    elements[1].1.to_vec()
}

/// SubjectPublicKeyInfo of a P-256 key up to its point: SEQUENCE { SEQUENCE { id-ecPublicKey,
/// prime256v1 }, BIT STRING { 00, 04 ‖ X ‖ Y } }.
const P256_SPKI_PREFIX: &str = "3059301306072a8648ce3d020106082a8648ce3d030107034200";

/// Standard base64 with padding.
fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A PEM block.
fn pem(label: &str, der: &[u8]) -> String {
    let b64 = base64(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

#[test]
fn test_helpers_base64_and_der() {
    assert_eq!(base64(b""), "");
    assert_eq!(base64(b"f"), "Zg==");
    assert_eq!(base64(b"fo"), "Zm8=");
    assert_eq!(base64(b"foo"), "Zm9v");
    assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    let long = [0x30, 0x81, 0x03, 1, 2, 3, 0x05, 0x00];
    let (tag, value, rest) = der_read(&long);
    assert_eq!(
        (tag, value, rest),
        (0x30, &[1u8, 2, 3][..], &[0x05u8, 0x00][..])
    );
    assert_eq!(unsigned(&[0x00, 0x80]), [0x80]);
    assert_eq!(unsigned(&[0x00]), [0x00]);
}

// ---------------------------------------------------------------------------------------------
// PKI helpers
// ---------------------------------------------------------------------------------------------

/// DER (OpenSSL, mbedTLS) → raw r ‖ s with the bounded `PKI_mbedTLSSignatureToPkcs11Signature`.
fn der_to_raw(der: &[u8]) -> [u8; 64] {
    let mut raw = [0u8; 64];
    // SAFETY: `raw` is 64 writable bytes, `der` readable for its length.
    let rc = unsafe {
        core_pkcs11_ffi::PKI_mbedTLSSignatureToPkcs11Signature(
            raw.as_mut_ptr(),
            raw.len(),
            der.as_ptr(),
            der.len(),
        )
    };
    assert_eq!(rc, 0, "PKI_mbedTLSSignatureToPkcs11Signature({der:02x?})");
    raw
}

/// Raw r ‖ s → DER with the bounded `PKI_pkcs11SignatureTombedTLSSignature` (in place).
fn raw_to_der(raw: &[u8]) -> Vec<u8> {
    assert_eq!(raw.len(), 64);
    let mut buf = [0u8; 72];
    buf[..64].copy_from_slice(raw);
    let mut len = 0usize;
    // SAFETY: a 72-byte buffer holding the raw signature; `len` writable.
    let rc = unsafe {
        core_pkcs11_ffi::PKI_pkcs11SignatureTombedTLSSignature(buf.as_mut_ptr(), 72, &mut len)
    };
    assert_eq!(rc, 0, "PKI_pkcs11SignatureTombedTLSSignature");
    assert!((8..=72).contains(&len));
    buf[..len].to_vec()
}

// ---------------------------------------------------------------------------------------------
// RSA
// ---------------------------------------------------------------------------------------------

/// Imports n, e, d (and the CRT values if `crt`) as a private key; returns its handle.
fn import_rsa_private(
    api: Api,
    h: CK_SESSION_HANDLE,
    c: &[Vec<u8>],
    crt: bool,
) -> CK_OBJECT_HANDLE {
    let class = CKO_PRIVATE_KEY;
    let rsa = CKK_RSA;
    let mut template = vec![
        attr_ulong(CKA_CLASS, &class),
        attr_ulong(CKA_KEY_TYPE, &rsa),
        attr_bool(CKA_SIGN, &TRUE),
        attr_bytes(CKA_MODULUS, &c[0]),
        attr_bytes(CKA_PUBLIC_EXPONENT, &c[1]),
        attr_bytes(CKA_PRIVATE_EXPONENT, &c[2]),
    ];
    if crt {
        for (kind, value) in [
            CKA_PRIME_1,
            CKA_PRIME_2,
            CKA_EXPONENT_1,
            CKA_EXPONENT_2,
            CKA_COEFFICIENT,
        ]
        .into_iter()
        .zip(&c[3..])
        {
            template.push(attr_bytes(kind, value));
        }
    }
    api.create(h, &template)
        .unwrap_or_else(|rv| panic!("C_CreateObject(RSA private, crt {crt}): rv {rv:#x}"))
}

#[test]
fn rsa_key_from_openssl_signs_like_openssl() {
    let lib = Lib::initialized();
    let api = lib.api();
    let h = lib.user_session();
    let dir = TempDir::new("rsa");
    openssl(
        &dir,
        &[
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-out",
            "key.pem",
        ],
    );
    openssl(
        &dir,
        &[
            "rsa",
            "-in",
            "key.pem",
            "-outform",
            "DER",
            "-traditional",
            "-out",
            "key.der",
        ],
    );
    openssl(
        &dir,
        &["rsa", "-in", "key.pem", "-pubout", "-out", "pub.pem"],
    );
    let c = rsa_components(&dir.read("key.der"));
    assert_eq!(c.len(), 8);
    assert_eq!(c[0].len(), 256, "2048-bit modulus");
    // The parser read what openssl reads.
    let modulus = openssl(&dir, &["rsa", "-in", "key.pem", "-noout", "-modulus"]);
    let modulus = modulus.trim().strip_prefix("Modulus=").expect("Modulus=");
    assert_eq!(hex(&modulus.to_lowercase()), c[0]);

    let private = import_rsa_private(api, h, &c, true);
    let public_class = CKO_PUBLIC_KEY;
    let rsa = CKK_RSA;
    let public = api
        .create(
            h,
            &[
                attr_ulong(CKA_CLASS, &public_class),
                attr_ulong(CKA_KEY_TYPE, &rsa),
                attr_bytes(CKA_MODULUS, &c[0]),
                attr_bytes(CKA_PUBLIC_EXPONENT, &c[1]),
            ],
        )
        .expect("C_CreateObject(RSA public)");
    assert_eq!(api.attr_ulong(h, public, CKA_MODULUS_BITS), 2048);

    let message: Vec<u8> = b"interoperability with openssl dgst -sha256 -sign\n"
        .iter()
        .copied()
        .cycle()
        .take(5000)
        .collect();
    dir.write("msg.bin", &message);

    // OpenSSL signs; the token's CKM_SHA256_RSA_PKCS signature is the same bytes (PKCS #1
    // v1.5 is deterministic), single and multi-part.
    openssl(
        &dir,
        &[
            "dgst",
            "-sha256",
            "-sign",
            "key.pem",
            "-out",
            "openssl.sig",
            "msg.bin",
        ],
    );
    let theirs = dir.read("openssl.sig");
    assert_eq!(theirs.len(), 256);
    let ours = api.sign(h, CKM_SHA256_RSA_PKCS, private, &message);
    assert_eq!(ours, theirs, "CKM_SHA256_RSA_PKCS differs from openssl");
    let parts: Vec<&[u8]> = message.chunks(999).collect();
    assert_eq!(
        api.sign_parts(h, CKM_SHA256_RSA_PKCS, private, &parts),
        theirs
    );
    // CKM_RSA_PKCS over the DigestInfo built with vAppendSHA256AlgorithmIdentifierSequence.
    let hash = sha256(&message);
    let mut info = [0u8; 51];
    // SAFETY: 32 readable and 51 writable bytes.
    let rv = unsafe {
        core_pkcs11_ffi::vAppendSHA256AlgorithmIdentifierSequence(hash.as_ptr(), info.as_mut_ptr())
    };
    assert_eq!(rv, CKR_OK);
    assert_eq!(api.sign(h, CKM_RSA_PKCS, private, &info), theirs);
    // And OpenSSL's raw PKCS #1 v1.5 signature of that DigestInfo is the same too.
    dir.write("info.bin", &info);
    openssl(
        &dir,
        &[
            "pkeyutl",
            "-sign",
            "-inkey",
            "key.pem",
            "-pkeyopt",
            "rsa_padding_mode:pkcs1",
            "-in",
            "info.bin",
            "-out",
            "pkeyutl.sig",
        ],
    );
    assert_eq!(dir.read("pkeyutl.sig"), theirs);

    // OpenSSL verifies ours; the token verifies theirs.
    dir.write("ours.sig", &ours);
    assert!(openssl_verifies(&dir, "pub.pem", "ours.sig", "msg.bin"));
    assert_eq!(
        api.verify(h, CKM_SHA256_RSA_PKCS, public, &message, &theirs),
        CKR_OK
    );
    assert_eq!(api.verify(h, CKM_RSA_PKCS, public, &info, &theirs), CKR_OK);

    // A flipped byte is rejected by both.
    for i in [0usize, 128, 255] {
        let mut bad = ours.clone();
        bad[i] ^= 0x10;
        dir.write("bad.sig", &bad);
        assert!(
            !openssl_verifies(&dir, "pub.pem", "bad.sig", "msg.bin"),
            "openssl accepted a flipped byte {i}"
        );
        assert_eq!(
            api.verify(h, CKM_SHA256_RSA_PKCS, public, &message, &bad),
            CKR_SIGNATURE_INVALID,
            "token accepted a flipped byte {i}"
        );
    }
    let mut other = message.clone();
    other[0] ^= 1;
    dir.write("other.bin", &other);
    assert!(!openssl_verifies(&dir, "pub.pem", "ours.sig", "other.bin"));
    assert_eq!(
        api.verify(h, CKM_SHA256_RSA_PKCS, public, &other, &ours),
        CKR_SIGNATURE_INVALID
    );

    // Without the CRT values the token completes the key and signs the same.
    let bare = import_rsa_private(api, h, &c, false);
    assert_eq!(api.sign(h, CKM_SHA256_RSA_PKCS, bare, &message), theirs);
}

// ---------------------------------------------------------------------------------------------
// ECDSA
// ---------------------------------------------------------------------------------------------

#[test]
fn openssl_ecdsa_signatures_verify_on_the_token() {
    let lib = Lib::initialized();
    let api = lib.api();
    let h = lib.user_session();
    let dir = TempDir::new("ecdsa-openssl");
    openssl(
        &dir,
        &[
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-noout",
            "-out",
            "ec.pem",
        ],
    );
    openssl(
        &dir,
        &[
            "ec", "-in", "ec.pem", "-pubout", "-outform", "DER", "-out", "pub.der",
        ],
    );
    openssl(&dir, &["ec", "-in", "ec.pem", "-pubout", "-out", "pub.pem"]);
    let spki = dir.read("pub.der");
    assert_eq!(spki.len(), 91);
    assert_eq!(spki[..26], hex(P256_SPKI_PREFIX)[..], "P-256 SPKI prefix");
    let point: [u8; 65] = spki[26..].try_into().unwrap();
    assert_eq!(point[0], 0x04);

    // The public key on the token, CKA_EC_POINT as the DER OCTET STRING.
    let public_class = CKO_PUBLIC_KEY;
    let ec = CKK_EC;
    let point_der = ec_point_der(&point);
    let public = api
        .create(
            h,
            &[
                attr_ulong(CKA_CLASS, &public_class),
                attr_ulong(CKA_KEY_TYPE, &ec),
                attr_bytes(CKA_EC_PARAMS, &P256_OID),
                attr_bytes(CKA_EC_POINT, &point_der),
                attr_bytes(CKA_LABEL, b"openssl key"),
            ],
        )
        .expect("C_CreateObject(EC public from openssl)");
    assert_eq!(api.attr(h, public, CKA_EC_POINT).unwrap(), point_der);

    // Several messages, so the DER lengths vary (r and s with or without a sign byte).
    for i in 0..6 {
        let message = format!("message {i} signed by openssl\n").repeat(i + 1);
        let message = message.as_bytes();
        dir.write("msg.bin", message);
        openssl(
            &dir,
            &[
                "dgst", "-sha256", "-sign", "ec.pem", "-out", "sig.der", "msg.bin",
            ],
        );
        let der = dir.read("sig.der");
        assert_eq!(der[0], 0x30, "openssl's signature is DER");
        let raw = der_to_raw(&der);
        // The helper's way back gives the same DER.
        assert_eq!(raw_to_der(&raw), der);

        let hash = sha256(message);
        assert_eq!(api.verify(h, CKM_ECDSA, public, &hash, &raw), CKR_OK, "{i}");
        assert_eq!(
            api.verify(h, CKM_ECDSA_SHA256, public, message, &raw),
            CKR_OK,
            "{i}"
        );
        let (a, b) = message.split_at(message.len() / 3);
        assert_eq!(
            api.verify_parts(h, CKM_ECDSA_SHA256, public, &[a, b], &raw),
            CKR_OK,
            "{i}"
        );
        // A flipped byte, in r or in s: rejected by the token, and by openssl in DER form.
        for j in [3usize, 40] {
            let mut bad = raw;
            bad[j] ^= 0x01;
            assert_eq!(
                api.verify(h, CKM_ECDSA, public, &hash, &bad),
                CKR_SIGNATURE_INVALID
            );
            assert_eq!(
                api.verify(h, CKM_ECDSA_SHA256, public, message, &bad),
                CKR_SIGNATURE_INVALID
            );
            dir.write("bad.der", &raw_to_der(&bad));
            assert!(!openssl_verifies(&dir, "pub.pem", "bad.der", "msg.bin"));
        }
        let mut bad_der = der.clone();
        let last = bad_der.len() - 1;
        bad_der[last] ^= 0x01;
        dir.write("bad.der", &bad_der);
        assert!(!openssl_verifies(&dir, "pub.pem", "bad.der", "msg.bin"));
        assert_eq!(
            api.verify(h, CKM_ECDSA, public, &hash, &der_to_raw(&bad_der)),
            CKR_SIGNATURE_INVALID
        );
    }

    // OpenSSL's private key imported into the token signs what OpenSSL's public key accepts.
    openssl(
        &dir,
        &["ec", "-in", "ec.pem", "-outform", "DER", "-out", "key.der"],
    );
    let scalar = ec_private_scalar(&dir.read("key.der"));
    assert_eq!(scalar.len(), 32);
    let private_class = CKO_PRIVATE_KEY;
    let private = api
        .create(
            h,
            &[
                attr_ulong(CKA_CLASS, &private_class),
                attr_ulong(CKA_KEY_TYPE, &ec),
                attr_bytes(CKA_EC_PARAMS, &P256_OID),
                attr_bytes(CKA_VALUE, &scalar),
            ],
        )
        .expect("C_CreateObject(EC private from openssl)");
    let message = b"signed on the token with openssl's key";
    dir.write("msg2.bin", message);
    let raw = api.sign(h, CKM_ECDSA_SHA256, private, message);
    dir.write("tok.der", &raw_to_der(&raw));
    assert!(openssl_verifies(&dir, "pub.pem", "tok.der", "msg2.bin"));
}

#[test]
fn token_ecdsa_signatures_verify_in_openssl() {
    let lib = Lib::initialized();
    let api = lib.api();
    let h = lib.user_session();
    let dir = TempDir::new("ecdsa-token");
    let (public, private) = api.generate_ec_minimal(h, b"Device Priv TLS Key", true);

    // The public key for OpenSSL: the fixed SPKI prefix and the 65-byte point.
    let point = api.attr(h, public, CKA_EC_POINT).unwrap();
    assert_eq!(point.len(), 67);
    assert_eq!(&point[..3], &[0x04, 0x41, 0x04]);
    let mut spki = hex(P256_SPKI_PREFIX);
    spki.extend_from_slice(&point[2..]);
    dir.write("tok.pem", pem("PUBLIC KEY", &spki).as_bytes());
    // OpenSSL reads it back as the same key.
    openssl(
        &dir,
        &[
            "pkey",
            "-pubin",
            "-in",
            "tok.pem",
            "-outform",
            "DER",
            "-out",
            "check.der",
        ],
    );
    assert_eq!(dir.read("check.der"), spki);

    for i in 0..6 {
        let message = format!("message {i} signed by the token\n").repeat(3 * i + 1);
        let message = message.as_bytes();
        dir.write("msg.bin", message);
        // CKM_ECDSA_SHA256 over the message and CKM_ECDSA over its hash.
        let by_message = if i % 2 == 0 {
            api.sign(h, CKM_ECDSA_SHA256, private, message)
        } else {
            let (a, b) = message.split_at(7);
            api.sign_parts(h, CKM_ECDSA_SHA256, private, &[a, b])
        };
        let by_hash = api.sign(h, CKM_ECDSA, private, &sha256(message));
        for raw in [&by_message, &by_hash] {
            assert_eq!(raw.len(), 64);
            let der = raw_to_der(raw);
            assert_eq!(der_to_raw(&der)[..], raw[..]);
            dir.write("sig.der", &der);
            assert!(
                openssl_verifies(&dir, "tok.pem", "sig.der", "msg.bin"),
                "openssl rejected the token's signature {i}"
            );
            // A flipped byte of the raw signature: rejected by both.
            let mut bad = raw.clone();
            bad[10 + i] ^= 0x02;
            assert_eq!(
                api.verify(h, CKM_ECDSA_SHA256, public, message, &bad),
                CKR_SIGNATURE_INVALID
            );
            dir.write("bad.der", &raw_to_der(&bad));
            assert!(
                !openssl_verifies(&dir, "tok.pem", "bad.der", "msg.bin"),
                "openssl accepted a flipped signature {i}"
            );
            // A flipped byte of the message: rejected by both.
            let mut other = message.to_vec();
            other[0] ^= 0x20;
            dir.write("other.bin", &other);
            assert!(!openssl_verifies(&dir, "tok.pem", "sig.der", "other.bin"));
            assert_eq!(
                api.verify(h, CKM_ECDSA_SHA256, public, &other, raw),
                CKR_SIGNATURE_INVALID
            );
        }
    }
}
