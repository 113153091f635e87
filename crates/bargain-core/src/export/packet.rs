//! A packet to print for a session: one self-contained HTML file (no network, no scripts) —
//! the tracker, then each article's redline on pages of its own, under a running header that
//! Chromium repeats on every printed page (a table header row), party colours with a legend,
//! conflicts of a three-way comparison marked.
//!
//! Owns: which comparison an article's page shows ([`comparison_for`]), and the page. Never
//! does: reading the repository (the caller resolves each comparison and hands the redlines
//! in) or printing to PDF (the CLI runs Chromium).

use crate::comparison::Comparison;
use crate::export::redline_doc::{Marked, html_article};
use crate::export::redline_text::{HTML_STYLE, html_escape};
use crate::model::Status;
use crate::store::ArticleEntry;

/// The comparison an article's page shows: a TA against the current language; with both
/// sides' passes, a three-way comparison against the current language (or the sides against
/// each other for a new article); with one side's, that side against the current language.
pub fn comparison_for(entry: &ArticleEntry, sides: &[String]) -> Option<Comparison> {
    let status = entry.article.as_ref().map(|a| a.status);
    if entry.ta.is_some() && matches!(status, Some(Status::TentativelyAgreed | Status::Ratified)) {
        return Some(Comparison::Ta);
    }
    let passed: Vec<&String> = sides
        .iter()
        .filter(|s| entry.passes.contains_key(*s))
        .collect();
    match (passed.len(), entry.current.is_some()) {
        (0, _) => None,
        (1, _) => Some(Comparison::VsCurrent(passed[0].clone())),
        (_, true) => Some(Comparison::ThreeWay),
        (_, false) => Some(Comparison::Sides),
    }
}

/// One article's page.
pub struct Page<'a> {
    /// "Article 12 — Artificial Intelligence"
    pub heading: String,
    /// The versions compared, one line each (the running header joins them).
    pub versions: Vec<String>,
    pub marked: Marked<'a>,
}

/// The packet: `title` (the table and the session), `date` printed in the running header,
/// the tracker as an HTML fragment, then the pages.
pub fn html(title: &str, date: &str, tracker: &str, pages: &[Page<'_>]) -> String {
    let size: usize = pages
        .iter()
        .flat_map(|p| p.marked.segments.iter())
        .map(|s| s.text.len())
        .sum();
    let mut out = String::with_capacity(size * 2 + 16 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
    html_escape(&mut out, title);
    out.push_str("</title>\n<style>");
    out.push_str(HTML_STYLE);
    out.push_str(
        "table.page{border:none;width:100%;font-size:1em}table.page>thead>tr>td,table.page>tbody>tr>td{border:none;padding:0}\
.running{font-size:.75em;color:#555;border-bottom:1px solid #aaa;padding-bottom:.2em;margin-bottom:.8em}\
.article{margin-top:2em}@page{size:letter;margin:.7in}",
    );
    out.push_str("</style>\n</head>\n<body>\n");
    running_page(&mut out, &[title, date], |out| {
        out.push_str("<h1>");
        html_escape(out, title);
        out.push_str("</h1>\n");
        out.push_str(tracker);
    });
    for page in pages {
        out.push_str("<section class=\"article\">\n");
        // The header names each version by what it is ("old: Example Health pass 2"); the
        // page itself gives session, date and author.
        let versions: Vec<&str> = page
            .versions
            .iter()
            .map(|v| v.split(" · ").next().unwrap_or(v))
            .collect();
        let versions = versions.join("; ");
        running_page(&mut out, &[title, &page.heading, &versions, date], |out| {
            html_article(out, &page.heading, &page.versions, &page.marked)
        });
        out.push_str("</section>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// Content under a header row that a printed page repeats at the top of every page.
fn running_page(out: &mut String, header: &[&str], body: impl FnOnce(&mut String)) {
    out.push_str("<table class=\"page\"><thead><tr><td><div class=\"running\">");
    html_escape(out, &header.join(" · "));
    out.push_str("</div></td></tr></thead><tbody><tr><td>\n");
    body(out);
    out.push_str("</td></tr></tbody></table>\n");
}
