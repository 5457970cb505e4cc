//! The library's global state: the token once `C_Initialize` has opened it, and the
//! application's mutex if it asked for its own locking.

use crate::app_mutex::AppMutex;
use crate::lock::Lock;
use alloc::boxed::Box;
use core_pkcs11_engine::Token;

/// Everything `C_Initialize` sets up and `C_Finalize` tears down.
pub(crate) struct State {
    /// The token; `None` while the library is not initialised. Boxed so that the state
    /// before `C_Initialize` is all zeros: the static then sits in `.bss` instead of taking a
    /// few hundred bytes of `.data` (and its load image in flash).
    pub(crate) token: Option<Box<Token>>,
    /// The application's mutex, held around every call in addition to the internal lock,
    /// when it passed mutex callbacks without `CKF_OS_LOCKING_OK`.
    pub(crate) app_mutex: Option<AppMutex>,
}

impl State {
    /// The state before `C_Initialize`.
    const fn new() -> Self {
        State {
            token: None,
            app_mutex: None,
        }
    }
}

/// The one instance of the library state, behind the internal lock.
pub(crate) static STATE: Lock<State> = Lock::new(State::new());
