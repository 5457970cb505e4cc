//! The firmware's commands (semihosting arguments after the token image path):
//!
//! - `connect <server name> <client id> <topic> <message...>`: TLS 1.3 with client
//!   authentication to 10.0.2.100:8883 (QEMU's guestfwd to the host's broker), MQTT CONNECT,
//!   PUBLISH QoS 1, DISCONNECT.
//! - `keygen <csr file> <common name>`: C_GenerateKeyPair (P-256, token objects) and a
//!   PKCS #10 request signed with C_Sign, written to a host file.
//! - `import <key.der|-> <cert.der> <root.der>`: C_CreateObject of the device key (SEC1 DER;
//!   "-" keeps the key in the token), "Device Cert" and "Root Cert" from host files.
//!
//! Exit codes: 0 success, 10 usage, 11 token, 12 network, 13 the server was not trusted,
//! 14 the broker refused the device, 15 signing failed, 16 MQTT, 17 host file.

use crate::der;
use crate::mqtt;
use crate::net::{Net, REFUSE_WRITES};
use crate::pkcs11::*;
use crate::println;
use crate::sys;
use crate::tls::{ProviderCells, TokenProvider};
use alloc::string::String;
use alloc::vec::Vec;
use core::ptr::addr_of_mut;
use core::sync::atomic::Ordering;
use core_pkcs11_ffi::ck::*;
use embedded_tls::blocking::{TlsConfig, TlsConnection, TlsContext, TlsError};

pub const EXIT_USAGE: i32 = 10;
pub const EXIT_TOKEN: i32 = 11;
pub const EXIT_NETWORK: i32 = 12;
pub const EXIT_SERVER_NOT_TRUSTED: i32 = 13;
pub const EXIT_REFUSED_BY_BROKER: i32 = 14;
pub const EXIT_SIGNING: i32 = 15;
pub const EXIT_MQTT: i32 = 16;
pub const EXIT_HOST_FILE: i32 = 17;

/// The broker, as QEMU's guestfwd presents it to the guest.
const BROKER_IP: [u8; 4] = [10, 0, 2, 100];
const BROKER_PORT: u16 = 8883;

/// TLS record buffers: a whole 16 KiB record (plus overhead) in, 4 KiB out.
static mut TLS_READ_BUF: [u8; 16640] = [0; 16640];
static mut TLS_WRITE_BUF: [u8; 4096] = [0; 4096];

fn fail_token(what: &str, e: P11Error) -> i32 {
    println!("FAILED: {what}: {e}");
    EXIT_TOKEN
}

pub fn run(args: &[&str]) -> i32 {
    let code = match args {
        ["connect", server_name, client_id, topic, message @ ..] => {
            let message = message.join(" ");
            connect(server_name, client_id, topic, &message)
        }
        #[cfg(feature = "audit")]
        ["connect-inject-sign-failure", server_name, client_id, topic, message @ ..] => {
            crate::tls::INJECT_SIGN_FAILURE.store(true, Ordering::Relaxed);
            let message = message.join(" ");
            connect(server_name, client_id, topic, &message)
        }
        ["keygen", csr_path, common_name] => keygen(csr_path, common_name),
        ["import", key, cert, root] => import(key, cert, root),
        _ => {
            println!("usage: <image> connect <server name> <client id> <topic> <message...>");
            println!("       <image> keygen <csr file> <common name>");
            println!("       <image> import <key.der|-> <cert.der> <root.der>");
            EXIT_USAGE
        }
    };
    code
}

fn connect(server_name: &str, client_id: &str, topic: &str, message: &str) -> i32 {
    let token = match Token::open() {
        Ok(t) => t,
        Err(e) => return fail_token("opening the token", e),
    };
    let code = connect_with(&token, server_name, client_id, topic, message);
    report_audit(&token);
    code
}

#[cfg(feature = "audit")]
fn report_audit(token: &Token) {
    let reads = audited_private_key_reads().unwrap_or(0);
    println!("audit: C_GetAttributeValue calls on a private key object by the firmware's TLS code: {reads}");
    if let Ok(Some(key)) = token.find(LABEL_DEVICE_PRIVATE_KEY, CKO_PRIVATE_KEY) {
        let _ = token.audit_control_read(key);
        let after = audited_private_key_reads().unwrap_or(0);
        println!("audit: control: one deliberate C_GetAttributeValue(CKA_KEY_TYPE) on the private key afterwards -> counter {after}");
    }
}

#[cfg(not(feature = "audit"))]
fn report_audit(_token: &Token) {}

