//! Empty: this crate only exists to locate the freertos-next crate (see Cargo.toml).
