//! A real interactive shell in a tmux pane: type, press TAB, read the screen.
//!
//! tmux gives the shell a real pseudo-terminal without one on our side (CI has none), and
//! `capture-pane` shows exactly what a person would see. Every pane has its own tmux server
//! (`-S`, a socket in its own HOME), a clean environment (`env -i`), so nothing of the machine's shell
//! configuration leaks in; the shell loads bash-completion / compinit and kubectl's own
//! completion script (`kubectl completion bash|zsh|fish`), as the README tells users to.

use std::{
    path::{Path, PathBuf},
    process::Command,
    time::{Duration, Instant},
};

/// The shells under test.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

impl Shell {
    pub const ALL: [Shell; 3] = [Shell::Bash, Shell::Zsh, Shell::Fish];

    pub fn name(self) -> &'static str {
        match self {
            Shell::Bash => "bash",
            Shell::Zsh => "zsh",
            Shell::Fish => "fish",
        }
    }
}

/// Typed after TAB: the shell handles keys in order, so once the marker shows, completion is done
/// and the line before it is what completion left.
const MARKER: &str = "@@";
const PROMPT: &str = "$ ";
const TIMEOUT: Duration = Duration::from_secs(20);

/// One interactive shell in its own tmux server, whose socket lives in the pane's HOME (removed
/// with it).
pub struct Pane {
    socket: PathBuf,
    pub shell: Shell,
    _home: tempfile::TempDir,
}

fn tmux(socket: &Path, args: &[&str]) -> std::process::Output {
    Command::new("tmux")
        .arg("-S")
        .arg(socket)
        .args(["-f", "/dev/null"])
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("tmux {args:?}: {e} (install tmux: scripts/prereqs.sh)"))
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

impl Pane {
    /// Starts `shell` with exactly `vars` (plus HOME, TERM and the shell's own configuration).
    /// `XDG_CONFIG_HOME`, if given, also holds fish's configuration.
    pub fn start(shell: Shell, vars: &[(&str, String)]) -> Pane {
        let home = tempfile::tempdir().expect("home");
        let socket = home.path().join("tmux.sock");
        let mut env: Vec<(String, String)> = vec![
            ("HOME".into(), home.path().display().to_string()),
            ("TERM".into(), "xterm-256color".into()),
            ("LANG".into(), "C.UTF-8".into()),
        ];
        env.extend(vars.iter().map(|(k, v)| (k.to_string(), v.clone())));
        let config = env
            .iter()
            .find(|(k, _)| k == "XDG_CONFIG_HOME")
            .map(|(_, v)| PathBuf::from(v))
            .unwrap_or_else(|| home.path().join(".config"));
        let command = match shell {
            Shell::Bash => {
                let rc = home.path().join(".bashrc");
                write(
                    &rc,
                    "PS1='$ '\nPROMPT_COMMAND=\n\
                     source /usr/share/bash-completion/bash_completion\n\
                     source <(kubectl completion bash)\n\
                     bind 'set show-all-if-ambiguous on'\n\
                     bind 'set completion-query-items 0'\n\
                     bind 'set page-completions off'\n\
                     bind 'set bell-style none'\n",
                );
                format!("bash --noprofile --rcfile {} -i", rc.display())
            }
            Shell::Zsh => {
                // LISTMAX: list every match without asking, like bash's completion-query-items 0
                // (the shared clusters hold over 100 namespaces after the other tiers).
                write(
                    &home.path().join(".zshrc"),
                    "PS1='$ '\nunsetopt BEEP\nLISTMAX=100000\nautoload -U compinit && compinit -u\n\
                     source <(kubectl completion zsh)\n",
                );
                env.push(("ZDOTDIR".into(), home.path().display().to_string()));
                "zsh -i".into()
            }
            Shell::Fish => {
                write(
                    &config.join("fish/config.fish"),
                    "set -g fish_greeting ''\nfunction fish_prompt; printf '$ '; end\n\
                     function fish_right_prompt; end\nset -g fish_autosuggestion_enabled 0\n\
                     kubectl completion fish | source\n",
                );
                "fish -i".into()
            }
        };
        let launcher = home.path().join("launch.sh");
        let assignments: Vec<String> = env
            .iter()
            .map(|(k, v)| format!("{k}='{}'", v.replace('\'', r"'\''")))
            .collect();
        write(
            &launcher,
            &format!("#!/bin/sh\nexec env -i {} {command}\n", assignments.join(" ")),
        );
        let out = tmux(
            &socket,
            &[
                "new-session",
                "-d",
                "-s",
                "main",
                "-x",
                "200",
                "-y",
                "50",
                "sh",
                &launcher.display().to_string(),
            ],
        );
        assert!(out.status.success(), "tmux new-session: {out:?}");
        let pane = Pane {
            socket,
            shell,
            _home: home,
        };
        pane.wait("the first prompt", |screen| {
            last_line(screen).is_some_and(|l| l.trim_end() == PROMPT.trim_end())
        });
        pane
    }

