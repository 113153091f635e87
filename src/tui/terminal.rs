//! Taking the terminal and always giving it back: raw mode, the alternate screen and mouse
//! capture are undone on a normal exit, on an error, and on a panic (before the panic message is
//! printed, so it is readable).

use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::io::{self, Stdout};

pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Restores the terminal when dropped.
pub struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

/// Takes the terminal; the guard gives it back.
pub fn setup() -> io::Result<(Term, Guard)> {
    install_panic_hook();
    enable_raw_mode()?;
    let guard = Guard;
    execute!(io::stdout(), EnterAlternateScreen, EnableMouseCapture)?;
    let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    terminal.hide_cursor()?;
    // Not `terminal.clear()`: it asks the terminal where the cursor is, and waits for the answer.
    execute!(
        io::stdout(),
        crossterm::terminal::Clear(crossterm::terminal::ClearType::All)
    )?;
    Ok((terminal, guard))
}

/// Gives the terminal back. Safe to call more than once.
pub fn restore() {
    let _ = execute!(
        io::stdout(),
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = disable_raw_mode();
}

/// Background threads are named `bargain-…` (see `jobs`).
fn is_worker() -> bool {
    std::thread::current()
        .name()
        .is_some_and(|n| n.starts_with("bargain-"))
}

/// The message of a caught panic.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // A worker's panic is caught there and shown on screen as an error; the UI goes on.
        if is_worker() {
            return;
        }
        restore();
        previous(info);
    }));
}

/// Takes the terminal again after a program (an editor) had it, and makes the next draw repaint
/// every cell.
pub fn resume(terminal: &mut Term) -> io::Result<()> {
    enable_raw_mode()?;
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        crossterm::terminal::Clear(crossterm::terminal::ClearType::All)
    )?;
    terminal.hide_cursor()?;
    // The buffer of what is on screen is forgotten, so nothing is taken as already drawn.
    terminal.swap_buffers();
    Ok(())
}
