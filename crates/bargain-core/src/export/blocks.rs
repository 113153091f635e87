//! A redline cut into lines, each with the Markdown block it is (heading, list item, text):
//! the layout that the document renderers (HTML, Word) share, so a heading is a heading in
//! every format and no renderer re-reads Markdown on its own.
//!
//! Owns: cutting the segments at every line break (a line break belongs to the segment that
//! holds it: a deleted one ends an old line, an inserted one a new line; one deleted by a
//! layout-only change ends no line unless struck-out text precedes it), and recognising a
//! line's block from its first words (`# `…`###### ` headings, `- `/`* `/`+ ` list items),
//! after any form feeds (a PDF's page boundary: the line then starts a page).
//! Never does: escaping or any output format; the text of every piece is the redline's own,
//! except that a heading's `#` marker and a line's leading form feeds are left out.

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
    /// The line began with a form feed (a page boundary of text taken from a PDF): it starts
    /// a page. The form feeds are not in the pieces.
    pub page_break: bool,
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
            // Except a line break right before a heading: the heading opens its own line.
            Layout::Neither => !(s.text.contains('\n') && heading_follows(&segments[index + 1..])),
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
    // Form feeds before the first words mark a page boundary, not text: taken out of the
    // pieces, so a heading after one is still a heading.
    let mut page_break = false;
    for p in pieces.iter_mut() {
        let rest = p.text.trim_start_matches('\x0c');
        if rest.len() != p.text.len() {
            page_break = true;
            p.text = rest;
        }
        if !rest.is_empty() {
            break;
        }
    }
    if page_break {
        pieces.retain(|p| !p.text.is_empty());
    }
    let blank = pieces.iter().all(|p| p.text.trim().is_empty());
    // Whitespace in pieces of its own before the first words (a layout change's).
    let lead = pieces
        .iter()
        .take_while(|p| p.text.trim().is_empty())
        .count();
    let block = match pieces.get(lead) {
        _ if blank => Block::Blank,
        Some(first) => {
            if let Some((level, text)) = atx_heading(first.text) {
                if text.is_empty() {
                    pieces.remove(lead);
                } else {
                    pieces[lead].text = text;
                }
                pieces.drain(..lead);
                Block::Heading(level)
            } else if ["- ", "* ", "+ "]
                .iter()
                .any(|m| first.text.trim_start().starts_with(m))
            {
                Block::Bullet
            } else {
                one_texts_heading(&mut pieces, lead)
            }
        }
        None => Block::Blank,
    };
    Line {
        block,
        pieces,
        end,
        page_break,
    }
}

/// A line that is a heading in one text only: its old words replaced by a new heading, or the
/// reverse. The marker is no words of either text, so it is left out of the piece that opens
/// that text's line; the line is a heading when the new text's is.
fn one_texts_heading(pieces: &mut Vec<Piece<'_>>, lead: usize) -> Block {
    let mut block = Block::Text;
    for new in [true, false] {
        let opens = pieces.iter().skip(lead).position(|p| {
            (if new {
                p.kind.in_new()
            } else {
                p.kind.in_old()
            }) && !p.text.trim().is_empty()
        });
        let Some(at) = opens.map(|i| i + lead) else {
            continue;
        };
        if let Some((level, text)) = atx_heading(pieces[at].text) {
            pieces[at].text = text;
            if new {
                block = Block::Heading(level);
            }
        }
    }
    pieces.retain(|p| !p.text.is_empty());
    block
}

/// Whether the first words after `rest`'s leading whitespace-only segments open a heading
/// (so a line break just before them is one in every text).
fn heading_follows(rest: &[Segment<'_>]) -> bool {
    rest.iter()
        .find(|s| !s.text.trim().is_empty())
        .is_some_and(|s| {
            let text = s
                .text
                .trim_start_matches(|c: char| c.is_whitespace() && c != '\n');
            atx_heading(text).is_some() && !text.starts_with('\n')
        })
}

/// A Markdown heading (`# ` … `###### `, after any form feeds and at most three spaces, as
/// CommonMark has it: a `#` further in is table content, not a heading): its level and its
/// words without the marker. The one test of "heading" every renderer uses.
pub fn atx_heading(text: &str) -> Option<(u8, &str)> {
    let text = text.trim_start_matches('\x0c');
    let lead = text.trim_start_matches(' ');
    if text.len() - lead.len() > 3 {
        return None;
    }
    let hashes = lead.bytes().take_while(|&b| b == b'#').count();
    let after = &lead[hashes..];
    ((1..=6).contains(&hashes) && (after.starts_with(' ') || after.starts_with('\t')))
        .then(|| (hashes as u8, after.trim_start()))
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

    #[test]
    fn a_heading_after_a_form_feed_is_a_heading_that_starts_a_page() {
        // As pdftotext writes a page boundary: the form feed opens the page's first line,
        // whether it is in the same segment as the marker or not.
        let old = "Intro.\n\x0c# Article 5 — Wages\n\n5.1 Pay.\n";
        let new = "Intro, changed.\n\x0c# Article 5 — Wages\n\n5.1 Pay more.\n";
        let r = compare(old, new, &Options::by("union"));
        let lines = lines(&r.segments);
        let heading = lines
            .iter()
            .find(|l| l.text(false).contains("Article 5"))
            .unwrap();
        assert_eq!(heading.block, Block::Heading(1));
        assert!(heading.page_break);
        assert_eq!(heading.text(false), "Article 5 — Wages");
        assert_eq!(heading.text(true), "Article 5 — Wages");
        let segments = [Segment::equal("x\n\x0c"), Segment::equal("## 5.2 Hours\n")];
        let lines = super::lines(&segments);
        assert_eq!(lines[1].block, Block::Heading(2));
        assert!(lines[1].page_break && !lines[0].page_break);
        assert_eq!(lines[1].text(false), "5.2 Hours");
        assert_eq!(atx_heading("\x0c  ### A"), Some((3, "A")));
        assert_eq!(atx_heading("        #      #"), None, "table content");
        assert_eq!(atx_heading("#hashtag"), None);
    }
}
