//! The TLS helper: embedded-tls (TLS 1.3, TLS_AES_128_GCM_SHA256, ECDHE P-256) with a
//! crypto provider on the token.
//!
//! - Client certificate: the "Device Cert" object's CKA_VALUE (public).
//! - CertificateVerify: `C_SignInit(CKM_ECDSA_SHA256, "Device Priv TLS Key")` + `C_Sign` over
//!   the whole content (64 spaces, the context string, the transcript hash); the token's
//!   r‖s is converted to the DER form TLS wants. The key never leaves the token.
//! - Randomness (ClientHello random, ECDHE key): `C_GenerateRandom`.
//! - Server authentication: embedded-tls's `pki::CertVerifier` with the "Root Cert" object's
//!   CKA_VALUE as the trust anchor: each certificate of the server's chain must be signed
//!   (ECDSA P-256/SHA-256) by the one above it, starting at the root, and the leaf's SAN DNS
//!   names (or its CN) must match the server name; then the server's CertificateVerify is
//!   checked with the leaf's key. The validity period is NOT checked: the board has no RTC
//!   (`NoClock`).
//!
//! embedded-tls calls `SignerMut::sign`, which cannot fail. A failed C_Sign therefore records
//! the error, returns an empty signature, and sets `net::REFUSE_WRITES`, so that the record
//! carrying it is never sent: the handshake ends with an I/O error that `connect` reports as
//! the signing failure. Never a panic.

use crate::der;
use crate::net::REFUSE_WRITES;
use crate::pkcs11::{P11Error, Token, LABEL_DEVICE_PRIVATE_KEY};
use crate::println;
use core::cell::Cell;
use core::sync::atomic::Ordering;
use core_pkcs11_ffi::ck::CKM_ECDSA_SHA256;
use core_pkcs11_ffi::types::CK_OBJECT_HANDLE;
use embedded_tls::blocking::{
    Aes128GcmSha256, Certificate, CertificateRef, CertificateVerifyRef, CryptoProvider, NoClock,
    TlsCipherSuite, TlsError, TlsVerifier,
};
use embedded_tls::pki::CertVerifier;
use embedded_tls::SignatureScheme;

/// Test builds (`audit`): make the CertificateVerify's C_Sign fail for real (the token
/// is called with an invalid session handle) to show that the handshake ends with an error.
#[cfg(feature = "audit")]
pub static INJECT_SIGN_FAILURE: core::sync::atomic::AtomicBool =
    core::sync::atomic::AtomicBool::new(false);

/// A DER ECDSA signature (at most 72 bytes for P-256).
pub struct DerSignature(heapless::Vec<u8, 72>);

impl AsRef<[u8]> for DerSignature {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// Signs the CertificateVerify content with the device key, in the token.
pub struct TokenSigner<'a> {
    token: &'a Token,
    failure: &'a Cell<Option<P11Error>>,
    signed: &'a Cell<bool>,
}

impl TokenSigner<'_> {
    fn sign_with_token(&mut self, msg: &[u8]) -> Result<DerSignature, P11Error> {
        #[cfg(feature = "audit")]
        if INJECT_SIGN_FAILURE.load(Ordering::Relaxed) {
            println!("tls: test: C_Sign is called on an invalid session handle (injected failure)");
            self.token.sign_on_invalid_session(msg)?;
        }
        let raw = self.token.sign(msg)?;
        let der = der::ecdsa_raw_to_der(&raw).ok_or(P11Error {
            function: "C_Sign (not a 64-byte P-256 signature)",
            rv: 0x05,
        })?;
        println!(
            "tls: CertificateVerify signed by C_Sign in the token: CKM_ECDSA_SHA256 over the {}-byte content with \"{}\" -> r||s {} bytes -> DER {} bytes (the key never left the token)",
            msg.len(),
            LABEL_DEVICE_PRIVATE_KEY,
            raw.len(),
            der.len()
        );
        let mut v = heapless::Vec::new();
        let _ = v.extend_from_slice(&der);
        Ok(DerSignature(v))
    }
}

impl signature::SignerMut<DerSignature> for TokenSigner<'_> {
    fn try_sign(&mut self, msg: &[u8]) -> Result<DerSignature, signature::Error> {
        self.sign_with_token(msg).map_err(|e| {
            self.failure.set(Some(e));
            signature::Error::new()
        })
    }

    /// What embedded-tls calls: never panics (see the module documentation).
    fn sign(&mut self, msg: &[u8]) -> DerSignature {
        match self.sign_with_token(msg) {
            Ok(s) => {
                self.signed.set(true);
                s
            }
            Err(e) => {
                println!("tls: C_Sign FAILED for the CertificateVerify: {e}; nothing more is sent");
                self.failure.set(Some(e));
                REFUSE_WRITES.store(true, Ordering::Release);
                DerSignature(heapless::Vec::new())
            }
        }
    }
}

/// rand_core 0.6 RNG on C_GenerateRandom.
pub struct TokenRng<'a> {
    token: &'a Token,
    failed: &'a Cell<bool>,
}

impl rand_core::RngCore for TokenRng<'_> {
    fn next_u32(&mut self) -> u32 {
        let mut b = [0u8; 4];
        self.fill_bytes(&mut b);
        u32::from_le_bytes(b)
    }

    fn next_u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        self.fill_bytes(&mut b);
        u64::from_le_bytes(b)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        if let Err(e) = self.token.random(dest) {
            // Nothing built from these bytes may leave the device.
            println!("tls: C_GenerateRandom FAILED: {e}; nothing more is sent");
            self.failed.set(true);
            REFUSE_WRITES.store(true, Ordering::Release);
            dest.fill(0);
        }
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.token
            .random(dest)
            .map_err(|_| rand_core::Error::from(core::num::NonZeroU32::MIN))
    }
}

