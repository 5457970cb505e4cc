//! The commands.

use crate::asn1::{self, tag};
use crate::device::{image_path, Device, Login};
use crate::error::{Failure, Result, EXIT_PIN};
use crate::keyfile::{self, PrivateKey};
use crate::objects::{self, class_name, find_labelled, hex, parse_id, ulong_bytes};
use crate::progress::with_progress;
use crate::{Cli, Command};
use core_pkcs11_engine::ck::*;
use core_pkcs11_engine::{Attribute, Mechanism, Output};
use std::io::Write;
use std::path::Path;
use zeroize::Zeroizing;

/// The global options every command may use.
struct Globals {
    pin: Option<Zeroizing<Vec<u8>>>,
    so_pin: Option<Zeroizing<Vec<u8>>>,
}

impl Globals {
    fn pin(&self) -> Option<&[u8]> {
        self.pin.as_ref().map(|p| &p[..])
    }
}

/// Runs the command line.
pub fn run(cli: Cli) -> Result<()> {
    let pin = match (&cli.pin, &cli.pin_env) {
        (Some(p), _) => Some(Zeroizing::new(p.as_bytes().to_vec())),
        (None, Some(var)) => match std::env::var(var) {
            Ok(v) => Some(Zeroizing::new(v.into_bytes())),
            Err(_) => {
                return Err(Failure::with_code(
                    EXIT_PIN,
                    format!("--pin-env {var}: the environment variable {var} is not set"),
                ))
            }
        },
        (None, None) => None,
    };
    let globals = Globals {
        pin,
        so_pin: cli
            .so_pin
            .as_ref()
            .map(|p| Zeroizing::new(p.as_bytes().to_vec())),
    };
    let path = image_path(cli.image.as_deref())?;
    match cli.command {
        Command::Info => info(&path, &globals),
        Command::Init(a) => init(&path, &globals, &a.label),
        Command::ImportKey(a) => import_key(
            &path,
            &globals,
            &a.label,
            a.public_label.as_deref(),
            a.id.as_deref(),
            !a.no_public,
            &a.file,
        ),
        Command::ImportCert(a) => import_cert(&path, &a.label, a.id.as_deref(), &a.file),
        Command::Generate(a) => generate(
            &path,
            &globals,
            &a.label,
            a.public_label.as_deref(),
            a.id.as_deref(),
            a.key_type,
        ),
        Command::ExportPubkey(a) => {
            export_pubkey(&path, &globals, &a.label, a.out.as_deref(), a.der)
        }
        Command::Csr(a) => csr(&path, &globals, &a.label, &a.subject, a.out.as_deref()),
        Command::List => list(&path, &globals),
        Command::Delete(a) => delete(&path, &globals, &a.label, a.class, a.id.as_deref()),
    }
}

/// Text of a blank-padded `CK_UTF8CHAR` field.
fn padded(field: &[u8]) -> String {
    String::from_utf8_lossy(field).trim_end().to_string()
}

const TOKEN_FLAGS: &[(Ulong, &str)] = &[
    (CKF_RNG, "RNG"),
    (CKF_WRITE_PROTECTED, "write protected"),
    (CKF_LOGIN_REQUIRED, "login required"),
    (CKF_USER_PIN_INITIALIZED, "user PIN initialized"),
    (CKF_TOKEN_INITIALIZED, "token initialized"),
    (CKF_USER_PIN_COUNT_LOW, "user PIN count low"),
    (CKF_USER_PIN_FINAL_TRY, "user PIN final try"),
    (CKF_USER_PIN_LOCKED, "user PIN locked"),
    (CKF_USER_PIN_TO_BE_CHANGED, "user PIN to be changed"),
];

