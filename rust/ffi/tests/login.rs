//! Login, PINs and sessions through the C ABI: `C_Login`/`C_Logout` for the user and the SO
//! with every error, the PIN retry counter and its token flags, the never-initialised token's
//! default PIN, `C_InitToken`, `C_InitPIN`, `C_SetPIN`, what private objects look like before
//! login, session states, the session limit and `C_CloseAllSessions`.

mod common;

use common::*;
use std::ptr::null_mut;

const SO_PIN: &[u8] = b"so-secret-pin";
const USER_PIN: &[u8] = b"123456";

/// A 32-byte blank-padded token label.
fn label32(text: &[u8]) -> [u8; 32] {
    let mut out = [b' '; 32];
    out[..text.len()].copy_from_slice(text);
    out
}

/// `C_InitToken(SLOT_ID, pin, label)`.
fn init_token(api: Api, pin: &[u8], label: &[u8; 32]) -> CK_RV {
    let mut pin = pin.to_vec();
    let mut label = *label;
    // SAFETY: `pin` readable for its length, `label` for 32 bytes.
    unsafe {
        (api.0.C_InitToken)(
            SLOT_ID,
            pin.as_mut_ptr(),
            pin.len() as CK_ULONG,
            label.as_mut_ptr(),
        )
    }
}

/// `C_InitPIN`.
fn init_pin(api: Api, h: CK_SESSION_HANDLE, pin: &[u8]) -> CK_RV {
    let mut pin = pin.to_vec();
    // SAFETY: `pin` readable for its length.
    unsafe { (api.0.C_InitPIN)(h, pin.as_mut_ptr(), pin.len() as CK_ULONG) }
}

/// `C_SetPIN`.
fn set_pin(api: Api, h: CK_SESSION_HANDLE, old: &[u8], new: &[u8]) -> CK_RV {
    let mut old = old.to_vec();
    let mut new = new.to_vec();
    // SAFETY: both PINs readable for their lengths.
    unsafe {
        (api.0.C_SetPIN)(
            h,
            old.as_mut_ptr(),
            old.len() as CK_ULONG,
            new.as_mut_ptr(),
            new.len() as CK_ULONG,
        )
    }
}

/// The PIN-related token flags.
fn pin_flags(api: Api) -> CK_FLAGS {
    api.token_info().flags
        & (CKF_USER_PIN_COUNT_LOW
            | CKF_USER_PIN_FINAL_TRY
            | CKF_USER_PIN_LOCKED
            | CKF_USER_PIN_TO_BE_CHANGED)
}

/// An initialised token (SO PIN [`SO_PIN`], user PIN [`USER_PIN`]) with no session open.
fn provisioned() -> (Lib, Api) {
    let lib = Lib::initialized();
    let api = lib.api();
    assert_eq!(init_token(api, SO_PIN, &label32(b"provisioned")), CKR_OK);
    let h = api.open_rw();
    assert_eq!(api.login(h, CKU_SO, SO_PIN), CKR_OK);
    assert_eq!(init_pin(api, h, USER_PIN), CKR_OK);
    assert_eq!(api.close(h), CKR_OK);
    (lib, api)
}

// ---------------------------------------------------------------------------------------------
// The never-initialised token
// ---------------------------------------------------------------------------------------------

#[test]
fn fresh_token_accepts_the_default_pin_and_asks_for_a_change() {
    let lib = Lib::initialized();
    let api = lib.api();
    let info = api.token_info();
    assert_eq!(info.flags & CKF_TOKEN_INITIALIZED, 0);
    assert_ne!(info.flags & CKF_LOGIN_REQUIRED, 0);
    assert_ne!(info.flags & CKF_USER_PIN_INITIALIZED, 0);
    assert_eq!(pin_flags(api), CKF_USER_PIN_TO_BE_CHANGED);
    assert_eq!((info.ulMinPinLen, info.ulMaxPinLen), (4, 32));

    let h = api.open_rw();
    assert_eq!(api.state(h), CKS_RW_PUBLIC_SESSION);
    assert_eq!(api.login(h, CKU_USER, b"0000"), CKR_OK);
    assert_eq!(api.state(h), CKS_RW_USER_FUNCTIONS);
    // Still flagged until the user sets a PIN of their own.
    assert_eq!(pin_flags(api), CKF_USER_PIN_TO_BE_CHANGED);
    assert_eq!(set_pin(api, h, b"0000", USER_PIN), CKR_OK);
    assert_eq!(pin_flags(api), 0);
    assert_eq!(api.logout(h), CKR_OK);
    assert_eq!(api.state(h), CKS_RW_PUBLIC_SESSION);
    assert_eq!(api.login(h, CKU_USER, b"0000"), CKR_PIN_INCORRECT);
    assert_eq!(api.login(h, CKU_USER, USER_PIN), CKR_OK);
    // No SO PIN was ever set: no SO PIN works.
    assert_eq!(api.logout(h), CKR_OK);
    assert_ne!(api.login(h, CKU_SO, b"0000"), CKR_OK);
    assert_eq!(api.state(h), CKS_RW_PUBLIC_SESSION);
}

