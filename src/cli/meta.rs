//! `bargain completions SHELL` and `bargain man`: generated from the same clap definition as the
//! commands themselves, so they never drift from the flags.

use super::error::{CliError, Outcome};
use super::{Cli, output};
use clap::CommandFactory;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(clap::Args)]
pub struct ManArgs {
    /// Write bargain.1 and one page per command (bargain-diff.1, …) into this folder, e.g.
    /// ~/.local/share/man/man1; without it, print bargain.1.
    #[arg(long, value_name = "DIR")]
    pub output: Option<PathBuf>,
}

pub fn completions(args: &CompletionsArgs) -> Outcome {
    let mut command = Cli::command();
    output::stdout(|out| {
        clap_complete::generate(args.shell, &mut command, "bargain", &mut &mut *out);
        Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

pub fn man(args: &ManArgs) -> Outcome {
    let command = Cli::command();
    match &args.output {
        None => {
            output::stdout(|out| clap_mangen::Man::new(command).render(&mut &mut *out))?;
        }
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .map_err(|e| CliError::unusable(format!("{}: {e}", dir.display())))?;
            clap_mangen::generate_to(command, dir)
                .map_err(|e| CliError::unusable(format!("{}: {e}", dir.display())))?;
            output::print(&format!("Manual pages written to {}\n", dir.display()))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
