//! A whole contract split into its units: articles, appendices, letters of agreement,
//! memoranda, and the parts its contents page lists after them; plus what belongs to none (the
//! cover and preamble, the table of contents, a subject index, division headings).
//!
//! How a heading is told from a line that only looks like one:
//! 1. The printed table of contents is found first: clusters of lines with dot leaders or page
//!    numbers that name units. Nothing in it opens a unit, so titles always come from the
//!    body's headings (contents pages extracted from PDF break words: "REC OGNITION").
//! 2. A heading-shaped line ([`super::heading`]) opens a unit only where a heading can stand:
//!    after a page break, or where the line before ends a sentence. A line that carries on a
//!    sentence ("… the differential under / Article 70.") or follows a lead-in ("Attachments: /
//!    Appendix D") does not. Lines the format marks as headings (Word heading styles, Markdown
//!    `#`) skip that test.
//! 3. A number already used by a unit of the same kind does not open another: a letter of
//!    agreement that quotes "ARTICLE 39 – DISCIPLINE" in full stays one letter, and a
//!    sentence "Article 15 – Overtime Section 3 …" in a schedule stays in its article.
//! 4. `12.  TITLE` headings count only in a document without `ARTICLE` headings, and only with
//!    rising numbers (numbered sub-headings inside articles are not articles).
//! 5. A bare `ARTICLE 5` takes its title from the next line when that line is a title; a title
//!    in capitals that runs onto the next line (`… OVERPAYMENTS AND` / `UNDERPAYMENTS`) is joined.
//! 6. Headings over groups of units (`DIVISION 2 – …`, `LETTERS OF AGREEMENT`) close the unit
//!    before them and name the group of the units after them; an `INDEX` heading opens an
//!    index that only a heading in capitals ends.
//! 7. A document with no such headings at all, but with styled headings, is split at its
//!    highest heading level that occurs more than once.
//!
//! Every line lands in exactly one unit or leftover, in order: the words of the units and the
//! leftovers add up to the words of the document.

use super::heading::{self, Heading, Number, Shape, UnitKind};
use super::{Document, count_words, first_words};
use crate::model::slug;
use std::collections::HashSet;
use std::ops::Range;

/// The result of splitting a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    pub units: Vec<Unit>,
    /// What belongs to no unit, in document order.
    pub unassigned: Vec<Leftover>,
    /// Words in the whole document ([`super::count_words`]).
    pub words: usize,
    /// Notes on how the split was made (a fallback used, headings skipped), as sentences.
    pub notes: Vec<String>,
}

impl Split {
    /// How many units of each kind, in the order the kinds first appear.
    pub fn kinds(&self) -> Vec<(super::UnitKind, usize)> {
        let mut kinds: Vec<(super::UnitKind, usize)> = Vec::new();
        for unit in &self.units {
            match kinds.iter_mut().find(|(k, _)| *k == unit.kind) {
                Some((_, n)) => *n += 1,
                None => kinds.push((unit.kind, 1)),
            }
        }
        kinds
    }
}

/// One article, appendix, letter or memorandum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// Stable within the document: `12`, `1.1`, `10.1M`, `appendix-a`, `letter-3`,
    /// `letter-new-employee-notice-union-access`, `part-salary-schedules`.
    pub id: String,
    pub kind: UnitKind,
    pub number: Option<Number>,
    /// From the heading in the body.
    pub title: String,
    /// The heading line as written, without page break, Markdown marker and outer spaces.
    pub heading: String,
    /// The group heading above it (`DIVISION 2 – MANAGEMENT RIGHTS`), if any.
    pub group: Option<String>,
    /// The lines of the document it holds, its heading first.
    pub lines: Range<usize>,
    /// Its lines joined by newlines, as the document has them.
    pub text: String,
    pub words: usize,
    /// The first words after the heading, for a preview.
    pub first_words: String,
}

/// Lines that belong to no unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leftover {
    pub kind: LeftoverKind,
    pub lines: Range<usize>,
    pub text: String,
    pub words: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LeftoverKind {
    /// Before the first unit: the cover, the preamble, recitals.
    Preamble,
    /// A printed table of contents.
    Contents,
    /// A subject index.
    Index,
    /// A heading over a group of units (`DIVISION 2 – …`) and anything between it and the
    /// group's first unit.
    Group,
}

