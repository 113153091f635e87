//! The Word reader: a `.docx` (Office Open XML) read into lines, one per paragraph.
//!
//! Read: the main document part (`word/document.xml`, or wherever `_rels/.rels` points inside
//! the archive), paragraph styles from `word/styles.xml` (heading levels by name — `heading 1`,
//! `Heading 3` — or outline level, contents styles `TOC 1` / `Contents 1`), list numbering from
//! `word/numbering.xml` (a numbered paragraph gets its number as text, `1.`, `(a)`, `Article 5`),
//! tables as text (a row per line, cells joined by ` | `), text boxes in place, footnotes and
//! endnotes in brackets after the paragraph that refers to them, and tracked changes accepted
//! (insertions kept, deletions and moved-from text dropped) and counted. Word's table of contents
//! (a `TOC` field or a contents block) is marked so the splitter never takes it for headings.
//!
//! Why `zip` and `quick-xml`: the zip crate reads the archive's directory without unpacking
//! anything, so every part is unpacked through a counting reader against one budget (a zip
//! bomb stops at [`Limits::max_unpacked_bytes`], whatever sizes its directory claims).
//! quick-xml is a pull parser: the document streams through once with no tree in memory (a
//! tree of a 10 MB `document.xml` costs ten times that), nesting depth is counted as it goes
//! (10,000-deep XML is refused at [`Limits::max_xml_depth`], with no recursion to overflow), a
//! `<!DOCTYPE>` arrives as its own event and is refused before any entity could be defined, and
//! a reference to any entity XML does not predefine is an error. roxmltree would have needed the
//! whole tree, and does the same checks less directly.
//!
//! Never opened: external relationships, linked or embedded files, macros, or anything outside
//! the archive; pictures and embedded objects are counted and left out.

use super::{CFB_MAGIC, Document, DocumentError, Kind, Limits, Line, Note, pdf_header};
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};
use std::collections::HashMap;
use std::io::{Cursor, Read};

const WORD_NS: [&str; 2] = [
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
];
const MC_NS: &str = "http://schemas.openxmlformats.org/markup-compatibility/2006";

pub(super) fn read(bytes: &[u8], limits: &Limits) -> Result<Document, DocumentError> {
    if bytes.starts_with(CFB_MAGIC) {
        return Err(DocumentError::EncryptedOrLegacy);
    }
    if !bytes.starts_with(b"PK") {
        if pdf_header(bytes) {
            return Err(DocumentError::WrongKind {
                named: Kind::Docx,
                found: "a PDF; name it .pdf",
            });
        }
        if std::str::from_utf8(&bytes[..bytes.len().min(4096)]).is_ok() && !bytes.is_empty() {
            return Err(DocumentError::WrongKind {
                named: Kind::Docx,
                found: "plain text; name it .txt or .md",
            });
        }
        return Err(DocumentError::NotZip(
            "it does not start like a zip archive".into(),
        ));
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| DocumentError::NotZip(e.to_string()))?;
    if zip.len() > limits.max_zip_entries {
        return Err(DocumentError::NotZip(format!(
            "its directory lists {} entries, more than the {} a document may have",
            zip.len(),
            limits.max_zip_entries
        )));
    }
    let mut parts = Parts {
        zip: &mut zip,
        budget: limits.max_unpacked_bytes,
        limit: limits.max_unpacked_bytes,
    };
    let main = match parts.read("_rels/.rels")? {
        Some(rels) => main_part(&rels, limits).unwrap_or_else(|| "word/document.xml".to_string()),
        None => "word/document.xml".to_string(),
    };
    let document = parts
        .read(&main)?
        .ok_or_else(|| DocumentError::MissingPart(main.clone()))?;
    let styles = match parts.read("word/styles.xml")? {
        Some(xml) => Styles::parse(&xml, limits)?,
        None => Styles::default(),
    };
    let numbering = match parts.read("word/numbering.xml")? {
        Some(xml) => Numbering::parse(&xml, limits)?,
        None => Numbering::default(),
    };
    let mut notes_text: HashMap<(bool, String), String> = HashMap::new();
    for (endnote, part) in [(false, "word/footnotes.xml"), (true, "word/endnotes.xml")] {
        if let Some(xml) = parts.read(part)? {
            let walked = walk(&xml, part, limits, &styles, &mut Numbering::default())?;
            for para in walked.paras {
                if let Some(id) = para.note_id.clone() {
                    let text = para.lines.join(" ");
                    let entry = notes_text.entry((endnote, id)).or_default();
                    if !text.trim().is_empty() {
                        if !entry.is_empty() {
                            entry.push(' ');
                        }
                        entry.push_str(text.trim());
                    }
                }
            }
        }
    }
    let mut numbering = numbering;
    let walked = walk(&document, &main, limits, &styles, &mut numbering)?;
    let mut notes = Vec::new();
    let c = &walked.counts;
    if c.insertions + c.deletions + c.moves > 0 {
        notes.push(Note::TrackedChangesAccepted {
            insertions: c.insertions,
            deletions: c.deletions,
            moves: c.moves,
        });
    }
    if c.comments > 0 {
        notes.push(Note::CommentsLeftOut(c.comments));
    }
    if c.pictures > 0 {
        notes.push(Note::PicturesLeftOut(c.pictures));
    }
    if c.text_boxes > 0 {
        notes.push(Note::TextBoxesInline(c.text_boxes));
    }
    let lines = to_lines(walked.paras, &notes_text, &mut notes, limits)?;
    Ok(Document {
        kind: Kind::Docx,
        lines,
        notes,
    })
}

