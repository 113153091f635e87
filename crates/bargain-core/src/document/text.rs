//! The text reader: `.txt` (as `pdftotext -layout` writes it, form feeds between pages) and
//! `.md`. Each line of the file is one [`Line`], kept byte for byte (less its line ending), so
//! the lines joined by newlines are the file again.
//!
//! A Markdown ATX heading (`### ARTICLE 1`, at most three spaces in) gives the line its level in
//! both kinds: agreements extracted to text often carry them, and they are never contract words.

use super::{Document, DocumentError, Kind, Limits, Line};

pub(super) fn read(bytes: &[u8], kind: Kind, limits: &Limits) -> Result<Document, DocumentError> {
    let text = crate::text::text_in(bytes, "").map_err(|p| DocumentError::NotText {
        line: p.line.unwrap_or(1),
        column: p.column,
        message: p.message,
    })?;
    if text.len() > limits.max_text_bytes {
        return Err(DocumentError::TextTooLarge {
            limit: limits.max_text_bytes,
        });
    }
    Ok(Document {
        kind,
        lines: lines_of(text),
        notes: Vec::new(),
    })
}

/// The lines of a text, each with its page break and Markdown level.
pub fn lines_of(text: &str) -> Vec<Line> {
    let mut lines = Vec::with_capacity(text.len() / 40);
    let body = text.strip_suffix('\n').unwrap_or(text);
    if body.is_empty() && text.is_empty() {
        return lines;
    }
    for raw in body.split('\n') {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        lines.push(Line {
            text: raw.to_string(),
            level: markdown_level(raw),
            page_break: raw.starts_with('\u{c}'),
            toc: false,
        });
    }
    lines
}

/// The level of a Markdown ATX heading line (`# ` … `###### `), after any form feeds.
fn markdown_level(raw: &str) -> Option<u8> {
    let rest = raw.trim_start_matches('\u{c}');
    let indent = rest.len() - rest.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &rest[indent..];
    let hashes = rest.len() - rest.trim_start_matches('#').len();
    if !(1..=6).contains(&hashes) {
        return None;
    }
    let after = &rest[hashes..];
    (after.is_empty() || after.starts_with([' ', '\t'])).then_some(hashes as u8)
}

/// A line's text without form feeds, a Markdown heading marker, and surrounding whitespace.
pub fn content(raw: &str) -> &str {
    let rest = raw.trim_start_matches('\u{c}');
    let rest = match markdown_level(rest) {
        Some(level) => &rest.trim_start_matches(' ')[usize::from(level)..],
        None => rest,
    };
    rest.trim_matches(|c: char| c.is_whitespace() || c == '\u{c}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_keep_their_bytes_and_marks() {
        let lines = lines_of("one\r\n\u{c}### ARTICLE 5 - X\n      #2-3 of this\n\n");
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[0].text, "one");
        assert!(lines[1].page_break);
        assert_eq!(lines[1].level, Some(3));
        assert_eq!(lines[1].content(), "ARTICLE 5 - X");
        assert_eq!(lines[2].level, None, "indented # is text, not a heading");
        assert_eq!(lines[2].content(), "#2-3 of this");
        assert!(lines[3].is_blank());
    }

    #[test]
    fn not_utf8_names_the_line() {
        let err = read(b"ok\n\xff\n", Kind::Text, &Limits::default()).unwrap_err();
        assert!(
            matches!(err, DocumentError::NotText { line: 2, .. }),
            "{err:?}"
        );
    }
}
