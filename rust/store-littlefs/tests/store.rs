//! The littlefs store through the engine's `ObjectStore` trait, on RAM devices.

mod common;

use common::{mount, records};
use core_pkcs11_engine::store::{ObjectStore, StoreError};
use core_pkcs11_littlefs::{
    FailingBlockDevice, Geometry, LittlefsStore, MountError, RamBlockDevice,
};
use std::collections::BTreeMap;

fn ram() -> RamBlockDevice {
    RamBlockDevice::new(Geometry::DEFAULT).unwrap()
}

/// Sizes like real records: EC public key, EC private key, certificate, RSA-2048 private key,
/// data object.
const SIZES: [usize; 5] = [260, 330, 820, 2500, 90];

fn record(id: u32, len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u32 ^ id.wrapping_mul(31)) as u8)
        .collect()
}

#[test]
fn save_replace_remove_load() {
    let mut dev = ram();
    {
        let mut s = mount(&mut dev);
        assert!(records(&mut s).is_empty());
        s.save(0, b"token state").unwrap();
        s.save(42, &record(42, 1000)).unwrap();
        s.save(7, b"seven").unwrap();
        s.save(7, b"seven, replaced").unwrap();
        s.save(42, b"short now").unwrap();
        s.remove(0).unwrap();
        s.remove(12345).unwrap(); // absent: not an error
        s.save(0, b"state again").unwrap();
        let want = BTreeMap::from([
            (0, b"state again".to_vec()),
            (7, b"seven, replaced".to_vec()),
            (42, b"short now".to_vec()),
        ]);
        assert_eq!(records(&mut s), want);
        s.save(u32::MAX, b"max id").unwrap();
    }
    // A second mount of the same device sees the same records.
    let mut s = mount(&mut dev);
    let all = records(&mut s);
    assert_eq!(all.len(), 4);
    assert_eq!(all[&7], b"seven, replaced");
    assert_eq!(all[&u32::MAX], b"max id");
    drop(s);
    assert_eq!(dev.overwrites(), 0, "littlefs programmed a non-erased byte");
}

#[test]
fn empty_record_round_trips() {
    let mut s = mount(ram());
    s.save(3, b"").unwrap();
    assert_eq!(records(&mut s), BTreeMap::from([(3, Vec::new())]));
}

#[test]
fn two_hundred_records_of_real_sizes() {
    let mut dev = ram();
    let mut want = BTreeMap::new();
    {
        let mut s = mount(&mut dev);
        s.save(0, &record(0, 200)).unwrap();
        want.insert(0, record(0, 200));
        for id in 1..=200u32 {
            let r = record(id, SIZES[id as usize % SIZES.len()]);
            s.save(id, &r).unwrap();
            want.insert(id, r);
        }
        eprintln!(
            "200 records: {} of {} blocks in use",
            s.blocks_in_use().unwrap(),
            s.geometry().block_count
        );
        assert_eq!(records(&mut s), want);
        // Replace every record once more (each save needs room for old and new at once).
        for id in 1..=200u32 {
            let r = record(id + 1000, SIZES[id as usize % SIZES.len()]);
            s.save(id, &r).unwrap();
            want.insert(id, r);
        }
    }
    let mut s = mount(&mut dev);
    assert_eq!(records(&mut s), want);
    for id in (1..=200u32).step_by(2) {
        s.remove(id).unwrap();
        want.remove(&id);
    }
    assert_eq!(records(&mut s), want);
    drop(s);
    assert_eq!(records(&mut mount(&mut dev)), want);
    assert_eq!(dev.overwrites(), 0);
}

#[test]
fn full_device_reports_full_and_recovers() {
    let g = Geometry {
        block_count: 16,
        ..Geometry::DEFAULT
    };
    let mut s = mount(RamBlockDevice::new(g).unwrap());
    let mut saved = 0u32;
    let err = loop {
        match s.save(saved + 1, &record(saved, 2500)) {
            Ok(()) => saved += 1,
            Err(e) => break e,
        }
        assert!(saved < 100, "never full");
    };
    assert_eq!(err, StoreError::Full);
    assert!(saved >= 5, "only {saved} records fit");
    // Nothing lost, nothing half there.
    let all = records(&mut s);
    assert_eq!(all.len(), saved as usize);
    // Room comes back.
    s.remove(1).unwrap();
    s.remove(2).unwrap();
    s.save(1000, &record(1000, 2500)).unwrap();
    assert_eq!(records(&mut s).len(), saved as usize - 1);
}

