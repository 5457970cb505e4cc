//! A PKCS #11 module loaded with `dlopen` (the `libloading` crate) and reached only through
//! the function list `C_GetFunctionList` returns, with a checked wrapper per function.

use crate::pkcs11::*;
use libloading::Library;
use std::fmt;
use std::os::raw::c_void;
use std::path::Path;

/// A failed PKCS #11 call (or a missing function-list entry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CkError {
    /// The PKCS #11 function.
    pub function: &'static str,
    /// Its return value (`None` when the module's function list has no such entry).
    pub rv: Option<Rv>,
}

impl fmt::Display for CkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.rv {
            Some(rv) => write!(f, "{} returned {}", self.function, rv_name(rv)),
            None => write!(f, "{} is NULL in the module's function list", self.function),
        }
    }
}

impl std::error::Error for CkError {}

/// Result of a wrapped PKCS #11 call.
pub type CkResult<T> = Result<T, CkError>;

fn check(function: &'static str, rv: Rv) -> CkResult<()> {
    if rv == CKR_OK {
        Ok(())
    } else {
        Err(CkError {
            function,
            rv: Some(rv),
        })
    }
}

fn entry<T>(f: Option<T>, function: &'static str) -> CkResult<T> {
    f.ok_or(CkError { function, rv: None })
}

/// Converts a Rust length to `CK_ULONG` (lossless on every platform PKCS #11 modules run on).
fn ulen(len: usize) -> Ulong {
    len as Ulong
}

/// The identity of a module as `C_GetInfo` gives it.
#[derive(Debug, Clone, Default)]
pub struct ModuleInfo {
    /// Cryptoki version (`major.minor`).
    pub cryptoki_version: String,
    /// Manufacturer, blanks trimmed.
    pub manufacturer: String,
    /// Library description, blanks trimmed.
    pub description: String,
    /// Library version (`major.minor`).
    pub library_version: String,
}

/// Trims a blank-padded PKCS #11 text field.
pub fn padded_text(field: &[u8]) -> String {
    String::from_utf8_lossy(field)
        .trim_end_matches([' ', '\0'])
        .to_string()
}

/// Blank-pads `label` to the 32 bytes `C_InitToken` takes (longer labels are cut).
pub fn padded_label(label: &str) -> [u8; 32] {
    let mut out = [b' '; 32];
    let bytes = label.as_bytes();
    let n = bytes.len().min(32);
    out[..n].copy_from_slice(&bytes[..n]);
    out
}

/// An attribute template that owns its values; [`Template::raw`] gives the `CK_ATTRIBUTE`
/// array pointing into it.
#[derive(Debug, Clone, Default)]
pub struct Template {
    items: Vec<(Ulong, Vec<u8>)>,
}

impl Template {
    /// An empty template.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a byte-string attribute.
    pub fn bytes(mut self, kind: Ulong, value: &[u8]) -> Self {
        self.items.push((kind, value.to_vec()));
        self
    }

    /// Adds a `CK_ULONG` attribute.
    pub fn ulong(mut self, kind: Ulong, value: Ulong) -> Self {
        self.items.push((kind, value.to_ne_bytes().to_vec()));
        self
    }

    /// Adds a `CK_BBOOL` attribute.
    pub fn bool(mut self, kind: Ulong, value: bool) -> Self {
        let b = if value { CK_TRUE } else { CK_FALSE };
        self.items.push((kind, vec![b]));
        self
    }

    /// The `CK_ATTRIBUTE` array; its pointers are valid while `self` is borrowed and
    /// unchanged. Modules only read templates, so the `*mut` is never written through.
    pub fn raw(&self) -> Vec<Attribute> {
        self.items
            .iter()
            .map(|(kind, value)| Attribute {
                kind: *kind,
                value: value.as_ptr() as *mut c_void,
                value_len: ulen(value.len()),
            })
            .collect()
    }
}

/// A loaded, not yet initialised, PKCS #11 module.
pub struct Module {
    list: *const FunctionList,
    // Keeps the code `list` points into mapped (None only for a test's static list).
    _library: Option<Library>,
}

