//! Results: the worker-to-parent line format, the table on stdout, and the JSON and CSV
//! files.

use crate::timing::Sample;
use crate::worker::{Footprint, WorkerReport, OPERATIONS};
use std::fmt::Write as _;

/// One module's run as the parent sees it.
#[derive(Debug, Clone)]
pub struct ModuleRun {
    /// Display name.
    pub name: String,
    /// Module path as given.
    pub path: String,
    /// Size of the module file (symlinks followed), bytes.
    pub file_bytes: u64,
    /// Environment variables set for this module only (`--env`).
    pub env: Vec<(String, String)>,
    /// What the worker measured.
    pub report: WorkerReport,
}

impl ModuleRun {
    /// The measurement of `op`, if it ran.
    pub fn sample(&self, op: &str) -> Option<Sample> {
        self.report
            .results
            .iter()
            .find(|(o, _)| o == op)
            .map(|(_, s)| *s)
    }

    /// Total size of the files loading the module mapped, bytes.
    pub fn loaded_bytes(&self) -> u64 {
        self.report
            .footprint
            .loaded_files
            .iter()
            .map(|(_, b)| b)
            .sum()
    }
}

/// Settings and context recorded with the results.
#[derive(Debug, Clone)]
pub struct RunContext {
    /// Budget per operation, as text.
    pub budget: String,
    /// Rounds per module (the best round per operation is reported).
    pub rounds: u32,
    /// Name of "our" module (numerator of the ratio).
    pub ours: Option<String>,
    /// Name of the baseline module (denominator of the ratio).
    pub baseline: Option<String>,
    /// Whether keys and search objects were token objects.
    pub token_objects: bool,
    /// Number of data objects searched among.
    pub find_objects: usize,
}

/// Merges another round of the same module into `best`: per operation the faster sample,
/// the larger peak RSS. The RSA signature must not change between rounds.
pub fn keep_best(best: &mut ModuleRun, other: ModuleRun) -> Result<(), String> {
    if other.report.rsa_signature != best.report.rsa_signature {
        return Err(format!(
            "{}: the RSA PKCS #1 v1.5 signature changed between rounds",
            best.name
        ));
    }
    for (op, sample) in other.report.results {
        match best.report.results.iter_mut().find(|(o, _)| *o == op) {
            Some((_, s)) if s.ops_per_sec() >= sample.ops_per_sec() => {}
            Some((_, s)) => *s = sample,
            None => best.report.results.push((op, sample)),
        }
    }
    let fp = &mut best.report.footprint;
    fp.peak_rss_kib = fp.peak_rss_kib.max(other.report.footprint.peak_rss_kib);
    Ok(())
}

fn clean(value: &str) -> String {
    value.replace(['\t', '\n', '\r'], " ")
}

/// Serialises a worker's report as tab-separated lines for the parent.
pub fn to_lines(r: &WorkerReport) -> String {
    let mut out = String::new();
    let mut info = |k: &str, v: &str| {
        let _ = writeln!(out, "info\t{k}\t{}", clean(v));
    };
    info("cryptoki_version", &r.info.cryptoki_version);
    info("manufacturer", &r.info.manufacturer);
    info("description", &r.info.description);
    info("library_version", &r.info.library_version);
    info("token", &r.token);
    info(
        "rsa_signature",
        &crate::reference::hex_encode(&r.rsa_signature),
    );
    info("rss_before_kib", &r.footprint.rss_before_kib.to_string());
    info("peak_rss_kib", &r.footprint.peak_rss_kib.to_string());
    for (path, size) in &r.footprint.loaded_files {
        let _ = writeln!(out, "file\t{}\t{size}", clean(path));
    }
    for (op, s) in &r.results {
        let _ = writeln!(out, "result\t{op}\t{}\t{:e}", s.iterations, s.seconds);
    }
    out
}

