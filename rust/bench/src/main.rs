//! `core-pkcs11-bench`: times the same PKCS #11 operations on any number of modules, side by
//! side, loading each through `C_GetFunctionList` only.
//!
//! Each module runs in a child process of its own (this program with `--worker`), so that
//! modules cannot disturb each other (two PKCS #11 modules in one process, each with its
//! own `C_Initialize` state and libraries), and so that each one's memory footprint can be
//! read. Every result is checked; a wrong one stops the run with an error. Nothing asserts
//! on time.
//!
//! The PKCS #11 types are declared in [`pkcs11`] (no `cryptoki-sys`).

pub mod module;
pub mod pkcs11;
pub mod reference;
pub mod report;
pub mod timing;
pub mod worker;

use report::{ModuleRun, RunContext};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use timing::Budget;
use worker::WorkerConfig;

const USAGE: &str = "\
usage: core-pkcs11-bench --module [NAME=]PATH [--module [NAME=]PATH ...] [options]

Times PKCS #11 operations on each module (loaded with dlopen, reached through
C_GetFunctionList) and prints ops/s per operation and module, and the ratio of the
first module to the second (see --ours/--baseline).

options:
  --module [NAME=]PATH   a PKCS #11 module; NAME defaults to the file name
  --iterations N         N timed iterations per operation
  --seconds S            about S seconds per operation (default 1)
  --quick                a few iterations per operation (for CI): --iterations 5
  --rounds N             run every module N times, alternating, and keep each
                         operation's best round (default 1)
  --out PATH             also write the results to PATH: JSON if it ends in .json,
                         else CSV (repeatable)
  --ours NAME            module in the ratio's numerator (default: the first)
  --baseline NAME        module in the ratio's denominator (default: the second)
  --so-pin PIN           SO PIN for C_InitToken (default 12345678)
  --user-pin PIN         user PIN for C_InitPIN and C_Login (default 123456)
  --default-user-pin PIN user PIN of a token flagged CKF_USER_PIN_TO_BE_CHANGED
                         (default 0000, core-pkcs11's never-initialised token)
  --label LABEL          token label (default bench)
  --session-keys         keep the keys and search objects as session objects
                         (default: token objects, destroyed at the end)
  --find-objects N       data objects to search among (default 20)
  --env NAME:VAR=VALUE   set an environment variable for module NAME only
                         (repeatable), e.g. core-pkcs11:CORE_PKCS11_STORE=/tmp/t.img
  --ops OP,OP,...        time only these operations (every result is still
                         checked): ecdsa_p256_sign, ecdsa_p256_verify,
                         rsa2048_sign, rsa2048_verify, sha256_1k, sha256_64k,
                         random_32, find_label_class, ec_keygen_session,
                         ec_keygen_token

The token used is, in order: an initialised token labelled LABEL; the first
uninitialised token (C_InitToken + C_InitPIN); the first token.
Modules run with CORE_PKCS11_STORE=:memory: (core-pkcs11 keeps its token objects
in RAM) unless that is set already or --env sets it for the module.
";

/// Command-line options.
#[derive(Debug, Clone)]
pub struct Options {
    /// (name, path) of each module.
    pub modules: Vec<(String, PathBuf)>,
    /// Budget per operation.
    pub budget: Budget,
    /// Result files.
    pub outs: Vec<PathBuf>,
    /// Ratio numerator.
    pub ours: Option<String>,
    /// Ratio denominator.
    pub baseline: Option<String>,
    /// SO PIN.
    pub so_pin: String,
    /// User PIN.
    pub user_pin: String,
    /// Default user PIN.
    pub default_user_pin: String,
    /// Token label.
    pub label: String,
    /// Session instead of token objects.
    pub session_keys: bool,
    /// Data objects to search among.
    pub find_objects: usize,
    /// Operations to time (all when `None`).
    pub ops: Option<Vec<String>>,
    /// Rounds per module (best per operation is kept).
    pub rounds: u32,
    /// (module name, variable, value): environment of one module's worker.
    pub envs: Vec<(String, String, String)>,
    /// Run as the worker of the single module given.
    pub worker: bool,
}

/// Name a module after its file: `libsofthsm2.so` → `softhsm2`.
pub fn default_name(path: &Path) -> String {
    let stem = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("module");
    let stem = stem.split(".so").next().unwrap_or(stem);
    let stem = stem.strip_prefix("lib").unwrap_or(stem);
    stem.to_string()
}

/// Splits `--module` values: `NAME=PATH` when the part before `=` has no `/`.
pub fn parse_module(value: &str) -> (String, PathBuf) {
    match value.split_once('=') {
        Some((name, path)) if !name.is_empty() && !name.contains('/') => {
            (name.to_string(), PathBuf::from(path))
        }
        _ => {
            let path = PathBuf::from(value);
            (default_name(&path), path)
        }
    }
}

/// Parses the command line (without the program name).
pub fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        modules: Vec::new(),
        budget: Budget::Seconds(1.0),
        outs: Vec::new(),
        ours: None,
        baseline: None,
        so_pin: "12345678".into(),
        user_pin: "123456".into(),
        default_user_pin: "0000".into(),
        label: "bench".into(),
        session_keys: false,
        find_objects: 20,
        ops: None,
        rounds: 1,
        envs: Vec::new(),
        worker: false,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{arg} needs a value"))
        };
        match arg.as_str() {
            "--module" => o.modules.push(parse_module(&value()?)),
            "--iterations" => {
                let v = value()?;
                let n: u64 = v
                    .parse()
                    .map_err(|_| format!("--iterations: not a number: {v}"))?;
                if n == 0 {
                    return Err("--iterations must be at least 1".into());
                }
                o.budget = Budget::Iterations(n);
            }
            "--seconds" => {
                let v = value()?;
                let s: f64 = v
                    .parse()
                    .map_err(|_| format!("--seconds: not a number: {v}"))?;
                if !(s.is_finite() && s > 0.0) {
                    return Err("--seconds must be positive".into());
                }
                o.budget = Budget::Seconds(s);
            }
            "--quick" => o.budget = Budget::Iterations(5),
            "--out" => o.outs.push(PathBuf::from(value()?)),
            "--ours" => o.ours = Some(value()?),
            "--baseline" => o.baseline = Some(value()?),
            "--so-pin" => o.so_pin = value()?,
            "--user-pin" => o.user_pin = value()?,
            "--default-user-pin" => o.default_user_pin = value()?,
            "--label" => o.label = value()?,
            "--session-keys" => o.session_keys = true,
            "--find-objects" => {
                let v = value()?;
                o.find_objects = v
                    .parse()
                    .map_err(|_| format!("--find-objects: not a number: {v}"))?;
            }
            "--ops" => {
                let list: Vec<String> = value()?.split(',').map(|x| x.trim().to_string()).collect();
                for op in &list {
                    if !worker::OPERATIONS.iter().any(|(name, _)| name == op) {
                        let names: Vec<&str> = worker::OPERATIONS.iter().map(|(n, _)| *n).collect();
                        return Err(format!(
                            "--ops: unknown operation {op} (known: {})",
                            names.join(",")
                        ));
                    }
                }
                o.ops = Some(list);
            }
            "--rounds" => {
                let v = value()?;
                o.rounds = v
                    .parse()
                    .ok()
                    .filter(|&n| n >= 1)
                    .ok_or_else(|| format!("--rounds: not a positive number: {v}"))?;
            }
            "--env" => {
                let v = value()?;
                let parsed = v.split_once(':').and_then(|(module, assignment)| {
                    let (var, val) = assignment.split_once('=')?;
                    (!module.is_empty() && !var.is_empty())
                        .then(|| (module.to_string(), var.to_string(), val.to_string()))
                });
                o.envs.push(
                    parsed.ok_or_else(|| format!("--env: expected NAME:VAR=VALUE, got {v}"))?,
                );
            }
            "--worker" => o.worker = true,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if o.modules.is_empty() {
        return Err("give at least one --module".into());
    }
    let names: Vec<&String> = o.modules.iter().map(|(n, _)| n).collect();
    for (i, n) in names.iter().enumerate() {
        if names[..i].contains(n) {
            return Err(format!(
                "two modules are named {n}; name them: --module NAME=PATH"
            ));
        }
    }
    for (module, _, _) in &o.envs {
        if !names.contains(&module) {
            return Err(format!("--env: no module named {module}"));
        }
    }
    for which in [&o.ours, &o.baseline].into_iter().flatten() {
        if !names.contains(&which) {
            return Err(format!("--ours/--baseline: no module named {which}"));
        }
    }
    if o.ours.is_none() {
        o.ours = Some(o.modules[0].0.clone());
    }
    if o.baseline.is_none() {
        o.baseline = o
            .modules
            .iter()
            .map(|(n, _)| n)
            .find(|n| Some(*n) != o.ours.as_ref())
            .cloned();
    }
    Ok(o)
}

