//! Compiles the configuration shim (`csrc/config_shim.c`) against the application's
//! `core_pkcs11_config.h`, so that its macros take effect as they do for the C library.
//!
//! The header is looked up in `$CORE_PKCS11_CONFIG_DIR` (absolute path of the directory that
//! holds the application's `core_pkcs11_config.h`), or, when unset, in `config-default/`
//! (an empty configuration: every documented default applies). The repository's `include/`
//! provides `core_pkcs11_config_defaults.h`.

use std::env;
use std::path::PathBuf;

fn main() {
    let manifest_dir =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let include_dir = manifest_dir.join("../../include");
    let shim = manifest_dir.join("csrc/config_shim.c");

    println!("cargo:rerun-if-env-changed=CORE_PKCS11_CONFIG_DIR");
    println!("cargo:rerun-if-changed={}", shim.display());
    println!("cargo:rerun-if-changed={}", include_dir.display());

    let config_dir = match env::var_os("CORE_PKCS11_CONFIG_DIR") {
        Some(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            if !dir.is_absolute() {
                panic!(
                    "CORE_PKCS11_CONFIG_DIR must be an absolute path (got {})",
                    dir.display()
                );
            }
            if !dir.join("core_pkcs11_config.h").is_file() {
                panic!(
                    "CORE_PKCS11_CONFIG_DIR={} has no core_pkcs11_config.h",
                    dir.display()
                );
            }
            dir
        }
        _ => manifest_dir.join("config-default"),
    };
    let config_header = config_dir.join("core_pkcs11_config.h");
    println!("cargo:rerun-if-changed={}", config_header.display());
    for header in ["core_pkcs11_config_defaults.h", "core_pkcs11.h"] {
        println!(
            "cargo:rerun-if-changed={}",
            include_dir.join(header).display()
        );
    }

    cc::Build::new()
        .file(&shim)
        .include(&config_dir)
        .include(&include_dir)
        .warnings(true)
        .compile("core_pkcs11_cfg_shim");
}
