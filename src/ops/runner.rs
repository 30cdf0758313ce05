//! The per-cluster runner: every command that acts on several clusters runs its per-cluster work
//! through [`Runner`], so concurrency is bounded the same way everywhere, each target gets a
//! progress line, results come back in the order the targets were given (not the order they
//! finished), and one function maps them to the exit code.
//!
//! A failure on one target never stops the others; it becomes that target's [`TargetReport`] with
//! the error flattened to one line (the command prints it in its result table or document).

use std::{future::Future, time::Instant};

use futures::{StreamExt, stream};
use serde::Serialize;

use crate::{
    error::{Error, ExitStatus, error_chain},
    output::{Reporter, TargetBar},
};

/// How many targets run at once unless a command says otherwise: enough to hide round trips on a
/// fleet, few enough not to open hundreds of connections at once.
pub const DEFAULT_CONCURRENCY: usize = 16;

/// The outcome of one target. Serialized as `{target, result | error, seconds}`.
#[derive(Debug)]
pub struct TargetReport<T> {
    /// The target's name as the user knows it (a context, or a cluster directory).
    pub target: String,
    /// What the work produced, or why it failed.
    pub outcome: Result<T, TargetError>,
    /// Wall time of this target, in seconds.
    pub seconds: f64,
}

impl<T> TargetReport<T> {
    /// A report for a target that failed before its work started (e.g. its preflight).
    pub fn failed(target: impl Into<String>, error: TargetError) -> Self {
        TargetReport {
            target: target.into(),
            outcome: Err(error),
            seconds: 0.0,
        }
    }

    /// Whether this target failed.
    pub fn is_failed(&self) -> bool {
        self.outcome.is_err()
    }

    /// The value, when the target succeeded.
    pub fn ok(&self) -> Option<&T> {
        self.outcome.as_ref().ok()
    }

    /// The error, when the target failed.
    pub fn err(&self) -> Option<&TargetError> {
        self.outcome.as_ref().err()
    }
}

impl<T: Serialize> Serialize for TargetReport<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(3))?;
        map.serialize_entry("target", &self.target)?;
        match &self.outcome {
            Ok(v) => map.serialize_entry("result", v)?,
            Err(e) => map.serialize_entry("error", &e.message)?,
        }
        map.serialize_entry("seconds", &self.seconds)?;
        map.end()
    }
}

/// Why one target failed: the error and its causes on one line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TargetError {
    /// The flattened error chain.
    pub message: String,
}

impl TargetError {
    /// A failure with this message.
    pub fn new(message: impl Into<String>) -> Self {
        TargetError {
            message: message.into(),
        }
    }
}

impl From<&Error> for TargetError {
    fn from(e: &Error) -> Self {
        TargetError::new(error_chain(e))
    }
}

impl From<Error> for TargetError {
    fn from(e: Error) -> Self {
        TargetError::from(&e)
    }
}

impl std::fmt::Display for TargetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// The one mapping from per-target results to the exit code: any failed target fails the run.
pub fn exit_status<T>(reports: &[TargetReport<T>]) -> ExitStatus {
    if reports.iter().any(|r| r.outcome.is_err()) {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    }
}

/// The progress line of one target, handed to its work so it can say which step it is at.
#[derive(Clone)]
pub struct Step {
    bar: TargetBar,
}

impl Step {
    /// Shows the current step next to the target's name (only drawn on a terminal).
    pub fn set(&self, msg: impl Into<String>) {
        self.bar.set(msg.into());
    }
}

/// Runs per-target work with bounded concurrency and one progress line per target.
///
/// The one rule for per-target lines: a finished target leaves exactly one line — its bar's last
/// state on a terminal, else a `✔ target: summary` / `✗ target: error` status line as it finishes —
/// unless the caller reports the results itself ([`Runner::reported_by_caller`]: a table, a
/// preflight verdict), in which case the bars vanish and only failures keep their `✗` line on
/// stderr. Operations never print their own per-target lines.
pub struct Runner<'r> {
    reporter: &'r dyn Reporter,
    concurrency: usize,
    reported_by_caller: bool,
}

