//! The C block device of `core_pkcs11_block_device.h`: `xCorePkcs11SetBlockDevice` and the
//! adapter that lets the littlefs store ([`core_pkcs11_littlefs`]) run on the vendor's
//! callbacks.
//!
//! Rule: the application calls `xCorePkcs11SetBlockDevice` before `C_Initialize`. The
//! library keeps a copy of the structure in a static cell; `C_Initialize` reads it with
//! [`configured_device`] and mounts the store on it. A later call replaces the copy and
//! takes effect at the next `C_Initialize` (the open store keeps the device it was mounted
//! with).

#![allow(non_camel_case_types, non_snake_case)]

use crate::spin_lock::SpinLock;
use crate::types::CK_RV;
use core::ffi::c_void;
use core_pkcs11_engine::ck::{CKR_ARGUMENTS_BAD, CKR_OK};
use core_pkcs11_littlefs::{BlockDevice, BlockDeviceError, Geometry};

/// `xRead`: reads `ulSize` bytes at `ulOffset` in block `ulBlock` into `pvBuffer`.
pub type CorePkcs11ReadFn = unsafe extern "C" fn(
    pvContext: *mut c_void,
    ulBlock: u32,
    ulOffset: u32,
    pvBuffer: *mut c_void,
    ulSize: u32,
) -> i32;

/// `xProgram`: programs `ulSize` bytes from `pvBuffer` at `ulOffset` in block `ulBlock`.
pub type CorePkcs11ProgramFn = unsafe extern "C" fn(
    pvContext: *mut c_void,
    ulBlock: u32,
    ulOffset: u32,
    pvBuffer: *const c_void,
    ulSize: u32,
) -> i32;

/// `xErase`: erases block `ulBlock`.
pub type CorePkcs11EraseFn = unsafe extern "C" fn(pvContext: *mut c_void, ulBlock: u32) -> i32;

/// `xSync`: makes completed programs and erases durable.
pub type CorePkcs11SyncFn = unsafe extern "C" fn(pvContext: *mut c_void) -> i32;

/// `CorePkcs11BlockDevice_t`, laid out as `core_pkcs11_block_device.h` declares it.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct CorePkcs11BlockDevice_t {
    /// Passed unchanged to every callback.
    pub pvContext: *mut c_void,
    /// Required.
    pub xRead: Option<CorePkcs11ReadFn>,
    /// Required.
    pub xProgram: Option<CorePkcs11ProgramFn>,
    /// Required.
    pub xErase: Option<CorePkcs11EraseFn>,
    /// Optional (NULL: nothing to flush).
    pub xSync: Option<CorePkcs11SyncFn>,
    /// Smallest read in bytes.
    pub ulReadSize: u32,
    /// Smallest program in bytes.
    pub ulProgramSize: u32,
    /// Erasable block size in bytes.
    pub ulBlockSize: u32,
    /// Number of blocks.
    pub ulBlockCount: u32,
}

/// A C block device whose callbacks and geometry were checked: implements the littlefs
/// store's [`BlockDevice`] by calling the callbacks.
#[derive(Clone, Copy, Debug)]
pub struct CBlockDevice {
    context: *mut c_void,
    read: CorePkcs11ReadFn,
    program: CorePkcs11ProgramFn,
    erase: CorePkcs11EraseFn,
    sync: Option<CorePkcs11SyncFn>,
    /// The checked geometry as the C structure gives it: read, program and block size, block
    /// count (the erase value is always unknown). Not a [`Geometry`]: its `Option<u8>` would
    /// give `Option<CBlockDevice>` a `None` with a nonzero byte, which puts the static below
    /// in `.data` (44 bytes of flash for its initial image) instead of `.bss`.
    sizes: [u32; 4],
}

// SAFETY: `core_pkcs11_block_device.h` makes the callbacks callable from whichever task calls
// the library, one call at a time (the library's lock serialises them), and requires the
// context to stay valid until `C_Finalize`; the library never calls them concurrently, so
// moving the device (its function pointers and context pointer) between threads is sound.
unsafe impl Send for CBlockDevice {}

impl CBlockDevice {
    /// Checks `device`: `None` if `xRead`, `xProgram` or `xErase` is NULL or the geometry is
    /// one littlefs cannot use ([`Geometry::check`]).
    pub fn new(device: &CorePkcs11BlockDevice_t) -> Option<Self> {
        let geometry = Geometry {
            read_size: device.ulReadSize,
            program_size: device.ulProgramSize,
            block_size: device.ulBlockSize,
            block_count: device.ulBlockCount,
            // Not in the C structure: a blank device is recognised by a uniform fill.
            erase_value: None,
        };
        geometry.check().ok()?;
        Some(CBlockDevice {
            context: device.pvContext,
            read: device.xRead?,
            program: device.xProgram?,
            erase: device.xErase?,
            sync: device.xSync,
            sizes: [
                geometry.read_size,
                geometry.program_size,
                geometry.block_size,
                geometry.block_count,
            ],
        })
    }
}

fn c_result(rc: i32) -> Result<(), BlockDeviceError> {
    // 0 is success; anything else (the header says negative) an error.
    if rc == 0 {
        Ok(())
    } else {
        Err(BlockDeviceError::Io)
    }
}

