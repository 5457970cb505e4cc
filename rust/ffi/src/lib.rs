//! The C ABI of core-pkcs11: the PKCS #11 v2.40 entry points (`C_*`) and their function list,
//! the corePKCS11 helper functions of `core_pkcs11.h`, and the `core_pki_utils.h` signature
//! helpers, on top of the `core-pkcs11-engine` token.
//!
//! All `unsafe` code of the project lives in this crate. Every pointer and length from C is
//! checked (module `args`); every call into the token goes through one guard (module `guard`)
//! that takes the lock, rejects calls before `C_Initialize` and, on hosts, turns a panic
//! into `CKR_GENERAL_ERROR` instead of letting it cross the ABI.
//!
//! The application's `core_pkcs11_config.h` is compiled into a small C shim by `build.rs`
//! (set `CORE_PKCS11_CONFIG_DIR` to the directory holding it).

#![no_std]
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs, clippy::undocumented_unsafe_blocks)]
// The exported names are the C ones.
#![allow(non_snake_case)]

extern crate alloc;
#[cfg(any(not(target_os = "none"), test))]
extern crate std;

pub mod allocator;
mod app_mutex;
mod args;
pub mod block_device;
#[cfg(feature = "pal")]
pub mod c_pal;
pub mod config;
pub mod digest;
pub mod entropy;
pub mod function_list;
pub mod general;
mod global;
mod guard;
#[cfg(not(target_os = "none"))]
pub mod host_store;
pub mod keygen;
mod lock;
pub mod log;
pub mod objects;
pub mod pal_store;
pub mod panic;
pub mod pki_utils;
pub mod random;
pub mod session;
mod shim;
pub mod sign;
pub mod slot_token;
pub mod spin_lock;
mod store;
pub mod types;
pub mod unsupported;
pub mod verify;
pub mod wrappers;

/// The PKCS #11 constants (`CKR_*`, `CKA_*`, `CKM_*`, …) of the engine.
pub use core_pkcs11_engine::ck;
pub use digest::*;
pub use function_list::{C_GetFunctionList, FUNCTION_LIST};
pub use general::*;
pub use keygen::*;
pub use objects::*;
pub use pki_utils::*;
pub use random::*;
pub use session::*;
pub use sign::*;
pub use slot_token::*;
pub use unsupported::*;
pub use verify::*;
pub use wrappers::*;
