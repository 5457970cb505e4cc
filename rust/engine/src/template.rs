//! Which attributes each kind of object has, their types, defaults and rules.
//!
//! Every object kind (class, and key or certificate type) has a fixed set of attributes.
//! A template may only name attributes of that set ([`CKR_ATTRIBUTE_TYPE_INVALID`]
//! otherwise), may not set the ones the token computes ([`CKR_ATTRIBUTE_READ_ONLY`]), and
//! must give the required ones ([`CKR_TEMPLATE_INCOMPLETE`]). The rest take their defaults.

use crate::attribute::Attribute;
use crate::ck::*;
use crate::CkResult;

/// How an attribute's value bytes are laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// `CK_BBOOL`: one byte, 0 or 1.
    Bool,
    /// `CK_ULONG` in the platform's width and byte order.
    Ulong,
    /// An array of `CK_ULONG` (`CKA_ALLOWED_MECHANISMS`).
    UlongArray,
    /// `CK_DATE` (8 ASCII digits) or empty.
    Date,
    /// Any byte string.
    Bytes,
    /// A secret byte string (key material): never returned while the key is sensitive or
    /// unextractable, never matched by a search.
    Secret,
}

/// Where an attribute's value comes from when an object is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The template must give it.
    Required,
    /// The template may give it; otherwise the default applies.
    Optional,
    /// The token sets it; a template naming it is refused.
    Computed,
    /// The template must give it to `C_CreateObject`; key generation computes it.
    RequiredUnlessGenerated,
}

/// Whether `C_SetAttributeValue` may change an attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Modify {
    /// Never after creation.
    No,
    /// Freely (subject to `CKA_MODIFIABLE`).
    Yes,
    /// Only from false to true (`CKA_SENSITIVE`).
    OnlyToTrue,
    /// Only from true to false (`CKA_EXTRACTABLE`).
    OnlyToFalse,
}

/// The value an attribute takes when the template does not give one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefaultValue {
    /// No default: required, or computed by the token.
    None,
    /// `CK_FALSE`.
    False,
    /// `CK_TRUE`.
    True,
    /// The empty byte string.
    Empty,
    /// The `CK_ULONG` 0 (the only `CK_ULONG` default any attribute has; no payload keeps
    /// each rule at 8 bytes of flash on 32-bit targets).
    UlongZero,
}

/// What the token knows of one attribute of one object kind.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    /// `CKA_*` type.
    pub kind: Ulong,
    /// Layout of the value, and whether it is a secret.
    pub value: ValueKind,
    /// Where the value comes from.
    pub origin: Origin,
    /// Whether it can change later.
    pub modify: Modify,
    /// Value when the template omits it.
    pub default: DefaultValue,
}

// The tables take flash on devices: a 32-bit `CK_ULONG` and four one-byte fields.
const _: () = assert!(core::mem::size_of::<Ulong>() != 4 || core::mem::size_of::<Rule>() == 8);
// `DefaultValue::UlongZero` stands for it.
const _: () = assert!(CK_CERTIFICATE_CATEGORY_UNSPECIFIED == 0);

impl Rule {
    /// A secret: never returned while the key is sensitive or unextractable.
    pub fn is_secret(&self) -> bool {
        self.value == ValueKind::Secret
    }
}

const fn rule(
    kind: Ulong,
    value: ValueKind,
    origin: Origin,
    modify: Modify,
    default: DefaultValue,
) -> Rule {
    Rule {
        kind,
        value,
        origin,
        modify,
        default,
    }
}

const fn secret(kind: Ulong, origin: Origin) -> Rule {
    Rule {
        kind,
        value: ValueKind::Secret,
        origin,
        modify: Modify::No,
        default: DefaultValue::None,
    }
}

use DefaultValue as D;
use Modify as M;
use Origin as O;
use ValueKind as V;

