//! One line read as a heading, or not: the forms real agreements write (`ARTICLE 12 – TITLE`,
//! `ARTICLE 12. TITLE`, `ARTICLE 12--TITLE`, `Article 12 — Title`, a bare `ARTICLE 5`,
//! `ARTICLE XII`, `ARTICLE 10.1M`, `ARTICLE 12.16.`, `12.  TITLE`, `APPENDIX A – …`,
//! `LETTER OF AGREEMENT #3 – …`, `MEMORANDUM OF UNDERSTANDING – …`), group headings
//! (`DIVISION 2 – …`), and the lines that open a contents page or an index.
//!
//! This looks at one line only; whether a heading-shaped line really opens a unit (where it
//! stands, what came before, whether its number is new) is decided by [`super::split`].
//! `Section n` is never a heading here: sections live inside articles.

use std::fmt;

/// What a unit of a contract is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum UnitKind {
    Article,
    /// Appendices, addenda, exhibits, attachments and lettered schedules.
    Appendix,
    /// Letters of agreement, understanding, intent or interpretation, and side letters.
    Letter,
    /// Memoranda of understanding or agreement (MOU, MOA).
    Memorandum,
    /// A part the contents page lists on its own after the articles (e.g. salary schedules).
    Part,
}

impl UnitKind {
    /// The word for the kind, for ids and previews.
    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Article => "article",
            UnitKind::Appendix => "appendix",
            UnitKind::Letter => "letter",
            UnitKind::Memorandum => "memorandum",
            UnitKind::Part => "part",
        }
    }
}

/// A unit's number as written, and what it means.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Number {
    /// As the document writes it: `12`, `XII`, `10.1M`, `12.16`, `A`, `3`.
    pub written: String,
    /// The numeric parts: `[12]` for `12` and `XII`, `[10, 1]` for `10.1M`; empty for a
    /// letter (`APPENDIX A`).
    pub parts: Vec<u32>,
    /// Letters after the digits (`M` of `10.1M`), or the letter of `APPENDIX A`.
    pub suffix: String,
}

impl Number {
    /// The whole number, when the number is one (`12`, `XII`); `None` for `10.1`, `22T`, `A`.
    pub fn whole(&self) -> Option<u32> {
        match (self.parts.as_slice(), self.suffix.is_empty()) {
            ([n], true) => Some(*n),
            _ => None,
        }
    }

    /// The canonical form: Roman numerals as digits, the suffix kept (`12`, `10.1M`, `A`).
    pub fn canonical(&self) -> String {
        let digits: Vec<String> = self.parts.iter().map(u32::to_string).collect();
        format!("{}{}", digits.join("."), self.suffix)
    }

    fn letters(written: &str) -> Number {
        Number {
            written: written.to_string(),
            parts: Vec::new(),
            suffix: written.to_string(),
        }
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.written)
    }
}

/// A heading-shaped line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub kind: UnitKind,
    /// The keyword as written (`ARTICLE`, `Letter of Agreement`), empty for `12.  TITLE`.
    pub label: String,
    pub number: Option<Number>,
    /// The title on the heading line (empty for a bare `ARTICLE 5`).
    pub title: String,
    /// The keyword is written in capitals (or there is none and the title is in capitals).
    pub capitals: bool,
    /// Form: no keyword, only `12.  TITLE`.
    pub number_only: bool,
}

/// What a line is, read on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    Unit(Heading),
    /// `DIVISION 2 – MANAGEMENT RIGHTS`, `LETTERS OF AGREEMENT`: a heading over units.
    Group,
    /// `TABLE OF CONTENTS`.
    Contents,
    /// `INDEX`, `SUBJECT INDEX – ALPHABETICAL SUBJECTS`.
    Index,
}

/// Words that stay in lower case inside a title ("Hours of Work and Overtime").
const SMALL: &[&str] = &[
    "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "per",
    "the", "to", "upon", "with", "without", "vs", "via", "de", "la", "el", "et", "le", "les", "y",
    "del",
];

