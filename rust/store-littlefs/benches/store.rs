//! Figures for 200 token objects on the littlefs store (RAM device, default geometry): time
//! per create, per find by label and class, to reopen the token, and flash use. Prints
//! figures only: no assertion on time.
//!
//! `cargo bench -p core-pkcs11-littlefs`

#[path = "../tests/common/mod.rs"]
mod common;

use common::*;
use core_pkcs11_engine::ck::*;
use core_pkcs11_engine::Attribute;
use core_pkcs11_littlefs::{FailingBlockDevice, Geometry, LittlefsStore, RamBlockDevice};
use std::time::{Duration, Instant};

const OBJECTS: usize = 200;

fn per(d: Duration, n: usize) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6 / n as f64)
}

fn main() {
    let geometry = Geometry::DEFAULT;
    let device = Shared::new(FailingBlockDevice::counting(
        RamBlockDevice::new(geometry).unwrap(),
    ));
    let mut t = open_token(LittlefsStore::mount(device.clone()).unwrap()).unwrap();
    let s = rw_user_session(&mut t).unwrap();
    let ops_before = device.0.lock().unwrap().operations();

    // Create: a third certificates (~0.8 KiB records), a third 2.5 KiB data objects (the size
    // of an RSA private key record), a third 100-byte data objects.
    let start = Instant::now();
    for i in 0..OBJECTS {
        let label = format!("object-{i:03}");
        match i % 3 {
            0 => import_cert(&mut t, s, label.as_bytes(), CERT).map(|_| ()),
            1 => create_data(&mut t, s, label.as_bytes(), 2400).map(|_| ()),
            _ => create_data(&mut t, s, label.as_bytes(), 100).map(|_| ()),
        }
        .unwrap_or_else(|rv| panic!("create {i}: {rv:#x}"));
    }
    let create = start.elapsed();
    let ops = device.0.lock().unwrap().operations() - ops_before;

    // Find each object by label and class.
    let cert_class = ul(CKO_CERTIFICATE);
    let data_class = ul(CKO_DATA);
    let start = Instant::now();
    for i in 0..OBJECTS {
        let label = format!("object-{i:03}");
        let class = if i % 3 == 0 { &cert_class } else { &data_class };
        let found = find(
            &mut t,
            s,
            &[
                Attribute::new(CKA_LABEL, label.as_bytes()),
                Attribute::new(CKA_CLASS, class),
            ],
        );
        assert_eq!(found.len(), 1);
    }
    let find_time = start.elapsed();
    drop(t);

    // Reopen: mount and load every record (what C_Initialize does).
    let start = Instant::now();
    let store = LittlefsStore::mount(device.clone()).unwrap();
    let t = open_token(store).unwrap();
    let reopen = start.elapsed();
    drop(t);

    let mut store = LittlefsStore::mount(device.clone()).unwrap();
    let used = store.blocks_in_use().unwrap();
    drop(store);

    println!(
        "littlefs store, {} blocks of {} B ({} KiB), {OBJECTS} objects (certificates, 2.4 KiB and 100 B data objects):",
        geometry.block_count,
        geometry.block_size,
        geometry.total_size() / 1024
    );
    println!(
        "  create:          {} per object ({} flash programs/erases per object)",
        per(create, OBJECTS),
        ops as usize / OBJECTS
    );
    println!("  find label+class {} per search", per(find_time, OBJECTS));
    println!(
        "  reopen (mount + load {OBJECTS}): {:.2} ms",
        reopen.as_secs_f64() * 1e3
    );
    println!(
        "  flash in use:    {used} of {} blocks ({} KiB)",
        geometry.block_count,
        u64::from(used) * u64::from(geometry.block_size) / 1024
    );
}
