//! The redline pane's model and its rendering into screen rows.
//!
//! Input: a [`RedlineDoc`], a list of segments (kind + text, and the side that made a change),
//! with a summary and where each change starts. [`RedlineDoc::compare`] and
//! [`RedlineDoc::three_way`] fill it from two (or more) texts.
//!
//! Output: [`render`] wraps the document once for a width, a layout (inline or side by side) and
//! a look (markers, colour) into plain rows of spans. The caller keeps the result for as long as
//! that key holds and draws only the rows in view: re-wrapping a 100,000-word text on every frame
//! is what made ratatui's wrapped `Paragraph` slow.
//!
//! Everything from the repository is escaped here ([`crate::untrusted::escape_controls`]) before
//! it becomes a span; the segments themselves stay exact.

use super::theme::Theme;
use crate::untrusted::escape_controls;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

/// What a segment is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SegKind {
    Equal,
    Deleted,
    Inserted,
    /// Old text that moved elsewhere.
    MovedFrom,
    /// New text that arrived from elsewhere.
    MovedTo,
    /// Display only, part of neither text (e.g. a section title in a three-way view).
    Heading,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seg {
    pub kind: SegKind,
    pub text: String,
    /// Side ids that made this change.
    pub by: Vec<String>,
}

/// Counts for the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub inserted_words: usize,
    pub deleted_words: usize,
    pub moved_words: usize,
    pub changed_paragraphs: usize,
}

/// A redline ready to show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RedlineDoc {
    pub segments: Vec<Seg>,
    pub summary: Summary,
    /// Index of the first segment of each change, in reading order.
    pub changes: Vec<usize>,
    /// Something the reader should know (e.g. the comparison was coarse).
    pub note: Option<String>,
}

impl RedlineDoc {
    /// Compares two texts. (Until the redline engine lands this is a line-level diff.)
    pub fn compare(old: &str, new: &str, by: Option<&str>) -> RedlineDoc {
        let mut doc = RedlineDoc {
            segments: diff_segments(old, new, by),
            ..RedlineDoc::default()
        };
        doc.finish();
        doc
    }

    /// Each side's text against one base, one section per side.
    pub fn three_way(base: &str, sides: &[(String, String, &str)]) -> RedlineDoc {
        let mut segments = Vec::new();
        for (side, title, text) in sides {
            segments.push(Seg {
                kind: SegKind::Heading,
                text: format!("{title}\n"),
                by: Vec::new(),
            });
            segments.extend(diff_segments(base, text, Some(side)));
            if !segments.last().is_some_and(|s| s.text.ends_with('\n')) {
                segments.push(Seg {
                    kind: SegKind::Heading,
                    text: "\n".to_string(),
                    by: Vec::new(),
                });
            }
        }
        let mut doc = RedlineDoc {
            segments,
            ..RedlineDoc::default()
        };
        doc.finish();
        doc
    }

    /// A document that only says something (an error, "loading").
    pub fn message(text: &str) -> RedlineDoc {
        RedlineDoc {
            segments: vec![Seg {
                kind: SegKind::Heading,
                text: text.to_string(),
                by: Vec::new(),
            }],
            ..RedlineDoc::default()
        }
    }

    fn finish(&mut self) {
        let mut summary = Summary::default();
        let mut changes = Vec::new();
        let mut in_change = false;
        for (i, s) in self.segments.iter().enumerate() {
            let words = s.text.split_whitespace().count();
            match s.kind {
                SegKind::Equal | SegKind::Heading => {
                    in_change = false;
                    continue;
                }
                SegKind::Deleted => summary.deleted_words += words,
                SegKind::Inserted => summary.inserted_words += words,
                SegKind::MovedTo => summary.moved_words += words,
                SegKind::MovedFrom => {}
            }
            if !in_change {
                changes.push(i);
                summary.changed_paragraphs += 1;
                in_change = true;
            }
        }
        self.summary = summary;
        self.changes = changes;
    }

    pub fn is_unchanged(&self) -> bool {
        self.changes.is_empty()
    }
}

