//! The token operations on an in-memory keyring and a temporary index, without clusters (the
//! rotation across real clusters, crash points included, is in `tests/it/token.rs`).

use std::sync::{
    Arc,
    atomic::{AtomicBool, Ordering},
};

use futures::FutureExt;

use super::*;
use crate::{
    credentials::{
        MemoryStore,
        meta::CheckResult,
        rotation::{ClusterState, RotationState},
    },
    kube::ClusterSelection,
    output::{Level, Recorder},
};

struct World {
    _dir: tempfile::TempDir,
    secrets: MemoryStore,
    metas: MetaStore,
    rotations: RotationStore,
}

impl World {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let metas = MetaStore::at(dir.path().join("kubectl-fleet"));
        let rotations = RotationStore::new(&metas);
        World {
            _dir: dir,
            secrets: MemoryStore::default(),
            metas,
            rotations,
        }
    }

    fn stores(&self) -> Stores<'_> {
        Stores {
            secrets: &self.secrets,
            metas: &self.metas,
            rotations: &self.rotations,
        }
    }

    fn token(&self, name: &str) -> Option<String> {
        self.secrets
            .get(name)
            .expect("read")
            .map(|t| t.expose().to_string())
    }
}

/// A reader that hands out `value` and remembers that it was asked.
fn reader(value: &str, asked: &Arc<AtomicBool>) -> TokenReader<'static> {
    let value = value.to_string();
    let asked = asked.clone();
    Box::new(move || {
        async move {
            asked.store(true, Ordering::SeqCst);
            Ok(Token::new(value)?)
        }
        .boxed()
    })
}

fn set_request(name: &str) -> SetRequest {
    SetRequest {
        name: name.into(),
        provider: None,
        api_url: None,
        username: None,
        force: false,
        check: false,
    }
}

#[tokio::test]
async fn set_stores_the_token_with_its_metadata_and_replaces_it_only_with_force() {
    let w = World::new();
    let rec = Recorder::new();
    let asked = Arc::new(AtomicBool::new(false));
    let stored = set(
        set_request("gl-bot"),
        w.stores(),
        reader("glpat-first", &asked),
        &rec,
    )
    .await
    .expect("stored");
    assert!(!stored.replaced);
    assert_eq!(w.token("gl-bot").as_deref(), Some("glpat-first"));
    let meta = w.metas.get("gl-bot").expect("index").expect("listed");
    assert_eq!(meta.provider, Provider::Gitlab, "guessed from the prefix");
    assert_eq!(meta.api_url, "https://gitlab.com/api/v4");
    assert_eq!(meta.username, DEFAULT_USERNAME);

    let asked = Arc::new(AtomicBool::new(false));
    let err = set(
        set_request("gl-bot"),
        w.stores(),
        reader("glpat-second", &asked),
        &rec,
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("already exists: pass --force"), "{err}");
    assert!(
        !asked.load(Ordering::SeqCst),
        "no token is asked for a refused set"
    );

    let req = SetRequest {
        force: true,
        username: Some("x-access-token".into()),
        ..set_request("gl-bot")
    };
    let replaced = set(req, w.stores(), reader("glpat-second", &asked), &rec)
        .await
        .expect("replaced");
    assert!(replaced.replaced);
    assert_eq!(replaced.meta.created, meta.created, "creation time kept");
    assert_eq!(replaced.meta.username, "x-access-token");
    assert_eq!(w.token("gl-bot").as_deref(), Some("glpat-second"));
    let text = rec.text();
    assert!(text.contains("Success stored credential 'gl-bot'"), "{text}");
    assert!(text.contains("Success replaced credential 'gl-bot'"), "{text}");
    assert!(text.contains("clusters still hold the previous token"), "{text}");
    assert!(!text.contains("glpat-"), "{text}");
}

#[tokio::test]
async fn set_checks_its_input_and_the_keyring_before_asking_for_a_token() {
    struct Unavailable;
    impl SecretStore for Unavailable {
        fn get(&self, _: &str) -> Result<Option<Token>, CredentialError> {
            Err(self.ready().unwrap_err())
        }
        fn set(&self, _: &str, _: &Token) -> Result<(), CredentialError> {
            Err(self.ready().unwrap_err())
        }
        fn delete(&self, _: &str) -> Result<bool, CredentialError> {
            Err(self.ready().unwrap_err())
        }
        fn ready(&self) -> Result<(), CredentialError> {
            Err(CredentialError::KeyringUnavailable {
                reason: "no Secret Service".into(),
            })
        }
    }
    let w = World::new();
    let rec = Recorder::new();
    let asked = Arc::new(AtomicBool::new(false));
    let bad = [
        SetRequest {
            name: "Fleet Bot".into(),
            ..set_request("x")
        },
        SetRequest {
            api_url: Some("http://ghe.example.com/api/v3".into()),
            ..set_request("bot")
        },
        SetRequest {
            username: Some(" ".into()),
            ..set_request("bot")
        },
    ];
    for req in bad {
        let err = set(req, w.stores(), reader("ghp_x", &asked), &rec)
            .await
            .unwrap_err();
        assert_eq!(err.exit_status(), ExitStatus::Usage, "{err}");
    }
    let stores = Stores {
        secrets: &Unavailable,
        ..w.stores()
    };
    let err = set(set_request("bot"), stores, reader("ghp_x", &asked), &rec)
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with("no OS keyring is available"), "{err}");
    assert!(!asked.load(Ordering::SeqCst));
    assert!(w.metas.load().expect("index").credentials.is_empty());
}