/// Reads parts of the archive against one budget of unpacked bytes.
struct Parts<'z, 'b> {
    zip: &'z mut zip::ZipArchive<Cursor<&'b [u8]>>,
    budget: u64,
    limit: u64,
}

impl Parts<'_, '_> {
    /// The part's text, `None` when the archive has no such part.
    fn read(&mut self, name: &str) -> Result<Option<String>, DocumentError> {
        let mut file = match self.zip.by_name(name) {
            Ok(f) => f,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(e) => {
                return Err(DocumentError::NotZip(format!("{name}: {e}")));
            }
        };
        if file.size() > self.budget {
            return Err(DocumentError::Unpacked {
                part: name.to_string(),
                limit: self.limit,
            });
        }
        let mut out = Vec::with_capacity(file.size().min(self.budget) as usize);
        let read = (&mut file)
            .take(self.budget + 1)
            .read_to_end(&mut out)
            .map_err(|e| DocumentError::NotZip(format!("{name} cannot be unpacked: {e}")))?;
        if read as u64 > self.budget {
            return Err(DocumentError::Unpacked {
                part: name.to_string(),
                limit: self.limit,
            });
        }
        self.budget -= read as u64;
        let mut text = String::from_utf8(out).map_err(|e| DocumentError::Xml {
            part: name.to_string(),
            position: e.utf8_error().valid_up_to() as u64,
            message: "is not UTF-8 XML".to_string(),
        })?;
        if text.starts_with('\u{feff}') {
            text.drain(..3);
        }
        Ok(Some(text))
    }
}

/// The main document part named by the package relationships, when it stays inside the
/// archive.
fn main_part(rels: &str, limits: &Limits) -> Option<String> {
    let mut events = Events::new(rels, "_rels/.rels", limits);
    loop {
        match events.next().ok()? {
            Ev::Start(e) | Ev::Empty(e)
                if e.local_name().as_ref() == "Relationship"
                    && attr(&e, "Type").is_some_and(|t| t.ends_with("/officeDocument"))
                    && attr(&e, "TargetMode").is_none_or(|m| m != "External") =>
            {
                let target = attr(&e, "Target")?;
                let target = target.trim_start_matches('/');
                if target.split('/').any(|p| p == ".." || p.is_empty()) {
                    return None;
                }
                return Some(target.to_string());
            }
            Ev::Eof => return None,
            _ => {}
        }
    }
}

/// An attribute's value by local name, predefined entities resolved.
fn attr(e: &BytesStart<'_>, local: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.local_name().as_ref() == local)
            .then(|| {
                a.normalized_value(XmlVersion::Implicit1_0)
                    .ok()
                    .map(|v| v.into_owned())
            })
            .flatten()
    })
}

fn xml_error(part: &str, position: u64, message: impl Into<String>) -> DocumentError {
    DocumentError::Xml {
        part: part.to_string(),
        position,
        message: message.into(),
    }
}

/// The XML events of a part, with the checks every part gets: no DTD, no entities beyond
/// XML's own, nesting bounded.
struct Events<'x> {
    reader: Reader<&'x [u8]>,
    part: &'x str,
    depth: usize,
    max_depth: usize,
}