/// Verbs that make a line a sentence, not a title.
const VERBS: &[&str] = &[
    "shall", "will", "may", "must", "does", "do", "is", "are", "was", "were", "has", "have",
    "apply", "applies", "be",
];

/// Reads one line's content (see [`super::Line::content`]) as a heading, if it has the shape.
pub fn shape(content: &str) -> Option<Shape> {
    let line = strip_emphasis(content);
    if line.is_empty() || line.len() > 300 {
        return None;
    }
    if is_contents_title(line) {
        return Some(Shape::Contents);
    }
    if is_index_title(line) {
        return Some(Shape::Index);
    }
    if is_group(line) {
        return Some(Shape::Group);
    }
    let (kind, label, rest) = keyword(line)?;
    let heading = match kind {
        Some(UnitKind::Article) => article(label, rest)?,
        Some(kind @ (UnitKind::Letter | UnitKind::Memorandum)) => letter(kind, label, rest)?,
        Some(UnitKind::Appendix) => appendix(label, rest)?,
        Some(UnitKind::Part) | None => number_only(line)?,
    };
    Some(Shape::Unit(heading))
}

/// `**ARTICLE 1**`, `__ARTICLE 1__`: emphasis around a whole heading, as Markdown written from
/// Word has it.
fn strip_emphasis(s: &str) -> &str {
    let mut s = s.trim();
    for mark in ["**", "__", "*", "_"] {
        if s.len() > 2 * mark.len() && s.starts_with(mark) && s.ends_with(mark) {
            s = s[mark.len()..s.len() - mark.len()].trim();
        }
    }
    s
}

/// Whether `word` is written in capitals (letters only are looked at).
fn capitals(word: &str) -> bool {
    word.chars().any(char::is_alphabetic) && !word.chars().any(char::is_lowercase)
}

/// Strips a keyword (case-insensitively) off the front of `s`, if `s` starts with it followed by
/// a non-letter; returns the keyword as written and the rest.
fn strip_word<'a>(s: &'a str, word: &str) -> Option<(&'a str, &'a str)> {
    let head = s.get(..word.len())?;
    if !head.eq_ignore_ascii_case(word) {
        return None;
    }
    let rest = &s[word.len()..];
    if rest.chars().next().is_some_and(char::is_alphanumeric) {
        return None;
    }
    // Capitals or a capital first letter: "ARTICLE", "Article"; never "article" (a word in a
    // sentence).
    let first_upper = head.chars().next().is_some_and(char::is_uppercase);
    first_upper.then_some((head, rest))
}

/// Multi-word keywords: each word separated by one or more spaces.
fn strip_phrase<'a>(s: &'a str, words: &[&str]) -> Option<(&'a str, &'a str)> {
    let mut rest = s;
    for (i, word) in words.iter().enumerate() {
        if i > 0 {
            let trimmed = rest.trim_start_matches([' ', '\u{a0}']);
            if trimmed.len() == rest.len() {
                return None;
            }
            rest = trimmed;
        }
        let head = rest.get(..word.len())?;
        if !head.eq_ignore_ascii_case(word) {
            return None;
        }
        rest = &rest[word.len()..];
    }
    if rest.chars().next().is_some_and(char::is_alphabetic) {
        return None;
    }
    let label = &s[..s.len() - rest.len()];
    // Every word capitalised ("Letter of Agreement" allows small words in lower case).
    let ok = label
        .split_whitespace()
        .all(|w| w.chars().next().is_some_and(char::is_uppercase) || SMALL.contains(&w));
    ok.then_some((label, rest))
}

