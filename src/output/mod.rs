//! Everything users see: the [`Printer`] (data to stdout, status to stderr), colours, tables and
//! progress bars. Core code never prints directly; it returns strings or writes through a `Printer`,
//! so every rendering can be snapshot-tested.

mod color;
mod printer;
mod progress;
mod table;

pub use color::{ColorChoice, Paint, Tone};
pub use printer::{Printer, Verbosity};
pub use progress::{Progress, TargetBar};
pub use table::{TableBuilder, plural};
