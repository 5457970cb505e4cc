//! The P-256 base field of the `p256` crate (64-bit limbs, Montgomery form), for 64-bit hosts,
//! where it is faster than [`super::field_limb32`]; same interface as that module's `Fe`.

use p256::elliptic_curve::ff::PrimeField;
use p256::elliptic_curve::hazmat::FieldArithmetic;
use p256::elliptic_curve::subtle::{Choice, ConditionallySelectable};
use p256::NistP256;

type Inner = <NistP256 as FieldArithmetic>::FieldElement;

/// Element of the P-256 base field.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Fe(Inner);

impl Fe {
    /// 0.
    pub const ZERO: Fe = Fe(Inner::ZERO);
    /// 1.
    pub const ONE: Fe = Fe(Inner::ONE);

    /// Parses 64 big-endian hex digits at compile time (table constants).
    pub const fn from_hex(hex: &str) -> Fe {
        Fe(Inner::from_hex_vartime(hex))
    }

    /// Parses a big-endian 32-byte value; `None` unless it is below `p`.
    pub fn from_bytes(bytes: &[u8; 32]) -> Option<Fe> {
        Option::from(Inner::from_repr((*bytes).into())).map(Fe)
    }

    /// The big-endian 32-byte value.
    pub fn to_bytes(self) -> [u8; 32] {
        self.0.to_repr().into()
    }

    /// Whether the element is 0.
    pub fn is_zero(&self) -> Choice {
        self.0.is_zero()
    }

    /// Whether the element (as an integer in `[0, p)`) is odd.
    pub fn is_odd(&self) -> Choice {
        self.0.is_odd()
    }

    /// `self²`.
    pub fn square(&self) -> Fe {
        Fe(self.0.square())
    }

    /// `2·self`.
    pub fn double(&self) -> Fe {
        Fe(self.0.double())
    }

    /// `self⁻¹`, and 0 for 0. Constant time.
    pub fn invert(&self) -> Fe {
        Fe(Option::from(self.0.invert()).unwrap_or(Inner::ZERO))
    }

    /// A square root of `self`, `None` when there is none.
    pub fn sqrt(&self) -> Option<Fe> {
        Option::from(self.0.sqrt()).map(Fe)
    }
}

impl core::ops::Mul for Fe {
    type Output = Fe;
    fn mul(self, rhs: Fe) -> Fe {
        Fe(self.0 * rhs.0)
    }
}

impl core::ops::MulAssign for Fe {
    fn mul_assign(&mut self, rhs: Fe) {
        self.0 *= rhs.0;
    }
}

impl core::ops::Add for Fe {
    type Output = Fe;
    fn add(self, rhs: Fe) -> Fe {
        Fe(self.0 + rhs.0)
    }
}

impl core::ops::Sub for Fe {
    type Output = Fe;
    fn sub(self, rhs: Fe) -> Fe {
        Fe(self.0 - rhs.0)
    }
}

impl core::ops::Neg for Fe {
    type Output = Fe;
    fn neg(self) -> Fe {
        Fe(-self.0)
    }
}

impl ConditionallySelectable for Fe {
    fn conditional_select(a: &Fe, b: &Fe, choice: Choice) -> Fe {
        Fe(Inner::conditional_select(&a.0, &b.0, choice))
    }
}