impl LeftoverKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LeftoverKind::Preamble => "preamble",
            LeftoverKind::Contents => "table of contents",
            LeftoverKind::Index => "index",
            LeftoverKind::Group => "group heading",
        }
    }
}

/// What each line turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Contents,
    Index,
    Group,
    Body,
}

struct Opened {
    start: usize,
    heading: Heading,
    title: String,
    group: Option<String>,
    /// Lines after the heading that belong to its title (a bare heading's title line, or a
    /// title run on).
    title_lines: usize,
}

/// Splits a document into units.
pub fn split(doc: &Document) -> Split {
    let lines = &doc.lines;
    let contents: Vec<&str> = lines.iter().map(|l| l.content()).collect();
    let shapes: Vec<Option<Shape>> = contents
        .iter()
        .map(|c| {
            if c.is_empty() {
                None
            } else {
                heading::shape(c)
            }
        })
        .collect();
    let in_contents = contents_regions(doc, &contents, &shapes);
    let part_keys = back_matter_parts(&contents, &shapes, &in_contents);

    // Keyword headings (ARTICLE …) outside the contents decide whether `12.  TITLE` counts.
    let keyword_articles = shapes
        .iter()
        .enumerate()
        .filter(|(i, s)| {
            !in_contents[*i]
                && matches!(s, Some(Shape::Unit(h)) if h.kind == UnitKind::Article && !h.number_only)
        })
        .count();
    let number_only_mode = keyword_articles < 2;
    let groups_count = shapes
        .iter()
        .enumerate()
        .filter(|(i, s)| !in_contents[*i] && matches!(s, Some(Shape::Group)))
        .count();

    let mut roles = vec![Role::Body; lines.len()];
    let mut opened: Vec<Opened> = Vec::new();
    let mut used: HashSet<(UnitKind, String)> = HashSet::new();
    let mut used_parts: HashSet<usize> = HashSet::new();
    let mut group: Option<String> = None;
    let mut in_index = false;
    let mut last_number_only: Option<u32> = None;
    let mut skip_until = 0;
    let mut prev_nonblank: Option<usize> = None;
    let mut page_since_prev = true;
    let mut current_role = Role::Body;

    for i in 0..lines.len() {
        let line = &lines[i];
        if line.page_break {
            page_since_prev = true;
        }
        let content = contents[i];
        if i < skip_until {
            if !content.is_empty() {
                prev_nonblank = Some(i);
                page_since_prev = false;
            }
            continue;
        }
        if in_contents[i] {
            if current_role != Role::Contents {
                current_role = Role::Contents;
            }
            roles[i] = Role::Contents;
            if !content.is_empty() {
                prev_nonblank = Some(i);
                page_since_prev = false;
            }
            continue;
        }
        if current_role == Role::Contents {
            current_role = Role::Body;
        }
        if content.is_empty() {
            roles[i] = current_role;
            continue;
        }
        let next_is_leader = contents[i + 1..]
            .iter()
            .take(3)
            .find(|c| !c.is_empty())
            .is_some_and(|c| heading::is_leader_line(c));
        let context = Context {
            prev: prev_nonblank.map(|p| contents[p]),
            immediate: prev_nonblank == Some(i.wrapping_sub(1)),
            page_break: page_since_prev,
            styled: line.level.is_some(),
        };
        let mut accepted: Option<Heading> = None;
        match &shapes[i] {
            Some(Shape::Unit(h))
                if !next_is_leader
                    && !heading::is_leader_line(content)
                    && unit_may_start(
                        h,
                        &context,
                        in_index,
                        number_only_mode,
                        last_number_only,
                    )
                    && !used.contains(&key(h)) =>
            {
                accepted = Some(h.clone());
            }
            Some(Shape::Group) if groups_count >= 2 && capital_context_ok(&context) => {
                in_index = false;
                group = Some(content.to_string());
                current_role = Role::Group;
                roles[i] = Role::Group;
                prev_nonblank = Some(i);
                page_since_prev = false;
                continue;
            }
            Some(Shape::Index) if capital_context_ok(&context) => {
                in_index = true;
                current_role = Role::Index;
                roles[i] = Role::Index;
                prev_nonblank = Some(i);
                page_since_prev = false;
                continue;
            }
            _ => {}
        }
        let right_after_heading = opened
            .last()
            .is_some_and(|o| prev_nonblank == Some(o.start + o.title_lines));
        if accepted.is_none()
            && !opened.is_empty()
            && !right_after_heading
            && let Some(k) = part_match(content, &part_keys, &used_parts)
            && capital_context_ok(&context)
            && heading_text_shaped(content)
        {
            used_parts.insert(k);
            accepted = Some(Heading {
                kind: UnitKind::Part,
                label: String::new(),
                number: None,
                title: content.to_string(),
                capitals: true,
                number_only: false,
            });
        }
        if let Some(h) = accepted {
            if h.number_only {
                last_number_only = h.number.as_ref().and_then(Number::whole);
            }
            if h.kind != UnitKind::Part {
                used.insert(key(&h));
            }
            in_index = false;
            let (title, title_lines) = title_of(&h, i, &contents, &shapes);
            skip_until = i + 1 + title_lines;
            opened.push(Opened {
                start: i,
                heading: h,
                title,
                group: group.clone(),
                title_lines,
            });
            current_role = Role::Body;
            roles[i] = Role::Body;
            prev_nonblank = Some(i);
            page_since_prev = false;
            continue;
        }
        roles[i] = current_role;
        prev_nonblank = Some(i);
        page_since_prev = false;
    }

    let mut notes = Vec::new();
    if opened.is_empty()
        && let Some(styled) = styled_units(doc, &contents, &in_contents)
    {
        notes.push(format!(
            "no article headings found; split at the document's level-{} headings",
            styled.1
        ));
        opened = styled.0;
        for (i, role) in roles.iter_mut().enumerate() {
            if !in_contents[i] {
                *role = Role::Body;
            }
        }
    }
    build(doc, &contents, roles, opened, notes)
}

