//! bargain: the library behind the `bargain` terminal program.
//!
//! Nothing in the library touches the terminal or reads presentation settings from the
//! environment; the CLI (`main.rs`) and the TUI (`tui`) are two thin shells over it.

pub mod export;
pub mod redline;