/// Parses [`to_lines`] output.
pub fn from_lines(text: &str) -> Result<WorkerReport, String> {
    let mut r = WorkerReport {
        footprint: Footprint::default(),
        ..WorkerReport::default()
    };
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        let bad = || format!("worker output: bad line {line:?}");
        match f.as_slice() {
            ["info", key, value] => match *key {
                "cryptoki_version" => r.info.cryptoki_version = value.to_string(),
                "manufacturer" => r.info.manufacturer = value.to_string(),
                "description" => r.info.description = value.to_string(),
                "library_version" => r.info.library_version = value.to_string(),
                "token" => r.token = value.to_string(),
                "rsa_signature" => r.rsa_signature = crate::reference::hex_decode(value)?,
                "rss_before_kib" => {
                    r.footprint.rss_before_kib = value.parse().map_err(|_| bad())?
                }
                "peak_rss_kib" => r.footprint.peak_rss_kib = value.parse().map_err(|_| bad())?,
                _ => return Err(bad()),
            },
            ["file", path, size] => r
                .footprint
                .loaded_files
                .push((path.to_string(), size.parse().map_err(|_| bad())?)),
            ["result", op, iterations, seconds] => r.results.push((
                op.to_string(),
                Sample {
                    iterations: iterations.parse().map_err(|_| bad())?,
                    seconds: seconds.parse().map_err(|_| bad())?,
                },
            )),
            _ => return Err(bad()),
        }
    }
    Ok(r)
}

/// `ours / baseline` ops/s for `op`, when both ran.
pub fn ratio(runs: &[ModuleRun], ctx: &RunContext, op: &str) -> Option<f64> {
    let get = |name: &Option<String>| {
        let name = name.as_ref()?;
        runs.iter().find(|r| &r.name == name)?.sample(op)
    };
    let (a, b) = (get(&ctx.ours)?, get(&ctx.baseline)?);
    let (a, b) = (a.ops_per_sec(), b.ops_per_sec());
    (b > 0.0).then(|| a / b)
}

/// Computes one table cell of a module.
type CellFn = fn(&ModuleRun) -> String;

fn fmt_ops(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

fn kib(bytes: u64) -> String {
    format!("{}", bytes.div_ceil(1024))
}

/// The results as a Markdown table (ops/s per operation and module, and the ratio), with the
/// footprint rows below.
pub fn table(runs: &[ModuleRun], ctx: &RunContext) -> String {
    let ratio_header = match (&ctx.ours, &ctx.baseline) {
        (Some(a), Some(b)) if runs.len() > 1 => Some(format!("{a}/{b}")),
        _ => None,
    };
    let mut header = vec!["operation".to_string()];
    header.extend(runs.iter().map(|r| format!("{} ops/s", r.name)));
    header.extend(ratio_header.clone());
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (op, _) in OPERATIONS {
        if runs.iter().all(|r| r.sample(op).is_none()) {
            continue;
        }
        let mut row = vec![op.to_string()];
        row.extend(runs.iter().map(|r| {
            r.sample(op)
                .map(|s| fmt_ops(s.ops_per_sec()))
                .unwrap_or_else(|| "-".into())
        }));
        if ratio_header.is_some() {
            row.push(
                ratio(runs, ctx, op)
                    .map(|x| format!("{x:.2}"))
                    .unwrap_or_else(|| "-".into()),
            );
        }
        rows.push(row);
    }
    let footprint: [(&str, CellFn); 3] = [
        ("module file, KiB", |r| kib(r.file_bytes)),
        ("mapped by loading, KiB", |r| kib(r.loaded_bytes())),
        ("peak RSS of the run, KiB", |r| {
            r.report.footprint.peak_rss_kib.to_string()
        }),
    ];
    for (label, f) in footprint {
        let mut row = vec![label.to_string()];
        row.extend(runs.iter().map(f));
        if ratio_header.is_some() {
            row.push(String::new());
        }
        rows.push(row);
    }
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .map(|r| r[i].len())
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String]| {
        let mut s = String::from("|");
        for (i, c) in cells.iter().enumerate() {
            if i == 0 {
                let _ = write!(s, " {c:<w$} |", w = widths[i]);
            } else {
                let _ = write!(s, " {c:>w$} |", w = widths[i]);
            }
        }
        s.push('\n');
        s
    };
    let mut out = line(&header);
    out.push('|');
    for (i, w) in widths.iter().enumerate() {
        // Left-aligned first column, right-aligned numbers.
        let end = if i == 0 { '-' } else { ':' };
        let _ = write!(out, " {}{end} |", "-".repeat(w.saturating_sub(1)));
    }
    out.push('\n');
    for r in &rows {
        out.push_str(&line(r));
    }
    out
}

/// JSON string literal.
pub fn json_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn json_num(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.3}")
    } else {
        "null".into()
    }
}

fn json_opt_str(v: &Option<String>) -> String {
    v.as_deref().map(json_str).unwrap_or_else(|| "null".into())
}

