//! The one module with `unsafe` code: a small safe wrapper around the littlefs C library
//! (`littlefs2-sys`, littlefs v2.9) for the few operations the store needs.
//!
//! # Why `littlefs2-sys` and not `littlefs2`
//!
//! `littlefs2` (0.8) describes the device with a `Storage` trait whose geometry is
//! compile-time only: `READ_SIZE`, `WRITE_SIZE`, `BLOCK_SIZE` and `BLOCK_COUNT` are
//! associated constants and the cache and lookahead sizes are `typenum` types. A C vendor
//! hands over its flash geometry at run time (`CorePkcs11BlockDevice_t`), and littlefs
//! refuses to mount an image with another block size or count, so no fixed choice of
//! constants can serve it. The C library itself takes the geometry at run time in
//! `struct lfs_config`; this module fills that structure from [`BlockDevice::geometry`].
//!
//! # Memory and aliasing
//!
//! littlefs keeps pointers to its configuration, its buffers and every open file and
//! directory (a linked list in `lfs_t`), so all of them live in one heap allocation
//! ([`Inner`]) that never moves and is reached only through a raw pointer. No Rust reference
//! into that allocation is alive while a littlefs function runs, so the block device
//! callbacks can take the only `&mut` to the device. littlefs is built without `malloc`
//! (`LFS_NO_MALLOC`): every buffer is given to it here, and at most one file and one
//! directory are open at a time (each operation opens and closes its own).

use crate::device::{BlockDevice, BlockDeviceError, Geometry};
use alloc::boxed::Box;
use alloc::vec;
use alloc::vec::Vec;
use core::ffi::{c_char, c_int, c_void};
use core::marker::PhantomData;
use core::mem::ManuallyDrop;
use core::ptr::{addr_of, addr_of_mut, NonNull};
use littlefs2_sys as ll;
use zeroize::{Zeroize, Zeroizing};

/// A littlefs error code (negative `LFS_ERR_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LfsError(pub(crate) c_int);

impl LfsError {
    pub(crate) const IO: LfsError = LfsError(ll::lfs_error_LFS_ERR_IO);
    pub(crate) const CORRUPT: LfsError = LfsError(ll::lfs_error_LFS_ERR_CORRUPT);
    pub(crate) const NOENT: LfsError = LfsError(ll::lfs_error_LFS_ERR_NOENT);
    pub(crate) const FBIG: LfsError = LfsError(ll::lfs_error_LFS_ERR_FBIG);
    pub(crate) const INVAL: LfsError = LfsError(ll::lfs_error_LFS_ERR_INVAL);
    pub(crate) const NOSPC: LfsError = LfsError(ll::lfs_error_LFS_ERR_NOSPC);
    pub(crate) const NAMETOOLONG: LfsError = LfsError(ll::lfs_error_LFS_ERR_NAMETOOLONG);
}

fn check(rc: c_int) -> Result<c_int, LfsError> {
    if rc < 0 {
        Err(LfsError(rc))
    } else {
        Ok(rc)
    }
}

/// What `stat` says about a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Info {
    /// A directory (else a regular file).
    pub(crate) is_dir: bool,
}

/// Longest path the wrapper passes to littlefs (the store's paths are 13 bytes).
const PATH_MAX: usize = 64;

/// A NUL-terminated path for littlefs. Word-aligned so that in a `Result` it starts at a word
/// boundary: a plain byte array sat at offset 1 there, and every caller copied it out byte
/// by byte twice.
#[derive(Debug, PartialEq, Eq)]
#[repr(align(4))]
pub(crate) struct CPath([u8; PATH_MAX]);

impl CPath {
    /// A path fixed at compile time, for constants (too long, or with a NUL, fails the build):
    /// such paths cost no conversion and no check at run time.
    pub(crate) const fn constant(path: &[u8]) -> CPath {
        assert!(path.len() < PATH_MAX, "path too long");
        let mut buf = [0u8; PATH_MAX];
        let mut i = 0;
        while i < path.len() {
            assert!(path[i] != 0, "NUL in a path");
            buf[i] = path[i];
            i += 1;
        }
        CPath(buf)
    }

