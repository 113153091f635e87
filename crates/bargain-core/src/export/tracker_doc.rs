//! The tracker printed: an aligned text table, Markdown, CSV and JSON, from the same rows.
//!
//! Every field that came from the repository is escaped (control characters shown, never sent),
//! and escaped again as each format needs (CSV quoting, Markdown pipes). JSON keeps the exact text
//! but with every control character as a `\uXXXX` escape, C1 and DEL included.

use crate::model::Table;
use crate::text::escape_line;
use crate::tracker::{Agreement, TopicTotal, TrackerRow};
use std::fmt::Write;

/// Output formats of the tracker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrackerFormat {
    Table,
    Markdown,
    Csv,
    Json,
}

/// Renders the tracker in `format`.
pub fn render(
    table: &Table,
    rows: &[TrackerRow],
    totals: &[TopicTotal],
    format: TrackerFormat,
) -> String {
    match format {
        TrackerFormat::Table => text(table, rows, totals),
        TrackerFormat::Markdown => markdown(table, rows, totals),
        TrackerFormat::Csv => csv(table, rows),
        TrackerFormat::Json => json(table, rows, totals),
    }
}

/// "2025-08-06 · union chief@union.example (countersigned), employer chief@employer.example
/// (attested)".
pub fn agreement_words(a: &Agreement) -> String {
    let signed: Vec<String> = a
        .signatures
        .iter()
        .map(|s| {
            let kind = s
                .kind
                .map(|k| format!(" ({})", k.as_str()))
                .unwrap_or_default();
            format!("{} {}{kind}", escape_line(&s.side), escape_line(&s.email))
        })
        .collect();
    format!("{} · {}", a.date, signed.join(", "))
}

/// The status as a chief reads it: "tentatively-agreed", "open — TA awaiting Example Health".
pub fn status_words(table: &Table, row: &TrackerRow) -> String {
    let status = match (row.status, row.problems) {
        (Some(s), 0) => s.as_str().to_string(),
        (Some(s), n) => format!("{s} ({n} problem{})", if n == 1 { "" } else { "s" }),
        (None, _) => "unreadable".to_string(),
    };
    match awaiting_words(table, row) {
        Some(awaiting) => format!("{status} — {awaiting}"),
        None => status,
    }
}

/// "TA awaiting Example Health", for a TA proposed and not yet countersigned.
pub fn awaiting_words(table: &Table, row: &TrackerRow) -> Option<String> {
    if row.awaiting.is_empty() {
        return None;
    }
    let names: Vec<String> = row
        .awaiting
        .iter()
        .map(|s| escape_line(table.side_name(s)).into_owned())
        .collect();
    Some(format!("TA awaiting {}", names.join(", ")))
}

/// The cells of one row, as text, in column order.
fn cells(table: &Table, row: &TrackerRow) -> Vec<String> {
    let mut cells = vec![
        row.number
            .map_or_else(|| "?".to_string(), |n| n.to_string()),
        escape_line(&row.title).into_owned(),
        escape_line(table.topic_title(&row.topic)).into_owned(),
        status_words(table, row),
    ];
    for side in &table.sides {
        cells.push(row.passes_of(&side.id).to_string());
    }
    cells.push(
        row.whose_move
            .as_deref()
            .map_or_else(|| "—".to_string(), |s| escape_line(s).into_owned()),
    );
    cells.push(match (row.last_movement, &row.last_session) {
        (Some(d), Some(session)) => format!("{d} ({})", escape_line(session)),
        (Some(d), None) => d.to_string(),
        (None, _) => "—".to_string(),
    });
    cells.push(
        row.agreement
            .as_ref()
            .map_or_else(|| "—".to_string(), agreement_words),
    );
    cells.push(
        row.note
            .as_deref()
            .map_or_else(String::new, |n| escape_line(n).into_owned()),
    );
    cells
}

fn headers(table: &Table) -> Vec<String> {
    let mut h: Vec<String> = ["#", "Article", "Topic", "Status"]
        .map(String::from)
        .to_vec();
    for side in &table.sides {
        h.push(format!("{} passes", escape_line(&side.id)));
    }
    h.push("Whose move".into());
    h.push("Last movement".into());
    h.push("TA".into());
    h.push("Note".into());
    h
}

fn totals_line(totals: &[TopicTotal]) -> String {
    let parts: Vec<String> = totals
        .iter()
        .map(|t| format!("{} {}/{}", escape_line(&t.title), t.tas, t.articles))
        .collect();
    let (tas, all) = totals
        .iter()
        .fold((0, 0), |(a, n), t| (a + t.tas, n + t.articles));
    if parts.is_empty() {
        return format!("TAs: {tas}/{all}");
    }
    format!("TAs: {tas}/{all} — {}", parts.join(" · "))
}

fn text(table: &Table, rows: &[TrackerRow], totals: &[TopicTotal]) -> String {
    let headers = headers(table);
    let body: Vec<Vec<String>> = rows.iter().map(|r| cells(table, r)).collect();
    let width = |i: usize| {
        body.iter()
            .map(|r| display_width(&r[i]))
            .chain([display_width(&headers[i])])
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..headers.len()).map(width).collect();
    let mut out = String::new();
    let _ = writeln!(out, "{}", escape_line(&table.name));
    let line = |cells: &[String], out: &mut String| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c}{}", " ".repeat(w.saturating_sub(display_width(c)))))
            .collect();
        let _ = writeln!(out, "{}", padded.join("  ").trim_end());
    };
    line(&headers, &mut out);
    for r in &body {
        line(r, &mut out);
    }
    let _ = writeln!(out, "{}", totals_line(totals));
    out
}