enum Ev<'x> {
    Start(BytesStart<'x>),
    Empty(BytesStart<'x>),
    End(String),
    Text(String),
    Eof,
}

impl<'x> Events<'x> {
    fn new(xml: &'x str, part: &'x str, limits: &Limits) -> Events<'x> {
        let mut reader = Reader::from_str(xml);
        reader.config_mut().check_end_names = true;
        Events {
            reader,
            part,
            depth: 0,
            max_depth: limits.max_xml_depth,
        }
    }

    fn next(&mut self) -> Result<Ev<'x>, DocumentError> {
        loop {
            let event = self.reader.read_event().map_err(|e| {
                xml_error(
                    self.part,
                    self.reader.error_position(),
                    format!("is not well-formed XML ({e})"),
                )
            })?;
            return Ok(match event {
                Event::Start(e) => {
                    self.depth += 1;
                    if self.depth > self.max_depth {
                        return Err(xml_error(
                            self.part,
                            self.reader.buffer_position(),
                            format!(
                                "nests elements more than {} deep; refused (Word documents nest a few dozen)",
                                self.max_depth
                            ),
                        ));
                    }
                    Ev::Start(e)
                }
                Event::Empty(e) => Ev::Empty(e),
                Event::End(e) => {
                    self.depth = self.depth.saturating_sub(1);
                    Ev::End(
                        String::from_utf8_lossy(e.local_name().as_ref().as_bytes()).into_owned(),
                    )
                }
                Event::Text(t) => Ev::Text(t.xml10_content().into_owned()),
                Event::CData(t) => Ev::Text(t.into_inner().into_owned()),
                Event::GeneralRef(r) => {
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        Ok(None) => match quick_xml::escape::resolve_predefined_entity(&r) {
                            Some(s) => s.to_string(),
                            None => {
                                return Err(xml_error(
                                    self.part,
                                    self.reader.buffer_position(),
                                    format!(
                                        "uses the entity &{}; which XML does not define; entities are refused",
                                        crate::text::escape_line(&r)
                                    ),
                                ));
                            }
                        },
                        Err(e) => {
                            return Err(xml_error(
                                self.part,
                                self.reader.buffer_position(),
                                format!("has a bad character reference ({e})"),
                            ));
                        }
                    };
                    Ev::Text(resolved)
                }
                Event::DocType(_) => {
                    return Err(xml_error(
                        self.part,
                        self.reader.buffer_position(),
                        "declares a DTD (<!DOCTYPE>); Word never writes one, and DTDs and entities are refused",
                    ));
                }
                Event::Eof => Ev::Eof,
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) => continue,
            });
        }
    }
}

/// A paragraph style, as styles.xml gives it.
#[derive(Debug, Default, Clone)]
struct Style {
    name: String,
    based_on: Option<String>,
    outline: Option<u8>,
    num: Option<(String, u8)>,
}

#[derive(Debug, Default)]
struct Styles {
    by_id: HashMap<String, Style>,
}

impl Styles {
    fn parse(xml: &str, limits: &Limits) -> Result<Styles, DocumentError> {
        let mut events = Events::new(xml, "word/styles.xml", limits);
        let mut styles = Styles::default();
        let mut current: Option<(String, Style)> = None;
        let mut in_ppr = false;
        loop {
            match events.next()? {
                Ev::Start(e) | Ev::Empty(e) => {
                    let local = e.local_name();
                    match local.as_ref() {
                        "style" => {
                            current = attr(&e, "styleId").map(|id| (id, Style::default()));
                        }
                        "pPr" => in_ppr = true,
                        name => {
                            if let Some((_, style)) = current.as_mut() {
                                match name {
                                    "name" => style.name = attr(&e, "val").unwrap_or_default(),
                                    "basedOn" => style.based_on = attr(&e, "val"),
                                    "outlineLvl" if in_ppr => {
                                        style.outline = attr(&e, "val").and_then(|v| v.parse().ok())
                                    }
                                    "numId" if in_ppr => {
                                        let id = attr(&e, "val").unwrap_or_default();
                                        let lvl = style.num.as_ref().map_or(0, |n| n.1);
                                        style.num = Some((id, lvl));
                                    }
                                    "ilvl" if in_ppr => {
                                        let lvl = attr(&e, "val")
                                            .and_then(|v| v.parse().ok())
                                            .unwrap_or(0);
                                        let id = style.num.take().map(|n| n.0).unwrap_or_default();
                                        style.num = Some((id, lvl));
                                    }
                                    _ => {}
                                }
                            }
                        }
                    }
                }
                Ev::End(name) => match name.as_str() {
                    "style" => {
                        if let Some((id, style)) = current.take() {
                            styles.by_id.insert(id, style);
                        }
                    }
                    "pPr" => in_ppr = false,
                    _ => {}
                },
                Ev::Text(_) => {}
                Ev::Eof => return Ok(styles),
            }
        }
    }

    /// Follows `basedOn` (at most ten steps, so a loop of styles ends).
    fn chain(&self, id: &str) -> Vec<(&str, &Style)> {
        let mut out = Vec::new();
        let mut at = Some(id);
        while let Some(id) = at {
            if out.len() >= 10 {
                break;
            }
            let Some((key, style)) = self.by_id.get_key_value(id) else {
                break;
            };
            out.push((key.as_str(), style));
            at = style.based_on.as_deref();
        }
        out
    }

