//! Redlines rendered to text: plain markers, ANSI (SGR) styling, a printable HTML
//! document, and Markdown. Each renderer returns a `String`; none writes anywhere.
//!
//! Every renderer treats the documents as untrusted: C0 control characters other than
//! newline and tab (a carriage return is let through only as part of `\r\n`), DEL, C1
//! controls and the Unicode bidirectional-override controls are never emitted raw. The
//! plain format writes them as reversible escapes (`\x1b`, `\u{202e}`); the others show
//! them visibly in caret notation (`^[`, `^?`) or as `<U+0085>`, marked as such.
//!
//! # The plain format
//!
//! Meaning never depends on colour. In reading order:
//!
//! | marker | meaning |
//! | --- | --- |
//! | text | equal in both texts |
//! | `[-text-]` | deleted: old text only |
//! | `{+text+}` | inserted: new text only |
//! | `[~ ~]` | whitespace deleted, words around it unchanged (layout only) |
//! | `{~ ~}` | whitespace inserted (layout only) |
//! | `[>moved to ¶N: text<]` | old text that moved away; it arrives at new paragraph N |
//! | `{>moved from ¶N: text<}` | new text that arrived from old paragraph N |
//!
//! Words a move changed on the way are marked inside it: `[>moved to ¶N: The Employer
//! <][-shall-][> give notice.<]` where the text left, `{>moved from ¶M: The Employer
//! <}{+may+}{> give notice.<}` where it arrived. Only the first run of each end names the
//! other end.
//!
//! Paragraph numbers are 1-based (paragraphs are blocks separated by blank lines). When a
//! change is attributed to sides, the marked text starts with `@side1,side2|`, e.g.
//! `{+@union|text+}` or `[>@employer|moved to ¶3: text<]` (layout changes carry no tag).
//!
//! Escapes, so that any text round-trips through [`plain_parse`]: a backslash is written
//! `\\`; a control character as `\xHH` (code point below U+0100) or `\u{HHHH}`; the first
//! character of any two-character marker sequence (`[-` `-]` `{+` `+}` `[~` `~]` `{~` `~}`
//! `[>` `<]` `{>` `<}`) occurring in a text is preceded by `\`; so is an `@` that begins a
//! marked text, and the `m` of moved text that begins like a note (`moved to ¶`). In side ids, `\`, `,` and `|` are escaped the same way. `\` followed by
//! any other character stands for that character.

use std::borrow::Cow;
use std::fmt::Write as _;

use crate::redline::{Move, MoveId, Redline, Segment, SegmentKind};

/// How a character is shown when it must not be emitted raw.
fn is_dangerous(c: char, next: Option<char>) -> bool {
    // The program's one escaping table, except that a redline keeps a CRLF line end as it is.
    !(c == '\r' && next == Some('\n')) && crate::text::needs_escape(c)
}

/// The ends of moves already named: a move with edits inside is cut into several runs, and
/// only the first run of each end carries its note ("moved to ¶N").
#[derive(Default)]
struct MoveNotes(std::collections::HashSet<SegmentKind>);

impl MoveNotes {
    /// Whether a run of `kind` is the first of its move's end (always false for other
    /// kinds).
    fn first(&mut self, kind: SegmentKind) -> bool {
        matches!(kind, SegmentKind::MovedFrom(_) | SegmentKind::MovedTo(_)) && self.0.insert(kind)
    }
}

/// The renderers that show the new layout leave deleted whitespace out, except the line
/// breaks that ended struck-out text (a deleted or moved-away paragraph): kept, so that text
/// does not run into the next paragraph. `struck` is whether the run before was such text.
fn kept_breaks(text: &str, struck: bool) -> String {
    if struck {
        "\n".repeat(text.matches('\n').count())
    } else {
        String::new()
    }
}

/// Whether a run is text the reader sees struck out (old text only, not layout).
fn is_struck(kind: SegmentKind, layout: bool) -> bool {
    matches!(
        (kind, layout),
        (SegmentKind::Deleted, false) | (SegmentKind::MovedFrom(_), _)
    )
}

fn move_paragraphs(moves: &[Move], id: MoveId) -> (usize, usize) {
    moves
        .iter()
        .find(|m| m.id == id)
        .map_or((0, 0), |m| (m.from_paragraph, m.to_paragraph))
}

/// A run of consecutive segments that render the same way.
struct Run<'a> {
    kind: SegmentKind,
    by: &'a Vec<String>,
    layout: bool,
    /// The run's text: borrowed when the run is one segment, joined otherwise.
    text: Cow<'a, str>,
}

/// Whether two neighbouring segments render as one run (one marker around both).
pub(crate) fn renders_like(a: &Segment, b: &Segment) -> bool {
    a.kind == b.kind && a.by == b.by && a.layout == b.layout
}