#[tokio::test]
async fn a_token_the_index_cannot_list_is_removed_again() {
    let w = World::new();
    // A directory where the index's temporary file goes makes the index write fail (even as root).
    std::fs::create_dir_all(
        w.metas
            .index_path()
            .with_extension(format!("tmp.{}", std::process::id())),
    )
    .expect("blocker");
    let asked = Arc::new(AtomicBool::new(false));
    let err = set(
        set_request("bot"),
        w.stores(),
        reader("ghp_x", &asked),
        &Recorder::new(),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("failed to write"), "{err}");
    assert_eq!(w.token("bot"), None);
}

fn meta(username: &str) -> CredentialMeta {
    CredentialMeta::new(
        Provider::Github,
        "https://api.github.com",
        username,
        "2026-01-01T00:00:00Z".parse().expect("ts"),
    )
}

fn store_credential(w: &World, name: &str, token: &str, m: CredentialMeta) {
    w.secrets
        .set(name, &Token::new(token).expect("valid"))
        .expect("set");
    w.metas
        .update(|i| {
            i.credentials.insert(name.into(), m);
            Ok(())
        })
        .expect("index");
}

#[test]
fn list_shows_presence_and_unfinished_rotations_and_survives_a_missing_keyring() {
    let w = World::new();
    store_credential(&w, "a-bot", "ghp_a", meta("git"));
    store_credential(&w, "b-bot", "ghp_b", meta("git"));
    w.secrets.delete("b-bot").expect("delete");
    let mut state = RotationState::new("a-bot", meta("git"), &[("staging".into(), "https://s".into())]);
    state.mark("staging", ClusterState::Failed, Some("unreachable".into()));
    w.rotations.save(&state).expect("state");
    let now = "2026-02-01T00:00:00Z".parse().expect("ts");
    let rec = Recorder::new();
    let listed = list(ListRequest { warn_days: 14, now }, w.stores(), &rec).expect("listed");
    let summary: Vec<(&str, Option<bool>, CredentialStatus)> = listed
        .views
        .iter()
        .map(|v| (v.name.as_str(), v.in_keyring, v.status))
        .collect();
    assert_eq!(
        summary,
        [
            ("a-bot", Some(true), CredentialStatus::Rotating),
            ("b-bot", Some(false), CredentialStatus::Missing)
        ]
    );
    assert!(rec.lines().is_empty(), "{}", rec.text());

    struct Closed;
    impl SecretStore for Closed {
        fn get(&self, _: &str) -> Result<Option<Token>, CredentialError> {
            Err(CredentialError::KeyringUnavailable {
                reason: "locked".into(),
            })
        }
        fn set(&self, _: &str, _: &Token) -> Result<(), CredentialError> {
            unreachable!("list never writes")
        }
        fn delete(&self, _: &str) -> Result<bool, CredentialError> {
            unreachable!("list never deletes")
        }
    }
    let stores = Stores {
        secrets: &Closed,
        ..w.stores()
    };
    let rec = Recorder::new();
    let listed = list(ListRequest { warn_days: 14, now }, stores, &rec).expect("listed anyway");
    assert!(listed.views.iter().all(|v| v.in_keyring.is_none()));
    let lines = rec.lines();
    assert_eq!(lines.len(), 1, "one warning, not one per credential: {lines:?}");
    assert_eq!(lines[0].0, Level::Warn);
    assert!(
        lines[0]
            .1
            .starts_with("cannot tell whether the tokens are in the keyring")
    );
}

