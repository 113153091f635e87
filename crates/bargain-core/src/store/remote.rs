//! The table's shared remote: fetch and push through the `git` command line, everything else
//! through git2.
//!
//! Network goes through `git` as a subprocess so the user's own credential helpers,
//! `~/.ssh/config`, ssh-agent, `GIT_SSH_COMMAND` and proxies work exactly as they do with git.
//! [`Mode::Background`] never prompts: `GIT_TERMINAL_PROMPT=0`, ssh in batch mode, no askpass,
//! and a bound on the time the subprocess may take; a credential problem comes back as
//! [`NetError::Auth`], a state, not a hang. [`Mode::Interactive`] lets git ask on the terminal.
//!
//! What git prints is kept only after anything that looks like a password in a URL
//! (`https://user:secret@host`) is blanked ([`redact`]), and it is returned as data: this module
//! never prints. When the last fetch succeeded is kept in `.git/bargain/last-fetch` (seconds
//! since the epoch), so a front can say how fresh its ahead/behind counts are.

use super::{Repo, StoreError};
use git2::Oid;
use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How a network operation may talk to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A person ran `sync`: git may ask for a password or a passphrase on the terminal.
    Interactive,
    /// A background fetch: never prompts, gives up after [`BACKGROUND_LIMIT`].
    Background,
}

/// How long a background fetch or push may take before it is stopped.
pub const BACKGROUND_LIMIT: Duration = Duration::from_secs(60);

/// Why a fetch or push did not happen. The text is git's own, with credentials blanked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NetError {
    /// No remote is configured for the branch (and there is no `origin`).
    #[error("no remote is configured (git remote add origin URL)")]
    NoRemote,
    /// The remote refused who we are, or would have had to ask.
    #[error("authentication failed for {remote}: {message}")]
    Auth { remote: String, message: String },
    /// The remote could not be reached or refused the operation for another reason.
    #[error("could not reach {remote}: {message}")]
    Unreachable { remote: String, message: String },
    /// The push was not a fast-forward: the remote moved since the fetch.
    #[error("the remote moved meanwhile")]
    Rejected,
    #[error("git could not be run: {0}")]
    NoGit(String),
    #[error("{0}")]
    Timeout(String),
}

/// Where this branch syncs: the remote's name, its URL (credentials blanked), the branch there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upstream {
    pub remote: String,
    pub url: String,
    /// The branch on the remote, e.g. `main`.
    pub branch: String,
    /// The local branch, e.g. `refs/heads/main`.
    pub local: String,
    /// The remote-tracking ref, e.g. `refs/remotes/origin/main`.
    pub tracking: String,
}

impl Upstream {
    /// The upstream of the checked-out branch: its `branch.<name>.remote` and `.merge`, else
    /// `origin` and the same branch name.
    pub fn of_head(repo: &Repo) -> Result<Upstream, NetError> {
        let head = repo.git.head().map_err(|_| NetError::NoRemote)?;
        let local = head.name().map_err(|_| NetError::NoRemote)?.to_string();
        let short = local
            .strip_prefix("refs/heads/")
            .ok_or(NetError::NoRemote)?;
        let config = repo.git.config().map_err(|_| NetError::NoRemote)?;
        let remote = config
            .get_string(&format!("branch.{short}.remote"))
            .unwrap_or_else(|_| "origin".to_string());
        let branch = config
            .get_string(&format!("branch.{short}.merge"))
            .ok()
            .and_then(|m| m.strip_prefix("refs/heads/").map(str::to_string))
            .unwrap_or_else(|| short.to_string());
        let found = repo
            .git
            .find_remote(&remote)
            .map_err(|_| NetError::NoRemote)?;
        let url = redact(found.url().unwrap_or_default());
        Ok(Upstream {
            tracking: format!("refs/remotes/{remote}/{branch}"),
            remote,
            url,
            branch,
            local,
        })
    }
}

/// How the local branch stands beside the remote-tracking one, as of the last fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub local: Oid,
    /// `None` when nothing was fetched yet (or the remote branch does not exist).
    pub remote: Option<Oid>,
    /// Local commits not on the remote-tracking head.
    pub ahead: usize,
    /// Remote commits not on the local branch.
    pub behind: usize,
    /// When the last fetch succeeded, seconds since the epoch.
    pub fetched_at: Option<i64>,
}

