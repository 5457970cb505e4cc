//! The core-pkcs11 token engine: a PKCS #11 v2.40 software token for FreeRTOS devices and hosts.
//!
//! This crate is `no_std` + `alloc` and contains no `unsafe` code. It knows nothing about C:
//! the `core-pkcs11-ffi` crate turns the C ABI's pointers into the slices and values taken
//! here. One [`Token`] holds the slot's token, its sessions and objects; callers serialise
//! access to it (the FFI layer holds it behind a lock).

#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;

#[cfg(not(any(feature = "ecdsa", feature = "rsa")))]
compile_error!(
    "core-pkcs11 needs at least one signature mechanism: enable feature `ecdsa` or `rsa`"
);

pub mod attribute;
pub mod ck;
pub mod config;
pub mod der;
pub mod drbg;
#[cfg(test)]
mod drbg_test_sequences;
#[cfg(feature = "ecdsa")]
pub mod ec;
pub mod entropy;
pub mod hash_drbg;
pub mod info;
pub mod key;
pub mod mac;
pub mod mechanism;
pub mod object;
pub mod operation;
pub mod pin;
pub mod pki;
pub mod record;
#[cfg(feature = "rsa")]
pub mod rsa;
pub mod session;
pub mod sha256;
pub mod store;
pub mod template;
pub mod token;
pub mod token_state;
mod vec_map;

pub use attribute::{Attribute, AttributeQuery};
pub use config::Config;
pub use entropy::EntropySource;
pub use info::{MechanismInfo, SessionInfo, SlotInfo, TokenInfo};
pub use mechanism::Mechanism;
pub use operation::Output;
pub use store::{MemoryStore, ObjectStore};
pub use token::{OperationKind, Token};

/// A PKCS #11 return value (`CK_RV`) other than `CKR_OK`, carried in `Err`.
pub type Rv = ck::Ulong;

/// Result of a token call: `Err` holds the `CKR_*` code to return.
pub type CkResult<T> = Result<T, Rv>;

/// The one slot this library exposes.
pub const SLOT_ID: ck::Ulong = 1;