#[test]
fn other_files_and_bad_names_are_ignored() {
    let mut s = mount(ram());
    s.save(5, b"five").unwrap();
    s.write_file("/p11/notes.txt", b"not a record").unwrap();
    s.write_file("/p11/0000002A", b"upper-case hex is not a record name")
        .unwrap();
    s.write_file("/p11/0000zz01", b"not hex").unwrap();
    s.write_file("/p11/2a", b"too short").unwrap();
    s.write_file("/p11/.tmp", b"a leftover temporary file")
        .unwrap();
    s.create_dir("/p11/00000099").unwrap(); // a directory named like a record
    s.create_dir("/app").unwrap();
    s.write_file("/app/00000001", b"the application's own file")
        .unwrap();
    s.write_file("/0000000a", b"outside the directory").unwrap();
    // A valid name written by hand is a record.
    s.write_file("/p11/0000000b", b"eleven").unwrap();
    let want = BTreeMap::from([(5, b"five".to_vec()), (11, b"eleven".to_vec())]);
    assert_eq!(records(&mut s), want);
    // The leftover temporary file is replaced by the next save.
    s.save(6, b"six").unwrap();
    assert_eq!(records(&mut s).len(), 3);
}

#[test]
fn non_blank_foreign_device_is_not_formatted() {
    let mut dev = ram();
    for (i, b) in dev.as_bytes_mut().iter_mut().enumerate().skip(3 * 4096) {
        *b = (i % 251) as u8;
    }
    let before = dev.as_bytes().to_vec();
    let failure = LittlefsStore::mount(dev).unwrap_err();
    assert_eq!(failure.error, MountError::Unrecognised);
    assert_eq!(failure.device.as_bytes(), &before[..], "device was written");
    // An explicit format takes it over.
    let mut s = LittlefsStore::format(failure.device).unwrap();
    s.save(1, b"one").unwrap();
    assert_eq!(records(&mut s).len(), 1);
}

#[test]
fn blank_device_without_known_erase_value_is_formatted() {
    let g = Geometry {
        erase_value: None,
        ..Geometry::DEFAULT
    };
    let dev = RamBlockDevice::from_bytes(g, vec![0u8; 1 << 20]).unwrap();
    let mut s = LittlefsStore::mount(dev).unwrap();
    s.save(1, b"one").unwrap();
}

#[test]
fn invalid_geometry_is_refused() {
    struct Odd(RamBlockDevice);
    impl core_pkcs11_littlefs::BlockDevice for Odd {
        fn geometry(&self) -> Geometry {
            Geometry {
                block_size: 100,
                ..self.0.geometry()
            }
        }
        fn read(
            &mut self,
            b: u32,
            o: u32,
            buf: &mut [u8],
        ) -> Result<(), core_pkcs11_littlefs::BlockDeviceError> {
            self.0.read(b, o, buf)
        }
        fn program(
            &mut self,
            b: u32,
            o: u32,
            d: &[u8],
        ) -> Result<(), core_pkcs11_littlefs::BlockDeviceError> {
            self.0.program(b, o, d)
        }
        fn erase(&mut self, b: u32) -> Result<(), core_pkcs11_littlefs::BlockDeviceError> {
            self.0.erase(b)
        }
        fn sync(&mut self) -> Result<(), core_pkcs11_littlefs::BlockDeviceError> {
            self.0.sync()
        }
    }
    let failure = LittlefsStore::mount(Odd(ram())).unwrap_err();
    assert!(matches!(failure.error, MountError::InvalidGeometry(_)));
    let failure = LittlefsStore::format(failure.device).unwrap_err();
    assert!(matches!(failure.error, MountError::InvalidGeometry(_)));
}

#[test]
fn image_of_another_geometry_is_refused_untouched() {
    let mut dev = ram();
    {
        let mut s = mount(&mut dev);
        s.save(1, &record(1, 3000)).unwrap();
    }
    let image = dev.into_bytes();
    // Same bytes, smaller blocks.
    let small_blocks = Geometry {
        block_size: 512,
        block_count: 2048,
        ..Geometry::DEFAULT
    };
    let failure =
        LittlefsStore::mount(RamBlockDevice::from_bytes(small_blocks, image.clone()).unwrap())
            .unwrap_err();
    assert_eq!(failure.error, MountError::Unrecognised);
    assert_eq!(failure.device.as_bytes(), &image[..]);
    // Same block size, more blocks (littlefs checks the count in its superblock).
    let more_blocks = Geometry {
        block_count: 512,
        ..Geometry::DEFAULT
    };
    let mut bigger = image.clone();
    bigger.resize(512 * 4096, 0xFF);
    let failure =
        LittlefsStore::mount(RamBlockDevice::from_bytes(more_blocks, bigger.clone()).unwrap())
            .unwrap_err();
    assert_eq!(failure.error, MountError::Unrecognised);
    assert_eq!(failure.device.as_bytes(), &bigger[..]);
}

