//! The few PKCS #11 v2.40 types and constants the benchmark needs, declared here with
//! `#[repr(C)]` (no `cryptoki-sys`): the function list, attributes, mechanisms, the
//! `C_Initialize` arguments and the info structures. Layouts are those of the standard's
//! headers on Unix (`CK_ULONG` is C `unsigned long`, structures are not packed).

use std::os::raw::{c_ulong, c_void};

/// `CK_ULONG`.
pub type Ulong = c_ulong;
/// `CK_RV`.
pub type Rv = Ulong;
/// `CK_BBOOL`.
pub type Bbool = u8;

/// `CK_VERSION`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct Version {
    /// Major version.
    pub major: u8,
    /// Minor version.
    pub minor: u8,
}

/// `CK_INFO`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct Info {
    /// Cryptoki interface version.
    pub cryptoki_version: Version,
    /// Blank-padded manufacturer.
    pub manufacturer_id: [u8; 32],
    /// Must be zero.
    pub flags: Ulong,
    /// Blank-padded library description.
    pub library_description: [u8; 32],
    /// Library version.
    pub library_version: Version,
}

/// `CK_TOKEN_INFO`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct TokenInfo {
    /// Blank-padded token label.
    pub label: [u8; 32],
    /// Blank-padded manufacturer.
    pub manufacturer_id: [u8; 32],
    /// Blank-padded model.
    pub model: [u8; 16],
    /// Blank-padded serial number.
    pub serial_number: [u8; 16],
    /// `CKF_*` token flags.
    pub flags: Ulong,
    /// `ulMaxSessionCount`.
    pub max_session_count: Ulong,
    /// `ulSessionCount`.
    pub session_count: Ulong,
    /// `ulMaxRwSessionCount`.
    pub max_rw_session_count: Ulong,
    /// `ulRwSessionCount`.
    pub rw_session_count: Ulong,
    /// `ulMaxPinLen`.
    pub max_pin_len: Ulong,
    /// `ulMinPinLen`.
    pub min_pin_len: Ulong,
    /// `ulTotalPublicMemory`.
    pub total_public_memory: Ulong,
    /// `ulFreePublicMemory`.
    pub free_public_memory: Ulong,
    /// `ulTotalPrivateMemory`.
    pub total_private_memory: Ulong,
    /// `ulFreePrivateMemory`.
    pub free_private_memory: Ulong,
    /// Hardware version.
    pub hardware_version: Version,
    /// Firmware version.
    pub firmware_version: Version,
    /// UTC time, if the token has a clock.
    pub utc_time: [u8; 16],
}

impl TokenInfo {
    /// An all-zero value for the module to fill in.
    pub fn zeroed() -> Self {
        TokenInfo {
            label: [0; 32],
            manufacturer_id: [0; 32],
            model: [0; 16],
            serial_number: [0; 16],
            flags: 0,
            max_session_count: 0,
            session_count: 0,
            max_rw_session_count: 0,
            rw_session_count: 0,
            max_pin_len: 0,
            min_pin_len: 0,
            total_public_memory: 0,
            free_public_memory: 0,
            total_private_memory: 0,
            free_private_memory: 0,
            hardware_version: Version::default(),
            firmware_version: Version::default(),
            utc_time: [0; 16],
        }
    }
}

/// `CK_ATTRIBUTE`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct Attribute {
    /// `CKA_*` type.
    pub kind: Ulong,
    /// Value buffer.
    pub value: *mut c_void,
    /// Value length in bytes.
    pub value_len: Ulong,
}

/// `CK_MECHANISM`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct Mechanism {
    /// `CKM_*` type.
    pub mechanism: Ulong,
    /// Parameter (none of the benchmark's mechanisms takes one).
    pub parameter: *mut c_void,
    /// Parameter length.
    pub parameter_len: Ulong,
}