impl BlockDevice for CBlockDevice {
    fn geometry(&self) -> Geometry {
        let [read_size, program_size, block_size, block_count] = self.sizes;
        Geometry {
            read_size,
            program_size,
            block_size,
            block_count,
            erase_value: None,
        }
    }

    fn read(&mut self, block: u32, offset: u32, buf: &mut [u8]) -> Result<(), BlockDeviceError> {
        let geometry = self.geometry();
        geometry.check_access(block, offset, buf.len(), geometry.read_size)?;
        let size = u32::try_from(buf.len()).map_err(|_| BlockDeviceError::OutOfRange)?;
        // SAFETY: the callback was checked non-NULL and the header makes it valid with this
        // context until `C_Finalize`; `buf` is valid for `size` writable bytes for the call;
        // the access lies inside the device's geometry.
        c_result(unsafe {
            (self.read)(
                self.context,
                block,
                offset,
                buf.as_mut_ptr() as *mut c_void,
                size,
            )
        })
    }

    fn program(&mut self, block: u32, offset: u32, data: &[u8]) -> Result<(), BlockDeviceError> {
        let geometry = self.geometry();
        geometry.check_access(block, offset, data.len(), geometry.program_size)?;
        let size = u32::try_from(data.len()).map_err(|_| BlockDeviceError::OutOfRange)?;
        // SAFETY: as in `read`; `data` is valid for `size` readable bytes for the call.
        c_result(unsafe {
            (self.program)(
                self.context,
                block,
                offset,
                data.as_ptr() as *const c_void,
                size,
            )
        })
    }

    fn erase(&mut self, block: u32) -> Result<(), BlockDeviceError> {
        self.geometry().check_access(block, 0, 0, 1)?;
        // SAFETY: as in `read`; the block exists.
        c_result(unsafe { (self.erase)(self.context, block) })
    }

    fn sync(&mut self) -> Result<(), BlockDeviceError> {
        match self.sync {
            // SAFETY: as in `read`.
            Some(sync) => c_result(unsafe { sync(self.context) }),
            None => Ok(()),
        }
    }
}

/// The device set by `xCorePkcs11SetBlockDevice` (a copy), if any.
static CONFIGURED: SpinLock<Option<CBlockDevice>> = SpinLock::new(None);

/// The block device the application configured, for `C_Initialize` to mount the store on;
/// `None` if it configured none (the token then keeps objects in RAM). The configuration
/// stays in place, so a later `C_Initialize` after `C_Finalize` mounts the same device.
pub fn configured_device() -> Option<CBlockDevice> {
    *CONFIGURED.lock()
}