// ---------------------------------------------------------------------------------------------
// C_Login / C_Logout
// ---------------------------------------------------------------------------------------------

#[test]
fn user_login_and_logout_errors() {
    let lib = Lib::initialized();
    let api = lib.api();
    let h = api.open_rw();
    let other = api.open_ro();

    // Wrong PINs: other digits, shorter, longer, empty.
    for wrong in [&b"9999"[..], b"000", b"00000", b""] {
        assert_eq!(
            api.login(h, CKU_USER, wrong),
            CKR_PIN_INCORRECT,
            "PIN {wrong:?}"
        );
        assert_ne!(pin_flags(api) & CKF_USER_PIN_COUNT_LOW, 0);
        assert_eq!(api.state(h), CKS_RW_PUBLIC_SESSION);
    }
    // Bad user types; bad session; NULL PIN with a length.
    for bad in [3, 7, CK_ULONG::MAX] {
        assert_eq!(
            api.login(h, bad, b"0000"),
            CKR_USER_TYPE_INVALID,
            "user {bad}"
        );
    }
    // Context-specific login with no operation that asks for it.
    assert_eq!(
        api.login(h, CKU_CONTEXT_SPECIFIC, b"0000"),
        CKR_OPERATION_NOT_INITIALIZED
    );
    assert_eq!(
        api.login(0xdead, CKU_USER, b"0000"),
        CKR_SESSION_HANDLE_INVALID
    );
    // SAFETY: NULL with a length is rejected before use.
    let rv = unsafe { (lib.f.C_Login)(h, CKU_USER, null_bytes(), 4) };
    assert_eq!(rv, CKR_ARGUMENTS_BAD);
    assert_eq!(api.logout(h), CKR_USER_NOT_LOGGED_IN);
    assert_eq!(api.logout(0xdead), CKR_SESSION_HANDLE_INVALID);

    // Success resets the counter; the login is the application's, in every session.
    assert_eq!(api.login(h, CKU_USER, b"0000"), CKR_OK);
    assert_eq!(pin_flags(api) & CKF_USER_PIN_COUNT_LOW, 0);
    assert_eq!(api.state(h), CKS_RW_USER_FUNCTIONS);
    assert_eq!(api.state(other), CKS_RO_USER_FUNCTIONS);
    assert_eq!(api.login(h, CKU_USER, b"0000"), CKR_USER_ALREADY_LOGGED_IN);
    assert_eq!(
        api.login(other, CKU_USER, b"0000"),
        CKR_USER_ALREADY_LOGGED_IN
    );
    // Another user type while the user is logged in (checked before the PIN).
    assert_eq!(
        api.login(h, CKU_SO, b"whatever"),
        CKR_USER_ANOTHER_ALREADY_LOGGED_IN
    );
    // A session opened after login is logged in too.
    let late = api.open_rw();
    assert_eq!(api.state(late), CKS_RW_USER_FUNCTIONS);
    // Logout from any session logs out the application.
    assert_eq!(api.logout(other), CKR_OK);
    for s in [h, late] {
        assert_eq!(api.state(s), CKS_RW_PUBLIC_SESSION);
    }
    assert_eq!(api.state(other), CKS_RO_PUBLIC_SESSION);
    assert_eq!(api.logout(h), CKR_USER_NOT_LOGGED_IN);
}

#[test]
fn so_login_and_logout() {
    let (_lib, api) = provisioned();
    let rw = api.open_rw();
    let ro = api.open_ro();
    // The SO may not log in while a read-only session exists (checked before the PIN).
    assert_eq!(api.login(rw, CKU_SO, SO_PIN), CKR_SESSION_READ_ONLY_EXISTS);
    assert_eq!(
        api.login(rw, CKU_SO, b"wrong"),
        CKR_SESSION_READ_ONLY_EXISTS
    );
    assert_eq!(api.close(ro), CKR_OK);
    assert_eq!(api.login(rw, CKU_SO, b"wrong-so-pin"), CKR_PIN_INCORRECT);
    assert_eq!(api.login(rw, CKU_SO, USER_PIN), CKR_PIN_INCORRECT);
    assert_eq!(api.login(rw, CKU_SO, SO_PIN), CKR_OK);
    assert_eq!(api.state(rw), CKS_RW_SO_FUNCTIONS);
    // While the SO is logged in: no read-only session, no user login, no second SO login.
    assert_eq!(
        api.open(CKF_SERIAL_SESSION),
        Err(CKR_SESSION_READ_WRITE_SO_EXISTS)
    );
    let rw2 = api.open_rw();
    assert_eq!(api.state(rw2), CKS_RW_SO_FUNCTIONS);
    assert_eq!(api.login(rw2, CKU_SO, SO_PIN), CKR_USER_ALREADY_LOGGED_IN);
    assert_eq!(
        api.login(rw2, CKU_USER, USER_PIN),
        CKR_USER_ANOTHER_ALREADY_LOGGED_IN
    );
    // The SO is not the user: private objects stay out of reach.
    let class = CKO_DATA;
    assert_eq!(
        api.create(
            rw,
            &[attr_ulong(CKA_CLASS, &class), attr_bool(CKA_PRIVATE, &TRUE)]
        ),
        Err(CKR_USER_NOT_LOGGED_IN)
    );
    assert_eq!(api.logout(rw2), CKR_OK);
    for s in [rw, rw2] {
        assert_eq!(api.state(s), CKS_RW_PUBLIC_SESSION);
    }
    assert_eq!(api.logout(rw), CKR_USER_NOT_LOGGED_IN);
    // Read-only sessions are possible again, and the user can log in.
    let ro = api.open_ro();
    assert_eq!(api.login(ro, CKU_USER, USER_PIN), CKR_OK);
    assert_eq!(api.state(ro), CKS_RO_USER_FUNCTIONS);
}