impl Mechanism {
    /// A mechanism without parameter.
    pub fn new(mechanism: Ulong) -> Self {
        Mechanism {
            mechanism,
            parameter: std::ptr::null_mut(),
            parameter_len: 0,
        }
    }
}

/// `CK_C_INITIALIZE_ARGS`.
#[repr(C)]
#[derive(Debug)]
pub struct InitializeArgs {
    /// `CreateMutex` callback (unused: NULL).
    pub create_mutex: *mut c_void,
    /// `DestroyMutex` callback (unused: NULL).
    pub destroy_mutex: *mut c_void,
    /// `LockMutex` callback (unused: NULL).
    pub lock_mutex: *mut c_void,
    /// `UnlockMutex` callback (unused: NULL).
    pub unlock_mutex: *mut c_void,
    /// `CKF_OS_LOCKING_OK` and friends.
    pub flags: Ulong,
    /// Must be NULL.
    pub reserved: *mut c_void,
}

/// A function-list entry the benchmark never calls (only its size matters).
pub type Unused = Option<unsafe extern "C" fn()>;

/// `CK_FUNCTION_LIST` (v2.40 order: 68 entries after the version).
#[repr(C)]
pub struct FunctionList {
    /// Cryptoki version of the list.
    pub version: Version,
    /// `C_Initialize`.
    pub initialize: Option<unsafe extern "C" fn(*mut c_void) -> Rv>,
    /// `C_Finalize`.
    pub finalize: Option<unsafe extern "C" fn(*mut c_void) -> Rv>,
    /// `C_GetInfo`.
    pub get_info: Option<unsafe extern "C" fn(*mut Info) -> Rv>,
    /// `C_GetFunctionList`.
    pub get_function_list: Unused,
    /// `C_GetSlotList`.
    pub get_slot_list: Option<unsafe extern "C" fn(Bbool, *mut Ulong, *mut Ulong) -> Rv>,
    /// `C_GetSlotInfo`.
    pub get_slot_info: Unused,
    /// `C_GetTokenInfo`.
    pub get_token_info: Option<unsafe extern "C" fn(Ulong, *mut TokenInfo) -> Rv>,
    /// `C_GetMechanismList`.
    pub get_mechanism_list: Unused,
    /// `C_GetMechanismInfo`.
    pub get_mechanism_info: Unused,
    /// `C_InitToken`.
    pub init_token: Option<unsafe extern "C" fn(Ulong, *const u8, Ulong, *const u8) -> Rv>,
    /// `C_InitPIN`.
    pub init_pin: Option<unsafe extern "C" fn(Ulong, *const u8, Ulong) -> Rv>,
    /// `C_SetPIN`.
    pub set_pin: Unused,
    /// `C_OpenSession`.
    pub open_session: Option<
        unsafe extern "C" fn(
            Ulong,
            Ulong,
            *mut c_void,
            Option<unsafe extern "C" fn()>,
            *mut Ulong,
        ) -> Rv,
    >,
    /// `C_CloseSession`.
    pub close_session: Option<unsafe extern "C" fn(Ulong) -> Rv>,
    /// `C_CloseAllSessions`.
    pub close_all_sessions: Unused,
    /// `C_GetSessionInfo`.
    pub get_session_info: Unused,
    /// `C_GetOperationState`.
    pub get_operation_state: Unused,
    /// `C_SetOperationState`.
    pub set_operation_state: Unused,
    /// `C_Login`.
    pub login: Option<unsafe extern "C" fn(Ulong, Ulong, *const u8, Ulong) -> Rv>,
    /// `C_Logout`.
    pub logout: Option<unsafe extern "C" fn(Ulong) -> Rv>,
    /// `C_CreateObject`.
    pub create_object: Option<unsafe extern "C" fn(Ulong, *mut Attribute, Ulong, *mut Ulong) -> Rv>,
    /// `C_CopyObject`.
    pub copy_object: Unused,
    /// `C_DestroyObject`.
    pub destroy_object: Option<unsafe extern "C" fn(Ulong, Ulong) -> Rv>,
    /// `C_GetObjectSize`.
    pub get_object_size: Unused,
    /// `C_GetAttributeValue`.
    pub get_attribute_value:
        Option<unsafe extern "C" fn(Ulong, Ulong, *mut Attribute, Ulong) -> Rv>,
    /// `C_SetAttributeValue`.
    pub set_attribute_value: Unused,
    /// `C_FindObjectsInit`.
    pub find_objects_init: Option<unsafe extern "C" fn(Ulong, *mut Attribute, Ulong) -> Rv>,
    /// `C_FindObjects`.
    pub find_objects: Option<unsafe extern "C" fn(Ulong, *mut Ulong, Ulong, *mut Ulong) -> Rv>,
    /// `C_FindObjectsFinal`.
    pub find_objects_final: Option<unsafe extern "C" fn(Ulong) -> Rv>,
    /// `C_EncryptInit`.
    pub encrypt_init: Unused,
    /// `C_Encrypt`.
    pub encrypt: Unused,
    /// `C_EncryptUpdate`.
    pub encrypt_update: Unused,
    /// `C_EncryptFinal`.
    pub encrypt_final: Unused,
    /// `C_DecryptInit`.
    pub decrypt_init: Unused,
    /// `C_Decrypt`.
    pub decrypt: Unused,
    /// `C_DecryptUpdate`.
    pub decrypt_update: Unused,
    /// `C_DecryptFinal`.
    pub decrypt_final: Unused,
    /// `C_DigestInit`.
    pub digest_init: Option<unsafe extern "C" fn(Ulong, *mut Mechanism) -> Rv>,
    /// `C_Digest`.
    pub digest: Option<unsafe extern "C" fn(Ulong, *const u8, Ulong, *mut u8, *mut Ulong) -> Rv>,
    /// `C_DigestUpdate`.
    pub digest_update: Unused,
    /// `C_DigestKey`.
    pub digest_key: Unused,
    /// `C_DigestFinal`.
    pub digest_final: Unused,
    /// `C_SignInit`.
    pub sign_init: Option<unsafe extern "C" fn(Ulong, *mut Mechanism, Ulong) -> Rv>,
    /// `C_Sign`.
    pub sign: Option<unsafe extern "C" fn(Ulong, *const u8, Ulong, *mut u8, *mut Ulong) -> Rv>,
    /// `C_SignUpdate`.
    pub sign_update: Unused,
    /// `C_SignFinal`.
    pub sign_final: Unused,
    /// `C_SignRecoverInit`.
    pub sign_recover_init: Unused,
    /// `C_SignRecover`.
    pub sign_recover: Unused,
    /// `C_VerifyInit`.
    pub verify_init: Option<unsafe extern "C" fn(Ulong, *mut Mechanism, Ulong) -> Rv>,
    /// `C_Verify`.
    pub verify: Option<unsafe extern "C" fn(Ulong, *const u8, Ulong, *const u8, Ulong) -> Rv>,
    /// `C_VerifyUpdate`.
    pub verify_update: Unused,
    /// `C_VerifyFinal`.
    pub verify_final: Unused,
    /// `C_VerifyRecoverInit`.
    pub verify_recover_init: Unused,
    /// `C_VerifyRecover`.
    pub verify_recover: Unused,
    /// `C_DigestEncryptUpdate`.
    pub digest_encrypt_update: Unused,
    /// `C_DecryptDigestUpdate`.
    pub decrypt_digest_update: Unused,
    /// `C_SignEncryptUpdate`.
    pub sign_encrypt_update: Unused,
    /// `C_DecryptVerifyUpdate`.
    pub decrypt_verify_update: Unused,
    /// `C_GenerateKey`.
    pub generate_key: Unused,
    /// `C_GenerateKeyPair`.
    #[allow(clippy::type_complexity)]
    pub generate_key_pair: Option<
        unsafe extern "C" fn(
            Ulong,
            *mut Mechanism,
            *mut Attribute,
            Ulong,
            *mut Attribute,
            Ulong,
            *mut Ulong,
            *mut Ulong,
        ) -> Rv,
    >,
    /// `C_WrapKey`.
    pub wrap_key: Unused,
    /// `C_UnwrapKey`.
    pub unwrap_key: Unused,
    /// `C_DeriveKey`.
    pub derive_key: Unused,
    /// `C_SeedRandom`.
    pub seed_random: Unused,
    /// `C_GenerateRandom`.
    pub generate_random: Option<unsafe extern "C" fn(Ulong, *mut u8, Ulong) -> Rv>,
    /// `C_GetFunctionStatus`.
    pub get_function_status: Unused,
    /// `C_CancelFunction`.
    pub cancel_function: Unused,
    /// `C_WaitForSlotEvent`.
    pub wait_for_slot_event: Unused,
}

