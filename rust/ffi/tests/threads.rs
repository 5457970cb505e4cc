//! Several threads calling the library at once: each with its own session (signing and
//! verifying with ECDSA and RSA, digests, random bytes, searches, creating and destroying
//! objects), threads sharing one session handle, and `C_Initialize` with `CKF_OS_LOCKING_OK`
//! and with the application's mutex callbacks, whose lock and unlock calls must balance.
//!
//! Every result of every call is checked; nothing here depends on timing.

mod common;

use common::*;
use std::collections::HashSet;
use std::ffi::c_void;
use std::ptr::null_mut;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// `C_Initialize` with these arguments (the library must not be initialised).
fn initialize(lib: &Lib, args: &mut CK_C_INITIALIZE_ARGS) -> CK_RV {
    // SAFETY: `args` is a valid CK_C_INITIALIZE_ARGS.
    unsafe { (lib.f.C_Initialize)((args as *mut CK_C_INITIALIZE_ARGS).cast()) }
}

/// `CK_C_INITIALIZE_ARGS` with `flags` and no callbacks.
fn os_locking_args() -> CK_C_INITIALIZE_ARGS {
    CK_C_INITIALIZE_ARGS {
        CreateMutex: None,
        DestroyMutex: None,
        LockMutex: None,
        UnlockMutex: None,
        flags: CKF_OS_LOCKING_OK,
        pReserved: null_mut(),
    }
}

/// The keys the threads share: a P-256 pair (token objects) and the RSA test key (session
/// objects of the set-up session, visible to every session of the application).
struct SharedKeys {
    ec_public: CK_OBJECT_HANDLE,
    ec_private: CK_OBJECT_HANDLE,
    rsa_public: CK_OBJECT_HANDLE,
    rsa_private: CK_OBJECT_HANDLE,
}

/// Logs in on `h` and makes the shared keys.
fn shared_keys(api: Api, h: CK_SESSION_HANDLE) -> SharedKeys {
    assert_eq!(api.login(h, CKU_USER, b"0000"), CKR_OK);
    let (ec_public, ec_private) = api.generate_ec_minimal(h, b"shared ec", true);
    let (rsa_public, rsa_private) = import_rsa(api, h, b"shared rsa");
    SharedKeys {
        ec_public,
        ec_private,
        rsa_public,
        rsa_private,
    }
}

/// Multi-part SHA-256 through the token.
fn digest_parts(api: Api, h: CK_SESSION_HANDLE, parts: &[&[u8]]) -> [u8; 32] {
    let mut m = mechanism(CKM_SHA256);
    let mut out = [0u8; 32];
    let mut len: CK_ULONG = 32;
    // SAFETY: valid mechanism; every part readable; `out` writable for 32 bytes.
    unsafe {
        assert_eq!((api.0.C_DigestInit)(h, &mut m), CKR_OK);
        for p in parts {
            let mut p = p.to_vec();
            assert_eq!(
                (api.0.C_DigestUpdate)(h, p.as_mut_ptr(), p.len() as CK_ULONG),
                CKR_OK
            );
        }
        assert_eq!((api.0.C_DigestFinal)(h, out.as_mut_ptr(), &mut len), CKR_OK);
    }
    assert_eq!(len, 32);
    out
}

