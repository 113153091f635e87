//! Prints the plain-marker redline of two files: `redline_files OLD NEW`.
//!
//! A stand-in for `bargain diff --files` until the CLI is wired, so the engine can be
//! timed against `git diff --no-index --word-diff` on the same files.
//!
//! `REDLINE_DEADLINE_SECS=N` gives the engine N seconds instead of one: under valgrind it
//! runs some fifty times slower, and an instruction count is only worth comparing when the
//! summary line does not say "(coarse)".

use std::io::Write;

use bargain_core::export::redline_text;
use bargain_core::redline::{Options, compare};

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [old, new] = args.as_slice() else {
        eprintln!("usage: redline_files OLD NEW");
        return std::process::ExitCode::from(2);
    };
    let read = |p: &str| {
        std::fs::read(p)
            .map(|b| {
                String::from_utf8(b)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
            })
            .map_err(|e| eprintln!("{p}: {e}"))
    };
    let (Ok(old), Ok(new)) = (read(old), read(new)) else {
        return std::process::ExitCode::from(2);
    };
    let mut options = Options::default();
    if let Some(secs) = std::env::var("REDLINE_DEADLINE_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        options.deadline = std::time::Duration::from_secs(secs);
    }
    let r = compare(&old, &new, &options);
    let out = redline_text::plain(&r);
    let mut stdout = std::io::stdout().lock();
    if stdout.write_all(out.as_bytes()).is_err() {
        return std::process::ExitCode::from(1);
    }
    let s = r.summary;
    eprintln!(
        "{} words inserted, {} deleted, {} moved; {} paragraphs changed{}",
        s.inserted_words,
        s.deleted_words,
        s.moved_words,
        s.changed_paragraphs,
        if r.coarse { " (coarse)" } else { "" }
    );
    std::process::ExitCode::from(u8::from(!r.is_unchanged()))
}
