//! The token, used the way a FreeRTOS TLS helper uses corePKCS11: through the function list
//! from `C_GetFunctionList`, objects found by label and class with `C_FindObjects*`.
//!
//! With the cargo feature `audit`, the function list handed to the rest of the firmware is a
//! copy whose `C_GetAttributeValue` counts every call on a private key object (the check that
//! the TLS code never reads the device key's attributes).

use alloc::vec;
use alloc::vec::Vec;
use core::ffi::c_void;
use core::ptr;
use core_pkcs11_ffi::ck::*;
use core_pkcs11_ffi::types::{
    CK_ATTRIBUTE, CK_FUNCTION_LIST, CK_MECHANISM, CK_OBJECT_HANDLE, CK_RV, CK_SESSION_HANDLE,
    CK_SLOT_ID, CK_ULONG,
};

/// The corePKCS11 labels (core_pkcs11_config_defaults.h).
pub const LABEL_DEVICE_PRIVATE_KEY: &str = "Device Priv TLS Key";
pub const LABEL_DEVICE_PUBLIC_KEY: &str = "Device Pub TLS Key";
pub const LABEL_DEVICE_CERT: &str = "Device Cert";
pub const LABEL_ROOT_CERT: &str = "Root Cert";

/// The user PIN (pkcs11configPKCS11_DEFAULT_USER_PIN of freertos-demo/config).
const USER_PIN: &[u8] = b"0000";

/// DER of the P-256 OID (CKA_EC_PARAMS).
pub const EC_PARAMS_P256: [u8; 10] = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];

/// A failed PKCS #11 call: which function, and its CK_RV.
#[derive(Clone, Copy, Debug)]
pub struct P11Error {
    pub function: &'static str,
    pub rv: CK_RV,
}

impl core::fmt::Display for P11Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{} returned CK_RV 0x{:x}", self.function, self.rv)
    }
}

fn check(function: &'static str, rv: CK_RV) -> Result<(), P11Error> {
    if rv == CKR_OK {
        Ok(())
    } else {
        Err(P11Error { function, rv })
    }
}

#[cfg(feature = "audit")]
mod audit {
    use super::*;
    use core::sync::atomic::{AtomicPtr, AtomicU32, Ordering};

    static REAL: AtomicPtr<CK_FUNCTION_LIST> = AtomicPtr::new(ptr::null_mut());
    static PRIVATE_KEY_READS: AtomicU32 = AtomicU32::new(0);
    static mut WRAPPED: Option<CK_FUNCTION_LIST> = None;

    /// `C_GetAttributeValue` of the audited list: counts calls on private key objects, then
    /// forwards every call unchanged.
    unsafe extern "C" fn counting_get_attribute_value(
        session: CK_SESSION_HANDLE,
        object: CK_OBJECT_HANDLE,
        template: *mut CK_ATTRIBUTE,
        count: CK_ULONG,
    ) -> CK_RV {
        // SAFETY: REAL was set to the library's list before this list was handed out.
        let real = unsafe { &*REAL.load(Ordering::Acquire) };
        let mut class: CK_ULONG = 0;
        let mut query = [CK_ATTRIBUTE {
            r#type: CKA_CLASS,
            pValue: (&mut class as *mut CK_ULONG).cast(),
            ulValueLen: core::mem::size_of::<CK_ULONG>() as CK_ULONG,
        }];
        // SAFETY: a one-entry template over a local; the class of an object is never secret.
        let rv = unsafe { (real.C_GetAttributeValue)(session, object, query.as_mut_ptr(), 1) };
        if rv == CKR_OK && class == CKO_PRIVATE_KEY {
            PRIVATE_KEY_READS.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: the caller's arguments, forwarded as they came.
        unsafe { (real.C_GetAttributeValue)(session, object, template, count) }
    }

    /// The audited copy of `real`.
    pub fn wrap(real: *mut CK_FUNCTION_LIST) -> &'static CK_FUNCTION_LIST {
        REAL.store(real, Ordering::Release);
        // SAFETY: called once, from the only task using the token, before any use of WRAPPED.
        unsafe {
            let mut list = *real;
            list.C_GetAttributeValue = counting_get_attribute_value;
            let slot = &mut *ptr::addr_of_mut!(WRAPPED);
            *slot = Some(list);
            slot.as_ref().unwrap_unchecked()
        }
    }

