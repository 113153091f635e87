//! bargain: the library behind the `bargain` terminal program.
//!
//! Nothing in the library touches the terminal or reads presentation settings from the
//! environment; the CLI (`main.rs`) and the TUI (`tui`) are two thin shells over it.

pub mod compare;
pub mod demo;
pub mod export;
pub mod generate;
pub mod model;
pub mod record;
pub mod redline;
pub mod store;
pub mod tracker;
pub mod tui;
pub mod untrusted;
