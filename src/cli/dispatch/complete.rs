//! The first level of kubectl's plugin completion for `kubectl fleet`, and the hand-over of deeper
//! words to the sibling binary (see the module above for why the first level is careful).

use std::{
    collections::BTreeSet,
    env,
    ffi::{OsStr, OsString},
    fmt::Write as _,
    fs,
    path::Path,
};

use super::commands::{self, Builtin, COMMANDS, COMPLETION_ACTIONS, COMPLETION_DIR_FLAG, Target};
use super::{DISPATCHER, FILTER_DIRS, HELPER_PREFIX, NO_FILE_COMP, lossy};

/// What a `kubectl_complete-fleet*` helper does.
#[derive(Debug, PartialEq, Eq)]
pub enum Completion {
    /// Print this answer (cobra's `__complete` format, ending with `:<directive>`).
    Answer(String),
    /// Run `kubectl-fleet-<binary>` with `FLEET_COMPLETE=kubectl` and these words.
    Forward {
        /// The sibling's name after `kubectl-fleet-`.
        binary: &'static str,
        /// The words to complete (the last one is being completed).
        words: Vec<OsString>,
    },
}

/// The helper kind `argv0` names: `Some(None)` for `kubectl_complete-fleet`, `Some(Some(word))`
/// for `kubectl_complete-fleet-<word>`, `None` when it is not a helper at all.
pub fn helper_mode(argv0: &Path) -> Option<Option<String>> {
    let stem = argv0.file_stem()?.to_string_lossy();
    let rest = stem.strip_prefix(HELPER_PREFIX)?;
    match rest.strip_prefix('-') {
        Some(word) => Some(Some(word.to_string())),
        None if rest.is_empty() => Some(None),
        None => None,
    }
}

/// The words kubectl lists under `kubectl fleet` by itself: one per `kubectl-fleet-<word>[-…]`
/// file on PATH (not directories; `_` shown as `-`), as kubectl's plugin completion builds them.
pub fn kubectl_plugin_words(path: Option<&OsStr>) -> BTreeSet<String> {
    let prefix = format!("{DISPATCHER}-");
    let mut words = BTreeSet::new();
    let Some(path) = path else {
        return words;
    };
    let mut seen = BTreeSet::new();
    for dir in env::split_paths(path) {
        if dir.as_os_str().is_empty() || !seen.insert(dir.clone()) {
            continue;
        }
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
                continue;
            };
            if entry.file_type().map(|t| t.is_dir()).unwrap_or(true) {
                continue;
            }
            if let Some(word) = rest.split('-').next().filter(|w| !w.is_empty()) {
                words.insert(word.replace('_', "-"));
            }
        }
    }
    words
}

fn candidates<'a>(
    out: &mut String,
    items: impl IntoIterator<Item = (impl AsRef<str>, &'a str)>,
    prefix: &str,
) {
    for (value, about) in items {
        let value = value.as_ref();
        if value.starts_with(prefix) {
            let _ = writeln!(out, "{value}\t{about}");
        }
    }
}