fn info(path: &Path, g: &Globals) -> Result<()> {
    let mut d = Device::open(path, false)?;
    let login = d.login(g.pin(), false)?;
    let info = d.info();
    let state = d.state();
    let flags: Vec<&str> = TOKEN_FLAGS
        .iter()
        .filter(|(f, _)| info.flags & f != 0)
        .map(|(_, n)| *n)
        .collect();
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    println!("image:           {} ({} KiB)", path.display(), size / 1024);
    println!("label:           {}", padded(&info.label));
    println!("manufacturer:    {}", padded(&info.manufacturer_id));
    println!("model:           {}", padded(&info.model));
    println!("serial:          {}", padded(&info.serial_number));
    println!("flags:           {}", flags.join(", "));
    let failures = state.as_ref().map(|s| s.user_failures).unwrap_or(0);
    let user_pin = if info.flags & CKF_USER_PIN_LOCKED != 0 {
        "locked (too many wrong PINs)".to_string()
    } else {
        let base = if d.default_pin_in_force() {
            "the default PIN is in force"
        } else {
            "set"
        };
        if failures > 0 {
            format!(
                "{base}; {failures} wrong in a row, {} tries left",
                d.tries_left()
            )
        } else {
            base.to_string()
        }
    };
    println!("user PIN:        {user_pin}");
    let so = match state.as_ref().map(|s| s.so_pin.is_some()) {
        Some(true) => "set",
        _ => "not set (the token was never initialised)",
    };
    println!("SO PIN:          {so}");
    println!("PIN length:      {}-{}", info.min_pin_len, info.max_pin_len);
    let all = d.find(&[])?;
    let mut counts = [0usize; 4];
    for &o in &all {
        match d.ulong(o, CKA_CLASS) {
            Some(CKO_PRIVATE_KEY) => counts[0] += 1,
            Some(CKO_PUBLIC_KEY) => counts[1] += 1,
            Some(CKO_CERTIFICATE) => counts[2] += 1,
            _ => counts[3] += 1,
        }
    }
    println!(
        "objects:         {} ({}, {}, {}, {} data){}",
        all.len(),
        plural(counts[0], "private key", "private keys"),
        plural(counts[1], "public key", "public keys"),
        plural(counts[2], "certificate", "certificates"),
        counts[3],
        if login == Login::Nobody {
            "; private objects not counted (not logged in: give --pin)"
        } else {
            ""
        }
    );
    println!("damaged records: {}", d.token.damaged_records());
    Ok(())
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn pin_len_check(d: &Device, what: &str, pin: &[u8]) -> Result<()> {
    let (min, max) = (d.config.min_pin_len, d.config.max_pin_len);
    if pin.len() < min || pin.len() > max {
        return Err(Failure::with_code(
            EXIT_PIN,
            format!("the {what} must be {min} to {max} characters long"),
        ));
    }
    Ok(())
}

fn init(path: &Path, g: &Globals, label: &str) -> Result<()> {
    let so_pin = g
        .so_pin
        .as_ref()
        .ok_or_else(|| Failure::with_code(EXIT_PIN, "init needs --so-pin PIN"))?;
    let user_pin = g.pin().ok_or_else(|| {
        Failure::with_code(
            EXIT_PIN,
            "init needs the new user PIN: --pin PIN or --pin-env VAR",
        )
    })?;
    if label.len() > 32 {
        return Err(Failure::new(format!(
            "the token label is {} bytes long; at most 32",
            label.len()
        )));
    }
    let mut d = Device::open(path, true)?;
    pin_len_check(&d, "user PIN", user_pin)?;
    let initialised_before = d.state().is_some_and(|s| s.so_pin.is_some());
    if !initialised_before {
        pin_len_check(&d, "SO PIN", so_pin)?;
    }
    let session = d.session;
    d.token
        .close_session(session)
        .map_err(|rv| Failure::token("C_CloseSession", rv))?;
    let label32 = core_pkcs11_engine::info::blank_padded::<32>(label.as_bytes());
    d.token
        .init_token(so_pin, &label32)
        .map_err(|rv| match rv {
            CKR_PIN_INCORRECT => Failure::with_code(EXIT_PIN, "wrong SO PIN"),
            rv => Failure::token("C_InitToken", rv),
        })?;
    d.session = d
        .token
        .open_session(CKF_SERIAL_SESSION | CKF_RW_SESSION)
        .map_err(|rv| Failure::token("C_OpenSession", rv))?;
    d.token
        .login(d.session, CKU_SO, so_pin)
        .map_err(|rv| Failure::token("C_Login (SO)", rv))?;
    d.token
        .init_pin(d.session, user_pin)
        .map_err(|rv| Failure::token("C_InitPIN", rv))?;
    d.token
        .logout(d.session)
        .map_err(|rv| Failure::token("C_Logout", rv))?;
    println!(
        "initialised token '{label}' on {}: every object deleted, SO PIN {}, user PIN set",
        path.display(),
        if initialised_before { "checked" } else { "set" }
    );
    Ok(())
}

/// An owned template: attribute types and value bytes.
#[derive(Default)]
struct Template(Vec<(Ulong, Zeroizing<Vec<u8>>)>);

impl Template {
    fn add(mut self, kind: Ulong, value: &[u8]) -> Self {
        self.0.push((kind, Zeroizing::new(value.to_vec())));
        self
    }
    fn ulong(self, kind: Ulong, value: Ulong) -> Self {
        self.add(kind, &ulong_bytes(value))
    }
    fn flag(self, kind: Ulong, value: bool) -> Self {
        self.add(kind, &[u8::from(value)])
    }
    fn attributes(&self) -> Vec<Attribute<'_>> {
        self.0
            .iter()
            .map(|(k, v)| Attribute::new(*k, &v[..]))
            .collect()
    }
}