/// Line-level segments, adjacent lines of one kind merged.
fn diff_segments(old: &str, new: &str, by: Option<&str>) -> Vec<Seg> {
    let diff = similar::TextDiff::from_lines(old, new);
    let mut segments: Vec<Seg> = Vec::new();
    for change in diff.iter_all_changes() {
        let kind = match change.tag() {
            similar::ChangeTag::Equal => SegKind::Equal,
            similar::ChangeTag::Delete => SegKind::Deleted,
            similar::ChangeTag::Insert => SegKind::Inserted,
        };
        match segments.last_mut() {
            Some(last) if last.kind == kind => last.text.push_str(change.value()),
            _ => segments.push(Seg {
                kind,
                text: change.value().to_string(),
                by: match (kind, by) {
                    (SegKind::Equal, _) | (_, None) => Vec::new(),
                    (_, Some(side)) => vec![side.to_string()],
                },
            }),
        }
    }
    segments
}

/// Inline (one column, deletions before insertions) or side by side (old left, new right).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layout {
    Inline,
    SideBySide,
}

/// How changes are marked. Markers put brackets around changes so they read without colour and
/// without strike-through (`[-deleted-]`, `{+inserted+}`); moves are always marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Look {
    pub theme: Theme,
    pub markers: bool,
}

impl Look {
    fn style(self, kind: SegKind) -> Style {
        match kind {
            SegKind::Equal => self.theme.plain(),
            SegKind::Deleted => self.theme.deleted(),
            SegKind::Inserted => self.theme.inserted(),
            SegKind::MovedFrom | SegKind::MovedTo => self.theme.moved(),
            SegKind::Heading => self.theme.heading(),
        }
    }

    /// Opening and closing markers of a kind of segment.
    pub fn markers(self, kind: SegKind) -> (&'static str, &'static str) {
        match kind {
            SegKind::Deleted if self.markers => ("[-", "-]"),
            SegKind::Inserted if self.markers => ("{+", "+}"),
            SegKind::MovedFrom => ("[moved away: ", "]"),
            SegKind::MovedTo => ("{moved here: ", "}"),
            _ => ("", ""),
        }
    }

    /// The legend: each kind of change shown as it is drawn.
    pub fn legend(self) -> Vec<Span<'static>> {
        let mut spans = Vec::new();
        for (kind, word) in [
            (SegKind::Deleted, "deleted"),
            (SegKind::Inserted, "inserted"),
            (SegKind::MovedFrom, "moved"),
        ] {
            let (open, close) = self.markers(kind);
            let open = if kind == SegKind::MovedFrom {
                "[moved: "
            } else {
                open
            };
            let word = if kind == SegKind::MovedFrom {
                "…"
            } else {
                word
            };
            if !spans.is_empty() {
                spans.push(Span::raw(" "));
            }
            spans.push(Span::styled(
                format!("{open}{word}{close}"),
                self.style(kind),
            ));
        }
        spans
    }
}

/// A document wrapped for one width, layout and look.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub lines: Vec<Line<'static>>,
    /// The row where each change of [`RedlineDoc::changes`] starts.
    pub change_rows: Vec<usize>,
}

impl Rendered {
    /// The plain text of a row (for search).
    pub fn row_text(&self, row: usize) -> String {
        self.lines.get(row).map_or_else(String::new, |l| {
            l.spans.iter().map(|s| s.content.as_ref()).collect()
        })
    }
}

/// Text of one segment as it may be drawn: controls escaped, tabs expanded, CR before LF gone.
fn display(text: &str) -> String {
    escape_controls(text)
        .replace("\r\n", "\n")
        .replace('\t', "    ")
}

type Piece = (Style, String);

/// Wraps a document once. `width` is the pane's text width in cells.
pub fn render(doc: &RedlineDoc, width: u16, layout: Layout, look: Look) -> Rendered {
    let width = usize::from(width.max(8));
    match layout {
        Layout::Inline => render_inline(doc, width, look),
        Layout::SideBySide => render_side_by_side(doc, width, look),
    }
}

