//! The store on a host image file (`FileBlockDevice`).

#![cfg(feature = "std")]

mod common;

use common::records;
use core_pkcs11_engine::store::ObjectStore;
use core_pkcs11_littlefs::{FileBlockDevice, Geometry, LittlefsStore, MountError, RamBlockDevice};
use std::io::ErrorKind;
use std::path::PathBuf;

/// A fresh path in the temporary directory, removed when dropped.
struct TempImage(PathBuf);

impl TempImage {
    fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!(
            "core-pkcs11-littlefs-{}-{name}.img",
            std::process::id()
        ));
        let _ = std::fs::remove_file(&path);
        TempImage(path)
    }
}

impl Drop for TempImage {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn fill(store: &mut dyn ObjectStore) {
    store.save(0, b"token state").unwrap();
    for id in 1..=20u32 {
        let len = [90, 260, 820, 2500][id as usize % 4];
        store.save(id, &vec![id as u8; len]).unwrap();
    }
    store.remove(3).unwrap();
    store.save(4, b"replaced").unwrap();
}

#[test]
fn new_image_is_blank_with_the_geometry_size() {
    let image = TempImage::new("blank");
    drop(FileBlockDevice::open(&image.0, Geometry::DEFAULT).unwrap());
    let bytes = std::fs::read(&image.0).unwrap();
    assert_eq!(bytes.len(), 1 << 20);
    assert!(bytes.iter().all(|&b| b == 0xFF));
}

#[test]
fn image_is_reopened_by_a_second_store() {
    let image = TempImage::new("reopen");
    let want = {
        let mut s =
            LittlefsStore::mount(FileBlockDevice::open(&image.0, Geometry::DEFAULT).unwrap())
                .unwrap();
        fill(&mut s);
        records(&mut s)
    };
    assert_eq!(want.len(), 20);
    let mut s =
        LittlefsStore::mount(FileBlockDevice::open(&image.0, Geometry::DEFAULT).unwrap()).unwrap();
    assert_eq!(records(&mut s), want);
    s.save(50, b"more").unwrap();
    drop(s);
    let mut s =
        LittlefsStore::mount(FileBlockDevice::open(&image.0, Geometry::DEFAULT).unwrap()).unwrap();
    assert_eq!(records(&mut s).len(), 21);
}

#[test]
fn image_is_byte_identical_to_flash() {
    // The same operations on a flash-like RAM device and on an image file leave the same
    // bytes: the image can be programmed onto the device's flash as it is.
    let image = TempImage::new("identical");
    {
        let mut s =
            LittlefsStore::mount(FileBlockDevice::open(&image.0, Geometry::DEFAULT).unwrap())
                .unwrap();
        fill(&mut s);
    }
    let mut ram = RamBlockDevice::new(Geometry::DEFAULT).unwrap();
    {
        let mut s = LittlefsStore::mount(&mut ram).unwrap();
        fill(&mut s);
    }
    let file_bytes = std::fs::read(&image.0).unwrap();
    assert!(file_bytes == ram.as_bytes(), "image differs from flash");
    // And the flash device mounts the image.
    let mut s =
        LittlefsStore::mount(RamBlockDevice::from_bytes(Geometry::DEFAULT, file_bytes).unwrap())
            .unwrap();
    assert_eq!(records(&mut s).len(), 20);
}

#[test]
fn geometry_mismatch_is_detected() {
    let image = TempImage::new("mismatch");
    {
        let mut s =
            LittlefsStore::mount(FileBlockDevice::open(&image.0, Geometry::DEFAULT).unwrap())
                .unwrap();
        fill(&mut s);
    }
    let before = std::fs::read(&image.0).unwrap();
    // Another size: refused by the device itself.
    let err = FileBlockDevice::open(
        &image.0,
        Geometry {
            block_count: 128,
            ..Geometry::DEFAULT
        },
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidData);
    // Same size, another block size: littlefs finds no file system of that geometry, and
    // the store refuses to touch a device that is not blank.
    let other = Geometry {
        block_size: 1024,
        block_count: 1024,
        ..Geometry::DEFAULT
    };
    let failure =
        LittlefsStore::mount(FileBlockDevice::open(&image.0, other).unwrap()).unwrap_err();
    assert_eq!(failure.error, MountError::Unrecognised);
    drop(failure);
    assert!(
        std::fs::read(&image.0).unwrap() == before,
        "image was modified"
    );
    // An invalid geometry.
    let err = FileBlockDevice::open(
        &image.0,
        Geometry {
            block_size: 100,
            ..Geometry::DEFAULT
        },
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}
