//! A tentative agreement as a document to hand over: the agreed text, then a signature block
//! (who signed for each side, when, how, and the text's hash checked against the record).
//!
//! Owns: the words of the signature block and the HTML page of an agreed text (the `.docx`
//! is [`crate::export::docx::write_text`] with this block). Never does: reading the
//! repository or judging a signature (that is `record`); it states what `article.yaml`
//! records.

use crate::export::blocks;
use crate::export::redline_text::{HTML_STYLE, HtmlMarks, html_escape, html_redline};
use crate::model::{Date, SignatureKind, Table, TentativeAgreement};
use crate::redline::Segment;

/// The lines of the signature block, in table order of the sides.
pub fn signature_block(table: &Table, ta: &TentativeAgreement, text: &str) -> Vec<String> {
    let mut lines = vec![format!("Tentatively agreed on {}.", ta.date)];
    for side in &table.sides {
        let Some(email) = ta.signatories.get(&side.id) else {
            lines.push(format!("For {}: not signed.", side.name));
            continue;
        };
        let who = match table.person(email) {
            Some(p) => format!("{} ({email})", p.name),
            None => email.clone(),
        };
        let how = match ta.signatures.get(&side.id) {
            Some(sig) => {
                let mut how = format!("signed {}", sig.date);
                match sig.kind {
                    SignatureKind::Countersigned => how.push_str(", in a commit of their own"),
                    SignatureKind::Attested => {
                        how.push_str(", attested");
                        if let Some(by) = &sig.attested_by {
                            let by = table.person(by).map_or(by.as_str(), |p| p.name.as_str());
                            how.push_str(&format!(" by {by}"));
                        }
                        if let Some(page) = &sig.page_sha256 {
                            how.push_str(&format!(" (signed page SHA-256 {page})"));
                        }
                    }
                }
                how
            }
            None => format!("signed {}", ta.date),
        };
        lines.push(format!("For {}: {who}, {how}.", side.name));
    }
    let hash = TentativeAgreement::hash_of(text.as_bytes());
    lines.push(match &ta.sha256 {
        Some(recorded) if *recorded == hash => {
            format!("Text SHA-256: {hash} (as recorded with the signatures).")
        }
        Some(recorded) => format!(
            "Text SHA-256: {hash}. THE RECORDED HASH IS {recorded}: this is not the text that was signed."
        ),
        None => format!("Text SHA-256: {hash} (no hash was recorded with the signatures)."),
    });
    lines
}

/// The agreed text as a printable HTML page: the text's Markdown structure, then the block.
pub fn html(title: &str, text: &str, block: &[String], printed: Option<Date>) -> String {
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>",
    );
    html_escape(&mut out, title);
    out.push_str("</title>\n<style>");
    out.push_str(HTML_STYLE);
    out.push_str(".signatures{border-top:1px solid #888;margin-top:2em;padding-top:.5em}</style>\n</head>\n<body>\n");
    let segments = [Segment::equal(text)];
    let starts_with_heading = blocks::lines(&segments)
        .iter()
        .find(|l| l.block != blocks::Block::Blank)
        .is_some_and(|l| matches!(l.block, blocks::Block::Heading(_)));
    if !starts_with_heading {
        out.push_str("<h1>");
        html_escape(&mut out, title);
        out.push_str("</h1>\n");
    }
    html_redline(&mut out, &segments, &[], &HtmlMarks::default());
    out.push_str("<div class=\"signatures\">\n");
    for line in block {
        out.push_str("<p>");
        html_escape(&mut out, line);
        out.push_str("</p>\n");
    }
    if let Some(d) = printed {
        out.push_str(&format!("<p class=\"summary\">Printed {d}.</p>\n"));
    }
    out.push_str("</div>\n</body>\n</html>\n");
    out
}