/// Consecutive segments that render the same way, joined (so escaping sees whole runs).
/// A run of one segment (the common case) borrows its text instead of copying it.
fn runs<'a>(segments: &'a [Segment<'_>]) -> impl Iterator<Item = Run<'a>> {
    let mut rest = segments;
    std::iter::from_fn(move || {
        let (first, tail) = rest.split_first()?;
        let n = 1 + tail.iter().take_while(|s| renders_like(first, s)).count();
        let (group, after) = rest.split_at(n);
        rest = after;
        let text = if n == 1 {
            Cow::Borrowed(first.text)
        } else {
            let mut t = String::with_capacity(group.iter().map(|s| s.text.len()).sum());
            for s in group {
                t.push_str(s.text);
            }
            Cow::Owned(t)
        };
        Some(Run {
            kind: first.kind,
            by: &first.by,
            layout: first.layout,
            text,
        })
    })
}

// ---------------------------------------------------------------------------------------
// Plain

const MARKERS: [&str; 12] = [
    "[-", "-]", "{+", "+}", "[~", "~]", "{~", "~}", "[>", "<]", "{>", "<}",
];

/// Bytes that [`plain_escape`] copies as they are (a table, since every byte of the
/// output is looked up).
const PLAIN_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = (c >= 0x20 || c == b'\n' || c == b'\t')
            && !matches!(
                c,
                0x7f | b'\\' | b'[' | b'{' | b'-' | b'+' | b'~' | b'<' | b'@' | 0xc2 | 0xe2
            );
        b += 1;
    }
    t
};

fn plain_escape(out: &mut String, text: &str, marked: bool) {
    // Runs of bytes that never need escaping are copied whole. The others: ASCII controls,
    // CR, DEL, `\`, `@`, marker characters, and the lead bytes of C1 controls (0xC2) and
    // bidi controls (0xE2); a run therefore always ends on a character boundary.
    let plain_byte = |b: u8| PLAIN_BYTE[usize::from(b)];
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        // Eight bytes a time while all are plain (no branch per byte), then one by one.
        while i + 8 <= bytes.len()
            && bytes[i..i + 8]
                .iter()
                .fold(true, |all, &b| all & plain_byte(b))
        {
            i += 8;
        }
        while i < bytes.len() && plain_byte(bytes[i]) {
            i += 1;
        }
        out.push_str(&text[start..i]);
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let next = text[i + c.len_utf8()..].chars().next();
        plain_escape_char(out, c, next, marked && i == 0);
        i += c.len_utf8();
    }
}

/// One character of plain output; `next` is the character after it, `first_marked`
/// whether it begins a marked text.
fn plain_escape_char(out: &mut String, c: char, next: Option<char>, first_marked: bool) {
    if c == '\\' {
        out.push_str("\\\\");
    } else if is_dangerous(c, next) {
        if (c as u32) < 0x100 {
            let _ = write!(out, "\\x{:02x}", c as u32);
        } else {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    } else {
        let starts_marker = next.is_some_and(|n| {
            MARKERS.iter().any(|m| {
                let mut mc = m.chars();
                mc.next() == Some(c) && mc.next() == Some(n)
            })
        });
        if starts_marker || (first_marked && c == '@') {
            out.push('\\');
        }
        out.push(c);
    }
}

fn plain_sides(out: &mut String, by: &[String]) {
    if by.is_empty() {
        return;
    }
    out.push('@');
    for (i, side) in by.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        for c in side.chars() {
            if matches!(c, '\\' | ',' | '|') {
                out.push('\\');
            }
            if is_dangerous(c, None) {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            } else {
                out.push(c);
            }
        }
    }
    out.push('|');
}

/// The plain-marker redline (syntax in the module docs).
pub fn plain(r: &Redline) -> String {
    plain_of(&r.segments, &r.moves)
}

/// [`plain`] for any list of segments, e.g. a `ThreeWay`'s.
pub fn plain_of(segments: &[Segment], moves: &[Move]) -> String {
    let mut out = String::new();
    plain_into(&mut out, segments, moves);
    out
}