impl rand_core::CryptoRng for TokenRng<'_> {}

/// embedded-tls's certificate verifier with console lines.
pub struct LoggingVerifier<'a> {
    inner: CertVerifier<'a, Aes128GcmSha256, NoClock, 4096>,
    host: heapless::String<64>,
    pub certificate_ok: bool,
    pub signature_ok: bool,
}

impl<'a> LoggingVerifier<'a> {
    pub fn new(root_der: &'a [u8]) -> Self {
        LoggingVerifier {
            inner: CertVerifier::new(Certificate::X509(root_der)),
            host: heapless::String::new(),
            certificate_ok: false,
            signature_ok: false,
        }
    }
}

impl TlsVerifier<Aes128GcmSha256> for LoggingVerifier<'_> {
    fn set_hostname_verification(&mut self, hostname: &str) -> Result<(), TlsError> {
        self.host.clear();
        let _ = self.host.push_str(hostname);
        self.inner.set_hostname_verification(hostname)
    }

    fn verify_certificate(
        &mut self,
        transcript: &<Aes128GcmSha256 as TlsCipherSuite>::Hash,
        cert: CertificateRef,
    ) -> Result<(), TlsError> {
        let count = cert.entries.len();
        let subject = match cert.entries.first() {
            Some(embedded_tls::blocking::CertificateEntryRef::X509(d)) => {
                der::certificate_subject(d)
            }
            _ => None,
        };
        let subject = subject.unwrap_or_default();
        match self.inner.verify_certificate(transcript, cert) {
            Ok(()) => {
                self.certificate_ok = true;
                println!(
                    "tls: server certificate \"{subject}\" ({count} in chain) verified against \"Root Cert\" from the token (ECDSA P-256 signature), host name \"{}\" matches; validity period not checked (no RTC)",
                    self.host
                );
                Ok(())
            }
            Err(e) => {
                println!(
                    "tls: server certificate \"{subject}\" REJECTED ({e:?}): not issued by \"Root Cert\" or not for host \"{}\"",
                    self.host
                );
                Err(e)
            }
        }
    }

    fn verify_signature(&mut self, verify: CertificateVerifyRef) -> Result<(), TlsError> {
        let scheme = verify.signature_scheme;
        match self.inner.verify_signature(verify) {
            Ok(()) => {
                self.signature_ok = true;
                println!("tls: server CertificateVerify ({scheme:?}) verified with the server certificate's key");
                Ok(())
            }
            Err(e) => {
                println!("tls: server CertificateVerify REJECTED ({e:?})");
                Err(e)
            }
        }
    }
}

/// The crypto provider of the handshake.
pub struct TokenProvider<'a> {
    token: &'a Token,
    key: CK_OBJECT_HANDLE,
    certificate: &'a [u8],
    pub verifier: LoggingVerifier<'a>,
    rng_failed: &'a Cell<bool>,
    pub sign_failure: &'a Cell<Option<P11Error>>,
    pub signed: &'a Cell<bool>,
    pub sign_init_failure: Option<P11Error>,
}

impl<'a> TokenProvider<'a> {
    pub fn new(
        token: &'a Token,
        key: CK_OBJECT_HANDLE,
        certificate: &'a [u8],
        root: &'a [u8],
        cells: &'a ProviderCells,
    ) -> Self {
        TokenProvider {
            token,
            key,
            certificate,
            verifier: LoggingVerifier::new(root),
            rng_failed: &cells.rng_failed,
            sign_failure: &cells.sign_failure,
            signed: &cells.signed,
            sign_init_failure: None,
        }
    }
}

/// State the provider's parts report into.
#[derive(Default)]
pub struct ProviderCells {
    pub rng_failed: Cell<bool>,
    pub sign_failure: Cell<Option<P11Error>>,
    pub signed: Cell<bool>,
}

impl CryptoProvider for TokenProvider<'_> {
    type CipherSuite = Aes128GcmSha256;
    type Signature = DerSignature;

    fn rng(&mut self) -> impl embedded_tls::CryptoRngCore {
        TokenRng {
            token: self.token,
            failed: self.rng_failed,
        }
    }

    fn verifier(&mut self) -> Result<&mut impl TlsVerifier<Self::CipherSuite>, TlsError> {
        Ok(&mut self.verifier)
    }

    fn signer(
        &mut self,
    ) -> Result<(impl signature::SignerMut<Self::Signature>, SignatureScheme), TlsError> {
        println!("tls: CertificateVerify: C_SignInit(CKM_ECDSA_SHA256) on \"{LABEL_DEVICE_PRIVATE_KEY}\" (found by label and class)");
        if let Err(e) = self.token.sign_init(CKM_ECDSA_SHA256, self.key) {
            println!("tls: C_SignInit FAILED: {e}");
            self.sign_init_failure = Some(e);
            return Err(TlsError::InvalidPrivateKey);
        }
        Ok((
            TokenSigner {
                token: self.token,
                failure: self.sign_failure,
                signed: self.signed,
            },
            SignatureScheme::EcdsaSecp256r1Sha256,
        ))
    }

    fn client_cert(&mut self) -> Option<Certificate<impl AsRef<[u8]>>> {
        println!(
            "tls: the server asked for a client certificate (CertificateRequest): sending \"Device Cert\" ({} bytes)",
            self.certificate.len()
        );
        Some(Certificate::X509(self.certificate))
    }
}
