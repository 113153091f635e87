//! Documents in: whole contracts read and split into their articles — the real agreements in
//! `tests/data/` as text, and as Word and PDF files written from them by pandoc and LibreOffice
//! (converted here, in a temporary folder; skipped with a note when the program is absent) — and
//! every kind of bad input a reader must refuse clearly and quickly.

use crate::common::{Fixture, TABLE_YAML, client_runs};
use bargain_core::document::{
    self, Action, Document, Kind, LeftoverKind, Limits, PlanOptions, Split, UnitKind, count_words,
};
use bargain_core::store::ArticleEntry;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn data(folder: &str, file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(folder)
        .join(file)
}

/// The eight real agreements and their true unit counts.
///
/// How each count was made: by reading the file — its contents page, then every heading in
/// the body (`grep -n` for ARTICLE, LETTER OF, APPENDIX, and the centred headings after form
/// feeds), checking each against the contents page. Units are articles, letters of agreement or
/// interpretation, appendices, and parts the contents page lists on their own after the letters.
const AGREEMENTS: [(&str, &str, usize); 8] = [
    // 65 articles (1–69 less 15, 29, 31 and 62, which the contract does not have) + 18 letters
    // of agreement + appendices A and B.
    (
        "oregon-afscme-osh-rn",
        "state-afscme-osh-registered-nurses-2023-2025.txt",
        85,
    ),
    // 66 articles (1–70 less 15, 29, 31, 62) + 20 letters + 2 appendices. Eight articles' headings
    // (5, 18, 27, 38, 39, 50, 51, 60) follow a form feed.
    (
        "oregon-afscme-osh-rn",
        "state-afscme-osh-registered-nurses-2025-2027.txt",
        88,
    ),
    // 96 decimal-numbered articles (1.1–12.15 in 12 divisions: 9+1+12+9+4+5+3+5+5+19+9+15) + 12
    // letters (11 on the contents page, "ONE TIME PAYMENT COLA" only in the body) + appendices A–C.
    (
        "oregon-aee-engineers",
        "state-aee-association-of-engineering-employees-2023-2025.txt",
        111,
    ),
    // 97 articles (division 12 gains 12.16, headed "ARTICLE 12.16. UNDERFILL DIFFERENTIAL.")
    // + 9 letters + appendices A–D.
    (
        "oregon-aee-engineers",
        "state-aee-association-of-engineering-employees-2025-2027.txt",
        110,
    ),
    // 57 articles (1–58 less 8; 39 is a bare heading kept for a deleted article) + 27 letters
    // (#4 is a letter of interpretation, a centred heading after a form feed) + appendices A–C.
    (
        "oregon-afscme-doc-security",
        "state-afscme-doc-security-2023-2025.txt",
        87,
    ),
    // 57 articles + 24 letters + appendices A–C.
    (
        "oregon-afscme-doc-security",
        "state-afscme-doc-security-2025-2027.txt",
        84,
    ),
    // 50 articles (1–52 less 12 and 45) + 19 letters (18 on the contents page, and one on
    // Article 33 only in the body; the letter on Article 39 quotes "ARTICLE 39" whole and stays
    // one letter) + SALARY SCHEDULES, listed on its own after the letters.
    (
        "oregon-afscme-doj-attorneys",
        "state-afscme-doj-oregon-department-of-justice-attorneys-2023-2025.txt",
        70,
    ),
    // 51 articles (1–53 less 12 and 45) + 16 letters (15 listed, "WORKGROUP ON REMOTE WORK" only
    // in the body) + SALARY SCHEDULES and the SIGNATURE PAGE, both listed after the letters.
    (
        "oregon-afscme-doj-attorneys",
        "state-afscme-doj-oregon-department-of-justice-attorneys-2025-2027.txt",
        69,
    ),
];

fn read_split(bytes: &[u8], kind: Kind) -> (Document, Split) {
    let doc = document::read(bytes, kind, &Limits::default())
        .unwrap_or_else(|e| panic!("reading a {kind:?} failed: {e}"));
    let split = document::split(&doc);
    (doc, split)
}

fn unit_words(split: &Split) -> usize {
    split.units.iter().map(|u| u.words).sum()
}

fn ids(split: &Split) -> Vec<&str> {
    split.units.iter().map(|u| u.id.as_str()).collect()
}

/// What every split of a whole agreement must show: every word in a unit or a leftover, and
/// leftovers only front matter, contents, index and division headings.
fn assert_whole(split: &Split, text_words: usize, name: &str) {
    let left: usize = split.unassigned.iter().map(|l| l.words).sum();
    assert_eq!(
        unit_words(split) + left,
        split.words,
        "{name}: words add up"
    );
    assert!(
        split.words * 100 >= text_words * 99,
        "{name}: {} of {text_words} words kept",
        split.words
    );
    let first = split.units.first().map_or(usize::MAX, |u| u.lines.start);
    for l in &split.unassigned {
        match l.kind {
            LeftoverKind::Preamble => {
                assert!(
                    l.lines.end <= first,
                    "{name}: preamble after the first unit: {l:?}"
                )
            }
            LeftoverKind::Group => {
                assert!(l.words <= 20, "{name}: group heading of {} words", l.words)
            }
            LeftoverKind::Contents | LeftoverKind::Index => {}
        }
    }
    assert!(
        left * 100 <= split.words * 5,
        "{name}: {left} of {} words unassigned",
        split.words
    );
}

#[test]
fn real_agreements_split_into_exactly_their_articles_letters_and_appendices() {
    for (folder, file, expected) in AGREEMENTS {
        let bytes = std::fs::read(data(folder, file)).expect("test data");
        let (_, split) = read_split(&bytes, Kind::Text);
        assert_eq!(split.units.len(), expected, "{file}: {:?}", ids(&split));
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(split.words, count_words(&text), "{file}");
        assert_whole(&split, count_words(&text), file);
        let mut seen = std::collections::HashSet::new();
        for u in &split.units {
            assert!(seen.insert(&u.id), "{file}: id {} twice", u.id);
        }
    }
}

#[test]
fn titles_come_from_the_body_and_letters_naming_an_article_are_their_own_unit() {
    let bytes = std::fs::read(data(
        "oregon-aee-engineers",
        "state-aee-association-of-engineering-employees-2025-2027.txt",
    ))
    .unwrap();
    let (_, split) = read_split(&bytes, Kind::Text);
    let recognition = split.units.iter().find(|u| u.id == "1.2").unwrap();
    // The contents page reads "ARTICLE 1.2 REC OGNITION".
    assert_eq!(recognition.title, "RECOGNITION");
    assert_eq!(
        recognition.group.as_deref(),
        Some("DIVISION 1 – TERMS AND REGULATIONS")
    );
    let last = split.units.iter().find(|u| u.id == "12.16").unwrap();
    assert_eq!(last.title, "UNDERFILL DIFFERENTIAL");
    assert_eq!(
        split
            .units
            .iter()
            .filter(|u| u.kind == UnitKind::Article)
            .count(),
        97
    );

    let bytes = std::fs::read(data(
        "oregon-afscme-osh-rn",
        "state-afscme-osh-registered-nurses-2025-2027.txt",
    ))
    .unwrap();
    let (_, split) = read_split(&bytes, Kind::Text);
    let letter = split
        .units
        .iter()
        .find(|u| u.title.starts_with("ARTICLE 10 "))
        .expect("the letter on Article 10");
    assert_eq!(letter.kind, UnitKind::Letter);
    let article_10 = split.units.iter().find(|u| u.id == "10").unwrap();
    assert!(
        article_10.words > 1000,
        "article 10 keeps its body: {}",
        article_10.words
    );
    // A heading after a form feed opens its article with its whole body, not a contents line.
    let five = split.units.iter().find(|u| u.id == "5").unwrap();
    assert!(five.words > 300, "article 5: {} words", five.words);
    assert!(
        five.first_words.starts_with("Section 1."),
        "{}",
        five.first_words
    );
}