    pub fn private_key_reads() -> u32 {
        PRIVATE_KEY_READS.load(Ordering::Relaxed)
    }
}

/// Calls on private key objects counted by the audited function list (`None`: not an audit
/// build).
pub fn audited_private_key_reads() -> Option<u32> {
    #[cfg(feature = "audit")]
    {
        Some(audit::private_key_reads())
    }
    #[cfg(not(feature = "audit"))]
    {
        None
    }
}

/// A logged-in R/W session on the token's first slot.
pub struct Token {
    f: &'static CK_FUNCTION_LIST,
    session: CK_SESSION_HANDLE,
}

fn attr(kind: CK_ULONG, value: &[u8]) -> CK_ATTRIBUTE {
    CK_ATTRIBUTE {
        r#type: kind,
        pValue: value.as_ptr() as *mut c_void,
        ulValueLen: value.len() as CK_ULONG,
    }
}

fn ulong_bytes(v: CK_ULONG) -> [u8; core::mem::size_of::<CK_ULONG>()] {
    v.to_ne_bytes()
}

const TRUE: [u8; 1] = [1];

impl Token {
    /// C_GetFunctionList, C_Initialize, the first slot, C_OpenSession and C_Login as the user
    /// (what corePKCS11's xInitializePkcs11Session does).
    pub fn open() -> Result<Token, P11Error> {
        let mut list: *mut CK_FUNCTION_LIST = ptr::null_mut();
        // SAFETY: `list` is writable for one pointer.
        check("C_GetFunctionList", unsafe {
            core_pkcs11_ffi::C_GetFunctionList(&mut list)
        })?;
        #[cfg(feature = "audit")]
        let f: &'static CK_FUNCTION_LIST = audit::wrap(list);
        // SAFETY: the library's list is a static that lives for the program.
        #[cfg(not(feature = "audit"))]
        let f: &'static CK_FUNCTION_LIST = unsafe { &*list };

        // SAFETY: NULL arguments: the library's own locking.
        let rv = unsafe { (f.C_Initialize)(ptr::null_mut()) };
        if rv != CKR_CRYPTOKI_ALREADY_INITIALIZED {
            check("C_Initialize", rv)?;
        }
        let mut slots = [0 as CK_SLOT_ID; 4];
        let mut count = slots.len() as CK_ULONG;
        // SAFETY: `slots` has `count` entries.
        check("C_GetSlotList", unsafe {
            (f.C_GetSlotList)(1, slots.as_mut_ptr(), &mut count)
        })?;
        if count == 0 {
            return Err(P11Error {
                function: "C_GetSlotList",
                rv: CKR_SLOT_ID_INVALID,
            });
        }
        let mut session: CK_SESSION_HANDLE = 0;
        // SAFETY: `session` is writable; no notification callback.
        check("C_OpenSession", unsafe {
            (f.C_OpenSession)(
                slots[0],
                CKF_SERIAL_SESSION | CKF_RW_SESSION,
                ptr::null_mut(),
                None,
                &mut session,
            )
        })?;
        let token = Token { f, session };
        // SAFETY: the PIN slice is readable for its length (the library only reads it).
        let rv = unsafe {
            (f.C_Login)(
                session,
                CKU_USER,
                USER_PIN.as_ptr() as *mut u8,
                USER_PIN.len() as CK_ULONG,
            )
        };
        if rv != CKR_USER_ALREADY_LOGGED_IN {
            check("C_Login", rv)?;
        }
        Ok(token)
    }

    /// The first object with this exact label and class (xFindObjectWithLabelAndClass).
    pub fn find(&self, label: &str, class: CK_ULONG) -> Result<Option<CK_OBJECT_HANDLE>, P11Error> {
        let class_bytes = ulong_bytes(class);
        let mut template = [
            attr(CKA_LABEL, label.as_bytes()),
            attr(CKA_CLASS, &class_bytes),
        ];
        // SAFETY: the template points at live buffers.
        check("C_FindObjectsInit", unsafe {
            (self.f.C_FindObjectsInit)(
                self.session,
                template.as_mut_ptr(),
                template.len() as CK_ULONG,
            )
        })?;
        let mut handle: CK_OBJECT_HANDLE = 0;
        let mut found: CK_ULONG = 0;
        // SAFETY: one handle slot.
        let rv = unsafe { (self.f.C_FindObjects)(self.session, &mut handle, 1, &mut found) };
        // SAFETY: ends the search begun above.
        let rv_final = unsafe { (self.f.C_FindObjectsFinal)(self.session) };
        check("C_FindObjects", rv)?;
        check("C_FindObjectsFinal", rv_final)?;
        Ok(if found == 1 { Some(handle) } else { None })
    }

