//! The token: its state, sessions and objects, and one method per PKCS #11 call.

use crate::attribute::{Attribute, AttributeQuery};
use crate::ck::*;
use crate::config::Config;
use crate::drbg::{BufferedDrbg, DrbgRng};
use crate::entropy::EntropySource;
use crate::info::{blank_padded, MechanismInfo, SessionInfo, SlotInfo, TokenInfo};
use crate::mechanism::Mechanism;
use crate::object::Object;
use crate::operation::{DigestOp, FindOp, Output, SignatureOp, SignatureScheme, SHA256_LEN};
use crate::session::Session;
use crate::store::{ObjectStore, StoreError, TOKEN_STATE_ID};
use crate::token_state::TokenState;
use crate::vec_map::VecMap;
use crate::CkResult;
use alloc::boxed::Box;
use alloc::vec::Vec;
use digest::Digest;

/// An operation of a session that [`Token::end_operation`] can end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperationKind {
    /// `C_Digest*`.
    Digest,
    /// `C_Sign*`.
    Sign,
    /// `C_Verify*`.
    Verify,
}

/// Manufacturer ID reported for the library, slot and token.
pub const MANUFACTURER: &[u8] = b"core-pkcs11";
/// Token model.
pub const MODEL: &[u8] = b"software token";

/// The slot's token with its sessions, objects, login state and random generator.
pub struct Token {
    config: Config,
    store: Box<dyn ObjectStore>,
    entropy: Box<dyn EntropySource>,
    drbg: BufferedDrbg,
    state: TokenState,
    sessions: VecMap<Ulong, Session>,
    objects: VecMap<Ulong, Object>,
    login: Option<Ulong>,
    next_session: Ulong,
    next_object: Ulong,
    next_store_id: u32,
    damaged_records: usize,
}

fn store_error(e: StoreError) -> Ulong {
    match e {
        StoreError::Full => CKR_DEVICE_MEMORY,
        StoreError::Io => CKR_DEVICE_ERROR,
    }
}

/// Ends a MAC signature: the last data, then the MAC into `out` (its exact length). Not
/// inlined, so the MAC state (an AES key schedule is about 1 KB) stays out of the frames of
/// the ECDSA and RSA signing paths.
#[inline(never)]
#[allow(clippy::boxed_local)] // Unboxing in the caller would put the state in its frame.
fn finish_mac_sign(mut mac: Box<crate::mac::MacState>, input: Option<&[u8]>, out: &mut [u8]) {
    if let Some(data) = input {
        mac.update(data);
    }
    out.copy_from_slice(&mac.finalize());
}

/// Ends a MAC verification: the last data, then the comparison with `signature`. Not inlined,
/// like [`finish_mac_sign`].
#[inline(never)]
#[allow(clippy::boxed_local)] // As for finish_mac_sign.
fn finish_mac_verify(
    mut mac: Box<crate::mac::MacState>,
    input: Option<&[u8]>,
    signature: &[u8],
) -> CkResult<()> {
    if let Some(data) = input {
        mac.update(data);
    }
    mac.verify(signature)
}

fn check_pin_len(config: &Config, pin: &[u8]) -> CkResult<()> {
    if pin.len() < config.min_pin_len || pin.len() > config.max_pin_len {
        Err(CKR_PIN_LEN_RANGE)
    } else {
        Ok(())
    }
}

impl Token {
    /// Opens the token: loads the token state and token objects from `store`, seeds the DRBG
    /// from `entropy`. Called by `C_Initialize`. Damaged records are skipped and counted.
    pub fn new(
        config: Config,
        store: Box<dyn ObjectStore>,
        mut entropy: Box<dyn EntropySource>,
    ) -> CkResult<Token> {
        let mut seed = zeroize::Zeroizing::new([0u8; 48]);
        entropy.fill(&mut seed[..]).map_err(|_| CKR_DEVICE_ERROR)?;
        let drbg = BufferedDrbg::new(&seed[..32], &seed[32..], b"core-pkcs11 token DRBG");
        // The token is assembled first (its state set once the store is read): a failure
        // below then drops one value, not each of its parts on each error path.
        let mut token = Token {
            config,
            store,
            entropy,
            drbg,
            state: TokenState::fresh([0; 8]),
            sessions: VecMap::new(),
            objects: VecMap::new(),
            login: None,
            next_session: 1,
            next_object: 1,
            next_store_id: 1,
            damaged_records: 0,
        };

        // Each record is decoded as the store visits it: no copy of every record is held
        // at once (less RAM at start-up, and no vector of records to build and drop).
        // A stored state replaces the placeholder as soon as it is decoded.
        let mut stored_state = false;
        let Token {
            store,
            state,
            objects,
            next_object,
            next_store_id,
            damaged_records,
            ..
        } = &mut token;
        store
            .load(&mut |id, bytes| {
                if id == TOKEN_STATE_ID {
                    match TokenState::decode(bytes) {
                        Some(s) => {
                            *state = s;
                            stored_state = true;
                        }
                        None => *damaged_records += 1,
                    }
                    return;
                }
                *next_store_id = (*next_store_id).max(id.saturating_add(1));
                let restored = crate::record::decode_object(bytes)
                    .ok()
                    .and_then(|attrs| Object::restore(attrs).ok())
                    .filter(|o| o.is_token());
                match restored {
                    Some(mut object) => {
                        object.store_id = Some(id);
                        objects.insert(*next_object, object);
                        *next_object += 1;
                    }
                    None => *damaged_records += 1,
                }
            })
            .map_err(store_error)?;
        if !stored_state {
            // The placeholder is already a fresh state: only its serial number is drawn
            // (no second fresh state built and the first dropped).
            let mut serial = [0u8; 8];
            token
                .rng()
                .fill(&mut serial)
                .map_err(|_| CKR_DEVICE_ERROR)?;
            token.state.serial = serial;
            token.save_state()?;
        }
        Ok(token)
    }