impl Module {
    /// Loads the module at `path` and fetches its function list.
    pub fn load(path: &Path) -> Result<Module, String> {
        // SAFETY: loading a PKCS #11 module runs its initialisers; the module is the one the
        // user asked to benchmark, and loading it is the point of the program.
        let library =
            unsafe { Library::new(path) }.map_err(|e| format!("cannot load the module: {e}"))?;
        // SAFETY: `C_GetFunctionList` has this signature in every PKCS #11 v2 module.
        let get: libloading::Symbol<'_, GetFunctionList> =
            unsafe { library.get(b"C_GetFunctionList\0") }
                .map_err(|e| format!("no C_GetFunctionList: {e}"))?;
        let mut list: *const FunctionList = std::ptr::null();
        // SAFETY: `list` is a valid out-pointer for the call.
        let rv = unsafe { get(&mut list) };
        check("C_GetFunctionList", rv).map_err(|e| e.to_string())?;
        if list.is_null() {
            return Err("C_GetFunctionList returned a NULL list".into());
        }
        // SAFETY: the module returned a non-NULL pointer to its static function list.
        let version = unsafe { (*list).version };
        if version.major != 2 {
            return Err(format!(
                "function list version {}.{}, expected 2.x",
                version.major, version.minor
            ));
        }
        Ok(Module {
            list,
            _library: Some(library),
        })
    }

    /// A module made of a function list that lives in this program (tests' fake modules).
    #[cfg(test)]
    pub fn from_static(list: &'static FunctionList) -> Module {
        Module {
            list,
            _library: None,
        }
    }

    fn f(&self) -> &FunctionList {
        // SAFETY: `list` was checked non-NULL in `load` and points into the module's static
        // data, which stays mapped as long as `_library` (owned by `self`) is loaded; or it
        // is a `'static` list (`from_static`).
        unsafe { &*self.list }
    }

    /// `C_Initialize` with `CKF_OS_LOCKING_OK`.
    pub fn initialize(&self) -> CkResult<()> {
        let f = entry(self.f().initialize, "C_Initialize")?;
        let mut args = InitializeArgs {
            create_mutex: std::ptr::null_mut(),
            destroy_mutex: std::ptr::null_mut(),
            lock_mutex: std::ptr::null_mut(),
            unlock_mutex: std::ptr::null_mut(),
            flags: CKF_OS_LOCKING_OK,
            reserved: std::ptr::null_mut(),
        };
        // SAFETY: `args` is a valid CK_C_INITIALIZE_ARGS for the duration of the call.
        check("C_Initialize", unsafe {
            f(&mut args as *mut InitializeArgs as *mut c_void)
        })
    }

    /// `C_Finalize`.
    pub fn finalize(&self) -> CkResult<()> {
        let f = entry(self.f().finalize, "C_Finalize")?;
        // SAFETY: the argument must be NULL.
        check("C_Finalize", unsafe { f(std::ptr::null_mut()) })
    }

    /// `C_GetInfo`.
    pub fn info(&self) -> CkResult<ModuleInfo> {
        let f = entry(self.f().get_info, "C_GetInfo")?;
        let mut info = Info {
            cryptoki_version: Version::default(),
            manufacturer_id: [0; 32],
            flags: 0,
            library_description: [0; 32],
            library_version: Version::default(),
        };
        // SAFETY: `info` is a valid CK_INFO to fill.
        check("C_GetInfo", unsafe { f(&mut info) })?;
        Ok(ModuleInfo {
            cryptoki_version: format!(
                "{}.{}",
                info.cryptoki_version.major, info.cryptoki_version.minor
            ),
            manufacturer: padded_text(&info.manufacturer_id),
            description: padded_text(&info.library_description),
            library_version: format!(
                "{}.{}",
                info.library_version.major, info.library_version.minor
            ),
        })
    }

    /// `C_GetSlotList(CK_TRUE)`: the slots that hold a token.
    pub fn slots_with_token(&self) -> CkResult<Vec<Ulong>> {
        let f = entry(self.f().get_slot_list, "C_GetSlotList")?;
        let mut count: Ulong = 0;
        // SAFETY: NULL list asks for the count only; `count` is a valid out-pointer.
        check("C_GetSlotList", unsafe {
            f(CK_TRUE, std::ptr::null_mut(), &mut count)
        })?;
        let mut slots = vec![0 as Ulong; count as usize];
        // SAFETY: `slots` holds `count` entries, as the call is told.
        check("C_GetSlotList", unsafe {
            f(CK_TRUE, slots.as_mut_ptr(), &mut count)
        })?;
        slots.truncate(count as usize);
        Ok(slots)
    }

