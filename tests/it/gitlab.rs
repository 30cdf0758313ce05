//! `token rotate --self` killed after every step of its start, on the three real apiservers with
//! an in-memory keyring and the loopback GitLab (tests/support/gitlab.rs): once GitLab's new token
//! is in the keyring, `--resume` finishes the rotation with it; before, `--resume` says the new
//! token is lost instead of spreading the revoked one; `--rollback` is refused; and the old token
//! is never sent to GitLab after the rotation, so reuse detection never fires.

#[path = "../support/gitlab.rs"]
mod gitlab_api;

use std::time::Duration;

use fleet::{
    credentials::{Provider, gitlab_rotate::RotateEndpoint, rotation::previous_entry},
    error::ExitStatus,
    ops::token::{Checkpoint, RotateMode, SelfRotate},
    output::Recorder,
};
use futures::FutureExt;
use gitlab_api::{FakeGitlab, Owner};

use crate::{
    common::{env, unique},
    token::{Pair, Rig, assert_clusters_hold, small_fixture, support::CrashReporter},
};

/// Whether a reported line (of the credential named first) is where the run is killed.
type LineMatch = fn(&str, &str) -> bool;

fn self_rotate() -> RotateMode<'static> {
    RotateMode::SelfRotate(SelfRotate {
        endpoint: RotateEndpoint::SelfRotate,
        expires_in: Some(Duration::from_secs(30 * 86_400)),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_self_rotation_killed_after_any_step_is_resumed_with_the_new_token_or_reported_lost() {
    let mut targets = Vec::new();
    for context in &env().contexts {
        targets.push(env().target(context).await);
    }
    let namespaces = Pair::new(&targets, "gl-crash").await;
    let points: [(&str, bool, LineMatch); 6] = [
        ("after the state was saved", false, |n, l| {
            l == Checkpoint::StateSaved.line(n)
        }),
        ("after the old token was kept", false, |n, l| {
            l == Checkpoint::PreviousKept.line(n)
        }),
        ("after the new token was stored", true, |n, l| {
            l == Checkpoint::NewStored.line(n)
        }),
        ("after the index was updated", true, |n, l| {
            l == Checkpoint::MetaUpdated.line(n)
        }),
        ("after the state recorded the revocation", true, |n, l| {
            l == Checkpoint::PreviousRevoked.line(n)
        }),
        ("after the first cluster was done", true, |n, l| {
            l.starts_with(&format!("rotation of '{n}': cluster "))
        }),
    ];
    for (what, new_stored, line) in points {
        let gitlab = FakeGitlab::start();
        let old = format!("glpat-{}", unique("cold").replace('-', ""));
        let new = format!("glpat-{}", unique("cnew").replace('-', ""));
        gitlab.add(&old, "fleet-bot", &["api"], 5, Owner::User);
        gitlab.issue_next(&new);
        let rig = Rig::new("glcrash", &old, &env().contexts).trusting(&namespaces.flux);
        rig.metas
            .update(|i| {
                let m = i.credentials.get_mut(&rig.name).expect("stored");
                m.provider = Provider::Gitlab;
                m.api_url = gitlab.api();
                Ok(())
            })
            .expect("index");
        small_fixture(&targets, &namespaces, &rig.name, &old).await;
        let why = format!("killed {what}");

        let name = rig.name.clone();
        let crash = CrashReporter::at(move |l| line(&name, l));
        let killed =
            std::panic::AssertUnwindSafe(rig.run(self_rotate(), false, Duration::from_secs(5), &crash))
                .catch_unwind()
                .await;
        assert!(
            killed.is_err() && crash.crashed(),
            "{why}: the crash point was reached"
        );
        assert!(
            rig.rotations.load(&rig.name).expect("state").is_some(),
            "{why}: state left"
        );

        let rec = Recorder::new();
        let err = rig
            .run(RotateMode::Rollback, false, Duration::from_secs(5), &rec)
            .await
            .expect_err("a self-rotation is never rolled back");
        assert!(
            err.to_string().contains("nothing to roll back to"),
            "{why}: {err}"
        );
        assert_eq!(err.exit_status(), ExitStatus::Usage);
        let resumed = rig
            .run(RotateMode::Resume, false, Duration::from_secs(5), &rec)
            .await;
        if new_stored {
            let resumed = resumed.unwrap_or_else(|e| panic!("{why}: {e}\n{}", rec.text()));
            assert_eq!(
                resumed.exit_status(),
                ExitStatus::Success,
                "{why}: {}",
                rec.text()
            );
            assert_eq!(rig.store.value(&rig.name).as_deref(), Some(new.as_str()), "{why}");
            assert_clusters_hold(&targets, &namespaces, &rig.name, &new, &why).await;
        } else {
            let err = resumed.expect_err("the new token is not in the keyring");
            assert!(
                err.to_string()
                    .contains("interrupted before GitLab's new token was stored"),
                "{why}: {err}"
            );
            assert_eq!(err.exit_status(), ExitStatus::Failure);
            assert_eq!(rig.store.value(&rig.name).as_deref(), Some(old.as_str()), "{why}");
            assert_clusters_hold(&targets, &namespaces, &rig.name, &old, &why).await;
        }
        assert_eq!(rig.store.value(&previous_entry(&rig.name)), None, "{why}");
        assert!(rig.rotations.load(&rig.name).expect("state").is_none(), "{why}");
        let requests = gitlab.requests();
        let rotated = requests.iter().position(|(l, _)| l.contains("/rotate"));
        let last_old = requests.iter().rposition(|(_, t)| *t == old);
        assert_eq!(
            last_old, rotated,
            "{why}: the old token was sent only to rotate: {requests:?}"
        );
        assert_eq!(gitlab.reuse_detections(), 0, "{why}");
        let text = rec.text() + &crash.recorder.text();
        assert!(!text.contains(&old) && !text.contains(&new), "{why}: {text}");
    }
}
