//! Polling until a condition holds, with a timeout and a progress callback.
//!
//! Watches would save a few requests, but polling every second is simple, survives apiserver
//! restarts and proxies, and is what `kubectl wait` users expect from the timing.

use std::{future::Future, ops::ControlFlow, time::Duration};

/// How a wait ended.
#[derive(Debug, PartialEq, Eq)]
pub enum WaitOutcome<T> {
    /// The condition held; carries the poll's result.
    Done(T),
    /// The timeout passed; carries the last progress message.
    TimedOut(String),
}

/// Calls `poll` every `interval` until it returns `Break(value)` or `timeout` passes. Each
/// `Continue(message)` is passed to `on_progress` (e.g. to show the current condition message).
pub async fn wait_until<T, F, Fut>(
    timeout: Duration,
    interval: Duration,
    mut poll: F,
    mut on_progress: impl FnMut(&str),
) -> WaitOutcome<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ControlFlow<T, String>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    let mut last = String::from("not checked yet");
    loop {
        match tokio::time::timeout_at(deadline, poll()).await {
            Ok(ControlFlow::Break(v)) => return WaitOutcome::Done(v),
            Ok(ControlFlow::Continue(msg)) => {
                if msg != last {
                    on_progress(&msg);
                    last = msg;
                }
            }
            Err(_) => return WaitOutcome::TimedOut(last),
        }
        if tokio::time::Instant::now() + interval > deadline {
            return WaitOutcome::TimedOut(last);
        }
        tokio::time::sleep(interval).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn stops_when_the_condition_holds() {
        let mut n = 0;
        let mut seen = Vec::new();
        let out = wait_until(
            Duration::from_secs(10),
            Duration::from_secs(1),
            || {
                n += 1;
                let k = n;
                async move {
                    if k >= 3 {
                        ControlFlow::Break(k)
                    } else {
                        ControlFlow::Continue(format!("try {k}"))
                    }
                }
            },
            |m| seen.push(m.to_string()),
        )
        .await;
        assert_eq!(out, WaitOutcome::Done(3));
        assert_eq!(seen, vec!["try 1", "try 2"]);
    }

    #[tokio::test(start_paused = true)]
    async fn times_out_with_the_last_message() {
        let out: WaitOutcome<()> = wait_until(
            Duration::from_secs(3),
            Duration::from_secs(1),
            || async { ControlFlow::Continue("Reconciling".to_string()) },
            |_| {},
        )
        .await;
        assert_eq!(out, WaitOutcome::TimedOut("Reconciling".into()));
    }
}
