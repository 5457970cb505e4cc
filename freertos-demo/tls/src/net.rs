//! IPv4/TCP over the LAN9118 with smoltcp: static address 10.0.2.15/24, gateway 10.0.2.2
//! (QEMU user networking), one TCP socket, and that socket as an `embedded_io` byte stream
//! for the TLS client.

use crate::lan9118::Lan9118;
use crate::sys::{now_ms, sleep_ms};
use core::ptr::addr_of_mut;
use core::sync::atomic::{AtomicBool, Ordering};
use smoltcp::iface::{Config, Interface, SocketHandle, SocketSet, SocketStorage};
use smoltcp::socket::tcp;
use smoltcp::time::Instant;
use smoltcp::wire::{EthernetAddress, HardwareAddress, IpAddress, IpCidr, Ipv4Address};

pub const DEVICE_IP: [u8; 4] = [10, 0, 2, 15];
pub const GATEWAY_IP: [u8; 4] = [10, 0, 2, 2];

/// Once set, the stream refuses every further write: a failed C_Sign (or token RNG) inside
/// the TLS library cannot report an error, so what it produced must never leave the device.
pub static REFUSE_WRITES: AtomicBool = AtomicBool::new(false);

const CONNECT_TIMEOUT_MS: u64 = 10_000;
const IO_TIMEOUT_MS: u64 = 30_000;

static mut TCP_RX: [u8; 8192] = [0; 8192];
static mut TCP_TX: [u8; 4096] = [0; 4096];
static mut SOCKET_STORAGE: [SocketStorage<'static>; 1] = [SocketStorage::EMPTY];
static TAKEN: AtomicBool = AtomicBool::new(false);

fn now() -> Instant {
    Instant::from_millis(now_ms() as i64)
}

pub struct Net {
    pub nic: Lan9118,
    iface: Interface,
    sockets: SocketSet<'static>,
    tcp: SocketHandle,
}

#[derive(Debug, Clone, Copy)]
pub enum NetError {
    Device(&'static str),
    AlreadyUsed,
    ConnectRefused,
    ConnectTimeout,
}

impl core::fmt::Display for NetError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            NetError::Device(s) => write!(f, "Ethernet: {s}"),
            NetError::AlreadyUsed => write!(f, "the network stack is already in use"),
            NetError::ConnectRefused => write!(f, "TCP connection refused or reset"),
            NetError::ConnectTimeout => write!(f, "TCP connection timed out"),
        }
    }
}

impl Net {
    /// Brings the interface up. `seed` randomises smoltcp (ports, sequence numbers).
    pub fn new(seed: u64) -> Result<Net, NetError> {
        if TAKEN.swap(true, Ordering::AcqRel) {
            return Err(NetError::AlreadyUsed);
        }
        let mut nic = Lan9118::init().map_err(NetError::Device)?;
        let mut config = Config::new(HardwareAddress::Ethernet(EthernetAddress(nic.mac())));
        config.random_seed = seed;
        let mut iface = Interface::new(config, &mut nic, now());
        iface.update_ip_addrs(|addrs| {
            let [a, b, c, d] = DEVICE_IP;
            let _ = addrs.push(IpCidr::new(IpAddress::v4(a, b, c, d), 24));
        });
        let [a, b, c, d] = GATEWAY_IP;
        let _ = iface
            .routes_mut()
            .add_default_ipv4_route(Ipv4Address::new(a, b, c, d));
        // SAFETY: TAKEN guarantees that these statics are borrowed once, for the program.
        let (rx, tx, storage) = unsafe {
            (
                &mut *addr_of_mut!(TCP_RX),
                &mut *addr_of_mut!(TCP_TX),
                &mut *addr_of_mut!(SOCKET_STORAGE),
            )
        };
        let mut socket = tcp::Socket::new(
            tcp::SocketBuffer::new(&mut rx[..]),
            tcp::SocketBuffer::new(&mut tx[..]),
        );
        socket.set_nagle_enabled(false);
        let mut sockets = SocketSet::new(&mut storage[..]);
        let tcp = sockets.add(socket);
        Ok(Net {
            nic,
            iface,
            sockets,
            tcp,
        })
    }

