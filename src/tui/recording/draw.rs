//! Draws the recording form: a centred popup over the panes. Draws only; everything read from the
//! repository (titles, names, messages, paths) is escaped before it reaches the terminal.

use super::{ACTIONS, Field, Input, Kind, RecordForm, Step, WriteOutcome, keys_label, short};
use crate::tui::keys::Action;
use crate::tui::popup;
use crate::tui::theme::Theme;
use bargain_core::text::escape_line;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

/// Draws `form` in a popup centred on `screen`.
pub fn view(form: &RecordForm, frame: &mut Frame<'_>, screen: Rect, theme: Theme) {
    let title = if form.kind == Kind::Article {
        " Add an article to the table ".to_string()
    } else {
        format!(
            " {} on Article {} — {} ({}) ",
            match form.kind {
                _ if form.step == Step::Action => "Record",
                Kind::Pass => "Pass",
                Kind::Status | Kind::Article => "Status",
            },
            form.subject.number,
            escape_line(&form.subject.title),
            form.subject.status.as_str(),
        )
    };
    let buf = frame.buffer_mut();
    let Some(inside) = popup::frame(buf, screen, (76, 20), (20, 6), &title, theme) else {
        return;
    };
    // The last row is the hint's.
    let body = Rect {
        height: inside.height.saturating_sub(1),
        ..inside
    };
    let hint_row = Rect::new(body.x, inside.bottom().saturating_sub(1), body.width, 1);

    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut text_at: Option<(u16, &ratatui_textarea::TextArea<'static>, u16)> = None;
    let t = theme;
    let heading = |s: &str| Line::from(Span::styled(s.to_string(), t.heading()));
    match &form.step {
        Step::Action => {
            lines.push(heading("What is recorded?"));
            for (i, a) in ACTIONS.iter().enumerate() {
                lines.push(choice(i == form.action_cursor, a, t));
            }
        }
        Step::Status => {
            lines.push(heading(&format!(
                "Article {} is {}. Set it to:",
                form.subject.number, form.subject.status
            )));
            for (i, word) in form.statuses.iter().enumerate() {
                lines.push(choice(i == form.status_cursor, word.as_str(), t));
            }
        }
        Step::Details => {
            lines.push(heading(&match form.kind {
                Kind::Pass => "The pass: the side, and its full text".to_string(),
                Kind::Article => {
                    "The new article: number, title, topic; the current language if any".to_string()
                }
                Kind::Status => format!(
                    "Set {}:",
                    form.status.map_or("", bargain_core::record::Verb::as_str)
                ),
            }));
            let label_w = form
                .fields
                .iter()
                .map(|f| f.label.chars().count())
                .max()
                .unwrap_or(0);
            for (i, field) in form.fields.iter().enumerate() {
                let focused = i == form.focus;
                let label = format!("{}{:<label_w$}  ", marker(focused), field.label);
                let label_len = label.chars().count() as u16;
                match (&field.input, focused) {
                    (Input::Text(area), true) => {
                        text_at = Some((lines.len() as u16, area, label_len));
                        lines.push(Line::from(Span::styled(label, t.bold())));
                    }
                    _ => lines.push(field_line(field, label, focused, t)),
                }
            }
            if form.kind == Kind::Article
                && let Some(loaded) = &form.text
            {
                lines.push(Line::from(""));
                lines.push(Line::from(Span::styled(
                    format!(
                        "Current language: {} lines from {}",
                        loaded.text.lines().count(),
                        escape_line(&loaded.source)
                    ),
                    t.plain(),
                )));
            }
            if form.kind == Kind::Pass {
                lines.push(Line::from(""));
                lines.push(Line::from(match &form.text {
                    Some(loaded) => Span::styled(
                        match &loaded.took {
                            Some(took) => format!(
                                "Text: {} lines; {}",
                                loaded.text.lines().count(),
                                escape_line(took)
                            ),
                            None => format!(
                                "Text: {} lines from {}",
                                loaded.text.lines().count(),
                                escape_line(&loaded.source)
                            ),
                        },
                        t.plain(),
                    ),
                    None => Span::styled(
                        format!(
                            "Enter reads the file; {} writes the text in $EDITOR instead",
                            keys_label(Action::Editor)
                        ),
                        t.dim(),
                    ),
                }));
            }
        }
        Step::Note => {
            lines.push(heading("A note for the record (optional)"));
            text_at = Some((lines.len() as u16, &form.note, 0));
        }
        Step::Checking => lines.push(Line::from(Span::styled(
            "Checking against the table's rules…",
            t.warning(),
        ))),
        Step::Confirm(plan) | Step::Writing(plan) => {
            let writing = matches!(form.step, Step::Writing(_));
            lines.push(heading(if writing {
                "Recording…"
            } else {
                "Record this? One commit:"
            }));
            lines.push(Line::from(Span::styled(
                escape_line(&plan.sentence).into_owned(),
                t.bold(),
            )));
            lines.push(Line::from(vec![
                Span::styled("Author  ", t.dim()),
                Span::raw(format!(
                    "{} <{}>",
                    escape_line(&plan.author.name),
                    escape_line(&plan.author.email)
                )),
            ]));
            for file in &plan.files {
                lines.push(Line::from(vec![
                    Span::styled(
                        if file.content.is_some() {
                            "Writes  "
                        } else {
                            "Removes "
                        },
                        t.dim(),
                    ),
                    Span::raw(escape_line(&file.path).into_owned()),
                ]));
            }
            if plan.forced {
                lines.push(Line::from(Span::styled(
                    "Forced: flagged in the history",
                    t.warning(),
                )));
            }
            lines.push(Line::from(Span::styled("Message", t.dim())));
            for line in plan.message.lines() {
                lines.push(Line::from(Span::styled(
                    format!("  {}", escape_line(line)),
                    t.plain(),
                )));
            }
        }
        Step::Refused(why) => {
            lines.push(Line::from(Span::styled("Not recorded", t.error())));
            lines.push(Line::from(escape_line(why).into_owned()));
        }
        Step::Done(WriteOutcome::Recorded {
            commit,
            sentence,
            warning,
        }) => {
            lines.push(Line::from(vec![
                Span::styled("Recorded as ", t.heading()),
                Span::styled(short(*commit), t.key()),
            ]));
            lines.push(Line::from(escape_line(sentence).into_owned()));
            if let Some(w) = warning {
                lines.push(Line::from(Span::styled(
                    escape_line(w).into_owned(),
                    t.warning(),
                )));
            }
        }
        Step::Done(WriteOutcome::Refused(why)) => {
            lines.push(Line::from(Span::styled("Not recorded", t.error())));
            lines.push(Line::from(escape_line(why).into_owned()));
        }
    }
    if let Some(m) = &form.message {
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(
            escape_line(m).into_owned(),
            t.warning(),
        )));
    }
    let wraps = matches!(
        form.step,
        Step::Refused(_) | Step::Done(_) | Step::Confirm(_) | Step::Writing(_)
    );
    let paragraph = Paragraph::new(lines);
    let paragraph = if wraps {
        paragraph.wrap(Wrap { trim: false })
    } else {
        paragraph
    };
    paragraph.render(body, buf);
    if let Some((row, area, x)) = text_at {
        let y = body.y + row;
        let height = if form.step == Step::Note {
            body.bottom().saturating_sub(y).min(6)
        } else {
            1
        };
        if y < body.bottom() && x < body.width {
            let r = Rect::new(body.x + x, y, body.width - x, height.max(1));
            area.render(r, buf);
        }
    }
    let hint = hints(form);
    let mut spans = Vec::new();
    for (i, (key, what)) in hint.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", t.dim()));
        }
        spans.push(Span::styled(key.clone(), t.key()));
        spans.push(Span::raw(format!(" {what}")));
    }
    buf.set_line(hint_row.x, hint_row.y, &Line::from(spans), hint_row.width);
}