    /// `C_GetTokenInfo`.
    pub fn token_info(&self, slot: Ulong) -> CkResult<TokenInfo> {
        let f = entry(self.f().get_token_info, "C_GetTokenInfo")?;
        let mut info = TokenInfo::zeroed();
        // SAFETY: `info` is a valid CK_TOKEN_INFO to fill.
        check("C_GetTokenInfo", unsafe { f(slot, &mut info) })?;
        Ok(info)
    }

    /// `C_InitToken` with the SO PIN and a blank-padded label.
    pub fn init_token(&self, slot: Ulong, so_pin: &str, label: &str) -> CkResult<()> {
        let f = entry(self.f().init_token, "C_InitToken")?;
        let label = padded_label(label);
        // SAFETY: the PIN pointer/length pair and the 32-byte label are valid for the call.
        check("C_InitToken", unsafe {
            f(slot, so_pin.as_ptr(), ulen(so_pin.len()), label.as_ptr())
        })
    }

    /// `C_OpenSession` (serial, read/write).
    pub fn open_session(&self, slot: Ulong) -> CkResult<Ulong> {
        let f = entry(self.f().open_session, "C_OpenSession")?;
        let mut session: Ulong = 0;
        // SAFETY: no application callback; `session` is a valid out-pointer.
        check("C_OpenSession", unsafe {
            f(
                slot,
                CKF_SERIAL_SESSION | CKF_RW_SESSION,
                std::ptr::null_mut(),
                None,
                &mut session,
            )
        })?;
        Ok(session)
    }

    /// `C_CloseSession`.
    pub fn close_session(&self, session: Ulong) -> CkResult<()> {
        let f = entry(self.f().close_session, "C_CloseSession")?;
        // SAFETY: plain value arguments.
        check("C_CloseSession", unsafe { f(session) })
    }

    /// `C_Login`; returns the raw return value (the caller decides what is acceptable).
    pub fn login_rv(&self, session: Ulong, user: Ulong, pin: &str) -> CkResult<Rv> {
        let f = entry(self.f().login, "C_Login")?;
        // SAFETY: the PIN pointer/length pair is valid for the call.
        Ok(unsafe { f(session, user, pin.as_ptr(), ulen(pin.len())) })
    }

    /// `C_Login`.
    pub fn login(&self, session: Ulong, user: Ulong, pin: &str) -> CkResult<()> {
        check("C_Login", self.login_rv(session, user, pin)?)
    }

    /// `C_Logout`.
    pub fn logout(&self, session: Ulong) -> CkResult<()> {
        let f = entry(self.f().logout, "C_Logout")?;
        // SAFETY: plain value arguments.
        check("C_Logout", unsafe { f(session) })
    }

    /// `C_InitPIN`.
    pub fn init_pin(&self, session: Ulong, pin: &str) -> CkResult<()> {
        let f = entry(self.f().init_pin, "C_InitPIN")?;
        // SAFETY: the PIN pointer/length pair is valid for the call.
        check("C_InitPIN", unsafe {
            f(session, pin.as_ptr(), ulen(pin.len()))
        })
    }

    /// `C_CreateObject`.
    pub fn create_object(&self, session: Ulong, template: &Template) -> CkResult<Ulong> {
        let f = entry(self.f().create_object, "C_CreateObject")?;
        let mut raw = template.raw();
        let mut handle: Ulong = 0;
        // SAFETY: `raw` points into `template`, alive for the call; `handle` is an out-pointer.
        check("C_CreateObject", unsafe {
            f(session, raw.as_mut_ptr(), ulen(raw.len()), &mut handle)
        })?;
        Ok(handle)
    }

    /// `C_DestroyObject`.
    pub fn destroy_object(&self, session: Ulong, object: Ulong) -> CkResult<()> {
        let f = entry(self.f().destroy_object, "C_DestroyObject")?;
        // SAFETY: plain value arguments.
        check("C_DestroyObject", unsafe { f(session, object) })
    }

    /// `C_GetAttributeValue` of one attribute (length query, then value).
    pub fn attribute(&self, session: Ulong, object: Ulong, kind: Ulong) -> CkResult<Vec<u8>> {
        let f = entry(self.f().get_attribute_value, "C_GetAttributeValue")?;
        let mut attr = Attribute {
            kind,
            value: std::ptr::null_mut(),
            value_len: 0,
        };
        // SAFETY: one attribute with a NULL value asks for the length.
        check("C_GetAttributeValue", unsafe {
            f(session, object, &mut attr, 1)
        })?;
        if attr.value_len == CK_UNAVAILABLE_INFORMATION {
            return Err(CkError {
                function: "C_GetAttributeValue",
                rv: Some(0x11),
            });
        }
        let mut value = vec![0u8; attr.value_len as usize];
        attr.value = value.as_mut_ptr() as *mut c_void;
        // SAFETY: `value` holds `value_len` bytes, as the attribute says.
        check("C_GetAttributeValue", unsafe {
            f(session, object, &mut attr, 1)
        })?;
        value.truncate(attr.value_len as usize);
        Ok(value)
    }

