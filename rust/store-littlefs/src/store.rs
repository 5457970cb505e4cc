//! The token's object store on littlefs.

use crate::device::{BlockDevice, BlockDeviceError, Geometry, InvalidGeometry};
use crate::lfs::{c_path, CPath, Lfs, LfsError};
use alloc::vec;
use core::fmt;
use core_pkcs11_engine::store::{ObjectStore, StoreError};
use zeroize::Zeroizing;

/// Directory holding the record files.
pub const DIRECTORY: &str = "/p11";

/// Where a record is written before it is renamed over its final name. Not a record name,
/// so [`ObjectStore::load`] ignores a copy left by a power cut; the next save replaces it.
const TEMP_PATH: &[u8] = b"/p11/.tmp";

/// [`DIRECTORY`] and [`TEMP_PATH`] as littlefs takes them, made at compile time.
const DIRECTORY_C: CPath = CPath::constant(DIRECTORY.as_bytes());
const TEMP_C: CPath = CPath::constant(TEMP_PATH);

/// Longest record file read back; a longer file is passed to the engine as an empty
/// (undecodable) record, which it counts as damaged. Records are at most a few KiB.
pub const MAX_RECORD_LEN: usize = 64 * 1024;

/// Path of record `id`: the directory and the id as 8 lowercase hex digits
/// (`/p11/0000002a`).
pub fn record_path(id: u32) -> [u8; 13] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut path = *b"/p11/00000000";
    for (i, c) in path[5..].iter_mut().enumerate() {
        *c = HEX[((id >> (28 - 4 * i)) & 0xF) as usize];
    }
    path
}

/// The record id a file name stands for: exactly 8 lowercase hex digits (so every id has
/// exactly one name); any other name is not a record file.
pub fn parse_record_name(name: &[u8]) -> Option<u32> {
    if name.len() != 8 {
        return None;
    }
    name.iter().try_fold(0u32, |id, &c| {
        let digit = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            _ => return None,
        };
        Some(id << 4 | u32::from(digit))
    })
}

/// Why [`LittlefsStore::mount`] or [`LittlefsStore::format`] failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MountError {
    /// The device's geometry is unusable.
    InvalidGeometry(InvalidGeometry),
    /// The device holds data that is not a littlefs file system with this geometry: a
    /// damaged or foreign file system, or one formatted with another block size or count.
    /// It is left as it is; only [`LittlefsStore::format`] erases it.
    Unrecognised,
    /// The device failed.
    Io,
    /// No room left for the store's directory.
    Full,
}

impl MountError {
    /// The message, in two pieces (the second is empty except for a geometry error): what
    /// `Display` prints, for callers that log without `core::fmt`.
    pub fn message(&self) -> [&'static str; 2] {
        match self {
            MountError::InvalidGeometry(e) => [InvalidGeometry::PREFIX, e.0],
            MountError::Unrecognised => [
                "the device holds no littlefs file system of this geometry and is not blank",
                "",
            ],
            MountError::Io => ["block device error while mounting", ""],
            MountError::Full => ["no room for the object store's directory", ""],
        }
    }
}

impl fmt::Display for MountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [what, detail] = self.message();
        f.write_str(what)?;
        f.write_str(detail)
    }
}

#[cfg(feature = "std")]
impl std::error::Error for MountError {}

fn mount_error(e: LfsError) -> MountError {
    match e {
        LfsError::IO => MountError::Io,
        LfsError::NOSPC => MountError::Full,
        _ => MountError::Unrecognised,
    }
}

/// A failed mount or format: the reason, and the device handed back (unchanged unless a
/// format, explicit or of a blank device, wrote to it).
pub struct MountFailure<D> {
    /// Why it failed.
    pub error: MountError,
    /// The device.
    pub device: D,
}

impl<D> fmt::Debug for MountFailure<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MountFailure")
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

impl<D> fmt::Display for MountFailure<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.error.fmt(f)
    }
}

#[cfg(feature = "std")]
impl<D> std::error::Error for MountFailure<D> {}

/// The token's records on littlefs, one file per record, implementing the engine's
/// [`ObjectStore`].
///
/// Layout: directory [`DIRECTORY`] (`/p11`), record `id` in file `/p11/%08x` ([`record_path`]),
/// the file's content exactly the record's bytes. Other files and directories (anywhere,
/// `/p11` included) are ignored, so the file system can be shared with the application.
///
/// Atomicity: a save writes the record to a temporary file, closes it (littlefs commits
/// the file), then renames it over the record's name. littlefs renames atomically (one
/// metadata commit; a rename across metadata blocks is finished at the next mount from a
/// "pending move" kept in littlefs's global state), so after a power cut at any instant the
/// record file holds either its old or its new content, and a new record either exists
/// completely or not at all. Writing the record file in place would not do for new records:
/// littlefs creates the file's (empty) directory entry when the file is opened, so a cut
/// before the close would leave an empty record. A remove is one littlefs commit.
///
/// The littlefs configuration is derived from the device's [`Geometry`] at run time (see the
/// `lfs` module for why `littlefs2-sys` is used rather than `littlefs2`): cache size up to
/// 256 bytes, lookahead of one bit per block (at most 256 bytes), `block_cycles` 500, no
/// `malloc` (buffers are allocated here, about `3 × cache + lookahead` bytes plus littlefs's
/// own state).
pub struct LittlefsStore<D: BlockDevice> {
    fs: Lfs<D>,
}