    /// The heading level of a paragraph style: `heading N` by name, else its outline level.
    fn level(&self, id: &str) -> Option<u8> {
        let chain = self.chain(id);
        let names: Vec<String> = if chain.is_empty() {
            vec![id.to_string()]
        } else {
            chain
                .iter()
                .map(|(id, s)| {
                    if s.name.is_empty() {
                        id.to_string()
                    } else {
                        s.name.clone()
                    }
                })
                .collect()
        };
        for name in &names {
            let lower = name.to_ascii_lowercase();
            let rest = lower.strip_prefix("heading").map(str::trim);
            if let Some(n) = rest.and_then(|r| r.parse::<u8>().ok())
                && (1..=9).contains(&n)
            {
                return Some(n);
            }
        }
        chain
            .iter()
            .find_map(|(_, s)| s.outline)
            .filter(|&o| o < 9)
            .map(|o| o + 1)
    }

    /// Whether a paragraph style is one of Word's or LibreOffice's contents styles.
    fn is_contents(&self, id: &str) -> bool {
        let name = self
            .by_id
            .get(id)
            .map_or(id.to_string(), |s| {
                if s.name.is_empty() {
                    id.to_string()
                } else {
                    s.name.clone()
                }
            })
            .to_ascii_lowercase();
        let compact: String = name.chars().filter(|c| !c.is_whitespace()).collect();
        ["toc", "contents"].iter().any(|p| {
            compact.strip_prefix(p).is_some_and(|r| {
                r.is_empty() || r.chars().all(|c| c.is_ascii_digit()) || r == "heading"
            })
        })
    }

    fn numbering(&self, id: &str) -> Option<(String, u8)> {
        self.chain(id).iter().find_map(|(_, s)| s.num.clone())
    }
}

/// List numbering: each list's levels (format, text, start), and the counters as the document
/// goes.
#[derive(Debug, Default)]
struct Numbering {
    /// abstractNumId → levels
    abstracts: HashMap<String, Vec<Level>>,
    /// numId → (abstractNumId, start overrides)
    nums: HashMap<String, (String, HashMap<u8, u32>)>,
    counters: HashMap<String, [Option<u32>; 9]>,
}

#[derive(Debug, Clone, Default)]
struct Level {
    start: u32,
    format: String,
    text: String,
}

impl Numbering {
    fn parse(xml: &str, limits: &Limits) -> Result<Numbering, DocumentError> {
        let mut events = Events::new(xml, "word/numbering.xml", limits);
        let mut out = Numbering::default();
        let mut abstract_id: Option<String> = None;
        let mut level: Option<u8> = None;
        let mut num_id: Option<String> = None;
        let mut override_level: Option<u8> = None;
        loop {
            match events.next()? {
                Ev::Start(e) | Ev::Empty(e) => {
                    let local = e.local_name();
                    match local.as_ref() {
                        "abstractNum" => abstract_id = attr(&e, "abstractNumId"),
                        "num" => num_id = attr(&e, "numId"),
                        "lvl" if abstract_id.is_some() => {
                            level = attr(&e, "ilvl")
                                .and_then(|v| v.parse().ok())
                                .filter(|&l: &u8| l < 9);
                            if let (Some(a), Some(l)) = (&abstract_id, level) {
                                let levels = out.abstracts.entry(a.clone()).or_default();
                                while levels.len() <= usize::from(l) {
                                    levels.push(Level {
                                        start: 1,
                                        format: "decimal".into(),
                                        text: String::new(),
                                    });
                                }
                            }
                        }
                        "lvlOverride" => {
                            override_level = attr(&e, "ilvl").and_then(|v| v.parse().ok())
                        }
                        "abstractNumId" if num_id.is_some() => {
                            if let (Some(n), Some(a)) = (&num_id, attr(&e, "val")) {
                                out.nums.entry(n.clone()).or_default().0 = a;
                            }
                        }
                        "startOverride" => {
                            if let (Some(n), Some(l), Some(v)) = (
                                &num_id,
                                override_level,
                                attr(&e, "val").and_then(|v| v.parse().ok()),
                            ) {
                                out.nums.entry(n.clone()).or_default().1.insert(l, v);
                            }
                        }
                        name @ ("start" | "numFmt" | "lvlText") => {
                            if let (Some(a), Some(l)) = (&abstract_id, level)
                                && let Some(lv) = out
                                    .abstracts
                                    .get_mut(a)
                                    .and_then(|v| v.get_mut(usize::from(l)))
                            {
                                let val = attr(&e, "val").unwrap_or_default();
                                match name {
                                    "start" => lv.start = val.parse().unwrap_or(1),
                                    "numFmt" => lv.format = val,
                                    _ => lv.text = val,
                                }
                            }
                        }
                        _ => {}
                    }
                }
                Ev::End(name) => match name.as_str() {
                    "abstractNum" => abstract_id = None,
                    "lvl" => level = None,
                    "num" => num_id = None,
                    "lvlOverride" => override_level = None,
                    _ => {}
                },
                Ev::Text(_) => {}
                Ev::Eof => return Ok(out),
            }
        }
    }

