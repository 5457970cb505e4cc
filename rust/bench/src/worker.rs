//! The benchmark of one module, run in a process of its own (see `main.rs`): load it,
//! initialise it, prepare its token and objects, time every operation while checking each
//! result, clean up, and report.

use crate::module::{padded_text, CkError, Module, Template};
use crate::pkcs11::*;
use crate::reference::{self, RsaComponents};
use crate::timing::{self, Budget, Sample};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

/// The operations, in report order: (name, description).
pub const OPERATIONS: [(&str, &str); 10] = [
    (
        "ecdsa_p256_sign",
        "ECDSA P-256 sign (CKM_ECDSA, 32-byte hash)",
    ),
    ("ecdsa_p256_verify", "ECDSA P-256 verify (CKM_ECDSA)"),
    (
        "rsa2048_sign",
        "RSA-2048 PKCS #1 v1.5 sign (CKM_RSA_PKCS, 51-byte DigestInfo)",
    ),
    (
        "rsa2048_verify",
        "RSA-2048 PKCS #1 v1.5 verify (CKM_RSA_PKCS)",
    ),
    ("sha256_1k", "SHA-256 of 1 KiB (CKM_SHA256, C_Digest)"),
    ("sha256_64k", "SHA-256 of 64 KiB (CKM_SHA256, C_Digest)"),
    ("random_32", "C_GenerateRandom, 32 bytes"),
    (
        "find_label_class",
        "find by CKA_LABEL + CKA_CLASS (Init/FindObjects/Final)",
    ),
    (
        "ec_keygen_session",
        "EC P-256 key pair generation, session objects",
    ),
    (
        "ec_keygen_token",
        "EC P-256 key pair generation, token objects (destroyed untimed)",
    ),
];

/// What one worker is asked to do.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// Display name of the module.
    pub name: String,
    /// Path of the module.
    pub path: PathBuf,
    /// How much of each operation to run.
    pub budget: Budget,
    /// SO PIN set by `C_InitToken`.
    pub so_pin: String,
    /// User PIN set by `C_InitPIN` and used to log in.
    pub user_pin: String,
    /// User PIN of a token whose user PIN was never set (`CKF_USER_PIN_TO_BE_CHANGED`).
    pub default_user_pin: String,
    /// Token label.
    pub label: String,
    /// Keep the benchmark's keys and search objects as session objects (default: token).
    pub session_keys: bool,
    /// How many data objects to search among.
    pub find_objects: usize,
    /// The operations to time (all when `None`); results are checked either way.
    pub ops: Option<Vec<String>>,
}

/// Memory and code footprint of the module in the worker process.
#[derive(Debug, Clone, Default)]
pub struct Footprint {
    /// Files (the module and the libraries it pulled in) newly mapped by loading and
    /// initialising the module.
    pub loaded_files: Vec<(String, u64)>,
    /// Resident set before loading the module, KiB.
    pub rss_before_kib: u64,
    /// Peak resident set of the worker (`VmHWM`), KiB.
    pub peak_rss_kib: u64,
}

/// Everything one worker measured.
#[derive(Debug, Clone, Default)]
pub struct WorkerReport {
    /// `C_GetInfo`: cryptoki version, manufacturer, description, library version.
    pub info: crate::module::ModuleInfo,
    /// How the token was prepared.
    pub token: String,
    /// The RSA signature of the benchmark's DigestInfo (deterministic: every correct module
    /// gives the same bytes).
    pub rsa_signature: Vec<u8>,
    /// (operation, measurement), in [`OPERATIONS`] order.
    pub results: Vec<(String, Sample)>,
    /// Memory and code footprint.
    pub footprint: Footprint,
}

/// Error with the step it happened in.
fn ctx(step: &str) -> impl Fn(CkError) -> String + '_ {
    move |e| {
        let hint = if e.rv == Some(CKR_DEVICE_MEMORY) {
            " (object or session limit reached? build core-pkcs11 for the benchmark with \
             CORE_PKCS11_CONFIG_DIR=$PWD/scripts/bench/config, see scripts/bench/host.sh)"
        } else {
            ""
        };
        format!("{step}: {e}{hint}")
    }
}

