//! `bargain demo`, `bargain init`, and `bargain` alone (the terminal UI, or the tracker when
//! standard output is not a terminal).

use super::error::{CliError, Outcome};
use super::{open, output, status};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct InitArgs {
    /// Where (default: the current folder).
    pub dir: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct DemoArgs {
    /// Where to build it (default: ./bargain-demo).
    pub dir: Option<PathBuf>,
    /// Only build it and print its path.
    #[arg(long)]
    pub no_tui: bool,
    /// A table kept by one side (e.g. `union`): its recorders enter the other side's passes as
    /// received and attest its signatures. Default: kept jointly.
    #[arg(long, value_name = "SIDE")]
    pub kept_by: Option<String>,
}

pub fn init(args: InitArgs, repo: Option<PathBuf>) -> Outcome {
    let dir = args.dir.or(repo).unwrap_or_else(|| PathBuf::from("."));
    let created = bargain_core::init::init(&dir).map_err(|e| CliError::unusable(e.to_string()))?;
    output::print(&format!(
        "Started an empty table in {}\nEdit bargaining.yaml (sides, topics, people, sessions), then commit it.\n",
        created.display()
    ))?;
    Ok(ExitCode::SUCCESS)
}

pub fn demo(args: DemoArgs) -> Outcome {
    let dir = args.dir.unwrap_or_else(|| PathBuf::from("bargain-demo"));
    let variant = match args.kept_by {
        Some(side) => bargain_core::demo::Variant::KeptBy(side),
        None => bargain_core::demo::Variant::Joint,
    };
    let built =
        bargain_core::demo::build(&dir, &variant, Some(crate::clock::today())).map_err(|e| {
            let hint = match e {
                bargain_core::demo::DemoError::NotADemo(_) => {
                    " (name another folder: bargain demo DIR)"
                }
                _ => "",
            };
            CliError::unusable(format!("{e}{hint}"))
        })?;
    if args.no_tui {
        output::print(&format!("{}\n", built.display()))?;
        return Ok(ExitCode::SUCCESS);
    }
    if !std::io::stdout().is_terminal() {
        output::print(&format!(
            "Built the example negotiation in {}\n\n",
            built.display()
        ))?;
    }
    tui(Some(&built))
}

/// The TUI on the table containing `repo`; the status table instead when stdout is not a terminal.
pub fn tui(repo: Option<&Path>) -> Outcome {
    if !std::io::stdout().is_terminal() {
        return status::run(
            repo,
            &status::Args {
                topic: None,
                format: status::Format::Table,
            },
        );
    }
    let root = open(repo)?.root().to_path_buf();
    crate::tui::run(&root).map_err(|e| CliError::unusable(format!("terminal: {e}")))?;
    Ok(ExitCode::SUCCESS)
}
