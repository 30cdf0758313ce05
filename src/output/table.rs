//! kubectl-style tables (no borders, upper-case headers) rendered to a `String` with comfy-table.

use comfy_table::{Cell, CellAlignment, Color, ContentArrangement, Table, presets};

use super::color::{Paint, Tone};

/// Builds a borderless table; `render` returns the text so it can be snapshot-tested.
pub struct TableBuilder {
    table: Table,
    paint: Paint,
}

impl TableBuilder {
    /// A table with the given headers.
    pub fn new<I, S>(headers: I, paint: Paint) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut table = Table::new();
        table
            .load_style(presets::NOTHING)
            .set_content_arrangement(ContentArrangement::Disabled);
        table.set_header(headers.into_iter().map(|h| Cell::new(h.as_ref().to_uppercase())));
        // kubectl separates columns with three spaces and does not pad the first column.
        for column in table.column_iter_mut() {
            column.set_padding((0, 3));
        }
        TableBuilder { table, paint }
    }

    /// Limits the table to `width` columns, wrapping the widest cells (deterministic in tests).
    pub fn width(mut self, width: u16) -> Self {
        self.table
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(width);
        self
    }

    /// Appends a row of plain cells.
    pub fn row<I, S>(&mut self, cells: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.table.add_row(cells.into_iter().map(|c| Cell::new(c.into())));
        self
    }

    /// Appends a row where each cell may carry a tone (coloured only when the painter is enabled).
    pub fn toned_row<I, S>(&mut self, cells: I) -> &mut Self
    where
        I: IntoIterator<Item = (S, Tone)>,
        S: Into<String>,
    {
        let paint = self.paint;
        self.table.add_row(cells.into_iter().map(|(text, tone)| {
            let cell = Cell::new(text.into()).set_alignment(CellAlignment::Left);
            if !paint.enabled() {
                return cell;
            }
            match tone {
                Tone::Good => cell.fg(Color::Green),
                Tone::Warn => cell.fg(Color::Yellow),
                Tone::Bad => cell.fg(Color::Red),
                Tone::Dim => cell.fg(Color::DarkGrey),
                Tone::Bold => cell.add_attribute(comfy_table::Attribute::Bold),
                Tone::Plain => cell,
            }
        }));
        self
    }

    /// Number of data rows.
    pub fn len(&self) -> usize {
        self.table.row_count()
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.table.row_count() == 0
    }

    /// The rendered table with trailing spaces trimmed and a final newline.
    pub fn render(mut self) -> String {
        if !self.paint.enabled() {
            self.table.force_no_tty();
        } else {
            self.table.enforce_styling();
        }
        let mut out = String::new();
        for line in self.table.to_string().lines() {
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// A revision as a table shows it by default: `refs/heads/main@sha1:70554a57…` becomes
/// `main@sha1:70554a57` (branch or tag name, 8 hex digits, like git's short hashes); `-o wide`
/// shows revisions whole.
pub fn short_revision(rev: &str) -> String {
    let rev = rev
        .strip_prefix("refs/heads/")
        .or_else(|| rev.strip_prefix("refs/tags/"))
        .unwrap_or(rev);
    match rev.rsplit_once(':') {
        Some((prefix, hash)) if hash.len() > 8 && hash.chars().all(|c| c.is_ascii_hexdigit()) => {
            format!("{prefix}:{}", &hash[..8])
        }
        _ => rev.to_string(),
    }
}

/// The message a table shows for an object: none when it is Ready and the message only restates
/// that (`Applied revision: …`, `Reconciliation finished in 2s`, `stored artifact …`), which
/// `-o wide` still shows.
pub fn table_message(ready: bool, message: &str) -> &str {
    const ROUTINE: [&str; 4] = [
        "Applied revision",
        "Reconciliation finished",
        "stored artifact",
        "Helm install succeeded",
    ];
    if ready && ROUTINE.iter().any(|r| message.starts_with(r)) {
        ""
    } else {
        message
    }
}

/// Cuts every line of a rendered table to `width` columns with `…`, so the last column (the
/// message, by convention) is what gives way on a narrow terminal. ANSI colours are kept intact.
pub fn fit_lines(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        out.push_str(&console::truncate_str(line, width, "…"));
        out.push('\n');
    }
    out
}

/// `1 cluster`, `3 clusters`: pluralisation kept in one place.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_kubectl_style() {
        let mut t = TableBuilder::new(["name", "ready"], Paint::plain());
        t.row(["staging", "True"]);
        t.row(["prod-eu", "False"]);
        assert_eq!(t.render(), "NAME      READY\nstaging   True\nprod-eu   False\n");
    }

    #[test]
    fn revisions_are_short_by_default() {
        assert_eq!(
            short_revision("refs/heads/main@sha1:70554a57d0f3c43e5b0c8e5d1a2b3c4d5e6f7a8b"),
            "main@sha1:70554a57"
        );
        assert_eq!(
            short_revision("v2.7.3@sha256:4d1e2ed9a0fd0c4b"),
            "v2.7.3@sha256:4d1e2ed9"
        );
        assert_eq!(short_revision("main@sha1:abc"), "main@sha1:abc");
        assert_eq!(short_revision("latest"), "latest");
    }

    #[test]
    fn routine_messages_of_ready_objects_are_dropped() {
        assert_eq!(table_message(true, "Applied revision: main@sha1:1234"), "");
        assert_eq!(
            table_message(false, "Applied revision: main@sha1:1234"),
            "Applied revision: main@sha1:1234"
        );
        assert_eq!(
            table_message(true, "dependency 'a' is not ready"),
            "dependency 'a' is not ready"
        );
    }

    #[test]
    fn lines_fit_the_terminal_and_keep_colours() {
        assert_eq!(
            fit_lines("NAME   MESSAGE\nstaging   a long message\n", 12),
            "NAME   MESS…\nstaging   a…\n"
        );
        let red = "\u{1b}[31mFailed\u{1b}[0m and more";
        let cut = fit_lines(red, 8);
        assert!(
            cut.starts_with("\u{1b}[31mFailed") && cut.ends_with("…\n"),
            "{cut:?}"
        );
    }

    #[test]
    fn pluralises() {
        assert_eq!(plural(1, "cluster"), "1 cluster");
        assert_eq!(plural(2, "cluster"), "2 clusters");
    }
}
