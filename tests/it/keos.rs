//! The keos golden fleet (`tests/fixtures/keos/`): the command lines of `commands.txt`, run
//! through the real binaries in an empty fleet repository, must write the files of `expected/`
//! (compared as parsed YAML), and no others where the real repository holds exactly that set.
//!
//! The lines run in groups, one per command family, in the order of [`GROUPS`]. Each group names
//! the `commands.txt` lines it runs, the expected files it must produce, and the directories in
//! which nothing else may appear. A command family joins by adding its row.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use fleet::manifests::yaml;
use serde_json::Value;

use crate::common::Cmd;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/keos")
}

/// The fleet config the fixtures were written for.
const FLEET_CONFIG: &str = "profile: keos\nuseCase: talk-to-your-data\n";

/// One family of `commands.txt` lines.
struct Group {
    /// `kubectl fleet <prefix> …` lines belong to it.
    prefix: &'static str,
    /// Expected files (paths under `expected/`) it writes, by prefix.
    writes: &'static [&'static str],
    /// Directories where the real repository holds exactly the expected files (fixtures README).
    exact: &'static [&'static str],
}

/// The groups, in the order they run.
const GROUPS: &[Group] = &[
    Group {
        prefix: "bootstrap init",
        writes: &["clusters/"],
        exact: &[
            "clusters/eosdev2/default/",
            "clusters/eosdev2/override/",
            "clusters/eosdev2/secrets/",
        ],
    },
    Group {
        prefix: "tenant ",
        writes: &["domain/"],
        exact: &[
            "domain/system-services/talk-to-your-data/",
            "domain/apps/talk-to-your-data/components/",
        ],
    },
];

/// `commands.txt` without comments and blank lines, each split into words after `kubectl fleet`.
fn command_lines() -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(fixtures().join("commands.txt")).expect("commands.txt");
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let rest = l
                .strip_prefix("kubectl fleet ")
                .unwrap_or_else(|| panic!("not a kubectl fleet line: {l}"));
            rest.split(' ').map(str::to_string).collect()
        })
        .collect()
}

/// The value of `--flag VALUE` on a command line.
fn flag<'a>(line: &'a [String], name: &str) -> Option<&'a str> {
    line.iter()
        .position(|w| w == name)
        .and_then(|i| line.get(i + 1))
        .map(String::as_str)
}

/// Every file under `root/sub`, relative to `root`.
fn files_under(root: &Path, sub: &str) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.push(p.strip_prefix(root).expect("under root").display().to_string());
            }
        }
    }
    let mut out = Vec::new();
    walk(root, &root.join(sub), &mut out);
    out.sort();
    out
}

fn parsed(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    yaml::from_multi_doc(&text, &path.display().to_string())
        .unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()))
}

/// Runs one `commands.txt` line (`tenant create …` → `kubectl-fleet-tenant create …`).
fn run_line(repo: &Path, line: &[String]) {
    let (command, args) = line.split_first().expect("a command");
    let run = Cmd::fleet(&format!("kubectl-fleet-{command}"))
        .args(args)
        .current_dir(repo)
        .run();
    assert_eq!(
        run.code,
        0,
        "kubectl fleet {} failed\nstdout:\n{}\nstderr:\n{}",
        line.join(" "),
        run.stdout,
        run.stderr
    );
}

/// The tenant lines assume the use case's domain directories exist (`bootstrap init` writes them
/// from `--system-services-git-url` and `--apps-git-url`). Where no earlier group wrote them, the
/// first tenant command of each domain scaffolds them itself (`--git-url`, the same URL).
fn scaffold_flags(repo: &Path, line: &[String], bootstrap: &[String]) -> Vec<String> {
    let missing = |dir: &str| !repo.join(dir).is_dir();
    let url = |name: &str| {
        flag(bootstrap, name)
            .unwrap_or_else(|| panic!("the bootstrap init line of commands.txt has no {name}"))
            .to_string()
    };
    let words: Vec<&str> = line.iter().map(String::as_str).collect();
    match words.as_slice() {
        ["tenant", "component", "add", ..]
            if missing("domain/system-services/talk-to-your-data/components") =>
        {
            vec!["--git-url".into(), url("--system-services-git-url")]
        }
        ["tenant", "create", ..] if missing("domain/apps/talk-to-your-data/prerequisites") => {
            vec!["--git-url".into(), url("--apps-git-url")]
        }
        _ => Vec::new(),
    }
}

#[test]
fn golden_keos_fleet_from_the_tenant_commands() {
    let dir = tempfile::tempdir().expect("temp dir");
    let repo = dir.path();
    std::fs::write(repo.join("kubectl-fleet.yaml"), FLEET_CONFIG).expect("fleet config");
    let lines = command_lines();
    let bootstrap = lines
        .iter()
        .find(|l| l.starts_with(&["bootstrap".to_string(), "init".to_string()]))
        .expect("commands.txt has a bootstrap init line")
        .clone();

    let expected_root = fixtures().join("expected");
    let expected = files_under(&expected_root, "");
    let mut compared = 0;
    for group in GROUPS {
        let mut ran = 0;
        for line in lines.iter().filter(|l| l.join(" ").starts_with(group.prefix)) {
            let mut line = line.clone();
            line.extend(scaffold_flags(repo, &line, &bootstrap));
            run_line(repo, &line);
            ran += 1;
        }
        assert!(ran > 0, "no commands.txt line starts with '{}'", group.prefix);

        let mine: Vec<&String> = expected
            .iter()
            .filter(|f| group.writes.iter().any(|w| f.starts_with(w)))
            .collect();
        assert!(!mine.is_empty(), "no expected file under {:?}", group.writes);
        let mut diffs = BTreeMap::new();
        for file in &mine {
            let got = repo.join(file);
            if !got.is_file() {
                diffs.insert(file.to_string(), "not written".to_string());
                continue;
            }
            let (want, have) = (parsed(&expected_root.join(file)), parsed(&got));
            if want != have {
                diffs.insert(
                    file.to_string(),
                    format!(
                        "expected:\n{}\ngot:\n{}",
                        yaml::to_multi_doc(&want, file).expect("yaml"),
                        yaml::to_multi_doc(&have, file).expect("yaml")
                    ),
                );
            }
            compared += 1;
        }
        for exact in group.exact {
            for written in files_under(repo, exact) {
                if !expected.contains(&written) {
                    diffs.insert(written, "written, but not in expected/".to_string());
                }
            }
        }
        assert!(
            diffs.is_empty(),
            "group '{}' differs from tests/fixtures/keos/expected:\n{}",
            group.prefix,
            diffs
                .iter()
                .map(|(f, d)| format!("--- {f}: {d}"))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
    assert!(compared > 0);
}
