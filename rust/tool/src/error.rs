//! Errors of the tool: a message for the user and the process exit code.

use core_pkcs11_engine::ck::*;
use core_pkcs11_engine::Rv;
use std::fmt;

/// Exit code of every error not listed below.
pub const EXIT_ERROR: i32 = 1;
/// Exit code of a wrong, locked or missing PIN.
pub const EXIT_PIN: i32 = 3;
/// Exit code when the image is in use by another process.
pub const EXIT_BUSY: i32 = 4;
/// Exit code when the image is full (`CKR_DEVICE_MEMORY`).
pub const EXIT_FULL: i32 = 5;

/// A failed command: what to tell the user, and the exit code.
#[derive(Debug)]
pub struct Failure {
    /// Exit code of the process.
    pub code: i32,
    /// One or more lines for stderr.
    pub message: String,
}

impl Failure {
    /// A failure with exit code [`EXIT_ERROR`].
    pub fn new(message: impl Into<String>) -> Self {
        Failure {
            code: EXIT_ERROR,
            message: message.into(),
        }
    }

    /// A failure with an explicit exit code.
    pub fn with_code(code: i32, message: impl Into<String>) -> Self {
        Failure {
            code,
            message: message.into(),
        }
    }

    /// A failed token call `what` that returned `rv`.
    pub fn token(what: &str, rv: Rv) -> Self {
        match rv {
            CKR_DEVICE_MEMORY => Failure::with_code(
                EXIT_FULL,
                format!(
                    "{what}: the token image is full (CKR_DEVICE_MEMORY): delete objects \
                     first (core-pkcs11-tool list / delete)"
                ),
            ),
            CKR_PIN_LOCKED => Failure::with_code(EXIT_PIN, pin_locked_message()),
            CKR_USER_NOT_LOGGED_IN => Failure::with_code(
                EXIT_PIN,
                format!("{what}: the user must log in: give --pin PIN or --pin-env VAR"),
            ),
            _ => Failure::new(format!("{what}: {} ({})", rv_text(rv), rv_name(rv))),
        }
    }
}

/// What the tool says when the user PIN is locked.
pub fn pin_locked_message() -> String {
    "PIN locked: too many wrong user PINs; the security officer must set a new one \
     (core-pkcs11-tool init, which also deletes every object, or C_InitPIN)"
        .to_string()
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Result of a command.
pub type Result<T> = std::result::Result<T, Failure>;

/// The `CKR_*` name of a return value.
pub fn rv_name(rv: Rv) -> String {
    let name = match rv {
        CKR_OK => "CKR_OK",
        CKR_HOST_MEMORY => "CKR_HOST_MEMORY",
        CKR_GENERAL_ERROR => "CKR_GENERAL_ERROR",
        CKR_FUNCTION_FAILED => "CKR_FUNCTION_FAILED",
        CKR_ARGUMENTS_BAD => "CKR_ARGUMENTS_BAD",
        CKR_ATTRIBUTE_READ_ONLY => "CKR_ATTRIBUTE_READ_ONLY",
        CKR_ATTRIBUTE_SENSITIVE => "CKR_ATTRIBUTE_SENSITIVE",
        CKR_ATTRIBUTE_TYPE_INVALID => "CKR_ATTRIBUTE_TYPE_INVALID",
        CKR_ATTRIBUTE_VALUE_INVALID => "CKR_ATTRIBUTE_VALUE_INVALID",
        CKR_ACTION_PROHIBITED => "CKR_ACTION_PROHIBITED",
        CKR_DATA_LEN_RANGE => "CKR_DATA_LEN_RANGE",
        CKR_DEVICE_ERROR => "CKR_DEVICE_ERROR",
        CKR_DEVICE_MEMORY => "CKR_DEVICE_MEMORY",
        CKR_CURVE_NOT_SUPPORTED => "CKR_CURVE_NOT_SUPPORTED",
        CKR_KEY_HANDLE_INVALID => "CKR_KEY_HANDLE_INVALID",
        CKR_KEY_TYPE_INCONSISTENT => "CKR_KEY_TYPE_INCONSISTENT",
        CKR_KEY_FUNCTION_NOT_PERMITTED => "CKR_KEY_FUNCTION_NOT_PERMITTED",
        CKR_MECHANISM_INVALID => "CKR_MECHANISM_INVALID",
        CKR_OBJECT_HANDLE_INVALID => "CKR_OBJECT_HANDLE_INVALID",
        CKR_PIN_INCORRECT => "CKR_PIN_INCORRECT",
        CKR_PIN_LEN_RANGE => "CKR_PIN_LEN_RANGE",
        CKR_PIN_LOCKED => "CKR_PIN_LOCKED",
        CKR_SESSION_READ_ONLY => "CKR_SESSION_READ_ONLY",
        CKR_SIGNATURE_INVALID => "CKR_SIGNATURE_INVALID",
        CKR_TEMPLATE_INCOMPLETE => "CKR_TEMPLATE_INCOMPLETE",
        CKR_TEMPLATE_INCONSISTENT => "CKR_TEMPLATE_INCONSISTENT",
        CKR_USER_NOT_LOGGED_IN => "CKR_USER_NOT_LOGGED_IN",
        CKR_USER_ALREADY_LOGGED_IN => "CKR_USER_ALREADY_LOGGED_IN",
        _ => return format!("CK_RV {rv:#x}"),
    };
    name.to_string()
}

/// A short explanation of a return value.
pub fn rv_text(rv: Rv) -> &'static str {
    match rv {
        CKR_DEVICE_ERROR => "the token image could not be read or written",
        CKR_DEVICE_MEMORY => "the token image is full",
        CKR_ATTRIBUTE_VALUE_INVALID => "the token refused a value (malformed or unsupported key)",
        CKR_CURVE_NOT_SUPPORTED => "the curve is not supported (P-256 only)",
        CKR_PIN_INCORRECT => "wrong PIN",
        CKR_PIN_LEN_RANGE => "the PIN is too short or too long",
        CKR_PIN_LOCKED => "the PIN is locked",
        CKR_MECHANISM_INVALID => "the token does not support this mechanism",
        CKR_USER_NOT_LOGGED_IN => "not logged in",
        _ => "the token refused the operation",
    }
}