/// `C_GetFunctionList`, the one symbol looked up in the module.
pub type GetFunctionList = unsafe extern "C" fn(*mut *const FunctionList) -> Rv;

/// `CK_TRUE`.
pub const CK_TRUE: Bbool = 1;
/// `CK_FALSE`.
pub const CK_FALSE: Bbool = 0;

/// `CKF_OS_LOCKING_OK` (`C_Initialize` flag).
pub const CKF_OS_LOCKING_OK: Ulong = 0x2;
/// `CKF_RW_SESSION`.
pub const CKF_RW_SESSION: Ulong = 0x2;
/// `CKF_SERIAL_SESSION`.
pub const CKF_SERIAL_SESSION: Ulong = 0x4;
/// `CKF_USER_PIN_INITIALIZED` (token flag).
pub const CKF_USER_PIN_INITIALIZED: Ulong = 0x8;
/// `CKF_TOKEN_INITIALIZED` (token flag).
pub const CKF_TOKEN_INITIALIZED: Ulong = 0x400;
/// `CKF_USER_PIN_TO_BE_CHANGED` (token flag).
pub const CKF_USER_PIN_TO_BE_CHANGED: Ulong = 0x0008_0000;

/// `CKU_SO`.
pub const CKU_SO: Ulong = 0;
/// `CKU_USER`.
pub const CKU_USER: Ulong = 1;