/// [`plain_of`] appended to `out` (a document's header is written first, and a copy of a
/// whole agreement's redline is not free).
pub fn plain_into(out: &mut String, segments: &[Segment], moves: &[Move]) {
    let text_len: usize = segments.iter().map(|s| s.text.len()).sum();
    out.reserve(text_len + text_len / 8);
    let mut notes = MoveNotes::default();
    for s in runs(segments) {
        let (open, close) = match (s.kind, s.layout) {
            (SegmentKind::Equal, _) => {
                plain_escape(out, &s.text, false);
                continue;
            }
            (SegmentKind::Deleted, false) => ("[-", "-]"),
            (SegmentKind::Inserted, false) => ("{+", "+}"),
            (SegmentKind::Deleted, true) => ("[~", "~]"),
            (SegmentKind::Inserted, true) => ("{~", "~}"),
            (SegmentKind::MovedFrom(_), _) => ("[>", "<]"),
            (SegmentKind::MovedTo(_), _) => ("{>", "<}"),
        };
        out.push_str(open);
        // Layout changes stay low-key: no side tag.
        if !s.layout {
            plain_sides(out, s.by);
        }
        let first = notes.first(s.kind);
        match s.kind {
            SegmentKind::MovedFrom(id) if first => {
                let _ = write!(out, "{MOVED_TO}{}: ", move_paragraphs(moves, id).1 + 1);
            }
            SegmentKind::MovedTo(id) if first => {
                let _ = write!(out, "{MOVED_FROM}{}: ", move_paragraphs(moves, id).0 + 1);
            }
            SegmentKind::MovedFrom(_) | SegmentKind::MovedTo(_)
                if s.text.starts_with(MOVED_TO) || s.text.starts_with(MOVED_FROM) =>
            {
                // Not to be read back as a note.
                out.push('\\');
            }
            _ => {}
        }
        plain_escape(out, &s.text, true);
        out.push_str(close);
    }
}

/// The notes that open the runs of a move in plain text, before the paragraph number.
const MOVED_TO: &str = "moved to ¶";
const MOVED_FROM: &str = "moved from ¶";

/// Why plain-marker text could not be read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlainParseError {
    /// Byte offset in the input.
    pub offset: usize,
    pub message: &'static str,
}

impl std::fmt::Display for PlainParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "redline markers, byte {}: {}", self.offset, self.message)
    }
}

impl std::error::Error for PlainParseError {}

/// Reads plain-marker output back into the old and the new text.
pub fn plain_parse(input: &str) -> Result<(String, String), PlainParseError> {
    #[derive(Clone, Copy, PartialEq)]
    enum Side {
        Both,
        Old,
        New,
    }
    let err = |offset, message| PlainParseError { offset, message };
    let (mut old, mut new) = (String::new(), String::new());
    let bytes = input.as_bytes();
    let mut state: Option<(&str, Side)> = None; // (closer, where text goes)
    let mut i = 0;
    let mut at_start = false; // just after an opener (and its sides)
    while i < input.len() {
        let rest = &input[i..];
        let c = rest.chars().next().expect("in bounds");
        let (ch, len) = if c == '\\' {
            let (ch, len) = parse_escape(rest).ok_or_else(|| err(i, "bad escape"))?;
            (ch, len)
        } else {
            let pair = rest
                .get(..2)
                .filter(|p| bytes.len() >= i + 2 && p.is_ascii());
            match (state, pair) {
                (None, Some(p)) if ["[-", "{+", "[~", "{~", "[>", "{>"].contains(&p) => {
                    let idx = MARKERS.iter().position(|m| *m == p).expect("known");
                    let side = if p.starts_with('[') {
                        Side::Old
                    } else {
                        Side::New
                    };
                    state = Some((MARKERS[idx + 1], side));
                    i += 2;
                    // Optional sides.
                    if input[i..].starts_with('@') {
                        i += 1;
                        loop {
                            let r = &input[i..];
                            let Some(c) = r.chars().next() else {
                                return Err(err(i, "unterminated side list"));
                            };
                            if c == '|' {
                                i += 1;
                                break;
                            }
                            i += if c == '\\' {
                                parse_escape(r).ok_or_else(|| err(i, "bad escape"))?.1
                            } else {
                                c.len_utf8()
                            };
                        }
                    }
                    // A move's first run names the other end; the rest (after a word
                    // changed inside the move) do not.
                    let header = if p == "[>" { MOVED_TO } else { MOVED_FROM };
                    if p.ends_with('>') && input[i..].starts_with(header) {
                        i += header.len();
                        let digits = input[i..].bytes().take_while(u8::is_ascii_digit).count();
                        i += digits;
                        if digits == 0 || !input[i..].starts_with(": ") {
                            return Err(err(i, "move marker without its paragraph"));
                        }
                        i += 2;
                    }
                    at_start = true;
                    continue;
                }
                (Some((closer, _)), Some(p)) if p == closer => {
                    state = None;
                    i += 2;
                    continue;
                }
                (None, Some(p)) if MARKERS.contains(&p) => {
                    return Err(err(i, "closing marker outside a change"));
                }
                _ => {}
            }
            (c, c.len_utf8())
        };
        let _ = at_start;
        at_start = false;
        match state.map_or(Side::Both, |s| s.1) {
            Side::Both => {
                old.push(ch);
                new.push(ch);
            }
            Side::Old => old.push(ch),
            Side::New => new.push(ch),
        }
        i += len;
    }
    if state.is_some() {
        return Err(err(input.len(), "unclosed change marker"));
    }
    Ok((old, new))
}

