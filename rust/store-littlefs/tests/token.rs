//! The token engine on the littlefs store: persistence, power loss, damaged records.

mod common;

use common::*;
use core_pkcs11_engine::ck::*;
use core_pkcs11_engine::record;
use core_pkcs11_engine::store::ObjectStore;
use core_pkcs11_engine::{Attribute, Mechanism, Output, Token};
use core_pkcs11_littlefs::{FailingBlockDevice, Geometry, LittlefsStore, RamBlockDevice};
use std::collections::BTreeMap;

fn ram() -> RamBlockDevice {
    RamBlockDevice::new(Geometry::DEFAULT).unwrap()
}

fn sign(t: &mut Token, s: Ulong, key: Ulong, data: &[u8]) -> Vec<u8> {
    t.sign_init(s, &Mechanism::new(CKM_ECDSA), key).unwrap();
    let mut sig = vec![0u8; 64];
    assert_eq!(
        t.sign(s, data, Some(&mut sig)).unwrap(),
        Output::Written(64)
    );
    sig
}

#[test]
fn token_objects_persist_across_remount() {
    let device = Shared::new(ram());
    let (view, serial, point) = {
        let mut t = open_token(mount(device.clone())).unwrap();
        let s = rw_user_session(&mut t).unwrap();
        let (public, _) = generate_ec(&mut t, s, b"device key").unwrap();
        import_cert(&mut t, s, b"device cert", CERT).unwrap();
        // A session object does not persist.
        let class = ul(CKO_DATA);
        t.create_object(s, &[Attribute::new(CKA_CLASS, &class)])
            .unwrap();
        let point = object_view(&t, s, public)
            .into_iter()
            .find(|(k, _)| *k == CKA_EC_POINT)
            .unwrap()
            .1
            .unwrap();
        let mut view = token_view(&mut t, s);
        view.retain(|o| {
            o.iter()
                .any(|(k, v)| *k == CKA_TOKEN && v.as_deref() == Ok(TRUE))
        });
        assert_eq!(view.len(), 3);
        (view, t.token_info().serial_number, point)
    };
    // Remount the same bytes on a fresh device, as after a reboot.
    let bytes = device.take().into_bytes();
    let dev = RamBlockDevice::from_bytes(Geometry::DEFAULT, bytes).unwrap();
    let mut t = open_token(mount(dev)).unwrap();
    assert_eq!(t.damaged_records(), 0);
    assert_eq!(t.token_info().serial_number, serial);
    let s = rw_user_session(&mut t).unwrap();
    assert_eq!(token_view(&mut t, s), view);
    // The restored keys work.
    let label = b"device key";
    let priv_class = ul(CKO_PRIVATE_KEY);
    let pub_class = ul(CKO_PUBLIC_KEY);
    let k = find(
        &mut t,
        s,
        &[
            Attribute::new(CKA_LABEL, label),
            Attribute::new(CKA_CLASS, &priv_class),
        ],
    );
    let p = find(
        &mut t,
        s,
        &[
            Attribute::new(CKA_LABEL, label),
            Attribute::new(CKA_CLASS, &pub_class),
        ],
    );
    assert_eq!((k.len(), p.len()), (1, 1));
    let sig = sign(&mut t, s, k[0], &[7u8; 32]);
    t.verify_init(s, &Mechanism::new(CKM_ECDSA), p[0]).unwrap();
    t.verify(s, &[7u8; 32], &sig).unwrap();
    let restored_point = object_view(&t, s, p[0])
        .into_iter()
        .find(|(k, _)| *k == CKA_EC_POINT)
        .unwrap()
        .1
        .unwrap();
    assert_eq!(restored_point, point);
}

/// The provisioning sequence of the power-loss test: open the token, log in, generate a key
/// pair, import a certificate, replace it (destroy + create with the same label), destroy
/// the key pair. Stops at the first error (the power is gone).
fn provision(device: Shared<FailingBlockDevice<RamBlockDevice>>) -> Recorded {
    let store = match LittlefsStore::mount(device) {
        Ok(s) => s,
        Err(_) => {
            return Recorded {
                states: vec![BTreeMap::new()],
            }
        }
    };
    let (store, log) = Recording::new(store);
    let _ = (|| -> Result<(), Ulong> {
        let mut t = open_token(store)?;
        let s = rw_user_session(&mut t)?;
        let (public, private) = generate_ec(&mut t, s, b"device key")?;
        let cert = import_cert(&mut t, s, b"device cert", CERT)?;
        t.destroy_object(s, cert)?;
        import_cert(&mut t, s, b"device cert", CERT_V1)?;
        t.destroy_object(s, public)?;
        t.destroy_object(s, private)?;
        Ok(())
    })();
    let states = log.lock().unwrap().clone();
    Recorded { states }
}