/// What surrounds a candidate heading.
struct Context<'a> {
    /// The previous line with text.
    prev: Option<&'a str>,
    /// It is the line right before (no blank line between).
    immediate: bool,
    /// A page break came since it.
    page_break: bool,
    /// The format marks this line as a heading.
    styled: bool,
}

impl Context<'_> {
    /// Whether a heading may stand here: always when the format marks it, after a page break
    /// or at the start; else as `after` judges the previous line with text and its last
    /// character.
    fn allows(&self, after: impl Fn(&str, char) -> bool) -> bool {
        if self.styled || self.page_break {
            return true;
        }
        match self.prev {
            None => true,
            Some(prev) => after(prev, prev.chars().next_back().unwrap_or('.')),
        }
    }
}

/// Where a heading in capitals may stand: anywhere but right under a line that carries on a
/// sentence or leads into a list.
fn capital_context_ok(c: &Context<'_>) -> bool {
    c.allows(|_, last| !(last == ':' || (c.immediate && (last.is_lowercase() || last == ','))))
}

/// Where a heading in mixed case may stand: after a page break or a line that ends a sentence
/// (or a number, a bracket, a heading).
fn mixed_context_ok(c: &Context<'_>) -> bool {
    c.allows(|prev, last| {
        matches!(last, '.' | '!' | '?' | ')' | ']' | '"' | '”' | '’' | '*')
            || last.is_ascii_digit()
            || heading::shape(prev).is_some()
    })
}

fn unit_may_start(
    h: &Heading,
    c: &Context<'_>,
    in_index: bool,
    number_only_mode: bool,
    last_number_only: Option<u32>,
) -> bool {
    if h.number_only {
        if !number_only_mode {
            return false;
        }
        let rising = match (h.number.as_ref().and_then(Number::whole), last_number_only) {
            (Some(n), Some(last)) => n > last,
            (Some(_), None) => true,
            _ => false,
        };
        return rising && (c.styled || c.page_break || c.prev.is_none() || !c.immediate);
    }
    if h.capitals {
        capital_context_ok(c)
    } else {
        !in_index && mixed_context_ok(c)
    }
}

