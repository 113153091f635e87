//! Whether to colour output: the one place `NO_COLOR` (https://no-color.org) and the
//! `--color` choice are read, for the CLI's redlines and the TUI alike. Without colour, meaning
//! never depends on it: redlines carry markers, the TUI keeps strike and underline.

/// `--color`: auto (a terminal, and `NO_COLOR` unset or empty), always, never.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// Whether the user asked for no colour through the environment.
pub fn no_color_env() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Whether to colour output going to a terminal (`is_terminal`) or not.
pub fn wanted(choice: ColorChoice, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => is_terminal && !no_color_env(),
    }
}