#[test]
fn every_heading_form_opens_its_unit() {
    let text = "\
                              COLLECTIVE BARGAINING AGREEMENT
TABLE OF CONTENTS
ARTICLE 1 – REC OGNITION ........................ 1
ARTICLE 2. HOURS OF WORK ........................ 2
ARTICLE 3 - WAGES ............................... 3
\u{c}                 PREAMBLE

This Agreement is made between Example Health and the Coalition of Unions.

                ARTICLE 1 – RECOGNITION

The Employer recognizes the Coalition as the exclusive representative.

ARTICLE 2. HOURS OF WORK

Section 1. Workweek.
The workweek is forty hours.
SECTION 2 – OVERTIME
Overtime is paid at time and one half, as provided in
Article 3.

ARTICLE 3 - WAGES

Wages are set out in Appendix A.

ARTICLE 4--LEAVE

Leave accrues monthly.

Article 5 — Holidays

Ten holidays are observed.

ARTICLE 6
SENIORITY

Seniority is continuous service.
\u{c}ARTICLE VII – GRIEVANCES

A grievance is a dispute.

ARTICLE 10.1M – MEDICAL STAFF

Medical staff work rotations.

ARTICLE 22T – TRANSPORT

Transport staff drive.

ARTICLE 12.16. UNDERFILL DIFFERENTIAL.

An underfill is paid.

LETTER OF AGREEMENT – ARTICLE 17 - SALARY REPORT

The parties will share a report on Article 17.

MEMORANDUM OF UNDERSTANDING – TELEWORK

Telework is voluntary.

APPENDIX A – CLASSIFICATION PLAN

Registered Nurse 30

INDEX
Grievances – Article 7
Holidays – Article 5
";
    let (_, split) = read_split(text.as_bytes(), Kind::Text);
    assert_eq!(
        ids(&split),
        [
            "1",
            "2",
            "3",
            "4",
            "5",
            "6",
            "7",
            "10.1M",
            "22T",
            "12.16",
            "letter-article-17-salary-report",
            "mou-telework",
            "appendix-a"
        ]
    );
    let titles: Vec<&str> = split.units.iter().map(|u| u.title.as_str()).collect();
    assert_eq!(titles[0], "RECOGNITION");
    assert_eq!(titles[4], "Holidays");
    assert_eq!(
        titles[5], "SENIORITY",
        "a bare heading takes its title from the next line"
    );
    assert_eq!(split.units[6].number.as_ref().unwrap().written, "VII");
    let kinds: Vec<LeftoverKind> = split.unassigned.iter().map(|l| l.kind).collect();
    assert_eq!(
        kinds,
        [
            LeftoverKind::Preamble,
            LeftoverKind::Contents,
            LeftoverKind::Preamble,
            LeftoverKind::Index
        ]
    );
    assert!(
        split.units[1].text.contains("SECTION 2 – OVERTIME"),
        "sections stay inside"
    );

    // `12.  TITLE` in a contract without ARTICLE headings.
    let numbered = "1.  RECOGNITION\n\nThe Employer recognizes the Union.\n\n2.  HOURS\n\n1. DEFINITIONS OF TERMS\n\n3.  WAGES\n\nPay.\n";
    let (_, split) = read_split(numbered.as_bytes(), Kind::Text);
    assert_eq!(ids(&split), ["1", "2", "3"]);
}

// ---------------------------------------------------------------------------------------------
// Real clients: pandoc and LibreOffice write the documents.

/// Converts files with LibreOffice, headless, with a profile of its own (parallel tests must not
/// share one). Returns the output folder.
fn soffice(inputs: &[PathBuf], to: &str, out: &Path) {
    let profile = out.join(".profile");
    let status = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", to, "--outdir"])
        .arg(out)
        .args(inputs)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("soffice runs");
    assert!(status.success(), "soffice --convert-to {to} failed");
}

/// The agreement as Markdown with headings: each `### ` heading of the text a heading, every
/// other line a paragraph (its characters escaped so pandoc reads them literally), each form
/// feed a Word page break.
fn markdown_of(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for line in text.lines() {
        let breaks = line.len() - line.trim_start_matches('\u{c}').len();
        for _ in 0..breaks {
            out.push_str("```{=openxml}\n<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>\n```\n\n");
        }
        let line = line.trim_start_matches('\u{c}');
        let (marker, rest) = match line.strip_prefix("### ") {
            Some(rest) => ("### ", rest),
            None => ("", line),
        };
        let rest = rest.trim();
        if rest.is_empty() {
            continue;
        }
        out.push_str(marker);
        for c in rest.chars() {
            if c.is_ascii_punctuation() {
                out.push('\\');
            }
            out.push(c);
        }
        out.push_str("\n\n");
    }
    out
}

/// The agreement as HTML for LibreOffice: `### ` headings as `<h2>`, lines as paragraphs, page
/// breaks kept.
fn html_of(text: &str) -> String {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut out = String::from(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Agreement</title></head><body>\n",
    );
    for line in text.lines() {
        let page = line.starts_with('\u{c}');
        let style = if page {
            " style=\"page-break-before: always\""
        } else {
            ""
        };
        let line = line.trim_start_matches('\u{c}');
        if let Some(rest) = line.strip_prefix("### ") {
            out.push_str(&format!("<h2{style}>{}</h2>\n", escape(rest.trim())));
        } else if !line.trim().is_empty() {
            out.push_str(&format!("<p{style}>{}</p>\n", escape(line.trim())));
        } else if page {
            out.push_str(&format!("<p{style}></p>\n"));
        }
    }
    out.push_str("</body></html>\n");
    out
}

/// A converted document splits like its text: the same units, in order, and at least 99% of
/// the words.
fn assert_like_text(path: &Path, kind: Kind, text_split: &Split, name: &str) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (doc, split) = read_split(&bytes, kind);
    assert_eq!(ids(&split), ids(text_split), "{name} as {}", path.display());
    assert_whole(&split, text_split.words, name);
    assert!(
        unit_words(&split) * 100 >= unit_words(text_split) * 99,
        "{name}: {} of {} words in units",
        unit_words(&split),
        unit_words(text_split)
    );
    if kind == Kind::Pdf {
        assert!(matches!(doc.notes[..], [document::Note::PdfText { pages }] if pages > 50));
    }
}

fn agreements() -> Vec<(String, String, Split)> {
    AGREEMENTS
        .iter()
        .map(|(folder, file, _)| {
            let text = std::fs::read_to_string(data(folder, file)).unwrap();
            let (_, split) = read_split(text.as_bytes(), Kind::Text);
            (file.trim_end_matches(".txt").to_string(), text, split)
        })
        .collect()
}