const LABEL_RSA_PRIV: &str = "bench-rsa-priv";
const LABEL_RSA_PUB: &str = "bench-rsa-pub";
const LABEL_EC_PRIV: &str = "bench-ec-priv";
const LABEL_EC_PUB: &str = "bench-ec-pub";
const LABEL_GEN_PRIV: &str = "bench-gen-priv";
const LABEL_GEN_PUB: &str = "bench-gen-pub";
/// Index of the data object the search looks for; an RSA public key shares its label, so
/// only a search that honours `CKA_CLASS` finds exactly one object.
const FIND_TARGET: usize = 7;

fn find_label(i: usize) -> String {
    format!("bench-find-{i:02}")
}

/// Mapped files of this process (from `/proc/self/maps`).
fn mapped_files() -> BTreeSet<String> {
    std::fs::read_to_string("/proc/self/maps")
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_whitespace().nth(5))
        .filter(|p| p.starts_with('/'))
        .map(str::to_string)
        .collect()
}

/// A `/proc/self/status` value in KiB (`VmRSS`, `VmHWM`), 0 when unknown.
fn status_kib(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// Prints progress on stderr (stdout carries the results to the parent).
fn progress(name: &str, op: &str, sample: &Sample) {
    eprintln!(
        "  {name:>12} {op:<18} {:>12.1} ops/s  ({} iterations, {:.3} s)",
        sample.ops_per_sec(),
        sample.iterations,
        sample.seconds
    );
}

/// Runs the whole benchmark of one module.
pub fn run(cfg: &WorkerConfig) -> Result<WorkerReport, String> {
    let before = mapped_files();
    let rss_before_kib = status_kib("VmRSS");
    let module = Module::load(&cfg.path)?;
    module.initialize().map_err(ctx("initialise"))?;
    let mut report = WorkerReport {
        info: module.info().map_err(ctx("module info"))?,
        ..WorkerReport::default()
    };
    report.footprint.rss_before_kib = rss_before_kib;
    report.footprint.loaded_files = mapped_files()
        .difference(&before)
        .map(|p| {
            let size = std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
            (p.clone(), size)
        })
        .collect();

    let outcome = with_token(&module, cfg, &mut report);
    let finalize = module.finalize().map_err(ctx("finalise"));
    outcome?;
    finalize?;
    report.footprint.peak_rss_kib = status_kib("VmHWM");
    Ok(report)
}

/// Prepares the token, opens a logged-in session, runs the operations, closes the session.
fn with_token(
    module: &Module,
    cfg: &WorkerConfig,
    report: &mut WorkerReport,
) -> Result<(), String> {
    let (slot, note) = prepare_token(module, cfg)?;
    report.token = note;
    let session = module.open_session(slot).map_err(ctx("open session"))?;
    let info = module.token_info(slot).map_err(ctx("token info"))?;
    let pin = if info.flags & CKF_USER_PIN_TO_BE_CHANGED != 0 {
        &cfg.default_user_pin
    } else {
        &cfg.user_pin
    };
    let rv = module
        .login_rv(session, CKU_USER, pin)
        .map_err(ctx("login"))?;
    if rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN {
        let _ = module.close_session(session);
        return Err(format!("login as user: C_Login returned {}", rv_name(rv)));
    }
    let outcome = benchmark(module, session, cfg, report);
    let _ = module.logout(session);
    let close = module.close_session(session).map_err(ctx("close session"));
    outcome?;
    close
}

/// Finds or initialises the token: one already initialised with our label; else the first
/// uninitialised token (`C_InitToken`, then `C_InitPIN` as SO); else the first token, whose
/// user PIN must be ours or, while it was never set, the default user PIN.
fn prepare_token(module: &Module, cfg: &WorkerConfig) -> Result<(Ulong, String), String> {
    let tokens = list_tokens(module)?;
    if tokens.is_empty() {
        return Err("no slot holds a token".into());
    }
    if let Some((slot, _)) = tokens
        .iter()
        .find(|(_, t)| t.flags & CKF_TOKEN_INITIALIZED != 0 && padded_text(&t.label) == cfg.label)
    {
        return Ok((*slot, format!("token '{}' already initialised", cfg.label)));
    }
    if let Some((slot, _)) = tokens
        .iter()
        .find(|(_, t)| t.flags & CKF_TOKEN_INITIALIZED == 0)
    {
        module
            .init_token(*slot, &cfg.so_pin, &cfg.label)
            .map_err(ctx("initialise the token"))?;
        // Some modules (SoftHSMv2) renumber a slot once its token is initialised.
        let slot = list_tokens(module)?
            .into_iter()
            .find(|(_, t)| {
                t.flags & CKF_TOKEN_INITIALIZED != 0 && padded_text(&t.label) == cfg.label
            })
            .map(|(s, _)| s)
            .ok_or("after C_InitToken no initialised token has the benchmark's label")?;
        let session = module.open_session(slot).map_err(ctx("open SO session"))?;
        let set = module
            .login(session, CKU_SO, &cfg.so_pin)
            .and_then(|()| module.init_pin(session, &cfg.user_pin))
            .and_then(|()| module.logout(session));
        let close = module.close_session(session);
        set.map_err(ctx("set the user PIN as SO"))?;
        close.map_err(ctx("close SO session"))?;
        return Ok((
            slot,
            format!(
                "token initialised (C_InitToken + C_InitPIN), label '{}'",
                cfg.label
            ),
        ));
    }
    let (slot, info) = &tokens[0];
    let how = if info.flags & CKF_USER_PIN_TO_BE_CHANGED != 0 {
        "its default user PIN"
    } else {
        "the user PIN"
    };
    Ok((
        *slot,
        format!(
            "token '{}' already initialised; logging in with {how}",
            padded_text(&info.label)
        ),
    ))
}

fn list_tokens(module: &Module) -> Result<Vec<(Ulong, TokenInfo)>, String> {
    module
        .slots_with_token()
        .map_err(ctx("list slots"))?
        .into_iter()
        .map(|slot| {
            module
                .token_info(slot)
                .map(|t| (slot, t))
                .map_err(ctx("token info"))
        })
        .collect()
}

/// Every label the benchmark creates objects under.
fn all_labels(cfg: &WorkerConfig) -> Vec<String> {
    let mut labels: Vec<String> = [
        LABEL_RSA_PRIV,
        LABEL_RSA_PUB,
        LABEL_EC_PRIV,
        LABEL_EC_PUB,
        LABEL_GEN_PRIV,
        LABEL_GEN_PUB,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    labels.extend((0..cfg.find_objects.max(FIND_TARGET + 1)).map(find_label));
    labels
}

/// Destroys what an interrupted earlier run may have left on a persistent token.
fn remove_leftovers(module: &Module, session: Ulong, cfg: &WorkerConfig) -> Result<(), String> {
    for label in all_labels(cfg) {
        let t = Template::new().bytes(CKA_LABEL, label.as_bytes());
        for h in module
            .find_all(session, &t)
            .map_err(ctx("find leftovers"))?
        {
            module
                .destroy_object(session, h)
                .map_err(ctx("destroy a leftover object"))?;
        }
    }
    Ok(())
}

/// The objects the benchmark works with.
struct Objects {
    rsa_priv: Ulong,
    rsa_pub: Ulong,
    ec_priv: Ulong,
    ec_pub: Ulong,
    ec_point: Vec<u8>,
    find_target: Ulong,
    /// How many objects the benchmark created (for error messages).
    count: usize,
}

fn rsa_public_template(key: &RsaComponents, token: bool, label: &str) -> Template {
    Template::new()
        .ulong(CKA_CLASS, CKO_PUBLIC_KEY)
        .ulong(CKA_KEY_TYPE, CKK_RSA)
        .bool(CKA_TOKEN, token)
        .bool(CKA_VERIFY, true)
        .bytes(CKA_LABEL, label.as_bytes())
        .bytes(CKA_MODULUS, &key.modulus)
        .bytes(CKA_PUBLIC_EXPONENT, &key.public_exponent)
}

fn ec_templates(token: bool, public_label: &str, private_label: &str) -> (Template, Template) {
    let public = Template::new()
        .bool(CKA_TOKEN, token)
        .bool(CKA_VERIFY, true)
        .bytes(CKA_EC_PARAMS, &P256_PARAMS)
        .bytes(CKA_LABEL, public_label.as_bytes());
    let private = Template::new()
        .bool(CKA_TOKEN, token)
        .bool(CKA_PRIVATE, true)
        .bool(CKA_SENSITIVE, true)
        .bool(CKA_SIGN, true)
        .bytes(CKA_LABEL, private_label.as_bytes());
    (public, private)
}

fn create_objects(
    module: &Module,
    session: Ulong,
    cfg: &WorkerConfig,
    key: &RsaComponents,
    all: &mut Vec<Ulong>,
) -> Result<Objects, String> {
    let token = !cfg.session_keys;
    let rsa_priv = Template::new()
        .ulong(CKA_CLASS, CKO_PRIVATE_KEY)
        .ulong(CKA_KEY_TYPE, CKK_RSA)
        .bool(CKA_TOKEN, token)
        .bool(CKA_PRIVATE, true)
        .bool(CKA_SENSITIVE, true)
        .bool(CKA_SIGN, true)
        .bytes(CKA_LABEL, LABEL_RSA_PRIV.as_bytes())
        .bytes(CKA_ID, b"bench-rsa")
        .bytes(CKA_MODULUS, &key.modulus)
        .bytes(CKA_PUBLIC_EXPONENT, &key.public_exponent)
        .bytes(CKA_PRIVATE_EXPONENT, &key.private_exponent)
        .bytes(CKA_PRIME_1, &key.prime1)
        .bytes(CKA_PRIME_2, &key.prime2)
        .bytes(CKA_EXPONENT_1, &key.exponent1)
        .bytes(CKA_EXPONENT_2, &key.exponent2)
        .bytes(CKA_COEFFICIENT, &key.coefficient);
    let rsa_priv = module
        .create_object(session, &rsa_priv)
        .map_err(ctx("import the RSA private key"))?;
    all.push(rsa_priv);
    let rsa_pub = module
        .create_object(session, &rsa_public_template(key, token, LABEL_RSA_PUB))
        .map_err(ctx("import the RSA public key"))?;
    all.push(rsa_pub);

    let (public, private) = ec_templates(token, LABEL_EC_PUB, LABEL_EC_PRIV);
    let (ec_pub, ec_priv) = module
        .generate_key_pair(session, CKM_EC_KEY_PAIR_GEN, &public, &private)
        .map_err(ctx("generate the EC key pair"))?;
    all.extend([ec_pub, ec_priv]);
    let ec_point = module
        .attribute(session, ec_pub, CKA_EC_POINT)
        .map_err(ctx("read CKA_EC_POINT"))?;
    reference::p256_key(&ec_point)?;

    let mut find_target = 0;
    for i in 0..cfg.find_objects {
        let label = find_label(i);
        let value = format!("core-pkcs11-bench data object {i}");
        let t = Template::new()
            .ulong(CKA_CLASS, CKO_DATA)
            .bool(CKA_TOKEN, token)
            .bool(CKA_PRIVATE, false)
            .bytes(CKA_LABEL, label.as_bytes())
            .bytes(CKA_VALUE, value.as_bytes());
        let h = module
            .create_object(session, &t)
            .map_err(ctx("create a data object"))?;
        all.push(h);
        if i == FIND_TARGET {
            find_target = h;
        }
    }
    if cfg.find_objects > FIND_TARGET {
        // Same label, other class: the search must tell them apart by CKA_CLASS.
        let decoy = module
            .create_object(
                session,
                &rsa_public_template(key, token, &find_label(FIND_TARGET)),
            )
            .map_err(ctx("create the decoy public key"))?;
        all.push(decoy);
    }
    Ok(Objects {
        rsa_priv,
        rsa_pub,
        ec_priv,
        ec_pub,
        ec_point,
        find_target,
        count: all.len(),
    })
}

/// Creates the objects, times the operations, destroys the objects.
fn benchmark(
    module: &Module,
    session: Ulong,
    cfg: &WorkerConfig,
    report: &mut WorkerReport,
) -> Result<(), String> {
    remove_leftovers(module, session, cfg)?;
    let key = reference::rsa2048()?;
    let mut created = Vec::new();
    let outcome = create_objects(module, session, cfg, &key, &mut created)
        .and_then(|objs| operations(module, session, cfg, &key, &objs, report));
    // Destroy in reverse order; a failure here matters only if the run itself succeeded.
    let mut cleanup = Ok(());
    for h in created.into_iter().rev() {
        if let Err(e) = module.destroy_object(session, h) {
            cleanup = Err(format!("destroy the benchmark's objects: {e}"));
        }
    }
    outcome?;
    cleanup
}

/// Fails with `what` unless `ok`.
fn ensure(ok: bool, what: impl FnOnce() -> String) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(what())
    }
}

