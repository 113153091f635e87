//! The redline pane's model and its rendering into screen rows.
//!
//! Input: a [`RedlineDoc`], a list of segments (kind + text, and the side that made a change),
//! with a summary and where each change starts, filled from the redline engine
//! ([`bargain_core::redline::compare`] and [`bargain_core::redline::three_way`]).
//!
//! Output: [`render`] wraps the document once for a width, a layout (inline or side by side) and
//! a look (markers, colour) into plain rows of spans. The caller keeps the result for as long as
//! that key holds and draws only the rows in view: re-wrapping a 100,000-word text on every frame
//! is what made ratatui's wrapped `Paragraph` slow.
//!
//! Everything from the repository is escaped here ([`bargain_core::text::escape_controls`]) before
//! it becomes a span; the segments themselves stay exact.

use super::theme::Theme;
use bargain_core::comparison::Marks;
use bargain_core::redline::{self, Redline, Segment, SegmentKind, ThreeWay};
use bargain_core::text::escape_controls;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

/// What a segment is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FragmentKind {
    Equal,
    Deleted,
    Inserted,
    /// Old text that moved elsewhere.
    MovedFrom,
    /// New text that arrived from elsewhere.
    MovedTo,
    /// Display only, part of neither text (e.g. a message instead of a redline).
    Heading,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fragment {
    pub kind: FragmentKind,
    pub text: String,
    /// Side ids that made this change.
    pub by: Vec<String>,
    /// A whitespace-only change (re-wrapped line, doubled space): shown low-key.
    pub layout: bool,
    /// A later piece of one end of a move, after a word the move changed: its opening
    /// marker does not repeat "moved away".
    pub continues: bool,
}

impl Fragment {
    fn new(kind: FragmentKind, text: &str) -> Fragment {
        Fragment {
            kind,
            text: text.to_string(),
            by: Vec::new(),
            layout: false,
            continues: false,
        }
    }
}

/// A redline ready to show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RedlineDoc {
    pub segments: Vec<Fragment>,
    pub summary: redline::Summary,
    /// Index of the first segment of each change, in reading order.
    pub changes: Vec<usize>,
    /// Something the reader should know (the comparison was coarse, sides conflict).
    pub note: Option<String>,
    /// Several sides' changes in one view: each change is tagged with its side.
    pub tag_sides: bool,
    /// Segment index → the conflict it starts (three-way).
    pub conflicts: Vec<usize>,
    /// Side id → the name its changes are tagged with (a short one); the id where none is given.
    pub side_names: Vec<(String, String)>,
}

fn seg_kind(kind: SegmentKind) -> FragmentKind {
    match kind {
        SegmentKind::Equal => FragmentKind::Equal,
        SegmentKind::Deleted => FragmentKind::Deleted,
        SegmentKind::Inserted => FragmentKind::Inserted,
        SegmentKind::MovedFrom(_) => FragmentKind::MovedFrom,
        SegmentKind::MovedTo(_) => FragmentKind::MovedTo,
    }
}

