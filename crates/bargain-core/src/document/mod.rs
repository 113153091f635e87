//! Documents in: a whole contract or one proposal as the table exchanges it (`.txt`, `.md`,
//! `.docx`, `.pdf`) read into lines of text, then split into its articles.
//!
//! What this module owns:
//! - the readers ([`read`]): each a function of the file's bytes (the PDF reader also runs
//!   `pdftotext`), returning a [`Document`] — its lines, with the heading level where the format
//!   marks one (Word heading styles, Markdown `#`), page breaks, and contents-page entries — plus
//!   [`Note`]s on what was done to get there (tracked changes accepted, comments left out);
//! - the splitter ([`split()`]): articles, appendices, letters of agreement and memoranda as
//!   units of their own, each with its number as written, title, text and word count, and what
//!   was left unassigned (the cover and preamble, a table of contents, a subject index);
//! - the import plan ([`plan()`]): what an import into a table would create or change, as data,
//!   so the command line and the terminal UI only show it and the writer only commits it.
//!
//! What it never does: print, touch the terminal, write files, or follow anything out of the
//! document (a `.docx` is read from its own parts only; links, embedded objects and external
//! relationships are never opened). Every document is untrusted: each reader bounds the bytes it
//! unpacks, the depth it nests and the time it takes, refuses XML entities and DTDs, and returns a
//! [`DocumentError`] that names the part and place instead of panicking.
//!
//! Text is kept as the document has it: the splitter assigns whole lines, so the articles and the
//! unassigned parts together hold every line of the document, in order. Control characters are
//! kept in the data (a form feed marks a PDF page); fronts show text through
//! [`crate::text::escape_controls`], and [`plan()`] drops form feeds from the files it proposes.

pub mod article;
pub mod docx;
pub mod heading;
pub mod import;
pub mod pdf;
pub mod plan;
pub mod split;
pub mod text;

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

pub use article::{ArticleText, Took, article_text};
pub use heading::{Heading, Number, UnitKind};
pub use plan::{Action, ImportPlan, PlanEntry, PlanOptions, plan};
pub use split::{Leftover, LeftoverKind, Split, Unit, split};

/// The formats the readers know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Plain text, e.g. what `pdftotext -layout` wrote.
    Text,
    /// Markdown: `#` headings are taken as headings; everything else is read as text.
    Markdown,
    /// Word (Office Open XML).
    Docx,
    /// PDF, read through `pdftotext -layout` (poppler).
    Pdf,
}

impl Kind {
    /// The kind a file name's extension says (`.txt`, `.text`, `.md`, `.markdown`, `.docx`,
    /// `.pdf`), case-insensitively.
    pub fn from_name(name: &str) -> Option<Kind> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "txt" | "text" => Some(Kind::Text),
            "md" | "markdown" => Some(Kind::Markdown),
            "docx" => Some(Kind::Docx),
            "pdf" => Some(Kind::Pdf),
            _ => None,
        }
    }

    /// The kind the bytes themselves show: a zip is taken for Word, `%PDF-` for PDF, anything
    /// else for text. For a file named without a known extension.
    pub fn sniff(bytes: &[u8]) -> Kind {
        if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(CFB_MAGIC) {
            Kind::Docx
        } else if pdf_header(bytes) {
            Kind::Pdf
        } else {
            Kind::Text
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Markdown => "Markdown",
            Kind::Docx => "Word (.docx)",
            Kind::Pdf => "PDF",
        }
    }
}

/// The first bytes of an OLE compound file: what Word writes for an encrypted (password
/// protected) document, and for the old binary `.doc`.
pub(crate) const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// `%PDF-` within the first kilobyte, as PDF readers accept it. (Looked for byte by byte:
/// `memmem` would first ask the processor for its vector width, which costs more than the
/// kilobyte; see [`crate::text::find_byte`].)
pub(crate) fn pdf_header(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    head.windows(5).any(|w| w == b"%PDF-")
}

/// Bounds on what reading one document may cost. The defaults are ample for the largest real
/// agreements (a 200-page contract is about 1 MB of text and 2 MB of `document.xml`).
#[derive(Debug, Clone)]
pub struct Limits {
    /// The file itself.
    pub max_file_bytes: u64,
    /// Bytes unpacked from a `.docx`, all parts read counted together (a zip bomb stops here).
    pub max_unpacked_bytes: u64,
    /// Entries in a `.docx`'s zip directory.
    pub max_zip_entries: usize,
    /// How deep XML elements may nest.
    pub max_xml_depth: usize,
    /// The text a document yields.
    pub max_text_bytes: usize,
    /// How long `pdftotext` may run.
    pub pdf_timeout: Duration,
    /// The `pdftotext` program (a path or a name looked up on `PATH`).
    pub pdftotext: String,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file_bytes: 256 << 20,
            max_unpacked_bytes: 256 << 20,
            max_zip_entries: 20_000,
            max_xml_depth: 512,
            max_text_bytes: 64 << 20,
            pdf_timeout: Duration::from_secs(60),
            pdftotext: "pdftotext".to_string(),
        }
    }
}