/// The arguments a worker for module `index` gets.
fn worker_args(o: &Options, index: usize) -> Vec<String> {
    let (name, path) = &o.modules[index];
    let mut a = vec![
        "--worker".to_string(),
        "--module".into(),
        format!("{name}={}", path.display()),
    ];
    match o.budget {
        Budget::Iterations(n) => a.extend(["--iterations".into(), n.to_string()]),
        Budget::Seconds(s) => a.extend(["--seconds".into(), s.to_string()]),
    }
    for (flag, v) in [
        ("--so-pin", &o.so_pin),
        ("--user-pin", &o.user_pin),
        ("--default-user-pin", &o.default_user_pin),
        ("--label", &o.label),
    ] {
        a.extend([flag.to_string(), v.clone()]);
    }
    a.extend(["--find-objects".into(), o.find_objects.to_string()]);
    if o.session_keys {
        a.push("--session-keys".into());
    }
    if let Some(ops) = &o.ops {
        a.extend(["--ops".into(), ops.join(",")]);
    }
    a
}

/// Worker mode: benchmark the one module, print the report lines on stdout.
fn worker_main(o: &Options) -> Result<(), String> {
    let (name, path) = &o.modules[0];
    let cfg = WorkerConfig {
        name: name.clone(),
        path: path.clone(),
        budget: o.budget,
        so_pin: o.so_pin.clone(),
        user_pin: o.user_pin.clone(),
        default_user_pin: o.default_user_pin.clone(),
        label: o.label.clone(),
        session_keys: o.session_keys,
        find_objects: o.find_objects,
        ops: o.ops.clone(),
    };
    let r = worker::run(&cfg).map_err(|e| format!("{name} ({}): {e}", path.display()))?;
    print!("{}", report::to_lines(&r));
    Ok(())
}