#[test]
fn ten_wrong_pins_lock_the_user_pin() {
    let lib = Lib::initialized();
    let api = lib.api();
    let h = api.open_rw();
    assert_eq!(pin_flags(api), CKF_USER_PIN_TO_BE_CHANGED);
    for i in 1..=10 {
        assert_eq!(
            api.login(h, CKU_USER, b"1111"),
            CKR_PIN_INCORRECT,
            "try {i}"
        );
        let flags = pin_flags(api) & !CKF_USER_PIN_TO_BE_CHANGED;
        let want = match i {
            1..=8 => CKF_USER_PIN_COUNT_LOW,
            9 => CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY,
            _ => CKF_USER_PIN_LOCKED,
        };
        assert_eq!(
            flags & (CKF_USER_PIN_LOCKED | CKF_USER_PIN_FINAL_TRY),
            want & (CKF_USER_PIN_LOCKED | CKF_USER_PIN_FINAL_TRY),
            "flags after {i} wrong PINs: {flags:#x}"
        );
        if i < 10 {
            assert_ne!(flags & CKF_USER_PIN_COUNT_LOW, 0, "after {i}");
        }
    }
    // Locked: even the right PIN is refused, and C_SetPIN too.
    assert_eq!(api.login(h, CKU_USER, b"0000"), CKR_PIN_LOCKED);
    assert_eq!(api.login(h, CKU_USER, b"1111"), CKR_PIN_LOCKED);
    assert_eq!(set_pin(api, h, b"0000", USER_PIN), CKR_PIN_LOCKED);
    assert_ne!(pin_flags(api) & CKF_USER_PIN_LOCKED, 0);
    assert_eq!(api.state(h), CKS_RW_PUBLIC_SESSION);
    // The lock survives closing every session.
    assert_eq!(api.close(h), CKR_OK);
    let h = api.open_rw();
    assert_eq!(api.login(h, CKU_USER, b"0000"), CKR_PIN_LOCKED);
}

#[test]
fn a_correct_pin_resets_the_retry_counter() {
    let lib = Lib::initialized();
    let api = lib.api();
    let h = api.open_rw();
    for _ in 0..5 {
        assert_eq!(api.login(h, CKU_USER, b"1111"), CKR_PIN_INCORRECT);
    }
    assert_eq!(api.login(h, CKU_USER, b"0000"), CKR_OK);
    assert_eq!(api.logout(h), CKR_OK);
    for i in 1..=9 {
        assert_eq!(
            api.login(h, CKU_USER, b"1111"),
            CKR_PIN_INCORRECT,
            "try {i}"
        );
    }
    assert_ne!(pin_flags(api) & CKF_USER_PIN_FINAL_TRY, 0);
    assert_eq!(pin_flags(api) & CKF_USER_PIN_LOCKED, 0);
    assert_eq!(api.login(h, CKU_USER, b"0000"), CKR_OK);
    assert_eq!(pin_flags(api), CKF_USER_PIN_TO_BE_CHANGED);
}

#[test]
fn the_so_unlocks_a_locked_user_pin_with_c_initpin() {
    let lib = Lib::initialized();
    let api = lib.api();
    assert_eq!(init_token(api, SO_PIN, &label32(b"t")), CKR_OK);
    let h = api.open_rw();
    for _ in 0..10 {
        assert_eq!(api.login(h, CKU_USER, b"1111"), CKR_PIN_INCORRECT);
    }
    assert_eq!(api.login(h, CKU_USER, b"0000"), CKR_PIN_LOCKED);
    // Wrong SO PINs do not lock the user, and the SO can still log in.
    assert_eq!(api.login(h, CKU_SO, b"not-the-so-pin"), CKR_PIN_INCORRECT);
    assert_eq!(api.login(h, CKU_SO, SO_PIN), CKR_OK);
    assert_eq!(init_pin(api, h, USER_PIN), CKR_OK);
    assert_eq!(pin_flags(api), 0);
    assert_eq!(api.logout(h), CKR_OK);
    assert_eq!(api.login(h, CKU_USER, b"0000"), CKR_PIN_INCORRECT);
    assert_eq!(api.login(h, CKU_USER, USER_PIN), CKR_OK);
    assert_eq!(pin_flags(api), 0);
}