/// Answers kubectl's plugin completion: `implied` is `<word>` when invoked as
/// `kubectl_complete-fleet-<word>`; `words` are the words after it, the last one being completed;
/// `listed` are the words kubectl lists under `kubectl fleet` by itself ([`kubectl_plugin_words`]).
pub fn complete(implied: Option<&str>, words: &[OsString], listed: &BTreeSet<String>) -> Completion {
    let answer = |mut text: String, directive: u8| {
        let _ = writeln!(text, ":{directive}");
        Completion::Answer(text)
    };
    if let Some(word) = implied {
        // kubectl found `kubectl-fleet-<word>` on PATH: forward to that binary as it is.
        return match commands::binaries().into_iter().find(|b| *b == word) {
            Some(binary) => Completion::Forward {
                binary,
                words: words.to_vec(),
            },
            None => answer(String::new(), NO_FILE_COMP),
        };
    }
    let current = words.last().map(|w| lossy(w)).unwrap_or_default();
    let mut out = String::new();
    if words.len() <= 1 {
        if current.starts_with('-') {
            candidates(
                &mut out,
                [
                    ("--help", "Show the commands"),
                    ("--version", "Print the version"),
                ],
                &current,
            );
        } else {
            candidates(
                &mut out,
                COMMANDS
                    .iter()
                    .filter(|c| !listed.contains(c.name))
                    .map(|c| (c.name, c.about)),
                &current,
            );
        }
        return answer(out, NO_FILE_COMP);
    }
    let first = lossy(&words[0]);
    let rest = &words[1..];
    match commands::find(&first).map(|c| c.target) {
        Some(Target::Binary { binary, leading }) => Completion::Forward {
            binary,
            words: leading
                .map(OsString::from)
                .into_iter()
                .chain(rest.iter().cloned())
                .collect(),
        },
        Some(Target::Builtin(Builtin::Help)) if rest.len() == 1 && !current.starts_with('-') => {
            candidates(&mut out, COMMANDS.iter().map(|c| (c.name, c.about)), &current);
            answer(out, NO_FILE_COMP)
        }
        Some(Target::Builtin(Builtin::Completion)) => {
            let done: Vec<String> = rest[..rest.len() - 1].iter().map(|w| lossy(w)).collect();
            let dir = format!("--{}", COMPLETION_DIR_FLAG.0);
            if done.last() == Some(&dir) {
                return answer(out, FILTER_DIRS);
            }
            if current.starts_with('-') {
                let mut flags = vec![("--help".to_string(), "Show the help of completion")];
                let given = |w: &String| *w == dir || w.starts_with(&format!("{dir}="));
                if !done.iter().any(given) {
                    flags.insert(0, (dir.clone(), COMPLETION_DIR_FLAG.1));
                }
                candidates(&mut out, flags, &current);
            } else if !done
                .iter()
                .any(|w| COMPLETION_ACTIONS.iter().any(|(a, _)| a == w))
            {
                candidates(&mut out, COMPLETION_ACTIONS.iter().copied(), &current);
            }
            answer(out, NO_FILE_COMP)
        }
        _ => answer(out, NO_FILE_COMP),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &[&str]) -> Vec<OsString> {
        words.iter().map(OsString::from).collect()
    }

    fn answer(c: Completion) -> Vec<String> {
        match c {
            Completion::Answer(text) => text.lines().map(str::to_string).collect(),
            other => panic!("expected an answer, got {other:?}"),
        }
    }

    #[test]
    fn first_level_completion_leaves_out_what_kubectl_lists() {
        let none = BTreeSet::new();
        let all = answer(complete(None, &args(&[""]), &none));
        let values: Vec<&str> = all.iter().map(|l| l.split('\t').next().unwrap_or("")).collect();
        let expected: Vec<&str> = COMMANDS.iter().map(|c| c.name).chain([":4"]).collect();
        assert_eq!(values, expected);
        let listed: BTreeSet<String> = ["tree", "token"].iter().map(|s| s.to_string()).collect();
        assert_eq!(
            answer(complete(None, &args(&["t"]), &listed)),
            [
                format!(
                    "tenant\t{}",
                    commands::find("tenant").map(|c| c.about).unwrap_or_default()
                ),
                ":4".into()
            ]
        );
        assert_eq!(answer(complete(None, &args(&["tr"]), &listed)), [":4"]);
        // Flags only after a dash.
        assert_eq!(
            answer(complete(None, &args(&["--v"]), &none)),
            ["--version\tPrint the version", ":4"]
        );
    }

    #[test]
    fn deeper_words_go_to_the_sibling() {
        let none = BTreeSet::new();
        assert_eq!(
            complete(None, &args(&["tree", "--co"]), &none),
            Completion::Forward {
                binary: "tree",
                words: args(&["--co"])
            }
        );
        assert_eq!(
            complete(Some("tree"), &args(&["-n", ""]), &none),
            Completion::Forward {
                binary: "tree",
                words: args(&["-n", ""])
            }
        );
        assert_eq!(answer(complete(Some("nope"), &args(&[""]), &none)), [":4"]);
        assert_eq!(answer(complete(None, &args(&["version", ""]), &none)), [":4"]);
        let actions = answer(complete(None, &args(&["completion", ""]), &none));
        assert_eq!(actions.len(), 3, "{actions:?}");
        assert!(actions[1].starts_with("uninstall\t"), "{actions:?}");
        assert_eq!(
            answer(complete(None, &args(&["completion", "install", ""]), &none)),
            [":4"]
        );
        assert_eq!(
            answer(complete(
                None,
                &args(&["completion", "install", "--dir", ""]),
                &none
            )),
            [":16"]
        );
        let help = answer(complete(None, &args(&["help", "t"]), &none));
        assert_eq!(help.len(), 4, "{help:?}");
    }

    #[test]
    fn helper_mode_comes_from_the_invoked_name() {
        assert_eq!(helper_mode(Path::new("/x/kubectl_complete-fleet")), Some(None));
        assert_eq!(
            helper_mode(Path::new("kubectl_complete-fleet-tree")),
            Some(Some("tree".into()))
        );
        assert_eq!(helper_mode(Path::new("/x/kubectl-fleet")), None);
        assert_eq!(helper_mode(Path::new("kubectl_complete-fleetx")), None);
    }

    #[cfg(unix)]
    #[test]
    fn kubectl_plugin_words_follow_kubectls_listing() {
        let dir = env::temp_dir().join(format!("fleet-dispatch-words-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("kubectl-fleet-adir")).expect("dir");
        for name in [
            "kubectl-fleet",
            "kubectl-fleet-tree",
            "kubectl-fleet-my_cmd-x",
            "kubectl-other",
        ] {
            fs::write(dir.join(name), "").expect("file");
        }
        let path = env::join_paths([dir.clone(), dir.join("missing")]).expect("path");
        let words = kubectl_plugin_words(Some(&path));
        let _ = fs::remove_dir_all(&dir);
        assert_eq!(words.into_iter().collect::<Vec<_>>(), ["my-cmd", "tree"]);
    }
}
