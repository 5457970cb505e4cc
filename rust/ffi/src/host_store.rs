//! The host's object store: littlefs on an image file, in the same format a device's flash
//! holds (an image prepared on a host can be written to a device unchanged).
//!
//! Where the image is, first match wins:
//! 1. `CORE_PKCS11_STORE`: a path, or `:memory:` for a store in RAM only;
//! 2. the `store = PATH` line of the configuration file named by `CORE_PKCS11_CONF`, else of
//!    `$XDG_CONFIG_HOME/core-pkcs11/core-pkcs11.conf` (`~/.config/...`);
//! 3. `$XDG_DATA_HOME/core-pkcs11/token.img` (`~/.local/share/core-pkcs11/token.img`).
//!
//! One process at a time: the library holds an exclusive lock on the image from
//! `C_Initialize` to `C_Finalize`; another process's `C_Initialize` waits up to
//! [`LOCK_WAIT`] for it and then fails with `CKR_DEVICE_ERROR` and a log line saying so.

use crate::log::{log, Level};
use alloc::boxed::Box;
use alloc::string::{String, ToString};
use core_pkcs11_engine::ck::CKR_DEVICE_ERROR;
use core_pkcs11_engine::store::{ObjectStore, StoreError};
use core_pkcs11_engine::{CkResult, MemoryStore};
use core_pkcs11_littlefs::{FileBlockDevice, Geometry, LittlefsStore};
use std::fs::{self, File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Environment variable naming the image (or `:memory:`).
pub const STORE_ENV: &str = "CORE_PKCS11_STORE";
/// Environment variable naming the configuration file.
pub const CONF_ENV: &str = "CORE_PKCS11_CONF";
/// How long `C_Initialize` waits for another process to release the image.
pub const LOCK_WAIT: Duration = Duration::from_secs(5);

/// Where the store lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// RAM only: token objects last until `C_Finalize`.
    Memory,
    /// An image file.
    Image(PathBuf),
}

fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

fn home_dir(xdg: &str, fallback: &str) -> Option<PathBuf> {
    env_path(xdg).or_else(|| env_path("HOME").map(|h| h.join(fallback)))
}

/// The `store = PATH` setting of a configuration file's text (`#` starts a comment).
pub fn store_setting(text: &str) -> Option<String> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter_map(|l| l.split_once('='))
        .filter(|(k, _)| k.trim() == "store")
        .map(|(_, v)| v.trim().to_string())
        .next_back()
}

fn parse_location(value: &str) -> Location {
    if value == ":memory:" {
        Location::Memory
    } else {
        Location::Image(PathBuf::from(value))
    }
}

/// The store's location from the environment, the configuration file and the defaults.
pub fn location() -> Option<Location> {
    if let Some(v) = std::env::var_os(STORE_ENV).filter(|v| !v.is_empty()) {
        return Some(parse_location(&v.to_string_lossy()));
    }
    let conf = env_path(CONF_ENV).or_else(|| {
        home_dir("XDG_CONFIG_HOME", ".config").map(|d| d.join("core-pkcs11/core-pkcs11.conf"))
    });
    if let Some(text) = conf.and_then(|p| fs::read_to_string(p).ok()) {
        if let Some(v) = store_setting(&text) {
            return Some(parse_location(&v));
        }
    }
    home_dir("XDG_DATA_HOME", ".local/share")
        .map(|d| Location::Image(d.join("core-pkcs11/token.img")))
}

/// A littlefs store on an image file, with the image locked for this process.
pub struct LockedImageStore {
    store: LittlefsStore<FileBlockDevice>,
    _lock: File,
}

impl ObjectStore for LockedImageStore {
    fn load(&mut self, visit: &mut dyn FnMut(u32, &[u8])) -> Result<(), StoreError> {
        self.store.load(visit)
    }
    fn save(&mut self, id: u32, record: &[u8]) -> Result<(), StoreError> {
        self.store.save(id, record)
    }
    fn remove(&mut self, id: u32) -> Result<(), StoreError> {
        self.store.remove(id)
    }
}

fn lock_image(path: &Path) -> Result<File, String> {
    let lock_path = path.with_extension("lock");
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| alloc::format!("cannot open {}: {e}", lock_path.display()))?;
    let start = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(TryLockError::WouldBlock) if start.elapsed() < LOCK_WAIT => {
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(TryLockError::WouldBlock) => {
                return Err(alloc::format!(
                    "the token image {} is in use by another process",
                    path.display()
                ))
            }
            Err(TryLockError::Error(e)) => {
                return Err(alloc::format!("cannot lock {}: {e}", lock_path.display()))
            }
        }
    }
}

/// Opens (creating if needed) the image store at `path`.
pub fn open_image(path: &Path) -> Result<LockedImageStore, String> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir)
            .map_err(|e| alloc::format!("cannot create {}: {e}", dir.display()))?;
    }
    let lock = lock_image(path)?;
    let device = FileBlockDevice::open(path, Geometry::DEFAULT)
        .map_err(|e| alloc::format!("cannot open the token image {}: {e}", path.display()))?;
    let store = LittlefsStore::mount(device).map_err(|f| {
        alloc::format!(
            "cannot mount the token image {}: {}",
            path.display(),
            f.error
        )
    })?;
    Ok(LockedImageStore { store, _lock: lock })
}

/// Opens the host store for `C_Initialize` (unused with the vendor PAL store, which then
/// takes its place).
#[cfg_attr(feature = "pal", allow(dead_code))]
pub(crate) fn open() -> CkResult<Box<dyn ObjectStore>> {
    match location() {
        Some(Location::Memory) => Ok(Box::new(MemoryStore::new())),
        Some(Location::Image(path)) => match open_image(&path) {
            Ok(store) => Ok(Box::new(store)),
            Err(message) => {
                log(Level::Error, format_args!("{message}"));
                Err(CKR_DEVICE_ERROR)
            }
        },
        None => {
            log(
                Level::Error,
                format_args!("no token image: set CORE_PKCS11_STORE or HOME"),
            );
            Err(CKR_DEVICE_ERROR)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configuration_file_setting() {
        assert_eq!(store_setting("store = /a/b.img\n"), Some("/a/b.img".into()));
        assert_eq!(store_setting("# store = /x\nother=1\n"), None);
        assert_eq!(
            store_setting("store=/first\nstore = /last # note"),
            Some("/last".into())
        );
        assert_eq!(parse_location(":memory:"), Location::Memory);
    }

    #[test]
    fn image_is_locked_for_one_process_at_a_time() {
        let dir =
            std::env::temp_dir().join(alloc::format!("core-pkcs11-lock-{}", std::process::id()));
        let path = dir.join("token.img");
        let first = open_image(&path).unwrap();
        // A second opener (as another process would) waits, then gives up with a message.
        let start = Instant::now();
        let second = open_image(&path);
        assert!(second.is_err());
        assert!(second.err().unwrap().contains("in use by another process"));
        assert!(start.elapsed() >= LOCK_WAIT);
        drop(first);
        assert!(open_image(&path).is_ok());
        let _ = fs::remove_dir_all(&dir);
    }
}