// ---------------------------------------------------------------------------------------------
// C_InitToken
// ---------------------------------------------------------------------------------------------

#[test]
fn init_token_label_pins_and_objects() {
    let lib = Lib::initialized();
    let api = lib.api();
    let label = label32(b"my device");
    // Not while a session is open.
    let h = lib.user_session();
    let class = CKO_DATA;
    api.create(
        h,
        &[attr_ulong(CKA_CLASS, &class), attr_bool(CKA_TOKEN, &TRUE)],
    )
    .expect("token object");
    assert_eq!(init_token(api, SO_PIN, &label), CKR_SESSION_EXISTS);
    assert_eq!(api.close(h), CKR_OK);
    // PIN length limits for the first SO PIN: 4..=32.
    assert_eq!(init_token(api, b"abc", &label), CKR_PIN_LEN_RANGE);
    assert_eq!(init_token(api, &[b'p'; 33], &label), CKR_PIN_LEN_RANGE);
    assert_eq!(api.token_info().flags & CKF_TOKEN_INITIALIZED, 0);
    // Bad slot, NULL label.
    let mut pin = SO_PIN.to_vec();
    // SAFETY: NULL label is rejected before use; the PIN is readable.
    unsafe {
        assert_eq!(
            (lib.f.C_InitToken)(
                SLOT_ID,
                pin.as_mut_ptr(),
                pin.len() as CK_ULONG,
                null_bytes()
            ),
            CKR_ARGUMENTS_BAD
        );
        assert_eq!(
            (lib.f.C_InitToken)(
                SLOT_ID + 1,
                pin.as_mut_ptr(),
                pin.len() as CK_ULONG,
                label.as_ptr().cast_mut()
            ),
            CKR_SLOT_ID_INVALID
        );
    }

    assert_eq!(init_token(api, SO_PIN, &label), CKR_OK);
    let info = api.token_info();
    assert_eq!(info.label, label);
    assert_ne!(info.flags & CKF_TOKEN_INITIALIZED, 0);
    assert_eq!(pin_flags(api), CKF_USER_PIN_TO_BE_CHANGED);
    // The token objects are gone; the user PIN is the default again.
    let h = api.open_rw();
    assert_eq!(api.login(h, CKU_USER, b"0000"), CKR_OK);
    assert!(api.find_all(h, &[]).is_empty());
    assert_eq!(set_pin(api, h, b"0000", USER_PIN), CKR_OK);
    api.create(
        h,
        &[attr_ulong(CKA_CLASS, &class), attr_bool(CKA_TOKEN, &TRUE)],
    )
    .expect("token object after C_InitToken");
    assert_eq!(api.close(h), CKR_OK);

    // Re-initialising needs the SO PIN; the new label takes the full 32 bytes as given.
    let full = *b"0123456789abcdefghijklmnopqrstuv";
    assert_eq!(init_token(api, b"wrong-so-pin", &full), CKR_PIN_INCORRECT);
    assert_eq!(api.token_info().label, label);
    assert_eq!(init_token(api, SO_PIN, &full), CKR_OK);
    assert_eq!(api.token_info().label, full);
    assert_eq!(pin_flags(api), CKF_USER_PIN_TO_BE_CHANGED);
    let h = api.open_rw();
    assert_eq!(api.login(h, CKU_USER, USER_PIN), CKR_PIN_INCORRECT);
    assert_eq!(api.login(h, CKU_USER, b"0000"), CKR_OK);
    assert!(api.find_all(h, &[]).is_empty());
    // The SO PIN is unchanged by re-initialisation.
    assert_eq!(api.logout(h), CKR_OK);
    assert_eq!(api.login(h, CKU_SO, SO_PIN), CKR_OK);
}

// ---------------------------------------------------------------------------------------------
// C_InitPIN
// ---------------------------------------------------------------------------------------------