#[test]
fn pandoc_word_files_with_headings_and_a_contents_field_import_like_the_text() {
    if !client_runs("pandoc") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (name, text, text_split) in agreements() {
        let md = dir.path().join(format!("{name}.md"));
        std::fs::write(&md, markdown_of(&text)).unwrap();
        let docx = dir.path().join(format!("{name}.docx"));
        let status = Command::new("pandoc")
            .args(["-f", "markdown", "-t", "docx", "--toc"])
            .arg(&md)
            .arg("-o")
            .arg(&docx)
            .status()
            .unwrap();
        assert!(status.success(), "pandoc {name}");
        assert_like_text(&docx, Kind::Docx, &text_split, &name);
    }
}

#[test]
fn libreoffice_word_files_with_and_without_heading_styles_import_like_the_text() {
    if !client_runs("soffice") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (plain, styled) = (dir.path().join("plain"), dir.path().join("styled"));
    let all = agreements();
    let mut texts = Vec::new();
    let mut htmls = Vec::new();
    for (name, text, _) in &all {
        let t = dir.path().join(format!("{name}.txt"));
        std::fs::write(&t, text).unwrap();
        texts.push(t);
        let h = dir.path().join(format!("{name}.html"));
        std::fs::write(&h, html_of(text)).unwrap();
        htmls.push(h);
    }
    soffice(&texts, "docx:MS Word 2007 XML", &plain);
    soffice(&htmls, "docx:MS Word 2007 XML", &styled);
    for (name, _, text_split) in &all {
        assert_like_text(
            &plain.join(format!("{name}.docx")),
            Kind::Docx,
            text_split,
            name,
        );
        let path = styled.join(format!("{name}.docx"));
        assert_like_text(&path, Kind::Docx, text_split, name);
        // The styled file's article headings come in as headings.
        let (doc, _) = read_split(&std::fs::read(&path).unwrap(), Kind::Docx);
        assert!(
            doc.lines.iter().filter(|l| l.level.is_some()).count() >= 60,
            "{name}"
        );
    }
}

