//! The integration tests, linked once into one binary (as jj does).

mod common;

mod test_table;
mod test_tui;
mod test_tui_pty;