fn keyword(line: &str) -> Option<(Option<UnitKind>, &str, &str)> {
    if let Some((label, rest)) = strip_word(line, "ARTICLE") {
        return Some((Some(UnitKind::Article), label, rest));
    }
    for kind in ["AGREEMENT", "UNDERSTANDING", "INTENT", "INTERPRETATION"] {
        if let Some((label, rest)) = strip_phrase(line, &["LETTER", "OF", kind]) {
            return Some((Some(UnitKind::Letter), label, rest));
        }
    }
    for words in [&["SIDE", "LETTER"][..], &["LETTER", "AGREEMENT"][..]] {
        if let Some((label, rest)) = strip_phrase(line, words) {
            return Some((Some(UnitKind::Letter), label, rest));
        }
    }
    for kind in ["UNDERSTANDING", "AGREEMENT"] {
        if let Some((label, rest)) = strip_phrase(line, &["MEMORANDUM", "OF", kind]) {
            return Some((Some(UnitKind::Memorandum), label, rest));
        }
    }
    for word in ["MOU", "MOA"] {
        if let Some((label, rest)) = strip_word(line, word)
            && capitals(label)
        {
            return Some((Some(UnitKind::Memorandum), label, rest));
        }
    }
    for word in ["APPENDIX", "ADDENDUM", "EXHIBIT", "ATTACHMENT", "SCHEDULE"] {
        if let Some((label, rest)) = strip_word(line, word) {
            return Some((Some(UnitKind::Appendix), label, rest));
        }
    }
    Some((None, "", line))
}

/// Skips one separator (`–`, `—`, `-`, `--`, `:`, `.`) and the spaces around it; whether one
/// was there.
fn separator(s: &str) -> (bool, &str) {
    let t = s.trim_start();
    for sep in ["--", "–", "—", "-", ":", ".", "−"] {
        if let Some(rest) = t.strip_prefix(sep) {
            return (true, rest.trim_start());
        }
    }
    (false, t)
}

/// The title part of a heading: trimmed, a closing period and ATX `#`s dropped.
fn clean_title(s: &str) -> String {
    let t = s.trim().trim_end_matches('#').trim_end();
    let t = strip_emphasis(t);
    let t = t.strip_suffix('.').unwrap_or(t).trim_end();
    t.to_string()
}

/// Whether a title reads as a sentence ("Overtime Section 3 does not apply."): a heading names
/// a subject; a sentence has verbs and runs of lower-case words.
fn sentence_like(title: &str) -> bool {
    let words: Vec<&str> = title.split_whitespace().collect();
    if words.len() > 24 {
        return true;
    }
    let lower = words
        .iter()
        .filter(|w| {
            let bare = w.trim_matches(|c: char| !c.is_alphanumeric());
            bare.chars().next().is_some_and(char::is_lowercase) && !SMALL.contains(&bare)
        })
        .count();
    let verb = words.iter().any(|w| {
        let bare = w.trim_matches(|c: char| !c.is_alphanumeric());
        VERBS.contains(&bare)
    });
    verb || lower >= 3 || (lower >= 2 && title.trim_end().ends_with('.'))
}

/// A title may not start like the rest of a sentence that mentions an article
/// ("Article 12 of the Agreement", "Article 6.1, Section 2").
fn title_starts_well(title: &str) -> bool {
    match title.chars().next() {
        None => true,
        Some(c) if c.is_lowercase() => false,
        Some(',' | ';' | ')' | ']') => false,
        Some(_) => {
            let first = title
                .split(|c: char| !c.is_alphanumeric())
                .next()
                .unwrap_or("");
            !first.eq_ignore_ascii_case("section")
                && !first.eq_ignore_ascii_case("sec")
                && !first.eq_ignore_ascii_case("and")
                && !first.eq_ignore_ascii_case("or")
                && !first.eq_ignore_ascii_case("of")
        }
    }
}