    /// A non-secret attribute's value (length query, then the value).
    pub fn attribute(&self, object: CK_OBJECT_HANDLE, kind: CK_ULONG) -> Result<Vec<u8>, P11Error> {
        let mut template = [CK_ATTRIBUTE {
            r#type: kind,
            pValue: ptr::null_mut(),
            ulValueLen: 0,
        }];
        // SAFETY: length query with a NULL value pointer.
        check("C_GetAttributeValue", unsafe {
            (self.f.C_GetAttributeValue)(self.session, object, template.as_mut_ptr(), 1)
        })?;
        let mut value = vec![0u8; template[0].ulValueLen as usize];
        template[0].pValue = value.as_mut_ptr().cast();
        // SAFETY: `value` has ulValueLen writable bytes.
        check("C_GetAttributeValue", unsafe {
            (self.f.C_GetAttributeValue)(self.session, object, template.as_mut_ptr(), 1)
        })?;
        value.truncate(template[0].ulValueLen as usize);
        Ok(value)
    }

    /// Destroys every object with this label and class (so that an import replaces).
    pub fn destroy_all(&self, label: &str, class: CK_ULONG) -> Result<usize, P11Error> {
        let mut n = 0;
        while let Some(h) = self.find(label, class)? {
            // SAFETY: a handle the token gave.
            check("C_DestroyObject", unsafe {
                (self.f.C_DestroyObject)(self.session, h)
            })?;
            n += 1;
        }
        Ok(n)
    }

    fn create(&self, template: &mut [CK_ATTRIBUTE]) -> Result<CK_OBJECT_HANDLE, P11Error> {
        let mut handle: CK_OBJECT_HANDLE = 0;
        // SAFETY: the template points at live buffers; `handle` is writable.
        check("C_CreateObject", unsafe {
            (self.f.C_CreateObject)(
                self.session,
                template.as_mut_ptr(),
                template.len() as CK_ULONG,
                &mut handle,
            )
        })?;
        Ok(handle)
    }

    /// C_CreateObject of an X.509 certificate token object.
    pub fn create_certificate(
        &self,
        label: &str,
        der: &[u8],
    ) -> Result<CK_OBJECT_HANDLE, P11Error> {
        let class = ulong_bytes(CKO_CERTIFICATE);
        let cert_type = ulong_bytes(CKC_X_509);
        let mut template = [
            attr(CKA_CLASS, &class),
            attr(CKA_CERTIFICATE_TYPE, &cert_type),
            attr(CKA_TOKEN, &TRUE),
            attr(CKA_LABEL, label.as_bytes()),
            attr(CKA_VALUE, der),
        ];
        self.create(&mut template)
    }

    /// C_CreateObject of an EC P-256 private key token object (sensitive, not extractable).
    pub fn create_ec_private_key(
        &self,
        label: &str,
        scalar: &[u8],
    ) -> Result<CK_OBJECT_HANDLE, P11Error> {
        let class = ulong_bytes(CKO_PRIVATE_KEY);
        let key_type = ulong_bytes(CKK_EC);
        let mut template = [
            attr(CKA_CLASS, &class),
            attr(CKA_KEY_TYPE, &key_type),
            attr(CKA_TOKEN, &TRUE),
            attr(CKA_PRIVATE, &TRUE),
            attr(CKA_SIGN, &TRUE),
            attr(CKA_SENSITIVE, &TRUE),
            attr(CKA_LABEL, label.as_bytes()),
            attr(CKA_EC_PARAMS, &EC_PARAMS_P256),
            attr(CKA_VALUE, scalar),
        ];
        self.create(&mut template)
    }