    /// A path of `N` bytes without NUL (the caller's guarantee, as for the store's record
    /// names): copied without the checks of [`c_path`].
    pub(crate) fn from_array<const N: usize>(path: &[u8; N]) -> CPath {
        const { assert!(N < PATH_MAX) };
        let mut buf = [0u8; PATH_MAX];
        buf[..N].copy_from_slice(path);
        CPath(buf)
    }
}

impl core::ops::Deref for CPath {
    type Target = [u8; PATH_MAX];

    fn deref(&self) -> &[u8; PATH_MAX] {
        &self.0
    }
}

/// `path` as a NUL-terminated C string.
pub(crate) fn c_path(path: &[u8]) -> Result<CPath, LfsError> {
    if path.len() >= PATH_MAX {
        return Err(LfsError::NAMETOOLONG);
    }
    if path.contains(&0) {
        return Err(LfsError::INVAL);
    }
    let mut buf = [0u8; PATH_MAX];
    buf[..path.len()].copy_from_slice(path);
    Ok(CPath(buf))
}

/// Cache size for a geometry: a multiple of the read and program sizes that divides the
/// block size, as large as possible up to 256 bytes (or one read/program unit if that is
/// larger). littlefs uses three caches (read, program, one open file) of this size.
pub(crate) fn cache_size(g: &Geometry) -> u32 {
    fn gcd(a: u32, b: u32) -> u32 {
        if b == 0 {
            a
        } else {
            gcd(b, a % b)
        }
    }
    let unit = g.read_size / gcd(g.read_size, g.program_size) * g.program_size;
    let target = unit.max(256);
    let mut best = unit;
    let mut size = unit;
    while size <= target {
        if g.block_size.is_multiple_of(size) {
            best = size;
        }
        size += unit;
    }
    best
}

/// Lookahead buffer size in bytes: one bit per block, in whole 8-byte words, at most 256
/// bytes (2048 blocks per allocation scan).
fn lookahead_size(g: &Geometry) -> u32 {
    g.block_count.div_ceil(64).clamp(1, 32) * 8
}

/// Everything littlefs points into; allocated once, never moved, freed by [`Lfs`]'s drop.
struct Inner<D> {
    lfs: ll::lfs_t,
    config: ll::lfs_config,
    file: ll::lfs_file_t,
    file_config: ll::lfs_file_config,
    dir: ll::lfs_dir_t,
    read_buffer: Vec<u8>,
    prog_buffer: Vec<u8>,
    file_buffer: Vec<u8>,
    lookahead_buffer: Vec<u64>,
    mounted: bool,
    device: D,
}

/// littlefs on a block device `D`.
pub(crate) struct Lfs<D: BlockDevice> {
    inner: NonNull<Inner<D>>,
    _owns: PhantomData<Box<Inner<D>>>,
}

// SAFETY: `Lfs` is the only owner of its `Inner` allocation (like a `Box`), and every pointer
// littlefs keeps points into that allocation or into the buffers it owns. littlefs keeps no
// global or thread-local state, and every operation takes `&mut self`, so moving the whole
// thing to another thread is sound when the device itself may move: `D: Send`.
unsafe impl<D: BlockDevice + Send> Send for Lfs<D> {}

/// The device behind a littlefs configuration.
///
/// # Safety
/// `c` must be the `config` of a live [`Inner<D>`] whose `context` points to its `device`, and
/// the caller must be a littlefs callback running inside an operation of [`Lfs`] (so no other
/// reference to the device exists).
unsafe fn device<'a, D: BlockDevice>(c: *const ll::lfs_config) -> &'a mut D {
    // SAFETY: per this function's contract, `context` points to the live device and no other
    // reference to it exists for the duration of the callback.
    unsafe { &mut *((*c).context as *mut D) }
}

