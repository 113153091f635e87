//! A popup centred over the panes, as the import screen and the recording form are drawn: the
//! cells under it cleared, a border in the key colour, a title on it. Draws only.

use super::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders, Clear, Widget};

/// Draws a popup's frame centred on `screen`: four columns narrower and two rows shorter than
/// it, and no larger than `max` (columns, rows). Returns where its contents go, inside the
/// border and a column in from each side; `None`, with nothing drawn, when the popup would be
/// smaller than `min`.
pub fn frame(
    buf: &mut Buffer,
    screen: Rect,
    max: (u16, u16),
    min: (u16, u16),
    title: &str,
    theme: Theme,
) -> Option<Rect> {
    let w = screen.width.saturating_sub(4).min(max.0);
    let h = screen.height.saturating_sub(2).min(max.1);
    if w < min.0 || h < min.1 {
        return None;
    }
    let area = Rect::new(
        screen.x + (screen.width - w) / 2,
        screen.y + (screen.height - h) / 2,
        w,
        h,
    );
    Clear.render(area, buf);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.key())
        .title(Span::styled(title, theme.bold()));
    let inner = block.inner(area);
    block.render(area, buf);
    Some(Rect::new(
        inner.x + 1,
        inner.y,
        inner.width.saturating_sub(2),
        inner.height,
    ))
}
