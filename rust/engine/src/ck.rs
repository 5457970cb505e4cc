//! PKCS #11 v2.40 numeric constants and scalar types used by the token.
//!
//! Values are those of the OASIS PKCS #11 v2.40 errata 1 headers. `Ulong` is C's
//! `unsigned long`, the width of every `CK_ULONG` on the platform.

#![allow(missing_docs)]

/// C `unsigned long`: the width of `CK_ULONG` (64 bits on LP64 hosts, 32 on Cortex-M).
pub type Ulong = core::ffi::c_ulong;

/// `CK_UNAVAILABLE_INFORMATION`, written to `ulValueLen` when a value cannot be returned.
pub const UNAVAILABLE_INFORMATION: Ulong = !0;
/// `CK_INVALID_HANDLE`.
pub const INVALID_HANDLE: Ulong = 0;
/// `CK_EFFECTIVELY_INFINITE`.
pub const EFFECTIVELY_INFINITE: Ulong = 0;

// Return values (CK_RV).
pub const CKR_OK: Ulong = 0x000;
pub const CKR_CANCEL: Ulong = 0x001;
pub const CKR_HOST_MEMORY: Ulong = 0x002;
pub const CKR_SLOT_ID_INVALID: Ulong = 0x003;
pub const CKR_GENERAL_ERROR: Ulong = 0x005;
pub const CKR_FUNCTION_FAILED: Ulong = 0x006;
pub const CKR_ARGUMENTS_BAD: Ulong = 0x007;
pub const CKR_NO_EVENT: Ulong = 0x008;
pub const CKR_NEED_TO_CREATE_THREADS: Ulong = 0x009;
pub const CKR_CANT_LOCK: Ulong = 0x00A;
pub const CKR_ATTRIBUTE_READ_ONLY: Ulong = 0x010;
pub const CKR_ATTRIBUTE_SENSITIVE: Ulong = 0x011;
pub const CKR_ATTRIBUTE_TYPE_INVALID: Ulong = 0x012;
pub const CKR_ATTRIBUTE_VALUE_INVALID: Ulong = 0x013;
pub const CKR_ACTION_PROHIBITED: Ulong = 0x01B;
pub const CKR_DATA_INVALID: Ulong = 0x020;
pub const CKR_DATA_LEN_RANGE: Ulong = 0x021;
pub const CKR_DEVICE_ERROR: Ulong = 0x030;
pub const CKR_DEVICE_MEMORY: Ulong = 0x031;
pub const CKR_DEVICE_REMOVED: Ulong = 0x032;
pub const CKR_ENCRYPTED_DATA_INVALID: Ulong = 0x040;
pub const CKR_ENCRYPTED_DATA_LEN_RANGE: Ulong = 0x041;
pub const CKR_FUNCTION_CANCELED: Ulong = 0x050;
pub const CKR_FUNCTION_NOT_PARALLEL: Ulong = 0x051;
pub const CKR_FUNCTION_NOT_SUPPORTED: Ulong = 0x054;
pub const CKR_KEY_HANDLE_INVALID: Ulong = 0x060;
pub const CKR_KEY_SIZE_RANGE: Ulong = 0x062;
pub const CKR_KEY_TYPE_INCONSISTENT: Ulong = 0x063;
pub const CKR_KEY_NOT_NEEDED: Ulong = 0x064;
pub const CKR_KEY_CHANGED: Ulong = 0x065;
pub const CKR_KEY_NEEDED: Ulong = 0x066;
pub const CKR_KEY_INDIGESTIBLE: Ulong = 0x067;
pub const CKR_KEY_FUNCTION_NOT_PERMITTED: Ulong = 0x068;
pub const CKR_KEY_NOT_WRAPPABLE: Ulong = 0x069;
pub const CKR_KEY_UNEXTRACTABLE: Ulong = 0x06A;
pub const CKR_MECHANISM_INVALID: Ulong = 0x070;
pub const CKR_MECHANISM_PARAM_INVALID: Ulong = 0x071;
pub const CKR_OBJECT_HANDLE_INVALID: Ulong = 0x082;
pub const CKR_OPERATION_ACTIVE: Ulong = 0x090;
pub const CKR_OPERATION_NOT_INITIALIZED: Ulong = 0x091;
pub const CKR_PIN_INCORRECT: Ulong = 0x0A0;
pub const CKR_PIN_INVALID: Ulong = 0x0A1;
pub const CKR_PIN_LEN_RANGE: Ulong = 0x0A2;
pub const CKR_PIN_EXPIRED: Ulong = 0x0A3;
pub const CKR_PIN_LOCKED: Ulong = 0x0A4;
pub const CKR_SESSION_CLOSED: Ulong = 0x0B0;
pub const CKR_SESSION_COUNT: Ulong = 0x0B1;
pub const CKR_SESSION_HANDLE_INVALID: Ulong = 0x0B3;
pub const CKR_SESSION_PARALLEL_NOT_SUPPORTED: Ulong = 0x0B4;
pub const CKR_SESSION_READ_ONLY: Ulong = 0x0B5;
pub const CKR_SESSION_EXISTS: Ulong = 0x0B6;
pub const CKR_SESSION_READ_ONLY_EXISTS: Ulong = 0x0B7;
pub const CKR_SESSION_READ_WRITE_SO_EXISTS: Ulong = 0x0B8;
pub const CKR_SIGNATURE_INVALID: Ulong = 0x0C0;
pub const CKR_SIGNATURE_LEN_RANGE: Ulong = 0x0C1;
pub const CKR_TEMPLATE_INCOMPLETE: Ulong = 0x0D0;
pub const CKR_TEMPLATE_INCONSISTENT: Ulong = 0x0D1;
pub const CKR_TOKEN_NOT_PRESENT: Ulong = 0x0E0;
pub const CKR_TOKEN_NOT_RECOGNIZED: Ulong = 0x0E1;
pub const CKR_TOKEN_WRITE_PROTECTED: Ulong = 0x0E2;
pub const CKR_USER_ALREADY_LOGGED_IN: Ulong = 0x100;
pub const CKR_USER_NOT_LOGGED_IN: Ulong = 0x101;
pub const CKR_USER_PIN_NOT_INITIALIZED: Ulong = 0x102;
pub const CKR_USER_TYPE_INVALID: Ulong = 0x103;
pub const CKR_USER_ANOTHER_ALREADY_LOGGED_IN: Ulong = 0x104;
pub const CKR_USER_TOO_MANY_TYPES: Ulong = 0x105;
pub const CKR_DOMAIN_PARAMS_INVALID: Ulong = 0x130;
pub const CKR_CURVE_NOT_SUPPORTED: Ulong = 0x140;
pub const CKR_BUFFER_TOO_SMALL: Ulong = 0x150;
pub const CKR_SAVED_STATE_INVALID: Ulong = 0x160;
pub const CKR_INFORMATION_SENSITIVE: Ulong = 0x170;
pub const CKR_STATE_UNSAVEABLE: Ulong = 0x180;
pub const CKR_CRYPTOKI_NOT_INITIALIZED: Ulong = 0x190;
pub const CKR_CRYPTOKI_ALREADY_INITIALIZED: Ulong = 0x191;
pub const CKR_MUTEX_BAD: Ulong = 0x1A0;
pub const CKR_MUTEX_NOT_LOCKED: Ulong = 0x1A1;
pub const CKR_FUNCTION_REJECTED: Ulong = 0x200;