/// One escape at the start of `s` (which starts with `\`): the character and its length.
fn parse_escape(s: &str) -> Option<(char, usize)> {
    let mut it = s[1..].chars();
    match it.next()? {
        'x' => {
            let hex = s.get(2..4)?;
            let n = u32::from_str_radix(hex, 16).ok()?;
            Some((char::from_u32(n)?, 4))
        }
        'u' if s[2..].starts_with('{') => {
            let end = s[3..].find('}')? + 3;
            let n = u32::from_str_radix(&s[3..end], 16).ok()?;
            Some((char::from_u32(n)?, end + 1))
        }
        c => Some((c, 1 + c.len_utf8())),
    }
}

// ---------------------------------------------------------------------------------------
// ANSI

pub(crate) const SGR_RESET: &str = "\x1b[0m";
pub(crate) const SGR_DELETED: &str = "\x1b[31;9m"; // red, struck through
pub(crate) const SGR_INSERTED: &str = "\x1b[32;4m"; // green, underlined
pub(crate) const SGR_MOVED_FROM: &str = "\x1b[36;3;9m"; // cyan italic, struck through
pub(crate) const SGR_MOVED_TO: &str = "\x1b[36;3;4m"; // cyan italic, underlined
const SGR_NOTE: &str = "\x1b[2;36m"; // dim cyan: move notes and side tags
const SGR_CONTROL: &str = "\x1b[7m"; // reverse video: an escaped control character

/// Writes `text` in `style`, line by line (a reset before every newline, so pagers and
/// terminals never carry a style across lines), control characters shown visibly.
fn ansi_text(out: &mut String, text: &str, style: &str) {
    let mut open = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        if c == '\n' || (c == '\r' && next == Some('\n')) {
            if open {
                out.push_str(SGR_RESET);
                open = false;
            }
            out.push(c);
            continue;
        }
        if !open && !style.is_empty() {
            out.push_str(style);
            open = true;
        }
        if is_dangerous(c, next) {
            out.push_str(SGR_CONTROL);
            out.push_str(&crate::text::visible(c));
            out.push_str(SGR_RESET);
            if !style.is_empty() {
                out.push_str(style);
            } else {
                open = false;
            }
        } else {
            out.push(c);
        }
    }
    if open {
        out.push_str(SGR_RESET);
    }
}

fn ansi_note(out: &mut String, by: &[String], note: &str) {
    let mut s = String::new();
    if !by.is_empty() {
        let _ = write!(s, "[{}] ", by.join(", "));
    }
    s.push_str(note);
    if !s.is_empty() {
        ansi_text(out, &s, SGR_NOTE);
    }
}

/// The redline styled with SGR escape sequences: deletions red and struck through,
/// insertions green and underlined, moves cyan italic with a dim note naming the other
/// end. Layout-only changes show the new whitespace, unstyled.
pub fn ansi(r: &Redline) -> String {
    ansi_of(&r.segments, &r.moves)
}

/// [`ansi`] for any list of segments.
pub fn ansi_of(segments: &[Segment], moves: &[Move]) -> String {
    let mut out = String::new();
    ansi_into(&mut out, segments, moves);
    out
}

/// [`ansi_of`] appended to `out`.
pub fn ansi_into(out: &mut String, segments: &[Segment], moves: &[Move]) {
    let mut notes = MoveNotes::default();
    let mut struck = false;
    for s in runs(segments) {
        let first = notes.first(s.kind);
        match (s.kind, s.layout) {
            (SegmentKind::Equal, _) | (SegmentKind::Inserted, true) => ansi_text(out, &s.text, ""),
            (SegmentKind::Deleted, true) => ansi_text(out, &kept_breaks(&s.text, struck), ""),
            (SegmentKind::Deleted, false) => {
                ansi_note(out, s.by, "");
                ansi_text(out, &s.text, SGR_DELETED);
            }
            (SegmentKind::Inserted, false) => {
                ansi_note(out, s.by, "");
                ansi_text(out, &s.text, SGR_INSERTED);
            }
            (SegmentKind::MovedFrom(id), _) => {
                if first {
                    let to = move_paragraphs(moves, id).1 + 1;
                    ansi_note(out, s.by, &format!("⟨moved to ¶{to}⟩ "));
                }
                ansi_text(out, &s.text, SGR_MOVED_FROM);
            }
            (SegmentKind::MovedTo(id), _) => {
                if first {
                    let from = move_paragraphs(moves, id).0 + 1;
                    ansi_note(out, s.by, &format!("⟨moved from ¶{from}⟩ "));
                }
                ansi_text(out, &s.text, SGR_MOVED_TO);
            }
        }
        struck = is_struck(s.kind, s.layout);
    }
}