impl<'r> Runner<'r> {
    /// A runner reporting through `reporter`, running at most `concurrency` targets at once.
    pub fn new(reporter: &'r dyn Reporter, concurrency: usize) -> Self {
        Runner {
            reporter,
            concurrency: concurrency.max(1),
            reported_by_caller: false,
        }
    }

    /// The caller prints the results (a table, a verdict): bars are cleared when their target
    /// finishes and no success line is printed, so nothing is said twice; a failure still gets its
    /// `✗` line on stderr without a terminal.
    pub fn reported_by_caller(mut self) -> Self {
        self.reported_by_caller = true;
        self
    }

    /// Runs `work` for every `(name, item)` on the current task. `summary` is the line a finished
    /// target's progress bar keeps. Use this when the work borrows from the caller; use
    /// [`Runner::spawn`] when each target has CPU-heavy client work that should use every core.
    pub async fn run<I, T, F, Fut, S>(
        &self,
        items: Vec<(String, I)>,
        work: F,
        summary: S,
    ) -> Vec<TargetReport<T>>
    where
        F: Fn(I, Step) -> Fut,
        Fut: Future<Output = Result<T, Error>>,
        S: Fn(&T) -> String,
    {
        let progress = self.reporter.progress();
        // One line per finished target, always: the bar's last state on a terminal, else a status
        // line as it finishes. Operations never print their own per-target lines.
        // Without bars: a line per finished target; a failure always gets its `✗` line on stderr
        // (scripts read errors there), a success only when no table repeats it.
        let lines = !progress.enabled();
        let success_lines = lines && !self.reported_by_caller;
        let clear = self.reported_by_caller;
        let reporter = self.reporter;
        let started: Vec<(usize, String, I, Step)> = items
            .into_iter()
            .enumerate()
            .map(|(i, (name, item))| {
                let step = Step {
                    bar: progress.target(&name),
                };
                (i, name, item, step)
            })
            .collect();
        let work = &work;
        let summary = &summary;
        let mut done: Vec<(usize, TargetReport<T>)> = stream::iter(started)
            .map(|(i, name, item, step)| async move {
                let begin = Instant::now();
                let outcome = work(item, step.clone()).await.map_err(TargetError::from);
                if clear {
                    step.bar.clear();
                } else {
                    finish(&step, &outcome, summary);
                }
                match &outcome {
                    Ok(v) if success_lines => reporter.success(&format!("{name}: {}", summary(v))),
                    Err(e) if lines => reporter.failure(&format!("{name}: {e}")),
                    _ => {}
                }
                (
                    i,
                    TargetReport {
                        target: name,
                        outcome,
                        seconds: begin.elapsed().as_secs_f64(),
                    },
                )
            })
            .buffer_unordered(self.concurrency)
            .collect()
            .await;
        done.sort_by_key(|(i, _)| *i);
        done.into_iter().map(|(_, r)| r).collect()
    }

    /// Like [`Runner::run`], but each target runs on its own tokio task, so the client-side work
    /// of several clusters (TLS, decoding large lists) uses every core. A task that panics becomes
    /// that target's failure, reported as an internal error.
    pub async fn spawn<I, T, F, Fut, S>(
        &self,
        items: Vec<(String, I)>,
        work: F,
        summary: S,
    ) -> Vec<TargetReport<T>>
    where
        I: Send + 'static,
        T: Send + 'static,
        F: Fn(I, Step) -> Fut,
        Fut: Future<Output = Result<T, Error>> + Send + 'static,
        S: Fn(&T) -> String,
    {
        let spawned = items
            .into_iter()
            .map(|(name, item)| {
                let work = &work;
                (name, move |step: Step| tokio::spawn(work(item, step)))
            })
            .collect::<Vec<_>>();
        self.run(
            spawned,
            |start, step| async move {
                match start(step).await {
                    Ok(result) => result,
                    Err(join) => Err(Error::Internal(format!("a cluster task failed: {join}"))),
                }
            },
            summary,
        )
        .await
    }
}

fn finish<T>(step: &Step, outcome: &Result<T, TargetError>, summary: &dyn Fn(&T) -> String) {
    match outcome {
        Ok(v) => step.bar.finish(summary(v)),
        Err(e) => step.bar.fail(e.message.clone()),
    }
}