fn marker(focused: bool) -> &'static str {
    if focused { "› " } else { "  " }
}

fn choice(selected: bool, text: &str, t: Theme) -> Line<'static> {
    let line = format!("{}{}", marker(selected), text);
    Line::from(Span::styled(
        line,
        if selected { t.selected() } else { t.plain() },
    ))
}

fn field_line(field: &Field, label: String, focused: bool, t: Theme) -> Line<'static> {
    let value = escape_line(&field.shown()).into_owned();
    let unset = matches!(field.input, Input::Pick { chosen: None, .. });
    let value_style = match (focused, unset) {
        (true, _) => t.selected(),
        (false, true) => t.dim(),
        (false, false) => t.plain(),
    };
    let picker = matches!(field.input, Input::Pick { .. });
    let mut spans = vec![Span::styled(
        label,
        if focused { t.bold() } else { t.plain() },
    )];
    if picker && focused {
        spans.push(Span::styled("‹ ", t.key()));
    }
    spans.push(Span::styled(value, value_style));
    if picker && focused {
        spans.push(Span::styled(" ›", t.key()));
    }
    Line::from(spans)
}

/// The keys that do something particular on this step, as the key table writes them (the key bar
/// under the popup always shows Enter, Esc and S-Tab).
fn hints(form: &RecordForm) -> Vec<(String, &'static str)> {
    let label = |a| keys_label(a).to_string();
    let arrows = format!("{}/{}", label(Action::Up), label(Action::Down));
    let pick = format!("{}/{}", label(Action::PickPrev), label(Action::PickNext));
    let (enter, esc) = (label(Action::Open), label(Action::Back));
    match &form.step {
        Step::Action | Step::Status => vec![(arrows, "choose"), (enter, "next")],
        Step::Details => {
            let mut h = vec![(arrows, "field")];
            if form
                .focused()
                .is_some_and(|f| matches!(f.input, Input::Pick { .. }))
            {
                h.push((pick, "pick"));
            }
            if form.kind == Kind::Pass {
                h.push((label(Action::Editor), "write it in $EDITOR"));
            }
            h.push((enter, "next"));
            h
        }
        Step::Note => vec![(enter, "check it against the rules")],
        Step::Checking => vec![(esc, "cancel")],
        Step::Confirm(_) => vec![(enter, "record it"), (esc, "cancel")],
        Step::Writing(_) => vec![],
        Step::Refused(_) => vec![(enter, "change it"), (esc, "close")],
        Step::Done(_) => vec![(enter, "close")],
    }
}
