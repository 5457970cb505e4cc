//! The block device interface littlefs runs on, with a geometry known at run time.

use core::fmt;

/// Shape of a block device, known at run time (a C vendor hands it over in
/// `CorePkcs11BlockDevice_t`). It must not change while a store is mounted on the device.
///
/// littlefs stores `block_size` and `block_count` in its superblock: an image can only be
/// mounted with the geometry it was formatted with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Geometry {
    /// Smallest read in bytes; every read is a multiple of it, at a multiple of it.
    pub read_size: u32,
    /// Smallest program (write) in bytes; every program is a multiple of it, at a multiple of it.
    pub program_size: u32,
    /// Erasable block size in bytes: a multiple of both sizes above, at least
    /// [`Geometry::MIN_BLOCK_SIZE`].
    pub block_size: u32,
    /// Number of blocks, at least [`Geometry::MIN_BLOCK_COUNT`].
    pub block_count: u32,
    /// What every byte reads as after an erase (`0xFF` on NOR flash), or `None` when the
    /// device does not say. Used to recognise a blank device and by the test devices.
    pub erase_value: Option<u8>,
}

/// A [`Geometry`] littlefs cannot run on; the text says which rule it breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidGeometry(pub &'static str);

impl InvalidGeometry {
    /// What the message says before the rule.
    pub(crate) const PREFIX: &'static str = "invalid block device geometry: ";
}

impl fmt::Display for InvalidGeometry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(InvalidGeometry::PREFIX)?;
        f.write_str(self.0)
    }
}

#[cfg(feature = "std")]
impl std::error::Error for InvalidGeometry {}

impl Geometry {
    /// The default geometry of a host image, which also suits a small SPI NOR flash:
    /// 4096-byte blocks (the usual NOR sector), 256 of them (1 MiB), 16-byte reads and
    /// programs, erased bytes reading `0xFF`.
    pub const DEFAULT: Geometry = Geometry {
        read_size: 16,
        program_size: 16,
        block_size: 4096,
        block_count: 256,
        erase_value: Some(0xFF),
    };

    /// Smallest block littlefs accepts (its metadata commits need room for a few tags).
    pub const MIN_BLOCK_SIZE: u32 = 128;

    /// Fewest blocks the store needs: littlefs's superblock pair, the record directory's
    /// pair, and two blocks so a record and its replacement can coexist.
    pub const MIN_BLOCK_COUNT: u32 = 6;

    /// Checks the rules littlefs and the store need.
    pub fn check(&self) -> Result<(), InvalidGeometry> {
        if self.read_size == 0 || self.program_size == 0 {
            return Err(InvalidGeometry("read and program sizes must not be 0"));
        }
        if self.block_size < Self::MIN_BLOCK_SIZE {
            return Err(InvalidGeometry("block size must be at least 128 bytes"));
        }
        if !self.block_size.is_multiple_of(self.read_size)
            || !self.block_size.is_multiple_of(self.program_size)
        {
            return Err(InvalidGeometry(
                "block size must be a multiple of the read and program sizes",
            ));
        }
        if self.block_count < Self::MIN_BLOCK_COUNT {
            return Err(InvalidGeometry("block count must be at least 6"));
        }
        if self.total_size() > usize::MAX as u64 {
            return Err(InvalidGeometry("device larger than the address space"));
        }
        Ok(())
    }

    /// Size of the device in bytes.
    pub fn total_size(&self) -> u64 {
        u64::from(self.block_size) * u64::from(self.block_count)
    }

    /// Checks that an access of `len` bytes at `offset` in `block` lies inside the device and
    /// is aligned to `unit` (the read or program size): for block device implementations.
    pub fn check_access(
        &self,
        block: u32,
        offset: u32,
        len: usize,
        unit: u32,
    ) -> Result<(), BlockDeviceError> {
        let end = u64::from(offset) + len as u64;
        let unit = u64::from(unit.max(1));
        if block >= self.block_count
            || end > u64::from(self.block_size)
            || !u64::from(offset).is_multiple_of(unit)
            || !(len as u64).is_multiple_of(unit)
        {
            return Err(BlockDeviceError::OutOfRange);
        }
        Ok(())
    }