impl<D: BlockDevice> fmt::Debug for LittlefsStore<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LittlefsStore")
            .field("geometry", &self.geometry())
            .finish_non_exhaustive()
    }
}

impl<D: BlockDevice> LittlefsStore<D> {
    /// Mounts the store on `device`.
    ///
    /// A device on which littlefs finds no file system is formatted only if it is blank: no
    /// block outside littlefs's superblock pair (blocks 0 and 1) holds anything but the
    /// erase value (or, when the geometry gives none, one value throughout). Blocks 0 and 1
    /// may hold anything because they are all an interrupted format writes, so a device
    /// whose first format was cut by a power loss is formatted again; any other content
    /// (another file system, this one damaged, or one of another geometry, which littlefs
    /// refuses) fails with [`MountError::Unrecognised`] and is never erased.
    ///
    /// Creates the directory `/p11` if it is missing.
    pub fn mount(device: D) -> Result<Self, MountFailure<D>> {
        let geometry = device.geometry();
        if let Err(e) = geometry.check() {
            return Err(MountFailure {
                error: MountError::InvalidGeometry(e),
                device,
            });
        }
        let mut fs = Lfs::new(device);
        let mounted = match fs.mount() {
            Ok(()) => Ok(()),
            Err(LfsError::CORRUPT) => match blank(&mut fs) {
                Ok(true) => fs.format().and_then(|()| fs.mount()).map_err(mount_error),
                Ok(false) => Err(MountError::Unrecognised),
                Err(_) => Err(MountError::Io),
            },
            Err(e) => Err(mount_error(e)),
        };
        Self::finish(fs, mounted)
    }

    /// Formats `device` (erasing whatever it holds) and mounts the new, empty store.
    pub fn format(device: D) -> Result<Self, MountFailure<D>> {
        let geometry = device.geometry();
        if let Err(e) = geometry.check() {
            return Err(MountFailure {
                error: MountError::InvalidGeometry(e),
                device,
            });
        }
        let mut fs = Lfs::new(device);
        let mounted = fs.format().and_then(|()| fs.mount()).map_err(mount_error);
        Self::finish(fs, mounted)
    }

    /// Makes sure `/p11` exists on a mounted file system.
    fn finish(mut fs: Lfs<D>, mounted: Result<(), MountError>) -> Result<Self, MountFailure<D>> {
        let result = mounted.and_then(|()| match fs.stat(&DIRECTORY_C) {
            Ok(Some(info)) if info.is_dir => Ok(()),
            Ok(Some(_)) => Err(MountError::Unrecognised),
            Ok(None) => fs.mkdir(&DIRECTORY_C).map_err(mount_error),
            Err(e) => Err(mount_error(e)),
        });
        match result {
            Ok(()) => Ok(LittlefsStore { fs }),
            Err(error) => Err(MountFailure {
                error,
                device: fs.into_device(),
            }),
        }
    }

    /// Unmounts and gives the device back.
    pub fn into_device(self) -> D {
        self.fs.into_device()
    }

    /// The device (for inspection; the store may not be used while the reference lives).
    pub fn device(&self) -> &D {
        self.fs.device()
    }

    /// The device's geometry.
    pub fn geometry(&self) -> Geometry {
        self.fs.geometry()
    }

    /// Size of littlefs's caches in bytes for this geometry.
    pub fn cache_size(&self) -> u32 {
        self.fs.cache_size()
    }

    /// Blocks in use, as littlefs counts them (`lfs_fs_size`: superblock, directories,
    /// files; an estimate that may count a block shared by two structures twice).
    pub fn blocks_in_use(&mut self) -> Result<u32, StoreError> {
        self.fs.blocks_in_use().map_err(store_error)
    }

    /// Writes a file that is not a record (for an application sharing the file system, and
    /// for tests): created or replaced atomically, as records are. `path` is absolute, at most
    /// 63 bytes; its directory must exist. A name in `/p11` that reads as a record id
    /// ([`parse_record_name`]) becomes that record.
    pub fn write_file(&mut self, path: &str, contents: &[u8]) -> Result<(), StoreError> {
        self.write_atomically(&c_path(path.as_bytes()), contents)
            .map_err(|e| self.failed_write(e))
    }

    /// Creates a directory (for an application sharing the file system, and for tests); an
    /// existing one is not an error.
    pub fn create_dir(&mut self, path: &str) -> Result<(), StoreError> {
        let path = c_path(path.as_bytes()).map_err(store_error)?;
        match self.fs.stat(&path) {
            Ok(Some(info)) if info.is_dir => Ok(()),
            Ok(_) => self.fs.mkdir(&path).map_err(store_error),
            Err(e) => Err(store_error(e)),
        }
    }