// Object classes (CK_OBJECT_CLASS).
pub const CKO_DATA: Ulong = 0;
pub const CKO_CERTIFICATE: Ulong = 1;
pub const CKO_PUBLIC_KEY: Ulong = 2;
pub const CKO_PRIVATE_KEY: Ulong = 3;
pub const CKO_SECRET_KEY: Ulong = 4;

// Key types (CK_KEY_TYPE).
pub const CKK_RSA: Ulong = 0;
pub const CKK_EC: Ulong = 3;
pub const CKK_GENERIC_SECRET: Ulong = 0x10;
pub const CKK_AES: Ulong = 0x1F;
pub const CKK_SHA256_HMAC: Ulong = 0x2B;

// Certificate types and categories.
pub const CKC_X_509: Ulong = 0;
pub const CK_CERTIFICATE_CATEGORY_UNSPECIFIED: Ulong = 0;

// Attribute types (CK_ATTRIBUTE_TYPE).
pub const CKF_ARRAY_ATTRIBUTE: Ulong = 0x4000_0000;
pub const CKA_CLASS: Ulong = 0x000;
pub const CKA_TOKEN: Ulong = 0x001;
pub const CKA_PRIVATE: Ulong = 0x002;
pub const CKA_LABEL: Ulong = 0x003;
pub const CKA_APPLICATION: Ulong = 0x010;
pub const CKA_VALUE: Ulong = 0x011;
pub const CKA_OBJECT_ID: Ulong = 0x012;
pub const CKA_CERTIFICATE_TYPE: Ulong = 0x080;
pub const CKA_ISSUER: Ulong = 0x081;
pub const CKA_SERIAL_NUMBER: Ulong = 0x082;
pub const CKA_AC_ISSUER: Ulong = 0x083;
pub const CKA_OWNER: Ulong = 0x084;
pub const CKA_ATTR_TYPES: Ulong = 0x085;
pub const CKA_TRUSTED: Ulong = 0x086;
pub const CKA_CERTIFICATE_CATEGORY: Ulong = 0x087;
pub const CKA_JAVA_MIDP_SECURITY_DOMAIN: Ulong = 0x088;
pub const CKA_URL: Ulong = 0x089;
pub const CKA_HASH_OF_SUBJECT_PUBLIC_KEY: Ulong = 0x08A;
pub const CKA_HASH_OF_ISSUER_PUBLIC_KEY: Ulong = 0x08B;
pub const CKA_NAME_HASH_ALGORITHM: Ulong = 0x08C;
pub const CKA_CHECK_VALUE: Ulong = 0x090;
pub const CKA_KEY_TYPE: Ulong = 0x100;
pub const CKA_SUBJECT: Ulong = 0x101;
pub const CKA_ID: Ulong = 0x102;
pub const CKA_SENSITIVE: Ulong = 0x103;
pub const CKA_ENCRYPT: Ulong = 0x104;
pub const CKA_DECRYPT: Ulong = 0x105;
pub const CKA_WRAP: Ulong = 0x106;
pub const CKA_UNWRAP: Ulong = 0x107;
pub const CKA_SIGN: Ulong = 0x108;
pub const CKA_SIGN_RECOVER: Ulong = 0x109;
pub const CKA_VERIFY: Ulong = 0x10A;
pub const CKA_VERIFY_RECOVER: Ulong = 0x10B;
pub const CKA_DERIVE: Ulong = 0x10C;
pub const CKA_START_DATE: Ulong = 0x110;
pub const CKA_END_DATE: Ulong = 0x111;
pub const CKA_MODULUS: Ulong = 0x120;
pub const CKA_MODULUS_BITS: Ulong = 0x121;
pub const CKA_PUBLIC_EXPONENT: Ulong = 0x122;
pub const CKA_PRIVATE_EXPONENT: Ulong = 0x123;
pub const CKA_PRIME_1: Ulong = 0x124;
pub const CKA_PRIME_2: Ulong = 0x125;
pub const CKA_EXPONENT_1: Ulong = 0x126;
pub const CKA_EXPONENT_2: Ulong = 0x127;
pub const CKA_COEFFICIENT: Ulong = 0x128;
pub const CKA_PUBLIC_KEY_INFO: Ulong = 0x129;
pub const CKA_VALUE_LEN: Ulong = 0x161;
pub const CKA_EXTRACTABLE: Ulong = 0x162;
pub const CKA_LOCAL: Ulong = 0x163;
pub const CKA_NEVER_EXTRACTABLE: Ulong = 0x164;
pub const CKA_ALWAYS_SENSITIVE: Ulong = 0x165;
pub const CKA_KEY_GEN_MECHANISM: Ulong = 0x166;
pub const CKA_MODIFIABLE: Ulong = 0x170;
pub const CKA_COPYABLE: Ulong = 0x171;
pub const CKA_DESTROYABLE: Ulong = 0x172;
pub const CKA_EC_PARAMS: Ulong = 0x180;
pub const CKA_EC_POINT: Ulong = 0x181;
pub const CKA_ALWAYS_AUTHENTICATE: Ulong = 0x202;
pub const CKA_WRAP_WITH_TRUSTED: Ulong = 0x210;
pub const CKA_WRAP_TEMPLATE: Ulong = CKF_ARRAY_ATTRIBUTE | 0x211;
pub const CKA_UNWRAP_TEMPLATE: Ulong = CKF_ARRAY_ATTRIBUTE | 0x212;
pub const CKA_DERIVE_TEMPLATE: Ulong = CKF_ARRAY_ATTRIBUTE | 0x213;
pub const CKA_ALLOWED_MECHANISMS: Ulong = CKF_ARRAY_ATTRIBUTE | 0x600;

