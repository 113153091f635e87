//! Standard output for every command: one writer, and one rule for a closed pipe. Writing to a
//! reader that went away (`bargain status | head`) is not an error of ours: the command stops
//! writing and exits 0, as ripgrep does. Any other write error is a failure (exit 2). And files
//! a command writes (`--output`): whole, by temporary file and rename.

use super::error::CliError;
use std::io::{self, Write};
use std::path::Path;

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

/// Writes a file whole: into a temporary file beside it, then renamed over it, so a reader
/// never sees half a document and a failure leaves the old file as it was.
pub fn write_file(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<(), CliError> {
    let fail = |e: &dyn std::fmt::Display| CliError::unusable(format!("{}: {e}", path.display()));
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| fail(&e))?;
    write(tmp.as_file_mut())
        .and_then(|()| tmp.as_file_mut().flush())
        .map_err(|e| fail(&e))?;
    publish(tmp, path)
}

/// Renames a finished temporary file over `path`. A temporary file is private to its owner;
/// the document is an ordinary file: it keeps the permissions of the file it replaces, or gets
/// the usual rw-r--r--.
pub fn publish(tmp: tempfile::NamedTempFile, path: &Path) -> Result<(), CliError> {
    let fail = |e: &dyn std::fmt::Display| CliError::unusable(format!("{}: {e}", path.display()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode() & 0o777);
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(mode))
            .map_err(|e| fail(&e))?;
    }
    tmp.persist(path).map_err(|e| fail(&e.error))?;
    Ok(())
}