fn refuse_duplicate(d: &mut Device, label: &str, class: Ulong) -> Result<()> {
    if !find_labelled(d, label, Some(class), None)?.is_empty() {
        return Err(Failure::new(format!(
            "the token already has a {} labelled '{label}': delete it first \
             (core-pkcs11-tool delete --label '{label}' --class {})",
            class_name(class),
            match class {
                CKO_PRIVATE_KEY => "private",
                CKO_PUBLIC_KEY => "public",
                CKO_CERTIFICATE => "cert",
                _ => "data",
            }
        )));
    }
    Ok(())
}

/// The key templates of an imported key: (private, public, the public key for the id).
fn key_templates(key: &PrivateKey) -> Result<(Template, Template, Vec<u8>)> {
    match key {
        PrivateKey::EcP256 { scalar } => {
            let signing = core_pkcs11_engine::key::ec_private_from_value(scalar).map_err(|_| {
                Failure::new("invalid P-256 private key (the scalar is out of range)")
            })?;
            let point_attr = core_pkcs11_engine::key::ec_point_attribute(signing.verifying_key());
            let point = core_pkcs11_engine::der::parse_octet_string(&point_attr)
                .unwrap_or(&point_attr)
                .to_vec();
            let private = Template::default()
                .ulong(CKA_KEY_TYPE, CKK_EC)
                .add(CKA_EC_PARAMS, core_pkcs11_engine::der::OID_P256)
                .add(CKA_VALUE, scalar);
            let public = Template::default()
                .ulong(CKA_KEY_TYPE, CKK_EC)
                .add(CKA_EC_PARAMS, core_pkcs11_engine::der::OID_P256)
                .add(CKA_EC_POINT, &point_attr);
            Ok((private, public, point))
        }
        PrivateKey::Rsa(parts) => {
            let private = Template::default()
                .ulong(CKA_KEY_TYPE, CKK_RSA)
                .add(CKA_MODULUS, &parts.modulus)
                .add(CKA_PUBLIC_EXPONENT, &parts.public_exponent)
                .add(CKA_PRIVATE_EXPONENT, &parts.private_exponent)
                .add(CKA_PRIME_1, &parts.primes[0])
                .add(CKA_PRIME_2, &parts.primes[1])
                .add(CKA_EXPONENT_1, &parts.crt[0])
                .add(CKA_EXPONENT_2, &parts.crt[1])
                .add(CKA_COEFFICIENT, &parts.crt[2]);
            let public = Template::default()
                .ulong(CKA_KEY_TYPE, CKK_RSA)
                .add(CKA_MODULUS, &parts.modulus)
                .add(CKA_PUBLIC_EXPONENT, &parts.public_exponent);
            Ok((private, public, parts.modulus.clone()))
        }
    }
}

fn private_key_template(t: Template, label: &str, id: &[u8]) -> Template {
    t.ulong(CKA_CLASS, CKO_PRIVATE_KEY)
        .flag(CKA_TOKEN, true)
        .flag(CKA_PRIVATE, true)
        .flag(CKA_SENSITIVE, true)
        .flag(CKA_EXTRACTABLE, false)
        .flag(CKA_SIGN, true)
        .add(CKA_LABEL, label.as_bytes())
        .add(CKA_ID, id)
}

fn public_key_template(t: Template, label: &str, id: &[u8]) -> Template {
    t.ulong(CKA_CLASS, CKO_PUBLIC_KEY)
        .flag(CKA_TOKEN, true)
        .flag(CKA_PRIVATE, false)
        .flag(CKA_VERIFY, true)
        .add(CKA_LABEL, label.as_bytes())
        .add(CKA_ID, id)
}