/// What a unit's number must be unique among.
fn key(h: &Heading) -> (UnitKind, String) {
    match &h.number {
        Some(n) => (h.kind, n.canonical()),
        // Unnumbered letters and appendices may repeat a title; never refused as duplicates.
        None => (h.kind, format!("\u{0}{}", h.title)),
    }
}

/// The unit's title, and how many lines after the heading belong to it: a bare heading's next
/// line when it reads as a title, or a capitals title run onto the next line.
fn title_of(h: &Heading, i: usize, contents: &[&str], shapes: &[Option<Shape>]) -> (String, usize) {
    let mut title = h.title.clone();
    // A bare heading: the title may follow after one blank line.
    if title.is_empty() {
        for (offset, &next) in contents.iter().enumerate().skip(i + 1).take(2) {
            if next.is_empty() {
                continue;
            }
            if title_line(next, &shapes[offset]) {
                return (next.to_string(), offset - i);
            }
            break;
        }
        return (title, 0);
    }
    let mut taken = 0;
    if h.capitals && heading::is_leader_line(&title) {
        return (title, 0);
    }
    while let Some(&next) = contents.get(i + 1 + taken) {
        let title_in_capitals = !title.chars().any(char::is_lowercase);
        if taken >= 2
            || next.is_empty()
            || !title_in_capitals
            || !title_line(next, &shapes[i + 1 + taken])
        {
            break;
        }
        if !next.chars().any(char::is_alphabetic) || next.chars().any(char::is_lowercase) {
            break;
        }
        title.push(' ');
        title.push_str(next.trim_end_matches('.'));
        taken += 1;
    }
    (title, taken)
}

/// A line that can be (the rest of) a title: short, no leaders, not a heading itself, not a
/// section, not a sentence.
fn title_line(line: &str, shape: &Option<Shape>) -> bool {
    let words = line.split_whitespace().count();
    let first = line
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    shape.is_none()
        && (1..=12).contains(&words)
        && !heading::is_leader_line(line)
        && !first.eq_ignore_ascii_case("section")
        && !line.ends_with(':')
        && (!line.ends_with('.') || !line.chars().any(char::is_lowercase))
        && line
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
        && heading_text_shaped(line)
}

/// Text that could be a heading: letters, mostly capitals or title case, not a sentence.
fn heading_text_shaped(line: &str) -> bool {
    let letters = line.chars().filter(|c| c.is_alphabetic()).count();
    let upper = line.chars().filter(|c| c.is_uppercase()).count();
    letters >= 2 && (upper * 2 >= letters || line.split_whitespace().count() <= 8)
}

/// Marks the lines of printed tables of contents.
fn contents_regions(doc: &Document, contents: &[&str], shapes: &[Option<Shape>]) -> Vec<bool> {
    let n = contents.len();
    let entry_like: Vec<bool> = (0..n)
        .map(|i| {
            let c = contents[i];
            !c.is_empty()
                && (doc.lines[i].toc || heading::is_leader_line(c) || ends_with_page_number(c))
        })
        .collect();
    let names_unit = |i: usize| -> bool {
        let c = contents[i];
        if matches!(shapes[i], Some(Shape::Unit(_)) | Some(Shape::Group)) {
            return true;
        }
        matches!(
            heading::shape(entry_text(c)),
            Some(Shape::Unit(_)) | Some(Shape::Group)
        )
    };
    let mut marked = vec![false; n];
    let mut i = 0;
    while i < n {
        if !entry_like[i] {
            i += 1;
            continue;
        }
        // A cluster: entry-like lines with at most a few other lines with text between.
        let start = i;
        let mut end = i;
        let mut entries = 0;
        let mut gap = 0;
        let mut j = i;
        while j < n {
            if entry_like[j] {
                entries += 1;
                end = j;
                gap = 0;
            } else if !contents[j].is_empty() {
                gap += 1;
                if gap > 6 {
                    break;
                }
            }
            j += 1;
        }
        // Entries wrapped by a narrow page ("ARTICLE 1.2 REC" / "OGNITION ....... 1") name the
        // unit on the line above their leader, so every line of the cluster counts.
        let naming = (start..=end)
            .filter(|&k| !contents[k].is_empty() && names_unit(k))
            .count();
        let styled_toc = doc.lines[start..=end].iter().any(|l| l.toc);
        let leaders = (start..=end)
            .filter(|&k| heading::is_leader_line(contents[k]))
            .count();
        let titled =
            (start.saturating_sub(8)..start).any(|k| matches!(shapes[k], Some(Shape::Contents)));
        // Dot leaders make a contents page; page numbers alone (a salary table has numbers at
        // the ends of its lines too) only under a "CONTENTS" title.
        if ((leaders >= 3 || titled) && entries >= 3 && naming >= 2) || (styled_toc && entries >= 1)
        {
            // Take in the title above ("TABLE OF CONTENTS", "ARTICLES:") and lines between.
            let mut from = start;
            let mut k = start;
            let mut looked = 0;
            while k > 0 && looked < 6 {
                k -= 1;
                if contents[k].is_empty() {
                    continue;
                }
                looked += 1;
                if matches!(shapes[k], Some(Shape::Contents)) {
                    from = k;
                    break;
                }
            }
            for m in marked.iter_mut().take(end + 1).skip(from) {
                *m = true;
            }
            // A continuation line right after the last entry ("   UNDERPAYMENTS ......").
            i = end + 1;
        } else {
            i = j.max(i + 1);
        }
    }
    marked
}