// Mechanisms (CK_MECHANISM_TYPE).
pub const CKM_RSA_PKCS_KEY_PAIR_GEN: Ulong = 0x0000;
pub const CKM_RSA_PKCS: Ulong = 0x0001;
pub const CKM_RSA_X_509: Ulong = 0x0003;
pub const CKM_SHA256_RSA_PKCS: Ulong = 0x0040;
pub const CKM_SHA256: Ulong = 0x0250;
pub const CKM_SHA256_HMAC: Ulong = 0x0251;
pub const CKM_SHA256_HMAC_GENERAL: Ulong = 0x0252;
pub const CKM_EC_KEY_PAIR_GEN: Ulong = 0x1040;
pub const CKM_ECDSA: Ulong = 0x1041;
pub const CKM_ECDSA_SHA256: Ulong = 0x1044;
pub const CKM_AES_CMAC: Ulong = 0x108A;
/// `CK_UNAVAILABLE_INFORMATION` in a mechanism-type slot (`CKM_INVALID_MECHANISM`).
pub const CKM_INVALID_MECHANISM: Ulong = !0;

// Mechanism flags (CK_MECHANISM_INFO.flags).
pub const CKF_HW: Ulong = 0x0000_0001;
pub const CKF_ENCRYPT: Ulong = 0x0000_0100;
pub const CKF_DECRYPT: Ulong = 0x0000_0200;
pub const CKF_DIGEST: Ulong = 0x0000_0400;
pub const CKF_SIGN: Ulong = 0x0000_0800;
pub const CKF_SIGN_RECOVER: Ulong = 0x0000_1000;
pub const CKF_VERIFY: Ulong = 0x0000_2000;
pub const CKF_VERIFY_RECOVER: Ulong = 0x0000_4000;
pub const CKF_GENERATE: Ulong = 0x0000_8000;
pub const CKF_GENERATE_KEY_PAIR: Ulong = 0x0001_0000;
pub const CKF_EC_F_P: Ulong = 0x0010_0000;
pub const CKF_EC_NAMED_CURVE: Ulong = 0x0080_0000;
pub const CKF_EC_UNCOMPRESS: Ulong = 0x0100_0000;