fn import_key(
    path: &Path,
    g: &Globals,
    label: &str,
    public_label: Option<&str>,
    id: Option<&str>,
    with_public: bool,
    file: &Path,
) -> Result<()> {
    let key = keyfile::read_private_key(file)?;
    let given_id = id.map(parse_id).transpose()?;
    let (private, public, public_bytes) = key_templates(&key)?;
    let id = given_id.unwrap_or_else(|| objects::default_id(&public_bytes));
    let public_label = public_label.unwrap_or(label);

    let mut d = Device::open(path, true)?;
    d.login(g.pin(), true)?;
    refuse_duplicate(&mut d, label, CKO_PRIVATE_KEY)?;
    if with_public {
        refuse_duplicate(&mut d, public_label, CKO_PUBLIC_KEY)?;
    }
    let private = private_key_template(private, label, &id);
    let session = d.session;
    let what = format!("importing the {} key", key.describe());
    let private_handle = with_progress(&what, || {
        d.token.create_object(session, &private.attributes())
    })
    .map_err(|rv| match rv {
        CKR_ATTRIBUTE_VALUE_INVALID => Failure::new(format!(
            "{}: the token refused the key (inconsistent or invalid {} key)",
            file.display(),
            key.describe()
        )),
        rv => Failure::token("C_CreateObject (private key)", rv),
    })?;
    if with_public {
        let public = public_key_template(public, public_label, &id);
        if let Err(rv) = d.token.create_object(session, &public.attributes()) {
            // Both keys or neither.
            let _ = d.token.destroy_object(session, private_handle);
            return Err(Failure::token("C_CreateObject (public key)", rv));
        }
    }
    println!(
        "imported {} private key '{label}'{} (id {}) into {}",
        key.describe(),
        if with_public {
            format!(" and its public key '{public_label}'")
        } else {
            String::new()
        },
        hex(&id),
        path.display()
    );
    Ok(())
}

fn import_cert(path: &Path, label: &str, id: Option<&str>, file: &Path) -> Result<()> {
    let der = keyfile::read_certificate(file)?;
    let given_id = id.map(parse_id).transpose()?;
    let mut d = Device::open(path, true)?;
    refuse_duplicate(&mut d, label, CKO_CERTIFICATE)?;
    let id = match given_id {
        Some(id) => Some(id),
        None => {
            // The id of the public key the certificate certifies, if the token has it.
            let spki = core_pkcs11_engine::der::certificate_public_key_info(&der).unwrap_or(&[]);
            let class = ulong_bytes(CKO_PUBLIC_KEY);
            let keys = d.find(&[Attribute::new(CKA_CLASS, &class)])?;
            keys.into_iter()
                .find(|&k| objects::spki_of(&d, k).as_deref() == Some(spki))
                .and_then(|k| d.attribute(k, CKA_ID))
                .filter(|id| !id.is_empty())
        }
    };
    let mut t = Template::default()
        .ulong(CKA_CLASS, CKO_CERTIFICATE)
        .ulong(CKA_CERTIFICATE_TYPE, CKC_X_509)
        .flag(CKA_TOKEN, true)
        .add(CKA_LABEL, label.as_bytes())
        .add(CKA_VALUE, &der);
    if let Some(id) = &id {
        t = t.add(CKA_ID, id);
    }
    let session = d.session;
    d.token
        .create_object(session, &t.attributes())
        .map_err(|rv| Failure::token("C_CreateObject (certificate)", rv))?;
    let subject = core_pkcs11_engine::der::parse_certificate(&der)
        .and_then(|f| asn1::name_text(f.subject))
        .unwrap_or_default();
    println!(
        "imported certificate '{label}' ({subject}; {} bytes{}) into {}",
        der.len(),
        id.map(|i| format!(", id {}", hex(&i))).unwrap_or_default(),
        path.display()
    );
    Ok(())
}

