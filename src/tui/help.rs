//! The `?` overlay: every binding of the key table, grouped by where it applies, wrapped to the
//! overlay's width (a long sentence continues under itself, never cut). `view` draws these lines
//! and `update` scrolls through them, both from [`lines`] and [`area`], so the last line reached
//! by `G` is the last line drawn.

use super::keys::{BINDINGS, Scope};
use ratatui::layout::Rect;
use unicode_width::UnicodeWidthStr;

/// Columns given to the keys before their sentences ("  g/Home  ").
const KEY_COLUMN: usize = 10;

/// What a line of the overlay is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Where the keys below apply ("Article list").
    Heading,
    /// A binding: `key` on its first line, empty on the lines its sentence continues on.
    Binding,
    /// A closing remark.
    Note,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpLine {
    pub kind: Kind,
    pub key: String,
    pub text: String,
}

/// The overlay on a screen of `size`: centred, at most 76 columns, two rows shorter than it.
pub fn area(size: (u16, u16)) -> Rect {
    let (sw, sh) = size;
    let w = if sw < 100 { sw } else { 76 };
    let h = sh.saturating_sub(2).max(3).min(sh);
    Rect::new((sw - w) / 2, (sh - h) / 2, w, h)
}

/// Where the lines go inside the overlay (below its title row, a column in from each side).
pub fn body(size: (u16, u16)) -> Rect {
    let a = area(size);
    Rect::new(
        a.x + 1,
        a.y + 1,
        a.width.saturating_sub(2),
        a.height.saturating_sub(1),
    )
}

/// The scopes the overlay lists, in its order.
pub const SCOPES: [Scope; 7] = [
    Scope::Global,
    Scope::List,
    Scope::Redline,
    Scope::History,
    Scope::Search,
    Scope::Record,
    Scope::Import,
];

/// Every line of the overlay for a body `width` columns wide.
pub fn lines(width: u16) -> Vec<HelpLine> {
    let width = usize::from(width);
    let text_w = width.saturating_sub(KEY_COLUMN).max(12);
    let mut out = Vec::new();
    for scope in SCOPES {
        out.push(HelpLine {
            kind: Kind::Heading,
            key: String::new(),
            text: scope.title().to_string(),
        });
        for b in BINDINGS.iter().filter(|b| b.scope == scope) {
            for (i, part) in wrap(b.help, text_w).into_iter().enumerate() {
                out.push(HelpLine {
                    kind: Kind::Binding,
                    key: if i == 0 {
                        format!("  {:<w$}", b.label, w = KEY_COLUMN - 2)
                    } else {
                        " ".repeat(KEY_COLUMN)
                    },
                    text: part,
                });
            }
        }
    }
    for part in wrap(
        "Mouse: wheel scrolls the pane under it; click selects, click again opens",
        width.max(12),
    ) {
        out.push(HelpLine {
            kind: Kind::Note,
            key: String::new(),
            text: part,
        });
    }
    out
}

/// The furthest the overlay scrolls on a screen of `size`: its last line at the bottom.
pub fn max_scroll(size: (u16, u16)) -> usize {
    let body = body(size);
    lines(body.width)
        .len()
        .saturating_sub(usize::from(body.height))
}

/// Greedy word wrap; a word longer than a line is cut.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let sep = usize::from(!line.is_empty());
        if !line.is_empty() && line.width() + sep + word.width() > width {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
        while line.width() > width {
            let cut: String = line.chars().take(width).collect();
            let rest: String = line.chars().skip(width).collect();
            out.push(cut);
            line = rest;
        }
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sentence_fits_its_line_and_reads_whole_when_joined() {
        for width in [40u16, 78] {
            let lines = lines(width);
            for l in &lines {
                assert!(
                    l.key.width() + l.text.width() <= usize::from(width),
                    "{width}: {l:?}"
                );
            }
            // Each binding's lines, joined again, are its whole sentence, in the table's order.
            let mut sentences: Vec<String> = Vec::new();
            for l in lines.iter().filter(|l| l.kind == Kind::Binding) {
                if l.key.trim().is_empty() {
                    let last = sentences.last_mut().expect("a first line");
                    last.push(' ');
                    last.push_str(&l.text);
                } else {
                    sentences.push(l.text.clone());
                }
            }
            let mut expected: Vec<String> = Vec::new();
            for scope in SCOPES {
                expected.extend(
                    BINDINGS
                        .iter()
                        .filter(|b| b.scope == scope)
                        .map(|b| b.help.to_string()),
                );
            }
            assert_eq!(sentences, expected, "{width}");
        }
    }
}
