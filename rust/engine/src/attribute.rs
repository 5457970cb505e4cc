//! Attribute templates as the caller passes them, and attribute read requests.

use crate::ck::Ulong;

/// One entry of a template passed to `C_CreateObject`, `C_GenerateKeyPair`,
/// `C_FindObjectsInit` or `C_SetAttributeValue`.
#[derive(Clone, Copy, Debug)]
pub struct Attribute<'a> {
    /// `CKA_*` type.
    pub kind: Ulong,
    /// The value bytes (empty for a NULL `pValue` with length 0).
    pub value: &'a [u8],
}

impl<'a> Attribute<'a> {
    /// An attribute of type `kind` with value bytes `value`.
    pub fn new(kind: Ulong, value: &'a [u8]) -> Self {
        Attribute { kind, value }
    }
}

/// One entry of a `C_GetAttributeValue` template: the engine fills `buffer` and sets `len`.
#[derive(Debug)]
pub struct AttributeQuery<'a> {
    /// `CKA_*` type asked for.
    pub kind: Ulong,
    /// The caller's buffer, or `None` for a length query (NULL `pValue`).
    pub buffer: Option<&'a mut [u8]>,
    /// Out: the value's length, or `CK_UNAVAILABLE_INFORMATION`.
    pub len: Ulong,
}

impl<'a> AttributeQuery<'a> {
    /// A request for attribute `kind` into `buffer` (`None`: length only).
    pub fn new(kind: Ulong, buffer: Option<&'a mut [u8]>) -> Self {
        AttributeQuery {
            kind,
            buffer,
            len: 0,
        }
    }
}