    /// `C_FindObjectsInit` + `C_FindObjects` into `out` (one call) + `C_FindObjectsFinal`;
    /// returns how many handles were found (at most `out.len()`).
    pub fn find_into(
        &self,
        session: Ulong,
        template: &[Attribute],
        out: &mut [Ulong],
    ) -> CkResult<usize> {
        let l = self.f();
        let init = entry(l.find_objects_init, "C_FindObjectsInit")?;
        let find = entry(l.find_objects, "C_FindObjects")?;
        let fin = entry(l.find_objects_final, "C_FindObjectsFinal")?;
        let mut count: Ulong = 0;
        // SAFETY: the caller's template points at live values (see `Template::raw`); modules
        // only read it. `out` holds `out.len()` handles and `count` is an out-pointer.
        unsafe {
            check(
                "C_FindObjectsInit",
                init(
                    session,
                    template.as_ptr() as *mut Attribute,
                    ulen(template.len()),
                ),
            )?;
            let rv = find(session, out.as_mut_ptr(), ulen(out.len()), &mut count);
            let rv_final = fin(session);
            check("C_FindObjects", rv)?;
            check("C_FindObjectsFinal", rv_final)?;
        }
        Ok(count as usize)
    }

    /// Every object matching `template` (repeated `C_FindObjects` calls).
    pub fn find_all(&self, session: Ulong, template: &Template) -> CkResult<Vec<Ulong>> {
        let l = self.f();
        let init = entry(l.find_objects_init, "C_FindObjectsInit")?;
        let find = entry(l.find_objects, "C_FindObjects")?;
        let fin = entry(l.find_objects_final, "C_FindObjectsFinal")?;
        let mut raw = template.raw();
        let mut found = Vec::new();
        // SAFETY: `raw` points into `template`; `chunk` holds 16 handles; `count` is an
        // out-pointer.
        unsafe {
            check(
                "C_FindObjectsInit",
                init(session, raw.as_mut_ptr(), ulen(raw.len())),
            )?;
            loop {
                let mut chunk = [0 as Ulong; 16];
                let mut count: Ulong = 0;
                let rv = find(session, chunk.as_mut_ptr(), 16, &mut count);
                if rv != CKR_OK {
                    let _ = fin(session);
                    return Err(CkError {
                        function: "C_FindObjects",
                        rv: Some(rv),
                    });
                }
                let count = (count as usize).min(chunk.len());
                found.extend_from_slice(&chunk[..count]);
                if count == 0 {
                    break;
                }
            }
            check("C_FindObjectsFinal", fin(session))?;
        }
        Ok(found)
    }

    /// `C_DigestInit` + `C_Digest` into `out`; returns the digest length.
    pub fn digest(
        &self,
        session: Ulong,
        mechanism: Ulong,
        data: &[u8],
        out: &mut [u8],
    ) -> CkResult<usize> {
        let l = self.f();
        let init = entry(l.digest_init, "C_DigestInit")?;
        let digest = entry(l.digest, "C_Digest")?;
        let mut mech = Mechanism::new(mechanism);
        let mut len = ulen(out.len());
        // SAFETY: `mech` and the data/out buffers with their lengths are valid for the calls.
        unsafe {
            check("C_DigestInit", init(session, &mut mech))?;
            check(
                "C_Digest",
                digest(
                    session,
                    data.as_ptr(),
                    ulen(data.len()),
                    out.as_mut_ptr(),
                    &mut len,
                ),
            )?;
        }
        Ok(len as usize)
    }

    /// `C_SignInit` + `C_Sign` into `out`; returns the signature length.
    pub fn sign(
        &self,
        session: Ulong,
        mechanism: Ulong,
        key: Ulong,
        data: &[u8],
        out: &mut [u8],
    ) -> CkResult<usize> {
        let l = self.f();
        let init = entry(l.sign_init, "C_SignInit")?;
        let sign = entry(l.sign, "C_Sign")?;
        let mut mech = Mechanism::new(mechanism);
        let mut len = ulen(out.len());
        // SAFETY: `mech` and the data/out buffers with their lengths are valid for the calls.
        unsafe {
            check("C_SignInit", init(session, &mut mech, key))?;
            check(
                "C_Sign",
                sign(
                    session,
                    data.as_ptr(),
                    ulen(data.len()),
                    out.as_mut_ptr(),
                    &mut len,
                ),
            )?;
        }
        Ok(len as usize)
    }

