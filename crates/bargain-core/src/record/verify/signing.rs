//! `require_signed: true`: every commit is signed, by a key `bargaining.yaml` lists for its
//! author (the table as it stood before the commit).
//!
//! SSH signatures (git's `gpg.format=ssh`) are checked with `ssh-keygen -Y verify` against an
//! `allowed_signers` file made of the author's ssh keys, in git's namespace. OpenPGP signatures
//! (git's default format) are checked with `gpg --verify` in a keyring of its own holding only the
//! author's OpenPGP keys (each listed in `keys` as an armored public key block), so a good
//! signature there is one by a listed key, whatever the user's own keyring trusts. What this
//! proves: the commit was signed by the holder of a listed key. It does not prove when, nor
//! anything about a key the table lists wrongly.

use super::{Findings, Severity};
use crate::model::Table;
use crate::store::history::CommitRead;
use crate::store::{Repo, StoreError};
use std::io::Write as _;
use std::process::{Command, Stdio};

/// How one commit's signature stands against its author's keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signed {
    /// A good signature by one of the author's keys.
    Good,
    /// No signature at all.
    Unsigned,
    /// The author is not among the people, or lists no key.
    NoKeys,
    /// Signed, but not by any of the author's keys (or the signature does not match the commit).
    Bad(String),
    /// A signature of a kind the author lists no key of: OpenPGP with only ssh keys listed, or
    /// the other way round, or another kind (x509).
    OtherKind(&'static str),
    /// `ssh-keygen` or `gpg` could not be run.
    NoTool(String),
}

/// Checks `commit`'s signature against the keys `table` lists for its author.
pub fn check(repo: &Repo, table: &Table, commit: &CommitRead<'_>) -> Result<Signed, StoreError> {
    let email = commit.email();
    let (signature, data) = match repo.git.extract_signature(&commit.id(), None) {
        Ok(pair) => pair,
        Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(Signed::Unsigned),
        Err(e) => return Err(e.into()),
    };
    let keys: Vec<&str> = table
        .person(&email)
        .map(|p| {
            p.keys
                .iter()
                .map(|k| k.trim())
                .filter(|k| !k.is_empty())
                .collect()
        })
        .unwrap_or_default();
    if keys.is_empty() {
        return Ok(Signed::NoKeys);
    }
    let (openpgp, ssh): (Vec<&str>, Vec<&str>) =
        keys.into_iter().partition(|k| k.starts_with(OPENPGP_KEY));
    if signature.starts_with(b"-----BEGIN SSH SIGNATURE-----") {
        if ssh.is_empty() {
            return Ok(Signed::OtherKind("ssh"));
        }
        return Ok(ssh_verify(&email, &ssh, &signature, &data));
    }
    if signature.starts_with(b"-----BEGIN PGP SIGNATURE-----") {
        if openpgp.is_empty() {
            return Ok(Signed::OtherKind("OpenPGP"));
        }
        return Ok(gpg_verify(&openpgp, &signature, &data));
    }
    Ok(Signed::OtherKind("x509 or unknown"))
}

/// How an OpenPGP public key is listed in `keys`: the armored block `gpg --armor --export` writes.
const OPENPGP_KEY: &str = "-----BEGIN PGP PUBLIC KEY BLOCK-----";