#[test]
fn libreoffice_pdfs_import_through_pdftotext_like_the_text() {
    if !client_runs("soffice") || !client_runs("pdftotext") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let all = agreements();
    let texts: Vec<PathBuf> = all
        .iter()
        .map(|(name, text, _)| {
            let t = dir.path().join(format!("{name}.txt"));
            std::fs::write(&t, text).unwrap();
            t
        })
        .collect();
    let out = dir.path().join("pdf");
    soffice(&texts, "pdf", &out);
    for (name, _, text_split) in &all {
        assert_like_text(
            &out.join(format!("{name}.pdf")),
            Kind::Pdf,
            text_split,
            name,
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Word files built here, part by part.

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// A .docx with these parts (`word/document.xml` among them, or not).
fn docx(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    for (name, bytes) in parts {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn body(xml: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><w:document xmlns:w=\"{W}\"><w:body>{xml}</w:body></w:document>"
    )
}

fn para(style: Option<&str>, text: &str) -> String {
    let style = style.map_or(String::new(), |s| {
        format!("<w:pPr><w:pStyle w:val=\"{s}\"/></w:pPr>")
    });
    format!("<w:p>{style}<w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
}

const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style>
<w:style w:type="paragraph" w:styleId="Kop2"><w:name w:val="Kop 2"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="TOC1"><w:name w:val="toc 1"/></w:style>
</w:styles>"#;

const NUMBERING: &str = r#"<?xml version="1.0" encoding="UTF-8"?><w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="(%2)"/></w:lvl></w:abstractNum>
<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="11"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="ARTICLE %1 –"/></w:lvl></w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
</w:numbering>"#;

fn numbered(num: u32, level: u32, text: &str, style: Option<&str>) -> String {
    let style = style.map_or(String::new(), |s| format!("<w:pStyle w:val=\"{s}\"/>"));
    format!(
        "<w:p><w:pPr>{style}<w:numPr><w:ilvl w:val=\"{level}\"/><w:numId w:val=\"{num}\"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"
    )
}

#[test]
fn word_styles_numbering_tables_and_tracked_changes_are_read_as_the_author_sees_them() {
    let xml = body(&[
        // A contents block as Word writes it: never headings.
        format!("<w:sdt><w:sdtPr><w:docPartObj><w:docPartGallery w:val=\"Table of Contents\"/></w:docPartObj></w:sdtPr><w:sdtContent>{}{}</w:sdtContent></w:sdt>",
            para(Some("TOC1"), "ARTICLE 11 – RECOGNITION\t1"),
            para(Some("TOC1"), "ARTICLE 12 – HOURS\t2")),
        numbered(2, 0, "RECOGNITION", Some("Heading1")),
        "<w:p><w:r><w:t xml:space=\"preserve\">The Employer </w:t></w:r><w:del w:id=\"1\" w:author=\"Employer\"><w:r><w:delText>shall</w:delText></w:r></w:del><w:ins w:id=\"2\" w:author=\"Union\"><w:r><w:t>will</w:t></w:r></w:ins><w:r><w:t xml:space=\"preserve\"> recognize the Union.</w:t></w:r></w:p>".to_string(),
        numbered(1, 0, "Scope.", None),
        numbered(1, 1, "All nurses.", None),
        numbered(1, 1, "All therapists.", None),
        numbered(1, 0, "Exclusions.", None),
        "<w:p><w:r><w:t>Moved </w:t></w:r><w:moveFrom w:id=\"3\"><w:r><w:t>old place </w:t></w:r></w:moveFrom><w:r><w:t>text.</w:t></w:r><w:commentReference w:id=\"0\"/></w:p>".to_string(),
        numbered(2, 0, "HOURS", Some("Heading1")),
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Step</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Rate</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>$30.00</w:t></w:r></w:p></w:tc></w:tr></w:tbl>".to_string(),
        para(Some("Kop2"), "Section 1. Shifts"),
        "<w:p><w:r><w:t>Shifts are eight hours.</w:t></w:r><w:r><w:br w:type=\"page\"/></w:r><w:r><w:t>Next page.</w:t></w:r></w:p>".to_string(),
    ].concat());
    let bytes = docx(&[
        ("word/document.xml", xml.as_bytes()),
        ("word/styles.xml", STYLES.as_bytes()),
        ("word/numbering.xml", NUMBERING.as_bytes()),
    ]);
    let (doc, split) = read_split(&bytes, Kind::Docx);
    let texts: Vec<&str> = doc
        .lines
        .iter()
        .map(|l| l.text.as_str())
        .filter(|t| !t.is_empty())
        .collect();
    assert_eq!(
        texts,
        [
            "ARTICLE 11 – RECOGNITION\t1",
            "ARTICLE 12 – HOURS\t2",
            "ARTICLE XI – RECOGNITION",
            "The Employer will recognize the Union.",
            "1. Scope.",
            "(a) All nurses.",
            "(b) All therapists.",
            "2. Exclusions.",
            "Moved text.",
            "ARTICLE XII – HOURS",
            "Step | Rate",
            "1 | $30.00",
            "Section 1. Shifts",
            "Shifts are eight hours.",
            "\u{c}Next page.",
        ]
    );
    assert!(doc.lines.iter().filter(|l| l.toc).count() == 2);
    let recognition = doc.lines.iter().find(|l| l.text.contains("XI –")).unwrap();
    assert_eq!(recognition.level, Some(1));
    let section = doc
        .lines
        .iter()
        .find(|l| l.text.starts_with("Section 1"))
        .unwrap();
    assert_eq!(
        section.level,
        Some(2),
        "outline level of a style named in another language"
    );
    assert!(doc.notes.contains(&document::Note::TrackedChangesAccepted {
        insertions: 1,
        deletions: 1,
        moves: 1
    }));
    assert!(doc.notes.contains(&document::Note::CommentsLeftOut(1)));
    assert_eq!(
        ids(&split),
        ["11", "12"],
        "the contents block opens nothing"
    );
    assert_eq!(split.units[0].title, "RECOGNITION");
    assert!(doc.notes[0].to_string().contains("accepted"));
}

#[test]
fn word_heading_styles_split_a_contract_without_article_headings() {
    let xml = body(
        &[
            para(Some("Heading1"), "Recognition"),
            para(None, "The Employer recognizes the Union."),
            para(Some("Heading1"), "Hours of Work"),
            para(None, "The workweek is forty hours."),
            para(Some("Heading1"), "Wages"),
            para(None, "Wages are in the appendix."),
        ]
        .concat(),
    );
    let bytes = docx(&[
        ("word/document.xml", xml.as_bytes()),
        ("word/styles.xml", STYLES.as_bytes()),
    ]);
    let (_, split) = read_split(&bytes, Kind::Docx);
    assert_eq!(
        ids(&split),
        [
            "article-recognition",
            "article-hours-of-work",
            "article-wages"
        ]
    );
    assert!(
        split.notes[0].contains("level-1 headings"),
        "{:?}",
        split.notes
    );
}

// ---------------------------------------------------------------------------------------------
// Bad input: a clear error within seconds, nothing panics.

fn refused(bytes: &[u8], kind: Kind) -> String {
    let started = Instant::now();
    let result = std::panic::catch_unwind(|| document::read(bytes, kind, &Limits::default()));
    let elapsed = started.elapsed();
    let err = match result {
        Ok(Err(e)) => e,
        Ok(Ok(doc)) => panic!("accepted: {} lines", doc.lines.len()),
        Err(_) => panic!("the reader panicked"),
    };
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
    let shown = err.problem("contract.docx").to_string();
    assert!(shown.starts_with("contract.docx"), "{shown}");
    assert!(!shown.chars().any(|c| c.is_control()), "{shown:?}");
    shown
}

#[test]
fn a_word_file_without_its_document_part_is_refused_by_name() {
    let bytes = docx(&[("word/styles.xml", STYLES.as_bytes())]);
    let shown = refused(&bytes, Kind::Docx);
    assert!(shown.contains("has no word/document.xml"), "{shown}");
}

#[test]
fn a_corrupt_or_truncated_word_file_is_refused() {
    let xml = body(&para(None, "The Employer recognizes the Union."));
    let good = docx(&[("word/document.xml", xml.as_bytes())]);
    let shown = refused(&good[..good.len() / 2], Kind::Docx);
    assert!(shown.contains("not a readable Word document"), "{shown}");
    let mut flipped = good.clone();
    let mid = flipped.len() / 3;
    for b in &mut flipped[mid..mid + 40] {
        *b ^= 0x5a;
    }
    let shown = refused(&flipped, Kind::Docx);
    assert!(
        shown.contains("Word document") || shown.contains("XML"),
        "{shown}"
    );
    let shown = refused(b"ARTICLE 1 - RECOGNITION\n", Kind::Docx);
    assert!(shown.contains("name it .txt"), "{shown}");
}

#[test]
fn a_password_protected_or_old_binary_word_file_is_refused_with_what_to_do() {
    // Word keeps encrypted documents in an OLE compound file, as it keeps the old binary .doc.
    // LibreOffice writes a real one of the latter; the reader tells both from a .docx the same way.
    let mut compound = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    compound.resize(4096, 0);
    let shown = refused(&compound, Kind::Docx);
    assert!(
        shown.contains("password") && shown.contains(".docx"),
        "{shown}"
    );
    if !client_runs("soffice") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let txt = dir.path().join("letter.txt");
    std::fs::write(
        &txt,
        "LETTER OF AGREEMENT – TELEWORK\n\nTelework is voluntary.\n",
    )
    .unwrap();
    soffice(&[txt], "doc", dir.path());
    let bytes = std::fs::read(dir.path().join("letter.doc")).unwrap();
    let shown = refused(&bytes, Kind::Docx);
    assert!(shown.contains("old binary .doc"), "{shown}");
}

#[test]
fn a_zip_bomb_is_refused_at_the_unpacked_cap() {
    // 300 MB of spaces inside one run: a few hundred KB packed.
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    zip.start_file("word/document.xml", options).unwrap();
    zip.write_all(format!("<w:document xmlns:w=\"{W}\"><w:body><w:p><w:r><w:t>").as_bytes())
        .unwrap();
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..300 {
        zip.write_all(&chunk).unwrap();
    }
    zip.write_all(b"</w:t></w:r></w:p></w:body></w:document>")
        .unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    assert!(bytes.len() < 4 << 20, "the bomb is small: {}", bytes.len());
    let shown = refused(&bytes, Kind::Docx);
    assert!(
        shown.contains("zip bomb") && shown.contains("word/document.xml"),
        "{shown}"
    );
}

#[test]
fn xml_entities_dtds_and_ten_thousand_deep_nesting_are_refused() {
    let laughs = format!(
        "<?xml version=\"1.0\"?><!DOCTYPE w:document [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]><w:document xmlns:w=\"{W}\"><w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>"
    );
    let shown = refused(
        &docx(&[("word/document.xml", laughs.as_bytes())]),
        Kind::Docx,
    );
    assert!(shown.contains("DTD"), "{shown}");

    let undefined = body("<w:p><w:r><w:t>&secret;</w:t></w:r></w:p>");
    let shown = refused(
        &docx(&[("word/document.xml", undefined.as_bytes())]),
        Kind::Docx,
    );
    assert!(shown.contains("entity &secret;"), "{shown}");

    let deep = body(&format!(
        "{}{}",
        "<w:tbl>".repeat(10_000),
        "</w:tbl>".repeat(10_000)
    ));
    let shown = refused(&docx(&[("word/document.xml", deep.as_bytes())]), Kind::Docx);
    assert!(shown.contains("deep"), "{shown}");

    let broken = body("<w:p><w:r><w:t>unclosed</w:r></w:p>");
    let shown = refused(
        &docx(&[("word/document.xml", broken.as_bytes())]),
        Kind::Docx,
    );
    assert!(shown.contains("word/document.xml, byte"), "{shown}");
}

#[test]
fn text_that_is_not_utf8_names_its_line() {
    let err =
        document::read(b"ARTICLE 1\n\nCaf\xe9\n", Kind::Text, &Limits::default()).unwrap_err();
    let shown = err.problem("contract.txt").to_string();
    assert!(shown.starts_with("contract.txt:3:"), "{shown}");
}

#[test]
fn encrypted_corrupt_and_scanned_pdfs_are_refused_with_what_to_do() {
    if !client_runs("soffice") || !client_runs("pdftotext") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let txt = dir.path().join("letter.txt");
    std::fs::write(
        &txt,
        "LETTER OF AGREEMENT – TELEWORK\n\nThe Employer and the Union agree that telework is voluntary for every employee in the unit.\n".repeat(30),
    )
    .unwrap();
    let locked = dir.path().join("locked");
    soffice(
        std::slice::from_ref(&txt),
        r#"pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},"DocumentOpenPassword":{"type":"string","value":"secret"}}"#,
        &locked,
    );
    let shown = refused(
        &std::fs::read(locked.join("letter.pdf")).unwrap(),
        Kind::Pdf,
    );
    assert!(shown.contains("password"), "{shown}");

    let plain = dir.path().join("plain");
    soffice(std::slice::from_ref(&txt), "pdf", &plain);
    let good = std::fs::read(plain.join("letter.pdf")).unwrap();
    assert!(document::read(&good, Kind::Pdf, &Limits::default()).is_ok());
    let shown = refused(&good[..good.len() / 3], Kind::Pdf);
    assert!(
        shown.contains("PDF") || shown.contains("text layer"),
        "{shown}"
    );

    // 500 pages with only a page number each: what a scan without OCR gives.
    let scan = dir.path().join("scan.txt");
    let pages = (1..=500)
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join("\n\u{c}");
    std::fs::write(&scan, pages).unwrap();
    let scanned = dir.path().join("scanned");
    soffice(&[scan], "pdf", &scanned);
    let bytes = std::fs::read(scanned.join("scan.pdf")).unwrap();
    let shown = refused(&bytes, Kind::Pdf);
    assert!(
        shown.contains("no text layer") && shown.contains("ocrmypdf"),
        "{shown}"
    );
    assert!(shown.contains("500 pages"), "{shown}");
}

#[test]
fn a_pdf_that_is_not_one_is_refused() {
    let shown = refused(b"ARTICLE 1 - RECOGNITION\n", Kind::Pdf);
    assert!(shown.contains("no PDF header"), "{shown}");
}

// ---------------------------------------------------------------------------------------------
// The import plan against a real table.

const CONTRACT: &str = "\
PREAMBLE

This Agreement is between Example Health and the Coalition of Unions.

ARTICLE 1 – RECOGNITION

The Employer recognizes the Coalition.

ARTICLE 2 – HOURS

The workweek is forty hours.

LETTER OF AGREEMENT – STAFFING PILOT

The parties will pilot a staffing model.
";

fn current_of(repo: &bargain_core::store::Repo) -> impl Fn(&ArticleEntry) -> Option<String> + '_ {
    move |a: &ArticleEntry| {
        let oid = a.current?;
        repo.text(oid, &a.path("current.md")).ok()
    }
}

#[test]
fn import_plan_creates_folders_then_finds_them_unchanged_and_asks_before_replacing() {
    let f = Fixture::new();
    let (_, split) = read_split(CONTRACT.as_bytes(), Kind::Text);
    let repo = f.repo();
    let snapshot = repo.snapshot().unwrap();
    let options = PlanOptions {
        topic: "staffing".into(),
    };
    let plan = document::plan(&split, &snapshot, current_of(&repo), &options);
    assert!(plan.blocked.is_empty() && plan.add_topic.is_none());
    let folders: Vec<&str> = plan.entries.iter().map(|e| e.folder.as_str()).collect();
    assert_eq!(folders, ["1-recognition", "2-hours", "loa-staffing-pilot"]);
    assert!(plan.entries.iter().all(|e| e.action == Action::Create));
    assert_eq!(
        plan.entries[2].article.number, 3,
        "the letter is numbered after the articles"
    );
    assert_eq!(
        plan.entries[2].article.title,
        "LETTER OF AGREEMENT – STAFFING PILOT"
    );
    assert_eq!(
        plan.entries[0].current_md,
        "# ARTICLE 1 – RECOGNITION\n\nThe Employer recognizes the Coalition.\n"
    );

    // Written as the commit would write them, the table reads them back without a problem.
    let files = plan.files(false);
    assert_eq!(files.len(), 6);
    let writes: Vec<(&str, Option<&str>)> = files
        .iter()
        .map(|(p, c)| (p.as_str(), Some(c.as_str())))
        .collect();
    f.commit_as(
        "chief@union.example",
        &writes,
        "Import the current agreement",
    );
    let repo = f.repo();
    let snapshot = repo.snapshot().unwrap();
    assert_eq!(snapshot.articles.len(), 3);
    assert_eq!(
        snapshot.all_problems().count(),
        0,
        "{:?}",
        snapshot.all_problems().collect::<Vec<_>>()
    );

    // The same document again: nothing to write.
    let again = document::plan(&split, &snapshot, current_of(&repo), &options);
    assert!(again.entries.iter().all(|e| e.action == Action::Unchanged));
    assert!(again.files(false).is_empty());

    // A changed article 2: a replacement, written only when confirmed.
    let changed = CONTRACT.replace("forty hours", "thirty-six hours");
    let (_, split) = read_split(changed.as_bytes(), Kind::Text);
    let plan = document::plan(&split, &snapshot, current_of(&repo), &options);
    assert!(plan.replaces());
    assert_eq!(
        plan.entries[1].action,
        Action::Replace { had_current: true }
    );
    assert!(plan.files(false).is_empty());
    let confirmed = plan.files(true);
    assert_eq!(confirmed.len(), 1);
    assert_eq!(confirmed[0].0, "proposals/2-hours/current.md");
    assert!(confirmed[0].1.contains("thirty-six"));
}

#[test]
fn import_plan_adds_the_unassigned_topic_and_refuses_an_unknown_one() {
    let f = Fixture::with_table(TABLE_YAML);
    let (_, split) = read_split(CONTRACT.as_bytes(), Kind::Text);
    let repo = f.repo();
    let snapshot = repo.snapshot().unwrap();
    let plan = document::plan(
        &split,
        &snapshot,
        current_of(&repo),
        &PlanOptions::default(),
    );
    assert_eq!(
        plan.add_topic.as_ref().map(|t| t.id.as_str()),
        Some("unassigned")
    );
    let plan = document::plan(
        &split,
        &snapshot,
        current_of(&repo),
        &PlanOptions {
            topic: "pensions".into(),
        },
    );
    assert!(
        plan.blocked[0].contains("no topic `pensions`"),
        "{:?}",
        plan.blocked
    );
    assert!(plan.files(false).is_empty());
}

#[test]
fn decimal_numbered_agreement_plans_one_folder_per_article_by_place() {
    let bytes = std::fs::read(data(
        "oregon-aee-engineers",
        "state-aee-association-of-engineering-employees-2025-2027.txt",
    ))
    .unwrap();
    let (_, split) = read_split(&bytes, Kind::Text);
    let f = Fixture::new();
    let repo = f.repo();
    let plan = document::plan(
        &split,
        &repo.snapshot().unwrap(),
        current_of(&repo),
        &PlanOptions { topic: "ai".into() },
    );
    assert_eq!(plan.entries.len(), 110);
    let first = &plan.entries[0];
    assert_eq!(
        (first.article.number, first.folder.as_str()),
        (1, "1-1-parties-to-the-agreement")
    );
    assert_eq!(first.article.title, "1.1 PARTIES TO THE AGREEMENT");
    let folders: std::collections::HashSet<&str> =
        plan.entries.iter().map(|e| e.folder.as_str()).collect();
    assert_eq!(folders.len(), 110);
    assert!(folders.iter().all(|f| bargain_core::model::is_id(f)));
    assert!(plan.notes[0].contains("by its place"));
    assert!(plan.entries.iter().all(|e| !e.current_md.contains('\u{c}')));
}

#[test]
fn the_benchmark_helper_splits_with_the_importer() {
    // The helper it replaced gave five nurses' articles only their contents line (their
    // headings follow a form feed) and folded the engineers' 97 articles into 12.
    let nurses = std::fs::read_to_string(data(
        "oregon-afscme-osh-rn",
        "state-afscme-osh-registered-nurses-2025-2027.txt",
    ))
    .unwrap();
    let units = bargain_testutils::agreement_articles(&nurses);
    for id in ["5", "18", "27", "38", "39", "50", "51", "60"] {
        let (_, text) = units.iter().find(|(n, _)| n == id).unwrap();
        assert!(
            count_words(text) > 60,
            "article {id}: {} words",
            count_words(text)
        );
    }
    let engineers = std::fs::read_to_string(data(
        "oregon-aee-engineers",
        "state-aee-association-of-engineering-employees-2025-2027.txt",
    ))
    .unwrap();
    let units = bargain_testutils::agreement_articles(&engineers);
    let articles = units
        .iter()
        .filter(|(id, _)| id.contains('.') && id.chars().all(|c| c.is_ascii_digit() || c == '.'))
        .count();
    assert_eq!(articles, 97);
}

// ---------------------------------------------------------------------------------------------
// `bargain import`, `bargain pass --file` and `bargain diff --files` with documents.

/// A file outside the table's repository (so the repository's work tree stays clean).
fn outside(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

#[test]
fn import_previews_then_commits_once_and_never_replaces_without_asking() {
    let f = Fixture::new();
    let dir = tempfile::tempdir().unwrap();
    let file = outside(&dir, "contract.txt", CONTRACT.as_bytes());
    let before = f.head();

    let dry = f.run(&["import", &file, "--topic", "staffing", "--dry-run"]);
    assert_eq!(dry.code, Some(0), "{}{}", dry.stdout, dry.stderr);
    assert!(
        dry.stdout.contains("2 articles, 1 letter"),
        "{}",
        dry.stdout
    );
    let row = dry
        .stdout
        .lines()
        .find(|l| l.contains("RECOGNITION"))
        .unwrap_or_else(|| panic!("{}", dry.stdout));
    assert!(
        row.contains("new") && row.contains("The Employer recognizes the Coalition"),
        "{row}"
    );
    assert!(
        dry.stdout.contains("preamble (lines 1–4)"),
        "{}",
        dry.stdout
    );
    assert!(dry.stdout.contains("Dry run: nothing was written."));
    assert_eq!(f.head(), before, "a dry run commits nothing");

    let done = f.run(&["import", &file, "--topic", "staffing"]);
    assert_eq!(done.code, Some(0), "{}{}", done.stdout, done.stderr);
    assert!(done.stdout.contains("Imported: 3 articles created"));
    assert_eq!(
        f.git(&["rev-list", "--count", &format!("{before}..HEAD")])
            .trim(),
        "1"
    );
    let message = f.head_message();
    assert!(
        message.starts_with("Import the current contract language from contract.txt: 3 articles"),
        "{message}"
    );
    assert!(
        message.contains("Bargain-Change: contract-imported"),
        "{message}"
    );
    assert!(
        message.contains(&format!("Bargain-Date: {}", f.today())),
        "{message}"
    );
    assert!(message.contains("Bargain-Session: 2025-06-03"), "{message}");
    assert_eq!(
        f.committed("proposals/1-recognition/current.md").as_deref(),
        Some("# ARTICLE 1 – RECOGNITION\n\nThe Employer recognizes the Coalition.\n")
    );
    assert!(
        f.committed("proposals/loa-staffing-pilot/article.yaml")
            .unwrap()
            .contains("topic: staffing")
    );
    assert_eq!(f.porcelain(), "", "the work tree follows the commit");
    let snapshot = f.repo().snapshot().unwrap();
    assert_eq!(snapshot.articles.len(), 3);
    assert_eq!(snapshot.all_problems().count(), 0);

    // The same document again: nothing to write, nothing committed.
    let head = f.head();
    let again = f.run(&["import", &file, "--topic", "staffing"]);
    assert_eq!(again.code, Some(0), "{}{}", again.stdout, again.stderr);
    assert!(
        again.stdout.contains("Nothing to import"),
        "{}",
        again.stdout
    );
    assert_eq!(f.head(), head);

    // A changed article 2: shown as changed, refused without --replace, written with it.
    let changed = outside(
        &dir,
        "contract-2.txt",
        CONTRACT
            .replace("forty hours", "thirty-six hours")
            .as_bytes(),
    );
    let refused = f.run(&["import", &changed, "--topic", "staffing"]);
    assert_eq!(
        refused.code,
        Some(1),
        "{}{}",
        refused.stdout,
        refused.stderr
    );
    let row = refused
        .stdout
        .lines()
        .find(|l| l.contains("HOURS"))
        .unwrap();
    assert!(row.contains("changed"), "{row}");
    assert!(
        refused.stderr.contains("2-hours") && refused.stderr.contains("--replace"),
        "{}",
        refused.stderr
    );
    assert_eq!(f.head(), head, "nothing written without --replace");
    let replaced = f.run(&["import", &changed, "--topic", "staffing", "--replace"]);
    assert_eq!(
        replaced.code,
        Some(0),
        "{}{}",
        replaced.stdout,
        replaced.stderr
    );
    assert!(
        replaced.stdout.contains("1 replaced"),
        "{}",
        replaced.stdout
    );
    assert!(
        f.committed("proposals/2-hours/current.md")
            .unwrap()
            .contains("thirty-six hours")
    );
    assert_eq!(
        f.git(&["rev-list", "--count", &format!("{head}..HEAD")])
            .trim(),
        "1"
    );
}

#[test]
fn import_adds_the_unassigned_topic_and_only_a_chief_or_a_secretary_imports() {
    let f = Fixture::new();
    let dir = tempfile::tempdir().unwrap();
    let file = outside(&dir, "contract.md", CONTRACT.as_bytes());
    let before = f.head();

    f.identity("member@union.example");
    let refused = f.run(&["import", &file]);
    assert_eq!(
        refused.code,
        Some(1),
        "{}{}",
        refused.stdout,
        refused.stderr
    );
    assert!(
        refused
            .stderr
            .contains("member@union.example may not import the contract"),
        "{}",
        refused.stderr
    );
    assert_eq!(f.head(), before);

    f.identity("chief@union.example");
    let done = f.run(&["import", &file]);
    assert_eq!(done.code, Some(0), "{}{}", done.stdout, done.stderr);
    assert!(
        done.stdout.contains("topic `unassigned` added"),
        "{}",
        done.stdout
    );
    let yaml = f.committed("bargaining.yaml").unwrap();
    assert!(
        yaml.contains("- id: unassigned\n    title: Unassigned\n"),
        "{yaml}"
    );
    assert!(yaml.starts_with(&TABLE_YAML[..TABLE_YAML.find("topics:").unwrap()]));
    let snapshot = f.repo().snapshot().unwrap();
    assert_eq!(snapshot.all_problems().count(), 0);
    assert!(snapshot.table.topic("unassigned").is_some());
    assert!(
        snapshot
            .articles
            .iter()
            .all(|a| a.article.as_ref().unwrap().topic == "unassigned")
    );
}

#[test]
fn bad_documents_are_refused_by_the_command_within_seconds_and_nothing_is_written() {
    let f = Fixture::new();
    let dir = tempfile::tempdir().unwrap();
    let before = f.head();
    let xml = body(&para(None, "ARTICLE 1 – RECOGNITION"));
    let good = docx(&[("word/document.xml", xml.as_bytes())]);
    let mut compound = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    compound.resize(4096, 0);
    let deep = body(&"<w:p>".repeat(10_000));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "cut.docx",
            good[..good.len() / 2].to_vec(),
            "not a readable Word document",
        ),
        ("locked.docx", compound, "password"),
        (
            "empty.docx",
            docx(&[("word/styles.xml", STYLES.as_bytes())]),
            "has no word/document.xml",
        ),
        (
            "deep.docx",
            docx(&[("word/document.xml", deep.as_bytes())]),
            "word/document.xml",
        ),
        (
            "damaged.pdf",
            b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog".to_vec(),
            ".pdf",
        ),
        ("binary.txt", b"ARTICLE 1\n\0\0\0".to_vec(), ":2: is binary"),
    ];
    for (name, bytes, says) in cases {
        let file = outside(&dir, name, &bytes);
        let started = Instant::now();
        let run = f.run(&["import", &file]);
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{name}: {:?}",
            started.elapsed()
        );
        assert_eq!(run.code, Some(2), "{name}: {}{}", run.stdout, run.stderr);
        assert!(
            run.stderr.contains(name) && run.stderr.contains(says),
            "{name}: {}",
            run.stderr
        );
        assert!(
            !run.raw.contains(&0x1b),
            "{name}: no control sequence printed"
        );
        assert_eq!(f.head(), before, "{name}: nothing written");
    }
    assert!(!f.file("proposals").exists());
}

/// A .docx of paragraphs, the second with a tracked change (shall → will).
fn proposal_docx() -> Vec<u8> {
    let xml = body(&[
        para(Some("Heading1"), "ARTICLE 1 – RECOGNITION"),
        "<w:p><w:r><w:t xml:space=\"preserve\">The Employer </w:t></w:r><w:del w:id=\"1\" w:author=\"Employer\"><w:r><w:delText>shall</w:delText></w:r></w:del><w:ins w:id=\"2\" w:author=\"Union\"><w:r><w:t>will</w:t></w:r></w:ins><w:r><w:t xml:space=\"preserve\"> recognize the Coalition.</w:t></w:r></w:p>".to_string(),
    ].concat());
    docx(&[
        ("word/document.xml", xml.as_bytes()),
        ("word/styles.xml", STYLES.as_bytes()),
    ])
}

#[test]
fn a_pass_is_read_from_a_word_file_with_its_tracked_changes_accepted() {
    let f = Fixture::new();
    f.article(
        "1-recognition",
        1,
        "Recognition",
        "staffing",
        Some("# ARTICLE 1 – RECOGNITION\n\nThe Employer shall recognize the Coalition.\n"),
    );
    let dir = tempfile::tempdir().unwrap();
    let file = outside(&dir, "union-proposal.docx", &proposal_docx());
    let run = f.run(&["pass", "1", "--side", "union", "--file", &file]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("tracked changes accepted (1 insertion, 1 deletion)"),
        "{}",
        run.stderr
    );
    let text = f.committed("proposals/1-recognition/union.md").unwrap();
    assert_eq!(
        text,
        "ARTICLE 1 – RECOGNITION\n\nThe Employer will recognize the Coalition.\n"
    );

    // The same reader under a name that hides the kind (standard input is read the same way).
    let renamed = outside(&dir, "proposal", &proposal_docx());
    let diff = f.run(&["diff", "--files", &file, &renamed, "--format", "plain"]);
    assert_eq!(diff.code, Some(0), "{}{}", diff.stdout, diff.stderr);
    assert!(
        !diff.stdout.contains("[-") && !diff.stdout.contains("{+"),
        "{}",
        diff.stdout
    );
}

#[test]
fn diff_files_compares_word_files_and_pdfs_instead_of_calling_them_binary() {
    let f = Fixture::new();
    let dir = tempfile::tempdir().unwrap();
    let old = outside(
        &dir,
        "old.txt",
        b"ARTICLE 1 - RECOGNITION\n\nThe Employer shall recognize the Coalition.\n",
    );
    let new = outside(&dir, "new.docx", &proposal_docx());
    let run = f.run(&["diff", "--files", &old, &new, "--format", "plain"]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(!run.stderr.contains("binary"), "{}", run.stderr);
    assert!(run.stdout.contains("will"), "{}", run.stdout);
    assert!(run.stdout.contains("shall"), "{}", run.stdout);

    if !client_runs("soffice") || !client_runs("pdftotext") {
        return;
    }
    // A PDF LibreOffice writes from the same text.
    let text = outside(
        &dir,
        "new.txt",
        "ARTICLE 1 – RECOGNITION\n\nThe Employer will recognize the Coalition.\n".as_bytes(),
    );
    soffice(&[PathBuf::from(&text)], "pdf", dir.path());
    let pdf = dir.path().join("new.pdf").display().to_string();
    let run = f.run(&["diff", "--files", &new, &pdf, "--format", "plain"]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("pdftotext"),
        "the PDF note: {}",
        run.stderr
    );
    assert!(
        run.stdout
            .contains("The Employer will recognize the Coalition."),
        "{}",
        run.stdout
    );
}

#[test]
fn a_contract_written_by_pandoc_imports_through_the_command_into_all_its_articles() {
    if !client_runs("pandoc") {
        return;
    }
    let (folder, file, _) = AGREEMENTS[0];
    let text = std::fs::read_to_string(data(folder, file)).unwrap();
    let (_, text_split) = read_split(text.as_bytes(), Kind::Text);
    let dir = tempfile::tempdir().unwrap();
    let md = outside(&dir, "agreement.md", markdown_of(&text).as_bytes());
    let out = dir.path().join("agreement.docx");
    let status = Command::new("pandoc")
        .args(["-f", "markdown", "-t", "docx", "-o"])
        .arg(&out)
        .arg(&md)
        .status()
        .unwrap();
    assert!(status.success());
    let f = Fixture::new();
    let run = f.run(&["import", &out.display().to_string()]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    let snapshot = f.repo().snapshot().unwrap();
    assert_eq!(snapshot.articles.len(), text_split.units.len());
    assert_eq!(snapshot.all_problems().count(), 0);
    let imported: usize = snapshot
        .articles
        .iter()
        .map(|a| count_words(&f.committed(&a.path("current.md")).unwrap()))
        .sum();
    assert!(
        imported * 100 >= unit_words(&text_split) * 99,
        "{imported} of {} words",
        unit_words(&text_split)
    );
}

/// The agreement as a flat OpenDocument text for LibreOffice: `### ` headings as outline-level
/// headings, every other line a paragraph, and a table of contents field listing the headings
/// before them (LibreOffice writes it into the `.docx` as a `TOC` field).
fn fodt_of(text: &str) -> String {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let headings: Vec<&str> = text
        .lines()
        .filter_map(|l| l.trim_start_matches('\u{c}').strip_prefix("### "))
        .map(str::trim)
        .collect();
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.3\" office:mimetype=\"application/vnd.oasis.opendocument.text\"><office:body><office:text>\n<text:table-of-content text:name=\"Contents\"><text:table-of-content-source text:outline-level=\"1\"><text:index-title-template>Contents</text:index-title-template></text:table-of-content-source><text:index-body><text:index-title text:name=\"Contents_Head\"><text:p>Contents</text:p></text:index-title>\n",
    );
    for (page, heading) in headings.iter().enumerate() {
        out.push_str(&format!(
            "<text:p>{}<text:tab/>{}</text:p>\n",
            escape(heading),
            page + 1
        ));
    }
    out.push_str("</text:index-body></text:table-of-content>\n");
    for line in text.lines() {
        let line = line.trim_start_matches('\u{c}');
        if let Some(rest) = line.strip_prefix("### ") {
            out.push_str(&format!(
                "<text:h text:outline-level=\"1\">{}</text:h>\n",
                escape(rest.trim())
            ));
        } else if !line.trim().is_empty() {
            out.push_str(&format!("<text:p>{}</text:p>\n", escape(line.trim())));
        }
    }
    out.push_str("</office:text></office:body></office:document>\n");
    out
}

#[test]
fn libreoffice_word_files_with_a_contents_field_import_like_the_text() {
    if !client_runs("soffice") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let all = agreements();
    let inputs: Vec<PathBuf> = all
        .iter()
        .map(|(name, text, _)| {
            let path = dir.path().join(format!("{name}.fodt"));
            std::fs::write(&path, fodt_of(text)).unwrap();
            path
        })
        .collect();
    let out = dir.path().join("docx");
    soffice(&inputs, "docx:MS Word 2007 XML", &out);
    for (name, text, text_split) in &all {
        let path = out.join(format!("{name}.docx"));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let (doc, split) = read_split(&bytes, Kind::Docx);
        let headings = text
            .lines()
            .filter(|l| l.trim_start_matches('\u{c}').starts_with("### "))
            .count();
        assert!(
            doc.lines.iter().filter(|l| l.toc).count() >= headings,
            "{name}: the contents field is marked as contents"
        );
        assert_eq!(ids(&split), ids(text_split), "{name}");
        assert!(
            unit_words(&split) * 100 >= unit_words(text_split) * 99,
            "{name}: {} of {} words in units",
            unit_words(&split),
            unit_words(text_split)
        );
        let left: usize = split.unassigned.iter().map(|l| l.words).sum();
        assert_eq!(
            unit_words(&split) + left,
            split.words,
            "{name}: words add up"
        );
    }
}

#[test]
fn the_preview_shows_control_characters_of_the_document_escaped() {
    let f = Fixture::new();
    let dir = tempfile::tempdir().unwrap();
    let hostile = CONTRACT
        .replace("RECOGNITION", "RECOGNITION\u{1b}[2J")
        .replace(
            "The Employer recognizes",
            "The \u{1b}]0;owned\u{7} Employer recognizes",
        );
    let file = outside(&dir, "contract\u{1b}[31m.txt", hostile.as_bytes());
    let run = f.run(&["import", &file, "--topic", "staffing", "--dry-run"]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(
        !run.raw.contains(&0x1b) && !run.raw.contains(&0x07),
        "{:?}",
        run.stdout
    );
    // Titles lose control characters (they go into article.yaml); the text keeps them, shown
    // escaped.
    assert!(run.stdout.contains("RECOGNITION [2J"), "{}", run.stdout);
    assert!(
        run.stdout.contains("The ^[]0;owned^G Employer"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("contract^[[31m.txt"), "{}", run.stdout);
}

// ---------------------------------------------------------------------------------------------
// A pass given a whole contract: the one article is taken out of it.

const THREE_ARTICLES: &str = "\
AGREEMENT

ARTICLE 1 – RECOGNITION

The Employer recognizes the Coalition.

ARTICLE 2 – HOURS

The workweek is thirty-six hours.

ARTICLE 3 – LEAVE

Leave is paid at the regular rate.
";

fn three_article_table() -> Fixture {
    let f = Fixture::new();
    for (n, id, title) in [
        (1, "1-recognition", "Recognition"),
        (2, "2-hours", "Hours"),
        (3, "3-leave", "Leave"),
        (4, "4-wages", "Wages"),
    ] {
        f.article(id, n, title, "staffing", None);
    }
    f
}

#[test]
fn a_pass_from_a_whole_contract_takes_its_article_and_says_so() {
    let f = three_article_table();
    let dir = tempfile::tempdir().unwrap();
    let file = outside(&dir, "union-contract.txt", THREE_ARTICLES.as_bytes());
    let run = f.run(&["pass", "2", "--side", "union", "--file", &file]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains(&format!("took Article 2 of 3 found in {file}")),
        "{}",
        run.stderr
    );
    assert_eq!(
        f.committed("proposals/2-hours/union.md").unwrap(),
        "# ARTICLE 2 – HOURS\n\nThe workweek is thirty-six hours.\n"
    );

    // A Word file, split by its heading styles the same way.
    let xml = body(
        &[
            para(Some("Heading1"), "ARTICLE 1 – RECOGNITION"),
            para(None, "The Employer recognizes the Coalition."),
            para(Some("Heading1"), "ARTICLE 2 – HOURS"),
            para(None, "The workweek is forty hours."),
            para(Some("Heading1"), "ARTICLE 3 – LEAVE"),
            para(None, "Leave is paid at the regular rate, and more."),
        ]
        .concat(),
    );
    let word = outside(
        &dir,
        "union-contract.docx",
        &docx(&[
            ("word/document.xml", xml.as_bytes()),
            ("word/styles.xml", STYLES.as_bytes()),
        ]),
    );
    let run = f.run(&["pass", "3", "--side", "union", "--file", &word]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains(&format!("took Article 3 of 3 found in {word}")),
        "{}",
        run.stderr
    );
    assert_eq!(
        f.committed("proposals/3-leave/union.md").unwrap(),
        "# ARTICLE 3 – LEAVE\n\nLeave is paid at the regular rate, and more.\n"
    );
}

#[test]
fn a_pass_from_a_contract_without_its_article_is_refused_with_what_the_file_holds() {
    let f = three_article_table();
    let dir = tempfile::tempdir().unwrap();
    let file = outside(&dir, "contract.txt", THREE_ARTICLES.as_bytes());
    let before = f.head();
    let run = f.run(&["pass", "4", "--side", "union", "--file", &file]);
    run.assert_exit(2);
    assert!(
        run.stderr.contains(
            "none of the 3 articles, letters and appendices it holds is Article 4: Article 1, Article 2, Article 3"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(f.head(), before, "nothing recorded");

    // One article, whatever its number, or no headings at all: the file is the text, as it is.
    for (name, text) in [
        ("one.md", "# ARTICLE 9 – SOMETHING ELSE\n\nThe text.\n"),
        ("plain.txt", "The wages rise by three percent.\n"),
    ] {
        let file = outside(&dir, name, text.as_bytes());
        let run = f.run(&["pass", "4", "--side", "union", "--file", &file]);
        assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
        assert!(!run.stderr.contains("took"), "{}", run.stderr);
        assert_eq!(
            f.committed("proposals/4-wages/union.md").unwrap(),
            text,
            "{name}"
        );
    }
}