    pub fn poll(&mut self) {
        let _ = self.iface.poll(now(), &mut self.nic, &mut self.sockets);
    }

    fn socket(&mut self) -> &mut tcp::Socket<'static> {
        self.sockets.get_mut::<tcp::Socket>(self.tcp)
    }

    /// TCP connect; waits until established.
    pub fn connect(&mut self, ip: [u8; 4], port: u16, local_port: u16) -> Result<(), NetError> {
        let [a, b, c, d] = ip;
        let cx = self.iface.context();
        let socket = self.sockets.get_mut::<tcp::Socket>(self.tcp);
        socket
            .connect(cx, (IpAddress::v4(a, b, c, d), port), local_port)
            .map_err(|_| NetError::ConnectRefused)?;
        let deadline = now_ms() + CONNECT_TIMEOUT_MS;
        loop {
            self.poll();
            match self.socket().state() {
                tcp::State::Established => return Ok(()),
                tcp::State::Closed => return Err(NetError::ConnectRefused),
                _ => {}
            }
            if now_ms() > deadline {
                self.socket().abort();
                return Err(NetError::ConnectTimeout);
            }
            sleep_ms(1);
        }
    }

    /// Closes the TCP connection (FIN) and waits a little for the peer.
    pub fn close(&mut self) {
        self.socket().close();
        let deadline = now_ms() + 2_000;
        while now_ms() < deadline {
            self.poll();
            if matches!(
                self.socket().state(),
                tcp::State::Closed | tcp::State::TimeWait
            ) {
                break;
            }
            sleep_ms(1);
        }
    }

    pub fn stream(&mut self) -> TcpStream<'_> {
        TcpStream { net: self }
    }
}

/// The connected TCP socket as a blocking byte stream.
pub struct TcpStream<'a> {
    net: &'a mut Net,
}

impl embedded_io::ErrorType for TcpStream<'_> {
    type Error = embedded_io::ErrorKind;
}

impl embedded_io::Read for TcpStream<'_> {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error> {
        if buf.is_empty() {
            return Ok(0);
        }
        let deadline = now_ms() + IO_TIMEOUT_MS;
        loop {
            self.net.poll();
            let s = self.net.socket();
            if s.can_recv() {
                return s.recv_slice(buf).map_err(|_| embedded_io::ErrorKind::Other);
            }
            if !s.may_recv() {
                return if s.state() == tcp::State::Closed {
                    Err(embedded_io::ErrorKind::ConnectionReset)
                } else {
                    Ok(0) // the peer closed its side
                };
            }
            if now_ms() > deadline {
                return Err(embedded_io::ErrorKind::TimedOut);
            }
            sleep_ms(1);
        }
    }
}

impl embedded_io::Write for TcpStream<'_> {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
        if REFUSE_WRITES.load(Ordering::Acquire) {
            return Err(embedded_io::ErrorKind::PermissionDenied);
        }
        if buf.is_empty() {
            return Ok(0);
        }
        let deadline = now_ms() + IO_TIMEOUT_MS;
        loop {
            self.net.poll();
            let s = self.net.socket();
            if s.can_send() {
                let n = s
                    .send_slice(buf)
                    .map_err(|_| embedded_io::ErrorKind::Other)?;
                if n > 0 {
                    return Ok(n);
                }
            }
            if !s.may_send() {
                return Err(embedded_io::ErrorKind::BrokenPipe);
            }
            if now_ms() > deadline {
                return Err(embedded_io::ErrorKind::TimedOut);
            }
            sleep_ms(1);
        }
    }

    fn flush(&mut self) -> Result<(), Self::Error> {
        let deadline = now_ms() + IO_TIMEOUT_MS;
        loop {
            self.net.poll();
            let s = self.net.socket();
            if s.send_queue() == 0 {
                return Ok(());
            }
            if !s.may_send() && s.state() == tcp::State::Closed {
                return Err(embedded_io::ErrorKind::BrokenPipe);
            }
            if now_ms() > deadline {
                return Err(embedded_io::ErrorKind::TimedOut);
            }
            sleep_ms(1);
        }
    }
}
