//! A minimal MQTT 3.1.1 client: CONNECT/CONNACK, PUBLISH QoS 1/PUBACK, DISCONNECT, over
//! any `embedded_io` stream (here the TLS connection).

use alloc::vec::Vec;
use embedded_io::{Read, Write};

#[derive(Debug)]
pub enum MqttError<E> {
    Io(E),
    Closed,
    Protocol(&'static str),
    Refused(u8),
}

fn put_remaining_length(out: &mut Vec<u8>, mut n: usize) {
    loop {
        let mut byte = (n % 128) as u8;
        n /= 128;
        if n > 0 {
            byte |= 0x80;
        }
        out.push(byte);
        if n == 0 {
            break;
        }
    }
}

fn put_string(out: &mut Vec<u8>, s: &[u8]) {
    out.extend_from_slice(&(s.len() as u16).to_be_bytes());
    out.extend_from_slice(s);
}

fn packet(first: u8, body: &[u8]) -> Vec<u8> {
    let mut p = Vec::with_capacity(body.len() + 5);
    p.push(first);
    put_remaining_length(&mut p, body.len());
    p.extend_from_slice(body);
    p
}

fn write_all<S: Write>(s: &mut S, data: &[u8]) -> Result<(), MqttError<S::Error>> {
    s.write_all(data).map_err(MqttError::Io)?;
    s.flush().map_err(MqttError::Io)
}

fn read_exact<S: Read>(s: &mut S, buf: &mut [u8]) -> Result<(), MqttError<S::Error>> {
    let mut n = 0;
    while n < buf.len() {
        match s.read(&mut buf[n..]).map_err(MqttError::Io)? {
            0 => return Err(MqttError::Closed),
            k => n += k,
        }
    }
    Ok(())
}

/// Reads one packet: (first byte, body).
fn read_packet<S: Read>(s: &mut S) -> Result<(u8, Vec<u8>), MqttError<S::Error>> {
    let mut first = [0u8; 1];
    read_exact(s, &mut first)?;
    let mut len = 0usize;
    let mut shift = 0;
    loop {
        let mut b = [0u8; 1];
        read_exact(s, &mut b)?;
        len |= ((b[0] & 0x7f) as usize) << shift;
        if b[0] & 0x80 == 0 {
            break;
        }
        shift += 7;
        if shift > 21 {
            return Err(MqttError::Protocol("bad remaining length"));
        }
    }
    if len > 4096 {
        return Err(MqttError::Protocol("packet too large"));
    }
    let mut body = alloc::vec![0u8; len];
    read_exact(s, &mut body)?;
    Ok((first[0], body))
}

/// CONNECT (clean session, no user name: the broker takes the identity from the client
/// certificate) and CONNACK.
pub fn connect<S: Read + Write>(
    s: &mut S,
    client_id: &str,
    keep_alive: u16,
) -> Result<(), MqttError<S::Error>> {
    let mut body = Vec::new();
    put_string(&mut body, b"MQTT");
    body.push(4); // protocol level 3.1.1
    body.push(0x02); // clean session
    body.extend_from_slice(&keep_alive.to_be_bytes());
    put_string(&mut body, client_id.as_bytes());
    write_all(s, &packet(0x10, &body))?;
    let (first, body) = read_packet(s)?;
    if first != 0x20 || body.len() != 2 {
        return Err(MqttError::Protocol("expected CONNACK"));
    }
    if body[1] != 0 {
        return Err(MqttError::Refused(body[1]));
    }
    Ok(())
}

/// PUBLISH with QoS 1, then waits for the PUBACK of `packet_id`.
pub fn publish_qos1<S: Read + Write>(
    s: &mut S,
    topic: &str,
    payload: &[u8],
    packet_id: u16,
) -> Result<(), MqttError<S::Error>> {
    let mut body = Vec::new();
    put_string(&mut body, topic.as_bytes());
    body.extend_from_slice(&packet_id.to_be_bytes());
    body.extend_from_slice(payload);
    write_all(s, &packet(0x32, &body))?;
    loop {
        let (first, body) = read_packet(s)?;
        if first == 0x40 && body.len() == 2 {
            if u16::from_be_bytes([body[0], body[1]]) == packet_id {
                return Ok(());
            }
            return Err(MqttError::Protocol("PUBACK for another packet"));
        }
        // Anything else (there should be nothing: no subscriptions) is skipped.
    }
}

pub fn disconnect<S: Write>(s: &mut S) -> Result<(), MqttError<S::Error>> {
    write_all(s, &[0xe0, 0x00])
}