/// One worker's loop on its own session; `creator` threads also create and destroy objects,
/// `rsa` threads also sign with RSA.
fn worker(api: Api, keys: &SharedKeys, id: usize, iterations: usize, creator: bool, rsa: bool) {
    let h = api.open_rw();
    // The application's login covers the new session.
    assert_eq!(api.state(h), CKS_RW_USER_FUNCTIONS);
    let known_rsa = RsaFixture::known_signature();
    let mut previous_random = [0u8; 32];
    for n in 0..iterations {
        let tag = format!("thread {id} iteration {n}");
        let msg = tag.as_bytes();

        // ECDSA, single-part over a hash and multi-part over the message.
        let hash = sha256(msg);
        let sig = api.sign(h, CKM_ECDSA, keys.ec_private, &hash);
        assert_eq!(
            api.verify(h, CKM_ECDSA, keys.ec_public, &hash, &sig),
            CKR_OK,
            "{tag}"
        );
        let mut bad = sig.clone();
        bad[n % 64] ^= 0x01;
        assert_eq!(
            api.verify(h, CKM_ECDSA, keys.ec_public, &hash, &bad),
            CKR_SIGNATURE_INVALID,
            "{tag}"
        );
        let (a, b) = msg.split_at(msg.len() / 2);
        let sig = api.sign_parts(h, CKM_ECDSA_SHA256, keys.ec_private, &[a, b]);
        assert_eq!(
            api.verify(h, CKM_ECDSA_SHA256, keys.ec_public, msg, &sig),
            CKR_OK,
            "{tag}"
        );

        // RSA: deterministic, so every thread must get the known answer.
        if rsa && n % 2 == 0 {
            let sig = api.sign(h, CKM_SHA256_RSA_PKCS, keys.rsa_private, RSA_KNOWN_MESSAGE);
            assert_eq!(sig, known_rsa, "{tag}");
            assert_eq!(
                api.verify(h, CKM_SHA256_RSA_PKCS, keys.rsa_public, msg, &sig),
                CKR_SIGNATURE_INVALID,
                "{tag}"
            );
            assert_eq!(
                api.verify_parts(
                    h,
                    CKM_SHA256_RSA_PKCS,
                    keys.rsa_public,
                    &[&RSA_KNOWN_MESSAGE[..4], &RSA_KNOWN_MESSAGE[4..]],
                    &sig
                ),
                CKR_OK,
                "{tag}"
            );
        }

        // Digests, single and multi-part.
        assert_eq!(api.sha256(h, msg), sha256(msg), "{tag}");
        assert_eq!(
            digest_parts(api, h, &[a, b, b"!"]),
            sha256(&[msg, b"!"].concat())
        );

        // Random bytes.
        let mut random = [0u8; 32];
        assert_eq!(api.random(h, &mut random), CKR_OK);
        assert_ne!(random, [0u8; 32]);
        assert_ne!(random, previous_random, "{tag}");
        previous_random = random;

        // Searches see exactly the shared keys, whatever the creators do meanwhile.
        assert_eq!(
            api.find_all_by(h, &[attr_bytes(CKA_LABEL, b"shared ec")], 1 + n % 3),
            {
                let mut v = vec![keys.ec_public, keys.ec_private];
                v.sort_unstable();
                v
            },
            "{tag}"
        );
        let private_class = CKO_PRIVATE_KEY;
        assert_eq!(
            api.find_all(h, &[attr_ulong(CKA_CLASS, &private_class)]),
            {
                let mut v = vec![keys.ec_private, keys.rsa_private];
                v.sort_unstable();
                v
            },
            "{tag}"
        );

        // Objects of one's own, made and destroyed.
        if creator {
            let class = CKO_DATA;
            let label = format!("tmp {id}");
            let o = api
                .create(
                    h,
                    &[
                        attr_ulong(CKA_CLASS, &class),
                        attr_bytes(CKA_LABEL, label.as_bytes()),
                        attr_bytes(CKA_VALUE, msg),
                        attr_bool(CKA_TOKEN, if n % 2 == 0 { &TRUE } else { &FALSE }),
                    ],
                )
                .unwrap_or_else(|rv| panic!("{tag}: C_CreateObject rv {rv:#x}"));
            assert_eq!(
                api.find_all(h, &[attr_bytes(CKA_LABEL, label.as_bytes())]),
                vec![o],
                "{tag}"
            );
            assert_eq!(api.attr(h, o, CKA_VALUE).unwrap(), msg, "{tag}");
            assert_eq!(api.destroy(h, o), CKR_OK, "{tag}");
            assert_eq!(api.destroy(h, o), CKR_OBJECT_HANDLE_INVALID, "{tag}");
            assert!(api
                .find_all(h, &[attr_bytes(CKA_LABEL, label.as_bytes())])
                .is_empty());
        }
    }
    assert_eq!(api.close(h), CKR_OK);
}