/// Attributes of every object (storage objects).
const STORAGE: &[Rule] = &[
    rule(CKA_CLASS, V::Ulong, O::Required, M::No, D::None),
    rule(CKA_TOKEN, V::Bool, O::Optional, M::No, D::False),
    rule(CKA_MODIFIABLE, V::Bool, O::Optional, M::No, D::True),
    rule(CKA_LABEL, V::Bytes, O::Optional, M::Yes, D::Empty),
    rule(CKA_COPYABLE, V::Bool, O::Optional, M::No, D::True),
    rule(CKA_DESTROYABLE, V::Bool, O::Optional, M::No, D::True),
];

/// `CKA_PRIVATE` for objects that are public unless asked otherwise.
const PUBLIC_BY_DEFAULT: &[Rule] = &[rule(CKA_PRIVATE, V::Bool, O::Optional, M::No, D::False)];
/// `CKA_PRIVATE` for private keys: private unless asked otherwise.
const PRIVATE_BY_DEFAULT: &[Rule] = &[rule(CKA_PRIVATE, V::Bool, O::Optional, M::No, D::True)];

const DATA: &[Rule] = &[
    rule(CKA_APPLICATION, V::Bytes, O::Optional, M::Yes, D::Empty),
    rule(CKA_OBJECT_ID, V::Bytes, O::Optional, M::Yes, D::Empty),
    rule(CKA_VALUE, V::Bytes, O::Optional, M::Yes, D::Empty),
];

const X509_CERTIFICATE: &[Rule] = &[
    rule(CKA_CERTIFICATE_TYPE, V::Ulong, O::Required, M::No, D::None),
    rule(CKA_TRUSTED, V::Bool, O::Optional, M::No, D::False),
    rule(
        CKA_CERTIFICATE_CATEGORY,
        V::Ulong,
        O::Optional,
        M::No,
        // CK_CERTIFICATE_CATEGORY_UNSPECIFIED
        D::UlongZero,
    ),
    rule(CKA_START_DATE, V::Date, O::Optional, M::Yes, D::Empty),
    rule(CKA_END_DATE, V::Date, O::Optional, M::Yes, D::Empty),
    rule(CKA_PUBLIC_KEY_INFO, V::Bytes, O::Computed, M::No, D::None),
    // CKA_SUBJECT is required by the standard; when a template omits it the token takes it
    // from the certificate itself (see `object::complete_certificate`).
    rule(CKA_SUBJECT, V::Bytes, O::Optional, M::No, D::None),
    rule(CKA_ID, V::Bytes, O::Optional, M::Yes, D::Empty),
    rule(CKA_ISSUER, V::Bytes, O::Optional, M::Yes, D::None),
    rule(CKA_SERIAL_NUMBER, V::Bytes, O::Optional, M::Yes, D::None),
    rule(CKA_VALUE, V::Bytes, O::Required, M::No, D::None),
    rule(CKA_URL, V::Bytes, O::Optional, M::No, D::Empty),
    rule(
        CKA_HASH_OF_SUBJECT_PUBLIC_KEY,
        V::Bytes,
        O::Optional,
        M::No,
        D::Empty,
    ),
    rule(
        CKA_HASH_OF_ISSUER_PUBLIC_KEY,
        V::Bytes,
        O::Optional,
        M::No,
        D::Empty,
    ),
    rule(
        CKA_JAVA_MIDP_SECURITY_DOMAIN,
        V::Ulong,
        O::Optional,
        M::No,
        D::UlongZero,
    ),
];

const KEY: &[Rule] = &[
    rule(CKA_KEY_TYPE, V::Ulong, O::Required, M::No, D::None),
    rule(CKA_ID, V::Bytes, O::Optional, M::Yes, D::Empty),
    rule(CKA_START_DATE, V::Date, O::Optional, M::Yes, D::Empty),
    rule(CKA_END_DATE, V::Date, O::Optional, M::Yes, D::Empty),
    rule(CKA_DERIVE, V::Bool, O::Optional, M::Yes, D::False),
    rule(CKA_LOCAL, V::Bool, O::Computed, M::No, D::None),
    rule(CKA_KEY_GEN_MECHANISM, V::Ulong, O::Computed, M::No, D::None),
    rule(
        CKA_ALLOWED_MECHANISMS,
        V::UlongArray,
        O::Optional,
        M::No,
        D::Empty,
    ),
];

