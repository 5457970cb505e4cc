//! Objects: their attributes, how templates make them, and how callers read them.

use crate::attribute::{Attribute, AttributeQuery};
use crate::ck::*;
use crate::key::KeyMaterial;
use crate::template::{self, DefaultValue, ObjectKind, Origin, ValueKind};
use crate::CkResult;
use alloc::boxed::Box;
use alloc::vec::Vec;
use zeroize::Zeroizing;

/// An attribute value as the object holds it (zeroized when dropped: some are secrets).
pub type Value = Zeroizing<Vec<u8>>;

/// A token or session object.
#[derive(Debug)]
pub struct Object {
    kind: ObjectKind,
    attributes: Vec<(Ulong, Value)>,
    key: Option<KeyMaterial>,
    /// For token objects: the record id in the store.
    pub store_id: Option<u32>,
    /// For session objects: the session that owns it.
    pub owner: Option<Ulong>,
}

/// How an object comes to be: this decides which attributes a template may give.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Creation {
    /// `C_CreateObject`: key material comes from the template.
    Import,
    /// `C_GenerateKeyPair`: the token makes the key material.
    Generate,
}

fn ulong_bytes(v: Ulong) -> Value {
    Zeroizing::new(v.to_ne_bytes().to_vec())
}

fn bool_bytes(v: bool) -> Value {
    Zeroizing::new(alloc::vec![v as u8])
}

