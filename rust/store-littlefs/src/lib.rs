//! A persistent, power-loss-safe object store for the core-pkcs11 token, on
//! [littlefs](https://github.com/littlefs-project/littlefs).
//!
//! [`LittlefsStore`] implements the engine's
//! [`ObjectStore`](core_pkcs11_engine::store::ObjectStore) on any [`BlockDevice`]: one
//! littlefs file per record in directory `/p11`, each save atomic (see [`LittlefsStore`]).
//! The device's [`Geometry`] is known at run time, so a C vendor's flash driver
//! (`CorePkcs11BlockDevice_t` in `core_pkcs11_block_device.h`) can be plugged in as it is.
//!
//! Block devices provided: [`RamBlockDevice`] (memory, flash semantics),
//! [`FailingBlockDevice`] (counts operations and simulates power cuts, clean or torn) and,
//! with feature `std`, [`FileBlockDevice`] (a host image file, byte-identical to the flash
//! it stands for).
//!
//! The crate is `no_std` + `alloc`. Its only `unsafe` code is the littlefs binding in module
//! `lfs` (private).

#![no_std]
#![deny(unsafe_code)]
#![warn(missing_docs, clippy::undocumented_unsafe_blocks)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod device;
pub mod failing;
#[cfg(feature = "std")]
pub mod file;
#[allow(unsafe_code)]
mod lfs;
pub mod ram;
pub mod store;

pub use device::{BlockDevice, BlockDeviceError, Geometry, InvalidGeometry};
pub use failing::FailingBlockDevice;
#[cfg(feature = "std")]
pub use file::FileBlockDevice;
pub use ram::RamBlockDevice;
pub use store::{LittlefsStore, MountError, MountFailure};