    /// `C_VerifyInit` + `C_Verify`; returns `C_Verify`'s return value (`CKR_OK` or
    /// `CKR_SIGNATURE_INVALID` are the interesting ones).
    pub fn verify_rv(
        &self,
        session: Ulong,
        mechanism: Ulong,
        key: Ulong,
        data: &[u8],
        signature: &[u8],
    ) -> CkResult<Rv> {
        let l = self.f();
        let init = entry(l.verify_init, "C_VerifyInit")?;
        let verify = entry(l.verify, "C_Verify")?;
        let mut mech = Mechanism::new(mechanism);
        // SAFETY: `mech` and the data/signature buffers with their lengths are valid.
        unsafe {
            check("C_VerifyInit", init(session, &mut mech, key))?;
            Ok(verify(
                session,
                data.as_ptr(),
                ulen(data.len()),
                signature.as_ptr(),
                ulen(signature.len()),
            ))
        }
    }

    /// `C_VerifyInit` + `C_Verify`, which must return `CKR_OK`.
    pub fn verify(
        &self,
        session: Ulong,
        mechanism: Ulong,
        key: Ulong,
        data: &[u8],
        signature: &[u8],
    ) -> CkResult<()> {
        check(
            "C_Verify",
            self.verify_rv(session, mechanism, key, data, signature)?,
        )
    }

    /// `C_GenerateKeyPair`; returns (public, private) handles.
    pub fn generate_key_pair(
        &self,
        session: Ulong,
        mechanism: Ulong,
        public: &Template,
        private: &Template,
    ) -> CkResult<(Ulong, Ulong)> {
        let f = entry(self.f().generate_key_pair, "C_GenerateKeyPair")?;
        let mut mech = Mechanism::new(mechanism);
        let mut pub_raw = public.raw();
        let mut priv_raw = private.raw();
        let (mut pub_handle, mut priv_handle): (Ulong, Ulong) = (0, 0);
        // SAFETY: the templates point into live `Template`s; the handles are out-pointers.
        check("C_GenerateKeyPair", unsafe {
            f(
                session,
                &mut mech,
                pub_raw.as_mut_ptr(),
                ulen(pub_raw.len()),
                priv_raw.as_mut_ptr(),
                ulen(priv_raw.len()),
                &mut pub_handle,
                &mut priv_handle,
            )
        })?;
        Ok((pub_handle, priv_handle))
    }

    /// `C_GenerateRandom` filling `out`.
    pub fn generate_random(&self, session: Ulong, out: &mut [u8]) -> CkResult<()> {
        let f = entry(self.f().generate_random, "C_GenerateRandom")?;
        // SAFETY: `out` with its length is valid for the call.
        check("C_GenerateRandom", unsafe {
            f(session, out.as_mut_ptr(), ulen(out.len()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_padded_and_trimmed() {
        let l = padded_label("bench");
        assert_eq!(&l[..5], b"bench");
        assert!(l[5..].iter().all(|&b| b == b' '));
        assert_eq!(padded_text(&l), "bench");
    }

    #[test]
    fn templates_point_at_their_values() {
        let t = Template::new()
            .ulong(CKA_CLASS, CKO_DATA)
            .bool(CKA_TOKEN, true)
            .bytes(CKA_LABEL, b"x");
        let raw = t.raw();
        assert_eq!(raw.len(), 3);
        assert_eq!(raw[0].value_len as usize, std::mem::size_of::<Ulong>());
        assert_eq!(raw[1].value_len, 1);
        // SAFETY: `raw[2]` points at the 1-byte label owned by `t`, still alive.
        assert_eq!(unsafe { *(raw[2].value as *const u8) }, b'x');
    }

    #[test]
    fn missing_module_is_a_clear_error() {
        let err = match Module::load(Path::new("/nonexistent/libnothing.so")) {
            Ok(_) => panic!("loaded a missing module"),
            Err(e) => e,
        };
        assert!(err.contains("cannot load the module"), "{err}");
        assert!(err.contains("/nonexistent/libnothing.so"), "{err}");
    }
}