// ---------------------------------------------------------------------------------------
// HTML

fn html_text(out: &mut String, text: &str) {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\r' if next == Some('\n') => {}
            c if is_dangerous(c, next) => {
                out.push_str("<span class=\"ctl\">");
                html_text(out, &crate::text::visible(c));
                out.push_str("</span>");
            }
            c => out.push(c),
        }
    }
}

/// The page style every HTML export shares: the redline, the tracker, a packet, a bulletin.
pub const HTML_STYLE: &str = "body{font-family:Georgia,'Times New Roman',serif;max-width:50em;\
margin:2em auto;padding:0 1em;line-height:1.45;color:#111}\
h1{font-size:1.3em}.summary,.versions{color:#444;font-size:.9em}.versions{margin:0;padding-left:1.2em}\
.redline h1,.redline h2,.redline h3,.redline h4{font-size:1.1em;margin:1em 0 .4em}\
.redline p{margin:.5em 0;white-space:pre-wrap;overflow-wrap:anywhere}\
.redline p.li{margin:.2em 0 .2em 1.5em;text-indent:-1em}\
del{color:#a0001c;text-decoration:line-through}\
ins{color:#00632e;text-decoration:underline}\
.moved{color:#005a8c;font-style:italic;text-decoration-style:dotted}\
.note{color:#005a8c;font-size:.8em;font-style:normal}\
.side-0{background:#e8f0ff}.side-1{background:#fff1e0}.side-2{background:#eef8e8}.side-3{background:#f6e8f8}\
.conflict{outline:2px solid #c06000;outline-offset:1px}\
.conflict-note{color:#c06000;font-weight:bold;font-size:.8em}\
.legend{font-size:.85em;color:#333;border:1px solid #ccc;padding:.3em .6em;display:inline-block}\
.legend span{padding:0 .3em;margin-right:.6em}\
.ctl{font-family:monospace;font-size:.85em;border:1px solid #888;padding:0 .1em}\
table{border-collapse:collapse;font-size:.9em}td,th{border:1px solid #bbb;padding:.2em .5em;text-align:left}\
@media print{body{margin:0;max-width:none}a{color:inherit;text-decoration:none}\
.article,.redline .page{break-before:page}}";

/// A complete printable HTML document of the redline: `<del>` and `<ins>`, moves as
/// `<del class="moved">`/`<ins class="moved">` with notes linking the two ends.
pub fn html(r: &Redline, title: &str) -> String {
    let s = &r.summary;
    let summary = format!(
        "{} words inserted, {} deleted, {} moved; {} paragraphs changed{}",
        s.inserted_words,
        s.deleted_words,
        s.moved_words,
        s.changed_paragraphs,
        if r.coarse {
            " (coarse: the comparison ran out of time; changes are shown by whole paragraph)"
        } else {
            ""
        }
    );
    html_of(&r.segments, &r.moves, title, &summary)
}

/// [`html`] for any list of segments, with a caller-written summary line.
pub fn html_of(segments: &[Segment], moves: &[Move], title: &str, summary: &str) -> String {
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>",
    );
    html_text(&mut out, title);
    out.push_str("</title>\n<style>");
    out.push_str(HTML_STYLE);
    out.push_str("</style>\n</head>\n<body>\n<h1>");
    html_text(&mut out, title);
    out.push_str("</h1>\n<p class=\"summary\">");
    html_text(&mut out, summary);
    out.push_str("</p>\n");
    html_redline(&mut out, segments, moves, &HtmlMarks::default());
    out.push_str("</body>\n</html>\n");
    out
}

/// What an HTML redline marks beyond the changes themselves.
#[derive(Debug, Clone, Default)]
pub struct HtmlMarks {
    /// Side id → the name a reader knows it by (a side not listed is shown by its id).
    pub names: Vec<(String, String)>,
    /// Ranges of segments where sides changed the same text differently (three-way).
    pub conflicts: Vec<std::ops::Range<usize>>,
}

impl HtmlMarks {
    fn name<'a>(&'a self, id: &'a str) -> &'a str {
        self.names
            .iter()
            .find(|(i, _)| i == id)
            .map_or(id, |(_, n)| n.as_str())
    }
}

/// The sides that made changes in these segments, each once, in order of appearance.
pub fn sides_in(segments: &[Segment]) -> Vec<String> {
    let mut sides: Vec<String> = Vec::new();
    for s in segments {
        for b in &s.by {
            if !sides.contains(b) {
                sides.push(b.clone());
            }
        }
    }
    sides
}