    /// The visible screen.
    pub fn screen(&self) -> String {
        let out = tmux(&self.socket, &["capture-pane", "-p", "-t", "main"]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "main"];
        args.extend(keys);
        let out = tmux(&self.socket, &args);
        assert!(out.status.success(), "send-keys {keys:?}: {out:?}");
    }

    fn type_text(&self, text: &str) {
        let out = tmux(&self.socket, &["send-keys", "-t", "main", "-l", text]);
        assert!(out.status.success(), "send-keys -l {text:?}: {out:?}");
    }

    fn wait(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let screen = self.screen();
            if ready(&screen) {
                return screen;
            }
            assert!(
                started.elapsed() < TIMEOUT,
                "{}: timed out waiting for {what}; screen:\n{screen}",
                self.shell.name()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Types a command line and runs it.
    pub fn run_line(&self, line: &str) {
        self.type_text(line);
        self.keys(&["Enter"]);
    }

    /// Presses Ctrl-C.
    pub fn interrupt(&self) {
        self.keys(&["C-c"]);
    }

    /// Waits until the screen satisfies `ready`; returns it.
    pub fn wait_screen(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        self.wait(what, ready)
    }

    /// Waits until the screen stops changing.
    fn settle(&self) -> String {
        let mut last = self.screen();
        loop {
            std::thread::sleep(Duration::from_millis(250));
            let now = self.screen();
            if now == last {
                return now;
            }
            last = now;
        }
    }

    /// An empty line on a clear screen.
    fn reset(&self) {
        self.keys(&["C-u"]);
        if self.shell == Shell::Fish {
            // Closes fish's completion pager if it is still open.
            self.keys(&["C-u"]);
        }
        self.keys(&["C-l"]);
        self.wait("a clear prompt", |screen| {
            let lines: Vec<&str> = screen.lines().filter(|l| !l.trim().is_empty()).collect();
            lines.len() == 1 && lines[0].trim_end() == PROMPT.trim_end()
        });
    }

    /// Types `typed`, presses TAB once and returns the command line completion left (after the
    /// prompt, trailing space included).
    pub fn complete_line(&self, typed: &str) -> String {
        self.reset();
        self.type_text(typed);
        self.keys(&["Tab"]);
        self.type_text(MARKER);
        let screen = self.wait("the marker after TAB", |screen| {
            prompt_lines(screen).any(|l| l.contains(MARKER))
        });
        let line = prompt_lines(&screen)
            .filter(|l| l.contains(MARKER))
            .last()
            .unwrap_or_default();
        let line = line.strip_prefix(PROMPT).unwrap_or(line);
        let line = line[..line.find(MARKER).unwrap_or(line.len())].to_string();
        println!("--- {} `{typed}<TAB>` -> `{line}`", self.shell.name());
        line
    }

    /// Types `typed`, presses TAB once and returns what the shell listed below the command line,
    /// once every string of `expect` shows there and the screen is still.
    pub fn complete_list(&self, typed: &str, expect: &[&str]) -> String {
        self.reset();
        self.type_text(typed);
        self.keys(&["Tab"]);
        self.wait(&format!("{expect:?} listed"), |screen| {
            let listing = listing(screen);
            expect.iter().all(|e| listing.contains(e))
        });
        let listing = listing(&self.settle());
        // Shown with `--nocapture`: what a person saw.
        println!("--- {} `{typed}<TAB>`:\n{listing}", self.shell.name());
        self.reset();
        listing
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        let _ = tmux(&self.socket, &["kill-server"]);
    }
}

fn last_line(screen: &str) -> Option<&str> {
    screen.lines().rfind(|l| !l.trim().is_empty())
}

fn prompt_lines(screen: &str) -> impl Iterator<Item = &str> {
    screen.lines().filter(|l| l.starts_with(PROMPT))
}

/// The screen without the command lines: what completion listed.
fn listing(screen: &str) -> String {
    screen
        .lines()
        .filter(|l| !l.starts_with(PROMPT) && !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// How many times `name` is listed as a candidate with a description (`name  (desc)` in bash and
/// fish, `name  -- desc` in zsh). Words inside descriptions do not count.
pub fn listed_times(listing: &str, name: &str) -> usize {
    let pattern =
        regex::Regex::new(&format!(r"(?m)(^|\s){}\s+(\(|--\s)", regex::escape(name))).expect("valid pattern");
    pattern.find_iter(listing).count()
}

/// Whether `word` is listed as a candidate (with or without a description).
pub fn lists(listing: &str, word: &str) -> bool {
    regex::Regex::new(&format!(r"(?m)(^|\s){}(\s|$)", regex::escape(word)))
        .expect("valid pattern")
        .is_match(listing)
}