/// A contents entry's text before its leader: `ARTICLE 1 - RECOGNITION` of
/// `ARTICLE 1 - RECOGNITION ........ 1`.
fn entry_text(c: &str) -> &str {
    let cut = c
        .find("..")
        .into_iter()
        .chain(c.find('…'))
        .chain(c.find('\t'))
        .min()
        .unwrap_or(c.len());
    let t = c[..cut].trim_end();
    t.trim_end_matches(|ch: char| ch.is_ascii_digit())
        .trim_end()
}

/// `ARTICLE 1 - RECOGNITION      1`: a page number after a run of spaces or a tab.
fn ends_with_page_number(c: &str) -> bool {
    let digits = c.len() - c.trim_end_matches(|ch: char| ch.is_ascii_digit()).len();
    if digits == 0 || digits > 4 || digits == c.len() {
        return false;
    }
    let before = &c[..c.len() - digits];
    (before.ends_with("   ") || before.ends_with('\t'))
        && before.trim().chars().any(char::is_alphabetic)
}

/// The keys (capital letters and digits only) of contents entries listed after the last
/// article that name no unit and no group: parts of their own at the back (`SALARY SCHEDULES`).
/// An entry wrapped over lines (`SIGNATURE` / `PAGE ........ 204`) is read whole.
fn back_matter_parts(
    contents: &[&str],
    shapes: &[Option<Shape>],
    in_contents: &[bool],
) -> Vec<String> {
    let _ = shapes;
    let mut entries: Vec<String> = Vec::new();
    let mut pending = String::new();
    for (i, &c) in contents.iter().enumerate() {
        if !in_contents[i] || c.is_empty() {
            continue;
        }
        if heading::is_leader_line(c) {
            let text = entry_text(c);
            let whole = match (pending.is_empty(), text.is_empty()) {
                (true, true) => continue,
                (true, false) => text.to_string(),
                (false, true) => std::mem::take(&mut pending),
                (false, false) => format!("{} {text}", std::mem::take(&mut pending)),
            };
            entries.push(whole);
        } else {
            if !pending.is_empty() {
                pending.push(' ');
            }
            pending.push_str(c);
            if pending.len() > 300 {
                pending.clear();
            }
        }
    }
    let shape_of = |e: &str| heading::shape(e);
    let Some(last_article) = entries
        .iter()
        .rposition(|e| matches!(shape_of(e), Some(Shape::Unit(h)) if h.kind == UnitKind::Article))
    else {
        return Vec::new();
    };
    entries[last_article + 1..]
        .iter()
        .filter(|e| shape_of(e).is_none())
        .map(|e| normal_key(e))
        .filter(|k| k.len() >= 6)
        .collect()
}