#[cfg(test)]
mod tests {
    use std::{
        sync::atomic::{AtomicUsize, Ordering},
        time::Duration,
    };

    use super::*;
    use crate::output::Recorder;

    #[tokio::test]
    async fn keeps_order_bounds_concurrency_and_isolates_failures() {
        let recorder = Recorder::new();
        let running = AtomicUsize::new(0);
        let peak = AtomicUsize::new(0);
        let items: Vec<(String, u64)> = (0..6).map(|i| (format!("c{i}"), i)).collect();
        let reports = Runner::new(&recorder, 2)
            .run(
                items,
                |i, step| {
                    let (running, peak) = (&running, &peak);
                    async move {
                        step.set("working");
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        peak.fetch_max(now, Ordering::SeqCst);
                        // Later targets finish first, so order must be restored.
                        tokio::time::sleep(Duration::from_millis(30 - 5 * i)).await;
                        running.fetch_sub(1, Ordering::SeqCst);
                        if i == 3 {
                            Err(Error::Usage("boom".into()))
                        } else {
                            Ok(i * 10)
                        }
                    }
                },
                |v| format!("{v}"),
            )
            .await;
        let names: Vec<&str> = reports.iter().map(|r| r.target.as_str()).collect();
        assert_eq!(names, ["c0", "c1", "c2", "c3", "c4", "c5"]);
        assert!(peak.load(Ordering::SeqCst) <= 2);
        assert_eq!(reports[3].err().map(|e| e.message.as_str()), Some("boom"));
        assert_eq!(reports[5].ok(), Some(&50));
        assert_eq!(exit_status(&reports), ExitStatus::Failure);
        assert_eq!(exit_status(&reports[..3]), ExitStatus::Success);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn spawned_panics_become_internal_failures() {
        let recorder = Recorder::new();
        let reports = Runner::new(&recorder, 4)
            .spawn(
                vec![("a".to_string(), 1u32), ("b".to_string(), 2)],
                |i, _| async move {
                    if i == 2 {
                        panic!("bug");
                    }
                    Ok(i)
                },
                |v| v.to_string(),
            )
            .await;
        assert_eq!(reports[0].ok(), Some(&1));
        let err = reports[1].err().expect("failed").message.clone();
        assert!(err.starts_with("internal error: a cluster task failed"), "{err}");
    }

    #[test]
    fn reports_serialize_with_result_or_error() {
        let ok = TargetReport {
            target: "staging".into(),
            outcome: Ok(5),
            seconds: 1.5,
        };
        let failed: TargetReport<i32> = TargetReport::failed("prod", TargetError::new("unreachable"));
        assert_eq!(
            serde_json::to_value(&ok).expect("json"),
            serde_json::json!({"target": "staging", "result": 5, "seconds": 1.5})
        );
        assert_eq!(
            serde_json::to_value(&failed).expect("json"),
            serde_json::json!({"target": "prod", "error": "unreachable", "seconds": 0.0})
        );
    }

    #[tokio::test]
    async fn each_finished_target_leaves_one_line_unless_the_caller_reports() {
        let work = |i: u64, _step: Step| async move {
            if i == 1 {
                Err(Error::Internal("boom".into()))
            } else {
                Ok(i)
            }
        };
        let items = || vec![("staging".to_string(), 0u64), ("prod".to_string(), 1u64)];
        let recorder = Recorder::new();
        Runner::new(&recorder, 2)
            .run(items(), work, |_| "applied".to_string())
            .await;
        let text = recorder.text();
        assert_eq!(text.matches("staging: applied").count(), 1, "{text}");
        assert_eq!(text.matches("prod: ").count(), 1, "{text}");

        let recorder = Recorder::new();
        Runner::new(&recorder, 2)
            .reported_by_caller()
            .run(items(), work, |_| "applied".to_string())
            .await;
        let text = recorder.text();
        assert!(
            !text.contains("staging"),
            "the caller's table says it once: {text}"
        );
        assert_eq!(
            text.matches("prod: ").count(),
            1,
            "failures keep their line: {text}"
        );
    }
}
