//! `tree --watch` on a real terminal (a tmux pane): the tree is redrawn in place, not appended,
//! and Ctrl-C gives the shell its screen back with status 0.

use serde_json::json;

use crate::{
    common::{apply, bin, env, ready_status, set_status, unique},
    term::{Pane, Shell},
};

#[tokio::test]
async fn tree_watch_redraws_in_place_and_ctrl_c_restores_the_terminal() {
    let e = env();
    // Not the first cluster, whose namespaces the completion tests list (zsh asks before listing
    // more than 100).
    let context = &e.contexts[2];
    let target = e.target(context).await;
    let ns = unique("lwtty");
    apply(
        &target,
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns, "labels": {"fleet-test": "true"}}}),
    )
    .await;
    let mut status = ready_status(true, "ReconciliationSucceeded", "Applied", 1);
    status["inventory"] = json!({"entries": []});
    let ks = json!({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
        "metadata": {"name": "root", "namespace": ns},
        "spec": {"interval": "1m", "prune": true, "sourceRef": {"kind": "GitRepository", "name": "x"}},
        "status": status});
    apply(&target, ks.clone()).await;

    let pane = Pane::start(Shell::Bash, &[("PATH", "/usr/bin:/bin".to_string())]);
    let root_line = format!("Kustomization/{ns}/root");
    pane.run_line(&format!(
        "'{}' --kubeconfig '{}' --context {} ks/root -n {ns} --watch --color never",
        bin("kubectl-fleet-tree").display(),
        e.kubeconfig.display(),
        context
    ));
    let screen = pane.wait_screen("the live tree", |s| {
        s.lines()
            .any(|l| l.starts_with(&root_line) && l.contains("Ready"))
    });
    assert!(
        screen.lines().next().is_some_and(|l| l.contains("--watch")),
        "the header is the first line of a screen of its own:\n{screen}"
    );

    set_status(&target, &ks, ready_status(false, "BuildFailed", "tty-boom", 1)).await;
    let screen = pane.wait_screen("the change", |s| s.contains("tty-boom"));
    let roots = screen.lines().filter(|l| l.starts_with(&root_line)).count();
    assert_eq!(roots, 1, "redrawn in place, not appended:\n{screen}");

    pane.interrupt();
    pane.run_line("echo \"exit=$?\"");
    let screen = pane.wait_screen("the shell back", |s| s.contains("exit=0"));
    assert!(
        !screen.contains(&root_line),
        "the shell's screen is back, without the tree:\n{screen}"
    );
}