#[test]
fn threads_with_their_own_sessions_share_the_token() {
    let lib = Lib::uninitialized();
    assert_eq!(initialize(&lib, &mut os_locking_args()), CKR_OK);
    let api = lib.api();
    let setup = api.open_rw();
    let keys = shared_keys(api, setup);
    // 4 shared keys + one object each for two creator threads = the limit of 6.
    std::thread::scope(|scope| {
        for id in 0..6 {
            let keys = &keys;
            scope.spawn(move || worker(api, keys, id, 8, id >= 4, id < 3));
        }
    });
    // Every worker closed its session; the set-up session and its login remain.
    let info = api.token_info();
    assert_eq!((info.ulSessionCount, info.ulRwSessionCount), (1, 1));
    assert_eq!(api.state(setup), CKS_RW_USER_FUNCTIONS);
    let mut all = vec![
        keys.ec_public,
        keys.ec_private,
        keys.rsa_public,
        keys.rsa_private,
    ];
    all.sort_unstable();
    assert_eq!(api.find_all(setup, &[]), all);
}

#[test]
fn threads_sharing_one_session_get_distinct_random_bytes() {
    let lib = Lib::uninitialized();
    assert_eq!(initialize(&lib, &mut os_locking_args()), CKR_OK);
    let api = lib.api();
    let h = api.open_ro();
    const THREADS: usize = 4;
    const CALLS: usize = 250;
    let results: Vec<Vec<[u8; 48]>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                scope.spawn(move || {
                    let mut out = Vec::with_capacity(CALLS);
                    for i in 0..CALLS {
                        let mut buf = [0u8; 48];
                        assert_eq!(api.random(h, &mut buf), CKR_OK, "thread {t} call {i}");
                        out.push(buf);
                        if i % 50 == 0 {
                            // Other calls on the same session in between.
                            let info = api.session_info(h).expect("C_GetSessionInfo");
                            assert_eq!(
                                (info.state, info.flags),
                                (CKS_RO_PUBLIC_SESSION, CKF_SERIAL_SESSION)
                            );
                            let mut seed = [t as u8; 8];
                            // SAFETY: `seed` readable for 8 bytes.
                            let rv = unsafe { (api.0.C_SeedRandom)(h, seed.as_mut_ptr(), 8) };
                            assert_eq!(rv, CKR_OK);
                        }
                    }
                    out
                })
            })
            .collect();
        handles.into_iter().map(|j| j.join().unwrap()).collect()
    });
    // Nothing repeats, nothing is blank: the generator's state was never torn.
    let mut seen = HashSet::new();
    for (t, outputs) in results.iter().enumerate() {
        assert_eq!(outputs.len(), CALLS);
        for (i, out) in outputs.iter().enumerate() {
            assert_ne!(out, &[0u8; 48], "thread {t} call {i}");
            assert!(seen.insert(*out), "thread {t} call {i}: repeated output");
        }
    }
    assert_eq!(seen.len(), THREADS * CALLS);
    // The session is intact.
    assert_eq!(api.state(h), CKS_RO_PUBLIC_SESSION);
    assert_eq!(api.close(h), CKR_OK);
}

// ---------------------------------------------------------------------------------------------
// The application's mutex callbacks
// ---------------------------------------------------------------------------------------------

static CREATED: AtomicUsize = AtomicUsize::new(0);
static DESTROYED: AtomicUsize = AtomicUsize::new(0);
static LOCKS: AtomicUsize = AtomicUsize::new(0);
static UNLOCKS: AtomicUsize = AtomicUsize::new(0);
/// Callers inside the mutex right now, and the most ever seen at once.
static INSIDE: AtomicUsize = AtomicUsize::new(0);
static MAX_INSIDE: AtomicUsize = AtomicUsize::new(0);
/// Misuse seen by the callbacks (a panic must not unwind into the library, so they count).
static ERRORS: AtomicUsize = AtomicUsize::new(0);

fn reset_counters() {
    for c in [
        &CREATED,
        &DESTROYED,
        &LOCKS,
        &UNLOCKS,
        &INSIDE,
        &MAX_INSIDE,
        &ERRORS,
    ] {
        c.store(0, Ordering::SeqCst);
    }
}

/// A real mutex made of an atomic flag (a lock taken on one call and released on another
/// cannot be a `std::sync::MutexGuard`).
struct SpinMutex(AtomicBool);

unsafe extern "C" fn create_mutex(pp: *mut *mut c_void) -> CK_RV {
    if pp.is_null() {
        ERRORS.fetch_add(1, Ordering::SeqCst);
        return CKR_ARGUMENTS_BAD;
    }
    let m = Box::into_raw(Box::new(SpinMutex(AtomicBool::new(false))));
    CREATED.fetch_add(1, Ordering::SeqCst);
    // SAFETY: the library passes a writable pointer (checked non-NULL).
    unsafe { pp.write(m.cast()) };
    CKR_OK
}