/// `gpg --verify` of `data` against `signature` in a fresh keyring holding only `keys`: good only
/// when gpg reports a valid signature (`VALIDSIG`) and no bad one.
fn gpg_verify(keys: &[&str], signature: &[u8], data: &[u8]) -> Signed {
    let run = || -> std::io::Result<Signed> {
        let home = tempfile::tempdir()?;
        let gpg = |args: &[&str]| {
            let mut command = Command::new("gpg");
            command
                .arg("--homedir")
                .arg(home.path())
                .args(["--batch", "--no-tty", "--no-autostart", "--status-fd", "1"])
                .args(args)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            command
        };
        for key in keys {
            let mut child = gpg(&["--import"]).spawn()?;
            if let Some(mut stdin) = child.stdin.take() {
                stdin.write_all(key.as_bytes())?;
            }
            child.wait_with_output()?;
        }
        let sig = home.path().join("commit.sig");
        std::fs::write(&sig, signature)?;
        let sig = sig.to_string_lossy().into_owned();
        let mut child = gpg(&["--verify", &sig, "-"]).spawn()?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(data)?;
        }
        let out = child.wait_with_output()?;
        let status = String::from_utf8_lossy(&out.stdout);
        let said = |prefix: &str| {
            status
                .lines()
                .any(|l| l.starts_with(&format!("[GNUPG:] {prefix}")))
        };
        Ok(
            if out.status.success() && said("VALIDSIG ") && !said("BADSIG ") {
                Signed::Good
            } else {
                let why = String::from_utf8_lossy(&out.stderr)
                    .lines()
                    .find(|l| l.contains("gpg:") && !l.contains("Signature made"))
                    .unwrap_or("gpg could not verify it")
                    .trim()
                    .to_string();
                Signed::Bad(crate::text::escape_line(&why).into_owned())
            },
        )
    };
    run().unwrap_or_else(|e| Signed::NoTool(format!("gpg: {e}")))
}

/// `ssh-keygen -Y verify` of `data` against `signature`, with an allowed-signers file holding
/// `keys` for `email`.
fn ssh_verify(email: &str, keys: &[&str], signature: &[u8], data: &[u8]) -> Signed {
    let run = || -> std::io::Result<Signed> {
        let dir = tempfile::tempdir()?;
        let allowed = dir.path().join("allowed_signers");
        let mut lines = String::new();
        // The principal is quoted as ssh-keygen reads it; a key is one line of its own.
        let principal = email.replace(['"', '\n', '\r', ' '], "");
        for key in keys {
            let key = key.replace(['\n', '\r'], " ");
            lines.push_str(&format!("\"{principal}\" namespaces=\"git\" {key}\n"));
        }
        std::fs::write(&allowed, lines)?;
        let sig = dir.path().join("commit.sig");
        std::fs::write(&sig, signature)?;
        let mut child = Command::new("ssh-keygen")
            .args(["-Y", "verify", "-n", "git", "-f"])
            .arg(&allowed)
            .arg("-I")
            .arg(&principal)
            .arg("-s")
            .arg(&sig)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(data)?;
        }
        let out = child.wait_with_output()?;
        Ok(if out.status.success() {
            Signed::Good
        } else {
            let said = String::from_utf8_lossy(&out.stderr);
            let said = String::from_utf8_lossy(&out.stdout).into_owned() + &said;
            Signed::Bad(said.lines().next().unwrap_or("").trim().to_string())
        })
    };
    run().unwrap_or_else(|e| Signed::NoTool(e.to_string()))
}

/// A finding for each commit that is not signed by one of its author's keys.
pub(super) fn judge(
    repo: &Repo,
    table: &Table,
    commit: &CommitRead<'_>,
    found: &mut Findings<'_, '_>,
) -> Result<(), StoreError> {
    let why = match check(repo, table, commit)? {
        Signed::Good => return Ok(()),
        Signed::Unsigned => {
            "the table requires signed commits, and this one is not signed".to_string()
        }
        Signed::NoKeys => format!(
            "the table requires signed commits, and bargaining.yaml lists no key for {}",
            found.commit.email
        ),
        Signed::Bad(said) => format!(
            "the commit's signature is not by a key bargaining.yaml lists for {} ({said})",
            found.commit.email
        ),
        Signed::OtherKind(kind) => format!(
            "the commit carries a signature of a kind ({kind}) for which bargaining.yaml lists no key of {}, so it cannot be checked",
            found.commit.email
        ),
        Signed::NoTool(e) => format!(
            "the signature could not be checked: the checking program could not be run ({e})"
        ),
    };
    found.push(Severity::Violation, None, why);
    Ok(())
}