const PUBLIC_KEY: &[Rule] = &[
    rule(CKA_SUBJECT, V::Bytes, O::Optional, M::Yes, D::Empty),
    rule(CKA_ENCRYPT, V::Bool, O::Optional, M::Yes, D::False),
    rule(CKA_VERIFY, V::Bool, O::Optional, M::Yes, D::True),
    rule(CKA_VERIFY_RECOVER, V::Bool, O::Optional, M::Yes, D::False),
    rule(CKA_WRAP, V::Bool, O::Optional, M::Yes, D::False),
    rule(CKA_TRUSTED, V::Bool, O::Optional, M::No, D::False),
];

const PRIVATE_KEY: &[Rule] = &[
    rule(CKA_SUBJECT, V::Bytes, O::Optional, M::Yes, D::Empty),
    rule(CKA_SENSITIVE, V::Bool, O::Optional, M::OnlyToTrue, D::True),
    rule(CKA_DECRYPT, V::Bool, O::Optional, M::Yes, D::False),
    rule(CKA_SIGN, V::Bool, O::Optional, M::Yes, D::True),
    rule(CKA_SIGN_RECOVER, V::Bool, O::Optional, M::Yes, D::False),
    rule(CKA_UNWRAP, V::Bool, O::Optional, M::Yes, D::False),
    rule(
        CKA_EXTRACTABLE,
        V::Bool,
        O::Optional,
        M::OnlyToFalse,
        D::False,
    ),
    rule(CKA_ALWAYS_SENSITIVE, V::Bool, O::Computed, M::No, D::None),
    rule(CKA_NEVER_EXTRACTABLE, V::Bool, O::Computed, M::No, D::None),
    rule(CKA_WRAP_WITH_TRUSTED, V::Bool, O::Optional, M::No, D::False),
    rule(
        CKA_ALWAYS_AUTHENTICATE,
        V::Bool,
        O::Optional,
        M::No,
        D::False,
    ),
];

const SECRET_KEY: &[Rule] = &[
    rule(CKA_SENSITIVE, V::Bool, O::Optional, M::OnlyToTrue, D::True),
    rule(CKA_ENCRYPT, V::Bool, O::Optional, M::Yes, D::False),
    rule(CKA_DECRYPT, V::Bool, O::Optional, M::Yes, D::False),
    rule(CKA_SIGN, V::Bool, O::Optional, M::Yes, D::True),
    rule(CKA_VERIFY, V::Bool, O::Optional, M::Yes, D::True),
    rule(CKA_WRAP, V::Bool, O::Optional, M::Yes, D::False),
    rule(CKA_UNWRAP, V::Bool, O::Optional, M::Yes, D::False),
    rule(
        CKA_EXTRACTABLE,
        V::Bool,
        O::Optional,
        M::OnlyToFalse,
        D::False,
    ),
    rule(CKA_ALWAYS_SENSITIVE, V::Bool, O::Computed, M::No, D::None),
    rule(CKA_NEVER_EXTRACTABLE, V::Bool, O::Computed, M::No, D::None),
    rule(CKA_WRAP_WITH_TRUSTED, V::Bool, O::Optional, M::No, D::False),
    rule(CKA_TRUSTED, V::Bool, O::Optional, M::No, D::False),
];

const SECRET_VALUE: &[Rule] = &[
    secret(CKA_VALUE, O::Required),
    rule(CKA_VALUE_LEN, V::Ulong, O::Computed, M::No, D::None),
];

const EC_PUBLIC: &[Rule] = &[
    rule(
        CKA_EC_PARAMS,
        V::Bytes,
        O::RequiredUnlessGenerated,
        M::No,
        D::None,
    ),
    rule(
        CKA_EC_POINT,
        V::Bytes,
        O::RequiredUnlessGenerated,
        M::No,
        D::None,
    ),
];

