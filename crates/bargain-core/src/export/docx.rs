//! Word documents out: a redline as a `.docx` whose changes are real Word revisions
//! (`w:ins`, `w:del`, `w:moveFrom`/`w:moveTo`), so the other side opens it in Word or
//! LibreOffice and accepts or rejects each change; and any agreed text as a clean `.docx`.
//!
//! Owns: the few parts of a WordprocessingML package a redline needs (content types,
//! relationships, styles, settings, a running header, core properties, the body), written by
//! hand into a zip. Never does: diffing (the segments are the redline engine's, cut into lines
//! by [`crate::export::blocks`]), choosing authors (the caller passes [`Revisions`]), or I/O
//! other than the writer it is given.
//!
//! # Promises
//!
//! - Accepting every revision gives the new text, rejecting every one the old, word for word:
//!   every segment is written once, inserted text as `w:t` inside `w:ins`/`w:moveTo`, deleted
//!   text as `w:delText` inside `w:del`/`w:moveFrom`; a line break that only one text has is a
//!   paragraph mark marked inserted or deleted.
//! - One line of the redline is one Word paragraph (`#` lines in a Heading style); a text run
//!   never holds a line break. Revision ids are unique in the document.
//! - Untrusted text stays text: XML-escaped, and characters XML cannot carry (C0 controls)
//!   written visibly (`^[`), as every other export does.
//! - US Letter pages with one-inch margins.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::{Seek, Write};

use crate::comparison::Label;
use crate::export::blocks::{Block, Layout, Line, lines, lines_with};
use crate::export::redline_doc::{Marked, summary_line};
use crate::model::{Date, Table};
use crate::redline::SegmentKind;

/// Who made a revision and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    pub name: String,
    pub date: Option<Date>,
}

/// Authors of a redline's revisions: each side's (for changes the engine attributed to it),
/// and the one for changes attributed to no side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revisions {
    pub by_side: BTreeMap<String, Author>,
    pub default: Author,
}

impl Revisions {
    /// Authors from a comparison's labels: a side's changes are authored by that side's name
    /// in the table and dated by its pass; changes of no side by the newest version's side
    /// (or `fallback`), dated by it.
    pub fn from_labels(table: &Table, versions: &[(&str, &Label)], fallback: &str) -> Revisions {
        let mut by_side = BTreeMap::new();
        for (_, label) in versions {
            if let Some(side) = &label.side {
                by_side.insert(
                    side.clone(),
                    Author {
                        name: table.side_name(side).to_string(),
                        date: label.date,
                    },
                );
            }
        }
        let newest = versions.last().map(|(_, l)| *l);
        let default = Author {
            name: newest
                .and_then(|l| l.side.as_deref())
                .map_or_else(|| fallback.to_string(), |s| table.side_name(s).to_string()),
            date: newest.and_then(|l| l.date),
        };
        Revisions { by_side, default }
    }

    /// Every revision by one author.
    pub fn one(name: impl Into<String>, date: Option<Date>) -> Revisions {
        Revisions {
            by_side: BTreeMap::new(),
            default: Author {
                name: name.into(),
                date,
            },
        }
    }

    fn of(&self, by: &[String]) -> &Author {
        by.first()
            .and_then(|s| self.by_side.get(s))
            .unwrap_or(&self.default)
    }
}

/// What a document's running header and properties say.
pub struct Heading<'a> {
    /// "Article 12 — Artificial Intelligence"
    pub title: &'a str,
    /// Lines under the title in the page header: versions, summary, signatures.
    pub lines: Vec<String>,
}

/// The redline as a `.docx` with tracked changes, written to `out`. `title` heads every page;
/// when `article` is set and the text does not open with a heading of its own, the title is
/// the body's first heading too (two loose files are headed by their names, which are not the
/// document's words).
pub fn write_redline(
    out: impl Write + Seek,
    title: &str,
    article: bool,
    versions: &[(&str, &Label)],
    marked: &Marked<'_>,
    revisions: &Revisions,
) -> zip::result::ZipResult<()> {
    let mut header_lines: Vec<String> = versions
        .iter()
        .map(|(role, label)| format!("{role}: {}", label.line()))
        .collect();
    header_lines.push(summary_line(marked));
    let heading = Heading {
        title,
        lines: header_lines,
    };
    let body = redline_body(article.then_some(title), marked, revisions);
    write_package(out, &heading, &body)
}