    /// C_GenerateKeyPair of a P-256 key pair as token objects; returns (private, public).
    pub fn generate_ec_key_pair(
        &self,
        private_label: &str,
        public_label: &str,
    ) -> Result<(CK_OBJECT_HANDLE, CK_OBJECT_HANDLE), P11Error> {
        let mut mechanism = CK_MECHANISM {
            mechanism: CKM_EC_KEY_PAIR_GEN,
            pParameter: ptr::null_mut(),
            ulParameterLen: 0,
        };
        let mut public_template = [
            attr(CKA_TOKEN, &TRUE),
            attr(CKA_VERIFY, &TRUE),
            attr(CKA_LABEL, public_label.as_bytes()),
            attr(CKA_EC_PARAMS, &EC_PARAMS_P256),
        ];
        let mut private_template = [
            attr(CKA_TOKEN, &TRUE),
            attr(CKA_PRIVATE, &TRUE),
            attr(CKA_SIGN, &TRUE),
            attr(CKA_SENSITIVE, &TRUE),
            attr(CKA_LABEL, private_label.as_bytes()),
        ];
        let (mut public, mut private) = (0, 0);
        // SAFETY: templates over live buffers; the handles are writable.
        check("C_GenerateKeyPair", unsafe {
            (self.f.C_GenerateKeyPair)(
                self.session,
                &mut mechanism,
                public_template.as_mut_ptr(),
                public_template.len() as CK_ULONG,
                private_template.as_mut_ptr(),
                private_template.len() as CK_ULONG,
                &mut public,
                &mut private,
            )
        })?;
        Ok((private, public))
    }

    /// C_SignInit with `mechanism` on `key` (no parameter).
    pub fn sign_init(&self, mechanism: CK_ULONG, key: CK_OBJECT_HANDLE) -> Result<(), P11Error> {
        let mut m = CK_MECHANISM {
            mechanism,
            pParameter: ptr::null_mut(),
            ulParameterLen: 0,
        };
        // SAFETY: `m` is a live mechanism without parameter.
        check("C_SignInit", unsafe {
            (self.f.C_SignInit)(self.session, &mut m, key)
        })
    }

    /// C_Sign (single part) after `sign_init`; for ECDSA P-256 the result is r‖s, 64 bytes.
    pub fn sign(&self, data: &[u8]) -> Result<Vec<u8>, P11Error> {
        let mut out = vec![0u8; 128];
        let mut len = out.len() as CK_ULONG;
        // SAFETY: `data` is read only; `out` has `len` writable bytes.
        check("C_Sign", unsafe {
            (self.f.C_Sign)(
                self.session,
                data.as_ptr() as *mut u8,
                data.len() as CK_ULONG,
                out.as_mut_ptr(),
                &mut len,
            )
        })?;
        out.truncate(len as usize);
        Ok(out)
    }

    /// C_Sign on session handle 0 (never valid): the injected signing failure of test builds.
    #[cfg(feature = "audit")]
    pub fn sign_on_invalid_session(&self, data: &[u8]) -> Result<(), P11Error> {
        let mut out = [0u8; 64];
        let mut len = out.len() as CK_ULONG;
        // SAFETY: `data` is read only; `out` has `len` writable bytes.
        check("C_Sign", unsafe {
            (self.f.C_Sign)(
                0,
                data.as_ptr() as *mut u8,
                data.len() as CK_ULONG,
                out.as_mut_ptr(),
                &mut len,
            )
        })
    }

    /// C_GenerateRandom (the token's HMAC-DRBG).
    pub fn random(&self, out: &mut [u8]) -> Result<(), P11Error> {
        // SAFETY: `out` is writable for its length.
        check("C_GenerateRandom", unsafe {
            (self.f.C_GenerateRandom)(self.session, out.as_mut_ptr(), out.len() as CK_ULONG)
        })
    }

    /// The audit's control: one C_GetAttributeValue (CKA_KEY_TYPE, not secret) on `key`
    /// through the same list, to show that the counter sees such a call.
    #[cfg(feature = "audit")]
    pub fn audit_control_read(&self, key: CK_OBJECT_HANDLE) -> Result<(), P11Error> {
        let mut key_type: CK_ULONG = 0;
        let mut template = [CK_ATTRIBUTE {
            r#type: CKA_KEY_TYPE,
            pValue: (&mut key_type as *mut CK_ULONG).cast(),
            ulValueLen: core::mem::size_of::<CK_ULONG>() as CK_ULONG,
        }];
        // SAFETY: a one-entry template over a local.
        check("C_GetAttributeValue", unsafe {
            (self.f.C_GetAttributeValue)(self.session, key, template.as_mut_ptr(), 1)
        })
    }
}

impl Drop for Token {
    fn drop(&mut self) {
        // SAFETY: the session this value opened.
        unsafe {
            (self.f.C_Logout)(self.session);
            (self.f.C_CloseSession)(self.session);
        }
    }
}