fn generate(
    path: &Path,
    g: &Globals,
    label: &str,
    public_label: Option<&str>,
    id: Option<&str>,
    key_type: crate::KeyType,
) -> Result<()> {
    let given_id = id.map(parse_id).transpose()?;
    let public_label = public_label.unwrap_or(label);
    let mut d = Device::open(path, true)?;
    let mechanism = match key_type {
        crate::KeyType::Ec => CKM_EC_KEY_PAIR_GEN,
        crate::KeyType::Rsa => CKM_RSA_PKCS_KEY_PAIR_GEN,
    };
    if !d.token.mechanism_list().contains(&mechanism) {
        return Err(Failure::new(match key_type {
            crate::KeyType::Rsa => {
                "RSA key generation is not supported by this token (it has no \
                 CKM_RSA_PKCS_KEY_PAIR_GEN; it signs with imported RSA keys): generate the key \
                 elsewhere (openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out \
                 key.pem) and use import-key, or use --type ec"
            }
            crate::KeyType::Ec => "EC key generation is not supported by this token",
        }));
    }
    d.login(g.pin(), true)?;
    refuse_duplicate(&mut d, label, CKO_PRIVATE_KEY)?;
    refuse_duplicate(&mut d, public_label, CKO_PUBLIC_KEY)?;
    let id_now = given_id.clone().unwrap_or_default();
    let public = public_key_template(Template::default(), public_label, &id_now)
        .add(CKA_EC_PARAMS, core_pkcs11_engine::der::OID_P256);
    let private = private_key_template(Template::default(), label, &id_now);
    let session = d.session;
    let (pub_handle, priv_handle) = with_progress("generating the key pair", || {
        d.token.generate_key_pair(
            session,
            &Mechanism::new(mechanism),
            &public.attributes(),
            &private.attributes(),
        )
    })
    .map_err(|rv| Failure::token("C_GenerateKeyPair", rv))?;
    let point_attr = d.attribute(pub_handle, CKA_EC_POINT).unwrap_or_default();
    let point = core_pkcs11_engine::der::parse_octet_string(&point_attr)
        .unwrap_or(&point_attr)
        .to_vec();
    let id = match given_id {
        Some(id) => id,
        None => {
            let id = objects::default_id(&point);
            for h in [priv_handle, pub_handle] {
                if let Err(rv) =
                    d.token
                        .set_attribute_values(session, h, &[Attribute::new(CKA_ID, &id)])
                {
                    let _ = d.token.destroy_object(session, priv_handle);
                    let _ = d.token.destroy_object(session, pub_handle);
                    return Err(Failure::token("C_SetAttributeValue (CKA_ID)", rv));
                }
            }
            id
        }
    };
    println!(
        "generated EC P-256 key pair '{label}'{} (id {}) in {}",
        if public_label != label {
            format!(" / '{public_label}'")
        } else {
            String::new()
        },
        hex(&id),
        path.display()
    );
    println!("public key: {}", hex(&point));
    Ok(())
}

fn write_output(out: Option<&Path>, bytes: &[u8]) -> Result<()> {
    match out {
        Some(p) => std::fs::write(p, bytes)
            .map_err(|e| Failure::new(format!("cannot write {}: {e}", p.display()))),
        None => std::io::stdout()
            .write_all(bytes)
            .map_err(|e| Failure::new(format!("cannot write to standard output: {e}"))),
    }
}

fn export_pubkey(
    path: &Path,
    g: &Globals,
    label: &str,
    out: Option<&Path>,
    der: bool,
) -> Result<()> {
    let mut d = Device::open(path, false)?;
    d.login(g.pin(), false)?;
    let spki = objects::public_key_info(&mut d, label)?;
    if der {
        write_output(out, &spki)
    } else {
        write_output(out, keyfile::pem_encode("PUBLIC KEY", &spki).as_bytes())
    }?;
    if let Some(p) = out {
        eprintln!("wrote the public key of '{label}' to {}", p.display());
    }
    Ok(())
}

/// The one private key labelled `label`.
fn private_key(d: &mut Device, label: &str) -> Result<Ulong> {
    let keys = find_labelled(d, label, Some(CKO_PRIVATE_KEY), None)?;
    match keys.as_slice() {
        [k] => Ok(*k),
        [] => Err(Failure::new(format!(
            "no private key labelled '{label}'{}",
            objects::hidden_hint(d)
        ))),
        _ => Err(Failure::new(format!(
            "{} private keys are labelled '{label}': delete the extra ones",
            keys.len()
        ))),
    }
}

