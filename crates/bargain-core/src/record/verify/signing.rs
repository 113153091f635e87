//! `require_signed: true`: every commit is signed, by a key `bargaining.yaml` lists for its
//! author (the table as it stood before the commit).
//!
//! SSH signatures (git's `gpg.format=ssh`) are checked with `ssh-keygen -Y verify` against an
//! `allowed_signers` file made of the author's keys, in git's namespace. An OpenPGP signature
//! cannot be checked against `keys` (they are ssh public keys), so it is a violation with a
//! sentence saying so. What this proves: the commit was signed by the holder of a listed key. It
//! does not prove when, nor anything about a key the table lists wrongly.

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
    /// An OpenPGP (or other non-ssh) signature, which `keys` cannot check.
    NotSsh,
    /// `ssh-keygen` could not be run.
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
    if !signature.starts_with(b"-----BEGIN SSH SIGNATURE-----") {
        return Ok(Signed::NotSsh);
    }
    Ok(ssh_verify(&email, &keys, &signature, &data))
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
        Signed::Unsigned => "the table requires signed commits, and this one is not signed".to_string(),
        Signed::NoKeys => format!(
            "the table requires signed commits, and bargaining.yaml lists no key for {}",
            found.commit.email
        ),
        Signed::Bad(said) => format!(
            "the commit's signature is not by a key bargaining.yaml lists for {} ({said})",
            found.commit.email
        ),
        Signed::NotSsh => "the commit is signed with OpenPGP; bargaining.yaml lists ssh keys, so it cannot be checked (sign with gpg.format=ssh)".to_string(),
        Signed::NoTool(e) => format!("the signature could not be checked: ssh-keygen could not be run ({e})"),
    };
    found.push(Severity::Violation, None, why);
    Ok(())
}