const EC_PRIVATE: &[Rule] = &[
    rule(
        CKA_EC_PARAMS,
        V::Bytes,
        O::RequiredUnlessGenerated,
        M::No,
        D::None,
    ),
    secret(CKA_VALUE, O::RequiredUnlessGenerated),
];

const RSA_PUBLIC: &[Rule] = &[
    rule(
        CKA_MODULUS,
        V::Bytes,
        O::RequiredUnlessGenerated,
        M::No,
        D::None,
    ),
    rule(CKA_MODULUS_BITS, V::Ulong, O::Computed, M::No, D::None),
    rule(
        CKA_PUBLIC_EXPONENT,
        V::Bytes,
        O::RequiredUnlessGenerated,
        M::No,
        D::None,
    ),
];

const RSA_PRIVATE: &[Rule] = &[
    rule(
        CKA_MODULUS,
        V::Bytes,
        O::RequiredUnlessGenerated,
        M::No,
        D::None,
    ),
    rule(
        CKA_PUBLIC_EXPONENT,
        V::Bytes,
        O::RequiredUnlessGenerated,
        M::No,
        D::None,
    ),
    secret(CKA_PRIVATE_EXPONENT, O::RequiredUnlessGenerated),
    secret(CKA_PRIME_1, O::Optional),
    secret(CKA_PRIME_2, O::Optional),
    secret(CKA_EXPONENT_1, O::Optional),
    secret(CKA_EXPONENT_2, O::Optional),
    secret(CKA_COEFFICIENT, O::Optional),
];

/// The kind of an object: enough to know its attribute set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectKind {
    /// `CKO_DATA`.
    Data,
    /// `CKO_CERTIFICATE` of type `CKC_X_509`.
    X509Certificate,
    /// `CKO_PUBLIC_KEY` of type `CKK_EC`.
    EcPublicKey,
    /// `CKO_PRIVATE_KEY` of type `CKK_EC`.
    EcPrivateKey,
    /// `CKO_PUBLIC_KEY` of type `CKK_RSA`.
    RsaPublicKey,
    /// `CKO_PRIVATE_KEY` of type `CKK_RSA`.
    RsaPrivateKey,
    /// `CKO_SECRET_KEY` of type `CKK_GENERIC_SECRET` or `CKK_SHA256_HMAC` (HMAC keys).
    HmacKey,
    /// `CKO_SECRET_KEY` of type `CKK_AES`.
    AesKey,
}