fn normal_key(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

fn part_match(content: &str, keys: &[String], used: &HashSet<usize>) -> Option<usize> {
    if keys.is_empty()
        || content.chars().any(char::is_lowercase)
        || content.split_whitespace().count() > 12
    {
        return None;
    }
    let norm = normal_key(content);
    if norm.len() < 6 {
        return None;
    }
    keys.iter()
        .enumerate()
        .find(|(k, key)| !used.contains(k) && key.starts_with(norm.as_str()))
        .map(|(k, _)| k)
}

/// Units at the highest styled heading level that occurs at least twice (outside contents).
fn styled_units(
    doc: &Document,
    contents: &[&str],
    in_contents: &[bool],
) -> Option<(Vec<Opened>, u8)> {
    let mut counts = [0usize; 10];
    for (i, l) in doc.lines.iter().enumerate() {
        if let Some(level) = l.level
            && !in_contents[i]
            && !contents[i].is_empty()
            && !matches!(
                heading::shape(contents[i]),
                Some(Shape::Contents | Shape::Index)
            )
        {
            counts[usize::from(level.min(9))] += 1;
        }
    }
    let level = (1..10).find(|&l| counts[l] >= 2)? as u8;
    let opened = doc
        .lines
        .iter()
        .enumerate()
        .filter(|(i, l)| {
            l.level.map(|v| v.min(9)) == Some(level)
                && !in_contents[*i]
                && !contents[*i].is_empty()
                && !matches!(
                    heading::shape(contents[*i]),
                    Some(Shape::Contents | Shape::Index)
                )
        })
        .map(|(i, _)| Opened {
            start: i,
            heading: Heading {
                kind: UnitKind::Article,
                label: String::new(),
                number: None,
                title: contents[i].to_string(),
                capitals: false,
                number_only: false,
            },
            title: contents[i].to_string(),
            group: None,
            title_lines: 0,
        })
        .collect();
    Some((opened, level))
}

fn build(
    doc: &Document,
    contents: &[&str],
    roles: Vec<Role>,
    opened: Vec<Opened>,
    notes: Vec<String>,
) -> Split {
    let n = doc.lines.len();
    let join = |range: Range<usize>| -> String {
        let mut text = String::new();
        for line in &doc.lines[range] {
            text.push_str(&line.text);
            text.push('\n');
        }
        text
    };
    let mut units = Vec::with_capacity(opened.len());
    let mut unassigned = Vec::new();
    let push_leftover =
        |kind: LeftoverKind, range: Range<usize>, unassigned: &mut Vec<Leftover>| {
            if range.is_empty() {
                return;
            }
            let text = join(range.clone());
            let words = count_words(&text);
            if let Some(last) = unassigned.last_mut()
                && last.kind == kind
                && last.lines.end == range.start
            {
                last.lines.end = range.end;
                last.text.push_str(&text);
                last.words += words;
                return;
            }
            unassigned.push(Leftover {
                kind,
                lines: range,
                text,
                words,
            });
        };
    // Lines are assigned in runs: a unit holds its lines up to the next unit or a line whose role
    // is not Body (contents, index, group); lines before the first unit are leftovers.
    let first_unit = opened.first().map_or(n, |o| o.start);
    let mut i = 0;
    while i < first_unit {
        let kind = leftover_kind(roles[i]);
        let mut j = i + 1;
        while j < first_unit && leftover_kind(roles[j]) == kind {
            j += 1;
        }
        push_leftover(kind, i..j, &mut unassigned);
        i = j;
    }
    let mut ids: HashSet<String> = HashSet::new();
    for (k, o) in opened.iter().enumerate() {
        let next = opened.get(k + 1).map_or(n, |o| o.start);
        let mut end = o.start + 1 + o.title_lines;
        while end < next && roles[end] == Role::Body {
            end += 1;
        }
        let range = o.start..end.min(next);
        let text = join(range.clone());
        let body_start = (o.start + 1 + o.title_lines).min(range.end);
        let mut body = String::new();
        for line in &doc.lines[body_start..range.end] {
            body.push_str(&line.text);
            body.push('\n');
            if body.len() > 2000 {
                break;
            }
        }
        let mut id = unit_id(&o.heading, &o.heading.title);
        if !ids.insert(id.clone()) {
            let mut m = 2;
            while !ids.insert(format!("{id}-{m}")) {
                m += 1;
            }
            id = format!("{id}-{m}");
        }
        units.push(Unit {
            id,
            kind: o.heading.kind,
            number: o.heading.number.clone(),
            title: o.title.clone(),
            heading: contents[o.start].to_string(),
            group: o.group.clone(),
            words: count_words(&text),
            text,
            first_words: first_words(&body, 12),
            lines: range.clone(),
        });
        // What follows the unit before the next one: contents, index or group lines.
        let mut i = range.end;
        while i < next {
            let kind = leftover_kind(roles[i]);
            let mut j = i + 1;
            while j < next && leftover_kind(roles[j]) == kind && roles[j] != Role::Body {
                j += 1;
            }
            if roles[i] == Role::Body {
                // Body lines after a group or index heading belong with that leftover.
                let kind = unassigned.last().map_or(LeftoverKind::Preamble, |l| l.kind);
                push_leftover(kind, i..j, &mut unassigned);
            } else {
                push_leftover(kind, i..j, &mut unassigned);
            }
            i = j;
        }
    }
    let words = units.iter().map(|u| u.words).sum::<usize>()
        + unassigned.iter().map(|l| l.words).sum::<usize>();
    Split {
        units,
        unassigned,
        words,
        notes,
    }
}

fn leftover_kind(role: Role) -> LeftoverKind {
    match role {
        Role::Contents => LeftoverKind::Contents,
        Role::Index => LeftoverKind::Index,
        Role::Group => LeftoverKind::Group,
        Role::Body => LeftoverKind::Preamble,
    }
}

fn unit_id(h: &Heading, title: &str) -> String {
    let number = h.number.as_ref().map(Number::canonical);
    match (h.kind, number) {
        (UnitKind::Article, Some(n)) => n,
        (kind, Some(n)) => format!("{}-{}", short_kind(kind), n.to_ascii_lowercase()),
        (kind, None) => {
            let s = slug(title, 48);
            if s.is_empty() {
                short_kind(kind).to_string()
            } else {
                format!("{}-{s}", short_kind(kind))
            }
        }
    }
}

fn short_kind(kind: UnitKind) -> &'static str {
    match kind {
        UnitKind::Article => "article",
        UnitKind::Appendix => "appendix",
        UnitKind::Letter => "letter",
        UnitKind::Memorandum => "mou",
        UnitKind::Part => "part",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Kind, Line, text::lines_of};

    fn doc(text: &str) -> Document {
        Document {
            kind: Kind::Text,
            lines: lines_of(text),
            notes: Vec::new(),
        }
    }

    fn ids(text: &str) -> Vec<String> {
        split(&doc(text)).units.into_iter().map(|u| u.id).collect()
    }

    #[test]
    fn contents_page_never_opens_units_and_titles_come_from_the_body() {
        let text = "TABLE OF CONTENTS\nARTICLE 1 - REC OGNITION ........ 1\nARTICLE 2 - SCO PE ......... 2\nARTICLE 3 - PAY ......... 3\n\u{c}PREAMBLE\n\nThis Agreement is made.\n\nARTICLE 1 - RECOGNITION\n\nThe Employer recognizes the Union.\n\nARTICLE 2 - SCOPE\n\nAll employees.\n\nARTICLE 3 - PAY\n\nPay.\n";
        let s = split(&doc(text));
        assert_eq!(
            s.units.iter().map(|u| u.id.as_str()).collect::<Vec<_>>(),
            ["1", "2", "3"]
        );
        assert_eq!(s.units[0].title, "RECOGNITION");
        assert_eq!(s.unassigned[0].kind, LeftoverKind::Contents);
        assert_eq!(s.unassigned[1].kind, LeftoverKind::Preamble);
        assert_eq!(s.words, count_words(text));
    }

    #[test]
    fn a_sentence_carried_onto_a_line_is_not_a_heading() {
        let text = "ARTICLE 1 - PAY\n\nThe differential under\nArticle 70.\n\nARTICLE 2 - LEAVE\n\nAttachments:\n      Appendix D\n\nAPPENDIX D\n\nText.\n";
        assert_eq!(ids(text), ["1", "2", "appendix-d"]);
    }

    #[test]
    fn repeated_numbers_stay_in_the_unit_that_quotes_them() {
        let text = "ARTICLE 39 - DISCIPLINE\n\nText.\n\nLETTER OF AGREEMENT – ARTICLE 39 - DISCIPLINE\n\nThe following shall serve as Article 39.\n\nARTICLE 39 – DISCIPLINE AND DISCHARGE\n\nSection 1.\n";
        let s = split(&doc(text));
        assert_eq!(s.units.len(), 2);
        assert_eq!(s.units[1].kind, UnitKind::Letter);
        assert!(s.units[1].text.contains("DISCIPLINE AND DISCHARGE"));
    }

    #[test]
    fn bare_heading_takes_the_next_line_as_title_and_titles_run_on() {
        let text = "ARTICLE 5\nRECOGNITION\n\nText.\n\n### ARTICLE 56 - RECOUPMENT OF WAGE AND\nUNDERPAYMENTS\n\nSection 1.\n";
        let s = split(&doc(text));
        assert_eq!(s.units[0].title, "RECOGNITION");
        assert_eq!(s.units[1].title, "RECOUPMENT OF WAGE AND UNDERPAYMENTS");
    }

    #[test]
    fn numbered_headings_count_only_without_article_headings() {
        let text = "1.  RECOGNITION\n\nThe Employer recognizes.\n\n2.  HOURS\n\n1. DEFINITIONS\n\n3.  WAGES\n";
        assert_eq!(ids(text), ["1", "2", "3"]);
        let mixed = "ARTICLE 1 - X\n\n1.  DEFINITIONS\n\nARTICLE 2 - Y\n\n2.  MORE\n";
        assert_eq!(ids(mixed), ["1", "2"]);
    }

    #[test]
    fn divisions_group_units_and_sections_never_split() {
        let text = "DIVISION 1 – TERMS\n\nARTICLE 1.1 PARTIES\n\nSection 1.\nText.\n\nSECTION 2 - MORE\n\nDIVISION 2 – RIGHTS\n\nARTICLE 2.1 RIGHTS\n\nText.\n";
        let s = split(&doc(text));
        assert_eq!(
            s.units.iter().map(|u| u.id.as_str()).collect::<Vec<_>>(),
            ["1.1", "2.1"]
        );
        assert_eq!(s.units[1].group.as_deref(), Some("DIVISION 2 – RIGHTS"));
        assert!(s.units[0].text.contains("SECTION 2"));
        assert!(s.unassigned.iter().all(|l| l.kind == LeftoverKind::Group));
    }

    #[test]
    fn styled_headings_split_a_document_without_article_headings() {
        let mut lines = vec![
            Line::new("Recognition"),
            Line::new("The Employer."),
            Line::new("Hours"),
            Line::new("Eight."),
        ];
        lines[0].level = Some(1);
        lines[2].level = Some(1);
        let s = split(&Document {
            kind: Kind::Docx,
            lines,
            notes: Vec::new(),
        });
        assert_eq!(s.units.len(), 2);
        assert_eq!(s.units[1].title, "Hours");
        assert_eq!(s.units[0].id, "article-recognition");
    }

    #[test]
    fn every_line_lands_once() {
        let text = "Cover\n\nARTICLE 1 - A\n\nx y z\n\nINDEX\n\nA – Article 1\n";
        let s = split(&doc(text));
        let mut covered: Vec<Range<usize>> = s
            .units
            .iter()
            .map(|u| u.lines.clone())
            .chain(s.unassigned.iter().map(|l| l.lines.clone()))
            .collect();
        covered.sort_by_key(|r| r.start);
        let mut at = 0;
        for r in covered {
            assert_eq!(r.start, at);
            at = r.end;
        }
        assert_eq!(at, doc(text).lines.len());
        assert_eq!(s.unassigned.last().unwrap().kind, LeftoverKind::Index);
    }

    #[test]
    fn slugs_are_ids() {
        assert_eq!(
            slug("NEW EMPLOYEE NOTICE/UNION ACCESS", 48),
            "new-employee-notice-union-access"
        );
        assert!(crate::model::is_id(&slug("Équipe – Ünion’s rights", 48)));
    }
}