fn device_result(r: Result<(), BlockDeviceError>) -> c_int {
    match r {
        Ok(()) => 0,
        Err(BlockDeviceError::Io) => ll::lfs_error_LFS_ERR_IO,
        Err(BlockDeviceError::BadBlock) => ll::lfs_error_LFS_ERR_CORRUPT,
        Err(BlockDeviceError::OutOfRange) => ll::lfs_error_LFS_ERR_INVAL,
    }
}

unsafe extern "C" fn read_callback<D: BlockDevice>(
    c: *const ll::lfs_config,
    block: ll::lfs_block_t,
    off: ll::lfs_off_t,
    buffer: *mut c_void,
    size: ll::lfs_size_t,
) -> c_int {
    // SAFETY: littlefs calls this with the configuration `Lfs::new` set up, during an `Lfs`
    // operation; `buffer` is valid for `size` writable bytes (one of littlefs's caches or the
    // caller's buffer) and not otherwise referenced during the call.
    let (device, buf) = unsafe {
        (
            device::<D>(c),
            core::slice::from_raw_parts_mut(buffer as *mut u8, size as usize),
        )
    };
    device_result(device.read(block, off, buf))
}

unsafe extern "C" fn prog_callback<D: BlockDevice>(
    c: *const ll::lfs_config,
    block: ll::lfs_block_t,
    off: ll::lfs_off_t,
    buffer: *const c_void,
    size: ll::lfs_size_t,
) -> c_int {
    // SAFETY: as in `read_callback`; `buffer` is valid for `size` readable bytes.
    let (device, data) = unsafe {
        (
            device::<D>(c),
            core::slice::from_raw_parts(buffer as *const u8, size as usize),
        )
    };
    device_result(device.program(block, off, data))
}

unsafe extern "C" fn erase_callback<D: BlockDevice>(
    c: *const ll::lfs_config,
    block: ll::lfs_block_t,
) -> c_int {
    // SAFETY: as in `read_callback`.
    let device = unsafe { device::<D>(c) };
    device_result(device.erase(block))
}

unsafe extern "C" fn sync_callback<D: BlockDevice>(c: *const ll::lfs_config) -> c_int {
    // SAFETY: as in `read_callback`.
    let device = unsafe { device::<D>(c) };
    device_result(device.sync())
}

impl<D: BlockDevice> Lfs<D> {
    /// Prepares littlefs for `device` (not mounted yet). The geometry must pass
    /// [`Geometry::check`].
    pub(crate) fn new(device: D) -> Self {
        let g = device.geometry();
        let cache = cache_size(&g);
        let lookahead = lookahead_size(&g);
        let inner = Box::new(Inner {
            lfs: ll::lfs_t::default(),
            config: ll::lfs_config::default(),
            file: ll::lfs_file_t::default(),
            file_config: ll::lfs_file_config::default(),
            dir: ll::lfs_dir_t::default(),
            read_buffer: vec![0; cache as usize],
            prog_buffer: vec![0; cache as usize],
            file_buffer: vec![0; cache as usize],
            lookahead_buffer: vec![0; lookahead as usize / 8],
            mounted: false,
            device,
        });
        let p = Box::into_raw(inner);
        // SAFETY: `p` comes from `Box::into_raw` just above: valid, aligned and not referenced
        // anywhere else. Fields are written through `p` only (no reference to the whole
        // `Inner` is made, so the device pointer taken here stays the one every later access
        // to the device derives from). The pointers stored point into that allocation (the
        // device) or into the heap buffers of its vectors, which are never resized; all stay
        // valid until `Drop` frees the allocation.
        unsafe {
            let read_buffer = (*p).read_buffer.as_mut_ptr() as *mut c_void;
            let prog_buffer = (*p).prog_buffer.as_mut_ptr() as *mut c_void;
            let lookahead_buffer = (*p).lookahead_buffer.as_mut_ptr() as *mut c_void;
            (*p).file_config.buffer = (*p).file_buffer.as_mut_ptr() as *mut c_void;
            (*p).config = ll::lfs_config {
                context: addr_of_mut!((*p).device) as *mut c_void,
                read: Some(read_callback::<D>),
                prog: Some(prog_callback::<D>),
                erase: Some(erase_callback::<D>),
                sync: Some(sync_callback::<D>),
                read_size: g.read_size,
                prog_size: g.program_size,
                block_size: g.block_size,
                block_count: g.block_count,
                // Metadata pairs move after 500 erases, spreading wear (littlefs suggests
                // 100-1000).
                block_cycles: 500,
                cache_size: cache,
                lookahead_size: lookahead,
                read_buffer,
                prog_buffer,
                lookahead_buffer,
                ..ll::lfs_config::default()
            };
        }
        Lfs {
            // SAFETY: `Box::into_raw` never returns null.
            inner: unsafe { NonNull::new_unchecked(p) },
            _owns: PhantomData,
        }
    }