fn fragments(segments: &[Segment<'_>]) -> Vec<Fragment> {
    // The move ends met so far.
    let mut ends = std::collections::HashSet::new();
    segments
        .iter()
        .map(|s| Fragment {
            kind: seg_kind(s.kind),
            text: s.text.to_string(),
            by: s.by.clone(),
            layout: s.layout,
            continues: matches!(s.kind, SegmentKind::MovedFrom(_) | SegmentKind::MovedTo(_))
                && !ends.insert(s.kind),
        })
        .collect()
}

const COARSE: &str = "the comparison took too long: some paragraphs are shown whole";

impl RedlineDoc {
    /// Compares two texts with the redline engine; changes are attributed to `by`.
    pub fn compare(old: &str, new: &str, by: Option<&str>) -> RedlineDoc {
        let options = match by {
            Some(side) => redline::Options::by(side),
            None => redline::Options::default(),
        };
        RedlineDoc::from_redline(&redline::compare(old, new, &options))
    }

    pub fn from_redline(r: &Redline<'_>) -> RedlineDoc {
        RedlineDoc {
            segments: fragments(&r.segments),
            summary: r.summary,
            changes: r.changes().iter().map(|c| c.segments.start).collect(),
            note: r.coarse.then(|| COARSE.to_string()),
            tag_sides: false,
            conflicts: Vec::new(),
            side_names: Vec::new(),
        }
    }

    /// Each side's text against one base, merged: every change tagged with its side(s).
    /// `sides` are (side id, text).
    pub fn three_way(base: &str, sides: &[(&str, &str)]) -> RedlineDoc {
        RedlineDoc::from_three_way(&redline::three_way(
            base,
            sides,
            &redline::Options::default(),
        ))
    }

    /// What the engine made of a resolved comparison (`Resolved::redline`).
    pub fn from_marks(marks: &Marks<'_>) -> RedlineDoc {
        match marks {
            Marks::Two(r) => RedlineDoc::from_redline(r),
            Marks::Three(t) => RedlineDoc::from_three_way(t),
        }
    }

    pub fn from_three_way(t: &ThreeWay<'_>) -> RedlineDoc {
        let mut notes = Vec::new();
        if !t.conflicts.is_empty() {
            notes.push(format!(
                "{} conflict{} (marked ‼)",
                t.conflicts.len(),
                if t.conflicts.len() == 1 { "" } else { "s" }
            ));
        }
        if t.coarse {
            notes.push(COARSE.to_string());
        }
        RedlineDoc {
            segments: fragments(&t.segments),
            summary: t.summary,
            changes: t.changes().iter().map(|c| c.segments.start).collect(),
            note: (!notes.is_empty()).then(|| notes.join("; ")),
            tag_sides: true,
            conflicts: t.conflicts.iter().map(|c| c.segments.start).collect(),
            side_names: Vec::new(),
        }
    }

    /// A document that only says something (an error, "loading").
    pub fn message(text: &str) -> RedlineDoc {
        RedlineDoc {
            segments: vec![Fragment::new(FragmentKind::Heading, text)],
            ..RedlineDoc::default()
        }
    }

    pub fn is_unchanged(&self) -> bool {
        self.changes.is_empty()
    }
}

/// Inline (one column, deletions before insertions) or side by side (old left, new right).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Arrangement {
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
    fn style(self, kind: FragmentKind) -> Style {
        match kind {
            FragmentKind::Equal => self.theme.plain(),
            FragmentKind::Deleted => self.theme.deleted(),
            FragmentKind::Inserted => self.theme.inserted(),
            FragmentKind::MovedFrom | FragmentKind::MovedTo => self.theme.moved(),
            FragmentKind::Heading => self.theme.heading(),
        }
    }

    fn seg_style(self, seg: &Fragment) -> Style {
        if seg.layout {
            self.theme.dim()
        } else {
            self.style(seg.kind)
        }
    }

    fn seg_markers(self, seg: &Fragment) -> (&'static str, &'static str) {
        match seg.kind {
            _ if seg.layout => ("", ""),
            FragmentKind::MovedFrom if seg.continues => ("[", "]"),
            FragmentKind::MovedTo if seg.continues => ("{", "}"),
            kind => self.markers(kind),
        }
    }

    /// Opening and closing markers of a kind of segment.
    pub fn markers(self, kind: FragmentKind) -> (&'static str, &'static str) {
        match kind {
            FragmentKind::Deleted if self.markers => ("[-", "-]"),
            FragmentKind::Inserted if self.markers => ("{+", "+}"),
            FragmentKind::MovedFrom => ("[moved away: ", "]"),
            FragmentKind::MovedTo => ("{moved here: ", "}"),
            _ => ("", ""),
        }
    }

    /// The legend: each kind of change shown as it is drawn.
    pub fn legend(self) -> Vec<Span<'static>> {
        let mut spans = Vec::new();
        for (kind, word) in [
            (FragmentKind::Deleted, "deleted"),
            (FragmentKind::Inserted, "inserted"),
            (FragmentKind::MovedFrom, "moved"),
        ] {
            let (open, close) = self.markers(kind);
            let open = if kind == FragmentKind::MovedFrom {
                "[moved: "
            } else {
                open
            };
            let word = if kind == FragmentKind::MovedFrom {
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
    /// The rows' text case-folded and joined by newlines, and where each row starts in it:
    /// built on the first search, then every query is one scan.
    search_text: std::sync::OnceLock<(String, Vec<usize>)>,
}

impl Rendered {
    /// Rows that contain `query` (case-insensitive), in order.
    pub fn rows_containing(&self, query: &str) -> Vec<usize> {
        if query.is_empty() {
            return Vec::new();
        }
        let (text, starts) = self.search_text.get_or_init(|| {
            let mut text = String::new();
            let mut starts = Vec::with_capacity(self.lines.len());
            for line in &self.lines {
                starts.push(text.len());
                for span in &line.spans {
                    text.extend(
                        span.content
                            .chars()
                            .map(|c| c.to_lowercase().next().unwrap_or(c)),
                    );
                }
                text.push('\n');
            }
            (text, starts)
        });
        let q: String = query
            .chars()
            .map(|c| c.to_lowercase().next().unwrap_or(c))
            .collect();
        let mut rows: Vec<usize> = memchr::memmem::find_iter(text.as_bytes(), q.as_bytes())
            .map(|at| starts.partition_point(|&s| s <= at) - 1)
            .collect();
        rows.dedup();
        rows
    }

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

/// What goes before segment `i`: a conflict mark where sides disagree and, in a view of
/// several sides, in words, whose change it is ("«union inserts»", "«union and employer
/// delete»"), where the side or the kind of change changes. The words are joined by no-break
/// spaces so a tag is never split across rows.
fn prefix(doc: &RedlineDoc, i: usize, look: Look) -> Vec<Piece> {
    let mut out = Vec::new();
    if doc.conflicts.contains(&i) {
        out.push((look.theme.warning(), "‼\u{a0}conflict:\u{a0}".to_string()));
    }
    let seg = &doc.segments[i];
    if doc.tag_sides && seg.kind != FragmentKind::Equal && !seg.layout && !seg.by.is_empty() {
        let previous = i.checked_sub(1).map(|p| &doc.segments[p]);
        let same = previous.is_some_and(|p| {
            p.kind == seg.kind && !p.layout && p.by == seg.by && !doc.conflicts.contains(&i)
        });
        if !same {
            out.push((look.theme.side_tag(), side_tag(doc, seg)));
        }
    }
    out
}

/// "«union inserts»": who made a change, and what kind of change it is, in words.
fn side_tag(doc: &RedlineDoc, seg: &Fragment) -> String {
    let name = |id: &String| {
        let shown = doc
            .side_names
            .iter()
            .find(|(s, _)| s == id)
            .map_or(id.as_str(), |(_, n)| n.as_str());
        bargain_core::text::escape_line(shown).into_owned()
    };
    let names: Vec<String> = seg.by.iter().map(name).collect();
    let who = match names.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    };
    let one = names.len() == 1;
    let verb = match (seg.kind, one) {
        (FragmentKind::Deleted, true) => "deletes",
        (FragmentKind::Deleted, false) => "delete",
        (FragmentKind::Inserted, true) => "inserts",
        (FragmentKind::Inserted, false) => "insert",
        (FragmentKind::MovedFrom, true) => "moves away",
        (FragmentKind::MovedFrom, false) => "move away",
        (FragmentKind::MovedTo, true) => "moves here",
        (FragmentKind::MovedTo, false) => "move here",
        (FragmentKind::Equal | FragmentKind::Heading, _) => "",
    };
    format!("«{who} {verb}»").replace(' ', "\u{a0}")
}

/// A marked change's spaces at its edges, drawn outside its markers and tags (still in its
/// style): a row may break at a space, and a break just inside `{+ or+}` would leave `{+` at a
/// row's end or start the next row with `-]`. Unmarked text, and text of spaces only, is left
/// whole.
fn outer_spaces(body: &str, marked: bool) -> (&str, &str, &str) {
    if !marked || body.trim_matches(' ').is_empty() {
        return ("", body, "");
    }
    let core = body.trim_matches(' ');
    let start = body.len() - body.trim_start_matches(' ').len();
    let end = start + core.len();
    (&body[..start], core, &body[end..])
}

/// Wraps a document once. `width` is the pane's text width in cells.
pub fn render(doc: &RedlineDoc, width: u16, layout: Arrangement, look: Look) -> Rendered {
    let width = usize::from(width.max(8));
    match layout {
        Arrangement::Inline => render_inline(doc, width, look),
        Arrangement::SideBySide => render_side_by_side(doc, width, look),
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
    // Whether the segment before was struck-out text (deleted, or moved away).
    let mut struck = false;
    for (i, seg) in doc.segments.iter().enumerate() {
        if next_change.peek() == Some(&&i) {
            next_change.next();
            cur.pending += 1;
        }
        // Inline, a whitespace-only change shows the new layout only: a re-wrapped line
        // is not a deletion to read. But the line breaks that ended struck-out text stay,
        // or a deleted paragraph would run into the next one.
        if seg.layout && matches!(seg.kind, FragmentKind::Deleted | FragmentKind::MovedFrom) {
            if struck {
                for _ in 0..seg.text.matches('\n').count() {
                    cur.flush(&mut rows, width, &mut out.change_rows);
                }
            }
            struck = false;
            continue;
        }
        struck = !seg.layout && matches!(seg.kind, FragmentKind::Deleted | FragmentKind::MovedFrom);
        let style = look.seg_style(seg);
        let (open, close) = look.seg_markers(seg);
        let text = display(&seg.text);
        let body = text.trim_end_matches('\n');
        let marks = prefix(doc, i, look);
        let marked = !(open.is_empty() && close.is_empty() && marks.is_empty());
        let (lead, body, trail) = outer_spaces(body, marked);
        if !lead.is_empty() {
            cur.push((style, lead.to_string()));
        }
        for piece in marks {
            cur.push(piece);
        }
        if !open.is_empty() {
            cur.push((style, open.to_string()));
        }
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
        if !trail.is_empty() {
            cur.push((style, trail.to_string()));
        }
        for _ in 0..text.len() - text.trim_end_matches('\n').len() {
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
        let style = look.seg_style(seg);
        let (open, close) = look.seg_markers(seg);
        let (left, right) = match seg.kind {
            FragmentKind::Equal => (true, true),
            FragmentKind::Deleted | FragmentKind::MovedFrom => (true, false),
            FragmentKind::Inserted | FragmentKind::MovedTo => (false, true),
            FragmentKind::Heading => {
                group.emit(&mut rows, col, &sep);
                for part in display(&seg.text).split('\n').filter(|p| !p.is_empty()) {
                    wrap_into(&mut rows, &[(style, part.to_string())], width);
                }
                continue;
            }
        };
        if seg.kind == FragmentKind::Equal && group.at_line_start() {
            group.emit(&mut rows, col, &sep);
        }
        if next_change.peek() == Some(&&i) {
            next_change.next();
            out.change_rows.push(rows.len());
        }
        let text = display(&seg.text);
        let body = text.trim_end_matches('\n');
        let marks = prefix(doc, i, look);
        let marked = !(open.is_empty() && close.is_empty() && marks.is_empty());
        let (lead, body, trail) = outer_spaces(body, marked);
        if !lead.is_empty() {
            group.push(left, right, (style, lead.to_string()));
        }
        for piece in marks {
            group.push(left, right, piece);
        }
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
        if !trail.is_empty() {
            group.push(left, right, (style, trail.to_string()));
        }
        for _ in 0..text.len() - text.trim_end_matches('\n').len() {
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
///
/// Words are the runs of non-space text across pieces, so a marker or a tag written as a piece
/// of its own (`[-`, `-]`, `«union inserts»`) stays on the row of the word it opens or closes:
/// a row never ends in `[-` with its word on the next. Only a word wider than a row is cut.
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
    // Every token in order, to measure a word that runs on into the next pieces.
    let flat: Vec<&str> = pieces.iter().flat_map(|(_, t)| tokens(t)).collect();
    let word_width = |k: usize| -> usize {
        flat[k..]
            .iter()
            .take_while(|t| !t.starts_with(' '))
            .map(|t| text_width(t))
            .sum()
    };
    let mut k = 0usize;
    for (i, (style, text)) in pieces.iter().enumerate() {
        let mut waiting = anchors.iter().filter(|&&a| a == i).count();
        if !tokens(text).any(|t| !t.starts_with(' ')) {
            // Nothing to place but spaces: the change starts where the row is.
            found.extend(std::iter::repeat_n(rows.len(), waiting));
            waiting = 0;
        }
        for token in tokens(text) {
            let w = text_width(token);
            let space = token.starts_with(' ');
            if !space && (k == 0 || flat[k - 1].starts_with(' ')) {
                // A word begins: it goes to the next row whole when it does not fit here.
                let whole = word_width(k);
                if used > 0 && used + whole > width && whole <= width {
                    rows.push(std::mem::take(&mut row));
                    any = true;
                    used = 0;
                }
            }
            k += 1;
            if !space && waiting > 0 {
                let first = token.chars().next().map_or(0, |c| c.width().unwrap_or(0));
                let lands = if used == 0 || used + w <= width {
                    rows.len()
                } else if w <= width || used + first > width {
                    rows.len() + 1
                } else {
                    rows.len()
                };
                found.extend(std::iter::repeat_n(lands, waiting));
                waiting = 0;
            }
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
        let (old, new) = ("a b c\n\nkept\n", "a B c d\n\nkept\n");
        let doc = RedlineDoc::compare(old, new, Some("union"));
        let rebuilt = |keep: &[FragmentKind]| -> String {
            doc.segments
                .iter()
                .filter(|s| keep.contains(&s.kind))
                .map(|s| s.text.as_str())
                .collect()
        };
        assert_eq!(
            rebuilt(&[
                FragmentKind::Equal,
                FragmentKind::Deleted,
                FragmentKind::MovedFrom
            ]),
            old
        );
        assert_eq!(
            rebuilt(&[
                FragmentKind::Equal,
                FragmentKind::Inserted,
                FragmentKind::MovedTo
            ]),
            new
        );
        assert!(!doc.changes.is_empty());
        assert_eq!(doc.summary.inserted_words, 2);
        assert!(doc.segments.iter().any(|s| s.by == ["union"]));
    }

    #[test]
    fn a_move_with_an_edit_names_each_end_once() {
        let (old, new) = bargain_testutils::moved_with_an_edit();
        let doc = RedlineDoc::compare(&old, &new, None);
        let r = render(&doc, 200, Arrangement::Inline, look(true));
        let all = texts(&r).join("|");
        assert_eq!(all.matches("[moved away: ").count(), 1, "{all}");
        assert_eq!(all.matches("{moved here: ").count(), 1, "{all}");
        assert!(
            all.contains("[-shall-]") && all.contains("{+may+}"),
            "{all}"
        );
        // The later piece of each end opens with a bare bracket.
        assert!(all.contains("[provide written notice"), "{all}");
        assert!(all.contains("{provide written notice"), "{all}");
    }

    #[test]
    fn a_paragraph_moved_away_does_not_run_into_the_next() {
        let (old, new) = bargain_testutils::moved_with_an_edit();
        let doc = RedlineDoc::compare(&old, &new, None);
        let rows = texts(&render(&doc, 300, Arrangement::Inline, look(true)));
        let at = rows
            .iter()
            .position(|r| r.contains("in a unit.]"))
            .expect("the moved-away text");
        assert_eq!(rows[at + 1].trim(), "", "{rows:#?}");
        assert!(rows[at + 2].starts_with("Article 2"), "{rows:#?}");
    }

    #[test]
    fn wrapping_keeps_rows_within_the_width_and_marks_changes() {
        let doc = RedlineDoc::compare(
            "one two three four five six\n",
            "one two three four five seven\n",
            None,
        );
        let r = render(&doc, 12, Arrangement::Inline, look(true));
        for row in texts(&r) {
            assert!(text_width(&row) <= 12, "{row:?}");
        }
        let all = texts(&r).join("|");
        assert!(all.contains("[-six-]"), "{all}");
        assert!(all.contains("{+seven+}"), "{all}");
        assert_eq!(r.change_rows.len(), 1);
        assert!(r.row_text(r.change_rows[0]).contains("six"), "{all}");
    }

    #[test]
    fn side_by_side_aligns_equal_paragraphs() {
        let doc = RedlineDoc::compare(
            "alpha\n\nsame words here\n",
            "beta gamma delta epsilon\n\nsame words here\n",
            None,
        );
        let r = render(&doc, 41, Arrangement::SideBySide, look(false));
        let rows = texts(&r);
        let last = rows.last().unwrap();
        assert!(
            last.starts_with("same words here") && last.ends_with("same words here"),
            "{rows:?}"
        );
        assert!(rows.iter().all(|r| r.contains(" │ ")), "{rows:?}");
    }

    #[test]
    fn a_change_late_in_a_long_paragraph_is_found_on_its_row() {
        let words = "word ".repeat(50);
        let doc = RedlineDoc::compare(
            &format!("{words}tail\n"),
            &format!("{words}fresh tail\n"),
            None,
        );
        for markers in [false, true] {
            let r = render(&doc, 20, Arrangement::Inline, look(markers));
            assert_eq!(r.change_rows.len(), 1);
            let row = r.row_text(r.change_rows[0]);
            assert!(row.contains("fresh"), "{row:?} of {:?}", texts(&r));
            assert!(r.change_rows[0] > 10);
        }
    }

    #[test]
    fn three_way_tags_each_change_with_its_side() {
        let doc = RedlineDoc::three_way(
            "base text stays\n",
            &[
                ("union", "base text stays longer\n"),
                ("employer", "base words stays\n"),
            ],
        );
        let r = render(&doc, 60, Arrangement::Inline, look(true));
        let all = texts(&r).join("|").replace('\u{a0}', " ");
        assert!(
            all.contains("«union inserts»{+ longer+}") || all.contains("«union inserts»{+longer+}"),
            "{all}"
        );
        assert!(all.contains("«employer deletes»[-text-]"), "{all}");
        assert!(all.contains("«employer inserts»{+words+}"), "{all}");
    }

    #[test]
    fn a_conflict_says_in_words_whose_change_is_whose() {
        let mut doc = RedlineDoc::three_way(
            "a raise of 3% a year\n",
            &[
                ("union", "a raise of 5.5% a year\n"),
                ("employer", "a raise of 3.5% a year\n"),
            ],
        );
        doc.side_names = vec![
            ("union".into(), "union".into()),
            ("employer".into(), "Employer".into()),
        ];
        let r = render(&doc, 80, Arrangement::Inline, look(true));
        let all = texts(&r).join("|").replace('\u{a0}', " ");
        assert!(all.contains("‼ conflict: "), "{all}");
        assert!(all.contains("«union inserts»"), "{all}");
        assert!(all.contains("«Employer inserts»"), "{all}");
        assert!(
            all.contains("«union and Employer delete»") || all.contains("«union deletes»"),
            "{all}"
        );
    }

    #[test]
    fn a_marker_stays_with_the_word_it_opens_or_closes() {
        // Every width where the longest marked word fits a row ("[-three-]{+THREE+}"): no row
        // ends in an opening marker, none starts with a closing one.
        let doc = RedlineDoc::compare(
            "one two three four five six seven eight nine ten eleven twelve\n",
            "one two THREE four five SIX seven, or more, eight NINE ten twelve\n",
            None,
        );
        for width in 18..60 {
            let r = render(&doc, width, Arrangement::Inline, look(true));
            for row in texts(&r) {
                let row = row.trim_end();
                assert!(
                    !row.ends_with("[-") && !row.ends_with("{+"),
                    "{width}: {:?}",
                    texts(&r)
                );
                assert!(
                    !row.starts_with("-]") && !row.starts_with("+}"),
                    "{width}: {:?}",
                    texts(&r)
                );
            }
        }
    }

    #[test]
    fn rows_containing_a_query_ignore_case_and_stay_within_a_row() {
        let doc = RedlineDoc::compare("", "Alpha beta\ngamma ALPHA\ndelta\n", None);
        let r = render(&doc, 40, Arrangement::Inline, look(false));
        assert_eq!(r.rows_containing("alpha"), vec![0, 1]);
        assert_eq!(r.rows_containing("beta gamma"), Vec::<usize>::new());
        assert_eq!(r.rows_containing("DELTA"), vec![2]);
        assert!(r.rows_containing("").is_empty());
    }

    #[test]
    fn control_sequences_are_escaped() {
        let doc = RedlineDoc::compare("", "evil \x1b[2J text\n", None);
        let r = render(&doc, 40, Arrangement::Inline, look(false));
        assert!(texts(&r).join("").contains("^[[2J"));
    }
}