    /// The label of the next paragraph of list `num` at level `ilvl` (`3.`, `(b)`, `•`).
    fn label(&mut self, num: &str, ilvl: u8) -> Option<String> {
        if num == "0" {
            return None;
        }
        let ilvl = ilvl.min(8);
        let (abstract_id, overrides) = self.nums.get(num)?.clone();
        let levels = self.abstracts.get(&abstract_id)?.clone();
        let level = levels.get(usize::from(ilvl))?.clone();
        let counters = self.counters.entry(num.to_string()).or_insert([None; 9]);
        let start_of = |l: u8| {
            overrides
                .get(&l)
                .copied()
                .or_else(|| levels.get(usize::from(l)).map(|lv| lv.start))
                .unwrap_or(1)
        };
        let next = match counters[usize::from(ilvl)] {
            Some(n) => n + 1,
            None => start_of(ilvl),
        };
        counters[usize::from(ilvl)] = Some(next);
        for deeper in counters.iter_mut().skip(usize::from(ilvl) + 1) {
            *deeper = None;
        }
        if level.format == "bullet" {
            return Some("•".to_string());
        }
        if level.format == "none" {
            return (!level.text.is_empty() && !level.text.contains('%'))
                .then(|| level.text.clone());
        }
        let mut text = level.text.clone();
        for k in (1..=9u8).rev() {
            let placeholder = format!("%{k}");
            if text.contains(&placeholder) {
                let l = k - 1;
                let value = counters[usize::from(l)].unwrap_or_else(|| start_of(l));
                let format = levels
                    .get(usize::from(l))
                    .map_or("decimal", |lv| lv.format.as_str());
                text = text.replace(&placeholder, &format_number(value, format));
            }
        }
        Some(text)
    }
}

fn format_number(n: u32, format: &str) -> String {
    match format {
        "lowerLetter" => letters(n).to_ascii_lowercase(),
        "upperLetter" => letters(n),
        "lowerRoman" => super::heading::roman_of(n).to_ascii_lowercase(),
        "upperRoman" => super::heading::roman_of(n),
        "decimalZero" => format!("{n:02}"),
        _ => n.to_string(),
    }
}

/// A, B, … Z, AA, BB (Word's letter numbering repeats the letter).
fn letters(n: u32) -> String {
    if n == 0 {
        return String::new();
    }
    let letter = char::from(b'A' + ((n - 1) % 26) as u8);
    std::iter::repeat_n(letter, ((n - 1) / 26 + 1) as usize).collect()
}

/// A paragraph as the walker found it.
#[derive(Debug, Default)]
struct Para {
    /// Its lines (a line break inside the paragraph starts another).
    lines: Vec<String>,
    style: Option<String>,
    num: Option<(String, u8)>,
    page_break: bool,
    toc: bool,
    /// The footnote or endnote this paragraph belongs to (footnotes part).
    note_id: Option<String>,
    /// Notes it refers to: (endnote?, id).
    refs: Vec<(bool, String)>,
    /// Heading level from its style or its own outline level.
    level: Option<u8>,
    outline: Option<u8>,
}

#[derive(Debug, Default)]
struct Counts {
    insertions: usize,
    deletions: usize,
    moves: usize,
    comments: usize,
    pictures: usize,
    text_boxes: usize,
}

struct Walked {
    paras: Vec<Para>,
    counts: Counts,
}

struct Field {
    toc: bool,
    instr: String,
}

/// One pass over a part's body: paragraphs with their text, in order.
fn walk(
    xml: &str,
    part: &str,
    limits: &Limits,
    styles: &Styles,
    numbering: &mut Numbering,
) -> Result<Walked, DocumentError> {
    let mut events = Events::new(xml, part, limits);
    let mut walker = Walker {
        limits,
        styles,
        numbering,
        w: String::from("w"),
        mc: String::from("mc"),
        paras: Vec::new(),
        stack: Vec::new(),
        counts: Counts::default(),
        in_text: false,
        in_instr: false,
        in_ppr: false,
        fields: Vec::new(),
        sdt_toc: Vec::new(),
        tables: Vec::new(),
        cell: Vec::new(),
        note_id: None,
        pending_break: false,
        text_bytes: 0,
    };
    let mut root_seen = false;
    // The depth of the element whose content is skipped, while inside it.
    let mut skip: Option<usize> = None;
    let mut depth = 0usize;
    loop {
        let ev = events.next()?;
        match ev {
            Ev::Start(e) | Ev::Empty(e) if !root_seen => {
                root_seen = true;
                walker.prefixes(&e);
                depth += 1;
            }
            Ev::Start(e) => {
                depth += 1;
                if skip.is_some() {
                    continue;
                }
                match walker.skipped(&e) {
                    Some(true) => skip = Some(depth),
                    Some(false) => {}
                    None => walker.open(&e, false),
                }
            }
            Ev::Empty(e) => {
                if skip.is_none() && walker.skipped(&e).is_none() {
                    walker.open(&e, true);
                }
            }
            Ev::End(local) => {
                if let Some(d) = skip {
                    if depth == d {
                        skip = None;
                    }
                    depth -= 1;
                    continue;
                }
                depth = depth.saturating_sub(1);
                walker.close(&local)?;
            }
            Ev::Text(text) => {
                if skip.is_none() {
                    walker.text(&text);
                }
            }
            Ev::Eof => break,
        }
    }
    Ok(Walked {
        paras: walker.paras,
        counts: walker.counts,
    })
}