/// `CKO_DATA`.
pub const CKO_DATA: Ulong = 0;
/// `CKO_PUBLIC_KEY`.
pub const CKO_PUBLIC_KEY: Ulong = 2;
/// `CKO_PRIVATE_KEY`.
pub const CKO_PRIVATE_KEY: Ulong = 3;
/// `CKK_RSA`.
pub const CKK_RSA: Ulong = 0;

/// `CKA_CLASS`.
pub const CKA_CLASS: Ulong = 0x0;
/// `CKA_TOKEN`.
pub const CKA_TOKEN: Ulong = 0x1;
/// `CKA_PRIVATE`.
pub const CKA_PRIVATE: Ulong = 0x2;
/// `CKA_LABEL`.
pub const CKA_LABEL: Ulong = 0x3;
/// `CKA_VALUE`.
pub const CKA_VALUE: Ulong = 0x11;
/// `CKA_KEY_TYPE`.
pub const CKA_KEY_TYPE: Ulong = 0x100;
/// `CKA_ID`.
pub const CKA_ID: Ulong = 0x102;
/// `CKA_SENSITIVE`.
pub const CKA_SENSITIVE: Ulong = 0x103;
/// `CKA_SIGN`.
pub const CKA_SIGN: Ulong = 0x108;
/// `CKA_VERIFY`.
pub const CKA_VERIFY: Ulong = 0x10A;
/// `CKA_MODULUS`.
pub const CKA_MODULUS: Ulong = 0x120;
/// `CKA_PUBLIC_EXPONENT`.
pub const CKA_PUBLIC_EXPONENT: Ulong = 0x122;
/// `CKA_PRIVATE_EXPONENT`.
pub const CKA_PRIVATE_EXPONENT: Ulong = 0x123;
/// `CKA_PRIME_1`.
pub const CKA_PRIME_1: Ulong = 0x124;
/// `CKA_PRIME_2`.
pub const CKA_PRIME_2: Ulong = 0x125;
/// `CKA_EXPONENT_1`.
pub const CKA_EXPONENT_1: Ulong = 0x126;
/// `CKA_EXPONENT_2`.
pub const CKA_EXPONENT_2: Ulong = 0x127;
/// `CKA_COEFFICIENT`.
pub const CKA_COEFFICIENT: Ulong = 0x128;
/// `CKA_EC_PARAMS`.
pub const CKA_EC_PARAMS: Ulong = 0x180;
/// `CKA_EC_POINT`.
pub const CKA_EC_POINT: Ulong = 0x181;