/// The `--env` settings of module `name`.
fn module_env(o: &Options, name: &str) -> Vec<(String, String)> {
    o.envs
        .iter()
        .filter(|(module, _, _)| module == name)
        .map(|(_, var, value)| (var.clone(), value.clone()))
        .collect()
}

/// Runs one worker process and reads its report.
fn run_worker(o: &Options, index: usize) -> Result<ModuleRun, String> {
    let (name, path) = &o.modules[index];
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    let mut cmd = Command::new(exe);
    cmd.args(worker_args(o, index))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if std::env::var_os("CORE_PKCS11_STORE").is_none() {
        cmd.env("CORE_PKCS11_STORE", ":memory:");
    }
    let env = module_env(o, name);
    for (var, value) in &env {
        cmd.env(var, value);
    }
    eprintln!("== {name}: {}", path.display());
    let out = cmd
        .output()
        .map_err(|e| format!("cannot start the worker for {name}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "the benchmark of {name} failed ({}); see the error above",
            out.status
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let report = report::from_lines(&text).map_err(|e| format!("{name}: {e}"))?;
    let file_bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    eprintln!("   {name}: {}", report.token);
    Ok(ModuleRun {
        name: name.clone(),
        path: path.display().to_string(),
        file_bytes,
        env,
        report,
    })
}

fn parent_main(o: &Options) -> Result<(), String> {
    // Rounds alternate between the modules; each module keeps its best round per operation,
    // which damps the noise of a shared machine.
    let mut runs: Vec<ModuleRun> = Vec::new();
    for round in 0..o.rounds {
        if o.rounds > 1 {
            eprintln!("== round {} of {}", round + 1, o.rounds);
        }
        for i in 0..o.modules.len() {
            let run = run_worker(o, i)?;
            match runs.get_mut(i) {
                None => runs.push(run),
                Some(best) => report::keep_best(best, run)?,
            }
        }
    }
    // PKCS #1 v1.5 signatures are deterministic: every module must give the same bytes.
    if let Some(first) = runs.first() {
        for r in &runs[1..] {
            if r.report.rsa_signature != first.report.rsa_signature {
                return Err(format!(
                    "{} and {} give different RSA PKCS #1 v1.5 signatures of the same input \
                     with the same key",
                    first.name, r.name
                ));
            }
        }
    }
    let ctx = RunContext {
        budget: o.budget.describe(),
        rounds: o.rounds,
        ours: o.ours.clone(),
        baseline: o.baseline.clone(),
        token_objects: !o.session_keys,
        find_objects: o.find_objects,
    };
    print!("{}", report::table(&runs, &ctx));
    for out in &o.outs {
        let text = if out.extension().is_some_and(|e| e == "json") {
            report::json(&runs, &ctx)
        } else {
            report::csv(&runs, &ctx)
        };
        if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        std::fs::write(out, text).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
        eprintln!("wrote {}", out.display());
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = match parse_args(&args) {
        Ok(o) => o,
        Err(e) if e.is_empty() => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("core-pkcs11-bench: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let result = if options.worker {
        worker_main(&options)
    } else {
        parent_main(&options)
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("core-pkcs11-bench: error: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn modules_and_names() {
        assert_eq!(
            parse_module("/usr/lib/softhsm/libsofthsm2.so"),
            (
                "softhsm2".into(),
                PathBuf::from("/usr/lib/softhsm/libsofthsm2.so")
            )
        );
        assert_eq!(
            parse_module("ours=target/x.so"),
            ("ours".into(), PathBuf::from("target/x.so"))
        );
        assert_eq!(parse_module("./a=b/libx.so.2").0, "x");
    }

    #[test]
    fn options() {
        let o = parse_args(&args(
            "--module a=/a.so --module b=/b.so --quick --out r.json",
        ))
        .unwrap();
        assert_eq!(o.budget, Budget::Iterations(5));
        assert_eq!(o.ours.as_deref(), Some("a"));
        assert_eq!(o.baseline.as_deref(), Some("b"));
        assert_eq!(o.outs, [PathBuf::from("r.json")]);
        let o = parse_args(&args(
            "--module a=/a.so --module b=/b.so --ours b --seconds 0.5",
        ))
        .unwrap();
        assert_eq!(o.budget, Budget::Seconds(0.5));
        assert_eq!(o.baseline.as_deref(), Some("a"));
        assert!(parse_args(&args("--quick")).is_err());
        assert!(parse_args(&args("--module /a.so --iterations 0")).is_err());
        assert!(parse_args(&args("--module /a.so --module /x/a.so")).is_err());
        assert!(parse_args(&args("--module /a.so --ours zz")).is_err());
        assert_eq!(parse_args(&args("--help")).unwrap_err(), "");
    }

    #[test]
    fn workers_get_the_same_settings() {
        let o = parse_args(&args(
            "--module a=/a.so --module b=/b.so --iterations 9 --label L --session-keys \
             --ops sha256_1k,random_32",
        ))
        .unwrap();
        let w = parse_args(&worker_args(&o, 1)).unwrap();
        assert!(w.worker);
        assert_eq!(w.modules, [("b".to_string(), PathBuf::from("/b.so"))]);
        assert_eq!(w.budget, Budget::Iterations(9));
        assert_eq!(w.label, "L");
        assert!(w.session_keys);
        assert_eq!(
            w.ops,
            Some(vec!["sha256_1k".to_string(), "random_32".to_string()])
        );
        assert!(parse_args(&args("--module /a.so --ops nope")).is_err());
    }

    #[test]
    fn per_module_environment() {
        let o = parse_args(&args(
            "--module a=/a.so --module b=/b.so --env b:X=1 --env b:Y=p=q --env a:Z=",
        ))
        .unwrap();
        assert_eq!(
            module_env(&o, "b"),
            [("X".into(), "1".into()), ("Y".into(), "p=q".into())]
        );
        assert_eq!(module_env(&o, "a"), [("Z".to_string(), String::new())]);
        assert!(parse_args(&args("--module a=/a.so --env c:X=1")).is_err());
        assert!(parse_args(&args("--module a=/a.so --env a:X")).is_err());
    }
}