/// The object kind named by a template's `CKA_CLASS` (with `default_class` when absent).
pub fn kind_of_template(
    template: &[Attribute<'_>],
    default_class: Option<Ulong>,
) -> CkResult<ObjectKind> {
    let class = match template::find_ulong(template, CKA_CLASS)? {
        Some(c) => c,
        None => default_class.ok_or(CKR_TEMPLATE_INCOMPLETE)?,
    };
    template::object_kind(class, template)
}

/// Takes a template's attributes and the defaults of `kind`: every type must belong to the
/// kind, computed attributes may not be given, required ones must be.
pub fn attributes_from_template(
    kind: ObjectKind,
    template_attrs: &[Attribute<'_>],
    creation: Creation,
    max_label_len: usize,
) -> CkResult<Vec<(Ulong, Value)>> {
    for a in template_attrs {
        let rule = kind.rule(a.kind).ok_or(CKR_ATTRIBUTE_TYPE_INVALID)?;
        match (rule.origin, creation) {
            (Origin::Computed, _) => return Err(CKR_ATTRIBUTE_READ_ONLY),
            (Origin::RequiredUnlessGenerated, Creation::Generate) if a.kind != CKA_EC_PARAMS => {
                return Err(CKR_TEMPLATE_INCONSISTENT)
            }
            _ => {}
        }
        template::check_value(rule.value, a.value)?;
        if a.kind == CKA_LABEL && a.value.len() > max_label_len {
            return Err(CKR_ATTRIBUTE_VALUE_INVALID);
        }
    }
    let mut out = Vec::new();
    for rule in kind.all_rules() {
        let given = template::find(template_attrs, rule.kind)?;
        let value = match (given, rule.origin, rule.default) {
            (Some(v), _, _) => Zeroizing::new(v.to_vec()),
            (None, Origin::Required, _) => return Err(CKR_TEMPLATE_INCOMPLETE),
            (None, Origin::RequiredUnlessGenerated, _) if creation == Creation::Import => {
                return Err(CKR_TEMPLATE_INCOMPLETE)
            }
            (None, _, DefaultValue::None) => continue,
            (None, _, DefaultValue::False) => bool_bytes(false),
            (None, _, DefaultValue::True) => bool_bytes(true),
            (None, _, DefaultValue::Empty) => Zeroizing::new(Vec::new()),
            (None, _, DefaultValue::UlongZero) => ulong_bytes(0),
        };
        out.push((rule.kind, value));
    }
    Ok(out)
}

impl Object {
    /// Makes an object from `C_CreateObject`'s template.
    pub fn import(template_attrs: &[Attribute<'_>], max_label_len: usize) -> CkResult<Object> {
        let kind = kind_of_template(template_attrs, None)?;
        let mut object =
            Object::from_template(kind, template_attrs, Creation::Import, max_label_len)?;
        if kind.key_type().is_some() {
            object.set_origin(None);
        }
        object.complete()?;
        Ok(object)
    }

    /// Makes an object of `kind` from generated attributes (`C_GenerateKeyPair`) and the key.
    /// The generated values are moved in (held as [`Value`]s from the start, so secrets are
    /// zeroized wherever they end up, and no copy or second drop routine is needed).
    pub fn generated(
        kind: ObjectKind,
        template_attrs: &[Attribute<'_>],
        generated: Vec<(Ulong, Value)>,
        key: KeyMaterial,
        mechanism: Ulong,
        max_label_len: usize,
    ) -> CkResult<Object> {
        let mut object =
            Object::from_template(kind, template_attrs, Creation::Generate, max_label_len)?;
        for (k, v) in generated {
            object.set(k, v);
        }
        object.set_origin(Some(mechanism));
        object.key = Some(key);
        Ok(object)
    }

    /// An object of `kind` with the template's attributes and the kind's defaults
    /// ([`attributes_from_template`]); the start of both [`Object::import`] and
    /// [`Object::generated`]. A template asking for `CKA_ALWAYS_AUTHENTICATE` is refused:
    /// context-specific login is not offered, so such a key could never be used.
    fn from_template(
        kind: ObjectKind,
        template_attrs: &[Attribute<'_>],
        creation: Creation,
        max_label_len: usize,
    ) -> CkResult<Object> {
        let attributes = attributes_from_template(kind, template_attrs, creation, max_label_len)?;
        let object = Object {
            kind,
            attributes,
            key: None,
            store_id: None,
            owner: None,
        };
        if object.bool_attr(CKA_ALWAYS_AUTHENTICATE) {
            return Err(CKR_ATTRIBUTE_VALUE_INVALID);
        }
        Ok(object)
    }

    /// Sets the attributes a key's origin decides: `CKA_LOCAL`, `CKA_KEY_GEN_MECHANISM` and, for
    /// private keys, `CKA_ALWAYS_SENSITIVE` and `CKA_NEVER_EXTRACTABLE`. `mechanism` is the
    /// generation mechanism of a generated key, `None` for an imported one (not local, no
    /// mechanism, never "always sensitive" nor "never extractable"). One copy for both ways.
    fn set_origin(&mut self, mechanism: Option<Ulong>) {
        self.set(CKA_LOCAL, bool_bytes(mechanism.is_some()));
        self.set(
            CKA_KEY_GEN_MECHANISM,
            ulong_bytes(mechanism.unwrap_or(CKM_INVALID_MECHANISM)),
        );
        if self.kind.is_private_key() {
            let generated = mechanism.is_some();
            let sensitive = generated && self.bool_attr(CKA_SENSITIVE);
            let never_extractable = generated && !self.bool_attr(CKA_EXTRACTABLE);
            self.set(CKA_ALWAYS_SENSITIVE, bool_bytes(sensitive));
            self.set(CKA_NEVER_EXTRACTABLE, bool_bytes(never_extractable));
        }
    }

    /// Rebuilds an object from attributes read back from the store.
    pub fn restore(attributes: Vec<(Ulong, Value)>) -> CkResult<Object> {
        let mut as_template: Vec<Attribute<'_>> = Vec::with_capacity(attributes.len());
        for (k, v) in &attributes {
            as_template.push(Attribute::new(*k, v));
        }
        let kind = kind_of_template(&as_template, None)?;
        for a in &as_template {
            let rule = kind.rule(a.kind).ok_or(CKR_ATTRIBUTE_TYPE_INVALID)?;
            template::check_value(rule.value, a.value)?;
        }
        drop(as_template);
        let mut object = Object {
            kind,
            attributes,
            key: None,
            store_id: None,
            owner: None,
        };
        object.complete()?;
        Ok(object)
    }

    /// Validates the kind-specific values, normalises them, fills derived attributes and
    /// parses the key material.
    fn complete(&mut self) -> CkResult<()> {
        // Both EC kinds check and normalise their curve first: one copy for the two.
        #[cfg(feature = "ecdsa")]
        if matches!(
            self.kind,
            ObjectKind::EcPrivateKey | ObjectKind::EcPublicKey
        ) {
            let params = crate::key::ec_params(self.get(CKA_EC_PARAMS).unwrap_or_default())?;
            self.set(CKA_EC_PARAMS, Zeroizing::new(params.to_vec()));
        }
        match self.kind {
            ObjectKind::Data => {}
            ObjectKind::X509Certificate => {
                // Parsed once, from a copy (the derived values are set while it is borrowed).
                let cert = self.get(CKA_VALUE).unwrap_or_default().to_vec();
                let (fields, spki) = crate::der::parse_certificate_parts(&cert)
                    .ok_or(CKR_ATTRIBUTE_VALUE_INVALID)?;
                // Subject, issuer and serial number unless the template gave them; the public
                // key info always.
                for (k, v, unless_given) in [
                    (CKA_SUBJECT, fields.subject, true),
                    (CKA_ISSUER, fields.issuer, true),
                    (CKA_SERIAL_NUMBER, fields.serial_number, true),
                    (CKA_PUBLIC_KEY_INFO, spki, false),
                ] {
                    if !(unless_given && self.get(k).is_some()) {
                        self.set(k, Zeroizing::new(v.to_vec()));
                    }
                }
            }
            #[cfg(feature = "ecdsa")]
            ObjectKind::EcPrivateKey => {
                let key =
                    crate::key::ec_private_from_value(self.get(CKA_VALUE).unwrap_or_default())?;
                self.set(CKA_VALUE, Zeroizing::new(key.to_bytes().to_vec()));
                self.key = Some(KeyMaterial::EcPrivate(Box::new(key)));
            }
            #[cfg(feature = "ecdsa")]
            ObjectKind::EcPublicKey => {
                let key =
                    crate::key::ec_public_from_point(self.get(CKA_EC_POINT).unwrap_or_default())?;
                self.set(
                    CKA_EC_POINT,
                    Zeroizing::new(crate::key::ec_point_attribute(&key)),
                );
                self.key = Some(KeyMaterial::EcPublic(Box::new(key)));
            }
            #[cfg(feature = "rsa")]
            ObjectKind::RsaPublicKey => {
                let key = crate::rsa::PublicKey::new(
                    self.get(CKA_MODULUS).unwrap_or_default(),
                    self.get(CKA_PUBLIC_EXPONENT).unwrap_or_default(),
                )?;
                self.set_modulus_bits();
                self.key = Some(KeyMaterial::RsaPublic(Box::new(key)));
            }
            #[cfg(feature = "rsa")]
            ObjectKind::RsaPrivateKey => {
                let primes = match (self.get(CKA_PRIME_1), self.get(CKA_PRIME_2)) {
                    (Some(p), Some(q)) => Some((p, q)),
                    (None, None) => None,
                    _ => return Err(CKR_TEMPLATE_INCOMPLETE),
                };
                let parts = crate::rsa::PrivateParts {
                    modulus: self.get(CKA_MODULUS).unwrap_or_default(),
                    public_exponent: self.get(CKA_PUBLIC_EXPONENT).unwrap_or_default(),
                    private_exponent: self.get(CKA_PRIVATE_EXPONENT).unwrap_or_default(),
                    primes,
                    crt: [
                        self.get(CKA_EXPONENT_1),
                        self.get(CKA_EXPONENT_2),
                        self.get(CKA_COEFFICIENT),
                    ],
                };
                let key = crate::rsa::PrivateKey::new(&parts)?;
                self.key = Some(KeyMaterial::RsaPrivate(Box::new(key)));
            }
            ObjectKind::HmacKey | ObjectKind::AesKey => {
                let len = self.get(CKA_VALUE).unwrap_or_default().len();
                if !crate::mac::key_length_ok(self.kind, len) {
                    return Err(CKR_ATTRIBUTE_VALUE_INVALID);
                }
                self.set(CKA_VALUE_LEN, ulong_bytes(len as Ulong));
            }
            #[allow(unreachable_patterns)]
            _ => return Err(CKR_ATTRIBUTE_VALUE_INVALID),
        }
        Ok(())
    }

    #[cfg(feature = "rsa")]
    fn set_modulus_bits(&mut self) {
        let modulus = crate::key::trim_be(self.get(CKA_MODULUS).unwrap_or_default());
        let bits = match modulus.first() {
            Some(&top) => modulus.len() * 8 - top.leading_zeros() as usize,
            None => 0,
        };
        self.set(CKA_MODULUS_BITS, ulong_bytes(bits as Ulong));
    }

    /// The object's kind.
    pub fn kind(&self) -> ObjectKind {
        self.kind
    }

    /// `CKA_CLASS`.
    pub fn class(&self) -> Ulong {
        self.kind.class()
    }

    /// The parsed key, for key objects.
    pub fn key(&self) -> Option<&KeyMaterial> {
        self.key.as_ref()
    }

    /// Every attribute with its value, in a fixed order.
    pub fn attributes(&self) -> &[(Ulong, Value)] {
        &self.attributes
    }

    /// The value of attribute `kind`, if the object has one.
    pub fn get(&self, kind: Ulong) -> Option<&[u8]> {
        self.attributes
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, v)| v.as_slice())
    }

    /// A boolean attribute (false when absent).
    pub fn bool_attr(&self, kind: Ulong) -> bool {
        self.get(kind)
            .and_then(template::bool_value)
            .unwrap_or(false)
    }

    /// Sets (or adds) attribute `kind`.
    pub fn set(&mut self, kind: Ulong, value: Value) {
        match self.attributes.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, v)) => *v = value,
            None => self.attributes.push((kind, value)),
        }
    }

    /// `CKA_TOKEN`.
    pub fn is_token(&self) -> bool {
        self.bool_attr(CKA_TOKEN)
    }

    /// `CKA_PRIVATE`: visible only to the logged-in user.
    pub fn is_private(&self) -> bool {
        self.bool_attr(CKA_PRIVATE)
    }

    /// True when the object's secret attributes may not leave the token.
    pub fn secrets_hidden(&self) -> bool {
        self.bool_attr(CKA_SENSITIVE) || !self.bool_attr(CKA_EXTRACTABLE)
    }

    /// True when `mechanism` is allowed by `CKA_ALLOWED_MECHANISMS` (empty: all are).
    pub fn allows_mechanism(&self, mechanism: Ulong) -> bool {
        let list = self.get(CKA_ALLOWED_MECHANISMS).unwrap_or_default();
        let width = core::mem::size_of::<Ulong>();
        list.is_empty()
            || list
                .chunks_exact(width)
                .any(|c| template::ulong_value(c) == Some(mechanism))
    }

    /// Fills one `C_GetAttributeValue` entry; `Err` is that entry's error code.
    pub fn read_attribute(&self, query: &mut AttributeQuery<'_>) -> CkResult<()> {
        query.len = UNAVAILABLE_INFORMATION;
        let rule = self
            .kind
            .rule(query.kind)
            .ok_or(CKR_ATTRIBUTE_TYPE_INVALID)?;
        if rule.is_secret() && self.secrets_hidden() {
            return Err(CKR_ATTRIBUTE_SENSITIVE);
        }
        let value = self.get(query.kind).ok_or(CKR_ATTRIBUTE_TYPE_INVALID)?;
        match query.buffer.as_deref_mut() {
            None => {}
            Some(buf) if buf.len() >= value.len() => buf[..value.len()].copy_from_slice(value),
            Some(_) => return Err(CKR_BUFFER_TOO_SMALL),
        }
        query.len = value.len() as Ulong;
        Ok(())
    }

    /// True when every template attribute is present with an equal value. Secret
    /// attributes never match: a search must not reveal them.
    pub fn matches(&self, template_attrs: &[Attribute<'_>]) -> bool {
        template_attrs.iter().all(|a| {
            let secret = self.kind.rule(a.kind).is_some_and(|r| r.is_secret());
            !secret && self.get(a.kind) == Some(a.value)
        })
    }

    /// An estimate of the object's size: value bytes plus per-attribute overhead.
    pub fn size(&self) -> usize {
        self.attributes
            .iter()
            .map(|(_, v)| v.len() + 2 * core::mem::size_of::<Ulong>())
            .sum()
    }

    /// Checks a `C_SetAttributeValue` template against the rules and returns the object as
    /// it would be after the change (the caller commits it only if it is stored).
    pub fn with_changes(
        &self,
        changes: &[Attribute<'_>],
        max_label_len: usize,
    ) -> CkResult<Vec<(Ulong, Value)>> {
        if !self.bool_attr(CKA_MODIFIABLE) {
            return Err(CKR_ACTION_PROHIBITED);
        }
        let mut attributes = self.attributes.clone();
        for a in changes {
            let rule = self.kind.rule(a.kind).ok_or(CKR_ATTRIBUTE_TYPE_INVALID)?;
            template::check_value(rule.value, a.value)?;
            if a.kind == CKA_LABEL && a.value.len() > max_label_len {
                return Err(CKR_ATTRIBUTE_VALUE_INVALID);
            }
            let current = self.get(a.kind);
            let allowed = match rule.modify {
                template::Modify::No => current == Some(a.value),
                template::Modify::Yes => true,
                template::Modify::OnlyToTrue => a.value == [1] || current == Some(a.value),
                template::Modify::OnlyToFalse => a.value == [0] || current == Some(a.value),
            };
            if !allowed {
                return Err(CKR_ATTRIBUTE_READ_ONLY);
            }
            match attributes.iter_mut().find(|(k, _)| *k == a.kind) {
                Some((_, v)) => *v = Zeroizing::new(a.value.to_vec()),
                None => attributes.push((a.kind, Zeroizing::new(a.value.to_vec()))),
            }
        }
        Ok(attributes)
    }

    /// Replaces the attributes with ones returned by [`Self::with_changes`].
    pub fn apply_changes(&mut self, attributes: Vec<(Ulong, Value)>) {
        self.attributes = attributes;
    }
}

/// The value kind of attribute `kind` on any object (for encoding records portably).
pub fn value_kind(kind: Ulong) -> ValueKind {
    match kind {
        CKA_CLASS
        | CKA_KEY_TYPE
        | CKA_CERTIFICATE_TYPE
        | CKA_CERTIFICATE_CATEGORY
        | CKA_MODULUS_BITS
        | CKA_KEY_GEN_MECHANISM
        | CKA_JAVA_MIDP_SECURITY_DOMAIN
        | CKA_NAME_HASH_ALGORITHM
        | CKA_VALUE_LEN => ValueKind::Ulong,
        CKA_ALLOWED_MECHANISMS => ValueKind::UlongArray,
        _ => ValueKind::Bytes,
    }
}