fn display_width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

fn markdown(table: &Table, rows: &[TrackerRow], totals: &[TopicTotal]) -> String {
    let cell = |s: &str| s.replace('|', "\\|");
    let mut out = format!("# {}\n\n", cell(&escape_line(&table.name)));
    let headers = headers(table);
    let _ = writeln!(out, "| {} |", headers.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(headers.len()));
    for row in rows {
        let cells: Vec<String> = cells(table, row).iter().map(|c| cell(c)).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    let _ = writeln!(out, "\n{}", totals_line(totals));
    out
}

/// The tracker as an HTML fragment (a table and the totals line), for a packet. The cells are
/// [`cells`]' (controls already shown visibly), HTML-escaped here.
pub fn html_fragment(table: &Table, rows: &[TrackerRow], totals: &[TopicTotal]) -> String {
    use crate::export::redline_text::html_escape;
    let mut out = String::from("<table class=\"tracker\"><thead><tr>");
    for h in headers(table) {
        out.push_str("<th>");
        html_escape(&mut out, &h);
        out.push_str("</th>");
    }
    out.push_str("</tr></thead><tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for c in cells(table, row) {
            out.push_str("<td>");
            html_escape(&mut out, &c);
            out.push_str("</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n<p class=\"summary\">");
    html_escape(&mut out, &totals_line(totals));
    out.push_str("</p>\n");
    out
}

/// A cell made safe for a spreadsheet: a leading `=`, `+`, `-`, `@`, tab or carriage return
/// would be read as a formula (OWASP's "CSV injection"), so such a cell starts with `'`. The
/// `csv` crate does the quoting.
fn guarded(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) && s != "—" {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

fn csv(table: &Table, rows: &[TrackerRow]) -> String {
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let mut headers = vec![
        "number".to_string(),
        "id".into(),
        "title".into(),
        "topic".into(),
        "status".into(),
    ];
    for side in &table.sides {
        headers.push(format!("{}_passes", escape_line(&side.id)));
    }
    headers.extend([
        "whose_move".into(),
        "last_movement".into(),
        "last_session".into(),
        "ta_date".into(),
    ]);
    for side in &table.sides {
        headers.push(format!("{}_signatory", escape_line(&side.id)));
        headers.push(format!("{}_signature", escape_line(&side.id)));
    }
    headers.extend(["awaiting".into(), "note".into(), "problems".into()]);
    // Writing to memory cannot fail; a record is skipped rather than the program stopped.
    let _ = out.write_record(headers.iter().map(|h| guarded(h)));
    for row in rows {
        let mut cells = vec![
            row.number.map(|n| n.to_string()).unwrap_or_default(),
            escape_line(&row.id).into_owned(),
            escape_line(&row.title).into_owned(),
            escape_line(&row.topic).into_owned(),
            row.status
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
        ];
        for side in &table.sides {
            cells.push(row.passes_of(&side.id).to_string());
        }
        cells.push(
            row.whose_move
                .as_deref()
                .map(|s| escape_line(s).into_owned())
                .unwrap_or_default(),
        );
        cells.push(row.last_movement.map(|d| d.to_string()).unwrap_or_default());
        cells.push(
            row.last_session
                .as_deref()
                .map(|s| escape_line(s).into_owned())
                .unwrap_or_default(),
        );
        cells.push(
            row.agreement
                .as_ref()
                .map(|a| a.date.to_string())
                .unwrap_or_default(),
        );
        for side in &table.sides {
            let signed = row
                .agreement
                .as_ref()
                .and_then(|a| a.signatures.iter().find(|s| s.side == side.id));
            cells.push(
                signed
                    .map(|s| escape_line(&s.email).into_owned())
                    .unwrap_or_default(),
            );
            cells.push(
                signed
                    .and_then(|s| s.kind)
                    .map(|k| k.as_str().to_string())
                    .unwrap_or_default(),
            );
        }
        cells.push(escape_line(&row.awaiting.join(" ")).into_owned());
        cells.push(
            row.note
                .as_deref()
                .map(|n| escape_line(n).into_owned())
                .unwrap_or_default(),
        );
        cells.push(row.problems.to_string());
        let _ = out.write_record(cells.iter().map(|c| guarded(c)));
    }
    String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default()
}

fn json(table: &Table, rows: &[TrackerRow], totals: &[TopicTotal]) -> String {
    use serde_json::{Value, json};
    // JSON escapes control characters itself, so the raw text is kept exact here.
    let articles: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({
                "number": r.number,
                "id": r.id,
                "title": r.title,
                "topic": r.topic,
                "status": r.status.map(|s| s.as_str()),
                "passes": r.progress.passes,
                "whose_move": r.whose_move,
                "last_movement": r.last_movement.map(|d| d.to_string()),
                "last_session": r.last_session,
                "ta": r.agreement.as_ref().map(|a| json!({
                    "date": a.date.to_string(),
                    "signatures": a.signatures.iter().map(|s| json!({
                        "side": s.side,
                        "email": s.email,
                        "kind": s.kind.map(|k| k.as_str()),
                    })).collect::<Vec<_>>(),
                })),
                "awaiting": r.awaiting,
                "note": r.note,
                "problems": r.problems,
            })
        })
        .collect();
    let topics: Vec<Value> = totals
        .iter()
        .map(|t| json!({"topic": t.topic, "title": t.title, "articles": t.articles, "tas": t.tas}))
        .collect();
    let value = json!({ "table": table.name, "articles": articles, "topics": topics });
    let json = serde_json::to_string_pretty(&value).unwrap_or_default();
    let mut out = crate::text::escape_json(&json).into_owned();
    out.push('\n');
    out
}