fn connect_with(
    token: &Token,
    server_name: &str,
    client_id: &str,
    topic: &str,
    message: &str,
) -> i32 {
    // The credentials, by label and class, as the FreeRTOS TLS helper finds them.
    let key = match token.find(LABEL_DEVICE_PRIVATE_KEY, CKO_PRIVATE_KEY) {
        Ok(Some(h)) => h,
        Ok(None) => {
            println!("FAILED: no \"{LABEL_DEVICE_PRIVATE_KEY}\" in the token: provision the device first");
            return EXIT_TOKEN;
        }
        Err(e) => return fail_token("C_FindObjects (device key)", e),
    };
    let certificate = match token.find(LABEL_DEVICE_CERT, CKO_CERTIFICATE) {
        Ok(Some(h)) => match token.attribute(h, CKA_VALUE) {
            Ok(v) => v,
            Err(e) => return fail_token("reading \"Device Cert\"", e),
        },
        Ok(None) => {
            println!("FAILED: no \"{LABEL_DEVICE_CERT}\" in the token: provision the device first");
            return EXIT_TOKEN;
        }
        Err(e) => return fail_token("C_FindObjects (device certificate)", e),
    };
    let root = match token.find(LABEL_ROOT_CERT, CKO_CERTIFICATE) {
        Ok(Some(h)) => match token.attribute(h, CKA_VALUE) {
            Ok(v) => v,
            Err(e) => return fail_token("reading \"Root Cert\"", e),
        },
        Ok(None) => {
            println!("FAILED: no \"{LABEL_ROOT_CERT}\" in the token: provision the device first");
            return EXIT_TOKEN;
        }
        Err(e) => return fail_token("C_FindObjects (root certificate)", e),
    };
    println!(
        "token: found \"{LABEL_DEVICE_PRIVATE_KEY}\" (private key, handle {key}), \"{LABEL_DEVICE_CERT}\" ({} bytes, subject \"{}\"), \"{LABEL_ROOT_CERT}\" ({} bytes, subject \"{}\")",
        certificate.len(),
        der::certificate_subject(&certificate).unwrap_or_default(),
        root.len(),
        der::certificate_subject(&root).unwrap_or_default()
    );

    let mut seed = [0u8; 10];
    if let Err(e) = token.random(&mut seed) {
        return fail_token("C_GenerateRandom", e);
    }
    let mut net = match Net::new(u64::from_le_bytes(seed[..8].try_into().unwrap_or_default())) {
        Ok(n) => n,
        Err(e) => {
            println!("FAILED: {e}");
            return EXIT_NETWORK;
        }
    };
    let mac = net.nic.mac();
    println!(
        "net: LAN9118 up, MAC {:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}, 10.0.2.15/24, gateway 10.0.2.2",
        mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]
    );
    let local_port = 49152 + (u16::from_le_bytes([seed[8], seed[9]]) % 16000);
    if let Err(e) = net.connect(BROKER_IP, BROKER_PORT, local_port) {
        println!("FAILED: connecting to 10.0.2.100:{BROKER_PORT}: {e}");
        return EXIT_NETWORK;
    }
    println!("net: TCP connected to 10.0.2.100:{BROKER_PORT} (the host's broker through QEMU's guestfwd)");

    let cells = ProviderCells::default();
    let mut provider = TokenProvider::new(token, key, &certificate, &root, &cells);
    let config = TlsConfig::new().with_server_name(server_name);
    // SAFETY: `connect` runs once per boot, in the one task using the network; nothing else
    // touches these buffers.
    let (read_buf, write_buf) = unsafe {
        (
            &mut *addr_of_mut!(TLS_READ_BUF),
            &mut *addr_of_mut!(TLS_WRITE_BUF),
        )
    };
    let mut tls: TlsConnection<'_, _, embedded_tls::blocking::Aes128GcmSha256> =
        TlsConnection::new(net.stream(), read_buf, write_buf);
    println!("tls: ClientHello (TLS 1.3, TLS_AES_128_GCM_SHA256, key share secp256r1, server name \"{server_name}\")");
    let opened = tls.open(TlsContext::new(&config, &mut provider));
    if let Err(e) = opened {
        let code = if provider.sign_init_failure.is_some() || cells.sign_failure.get().is_some() {
            let err = provider.sign_init_failure.or(cells.sign_failure.get());
            if let Some(err) = err {
                println!(
                    "FAILED: TLS handshake ended: signing the CertificateVerify failed: {err}"
                );
            }
            EXIT_SIGNING
        } else if cells.rng_failed.get() {
            println!("FAILED: TLS handshake ended: the token's random number generator failed");
            EXIT_TOKEN
        } else if !provider.verifier.certificate_ok
            || (!provider.verifier.signature_ok && is_local_verify_error(&e))
        {
            println!(
                "FAILED: TLS handshake refused by the firmware: the server is not trusted ({e:?})"
            );
            EXIT_SERVER_NOT_TRUSTED
        } else {
            println!("FAILED: TLS handshake failed: {}", describe_tls_error(&e));
            EXIT_REFUSED_BY_BROKER
        };
        return code;
    }
    println!(
        "tls: handshake complete: TLS 1.3, client certificate sent, CertificateVerify signed in the token ({})",
        if cells.signed.get() { "C_Sign" } else { "no client authentication was asked for" }
    );

    // MQTT. In TLS 1.3 the broker checks the client certificate after the client's Finished,
    // so a refusal shows up here, as an alert instead of the CONNACK.
    if let Err(e) = mqtt::connect(&mut tls, client_id, 60) {
        return match e {
            mqtt::MqttError::Io(te) => {
                println!(
                    "FAILED: the broker refused the device: {} (its certificate or key was not accepted)",
                    describe_tls_error(&te)
                );
                EXIT_REFUSED_BY_BROKER
            }
            mqtt::MqttError::Closed => {
                println!("FAILED: the broker refused the device: the connection was closed instead of CONNACK (certificate or key not accepted)");
                EXIT_REFUSED_BY_BROKER
            }
            mqtt::MqttError::Refused(rc) => {
                println!("FAILED: MQTT CONNACK refused the connection (return code {rc})");
                EXIT_MQTT
            }
            mqtt::MqttError::Protocol(p) => {
                println!("FAILED: MQTT: {p}");
                EXIT_MQTT
            }
        };
    }
    println!("mqtt: CONNECT as \"{client_id}\" accepted (CONNACK 0): the broker took the identity from the device certificate");
    if let Err(e) = mqtt::publish_qos1(&mut tls, topic, message.as_bytes(), 1) {
        println!("FAILED: MQTT PUBLISH: {e:?}");
        return EXIT_MQTT;
    }
    println!("mqtt: PUBLISH QoS 1 to \"{topic}\": \"{message}\" -> PUBACK for packet 1");
    let _ = mqtt::disconnect(&mut tls);
    println!("mqtt: DISCONNECT");
    match tls.close() {
        Ok(_) | Err(_) => {}
    }
    net.close();
    println!(
        "net: closed (frames: {} received, {} sent, {} bad)",
        net.nic.hw.rx_frames, net.nic.hw.tx_frames, net.nic.hw.rx_errors
    );
    println!("tls_client: connect done: published over TLS with the key in the token");
    0
}

