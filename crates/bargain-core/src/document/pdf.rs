//! The PDF reader: `pdftotext -layout` (poppler) turns the PDF into text in a temporary
//! folder, bounded in time; [`from_text`] then reads that text (a pure function, the part a
//! fuzz target calls) after a quality gate that refuses what is not text.
//!
//! The gate: a scan without a text layer yields almost nothing per page; a font whose encoding
//! poppler cannot map yields symbols, or letters that form no words ("Wkh Hpsor|hu"). Either is
//! refused with the figures and a suggestion to run OCR (`ocrmypdf`), instead of importing
//! gibberish as contract language.

use super::{CFB_MAGIC, Document, DocumentError, Kind, Limits, Note, pdf_header, text::lines_of};
use std::fmt;
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub(super) fn read(bytes: &[u8], limits: &Limits) -> Result<Document, DocumentError> {
    if !pdf_header(bytes) {
        let found = if bytes.starts_with(b"PK") || bytes.starts_with(CFB_MAGIC) {
            "a Word document or another archive; name it .docx"
        } else {
            "no PDF header (%PDF-); it is not a PDF, or it is damaged"
        };
        return Err(DocumentError::WrongKind {
            named: Kind::Pdf,
            found,
        });
    }
    let text = pdftotext(bytes, limits)?;
    from_text(&text, limits)
}

/// Runs `pdftotext -layout` on the bytes and returns its text.
fn pdftotext(bytes: &[u8], limits: &Limits) -> Result<String, DocumentError> {
    let io = |e: std::io::Error| DocumentError::Io(e.to_string());
    let dir = tempfile::tempdir().map_err(io)?;
    let input = dir.path().join("in.pdf");
    let output = dir.path().join("out.txt");
    let errors = dir.path().join("errors.txt");
    std::fs::write(&input, bytes).map_err(io)?;
    let stderr = std::fs::File::create(&errors).map_err(io)?;
    let mut child = match Command::new(&limits.pdftotext)
        .arg("-layout")
        .args(["-enc", "UTF-8", "-eol", "unix"])
        .arg(&input)
        .arg(&output)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
    {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(DocumentError::PdfToolMissing {
                program: limits.pdftotext.clone(),
            });
        }
        Err(e) => return Err(io(e)),
    };
    let started = Instant::now();
    let mut pause = Duration::from_millis(2);
    let status = loop {
        if let Some(status) = child.try_wait().map_err(io)? {
            break status;
        }
        if started.elapsed() >= limits.pdf_timeout {
            let _ = child.kill();
            let _ = child.wait();
            return Err(DocumentError::PdfTimeout {
                seconds: limits.pdf_timeout.as_secs(),
            });
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(5));
    };
    if !status.success() {
        let mut message = String::new();
        if let Ok(file) = std::fs::File::open(&errors) {
            let _ = file.take(4096).read_to_string(&mut message);
        }
        let line = message
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no message")
            .trim();
        return Err(DocumentError::PdfFailed {
            message: format!(
                "{} (exit {})",
                crate::text::escape_line(line),
                status
                    .code()
                    .map_or("by a signal".to_string(), |c| c.to_string())
            ),
        });
    }
    let size = std::fs::metadata(&output).map_err(io)?.len();
    if size > limits.max_text_bytes as u64 {
        return Err(DocumentError::TextTooLarge {
            limit: limits.max_text_bytes,
        });
    }
    let bytes = std::fs::read(&output).map_err(io)?;
    Ok(match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

/// Reads the text `pdftotext -layout` wrote (pages ended by form feeds), refusing text that is
/// not text.
pub fn from_text(text: &str, limits: &Limits) -> Result<Document, DocumentError> {
    if text.len() > limits.max_text_bytes {
        return Err(DocumentError::TextTooLarge {
            limit: limits.max_text_bytes,
        });
    }
    let quality = Quality::of(text);
    if quality.verdict.is_some() {
        return Err(DocumentError::NotProse(quality));
    }
    // pdftotext ends every page with a form feed; the last one ends the text, not a page.
    let body = text.strip_suffix('\u{c}').unwrap_or(text);
    Ok(Document {
        kind: Kind::Pdf,
        lines: lines_of(body),
        notes: vec![Note::PdfText {
            pages: quality.pages,
        }],
    })
}

/// What the PDF's text is like, and why it is refused if it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quality {
    pub pages: usize,
    /// Characters other than whitespace.
    pub chars: usize,
    /// Of those, letters.
    pub letters: usize,
    pub words: usize,
    /// Words that are among the commonest words of contract prose.
    pub common: usize,
    pub verdict: Option<Verdict>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Almost no characters per page: a scan without a text layer.
    NoTextLayer,
    /// Mostly symbols, not letters: a font encoding the text cannot be mapped from.
    NotLetters,
    /// Letters that form no words.
    NotWords,
}