/// The legend of an HTML redline: what each mark means, and each side's colour when the
/// changes are more than one side's.
pub fn html_legend(out: &mut String, segments: &[Segment], marks: &HtmlMarks) {
    out.push_str("<p class=\"legend\">Legend: <span><del>deleted</del></span><span><ins>inserted</ins></span><span><del class=\"moved\">moved away</del> / <ins class=\"moved\">moved here</ins></span>");
    let sides = sides_in(segments);
    if sides.len() > 1 {
        for (i, side) in sides.iter().enumerate() {
            let _ = write!(out, "<span class=\"side-{}\">", i % 4);
            html_text(out, marks.name(side));
            out.push_str("</span>");
        }
    }
    if !marks.conflicts.is_empty() {
        out.push_str("<span class=\"conflict\">changed differently by both sides</span>");
    }
    out.push_str("</p>\n");
}

/// The redline's body: one HTML paragraph per line, Markdown headings and list items as
/// such, every change inside its line (no element spans a line break). Side attribution is
/// a tooltip and a background colour, and only when the changes are more than one side's.
pub fn html_redline(out: &mut String, segments: &[Segment], moves: &[Move], marks: &HtmlMarks) {
    use crate::export::blocks::{Block, lines};
    let sides = sides_in(segments);
    let mixed = sides.len() > 1;
    out.push_str("<div class=\"redline\">\n");
    let mut notes = MoveNotes::default();
    let mut conflict_noted = std::collections::HashSet::new();
    for line in lines(segments) {
        // A line that began with a form feed (a PDF's page boundary) starts a printed page.
        let page = if line.page_break {
            " class=\"page\""
        } else {
            ""
        };
        let (open, close) = match line.block {
            Block::Blank => continue,
            Block::Heading(n) => (
                format!("<h{0}{page}>", n.clamp(1, 4)),
                format!("</h{0}>", n.clamp(1, 4)),
            ),
            Block::Bullet if line.page_break => {
                ("<p class=\"li page\">".to_string(), "</p>".to_string())
            }
            Block::Bullet => ("<p class=\"li\">".to_string(), "</p>".to_string()),
            Block::Text => (format!("<p{page}>"), "</p>".to_string()),
        };
        out.push_str(&open);
        for piece in &line.pieces {
            let conflict = marks
                .conflicts
                .iter()
                .position(|r| r.contains(&piece.segment));
            if let Some(c) = conflict {
                if conflict_noted.insert(c) {
                    out.push_str("<span class=\"conflict-note\">[conflict] </span>");
                }
                out.push_str("<span class=\"conflict\">");
            }
            let attribution = |out: &mut String| {
                if mixed && !piece.by.is_empty() {
                    let index = sides.iter().position(|s| *s == piece.by[0]).unwrap_or(0);
                    let _ = write!(out, " class=\"side-{}\" title=\"", index % 4);
                    let names: Vec<&str> = piece.by.iter().map(|b| marks.name(b)).collect();
                    html_text(out, &names.join(", "));
                    out.push('"');
                }
            };
            let first = notes.first(piece.kind);
            match (piece.kind, piece.layout) {
                (SegmentKind::Equal, _) | (SegmentKind::Inserted, true) => {
                    html_text(out, piece.text)
                }
                (SegmentKind::Deleted, true) => {}
                (SegmentKind::Deleted, false) | (SegmentKind::Inserted, false) => {
                    let tag = if piece.kind == SegmentKind::Deleted {
                        "del"
                    } else {
                        "ins"
                    };
                    let _ = write!(out, "<{tag}");
                    attribution(out);
                    out.push('>');
                    html_text(out, piece.text);
                    let _ = write!(out, "</{tag}>");
                }
                (SegmentKind::MovedFrom(id), _) | (SegmentKind::MovedTo(id), _) => {
                    let from = matches!(piece.kind, SegmentKind::MovedFrom(_));
                    let (tag, end, other) = if from {
                        ("del", "from", "to")
                    } else {
                        ("ins", "to", "from")
                    };
                    let _ = write!(out, "<{tag} class=\"moved\"");
                    if first {
                        let _ = write!(out, " id=\"move-{}-{end}\"", id.0);
                    }
                    attribution(out);
                    out.push('>');
                    if first {
                        let (f, t) = move_paragraphs(moves, id);
                        let n = if from { t } else { f } + 1;
                        let _ = write!(
                            out,
                            "<a class=\"note\" href=\"#move-{}-{other}\">[moved {other} ¶{n}]</a> ",
                            id.0
                        );
                    }
                    html_text(out, piece.text);
                    let _ = write!(out, "</{tag}>");
                }
            }
            if conflict.is_some() {
                out.push_str("</span>");
            }
        }
        out.push_str(&close);
        out.push('\n');
    }
    out.push_str("</div>\n");
}

