//! A progress indication on stderr for work that takes more than a second.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

/// How long work runs before the indication shows.
const DELAY: Duration = Duration::from_secs(1);

/// Runs `work`; if it is still running after a second, prints `what` and then a dot every
/// half second on stderr until it ends.
pub fn with_progress<T>(what: &str, work: impl FnOnce() -> T) -> T {
    let (done, wait) = mpsc::channel::<()>();
    let what = what.to_string();
    let dots = thread::spawn(move || {
        if wait.recv_timeout(DELAY) != Err(RecvTimeoutError::Timeout) {
            return;
        }
        eprint!("{what} ");
        while let Err(RecvTimeoutError::Timeout) = wait.recv_timeout(Duration::from_millis(500)) {
            eprint!(".");
        }
        eprintln!();
    });
    let out = work();
    drop(done);
    let _ = dots.join();
    out
}