/// Common words of English (and Spanish and French) contract prose: real text has one in every
/// three or four words; text from a font poppler cannot map has almost none.
const COMMON: &[&str] = &[
    "the",
    "of",
    "and",
    "to",
    "a",
    "in",
    "or",
    "be",
    "shall",
    "by",
    "for",
    "any",
    "this",
    "that",
    "is",
    "on",
    "with",
    "as",
    "an",
    "at",
    "not",
    "will",
    "may",
    "employee",
    "employees",
    "employer",
    "agreement",
    "union",
    "article",
    "section",
    "de",
    "la",
    "el",
    "y",
    "en",
    "que",
    "los",
    "las",
    "del",
    "le",
    "les",
    "et",
    "des",
    "du",
    "un",
    "une",
];

impl Quality {
    pub fn of(text: &str) -> Quality {
        let pages = text.matches('\u{c}').count().max(1);
        let mut chars = 0;
        let mut letters = 0;
        for c in text.chars() {
            if !c.is_whitespace() && c != '\u{c}' {
                chars += 1;
                if c.is_alphabetic() {
                    letters += 1;
                }
            }
        }
        let mut words = 0;
        let mut common = 0;
        for word in text.split_whitespace() {
            let bare: String = word
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase();
            if bare.is_empty() {
                continue;
            }
            words += 1;
            if COMMON.contains(&bare.as_str()) {
                common += 1;
            }
        }
        let verdict = if chars < 40 * pages.max(1) || chars == 0 {
            Some(Verdict::NoTextLayer)
        } else if letters * 2 < chars {
            Some(Verdict::NotLetters)
        } else if words >= 50 && common * 25 < words {
            Some(Verdict::NotWords)
        } else {
            None
        };
        Quality {
            pages,
            chars,
            letters,
            words,
            common,
            verdict,
        }
    }
}

impl fmt::Display for Quality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ocr = "run OCR on it first (for example `ocrmypdf in.pdf out.pdf`, Debian package ocrmypdf) and import the result";
        match self.verdict {
            Some(Verdict::NoTextLayer) => write!(
                f,
                "has no text layer: its {} page{} yield {} characters (a contract page has thousands); it looks like a scan: {ocr}",
                self.pages,
                if self.pages == 1 { "" } else { "s" },
                self.chars
            ),
            Some(Verdict::NotLetters) => write!(
                f,
                "yields text that is mostly not letters ({} of {} characters are letters): its fonts encode text pdftotext cannot map; {ocr}",
                self.letters, self.chars
            ),
            Some(Verdict::NotWords) => write!(
                f,
                "yields letters that form no words ({} of {} words are common words, against one in four in real prose): its fonts encode text pdftotext cannot map; {ocr}",
                self.common, self.words
            ),
            None => write!(
                f,
                "reads as text: {} pages, {} words",
                self.pages, self.words
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_passes_the_gate() {
        let text = "The Employer shall provide the Union with notice of any change to the terms of this Agreement. ".repeat(20);
        let doc = from_text(&format!("{text}\u{c}"), &Limits::default()).unwrap();
        assert_eq!(doc.kind, Kind::Pdf);
        assert_eq!(doc.notes, vec![Note::PdfText { pages: 1 }]);
    }

    #[test]
    fn a_scan_and_a_cipher_are_refused_with_figures() {
        let scan = "\u{c}\u{c}\u{c}  3 \u{c}";
        let err = from_text(scan, &Limits::default()).unwrap_err();
        assert!(err.to_string().contains("no text layer"), "{err}");
        assert!(err.to_string().contains("ocrmypdf"), "{err}");
        let symbols = "#$%& ()*+ ,-./ 0123 !!\"# ".repeat(100);
        let err = from_text(&symbols, &Limits::default()).unwrap_err();
        assert!(err.to_string().contains("mostly not letters"), "{err}");
        // The same prose with every letter shifted by three: letters, but no words.
        let shifted: String = "The Employer shall provide the Union with notice of any change to the terms of this Agreement. "
            .repeat(20)
            .chars()
            .map(|c| if c.is_ascii_lowercase() { char::from(b'a' + (c as u8 - b'a' + 3) % 26) } else { c })
            .collect();
        let err = from_text(&shifted, &Limits::default()).unwrap_err();
        assert!(err.to_string().contains("form no words"), "{err}");
    }

    #[test]
    fn a_missing_pdftotext_names_the_package() {
        let limits = Limits {
            pdftotext: "pdftotext-not-installed-here".to_string(),
            ..Limits::default()
        };
        let err = read(b"%PDF-1.4\n%%EOF\n", &limits).unwrap_err();
        assert!(err.to_string().contains("poppler-utils"), "{err}");
    }
}
