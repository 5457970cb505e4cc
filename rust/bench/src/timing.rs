//! How long each operation runs, and the measurement loops.
//!
//! Nothing here asserts on time: the numbers are reported, never judged.

use std::time::{Duration, Instant};

/// How much of each operation to run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Budget {
    /// Exactly this many timed iterations.
    Iterations(u64),
    /// Repeat until this much time was measured (at least one iteration).
    Seconds(f64),
}

impl Budget {
    /// Text form, as the command line takes it (`iterations=N` or `seconds=S`).
    pub fn describe(&self) -> String {
        match self {
            Budget::Iterations(n) => format!("iterations={n}"),
            Budget::Seconds(s) => format!("seconds={s}"),
        }
    }
}

/// One operation's measurement.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// Timed iterations.
    pub iterations: u64,
    /// Measured time in seconds.
    pub seconds: f64,
}

impl Sample {
    /// Operations per second (0 when nothing was measured).
    pub fn ops_per_sec(&self) -> f64 {
        if self.seconds > 0.0 {
            self.iterations as f64 / self.seconds
        } else {
            0.0
        }
    }
}

/// Runs `op` (which checks its own result) under `budget`, timing whole batches: for fast
/// operations, where reading the clock per call would weigh. Batches double in size until
/// one takes a fiftieth of the time budget.
pub fn batched<E>(budget: Budget, mut op: impl FnMut() -> Result<(), E>) -> Result<Sample, E> {
    match budget {
        Budget::Iterations(n) => {
            let start = Instant::now();
            for _ in 0..n {
                op()?;
            }
            Ok(Sample {
                iterations: n,
                seconds: start.elapsed().as_secs_f64(),
            })
        }
        Budget::Seconds(target) => {
            let target = Duration::from_secs_f64(target.max(0.0));
            let mut total = Duration::ZERO;
            let mut iterations = 0u64;
            let mut batch = 1u64;
            loop {
                let start = Instant::now();
                for _ in 0..batch {
                    op()?;
                }
                let took = start.elapsed();
                total += took;
                iterations += batch;
                if total >= target {
                    break;
                }
                if took * 50 < target {
                    batch *= 2;
                }
            }
            Ok(Sample {
                iterations,
                seconds: total.as_secs_f64(),
            })
        }
    }
}

/// Runs `op` under `budget`, summing only the time `op` reports for each iteration: for
/// slow operations that need untimed work around them (checking a generated key,
/// destroying it). With a time budget it also stops after three times the budget of wall
/// time, so that slow untimed work cannot stretch a run without bound.
pub fn per_iteration<E>(
    budget: Budget,
    mut op: impl FnMut() -> Result<Duration, E>,
) -> Result<Sample, E> {
    let wall = Instant::now();
    let mut total = Duration::ZERO;
    let mut iterations = 0u64;
    loop {
        match budget {
            Budget::Iterations(n) if iterations >= n => break,
            Budget::Seconds(s)
                if iterations > 0
                    && (total.as_secs_f64() >= s || wall.elapsed().as_secs_f64() >= 3.0 * s) =>
            {
                break
            }
            _ => {}
        }
        total += op()?;
        iterations += 1;
    }
    Ok(Sample {
        iterations,
        seconds: total.as_secs_f64(),
    })
}

/// Times `f`, returning its value and how long it took.
pub fn timed<T, E>(f: impl FnOnce() -> Result<T, E>) -> Result<(T, Duration), E> {
    let start = Instant::now();
    let value = f()?;
    Ok((value, start.elapsed()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iterations_are_exact() {
        let mut calls = 0;
        let s = batched(Budget::Iterations(7), || {
            calls += 1;
            Ok::<_, ()>(())
        })
        .unwrap();
        assert_eq!((s.iterations, calls), (7, 7));

        let mut calls = 0;
        let s = per_iteration(Budget::Iterations(3), || {
            calls += 1;
            Ok::<_, ()>(Duration::from_millis(1))
        })
        .unwrap();
        assert_eq!((s.iterations, calls), (3, 3));
        assert!((s.seconds - 0.003).abs() < 1e-9);
        assert!((s.ops_per_sec() - 1000.0).abs() < 1e-6);
    }

    #[test]
    fn a_time_budget_runs_at_least_once_and_stops() {
        let s = batched(Budget::Seconds(0.0), || Ok::<_, ()>(())).unwrap();
        assert!(s.iterations >= 1);
        let s = per_iteration(Budget::Seconds(0.01), || {
            Ok::<_, ()>(Duration::from_millis(4))
        })
        .unwrap();
        assert_eq!(s.iterations, 3);
    }

    #[test]
    fn errors_stop_the_run() {
        let mut calls = 0;
        let r = batched(Budget::Iterations(10), || {
            calls += 1;
            if calls == 4 {
                Err("wrong result")
            } else {
                Ok(())
            }
        });
        assert_eq!(r, Err("wrong result"));
        assert_eq!(calls, 4);
    }
}