    /// Number of stored records that could not be read when the token opened.
    pub fn damaged_records(&self) -> usize {
        self.damaged_records
    }

    fn save_state(&mut self) -> CkResult<()> {
        let bytes = self.state.encode();
        self.store.save(TOKEN_STATE_ID, &bytes).map_err(store_error)
    }

    fn rng(&mut self) -> DrbgRng<'_> {
        DrbgRng::new(&mut self.drbg, &mut *self.entropy)
    }

    /// Fills `out` from the DRBG. Into the caller's buffer: a `CkResult<[u8; 16]>` would hold
    /// the bytes at offset 1 and cost unaligned copies to return.
    fn fill_random(&mut self, out: &mut [u8]) -> CkResult<()> {
        self.rng().fill(out).map_err(|_| CKR_DEVICE_ERROR)
    }

    fn session(&self, handle: Ulong) -> CkResult<&Session> {
        self.sessions.get(&handle).ok_or(CKR_SESSION_HANDLE_INVALID)
    }

    fn session_mut(&mut self, handle: Ulong) -> CkResult<&mut Session> {
        self.sessions
            .get_mut(&handle)
            .ok_or(CKR_SESSION_HANDLE_INVALID)
    }

    fn visible(&self, object: &Object) -> bool {
        !object.is_private() || self.login == Some(CKU_USER)
    }

    fn object(&self, handle: Ulong) -> CkResult<&Object> {
        match self.objects.get(&handle) {
            Some(o) if self.visible(o) => Ok(o),
            _ => Err(CKR_OBJECT_HANDLE_INVALID),
        }
    }

    /// `C_GetSlotInfo` for slot [`crate::SLOT_ID`].
    pub fn slot_info(&self) -> SlotInfo {
        SlotInfo {
            description: blank_padded(b"core-pkcs11 slot"),
            manufacturer_id: blank_padded(MANUFACTURER),
            flags: CKF_TOKEN_PRESENT,
            hardware_version: (0, 0),
            firmware_version: version(),
        }
    }

    /// `C_GetTokenInfo`.
    pub fn token_info(&self) -> TokenInfo {
        let rw = self.sessions.values().filter(|s| s.read_write).count();
        let max = self.config.max_sessions as Ulong;
        TokenInfo {
            label: self.state.label,
            manufacturer_id: blank_padded(MANUFACTURER),
            model: self.model(),
            serial_number: self.state.serial_number(),
            flags: self.token_flags(),
            max_session_count: max,
            session_count: self.sessions.len() as Ulong,
            max_rw_session_count: max,
            rw_session_count: rw as Ulong,
            max_pin_len: self.config.max_pin_len as Ulong,
            min_pin_len: self.config.min_pin_len as Ulong,
            total_public_memory: UNAVAILABLE_INFORMATION,
            free_public_memory: UNAVAILABLE_INFORMATION,
            total_private_memory: UNAVAILABLE_INFORMATION,
            free_private_memory: UNAVAILABLE_INFORMATION,
            hardware_version: (0, 0),
            firmware_version: version(),
            utc_time: [b' '; 16],
        }
    }

    /// `CK_TOKEN_INFO.model`: the model name, or, when stored records could not be read
    /// at start-up, how many (so that `C_GetTokenInfo` shows the damage).
    fn model(&self) -> [u8; 16] {
        if self.damaged_records == 0 {
            return blank_padded(MODEL);
        }
        let mut digits = [0u8; 20];
        let count = crate::info::decimal(self.damaged_records.min(9999), &mut digits);
        let mut model = blank_padded::<16>(count);
        model[count.len()..count.len() + 12].copy_from_slice(b" bad records");
        model
    }

    fn token_flags(&self) -> Ulong {
        let mut flags = CKF_RNG | CKF_LOGIN_REQUIRED | CKF_USER_PIN_INITIALIZED;
        if self.state.initialized {
            flags |= CKF_TOKEN_INITIALIZED;
        }
        if self.state.user_pin.is_none() {
            flags |= CKF_USER_PIN_TO_BE_CHANGED;
        }
        let failures = self.state.user_failures;
        let max = self.config.max_login_attempts;
        if failures >= max {
            flags |= CKF_USER_PIN_LOCKED;
        } else if failures > 0 {
            flags |= CKF_USER_PIN_COUNT_LOW;
            if failures + 1 == max {
                flags |= CKF_USER_PIN_FINAL_TRY;
            }
        }
        flags
    }

    /// `C_GetMechanismList`: the supported mechanism types.
    pub fn mechanism_list(&self) -> &'static [Ulong] {
        crate::mechanism::SUPPORTED
    }

    /// `C_GetMechanismInfo`.
    pub fn mechanism_info(&self, kind: Ulong) -> CkResult<MechanismInfo> {
        crate::mechanism::info(kind)
    }

    /// `C_InitToken`: `pin` is the SO PIN (checked if the token was initialised before),
    /// `label` the 32-byte blank-padded label. Destroys every token object; the user PIN
    /// returns to the configured default (flagged `CKF_USER_PIN_TO_BE_CHANGED`).
    pub fn init_token(&mut self, pin: &[u8], label: &[u8; 32]) -> CkResult<()> {
        if !self.sessions.is_empty() {
            return Err(CKR_SESSION_EXISTS);
        }
        if self.state.initialized {
            let ok = self.state.so_pin.as_ref().is_some_and(|h| h.verify(pin));
            if !ok {
                return Err(CKR_PIN_INCORRECT);
            }
        } else {
            check_pin_len(&self.config, pin)?;
        }
        // Every object goes, in handle order (with no session open, all are token objects);
        // a store error stops here, the objects before it gone. Taking the first one each
        // time needs no list of handles.
        loop {
            let first = self.objects.iter().next().map(|(h, o)| (*h, o.store_id));
            let Some((handle, store_id)) = first else {
                break;
            };
            if let Some(id) = store_id {
                self.store.remove(id).map_err(store_error)?;
            }
            self.objects.remove(&handle);
        }
        let mut salt = [0u8; 16];
        self.fill_random(&mut salt)?;
        self.state.so_pin = Some(crate::pin::PinHash::new(pin, salt));
        self.state.user_pin = None;
        self.state.user_failures = 0;
        self.state.label = *label;
        self.state.initialized = true;
        self.save_state()
    }

    /// `C_InitPIN`: the SO sets the user PIN.
    pub fn init_pin(&mut self, session: Ulong, pin: &[u8]) -> CkResult<()> {
        let s = self.session(session)?;
        if s.state(self.login) != CKS_RW_SO_FUNCTIONS {
            return Err(if s.read_write {
                CKR_USER_NOT_LOGGED_IN
            } else {
                CKR_SESSION_READ_ONLY
            });
        }
        self.replace_pin(false, pin)
    }

    /// `C_SetPIN`: changes the PIN of the logged-in user (the user's if nobody is logged in).
    pub fn set_pin(&mut self, session: Ulong, old_pin: &[u8], new_pin: &[u8]) -> CkResult<()> {
        if !self.session(session)?.read_write {
            return Err(CKR_SESSION_READ_ONLY);
        }
        let so = self.login == Some(CKU_SO);
        if so {
            if !self
                .state
                .so_pin
                .as_ref()
                .is_some_and(|h| h.verify(old_pin))
            {
                return Err(CKR_PIN_INCORRECT);
            }
        } else {
            // Leaves the failure count at 0 when the PIN is right.
            self.check_user_pin(old_pin)?;
        }
        self.replace_pin(so, new_pin)
    }

    /// Sets the SO PIN (`so`) or the user PIN to `pin` after the configured length check, with
    /// a fresh salt, and stores the state; a new user PIN starts with no failed tries. One
    /// copy for `C_InitPIN` and both cases of `C_SetPIN`.
    fn replace_pin(&mut self, so: bool, pin: &[u8]) -> CkResult<()> {
        check_pin_len(&self.config, pin)?;
        let mut salt = [0u8; 16];
        self.fill_random(&mut salt)?;
        let hash = Some(crate::pin::PinHash::new(pin, salt));
        if so {
            self.state.so_pin = hash;
        } else {
            self.state.user_pin = hash;
            self.state.user_failures = 0;
        }
        self.save_state()
    }

    /// Checks the user PIN, counting failures (persisted before the check, so that cutting
    /// power during a wrong guess does not give a free try).
    fn check_user_pin(&mut self, pin: &[u8]) -> CkResult<()> {
        if self.state.user_failures >= self.config.max_login_attempts {
            return Err(CKR_PIN_LOCKED);
        }
        self.state.user_failures += 1;
        self.save_state()?;
        let ok = match &self.state.user_pin {
            Some(hash) => hash.verify(pin),
            None => {
                use subtle::ConstantTimeEq;
                let default = &self.config.default_user_pin;
                pin.len() == default.len() && bool::from(pin.ct_eq(default))
            }
        };
        if !ok {
            return Err(CKR_PIN_INCORRECT);
        }
        self.state.user_failures = 0;
        self.save_state()
    }

    /// `C_OpenSession` with `flags` (`CKF_SERIAL_SESSION` required); returns the handle.
    pub fn open_session(&mut self, flags: Ulong) -> CkResult<Ulong> {
        if flags & CKF_SERIAL_SESSION == 0 {
            return Err(CKR_SESSION_PARALLEL_NOT_SUPPORTED);
        }
        let read_write = flags & CKF_RW_SESSION != 0;
        if self.sessions.len() >= self.config.max_sessions {
            return Err(CKR_SESSION_COUNT);
        }
        if !read_write && self.login == Some(CKU_SO) {
            return Err(CKR_SESSION_READ_WRITE_SO_EXISTS);
        }
        let handle = self.next_session;
        self.next_session += 1;
        self.sessions.insert(handle, Session::new(read_write));
        Ok(handle)
    }

    /// `C_CloseSession`: destroys the session's objects; closing the last session logs out.
    pub fn close_session(&mut self, session: Ulong) -> CkResult<()> {
        if !self.sessions.remove(&session) {
            return Err(CKR_SESSION_HANDLE_INVALID);
        }
        self.destroy_session_objects(Some(session), false);
        if self.sessions.is_empty() {
            self.login = None;
        }
        Ok(())
    }

    /// `C_CloseAllSessions`.
    pub fn close_all_sessions(&mut self) {
        self.sessions.clear();
        self.destroy_session_objects(None, false);
        self.login = None;
    }

    /// Destroys the session objects of `session` (of every session when `None`), only the
    /// private ones when `private_only`. One copy of the loop for `C_CloseSession`,
    /// `C_CloseAllSessions` and `C_Logout`.
    fn destroy_session_objects(&mut self, session: Option<Ulong>, private_only: bool) {
        self.objects.retain(|_, o| {
            let owned = o.owner.is_some() && (session.is_none() || o.owner == session);
            !(owned && (!private_only || o.is_private()))
        });
    }

    /// `C_GetSessionInfo`.
    pub fn session_info(&self, session: Ulong) -> CkResult<SessionInfo> {
        let s = self.session(session)?;
        Ok(SessionInfo {
            slot_id: crate::SLOT_ID,
            state: s.state(self.login),
            flags: s.flags(),
            device_error: 0,
        })
    }

    /// `C_Login` as `user_type` (`CKU_SO`, `CKU_USER`, `CKU_CONTEXT_SPECIFIC`).
    pub fn login(&mut self, session: Ulong, user_type: Ulong, pin: &[u8]) -> CkResult<()> {
        self.session(session)?;
        match user_type {
            CKU_USER | CKU_SO => {}
            // No key asks for context-specific login (CKA_ALWAYS_AUTHENTICATE is refused).
            CKU_CONTEXT_SPECIFIC => return Err(CKR_OPERATION_NOT_INITIALIZED),
            _ => return Err(CKR_USER_TYPE_INVALID),
        }
        match self.login {
            Some(u) if u == user_type => return Err(CKR_USER_ALREADY_LOGGED_IN),
            Some(_) => return Err(CKR_USER_ANOTHER_ALREADY_LOGGED_IN),
            None => {}
        }
        if user_type == CKU_SO {
            if self.sessions.values().any(|s| !s.read_write) {
                return Err(CKR_SESSION_READ_ONLY_EXISTS);
            }
            if !self.state.so_pin.as_ref().is_some_and(|h| h.verify(pin)) {
                return Err(CKR_PIN_INCORRECT);
            }
        } else {
            self.check_user_pin(pin)?;
        }
        self.login = Some(user_type);
        Ok(())
    }

    /// `C_Logout`: destroys the private session objects, and gives the private token objects
    /// new handles, so that handles the application held stay invalid after a later login.
    pub fn logout(&mut self, session: Ulong) -> CkResult<()> {
        self.session(session)?;
        if self.login.take().is_none() {
            return Err(CKR_USER_NOT_LOGGED_IN);
        }
        self.destroy_session_objects(None, true);
        let Token {
            objects,
            next_object,
            ..
        } = self;
        objects.rekey(
            |o| o.is_private(),
            || {
                let handle = *next_object;
                *next_object += 1;
                handle
            },
        );
        Ok(())
    }

    /// Ends the session's operation of `kind`, if any (the C layer calls this when a call
    /// fails before reaching the token, as every error but `CKR_BUFFER_TOO_SMALL` ends it).
    pub fn end_operation(&mut self, session: Ulong, kind: OperationKind) {
        if let Some(s) = self.sessions.get_mut(&session) {
            match kind {
                OperationKind::Digest => s.digest = None,
                OperationKind::Sign => s.sign = None,
                OperationKind::Verify => s.verify = None,
            }
        }
    }

    /// Checks that the session may create or change an object with these properties.
    fn check_write_access(
        &self,
        session: Ulong,
        token_object: bool,
        private: bool,
    ) -> CkResult<()> {
        let s = self.session(session)?;
        if token_object && !s.read_write {
            return Err(CKR_SESSION_READ_ONLY);
        }
        if private && self.login != Some(CKU_USER) {
            return Err(CKR_USER_NOT_LOGGED_IN);
        }
        Ok(())
    }

    /// Adds a new object: token objects are stored first, and only a stored object is kept.
    fn add_object(&mut self, session: Ulong, mut object: Object) -> CkResult<Ulong> {
        let replaced = self.replaced_by(&object)?;
        if replaced.is_none() && self.objects.len() >= self.config.max_objects {
            return Err(CKR_DEVICE_MEMORY);
        }
        if object.is_token() {
            let id = self.next_store_id;
            let bytes = crate::record::encode_object(object.attributes());
            self.store.save(id, &bytes).map_err(store_error)?;
            self.next_store_id += 1;
            object.store_id = Some(id);
        } else {
            object.owner = Some(session);
        }
        if let Some(old) = replaced {
            // The store already holds the new object under the shared label.
            self.objects.remove(&old);
        }
        let handle = self.next_object;
        self.next_object += 1;
        self.objects.insert(handle, object);
        Ok(handle)
    }

    /// For a store keyed by label (a vendor PAL), the token object a new token object
    /// replaces: the one with the same `CKA_LABEL`, as corePKCS11 does. Such stores need a
    /// label on every token object.
    fn replaced_by(&self, object: &Object) -> CkResult<Option<Ulong>> {
        if !object.is_token() || !self.store.replaces_same_label() {
            return Ok(None);
        }
        let label = object.get(CKA_LABEL).unwrap_or_default();
        if label.is_empty() {
            return Err(CKR_TEMPLATE_INCOMPLETE);
        }
        Ok(self
            .objects
            .iter()
            .find(|(_, o)| o.is_token() && o.get(CKA_LABEL) == Some(label))
            .map(|(h, _)| *h))
    }

    /// `C_CreateObject`; returns the new object's handle.
    pub fn create_object(&mut self, session: Ulong, template: &[Attribute<'_>]) -> CkResult<Ulong> {
        self.session(session)?;
        let object = Object::import(template, self.config.max_label_len)?;
        self.check_write_access(session, object.is_token(), object.is_private())?;
        if object.bool_attr(CKA_TRUSTED) && self.login != Some(CKU_SO) {
            // Only the security officer may mark a certificate or key trusted.
            return Err(CKR_ATTRIBUTE_READ_ONLY);
        }
        self.add_object(session, object)
    }

    /// `C_DestroyObject`.
    pub fn destroy_object(&mut self, session: Ulong, object: Ulong) -> CkResult<()> {
        self.session(session)?;
        let o = self.object(object)?;
        self.check_write_access(session, o.is_token(), false)?;
        if !o.bool_attr(CKA_DESTROYABLE) {
            return Err(CKR_ACTION_PROHIBITED);
        }
        if let Some(id) = o.store_id {
            self.store.remove(id).map_err(store_error)?;
        }
        self.objects.remove(&object);
        Ok(())
    }

    /// `C_GetObjectSize`: an approximation of the object's storage size in bytes.
    pub fn object_size(&self, session: Ulong, object: Ulong) -> CkResult<Ulong> {
        self.session(session)?;
        Ok(self.object(object)?.size() as Ulong)
    }

    /// `C_GetAttributeValue`: fills each query (its `len` always), returns the call's result
    /// (`CKR_ATTRIBUTE_SENSITIVE`, `CKR_ATTRIBUTE_TYPE_INVALID` or `CKR_BUFFER_TOO_SMALL` when
    /// any entry could not be returned; the other entries are still filled).
    pub fn get_attribute_values(
        &self,
        session: Ulong,
        object: Ulong,
        queries: &mut [AttributeQuery<'_>],
    ) -> CkResult<()> {
        self.session(session)?;
        let o = self.object(object)?;
        let mut result = Ok(());
        for q in queries.iter_mut() {
            if let Err(rv) = o.read_attribute(q) {
                if result.is_ok() {
                    result = Err(rv);
                }
            }
        }
        result
    }

    /// `C_SetAttributeValue`: all changes or none; a token object is stored before the
    /// change takes effect.
    pub fn set_attribute_values(
        &mut self,
        session: Ulong,
        object: Ulong,
        template: &[Attribute<'_>],
    ) -> CkResult<()> {
        self.session(session)?;
        let o = self.object(object)?;
        self.check_write_access(session, o.is_token(), false)?;
        let changed = o.with_changes(template, self.config.max_label_len)?;
        if let Some(id) = o.store_id {
            let bytes = crate::record::encode_object(&changed);
            self.store.save(id, &bytes).map_err(store_error)?;
        }
        if let Some(o) = self.objects.get_mut(&object) {
            o.apply_changes(changed);
        }
        Ok(())
    }

    /// `C_FindObjectsInit`.
    pub fn find_objects_init(
        &mut self,
        session: Ulong,
        template: &[Attribute<'_>],
    ) -> CkResult<()> {
        if self.session(session)?.find.is_some() {
            return Err(CKR_OPERATION_ACTIVE);
        }
        // A plain loop: collecting a filtered iterator links its own copy of Vec's
        // from-iterator code for this one call.
        let mut results: Vec<Ulong> = Vec::new();
        for (h, o) in self.objects.iter() {
            if self.visible(o) && o.matches(template) {
                results.push(*h);
            }
        }
        self.session_mut(session)?.find = Some(FindOp { results, next: 0 });
        Ok(())
    }

    /// `C_FindObjects`: writes up to `out.len()` handles, returns how many.
    pub fn find_objects(&mut self, session: Ulong, out: &mut [Ulong]) -> CkResult<usize> {
        let find = self
            .session_mut(session)?
            .find
            .as_mut()
            .ok_or(CKR_OPERATION_NOT_INITIALIZED)?;
        let remaining = &find.results[find.next..];
        let n = remaining.len().min(out.len());
        out[..n].copy_from_slice(&remaining[..n]);
        find.next += n;
        Ok(n)
    }

    /// `C_FindObjectsFinal`.
    pub fn find_objects_final(&mut self, session: Ulong) -> CkResult<()> {
        let s = self.session_mut(session)?;
        s.find
            .take()
            .map(|_| ())
            .ok_or(CKR_OPERATION_NOT_INITIALIZED)
    }

    /// `C_DigestInit`.
    pub fn digest_init(&mut self, session: Ulong, mechanism: &Mechanism<'_>) -> CkResult<()> {
        let s = self.session_mut(session)?;
        if s.digest.is_some() {
            return Err(CKR_OPERATION_ACTIVE);
        }
        s.digest = Some(DigestOp::new(mechanism)?);
        Ok(())
    }

    /// `C_Digest` (single part). `out` is `None` for a length query.
    pub fn digest(
        &mut self,
        session: Ulong,
        data: &[u8],
        out: Option<&mut [u8]>,
    ) -> CkResult<Output> {
        self.finish_digest(session, Some(data), out)
    }

    /// `C_DigestUpdate`.
    pub fn digest_update(&mut self, session: Ulong, data: &[u8]) -> CkResult<()> {
        let op = self
            .session_mut(session)?
            .digest
            .as_mut()
            .ok_or(CKR_OPERATION_NOT_INITIALIZED)?;
        op.hasher.update(data);
        op.updated = true;
        Ok(())
    }

    /// `C_DigestFinal`. `out` is `None` for a length query.
    pub fn digest_final(&mut self, session: Ulong, out: Option<&mut [u8]>) -> CkResult<Output> {
        self.finish_digest(session, None, out)
    }

    /// Ends a digest: over `data` for `C_Digest` (refused once parts were given), over the
    /// parts for `C_DigestFinal` (`data` is `None`). One copy for both: a single-part digest
    /// starts from the operation's hash, still untouched. Not inlined, for the same reason.
    #[inline(never)]
    fn finish_digest(
        &mut self,
        session: Ulong,
        data: Option<&[u8]>,
        out: Option<&mut [u8]>,
    ) -> CkResult<Output> {
        let s = self.session_mut(session)?;
        let op = s.digest.as_ref().ok_or(CKR_OPERATION_NOT_INITIALIZED)?;
        if data.is_some() && op.updated {
            return Err(CKR_OPERATION_ACTIVE);
        }
        match out {
            Some(buf) if buf.len() >= SHA256_LEN => {
                let mut op = s.digest.take().ok_or(CKR_OPERATION_NOT_INITIALIZED)?;
                if let Some(data) = data {
                    op.hasher.update(data);
                }
                buf[..SHA256_LEN].copy_from_slice(&op.hasher.finalize());
                Ok(Output::Written(SHA256_LEN))
            }
            _ => Ok(Output::Needed(SHA256_LEN)),
        }
    }

    /// Checks a key for a signature operation and builds the operation.
    fn signature_op(
        &self,
        mechanism: &Mechanism<'_>,
        key: Ulong,
        class: Ulong,
        usage: Ulong,
    ) -> CkResult<SignatureOp> {
        let object = self.object(key).map_err(|_| CKR_KEY_HANDLE_INVALID)?;
        let scheme = SignatureScheme::from_mechanism(mechanism)?;
        if usage == CKA_SIGN && !scheme.signs() {
            return Err(CKR_MECHANISM_INVALID);
        }
        let mut op = SignatureOp::new(scheme, mechanism.kind, key);
        if scheme.is_mac() {
            // A MAC signs and verifies with the same secret key.
            let kind = match scheme {
                SignatureScheme::HmacSha256 => crate::template::ObjectKind::HmacKey,
                _ => crate::template::ObjectKind::AesKey,
            };
            if object.kind() != kind {
                return Err(CKR_KEY_TYPE_INCONSISTENT);
            }
        } else {
            let material = object.key().ok_or(CKR_KEY_TYPE_INCONSISTENT)?;
            if object.class() != class || material.key_type() != scheme.key_type() {
                return Err(CKR_KEY_TYPE_INCONSISTENT);
            }
        }
        if !object.bool_attr(usage) {
            return Err(CKR_KEY_FUNCTION_NOT_PERMITTED);
        }
        if !object.allows_mechanism(mechanism.kind) {
            return Err(CKR_MECHANISM_INVALID);
        }
        if scheme.is_mac() {
            let value = object.get(CKA_VALUE).unwrap_or_default();
            op.mac = Some(crate::mac::MacState::new(mechanism.kind, value)?);
        }
        Ok(op)
    }

    /// `C_SignInit`.
    pub fn sign_init(
        &mut self,
        session: Ulong,
        mechanism: &Mechanism<'_>,
        key: Ulong,
    ) -> CkResult<()> {
        self.init_signature(session, OperationKind::Sign, mechanism, key)
    }

    /// Produces a signature for the session's sign operation over `input` (or the hashed
    /// parts when `input` is `None`); finishes the operation unless nothing was written.
    fn finish_sign(
        &mut self,
        session: Ulong,
        input: Option<&[u8]>,
        out: Option<&mut [u8]>,
    ) -> CkResult<Output> {
        // The token's parts borrowed apart: the session's slot, the key and the DRBG are
        // found once, and the slot is not looked up again to end the operation.
        let Token {
            sessions,
            objects,
            login,
            drbg,
            entropy,
            config,
            ..
        } = self;
        let slot = &mut sessions
            .get_mut(&session)
            .ok_or(CKR_SESSION_HANDLE_INVALID)?
            .sign;
        let op = slot.as_mut().ok_or(CKR_OPERATION_NOT_INITIALIZED)?;
        // The key as `Token::object` finds it: visible in the login state.
        let material = objects
            .get(&op.key)
            .filter(|o| !o.is_private() || *login == Some(CKU_USER))
            .and_then(|o| o.key());
        let mac_len = op.mac.as_deref().map(crate::mac::MacState::len);
        let needed = match (mac_len, material) {
            (Some(n), _) => n,
            (None, Some(k)) => k.signature_len(),
            (None, None) => {
                *slot = None;
                return Err(CKR_KEY_HANDLE_INVALID);
            }
        };
        let buf = match out {
            Some(buf) if buf.len() >= needed => buf,
            _ => return Ok(Output::Needed(needed)),
        };
        // The operation ends here. It is cleared in its slot rather than moved out of it
        // (no copy of the operation, with its running hash, on the stack).
        if let Some(mac) = op.mac.take() {
            *slot = None;
            finish_mac_sign(mac, input, &mut buf[..needed]);
            return Ok(Output::Written(needed));
        }
        let input = op.input(input);
        *slot = None;
        let material = material.ok_or(CKR_KEY_HANDLE_INVALID)?;
        let mut rng = DrbgRng::new(drbg, &mut **entropy);
        material.sign(&input, &mut buf[..needed], &mut rng, &config.accelerators)?;
        Ok(Output::Written(needed))
    }

    /// `C_Sign` (single part). `out` is `None` for a length query.
    pub fn sign(
        &mut self,
        session: Ulong,
        data: &[u8],
        out: Option<&mut [u8]>,
    ) -> CkResult<Output> {
        self.check_single_part(session, OperationKind::Sign)?;
        self.finish_sign(session, Some(data), out)
    }

    /// `C_SignUpdate` (hash-and-sign mechanisms only; others end with `CKR_MECHANISM_INVALID`).
    pub fn sign_update(&mut self, session: Ulong, data: &[u8]) -> CkResult<()> {
        self.update_signature(session, OperationKind::Sign, data)
    }

    /// `C_SignFinal`. `out` is `None` for a length query.
    pub fn sign_final(&mut self, session: Ulong, out: Option<&mut [u8]>) -> CkResult<Output> {
        self.check_multi_part(session, OperationKind::Sign)?;
        self.finish_sign(session, None, out)
    }

    /// `C_VerifyInit`.
    pub fn verify_init(
        &mut self,
        session: Ulong,
        mechanism: &Mechanism<'_>,
        key: Ulong,
    ) -> CkResult<()> {
        self.init_signature(session, OperationKind::Verify, mechanism, key)
    }

    fn finish_verify(
        &mut self,
        session: Ulong,
        input: Option<&[u8]>,
        signature: &[u8],
    ) -> CkResult<()> {
        // The operation ends here; as in `finish_sign`, it is cleared in its slot rather
        // than moved out of it.
        let slot = &mut self.session_mut(session)?.verify;
        let op = slot.as_mut().ok_or(CKR_OPERATION_NOT_INITIALIZED)?;
        if let Some(mac) = op.mac.take() {
            *slot = None;
            return finish_mac_verify(mac, input, signature);
        }
        let (key, raw) = (op.key, op.scheme == SignatureScheme::RsaX509);
        let input = op.input(input);
        *slot = None;
        let material = self
            .object(key)
            .ok()
            .and_then(|o| o.key())
            .ok_or(CKR_KEY_HANDLE_INVALID)?;
        if raw {
            material.verify_raw(&input, signature)
        } else {
            material.verify(&input, signature)
        }
    }

    /// `C_Verify` (single part): `Err(CKR_SIGNATURE_INVALID)` for a wrong signature.
    pub fn verify(&mut self, session: Ulong, data: &[u8], signature: &[u8]) -> CkResult<()> {
        self.check_single_part(session, OperationKind::Verify)?;
        self.finish_verify(session, Some(data), signature)
    }

    /// `C_VerifyUpdate` (hash-and-verify mechanisms only).
    pub fn verify_update(&mut self, session: Ulong, data: &[u8]) -> CkResult<()> {
        self.update_signature(session, OperationKind::Verify, data)
    }

    /// `C_VerifyFinal`.
    pub fn verify_final(&mut self, session: Ulong, signature: &[u8]) -> CkResult<()> {
        self.check_multi_part(session, OperationKind::Verify)?;
        self.finish_verify(session, None, signature)
    }

    /// The session's sign or verify operation slot.
    fn signature_slot(
        &mut self,
        session: Ulong,
        kind: OperationKind,
    ) -> CkResult<&mut Option<SignatureOp>> {
        let s = self.session_mut(session)?;
        Ok(match kind {
            OperationKind::Verify => &mut s.verify,
            _ => &mut s.sign,
        })
    }

    /// `C_SignInit` (with a private key) or `C_VerifyInit` (with a public key): one copy for
    /// both.
    fn init_signature(
        &mut self,
        session: Ulong,
        kind: OperationKind,
        mechanism: &Mechanism<'_>,
        key: Ulong,
    ) -> CkResult<()> {
        if self.signature_slot(session, kind)?.is_some() {
            return Err(CKR_OPERATION_ACTIVE);
        }
        let (class, usage) = match kind {
            OperationKind::Verify => (CKO_PUBLIC_KEY, CKA_VERIFY),
            _ => (CKO_PRIVATE_KEY, CKA_SIGN),
        };
        let op = self.signature_op(mechanism, key, class, usage)?;
        *self.signature_slot(session, kind)? = Some(op);
        Ok(())
    }

    /// A single-part call is refused once parts were given to `*Update`.
    fn check_single_part(&mut self, session: Ulong, kind: OperationKind) -> CkResult<()> {
        let op = self.signature_slot(session, kind)?.as_ref();
        match op {
            None => Err(CKR_OPERATION_NOT_INITIALIZED),
            Some(op) if op.updated => Err(CKR_OPERATION_ACTIVE),
            Some(_) => Ok(()),
        }
    }

    /// `*Update` and `*Final` need a hash-and-sign mechanism; otherwise the operation ends.
    fn check_multi_part(&mut self, session: Ulong, kind: OperationKind) -> CkResult<()> {
        let slot = self.signature_slot(session, kind)?;
        match slot.as_ref() {
            None => Err(CKR_OPERATION_NOT_INITIALIZED),
            Some(op) if !op.scheme.hashes() => {
                *slot = None;
                Err(CKR_MECHANISM_INVALID)
            }
            Some(_) => Ok(()),
        }
    }

    /// Hashes a part of the data of a sign or verify operation.
    fn update_signature(
        &mut self,
        session: Ulong,
        kind: OperationKind,
        data: &[u8],
    ) -> CkResult<()> {
        self.check_multi_part(session, kind)?;
        if let Some(op) = self.signature_slot(session, kind)?.as_mut() {
            match op.mac.as_mut() {
                Some(mac) => mac.update(data),
                None => op.hasher.update(data),
            }
            op.updated = true;
        }
        Ok(())
    }

    /// `C_GenerateKeyPair`; returns (public key handle, private key handle).
    pub fn generate_key_pair(
        &mut self,
        session: Ulong,
        mechanism: &Mechanism<'_>,
        public_template: &[Attribute<'_>],
        private_template: &[Attribute<'_>],
    ) -> CkResult<(Ulong, Ulong)> {
        self.session(session)?;
        let (public, private) = self.generate_pair(mechanism, public_template, private_template)?;
        if self.store.replaces_same_label()
            && public.is_token()
            && private.is_token()
            && public.get(CKA_LABEL) == private.get(CKA_LABEL)
        {
            // In a label-keyed store the second key would replace the first.
            return Err(CKR_TEMPLATE_INCONSISTENT);
        }
        self.check_write_access(session, public.is_token(), public.is_private())?;
        self.check_write_access(session, private.is_token(), private.is_private())?;
        if self.objects.len() + 2 > self.config.max_objects {
            return Err(CKR_DEVICE_MEMORY);
        }
        let private_handle = self.add_object(session, private)?;
        match self.add_object(session, public) {
            Ok(public_handle) => Ok((public_handle, private_handle)),
            Err(rv) => {
                // Both keys or neither: undo the private key.
                if let Some(id) = self.objects.get(&private_handle).and_then(|o| o.store_id) {
                    let _ = self.store.remove(id);
                }
                self.objects.remove(&private_handle);
                Err(rv)
            }
        }
    }

    /// Makes the two key objects of a `C_GenerateKeyPair` call (not yet stored).
    fn generate_pair(
        &mut self,
        mechanism: &Mechanism<'_>,
        public_template: &[Attribute<'_>],
        private_template: &[Attribute<'_>],
    ) -> CkResult<(Object, Object)> {
        match mechanism.kind {
            #[cfg(feature = "ecdsa")]
            CKM_EC_KEY_PAIR_GEN => {
                if !mechanism.parameter.is_empty() {
                    return Err(CKR_MECHANISM_PARAM_INVALID);
                }
                self.generate_ec_pair(public_template, private_template)
            }
            _ => {
                let _ = (public_template, private_template);
                Err(CKR_MECHANISM_INVALID)
            }
        }
    }

    #[cfg(feature = "ecdsa")]
    fn generate_ec_pair(
        &mut self,
        public_template: &[Attribute<'_>],
        private_template: &[Attribute<'_>],
    ) -> CkResult<(Object, Object)> {
        use crate::key::KeyMaterial;
        use crate::template::{self, ObjectKind};
        for (t, class) in [
            (public_template, CKO_PUBLIC_KEY),
            (private_template, CKO_PRIVATE_KEY),
        ] {
            if template::find_ulong(t, CKA_CLASS)?.is_some_and(|c| c != class) {
                return Err(CKR_TEMPLATE_INCONSISTENT);
            }
            if template::find_ulong(t, CKA_KEY_TYPE)?.is_some_and(|k| k != CKK_EC) {
                return Err(CKR_TEMPLATE_INCONSISTENT);
            }
        }
        let given =
            template::find(public_template, CKA_EC_PARAMS)?.ok_or(CKR_TEMPLATE_INCOMPLETE)?;
        let params = crate::key::ec_params(given)?;
        if let Some(p) = template::find(private_template, CKA_EC_PARAMS)? {
            if crate::key::ec_params(p) != Ok(params) {
                return Err(CKR_TEMPLATE_INCONSISTENT);
            }
        }
        let signing_key = loop {
            let mut scalar = zeroize::Zeroizing::new([0u8; 32]);
            self.rng()
                .fill(&mut scalar[..])
                .map_err(|_| CKR_DEVICE_ERROR)?;
            if let Ok(k) = crate::key::ec_private_from_value(&scalar[..]) {
                break k;
            }
        };
        let verifying_key = signing_key.verifying_key();
        let point = crate::key::ec_point_attribute(&verifying_key);
        let ec_type = CKK_EC.to_ne_bytes();
        let public_class = CKO_PUBLIC_KEY.to_ne_bytes();
        let private_class = CKO_PRIVATE_KEY.to_ne_bytes();
        let max_label = self.config.max_label_len;
        // Each key's template and generated values are made just before the key, in a scope
        // of their own: none of them is still alive (to be dropped) at another key's exits.
        let public = {
            let template = key_template(public_template, &public_class, &ec_type);
            let generated = alloc::vec![
                (CKA_EC_PARAMS, zeroize::Zeroizing::new(params.to_vec())),
                (CKA_EC_POINT, zeroize::Zeroizing::new(point)),
            ];
            Object::generated(
                ObjectKind::EcPublicKey,
                &template,
                generated,
                KeyMaterial::EcPublic(Box::new(verifying_key)),
                CKM_EC_KEY_PAIR_GEN,
                max_label,
            )?
        };
        let private = {
            let template = key_template(private_template, &private_class, &ec_type);
            let generated = alloc::vec![
                (CKA_EC_PARAMS, zeroize::Zeroizing::new(params.to_vec())),
                (
                    CKA_VALUE,
                    zeroize::Zeroizing::new(signing_key.to_bytes().to_vec()),
                ),
            ];
            Object::generated(
                ObjectKind::EcPrivateKey,
                &template,
                generated,
                KeyMaterial::EcPrivate(Box::new(signing_key)),
                CKM_EC_KEY_PAIR_GEN,
                max_label,
            )?
        };
        Ok((public, private))
    }

    /// `C_SeedRandom`: mixes `seed` into the DRBG (as additional input to a reseed with fresh
    /// entropy, so a caller's seed can only add to the generator's strength).
    pub fn seed_random(&mut self, session: Ulong, seed: &[u8]) -> CkResult<()> {
        self.session(session)?;
        let mut entropy = zeroize::Zeroizing::new([0u8; 32]);
        self.entropy
            .fill(&mut entropy[..])
            .map_err(|_| CKR_DEVICE_ERROR)?;
        self.drbg.reseed(&entropy[..], seed);
        Ok(())
    }

    /// `C_GenerateRandom`.
    pub fn generate_random(&mut self, session: Ulong, out: &mut [u8]) -> CkResult<()> {
        self.session(session)?;
        self.fill_random(out)
    }
}

/// A generated key's template: the caller's `given` one without the attributes the token
/// sets (class, key type, EC parameters), then `class` and `key_type`. One pass (no copy that
/// is filtered afterwards).
#[cfg(feature = "ecdsa")]
fn key_template<'a>(
    given: &[Attribute<'a>],
    class: &'a [u8],
    key_type: &'a [u8],
) -> Vec<Attribute<'a>> {
    let mut t = Vec::with_capacity(given.len() + 2);
    for a in given {
        if !matches!(a.kind, CKA_CLASS | CKA_KEY_TYPE | CKA_EC_PARAMS) {
            t.push(*a);
        }
    }
    t.push(Attribute::new(CKA_CLASS, class));
    t.push(Attribute::new(CKA_KEY_TYPE, key_type));
    t
}

/// Library version as (major, minor) from the crate version (the workspace's, shared by
/// every crate of the library). Parsed by the compiler: a parse at run time links
/// `str::split` and integer parsing into every device build.
pub const fn version() -> (u8, u8) {
    (
        version_part(env!("CARGO_PKG_VERSION_MAJOR")),
        version_part(env!("CARGO_PKG_VERSION_MINOR")),
    )
}

/// A decimal version component as a `u8`; 0 when it is not a number below 256.
const fn version_part(text: &str) -> u8 {
    let bytes = text.as_bytes();
    if bytes.is_empty() {
        return 0;
    }
    let mut value: u32 = 0;
    let mut i = 0;
    while i < bytes.len() {
        let digit = bytes[i];
        if !digit.is_ascii_digit() {
            return 0;
        }
        value = value * 10 + (digit - b'0') as u32;
        if value > 255 {
            return 0;
        }
        i += 1;
    }
    value as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_parts() {
        assert_eq!(version_part("0"), 0);
        assert_eq!(version_part("12"), 12);
        assert_eq!(version_part("255"), 255);
        assert_eq!(version_part("256"), 0);
        assert_eq!(version_part(""), 0);
        assert_eq!(version_part("1x"), 0);
        // What the parse at run time gave.
        let mut parts = env!("CARGO_PKG_VERSION")
            .split('.')
            .map(|p| p.parse::<u8>().unwrap_or(0));
        assert_eq!(version(), (parts.next().unwrap(), parts.next().unwrap()));
    }
}