    /// Byte position of `offset` in `block` from the start of the device.
    pub fn byte_address(&self, block: u32, offset: u32) -> u64 {
        u64::from(block) * u64::from(self.block_size) + u64::from(offset)
    }
}

/// Why a block device operation failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockDeviceError {
    /// The device failed (or lost power); littlefs aborts the operation.
    Io,
    /// The block is worn out (from `program` or `erase`): littlefs moves the data to another
    /// block.
    BadBlock,
    /// The request lies outside the device or breaks its alignment.
    OutOfRange,
}

impl fmt::Display for BlockDeviceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BlockDeviceError::Io => "block device I/O error",
            BlockDeviceError::BadBlock => "bad block",
            BlockDeviceError::OutOfRange => "block device access out of range",
        })
    }
}

#[cfg(feature = "std")]
impl std::error::Error for BlockDeviceError {}

/// A flash-like block device: reads anywhere, programs only erased bytes, erases whole
/// blocks. Requests from littlefs always respect the [`Geometry`]: reads and programs are
/// multiples of the read and program sizes and never cross a block.
///
/// Implementations must not panic (a panic inside a littlefs callback aborts the program).
pub trait BlockDevice {
    /// The device's geometry; must return the same value for as long as the device lives.
    fn geometry(&self) -> Geometry;

    /// Reads `buf.len()` bytes at `offset` in `block`.
    fn read(&mut self, block: u32, offset: u32, buf: &mut [u8]) -> Result<(), BlockDeviceError>;

    /// Programs `data` at `offset` in `block`; the bytes were erased before.
    fn program(&mut self, block: u32, offset: u32, data: &[u8]) -> Result<(), BlockDeviceError>;

    /// Erases `block`.
    fn erase(&mut self, block: u32) -> Result<(), BlockDeviceError>;

    /// Makes every completed program and erase durable (flushes the device's own caches).
    fn sync(&mut self) -> Result<(), BlockDeviceError>;
}

impl<D: BlockDevice + ?Sized> BlockDevice for &mut D {
    fn geometry(&self) -> Geometry {
        (**self).geometry()
    }

    fn read(&mut self, block: u32, offset: u32, buf: &mut [u8]) -> Result<(), BlockDeviceError> {
        (**self).read(block, offset, buf)
    }

    fn program(&mut self, block: u32, offset: u32, data: &[u8]) -> Result<(), BlockDeviceError> {
        (**self).program(block, offset, data)
    }

    fn erase(&mut self, block: u32) -> Result<(), BlockDeviceError> {
        (**self).erase(block)
    }

    fn sync(&mut self) -> Result<(), BlockDeviceError> {
        (**self).sync()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_geometry_is_valid() {
        assert_eq!(Geometry::DEFAULT.check(), Ok(()));
        assert_eq!(Geometry::DEFAULT.total_size(), 1 << 20);
    }

    #[test]
    fn bad_geometries_are_refused() {
        let g = Geometry::DEFAULT;
        for bad in [
            Geometry { read_size: 0, ..g },
            Geometry {
                program_size: 0,
                ..g
            },
            Geometry {
                block_size: 64,
                read_size: 16,
                program_size: 16,
                ..g
            },
            Geometry {
                block_size: 4004,
                ..g
            },
            Geometry {
                program_size: 24,
                ..g
            },
            Geometry {
                block_count: 5,
                ..g
            },
        ] {
            assert!(bad.check().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn access_checks() {
        let g = Geometry::DEFAULT;
        assert_eq!(g.check_access(0, 0, 16, 16), Ok(()));
        assert_eq!(g.check_access(255, 4080, 16, 16), Ok(()));
        assert!(g.check_access(256, 0, 16, 16).is_err());
        assert!(g.check_access(0, 4080, 32, 16).is_err());
        assert!(g.check_access(0, 8, 16, 16).is_err());
        assert!(g.check_access(0, 0, 8, 16).is_err());
        assert_eq!(g.byte_address(2, 16), 8208);
    }
}