/// Times each operation in turn.
fn operations(
    m: &Module,
    s: Ulong,
    cfg: &WorkerConfig,
    key: &RsaComponents,
    objs: &Objects,
    report: &mut WorkerReport,
) -> Result<(), String> {
    let budget = cfg.budget;
    let wanted = |op: &str| cfg.ops.as_ref().is_none_or(|l| l.iter().any(|o| o == op));
    let mut record = |op: &str, sample: Sample| {
        progress(&cfg.name, op, &sample);
        report.results.push((op.to_string(), sample));
    };

    // ECDSA P-256 sign. Signatures are randomised, so each one is checked for its length in
    // the loop, and a spread of them (iterations 1, 2, 4, 8, ...) afterwards with the p256
    // crate and the module's own C_Verify.
    let hash = reference::sha256(b"core-pkcs11-bench: ECDSA input");
    let mut sig = [0u8; 256];
    let n = m
        .sign(s, CKM_ECDSA, objs.ec_priv, &hash, &mut sig)
        .map_err(ctx("ECDSA sign"))?;
    ensure(n == 64, || {
        format!("ECDSA sign: signature of {n} bytes, expected 64")
    })?;
    let ec_sig = sig[..64].to_vec();
    reference::check_ecdsa_p256(&objs.ec_point, &hash, &ec_sig)
        .map_err(|e| format!("ECDSA sign: {e}"))?;
    if wanted("ecdsa_p256_sign") {
        let mut kept: Vec<Vec<u8>> = Vec::new();
        let mut count = 0u64;
        let sample = timing::batched(budget, || {
            let n = m
                .sign(s, CKM_ECDSA, objs.ec_priv, &hash, &mut sig)
                .map_err(ctx("ECDSA sign"))?;
            ensure(n == 64, || {
                format!("ECDSA sign: signature of {n} bytes, expected 64")
            })?;
            count += 1;
            if count.is_power_of_two() {
                kept.push(sig[..64].to_vec());
            }
            Ok::<_, String>(())
        })?;
        for k in &kept {
            reference::check_ecdsa_p256(&objs.ec_point, &hash, k)
                .map_err(|e| format!("ECDSA sign (timed run): {e}"))?;
            m.verify(s, CKM_ECDSA, objs.ec_pub, &hash, k)
                .map_err(ctx("ECDSA verify of a timed signature"))?;
        }
        record("ecdsa_p256_sign", sample);
    }

    // ECDSA verify: a wrong signature and a wrong hash must fail, the right one pass.
    check_rejects(m, s, CKM_ECDSA, objs.ec_pub, &hash, &ec_sig, "ECDSA")?;
    if wanted("ecdsa_p256_verify") {
        let sample = timing::batched(budget, || {
            m.verify(s, CKM_ECDSA, objs.ec_pub, &hash, &ec_sig)
                .map_err(ctx("ECDSA verify"))
        })?;
        record("ecdsa_p256_verify", sample);
    }

    // RSA PKCS #1 v1.5 is deterministic: every signature must equal the first, which the
    // rsa crate and the module's C_Verify check.
    let digest_info = reference::sha256_digest_info(b"core-pkcs11-bench: RSA input");
    let n = m
        .sign(s, CKM_RSA_PKCS, objs.rsa_priv, &digest_info, &mut sig)
        .map_err(ctx("RSA sign"))?;
    ensure(n == 256, || {
        format!("RSA sign: signature of {n} bytes, expected 256")
    })?;
    let rsa_sig = sig[..256].to_vec();
    reference::check_rsa_pkcs1(key, &digest_info, &rsa_sig)
        .map_err(|e| format!("RSA sign: {e}"))?;
    if wanted("rsa2048_sign") {
        let sample = timing::batched(budget, || {
            let n = m
                .sign(s, CKM_RSA_PKCS, objs.rsa_priv, &digest_info, &mut sig)
                .map_err(ctx("RSA sign"))?;
            ensure(n == 256 && sig[..256] == rsa_sig[..], || {
                "RSA sign: a signature differs from the first (PKCS #1 v1.5 is deterministic)"
                    .into()
            })
        })?;
        record("rsa2048_sign", sample);
    }

    check_rejects(
        m,
        s,
        CKM_RSA_PKCS,
        objs.rsa_pub,
        &digest_info,
        &rsa_sig,
        "RSA",
    )?;
    if wanted("rsa2048_verify") {
        let sample = timing::batched(budget, || {
            m.verify(s, CKM_RSA_PKCS, objs.rsa_pub, &digest_info, &rsa_sig)
                .map_err(ctx("RSA verify"))
        })?;
        record("rsa2048_verify", sample);
    }

    // SHA-256 against the sha2 crate.
    for (op, len) in [("sha256_1k", 1024usize), ("sha256_64k", 64 * 1024)] {
        if !wanted(op) {
            continue;
        }
        let data = reference::pattern(len);
        let expected = reference::sha256(&data);
        let mut out = [0u8; 64];
        let sample = timing::batched(budget, || {
            let n = m
                .digest(s, CKM_SHA256, &data, &mut out)
                .map_err(ctx("SHA-256"))?;
            ensure(n == 32 && out[..32] == expected, || {
                format!(
                    "SHA-256 of {len} bytes: got {}, expected {}",
                    reference::hex_encode(&out[..n.min(64)]),
                    reference::hex_encode(&expected)
                )
            })
        })?;
        record(op, sample);
    }

    // Random: each output must differ from the one before and not be all zeros.
    if wanted("random_32") {
        let mut previous = [0u8; 32];
        let mut out = [0u8; 32];
        let sample = timing::batched(budget, || {
            m.generate_random(s, &mut out).map_err(ctx("random"))?;
            ensure(out != previous && out != [0u8; 32], || {
                "C_GenerateRandom: output repeats or is all zeros".into()
            })?;
            previous = out;
            Ok::<_, String>(())
        })?;
        record("random_32", sample);
    }

    // Find by label and class: exactly the one data object.
    if cfg.find_objects > FIND_TARGET && wanted("find_label_class") {
        let label = find_label(FIND_TARGET);
        let template = Template::new()
            .bytes(CKA_LABEL, label.as_bytes())
            .ulong(CKA_CLASS, CKO_DATA);
        let raw = template.raw();
        let mut found = [0 as Ulong; 4];
        let sample = timing::batched(budget, || {
            let n = m.find_into(s, &raw, &mut found).map_err(ctx("find"))?;
            ensure(n == 1 && found[0] == objs.find_target, || {
                format!(
                    "find '{label}' of class CKO_DATA: {n} object(s) {:?}, expected exactly [{}] \
                     among {} objects",
                    &found[..n.min(4)],
                    objs.find_target,
                    objs.count
                )
            })
        })?;
        record("find_label_class", sample);
    }

    // Key generation: only C_GenerateKeyPair is timed; each new pair is checked (a P-256
    // point, CKA_TOKEN as asked, the first pair also by a signature) and destroyed untimed.
    for (op, token) in [("ec_keygen_session", false), ("ec_keygen_token", true)] {
        if !wanted(op) {
            continue;
        }
        let (public, private) = ec_templates(token, LABEL_GEN_PUB, LABEL_GEN_PRIV);
        let mut first = true;
        let sample = timing::per_iteration(budget, || {
            let ((pub_h, priv_h), took) = timing::timed(|| {
                m.generate_key_pair(s, CKM_EC_KEY_PAIR_GEN, &public, &private)
                    .map_err(ctx("EC key generation"))
            })?;
            let check = check_generated(m, s, pub_h, priv_h, token, first);
            let destroy = m
                .destroy_object(s, priv_h)
                .and_then(|()| m.destroy_object(s, pub_h))
                .map_err(ctx("destroy a generated key pair"));
            check?;
            destroy?;
            first = false;
            Ok::<Duration, String>(took)
        })?;
        record(op, sample);
    }
    report.rsa_signature = rsa_sig;
    Ok(())
}