/// Counts ahead/behind of the local branch beside the remote-tracking ref (no network).
pub fn standing(repo: &Repo, upstream: &Upstream) -> Result<Standing, StoreError> {
    let local = repo.git.refname_to_id(&upstream.local)?;
    let remote = repo.git.refname_to_id(&upstream.tracking).ok();
    let (ahead, behind) = match remote {
        Some(r) => repo.git.graph_ahead_behind(local, r)?,
        None => (count_commits(repo, local)?, 0),
    };
    Ok(Standing {
        local,
        remote,
        ahead,
        behind,
        fetched_at: last_fetch(repo),
    })
}

fn count_commits(repo: &Repo, tip: Oid) -> Result<usize, StoreError> {
    let mut walk = repo.git.revwalk()?;
    walk.push(tip)?;
    Ok(walk.count())
}

/// The folder inside the git dir where bargain keeps its sync state.
pub fn state_dir(repo: &Repo) -> PathBuf {
    repo.git.path().join("bargain")
}

fn last_fetch_file(repo: &Repo) -> PathBuf {
    state_dir(repo).join("last-fetch")
}

/// When the last fetch succeeded, seconds since the epoch.
pub fn last_fetch(repo: &Repo) -> Option<i64> {
    std::fs::read_to_string(last_fetch_file(repo))
        .ok()?
        .trim()
        .parse()
        .ok()
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Fetches the upstream branch into its remote-tracking ref. Returns the remote head (`None`
/// when the remote has no such branch yet).
pub fn fetch(repo: &Repo, upstream: &Upstream, mode: Mode) -> Result<Option<Oid>, NetError> {
    let refspec = format!("+refs/heads/{0}:{1}", upstream.branch, upstream.tracking);
    // Another git still updating the remote-tracking ref (a fetch left running by a sync that
    // was killed) makes this one fail to lock it: wait a moment and try again, a few times.
    let mut tries = 0;
    let ran = loop {
        tries += 1;
        let ran = git(
            repo,
            mode,
            &upstream.remote,
            &["fetch", "--quiet", "--no-tags", &upstream.remote, &refspec],
        );
        match &ran {
            Err(NetError::Unreachable { message, .. })
                if tries < 5 && message.contains("cannot lock ref") =>
            {
                std::thread::sleep(Duration::from_millis(200 * tries));
            }
            _ => break ran,
        }
    };
    match ran {
        Ok(_) => {}
        // An empty remote has no branch yet: nothing to receive.
        Err(NetError::Unreachable { message, .. })
            if message.contains("couldn't find remote ref") =>
        {
            record_fetch(repo);
            return Ok(None);
        }
        Err(e) => return Err(e),
    }
    record_fetch(repo);
    Ok(repo.git.refname_to_id(&upstream.tracking).ok())
}

fn record_fetch(repo: &Repo) {
    let dir = state_dir(repo);
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(last_fetch_file(repo), format!("{}\n", now()));
}

/// Pushes `commit` to the upstream branch, fast-forward only (no force of any kind).
/// [`NetError::Rejected`] when the remote moved since the fetch. On success git has moved the
/// remote-tracking ref to `commit`.
pub fn push(repo: &Repo, upstream: &Upstream, commit: Oid, mode: Mode) -> Result<(), NetError> {
    let refspec = format!("{commit}:refs/heads/{}", upstream.branch);
    match git(
        repo,
        mode,
        &upstream.remote,
        &["push", "--quiet", "--porcelain", &upstream.remote, &refspec],
    ) {
        Ok(_) => {}
        Err(NetError::Unreachable { message, .. })
            if message.contains("[rejected]")
                || message.contains("non-fast-forward")
                || message.contains("fetch first") =>
        {
            return Err(NetError::Rejected);
        }
        Err(e) => return Err(e),
    }
    // git itself moved the remote-tracking ref (the push names a configured remote); a ref
    // written here could be left locked by a kill, and then every later fetch would fail.
    Ok(())
}

/// Runs `git --git-dir <repo> args…` with the environment `mode` asks for; stdout on success, the
/// failure classified from git's stderr (credentials blanked) otherwise.
fn git(repo: &Repo, mode: Mode, remote: &str, args: &[&str]) -> Result<String, NetError> {
    let mut command = Command::new("git");
    command
        .arg("--git-dir")
        .arg(repo.git.path())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if mode == Mode::Background {
        command
            .stdin(Stdio::null())
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("GIT_ASKPASS", "")
            .env("SSH_ASKPASS", "")
            .env_remove("DISPLAY");
        // ssh never asks: a missing key or an unknown host fails at once. The user's own ssh
        // command (GIT_SSH_COMMAND, else core.sshCommand) is kept, with batch mode added;
        // GIT_SSH (a program, not a command line) is left alone.
        if std::env::var_os("GIT_SSH").is_none() {
            let own = std::env::var("GIT_SSH_COMMAND")
                .ok()
                .or_else(|| repo.git.config().ok()?.get_string("core.sshCommand").ok())
                .filter(|c| !c.trim().is_empty())
                .unwrap_or_else(|| "ssh".to_string());
            command.env("GIT_SSH_COMMAND", format!("{own} -o BatchMode=yes"));
        }
    }
    let mut child = command
        .spawn()
        .map_err(|e| NetError::NoGit(e.to_string()))?;
    let mut out = child.stdout.take();
    let mut err = child.stderr.take();
    let out_reader = std::thread::spawn(move || read_bounded(out.as_mut()));
    let err_reader = std::thread::spawn(move || read_bounded(err.as_mut()));
    let limit = (mode == Mode::Background).then(|| Instant::now() + BACKGROUND_LIMIT);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => {}
            Err(e) => return Err(NetError::NoGit(e.to_string())),
        }
        if limit.is_some_and(|l| Instant::now() > l) {
            let _ = child.kill();
            let _ = child.wait();
            return Err(NetError::Timeout(format!(
                "git {} took longer than {} s and was stopped",
                args[0],
                BACKGROUND_LIMIT.as_secs()
            )));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = out_reader.join().unwrap_or_default();
    let stderr = redact(&err_reader.join().unwrap_or_default());
    if status.success() {
        return Ok(stdout);
    }
    // `push --porcelain` reports a rejection on stdout.
    let message = format!("{}\n{}", stderr.trim(), redact(&stdout).trim())
        .trim()
        .to_string();
    let remote = remote.to_string();
    if is_auth_failure(&message) {
        Err(NetError::Auth { remote, message })
    } else {
        Err(NetError::Unreachable { remote, message })
    }
}

/// At most 64 KiB of a child's output: git's messages are short, a hostile server's need not be.
fn read_bounded(stream: Option<&mut impl Read>) -> String {
    let mut bytes = Vec::new();
    if let Some(s) = stream {
        let _ = s.take(64 << 10).read_to_end(&mut bytes);
        // Drain the rest so the child never blocks on a full pipe.
        let _ = std::io::copy(s, &mut std::io::sink());
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn is_auth_failure(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    [
        "authentication failed",
        "could not read username",
        "could not read password",
        "terminal prompts disabled",
        "permission denied",
        "401",
        "403",
        "host key verification failed",
        "invalid username or password",
    ]
    .iter()
    .any(|needle| m.contains(needle))
}

/// `text` with the password of every `scheme://user:password@host` blanked.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (before, after) = rest.split_at(at + 3);
        out.push_str(before);
        let end = after
            .find(|c: char| c.is_whitespace() || c == '/' || c == '\'' || c == '"')
            .unwrap_or(after.len());
        let authority = &after[..end];
        match authority.rfind('@') {
            Some(at) => {
                let userinfo = &authority[..at];
                match userinfo.split_once(':') {
                    Some((user, _)) => out.push_str(&format!("{user}:***")),
                    None => out.push_str(userinfo),
                }
                out.push_str(&authority[at..]);
            }
            None => out.push_str(authority),
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_in_urls_are_blanked() {
        assert_eq!(
            redact("fatal: unable to access 'https://ai-lead:s3cret@127.0.0.1:8080/t.git/'"),
            "fatal: unable to access 'https://ai-lead:***@127.0.0.1:8080/t.git/'"
        );
        assert_eq!(redact("ssh://git@host/x"), "ssh://git@host/x");
        assert_eq!(redact("no url here"), "no url here");
    }
}