/// `xCorePkcs11SetBlockDevice`: stores a copy of `*pxDevice` for the next `C_Initialize`.
/// Returns `CKR_ARGUMENTS_BAD` for NULL, a NULL `xRead`/`xProgram`/`xErase`, or an invalid
/// geometry (the previous configuration then stays).
///
/// # Safety
/// `pxDevice` is NULL or points to a readable `CorePkcs11BlockDevice_t`; its callbacks and
/// `pvContext` follow the contract of `core_pkcs11_block_device.h`.
#[no_mangle]
pub unsafe extern "C" fn xCorePkcs11SetBlockDevice(
    pxDevice: *const CorePkcs11BlockDevice_t,
) -> CK_RV {
    if pxDevice.is_null() {
        return CKR_ARGUMENTS_BAD;
    }
    // SAFETY: non-NULL, and the caller guarantees it points to a readable structure (C
    // aligns it for its type); the structure is plain data, copied out.
    let device = unsafe { core::ptr::read(pxDevice) };
    match CBlockDevice::new(&device) {
        Some(device) => {
            *CONFIGURED.lock() = Some(device);
            CKR_OK
        }
        None => CKR_ARGUMENTS_BAD,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core_pkcs11_engine::store::ObjectStore;
    use core_pkcs11_littlefs::{LittlefsStore, RamBlockDevice};
    use std::boxed::Box;
    use std::vec::Vec;

    /// A C-style driver over a RAM device.
    struct Driver {
        ram: RamBlockDevice,
        syncs: u32,
    }

    unsafe extern "C" fn read(c: *mut c_void, b: u32, o: u32, p: *mut c_void, n: u32) -> i32 {
        // SAFETY: the test passes a live `Driver` as context and a buffer of `n` bytes.
        let (d, buf) = unsafe {
            (
                &mut *(c as *mut Driver),
                core::slice::from_raw_parts_mut(p as *mut u8, n as usize),
            )
        };
        if d.ram.read(b, o, buf).is_ok() {
            0
        } else {
            -5
        }
    }

    unsafe extern "C" fn program(c: *mut c_void, b: u32, o: u32, p: *const c_void, n: u32) -> i32 {
        // SAFETY: as in `read`.
        let (d, data) = unsafe {
            (
                &mut *(c as *mut Driver),
                core::slice::from_raw_parts(p as *const u8, n as usize),
            )
        };
        if d.ram.program(b, o, data).is_ok() {
            0
        } else {
            -5
        }
    }

    unsafe extern "C" fn erase(c: *mut c_void, b: u32) -> i32 {
        // SAFETY: as in `read`.
        let d = unsafe { &mut *(c as *mut Driver) };
        if d.ram.erase(b).is_ok() {
            0
        } else {
            -5
        }
    }

    unsafe extern "C" fn sync(c: *mut c_void) -> i32 {
        // SAFETY: as in `read`.
        let d = unsafe { &mut *(c as *mut Driver) };
        d.syncs += 1;
        0
    }

    unsafe extern "C" fn failing_erase(_: *mut c_void, _: u32) -> i32 {
        -1
    }

    fn c_device(driver: *mut Driver) -> CorePkcs11BlockDevice_t {
        CorePkcs11BlockDevice_t {
            pvContext: driver as *mut c_void,
            xRead: Some(read),
            xProgram: Some(program),
            xErase: Some(erase),
            xSync: Some(sync),
            ulReadSize: 16,
            ulProgramSize: 16,
            ulBlockSize: 4096,
            ulBlockCount: 64,
        }
    }

    fn driver() -> *mut Driver {
        let g = Geometry {
            block_count: 64,
            ..Geometry::DEFAULT
        };
        Box::into_raw(Box::new(Driver {
            ram: RamBlockDevice::new(g).unwrap(),
            syncs: 0,
        }))
    }

    #[test]
    fn store_runs_on_c_callbacks() {
        let d = driver();
        let dev = CBlockDevice::new(&c_device(d)).unwrap();
        {
            let mut store = LittlefsStore::mount(dev).unwrap();
            store.save(1, b"one").unwrap();
            store.save(2, &[7u8; 3000]).unwrap();
        }
        let mut store = LittlefsStore::mount(dev).unwrap();
        let mut seen = Vec::new();
        store.load(&mut |id, b| seen.push((id, b.len()))).unwrap();
        assert_eq!(seen, [(1, 3), (2, 3000)]);
        drop(store);
        // SAFETY: no store uses the driver any more.
        let driver = unsafe { Box::from_raw(d) };
        assert!(driver.syncs > 0);
    }

    #[test]
    fn callback_errors_are_device_errors() {
        let d = driver();
        let mut c = c_device(d);
        c.xErase = Some(failing_erase);
        let failure = LittlefsStore::mount(CBlockDevice::new(&c).unwrap()).unwrap_err();
        assert_eq!(failure.error, core_pkcs11_littlefs::MountError::Io);
        // SAFETY: no store uses the driver any more.
        drop(unsafe { Box::from_raw(d) });
    }

    #[test]
    fn set_block_device_checks_and_copies() {
        // SAFETY: NULL is allowed.
        let rv = unsafe { xCorePkcs11SetBlockDevice(core::ptr::null()) };
        assert_eq!(rv, CKR_ARGUMENTS_BAD);
        let d = driver();
        let good = c_device(d);
        let mut bad = Vec::new();
        let breakages: [fn(&mut CorePkcs11BlockDevice_t); 8] = [
            |c: &mut CorePkcs11BlockDevice_t| c.xRead = None,
            |c: &mut CorePkcs11BlockDevice_t| c.xProgram = None,
            |c: &mut CorePkcs11BlockDevice_t| c.xErase = None,
            |c: &mut CorePkcs11BlockDevice_t| c.ulReadSize = 0,
            |c: &mut CorePkcs11BlockDevice_t| c.ulProgramSize = 0,
            |c: &mut CorePkcs11BlockDevice_t| c.ulBlockSize = 64,
            |c: &mut CorePkcs11BlockDevice_t| c.ulBlockSize = 4000 + 8,
            |c: &mut CorePkcs11BlockDevice_t| c.ulBlockCount = 2,
        ];
        for f in breakages {
            let mut c = good;
            f(&mut c);
            bad.push(c);
        }
        for c in &bad {
            // SAFETY: points to a valid local structure.
            let rv = unsafe { xCorePkcs11SetBlockDevice(c) };
            assert_eq!(rv, CKR_ARGUMENTS_BAD);
        }
        assert!(configured_device().is_none());
        {
            let on_stack = good;
            // SAFETY: points to a valid local structure; the library copies it.
            let rv = unsafe { xCorePkcs11SetBlockDevice(&on_stack) };
            assert_eq!(rv, CKR_OK);
        }
        let dev = configured_device().expect("configured");
        assert_eq!(dev.geometry().block_size, 4096);
        assert!(configured_device().is_some(), "stays configured");
        // A rejected call keeps the previous configuration.
        // SAFETY: points to a valid local structure.
        let rv = unsafe { xCorePkcs11SetBlockDevice(&bad[0]) };
        assert_eq!(rv, CKR_ARGUMENTS_BAD);
        assert!(configured_device().is_some());
        let mut store = LittlefsStore::mount(dev).unwrap();
        store.save(9, b"nine").unwrap();
        drop(store);
        *CONFIGURED.lock() = None;
        // SAFETY: no store uses the driver any more.
        drop(unsafe { Box::from_raw(d) });
    }
}