/// `12`, `12.16`, `10.1M`, `22T`, `XII`, with the rest of the line.
fn number(s: &str) -> Option<(Number, &str)> {
    let bytes = s.as_bytes();
    if bytes.first().is_some_and(u8::is_ascii_digit) {
        let mut parts = Vec::new();
        let mut i = 0;
        loop {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if i == start || i - start > 4 {
                return None;
            }
            parts.push(s[start..i].parse().ok()?);
            if i + 1 < bytes.len() && bytes[i] == b'.' && bytes[i + 1].is_ascii_digit() {
                i += 1;
                continue;
            }
            break;
        }
        if parts.len() > 4 {
            return None;
        }
        let digits_end = i;
        while i < bytes.len() && bytes[i].is_ascii_uppercase() && i - digits_end < 2 {
            i += 1;
        }
        if i < bytes.len() && bytes[i].is_ascii_alphabetic() {
            // "12ABC…": letters run on; not a number with a suffix.
            return None;
        }
        let number = Number {
            written: s[..i].to_string(),
            parts,
            suffix: s[digits_end..i].to_string(),
        };
        return Some((number, &s[i..]));
    }
    let end = bytes
        .iter()
        .position(|b| !b"IVXLCDM".contains(b))
        .unwrap_or(bytes.len());
    if end == 0 || bytes.get(end).is_some_and(u8::is_ascii_alphanumeric) {
        return None;
    }
    let value = roman(&s[..end])?;
    Some((
        Number {
            written: s[..end].to_string(),
            parts: vec![value],
            suffix: String::new(),
        },
        &s[end..],
    ))
}

/// The value of a Roman numeral written in its standard form (`XII` = 12; `IIII` is not one).
pub fn roman(s: &str) -> Option<u32> {
    let value = |c: u8| -> i64 {
        match c {
            b'I' => 1,
            b'V' => 5,
            b'X' => 10,
            b'L' => 50,
            b'C' => 100,
            b'D' => 500,
            b'M' => 1000,
            _ => 0,
        }
    };
    let bytes = s.as_bytes();
    if bytes.is_empty() || bytes.len() > 12 {
        return None;
    }
    let mut total = 0i64;
    for (i, &c) in bytes.iter().enumerate() {
        let v = value(c);
        if v == 0 {
            return None;
        }
        match bytes.get(i + 1).map(|&n| value(n)) {
            Some(next) if next > v => total -= v,
            _ => total += v,
        }
    }
    let total = u32::try_from(total).ok()?;
    (roman_of(total) == s && (1..=500).contains(&total)).then_some(total)
}

/// `n` as a Roman numeral (`12` → `XII`).
pub fn roman_of(mut n: u32) -> String {
    const TABLE: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (v, s) in TABLE {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    out
}

fn article(label: &str, rest: &str) -> Option<Heading> {
    let after = rest.trim_start_matches([' ', '\u{a0}', '\t']);
    if after.len() == rest.len() {
        return None; // "ARTICLE-5"? "ARTICLE:" — not a heading form
    }
    let (number, rest) = number(after)?;
    let (had_separator, title) = separator(rest);
    if !had_separator && !title.is_empty() && rest.len() == title.len() {
        // "ARTICLE 5A" was taken whole; "ARTICLE 5X…" needs a space before the title.
        return None;
    }
    if !title_starts_well(title) {
        return None;
    }
    labelled(UnitKind::Article, label, Some(number), title)
}

fn letter(kind: UnitKind, label: &str, rest: &str) -> Option<Heading> {
    let after = rest.trim_start();
    // An optional number: "#3", "# 13", "No. 4", "3".
    let (number, rest) = {
        let numbered = after
            .strip_prefix('#')
            .or_else(|| after.strip_prefix("No."))
            .or_else(|| after.strip_prefix("NO."))
            .map(str::trim_start);
        match numbered {
            Some(r) => match number(r) {
                Some((n, rest)) => (Some(n), rest),
                None => return None,
            },
            None if after.starts_with(|c: char| c.is_ascii_digit()) => {
                let (n, rest) = number(after)?;
                (Some(n), rest)
            }
            None => (None, after),
        }
    };
    let (had_separator, title) = separator(rest);
    if !title.is_empty() && !had_separator && number.is_none() {
        // "Letter of Agreement on Contract Specialists": a mention in a sentence.
        if !capitals(label) || !capitals(title) {
            return None;
        }
    }
    if !title_starts_well(title) && !title.starts_with('(') {
        return None;
    }
    labelled(kind, label, number, title)
}

fn appendix(label: &str, rest: &str) -> Option<Heading> {
    let after = rest.trim_start();
    let spaced = after.len() < rest.len();
    // An optional id: "A", "AA", "A-1", "3", "IV".
    let id_len = after
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or(after.len());
    let mut id = &after[..id_len];
    // "A-1" keeps its dash; "A-" followed by a title does not.
    if let Some(stripped) = id.strip_suffix('-') {
        id = stripped;
    }
    let plausible_id = spaced
        && !id.is_empty()
        && id.len() <= 4
        && (id.bytes().all(|b| b.is_ascii_digit())
            || (id.len() <= 2 && id.bytes().all(|b| b.is_ascii_uppercase()))
            || roman(id).is_some()
            || (id.contains('-')
                && id
                    .split('-')
                    .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()))));
    let (number, rest) = if plausible_id {
        let n = if id.bytes().all(|b| b.is_ascii_digit()) {
            Number {
                written: id.to_string(),
                parts: vec![id.parse().ok()?],
                suffix: String::new(),
            }
        } else {
            Number::letters(id)
        };
        (Some(n), &after[id.len()..])
    } else {
        (None, after)
    };
    let (had_separator, title) = separator(rest);
    if number.is_none() && !had_separator && !title.is_empty() {
        // "Exhibit shows…", "SCHEDULE OF PAY": a word, not a labelled part.
        return None;
    }
    if label.eq_ignore_ascii_case("schedule") && number.is_none() {
        return None;
    }
    if !title_starts_well(title) {
        return None;
    }
    labelled(UnitKind::Appendix, label, number, title)
}