/// The store's states after each successful save/remove of a run (the first: empty).
struct Recorded {
    states: Vec<BTreeMap<u32, Vec<u8>>>,
}

/// What the token shows for a set of records: its objects' attribute views.
fn view_of(records: &BTreeMap<u32, Vec<u8>>) -> Vec<ObjectView> {
    let mut store = core_pkcs11_engine::MemoryStore::new();
    for (id, bytes) in records {
        store.save(*id, bytes).unwrap();
    }
    let mut t = open_token(store).unwrap();
    assert_eq!(t.damaged_records(), 0);
    let s = rw_user_session(&mut t).unwrap();
    token_view(&mut t, s)
}

/// Runs the provisioning sequence cut at every program/erase (clean, then torn) on `geometry`;
/// returns the number of cut points tried.
fn power_loss_at_every_operation(geometry: Geometry) -> usize {
    let blank = || RamBlockDevice::new(geometry).unwrap();
    // Reference run: count the device operations, record every state.
    let device = Shared::new(FailingBlockDevice::counting(blank()));
    let reference = provision(device.clone());
    let total = device.take().operations();
    let states = reference.states;
    // Empty, then after: state save, login (2 state saves), key pair (2), certificate,
    // replacement (destroy + create), key pair destroyed (2).
    assert_eq!(states.len(), 11);
    assert_eq!(
        states.last().unwrap().len(),
        2,
        "token state and the new certificate remain"
    );
    let views: Vec<Vec<ObjectView>> = states.iter().map(view_of).collect();
    let mut cut_points = 0;
    let mut committed_anyway = 0;
    for torn in [false, true] {
        for k in 0..total {
            let device = Shared::new(if torn {
                FailingBlockDevice::torn_after(blank(), k)
            } else {
                FailingBlockDevice::cut_after(blank(), k)
            });
            let run = provision(device.clone());
            let failing = device.take();
            assert!(failing.is_cut(), "cut {k} never reached");
            let done = run.states.len() - 1; // store operations that completed
                                             // The run agrees with the reference up to the cut.
            assert_eq!(run.states[..], states[..=done], "cut {k}: runs diverge");

            // Reboot: a healthy device over the same bytes.
            let ram = failing.into_inner();
            let mut store = LittlefsStore::mount(ram)
                .unwrap_or_else(|f| panic!("cut {k} (torn {torn}): mount: {}", f.error));
            let found = records(&mut store);
            let which = (done..=(done + 1).min(states.len() - 1))
                .find(|&i| states[i] == found)
                .unwrap_or_else(|| {
                    panic!(
                        "cut {k} (torn {torn}) after {done} operations: records {:?} are neither state {done} {:?} nor the next",
                        found.iter().map(|(id, r)| (id, r.len())).collect::<Vec<_>>(),
                        states[done].iter().map(|(id, r)| (id, r.len())).collect::<Vec<_>>(),
                    )
                });
            if which > done {
                committed_anyway += 1; // the failed call's change had reached the flash
            }
            // The token opens and shows exactly that state's objects.
            let mut t = open_token(store).unwrap();
            assert_eq!(t.damaged_records(), 0, "cut {k} (torn {torn})");
            let s = rw_user_session(&mut t).unwrap();
            assert_eq!(token_view(&mut t, s), views[which], "cut {k} (torn {torn})");
            // And keeps working.
            create_data(&mut t, s, b"after reboot", 300).unwrap();
            drop(t);
            cut_points += 1;
        }
    }
    eprintln!(
        "power-loss test ({} x {} B blocks): {total} program/erase operations, {cut_points} cut points tried \
         ({committed_anyway} left the interrupted call's change complete, the rest the state before it)",
        geometry.block_count, geometry.block_size
    );
    cut_points
}

#[test]
fn power_loss_at_every_program_and_erase() {
    let cut_points = power_loss_at_every_operation(Geometry::DEFAULT);
    assert!(cut_points > 0);
}

