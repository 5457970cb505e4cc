//! A small driver for the SMSC LAN9118 Ethernet controller of the mps2-an385 board
//! (0x40200000, interrupt 13), as QEMU models it, and its smoltcp `Device`.
//!
//! Polled: the network loop asks the RX status FIFO for frames (the controller's interrupt
//! line is left disabled). 32-bit PIO through the RX/TX data FIFOs, one frame per TX command
//! (first and last segment), no RX offset or padding.

use core::ptr::{read_volatile, write_volatile};
use smoltcp::phy::{self, Device, DeviceCapabilities, Medium};
use smoltcp::time::Instant;

const BASE: usize = 0x4020_0000;

const RX_DATA_FIFO: usize = 0x00;
const TX_DATA_FIFO: usize = 0x20;
const RX_STATUS_FIFO: usize = 0x40;
const TX_STATUS_FIFO: usize = 0x48;
const ID_REV: usize = 0x50;
const IRQ_CFG: usize = 0x54;
const INT_EN: usize = 0x5c;
const INT_STS: usize = 0x58;
const BYTE_TEST: usize = 0x64;
const RX_CFG: usize = 0x6c;
const TX_CFG: usize = 0x70;
const HW_CFG: usize = 0x74;
const RX_FIFO_INF: usize = 0x7c;
const TX_FIFO_INF: usize = 0x80;
const PMT_CTRL: usize = 0x84;
const MAC_CSR_CMD: usize = 0xa4;
const MAC_CSR_DATA: usize = 0xa8;

const MAC_CR: u32 = 1;
const MAC_ADDRH: u32 = 2;
const MAC_ADDRL: u32 = 3;
const MAC_CR_TXEN: u32 = 1 << 3;
const MAC_CR_RXEN: u32 = 1 << 2;

const CSR_BUSY: u32 = 1 << 31;
const CSR_READ: u32 = 1 << 30;

/// Largest Ethernet frame handled (without the FCS).
pub const MAX_FRAME: usize = 1514;

fn rd(offset: usize) -> u32 {
    // SAFETY: an aligned register of the LAN9118's MMIO window, which is always mapped on
    // this board.
    unsafe { read_volatile((BASE + offset) as *const u32) }
}

fn wr(offset: usize, value: u32) {
    // SAFETY: as in `rd`.
    unsafe { write_volatile((BASE + offset) as *mut u32, value) }
}

fn mac_wait() -> Result<(), &'static str> {
    for _ in 0..100_000 {
        if rd(MAC_CSR_CMD) & CSR_BUSY == 0 {
            return Ok(());
        }
    }
    Err("MAC CSR stays busy")
}

fn mac_read(reg: u32) -> Result<u32, &'static str> {
    mac_wait()?;
    wr(MAC_CSR_CMD, CSR_BUSY | CSR_READ | reg);
    mac_wait()?;
    Ok(rd(MAC_CSR_DATA))
}

fn mac_write(reg: u32, value: u32) -> Result<(), &'static str> {
    mac_wait()?;
    wr(MAC_CSR_DATA, value);
    wr(MAC_CSR_CMD, CSR_BUSY | reg);
    mac_wait()
}

/// The controller's state and its transmit buffer.
pub struct Hw {
    mac: [u8; 6],
    tx: [u8; 2048],
    pub rx_frames: u32,
    pub tx_frames: u32,
    pub rx_errors: u32,
}

/// The controller and a receive buffer (the smoltcp device).
pub struct Lan9118 {
    pub hw: Hw,
    rx: [u8; 2048],
}

impl Lan9118 {
    /// Soft reset, MAC address from the controller (QEMU's NIC address), TX and RX on.
    pub fn init() -> Result<Lan9118, &'static str> {
        if rd(BYTE_TEST) != 0x8765_4321 {
            return Err("no LAN9118 at 0x40200000 (BYTE_TEST)");
        }
        if rd(ID_REV) >> 16 != 0x0118 {
            return Err("unexpected ID_REV (not a LAN9118)");
        }
        wr(HW_CFG, rd(HW_CFG) | 1); // SRST
        let mut ready = false;
        for _ in 0..100_000 {
            if rd(HW_CFG) & 1 == 0 && rd(PMT_CTRL) & 1 != 0 {
                ready = true;
                break;
            }
        }
        if !ready {
            return Err("LAN9118 did not come out of reset");
        }
        wr(INT_EN, 0);
        wr(INT_STS, 0xffff_ffff);
        wr(IRQ_CFG, 0);
        wr(RX_CFG, 0);
        let low = mac_read(MAC_ADDRL)?;
        let high = mac_read(MAC_ADDRH)?;
        let mac = [
            low as u8,
            (low >> 8) as u8,
            (low >> 16) as u8,
            (low >> 24) as u8,
            high as u8,
            (high >> 8) as u8,
        ];
        // Exact address filter plus broadcast; transmitter and receiver on.
        mac_write(MAC_CR, MAC_CR_TXEN | MAC_CR_RXEN)?;
        wr(TX_CFG, 1 << 1); // TX_ON
        Ok(Lan9118 {
            hw: Hw {
                mac,
                tx: [0; 2048],
                rx_frames: 0,
                tx_frames: 0,
                rx_errors: 0,
            },
            rx: [0; 2048],
        })
    }

    pub fn mac(&self) -> [u8; 6] {
        self.hw.mac
    }
}