fn is_local_verify_error(e: &TlsError) -> bool {
    matches!(
        e,
        TlsError::InvalidCertificate
            | TlsError::InvalidSignature
            | TlsError::DecodeError
            | TlsError::InvalidSignatureScheme
    )
}

fn describe_tls_error(e: &TlsError) -> String {
    use alloc::format;
    match e {
        TlsError::HandshakeAborted(level, description) => {
            format!("TLS alert from the broker: {level:?} {description:?}")
        }
        TlsError::ConnectionClosed => String::from("the broker closed the TLS connection"),
        // embedded-tls reports every received alert other than close_notify this way.
        TlsError::InternalError => String::from("the broker ended the connection with a TLS alert"),
        TlsError::Io(kind) => {
            format!("I/O error {kind:?} (connection closed or reset by the broker)")
        }
        other => format!("{other:?}"),
    }
}

fn keygen(csr_path: &str, common_name: &str) -> i32 {
    let token = match Token::open() {
        Ok(t) => t,
        Err(e) => return fail_token("opening the token", e),
    };
    // A new key makes the old certificate useless: remove both.
    for (label, class) in [
        (LABEL_DEVICE_PRIVATE_KEY, CKO_PRIVATE_KEY),
        (LABEL_DEVICE_PUBLIC_KEY, CKO_PUBLIC_KEY),
        (LABEL_DEVICE_CERT, CKO_CERTIFICATE),
    ] {
        match token.destroy_all(label, class) {
            Ok(0) => {}
            Ok(n) => println!("keygen: C_DestroyObject: removed {n} old \"{label}\""),
            Err(e) => return fail_token("C_DestroyObject", e),
        }
    }
    let (private, public) =
        match token.generate_ec_key_pair(LABEL_DEVICE_PRIVATE_KEY, LABEL_DEVICE_PUBLIC_KEY) {
            Ok(p) => p,
            Err(e) => return fail_token("C_GenerateKeyPair", e),
        };
    println!("keygen: C_GenerateKeyPair (CKM_EC_KEY_PAIR_GEN, P-256, token objects): \"{LABEL_DEVICE_PRIVATE_KEY}\" {private}, \"{LABEL_DEVICE_PUBLIC_KEY}\" {public}");
    let point_attr = match token.attribute(public, CKA_EC_POINT) {
        Ok(v) => v,
        Err(e) => return fail_token("C_GetAttributeValue(CKA_EC_POINT) of the public key", e),
    };
    let Some(point) = der::ec_point_from_attribute(&point_attr) else {
        println!("FAILED: unexpected CKA_EC_POINT");
        return EXIT_TOKEN;
    };
    let info = der::csr_info(point, "core-pkcs11 demo", common_name);
    if let Err(e) = token.sign_init(CKM_ECDSA_SHA256, private) {
        return fail_token("C_SignInit", e);
    }
    let raw = match token.sign(&info) {
        Ok(r) => r,
        Err(e) => {
            println!("FAILED: signing the request: {e}");
            return EXIT_SIGNING;
        }
    };
    let Some(signature) = der::ecdsa_raw_to_der(&raw) else {
        println!(
            "FAILED: C_Sign returned {} bytes, not a P-256 r||s",
            raw.len()
        );
        return EXIT_SIGNING;
    };
    let request = der::csr(&info, &signature);
    if let Err(e) = sys::write_host_file(csr_path, &request) {
        println!("FAILED: writing {csr_path}: {e}");
        return EXIT_HOST_FILE;
    }
    println!(
        "keygen: PKCS #10 request for \"O=core-pkcs11 demo, CN={common_name}\" signed with C_Sign (CKM_ECDSA_SHA256, {} bytes r||s) written to {csr_path} ({} bytes, DER); the private key never left the token",
        raw.len(),
        request.len()
    );
    0
}