/// A short description of the machine (CPU model, cores, kernel).
pub fn host_description() -> (String, usize, String) {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            (k.trim() == "model name").then(|| v.trim().to_string())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .unwrap_or_default()
        .trim()
        .to_string();
    (cpu, cores, kernel)
}

/// The results as JSON.
pub fn json(runs: &[ModuleRun], ctx: &RunContext) -> String {
    let (cpu, cores, kernel) = host_description();
    let mut o = String::new();
    let _ = writeln!(o, "{{");
    let _ = writeln!(
        o,
        "  \"tool\": {},",
        json_str(concat!("core-pkcs11-bench ", env!("CARGO_PKG_VERSION")))
    );
    let _ = writeln!(
        o,
        "  \"host\": {{\"cpu\": {}, \"cores\": {cores}, \"kernel\": {}}},",
        json_str(&cpu),
        json_str(&kernel)
    );
    let _ = writeln!(o, "  \"budget\": {},", json_str(&ctx.budget));
    let _ = writeln!(o, "  \"rounds\": {},", ctx.rounds);
    let _ = writeln!(o, "  \"token_objects\": {},", ctx.token_objects);
    let _ = writeln!(o, "  \"find_among_data_objects\": {},", ctx.find_objects);
    let _ = writeln!(o, "  \"ours\": {},", json_opt_str(&ctx.ours));
    let _ = writeln!(o, "  \"baseline\": {},", json_opt_str(&ctx.baseline));
    let _ = writeln!(o, "  \"operations\": [");
    for (i, (op, desc)) in OPERATIONS.iter().enumerate() {
        let comma = if i + 1 < OPERATIONS.len() { "," } else { "" };
        let _ = writeln!(
            o,
            "    {{\"name\": {}, \"description\": {}}}{comma}",
            json_str(op),
            json_str(desc)
        );
    }
    let _ = writeln!(o, "  ],");
    let _ = writeln!(o, "  \"modules\": [");
    for (i, r) in runs.iter().enumerate() {
        let info = &r.report.info;
        let _ = writeln!(o, "    {{");
        let _ = writeln!(o, "      \"name\": {},", json_str(&r.name));
        let _ = writeln!(o, "      \"path\": {},", json_str(&r.path));
        let _ = writeln!(
            o,
            "      \"manufacturer\": {},",
            json_str(&info.manufacturer)
        );
        let _ = writeln!(o, "      \"description\": {},", json_str(&info.description));
        let _ = writeln!(
            o,
            "      \"library_version\": {},",
            json_str(&info.library_version)
        );
        let _ = writeln!(
            o,
            "      \"cryptoki_version\": {},",
            json_str(&info.cryptoki_version)
        );
        let _ = writeln!(o, "      \"token\": {},", json_str(&r.report.token));
        let env: Vec<String> = r
            .env
            .iter()
            .map(|(k, v)| format!("{}: {}", json_str(k), json_str(v)))
            .collect();
        let _ = writeln!(o, "      \"env\": {{{}}},", env.join(", "));
        let _ = writeln!(o, "      \"file_bytes\": {},", r.file_bytes);
        let _ = writeln!(
            o,
            "      \"mapped_by_loading_bytes\": {},",
            r.loaded_bytes()
        );
        let files: Vec<String> = r
            .report
            .footprint
            .loaded_files
            .iter()
            .map(|(p, b)| format!("{{\"path\": {}, \"bytes\": {b}}}", json_str(p)))
            .collect();
        let _ = writeln!(o, "      \"mapped_files\": [{}],", files.join(", "));
        let _ = writeln!(
            o,
            "      \"rss_before_load_kib\": {},",
            r.report.footprint.rss_before_kib
        );
        let _ = writeln!(
            o,
            "      \"peak_rss_kib\": {},",
            r.report.footprint.peak_rss_kib
        );
        let results: Vec<String> = r
            .report
            .results
            .iter()
            .map(|(op, s)| {
                format!(
                    "        {{\"operation\": {}, \"iterations\": {}, \"seconds\": {}, \"ops_per_sec\": {}}}",
                    json_str(op),
                    s.iterations,
                    format_args!("{:.6}", s.seconds),
                    json_num(s.ops_per_sec())
                )
            })
            .collect();
        let _ = writeln!(o, "      \"results\": [\n{}\n      ]", results.join(",\n"));
        let comma = if i + 1 < runs.len() { "," } else { "" };
        let _ = writeln!(o, "    }}{comma}");
    }
    let _ = writeln!(o, "  ],");
    let ratios: Vec<String> = OPERATIONS
        .iter()
        .filter_map(|(op, _)| {
            ratio(runs, ctx, op).map(|x| format!("    {}: {}", json_str(op), json_num(x)))
        })
        .collect();
    if ratios.is_empty() {
        let _ = writeln!(o, "  \"ratios\": {{}}");
    } else {
        let _ = writeln!(o, "  \"ratios\": {{\n{}\n  }}", ratios.join(",\n"));
    }
    let _ = writeln!(o, "}}");
    o
}

