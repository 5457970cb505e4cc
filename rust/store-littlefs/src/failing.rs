//! A block device wrapper that simulates a power cut, for power-loss tests.

use crate::device::{BlockDevice, BlockDeviceError, Geometry};

/// What happens to the operation that meets the cut.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CutKind {
    /// The operation does not happen at all.
    Clean,
    /// A program writes only part of its data; an erase erases only part of its block.
    Torn,
}

/// Wraps a device, counts its program and erase operations, and can simulate a power cut:
/// after the first `k` programs/erases succeed, the next one fails (and, in the torn
/// variant, is left half done) and so does every later operation of any kind (reads and
/// syncs too), as if the power had gone. [`FailingBlockDevice::into_inner`] then gives back
/// the device as it was left, to remount it as after a reboot.
#[derive(Clone, Debug)]
pub struct FailingBlockDevice<D> {
    inner: D,
    operations: u64,
    cut_after: Option<u64>,
    kind: CutKind,
    cut: bool,
}

impl<D: BlockDevice> FailingBlockDevice<D> {
    fn with(inner: D, cut_after: Option<u64>, kind: CutKind) -> Self {
        FailingBlockDevice {
            inner,
            operations: 0,
            cut_after,
            kind,
            cut: false,
        }
    }

    /// Never fails; only counts (to learn how many operations a sequence takes).
    pub fn counting(inner: D) -> Self {
        Self::with(inner, None, CutKind::Clean)
    }

    /// Lets `k` programs/erases through, then fails every operation; the failing program or
    /// erase does not touch the device.
    pub fn cut_after(inner: D, k: u64) -> Self {
        Self::with(inner, Some(k), CutKind::Clean)
    }

    /// Lets `k` programs/erases through; the next one is torn (a program writes only its
    /// first quarter, half or three quarters, depending on `k`; an erase erases only the
    /// first half of the block) and fails, and so does every operation after it.
    pub fn torn_after(inner: D, k: u64) -> Self {
        Self::with(inner, Some(k), CutKind::Torn)
    }

    /// Number of programs and erases that succeeded.
    pub fn operations(&self) -> u64 {
        self.operations
    }

    /// True once the simulated power cut has happened.
    pub fn is_cut(&self) -> bool {
        self.cut
    }

    /// The wrapped device.
    pub fn inner(&self) -> &D {
        &self.inner
    }

    /// The wrapped device, as the cut left it.
    pub fn into_inner(self) -> D {
        self.inner
    }

    /// Whether this program/erase meets the cut (marks the device cut if so).
    fn meets_cut(&mut self) -> bool {
        if self.cut {
            return true;
        }
        if self.cut_after == Some(self.operations) {
            self.cut = true;
            return true;
        }
        false
    }

    fn live(&self) -> Result<(), BlockDeviceError> {
        if self.cut {
            Err(BlockDeviceError::Io)
        } else {
            Ok(())
        }
    }
}

impl<D: BlockDevice> BlockDevice for FailingBlockDevice<D> {
    fn geometry(&self) -> Geometry {
        self.inner.geometry()
    }

    fn read(&mut self, block: u32, offset: u32, buf: &mut [u8]) -> Result<(), BlockDeviceError> {
        self.live()?;
        self.inner.read(block, offset, buf)
    }

    fn program(&mut self, block: u32, offset: u32, data: &[u8]) -> Result<(), BlockDeviceError> {
        let was_cut = self.cut;
        if self.meets_cut() {
            if !was_cut && self.kind == CutKind::Torn {
                let quarters = (self.operations % 3 + 1) as usize;
                let unit = self.inner.geometry().program_size as usize;
                // The part that made it: whole program units (the device cannot take less).
                let len = (data.len() * quarters / 4) / unit * unit;
                if len > 0 {
                    let _ = self.inner.program(block, offset, &data[..len]);
                }
            }
            return Err(BlockDeviceError::Io);
        }
        self.inner.program(block, offset, data)?;
        self.operations += 1;
        Ok(())
    }