/// Whether `e` is `prefix:local`.
fn is(e: &BytesStart<'_>, prefix: &str, local: &str) -> bool {
    let name = e.name();
    let (p, l) = match name.as_ref().split_once(':') {
        Some((p, l)) => (p, l),
        None => ("", name.as_ref()),
    };
    p == prefix && l == local
}

/// What the walk holds between two events: the paragraphs found and those still open (text
/// boxes nest them), the tables and fields open around them, and what was counted.
struct Walker<'a> {
    limits: &'a Limits,
    styles: &'a Styles,
    numbering: &'a mut Numbering,
    /// The prefixes the part's root gives WordprocessingML and markup compatibility.
    w: String,
    mc: String,
    paras: Vec<Para>,
    /// Open paragraphs (text boxes nest them).
    stack: Vec<Para>,
    counts: Counts,
    in_text: bool,
    in_instr: bool,
    in_ppr: bool,
    fields: Vec<Field>,
    /// For each open content control: whether it is a table of contents.
    sdt_toc: Vec<bool>,
    /// Rows of cells of each open table.
    tables: Vec<Vec<Vec<String>>>,
    /// Text of the open cell of each open table.
    cell: Vec<String>,
    note_id: Option<String>,
    pending_break: bool,
    text_bytes: usize,
}