/// The public key object (of the key's type) that verifies a signature by `key`.
fn matching_public_key(d: &mut Device, key: Ulong, key_type: Ulong) -> Result<Option<Ulong>> {
    let mechanism = Mechanism::new(match key_type {
        CKK_EC => CKM_ECDSA_SHA256,
        _ => CKM_SHA256_RSA_PKCS,
    });
    let class = ulong_bytes(CKO_PUBLIC_KEY);
    let kt = ulong_bytes(key_type);
    let candidates = d.find(&[
        Attribute::new(CKA_CLASS, &class),
        Attribute::new(CKA_KEY_TYPE, &kt),
    ])?;
    if candidates.is_empty() {
        return Ok(None);
    }
    let probe = b"core-pkcs11-tool: which public key belongs to this private key";
    let session = d.session;
    d.token
        .sign_init(session, &mechanism, key)
        .map_err(|rv| Failure::token("C_SignInit", rv))?;
    let mut sig = vec![0u8; 1024];
    let n = match d.token.sign(session, probe, Some(&mut sig[..])) {
        Ok(Output::Written(n)) => n,
        Ok(Output::Needed(_)) => return Ok(None),
        Err(rv) => return Err(Failure::token("C_Sign", rv)),
    };
    for c in candidates {
        let verified = d
            .token
            .verify_init(session, &mechanism, c)
            .and_then(|()| d.token.verify(session, probe, &sig[..n]));
        if verified.is_ok() {
            return Ok(Some(c));
        }
    }
    Ok(None)
}

fn csr(path: &Path, g: &Globals, label: &str, subject: &str, out: Option<&Path>) -> Result<()> {
    let name = asn1::encode_name(subject)?;
    let mut d = Device::open(path, false)?;
    d.login(g.pin(), true)?;
    let key = private_key(&mut d, label)?;
    let key_type = d.ulong(key, CKA_KEY_TYPE).unwrap_or(0);
    // The public half: the public key with the same label, else the same id.
    let mut public = find_labelled(&mut d, label, Some(CKO_PUBLIC_KEY), None)?;
    if public.is_empty() {
        if let Some(id) = d.attribute(key, CKA_ID).filter(|i| !i.is_empty()) {
            let class = ulong_bytes(CKO_PUBLIC_KEY);
            public = d.find(&[
                Attribute::new(CKA_CLASS, &class),
                Attribute::new(CKA_ID, &id),
            ])?;
        }
    }
    if public.is_empty() {
        // corePKCS11 labels the two keys of a pair differently and gives them no id: the
        // public key that verifies the private key's signature.
        public.extend(matching_public_key(&mut d, key, key_type)?);
    }
    let public = public.first().copied();
    let spki = match public.and_then(|p| objects::spki_of(&d, p)) {
        Some(s) => s,
        None if key_type == CKK_RSA => objects::spki_of(&d, key)
            .ok_or_else(|| Failure::new("cannot read the RSA key's public part"))?,
        None => objects::public_key_info(&mut d, label).map_err(|_| {
            Failure::new(format!(
                "no public key for '{label}' (no public key object with its label or id)"
            ))
        })?,
    };
    let (mechanism, algorithm) = match key_type {
        CKK_EC => (
            CKM_ECDSA_SHA256,
            asn1::sequence(&[&asn1::element(tag::OID, asn1::oid::ECDSA_WITH_SHA256)]),
        ),
        CKK_RSA => (
            CKM_SHA256_RSA_PKCS,
            asn1::sequence(&[
                &asn1::element(tag::OID, asn1::oid::SHA256_WITH_RSA),
                &asn1::element(tag::NULL, &[]),
            ]),
        ),
        other => return Err(Failure::new(format!("key type {other:#x} cannot sign"))),
    };
    let info = asn1::sequence(&[
        &asn1::element(tag::INTEGER, &[0]),
        &name,
        &spki,
        &asn1::element(tag::CONTEXT_0, &[]),
    ]);
    let session = d.session;
    let m = Mechanism::new(mechanism);
    d.token
        .sign_init(session, &m, key)
        .map_err(|rv| Failure::token("C_SignInit", rv))?;
    let mut sig = vec![0u8; 1024];
    let n = match with_progress("signing", || {
        d.token.sign(session, &info, Some(&mut sig[..]))
    }) {
        Ok(Output::Written(n)) => n,
        Ok(Output::Needed(n)) => {
            return Err(Failure::new(format!("signature of {n} bytes: too long")))
        }
        Err(rv) => return Err(Failure::token("C_Sign", rv)),
    };
    sig.truncate(n);
    // Check it with the token's public key, when there is a public key object.
    if let Some(p) = public {
        d.token
            .verify_init(session, &m, p)
            .and_then(|()| d.token.verify(session, &info, &sig))
            .map_err(|rv| {
                Failure::token(
                    "checking the signature with the public key (is it the pair of the private key?)",
                    rv,
                )
            })?;
    }
    let signature = if key_type == CKK_EC {
        let raw: [u8; 64] = sig
            .as_slice()
            .try_into()
            .map_err(|_| Failure::new("unexpected ECDSA signature length"))?;
        let mut der = [0u8; 80];
        let len = core_pkcs11_engine::pki::ecdsa_raw_to_der(&raw, &mut der)
            .map_err(|_| Failure::new("cannot encode the ECDSA signature"))?;
        der[..len].to_vec()
    } else {
        sig
    };
    let request = asn1::sequence(&[&info, &algorithm, &asn1::bit_string(&signature)]);
    write_output(
        out,
        keyfile::pem_encode("CERTIFICATE REQUEST", &request).as_bytes(),
    )?;
    if let Some(p) = out {
        eprintln!(
            "wrote a certificate request for '{}' signed by '{label}' to {}",
            asn1::name_text(&name).unwrap_or_default(),
            p.display()
        );
    }
    Ok(())
}