fn render_inline(doc: &RedlineDoc, width: usize, look: Look) -> Rendered {
    /// The logical line being built, and where changes start in it.
    struct Line {
        pieces: Vec<Piece>,
        /// Piece index where a change starts, one per change.
        anchors: Vec<usize>,
        /// Changes started whose first piece is not pushed yet.
        pending: usize,
    }
    impl Line {
        fn push(&mut self, piece: Piece) {
            for _ in 0..std::mem::take(&mut self.pending) {
                self.anchors.push(self.pieces.len());
            }
            self.pieces.push(piece);
        }
        fn flush(
            &mut self,
            rows: &mut Vec<Vec<Piece>>,
            width: usize,
            change_rows: &mut Vec<usize>,
        ) {
            let found = wrap_anchored(rows, &self.pieces, width, &self.anchors);
            change_rows.extend(found);
            self.pieces.clear();
            self.anchors.clear();
        }
    }
    let mut out = Rendered::default();
    let mut rows: Vec<Vec<Piece>> = Vec::new();
    let mut cur = Line {
        pieces: Vec::new(),
        anchors: Vec::new(),
        pending: 0,
    };
    let mut next_change = doc.changes.iter().peekable();
    for (i, seg) in doc.segments.iter().enumerate() {
        if next_change.peek() == Some(&&i) {
            next_change.next();
            cur.pending += 1;
        }
        let style = look.style(seg.kind);
        let (open, close) = look.markers(seg.kind);
        if !open.is_empty() {
            cur.push((style, open.to_string()));
        }
        let text = display(&seg.text);
        let body = text.trim_end_matches('\n');
        for (k, part) in body.split('\n').enumerate() {
            if k > 0 {
                cur.flush(&mut rows, width, &mut out.change_rows);
            }
            if !part.is_empty() {
                cur.push((style, part.to_string()));
            }
        }
        // The closing marker stays on the line where the text ends.
        if !close.is_empty() {
            cur.push((style, close.to_string()));
        }
        for _ in 0..text.len() - body.len() {
            cur.flush(&mut rows, width, &mut out.change_rows);
        }
    }
    if !cur.pieces.is_empty() {
        cur.flush(&mut rows, width, &mut out.change_rows);
    }
    for _ in 0..cur.pending {
        out.change_rows.push(rows.len().saturating_sub(1));
    }
    out.lines = rows.into_iter().map(to_line).collect();
    out
}

fn render_side_by_side(doc: &RedlineDoc, width: usize, look: Look) -> Rendered {
    let col = width.saturating_sub(3) / 2;
    let mut out = Rendered::default();
    let mut rows: Vec<Vec<Piece>> = Vec::new();
    let mut group = Group::default();
    let mut next_change = doc.changes.iter().peekable();
    let sep: Piece = (look.theme.dim(), " │ ".to_string());
    for (i, seg) in doc.segments.iter().enumerate() {
        let style = look.style(seg.kind);
        let (open, close) = look.markers(seg.kind);
        let (left, right) = match seg.kind {
            SegKind::Equal => (true, true),
            SegKind::Deleted | SegKind::MovedFrom => (true, false),
            SegKind::Inserted | SegKind::MovedTo => (false, true),
            SegKind::Heading => {
                group.emit(&mut rows, col, &sep);
                for part in display(&seg.text).split('\n').filter(|p| !p.is_empty()) {
                    wrap_into(&mut rows, &[(style, part.to_string())], width);
                }
                continue;
            }
        };
        if seg.kind == SegKind::Equal && group.at_line_start() {
            group.emit(&mut rows, col, &sep);
        }
        if next_change.peek() == Some(&&i) {
            next_change.next();
            out.change_rows.push(rows.len());
        }
        let text = display(&seg.text);
        let body = text.trim_end_matches('\n');
        if !open.is_empty() {
            group.push(left, right, (style, open.to_string()));
        }
        for (k, part) in body.split('\n').enumerate() {
            if k > 0 {
                group.newline(left, right, &mut rows, col, &sep);
            }
            if !part.is_empty() {
                group.push(left, right, (style, part.to_string()));
            }
        }
        if !close.is_empty() {
            group.push(left, right, (style, close.to_string()));
        }
        for _ in 0..text.len() - body.len() {
            group.newline(left, right, &mut rows, col, &sep);
        }
    }
    if !group.left.is_empty() {
        group.left_lines.push(std::mem::take(&mut group.left));
    }
    if !group.right.is_empty() {
        group.right_lines.push(std::mem::take(&mut group.right));
    }
    group.emit(&mut rows, col, &sep);
    out.lines = rows.into_iter().map(to_line).collect();
    out
}