    fn lfs(&mut self) -> *mut ll::lfs_t {
        // SAFETY: `inner` is live for as long as `self`; only a raw pointer is made.
        unsafe { addr_of_mut!((*self.inner.as_ptr()).lfs) }
    }

    fn config(&mut self) -> *const ll::lfs_config {
        // SAFETY: as in `lfs`.
        unsafe { addr_of!((*self.inner.as_ptr()).config) }
    }

    fn file(&mut self) -> (*mut ll::lfs_file_t, *const ll::lfs_file_config) {
        let p = self.inner.as_ptr();
        // SAFETY: as in `lfs`.
        unsafe { (addr_of_mut!((*p).file), addr_of!((*p).file_config)) }
    }

    fn dir(&mut self) -> *mut ll::lfs_dir_t {
        // SAFETY: as in `lfs`.
        unsafe { addr_of_mut!((*self.inner.as_ptr()).dir) }
    }

    fn mounted(&mut self) -> &mut bool {
        // SAFETY: `inner` is live; no littlefs call runs while this reference exists (it is
        // used only between calls) and littlefs never touches this field.
        unsafe { &mut (*self.inner.as_ptr()).mounted }
    }

    /// The device pointer littlefs's callbacks use; every access to the device from Rust
    /// derives from it too.
    fn device_ptr(&self) -> *mut D {
        // SAFETY: `inner` is live and littlefs never writes the configuration.
        unsafe { (*self.inner.as_ptr()).config.context as *mut D }
    }

    /// The device (no littlefs call can run while the reference lives: they need `&mut`).
    pub(crate) fn device(&self) -> &D {
        // SAFETY: the pointer is valid while `self` lives; littlefs only reaches the device
        // inside calls made through `&mut self`, which cannot happen while this shared borrow
        // of `self` lives.
        unsafe { &*self.device_ptr() }
    }

    /// The device, for direct access between littlefs calls.
    pub(crate) fn device_mut(&mut self) -> &mut D {
        // SAFETY: as in `device`; `&mut self` makes this the only reference.
        unsafe { &mut *self.device_ptr() }
    }

    /// The geometry littlefs was configured with.
    pub(crate) fn geometry(&self) -> Geometry {
        self.device().geometry()
    }

    /// The cache size littlefs was configured with.
    pub(crate) fn cache_size(&self) -> u32 {
        // SAFETY: `inner` is live and littlefs never writes the configuration.
        unsafe { (*self.inner.as_ptr()).config.cache_size }
    }

    /// `lfs_format`: writes a new, empty file system (must not be mounted).
    pub(crate) fn format(&mut self) -> Result<(), LfsError> {
        self.unmount();
        let (lfs, config) = (self.lfs(), self.config());
        // SAFETY: both pointers point into the live `Inner`; the configuration is complete
        // (set up by `new`) and no Rust reference into `Inner` is alive during the call.
        check(unsafe { ll::lfs_format(lfs, config) }).map(|_| ())
    }

