//! `bargain verify`: the audit of the whole history; exits 1 on a violation.

use super::error::Outcome;
use super::{open, output};
use bargain_core::record::verify;
use bargain_core::store::History;
use std::path::Path;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {}

pub fn run(repo: Option<&Path>, _args: &Args) -> Outcome {
    let repo = open(repo)?;
    let history = History::build(&repo)?;
    let audit = verify::audit(&repo, &history)?;
    output::print(&verify::render(&audit))?;
    Ok(if audit.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