unsafe extern "C" fn destroy_mutex(p: *mut c_void) -> CK_RV {
    if p.is_null() {
        ERRORS.fetch_add(1, Ordering::SeqCst);
        return CKR_MUTEX_BAD;
    }
    // SAFETY: `p` came from `create_mutex`'s Box::into_raw and is destroyed once.
    let m = unsafe { Box::from_raw(p.cast::<SpinMutex>()) };
    if m.0.load(Ordering::SeqCst) {
        // Destroyed while locked.
        ERRORS.fetch_add(1, Ordering::SeqCst);
    }
    DESTROYED.fetch_add(1, Ordering::SeqCst);
    CKR_OK
}

unsafe extern "C" fn lock_mutex(p: *mut c_void) -> CK_RV {
    if p.is_null() {
        ERRORS.fetch_add(1, Ordering::SeqCst);
        return CKR_MUTEX_BAD;
    }
    // SAFETY: a live mutex of `create_mutex`.
    let m = unsafe { &*p.cast::<SpinMutex>() };
    while m
        .0
        .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
        .is_err()
    {
        std::thread::yield_now();
    }
    LOCKS.fetch_add(1, Ordering::SeqCst);
    let inside = INSIDE.fetch_add(1, Ordering::SeqCst) + 1;
    MAX_INSIDE.fetch_max(inside, Ordering::SeqCst);
    CKR_OK
}

unsafe extern "C" fn unlock_mutex(p: *mut c_void) -> CK_RV {
    if p.is_null() {
        ERRORS.fetch_add(1, Ordering::SeqCst);
        return CKR_MUTEX_BAD;
    }
    // SAFETY: a live mutex of `create_mutex`.
    let m = unsafe { &*p.cast::<SpinMutex>() };
    if !m.0.load(Ordering::SeqCst) {
        ERRORS.fetch_add(1, Ordering::SeqCst);
        return CKR_MUTEX_NOT_LOCKED;
    }
    INSIDE.fetch_sub(1, Ordering::SeqCst);
    UNLOCKS.fetch_add(1, Ordering::SeqCst);
    m.0.store(false, Ordering::Release);
    CKR_OK
}

fn callback_args(flags: CK_FLAGS) -> CK_C_INITIALIZE_ARGS {
    CK_C_INITIALIZE_ARGS {
        CreateMutex: Some(create_mutex),
        DestroyMutex: Some(destroy_mutex),
        LockMutex: Some(lock_mutex),
        UnlockMutex: Some(unlock_mutex),
        flags,
        pReserved: null_mut(),
    }
}

/// Threads on their own read-only sessions: ECDSA with the shared keys, digests, random
/// bytes, session information and searches. Returns the number of library calls made.
fn light_workload(api: Api, keys: &SharedKeys, threads: usize, iterations: usize) -> usize {
    let calls = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for t in 0..threads {
            let calls = &calls;
            scope.spawn(move || {
                let h = api.open_ro();
                let mut made = 1;
                for n in 0..iterations {
                    let msg = format!("worker {t} round {n}");
                    let hash = sha256(msg.as_bytes());
                    let sig = api.sign(h, CKM_ECDSA, keys.ec_private, &hash);
                    made += 3;
                    assert_eq!(
                        api.verify(h, CKM_ECDSA, keys.ec_public, &hash, &sig),
                        CKR_OK
                    );
                    made += 2;
                    assert_eq!(api.sha256(h, msg.as_bytes()), hash);
                    made += 2;
                    let mut r = [0u8; 16];
                    assert_eq!(api.random(h, &mut r), CKR_OK);
                    made += 1;
                    assert_eq!(api.state(h), CKS_RO_USER_FUNCTIONS);
                    made += 1;
                    assert_eq!(
                        api.find_all(h, &[attr_bytes(CKA_LABEL, b"shared ec")])
                            .len(),
                        2
                    );
                    made += 3;
                }
                assert_eq!(api.close(h), CKR_OK);
                made += 1;
                calls.fetch_add(made, Ordering::SeqCst);
            });
        }
    });
    calls.into_inner()
}

