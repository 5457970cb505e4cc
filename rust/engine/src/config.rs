//! Token limits and defaults, taken from the application's `core_pkcs11_config.h`.

use alloc::vec::Vec;

/// Build-time configuration of the token, as the application's `core_pkcs11_config.h` sets it
/// (the FFI layer reads the C macros; [`Config::default`] holds the documented defaults).
#[derive(Clone, Debug)]
pub struct Config {
    /// `pkcs11configPKCS11_DEFAULT_USER_PIN`: the user PIN of a token never given one.
    pub default_user_pin: Vec<u8>,
    /// `pkcs11configMAX_SESSIONS`: sessions open at once.
    pub max_sessions: usize,
    /// `pkcs11configMAX_NUM_OBJECTS`: objects (token and session) held at once.
    pub max_objects: usize,
    /// `pkcs11configMAX_LABEL_LENGTH`: longest `CKA_LABEL` accepted, in bytes.
    pub max_label_len: usize,
    /// `pkcs11configMIN_PIN_LENGTH`: shortest PIN accepted by `C_InitToken`/`C_InitPIN`/`C_SetPIN`.
    pub min_pin_len: usize,
    /// `pkcs11configMAX_PIN_LENGTH`: longest PIN accepted.
    pub max_pin_len: usize,
    /// `pkcs11configMAX_LOGIN_ATTEMPTS`: consecutive wrong user PINs before the PIN locks.
    pub max_login_attempts: u32,
    /// Faster routines the platform provides for inner loops (none by default).
    pub accelerators: Accelerators,
}

/// Platform routines that replace the engine's portable inner loops where a CPU has faster
/// instructions (the FFI layer installs them after checking the CPU). Each must compute exactly
/// what the portable code computes, in constant time with respect to secrets.
#[derive(Clone, Copy, Debug, Default)]
pub struct Accelerators {
    /// The two half-size exponentiations of an RSA CRT signature.
    #[cfg(feature = "rsa")]
    pub rsa_pow_pair: Option<crate::rsa::PowPairFn>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            default_user_pin: b"0000".to_vec(),
            max_sessions: 10,
            max_objects: 6,
            max_label_len: 32,
            min_pin_len: 4,
            max_pin_len: 32,
            max_login_attempts: 10,
            accelerators: Accelerators::default(),
        }
    }
}