impl ObjectKind {
    /// The attribute rules of this kind, in groups (storage, privacy, class, key, key class,
    /// key type; the groups a kind does not have are left out).
    pub fn rules(self) -> &'static [&'static [Rule]] {
        match self {
            ObjectKind::Data => &[STORAGE, PUBLIC_BY_DEFAULT, DATA],
            ObjectKind::X509Certificate => &[STORAGE, PUBLIC_BY_DEFAULT, X509_CERTIFICATE],
            ObjectKind::EcPublicKey => &[STORAGE, PUBLIC_BY_DEFAULT, KEY, PUBLIC_KEY, EC_PUBLIC],
            ObjectKind::EcPrivateKey => {
                &[STORAGE, PRIVATE_BY_DEFAULT, KEY, PRIVATE_KEY, EC_PRIVATE]
            }
            ObjectKind::RsaPublicKey => &[STORAGE, PUBLIC_BY_DEFAULT, KEY, PUBLIC_KEY, RSA_PUBLIC],
            ObjectKind::RsaPrivateKey => {
                &[STORAGE, PRIVATE_BY_DEFAULT, KEY, PRIVATE_KEY, RSA_PRIVATE]
            }
            ObjectKind::HmacKey | ObjectKind::AesKey => {
                &[STORAGE, PRIVATE_BY_DEFAULT, KEY, SECRET_KEY, SECRET_VALUE]
            }
        }
    }

    /// Every rule of this kind.
    pub fn all_rules(self) -> impl Iterator<Item = &'static Rule> {
        self.rules().iter().flat_map(|g| g.iter())
    }

    /// The rule for attribute `kind`, if objects of this kind have it.
    pub fn rule(self, kind: Ulong) -> Option<&'static Rule> {
        for group in self.rules() {
            if let Some(rule) = group.iter().find(|r| r.kind == kind) {
                return Some(rule);
            }
        }
        None
    }

    /// `CKA_CLASS` of this kind.
    pub fn class(self) -> Ulong {
        match self {
            ObjectKind::Data => CKO_DATA,
            ObjectKind::X509Certificate => CKO_CERTIFICATE,
            ObjectKind::EcPublicKey | ObjectKind::RsaPublicKey => CKO_PUBLIC_KEY,
            ObjectKind::EcPrivateKey | ObjectKind::RsaPrivateKey => CKO_PRIVATE_KEY,
            ObjectKind::HmacKey | ObjectKind::AesKey => CKO_SECRET_KEY,
        }
    }

    /// `CKA_KEY_TYPE` of a key kind.
    pub fn key_type(self) -> Option<Ulong> {
        match self {
            ObjectKind::EcPublicKey | ObjectKind::EcPrivateKey => Some(CKK_EC),
            ObjectKind::RsaPublicKey | ObjectKind::RsaPrivateKey => Some(CKK_RSA),
            ObjectKind::HmacKey => Some(CKK_GENERIC_SECRET),
            ObjectKind::AesKey => Some(CKK_AES),
            _ => None,
        }
    }

    /// True for private and secret keys (objects holding secret attributes, with
    /// `CKA_SENSITIVE`, `CKA_EXTRACTABLE` and their history).
    pub fn is_private_key(self) -> bool {
        matches!(
            self,
            ObjectKind::EcPrivateKey
                | ObjectKind::RsaPrivateKey
                | ObjectKind::HmacKey
                | ObjectKind::AesKey
        )
    }
}

/// Reads a `CK_ULONG` attribute value (platform width and byte order).
pub fn ulong_value(bytes: &[u8]) -> Option<Ulong> {
    let arr: [u8; core::mem::size_of::<Ulong>()] = bytes.try_into().ok()?;
    Some(Ulong::from_ne_bytes(arr))
}

/// Reads a `CK_BBOOL` attribute value.
pub fn bool_value(bytes: &[u8]) -> Option<bool> {
    match bytes {
        [0] => Some(false),
        [1] => Some(true),
        _ => None,
    }
}

/// Checks that `value` is well-formed for `kind`, else `CKR_ATTRIBUTE_VALUE_INVALID`.
pub fn check_value(kind: ValueKind, value: &[u8]) -> CkResult<()> {
    let ok = match kind {
        ValueKind::Bool => bool_value(value).is_some(),
        ValueKind::Ulong => ulong_value(value).is_some(),
        ValueKind::UlongArray => value.len().is_multiple_of(core::mem::size_of::<Ulong>()),
        ValueKind::Date => {
            value.is_empty() || (value.len() == 8 && value.iter().all(u8::is_ascii_digit))
        }
        ValueKind::Bytes | ValueKind::Secret => true,
    };
    if ok {
        Ok(())
    } else {
        Err(CKR_ATTRIBUTE_VALUE_INVALID)
    }
}

/// Finds the value of `kind` in a caller's template. Two entries of the same type with
/// different values are `CKR_TEMPLATE_INCONSISTENT`.
pub fn find<'a>(template: &[Attribute<'a>], kind: Ulong) -> CkResult<Option<&'a [u8]>> {
    let mut found: Option<&'a [u8]> = None;
    for a in template.iter().filter(|a| a.kind == kind) {
        match found {
            Some(v) if v != a.value => return Err(CKR_TEMPLATE_INCONSISTENT),
            _ => found = Some(a.value),
        }
    }
    Ok(found)
}