#[tokio::test]
async fn check_refuses_unknown_names_and_fails_on_a_missing_token_without_asking_the_provider() {
    let w = World::new();
    let rec = Recorder::new();
    let req = |names: &[&str]| CheckRequest {
        names: names.iter().map(|n| n.to_string()).collect(),
        warn_days: 14,
        timeout: Duration::from_secs(1),
    };
    let err = check(req(&[]), w.stores(), &rec).await.unwrap_err();
    assert!(err.to_string().starts_with("no credentials stored"), "{err}");
    store_credential(&w, "bot", "ghp_x", meta("git"));
    let err = check(req(&["nope"]), w.stores(), &rec).await.unwrap_err();
    assert!(err.to_string().contains("no credential named 'nope'"), "{err}");
    w.secrets.delete("bot").expect("delete");
    let checked = check(req(&[]), w.stores(), &rec).await.expect("checked");
    assert_eq!(checked.views[0].status, CredentialStatus::Missing);
    assert_eq!(checked.exit_status(), ExitStatus::Failure);
    assert_eq!(
        w.metas.get("bot").expect("index").expect("listed").last_check,
        None,
        "nothing to ask the provider about"
    );
    assert!(
        rec.text().contains("Failure bot: the OS keyring has no token"),
        "{}",
        rec.text()
    );
}

#[test]
fn delete_removes_token_previous_token_metadata_and_rotation() {
    let w = World::new();
    store_credential(&w, "bot", "ghp_new", meta("git"));
    w.secrets
        .set(&previous_entry("bot"), &Token::new("ghp_old").expect("valid"))
        .expect("set");
    w.rotations
        .save(&RotationState::new(
            "bot",
            meta("git"),
            &[("a".into(), "https://a".into())],
        ))
        .expect("state");
    let rec = Recorder::new();
    let req = |force| DeleteRequest {
        name: "bot".into(),
        force,
    };
    // An unfinished rotation: refused without --force, unless the user says yes on the terminal.
    let err = delete(req(false), w.stores(), None, &rec).unwrap_err();
    assert_eq!(err.exit_status(), ExitStatus::Failure, "{err}");
    assert!(err.to_string().contains("pass --force"), "{err}");
    let no = |_: &str| Ok(false);
    let err = delete(req(false), w.stores(), Some(&no), &rec).unwrap_err();
    assert!(
        err.to_string()
            .contains("unfinished rotation (0 of 1 clusters done)"),
        "{err}"
    );
    assert_eq!(w.token("bot").as_deref(), Some("ghp_new"), "nothing deleted");
    let asked = std::sync::Mutex::new(String::new());
    let yes = |q: &str| {
        *asked.lock().expect("lock") = q.to_string();
        Ok(true)
    };
    let deleted = delete(req(false), w.stores(), Some(&yes), &rec).expect("deleted");
    assert!(
        asked
            .lock()
            .expect("lock")
            .contains("delete both its tokens anyway?")
    );
    assert!(deleted.discarded_rotation);
    assert_eq!((w.token("bot"), w.token(&previous_entry("bot"))), (None, None));
    assert_eq!(w.metas.get("bot").expect("index"), None);
    assert_eq!(w.rotations.load("bot").expect("state"), None);
    assert!(rec.text().contains("unfinished rotation of 'bot' was discarded"));
    let err = delete(req(true), w.stores(), None, &rec).unwrap_err();
    assert_eq!(err.exit_status(), ExitStatus::Usage, "{err}");
}

fn rotate_request(name: &str, mode: RotateMode<'static>) -> RotateRequest<'static> {
    RotateRequest {
        name: name.into(),
        mode,
        dry_run: false,
        check: false,
        wait: false,
        timeout: Duration::from_secs(1),
        interval: Duration::from_millis(100),
        flux_namespace: None,
    }
}

#[tokio::test]
async fn rotate_refuses_what_contradicts_the_stored_state_before_reaching_a_cluster() {
    let w = World::new();
    let rec = Recorder::new();
    let asked = Arc::new(AtomicBool::new(false));
    let fresh = || RotateMode::Fresh {
        new_token: reader("ghp_new", &asked),
    };
    // The kubeconfig does not exist: every refusal below happens before it is read.
    let access = ClusterSelection {
        kubeconfig: Some(w._dir.path().join("no-kubeconfig")),
        ..ClusterSelection::default()
    };
    let err = rotate(rotate_request("bot", fresh()), w.stores(), &access, &rec)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no credential named 'bot'"), "{err}");
    store_credential(&w, "bot", "ghp_old", meta("git"));
    let err = rotate(
        rotate_request("bot", RotateMode::Resume),
        w.stores(),
        &access,
        &rec,
    )
    .await
    .unwrap_err();
    assert!(
        err.to_string().contains("has no unfinished rotation to resume"),
        "{err}"
    );
    let selected = ClusterSelection {
        all_contexts: true,
        ..access.clone()
    };
    let err = rotate(
        rotate_request("bot", RotateMode::Rollback),
        w.stores(),
        &selected,
        &rec,
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("do not pass --context"), "{err}");
    w.rotations
        .save(&RotationState::new(
            "bot",
            meta("git"),
            &[("a".into(), "https://a".into())],
        ))
        .expect("state");
    let err = rotate(rotate_request("bot", fresh()), w.stores(), &access, &rec)
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("an unfinished rotation of credential 'bot'"),
        "{err}"
    );
    assert!(!asked.load(Ordering::SeqCst));
}

