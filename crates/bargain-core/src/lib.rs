//! bargain-core: the library behind the `bargain` program — the table's model, the git store and
//! its history index, the redline engine, the named comparisons, the recording rules, the tracker,
//! and the exports.
//!
//! Nothing here touches the terminal or reads presentation settings from the environment: this
//! crate depends on no terminal library (`cargo tree -p bargain-core` shows it), so the compiler
//! keeps the rule. The CLI and the TUI, in the `bargain` crate, are two thin fronts over it. The
//! library speaks data (refusals, findings, events); the fronts put them into words and flags.

pub mod comparison;
pub mod demo;
pub mod document;
pub mod events;
pub mod export;
pub mod fuzz;
pub mod init;
pub mod model;
pub mod record;
pub mod redline;
pub mod store;
pub mod text;
pub mod tracker;
