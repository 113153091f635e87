//! Standard output for every command: one writer, and one rule for a closed pipe. Writing to a
//! reader that went away (`bargain status | head`) is not an error of ours: the command stops
//! writing and exits 0, as ripgrep does. Any other write error is a failure (exit 2).

use super::error::CliError;
use std::io::{self, Write};

/// Runs `write` on a locked, buffered standard output and flushes it.
pub fn stdout(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), CliError> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::with_capacity(64 * 1024, stdout.lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::unusable(format!("standard output: {e}"))),
    }
}

/// Writes `text` to standard output.
pub fn print(text: &str) -> Result<(), CliError> {
    stdout(|out| out.write_all(text.as_bytes()))
}