#[test]
fn init_pin_needs_a_read_write_so_session() {
    let lib = Lib::initialized();
    let api = lib.api();
    assert_eq!(init_token(api, SO_PIN, &label32(b"t")), CKR_OK);
    // A read-only session: the standard allows CKR_SESSION_READ_ONLY (in its list for
    // C_InitPIN) or CKR_USER_NOT_LOGGED_IN (its text: "any other state").
    let ro = api.open_ro();
    let rv = init_pin(api, ro, USER_PIN);
    assert!(
        rv == CKR_SESSION_READ_ONLY || rv == CKR_USER_NOT_LOGGED_IN,
        "rv {rv:#x}"
    );
    assert_eq!(api.login(ro, CKU_USER, b"0000"), CKR_OK);
    let rv = init_pin(api, ro, USER_PIN);
    assert!(
        rv == CKR_SESSION_READ_ONLY || rv == CKR_USER_NOT_LOGGED_IN,
        "rv {rv:#x}"
    );
    // A read/write session of the user, or of nobody.
    let rw = api.open_rw();
    assert_eq!(init_pin(api, rw, USER_PIN), CKR_USER_NOT_LOGGED_IN);
    assert_eq!(api.logout(rw), CKR_OK);
    assert_eq!(init_pin(api, rw, USER_PIN), CKR_USER_NOT_LOGGED_IN);
    assert_eq!(api.close(ro), CKR_OK);
    // The SO: PIN length limits, then a new user PIN.
    assert_eq!(api.login(rw, CKU_SO, SO_PIN), CKR_OK);
    assert_eq!(init_pin(api, rw, b"12"), CKR_PIN_LEN_RANGE);
    assert_eq!(init_pin(api, rw, b""), CKR_PIN_LEN_RANGE);
    assert_eq!(init_pin(api, rw, &[b'9'; 33]), CKR_PIN_LEN_RANGE);
    assert_eq!(pin_flags(api), CKF_USER_PIN_TO_BE_CHANGED);
    assert_eq!(init_pin(api, 0xdead, USER_PIN), CKR_SESSION_HANDLE_INVALID);
    // SAFETY: NULL with a length is rejected before use.
    assert_eq!(
        unsafe { (lib.f.C_InitPIN)(rw, null_bytes(), 6) },
        CKR_ARGUMENTS_BAD
    );
    assert_eq!(init_pin(api, rw, &[b'9'; 32]), CKR_OK);
    assert_eq!(init_pin(api, rw, USER_PIN), CKR_OK);
    assert_eq!(pin_flags(api), 0);
    assert_eq!(api.logout(rw), CKR_OK);
    assert_eq!(api.login(rw, CKU_USER, b"0000"), CKR_PIN_INCORRECT);
    assert_eq!(api.login(rw, CKU_USER, &[b'9'; 32]), CKR_PIN_INCORRECT);
    assert_eq!(api.login(rw, CKU_USER, USER_PIN), CKR_OK);
}

// ---------------------------------------------------------------------------------------------
// C_SetPIN
// ---------------------------------------------------------------------------------------------

#[test]
fn set_pin_for_the_user() {
    let (_lib, api) = provisioned();
    let ro = api.open_ro();
    assert_eq!(set_pin(api, ro, USER_PIN, b"654321"), CKR_SESSION_READ_ONLY);
    assert_eq!(api.close(ro), CKR_OK);
    let h = api.open_rw();
    // Not logged in: C_SetPIN changes the user PIN.
    assert_eq!(set_pin(api, h, b"bad-old", b"654321"), CKR_PIN_INCORRECT);
    assert_eq!(set_pin(api, h, USER_PIN, b"6543"), CKR_OK);
    assert_eq!(api.login(h, CKU_USER, USER_PIN), CKR_PIN_INCORRECT);
    assert_eq!(api.login(h, CKU_USER, b"6543"), CKR_OK);
    // Logged in: length limits, wrong old PIN, then a change.
    assert_eq!(set_pin(api, h, b"6543", b"123"), CKR_PIN_LEN_RANGE);
    assert_eq!(set_pin(api, h, b"6543", b""), CKR_PIN_LEN_RANGE);
    assert_eq!(set_pin(api, h, b"6543", &[b'x'; 33]), CKR_PIN_LEN_RANGE);
    assert_eq!(set_pin(api, h, b"0000", b"7777"), CKR_PIN_INCORRECT);
    assert_eq!(
        set_pin(api, 0xdead, b"6543", b"7777"),
        CKR_SESSION_HANDLE_INVALID
    );
    assert_eq!(set_pin(api, h, b"6543", &[b'x'; 32]), CKR_OK);
    assert_eq!(api.state(h), CKS_RW_USER_FUNCTIONS);
    assert_eq!(api.logout(h), CKR_OK);
    assert_eq!(api.login(h, CKU_USER, b"6543"), CKR_PIN_INCORRECT);
    assert_eq!(api.login(h, CKU_USER, &[b'x'; 32]), CKR_OK);
    // The SO PIN did not change.
    assert_eq!(api.logout(h), CKR_OK);
    assert_eq!(api.login(h, CKU_SO, SO_PIN), CKR_OK);
}

#[test]
fn set_pin_for_the_so() {
    let (lib, api) = provisioned();
    let h = api.open_rw();
    assert_eq!(api.login(h, CKU_SO, SO_PIN), CKR_OK);
    assert_eq!(
        set_pin(api, h, b"wrong-so-pin", b"new-so-pin"),
        CKR_PIN_INCORRECT
    );
    // The user PIN is not the SO's old PIN.
    assert_eq!(set_pin(api, h, USER_PIN, b"new-so-pin"), CKR_PIN_INCORRECT);
    assert_eq!(set_pin(api, h, SO_PIN, b"so"), CKR_PIN_LEN_RANGE);
    let mut new = *b"new-so-pin";
    // SAFETY: NULL old PIN with a length is rejected before use.
    let rv = unsafe { (lib.f.C_SetPIN)(h, null_bytes(), 4, new.as_mut_ptr(), 10) };
    assert_eq!(rv, CKR_ARGUMENTS_BAD);
    assert_eq!(set_pin(api, h, SO_PIN, b"new-so-pin"), CKR_OK);
    assert_eq!(api.logout(h), CKR_OK);
    assert_eq!(api.login(h, CKU_SO, SO_PIN), CKR_PIN_INCORRECT);
    assert_eq!(api.login(h, CKU_SO, b"new-so-pin"), CKR_OK);
    assert_eq!(api.logout(h), CKR_OK);
    // The user PIN did not change.
    assert_eq!(api.login(h, CKU_USER, USER_PIN), CKR_OK);
    assert_eq!(api.close(h), CKR_OK);
    // C_InitToken now wants the new SO PIN.
    assert_eq!(init_token(api, SO_PIN, &label32(b"x")), CKR_PIN_INCORRECT);
    assert_eq!(init_token(api, b"new-so-pin", &label32(b"x")), CKR_OK);
}