/// A document read into lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub kind: Kind,
    pub lines: Vec<Line>,
    /// What reading did to the document that a reader should be told of.
    pub notes: Vec<Note>,
}

/// One line of a document: a line of a text file, or a paragraph (or a line of a paragraph
/// broken by a line break) of a Word document. Blank lines separate paragraphs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Line {
    /// The text, as the document has it: for text files the line without its line ending,
    /// leading form feeds and Markdown `#` markers included.
    pub text: String,
    /// The heading level the format gives the line (a Word heading style or outline level,
    /// a Markdown `#` count), 1 the highest.
    pub level: Option<u8>,
    /// The line starts a page (a form feed, a Word page break).
    pub page_break: bool,
    /// The document's own markup says this line belongs to a table of contents (a Word TOC
    /// field or contents style).
    pub toc: bool,
}

impl Line {
    pub fn new(text: impl Into<String>) -> Line {
        Line {
            text: text.into(),
            ..Line::default()
        }
    }

    /// The line without its page break, Markdown heading marker and surrounding whitespace.
    pub fn content(&self) -> &str {
        text::content(&self.text)
    }

    pub fn is_blank(&self) -> bool {
        self.content().is_empty()
    }
}

/// What reading did that changes or leaves out part of what the author sees in the original.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// Word revisions were accepted: inserted text kept, deleted text dropped, moved text kept
    /// at its new place only.
    TrackedChangesAccepted {
        insertions: usize,
        deletions: usize,
        moves: usize,
    },
    /// Comments are not part of the text.
    CommentsLeftOut(usize),
    /// Footnotes and endnotes follow the paragraph that refers to them, in brackets.
    NotesInline(usize),
    /// Pictures, charts and embedded objects have no text to import.
    PicturesLeftOut(usize),
    /// Text of text boxes and shapes, kept where they are anchored.
    TextBoxesInline(usize),
    /// The PDF's text came from `pdftotext -layout`: page headers and footers stay in the text.
    PdfText { pages: usize },
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::TrackedChangesAccepted {
                insertions,
                deletions,
                moves,
            } => {
                let mut parts = Vec::new();
                for (n, word) in [
                    (insertions, "insertion"),
                    (deletions, "deletion"),
                    (moves, "move"),
                ] {
                    if *n > 0 {
                        parts.push(format!("{n} {word}{}", if *n == 1 { "" } else { "s" }));
                    }
                }
                write!(
                    f,
                    "tracked changes accepted ({}): the text is the document with every revision accepted",
                    parts.join(", ")
                )
            }
            Note::CommentsLeftOut(n) => write!(
                f,
                "{n} comment{} left out (comments are not contract text)",
                plural(*n)
            ),
            Note::NotesInline(n) => write!(
                f,
                "{n} footnote{} or endnote{} kept in brackets after the paragraph that refers to {}",
                plural(*n),
                plural(*n),
                if *n == 1 { "it" } else { "them" }
            ),
            Note::PicturesLeftOut(n) => write!(
                f,
                "{n} picture{} or embedded object{} left out (no text in them to import)",
                plural(*n),
                plural(*n)
            ),
            Note::TextBoxesInline(n) => write!(
                f,
                "text of {n} text box{} kept where {} anchored",
                if *n == 1 { "" } else { "es" },
                if *n == 1 { "it is" } else { "they are" }
            ),
            Note::PdfText { pages } => write!(
                f,
                "text of {pages} page{} extracted with pdftotext -layout; page headers and footers stay in the text",
                plural(*pages)
            ),
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Why a document could not be read. Each names the part of the document (and the line or
/// byte where there is one) and what to do; [`DocumentError::problem`] adds the file's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentError {
    /// The file is bigger than [`Limits::max_file_bytes`].
    TooLarge { bytes: u64, limit: u64 },
    /// A text file that is not UTF-8 or holds a NUL byte.
    NotText {
        line: usize,
        column: Option<usize>,
        message: String,
    },
    /// A `.docx` that is an OLE compound file: encrypted, or an old binary `.doc`.
    EncryptedOrLegacy,
    /// A `.docx` that is not a readable zip.
    NotZip(String),
    /// A part of a `.docx` is missing (`word/document.xml`).
    MissingPart(String),
    /// A part would unpack past [`Limits::max_unpacked_bytes`] (a zip bomb), or the zip has
    /// too many entries.
    Unpacked { part: String, limit: u64 },
    /// Malformed or hostile XML in a part: a DTD or entity, nesting too deep, a syntax error.
    Xml {
        part: String,
        position: u64,
        message: String,
    },
    /// The document yields more text than [`Limits::max_text_bytes`].
    TextTooLarge { limit: usize },
    /// `pdftotext` is not installed.
    PdfToolMissing { program: String },
    /// `pdftotext` failed: a corrupt or encrypted PDF.
    PdfFailed { message: String },
    /// `pdftotext` ran longer than [`Limits::pdf_timeout`].
    PdfTimeout { seconds: u64 },
    /// The file is not what its name says (`.pdf` without a PDF header, `.docx` that is text).
    WrongKind { named: Kind, found: &'static str },
    /// What the PDF yields is not text (the quality gate).
    NotProse(pdf::Quality),
    /// Temporary files for `pdftotext` could not be made.
    Io(String),
}

impl fmt::Display for DocumentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DocumentError::TooLarge { bytes, limit } => write!(
                f,
                "is {} MB; documents over {} MB are not read",
                bytes >> 20,
                limit >> 20
            ),
            DocumentError::NotText { message, .. } => f.write_str(message),
            DocumentError::EncryptedOrLegacy => f.write_str(
                "is an encrypted (password-protected) Word file or an old binary .doc, not a .docx; \
                 remove the password or save it as a Word document (.docx) and import that",
            ),
            DocumentError::NotZip(why) => write!(
                f,
                "is not a readable Word document (.docx is a zip archive: {why}); the file may be damaged or cut short"
            ),
            DocumentError::MissingPart(part) => write!(
                f,
                "has no {part}, so it is not a Word document (.docx); save it from Word or LibreOffice as .docx"
            ),
            DocumentError::Unpacked { part, limit } => write!(
                f,
                "{part} unpacks to more than {} MB; refused as a zip bomb (a 1,000-page contract unpacks to a few MB)",
                limit >> 20
            ),
            DocumentError::Xml {
                part,
                position,
                message,
            } => write!(f, "{part}, byte {position}: {message}"),
            DocumentError::TextTooLarge { limit } => write!(
                f,
                "yields more than {} MB of text; documents that large are not read",
                limit >> 20
            ),
            DocumentError::PdfToolMissing { program } => write!(
                f,
                "is a PDF, and reading PDFs needs `{program}` (poppler), which is not installed: \
                 install the Debian package poppler-utils (`apt install poppler-utils`), or save the document as .docx or .txt"
            ),
            DocumentError::PdfFailed { message } => write!(
                f,
                "could not be read as a PDF (pdftotext: {message}); it may be damaged, or encrypted with a password"
            ),
            DocumentError::PdfTimeout { seconds } => write!(
                f,
                "took pdftotext more than {seconds} s and was stopped; a contract's text takes well under a second"
            ),
            DocumentError::WrongKind { named, found } => write!(
                f,
                "is named as {} but holds {found}",
                named.as_str()
            ),
            DocumentError::NotProse(quality) => write!(f, "{quality}"),
            DocumentError::Io(e) => write!(f, "could not be read: {e}"),
        }
    }
}

