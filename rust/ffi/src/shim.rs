//! Declarations of the configuration shim `csrc/config_shim.c`, compiled by `build.rs` against
//! the application's `core_pkcs11_config.h`. Only this module names its symbols; the safe
//! accessors are in [`crate::config`], [`crate::log`] and [`crate::allocator`].

use core::ffi::{c_char, c_int, c_ulong, c_void};

extern "C" {
    /// `pkcs11configPKCS11_DEFAULT_USER_PIN` (NUL-terminated; the length is
    /// [`core_pkcs11_cfg_default_user_pin_len`]). Declared with length 0: only its address
    /// is taken.
    pub(crate) static core_pkcs11_cfg_default_user_pin: [u8; 0];
    /// Length of the default PIN without its NUL.
    pub(crate) static core_pkcs11_cfg_default_user_pin_len: usize;
    /// `pkcs11configMAX_SESSIONS`.
    pub(crate) static core_pkcs11_cfg_max_sessions: c_ulong;
    /// `pkcs11configMAX_NUM_OBJECTS`.
    pub(crate) static core_pkcs11_cfg_max_objects: c_ulong;
    /// `pkcs11configMAX_LABEL_LENGTH`.
    pub(crate) static core_pkcs11_cfg_max_label_length: c_ulong;
    /// `pkcs11configMIN_PIN_LENGTH`.
    pub(crate) static core_pkcs11_cfg_min_pin_length: c_ulong;
    /// `pkcs11configMAX_PIN_LENGTH`.
    pub(crate) static core_pkcs11_cfg_max_pin_length: c_ulong;
    /// `pkcs11configMAX_LOGIN_ATTEMPTS`.
    pub(crate) static core_pkcs11_cfg_max_login_attempts: c_ulong;
    /// The ten `pkcs11configLABEL_*` strings (NUL-terminated), [`core_pkcs11_cfg_label_count`]
    /// of them. Declared with length 0: only its address is taken.
    pub(crate) static core_pkcs11_cfg_labels: [*const c_char; 0];
    /// Number of entries of [`core_pkcs11_cfg_labels`].
    pub(crate) static core_pkcs11_cfg_label_count: usize;
    /// `pkcs11configPKCS11_MALLOC`.
    pub(crate) fn core_pkcs11_cfg_malloc(size: usize) -> *mut c_void;
    /// `pkcs11configPKCS11_FREE`.
    pub(crate) fn core_pkcs11_cfg_free(ptr: *mut c_void);
    /// `LogError`/`LogWarn`/`LogInfo`/`LogDebug` for `level` 1/2/3/4 of the NUL-terminated
    /// `msg`.
    pub(crate) fn core_pkcs11_cfg_log(level: c_int, msg: *const c_char);
}