/// Lines of the old and the new text between two points where both sides are aligned.
#[derive(Default)]
struct Group {
    left_lines: Vec<Vec<Piece>>,
    right_lines: Vec<Vec<Piece>>,
    left: Vec<Piece>,
    right: Vec<Piece>,
}

impl Group {
    fn push(&mut self, left: bool, right: bool, piece: Piece) {
        if left {
            self.left.push(piece.clone());
        }
        if right {
            self.right.push(piece);
        }
    }

    /// Ends the current line of the sides the text belongs to; text on both sides is a point
    /// where the columns align again.
    fn newline(
        &mut self,
        left: bool,
        right: bool,
        rows: &mut Vec<Vec<Piece>>,
        col: usize,
        sep: &Piece,
    ) {
        if left {
            self.left_lines.push(std::mem::take(&mut self.left));
        }
        if right {
            self.right_lines.push(std::mem::take(&mut self.right));
        }
        if left && right {
            self.emit(rows, col, sep);
        }
    }

    fn at_line_start(&self) -> bool {
        self.left.is_empty() && self.right.is_empty()
    }

    /// Wraps both sides into columns, pads the shorter, appends the rows.
    fn emit(&mut self, rows: &mut Vec<Vec<Piece>>, col: usize, sep: &Piece) {
        if self.left_lines.is_empty() && self.right_lines.is_empty() {
            return;
        }
        let mut left = Vec::new();
        for line in self.left_lines.drain(..) {
            wrap_into(&mut left, &line, col);
        }
        let mut right = Vec::new();
        for line in self.right_lines.drain(..) {
            wrap_into(&mut right, &line, col);
        }
        for i in 0..left.len().max(right.len()) {
            let mut row = left.get(i).cloned().unwrap_or_default();
            let used: usize = row.iter().map(|(_, t)| text_width(t)).sum();
            if used < col {
                row.push((Style::new(), " ".repeat(col - used)));
            }
            row.push(sep.clone());
            row.extend(right.get(i).cloned().unwrap_or_default());
            rows.push(row);
        }
    }
}

fn text_width(text: &str) -> usize {
    text.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// Greedy word wrap of one logical line into rows of at most `width` cells. Spaces where a row
/// breaks are dropped; a word longer than a row is cut.
fn wrap_into(rows: &mut Vec<Vec<Piece>>, pieces: &[Piece], width: usize) {
    wrap_anchored(rows, pieces, width, &[]);
}

/// [`wrap_into`], also returning the row where each anchored piece (by index) starts.
fn wrap_anchored(
    rows: &mut Vec<Vec<Piece>>,
    pieces: &[Piece],
    width: usize,
    anchors: &[usize],
) -> Vec<usize> {
    let mut found = Vec::with_capacity(anchors.len());
    let mut row: Vec<Piece> = Vec::new();
    let mut used = 0usize;
    let mut any = false;
    fn push(row: &mut Vec<Piece>, style: Style, text: &str) {
        match row.last_mut() {
            Some((s, t)) if *s == style => t.push_str(text),
            _ => row.push((style, text.to_string())),
        }
    }
    for (i, (style, text)) in pieces.iter().enumerate() {
        for _ in anchors.iter().filter(|&&a| a == i) {
            let first = tokens(text)
                .find(|t| !t.starts_with(' '))
                .map_or(0, text_width);
            let wraps = used > 0 && used + first > width;
            found.push(rows.len() + usize::from(wraps));
        }
        for token in tokens(text) {
            let w = text_width(token);
            let space = token.starts_with(' ');
            if used + w <= width {
                push(&mut row, *style, token);
                used += w;
                continue;
            }
            if space {
                rows.push(std::mem::take(&mut row));
                any = true;
                used = 0;
                continue;
            }
            if used > 0 && w <= width {
                rows.push(std::mem::take(&mut row));
                any = true;
                push(&mut row, *style, token);
                used = w;
                continue;
            }
            for c in token.chars() {
                let cw = c.width().unwrap_or(0);
                if used + cw > width && used > 0 {
                    rows.push(std::mem::take(&mut row));
                    any = true;
                    used = 0;
                }
                let mut buf = [0u8; 4];
                push(&mut row, *style, c.encode_utf8(&mut buf));
                used += cw;
            }
        }
    }
    if !row.is_empty() || !any {
        rows.push(row);
    }
    found
}

/// Splits text into runs of spaces and runs of anything else.
fn tokens(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let space = rest.starts_with(' ');
        let end = rest
            .char_indices()
            .find(|(_, c)| (*c == ' ') != space)
            .map_or(rest.len(), |(i, _)| i);
        let (token, tail) = rest.split_at(end);
        rest = tail;
        Some(token)
    })
}