impl std::error::Error for DocumentError {}

impl DocumentError {
    /// The error as a problem of the file named `file` (the line, for text files).
    pub fn problem(&self, file: &str) -> crate::text::Problem {
        let mut problem = crate::text::Problem::new(file, self.to_string());
        if let DocumentError::NotText { line, column, .. } = self {
            problem.line = Some(*line);
            problem.column = *column;
        }
        problem
    }
}

/// Reads a document of the given kind from its bytes.
pub fn read(bytes: &[u8], kind: Kind, limits: &Limits) -> Result<Document, DocumentError> {
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(DocumentError::TooLarge {
            bytes: bytes.len() as u64,
            limit: limits.max_file_bytes,
        });
    }
    match kind {
        Kind::Text | Kind::Markdown => {
            if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(CFB_MAGIC) {
                return Err(DocumentError::WrongKind {
                    named: kind,
                    found: "a Word document or another archive; name it .docx",
                });
            }
            if bytes.starts_with(b"%PDF-") {
                return Err(DocumentError::WrongKind {
                    named: kind,
                    found: "a PDF; name it .pdf",
                });
            }
            text::read(bytes, kind, limits)
        }
        Kind::Docx => docx::read(bytes, limits),
        Kind::Pdf => pdf::read(bytes, limits),
    }
}

