//! The integration tests, linked once into one binary (as jj does).

mod common;

mod test_audit;
mod test_cli;
mod test_crash;
mod test_demo;
mod test_diff;
mod test_export_docs;
mod test_harden;
mod test_import;
mod test_index;
mod test_installed;
mod test_record;
mod test_record_cli;
mod test_redline;
mod test_sync;
mod test_table;
mod test_table_changes;
mod test_tui;
mod test_tui_compare;
mod test_tui_import;
mod test_tui_pty;
mod test_tui_recording;
mod test_verify;