/// A heading with its label (`ARTICLE 5 – TITLE`, `Letter of Agreement #3`, `APPENDIX A`),
/// once its title is found: the title cleaned, and the whole refused when it reads as a
/// sentence.
fn labelled(kind: UnitKind, label: &str, number: Option<Number>, title: &str) -> Option<Heading> {
    let title = clean_title(title);
    if sentence_like(&title) {
        return None;
    }
    Some(Heading {
        kind,
        label: label.to_string(),
        number,
        title,
        capitals: capitals(label),
        number_only: false,
    })
}

/// `12.  TITLE`, `XII. TITLE`: a number, a period, a title in capitals.
fn number_only(line: &str) -> Option<Heading> {
    let (number, rest) = number(line)?;
    if number.parts.len() != 1 {
        return None;
    }
    let rest = rest.strip_prefix('.')?;
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let title = clean_title(rest);
    let words = title.split_whitespace().count();
    if words == 0 || words > 12 || !capitals(&title) || title.ends_with(':') {
        return None;
    }
    if title.chars().filter(|c| c.is_alphabetic()).count() < 3 {
        return None;
    }
    Some(Heading {
        kind: UnitKind::Article,
        label: String::new(),
        number: Some(number),
        title,
        capitals: true,
        number_only: true,
    })
}

fn is_contents_title(line: &str) -> bool {
    let t = line.trim_end_matches(':').trim();
    [
        "TABLE OF CONTENTS",
        "CONTENTS",
        "Table of Contents",
        "Contents",
    ]
    .contains(&t)
}

fn is_index_title(line: &str) -> bool {
    let first_part = line.split(['–', '—', '-', ':']).next().unwrap_or("").trim();
    if line == "Index" || line == "Subject Index" {
        return true;
    }
    if !capitals(line) {
        return false;
    }
    matches!(
        first_part,
        "INDEX" | "SUBJECT INDEX" | "ALPHABETICAL INDEX" | "TOPICAL INDEX" | "INDEX OF SUBJECTS"
    )
}

