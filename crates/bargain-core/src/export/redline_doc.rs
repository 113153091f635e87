//! A redline as a whole document: a header naming the article and both versions (side, pass,
//! session, date, author), a one-line summary, then the marked text in the chosen format.
//! Shared by `bargain diff` and anything that prints a redline packet.

use crate::comparison::{Label, Marks};
use crate::export::redline_text::{
    HTML_STYLE, HtmlMarks, ansi_into, html_escape, html_legend, html_redline, md_into, plain_into,
    renders_like,
};
use crate::redline::ThreeWay;
use crate::redline::{Move, Redline, Segment, Summary};
use crate::text::escape_line;

/// How a redline is written out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedlineFormat {
    /// Colour and strike/underline (SGR), for a terminal.
    Ansi,
    /// `[-deleted-]`, `{+inserted+}` and move markers: meaning without colour.
    Plain,
    /// A printable HTML page.
    Html,
    /// Markdown.
    Markdown,
}

/// What a document shows, whichever engine produced it.
pub struct Marked<'a> {
    pub segments: &'a [Segment<'a>],
    pub moves: &'a [Move],
    pub summary: Summary,
    pub coarse: bool,
    /// Side names and three-way conflicts, for the formats that mark them (HTML).
    pub marks: HtmlMarks,
}

impl Marked<'_> {
    /// The same, with each side's id → display name, for attribution.
    pub fn with_names(mut self, names: Vec<(String, String)>) -> Self {
        self.marks.names = names;
        self
    }
}

impl<'a> From<&'a Redline<'_>> for Marked<'a> {
    fn from(r: &'a Redline<'_>) -> Self {
        Marked {
            segments: &r.segments,
            moves: &r.moves,
            summary: r.summary,
            coarse: r.coarse,
            marks: HtmlMarks::default(),
        }
    }
}

impl<'a> From<&'a ThreeWay<'_>> for Marked<'a> {
    fn from(r: &'a ThreeWay<'_>) -> Self {
        Marked {
            segments: &r.segments,
            moves: &r.moves,
            summary: r.summary,
            coarse: r.coarse,
            marks: HtmlMarks {
                names: Vec::new(),
                conflicts: r.conflicts.iter().map(|c| c.segments.clone()).collect(),
            },
        }
    }
}

impl<'a> From<&'a Marks<'_>> for Marked<'a> {
    fn from(m: &'a Marks<'_>) -> Self {
        match m {
            Marks::Two(r) => Marked::from(r),
            Marks::Three(t) => Marked::from(t),
        }
    }
}

/// The one-line summary: "12 words inserted, 3 deleted, 0 moved; 2 paragraphs changed".
pub fn summary_line(marked: &Marked<'_>) -> String {
    let s = marked.summary;
    let mut line = if s.inserted_words + s.deleted_words + s.moved_words == 0 {
        "no change of words".to_string()
    } else {
        format!(
            "{} words inserted, {} deleted, {} moved; {} paragraph{} changed",
            s.inserted_words,
            s.deleted_words,
            s.moved_words,
            s.changed_paragraphs,
            if s.changed_paragraphs == 1 { "" } else { "s" }
        )
    };
    if s.layout_changes > 0 {
        line.push_str(&format!(" (+{} whitespace-only)", s.layout_changes));
    }
    if marked.coarse {
        line.push_str(" — too large to compare word by word in time: shown by paragraph");
    }
    line
}

/// The whole document. `heading` is e.g. "Article 12 — Artificial Intelligence"; `versions` are
/// the labels in the order old, new (or base, then each side for a three-way comparison).
pub fn document(
    format: RedlineFormat,
    heading: &str,
    versions: &[(&str, &Label)],
    marked: &Marked<'_>,
) -> String {
    let mut out = Vec::new();
    write_document(&mut out, format, heading, versions, marked)
        .expect("writing to memory does not fail");
    String::from_utf8(out).expect("the renderers write UTF-8")
}

/// Plain and ANSI documents are written this many bytes at a time, so a whole agreement's
/// redline is never held twice (as segments and as one output string).
const CHUNK: usize = 64 * 1024;

