//! Reads a contract (`.txt`, `.md`, `.docx`, `.pdf`) and splits it into its articles, as
//! `bargain import --dry-run` will, printing one line per unit and what was left unassigned:
//! `cargo run --release --example import_split -- FILE [--quiet]`.
//!
//! With `--quiet` it prints only the counts. With `--against 'COMMAND' [--rounds N]` it times
//! itself (`FILE --quiet`, as a process) and the command, alternately, N rounds (11 by default),
//! and prints both medians and their ratio — the README's figures beside pandoc:
//! `import_split big.docx --against 'pandoc -f docx -t plain big.docx -o /dev/null'`.

use bargain_core::document::{self, Kind, Limits};
use bargain_core::text::escape_line;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quiet = args.iter().any(|a| a == "--quiet");
    let Some(path) = args.first().filter(|a| !a.starts_with("--")) else {
        eprintln!("usage: import_split FILE [--quiet]");
        return ExitCode::from(2);
    };
    if let Some(at) = args.iter().position(|a| a == "--against") {
        let Some(other) = args.get(at + 1) else {
            eprintln!("--against needs a command");
            return ExitCode::from(2);
        };
        let rounds = args
            .iter()
            .position(|a| a == "--rounds")
            .and_then(|i| args.get(i + 1)?.parse().ok())
            .unwrap_or(11);
        return race(path, other, rounds);
    }
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

/// Times `import_split FILE --quiet` and `sh -c OTHER` alternately (the order swapped every
/// round, so a drift in the machine's load falls on both), and prints the medians.
fn race(path: &str, other: &str, rounds: usize) -> ExitCode {
    use std::process::{Command, Stdio};
    use std::time::Instant;
    let me = match std::env::current_exe() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let ours = || {
        Command::new(&me)
            .args([path, "--quiet"])
            .stdout(Stdio::null())
            .status()
    };
    let theirs = || {
        Command::new("sh")
            .args(["-c", other])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
    };
    let time = |run: &dyn Fn() -> std::io::Result<std::process::ExitStatus>| -> Option<f64> {
        let started = Instant::now();
        run()
            .ok()?
            .success()
            .then(|| started.elapsed().as_secs_f64())
    };
    let (mut a, mut b) = (Vec::new(), Vec::new());
    let _ = (time(&ours), time(&theirs)); // warm the caches once
    for round in 0..rounds {
        let (x, y) = if round % 2 == 0 {
            let x = time(&ours);
            (x, time(&theirs))
        } else {
            let y = time(&theirs);
            (time(&ours), y)
        };
        match (x, y) {
            (Some(x), Some(y)) => {
                a.push(x);
                b.push(y);
            }
            _ => {
                eprintln!("a run failed; both commands must succeed");
                return ExitCode::from(1);
            }
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (ma, mb) = (median(&mut a), median(&mut b));
    println!(
        "import_split {path}: {:.1} ms; `{other}`: {:.1} ms; ratio {:.3}x (medians of {rounds} alternating rounds)",
        ma * 1e3,
        mb * 1e3,
        ma / mb
    );
    ExitCode::SUCCESS
}
