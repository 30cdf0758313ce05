//! Everything users see: the [`Printer`] (data to stdout, status to stderr), colours, tables and
//! progress bars. Core code never prints directly; it returns strings or writes through a `Printer`,
//! so every rendering can be snapshot-tested.

mod color;
pub mod document;
pub mod live;
mod printer;
mod progress;
mod reporter;
mod table;

pub use color::{ColorChoice, Paint, Tone};
pub use live::{LiveMode, LiveView};
pub use printer::{DocumentFormat, Printer, Verbosity};
pub use progress::{Progress, TargetBar};
pub use reporter::{Level, Recorder, Reporter};
pub use table::{TableBuilder, fit_lines, plural, short_revision, table_message};