#[test]
fn power_loss_at_every_program_and_erase_small_blocks() {
    // 512-byte blocks: records span several blocks and metadata compacts often.
    let cut_points = power_loss_at_every_operation(Geometry {
        read_size: 16,
        program_size: 16,
        block_size: 512,
        block_count: 256,
        erase_value: Some(0xFF),
    });
    assert!(cut_points > 0);
}

/// A token with a key pair and a certificate on a shared device; returns the device.
fn provisioned() -> Shared<RamBlockDevice> {
    let device = Shared::new(ram());
    let mut t = open_token(mount(device.clone())).unwrap();
    let s = rw_user_session(&mut t).unwrap();
    generate_ec(&mut t, s, b"device key").unwrap();
    import_cert(&mut t, s, b"device cert", CERT).unwrap();
    device
}

/// Writes `bytes` under a record name, reopens the token, checks one damaged record and that
/// the good objects are all there and the token still works.
fn check_damaged_skipped(damage: impl FnOnce(&mut LittlefsStore<Shared<RamBlockDevice>>)) {
    let device = provisioned();
    {
        let mut store = mount(device.clone());
        damage(&mut store);
    }
    let mut t = open_token(mount(device.clone())).unwrap();
    assert_eq!(t.damaged_records(), 1);
    let s = rw_user_session(&mut t).unwrap();
    assert_eq!(find(&mut t, s, &[]).len(), 3);
    let class = ul(CKO_PRIVATE_KEY);
    let key = find(&mut t, s, &[Attribute::new(CKA_CLASS, &class)]);
    sign(&mut t, s, key[0], &[1u8; 32]);
    create_data(&mut t, s, b"still writable", 10).unwrap();
}

/// A valid object record (a data object) to damage.
fn data_record() -> Vec<u8> {
    let class = CKO_DATA.to_ne_bytes().to_vec();
    record::encode_object(&[
        (CKA_CLASS, zeroize::Zeroizing::new(class)),
        (CKA_TOKEN, zeroize::Zeroizing::new(vec![1])),
        (CKA_LABEL, zeroize::Zeroizing::new(b"victim".to_vec())),
    ])
    .to_vec()
}

#[test]
fn truncated_record_is_skipped() {
    check_damaged_skipped(|s| {
        let r = data_record();
        s.save(100, &r[..r.len() - 5]).unwrap();
    });
}

#[test]
fn record_of_unknown_version_is_skipped() {
    check_damaged_skipped(|s| {
        let mut r = data_record();
        r[4] = 99;
        let n = r.len();
        let crc = record::crc32(&r[..n - 4]);
        r[n - 4..].copy_from_slice(&crc.to_le_bytes());
        s.save(100, &r).unwrap();
    });
}

#[test]
fn record_with_bad_checksum_is_skipped() {
    check_damaged_skipped(|s| {
        let mut r = data_record();
        let n = r.len();
        r[n / 2] ^= 0x10;
        s.save(100, &r).unwrap();
    });
}

#[test]
fn foreign_bytes_under_a_record_name_are_skipped() {
    check_damaged_skipped(|s| {
        s.write_file("/p11/00000064", b"hello, not a record")
            .unwrap();
    });
}

#[test]
fn file_with_non_numeric_name_is_ignored() {
    let device = provisioned();
    {
        let mut store = mount(device.clone());
        store.write_file("/p11/backup-01", &data_record()).unwrap();
        store.write_file("/p11/0000zz01", &data_record()).unwrap();
    }
    let mut t = open_token(mount(device.clone())).unwrap();
    assert_eq!(t.damaged_records(), 0);
    let s = rw_user_session(&mut t).unwrap();
    assert_eq!(find(&mut t, s, &[]).len(), 3);
}

#[test]
fn bit_rot_in_flash_is_caught_by_the_record_checksum() {
    // littlefs does not checksum file data; the record's CRC-32 catches the flip.
    let device = provisioned();
    let mut dev = device.take();
    // The certificate's DER is stored verbatim in its record: find it in the image.
    let at = dev
        .as_bytes()
        .windows(64)
        .position(|w| w == &CERT[100..164])
        .expect("certificate bytes in the image");
    dev.as_bytes_mut()[at] &= 0x7E; // a bit that flash can lose
    dev.as_bytes_mut()[at + 1] &= 0x7E;
    let mut t = open_token(mount(dev)).unwrap();
    assert_eq!(t.damaged_records(), 1);
    let s = rw_user_session(&mut t).unwrap();
    assert_eq!(find(&mut t, s, &[]).len(), 2); // the key pair
}