fn to_line(row: Vec<Piece>) -> Line<'static> {
    Line::from(
        row.into_iter()
            .map(|(style, text)| Span::styled(text, style))
            .collect::<Vec<_>>(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn look(markers: bool) -> Look {
        Look {
            theme: Theme { color: false },
            markers,
        }
    }

    fn texts(r: &Rendered) -> Vec<String> {
        (0..r.lines.len()).map(|i| r.row_text(i)).collect()
    }

    #[test]
    fn segments_rebuild_both_texts() {
        let doc = RedlineDoc::compare("a\nb\nc\n", "a\nB\nc\nd\n", Some("union"));
        let old: String = doc
            .segments
            .iter()
            .filter(|s| matches!(s.kind, SegKind::Equal | SegKind::Deleted))
            .map(|s| s.text.as_str())
            .collect();
        let new: String = doc
            .segments
            .iter()
            .filter(|s| matches!(s.kind, SegKind::Equal | SegKind::Inserted))
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(old, "a\nb\nc\n");
        assert_eq!(new, "a\nB\nc\nd\n");
        assert_eq!(doc.changes.len(), 2);
        assert_eq!(doc.summary.inserted_words, 2);
    }

    #[test]
    fn wrapping_keeps_rows_within_the_width_and_marks_changes() {
        let doc = RedlineDoc::compare(
            "one two three four five six\n",
            "one two three four five seven\n",
            None,
        );
        let r = render(&doc, 12, Layout::Inline, look(true));
        for row in texts(&r) {
            assert!(text_width(&row) <= 12, "{row:?}");
        }
        let all = texts(&r).join("|");
        assert!(all.contains("[-one"), "{all}");
        assert!(all.contains("{+one"), "{all}");
        assert_eq!(r.change_rows, vec![0]);
    }

    #[test]
    fn side_by_side_aligns_equal_lines() {
        let doc = RedlineDoc::compare("a\nsame\n", "b\nc\nsame\n", None);
        let r = render(&doc, 21, Layout::SideBySide, look(false));
        let rows = texts(&r);
        assert_eq!(rows.len(), 3, "{rows:?}");
        assert!(rows[2].starts_with("same") && rows[2].ends_with("same"));
    }

    #[test]
    fn a_change_late_in_a_long_paragraph_is_found_on_its_row() {
        let seg = |kind, text: &str| Seg {
            kind,
            text: text.to_string(),
            by: Vec::new(),
        };
        let mut doc = RedlineDoc {
            segments: vec![
                seg(SegKind::Equal, &"word ".repeat(50)),
                seg(SegKind::Inserted, "fresh"),
                seg(SegKind::Equal, " tail\n"),
            ],
            ..RedlineDoc::default()
        };
        doc.finish();
        for markers in [false, true] {
            let r = render(&doc, 20, Layout::Inline, look(markers));
            assert_eq!(r.change_rows.len(), 1);
            let row = r.row_text(r.change_rows[0]);
            assert!(row.contains("fresh"), "{row:?} of {:?}", texts(&r));
            assert!(r.change_rows[0] > 10);
        }
    }

    #[test]
    fn control_sequences_are_escaped() {
        let doc = RedlineDoc::compare("", "evil \x1b[2J text\n", None);
        let r = render(&doc, 40, Layout::Inline, look(false));
        assert!(texts(&r).join("").contains("^[[2J"));
    }
}