// ---------------------------------------------------------------------------------------------
// Private objects before login
// ---------------------------------------------------------------------------------------------

#[test]
fn private_objects_are_invisible_and_private_keys_unusable_until_login() {
    let lib = Lib::initialized();
    let api = lib.api();
    let h = api.open_rw();
    let watcher = api.open_ro();
    assert_eq!(api.login(h, CKU_USER, b"0000"), CKR_OK);
    let (public, private) = api.generate_ec_minimal(h, b"Device Key", true);
    let class = CKO_DATA;
    let secret_data = api
        .create(
            h,
            &[
                attr_ulong(CKA_CLASS, &class),
                attr_bool(CKA_TOKEN, &TRUE),
                attr_bool(CKA_PRIVATE, &TRUE),
                attr_bytes(CKA_LABEL, b"Device Key"),
                attr_bytes(CKA_VALUE, b"secret"),
            ],
        )
        .unwrap();
    let public_data = api
        .create(
            h,
            &[
                attr_ulong(CKA_CLASS, &class),
                attr_bool(CKA_TOKEN, &TRUE),
                attr_bytes(CKA_LABEL, b"Device Key"),
            ],
        )
        .unwrap();
    let label = [attr_bytes(CKA_LABEL, b"Device Key")];
    let mut everything = vec![public, private, secret_data, public_data];
    everything.sort_unstable();
    assert_eq!(api.find_all(watcher, &label), everything);
    let hash = sha256(b"before logout");
    let sig = api.sign(h, CKM_ECDSA, private, &hash);

    assert_eq!(api.logout(h), CKR_OK);
    let mut visible = vec![public, public_data];
    visible.sort_unstable();
    for s in [h, watcher] {
        // Not found, by any template.
        assert_eq!(api.find_all(s, &label), visible);
        assert_eq!(api.find_all(s, &[]), visible);
        let private_class = CKO_PRIVATE_KEY;
        assert!(api
            .find_all(s, &[attr_ulong(CKA_CLASS, &private_class)])
            .is_empty());
        assert!(api.find_all(s, &[attr_bool(CKA_PRIVATE, &TRUE)]).is_empty());
        // Not readable, changeable, destroyable or measurable: the handles are invalid.
        for o in [private, secret_data] {
            assert_eq!(api.attr(s, o, CKA_LABEL), Err(CKR_OBJECT_HANDLE_INVALID));
            assert_eq!(api.attr(s, o, CKA_CLASS), Err(CKR_OBJECT_HANDLE_INVALID));
            let mut size: CK_ULONG = 0;
            // SAFETY: `size` is writable.
            let rv = unsafe { (lib.f.C_GetObjectSize)(s, o, &mut size) };
            assert_eq!(rv, CKR_OBJECT_HANDLE_INVALID);
        }
        // Not usable for signing.
        assert_eq!(api.sign_init(s, CKM_ECDSA, private), CKR_KEY_HANDLE_INVALID);
        assert_eq!(
            api.sign_init(s, CKM_ECDSA_SHA256, private),
            CKR_KEY_HANDLE_INVALID
        );
        // Public objects still work.
        assert_eq!(api.attr(s, public_data, CKA_LABEL).unwrap(), b"Device Key");
        assert_eq!(api.verify(s, CKM_ECDSA, public, &hash, &sig), CKR_OK);
    }
    for o in [private, secret_data] {
        assert_eq!(
            api.set_attrs(h, o, &[attr_bytes(CKA_LABEL, b"x")]),
            CKR_OBJECT_HANDLE_INVALID
        );
        assert_eq!(api.destroy(h, o), CKR_OBJECT_HANDLE_INVALID);
    }
    // Private objects and keys cannot be made without login.
    assert_eq!(
        api.create(
            h,
            &[attr_ulong(CKA_CLASS, &class), attr_bool(CKA_PRIVATE, &TRUE)]
        ),
        Err(CKR_USER_NOT_LOGGED_IN)
    );
    let ec = CKK_EC;
    let private_class = CKO_PRIVATE_KEY;
    let scalar = p256_scalar_one();
    assert_eq!(
        api.create(
            h,
            &[
                attr_ulong(CKA_CLASS, &private_class),
                attr_ulong(CKA_KEY_TYPE, &ec),
                attr_bytes(CKA_EC_PARAMS, &P256_OID),
                attr_bytes(CKA_VALUE, &scalar),
            ]
        ),
        Err(CKR_USER_NOT_LOGGED_IN)
    );
    let p256 = [attr_bytes(CKA_EC_PARAMS, &P256_OID)];
    assert_eq!(api.generate_ec(h, &p256, &[]), Err(CKR_USER_NOT_LOGGED_IN));
    // A key pair whose private key is public (CKA_PRIVATE false) is fine.
    let (p2, k2) = api
        .generate_ec(h, &p256, &[attr_bool(CKA_PRIVATE, &FALSE)])
        .expect("pair with a public private key");
    let sig2 = api.sign(h, CKM_ECDSA, k2, &hash);
    assert_eq!(api.verify(h, CKM_ECDSA, p2, &hash, &sig2), CKR_OK);

    // Logging in (from the other session) brings the private token objects back. They are
    // looked up again: the standard lets handles to private objects stay invalid after a
    // logout, even once the user is back.
    assert_eq!(api.login(watcher, CKU_USER, b"0000"), CKR_OK);
    let private_class = CKO_PRIVATE_KEY;
    let keys = api.find_all(
        h,
        &[
            attr_bytes(CKA_LABEL, b"Device Key"),
            attr_ulong(CKA_CLASS, &private_class),
        ],
    );
    assert_eq!(keys.len(), 1);
    let again = api.sign(h, CKM_ECDSA, keys[0], &hash);
    assert_eq!(api.verify(h, CKM_ECDSA, public, &hash, &again), CKR_OK);
    let data = api.find_all(
        h,
        &[
            attr_bytes(CKA_LABEL, b"Device Key"),
            attr_bool(CKA_PRIVATE, &TRUE),
            attr_ulong(CKA_CLASS, &class),
        ],
    );
    assert_eq!(data.len(), 1);
    assert_eq!(api.attr(h, data[0], CKA_VALUE).unwrap(), b"secret");
    assert_eq!(api.find_all(h, &label).len(), 4);
}

