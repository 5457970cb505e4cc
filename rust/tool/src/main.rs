//! `core-pkcs11-tool`: provisions core-pkcs11 tokens, on the host (the image the PKCS #11
//! module uses) or on a device's littlefs flash image.
//!
//! It drives the token engine directly (no dlopen) on the image file, with the PKCS #11
//! module's lock, so it and the module never use one image at the same time.

#![warn(missing_docs)]

mod asn1;
mod commands;
mod device;
mod error;
mod keyfile;
mod objects;
mod progress;

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

const AFTER_HELP: &str = "\
The image: --image PATH, else the host token of the PKCS #11 module (CORE_PKCS11_STORE, else
the `store = PATH` line of CORE_PKCS11_CONF or ~/.config/core-pkcs11/core-pkcs11.conf, else
~/.local/share/core-pkcs11/token.img). Images are littlefs, 256 blocks of 4096 bytes: the
geometry of the firmware's flash, so an image made here can be written to a device as it is.

PIN: --pin or --pin-env; without either, the default user PIN while it is in force (a token
never given a user PIN). A wrong PIN counts towards locking the PIN.

Exit codes: 0 success, 1 error, 2 bad command line, 3 wrong, locked or missing PIN, 4 image in
use by another process, 5 image full.";

/// Provisioning tool for core-pkcs11 tokens (host token or device flash image).
#[derive(Parser, Debug)]
#[command(name = "core-pkcs11-tool", version, after_help = AFTER_HELP)]
struct Cli {
    /// Token image file (littlefs, the firmware's flash geometry); default: the host token.
    #[arg(long, global = true, value_name = "PATH")]
    image: Option<PathBuf>,
    /// User PIN (default: the token's default PIN while it is in force).
    #[arg(long, global = true, value_name = "PIN", conflicts_with = "pin_env")]
    pin: Option<String>,
    /// Name of an environment variable holding the user PIN.
    #[arg(long, global = true, value_name = "VAR")]
    pin_env: Option<String>,
    /// Security officer PIN (for init).
    #[arg(long, global = true, value_name = "PIN")]
    so_pin: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Token information: label, serial, flags, object counts, PIN state, damaged records.
    Info,
    /// Initialise the token (C_InitToken: deletes every object), then set the user PIN.
    ///
    /// Needs --so-pin (the SO PIN: set by the first init, checked by later ones) and --pin
    /// (or --pin-env): the new user PIN.
    Init(InitArgs),
    /// Import a private key (PEM or DER: PKCS #8, SEC1, PKCS #1; EC P-256 or RSA 2048-4096).
    ///
    /// Creates a token private key (private, sensitive, not extractable) and, unless
    /// --no-public, the matching public key with the same label and id.
    ImportKey(ImportKeyArgs),
    /// Import an X.509 certificate (PEM or DER).
    ImportCert(ImportCertArgs),
    /// Generate a key pair on the token (EC P-256).
    Generate(GenerateArgs),
    /// Write a public key as SubjectPublicKeyInfo (PEM, or DER with --der).
    ExportPubkey(ExportArgs),
    /// Make a PKCS #10 certificate signing request, signed by the token with the key pair.
    Csr(CsrArgs),
    /// List every object: class, label, id, key type and size, flags (never secret values;
    /// private objects only when logged in).
    List,
    /// Delete the objects with a label (of a class, and an id, if given).
    Delete(DeleteArgs),
}

/// Arguments of `init`.
#[derive(Args, Debug)]
struct InitArgs {
    /// Token label (at most 32 bytes).
    #[arg(long)]
    label: String,
}

/// Arguments of `import-key`.
#[derive(Args, Debug)]
struct ImportKeyArgs {
    /// Label of the key objects.
    #[arg(long)]
    label: String,
    /// CKA_ID in hex (default: the first 20 bytes of SHA-256 of the public key).
    #[arg(long, value_name = "HEX")]
    id: Option<String>,
    /// Label of the public key object, when it differs (corePKCS11 labels its TLS key pair
    /// "Device Priv TLS Key" and "Device Pub TLS Key").
    #[arg(long, value_name = "LABEL", conflicts_with = "no_public")]
    public_label: Option<String>,
    /// Do not create the public key object.
    #[arg(long)]
    no_public: bool,
    /// The key file.
    file: PathBuf,
}

/// Arguments of `import-cert`.
#[derive(Args, Debug)]
struct ImportCertArgs {
    /// Label of the certificate object.
    #[arg(long)]
    label: String,
    /// CKA_ID in hex (default: the id of the key whose public key the certificate holds, if
    /// the token has it).
    #[arg(long, value_name = "HEX")]
    id: Option<String>,
    /// The certificate file.
    file: PathBuf,
}

/// Key types `generate` knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum KeyType {
    /// EC P-256.
    Ec,
    /// RSA-2048.
    Rsa,
}

/// Arguments of `generate`.
#[derive(Args, Debug)]
struct GenerateArgs {
    /// Label of the key objects.
    #[arg(long)]
    label: String,
    /// CKA_ID in hex (default: the first 20 bytes of SHA-256 of the public key).
    #[arg(long, value_name = "HEX")]
    id: Option<String>,
    /// Label of the public key object, when it differs from --label.
    #[arg(long, value_name = "LABEL")]
    public_label: Option<String>,
    /// Key type.
    #[arg(long = "type", value_enum, default_value = "ec")]
    key_type: KeyType,
}

/// Arguments of `export-pubkey`.
#[derive(Args, Debug)]
struct ExportArgs {
    /// Label of the public key (or its certificate, or its RSA private key).
    #[arg(long)]
    label: String,
    /// Output file (default: standard output).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// DER instead of PEM.
    #[arg(long)]
    der: bool,
}

/// Arguments of `csr`.
#[derive(Args, Debug)]
struct CsrArgs {
    /// Label of the private key that signs (its public key: the public key object with the
    /// same label, else with the same id, else the one that verifies the key's signatures).
    #[arg(long)]
    label: String,
    /// Subject, e.g. "CN=device-1,O=Example" (or "/CN=device-1/O=Example").
    #[arg(long)]
    subject: String,
    /// Output file (default: standard output), PEM.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// Arguments of `delete`.
#[derive(Args, Debug)]
struct DeleteArgs {
    /// Label of the objects to delete.
    #[arg(long)]
    label: String,
    /// Class of the objects to delete.
    #[arg(long, value_enum, default_value = "all")]
    class: objects::ClassArg,
    /// Only objects with this CKA_ID (hex).
    #[arg(long, value_name = "HEX")]
    id: Option<String>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("core-pkcs11-tool: error: {}", failure.message);
            ExitCode::from(u8::try_from(failure.code).unwrap_or(1))
        }
    }
}