    /// Writes `contents` to the temporary file and renames it to `path` (see the type's
    /// documentation for why this is atomic). A `path` littlefs cannot take fails at the
    /// rename, as any error there does.
    fn write_atomically(
        &mut self,
        path: &Result<CPath, LfsError>,
        contents: &[u8],
    ) -> Result<(), LfsError> {
        // A temporary file left by a power cut (or a failed save) is dropped first, so its
        // blocks are free for this one. Removed directly, absent being fine: littlefs writes
        // nothing for an absent file (the consistency pass its remove runs first is one the
        // open for writing below runs anyway), and no stat first means less code.
        match self.fs.remove(&TEMP_C) {
            Ok(()) | Err(LfsError::NOENT) => {}
            Err(e) => return Err(e),
        }
        self.fs.write_file(&TEMP_C, contents)?;
        self.fs.rename(&TEMP_C, path.as_ref().map_err(|e| *e)?)
    }

    fn failed_write(&mut self, e: LfsError) -> StoreError {
        // Best effort: free the temporary file's blocks (the next write retries anyway).
        let _ = self.fs.remove(&TEMP_C);
        store_error(e)
    }
}

/// True when every block but 0 and 1 holds only the erase value (or one value throughout if
/// the geometry has none).
fn blank<D: BlockDevice>(fs: &mut Lfs<D>) -> Result<bool, BlockDeviceError> {
    let g = fs.geometry();
    let mut buf = Zeroizing::new(vec![0u8; fs.cache_size() as usize]);
    let mut fill = g.erase_value;
    let device = fs.device_mut();
    // The cache size divides the block size and is at least 1 (the geometry was checked: no
    // zero read or program size). A plain loop: `step_by` would link its zero-step panic.
    let step = buf.len() as u32;
    for block in 2..g.block_count {
        let mut offset = 0;
        while offset < g.block_size {
            device.read(block, offset, &mut buf)?;
            let value = *fill.get_or_insert(buf[0]);
            if buf.iter().any(|&b| b != value) {
                return Ok(false);
            }
            offset += step;
        }
    }
    Ok(true)
}

fn store_error(e: LfsError) -> StoreError {
    if e == LfsError::NOSPC {
        StoreError::Full
    } else {
        StoreError::Io
    }
}

impl<D: BlockDevice + Send> ObjectStore for LittlefsStore<D> {
    /// Visits every record file of `/p11`. A record file littlefs finds damaged, or longer
    /// than [`MAX_RECORD_LEN`], is visited with no bytes (the engine counts it as damaged);
    /// a device error fails the load.
    fn load(&mut self, visit: &mut dyn FnMut(u32, &[u8])) -> Result<(), StoreError> {
        // The ids first, then the files: no file is opened while the directory is.
        let mut ids = alloc::vec::Vec::new();
        self.fs
            .read_dir(&DIRECTORY_C, &mut |name, is_file| {
                if let Some(id) = parse_record_name(name).filter(|_| is_file) {
                    ids.push(id);
                }
            })
            .map_err(store_error)?;
        for &id in &ids {
            match self
                .fs
                .read_file(&CPath::from_array(&record_path(id)), MAX_RECORD_LEN)
            {
                Ok(bytes) => visit(id, &bytes),
                Err(LfsError::CORRUPT) | Err(LfsError::FBIG) => visit(id, &[]),
                // Gone since the listing: nothing to load.
                Err(LfsError::NOENT) => {}
                Err(e) => return Err(store_error(e)),
            }
        }
        Ok(())
    }

    fn save(&mut self, id: u32, record: &[u8]) -> Result<(), StoreError> {
        self.write_atomically(&Ok(CPath::from_array(&record_path(id))), record)
            .map_err(|e| self.failed_write(e))
    }

    fn remove(&mut self, id: u32) -> Result<(), StoreError> {
        match self.fs.remove(&CPath::from_array(&record_path(id))) {
            Ok(()) | Err(LfsError::NOENT) => Ok(()),
            Err(e) => Err(store_error(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(&record_path(0x2a), b"/p11/0000002a");
        assert_eq!(&record_path(u32::MAX), b"/p11/ffffffff");
        assert_eq!(parse_record_name(b"0000002a"), Some(0x2a));
        assert_eq!(parse_record_name(b"ffffffff"), Some(u32::MAX));
        for bad in [
            &b"0000002A"[..],
            b"2a",
            b"000000002a",
            b".tmp",
            b"0000002g",
            b"-000002a",
        ] {
            assert_eq!(parse_record_name(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn mount_error_messages() {
        let geometry = MountError::InvalidGeometry(InvalidGeometry("block size too small"));
        for (error, text) in [
            (
                geometry,
                "invalid block device geometry: block size too small",
            ),
            (MountError::Io, "block device error while mounting"),
            (MountError::Full, "no room for the object store's directory"),
            (
                MountError::Unrecognised,
                "the device holds no littlefs file system of this geometry and is not blank",
            ),
        ] {
            assert_eq!(alloc::format!("{error}"), text);
            assert_eq!(error.message().concat(), text);
        }
        assert_eq!(
            alloc::format!("{}", InvalidGeometry("x")),
            "invalid block device geometry: x"
        );
    }
}