impl Walker<'_> {
    /// Takes the prefixes the root element declares for Word's namespaces.
    fn prefixes(&mut self, root: &BytesStart<'_>) {
        for a in root.attributes().flatten() {
            let key = a.key.as_ref();
            if let Some(prefix) = key.strip_prefix("xmlns:") {
                let value = a.value.as_ref();
                if WORD_NS.contains(&value) {
                    self.w = prefix.to_string();
                } else if value == MC_NS {
                    self.mc = prefix.to_string();
                }
            }
        }
    }

    /// Elements whose content is not text of the document as accepted: deletions, moved-from
    /// text, old formatting of a revision, the fallback copy of drawings, comments. `Some(true)`
    /// to skip the element's content, `Some(false)` for an empty element only counted.
    fn skipped(&mut self, e: &BytesStart<'_>) -> Option<bool> {
        let (w, counts) = (self.w.as_str(), &mut self.counts);
        if is(e, w, "del") {
            counts.deletions += 1;
            return Some(true);
        }
        if is(e, w, "moveFrom") {
            counts.moves += 1;
            return Some(true);
        }
        for local in [
            "pPrChange",
            "rPrChange",
            "sectPrChange",
            "tblPrChange",
            "trPrChange",
            "tcPrChange",
            "tblGridChange",
            "numberingChange",
            "delText",
            "delInstrText",
            "sectPr",
        ] {
            if is(e, w, local) {
                return Some(true);
            }
        }
        if is(e, &self.mc, "Fallback") {
            return Some(true);
        }
        if is(e, w, "commentReference") {
            counts.comments += 1;
            return Some(false);
        }
        None
    }

    /// An element starts (`empty`: and ends at once).
    fn open(&mut self, e: &BytesStart<'_>, empty: bool) {
        let name = e.name();
        let name = name.as_ref();
        let local = name.split_once(':').map_or(name, |(_, l)| l);
        let ours = is(e, &self.w, local);
        if !ours {
            if matches!(local, "drawing" | "pict" | "object") {
                self.counts.pictures += 1;
            }
            return;
        }
        match local {
            "p" if !empty => self.stack.push(Para {
                page_break: std::mem::take(&mut self.pending_break),
                ..Para::default()
            }),
            // An empty paragraph: a blank line (nothing, inside a table's cell).
            "p" if self.cell.is_empty() => self.paras.push(Para {
                page_break: std::mem::take(&mut self.pending_break),
                ..Para::default()
            }),
            "t" if !empty => self.in_text = true,
            "instrText" if !empty => self.in_instr = true,
            "pPr" if !empty => self.in_ppr = true,
            "tab" if !self.in_ppr => push_text(&mut self.stack, "\t"),
            "noBreakHyphen" => push_text(&mut self.stack, "-"),
            "br" | "cr" => {
                let page = attr(e, "type").is_some_and(|t| t == "page");
                if let Some(para) = self.stack.last_mut() {
                    let has_text = para.lines.last().is_some_and(|l| !l.trim().is_empty());
                    if page && !has_text && para.lines.len() <= 1 {
                        para.page_break = true;
                    } else if page {
                        // The rest of the paragraph starts a page: a form feed, as in text.
                        para.lines.push("\u{c}".to_string());
                    } else {
                        if para.lines.is_empty() {
                            para.lines.push(String::new());
                        }
                        para.lines.push(String::new());
                    }
                }
            }
            "pageBreakBefore" => {
                if attr(e, "val").is_none_or(|v| v != "0" && v != "false")
                    && let Some(para) = self.stack.last_mut()
                {
                    para.page_break = true;
                }
            }
            "outlineLvl" if self.in_ppr => {
                if let Some(para) = self.stack.last_mut() {
                    para.outline = attr(e, "val").and_then(|v| v.parse().ok());
                }
            }
            "pStyle" if self.in_ppr => {
                if let Some(para) = self.stack.last_mut() {
                    para.style = attr(e, "val");
                }
            }
            "numId" if self.in_ppr => {
                if let Some(para) = self.stack.last_mut() {
                    let lvl = para.num.as_ref().map_or(0, |n| n.1);
                    para.num = Some((attr(e, "val").unwrap_or_default(), lvl));
                }
            }
            "ilvl" if self.in_ppr => {
                if let Some(para) = self.stack.last_mut() {
                    let lvl = attr(e, "val").and_then(|v| v.parse().ok()).unwrap_or(0);
                    let id = para.num.take().map(|n| n.0).unwrap_or_default();
                    para.num = Some((id, lvl));
                }
            }
            "ins" => self.counts.insertions += 1,
            "moveTo" => {}
            "sdt" if !empty => self.sdt_toc.push(false),
            "docPartGallery" => {
                if attr(e, "val")
                    .is_some_and(|v| v.to_ascii_lowercase().contains("table of contents"))
                    && let Some(top) = self.sdt_toc.last_mut()
                {
                    *top = true;
                }
            }
            "fldChar" => match attr(e, "fldCharType").as_deref() {
                Some("begin") => self.fields.push(Field {
                    toc: false,
                    instr: String::new(),
                }),
                Some("end") => {
                    self.fields.pop();
                }
                _ => {}
            },
            "fldSimple" if !empty => {
                // Its result runs follow inside; a simple TOC field is rare but marked all the same.
                if attr(e, "instr").is_some_and(|i| i.trim_start().starts_with("TOC"))
                    && let Some(para) = self.stack.last_mut()
                {
                    para.toc = true;
                }
            }
            "txbxContent" if !empty => self.counts.text_boxes += 1,
            "tbl" if !empty => {
                self.tables.push(Vec::new());
                self.cell.push(String::new());
            }
            "tr" if !empty => {
                if let Some(rows) = self.tables.last_mut() {
                    rows.push(Vec::new());
                }
            }
            "tc" if !empty => {
                if let Some(c) = self.cell.last_mut() {
                    c.clear();
                }
            }
            "footnote" | "endnote" if !empty => {
                self.note_id = attr(e, "id");
            }
            "footnoteReference" | "endnoteReference" => {
                if let (Some(para), Some(id)) = (self.stack.last_mut(), attr(e, "id")) {
                    para.refs.push((local == "endnoteReference", id));
                }
            }
            _ => {}
        }
    }

    /// Whether what is open around a paragraph makes it part of a table of contents.
    fn in_toc(&self) -> bool {
        self.sdt_toc.iter().any(|&t| t) || self.fields.iter().any(|f| f.toc)
    }

    /// An element ends: a paragraph, a cell, a row or a table is done.
    fn close(&mut self, local: &str) -> Result<(), DocumentError> {
        match local {
            "t" => self.in_text = false,
            "instrText" => self.in_instr = false,
            "pPr" => self.in_ppr = false,
            "sdt" => {
                self.sdt_toc.pop();
            }
            "p" => {
                if let Some(para) = self.stack.pop() {
                    self.paragraph(para)?;
                }
            }
            "tc" => {
                if let (Some(rows), Some(text)) = (self.tables.last_mut(), self.cell.pop()) {
                    if let Some(row) = rows.last_mut() {
                        row.push(text);
                    }
                    self.cell.push(String::new());
                }
            }
            "tr" => self.row(),
            "tbl" => {
                self.tables.pop();
                self.cell.pop();
            }
            "footnote" | "endnote" => self.note_id = None,
            _ => {}
        }
        Ok(())
    }

    /// A paragraph ends: its number, level and contents flag are settled, and it joins the
    /// open cell or the document.
    fn paragraph(&mut self, mut para: Para) -> Result<(), DocumentError> {
        let styles = self.styles;
        para.toc |= self.in_toc();
        if let Some(style) = &para.style
            && styles.is_contents(style)
        {
            para.toc = true;
        }
        let num = para
            .num
            .clone()
            .or_else(|| para.style.as_deref().and_then(|s| styles.numbering(s)));
        if let Some((id, lvl)) = num
            && let Some(label) = self.numbering.label(&id, lvl)
            && let Some(first) = para.lines.first_mut()
        {
            *first = format!("{label} {first}");
        }
        para.note_id = self.note_id.clone();
        para.level = para
            .outline
            .filter(|&o| o < 9)
            .map(|o| o + 1)
            .or_else(|| para.style.as_deref().and_then(|s| styles.level(s)));
        if let Some(open_cell) = self.cell.last_mut() {
            let text = para.lines.join(" ");
            if !text.trim().is_empty() {
                if !open_cell.is_empty() {
                    open_cell.push(' ');
                }
                open_cell.push_str(text.trim());
            }
        } else {
            self.text_bytes += para.lines.iter().map(String::len).sum::<usize>();
            if self.text_bytes > self.limits.max_text_bytes {
                return Err(DocumentError::TextTooLarge {
                    limit: self.limits.max_text_bytes,
                });
            }
            self.paras.push(para);
        }
        Ok(())
    }

    /// A table row ends: its cells joined become a paragraph, or, in a table inside a cell,
    /// that cell's text.
    fn row(&mut self) {
        let Some(row) = self.tables.last().and_then(|rows| rows.last()) else {
            return;
        };
        let text = row
            .iter()
            .filter(|c| !c.is_empty())
            .cloned()
            .collect::<Vec<_>>()
            .join(" | ");
        if self.tables.len() > 1 {
            // A table inside a cell: its rows become that cell's text.
            let outer = self.cell.len() - 2;
            if !text.is_empty() {
                if !self.cell[outer].is_empty() {
                    self.cell[outer].push_str("; ");
                }
                self.cell[outer].push_str(&text);
            }
        } else if !text.is_empty() {
            self.paras.push(Para {
                lines: vec![text],
                toc: self.in_toc(),
                note_id: self.note_id.clone(),
                ..Para::default()
            });
        }
    }

    /// Text between tags: a field's instruction, or a run's text.
    fn text(&mut self, text: &str) {
        if self.in_instr {
            if let Some(f) = self.fields.last_mut() {
                f.instr.push_str(text);
                if f.instr.trim_start().starts_with("TOC") {
                    f.toc = true;
                }
            }
        } else if self.in_text {
            push_text(&mut self.stack, text);
        }
    }
}