    /// `lfs_mount`.
    pub(crate) fn mount(&mut self) -> Result<(), LfsError> {
        self.unmount();
        let (lfs, config) = (self.lfs(), self.config());
        // SAFETY: as in `format`.
        check(unsafe { ll::lfs_mount(lfs, config) })?;
        *self.mounted() = true;
        Ok(())
    }

    /// `lfs_unmount` if mounted (it only frees state; nothing is written).
    pub(crate) fn unmount(&mut self) {
        if core::mem::take(self.mounted()) {
            let lfs = self.lfs();
            // SAFETY: the file system is mounted on this `lfs_t`; no file or directory is open
            // (every operation closes its own).
            unsafe { ll::lfs_unmount(lfs) };
        }
    }

    fn require_mounted(&mut self) -> Result<(), LfsError> {
        if *self.mounted() {
            Ok(())
        } else {
            Err(LfsError::INVAL)
        }
    }

    /// `lfs_stat`: `None` when `path` does not exist.
    pub(crate) fn stat(&mut self, path: &CPath) -> Result<Option<Info>, LfsError> {
        self.require_mounted()?;
        let mut info = ll::lfs_info::default();
        let lfs = self.lfs();
        // SAFETY: mounted `lfs`; `path` is NUL-terminated; `info` is a valid local.
        match check(unsafe { ll::lfs_stat(lfs, path.as_ptr() as *const c_char, &mut info) }) {
            Ok(_) => Ok(Some(Info {
                is_dir: u32::from(info.type_) == ll::lfs_type_LFS_TYPE_DIR,
            })),
            Err(LfsError::NOENT) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `lfs_mkdir`.
    pub(crate) fn mkdir(&mut self, path: &CPath) -> Result<(), LfsError> {
        self.require_mounted()?;
        let lfs = self.lfs();
        // SAFETY: mounted `lfs`; `path` is NUL-terminated.
        check(unsafe { ll::lfs_mkdir(lfs, path.as_ptr() as *const c_char) }).map(|_| ())
    }

    /// `lfs_remove`.
    pub(crate) fn remove(&mut self, path: &CPath) -> Result<(), LfsError> {
        self.require_mounted()?;
        let lfs = self.lfs();
        // SAFETY: mounted `lfs`; `path` is NUL-terminated.
        check(unsafe { ll::lfs_remove(lfs, path.as_ptr() as *const c_char) }).map(|_| ())
    }

    /// `lfs_rename`: atomically replaces `to` (if it exists) by `from`.
    pub(crate) fn rename(&mut self, from: &CPath, to: &CPath) -> Result<(), LfsError> {
        self.require_mounted()?;
        let lfs = self.lfs();
        // SAFETY: mounted `lfs`; both paths are NUL-terminated.
        check(unsafe {
            ll::lfs_rename(
                lfs,
                from.as_ptr() as *const c_char,
                to.as_ptr() as *const c_char,
            )
        })
        .map(|_| ())
    }

    /// Creates or truncates `path`, writes `data`, and closes it: littlefs commits the new
    /// content at the close, in one metadata commit.
    pub(crate) fn write_file(&mut self, path: &CPath, data: &[u8]) -> Result<(), LfsError> {
        self.require_mounted()?;
        let lfs = self.lfs();
        let (file, file_config) = self.file();
        let flags = ll::lfs_open_flags_LFS_O_WRONLY
            | ll::lfs_open_flags_LFS_O_CREAT
            | ll::lfs_open_flags_LFS_O_TRUNC;
        // SAFETY: mounted `lfs`; `file` and `file_config` live in `Inner` (the config holds
        // the file buffer of `cache_size` bytes); no other file is open in that slot.
        check(unsafe {
            ll::lfs_file_opencfg(
                lfs,
                file,
                path.as_ptr() as *const c_char,
                flags as c_int,
                file_config,
            )
        })?;
        let mut result = Ok(());
        let mut rest = data;
        while !rest.is_empty() {
            let chunk = rest.len().min(1 << 30);
            // SAFETY: the file is open; `rest` is valid for `chunk` readable bytes.
            let n = unsafe {
                ll::lfs_file_write(lfs, file, rest.as_ptr() as *const c_void, chunk as u32)
            };
            match check(n) {
                Ok(n) if n > 0 => rest = &rest[n as usize..],
                Ok(_) => {
                    result = Err(LfsError::IO);
                    break;
                }
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        // SAFETY: the file is open in this slot; closing commits it (unless a write failed,
        // then littlefs drops it) and unlinks it from littlefs's list of open files even on
        // error.
        let closed = check(unsafe { ll::lfs_file_close(lfs, file) });
        self.wipe_file_buffer();
        result.and(closed.map(|_| ()))
    }

    /// Reads the whole of `path`; [`LfsError::FBIG`] if it is longer than `max_len`. The
    /// bytes are wiped when dropped, on every path (they may be a secret record).
    pub(crate) fn read_file(
        &mut self,
        path: &CPath,
        max_len: usize,
    ) -> Result<Zeroizing<Vec<u8>>, LfsError> {
        self.require_mounted()?;
        let lfs = self.lfs();
        let (file, file_config) = self.file();
        // SAFETY: as in `write_file`.
        check(unsafe {
            ll::lfs_file_opencfg(
                lfs,
                file,
                path.as_ptr() as *const c_char,
                ll::lfs_open_flags_LFS_O_RDONLY as c_int,
                file_config,
            )
        })?;
        let result = (|| {
            // SAFETY: the file is open.
            let size = check(unsafe { ll::lfs_file_size(lfs, file) })? as usize;
            if size > max_len {
                return Err(LfsError::FBIG);
            }
            let mut out = Zeroizing::new(vec![0u8; size]);
            let mut done = 0;
            while done < size {
                // SAFETY: the file is open; `out[done..]` is valid for the writable length given.
                let n = check(unsafe {
                    ll::lfs_file_read(
                        lfs,
                        file,
                        out[done..].as_mut_ptr() as *mut c_void,
                        (size - done) as u32,
                    )
                })?;
                if n == 0 {
                    return Err(LfsError::CORRUPT);
                }
                done += n as usize;
            }
            Ok(out)
        })();
        // SAFETY: the file is open in this slot; a read-only close writes nothing.
        let closed = check(unsafe { ll::lfs_file_close(lfs, file) });
        self.wipe_file_buffer();
        // A failed close fails the read (the bytes read are wiped as they drop).
        let out = result?;
        closed?;
        Ok(out)
    }

    /// Calls `visit(name, is_file)` for each of `path`'s entries (without `.` and `..`;
    /// `is_file`: a regular file, else a directory). The visitor runs while the directory is
    /// open, so it must not call littlefs itself. A callback rather than a list of entries:
    /// the one caller keeps only record ids, so no name is copied or allocated.
    pub(crate) fn read_dir(
        &mut self,
        path: &CPath,
        visit: &mut dyn FnMut(&[u8], bool),
    ) -> Result<(), LfsError> {
        self.require_mounted()?;
        let lfs = self.lfs();
        let dir = self.dir();
        // SAFETY: mounted `lfs`; `dir` lives in `Inner`; no other directory is open in it.
        check(unsafe { ll::lfs_dir_open(lfs, dir, path.as_ptr() as *const c_char) })?;
        let result = loop {
            let mut info = ll::lfs_info::default();
            // SAFETY: the directory is open; `info` is a valid local.
            match check(unsafe { ll::lfs_dir_read(lfs, dir, &mut info) }) {
                Ok(0) => break Ok(()),
                Ok(_) => {
                    // littlefs NUL-terminates the name inside the array; `c_char` is `i8` or
                    // `u8` by target, the same bytes either way.
                    let len = info.name.iter().take_while(|&&c| c != 0).count();
                    // SAFETY: `info.name` is an array of `len` or more one-byte `c_char`s,
                    // valid for reads as bytes for as long as `info` lives.
                    let name = unsafe {
                        core::slice::from_raw_parts(info.name.as_ptr().cast::<u8>(), len)
                    };
                    if name != b"." && name != b".." {
                        visit(name, u32::from(info.type_) == ll::lfs_type_LFS_TYPE_REG);
                    }
                }
                Err(e) => break Err(e),
            }
        };
        // SAFETY: the directory is open in this slot; closing only unlinks it.
        unsafe { ll::lfs_dir_close(lfs, dir) };
        result
    }

    /// `lfs_fs_size`: blocks in use (a best effort: shared blocks may be counted twice).
    pub(crate) fn blocks_in_use(&mut self) -> Result<u32, LfsError> {
        self.require_mounted()?;
        let lfs = self.lfs();
        // SAFETY: mounted `lfs`.
        check(unsafe { ll::lfs_fs_size(lfs) }).map(|n| n as u32)
    }

    fn wipe_file_buffer(&mut self) {
        // SAFETY: no file is open (the caller just closed it), so littlefs holds no live use
        // of the buffer; the vector lives in `Inner` and is not otherwise referenced.
        unsafe { (*self.inner.as_ptr()).file_buffer.zeroize() };
    }

    /// Unmounts and gives the device back.
    pub(crate) fn into_device(self) -> D {
        let mut this = ManuallyDrop::new(self);
        this.unmount();
        // SAFETY: `inner` came from `Box::into_raw` in `new` and is freed only here or in
        // `Drop`, which will not run (`ManuallyDrop`); littlefs is unmounted and holds no
        // open file, so nothing points into the allocation any more.
        let mut inner = unsafe { Box::from_raw(this.inner.as_ptr()) };
        wipe(&mut inner);
        inner.device
    }
}

/// Clears littlefs's caches (they may hold fragments of secret records).
fn wipe<D>(inner: &mut Inner<D>) {
    inner.read_buffer.zeroize();
    inner.prog_buffer.zeroize();
    inner.file_buffer.zeroize();
}

impl<D: BlockDevice> Drop for Lfs<D> {
    fn drop(&mut self) {
        self.unmount();
        // SAFETY: as in `into_device`: the allocation from `new` is freed exactly once, with
        // littlefs unmounted.
        let mut inner = unsafe { Box::from_raw(self.inner.as_ptr()) };
        wipe(&mut inner);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(read_size: u32, program_size: u32, block_size: u32) -> Geometry {
        Geometry {
            read_size,
            program_size,
            block_size,
            block_count: 64,
            erase_value: Some(0xFF),
        }
    }

    #[test]
    fn cache_sizes() {
        assert_eq!(cache_size(&g(16, 16, 4096)), 256);
        assert_eq!(cache_size(&g(1, 4, 4096)), 256);
        assert_eq!(cache_size(&g(1, 1, 128)), 128);
        assert_eq!(cache_size(&g(4, 6, 384)), 192);
        assert_eq!(cache_size(&g(512, 512, 4096)), 512);
        assert_eq!(cache_size(&g(16, 16, 16 * 259)), 16 * 7);
    }

    #[test]
    fn lookahead_sizes() {
        assert_eq!(lookahead_size(&g(1, 1, 128)), 8);
        let big = Geometry {
            block_count: 100_000,
            ..g(1, 1, 128)
        };
        assert_eq!(lookahead_size(&big), 256);
    }

    #[test]
    fn paths() {
        assert_eq!(&c_path(b"/p11").unwrap()[..5], b"/p11\0");
        assert_eq!(c_path(&[b'a'; 64]), Err(LfsError::NAMETOOLONG));
        assert_eq!(c_path(b"a\0b"), Err(LfsError::INVAL));
    }
}
