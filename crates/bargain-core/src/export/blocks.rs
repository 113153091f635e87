//! A redline cut into lines, each with the Markdown block it is (heading, list item, text):
//! the layout that the document renderers (HTML, Word) share, so a heading is a heading in
//! every format and no renderer re-reads Markdown on its own.
//!
//! Owns: cutting the segments at every line break (a line break belongs to the segment that
//! holds it: a deleted one ends an old line, an inserted one a new line; one deleted by a
//! layout-only change ends no line unless struck-out text precedes it), and recognising a
//! line's block from its first words (`# `…`###### ` headings, `- `/`* `/`+ ` list items).
//! Never does: escaping or any output format; the text of every piece is the redline's own,
//! except that a heading's `#` marker is left out.

use crate::redline::{Segment, SegmentKind};

/// A piece of one line, of one kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece<'a> {
    /// Index of the segment the piece is from.
    pub segment: usize,
    pub kind: SegmentKind,
    pub by: &'a [String],
    pub layout: bool,
    pub text: &'a str,
}

/// What a line is, read from its Markdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Block {
    /// Ordinary text: a paragraph of contract language.
    Text,
    /// `#` … `######`: the heading level, 1 to 6 (the marker is not in the pieces).
    Heading(u8),
    /// `- `, `* ` or `+ ` (the marker is left in the pieces).
    Bullet,
    /// Nothing but whitespace.
    Blank,
}

/// One line of the redline: the pieces before its line break, and the kind of that break
/// (`None` for a last line without one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line<'a> {
    pub block: Block,
    pub pieces: Vec<Piece<'a>>,
    pub end: Option<SegmentKind>,
}

impl Line<'_> {
    /// The line's text as the new version has it (as the old, when `old`).
    pub fn text(&self, old: bool) -> String {
        self.pieces
            .iter()
            .filter(|p| {
                if old {
                    p.kind.in_old()
                } else {
                    p.kind.in_new()
                }
            })
            .map(|p| p.text)
            .collect()
    }

    /// The sides that made the line's changes, each once, in order of appearance.
    pub fn sides(&self) -> Vec<&str> {
        let mut sides: Vec<&str> = Vec::new();
        for p in &self.pieces {
            for s in p.by {
                if !sides.contains(&s.as_str()) {
                    sides.push(s);
                }
            }
        }
        sides
    }
}

/// The segments as lines, in reading order, in the new text's layout.
pub fn lines<'a>(segments: &'a [Segment<'_>]) -> Vec<Line<'a>> {
    lines_with(segments, Layout::New)
}

/// Where the line breaks of a layout-only change (a re-wrapped text) end lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// As the new text breaks them (a page showing the new text).
    New,
    /// Nowhere (a Word file, where a re-wrapped line is no new paragraph: accepting or
    /// rejecting a revision of spacing must not split or join paragraphs).
    Neither,
}

/// [`lines`], with the line breaks of layout-only changes placed as `layout` says; after
/// struck-out text they always end the line, or that text runs into the next paragraph.
pub fn lines_with<'a>(segments: &'a [Segment<'_>], layout: Layout) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    let mut pieces: Vec<Piece<'a>> = Vec::new();
    for (index, s) in segments.iter().enumerate() {
        let after_struck = index.checked_sub(1).map(|i| &segments[i]).is_some_and(|p| {
            matches!(
                (p.kind, p.layout),
                (SegmentKind::Deleted, false) | (SegmentKind::MovedFrom(_), _)
            )
        });
        let keep_in_line = match layout {
            Layout::New => s.kind == SegmentKind::Deleted,
            Layout::Neither => true,
        };
        if s.layout && keep_in_line && !after_struck {
            // The old line breaks of a re-wrapped text end no line: the words around them are
            // the same, and the new text runs on (a renderer shows the piece as a space). After
            // struck-out text they do end it, or that text would run into the next paragraph.
            pieces.push(Piece {
                segment: index,
                kind: s.kind,
                by: &s.by,
                layout: true,
                text: s.text,
            });
            continue;
        }
        let mut rest: &'a str = s.text;
        while !rest.is_empty() {
            let (part, broke) = match rest.find('\n') {
                Some(i) => (&rest[..i], Some(i)),
                None => (rest, None),
            };
            let part = part.strip_suffix('\r').unwrap_or(part);
            if !part.is_empty() {
                pieces.push(Piece {
                    segment: index,
                    kind: s.kind,
                    by: &s.by,
                    layout: s.layout,
                    text: part,
                });
            }
            match broke {
                Some(i) => {
                    lines.push(line(std::mem::take(&mut pieces), Some(s.kind)));
                    rest = &rest[i + 1..];
                }
                None => rest = "",
            }
        }
    }
    if !pieces.is_empty() {
        lines.push(line(pieces, None));
    }
    lines
}

fn line<'a>(mut pieces: Vec<Piece<'a>>, end: Option<SegmentKind>) -> Line<'a> {
    let blank = pieces.iter().all(|p| p.text.trim().is_empty());
    let block = match pieces.first() {
        _ if blank => Block::Blank,
        Some(first) => {
            let lead = first.text.trim_start();
            let hashes = lead.bytes().take_while(|&b| b == b'#').count();
            let after = &lead[hashes..];
            if (1..=6).contains(&hashes) && (after.starts_with(' ') || after.starts_with('\t')) {
                let text = after.trim_start();
                if text.is_empty() {
                    pieces.remove(0);
                } else {
                    pieces[0].text = text;
                }
                Block::Heading(hashes as u8)
            } else if ["- ", "* ", "+ "].iter().any(|m| lead.starts_with(m)) {
                Block::Bullet
            } else {
                Block::Text
            }
        }
        None => Block::Blank,
    };
    Line { block, pieces, end }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::redline::{Options, compare};

    #[test]
    fn a_heading_loses_its_marker_and_keeps_its_words() {
        let r = compare(
            "# Article 12 — AI\n\n12.1 Old words.\n",
            "# Article 12 — AI\n\n12.1 New words.\n- a list item\n",
            &Options::by("union"),
        );
        let lines = lines(&r.segments);
        assert_eq!(lines[0].block, Block::Heading(1));
        assert_eq!(lines[0].text(false), "Article 12 — AI");
        assert_eq!(lines[1].block, Block::Blank);
        assert_eq!(lines[2].block, Block::Text);
        assert_eq!(lines[2].text(true), "12.1 Old words.");
        assert_eq!(lines[2].text(false), "12.1 New words.");
        assert_eq!(lines[2].sides(), ["union"]);
        assert_eq!(lines[3].block, Block::Bullet);
    }
}