fn push_text(stack: &mut [Para], text: &str) {
    if let Some(para) = stack.last_mut() {
        if para.lines.is_empty() {
            para.lines.push(String::new());
        }
        para.lines.last_mut().expect("pushed").push_str(text);
    }
}

/// Paragraphs to lines: each paragraph's lines, its notes after it in brackets, and a blank line
/// between paragraphs unless the document spaces its paragraphs with empty ones itself (as
/// LibreOffice's text import and many typed documents do).
fn to_lines(
    paras: Vec<Para>,
    notes_text: &HashMap<(bool, String), String>,
    notes: &mut Vec<Note>,
    limits: &Limits,
) -> Result<Vec<Line>, DocumentError> {
    let empty = paras
        .iter()
        .filter(|p| p.lines.iter().all(|l| l.trim().is_empty()))
        .count();
    let spaced_by_author = paras.len() >= 4 && empty * 6 >= paras.len();
    let mut lines: Vec<Line> = Vec::with_capacity(paras.len() * 2);
    let mut inline_notes = 0;
    let mut bytes = 0usize;
    for para in paras {
        let level = para.level;
        let mut first = true;
        let para_lines = if para.lines.is_empty() {
            vec![String::new()]
        } else {
            para.lines
        };
        if !spaced_by_author && !lines.is_empty() && para_lines.iter().any(|l| !l.trim().is_empty())
        {
            lines.push(Line::default());
        }
        if !spaced_by_author && para_lines.iter().all(|l| l.trim().is_empty()) {
            // A blank paragraph in a document that spaces by style: the blank line above is enough;
            // only its page break is kept.
            if para.page_break {
                lines.push(Line {
                    page_break: true,
                    ..Line::default()
                });
            }
            continue;
        }
        for text in para_lines {
            bytes += text.len();
            let page_break = (first && para.page_break) || text.starts_with('\u{c}');
            lines.push(Line {
                text,
                level,
                page_break,
                toc: para.toc,
            });
            first = false;
        }
        for (endnote, id) in &para.refs {
            if let Some(text) = notes_text.get(&(*endnote, id.clone()))
                && !text.is_empty()
            {
                inline_notes += 1;
                lines.push(Line::new(format!("[{text}]")));
            }
        }
        if bytes > limits.max_text_bytes {
            return Err(DocumentError::TextTooLarge {
                limit: limits.max_text_bytes,
            });
        }
    }
    if inline_notes > 0 {
        notes.push(Note::NotesInline(inline_notes));
    }
    Ok(lines)
}
