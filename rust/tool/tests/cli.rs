//! The tool's commands, run as a process on temporary images: every success path and the
//! error paths (bad files, unsupported keys, wrong and locked PINs, unknown labels, a full
//! image, an image held by another process).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TOOL: &str = env!("CARGO_BIN_EXE_core-pkcs11-tool");

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn engine_data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../engine/tests/data")
        .join(name)
}

/// A fresh temporary directory, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("core-pkcs11-tool-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
    fn image(&self) -> PathBuf {
        self.path("token.img")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the tool on `image` with `args`; the environment names no host token.
fn run_on(image: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(TOOL);
    cmd.arg("--image").arg(image).args(args);
    clean_env(&mut cmd);
    cmd.output().unwrap()
}

fn clean_env(cmd: &mut Command) {
    cmd.env_remove("CORE_PKCS11_STORE")
        .env_remove("CORE_PKCS11_CONF")
        .env("HOME", "/nonexistent-home")
        .env_remove("XDG_DATA_HOME")
        .env_remove("XDG_CONFIG_HOME");
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[track_caller]
fn ok(o: Output) -> String {
    assert!(
        o.status.success(),
        "expected success, got {:?}\nstdout: {}\nstderr: {}",
        o.status.code(),
        stdout(&o),
        stderr(&o)
    );
    stdout(&o)
}

/// Asserts the run failed with `code` and a message containing `text`; returns stderr.
#[track_caller]
fn fails(o: Output, code: i32, text: &str) -> String {
    let err = stderr(&o);
    assert_eq!(
        o.status.code(),
        Some(code),
        "exit code\nstdout: {}\nstderr: {err}",
        stdout(&o)
    );
    assert!(err.contains(text), "expected '{text}' in stderr: {err}");
    err
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Minimal DER reader for the checks here: (tag, whole element, contents, rest).
fn tlv(input: &[u8]) -> (u8, &[u8], &[u8], &[u8]) {
    let tag = input[0];
    let (len, hdr) = if input[1] < 0x80 {
        (input[1] as usize, 2)
    } else {
        let n = (input[1] & 0x7f) as usize;
        let mut len = 0usize;
        for b in &input[2..2 + n] {
            len = (len << 8) | *b as usize;
        }
        (len, 2 + n)
    };
    (
        tag,
        &input[..hdr + len],
        &input[hdr..hdr + len],
        &input[hdr + len..],
    )
}

fn pem_body(pem: &str, label: &str) -> Vec<u8> {
    use base64::Engine as _;
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = pem.find(&begin).expect("PEM begin") + begin.len();
    let stop = pem.find(&end).expect("PEM end");
    let b64: String = pem[start..stop].split_whitespace().collect();
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap()
}

/// Splits a PKCS #10 request into (CertificationRequestInfo element, its SPKI, signature).
fn csr_parts(der: &[u8]) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let (_, _, body, rest) = tlv(der);
    assert!(rest.is_empty());
    let (_, info, info_body, rest) = tlv(body);
    let (_, _, _, rest) = tlv(rest); // algorithm
    let (tag, _, sig, rest) = tlv(rest);
    assert_eq!(tag, 0x03);
    assert!(rest.is_empty());
    let (_, _, _, r) = tlv(info_body); // version
    let (_, _, _, r) = tlv(r); // subject
    let (_, spki, _, _) = tlv(r);
    (info.to_vec(), spki.to_vec(), sig[1..].to_vec())
}

fn verify_ecdsa(spki: &[u8], message: &[u8], der_signature: &[u8]) {
    use p256::ecdsa::signature::Verifier;
    let point = &spki[spki.len() - 65..];
    let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(point).unwrap();
    let sig = p256::ecdsa::Signature::from_der(der_signature).unwrap();
    key.verify(message, &sig)
        .expect("ECDSA signature of the CSR");
}

fn verify_rsa(spki: &[u8], message: &[u8], signature: &[u8]) {
    use rsa::pkcs8::DecodePublicKey;
    use rsa::signature::Verifier;
    let key = rsa::PublicKey::from_public_key_der(spki).unwrap();
    let verifier = rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(key);
    let sig = rsa::pkcs1v15::Signature::try_from(signature).unwrap();
    verifier
        .verify(message, &sig)
        .expect("RSA signature of the CSR");
}

/// Has the tool write a CSR for key `label` with `subject` to `out`, checks that
/// `openssl req -verify` accepts it (when openssl is installed), and returns its signed
/// part, subject public key info and signature.
fn make_csr(image: &Path, label: &str, subject: &str, out: &Path) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    ok(run_on(
        image,
        &[
            "csr",
            "--label",
            label,
            "--subject",
            subject,
            "--out",
            s(out),
        ],
    ));
    openssl_verifies(out);
    let csr = pem_body(
        &std::fs::read_to_string(out).unwrap(),
        "CERTIFICATE REQUEST",
    );
    csr_parts(&csr)
}

/// When the openssl command is installed, `openssl req -verify` must accept the request.
fn openssl_verifies(csr: &Path) {
    let Ok(o) = Command::new("openssl")
        .args(["req", "-verify", "-noout", "-in"])
        .arg(csr)
        .output()
    else {
        return;
    };
    assert!(
        o.status.success(),
        "openssl req -verify: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn every_command_has_help() {
    for cmd in [
        "info",
        "init",
        "import-key",
        "import-cert",
        "generate",
        "export-pubkey",
        "csr",
        "list",
        "delete",
    ] {
        let o = Command::new(TOOL).args([cmd, "--help"]).output().unwrap();
        let text = ok(o);
        assert!(text.contains("Usage: core-pkcs11-tool"), "{cmd}: {text}");
        assert!(text.contains("--image"), "{cmd}: {text}");
    }
    let top = ok(Command::new(TOOL).arg("--help").output().unwrap());
    assert!(top.contains("Exit codes"));
    // A bad command line is clap's exit code 2.
    let o = Command::new(TOOL).arg("frobnicate").output().unwrap();
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn generate_list_export_csr_delete() {
    let t = Scratch::new("generate");
    let img = t.image();
    fails(run_on(&img, &["info"]), 1, "no token image");
    assert!(!img.exists(), "info must not create an image");

    let out = ok(run_on(&img, &["generate", "--label", "dev", "--id", "01"]));
    assert!(
        out.contains("generated EC P-256 key pair 'dev' (id 01)"),
        "{out}"
    );
    // The same label again is refused.
    fails(
        run_on(&img, &["generate", "--label", "dev"]),
        1,
        "already has a private key labelled 'dev'",
    );
    // RSA generation: the token has no CKM_RSA_PKCS_KEY_PAIR_GEN.
    fails(
        run_on(&img, &["generate", "--label", "r", "--type", "rsa"]),
        1,
        "RSA key generation is not supported by this token",
    );

    let info = ok(run_on(&img, &["info"]));
    assert!(info.contains("the default PIN is in force"), "{info}");
    assert!(
        info.contains("2 (1 private key, 1 public key, 0 certificates, 0 data)"),
        "{info}"
    );
    assert!(info.contains("damaged records: 0"), "{info}");

    let list = ok(run_on(&img, &["list"]));
    assert!(list.contains("private key \"dev\""), "{list}");
    assert!(list.contains("public key \"dev\""), "{list}");
    assert!(list.contains("EC P-256"), "{list}");
    assert!(list.contains("sensitive, not extractable"), "{list}");
    assert!(list.contains("2 objects"), "{list}");

    // export-pubkey: PEM on stdout, DER to a file; the same key.
    let pem = ok(run_on(&img, &["export-pubkey", "--label", "dev"]));
    let from_pem = pem_body(&pem, "PUBLIC KEY");
    let der_file = t.path("dev.der");
    ok(run_on(
        &img,
        &[
            "export-pubkey",
            "--label",
            "dev",
            "--der",
            "--out",
            s(&der_file),
        ],
    ));
    let der = std::fs::read(&der_file).unwrap();
    assert_eq!(from_pem, der);
    assert_eq!(der.len(), 91);

    // csr: signed by the token, checks with the exported key.
    let csr_file = t.path("dev.csr");
    let (info, spki, sig) = make_csr(&img, "dev", "CN=device-1,O=Example", &csr_file);
    assert_eq!(spki, der);
    verify_ecdsa(&spki, &info, &sig);
    fails(
        run_on(&img, &["csr", "--label", "dev", "--subject", "XX=1"]),
        1,
        "unknown subject attribute 'XX'",
    );
    fails(
        run_on(&img, &["csr", "--label", "nope", "--subject", "CN=a"]),
        1,
        "no private key labelled 'nope'",
    );
    fails(
        run_on(&img, &["export-pubkey", "--label", "nope"]),
        1,
        "no object labelled 'nope'",
    );

    // delete: by class, then the rest; unknown labels fail.
    let out = ok(run_on(
        &img,
        &["delete", "--label", "dev", "--class", "public"],
    ));
    assert!(
        out.contains("deleted 1 object labelled 'dev': public key"),
        "{out}"
    );
    fails(
        run_on(&img, &["delete", "--label", "dev", "--class", "cert"]),
        1,
        "no certificate labelled 'dev'",
    );
    fails(
        run_on(&img, &["delete", "--label", "dev", "--id", "02"]),
        1,
        "with id 02",
    );
    ok(run_on(&img, &["delete", "--label", "dev", "--id", "01"]));
    fails(
        run_on(&img, &["delete", "--label", "dev"]),
        1,
        "no object labelled 'dev'",
    );
    assert!(ok(run_on(&img, &["list"])).contains("0 objects"));
}

#[test]
fn import_keys_in_every_format() {
    let t = Scratch::new("import");
    let img = t.image();
    let ec_pub = std::fs::read(data("ec_pub.der")).unwrap();
    let rsa_pub = std::fs::read(data("rsa2048_pub.der")).unwrap();
    let cases: [(&str, PathBuf, &[u8], &str); 7] = [
        ("ec-p8-pem", data("ec_pkcs8.pem"), &ec_pub, "EC P-256"),
        ("ec-p8-der", data("ec_pkcs8.der"), &ec_pub, "EC P-256"),
        ("ec-sec1-pem", data("ec_sec1.pem"), &ec_pub, "EC P-256"),
        ("ec-sec1-der", data("ec_sec1.der"), &ec_pub, "EC P-256"),
        (
            "rsa-p1-pem",
            data("rsa2048_pkcs1.pem"),
            &rsa_pub,
            "RSA-2048",
        ),
        (
            "rsa-p8-der",
            data("rsa2048_pkcs8.der"),
            &rsa_pub,
            "RSA-2048",
        ),
        (
            "rsa-p8-pem",
            engine_data("rsa2048.pem"),
            &rsa_pub,
            "RSA-2048",
        ),
    ];
    for (label, file, public, kind) in &cases {
        let out = ok(run_on(&img, &["import-key", "--label", label, s(file)]));
        assert!(
            out.contains(&format!("imported {kind} private key '{label}'")),
            "{out}"
        );
        let der_file = t.path("pub.der");
        ok(run_on(
            &img,
            &[
                "export-pubkey",
                "--label",
                label,
                "--der",
                "--out",
                s(&der_file),
            ],
        ));
        assert_eq!(&std::fs::read(&der_file).unwrap(), public, "{label}");
    }
    // --no-public, --public-label, --id.
    ok(run_on(
        &img,
        &[
            "import-key",
            "--label",
            "solo",
            "--no-public",
            s(&data("ec_pkcs8.pem")),
        ],
    ));
    ok(run_on(
        &img,
        &[
            "import-key",
            "--label",
            "Device Priv TLS Key",
            "--public-label",
            "Device Pub TLS Key",
            "--id",
            "0x0a:0b",
            s(&data("ec_pkcs8.pem")),
        ],
    ));
    let list = ok(run_on(&img, &["list"]));
    assert!(list.contains("private key \"solo\""), "{list}");
    assert!(!list.contains("public key \"solo\""), "{list}");
    assert!(
        list.contains("public key \"Device Pub TLS Key\"\n  id:      0a0b"),
        "{list}"
    );
    assert!(
        list.contains("private key \"Device Priv TLS Key\"\n  id:      0a0b"),
        "{list}"
    );
    // Imported keys are private, sensitive, not extractable token objects.
    assert!(
        list.contains("token, private, sensitive, not extractable"),
        "{list}"
    );
    assert!(list.contains("RSA-2048 (2048 bits)"), "{list}");
    assert!(list.contains("17 objects"), "{list}");

    // The RSA key signs a CSR the token checks and RSA verifies independently.
    let csr_file = t.path("rsa.csr");
    let (info, spki, sig) = make_csr(&img, "rsa-p1-pem", "/CN=rsa device/C=US", &csr_file);
    assert_eq!(spki, rsa_pub);
    verify_rsa(&spki, &info, &sig);
    // A private key without a public key object of its label: the public half comes from
    // the same id.
    ok(run_on(
        &img,
        &["csr", "--label", "Device Priv TLS Key", "--subject", "CN=x"],
    ));
}

#[test]
fn csr_finds_the_public_key_that_matches() {
    let t = Scratch::new("pairing");
    let img = t.image();
    // corePKCS11's way: the two keys of a pair have different labels and nothing links them
    // (here: different ids); another public key is on the token too.
    ok(run_on(
        &img,
        &["generate", "--label", "other", "--id", "01"],
    ));
    ok(run_on(
        &img,
        &[
            "import-key",
            "--label",
            "Device Priv TLS Key",
            "--no-public",
            "--id",
            "02",
            s(&data("ec_pkcs8.pem")),
        ],
    ));
    ok(run_on(
        &img,
        &[
            "import-key",
            "--label",
            "unrelated",
            "--public-label",
            "Device Pub TLS Key",
            "--id",
            "03",
            s(&data("ec_pkcs8.pem")),
        ],
    ));
    let csr_file = t.path("fw.csr");
    let (info, spki, sig) = make_csr(&img, "Device Priv TLS Key", "CN=fw", &csr_file);
    assert_eq!(spki, std::fs::read(data("ec_pub.der")).unwrap());
    verify_ecdsa(&spki, &info, &sig);
}

#[test]
fn bad_and_unsupported_key_files() {
    let t = Scratch::new("badkeys");
    let img = t.image();
    let garbage = t.path("garbage.bin");
    std::fs::write(&garbage, b"\x01\x02 not a key").unwrap();
    let cases = [
        (data("p384.pem"), "P-384 (secp384r1)"),
        (data("ed25519.pem"), "unsupported key: Ed25519"),
        (data("rsa1024.pem"), "unsupported key: RSA-1024"),
        (data("ec_encrypted.pem"), "the key is encrypted"),
        (data("p256_cert.pem"), "certificates go in with import-cert"),
        (engine_data("p256_cert.der"), "the file holds a certificate"),
        (garbage.clone(), "not a private key"),
        (t.path("missing.pem"), "cannot read"),
    ];
    for (file, text) in &cases {
        let err = fails(
            run_on(&img, &["import-key", "--label", "k", s(file)]),
            1,
            text,
        );
        assert!(err.contains(s(file)), "{err}");
    }
    fails(
        run_on(&img, &["import-cert", "--label", "c", s(&garbage)]),
        1,
        "not an X.509 certificate",
    );
    fails(
        run_on(
            &img,
            &["import-cert", "--label", "c", s(&data("ec_pkcs8.pem"))],
        ),
        1,
        "no certificate in the file (it holds: PRIVATE KEY)",
    );
    fails(
        run_on(
            &img,
            &[
                "import-key",
                "--label",
                "k",
                "--id",
                "xyz",
                s(&data("ec_pkcs8.pem")),
            ],
        ),
        1,
        "bad --id 'xyz'",
    );
    // Nothing was written for any of these.
    assert!(!img.exists());
}

#[test]
fn import_certificates() {
    let t = Scratch::new("certs");
    let img = t.image();
    let out = ok(run_on(
        &img,
        &[
            "import-cert",
            "--label",
            "Root Cert",
            s(&data("p256_cert.pem")),
        ],
    ));
    assert!(out.contains("CN=core-pkcs11-test, O=Test"), "{out}");
    ok(run_on(
        &img,
        &[
            "import-cert",
            "--label",
            "Device Cert",
            "--id",
            "0a",
            s(&engine_data("p256_leaf_v1.der")),
        ],
    ));
    fails(
        run_on(
            &img,
            &[
                "import-cert",
                "--label",
                "Root Cert",
                s(&data("p256_cert.pem")),
            ],
        ),
        1,
        "already has a certificate labelled 'Root Cert'",
    );
    let list = ok(run_on(&img, &["list"]));
    assert!(
        list.contains("certificate \"Device Cert\"\n  id:      0a"),
        "{list}"
    );
    assert!(list.contains("issuer:  CN=core-pkcs11-test-ca"), "{list}");
    // The certificate's public key is exported too.
    let pem = ok(run_on(&img, &["export-pubkey", "--label", "Root Cert"]));
    assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----"));
}

#[test]
fn certificate_takes_the_id_of_its_key() {
    let t = Scratch::new("certid");
    let img = t.image();
    // p256_leaf_v1.der certifies the key whose point is in its SPKI; make a public key object
    // with that point via a key we do not have: instead use a matching pair from OpenSSL when
    // available, else skip.
    let key = t.path("k.pem");
    let cert = t.path("c.pem");
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
        ])
        .args(["-subj", "/CN=pair", "-days", "1", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output();
    if !made.is_ok_and(|o| o.status.success()) {
        eprintln!("openssl not available: skipped");
        return;
    }
    ok(run_on(
        &img,
        &["import-key", "--label", "pair", "--id", "c0ffee", s(&key)],
    ));
    let out = ok(run_on(&img, &["import-cert", "--label", "pair", s(&cert)]));
    assert!(out.contains("id c0ffee"), "{out}");
}

#[test]
fn pins_init_and_lockout() {
    let t = Scratch::new("pins");
    let img = t.image();
    ok(run_on(&img, &["generate", "--label", "before"]));
    fails(
        run_on(&img, &["init", "--label", "t"]),
        3,
        "init needs --so-pin",
    );
    fails(
        run_on(&img, &["init", "--label", "t", "--so-pin", "12345678"]),
        3,
        "init needs the new user PIN",
    );
    fails(
        run_on(
            &img,
            &[
                "init", "--label", "t", "--so-pin", "12345678", "--pin", "12",
            ],
        ),
        3,
        "the user PIN must be 4 to 32 characters long",
    );
    fails(
        run_on(
            &img,
            &[
                "init",
                "--label",
                &"x".repeat(33),
                "--so-pin",
                "12345678",
                "--pin",
                "1234",
            ],
        ),
        1,
        "at most 32",
    );
    let out = ok(run_on(
        &img,
        &[
            "init", "--label", "my token", "--so-pin", "12345678", "--pin", "1234",
        ],
    ));
    assert!(
        out.contains("every object deleted, SO PIN set, user PIN set"),
        "{out}"
    );
    let info = ok(run_on(&img, &["info"]));
    assert!(info.contains("label:           my token"), "{info}");
    assert!(info.contains("token initialized"), "{info}");
    assert!(info.contains("SO PIN:          set"), "{info}");
    assert!(info.contains("private objects not counted"), "{info}");

    // The default PIN is no longer in force: commands that need a login say so.
    fails(
        run_on(&img, &["generate", "--label", "k"]),
        3,
        "this needs the user PIN",
    );
    ok(run_on(&img, &["--pin", "1234", "generate", "--label", "k"]));
    // --pin-env.
    let mut cmd = Command::new(TOOL);
    cmd.args(["--image", s(&img), "--pin-env", "TOOL_TEST_PIN", "list"]);
    clean_env(&mut cmd);
    let list = ok(cmd.env("TOOL_TEST_PIN", "1234").output().unwrap());
    assert!(list.contains("private key \"k\""), "{list}");
    fails(
        run_on(&img, &["--pin-env", "TOOL_TEST_UNSET_PIN", "list"]),
        3,
        "TOOL_TEST_UNSET_PIN is not set",
    );
    // Without a PIN, list shows only public objects.
    let list = ok(run_on(&img, &["list"]));
    assert!(!list.contains("private key"), "{list}");
    assert!(list.contains("private objects hidden"), "{list}");

    // Wrong PINs count down, then the PIN locks.
    fails(
        run_on(&img, &["--pin", "9999", "list"]),
        3,
        "wrong PIN (9 tries left)",
    );
    assert!(ok(run_on(&img, &["info"])).contains("1 wrong in a row, 9 tries left"));
    // A right PIN resets the count.
    ok(run_on(&img, &["--pin", "1234", "list"]));
    for left in (1..=9).rev() {
        let expected = if left == 1 {
            "wrong PIN (1 try left)".to_string()
        } else {
            format!("wrong PIN ({left} tries left)")
        };
        fails(run_on(&img, &["--pin", "0000", "info"]), 3, &expected);
    }
    fails(run_on(&img, &["--pin", "0000", "info"]), 3, "PIN locked");
    fails(run_on(&img, &["--pin", "1234", "list"]), 3, "PIN locked");
    assert!(ok(run_on(&img, &["info"])).contains("user PIN:        locked"));

    // The SO re-initialises: a wrong SO PIN is refused, the right one unlocks.
    fails(
        run_on(
            &img,
            &[
                "init", "--label", "t2", "--so-pin", "87654321", "--pin", "4321",
            ],
        ),
        3,
        "wrong SO PIN",
    );
    let out = ok(run_on(
        &img,
        &[
            "init", "--label", "t2", "--so-pin", "12345678", "--pin", "4321",
        ],
    ));
    assert!(out.contains("SO PIN checked"), "{out}");
    assert!(ok(run_on(&img, &["--pin", "4321", "list"])).contains("0 objects"));
}

#[test]
fn host_token_location_is_the_modules() {
    let t = Scratch::new("location");
    let img = t.path("sub/host.img");
    let mut cmd = Command::new(TOOL);
    clean_env(&mut cmd);
    let o = cmd
        .env("CORE_PKCS11_STORE", &img)
        .args(["generate", "--label", "k"])
        .output()
        .unwrap();
    ok(o);
    assert!(img.exists());
    let mut cmd = Command::new(TOOL);
    clean_env(&mut cmd);
    let conf = t.path("core-pkcs11.conf");
    std::fs::write(&conf, format!("store = {}\n", img.display())).unwrap();
    let list = ok(cmd
        .env("CORE_PKCS11_CONF", &conf)
        .arg("list")
        .output()
        .unwrap());
    assert!(list.contains("private key \"k\""), "{list}");
    let mut cmd = Command::new(TOOL);
    clean_env(&mut cmd);
    fails(
        cmd.env("CORE_PKCS11_STORE", ":memory:")
            .arg("info")
            .output()
            .unwrap(),
        1,
        "keeps the host token in RAM",
    );
}

#[test]
fn image_in_use_by_another_process() {
    let t = Scratch::new("lock");
    let img = t.image();
    ok(run_on(&img, &["generate", "--label", "k"]));
    // Hold the image the way the PKCS #11 module does between C_Initialize and C_Finalize.
    let held = core_pkcs11_ffi::host_store::open_image(&img).unwrap();
    let start = std::time::Instant::now();
    let err = fails(run_on(&img, &["list"]), 4, "is in use by another process");
    assert!(start.elapsed() >= core_pkcs11_ffi::host_store::LOCK_WAIT);
    // The wait shows progress after a second.
    assert!(err.contains("waiting for the token image"), "{err}");
    drop(held);
    ok(run_on(&img, &["list"]));
}

/// A structurally valid X.509 certificate DER with a `filler`-byte extension (the token
/// checks the structure, not the signature).
fn big_certificate(filler: usize, serial: u8) -> Vec<u8> {
    fn el(tag: u8, value: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        let len = value.len();
        if len < 0x80 {
            out.push(len as u8);
        } else if len < 0x100 {
            out.extend_from_slice(&[0x81, len as u8]);
        } else if len < 0x10000 {
            out.extend_from_slice(&[0x82, (len >> 8) as u8, len as u8]);
        } else {
            out.extend_from_slice(&[0x83, (len >> 16) as u8, (len >> 8) as u8, len as u8]);
        }
        out.extend_from_slice(value);
        out
    }
    let name = el(
        0x30,
        &el(
            0x31,
            &el(
                0x30,
                &[&el(0x06, &[0x55, 4, 3])[..], &el(0x0c, b"big")[..]].concat(),
            ),
        ),
    );
    let alg = el(
        0x30,
        &el(0x06, &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02]),
    );
    let validity = el(
        0x30,
        &[
            &el(0x17, b"250101000000Z")[..],
            &el(0x17, b"350101000000Z")[..],
        ]
        .concat(),
    );
    let cert = std::fs::read(engine_data("p256_cert.der")).unwrap();
    // The SubjectPublicKeyInfo of the engine's test certificate (offset 167, 91 bytes).
    let spki = &cert[167..167 + 91];
    let extension = el(
        0xa3,
        &el(
            0x30,
            &el(
                0x30,
                &[
                    &el(0x06, &[0x2a, 0x03])[..],
                    &el(0x04, &vec![0x5a; filler])[..],
                ]
                .concat(),
            ),
        ),
    );
    let tbs = el(
        0x30,
        &[
            &el(0xa0, &el(0x02, &[2]))[..],
            &el(0x02, &[serial])[..],
            &alg[..],
            &name[..],
            &validity[..],
            &name[..],
            spki,
            &extension[..],
        ]
        .concat(),
    );
    el(
        0x30,
        &[&tbs[..], &alg[..], &el(0x03, &[0, 0x30, 0x00])[..]].concat(),
    )
}

#[test]
fn full_image_is_reported() {
    let t = Scratch::new("full");
    let img = t.image();
    let file = t.path("big.der");
    std::fs::write(&file, big_certificate(40_000, 1)).unwrap();
    // 1 MiB image: about 25 certificates of 40 KB fit.
    let mut imported = 0;
    let last = loop {
        let o = run_on(
            &img,
            &[
                "import-cert",
                "--label",
                &format!("big {imported}"),
                s(&file),
            ],
        );
        if !o.status.success() {
            break o;
        }
        imported += 1;
        assert!(imported < 40, "the image never filled up");
    };
    assert!(imported >= 15, "only {imported} certificates fitted");
    fails(last, 5, "the token image is full (CKR_DEVICE_MEMORY)");
    // Still usable: delete one, and a small object fits again.
    ok(run_on(&img, &["delete", "--label", "big 0"]));
    ok(run_on(
        &img,
        &["import-cert", "--label", "small", s(&data("p256_cert.pem"))],
    ));
    let info = ok(run_on(&img, &["info"]));
    assert!(info.contains("damaged records: 0"), "{info}");
}
