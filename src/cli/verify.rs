//! `bargain verify`: the audit of the whole history, or of the commits a push brings
//! (`--range OLD..NEW`, as a server's pre-receive hook); exits 1 on a violation.
//!
//! With `--range` and no `--repo`, the repository is the one git's environment names, so in a
//! pre-receive hook the pushed objects are read from git's quarantine. Every commit is still
//! judged by the table as it stood before it (the audit walks the whole history to NEW), but
//! only findings on commits in the range are reported.

use super::error::{CliError, Outcome};
use super::{open, output};
use bargain_core::record::verify;
use bargain_core::store::{History, Repo};
use git2::Oid;
use std::collections::HashSet;
use std::ops::ControlFlow;
use std::path::Path;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Judge only the commits in OLD..NEW (NEW alone: everything reachable from NEW), as a
    /// pre-receive hook does for each pushed branch.
    #[arg(long, value_name = "OLD..NEW")]
    pub range: Option<String>,
}

pub fn run(repo_dir: Option<&Path>, args: &Args) -> Outcome {
    let Some(range) = &args.range else {
        let repo = open(repo_dir)?;
        // Nothing can be judged without the table's rules: no or a broken bargaining.yaml at
        // HEAD is an error (exit 2), never "no violations".
        repo.snapshot()?;
        let history = History::load(&repo)?.0;
        return report(verify::audit(&repo, &history)?);
    };
    let repo = match repo_dir {
        Some(_) => open(repo_dir)?,
        None => Repo::from_env()?,
    };
    let (old, new) = parse_range(&repo, range)?;
    let mut history = History::default();
    history.extend_to(&repo, new, &mut |_| ControlFlow::Continue(()))?;
    let in_range = commits(&repo, old, new)?;
    let mut audit = verify::audit(&repo, &history)?;
    audit.findings.retain(|f| in_range.contains(&f.commit));
    audit.commits = history
        .commits
        .iter()
        .filter(|c| in_range.contains(&c.id))
        .count();
    report(audit)
}

fn report(audit: verify::Audit) -> Outcome {
    output::print(&verify::render(&audit))?;
    Ok(if audit.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `OLD..NEW` or `NEW`; an all-zero OLD (a new branch) is no OLD.
fn parse_range(repo: &Repo, range: &str) -> Result<(Option<Oid>, Oid), CliError> {
    let resolve = |spec: &str| -> Result<Oid, CliError> {
        repo.git
            .revparse_single(spec)
            .and_then(|o| o.peel_to_commit())
            .map(|c| c.id())
            .map_err(|e| {
                CliError::unusable(format!(
                    "--range: `{spec}` is not a commit here ({})",
                    e.message()
                ))
            })
    };
    let (old, new) = match range.split_once("..") {
        Some((old, new)) => (Some(old), new),
        None => (None, range),
    };
    let old = match old {
        Some(o) if o.bytes().all(|b| b == b'0') => None,
        Some(o) => Some(resolve(o)?),
        None => None,
    };
    Ok((old, resolve(new)?))
}

fn commits(repo: &Repo, old: Option<Oid>, new: Oid) -> Result<HashSet<Oid>, CliError> {
    let walk = || -> Result<HashSet<Oid>, git2::Error> {
        let mut walk = repo.git.revwalk()?;
        walk.push(new)?;
        if let Some(o) = old {
            walk.hide(o)?;
        }
        walk.collect()
    };
    walk().map_err(|e| CliError::unusable(format!("--range: {}", e.message())))
}