/// `CKM_RSA_PKCS`.
pub const CKM_RSA_PKCS: Ulong = 0x1;
/// `CKM_SHA256`.
pub const CKM_SHA256: Ulong = 0x250;
/// `CKM_EC_KEY_PAIR_GEN`.
pub const CKM_EC_KEY_PAIR_GEN: Ulong = 0x1040;
/// `CKM_ECDSA`.
pub const CKM_ECDSA: Ulong = 0x1041;

/// `CKR_OK`.
pub const CKR_OK: Rv = 0x0;
/// `CKR_DEVICE_MEMORY`.
pub const CKR_DEVICE_MEMORY: Rv = 0x31;
/// `CKR_SIGNATURE_INVALID`.
pub const CKR_SIGNATURE_INVALID: Rv = 0xC0;
/// `CKR_USER_ALREADY_LOGGED_IN`.
pub const CKR_USER_ALREADY_LOGGED_IN: Rv = 0x100;
/// `CK_UNAVAILABLE_INFORMATION`: the length `C_GetAttributeValue` reports for a value it
/// cannot give.
pub const CK_UNAVAILABLE_INFORMATION: Ulong = Ulong::MAX;

/// `DER(OID secp256r1)`, the `CKA_EC_PARAMS` of P-256.
pub const P256_PARAMS: [u8; 10] = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];