/// The results as CSV: one row per module and operation.
pub fn csv(runs: &[ModuleRun], ctx: &RunContext) -> String {
    let mut o = String::from("operation,module,iterations,seconds,ops_per_sec,ratio_vs_baseline\n");
    for (op, _) in OPERATIONS {
        for r in runs {
            if let Some(s) = r.sample(op) {
                let ratio = if ctx.ours.as_deref() == Some(&r.name) {
                    ratio(runs, ctx, op)
                        .map(|x| format!("{x:.3}"))
                        .unwrap_or_default()
                } else {
                    String::new()
                };
                let _ = writeln!(
                    o,
                    "{op},{},{},{:.6},{:.3},{ratio}",
                    r.name.replace(',', " "),
                    s.iterations,
                    s.seconds,
                    s.ops_per_sec()
                );
            }
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(name: &str, ops: f64) -> ModuleRun {
        let mut report = WorkerReport::default();
        report.results.push((
            "sha256_1k".into(),
            Sample {
                iterations: 10,
                seconds: 10.0 / ops,
            },
        ));
        report.footprint.loaded_files.push(("/x.so".into(), 2048));
        report.rsa_signature = vec![1, 2];
        report.token = "tok\ten".into();
        ModuleRun {
            name: name.into(),
            path: format!("/{name}.so"),
            file_bytes: 4096,
            env: vec![("K".into(), "v".into())],
            report,
        }
    }

    fn ctx() -> RunContext {
        RunContext {
            budget: "iterations=10".into(),
            rounds: 1,
            ours: Some("a".into()),
            baseline: Some("b".into()),
            token_objects: true,
            find_objects: 20,
        }
    }

    #[test]
    fn worker_lines_round_trip() {
        let r = run("a", 100.0).report;
        let back = from_lines(&to_lines(&r)).unwrap();
        assert_eq!(back.results, r.results);
        assert_eq!(back.rsa_signature, r.rsa_signature);
        assert_eq!(back.token, "tok en");
        assert_eq!(back.footprint.loaded_files, r.footprint.loaded_files);
        assert!(from_lines("nonsense").is_err());
    }

    #[test]
    fn ratio_table_json_csv() {
        let runs = [run("a", 400.0), run("b", 100.0)];
        let c = ctx();
        assert!((ratio(&runs, &c, "sha256_1k").unwrap() - 4.0).abs() < 1e-9);
        assert_eq!(ratio(&runs, &c, "random_32"), None);
        let t = table(&runs, &c);
        assert!(t.contains("a/b"), "{t}");
        assert!(t.contains("4.00"), "{t}");
        assert!(!t.contains("random_32"), "{t}");
        let j = json(&runs, &c);
        assert!(j.contains("\"sha256_1k\": 4.000"), "{j}");
        assert!(j.contains("\"env\": {\"K\": \"v\"}"), "{j}");
        let v = csv(&runs, &c);
        assert!(v.contains("sha256_1k,a,10,"), "{v}");
        assert!(v
            .lines()
            .any(|l| l.starts_with("sha256_1k,a,") && l.ends_with(",4.000")));
    }

    #[test]
    fn rounds_keep_the_best_sample() {
        let mut best = run("a", 100.0);
        keep_best(&mut best, run("a", 300.0)).unwrap();
        keep_best(&mut best, run("a", 200.0)).unwrap();
        assert!((best.sample("sha256_1k").unwrap().ops_per_sec() - 300.0).abs() < 1e-6);
        let mut other = run("a", 1.0);
        other.report.rsa_signature = vec![9];
        assert!(keep_best(&mut best, other).is_err());
    }

    #[test]
    fn json_strings_are_escaped() {
        assert_eq!(json_str("a\"b\\c\n\u{1}"), "\"a\\\"b\\\\c\\n\\u0001\"");
    }
}