// Token flags (CK_TOKEN_INFO.flags).
pub const CKF_RNG: Ulong = 0x0000_0001;
pub const CKF_WRITE_PROTECTED: Ulong = 0x0000_0002;
pub const CKF_LOGIN_REQUIRED: Ulong = 0x0000_0004;
pub const CKF_USER_PIN_INITIALIZED: Ulong = 0x0000_0008;
pub const CKF_RESTORE_KEY_NOT_NEEDED: Ulong = 0x0000_0020;
pub const CKF_CLOCK_ON_TOKEN: Ulong = 0x0000_0040;
pub const CKF_PROTECTED_AUTHENTICATION_PATH: Ulong = 0x0000_0100;
pub const CKF_DUAL_CRYPTO_OPERATIONS: Ulong = 0x0000_0200;
pub const CKF_TOKEN_INITIALIZED: Ulong = 0x0000_0400;
pub const CKF_USER_PIN_COUNT_LOW: Ulong = 0x0001_0000;
pub const CKF_USER_PIN_FINAL_TRY: Ulong = 0x0002_0000;
pub const CKF_USER_PIN_LOCKED: Ulong = 0x0004_0000;
pub const CKF_USER_PIN_TO_BE_CHANGED: Ulong = 0x0008_0000;
pub const CKF_SO_PIN_COUNT_LOW: Ulong = 0x0010_0000;
pub const CKF_SO_PIN_FINAL_TRY: Ulong = 0x0020_0000;
pub const CKF_SO_PIN_LOCKED: Ulong = 0x0040_0000;
pub const CKF_SO_PIN_TO_BE_CHANGED: Ulong = 0x0080_0000;

// Slot flags (CK_SLOT_INFO.flags).
pub const CKF_TOKEN_PRESENT: Ulong = 0x0001;
pub const CKF_REMOVABLE_DEVICE: Ulong = 0x0002;
pub const CKF_HW_SLOT: Ulong = 0x0004;

// Session flags and states.
pub const CKF_RW_SESSION: Ulong = 0x0002;
pub const CKF_SERIAL_SESSION: Ulong = 0x0004;
pub const CKS_RO_PUBLIC_SESSION: Ulong = 0;
pub const CKS_RO_USER_FUNCTIONS: Ulong = 1;
pub const CKS_RW_PUBLIC_SESSION: Ulong = 2;
pub const CKS_RW_USER_FUNCTIONS: Ulong = 3;
pub const CKS_RW_SO_FUNCTIONS: Ulong = 4;

// User types.
pub const CKU_SO: Ulong = 0;
pub const CKU_USER: Ulong = 1;
pub const CKU_CONTEXT_SPECIFIC: Ulong = 2;

// C_Initialize flags.
pub const CKF_LIBRARY_CANT_CREATE_OS_THREADS: Ulong = 0x0001;
pub const CKF_OS_LOCKING_OK: Ulong = 0x0002;