/// [`document`] written to `out` as it is rendered.
pub fn write_document(
    out: &mut impl std::io::Write,
    format: RedlineFormat,
    heading: &str,
    versions: &[(&str, &Label)],
    marked: &Marked<'_>,
) -> std::io::Result<()> {
    let summary = summary_line(marked);
    let label_lines: Vec<String> = versions
        .iter()
        .map(|(role, label)| format!("{role}: {}", label.line()))
        .collect();
    match format {
        RedlineFormat::Html => {
            let mut page = String::from(
                "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>",
            );
            html_escape(&mut page, heading);
            page.push_str("</title>\n<style>");
            page.push_str(HTML_STYLE);
            page.push_str("</style>\n</head>\n<body>\n");
            html_article(&mut page, heading, &label_lines, marked);
            page.push_str("</body>\n</html>\n");
            out.write_all(page.as_bytes())
        }
        RedlineFormat::Markdown => {
            let mut text = format!("# {}\n\n", md_escape_line(heading));
            for line in &label_lines {
                text.push_str(&format!("- {}\n", md_escape_line(line)));
            }
            text.push_str(&format!("\n*{}*\n\n", md_escape_line(&summary)));
            md_into(&mut text, marked.segments, marked.moves);
            out.write_all(text.as_bytes())
        }
        RedlineFormat::Ansi | RedlineFormat::Plain => {
            let ansi = format == RedlineFormat::Ansi;
            let mut text = if ansi {
                format!("\x1b[1m{}\x1b[0m\n", escape_line(heading))
            } else {
                format!("{}\n", escape_line(heading))
            };
            for line in &label_lines {
                text.push_str(&escape_line(line));
                text.push('\n');
            }
            text.push_str(&escape_line(&summary));
            text.push_str("\n\n");
            if ansi {
                text.push_str(&legend_ansi());
            }
            // Cut only where the way segments render changes, so no run of like segments
            // (rendered as one) is split.
            let segments = marked.segments;
            let mut start = 0;
            let mut pending = 0;
            let mut last_byte = b'\n';
            for k in 0..=segments.len() {
                let cut = k == segments.len()
                    || (pending >= CHUNK && !renders_like(&segments[k - 1], &segments[k]));
                if cut {
                    let chunk = &segments[start..k];
                    if ansi {
                        ansi_into(&mut text, chunk, marked.moves);
                    } else {
                        plain_into(&mut text, chunk, marked.moves);
                    }
                    last_byte = text.as_bytes().last().copied().unwrap_or(last_byte);
                    out.write_all(text.as_bytes())?;
                    text.clear();
                    (start, pending) = (k, 0);
                }
                if let Some(s) = segments.get(k) {
                    pending += s.text.len();
                }
            }
            if last_byte != b'\n' {
                out.write_all(b"\n")?;
            }
            Ok(())
        }
    }
}

/// One article's redline as an HTML fragment: its heading, the versions compared, the
/// summary, the legend and the marked text. A page of its own, or one article of a packet.
pub fn html_article(out: &mut String, heading: &str, label_lines: &[String], marked: &Marked<'_>) {
    out.push_str("<h1>");
    html_escape(out, heading);
    out.push_str("</h1>\n<ul class=\"versions\">");
    for line in label_lines {
        out.push_str("<li>");
        html_escape(out, line);
        out.push_str("</li>");
    }
    out.push_str("</ul>\n<p class=\"summary\">");
    html_escape(out, &summary_line(marked));
    out.push_str("</p>\n");
    html_legend(out, marked.segments, &marked.marks);
    html_redline(out, marked.segments, marked.moves, &marked.marks);
}

fn legend_ansi() -> String {
    use crate::export::redline_text::{
        SGR_DELETED, SGR_INSERTED, SGR_MOVED_FROM, SGR_MOVED_TO, SGR_RESET,
    };
    format!(
        "legend: {SGR_DELETED}deleted{SGR_RESET} {SGR_INSERTED}inserted{SGR_RESET} {SGR_MOVED_FROM}moved away{SGR_RESET} {SGR_MOVED_TO}moved here{SGR_RESET}\n\n"
    )
}

/// Markdown inline text from one untrusted line (written after `# ` or `- `, never at a line's
/// start): controls shown, the characters that make inline markup escaped.
fn md_escape_line(s: &str) -> String {
    let mut out = String::new();
    for c in escape_line(s).chars() {
        if "\\`*_{}[]<>|~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
