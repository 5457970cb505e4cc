//! The token on its image: opening it (with the module's lock), a session, login, and
//! reading objects.

use crate::error::{pin_locked_message, Failure, Result, EXIT_BUSY, EXIT_PIN};
use crate::progress::with_progress;
use core_pkcs11_engine::ck::*;
use core_pkcs11_engine::store::{ObjectStore, StoreError, TOKEN_STATE_ID};
use core_pkcs11_engine::token_state::TokenState;
use core_pkcs11_engine::{Attribute, AttributeQuery, Config, Token, TokenInfo};
use core_pkcs11_ffi::host_store::{self, Location};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The token state record as last loaded or saved (to tell how many PIN tries are left).
type StateCell = Arc<Mutex<Option<Vec<u8>>>>;

/// A store that passes everything to `inner` and keeps a copy of the token state record.
struct StateTap<S> {
    inner: S,
    state: StateCell,
}

impl<S: ObjectStore> ObjectStore for StateTap<S> {
    fn load(&mut self, visit: &mut dyn FnMut(u32, &[u8])) -> std::result::Result<(), StoreError> {
        let state = self.state.clone();
        self.inner.load(&mut |id, bytes| {
            if id == TOKEN_STATE_ID {
                if let Ok(mut s) = state.lock() {
                    *s = Some(bytes.to_vec());
                }
            }
            visit(id, bytes)
        })
    }
    fn save(&mut self, id: u32, record: &[u8]) -> std::result::Result<(), StoreError> {
        self.inner.save(id, record)?;
        if id == TOKEN_STATE_ID {
            if let Ok(mut s) = self.state.lock() {
                *s = Some(record.to_vec());
            }
        }
        Ok(())
    }
    fn remove(&mut self, id: u32) -> std::result::Result<(), StoreError> {
        self.inner.remove(id)
    }
}

/// Where the image is: `--image`, else the module's host token location.
pub fn image_path(explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(p) = explicit {
        return Ok(p.to_path_buf());
    }
    match host_store::location() {
        Some(Location::Image(p)) => Ok(p),
        Some(Location::Memory) => Err(Failure::new(format!(
            "{}=:memory: keeps the host token in RAM: there is no image to work on; \
             give --image PATH",
            host_store::STORE_ENV
        ))),
        None => Err(Failure::new(format!(
            "no host token location: set {} or HOME, or give --image PATH",
            host_store::STORE_ENV
        ))),
    }
}

/// Who is logged in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Login {
    /// Nobody: private objects are hidden.
    Nobody,
    /// The user, with the configured default PIN.
    DefaultPin,
    /// The user, with the PIN given.
    UserPin,
}

/// The open token with one read/write session.
pub struct Device {
    /// The engine's token.
    pub token: Token,
    /// The session's handle.
    pub session: Ulong,
    /// The configuration the token was opened with.
    pub config: Config,
    state: StateCell,
    /// Who is logged in.
    pub login: Login,
}

/// The configuration the tool opens tokens with: the build's `core_pkcs11_config.h` (default
/// PIN, PIN lengths, login attempts), without the object limit (the image's size is the
/// limit; the firmware loads every stored object whatever its own limit).
pub fn tool_config() -> Config {
    let mut config = core_pkcs11_ffi::config::from_shim();
    config.max_objects = 1 << 20;
    config.max_sessions = 4;
    config
}

impl Device {
    /// Opens the token on the image at `path` (created if `create` and missing), waiting for
    /// the lock like `C_Initialize` does, and opens a read/write session.
    pub fn open(path: &Path, create: bool) -> Result<Device> {
        if !create && !path.exists() {
            return Err(Failure::new(format!(
                "no token image at {} (import-key, import-cert, generate or init create one)",
                path.display()
            )));
        }
        let store = with_progress(
            "waiting for the token image (another process holds it)",
            || host_store::open_image(path),
        )
        .map_err(|m| {
            let code = if m.contains("in use by another process") {
                EXIT_BUSY
            } else {
                crate::error::EXIT_ERROR
            };
            Failure::with_code(code, m)
        })?;
        let state: StateCell = Arc::new(Mutex::new(None));
        let tapped = StateTap {
            inner: store,
            state: state.clone(),
        };
        let config = tool_config();
        let mut token = Token::new(
            config.clone(),
            Box::new(tapped),
            Box::new(core_pkcs11_ffi::entropy::PlatformEntropy),
        )
        .map_err(|rv| Failure::token(&format!("opening {}", path.display()), rv))?;
        let session = token
            .open_session(CKF_SERIAL_SESSION | CKF_RW_SESSION)
            .map_err(|rv| Failure::token("C_OpenSession", rv))?;
        Ok(Device {
            token,
            session,
            config,
            state,
            login: Login::Nobody,
        })
    }

