//! Describing and finding token objects: classes, labels, ids, key types, public keys.

use crate::asn1;
use crate::device::Device;
use crate::error::{Failure, Result};
use core_pkcs11_engine::ck::*;
use core_pkcs11_engine::Attribute;
use sha2::Digest;

/// The class names the command line uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ClassArg {
    /// Private keys.
    Private,
    /// Public keys.
    Public,
    /// X.509 certificates.
    Cert,
    /// Data objects.
    Data,
    /// Every class.
    All,
}

impl ClassArg {
    /// The `CKO_*` value, `None` for all.
    pub fn class(self) -> Option<Ulong> {
        match self {
            ClassArg::Private => Some(CKO_PRIVATE_KEY),
            ClassArg::Public => Some(CKO_PUBLIC_KEY),
            ClassArg::Cert => Some(CKO_CERTIFICATE),
            ClassArg::Data => Some(CKO_DATA),
            ClassArg::All => None,
        }
    }
}

/// "private key", "certificate", …
pub fn class_name(class: Ulong) -> &'static str {
    match class {
        CKO_PRIVATE_KEY => "private key",
        CKO_PUBLIC_KEY => "public key",
        CKO_CERTIFICATE => "certificate",
        CKO_DATA => "data",
        _ => "object",
    }
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses `--id`: hex digits, optionally `0x`-prefixed or `:`-separated.
pub fn parse_id(text: &str) -> Result<Vec<u8>> {
    let clean: String = text
        .trim()
        .trim_start_matches("0x")
        .chars()
        .filter(|c| *c != ':' && *c != ' ')
        .collect();
    if clean.is_empty()
        || !clean.len().is_multiple_of(2)
        || !clean.chars().all(|c| c.is_ascii_hexdigit())
    {
        return Err(Failure::new(format!(
            "bad --id '{text}': expected an even number of hex digits, e.g. --id 01a2"
        )));
    }
    Ok((0..clean.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&clean[i..i + 2], 16).unwrap_or(0))
        .collect())
}

/// The default `CKA_ID` of a key pair: the first 20 bytes of SHA-256 of its public key (the
/// EC point, or the RSA modulus).
pub fn default_id(public: &[u8]) -> Vec<u8> {
    sha2::Sha256::digest(public)[..20].to_vec()
}

/// A `CK_ULONG` attribute value.
pub fn ulong_bytes(v: Ulong) -> [u8; core::mem::size_of::<Ulong>()] {
    v.to_ne_bytes()
}

/// Objects with `label`, of `class` (any when `None`) and `id` (any when `None`).
pub fn find_labelled(
    device: &mut Device,
    label: &str,
    class: Option<Ulong>,
    id: Option<&[u8]>,
) -> Result<Vec<Ulong>> {
    let class_bytes = class.map(ulong_bytes);
    let mut template = vec![Attribute::new(CKA_LABEL, label.as_bytes())];
    if let Some(c) = &class_bytes {
        template.push(Attribute::new(CKA_CLASS, c));
    }
    if let Some(id) = id {
        template.push(Attribute::new(CKA_ID, id));
    }
    device.find(&template)
}

/// The SubjectPublicKeyInfo of a public key, a certificate, or an RSA private key object.
pub fn spki_of(device: &Device, object: Ulong) -> Option<Vec<u8>> {
    let class = device.ulong(object, CKA_CLASS)?;
    if class == CKO_CERTIFICATE {
        return device.attribute(object, CKA_PUBLIC_KEY_INFO);
    }
    match device.ulong(object, CKA_KEY_TYPE)? {
        CKK_EC => {
            let attr = device.attribute(object, CKA_EC_POINT)?;
            let point = core_pkcs11_engine::der::parse_octet_string(&attr).unwrap_or(&attr);
            Some(asn1::ec_spki(point))
        }
        CKK_RSA => {
            let n = device.attribute(object, CKA_MODULUS)?;
            let e = device.attribute(object, CKA_PUBLIC_EXPONENT)?;
            Some(asn1::rsa_spki(&n, &e))
        }
        _ => None,
    }
}

/// The SubjectPublicKeyInfo for the key pair labelled `label`: from its public key object,
/// else a certificate with that label, else (RSA) its private key.
pub fn public_key_info(device: &mut Device, label: &str) -> Result<Vec<u8>> {
    for class in [CKO_PUBLIC_KEY, CKO_CERTIFICATE, CKO_PRIVATE_KEY] {
        for object in find_labelled(device, label, Some(class), None)? {
            if let Some(spki) = spki_of(device, object) {
                return Ok(spki);
            }
        }
    }
    let anything = !find_labelled(device, label, None, None)?.is_empty();
    Err(Failure::new(if anything {
        format!("no public key found for '{label}' (an EC private key does not hold its public point; import or generate the pair with its public key)")
    } else {
        format!("no object labelled '{label}'{}", hidden_hint(device))
    }))
}

/// " (private objects are hidden: …)" when nobody is logged in.
pub fn hidden_hint(device: &Device) -> &'static str {
    if device.login == crate::device::Login::Nobody {
        " (private objects are hidden: give --pin)"
    } else {
        ""
    }
}

/// "EC P-256" / "RSA-2048" for a key object.
pub fn key_description(device: &Device, object: Ulong) -> Option<String> {
    match device.ulong(object, CKA_KEY_TYPE)? {
        CKK_EC => {
            let params = device.attribute(object, CKA_EC_PARAMS).unwrap_or_default();
            if params == core_pkcs11_engine::der::OID_P256 {
                Some("EC P-256 (256 bits)".to_string())
            } else {
                Some("EC".to_string())
            }
        }
        CKK_RSA => {
            let bits = device
                .attribute(object, CKA_MODULUS)
                .map(|n| crate::keyfile::bit_len(&n))
                .unwrap_or(0);
            Some(format!("RSA-{bits} ({bits} bits)"))
        }
        other => Some(format!("key type {other:#x}")),
    }
}

/// The boolean attributes worth showing, as words.
pub fn flag_words(device: &Device, object: Ulong) -> Vec<&'static str> {
    let class = device.ulong(object, CKA_CLASS).unwrap_or(0);
    let mut words = Vec::new();
    let mut add = |kind: Ulong, yes: &'static str, no: Option<&'static str>| match (
        device.flag(object, kind),
        no,
    ) {
        (true, _) => words.push(yes),
        (false, Some(n)) => words.push(n),
        _ => {}
    };
    add(CKA_TOKEN, "token", Some("session"));
    add(CKA_PRIVATE, "private", Some("public"));
    match class {
        CKO_PRIVATE_KEY => {
            add(CKA_SENSITIVE, "sensitive", None);
            add(CKA_EXTRACTABLE, "extractable", Some("not extractable"));
            add(CKA_ALWAYS_SENSITIVE, "always sensitive", None);
            add(CKA_NEVER_EXTRACTABLE, "never extractable", None);
            add(CKA_SIGN, "sign", None);
            add(CKA_DERIVE, "derive", None);
            add(CKA_LOCAL, "generated on the token", None);
        }
        CKO_PUBLIC_KEY => {
            add(CKA_VERIFY, "verify", None);
            add(CKA_LOCAL, "generated on the token", None);
        }
        CKO_CERTIFICATE => add(CKA_TRUSTED, "trusted", None),
        _ => {}
    }
    add(CKA_MODIFIABLE, "modifiable", Some("read-only"));
    words
}