/// Checks a freshly generated key pair.
fn check_generated(
    m: &Module,
    s: Ulong,
    pub_h: Ulong,
    priv_h: Ulong,
    token: bool,
    sign_check: bool,
) -> Result<(), String> {
    ensure(pub_h != 0 && priv_h != 0 && pub_h != priv_h, || {
        format!("EC key generation: bad handles {pub_h}, {priv_h}")
    })?;
    let point = m
        .attribute(s, pub_h, CKA_EC_POINT)
        .map_err(ctx("read a generated CKA_EC_POINT"))?;
    reference::p256_key(&point).map_err(|e| format!("EC key generation: {e}"))?;
    for h in [pub_h, priv_h] {
        let t = m
            .attribute(s, h, CKA_TOKEN)
            .map_err(ctx("read a generated key's CKA_TOKEN"))?;
        ensure(t == [u8::from(token)], || {
            format!("EC key generation: CKA_TOKEN is {t:?}, asked for {token}")
        })?;
    }
    if sign_check {
        let hash = reference::sha256(b"core-pkcs11-bench: generated key");
        let mut sig = [0u8; 128];
        let n = m
            .sign(s, CKM_ECDSA, priv_h, &hash, &mut sig)
            .map_err(ctx("sign with a generated key"))?;
        reference::check_ecdsa_p256(&point, &hash, &sig[..n])
            .map_err(|e| format!("generated key pair: {e}"))?;
    }
    Ok(())
}