/// The end states of an interrupted rotation that need no cluster to recover: the new token was
/// never stored (discarded by `--resume` or `--rollback`), or the commit removed the previous token
/// but not the state (finished by `--resume`).
#[tokio::test]
async fn interrupted_rotations_that_need_no_cluster_are_settled_from_the_keyring() {
    let access = ClusterSelection {
        kubeconfig: Some("/nonexistent/kubeconfig".into()),
        ..ClusterSelection::default()
    };
    let old_meta = CredentialMeta {
        expires: Some("2026-06-01T00:00:00Z".parse().expect("ts")),
        ..meta("git")
    };
    let new_meta = meta("git");
    let clusters = [("a".to_string(), "https://a".to_string())];
    for (previous_kept, meta_updated, mode) in [
        (false, false, RotateMode::Resume),
        (false, false, RotateMode::Rollback),
        (true, false, RotateMode::Rollback),
        (true, true, RotateMode::Resume),
        (true, true, RotateMode::Rollback),
    ] {
        let w = World::new();
        store_credential(&w, "bot", "ghp_old", old_meta.clone());
        w.rotations
            .save(&RotationState::new("bot", old_meta.clone(), &clusters))
            .expect("state");
        if previous_kept {
            w.secrets
                .set(&previous_entry("bot"), &Token::new("ghp_old").expect("valid"))
                .expect("set");
        }
        if meta_updated {
            store_credential(&w, "bot", "ghp_old", new_meta.clone());
        }
        let resumed = matches!(mode, RotateMode::Resume);
        let rec = Recorder::new();
        let outcome = rotate(rotate_request("bot", mode), w.stores(), &access, &rec)
            .await
            .expect("settled");
        assert!(
            matches!(outcome, RotateOutcome::Discarded { resumed: r, .. } if r == resumed),
            "{outcome:?}"
        );
        let expected = if resumed {
            ExitStatus::Failure
        } else {
            ExitStatus::Success
        };
        assert_eq!(outcome.exit_status(), expected);
        assert_eq!(w.token("bot").as_deref(), Some("ghp_old"));
        assert_eq!(w.token(&previous_entry("bot")), None);
        assert_eq!(w.metas.get("bot").expect("index"), Some(old_meta.clone()));
        assert_eq!(w.rotations.load("bot").expect("state"), None);
        assert!(
            rec.text().contains("interrupted before its new token was stored"),
            "{}",
            rec.text()
        );
    }

    // The commit of a rotation removed the previous token; only the state is left.
    let w = World::new();
    store_credential(&w, "bot", "ghp_new", new_meta.clone());
    let mut state = RotationState::new("bot", old_meta.clone(), &clusters);
    state.mark("a", ClusterState::Done, None);
    w.rotations.save(&state).expect("state");
    let rec = Recorder::new();
    let err = rotate(
        rotate_request("bot", RotateMode::Rollback),
        w.stores(),
        &access,
        &rec,
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("no longer in the keyring"), "{err}");
    let outcome = rotate(
        rotate_request("bot", RotateMode::Resume),
        w.stores(),
        &access,
        &rec,
    )
    .await
    .expect("finished");
    assert_eq!(outcome.exit_status(), ExitStatus::Success);
    assert_eq!(w.rotations.load("bot").expect("state"), None);
    assert_eq!(w.token("bot").as_deref(), Some("ghp_new"));
    assert_eq!(w.metas.get("bot").expect("index"), Some(new_meta.clone()));

    // The commit of a rollback removed the previous token after putting it back under its name.
    let w = World::new();
    store_credential(&w, "bot", "ghp_old", new_meta.clone());
    let mut state = RotationState::new("bot", old_meta.clone(), &clusters);
    state.start_rollback();
    state.mark("a", ClusterState::Done, None);
    w.rotations.save(&state).expect("state");
    let outcome = rotate(
        rotate_request("bot", RotateMode::Rollback),
        w.stores(),
        &access,
        &rec,
    )
    .await
    .expect("finished");
    assert_eq!(outcome.exit_status(), ExitStatus::Success);
    assert_eq!(w.rotations.load("bot").expect("state"), None);
    let restored = w.metas.get("bot").expect("index").expect("listed");
    assert_eq!(
        restored.expires, old_meta.expires,
        "the previous metadata is back"
    );
    assert_eq!(restored.last_check.map(|c| c.result), None::<CheckResult>);
}