    fn erase(&mut self, block: u32) -> Result<(), BlockDeviceError> {
        let was_cut = self.cut;
        if self.meets_cut() {
            if !was_cut && self.kind == CutKind::Torn {
                // Half an erase: the first half of the block is erased, the rest keeps its
                // old content. Modelled by programming the erase value over the first half
                // of a copy of the block and writing it back through an erase + program.
                let _ = tear_erase(&mut self.inner, block);
            }
            return Err(BlockDeviceError::Io);
        }
        self.inner.erase(block)?;
        self.operations += 1;
        Ok(())
    }

    fn sync(&mut self) -> Result<(), BlockDeviceError> {
        self.live()?;
        self.inner.sync()
    }
}

/// Leaves `block` half erased: its first half erased, its second half as it was.
fn tear_erase<D: BlockDevice>(device: &mut D, block: u32) -> Result<(), BlockDeviceError> {
    let g = device.geometry();
    let half = (g.block_size / 2) as usize;
    let unit = g.program_size.max(g.read_size) as usize;
    let half = half / unit * unit;
    let mut rest = alloc::vec![0u8; g.block_size as usize - half];
    device.read(block, half as u32, &mut rest)?;
    device.erase(block)?;
    let erased = g.erase_value.unwrap_or(0xFF);
    // Write back the second half in program units, skipping units already in erased state.
    for (i, chunk) in rest.chunks(g.program_size as usize).enumerate() {
        if chunk.iter().all(|&b| b == erased) {
            continue;
        }
        let offset = half + i * g.program_size as usize;
        device.program(block, offset as u32, chunk)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ram::RamBlockDevice;

    fn geometry() -> Geometry {
        Geometry {
            read_size: 4,
            program_size: 4,
            block_size: 128,
            block_count: 8,
            erase_value: Some(0xFF),
        }
    }

    #[test]
    fn counts_and_cuts() {
        let mut d = FailingBlockDevice::cut_after(RamBlockDevice::new(geometry()).unwrap(), 2);
        d.program(0, 0, &[1, 2, 3, 4]).unwrap();
        d.erase(1).unwrap();
        assert_eq!(d.operations(), 2);
        assert!(!d.is_cut());
        assert_eq!(d.program(0, 4, &[5; 4]), Err(BlockDeviceError::Io));
        assert!(d.is_cut());
        assert_eq!(d.read(0, 0, &mut [0; 4]), Err(BlockDeviceError::Io));
        assert_eq!(d.sync(), Err(BlockDeviceError::Io));
        assert_eq!(d.erase(2), Err(BlockDeviceError::Io));
        let ram = d.into_inner();
        assert_eq!(&ram.as_bytes()[..8], &[1, 2, 3, 4, 0xFF, 0xFF, 0xFF, 0xFF]);
    }

    #[test]
    fn torn_program_writes_a_part() {
        let mut d = FailingBlockDevice::torn_after(RamBlockDevice::new(geometry()).unwrap(), 1);
        d.erase(0).unwrap();
        // Operation count 1 at the cut: 2 quarters = half of 16 bytes.
        assert_eq!(d.program(0, 0, &[0u8; 16]), Err(BlockDeviceError::Io));
        let ram = d.into_inner();
        assert_eq!(
            &ram.as_bytes()[..16],
            &[0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
        );
    }

    #[test]
    fn torn_erase_erases_half() {
        let mut ram = RamBlockDevice::new(geometry()).unwrap();
        ram.program(2, 0, &[0u8; 128]).unwrap();
        let mut d = FailingBlockDevice::torn_after(ram, 0);
        assert_eq!(d.erase(2), Err(BlockDeviceError::Io));
        let ram = d.into_inner();
        let block = &ram.as_bytes()[256..384];
        assert!(block[..64].iter().all(|&b| b == 0xFF));
        assert!(block[64..].iter().all(|&b| b == 0));
    }

    #[test]
    fn counting_never_fails() {
        let mut d = FailingBlockDevice::counting(RamBlockDevice::new(geometry()).unwrap());
        for i in 0..100 {
            d.erase(i % 8).unwrap();
        }
        assert_eq!(d.operations(), 100);
        assert!(!d.is_cut());
    }
}