impl Hw {
    /// Reads the next good received frame into `rx`; its length without the FCS.
    fn receive_frame(&mut self, rx: &mut [u8; 2048]) -> Option<usize> {
        loop {
            if (rd(RX_FIFO_INF) >> 16) & 0xff == 0 {
                return None;
            }
            let status = rd(RX_STATUS_FIFO);
            let len = ((status >> 16) & 0x3fff) as usize; // with the 4-byte FCS
            let words = len.div_ceil(4);
            let good = status & (1 << 15) == 0 && (14 + 4..=MAX_FRAME + 4).contains(&len);
            for i in 0..words {
                let w = rd(RX_DATA_FIFO).to_le_bytes();
                let at = i * 4;
                if good && at + 4 <= rx.len() {
                    rx[at..at + 4].copy_from_slice(&w);
                }
            }
            if good {
                self.rx_frames += 1;
                return Some(len - 4);
            }
            self.rx_errors += 1;
        }
    }

    /// Sends `self.tx[..len]` as one frame.
    fn send_frame(&mut self, len: usize) {
        // Drain the TX status FIFO (one entry per frame sent).
        while (rd(TX_FIFO_INF) >> 16) & 0xff != 0 {
            let _ = rd(TX_STATUS_FIFO);
        }
        let words = len.div_ceil(4);
        // Wait for room in the TX data FIFO (free bytes in the low 16 bits).
        for _ in 0..100_000 {
            if (rd(TX_FIFO_INF) & 0xffff) as usize >= words * 4 + 8 {
                break;
            }
        }
        let command_a = (1 << 13) | (1 << 12) | len as u32; // first and last segment
        let command_b = ((self.tx_frames & 0xffff) << 16) | len as u32;
        wr(TX_DATA_FIFO, command_a);
        wr(TX_DATA_FIFO, command_b);
        for i in 0..words {
            let at = i * 4;
            let mut w = [0u8; 4];
            let end = (at + 4).min(len);
            w[..end - at].copy_from_slice(&self.tx[at..end]);
            wr(TX_DATA_FIFO, u32::from_le_bytes(w));
        }
        self.tx_frames += 1;
    }
}

pub struct RxToken<'a> {
    frame: &'a [u8],
}

pub struct TxToken<'a> {
    hw: &'a mut Hw,
}

impl phy::RxToken for RxToken<'_> {
    fn consume<R, F: FnOnce(&[u8]) -> R>(self, f: F) -> R {
        f(self.frame)
    }
}

impl phy::TxToken for TxToken<'_> {
    fn consume<R, F: FnOnce(&mut [u8]) -> R>(self, len: usize, f: F) -> R {
        let len = len.min(MAX_FRAME);
        let result = f(&mut self.hw.tx[..len]);
        self.hw.send_frame(len);
        result
    }
}

impl Device for Lan9118 {
    type RxToken<'a> = RxToken<'a>;
    type TxToken<'a> = TxToken<'a>;

    fn receive(&mut self, _timestamp: Instant) -> Option<(RxToken<'_>, TxToken<'_>)> {
        let len = self.hw.receive_frame(&mut self.rx)?;
        Some((
            RxToken {
                frame: &self.rx[..len],
            },
            TxToken { hw: &mut self.hw },
        ))
    }

    fn transmit(&mut self, _timestamp: Instant) -> Option<TxToken<'_>> {
        Some(TxToken { hw: &mut self.hw })
    }

    fn capabilities(&self) -> DeviceCapabilities {
        let mut caps = DeviceCapabilities::default();
        caps.medium = Medium::Ethernet;
        caps.max_transmission_unit = MAX_FRAME;
        caps.max_burst_size = Some(1);
        caps
    }
}