/// A file's text, as one article's text (a pass) or one side of a redline takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileText<'b> {
    pub kind: Kind,
    /// A `.txt` or `.md` exactly as the file has it (borrowed, not copied); a `.docx` or `.pdf`
    /// as its reader gives it: its lines joined by newlines, without form feeds, trailing spaces
    /// or blank lines at either end, ending in one newline.
    pub text: Cow<'b, str>,
    /// What reading did (tracked changes accepted, comments left out), for the fronts to say.
    pub notes: Vec<Note>,
}

/// The one reader of any supported file to text: `.docx` and `.pdf` through their readers,
/// anything else as UTF-8 text (which must be: no NUL byte). The kind comes from the name's
/// extension, else from the bytes ([`Kind::sniff`]; standard input is named `-`). The error
/// names the file and, for text, the line.
pub fn read_text<'b>(
    bytes: &'b [u8],
    name: &str,
    limits: &Limits,
) -> Result<FileText<'b>, crate::text::Problem> {
    let kind = Kind::from_name(name).unwrap_or_else(|| Kind::sniff(bytes));
    match kind {
        Kind::Text | Kind::Markdown => {
            if bytes.len() as u64 > limits.max_file_bytes {
                return Err(DocumentError::TooLarge {
                    bytes: bytes.len() as u64,
                    limit: limits.max_file_bytes,
                }
                .problem(name));
            }
            let text = match crate::text::text_in(bytes, name) {
                Ok(text) => text,
                // A Word file or a PDF under a text name: say what it is, not "binary".
                Err(problem) => {
                    return Err(match read(bytes, kind, limits) {
                        Err(e @ DocumentError::WrongKind { .. }) => e.problem(name),
                        _ => problem,
                    });
                }
            };
            Ok(FileText {
                kind,
                text: Cow::Borrowed(text),
                notes: Vec::new(),
            })
        }
        Kind::Docx | Kind::Pdf => {
            let doc = read(bytes, kind, limits).map_err(|e| e.problem(name))?;
            Ok(FileText {
                kind,
                text: Cow::Owned(doc.text()),
                notes: doc.notes,
            })
        }
    }
}

impl Document {
    /// The document's lines as one text: joined by newlines, without form feeds, trailing
    /// spaces or blank lines at either end, ending in one newline (empty for no text).
    pub fn text(&self) -> String {
        let lines: Vec<String> = self
            .lines
            .iter()
            .map(|l| l.text.replace('\u{c}', "").trim_end().to_string())
            .collect();
        let start = lines
            .iter()
            .position(|l| !l.is_empty())
            .unwrap_or(lines.len());
        let end = lines
            .iter()
            .rposition(|l| !l.is_empty())
            .map_or(start, |p| p + 1);
        let mut out = String::new();
        for line in &lines[start..end] {
            out.push_str(line);
            out.push('\n');
        }
        out
    }
}

/// Counts words as people do: runs of non-whitespace that hold a letter or a digit (so dot
/// leaders, dashes and bullets are not words).
pub fn count_words(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

/// The first `n` words of a text, joined by single spaces.
pub fn first_words(text: &str, n: usize) -> String {
    let mut out = String::new();
    for word in text
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .take(n)
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_runs_with_a_letter_or_digit() {
        assert_eq!(count_words("ARTICLE 12 – WAGES ........ 14"), 4);
        assert_eq!(count_words("  ▪  Layoff – Article 6.5\n"), 3);
        assert_eq!(
            first_words("### ARTICLE 1 - RECOGNITION\n\nThe Employer", 4),
            "ARTICLE 1 RECOGNITION The"
        );
    }

    #[test]
    fn kinds_from_names_and_bytes() {
        assert_eq!(Kind::from_name("Contract.DOCX"), Some(Kind::Docx));
        assert_eq!(Kind::from_name("a.b.md"), Some(Kind::Markdown));
        assert_eq!(Kind::from_name("noext"), None);
        assert_eq!(Kind::sniff(b"%PDF-1.7\n"), Kind::Pdf);
        assert_eq!(Kind::sniff(b"PK\x03\x04rest"), Kind::Docx);
        assert_eq!(Kind::sniff(b"ARTICLE 1"), Kind::Text);
    }

    #[test]
    fn a_zip_named_txt_is_refused_with_what_it_is() {
        let err = read(b"PK\x03\x04junk", Kind::Text, &Limits::default()).unwrap_err();
        assert!(err.to_string().contains("name it .docx"), "{err}");
    }
}