/// `DIVISION 2 – MANAGEMENT RIGHTS`, `PART IV`, `CHAPTER 3: …`, and the dividers over the
/// back matter (`LETTERS OF AGREEMENT`, `APPENDICES`).
fn is_group(line: &str) -> bool {
    if !capitals(line) {
        return false;
    }
    let dividers = [
        "LETTERS OF AGREEMENT",
        "LETTERS OF UNDERSTANDING",
        "SIDE LETTERS",
        "APPENDICES",
        "MEMORANDA OF UNDERSTANDING",
        "MEMORANDUMS OF UNDERSTANDING",
        "ADDENDA",
        "EXHIBITS",
        "ATTACHMENTS",
    ];
    if dividers.contains(&line.trim_end_matches(':').trim()) {
        return true;
    }
    for word in ["DIVISION", "PART", "CHAPTER"] {
        if let Some((_, rest)) = strip_word(line, word) {
            let after = rest.trim_start();
            if after.len() == rest.len() {
                return false;
            }
            let Some((_, rest)) = number(after) else {
                return false;
            };
            let (_, title) = separator(rest);
            return title_starts_well(title) && !sentence_like(title);
        }
    }
    false
}

/// Whether a line is an entry of a printed table of contents: dot leaders (`.....`, `. . .`,
/// `…`) or a leader run ending in a page number.
pub fn is_leader_line(content: &str) -> bool {
    // Runs of periods, single spaces allowed between them (". . . ."); ellipsis characters count
    // as three periods each, the way word processors turn typed leaders into them.
    let mut run = 0;
    let mut last_dot = false;
    for c in content.chars() {
        match c {
            '.' => {
                run += 1;
                last_dot = true;
            }
            '…' => {
                run += 3;
                last_dot = true;
            }
            ' ' if last_dot => last_dot = false,
            _ => {
                run = 0;
                last_dot = false;
            }
        }
        if run >= 5 {
            return true;
        }
    }
    // A short run right before a page number at the end: "UPDATES...67", "PREAMBLE…. 1".
    let trimmed = content.trim_end_matches(|c: char| c.is_ascii_digit() || c == ' ');
    trimmed.len() < content.len() && (trimmed.ends_with("..") || trimmed.ends_with('…'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(line: &str) -> Heading {
        match shape(line) {
            Some(Shape::Unit(h)) => h,
            other => panic!("{line:?} gave {other:?}"),
        }
    }

    fn none(line: &str) {
        assert!(
            !matches!(shape(line), Some(Shape::Unit(_))),
            "{line:?} must not be a unit heading: {:?}",
            shape(line)
        );
    }

    #[test]
    fn every_article_form_real_agreements_write() {
        for (line, number, title) in [
            ("ARTICLE 12 – WAGES AND HOURS", "12", "WAGES AND HOURS"),
            ("ARTICLE 12. WAGES", "12", "WAGES"),
            ("ARTICLE 12 - WAGES", "12", "WAGES"),
            ("ARTICLE 12--WAGES", "12", "WAGES"),
            (
                "Article 12 — Artificial Intelligence and Technology",
                "12",
                "Artificial Intelligence and Technology",
            ),
            ("ARTICLE 5", "5", ""),
            ("ARTICLE XII - SENIORITY", "XII", "SENIORITY"),
            ("ARTICLE 10.1M – MEDICAL", "10.1M", "MEDICAL"),
            ("ARTICLE 22T TRANSPORT", "22T", "TRANSPORT"),
            (
                "ARTICLE 1.1          PARTIES TO THE AGREEMENT",
                "1.1",
                "PARTIES TO THE AGREEMENT",
            ),
            (
                "ARTICLE 12.16. UNDERFILL DIFFERENTIAL.",
                "12.16",
                "UNDERFILL DIFFERENTIAL",
            ),
            (
                "ARTICLE 63 – NURSE PRACTITIONERS",
                "63",
                "NURSE PRACTITIONERS",
            ),
            ("**ARTICLE 7 – SAVINGS CLAUSE**", "7", "SAVINGS CLAUSE"),
            ("12.  WORK SCHEDULES", "12", "WORK SCHEDULES"),
        ] {
            let h = unit(line);
            assert_eq!(h.kind, UnitKind::Article, "{line}");
            assert_eq!(h.number.as_ref().unwrap().written, number, "{line}");
            assert_eq!(h.title, title, "{line}");
        }
        assert_eq!(unit("ARTICLE XII").number.unwrap().whole(), Some(12));
        assert_eq!(unit("ARTICLE 10.1M").number.unwrap().canonical(), "10.1M");
        assert_eq!(unit("ARTICLE 22T").number.unwrap().whole(), None);
    }

    #[test]
    fn mentions_and_sections_are_not_headings() {
        none("Article 6.1, Section 2, it is the intent of the Agency to fill");
        none("Article 15 – Overtime Section 3 Shift Change Penalty does not apply.");
        none("Article 12 of the Agreement applies");
        none("article 5 - lower case is a word in a sentence");
        none("Section 5 - Seniority");
        none("SECTION 12. WAGES");
        none("Letter of Agreement on Contract Specialists.");
        none("1. The Employer shall provide notice.");
        none("Exhibit shows the rates");
        none("ARTICLES:");
        none("ARTICLE");
    }

    #[test]
    fn letters_memoranda_and_appendices_are_units_of_their_own() {
        let h = unit("LETTER OF AGREEMENT – ARTICLE 17 - SALARY AND BENEFIT REPORT");
        assert_eq!(h.kind, UnitKind::Letter);
        assert_eq!(h.number, None);
        assert_eq!(h.title, "ARTICLE 17 - SALARY AND BENEFIT REPORT");
        let h = unit("LETTER OF AGREEMENT # 13 – PILOT BIANNUAL VACATION BIDDING");
        assert_eq!(h.number.unwrap().written, "13");
        let h = unit("LETTER OF AGREEMENT—BI-WEEKLY PAY PERIOD/WORKDAY");
        assert_eq!(h.title, "BI-WEEKLY PAY PERIOD/WORKDAY");
        assert_eq!(
            unit("LETTER OF INTERPRETATION #4 - ARTICLE 3, SECTION 4 (UNION RIGHTS)").kind,
            UnitKind::Letter
        );
        assert_eq!(
            unit("MEMORANDUM OF UNDERSTANDING – STAFFING").kind,
            UnitKind::Memorandum
        );
        assert_eq!(unit("MOU #2 - TELEWORK").kind, UnitKind::Memorandum);
        let h = unit("APPENDIX A DEPARTMENT OF ADMINISTRATIVE SERVICES");
        assert_eq!(
            (h.kind, h.number.unwrap().written.as_str()),
            (UnitKind::Appendix, "A")
        );
        assert_eq!(unit("APPENDIX D").title, "");
        assert_eq!(unit("Appendix B – Salary Charts").kind, UnitKind::Appendix);
    }

    #[test]
    fn groups_contents_and_index() {
        assert_eq!(shape("DIVISION 2 – MANAGEMENT RIGHTS"), Some(Shape::Group));
        assert_eq!(shape("LETTERS OF AGREEMENT"), Some(Shape::Group));
        assert_eq!(shape("TABLE OF CONTENTS"), Some(Shape::Contents));
        assert_eq!(
            shape("SUBJECT INDEX – ALPHABETICAL SUBJECTS"),
            Some(Shape::Index)
        );
    }

    #[test]
    fn contents_lines_have_leaders() {
        assert!(is_leader_line(
            "ARTICLE 1 - RECOGNITION............................1"
        ));
        assert!(is_leader_line(
            "ARTICLE 54 – PAYMENT OF LEGAL DEFENSE ... 158"
        ));
        assert!(is_leader_line("APPEALS PROCESS . . . . . 12"));
        assert!(!is_leader_line("the Employer… and the Union"));
        assert!(is_leader_line("PREAMBLE….. ........"));
        assert!(!is_leader_line("The parties agree... to meet."));
    }

    #[test]
    fn roman_numerals_in_standard_form_only() {
        assert_eq!(roman("XII"), Some(12));
        assert_eq!(roman("XLIV"), Some(44));
        assert_eq!(roman("IIII"), None);
        assert_eq!(roman("MIX"), None);
    }
}
