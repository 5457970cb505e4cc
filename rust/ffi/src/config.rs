//! The application's build-time configuration (`core_pkcs11_config.h`), as the engine's
//! [`Config`].

use crate::shim;
use alloc::vec::Vec;
use core::ffi::c_ulong;
use core_pkcs11_engine::config::Accelerators;
use core_pkcs11_engine::Config;

/// The default user PIN, `pkcs11configPKCS11_DEFAULT_USER_PIN`, without its NUL.
pub fn default_user_pin() -> &'static [u8] {
    // SAFETY: the shim defines `core_pkcs11_cfg_default_user_pin` as a `const char[]`
    // initialised from a string literal and `core_pkcs11_cfg_default_user_pin_len` as that
    // array's size minus its NUL, so the pointer is valid for reads of that many bytes for the
    // whole program; both are `const` objects, never written.
    unsafe {
        let len = shim::core_pkcs11_cfg_default_user_pin_len;
        let ptr = core::ptr::addr_of!(shim::core_pkcs11_cfg_default_user_pin).cast::<u8>();
        core::slice::from_raw_parts(ptr, len)
    }
}

/// The corePKCS11 object labels of the configuration (`pkcs11configLABEL_*`, without NUL).
pub fn object_labels() -> Vec<&'static [u8]> {
    // SAFETY: the shim defines `core_pkcs11_cfg_labels` as a `const char * const[]` of
    // `core_pkcs11_cfg_label_count` entries, each initialised from a string literal: every
    // pointer is valid and NUL-terminated for the whole program, and nothing writes them.
    unsafe {
        let count = shim::core_pkcs11_cfg_label_count;
        let base =
            core::ptr::addr_of!(shim::core_pkcs11_cfg_labels).cast::<*const core::ffi::c_char>();
        (0..count)
            .map(|i| core::ffi::CStr::from_ptr(*base.add(i)).to_bytes())
            .collect()
    }
}

/// Reads one of the shim's `const unsigned long` values.
fn read(value: &'static c_ulong) -> usize {
    usize::try_from(*value).unwrap_or(usize::MAX)
}

/// The token configuration as the application's `core_pkcs11_config.h` sets it (documented
/// defaults for every macro it leaves unset).
pub fn from_shim() -> Config {
    // SAFETY: the shim defines these as initialised `const unsigned long` objects that live for
    // the whole program and are never written; taking shared references to them is sound.
    let (sessions, objects, label, min_pin, max_pin, attempts) = unsafe {
        (
            &shim::core_pkcs11_cfg_max_sessions,
            &shim::core_pkcs11_cfg_max_objects,
            &shim::core_pkcs11_cfg_max_label_length,
            &shim::core_pkcs11_cfg_min_pin_length,
            &shim::core_pkcs11_cfg_max_pin_length,
            &shim::core_pkcs11_cfg_max_login_attempts,
        )
    };
    Config {
        default_user_pin: default_user_pin().to_vec(),
        max_sessions: read(sessions),
        max_objects: read(objects),
        max_label_len: read(label),
        min_pin_len: read(min_pin),
        max_pin_len: read(max_pin),
        max_login_attempts: u32::try_from(read(attempts)).unwrap_or(u32::MAX),
        accelerators: accelerators(),
    }
}

/// The platform routines this CPU runs: on x86-64 hosts, the RSA CRT exponentiations on
/// AVX-512 IFMA when the CPU has it (checked now, at run time).
#[cfg(all(feature = "rsa", target_arch = "x86_64", not(target_os = "none")))]
fn accelerators() -> Accelerators {
    Accelerators {
        rsa_pow_pair: core_pkcs11_x86_64_ifma::rsa_pow_pair(),
    }
}

/// No platform routines: the engine's portable code everywhere.
#[cfg(not(all(feature = "rsa", target_arch = "x86_64", not(target_os = "none"))))]
fn accelerators() -> Accelerators {
    Accelerators::default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_labels_are_the_corepkcs11_defaults() {
        let labels = object_labels();
        assert_eq!(labels.len(), 10);
        assert_eq!(labels[0], b"Device Priv TLS Key");
        assert_eq!(labels[3], b"Root Cert");
        assert_eq!(labels[9], b"Claim Key");
    }

    #[test]
    fn default_configuration_matches_documented_defaults() {
        // Built without CORE_PKCS11_CONFIG_DIR, the shim sees an empty configuration.
        if std::env::var_os("CORE_PKCS11_CONFIG_DIR").is_some() {
            return;
        }
        let c = from_shim();
        let d = Config::default();
        assert_eq!(c.default_user_pin, d.default_user_pin);
        assert_eq!(c.max_sessions, d.max_sessions);
        assert_eq!(c.max_objects, d.max_objects);
        assert_eq!(c.max_label_len, d.max_label_len);
        assert_eq!(c.min_pin_len, d.min_pin_len);
        assert_eq!(c.max_pin_len, d.max_pin_len);
        assert_eq!(c.max_login_attempts, d.max_login_attempts);
    }

    /// A CPU with AVX-512 IFMA signs RSA through it: a silent fallback to the portable code
    /// would fail here.
    #[cfg(all(feature = "rsa", target_arch = "x86_64"))]
    #[test]
    fn ifma_exponentiation_is_installed_when_the_cpu_has_it() {
        let has =
            std::is_x86_feature_detected!("avx512f") && std::is_x86_feature_detected!("avx512ifma");
        assert_eq!(from_shim().accelerators.rsa_pow_pair.is_some(), has);
        if !has {
            std::eprintln!("note: no AVX-512 IFMA on this CPU: RSA uses the portable code");
        }
    }
}