fn list(path: &Path, g: &Globals) -> Result<()> {
    let mut d = Device::open(path, false)?;
    let login = d.login(g.pin(), false)?;
    let mut all = d.find(&[])?;
    all.sort_unstable();
    for &o in &all {
        let class = d.ulong(o, CKA_CLASS).unwrap_or(Ulong::MAX);
        let label = d.attribute(o, CKA_LABEL).unwrap_or_default();
        println!(
            "{} \"{}\"",
            class_name(class),
            String::from_utf8_lossy(&label)
        );
        let id = d.attribute(o, CKA_ID).unwrap_or_default();
        if !id.is_empty() {
            println!("  id:      {}", hex(&id));
        }
        if matches!(class, CKO_PRIVATE_KEY | CKO_PUBLIC_KEY) {
            if let Some(t) = objects::key_description(&d, o) {
                println!("  key:     {t}");
            }
        }
        if class == CKO_CERTIFICATE {
            if let Some(v) = d.attribute(o, CKA_VALUE) {
                if let Some(f) = core_pkcs11_engine::der::parse_certificate(&v) {
                    println!(
                        "  subject: {}",
                        asn1::name_text(f.subject).unwrap_or_default()
                    );
                    println!(
                        "  issuer:  {}",
                        asn1::name_text(f.issuer).unwrap_or_default()
                    );
                }
                println!("  size:    {} bytes", v.len());
            }
        }
        if class == CKO_DATA {
            if let Some(v) = d.attribute(o, CKA_VALUE) {
                println!("  size:    {} bytes", v.len());
            }
        }
        println!("  flags:   {}", objects::flag_words(&d, o).join(", "));
    }
    println!(
        "{} object{}{}",
        all.len(),
        if all.len() == 1 { "" } else { "s" },
        if login == Login::Nobody {
            " (private objects hidden: not logged in; give --pin)"
        } else {
            ""
        }
    );
    Ok(())
}

fn delete(
    path: &Path,
    g: &Globals,
    label: &str,
    class: objects::ClassArg,
    id: Option<&str>,
) -> Result<()> {
    let id = id.map(parse_id).transpose()?;
    let mut d = Device::open(path, false)?;
    let needs_login = matches!(class, objects::ClassArg::Private);
    let login = d.login(g.pin(), needs_login)?;
    let found = find_labelled(&mut d, label, class.class(), id.as_deref())?;
    if found.is_empty() {
        return Err(Failure::new(format!(
            "no {}labelled '{label}'{}{}",
            match class.class() {
                Some(c) => format!("{} ", class_name(c)),
                None => "object ".to_string(),
            },
            id.map(|i| format!(" with id {}", hex(&i)))
                .unwrap_or_default(),
            objects::hidden_hint(&d)
        )));
    }
    let session = d.session;
    let mut names = Vec::new();
    for o in found {
        let c = d.ulong(o, CKA_CLASS).unwrap_or(Ulong::MAX);
        d.token
            .destroy_object(session, o)
            .map_err(|rv| Failure::token("C_DestroyObject", rv))?;
        names.push(class_name(c));
    }
    println!(
        "deleted {} object{} labelled '{label}': {}",
        names.len(),
        if names.len() == 1 { "" } else { "s" },
        names.join(", ")
    );
    if login == Login::Nobody && class == objects::ClassArg::All {
        eprintln!("note: private objects were not considered (not logged in: give --pin)");
    }
    Ok(())
}
