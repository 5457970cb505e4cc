//! A block device on a host image file (feature `std`).

use crate::device::{BlockDevice, BlockDeviceError, Geometry};
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::{format, vec};

/// A block device on a host file holding the raw flash image: byte `n` of the file is byte
/// `n` of the flash, blocks back to back, erased bytes holding the erase value. An image
/// prepared on a host with the same [`Geometry`] as the device's flash is therefore
/// byte-identical to what the device's own littlefs would have written, and can be
/// programmed onto the flash partition as it is.
///
/// Programs write the bytes as given (littlefs only programs erased bytes, so this is what
/// NOR flash would hold); erases write a block of the erase value (`0xFF` if the geometry
/// has none).
#[derive(Debug)]
pub struct FileBlockDevice {
    file: File,
    geometry: Geometry,
}

impl FileBlockDevice {
    /// Opens the image at `path`, or creates it blank (every byte the erase value) with the
    /// geometry's size if it does not exist. An existing file whose size is not
    /// `block_size × block_count` is refused with [`io::ErrorKind::InvalidData`] (an image
    /// of another geometry); an invalid geometry with [`io::ErrorKind::InvalidInput`].
    pub fn open(path: impl AsRef<Path>, geometry: Geometry) -> io::Result<Self> {
        geometry
            .check()
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        let path = path.as_ref();
        let size = geometry.total_size();
        let file = match OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(path)
        {
            Ok(mut file) => {
                let block =
                    vec![geometry.erase_value.unwrap_or(0xFF); geometry.block_size as usize];
                for _ in 0..geometry.block_count {
                    file.write_all(&block)?;
                }
                file.sync_all()?;
                file
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                let file = OpenOptions::new().read(true).write(true).open(path)?;
                let len = file.metadata()?.len();
                if len != size {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!(
                            "image {} is {len} bytes, the geometry ({} blocks of {} bytes) needs {size}",
                            path.display(),
                            geometry.block_count,
                            geometry.block_size
                        ),
                    ));
                }
                file
            }
            Err(e) => return Err(e),
        };
        Ok(FileBlockDevice { file, geometry })
    }

    fn seek(&mut self, block: u32, offset: u32) -> Result<(), BlockDeviceError> {
        self.file
            .seek(SeekFrom::Start(self.geometry.byte_address(block, offset)))
            .map(|_| ())
            .map_err(|_| BlockDeviceError::Io)
    }
}

impl BlockDevice for FileBlockDevice {
    fn geometry(&self) -> Geometry {
        self.geometry
    }

    fn read(&mut self, block: u32, offset: u32, buf: &mut [u8]) -> Result<(), BlockDeviceError> {
        self.geometry
            .check_access(block, offset, buf.len(), self.geometry.read_size)?;
        self.seek(block, offset)?;
        self.file.read_exact(buf).map_err(|_| BlockDeviceError::Io)
    }

    fn program(&mut self, block: u32, offset: u32, data: &[u8]) -> Result<(), BlockDeviceError> {
        self.geometry
            .check_access(block, offset, data.len(), self.geometry.program_size)?;
        self.seek(block, offset)?;
        self.file.write_all(data).map_err(|_| BlockDeviceError::Io)
    }

    fn erase(&mut self, block: u32) -> Result<(), BlockDeviceError> {
        self.geometry.check_access(block, 0, 0, 1)?;
        let fill =
            vec![self.geometry.erase_value.unwrap_or(0xFF); self.geometry.block_size as usize];
        self.seek(block, 0)?;
        self.file.write_all(&fill).map_err(|_| BlockDeviceError::Io)
    }

    fn sync(&mut self) -> Result<(), BlockDeviceError> {
        self.file.sync_data().map_err(|_| BlockDeviceError::Io)
    }
}