/// A verify of a changed signature, and of the right signature over other data, must
/// return `CKR_SIGNATURE_INVALID`.
fn check_rejects(
    m: &Module,
    s: Ulong,
    mechanism: Ulong,
    key: Ulong,
    data: &[u8],
    sig: &[u8],
    what: &str,
) -> Result<(), String> {
    let mut bad_sig = sig.to_vec();
    let last = bad_sig.len() - 1;
    bad_sig[last] ^= 0x01;
    let mut bad_data = data.to_vec();
    let last = bad_data.len() - 1;
    bad_data[last] ^= 0x01;
    for (case, d, g) in [
        ("a changed signature", data, &bad_sig[..]),
        ("other data", &bad_data[..], sig),
    ] {
        let rv = m
            .verify_rv(s, mechanism, key, d, g)
            .map_err(ctx("verify"))?;
        ensure(rv == CKR_SIGNATURE_INVALID, || {
            format!(
                "{what} verify of {case}: C_Verify returned {}, expected CKR_SIGNATURE_INVALID",
                rv_name(rv)
            )
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    unsafe extern "C" fn ok_init(_: Ulong, _: *mut Mechanism, _: Ulong) -> Rv {
        CKR_OK
    }

    /// A broken `C_Verify` that accepts anything.
    unsafe extern "C" fn accept_all(
        _: Ulong,
        _: *const u8,
        _: Ulong,
        _: *const u8,
        _: Ulong,
    ) -> Rv {
        CKR_OK
    }

    /// A `C_Verify` that rejects anything.
    unsafe extern "C" fn reject_all(
        _: Ulong,
        _: *const u8,
        _: Ulong,
        _: *const u8,
        _: Ulong,
    ) -> Rv {
        CKR_SIGNATURE_INVALID
    }

    type VerifyFn = unsafe extern "C" fn(Ulong, *const u8, Ulong, *const u8, Ulong) -> Rv;

    fn fake(verify: VerifyFn, cell: &'static OnceLock<FunctionList>) -> Module {
        let list = cell.get_or_init(|| {
            // SAFETY: every field of FunctionList is a Version (plain bytes) or an
            // Option<fn>, for which all-zero bytes are valid (None).
            let mut l: FunctionList = unsafe { std::mem::zeroed() };
            l.verify_init = Some(ok_init);
            l.verify = Some(verify);
            l
        });
        Module::from_static(list)
    }

    #[test]
    fn a_verify_that_accepts_everything_is_caught() {
        static LIST: OnceLock<FunctionList> = OnceLock::new();
        let m = fake(accept_all, &LIST);
        let err = check_rejects(&m, 1, CKM_ECDSA, 2, &[1; 32], &[2; 64], "ECDSA").unwrap_err();
        assert!(err.contains("returned CKR_OK"), "{err}");
        assert!(err.contains("expected CKR_SIGNATURE_INVALID"), "{err}");
    }

    #[test]
    fn a_verify_that_rejects_the_wrong_signatures_passes() {
        static LIST: OnceLock<FunctionList> = OnceLock::new();
        let m = fake(reject_all, &LIST);
        check_rejects(&m, 1, CKM_RSA_PKCS, 2, &[1; 51], &[2; 256], "RSA").unwrap();
        let err = m
            .verify(1, CKM_RSA_PKCS, 2, &[1; 51], &[2; 256])
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "C_Verify returned CKR_SIGNATURE_INVALID (0xC0)"
        );
        let err = m.generate_random(1, &mut [0; 4]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "C_GenerateRandom is NULL in the module's function list"
        );
    }
}