    /// `C_GetTokenInfo`.
    pub fn info(&self) -> TokenInfo {
        self.token.token_info()
    }

    /// The persisted token state (PIN failure counter, whether an SO PIN is set).
    pub fn state(&self) -> Option<TokenState> {
        let bytes = self.state.lock().ok()?.clone()?;
        TokenState::decode(&bytes)
    }

    /// True while the configured default user PIN is in force.
    pub fn default_pin_in_force(&self) -> bool {
        self.info().flags & CKF_USER_PIN_TO_BE_CHANGED != 0
    }

    /// Wrong user PINs left before the PIN locks.
    pub fn tries_left(&self) -> u32 {
        let failures = self.state().map(|s| s.user_failures).unwrap_or(0);
        self.config.max_login_attempts.saturating_sub(failures)
    }

    /// Logs the user in: with `pin` if given, else with the default PIN while it is in force
    /// (never guessing otherwise, which would count as a wrong PIN). With `required`, failing
    /// to log in is an error; without, the command goes on without the private objects.
    pub fn login(&mut self, pin: Option<&[u8]>, required: bool) -> Result<Login> {
        if self.info().flags & CKF_USER_PIN_LOCKED != 0 {
            if required || pin.is_some() {
                return Err(Failure::with_code(EXIT_PIN, pin_locked_message()));
            }
            return Ok(Login::Nobody);
        }
        let (candidate, kind) = match pin {
            Some(p) => (p.to_vec(), Login::UserPin),
            None if self.default_pin_in_force() => {
                (self.config.default_user_pin.clone(), Login::DefaultPin)
            }
            None if required => {
                return Err(Failure::with_code(
                    EXIT_PIN,
                    "this needs the user PIN: give --pin PIN or --pin-env VAR",
                ))
            }
            None => return Ok(Login::Nobody),
        };
        let session = self.session;
        match self.token.login(session, CKU_USER, &candidate) {
            Ok(()) => {
                self.login = kind;
                Ok(kind)
            }
            Err(CKR_PIN_INCORRECT) => {
                let left = self.tries_left();
                Err(Failure::with_code(
                    EXIT_PIN,
                    if left == 0 {
                        format!("wrong PIN: {}", pin_locked_message())
                    } else {
                        format!(
                            "wrong PIN ({left} {} left)",
                            if left == 1 { "try" } else { "tries" }
                        )
                    },
                ))
            }
            Err(CKR_PIN_LOCKED) => Err(Failure::with_code(EXIT_PIN, pin_locked_message())),
            Err(rv) => Err(Failure::token("C_Login", rv)),
        }
    }

    /// Handles of the objects matching `template` (private ones only when logged in).
    pub fn find(&mut self, template: &[Attribute<'_>]) -> Result<Vec<Ulong>> {
        let s = self.session;
        self.token
            .find_objects_init(s, template)
            .map_err(|rv| Failure::token("C_FindObjectsInit", rv))?;
        let mut all = Vec::new();
        let mut buf = [0 as Ulong; 64];
        loop {
            let n = self
                .token
                .find_objects(s, &mut buf)
                .map_err(|rv| Failure::token("C_FindObjects", rv))?;
            all.extend_from_slice(&buf[..n]);
            if n < buf.len() {
                break;
            }
        }
        self.token
            .find_objects_final(s)
            .map_err(|rv| Failure::token("C_FindObjectsFinal", rv))?;
        Ok(all)
    }

    /// An attribute's value; `None` when the object has no such attribute or hides it.
    pub fn attribute(&self, object: Ulong, kind: Ulong) -> Option<Vec<u8>> {
        let mut q = [AttributeQuery::new(kind, None)];
        self.token
            .get_attribute_values(self.session, object, &mut q)
            .ok()?;
        let len = usize::try_from(q[0].len).ok()?;
        let mut buf = vec![0u8; len];
        let mut q = [AttributeQuery::new(kind, Some(&mut buf[..]))];
        self.token
            .get_attribute_values(self.session, object, &mut q)
            .ok()?;
        Some(buf)
    }

    /// A `CK_ULONG` attribute.
    pub fn ulong(&self, object: Ulong, kind: Ulong) -> Option<Ulong> {
        core_pkcs11_engine::template::ulong_value(&self.attribute(object, kind)?)
    }

    /// A `CK_BBOOL` attribute (false when absent).
    pub fn flag(&self, object: Ulong, kind: Ulong) -> bool {
        self.attribute(object, kind).as_deref() == Some(&[1])
    }
}

impl Drop for Device {
    fn drop(&mut self) {
        // Ends the login and the session as C_Finalize would; the image lock goes with the
        // token's store.
        self.token.close_all_sessions();
    }
}