#[test]
fn logout_destroys_private_session_objects() {
    // PKCS #11 v2.40, C_Logout: "When C_Logout successfully executes, any of the application's
    // handles to private objects become invalid (even if a user is later logged back into the
    // token, those handles remain invalid). In addition, all private session objects from
    // sessions belonging to the application are destroyed."
    let lib = Lib::initialized();
    let api = lib.api();
    let h = lib.user_session();
    let class = CKO_DATA;
    let private_session_object = api
        .create(
            h,
            &[
                attr_ulong(CKA_CLASS, &class),
                attr_bool(CKA_PRIVATE, &TRUE),
                attr_bytes(CKA_LABEL, b"private session object"),
            ],
        )
        .unwrap();
    let public_session_object = api
        .create(
            h,
            &[
                attr_ulong(CKA_CLASS, &class),
                attr_bytes(CKA_LABEL, b"public session object"),
            ],
        )
        .unwrap();
    assert_eq!(api.logout(h), CKR_OK);
    assert_eq!(api.login(h, CKU_USER, b"0000"), CKR_OK);
    assert_eq!(
        api.attr(h, public_session_object, CKA_LABEL).unwrap(),
        b"public session object"
    );
    assert!(
        api.find_all(h, &[attr_bytes(CKA_LABEL, b"private session object")])
            .is_empty(),
        "the private session object survived C_Logout"
    );
    assert_eq!(
        api.attr(h, private_session_object, CKA_LABEL),
        Err(CKR_OBJECT_HANDLE_INVALID)
    );
}

// ---------------------------------------------------------------------------------------------
// Sessions
// ---------------------------------------------------------------------------------------------

#[test]
fn session_states_and_flags() {
    let (_lib, api) = provisioned();
    let ro = api.open_ro();
    let rw = api.open_rw();
    let info = api.session_info(ro).unwrap();
    assert_eq!(
        (info.slotID, info.state, info.flags, info.ulDeviceError),
        (SLOT_ID, CKS_RO_PUBLIC_SESSION, CKF_SERIAL_SESSION, 0)
    );
    let info = api.session_info(rw).unwrap();
    assert_eq!(
        (info.slotID, info.state, info.flags),
        (
            SLOT_ID,
            CKS_RW_PUBLIC_SESSION,
            CKF_SERIAL_SESSION | CKF_RW_SESSION
        )
    );
    assert_eq!(api.login(ro, CKU_USER, USER_PIN), CKR_OK);
    assert_eq!(api.state(ro), CKS_RO_USER_FUNCTIONS);
    assert_eq!(api.state(rw), CKS_RW_USER_FUNCTIONS);
    assert_eq!(
        api.session_info(rw).unwrap().flags,
        CKF_SERIAL_SESSION | CKF_RW_SESSION
    );
    assert_eq!(api.logout(rw), CKR_OK);
    assert_eq!(api.close(ro), CKR_OK);
    assert_eq!(api.login(rw, CKU_SO, SO_PIN), CKR_OK);
    assert_eq!(api.state(rw), CKS_RW_SO_FUNCTIONS);
    assert_eq!(api.logout(rw), CKR_OK);

    // Closing the last session logs the application out.
    assert_eq!(api.login(rw, CKU_USER, USER_PIN), CKR_OK);
    assert_eq!(api.close(rw), CKR_OK);
    let s = api.open_rw();
    assert_eq!(api.state(s), CKS_RW_PUBLIC_SESSION);
    // Closing one of several does not.
    assert_eq!(api.login(s, CKU_USER, USER_PIN), CKR_OK);
    let t = api.open_ro();
    assert_eq!(api.close(s), CKR_OK);
    assert_eq!(api.state(t), CKS_RO_USER_FUNCTIONS);
    // Closed and unknown handles.
    assert_eq!(api.session_info(s), Err(CKR_SESSION_HANDLE_INVALID));
    assert_eq!(api.session_info(0), Err(CKR_SESSION_HANDLE_INVALID));
    assert_eq!(api.close(s), CKR_SESSION_HANDLE_INVALID);
    // SAFETY: NULL is rejected before use.
    let rv = unsafe { (api.0.C_GetSessionInfo)(t, null_mut()) };
    assert_eq!(rv, CKR_ARGUMENTS_BAD);
}