/// A clean `.docx` of one text (an agreed text, say): its lines as paragraphs, `#` lines as
/// headings, then `after` (e.g. a signature block) as plain paragraphs.
pub fn write_text(
    out: impl Write + Seek,
    heading: &Heading<'_>,
    text: &str,
    after: &[String],
) -> zip::result::ZipResult<()> {
    let segments = [crate::redline::Segment::equal(text)];
    let lines = lines(&segments);
    let mut body = String::with_capacity(text.len() * 2);
    let mut ids = 0;
    if !starts_with_heading(&lines) {
        heading_paragraph(&mut body, heading.title);
    }
    let none = Revisions::one("", None);
    for line in &lines {
        paragraph(
            &mut body,
            line,
            &none,
            &mut ids,
            &mut MoveRanges::default(),
            false,
        );
    }
    for text in after {
        body.push_str("<w:p><w:pPr><w:pStyle w:val=\"Signature\"/></w:pPr>");
        run(&mut body, text, false);
        body.push_str("</w:p>");
    }
    write_package(out, heading, &body)
}

fn starts_with_heading(lines: &[Line<'_>]) -> bool {
    lines
        .iter()
        .find(|l| l.block != Block::Blank)
        .is_some_and(|l| matches!(l.block, Block::Heading(_)))
}

fn heading_paragraph(body: &mut String, title: &str) {
    body.push_str("<w:p><w:pPr><w:pStyle w:val=\"Heading1\"/></w:pPr>");
    run(body, title, false);
    body.push_str("</w:p>");
}

/// The body of a redline: every line a paragraph, every changed piece a revision.
fn redline_body(title: Option<&str>, marked: &Marked<'_>, revisions: &Revisions) -> String {
    let mut lines = lines_with(marked.segments, Layout::Neither);
    for_readers(&mut lines);
    let size: usize = marked.segments.iter().map(|s| s.text.len()).sum();
    let mut body = String::with_capacity(size * 2 + 4096);
    if let Some(title) = title
        && !starts_with_heading(&lines)
    {
        heading_paragraph(&mut body, title);
    }
    let mut ranges = MoveRanges::of(&lines);
    let mut ids = 0usize;
    let mut after_mark = false;
    for line in &lines {
        paragraph(
            &mut body,
            line,
            revisions,
            &mut ids,
            &mut ranges,
            after_mark,
        );
        after_mark = revision_mark(line).is_some();
    }
    body
}

/// The kind of a line's paragraph mark when it is a revision (only one text has the line
/// break), and which text lacks it (`true`: the old), where the paragraph joins the next.
fn revision_mark(line: &Line<'_>) -> Option<(SegmentKind, bool)> {
    match line.end? {
        k @ (SegmentKind::Inserted | SegmentKind::MovedTo(_)) => Some((k, true)),
        k @ (SegmentKind::Deleted | SegmentKind::MovedFrom(_)) => Some((k, false)),
        SegmentKind::Equal => None,
    }
}

fn visible(kind: SegmentKind, old: bool) -> bool {
    if old { kind.in_old() } else { kind.in_new() }
}

/// Makes the paragraph marks that are revisions read the same in every reader. A paragraph
/// whose mark only one text has joins the next one in the other text; Word joins the two
/// directly, pandoc (2.17, `--track-changes`) with a space, and pandoc never joins into a
/// heading (its heading paragraphs skip the joining, so the joined text lands after it).
/// So, before writing:
/// - where the two would join inside a word (`sheet` ¶ `.`), the end of that word moves to
///   the next paragraph, as a revision of the text that joins (`shee[t]` ¶ `[t].`), so the
///   join falls on whitespace in every reader: the same words accepted or rejected;
/// - a heading that words join into (its previous paragraph's mark is an insertion or a
///   deletion, and that paragraph has words in the joining text) is written as a plain
///   paragraph, so pandoc joins it like Word.
fn for_readers(lines: &mut [Line<'_>]) {
    for i in 0..lines.len() {
        let Some((_, old)) = revision_mark(&lines[i]) else {
            continue;
        };
        // The paragraph the joining ends in: no heading.
        let joins = |line: &Line<'_>| {
            matches!(line.end, Some(SegmentKind::Inserted | SegmentKind::Deleted))
                && revision_mark(line).is_some_and(|(_, o)| o == old)
        };
        if joins(&lines[i]) {
            // Only words joined into a heading go astray: a paragraph that is empty in the
            // joining text (a page footer only the other text has) joins nothing.
            let mut words = !lines[i].text(old).trim().is_empty();
            for line in &mut lines[i + 1..] {
                if words && matches!(line.block, Block::Heading(_)) {
                    line.block = Block::Text;
                }
                if !joins(line) {
                    break;
                }
                words |= !line.text(old).trim().is_empty();
            }
        }
        // The first character the joining text has after the mark.
        let mut target = None;
        for (j, line) in lines.iter().enumerate().skip(i + 1) {
            if let Some(c) = line.text(old).chars().next() {
                target = Some((j, c));
                break;
            }
            if revision_mark(line).is_none_or(|(_, o)| o != old) {
                break;
            }
        }
        let Some((j, first)) = target else { continue };
        let last = lines[i].text(old).chars().next_back();
        if first.is_whitespace() || last.is_none_or(char::is_whitespace) {
            continue;
        }
        // The word's end in the joining text: pieces from the line's end back to whitespace.
        let pieces = &lines[i].pieces;
        let mut cut: Vec<(usize, usize)> = Vec::new(); // (piece, byte where its part starts)
        for (p, piece) in pieces.iter().enumerate().rev() {
            if !visible(piece.kind, old) {
                continue;
            }
            match piece.text.rfind(char::is_whitespace) {
                Some(k) => {
                    let start = k + piece.text[k..].chars().next().map_or(1, char::len_utf8);
                    if start < piece.text.len() {
                        cut.push((p, start));
                    }
                    break;
                }
                None => cut.push((p, 0)),
            }
        }
        let only_one = |k: SegmentKind| {
            matches!(
                k,
                SegmentKind::Equal | SegmentKind::Inserted | SegmentKind::Deleted
            )
        };
        if cut.is_empty()
            || cut
                .iter()
                .any(|&(p, _)| !only_one(pieces[p].kind) || pieces[p].layout)
        {
            continue;
        }
        cut.reverse();
        let (here_kind, there_kind) = if old {
            (SegmentKind::Inserted, SegmentKind::Deleted)
        } else {
            (SegmentKind::Deleted, SegmentKind::Inserted)
        };
        let mut moved = Vec::new();
        let mut line = std::mem::take(&mut lines[i].pieces);
        for &(p, start) in cut.iter().rev() {
            let piece = line[p].clone();
            let part = &piece.text[start..];
            moved.push(super::blocks::Piece {
                kind: there_kind,
                text: part,
                ..piece.clone()
            });
            let keep = &piece.text[..start];
            let mut replace = Vec::new();
            if !keep.is_empty() {
                replace.push(super::blocks::Piece {
                    text: keep,
                    ..piece.clone()
                });
            }
            if piece.kind == SegmentKind::Equal {
                // Still the other text's: it stays here, as that text's alone.
                replace.push(super::blocks::Piece {
                    kind: here_kind,
                    text: part,
                    ..piece.clone()
                });
            }
            line.splice(p..=p, replace);
        }
        moved.reverse();
        lines[i].pieces = line;
        lines[j].pieces.splice(0..0, moved);
    }
}

/// Where each move's end starts and finishes, so its range markers (`w:moveFromRangeStart`
/// … `End`) enclose all of it once.
#[derive(Default)]
struct MoveRanges {
    /// The kind's last piece, as (line, piece).
    last: HashMap<SegmentKind, (usize, usize)>,
    /// Range ids already opened, by kind.
    open: HashMap<SegmentKind, usize>,
    line: usize,
}

impl MoveRanges {
    fn of(lines: &[Line<'_>]) -> MoveRanges {
        let mut last = HashMap::new();
        for (l, line) in lines.iter().enumerate() {
            for (p, piece) in line.pieces.iter().enumerate() {
                if matches!(
                    piece.kind,
                    SegmentKind::MovedFrom(_) | SegmentKind::MovedTo(_)
                ) {
                    last.insert(piece.kind, (l, p));
                }
            }
        }
        MoveRanges {
            last,
            open: HashMap::new(),
            line: 0,
        }
    }
}

fn next_id(ids: &mut usize) -> usize {
    *ids += 1;
    *ids
}

fn attrs(out: &mut String, id: usize, author: &Author) {
    let _ = write!(out, " w:id=\"{id}\" w:author=\"");
    xml_text(out, &author.name);
    out.push('"');
    if let Some(d) = author.date {
        let _ = write!(out, " w:date=\"{d}T00:00:00Z\"");
    }
}

fn paragraph(
    out: &mut String,
    line: &Line<'_>,
    revisions: &Revisions,
    ids: &mut usize,
    ranges: &mut MoveRanges,
    after_mark: bool,
) {
    let l = ranges.line;
    ranges.line += 1;
    if line.block == Block::Blank
        && matches!(line.end, None | Some(SegmentKind::Equal))
        && !after_mark
    {
        // Blank lines separate paragraphs; Word's paragraph spacing shows that. Not after a
        // paragraph mark only one text has: there the blank line is that text's boundary.
        return;
    }
    out.push_str("<w:p><w:pPr>");
    match line.block {
        Block::Heading(n) => {
            let _ = write!(out, "<w:pStyle w:val=\"Heading{}\"/>", n.min(3));
        }
        Block::Bullet => out.push_str("<w:pStyle w:val=\"ListParagraph\"/>"),
        Block::Text | Block::Blank => {}
    }
    if line.page_break {
        // The form feed the line began with (a PDF's page boundary).
        out.push_str("<w:pageBreakBefore/>");
    }
    // The paragraph mark is the line break: a revision when only one text has it.
    let mark_by: &[String] = line
        .pieces
        .last()
        .filter(|p| Some(p.kind) == line.end)
        .map_or(&[], |p| p.by);
    let mark = match line.end {
        Some(SegmentKind::Inserted) => Some("w:ins"),
        Some(SegmentKind::Deleted) => Some("w:del"),
        Some(SegmentKind::MovedTo(_)) => Some("w:moveTo"),
        Some(SegmentKind::MovedFrom(_)) => Some("w:moveFrom"),
        _ => None,
    };
    if let Some(tag) = mark {
        let _ = write!(out, "<w:rPr><{tag}");
        attrs(out, next_id(ids), revisions.of(mark_by));
        out.push_str("/></w:rPr>");
    }
    out.push_str("</w:pPr>");
    for (p, piece) in line.pieces.iter().enumerate() {
        let author = revisions.of(piece.by);
        match piece.kind {
            SegmentKind::Equal => run(out, piece.text, false),
            SegmentKind::Inserted | SegmentKind::Deleted => {
                let (tag, deleted) = if piece.kind == SegmentKind::Inserted {
                    ("w:ins", false)
                } else {
                    ("w:del", true)
                };
                let _ = write!(out, "<{tag}");
                attrs(out, next_id(ids), author);
                out.push('>');
                run(out, piece.text, deleted);
                let _ = write!(out, "</{tag}>");
            }
            SegmentKind::MovedFrom(id) | SegmentKind::MovedTo(id) => {
                let (tag, deleted) = if matches!(piece.kind, SegmentKind::MovedFrom(_)) {
                    ("w:moveFrom", true)
                } else {
                    ("w:moveTo", false)
                };
                let range = match ranges.open.get(&piece.kind) {
                    Some(&r) => r,
                    None => {
                        let r = next_id(ids);
                        ranges.open.insert(piece.kind, r);
                        let _ = write!(out, "<{tag}RangeStart");
                        attrs(out, r, author);
                        let _ = write!(out, " w:name=\"move{}\"/>", id.0 + 1);
                        r
                    }
                };
                let _ = write!(out, "<{tag}");
                attrs(out, next_id(ids), author);
                out.push('>');
                run(out, piece.text, deleted);
                let _ = write!(out, "</{tag}>");
                if ranges.last.get(&piece.kind) == Some(&(l, p)) {
                    let _ = write!(out, "<{tag}RangeEnd w:id=\"{range}\"/>");
                }
            }
        }
    }
    out.push_str("</w:p>");
}

/// One run of text: tabs as `w:tab`, a form feed (a page boundary of a text taken from a
/// PDF) as a page break, the rest in `w:t` (or `w:delText`).
fn run(out: &mut String, text: &str, deleted: bool) {
    let t = if deleted { "w:delText" } else { "w:t" };
    out.push_str("<w:r>");
    for (p, page) in text.split('\x0c').enumerate() {
        if p > 0 {
            out.push_str("<w:br w:type=\"page\"/>");
        }
        for (i, part) in page.split('\t').enumerate() {
            if i > 0 {
                out.push_str("<w:tab/>");
            }
            if !part.is_empty() {
                let _ = write!(out, "<{t} xml:space=\"preserve\">");
                xml_text(out, part);
                let _ = write!(out, "</{t}>");
            }
        }
    }
    out.push_str("</w:r>");
}

/// XML character data and attribute values: markup escaped, characters XML 1.0 cannot hold
/// and every control the program never prints raw shown visibly.
fn xml_text(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' | '\r' => out.push(' '),
            c if crate::text::needs_escape(c) || c == '\u{fffe}' || c == '\u{ffff}' => {
                out.push_str(&crate::text::visible(c))
            }
            c => out.push(c),
        }
    }
}