/// Reads a `CK_ULONG` from a template (`CKR_ATTRIBUTE_VALUE_INVALID` if malformed).
pub fn find_ulong(template: &[Attribute<'_>], kind: Ulong) -> CkResult<Option<Ulong>> {
    match find(template, kind)? {
        None => Ok(None),
        Some(v) => ulong_value(v).map(Some).ok_or(CKR_ATTRIBUTE_VALUE_INVALID),
    }
}

/// Reads a `CK_BBOOL` from a template (`CKR_ATTRIBUTE_VALUE_INVALID` if malformed).
pub fn find_bool(template: &[Attribute<'_>], kind: Ulong) -> CkResult<Option<bool>> {
    match find(template, kind)? {
        None => Ok(None),
        Some(v) => bool_value(v).map(Some).ok_or(CKR_ATTRIBUTE_VALUE_INVALID),
    }
}

/// The object kind a template describes, from its `CKA_CLASS` and `CKA_KEY_TYPE` /
/// `CKA_CERTIFICATE_TYPE`.
pub fn object_kind(class: Ulong, template: &[Attribute<'_>]) -> CkResult<ObjectKind> {
    match class {
        CKO_DATA => Ok(ObjectKind::Data),
        CKO_CERTIFICATE => match find_ulong(template, CKA_CERTIFICATE_TYPE)? {
            None => Err(CKR_TEMPLATE_INCOMPLETE),
            Some(CKC_X_509) => Ok(ObjectKind::X509Certificate),
            Some(_) => Err(CKR_ATTRIBUTE_VALUE_INVALID),
        },
        CKO_PUBLIC_KEY | CKO_PRIVATE_KEY => {
            let public = class == CKO_PUBLIC_KEY;
            match find_ulong(template, CKA_KEY_TYPE)? {
                None => Err(CKR_TEMPLATE_INCOMPLETE),
                Some(CKK_EC) if cfg!(feature = "ecdsa") => Ok(if public {
                    ObjectKind::EcPublicKey
                } else {
                    ObjectKind::EcPrivateKey
                }),
                Some(CKK_RSA) if cfg!(feature = "rsa") => Ok(if public {
                    ObjectKind::RsaPublicKey
                } else {
                    ObjectKind::RsaPrivateKey
                }),
                Some(_) => Err(CKR_ATTRIBUTE_VALUE_INVALID),
            }
        }
        CKO_SECRET_KEY => match find_ulong(template, CKA_KEY_TYPE)? {
            None => Err(CKR_TEMPLATE_INCOMPLETE),
            Some(CKK_GENERIC_SECRET | CKK_SHA256_HMAC) => Ok(ObjectKind::HmacKey),
            Some(CKK_AES) if cfg!(feature = "cmac") => Ok(ObjectKind::AesKey),
            Some(_) => Err(CKR_ATTRIBUTE_VALUE_INVALID),
        },
        _ => Err(CKR_ATTRIBUTE_VALUE_INVALID),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ul(v: Ulong) -> [u8; core::mem::size_of::<Ulong>()] {
        v.to_ne_bytes()
    }

    #[test]
    fn every_kind_has_class_and_unique_rules() {
        for k in [
            ObjectKind::Data,
            ObjectKind::X509Certificate,
            ObjectKind::EcPublicKey,
            ObjectKind::EcPrivateKey,
            ObjectKind::RsaPublicKey,
            ObjectKind::RsaPrivateKey,
            ObjectKind::HmacKey,
            ObjectKind::AesKey,
        ] {
            assert!(k.rule(CKA_CLASS).is_some());
            let kinds: alloc::vec::Vec<Ulong> = k.all_rules().map(|r| r.kind).collect();
            for (i, a) in kinds.iter().enumerate() {
                assert!(!kinds[i + 1..].contains(a), "{k:?} lists {a:#x} twice");
            }
        }
    }

    #[test]
    fn private_keys_default_private_and_sensitive() {
        let k = ObjectKind::EcPrivateKey;
        assert_eq!(k.rule(CKA_PRIVATE).unwrap().default, DefaultValue::True);
        assert_eq!(k.rule(CKA_SENSITIVE).unwrap().default, DefaultValue::True);
        assert!(k.rule(CKA_VALUE).unwrap().is_secret());
        assert!(ObjectKind::RsaPrivateKey
            .rule(CKA_PRIME_1)
            .unwrap()
            .is_secret());
        assert!(!ObjectKind::RsaPrivateKey
            .rule(CKA_MODULUS)
            .unwrap()
            .is_secret());
        assert!(!ObjectKind::Data.rule(CKA_VALUE).unwrap().is_secret());
        assert_eq!(
            ObjectKind::X509Certificate
                .rule(CKA_PRIVATE)
                .unwrap()
                .default,
            DefaultValue::False
        );
        assert!(ObjectKind::X509Certificate.rule(CKA_SENSITIVE).is_none());
    }

    #[test]
    fn value_checks() {
        assert!(check_value(ValueKind::Bool, &[1]).is_ok());
        assert_eq!(
            check_value(ValueKind::Bool, &[2]),
            Err(CKR_ATTRIBUTE_VALUE_INVALID)
        );
        assert_eq!(
            check_value(ValueKind::Bool, &[]),
            Err(CKR_ATTRIBUTE_VALUE_INVALID)
        );
        assert!(check_value(ValueKind::Ulong, &ul(3)).is_ok());
        assert_eq!(
            check_value(ValueKind::Ulong, &[3]),
            Err(CKR_ATTRIBUTE_VALUE_INVALID)
        );
        assert!(check_value(ValueKind::Date, b"20261127").is_ok());
        assert!(check_value(ValueKind::Date, b"").is_ok());
        assert_eq!(
            check_value(ValueKind::Date, b"2026-11-"),
            Err(CKR_ATTRIBUTE_VALUE_INVALID)
        );
    }

    #[test]
    fn duplicate_entries_must_agree() {
        let a = ul(CKO_DATA);
        let b = ul(CKO_CERTIFICATE);
        let same = [Attribute::new(CKA_CLASS, &a), Attribute::new(CKA_CLASS, &a)];
        assert_eq!(find_ulong(&same, CKA_CLASS), Ok(Some(CKO_DATA)));
        let differ = [Attribute::new(CKA_CLASS, &a), Attribute::new(CKA_CLASS, &b)];
        assert_eq!(
            find_ulong(&differ, CKA_CLASS),
            Err(CKR_TEMPLATE_INCONSISTENT)
        );
    }

    #[cfg(feature = "ecdsa")]
    #[test]
    fn kinds_from_templates() {
        let ec = ul(CKK_EC);
        let x509 = ul(CKC_X_509);
        let other = ul(0x1234);
        assert_eq!(
            object_kind(CKO_PRIVATE_KEY, &[Attribute::new(CKA_KEY_TYPE, &ec)]),
            Ok(ObjectKind::EcPrivateKey)
        );
        assert_eq!(
            object_kind(CKO_PRIVATE_KEY, &[]),
            Err(CKR_TEMPLATE_INCOMPLETE)
        );
        assert_eq!(
            object_kind(
                CKO_CERTIFICATE,
                &[Attribute::new(CKA_CERTIFICATE_TYPE, &x509)]
            ),
            Ok(ObjectKind::X509Certificate)
        );
        assert_eq!(
            object_kind(CKO_PUBLIC_KEY, &[Attribute::new(CKA_KEY_TYPE, &other)]),
            Err(CKR_ATTRIBUTE_VALUE_INVALID)
        );
        assert_eq!(
            object_kind(CKO_SECRET_KEY, &[]),
            Err(CKR_TEMPLATE_INCOMPLETE)
        );
        let hmac = ul(CKK_SHA256_HMAC);
        assert_eq!(
            object_kind(CKO_SECRET_KEY, &[Attribute::new(CKA_KEY_TYPE, &hmac)]),
            Ok(ObjectKind::HmacKey)
        );
        assert_eq!(object_kind(0x1234, &[]), Err(CKR_ATTRIBUTE_VALUE_INVALID));
    }
}