/// HTML character data (and attribute values) from untrusted text, controls shown visibly.
pub fn html_escape(out: &mut String, text: &str) {
    html_text(out, text);
}

// ---------------------------------------------------------------------------------------
// Markdown

/// Escapes one line's text for Markdown: punctuation that could start formatting is
/// backslash-escaped, leading indentation becomes `&nbsp;` (so it never makes a code
/// block), control characters become code spans in caret notation.
fn md_text(out: &mut String, text: &str, line_start: bool) {
    let mut at_line_start = line_start;
    // Whether everything since the line began is digits (a list number so far).
    let mut digits_open_line = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let line_began = at_line_start;
        if at_line_start && (c == ' ' || c == '\t') {
            out.push_str(if c == ' ' {
                "&nbsp;"
            } else {
                "&nbsp;&nbsp;&nbsp;&nbsp;"
            });
            continue;
        }
        at_line_start = false;
        match c {
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '<' | '>' | '|' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            // Block markers mean something only where a line begins; `!` only before `[`.
            '#' | '-' | '+' | '=' if line_began => {
                out.push('\\');
                out.push(c);
            }
            '!' if next == Some('[') => {
                out.push('\\');
                out.push(c);
            }
            // `12. ` at the start of a line would be an ordered list; `12.1` is not.
            '.' | ')' if digits_open_line && matches!(next, None | Some(' ' | '\t')) => {
                out.push('\\');
                out.push(c);
            }
            c if is_dangerous(c, next) => {
                out.push('`');
                out.push_str(&crate::text::visible(c));
                out.push('`');
            }
            c => out.push(c),
        }
        digits_open_line = c.is_ascii_digit() && (line_began || digits_open_line);
    }
}

/// Writes `text` wrapped in `mark` line by line, keeping whitespace outside the marks (an
/// emphasis that starts or ends with a space does not render).
fn md_marked(out: &mut String, text: &str, open: &str, close: &str, line_start: &mut bool) {
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
            *line_start = true;
        }
        let core = line.trim();
        if core.is_empty() {
            md_plain(out, line, line_start);
            continue;
        }
        let lead = &line[..line.len() - line.trim_start().len()];
        let trail = &line[lead.len() + core.len()..];
        md_plain(out, lead, line_start);
        out.push_str(open);
        md_text(out, core, false);
        out.push_str(close);
        md_plain(out, trail, line_start);
        *line_start = false;
    }
}

fn md_plain(out: &mut String, text: &str, line_start: &mut bool) {
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
            *line_start = true;
        }
        // Form feeds that open a line (a PDF's page boundary) are no text: Markdown has no
        // pages, and a heading after one is still a heading.
        let line = if *line_start {
            line.trim_start_matches('\x0c')
        } else {
            line
        };
        if line.is_empty() {
            continue;
        }
        // A Markdown heading of the text stays a heading.
        if *line_start
            && !line.starts_with([' ', '\t'])
            && let Some((level, words)) = crate::export::blocks::atx_heading(line)
        {
            out.push_str(&"#".repeat(usize::from(level)));
            out.push(' ');
            md_text(out, words, false);
            *line_start = false;
            continue;
        }
        md_text(out, line, *line_start);
        *line_start = line.chars().all(|c| c == ' ' || c == '\t') && *line_start;
    }
}

/// The redline as Markdown: `~~deleted~~`, `**inserted**`, moves as `~~*text*~~` and
/// `***text***` with a note naming the other end. Renders in GitHub, GitLab, VS Code and
/// most other CommonMark viewers with the strikethrough extension.
pub fn md(r: &Redline) -> String {
    md_of(&r.segments, &r.moves)
}

/// [`md`] for any list of segments.
pub fn md_of(segments: &[Segment], moves: &[Move]) -> String {
    let mut out = String::new();
    md_into(&mut out, segments, moves);
    out
}

