//! Reads a contract (`.txt`, `.md`, `.docx`, `.pdf`) and splits it into its articles, as
//! `bargain import --dry-run` will, printing one line per unit and what was left unassigned:
//! `cargo run --release --example import_split -- FILE [--quiet]`.
//!
//! With `--quiet` it prints only the counts: that is the form to time beside another converter,
//! e.g. `hyperfine 'target/release/examples/import_split big.docx --quiet' 'pandoc -f docx -t plain big.docx -o /dev/null'`.

use bargain_core::document::{self, Kind, Limits};
use bargain_core::text::escape_line;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quiet = args.iter().any(|a| a == "--quiet");
    let Some(path) = args.iter().find(|a| !a.starts_with("--")) else {
        eprintln!("usage: import_split FILE [--quiet]");
        return ExitCode::from(2);
    };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(2);
        }
    };
    let kind = Kind::from_name(path).unwrap_or_else(|| Kind::sniff(&bytes));
    let doc = match document::read(&bytes, kind, &Limits::default()) {
        Ok(doc) => doc,
        Err(e) => {
            eprintln!("{}", e.problem(path));
            return ExitCode::from(1);
        }
    };
    let split = document::split(&doc);
    let assigned: usize = split.units.iter().map(|u| u.words).sum();
    if !quiet {
        for note in &doc.notes {
            println!("note: {note}");
        }
        for note in &split.notes {
            println!("note: {note}");
        }
        for unit in &split.units {
            println!(
                "{:<12} {:<10} line {:<6} {:>6} words  {}  | {}",
                escape_line(&unit.id),
                unit.kind.as_str(),
                unit.lines.start + 1,
                unit.words,
                escape_line(&unit.title),
                escape_line(&unit.first_words)
            );
        }
        for left in &split.unassigned {
            println!(
                "unassigned {} (lines {}–{}): {} words",
                left.kind.as_str(),
                left.lines.start + 1,
                left.lines.end,
                left.words
            );
        }
    }
    println!(
        "{} units, {} of {} words in units, {} unassigned",
        split.units.len(),
        assigned,
        split.words,
        split.words - assigned
    );
    ExitCode::SUCCESS
}
