//! Loads the core-pkcs11 module with the `cryptoki` crate and runs sign/verify, digest and
//! random through it. The module path is `CORE_PKCS11_MODULE`; the token image is the
//! module's (`CORE_PKCS11_STORE`). Prints one line per check and exits non-zero on failure.

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass};
use cryptoki::session::UserType;
use cryptoki::types::AuthPin;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// DER OID of P-256 (CKA_EC_PARAMS).
const P256: [u8; 10] = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];

fn main() {
    match run() {
        Ok(()) => println!("cryptoki: all checks passed"),
        Err(e) => {
            eprintln!("cryptoki: FAILED: {e}");
            std::process::exit(1);
        }
    }
}

fn check(what: &str, ok: bool) -> Result<()> {
    if ok {
        println!("ok: {what}");
        Ok(())
    } else {
        Err(format!("check failed: {what}").into())
    }
}

fn run() -> Result<()> {
    let module = std::env::var("CORE_PKCS11_MODULE")?;
    let pin = std::env::var("CORE_PKCS11_PIN").unwrap_or_else(|_| "0000".to_string());
    let pkcs11 = Pkcs11::new(&module)?;
    pkcs11.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK))?;
    let info = pkcs11.get_library_info()?;
    check(
        &format!("C_GetInfo: {}", info.manufacturer_id()),
        info.manufacturer_id().starts_with("core-pkcs11"),
    )?;
    let slots = pkcs11.get_slots_with_token()?;
    check("one slot with a token", slots.len() == 1)?;
    let slot = slots[0];
    let token = pkcs11.get_token_info(slot)?;
    println!(
        "token: label '{}', serial {}",
        token.label(),
        token.serial_number()
    );

    let session = pkcs11.open_rw_session(slot)?;
    session.login(UserType::User, Some(&AuthPin::new(pin.into())))?;

    // Digest: SHA-256("abc") known answer, single and multi-part.
    let abc = session.digest(&Mechanism::Sha256, b"abc")?;
    let expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    let hex: String = abc.iter().map(|b| format!("{b:02x}")).collect();
    check("C_Digest SHA-256(\"abc\") known answer", hex == expected)?;

    // Random.
    let a = session.generate_random_vec(32)?;
    let b = session.generate_random_vec(32)?;
    check(
        "C_GenerateRandom: 32 bytes, two calls differ",
        a.len() == 32 && a != b,
    )?;
    session.seed_random(b"cryptoki consumer seed")?;

    // A P-256 key pair (token objects), found again by label.
    let label = b"cryptoki-ec".to_vec();
    let public_template = vec![
        Attribute::Token(true),
        Attribute::Label(label.clone()),
        Attribute::EcParams(P256.to_vec()),
        Attribute::Verify(true),
    ];
    let private_template = vec![
        Attribute::Token(true),
        Attribute::Private(true),
        Attribute::Sensitive(true),
        Attribute::Label(label.clone()),
        Attribute::Sign(true),
    ];
    let (public, private) = session.generate_key_pair(
        &Mechanism::EccKeyPairGen,
        &public_template,
        &private_template,
    )?;
    let found = session.find_objects(&[
        Attribute::Class(ObjectClass::PRIVATE_KEY),
        Attribute::KeyType(KeyType::EC),
        Attribute::Label(label.clone()),
    ])?;
    check(
        "C_FindObjects finds the private key by label",
        found == vec![private],
    )?;
    let attrs = session.get_attributes(public, &[AttributeType::EcPoint])?;
    check(
        "CKA_EC_POINT is a 67-byte DER OCTET STRING",
        matches!(attrs.first(), Some(Attribute::EcPoint(p)) if p.len() == 67 && p[0] == 0x04),
    )?;

    // Sign and verify: hash-and-sign, and CKM_ECDSA over a hash.
    let message = b"signed through the cryptoki crate";
    let sig = session.sign(&Mechanism::EcdsaSha256, private, message)?;
    check("C_Sign CKM_ECDSA_SHA256: 64-byte r||s", sig.len() == 64)?;
    session.verify(&Mechanism::EcdsaSha256, public, message, &sig)?;
    println!("ok: C_Verify CKM_ECDSA_SHA256");
    let mut tampered = sig.clone();
    tampered[10] ^= 1;
    check(
        "C_Verify rejects a tampered signature",
        session
            .verify(&Mechanism::EcdsaSha256, public, message, &tampered)
            .is_err(),
    )?;
    let hash = session.digest(&Mechanism::Sha256, message)?;
    let raw = session.sign(&Mechanism::Ecdsa, private, &hash)?;
    session.verify(&Mechanism::Ecdsa, public, &hash, &raw)?;
    session.verify(&Mechanism::EcdsaSha256, public, message, &raw)?;
    println!("ok: CKM_ECDSA over SHA-256 verifies as CKM_ECDSA_SHA256");

    // Clean up the token objects.
    session.destroy_object(private)?;
    session.destroy_object(public)?;
    session.logout()?;
    Ok(())
}
