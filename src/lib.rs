//! bargain: the two fronts over `bargain-core` — the command line (`cli`) and the terminal UI
//! (`tui`). Everything they show comes from library calls; what is here is words, flags, keys and
//! drawing.

pub mod cli;
pub mod clock;
pub mod color;
pub mod tui;
pub mod words;