const NS: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" \
xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>"#;

const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/></Relationships>"#;

/// Tracking stays on, so the other side's edits to the file come back as revisions too.
const SETTINGS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:trackRevisions/><w:defaultTabStop w:val="720"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>"#;

const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman"/><w:sz w:val="24"/><w:lang w:val="en-US"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="160" w:line="264" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="240" w:after="120"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:sz w:val="32"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="200" w:after="100"/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/><w:sz w:val="28"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading3"><w:name w:val="heading 3"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:outlineLvl w:val="2"/></w:pPr><w:rPr><w:b/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="ListParagraph"><w:name w:val="List Paragraph"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Signature"><w:name w:val="Signature"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:after="60"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Header"><w:name w:val="header"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:after="0"/></w:pPr><w:rPr><w:color w:val="555555"/><w:sz w:val="16"/></w:rPr></w:style></w:styles>"#;

/// Letter, one-inch margins, the running header.
const SECTION: &str = r#"<w:sectPr><w:headerReference w:type="default" r:id="rId3"/><w:pgSz w:w="12240" w:h="15840"/><w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="720" w:footer="720" w:gutter="0"/></w:sectPr>"#;

fn write_package(
    out: impl Write + Seek,
    heading: &Heading<'_>,
    body: &str,
) -> zip::result::ZipResult<()> {
    let mut zip = zip::ZipWriter::new(out);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1));
    let part = |zip: &mut zip::ZipWriter<_>, name: &str, bytes: &[&str]| {
        zip.start_file(name, options)?;
        for b in bytes {
            zip.write_all(b.as_bytes())?;
        }
        Ok::<_, zip::result::ZipError>(())
    };
    part(&mut zip, "[Content_Types].xml", &[CONTENT_TYPES])?;
    part(&mut zip, "_rels/.rels", &[ROOT_RELS])?;
    part(&mut zip, "word/_rels/document.xml.rels", &[DOCUMENT_RELS])?;
    part(&mut zip, "word/styles.xml", &[STYLES])?;
    part(&mut zip, "word/settings.xml", &[SETTINGS])?;
    let mut header = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:hdr {NS}><w:p><w:pPr><w:pStyle w:val=\"Header\"/></w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">"
    );
    xml_text(&mut header, heading.title);
    header.push_str("</w:t></w:r></w:p>");
    for line in &heading.lines {
        header.push_str("<w:p><w:pPr><w:pStyle w:val=\"Header\"/></w:pPr>");
        run(&mut header, line, false);
        header.push_str("</w:p>");
    }
    header.push_str("</w:hdr>");
    part(&mut zip, "word/header1.xml", &[&header])?;
    let mut core = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>",
    );
    xml_text(&mut core, heading.title);
    core.push_str("</dc:title><dc:creator>bargain</dc:creator></cp:coreProperties>");
    part(&mut zip, "docProps/core.xml", &[&core])?;
    let open = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document {NS}><w:body>"
    );
    part(
        &mut zip,
        "word/document.xml",
        &[&open, body, SECTION, "</w:body></w:document>"],
    )?;
    zip.finish()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::redline::{Options, compare};
    use std::io::Read;

    fn document_xml(bytes: Vec<u8>) -> String {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        zip.by_name("word/document.xml")
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        xml
    }

    #[test]
    fn changes_are_revisions_with_unique_ids_and_no_breaks_in_runs() {
        let old = "# Article 9 — Leave\n\n9.1 Leave shall be paid.\n\n9.2 Notice is given.\n\n9.3 A clause that moves away from here to the end.\n";
        let new = "# Article 9 — Leave\n\n9.2 Notice is given in writing.\n\n9.1 Leave shall be paid.\n\n9.3 A clause that moves away from here to the end.\n\n9.4 New.\n";
        let r = compare(old, new, &Options::by("union"));
        let mut out = std::io::Cursor::new(Vec::new());
        let revisions = Revisions::one("Union", Date::parse("2025-06-04"));
        write_redline(
            &mut out,
            "Article 9",
            true,
            &[],
            &Marked::from(&r),
            &revisions,
        )
        .unwrap();
        let xml = document_xml(out.into_inner());
        assert!(xml.contains("<w:ins w:id="), "{xml}");
        assert!(xml.contains("w:author=\"Union\" w:date=\"2025-06-04T00:00:00Z\""));
        assert!(xml.contains("<w:pStyle w:val=\"Heading1\"/>"));
        let ids: Vec<&str> = xml
            .split(" w:id=\"")
            .skip(1)
            .map(|s| &s[..s.find('"').unwrap()])
            .collect();
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        // Range ends repeat their start's id; every other id is unique.
        let ends = xml.matches("RangeEnd w:id=").count();
        assert_eq!(unique.len() + ends, ids.len());
        // One line break, after the XML declaration: none inside a run.
        assert_eq!(xml.matches('\n').count(), 1);
        let mut reader = quick_xml::Reader::from_str(&xml);
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("not well-formed: {e}"),
            }
        }
    }

    fn seg(kind: SegmentKind, text: &str) -> crate::redline::Segment<'_> {
        crate::redline::Segment {
            kind,
            ..crate::redline::Segment::equal(text)
        }
    }

    #[test]
    fn a_join_inside_a_word_moves_the_word_and_a_heading_joined_into_is_plain() {
        use SegmentKind::{Deleted, Equal, Inserted};
        // Old "one sheet. two": the new text breaks the line inside the word's run.
        let segments = [
            seg(Equal, "one sheet"),
            seg(Inserted, "\n"),
            seg(Equal, ". two\n"),
        ];
        let mut lines = lines_with(&segments, Layout::Neither);
        for_readers(&mut lines);
        let kinds = |l: &Line<'_>| -> Vec<(SegmentKind, String)> {
            l.pieces
                .iter()
                .map(|p| (p.kind, p.text.to_string()))
                .collect()
        };
        assert_eq!(
            kinds(&lines[0]),
            [(Equal, "one ".into()), (Inserted, "sheet".into())]
        );
        assert_eq!(
            kinds(&lines[1]),
            [(Deleted, "sheet".into()), (Equal, ". two".into())]
        );
        // Either text is still the same words, whether the paragraphs join with a space or not.
        assert_eq!(
            format!("{}{}", lines[0].text(true), lines[1].text(true)),
            "one sheet. two"
        );
        assert_eq!(lines[0].text(false), "one sheet");
        assert_eq!(lines[1].text(false), ". two");

        // A heading the previous paragraph joins into (in the new text) is written plain.
        let segments = [
            seg(Equal, "Rev 2023"),
            seg(Deleted, "\n"),
            seg(Equal, " # ARTICLE 14\n"),
        ];
        let mut lines = lines_with(&segments, Layout::Neither);
        assert_eq!(lines[1].block, Block::Heading(1));
        for_readers(&mut lines);
        assert_eq!(lines[1].block, Block::Text);

        // A page footer only the new text has joins nothing into the heading in the old.
        let segments = [
            seg(Equal, "Intro.\n"),
            seg(Inserted, "Footer 18\n"),
            seg(Equal, "# ARTICLE 14\n"),
        ];
        let mut lines = lines_with(&segments, Layout::Neither);
        for_readers(&mut lines);
        assert_eq!(lines[2].block, Block::Heading(1));
    }
}