/// [`md_of`] appended to `out` (at the start of a line).
pub fn md_into(out: &mut String, segments: &[Segment], moves: &[Move]) {
    let mut line_start = true;
    let mut notes = MoveNotes::default();
    let mut struck = false;
    for s in runs(segments) {
        let first = notes.first(s.kind);
        let by = if s.by.is_empty() {
            String::new()
        } else {
            let mut t = String::new();
            md_text(&mut t, &s.by.join(", "), false);
            format!("*({t})* ")
        };
        match (s.kind, s.layout) {
            (SegmentKind::Equal, _) | (SegmentKind::Inserted, true) => {
                md_plain(out, &s.text, &mut line_start)
            }
            (SegmentKind::Deleted, true) => {
                md_plain(out, &kept_breaks(&s.text, struck), &mut line_start)
            }
            (SegmentKind::Deleted, false) => {
                out.push_str(&by);
                md_marked(out, &s.text, "~~", "~~", &mut line_start);
            }
            (SegmentKind::Inserted, false) => {
                out.push_str(&by);
                md_marked(out, &s.text, "**", "**", &mut line_start);
            }
            (SegmentKind::MovedFrom(id), _) => {
                if first {
                    let to = move_paragraphs(moves, id).1 + 1;
                    let _ = write!(out, "{by}*\\[moved to ¶{to}\\]* ");
                }
                md_marked(out, &s.text, "~~*", "*~~", &mut line_start);
            }
            (SegmentKind::MovedTo(id), _) => {
                if first {
                    let from = move_paragraphs(moves, id).0 + 1;
                    let _ = write!(out, "{by}*\\[moved from ¶{from}\\]* ");
                }
                md_marked(out, &s.text, "***", "***", &mut line_start);
            }
        }
        struck = is_struck(s.kind, s.layout);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::redline::{Options, compare};

    #[test]
    fn plain_marks_a_one_word_edit() {
        let r = compare("pay [-the-] fee\n", "pay {+a+} fee\n", &Options::default());
        let p = plain(&r);
        assert_eq!(plain_parse(&p).unwrap(), (r.old_text(), r.new_text()));
    }

    #[test]
    fn a_move_cut_by_an_edit_names_each_end_once_and_reads_back() {
        // The second piece of the moved text begins like a note: it must not read back as
        // one.
        let seg = |kind, text| Segment {
            kind,
            text,
            by: Vec::new(),
            old_paragraph: 0,
            new_paragraph: 0,
            layout: false,
        };
        let id = MoveId(0);
        let segments = [
            seg(SegmentKind::MovedFrom(id), "Alpha "),
            seg(SegmentKind::Deleted, "x"),
            seg(SegmentKind::MovedFrom(id), "moved to ¶9: y"),
            seg(SegmentKind::Equal, "\n\n"),
            seg(SegmentKind::MovedTo(id), "Alpha "),
            seg(SegmentKind::Inserted, "z"),
            seg(SegmentKind::MovedTo(id), "moved from ¶9: y"),
        ];
        let moves = [Move {
            id,
            from_paragraph: 0,
            to_paragraph: 1,
            from_segment: 0,
            to_segment: 4,
            exact: false,
        }];
        let p = plain_of(&segments, &moves);
        assert_eq!(
            p,
            "[>moved to ¶2: Alpha <][-x-][>\\moved to ¶9: y<]\n\n\
             {>moved from ¶1: Alpha <}{+z+}{>\\moved from ¶9: y<}"
        );
        let old = "Alpha xmoved to ¶9: y\n\n";
        let new = "\n\nAlpha zmoved from ¶9: y";
        assert_eq!(plain_parse(&p).unwrap(), (old.to_owned(), new.to_owned()));
        for out in [ansi_of(&segments, &moves), md_of(&segments, &moves)] {
            assert_eq!(out.matches("moved to ¶2").count(), 1, "{out}");
            assert_eq!(out.matches("moved from ¶1").count(), 1, "{out}");
        }
    }

    #[test]
    fn struck_out_paragraphs_keep_their_line_breaks() {
        // The whitespace after a paragraph moved away is deleted too; the renderers that show
        // the new layout still break the line there, or "…a unit." runs into "Article 2".
        let (old, new) = bargain_testutils::moved_with_an_edit();
        let r = compare(&old, &new, &Options::default());
        let a = ansi(&r);
        assert!(
            a.contains(&format!("a unit.{SGR_RESET}\n\nArticle 2")),
            "{a:?}"
        );
        let m = md(&r);
        assert!(m.contains("a unit.*~~\n\nArticle 2"), "{m:?}");
        let h = html(&r, "t");
        // HTML: the struck paragraph is a paragraph of its own.
        assert!(h.contains("a unit.</del></p>\n<p>Article 2"), "{h:?}");
    }

    #[test]
    fn escape_sequences_never_appear_raw() {
        let r = compare(
            "a\x1b[31m b\u{9b}c\r",
            "a\x1b[32m b\x07\r\n",
            &Options::default(),
        );
        for out in [plain(&r), ansi(&r), html(&r, "t\x1b"), md(&r)] {
            let stripped = out
                .replace(SGR_RESET, "")
                .replace(SGR_DELETED, "")
                .replace(SGR_INSERTED, "")
                .replace(SGR_CONTROL, "")
                .replace(SGR_NOTE, "");
            assert!(
                !stripped.contains(['\x1b', '\u{9b}', '\x07']),
                "raw control in {out:?}"
            );
        }
    }
}
