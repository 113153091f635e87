//! Signed commits, the way `git commit -S` makes them: the commit object is built as a buffer,
//! signed by the program git's configuration names, and written with its signature.
//!
//! A commit is signed when `commit.gpgsign` is true or when the table it is made on (the
//! parent's `bargaining.yaml`) says `require_signed: true`. Git's settings are honoured:
//! `gpg.format` (`openpgp`, the default; `ssh`; `x509`), `user.signingkey`, and
//! `gpg.program` / `gpg.ssh.program` / `gpg.x509.program`. An ssh `user.signingkey` is a key
//! file, or a public key (`ssh-ed25519 AAAA…` or `key::…`) whose private half the ssh agent
//! holds. When signing fails nothing is written. `verify` checks the signatures
//! (`record::verify::signing`).

use super::TABLE_FILE;
use super::snapshot::parse_yaml_str;
use crate::model::Table;
use git2::{Repository, Signature, Tree};
use std::io::Write as _;
use std::process::{Command, Stdio};

/// Why a commit could not be signed.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SigningError(pub String);

/// Why a commit object could not be written: git's own error, or signing.
#[derive(Debug, thiserror::Error)]
pub enum CommitError {
    #[error(transparent)]
    Git(#[from] git2::Error),
    #[error(transparent)]
    Signing(#[from] SigningError),
}

/// Writes a commit object (no ref is moved), signed when git's configuration or the table asks.
pub fn commit_object(
    git: &Repository,
    signature: &Signature<'_>,
    message: &str,
    tree: &Tree<'_>,
    parents: &[git2::Oid],
) -> Result<git2::Oid, CommitError> {
    let config = git.config()?.snapshot()?;
    let wanted = config.get_bool("commit.gpgsign").unwrap_or(false);
    let required = parents
        .first()
        .is_some_and(|&p| table_requires_signing(git, p));
    // The object is composed here from libgit2's buffer without parents and the parents' ids
    // spliced in after the tree line, as git writes them: so a parent libgit2 cannot parse (a
    // hand commit with a bad date) is still a parent, and the bytes are those `git.commit` writes.
    let bare = git.commit_create_buffer(signature, signature, message, tree, &[])?;
    let tree_line = bare
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bare.len(), |n| n + 1);
    let mut buffer = bare[..tree_line].to_vec();
    for parent in parents {
        buffer.extend_from_slice(format!("parent {parent}\n").as_bytes());
    }
    buffer.extend_from_slice(&bare[tree_line..]);
    if !wanted && !required {
        return Ok(git.odb()?.write(git2::ObjectType::Commit, &buffer)?);
    }
    let buffer = String::from_utf8(buffer)
        .map_err(|_| SigningError("the commit is not UTF-8 text, so it cannot be signed".into()))?;
    let signed = sign(&config, &buffer, signature).map_err(|e| {
        let why = if required && !wanted {
            " (this table requires signed commits: require_signed in bargaining.yaml)"
        } else {
            ""
        };
        SigningError(format!("{}{why}", e.0))
    })?;
    Ok(git.commit_signed(&buffer, &signed, None)?)
}

/// Whether `bargaining.yaml` at `commit` says `require_signed: true`.
fn table_requires_signing(git: &Repository, commit: git2::Oid) -> bool {
    let Ok(tree) = super::history::CommitRead::of(git, commit).and_then(|c| c.tree(git)) else {
        return false;
    };
    let Some(entry) = tree.get_name(TABLE_FILE) else {
        return false;
    };
    let Ok(blob) = git.find_blob(entry.id()) else {
        return false;
    };
    std::str::from_utf8(blob.content())
        .ok()
        .and_then(|text| parse_yaml_str::<Table>(text, TABLE_FILE).ok())
        .is_some_and(|t| t.require_signed)
}

/// The signature of `buffer`, made as git would for `gpg.format`.
fn sign(
    config: &git2::Config,
    buffer: &str,
    committer: &Signature<'_>,
) -> Result<String, SigningError> {
    let format = config
        .get_string("gpg.format")
        .unwrap_or_else(|_| "openpgp".to_string());
    let key = config.get_string("user.signingkey").ok();
    match format.as_str() {
        "ssh" => {
            let key = key.ok_or_else(|| {
                SigningError(
                    "gpg.format is ssh but user.signingkey is not set; set it to your key file (git config user.signingkey ~/.ssh/id_ed25519)".into(),
                )
            })?;
            let program = config
                .get_string("gpg.ssh.program")
                .unwrap_or_else(|_| "ssh-keygen".to_string());
            sign_ssh(&program, &key, buffer)
        }
        "openpgp" | "x509" => {
            let (setting, default) = if format == "x509" {
                ("gpg.x509.program", "gpgsm")
            } else {
                ("gpg.program", "gpg")
            };
            let program = config
                .get_string(setting)
                .unwrap_or_else(|_| default.to_string());
            // Without a key, git signs as the committer.
            let user = key.unwrap_or_else(|| {
                format!(
                    "{} <{}>",
                    String::from_utf8_lossy(committer.name_bytes()),
                    String::from_utf8_lossy(committer.email_bytes())
                )
            });
            let out = run(
                &program,
                &["--status-fd=2", "-bsau", &user],
                buffer.as_bytes(),
            )?;
            String::from_utf8(out)
                .map_err(|_| SigningError(format!("{program} gave a signature that is not text")))
        }
        other => Err(SigningError(format!(
            "gpg.format is {other:?}; git knows openpgp, ssh and x509"
        ))),
    }
}

/// `ssh-keygen -Y sign -n git -f KEY`, as git runs it: a public key (literal) signs through the
/// ssh agent (`-U`).
fn sign_ssh(program: &str, key: &str, buffer: &str) -> Result<String, SigningError> {
    let dir = tempfile::tempdir().map_err(|e| SigningError(e.to_string()))?;
    let literal = key
        .strip_prefix("key::")
        .or_else(|| key.starts_with("ssh-").then_some(key));
    let key_file = match literal {
        Some(public) => {
            let path = dir.path().join("key.pub");
            std::fs::write(&path, format!("{}\n", public.trim()))
                .map_err(|e| SigningError(e.to_string()))?;
            path
        }
        None => match key.strip_prefix("~/") {
            Some(rest) => std::env::home_dir().unwrap_or_default().join(rest),
            None => key.into(),
        },
    };
    let data = dir.path().join("commit");
    std::fs::write(&data, buffer).map_err(|e| SigningError(e.to_string()))?;
    let mut args = vec!["-Y", "sign", "-n", "git", "-f"];
    let key_arg = key_file.display().to_string();
    args.push(&key_arg);
    if literal.is_some() {
        args.push("-U");
    }
    let data_arg = data.display().to_string();
    args.push(&data_arg);
    run(program, &args, &[])?;
    std::fs::read_to_string(dir.path().join("commit.sig"))
        .map_err(|e| SigningError(format!("{program} wrote no signature: {e}")))
}

/// Runs `program` with `input` on stdin; its stdout, or what it said on failure.
fn run(program: &str, args: &[&str], input: &[u8]) -> Result<Vec<u8>, SigningError> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            SigningError(format!(
                "{program} could not be run to sign the commit: {e}"
            ))
        })?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(input)
            .map_err(|e| SigningError(e.to_string()))?;
    }
    let out = child
        .wait_with_output()
        .map_err(|e| SigningError(e.to_string()))?;
    if !out.status.success() {
        let said = String::from_utf8_lossy(&out.stderr);
        let said = crate::text::escape_line(said.lines().last().unwrap_or("").trim());
        return Err(SigningError(format!(
            "{program} could not sign the commit: {said}"
        )));
    }
    Ok(out.stdout)
}
