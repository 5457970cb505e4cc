//! A session: its access mode and the operations in progress in it.

use crate::ck::*;
use crate::operation::{DigestOp, FindOp, SignOp, VerifyOp};

/// An open session.
pub struct Session {
    /// Read/write (`CKF_RW_SESSION`) or read-only.
    pub read_write: bool,
    /// `C_FindObjects*` in progress.
    pub find: Option<FindOp>,
    /// `C_Digest*` in progress.
    pub digest: Option<DigestOp>,
    /// `C_Sign*` in progress.
    pub sign: Option<SignOp>,
    /// `C_Verify*` in progress.
    pub verify: Option<VerifyOp>,
}

impl Session {
    /// A new session with no operation in progress.
    pub fn new(read_write: bool) -> Self {
        Session {
            read_write,
            find: None,
            digest: None,
            sign: None,
            verify: None,
        }
    }

    /// `CKS_*` state of the session given who is logged in (`None`, `CKU_USER` or `CKU_SO`).
    pub fn state(&self, login: Option<Ulong>) -> Ulong {
        match (self.read_write, login) {
            (false, Some(CKU_USER)) => CKS_RO_USER_FUNCTIONS,
            (false, _) => CKS_RO_PUBLIC_SESSION,
            (true, Some(CKU_USER)) => CKS_RW_USER_FUNCTIONS,
            (true, Some(CKU_SO)) => CKS_RW_SO_FUNCTIONS,
            (true, _) => CKS_RW_PUBLIC_SESSION,
        }
    }

    /// `CKF_*` flags of the session.
    pub fn flags(&self) -> Ulong {
        CKF_SERIAL_SESSION | if self.read_write { CKF_RW_SESSION } else { 0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states() {
        let ro = Session::new(false);
        let rw = Session::new(true);
        assert_eq!(ro.state(None), CKS_RO_PUBLIC_SESSION);
        assert_eq!(ro.state(Some(CKU_USER)), CKS_RO_USER_FUNCTIONS);
        assert_eq!(rw.state(None), CKS_RW_PUBLIC_SESSION);
        assert_eq!(rw.state(Some(CKU_USER)), CKS_RW_USER_FUNCTIONS);
        assert_eq!(rw.state(Some(CKU_SO)), CKS_RW_SO_FUNCTIONS);
        assert_eq!(ro.flags(), CKF_SERIAL_SESSION);
        assert_eq!(rw.flags(), CKF_SERIAL_SESSION | CKF_RW_SESSION);
    }
}
