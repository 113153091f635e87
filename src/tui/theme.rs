//! The TUI's styles. Meaning is never carried by colour alone: deletions are struck through,
//! insertions underlined, moves italic with a marker, the selection reversed, and a status badge
//! is a word. Colours are only the basic ANSI ones on the terminal's own background, so the screen
//! reads on light and dark terminals; with `NO_COLOR` set there are no colours at all.

use bargain_core::model::Status;
use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    fn fg(self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    pub fn deleted(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::CROSSED_OUT)
    }

    pub fn inserted(self) -> Style {
        self.fg(Color::Green).add_modifier(Modifier::UNDERLINED)
    }

    pub fn moved(self) -> Style {
        self.fg(Color::Magenta).add_modifier(Modifier::ITALIC)
    }

    pub fn heading(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn plain(self) -> Style {
        Style::new()
    }

    pub fn dim(self) -> Style {
        Style::new().add_modifier(Modifier::DIM)
    }

    pub fn bold(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// The selected row of a list.
    pub fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    /// The title bar of a pane: reversed when it has the focus.
    pub fn pane_title(self, focused: bool) -> Style {
        if focused {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
        }
    }

    /// A search match.
    pub fn hit(self) -> Style {
        if self.color {
            Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }

    /// The side that made a change, in a view of several sides.
    pub fn side_tag(self) -> Style {
        self.fg(Color::Blue).add_modifier(Modifier::BOLD)
    }

    pub fn key(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn warning(self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    pub fn error(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn status(self, status: Option<Status>) -> Style {
        match status {
            Some(Status::Open) => self.fg(Color::Yellow),
            Some(Status::TentativelyAgreed) | Some(Status::Ratified) => {
                self.fg(Color::Green).add_modifier(Modifier::BOLD)
            }
            Some(Status::CurrentLanguage) => self.fg(Color::Blue),
            Some(Status::Withdrawn) => self.dim(),
            Some(Status::Impasse) => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            None => self.error(),
        }
    }
}