fn import(key_path: &str, cert_path: &str, root_path: &str) -> i32 {
    let token = match Token::open() {
        Ok(t) => t,
        Err(e) => return fail_token("opening the token", e),
    };
    if key_path != "-" {
        let key_der = match sys::read_host_file(key_path) {
            Ok(k) => k,
            Err(e) => {
                println!("FAILED: {key_path}: {e}");
                return EXIT_HOST_FILE;
            }
        };
        let Some(mut scalar) = der::sec1_p256_private_key(&key_der) else {
            println!("FAILED: {key_path} is not a SEC1 DER P-256 private key");
            return EXIT_HOST_FILE;
        };
        for (label, class) in [
            (LABEL_DEVICE_PRIVATE_KEY, CKO_PRIVATE_KEY),
            (LABEL_DEVICE_PUBLIC_KEY, CKO_PUBLIC_KEY),
        ] {
            if let Err(e) = token.destroy_all(label, class) {
                return fail_token("C_DestroyObject", e);
            }
        }
        let created = token.create_ec_private_key(LABEL_DEVICE_PRIVATE_KEY, &scalar);
        scalar.iter_mut().for_each(|b| *b = 0);
        match created {
            Ok(h) => println!("import: C_CreateObject \"{LABEL_DEVICE_PRIVATE_KEY}\" (EC P-256 private key from {key_path}, sensitive) -> handle {h}"),
            Err(e) => return fail_token("C_CreateObject (private key)", e),
        }
    }
    for (label, path) in [(LABEL_DEVICE_CERT, cert_path), (LABEL_ROOT_CERT, root_path)] {
        let der_bytes: Vec<u8> = match sys::read_host_file(path) {
            Ok(d) => d,
            Err(e) => {
                println!("FAILED: {path}: {e}");
                return EXIT_HOST_FILE;
            }
        };
        if let Err(e) = token.destroy_all(label, CKO_CERTIFICATE) {
            return fail_token("C_DestroyObject", e);
        }
        match token.create_certificate(label, &der_bytes) {
            Ok(h) => println!(
                "import: C_CreateObject \"{label}\" (X.509, {} bytes, subject \"{}\") -> handle {h}",
                der_bytes.len(),
                der::certificate_subject(&der_bytes).unwrap_or_default()
            ),
            Err(e) => return fail_token("C_CreateObject (certificate)", e),
        }
    }
    let _ = REFUSE_WRITES.load(Ordering::Relaxed);
    println!("import: done");
    0
}