#[test]
fn open_session_flags_and_session_limit() {
    let lib = Lib::initialized();
    let api = lib.api();
    // CKF_SERIAL_SESSION is required, whatever else is set.
    for flags in [0, CKF_RW_SESSION] {
        assert_eq!(api.open(flags), Err(CKR_SESSION_PARALLEL_NOT_SUPPORTED));
    }
    let mut h: CK_SESSION_HANDLE = 0;
    // SAFETY: NULL phSession is rejected; then an invalid slot.
    unsafe {
        assert_eq!(
            (lib.f.C_OpenSession)(SLOT_ID, CKF_SERIAL_SESSION, null_mut(), None, null_mut()),
            CKR_ARGUMENTS_BAD
        );
        assert_eq!(
            (lib.f.C_OpenSession)(SLOT_ID + 1, CKF_SERIAL_SESSION, null_mut(), None, &mut h),
            CKR_SLOT_ID_INVALID
        );
    }
    // Ten sessions (the default limit), mixed read-only and read/write.
    let mut sessions = Vec::new();
    for i in 0..10 {
        let h = if i % 3 == 0 {
            api.open_ro()
        } else {
            api.open_rw()
        };
        assert!(!sessions.contains(&h), "handle {h} reused");
        sessions.push(h);
    }
    let info = api.token_info();
    assert_eq!((info.ulSessionCount, info.ulRwSessionCount), (10, 6));
    assert_eq!((info.ulMaxSessionCount, info.ulMaxRwSessionCount), (10, 10));
    // The eleventh, of either kind, is refused.
    assert_eq!(api.open(CKF_SERIAL_SESSION), Err(CKR_SESSION_COUNT));
    assert_eq!(
        api.open(CKF_SERIAL_SESSION | CKF_RW_SESSION),
        Err(CKR_SESSION_COUNT)
    );
    assert_eq!(api.token_info().ulSessionCount, 10);
    // Closing one makes room for one.
    assert_eq!(api.close(sessions.remove(4)), CKR_OK);
    sessions.push(api.open_rw());
    assert_eq!(api.open(CKF_SERIAL_SESSION), Err(CKR_SESSION_COUNT));

    // C_CloseAllSessions: every handle invalid, the login gone, the counts zero.
    assert_eq!(api.login(sessions[0], CKU_USER, b"0000"), CKR_OK);
    let class = CKO_DATA;
    let session_object = api
        .create(sessions[1], &[attr_ulong(CKA_CLASS, &class)])
        .unwrap();
    // SAFETY: an invalid slot is rejected.
    assert_eq!(
        unsafe { (lib.f.C_CloseAllSessions)(SLOT_ID + 1) },
        CKR_SLOT_ID_INVALID
    );
    // SAFETY: no pointer arguments.
    assert_eq!(unsafe { (lib.f.C_CloseAllSessions)(SLOT_ID) }, CKR_OK);
    for &s in &sessions {
        assert_eq!(api.session_info(s), Err(CKR_SESSION_HANDLE_INVALID));
        assert_eq!(api.close(s), CKR_SESSION_HANDLE_INVALID);
    }
    let info = api.token_info();
    assert_eq!((info.ulSessionCount, info.ulRwSessionCount), (0, 0));
    let s = api.open_rw();
    assert_eq!(api.state(s), CKS_RW_PUBLIC_SESSION);
    assert!(api.find_all(s, &[]).is_empty(), "{session_object} survived");
    // With nothing open it is fine too.
    assert_eq!(api.close(s), CKR_OK);
    // SAFETY: no pointer arguments.
    assert_eq!(unsafe { (lib.f.C_CloseAllSessions)(SLOT_ID) }, CKR_OK);
    // And ten can be opened again.
    for _ in 0..10 {
        api.open_ro();
    }
    assert_eq!(api.open(CKF_SERIAL_SESSION), Err(CKR_SESSION_COUNT));
}