/// The `CKR_*` name of `rv`, for error messages.
pub fn rv_name(rv: Rv) -> String {
    let name = match rv {
        0x000 => "CKR_OK",
        0x001 => "CKR_CANCEL",
        0x002 => "CKR_HOST_MEMORY",
        0x003 => "CKR_SLOT_ID_INVALID",
        0x005 => "CKR_GENERAL_ERROR",
        0x006 => "CKR_FUNCTION_FAILED",
        0x007 => "CKR_ARGUMENTS_BAD",
        0x010 => "CKR_ATTRIBUTE_READ_ONLY",
        0x011 => "CKR_ATTRIBUTE_SENSITIVE",
        0x012 => "CKR_ATTRIBUTE_TYPE_INVALID",
        0x013 => "CKR_ATTRIBUTE_VALUE_INVALID",
        0x01B => "CKR_ACTION_PROHIBITED",
        0x020 => "CKR_DATA_INVALID",
        0x021 => "CKR_DATA_LEN_RANGE",
        0x030 => "CKR_DEVICE_ERROR",
        0x031 => "CKR_DEVICE_MEMORY",
        0x032 => "CKR_DEVICE_REMOVED",
        0x050 => "CKR_FUNCTION_CANCELED",
        0x054 => "CKR_FUNCTION_NOT_SUPPORTED",
        0x060 => "CKR_KEY_HANDLE_INVALID",
        0x062 => "CKR_KEY_SIZE_RANGE",
        0x063 => "CKR_KEY_TYPE_INCONSISTENT",
        0x068 => "CKR_KEY_FUNCTION_NOT_PERMITTED",
        0x070 => "CKR_MECHANISM_INVALID",
        0x071 => "CKR_MECHANISM_PARAM_INVALID",
        0x082 => "CKR_OBJECT_HANDLE_INVALID",
        0x090 => "CKR_OPERATION_ACTIVE",
        0x091 => "CKR_OPERATION_NOT_INITIALIZED",
        0x0A0 => "CKR_PIN_INCORRECT",
        0x0A1 => "CKR_PIN_INVALID",
        0x0A2 => "CKR_PIN_LEN_RANGE",
        0x0A3 => "CKR_PIN_EXPIRED",
        0x0A4 => "CKR_PIN_LOCKED",
        0x0B0 => "CKR_SESSION_CLOSED",
        0x0B1 => "CKR_SESSION_COUNT",
        0x0B3 => "CKR_SESSION_HANDLE_INVALID",
        0x0B4 => "CKR_SESSION_PARALLEL_NOT_SUPPORTED",
        0x0B5 => "CKR_SESSION_READ_ONLY",
        0x0B6 => "CKR_SESSION_EXISTS",
        0x0B7 => "CKR_SESSION_READ_ONLY_EXISTS",
        0x0B8 => "CKR_SESSION_READ_WRITE_SO_EXISTS",
        0x0C0 => "CKR_SIGNATURE_INVALID",
        0x0C1 => "CKR_SIGNATURE_LEN_RANGE",
        0x0D0 => "CKR_TEMPLATE_INCOMPLETE",
        0x0D1 => "CKR_TEMPLATE_INCONSISTENT",
        0x0E0 => "CKR_TOKEN_NOT_PRESENT",
        0x0E1 => "CKR_TOKEN_NOT_RECOGNIZED",
        0x0E2 => "CKR_TOKEN_WRITE_PROTECTED",
        0x100 => "CKR_USER_ALREADY_LOGGED_IN",
        0x101 => "CKR_USER_NOT_LOGGED_IN",
        0x102 => "CKR_USER_PIN_NOT_INITIALIZED",
        0x103 => "CKR_USER_TYPE_INVALID",
        0x104 => "CKR_USER_ANOTHER_ALREADY_LOGGED_IN",
        0x105 => "CKR_USER_TOO_MANY_TYPES",
        0x130 => "CKR_DOMAIN_PARAMS_INVALID",
        0x140 => "CKR_CURVE_NOT_SUPPORTED",
        0x150 => "CKR_BUFFER_TOO_SMALL",
        0x160 => "CKR_SAVED_STATE_INVALID",
        0x170 => "CKR_INFORMATION_SENSITIVE",
        0x180 => "CKR_RANDOM_SEED_NOT_SUPPORTED",
        0x181 => "CKR_RANDOM_NO_RNG",
        0x190 => "CKR_CRYPTOKI_NOT_INITIALIZED",
        0x191 => "CKR_CRYPTOKI_ALREADY_INITIALIZED",
        0x1A0 => "CKR_MUTEX_BAD",
        0x1A1 => "CKR_MUTEX_NOT_LOCKED",
        0x200 => "CKR_FUNCTION_REJECTED",
        _ => return format!("CKR 0x{rv:X}"),
    };
    format!("{name} (0x{rv:X})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_match_the_unix_headers() {
        let p = std::mem::size_of::<*const c_void>();
        assert_eq!(std::mem::size_of::<FunctionList>(), p + 68 * p);
        assert_eq!(std::mem::size_of::<Attribute>(), 3 * p);
        assert_eq!(std::mem::size_of::<Mechanism>(), 3 * p);
        assert_eq!(std::mem::size_of::<InitializeArgs>(), 6 * p);
        #[cfg(target_pointer_width = "64")]
        assert_eq!(std::mem::offset_of!(Info, flags), 40);
        assert_eq!(std::mem::offset_of!(TokenInfo, flags), 96);
    }

    #[test]
    fn rv_names() {
        assert_eq!(
            rv_name(CKR_SIGNATURE_INVALID),
            "CKR_SIGNATURE_INVALID (0xC0)"
        );
        assert_eq!(rv_name(0x8000_0001), "CKR 0x80000001");
    }
}