#[test]
fn device_errors_are_io() {
    let mut dev = ram();
    drop(mount(&mut dev));
    let mut s = mount(FailingBlockDevice::cut_after(dev, 0));
    assert_eq!(s.save(1, b"x"), Err(StoreError::Io));
    assert_eq!(s.remove(1), Err(StoreError::Io));
    let failing = s.into_device();
    assert!(failing.is_cut());
    // A device that fails at mount.
    let dead = FailingBlockDevice::cut_after(failing.into_inner(), 0);
    let mut dead = dead;
    let _ = core_pkcs11_littlefs::BlockDevice::erase(&mut dead, 5); // trips the cut
    let failure = LittlefsStore::mount(dead).unwrap_err();
    assert_eq!(failure.error, MountError::Io);
}

#[test]
fn interrupted_first_format_is_redone() {
    // Learn how many operations the first mount (format + directory) takes.
    let counting = LittlefsStore::mount(FailingBlockDevice::counting(ram()))
        .unwrap()
        .into_device();
    let n = counting.operations();
    assert!(n > 0);
    eprintln!(
        "first mount: {n} program/erase operations, {} cut points tried",
        2 * n
    );
    for torn in [false, true] {
        for k in 0..n {
            let dev = if torn {
                FailingBlockDevice::torn_after(ram(), k)
            } else {
                FailingBlockDevice::cut_after(ram(), k)
            };
            let dev = match LittlefsStore::mount(dev) {
                Ok(s) => s.into_device(),
                Err(f) => f.device,
            };
            assert!(dev.is_cut());
            let mut s = LittlefsStore::mount(dev.into_inner())
                .unwrap_or_else(|f| panic!("cut {k} (torn {torn}): {}", f.error));
            assert!(records(&mut s).is_empty());
            s.save(1, b"one").unwrap();
            assert_eq!(records(&mut s).len(), 1);
        }
    }
}

#[test]
fn store_is_send() {
    fn is_send<T: Send>() {}
    is_send::<LittlefsStore<RamBlockDevice>>();
    let _boxed: Box<dyn ObjectStore> = Box::new(mount(ram()));
}

/// Many saves, replacements and removes on a small device, so littlefs compacts and splits
/// its metadata blocks and reuses freed blocks along the way.
fn churn(store: &mut dyn ObjectStore) -> Result<(), StoreError> {
    for round in 0..12u32 {
        for id in 1..=6u32 {
            let len = [40, 90, 200, 600, 1100, 10][((id + round) % 6) as usize];
            store.save(id, &record(id * 100 + round, len))?;
        }
        if round % 3 == 2 {
            store.remove(round % 6 + 1)?;
        }
    }
    Ok(())
}

#[test]
fn power_loss_during_churn() {
    use common::{Recording, Shared};
    let geometry = Geometry {
        read_size: 16,
        program_size: 16,
        block_size: 512,
        block_count: 48,
        erase_value: Some(0xFF),
    };
    let run = |device: Shared<FailingBlockDevice<RamBlockDevice>>| {
        let Ok(store) = LittlefsStore::mount(device) else {
            return vec![BTreeMap::new()];
        };
        let (mut store, log) = Recording::new(store);
        let _ = churn(&mut store);
        drop(store);
        let states = log.lock().unwrap().clone();
        states
    };
    let device = Shared::new(FailingBlockDevice::counting(
        RamBlockDevice::new(geometry).unwrap(),
    ));
    let states = run(device.clone());
    let total = device.take().operations();
    assert_eq!(states.len(), 1 + 12 * 6 + 4);
    let mut cut_points = 0;
    for torn in [false, true] {
        for k in 0..total {
            let blank = RamBlockDevice::new(geometry).unwrap();
            let device = Shared::new(if torn {
                FailingBlockDevice::torn_after(blank, k)
            } else {
                FailingBlockDevice::cut_after(blank, k)
            });
            let done = run(device.clone()).len() - 1;
            let ram = device.take().into_inner();
            let mut s = LittlefsStore::mount(ram)
                .unwrap_or_else(|f| panic!("cut {k} (torn {torn}): mount: {}", f.error));
            let found = records(&mut s);
            assert!(
                found == states[done] || states.get(done + 1) == Some(&found),
                "cut {k} (torn {torn}) after {done} operations: {:?}",
                found
                    .iter()
                    .map(|(id, r)| (id, r.len()))
                    .collect::<Vec<_>>()
            );
            // Still writable, and littlefs never programs over unerased bytes.
            s.save(99, &record(99, 700)).unwrap();
            s.remove(1).unwrap();
            assert_eq!(s.device().overwrites(), 0, "cut {k} (torn {torn})");
            cut_points += 1;
        }
    }
    eprintln!("power loss during churn: {total} operations, {cut_points} cut points tried");
    assert!(cut_points > 0);
}