#[test]
fn application_mutex_callbacks_balance_under_concurrency() {
    let lib = Lib::uninitialized();
    reset_counters();
    // Callbacks without CKF_OS_LOCKING_OK: the library must lock with them.
    let mut args = callback_args(0);
    assert_eq!(initialize(&lib, &mut args), CKR_OK);
    assert!(CREATED.load(Ordering::SeqCst) >= 1);
    let api = lib.api();
    let setup = api.open_rw();
    let keys = shared_keys(api, setup);
    let locks_before = LOCKS.load(Ordering::SeqCst);
    let calls = light_workload(api, &keys, 4, 10);
    let locks = LOCKS.load(Ordering::SeqCst) - locks_before;
    assert!(
        locks >= calls,
        "{calls} calls took the application's mutex only {locks} times"
    );
    assert_eq!(
        LOCKS.load(Ordering::SeqCst),
        UNLOCKS.load(Ordering::SeqCst),
        "lock and unlock calls do not balance"
    );
    assert_eq!(INSIDE.load(Ordering::SeqCst), 0);
    assert_eq!(MAX_INSIDE.load(Ordering::SeqCst), 1);
    assert_eq!(ERRORS.load(Ordering::SeqCst), 0, "callback misuse");
    // SAFETY: NULL is valid.
    assert_eq!(unsafe { (lib.f.C_Finalize)(null_mut()) }, CKR_OK);
    assert_eq!(
        CREATED.load(Ordering::SeqCst),
        DESTROYED.load(Ordering::SeqCst),
        "every mutex created is destroyed by C_Finalize"
    );
    assert_eq!(LOCKS.load(Ordering::SeqCst), UNLOCKS.load(Ordering::SeqCst));
    assert_eq!(ERRORS.load(Ordering::SeqCst), 0);
}

#[test]
fn os_locking_ok_with_mutex_callbacks_under_concurrency() {
    let lib = Lib::uninitialized();
    reset_counters();
    // Both: the library may use the OS's locking or the callbacks, and must be safe either way.
    let mut args = callback_args(CKF_OS_LOCKING_OK);
    assert_eq!(initialize(&lib, &mut args), CKR_OK);
    let api = lib.api();
    let setup = api.open_rw();
    let keys = shared_keys(api, setup);
    let calls = light_workload(api, &keys, 4, 10);
    assert!(calls > 0);
    assert_eq!(
        LOCKS.load(Ordering::SeqCst),
        UNLOCKS.load(Ordering::SeqCst),
        "lock and unlock calls do not balance"
    );
    assert!(MAX_INSIDE.load(Ordering::SeqCst) <= 1);
    assert_eq!(INSIDE.load(Ordering::SeqCst), 0);
    // The shared state is intact after the storm.
    let mut all = vec![
        keys.ec_public,
        keys.ec_private,
        keys.rsa_public,
        keys.rsa_private,
    ];
    all.sort_unstable();
    assert_eq!(api.find_all(setup, &[]), all);
    assert_eq!(api.token_info().ulSessionCount, 1);
    // SAFETY: NULL is valid.
    assert_eq!(unsafe { (lib.f.C_Finalize)(null_mut()) }, CKR_OK);
    assert_eq!(
        CREATED.load(Ordering::SeqCst),
        DESTROYED.load(Ordering::SeqCst)
    );
    assert_eq!(ERRORS.load(Ordering::SeqCst), 0, "callback misuse");
}

#[test]
fn os_locking_without_callbacks_under_concurrency() {
    // C_Initialize(NULL_PTR) promises no threads; CKF_OS_LOCKING_OK alone is the usual way an
    // application says it has some. Both lead to a safe library here.
    for use_null in [true, false] {
        let lib = Lib::uninitialized();
        let rv = if use_null {
            // SAFETY: NULL is valid.
            unsafe { (lib.f.C_Initialize)(null_mut()) }
        } else {
            initialize(&lib, &mut os_locking_args())
        };
        assert_eq!(rv, CKR_OK);
        let api = lib.api();
        let setup = api.open_rw();
        let keys = shared_keys(api, setup);
        assert!(light_workload(api, &keys, 3, 6) > 0);
        assert_eq!(api.token_info().ulSessionCount, 1);
    }
}
