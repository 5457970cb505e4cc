//! A block device in memory, with flash semantics, for tests and host tools.

use crate::device::{BlockDevice, BlockDeviceError, Geometry, InvalidGeometry};
use alloc::vec;
use alloc::vec::Vec;

/// A block device in memory that behaves like NOR flash: an erase sets a block to the erase
/// value; a program can only move bits away from it (with erase value `0xFF` the stored byte
/// becomes `old & new`, with `0x00` it becomes `old | new`, with any other or no erase value
/// the byte is simply replaced). Programming a byte that is not in the erased state is
/// counted ([`RamBlockDevice::overwrites`]): littlefs never should.
#[derive(Clone, Debug)]
pub struct RamBlockDevice {
    geometry: Geometry,
    data: Vec<u8>,
    overwrites: u64,
}

impl RamBlockDevice {
    /// A blank device: every byte holds the erase value (`0xFF` if the geometry has none).
    pub fn new(geometry: Geometry) -> Result<Self, InvalidGeometry> {
        geometry.check()?;
        let fill = geometry.erase_value.unwrap_or(0xFF);
        Ok(RamBlockDevice {
            geometry,
            data: vec![fill; geometry.total_size() as usize],
            overwrites: 0,
        })
    }

    /// A device holding `bytes` (an image taken from another device of the same geometry).
    pub fn from_bytes(geometry: Geometry, bytes: Vec<u8>) -> Result<Self, InvalidGeometry> {
        geometry.check()?;
        if bytes.len() as u64 != geometry.total_size() {
            return Err(InvalidGeometry(
                "image size is not block size times block count",
            ));
        }
        Ok(RamBlockDevice {
            geometry,
            data: bytes,
            overwrites: 0,
        })
    }

    /// The device's content.
    pub fn as_bytes(&self) -> &[u8] {
        &self.data
    }

    /// The device's content, for tests that damage it on purpose.
    pub fn as_bytes_mut(&mut self) -> &mut [u8] {
        &mut self.data
    }

    /// The device's content, consuming the device.
    pub fn into_bytes(self) -> Vec<u8> {
        self.data
    }

    /// Number of bytes programmed that were not in the erased state (always 0 without an
    /// erase value).
    pub fn overwrites(&self) -> u64 {
        self.overwrites
    }

    fn range(&self, block: u32, offset: u32, len: usize) -> core::ops::Range<usize> {
        let start = self.geometry.byte_address(block, offset) as usize;
        start..start + len
    }
}

impl BlockDevice for RamBlockDevice {
    fn geometry(&self) -> Geometry {
        self.geometry
    }

    fn read(&mut self, block: u32, offset: u32, buf: &mut [u8]) -> Result<(), BlockDeviceError> {
        self.geometry
            .check_access(block, offset, buf.len(), self.geometry.read_size)?;
        let range = self.range(block, offset, buf.len());
        buf.copy_from_slice(&self.data[range]);
        Ok(())
    }

    fn program(&mut self, block: u32, offset: u32, data: &[u8]) -> Result<(), BlockDeviceError> {
        self.geometry
            .check_access(block, offset, data.len(), self.geometry.program_size)?;
        let range = self.range(block, offset, data.len());
        let erase_value = self.geometry.erase_value;
        let mut overwrites = 0;
        for (stored, &new) in self.data[range].iter_mut().zip(data) {
            if erase_value.is_some_and(|e| *stored != e) {
                overwrites += 1;
            }
            *stored = match erase_value {
                Some(0xFF) => *stored & new,
                Some(0x00) => *stored | new,
                _ => new,
            };
        }
        self.overwrites += overwrites;
        Ok(())
    }

    fn erase(&mut self, block: u32) -> Result<(), BlockDeviceError> {
        self.geometry.check_access(block, 0, 0, 1)?;
        let range = self.range(block, 0, self.geometry.block_size as usize);
        self.data[range].fill(self.geometry.erase_value.unwrap_or(0xFF));
        Ok(())
    }

    fn sync(&mut self) -> Result<(), BlockDeviceError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Geometry {
        Geometry {
            read_size: 1,
            program_size: 4,
            block_size: 128,
            block_count: 8,
            erase_value: Some(0xFF),
        }
    }

    #[test]
    fn flash_semantics() {
        let mut d = RamBlockDevice::new(small()).unwrap();
        d.program(1, 4, &[0x0F, 0xF0, 0x00, 0xFF]).unwrap();
        assert_eq!(d.overwrites(), 0);
        let mut b = [0u8; 4];
        d.read(1, 4, &mut b).unwrap();
        assert_eq!(b, [0x0F, 0xF0, 0x00, 0xFF]);
        // Programming again only clears bits, and is counted.
        d.program(1, 4, &[0xFF, 0x0F, 0xFF, 0x01]).unwrap();
        d.read(1, 4, &mut b).unwrap();
        assert_eq!(b, [0x0F, 0x00, 0x00, 0x01]);
        assert_eq!(d.overwrites(), 3);
        d.erase(1).unwrap();
        d.read(1, 4, &mut b).unwrap();
        assert_eq!(b, [0xFF; 4]);
    }

    #[test]
    fn requests_are_checked() {
        let mut d = RamBlockDevice::new(small()).unwrap();
        assert_eq!(d.program(1, 2, &[0; 4]), Err(BlockDeviceError::OutOfRange));
        assert_eq!(d.program(1, 0, &[0; 3]), Err(BlockDeviceError::OutOfRange));
        assert_eq!(d.erase(8), Err(BlockDeviceError::OutOfRange));
        assert_eq!(
            d.read(7, 120, &mut [0; 16]),
            Err(BlockDeviceError::OutOfRange)
        );
        assert!(RamBlockDevice::from_bytes(small(), vec![0; 10]).is_err());
    }
}
